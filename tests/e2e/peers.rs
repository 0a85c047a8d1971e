//! Set-up shared by the scenarios that talk to the cloud test peers (moto for AWS Secrets
//! Manager, the project's Azure Key Vault HTTPS test server): SDK clients that seed and check
//! the servers, and the profiles the app opens them with.

use secrecy::{ExposeSecret, SecretString};
use vaultdeck_aws::{AwsClient, AwsSettings, SecretPayload, StaticKeys, VersionSelector};
use vaultdeck_azure::{credential_for, AzureConfig, AzureVault, CredentialSpec};
use vaultdeck_testkit::{AzureKeyVault, Moto};

use super::harness::AppSession;
use super::{new_profile, save_and_connect};

/// An SDK client on `moto` (region eu-west-1) signing with `access_key_id`, for seeding and
/// checking what the app did.
pub async fn moto_sdk(moto: &Moto, access_key_id: &str) -> AwsClient {
    AwsClient::connect(&AwsSettings {
        region: Some("eu-west-1".into()),
        endpoint_url: Some(moto.endpoint()),
        keys: Some(StaticKeys {
            access_key_id: access_key_id.into(),
            secret_access_key: SecretString::from("seed".to_owned()),
            session_token: None,
        }),
        ..Default::default()
    })
    .await
    .unwrap()
}

/// The version id and string value of `name` at `sel` on the AWS server.
pub async fn aws_string(c: &AwsClient, name: &str, sel: &VersionSelector) -> (String, String) {
    let v = c.get_value(name, sel).await.unwrap();
    let s = match &v.value {
        SecretPayload::String(s) => s.expose_secret().to_owned(),
        SecretPayload::Binary(_) => panic!("binary"),
    };
    (v.version_id, s)
}

/// A provider client on the Azure test server, signed in with its client secret, for seeding
/// and checking what the app did.
pub fn azure_client(server: &AzureKeyVault) -> AzureVault {
    let mut cfg = AzureConfig::new(server.vault_url());
    cfg.authority_host = Some(server.authority_host());
    cfg.ca_bundle = Some(server.ca_pem_path());
    cfg.verify_challenge_resource = false;
    let cred = credential_for(
        &cfg,
        CredentialSpec::ClientSecret {
            tenant_id: server.tenant_id().into(),
            client_id: server.client_id().into(),
            secret: server.client_secret(),
        },
    )
    .unwrap();
    AzureVault::new(&cfg, cred).unwrap()
}

/// Writes the app's profiles.toml with one device-code Azure profile (`id`, `name`) on the
/// test server; there is no credential to type, the server approves the sign-in.
pub fn write_azure_device_code_profile(
    s: &AppSession,
    id: &str,
    name: &str,
    server: &AzureKeyVault,
) {
    s.write_config(
        "profiles.toml",
        &format!(
            "[[profile]]\nid = \"{id}\"\nname = \"{name}\"\n\n[profile.kind]\n\
             provider = \"azure\"\nvault_url = \"{}\"\ntenant_id = \"{}\"\nclient_id = \"{}\"\n\
             auth = \"device_code\"\nauthority_host = \"{}\"\nca_bundle = \"{}\"\n",
            server.vault_url(),
            server.tenant_id(),
            server.client_id(),
            server.authority_host(),
            server.ca_pem_path().display()
        ),
    );
}

/// Saves a token profile `name` for the Vault at `addr` through the Connections form,
/// connects it and waits until the status bar shows it.
pub async fn connect_token_profile(s: &AppSession, name: &str, addr: &str, token: &str) {
    new_profile(s, name, addr).await;
    s.fill("#profile-credential", token).await;
    save_and_connect(s, name).await;
    s.wait_text("#status-connection", name).await;
}
