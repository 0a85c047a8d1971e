//! Leases screen commands: the streamed, cancelable lease scan (ending with the dashboard) and
//! the audited lease actions. Each delegates to `vaultdeck_core::leases`.

use secrecy::ExposeSecret;
use tauri::ipc::Channel;
use tauri::State;
use tokio_util::sync::CancellationToken;
use vaultdeck_core::capability::LeaseAdmin;
use vaultdeck_core::leases::{
    self, AuditTo, InventoryOptions, LeaseEntry, OffsetDateTime, TokenFilter,
};
use vaultdeck_types::{IssueCredsArgs, IssuedCredentials, RevealedValue};
use vaultdeck_types::{
    LeaseBatch, LeaseRenewed, LeaseRevokeState, LeaseRow, LeaseScanArgs, LeaseScanProgress,
    LeaseScanReport, RenewLeaseArgs, RevokeAccessorArgs, RevokeLeaseArgs, RevokePrefixArgs,
    TokenInventory, TokenRow,
};

use super::CmdResult;
use crate::state::{lock, AppState};

fn audit<'a>(state: &'a AppState, profile: &'a str) -> AuditTo<'a> {
    AuditTo {
        log: state.deck.audit(),
        profile,
    }
}

/// Scans the leases under `prefix`; batches stream through `on_batch`, the report carries the
/// dashboard. Cancel with `cancel_job`. Without `list` + `sudo` the error names the policy line.
#[tauri::command]
pub async fn start_lease_scan(
    state: State<'_, AppState>,
    args: LeaseScanArgs,
    on_batch: Channel<LeaseBatch>,
) -> CmdResult<LeaseScanReport> {
    let conn = state.deck.connection(&args.profile_id)?;
    let cancel = CancellationToken::new();
    lock(&state.jobs).insert(args.job_id.clone(), cancel.clone());
    let r = run_scan(&conn, &args.prefix, &cancel, &on_batch).await;
    lock(&state.jobs).remove(&args.job_id);
    r
}

async fn run_scan(
    conn: &vaultdeck_core::Connection,
    prefix: &str,
    cancel: &CancellationToken,
    on_batch: &Channel<LeaseBatch>,
) -> CmdResult<LeaseScanReport> {
    let mut all: Vec<LeaseEntry> = Vec::new();
    let opts = InventoryOptions::default();
    let report = leases::inventory(conn, prefix, &opts, cancel, |b| {
        let batch = LeaseBatch {
            leases: b.leases.iter().map(row).collect(),
            progress: progress(&b.progress),
        };
        all.extend(b.leases);
        if let Err(e) = on_batch.send(batch) {
            tracing::warn!(error = %e, "could not send a lease batch to the UI");
        }
    })
    .await?;
    let irrevocable = conn.irrevocable_lease_count().await.unwrap_or(None);
    let d = leases::dashboard(&all, OffsetDateTime::now_utc(), irrevocable);
    Ok(LeaseScanReport {
        root: report.root,
        progress: progress(&report.progress),
        cancelled: report.cancelled,
        elapsed_ms: report.elapsed_ms,
        dashboard: d,
    })
}

fn row(l: &LeaseEntry) -> LeaseRow {
    LeaseRow {
        id: l.id.clone(),
        mount: l.mount.clone(),
        role: l.role.clone(),
        issue_time: l.issue_time.clone(),
        expire_time: l.expire_time.clone(),
        last_renewal: l.last_renewal.clone(),
        renewable: l.renewable,
        ttl: l.ttl,
    }
}

fn progress(p: &leases::InventoryProgress) -> LeaseScanProgress {
    LeaseScanProgress {
        prefixes_done: p.prefixes_done,
        pending: p.pending,
        leases_found: p.leases_found,
        leases_looked_up: p.leases_looked_up,
        vanished: p.vanished,
    }
}

/// Renews a lease (audited as `lease.renew`); `capped` when the server granted less.
#[tauri::command]
pub async fn renew_lease(
    state: State<'_, AppState>,
    args: RenewLeaseArgs,
) -> CmdResult<LeaseRenewed> {
    let conn = state.deck.connection(&args.profile_id)?;
    let a = audit(&state, &args.profile_id);
    let r = leases::renew(&conn, a, &args.lease_id, args.increment).await?;
    let (lease_id, granted_secs, requested_secs) = (r.lease_id, r.granted_secs, r.requested_secs);
    let (capped, warnings) = (r.capped, r.warnings);
    Ok(LeaseRenewed {
        lease_id,
        granted_secs,
        requested_secs,
        capped,
        warnings,
    })
}

