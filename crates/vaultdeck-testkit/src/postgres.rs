//! A throwaway PostgreSQL cluster.

use std::fmt;
use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use tempfile::TempDir;
use vaultdeck_vault::demo::PgTarget;
use vaultdeck_vault::dev::process::{self, ChildGuard, StopSignal};

use crate::{or_panic, Error};

const PEER: &str = "PostgreSQL";

/// Environment variable naming a PostgreSQL `bin` dir (with `initdb`, `postgres`, `psql`,
/// `pg_isready`); default: the newest `/usr/lib/postgresql/<version>/bin`.
pub const PG_BINDIR_ENV: &str = "VAULTDECK_PG_BINDIR";

/// The superuser role created for Vault's database engine.
pub const VAULT_ADMIN_ROLE: &str = "vaultadmin";

/// A PostgreSQL cluster in a private temp dir: `initdb` with scram-sha-256 auth and a
/// generated superuser password, listening on `127.0.0.1:<free port>` with its unix socket
/// in the temp dir, plus a superuser role [`VAULT_ADMIN_ROLE`] for Vault's database engine.
///
/// PostgreSQL refuses to run as root, so when the tests run as root `initdb` and `postgres`
/// run as the `postgres` user (`Command::uid`/`gid`, the same as `su postgres`, but the
/// server stays our direct child). The server is our child, not daemonised by `pg_ctl`, so
/// it dies with the test process; drop sends `SIGINT` — PostgreSQL's fast shutdown, exactly
/// what `pg_ctl stop -m fast` sends — waits up to 10 s, then `SIGKILL`, and removes the dir.
pub struct Postgres {
    port: u16,
    password: SecretString,
    admin_password: SecretString,
    bindir: PathBuf,
    child: ChildGuard,
    dir: TempDir,
}

