//! AWS Secrets Manager connections ([`AwsConnection`], the `Connection::Aws` variant) and
//! [`AwsAudited`], which appends every mutation and every reveal to the local audit log.
//!
//! AWS does not fit the path/`u64`-version [`crate::capability::SecretStore`] model (version
//! ids are UUIDs moved between staging labels), so the AWS screens and CLI use these
//! AWS-specific operations; the shared Vault screens answer `Unsupported` on an AWS
//! connection.

use std::collections::BTreeMap;

use secrecy::SecretString;
use vaultdeck_aws::{AwsClient, AwsSettings, StaticKeys};
use vaultdeck_types::{
    AwsCallerIdentity, AwsDeleteMode, AwsDeleteOutcome, AwsPasswordSpec, AwsProfile,
    AwsRollbackPlan, AwsRotationOutcome, AwsWriteOutcome, Identity,
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
            token_type: format!("aws ({})", self.caller.region),
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
