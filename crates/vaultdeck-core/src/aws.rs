//! AWS Secrets Manager connections ([`AwsConnection`], the `Connection::Aws` variant) and
//! [`AwsAudited`], which appends every mutation and every reveal to the local audit log.
//!
//! AWS does not fit the path/`u64`-version [`crate::capability::SecretStore`] model (version
//! ids are UUIDs moved between staging labels), so the AWS screens and CLI use these
//! AWS-specific operations; the shared Vault screens answer `Unsupported` on an AWS
//! connection.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use secrecy::SecretString;
use tokio_util::sync::CancellationToken;
use vaultdeck_aws::{AwsClient, AwsSettings, StaticKeys};
use vaultdeck_types::{
    AwsCallerIdentity, AwsDeleteMode, AwsDeleteOutcome, AwsDiffChange, AwsDiffEntry, AwsListBatch,
    AwsListFilter, AwsListReport, AwsPasswordSpec, AwsProfile, AwsRollbackPlan, AwsRotationOutcome,
    AwsVersionDiff, AwsWriteOutcome, Identity, RevealedValue,
};

pub use vaultdeck_aws::{NewSecret, RotationSchedule, SecretPayload, SecretValue, VersionSelector};

use crate::audit::{AuditLog, AuditRecord};
use crate::sessions::Deck;
use crate::{Connection, Error, Result};

/// A signed-in AWS Secrets Manager client for one region and identity.
#[derive(Debug, Clone)]
pub struct AwsConnection {
    client: AwsClient,
    caller: AwsCallerIdentity,
}

/// Client settings for a profile. `credential` is the secret access key, used when the
/// profile holds an access key id; otherwise the AWS chain (named profile, env, SSO) applies
/// and the credential is ignored.
pub fn aws_settings(profile: &AwsProfile, credential: Option<SecretString>) -> Result<AwsSettings> {
    let keys = match profile
        .access_key_id
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(id) => {
            let secret = credential.filter(|c| !secrecy::ExposeSecret::expose_secret(c).is_empty());
            let Some(secret) = secret else {
                return Err(Error::Unauthenticated(format!(
                    "no secret access key for access key id {id}: enter it (it is kept in the \
                     OS keychain)"
                )));
            };
            Some(StaticKeys {
                access_key_id: id.to_owned(),
                secret_access_key: secret,
                session_token: None,
            })
        }
        None => None,
    };
    Ok(AwsSettings {
        profile: profile.aws_profile.clone().filter(|p| !p.is_empty()),
        region: profile.region.clone().filter(|r| !r.is_empty()),
        endpoint_url: profile.endpoint_url.clone().filter(|e| !e.is_empty()),
        keys,
    })
}

/// Whether signing in with `profile` needs a typed or stored credential (static keys do;
/// the AWS chain does not).
pub fn needs_credential(profile: &AwsProfile) -> bool {
    profile
        .access_key_id
        .as_deref()
        .is_some_and(|k| !k.trim().is_empty())
}

impl AwsConnection {
    /// Builds the client and proves the credentials with STS GetCallerIdentity.
    pub async fn open(profile: &AwsProfile, credential: Option<SecretString>) -> Result<Self> {
        let client = AwsClient::connect(&aws_settings(profile, credential)?).await?;
        Self::from_client(client).await
    }

    /// A connection over an already built client; asks STS who it is.
    pub async fn from_client(client: AwsClient) -> Result<Self> {
        let caller = client.caller_identity().await?;
        Ok(Self { client, caller })
    }

    /// The provider client (reads, listings, previews: nothing to audit).
    pub fn client(&self) -> &AwsClient {
        &self.client
    }

    /// Who STS said the caller is, when the connection was opened.
    pub fn caller(&self) -> &AwsCallerIdentity {
        &self.caller
    }

    /// The caller as the app-wide [`Identity`] (no TTL, not renewable).
    pub fn identity(&self) -> Identity {
        Identity {
            display_name: self.caller.arn.clone(),
            policies: Vec::new(),
            ttl_seconds: None,
            renewable: false,
            accessor: self.caller.account.clone(),
            token_type: format!("account {} · {}", self.caller.account, self.caller.region),
            checked_at: time::OffsetDateTime::now_utc().unix_timestamp(),
        }
    }

