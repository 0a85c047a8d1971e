//! Azure Key Vault: how a profile signs in and what the provider returns (secrets, keys,
//! certificates). Timestamps are unix seconds, as on the wire. Values never appear here except
//! as [`crate::RevealedValue`] from an explicit reveal command.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How an Azure profile signs in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AzureAuth {
    /// The Azure CLI's login (`az account get-access-token`).
    #[default]
    AzureCli,
    /// A service principal: tenant + client id in the profile, the secret in the OS keychain.
    ClientSecret,
    /// The host's managed identity (optional user-assigned client id in the profile).
    ManagedIdentity,
    /// OAuth 2.0 device authorization grant: the app shows a code and a URL; the refresh token
    /// is kept only in the OS keychain.
    DeviceCode,
}

/// Properties of one secret (list entry) or one secret version. Never carries the value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzSecretProps {
    /// Secret name.
    pub name: String,
    /// Version id (32 hex), absent on entries of the all-secrets list.
    pub version: Option<String>,
    /// Whether this version may be read.
    pub enabled: bool,
    /// Content type, e.g. `text/plain`.
    pub content_type: Option<String>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Created (unix seconds).
    pub created: Option<i64>,
    /// Last updated (unix seconds).
    pub updated: Option<i64>,
    /// Not valid before (unix seconds).
    pub not_before: Option<i64>,
    /// Expires (unix seconds).
    pub expires: Option<i64>,
    /// Backs a certificate (lifetime managed by Key Vault).
    pub managed: bool,
}

/// A soft-deleted secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzDeletedSecret {
    /// The secret's properties at deletion.
    pub props: AzSecretProps,
    /// The URL to recover it with.
    pub recovery_id: Option<String>,
    /// When it was deleted (unix seconds).
    pub deleted_date: Option<i64>,
    /// When the service purges it for good (unix seconds).
    pub scheduled_purge_date: Option<i64>,
}

/// A change of a secret version's attributes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzSecretUpdate {
    /// Enable or disable the version.
    pub enabled: Option<bool>,
    /// New expiry (`Some(None)` clears it).
    pub expires: Option<Option<i64>>,
    /// New not-before (`Some(None)` clears it).
    pub not_before: Option<Option<i64>>,
    /// New content type.
    pub content_type: Option<String>,
    /// Replaces all tags.
    pub tags: Option<BTreeMap<String, String>>,
}

/// What a rollback would do: set the value of `from_version` as a new current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzRollbackPreview {
    /// Secret name.
    pub name: String,
    /// The older version whose value becomes current again.
    pub from_version: String,
    /// The version that is current now.
    pub current_version: Option<String>,
    /// Whether the old value differs from the current one (false = rollback changes nothing).
    pub value_differs: bool,
    /// The content type the new version will get (the old version's).
    pub content_type: Option<String>,
}

/// Key type and size/curve for creating a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kty", rename_all = "snake_case")]
pub enum AzKeySpec {
    /// RSA with `size` bits (2048, 3072 or 4096).
    Rsa {
        /// Modulus size in bits.
        size: u32,
    },
    /// Elliptic curve (`P-256`, `P-384`, `P-521`, `P-256K`).
    Ec {
        /// Curve name.
        curve: String,
    },
}

/// Properties of a key or key version (public parts only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzKeyProps {
    /// Key name.
    pub name: String,
    /// Version id, absent on entries of the all-keys list.
    pub version: Option<String>,
    /// `RSA`, `EC`, `RSA-HSM`, …
    pub kty: Option<String>,
    /// RSA modulus size in bits.
    pub key_size: Option<u32>,
    /// EC curve.
    pub curve: Option<String>,
    /// Permitted operations.
    pub key_ops: Vec<String>,
    /// Whether the version may be used.
    pub enabled: bool,
    /// Created (unix seconds).
    pub created: Option<i64>,
    /// Last updated (unix seconds).
    pub updated: Option<i64>,
    /// Not valid before (unix seconds).
    pub not_before: Option<i64>,
    /// Expires (unix seconds).
    pub expires: Option<i64>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Backs a certificate.
    pub managed: bool,
}

