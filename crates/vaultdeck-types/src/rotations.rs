//! The Rotations screen's contract: rotation targets (database connections and static roles,
//! transit keys, KV secrets; AWS Secrets Manager secrets and Azure Key Vault keys and secrets
//! of other open connections) with their health, the single audited rotations, and bulk
//! rotation plans (dry-run preview, a run streaming per-step results through a channel,
//! cancelable with `cancel_job`, and the exported result report). A plan's Vault steps run on
//! the plan's connection; each cloud step names its own connection (profile id).
//!
//! The domain types ([`StaticRole`], [`TransitKey`], [`ValueSpec`], [`RotationPlan`],
//! [`StepResult`], …) are defined once here; `vaultdeck_core::rotations` re-exports them.

use serde::{Deserialize, Serialize};

use crate::{AwsPasswordSpec, ExportedFile};

// ------------------------------------------------------------------------ domain types

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
    /// When the newest version was created (RFC 3339), when the server says.
    #[serde(default)]
    pub last_rotated: Option<String>,
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

impl ValueSpec {
    /// Why this spec cannot generate a value, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if !(self.lowercase || self.uppercase || self.digits || self.symbols) {
            return Some("choose at least one character class".into());
        }
        if !(8..=4096).contains(&self.length) {
            return Some(format!(
                "length {} is out of range: choose 8 to 4096 characters",
                self.length
            ));
        }
        None
    }
}

fn seg(s: &str) -> &str {
    s.trim_matches('/')
}

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
    /// Client-side rotation of an AWS Secrets Manager secret on its own connection:
    /// GetRandomPassword, the new value as AWSPENDING, then promoted to AWSCURRENT (the old
    /// current becomes AWSPREVIOUS).
    AwsSecret {
        /// Profile id of the open AWS connection.
        profile_id: String,
        /// Secret name or ARN.
        name: String,
        /// Password options.
        #[serde(default)]
        spec: AwsPasswordSpec,
        /// Replace only this key of a JSON value (`None`: the whole value).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        json_key: Option<String>,
    },
    /// Rotate an Azure Key Vault key now (a new key version) on its own connection.
    AzureKey {
        /// Profile id of the open Azure connection.
        profile_id: String,
        /// Key name.
        name: String,
    },
    /// A new random version of an Azure Key Vault secret on its own connection (content type
    /// and tags carried over from the current version).
    AzureSecret {
        /// Profile id of the open Azure connection.
        profile_id: String,
        /// Secret name.
        name: String,
        /// Value shape.
        #[serde(default)]
        spec: ValueSpec,
    },
}

/// Why an AWS password spec cannot generate a password, if it cannot.
fn aws_spec_problem(spec: &AwsPasswordSpec) -> Option<String> {
    if !(4..=4096).contains(&spec.length) {
        return Some(format!(
            "password length {} is out of range: choose 4 to 4096 characters",
            spec.length
        ));
    }
    if spec.exclude_lowercase
        && spec.exclude_uppercase
        && spec.exclude_numbers
        && spec.exclude_punctuation
    {
        return Some("every character type is excluded: keep at least one".into());
    }
    None
}

