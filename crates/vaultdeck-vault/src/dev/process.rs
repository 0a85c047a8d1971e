//! Process plumbing shared by [`DevServer`](super::DevServer) and `vaultdeck-testkit`: a child
//! that dies with this process and is stopped on drop, self-cleaning temp dirs, free loopback
//! ports and a tiny blocking HTTP probe.

use std::fs;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus};
use std::sync::{mpsc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal};
use tempfile::TempDir;

use crate::error::Error;

/// The signal that asks a child to stop (on [`ChildGuard::stop`], on drop, and when this
/// process dies). After the grace period the child gets `SIGKILL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopSignal {
    /// `SIGTERM`: graceful stop (OpenBao, dbus-daemon, gnome-keyring-daemon).
    Term,
    /// `SIGINT`: PostgreSQL's "fast" shutdown (what `pg_ctl stop -m fast` sends).
    Int,
    /// `SIGQUIT`: PostgreSQL's "immediate" shutdown.
    Quit,
}

impl StopSignal {
    fn signal(self) -> Signal {
        match self {
            StopSignal::Term => Signal::TERM,
            StopSignal::Int => Signal::INT,
            StopSignal::Quit => Signal::QUIT,
        }
    }
}

/// A child process that is stopped when the guard is dropped, and that the kernel signals
/// when this process exits for any reason, even `SIGKILL` (`PR_SET_PDEATHSIG`), so a guard
/// kept in a `static` (never dropped) leaves no server behind.
///
/// The kernel sends the parent-death signal when the *thread* that forked the child exits,
/// so children are forked from one long-lived spawner thread, not from the caller's (test)
/// thread, which may end long before the child should.
///
/// [`ChildGuard::stop`] (and drop) sends the [`StopSignal`], waits up to the grace period
/// (default 5 s) and then sends `SIGKILL`. It blocks while waiting.
#[derive(Debug)]
pub struct ChildGuard {
    child: Option<Child>,
    pid: u32,
    name: String,
    stop_signal: StopSignal,
    grace: Duration,
    log: Option<PathBuf>,
}

impl ChildGuard {
    /// Spawns `cmd` (stdio as the caller configured it) as a child that dies with this
    /// process. `name` is used in messages, e.g. `"OpenBao dev server"`.
    pub fn spawn(
        mut cmd: Command,
        name: impl Into<String>,
        stop_signal: StopSignal,
    ) -> Result<Self, Error> {
        let name = name.into();
        die_with_parent(&mut cmd, stop_signal.signal());
        let program = cmd.get_program().to_string_lossy().into_owned();
        let child = spawn_from_long_lived_thread(cmd).map_err(|e| {
            Error::process(format!("could not start {name} ({program}): {e}"), Some(e))
        })?;
        Ok(Self {
            pid: child.id(),
            child: Some(child),
            name,
            stop_signal,
            grace: Duration::from_secs(5),
            log: None,
        })
    }

    /// Records the file the child logs to, for [`ChildGuard::log_tail`].
    pub fn with_log(mut self, path: impl Into<PathBuf>) -> Self {
        self.log = Some(path.into());
        self
    }

    /// Sets how long [`ChildGuard::stop`] waits after the stop signal before `SIGKILL`.
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.pid
    }

    /// The name given at spawn.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The log file, if one was recorded.
    pub fn log_path(&self) -> Option<&Path> {
        self.log.as_deref()
    }

    /// `Some(status)` once the child has exited (it is then reaped), `None` while it runs.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        match child.try_wait() {
            Ok(Some(st)) => {
                self.child = None;
                Some(st)
            }
            _ => None,
        }
    }

    /// Takes the child's stdin pipe, if it was configured as piped.
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.child.as_mut()?.stdin.take()
    }

    /// Takes the child's stdout pipe, if it was configured as piped.
    pub fn take_stdout(&mut self) -> Option<ChildStdout> {
        self.child.as_mut()?.stdout.take()
    }

    /// The last `lines` lines of the log file (empty without one).
    pub fn log_tail(&self, lines: usize) -> String {
        self.log
            .as_deref()
            .map(|p| tail(p, lines))
            .unwrap_or_default()
    }

    /// Stops the child: stop signal, up to the grace period, then `SIGKILL`; reaps it.
    /// Returns its exit status (`None` if it was already stopped).
    pub fn stop(&mut self) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        if let Ok(Some(st)) = child.try_wait() {
            return Some(st);
        }
        // The child is not reaped yet, so its pid cannot have been reused.
        if let Some(pid) = i32::try_from(self.pid).ok().and_then(Pid::from_raw) {
            let _ = rustix::process::kill_process(pid, self.stop_signal.signal());
        }
        let deadline = Instant::now() + self.grace;
        while Instant::now() < deadline {
            match child.try_wait() {
                Ok(Some(st)) => return Some(st),
                Ok(None) => thread::sleep(Duration::from_millis(20)),
                Err(_) => break,
            }
        }
        tracing::warn!(name = %self.name, pid = self.pid, "child did not stop in time; killing it");
        let _ = child.kill();
        child.wait().ok()
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Arranges for the child to get `signal` when its parent thread (the spawner) dies.
#[allow(unsafe_code)]
fn die_with_parent(cmd: &mut std::process::Command, signal: Signal) {
    use std::os::unix::process::CommandExt;
    let parent = rustix::process::getpid();
    // SAFETY: the closure runs in the forked child before exec, where only async-signal-safe
    // work is allowed. It makes two raw system calls through rustix (prctl, getppid), does
    // not allocate, lock or touch shared state, and builds its error from a raw errno. The
    // getppid check closes the race where the parent died before prctl took effect.
    unsafe {
        cmd.pre_exec(move || {
            rustix::process::set_parent_process_death_signal(Some(signal))?;
            if rustix::process::getppid() != Some(parent) {
                return Err(io::Error::from(rustix::io::Errno::SRCH));
            }
            Ok(())
        });
    }
}

