//! A non-dev OpenBao server with raft storage, started uninitialised.

use std::fmt;
use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;
use vaultdeck_vault::dev::process::{self, ChildGuard, StopSignal};
use vaultdeck_vault::{InitResponse, NodeState, VaultClient, VaultConfig};

use crate::{or_panic, Error};

const PEER: &str = "OpenBao (raft)";

/// `bao server -config` with raft storage in a private temp dir, listening on
/// `127.0.0.1:<free port>` without TLS (cluster port + 1), **uninitialised and sealed**.
///
/// Stopped on drop (`SIGTERM`, then `SIGKILL` after 5 s); the data dir is removed.
pub struct OpenBaoRaft {
    addr: String,
    port: u16,
    unauthed_port: Option<u16>,
    child: ChildGuard,
    dir: TempDir,
}

impl fmt::Debug for OpenBaoRaft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenBaoRaft")
            .field("addr", &self.addr)
            .field("pid", &self.child.id())
            .field("dir", &self.dir.path())
            .finish()
    }
}

impl OpenBaoRaft {
    /// Starts the server and waits until `sys/seal-status` answers (`initialized: false`).
    /// Panics with the log tail if it cannot.
    pub fn start() -> Self {
        or_panic(Self::try_start())
    }

    /// Like [`OpenBaoRaft::start`], returning the error.
    pub fn try_start() -> Result<Self, Error> {
        Self::try_start_with(false, "node-1")
    }

    /// Like [`OpenBaoRaft::start`] with raft `node_id` = `node_id`, for multi-node clusters:
    /// join it to a leader with `PUT sys/storage/raft/join {"leader_api_addr": ...}`, then
    /// unseal it with the leader's shares.
    pub fn start_node(node_id: &str) -> Self {
        or_panic(Self::try_start_with(false, node_id))
    }

    /// Like [`OpenBaoRaft::start`], plus a second listener with
    /// `disable_unauthed_generate_root_endpoints = false` and
    /// `disable_unauthed_rekey_endpoints = false`, where the legacy unauthenticated
    /// `sys/generate-root/*` and `sys/rekey/*` answer (see [`OpenBaoRaft::unauthed_addr`]).
    pub fn start_with_unauthed_listener() -> Self {
        or_panic(Self::try_start_with(true, "node-1"))
    }

    fn try_start_with(unauthed: bool, node_id: &str) -> Result<Self, Error> {
        let bao = vaultdeck_vault::find_bao_binary()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match Self::start_once(&bao, unauthed, node_id) {
                Err(Error::Start { log_tail, .. })
                    if attempt < 3 && log_tail.contains("address already in use") => {}
                other => return other,
            }
        }
    }

    fn start_once(bao: &Path, unauthed: bool, node_id: &str) -> Result<Self, Error> {
        let dir = process::owned_temp_dir("vaultdeck-testkit-raft-")?;
        let port = process::free_loopback_port_pair()?;
        let unauthed_port = if unauthed {
            Some(process::free_loopback_port_pair()?)
        } else {
            None
        };
        let extra = unauthed_port
            .map(|p| {
                format!(
                    r#"listener "tcp" {{
  address                                  = "127.0.0.1:{p}"
  tls_disable                              = true
  disable_unauthed_generate_root_endpoints = false
  disable_unauthed_rekey_endpoints         = false
}}
"#
                )
            })
            .unwrap_or_default();
        let data = dir.path().join("data");
        let io = |what: &str, e: std::io::Error| {
            Error::start(PEER, format!("{what}: {e}"), String::new())
        };
        fs::create_dir(&data).map_err(|e| io("could not create the data dir", e))?;
        let config = dir.path().join("config.hcl");
        // `disable_mlock` is not a known field in OpenBao 2.x (it only warns), so it is omitted.
        fs::write(
            &config,
            format!(
                r#"storage "raft" {{
  path    = "{data}"
  node_id = "{node_id}"
}}
listener "tcp" {{
  address         = "127.0.0.1:{port}"
  cluster_address = "127.0.0.1:{cport}"
  tls_disable     = true
}}
{extra}api_addr     = "http://127.0.0.1:{port}"
cluster_addr = "https://127.0.0.1:{cport}"
"#,
                data = data.display(),
                cport = port + 1
            ),
        )
        .map_err(|e| io("could not write the config", e))?;
        let log_path = dir.path().join("bao.log");
        let log = File::create(&log_path).map_err(|e| io("could not create the log", e))?;
        let log_err = log
            .try_clone()
            .map_err(|e| io("could not clone the log handle", e))?;
        let mut cmd = Command::new(bao);
        cmd.arg("server")
            .arg(format!("-config={}", config.display()))
            .env("HOME", dir.path())
            .env_remove("BAO_ADDR")
            .env_remove("VAULT_ADDR")
            .env_remove("BAO_API_ADDR")
            .env_remove("VAULT_API_ADDR")
            .env_remove("BAO_CLUSTER_ADDR")
            .env_remove("VAULT_CLUSTER_ADDR")
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
                    child.log_tail(40),
                ));
            }
            if let Ok((200, body)) =
                process::http_get(sock, "/v1/sys/seal-status", Duration::from_secs(2))
            {
                let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                if v.get("initialized") == Some(&serde_json::Value::Bool(false)) {
                    break;
                }
                return Err(Error::start(
                    PEER,
                    format!("a fresh server should be uninitialised, got seal-status {body}"),
                    child.log_tail(40),
                ));
            }
            if Instant::now() >= deadline {
                child.stop();
                return Err(Error::start(
                    PEER,
                    format!("no answer on 127.0.0.1:{port} within 30 s"),
                    child.log_tail(40),
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
        Ok(Self {
            addr: format!("http://127.0.0.1:{port}"),
            port,
            unauthed_port,
            child,
            dir,
        })
    }

    /// Base address, e.g. `http://127.0.0.1:41234`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// Address of the listener that allows the unauthenticated generate-root and rekey
    /// endpoints, when started with [`OpenBaoRaft::start_with_unauthed_listener`].
    pub fn unauthed_addr(&self) -> Option<String> {
        self.unauthed_port.map(|p| format!("http://127.0.0.1:{p}"))
    }

    /// API port (the cluster listener is on `port + 1`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Server process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The private temp dir (config, raft data, log).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server log.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("bao.log")
    }

    /// The last `lines` lines of the server log.
    pub fn log_tail(&self, lines: usize) -> String {
        self.child.log_tail(lines)
    }

    /// A client without a token.
    pub fn client(&self) -> VaultClient {
        or_panic(VaultClient::new(VaultConfig::new(&self.addr)))
    }

    /// Initialises with one key share (threshold 1), unseals, and waits until the node is
    /// active, for up to `timeout` (raft bootstrap takes ~7 s on a 2-CPU machine).
    /// Returns the key and root token.
    pub async fn init_single_key(&self, timeout: Duration) -> Result<InitResponse, Error> {
        let deadline = Instant::now() + timeout;
        let client = self.client();
        let init = client.init(1, 1).await?;
        let key = init
            .keys_base64
            .first()
            .ok_or_else(|| Error::start(PEER, "sys/init returned no key share", String::new()))?;
        client.unseal(key).await?;
        loop {
            let h = client.health().await?;
            if h.state() == NodeState::Active {
                return Ok(init);
            }
            if Instant::now() >= deadline {
                return Err(Error::start(
                    PEER,
                    format!(
                        "not active {} s after init+unseal (state {:?})",
                        timeout.as_secs(),
                        h.state()
                    ),
                    self.log_tail(40),
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops the server now (same as dropping it).
    pub fn stop(self) {}
}
