//! Leases of dynamic secrets: the inventory (a concurrent, bounded, cancelable walk of
//! `sys/leases/lookup/` plus a lookup per lease), the dashboard aggregates (a pure function of
//! the inventory and `now`), and audited actions: renew, revoke, revoke-prefix (confirmed by
//! typing the prefix), revoke-force (a second confirmation; backend objects stay behind).
//!
//! `LIST sys/leases/lookup/<prefix>` is not recursive on OpenBao (and `SCAN` answers 405), so
//! the walk lists every prefix level; it needs `list` + `sudo`, and without it the error has
//! code `PermissionDenied` and names the policy line
//! [`LEASE_LIST_POLICY`](vaultdeck_vault::leases::LEASE_LIST_POLICY).

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
/// Re-exported: [`dashboard`] takes `now` as an [`OffsetDateTime`].
pub use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;
use tracing::instrument;
use vaultdeck_types::ErrorCode;
pub use vaultdeck_vault::leases::{DbCredentials, LeaseInfo, LeaseRenewal, LEASE_LIST_POLICY};
pub use vaultdeck_vault::TokenInfo;

use crate::audit::{AuditLog, AuditRecord};
use crate::capability::LeaseAdmin;
use crate::connection::VaultConnection;
use crate::{Connection, Error, Result};

// ------------------------------------------------------------------------ provider impls

impl LeaseAdmin for VaultConnection {
    async fn list_lease_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        Ok(self.client().list_leases(prefix).await?)
    }
    async fn lookup_lease(&self, lease_id: &str) -> Result<LeaseInfo> {
        Ok(self.client().lookup_lease(lease_id).await?)
    }
    async fn renew_lease(&self, lease_id: &str, increment: Option<u64>) -> Result<LeaseRenewal> {
        Ok(self.client().renew_lease(lease_id, increment).await?)
    }
    async fn revoke_lease(&self, lease_id: &str, sync: bool) -> Result<()> {
        Ok(self.client().revoke_lease(lease_id, sync).await?)
    }
    async fn revoke_lease_prefix(&self, prefix: &str) -> Result<()> {
        Ok(self.client().revoke_lease_prefix(prefix).await?)
    }
    async fn revoke_lease_force(&self, prefix: &str) -> Result<()> {
        Ok(self.client().revoke_lease_force(prefix).await?)
    }
    async fn irrevocable_lease_count(&self) -> Result<Option<u64>> {
        Ok(self.client().irrevocable_lease_count().await?)
    }
    async fn list_token_accessors(&self) -> Result<Vec<String>> {
        Ok(self.client().list_token_accessors().await?)
    }
    async fn lookup_token_accessor(&self, accessor: &str) -> Result<TokenInfo> {
        Ok(self.client().lookup_token_accessor(accessor).await?)
    }
    async fn revoke_token_accessor(&self, accessor: &str) -> Result<()> {
        Ok(self.client().revoke_token_accessor(accessor).await?)
    }
    async fn db_credentials(&self, mount: &str, role: &str) -> Result<DbCredentials> {
        Ok(self.client().db_credentials(mount, role).await?)
    }
}

