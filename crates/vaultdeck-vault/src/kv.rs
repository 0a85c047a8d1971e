//! The KV secrets engine, versions 1 and 2: mount detection, typed endpoints, and the secret
//! value types.
//!
//! [`Kv`] is a handle on one KV mount (found with [`VaultClient::mount_of`] or
//! [`Kv::open`]); its methods take paths *relative to the mount* (`app/db`, not
//! `secret/data/app/db`) and add the KV v2 prefixes (`data/`, `metadata/`, `subkeys/`, ...)
//! themselves. Operations that only exist in KV v2 answer [`Error::Unsupported`] on a KV v1
//! mount.
//!
//! Secret values are [`SecretValue`]s inside a [`SecretData`] map: `Debug` shows key names
//! only, the text is a [`SecretString`] (zeroized on drop), and the JSON request and response
//! bodies that carried values are scrubbed after use. Nothing here logs a value: requests are
//! traced with mount and path only.
//!
//! OpenBao and Vault differences handled here: OpenBao's `SCAN` verb and
//! `detailed-metadata/` listing (Vault answers 405 → `Unsupported`), OpenBao's extra metadata
//! fields (`current_metadata_version`, `metadata_cas_required`), an empty `LIST` (404
//! `{"errors":[]}`) meaning an empty folder, and a soft-deleted or destroyed version being a
//! 404 *with* a body (→ [`KvLookup::Deleted`] / [`KvLookup::Destroyed`]).

use std::collections::BTreeMap;
use std::fmt;
pub use vaultdeck_types::VersionState;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tracing::instrument;
use zeroize::Zeroize;

use crate::client::{list_method, VaultClient};
use crate::error::{Error, Purpose};
use crate::sys::null_as_default;

/// `Content-Type` that KV v2 `PATCH` requires (anything else → 415).
const MERGE_PATCH: &str = "application/merge-patch+json";

// ------------------------------------------------------------------------------------ values

/// One secret value. `Debug` prints `SecretValue(***)`; the text is zeroized on drop.
///
/// KV values are JSON: usually strings, sometimes numbers, booleans, arrays or objects. A
/// string is kept as its text; anything else as its compact JSON text with
/// [`SecretValue::is_json`] set, so that writing it back (rollback, patch) keeps its type.
#[derive(Clone)]
pub struct SecretValue {
    text: SecretString,
    json: bool,
}

impl SecretValue {
    /// A string value.
    pub fn string(value: impl Into<String>) -> Self {
        Self {
            text: SecretString::from(value.into()),
            json: false,
        }
    }

    /// A value from JSON. Strings stay strings; other values keep their JSON text. The
    /// strings inside `value` are zeroized after the copy.
    pub fn from_json(value: Value) -> Self {
        match value {
            Value::String(s) => Self {
                text: SecretString::from(s),
                json: false,
            },
            other => {
                let text = serde_json::to_string(&other).unwrap_or_default();
                scrub(other);
                Self {
                    text: SecretString::from(text),
                    json: true,
                }
            }
        }
    }

    /// The value: a string's text, or the JSON text of a non-string value. Call it only where
    /// the value is about to be shown, copied or sent.
    pub fn expose(&self) -> &str {
        self.text.expose_secret()
    }

    /// The value as a [`SecretString`] (a copy).
    pub fn to_secret_string(&self) -> SecretString {
        SecretString::from(self.expose().to_owned())
    }

    /// Whether this is a non-string JSON value (number, boolean, null, array, object).
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Whether both hold the same value (same type and text).
    pub fn same_as(&self, other: &SecretValue) -> bool {
        self.json == other.json && self.expose() == other.expose()
    }

    /// The JSON the server stores. The caller must [`scrub`] it after use.
    fn to_wire(&self) -> Value {
        if self.json {
            serde_json::from_str(self.expose()).unwrap_or(Value::Null)
        } else {
            Value::String(self.expose().to_owned())
        }
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(***)")
    }
}

impl From<&str> for SecretValue {
    fn from(s: &str) -> Self {
        SecretValue::string(s)
    }
}

impl From<String> for SecretValue {
    fn from(s: String) -> Self {
        SecretValue::string(s)
    }
}

impl From<SecretString> for SecretValue {
    fn from(s: SecretString) -> Self {
        SecretValue {
            text: s,
            json: false,
        }
    }
}

/// The key/value pairs of one secret version. `Debug` shows the key names only.
#[derive(Clone, Default)]
pub struct SecretData(BTreeMap<String, SecretValue>);

