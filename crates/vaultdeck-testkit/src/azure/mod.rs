//! An Azure Key Vault data-plane test server: HTTPS on a loopback port with a test CA
//! generated at start, the `WWW-Authenticate: Bearer` challenge, a fake Entra ID token
//! endpoint (client credentials, device code, refresh token) and secrets, keys and
//! certificates with the service's semantics (paging with absolute `nextLink` and empty
//! pages, `api-version` checks, unix-second timestamps, the soft-delete transitions, which
//! secrets and keys share through one versioned-object store, `store.rs`), and the App
//! Service managed-identity token endpoint ([`AzureKeyVault::identity_endpoint`]).
//!
//! No Key Vault emulator can be installed on the project's machines, so the project owns this
//! one; its faithfulness is checked against Microsoft's Python SDK and published examples
//! (`tests/azure_sdk.rs`, `tests/azure_examples.rs`).
//!
//! The server runs on its own thread with its own tokio runtime, so one instance can serve
//! every test of a binary (keep it in a `static`), whatever runtime each test uses.

mod http;
mod state;
mod store;
mod tls;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use secrecy::SecretString;
use tempfile::TempDir;

use crate::{or_panic, Error};

pub use state::{LoggedRequest, MI_NAME, USER_UPN};

const PEER: &str = "Azure Key Vault test server";

/// The api-versions the server accepts (the GA data-plane versions); anything else is
/// answered with 400 `BadParameter`, like the service.
pub const API_VERSIONS: &[&str] = &["7.5", "7.6", "2025-07-01", "2026-04-01"];

/// How the server behaves; [`AzureServerConfig::default`] suits most tests (short delays).
#[derive(Clone, Debug)]
pub struct AzureServerConfig {
    /// Tenant id in the authority URL and token endpoint paths.
    pub tenant_id: String,
    /// The one client id the token endpoint accepts.
    pub client_id: String,
    /// The client secret that goes with `client_id`.
    pub client_secret: String,
    /// After a delete, `GET /deleted…/{name}` answers 404 and purge/recover answer 409
    /// `ObjectIsBeingDeleted` for this long (the service's eventual consistency).
    pub delete_delay: Duration,
    /// After a recover, `GET /secrets/{name}` answers 404 for this long.
    pub recover_delay: Duration,
    /// Serve an empty page (with a `nextLink`) before every continuation page, as the real
    /// service sometimes does.
    pub empty_pages: bool,
    /// Lifetime of issued access tokens.
    pub token_ttl: Duration,
    /// Device-code sign-ins answer `authorization_pending` this many times before the "user"
    /// approves.
    pub device_pending_polls: u32,
    /// The `interval` (seconds) the device-code endpoint asks clients to poll at.
    pub device_poll_interval: u64,
    /// Scheduled purge date = deletion + this many days (`recoverableDays`).
    pub recoverable_days: i64,
    /// The secret an App Service managed-identity request must carry in `x-identity-header`
    /// (what the host puts in `IDENTITY_HEADER`).
    pub identity_header: String,
    /// Each page of the secret list (`GET /secrets`) is answered this much later (lets a UI
    /// show the list streaming in, and be cancelled half-way).
    pub page_delay: Duration,
}

impl Default for AzureServerConfig {
    fn default() -> Self {
        Self {
            tenant_id: "72f988bf-0000-4000-8000-00000000d0c5".into(),
            client_id: "5b3f2c1a-0000-4000-8000-0000000c11e7".into(),
            client_secret: "test-client-secret".into(),
            delete_delay: Duration::from_millis(300),
            recover_delay: Duration::from_millis(300),
            empty_pages: true,
            token_ttl: Duration::from_secs(3600),
            device_pending_polls: 1,
            device_poll_interval: 1,
            recoverable_days: 90,
            identity_header: "test-identity-header".into(),
            page_delay: Duration::ZERO,
        }
    }
}

/// A running test server; stopped when dropped.
pub struct AzureKeyVault {
    port: u16,
    dir: TempDir,
    ca_pem: String,
    config: AzureServerConfig,
    state: Arc<Mutex<state::Vault>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for AzureKeyVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureKeyVault")
            .field("vault_url", &self.vault_url())
            .field("tenant_id", &self.config.tenant_id)
            .finish()
    }
}

impl AzureKeyVault {
    /// Starts a server with the default configuration; panics if it cannot.
    pub fn start() -> Self {
        or_panic(Self::try_start(AzureServerConfig::default()))
    }