impl LeaseAdmin for Connection {
    async fn list_lease_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("leases and tokens")),
            Connection::Azure(z) => Err(z.unsupported("leases and tokens")),
            Connection::Vault(v) => v.list_lease_prefix(prefix).await,
        }
    }
    async fn lookup_lease(&self, lease_id: &str) -> Result<LeaseInfo> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("leases and tokens")),
            Connection::Azure(z) => Err(z.unsupported("leases and tokens")),
            Connection::Vault(v) => v.lookup_lease(lease_id).await,
        }
    }
    async fn renew_lease(&self, lease_id: &str, increment: Option<u64>) -> Result<LeaseRenewal> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("leases and tokens")),
            Connection::Azure(z) => Err(z.unsupported("leases and tokens")),
            Connection::Vault(v) => v.renew_lease(lease_id, increment).await,
        }
    }
    async fn revoke_lease(&self, lease_id: &str, sync: bool) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("leases and tokens")),
            Connection::Azure(z) => Err(z.unsupported("leases and tokens")),
            Connection::Vault(v) => v.revoke_lease(lease_id, sync).await,
        }
    }
    async fn revoke_lease_prefix(&self, prefix: &str) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("leases and tokens")),
            Connection::Azure(z) => Err(z.unsupported("leases and tokens")),
            Connection::Vault(v) => v.revoke_lease_prefix(prefix).await,
        }
    }
    async fn revoke_lease_force(&self, prefix: &str) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("leases and tokens")),
            Connection::Azure(z) => Err(z.unsupported("leases and tokens")),
            Connection::Vault(v) => v.revoke_lease_force(prefix).await,
        }
    }
    async fn irrevocable_lease_count(&self) -> Result<Option<u64>> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("leases and tokens")),
            Connection::Azure(z) => Err(z.unsupported("leases and tokens")),
            Connection::Vault(v) => v.irrevocable_lease_count().await,
        }
    }
    async fn list_token_accessors(&self) -> Result<Vec<String>> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("leases and tokens")),
            Connection::Azure(z) => Err(z.unsupported("leases and tokens")),
            Connection::Vault(v) => v.list_token_accessors().await,
        }
    }
    async fn lookup_token_accessor(&self, accessor: &str) -> Result<TokenInfo> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("leases and tokens")),
            Connection::Azure(z) => Err(z.unsupported("leases and tokens")),
            Connection::Vault(v) => v.lookup_token_accessor(accessor).await,
        }
    }
    async fn revoke_token_accessor(&self, accessor: &str) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("leases and tokens")),
            Connection::Azure(z) => Err(z.unsupported("leases and tokens")),
            Connection::Vault(v) => v.revoke_token_accessor(accessor).await,
        }
    }
    async fn db_credentials(&self, mount: &str, role: &str) -> Result<DbCredentials> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("leases and tokens")),
            Connection::Azure(z) => Err(z.unsupported("leases and tokens")),
            Connection::Vault(v) => v.db_credentials(mount, role).await,
        }
    }
}

// ------------------------------------------------------------------------ inventory

/// One lease in the inventory: the IPC row itself (one definition, in `vaultdeck-types`).
pub use vaultdeck_types::LeaseRow as LeaseEntry;

/// Builds an inventory entry from a lookup answer (mount and role from the lease id).
pub fn lease_entry(info: LeaseInfo) -> LeaseEntry {
    let (mount, role) = split_lease_id(&info.id);
    LeaseEntry {
        id: info.id,
        mount,
        role,
        issue_time: info.issue_time,
        expire_time: info.expire_time,
        last_renewal: info.last_renewal,
        renewable: info.renewable,
        ttl: info.ttl,
    }
}

/// Seconds until `lease` expires at `now` (negative: expired; `None`: no expiry).
pub fn seconds_left(lease: &LeaseEntry, now: OffsetDateTime) -> Option<i64> {
    let exp = lease.expire_time.as_deref()?;
    let exp = OffsetDateTime::parse(exp, &Rfc3339).ok()?;
    Some((exp - now).whole_seconds())
}

/// `(mount, role)` of a lease id: `database/creds/ro/X` -> `("database/", "database/creds/ro")`;
/// auth leases keep two segments (`auth/token/`).
pub fn split_lease_id(id: &str) -> (String, String) {
    let role = id.rsplit_once('/').map(|(r, _)| r).unwrap_or("").to_owned();
    let mut parts = id.split('/');
    let first = parts.next().unwrap_or("");
    let mount = if first == "auth" {
        match parts.next() {
            Some(m) => format!("auth/{m}/"),
            None => "auth/".to_owned(),
        }
    } else {
        format!("{first}/")
    };
    (mount, role)
}

/// How to build the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryOptions {
    /// Requests (LIST or lookup) in flight at once (at least 1).
    pub concurrency: usize,
    /// Hand leases to the callback once this many are waiting...
    pub batch_size: usize,
    /// ...or once this long has passed since the last batch.
    pub flush_interval: Duration,
}

impl Default for InventoryOptions {
    fn default() -> Self {
        Self {
            concurrency: 16,
            batch_size: 256,
            flush_interval: Duration::from_millis(100),
        }
    }
}

/// Counters of a running inventory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryProgress {
    /// Prefixes listed so far.
    pub prefixes_done: u64,
    /// Prefixes and lookups queued or in flight.
    pub pending: u64,
    /// Lease ids found.
    pub leases_found: u64,
    /// Leases looked up.
    pub leases_looked_up: u64,
    /// Leases that were gone (expired or revoked) by the time they were looked up.
    pub vanished: u64,
    /// Sub-prefixes the token may not list (403), skipped; the walk goes on without them.
    #[serde(default)]
    pub prefixes_denied: u64,
}

/// A batch of looked-up leases plus the progress so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryBatch {
    /// Newly looked-up leases.
    pub leases: Vec<LeaseEntry>,
    /// Counters.
    pub progress: InventoryProgress,
}