impl SecretData {
    /// An empty secret.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a key.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<SecretValue>) {
        self.0.insert(key.into(), value.into());
    }

    /// Builder form of [`SecretData::insert`].
    pub fn with(mut self, key: impl Into<String>, value: impl Into<SecretValue>) -> Self {
        self.insert(key, value);
        self
    }

    /// Removes a key, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<SecretValue> {
        self.0.remove(key)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&SecretValue> {
        self.0.get(key)
    }

    /// Key names, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Key/value pairs, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SecretValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses a JSON object (`{"user":"alice","port":5432}`), e.g. read from stdin. The text
    /// itself is not zeroized (the caller owns it); the parsed strings are.
    pub fn from_json_text(text: &str) -> Result<Self, Error> {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Invalid {
            // serde's message names line/column only, never the content.
            message: format!("the secret is not valid JSON: {e}"),
        })?;
        Self::from_json_value(value).ok_or_else(|| Error::Invalid {
            message: "the secret must be a JSON object of key/value pairs".to_owned(),
        })
    }

    /// Converts a JSON object; `None` (after scrubbing) when `value` is not an object.
    pub fn from_json_value(value: Value) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Self(
                map.into_iter()
                    .map(|(k, v)| (k, SecretValue::from_json(v)))
                    .collect(),
            )),
            other => {
                scrub(other);
                None
            }
        }
    }

    /// The JSON object the server stores. The caller must [`scrub`] it after use.
    fn to_wire(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|(k, v)| (k.clone(), v.to_wire()))
                .collect(),
        )
    }

    /// The pairs as one JSON text (for `vdeck kv get --reveal --json`, copy-as-JSON). The
    /// result is a secret.
    pub fn to_json_secret(&self) -> SecretString {
        let wire = self.to_wire();
        let text = serde_json::to_string(&wire).unwrap_or_default();
        scrub(wire);
        SecretString::from(text)
    }
}

impl fmt::Debug for SecretData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretData")
            .field("keys", &self.0.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl FromIterator<(String, SecretValue)> for SecretData {
    fn from_iter<I: IntoIterator<Item = (String, SecretValue)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// A JSON merge patch for one secret: keys to set and keys to remove. `Debug` shows key names
/// only.
#[derive(Clone, Default)]
pub struct SecretPatch(BTreeMap<String, Option<SecretValue>>);

impl SecretPatch {
    /// An empty patch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`.
    pub fn set(mut self, key: impl Into<String>, value: impl Into<SecretValue>) -> Self {
        self.0.insert(key.into(), Some(value.into()));
        self
    }

    /// Removes `key` (sent as `null`).
    pub fn remove(mut self, key: impl Into<String>) -> Self {
        self.0.insert(key.into(), None);
        self
    }

    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keys set by the patch.
    pub fn set_keys(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| k.as_str())
    }

    /// Keys removed by the patch.
    pub fn removed_keys(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k.as_str())
    }

    /// Applies the patch to `data` locally (what the server does with a merge patch).
    pub fn apply_to(&self, data: &mut SecretData) {
        for (k, v) in &self.0 {
            match v {
                Some(v) => data.insert(k.clone(), v.clone()),
                None => {
                    data.remove(k);
                }
            }
        }
    }

    fn to_wire(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_ref().map(SecretValue::to_wire).unwrap_or(Value::Null),
                    )
                })
                .collect(),
        )
    }
}

impl fmt::Debug for SecretPatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretPatch")
            .field("set", &self.set_keys().collect::<Vec<_>>())
            .field("remove", &self.removed_keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Zeroizes every string (and object key) inside a JSON value that carried secret values.
/// Numbers and booleans cannot be scrubbed in place and are simply dropped.
pub fn scrub(value: Value) {
    match value {
        Value::String(mut s) => s.zeroize(),
        Value::Array(items) => items.into_iter().for_each(scrub),
        Value::Object(map) => {
            for (mut k, v) in map {
                k.zeroize();
                scrub(v);
            }
        }
        _ => {}
    }
}

// ------------------------------------------------------------------------------------ mounts

/// KV engine version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KvVersion {
    /// KV v1: one unversioned value per path.
    V1,
    /// KV v2: versions, metadata, soft delete, check-and-set.
    V2,
}

impl KvVersion {
    /// `1` or `2`.
    pub fn number(self) -> u8 {
        match self {
            KvVersion::V1 => 1,
            KvVersion::V2 => 2,
        }
    }
}

/// The mount a path lives in, from `GET sys/internal/ui/mounts/<path>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathMount {
    /// Mount path with a trailing slash, e.g. `secret/` (with a namespace prefix such as
    /// `team-a/kv/` when the namespace was given in the path rather than the header).
    pub path: String,
    /// Engine type, e.g. `kv`, `database`.
    pub engine_type: String,
    /// `Some` for KV mounts.
    pub kv_version: Option<KvVersion>,
    /// Mount description.
    pub description: String,
}

#[derive(Deserialize)]
struct RawPathMount {
    #[serde(default)]
    path: String,
    #[serde(rename = "type", default)]
    engine_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    options: BTreeMap<String, Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    description: String,
}

fn kv_version_of(engine_type: &str, options: &BTreeMap<String, Value>) -> Option<KvVersion> {
    match engine_type {
        "kv" | "generic" => Some(match options.get("version") {
            Some(Value::String(v)) if v == "2" => KvVersion::V2,
            Some(Value::Number(n)) if n.as_u64() == Some(2) => KvVersion::V2,
            _ => KvVersion::V1,
        }),
        "kv-v2" => Some(KvVersion::V2),
        _ => None,
    }
}

impl VaultClient {
    /// The mount that serves `path` (any path inside it, e.g. `secret/app/db`), with its KV
    /// version. Answers for any path the token has some capability on; 403 otherwise.
    ///
    /// `GET /v1/sys/internal/ui/mounts/{path}` —
    /// <https://openbao.org/api-docs/system/internal-ui-mounts/>
    #[instrument(skip_all, fields(path = %path))]
    pub async fn mount_of(&self, path: &str) -> Result<PathMount, Error> {
        let path = path.trim_matches('/');
        if path.is_empty() {
            return Err(Error::Invalid {
                message: "a mount path is needed, e.g. `secret` or `secret/app/db`".to_owned(),
            });
        }
        let raw: RawPathMount = self
            .call(
                Method::GET,
                &format!("sys/internal/ui/mounts/{path}"),
                None,
                Purpose::Normal,
                true,
            )
            .await?;
        let mut mount = raw.path;
        if !mount.ends_with('/') {
            mount.push('/');
        }
        Ok(PathMount {
            path: mount,
            kv_version: kv_version_of(&raw.engine_type, &raw.options),
            engine_type: raw.engine_type,
            description: raw.description,
        })
    }
}

