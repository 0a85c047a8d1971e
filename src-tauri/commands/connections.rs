//! Connection commands: sign in/out, status, token renewal, mounts.

use tauri::State;
use vaultdeck_types::{
    ConnectArgs, ConnectionSummary, DisconnectArgs, MountInfo, NoArgs, ProfileRef,
};

use super::profiles::typed_secret;
use super::CmdResult;
use crate::state::AppState;

/// Sign in with a profile.
#[tauri::command]
pub async fn connect(
    state: State<'_, AppState>,
    args: ConnectArgs,
) -> CmdResult<ConnectionSummary> {
    let typed = typed_secret(args.credential.as_ref());
    Ok(state
        .deck
        .connect(&args.profile_id, typed, args.remember)
        .await?)
}

/// Close a connection, optionally revoking its token.
#[tauri::command]
pub async fn disconnect(state: State<'_, AppState>, args: DisconnectArgs) -> CmdResult<()> {
    // Passwords of credentials issued on this connection go with it.
    state.issued_passwords.forget_profile(&args.profile_id);
    Ok(state
        .deck
        .disconnect(&args.profile_id, args.revoke_token)
        .await?)
}

/// Open connections.
#[tauri::command]
pub async fn list_connections(
    state: State<'_, AppState>,
    args: NoArgs,
) -> CmdResult<Vec<ConnectionSummary>> {
    let _ = args;
    state.demo_outcome().await;
    Ok(state.deck.list_connections())
}

/// Re-read identity and seal/HA state.
#[tauri::command]
pub async fn refresh_connection(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<ConnectionSummary> {
    Ok(state.deck.refresh(&args.profile_id).await?)
}

/// Renew the connection's token now.
#[tauri::command]
pub async fn renew_token(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<ConnectionSummary> {
    Ok(state.deck.renew(&args.profile_id).await?)
}

/// Mounts visible to the token.
#[tauri::command]
pub async fn list_mounts(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<Vec<MountInfo>> {
    Ok(state.deck.mounts(&args.profile_id).await?)
}
