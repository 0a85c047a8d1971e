//! Rotations: database root credentials (confirmed by typing the connection name), static
//! roles (list, rotate now), transit keys (list with versions, rotate, minimum versions), KV
//! "rotate value" (a new random value written with check-and-set through a
//! [`SecretStore`]), and bulk rotation plans (a dry-run list of steps, then per-step results
//! with stop-on-error). A plan's Vault steps run on one Vault connection; its AWS Secrets
//! Manager and Azure Key Vault steps each on the open connection they name (resolved through
//! the [`Deck`]). Every mutation is audited; generated values never reach a log.

use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;
use rand::RngExt;
use secrecy::SecretString;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;
use tracing::instrument;

use crate::aws::AwsAudited;
use crate::azure::AzureAudited;
use crate::capability::{Rotation, SecretStore};
use crate::connection::VaultConnection;
use crate::leases::AuditTo;
use crate::secrets::{Audited, SecretPatch};
use crate::sessions::Deck;
use crate::{Connection, Error, Result};

use vaultdeck_types::{
    AwsListFilter, AzSecretUpdate, CloudProvider, CloudTarget, CloudTargets, DbConnectionTarget,
    DbTargets, KvTarget, PlanPreview, PlannedStep, RotationHealth, RotationReportFiles,
    RotationRunReport, StaticRoleTarget, TransitKeyTarget, TransitTargets,
};
pub use vaultdeck_types::{
    RotationPlan, RotationStep, StaticRole, StepResult, StepStatus, TransitKey, ValueSpec,
};

// ------------------------------------------------------------------------ provider impls

fn seg(s: &str) -> &str {
    s.trim_matches('/')
}

/// A transit key version's creation time: symmetric keys give unix seconds, asymmetric keys
/// an object with `creation_time` (RFC 3339).
fn version_created(v: &Value) -> Option<String> {
    if let Some(secs) = v.as_i64() {
        return OffsetDateTime::from_unix_timestamp(secs)
            .ok()?
            .format(&Rfc3339)
            .ok();
    }
    v.get("creation_time")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn parse_transit(name: &str, body: Option<Value>) -> Result<TransitKey> {
    let d = body
        .as_ref()
        .and_then(|b| b.get("data"))
        .ok_or_else(|| Error::NotFound(format!("transit key {name:?} not found")))?;
    let mut versions: Vec<u64> = d
        .get("keys")
        .and_then(Value::as_object)
        .map(|m| m.keys().filter_map(|k| k.parse().ok()).collect())
        .unwrap_or_default();
    versions.sort_unstable();
    let latest_version = d["latest_version"].as_u64().unwrap_or(0);
    Ok(TransitKey {
        last_rotated: d
            .get("keys")
            .and_then(|m| m.get(latest_version.to_string()))
            .and_then(version_created),
        name: name.to_owned(),
        key_type: d["type"].as_str().unwrap_or("").to_owned(),
        latest_version,
        min_decryption_version: d["min_decryption_version"].as_u64().unwrap_or(1),
        min_encryption_version: d["min_encryption_version"].as_u64().unwrap_or(0),
        versions,
    })
}

impl Rotation for VaultConnection {
    async fn rotate_db_root(&self, mount: &str, connection: &str) -> Result<()> {
        let path = format!("{}/rotate-root/{}", seg(mount), seg(connection));
        self.client().write(&path, &json!({})).await?;
        Ok(())
    }

    async fn static_roles(&self, mount: &str) -> Result<Vec<StaticRole>> {
        let c = self.client();
        let mut names = c.list(&format!("{}/static-roles", seg(mount))).await?;
        names.sort();
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let body = c
                .read(&format!("{}/static-roles/{name}", seg(mount)))
                .await?;
            let d = body.as_ref().and_then(|b| b.get("data"));
            let s = |k: &str| {
                d.and_then(|d| d.get(k))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            out.push(StaticRole {
                username: s("username").unwrap_or_default(),
                db_name: s("db_name").unwrap_or_default(),
                rotation_period: d
                    .and_then(|d| d.get("rotation_period"))
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
                last_vault_rotation: s("last_vault_rotation"),
                name,
            });
        }
        Ok(out)
    }

    async fn rotate_static_role(&self, mount: &str, role: &str) -> Result<()> {
        let path = format!("{}/rotate-role/{}", seg(mount), seg(role));
        self.client().write(&path, &json!({})).await?;
        Ok(())
    }

    async fn transit_keys(&self, mount: &str) -> Result<Vec<TransitKey>> {
        let c = self.client();
        let mut names = c.list(&format!("{}/keys", seg(mount))).await?;
        names.sort();
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let body = c.read(&format!("{}/keys/{name}", seg(mount))).await?;
            out.push(parse_transit(&name, body)?);
        }
        Ok(out)
    }

    async fn rotate_transit_key(&self, mount: &str, key: &str) -> Result<TransitKey> {
        let c = self.client();
        c.write(
            &format!("{}/keys/{}/rotate", seg(mount), seg(key)),
            &json!({}),
        )
        .await?;
        let body = c.read(&format!("{}/keys/{}", seg(mount), seg(key))).await?;
        parse_transit(key, body)
    }

    async fn set_transit_min_versions(
        &self,
        mount: &str,
        key: &str,
        min_decryption_version: Option<u64>,
        min_encryption_version: Option<u64>,
    ) -> Result<TransitKey> {
        let c = self.client();
        let mut body = json!({});
        if let Some(v) = min_decryption_version {
            body["min_decryption_version"] = json!(v);
        }
        if let Some(v) = min_encryption_version {
            body["min_encryption_version"] = json!(v);
        }
        c.write(&format!("{}/keys/{}/config", seg(mount), seg(key)), &body)
            .await?;
        let body = c.read(&format!("{}/keys/{}", seg(mount), seg(key))).await?;
        parse_transit(key, body)
    }
}

