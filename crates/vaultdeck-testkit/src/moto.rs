//! A moto server (PyPI `moto[server]`): a local, in-memory imitation of AWS for the AWS
//! Secrets Manager provider's tests. See `shared/notes/peers.md` §F for what moto 5.2.5 does
//! and does not do.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;
use vaultdeck_vault::dev::process::{self, ChildGuard, StopSignal};

use crate::{or_panic, Error};

const PEER: &str = "moto server";

/// Environment variable naming the `moto_server` executable; default:
/// `$VAULTDECK_TOOLS/venv/bin/moto_server` with `VAULTDECK_TOOLS` defaulting to
/// `~/.cache/vaultdeck` (where `scripts/setup.sh` installs it).
pub const MOTO_BIN_ENV: &str = "VAULTDECK_MOTO_SERVER";

/// The version `scripts/setup.sh` installs and the tests were written against.
pub const MOTO_VERSION: &str = "5.2.5";

/// A `moto_server` on `127.0.0.1:<free port>`, stopped on drop (and when the test process
/// dies). Any access key is accepted; the account is `123456789012`.
pub struct Moto {
    port: u16,
    child: ChildGuard,
    _dir: TempDir,
}

impl fmt::Debug for Moto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Moto")
            .field("port", &self.port)
            .field("pid", &self.child.id())
            .finish_non_exhaustive()
    }
}

/// Where `moto_server` is expected: [`MOTO_BIN_ENV`], else `$VAULTDECK_TOOLS/venv/bin`, else
/// `~/.cache/vaultdeck/venv/bin`.
pub fn moto_server_path() -> PathBuf {
    if let Some(p) = std::env::var_os(MOTO_BIN_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let tools = std::env::var_os("VAULTDECK_TOOLS")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/vaultdeck")
        });
    tools.join("venv/bin/moto_server")
}

impl Moto {
    /// Starts a server (about 1–2 s). Panics with its log tail if it cannot.
    pub fn start() -> Self {
        or_panic(Self::try_start())
    }

    /// Like [`Moto::start`], returning the error.
    pub fn try_start() -> Result<Self, Error> {
        let bin = moto_server_path();
        if !bin.is_file() {
            return Err(Error::start(
                PEER,
                format!(
                    "{} does not exist: run scripts/setup.sh (installs moto[server]=={} into \
                     the tools venv) or set {MOTO_BIN_ENV}",
                    bin.display(),
                    MOTO_VERSION
                ),
                String::new(),
            ));
        }
        let dir = process::owned_temp_dir("vaultdeck-testkit-moto-")
            .map_err(|e| Error::start(PEER, e.to_string(), String::new()))?;
        let log_path = dir.path().join("moto.log");
        let log = std::fs::File::create(&log_path).map_err(|e| {
            Error::start(
                PEER,
                format!("could not create its log: {e}"),
                String::new(),
            )
        })?;
        let log2 = log
            .try_clone()
            .map_err(|e| Error::start(PEER, e.to_string(), String::new()))?;
        let port = process::free_loopback_port()
            .map_err(|e| Error::start(PEER, e.to_string(), String::new()))?;
        let mut cmd = Command::new(&bin);
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(dir.path())
            // Never pick up the developer's real AWS settings or proxies.
            .env_remove("AWS_PROFILE")
            .env_remove("HTTPS_PROXY")
            .env_remove("HTTP_PROXY")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2);
        let mut child = ChildGuard::spawn(cmd, PEER, StopSignal::Term)
            .map_err(|e| Error::start(PEER, e.to_string(), String::new()))?
            .with_log(&log_path)
            .with_grace(Duration::from_secs(3));
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = child.exit_status() {
                return Err(Error::start(
                    PEER,
                    format!("`moto_server` exited ({status}) before answering"),
                    child.log_tail(40),
                ));
            }
            if let Ok((200, _)) =
                process::http_get(addr, "/moto-api/data.json", Duration::from_secs(2))
            {
                break;
            }
            if Instant::now() >= deadline {
                child.stop();
                return Err(Error::start(
                    PEER,
                    format!("no answer on {addr} within 60 s"),
                    child.log_tail(40),
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
        Ok(Self {
            port,
            child,
            _dir: dir,
        })
    }

    /// `http://127.0.0.1:<port>`: the endpoint override for SDK clients.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The last lines of the server's log.
    pub fn log_tail(&self, lines: usize) -> String {
        self.child.log_tail(lines)
    }

    /// Wipes every resource of every service (`POST /moto-api/reset`).
    pub fn reset(&self) -> Result<(), Error> {
        use std::io::{Read, Write};
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let fail = |m: String| Error::Peer {
            peer: PEER,
            message: format!("reset failed: {m}"),
        };
        let mut s = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5))
            .map_err(|e| fail(e.to_string()))?;
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| fail(e.to_string()))?;
        write!(
            s,
            "POST /moto-api/reset HTTP/1.0\r\nHost: {addr}\r\nContent-Length: 0\r\n\r\n"
        )
        .map_err(|e| fail(e.to_string()))?;
        let mut buf = String::new();
        s.read_to_string(&mut buf)
            .map_err(|e| fail(e.to_string()))?;
        let status = buf.split_whitespace().nth(1).unwrap_or("");
        if status != "200" {
            return Err(fail(format!(
                "HTTP {status}: {}",
                buf.lines().last().unwrap_or("")
            )));
        }
        Ok(())
    }
}
