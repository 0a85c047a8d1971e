//! Rotations against a real OpenBao dev server and PostgreSQL: root and static-role rotation
//! (old password rejected by PostgreSQL, new one accepted), transit keys, KV value rotation
//! with check-and-set, and a bulk plan with stop-on-error.

use std::process::Command;

use secrecy::ExposeSecret;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use vaultdeck_core::audit::AuditLog;
use vaultdeck_core::capability::{Rotation, SecretStore};
use vaultdeck_core::connection::VaultConnection;
use vaultdeck_core::leases::AuditTo;
use vaultdeck_core::rotations::{self, RotationPlan, RotationStep, StepStatus, ValueSpec};
use vaultdeck_core::secrets::{Audited, SecretData};
use vaultdeck_core::Connection;
use vaultdeck_testkit::Postgres;
use vaultdeck_types::{AuditFilter, ErrorCode};
use vaultdeck_vault::VaultClient;

/// Whether `user`/`password` can log in to `pg` over TCP.
fn can_login(pg: &Postgres, user: &str, password: &str) -> bool {
    let psql = ["/usr/lib/postgresql/15/bin/psql", "psql"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists() || *p == "psql")
        .unwrap();
    Command::new(psql)
        .args([
            "-X",
            "-At",
            "-h",
            "127.0.0.1",
            "-d",
            "postgres",
            "-c",
            "select 1",
        ])
        .args(["-U", user, "-p", &pg.port().to_string()])
        .env("PGPASSWORD", password)
        .env("PGCONNECT_TIMEOUT", "10")
        .output()
        .unwrap()
        .status
        .success()
}

