//! The Leases screen's contract: the streamed lease inventory (batches + progress, cancelable
//! with `cancel_job`), the dashboard aggregates, and the audited lease actions (renew, revoke,
//! revoke-prefix confirmed by typing the prefix, revoke-force with a second confirmation).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One lease in the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseRow {
    /// Lease id (`database/creds/readonly/AbC…`).
    pub id: String,
    /// Mount (`database/`).
    pub mount: String,
    /// Issuing path / role (`database/creds/readonly`).
    pub role: String,
    /// When it was issued (RFC 3339).
    pub issue_time: Option<String>,
    /// When it expires (RFC 3339); `None`: never.
    pub expire_time: Option<String>,
    /// Last renewal (RFC 3339).
    pub last_renewal: Option<String>,
    /// Whether it can be renewed.
    pub renewable: bool,
    /// Seconds left when it was looked up.
    pub ttl: i64,
}

/// Counters of a running lease scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseScanProgress {
    /// Prefixes listed so far.
    pub prefixes_done: u64,
    /// Prefixes and lookups queued or in flight.
    pub pending: u64,
    /// Lease ids found.
    pub leases_found: u64,
    /// Leases looked up.
    pub leases_looked_up: u64,
    /// Leases gone (expired or revoked) before their lookup.
    pub vanished: u64,
    /// Sub-prefixes the token may not list (403): skipped, the scan went on.
    #[serde(default)]
    pub prefixes_denied: u64,
}

/// Leases looked up since the previous batch, with progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseBatch {
    /// Newly looked-up leases.
    pub leases: Vec<LeaseRow>,
    /// Counters after this batch.
    pub progress: LeaseScanProgress,
}

/// One bar of the expiry timeline: leases whose time left is in `[from_secs, to_secs)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseExpiryBucket {
    /// Label (`< 1h`, `1h–6h`, …).
    pub label: String,
    /// Lower bound in seconds from now (inclusive).
    pub from_secs: i64,
    /// Upper bound in seconds (exclusive; `None`: open).
    pub to_secs: Option<i64>,
    /// Leases in it.
    pub count: u64,
}

/// The Leases screen's aggregates, computed by the backend at the end of a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseDashboardView {
    /// Leases in the inventory.
    pub total: u64,
    /// Count per mount.
    pub per_mount: BTreeMap<String, u64>,
    /// Count per role / issuing path.
    pub per_role: BTreeMap<String, u64>,
    /// Already expired.
    pub expired: u64,
    /// Expiring within the next hour.
    pub expiring_1h: u64,
    /// Expiring within the next 24 hours (includes the hour).
    pub expiring_24h: u64,
    /// Not renewable.
    pub non_renewable: u64,
    /// Without an expiry time.
    pub no_expiry: u64,
    /// Irrevocable leases, when the server counts them.
    pub irrevocable: Option<u64>,
    /// Expiry timeline buckets.
    pub histogram: Vec<LeaseExpiryBucket>,
}

/// How a lease scan ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseScanReport {
    /// The prefix scanned (`""`: all).
    pub root: String,
    /// Final counters.
    pub progress: LeaseScanProgress,
    /// Whether it was cancelled before the end.
    pub cancelled: bool,
    /// Wall time.
    pub elapsed_ms: u64,
    /// Aggregates over every lease found.
    pub dashboard: LeaseDashboardView,
}

/// Scan the leases under a prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseScanArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Lease prefix (`""`: all).
    #[serde(default)]
    pub prefix: String,
    /// An id the caller picks, for `cancel_job`.
    pub job_id: String,
}

/// Renew one lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewLeaseArgs {
    /// Profile id.
    pub profile_id: String,
    /// Lease id.
    pub lease_id: String,
    /// Seconds to ask for (the server may cap it).
    #[serde(default)]
    pub increment: Option<u64>,
}

/// The result of a renew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseRenewed {
    /// Lease id.
    pub lease_id: String,
    /// Seconds granted.
    pub granted_secs: u64,
    /// Seconds asked for.
    pub requested_secs: Option<u64>,
    /// The server granted less than asked (capped by `max_ttl`).
    pub capped: bool,
    /// The server's warnings, verbatim.
    pub warnings: Vec<String>,
}

/// Revoke one lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeLeaseArgs {
    /// Profile id.
    pub profile_id: String,
    /// Lease id.
    pub lease_id: String,
    /// Wait for the revocation (`false`: the server revokes in the background).
    #[serde(default)]
    pub sync: bool,
}

/// How a revoke ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaseRevokeState {
    /// Revoked before the call returned.
    Revoked,
    /// Accepted; the server revokes in the background.
    Pending,
}

/// Revoke every lease under a prefix (or force-revoke it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokePrefixArgs {
    /// Profile id.
    pub profile_id: String,
    /// Lease prefix (`database/creds/readonly`).
    pub prefix: String,
    /// The prefix typed again by the user.
    pub confirm_prefix: String,
    /// How many leases the preview showed (recorded in the audit log).
    #[serde(default)]
    pub previewed: Option<u64>,
    /// Force only: the user confirmed that backend objects (database users) remain.
    #[serde(default)]
    pub i_understand_backend_objects_remain: bool,
}

