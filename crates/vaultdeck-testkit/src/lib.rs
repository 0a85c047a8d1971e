//! Real peers for Vaultdeck's tests: OpenBao (dev and raft), PostgreSQL, a Secret Service
//! (private D-Bus session + gnome-keyring) and a moto server (AWS).
//!
//! Every peer runs on free loopback ports with its own private temp dir, is stopped when its
//! handle is dropped, and also dies with the test process (the child gets a parent-death
//! signal, see [`vaultdeck_vault::dev::process::ChildGuard`]), so a peer kept in a `static`
//! for a whole test binary leaves no process behind. Temp dirs of such never-dropped peers
//! are removed by the next start of the same kind of peer.
//!
//! A peer that cannot start makes the test fail with the tail of the peer's log; nothing is
//! ever skipped silently. `start()` panics with that message; `try_start()` returns it.
//!
//! Starting peers blocks (OpenBao ~0.3 s, PostgreSQL ~3–5 s, Secret Service < 0.5 s); call
//! them before or outside hot async code. Share one peer per test binary where practical:
//!
//! ```no_run
//! use std::sync::LazyLock;
//! use vaultdeck_vault::dev::DevServer;
//! static BAO: LazyLock<DevServer> = LazyLock::new(vaultdeck_testkit::openbao_dev);
//! ```
//!
//! Build one `VaultClient` per test (per tokio runtime), not a shared static one: reqwest's
//! pooled connections belong to the runtime that opened them.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod azure;
mod moto;
mod openbao;
mod openbao_audit;
mod postgres;
mod secret_service;

use std::fmt;
use std::sync::LazyLock;

use vaultdeck_vault::dev::DevServer;

pub use azure::{AzureKeyVault, AzureServerConfig};
/// Whom the Azure test server's tokens name (device-code user, managed identity).
pub use azure::{MI_NAME as AZURE_TEST_MI_NAME, USER_UPN as AZURE_TEST_USER_UPN};
pub use moto::{moto_server_path, Moto, MOTO_BIN_ENV, MOTO_VERSION};
pub use openbao::OpenBaoRaft;
pub use openbao_audit::OpenBaoAudited;
pub use postgres::{Postgres, PG_BINDIR_ENV, VAULT_ADMIN_ROLE};
pub use secret_service::SecretService;
pub use vaultdeck_vault::demo::PgTarget;

/// A peer failed to start or to answer.
#[derive(thiserror::Error, Debug)]
#[non_exhaustive]
pub enum Error {
    /// The peer process did not start or never became ready.
    #[error("{peer} did not start: {message}{}", Tail(log_tail))]
    Start {
        /// Which peer, e.g. `PostgreSQL`.
        peer: &'static str,
        /// What went wrong.
        message: String,
        /// The last lines of its log.
        log_tail: String,
    },
    /// A running peer failed an operation (e.g. a `psql` command).
    #[error("{peer}: {message}")]
    Peer {
        /// Which peer.
        peer: &'static str,
        /// What failed.
        message: String,
    },
    /// A Vault/OpenBao request failed (or the `bao` binary is missing).
    #[error(transparent)]
    Vault(#[from] vaultdeck_vault::Error),
}

impl Error {
    pub(crate) fn start(peer: &'static str, message: impl Into<String>, log_tail: String) -> Self {
        Error::Start {
            peer,
            message: message.into(),
            log_tail,
        }
    }
}

struct Tail<'a>(&'a str);

impl fmt::Display for Tail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.trim().is_empty() {
            return Ok(());
        }
        write!(f, "\n--- last lines of its log ---\n{}", self.0.trim_end())
    }
}

/// Panics with the error's full message (including the log tail), not its `Debug`.
pub(crate) fn or_panic<T, E: fmt::Display>(r: Result<T, E>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

/// Starts a fresh OpenBao dev server (see [`DevServer`]) with the binary from
/// [`vaultdeck_vault::find_bao_binary`]. Panics with a clear message, including the server
/// log's tail or where to install `bao`, if it cannot start.
pub fn openbao_dev() -> DevServer {
    or_panic(try_openbao_dev())
}

/// Like [`openbao_dev`], returning the error instead of panicking.
pub fn try_openbao_dev() -> Result<DevServer, Error> {
    let bao = vaultdeck_vault::find_bao_binary()?;
    Ok(DevServer::start(&bao)?)
}

/// Starts a fresh OpenBao dev server with `-dev-tls` (HTTPS with a generated CA, see
/// [`DevServer::start_tls`] and [`DevServer::ca_cert_pem`]). Panics like [`openbao_dev`].
pub fn openbao_dev_tls() -> DevServer {
    or_panic(
        vaultdeck_vault::find_bao_binary()
            .and_then(|bao| DevServer::start_tls(&bao))
            .map_err(Error::from),
    )
}

/// Starts a fresh OpenBao dev server whose config file declares a file audit device (see
/// [`OpenBaoAudited`]), for tests that assert what the server's audit log records. Panics
/// like [`openbao_dev`].
pub fn openbao_dev_with_audit() -> OpenBaoAudited {
    OpenBaoAudited::start()
}

/// One OpenBao dev server shared by every test of the calling test binary, started on first
/// use. Fine for tests that create uniquely named objects; use [`openbao_dev`] for tests that
/// need an empty server.
pub fn shared_openbao_dev() -> &'static DevServer {
    static DEV: LazyLock<DevServer> = LazyLock::new(openbao_dev);
    &DEV
}

/// Whether process `pid` is gone (or a zombie waiting to be reaped).
pub fn process_gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // Field 3, after the parenthesised command name, is the state.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X"),
    }
}
