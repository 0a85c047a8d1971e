//! The KV secrets explorer's contract: listings, metadata, key names, reveals, writes,
//! versions, diffs, the recursive walk and search. Values travel only as [`SecretInput`]
//! (UI → backend) and [`RevealedValue`] (backend → UI, from an explicit reveal).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{RevealedValue, SecretInput};

/// The state of one KV v2 version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    /// Readable.
    Live,
    /// Soft-deleted: `undelete` brings it back.
    Deleted,
    /// Destroyed: the data is gone for good.
    Destroyed,
}

/// One name in a folder listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretEntry {
    /// The name inside the folder; folders end in `/`.
    pub name: String,
    /// Full path as the vault CLI takes it, e.g. `secret/app/db` or `secret/app/`.
    pub path: String,
    /// Whether this is a folder.
    pub is_folder: bool,
}

/// One version of a secret, without its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretVersionInfo {
    /// Version number.
    pub version: u64,
    /// When it was written (RFC 3339).
    pub created_time: String,
    /// When it was (or, with `delete_version_after`, will be) soft-deleted.
    pub deletion_time: Option<String>,
    /// Live, soft-deleted or destroyed, now.
    pub state: VersionState,
}

/// Everything about a secret except its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretMeta {
    /// Full path, e.g. `secret/app/db`.
    pub path: String,
    /// Mount, e.g. `secret/`.
    pub mount: String,
    /// KV engine version (1 or 2).
    pub kv_version: u8,
    /// Newest version (KV v2).
    pub current_version: Option<u64>,
    /// Oldest version kept (KV v2).
    pub oldest_version: Option<u64>,
    /// Versions kept (`0` = the mount's default).
    pub max_versions: Option<u64>,
    /// Writes must carry `cas`.
    pub cas_required: bool,
    /// Soft-delete delay, e.g. `0s` (never) or `720h0m0s`.
    pub delete_version_after: Option<String>,
    /// Non-secret custom metadata.
    pub custom_metadata: BTreeMap<String, String>,
    /// When the secret was first written.
    pub created_time: Option<String>,
    /// When it last changed.
    pub updated_time: Option<String>,
    /// Kept versions, oldest first.
    pub versions: Vec<SecretVersionInfo>,
}

/// The key names of one version, without values (KV v2 `subkeys`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretKeys {
    /// Full path.
    pub path: String,
    /// The version the names come from.
    pub version: u64,
    /// Its state; `keys` is empty unless `Live`.
    pub state: VersionState,
    /// Top-level key names, sorted.
    pub keys: Vec<String>,
}

/// What a write, patch or rollback produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteOutcome {
    /// Full path.
    pub path: String,
    /// The new version (`None` on KV v1).
    pub version: Option<u64>,
}

/// Key names only, serializable as-is (a [`SecretDiff`] without values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffSummary {
    /// Keys added.
    pub added: Vec<String>,
    /// Keys removed.
    pub removed: Vec<String>,
    /// Keys changed.
    pub changed: Vec<String>,
    /// Keys unchanged.
    pub unchanged: Vec<String>,
}

/// How the tree was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WalkMethod {
    /// One `SCAN` request (OpenBao, `scan` capability).
    Scan,
    /// One `LIST` per folder.
    List,
}

/// Where a walk stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkProgress {
    /// How the tree is being read.
    pub method: WalkMethod,
    /// Folders listed (or denied) so far.
    pub folders_done: u64,
    /// Folders found but not listed yet (queued or in flight).
    pub folders_pending: u64,
    /// Secret paths found so far.
    pub keys_found: u64,
    /// Folders the token may not list, skipped.
    pub denied: u64,
}

/// Secret paths found since the previous batch, with progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkBatch {
    /// Full secret paths (`secret/app/db`), in no particular order.
    pub keys: Vec<String>,
    /// Folders found denied since the previous batch (`secret/app/private/`).
    pub denied_folders: Vec<String>,
    /// Progress after this batch.
    pub progress: WalkProgress,
}

/// How a walk ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkReport {
    /// The walked path as given (`secret/app`).
    pub root: String,
    /// How the tree was read.
    pub method: WalkMethod,
    /// Secret paths found.
    pub keys_found: u64,
    /// Folders listed (LIST walk; 0 for SCAN).
    pub folders_done: u64,
    /// Folders skipped because the token may not list them.
    pub denied_folders: Vec<String>,
    /// Why SCAN was not used, when it was tried and refused.
    pub scan_refused: Option<String>,
    /// The walk was cancelled; the keys delivered so far are a partial result.
    pub cancelled: bool,
    /// Wall time.
    pub elapsed_ms: u64,
}

