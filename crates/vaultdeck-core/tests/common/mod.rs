//! Set-up shared by core's integration tests against the shared OpenBao dev server.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::sync::Arc;

use vaultdeck_core::connection::VaultConnection;
use vaultdeck_core::keychain::Keychain;
use vaultdeck_core::paths::AppPaths;
use vaultdeck_core::sessions::Deck;
use vaultdeck_core::Connection;
use vaultdeck_types::{Capability, Profile, ProfileKind, VaultAuth, VaultProfile};

/// A root-token connection to the shared OpenBao dev server (no deck, no audit).
pub fn root_conn() -> Connection {
    let bao = vaultdeck_testkit::shared_openbao_dev();
    Connection::Vault(VaultConnection::from_client(bao.client().unwrap()))
}

/// A deck in a temporary folder (in-memory keychain) with a saved root-token profile "dev" on
/// the shared OpenBao dev server, connected and holding `needs`; returns the folder (keep it
/// alive), the deck and the profile id.
pub async fn root_deck(needs: Capability) -> (tempfile::TempDir, Arc<Deck>, String) {
    let (dir, deck) = temp_deck();
    let id = save_root_vault_profile(&deck, "dev");
    let summary = deck.connect(&id, None, false).await.unwrap();
    assert!(summary.capabilities.contains(&needs), "{summary:?}");
    (dir, deck, id)
}

/// An empty deck in a temporary folder with an in-memory keychain; returns the folder (keep
/// it alive) and the deck.
pub fn temp_deck() -> (tempfile::TempDir, Arc<Deck>) {
    let dir = tempfile::tempdir().unwrap();
    let deck = Arc::new(Deck::new(
        &AppPaths::under(dir.path()),
        Keychain::memory("test"),
    ));
    (dir, deck)
}

/// Saves a root-token profile `name` on the shared OpenBao dev server in `deck` (not
/// connected); returns its id.
pub fn save_root_vault_profile(deck: &Deck, name: &str) -> String {
    let bao = vaultdeck_testkit::shared_openbao_dev();
    deck.save_profile(
        Profile {
            id: String::new(),
            name: name.into(),
            kind: ProfileKind::Vault(VaultProfile {
                address: bao.addr.clone(),
                namespace: String::new(),
                ca_cert: None,
                tls_verify: true,
                allow_plain_http: false,
                auth: VaultAuth::Token,
            }),
        },
        Some(bao.root_token.clone()),
        false,
    )
    .unwrap()
    .id
}

/// Writes ACL policy `name` with `rules` through `root` and returns a client holding a new
/// token with only that policy (same server and namespace as `root`).
pub async fn policy_client(
    root: &vaultdeck_vault::VaultClient,
    name: &str,
    rules: &str,
) -> vaultdeck_vault::VaultClient {
    root.write(
        &format!("sys/policies/acl/{name}"),
        &serde_json::json!({ "policy": rules }),
    )
    .await
    .unwrap();
    let auth = root
        .create_token(&vaultdeck_vault::TokenRequest {
            policies: vec![name.to_owned()],
            ..Default::default()
        })
        .await
        .unwrap();
    root.with_token(auth.client_token)
}

/// [`policy_client`] as a [`Connection`].
pub async fn policy_conn(
    root: &vaultdeck_vault::VaultClient,
    name: &str,
    rules: &str,
) -> Connection {
    Connection::Vault(VaultConnection::from_client(
        policy_client(root, name, rules).await,
    ))
}