    /// Starts a server with `config`; panics if it cannot.
    pub fn start_with(config: AzureServerConfig) -> Self {
        or_panic(Self::try_start(config))
    }

    /// Starts a server with `config`.
    pub fn try_start(config: AzureServerConfig) -> Result<Self, Error> {
        let err = |what: &str, e: &dyn fmt::Display| {
            Error::start(PEER, format!("{what}: {e}"), String::new())
        };
        let dir = tempfile::Builder::new()
            .prefix("vaultdeck-testkit-azure-")
            .tempdir()
            .map_err(|e| err("temp dir", &e))?;
        let pki = tls::TestPki::generate().map_err(|e| err("test CA", &e))?;
        std::fs::write(dir.path().join("ca.pem"), &pki.ca_pem).map_err(|e| err("ca.pem", &e))?;
        let listener =
            std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(|e| err("bind", &e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| err("listener", &e))?;
        let port = listener
            .local_addr()
            .map_err(|e| err("listener", &e))?
            .port();
        let state = Arc::new(Mutex::new(state::Vault::new(config.clone(), port)));
        let acceptor = pki.acceptor().map_err(|e| err("TLS config", &e))?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let serve_state = state.clone();
        let thread = std::thread::Builder::new()
            .name("azure-kv-test-server".into())
            .spawn(move || http::serve(listener, acceptor, serve_state, rx, ready_tx))
            .map_err(|e| err("thread", &e))?;
        match ready_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(err("serve", &e)),
            Err(e) => return Err(err("serve", &e)),
        }
        Ok(Self {
            port,
            dir,
            ca_pem: pki.ca_pem,
            config,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The loopback port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The vault URL, `https://127.0.0.1:<port>`.
    pub fn vault_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// The authority host of the fake Entra ID (the same server): `https://127.0.0.1:<port>`.
    pub fn authority_host(&self) -> String {
        self.vault_url()
    }

    /// The test CA (PEM) that signed the server certificate.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// A file holding [`AzureKeyVault::ca_pem`], for clients that take a path.
    pub fn ca_pem_path(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// The server's private temp dir (holds `ca.pem`).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &AzureServerConfig {
        &self.config
    }

    /// Tenant id.
    pub fn tenant_id(&self) -> &str {
        &self.config.tenant_id
    }

    /// The accepted client id.
    pub fn client_id(&self) -> &str {
        &self.config.client_id
    }

    /// The accepted client secret.
    pub fn client_secret(&self) -> SecretString {
        SecretString::from(self.config.client_secret.clone())
    }

    /// The App Service managed-identity endpoint (what the host puts in `IDENTITY_ENDPOINT`;
    /// `IDENTITY_HEADER` must be [`AzureKeyVault::identity_header`]). Answers
    /// `GET ?api-version=2019-08-01&resource=…[&client_id=…]` with `metadata: true` like the
    /// App Service token service.
    pub fn identity_endpoint(&self) -> String {
        format!("https://127.0.0.1:{}/msi/token", self.port)
    }

    /// The secret managed-identity requests must carry (`IDENTITY_HEADER`).
    pub fn identity_header(&self) -> SecretString {
        SecretString::from(self.config.identity_header.clone())
    }

    /// Issues an access token directly (as if from the token endpoint), for tests that use a
    /// static credential.
    pub fn issue_token(&self) -> SecretString {
        SecretString::from(self.lock().issue_token(state::Principal::Application))
    }

    /// Every user code the device-code endpoint issued so far, oldest first (what a user
    /// would have been shown).
    pub fn issued_user_codes(&self) -> Vec<String> {
        self.lock().user_codes.clone()
    }

    /// Invalidates every access token issued so far: the next request of each client gets a
    /// fresh 401 challenge.
    pub fn expire_tokens(&self) {
        self.lock().tokens.clear();
    }

    /// Adds a self-signed certificate version `name` with subject `CN=<cn>` (a real X.509
    /// certificate), valid for `days`; returns its version id. The data plane offers
    /// certificates read-only here, so tests seed them.
    pub fn seed_certificate(&self, name: &str, cn: &str, days: i64) -> String {
        let cert = or_panic(
            tls::self_signed(cn, days)
                .map_err(|e| Error::start(PEER, format!("certificate: {e}"), String::new())),
        );
        self.lock().add_certificate(name, cn, cert, days)
    }

    /// Every request seen so far (method, path, query, whether it carried a bearer token).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.lock().log.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, state::Vault> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for AzureKeyVault {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
