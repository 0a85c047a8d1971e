//! Rotations screen commands: targets with health, the single audited rotations, and bulk
//! plans (dry run, a run streaming per-step results through `on_batch`, cancelable with
//! `cancel_job`, and the report export; Vault steps on the plan's connection, AWS / Azure steps
//! on the connection each names), and the cloud targets of an open AWS or Azure connection.
//! Each delegates to `vaultdeck_core::rotations`.

use std::time::Instant;

use tauri::ipc::Channel;
use tauri::State;
use tokio_util::sync::CancellationToken;
use vaultdeck_core::leases::{AuditTo, OffsetDateTime};
use vaultdeck_core::rotations;
use vaultdeck_core::secrets::Audited;
use vaultdeck_types::{
    CloudTargets, CloudTargetsArgs, DbTargets, DbTargetsArgs, ExportRotationReportArgs, KvRotated,
    KvTarget, KvTargetArgs, PlanPreview, PreviewPlanArgs, RotateDbRootArgs, RotateKvValueArgs,
    RotateStaticRoleArgs, RotateTransitKeyArgs, RotationReportFiles, RotationRunReport,
    RunPlanArgs, StepResult, TransitKeyTarget, TransitMinVersionsArgs, TransitTargets,
    TransitTargetsArgs,
};

use super::CmdResult;
use crate::state::{lock, AppState};

fn audit<'a>(state: &'a AppState, profile: &'a str) -> AuditTo<'a> {
    AuditTo {
        log: state.deck.audit(),
        profile,
    }
}

/// A database mount's connections and static roles, flagged when older than the maximum age.
#[tauri::command]
pub async fn list_db_rotation_targets(
    state: State<'_, AppState>,
    args: DbTargetsArgs,
) -> CmdResult<DbTargets> {
    let conn = state.deck.connection(&args.profile_id)?;
    let now = OffsetDateTime::now_utc();
    Ok(rotations::db_targets(&conn, &args.mount, now, args.max_age_days).await?)
}

/// A transit mount's keys with versions, allowed versions and health.
#[tauri::command]
pub async fn list_transit_keys(
    state: State<'_, AppState>,
    args: TransitTargetsArgs,
) -> CmdResult<TransitTargets> {
    let conn = state.deck.connection(&args.profile_id)?;
    let now = OffsetDateTime::now_utc();
    Ok(rotations::transit_targets(&conn, &args.mount, now, args.max_age_days).await?)
}

/// A KV v2 secret's key names, version and health (never a value).
#[tauri::command]
pub async fn get_kv_rotation_target(
    state: State<'_, AppState>,
    args: KvTargetArgs,
) -> CmdResult<KvTarget> {
    let conn = state.deck.connection(&args.profile_id)?;
    let now = OffsetDateTime::now_utc();
    Ok(rotations::kv_target(&conn, args.path.trim(), now, args.max_age_days).await?)
}

/// Rotates a database connection's root credential once its name is typed (audited).
#[tauri::command]
pub async fn rotate_db_root(state: State<'_, AppState>, args: RotateDbRootArgs) -> CmdResult<()> {
    let conn = state.deck.connection(&args.profile_id)?;
    let a = audit(&state, &args.profile_id);
    let (m, c, typed) = (&args.mount, &args.connection, &args.confirm_connection);
    Ok(rotations::rotate_db_root(&conn, a, m, c, typed).await?)
}

/// Rotates a static role's password now (audited).
#[tauri::command]
pub async fn rotate_static_role(
    state: State<'_, AppState>,
    args: RotateStaticRoleArgs,
) -> CmdResult<()> {
    let conn = state.deck.connection(&args.profile_id)?;
    let a = audit(&state, &args.profile_id);
    Ok(rotations::rotate_static_role(&conn, a, &args.mount, &args.role).await?)
}

/// Adds a new version to a transit key (audited); returns the key afterwards.
#[tauri::command]
pub async fn rotate_transit_key(
    state: State<'_, AppState>,
    args: RotateTransitKeyArgs,
) -> CmdResult<TransitKeyTarget> {
    let conn = state.deck.connection(&args.profile_id)?;
    let a = audit(&state, &args.profile_id);
    let k = rotations::rotate_transit_key(&conn, a, &args.mount, &args.key).await?;
    Ok(rotations::transit_target(
        k,
        OffsetDateTime::now_utc(),
        args.max_age_days,
    ))
}