// ------------------------------------------------------------------------------------ metadata

fn empty_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

/// Whether an RFC 3339 `deletion_time` has passed at `now` (a future one is scheduled by
/// `delete_version_after` and the version is still live).
fn passed(time: Option<&str>, now: OffsetDateTime) -> bool {
    time.and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
        .is_some_and(|t| t <= now)
}

/// One version in a secret's metadata (`versions` of `GET metadata/<path>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvVersionInfo {
    /// When the version was written (RFC 3339).
    pub created_time: String,
    /// When it was (or will be, with `delete_version_after`) soft-deleted; `None` if never.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub deletion_time: Option<String>,
    /// Whether it was destroyed.
    #[serde(default)]
    pub destroyed: bool,
}

impl KvVersionInfo {
    /// The version's state at `now`.
    pub fn state(&self, now: OffsetDateTime) -> VersionState {
        if self.destroyed {
            VersionState::Destroyed
        } else if passed(self.deletion_time.as_deref(), now) {
            VersionState::Deleted
        } else {
            VersionState::Live
        }
    }
}

/// A secret's metadata: `GET /v1/{mount}/metadata/{path}` (KV v2), with OpenBao's extras.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvMetadata {
    /// The newest version number.
    #[serde(default)]
    pub current_version: u64,
    /// The oldest version still kept (`0` when all are kept).
    #[serde(default)]
    pub oldest_version: u64,
    /// Versions kept (`0` = the mount's default).
    #[serde(default)]
    pub max_versions: u64,
    /// Writes must carry `cas`.
    #[serde(default)]
    pub cas_required: bool,
    /// Versions are soft-deleted this long after being written (`0s` = never).
    #[serde(default, deserialize_with = "null_as_default")]
    pub delete_version_after: String,
    /// Free-form, non-secret metadata.
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom_metadata: BTreeMap<String, String>,
    /// When the secret was first written.
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_time: String,
    /// When it last changed.
    #[serde(default, deserialize_with = "null_as_default")]
    pub updated_time: String,
    /// Every kept version, by number.
    #[serde(default, deserialize_with = "null_as_default")]
    pub versions: BTreeMap<u64, KvVersionInfo>,
    /// OpenBao: version of the metadata itself (bumped by metadata writes).
    #[serde(default)]
    pub current_metadata_version: Option<u64>,
    /// OpenBao: metadata writes must carry `cas`.
    #[serde(default)]
    pub metadata_cas_required: Option<bool>,
}

/// The metadata of one version, as returned with its data and by writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvVersionMetadata {
    /// Version number.
    pub version: u64,
    /// When it was written.
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_time: String,
    /// When it was (or will be) soft-deleted.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub deletion_time: Option<String>,
    /// Whether it was destroyed.
    #[serde(default)]
    pub destroyed: bool,
    /// The secret's custom metadata.
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom_metadata: BTreeMap<String, String>,
}

/// Changes to a secret's metadata: `POST /v1/{mount}/metadata/{path}`. `None` fields are not
/// sent and keep their value; `custom_metadata` replaces the whole map.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataUpdate {
    /// Versions to keep (`0` = the mount's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_versions: Option<u64>,
    /// Require `cas` on writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cas_required: Option<bool>,
    /// Soft-delete versions this long after writing, e.g. `720h` (`0s` = never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_version_after: Option<String>,
    /// Replaces the custom metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_metadata: Option<BTreeMap<String, String>>,
}

/// A KV v2 mount's settings: `GET /v1/{mount}/config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvConfig {
    /// Writes must carry `cas` on every secret.
    #[serde(default)]
    pub cas_required: bool,
    /// Default versions kept.
    #[serde(default)]
    pub max_versions: u64,
    /// Default soft-delete delay.
    #[serde(default, deserialize_with = "null_as_default")]
    pub delete_version_after: String,
    /// OpenBao: metadata writes must carry `cas`.
    #[serde(default)]
    pub metadata_cas_required: Option<bool>,
}

/// One folder's listing with each secret's metadata (OpenBao's `detailed-metadata`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailedListing {
    /// Names as `LIST` returns them (folders end in `/`).
    pub keys: Vec<String>,
    /// Metadata per secret name (folders have none).
    pub key_info: BTreeMap<String, KvMetadata>,
}

/// Key names of a secret without their values (`subkeys`): a nested map whose leaves are
/// `None` (a value) and whose inner nodes are objects inside a value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubkeyTree(pub BTreeMap<String, Option<SubkeyTree>>);

impl SubkeyTree {
    /// The top-level key names, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.0.keys().cloned().collect()
    }
}

/// A secret's key names and the metadata of the version they come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvSubkeys {
    /// The key names.
    pub subkeys: SubkeyTree,
    /// The version they were read from.
    pub metadata: KvVersionMetadata,
}

