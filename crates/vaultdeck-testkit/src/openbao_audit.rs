//! An OpenBao dev server with a file audit device declared in its config file (OpenBao 2.x
//! enables audit devices only declaratively: `sys/audit` answers 400 "cannot enable audit
//! device via API").

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde_json::Value;
use vaultdeck_vault::dev::DevServer;
use vaultdeck_vault::VaultClient;

use crate::{or_panic, Error};

/// `bao server -dev -config=<file>` where the file declares
/// `audit "file" "file-audit" { options { file_path = "<dir>/audit.log" } }`: in-memory,
/// unsealed, KV v2 at `secret/`, a random root token, every request and response logged as one
/// JSON line (values HMAC'd, paths in clear). Stopped on drop.
#[derive(Debug)]
pub struct OpenBaoAudited {
    /// Base address, e.g. `http://127.0.0.1:41234`.
    pub addr: String,
    /// The root token.
    pub root_token: SecretString,
    server: DevServer,
}

fn audit_config(dir: &Path) -> String {
    format!(
        r#"audit "file" "file-audit" {{
  description = "vaultdeck test audit log"
  options {{
    file_path = "{}"
  }}
}}
"#,
        dir.join("audit.log").display()
    )
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
        let server = DevServer::start_with_config(&bao, &audit_config)?;
        Ok(Self {
            addr: server.addr.clone(),
            root_token: server.root_token.clone(),
            server,
        })
    }

    /// A client authenticated with the root token.
    pub fn client(&self) -> VaultClient {
        or_panic(self.server.client().map_err(Error::from))
    }

    /// The audit log file.
    pub fn audit_log_path(&self) -> PathBuf {
        self.server.dir().join("audit.log")
    }

    /// Every audit entry so far (one JSON object per line; `type` is `request` or
    /// `response`, `request.path` the logical path, `request.operation` e.g. `read`).
    pub fn audit_entries(&self) -> Vec<Value> {
        std::fs::read_to_string(self.audit_log_path())
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
        self.server.pid()
    }

    /// The server log's last `lines` lines (root token redacted).
    pub fn log_tail(&self, lines: usize) -> String {
        self.server.log_tail(lines)
    }
}