/// How an inventory ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryReport {
    /// The prefix walked (`""`: all).
    pub root: String,
    /// Final counters.
    pub progress: InventoryProgress,
    /// Whether it was cancelled before the end.
    pub cancelled: bool,
    /// Wall time.
    pub elapsed_ms: u64,
    /// Sub-prefixes skipped because listing them was denied (sorted).
    #[serde(default)]
    pub denied_prefixes: Vec<String>,
}

enum Job {
    List(String),
    Lookup(String),
}

enum Done {
    Listed(String, Result<Vec<String>>),
    Looked(Result<LeaseInfo>),
}

/// Walks every lease under `prefix` (`""`: all) and looks each up, at most
/// [`InventoryOptions::concurrency`] requests in flight, handing batches to `on_batch` (the
/// last one always, possibly empty). Stops promptly when `cancel` fires. A denied root listing
/// is `PermissionDenied` naming [`LEASE_LIST_POLICY`]; a denied sub-prefix is skipped and
/// counted ([`InventoryProgress::prefixes_denied`], [`InventoryReport::denied_prefixes`]) and the
/// walk goes on; other errors end the walk.
#[instrument(skip_all, fields(prefix = %prefix))]
pub async fn inventory<L, F>(
    admin: &L,
    prefix: &str,
    opts: &InventoryOptions,
    cancel: &CancellationToken,
    mut on_batch: F,
) -> Result<InventoryReport>
where
    L: LeaseAdmin + Sync,
    F: FnMut(InventoryBatch) + Send,
{
    let started = Instant::now();
    let root = normalize_prefix(prefix);
    let concurrency = opts.concurrency.max(1);
    let mut queue: VecDeque<Job> = VecDeque::from([Job::List(root.clone())]);
    let mut in_flight = FuturesUnordered::new();
    let mut progress = InventoryProgress::default();
    let mut pending: Vec<LeaseEntry> = Vec::new();
    let mut last = Instant::now();
    let mut cancelled = false;
    let mut denied_prefixes = Vec::new();
    loop {
        while in_flight.len() < concurrency {
            let Some(job) = queue.pop_front() else { break };
            in_flight.push(async move {
                match job {
                    Job::List(p) => {
                        let r = admin.list_lease_prefix(&p).await;
                        Done::Listed(p, r)
                    }
                    Job::Lookup(id) => {
                        let r = admin.lookup_lease(&id).await;
                        Done::Looked(r)
                    }
                }
            });
        }
        progress.pending = (queue.len() + in_flight.len()) as u64;
        if in_flight.is_empty() {
            break;
        }
        let done = tokio::select! {
            biased;
            _ = cancel.cancelled() => None,
            d = in_flight.next() => d,
        };
        let Some(done) = done else {
            cancelled = true;
            break;
        };
        match done {
            Done::Listed(p, Ok(names)) => {
                progress.prefixes_done += 1;
                for name in names {
                    let full = format!("{p}{name}");
                    if name.ends_with('/') {
                        queue.push_back(Job::List(full));
                    } else {
                        progress.leases_found += 1;
                        // Lookups first: results reach the screen sooner.
                        queue.push_front(Job::Lookup(full));
                    }
                }
            }
            Done::Listed(p, Err(e)) if p != root && e.code() == ErrorCode::PermissionDenied => {
                tracing::debug!(prefix = %p, "lease prefix not listable; skipped");
                progress.prefixes_denied += 1;
                denied_prefixes.push(p);
            }
            Done::Listed(_, Err(e)) => return Err(e),
            Done::Looked(Ok(info)) => {
                progress.leases_looked_up += 1;
                pending.push(lease_entry(info));
            }
            Done::Looked(Err(e)) if e.code() == ErrorCode::NotFound => progress.vanished += 1,
            Done::Looked(Err(e)) => return Err(e),
        }
        progress.pending = (queue.len() + in_flight.len()) as u64;
        if pending.len() >= opts.batch_size.max(1) || last.elapsed() >= opts.flush_interval {
            last = Instant::now();
            on_batch(InventoryBatch {
                leases: std::mem::take(&mut pending),
                progress,
            });
        }
    }
    drop(in_flight);
    progress.pending = 0;
    on_batch(InventoryBatch {
        leases: pending,
        progress,
    });
    denied_prefixes.sort();
    Ok(InventoryReport {
        root,
        progress,
        cancelled,
        elapsed_ms: started.elapsed().as_millis() as u64,
        denied_prefixes,
    })
}

