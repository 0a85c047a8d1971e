//! An OpenBao dev server with a file audit device declared in its config file (OpenBao 2.x
//! enables audit devices only declaratively: `sys/audit` answers 400 "cannot enable audit
//! device via API").

use std::fmt;
use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tempfile::TempDir;
use vaultdeck_vault::dev::process::{self, ChildGuard, StopSignal};
use vaultdeck_vault::{VaultClient, VaultConfig};

use crate::{or_panic, Error};

const PEER: &str = "OpenBao dev server with audit";

/// Variables that would change what `bao server` does; removed for the child.
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
];

/// `bao server -dev -config=<file>` where the file declares
/// `audit "file" "file-audit" { options { file_path = ".../audit.log" } }`: in-memory, unsealed,
/// KV v2 at `secret/`, a random root token, every request and response logged as one JSON
/// line (values HMAC'd, paths in clear). Stopped on drop.
pub struct OpenBaoAudited {
    /// Base address, e.g. `http://127.0.0.1:41234`.
    pub addr: String,
    /// The root token.
    pub root_token: SecretString,
    child: ChildGuard,
    dir: TempDir,
}

impl fmt::Debug for OpenBaoAudited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenBaoAudited")
            .field("addr", &self.addr)
            .field("pid", &self.child.id())
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl OpenBaoAudited {
    /// Starts the server and waits until `sys/health` answers 200. Panics with the log tail
    /// if it cannot.
    pub fn start() -> Self {
        or_panic(Self::try_start())
    }

    /// Like [`OpenBaoAudited::start`], returning the error.
    pub fn try_start() -> Result<Self, Error> {
        let bao = vaultdeck_vault::find_bao_binary()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match Self::start_once(&bao) {
                Err(Error::Start { log_tail, .. })
                    if attempt < 3 && log_tail.contains("address already in use") => {}
                other => return other,
            }
        }
    }

    fn start_once(bao: &Path) -> Result<Self, Error> {
        let dir = process::owned_temp_dir("vaultdeck-testkit-audit-")?;
        let port = process::free_loopback_port_pair()?;
        let io = |what: &str, e: std::io::Error| {
            Error::start(PEER, format!("{what}: {e}"), String::new())
        };
        let audit_log = dir.path().join("audit.log");
        let config = dir.path().join("audit.hcl");
        fs::write(
            &config,
            format!(
                r#"audit "file" "file-audit" {{
  description = "vaultdeck test audit log"
  options {{
    file_path = "{}"
  }}
}}
"#,
                audit_log.display()
            ),
        )
        .map_err(|e| io("could not write the config", e))?;
        let root_token = SecretString::from(uuid::Uuid::new_v4().to_string());
        let log_path = dir.path().join("bao.log");
        let log = File::create(&log_path).map_err(|e| io("could not create the log", e))?;
        let log_err = log
            .try_clone()
            .map_err(|e| io("could not clone the log handle", e))?;
        let mut cmd = Command::new(bao);
        cmd.args([
            "server",
            "-dev",
            "-dev-no-store-token",
            &format!("-dev-listen-address=127.0.0.1:{port}"),
            &format!("-config={}", config.display()),
        ]);
        for var in SCRUBBED_ENV {
            cmd.env_remove(var);
        }
        cmd.env("BAO_DEV_ROOT_TOKEN_ID", root_token.expose_secret())
            .env("HOME", dir.path())
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        let mut child = ChildGuard::spawn(cmd, PEER, StopSignal::Term)?.with_log(&log_path);
        let sock = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = child.exit_status() {
                return Err(Error::start(
                    PEER,
                    format!("`bao server` exited ({status}) before it answered"),
                    redact(&child.log_tail(40), &root_token),
                ));
            }
            if let Ok((200, _)) = process::http_get(sock, "/v1/sys/health", Duration::from_secs(2))
            {
                break;
            }
            if Instant::now() >= deadline {
                child.stop();
                return Err(Error::start(
                    PEER,
                    format!("no answer on 127.0.0.1:{port} within 30 s"),
                    redact(&child.log_tail(40), &root_token),
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
        Ok(Self {
            addr: format!("http://127.0.0.1:{port}"),
            root_token,
            child,
            dir,
        })
    }

    /// A client authenticated with the root token.
    pub fn client(&self) -> VaultClient {
        or_panic(VaultClient::new(VaultConfig::new(&self.addr))).with_token(self.root_token.clone())
    }

    /// The audit log file.
    pub fn audit_log_path(&self) -> PathBuf {
        self.dir.path().join("audit.log")
    }

    /// Every audit entry so far (one JSON object per line; `type` is `request` or
    /// `response`, `request.path` the logical path, `request.operation` e.g. `read`).
    pub fn audit_entries(&self) -> Vec<Value> {
        fs::read_to_string(self.audit_log_path())
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// The audited requests (not responses) for `path` with `operation`, e.g.
    /// `("secret/data/app/db", "read")`.
    pub fn audited_requests(&self, path: &str, operation: &str) -> usize {
        self.audit_entries()
            .iter()
            .filter(|e| e["type"] == "request")
            .filter(|e| e["request"]["path"] == path && e["request"]["operation"] == operation)
            .count()
    }

    /// Server process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server log's last `lines` lines (root token redacted).
    pub fn log_tail(&self, lines: usize) -> String {
        redact(&self.child.log_tail(lines), &self.root_token)
    }
}

fn redact(text: &str, token: &SecretString) -> String {
    text.replace(token.expose_secret(), "[redacted]")
        .lines()
        .map(|l| match l.find("Unseal Key:") {
            Some(i) => format!("{} [redacted]", &l[..i + 11]),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
