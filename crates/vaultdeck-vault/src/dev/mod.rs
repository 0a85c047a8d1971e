//! A throwaway OpenBao dev server (in-memory, unsealed, random root token) on a free
//! loopback port, for the app's demo mode and for tests.

pub mod process;

use std::fmt;
use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use tempfile::TempDir;

use crate::client::{VaultClient, VaultConfig};
use crate::error::Error;
use process::{ChildGuard, StopSignal};

/// How long [`DevServer::start`] waits for `sys/health`.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Environment variables that would change what `bao server` does; removed for the child.
const SCRUBBED_ENV: &[&str] = &[
    "BAO_ADDR",
    "VAULT_ADDR",
    "BAO_TOKEN",
    "VAULT_TOKEN",
    "BAO_NAMESPACE",
    "VAULT_NAMESPACE",
    "BAO_API_ADDR",
    "VAULT_API_ADDR",
    "BAO_CLUSTER_ADDR",
    "VAULT_CLUSTER_ADDR",
    "BAO_DEV_LISTEN_ADDRESS",
    "VAULT_DEV_LISTEN_ADDRESS",
    "BAO_DEV_ROOT_TOKEN_ID",
    "VAULT_DEV_ROOT_TOKEN_ID",
];

/// A running `bao server -dev`: in-memory storage, unsealed, KV v2 at `secret/`, a random
/// root token, listening on `127.0.0.1:<free port>` (cluster port + 1), with `HOME` and its
/// log in a private temp dir.
///
/// Dropping it stops the server (`SIGTERM`, up to 5 s, then `SIGKILL`) and removes the dir.
/// The server also dies with this process (see [`ChildGuard`]), so a `DevServer` kept in a
/// `static` leaves no process behind; its small temp dir is swept by a later start.
pub struct DevServer {
    /// Base address, e.g. `http://127.0.0.1:41234`.
    pub addr: String,
    /// The root token (random UUID), passed to the server by environment, not argv.
    pub root_token: SecretString,
    port: u16,
    tls: bool,
    child: ChildGuard,
    dir: TempDir,
}