/// Runs [`inventory`] and collects the leases sorted by id. For the CLI and tests.
pub async fn collect<L: LeaseAdmin + Sync>(
    admin: &L,
    prefix: &str,
    opts: &InventoryOptions,
    cancel: &CancellationToken,
) -> Result<(Vec<LeaseEntry>, InventoryReport)> {
    let mut all = Vec::new();
    let report = inventory(admin, prefix, opts, cancel, |b| all.extend(b.leases)).await?;
    all.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((all, report))
}

/// `database/creds` -> `database/creds/`; `""` and `/` -> `""`.
fn normalize_prefix(prefix: &str) -> String {
    let p = prefix.trim_matches('/');
    if p.is_empty() {
        String::new()
    } else {
        format!("{p}/")
    }
}

// ------------------------------------------------------------------------ dashboard

/// The expiry timeline bar and dashboard are the IPC types themselves (one definition).
pub use vaultdeck_types::{
    LeaseDashboardView as LeaseDashboard, LeaseExpiryBucket as ExpiryBucket,
};

const HOUR: i64 = 3600;
const BUCKETS: &[(&str, i64, Option<i64>)] = &[
    ("< 1h", 0, Some(HOUR)),
    ("1h–6h", HOUR, Some(6 * HOUR)),
    ("6h–24h", 6 * HOUR, Some(24 * HOUR)),
    ("1d–7d", 24 * HOUR, Some(7 * 24 * HOUR)),
    ("7d–30d", 7 * 24 * HOUR, Some(30 * 24 * HOUR)),
    ("≥ 30d", 30 * 24 * HOUR, None),
];

/// Aggregates the inventory as seen at `now` (pure: no clock read).
pub fn dashboard(
    leases: &[LeaseEntry],
    now: OffsetDateTime,
    irrevocable: Option<u64>,
) -> LeaseDashboard {
    let mut d = LeaseDashboard {
        total: leases.len() as u64,
        per_mount: BTreeMap::new(),
        per_role: BTreeMap::new(),
        expired: 0,
        expiring_1h: 0,
        expiring_24h: 0,
        non_renewable: 0,
        no_expiry: 0,
        irrevocable,
        histogram: BUCKETS
            .iter()
            .map(|(l, f, t)| ExpiryBucket {
                label: (*l).to_owned(),
                from_secs: *f,
                to_secs: *t,
                count: 0,
            })
            .collect(),
    };
    for l in leases {
        *d.per_mount.entry(l.mount.clone()).or_default() += 1;
        *d.per_role.entry(l.role.clone()).or_default() += 1;
        if !l.renewable {
            d.non_renewable += 1;
        }
        match seconds_left(l, now) {
            None => d.no_expiry += 1,
            Some(s) if s <= 0 => d.expired += 1,
            Some(s) => {
                if s < HOUR {
                    d.expiring_1h += 1;
                }
                if s < 24 * HOUR {
                    d.expiring_24h += 1;
                }
                if let Some(b) = d
                    .histogram
                    .iter_mut()
                    .find(|b| s >= b.from_secs && b.to_secs.is_none_or(|t| s < t))
                {
                    b.count += 1;
                }
            }
        }
    }
    d
}

/// Leases under `prefix` in an inventory: the preview count shown before a revoke-prefix.
pub fn count_under(leases: &[LeaseEntry], prefix: &str) -> u64 {
    let p = normalize_prefix(prefix);
    leases.iter().filter(|l| l.id.starts_with(&p)).count() as u64
}

// ------------------------------------------------------------------------ actions

/// Where audited actions are recorded: the log and the profile label to write.
#[derive(Debug, Clone, Copy)]
pub struct AuditTo<'a> {
    /// The audit log.
    pub log: &'a AuditLog,
    /// Profile id or name recorded with each action.
    pub profile: &'a str,
}

impl AuditTo<'_> {
    /// Appends the outcome of `action` on `target`; a log failure is traced, never hidden
    /// behind the action's own result.
    pub fn record<T>(&self, action: &str, target: &str, detail: &str, r: &Result<T>) {
        let rec = match r {
            Ok(_) => AuditRecord::ok(action).detail(detail),
            Err(e) => AuditRecord::failed(action, e.to_string()),
        };
        if let Err(e) = self.log.append(rec.profile(self.profile).target(target)) {
            tracing::error!(error = %e, "could not append to the audit log");
        }
    }
}

