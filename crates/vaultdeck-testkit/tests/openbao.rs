//! OpenBao peers start, answer and stop.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use vaultdeck_testkit::{openbao_dev, process_gone, OpenBaoRaft};
use vaultdeck_vault::dev::DevServer;
use vaultdeck_vault::NodeState;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_server_starts_answers_and_stops() {
    let started = Instant::now();
    let dev = openbao_dev();
    eprintln!("dev server up in {:?}", started.elapsed());
    let pid = dev.pid();
    let dir = dev.dir().to_owned();
    let client = dev.client().unwrap();
    let health = client.health().await.unwrap();
    assert_eq!(health.state(), NodeState::Active);
    let me = client.lookup_self().await.unwrap();
    assert_eq!(me.policies, ["root"]);
    assert!(!process_gone(pid));
    drop(dev);
    assert!(
        process_gone(pid),
        "bao dev server {pid} still running after drop"
    );
    assert!(!dir.exists(), "temp dir {} left behind", dir.display());
}

#[test]
fn dev_server_that_cannot_start_reports_its_log() {
    // `/bin/sh server -dev ...` fails at once: the error must say so, with the log tail.
    let err = DevServer::start(Path::new("/bin/sh"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("exited"), "{err}");
    assert!(err.contains("last lines of its log"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raft_server_starts_uninitialised_then_init_unseal_makes_it_active() {
    let started = Instant::now();
    let raft = OpenBaoRaft::start();
    eprintln!("raft server up in {:?}", started.elapsed());
    let client = raft.client();
    let seal = client.seal_status().await.unwrap();
    assert!(!seal.initialized && seal.sealed, "{seal:?}");
    assert_eq!(seal.storage_type.as_deref(), Some("raft"));
    let health = client.health().await.unwrap();
    assert_eq!(health.state(), NodeState::Uninitialized);
    assert_eq!(health.http_status, 501);

    let started = Instant::now();
    let init = raft.init_single_key(Duration::from_secs(30)).await.unwrap();
    let took = started.elapsed();
    eprintln!("init + unseal + active in {took:?}");
    assert_eq!(init.keys.len(), 1);
    let root = client.with_token(init.root_token.clone());
    let leader = root.leader().await.unwrap();
    assert!(leader.ha_enabled && leader.is_self, "{leader:?}");
    assert_eq!(leader.leader_address.as_deref(), Some(raft.addr()));
    assert!(root
        .lookup_self()
        .await
        .unwrap()
        .policies
        .contains(&"root".to_owned()));

    let pid = raft.pid();
    let dir = raft.dir().to_owned();
    drop(raft);
    assert!(
        process_gone(pid),
        "raft server {pid} still running after drop"
    );
    assert!(!dir.exists());
}

const HELPER_ENV: &str = "VAULTDECK_TESTKIT_LEAK_HELPER";

/// Run by `a_never_dropped_dev_server_dies_with_its_test_process` in a child test process:
/// starts a dev server, prints its pid and exits without dropping it. A no-op otherwise.
#[test]
fn helper_exits_without_dropping_a_dev_server() {
    if std::env::var_os(HELPER_ENV).is_none() {
        return;
    }
    let dev = openbao_dev();
    println!("BAO_PID={}", dev.pid());
    std::mem::forget(dev);
}

#[test]
fn a_never_dropped_dev_server_dies_with_its_test_process() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "helper_exits_without_dropping_a_dev_server",
            "--exact",
            "--nocapture",
        ])
        .env(HELPER_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pid: u32 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("BAO_PID="))
        .unwrap_or_else(|| panic!("no BAO_PID in: {stdout}"))
        .trim()
        .parse()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !process_gone(pid) {
        assert!(
            Instant::now() < deadline,
            "bao {pid} outlived its test process"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