impl Rotation for Connection {
    async fn rotate_db_root(&self, mount: &str, connection: &str) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault rotations")),
            Connection::Azure(z) => Err(z.unsupported("Vault rotations")),
            Connection::Vault(v) => v.rotate_db_root(mount, connection).await,
        }
    }
    async fn static_roles(&self, mount: &str) -> Result<Vec<StaticRole>> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault rotations")),
            Connection::Azure(z) => Err(z.unsupported("Vault rotations")),
            Connection::Vault(v) => v.static_roles(mount).await,
        }
    }
    async fn rotate_static_role(&self, mount: &str, role: &str) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault rotations")),
            Connection::Azure(z) => Err(z.unsupported("Vault rotations")),
            Connection::Vault(v) => v.rotate_static_role(mount, role).await,
        }
    }
    async fn transit_keys(&self, mount: &str) -> Result<Vec<TransitKey>> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault rotations")),
            Connection::Azure(z) => Err(z.unsupported("Vault rotations")),
            Connection::Vault(v) => v.transit_keys(mount).await,
        }
    }
    async fn rotate_transit_key(&self, mount: &str, key: &str) -> Result<TransitKey> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault rotations")),
            Connection::Azure(z) => Err(z.unsupported("Vault rotations")),
            Connection::Vault(v) => v.rotate_transit_key(mount, key).await,
        }
    }
    async fn set_transit_min_versions(
        &self,
        mount: &str,
        key: &str,
        min_decryption_version: Option<u64>,
        min_encryption_version: Option<u64>,
    ) -> Result<TransitKey> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault rotations")),
            Connection::Azure(z) => Err(z.unsupported("Vault rotations")),
            Connection::Vault(v) => {
                v.set_transit_min_versions(
                    mount,
                    key,
                    min_decryption_version,
                    min_encryption_version,
                )
                .await
            }
        }
    }
}

// ------------------------------------------------------------------------ audited actions

/// Rotates a database connection's root credential. `typed_connection` must equal
/// `connection` (after this, only Vault knows the password). Audited as `rotate.db_root`.
#[instrument(skip_all, fields(mount = %mount, connection = %connection))]
pub async fn rotate_db_root<R: Rotation + Sync>(
    rot: &R,
    audit: AuditTo<'_>,
    mount: &str,
    connection: &str,
    typed_connection: &str,
) -> Result<()> {
    if connection.is_empty() || typed_connection != connection {
        return Err(Error::InvalidInput(format!(
            "confirmation does not match: type the connection name {connection:?} to rotate \
             its root credential"
        )));
    }
    let r = rot.rotate_db_root(mount, connection).await;
    audit.record(
        "rotate.db_root",
        &format!("{}/config/{connection}", seg(mount)),
        "",
        &r,
    );
    r
}

/// Rotates a static role's password now; audited as `rotate.static_role`.
#[instrument(skip_all, fields(mount = %mount, role = %role))]
pub async fn rotate_static_role<R: Rotation + Sync>(
    rot: &R,
    audit: AuditTo<'_>,
    mount: &str,
    role: &str,
) -> Result<()> {
    let r = rot.rotate_static_role(mount, role).await;
    audit.record(
        "rotate.static_role",
        &format!("{}/static-roles/{role}", seg(mount)),
        "",
        &r,
    );
    r
}

/// Rotates a transit key; audited as `rotate.transit_key` with the new version.
#[instrument(skip_all, fields(mount = %mount, key = %key))]
pub async fn rotate_transit_key<R: Rotation + Sync>(
    rot: &R,
    audit: AuditTo<'_>,
    mount: &str,
    key: &str,
) -> Result<TransitKey> {
    let r = rot.rotate_transit_key(mount, key).await;
    let detail = r
        .as_ref()
        .map(|k| format!("latest version {}", k.latest_version))
        .unwrap_or_default();
    audit.record(
        "rotate.transit_key",
        &format!("{}/keys/{key}", seg(mount)),
        &detail,
        &r,
    );
    r
}

