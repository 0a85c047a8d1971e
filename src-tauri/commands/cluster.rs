//! The cluster view (main window): overview of the open connection's raft/HA cluster, an
//! audited step-down and an audited raft snapshot download with progress on a channel. Each
//! delegates to `vaultdeck_core::cluster`.

use tauri::ipc::Channel;
use tauri::State;
use vaultdeck_core::cluster;
use vaultdeck_core::leases::OffsetDateTime;
use vaultdeck_types::{
    ClusterArgs, ClusterOverview, ErrorCode, ExportedFile, IpcError, RaftSnapshotArgs,
    RaftSnapshotProgress, StepDownArgs,
};
use vaultdeck_vault::VaultClient;

use super::CmdResult;
use crate::state::AppState;

/// The open connection's client and the profile name (Vault / OpenBao only).
fn client(state: &AppState, profile_id: &str) -> CmdResult<(VaultClient, String)> {
    let name = state.deck.profile(profile_id)?.name;
    match state.deck.connection(profile_id)? {
        vaultdeck_core::Connection::Vault(v) => Ok((v.client().clone(), name)),
        _ => Err(IpcError::new(
            ErrorCode::Unsupported,
            "the cluster view needs a Vault / OpenBao connection",
        )),
    }
}

/// Raft peers, HA nodes and autopilot state of the connection's cluster.
#[tauri::command]
pub async fn cluster_overview(
    state: State<'_, AppState>,
    args: ClusterArgs,
) -> CmdResult<ClusterOverview> {
    let (c, _) = client(&state, &args.profile_id)?;
    Ok(cluster::overview(&c).await)
}

/// The active node steps down, confirmed by the typed profile name.
#[tauri::command]
pub async fn cluster_step_down(state: State<'_, AppState>, args: StepDownArgs) -> CmdResult<()> {
    let (c, name) = client(&state, &args.profile_id)?;
    Ok(cluster::step_down(&c, state.deck.audit(), &name, &args.typed_confirm).await?)
}

/// Downloads a raft snapshot to a file; the bytes so far stream through `on_batch`.
#[tauri::command]
pub async fn cluster_raft_snapshot(
    state: State<'_, AppState>,
    args: RaftSnapshotArgs,
    on_batch: Channel<RaftSnapshotProgress>,
) -> CmdResult<ExportedFile> {
    let (c, name) = client(&state, &args.profile_id)?;
    let mut last = 0u64;
    let mut progress = |bytes: u64| {
        // At most one message per 64 KiB.
        if bytes - last >= 64 * 1024 || last == 0 {
            last = bytes;
            let _ = on_batch.send(RaftSnapshotProgress { bytes });
        }
    };
    let out = cluster::raft_snapshot(
        &c,
        state.deck.audit(),
        &name,
        &state.paths.data_dir,
        args.file.as_deref(),
        &mut progress,
        OffsetDateTime::now_utc(),
    )
    .await?;
    let _ = on_batch.send(RaftSnapshotProgress { bytes: out.bytes });
    Ok(out)
}
