//! A private Secret Service: a D-Bus session bus plus an unlocked gnome-keyring.

use std::fmt;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use tempfile::TempDir;
use vaultdeck_vault::dev::process::{self, ChildGuard, StopSignal};

use crate::{or_panic, Error};

const PEER: &str = "Secret Service (dbus-daemon + gnome-keyring)";

/// A private D-Bus session bus (`dbus-daemon --session --nofork`, socket in a temp dir) with
/// `gnome-keyring-daemon --foreground --unlock --components=secrets` on it, whose `login`
/// (= `default`) collection is created and unlocked with a generated password. `HOME` and
/// `XDG_RUNTIME_DIR` of both point into the temp dir, so the user's keyring is never touched.
///
/// Both daemons are our children (no `--fork`), die with the test process, and are stopped on
/// drop (keyring first, then the bus).
///
/// Tools run as child processes get the bus through [`SecretService::env`]. Code in the test
/// process itself (e.g. the `keyring` crate) reads `DBUS_SESSION_BUS_ADDRESS` from the process
/// environment: call [`SecretService::apply_env`], and keep such tests in their own test
/// binary (or serialised), because the environment is process-wide.
pub struct SecretService {
    address: String,
    keyring: ChildGuard,
    bus: ChildGuard,
    dir: TempDir,
}

impl fmt::Debug for SecretService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretService")
            .field("address", &self.address)
            .field("bus_pid", &self.bus.id())
            .field("keyring_pid", &self.keyring.id())
            .finish()
    }
}

impl SecretService {
    /// Starts the bus and the keyring (< 0.5 s). Panics with their log tails if they cannot.
    pub fn start() -> Self {
        or_panic(Self::try_start())
    }

    /// Like [`SecretService::start`], returning the error.
    pub fn try_start() -> Result<Self, Error> {
        let dir = process::owned_temp_dir("vaultdeck-testkit-keyring-")?;
        let io = |what: &str, e: std::io::Error| {
            Error::start(PEER, format!("{what}: {e}"), String::new())
        };
        let home = dir.path().join("home");
        let run = dir.path().join("run");
        fs::create_dir(&home).map_err(|e| io("could not create HOME", e))?;
        fs::create_dir(&run)
            .and_then(|()| fs::set_permissions(&run, fs::Permissions::from_mode(0o700)))
            .map_err(|e| io("could not create XDG_RUNTIME_DIR", e))?;

        let bus_log = dir.path().join("dbus.log");
        let mut cmd = Command::new("dbus-daemon");
        cmd.args(["--session", "--nofork", "--print-address=1"])
            .arg(format!(
                "--address=unix:path={}",
                dir.path().join("bus").display()
            ))
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &run)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(&bus_log).map_err(|e| io("could not create the bus log", e))?);
        let mut bus = ChildGuard::spawn(cmd, "dbus-daemon", StopSignal::Term)
            .map_err(|e| Error::start(PEER, format!("{e} (apt-get install dbus)"), String::new()))?
            .with_log(&bus_log);
        let mut line = String::new();
        if let Some(out) = bus.take_stdout() {
            // dbus-daemon prints its address once listening; EOF means it died.
            let _ = BufReader::new(out).read_line(&mut line);
        }
        let address = line.trim().to_owned();
        if address.is_empty() {
            bus.stop();
            return Err(Error::start(
                PEER,
                "dbus-daemon printed no bus address",
                bus.log_tail(20),
            ));
        }

        let password = SecretString::from(uuid::Uuid::new_v4().simple().to_string());
        let keyring_log = dir.path().join("gnome-keyring.log");
        let klog =
            File::create(&keyring_log).map_err(|e| io("could not create the keyring log", e))?;
        let klog_err = klog
            .try_clone()
            .map_err(|e| io("could not clone a log handle", e))?;
        let mut cmd = Command::new("gnome-keyring-daemon");
        cmd.args(["--foreground", "--unlock", "--components=secrets"])
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &run)
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env_remove("GNOME_KEYRING_CONTROL")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::piped())
            .stdout(klog)
            .stderr(klog_err);
        let mut keyring = ChildGuard::spawn(cmd, "gnome-keyring-daemon", StopSignal::Term)
            .map_err(|e| {
                Error::start(
                    PEER,
                    format!("{e} (apt-get install gnome-keyring)"),
                    String::new(),
                )
            })?
            .with_log(&keyring_log);
        if let Some(mut stdin) = keyring.take_stdin() {
            // The unlock password is read from stdin up to EOF (dropping `stdin` closes it).
            let _ = stdin.write_all(password.expose_secret().as_bytes());
        }

        let svc = Self {
            address,
            keyring,
            bus,
            dir,
        };
        svc.wait_ready()?;
        Ok(svc)
    }

    /// Waits until the keyring owns `org.freedesktop.secrets` and has a `default` collection.
    fn wait_ready(&self) -> Result<(), Error> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let alias = self.dbus_send(&[
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ]);
            if alias.as_deref().is_some_and(|o| o.contains("boolean true")) {
                let collection = self.dbus_send(&[
                    "--dest=org.freedesktop.secrets",
                    "/org/freedesktop/secrets",
                    "org.freedesktop.Secret.Service.ReadAlias",
                    "string:default",
                ]);
                if collection
                    .as_deref()
                    .is_some_and(|o| o.contains("/collection/"))
                {
                    return Ok(());
                }
            }
            if Instant::now() >= deadline {
                let tail = format!(
                    "[gnome-keyring-daemon]\n{}\n[dbus-daemon]\n{}",
                    self.keyring.log_tail(20),
                    self.bus.log_tail(10)
                );
                return Err(Error::start(
                    PEER,
                    "gnome-keyring did not provide an unlocked default collection within 15 s",
                    tail,
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn dbus_send(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("dbus-send")
            .args(["--session", "--print-reply", "--reply-timeout=2000"])
            .args(args)
            .envs(self.env())
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The bus address, e.g. `unix:path=/tmp/vaultdeck-testkit-keyring-XXXX/bus,guid=…`.
    pub fn bus_address(&self) -> &str {
        &self.address
    }

    /// The `HOME` the keyring uses (`$HOME/.local/share/keyrings/`).
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// The temp dir holding the bus socket, `HOME`, `XDG_RUNTIME_DIR` and logs.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Environment for child processes that should use this Secret Service
    /// (`DBUS_SESSION_BUS_ADDRESS`, `HOME`, `XDG_RUNTIME_DIR`).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address.clone()),
            ("HOME", self.home().display().to_string()),
            (
                "XDG_RUNTIME_DIR",
                self.dir.path().join("run").display().to_string(),
            ),
        ]
    }

    /// Sets `DBUS_SESSION_BUS_ADDRESS` for the current process, so in-process Secret Service
    /// clients (the `keyring` crate) use this bus. The environment is process-wide: use it
    /// only in a test binary of its own, or with tests serialised.
    pub fn apply_env(&self) {
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &self.address);
    }

    /// Process ids of the bus and of the keyring daemon.
    pub fn pids(&self) -> (u32, u32) {
        (self.bus.id(), self.keyring.id())
    }

    /// Stops both daemons now (same as dropping it).
    pub fn stop(self) {}
}

impl Drop for SecretService {
    fn drop(&mut self) {
        self.keyring.stop();
        self.bus.stop();
    }
}
