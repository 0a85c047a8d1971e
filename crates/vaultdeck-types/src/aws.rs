//! AWS Secrets Manager views: the list, the detail (versions with their staging labels), the
//! rollback preview, rotation settings, resource-policy checks. Shared by the provider crate,
//! the CLI's `--json` output and the UI. No secret value appears in any of these types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The staging label of the version clients read by default.
pub const AWS_CURRENT: &str = "AWSCURRENT";
/// The staging label of the version AWSCURRENT was moved away from.
pub const AWS_PREVIOUS: &str = "AWSPREVIOUS";
/// The staging label of a version a rotation is preparing.
pub const AWS_PENDING: &str = "AWSPENDING";

/// One secret in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsSecretSummary {
    /// Secret name (`app/db`).
    pub name: String,
    /// Full ARN.
    pub arn: String,
    /// Description, if any.
    pub description: Option<String>,
    /// Tags, sorted by key.
    pub tags: BTreeMap<String, String>,
    /// Whether rotation is configured.
    pub rotation_enabled: bool,
    /// Last change (RFC 3339).
    pub last_changed: Option<String>,
    /// Scheduled deletion date (RFC 3339) when the secret is marked for deletion.
    pub deleted_date: Option<String>,
}

/// Which secrets a listing returns. Every filter is applied by the service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsListFilter {
    /// Names starting with this.
    #[serde(default)]
    pub name_prefix: Option<String>,
    /// Secrets having a tag with this key.
    #[serde(default)]
    pub tag_key: Option<String>,
    /// Secrets having a tag with this value.
    #[serde(default)]
    pub tag_value: Option<String>,
    /// Descriptions containing this (service-side prefix match on words).
    #[serde(default)]
    pub description: Option<String>,
    /// Also list secrets scheduled for deletion.
    #[serde(default)]
    pub include_planned_deletion: bool,
}

/// One version of a secret and its staging labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsSecretVersion {
    /// Version id (a UUID, or the client request token it was created with).
    pub version_id: String,
    /// Staging labels on it (`AWSCURRENT`, `AWSPREVIOUS`, `AWSPENDING`, custom), sorted.
    pub stages: Vec<String>,
    /// When it was created (RFC 3339), when known.
    pub created: Option<String>,
    /// When it was last read (RFC 3339), when known.
    pub last_accessed: Option<String>,
}

impl AwsSecretVersion {
    /// Whether this version carries `stage`.
    pub fn has_stage(&self, stage: &str) -> bool {
        self.stages.iter().any(|s| s == stage)
    }
}

/// Rotation settings of a secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsRotationConfig {
    /// Whether rotation is enabled.
    pub enabled: bool,
    /// The rotation Lambda's ARN.
    pub lambda_arn: Option<String>,
    /// Rotate every this many days.
    pub automatically_after_days: Option<i64>,
    /// `rate(..)` or `cron(..)` schedule.
    pub schedule_expression: Option<String>,
    /// Rotation window length (`3h`).
    pub duration: Option<String>,
    /// Last rotation (RFC 3339).
    pub last_rotated: Option<String>,
    /// Next scheduled rotation (RFC 3339).
    pub next_rotation: Option<String>,
}

/// Replication state of one replica region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsReplicaStatus {
    /// Region.
    pub region: String,
    /// `InSync`, `Failed`, `InProgress`.
    pub status: Option<String>,
    /// The service's message.
    pub message: Option<String>,
}

/// Everything the detail view shows about a secret (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsSecretDetail {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Description.
    pub description: Option<String>,
    /// KMS key id or ARN; `None`: the account's default `aws/secretsmanager` key.
    pub kms_key_id: Option<String>,
    /// Tags, sorted by key.
    pub tags: BTreeMap<String, String>,
    /// Created (RFC 3339).
    pub created: Option<String>,
    /// Last changed (RFC 3339).
    pub last_changed: Option<String>,
    /// Last accessed (RFC 3339; AWS rounds it to the day).
    pub last_accessed: Option<String>,
    /// Scheduled deletion date (RFC 3339) when marked for deletion.
    pub deleted_date: Option<String>,
    /// Primary region of a replicated secret.
    pub primary_region: Option<String>,
    /// Rotation settings and dates.
    pub rotation: AwsRotationConfig,
    /// Replicas.
    pub replication: Vec<AwsReplicaStatus>,
    /// Versions that carry at least one staging label, newest first when dates are known.
    pub versions: Vec<AwsSecretVersion>,
}