/// A soft-deleted key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzDeletedKey {
    /// The key's properties at deletion.
    pub props: AzKeyProps,
    /// The URL to recover it with.
    pub recovery_id: Option<String>,
    /// When it was deleted (unix seconds).
    pub deleted_date: Option<i64>,
    /// When the service purges it for good (unix seconds).
    pub scheduled_purge_date: Option<i64>,
}

/// What a rotation-policy lifetime action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AzRotationAction {
    /// Create a new key version.
    Rotate,
    /// Emit a near-expiry event.
    Notify,
}

/// One lifetime action: exactly one of the two triggers (ISO 8601 durations like `P90D`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzLifetimeAction {
    /// What to do.
    pub action: AzRotationAction,
    /// Trigger: this long after the version was created.
    pub time_after_create: Option<String>,
    /// Trigger: this long before the version expires.
    pub time_before_expiry: Option<String>,
}

/// A key's rotation policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzRotationPolicy {
    /// Expiry of new versions (ISO 8601 duration, e.g. `P2Y`).
    pub expiry_time: Option<String>,
    /// Lifetime actions.
    pub actions: Vec<AzLifetimeAction>,
    /// Created (unix seconds).
    pub created: Option<i64>,
    /// Last updated (unix seconds).
    pub updated: Option<i64>,
}

/// Properties of a certificate or certificate version (read-only in this app).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzCertificateProps {
    /// Certificate name.
    pub name: String,
    /// Version id, absent on entries of the all-certificates list.
    pub version: Option<String>,
    /// Subject, e.g. `CN=www.example.com` (from the certificate's policy; only on a get).
    pub subject: Option<String>,
    /// Issuer name of the policy, e.g. `Self` (only on a get).
    pub issuer: Option<String>,
    /// SHA-1 thumbprint, base64url.
    pub thumbprint: Option<String>,
    /// Whether it is enabled.
    pub enabled: bool,
    /// Not valid before (unix seconds).
    pub not_before: Option<i64>,
    /// Expires (unix seconds).
    pub expires: Option<i64>,
    /// Created (unix seconds).
    pub created: Option<i64>,
    /// Last updated (unix seconds).
    pub updated: Option<i64>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
}

/// A device-code sign-in prompt to show the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzDeviceCodePrompt {
    /// The code to enter.
    pub user_code: String,
    /// Where to enter it.
    pub verification_uri: String,
    /// The authority's own instruction text.
    pub message: String,
    /// Seconds until the code expires.
    pub expires_in: u64,
}

/// Whether `expires` falls within `days` days after `now` (both unix seconds): the
/// "expiring within N days" filter. Already-expired items count as expiring.
pub fn az_expiring_within(expires: Option<i64>, now: i64, days: i64) -> bool {
    matches!(expires, Some(exp) if exp <= now + days * 86_400)
}

/// A named secret or key of an Azure connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzNameArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret or key name.
    pub name: String,
}

/// One secret version to reveal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzSecretRefArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret name.
    pub name: String,
    /// Version id; `None` = the latest.
    #[serde(default)]
    pub version: Option<String>,
}

/// A revealed secret value (the only way a value reaches the UI) and how long the UI may
/// show it (the reveal timeout from the settings). `Debug` redacts the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzRevealedSecret {
    /// Secret name.
    pub name: String,
    /// The value.
    pub value: crate::RevealedValue,
    /// Seconds after which the UI hides the value again.
    pub hide_after_secs: u32,
}

/// Set a new value (a new version) of a secret; creates it when new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzSetSecretArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret name.
    pub name: String,
    /// The new value as typed (`Debug` redacts it).
    pub value: crate::SecretInput,
}

