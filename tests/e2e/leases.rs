//! The Leases screen end to end against a real OpenBao with a PostgreSQL database engine (the
//! demo seed issues 3 `database/creds/readonly` leases): scan with streamed progress, the
//! dashboard cards and the SVG expiry timeline, renewing one lease past the role's max TTL
//! (the capped warning), and revoke-prefix confirmed by typing the prefix. Screenshots under
//! target/e2e-shots/leases-*.png.

use serde_json::json;

use super::harness::{assert_no_leak, AppSession, Display};
use super::{new_profile, save_and_connect};

const TOKEN: &str = "e2eLEASEStoken4c2d9e10";

/// Rows of database leases (the seed's logins add token leases too).
async fn db_rows(s: &AppSession) -> usize {
    s.client
        .find_all(fantoccini::Locator::Css(
            "tr.lease-row[data-lease-id^=\"database/creds/readonly/\"]",
        ))
        .await
        .unwrap()
        .len()
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
    // Revealed passwords hide after 3 s in this run (the app inherits the driver's environment).
    std::env::set_var("VAULTDECK_REVEAL_SECS", "3");
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
    new_profile(&s, "Leases", &bao.addr).await;
    s.fill("#profile-credential", TOKEN).await;
    save_and_connect(&s, "Leases").await;
    s.wait_text("#status-connection", "Leases").await;
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
        .client
        .find_all(fantoccini::Locator::Css(
            "#lease-per-role li[data-key=\"database/creds/readonly\"]",
        ))
        .await
        .unwrap();
    assert!(
        left.is_empty(),
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
        s.client
            .find_all(fantoccini::Locator::Css(&victim_row))
            .await
            .unwrap()
            .is_empty(),
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

    // Dynamic credentials: issue, reveal (auto-hides and is forgotten), revoke.
    s.fill("#creds-role", "readonly").await;
    s.click("#creds-issue").await;
    s.wait_text("#creds-lease", "database/creds/readonly/")
        .await;
    let user = s.wait_text("#creds-username", "v").await;
    s.wait_for("#creds-password.masked").await;
    s.click("#creds-reveal").await;
    let password = s
        .wait_for("#creds-password.revealed-value")
        .await
        .text()
        .await
        .unwrap();
    assert!(password.len() >= 8, "password too short to be real");
    s.screenshot("leases-06-creds-revealed").await;
    s.wait_text("#creds-password", "forgotten").await;
    s.click("#creds-revoke").await;
    s.wait_text("#creds-status", "Revoked the credentials")
        .await;
    assert!(s.wait_text("#creds-status", &user).await.contains(&user));
    s.screenshot("leases-07-creds-revoked").await;

    let dir = s.finish().await;
    assert_no_leak(dir.path(), &[TOKEN, password.trim()]);
}
