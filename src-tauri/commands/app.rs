//! App-level commands.

use tauri::State;
use vaultdeck_types::{AppInfo, NoArgs};

use super::CmdResult;
use crate::state::{AppState, DemoOutcome};

/// Version, file locations, keychain status and the demo profile.
#[tauri::command]
pub async fn get_app_info(state: State<'_, AppState>, args: NoArgs) -> CmdResult<AppInfo> {
    let _ = args;
    let demo = state.demo_outcome().await;
    let kc = state.deck.keychain();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        profiles_file: state.paths.profiles_file().display().to_string(),
        audit_file: state.paths.audit_file().display().to_string(),
        keychain_available: kc.is_os(),
        keychain_message: kc.unavailable_reason().map(str::to_owned),
        demo_profile_id: match demo {
            DemoOutcome::Started(id) => Some(id),
            _ => None,
        },
    })
}

/// Logged once by the UI after its first render: the startup bench reads this line.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>, args: NoArgs) -> CmdResult<()> {
    let _ = args;
    tracing::info!(
        elapsed_ms = state.started.elapsed().as_millis() as u64,
        "ui_ready: first render"
    );
    Ok(())
}