/// One version's data with its metadata (`None` on KV v1, which has no versions).
#[derive(Debug, Clone)]
pub struct KvSecret {
    /// The key/value pairs.
    pub data: SecretData,
    /// The version (KV v2).
    pub metadata: Option<KvVersionMetadata>,
}

/// The result of reading a version: found, soft-deleted, destroyed, or nothing there.
#[derive(Debug, Clone)]
pub enum KvLookup<T> {
    /// The version is live.
    Found(T),
    /// Soft-deleted (404 with a body); `undelete` brings it back.
    Deleted(KvVersionMetadata),
    /// Destroyed (404 with a body); the data is gone.
    Destroyed(KvVersionMetadata),
    /// No such secret or version (404 `{"errors":[]}`).
    Missing,
}

impl<T> KvLookup<T> {
    /// The found value, if any.
    pub fn found(self) -> Option<T> {
        match self {
            KvLookup::Found(t) => Some(t),
            _ => None,
        }
    }
}

// ------------------------------------------------------------------------------------ handle

/// A handle on one KV mount; cheap to clone. Paths are relative to the mount.
#[derive(Clone)]
pub struct Kv {
    client: VaultClient,
    mount: String,
    version: KvVersion,
}

impl fmt::Debug for Kv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kv")
            .field("mount", &self.mount)
            .field("version", &self.version)
            .field("namespace", &self.client.namespace())
            .finish()
    }
}

impl Kv {
    /// A handle on the KV mount at `mount` (e.g. `secret` or `secret/`).
    pub fn new(client: VaultClient, mount: &str, version: KvVersion) -> Self {
        let mut mount = mount.trim_matches('/').to_owned();
        mount.push('/');
        Self {
            client,
            mount,
            version,
        }
    }

    /// Finds the KV mount serving `path` (e.g. `secret/app/db`) and returns a handle on it plus
    /// the path relative to the mount (`app/db`; empty for the mount itself). A path in a
    /// non-KV mount is [`Error::Unsupported`].
    pub async fn open(client: &VaultClient, path: &str) -> Result<(Kv, String), Error> {
        let m = client.mount_of(path).await?;
        let Some(version) = m.kv_version else {
            return Err(Error::Unsupported {
                message: format!(
                    "`{}` is a {} mount, not a KV secrets engine",
                    m.path, m.engine_type
                ),
            });
        };
        let kv = Kv::new(client.clone(), &m.path, version);
        let rel = kv.relative(path).to_owned();
        Ok((kv, rel))
    }

    /// The client (with its token and namespace).
    pub fn client(&self) -> &VaultClient {
        &self.client
    }

    /// Mount path with a trailing slash, e.g. `secret/`.
    pub fn mount(&self) -> &str {
        &self.mount
    }

    /// KV v1 or v2.
    pub fn version(&self) -> KvVersion {
        self.version
    }