/// The result of a renew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewOutcome {
    /// Lease id.
    pub lease_id: String,
    /// Seconds granted.
    pub granted_secs: u64,
    /// Seconds asked for, if any.
    pub requested_secs: Option<u64>,
    /// Whether the server granted less than asked (capped by `max_ttl`).
    pub capped: bool,
    /// The server's warnings, verbatim.
    pub warnings: Vec<String>,
}

/// Renews a lease by `increment` seconds; audited as `lease.renew`.
pub async fn renew<L: LeaseAdmin + Sync>(
    admin: &L,
    audit: AuditTo<'_>,
    lease_id: &str,
    increment: Option<u64>,
) -> Result<RenewOutcome> {
    let r = admin
        .renew_lease(lease_id, increment)
        .await
        .map(|x| RenewOutcome {
            capped: x.warnings.iter().any(|w| w.contains("capped"))
                || increment.is_some_and(|i| x.lease_duration < i),
            lease_id: x.lease_id,
            granted_secs: x.lease_duration,
            requested_secs: increment,
            warnings: x.warnings,
        });
    let detail = match &r {
        Ok(o) => format!(
            "granted {}s{}",
            o.granted_secs,
            if o.capped { " (capped)" } else { "" }
        ),
        Err(_) => String::new(),
    };
    audit.record("lease.renew", lease_id, &detail, &r);
    r
}

/// How a revoke ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RevokeState {
    /// Revoked before the call returned.
    Revoked,
    /// Accepted (HTTP 202); the server revokes in the background.
    Pending,
}

/// Revokes one lease; `sync: false` -> [`RevokeState::Pending`]. Audited as `lease.revoke`.
pub async fn revoke<L: LeaseAdmin + Sync>(
    admin: &L,
    audit: AuditTo<'_>,
    lease_id: &str,
    sync: bool,
) -> Result<RevokeState> {
    let r = admin.revoke_lease(lease_id, sync).await.map(|()| {
        if sync {
            RevokeState::Revoked
        } else {
            RevokeState::Pending
        }
    });
    let detail = if sync { "sync" } else { "async (pending)" };
    audit.record("lease.revoke", lease_id, detail, &r);
    r
}

fn confirm(prefix: &str, typed: &str) -> Result<String> {
    let p = prefix.trim_matches('/');
    if p.is_empty() {
        return Err(Error::InvalidInput(
            "refusing to revoke every lease: give a prefix such as database/creds/ro".into(),
        ));
    }
    if typed.trim_matches('/') != p {
        return Err(Error::InvalidInput(format!(
            "confirmation does not match: type the prefix {p:?} exactly to revoke its leases"
        )));
    }
    Ok(p.to_owned())
}

/// Revokes every lease under `prefix`. `typed_confirmation` must equal the prefix (trailing
/// `/` ignored), else `InvalidInput` and nothing happens; show [`count_under`] first.
/// Audited as `lease.revoke_prefix` with the previewed count.
pub async fn revoke_prefix<L: LeaseAdmin + Sync>(
    admin: &L,
    audit: AuditTo<'_>,
    prefix: &str,
    typed_confirmation: &str,
    previewed: Option<u64>,
) -> Result<()> {
    let p = confirm(prefix, typed_confirmation)?;
    let r = admin.revoke_lease_prefix(&p).await;
    let detail = previewed
        .map(|n| format!("{n} lease(s) previewed"))
        .unwrap_or_default();
    audit.record("lease.revoke_prefix", &p, &detail, &r);
    r
}

/// Force-revokes every lease under `prefix`: Vault forgets the leases even when the backend
/// cannot revoke them, so **the backend objects (e.g. database users) remain** and must be
/// cleaned up by hand. Needs the typed prefix and `i_understand_backend_objects_remain`.
/// Audited as `lease.revoke_force`.
pub async fn revoke_force<L: LeaseAdmin + Sync>(
    admin: &L,
    audit: AuditTo<'_>,
    prefix: &str,
    typed_confirmation: &str,
    i_understand_backend_objects_remain: bool,
) -> Result<()> {
    let p = confirm(prefix, typed_confirmation)?;
    if !i_understand_backend_objects_remain {
        return Err(Error::InvalidInput(
            "revoke-force leaves backend objects (database users, certificates) behind: \
             confirm a second time to proceed"
                .into(),
        ));
    }
    let r = admin.revoke_lease_force(&p).await;
    audit.record("lease.revoke_force", &p, "backend objects may remain", &r);
    r
}

// ------------------------------------------------------------------------ tokens

