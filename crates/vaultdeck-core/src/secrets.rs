//! Secrets: the types the [`SecretStore`] capability speaks, the [`Audited`] wrapper that
//! appends every mutation and every reveal to the local audit log, and [`diff`] between two
//! versions.
//!
//! Paths are the ones the vault CLI takes: mount plus path, e.g. `secret/app/db` (no `data/`).
//! Reading is split so that browsing never reads a value: [`SecretStore::list`],
//! [`SecretStore::metadata`] and [`SecretStore::subkeys`] return names and metadata only;
//! [`SecretStore::read_key`] and [`SecretStore::read_all`] are the reveals, the only calls the
//! server's audit log shows as a read of `<mount>/data/<path>`.
//!
//! Values are [`SecretData`] / [`SecretString`]: `Debug` shows key names only, nothing here
//! logs or returns a value in an error message.

use std::collections::BTreeMap;
pub use vaultdeck_types::{
    DiffSummary, SecretEntry, SecretKeys, SecretMeta, SecretVersionInfo, WriteOutcome,
};

use secrecy::SecretString;

pub use vaultdeck_vault::kv::{MetadataUpdate, SecretData, SecretPatch, SecretValue, VersionState};

use crate::audit::{AuditLog, AuditRecord};
use crate::capability::SecretStore;
use crate::sessions::Deck;
use crate::{Connection, Result};

// ------------------------------------------------------------------------------------ types

/// A version's values, from an explicit reveal. `Debug` shows key names only.
#[derive(Debug, Clone)]
pub struct SecretVersion {
    /// Full path.
    pub path: String,
    /// Version number (`None` on KV v1).
    pub version: Option<u64>,
    /// The values.
    pub data: SecretData,
}

/// The differences between two versions of a secret. Values only when asked for.
#[derive(Debug, Clone, Default)]
pub struct SecretDiff {
    /// Keys only in the newer (`to`) side.
    pub added: Vec<String>,
    /// Keys only in the older (`from`) side.
    pub removed: Vec<String>,
    /// Keys in both with different values.
    pub changed: Vec<String>,
    /// Keys in both with the same value.
    pub unchanged: Vec<String>,
    /// Per differing key, the two values; `None` unless values were asked for.
    pub values: Option<BTreeMap<String, ValuePair>>,
}

/// The two sides of one differing key. `Debug` redacts both.
#[derive(Debug, Clone)]
pub struct ValuePair {
    /// The value on the `from` side (`None`: key added).
    pub from: Option<SecretString>,
    /// The value on the `to` side (`None`: key removed).
    pub to: Option<SecretString>,
}

impl SecretDiff {
    /// Whether both sides hold the same keys and values.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// The key names without values.
    pub fn summary(&self) -> DiffSummary {
        DiffSummary {
            added: self.added.clone(),
            removed: self.removed.clone(),
            changed: self.changed.clone(),
            unchanged: self.unchanged.clone(),
        }
    }
}

/// Compares two versions' data: keys added, removed, changed (by value) and unchanged, sorted.
/// With `include_values`, [`SecretDiff::values`] holds both sides of every differing key.
pub fn diff(from: &SecretData, to: &SecretData, include_values: bool) -> SecretDiff {
    let mut d = SecretDiff::default();
    let mut values = BTreeMap::new();
    let pair = |a: Option<&SecretValue>, b: Option<&SecretValue>| ValuePair {
        from: a.map(SecretValue::to_secret_string),
        to: b.map(SecretValue::to_secret_string),
    };
    for (k, a) in from.iter() {
        match to.get(k) {
            None => {
                d.removed.push(k.to_owned());
                if include_values {
                    values.insert(k.to_owned(), pair(Some(a), None));
                }
            }
            Some(b) if a.same_as(b) => d.unchanged.push(k.to_owned()),
            Some(b) => {
                d.changed.push(k.to_owned());
                if include_values {
                    values.insert(k.to_owned(), pair(Some(a), Some(b)));
                }
            }
        }
    }
    for (k, b) in to.iter() {
        if from.get(k).is_none() {
            d.added.push(k.to_owned());
            if include_values {
                values.insert(k.to_owned(), pair(None, Some(b)));
            }
        }
    }
    d.values = include_values.then_some(values);
    d
}

// ------------------------------------------------------------------------------------ audited

/// A [`SecretStore`] whose mutations and reveals are appended to the local audit log.
///
/// Actions: `kv.write`, `kv.patch`, `kv.delete`, `kv.undelete`, `kv.destroy`,
/// `kv.metadata.delete`, `kv.metadata.write`, `kv.rollback` (each `ok` or `error` with the
/// error message), `kv.reveal` for [`SecretStore::read_key`] / [`SecretStore::read_all`]
/// (a reveal is a read the server audits too), and `kv.diff` for [`Audited::diff_versions`].
/// Listing, metadata and key names are not recorded (they read no value). The target is the
/// path; the detail names versions and key names, never a value.
#[derive(Debug, Clone)]
pub struct Audited<S> {
    inner: S,
    audit: AuditLog,
    profile: String,
}