/// What to look for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Fuzzy text; words separated by spaces must all match (in any order). Lower-case text
    /// ignores case; any upper-case letter makes that word case-sensitive. Empty = every path
    /// (that passes the filters), alphabetically.
    #[serde(default)]
    pub text: String,
    /// Only paths starting with this exact text (e.g. `secret/app/`).
    #[serde(default)]
    pub prefix: Option<String>,
    /// Only paths matching this glob (e.g. `secret/**/db`, `*/prod/*`).
    #[serde(default)]
    pub glob: Option<String>,
    /// At most this many hits (0 = 50).
    #[serde(default)]
    pub limit: usize,
}

/// One match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The secret path.
    pub path: String,
    /// Higher is better (0 for an empty query).
    pub score: u32,
    /// Positions (characters; grapheme clusters for non-ASCII) of the matched characters in
    /// `path`, ascending, for highlighting.
    pub indices: Vec<u32>,
}

/// The results of one query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The best hits, best first.
    pub hits: Vec<SearchHit>,
    /// How many paths matched in all (hits are the top of these).
    pub total_matches: usize,
    /// Paths in the index.
    pub indexed: usize,
}

// ------------------------------------------------------------------- settings, create, copy

/// How long a revealed value stays visible and a copied one stays in the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretTimeouts {
    /// Seconds a revealed value stays on screen (default 30).
    pub reveal_secs: u32,
    /// Seconds a copied value stays in the clipboard (default 20).
    pub clipboard_secs: u32,
}

impl SecretTimeouts {
    /// The shortest timeout accepted, in seconds.
    pub const MIN_SECS: u32 = 1;
    /// The longest timeout accepted, in seconds (10 minutes).
    pub const MAX_SECS: u32 = 600;

    /// `Err` naming the field and the allowed range when a value is out of range.
    pub fn validate(&self) -> Result<(), String> {
        let check = |name: &str, v: u32| {
            if (Self::MIN_SECS..=Self::MAX_SECS).contains(&v) {
                Ok(())
            } else {
                Err(format!(
                    "{name} must be between {} and {} seconds (got {v})",
                    Self::MIN_SECS,
                    Self::MAX_SECS
                ))
            }
        };
        check("reveal timeout", self.reveal_secs)?;
        check("clipboard timeout", self.clipboard_secs)
    }
}

impl Default for SecretTimeouts {
    fn default() -> Self {
        Self {
            reveal_secs: 30,
            clipboard_secs: 20,
        }
    }
}

/// The saved timeouts and the ones in force (environment variables override the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretSettings {
    /// What the settings file holds (defaults when there is none).
    pub saved: SecretTimeouts,
    /// What applies now.
    pub effective: SecretTimeouts,
    /// Environment variables overriding a saved value (`VAULTDECK_REVEAL_SECS`, ...).
    pub env_overrides: Vec<String>,
}

/// Save the reveal / clipboard timeouts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveSecretSettingsArgs {
    /// The new timeouts.
    pub timeouts: SecretTimeouts,
}

/// Create a new secret; never overwrites an existing one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateSecretArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Mount plus path of the new secret (`secret/app/db`).
    pub path: String,
    /// Its fields (at least one).
    pub data: BTreeMap<String, SecretField>,
}

/// A whole secret copied to the clipboard as JSON (by the backend).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopiedSecret {
    /// Secret path.
    pub path: String,
    /// The keys copied.
    pub keys: Vec<String>,
    /// The version copied (`None` on KV v1).
    pub version: Option<u64>,
    /// Seconds after which the clipboard is cleared (if it still holds the JSON).
    pub clear_after_secs: u32,
}

/// Which read command to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretCommandKind {
    /// `vault kv get ...`.
    Cli,
    /// `curl ... $VAULT_TOKEN ...`.
    Curl,
}

/// Copy the command that reads a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopySecretCommandArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// Which command goes to the clipboard.
    pub kind: SecretCommandKind,
}

/// The commands that read a secret. No token in them: they use `$VAULT_TOKEN`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretReadCommands {
    /// The vault CLI command.
    pub cli: String,
    /// The curl command.
    pub curl: String,
}

/// The namespaces below the connection's own, and the one the explorer browses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceList {
    /// The namespace being browsed (`""` = the profile's own).
    pub current: String,
    /// Child namespaces at any depth (`team-a`, `team-a/sub`), sorted; empty when the server
    /// has none or the token may not list them.
    pub namespaces: Vec<String>,
    /// Why the list is incomplete (a namespace the token may not list), if it is.
    pub note: Option<String>,
}