impl AwsSecretDetail {
    /// The version id labelled `stage`, if any. When a server wrongly labels two versions
    /// with the same stage (moto does after a stage move), the newest is returned.
    pub fn version_with_stage(&self, stage: &str) -> Option<&str> {
        self.versions
            .iter()
            .find(|v| v.has_stage(stage))
            .map(|v| v.version_id.as_str())
    }
}

/// What a rollback will do, shown before the user confirms it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsRollbackPlan {
    /// Secret name.
    pub secret: String,
    /// The version that is AWSCURRENT now (it becomes AWSPREVIOUS).
    pub current_version: String,
    /// The version that becomes AWSCURRENT.
    pub target_version: String,
    /// Labels the target carries now.
    pub target_stages: Vec<String>,
    /// The version that loses AWSPREVIOUS (the one holding it now), if it is another one.
    pub previous_loses_label: Option<String>,
    /// Whether the rollback changes nothing (the target already is AWSCURRENT).
    pub no_op: bool,
}

/// Result of a value write (create, put, client-side rotation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsWriteOutcome {
    /// Secret name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// The new (or, for an idempotent retry, the existing) version id.
    pub version_id: String,
    /// Its staging labels as the service reported them.
    pub stages: Vec<String>,
}

/// Character options of a generated password (GetRandomPassword).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsPasswordSpec {
    /// Length (4–4096).
    pub length: u32,
    /// Leave out punctuation.
    #[serde(default)]
    pub exclude_punctuation: bool,
    /// Leave out digits.
    #[serde(default)]
    pub exclude_numbers: bool,
    /// Leave out upper-case letters.
    #[serde(default)]
    pub exclude_uppercase: bool,
    /// Leave out lower-case letters.
    #[serde(default)]
    pub exclude_lowercase: bool,
    /// Characters never to use.
    #[serde(default)]
    pub exclude_characters: String,
    /// Require at least one character of each included type.
    #[serde(default = "yes")]
    pub require_each_included_type: bool,
}

fn yes() -> bool {
    true
}

impl Default for AwsPasswordSpec {
    fn default() -> Self {
        Self {
            length: 32,
            exclude_punctuation: false,
            exclude_numbers: false,
            exclude_uppercase: false,
            exclude_lowercase: false,
            exclude_characters: String::new(),
            require_each_included_type: true,
        }
    }
}

/// Result of a client-side rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsRotationOutcome {
    /// Secret name.
    pub name: String,
    /// The version that was AWSCURRENT before (now AWSPREVIOUS).
    pub previous_version: String,
    /// The new AWSCURRENT version.
    pub new_version: String,
}

/// How bad a local resource-policy finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwsPolicySeverity {
    /// The policy cannot be saved as is (syntax, shape).
    Error,
    /// Saving it is allowed but risky (public access).
    Warning,
}

/// One problem found by the local resource-policy checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsPolicyFinding {
    /// Severity.
    pub severity: AwsPolicySeverity,
    /// Stable check name (`json_syntax`, `principal_star`, `public_without_condition`,
    /// `block_public_policy`, `shape`).
    pub check: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// The server's ValidateResourcePolicy answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AwsServerValidation {
    /// The server accepted the policy.
    Passed,
    /// The server rejected it; one message per failed check.
    Failed {
        /// `check: message` lines.
        errors: Vec<String>,
    },
    /// The endpoint does not implement validation (e.g. moto); the policy was not judged.
    Unavailable {
        /// Why.
        reason: String,
    },
}

/// Local checks plus the server's validation of a resource policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsPolicyReport {
    /// Local findings.
    pub findings: Vec<AwsPolicyFinding>,
    /// The server's answer, when asked.
    pub server: Option<AwsServerValidation>,
}

impl AwsPolicyReport {
    /// Whether a local check or the server found an error (warnings do not block).
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == AwsPolicySeverity::Error)
            || matches!(self.server, Some(AwsServerValidation::Failed { .. }))
    }
}

