//! The Leases screen end to end against a real OpenBao with a PostgreSQL database engine (the
//! demo seed issues 3 `database/creds/readonly` leases): scan with streamed progress, the
//! dashboard cards and the SVG expiry timeline, renewing one lease past the role's max TTL
//! (the capped warning), revoke-prefix confirmed by typing the prefix, the token inventory,
//! and dynamic database credentials whose password stays in the backend: masked, revealed by
//! an audited reveal that hides itself, copied to the clipboard by the backend and cleared.
//! Screenshots under target/e2e-shots/leases-*.png.

use std::time::Duration;

use serde_json::json;

use super::harness::{assert_no_leak, AppSession, Display};
use super::peers::connect_token_profile;

const TOKEN: &str = "e2eLEASEStoken4c2d9e10";

/// Rows of database leases (the seed's logins add token leases too).
async fn db_rows(s: &AppSession) -> usize {
    s.count("tr.lease-row[data-lease-id^=\"database/creds/readonly/\"]")
        .await
}

fn first_number(text: &str) -> u64 {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number in {text:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leases_scenario() {
    let bao = vaultdeck_testkit::openbao_dev();
    let pg = vaultdeck_testkit::Postgres::start();
    let client = bao.client().unwrap();
    vaultdeck_vault::demo::seed(&client, Some(&pg.pg_target()))
        .await
        .unwrap();
    client
        .write(
            "auth/token/create",
            &json!({"id": TOKEN, "policies": ["root"], "ttl": "1h"}),
        )
        .await
        .unwrap();
    let victim = client
        .write(
            "auth/token/create",
            &json!({"policies": ["default"], "ttl": "1h", "display_name": "victim"}),
        )
        .await
        .unwrap()
        .unwrap();
    let victim_accessor = victim["auth"]["accessor"].as_str().unwrap().to_owned();
    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();

    let s = AppSession::start(&display, keyring.bus_address()).await;
    // Revealed passwords hide and copied ones are cleared after 3 s in this run: the app reads
    // the timeouts from its settings file at each reveal (no process-wide environment variable,
    // so scenarios running side by side do not affect each other).
    s.write_config(
        "settings.toml",
        "[secrets]\nreveal_secs = 3\nclipboard_secs = 3\n",
    );
    connect_token_profile(&s, "Leases", &bao.addr, TOKEN).await;
    s.click("#nav-leases").await;

    // Scan: progress streams, then the dashboard and the timeline.
    s.click("#lease-scan").await;
    s.wait_for("#lease-progress[data-done=\"true\"]").await;
    let total: u64 = first_number(&s.wait_text("#lease-total", "Leases").await);
    assert!(total >= 3, "total {total}");
    s.wait_text(
        "#lease-per-role li[data-key=\"database/creds/readonly\"] .count",
        "3",
    )
    .await;
    s.wait_text("#lease-per-mount li[data-key=\"database/\"] .count", "3")
        .await;
    let soon = first_number(&s.wait_text("#lease-expiring-1h", "within").await);
    assert!(soon >= 3, "expiring within 1h: {soon}");
    s.wait_for("#lease-timeline .lease-bar[data-label=\"< 1h\"]")
        .await;
    assert_eq!(db_rows(&s).await, 3);
    s.screenshot("leases-01-dashboard").await;

    // Renew one past the role's 24 h max TTL: granted, with the capped warning.
    s.fill("#lease-increment", "200000").await;
    s.click("tr.lease-row[data-lease-id^=\"database/\"] .lease-renew")
        .await;
    s.wait_text("#lease-status", "capped").await;
    s.screenshot("leases-02-renewed").await;

    // Revoke-prefix: preview count, typed confirmation, then nothing left.
    s.fill("#revoke-prefix", "database/creds/readonly").await;
    s.wait_text("#revoke-prefix-preview", "3 lease(s)").await;
    let confirm = s.wait_for("#revoke-prefix-confirm").await;
    assert_eq!(
        confirm.attr("disabled").await.unwrap().as_deref(),
        Some("true"),
        "revoke-prefix must stay disabled until the prefix is typed"
    );
    s.fill("#revoke-prefix-input", "database/creds/readonly")
        .await;
    s.screenshot("leases-03-revoke-prefix-typed").await;
    s.click("#revoke-prefix-confirm").await;
    s.wait_text("#revoke-prefix-result", "Revoked 3 lease(s)")
        .await;
    s.click("#lease-scan").await;
    s.wait_for("#lease-progress[data-done=\"true\"]").await;
    s.wait_for("#lease-total").await;
    assert_eq!(db_rows(&s).await, 0);
    let left = s
        .count("#lease-per-role li[data-key=\"database/creds/readonly\"]")
        .await;
    assert!(
        left == 0,
        "database leases still listed after revoke-prefix"
    );
    s.screenshot("leases-04-after-revoke").await;

    // Tokens: own TTL, the inventory, root tokens, revoke one by accessor.
    s.wait_text("#own-token-ttl", "This session's token").await;
    s.click("#tokens-load").await;
    let victim_row = format!("tr.token-row[data-accessor=\"{victim_accessor}\"]");
    s.wait_for(&victim_row).await;
    s.click("#tokens-root").await;
    s.wait_text("#tokens-table", "root").await;
    assert!(
        s.count(&victim_row).await == 0,
        "a non-root token is listed under root tokens"
    );
    s.click("#tokens-root").await;
    s.click(&format!("{victim_row} .token-revoke")).await;
    s.click(&format!("{victim_row} .token-revoke-confirm"))
        .await;
    s.wait_text("#toasts", "Revoked the token with accessor")
        .await;
    s.screenshot("leases-05-tokens").await;
    let gone = client
        .write(
            "auth/token/lookup-accessor",
            &json!({ "accessor": victim_accessor }),
        )
        .await;
    assert!(gone.is_err(), "the revoked token is still there");

    // Dynamic credentials: issue (the response carries no password: it stays in the backend),
    // reveal (audited, hides itself after 3 s), reveal again, copy from the backend (cleared
    // after 3 s), revoke.
    s.fill("#creds-role", "readonly").await;
    s.click("#creds-issue").await;
    let lease = s
        .wait_text("#creds-lease", "database/creds/readonly/")
        .await;
    let user = s.wait_text("#creds-username", "v").await;
    s.wait_for("#creds-password.masked").await;
    assert_eq!(s.count(".revealed-value").await, 0);
    s.click("#creds-reveal").await;
    let password = s
        .wait_for("#creds-password.revealed-value")
        .await
        .text()
        .await
        .unwrap();
    let password = password.trim().to_owned();
    assert!(password.len() >= 8, "password too short to be real");
    assert!(!password.contains('•'), "the masked placeholder is shown");
    s.screenshot("leases-06-creds-revealed").await;
    // Hidden after the reveal timeout, and gone from the page.
    s.wait_gone("#creds-password.revealed-value", Duration::from_secs(10))
        .await;
    s.wait_for("#creds-password.masked").await;
    let page = s.client.source().await.unwrap();
    assert!(
        !page.contains(&password),
        "the password stays in the page after it hid"
    );
    // Still held by the backend: a second reveal shows the same password.
    s.click("#creds-reveal").await;
    let again = s
        .wait_for("#creds-password.revealed-value")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(again.trim(), password);
    s.wait_gone("#creds-password.revealed-value", Duration::from_secs(10))
        .await;
    // Copy: done in the backend, the value never enters the page; cleared after 3 s because
    // the clipboard still holds it.
    s.click("#creds-copy").await;
    s.wait_text("#creds-copy-status", "Copied the password")
        .await;
    assert_eq!(s.count(".revealed-value").await, 0);
    assert_eq!(display.clipboard_text(), password);
    s.screenshot("leases-07-creds-copied").await;
    display
        .wait_clipboard_cleared(&password, Duration::from_secs(10))
        .await;
    let role_exists = |name: &str| {
        let sql = format!("SELECT count(*) FROM pg_roles WHERE rolname = '{name}';");
        pg.psql(&sql).unwrap().trim() == "1"
    };
    assert!(
        role_exists(user.trim()),
        "the issued database user is missing"
    );
    s.click("#creds-revoke").await;
    s.wait_text("#creds-status", "Revoked the credentials")
        .await;
    assert!(s.wait_text("#creds-status", &user).await.contains(&user));
    assert_eq!(s.count("#creds-view").await, 0);
    assert!(
        !role_exists(user.trim()),
        "the database user is still there after revoking its credentials"
    );
    s.screenshot("leases-08-creds-revoked").await;

    let dir = s.finish().await;
    assert_no_leak(dir.path(), &[TOKEN, &password]);
    // Reveal and copy are audited as reveals of that lease (without the password).
    let audit = std::fs::read_to_string(dir.path().join("data/audit.jsonl")).unwrap();
    let reveals: Vec<&str> = audit
        .lines()
        .filter(|l| l.contains("\"creds.reveal\"") && l.contains(lease.trim()))
        .collect();
    assert_eq!(reveals.len(), 3, "reveal, reveal, copy: {reveals:?}");
    assert!(reveals.iter().any(|l| l.contains("clipboard")));
}