/// Browse another namespace on this connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetNamespaceArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Namespace relative to the profile's (`""` = the profile's own).
    pub namespace: String,
}

/// Search key names inside every secret under a folder (opt-in: it reads every secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartKeySearchArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Mount or folder to search (`secret/` or `secret/app/`).
    pub path: String,
    /// Text the key names must contain (case-insensitive).
    pub query: String,
    /// An id the caller picks, for [`CancelJobArgs`].
    pub job_id: String,
}

/// One secret with matching key names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyNameHit {
    /// Secret path.
    pub path: String,
    /// Its key names that match, sorted.
    pub keys: Vec<String>,
}

/// Where a key-name search stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySearchProgress {
    /// Secret paths found by the walk so far.
    pub secrets_found: u64,
    /// Secrets whose key names were read.
    pub secrets_read: u64,
    /// Secrets that could not be read (denied, deleted).
    pub unreadable: u64,
    /// Secrets with a matching key.
    pub matches: u64,
}

/// Hits since the previous batch, with progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySearchBatch {
    /// New hits.
    pub hits: Vec<KeyNameHit>,
    /// Progress after this batch.
    pub progress: KeySearchProgress,
}

/// How a key-name search ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySearchReport {
    /// The searched path.
    pub root: String,
    /// Final progress.
    pub progress: KeySearchProgress,
    /// Values were read to learn key names (KV v1 has no key-names endpoint).
    pub values_read: bool,
    /// The search was cancelled; the hits so far are a partial result.
    pub cancelled: bool,
    /// Wall time.
    pub elapsed_ms: u64,
}

/// Checks the path of a new secret relative to its mount (`app/db`): not empty, no leading or
/// trailing `/`, no empty, `.` or `..` segment, no control characters. `Err` says what to fix.
pub fn validate_secret_name(rel: &str) -> Result<(), String> {
    if rel.trim().is_empty() {
        return Err("type the secret's path after the mount, e.g. app/db".into());
    }
    if rel.starts_with('/') || rel.ends_with('/') {
        return Err("a secret path cannot start or end with / (that would be a folder)".into());
    }
    if rel.chars().any(char::is_control) {
        return Err("the path contains a control character".into());
    }
    for seg in rel.split('/') {
        if seg.is_empty() {
            return Err("the path has an empty segment (//)".into());
        }
        if seg == "." || seg == ".." {
            return Err(format!("the path segment {seg} is not allowed"));
        }
        if seg.trim() != seg {
            return Err(format!(
                "the path segment \"{seg}\" starts or ends with a space"
            ));
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------------------ args

/// A path on a connection: a folder to list (`secret/app/`) or a secret (`secret/app/db`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretPathArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Mount plus path, as the vault CLI takes it.
    pub path: String,
}

/// The key names of one version of a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretKeysArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// Version (`None` = latest).
    #[serde(default)]
    pub version: Option<u64>,
}

/// Reveal one key of one version of a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealKeyArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// The key to reveal.
    pub key: String,
    /// Version (`None` = latest).
    #[serde(default)]
    pub version: Option<u64>,
}

/// One revealed key. `Debug` redacts the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedKey {
    /// Secret path.
    pub path: String,
    /// The key.
    pub key: String,
    /// Its value.
    pub value: RevealedValue,
    /// Seconds after which the UI hides it again.
    pub hide_after_secs: u32,
}

/// One field of a secret being written: a string, or JSON text (`json: true`) for a
/// non-string value (number, boolean, array, object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretField {
    /// The value as typed.
    pub value: SecretInput,
    /// The value is JSON text, not a plain string.
    #[serde(default)]
    pub json: bool,
}

/// One revealed field: the value and whether it is JSON (not a string). `Debug` redacts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedField {
    /// The value (a string's text, or JSON text).
    pub value: RevealedValue,
    /// The value is JSON text of a non-string value.
    pub json: bool,
}

/// Every key of one version, revealed (for editing). `Debug` redacts the values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedSecret {
    /// Secret path.
    pub path: String,
    /// The version read (`None` on KV v1).
    pub version: Option<u64>,
    /// The fields.
    pub data: BTreeMap<String, RevealedField>,
    /// Seconds after which the UI hides the values again.
    pub hide_after_secs: u32,
}

