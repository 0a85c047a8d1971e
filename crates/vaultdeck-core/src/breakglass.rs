//! Break-glass operations: a [`BreakGlassSession`] (id, operator, cluster, start time) through
//! which every seal, unseal and generate-root step is audited, and the [`RootSession`] that
//! holds a freshly generated root token for a time box and revokes it, verified, at the end.
//!
//! Key shares, OTPs and tokens are [`SecretString`]s, consumed by value and zeroized on drop;
//! they never reach the audit log, a trace or a `Debug` string.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::join_all;
use secrecy::SecretString;
use time::OffsetDateTime;
use tracing::instrument;
use uuid::Uuid;
use vaultdeck_vault::breakglass::{
    decode_root_token, NodeSealStatus, RootAttempt, RootFlow, RootFlows, RootProgress,
};
use vaultdeck_vault::{SealStatus, VaultClient, VaultConfig};

use crate::audit::{AuditLog, AuditRecord};
use crate::capability::BreakGlass;
use crate::connection::VaultConnection;
use crate::{Error, Result};

pub mod report;

/// Default time box of a root session.
pub const DEFAULT_ROOT_TTL: Duration = Duration::from_secs(15 * 60);

impl BreakGlass for VaultConnection {
    async fn node_status(&self) -> NodeSealStatus {
        self.client().node_seal_status().await
    }

    async fn submit_unseal_share(&self, share: SecretString) -> Result<SealStatus> {
        Ok(self.client().submit_unseal_share(share).await?)
    }

    async fn unseal_reset(&self) -> Result<SealStatus> {
        Ok(self.client().unseal_reset().await?)
    }

    async fn seal(&self) -> Result<()> {
        Ok(self.client().seal().await?)
    }

    async fn root_flows(&self) -> Result<RootFlows> {
        Ok(self.client().generate_root_flows().await?)
    }
}

/// Seal status of every node: `addresses` plus whatever `sys/leader` / `sys/ha-status`
/// discovery finds from `seed` (a token lets it read `sys/ha-status`). Each node is queried
/// with `config` (CA bundle, TLS, timeout) at its own address; sorted by address.
#[instrument(skip_all, fields(seed = %seed.address(), extra = addresses.len()))]
pub async fn cluster_status(
    seed: &VaultClient,
    config: &VaultConfig,
    addresses: &[String],
) -> Vec<NodeSealStatus> {
    let mut all = seed.discover_nodes().await;
    all.extend(
        addresses
            .iter()
            .map(|a| a.trim().trim_end_matches('/').to_owned()),
    );
    all.retain(|a| !a.is_empty());
    all.sort();
    all.dedup();
    join_all(all.into_iter().map(|address| async move {
        let cfg = VaultConfig {
            address: address.clone(),
            ..config.clone()
        };
        match VaultClient::new(cfg) {
            Ok(c) => c.node_seal_status().await,
            Err(e) => NodeSealStatus {
                address,
                seal: None,
                state: None,
                health_status: None,
                version: None,
                error: Some(e.to_string()),
            },
        }
    }))
    .await
}

/// A break-glass session: who, on which cluster, since when. Every action taken through it is
/// appended to the audit log with the session id and operator (never a share or token).
#[derive(Debug, Clone)]
pub struct BreakGlassSession {
    id: Uuid,
    operator: String,
    cluster: String,
    started_at: OffsetDateTime,
    audit: AuditLog,
    /// Every action recorded through this session (shared by its clones), for the report.
    timeline: Arc<Mutex<Vec<TimelineEntry>>>,
}

/// One recorded action of a break-glass session (what went into the audit log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// The audit line's sequence number.
    pub seq: u64,
    /// When it was recorded.
    pub time: OffsetDateTime,
    /// Audit action name, e.g. `breakglass.unseal`.
    pub action: String,
    /// What it acted on (node address, prefix, accessor…), if anything.
    pub target: Option<String>,
    /// Whether it succeeded.
    pub ok: bool,
    /// Non-secret detail (progress, error message, reason).
    pub detail: Option<String>,
}