    /// The error for a capability AWS connections do not have.
    pub fn unsupported(&self, what: &str) -> Error {
        Error::Unsupported(format!(
            "{what} are not available on AWS Secrets Manager connections; use the AWS screen \
             (or `vdeck aws`) for this connection"
        ))
    }
}

impl Connection {
    /// The AWS connection, or `Unsupported` for another provider.
    pub fn aws(&self) -> Result<&AwsConnection> {
        match self {
            Connection::Aws(a) => Ok(a),
            _ => Err(Error::Unsupported(
                "this is not an AWS Secrets Manager connection".into(),
            )),
        }
    }
}

/// An AWS connection whose mutations and reveals are appended to the audit log (actions
/// `aws.*`; target = the secret; detail = version ids, labels, never a value).
#[derive(Debug, Clone)]
pub struct AwsAudited {
    client: AwsClient,
    audit: AuditLog,
    profile: String,
}

impl AwsAudited {
    /// Wraps `client`; records carry `profile` (a profile name, or `aws:<region>` for the CLI).
    pub fn new(client: AwsClient, audit: AuditLog, profile: impl Into<String>) -> Self {
        Self {
            client,
            audit,
            profile: profile.into(),
        }
    }

    /// The open AWS connection of `profile_id` in `deck`, audited under the profile's name.
    pub fn for_profile(deck: &Deck, profile_id: &str) -> Result<Self> {
        let conn = deck.connection(profile_id)?;
        let name = deck.profile(profile_id)?.name;
        let client = conn.aws()?.client().clone();
        Ok(Self::new(client, deck.audit().clone(), name))
    }

    /// The unaudited client, for reads that reveal nothing.
    pub fn client(&self) -> &AwsClient {
        &self.client
    }

    fn record<T, E: std::fmt::Display>(
        &self,
        action: &str,
        target: &str,
        detail: String,
        r: &std::result::Result<T, E>,
    ) {
        let rec = match r {
            Ok(_) => AuditRecord::ok(action),
            Err(e) => AuditRecord::failed(action, e.to_string()),
        }
        .profile(&self.profile)
        .target(target);
        let rec = match (detail.is_empty(), r.is_ok()) {
            (true, _) => rec,
            (false, true) => rec.detail(detail),
            (false, false) => {
                let msg = rec.detail.clone().unwrap_or_default();
                rec.detail(format!("{detail}: {msg}"))
            }
        };
        if let Err(e) = self.audit.append(rec) {
            tracing::error!(error = %e, "could not append to the audit log");
        }
    }

    /// Reads a value (a reveal); recorded as `aws.reveal`.
    pub async fn get_value(&self, secret: &str, version: &VersionSelector) -> Result<SecretValue> {
        let r = self.client.get_value(secret, version).await;
        let detail = match &r {
            Ok(v) => format!("version {}", v.version_id),
            Err(_) => format!("{version:?}"),
        };
        self.record("aws.reveal", secret, detail, &r);
        Ok(r?)
    }

    /// Reads a value to put it on the clipboard; recorded as `aws.reveal` (detail: the
    /// version, "to the clipboard").
    pub async fn copy_value(&self, secret: &str, version: &VersionSelector) -> Result<SecretValue> {
        let r = self.client.get_value(secret, version).await;
        let detail = match &r {
            Ok(v) => format!("version {}, to the clipboard", v.version_id),
            Err(_) => format!("{version:?}, to the clipboard"),
        };
        self.record("aws.reveal", secret, detail, &r);
        Ok(r?)
    }

    /// Reads two versions (each recorded as `aws.reveal`) and compares them: per key when
    /// both are JSON objects, else as whole values. `hide_after_secs` is left at 0 for the
    /// caller to set.
    pub async fn diff_versions(
        &self,
        secret: &str,
        from_version: &str,
        to_version: &str,
    ) -> Result<AwsVersionDiff> {
        let old = self
            .get_value(secret, &VersionSelector::Id(from_version.to_owned()))
            .await?;
        let new = self
            .get_value(secret, &VersionSelector::Id(to_version.to_owned()))
            .await?;
        let (json, entries) = diff_payloads(&old.value, &new.value);
        Ok(AwsVersionDiff {
            secret: new.name.clone(),
            from_version: old.version_id.clone(),
            to_version: new.version_id.clone(),
            json,
            entries,
            hide_after_secs: 0,
        })
    }