/// A batch of looked-up tokens plus progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenBatch {
    /// Newly looked-up tokens (`accessor` always set).
    pub tokens: Vec<TokenInfo>,
    /// Accessors listed.
    pub found: u64,
    /// Accessors looked up so far.
    pub looked_up: u64,
}

/// How a token inventory ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenReport {
    /// Accessors listed.
    pub found: u64,
    /// Accessors looked up.
    pub looked_up: u64,
    /// Tokens gone (expired or revoked) between list and lookup.
    pub vanished: u64,
    /// Whether it was cancelled before the end.
    pub cancelled: bool,
    /// Wall time.
    pub elapsed_ms: u64,
}

/// Lists every token accessor and looks each up (at most `opts.concurrency` in flight),
/// streaming batches; cancelable. Needs root or `sudo` on `auth/token/accessors` (else
/// `PermissionDenied`).
#[instrument(skip_all)]
pub async fn token_inventory<L, F>(
    admin: &L,
    opts: &InventoryOptions,
    cancel: &CancellationToken,
    mut on_batch: F,
) -> Result<TokenReport>
where
    L: LeaseAdmin + Sync,
    F: FnMut(TokenBatch) + Send,
{
    let started = Instant::now();
    let accessors = tokio::select! {
        biased;
        _ = cancel.cancelled() => None,
        a = admin.list_token_accessors() => Some(a?),
    };
    let mut report = TokenReport {
        found: 0,
        looked_up: 0,
        vanished: 0,
        cancelled: false,
        elapsed_ms: 0,
    };
    let Some(accessors) = accessors else {
        report.cancelled = true;
        on_batch(TokenBatch {
            tokens: Vec::new(),
            found: 0,
            looked_up: 0,
        });
        return Ok(report);
    };
    report.found = accessors.len() as u64;
    let mut lookups = futures::stream::iter(accessors.into_iter().map(|a| async move {
        let r = admin.lookup_token_accessor(&a).await;
        (a, r)
    }))
    .buffer_unordered(opts.concurrency.max(1));
    let mut pending = Vec::new();
    let mut last = Instant::now();
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.cancelled() => { report.cancelled = true; None }
            n = lookups.next() => n,
        };
        let Some((accessor, r)) = next else { break };
        match r {
            Ok(mut t) => {
                if t.accessor.is_empty() {
                    t.accessor = accessor;
                }
                report.looked_up += 1;
                pending.push(t);
            }
            Err(e) if e.code() == ErrorCode::NotFound => report.vanished += 1,
            Err(e) => return Err(e),
        }
        if pending.len() >= opts.batch_size.max(1) || last.elapsed() >= opts.flush_interval {
            last = Instant::now();
            on_batch(TokenBatch {
                tokens: std::mem::take(&mut pending),
                found: report.found,
                looked_up: report.looked_up,
            });
        }
    }
    on_batch(TokenBatch {
        tokens: pending,
        found: report.found,
        looked_up: report.looked_up,
    });
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// Which tokens to show. Empty filter: all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenFilter {
    /// Case-insensitive substring of display name, creation path or accessor.
    pub text: Option<String>,
    /// Has this policy.
    pub policy: Option<String>,
    /// Only tokens with the `root` policy.
    pub root_only: bool,
    /// `service` or `batch`.
    pub token_type: Option<String>,
    /// Only orphans (`Some(true)`) or only non-orphans (`Some(false)`).
    pub orphan: Option<bool>,
}

impl TokenFilter {
    /// Whether `t` passes.
    pub fn matches(&self, t: &TokenInfo) -> bool {
        if let Some(text) = &self.text {
            let q = text.to_lowercase();
            if ![&t.display_name, &t.path, &t.accessor]
                .iter()
                .any(|f| f.to_lowercase().contains(&q))
            {
                return false;
            }
        }
        if let Some(p) = &self.policy {
            if !t.policies.iter().any(|x| x == p) {
                return false;
            }
        }
        if self.root_only && !is_root_token(t) {
            return false;
        }
        if let Some(ty) = &self.token_type {
            if &t.token_type != ty {
                return false;
            }
        }
        if let Some(o) = self.orphan {
            if t.orphan != o {
                return false;
            }
        }
        true
    }
}

/// Whether a token carries the `root` policy.
pub fn is_root_token(t: &TokenInfo) -> bool {
    t.policies.iter().any(|p| p == "root")
}