impl<S> Audited<S> {
    /// Wraps `inner`; records carry `profile` (a profile name).
    pub fn new(inner: S, audit: AuditLog, profile: impl Into<String>) -> Self {
        Self {
            inner,
            audit,
            profile: profile.into(),
        }
    }

    /// The unaudited store.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    fn record<T>(&self, action: &str, path: &str, detail: String, r: &Result<T>) {
        let rec = match r {
            Ok(_) => AuditRecord::ok(action),
            Err(e) => AuditRecord::failed(action, e.to_string()),
        }
        .profile(&self.profile)
        .target(path);
        let rec = if detail.is_empty() {
            rec
        } else if r.is_ok() {
            rec.detail(detail)
        } else {
            let msg = rec.detail.clone().unwrap_or_default();
            rec.detail(format!("{detail}: {msg}"))
        };
        if let Err(e) = self.audit.append(rec) {
            tracing::error!(error = %e, "could not append to the audit log");
        }
    }
}

impl Audited<Connection> {
    /// The open connection of `profile_id` in `deck`, audited into the deck's log under the
    /// profile's name.
    pub fn for_profile(deck: &Deck, profile_id: &str) -> Result<Self> {
        let conn = deck.connection(profile_id)?;
        let name = deck.profile(profile_id)?.name;
        Ok(Self::new(conn, deck.audit().clone(), name))
    }
}

impl<S: SecretStore + Sync> Audited<S> {
    /// Reads versions `from` and `to` and compares them; recorded once as `kv.diff` (the server
    /// audits two reads). Values are in the result only with `include_values`.
    pub async fn diff_versions(
        &self,
        path: &str,
        from: u64,
        to: u64,
        include_values: bool,
    ) -> Result<SecretDiff> {
        let r = async {
            let a = self.inner.read_all(path, Some(from)).await?;
            let b = self.inner.read_all(path, Some(to)).await?;
            Ok(diff(&a.data, &b.data, include_values))
        }
        .await;
        let shown = if include_values {
            "values shown"
        } else {
            "values not shown"
        };
        self.record(
            "kv.diff",
            path,
            format!("versions {from} and {to}; {shown}"),
            &r,
        );
        r
    }
}

fn versions_text(versions: &[u64]) -> String {
    if versions.is_empty() {
        "latest version".to_owned()
    } else {
        let v: Vec<String> = versions.iter().map(u64::to_string).collect();
        format!("versions {}", v.join(","))
    }
}

fn keys_text<'a>(label: &str, keys: impl Iterator<Item = &'a str>) -> String {
    let keys: Vec<&str> = keys.collect();
    if keys.is_empty() {
        String::new()
    } else {
        format!("{label} {}", keys.join(","))
    }
}

impl<S: SecretStore + Sync> SecretStore for Audited<S> {
    async fn list(&self, path: &str) -> Result<Vec<SecretEntry>> {
        self.inner.list(path).await
    }

    async fn metadata(&self, path: &str) -> Result<SecretMeta> {
        self.inner.metadata(path).await
    }

    async fn subkeys(&self, path: &str, version: Option<u64>) -> Result<SecretKeys> {
        self.inner.subkeys(path, version).await
    }

    async fn read_key(&self, path: &str, key: &str, version: Option<u64>) -> Result<SecretString> {
        let r = self.inner.read_key(path, key, version).await;
        let v = version
            .map(|v| format!(", version {v}"))
            .unwrap_or_default();
        self.record("kv.reveal", path, format!("key {key}{v}"), &r);
        r
    }

    async fn read_all(&self, path: &str, version: Option<u64>) -> Result<SecretVersion> {
        let r = self.inner.read_all(path, version).await;
        let detail = match &r {
            Ok(s) => format!(
                "all keys ({}){}",
                s.data.keys().collect::<Vec<_>>().join(","),
                s.version
                    .map(|v| format!(", version {v}"))
                    .unwrap_or_default()
            ),
            Err(_) => "all keys".to_owned(),
        };
        self.record("kv.reveal", path, detail, &r);
        r
    }

    async fn write(&self, path: &str, data: &SecretData, cas: Option<u64>) -> Result<WriteOutcome> {
        let r = self.inner.write(path, data, cas).await;
        let mut detail = keys_text("keys", data.keys());
        if let Some(c) = cas {
            detail.push_str(&format!("; cas {c}"));
        }
        if let Ok(WriteOutcome {
            version: Some(v), ..
        }) = &r
        {
            detail.push_str(&format!("; new version {v}"));
        }
        self.record("kv.write", path, detail, &r);
        r
    }

