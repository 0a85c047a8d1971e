//! The AWS Secrets Manager screen end to end against a real moto server, beside a Vault
//! connection to a real OpenBao: the AWS profile is saved through the app's IPC with its secret
//! access key in the (real) Secret Service, both connections are open side by side, then the
//! AWS screen shows the secret with its versions and labels, rolls back to the first version
//! after a preview, rotates it client-side and reveals the new value. Every change is checked
//! on the server through the SDK. Ends with the leak check: no seeded value and not the secret
//! access key in anything the app wrote or printed. Screenshots: target/e2e-shots/aws-*.png.

use serde_json::{json, Value};
use vaultdeck_aws::{
    AwsClient, AwsSettings, NewSecret, SecretPayload, StaticKeys, VersionSelector,
};

use super::harness::{assert_no_leak, AppSession, Display};
use super::{new_profile, save_and_connect};

const KEY_SENTINEL: &str = "e2eAWSsecretKEY-sentinel-4c1d";
const V1: &str = "first-e2eAWSvalue-sentinel-1";
const V2: &str = "second-e2eAWSvalue-sentinel-2";
const V3: &str = "third-e2eAWSvalue-sentinel-3";
const SECRET: &str = "e2e/db";
const SECRET2: &str = "e2e/app";
const J1: &str = r#"{"user":"app","password":"pw-one-e2eAWS-sentinel","host":"db1"}"#;
const J2: &str = r#"{"user":"app","password":"pw-two-e2eAWS-sentinel","port":"5432"}"#;
const PUBLIC_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
const SCOPED_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;

async fn current(c: &AwsClient) -> (String, String) {
    current_of(c, SECRET).await
}

async fn current_of(c: &AwsClient, name: &str) -> (String, String) {
    let v = c.get_value(name, &VersionSelector::Current).await.unwrap();
    let s = match &v.value {
        SecretPayload::String(s) => secrecy::ExposeSecret::expose_secret(s).to_owned(),
        SecretPayload::Binary(_) => panic!("binary"),
    };
    (v.version_id, s)
}