impl BreakGlassSession {
    /// Starts a session for `operator` (the name typed at start) on `cluster` (profile or
    /// cluster name). Refuses an empty operator name. Audited as `breakglass.session.start`.
    pub fn start(
        operator: &str,
        cluster: &str,
        audit: AuditLog,
        now: OffsetDateTime,
    ) -> Result<Self> {
        let operator = operator.trim();
        if operator.is_empty() {
            return Err(Error::InvalidInput(
                "type the operator's name to start a break-glass session".into(),
            ));
        }
        let s = Self {
            id: Uuid::new_v4(),
            operator: operator.to_owned(),
            cluster: cluster.to_owned(),
            started_at: now,
            audit,
            timeline: Arc::default(),
        };
        s.record(AuditRecord::ok("breakglass.session.start"))?;
        Ok(s)
    }

    /// [`BreakGlassSession::start`] at the current time.
    pub fn start_now(operator: &str, cluster: &str, audit: AuditLog) -> Result<Self> {
        Self::start(operator, cluster, audit, OffsetDateTime::now_utc())
    }

    /// The session id.
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// The operator's name.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// The cluster name.
    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    /// When the session started.
    pub fn started_at(&self) -> OffsetDateTime {
        self.started_at
    }

    /// The audit log this session writes to.
    pub fn audit_log(&self) -> &AuditLog {
        &self.audit
    }

    fn stamp(&self, r: AuditRecord) -> AuditRecord {
        let extra = format!("session={} operator={}", self.id, self.operator);
        let detail = match r.detail.as_deref() {
            Some(d) if !d.is_empty() => format!("{extra}; {d}"),
            _ => extra,
        };
        AuditRecord {
            profile: Some(self.cluster.clone()),
            detail: Some(detail),
            ..r
        }
    }

    fn record(&self, r: AuditRecord) -> Result<()> {
        let time = OffsetDateTime::now_utc();
        let entry = TimelineEntry {
            seq: 0,
            time,
            action: r.action.clone(),
            target: r.target.clone(),
            ok: r.ok,
            detail: r.detail.clone().filter(|d| !d.is_empty()),
        };
        let r = self.stamp(r);
        let seq = self.audit.append_at(r, time)?;
        self.timeline
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(TimelineEntry { seq, ..entry });
        Ok(())
    }

