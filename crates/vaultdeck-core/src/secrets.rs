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

use futures::stream::{FuturesUnordered, StreamExt};
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;
use vaultdeck_types::{
    ErrorCode, KeyNameHit, KeySearchBatch, KeySearchProgress, KeySearchReport, SecretReadCommands,
};
use vaultdeck_vault::kv::{KvLookup, KvVersion};

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

// ------------------------------------------------------------------- create, copy, namespaces

/// What [`Audited::create`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// The secret was written.
    Written(WriteOutcome),
    /// A secret already exists at this (full) path; nothing was written.
    AlreadyExists(String),
}

impl<S: SecretStore + Sync> Audited<S> {
    /// Reveals every key of a version as one JSON object (for the clipboard), recorded as a
    /// `kv.reveal` of all keys "copied as JSON". Returns the JSON and the version read.
    pub async fn reveal_json(
        &self,
        path: &str,
        version: Option<u64>,
    ) -> Result<(SecretString, SecretVersion)> {
        let r = self.inner.read_all(path, version).await;
        let detail = match &r {
            Ok(s) => format!(
                "all keys ({}){} copied as JSON",
                s.data.keys().collect::<Vec<_>>().join(","),
                s.version
                    .map(|v| format!(", version {v}"))
                    .unwrap_or_default()
            ),
            Err(_) => "all keys, to copy as JSON".to_owned(),
        };
        self.record("kv.reveal", path, detail, &r);
        let s = r?;
        Ok((s.data.to_json_secret(), s))
    }
}

impl Audited<Connection> {
    /// Creates a secret that must not exist yet, recorded as `kv.create`. KV v2 writes with
    /// `cas=0`, so the server refuses if one exists (even one created a moment ago by someone
    /// else). KV v1 has no CAS: the parent folder is listed first (no value read) and the write
    /// happens only if the name is absent; when the folder may not be listed, a read decides.
    pub async fn create(&self, path: &str, data: &SecretData) -> Result<Created> {
        let r = self.create_unaudited(path, data).await;
        let mut detail = keys_text("keys", data.keys());
        match &r {
            Ok(Created::Written(WriteOutcome {
                version: Some(v), ..
            })) => detail.push_str(&format!("; version {v}")),
            Ok(Created::AlreadyExists(_)) => detail.push_str("; already exists, nothing written"),
            _ => {}
        }
        self.record("kv.create", path, detail, &r);
        r
    }

    async fn create_unaudited(&self, path: &str, data: &SecretData) -> Result<Created> {
        if data.is_empty() {
            return Err(crate::Error::InvalidInput(
                "add at least one key to the new secret".into(),
            ));
        }
        if data.keys().any(|k| k.trim().is_empty()) {
            return Err(crate::Error::InvalidInput("every key needs a name".into()));
        }
        let Connection::Vault(v) = &self.inner else {
            return Err(crate::Error::Unsupported(
                "this needs a Vault / OpenBao KV connection".into(),
            ));
        };
        let (kv, rel) = v.kv(path).await?;
        let rel = rel.trim_start_matches('/').to_owned();
        vaultdeck_types::validate_secret_name(&rel)
            .map_err(|m| crate::Error::InvalidInput(format!("{path}: {m}")))?;
        let full = kv.full_path(&rel);
        match kv.version() {
            KvVersion::V2 => match kv.write(&rel, data, Some(0)).await {
                Ok(m) => Ok(Created::Written(WriteOutcome {
                    path: full,
                    version: m.map(|m| m.version),
                })),
                Err(e) if e.code() == ErrorCode::Conflict => Ok(Created::AlreadyExists(full)),
                Err(e) => Err(e.into()),
            },
            KvVersion::V1 => {
                let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
                let exists = match kv.list(parent).await {
                    Ok(names) => names.iter().any(|n| n == name),
                    Err(e) if e.code() == ErrorCode::PermissionDenied => {
                        !matches!(kv.read(&rel, None).await?, KvLookup::Missing)
                    }
                    Err(e) => return Err(e.into()),
                };
                if exists {
                    return Ok(Created::AlreadyExists(full));
                }
                kv.write(&rel, data, None).await?;
                Ok(Created::Written(WriteOutcome {
                    path: full,
                    version: None,
                }))
            }
        }
    }