/// Calls a backend command through the app's own IPC bridge (what ui/ipc.js does).
async fn invoke(s: &AppSession, cmd: &str, args: Value) -> Value {
    let r = s
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke(arguments[0], { args: arguments[1] })
               .then(ok => done({ ok }), err => done({ err }));",
            vec![json!(cmd), args],
        )
        .await
        .unwrap();
    assert!(r.get("err").is_none(), "{cmd} failed: {r}");
    r["ok"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_scenario() {
    let moto = vaultdeck_testkit::Moto::start();
    let sdk = AwsClient::connect(&AwsSettings {
        region: Some("eu-west-1".into()),
        endpoint_url: Some(moto.endpoint()),
        keys: Some(StaticKeys {
            access_key_id: "AKIDE2ESEED".into(),
            secret_access_key: secrecy::SecretString::from("seed".to_owned()),
            session_token: None,
        }),
        ..Default::default()
    })
    .await
    .unwrap();
    let v1 = sdk
        .create(NewSecret {
            name: SECRET.into(),
            value: Some(SecretPayload::string(V1)),
            description: Some("the app's database login".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .version_id;
    sdk.put_value(SECRET, &SecretPayload::string(V2), None, None)
        .await
        .unwrap();
    let v3 = sdk
        .put_value(SECRET, &SecretPayload::string(V3), None, None)
        .await
        .unwrap()
        .version_id;

    let bao = vaultdeck_testkit::openbao_dev();
    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();
    let s = AppSession::start(&display, keyring.bus_address()).await;
    // A short clipboard timeout, read by the app at each copy.
    let config = s.dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("settings.toml"),
        "[secrets]\nreveal_secs = 30\nclipboard_secs = 3\n",
    )
    .unwrap();

    eprintln!("aws e2e: started");
    // A Vault connection first, through the UI.
    new_profile(&s, "Local vault", &bao.addr).await;
    s.fill(
        "#profile-credential",
        secrecy::ExposeSecret::expose_secret(&bao.root_token),
    )
    .await;
    save_and_connect(&s, "Local vault").await;
    s.wait_text("#identity-policies", "root").await;

    eprintln!("aws e2e: vault connected");
    // The AWS profile through the app's IPC (the secret key goes to the Secret Service), then
    // connected with the stored key.
    let saved = invoke(
        &s,
        "save_profile",
        json!({"profile": {"id": "", "name": "Moto AWS", "kind": {"provider": "aws",
            "region": "eu-west-1", "access_key_id": "AKIDE2E",
            "endpoint_url": moto.endpoint()}},
            "credential": KEY_SENTINEL}),
    )
    .await;
    eprintln!("aws e2e: profile saved");
    assert_eq!(saved["kind"]["provider"], "aws");

    // The AWS screen offers the saved AWS profile; connecting uses the stored secret key.
    s.click("#nav-aws").await;
    s.click("button.aws-connect[data-profile-name=\"Moto AWS\"]")
        .await;
    eprintln!("aws e2e: aws connected");
    s.wait_text("#aws-identity", "123456789012").await;

    // Both connections side by side.
    let opened = invoke(&s, "list_connections", json!({})).await;
    let providers: Vec<&str> = opened
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers.len(), 2, "{opened}");
    assert!(providers.contains(&"AWS Secrets Manager"), "{providers:?}");
    assert!(providers.contains(&"Vault / OpenBao"), "{providers:?}");
    s.click("#nav-connections").await;
    s.wait_for(".profile-row.is-active[data-profile-name=\"Moto AWS\"]")
        .await;
    s.wait_for(".profile-row.is-open[data-profile-name=\"Local vault\"]")
        .await;
    s.screenshot("aws-01-beside-vault").await;
    eprintln!("aws e2e: side by side shown");

    // The AWS screen on the AWS connection: list, detail with versions and labels.
    s.click("#nav-aws").await;
    s.wait_text("#aws-identity", "123456789012").await;
    s.click(&format!("button.aws-secret[data-name=\"{SECRET}\"]"))
        .await;
    s.wait_text("#aws-detail-name", SECRET).await;
    let row3 = format!(".aws-version[data-version=\"{v3}\"]");
    s.wait_text(&row3, "AWSCURRENT").await;
    s.wait_text("#aws-versions", "AWSPREVIOUS").await;
    s.screenshot("aws-02-detail").await;

    eprintln!("aws e2e: detail shown");
    // Rollback to v1: preview, confirm, AWSCURRENT moves, v3 becomes AWSPREVIOUS.
    s.click(&format!(
        ".aws-version[data-version=\"{v1}\"] .aws-rollback"
    ))
    .await;
    eprintln!("aws e2e: preview clicked");
    let plan = s.wait_text("#aws-rollback-plan", &v3).await;
    eprintln!("aws e2e: preview shown");
    assert!(
        plan.contains(&format!("{v3} becomes AWSPREVIOUS")),
        "{plan}"
    );
    s.screenshot("aws-03-rollback-preview").await;
    eprintln!("aws e2e: preview screenshot");
    s.click("#aws-rollback-confirm").await;
    s.wait_text("#aws-message", "Rolled back").await;
    s.wait_text(
        &format!(".aws-version[data-version=\"{v1}\"]"),
        "AWSCURRENT",
    )
    .await;
    s.wait_text(&row3, "AWSPREVIOUS").await;
    assert_eq!(current(&sdk).await, (v1.clone(), V1.to_owned()));
    s.screenshot("aws-04-rolled-back").await;

    eprintln!("aws e2e: rolled back");
    // Client-side rotation: a new 24-character AWSCURRENT; v1 stays readable as AWSPREVIOUS.
    s.fill("#aws-rotate-length", "24").await;
    s.click("#aws-rotate").await;
    s.wait_text("#aws-message", "Rotated").await;
    let (new_id, new_value) = current(&sdk).await;
    assert_ne!(new_id, v1);
    assert_eq!(new_value.chars().count(), 24);
    let prev = sdk
        .get_value(SECRET, &VersionSelector::Stage("AWSPREVIOUS".into()))
        .await
        .unwrap();
    assert_eq!(prev.version_id, v1);
    let new_row = format!(".aws-version[data-version=\"{new_id}\"]");
    s.wait_text(&new_row, "AWSCURRENT").await;
    s.screenshot("aws-05-rotated").await;

    eprintln!("aws e2e: rotated");
    // Reveal the new value (explicit reveal, hidden again by its timer).
    s.click(&format!("{new_row} .aws-reveal")).await;
    let shown = s.wait_text("#aws-revealed-value", &new_value).await;
    assert_eq!(shown.trim(), new_value);
    s.screenshot("aws-06-revealed").await;

    // Copy: the backend writes the clipboard and clears it after 3 s if it still holds it.
    s.click(&format!("{new_row} .aws-copy")).await;
    s.wait_text("#aws-message", "Copied").await;
    assert_eq!(clipboard_text(&display), new_value);
    s.screenshot("aws-07-copied").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while clipboard_text(&display) == new_value {
        assert!(
            std::time::Instant::now() < deadline,
            "the clipboard was not cleared"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    eprintln!("aws e2e: copied and cleared");

    // The editing panels on a second secret (moto keeps a stale default version after the
    // label moves above, and would then leave two AWSCURRENT versions on a plain put).
    sdk.create(NewSecret {
        name: SECRET2.into(),
        value: Some(SecretPayload::string("initial-e2eAWS-value")),
        ..Default::default()
    })
    .await
    .unwrap();
    s.click("#aws-refresh").await;
    s.click(&format!("button.aws-secret[data-name=\"{SECRET2}\"]"))
        .await;
    s.wait_text("#aws-detail-name", SECRET2).await;
    // Put a JSON value from the screen (checked against the AWSCURRENT shown).
    s.fill("#aws-put-value", J1).await;
    s.click("#aws-put-save").await;
    let saved = s.wait_text("#aws-message", "Saved: new AWSCURRENT").await;
    let (j1_id, j1) = current_of(&sdk, SECRET2).await;
    assert!(
        j1 == J1,
        "{saved}; AWSCURRENT {j1_id}: {:?}",
        sdk.describe(SECRET2).await.unwrap().versions
    );
    s.wait_text(
        &format!(".aws-version[data-version=\"{j1_id}\"]"),
        "AWSCURRENT",
    )
    .await;
    // A concurrent change behind the screen's back: the next put is refused, the screen
    // shows the new AWSCURRENT, the draft stays.
    let j2_id = sdk
        .put_value(SECRET2, &SecretPayload::string(J2), None, None)
        .await
        .unwrap()
        .version_id;
    s.fill("#aws-put-value", "draft-e2eAWS-kept").await;
    s.click("#aws-put-save").await;
    let msg = s.wait_text("#aws-message", "Not saved").await;
    assert!(msg.contains(&j2_id), "{msg}");
    s.wait_text(
        &format!(".aws-version[data-version=\"{j2_id}\"]"),
        "AWSCURRENT",
    )
    .await;
    let draft = s
        .wait_for("#aws-put-value")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(draft, "draft-e2eAWS-kept");
    assert_eq!(
        current_of(&sdk, SECRET2).await,
        (j2_id.clone(), J2.to_owned())
    );
    s.screenshot("aws-08-put-conflict").await;
    eprintln!("aws e2e: put + conflict");

    // Diff J1 against the current J2: per key, masked until shown.
    s.click(&format!(".aws-version[data-version=\"{j1_id}\"] .aws-diff"))
        .await;
    let summary = s.wait_text("#aws-diff-summary", "JSON keys").await;
    assert!(
        summary.contains("1 added, 1 removed, 1 changed, 1 unchanged"),
        "{summary}"
    );
    s.wait_text(".aws-diff-row[data-key=\"host\"]", "removed")
        .await;
    s.wait_text(".aws-diff-row[data-key=\"port\"]", "added")
        .await;
    let masked = s
        .wait_text(".aws-diff-row[data-key=\"password\"]", "changed")
        .await;
    assert!(!masked.contains("pw-one"), "{masked}");
    s.click("#aws-diff-toggle").await;
    let shown = s
        .wait_text(".aws-diff-row[data-key=\"password\"]", "pw-two-e2eAWS")
        .await;
    assert!(shown.contains("pw-one-e2eAWS"), "{shown}");
    s.screenshot("aws-09-diff").await;
    s.click("#aws-diff-close").await;
    eprintln!("aws e2e: diff");

    // Description and tags.
    s.fill("#aws-meta-description", "login of the e2e app")
        .await;
    s.fill("#aws-meta-tags", "team=payments").await;
    s.click("#aws-meta-save").await;
    s.wait_text("#aws-message", "Saved the description").await;
    let d = sdk.describe(SECRET2).await.unwrap();
    assert_eq!(d.description.as_deref(), Some("login of the e2e app"));
    assert_eq!(d.tags.get("team").map(String::as_str), Some("payments"));
    assert_eq!(d.tags.len(), 1, "{:?}", d.tags);
    s.screenshot("aws-10-meta").await;
    eprintln!("aws e2e: meta");

    // Resource policy: a public one is flagged by the local checks (moto cannot validate);
    // a scoped one is saved, then deleted.
    s.wait_text("#aws-policy-state", "No resource policy").await;
    s.fill("#aws-policy-text", PUBLIC_POLICY).await;
    s.click("#aws-policy-check").await;
    s.wait_for("#aws-policy-report .aws-finding").await;
    s.wait_text("#aws-policy-server", "unavailable").await;
    s.screenshot("aws-11-policy-checked").await;
    s.fill("#aws-policy-text", SCOPED_POLICY).await;
    s.click("#aws-policy-save").await;
    s.wait_text("#aws-message", "Saved the resource policy")
        .await;
    s.wait_text("#aws-policy-state", "is attached").await;
    assert!(sdk.get_policy(SECRET2).await.unwrap().is_some());
    s.screenshot("aws-12-policy-saved").await;
    s.click("#aws-policy-delete").await;
    s.wait_text("#aws-message", "Deleted the resource policy")
        .await;
    assert!(sdk.get_policy(SECRET2).await.unwrap().is_none());
    eprintln!("aws e2e: policy");

    // Delete with a 7-day recovery window, listed with its date, restored.
    s.fill("#aws-delete-days", "7").await;
    s.click("#aws-delete-schedule").await;
    s.wait_text("#aws-message", "scheduled for deletion").await;
    assert!(sdk.describe(SECRET2).await.unwrap().deleted_date.is_some());
    s.click("#aws-with-deleted").await;
    s.wait_text("#aws-secrets .aws-deletion", "deletion on")
        .await;
    s.screenshot("aws-13-scheduled").await;
    s.click("#aws-restore").await;
    s.wait_text("#aws-message", "Restored").await;
    assert!(sdk.describe(SECRET2).await.unwrap().deleted_date.is_none());
    // Force delete only after typing the name.
    s.wait_for("#aws-force-delete[disabled]").await;
    s.fill("#aws-force-name", SECRET2).await;
    s.screenshot("aws-14-force-typed").await;
    s.click("#aws-force-delete").await;
    s.wait_text("#aws-message", "for good").await;
    assert!(sdk.describe(SECRET2).await.is_err());
    eprintln!("aws e2e: deleted");

    // The audit log has the rollback, the rotation and the reveal.
    let audit = invoke(&s, "list_audit", json!({"filter": {"action": "aws."}})).await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "aws.rollback",
        "aws.rotate_client_side",
        "aws.reveal",
        "aws.put",
        "aws.update",
        "aws.tag",
        "aws.policy_put",
        "aws.policy_delete",
        "aws.delete",
        "aws.restore",
    ] {
        assert!(actions.contains(&a), "{a} missing: {actions:?}");
    }

    let dir = s.finish().await;
    assert_no_leak(
        dir.path(),
        &[
            KEY_SENTINEL,
            V1,
            V2,
            V3,
            &new_value,
            "pw-one-e2eAWS",
            "pw-two-e2eAWS",
        ],
    );
}

/// What the X clipboard of the scenario's display holds (empty when nothing).
fn clipboard_text(display: &Display) -> String {
    std::env::set_var("DISPLAY", &display.name);
    arboard::Clipboard::new()
        .unwrap()
        .get_text()
        .unwrap_or_default()
}