/// Why an Azure Key Vault object name is not valid (`^[0-9a-zA-Z-]{1,127}$`), if it is not.
fn azure_name_problem(what: &str, name: &str) -> Option<String> {
    if name.is_empty() {
        return Some(format!("{what} is empty"));
    }
    if name.len() > 127 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Some(format!(
            "{what} {name:?} is not a Key Vault name: use 1 to 127 letters, digits and dashes"
        ));
    }
    None
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
            RotationStep::AwsSecret {
                name,
                spec,
                json_key,
                ..
            } => format!(
                "rotate AWS secret {name}{}: a new {}-character password becomes AWSCURRENT \
                 (the old value stays as AWSPREVIOUS)",
                json_key
                    .as_deref()
                    .map(|k| format!(" (JSON key {k})"))
                    .unwrap_or_default(),
                spec.length
            ),
            RotationStep::AzureKey { name, .. } => {
                format!("rotate Azure Key Vault key {name} (a new key version)")
            }
            RotationStep::AzureSecret { name, spec, .. } => format!(
                "set a new {}-character version of Azure Key Vault secret {name} (the previous \
                 version stays)",
                spec.length
            ),
        }
    }

    /// The profile id of the connection a cloud step runs on; `None` for Vault steps (they
    /// run on the plan's Vault connection).
    pub fn connection_profile(&self) -> Option<&str> {
        match self {
            RotationStep::AwsSecret { profile_id, .. }
            | RotationStep::AzureKey { profile_id, .. }
            | RotationStep::AzureSecret { profile_id, .. } => Some(profile_id),
            _ => None,
        }
    }

    /// Whether this step runs on the plan's Vault connection.
    pub fn is_vault(&self) -> bool {
        self.connection_profile().is_none()
    }

    /// A stable id of the target (`transit:transit/keys/app`), for selections and reports.
    pub fn target_id(&self) -> String {
        match self {
            RotationStep::DbRoot { mount, connection } => {
                format!("db-root:{}/config/{connection}", seg(mount))
            }
            RotationStep::StaticRole { mount, role } => {
                format!("static-role:{}/static-roles/{role}", seg(mount))
            }
            RotationStep::TransitKey { mount, key } => {
                format!("transit:{}/keys/{key}", seg(mount))
            }
            RotationStep::KvValue { path, .. } => format!("kv:{}", seg(path)),
            RotationStep::AwsSecret {
                profile_id, name, ..
            } => format!("aws:{profile_id}/{name}"),
            RotationStep::AzureKey { profile_id, name } => format!("azure-key:{profile_id}/{name}"),
            RotationStep::AzureSecret {
                profile_id, name, ..
            } => format!("azure-secret:{profile_id}/{name}"),
        }
    }

    /// Why this step cannot run as given (checked before anything runs), if it cannot.
    pub fn problem(&self) -> Option<String> {
        let blank =
            |what: &str, v: &str| seg(v).trim().is_empty().then(|| format!("{what} is empty"));
        match self {
            RotationStep::DbRoot { mount, connection } => {
                blank("mount", mount).or_else(|| blank("connection name", connection))
            }
            RotationStep::StaticRole { mount, role } => {
                blank("mount", mount).or_else(|| blank("role name", role))
            }
            RotationStep::TransitKey { mount, key } => {
                blank("mount", mount).or_else(|| blank("key name", key))
            }
            RotationStep::KvValue { path, keys, spec } => blank("path", path)
                .or_else(|| {
                    (keys.is_empty() || keys.iter().any(|k| k.trim().is_empty()))
                        .then(|| "choose at least one key to rotate".to_owned())
                })
                .or_else(|| spec.problem()),
            RotationStep::AwsSecret {
                profile_id,
                name,
                spec,
                json_key,
            } => blank("connection", profile_id)
                .or_else(|| blank("secret name", name))
                .or_else(|| {
                    json_key
                        .as_deref()
                        .is_some_and(|k| k.trim().is_empty())
                        .then(|| "JSON key is empty: leave it out to rotate the whole value".into())
                })
                .or_else(|| aws_spec_problem(spec)),
            RotationStep::AzureKey { profile_id, name } => {
                blank("connection", profile_id).or_else(|| azure_name_problem("key name", name))
            }
            RotationStep::AzureSecret {
                profile_id,
                name,
                spec,
            } => blank("connection", profile_id)
                .or_else(|| azure_name_problem("secret name", name))
                .or_else(|| spec.problem()),
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

    /// Whether any step runs on the plan's Vault connection (a plan of cloud steps only needs
    /// no Vault connection).
    pub fn has_vault_steps(&self) -> bool {
        self.steps.iter().any(RotationStep::is_vault)
    }

    /// Connections whose root credential the plan rotates (each needs its typed name).
    pub fn db_root_connections(&self) -> Vec<String> {
        self.steps
            .iter()
            .filter_map(|s| match s {
                RotationStep::DbRoot { connection, .. } => Some(connection.clone()),
                _ => None,
            })
            .collect()
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

impl StepStatus {
    /// `ok`, `failed`, `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Ok => "ok",
            StepStatus::Failed => "failed",
            StepStatus::Skipped => "skipped",
        }
    }
}

// ------------------------------------------------------------------------ health

/// How old a target's last rotation is, against the configured maximum age.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationHealth {
    /// Last rotation (RFC 3339), when the server exposes it.
    pub last_rotated: Option<String>,
    /// Seconds since then.
    pub age_secs: Option<u64>,
    /// Older than the maximum age.
    pub stale: bool,
    /// The maximum age used, days.
    pub max_age_days: u64,
}

