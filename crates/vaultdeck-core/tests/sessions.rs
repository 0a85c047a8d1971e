//! Core operations through `Deck` and `Connection` against a real OpenBao: sign-in with each
//! auth method, identity, mounts, seal state, background renewal, logout with revoke, and the
//! audit trail they leave.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use vaultdeck_core::keychain::Keychain;
use vaultdeck_core::paths::AppPaths;
use vaultdeck_core::sessions::Deck;
use vaultdeck_types::{AuditFilter, ErrorCode, Profile, ProfileKind, VaultAuth, VaultProfile};

fn deck() -> (tempfile::TempDir, Arc<Deck>) {
    let dir = tempfile::tempdir().unwrap();
    let deck = Arc::new(Deck::new(
        &AppPaths::under(dir.path()),
        Keychain::memory("test"),
    ));
    (dir, deck)
}

fn profile(name: &str, addr: &str, auth: VaultAuth) -> Profile {
    Profile {
        id: String::new(),
        name: name.into(),
        kind: ProfileKind::Vault(VaultProfile {
            address: addr.into(),
            namespace: String::new(),
            ca_cert: None,
            tls_verify: true,
            allow_plain_http: false,
            auth,
        }),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_sign_in_shows_identity_mounts_and_seal_state() {
    let bao = vaultdeck_testkit::shared_openbao_dev();
    let (_d, deck) = deck();
    let p = deck
        .save_profile(
            profile("dev", &bao.addr, VaultAuth::Token),
            Some(bao.root_token.clone()),
            false,
        )
        .unwrap();
    let s = deck.connect(&p.id, None, false).await.unwrap();
    let id = s.identity.unwrap();
    assert_eq!(id.policies, ["root"]);
    assert_eq!(id.ttl_seconds, None, "root never expires");
    let seal = s.seal.unwrap();
    assert!(!seal.sealed && seal.initialized);
    assert!(seal.version.starts_with("2."), "{}", seal.version);
    let mounts = deck.mounts(&p.id).await.unwrap();
    assert!(mounts
        .iter()
        .any(|m| m.path == "secret/" && m.kv_version == Some(2)));
    assert_eq!(deck.list_connections().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn userpass_and_approle_sign_in_and_wrong_secrets_are_unauthenticated() {
    let bao = vaultdeck_testkit::shared_openbao_dev();
    let root = bao.client().unwrap();
    let _ = root
        .write("sys/auth/userpass-core", &json!({"type": "userpass"}))
        .await;
    root.write(
        "auth/userpass-core/users/carol",
        &json!({"password": "carol-pw", "token_policies": ["default"]}),
    )
    .await
    .unwrap();
    let _ = root
        .write("sys/auth/approle-core", &json!({"type": "approle"}))
        .await;
    root.write(
        "auth/approle-core/role/ci",
        &json!({"token_policies": ["default"]}),
    )
    .await
    .unwrap();
    let role_id = root
        .read("auth/approle-core/role/ci/role-id")
        .await
        .unwrap()
        .unwrap()["data"]["role_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret_id = root
        .write("auth/approle-core/role/ci/secret-id", &json!({}))
        .await
        .unwrap()
        .unwrap()["data"]["secret_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let (_d, deck) = deck();
    let up = deck
        .save_profile(
            profile(
                "up",
                &bao.addr,
                VaultAuth::Userpass {
                    username: "carol".into(),
                    mount: "userpass-core".into(),
                },
            ),
            None,
            false,
        )
        .unwrap();
    // No stored credential: a clear Unauthenticated error naming what to enter.
    let err = deck.connect(&up.id, None, false).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthenticated);
    assert!(err.to_string().contains("password"), "{err}");
    let err = deck
        .connect(&up.id, Some(SecretString::from("nope")), false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthenticated);
    assert!(
        err.to_string().contains("invalid username or password"),
        "{err}"
    );
    let s = deck
        .connect(&up.id, Some(SecretString::from("carol-pw")), true)
        .await
        .unwrap();
    assert_eq!(
        s.identity.unwrap().display_name,
        "userpass-core-carol",
        "display name is <mount>-<user>"
    );
    // remember = true stored it: a second sign-in needs nothing typed.
    deck.connect(&up.id, None, false).await.unwrap();

    let ar = deck
        .save_profile(
            profile(
                "ar",
                &bao.addr,
                VaultAuth::AppRole {
                    role_id,
                    mount: "approle-core".into(),
                },
            ),
            Some(SecretString::from(secret_id)),
            false,
        )
        .unwrap();
    let s = deck.connect(&ar.id, None, false).await.unwrap();
    assert!(s.identity.unwrap().display_name.starts_with("approle"));
    assert_eq!(
        deck.list_connections().len(),
        2,
        "several connections open at once"
    );

    let failed = deck
        .audit()
        .list(&AuditFilter {
            outcome: Some("error".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        failed.len(),
        1,
        "only the wrong password was a failed login: {failed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewable_tokens_are_renewed_in_the_background_and_logout_revokes() {
    let bao = vaultdeck_testkit::shared_openbao_dev();
    let root = bao.client().unwrap();
    let created = root
        .write(
            "auth/token/create",
            &json!({"policies": ["default"], "ttl": "7s", "explicit_max_ttl": "1h"}),
        )
        .await
        .unwrap()
        .unwrap();
    let token = created["auth"]["client_token"].as_str().unwrap().to_owned();
    let (_d, deck) = deck();
    let p = deck
        .save_profile(
            profile("short", &bao.addr, VaultAuth::Token),
            Some(SecretString::from(token.clone())),
            false,
        )
        .unwrap();
    deck.connect(&p.id, None, false).await.unwrap();
    // Renewal happens at 2/3 of the TTL (≥ 5 s); after 9 s the 7 s token is still alive.
    tokio::time::sleep(Duration::from_secs(9)).await;
    let s = deck
        .refresh(&p.id)
        .await
        .expect("token expired: background renewal did not run");
    assert!(s.identity.unwrap().ttl_seconds.unwrap() > 0);
    let renewals = deck
        .audit()
        .list(&AuditFilter {
            action: Some("token.renew_self".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(!renewals.is_empty(), "background renewal is audited");

    deck.disconnect(&p.id, true).await.unwrap();
    let check = bao.client().unwrap().with_token(SecretString::from(token));
    let err = check.lookup_self().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthenticated, "revoked on logout");
    assert!(deck.list_connections().is_empty());
    let _ = bao.root_token.expose_secret();
}