/// The tokens passing `filter`, sorted by display name then accessor.
pub fn filter_tokens<'t>(tokens: &'t [TokenInfo], filter: &TokenFilter) -> Vec<&'t TokenInfo> {
    let mut v: Vec<_> = tokens.iter().filter(|t| filter.matches(t)).collect();
    v.sort_by(|a, b| (&a.display_name, &a.accessor).cmp(&(&b.display_name, &b.accessor)));
    v
}

/// Root tokens in an inventory (policies contain `root`): candidates to revoke once a
/// break-glass task is over.
pub fn find_root_tokens(tokens: &[TokenInfo]) -> Vec<&TokenInfo> {
    filter_tokens(
        tokens,
        &TokenFilter {
            root_only: true,
            ..TokenFilter::default()
        },
    )
}

/// Revokes a token (and its children) by accessor; audited as `token.revoke_accessor`.
/// The signed-in token's own renewal is [`crate::Connection::renew`].
pub async fn revoke_token_accessor<L: LeaseAdmin + Sync>(
    admin: &L,
    audit: AuditTo<'_>,
    accessor: &str,
) -> Result<()> {
    if accessor.trim().is_empty() {
        return Err(Error::InvalidInput(
            "give the accessor of the token to revoke".into(),
        ));
    }
    let r = admin.revoke_token_accessor(accessor).await;
    audit.record("token.revoke_accessor", accessor, "", &r);
    r
}

// ------------------------------------------------------------------------ credentials

/// Issues dynamic database credentials for `role` on the database engine at `mount`; audited
/// as `creds.issue` (it creates a database user) with the lease id and user name, never the
/// password.
pub async fn issue_db_credentials<L: LeaseAdmin + Sync>(
    admin: &L,
    audit: AuditTo<'_>,
    mount: &str,
    role: &str,
) -> Result<DbCredentials> {
    let r = admin.db_credentials(mount, role).await;
    let target = format!("{}/creds/{}", mount.trim_matches('/'), role);
    let detail = match &r {
        Ok(c) => format!("lease {} user {}", c.lease_id, c.username),
        Err(_) => String::new(),
    };
    audit.record("creds.issue", &target, &detail, &r);
    r
}

