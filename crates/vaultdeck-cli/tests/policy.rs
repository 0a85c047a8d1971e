//! `vdeck policy check` and `vdeck policy lint`: offline, JSON output and exit codes, run on
//! the built binary with a clean environment and private HOME / config / data dirs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().unwrap())
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn vdeck(&self, args: &[&str]) -> Output {
        let home = self.0.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        Command::new(env!("CARGO_BIN_EXE_vdeck"))
            .args(args)
            .env_clear()
            .env("HOME", &home)
            .env("VAULTDECK_CONFIG_DIR", home.join("config"))
            .env("VAULTDECK_DATA_DIR", home.join("data"))
            .current_dir(self.0.path())
            .output()
            .unwrap()
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

const TEAM: &str = r#"# team policy
path "secret/data/team/*" {
  capabilities = ["read", "list", "update"]
}

path "secret/data/team/admin" {
  capabilities = ["deny"]
}

path "secret/metadata/team/" {
  capabilities = ["list"]
}
"#;

const OPS: &str = r#"{"path": {
  "secret/data/team/*": {"capabilities": ["delete"]},
  "sys/health": {"capabilities": ["read", "sudo"]}
}}"#;

#[test]
fn check_prints_one_object_in_the_shape_of_sys_capabilities() {
    let d = Dir::new();
    let team = d.file("team.hcl", TEAM);
    let ops = d.file("ops.json", OPS);
    let out = d.vdeck(&[
        "policy",
        "check",
        "--json",
        "--policy",
        s(&team),
        "--policy",
        s(&ops),
        "--path",
        "secret/data/team/app",
        "--path",
        "secret/data/team/admin",
        "--path",
        "secret/metadata/team/",
        "--path",
        "sys/health",
        "--path",
        "elsewhere",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout_json(&out),
        json!({
            "secret/data/team/app": ["delete", "list", "read", "update"],
            "secret/data/team/admin": ["deny"],
            "secret/metadata/team/": ["list"],
            "sys/health": ["read", "sudo"],
            "elsewhere": ["deny"],
        })
    );
}

#[test]
fn a_policy_named_root_grants_root() {
    let d = Dir::new();
    let root = d.file("root.hcl", "");
    let team = d.file("team.hcl", TEAM);
    let out = d.vdeck(&[
        "policy",
        "check",
        "--json",
        "--policy",
        s(&root),
        "--policy",
        s(&team),
        "--path",
        "secret/data/team/admin",
        "--path",
        "sys/seal",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout_json(&out),
        json!({"secret/data/team/admin": ["root"], "sys/seal": ["root"]})
    );
}

#[test]
fn explain_names_the_deciding_rule_and_the_losers() {
    let d = Dir::new();
    let team = d.file("team.hcl", TEAM);
    let ops = d.file("ops.json", OPS);
    let root = d.file("root.hcl", "");
    let out = d.vdeck(&[
        "policy",
        "check",
        "--json",
        "--explain",
        "--policy",
        s(&team),
        "--policy",
        s(&ops),
        "--path",
        "secret/data/team/admin",
        "--path",
        "secret/data/team/app",
        "--path",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = stdout_json(&out);
    assert_eq!(
        v["secret/data/team/admin"],
        json!({
            "capabilities": ["deny"],
            "matched": "exact",
            "decided_by": {"policy": "team", "pattern": "secret/data/team/admin", "line": 6},
            "merged_with": [],
            "overridden": [
                {"policy": "team", "pattern": "secret/data/team/*", "line": 2,
                 "capabilities": ["list", "read", "update"]},
                {"policy": "ops", "pattern": "secret/data/team/*", "line": 2,
                 "capabilities": ["delete"]},
            ],
        })
    );
    let app = &v["secret/data/team/app"];
    assert_eq!(
        app["capabilities"],
        json!(["delete", "list", "read", "update"])
    );
    assert_eq!(app["matched"], "wildcard");
    assert_eq!(
        app["decided_by"],
        json!({"policy": "team", "pattern": "secret/data/team/*", "line": 2})
    );
    assert_eq!(app["merged_with"][0]["policy"], "ops");
    assert_eq!(v["nope"]["decided_by"], Value::Null);
    assert_eq!(v["nope"]["capabilities"], json!(["deny"]));

    let out = d.vdeck(&[
        "policy",
        "check",
        "--json",
        "--explain",
        "--policy",
        s(&root),
        "--path",
        "x",
    ]);
    assert_eq!(
        stdout_json(&out)["x"]["decided_by"],
        json!({"policy": "root", "pattern": null, "line": null})
    );

    // The human form says the same.
    let out = d.vdeck(&[
        "policy",
        "check",
        "--explain",
        "--policy",
        s(&team),
        "--path",
        "secret/data/team/admin",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("decided by team `secret/data/team/admin` (line 6)"),
        "{text}"
    );
}

#[test]
fn check_refuses_what_the_server_refuses() {
    let d = Dir::new();
    let bad = d.file("bad.hcl", "path \"a/b\" {\n  capabilities = [\"read\"]\n}\npath \"a/+*\" {\n  capabilities = [\"read\"]\n}\n");
    let out = d.vdeck(&[
        "policy",
        "check",
        "--json",
        "--policy",
        s(&bad),
        "--path",
        "a/b",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["code"], "invalid_input");
    let msg = err["error"]["message"].as_str().unwrap();
    assert!(msg.contains("bad.hcl:4:"), "{msg}");
    assert!(msg.contains("'+*' is forbidden"), "{msg}");

    let cap = d.file("cap.hcl", "path \"a\" { capabilities = [\"subscribe\"] }\n");
    let out = d.vdeck(&[
        "policy",
        "check",
        "--json",
        "--policy",
        s(&cap),
        "--path",
        "a",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid capability \\\"subscribe\\\""));

    let out = d.vdeck(&[
        "policy",
        "check",
        "--json",
        "--policy",
        "missing.hcl",
        "--path",
        "a",
    ]);
    assert_eq!(out.status.code(), Some(5));

    // --policy and --path are both required.
    let out = d.vdeck(&["policy", "check", "--json", "--path", "a"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn lint_exits_one_on_errors_and_zero_otherwise() {
    let d = Dir::new();
    let risky = d.file(
        "risky.hcl",
        "path \"*\" {\n  capabilities = [\"update\"]\n}\npath \"secret/app\" {\n  capabilities = [\"read\", \"sudo\"]\n}\n",
    );
    let out = d.vdeck(&["policy", "lint", "--json", s(&risky)]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = stdout_json(&out);
    let got: Vec<(String, u64, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        got.contains(&("VDP002".into(), 1, "error".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&("VDP001".into(), 4, "warning".into())),
        "{got:?}"
    );
    let first = &findings[0];
    for key in [
        "file", "policy", "line", "severity", "id", "pattern", "message", "hint",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert!(first["file"].as_str().unwrap().ends_with("risky.hcl"));
    assert_eq!(first["policy"], "risky");

    // Human form: FILE:LINE: SEVERITY ID message (hint)
    let out = d.vdeck(&["policy", "lint", s(&risky)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.contains("VDP002")).unwrap();
    assert!(
        line.starts_with(&format!("{}:1: error VDP002 ", s(&risky))),
        "{line}"
    );
    assert!(line.ends_with(')'), "{line}");

    // Warnings only: exit 0.
    let warn = d.file(
        "warn.hcl",
        "path \"secret/app\" {\n  capabilities = [\"read\", \"sudo\"]\n}\n",
    );
    let out = d.vdeck(&["policy", "lint", s(&warn)]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("warning VDP001"));

    // Clean: exit 0, empty array.
    let clean = d.file("clean.hcl", TEAM);
    let out = d.vdeck(&["policy", "lint", "--json", s(&clean)]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout_json(&out), json!([]));
}

#[test]
fn lint_uses_the_mount_table_for_kv_v2_checks() {
    let d = Dir::new();
    let p = d.file(
        "kv.hcl",
        "path \"secret/app/config\" {\n  capabilities = [\"read\"]\n}\n",
    );
    let out = d.vdeck(&["policy", "lint", "--json", s(&p)]);
    assert_eq!(out.status.code(), Some(0));

    let simple = d.file("mounts.json", r#"{"secret/": 2, "kv1/": 1}"#);
    let out = d.vdeck(&["policy", "lint", "--json", "--mounts", s(&simple), s(&p)]);
    assert_eq!(out.status.code(), Some(1));
    let f = stdout_json(&out);
    assert_eq!(f[0]["id"], "VDP005");
    assert_eq!(f[0]["line"], 1);
    assert!(f[0]["hint"]
        .as_str()
        .unwrap()
        .contains("secret/data/app/config"));

    // The JSON of `bao read -format=json sys/mounts` works too.
    let sys = d.file(
        "sys-mounts.json",
        r#"{"data": {"secret/": {"type": "kv", "options": {"version": "2"}},
                     "sys/": {"type": "system", "options": null}}}"#,
    );
    let out = d.vdeck(&["policy", "lint", "--json", "--mounts", s(&sys), s(&p)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_json(&out)[0]["id"], "VDP005");

    let broken = d.file("broken.json", "[1, 2]");
    let out = d.vdeck(&["policy", "lint", "--json", "--mounts", s(&broken), s(&p)]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn lint_reports_an_unparsable_file_as_an_error_finding() {
    let d = Dir::new();
    let bad = d.file(
        "bad.hcl",
        "path \"a\" {\n  capabilities = [\"recover\"]\n}\n",
    );
    let good = d.file("good.hcl", TEAM);
    let out = d.vdeck(&["policy", "lint", "--json", s(&bad), s(&good)]);
    assert_eq!(out.status.code(), Some(1));
    let f = stdout_json(&out);
    assert_eq!(f[0]["id"], "VDP000");
    assert_eq!(f[0]["severity"], "error");
    assert_eq!(f[0]["line"], 1);
    assert!(f[0]["message"]
        .as_str()
        .unwrap()
        .contains("invalid capability \"recover\""));
}

#[test]
fn help_documents_the_explain_shape() {
    let d = Dir::new();
    let out = d.vdeck(&["policy", "check", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "decided_by",
        "overridden",
        "merged_with",
        "root.hcl",
        "[\"deny\"]",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[test]
fn who_can_against_a_server_lists_policies_and_holders() {
    use secrecy::ExposeSecret;

    let bao = vaultdeck_testkit::shared_openbao_dev();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = bao.client().unwrap();
        c.write(
            "sys/policies/acl/cli-wc",
            &json!({"policy": "path \"secret/data/cliwc/*\" {\n  capabilities = [\"read\"]\n}\n"}),
        )
        .await
        .unwrap();
        c.write(
            "auth/token/roles/cli-wc-role",
            &json!({"allowed_policies": ["cli-wc"]}),
        )
        .await
        .unwrap();
    });
    let d = Dir::new();
    let home = d.0.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vdeck"))
        .args([
            "--json",
            "policy",
            "who-can",
            "--path",
            "secret/data/cliwc/db",
        ])
        .env_clear()
        .env("HOME", &home)
        .env("VAULTDECK_CONFIG_DIR", home.join("config"))
        .env("VAULTDECK_DATA_DIR", home.join("data"))
        .env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", bao.root_token.expose_secret())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["path"], "secret/data/cliwc/db");
    let grants = v["grants"].as_array().unwrap();
    assert!(grants
        .iter()
        .any(|g| g["policy"] == "cli-wc" && g["capabilities"] == json!(["read"])));
    assert!(v["holders"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["kind"] == "token_role" && h["name"] == "cli-wc-role"));
    assert!(!stdout.contains(bao.root_token.expose_secret()));
}
