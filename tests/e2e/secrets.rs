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
use super::peers::connect_token_profile;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_explorer_scenario() {
    let bao = vaultdeck_testkit::openbao_dev();
    seed(&bao).await;
    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();

    let s = AppSession::start(&display, keyring.bus_address()).await;
    // Revealed values hide and copied ones are cleared after 3 s in this run: the app reads
    // the timeouts from its settings file at each reveal (no process-wide environment
    // variable, so scenarios running side by side do not affect each other).
    s.write_config(
        "settings.toml",
        "[secrets]\nreveal_secs = 3\nclipboard_secs = 3\n",
    );
    connect_token_profile(&s, "Secrets", &bao.addr, TOKEN).await;
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
    s.wait_gone(".revealed-value", Duration::from_secs(10))
        .await;
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
    assert_eq!(s.count(".revealed-value").await, 1);
    s.screenshot("secrets-02-revealed").await;
    s.wait_gone(".revealed-value", Duration::from_secs(10))
        .await;
    s.wait_for(".secret-key[data-key=\"password\"] .masked")
        .await;

    // Copy: done in the backend, the value never enters the page; the clipboard is cleared
    // after the timeout because it still holds our value.
    s.click(".secret-key[data-key=\"password\"] .copy-btn")
        .await;
    s.wait_text("#copy-status", "Copied password").await;
    assert_eq!(s.count(".revealed-value").await, 0);
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
    let rendered = s.count("#secret-tree .tree-row").await;
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
    assert!(s.count("#secret-tree .tree-row").await < 60);
    s.screenshot("secrets-08-virtualized").await;

    let dir = s.finish().await;
    assert_no_leak(dir.path(), &[VALUE_SENTINEL, TOKEN]);
    drop(display);
    drop(keyring);
}

// ------------------------------------------------------------------------------------------
// Settings timeouts, per-key reveal timers, new secret, copy as JSON / commands, namespaces,
// key-name search, and a walk cancelled on a big tree behind a slow link.

const TOKEN2: &str = "e2eEXPLORERtoken4c1f9a02";
const VALUE2: &str = "e2e-VALUE2-sentinel-71ab3c";

/// Everything except `scan` (so the walk LISTs folder by folder), across namespaces.
const POLICY2: &str = r#"
path "*" { capabilities = ["create", "read", "update", "patch", "delete", "list", "sudo"] }
"#;

