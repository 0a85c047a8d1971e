//! `vdeck lease|token|rotate` against a real OpenBao dev server with PostgreSQL dynamic
//! credentials: JSON output, confirmation (`--yes`, no terminal), audit records.

use secrecy::ExposeSecret;
use serde_json::{json, Value};
use vaultdeck_testkit::Postgres;
use vaultdeck_vault::dev::DevServer;

mod common;
use common::User;

/// A CLI user talking to `dev` as root through VAULT_ADDR / VAULT_TOKEN.
fn user(dev: &DevServer) -> User {
    User::with_env(vec![
        ("VAULT_ADDR".into(), dev.addr.clone()),
        (
            "VAULT_TOKEN".into(),
            dev.root_token.expose_secret().to_owned(),
        ),
    ])
}

/// The actions of the audit records, oldest first.
fn audit_actions(u: &User) -> Vec<String> {
    u.audit()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
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
    let u = user(&dev);

    let ls = u.json(&["lease", "ls", "database/"], None);
    assert_eq!(ls["leases"].as_array().unwrap().len(), 3);
    assert_eq!(ls["dashboard"]["per_role"]["database/creds/ro"], 3);
    assert_eq!(ls["dashboard"]["expiring_24h"], 3);

    let lease = &users[0].0;
    let l = u.json(&["lease", "lookup", lease], None);
    assert_eq!(l["id"], lease.as_str());
    let r = u.json(&["lease", "renew", lease, "--increment", "36000"], None);
    assert_eq!(r["capped"], true);
    assert!(r["warnings"][0].as_str().unwrap().contains("capped"));

    // No terminal and no --yes: refused, nothing revoked.
    let out = u.run(&["lease", "revoke-prefix", "database/creds/ro"], None);
    assert_eq!(out.status.code(), Some(2));
    let count = |u: &str| {
        pg.psql(&format!(
            "select count(*) from pg_roles where rolname='{u}';"
        ))
        .unwrap()
    };
    assert_eq!(count(&users[0].1), "1");
    let r = u.json(
        &["lease", "revoke-prefix", "database/creds/ro", "--yes"],
        None,
    );
    assert_eq!(r["previewed"], 3);
    for (_, name) in &users {
        assert_eq!(count(name), "0");
    }

    // Tokens.
    let toks = u.json(&["token", "ls", "--root"], None);
    assert!(!toks.as_array().unwrap().is_empty());
    let made = rt
        .block_on(c.create_token(&vaultdeck_vault::TokenRequest {
            policies: vec!["default".into()],
            display_name: Some("cli-victim".into()),
            ..Default::default()
        }))
        .unwrap();
    let found = u.json(&["token", "ls", "--filter", "cli-victim"], None);
    assert_eq!(found[0]["accessor"], made.accessor.as_str());
    let out = u.run(&["token", "revoke-accessor", &made.accessor], None);
    assert_eq!(out.status.code(), Some(2));
    u.json(&["token", "revoke-accessor", &made.accessor, "--yes"], None);
    let out = u.run(&["token", "lookup", &made.accessor], None);
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Rotations.
    let k = u.json(&["rotate", "transit", "transit", "app"], None);
    assert_eq!(k["latest_version"], 2);
    let k = u.json(
        &[
            "rotate",
            "transit",
            "transit",
            "app",
            "--min-decryption-version",
            "2",
        ],
        None,
    );
    assert_eq!(k["min_decryption_version"], 2);
    let keys = u.json(&["rotate", "transit-keys", "transit"], None);
    assert_eq!(keys[0]["decrypt_versions"], json!([2]));
    rt.block_on(c.write(
        "secret/data/cli/app",
        &json!({"data": {"pass": "old", "user": "u"}}),
    ))
    .unwrap();
    let r = u.json(
        &["rotate", "kv", "secret/cli/app", "--key", "pass", "--yes"],
        None,
    );
    assert_eq!(r["version"], 2);
    assert!(!String::from_utf8_lossy(
        &u.run(
            &["rotate", "kv", "secret/cli/app", "--key", "pass", "--yes"],
            None
        )
        .stdout
    )
    .contains("old"));

    let actions = audit_actions(&u);
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