/// Revokes one lease (audited as `lease.revoke`); `sync: false` answers `pending`.
#[tauri::command]
pub async fn revoke_lease(
    state: State<'_, AppState>,
    args: RevokeLeaseArgs,
) -> CmdResult<LeaseRevokeState> {
    let conn = state.deck.connection(&args.profile_id)?;
    let a = audit(&state, &args.profile_id);
    Ok(
        match leases::revoke(&conn, a, &args.lease_id, args.sync).await? {
            leases::RevokeState::Revoked => LeaseRevokeState::Revoked,
            leases::RevokeState::Pending => LeaseRevokeState::Pending,
        },
    )
}

/// Revokes every lease under a prefix once the prefix is typed (audited).
#[tauri::command]
pub async fn revoke_lease_prefix(
    state: State<'_, AppState>,
    args: RevokePrefixArgs,
) -> CmdResult<()> {
    let conn = state.deck.connection(&args.profile_id)?;
    let a = audit(&state, &args.profile_id);
    let (p, typed) = (&args.prefix, &args.confirm_prefix);
    Ok(leases::revoke_prefix(&conn, a, p, typed, args.previewed).await?)
}

/// Force-revokes a prefix: database users and other backend objects REMAIN. Needs the typed
/// prefix and `i_understand_backend_objects_remain` (audited).
#[tauri::command]
pub async fn revoke_lease_force(
    state: State<'_, AppState>,
    args: RevokePrefixArgs,
) -> CmdResult<()> {
    let conn = state.deck.connection(&args.profile_id)?;
    let a = audit(&state, &args.profile_id);
    let (p, typed) = (&args.prefix, &args.confirm_prefix);
    let understood = args.i_understand_backend_objects_remain;
    Ok(leases::revoke_force(&conn, a, p, typed, understood).await?)
}

/// Every token (root or `sudo` on `auth/token/accessors`, else `PermissionDenied`), with the
/// root tokens among them. Small inventories: collected, not streamed.
#[tauri::command]
pub async fn list_tokens(
    state: State<'_, AppState>,
    args: vaultdeck_types::ProfileRef,
) -> CmdResult<TokenInventory> {
    let conn = state.deck.connection(&args.profile_id)?;
    let (mut all, cancel) = (Vec::new(), CancellationToken::new());
    let opts = InventoryOptions::default();
    let r = leases::token_inventory(&conn, &opts, &cancel, |b| all.extend(b.tokens)).await?;
    let tokens = leases::filter_tokens(&all, &TokenFilter::default());
    let roots = leases::find_root_tokens(&all);
    Ok(TokenInventory {
        tokens: tokens.into_iter().map(token_row).collect(),
        root_accessors: roots.iter().map(|t| t.accessor.clone()).collect(),
        vanished: r.vanished,
    })
}

fn token_row(t: &leases::TokenInfo) -> TokenRow {
    TokenRow {
        accessor: t.accessor.clone(),
        display_name: t.display_name.clone(),
        policies: t.policies.clone(),
        ttl: t.ttl,
        expire_time: t.expire_time.clone(),
        renewable: t.renewable,
        token_type: t.token_type.clone(),
        orphan: t.orphan,
        path: t.path.clone(),
    }
}

/// Revokes a token and its children by accessor (audited).
#[tauri::command]
pub async fn revoke_token_accessor(
    state: State<'_, AppState>,
    args: RevokeAccessorArgs,
) -> CmdResult<()> {
    let conn = state.deck.connection(&args.profile_id)?;
    let a = audit(&state, &args.profile_id);
    Ok(leases::revoke_token_accessor(&conn, a, &args.accessor).await?)
}

/// Issues credentials from a database role (audited as `creds.issue`, without the password);
/// the password crosses to the UI only as a [`RevealedValue`].
#[tauri::command]
pub async fn issue_db_credentials(
    state: State<'_, AppState>,
    args: IssueCredsArgs,
) -> CmdResult<IssuedCredentials> {
    let conn = state.deck.connection(&args.profile_id)?;
    let a = audit(&state, &args.profile_id);
    let c = leases::issue_db_credentials(&conn, a, &args.mount, &args.role).await?;
    Ok(IssuedCredentials {
        password: RevealedValue::new(c.password.expose_secret()),
        lease_id: c.lease_id.clone(),
        lease_duration: c.lease_duration,
        renewable: c.renewable,
        username: c.username.clone(),
        hide_after_secs: super::secrets::env_secs("VAULTDECK_REVEAL_SECS", 30),
    })
}
