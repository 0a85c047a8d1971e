//! `vdeck` against a real OpenBao and a real Secret Service: JSON output, exit codes,
//! confirmation rules, env conventions, audit verification, and a leak check of every byte the
//! CLI printed or wrote.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use secrecy::ExposeSecret;
use serde_json::{json, Value};
use vaultdeck_testkit::SecretService;
use vaultdeck_vault::dev::DevServer;

const TOKEN_SENTINEL: &str = "cliTOKENsentinel93be17";
const PASSWORD_SENTINEL: &str = "cli-PASSWORD-sentinel-41c0";

struct Peers {
    bao: &'static DevServer,
    keyring: SecretService,
}

fn peers() -> &'static Peers {
    static PEERS: OnceLock<Peers> = OnceLock::new();
    PEERS.get_or_init(|| {
        let bao = vaultdeck_testkit::shared_openbao_dev();
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let c = bao.client().unwrap();
            c.write(
                "auth/token/create",
                &json!({"id": TOKEN_SENTINEL, "policies": ["default"], "ttl": "1h",
                        "display_name": "cli"}),
            )
            .await
            .unwrap();
            c.write("sys/auth/userpass", &json!({"type": "userpass"}))
                .await
                .unwrap();
            c.write(
                "auth/userpass/users/cli-user",
                &json!({"password": PASSWORD_SENTINEL, "token_policies": ["default"]}),
            )
            .await
            .unwrap();
        });
        Peers {
            bao,
            keyring: SecretService::start(),
        }
    })
}

/// One isolated CLI user: own HOME, config and data dirs; every output kept for the leak check.
struct User {
    dir: tempfile::TempDir,
    outputs: std::cell::RefCell<Vec<u8>>,
}

impl User {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            outputs: Default::default(),
        }
    }

    fn run(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_vdeck"));
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("VAULTDECK_CONFIG_DIR", self.dir.path().join("config"))
            .env("VAULTDECK_DATA_DIR", self.dir.path().join("data"))
            .env("DBUS_SESSION_BUS_ADDRESS", peers().keyring.bus_address())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{input}\n").as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        let mut all = self.outputs.borrow_mut();
        all.extend_from_slice(&out.stdout);
        all.extend_from_slice(&out.stderr);
        out
    }

    fn json(&self, args: &[&str], stdin: Option<&str>) -> Value {
        let out = self.run(args, stdin, &[]);
        assert!(
            out.status.success(),
            "vdeck {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn assert_no_leak(&self) {
        let printed = String::from_utf8_lossy(&self.outputs.borrow()).into_owned();
        for s in [TOKEN_SENTINEL, PASSWORD_SENTINEL] {
            assert!(!printed.contains(s), "sentinel printed by vdeck");
            assert_tree_clean(&self.dir.path().join("config"), s);
            assert_tree_clean(&self.dir.path().join("data"), s);
        }
    }
}

fn assert_tree_clean(root: &Path, sentinel: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            assert_tree_clean(&p, sentinel);
        } else {
            let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
            assert!(
                !text.contains(sentinel),
                "sentinel leaked into {}",
                p.display()
            );
        }
    }
}

