//! Audit log commands.

use tauri::State;
use vaultdeck_types::{AuditEntry, AuditVerifyReport, ListAuditArgs, NoArgs};

use super::{blocking, CmdResult};
use crate::state::AppState;

/// Entries newest first, filtered.
#[tauri::command]
pub async fn list_audit(
    state: State<'_, AppState>,
    args: ListAuditArgs,
) -> CmdResult<Vec<AuditEntry>> {
    let deck = state.deck.clone();
    blocking(move || deck.audit().list(&args.filter)).await
}

/// Verify the hash chain.
#[tauri::command]
pub async fn verify_audit(
    state: State<'_, AppState>,
    args: NoArgs,
) -> CmdResult<AuditVerifyReport> {
    let _ = args;
    let deck = state.deck.clone();
    blocking(move || deck.audit().verify()).await
}