impl fmt::Debug for Postgres {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Postgres")
            .field("port", &self.port)
            .field("pid", &self.child.id())
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl Postgres {
    /// Starts a cluster (takes ~3–5 s). Panics with the server or `initdb` log tail if it
    /// cannot.
    pub fn start() -> Self {
        or_panic(Self::try_start())
    }

    /// Like [`Postgres::start`], returning the error.
    pub fn try_start() -> Result<Self, Error> {
        let bindir = pg_bindir()?;
        let run_as = run_as()?;
        let dir = process::owned_temp_dir("vaultdeck-testkit-pg-")?;
        let io = |what: String, e: std::io::Error| {
            Error::start(PEER, format!("{what}: {e}"), String::new())
        };
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
                .map_err(|e| io(format!("could not chown {}", dir.path().display()), e))?;
        }
        let password = SecretString::from(uuid::Uuid::new_v4().simple().to_string());
        let admin_password = SecretString::from(uuid::Uuid::new_v4().simple().to_string());

        // initdb, with the superuser password in a 0600 file only the server user can read.
        let pwfile = dir.path().join("pwfile");
        fs::write(&pwfile, password.expose_secret())
            .and_then(|()| fs::set_permissions(&pwfile, fs::Permissions::from_mode(0o600)))
            .map_err(|e| io("could not write the password file".into(), e))?;
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid))
                .map_err(|e| io("could not chown the password file".into(), e))?;
        }
        let data = dir.path().join("data");
        let initdb_log = dir.path().join("initdb.log");
        let mut initdb = Command::new(bindir.join("initdb"));
        initdb
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ])
            .arg(format!("--pwfile={}", pwfile.display()));
        configure(&mut initdb, dir.path(), run_as, &initdb_log)?;
        let status = initdb.status().map_err(|e| {
            io(
                format!("could not run {}", bindir.join("initdb").display()),
                e,
            )
        })?;
        let _ = fs::remove_file(&pwfile);
        if !status.success() {
            return Err(Error::start(
                PEER,
                format!("initdb failed ({status})"),
                process::tail(&initdb_log, 40),
            ));
        }

        let port = process::free_loopback_port()?;
        let log_path = dir.path().join("server.log");
        let mut server = Command::new(bindir.join("postgres"));
        server.arg("-D").arg(&data);
        for setting in [
            "listen_addresses=127.0.0.1".to_owned(),
            format!("port={port}"),
            format!("unix_socket_directories={}", dir.path().display()),
            "fsync=off".to_owned(),
            "synchronous_commit=off".to_owned(),
            "full_page_writes=off".to_owned(),
            "max_connections=100".to_owned(),
        ] {
            server.arg("-c").arg(setting);
        }
        configure(&mut server, dir.path(), run_as, &log_path)?;
        let mut child = ChildGuard::spawn(server, PEER, StopSignal::Int)?
            .with_log(&log_path)
            .with_grace(Duration::from_secs(10));

        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = child.exit_status() {
                return Err(Error::start(
                    PEER,
                    format!("`postgres` exited ({status}) before accepting connections"),
                    child.log_tail(40),
                ));
            }
            let ready = Command::new(bindir.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-t", "1", "-p"])
                .arg(port.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                break;
            }
            if Instant::now() >= deadline {
                child.stop();
                return Err(Error::start(
                    PEER,
                    format!("not accepting connections on 127.0.0.1:{port} within 60 s"),
                    child.log_tail(40),
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
        let pg = Self {
            port,
            password,
            admin_password,
            bindir,
            child,
            dir,
        };
        pg.psql(&format!(
            "CREATE ROLE {VAULT_ADMIN_ROLE} WITH LOGIN SUPERUSER PASSWORD '{}';",
            pg.admin_password.expose_secret()
        ))
        .map_err(|e| {
            Error::start(
                PEER,
                format!("could not create role {VAULT_ADMIN_ROLE}: {e}"),
                pg.log_tail(20),
            )
        })?;
        Ok(pg)
    }

    /// `127.0.0.1`.
    pub fn host(&self) -> &str {
        "127.0.0.1"
    }

    /// TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The bootstrap superuser, `postgres`.
    pub fn user(&self) -> &str {
        "postgres"
    }

    /// The bootstrap superuser's generated password.
    pub fn password(&self) -> &SecretString {
        &self.password
    }

    /// The default database, `postgres`.
    pub fn database(&self) -> &str {
        "postgres"
    }

    /// The [`VAULT_ADMIN_ROLE`] superuser's generated password.
    pub fn admin_password(&self) -> &SecretString {
        &self.admin_password
    }

    /// A target for [`vaultdeck_vault::demo::seed`]: [`VAULT_ADMIN_ROLE`] on database
    /// `postgres`.
    pub fn pg_target(&self) -> PgTarget {
        PgTarget {
            host: self.host().to_owned(),
            port: self.port,
            user: VAULT_ADMIN_ROLE.to_owned(),
            password: self.admin_password.clone(),
            database: self.database().to_owned(),
        }
    }

    /// Postmaster process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The private temp dir (data dir, socket, logs).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The last `lines` lines of the server log.
    pub fn log_tail(&self, lines: usize) -> String {
        self.child.log_tail(lines)
    }

    /// Runs SQL (from stdin, so it is not visible in `ps`) as the `postgres` superuser over
    /// TCP with `psql -At -v ON_ERROR_STOP=1`, returning its output (one row per line,
    /// columns separated by `|`).
    pub fn psql(&self, sql: &str) -> Result<String, Error> {
        let psql = self.bindir.join("psql");
        let mut child = Command::new(&psql)
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
            ])
            .args(["-U", "postgres", "-d", "postgres", "-f", "-", "-p"])
            .arg(self.port.to_string())
            .env("PGPASSWORD", self.password.expose_secret())
            .env("PGCONNECT_TIMEOUT", "10")
            .env_remove("PGSERVICE")
            .env_remove("PGPASSFILE")
            .env_remove("PGSSLMODE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::Peer {
                peer: PEER,
                message: format!("could not run {}: {e}", psql.display()),
            })?;
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(sql.as_bytes());
        }
        let out = child.wait_with_output().map_err(|e| Error::Peer {
            peer: PEER,
            message: format!("psql did not finish: {e}"),
        })?;
        if !out.status.success() {
            return Err(Error::Peer {
                peer: PEER,
                message: format!(
                    "psql failed ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
    }

    /// Stops the server now (same as dropping it).
    pub fn stop(self) {}
}

/// Working dir, HOME, user and log for an `initdb`/`postgres` command.
fn configure(
    cmd: &mut Command,
    dir: &Path,
    run_as: Option<(u32, u32)>,
    log: &Path,
) -> Result<(), Error> {
    let file = File::create(log).map_err(|e| {
        Error::start(
            PEER,
            format!("could not create {}: {e}", log.display()),
            String::new(),
        )
    })?;
    let file_err = file.try_clone().map_err(|e| {
        Error::start(
            PEER,
            format!("could not clone a log handle: {e}"),
            String::new(),
        )
    })?;
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env_remove("PGDATA")
        .env_remove("PGPORT")
        .env_remove("PGHOST")
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(file_err);
    if let Some((uid, gid)) = run_as {
        cmd.uid(uid).gid(gid);
    }
    Ok(())
}

/// `Some((uid, gid))` of the `postgres` user when we are root (PostgreSQL refuses root),
/// `None` when we are not root (the server then runs as us).
fn run_as() -> Result<Option<(u32, u32)>, Error> {
    let euid = fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(0);
    if euid != 0 {
        return Ok(None);
    }
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    for line in passwd.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() > 3 && fields[0] == "postgres" {
            if let (Ok(uid), Ok(gid)) = (fields[2].parse(), fields[3].parse()) {
                return Ok(Some((uid, gid)));
            }
        }
    }
    Err(Error::start(
        PEER,
        "running as root, but there is no `postgres` user to run the server as (PostgreSQL \
         refuses root); install PostgreSQL: apt-get install postgresql",
        String::new(),
    ))
}

/// The PostgreSQL bin dir: `$VAULTDECK_PG_BINDIR`, else the newest
/// `/usr/lib/postgresql/<version>/bin` with an `initdb`.
fn pg_bindir() -> Result<PathBuf, Error> {
    if let Some(dir) = std::env::var_os(PG_BINDIR_ENV).filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        if dir.join("initdb").is_file() {
            return Ok(dir);
        }
        return Err(Error::start(
            PEER,
            format!("{PG_BINDIR_ENV}={} has no initdb", dir.display()),
            String::new(),
        ));
    }
    let mut found: Vec<(Vec<u32>, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version: Vec<u32> = e
                .file_name()
                .to_str()?
                .split('.')
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).ok_or_else(|| {
        Error::start(
            PEER,
            format!(
                "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin; install them \
                 (apt-get install postgresql) or set {PG_BINDIR_ENV}"
            ),
            String::new(),
        )
    })
}
