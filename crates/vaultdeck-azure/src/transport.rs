//! The HTTP transport handed to the SDK clients and credentials: reqwest 0.13 on rustls with
//! ring (as the rest of the workspace), trusting either the system roots or a PEM bundle.

use std::sync::Arc;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::http::{ClientOptions, ExponentialRetryOptions, RetryOptions, Transport};

use crate::{AzureConfig, Error, Result};

/// Installs ring as rustls' process-wide provider if none is set yet (reqwest is built
/// without a provider of its own).
fn ensure_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// A reqwest client trusting `config.ca_bundle` (only) when set, else the system roots.
pub(crate) fn http_client(config: &AzureConfig) -> Result<reqwest::Client> {
    ensure_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(15))
        .timeout(std::time::Duration::from_secs(120));
    if let Some(path) = &config.ca_bundle {
        let pem = std::fs::read(path).map_err(|e| {
            Error::Config(format!("CA bundle {} is unreadable: {e}", path.display()))
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| Error::Config(format!("CA bundle {} is not PEM: {e}", path.display())))?;
        if certs.is_empty() {
            return Err(Error::Config(format!(
                "CA bundle {} holds no certificate",
                path.display()
            )));
        }
        builder = builder.tls_certs_only(certs);
    }
    builder
        .build()
        .map_err(|e| Error::Config(format!("HTTP client: {e}")))
}

/// SDK client options: our transport and, when configured, a custom authority host.
pub(crate) fn client_options(config: &AzureConfig) -> Result<ClientOptions> {
    let mut options = ClientOptions::default();
    options.transport = Some(Transport::new(Arc::new(http_client(config)?)));
    // A desktop app should say "unreachable" within seconds, not after the SDK's default minute
    // of retries (8 retries, up to 60 s).
    let mut retry = ExponentialRetryOptions::default();
    retry.max_retries = 3;
    retry.max_total_elapsed = time::Duration::seconds(8);
    retry.max_delay = time::Duration::seconds(2);
    options.retry = RetryOptions::exponential(retry);
    if let Some(host) = &config.authority_host {
        let mut custom = CustomConfiguration::default();
        custom.authority_host = host.clone();
        options.cloud = Some(Arc::new(CloudConfiguration::from(custom)));
    }
    Ok(options)
}