/// Sets a transit key's minimum versions (audited; refuses a minimum above the latest).
#[tauri::command]
pub async fn set_transit_min_versions(
    state: State<'_, AppState>,
    args: TransitMinVersionsArgs,
) -> CmdResult<TransitKeyTarget> {
    let conn = state.deck.connection(&args.profile_id)?;
    let a = audit(&state, &args.profile_id);
    let key = rotations::transit_key(&conn, &args.mount, &args.key).await?;
    let (dec, enc) = (args.min_decryption_version, args.min_encryption_version);
    let k = rotations::set_transit_min_versions(&conn, a, &key, &args.mount, dec, enc).await?;
    Ok(rotations::transit_target(
        k,
        OffsetDateTime::now_utc(),
        args.max_age_days,
    ))
}

/// Writes new random values for keys of a KV v2 secret with check-and-set (audited as
/// `kv.patch`); the previous version stays. The values never leave the backend.
#[tauri::command]
pub async fn rotate_kv_value(
    state: State<'_, AppState>,
    args: RotateKvValueArgs,
) -> CmdResult<KvRotated> {
    let store = Audited::for_profile(&state.deck, &args.profile_id)?;
    let path = args.path.trim();
    let version = rotations::rotate_kv_value(&store, path, &args.keys, &args.spec).await?;
    Ok(KvRotated {
        path: path.to_owned(),
        keys: args.keys,
        version,
    })
}

/// The dry run of a plan: descriptions and problems; nothing changes.
#[tauri::command]
pub async fn preview_rotation_plan(args: PreviewPlanArgs) -> CmdResult<PlanPreview> {
    Ok(rotations::preview(&args.plan))
}

/// Runs a plan step by step; each result streams through `on_batch` as it finishes. Vault
/// steps run on `profile_id` (which must then be an open Vault connection); each AWS / Azure
/// step on the connection it names (a closed one fails that step alone). Database root steps
/// need their connection names typed. Cancel with `cancel_job`.
#[tauri::command]
pub async fn run_rotation_plan(
    state: State<'_, AppState>,
    args: RunPlanArgs,
    on_batch: Channel<StepResult>,
) -> CmdResult<RotationRunReport> {
    rotations::check_plan(&args.plan, &args.confirm_db_roots)?;
    let vault = rotations::plan_vault(&state.deck, &args.profile_id, &args.plan)?;
    let target = rotations::plan_target_label(&state.deck, &args.profile_id, &args.plan);
    let cancel = CancellationToken::new();
    lock(&state.jobs).insert(args.job_id.clone(), cancel.clone());
    let (started, clock) = (OffsetDateTime::now_utc(), Instant::now());
    // A cloud-only plan has no Vault profile: its record names the connections it ran on.
    let audit_profile = match args.profile_id.as_str() {
        "" => target.clone(),
        id => id.to_owned(),
    };
    let a = audit(&state, &audit_profile);
    let conns = rotations::PlanConnections {
        vault: vault.as_ref().map(|(c, s)| (c, s)),
        deck: Some(&*state.deck),
    };
    let results = rotations::execute_plan(conns, a, &args.plan, args.stop_on_error, &cancel, |r| {
        if let Err(e) = on_batch.send(r.clone()) {
            tracing::warn!(error = %e, "could not send a rotation step result to the UI");
        }
    })
    .await;
    lock(&state.jobs).remove(&args.job_id);
    let elapsed = clock.elapsed().as_millis() as u64;
    let (stop, cancelled) = (args.stop_on_error, cancel.is_cancelled());
    Ok(rotations::run_report(
        target, started, elapsed, stop, cancelled, results,
    ))
}

/// An open AWS or Azure connection's rotatable secrets and keys with health (names only).
#[tauri::command]
pub async fn list_cloud_rotation_targets(
    state: State<'_, AppState>,
    args: CloudTargetsArgs,
) -> CmdResult<CloudTargets> {
    let now = OffsetDateTime::now_utc();
    let (deck, id) = (&state.deck, &args.profile_id);
    Ok(rotations::cloud_targets(deck, id, now, args.max_age_days).await?)
}

/// Writes a run report as Markdown + JSON into the chosen folder (or the data folder's
/// `exports/`), audited as `rotate.report`.
#[tauri::command]
pub async fn export_rotation_report(
    state: State<'_, AppState>,
    args: ExportRotationReportArgs,
) -> CmdResult<RotationReportFiles> {
    let profile = state.deck.profile(&args.profile_id)?;
    let a = audit(&state, &profile.name);
    let (dir, now) = (&state.paths.data_dir, OffsetDateTime::now_utc());
    let folder = args.folder.as_deref();
    Ok(rotations::export_report(a, dir, &args.report, folder, now)?)
}
