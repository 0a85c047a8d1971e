//! `vdeck lease|token|rotate` against a real OpenBao dev server with PostgreSQL dynamic
//! credentials: JSON output, confirmation (`--yes`, no terminal), audit records.

use std::process::{Command, Output, Stdio};

use secrecy::ExposeSecret;
use serde_json::{json, Value};
use vaultdeck_testkit::Postgres;
use vaultdeck_vault::dev::DevServer;

struct User {
    dir: tempfile::TempDir,
    addr: String,
    token: String,
}

impl User {
    fn new(dev: &DevServer) -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            addr: dev.addr.clone(),
            token: dev.root_token.expose_secret().to_owned(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_vdeck"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("VAULTDECK_CONFIG_DIR", self.dir.path().join("config"))
            .env("VAULTDECK_DATA_DIR", self.dir.path().join("data"))
            .env("VAULT_ADDR", &self.addr)
            .env("VAULT_TOKEN", &self.token)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "vdeck {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn audit_actions(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("data/audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["action"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn lease_token_and_rotate_commands() {
    let dev = vaultdeck_testkit::openbao_dev();
    let pg = Postgres::start();
    let t = pg.pg_target();
    let c = dev.client().unwrap();
    let rt = rt();
    let mut users = Vec::new();
    rt.block_on(async {
        c.write("sys/mounts/database", &json!({"type": "database"}))
            .await
            .unwrap();
        c.write(
            "database/config/pg",
            &json!({
                "plugin_name": "postgresql-database-plugin",
                "connection_url": format!(
                    "postgresql://{{{{username}}}}:{{{{password}}}}@{}:{}/{}?sslmode=disable",
                    t.host, t.port, t.database),
                "username": t.user, "password": t.password.expose_secret(),
                "allowed_roles": ["*"],
            }),
        )
        .await
        .unwrap();
        c.write(
            "database/roles/ro",
            &json!({"db_name": "pg", "default_ttl": "1h", "max_ttl": "2h", "creation_statements":
                ["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"]}),
        )
        .await
        .unwrap();
        for _ in 0..3 {
            let b = c.read("database/creds/ro").await.unwrap().unwrap();
            users.push((
                b["lease_id"].as_str().unwrap().to_owned(),
                b["data"]["username"].as_str().unwrap().to_owned(),
            ));
        }
        c.write("sys/mounts/transit", &json!({"type": "transit"}))
            .await
            .unwrap();
        c.write("transit/keys/app", &json!({})).await.unwrap();
    });
    let u = User::new(&dev);

    let ls = u.json(&["--json", "lease", "ls", "database/"]);
    assert_eq!(ls["leases"].as_array().unwrap().len(), 3);
    assert_eq!(ls["dashboard"]["per_role"]["database/creds/ro"], 3);
    assert_eq!(ls["dashboard"]["expiring_24h"], 3);

    let lease = &users[0].0;
    let l = u.json(&["--json", "lease", "lookup", lease]);
    assert_eq!(l["id"], lease.as_str());
    let r = u.json(&["--json", "lease", "renew", lease, "--increment", "36000"]);
    assert_eq!(r["capped"], true);
    assert!(r["warnings"][0].as_str().unwrap().contains("capped"));

    // No terminal and no --yes: refused, nothing revoked.
    let out = u.run(&["lease", "revoke-prefix", "database/creds/ro"]);
    assert_eq!(out.status.code(), Some(2));
    let count = |u: &str| {
        pg.psql(&format!(
            "select count(*) from pg_roles where rolname='{u}';"
        ))
        .unwrap()
    };
    assert_eq!(count(&users[0].1), "1");
    let r = u.json(&[
        "--json",
        "lease",
        "revoke-prefix",
        "database/creds/ro",
        "--yes",
    ]);
    assert_eq!(r["previewed"], 3);
    for (_, name) in &users {
        assert_eq!(count(name), "0");
    }

    // Tokens.
    let toks = u.json(&["--json", "token", "ls", "--root"]);
    assert!(!toks.as_array().unwrap().is_empty());
    let made = rt
        .block_on(c.create_token(&vaultdeck_vault::TokenRequest {
            policies: vec!["default".into()],
            display_name: Some("cli-victim".into()),
            ..Default::default()
        }))
        .unwrap();
    let found = u.json(&["--json", "token", "ls", "--filter", "cli-victim"]);
    assert_eq!(found[0]["accessor"], made.accessor.as_str());
    let out = u.run(&["token", "revoke-accessor", &made.accessor]);
    assert_eq!(out.status.code(), Some(2));
    u.json(&[
        "--json",
        "token",
        "revoke-accessor",
        &made.accessor,
        "--yes",
    ]);
    let out = u.run(&["token", "lookup", &made.accessor]);
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Rotations.
    let k = u.json(&["--json", "rotate", "transit", "transit", "app"]);
    assert_eq!(k["latest_version"], 2);
    let k = u.json(&[
        "--json",
        "rotate",
        "transit",
        "transit",
        "app",
        "--min-decryption-version",
        "2",
    ]);
    assert_eq!(k["min_decryption_version"], 2);
    let keys = u.json(&["--json", "rotate", "transit-keys", "transit"]);
    assert_eq!(keys[0]["decrypt_versions"], json!([2]));
    rt.block_on(c.write(
        "secret/data/cli/app",
        &json!({"data": {"pass": "old", "user": "u"}}),
    ))
    .unwrap();
    let r = u.json(&[
        "--json",
        "rotate",
        "kv",
        "secret/cli/app",
        "--key",
        "pass",
        "--yes",
    ]);
    assert_eq!(r["version"], 2);
    assert!(!String::from_utf8_lossy(
        &u.run(&["rotate", "kv", "secret/cli/app", "--key", "pass", "--yes"])
            .stdout
    )
    .contains("old"));

    let actions = u.audit_actions();
    for a in [
        "lease.renew",
        "lease.revoke_prefix",
        "token.revoke_accessor",
        "rotate.transit_key",
        "transit.config",
        "kv.patch",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not in {actions:?}");
    }
}