/// Write a whole new version of a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteSecretArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// The fields of the new version.
    pub data: BTreeMap<String, SecretField>,
    /// Check-and-set: the version the edit started from (`0` = must not exist yet). A newer
    /// version on the server makes the write fail with `Conflict`.
    #[serde(default)]
    pub cas: Option<u64>,
}

/// Change some keys of a secret, keeping the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchSecretArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// Keys to set.
    #[serde(default)]
    pub set: BTreeMap<String, SecretField>,
    /// Keys to remove.
    #[serde(default)]
    pub remove: Vec<String>,
    /// Check-and-set, as in [`WriteSecretArgs::cas`].
    #[serde(default)]
    pub cas: Option<u64>,
}

/// Compare two versions of a secret (key names only; values stay on the server side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffVersionsArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// The older version.
    pub from: u64,
    /// The newer version.
    pub to: u64,
}

/// Start a recursive walk of a mount or folder; batches stream through the command's
/// `on_batch` channel and fill the connection's search index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartWalkArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Mount or folder to walk (`secret/` or `secret/app/`).
    pub path: String,
    /// An id the caller picks, for [`CancelJobArgs`].
    pub job_id: String,
}

/// Cancel a running job (a walk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelJobArgs {
    /// The id given when the job started.
    pub job_id: String,
}

/// Search the connection's walked paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchSecretsArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// What to look for.
    #[serde(default)]
    pub query: SearchQuery,
}

/// Some versions of a secret (soft-delete / undelete); empty = the latest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretVersionsArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// The versions.
    #[serde(default)]
    pub versions: Vec<u64>,
}

/// Destroy versions for good: `confirm_path` must repeat `path` (typed by the user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestroyVersionsArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// The versions to destroy (at least one).
    pub versions: Vec<u64>,
    /// The path as typed by the user.
    pub confirm_path: String,
}

/// Delete a secret's metadata and every version: `confirm_path` must repeat `path`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteMetadataArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// The path as typed by the user.
    pub confirm_path: String,
}

/// Write an old version's data as a new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollbackArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// The version whose data to restore.
    pub version: u64,
    /// Check-and-set: the current version the user saw.
    #[serde(default)]
    pub cas: Option<u64>,
}

/// Changes to a secret's metadata; `None` fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataEdit {
    /// Versions to keep (`0` = the mount's default).
    #[serde(default)]
    pub max_versions: Option<u64>,
    /// Require `cas` on writes.
    #[serde(default)]
    pub cas_required: Option<bool>,
    /// Soft-delete versions this long after writing, e.g. `720h` (`0s` = never).
    #[serde(default)]
    pub delete_version_after: Option<String>,
    /// Replaces the custom metadata.
    #[serde(default)]
    pub custom_metadata: Option<BTreeMap<String, String>>,
}

/// Write a secret's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteMetadataArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Secret path.
    pub path: String,
    /// The changes.
    pub edit: MetadataEdit,
}

/// A key copied to the clipboard (by the backend; the value never enters the webview).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopiedKey {
    /// Secret path.
    pub path: String,
    /// The key.
    pub key: String,
    /// Seconds after which the clipboard is cleared (if it still holds the value).
    pub clear_after_secs: u32,
}