    /// The commands that read `path` with the vault CLI and with curl (see [`read_commands`]).
    pub async fn read_commands(&self, path: &str) -> Result<SecretReadCommands> {
        let Connection::Vault(v) = &self.inner else {
            return Err(crate::Error::Unsupported(
                "this needs a Vault / OpenBao KV connection".into(),
            ));
        };
        let (kv, rel) = v.kv(path).await?;
        Ok(read_commands(
            v.client().address(),
            v.client().namespace(),
            kv.mount(),
            &rel,
            kv.version(),
        ))
    }

    /// Searches key names inside every secret under `path` (a walk, then the key names of each
    /// secret, 8 at a time), streaming hits. KV v2 reads only key names (`subkeys`); KV v1 has
    /// no such endpoint, so each secret's values are read (and dropped at once):
    /// [`KeySearchReport::values_read`] says so. Recorded once as `kv.search.keys` with the
    /// number of secrets read. Stops as soon as `cancel` fires.
    pub async fn search_key_names<F: FnMut(KeySearchBatch) + Send>(
        &self,
        path: &str,
        query: &str,
        cancel: &CancellationToken,
        mut on_batch: F,
    ) -> Result<KeySearchReport> {
        let started = std::time::Instant::now();
        let needle = query.trim().to_lowercase();
        let mut progress = KeySearchProgress::default();
        let r = async {
            if needle.is_empty() {
                return Err(crate::Error::InvalidInput(
                    "type part of a key name to search for".into(),
                ));
            }
            let Connection::Vault(v) = &self.inner else {
                return Err(crate::Error::Unsupported(
                    "this needs a Vault / OpenBao KV connection".into(),
                ));
            };
            let (kv, _) = v.kv(path).await?;
            let values_read = kv.version() == KvVersion::V1;
            let mut paths = Vec::new();
            let opts = crate::walk::WalkOptions::default();
            let walked = crate::walk::walk(&self.inner, path, &opts, cancel, |b| {
                progress.secrets_found += b.keys.len() as u64;
                paths.extend(b.keys);
                on_batch(KeySearchBatch {
                    hits: Vec::new(),
                    progress,
                });
            })
            .await?;
            let mut cancelled = walked.cancelled;
            paths.sort_unstable();
            let mut queue = paths.into_iter();
            let mut in_flight = FuturesUnordered::new();
            let mut last = std::time::Instant::now();
            let mut hits = Vec::new();
            while !cancelled {
                while in_flight.len() < 8 {
                    let Some(p) = queue.next() else { break };
                    in_flight.push(self.key_names(p, values_read));
                }
                let done = tokio::select! {
                    biased;
                    _ = cancel.cancelled() => { cancelled = true; None }
                    d = in_flight.next() => d,
                };
                let Some((p, keys)) = done else { break };
                match keys {
                    Ok(keys) => {
                        progress.secrets_read += 1;
                        let matched: Vec<String> = keys
                            .into_iter()
                            .filter(|k| k.to_lowercase().contains(&needle))
                            .collect();
                        if !matched.is_empty() {
                            progress.matches += 1;
                            hits.push(KeyNameHit {
                                path: p,
                                keys: matched,
                            });
                        }
                    }
                    Err(e)
                        if matches!(
                            e.code(),
                            ErrorCode::PermissionDenied | ErrorCode::NotFound
                        ) =>
                    {
                        progress.unreadable += 1;
                    }
                    Err(e) => return Err(e),
                }
                if hits.len() >= 64 || last.elapsed() >= std::time::Duration::from_millis(50) {
                    last = std::time::Instant::now();
                    on_batch(KeySearchBatch {
                        hits: std::mem::take(&mut hits),
                        progress,
                    });
                }
            }
            on_batch(KeySearchBatch { hits, progress });
            Ok(KeySearchReport {
                root: path.to_owned(),
                progress,
                values_read,
                cancelled,
                elapsed_ms: started.elapsed().as_millis() as u64,
            })
        }
        .await;
        let mut detail = format!(
            "key names containing \"{}\"; {} secrets read ({})",
            query.trim(),
            progress.secrets_read,
            match &r {
                Ok(rep) if rep.values_read => "KV v1: values read to learn key names",
                _ => "key names only",
            }
        );
        if let Ok(rep) = &r {
            detail.push_str(&format!("; {} matched", rep.progress.matches));
            if rep.cancelled {
                detail.push_str("; cancelled");
            }
        }
        self.record("kv.search.keys", path, detail, &r);
        r
    }