/// One secret in a resource-policy review: whether it has a policy and what the local checks
/// find in it (public access, `Principal: "*"`, malformed statements).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsPolicyReviewRow {
    /// Secret name.
    pub name: String,
    /// Full ARN.
    pub arn: String,
    /// Whether the secret has a resource policy.
    pub has_policy: bool,
    /// Findings of the local checks (empty: none, or no policy).
    pub findings: Vec<AwsPolicyFinding>,
    /// Why the policy could not be read (e.g. access denied); the review goes on.
    pub error: Option<String>,
}

impl AwsPolicyReviewRow {
    /// Errors first, then warnings, then secrets with a clean policy, then those without one;
    /// by name within each group.
    pub fn review_order(a: &Self, b: &Self) -> std::cmp::Ordering {
        let rank = |r: &Self| {
            let errors = r
                .findings
                .iter()
                .any(|f| f.severity == AwsPolicySeverity::Error);
            match (
                r.error.is_some(),
                errors,
                r.findings.is_empty(),
                r.has_policy,
            ) {
                (true, ..) => 0,
                (_, true, ..) => 1,
                (_, _, false, _) => 2,
                (_, _, true, true) => 3,
                _ => 4,
            }
        };
        rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name))
    }
}

/// Review the resource policies of every secret matching a filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsPolicyReviewArgs {
    /// Profile id.
    pub profile_id: String,
    /// Which secrets (all optional).
    #[serde(default)]
    pub filter: AwsListFilter,
}

/// How to delete a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum AwsDeleteMode {
    /// Schedule deletion after 7–30 days; restorable until then.
    Recoverable {
        /// Days (7–30; AWS's default is 30).
        days: u8,
    },
    /// Delete at once, no recovery.
    Force,
}

impl Default for AwsDeleteMode {
    fn default() -> Self {
        AwsDeleteMode::Recoverable { days: 30 }
    }
}

/// Result of a delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsDeleteOutcome {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// When it will be (or was) deleted (RFC 3339).
    pub deletion_date: Option<String>,
}

/// The caller's identity (STS GetCallerIdentity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsCallerIdentity {
    /// Account id.
    pub account: String,
    /// Caller ARN.
    pub arn: String,
    /// User id.
    pub user_id: String,
    /// Region the client talks to.
    pub region: String,
}

// ------------------------------------------------------------------------------ commands

/// A secret of an open AWS connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsSecretRef {
    /// Profile id of the open AWS connection.
    pub profile_id: String,
    /// Secret name or ARN.
    pub secret: String,
}

/// List the secrets of an AWS connection, page by page: every page is sent through the
/// command's `onBatch` channel as an [`AwsListBatch`] as soon as it arrives; the answer is an
/// [`AwsListReport`]. Cancel with `cancel_job` and the same `job_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsListArgs {
    /// Profile id.
    pub profile_id: String,
    /// Filters (all optional).
    #[serde(default)]
    pub filter: AwsListFilter,
    /// Job id for `cancel_job` (empty: not cancelable).
    #[serde(default)]
    pub job_id: String,
    /// Secrets per page (1–100; `None`: 100, the service's maximum).
    #[serde(default)]
    pub page_size: Option<i32>,
}

/// One page of a streamed listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsListBatch {
    /// The page's secrets, in the service's order.
    pub secrets: Vec<AwsSecretSummary>,
    /// 1-based page number.
    pub page: u32,
    /// Secrets listed so far, this page included.
    pub listed: u64,
}

/// How a streamed listing ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsListReport {
    /// Secrets delivered.
    pub count: u64,
    /// Pages delivered.
    pub pages: u32,
    /// Whether `cancel_job` stopped it (then the list is partial).
    pub cancelled: bool,
    /// Wall time.
    pub elapsed_ms: u64,
}

impl AwsListFilter {
    /// Whether no filter narrows the listing (a full list of the live secrets).
    pub fn is_unfiltered(&self) -> bool {
        let set = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        !(set(&self.name_prefix)
            || set(&self.tag_key)
            || set(&self.tag_value)
            || set(&self.description))
    }
}

