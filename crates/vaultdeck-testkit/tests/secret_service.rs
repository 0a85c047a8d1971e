//! The Secret Service peer: secret-tool can store and look up through it; it stops on drop.
//!
//! This binary changes the process environment (`apply_env`), so it holds no other tests.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use vaultdeck_testkit::{process_gone, SecretService};

fn secret_tool(svc: &SecretService, args: &[&str], stdin: Option<&str>) -> (bool, String) {
    let mut child = Command::new("secret-tool")
        .args(args)
        .envs(svc.env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("secret-tool is installed (apt-get install libsecret-tools)");
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn secret_service_stores_and_looks_up_then_stops() {
    let started = Instant::now();
    let svc = SecretService::start();
    eprintln!("secret service up in {:?}", started.elapsed());
    assert!(
        svc.bus_address().starts_with("unix:path="),
        "{}",
        svc.bus_address()
    );

    let (ok, out) = secret_tool(
        &svc,
        &[
            "store",
            "--label=vaultdeck test",
            "service",
            "vaultdeck-test",
            "user",
            "alice",
        ],
        Some("s3cret-value"),
    );
    assert!(ok, "secret-tool store failed: {out}");
    let (ok, out) = secret_tool(
        &svc,
        &["lookup", "service", "vaultdeck-test", "user", "alice"],
        None,
    );
    assert!(ok, "secret-tool lookup failed: {out}");
    assert_eq!(out, "s3cret-value");
    // The entry lives in the private HOME, not the user's keyring.
    assert!(svc.home().join(".local/share/keyrings").is_dir());

    svc.apply_env();
    assert_eq!(
        std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap(),
        svc.bus_address()
    );

    let (bus, keyring) = svc.pids();
    let dir = svc.dir().to_owned();
    drop(svc);
    assert!(process_gone(bus), "dbus-daemon {bus} still running");
    assert!(
        process_gone(keyring),
        "gnome-keyring-daemon {keyring} still running"
    );
    assert!(!dir.exists());
}