type SpawnJob = (Command, mpsc::Sender<io::Result<Child>>);

/// Forks `cmd` from a thread that lives as long as the process (see [`ChildGuard`]).
fn spawn_from_long_lived_thread(cmd: Command) -> io::Result<Child> {
    static SPAWNER: OnceLock<Option<mpsc::Sender<SpawnJob>>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<SpawnJob>();
        thread::Builder::new()
            .name("vaultdeck-child-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            })
            .ok()
            .map(|_| tx)
    });
    let Some(tx) = spawner else {
        return Err(io::Error::other(
            "the child-spawner thread could not be started",
        ));
    };
    let (reply_tx, reply_rx) = mpsc::channel();
    tx.send((cmd, reply_tx))
        .map_err(|_| io::Error::other("the child-spawner thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| io::Error::other("the child-spawner thread did not answer"))?
}

/// The last `lines` lines of a (log) file, lossily decoded; empty if unreadable.
pub fn tail(path: &Path, lines: usize) -> String {
    let Ok(bytes) = fs::read(path) else {
        return String::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

const OWNER_FILE: &str = ".vaultdeck-owner-pid";

/// Creates a private (0700) temp dir named `<prefix>XXXX`, recording this process's pid in
/// it, after removing earlier dirs with the same prefix whose recorded process is gone.
/// Dirs of servers kept in `static`s (never dropped) are thus cleaned up by a later run.
pub fn owned_temp_dir(prefix: &str) -> Result<TempDir, Error> {
    sweep_stale(prefix);
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map_err(|e| {
            Error::process(
                format!("could not create a temp dir {prefix}*: {e}"),
                Some(e),
            )
        })?;
    fs::write(dir.path().join(OWNER_FILE), std::process::id().to_string()).map_err(|e| {
        Error::process(
            format!("could not write into {}: {e}", dir.path().display()),
            Some(e),
        )
    })?;
    Ok(dir)
}

fn sweep_stale(prefix: &str) {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(|n| n.starts_with(prefix)) {
            continue;
        }
        let Ok(owner) = fs::read_to_string(entry.path().join(OWNER_FILE)) else {
            continue;
        };
        let Ok(pid) = owner.trim().parse::<u32>() else {
            continue;
        };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let _ = fs::remove_dir_all(entry.path());
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_loopback_port() -> Result<u16, Error> {
    let l = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| Error::process(format!("could not bind 127.0.0.1:0: {e}"), Some(e)))?;
    let port = l
        .local_addr()
        .map_err(|e| Error::process(format!("could not read the bound port: {e}"), Some(e)))?
        .port();
    Ok(port)
}

/// A port `p` on 127.0.0.1 such that `p` and `p + 1` were both free a moment ago (OpenBao's
/// dev server puts its cluster listener on `p + 1`).
pub fn free_loopback_port_pair() -> Result<u16, Error> {
    for _ in 0..100 {
        let first = TcpListener::bind("127.0.0.1:0")
            .map_err(|e| Error::process(format!("could not bind 127.0.0.1:0: {e}"), Some(e)))?;
        let Ok(addr) = first.local_addr() else {
            continue;
        };
        let port = addr.port();
        if port == u16::MAX {
            continue;
        }
        if TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return Ok(port);
        }
    }
    Err(Error::process(
        "could not find two adjacent free ports on 127.0.0.1",
        None,
    ))
}

/// A blocking `GET` over HTTP/1.0 (no TLS): returns the status and the body. Used to wait
/// for a server before any async runtime is involved.
pub fn http_get(addr: SocketAddr, path: &str, timeout: Duration) -> io::Result<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&addr, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| io::Error::other("not an HTTP response"))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Stdio;

    #[test]
    fn child_is_stopped_on_drop() {
        let mut cmd = Command::new("sleep");
        cmd.arg("30").stdin(Stdio::null());
        let guard = ChildGuard::spawn(cmd, "sleep", StopSignal::Term).unwrap();
        let pid = guard.id();
        assert!(Path::new(&format!("/proc/{pid}")).exists());
        drop(guard);
        assert!(!Path::new(&format!("/proc/{pid}")).exists());
    }

    #[test]
    fn child_spawned_from_a_finished_thread_keeps_running() {
        let mut guard = thread::spawn(|| {
            let mut cmd = Command::new("sleep");
            cmd.arg("30");
            ChildGuard::spawn(cmd, "sleep", StopSignal::Term).unwrap()
        })
        .join()
        .unwrap();
        thread::sleep(Duration::from_millis(200));
        assert!(
            guard.exit_status().is_none(),
            "child died with its spawning thread"
        );
        assert!(guard.stop().is_some());
    }

    #[test]
    fn port_pair_is_adjacent_and_free() {
        let p = free_loopback_port_pair().unwrap();
        TcpListener::bind(("127.0.0.1", p)).unwrap();
        TcpListener::bind(("127.0.0.1", p + 1)).unwrap();
    }

    #[test]
    fn owned_temp_dir_sweeps_dead_owners() {
        let prefix = format!("vaultdeck-sweep-test-{}-", std::process::id());
        let stale = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir()
            .unwrap()
            .keep();
        // 999999999 is above any pid_max, so its owner is "gone".
        fs::write(stale.join(OWNER_FILE), "999999999").unwrap();
        let live = owned_temp_dir(&prefix).unwrap();
        assert!(!stale.exists());
        assert!(live.path().join(OWNER_FILE).exists());
    }
}