    /// `path` without the mount prefix and surrounding slashes (`secret/app/db` → `app/db`).
    pub fn relative<'p>(&self, path: &'p str) -> &'p str {
        let p = path.trim_start_matches('/');
        let mount = self.mount.trim_end_matches('/');
        match p.strip_prefix(mount) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.trim_start_matches('/'),
            _ => p,
        }
    }

    /// The path as the vault CLI takes it: mount + relative path (`secret/app/db`).
    pub fn full_path(&self, rel: &str) -> String {
        format!("{}{}", self.mount, rel.trim_start_matches('/'))
    }

    /// API path of `rel` under the v2 sub-tree `section` (`data`, `metadata`, ...), or the
    /// plain path on KV v1.
    fn api_path(&self, section: &str, rel: &str) -> String {
        let rel = rel.trim_start_matches('/');
        match self.version {
            KvVersion::V2 => format!("{}{section}/{rel}", self.mount),
            KvVersion::V1 => format!("{}{rel}", self.mount),
        }
    }

    fn folder_path(&self, section: &str, folder: &str) -> String {
        let folder = folder.trim_matches('/');
        let mut p = self.api_path(section, folder);
        if !folder.is_empty() {
            p.push('/');
        }
        p
    }

    fn v2_only(&self, what: &str) -> Result<(), Error> {
        match self.version {
            KvVersion::V2 => Ok(()),
            KvVersion::V1 => Err(Error::Unsupported {
                message: format!(
                    "{what} needs KV v2; `{}` is a KV v1 mount (one unversioned value per path)",
                    self.mount
                ),
            }),
        }
    }

    fn secret_path<'p>(&self, rel: &'p str) -> Result<&'p str, Error> {
        let rel = rel.trim_start_matches('/');
        if rel.is_empty() || rel.ends_with('/') {
            return Err(Error::Invalid {
                message: format!(
                    "`{}` is a folder; name a secret inside it",
                    self.full_path(rel)
                ),
            });
        }
        Ok(rel)
    }

    // -------------------------------------------------------------------- listing

    /// Names directly under `folder` (`""` = the mount root); folders end in `/`. An empty or
    /// missing folder is an empty list; a folder the token may not list is an error with code
    /// `PermissionDenied`.
    ///
    /// `LIST /v1/{mount}/metadata/{folder}/` (v2), `LIST /v1/{mount}/{folder}/` (v1) —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#list-secrets>
    #[instrument(skip_all, fields(mount = %self.mount, path = %folder))]
    pub async fn list(&self, folder: &str) -> Result<Vec<String>, Error> {
        self.client
            .list(&self.folder_path("metadata", folder))
            .await
    }

    /// One page of [`Kv::list`]: at most `limit` names sorted after `after` (OpenBao's
    /// paginated LIST), for folders with very many keys.
    ///
    /// `GET /v1/{mount}/metadata/{folder}/?list=true&limit=N&after=NAME`
    #[instrument(skip_all, fields(mount = %self.mount, path = %folder))]
    pub async fn list_page(
        &self,
        folder: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<String>, Error> {
        let limit = limit.to_string();
        let mut query = vec![("list", "true"), ("limit", limit.as_str())];
        if let Some(a) = after.filter(|a| !a.is_empty()) {
            query.push(("after", a));
        }
        let body = self
            .client
            .read_with_query(&self.folder_path("metadata", folder), &query)
            .await?;
        Ok(keys_of(body))
    }

    /// Every secret below `folder`, recursively, in one request (OpenBao's `SCAN`), as paths
    /// relative to `folder`. Needs the `scan` capability (else `PermissionDenied`); Vault
    /// answers 405 (`Unsupported`).
    ///
    /// `SCAN /v1/{mount}/metadata/{folder}/` (v2), `SCAN /v1/{mount}/{folder}/` (v1) —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#scan-metadata>
    #[instrument(skip_all, fields(mount = %self.mount, path = %folder))]
    pub async fn scan(&self, folder: &str) -> Result<Vec<String>, Error> {
        self.client
            .scan(&self.folder_path("metadata", folder))
            .await
    }

    /// Names under `folder` with each secret's metadata, in one request (OpenBao).
    ///
    /// `LIST /v1/{mount}/detailed-metadata/{folder}/` —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#read-secret-metadata-detailed>
    #[instrument(skip_all, fields(mount = %self.mount, path = %folder))]
    pub async fn detailed_list(&self, folder: &str) -> Result<DetailedListing, Error> {
        self.v2_only("detailed metadata")?;
        let path = self.folder_path("detailed-metadata", folder);
        let r = match self
            .client
            .execute(list_method(), &path, &[], None, Purpose::Normal, &[])
            .await
        {
            Ok(r) => r,
            Err(e) if e.status() == Some(404) && e.server_errors().is_empty() => {
                return Ok(DetailedListing::default())
            }
            Err(e) => return Err(e),
        };
        let mut data = match r.body.and_then(|mut b| b.get_mut("data").map(Value::take)) {
            Some(Value::Object(d)) => d,
            _ => return Ok(DetailedListing::default()),
        };
        let keys: Vec<String> = data
            .remove("keys")
            .and_then(|k| serde_json::from_value(k).ok())
            .unwrap_or_default();
        let mut key_info = BTreeMap::new();
        if let Some(Value::Object(info)) = data.remove("key_info") {
            // Folders come with an empty object.
            for (name, meta) in info.into_iter().filter(|(n, _)| !n.ends_with('/')) {
                if let Ok(m) = serde_json::from_value::<KvMetadata>(meta) {
                    key_info.insert(name, m);
                }
            }
        }
        Ok(DetailedListing { keys, key_info })
    }

    // -------------------------------------------------------------------- reading

    /// A secret's metadata and version list; `None` when there is no such secret.
    ///
    /// `GET /v1/{mount}/metadata/{path}` —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#read-secret-metadata>
    #[instrument(skip_all, fields(mount = %self.mount, path = %path))]
    pub async fn metadata(&self, path: &str) -> Result<Option<KvMetadata>, Error> {
        self.v2_only("metadata")?;
        let api = self.api_path("metadata", self.secret_path(path)?);
        let Some(mut body) = self.client.read(&api).await? else {
            return Ok(None);
        };
        let data = body.get_mut("data").map(Value::take).unwrap_or_default();
        serde_json::from_value(data)
            .map(Some)
            .map_err(|e| self.client.decode_error(&Method::GET, &api, e.to_string()))
    }

    /// The mount's KV v2 settings.
    ///
    /// `GET /v1/{mount}/config` —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#read-kv-engine-configuration>
    #[instrument(skip_all, fields(mount = %self.mount))]
    pub async fn config(&self) -> Result<KvConfig, Error> {
        self.v2_only("engine configuration")?;
        self.client
            .call(
                Method::GET,
                &format!("{}config", self.mount),
                None,
                Purpose::Normal,
                true,
            )
            .await
    }

    /// The key names of a version (latest when `version` is `None`) without their values, so
    /// the server's audit log records no read of the data.
    ///
    /// `GET /v1/{mount}/subkeys/{path}?version=N` —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#read-secret-subkeys>
    #[instrument(skip_all, fields(mount = %self.mount, path = %path))]
    pub async fn subkeys(
        &self,
        path: &str,
        version: Option<u64>,
    ) -> Result<KvLookup<KvSubkeys>, Error> {
        self.v2_only("reading key names without values (subkeys)")?;
        let api = self.api_path("subkeys", self.secret_path(path)?);
        let Some((mut data, _)) = self.lookup(&api, version).await? else {
            return Ok(KvLookup::Missing);
        };
        let meta = take_version_metadata(&self.client, &api, &mut data)?;
        match (deleted_state(&meta, &data, "subkeys"), meta) {
            (Some(state), Some(m)) => Ok(state.lookup(m)),
            (None, Some(metadata)) => {
                let subkeys = match data.remove("subkeys") {
                    Some(Value::Null) | None => SubkeyTree::default(),
                    Some(v) => serde_json::from_value(v).map_err(|e| {
                        self.client
                            .decode_error(&Method::GET, &api, format!("subkeys: {e}"))
                    })?,
                };
                Ok(KvLookup::Found(KvSubkeys { subkeys, metadata }))
            }
            (_, None) => Ok(KvLookup::Missing),
        }
    }

    /// Reads a version's values (latest when `version` is `None`; KV v1 has no versions).
    /// This is the only method here that reads values: the server audits it as a read of
    /// `{mount}/data/{path}`.
    ///
    /// `GET /v1/{mount}/data/{path}?version=N` (v2), `GET /v1/{mount}/{path}` (v1) —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#read-secret-version>
    #[instrument(skip_all, fields(mount = %self.mount, path = %path))]
    pub async fn read(
        &self,
        path: &str,
        version: Option<u64>,
    ) -> Result<KvLookup<KvSecret>, Error> {
        let rel = self.secret_path(path)?;
        if self.version == KvVersion::V1 {
            if version.is_some() {
                self.v2_only("reading a specific version")?;
            }
            let api = self.api_path("data", rel);
            let Some(mut body) = self.client.read(&api).await? else {
                return Ok(KvLookup::Missing);
            };
            let data = body.get_mut("data").map(Value::take).unwrap_or_default();
            scrub(body);
            let data = SecretData::from_json_value(data).unwrap_or_default();
            return Ok(KvLookup::Found(KvSecret {
                data,
                metadata: None,
            }));
        }
        let api = self.api_path("data", rel);
        let Some((mut outer, _)) = self.lookup(&api, version).await? else {
            return Ok(KvLookup::Missing);
        };
        let meta = take_version_metadata(&self.client, &api, &mut outer)?;
        let values = outer.remove("data").unwrap_or(Value::Null);
        scrub(Value::Object(outer));
        match meta {
            None => {
                scrub(values);
                Ok(KvLookup::Missing)
            }
            Some(m) if values.is_null() => Ok(if m.destroyed {
                KvLookup::Destroyed(m)
            } else if m.deletion_time.is_some() {
                KvLookup::Deleted(m)
            } else {
                KvLookup::Missing
            }),
            Some(m) => Ok(KvLookup::Found(KvSecret {
                data: SecretData::from_json_value(values).unwrap_or_default(),
                metadata: Some(m),
            })),
        }
    }

    /// `GET` that keeps the body of a 404 (soft-deleted / destroyed versions). Returns the
    /// `data` object and the status; `None` for a plain 404 `{"errors":[]}`.
    async fn lookup(
        &self,
        api: &str,
        version: Option<u64>,
    ) -> Result<Option<(Map<String, Value>, u16)>, Error> {
        let v = version.map(|v| v.to_string());
        let query: Vec<(&str, &str)> = v.iter().map(|v| ("version", v.as_str())).collect();
        let r = self
            .client
            .execute(Method::GET, api, &query, None, Purpose::Normal, &[404])
            .await?;
        let mut body = r.body.unwrap_or_default();
        if r.status == 404 {
            let errors: Vec<String> = body
                .get("errors")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|e| {
                            e.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| e.to_string())
                        })
                        .collect()
                })
                .unwrap_or_default();
            if !errors.is_empty() {
                // No such mount or namespace: a real error, not an empty secret.
                return Err(Error::api(
                    "GET",
                    api,
                    self.client.address(),
                    404,
                    errors,
                    Purpose::Normal,
                    self.client.token().is_some(),
                ));
            }
        }
        match body.get_mut("data").map(Value::take) {
            Some(Value::Object(d)) => Ok(Some((d, r.status))),
            _ => Ok(None),
        }
    }

    // -------------------------------------------------------------------- writing

    /// Writes a new version (v2) or replaces the value (v1). With `cas`, the write succeeds
    /// only if the current version is `cas` (`0` = the secret must not exist); otherwise the
    /// error has code `Conflict` and the server's message. Returns the new version (v2).
    ///
    /// `POST /v1/{mount}/data/{path}` `{"data":{..},"options":{"cas":N}}` (v2),
    /// `POST /v1/{mount}/{path}` (v1) —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#create-update-secret>
    #[instrument(skip_all, fields(mount = %self.mount, path = %path))]
    pub async fn write(
        &self,
        path: &str,
        data: &SecretData,
        cas: Option<u64>,
    ) -> Result<Option<KvVersionMetadata>, Error> {
        let rel = self.secret_path(path)?;
        let api = self.api_path("data", rel);
        let body = match self.version {
            KvVersion::V1 => {
                if cas.is_some() {
                    self.v2_only("check-and-set")?;
                }
                data.to_wire()
            }
            KvVersion::V2 => {
                let mut b = json!({ "data": data.to_wire() });
                if let Some(cas) = cas {
                    b["options"] = json!({ "cas": cas });
                }
                b
            }
        };
        let result = self
            .client
            .execute(Method::POST, &api, &[], Some(&body), Purpose::Normal, &[])
            .await;
        scrub(body);
        let r = result?;
        match self.version {
            KvVersion::V1 => Ok(None),
            KvVersion::V2 => self
                .client
                .decode(&Method::POST, &api, r.body, true)
                .map(Some),
        }
    }

    /// Changes some keys without reading the others (JSON merge patch; a removed key is sent
    /// as `null`). With `cas` as in [`Kv::write`]. The secret must exist (404 → `NotFound`).
    ///
    /// `PATCH /v1/{mount}/data/{path}` with `Content-Type: application/merge-patch+json` —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#patch-secret>
    #[instrument(skip_all, fields(mount = %self.mount, path = %path))]
    pub async fn patch(
        &self,
        path: &str,
        patch: &SecretPatch,
        cas: Option<u64>,
    ) -> Result<KvVersionMetadata, Error> {
        self.v2_only("patch")?;
        let api = self.api_path("data", self.secret_path(path)?);
        let mut body = json!({ "data": patch.to_wire() });
        if let Some(cas) = cas {
            body["options"] = json!({ "cas": cas });
        }
        let result = self
            .client
            .execute_as(
                Method::PATCH,
                &api,
                &[],
                Some(&body),
                Some(MERGE_PATCH),
                Purpose::Normal,
                &[],
            )
            .await;
        scrub(body);
        self.client.decode(&Method::PATCH, &api, result?.body, true)
    }

    /// Soft-deletes the latest version (v2; `undelete` restores it) or deletes the value (v1).
    ///
    /// `DELETE /v1/{mount}/data/{path}` —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#delete-latest-version-of-secret>
    #[instrument(skip_all, fields(mount = %self.mount, path = %path))]
    pub async fn delete_latest(&self, path: &str) -> Result<(), Error> {
        let api = self.api_path("data", self.secret_path(path)?);
        self.client.delete(&api).await
    }

    /// Soft-deletes the given versions.
    ///
    /// `POST /v1/{mount}/delete/{path}` `{"versions":[..]}` —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#delete-secret-versions>
    #[instrument(skip_all, fields(mount = %self.mount, path = %path))]
    pub async fn delete_versions(&self, path: &str, versions: &[u64]) -> Result<(), Error> {
        self.versions_op("delete", path, versions).await
    }

    /// Restores soft-deleted versions.
    ///
    /// `POST /v1/{mount}/undelete/{path}` `{"versions":[..]}` —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#undelete-secret-versions>
    #[instrument(skip_all, fields(mount = %self.mount, path = %path))]
    pub async fn undelete(&self, path: &str, versions: &[u64]) -> Result<(), Error> {
        self.versions_op("undelete", path, versions).await
    }

    /// Destroys versions for good (their data is removed; metadata stays).
    ///
    /// `POST /v1/{mount}/destroy/{path}` `{"versions":[..]}` —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#destroy-secret-versions>
    #[instrument(skip_all, fields(mount = %self.mount, path = %path))]
    pub async fn destroy(&self, path: &str, versions: &[u64]) -> Result<(), Error> {
        self.versions_op("destroy", path, versions).await
    }

    async fn versions_op(&self, op: &str, path: &str, versions: &[u64]) -> Result<(), Error> {
        self.v2_only(op)?;
        if versions.is_empty() {
            return Err(Error::Invalid {
                message: format!("{op}: name at least one version"),
            });
        }
        let api = self.api_path(op, self.secret_path(path)?);
        self.client
            .write(&api, &json!({ "versions": versions }))
            .await
            .map(drop)
    }

    /// Deletes the secret's metadata and every version, for good.
    ///
    /// `DELETE /v1/{mount}/metadata/{path}` —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#delete-metadata-and-all-versions>
    #[instrument(skip_all, fields(mount = %self.mount, path = %path))]
    pub async fn delete_metadata(&self, path: &str) -> Result<(), Error> {
        self.v2_only("deleting metadata")?;
        let api = self.api_path("metadata", self.secret_path(path)?);
        self.client.delete(&api).await
    }

    /// Updates the secret's metadata (creates it when the secret does not exist yet).
    ///
    /// `POST /v1/{mount}/metadata/{path}` —
    /// <https://openbao.org/api-docs/secret/kv/kv-v2/#create-update-metadata>
    #[instrument(skip_all, fields(mount = %self.mount, path = %path))]
    pub async fn write_metadata(&self, path: &str, update: &MetadataUpdate) -> Result<(), Error> {
        self.v2_only("metadata")?;
        let api = self.api_path("metadata", self.secret_path(path)?);
        let body = serde_json::to_value(update)
            .map_err(|e| self.client.decode_error(&Method::POST, &api, e.to_string()))?;
        self.client.write(&api, &body).await.map(drop)
    }
}

