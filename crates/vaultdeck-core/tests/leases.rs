//! Lease inventory, dashboard and actions against a real OpenBao dev server with PostgreSQL
//! dynamic credentials (several roles).

use serde_json::json;
use tokio_util::sync::CancellationToken;
use vaultdeck_core::audit::AuditLog;
use vaultdeck_core::capability::LeaseAdmin;
use vaultdeck_core::connection::VaultConnection;
use vaultdeck_core::leases::{self, AuditTo, InventoryOptions, RevokeState};
use vaultdeck_core::Connection;
use vaultdeck_testkit::Postgres;
use vaultdeck_types::{AuditFilter, ErrorCode};
use vaultdeck_vault::demo::PgTarget;
use vaultdeck_vault::{TokenRequest, VaultClient};

use secrecy::ExposeSecret;

const CREATE: &str =
    "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';";

/// Mounts `database/`, connects it to `pg`, and creates roles `ro` (1h/24h), `rw` (2h/24h)
/// and `broken` (its revocation SQL fails).
async fn setup_db(c: &VaultClient, pg: &PgTarget) {
    c.write("sys/mounts/database", &json!({"type": "database"}))
        .await
        .unwrap();
    c.write(
        "database/config/pg",
        &json!({
            "plugin_name": "postgresql-database-plugin",
            "connection_url": format!(
                "postgresql://{{{{username}}}}:{{{{password}}}}@{}:{}/{}?sslmode=disable",
                pg.host, pg.port, pg.database),
            "username": pg.user,
            "password": pg.password.expose_secret(),
            "allowed_roles": ["*"],
        }),
    )
    .await
    .unwrap();
    for (role, ttl, revoke) in [
        ("ro", "1h", None),
        ("rw", "2h", None),
        ("broken", "1h", Some("SELECT 1/0;")),
    ] {
        let mut body = json!({"db_name": "pg", "creation_statements": [CREATE],
            "default_ttl": ttl, "max_ttl": "24h"});
        if let Some(r) = revoke {
            body["revocation_statements"] = json!([r]);
        }
        c.write(&format!("database/roles/{role}"), &body)
            .await
            .unwrap();
    }
}

/// Issues `n` credentials of `role`; returns `(lease_id, username)`.
async fn issue(c: &VaultClient, role: &str, n: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for _ in 0..n {
        let b = c
            .read(&format!("database/creds/{role}"))
            .await
            .unwrap()
            .unwrap();
        out.push((
            b["lease_id"].as_str().unwrap().to_owned(),
            b["data"]["username"].as_str().unwrap().to_owned(),
        ));
    }
    out
}