async fn static_creds(c: &VaultClient, role: &str) -> (String, String) {
    let b = c
        .read(&format!("database/static-creds/{role}"))
        .await
        .unwrap()
        .unwrap();
    (
        b["data"]["username"].as_str().unwrap().to_owned(),
        b["data"]["password"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_root_and_static_role_rotation() {
    let dev = vaultdeck_testkit::openbao_dev();
    let pg = Postgres::start();
    let t = pg.pg_target();
    let root = dev.client().unwrap();
    pg.psql("create role app_static with login password 'initial';")
        .unwrap();
    assert!(can_login(&pg, "app_static", "initial"));
    root.write("sys/mounts/database", &json!({"type": "database"}))
        .await
        .unwrap();
    root.write(
        "database/config/pg",
        &json!({
            "plugin_name": "postgresql-database-plugin",
            "connection_url": format!(
                "postgresql://{{{{username}}}}:{{{{password}}}}@{}:{}/{}?sslmode=disable",
                t.host, t.port, t.database),
            "username": t.user,
            "password": t.password.expose_secret(),
            "allowed_roles": ["*"],
        }),
    )
    .await
    .unwrap();
    root.write(
        "database/static-roles/app",
        &json!({"db_name": "pg", "username": "app_static", "rotation_period": "1h",
            "rotation_statements": ["ALTER USER \"{{name}}\" WITH PASSWORD '{{password}}';"]}),
    )
    .await
    .unwrap();
    let conn = Connection::Vault(VaultConnection::from_client(root.clone()));
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let audit = AuditTo {
        log: &log,
        profile: "test",
    };

    // The screen's targets: connections and static roles with health against a maximum age.
    let now = time::OffsetDateTime::now_utc();
    let dt = rotations::db_targets(&conn, "database", now, 90)
        .await
        .unwrap();
    assert_eq!(dt.connections.len(), 1);
    assert_eq!(dt.connections[0].name, "pg");
    assert_eq!(dt.connections[0].plugin_name, "postgresql-database-plugin");
    assert_eq!(dt.connections[0].allowed_roles, ["*"]);
    assert_eq!(dt.static_roles.len(), 1);
    let h = &dt.static_roles[0].health;
    assert!(h.last_rotated.is_some() && !h.stale, "{h:?}");
    assert!(h.age_secs.unwrap() < 600, "{h:?}");
    let later = now + time::Duration::days(91);
    let dt = rotations::db_targets(&conn, "database/", later, 90)
        .await
        .unwrap();
    assert!(
        dt.static_roles[0].health.stale,
        "91 days later the role is stale"
    );
    let roles = conn.static_roles("database").await.unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].username, "app_static");
    assert_eq!(roles[0].rotation_period, 3600);
    assert!(roles[0].last_vault_rotation.is_some(), "{roles:?}");

    let (user, before) = static_creds(&root, "app").await;
    assert!(can_login(&pg, &user, &before));
    rotations::rotate_static_role(&conn, audit, "database", "app")
        .await
        .unwrap();
    let (_, after) = static_creds(&root, "app").await;
    assert_ne!(before, after);
    assert!(!can_login(&pg, &user, &before), "old password still works");
    assert!(can_login(&pg, &user, &after), "new password rejected");

    // Root rotation needs the typed connection name.
    let e = rotations::rotate_db_root(&conn, audit, "database", "pg", "p")
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(can_login(&pg, &t.user, t.password.expose_secret()));
    rotations::rotate_db_root(&conn, audit, "database", "pg", "pg")
        .await
        .unwrap();
    assert!(!can_login(&pg, &t.user, t.password.expose_secret()));
    // Vault still manages the database with its new root password.
    rotations::rotate_static_role(&conn, audit, "database", "app")
        .await
        .unwrap();
    let (_, third) = static_creds(&root, "app").await;
    assert!(can_login(&pg, &user, &third));

    let actions: Vec<_> = log
        .list(&AuditFilter::default())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.iter().any(|a| a == "rotate.db_root"));
    assert!(
        actions
            .iter()
            .filter(|a| *a == "rotate.static_role")
            .count()
            == 2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transit_kv_and_bulk_plan() {
    let root = vaultdeck_testkit::shared_openbao_dev().client().unwrap();
    root.write("sys/mounts/transit-rot", &json!({"type": "transit"}))
        .await
        .unwrap();
    root.write("transit-rot/keys/app", &json!({"type": "aes256-gcm96"}))
        .await
        .unwrap();
    let conn = Connection::Vault(VaultConnection::from_client(root.clone()));
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let audit = AuditTo {
        log: &log,
        profile: "test",
    };

    let ct = root
        .write("transit-rot/encrypt/app", &json!({"plaintext": "aGVsbG8="}))
        .await
        .unwrap()
        .unwrap()["data"]["ciphertext"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(ct.starts_with("vault:v1:"));
    rotations::rotate_transit_key(&conn, audit, "transit-rot", "app")
        .await
        .unwrap();
    let k = rotations::rotate_transit_key(&conn, audit, "transit-rot", "app")
        .await
        .unwrap();
    assert_eq!(k.latest_version, 3);
    assert_eq!(k.versions, [1, 2, 3]);
    let e = rotations::set_transit_min_versions(&conn, audit, &k, "transit-rot", Some(9), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    let k = rotations::set_transit_min_versions(&conn, audit, &k, "transit-rot", Some(2), None)
        .await
        .unwrap();
    assert_eq!(k.decrypt_versions(), [2, 3]);
    assert_eq!(k.encrypt_versions(), [3]);
    let e = root
        .write("transit-rot/decrypt/app", &json!({"ciphertext": ct}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("too old"), "{e}");
    let keys = conn.transit_keys("transit-rot").await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].min_decryption_version, 2);
    // The newest version's creation time is the key's last rotation.
    let now = time::OffsetDateTime::now_utc();
    let targets = rotations::transit_targets(&conn, "transit-rot", now, 30)
        .await
        .unwrap();
    let kt = &targets.keys[0];
    assert_eq!(kt.decrypt_versions, [2, 3]);
    assert_eq!(kt.encrypt_versions, [3]);
    assert!(kt.health.age_secs.unwrap() < 600, "{:?}", kt.health);
    assert!(!kt.health.stale);
    let stale =
        rotations::transit_targets(&conn, "transit-rot", now + time::Duration::days(31), 30)
            .await
            .unwrap();
    assert!(stale.keys[0].health.stale);
    let e = rotations::transit_key(&conn, "transit-rot", "missing")
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);

    // KV value rotation through the audited secret store.
    let store = Audited::new(conn.clone(), log.clone(), "test");
    store
        .write(
            "secret/rot/app",
            &SecretData::new().with("user", "alice").with("pass", "old"),
            None,
        )
        .await
        .unwrap();
    let spec = ValueSpec {
        length: 40,
        ..ValueSpec::default()
    };
    let v = rotations::rotate_kv_value(&store, "secret/rot/app", &["pass".into()], &spec)
        .await
        .unwrap();
    assert_eq!(v, Some(2));
    let pass = store
        .read_key("secret/rot/app", "pass", None)
        .await
        .unwrap();
    assert_eq!(pass.expose_secret().len(), 40);
    let user = store
        .read_key("secret/rot/app", "user", None)
        .await
        .unwrap();
    assert_eq!(user.expose_secret(), "alice");
    // The KV target: key names and version, never values; the previous version stays.
    let kt = rotations::kv_target(
        &store,
        "secret/rot/app",
        time::OffsetDateTime::now_utc(),
        90,
    )
    .await
    .unwrap();
    assert_eq!(kt.current_version, Some(2));
    assert_eq!(kt.keys, ["pass", "user"]);
    assert!(!kt.health.stale && kt.health.age_secs.is_some());
    let old = store
        .read_key("secret/rot/app", "pass", Some(1))
        .await
        .unwrap();
    assert_eq!(old.expose_secret(), "old");

    // Bulk plan: dry run, then stop-on-error after a failing step.
    let plan = RotationPlan {
        steps: vec![
            RotationStep::TransitKey {
                mount: "transit-rot".into(),
                key: "app".into(),
            },
            RotationStep::StaticRole {
                mount: "transit-rot".into(),
                role: "missing".into(),
            },
            RotationStep::KvValue {
                path: "secret/rot/app".into(),
                keys: vec!["pass".into()],
                spec: spec.clone(),
            },
        ],
    };
    let dry = plan.dry_run();
    assert_eq!(dry.len(), 3);
    assert!(dry[2].contains("secret/rot/app"));
    let cancel = CancellationToken::new();
    let mut seen = 0;
    let results = rotations::execute_plan(
        vault_only(&conn, &store),
        audit,
        &plan,
        true,
        &cancel,
        |_| seen += 1,
    )
    .await;
    assert_eq!(seen, 3);
    let st: Vec<_> = results.iter().map(|r| r.status).collect();
    assert_eq!(
        st,
        [StepStatus::Ok, StepStatus::Failed, StepStatus::Skipped]
    );
    let results = rotations::execute_plan(
        vault_only(&conn, &store),
        audit,
        &plan,
        false,
        &cancel,
        |_| {},
    )
    .await;
    let st: Vec<_> = results.iter().map(|r| r.status).collect();
    assert_eq!(st, [StepStatus::Ok, StepStatus::Failed, StepStatus::Ok]);
    assert_eq!(results[2].detail, "version 3");

    // Cancelled before it starts: every step skipped, nothing rotated.
    let before = conn.transit_keys("transit-rot").await.unwrap()[0].latest_version;
    let stop = CancellationToken::new();
    stop.cancel();
    let skipped = rotations::execute_plan(
        vault_only(&conn, &store),
        audit,
        &plan,
        false,
        &stop,
        |_| {},
    )
    .await;
    assert!(skipped.iter().all(|r| r.status == StepStatus::Skipped));
    assert_eq!(
        conn.transit_keys("transit-rot").await.unwrap()[0].latest_version,
        before
    );

    // Cancelled during the run (after the first step): the rest is skipped.
    let mid = CancellationToken::new();
    let partial =
        rotations::execute_plan(vault_only(&conn, &store), audit, &plan, false, &mid, |_| {
            mid.cancel()
        })
        .await;
    let st: Vec<_> = partial.iter().map(|r| r.status).collect();
    assert_eq!(
        st,
        [StepStatus::Ok, StepStatus::Skipped, StepStatus::Skipped]
    );
    assert_eq!(
        conn.transit_keys("transit-rot").await.unwrap()[0].latest_version,
        before + 1
    );

    // The plan checks and the exported report (Markdown + JSON, audited, no values).
    let e = rotations::check_plan(&RotationPlan::default(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    let with_root = RotationPlan {
        steps: vec![RotationStep::DbRoot {
            mount: "database".into(),
            connection: "pg".into(),
        }],
    };
    assert!(rotations::check_plan(&with_root, &["p".into()]).is_err());
    rotations::check_plan(&with_root, &["pg".into()]).unwrap();
    let preview = rotations::preview(&plan);
    assert!(preview.runnable);
    assert_eq!(preview.steps[0].target, "transit:transit-rot/keys/app");
    let now = time::OffsetDateTime::now_utc();
    let report = rotations::run_report("test".into(), now, 12, false, false, results);
    assert_eq!((report.ok, report.failed, report.skipped), (2, 1, 0));
    let out = dir.path().join("reports");
    let files =
        rotations::export_report(audit, dir.path(), &report, Some(out.to_str().unwrap()), now)
            .unwrap();
    let md = std::fs::read_to_string(&files.markdown.path).unwrap();
    assert!(
        md.contains("| 2 | rotate static role transit-rot/static-roles/missing | failed |"),
        "{md}"
    );
    assert!(md.contains("2 ok, 1 failed, 0 skipped"));
    let json: vaultdeck_types::RotationRunReport =
        serde_json::from_str(&std::fs::read_to_string(&files.json.path).unwrap()).unwrap();
    assert_eq!(json, report);
    assert!(!md.contains(pass.expose_secret()));

    let text = std::fs::read_to_string(log.path()).unwrap();
    assert!(!text.contains(pass.expose_secret()));
    assert!(text.contains("rotate.plan") && text.contains("transit.config"));
    assert!(text.contains("rotate.report"));
}

/// The plan's connections when it has only Vault steps.
fn vault_only<'a>(
    conn: &'a Connection,
    store: &'a Audited<Connection>,
) -> rotations::PlanConnections<'a, Connection, Audited<Connection>> {
    rotations::PlanConnections {
        vault: Some((conn, store)),
        deck: None,
    }
}