fn default_max_age_days() -> u64 {
    90
}

fn default_db_mount() -> String {
    "database".to_owned()
}

fn default_transit_mount() -> String {
    "transit".to_owned()
}

// ------------------------------------------------------------------------ targets

/// List a database mount's rotation targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbTargetsArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Database mount (default `database`).
    #[serde(default = "default_db_mount")]
    pub mount: String,
    /// Flag targets last rotated more than this many days ago (default 90).
    #[serde(default = "default_max_age_days")]
    pub max_age_days: u64,
}

/// A database connection (its root credential can be rotated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbConnectionTarget {
    /// Connection name.
    pub name: String,
    /// Plugin (`postgresql-database-plugin`).
    pub plugin_name: String,
    /// Roles allowed to use it.
    pub allowed_roles: Vec<String>,
}

/// A static role with its rotation health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticRoleTarget {
    /// The role.
    pub role: StaticRole,
    /// Age of the last rotation.
    pub health: RotationHealth,
}

/// A database mount's connections and static roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbTargets {
    /// The mount listed.
    pub mount: String,
    /// Connections, sorted by name.
    pub connections: Vec<DbConnectionTarget>,
    /// Static roles, sorted by name.
    pub static_roles: Vec<StaticRoleTarget>,
}

/// List a transit mount's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitTargetsArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Transit mount (default `transit`).
    #[serde(default = "default_transit_mount")]
    pub mount: String,
    /// Flag keys whose newest version is older than this many days (default 90).
    #[serde(default = "default_max_age_days")]
    pub max_age_days: u64,
}

/// A transit key with the versions still allowed and its health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitKeyTarget {
    /// The key.
    pub key: TransitKey,
    /// Versions that may decrypt.
    pub decrypt_versions: Vec<u64>,
    /// Versions that may encrypt.
    pub encrypt_versions: Vec<u64>,
    /// Age of the newest version.
    pub health: RotationHealth,
}

/// A transit mount's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitTargets {
    /// The mount listed.
    pub mount: String,
    /// Keys, sorted by name.
    pub keys: Vec<TransitKeyTarget>,
}

/// Inspect a KV v2 secret as a rotation target (key names only, never values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvTargetArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path (`secret/app/db`).
    pub path: String,
    /// Flag secrets last written more than this many days ago (default 90).
    #[serde(default = "default_max_age_days")]
    pub max_age_days: u64,
}

/// A KV v2 secret's key names, current version and health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvTarget {
    /// Secret path.
    pub path: String,
    /// Current version.
    pub current_version: Option<u64>,
    /// Key names of the current version, sorted.
    pub keys: Vec<String>,
    /// Age of the current version.
    pub health: RotationHealth,
}

/// List an open AWS or Azure connection's rotatable targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudTargetsArgs {
    /// Profile id of the open AWS or Azure connection.
    pub profile_id: String,
    /// Flag targets last changed more than this many days ago (default 90).
    #[serde(default = "default_max_age_days")]
    pub max_age_days: u64,
}

/// Which cloud a connection's targets come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloudProvider {
    /// AWS Secrets Manager.
    Aws,
    /// Azure Key Vault.
    Azure,
}

/// One rotatable cloud object (never a value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudTarget {
    /// Secret or key name.
    pub name: String,
    /// Non-secret facts for the list (key type, "rotation configured", content type).
    pub detail: String,
    /// Age of the last change.
    pub health: RotationHealth,
}