crate::commands! {
    /// Lease inventory, dashboard and lease actions.
    LEASE_COMMANDS;
    /// Scan leases under a prefix; batches stream through the `onBatch` channel; cancel with `cancel_job`.
    StartLeaseScan = "start_lease_scan": LeaseScanArgs => LeaseScanReport;
    /// Renew a lease by an increment (audited).
    RenewLease = "renew_lease": RenewLeaseArgs => LeaseRenewed;
    /// Revoke one lease (audited).
    RevokeLease = "revoke_lease": RevokeLeaseArgs => LeaseRevokeState;
    /// Revoke every lease under a prefix, once the prefix is typed (audited).
    RevokeLeasePrefix = "revoke_lease_prefix": RevokePrefixArgs => ();
    /// Force-revoke a prefix: backend objects remain; needs the typed prefix and a second flag (audited).
    RevokeLeaseForce = "revoke_lease_force": RevokePrefixArgs => ();
}

/// One token in the token inventory (never the token itself: the accessor names it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    /// Accessor (not a secret).
    pub accessor: String,
    /// Display name.
    pub display_name: String,
    /// Policies.
    pub policies: Vec<String>,
    /// Seconds left; `0` with no `expire_time`: never expires.
    pub ttl: u64,
    /// Expiry (RFC 3339).
    pub expire_time: Option<String>,
    /// Renewable.
    pub renewable: bool,
    /// `service` or `batch`.
    pub token_type: String,
    /// No parent.
    pub orphan: bool,
    /// Creation path (`auth/userpass/login/demo`).
    pub path: String,
}

/// Every token the connection may see (needs root or `sudo` on `auth/token/accessors`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInventory {
    /// Tokens, sorted by display name then accessor.
    pub tokens: Vec<TokenRow>,
    /// Accessors of tokens with the `root` policy.
    pub root_accessors: Vec<String>,
    /// Accessors gone before their lookup.
    pub vanished: u64,
}

/// Revoke a token (and its children) by accessor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeAccessorArgs {
    /// Profile id.
    pub profile_id: String,
    /// Token accessor.
    pub accessor: String,
}

crate::commands! {
    /// Token inventory and revocation by accessor.
    TOKEN_COMMANDS;
    /// Every token with its policies and TTL, plus the root tokens among them.
    ListTokens = "list_tokens": crate::ProfileRef => TokenInventory;
    /// Revoke a token and its children by accessor (audited).
    RevokeTokenAccessor = "revoke_token_accessor": RevokeAccessorArgs => ();
}

/// Read dynamic credentials from a database role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueCredsArgs {
    /// Profile id.
    pub profile_id: String,
    /// Database mount (default `database`).
    #[serde(default = "default_db_mount")]
    pub mount: String,
    /// Role name (`readonly`).
    pub role: String,
}

fn default_db_mount() -> String {
    "database".to_owned()
}

/// Freshly issued database credentials, without the password: the backend holds it in
/// memory (until the lease is revoked through the app, the connection closes, or the lease
/// expires) and hands it out only through [`RevealIssuedPassword`] or, without it entering the
/// webview, [`CopyIssuedPassword`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCredentials {
    /// The lease; revoking it drops the database user.
    pub lease_id: String,
    /// Lease duration in seconds.
    pub lease_duration: u64,
    /// Whether the lease can be renewed.
    pub renewable: bool,
    /// Database user name.
    pub username: String,
}

/// Names credentials issued through the app on a profile's connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCredsRef {
    /// Profile id.
    pub profile_id: String,
    /// The lease id the issue returned.
    pub lease_id: String,
}

/// The password of issued credentials, revealed on request (audited as `creds.reveal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedIssuedPassword {
    /// The lease id.
    pub lease_id: String,
    /// The database password (redacted `Debug`, zeroized on drop).
    pub password: crate::RevealedValue,
    /// Seconds after which the UI hides (and forgets) it again.
    pub hide_after_secs: u32,
}

/// The password of issued credentials was copied to the clipboard by the backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopiedIssuedPassword {
    /// The lease id.
    pub lease_id: String,
    /// Seconds after which the clipboard is cleared (if it still holds the password).
    pub clear_after_secs: u32,
}

crate::commands! {
    /// Dynamic database credentials.
    CREDS_COMMANDS;
    /// Issue credentials from a database role (audited as `creds.issue`; revoke them with `revoke_lease`); the password stays in the backend.
    IssueDbCredentials = "issue_db_credentials": IssueCredsArgs => IssuedCredentials;
    /// Reveal the password of credentials issued through the app (audited as `creds.reveal`); `NotFound` once it is no longer held.
    RevealIssuedPassword = "reveal_issued_password": IssuedCredsRef => RevealedIssuedPassword;
    /// Copy that password to the clipboard from the backend (audited as `creds.reveal`), cleared after the clipboard timeout if still ours.
    CopyIssuedPassword = "copy_issued_password": IssuedCredsRef => CopiedIssuedPassword;
}
