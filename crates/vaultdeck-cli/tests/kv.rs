//! `vdeck kv` against a real OpenBao: JSON output, exit codes, reveal-only reads, values never
//! from arguments, check-and-set, rollback confirmation, walk and search, namespaces, saved
//! profiles, and the audit records the commands leave.

use std::process::Output;

use secrecy::ExposeSecret;
use serde_json::{json, Value};
use vaultdeck_testkit::SecretService;
use vaultdeck_vault::dev::DevServer;

const SENTINEL: &str = "cliKVsentinel-0c9e";

fn bao() -> &'static DevServer {
    vaultdeck_testkit::shared_openbao_dev()
}

mod common;
use common::User;

/// One isolated CLI user (own HOME, config and data dirs), talking to the shared server with
/// VAULT_ADDR / VAULT_TOKEN unless told otherwise.
fn user() -> User {
    User::with_env(vec![
        ("VAULT_ADDR".into(), bao().addr.clone()),
        (
            "VAULT_TOKEN".into(),
            bao().root_token.expose_secret().to_owned(),
        ),
    ])
}

/// The `kv.*` audit records: (action, outcome).
fn audit_actions(u: &User) -> Vec<(String, String)> {
    u.audit()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["action"].as_str().unwrap().starts_with("kv."))
        .map(|v| {
            (
                v["action"].as_str().unwrap().to_owned(),
                v["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn put_get_patch_versions_diff_and_rollback_with_json() {
    let u = user();
    let p = "secret/cli-kv/app/db";
    let w = u.json(
        &["kv", "put", p, "--from-json-stdin"],
        Some(&json!({"user": "alice", "pass": SENTINEL, "port": 5432}).to_string()),
    );
    assert_eq!(w, json!({"path": p, "version": 1}));

    // get: metadata and key names, no value.
    let out = u.run(&["--json", "kv", "get", p], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(SENTINEL));
    let g: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(g["keys"]["keys"], json!(["pass", "port", "user"]));
    assert_eq!(g["metadata"]["current_version"], 1);
    assert_eq!(g["metadata"]["kv_version"], 2);

    // --field reveals one value; --reveal all, with their JSON types.
    let out = u.run(&["kv", "get", p, "--field", "pass"], None);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{SENTINEL}\n")
    );
    let all = u.json(&["kv", "get", p, "--reveal"], None);
    assert_eq!(all["data"]["port"], 5432);
    assert_eq!(all["version"], 1);

    // KEY=@- from stdin (one trailing newline dropped), KEY=@FILE byte for byte.
    let file = u.dir.path().join("cert.pem");
    std::fs::write(&file, "line1\nline2\n").unwrap();
    let w = u.json(
        &[
            "kv",
            "put",
            p,
            "pass=@-",
            &format!("cert=@{}", file.display()),
        ],
        Some("two\n"),
    );
    assert_eq!(w["version"], 2);
    let v2 = u.json(&["kv", "get", p, "--reveal"], None);
    assert_eq!(v2["data"], json!({"pass": "two", "cert": "line1\nline2\n"}));

    let w = u.json(
        &["kv", "patch", p, "host=@-", "--remove", "cert"],
        Some("db.internal"),
    );
    assert_eq!(w["version"], 3);
    let versions = u.json(&["kv", "versions", p], None);
    assert_eq!(versions.as_array().unwrap().len(), 3);
    assert_eq!(versions[2]["state"], "live");

    let d = u.json(&["kv", "diff", p, "1", "3"], None);
    assert_eq!(d["added"], json!(["host"]));
    assert_eq!(d["removed"], json!(["port", "user"]));
    assert_eq!(d["changed"], json!(["pass"]));
    assert!(d.get("values").is_none());
    let d = u.json(&["kv", "diff", p, "1", "3", "--reveal"], None);
    assert_eq!(d["values"]["pass"], json!({"from": SENTINEL, "to": "two"}));

    // Rollback needs --yes without a terminal.
    let out = u.run(&["kv", "rollback", p, "1"], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--yes"));
    let r = u.json(&["kv", "rollback", p, "1", "--yes"], None);
    assert_eq!(r["version"], 4);
    let v4 = u.json(&["kv", "get", p, "--field", "pass"], None);
    assert_eq!(v4["value"], SENTINEL);

    assert_eq!(
        audit_actions(&u),
        [
            ("kv.write", "ok"),
            ("kv.reveal", "ok"),
            ("kv.reveal", "ok"),
            ("kv.write", "ok"),
            ("kv.reveal", "ok"),
            ("kv.patch", "ok"),
            ("kv.diff", "ok"),
            ("kv.diff", "ok"),
            ("kv.rollback", "ok"),
            ("kv.reveal", "ok"),
        ]
        .map(|(a, o)| (a.to_owned(), o.to_owned()))
    );
    let audit = std::fs::read_to_string(u.dir.path().join("data/audit.jsonl")).unwrap();
    assert!(!audit.contains(SENTINEL));
    let verify = u.json(&["audit", "verify"], None);
    assert_eq!(verify["first_broken_line"], Value::Null);
}

#[test]
fn values_in_arguments_are_refused_and_never_echoed() {
    let u = user();
    let out = u.run(
        &[
            "kv",
            "put",
            "secret/cli-kv/refused",
            &format!("pass={SENTINEL}"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let t = text(&out);
    assert!(
        t.contains("pass=@-") && t.contains("--from-json-stdin"),
        "{t}"
    );
    assert!(!t.contains(SENTINEL), "{t}");
    // Two things from stdin at once are refused too.
    let out = u.run(
        &[
            "kv",
            "put",
            "secret/cli-kv/refused",
            "a=@-",
            "--from-json-stdin",
        ],
        Some("{}"),
    );
    assert_eq!(out.status.code(), Some(2));
    // Nothing was written.
    let out = u.run(&["--json", "kv", "get", "secret/cli-kv/refused"], None);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
}

#[test]
fn a_stale_cas_is_a_conflict_with_exit_code_7() {
    let u = user();
    let p = "secret/cli-kv/cas";
    u.json(&["kv", "put", p, "a=@-"], Some("1"));
    u.json(&["kv", "put", p, "a=@-"], Some("2"));
    let out = u.run(
        &["--json", "kv", "put", p, "a=@-", "--cas", "1"],
        Some(SENTINEL),
    );
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["code"], "conflict");
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("check-and-set"));
    assert!(!text(&out).contains(SENTINEL));
    // --cas 0 on an existing secret conflicts too; the default cas is the current version.
    let out = u.run(&["kv", "put", p, "a=@-", "--cas", "0"], Some("x"));
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(u.json(&["kv", "put", p, "a=@-"], Some("3"))["version"], 3);
    assert_eq!(
        audit_actions(&u)
            .iter()
            .filter(|(_, o)| o == "error")
            .count(),
        2
    );
}

#[test]
fn walk_prints_every_path_and_search_finds_a_deep_key() {
    let c = bao().client().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        for p in ["a/x", "a/b/y", "a/b/c/deep-token", "z"] {
            c.write(
                &format!("secret/data/cli-walk/{p}"),
                &json!({"data": {"v": "1"}}),
            )
            .await
            .unwrap();
        }
    });
    let u = user();
    let expected = [
        "secret/cli-walk/a/b/c/deep-token",
        "secret/cli-walk/a/b/y",
        "secret/cli-walk/a/x",
        "secret/cli-walk/z",
    ];
    let arr = u.json(&["kv", "walk", "secret/cli-walk"], None);
    assert_eq!(arr, json!(expected));
    for extra in [&[][..], &["--no-scan", "--concurrency", "2"][..]] {
        let mut args = vec!["kv", "walk", "secret/cli-walk/"];
        args.extend_from_slice(extra);
        let out = u.run(&args, None);
        assert!(out.status.success(), "{}", text(&out));
        let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        lines.sort();
        assert_eq!(lines, expected, "{extra:?}");
    }
    let hits = u.json(
        &["kv", "search", "deeptok", "--mount", "secret/cli-walk"],
        None,
    );
    assert_eq!(hits[0]["path"], "secret/cli-walk/a/b/c/deep-token");
    assert!(!hits[0]["indices"].as_array().unwrap().is_empty());
    let globbed = u.json(
        &[
            "kv",
            "search",
            "",
            "--mount",
            "secret/cli-walk",
            "--glob",
            "secret/cli-walk/a/*",
        ],
        None,
    );
    assert_eq!(globbed.as_array().unwrap().len(), 1);
    let ls = u.json(&["kv", "ls", "secret/cli-walk"], None);
    assert_eq!(
        ls[0],
        json!({"name": "a/", "path": "secret/cli-walk/a/", "is_folder": true})
    );
}

#[test]
fn honours_vault_namespace_and_saved_profiles() {
    let c = bao().client().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let _ = c.write("sys/namespaces/cli-ns", &json!({})).await;
        let ns = c.with_namespace("cli-ns");
        let mounts = ns.read("sys/mounts").await.unwrap().unwrap();
        if mounts["data"].get("kv/").is_none() {
            ns.write("sys/mounts/kv", &json!({"type": "kv-v2"}))
                .await
                .unwrap();
        }
        ns.write("kv/data/team/db", &json!({"data": {"k": "v"}}))
            .await
            .unwrap();
    });
    let u = user().set_env("VAULT_NAMESPACE", "cli-ns");
    assert_eq!(u.json(&["kv", "walk", "kv"], None), json!(["kv/team/db"]));
    let g = u.json(&["kv", "get", "kv/team/db"], None);
    assert_eq!(g["keys"]["keys"], json!(["k"]));

    // --profile: a saved profile whose token is in the (real) OS keychain.
    let keyring = SecretService::start();
    let u = user()
        .set_env("VAULT_TOKEN", "")
        .set_env("DBUS_SESSION_BUS_ADDRESS", keyring.bus_address());
    u.json(
        &[
            "profile",
            "add",
            "--name",
            "saved",
            "--address",
            &bao().addr,
            "--namespace",
            "cli-ns",
            "--credential-stdin",
        ],
        Some(bao().root_token.expose_secret()),
    );
    let ls = u.json(&["kv", "ls", "kv/team", "--profile", "saved"], None);
    assert_eq!(ls[0]["path"], "kv/team/db");
}
