//! Rotations: database root credentials (confirmed by typing the connection name), static
//! roles (list, rotate now), transit keys (list with versions, rotate, minimum versions), KV
//! "rotate value" (a new random value written with check-and-set through a
//! [`SecretStore`]), and bulk rotation plans (a dry-run list of steps, then per-step results
//! with stop-on-error). Every mutation is audited; generated values never reach a log.

use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;
use rand::RngExt;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::capability::{Rotation, SecretStore};
use crate::connection::VaultConnection;
use crate::leases::AuditTo;
use crate::secrets::SecretPatch;
use crate::{Connection, Error, Result};

/// A database static role and its rotation facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticRole {
    /// Role name.
    pub name: String,
    /// Database user it manages.
    pub username: String,
    /// Connection it belongs to.
    pub db_name: String,
    /// Rotation period, seconds (`0`: schedule-based or none).
    pub rotation_period: u64,
    /// Last rotation by Vault, RFC 3339.
    pub last_vault_rotation: Option<String>,
}

/// A transit key and its versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitKey {
    /// Key name.
    pub name: String,
    /// Key type (`aes256-gcm96`, `ed25519`, …).
    pub key_type: String,
    /// Newest version.
    pub latest_version: u64,
    /// Oldest version allowed to decrypt.
    pub min_decryption_version: u64,
    /// Oldest version allowed to encrypt (`0`: latest only).
    pub min_encryption_version: u64,
    /// Versions the server still keeps, ascending.
    pub versions: Vec<u64>,
}

impl TransitKey {
    /// Versions that may decrypt: `min_decryption_version..=latest` among those kept.
    pub fn decrypt_versions(&self) -> Vec<u64> {
        let min = self.min_decryption_version.max(1);
        self.versions
            .iter()
            .copied()
            .filter(|v| *v >= min && *v <= self.latest_version)
            .collect()
    }

    /// Versions that may encrypt: the latest unless `min_encryption_version` allows older.
    pub fn encrypt_versions(&self) -> Vec<u64> {
        let min = if self.min_encryption_version == 0 {
            self.latest_version
        } else {
            self.min_encryption_version.max(self.min_decryption_version)
        };
        self.versions
            .iter()
            .copied()
            .filter(|v| *v >= min && *v <= self.latest_version)
            .collect()
    }
}

// ------------------------------------------------------------------------ provider impls

fn seg(s: &str) -> &str {
    s.trim_matches('/')
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
    Ok(TransitKey {
        name: name.to_owned(),
        key_type: d["type"].as_str().unwrap_or("").to_owned(),
        latest_version: d["latest_version"].as_u64().unwrap_or(0),
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
            Connection::Vault(v) => v.rotate_db_root(mount, connection).await,
        }
    }
    async fn static_roles(&self, mount: &str) -> Result<Vec<StaticRole>> {
        match self {
            Connection::Vault(v) => v.static_roles(mount).await,
        }
    }
    async fn rotate_static_role(&self, mount: &str, role: &str) -> Result<()> {
        match self {
            Connection::Vault(v) => v.rotate_static_role(mount, role).await,
        }
    }
    async fn transit_keys(&self, mount: &str) -> Result<Vec<TransitKey>> {
        match self {
            Connection::Vault(v) => v.transit_keys(mount).await,
        }
    }
    async fn rotate_transit_key(&self, mount: &str, key: &str) -> Result<TransitKey> {
        match self {
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

/// What a generated value looks like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueSpec {
    /// Characters (8..=4096).
    pub length: usize,
    /// `a-z`.
    pub lowercase: bool,
    /// `A-Z`.
    pub uppercase: bool,
    /// `0-9`.
    pub digits: bool,
    /// Punctuation safe in URLs and shells: `-_.~!@#%^*+=`.
    pub symbols: bool,
}

impl Default for ValueSpec {
    fn default() -> Self {
        Self {
            length: 32,
            lowercase: true,
            uppercase: true,
            digits: true,
            symbols: false,
        }
    }
}

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

/// One step of a rotation plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RotationStep {
    /// Rotate a database connection's root credential.
    DbRoot {
        /// Database mount.
        mount: String,
        /// Connection name.
        connection: String,
    },
    /// Rotate a static role now.
    StaticRole {
        /// Database mount.
        mount: String,
        /// Role name.
        role: String,
    },
    /// Rotate a transit key.
    TransitKey {
        /// Transit mount.
        mount: String,
        /// Key name.
        key: String,
    },
    /// New random values for keys of a KV v2 secret.
    KvValue {
        /// Secret path (`secret/app/db`).
        path: String,
        /// Keys to regenerate.
        keys: Vec<String>,
        /// Value shape.
        spec: ValueSpec,
    },
}

impl RotationStep {
    /// One line for the dry-run output.
    pub fn describe(&self) -> String {
        match self {
            RotationStep::DbRoot { mount, connection } => format!(
                "rotate root credential of database connection {}/config/{connection} \
                 (only Vault will know it)",
                seg(mount)
            ),
            RotationStep::StaticRole { mount, role } => {
                format!("rotate static role {}/static-roles/{role}", seg(mount))
            }
            RotationStep::TransitKey { mount, key } => {
                format!("add a new version to transit key {}/keys/{key}", seg(mount))
            }
            RotationStep::KvValue { path, keys, spec } => format!(
                "write new {}-character values for {} at {path} (check-and-set)",
                spec.length,
                keys.join(", ")
            ),
        }
    }
}

/// A bulk rotation: the steps, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationPlan {
    /// Steps, run in order.
    pub steps: Vec<RotationStep>,
}