/// Turn on Lambda rotation with a schedule (RotateSecret with settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsEnableRotationArgs {
    /// Profile id.
    pub profile_id: String,
    /// Secret name or ARN.
    pub secret: String,
    /// The rotation Lambda's ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`).
    pub lambda_arn: String,
    /// When to rotate.
    #[serde(default)]
    pub schedule: AwsRotationSchedule,
    /// Rotate once right away (AWS's default); `false` only stores the schedule.
    #[serde(default)]
    pub rotate_immediately: bool,
}

/// A rotation schedule: a number of days or a `rate()`/`cron()` expression, and an optional
/// window length.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsRotationSchedule {
    /// Rotate every this many days (1–1000).
    #[serde(default)]
    pub automatically_after_days: Option<i64>,
    /// `rate(10 days)` or `cron(0 16 1,15 * ? *)`.
    #[serde(default)]
    pub schedule_expression: Option<String>,
    /// Rotation window length, `1h`–`24h`.
    #[serde(default)]
    pub duration: Option<String>,
}

impl AwsRotationSchedule {
    /// Checks the schedule and the Lambda ARN the way Secrets Manager would, so a bad form is
    /// refused before anything is sent. The message names the field and what to type.
    pub fn validate(&self, lambda_arn: &str) -> Result<(), String> {
        let arn = lambda_arn.trim();
        let parts: Vec<&str> = arn.splitn(7, ':').collect();
        let arn_ok = parts.len() == 7
            && parts[0] == "arn"
            && parts[1].starts_with("aws")
            && parts[2] == "lambda"
            && !parts[3].is_empty()
            && parts[4].len() == 12
            && parts[4].bytes().all(|b| b.is_ascii_digit())
            && parts[5] == "function"
            && !parts[6].is_empty();
        if !arn_ok {
            return Err(format!(
                "the rotation Lambda ARN {arn:?} is not a Lambda function ARN: use \
                 arn:aws:lambda:REGION:ACCOUNT:function:NAME"
            ));
        }
        let expr = self
            .schedule_expression
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        match (self.automatically_after_days, expr) {
            (None, None) => {
                return Err(
                    "a rotation schedule needs a number of days or a schedule expression".into(),
                )
            }
            (Some(_), Some(_)) => {
                return Err(
                    "give either a number of days or a schedule expression, not both".into(),
                )
            }
            (Some(d), None) if !(1..=1000).contains(&d) => {
                return Err(format!("rotate every {d} days: use 1 to 1000 days"))
            }
            (None, Some(e)) => {
                let inner = e
                    .strip_prefix("rate(")
                    .or_else(|| e.strip_prefix("cron("))
                    .and_then(|r| r.strip_suffix(')'));
                if inner.is_none_or(|i| i.trim().is_empty()) {
                    return Err(format!(
                        "the schedule expression {e:?} must be rate(...) or cron(...), e.g. \
                         rate(10 days)"
                    ));
                }
            }
            _ => {}
        }
        if let Some(d) = self
            .duration
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            let hours = d.strip_suffix('h').and_then(|h| h.parse::<u8>().ok());
            if !hours.is_some_and(|h| (1..=24).contains(&h)) {
                return Err(format!(
                    "the rotation window {d:?} must be whole hours from 1h to 24h, e.g. 3h"
                ));
            }
        }
        Ok(())
    }
}

/// Change the KMS key that encrypts a secret's new versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsKmsArgs {
    /// Profile id.
    pub profile_id: String,
    /// Secret name or ARN.
    pub secret: String,
    /// Key id, key ARN, alias (`alias/app`) or alias ARN.
    pub kms_key_id: String,
}

/// Reveal one version's value (AWSCURRENT unless a version id or label is given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsRevealArgs {
    /// Profile id.
    pub profile_id: String,
    /// Secret name or ARN.
    pub secret: String,
    /// Version id.
    #[serde(default)]
    pub version_id: Option<String>,
    /// Staging label.
    #[serde(default)]
    pub stage: Option<String>,
}