/// An open AWS or Azure connection's rotatable targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudTargets {
    /// Profile id of the connection.
    pub profile_id: String,
    /// Profile name.
    pub name: String,
    /// The cloud.
    pub provider: CloudProvider,
    /// AWS secrets (client-side rotation), sorted by name.
    pub aws_secrets: Vec<CloudTarget>,
    /// Azure keys (rotate now), sorted by name.
    pub azure_keys: Vec<CloudTarget>,
    /// Azure secrets (a new random version), sorted by name; certificate-backed secrets are
    /// left out (Key Vault manages them).
    pub azure_secrets: Vec<CloudTarget>,
}

// ------------------------------------------------------------------------ single rotations

/// Rotate a database connection's root credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotateDbRootArgs {
    /// Profile id.
    pub profile_id: String,
    /// Database mount.
    #[serde(default = "default_db_mount")]
    pub mount: String,
    /// Connection name.
    pub connection: String,
    /// The connection name typed again by the user (checked in Rust).
    pub confirm_connection: String,
}

/// Rotate a static role now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotateStaticRoleArgs {
    /// Profile id.
    pub profile_id: String,
    /// Database mount.
    #[serde(default = "default_db_mount")]
    pub mount: String,
    /// Role name.
    pub role: String,
}

/// Rotate a transit key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotateTransitKeyArgs {
    /// Profile id.
    pub profile_id: String,
    /// Transit mount.
    #[serde(default = "default_transit_mount")]
    pub mount: String,
    /// Key name.
    pub key: String,
    /// Maximum age for the returned key's health, days (default 90).
    #[serde(default = "default_max_age_days")]
    pub max_age_days: u64,
}

/// Set a transit key's minimum decryption and/or encryption version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitMinVersionsArgs {
    /// Profile id.
    pub profile_id: String,
    /// Transit mount.
    #[serde(default = "default_transit_mount")]
    pub mount: String,
    /// Key name.
    pub key: String,
    /// New minimum decryption version (`None`: unchanged).
    #[serde(default)]
    pub min_decryption_version: Option<u64>,
    /// New minimum encryption version (`None`: unchanged; `0`: latest only).
    #[serde(default)]
    pub min_encryption_version: Option<u64>,
    /// Maximum age for the returned key's health, days (default 90).
    #[serde(default = "default_max_age_days")]
    pub max_age_days: u64,
}

/// Write new random values for keys of a KV v2 secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotateKvValueArgs {
    /// Profile id.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// Keys to regenerate.
    pub keys: Vec<String>,
    /// Value shape.
    #[serde(default)]
    pub spec: ValueSpec,
}

/// What a KV value rotation wrote (never the value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvRotated {
    /// Secret path.
    pub path: String,
    /// Keys that got new values.
    pub keys: Vec<String>,
    /// The new version (the previous one stays for rollback).
    pub version: Option<u64>,
}

// ------------------------------------------------------------------------ plans

/// Dry-run a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewPlanArgs {
    /// The plan.
    pub plan: RotationPlan,
}

/// One planned step as the dry run describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedStep {
    /// Index in the plan.
    pub index: usize,
    /// Target id (`transit:transit/keys/app`).
    pub target: String,
    /// What it will do.
    pub description: String,
    /// Why it cannot run as given, if so.
    pub problem: Option<String>,
    /// Whether it needs the connection name typed (database root).
    pub needs_typed_confirmation: bool,
    /// The profile id of the connection a cloud step runs on; `None`: the plan's Vault
    /// connection.
    #[serde(default)]
    pub connection: Option<String>,
}

/// The dry run of a plan: nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPreview {
    /// Steps in order.
    pub steps: Vec<PlannedStep>,
    /// Whether every step can run.
    pub runnable: bool,
}

/// Run a plan. Results stream through the `onBatch` channel; cancel with `cancel_job`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPlanArgs {
    /// Profile id of the Vault connection the Vault steps run on (and the plan's audit
    /// records name). Cloud steps name their own connection; a plan of cloud steps only may
    /// pass any open connection, or none.
    #[serde(default)]
    pub profile_id: String,
    /// The plan.
    pub plan: RotationPlan,
    /// Skip the remaining steps after the first failure.
    #[serde(default)]
    pub stop_on_error: bool,
    /// An id the caller picks, for `cancel_job`.
    pub job_id: String,
    /// Connection names typed to confirm each database root step.
    #[serde(default)]
    pub confirm_db_roots: Vec<String>,
}