    async fn patch(
        &self,
        path: &str,
        patch: &SecretPatch,
        cas: Option<u64>,
    ) -> Result<WriteOutcome> {
        let r = self.inner.patch(path, patch, cas).await;
        let mut parts: Vec<String> = [
            keys_text("set", patch.set_keys()),
            keys_text("removed", patch.removed_keys()),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
        if let Some(c) = cas {
            parts.push(format!("cas {c}"));
        }
        if let Ok(WriteOutcome {
            version: Some(v), ..
        }) = &r
        {
            parts.push(format!("new version {v}"));
        }
        self.record("kv.patch", path, parts.join("; "), &r);
        r
    }

    async fn versions(&self, path: &str) -> Result<Vec<SecretVersionInfo>> {
        self.inner.versions(path).await
    }

    async fn delete(&self, path: &str, versions: &[u64]) -> Result<()> {
        let r = self.inner.delete(path, versions).await;
        self.record("kv.delete", path, versions_text(versions), &r);
        r
    }

    async fn undelete(&self, path: &str, versions: &[u64]) -> Result<()> {
        let r = self.inner.undelete(path, versions).await;
        self.record("kv.undelete", path, versions_text(versions), &r);
        r
    }

    async fn destroy(&self, path: &str, versions: &[u64]) -> Result<()> {
        let r = self.inner.destroy(path, versions).await;
        self.record("kv.destroy", path, versions_text(versions), &r);
        r
    }

    async fn delete_metadata(&self, path: &str) -> Result<()> {
        let r = self.inner.delete_metadata(path).await;
        self.record("kv.metadata.delete", path, "all versions".to_owned(), &r);
        r
    }

    async fn write_metadata(&self, path: &str, update: &MetadataUpdate) -> Result<()> {
        let r = self.inner.write_metadata(path, update).await;
        let mut fields = Vec::new();
        if let Some(m) = update.max_versions {
            fields.push(format!("max_versions={m}"));
        }
        if let Some(c) = update.cas_required {
            fields.push(format!("cas_required={c}"));
        }
        if let Some(d) = &update.delete_version_after {
            fields.push(format!("delete_version_after={d}"));
        }
        if let Some(c) = &update.custom_metadata {
            fields.push(format!(
                "custom_metadata keys {}",
                c.keys().cloned().collect::<Vec<_>>().join(",")
            ));
        }
        self.record("kv.metadata.write", path, fields.join("; "), &r);
        r
    }

    async fn rollback(&self, path: &str, version: u64, cas: Option<u64>) -> Result<WriteOutcome> {
        let r = self.inner.rollback(path, version, cas).await;
        let mut detail = format!("to version {version}");
        if let Some(c) = cas {
            detail.push_str(&format!("; cas {c}"));
        }
        if let Ok(WriteOutcome {
            version: Some(v), ..
        }) = &r
        {
            detail.push_str(&format!("; new version {v}"));
        }
        self.record("kv.rollback", path, detail, &r);
        r
    }
}

/// The value of `key` in `data`, or `NotFound` naming the keys that exist (names only).
pub(crate) fn pick_key(path: &str, data: &SecretData, key: &str) -> Result<SecretString> {
    data.get(key)
        .map(SecretValue::to_secret_string)
        .ok_or_else(|| {
            crate::Error::NotFound(format!(
                "no key `{key}` in {path} (keys: {})",
                data.keys().collect::<Vec<_>>().join(", ")
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn data(pairs: &[(&str, &str)]) -> SecretData {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), SecretValue::string(*v)))
            .collect()
    }

    #[test]
    fn diff_names_keys_and_keeps_values_out_unless_asked() {
        let a = data(&[("user", "alice"), ("pass", "s3cr-one"), ("gone", "x")]);
        let b = data(&[("user", "alice"), ("pass", "s3cr-two"), ("new", "y")]);
        let d = diff(&a, &b, false);
        assert_eq!(d.added, ["new"]);
        assert_eq!(d.removed, ["gone"]);
        assert_eq!(d.changed, ["pass"]);
        assert_eq!(d.unchanged, ["user"]);
        assert!(d.values.is_none());
        assert!(!format!("{d:?}").contains("s3cr"));

        let d = diff(&a, &b, true);
        let v = d.values.as_ref().unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v["pass"].from.as_ref().unwrap().expose_secret(), "s3cr-one");
        assert_eq!(v["pass"].to.as_ref().unwrap().expose_secret(), "s3cr-two");
        assert!(v["new"].from.is_none() && v["gone"].to.is_none());
        let dbg = format!("{d:?}");
        assert!(!dbg.contains("s3cr"), "{dbg}");
        assert!(diff(&a, &a, false).is_empty());
    }

    #[test]
    fn a_number_and_its_string_differ() {
        let a: SecretData = [("n".to_string(), SecretValue::string("1"))]
            .into_iter()
            .collect();
        let b: SecretData = [(
            "n".to_string(),
            SecretValue::from_json(serde_json::json!(1)),
        )]
        .into_iter()
        .collect();
        assert_eq!(diff(&a, &b, false).changed, ["n"]);
    }

    #[test]
    fn missing_key_names_the_others_not_values() {
        let d = data(&[("user", "sentinel-v")]);
        let e = pick_key("secret/x", &d, "pass").unwrap_err();
        let m = e.to_string();
        assert!(m.contains("user") && !m.contains("sentinel"), "{m}");
    }
}
