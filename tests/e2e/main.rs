//! End-to-end: the built app under Xvfb, driven through WebDriver (tauri-driver +
//! WebKitWebDriver), against a real OpenBao and a real Secret Service. Each scenario saves a
//! screenshot under target/e2e-shots/ and ends with a leak check: the sentinel token and
//! password must appear nowhere in what the app wrote or printed.

mod aws;
mod azure;
mod breakglass;
mod harness;
mod leases;
mod peers;
mod policies;
mod profiles_kinds;
mod rotations;
mod rotations_cloud;
mod secrets;

use harness::{assert_no_leak, AppSession, Display};
use serde_json::json;

const TOKEN_SENTINEL: &str = "e2eTOKENsentinel7f3a91c2";
const PASSWORD_SENTINEL: &str = "e2e-PASSWORD-sentinel-5d81";
const SENTINELS: &[&str] = &[TOKEN_SENTINEL, PASSWORD_SENTINEL];

async fn seed(bao: &vaultdeck_vault::dev::DevServer) {
    let client = bao.client().unwrap();
    client
        .write(
            "sys/policies/acl/e2e-read",
            &json!({"policy": "path \"secret/data/*\" { capabilities = [\"read\", \"list\"] }"}),
        )
        .await
        .unwrap();
    client
        .write(
            "auth/token/create",
            &json!({"id": TOKEN_SENTINEL, "policies": ["e2e-read"], "ttl": "1h",
                    "display_name": "e2e"}),
        )
        .await
        .unwrap();
    client
        .write("sys/auth/userpass", &json!({"type": "userpass"}))
        .await
        .unwrap();
    client
        .write(
            "auth/userpass/users/e2e-user",
            &json!({"password": PASSWORD_SENTINEL, "token_policies": ["e2e-read"]}),
        )
        .await
        .unwrap();
}

async fn new_profile(s: &AppSession, name: &str, addr: &str) {
    s.click("#new-profile").await;
    s.fill("#profile-name", name).await;
    s.fill("#profile-address", addr).await;
}

async fn save_and_connect(s: &AppSession, name: &str) {
    s.click("#profile-save").await;
    let row = format!(".profile-row[data-profile-name=\"{name}\"]");
    s.wait_for(&row).await;
    s.click(&format!("{row} .connect-btn")).await;
}

async fn theme(s: &AppSession) -> String {
    s.client
        .execute(
            "return document.documentElement.dataset.theme || '';",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_app_scenarios() {
    let bao = vaultdeck_testkit::openbao_dev();
    seed(&bao).await;
    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();
    let mut written = Vec::new();

    // 1. Token profile: connect, identity, mounts, status bar, theme switch.
    let s = AppSession::start(&display, keyring.bus_address()).await;
    new_profile(&s, "Local token", &bao.addr).await;
    s.fill("#profile-credential", TOKEN_SENTINEL).await;
    save_and_connect(&s, "Local token").await;
    s.wait_text("#identity-name", "token-e2e").await;
    s.wait_text("#identity-policies", "e2e-read").await;
    s.wait_for("#mounts-list li.mount[data-path=\"secret/\"]")
        .await;
    s.wait_text("#status-connection", "Local token").await;
    s.wait_text("#status-seal", "unsealed").await;
    s.screenshot("01-token-connected").await;
    let before = theme(&s).await;
    s.click("#theme-toggle").await;
    let after = theme(&s).await;
    assert!(
        !after.is_empty() && after != before,
        "theme did not switch: {before:?} -> {after:?}"
    );
    s.screenshot("02-theme-switched").await;
    written.push(s.finish().await);

    // 2. Userpass sign-in.
    let s = AppSession::start(&display, keyring.bus_address()).await;
    new_profile(&s, "Local userpass", &bao.addr).await;
    s.wait_for("#profile-auth-method")
        .await
        .select_by_value("userpass")
        .await
        .unwrap();
    s.fill("#profile-username", "e2e-user").await;
    s.fill("#profile-credential", PASSWORD_SENTINEL).await;
    save_and_connect(&s, "Local userpass").await;
    s.wait_text("#identity-name", "userpass-e2e-user").await;
    s.wait_for("#mounts-list li.mount").await;
    s.screenshot("03-userpass-connected").await;
    written.push(s.finish().await);

    // 3. Wrong password: a clear error, the profile is kept.
    let s = AppSession::start(&display, keyring.bus_address()).await;
    new_profile(&s, "Wrong password", &bao.addr).await;
    s.wait_for("#profile-auth-method")
        .await
        .select_by_value("userpass")
        .await
        .unwrap();
    s.fill("#profile-username", "e2e-user").await;
    s.fill("#profile-credential", "not-the-password").await;
    save_and_connect(&s, "Wrong password").await;
    s.wait_text("#connect-error", "invalid username or password")
        .await;
    s.wait_for(".profile-row[data-profile-name=\"Wrong password\"]")
        .await;
    s.screenshot("04-wrong-password").await;
    written.push(s.finish().await);

    for dir in &written {
        assert_no_leak(dir.path(), SENTINELS);
    }
}