fn pg_role_exists(pg: &Postgres, name: &str) -> bool {
    pg.psql(&format!(
        "select count(*) from pg_roles where rolname = '{name}';"
    ))
    .unwrap()
        == "1"
}

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inventory_walks_prefixes_looks_up_and_aggregates() {
    let dev = vaultdeck_testkit::openbao_dev();
    let pg = Postgres::start();
    let root = dev.client().unwrap();
    setup_db(&root, &pg.pg_target()).await;
    let ro = issue(&root, "ro", 5).await;
    let rw = issue(&root, "rw", 3).await;
    let conn = Connection::Vault(VaultConnection::from_client(root.clone()));
    let cancel = CancellationToken::new();

    let opts = InventoryOptions {
        concurrency: 4,
        batch_size: 3,
        ..InventoryOptions::default()
    };
    let mut batches = 0;
    let mut all = Vec::new();
    let report = leases::inventory(&conn, "", &opts, &cancel, |b| {
        batches += 1;
        all.extend(b.leases);
    })
    .await
    .unwrap();
    assert!(!report.cancelled);
    assert!(batches >= 3, "batches: {batches}");
    // The testkit's token is itself a lease (auth/token/create/...): keep the database ones.
    assert!(all.iter().any(|l| l.mount == "auth/token/"));
    all.retain(|l| l.mount == "database/");
    let mut ids: Vec<_> = all.iter().map(|l| l.id.clone()).collect();
    ids.sort();
    let mut expected: Vec<_> = ro.iter().chain(&rw).map(|(l, _)| l.clone()).collect();
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(report.progress.leases_looked_up, 9);
    // "", database/, creds/, ro/, rw/, auth/, token/, create/.
    assert_eq!(report.progress.prefixes_done, 8);
    assert_eq!(report.progress.vanished, 0);
    let first = all.iter().find(|l| l.role == "database/creds/ro").unwrap();
    assert!(first.renewable && first.ttl > 3000 && first.issue_time.is_some());

    let now = time::OffsetDateTime::now_utc();
    let irrevocable = LeaseAdmin::irrevocable_lease_count(&conn).await.unwrap();
    assert_eq!(irrevocable, Some(0));
    let d = leases::dashboard(&all, now, irrevocable);
    assert_eq!(d.total, 8);
    assert_eq!(d.per_mount["database/"], 8);
    assert_eq!(d.per_role["database/creds/ro"], 5);
    assert_eq!(d.per_role["database/creds/rw"], 3);
    assert_eq!((d.expiring_1h, d.expiring_24h), (5, 8));

    // Sub-prefix only.
    let (sub, _) = leases::collect(&conn, "database/creds/rw", &opts, &cancel)
        .await
        .unwrap();
    assert_eq!(sub.len(), 3);

    // Cancelled before it starts: reports cancelled, no error.
    let stop = CancellationToken::new();
    stop.cancel();
    let (none, r) = leases::collect(&conn, "", &opts, &stop).await.unwrap();
    assert!(r.cancelled && none.is_empty());

    // A token without sudo on sys/leases/lookup.
    let weak = common::policy_conn(
        &root,
        "lease-list-nosudo",
        "path \"sys/leases/lookup/*\" { capabilities = [\"list\"] }",
    )
    .await;
    let e = leases::collect(&weak, "", &opts, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
    let msg = e.to_string();
    assert!(msg.contains("sudo"), "{msg}");
    assert!(msg.contains(leases::LEASE_LIST_POLICY), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_renew_revoke_prefix_and_force() {
    let dev = vaultdeck_testkit::openbao_dev();
    let pg = Postgres::start();
    let root = dev.client().unwrap();
    setup_db(&root, &pg.pg_target()).await;
    let ro = issue(&root, "ro", 3).await;
    let rw = issue(&root, "rw", 2).await;
    let broken = issue(&root, "broken", 2).await;
    for (_, u) in ro.iter().chain(&broken) {
        assert!(pg_role_exists(&pg, u), "{u} not created");
    }
    let conn = Connection::Vault(VaultConnection::from_client(root.clone()));
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let audit = AuditTo {
        log: &log,
        profile: "test",
    };

    // Renew beyond max_ttl (24h): capped, with the server's warning.
    let r = leases::renew(&conn, audit, &rw[0].0, Some(100 * 3600))
        .await
        .unwrap();
    assert!(r.capped, "{r:?}");
    assert!(r.granted_secs <= 24 * 3600);
    assert!(r.warnings.iter().any(|w| w.contains("capped")), "{r:?}");
    let r = leases::renew(&conn, audit, &rw[0].0, Some(600))
        .await
        .unwrap();
    assert!(!r.capped && r.granted_secs == 600);

    // Revoke one, async: pending, then gone.
    let st = leases::revoke(&conn, audit, &rw[1].0, false).await.unwrap();
    assert_eq!(st, RevokeState::Pending);
    let mut gone = false;
    for _ in 0..50 {
        if let Err(e) = LeaseAdmin::lookup_lease(&conn, &rw[1].0).await {
            assert_eq!(e.code(), ErrorCode::NotFound);
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(gone);

    // Revoke-prefix: preview, wrong confirmation refused, then the PG roles are dropped.
    let cancel = CancellationToken::new();
    let (inv, _) = leases::collect(&conn, "", &InventoryOptions::default(), &cancel)
        .await
        .unwrap();
    let preview = leases::count_under(&inv, "database/creds/ro");
    assert_eq!(preview, 3);
    let e = leases::revoke_prefix(&conn, audit, "database/creds/ro", "database", Some(preview))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    leases::revoke_prefix(
        &conn,
        audit,
        "database/creds/ro",
        "database/creds/ro",
        Some(preview),
    )
    .await
    .unwrap();
    for (_, u) in &ro {
        assert!(!pg_role_exists(&pg, u), "{u} still exists");
    }

    // The broken role: revoke-prefix fails, force needs the second flag, then leaves users.
    let e = leases::revoke_prefix(
        &conn,
        audit,
        "database/creds/broken",
        "database/creds/broken",
        None,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("division by zero"), "{e}");
    let e = leases::revoke_force(
        &conn,
        audit,
        "database/creds/broken",
        "database/creds/broken",
        false,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    leases::revoke_force(
        &conn,
        audit,
        "database/creds/broken",
        "database/creds/broken",
        true,
    )
    .await
    .unwrap();
    let (left, _) = leases::collect(
        &conn,
        "database/creds/broken",
        &InventoryOptions::default(),
        &cancel,
    )
    .await
    .unwrap();
    assert!(left.is_empty());
    for (_, u) in &broken {
        assert!(
            pg_role_exists(&pg, u),
            "{u} should remain after revoke-force"
        );
    }

    let entries = log.list(&AuditFilter::default()).unwrap();
    let actions: Vec<_> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"lease.renew"));
    assert!(actions.contains(&"lease.revoke"));
    assert!(actions.contains(&"lease.revoke_prefix"));
    assert!(actions.contains(&"lease.revoke_force"));
    assert!(log.verify().unwrap().first_broken_line.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_inventory_filter_find_root_and_revoke_by_accessor() {
    let root = vaultdeck_testkit::shared_openbao_dev().client().unwrap();
    let conn = Connection::Vault(VaultConnection::from_client(root.clone()));
    let mut made = Vec::new();
    for (name, policies) in [
        ("tok-app", vec!["default"]),
        ("tok-root", vec!["root"]),
        ("tok-batch", vec!["default"]),
    ] {
        let a = root
            .create_token(&TokenRequest {
                policies: policies.into_iter().map(str::to_owned).collect(),
                display_name: Some(name.into()),
                no_parent: name == "tok-root",
                ..TokenRequest::default()
            })
            .await
            .unwrap();
        made.push(a.accessor);
    }
    let opts = InventoryOptions {
        concurrency: 3,
        batch_size: 2,
        ..InventoryOptions::default()
    };
    let cancel = CancellationToken::new();
    let mut tokens = Vec::new();
    let report = leases::token_inventory(&conn, &opts, &cancel, |b| tokens.extend(b.tokens))
        .await
        .unwrap();
    assert!(!report.cancelled);
    assert_eq!(report.looked_up as usize, tokens.len());
    for a in &made {
        assert!(tokens.iter().any(|t| &t.accessor == a), "{a} missing");
    }
    let roots = leases::find_root_tokens(&tokens);
    let r = roots
        .iter()
        .find(|t| t.accessor == made[1])
        .expect("created root token found");
    assert!(r.orphan && r.display_name.contains("tok-root"));
    assert_eq!(r.path, "auth/token/create");
    let app = leases::filter_tokens(
        &tokens,
        &leases::TokenFilter {
            text: Some("TOK-APP".into()),
            ..Default::default()
        },
    );
    assert_eq!(app.len(), 1);
    assert_eq!(app[0].token_type, "service");

    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let audit = AuditTo {
        log: &log,
        profile: "test",
    };
    leases::revoke_token_accessor(&conn, audit, &made[1])
        .await
        .unwrap();
    let e = conn.lookup_token_accessor(&made[1]).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
    let entries = log.list(&AuditFilter::default()).unwrap();
    assert_eq!(entries[0].action, "token.revoke_accessor");

    // Without permission to list accessors: PermissionDenied.
    let t = root
        .create_token(&TokenRequest {
            policies: vec!["default".into()],
            ..TokenRequest::default()
        })
        .await
        .unwrap();
    let weak = Connection::Vault(VaultConnection::from_client(
        root.with_token(t.client_token),
    ));
    let e = leases::token_inventory(&weak, &opts, &cancel, |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamic_credentials_issue_and_revoke() {
    let dev = vaultdeck_testkit::openbao_dev();
    let pg = Postgres::start();
    let root = dev.client().unwrap();
    setup_db(&root, &pg.pg_target()).await;
    let conn = Connection::Vault(VaultConnection::from_client(root.clone()));
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let audit = AuditTo {
        log: &log,
        profile: "test",
    };
    let c = leases::issue_db_credentials(&conn, audit, "database", "ro")
        .await
        .unwrap();
    assert!(c.lease_id.starts_with("database/creds/ro/"));
    assert_eq!(c.lease_duration, 3600);
    assert!(!format!("{c:?}").contains(c.password.expose_secret()));
    assert!(pg_role_exists(&pg, &c.username));
    leases::revoke_credentials(&conn, audit, &c).await.unwrap();
    assert!(!pg_role_exists(&pg, &c.username));
    let e = leases::issue_db_credentials(&conn, audit, "database", "nope")
        .await
        .unwrap_err();
    assert_ne!(e.code(), ErrorCode::Internal, "{e}");
    let text = std::fs::read_to_string(log.path()).unwrap();
    assert!(!text.contains(c.password.expose_secret()));
    assert!(text.contains("creds.issue"));
}

/// A token that may list `sys/leases/lookup/*` except one sub-prefix: the walk skips the
/// denied prefix, counts it, and still finds every lease elsewhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inventory_skips_and_counts_a_denied_sub_prefix() {
    let dev = vaultdeck_testkit::openbao_dev();
    let root = dev.client().unwrap();
    root.write("sys/auth/userpass", &json!({"type": "userpass"}))
        .await
        .unwrap();
    root.write(
        "auth/userpass/users/walker",
        &json!({"password": "walker-pw", "token_ttl": "1h"}),
    )
    .await
    .unwrap();
    // Leases under two prefixes: auth/token/create/ (3) and auth/userpass/login/walker/ (2).
    for _ in 0..3 {
        root.create_token(&TokenRequest {
            policies: vec!["default".into()],
            ..TokenRequest::default()
        })
        .await
        .unwrap();
    }
    for _ in 0..2 {
        root.write(
            "auth/userpass/login/walker",
            &json!({"password": "walker-pw"}),
        )
        .await
        .unwrap();
    }
    let partial = common::policy_conn(
        &root,
        "lease-walk-partial",
        r#"
path "sys/leases/lookup" { capabilities = ["list", "sudo", "update"] }
path "sys/leases/lookup/*" { capabilities = ["list", "sudo"] }
path "sys/leases/lookup/auth/userpass/*" { capabilities = ["deny"] }
"#,
    )
    .await;
    let rootc = Connection::Vault(VaultConnection::from_client(root.clone()));
    let (opts, cancel) = (InventoryOptions::default(), CancellationToken::new());

    // Root sees both prefixes.
    let (all, r) = leases::collect(&rootc, "", &opts, &cancel).await.unwrap();
    assert_eq!(r.progress.prefixes_denied, 0);
    let userpass = all
        .iter()
        .filter(|l| l.id.starts_with("auth/userpass/login/walker/"))
        .count();
    assert_eq!(userpass, 2, "{all:?}");

    // The partial token: userpass is skipped and counted, the token leases are all there.
    let (seen, r) = leases::collect(&partial, "", &opts, &cancel).await.unwrap();
    assert_eq!(r.progress.prefixes_denied, 1, "{r:?}");
    assert_eq!(r.denied_prefixes, ["auth/userpass/"]);
    assert!(seen.iter().all(|l| !l.id.starts_with("auth/userpass/")));
    let token_leases = |v: &[leases::LeaseEntry]| {
        v.iter()
            .filter(|l| l.id.starts_with("auth/token/create/"))
            .count()
    };
    assert!(token_leases(&seen) >= 4, "{seen:?}"); // 3 + the partial token itself
    assert_eq!(token_leases(&seen), token_leases(&all));
    assert_eq!(seen.len() + userpass, all.len());

    // The policy the error message suggests is enough to walk everything.
    let hint = format!(
        "{}\npath \"sys/leases/lookup\" {{ capabilities = [\"update\"] }}",
        leases::LEASE_LIST_POLICY
    );
    let hinted = common::policy_conn(&root, "lease-walk-hint", &hint).await;
    let (everything, r) = leases::collect(&hinted, "", &opts, &cancel).await.unwrap();
    assert_eq!(r.progress.prefixes_denied, 0);
    assert!(
        everything.len() > all.len(),
        "the hinted policy does not walk everything"
    );

    // Denied at the root of the walk: still the clear error, not an empty view.
    let e = leases::collect(&partial, "auth/userpass", &opts, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
}
