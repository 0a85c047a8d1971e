//! Leases screen commands: the streamed, cancelable lease scan (ending with the dashboard) and
//! the audited lease actions. Each delegates to `vaultdeck_core::leases`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tokio_util::sync::CancellationToken;
use vaultdeck_core::audit::AuditRecord;
use vaultdeck_core::capability::LeaseAdmin;
use vaultdeck_core::leases::{
    self, AuditTo, InventoryOptions, LeaseEntry, OffsetDateTime, TokenFilter,
};
use vaultdeck_types::{
    CopiedIssuedPassword, ErrorCode, IpcError, IssueCredsArgs, IssuedCredentials, IssuedCredsRef,
    RevealedIssuedPassword, RevealedValue,
};
use vaultdeck_types::{
    LeaseBatch, LeaseRenewed, LeaseRevokeState, LeaseScanArgs, LeaseScanProgress, LeaseScanReport,
    RenewLeaseArgs, RevokeAccessorArgs, RevokeLeaseArgs, RevokePrefixArgs, TokenInventory,
    TokenRow,
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
            leases: b.leases.clone(),
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

fn progress(p: &leases::InventoryProgress) -> LeaseScanProgress {
    LeaseScanProgress {
        prefixes_done: p.prefixes_done,
        pending: p.pending,
        leases_found: p.leases_found,
        leases_looked_up: p.leases_looked_up,
        vanished: p.vanished,
        prefixes_denied: p.prefixes_denied,
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
    let until = Instant::now() + Duration::from_secs(r.granted_secs);
    state
        .issued_passwords
        .extend(&args.profile_id, &args.lease_id, until);
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
    let r = leases::revoke(&conn, a, &args.lease_id, args.sync).await?;
    // Revoked or queued for revocation: its password is of no more use.
    state
        .issued_passwords
        .forget(&args.profile_id, &args.lease_id);
    Ok(match r {
        leases::RevokeState::Revoked => LeaseRevokeState::Revoked,
        leases::RevokeState::Pending => LeaseRevokeState::Pending,
    })
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
    leases::revoke_prefix(&conn, a, p, typed, args.previewed).await?;
    state.issued_passwords.forget_prefix(&args.profile_id, p);
    Ok(())
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
    leases::revoke_force(&conn, a, p, typed, understood).await?;
    state.issued_passwords.forget_prefix(&args.profile_id, p);
    Ok(())
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

/// Issues credentials from a database role (audited as `creds.issue`, without the password).
/// The password stays in backend memory ([`IssuedPasswords`]); the UI gets it only through
/// [`reveal_issued_password`] or has it copied by [`copy_issued_password`].
#[tauri::command]
pub async fn issue_db_credentials(
    state: State<'_, AppState>,
    args: IssueCredsArgs,
) -> CmdResult<IssuedCredentials> {
    let conn = state.deck.connection(&args.profile_id)?;
    let a = audit(&state, &args.profile_id);
    let c = leases::issue_db_credentials(&conn, a, &args.mount, &args.role).await?;
    let expires =
        (c.lease_duration > 0).then(|| Instant::now() + Duration::from_secs(c.lease_duration));
    state
        .issued_passwords
        .hold(&args.profile_id, &c.lease_id, c.password.clone(), expires);
    Ok(IssuedCredentials {
        lease_id: c.lease_id.clone(),
        lease_duration: c.lease_duration,
        renewable: c.renewable,
        username: c.username.clone(),
    })
}

/// Reveals the password of credentials issued through the app (audited as `creds.reveal`);
/// `NotFound` once it is no longer held (revoked, connection closed, lease expired).
#[tauri::command]
pub async fn reveal_issued_password(
    state: State<'_, AppState>,
    args: IssuedCredsRef,
) -> CmdResult<RevealedIssuedPassword> {
    let r = held_password(&state, &args);
    record_reveal(&state, &args, "password revealed", &r);
    let password = RevealedValue::new(r?.expose_secret());
    Ok(RevealedIssuedPassword {
        lease_id: args.lease_id,
        password,
        hide_after_secs: super::secrets::timeouts(&state).reveal_secs,
    })
}

/// Copies the password of credentials issued through the app to the clipboard from the
/// backend (audited as `creds.reveal`), so it never enters the webview; cleared after the
/// clipboard timeout if the clipboard still holds it. `NotFound` once it is no longer held.
#[tauri::command]
pub async fn copy_issued_password<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: IssuedCredsRef,
) -> CmdResult<CopiedIssuedPassword> {
    let secs = super::secrets::timeouts(&state).clipboard_secs;
    let r = held_password(&state, &args).and_then(|p| {
        super::secrets::copy_then_clear(&app, p.expose_secret(), secs)?;
        Ok(p)
    });
    let detail = format!("password copied to the clipboard (cleared after {secs} s)");
    record_reveal(&state, &args, &detail, &r);
    r?;
    Ok(CopiedIssuedPassword {
        lease_id: args.lease_id,
        clear_after_secs: secs,
    })
}

/// The held password of `args`, if the connection is still open and the lease neither
/// revoked through the app nor expired.
fn held_password(state: &AppState, args: &IssuedCredsRef) -> CmdResult<SecretString> {
    if state.deck.connection(&args.profile_id).is_err() {
        // The connection closed (however it closed): its passwords go with it.
        state.issued_passwords.forget_profile(&args.profile_id);
    }
    state
        .issued_passwords
        .get(&args.profile_id, &args.lease_id, Instant::now())
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::NotFound,
                format!(
                    "the password of lease {} is no longer held (the lease was revoked or \
                     expired, or the connection closed); issue new credentials",
                    args.lease_id
                ),
            )
        })
}

