//! Break-glass window: opened from the main window's launcher, a session with the typed
//! operator name, unsealing a raft OpenBao (5 shares, threshold 3) share by share, and an
//! emergency seal confirmed by the typed cluster name. The shares and the root token must
//! appear nowhere in what the app wrote or printed.

use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use vaultdeck_testkit::OpenBaoRaft;

use crate::harness::{assert_no_leak, AppSession, Display};

async fn switch_to_window_titled(s: &AppSession, breakglass: bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        for h in s.client.windows().await.unwrap() {
            s.client.switch_to_window(h).await.unwrap();
            let found = s
                .client
                .find(fantoccini::Locator::Css("#breakglass-banner"))
                .await
                .is_ok();
            let main = s
                .client
                .find(fantoccini::Locator::Css("#nav-connections"))
                .await
                .is_ok();
            if (breakglass && found) || (!breakglass && main) {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "window (breakglass={breakglass}) not found"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

// Known issue: with WebKitWebDriver the scenario gets as far as starting the session in the
// second window (operator shown), then a WebDriver command on that window (the node-table
// lookup or the screenshot) never answers, so the test would hang; run it explicitly with
// `--ignored` while investigating. The ACL is covered by tests/ipc.rs.
#[ignore = "WebKitWebDriver hangs on the second window after the session starts"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breakglass_window_unseal_and_seal() {
    let bao = OpenBaoRaft::start();
    let init = bao.client().init(5, 3).await.expect("init 5/3");
    let shares: Vec<String> = init
        .keys
        .iter()
        .map(|k| k.expose_secret().to_owned())
        .collect();
    let root = init.root_token.expose_secret().to_owned();
    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();

    let s = AppSession::start(&display, keyring.bus_address()).await;
    // A token profile for the (sealed) cluster, saved with the root token.
    s.click("#new-profile").await;
    s.fill("#profile-name", "lab").await;
    s.fill("#profile-address", bao.addr()).await;
    s.fill("#profile-credential", &root).await;
    s.click("#profile-save").await;
    s.wait_for(".profile-row[data-profile-name=\"lab\"]").await;

    s.click("#nav-breakglass").await;
    s.click("#open-breakglass").await;
    switch_to_window_titled(&s, true).await;
    s.wait_text("#breakglass-banner", "recorded").await;
    s.fill("#bg-operator", "alice").await;
    s.click("#bg-start").await;
    s.wait_text("#bg-session-operator", "alice").await;
    let node = format!("tr.bg-node[data-address=\"{}\"]", bao.addr());
    s.wait_text(&format!("{node} .bg-sealed"), "yes").await;
    s.screenshot("breakglass-01-session").await;

    for (i, share) in shares[..3].iter().enumerate() {
        s.fill("#bg-share", share).await;
        s.click("#bg-unseal").await;
        if i < 2 {
            s.wait_text("#bg-message", &format!("{}/3", i + 1)).await;
        }
        let v = s.wait_for("#bg-share").await.prop("value").await.unwrap();
        assert_eq!(
            v.as_deref(),
            Some(""),
            "the share field is cleared after submit"
        );
    }
    s.wait_text("#bg-message", "Continue on the next node")
        .await;
    s.wait_text(&format!("{node} .bg-sealed"), "no").await;
    s.screenshot("breakglass-02-unsealed").await;

    // Sealing needs a token: connect the profile in the main window once the node is active.
    switch_to_window_titled(&s, false).await;
    s.click("#nav-connections").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        s.click(".profile-row[data-profile-name=\"lab\"] .connect-btn")
            .await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        if s.client
            .find(fantoccini::Locator::Css("#identity-name"))
            .await
            .is_ok()
        {
            break;
        }
        assert!(Instant::now() < deadline, "could not connect after unseal");
    }
    switch_to_window_titled(&s, true).await;
    s.fill("#bg-seal-confirm", "lab").await;
    s.click("#bg-seal").await;
    s.wait_text("#bg-message", "is sealed").await;
    s.wait_text(&format!("{node} .bg-sealed"), "yes").await;
    s.screenshot("breakglass-03-sealed").await;
    s.click("#bg-end").await;
    s.wait_text("#bg-message", "Session ended").await;
    s.wait_for("#bg-operator").await;
    let dir = s.finish().await;

    let mut sentinels: Vec<&str> = shares.iter().map(String::as_str).collect();
    sentinels.push(&root);
    assert_no_leak(dir.path(), &sentinels);
}
