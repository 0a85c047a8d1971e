//! Managed identity for real: `azure_identity`'s `ManagedIdentityCredential` picks the App
//! Service source when `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` are set, and asks that endpoint
//! (`GET ?api-version=2019-08-01&resource=…`, headers `x-identity-header`, `metadata: true`)
//! for a token. The Key Vault test server answers that endpoint like the App Service token
//! service, so a managed-identity client signs in and reads a secret end to end.
//!
//! Its own test binary: the credential reads the process environment, which must not leak
//! into other tests.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use vaultdeck_azure::{credential_for, AzureConfig, AzureVault, CredentialSpec};
use vaultdeck_testkit::AzureKeyVault;
use vaultdeck_types::AzSecretUpdate;

fn config(server: &AzureKeyVault) -> AzureConfig {
    AzureConfig {
        vault_url: server.vault_url(),
        authority_host: Some(server.authority_host()),
        ca_bundle: Some(server.ca_pem_path()),
        verify_challenge_resource: false,
    }
}

#[tokio::test]
async fn managed_identity_signs_in_through_the_identity_endpoint() {
    let server = AzureKeyVault::start();
    // What App Service puts in the environment of the process (one test in this binary).
    std::env::set_var("IDENTITY_ENDPOINT", server.identity_endpoint());
    std::env::set_var("IDENTITY_HEADER", server.identity_header().expose_secret());
    let cfg = config(&server);

    // System-assigned identity.
    let cred = credential_for(&cfg, CredentialSpec::ManagedIdentity { client_id: None })
        .expect("managed identity credential");
    let v = AzureVault::new(&cfg, Arc::clone(&cred)).expect("client");
    v.probe()
        .await
        .expect("probe with a managed-identity token");
    assert_eq!(
        v.principal().map(|p| p.display()),
        Some(format!(
            "managed identity {} (tenant {})",
            vaultdeck_testkit::AZURE_TEST_MI_NAME,
            server.tenant_id()
        ))
    );
    let p = v
        .set_secret(
            "mi-secret",
            &SecretString::from("from-mi".to_string()),
            &AzSecretUpdate::default(),
        )
        .await
        .expect("set");
    assert_eq!(p.name, "mi-secret");
    let value = v.reveal_secret("mi-secret", None).await.expect("reveal");
    assert_eq!(value.expose_secret(), "from-mi");
    let log = server.requests();
    let mi: Vec<_> = log.iter().filter(|r| r.path == "/msi/token").collect();
    assert!(
        !mi.is_empty(),
        "the credential never asked the identity endpoint"
    );
    assert!(mi.iter().all(|r| r.status == 200), "{mi:?}");
    assert_eq!(mi[0].query("api-version"), Some("2019-08-01"));
    assert_eq!(mi[0].query("resource"), Some("https://vault.azure.net"));
    assert!(
        !log.iter().any(|r| r.path.ends_with("/oauth2/v2.0/token")),
        "a managed identity must not use the authority's token endpoint"
    );

    // A user-assigned identity by client id: the assigned one works, another is refused with
    // the credential's clear message.
    let assigned = credential_for(
        &cfg,
        CredentialSpec::ManagedIdentity {
            client_id: Some(server.client_id().to_string()),
        },
    )
    .unwrap();
    let v = AzureVault::new(&cfg, assigned).unwrap();
    v.probe().await.expect("probe with the assigned identity");
    let other = credential_for(
        &cfg,
        CredentialSpec::ManagedIdentity {
            client_id: Some("00000000-0000-4000-8000-00000000beef".into()),
        },
    )
    .unwrap();
    let err = AzureVault::new(&cfg, other)
        .unwrap()
        .probe()
        .await
        .expect_err("an identity not assigned to the host must fail");
    assert_eq!(
        err.code(),
        vaultdeck_types::ErrorCode::Unauthenticated,
        "{err}"
    );
    assert!(
        err.to_string().contains("not been assigned"),
        "unclear message: {err}"
    );

    // A wrong IDENTITY_HEADER: the token service refuses, the sign-in fails, nothing is read.
    std::env::set_var("IDENTITY_HEADER", "wrong");
    let cred = credential_for(&cfg, CredentialSpec::ManagedIdentity { client_id: None }).unwrap();
    let err = AzureVault::new(&cfg, cred)
        .unwrap()
        .probe()
        .await
        .expect_err("a wrong identity header must fail");
    assert_eq!(
        err.code(),
        vaultdeck_types::ErrorCode::Unauthenticated,
        "{err}"
    );
}