fn record_reveal<T>(state: &AppState, args: &IssuedCredsRef, detail: &str, r: &CmdResult<T>) {
    let rec = match r {
        Ok(_) => AuditRecord::ok("creds.reveal").detail(detail),
        Err(e) => AuditRecord::failed("creds.reveal", e.message.clone()),
    };
    let rec = rec.profile(&args.profile_id).target(&args.lease_id);
    if let Err(e) = state.deck.audit().append(rec) {
        tracing::error!(error = %e, "could not append to the audit log");
    }
}

struct Held {
    password: SecretString,
    /// When the lease expires (`None`: it does not).
    expires: Option<Instant>,
}

type HeldMap = HashMap<(String, String), Held>;

/// Passwords of database credentials issued through the app, in backend memory only, keyed
/// by profile id and lease id. One is dropped when its lease is revoked through the app, when
/// its connection closes, and at the latest when its lease expires (a timer purges it then;
/// a renewal through the app pushes the expiry out).
#[derive(Clone, Default)]
pub struct IssuedPasswords {
    held: Arc<Mutex<HeldMap>>,
}

impl IssuedPasswords {
    /// Holds `password` for the lease until `expires` (`None`: until revoked or closed).
    pub fn hold(
        &self,
        profile_id: &str,
        lease_id: &str,
        password: SecretString,
        expires: Option<Instant>,
    ) {
        let key = (profile_id.to_owned(), lease_id.to_owned());
        lock(&self.held).insert(key, Held { password, expires });
        self.purge_at(expires);
    }

    /// The password of the lease, unless it expired by `now` (then it is dropped).
    pub fn get(&self, profile_id: &str, lease_id: &str, now: Instant) -> Option<SecretString> {
        self.purge_expired(now);
        let key = (profile_id.to_owned(), lease_id.to_owned());
        lock(&self.held).get(&key).map(|h| h.password.clone())
    }

    /// The lease was renewed through the app: it now expires at `expires`.
    pub fn extend(&self, profile_id: &str, lease_id: &str, expires: Instant) {
        let key = (profile_id.to_owned(), lease_id.to_owned());
        if let Some(h) = lock(&self.held).get_mut(&key) {
            h.expires = Some(expires);
        } else {
            return;
        }
        self.purge_at(Some(expires));
    }

