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

async fn current(c: &AwsClient) -> (String, String) {
    let v = c
        .get_value(SECRET, &VersionSelector::Current)
        .await
        .unwrap();
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

    // The audit log has the rollback, the rotation and the reveal.
    let audit = invoke(&s, "list_audit", json!({"filter": {"action": "aws."}})).await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in ["aws.rollback", "aws.rotate_client_side", "aws.reveal"] {
        assert!(actions.contains(&a), "{a} missing: {actions:?}");
    }

    let dir = s.finish().await;
    assert_no_leak(dir.path(), &[KEY_SENTINEL, V1, V2, V3, &new_value]);
}