    /// Every action recorded through this session so far, oldest first.
    pub fn timeline(&self) -> Vec<TimelineEntry> {
        self.timeline
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Records the outcome of `result` as `action` on `target`, then returns it.
    fn audited<T>(
        &self,
        action: &str,
        target: &str,
        result: std::result::Result<T, vaultdeck_vault::Error>,
        ok_detail: impl FnOnce(&T) -> String,
    ) -> Result<T> {
        match result {
            Ok(v) => {
                self.record(AuditRecord::ok(action).target(target).detail(ok_detail(&v)))?;
                Ok(v)
            }
            Err(e) => {
                self.record(AuditRecord::failed(action, e.to_string()).target(target))?;
                Err(e.into())
            }
        }
    }

    /// Submits one unseal share to `node`; audited `breakglass.unseal` with the progress.
    #[instrument(skip_all, fields(session = %self.id, node = %node.address()))]
    pub async fn unseal(&self, node: &VaultClient, share: SecretString) -> Result<SealStatus> {
        let r = node.submit_unseal_share(share).await;
        self.audited("breakglass.unseal", node.address(), r, |s| {
            if s.sealed {
                format!("progress {}/{}", s.progress, s.threshold)
            } else {
                "unsealed".into()
            }
        })
    }

    /// Discards the shares submitted to `node`; audited `breakglass.unseal.reset`.
    #[instrument(skip_all, fields(session = %self.id, node = %node.address()))]
    pub async fn unseal_reset(&self, node: &VaultClient) -> Result<SealStatus> {
        let r = node.unseal_reset().await;
        self.audited("breakglass.unseal.reset", node.address(), r, |s| {
            format!("progress {}/{}", s.progress, s.threshold)
        })
    }

    /// Emergency seal of `node` (its token needs `sudo` on `sys/seal`), confirmed by typing
    /// the cluster name; audited `breakglass.seal`.
    #[instrument(skip_all, fields(session = %self.id, node = %node.address()))]
    pub async fn seal(&self, node: &VaultClient, typed_cluster_name: &str) -> Result<()> {
        if typed_cluster_name.trim() != self.cluster {
            return Err(Error::InvalidInput(format!(
                "type the cluster name `{}` to confirm the seal",
                self.cluster
            )));
        }
        let r = node.seal().await;
        self.audited("breakglass.seal", node.address(), r, |_| "sealed".into())
    }

    /// Starts generate-root on `flow`; audited `breakglass.generate_root.start` with the
    /// nonce (the OTP stays in the returned attempt).
    #[instrument(skip_all, fields(session = %self.id, node = %node.address(), flow = ?flow))]
    pub async fn generate_root_start(
        &self,
        node: &VaultClient,
        flow: RootFlow,
    ) -> Result<RootAttempt> {
        let r = node.generate_root_start(flow).await;
        self.audited("breakglass.generate_root.start", node.address(), r, |a| {
            format!(
                "flow={:?} nonce={} required={}",
                a.flow, a.nonce, a.required
            )
        })
    }

    /// Submits one share to the attempt. Returns the progress, and once complete the decoded
    /// token in a [`RootSession`] with the time box `ttl` (audited
    /// `breakglass.generate_root.complete`). Each share is audited as
    /// `breakglass.generate_root.update` with the progress only.
    #[instrument(skip_all, fields(session = %self.id, node = %node.address()))]
    pub async fn generate_root_submit(
        &self,
        node: &VaultClient,
        attempt: &RootAttempt,
        share: SecretString,
        ttl: Duration,
    ) -> Result<(RootProgress, Option<RootSession>)> {
        let r = node
            .generate_root_update(attempt.flow, &attempt.nonce, share)
            .await;
        let p = self.audited("breakglass.generate_root.update", node.address(), r, |p| {
            format!(
                "nonce={} progress {}/{}",
                attempt.nonce, p.progress, p.required
            )
        })?;
        if !p.complete {
            return Ok((p, None));
        }
        let decoded = p
            .encoded()
            .ok_or_else(|| {
                Error::Internal("generate-root completed without an encoded token".into())
            })
            .and_then(|enc| Ok(decode_root_token(enc, &attempt.otp)?));
        let token = match decoded {
            Ok(t) => t,
            Err(e) => {
                self.record(
                    AuditRecord::failed("breakglass.generate_root.complete", e.to_string())
                        .target(node.address()),
                )?;
                return Err(e);
            }
        };
        let root = node.without_token().with_token(token);
        let now = OffsetDateTime::now_utc();
        let session = RootSession {
            client: Some(root),
            session: self.clone(),
            started_at: now,
            expires_at: now + ttl,
        };
        self.record(
            AuditRecord::ok("breakglass.generate_root.complete")
                .target(node.address())
                .detail(format!(
                    "root session until {}",
                    fmt_time(session.expires_at)
                )),
        )?;
        Ok((p, Some(session)))
    }

    /// Cancels the generate-root attempt; audited `breakglass.generate_root.cancel`.
    #[instrument(skip_all, fields(session = %self.id, node = %node.address(), flow = ?flow))]
    pub async fn generate_root_cancel(&self, node: &VaultClient, flow: RootFlow) -> Result<()> {
        let r = node.generate_root_cancel(flow).await;
        self.audited("breakglass.generate_root.cancel", node.address(), r, |_| {
            String::new()
        })
    }

    /// Emergency lever: revokes every lease under `prefix` (e.g. `database/creds/app`);
    /// audited `breakglass.revoke_prefix`. An empty prefix (everything) is refused.
    ///
    /// `PUT /v1/sys/leases/revoke-prefix/:prefix`
    #[instrument(skip_all, fields(session = %self.id, prefix = %prefix))]
    pub async fn revoke_lease_prefix(
        &self,
        client: &VaultClient,
        prefix: &str,
    ) -> Result<LeverOutcome> {
        let prefix = lever_path(prefix, "lease prefix")?;
        let r = client
            .write(
                &format!("sys/leases/revoke-prefix/{prefix}"),
                &serde_json::json!({}),
            )
            .await
            .map(|_| ());
        self.audited("breakglass.revoke_prefix", &prefix, r, |_| String::new())?;
        Ok(LeverOutcome::new(
            "breakglass.revoke_prefix",
            &prefix,
            format!("every lease under `{prefix}` was revoked"),
        ))
    }

    /// Emergency lever: revokes one token (and its children) by accessor; audited
    /// `breakglass.revoke_accessor`.
    ///
    /// `POST /v1/auth/token/revoke-accessor`
    #[instrument(skip_all, fields(session = %self.id))]
    pub async fn revoke_token_accessor(
        &self,
        client: &VaultClient,
        accessor: &str,
    ) -> Result<LeverOutcome> {
        let accessor = accessor.trim();
        if accessor.is_empty() {
            return Err(Error::InvalidInput(
                "give the token accessor to revoke".into(),
            ));
        }
        // OpenBao answers 204 for an unknown accessor: look it up first so the result is clear.
        if let Err(e) = client
            .write(
                "auth/token/lookup-accessor",
                &serde_json::json!({ "accessor": accessor }),
            )
            .await
        {
            self.record(
                AuditRecord::failed("breakglass.revoke_accessor", e.to_string()).target(accessor),
            )?;
            if e.status() == Some(400) {
                return Err(Error::NotFound(format!(
                    "no token has the accessor `{accessor}` (already revoked or expired?)"
                )));
            }
            return Err(e.into());
        }
        let r = client
            .write(
                "auth/token/revoke-accessor",
                &serde_json::json!({ "accessor": accessor }),
            )
            .await
            .map(|_| ());
        self.audited("breakglass.revoke_accessor", accessor, r, |_| String::new())?;
        Ok(LeverOutcome::new(
            "breakglass.revoke_accessor",
            accessor,
            format!("the token with accessor `{accessor}` was revoked"),
        ))
    }

    /// Emergency lever: revokes every token issued by the auth mount `mount` (e.g.
    /// `userpass`), through its leases; audited `breakglass.revoke_auth_mount`.
    ///
    /// `PUT /v1/sys/leases/revoke-prefix/auth/:mount`
    #[instrument(skip_all, fields(session = %self.id, mount = %mount))]
    pub async fn revoke_auth_mount_tokens(
        &self,
        client: &VaultClient,
        mount: &str,
    ) -> Result<LeverOutcome> {
        let mount = lever_path(mount, "auth mount")?;
        let target = format!("auth/{mount}");
        let r = client
            .write(
                &format!("sys/leases/revoke-prefix/{target}"),
                &serde_json::json!({}),
            )
            .await
            .map(|_| ());
        self.audited("breakglass.revoke_auth_mount", &target, r, |_| {
            String::new()
        })?;
        Ok(LeverOutcome::new(
            "breakglass.revoke_auth_mount",
            &target,
            format!("every token issued by `{target}/` was revoked"),
        ))
    }

    /// Emergency lever: disables the auth method at `mount` (revoking its tokens; its
    /// configuration is lost); audited `breakglass.disable_auth`.
    ///
    /// `DELETE /v1/sys/auth/:mount`
    #[instrument(skip_all, fields(session = %self.id, mount = %mount))]
    pub async fn disable_auth_method(
        &self,
        client: &VaultClient,
        mount: &str,
    ) -> Result<LeverOutcome> {
        let mount = lever_path(mount, "auth mount")?;
        if mount == "token" {
            return Err(Error::InvalidInput(
                "the token auth method cannot be disabled".into(),
            ));
        }
        let r = client.delete(&format!("sys/auth/{mount}")).await;
        self.audited("breakglass.disable_auth", &mount, r, |_| String::new())?;
        Ok(LeverOutcome::new(
            "breakglass.disable_auth",
            &mount,
            format!("the auth method `{mount}/` is disabled and its tokens revoked"),
        ))
    }

    /// Ends the session; audited `breakglass.session.end`. End any [`RootSession`] first.
    pub fn end(self) -> Result<()> {
        self.record(AuditRecord::ok("breakglass.session.end"))
    }
}

/// The result of an emergency lever, for the operator and the session report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeverOutcome {
    /// The audit action name, e.g. `breakglass.revoke_prefix`.
    pub action: String,
    /// What it acted on (prefix, accessor, mount).
    pub target: String,
    /// One sentence saying what happened.
    pub message: String,
}

