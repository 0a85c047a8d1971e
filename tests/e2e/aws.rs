//! The AWS Secrets Manager screen end to end against a real moto server, beside a Vault
//! connection to a real OpenBao: the AWS profile is saved through the app's IPC with its secret
//! access key in the (real) Secret Service, both connections are open side by side, then the
//! AWS screen shows the secret with its versions and labels, rolls back to the first version
//! after a preview, rotates it client-side and reveals the new value. Every change is checked
//! on the server through the SDK. Ends with the leak check: no seeded value and not the secret
//! access key in anything the app wrote or printed. Screenshots: target/e2e-shots/aws-*.png.
//!
//! Also (issue #7, session 3): the list streamed page by page with a "listed N…" progress
//! behind a slow link to moto, and cancelled mid-way; the explorer's fuzzy search box on AWS
//! names ("prdb" opens prod/db-password); the "New secret" form (a duplicate name keeps the
//! draft); Lambda rotation enable / rotate now / disable as moto answers them; the KMS change.

use serde_json::json;
use vaultdeck_aws::{AwsClient, NewSecret, SecretPayload, VersionSelector};

use super::harness::{assert_no_leak, AppSession, Display};
use super::peers::{aws_string, moto_sdk};
use super::secrets::SlowLink;
use super::{new_profile, save_and_connect};

const KEY_SENTINEL: &str = "e2eAWSsecretKEY-sentinel-4c1d";
const V1: &str = "first-e2eAWSvalue-sentinel-1";
const V2: &str = "second-e2eAWSvalue-sentinel-2";
const V3: &str = "third-e2eAWSvalue-sentinel-3";
const SECRET: &str = "e2e/db";
const SECRET2: &str = "e2e/app";
const FOUND: &str = "prod/db-password";
const BULK: usize = 250;
const CREATED: &str = "e2e/created";
const CREATED_VALUE: &str = "created-e2eAWSvalue-sentinel-4";
const LAMBDA: &str = "arn:aws:lambda:eu-west-1:123456789012:function:e2e-rotator";
const J1: &str = r#"{"user":"app","password":"pw-one-e2eAWS-sentinel","host":"db1"}"#;
const J2: &str = r#"{"user":"app","password":"pw-two-e2eAWS-sentinel","port":"5432"}"#;
const PUBLIC_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
const SCOPED_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;

async fn current(c: &AwsClient) -> (String, String) {
    current_of(c, SECRET).await
}