/// The `metadata` member of a data/subkeys response.
fn take_version_metadata(
    client: &VaultClient,
    api: &str,
    data: &mut Map<String, Value>,
) -> Result<Option<KvVersionMetadata>, Error> {
    match data.remove("metadata") {
        Some(Value::Null) | None => Ok(None),
        Some(m) => serde_json::from_value(m)
            .map(Some)
            .map_err(|e| client.decode_error(&Method::GET, api, format!("metadata: {e}"))),
    }
}

enum Gone {
    Deleted,
    Destroyed,
}

impl Gone {
    fn lookup<T>(self, m: KvVersionMetadata) -> KvLookup<T> {
        match self {
            Gone::Deleted => KvLookup::Deleted(m),
            Gone::Destroyed => KvLookup::Destroyed(m),
        }
    }
}

/// Deleted/destroyed when the payload member is null and the metadata says so.
fn deleted_state(
    meta: &Option<KvVersionMetadata>,
    data: &Map<String, Value>,
    member: &str,
) -> Option<Gone> {
    let m = meta.as_ref()?;
    if !data.get(member).is_none_or(Value::is_null) {
        return None;
    }
    if m.destroyed {
        Some(Gone::Destroyed)
    } else if m.deletion_time.is_some() {
        Some(Gone::Deleted)
    } else {
        None
    }
}

