//! `vdeck breakglass` against a real raft OpenBao initialised with 5 shares / threshold 3:
//! status, unseal from stdin, generate-root (drill and --print-token), confirmed seal.
//! The binary runs with a clean environment and private HOME / config / data dirs.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use secrecy::ExposeSecret;
use serde_json::Value;
use vaultdeck_testkit::OpenBaoRaft;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn vdeck(&self, args: &[&str], token: Option<&str>, stdin: &str) -> Output {
        let home = self.dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_vdeck"));
        cmd.args(args)
            .env_clear()
            .env("HOME", &home)
            .env("USER", "carol")
            .env("VAULTDECK_CONFIG_DIR", home.join("config"))
            .env("VAULTDECK_DATA_DIR", home.join("data"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(t) = token {
            cmd.env("VAULT_TOKEN", t);
        }
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn audit_text(&self) -> String {
        let data = self.dir.path().join("home/data");
        let mut out = String::new();
        for e in walk(&data) {
            if e.extension().is_some_and(|x| x == "jsonl") {
                out.push_str(&std::fs::read_to_string(e).unwrap());
            }
        }
        out
    }
}

fn walk(p: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                v.extend(walk(&p));
            } else {
                v.push(p);
            }
        }
    }
    v
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_unseal_generate_root_seal() {
    let bao = OpenBaoRaft::start();
    let init = bao.client().init(5, 3).await.expect("init 5/3");
    let hex: Vec<String> = init
        .keys
        .iter()
        .map(|k| k.expose_secret().to_owned())
        .collect();
    let b64: Vec<String> = init
        .keys_base64
        .iter()
        .map(|k| k.expose_secret().to_owned())
        .collect();
    let root = init.root_token.expose_secret().to_owned();
    let env = Env {
        dir: tempfile::tempdir().unwrap(),
    };
    let addr = bao.addr();

    // Status: one sealed node, 5/3.
    let out = env.vdeck(
        &["--json", "breakglass", "status", "--addr", addr],
        None,
        "",
    );
    assert!(out.status.success(), "{out:?}");
    let v = json(&out);
    assert_eq!(v[0]["state"], "sealed");
    assert_eq!(v[0]["seal"]["t"], 3);
    assert_eq!(v[0]["seal"]["n"], 5);

    // Unseal with too few shares: exit 1, progress 2/3. Then --reset and three mixed shares.
    let two = format!("{}\n\n{}\n", hex[0], b64[1]);
    let out = env.vdeck(
        &["--json", "breakglass", "unseal", "--addr", addr],
        None,
        &two,
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(json(&out)["progress"], 2);
    let three = format!("{}\n{}\n{}\n", b64[2], hex[3], hex[4]);
    let out = env.vdeck(
        &["--json", "breakglass", "unseal", "--addr", addr, "--reset"],
        None,
        &three,
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(json(&out)["sealed"], false);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while bao.client().health().await.map(|h| h.http_status).ok() != Some(200) {
        assert!(std::time::Instant::now() < deadline, "never active");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Generate root as a drill: revoked and verified.
    let shares = format!("{}\n{}\n{}\n", hex[0], hex[1], hex[2]);
    let out = env.vdeck(
        &["--json", "breakglass", "generate-root", "--addr", addr],
        Some(&root),
        &shares,
    );
    assert!(out.status.success(), "{out:?}");
    let v = json(&out);
    assert_eq!(
        (v["revoked"].as_bool(), v["verified"].as_bool()),
        (Some(true), Some(true))
    );

    // Too few shares: the attempt is cancelled, exit 2.
    let out = env.vdeck(
        &["--json", "breakglass", "generate-root", "--addr", addr],
        Some(&root),
        &format!("{}\n", hex[0]),
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let p = bao
        .client()
        .with_token(vaultdeck_vault::SecretString::from(root.clone()))
        .generate_root_progress(vaultdeck_vault::breakglass::RootFlow::Token)
        .await
        .unwrap();
    assert!(!p.started, "the attempt must be cancelled");

    // --print-token hands over a working token.
    let out = env.vdeck(
        &[
            "breakglass",
            "generate-root",
            "--addr",
            addr,
            "--print-token",
        ],
        Some(&root),
        &shares,
    );
    assert!(out.status.success(), "{out:?}");
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("s."), "{token}");
    let c = bao
        .client()
        .with_token(vaultdeck_vault::SecretString::from(token.clone()));
    c.lookup_self().await.unwrap();
    c.revoke_self().await.unwrap();

    // Seal: no terminal, no confirmation -> refused; wrong name -> refused; --yes -> sealed.
    let out = env.vdeck(&["breakglass", "seal", "--addr", addr], Some(&root), "");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = env.vdeck(
        &["breakglass", "seal", "--addr", addr, "--confirm", "not-it"],
        Some(&root),
        "",
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = env.vdeck(
        &["--json", "breakglass", "seal", "--addr", addr, "--yes"],
        Some(&root),
        "",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(bao.client().health().await.unwrap().http_status, 503);

    // Audited, without shares or tokens.
    let audit = env.audit_text();
    for a in [
        "breakglass.unseal",
        "breakglass.generate_root.complete",
        "breakglass.root.revoke",
        "breakglass.root.handover",
        "breakglass.generate_root.cancel",
        "breakglass.seal",
    ] {
        assert!(audit.contains(a), "{a} not in the audit log:\n{audit}");
    }
    assert!(audit.contains("operator=carol"));
    for s in hex.iter().chain(&b64).chain([&root, &token]) {
        assert!(
            !audit.contains(s.as_str()),
            "secret leaked into the audit log"
        );
    }
}