/// Sets a transit key's minimum versions; audited as `transit.config`. Refuses a minimum
/// above the latest version (the server would lock every ciphertext out).
#[instrument(skip_all, fields(mount = %mount, key = %key.name))]
pub async fn set_transit_min_versions<R: Rotation + Sync>(
    rot: &R,
    audit: AuditTo<'_>,
    key: &TransitKey,
    mount: &str,
    min_decryption_version: Option<u64>,
    min_encryption_version: Option<u64>,
) -> Result<TransitKey> {
    for v in [min_decryption_version, min_encryption_version]
        .into_iter()
        .flatten()
    {
        if v > key.latest_version {
            return Err(Error::InvalidInput(format!(
                "minimum version {v} is above key {:?}'s latest version {}",
                key.name, key.latest_version
            )));
        }
    }
    let r = rot
        .set_transit_min_versions(
            mount,
            &key.name,
            min_decryption_version,
            min_encryption_version,
        )
        .await;
    audit.record(
        "transit.config",
        &format!("{}/keys/{}", seg(mount), key.name),
        &format!("min_decryption_version={min_decryption_version:?} min_encryption_version={min_encryption_version:?}"),
        &r,
    );
    r
}

// ------------------------------------------------------------------------ KV values

const CLASSES: [&[u8]; 4] = [
    b"abcdefghijklmnopqrstuvwxyz",
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    b"0123456789",
    b"-_.~!@#%^*+=",
];

/// A random value per `spec` from the OS RNG, containing at least one character of every
/// chosen class.
pub fn generate_value(spec: &ValueSpec) -> Result<SecretString> {
    let chosen: Vec<&[u8]> = [spec.lowercase, spec.uppercase, spec.digits, spec.symbols]
        .iter()
        .zip(CLASSES)
        .filter(|(on, _)| **on)
        .map(|(_, c)| c)
        .collect();
    if chosen.is_empty() {
        return Err(Error::InvalidInput(
            "choose at least one character class".into(),
        ));
    }
    if !(8..=4096).contains(&spec.length) {
        return Err(Error::InvalidInput(format!(
            "length {} is out of range: choose 8 to 4096 characters",
            spec.length
        )));
    }
    let alphabet: Vec<u8> = chosen.concat();
    let mut rng = UnwrapErr(SysRng);
    loop {
        let v: String = (0..spec.length)
            .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
            .collect();
        if chosen.iter().all(|c| v.bytes().any(|b| c.contains(&b))) {
            return Ok(SecretString::from(v));
        }
    }
}

/// Writes a new random value for each of `keys` at KV v2 `path`, keeping the other keys, with
/// check-and-set on the version read just before (a concurrent change -> `Conflict`, nothing
/// written). Pass an [`Audited`](crate::secrets::Audited) store to record it (`kv.patch`).
/// Returns the new version.
#[instrument(skip_all, fields(path = %path, keys = keys.len()))]
pub async fn rotate_kv_value<S: SecretStore + Sync>(
    store: &S,
    path: &str,
    keys: &[String],
    spec: &ValueSpec,
) -> Result<Option<u64>> {
    if keys.is_empty() {
        return Err(Error::InvalidInput(
            "choose at least one key to rotate".into(),
        ));
    }
    let meta = store.metadata(path).await?;
    let current = meta.current_version.ok_or_else(|| {
        Error::Unsupported(format!(
            "{path}: rotate value needs KV v2 (check-and-set); this mount has no versions"
        ))
    })?;
    let mut patch = SecretPatch::new();
    for k in keys {
        patch = patch.set(k.clone(), generate_value(spec)?);
    }
    let out = store.patch(path, &patch, Some(current)).await?;
    Ok(out.version)
}

// ------------------------------------------------------------------------ bulk plans

/// Where a plan's steps run: Vault steps on one Vault connection, each cloud step on the
/// AWS or Azure connection its profile id names (looked up in the deck when the step runs).
pub struct PlanConnections<'a, R, S> {
    /// The plan's Vault connection (database and transit steps) and a secret store over it
    /// (KV steps, e.g. an [`Audited`](crate::secrets::Audited) view); `None` when there is no
    /// Vault connection: Vault steps then fail, each on its own.
    pub vault: Option<(&'a R, &'a S)>,
    /// The deck whose open AWS and Azure connections cloud steps run on; `None`: cloud steps
    /// fail, each on its own.
    pub deck: Option<&'a Deck>,
}