/// Compare two versions of a secret (both are read, each audited as `aws.reveal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsDiffArgs {
    /// Profile id.
    pub profile_id: String,
    /// Secret name or ARN.
    pub secret: String,
    /// The older version id.
    pub from_version: String,
    /// The newer version id.
    pub to_version: String,
}

/// How one key (or the whole value) differs between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwsDiffChange {
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
    /// In both, with different values.
    Changed,
    /// In both, with the same value.
    Unchanged,
}

/// One row of an [`AwsVersionDiff`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsDiffEntry {
    /// The JSON key, or `(value)` when the values are not both JSON objects.
    pub key: String,
    /// What changed.
    pub change: AwsDiffChange,
    /// The older value (none when added); the UI masks it until the user reveals it.
    pub old: Option<crate::RevealedValue>,
    /// The newer value (none when removed); masked in the UI until revealed.
    pub new: Option<crate::RevealedValue>,
}

/// The difference between two versions, computed in the backend from two audited reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsVersionDiff {
    /// Secret name.
    pub secret: String,
    /// The older version id.
    pub from_version: String,
    /// The newer version id.
    pub to_version: String,
    /// Whether both values are JSON objects (then the entries are per key, sorted).
    pub json: bool,
    /// The rows (unchanged keys included, so the UI can show them greyed).
    pub entries: Vec<AwsDiffEntry>,
    /// Hide the values after this many seconds.
    pub hide_after_secs: u32,
}

/// Set a secret's description and its whole tag set (keys not listed are removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsUpdateMetaArgs {
    /// Profile id.
    pub profile_id: String,
    /// Secret name or ARN.
    pub secret: String,
    /// The new description (empty clears it).
    pub description: String,
    /// The tags the secret should have afterwards.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// A version's value was put on the clipboard (audited as `aws.reveal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsCopied {
    /// Secret name.
    pub name: String,
    /// The version copied.
    pub version_id: String,
    /// Seconds after which the clipboard is cleared (if it still holds the value).
    pub clear_after_secs: u32,
}

/// A revealed value, from an explicit reveal (audited as `aws.reveal`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AwsRevealed {
    /// Secret name.
    pub name: String,
    /// The version read.
    pub version_id: String,
    /// Its staging labels.
    pub stages: Vec<String>,
    /// The value (binary values as lower-case hex).
    pub value: crate::RevealedValue,
    /// Whether the value is binary (then `value` is hex).
    pub binary: bool,
    /// When the value is a JSON object: its keys, sorted (the UI shows them as fields).
    pub json_keys: Vec<String>,
    /// Hide the value after this many seconds.
    pub hide_after_secs: u32,
}

/// Create a secret with a first value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsCreateArgs {
    /// Profile id.
    pub profile_id: String,
    /// Name.
    pub name: String,
    /// First value.
    pub value: crate::SecretInput,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// KMS key.
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// Put a new value (it becomes AWSCURRENT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsPutArgs {
    /// Profile id.
    pub profile_id: String,
    /// Secret name or ARN.
    pub secret: String,
    /// The value.
    pub value: crate::SecretInput,
    /// The AWSCURRENT version the user started from; a moved AWSCURRENT is a `Conflict`
    /// (nothing written, the draft stays in the UI).
    #[serde(default)]
    pub expected_current: Option<String>,
    /// Client request token for an idempotent retry; `None`: a new one.
    #[serde(default)]
    pub client_request_token: Option<String>,
}

/// Preview or carry out a rollback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsRollbackArgs {
    /// Profile id.
    pub profile_id: String,
    /// Secret name or ARN.
    pub secret: String,
    /// The version to make AWSCURRENT.
    pub target_version: String,
    /// The AWSCURRENT the preview showed.
    #[serde(default)]
    pub expected_current: Option<String>,
}

/// Client-side rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsRotateArgs {
    /// Profile id.
    pub profile_id: String,
    /// Secret name or ARN.
    pub secret: String,
    /// Password options.
    #[serde(default)]
    pub spec: AwsPasswordSpec,
    /// Replace only this key of a JSON value.
    #[serde(default)]
    pub json_key: Option<String>,
    /// The AWSCURRENT the user saw.
    #[serde(default)]
    pub expected_current: Option<String>,
}