/// How a plan run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationRunReport {
    /// Connection (profile name and address).
    pub target: String,
    /// When the run started (RFC 3339).
    pub started: String,
    /// Wall time.
    pub elapsed_ms: u64,
    /// Whether it ran with stop-on-first-failure.
    pub stop_on_error: bool,
    /// Whether it was cancelled before the end.
    pub cancelled: bool,
    /// Per-step results, in plan order.
    pub results: Vec<StepResult>,
    /// Steps done.
    pub ok: usize,
    /// Steps failed.
    pub failed: usize,
    /// Steps not run.
    pub skipped: usize,
}

/// Write a run report to files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRotationReportArgs {
    /// Profile id (recorded in the audit log).
    pub profile_id: String,
    /// The report, as `run_rotation_plan` returned it.
    pub report: RotationRunReport,
    /// Folder to write into; `None` = the data dir's `exports/`.
    #[serde(default)]
    pub folder: Option<String>,
}

/// The report files written (same content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationReportFiles {
    /// The Markdown file.
    pub markdown: ExportedFile,
    /// The JSON file.
    pub json: ExportedFile,
}

crate::commands! {
    /// Rotations: targets, single rotations, bulk plans.
    ROTATION_COMMANDS;
    /// A database mount's connections and static roles with rotation health.
    ListDbRotationTargets = "list_db_rotation_targets": DbTargetsArgs => DbTargets;
    /// A transit mount's keys with versions, allowed versions and health.
    ListTransitKeys = "list_transit_keys": TransitTargetsArgs => TransitTargets;
    /// A KV v2 secret's key names, version and health (no values).
    GetKvRotationTarget = "get_kv_rotation_target": KvTargetArgs => KvTarget;
    /// Rotate a database connection's root credential, once its name is typed (audited).
    RotateDbRoot = "rotate_db_root": RotateDbRootArgs => ();
    /// Rotate a static role's password now (audited).
    RotateStaticRole = "rotate_static_role": RotateStaticRoleArgs => ();
    /// Add a new version to a transit key (audited).
    RotateTransitKey = "rotate_transit_key": RotateTransitKeyArgs => TransitKeyTarget;
    /// Set a transit key's minimum decryption / encryption version (audited).
    SetTransitMinVersions = "set_transit_min_versions": TransitMinVersionsArgs => TransitKeyTarget;
    /// Write new random values for keys of a KV v2 secret with check-and-set (audited).
    RotateKvValue = "rotate_kv_value": RotateKvValueArgs => KvRotated;
    /// Dry-run a plan: descriptions and problems, nothing changed.
    PreviewRotationPlan = "preview_rotation_plan": PreviewPlanArgs => PlanPreview;
    /// Run a plan; per-step results stream through `onBatch`; cancel with `cancel_job` (audited per step).
    RunRotationPlan = "run_rotation_plan": RunPlanArgs => RotationRunReport;
    /// An open AWS or Azure connection's rotatable secrets and keys with health (no values).
    ListCloudRotationTargets = "list_cloud_rotation_targets": CloudTargetsArgs => CloudTargets;
    /// Write a run report as Markdown + JSON (audited).
    ExportRotationReport = "export_rotation_report": ExportRotationReportArgs => RotationReportFiles;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_transit_versions() {
        let k = TransitKey {
            name: "k".into(),
            key_type: "aes256-gcm96".into(),
            latest_version: 4,
            min_decryption_version: 2,
            min_encryption_version: 0,
            versions: vec![1, 2, 3, 4],
            last_rotated: None,
        };
        assert_eq!(k.decrypt_versions(), [2, 3, 4]);
        assert_eq!(k.encrypt_versions(), [4]);
        let k = TransitKey {
            min_encryption_version: 3,
            ..k
        };
        assert_eq!(k.encrypt_versions(), [3, 4]);
    }

    #[test]
    fn step_problems_and_wire_format() {
        let kv = RotationStep::KvValue {
            path: "secret/app".into(),
            keys: vec![],
            spec: ValueSpec::default(),
        };
        assert_eq!(
            kv.problem().as_deref(),
            Some("choose at least one key to rotate")
        );
        let short = RotationStep::KvValue {
            path: "secret/app".into(),
            keys: vec!["password".into()],
            spec: ValueSpec {
                length: 4,
                ..ValueSpec::default()
            },
        };
        assert!(short.problem().unwrap().contains("out of range"));
        let t = RotationStep::TransitKey {
            mount: "transit/".into(),
            key: "app".into(),
        };
        assert_eq!(t.problem(), None);
        assert_eq!(t.target_id(), "transit:transit/keys/app");
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["kind"], "transit_key");
        let blank = RotationStep::StaticRole {
            mount: "database".into(),
            role: " ".into(),
        };
        assert_eq!(blank.problem().as_deref(), Some("role name is empty"));
        let plan = RotationPlan {
            steps: vec![
                t,
                RotationStep::DbRoot {
                    mount: "database".into(),
                    connection: "pg".into(),
                },
            ],
        };
        assert_eq!(plan.db_root_connections(), ["pg"]);
        assert_eq!(plan.dry_run().len(), 2);
        assert!(plan.has_vault_steps());
    }

    #[test]
    fn cloud_steps_name_their_connection() {
        let aws = RotationStep::AwsSecret {
            profile_id: "p-aws".into(),
            name: "app/db".into(),
            spec: AwsPasswordSpec::default(),
            json_key: None,
        };
        assert_eq!(aws.target_id(), "aws:p-aws/app/db");
        assert_eq!(aws.connection_profile(), Some("p-aws"));
        assert!(!aws.is_vault());
        assert_eq!(aws.problem(), None);
        assert!(aws.describe().contains("AWSPREVIOUS"));
        let v = serde_json::to_value(&aws).unwrap();
        assert_eq!(v["kind"], "aws_secret");
        assert!(v.get("json_key").is_none(), "{v}");
        // A plan file written by hand may leave the spec out: the defaults apply.
        let back: RotationStep = serde_json::from_value(
            serde_json::json!({"kind": "aws_secret", "profile_id": "p", "name": "n"}),
        )
        .unwrap();
        assert!(matches!(back, RotationStep::AwsSecret { spec, .. } if spec.length == 32));
        let short = RotationStep::AwsSecret {
            profile_id: "p".into(),
            name: "n".into(),
            spec: AwsPasswordSpec {
                length: 2,
                ..AwsPasswordSpec::default()
            },
            json_key: None,
        };
        assert!(short.problem().unwrap().contains("out of range"));
        let key = RotationStep::AzureKey {
            profile_id: "p-az".into(),
            name: "signing".into(),
        };
        assert_eq!(key.target_id(), "azure-key:p-az/signing");
        assert_eq!(key.problem(), None);
        let bad = RotationStep::AzureSecret {
            profile_id: "p-az".into(),
            name: "app_db".into(),
            spec: ValueSpec::default(),
        };
        assert!(bad.problem().unwrap().contains("not a Key Vault name"));
        let no_conn = RotationStep::AzureKey {
            profile_id: " ".into(),
            name: "k".into(),
        };
        assert_eq!(no_conn.problem().as_deref(), Some("connection is empty"));
        let cloud_only = RotationPlan {
            steps: vec![aws, key],
        };
        assert!(!cloud_only.has_vault_steps());
        // Plans written before cloud steps existed still read.
        let old: RotationPlan = serde_json::from_str(
            r#"{"steps":[{"kind":"transit_key","mount":"transit","key":"app"},
                {"kind":"kv_value","path":"secret/a","keys":["p"],
                 "spec":{"length":20,"lowercase":true,"uppercase":true,"digits":true,"symbols":false}}]}"#,
        )
        .unwrap();
        assert_eq!(old.steps.len(), 2);
        assert!(old.has_vault_steps());
        let preview: PlannedStep = serde_json::from_str(
            r#"{"index":0,"target":"t","description":"d","problem":null,"needs_typed_confirmation":false}"#,
        )
        .unwrap();
        assert_eq!(preview.connection, None);
    }
}
