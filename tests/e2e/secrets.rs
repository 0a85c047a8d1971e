//! The Secrets explorer end to end against a real OpenBao, with a token that may list and read
//! `secret/` except `secret/locked/`: mounts grouped by engine, the lazily loaded tree (a
//! locked folder shows a lock, an empty mount shows "empty", a 300-secret folder keeps only the
//! visible rows in the DOM), breadcrumbs and the vault CLI form, the secret view with masked
//! keys, revealing one key and its auto-hide. The revealed value must not reach any file or
//! log the app writes. Screenshots under target/e2e-shots/secrets-*.png.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::json;

use super::harness::{assert_no_leak, AppSession, Display};
use super::{new_profile, save_and_connect};

const TOKEN: &str = "e2eSECRETStoken0b7e55d1";
const VALUE_SENTINEL: &str = "e2e-VALUE-sentinel-93c4e1";

const POLICY: &str = r#"
path "secret/metadata/*" { capabilities = ["list", "read"] }
path "secret/data/*" { capabilities = ["read", "create", "update", "patch"] }
path "secret/subkeys/*" { capabilities = ["read"] }
path "secret/metadata/locked/*" { capabilities = ["deny"] }
path "kv1/*" { capabilities = ["list", "read"] }
path "legacy/*" { capabilities = ["list", "read"] }
path "secret/delete/*" { capabilities = ["update"] }
path "secret/undelete/*" { capabilities = ["update"] }
path "secret/destroy/*" { capabilities = ["update"] }
"#;

async fn seed(bao: &vaultdeck_vault::dev::DevServer) {
    let c = bao.client().unwrap();
    c.write("sys/policies/acl/e2e-secrets", &json!({ "policy": POLICY }))
        .await
        .unwrap();
    c.write(
        "auth/token/create",
        &json!({"id": TOKEN, "policies": ["e2e-secrets"], "ttl": "1h"}),
    )
    .await
    .unwrap();
    c.write(
        "sys/mounts/kv1",
        &json!({"type": "kv", "options": {"version": "1"}}),
    )
    .await
    .unwrap();
    c.write(
        "sys/mounts/legacy",
        &json!({"type": "kv", "options": {"version": "1"}}),
    )
    .await
    .unwrap();
    c.write("legacy/svc", &json!({"user": "u1"})).await.unwrap();
    let put = |path: String, data: serde_json::Value| {
        let c = c.clone();
        async move {
            c.write(&format!("secret/data/{path}"), &json!({ "data": data }))
                .await
                .unwrap();
        }
    };
    put(
        "app/db".into(),
        json!({"username": "app", "password": VALUE_SENTINEL}),
    )
    .await;
    put("app/api".into(), json!({"key": "k-1"})).await;
    put("locked/hidden".into(), json!({"x": "1"})).await;
    put(
        "teams/platform/prod/eu/payments/stripe".into(),
        json!({"token": "t"}),
    )
    .await;
    for i in 0..300 {
        put(format!("big/item-{i:03}"), json!({"n": i.to_string()})).await;
    }
}

async fn read(bao: &vaultdeck_vault::dev::DevServer, path: &str) -> serde_json::Value {
    let body = bao
        .client()
        .unwrap()
        .read(&format!("secret/data/{path}"))
        .await
        .unwrap()
        .unwrap();
    body["data"]["data"].clone()
}