    /// Brings the description and the tag set to the given ones, changing only what differs
    /// (`aws.update`, `aws.tag`, `aws.untag`, each audited); returns the refreshed detail.
    pub async fn set_meta(
        &self,
        secret: &str,
        description: &str,
        tags: &BTreeMap<String, String>,
    ) -> Result<vaultdeck_types::AwsSecretDetail> {
        let before = self.client.describe(secret).await?;
        if before.description.as_deref().unwrap_or("") != description {
            self.update(secret, Some(description), None).await?;
        }
        let removed: Vec<String> = before
            .tags
            .keys()
            .filter(|k| !tags.contains_key(*k))
            .cloned()
            .collect();
        if !removed.is_empty() {
            self.untag(secret, &removed).await?;
        }
        let changed: BTreeMap<String, String> = tags
            .iter()
            .filter(|(k, v)| before.tags.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !changed.is_empty() {
            self.tag(secret, &changed).await?;
        }
        Ok(self.client.describe(secret).await?)
    }

    /// Creates a secret; `aws.create`.
    pub async fn create(&self, new: NewSecret) -> Result<AwsWriteOutcome> {
        let name = new.name.clone();
        let r = self.client.create(new).await;
        let detail = r
            .as_ref()
            .map(|o| format!("version {}", o.version_id))
            .unwrap_or_default();
        self.record("aws.create", &name, detail, &r);
        Ok(r?)
    }

    /// Puts a new value (see [`AwsClient::put_value`]); `aws.put`.
    pub async fn put_value(
        &self,
        secret: &str,
        value: &SecretPayload,
        expected_current: Option<&str>,
        client_request_token: Option<&str>,
    ) -> Result<AwsWriteOutcome> {
        let r = self
            .client
            .put_value(secret, value, expected_current, client_request_token)
            .await;
        let detail = match &r {
            Ok(o) => format!(
                "version {} (was {})",
                o.version_id,
                expected_current.unwrap_or("unchecked")
            ),
            Err(_) => format!(
                "expected current {}",
                expected_current.unwrap_or("unchecked")
            ),
        };
        self.record("aws.put", secret, detail, &r);
        Ok(r?)
    }

    /// Updates description / KMS key; `aws.update`.
    pub async fn update(
        &self,
        secret: &str,
        description: Option<&str>,
        kms_key_id: Option<&str>,
    ) -> Result<()> {
        let r = self.client.update(secret, description, kms_key_id).await;
        let mut what = Vec::new();
        if description.is_some() {
            what.push("description".to_owned());
        }
        if let Some(k) = kms_key_id {
            what.push(format!("kms key {k}"));
        }
        self.record("aws.update", secret, what.join(", "), &r);
        Ok(r?)
    }

    /// Adds tags; `aws.tag`.
    pub async fn tag(&self, secret: &str, tags: &BTreeMap<String, String>) -> Result<()> {
        let r = self.client.tag(secret, tags).await;
        let keys: Vec<&str> = tags.keys().map(String::as_str).collect();
        self.record("aws.tag", secret, format!("keys {}", keys.join(",")), &r);
        Ok(r?)
    }

    /// Removes tags; `aws.untag`.
    pub async fn untag(&self, secret: &str, keys: &[String]) -> Result<()> {
        let r = self.client.untag(secret, keys).await;
        self.record("aws.untag", secret, format!("keys {}", keys.join(",")), &r);
        Ok(r?)
    }

    /// Moves AWSCURRENT back to `target`; `aws.rollback`.
    pub async fn rollback(
        &self,
        secret: &str,
        target: &str,
        expected_current: Option<&str>,
    ) -> Result<AwsRollbackPlan> {
        let r = self.client.rollback(secret, target, expected_current).await;
        let detail = match &r {
            Ok(p) if p.no_op => format!("version {target} already AWSCURRENT"),
            Ok(p) => format!(
                "AWSCURRENT {} -> {}; {} becomes AWSPREVIOUS",
                p.current_version, p.target_version, p.current_version
            ),
            Err(_) => format!("to version {target}"),
        };
        self.record("aws.rollback", secret, detail, &r);
        Ok(r?)
    }

    /// Client-side rotation; `aws.rotate_client_side`.
    pub async fn rotate_client_side(
        &self,
        secret: &str,
        spec: &AwsPasswordSpec,
        json_key: Option<&str>,
        expected_current: Option<&str>,
    ) -> Result<AwsRotationOutcome> {
        let r = self
            .client
            .rotate_client_side(secret, spec, json_key, expected_current)
            .await;
        let detail = match &r {
            Ok(o) => format!(
                "AWSCURRENT {} -> {} (length {}{})",
                o.previous_version,
                o.new_version,
                spec.length,
                json_key.map(|k| format!(", key {k}")).unwrap_or_default()
            ),
            Err(_) => format!("length {}", spec.length),
        };
        self.record("aws.rotate_client_side", secret, detail, &r);
        Ok(r?)
    }

    /// Starts the Lambda rotation now; `aws.rotate`.
    pub async fn rotate_now(&self, secret: &str) -> Result<Option<String>> {
        let r = self.client.rotate_now(secret).await;
        let detail = match &r {
            Ok(Some(v)) => format!("new version {v}"),
            _ => String::new(),
        };
        self.record("aws.rotate", secret, detail, &r);
        Ok(r?)
    }

    /// Enables Lambda rotation; `aws.rotation_enable`.
    pub async fn enable_rotation(
        &self,
        secret: &str,
        lambda_arn: &str,
        schedule: &RotationSchedule,
        rotate_immediately: bool,
    ) -> Result<Option<String>> {
        let r = self
            .client
            .enable_rotation(secret, lambda_arn, schedule, rotate_immediately)
            .await;
        self.record(
            "aws.rotation_enable",
            secret,
            format!("lambda {lambda_arn}, {schedule:?}"),
            &r,
        );
        Ok(r?)
    }

    /// Disables rotation; `aws.rotation_disable`.
    pub async fn disable_rotation(&self, secret: &str) -> Result<()> {
        let r = self.client.disable_rotation(secret).await;
        self.record("aws.rotation_disable", secret, String::new(), &r);
        Ok(r?)
    }

    /// Saves a resource policy; `aws.policy_put`.
    pub async fn put_policy(&self, secret: &str, text: &str, block_public: bool) -> Result<()> {
        let r = self.client.put_policy(secret, text, block_public).await;
        self.record(
            "aws.policy_put",
            secret,
            format!("block_public_policy={block_public}"),
            &r,
        );
        Ok(r?)
    }

    /// Deletes the resource policy; `aws.policy_delete`.
    pub async fn delete_policy(&self, secret: &str) -> Result<()> {
        let r = self.client.delete_policy(secret).await;
        self.record("aws.policy_delete", secret, String::new(), &r);
        Ok(r?)
    }

    /// Deletes a secret; `aws.delete` (`force` in the detail when without recovery).
    pub async fn delete(&self, secret: &str, mode: AwsDeleteMode) -> Result<AwsDeleteOutcome> {
        let r = self.client.delete(secret, mode).await;
        let detail = match mode {
            AwsDeleteMode::Recoverable { days } => format!("recovery window {days} days"),
            AwsDeleteMode::Force => "force, without recovery".to_owned(),
        };
        self.record("aws.delete", secret, detail, &r);
        Ok(r?)
    }

    /// Cancels a scheduled deletion; `aws.restore`.
    pub async fn restore(&self, secret: &str) -> Result<()> {
        let r = self.client.restore(secret).await;
        self.record("aws.restore", secret, String::new(), &r);
        Ok(r?)
    }
}

/// Lists the secrets matching `filter` page by page (`page_size` 1–100, default 100): each
/// page goes to `on_page` as an [`AwsListBatch`] as soon as the service answers it. When
/// `cancel` fires, the page in flight is dropped and the report says `cancelled` with what was
/// delivered until then. A listing reads no value, so it is not audited.
pub async fn list_streamed(
    client: &AwsClient,
    filter: &AwsListFilter,
    page_size: Option<i32>,
    cancel: &CancellationToken,
    mut on_page: impl FnMut(AwsListBatch),
) -> Result<AwsListReport> {
    let started = std::time::Instant::now();
    let mut report = AwsListReport::default();
    let r = {
        let listing = client.list_secrets(filter, page_size, |secrets| {
            if cancel.is_cancelled() {
                return ControlFlow::Break(());
            }
            report.pages += 1;
            report.count += secrets.len() as u64;
            on_page(AwsListBatch {
                secrets,
                page: report.pages,
                listed: report.count,
            });
            ControlFlow::Continue(())
        });
        tokio::select! {
            r = listing => Some(r),
            () = cancel.cancelled() => None,
        }
    };
    if let Some(Err(e)) = r {
        return Err(e.into());
    }
    report.cancelled = cancel.is_cancelled();
    report.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(report)
}

/// A payload as text for display and comparison (binary values as lower-case hex).
fn payload_text(p: &SecretPayload) -> String {
    use secrecy::ExposeSecret;
    match p {
        SecretPayload::String(s) => s.expose_secret().to_owned(),
        SecretPayload::Binary(b) => b
            .expose_secret()
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect(),
    }
}

/// Compares two payloads; see [`diff_values`].
fn diff_payloads(old: &SecretPayload, new: &SecretPayload) -> (bool, Vec<AwsDiffEntry>) {
    diff_values(&payload_text(old), &payload_text(new))
}

/// Compares two values: when both are JSON objects, per key (sorted; a string value shown
/// as its content, other JSON as compact JSON); otherwise one `(value)` row. Returns
/// whether the per-key comparison was used and the rows.
pub fn diff_values(old: &str, new: &str) -> (bool, Vec<AwsDiffEntry>) {
    type Obj = serde_json::Map<String, serde_json::Value>;
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match (
        serde_json::from_str::<Obj>(old),
        serde_json::from_str::<Obj>(new),
    ) {
        (Ok(a), Ok(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            let entries = keys
                .into_iter()
                .map(|k| {
                    let (o, n) = (a.get(k), b.get(k));
                    let change = match (o, n) {
                        (None, _) => AwsDiffChange::Added,
                        (_, None) => AwsDiffChange::Removed,
                        (Some(x), Some(y)) if x == y => AwsDiffChange::Unchanged,
                        _ => AwsDiffChange::Changed,
                    };
                    AwsDiffEntry {
                        key: k.clone(),
                        change,
                        old: o.map(|v| RevealedValue::new(show(v))),
                        new: n.map(|v| RevealedValue::new(show(v))),
                    }
                })
                .collect();
            (true, entries)
        }
        _ => (
            false,
            vec![AwsDiffEntry {
                key: "(value)".into(),
                change: if old == new {
                    AwsDiffChange::Unchanged
                } else {
                    AwsDiffChange::Changed
                },
                old: Some(RevealedValue::new(old)),
                new: Some(RevealedValue::new(new)),
            }],
        ),
    }
}

#[cfg(test)]
mod diff_tests {
    use super::*;

    fn changes(old: &str, new: &str) -> (bool, Vec<(String, AwsDiffChange)>) {
        let (json, e) = diff_values(old, new);
        (json, e.into_iter().map(|e| (e.key, e.change)).collect())
    }

    #[test]
    fn json_objects_are_compared_per_key() {
        let (json, rows) = changes(
            r#"{"user":"app","password":"a","host":"db"}"#,
            r#"{"user":"app","password":"b","port":5432}"#,
        );
        assert!(json);
        assert_eq!(
            rows,
            vec![
                ("host".into(), AwsDiffChange::Removed),
                ("password".into(), AwsDiffChange::Changed),
                ("port".into(), AwsDiffChange::Added),
                ("user".into(), AwsDiffChange::Unchanged),
            ]
        );
        let (_, e) = diff_values(r#"{"n":1}"#, r#"{"n":"x"}"#);
        assert_eq!(
            e[0].old.as_ref().map(|v| v.expose().to_owned()).as_deref(),
            Some("1")
        );
        assert_eq!(
            e[0].new.as_ref().map(|v| v.expose().to_owned()).as_deref(),
            Some("x")
        );
    }

    #[test]
    fn plain_values_are_one_row() {
        assert_eq!(
            changes("a", "b"),
            (false, vec![("(value)".into(), AwsDiffChange::Changed)])
        );
        assert_eq!(
            changes("[1]", "[1]"),
            (false, vec![("(value)".into(), AwsDiffChange::Unchanged)])
        );
        // One JSON object and one plain string: compared as whole values.
        assert!(!changes(r#"{"a":1}"#, "x").0);
    }
}