impl fmt::Debug for DevServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevServer")
            .field("addr", &self.addr)
            .field("pid", &self.child.id())
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl DevServer {
    /// Starts a dev server with the `bao` binary at `bao` (see
    /// [`find_bao_binary`](crate::find_bao_binary)) and waits until `sys/health` answers 200.
    ///
    /// Blocks for up to [`START_TIMEOUT`] (usually ~0.3 s); from async code call it through
    /// `spawn_blocking`. Retries on a port clash. On failure the error carries the tail of
    /// the server log (root token and unseal key redacted) and the log is kept on disk.
    pub fn start(bao: &Path) -> Result<DevServer, Error> {
        Self::start_with(bao, false, None)
    }

    /// Like [`DevServer::start`], adding `-config=<file>` whose HCL `config` builds from the
    /// server's private dir (e.g. an `audit "file"` stanza writing into it: OpenBao enables
    /// audit devices only declaratively).
    pub fn start_with_config(
        bao: &Path,
        config: &dyn Fn(&Path) -> String,
    ) -> Result<DevServer, Error> {
        Self::start_with(bao, false, Some(config))
    }

    /// Like [`DevServer::start`], with `-dev-tls`: the server listens on `https://` with a
    /// certificate from a generated CA ([`DevServer::ca_cert_pem`]), for testing CA bundles.
    pub fn start_tls(bao: &Path) -> Result<DevServer, Error> {
        Self::start_with(bao, true, None)
    }

    fn start_with(
        bao: &Path,
        tls: bool,
        config: Option<&dyn Fn(&Path) -> String>,
    ) -> Result<DevServer, Error> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match Self::start_once(bao, tls, config) {
                Err(e) if attempt < 3 && is_port_clash(&e) => {
                    tracing::debug!("dev server port clash, retrying on another port");
                }
                other => return other,
            }
        }
    }

    fn start_once(
        bao: &Path,
        tls: bool,
        config: Option<&dyn Fn(&Path) -> String>,
    ) -> Result<DevServer, Error> {
        let dir = process::owned_temp_dir("vaultdeck-bao-dev-")?;
        let port = process::free_loopback_port_pair()?;
        let root_token = SecretString::from(uuid::Uuid::new_v4().to_string());
        let log_path = dir.path().join("bao.log");
        let log = File::create(&log_path).map_err(|e| {
            Error::process(
                format!("could not create {}: {e}", log_path.display()),
                Some(e),
            )
        })?;
        let log_err = log.try_clone().map_err(|e| {
            Error::process(format!("could not clone the log file handle: {e}"), Some(e))
        })?;
        let mut cmd = Command::new(bao);
        cmd.args([
            "server",
            "-dev",
            "-dev-no-store-token",
            &format!("-dev-listen-address=127.0.0.1:{port}"),
        ]);
        if let Some(config) = config {
            let file = dir.path().join("extra.hcl");
            std::fs::write(&file, config(dir.path())).map_err(|e| {
                Error::process(format!("could not write {}: {e}", file.display()), Some(e))
            })?;
            cmd.arg(format!("-config={}", file.display()));
        }
        if tls {
            let certs = dir.path().join("tls");
            std::fs::create_dir(&certs).map_err(|e| {
                Error::process(
                    format!("could not create {}: {e}", certs.display()),
                    Some(e),
                )
            })?;
            cmd.arg("-dev-tls").arg(format!(
                "-dev-tls-cert-dir={}",
                dir.path().join("tls").display()
            ));
        }
        for var in SCRUBBED_ENV {
            cmd.env_remove(var);
        }
        cmd.env("BAO_DEV_ROOT_TOKEN_ID", root_token.expose_secret())
            .env("HOME", dir.path())
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        let child =
            ChildGuard::spawn(cmd, "OpenBao dev server", StopSignal::Term)?.with_log(&log_path);
        let mut server = DevServer {
            addr: format!("{}://127.0.0.1:{port}", if tls { "https" } else { "http" }),
            root_token,
            port,
            tls,
            child,
            dir,
        };
        server.wait_healthy(bao)?;
        Ok(server)
    }

    fn wait_healthy(&mut self, bao: &Path) -> Result<(), Error> {
        let sock = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.child.exit_status() {
                return Err(self.failure(bao, &format!("exited ({status}) before it answered")));
            }
            // Plain HTTP to the TLS listener gets "400 Client sent an HTTP request to an
            // HTTPS server": it is serving, and dev mode unseals before it serves.
            let ready = if self.tls { 400 } else { 200 };
            if let Ok((status, _)) =
                process::http_get(sock, "/v1/sys/health", Duration::from_secs(2))
            {
                if status == ready {
                    return Ok(());
                }
            }
            if Instant::now() >= deadline {
                return Err(self.failure(
                    bao,
                    &format!(
                        "did not answer sys/health within {} s",
                        START_TIMEOUT.as_secs()
                    ),
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Builds the start error (with the redacted log tail) and keeps the dir for inspection.
    fn failure(&mut self, bao: &Path, what: &str) -> Error {
        self.child.stop();
        let log_tail = self.log_tail(40);
        let log_path = self.log_path();
        let kept = tempfile::Builder::new().tempdir().ok();
        if let Some(placeholder) = kept {
            // Swap in a throwaway dir so the real one (with the log) is not deleted on drop;
            // the next start sweeps it once this process is gone.
            let real = std::mem::replace(&mut self.dir, placeholder);
            let _ = real.keep();
        }
        Error::Process {
            message: format!(
                "the OpenBao dev server ({}) on 127.0.0.1:{} {what}; full log: {}",
                bao.display(),
                self.port,
                log_path.display()
            ),
            log_tail,
            log_path: Some(log_path),
            source: None,
        }
    }

    /// A client for this server, authenticated with the root token (trusting the dev CA when
    /// the server was started with [`DevServer::start_tls`]).
    pub fn client(&self) -> Result<VaultClient, Error> {
        let mut cfg = VaultConfig::new(&self.addr);
        cfg.ca_cert_pem = self.ca_cert_pem()?;
        Ok(VaultClient::new(cfg)?.with_token(self.root_token.clone()))
    }

    /// The generated CA certificate (PEM) of a [`DevServer::start_tls`] server; `None` for a
    /// plain HTTP server.
    pub fn ca_cert_pem(&self) -> Result<Option<Vec<u8>>, Error> {
        if !self.tls {
            return Ok(None);
        }
        let path = self.dir.path().join("tls/vault-ca.pem");
        std::fs::read(&path)
            .map(Some)
            .map_err(|e| Error::process(format!("could not read {}: {e}", path.display()), Some(e)))
    }

    /// The API port (the cluster listener is on `port + 1`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The private temp dir (server `HOME`, log).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server log file.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("bao.log")
    }

    /// The last `lines` lines of the server log, with the root token and unseal key redacted.
    pub fn log_tail(&self, lines: usize) -> String {
        redact(
            &process::tail(&self.log_path(), lines),
            self.root_token.expose_secret(),
        )
    }

    /// Stops the server now (same as dropping it).
    pub fn stop(self) {}
}

fn is_port_clash(e: &Error) -> bool {
    matches!(e, Error::Process { log_tail, .. } if log_tail.contains("address already in use"))
}

/// Redacts the dev banner's secrets from log text.
fn redact(text: &str, root_token: &str) -> String {
    text.lines()
        .map(|line| {
            if let Some(i) = line
                .find("Unseal Key:")
                .or_else(|| line.find("Root Token:"))
            {
                format!("{} [redacted]", &line[..i + 11])
            } else if !root_token.is_empty() {
                line.replace(root_token, "[redacted]")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_banner_secrets() {
        let text = "Unseal Key: abc=\nRoot Token: tok-1\nother tok-1 line";
        let r = redact(text, "tok-1");
        assert!(!r.contains("abc=") && !r.contains("tok-1"), "{r}");
        assert!(r.contains("Unseal Key: [redacted]"), "{r}");
    }

    #[test]
    fn a_binary_that_exits_fails_loudly() {
        let e = DevServer::start(Path::new("/bin/false")).unwrap_err();
        let m = e.to_string();
        assert!(m.contains("exited"), "{m}");
    }
}