    /// Drops the password of one lease; whether one was held.
    pub fn forget(&self, profile_id: &str, lease_id: &str) -> bool {
        let key = (profile_id.to_owned(), lease_id.to_owned());
        lock(&self.held).remove(&key).is_some()
    }

    /// Drops the passwords of the profile's leases under `prefix` (a revoke-prefix).
    pub fn forget_prefix(&self, profile_id: &str, prefix: &str) {
        let p = prefix.trim().trim_matches('/');
        lock(&self.held).retain(|(pid, lease), _| pid != profile_id || !under_prefix(lease, p));
    }

    /// Drops every password of a profile (its connection closed).
    pub fn forget_profile(&self, profile_id: &str) {
        lock(&self.held).retain(|(pid, _), _| pid != profile_id);
    }

    /// Drops the passwords whose lease expired by `now`.
    pub fn purge_expired(&self, now: Instant) {
        lock(&self.held).retain(|_, h| h.expires.is_none_or(|e| e > now));
    }

    /// How many passwords are held.
    pub fn len(&self) -> usize {
        lock(&self.held).len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Purges the expired passwords at `at` (when there is a runtime to wait on).
    fn purge_at(&self, at: Option<Instant>) {
        let Some(at) = at else { return };
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return; // no runtime (unit tests): `get` purges lazily
        };
        let me = self.clone();
        rt.spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            me.purge_expired(Instant::now());
        });
    }
}

fn under_prefix(lease: &str, prefix: &str) -> bool {
    prefix.is_empty() || lease == prefix || lease.starts_with(&format!("{prefix}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pw(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn held_passwords_are_dropped_on_revoke_close_and_expiry() {
        let t0 = Instant::now();
        let h = IssuedPasswords::default();
        let ttl = Some(t0 + Duration::from_secs(60));
        h.hold("p1", "database/creds/ro/a", pw("A"), ttl);
        h.hold("p1", "database/creds/rw/b", pw("B"), None);
        h.hold("p2", "database/creds/ro/a", pw("C"), ttl);
        let got = |p, l, at| h.get(p, l, at).map(|s| s.expose_secret().to_owned());
        assert_eq!(got("p1", "database/creds/ro/a", t0).as_deref(), Some("A"));
        assert_eq!(got("p2", "database/creds/ro/a", t0).as_deref(), Some("C"));
        assert_eq!(got("p1", "database/creds/ro/zz", t0), None);
        // Revoked through the app.
        assert!(h.forget("p2", "database/creds/ro/a"));
        assert!(!h.forget("p2", "database/creds/ro/a"));
        assert_eq!(got("p2", "database/creds/ro/a", t0), None);
        // Renewed: the expiry moves; then it expires.
        h.extend("p1", "database/creds/ro/a", t0 + Duration::from_secs(120));
        let t90 = t0 + Duration::from_secs(90);
        assert_eq!(got("p1", "database/creds/ro/a", t90).as_deref(), Some("A"));
        let t121 = t0 + Duration::from_secs(121);
        assert_eq!(got("p1", "database/creds/ro/a", t121), None);
        assert_eq!(got("p1", "database/creds/rw/b", t121).as_deref(), Some("B"));
        // Extending a lease that is not held holds nothing.
        h.extend("p1", "database/creds/ro/gone", t121);
        assert_eq!(h.len(), 1);
        // The connection closed.
        h.forget_profile("p1");
        assert!(h.is_empty());
    }

    #[test]
    fn revoke_prefix_drops_only_leases_under_it() {
        let t0 = Instant::now();
        let h = IssuedPasswords::default();
        h.hold("p", "database/creds/ro/a", pw("A"), None);
        h.hold("p", "database/creds/rox/b", pw("B"), None);
        h.hold("q", "database/creds/ro/c", pw("C"), None);
        h.forget_prefix("p", "database/creds/ro/");
        assert!(h.get("p", "database/creds/ro/a", t0).is_none());
        assert!(h.get("p", "database/creds/rox/b", t0).is_some());
        assert!(h.get("q", "database/creds/ro/c", t0).is_some());
        h.forget_prefix("q", "");
        assert_eq!(h.len(), 1);
    }
}
