//! The Azure Key Vault screen end to end against the project's Key Vault test server (real
//! HTTPS with its own CA, a real device-code sign-in against the fake Entra ID; the refresh
//! token goes to the real Secret Service): open an Azure connection, recover a soft-deleted
//! secret, edit a key's rotation policy. Each step is checked against the server through the
//! provider client, and ends with the leak check (the secret's value appears nowhere in what
//! the app wrote or printed). Screenshots under target/e2e-shots/azure-*.png.

use std::collections::BTreeMap;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use vaultdeck_testkit::{AzureKeyVault, AzureServerConfig};
use vaultdeck_types::{AzKeySpec, AzRotationAction, AzSecretUpdate};

use super::harness::{assert_no_leak, AppSession, Display};
use super::peers::{azure_client, write_azure_device_code_profile};

const VALUE: &str = "e2eAZUREvalue-5c1d93";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_recover_and_rotation_policy() {
    // The "user" approves each device-code sign-in after 4 polls (about 4 s), so the app's
    // sign-in dialog is up long enough to check it.
    let server = Arc::new(AzureKeyVault::start_with(AzureServerConfig {
        device_pending_polls: 4,
        ..Default::default()
    }));
    let kv = azure_client(&server);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let in_10_days = now + 10 * 86_400;
    kv.set_secret(
        "app-secret",
        &SecretString::from("app-value".to_string()),
        &AzSecretUpdate {
            expires: Some(Some(in_10_days)),
            content_type: Some("text/plain".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    kv.set_secret(
        "old-token",
        &SecretString::from(VALUE.to_string()),
        &AzSecretUpdate::default(),
    )
    .await
    .unwrap();
    kv.delete_secret("old-token").await.unwrap();
    kv.wait_secret_deleted("old-token").await.unwrap();
    for name in ["gone-secret", "purge-me"] {
        kv.set_secret(
            name,
            &SecretString::from("old-gone-value".to_string()),
            &AzSecretUpdate::default(),
        )
        .await
        .unwrap();
        kv.delete_secret(name).await.unwrap();
        kv.wait_secret_deleted(name).await.unwrap();
    }
    kv.create_key(
        "signing-key",
        &AzKeySpec::Rsa { size: 2048 },
        &BTreeMap::new(),
    )
    .await
    .unwrap();
    server.seed_certificate("web-cert", "www.example.test", 365);

    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();
    let s = AppSession::start(&display, keyring.bus_address()).await;
    // A device-code profile (no credential to type); the test server approves the sign-in.
    write_azure_device_code_profile(&s, "az-e2e", "Azure test", &server);

    // Short reveal and clipboard timeouts, read by the app at each reveal.
    s.write_config(
        "settings.toml",
        "[secrets]\nreveal_secs = 3\nclipboard_secs = 3\n",
    );

    // 1. Open the Azure connection from the Azure screen.
    eprintln!("azure e2e: nav");
    s.click("#nav-azure").await;
    eprintln!("azure e2e: connect");
    // The device-code dialog shows the code the server issued; Cancel ends that sign-in.
    s.click("button[aria-label=\"Connect Azure test\"]").await;
    s.wait_for("#az-device-code").await;
    let code = s.wait_text("#az-user-code", "").await;
    assert_eq!(
        server.issued_user_codes().last(),
        Some(&code),
        "dialog code"
    );
    let uri = input_value(&s, "#az-verification-uri").await;
    assert_eq!(uri, format!("{}/devicelogin", server.authority_host()));
    s.display_shot("azure-00-device-code").await;
    s.click("button[aria-label=\"Cancel sign-in\"]").await;
    s.wait_text("#az-message", "cancelled").await;
    assert_eq!(s.count("#az-device-code").await, 0);
    // Sign in again; the server approves after its pending polls.
    s.click("button[aria-label=\"Connect Azure test\"]").await;
    let code2 = s.wait_text("#az-user-code", "").await;
    assert_ne!(code2, code);
    assert_eq!(server.issued_user_codes().last(), Some(&code2));
    eprintln!("azure e2e: address");
    s.wait_text("#az-vault-address", &server.vault_url()).await;
    s.wait_text("table[aria-label=\"Secrets\"]", "app-secret")
        .await;
    s.wait_text("table[aria-label=\"Secrets\"]", "expiring")
        .await;
    s.wait_text("table[aria-label=\"Deleted secrets\"]", "old-token")
        .await;
    s.wait_text("table[aria-label=\"Keys\"]", "signing-key")
        .await;
    s.wait_text("table[aria-label=\"Certificates\"]", "web-cert")
        .await;
    eprintln!("azure e2e: shot1");
    s.display_shot("azure-01-connected").await;

    // 1b. Values are masked until revealed; a reveal hides itself after the timeout.
    let cell = "td[aria-label=\"Value of app-secret\"]";
    let masked = s.wait_text(cell, "\u{2022}").await;
    assert!(!masked.contains("app-value"), "{masked}");
    s.click("button[aria-label=\"Reveal app-secret\"]").await;
    s.wait_text(cell, "app-value").await;
    s.wait_for("button[aria-label=\"Hide app-secret\"]").await;
    eprintln!("azure e2e: shot revealed");
    s.display_shot("azure-01b-revealed").await;
    let hidden = s.wait_text(cell, "\u{2022}").await;
    assert!(!hidden.contains("app-value"), "{hidden}");
    // Copy: the backend writes the clipboard and clears it after 3 s if it still holds it.
    s.click("button[aria-label=\"Copy app-secret\"]").await;
    s.wait_text("#az-message", "Copied app-secret").await;
    assert!(!s.wait_text(cell, "\u{2022}").await.contains("app-value"));
    assert_eq!(display.clipboard_text(), "app-value");
    s.display_shot("azure-01c-copied").await;
    display
        .wait_clipboard_cleared("app-value", std::time::Duration::from_secs(10))
        .await;

    // 2. Recover the deleted secret.
    eprintln!("azure e2e: recover");
    s.click("button[aria-label=\"Recover old-token\"]").await;
    s.wait_text("#az-message", "Recovered old-token").await;
    s.wait_text("table[aria-label=\"Secrets\"]", "old-token")
        .await;
    eprintln!("azure e2e: shot2");
    s.display_shot("azure-02-recovered").await;
    assert_eq!(
        kv.reveal_secret("old-token", None)
            .await
            .unwrap()
            .expose_secret(),
        VALUE
    );

    // 3. Edit the key's rotation policy.
    s.click("button[aria-label=\"Rotation policy of signing-key\"]")
        .await;
    s.wait_for("section[aria-label=\"Rotation policy editor\"]")
        .await;
    s.fill("input[aria-label=\"Expiry time\"]", "P1Y").await;
    s.fill("input[aria-label=\"Rotate after creation\"]", "P90D")
        .await;
    s.fill("input[aria-label=\"Notify before expiry\"]", "P30D")
        .await;
    s.click("button[aria-label=\"Save rotation policy\"]").await;
    s.wait_text("#az-message", "Saved the rotation policy of signing-key")
        .await;
    eprintln!("azure e2e: shot3");
    s.display_shot("azure-03-rotation-policy").await;
    let policy = kv.rotation_policy("signing-key").await.unwrap();
    assert_eq!(policy.expiry_time.as_deref(), Some("P1Y"));
    assert!(policy
        .actions
        .iter()
        .any(|a| a.action == AzRotationAction::Rotate
            && a.time_after_create.as_deref() == Some("P90D")));
    assert!(policy
        .actions
        .iter()
        .any(|a| a.action == AzRotationAction::Notify
            && a.time_before_expiry.as_deref() == Some("P30D")));

    // 4. A bad duration is refused with a clear message; the draft stays.
    s.fill("input[aria-label=\"Rotate after creation\"]", "90 days")
        .await;
    s.click("button[aria-label=\"Save rotation policy\"]").await;
    s.wait_text("#az-message", "ISO 8601").await;
    s.display_shot("azure-04-policy-invalid").await;
    assert_eq!(
        kv.rotation_policy("signing-key").await.unwrap().actions,
        policy.actions
    );

    // 5. Set a value on a soft-deleted name: 409, the draft stays, Recover is offered; after
    // recovering, the same draft saves a new version.
    s.fill("input[aria-label=\"Secret name\"]", "gone-secret")
        .await;
    s.fill("input[aria-label=\"New value\"]", "fresh-value-77")
        .await;
    s.click("button[aria-label=\"Save new value\"]").await;
    s.wait_text("#az-message", "deleted but recoverable").await;
    let kept = input_value(&s, "input[aria-label=\"New value\"]").await;
    assert_eq!(kept, "fresh-value-77", "the draft was lost");
    s.display_shot("azure-05-set-conflict").await;
    s.click("button[aria-label=\"Recover gone-secret to set its value\"]")
        .await;
    s.wait_text("#az-message", "Recovered gone-secret").await;
    s.click("button[aria-label=\"Save new value\"]").await;
    s.wait_text("#az-message", "Saved a new version of gone-secret")
        .await;
    assert_eq!(
        kv.reveal_secret("gone-secret", None)
            .await
            .unwrap()
            .expose_secret(),
        "fresh-value-77"
    );
    assert_eq!(kv.secret_versions("gone-secret").await.unwrap().len(), 2);

    // 5b. Roll gone-secret back to its older version, through the preview.
    let mut vers = kv.secret_versions("gone-secret").await.unwrap();
    vers.sort_by_key(|v| v.created);
    let (old_v, cur_v) = (
        vers[0].version.clone().unwrap(),
        vers[1].version.clone().unwrap(),
    );
    s.click("button[aria-label=\"Versions of gone-secret\"]")
        .await;
    s.click(&format!(
        "button[aria-label=\"Roll back gone-secret to {old_v}\"]"
    ))
    .await;
    let pv = s.wait_text("#az-rollback-preview", "value differs").await;
    assert!(pv.contains(&cur_v) && pv.contains(&old_v), "{pv}");
    s.display_shot("azure-05b-rollback-preview").await;
    // Nothing changed by the preview.
    assert_eq!(kv.secret_versions("gone-secret").await.unwrap().len(), 2);
    s.click("button[aria-label=\"Confirm rollback\"]").await;
    s.wait_text("#az-message", "Rolled back gone-secret").await;
    assert_eq!(
        kv.reveal_secret("gone-secret", None)
            .await
            .unwrap()
            .expose_secret(),
        "old-gone-value"
    );
    assert_eq!(kv.secret_versions("gone-secret").await.unwrap().len(), 3);

    // 6. Purge needs the name typed; a wrong name is refused and nothing is purged.
    s.click("button[aria-label=\"Purge purge-me\"]").await;
    s.fill("input[aria-label=\"Type the name to purge\"]", "purge-m")
        .await;
    s.click("button[aria-label=\"Purge for good\"]").await;
    s.wait_text("#az-message", "type the secret's name").await;
    assert!(kv
        .list_deleted_secrets()
        .await
        .unwrap()
        .iter()
        .any(|d| d.props.name == "purge-me"));
    s.fill("input[aria-label=\"Type the name to purge\"]", "purge-me")
        .await;
    s.display_shot("azure-06-purge-confirm").await;
    s.click("button[aria-label=\"Purge for good\"]").await;
    s.wait_text("#az-message", "Purged purge-me for good").await;
    assert!(!kv
        .list_deleted_secrets()
        .await
        .unwrap()
        .iter()
        .any(|d| d.props.name == "purge-me"));

    // 7. Attributes of app-secret: disable it, a new expiry, content type, tags. A malformed
    // date is refused in the form and nothing is sent.
    eprintln!("azure e2e: attributes");
    s.click("button[aria-label=\"Attributes of app-secret\"]")
        .await;
    s.wait_for("section[aria-label=\"Secret attributes\"]")
        .await;
    s.fill("input[aria-label=\"Expires\"]", "2031-02-31").await;
    s.click("button[aria-label=\"Save attributes\"]").await;
    s.wait_text("section[aria-label=\"Secret attributes\"]", "is not a date")
        .await;
    let before = kv.secret_props("app-secret", None).await.unwrap();
    assert_eq!(before.expires, Some(in_10_days));
    let in_5_days = now + 5 * 86_400;
    let day5 = in_5_days - in_5_days.rem_euclid(86_400);
    let day5_text = ymd(day5);
    s.fill("input[aria-label=\"Expires\"]", &day5_text).await;
    s.fill("input[aria-label=\"Content type\"]", "application/json")
        .await;
    // Two lines typed into the textarea (set as a user's typing does: value, then `input`).
    set_text(
        &s,
        "textarea[aria-label=\"Tags\"]",
        "env=prod\nowner=team-a",
    )
    .await;
    s.click("input[aria-label=\"Enabled\"]").await;
    s.display_shot("azure-07-attributes").await;
    s.click("button[aria-label=\"Save attributes\"]").await;
    s.wait_text("#az-message", "Saved the attributes of app-secret")
        .await;
    // A disabled version cannot be read (403 SecretDisabled), not even its properties: the
    // versions list still carries them.
    let after = kv
        .secret_versions("app-secret")
        .await
        .unwrap()
        .into_iter()
        .max_by_key(|v| v.created)
        .unwrap();
    assert!(!after.enabled);
    assert_eq!(after.expires, Some(day5));
    assert_eq!(after.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        after.tags,
        BTreeMap::from([
            ("env".to_string(), "prod".to_string()),
            ("owner".to_string(), "team-a".to_string())
        ])
    );
    // A disabled secret: the service answers 403 SecretDisabled, shown as "disabled".
    s.wait_text(cell, "disabled").await;
    s.click("button[aria-label=\"Reveal app-secret\"]").await;
    s.wait_text("#az-message", "app-secret is disabled").await;
    let cls = s
        .wait_for("#az-message")
        .await
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(cls.contains("ok") && !cls.contains("error"), "{cls}");
    assert!(!s.wait_text(cell, "disabled").await.contains("app-value"));
    // The "expiring within N days" filter: 7 days keeps app-secret (5 days), hides old-token.
    s.fill("input[aria-label=\"Expiring within days\"]", "7")
        .await;
    let t = s
        .wait_text("table[aria-label=\"Secrets\"]", "app-secret")
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut t = t;
    while t.contains("old-token") && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        t = s
            .wait_text("table[aria-label=\"Secrets\"]", "app-secret")
            .await;
    }
    assert!(!t.contains("old-token"), "{t}");
    assert!(t.contains(&day5_text), "{t}");
    s.display_shot("azure-07b-disabled-expiring").await;
    set_text(&s, "input[aria-label=\"Expiring within days\"]", "").await;
    s.wait_text("table[aria-label=\"Secrets\"]", "old-token")
        .await;
    // Enable it again from its versions list.
    let ver = after.version.clone().unwrap();
    s.click("button[aria-label=\"Versions of app-secret\"]")
        .await;
    s.click(&format!(
        "button[aria-label=\"Attributes of app-secret version {ver}\"]"
    ))
    .await;
    s.click("input[aria-label=\"Enabled\"]").await;
    s.click("button[aria-label=\"Save attributes\"]").await;
    s.wait_text("#az-message", "): enabled").await;
    assert!(kv.secret_props("app-secret", None).await.unwrap().enabled);
    assert_eq!(
        kv.reveal_secret("app-secret", None)
            .await
            .unwrap()
            .expose_secret(),
        "app-value"
    );

    // 8. Keys: create an EC key, rotate signing-key now, list its versions.
    eprintln!("azure e2e: keys");
    s.fill("input[aria-label=\"Key name\"]", "ec-key").await;
    select(&s, "select[aria-label=\"Key type\"]", "EC").await;
    select(&s, "select[aria-label=\"Curve\"]", "P-384").await;
    s.click("button[aria-label=\"Create key\"]").await;
    s.wait_text("#az-message", "Created key ec-key").await;
    let ec = kv.get_key("ec-key", None).await.unwrap();
    assert_eq!(ec.kty.as_deref(), Some("EC"));
    assert_eq!(ec.curve.as_deref(), Some("P-384"));
    s.wait_text("table[aria-label=\"Keys\"]", "ec-key").await;
    s.click("button[aria-label=\"Rotate signing-key now\"]")
        .await;
    s.wait_text("#az-message", "Rotated signing-key").await;
    let kvers = kv.key_versions("signing-key").await.unwrap();
    assert_eq!(kvers.len(), 2);
    s.click("button[aria-label=\"Versions of key signing-key\"]")
        .await;
    for k in &kvers {
        s.wait_text(
            "table[aria-label=\"Key versions table\"]",
            k.version.as_deref().unwrap(),
        )
        .await;
    }
    s.display_shot("azure-08-keys").await;

    // 9. Certificates (read-only): subject, issuer, versions.
    eprintln!("azure e2e: certificates");
    s.click("button[aria-label=\"Details of certificate web-cert\"]")
        .await;
    s.wait_text("#az-cert-subject", "www.example.test").await;
    let cert = kv.get_certificate("web-cert", None).await.unwrap();
    let issuer = s.wait_text("#az-cert-issuer", "").await;
    assert_eq!(Some(issuer.trim().to_string()), cert.issuer);
    s.wait_text(
        "table[aria-label=\"Certificate versions\"]",
        cert.version.as_deref().unwrap(),
    )
    .await;
    s.display_shot("azure-09-certificate").await;

    // 10. Backup to a new file (an existing file is never overwritten), restore from it.
    eprintln!("azure e2e: backup");
    let bdir = tempfile::tempdir().unwrap();
    let bfile = bdir.path().join("app-secret.kvbackup");
    s.fill("input[aria-label=\"Backup secret\"]", "app-secret")
        .await;
    s.fill("input[aria-label=\"Backup file\"]", bfile.to_str().unwrap())
        .await;
    s.click("button[aria-label=\"Back up secret\"]").await;
    s.wait_text("#az-message", "Backed up app-secret").await;
    let blob = std::fs::read(&bfile).unwrap();
    assert!(!blob.is_empty());
    s.click("button[aria-label=\"Back up secret\"]").await;
    s.wait_text("#az-message", "must not exist").await;
    assert_eq!(std::fs::read(&bfile).unwrap(), blob, "backup overwritten");
    kv.delete_secret("app-secret").await.unwrap();
    kv.wait_secret_deleted("app-secret").await.unwrap();
    kv.purge_secret_when_ready("app-secret").await.unwrap();
    s.fill(
        "input[aria-label=\"Restore file\"]",
        bfile.to_str().unwrap(),
    )
    .await;
    s.click("button[aria-label=\"Restore secret\"]").await;
    s.wait_text("#az-message", "Restored app-secret").await;
    s.display_shot("azure-10-restored").await;
    assert_eq!(
        kv.reveal_secret("app-secret", None)
            .await
            .unwrap()
            .expose_secret(),
        "app-value"
    );

    let dir = s.finish().await;
    let audit = std::fs::read_to_string(dir.path().join("data/audit.jsonl")).unwrap();
    assert!(
        audit.contains("az.update")
            && audit.contains("az.key.create")
            && audit.contains("az.key.rotate")
            && audit.contains("az.backup")
            && audit.contains("az.restore"),
        "{audit}"
    );
    assert!(
        audit.contains("az.recover")
            && audit.contains("az.key.policy")
            && audit.contains("az.reveal")
            && audit.contains("to the clipboard")
            && audit.contains("az.set")
            && audit.contains("az.purge")
            && audit.contains("az.rollback"),
        "{audit}"
    );
    assert_no_leak(dir.path(), &[VALUE]);
}

/// Disables or enables one version of key `name` from its versions list and waits until the
/// screen reports it and shows the row in its new state.
async fn set_key_version(s: &AppSession, name: &str, version: &str, enabled: bool) {
    let verb = if enabled { "Enable" } else { "Disable" };
    s.click(&format!(
        "button[aria-label=\"{verb} key {name} version {version}\"]"
    ))
    .await;
    s.wait_text(
        "#az-message",
        &format!("{verb}d key {name} version {version}"),
    )
    .await;
    s.wait_for(&format!(
        "tr[data-version=\"{version}\"][data-enabled=\"{enabled}\"]"
    ))
    .await;
}

/// Picks `value` in a `<select>` (sets it and fires `change`, as a user's pick does).
async fn select(s: &AppSession, css: &str, value: &str) {
    let el = s.wait_for(css).await;
    let arg = serde_json::to_value(&el).unwrap();
    s.client
        .execute(
            "arguments[0].value = arguments[1]; \
             arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            vec![arg, serde_json::json!(value)],
        )
        .await
        .unwrap();
}

/// The current `value` of a form field ("" when it has none).
async fn input_value(s: &AppSession, css: &str) -> String {
    s.wait_for(css)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// `YYYY-MM-DD` (UTC) of unix seconds, as the screen shows and takes dates.
fn ymd(ts: i64) -> String {
    let z = ts.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Sets a text field's whole value and fires `input` (WebKitWebDriver drops "\n" typed into
/// a textarea).
async fn set_text(s: &AppSession, css: &str, value: &str) {
    let el = s.wait_for(css).await;
    let arg = serde_json::to_value(&el).unwrap();
    s.client
        .execute(
            "arguments[0].value = arguments[1]; \
             arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            vec![arg, serde_json::json!(value)],
        )
        .await
        .unwrap();
}

/// The secret list streams in page by page (the server holds each page 600 ms and sends an
/// empty page with a nextLink before each continuation), with progress and Cancel; the names
/// go into the explorer's fuzzy search, whose Enter opens the secret; a key is created with
/// tags (a bad tag line is refused, nothing created, the draft kept); one key version is
/// disabled and enabled again. Each step is checked against the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_streamed_list_search_and_key_versions() {
    let server = Arc::new(AzureKeyVault::start_with(AzureServerConfig {
        page_delay: std::time::Duration::from_millis(600),
        ..Default::default()
    }));
    let kv = azure_client(&server);
    let value = SecretString::from(VALUE.to_string());
    // 62 secrets: 25 + (empty) + 25 + (empty) + 12 = 5 pages.
    let mut names: Vec<String> = (0..60).map(|i| format!("svc-{i:02}-token")).collect();
    names.extend(["prod-db-password", "staging-db-password"].map(String::from));
    for n in &names {
        kv.set_secret(n, &value, &AzSecretUpdate::default())
            .await
            .unwrap();
    }
    kv.create_key(
        "signing-key",
        &AzKeySpec::Rsa { size: 2048 },
        &BTreeMap::new(),
    )
    .await
    .unwrap();

    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();
    let s = AppSession::start(&display, keyring.bus_address()).await;
    write_azure_device_code_profile(&s, "az-e2e2", "Azure stream", &server);

    // 1. Connect: the first page's rows are on screen while the list is still running.
    s.click("#nav-azure").await;
    s.click("button[aria-label=\"Connect Azure stream\"]").await;
    let started = std::time::Instant::now();
    s.wait_for("#az-list-progress[data-done=\"false\"][data-count=\"25\"]")
        .await;
    s.wait_text("table[aria-label=\"Secrets\"]", "svc-00-token")
        .await;
    let rows = s.count("table[aria-label=\"Secrets\"] tbody tr").await;
    assert!(
        (1..62).contains(&rows),
        "{rows} rows while streaming (expected only the first pages)"
    );
    s.wait_for("#az-list-cancel").await;
    s.display_shot("azure-11-streaming").await;
    let done = s.wait_for("#az-list-progress[data-done=\"true\"]").await;
    let streamed_in = started.elapsed();
    let attr = |name: &'static str| {
        let done = done.clone();
        async move { done.attr(name).await.unwrap().unwrap_or_default() }
    };
    assert_eq!(attr("data-count").await, "62");
    assert_eq!(attr("data-pages").await, "5");
    assert_eq!(attr("data-empty-pages").await, "2");
    assert_eq!(attr("data-cancelled").await, "false");
    s.wait_text("#az-list-progress", "62 secrets in 5 pages (2 empty)")
        .await;
    let rows = s.count("table[aria-label=\"Secrets\"] tbody tr").await;
    assert_eq!(rows, 62);
    eprintln!("azure e2e 2: 62 secrets streamed in {streamed_in:?}");
    s.display_shot("azure-12-listed").await;

    // 2. Refresh, then cancel after the first page: the list stops, no further page is
    // requested, the partial list stays on screen.
    let lists_before = server
        .requests()
        .iter()
        .filter(|r| r.path == "/secrets")
        .count();
    s.click("#az-refresh").await;
    s.wait_for("#az-list-progress[data-done=\"false\"][data-count=\"25\"]")
        .await;
    s.click("#az-list-cancel").await;
    let done = s
        .wait_for("#az-list-progress[data-cancelled=\"true\"]")
        .await;
    let count: u64 = done
        .attr("data-count")
        .await
        .unwrap()
        .unwrap_or_default()
        .parse()
        .unwrap();
    assert!((25..62).contains(&count), "cancelled list has {count}");
    s.wait_text("#az-list-progress", "cancelled").await;
    tokio::time::sleep(std::time::Duration::from_millis(2000)).await;
    let lists_after = server
        .requests()
        .iter()
        .filter(|r| r.path == "/secrets")
        .count();
    assert!(
        lists_after - lists_before < 5,
        "the cancelled list went on: {} page requests",
        lists_after - lists_before
    );
    s.display_shot("azure-13-cancelled").await;
    // A full list again, for the search below.
    s.click("#az-refresh").await;
    s.wait_for("#az-list-progress[data-done=\"true\"][data-count=\"62\"]")
        .await;

    // 3. Fuzzy search over the streamed names; Enter opens the secret (its versions).
    s.fill("#secret-search", "prdbpw").await;
    let hits = s.wait_text("#search-results", "prod-db-password").await;
    assert!(!hits.contains("svc-"), "{hits}");
    s.wait_for("#secret-search")
        .await
        .send_keys("\u{E007}")
        .await
        .unwrap();
    s.wait_text(
        "section[aria-label=\"Secret versions\"]",
        "Versions of prod-db-password",
    )
    .await;
    s.wait_for("tr.selected[data-secret=\"prod-db-password\"]")
        .await;
    // The opened secret's versions are scrolled into view (they render below a long table).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let visible = s
            .client
            .execute(
                "const r = document.querySelector('#az-versions').getBoundingClientRect(); \
                 return r.top < window.innerHeight && r.bottom > 0;",
                vec![],
            )
            .await
            .unwrap();
        if visible == serde_json::json!(true) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the opened secret's versions are off screen"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    s.display_shot("azure-14-search-opened").await;

    // 3b. Soft-delete a secret from its row: Cancel changes nothing; Delete moves it to the
    // deleted list (the app waits for the service to show it there, like the SDK poller).
    s.click("button[aria-label=\"Delete staging-db-password\"]")
        .await;
    s.wait_text("#az-delete-dialog", "staging-db-password")
        .await;
    s.click("button[aria-label=\"Cancel delete\"]").await;
    assert!(kv.secret_props("staging-db-password", None).await.is_ok());
    s.click("button[aria-label=\"Delete staging-db-password\"]")
        .await;
    // The confirmation sits in the secret's own row (visible where the user clicked).
    s.wait_for("tr[data-secret=\"staging-db-password\"] #az-delete-dialog")
        .await;
    s.display_shot("azure-14b-delete-confirm").await;
    s.click("button[aria-label=\"Confirm delete\"]").await;
    s.wait_text(
        "#az-message",
        "Deleted staging-db-password: recoverable until",
    )
    .await;
    s.wait_text(
        "table[aria-label=\"Deleted secrets\"]",
        "staging-db-password",
    )
    .await;
    let d = kv.deleted_secret("staging-db-password").await.unwrap();
    assert!(d.scheduled_purge_date.is_some());
    s.wait_for("#az-list-progress[data-done=\"true\"][data-count=\"61\"]")
        .await;

    // 4. Create a key with tags; a bad tag line is refused first (nothing created, draft kept).
    s.fill("input[aria-label=\"Key name\"]", "tagged-key").await;
    set_text(
        &s,
        "textarea[aria-label=\"Key tags\"]",
        "team=payments\noops",
    )
    .await;
    s.click("button[aria-label=\"Create key\"]").await;
    s.wait_text("#az-message", "has no '='").await;
    assert!(kv.get_key("tagged-key", None).await.is_err());
    let kept = input_value(&s, "textarea[aria-label=\"Key tags\"]").await;
    assert_eq!(kept, "team=payments\noops", "the draft was lost");
    set_text(
        &s,
        "textarea[aria-label=\"Key tags\"]",
        "team=payments\nenv=prod",
    )
    .await;
    s.click("button[aria-label=\"Create key\"]").await;
    s.wait_text("#az-message", "Created key tagged-key").await;
    let k = kv.get_key("tagged-key", None).await.unwrap();
    assert_eq!(
        k.tags,
        BTreeMap::from([
            ("env".to_string(), "prod".to_string()),
            ("team".to_string(), "payments".to_string())
        ])
    );
    s.wait_text("td[aria-label=\"Tags of key tagged-key\"]", "team=payments")
        .await;
    s.display_shot("azure-15-key-tags").await;

    // 5. Rotate it, then disable and enable its first version from the versions list.
    s.click("button[aria-label=\"Rotate tagged-key now\"]")
        .await;
    s.wait_text("#az-message", "Rotated tagged-key").await;
    let mut kvers = kv.key_versions("tagged-key").await.unwrap();
    kvers.sort_by_key(|k| k.created);
    assert_eq!(kvers.len(), 2);
    let (old, new) = (
        kvers[0].version.clone().unwrap(),
        kvers[1].version.clone().unwrap(),
    );
    s.click("button[aria-label=\"Versions of key tagged-key\"]")
        .await;
    set_key_version(&s, "tagged-key", &old, false).await;
    assert!(
        !kv.get_key("tagged-key", Some(old.as_str()))
            .await
            .unwrap()
            .enabled
    );
    assert!(
        kv.get_key("tagged-key", Some(new.as_str()))
            .await
            .unwrap()
            .enabled
    );
    s.display_shot("azure-16-key-version-disabled").await;
    set_key_version(&s, "tagged-key", &old, true).await;
    assert!(
        kv.get_key("tagged-key", Some(old.as_str()))
            .await
            .unwrap()
            .enabled
    );

    // 6. Soft-delete a key from its row (confirmed in the row; Cancel changes nothing): it
    // leaves the key list and shows under Deleted keys with its purge date.
    s.click("button[aria-label=\"Delete key signing-key\"]")
        .await;
    s.wait_for("tr[data-key=\"signing-key\"] #az-delete-dialog")
        .await;
    s.click("button[aria-label=\"Cancel delete\"]").await;
    s.wait_gone("#az-delete-dialog", std::time::Duration::from_secs(5))
        .await;
    assert!(kv.get_key("signing-key", None).await.is_ok());
    s.click("button[aria-label=\"Delete key signing-key\"]")
        .await;
    s.wait_text(
        "tr[data-key=\"signing-key\"] #az-delete-dialog",
        "Delete key signing-key and all its versions?",
    )
    .await;
    s.display_shot("azure-17-key-delete-confirm").await;
    s.click("button[aria-label=\"Confirm delete\"]").await;
    s.wait_text("#az-message", "Deleted key signing-key: recoverable until")
        .await;
    let dk = kv.deleted_key("signing-key").await.unwrap();
    let purge_on = ymd(dk.scheduled_purge_date.unwrap());
    let row = s
        .wait_text(
            "table[aria-label=\"Deleted keys\"] tr[data-deleted=\"signing-key\"]",
            &purge_on,
        )
        .await;
    assert!(row.contains(&ymd(dk.deleted_date.unwrap())), "{row}");
    s.wait_gone(
        "table[aria-label=\"Keys\"] tr[data-key=\"signing-key\"]",
        std::time::Duration::from_secs(10),
    )
    .await;
    assert!(kv.get_key("signing-key", None).await.is_err());
    // The deleted secret from step 3b is still listed on its own.
    s.wait_text(
        "table[aria-label=\"Deleted secrets\"]",
        "staging-db-password",
    )
    .await;
    s.display_shot("azure-18-key-deleted").await;

    // 7. Recover it: back in the key list, readable on the server, gone from Deleted keys.
    s.click("button[aria-label=\"Recover key signing-key\"]")
        .await;
    s.wait_text("#az-message", "Recovered key signing-key")
        .await;
    s.wait_for("table[aria-label=\"Keys\"] tr[data-key=\"signing-key\"]")
        .await;
    s.wait_text("#az-deleted-keys-empty", "No soft-deleted keys.")
        .await;
    assert!(kv.get_key("signing-key", None).await.is_ok());
    assert!(!kv
        .list_deleted_keys()
        .await
        .unwrap()
        .iter()
        .any(|d| d.props.name == "signing-key"));
    s.display_shot("azure-19-key-recovered").await;

    // 8. Delete again and purge: a wrong typed name is refused (nothing purged, the dialog
    // keeps what was typed); the right name purges it for good on the server.
    s.click("button[aria-label=\"Delete key signing-key\"]")
        .await;
    s.click("button[aria-label=\"Confirm delete\"]").await;
    s.wait_text("#az-message", "Deleted key signing-key").await;
    // Each action reloads the screen, the slow (600 ms a page) secret list included; typing
    // waits for it: every streamed page re-renders the dialog's input from its state, which
    // undoes WebDriver's clear (it fires no input event, unlike a user's typing).
    s.wait_for("#az-list-progress[data-done=\"true\"][data-count=\"61\"]")
        .await;
    s.click("button[aria-label=\"Purge key signing-key\"]")
        .await;
    s.wait_text(
        "#az-purge-dialog",
        "Purging key signing-key deletes it for good",
    )
    .await;
    s.fill("input[aria-label=\"Type the name to purge\"]", "signing-ke")
        .await;
    s.click("button[aria-label=\"Purge for good\"]").await;
    s.wait_text("#az-message", "type the key's name").await;
    let kept = input_value(&s, "input[aria-label=\"Type the name to purge\"]").await;
    assert_eq!(kept, "signing-ke", "the typed name was lost");
    assert!(kv.deleted_key("signing-key").await.is_ok());
    s.fill(
        "input[aria-label=\"Type the name to purge\"]",
        "signing-key",
    )
    .await;
    // The shot shows the typed name once the input holds all of it (keys arrive async).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while input_value(&s, "input[aria-label=\"Type the name to purge\"]").await != "signing-key" {
        assert!(
            std::time::Instant::now() < deadline,
            "the typed name never arrived"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    s.display_shot("azure-20-key-purge-confirm").await;
    s.click("button[aria-label=\"Purge for good\"]").await;
    s.wait_text("#az-message", "Purged key signing-key for good")
        .await;
    s.wait_gone("#az-purge-dialog", std::time::Duration::from_secs(5))
        .await;
    s.wait_text("#az-deleted-keys-empty", "No soft-deleted keys.")
        .await;
    assert!(kv.deleted_key("signing-key").await.is_err());
    assert!(kv.get_key("signing-key", None).await.is_err());
    assert!(!kv
        .list_deleted_keys()
        .await
        .unwrap()
        .iter()
        .any(|d| d.props.name == "signing-key"));
    s.display_shot("azure-21-key-purged").await;

    let dir = s.finish().await;
    let audit = std::fs::read_to_string(dir.path().join("data/audit.jsonl")).unwrap();
    assert!(
        audit.contains("az.key.create")
            && audit.contains("az.key.rotate")
            && audit.matches("az.key.update").count() >= 2
            && audit.contains("az.delete")
            && audit.matches("az.key.delete").count() >= 2
            && audit.contains("az.key.recover")
            && audit.contains("az.key.purge"),
        "{audit}"
    );
    assert_no_leak(dir.path(), &[VALUE]);
}