impl LeverOutcome {
    fn new(action: &str, target: &str, message: String) -> Self {
        Self {
            action: action.to_owned(),
            target: target.to_owned(),
            message,
        }
    }
}

/// Trims slashes and refuses empty paths and `..` segments (a lever must never widen).
fn lever_path(p: &str, what: &str) -> Result<String> {
    let p = p.trim().trim_matches('/');
    if p.is_empty() {
        return Err(Error::InvalidInput(format!(
            "give the {what}: an empty {what} would act on everything"
        )));
    }
    if p.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
        return Err(Error::InvalidInput(format!(
            "the {what} `{p}` has an empty, `.` or `..` segment"
        )));
    }
    Ok(p.to_owned())
}

fn fmt_time(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// How the end of a root session went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationReport {
    /// `revoke-self` answered success.
    pub revoked: bool,
    /// A `lookup-self` afterwards failed, i.e. the token really no longer works.
    pub verified: bool,
    /// What went wrong, if anything (tell the operator loudly).
    pub problem: Option<String>,
}

/// A generated root token, held in memory for a time box. [`RootSession::client`] refuses
/// once the box is over; [`RootSession::end`] (or [`RootSession::end_if_expired`]) revokes
/// the token with `revoke-self` and verifies that `lookup-self` then fails. Dropping a session
/// that was not ended spawns the revocation on the current tokio runtime and logs loudly.
pub struct RootSession {
    client: Option<VaultClient>,
    session: BreakGlassSession,
    started_at: OffsetDateTime,
    expires_at: OffsetDateTime,
}