/// "Revoke these credentials": revokes their lease (the database user is dropped);
/// audited as `lease.revoke`.
pub async fn revoke_credentials<L: LeaseAdmin + Sync>(
    admin: &L,
    audit: AuditTo<'_>,
    creds: &DbCredentials,
) -> Result<RevokeState> {
    revoke(admin, audit, &creds.lease_id, true).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn lease(id: &str, expire: Option<&str>, renewable: bool) -> LeaseEntry {
        lease_entry(LeaseInfo {
            id: id.into(),
            issue_time: None,
            expire_time: expire.map(str::to_owned),
            last_renewal: None,
            renewable,
            ttl: 0,
        })
    }

    #[test]
    fn splits_ids() {
        assert_eq!(
            split_lease_id("database/creds/ro/abc"),
            ("database/".into(), "database/creds/ro".into())
        );
        assert_eq!(
            split_lease_id("auth/token/create/h1"),
            ("auth/token/".into(), "auth/token/create".into())
        );
    }

    #[test]
    fn dashboard_counts_and_buckets() {
        let now = datetime!(2026-01-01 00:00 UTC);
        let ls = vec![
            lease("database/creds/ro/a", Some("2026-01-01T00:30:00Z"), true),
            lease("database/creds/ro/b", Some("2026-01-01T05:00:00Z"), true),
            lease("database/creds/rw/c", Some("2026-01-03T00:00:00Z"), false),
            lease("pki/issue/web/d", Some("2025-12-31T23:00:00Z"), false),
            lease("auth/token/create/e", None, true),
        ];
        let d = dashboard(&ls, now, Some(0));
        assert_eq!(d.total, 5);
        assert_eq!(d.per_mount["database/"], 3);
        assert_eq!(d.per_role["database/creds/ro"], 2);
        assert_eq!((d.expired, d.expiring_1h, d.expiring_24h), (1, 1, 2));
        assert_eq!((d.non_renewable, d.no_expiry), (2, 1));
        let counts: Vec<u64> = d.histogram.iter().map(|b| b.count).collect();
        assert_eq!(counts, [1, 1, 0, 1, 0, 0]);
        assert_eq!(count_under(&ls, "database/creds/ro"), 2);
        assert_eq!(count_under(&ls, "database/"), 3);
    }

    /// A fake server: `fan` roles × `per` leases under `db/creds/`, every call sleeps 5 ms and
    /// the highest number of concurrent calls is recorded; ids ending in `x` vanished.
    struct Fake {
        fan: usize,
        per: usize,
        now: std::sync::atomic::AtomicUsize,
        max: std::sync::atomic::AtomicUsize,
    }

    impl Fake {
        async fn call<T>(&self, v: T) -> T {
            use std::sync::atomic::Ordering::SeqCst;
            let n = self.now.fetch_add(1, SeqCst) + 1;
            self.max.fetch_max(n, SeqCst);
            tokio::time::sleep(Duration::from_millis(5)).await;
            self.now.fetch_sub(1, SeqCst);
            v
        }
    }

    impl LeaseAdmin for Fake {
        async fn list_lease_prefix(&self, prefix: &str) -> Result<Vec<String>> {
            let v = match prefix {
                "" => vec!["db/".to_owned()],
                "db/" => vec!["creds/".to_owned()],
                "db/creds/" => (0..self.fan).map(|i| format!("r{i}/")).collect(),
                _ => (0..self.per)
                    .map(|j| format!("l{j}"))
                    .chain(["gonex".to_owned()])
                    .collect(),
            };
            Ok(self.call(v).await)
        }
        async fn lookup_lease(&self, id: &str) -> Result<LeaseInfo> {
            let r = if id.ends_with('x') {
                Err(Error::NotFound(id.to_owned()))
            } else {
                Ok(LeaseInfo {
                    id: id.to_owned(),
                    issue_time: None,
                    expire_time: Some("2030-01-01T00:00:00Z".into()),
                    last_renewal: None,
                    renewable: true,
                    ttl: 60,
                })
            };
            self.call(r).await
        }
        async fn renew_lease(&self, _: &str, _: Option<u64>) -> Result<LeaseRenewal> {
            unimplemented!()
        }
        async fn revoke_lease(&self, _: &str, _: bool) -> Result<()> {
            unimplemented!()
        }
        async fn revoke_lease_prefix(&self, _: &str) -> Result<()> {
            unimplemented!()
        }
        async fn revoke_lease_force(&self, _: &str) -> Result<()> {
            unimplemented!()
        }
        async fn irrevocable_lease_count(&self) -> Result<Option<u64>> {
            Ok(None)
        }
        async fn list_token_accessors(&self) -> Result<Vec<String>> {
            unimplemented!()
        }
        async fn lookup_token_accessor(&self, _: &str) -> Result<TokenInfo> {
            unimplemented!()
        }
        async fn revoke_token_accessor(&self, _: &str) -> Result<()> {
            unimplemented!()
        }
        async fn db_credentials(&self, _: &str, _: &str) -> Result<DbCredentials> {
            unimplemented!()
        }
    }

    fn fake(fan: usize, per: usize) -> Fake {
        Fake {
            fan,
            per,
            now: 0.into(),
            max: 0.into(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn inventory_is_bounded_streams_and_counts_vanished() {
        let f = fake(10, 20);
        let opts = InventoryOptions {
            concurrency: 6,
            batch_size: 25,
            flush_interval: Duration::from_secs(60),
        };
        let mut sizes = Vec::new();
        let mut last = InventoryProgress::default();
        let r = inventory(&f, "", &opts, &CancellationToken::new(), |b| {
            sizes.push(b.leases.len());
            last = b.progress;
        })
        .await
        .unwrap();
        assert_eq!(r.progress.leases_looked_up, 200);
        assert_eq!(r.progress.vanished, 10);
        assert_eq!(r.progress.leases_found, 210);
        assert_eq!(r.progress.prefixes_done, 13);
        assert_eq!(last, r.progress);
        assert_eq!(sizes.iter().sum::<usize>(), 200);
        assert!(sizes.iter().all(|s| *s <= 25));
        let max = f.max.load(std::sync::atomic::Ordering::SeqCst);
        assert!((4..=6).contains(&max), "max in flight {max}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn inventory_cancels_promptly() {
        let f = fake(50, 50);
        let cancel = CancellationToken::new();
        let c2 = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(40)).await;
            c2.cancel();
        });
        let started = Instant::now();
        let r = inventory(&f, "", &InventoryOptions::default(), &cancel, |_| {})
            .await
            .unwrap();
        assert!(r.cancelled);
        assert!(r.progress.leases_looked_up < 2500);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn confirmation_must_match() {
        assert!(confirm("database/creds/ro", "database/creds/ro/").is_ok());
        assert!(confirm("database/creds/ro", "database").is_err());
        assert!(confirm("", "").is_err());
    }
}