impl<'a> PlanConnections<'a, Connection, Audited<Connection>> {
    /// Cloud connections only (a plan without Vault steps).
    pub fn cloud_only(deck: &'a Deck) -> Self {
        Self {
            vault: None,
            deck: Some(deck),
        }
    }
}

/// The open connection `profile_id` names, with its profile name for messages; a closed or
/// unknown profile is `Unauthenticated` "connection X is not open".
fn open_cloud(deck: &Deck, profile_id: &str) -> Result<(Connection, String)> {
    let name = deck
        .profile(profile_id)
        .map(|p| p.name)
        .unwrap_or_else(|_| profile_id.to_owned());
    let conn = deck.connection(profile_id).map_err(|_| {
        Error::Unauthenticated(format!(
            "connection {name} is not open: connect it on the Connections screen, then run \
             the plan again"
        ))
    })?;
    Ok((conn, name))
}

/// Runs one cloud step on its own connection (audited by the provider's audited view:
/// `aws.rotate_client_side`, `az.key.rotate`, `az.set`); returns the non-secret detail.
async fn run_cloud_step(deck: Option<&Deck>, step: &RotationStep) -> Result<String> {
    let Some(deck) = deck else {
        return Err(Error::Unsupported(
            "this run has no access to the app's AWS and Azure connections".into(),
        ));
    };
    match step {
        RotationStep::AwsSecret {
            profile_id,
            name,
            spec,
            json_key,
        } => {
            let (conn, label) = open_cloud(deck, profile_id)?;
            if !matches!(conn, Connection::Aws(_)) {
                return Err(Error::InvalidInput(format!(
                    "connection {label} is not an AWS Secrets Manager connection"
                )));
            }
            let aws = AwsAudited::for_profile(deck, profile_id)?;
            let o = aws
                .rotate_client_side(name, spec, json_key.as_deref(), None)
                .await?;
            Ok(format!(
                "AWSCURRENT {} (AWSPREVIOUS {})",
                o.new_version, o.previous_version
            ))
        }
        RotationStep::AzureKey { profile_id, name } => {
            let az = azure_for(deck, profile_id)?;
            let k = az.rotate_key(name).await?;
            Ok(format!("new version {}", k.version.unwrap_or_default()))
        }
        RotationStep::AzureSecret {
            profile_id,
            name,
            spec,
        } => {
            let az = azure_for(deck, profile_id)?;
            // The secret must exist (a typo must not create a new one); its content type and
            // tags carry over to the new version.
            let current = az.vault().secret_props(name, None).await?;
            if current.managed {
                return Err(Error::Unsupported(format!(
                    "secret {name} backs a certificate: Key Vault rotates it with the certificate"
                )));
            }
            let value = generate_value(spec)?;
            let attrs = AzSecretUpdate {
                content_type: current.content_type.clone(),
                tags: Some(current.tags.clone()),
                ..AzSecretUpdate::default()
            };
            let p = az.set_secret(name, &value, &attrs).await?;
            Ok(format!(
                "new version {} (was {})",
                p.version.unwrap_or_default(),
                current.version.unwrap_or_default()
            ))
        }
        _ => Err(Error::Internal("not a cloud step".into())),
    }
}

fn azure_for(deck: &Deck, profile_id: &str) -> Result<AzureAudited> {
    let (conn, label) = open_cloud(deck, profile_id)?;
    if !matches!(conn, Connection::Azure(_)) {
        return Err(Error::InvalidInput(format!(
            "connection {label} is not an Azure Key Vault connection"
        )));
    }
    AzureAudited::for_profile(deck, profile_id)
}

/// Runs one Vault step on the plan's Vault connection; returns the non-secret detail.
async fn run_vault_step<R, S>(
    vault: Option<(&R, &S)>,
    audit: AuditTo<'_>,
    step: &RotationStep,
) -> Result<String>
where
    R: Rotation + Sync,
    S: SecretStore + Sync,
{
    let Some((conn, store)) = vault else {
        return Err(Error::InvalidInput(
            "this step runs on a Vault or OpenBao connection and none was given: open one, \
             make it the active connection, then run the plan again"
                .into(),
        ));
    };
    match step {
        RotationStep::DbRoot { mount, connection } => {
            rotate_db_root(conn, audit, mount, connection, connection)
                .await
                .map(|()| String::new())
        }
        RotationStep::StaticRole { mount, role } => rotate_static_role(conn, audit, mount, role)
            .await
            .map(|()| String::new()),
        RotationStep::TransitKey { mount, key } => rotate_transit_key(conn, audit, mount, key)
            .await
            .map(|k| format!("latest version {}", k.latest_version)),
        RotationStep::KvValue { path, keys, spec } => rotate_kv_value(store, path, keys, spec)
            .await
            .map(|v| v.map(|v| format!("version {v}")).unwrap_or_default()),
        _ => Err(Error::Internal("not a Vault step".into())),
    }
}