impl fmt::Debug for RootSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RootSession")
            .field("session", &self.session.id)
            .field("operator", &self.session.operator)
            .field("started_at", &self.started_at)
            .field("expires_at", &self.expires_at)
            .field("token", &"[redacted]")
            .finish()
    }
}

impl RootSession {
    /// The break-glass session it belongs to.
    pub fn session(&self) -> &BreakGlassSession {
        &self.session
    }

    /// When the token was generated.
    pub fn started_at(&self) -> OffsetDateTime {
        self.started_at
    }

    /// When the time box ends.
    pub fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }

    /// Time left at `now` (zero once over).
    pub fn remaining(&self, now: OffsetDateTime) -> Duration {
        (self.expires_at - now).try_into().unwrap_or(Duration::ZERO)
    }

    /// Whether the time box is over at `now`.
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        now >= self.expires_at
    }

    /// The client carrying the root token, while the box lasts and it was not ended.
    pub fn client(&self, now: OffsetDateTime) -> Result<&VaultClient> {
        match &self.client {
            Some(c) if !self.is_expired(now) => Ok(c),
            Some(_) => Err(Error::Unauthenticated(
                "the root session's time box is over; end it (revokes the token) and generate a new one".into(),
            )),
            None => Err(Error::Unauthenticated("the root session has ended".into())),
        }
    }

    /// The root token itself (to reveal on explicit request only).
    pub fn token(&self, now: OffsetDateTime) -> Result<&SecretString> {
        self.client(now)?
            .token()
            .ok_or_else(|| Error::Internal("the root session has no token".into()))
    }

    /// Extends the time box by `by`, with a reason; audited `breakglass.root.extend`.
    pub fn extend(&mut self, by: Duration, reason: &str, now: OffsetDateTime) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::InvalidInput(
                "say why the root session needs more time".into(),
            ));
        }
        self.client(now)?;
        self.expires_at += by;
        self.session.record(
            AuditRecord::ok("breakglass.root.extend")
                .detail(format!("until {} ({reason})", fmt_time(self.expires_at))),
        )
    }

    /// Hands the token over unrevoked (e.g. `vdeck breakglass generate-root --print-token`):
    /// the session no longer revokes it, the operator must. Audited
    /// `breakglass.root.handover`.
    pub fn into_unrevoked_token(mut self) -> Result<SecretString> {
        let client = self
            .client
            .take()
            .ok_or_else(|| Error::Unauthenticated("the root session has ended".into()))?;
        let token = client
            .token()
            .cloned()
            .ok_or_else(|| Error::Internal("the root session has no token".into()))?;
        self.session.record(
            AuditRecord::ok("breakglass.root.handover")
                .target(client.address())
                .detail("root token handed to the operator unrevoked"),
        )?;
        Ok(token)
    }

    /// Revokes the token if the time box is over at `now`; `None` while it lasts.
    pub async fn end_if_expired(&mut self, now: OffsetDateTime) -> Option<RevocationReport> {
        if self.is_expired(now) && self.client.is_some() {
            Some(self.revoke().await)
        } else {
            None
        }
    }

    /// Ends the session: `revoke-self`, then verifies that `lookup-self` fails. Audited
    /// `breakglass.root.revoke` (failed, loudly, when revocation or verification fails).
    pub async fn end(mut self) -> RevocationReport {
        self.revoke().await
    }

    #[instrument(skip_all, fields(session = %self.session.id))]
    async fn revoke(&mut self) -> RevocationReport {
        let Some(client) = self.client.take() else {
            return RevocationReport {
                revoked: true,
                verified: true,
                problem: None,
            };
        };
        let report = revoke_verified(&client).await;
        let target = client.address().to_owned();
        let rec = match &report.problem {
            None => {
                AuditRecord::ok("breakglass.root.revoke").detail("revoked; lookup-self now fails")
            }
            Some(p) => {
                tracing::error!(problem = %p, "ROOT TOKEN REVOCATION FAILED");
                AuditRecord::failed("breakglass.root.revoke", p.clone())
            }
        };
        if let Err(e) = self.session.record(rec.target(target)) {
            tracing::error!(error = %e, "could not audit the root token revocation");
        }
        report
    }
}