    async fn key_names(&self, path: String, values_read: bool) -> (String, Result<Vec<String>>) {
        let r = if values_read {
            self.inner
                .read_all(&path, None)
                .await
                .map(|s| s.data.keys().map(str::to_owned).collect())
        } else {
            self.inner.subkeys(&path, None).await.map(|k| k.keys)
        };
        (path, r)
    }
}

/// The connection browsing namespace `namespace` (relative to the connection's own; `""` =
/// the connection itself): every request carries the joined `X-Vault-Namespace`.
pub fn in_namespace(conn: &Connection, namespace: &str) -> Connection {
    let ns = namespace.trim_matches('/');
    if ns.is_empty() {
        return conn.clone();
    }
    match conn {
        Connection::Vault(v) => {
            let full = join_namespace(v.client().namespace(), ns);
            Connection::Vault(v.with_namespace(&full))
        }
        // Other providers have no namespaces.
        #[allow(unreachable_patterns)]
        other => other.clone(),
    }
}

fn join_namespace(base: &str, child: &str) -> String {
    let (base, child) = (base.trim_matches('/'), child.trim_matches('/'));
    match (base.is_empty(), child.is_empty()) {
        (true, _) => child.to_owned(),
        (false, true) => base.to_owned(),
        (false, false) => format!("{base}/{child}"),
    }
}

