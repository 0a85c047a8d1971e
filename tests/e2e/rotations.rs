//! The Rotations screen end to end against a real OpenBao with the demo seed (database engine
//! on a real PostgreSQL) plus a transit mount and a KV v2 secret made here: the database
//! targets, rotating a transit key (the version goes up), setting its minimum decryption
//! version, rotating a KV value (a new version; the previous one stays), and a bulk plan of 3
//! mixed targets where one fails (a transit key that does not exist) run with "continue":
//! per-target results, the report exported as Markdown + JSON, everything audited. Ends with
//! the leak check: no generated value and no token in anything the app wrote or printed.
//! Screenshots under target/e2e-shots/rotations-*.png.

use std::process::Command;

use serde_json::json;

use super::harness::{assert_no_leak, AppSession, Display};
use super::{new_profile, save_and_connect};

const TOKEN: &str = "e2eROTATIONStoken8b1f2a7c";
const KV_PATH: &str = "secret/e2e/rotate";
const OLD_PASSWORD: &str = "e2e-old-password-3f9c";
const ROOT_PASSWORD: &str = "e2e-root-password-71ac";

/// Whether `user`/`password` can log in to `pg` over TCP.
fn can_login(pg: &vaultdeck_testkit::Postgres, user: &str, password: &str) -> bool {
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

async fn static_password(c: &vaultdeck_vault::VaultClient) -> String {
    c.read("database/static-creds/app").await.unwrap().unwrap()["data"]["password"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn transit_latest(c: &vaultdeck_vault::VaultClient, key: &str) -> serde_json::Value {
    c.read(&format!("transit/keys/{key}"))
        .await
        .unwrap()
        .unwrap()["data"]
        .clone()
}

async fn kv_password(c: &vaultdeck_vault::VaultClient, version: u64) -> String {
    c.read_with_query(
        "secret/data/e2e/rotate",
        &[("version", &version.to_string())],
    )
    .await
    .unwrap()
    .unwrap()["data"]["data"]["password"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotations_scenario() {
    let bao = vaultdeck_testkit::openbao_dev();
    let pg = vaultdeck_testkit::Postgres::start();
    let client = bao.client().unwrap();
    vaultdeck_vault::demo::seed(&client, Some(&pg.pg_target()))
        .await
        .unwrap();
    // The demo seed has no transit engine: add one with two keys.
    client
        .write("sys/mounts/transit", &json!({"type": "transit"}))
        .await
        .unwrap();
    for k in ["payments", "orders"] {
        client
            .write(&format!("transit/keys/{k}"), &json!({}))
            .await
            .unwrap();
    }
    // A second connection with its own superuser (its root gets rotated) and a static role.
    pg.psql(&format!(
        "create role vault_e2e_root with login superuser password '{ROOT_PASSWORD}'; \
         create role app_static with login password 'initial';"
    ))
    .unwrap();
    client
        .write(
            "database/config/e2e-pg",
            &json!({
                "plugin_name": "postgresql-database-plugin",
                "connection_url": format!(
                    "postgresql://{{{{username}}}}:{{{{password}}}}@127.0.0.1:{}/postgres?sslmode=disable",
                    pg.port()),
                "username": "vault_e2e_root",
                "password": ROOT_PASSWORD,
                "allowed_roles": ["*"],
            }),
        )
        .await
        .unwrap();
    client
        .write(
            "database/static-roles/app",
            &json!({"db_name": "e2e-pg", "username": "app_static", "rotation_period": "24h",
                "rotation_statements": ["ALTER USER \"{{name}}\" WITH PASSWORD '{{password}}';"]}),
        )
        .await
        .unwrap();
    let static_1 = static_password(&client).await;
    assert!(can_login(&pg, "app_static", &static_1));
    client
        .write(
            "secret/data/e2e/rotate",
            &json!({"data": {"username": "svc-e2e", "password": OLD_PASSWORD}}),
        )
        .await
        .unwrap();
    client
        .write(
            "auth/token/create",
            &json!({"id": TOKEN, "policies": ["root"], "ttl": "1h"}),
        )
        .await
        .unwrap();
    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();
    let reports = tempfile::tempdir().unwrap();

    let s = AppSession::start(&display, keyring.bus_address()).await;
    new_profile(&s, "Rotations", &bao.addr).await;
    s.fill("#profile-credential", TOKEN).await;
    save_and_connect(&s, "Rotations").await;
    s.wait_text("#status-connection", "Rotations").await;
    s.click("#nav-rotations").await;

    // Database: two connections and the static role with its health.
    s.wait_text(
        "tr.rot-db-row[data-connection=\"demo-postgres\"]",
        "postgresql-database-plugin",
    )
    .await;
    let role = "tr.rot-role-row[data-role=\"app\"]";
    s.wait_text(role, "app_static").await;
    s.wait_text(&format!("{role} .rot-health"), "rotated").await;
    // Rotate the static role now: PostgreSQL takes the new password only.
    s.click(&format!("{role} .rot-role-rotate")).await;
    s.wait_text("#rot-db-status", "Rotated the password of static role app")
        .await;
    let static_2 = static_password(&client).await;
    assert_ne!(static_1, static_2);
    assert!(
        !can_login(&pg, "app_static", &static_1),
        "old password still works"
    );
    assert!(can_login(&pg, "app_static", &static_2));

    // Root rotation: disabled until the connection name is typed exactly.
    let conn_row = "tr.rot-db-row[data-connection=\"e2e-pg\"]";
    s.click(&format!("{conn_row} .rot-db-root")).await;
    let go = s.wait_for("#rot-db-root-go").await;
    assert_eq!(
        go.attr("disabled").await.unwrap().as_deref(),
        Some("true"),
        "root rotation must stay disabled until the connection name is typed"
    );
    s.fill("#rot-db-root-confirm", "e2e-p").await;
    assert_eq!(go.attr("disabled").await.unwrap().as_deref(), Some("true"));
    s.screenshot("rotations-01-database").await;
    assert!(can_login(&pg, "vault_e2e_root", ROOT_PASSWORD));
    s.fill("#rot-db-root-confirm", "e2e-pg").await;
    s.click("#rot-db-root-go").await;
    s.wait_text("#rot-db-status", "Rotated the root credential of e2e-pg")
        .await;
    assert!(
        !can_login(&pg, "vault_e2e_root", ROOT_PASSWORD),
        "the old root password still works"
    );
    // Into the plan: the static role (Vault manages it with its new root password).
    s.click(&format!("{role} .rot-select")).await;
    s.wait_text("#rot-tab-plan", "Plan (1)").await;

    // Transit (reached with the keyboard: arrow keys move between the tabs): rotate
    // "payments", the version goes up.
    s.wait_for("#rot-tab-database")
        .await
        .send_keys(&fantoccini::key::Key::Right.to_string())
        .await
        .unwrap();
    s.wait_for("#rot-tab-transit[aria-selected=\"true\"]").await;
    let row = "tr.rot-transit-row[data-key=\"payments\"]";
    s.wait_text(&format!("{row} .rot-latest"), "1").await;
    s.wait_text(&format!("{row} .rot-health"), "rotated").await;
    s.click(&format!("{row} .rot-transit-rotate")).await;
    s.wait_text("#rot-transit-status", "now at version 2").await;
    s.wait_text(&format!("{row} .rot-latest"), "2").await;
    assert_eq!(
        transit_latest(&client, "payments").await["latest_version"],
        2
    );
    s.screenshot("rotations-02-transit-rotated").await;

    // Minimum decryption version 2: version 1 may no longer decrypt.
    s.click(&format!("{row} .rot-transit-min")).await;
    s.fill("#rot-min-dec", "2").await;
    s.click("#rot-min-save").await;
    s.wait_text("#rot-transit-status", "decrypts with versions [2]")
        .await;
    let dec = s.wait_text(&format!("{row} .rot-decrypt"), "2").await;
    assert_eq!(dec.trim(), "2", "version 1 still listed as allowed: {dec}");
    assert_eq!(
        transit_latest(&client, "payments").await["min_decryption_version"],
        2
    );
    s.screenshot("rotations-03-transit-min-version").await;
    // Into the plan: "payments".
    s.click(&format!("{row} .rot-select")).await;
    s.wait_text("#rot-tab-plan", "Plan (2)").await;

    // KV: rotate the password (a new version), the previous version stays.
    s.click("#rot-tab-kv").await;
    s.fill("#rot-kv-path", KV_PATH).await;
    s.click("#rot-kv-load").await;
    s.wait_text("#rot-kv-version", "version 1").await;
    s.click(".rot-kv-key[data-key=\"password\"]").await;
    s.fill("#rot-kv-length", "40").await;
    s.click("#rot-kv-rotate").await;
    s.wait_text("#rot-kv-result", "Wrote version 2").await;
    s.wait_text("#rot-kv-result", "version 1 stays for rollback")
        .await;
    s.wait_text("#rot-kv-version", "version 2").await;
    let v2 = kv_password(&client, 2).await;
    assert_eq!(v2.len(), 40);
    assert_ne!(v2, OLD_PASSWORD);
    assert_eq!(kv_password(&client, 1).await, OLD_PASSWORD);
    s.screenshot("rotations-04-kv-rotated").await;
    s.click("#rot-kv-add").await;
    s.wait_text("#rot-tab-plan", "Plan (3)").await;

    // The plan: + a transit key that does not exist, moved into the middle.
    s.click("#rot-tab-plan").await;
    s.fill("#rot-plan-add-name", "missing").await;
    s.click("#rot-plan-add").await;
    s.wait_text("#rot-tab-plan", "Plan (4)").await;
    s.click("button[aria-label=\"Move step 4 up\"]").await;
    s.wait_text("#rot-plan-steps li:nth-child(3)", "transit/keys/missing")
        .await;
    s.click("#rot-plan-preview").await;
    s.wait_for("#rot-preview[data-runnable=\"true\"]").await;
    s.wait_text("#rot-preview", "Dry run").await;
    assert_eq!(
        transit_latest(&client, "payments").await["latest_version"],
        2,
        "the dry run changed something"
    );
    s.click("#rot-plan-continue").await;
    s.screenshot("rotations-05-plan-preview").await;
    s.click("#rot-plan-run").await;
    s.wait_for("#rot-plan-progress-box[data-done=\"true\"] #rot-plan-summary")
        .await;
    s.wait_text(
        "#rot-plan-progress-text",
        "4 of 4 target(s): 3 ok, 1 failed, 0 skipped",
    )
    .await;
    for (i, status) in ["ok", "ok", "failed", "ok"].iter().enumerate() {
        s.wait_for(&format!(
            "tr.rot-result[data-index=\"{i}\"][data-status=\"{status}\"]"
        ))
        .await;
    }
    let failed = s
        .wait_for("tr.rot-result[data-index=\"2\"]")
        .await
        .text()
        .await
        .unwrap();
    assert!(failed.contains("missing"), "{failed}");
    s.screenshot("rotations-06-plan-results").await;
    assert_eq!(
        transit_latest(&client, "payments").await["latest_version"],
        3
    );
    let v3 = kv_password(&client, 3).await;
    assert_eq!(v3.len(), 40);
    assert_ne!(v3, v2);
    let static_3 = static_password(&client).await;
    assert_ne!(static_3, static_2);
    assert!(
        can_login(&pg, "app_static", &static_3),
        "Vault lost the database after the root rotation"
    );

    // Export the report.
    s.click("#rot-report-folder").await; // scrolls it into view
    s.fill("#rot-report-folder", reports.path().to_str().unwrap())
        .await;
    s.click("#rot-report-export").await;
    s.wait_text("#rot-report-result", "Wrote").await;
    s.screenshot("rotations-07-report-exported").await;
    let mut md = None;
    let mut js = None;
    for e in std::fs::read_dir(reports.path()).unwrap() {
        let p = e.unwrap().path();
        match p.extension().and_then(|x| x.to_str()) {
            Some("md") => md = Some(std::fs::read_to_string(&p).unwrap()),
            Some("json") => js = Some(std::fs::read_to_string(&p).unwrap()),
            _ => {}
        }
    }
    let md = md.expect("no Markdown report written");
    assert!(md.contains("3 ok, 1 failed, 0 skipped"), "{md}");
    assert!(md.contains("continue after failures"), "{md}");
    assert!(
        md.contains("| 3 | add a new version to transit key transit/keys/missing | failed |"),
        "{md}"
    );
    let report: vaultdeck_types::RotationRunReport =
        serde_json::from_str(&js.expect("no JSON report written")).unwrap();
    assert_eq!((report.ok, report.failed, report.skipped), (3, 1, 0));

    let dir = s.finish().await;
    let audit = std::fs::read_to_string(dir.path().join("data/audit.jsonl")).unwrap();
    for action in [
        "\"rotate.transit_key\"",
        "\"transit.config\"",
        "\"kv.patch\"",
        "\"rotate.plan\"",
        "\"rotate.report\"",
        "\"rotate.db_root\"",
    ] {
        assert!(audit.contains(action), "{action} not audited");
    }
    // Every plan target is audited, the failing one as failed.
    assert_eq!(
        audit.matches("\"rotate.transit_key\"").count(),
        3,
        "{audit}"
    );
    assert_eq!(audit.matches("\"rotate.static_role\"").count(), 2);
    assert_no_leak(
        dir.path(),
        &[
            TOKEN,
            &v2,
            &v3,
            OLD_PASSWORD,
            ROOT_PASSWORD,
            &static_2,
            &static_3,
        ],
    );
    // The report files carry no value either.
    for text in [&md, &serde_json::to_string(&report).unwrap()] {
        for sentinel in [TOKEN, &v2, &v3, OLD_PASSWORD, &static_2, &static_3] {
            assert!(!text.contains(sentinel), "a value leaked into the report");
        }
    }
}
