//! Vaultdeck's Azure Key Vault provider.
//!
//! Secrets, keys and certificates through Microsoft's official GA crates
//! (`azure_security_keyvault_{secrets,keys,certificates}` 1.0, `azure_identity` 1.0), with the
//! data-plane api-version pinned to [`API_VERSION`] and our own HTTP transport (reqwest on
//! rustls + ring) so a CA bundle can be configured. Sign-in: Azure CLI, client secret, managed
//! identity (from `azure_identity`) and a device-code credential of our own
//! ([`DeviceCodeCredential`]; `azure_identity` 1.0 has none).
//!
//! Values cross this API only as [`secrecy::SecretString`]; errors carry the service's code and
//! message, never a value or token.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// The SDK's models and options are mostly `#[non_exhaustive]` (no struct literals outside their
// crate), so they are built as `default()` + field assignments, uniformly.
#![allow(clippy::field_reassign_with_default)]

mod certificates;
mod credential;
mod error;
mod keys;
mod principal;
mod secrets;
mod transport;

use std::path::PathBuf;
use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use azure_security_keyvault_certificates::{CertificateClient, CertificateClientOptions};
use azure_security_keyvault_keys::{KeyClient, KeyClientOptions};
use azure_security_keyvault_secrets::{SecretClient, SecretClientOptions};

pub use credential::{
    credential_for, CredentialSpec, DeviceCodeCredential, DeviceCodePromptFn, RefreshTokenStore,
};
pub use error::{Error, Result};
pub use principal::{principal_of, Principal, PrincipalKind};

/// The data-plane api-version every request uses.
pub const API_VERSION: &str = "2025-07-01";

/// The public cloud's Entra ID authority.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";

/// Where and how to reach one vault.
#[derive(Debug, Clone)]
pub struct AzureConfig {
    /// Vault URL, e.g. `https://myvault.vault.azure.net` (must be https).
    pub vault_url: String,
    /// Entra ID authority host; `None` = [`DEFAULT_AUTHORITY`].
    pub authority_host: Option<String>,
    /// PEM bundle to trust instead of the system roots.
    pub ca_bundle: Option<PathBuf>,
    /// Require the challenge's resource to match the vault's domain (the SDK's defence against
    /// token leaks to look-alike hosts). Only tests against a loopback server turn it off.
    pub verify_challenge_resource: bool,
}

impl AzureConfig {
    /// A config for `vault_url` with the public cloud's authority and the system roots.
    pub fn new(vault_url: impl Into<String>) -> Self {
        Self {
            vault_url: vault_url.into(),
            authority_host: None,
            ca_bundle: None,
            verify_challenge_resource: true,
        }
    }

    /// The authority host in use.
    pub fn authority(&self) -> &str {
        self.authority_host.as_deref().unwrap_or(DEFAULT_AUTHORITY)
    }

    fn validate(&self) -> Result<url::Url> {
        let url = url::Url::parse(&self.vault_url).map_err(|e| {
            Error::Config(format!("vault URL {:?} is not a URL: {e}", self.vault_url))
        })?;
        if url.scheme() != "https" {
            return Err(Error::Config(format!(
                "vault URL {} must use https: Key Vault clients never send tokens over plain HTTP",
                self.vault_url
            )));
        }
        Ok(url)
    }
}

/// A signed-in client for one vault: secrets, keys, certificates.
#[derive(Clone)]
pub struct AzureVault {
    vault_url: String,
    secrets: Arc<SecretClient>,
    keys: Arc<KeyClient>,
    certificates: Arc<CertificateClient>,
    /// Who the latest token names (see [`AzureVault::principal`]).
    principal: Arc<std::sync::Mutex<Option<Principal>>>,
}

impl std::fmt::Debug for AzureVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AzureVault({})", self.vault_url)
    }
}

impl AzureVault {
    /// Builds the clients for `config` with `credential`. No request is made yet; call
    /// [`AzureVault::probe`] to prove the sign-in works.
    pub fn new(config: &AzureConfig, credential: Arc<dyn TokenCredential>) -> Result<Self> {
        let url = config.validate()?;
        let vault_url = url.as_str().trim_end_matches('/').to_string();
        let (credential, principal) = principal::Observed::wrap(credential);
        let client_options = transport::client_options(config)?;
        let verify = Some(config.verify_challenge_resource);
        let mut so = SecretClientOptions::default();
        so.api_version = API_VERSION.to_string();
        so.client_options = client_options.clone();
        so.verify_challenge_resource = verify;
        let mut ko = KeyClientOptions::default();
        ko.api_version = API_VERSION.to_string();
        ko.client_options = client_options.clone();
        ko.verify_challenge_resource = verify;
        let mut co = CertificateClientOptions::default();
        co.api_version = API_VERSION.to_string();
        co.client_options = client_options;
        co.verify_challenge_resource = verify;
        Ok(Self {
            secrets: Arc::new(SecretClient::new(&vault_url, credential.clone(), Some(so))?),
            keys: Arc::new(KeyClient::new(&vault_url, credential.clone(), Some(ko))?),
            certificates: Arc::new(CertificateClient::new(&vault_url, credential, Some(co))?),
            vault_url,
            principal,
        })
    }

    /// Who signed in, as the claims of the latest access token name it (`None` before the
    /// first request, or when the authority issues opaque tokens).
    pub fn principal(&self) -> Option<Principal> {
        self.principal.lock().ok().and_then(|p| p.clone())
    }

    /// The vault URL (no trailing slash).
    pub fn vault_url(&self) -> &str {
        &self.vault_url
    }

    /// Proves the credential and the vault work: lists one page of secrets.
    pub async fn probe(&self) -> Result<()> {
        self.list_secrets_page().await.map(|_| ())
    }
}

/// Unix seconds of an SDK timestamp.
pub(crate) fn unix(t: Option<time::OffsetDateTime>) -> Option<i64> {
    t.map(|t| t.unix_timestamp())
}

/// An SDK timestamp from unix seconds.
pub(crate) fn from_unix(s: i64) -> Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(s)
        .map_err(|e| Error::InvalidInput(format!("timestamp {s} is out of range: {e}")))
}

/// The name and version of a Key Vault object id (`https://v/secrets/name/version`).
pub(crate) fn name_version(id: Option<&str>) -> (String, Option<String>) {
    let Some(id) = id else {
        return (String::new(), None);
    };
    let path = url::Url::parse(id)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| id.to_string());
    let mut segs = path.trim_matches('/').split('/').skip(1);
    let name = segs.next().unwrap_or_default().to_string();
    let version = segs.next().filter(|v| !v.is_empty()).map(str::to_string);
    (name, version)
}

/// Checks an object name like the service does (`^[0-9a-zA-Z-]{1,127}$`), before any request.
pub(crate) fn check_name(kind: &str, name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 127
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(Error::InvalidInput(format!(
            "{kind} name {name:?} is invalid: use 1-127 letters, digits and dashes"
        )));
    }
    Ok(())
}