async fn gone(s: &AppSession, css: &str, within: Duration) {
    let deadline = Instant::now() + within;
    while s.client.find(Locator::Css(css)).await.is_ok() {
        assert!(Instant::now() < deadline, "{css} is still there");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn count(s: &AppSession, css: &str) -> usize {
    s.client.find_all(Locator::Css(css)).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_explorer_scenario() {
    // Revealed values hide after 3 s in this run (the app inherits the driver's environment).
    std::env::set_var("VAULTDECK_REVEAL_SECS", "3");
    std::env::set_var("VAULTDECK_CLIPBOARD_SECS", "3");
    let bao = vaultdeck_testkit::openbao_dev();
    seed(&bao).await;
    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();

    let s = AppSession::start(&display, keyring.bus_address()).await;
    new_profile(&s, "Secrets", &bao.addr).await;
    s.fill("#profile-credential", TOKEN).await;
    save_and_connect(&s, "Secrets").await;
    s.wait_text("#status-connection", "Secrets").await;
    s.click("#nav-secrets").await;

    // An empty KV v1 mount shows "empty".
    s.click("button.mount-open[aria-label=\"Browse kv1/\"]")
        .await;
    s.wait_for(".tree-row[data-kind=\"empty\"]").await;

    // A KV v1 secret: names need a read, so one explicit "reveal all"; it hides itself again.
    s.click("button.mount-open[aria-label=\"Browse legacy/\"]")
        .await;
    s.click(".tree-row[data-path=\"legacy/svc\"] .tree-name")
        .await;
    s.click("#reveal-all").await;
    s.wait_text(".secret-key[data-key=\"user\"] .revealed-value", "u1")
        .await;
    gone(&s, ".revealed-value", Duration::from_secs(10)).await;
    s.wait_for(".secret-key[data-key=\"user\"] .masked").await;

    // Browse secret/: expand app/ (lazy), the locked folder shows a lock.
    s.click("button.mount-open[aria-label=\"Browse secret/\"]")
        .await;
    s.click(".tree-row[data-path=\"secret/app/\"] .tree-toggle")
        .await;
    s.wait_for(".tree-row[data-path=\"secret/app/db\"]").await;
    s.click(".tree-row[data-path=\"secret/locked/\"] .tree-toggle")
        .await;
    s.wait_for(".tree-row[data-kind=\"locked\"][data-path=\"secret/locked/\"]")
        .await;
    s.screenshot("secrets-01-tree").await;

    // Open the secret: breadcrumbs, CLI form, masked keys.
    s.click(".tree-row[data-path=\"secret/app/db\"] .tree-name")
        .await;
    s.wait_for("#secret-view .secret-key[data-key=\"password\"] .masked")
        .await;
    s.wait_for("#secret-breadcrumbs .crumb[data-path=\"secret/app/db\"]")
        .await;
    let cli = s
        .wait_for("#secret-cli-path")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(cli, "vault kv get -mount=secret app/db");
    let view = s.wait_text("#secret-view", "username").await;
    assert!(!view.contains(VALUE_SENTINEL));

    // Reveal one key; it hides itself again.
    s.click(".secret-key[data-key=\"password\"] .reveal-btn")
        .await;
    s.wait_text(
        ".secret-key[data-key=\"password\"] .revealed-value",
        VALUE_SENTINEL,
    )
    .await;
    assert_eq!(count(&s, ".revealed-value").await, 1);
    s.screenshot("secrets-02-revealed").await;
    gone(&s, ".revealed-value", Duration::from_secs(10)).await;
    s.wait_for(".secret-key[data-key=\"password\"] .masked")
        .await;

    // Copy: done in the backend, the value never enters the page; the clipboard is cleared
    // after the timeout because it still holds our value.
    s.click(".secret-key[data-key=\"password\"] .copy-btn")
        .await;
    s.wait_text("#copy-status", "Copied password").await;
    assert_eq!(count(&s, ".revealed-value").await, 0);
    std::env::set_var("DISPLAY", &display.name);
    let mut clip = arboard::Clipboard::new().unwrap();
    assert_eq!(clip.get_text().unwrap_or_default(), VALUE_SENTINEL);
    let deadline = Instant::now() + Duration::from_secs(10);
    while clip.get_text().unwrap_or_default() == VALUE_SENTINEL {
        assert!(Instant::now() < deadline, "the clipboard was not cleared");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    drop(clip);

    // Edit: the raw JSON view shows the draft; a second writer makes the save conflict, the
    // draft stays and the changed keys are listed (values masked); overwrite with a new CAS.
    s.click("#secret-edit").await;
    s.wait_for(".draft-row[data-key=\"username\"] .draft-value")
        .await;
    s.fill(".draft-row[data-key=\"username\"] .draft-value", "app2")
        .await;
    s.click("#editor-mode-json").await;
    let raw = s
        .wait_for("#draft-json")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(raw.contains("\"username\": \"app2\""), "{raw}");
    s.click("#editor-mode-kv").await;
    bao.client()
        .unwrap()
        .write(
            "secret/data/app/db",
            &json!({"data": {"username": "app", "password": VALUE_SENTINEL, "extra": "e"}}),
        )
        .await
        .unwrap();
    s.click("#secret-save").await;
    s.wait_for("#secret-conflict .conflict-added[data-key=\"extra\"]")
        .await;
    let conflict = s.wait_text("#secret-conflict", "extra").await;
    assert!(!conflict.contains(VALUE_SENTINEL));
    let kept = s
        .wait_for(".draft-row[data-key=\"username\"] .draft-value")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(kept, "app2", "the draft survives the conflict");
    s.wait_text("#secret-current-version", "2").await;
    s.screenshot("secrets-03-conflict").await;
    s.click("#secret-overwrite").await;
    s.wait_text("#secret-current-version", "3").await;
    let stored = read(&bao, "app/db").await;
    assert_eq!(stored["username"], "app2");
    assert!(stored.get("extra").is_none());

    // Patch one key (a JSON number) with CAS.
    s.fill("#patch-key", "port").await;
    s.fill("#patch-value", "5432").await;
    s.click("#patch-json").await;
    s.click("#patch-save").await;
    s.wait_text("#patch-message", "Saved as version 4").await;
    s.wait_text("#secret-current-version", "4").await;
    let stored = read(&bao, "app/db").await;
    assert_eq!(stored["port"], 5432);
    assert_eq!(stored["username"], "app2");
    s.screenshot("secrets-04-patched").await;

    // Versions: diff v1 → v4 (names only), roll back to v1 (a new version 5, with CAS),
    // destroy v2 after typing the path.
    s.wait_for("#secret-versions .version-row[data-version=\"1\"]")
        .await;
    s.click("#diff-run").await;
    s.wait_for("#version-diff .diff-added[data-key=\"port\"]")
        .await;
    s.wait_for("#version-diff .diff-changed[data-key=\"username\"]")
        .await;
    let diff = s.wait_text("#version-diff", "username").await;
    assert!(!diff.contains(VALUE_SENTINEL) && !diff.contains("app2"));
    s.screenshot("secrets-05-diff").await;
    s.click(".version-row[data-version=\"1\"] .rollback-btn")
        .await;
    s.wait_text("#secret-current-version", "5").await;
    let stored = read(&bao, "app/db").await;
    assert_eq!(stored["username"], "app");
    assert!(stored.get("port").is_none());
    s.click(".version-row[data-version=\"2\"] .destroy-btn")
        .await;
    let go = s.wait_for("#confirm-go").await;
    assert!(
        go.attr("disabled").await.unwrap().is_some(),
        "confirm needs the path"
    );
    s.fill("#confirm-path", "secret/app/db").await;
    s.click("#confirm-go").await;
    s.wait_for(".version-row[data-version=\"2\"][data-state=\"destroyed\"]")
        .await;
    s.screenshot("secrets-06-rolled-back").await;

    // Walk the mount (progress streams through the channel), then search: `/` focuses the box,
    // a fuzzy query finds the deep key, Enter opens it; a glob counts the big folder's items.
    s.click("#walk-start").await;
    s.wait_for("#walk-progress[data-done=\"true\"]").await;
    s.wait_text("#walk-progress", "303 secrets found, 1 folders denied")
        .await;
    s.wait_text("#walk-report", "done").await;
    s.client
        .execute(
            "document.activeElement && document.activeElement.blur();",
            vec![],
        )
        .await
        .unwrap();
    s.client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("/")
        .await
        .unwrap();
    let focused = s
        .client
        .execute(
            "return document.activeElement ? document.activeElement.id : '';",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        focused,
        json!("secret-search"),
        "`/` focuses the search box"
    );
    s.fill("#secret-search", "stripe").await;
    s.wait_for(".search-hit[data-path=\"secret/teams/platform/prod/eu/payments/stripe\"]")
        .await;
    s.screenshot("secrets-07-search").await;
    s.wait_for("#secret-search")
        .await
        .send_keys("\u{E007}")
        .await
        .unwrap();
    s.wait_text("#secret-view-path", "payments/stripe").await;
    s.wait_for("#secret-view .secret-key[data-key=\"token\"]")
        .await;
    s.click("#search-mode").await;
    s.click("#search-mode option[value=\"glob\"]").await;
    s.fill("#secret-search", "secret/big/item-1*").await;
    s.wait_text("#search-summary", "of 100 matches").await;

    // A 300-secret folder: the tree knows all rows, the DOM holds only the visible ones.
    s.click("#secret-breadcrumbs .crumb[data-path=\"secret/\"]")
        .await;
    s.click(".tree-row[data-path=\"secret/big/\"] .tree-name")
        .await;
    s.wait_for("#secret-tree[data-rows=\"300\"]").await;
    let rendered = count(&s, "#secret-tree .tree-row").await;
    assert!(rendered < 60, "{rendered} rows in the DOM");
    s.client
        .execute(
            "document.getElementById('secret-tree').scrollTop = 32 * 250;",
            vec![],
        )
        .await
        .unwrap();
    s.wait_for(".tree-row[data-path=\"secret/big/item-260\"]")
        .await;
    assert!(count(&s, "#secret-tree .tree-row").await < 60);
    s.screenshot("secrets-08-virtualized").await;

    let dir = s.finish().await;
    assert_no_leak(dir.path(), &[VALUE_SENTINEL, TOKEN]);
    drop(display);
    drop(keyring);
}