/// Roll a secret back to an older version (its value becomes a new current version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzRollbackArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret name.
    pub name: String,
    /// The older version to copy.
    pub from_version: String,
    /// The version the preview showed as current; the rollback is refused if it changed.
    #[serde(default)]
    pub expected_current: Option<String>,
}

/// A secret value was put on the clipboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzCopiedSecret {
    /// Secret name.
    pub name: String,
    /// Seconds after which the clipboard is cleared (if it still holds the value).
    pub clear_after_secs: u32,
}

/// Purge a soft-deleted secret or key: the user typed its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzPurgeArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret or key name.
    pub name: String,
    /// What the user typed; must equal `name`.
    pub confirm_name: String,
}

/// Replace a key's rotation policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzRotationPolicyArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Key name.
    pub name: String,
    /// The new policy (`created`/`updated` ignored).
    pub policy: AzRotationPolicy,
}

/// Change one secret version's attributes (enabled, expires, not-before, content type, tags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzUpdateSecretArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret name.
    pub name: String,
    /// Version id; `None` = the latest.
    #[serde(default)]
    pub version: Option<String>,
    /// What to change; fields left `None` stay as they are.
    #[serde(default)]
    pub update: AzSecretUpdate,
}

/// Create a key (or a new version of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzCreateKeyArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Key name.
    pub name: String,
    /// Key type and size/curve.
    pub spec: AzKeySpec,
    /// Tags to set on the key (none when absent).
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// Enable or disable one key version (or the latest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzKeyEnabledArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Key name.
    pub name: String,
    /// Version id; `None` = the latest.
    #[serde(default)]
    pub version: Option<String>,
    /// The new state.
    pub enabled: bool,
}

/// Start streaming every secret of the vault (see [`AzListSecrets`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzListSecretsArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// An id the caller picks, for [`crate::CancelJobArgs`].
    pub job_id: String,
}

/// How far a streamed secret list got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzListProgress {
    /// Pages received so far (empty pages included).
    pub pages: u64,
    /// Pages that carried no secret but still a `nextLink` (the service sends such pages).
    pub empty_pages: u64,
    /// Secrets received so far.
    pub count: u64,
}

/// One page of a streamed secret list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzSecretPage {
    /// The page's secrets (properties, no values); empty for an empty page.
    pub secrets: Vec<AzSecretProps>,
    /// Progress after this page.
    pub progress: AzListProgress,
}

/// How a streamed secret list ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzListReport {
    /// Pages, secrets and empty pages received.
    pub progress: AzListProgress,
    /// The list was cancelled; the pages delivered so far are a partial result.
    pub cancelled: bool,
}

/// Write a secret's backup blob to a new file (an existing file is never overwritten).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzBackupArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret name.
    pub name: String,
    /// Absolute path of the file to create.
    pub path: String,
}

/// Where a backup was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzBackupDone {
    /// The file created.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Restore a secret from a backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzRestoreArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Absolute path of the backup file.
    pub path: String,
}