fn keys_of(body: Option<Value>) -> Vec<String> {
    body.and_then(|b| b.pointer("/data/keys").cloned())
        .and_then(|k| serde_json::from_value(k).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_values() {
        let d = SecretData::new().with("user", "sentinel-user").with(
            "n",
            SecretValue::from_json(json!({"deep": "sentinel-deep"})),
        );
        let dbg = format!("{d:?}");
        assert!(!dbg.contains("sentinel"), "{dbg}");
        assert!(dbg.contains("user") && dbg.contains("\"n\""), "{dbg}");
        let p = SecretPatch::new().set("a", "sentinel-a").remove("b");
        let dbg = format!("{p:?}");
        assert!(!dbg.contains("sentinel") && dbg.contains("\"b\""), "{dbg}");
        assert_eq!(
            format!("{:?}", SecretValue::string("sentinel")),
            "SecretValue(***)"
        );
    }

    #[test]
    fn non_string_values_keep_their_type() {
        let v = SecretValue::from_json(json!(5432));
        assert!(v.is_json());
        assert_eq!(v.expose(), "5432");
        assert_eq!(v.to_wire(), json!(5432));
        let o = SecretValue::from_json(json!({"a": [1, "x"]}));
        assert_eq!(o.to_wire(), json!({"a": [1, "x"]}));
        let s = SecretValue::from_json(json!("5432"));
        assert!(!s.is_json());
        assert!(!s.same_as(&v));
    }

    #[test]
    fn parses_json_objects_only() {
        let d = SecretData::from_json_text(r#"{"user":"alice","port":5432}"#).unwrap();
        assert_eq!(d.keys().collect::<Vec<_>>(), ["port", "user"]);
        let e = SecretData::from_json_text("[1,2]").unwrap_err();
        assert_eq!(e.code(), vaultdeck_types::ErrorCode::InvalidInput);
        let e = SecretData::from_json_text("{\"a\": sentinel}").unwrap_err();
        assert!(!e.to_string().contains("sentinel"), "{e}");
    }

    #[test]
    fn patch_applies_locally_like_the_server() {
        let mut d = SecretData::new().with("a", "1").with("b", "2");
        SecretPatch::new()
            .set("a", "9")
            .remove("b")
            .set("c", "3")
            .apply_to(&mut d);
        assert_eq!(d.keys().collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(d.get("a").unwrap().expose(), "9");
    }

    #[test]
    fn paths_relative_to_the_mount() {
        let c = VaultClient::new(crate::VaultConfig::new("http://127.0.0.1:1")).unwrap();
        let kv = Kv::new(c.clone(), "secret", KvVersion::V2);
        assert_eq!(kv.relative("secret/app/db"), "app/db");
        assert_eq!(kv.relative("/secret/"), "");
        assert_eq!(kv.relative("secretive/x"), "secretive/x");
        assert_eq!(kv.api_path("data", "app/db"), "secret/data/app/db");
        assert_eq!(kv.folder_path("metadata", ""), "secret/metadata/");
        assert_eq!(kv.folder_path("metadata", "app"), "secret/metadata/app/");
        assert_eq!(kv.full_path("app/db"), "secret/app/db");
        let v1 = Kv::new(c, "kv1/", KvVersion::V1);
        assert_eq!(v1.api_path("data", "team/a"), "kv1/team/a");
        assert_eq!(v1.folder_path("metadata", "team"), "kv1/team/");
        assert!(v1.secret_path("team/").is_err());
    }

    #[test]
    fn version_state_respects_scheduled_deletion() {
        let now = OffsetDateTime::parse("2026-01-01T00:00:00Z", &Rfc3339).unwrap();
        let v = |deletion: Option<&str>, destroyed| KvVersionInfo {
            created_time: String::new(),
            deletion_time: deletion.map(str::to_owned),
            destroyed,
        };
        assert_eq!(v(None, false).state(now), VersionState::Live);
        assert_eq!(
            v(Some("2025-12-31T23:00:00.123Z"), false).state(now),
            VersionState::Deleted
        );
        assert_eq!(
            v(Some("2026-02-01T00:00:00Z"), false).state(now),
            VersionState::Live
        );
        assert_eq!(v(None, true).state(now), VersionState::Destroyed);
    }

    #[test]
    fn metadata_decodes_openbao_extras_and_numeric_version_keys() {
        let m: KvMetadata = serde_json::from_value(json!({
            "cas_required": false, "created_time": "t", "current_metadata_version": 1,
            "current_version": 2, "custom_metadata": null, "delete_version_after": "0s",
            "max_versions": 0, "metadata_cas_required": false, "oldest_version": 0,
            "updated_time": "u",
            "versions": {"1": {"created_time": "a", "deletion_time": "", "destroyed": true},
                         "2": {"created_time": "b", "deletion_time": "", "destroyed": false}}
        }))
        .unwrap();
        assert_eq!(m.versions.keys().copied().collect::<Vec<_>>(), [1, 2]);
        assert!(m.versions[&1].destroyed && m.versions[&2].deletion_time.is_none());
        assert_eq!(m.current_metadata_version, Some(1));
        let sub: SubkeyTree =
            serde_json::from_value(json!({"a": null, "nested": {"x": null}})).unwrap();
        assert_eq!(sub.keys(), ["a", "nested"]);
    }
}