async fn current_of(c: &AwsClient, name: &str) -> (String, String) {
    aws_string(c, name, &VersionSelector::Current).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_scenario() {
    let moto = vaultdeck_testkit::Moto::start();
    let sdk = moto_sdk(&moto, "AKIDE2ESEED").await;
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

    // Enough secrets for three pages of 100, and one the fuzzy search finds.
    let seeded = std::time::Instant::now();
    let mut creates = tokio::task::JoinSet::new();
    for i in 0..=BULK {
        let (sdk, name) = (
            sdk.clone(),
            if i == BULK {
                FOUND.to_owned()
            } else {
                format!("bulk/item-{i:03}")
            },
        );
        creates.spawn(async move {
            sdk.create(NewSecret {
                name,
                value: Some(SecretPayload::string("bulk")),
                ..Default::default()
            })
            .await
        });
        if creates.len() >= 8 {
            creates.join_next().await.unwrap().unwrap().unwrap();
        }
    }
    while let Some(r) = creates.join_next().await {
        r.unwrap().unwrap();
    }
    eprintln!(
        "aws e2e: seeded {} secrets in {} ms",
        BULK + 2,
        seeded.elapsed().as_millis()
    );
    // The app reaches moto through a relay that can slow every answer down.
    let link = SlowLink::start(&moto.endpoint());

    let bao = vaultdeck_testkit::openbao_dev();
    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();
    let s = AppSession::start(&display, keyring.bus_address()).await;
    // A short clipboard timeout, read by the app at each copy.
    s.write_config(
        "settings.toml",
        "[secrets]\nreveal_secs = 30\nclipboard_secs = 3\n",
    );

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
    let saved = s
        .invoke(
            "save_profile",
            json!({"profile": {"id": "", "name": "Moto AWS", "kind": {"provider": "aws",
            "region": "eu-west-1", "access_key_id": "AKIDE2E",
            "endpoint_url": link.addr.clone()}},
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
    let opened = s.invoke("list_connections", json!({})).await;
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

    streamed_list_and_search(&s, &link).await;
    create_rotation_and_kms(&s, &sdk).await;

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
    assert_eq!(display.clipboard_text(), new_value);
    s.screenshot("aws-07-copied").await;
    display
        .wait_clipboard_cleared(&new_value, std::time::Duration::from_secs(10))
        .await;
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
    // Only the e2e/ names (the bulk ones would push the row out of the list's view), with
    // the ones scheduled for deletion: the prefix goes to the service as a Name filter.
    s.fill("#aws-filter", "e2e/").await;
    s.click("#aws-with-deleted").await;
    s.wait_text("#aws-count", "3 secrets · 1 page").await;
    s.wait_text(
        &format!(".aws-secret-row:has(button[data-name=\"{SECRET2}\"]) .aws-deletion"),
        "deletion on",
    )
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
    let audit = s
        .invoke("list_audit", json!({"filter": {"action": "aws."}}))
        .await;
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
        "aws.create",
        "aws.rotation_enable",
        "aws.rotation_disable",
        "aws.rotate",
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
            CREATED_VALUE,
        ],
    );
}

/// Rows shown, the progress element's `data-listed` and `data-done`, read in one script so
/// they belong to the same moment.
async fn list_state(s: &AppSession) -> (u64, u64, bool) {
    let v = s
        .client
        .execute(
            "const p = document.querySelector('#aws-list-progress');
             return [document.querySelectorAll('#aws-secrets .aws-secret-row').length,
                     Number(p.dataset.listed), p.dataset.done === 'true'];",
            vec![],
        )
        .await
        .unwrap();
    (
        v[0].as_u64().unwrap(),
        v[1].as_u64().unwrap(),
        v[2].as_bool().unwrap(),
    )
}

/// The list streams page by page (each page's rows appear with "listed N…" before the next
/// page arrives), a cancel stops it after the pages in hand, and the names go into the
/// explorer's search index: "prdb" finds prod/db-password, Enter opens it.
async fn streamed_list_and_search(s: &AppSession, link: &SlowLink) {
    let total = (BULK + 2) as u64;
    s.click("#nav-aws").await;
    s.wait_text("#aws-count", &format!("{total} secrets · 3 pages"))
        .await;

    // Slow answers (each chunk held 0.6 s): the first page shows before the second arrives.
    link.set_delay(600);
    let t = std::time::Instant::now();
    s.click("#aws-refresh").await;
    s.wait_text("#aws-count", "listed 100…").await;
    let (rows, listed, done) = list_state(s).await;
    assert!(!done, "the listing ended too early");
    assert_eq!((rows, listed), (100, 100), "one page shown while streaming");
    s.screenshot("aws-01a-streaming").await;
    s.wait_text("#aws-count", "listed 200…").await;
    let (rows, listed, done) = list_state(s).await;
    assert_eq!((rows, listed, done), (200, 200, false));
    let report = s
        .wait_text("#aws-count", &format!("{total} secrets · 3 pages"))
        .await;
    assert_eq!(list_state(s).await, (total, total, true), "{report}");
    eprintln!(
        "aws e2e: streamed {total} secrets in 3 pages behind the slow link in {} ms",
        t.elapsed().as_millis()
    );

    // Cancel after the first page: the list stays partial and says so.
    s.click("#aws-refresh").await;
    s.wait_text("#aws-count", "listed 100…").await;
    s.click("#aws-list-cancel").await;
    s.wait_text("#aws-count", "cancelled after 100 secrets (1 page)")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(3000)).await;
    assert_eq!(
        list_state(s).await,
        (100, 100, true),
        "pages after the cancel"
    );
    s.screenshot("aws-01b-cancelled").await;
    link.set_delay(0);
    s.click("#aws-refresh").await;
    s.wait_text("#aws-count", &format!("{total} secrets · 3 pages"))
        .await;
    eprintln!("aws e2e: list cancelled and listed again");

    // Fuzzy search over the listed names (the explorer's index and search box).
    s.fill("#secret-search", "prdb").await;
    s.wait_for(&format!(".search-hit[data-path=\"{FOUND}\"]"))
        .await;
    let first = s
        .wait_for("#search-results .search-hit")
        .await
        .attr("data-path")
        .await
        .unwrap();
    assert_eq!(first.as_deref(), Some(FOUND));
    s.wait_text("#search-summary", &format!("{total} paths indexed"))
        .await;
    s.screenshot("aws-01c-fuzzy-search").await;
    s.wait_for("#secret-search")
        .await
        .send_keys("\u{E007}")
        .await
        .unwrap();
    s.wait_text("#aws-detail-name", FOUND).await;
    eprintln!("aws e2e: fuzzy search opened {FOUND}");
}

/// "New secret" (a second try with the same name is refused and keeps the draft), Lambda
/// rotation (a bad ARN refused before sending; moto's answers shown as they are), KMS change.
async fn create_rotation_and_kms(s: &AppSession, sdk: &AwsClient) {
    s.click("#aws-new").await;
    s.fill("#aws-create-name", CREATED).await;
    s.fill("#aws-create-description", "made by the e2e").await;
    s.fill("#aws-create-kms", "alias/e2e-create").await;
    s.fill("#aws-create-tags", "team=e2e, env=test").await;
    s.fill("#aws-create-value", CREATED_VALUE).await;
    s.screenshot("aws-01d-create-form").await;
    s.click("#aws-create-save").await;
    s.wait_text("#aws-message", &format!("Created {CREATED}"))
        .await;
    s.wait_text("#aws-detail-name", CREATED).await;
    s.wait_for(&format!("button.aws-secret[data-name=\"{CREATED}\"]"))
        .await;
    let (_, v) = current_of(sdk, CREATED).await;
    assert_eq!(v, CREATED_VALUE);
    let d = sdk.describe(CREATED).await.unwrap();
    assert_eq!(d.description.as_deref(), Some("made by the e2e"));
    assert_eq!(d.kms_key_id.as_deref(), Some("alias/e2e-create"));
    assert_eq!(
        d.tags.get("env").map(String::as_str),
        Some("test"),
        "{:?}",
        d.tags
    );
    assert_eq!(
        d.tags.get("team").map(String::as_str),
        Some("e2e"),
        "{:?}",
        d.tags
    );

    // The same name again: refused by the service, nothing written, the draft stays.
    s.click("#aws-new").await;
    s.fill("#aws-create-name", CREATED).await;
    s.fill("#aws-create-value", "second-try-e2eAWS-draft").await;
    s.click("#aws-create-save").await;
    let err = s.wait_text("#aws-create-error", "already exists").await;
    assert!(err.contains("draft is kept"), "{err}");
    let draft = s
        .wait_for("#aws-create-value")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(draft, "second-try-e2eAWS-draft");
    assert_eq!(current_of(sdk, CREATED).await.1, CREATED_VALUE);
    s.screenshot("aws-01e-create-duplicate").await;
    s.click("#aws-create-cancel").await;
    s.wait_text("#aws-detail-name", CREATED).await;

    // Rotation: off at first; a malformed ARN is refused before anything is sent.
    s.wait_text("#aws-rotation-status", "disabled").await;
    s.fill("#aws-rotation-lambda-arn", "e2e-rotator").await;
    s.fill("#aws-rotation-value", "30").await;
    s.click("#aws-rotation-enable").await;
    s.wait_text("#aws-rotation-error", "not a Lambda function ARN")
        .await;
    assert!(!sdk.rotation_config(CREATED).await.unwrap().enabled);
    // A well-formed ARN of a Lambda moto does not have: moto answers ResourceNotFound (shown
    // as the server said it) but stores the settings anyway (AWS would store nothing;
    // peers.md §F), so the panel then shows rotation on with that Lambda and schedule.
    s.fill("#aws-rotation-lambda-arn", LAMBDA).await;
    s.click("#aws-rotation-enable").await;
    let msg = s
        .wait_text("#aws-message", "Rotation not enabled — the server said")
        .await;
    assert!(msg.contains("e2e-rotator"), "{msg}");
    s.wait_text("#aws-rotation-status", "enabled").await;
    s.wait_text("#aws-rotation-lambda", LAMBDA).await;
    s.wait_text("#aws-rotation-schedule", "every 30 days").await;
    let cfg = sdk.rotation_config(CREATED).await.unwrap();
    assert!(cfg.enabled, "{cfg:?}");
    assert_eq!(cfg.automatically_after_days, Some(30));
    s.screenshot("aws-01f-rotation-enabled").await;
    s.click("#aws-rotation-disable").await;
    s.wait_text("#aws-message", "Rotation disabled").await;
    s.wait_text("#aws-rotation-status", "disabled").await;
    assert!(!sdk.rotation_config(CREATED).await.unwrap().enabled);
    // "Rotate now" (still offered: the Lambda stays configured while rotation is off) asks the
    // service to run the configured Lambda. moto gap (peers.md §F):
    // moto runs no Lambda (none exists, and it would need docker) yet answers 200 with a new
    // version id and labels that empty version AWSCURRENT, so the value becomes unreadable
    // while the old one stays readable as AWSPREVIOUS; it also forgets the Lambda ARN (AWS
    // keeps it). The screen shows the service's answer.
    s.click("#aws-rotation-now").await;
    let msg = s
        .wait_text(
            "#aws-message",
            "Rotation started by the Lambda; new version",
        )
        .await;
    let e = sdk
        .get_value(CREATED, &VersionSelector::Current)
        .await
        .unwrap_err();
    assert_eq!(e.code(), vaultdeck_types::ErrorCode::NotFound, "{msg}: {e}");
    let prev = sdk
        .get_value(CREATED, &VersionSelector::Stage("AWSPREVIOUS".into()))
        .await
        .unwrap();
    assert_eq!(
        secrecy::ExposeSecret::expose_secret(prev.value.as_string().unwrap()),
        CREATED_VALUE
    );
    // With the Lambda gone, the panel says so and no longer offers "rotate now" (which on moto
    // would run another Lambda-less rotation).
    s.wait_text("#aws-rotation-lambda", "—").await;
    let gone = s
        .client
        .execute(
            "return document.querySelector('#aws-rotation-now') === null;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(gone, json!(true));
    s.screenshot("aws-01g-rotated-now").await;
    eprintln!("aws e2e: rotation enable / rotate now / disable");

    // Change the KMS key from the meta panel.
    s.fill("#aws-meta-kms", "alias/e2e-rotated-key").await;
    s.click("#aws-meta-kms-save").await;
    s.wait_text("#aws-message", "KMS key changed to alias/e2e-rotated-key")
        .await;
    assert_eq!(
        sdk.describe(CREATED).await.unwrap().kms_key_id.as_deref(),
        Some("alias/e2e-rotated-key")
    );
    s.wait_text("#aws-detail", "alias/e2e-rotated-key").await;
    s.screenshot("aws-01h-kms-changed").await;
    eprintln!("aws e2e: kms changed");
}