/// Runs `plan` step by step: Vault steps on `conns.vault` (KV steps through its store), each
/// cloud step on the AWS or Azure connection it names (a closed or unknown connection fails
/// that step alone). Each result goes to `on_step` as it finishes. With `stop_on_error` the
/// steps after a failure are `Skipped`; cancelling skips the rest. Each step is audited by
/// the action it performs; the plan itself as `rotate.plan`.
#[instrument(skip_all, fields(steps = plan.steps.len(), stop_on_error = stop_on_error))]
pub async fn execute_plan<R, S, F>(
    conns: PlanConnections<'_, R, S>,
    audit: AuditTo<'_>,
    plan: &RotationPlan,
    stop_on_error: bool,
    cancel: &CancellationToken,
    mut on_step: F,
) -> Vec<StepResult>
where
    R: Rotation + Sync,
    S: SecretStore + Sync,
    F: FnMut(&StepResult) + Send,
{
    let mut results = Vec::with_capacity(plan.steps.len());
    let mut halted = false;
    for (index, step) in plan.steps.iter().enumerate() {
        let description = step.describe();
        let outcome = if halted || cancel.is_cancelled() {
            None
        } else if step.is_vault() {
            Some(run_vault_step(conns.vault, audit, step).await)
        } else {
            Some(run_cloud_step(conns.deck, step).await)
        };
        let r = match outcome {
            None => StepResult {
                index,
                description,
                status: StepStatus::Skipped,
                detail: String::new(),
            },
            Some(Ok(detail)) => StepResult {
                index,
                description,
                status: StepStatus::Ok,
                detail,
            },
            Some(Err(e)) => {
                halted = stop_on_error;
                StepResult {
                    index,
                    description,
                    status: StepStatus::Failed,
                    detail: e.to_string(),
                }
            }
        };
        on_step(&r);
        results.push(r);
    }
    let failed = results
        .iter()
        .filter(|r| r.status == StepStatus::Failed)
        .count();
    let ok = results
        .iter()
        .filter(|r| r.status == StepStatus::Ok)
        .count();
    let summary: Result<()> = if failed == 0 {
        Ok(())
    } else {
        Err(Error::Internal(format!("{failed} step(s) failed")))
    };
    audit.record(
        "rotate.plan",
        &format!("{} step(s)", plan.steps.len()),
        &format!("{ok} ok, {failed} failed"),
        &summary,
    );
    results
}

/// Checks that `conn` (profile `profile_id`) can run a plan's Vault steps: an AWS or Azure
/// connection cannot (`InvalidInput` naming it; nothing runs).
pub fn require_vault(deck: &Deck, profile_id: &str, conn: &Connection) -> Result<()> {
    if matches!(conn, Connection::Vault(_)) {
        return Ok(());
    }
    let name = deck
        .profile(profile_id)
        .map(|p| p.name)
        .unwrap_or_else(|_| profile_id.to_owned());
    Err(Error::InvalidInput(format!(
        "this plan has Vault steps but {name} is not a Vault or OpenBao connection: make a \
         Vault connection the active one (cloud steps name their own connection)"
    )))
}

/// The Vault connection (and an audited store over it) a run of `plan` needs: `None` when the
/// plan has no Vault step; otherwise `profile_id` must be an open Vault connection (an error
/// before anything runs).
pub fn plan_vault(
    deck: &Deck,
    profile_id: &str,
    plan: &RotationPlan,
) -> Result<Option<(Connection, Audited<Connection>)>> {
    if !plan.has_vault_steps() {
        return Ok(None);
    }
    let conn = deck.connection(profile_id)?;
    require_vault(deck, profile_id, &conn)?;
    Ok(Some((conn, Audited::for_profile(deck, profile_id)?)))
}

/// The report's "connection" line: the profile names of the Vault connection (when the plan
/// has Vault steps) and of every cloud connection the plan's steps name, in plan order.
pub fn plan_target_label(deck: &Deck, vault_profile_id: &str, plan: &RotationPlan) -> String {
    let name = |id: &str| {
        deck.profile(id)
            .map(|p| p.name)
            .unwrap_or_else(|_| id.to_owned())
    };
    let mut names: Vec<String> = Vec::new();
    if plan.has_vault_steps() && !vault_profile_id.is_empty() {
        names.push(name(vault_profile_id));
    }
    for id in plan
        .steps
        .iter()
        .filter_map(RotationStep::connection_profile)
    {
        let n = name(id);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names.join(", ")
}

// ------------------------------------------------------------------------ cloud targets

fn unix_rfc3339(secs: Option<i64>) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(secs?)
        .ok()?
        .format(&Rfc3339)
        .ok()
}

