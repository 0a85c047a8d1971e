//! The Connections screen with every provider: an AWS Secrets Manager profile is created through
//! the form (static keys, the secret access key typed into the password field and stored in the
//! real Secret Service) against a real moto server and connected from its row, the status bar
//! then shows the AWS caller identity; an Azure profile with a non-https vault URL is refused
//! with a clear error before anything is sent and everything typed is kept; an Azure device-code
//! profile made in the form signs in from its row against the testkit's Entra ID and Key Vault
//! (the dialog shows the issued code until the sign-in is approved). Ends with the leak
//! check on the secret access key. Screenshots: target/e2e-shots/kinds-*.png.

use super::harness::{assert_no_leak, AppSession, Display};

const KEY_SENTINEL: &str = "e2eKINDSsecretKEY-sentinel-93be";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_kinds_scenario() {
    let moto = vaultdeck_testkit::Moto::start();
    // The "user" approves each device-code sign-in after 4 polls (about 4 s).
    let azure =
        vaultdeck_testkit::AzureKeyVault::start_with(vaultdeck_testkit::AzureServerConfig {
            device_pending_polls: 4,
            ..Default::default()
        });
    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();
    let s = AppSession::start(&display, keyring.bus_address()).await;

    // 1. AWS through the form, connected from Connections.
    s.click("#new-profile").await;
    s.wait_for("#profile-kind")
        .await
        .select_by_value("aws")
        .await
        .unwrap();
    s.fill("#profile-name", "Moto AWS").await;
    s.fill("#profile-access-key-id", "AKIDKINDSE2E").await;
    s.fill("#profile-region", "eu-west-1").await;
    s.fill("#profile-endpoint", &moto.endpoint()).await;
    s.fill("#profile-credential", KEY_SENTINEL).await;
    s.screenshot("kinds-01-aws-form").await;
    s.click("#profile-save").await;
    let row = ".profile-row[data-profile-name=\"Moto AWS\"][data-profile-kind=\"aws\"]";
    s.wait_text(row, "AWS Secrets Manager").await;
    s.click(&format!("{row} .connect-btn")).await;
    s.wait_text("#status-connection", "Moto AWS").await;
    s.wait_text("#status-identity", "123456789012").await;
    // No token TTL for AWS: the status bar says which account and region instead.
    s.wait_text("#status-ttl", "account 123456789012 · eu-west-1")
        .await;
    s.wait_text(&format!("{row} .badge"), "active").await;
    // The identity panel shows the AWS account, not Vault's token, policy and mount parts.
    s.wait_text("#identity-name", "arn:aws:sts::123456789012:user/moto")
        .await;
    for vault_only in [
        ".mounts-section",
        "#renew-token",
        "#disconnect-revoke",
        "#identity-policies",
    ] {
        assert_eq!(
            s.count(vault_only).await,
            0,
            "{vault_only} shown for an AWS connection"
        );
    }
    s.screenshot("kinds-02-aws-connected").await;
    // The Secrets screen on an AWS connection is the AWS secret list, not a Vault tree.
    s.click("#nav-secrets").await;
    s.wait_text("#aws-identity", "Moto AWS").await;
    assert!(
        s.count(".secrets-page").await == 0,
        "the Vault explorer shown for an AWS connection"
    );
    s.screenshot("kinds-02b-aws-secrets-screen").await;

    // The Policies screen on AWS is the resource-policy review: the public secret comes first,
    // is fixed in the editor, and the review then has nothing left to look at.
    let sdk = super::peers::moto_sdk(&moto, "AKIDKINDSE2E").await;
    for name in ["kinds/private", "kinds/public"] {
        sdk.create(vaultdeck_aws::NewSecret {
            name: name.into(),
            value: Some(vaultdeck_aws::SecretPayload::string("v")),
            ..Default::default()
        })
        .await
        .unwrap();
    }
    let public = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
    sdk.put_policy("kinds/public", public, false).await.unwrap();
    s.click("#nav-policies").await;
    s.wait_text(
        "#aws-review-summary",
        "2 secret(s) · 1 with a resource policy · 1 to look at",
    )
    .await;
    let first = s
        .wait_for("#aws-review-table tbody tr")
        .await
        .attr("data-name")
        .await
        .unwrap();
    assert_eq!(first.as_deref(), Some("kinds/public"), "problems first");
    s.wait_text(
        ".aws-review-row[data-name=\"kinds/public\"]",
        "grants public access",
    )
    .await;
    s.screenshot("kinds-02c-aws-policy-review").await;
    s.click(".aws-review-row[data-name=\"kinds/public\"] .aws-review-open")
        .await;
    s.wait_text("#aws-policy-state", "A resource policy is attached.")
        .await;
    let fixed = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
    s.fill("#aws-policy-text", fixed).await;
    s.click("#aws-policy-save").await;
    s.wait_text(
        "#aws-review-summary",
        "2 secret(s) · 1 with a resource policy · 0 to look at",
    )
    .await;
    let on_server: serde_json::Value =
        serde_json::from_str(&sdk.get_policy("kinds/public").await.unwrap().unwrap()).unwrap();
    assert_eq!(
        on_server["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::123456789012:role/app"
    );
    s.screenshot("kinds-02d-aws-policy-fixed").await;
    s.click("#nav-connections").await;

    // 2. Azure with a plain-http vault URL: a clear error, the draft kept.
    s.click("#new-profile").await;
    s.wait_for("#profile-kind")
        .await
        .select_by_value("azure")
        .await
        .unwrap();
    s.fill("#profile-name", "Bad Azure").await;
    s.fill("#profile-vault-url", "http://kv.example.test").await;
    s.click("#profile-save").await;
    s.wait_text("#form-error", "is not an https:// URL").await;
    let kept = s
        .wait_for("#profile-vault-url")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("http://kv.example.test"));
    let name = s
        .wait_for("#profile-name")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("Bad Azure"));
    assert!(
        s.count(".profile-row[data-profile-name=\"Bad Azure\"]")
            .await
            == 0,
        "an invalid Azure profile was saved"
    );
    s.screenshot("kinds-03-azure-invalid-url").await;

    // 3. An Azure device-code profile made in the form signs in from its Connections row: the
    //    code the (test) authority issued is shown until the "user" approves it.
    s.fill("#profile-name", "Azure device").await;
    s.fill("#profile-vault-url", &azure.vault_url()).await;
    s.wait_for("#profile-azure-auth")
        .await
        .select_by_value("device_code")
        .await
        .unwrap();
    s.fill("#profile-tenant", azure.tenant_id()).await;
    s.fill("#profile-client-id", azure.client_id()).await;
    s.fill("#profile-authority", &azure.authority_host()).await;
    s.fill(
        "#profile-ca-bundle",
        &azure.ca_pem_path().display().to_string(),
    )
    .await;
    s.click("#profile-save").await;
    let az_row = ".profile-row[data-profile-name=\"Azure device\"][data-profile-kind=\"azure\"]";
    s.wait_text(az_row, "Azure Key Vault").await;
    s.click(&format!("{az_row} .connect-btn")).await;
    s.wait_for("#az-device-code").await;
    let shown = s.wait_for("#az-user-code").await.text().await.unwrap();
    assert_eq!(
        azure.issued_user_codes().last(),
        Some(&shown),
        "the dialog shows the code the authority issued"
    );
    let uri = s
        .wait_for("#az-verification-uri")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(uri, Some(format!("{}/devicelogin", azure.authority_host())));
    s.screenshot("kinds-04-azure-device-code").await;
    s.wait_text("#status-connection", "Azure device").await;
    // Signed in as the user the token names, not as the vault.
    s.wait_text("#identity-name", vaultdeck_testkit::AZURE_TEST_USER_UPN)
        .await;
    s.wait_text("#status-ttl", "device-code sign-in").await;
    s.wait_text(&format!("{az_row} .badge"), "active").await;
    assert!(
        s.count("#az-device-code").await == 0,
        "the sign-in dialog stays after the sign-in"
    );
    s.screenshot("kinds-05-azure-connected").await;
    s.click("#nav-secrets").await;
    s.wait_text("#az-vault-address", "Azure device").await;
    s.screenshot("kinds-06-azure-secrets-screen").await;
    s.click("#nav-policies").await;
    s.wait_text("#azure-policies-note", "Azure RBAC").await;

    let written = s.finish().await;
    assert_no_leak(written.path(), &[KEY_SENTINEL]);
}