/// Check or save a resource policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsPolicyArgs {
    /// Profile id.
    pub profile_id: String,
    /// Secret name or ARN.
    pub secret: String,
    /// Policy JSON.
    pub text: String,
    /// Send BlockPublicPolicy (default on).
    #[serde(default = "yes")]
    pub block_public_policy: bool,
}

/// Delete a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsDeleteArgs {
    /// Profile id.
    pub profile_id: String,
    /// Secret name or ARN.
    pub secret: String,
    /// Recovery window or force.
    #[serde(default)]
    pub mode: AwsDeleteMode,
    /// For [`AwsDeleteMode::Force`]: the secret name typed by the user.
    #[serde(default)]
    pub confirm_name: String,
}

crate::commands! {
    /// AWS Secrets Manager connections.
    AWS_COMMANDS;
    /// Who the connection's credentials belong to (STS GetCallerIdentity).
    GetAwsCallerIdentity = "aws_caller_identity": crate::ProfileRef => AwsCallerIdentity;
    /// Every secret matching the filter, each page streamed through the `onBatch` channel
    /// ([`AwsListBatch`]) as it arrives; cancelable with `cancel_job`.
    AwsListSecrets = "aws_list_secrets": AwsListArgs => AwsListReport;
    /// A secret's detail with its versions and labels (no value).
    AwsDescribeSecret = "aws_describe_secret": AwsSecretRef => AwsSecretDetail;
    /// Reveal a version's value (audited).
    AwsRevealValue = "aws_reveal_value": AwsRevealArgs => AwsRevealed;
    /// Copy a version's value to the clipboard, cleared later if still ours (audited).
    AwsCopyValue = "aws_copy_value": AwsRevealArgs => AwsCopied;
    /// Diff two versions (keys added/removed/changed for JSON; both reads audited).
    AwsDiffVersions = "aws_diff_versions": AwsDiffArgs => AwsVersionDiff;
    /// Set the description and the tag set (each change audited); the refreshed detail.
    AwsUpdateMeta = "aws_update_meta": AwsUpdateMetaArgs => AwsSecretDetail;
    /// Create a secret (audited).
    AwsCreateSecret = "aws_create_secret": AwsCreateArgs => AwsWriteOutcome;
    /// Put a new value after checking AWSCURRENT (audited).
    AwsPutValue = "aws_put_value": AwsPutArgs => AwsWriteOutcome;
    /// What a rollback would change.
    AwsPreviewRollback = "aws_preview_rollback": AwsRollbackArgs => AwsRollbackPlan;
    /// Move AWSCURRENT back to a version (audited).
    AwsRollback = "aws_rollback": AwsRollbackArgs => AwsRollbackPlan;
    /// Client-side rotation: random password → AWSPENDING → AWSCURRENT (audited).
    AwsRotateClientSide = "aws_rotate_client_side": AwsRotateArgs => AwsRotationOutcome;
    /// Run the configured rotation Lambda now (audited).
    AwsRotateNow = "aws_rotate_now": AwsSecretRef => Option<String>;
    /// Turn on Lambda rotation with a validated schedule (audited); the refreshed detail.
    AwsEnableRotation = "aws_enable_rotation": AwsEnableRotationArgs => AwsSecretDetail;
    /// Turn rotation off (audited); the refreshed detail.
    AwsDisableRotation = "aws_disable_rotation": AwsSecretRef => AwsSecretDetail;
    /// Change the KMS key (audited); the refreshed detail.
    AwsUpdateKmsKey = "aws_update_kms_key": AwsKmsArgs => AwsSecretDetail;
    /// The resource policy, if any.
    AwsGetPolicy = "aws_get_policy": AwsSecretRef => Option<String>;
    /// Every matching secret's resource policy through the local checks (read-only), in
    /// review order (see [`AwsPolicyReviewRow::review_order`]).
    AwsPolicyReview = "aws_policy_review": AwsPolicyReviewArgs => Vec<AwsPolicyReviewRow>;
    /// Local checks and the server's validation of a policy draft.
    AwsCheckPolicy = "aws_check_policy": AwsPolicyArgs => AwsPolicyReport;
    /// Check, then save a policy (refused on errors; audited).
    AwsPutPolicy = "aws_put_policy": AwsPolicyArgs => AwsPolicyReport;
    /// Delete the resource policy (audited).
    AwsDeletePolicy = "aws_delete_policy": AwsSecretRef => ();
    /// Delete with a recovery window, or force (typed name) (audited).
    AwsDeleteSecret = "aws_delete_secret": AwsDeleteArgs => AwsDeleteOutcome;
    /// Cancel a scheduled deletion (audited).
    AwsRestoreSecret = "aws_restore_secret": AwsSecretRef => ();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_review_puts_problems_first() {
        let row =
            |name: &str, has: bool, sev: Option<AwsPolicySeverity>, err: bool| AwsPolicyReviewRow {
                name: name.into(),
                arn: String::new(),
                has_policy: has,
                findings: sev
                    .map(|severity| AwsPolicyFinding {
                        severity,
                        check: "principal_star".into(),
                        message: String::new(),
                    })
                    .into_iter()
                    .collect(),
                error: err.then(|| "denied".into()),
            };
        let mut rows = [
            row("a-none", false, None, false),
            row("b-clean", true, None, false),
            row("c-warn", true, Some(AwsPolicySeverity::Warning), false),
            row("d-error", true, Some(AwsPolicySeverity::Error), false),
            row("e-denied", false, None, true),
        ];
        rows.sort_by(AwsPolicyReviewRow::review_order);
        let names: Vec<_> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["e-denied", "d-error", "c-warn", "b-clean", "a-none"]
        );
    }

    const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:rotator";

    fn days(d: i64) -> AwsRotationSchedule {
        AwsRotationSchedule {
            automatically_after_days: Some(d),
            ..Default::default()
        }
    }

    fn expr(e: &str) -> AwsRotationSchedule {
        AwsRotationSchedule {
            schedule_expression: Some(e.into()),
            ..Default::default()
        }
    }

    #[test]
    fn rotation_schedules_are_checked_like_the_service_does() {
        assert_eq!(days(30).validate(ARN), Ok(()));
        assert_eq!(expr("rate(10 days)").validate(ARN), Ok(()));
        assert_eq!(expr("cron(0 16 1,15 * ? *)").validate(ARN), Ok(()));
        let with_window = AwsRotationSchedule {
            duration: Some("3h".into()),
            ..days(7)
        };
        assert_eq!(with_window.validate(ARN), Ok(()));
        let gov = "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:r";
        assert_eq!(days(1).validate(gov), Ok(()));

        let err = |s: AwsRotationSchedule, arn: &str| s.validate(arn).unwrap_err();
        assert!(err(days(30), "rotator").contains("Lambda function ARN"));
        assert!(err(days(30), "arn:aws:lambda:us-east-1:1234:function:r").contains("ARN"));
        assert!(err(days(30), "arn:aws:s3:us-east-1:123456789012:function:r").contains("ARN"));
        assert!(err(AwsRotationSchedule::default(), ARN).contains("number of days"));
        assert!(err(days(0), ARN).contains("1 to 1000"));
        assert!(err(days(1001), ARN).contains("1 to 1000"));
        assert!(err(expr("every day"), ARN).contains("rate(...)"));
        assert!(err(expr("rate()"), ARN).contains("rate(...)"));
        let both = AwsRotationSchedule {
            schedule_expression: Some("rate(1 day)".into()),
            ..days(3)
        };
        assert!(err(both, ARN).contains("not both"));
        for bad in ["0h", "25h", "3", "3 hours"] {
            let s = AwsRotationSchedule {
                duration: Some(bad.into()),
                ..days(7)
            };
            assert!(err(s, ARN).contains("1h to 24h"), "{bad}");
        }
    }

    #[test]
    fn a_filter_without_values_is_a_full_listing() {
        assert!(AwsListFilter::default().is_unfiltered());
        let blank = AwsListFilter {
            name_prefix: Some("  ".into()),
            include_planned_deletion: true,
            ..Default::default()
        };
        assert!(blank.is_unfiltered());
        let tagged = AwsListFilter {
            tag_key: Some("team".into()),
            ..Default::default()
        };
        assert!(!tagged.is_unfiltered());
    }
}