/// A TCP relay to OpenBao that holds every chunk of the server's answers for `delay_ms`
/// (0 = pass through): a slow link, so a walk takes long enough to cancel from the UI.
/// (Also used by the AWS scenario, in front of moto.)
pub(crate) struct SlowLink {
    pub(crate) addr: String,
    delay_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl SlowLink {
    pub(crate) fn start(upstream: &str) -> SlowLink {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let delay_ms = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let delay = delay_ms.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(server) = std::net::TcpStream::connect(&upstream) else {
                    continue;
                };
                let (mut c_read, mut s_write) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut c_read, &mut s_write);
                    let _ = s_write.shutdown(std::net::Shutdown::Write);
                });
                let (mut s_read, mut c_write, delay) = (server, client, delay.clone());
                std::thread::spawn(move || {
                    let mut buf = [0_u8; 16 * 1024];
                    loop {
                        let n = match s_read.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        let d = delay.load(Ordering::Relaxed);
                        if d > 0 {
                            std::thread::sleep(Duration::from_millis(d));
                        }
                        if c_write.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = c_write.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        SlowLink { addr, delay_ms }
    }

    pub(crate) fn set_delay(&self, ms: u64) {
        self.delay_ms
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }
}

async fn seed2(bao: &vaultdeck_vault::dev::DevServer) {
    let c = bao.client().unwrap();
    c.write(
        "sys/policies/acl/e2e-explorer",
        &json!({ "policy": POLICY2 }),
    )
    .await
    .unwrap();
    c.write(
        "auth/token/create",
        &json!({"id": TOKEN2, "policies": ["e2e-explorer"], "ttl": "1h"}),
    )
    .await
    .unwrap();
    c.write(
        "secret/data/app/db",
        &json!({"data": {"username": "app", "password": VALUE2}}),
    )
    .await
    .unwrap();
    c.write(
        "secret/data/app/api",
        &json!({"data": {"api_key": "k", "region": "eu"}}),
    )
    .await
    .unwrap();
    // A namespace with its own KV mount and secret.
    c.write("sys/namespaces/e2e-ns", &json!({})).await.unwrap();
    let ns = c.with_namespace("e2e-ns");
    ns.write("sys/mounts/nskv", &json!({"type": "kv-v2"}))
        .await
        .unwrap();
    ns.write("nskv/data/team/cfg", &json!({"data": {"ns_key": "v"}}))
        .await
        .unwrap();
    // A big tree for the walk: 12 × 12 × 12 folders, one secret in each leaf (1,885 folders).
    c.write("sys/mounts/bigkv", &json!({"type": "kv-v2"}))
        .await
        .unwrap();
    let mut paths = Vec::new();
    for a in 0..12 {
        for b in 0..12 {
            for d in 0..12 {
                paths.push(format!("bigkv/data/a{a}/b{b}/c{d}/leaf"));
            }
        }
    }
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in paths.chunks(paths.len().div_ceil(16)) {
        let (c, chunk) = (c.clone(), chunk.to_vec());
        tasks.spawn(async move {
            for p in chunk {
                c.write(&p, &json!({"data": {"v": "1"}})).await.unwrap();
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
}

async fn attr(s: &AppSession, css: &str, name: &str) -> String {
    s.wait_for(css)
        .await
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_explorer_more_scenario() {
    // The timeouts come from Settings in this run (VAULTDECK_REVEAL_SECS /
    // VAULTDECK_CLIPBOARD_SECS must not be set in the test's environment).
    let bao = vaultdeck_testkit::openbao_dev();
    seed2(&bao).await;
    let link = SlowLink::start(&bao.addr);
    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();

    let s = AppSession::start(&display, keyring.bus_address()).await;
    connect_token_profile(&s, "Explorer", &link.addr, TOKEN2).await;

    // 1. Settings: reveal 4 s, clipboard 3 s, saved in the config dir.
    s.click("#nav-settings").await;
    s.wait_for("#secret-timeouts-effective").await;
    let saved_reveal = s
        .wait_for("#reveal-secs")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(saved_reveal, "30", "the default before anything is saved");
    s.fill("#reveal-secs", "0").await;
    s.click("#secret-timeouts-save").await;
    s.wait_text("#secret-timeouts-message", "between 1 and 600")
        .await;
    s.fill("#reveal-secs", "4").await;
    s.fill("#clipboard-secs", "3").await;
    s.click("#secret-timeouts-save").await;
    s.wait_text("#secret-timeouts-message", "Saved").await;
    // Another scenario of this binary may set VAULTDECK_REVEAL_SECS for the whole process
    // (an override the app then shows); use the timeout in force, 4 s without it.
    let effective = s.wait_text("#secret-timeouts-effective", "In force").await;
    let reveal_secs: u64 = if s
        .client
        .find(Locator::Css("#secret-timeouts-env"))
        .await
        .is_ok()
    {
        effective
            .split("reveal ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap()
    } else {
        assert!(
            effective.contains("reveal 4 s, clipboard 3 s"),
            "{effective}"
        );
        4
    };
    s.screenshot("secrets-more-01-settings").await;
    let saved = std::fs::read_to_string(s.dir.path().join("config/settings.toml")).unwrap();
    assert!(
        saved.contains("reveal_secs = 4") && saved.contains("clipboard_secs = 3"),
        "{saved}"
    );

    // Each revealed key hides itself after its own timeout (4 s): B revealed 2 s after A is
    // still shown when A hides.
    s.click("#nav-secrets").await;
    s.click("button.mount-open[aria-label=\"Browse secret/\"]")
        .await;
    s.click(".tree-row[data-path=\"secret/app/\"] .tree-toggle")
        .await;
    s.click(".tree-row[data-path=\"secret/app/api\"] .tree-name")
        .await;
    s.wait_for(".secret-key[data-key=\"region\"] .reveal-btn")
        .await;
    s.click(".secret-key[data-key=\"api_key\"] .reveal-btn")
        .await;
    s.wait_for(".secret-key[data-key=\"api_key\"] .revealed-value")
        .await;
    let a_shown = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    s.click(".secret-key[data-key=\"region\"] .reveal-btn")
        .await;
    s.wait_for(".secret-key[data-key=\"region\"] .revealed-value")
        .await;
    s.screenshot("secrets-more-02-two-reveals").await;
    s.wait_gone(
        ".secret-key[data-key=\"api_key\"] .revealed-value",
        Duration::from_secs(8),
    )
    .await;
    let a_hidden = a_shown.elapsed();
    assert!(
        a_hidden >= Duration::from_millis(reveal_secs * 1000 - 500),
        "A hid after {a_hidden:?}"
    );
    assert_eq!(
        s.count(".secret-key[data-key=\"region\"] .revealed-value")
            .await,
        1,
        "B must still be shown when A hides (its own timer)"
    );
    s.wait_gone(
        ".secret-key[data-key=\"region\"] .revealed-value",
        Duration::from_secs(8),
    )
    .await;

    // 2. New secret: validated path, key/value + raw JSON editor; never overwrites.
    s.click("#new-secret-open").await;
    let path_value = s
        .wait_for("#new-secret-path")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(path_value, "secret/");
    s.wait_for("#new-secret-path-hint").await;
    assert!(
        s.wait_for("#new-secret-create")
            .await
            .attr("disabled")
            .await
            .unwrap()
            .is_some(),
        "Create is disabled until the path names a secret"
    );
    s.fill("#new-secret-path", "secret/fresh/one").await;
    s.wait_gone("#new-secret-path-hint", Duration::from_secs(5))
        .await;
    s.fill(
        ".new-secret .draft-row[data-index=\"0\"] .draft-key",
        "user",
    )
    .await;
    s.fill(
        ".new-secret .draft-row[data-index=\"0\"] .draft-value",
        "u1",
    )
    .await;
    s.click("#new-mode-json").await;
    s.fill("#new-draft-json", "{\"user\": \"u1\", \"port\": 5432}")
        .await;
    s.click("#new-mode-kv").await;
    s.wait_for(".new-secret .draft-row[data-index=\"1\"]").await;
    s.screenshot("secrets-more-03-new-secret").await;
    s.click("#new-secret-create").await;
    s.wait_text("#secret-view-path", "secret/fresh/one").await;
    let stored = read(&bao, "fresh/one").await;
    assert_eq!(stored, json!({"user": "u1", "port": 5432}));

    // Creating at an existing path: a clear error, nothing written, the draft kept.
    s.click("#new-secret-open").await;
    s.fill("#new-secret-path", "secret/app/db").await;
    s.fill(
        ".new-secret .draft-row[data-index=\"0\"] .draft-key",
        "password",
    )
    .await;
    s.fill(
        ".new-secret .draft-row[data-index=\"0\"] .draft-value",
        "overwrite-attempt",
    )
    .await;
    s.click("#new-secret-create").await;
    s.wait_text("#new-secret-error", "already exists").await;
    assert_eq!(attr(&s, "#new-secret-error", "data-code").await, "Conflict");
    let kept = s
        .wait_for(".new-secret .draft-row[data-index=\"0\"] .draft-value")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(kept, "overwrite-attempt", "the draft is kept");
    assert_eq!(read(&bao, "app/db").await["password"], VALUE2);
    s.screenshot("secrets-more-04-create-conflict").await;
    s.click("#new-secret-cancel").await;
    s.click("button.mount-open[aria-label=\"Browse secret/\"]")
        .await;
    // app/ is still expanded from before.
    s.wait_for(".tree-row[data-path=\"secret/app/\"]").await;

    // 3. Copy the whole secret as JSON (backend clipboard, cleared after 3 s), and the read
    // commands (no token in them).
    s.click(".tree-row[data-path=\"secret/app/db\"] .tree-name")
        .await;
    s.wait_for(".secret-key[data-key=\"password\"] .masked")
        .await;
    s.click("#copy-secret-json").await;
    s.wait_text("#copy-status", "Copied all 2 keys").await;
    assert_eq!(s.count(".revealed-value").await, 0);
    let clip = display.clipboard_text();
    let parsed: serde_json::Value = serde_json::from_str(&clip).unwrap();
    assert_eq!(parsed, json!({"username": "app", "password": VALUE2}));
    display
        .wait_clipboard_cleared(&clip, Duration::from_secs(10))
        .await;
    s.click("#copy-curl-command").await;
    s.wait_text("#copy-status", "curl").await;
    let curl = display.clipboard_text();
    assert!(
        curl.contains("$VAULT_TOKEN") && curl.contains("/v1/secret/data/app/db"),
        "{curl}"
    );
    assert!(!curl.contains(TOKEN2));
    s.click("#copy-cli-command").await;
    s.wait_text("#secret-cli-command", "vault kv get -mount=secret app/db")
        .await;
    s.screenshot("secrets-more-05-copy").await;

    // 5. Key-name search (opt-in, confirmed, streamed).
    s.click("button.mount-open[aria-label=\"Browse secret/\"]")
        .await;
    s.click("#key-search-enable").await;
    s.wait_text("#key-search-note", "never values").await;
    s.fill("#key-search-text", "PASS").await;
    s.click("#key-search-start").await;
    s.wait_text("#key-search-confirm", "reads every secret under secret/")
        .await;
    s.screenshot("secrets-more-06-key-search-confirm").await;
    s.click("#key-search-confirm-yes").await;
    s.wait_for("#key-search-progress[data-done=\"true\"]").await;
    s.wait_for("#key-search-results .search-hit[data-path=\"secret/app/db\"]")
        .await;
    assert_eq!(s.count("#key-search-results .search-hit").await, 1);
    s.wait_text("#key-search-progress", "1 with matching keys")
        .await;
    s.screenshot("secrets-more-07-key-search").await;
    s.click("#key-search-enable").await;

    // 4. Namespaces: pick e2e-ns, the explorer re-roots on its mounts; the CLI command carries it.
    s.click("#namespace-select").await;
    s.click("#namespace-select option[value=\"e2e-ns\"]").await;
    s.click("button.mount-open[aria-label=\"Browse nskv/\"]")
        .await;
    s.click(".tree-row[data-path=\"nskv/team/\"] .tree-toggle")
        .await;
    s.click(".tree-row[data-path=\"nskv/team/cfg\"] .tree-name")
        .await;
    s.wait_for(".secret-key[data-key=\"ns_key\"]").await;
    s.click("#copy-cli-command").await;
    s.wait_text("#secret-cli-command", "-namespace=e2e-ns")
        .await;
    s.wait_text("#secret-curl-command", "X-Vault-Namespace: e2e-ns")
        .await;
    s.screenshot("secrets-more-08-namespace").await;
    assert_eq!(
        s.count("button.mount-open[aria-label=\"Browse bigkv/\"]")
            .await,
        0
    );
    s.click("#namespace-select").await;
    s.click("#namespace-select option[value=\"\"]").await;
    s.wait_for("button.mount-open[aria-label=\"Browse bigkv/\"]")
        .await;

    // 6. Walk cancel on a big tree behind a slow link: progress grows, then stops at cancel.
    link.set_delay(25);
    s.click("button.mount-open[aria-label=\"Browse bigkv/\"]")
        .await;
    s.click("#walk-start").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let keys: u64 = attr(&s, "#walk-progress", "data-keys")
            .await
            .parse()
            .unwrap_or(0);
        if keys >= 20 {
            break;
        }
        assert!(Instant::now() < deadline, "the walk found nothing");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.click("#walk-cancel").await;
    s.wait_text("#walk-report", "cancelled").await;
    let at_cancel: u64 = attr(&s, "#walk-progress", "data-keys")
        .await
        .parse()
        .unwrap();
    assert!(
        at_cancel < 1728,
        "the walk finished before the cancel: {at_cancel}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let later: u64 = attr(&s, "#walk-progress", "data-keys")
        .await
        .parse()
        .unwrap();
    assert_eq!(at_cancel, later, "no progress after the cancel");
    s.wait_text("#walk-report", "partial results").await;
    s.screenshot("secrets-more-09-walk-cancelled").await;

    // The key-name search streams and is cancelable too.
    s.click("#key-search-enable").await;
    s.fill("#key-search-text", "v").await;
    s.click("#key-search-start").await;
    s.click("#key-search-confirm-yes").await;
    s.wait_text("#key-search-progress", "secrets found").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !s
        .wait_for("#key-search-progress")
        .await
        .text()
        .await
        .unwrap_or_default()
        .contains("1728 secrets found")
    {
        assert!(
            Instant::now() < deadline,
            "the search's walk did not finish"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.click("#key-search-cancel").await;
    s.wait_text("#key-search-progress", "cancelled (partial results)")
        .await;
    let found = s.count("#key-search-results .search-hit").await;
    assert!(found < 1728, "the search finished before the cancel");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(found, s.count("#key-search-results .search-hit").await);
    s.screenshot("secrets-more-10-key-search-cancelled").await;
    link.set_delay(0);

    let dir = s.finish().await;
    let audit = std::fs::read_to_string(dir.path().join("data/audit.jsonl")).unwrap();
    assert!(audit.contains("\"kv.create\""), "{audit}");
    assert!(audit.contains("copied as JSON"), "{audit}");
    assert!(audit.contains("\"kv.search.keys\""), "{audit}");
    assert!(audit.contains("\"settings.write\""), "{audit}");
    assert_no_leak(dir.path(), &[VALUE2, TOKEN2]);
    drop(display);
    drop(keyring);
}
