//! Profile commands.

use secrecy::SecretString;
use tauri::State;
use vaultdeck_core::audit::AuditRecord;
use vaultdeck_types::{NoArgs, Profile, ProfileRef, SaveProfileArgs};

use super::{blocking, CmdResult};
use crate::state::AppState;

/// Saved profiles plus the session-only demo profile.
#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>, args: NoArgs) -> CmdResult<Vec<Profile>> {
    let _ = args;
    state.demo_outcome().await;
    Ok(state.deck.list_profiles()?)
}

/// Create or update a profile and optionally store its credential in the keychain.
#[tauri::command]
pub async fn save_profile(state: State<'_, AppState>, args: SaveProfileArgs) -> CmdResult<Profile> {
    let deck = state.deck.clone();
    let credential = secret(args.credential.as_ref());
    blocking(move || deck.save_profile(args.profile, credential, args.confirm_insecure_tls)).await
}

/// Delete a profile and its credential.
#[tauri::command]
pub async fn delete_profile(state: State<'_, AppState>, args: ProfileRef) -> CmdResult<()> {
    let deck = state.deck.clone();
    blocking(move || deck.delete_profile(&args.profile_id)).await
}

/// Duplicate a profile (credential not copied).
#[tauri::command]
pub async fn duplicate_profile(state: State<'_, AppState>, args: ProfileRef) -> CmdResult<Profile> {
    let deck = state.deck.clone();
    blocking(move || deck.duplicate_profile(&args.profile_id)).await
}

/// Create a profile from VAULT_ADDR / VAULT_TOKEN / ... and ~/.vault-token.
#[tauri::command]
pub async fn import_env_profile(state: State<'_, AppState>, args: NoArgs) -> CmdResult<Profile> {
    let _ = args;
    let deck = state.deck.clone();
    blocking(move || {
        let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
        let imp = vaultdeck_core::env_import::from_env(|k| std::env::var(k).ok(), home.as_deref())?;
        let saved = deck.save_profile(imp.profile, imp.token, false)?;
        deck.audit()
            .append(AuditRecord::ok("profile.import_env").profile(&saved.name))?;
        Ok(saved)
    })
    .await
}

fn secret(input: Option<&vaultdeck_types::SecretInput>) -> Option<SecretString> {
    input
        .filter(|s| !s.is_empty())
        .map(|s| SecretString::from(s.expose().to_owned()))
}

/// Converts a typed credential into a core secret (empty = none).
pub(crate) fn typed_secret(input: Option<&vaultdeck_types::SecretInput>) -> Option<SecretString> {
    secret(input)
}
