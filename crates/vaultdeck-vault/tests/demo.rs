//! demo::seed against fresh OpenBao dev servers (and PostgreSQL for the database engine).

use std::time::Instant;

use vaultdeck_testkit::{openbao_dev, Postgres};
use vaultdeck_vault::demo::{self, DEMO_PASSWORD, DEMO_POLICIES, DEMO_USERNAME};
use vaultdeck_vault::SecretString;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_fills_a_fresh_dev_server() {
    let dev = openbao_dev();
    let root = dev.client().unwrap();
    let started = Instant::now();
    let summary = demo::seed(&root, None).await.unwrap();
    eprintln!("seeded in {:?}: {summary:?}", started.elapsed());

    let kv2 = root.scan("secret/metadata/").await.unwrap();
    let secrets = kv2.iter().filter(|k| !k.ends_with('/')).count();
    assert!(secrets >= 250, "only {secrets} KV v2 secrets");
    assert_eq!(secrets, summary.kv2_secrets);
    assert!(summary.kv2_versions > summary.kv2_secrets);
    assert!(
        kv2.iter().any(|k| k == "apps/payments/ledger/db"),
        "{:?}",
        &kv2[..5]
    );
    assert_eq!(
        root.list("secret/metadata/apps").await.unwrap().len(),
        8,
        "one folder per team"
    );

    // Versions and custom metadata are there.
    let meta = root
        .read("secret/metadata/apps/payments/ledger/db")
        .await
        .unwrap()
        .unwrap();
    assert!(meta["data"]["current_version"].as_u64().unwrap() >= 1);
    let with_meta = kv2
        .iter()
        .filter(|k| !k.ends_with('/'))
        .take(12)
        .collect::<Vec<_>>();
    let mut found_custom = false;
    let mut found_versions = false;
    for k in with_meta {
        let m = root
            .read(&format!("secret/metadata/{k}"))
            .await
            .unwrap()
            .unwrap();
        found_custom |= m["data"]["custom_metadata"]["owner"].is_string();
        found_versions |= m["data"]["current_version"].as_u64().unwrap() > 1;
    }
    assert!(found_custom && found_versions);

    let kv1 = root.scan("kv1/").await.unwrap();
    assert_eq!(kv1.len(), 20);
    assert_eq!(summary.kv1_secrets, 20);

    let policies = root.list("sys/policies/acl").await.unwrap();
    for p in DEMO_POLICIES {
        assert!(
            policies.contains(&p.to_string()),
            "{p} missing: {policies:?}"
        );
    }

    // The demo user logs in and reads an app secret, but not infra.
    let login = root
        .without_token()
        .login_userpass(
            "userpass",
            DEMO_USERNAME,
            &SecretString::from(DEMO_PASSWORD),
        )
        .await
        .unwrap();
    assert!(login.policies.contains(&"app-read".to_owned()));
    let demo_user = root.without_token().with_token(login.client_token);
    let secret = demo_user
        .read("secret/data/apps/search/indexer/api")
        .await
        .unwrap()
        .unwrap();
    assert!(secret["data"]["data"]["api_key"]
        .as_str()
        .unwrap()
        .starts_with("sk_live_"));
    let err = demo_user
        .read("secret/data/infra/aws/prod/deploy")
        .await
        .unwrap_err();
    assert_eq!(err.code(), vaultdeck_types::ErrorCode::PermissionDenied);

    // The AppRole role exists with its policy.
    let role = root.read("auth/approle/role/ci").await.unwrap().unwrap();
    assert_eq!(role["data"]["token_policies"][0], "ci-deployer");
    assert!(!summary.database_configured);

    // Seeding again is harmless (mounts and auth methods are reused).
    demo::seed(&root, None).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_with_postgres_issues_database_leases() {
    let pg = Postgres::start();
    let dev = openbao_dev();
    let root = dev.client().unwrap();
    let started = Instant::now();
    let summary = demo::seed(&root, Some(&pg.pg_target())).await.unwrap();
    eprintln!("seeded with postgres in {:?}", started.elapsed());
    assert!(summary.database_configured);
    assert_eq!(summary.database_leases, 3);

    let leases = root
        .list("sys/leases/lookup/database/creds/readonly/")
        .await
        .unwrap();
    assert_eq!(leases.len(), 3, "{leases:?}");

    let creds = root.read("database/creds/readonly").await.unwrap().unwrap();
    assert!(creds["lease_id"]
        .as_str()
        .unwrap()
        .starts_with("database/creds/readonly/"));
    assert_eq!(creds["lease_duration"], 3600);
    let user = creds["data"]["username"].as_str().unwrap();
    let exists = pg
        .psql(&format!(
            "select count(*) from pg_roles where rolname = '{user}'"
        ))
        .unwrap();
    assert_eq!(exists, "1", "role {user} not created in PostgreSQL");
    let dynamic = pg
        .psql("select count(*) from pg_roles where rolname like 'v-%'")
        .unwrap();
    assert_eq!(dynamic, "4");

    // Revoking the prefix drops the roles again.
    root.write(
        "sys/leases/revoke-prefix/database/creds/readonly",
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    let left = pg
        .psql("select count(*) from pg_roles where rolname like 'v-%'")
        .unwrap();
    assert_eq!(left, "0");
}