/// A [`RootSession`] shared between the app's commands and a watchdog task that revokes the
/// token as soon as the time box is over, even if nobody asks. Cheap to clone.
#[derive(Clone)]
pub struct RootWatch {
    slot: Arc<tokio::sync::Mutex<Option<RootSession>>>,
    last: Arc<Mutex<Option<RevocationReport>>>,
}

impl fmt::Debug for RootWatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RootWatch").finish_non_exhaustive()
    }
}

/// How often the watchdog looks at the clock.
const WATCH_TICK: Duration = Duration::from_millis(250);

impl RootWatch {
    /// Takes `root` over and spawns its watchdog on the current tokio runtime: when the time
    /// box is over it records `breakglass.root.expired` and ends the session (revoke-self,
    /// verified, audited).
    pub fn spawn(root: RootSession) -> Self {
        let w = Self {
            slot: Arc::new(tokio::sync::Mutex::new(Some(root))),
            last: Arc::default(),
        };
        let watch = w.clone();
        tokio::spawn(async move { watch.watch().await });
        w
    }

    async fn watch(self) {
        loop {
            tokio::time::sleep(WATCH_TICK).await;
            let mut slot = self.slot.lock().await;
            let Some(root) = slot.as_ref() else {
                return;
            };
            if !root.is_expired(OffsetDateTime::now_utc()) {
                continue;
            }
            let Some(root) = slot.take() else {
                return;
            };
            if let Err(e) = root.session.record(
                AuditRecord::ok("breakglass.root.expired").detail("time box over: revoking"),
            ) {
                tracing::error!(error = %e, "could not audit the end of the root time box");
            }
            let report = root.end().await;
            self.set_last(report);
            return;
        }
    }

