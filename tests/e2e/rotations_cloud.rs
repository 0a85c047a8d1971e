//! The Rotations screen across providers, end to end: a Vault connection (real OpenBao), an AWS
//! connection (real moto server, secret access key in the real Secret Service) and an Azure
//! Key Vault connection (the project's HTTPS test server, client secret in the Secret Service)
//! open side by side. With the Azure connection active the screen shows only the Cloud and
//! Plan tabs and runs a cloud-only plan (an Azure secret gets a new version, no Vault
//! connection used). With the Vault connection active, one plan rotates a KV secret, an AWS
//! secret (client side: AWSCURRENT moves, AWSPREVIOUS keeps the old value) and an Azure key
//! (a new version); the plan shows the connection of each step; the results are checked on
//! the three servers. Ends with the audit trail and the leak check.
//! Screenshots under target/e2e-shots/rotations-cloud-*.png.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use vaultdeck_aws::{NewSecret, SecretPayload, VersionSelector};
use vaultdeck_testkit::AzureKeyVault;
use vaultdeck_types::{AzKeySpec, AzSecretUpdate};

use super::harness::{assert_no_leak, AppSession, Display};
use super::peers::{aws_string, azure_client, connect_token_profile, moto_sdk};

const TOKEN: &str = "e2eROTCLOUDtoken5a2e91";
const KV_PATH: &str = "secret/e2e/cloud";
const KV_OLD: &str = "e2e-kv-old-value-7c21";
const AWS_SECRET: &str = "e2e/rot-db";
/// A JSON value: the plan rotates only its `password` key.
const AWS_OLD: &str = r#"{"username":"svc-aws","password":"e2e-aws-old-value-93b1"}"#;
const AWS_KEY: &str = "e2eROTCLOUDawsKEY-1f7c";
const AZ_KEY: &str = "rot-signing";
const AZ_SECRET: &str = "rot-api";
const AZ_OLD: &str = "e2e-az-old-value-4d0e";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotations_cloud_scenario() {
    let started = std::time::Instant::now();
    // Vault: a KV secret and a token.
    let bao = vaultdeck_testkit::openbao_dev();
    let vc = bao.client().unwrap();
    vc.write(
        "secret/data/e2e/cloud",
        &json!({"data": {"username": "svc-cloud", "password": KV_OLD}}),
    )
    .await
    .unwrap();
    vc.write(
        "auth/token/create",
        &json!({"id": TOKEN, "policies": ["root"], "ttl": "1h"}),
    )
    .await
    .unwrap();
    // AWS: one secret.
    let moto = vaultdeck_testkit::Moto::start();
    let sdk = moto_sdk(&moto, "AKIDROTSEED").await;
    let aws_v1 = sdk
        .create(NewSecret {
            name: AWS_SECRET.into(),
            value: Some(SecretPayload::string(AWS_OLD)),
            ..Default::default()
        })
        .await
        .unwrap()
        .version_id;
    // Azure: a key and a secret.
    let server = AzureKeyVault::start();
    let kv = azure_client(&server);
    let key_v1 = kv
        .create_key(AZ_KEY, &AzKeySpec::Rsa { size: 2048 }, &BTreeMap::new())
        .await
        .unwrap()
        .version
        .unwrap();
    let sec_v1 = kv
        .set_secret(
            AZ_SECRET,
            &SecretString::from(AZ_OLD.to_owned()),
            &AzSecretUpdate {
                content_type: Some("text/plain".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .version
        .unwrap();

    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();
    let s = AppSession::start(&display, keyring.bus_address()).await;

    // 1. The three connections: Vault through the form, AWS and Azure profiles through the
    // app's IPC (their credentials go to the Secret Service), connected from their screens.
    connect_token_profile(&s, "Vault rot", &bao.addr, TOKEN).await;
    s.invoke(
        "save_profile",
        json!({"profile": {"id": "", "name": "Moto rot", "kind": {"provider": "aws",
            "region": "eu-west-1", "access_key_id": "AKIDROTE2E",
            "endpoint_url": moto.endpoint()}},
            "credential": AWS_KEY}),
    )
    .await;
    s.invoke(
        "save_profile",
        json!({"profile": {"id": "", "name": "Azure rot", "kind": {"provider": "azure",
            "vault_url": server.vault_url(), "tenant_id": server.tenant_id(),
            "client_id": server.client_id(), "auth": "client_secret",
            "authority_host": server.authority_host(),
            "ca_bundle": server.ca_pem_path().display().to_string()}},
            "credential": server.client_secret().expose_secret()}),
    )
    .await;
    s.click("#nav-aws").await;
    s.click("button.aws-connect[data-profile-name=\"Moto rot\"]")
        .await;
    s.wait_text("#aws-identity", "123456789012").await;
    s.click("#nav-azure").await;
    s.click("button[aria-label=\"Connect Azure rot\"]").await;
    s.wait_text("#az-vault-address", &server.vault_url()).await;
    let open = s.invoke("list_connections", json!({})).await;
    let id_of = |provider: &str| {
        open.as_array()
            .unwrap()
            .iter()
            .find(|c| c["provider"] == provider)
            .unwrap_or_else(|| panic!("{provider} not open: {open}"))["profile_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (vault_id, aws_id, azure_id) = (
        id_of("Vault / OpenBao"),
        id_of("AWS Secrets Manager"),
        id_of("Azure Key Vault"),
    );
    eprintln!("rotations cloud e2e: three connections open");

    // 2. Azure active: the screen has the Cloud and Plan tabs only and lists both clouds.
    s.click("#nav-rotations").await;
    s.wait_for("#rot-tab-cloud[aria-selected=\"true\"]").await;
    assert_eq!(s.count("#rot-tab-database").await, 0, "Vault tabs shown");
    let aws_row = format!("tr.rot-cloud-row[data-kind=\"aws_secret\"][data-name=\"{AWS_SECRET}\"]");
    let key_row = format!("tr.rot-cloud-row[data-kind=\"azure_key\"][data-name=\"{AZ_KEY}\"]");
    let sec_row =
        format!("tr.rot-cloud-row[data-kind=\"azure_secret\"][data-name=\"{AZ_SECRET}\"]");
    s.wait_text(
        &format!(".rot-cloud-conn[data-profile=\"{aws_id}\"] {aws_row}"),
        "rotated",
    )
    .await;
    s.wait_for(&format!(
        ".rot-cloud-conn[data-profile=\"{azure_id}\"] {key_row}"
    ))
    .await;
    s.wait_text(&sec_row, "text/plain").await;
    s.display_shot("rotations-cloud-01-cloud-tab").await;
    // A cloud-only plan: the Azure secret gets a new 24-character version.
    s.fill("#rot-cloud-az-length", "24").await;
    s.click(&format!("{sec_row} .rot-select")).await;
    s.wait_text("#rot-tab-plan", "Plan (1)").await;
    s.click("#rot-tab-plan").await;
    s.wait_text(
        "#rot-plan-steps li:nth-child(1) .rot-plan-conn",
        "Azure rot",
    )
    .await;
    s.click("#rot-plan-run").await;
    s.wait_for("#rot-plan-progress-box[data-done=\"true\"] #rot-plan-summary")
        .await;
    s.wait_text(
        "#rot-plan-progress-text",
        "1 of 1 target(s): 1 ok, 0 failed, 0 skipped",
    )
    .await;
    let sv = kv.secret_versions(AZ_SECRET).await.unwrap();
    assert_eq!(sv.len(), 2, "{sv:?}");
    let az_new = kv
        .reveal_secret(AZ_SECRET, None)
        .await
        .unwrap()
        .expose_secret()
        .to_owned();
    assert_eq!(az_new.len(), 24);
    assert_ne!(az_new, AZ_OLD);
    assert_eq!(
        kv.reveal_secret(AZ_SECRET, Some(&sec_v1))
            .await
            .unwrap()
            .expose_secret(),
        AZ_OLD
    );
    s.display_shot("rotations-cloud-02-cloud-only-run").await;
    eprintln!("rotations cloud e2e: cloud-only plan done");

    // 3. Vault active: one plan over the three connections.
    s.wait_for("#connection-switcher")
        .await
        .select_by_value(&vault_id)
        .await
        .unwrap();
    s.wait_for("#rot-tab-database[aria-selected=\"true\"]")
        .await;
    s.wait_text("#rot-tab-plan", "Plan (0)").await;
    s.click("#rot-tab-kv").await;
    s.fill("#rot-kv-path", KV_PATH).await;
    s.click("#rot-kv-load").await;
    s.wait_text("#rot-kv-version", "version 1").await;
    s.click(".rot-kv-key[data-key=\"password\"]").await;
    s.fill("#rot-kv-length", "30").await;
    s.click("#rot-kv-add").await;
    s.wait_text("#rot-tab-plan", "Plan (1)").await;
    s.click("#rot-tab-cloud").await;
    s.fill("#rot-cloud-aws-length", "28").await;
    s.fill("#rot-cloud-aws-json-key", "password").await;
    s.click(&format!("{aws_row} .rot-select")).await;
    s.wait_text("#rot-tab-plan", "Plan (2)").await;
    s.click(&format!("{key_row} .rot-select")).await;
    s.wait_text("#rot-tab-plan", "Plan (3)").await;
    s.click("#rot-tab-plan").await;
    for (i, name) in ["Vault rot", "Moto rot", "Azure rot"].iter().enumerate() {
        s.wait_text(
            &format!("#rot-plan-steps li:nth-child({}) .rot-plan-conn", i + 1),
            name,
        )
        .await;
    }
    s.click("#rot-plan-preview").await;
    s.wait_for("#rot-preview[data-runnable=\"true\"]").await;
    s.wait_text(
        &format!("#rot-preview li[data-target=\"aws:{aws_id}/{AWS_SECRET}\"]"),
        "Moto rot",
    )
    .await;
    s.wait_text(
        &format!("#rot-preview li[data-target=\"aws:{aws_id}/{AWS_SECRET}\"]"),
        "(JSON key password)",
    )
    .await;
    assert_eq!(
        aws_string(&sdk, AWS_SECRET, &VersionSelector::Current)
            .await
            .0,
        aws_v1,
        "the dry run changed something"
    );
    s.display_shot("rotations-cloud-03-plan-preview").await;
    s.click("#rot-plan-run").await;
    s.wait_for("#rot-plan-progress-box[data-done=\"true\"] #rot-plan-summary")
        .await;
    s.wait_text(
        "#rot-plan-progress-text",
        "3 of 3 target(s): 3 ok, 0 failed, 0 skipped",
    )
    .await;
    for i in 0..3 {
        s.wait_for(&format!(
            "tr.rot-result[data-index=\"{i}\"][data-status=\"ok\"]"
        ))
        .await;
    }
    s.wait_text("tr.rot-result[data-index=\"1\"]", "AWSPREVIOUS")
        .await;
    for (i, name) in ["Vault rot", "Moto rot", "Azure rot"].iter().enumerate() {
        s.wait_text(
            &format!("tr.rot-result[data-index=\"{i}\"] .rot-result-conn"),
            name,
        )
        .await;
    }
    s.display_shot("rotations-cloud-04-plan-results").await;

    // The three servers.
    let kv2 = vc
        .read_with_query("secret/data/e2e/cloud", &[("version", "2")])
        .await
        .unwrap()
        .unwrap()["data"]["data"]["password"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(kv2.len(), 30);
    assert_ne!(kv2, KV_OLD);
    let (aws_cur_id, aws_new) = aws_string(&sdk, AWS_SECRET, &VersionSelector::Current).await;
    assert_ne!(aws_cur_id, aws_v1);
    // Only the chosen JSON key got a new 28-character password; the other key is kept.
    let aws_json: serde_json::Value = serde_json::from_str(&aws_new).unwrap();
    assert_eq!(aws_json["username"], "svc-aws");
    let aws_password = aws_json["password"].as_str().unwrap().to_owned();
    assert_eq!(aws_password.len(), 28);
    assert_ne!(aws_password, "e2e-aws-old-value-93b1");
    assert_eq!(
        aws_string(
            &sdk,
            AWS_SECRET,
            &VersionSelector::Stage("AWSPREVIOUS".into())
        )
        .await,
        (aws_v1.clone(), AWS_OLD.to_owned())
    );
    let kvs = kv.key_versions(AZ_KEY).await.unwrap();
    assert_eq!(kvs.len(), 2, "{kvs:?}");
    let key_now = kv.get_key(AZ_KEY, None).await.unwrap().version.unwrap();
    assert_ne!(key_now, key_v1);
    s.wait_text("tr.rot-result[data-index=\"2\"]", &key_now)
        .await;

    let dir = s.finish().await;
    let audit = std::fs::read_to_string(dir.path().join("data/audit.jsonl")).unwrap();
    for action in [
        "\"kv.patch\"",
        "\"aws.rotate_client_side\"",
        "\"az.key.rotate\"",
        "\"az.set\"",
    ] {
        assert!(audit.contains(action), "{action} not audited");
    }
    assert_eq!(audit.matches("\"rotate.plan\"").count(), 2, "{audit}");
    assert_no_leak(
        dir.path(),
        &[
            TOKEN,
            AWS_KEY,
            server.client_secret().expose_secret(),
            &kv2,
            &aws_password,
            &az_new,
        ],
    );
    eprintln!(
        "timing rotations_cloud_scenario: {} ms",
        started.elapsed().as_millis()
    );
}