#[test]
fn profile_lifecycle_with_the_credential_in_the_keychain() {
    let addr = &peers().bao.addr;
    let u = User::new();
    let added = u.json(
        &[
            "--json",
            "profile",
            "add",
            "--name",
            "local",
            "--address",
            addr,
            "--credential-stdin",
        ],
        Some(TOKEN_SENTINEL),
    );
    assert_eq!(added["name"], "local");
    // The profiles file holds no credential; the keychain does (a new process can sign in).
    let status = u.json(&["--json", "status", "local"], None);
    assert_eq!(
        status["connection"]["identity"]["display_name"],
        "token-cli"
    );
    assert_eq!(status["connection"]["credential_in_keychain"], true);
    let mounts: Vec<_> = status["mounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["path"].as_str().unwrap().to_owned())
        .collect();
    assert!(mounts.contains(&"cubbyhole/".to_owned()), "{mounts:?}");
    let list = u.json(&["--json", "profile", "list"], None);
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Destructive without a terminal and without --yes: refused, nothing removed.
    let out = u.run(&["profile", "remove", "local"], None, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(
        u.json(&["--json", "profile", "list"], None)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    u.json(&["--json", "profile", "remove", "local", "--yes"], None);
    assert!(u
        .json(&["--json", "profile", "list"], None)
        .as_array()
        .unwrap()
        .is_empty());

    // Every mutation was audited and the chain verifies.
    let verify = u.json(&["--json", "audit", "verify"], None);
    assert!(verify["lines"].as_u64().unwrap() >= 3, "{verify}");
    assert_eq!(verify["first_broken_line"], Value::Null);
    u.assert_no_leak();
}

#[test]
fn honours_vault_addr_and_vault_token() {
    let p = peers();
    let u = User::new();
    let out = u.run(
        &["--json", "status"],
        None,
        &[("VAULT_ADDR", &p.bao.addr), ("VAULT_TOKEN", TOKEN_SENTINEL)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["connection"]["identity"]["display_name"], "token-cli");
    // ~/.vault-token is read when VAULT_TOKEN is unset.
    std::fs::write(
        u.dir.path().join(".vault-token"),
        p.bao.root_token.expose_secret(),
    )
    .unwrap();
    let out = u.run(&["--json", "status"], None, &[("VAULT_ADDR", &p.bao.addr)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(u.dir.path().join(".vault-token")).unwrap();
    // No token anywhere: a clear error on stderr, JSON with --json, exit code 3.
    let out = u.run(&["--json", "status"], None, &[("VAULT_ADDR", &p.bao.addr)]);
    assert_eq!(out.status.code(), Some(3));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["code"], "unauthenticated");
    assert!(out.stdout.is_empty());
    u.assert_no_leak();
}

#[test]
fn userpass_login_good_and_bad_password() {
    let addr = &peers().bao.addr;
    let u = User::new();
    u.json(
        &[
            "--json",
            "profile",
            "add",
            "--name",
            "up",
            "--address",
            addr,
            "--auth",
            "userpass",
            "--username",
            "cli-user",
        ],
        None,
    );
    let ok = u.json(
        &["--json", "login", "up", "--credential-stdin"],
        Some(PASSWORD_SENTINEL),
    );
    assert_eq!(ok["identity"]["display_name"], "userpass-cli-user");
    let bad = u.run(&["login", "up", "--credential-stdin"], Some("wrong"), &[]);
    assert_eq!(bad.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("invalid username or password"), "{stderr}");
    // A failed login is audited as an error.
    let audit = std::fs::read_to_string(u.dir.path().join("data/audit.jsonl")).unwrap();
    assert!(audit.contains("\"outcome\":\"error\""));
    u.assert_no_leak();
}

#[test]
fn audit_verify_reports_the_first_tampered_line() {
    let u = User::new();
    for name in ["a", "b", "c"] {
        u.json(
            &[
                "--json",
                "profile",
                "add",
                "--name",
                name,
                "--address",
                "https://vault.example",
            ],
            None,
        );
    }
    let out = u.run(&["audit", "verify"], None, &[]);
    assert!(out.status.success());
    let log = u.dir.path().join("data/audit.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(
        &log,
        text.replacen("\"profile\":\"a\"", "\"profile\":\"z\"", 1),
    )
    .unwrap();
    let out = u.run(&["audit", "verify"], None, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn secrets_are_never_accepted_as_arguments() {
    let u = User::new();
    let out = u.run(
        &[
            "profile",
            "add",
            "--name",
            "x",
            "--address",
            "https://v",
            "--token",
            "s.x",
        ],
        None,
        &[],
    );
    assert!(!out.status.success());
    let out = u.run(
        &[
            "profile",
            "add",
            "--name",
            "x",
            "--address",
            "http://vault.corp",
        ],
        None,
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "plain http to a remote host must be refused"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("plain http"));
}