/// Namespaces below the connection's own, at any depth (`team-a`, `team-a/sub`), relative to
/// it and sorted: `LIST sys/namespaces` in each namespace found (OpenBao; at most 500). A
/// namespace the token may not list is skipped and named in the returned note; a server
/// without namespaces (Vault OSS) has none.
pub async fn list_namespaces(conn: &Connection) -> Result<(Vec<String>, Option<String>)> {
    let Connection::Vault(v) = conn else {
        // Other providers have no namespaces.
        return Ok((Vec::new(), None));
    };
    let base = v.client().namespace().to_owned();
    let mut found = Vec::new();
    let mut denied = Vec::new();
    let mut queue = std::collections::VecDeque::from([String::new()]);
    while let Some(rel) = queue.pop_front() {
        let client = v.client().with_namespace(&join_namespace(&base, &rel));
        match client.list("sys/namespaces").await {
            Ok(keys) => {
                for k in keys {
                    let child = join_namespace(&rel, &k);
                    if found.len() < 500 {
                        found.push(child.clone());
                        queue.push_back(child);
                    }
                }
            }
            Err(e)
                if matches!(
                    e.code(),
                    ErrorCode::PermissionDenied | ErrorCode::NotFound | ErrorCode::Unsupported
                ) =>
            {
                if rel.is_empty() && e.code() != ErrorCode::PermissionDenied {
                    // No namespaces on this server.
                    return Ok((Vec::new(), None));
                }
                denied.push(if rel.is_empty() {
                    "(this namespace)".to_owned()
                } else {
                    rel
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    found.sort();
    let note = (!denied.is_empty()).then(|| {
        format!(
            "the token may not list the namespaces inside: {}",
            denied.join(", ")
        )
    });
    Ok((found, note))
}

/// The vault CLI and curl commands that read `rel` in `mount` on `address`, with the
/// namespace when not empty. Neither contains a token: the CLI reads `VAULT_TOKEN`, curl sends
/// `$VAULT_TOKEN`. KV v2 reads `<mount>/data/<path>`, KV v1 `<mount>/<path>`.
pub fn read_commands(
    address: &str,
    namespace: &str,
    mount: &str,
    rel: &str,
    version: KvVersion,
) -> SecretReadCommands {
    let mount = mount.trim_matches('/');
    let rel = rel.trim_matches('/');
    let address = address.trim_end_matches('/');
    let ns = namespace.trim_matches('/');
    let mut cli = format!("VAULT_ADDR={} vault kv get", sh_quote(address));
    if !ns.is_empty() {
        cli.push_str(&format!(" -namespace={}", sh_quote(ns)));
    }
    cli.push_str(&format!(" -mount={} {}", sh_quote(mount), sh_quote(rel)));
    let (mount_url, rel_url) = (url_path(mount), url_path(rel));
    let api = match version {
        KvVersion::V2 => format!("{address}/v1/{mount_url}/data/{rel_url}"),
        KvVersion::V1 => format!("{address}/v1/{mount_url}/{rel_url}"),
    };
    let mut curl = "curl -sS -H \"X-Vault-Token: $VAULT_TOKEN\"".to_owned();
    if !ns.is_empty() {
        curl.push_str(&format!(
            " -H {}",
            sh_quote(&format!("X-Vault-Namespace: {ns}"))
        ));
    }
    curl.push_str(&format!(" {}", sh_quote(&api)));
    SecretReadCommands { cli, curl }
}

/// Percent-encodes each `/`-separated segment of `path` for a URL (RFC 3986: everything but
/// the unreserved characters), so a path with spaces, `#`, `?` or `%` reaches the server as is.
fn url_path(path: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    path.split('/')
        .map(|seg| utf8_percent_encode(seg, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Quotes `s` for a POSIX shell when it holds anything but safe characters.
fn sh_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if safe {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
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
    fn read_commands_use_the_token_variable_and_the_namespace() {
        let c = read_commands(
            "http://127.0.0.1:8200/",
            "",
            "secret/",
            "app/db",
            KvVersion::V2,
        );
        assert_eq!(
            c.cli,
            "VAULT_ADDR=http://127.0.0.1:8200 vault kv get -mount=secret app/db"
        );
        assert_eq!(
            c.curl,
            "curl -sS -H \"X-Vault-Token: $VAULT_TOKEN\" http://127.0.0.1:8200/v1/secret/data/app/db"
        );
        let c = read_commands(
            "https://v:8200",
            "team-a/sub",
            "kv1",
            "team/a b",
            KvVersion::V1,
        );
        assert_eq!(
            c.cli,
            "VAULT_ADDR=https://v:8200 vault kv get -namespace=team-a/sub -mount=kv1 'team/a b'"
        );
        assert_eq!(
            c.curl,
            "curl -sS -H \"X-Vault-Token: $VAULT_TOKEN\" -H 'X-Vault-Namespace: team-a/sub' https://v:8200/v1/kv1/team/a%20b"
        );
        assert_eq!(url_path("a b/c#d?e%f/ü~x"), "a%20b/c%23d%3Fe%25f/%C3%BC~x");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn namespaces_join() {
        assert_eq!(join_namespace("", "a"), "a");
        assert_eq!(join_namespace("a/", "/b/"), "a/b");
        assert_eq!(join_namespace("a", ""), "a");
    }

    #[test]
    fn missing_key_names_the_others_not_values() {
        let d = data(&[("user", "sentinel-v")]);
        let e = pick_key("secret/x", &d, "pass").unwrap_err();
        let m = e.to_string();
        assert!(m.contains("user") && !m.contains("sentinel"), "{m}");
    }
}