impl RotationPlan {
    /// The dry run: one description per step, nothing is changed.
    pub fn dry_run(&self) -> Vec<String> {
        self.steps.iter().map(RotationStep::describe).collect()
    }
}

/// The outcome of one executed step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepResult {
    /// Index in the plan.
    pub index: usize,
    /// What the step does.
    pub description: String,
    /// `ok`, `failed` or `skipped`.
    pub status: StepStatus,
    /// Non-secret detail: new version, or the error message.
    pub detail: String,
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Done.
    Ok,
    /// Failed (see detail).
    Failed,
    /// Not run: an earlier step failed with stop-on-error, or the run was cancelled.
    Skipped,
}

/// Runs `plan` step by step on `conn` (KV steps through `store`, e.g. an
/// [`Audited`](crate::secrets::Audited) view of the same connection), reporting each result to
/// `on_step` as it finishes. With `stop_on_error` the steps after a failure are `Skipped`;
/// cancelling skips the rest. Each step is audited by the action it performs;
/// the plan itself as `rotate.plan`.
pub async fn execute_plan<R, S, F>(
    conn: &R,
    store: &S,
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
        } else {
            Some(match step {
                RotationStep::DbRoot { mount, connection } => {
                    rotate_db_root(conn, audit, mount, connection, connection)
                        .await
                        .map(|()| String::new())
                }
                RotationStep::StaticRole { mount, role } => {
                    rotate_static_role(conn, audit, mount, role)
                        .await
                        .map(|()| String::new())
                }
                RotationStep::TransitKey { mount, key } => {
                    rotate_transit_key(conn, audit, mount, key)
                        .await
                        .map(|k| format!("latest version {}", k.latest_version))
                }
                RotationStep::KvValue { path, keys, spec } => {
                    rotate_kv_value(store, path, keys, spec)
                        .await
                        .map(|v| v.map(|v| format!("version {v}")).unwrap_or_default())
                }
            })
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

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

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

    #[test]
    fn transit_allowed_versions() {
        let k = TransitKey {
            name: "k".into(),
            key_type: "aes256-gcm96".into(),
            latest_version: 4,
            min_decryption_version: 2,
            min_encryption_version: 0,
            versions: vec![1, 2, 3, 4],
        };
        assert_eq!(k.decrypt_versions(), [2, 3, 4]);
        assert_eq!(k.encrypt_versions(), [4]);
        let k = TransitKey {
            min_encryption_version: 3,
            ..k
        };
        assert_eq!(k.encrypt_versions(), [3, 4]);
    }
}