crate::commands! {
    /// The secrets explorer's commands.
    SECRET_COMMANDS;
    /// Names in a folder (a mount such as `secret/` or a folder such as `secret/app/`).
    ListSecrets = "list_secrets": SecretPathArgs => Vec<SecretEntry>;
    /// Everything about a secret except its values.
    GetSecretMetadata = "get_secret_metadata": SecretPathArgs => SecretMeta;
    /// The key names of one version, without values.
    GetSecretKeys = "get_secret_keys": SecretKeysArgs => SecretKeys;
    /// Reveal the value of one key (audited).
    RevealSecretKey = "reveal_secret_key": RevealKeyArgs => RevealedKey;
    /// Copy one key's value to the clipboard in the backend; cleared after a timeout if the
    /// clipboard still holds it (audited as a reveal).
    CopySecretKey = "copy_secret_key": RevealKeyArgs => CopiedKey;
    /// Reveal every key of one version, for editing (audited).
    RevealSecret = "reveal_secret": SecretKeysArgs => RevealedSecret;
    /// Write a new version (check-and-set with the version the edit started from).
    WriteSecret = "write_secret": WriteSecretArgs => WriteOutcome;
    /// Set or remove some keys, keeping the others (check-and-set).
    PatchSecret = "patch_secret": PatchSecretArgs => WriteOutcome;
    /// Which keys differ between two versions (names only, values masked).
    DiffSecretVersions = "diff_secret_versions": DiffVersionsArgs => DiffSummary;
    /// Walk a mount or folder recursively (takes a second parameter, the `on_batch`
    /// channel of [`WalkBatch`]es); cancelable with [`CancelJob`].
    StartWalk = "start_walk": StartWalkArgs => WalkReport;
    /// Cancel a running job; `false` when no such job runs.
    CancelJob = "cancel_job": CancelJobArgs => bool;
    /// Fuzzy / prefix / glob search over the paths walked on the connection.
    SearchSecrets = "search_secrets": SearchSecretsArgs => SearchResults;
    /// Write an old version's data as a new version (check-and-set).
    RollbackSecret = "rollback_secret": RollbackArgs => WriteOutcome;
    /// Soft-delete versions (empty = the latest).
    DeleteSecretVersions = "delete_secret_versions": SecretVersionsArgs => ();
    /// Bring soft-deleted versions back.
    UndeleteSecretVersions = "undelete_secret_versions": SecretVersionsArgs => ();
    /// Destroy versions for good (the path must be typed to confirm).
    DestroySecretVersions = "destroy_secret_versions": DestroyVersionsArgs => ();
    /// Delete the secret's metadata and all versions (the path must be typed to confirm).
    DeleteSecretMetadata = "delete_secret_metadata": DeleteMetadataArgs => ();
    /// Change max versions, CAS requirement, delete-after and custom metadata.
    WriteSecretMetadata = "write_secret_metadata": WriteMetadataArgs => ();
    /// The reveal and clipboard timeouts (saved and in force).
    GetSecretSettings = "get_secret_settings": crate::NoArgs => SecretSettings;
    /// Save the reveal and clipboard timeouts in the config dir.
    SaveSecretSettings = "save_secret_settings": SaveSecretSettingsArgs => SecretSettings;
    /// Create a secret that must not exist yet (KV v2: `cas=0`; KV v1: checked first).
    CreateSecret = "create_secret": CreateSecretArgs => WriteOutcome;
    /// Copy every key of one version to the clipboard as JSON in the backend (one audited
    /// reveal of all keys); cleared after a timeout if the clipboard still holds it.
    CopySecretJson = "copy_secret_json": SecretKeysArgs => CopiedSecret;
    /// The vault CLI and curl commands that read a secret; copies the chosen one.
    CopySecretCommand = "copy_secret_command": CopySecretCommandArgs => SecretReadCommands;
    /// Child namespaces (nested) and the one being browsed.
    ListNamespaces = "list_namespaces": crate::ProfileRef => NamespaceList;
    /// Browse another namespace (`X-Vault-Namespace` on the explorer's calls).
    SetSecretsNamespace = "set_secrets_namespace": SetNamespaceArgs => NamespaceList;
    /// Mounts visible in the namespace being browsed.
    ListSecretMounts = "list_secret_mounts": crate::ProfileRef => Vec<crate::MountInfo>;
    /// Search key names inside every secret under a folder (takes the `on_batch` channel of
    /// [`KeySearchBatch`]es; audited; cancelable with [`CancelJob`]).
    StartKeySearch = "start_key_search": StartKeySearchArgs => KeySearchReport;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_secret_names_are_checked() {
        assert!(validate_secret_name("app/db").is_ok());
        assert!(validate_secret_name("a").is_ok());
        for bad in [
            "", " ", "/app", "app/", "a//b", "a/../b", "./a", "a/ b", "a\nb",
        ] {
            assert!(validate_secret_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn timeouts_default_and_range() {
        let d = SecretTimeouts::default();
        assert_eq!((d.reveal_secs, d.clipboard_secs), (30, 20));
        assert!(d.validate().is_ok());
        let e = SecretTimeouts {
            reveal_secs: 0,
            clipboard_secs: 20,
        }
        .validate()
        .unwrap_err();
        assert!(e.contains("reveal"), "{e}");
        let e = SecretTimeouts {
            reveal_secs: 5,
            clipboard_secs: 601,
        }
        .validate()
        .unwrap_err();
        assert!(e.contains("clipboard"), "{e}");
    }

    #[test]
    fn a_revealed_key_does_not_debug_its_value() {
        let r = RevealedKey {
            path: "secret/a".into(),
            key: "k".into(),
            value: RevealedValue::new("sentinel-XYZ"),
            hide_after_secs: 30,
        };
        assert!(!format!("{r:?}").contains("sentinel"));
    }
}