crate::commands! {
    /// Azure Key Vault connections.
    AZURE_COMMANDS;
    /// Every secret (properties, no values), streamed page by page as [`AzSecretPage`]s
    /// through the `onBatch` channel and into the profile's search index; cancelable with
    /// [`crate::CancelJob`].
    AzListSecrets = "az_list_secrets": AzListSecretsArgs => AzListReport;
    /// Soft-deleted secrets with their scheduled purge dates.
    AzListDeletedSecrets = "az_list_deleted_secrets": crate::ProfileRef => Vec<AzDeletedSecret>;
    /// Reveal a secret version's value (audited).
    AzRevealSecret = "az_reveal_secret": AzSecretRefArgs => AzRevealedSecret;
    /// The device-code prompt (user code, verification URL) of a sign-in in progress.
    AzSignInPrompt = "az_sign_in_prompt": crate::ProfileRef => Option<AzDeviceCodePrompt>;
    /// Cancel a device-code sign-in in progress; whether one was.
    AzCancelSignIn = "az_cancel_sign_in": crate::ProfileRef => bool;
    /// Copy a secret version's value to the clipboard, cleared later if still ours (audited).
    AzCopySecret = "az_copy_secret": AzSecretRefArgs => AzCopiedSecret;
    /// Set a new value (a new version) of a secret (audited); 409 when the name is
    /// soft-deleted (recover or purge it first).
    AzSetSecret = "az_set_secret": AzSetSecretArgs => AzSecretProps;
    /// A secret's versions (properties, no values).
    AzSecretVersions = "az_secret_versions": AzNameArgs => Vec<AzSecretProps>;
    /// What rolling back to an older version would do (no change made).
    AzPreviewRollback = "az_rollback_preview": AzRollbackArgs => AzRollbackPreview;
    /// Roll back to an older version, if the current one is still the previewed one (audited).
    AzRollbackSecret = "az_rollback_secret": AzRollbackArgs => AzSecretProps;
    /// Soft-delete a secret (audited).
    AzDeleteSecret = "az_delete_secret": AzNameArgs => AzDeletedSecret;
    /// Recover a soft-deleted secret, waiting out the service's transitions (audited).
    AzRecoverSecret = "az_recover_secret": AzNameArgs => AzSecretProps;
    /// Purge a soft-deleted secret for good, the name typed (audited).
    AzPurgeSecret = "az_purge_secret": AzPurgeArgs => ();
    /// Every key (latest version).
    AzListKeys = "az_list_keys": crate::ProfileRef => Vec<AzKeyProps>;
    /// A key's rotation policy.
    AzGetRotationPolicy = "az_get_rotation_policy": AzNameArgs => AzRotationPolicy;
    /// Replace a key's rotation policy (audited).
    AzSetRotationPolicy = "az_set_rotation_policy": AzRotationPolicyArgs => AzRotationPolicy;
    /// Rotate a key now (audited).
    AzRotateKey = "az_rotate_key": AzNameArgs => AzKeyProps;
    /// Every certificate (read-only).
    AzListCertificates = "az_list_certificates": crate::ProfileRef => Vec<AzCertificateProps>;
    /// Change a secret version's attributes (audited); a disabled version cannot be read.
    AzUpdateSecret = "az_update_secret": AzUpdateSecretArgs => AzSecretProps;
    /// A key's versions.
    AzKeyVersions = "az_key_versions": AzNameArgs => Vec<AzKeyProps>;
    /// Create an RSA or EC key, or a new version of one (audited).
    AzCreateKey = "az_create_key": AzCreateKeyArgs => AzKeyProps;
    /// A certificate's versions.
    AzCertificateVersions = "az_certificate_versions": AzNameArgs => Vec<AzCertificateProps>;
    /// One certificate version with its subject and issuer; `None` version = the latest.
    AzGetCertificate = "az_get_certificate": AzSecretRefArgs => AzCertificateProps;
    /// Back a secret up to a new file (audited); never overwrites an existing file.
    AzBackupSecret = "az_backup_secret": AzBackupArgs => AzBackupDone;
    /// Restore a secret from a backup file (audited).
    AzRestoreSecret = "az_restore_secret": AzRestoreArgs => AzSecretProps;
    /// Enable or disable one key version (audited).
    AzSetKeyEnabled = "az_set_key_enabled": AzKeyEnabledArgs => AzKeyProps;
    /// Soft-deleted keys with their scheduled purge dates.
    AzListDeletedKeys = "az_list_deleted_keys": crate::ProfileRef => Vec<AzDeletedKey>;
    /// Soft-delete a key, every version (audited); returns once it shows as deleted.
    AzDeleteKey = "az_delete_key": AzNameArgs => AzDeletedKey;
    /// Recover a soft-deleted key, waiting out the service's transitions (audited).
    AzRecoverKey = "az_recover_key": AzNameArgs => AzKeyProps;
    /// Purge a soft-deleted key for good, the name typed (audited).
    AzPurgeKey = "az_purge_key": AzPurgeArgs => ();
}