    fn set_last(&self, r: RevocationReport) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(r);
    }

    /// `(started_at, expires_at)` while the root token is live; `None` once it was revoked.
    pub async fn times(&self) -> Option<(OffsetDateTime, OffsetDateTime)> {
        self.slot
            .lock()
            .await
            .as_ref()
            .map(|r| (r.started_at(), r.expires_at()))
    }

    /// A client carrying the root token, while the time box lasts.
    pub async fn client(&self, now: OffsetDateTime) -> Result<VaultClient> {
        match self.slot.lock().await.as_ref() {
            Some(r) => r.client(now).cloned(),
            None => Err(Error::Unauthenticated(
                "the root session has ended; generate a new root token".into(),
            )),
        }
    }

    /// Extends the time box by `by` with a `reason` (audited); returns the new expiry.
    pub async fn extend(
        &self,
        by: Duration,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<OffsetDateTime> {
        match self.slot.lock().await.as_mut() {
            Some(r) => {
                r.extend(by, reason, now)?;
                Ok(r.expires_at())
            }
            None => Err(Error::Unauthenticated(
                "the root session has ended; generate a new root token".into(),
            )),
        }
    }

    /// Ends the root session now (revoke, verify, audit). Returns the last revocation's report
    /// if the watchdog already revoked it; `None` if there never was a token.
    pub async fn end(&self) -> Option<RevocationReport> {
        let root = self.slot.lock().await.take();
        match root {
            Some(r) => {
                let report = r.end().await;
                self.set_last(report.clone());
                Some(report)
            }
            None => self.last_revocation(),
        }
    }

    /// How the last revocation went (by the watchdog or [`RootWatch::end`]).
    pub fn last_revocation(&self) -> Option<RevocationReport> {
        self.last.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

async fn revoke_verified(client: &VaultClient) -> RevocationReport {
    let revoked = client.revoke_self().await;
    let lookup = client.lookup_self().await;
    // Only the server refusing the token proves it is gone; a network error proves nothing.
    let verified = matches!(&lookup, Err(e) if matches!(e.status(), Some(401 | 403)));
    let problem = match (&revoked, verified) {
        (_, true) => None,
        (Ok(()), false) => Some(
            "revoke-self succeeded but the token could not be shown to be dead \
             (lookup-self did not answer 403): revoke it by accessor or seal the cluster now"
                .to_owned(),
        ),
        (Err(e), false) => Some(format!(
            "revoke-self failed ({e}) and the root token may STILL WORK: \
             revoke it by accessor or seal the cluster now"
        )),
    };
    RevocationReport {
        revoked: revoked.is_ok(),
        verified,
        problem,
    }
}

impl Drop for RootSession {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        tracing::error!(session = %self.session.id, "root session dropped without end(): revoking the token in the background");
        let session = self.session.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(h) => {
                h.spawn(async move {
                    let mut s = RootSession {
                        client: Some(client),
                        session,
                        started_at: OffsetDateTime::now_utc(),
                        expires_at: OffsetDateTime::now_utc(),
                    };
                    s.revoke().await;
                });
            }
            Err(_) => {
                let _ = session.record(AuditRecord::failed(
                    "breakglass.root.revoke",
                    "root session dropped outside a runtime: the token was NOT revoked",
                ));
                tracing::error!("root token NOT revoked: no async runtime at drop");
            }
        }
    }
}