/// An open AWS or Azure connection's rotatable targets with health at `now` (names and
/// non-secret facts only): AWS secrets not scheduled for deletion; Azure keys and secrets
/// that do not back a certificate. A Vault connection is `Unsupported` (its targets are
/// listed per mount).
#[instrument(skip_all, fields(profile = %profile_id))]
pub async fn cloud_targets(
    deck: &Deck,
    profile_id: &str,
    now: OffsetDateTime,
    max_age_days: u64,
) -> Result<CloudTargets> {
    let (conn, name) = open_cloud(deck, profile_id)?;
    let mut out = CloudTargets {
        profile_id: profile_id.to_owned(),
        name,
        provider: CloudProvider::Aws,
        aws_secrets: Vec::new(),
        azure_keys: Vec::new(),
        azure_secrets: Vec::new(),
    };
    match &conn {
        Connection::Vault(_) => {
            return Err(Error::Unsupported(format!(
                "{} is a Vault connection: its targets are on the Database, Transit and KV tabs",
                out.name
            )))
        }
        Connection::Aws(a) => {
            let all = a.client().list_all(&AwsListFilter::default()).await?;
            out.aws_secrets = all
                .into_iter()
                .filter(|s| s.deleted_date.is_none())
                .map(|s| CloudTarget {
                    detail: if s.rotation_enabled {
                        "Lambda rotation configured".into()
                    } else {
                        String::new()
                    },
                    health: health(s.last_changed.as_deref(), now, max_age_days),
                    name: s.name,
                })
                .collect();
            out.aws_secrets.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Connection::Azure(z) => {
            out.provider = CloudProvider::Azure;
            let v = z.vault();
            out.azure_keys = v
                .list_keys()
                .await?
                .into_iter()
                .filter(|k| !k.managed)
                .map(|k| CloudTarget {
                    detail: [
                        k.kty.clone().unwrap_or_default(),
                        if k.enabled { "" } else { "disabled" }.to_owned(),
                    ]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", "),
                    health: health(
                        unix_rfc3339(k.updated.or(k.created)).as_deref(),
                        now,
                        max_age_days,
                    ),
                    name: k.name,
                })
                .collect();
            out.azure_keys.sort_by(|a, b| a.name.cmp(&b.name));
            out.azure_secrets = v
                .list_secrets_all()
                .await?
                .into_iter()
                .filter(|s| !s.managed)
                .map(|s| CloudTarget {
                    detail: [
                        s.content_type.clone().unwrap_or_default(),
                        if s.enabled { "" } else { "disabled" }.to_owned(),
                    ]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", "),
                    health: health(
                        unix_rfc3339(s.updated.or(s.created)).as_deref(),
                        now,
                        max_age_days,
                    ),
                    name: s.name,
                })
                .collect();
            out.azure_secrets.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------------ targets and health

/// The Vault connection behind `conn`; other providers have no rotation screen.
fn vault(conn: &Connection) -> Result<&VaultConnection> {
    match conn {
        Connection::Vault(v) => Ok(v),
        Connection::Aws(a) => Err(a.unsupported("Vault rotations")),
        Connection::Azure(z) => Err(z.unsupported("Vault rotations")),
    }
}

/// Health of a target last rotated at `last_rotated` (RFC 3339) as seen at `now`: stale when
/// older than `max_age_days`. An unparsable or zero time (`0001-01-01…`: never) has no age.
pub fn health(
    last_rotated: Option<&str>,
    now: OffsetDateTime,
    max_age_days: u64,
) -> RotationHealth {
    let at = last_rotated
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
        .filter(|t| t.year() > 1970);
    let age_secs = at.map(|t| (now - t).whole_seconds().max(0) as u64);
    RotationHealth {
        last_rotated: at.and(last_rotated.map(str::to_owned)),
        age_secs,
        stale: age_secs.is_some_and(|a| a > max_age_days.saturating_mul(86_400)),
        max_age_days,
    }
}

/// Connections of a database mount (`{mount}/config`), sorted by name. An empty mount has none.
pub async fn db_connections(conn: &Connection, mount: &str) -> Result<Vec<DbConnectionTarget>> {
    let c = vault(conn)?.client();
    let mut names = c.list(&format!("{}/config", seg(mount))).await?;
    names.sort();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let body = c.read(&format!("{}/config/{name}", seg(mount))).await?;
        let d = body.as_ref().and_then(|b| b.get("data"));
        out.push(DbConnectionTarget {
            plugin_name: d
                .and_then(|d| d.get("plugin_name"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            allowed_roles: d
                .and_then(|d| d.get("allowed_roles"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            name,
        });
    }
    Ok(out)
}

/// A database mount's connections and static roles with health at `now`.
pub async fn db_targets(
    conn: &Connection,
    mount: &str,
    now: OffsetDateTime,
    max_age_days: u64,
) -> Result<DbTargets> {
    let connections = db_connections(conn, mount).await?;
    let static_roles = conn
        .static_roles(mount)
        .await?
        .into_iter()
        .map(|role| StaticRoleTarget {
            health: health(role.last_vault_rotation.as_deref(), now, max_age_days),
            role,
        })
        .collect();
    Ok(DbTargets {
        mount: seg(mount).to_owned(),
        connections,
        static_roles,
    })
}

/// A transit key with its allowed versions and health at `now`.
pub fn transit_target(key: TransitKey, now: OffsetDateTime, max_age_days: u64) -> TransitKeyTarget {
    TransitKeyTarget {
        decrypt_versions: key.decrypt_versions(),
        encrypt_versions: key.encrypt_versions(),
        health: health(key.last_rotated.as_deref(), now, max_age_days),
        key,
    }
}

/// A transit mount's keys with health at `now`.
pub async fn transit_targets(
    conn: &Connection,
    mount: &str,
    now: OffsetDateTime,
    max_age_days: u64,
) -> Result<TransitTargets> {
    let keys = conn
        .transit_keys(mount)
        .await?
        .into_iter()
        .map(|k| transit_target(k, now, max_age_days))
        .collect();
    Ok(TransitTargets {
        mount: seg(mount).to_owned(),
        keys,
    })
}

/// One transit key (`NotFound` when it does not exist).
pub async fn transit_key(conn: &Connection, mount: &str, key: &str) -> Result<TransitKey> {
    let body = vault(conn)?
        .client()
        .read(&format!("{}/keys/{}", seg(mount), seg(key)))
        .await?;
    parse_transit(key, body)
}

/// A KV v2 secret as a rotation target: key names of the current version (no values), the
/// version and its age at `now`. KV v1 cannot be rotated with check-and-set: `Unsupported`.
pub async fn kv_target<S: SecretStore + Sync>(
    store: &S,
    path: &str,
    now: OffsetDateTime,
    max_age_days: u64,
) -> Result<KvTarget> {
    let meta = store.metadata(path).await?;
    let Some(current) = meta.current_version else {
        return Err(Error::Unsupported(format!(
            "{path}: rotate value needs KV v2 (check-and-set); this mount has no versions"
        )));
    };
    let keys = store.subkeys(path, Some(current)).await?;
    let written = meta
        .versions
        .iter()
        .find(|v| v.version == current)
        .map(|v| v.created_time.clone())
        .or(meta.updated_time.clone());
    Ok(KvTarget {
        path: meta.path,
        current_version: Some(current),
        keys: keys.keys,
        health: health(written.as_deref(), now, max_age_days),
    })
}

// ------------------------------------------------------------------------ plan preview and report

/// The dry run of `plan`: each step's description and, before anything runs, why it cannot.
pub fn preview(plan: &RotationPlan) -> PlanPreview {
    let steps: Vec<PlannedStep> = plan
        .steps
        .iter()
        .enumerate()
        .map(|(index, s)| PlannedStep {
            index,
            target: s.target_id(),
            description: s.describe(),
            problem: s.problem(),
            needs_typed_confirmation: matches!(s, RotationStep::DbRoot { .. }),
            connection: s.connection_profile().map(str::to_owned),
        })
        .collect();
    PlanPreview {
        runnable: !steps.is_empty() && steps.iter().all(|s| s.problem.is_none()),
        steps,
    }
}

/// Checks a plan before a run: every step well-formed and every database root step confirmed
/// by its connection name typed in `typed` (nothing runs otherwise).
pub fn check_plan(plan: &RotationPlan, typed: &[String]) -> Result<()> {
    if plan.steps.is_empty() {
        return Err(Error::InvalidInput(
            "the plan is empty: select targets first".into(),
        ));
    }
    for (i, s) in plan.steps.iter().enumerate() {
        if let Some(p) = s.problem() {
            return Err(Error::InvalidInput(format!("step {}: {p}", i + 1)));
        }
    }
    for c in plan.db_root_connections() {
        if !typed.contains(&c) {
            return Err(Error::InvalidInput(format!(
                "confirmation missing: type the connection name {c:?} to rotate its root \
                 credential in this plan"
            )));
        }
    }
    Ok(())
}

/// Counts and wraps executed results into a report.
pub fn run_report(
    target: String,
    started: OffsetDateTime,
    elapsed_ms: u64,
    stop_on_error: bool,
    cancelled: bool,
    results: Vec<StepResult>,
) -> RotationRunReport {
    let count = |st: StepStatus| results.iter().filter(|r| r.status == st).count();
    RotationRunReport {
        target,
        started: started.format(&Rfc3339).unwrap_or_default(),
        elapsed_ms,
        stop_on_error,
        cancelled,
        ok: count(StepStatus::Ok),
        failed: count(StepStatus::Failed),
        skipped: count(StepStatus::Skipped),
        results,
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The report as Markdown: a header, the counts and one table row per step.
pub fn report_markdown(r: &RotationRunReport) -> String {
    let mut o = String::new();
    o.push_str("# Rotation report\n\n");
    o.push_str(&format!("- Connection: {}\n", md_cell(&r.target)));
    o.push_str(&format!("- Started: {}\n", r.started));
    o.push_str(&format!("- Duration: {} ms\n", r.elapsed_ms));
    o.push_str(&format!(
        "- Mode: {}\n",
        if r.stop_on_error {
            "stop on first failure"
        } else {
            "continue after failures"
        }
    ));
    if r.cancelled {
        o.push_str("- Cancelled before the end\n");
    }
    o.push_str(&format!(
        "- Result: {} ok, {} failed, {} skipped\n\n",
        r.ok, r.failed, r.skipped
    ));
    o.push_str("| # | Step | Status | Detail |\n|---|---|---|---|\n");
    for s in &r.results {
        o.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            s.index + 1,
            md_cell(&s.description),
            s.status.as_str(),
            md_cell(&s.detail)
        ));
    }
    o
}

/// Writes `report` as Markdown and JSON into `folder` (or `data_dir/exports/`) and records
/// `rotate.report` in the audit log. The report holds no secret values (step details are
/// versions and error messages).
pub fn export_report(
    audit: AuditTo<'_>,
    data_dir: &std::path::Path,
    report: &RotationRunReport,
    folder: Option<&str>,
    now: OffsetDateTime,
) -> Result<RotationReportFiles> {
    let stem = format!("rotation-report-{}", now.unix_timestamp());
    let folder = folder
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| data_dir.join("exports"));
    let file = |ext: &str| folder.join(format!("{stem}.{ext}")).display().to_string();
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| Error::Internal(format!("encode the report: {e}")))?;
    let r = (|| {
        let markdown = crate::policies::analysis::write_export(
            data_dir,
            Some(&file("md")),
            &stem,
            "md",
            &report_markdown(report),
        )?;
        let json = crate::policies::analysis::write_export(
            data_dir,
            Some(&file("json")),
            &stem,
            "json",
            &json,
        )?;
        Ok(RotationReportFiles { markdown, json })
    })();
    audit.record(
        "rotate.report",
        &folder.display().to_string(),
        &format!(
            "{} ok, {} failed, {} skipped",
            report.ok, report.failed, report.skipped
        ),
        &r,
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn health_against_a_maximum_age() {
        let now = OffsetDateTime::parse("2026-11-28T12:00:00Z", &Rfc3339).unwrap();
        let h = health(Some("2026-11-27T12:00:00.123456789Z"), now, 1);
        assert_eq!(h.age_secs, Some(86_399));
        assert!(!h.stale);
        let h = health(Some("2026-08-01T00:00:00Z"), now, 90);
        assert!(h.stale && h.age_secs.unwrap() > 90 * 86_400);
        assert_eq!(h.max_age_days, 90);
        // Vault's "never" and garbage: no age, not stale.
        for t in [Some("0001-01-01T00:00:00Z"), Some("yesterday"), None] {
            let h = health(t, now, 1);
            assert_eq!((h.age_secs, h.stale, h.last_rotated), (None, false, None));
        }
    }

    #[test]
    fn report_markdown_escapes_cells() {
        let now = OffsetDateTime::parse("2026-11-28T12:00:00Z", &Rfc3339).unwrap();
        let r = run_report(
            "demo".into(),
            now,
            5,
            true,
            false,
            vec![StepResult {
                index: 0,
                description: "rotate a|b".into(),
                status: StepStatus::Failed,
                detail: "line1\nline2".into(),
            }],
        );
        assert_eq!((r.ok, r.failed, r.skipped), (0, 1, 0));
        let md = report_markdown(&r);
        assert!(
            md.contains("| 1 | rotate a\\|b | failed | line1 line2 |"),
            "{md}"
        );
        assert!(md.contains("stop on first failure"));
    }

    #[test]
    fn generates_values_with_every_class() {
        let spec = ValueSpec {
            length: 12,
            symbols: true,
            ..ValueSpec::default()
        };
        for _ in 0..50 {
            let v = generate_value(&spec).unwrap();
            let s = v.expose_secret();
            assert_eq!(s.len(), 12);
            for c in CLASSES {
                assert!(s.bytes().any(|b| c.contains(&b)), "{s}");
            }
        }
        let digits = ValueSpec {
            length: 8,
            lowercase: false,
            uppercase: false,
            digits: true,
            symbols: false,
        };
        assert!(generate_value(&digits)
            .unwrap()
            .expose_secret()
            .bytes()
            .all(|b| b.is_ascii_digit()));
        assert!(generate_value(&ValueSpec {
            length: 4,
            ..ValueSpec::default()
        })
        .is_err());
    }
}
