//! The closed set of providers. The app holds one [`Connection`] per open profile and
//! dispatches with `match`; capabilities a provider lacks answer [`Error::Unsupported`].

use std::sync::{Arc, Mutex};

use secrecy::SecretString;
use vaultdeck_types::{
    Capability, Identity, MountClass, MountInfo, Profile, ProfileKind, SealInfo, VaultAuth,
    VaultProfile,
};
use vaultdeck_vault::kv::{Kv, KvLookup, KvMetadata, KvVersion};
use vaultdeck_vault::{VaultClient, VaultConfig};

use crate::aws::AwsConnection;
use crate::azure::AzureConnection;
use crate::capability::{ClusterInfo, MountCatalog, SecretStore, TokenSession};
use crate::secrets::{
    pick_key, MetadataUpdate, SecretData, SecretEntry, SecretKeys, SecretMeta, SecretPatch,
    SecretVersion, SecretVersionInfo, VersionState, WriteOutcome,
};
use crate::{Error, Result};

/// An open, signed-in connection.
#[derive(Clone)]
pub enum Connection {
    /// HashiCorp Vault or OpenBao.
    Vault(VaultConnection),
    /// AWS Secrets Manager (one region, one identity).
    Aws(AwsConnection),
    /// Azure Key Vault (one vault).
    Azure(AzureConnection),
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Connection::Vault(v) => write!(f, "Connection::Vault({})", v.client.address()),
            Connection::Aws(a) => write!(f, "Connection::Aws({})", a.client().region()),
            Connection::Azure(z) => write!(f, "Connection::Azure({})", z.vault().vault_url()),
        }
    }
}

impl Connection {
    /// Signs in with `profile` and `credential` (token, password or secret_id by auth method).
    pub async fn open(profile: &Profile, credential: SecretString) -> Result<Self> {
        match &profile.kind {
            ProfileKind::Vault(v) => Ok(Connection::Vault(
                VaultConnection::open(v, credential).await?,
            )),
            ProfileKind::Aws(a) => Ok(Connection::Aws(
                AwsConnection::open(a, Some(credential)).await?,
            )),
            ProfileKind::Azure(z) => Ok(Connection::Azure(
                AzureConnection::open(&profile.id, z, Some(credential), None, None).await?,
            )),
        }
    }

    /// What this connection can do; the UI shows screens accordingly.
    pub fn capabilities(&self) -> Vec<Capability> {
        match self {
            Connection::Vault(_) => vec![
                Capability::ClusterInfo,
                Capability::Mounts,
                Capability::Secrets,
                Capability::Policies,
                Capability::Rotations,
            ],
            // The shared Vault screens do not apply; the AWS screen is chosen by provider.
            Connection::Aws(_) => Vec::new(),
            // Likewise: the Azure screen is chosen by provider.
            Connection::Azure(_) => Vec::new(),
        }
    }

    /// Seal/HA state, when the provider has one.
    pub async fn seal_info(&self) -> Result<Option<SealInfo>> {
        match self {
            Connection::Vault(v) => v.seal_info().await.map(Some),
            Connection::Aws(_) => Ok(None),
            Connection::Azure(_) => Ok(None),
        }
    }

    /// Mounts visible to the identity.
    pub async fn mounts(&self) -> Result<Vec<MountInfo>> {
        match self {
            Connection::Vault(v) => v.mounts().await,
            Connection::Aws(a) => Err(a.unsupported("mounts")),
            Connection::Azure(z) => Err(z.unsupported("mounts")),
        }
    }

    /// Current identity.
    pub async fn identity(&self) -> Result<Identity> {
        match self {
            Connection::Vault(v) => v.identity().await,
            Connection::Aws(a) => Ok(a.identity()),
            Connection::Azure(z) => Ok(z.identity()),
        }
    }

    /// Renews the session's token.
    pub async fn renew(&self) -> Result<(Identity, Vec<String>)> {
        match self {
            Connection::Vault(v) => v.renew().await,
            Connection::Aws(a) => Err(a.unsupported("token renewals")),
            Connection::Azure(z) => Err(z.unsupported("token renewals")),
        }
    }

    /// Revokes the session's token.
    pub async fn revoke(&self) -> Result<()> {
        match self {
            Connection::Vault(v) => v.revoke().await,
            Connection::Aws(a) => Err(a.unsupported("token revocations")),
            Connection::Azure(z) => Err(z.unsupported("token revocations")),
        }
    }
}

/// A signed-in Vault / OpenBao client.
#[derive(Clone)]
pub struct VaultConnection {
    client: VaultClient,
    /// KV mounts already detected (path with trailing slash, version); mounts cannot nest, so
    /// a path under a known mount needs no lookup.
    kv_mounts: Arc<Mutex<Vec<(String, KvVersion)>>>,
}

impl VaultConnection {
    /// Builds the client from the profile and signs in with the profile's auth method.
    pub async fn open(profile: &VaultProfile, credential: SecretString) -> Result<Self> {
        let client = VaultClient::new(vault_config(profile)?)?;
        let client = match &profile.auth {
            VaultAuth::Token => client.with_token(credential),
            VaultAuth::Userpass { username, mount } => {
                let auth = client.login_userpass(mount, username, &credential).await?;
                client.with_token(auth.client_token)
            }
            VaultAuth::AppRole { role_id, mount } => {
                let auth = client.login_approle(mount, role_id, &credential).await?;
                client.with_token(auth.client_token)
            }
        };
        let conn = Self::from_client(client);
        // Prove the token works before calling the connection open.
        conn.identity().await?;
        Ok(conn)
    }

    /// The underlying client (for provider-specific screens).
    pub fn client(&self) -> &VaultClient {
        &self.client
    }

    /// A connection over an already authenticated client (tests, benches, tools).
    pub fn from_client(client: VaultClient) -> Self {
        Self {
            client,
            kv_mounts: Arc::default(),
        }
    }

    /// The same sign-in, sending `namespace` as `X-Vault-Namespace` (empty = root): for
    /// browsing another namespace with a token that may.
    pub fn with_namespace(&self, namespace: &str) -> Self {
        Self::from_client(self.client.with_namespace(namespace))
    }

    /// The KV mount serving `path` (`secret/app/db`) and the path relative to it (`app/db`).
    /// Detected once per mount (`sys/internal/ui/mounts/<path>`), then cached.
    pub async fn kv(&self, path: &str) -> Result<(Kv, String)> {
        let p = path.trim_start_matches('/');
        let known = lock(&self.kv_mounts)
            .iter()
            .find(|(m, _)| p.starts_with(m.as_str()) || p == m.trim_end_matches('/'))
            .cloned();
        if let Some((mount, version)) = known {
            let kv = Kv::new(self.client.clone(), &mount, version);
            let rel = kv.relative(p).to_owned();
            return Ok((kv, rel));
        }
        let (kv, rel) = Kv::open(&self.client, p).await?;
        lock(&self.kv_mounts).push((kv.mount().to_owned(), kv.version()));
        Ok((kv, rel))
    }
}

/// Turns a profile into client settings, reading the CA bundle.
pub fn vault_config(profile: &VaultProfile) -> Result<VaultConfig> {
    let ca_cert_pem = match profile.ca_cert.as_deref().filter(|c| !c.is_empty()) {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| Error::InvalidInput(format!("cannot read CA bundle {path}: {e}")))?,
        ),
        None => None,
    };
    Ok(VaultConfig {
        address: profile.address.trim_end_matches('/').to_owned(),
        namespace: profile.namespace.clone(),
        ca_cert_pem,
        tls_verify: profile.tls_verify,
        timeout: std::time::Duration::from_secs(30),
    })
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl ClusterInfo for VaultConnection {
    async fn seal_info(&self) -> Result<SealInfo> {
        let seal = self.client.seal_status().await?;
        let leader = if seal.sealed {
            None
        } else {
            self.client.leader().await.ok()
        };
        Ok(seal.seal_info(leader.as_ref()))
    }
}

impl MountCatalog for VaultConnection {
    async fn mounts(&self) -> Result<Vec<MountInfo>> {
        let mut mounts: Vec<MountInfo> = self
            .client
            .ui_mounts()
            .await?
            .into_iter()
            .map(|m| MountInfo::from(&m))
            .collect();
        mounts.sort_by(|a, b| {
            (a.class == MountClass::Auth, &a.path).cmp(&(b.class == MountClass::Auth, &b.path))
        });
        Ok(mounts)
    }
}

impl TokenSession for VaultConnection {
    async fn identity(&self) -> Result<Identity> {
        Ok(self.client.lookup_self().await?.identity(now_unix()))
    }

    async fn renew(&self) -> Result<(Identity, Vec<String>)> {
        let auth = self.client.renew_self(None).await?;
        Ok((self.identity().await?, auth.warnings))
    }

    async fn revoke(&self) -> Result<()> {
        Ok(self.client.revoke_self().await?)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn not_found(path: &str) -> Error {
    Error::NotFound(format!("no secret at {path}"))
}

fn version_infos(meta: &KvMetadata, now: time::OffsetDateTime) -> Vec<SecretVersionInfo> {
    meta.versions
        .iter()
        .map(|(v, info)| SecretVersionInfo {
            version: *v,
            created_time: info.created_time.clone(),
            deletion_time: info.deletion_time.clone(),
            state: info.state(now),
        })
        .collect()
}

impl VaultConnection {
    /// Reads a live version's data (a reveal). Deleted/destroyed/missing are `NotFound` with
    /// a message saying which.
    async fn read_version(&self, path: &str, version: Option<u64>) -> Result<SecretVersion> {
        let (kv, rel) = self.kv(path).await?;
        let at = version
            .map(|v| format!("version {v} of "))
            .unwrap_or_default();
        match kv.read(&rel, version).await? {
            KvLookup::Found(s) => Ok(SecretVersion {
                path: kv.full_path(&rel),
                version: s.metadata.map(|m| m.version),
                data: s.data,
            }),
            KvLookup::Deleted(m) => Err(Error::NotFound(format!(
                "{at}{path} (version {}) is deleted; undelete it to read it",
                m.version
            ))),
            KvLookup::Destroyed(m) => Err(Error::NotFound(format!(
                "{at}{path} (version {}) was destroyed; its data is gone",
                m.version
            ))),
            KvLookup::Missing => Err(Error::NotFound(format!("no {at}{path}"))),
        }
    }
}

impl SecretStore for VaultConnection {
    async fn list(&self, path: &str) -> Result<Vec<SecretEntry>> {
        let (kv, rel) = self.kv(path).await?;
        let folder = rel.trim_matches('/');
        let prefix = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        Ok(kv
            .list(folder)
            .await?
            .into_iter()
            .map(|name| SecretEntry {
                path: kv.full_path(&format!("{prefix}{name}")),
                is_folder: name.ends_with('/'),
                name,
            })
            .collect())
    }

    async fn metadata(&self, path: &str) -> Result<SecretMeta> {
        let (kv, rel) = self.kv(path).await?;
        let base = SecretMeta {
            path: kv.full_path(&rel),
            mount: kv.mount().to_owned(),
            kv_version: kv.version().number(),
            current_version: None,
            oldest_version: None,
            max_versions: None,
            cas_required: false,
            delete_version_after: None,
            custom_metadata: Default::default(),
            created_time: None,
            updated_time: None,
            versions: Vec::new(),
        };
        if kv.version() == KvVersion::V1 {
            return Ok(base);
        }
        let m = kv.metadata(&rel).await?.ok_or_else(|| not_found(path))?;
        Ok(SecretMeta {
            current_version: Some(m.current_version),
            oldest_version: Some(m.oldest_version),
            max_versions: Some(m.max_versions),
            cas_required: m.cas_required,
            delete_version_after: Some(m.delete_version_after.clone()),
            versions: version_infos(&m, time::OffsetDateTime::now_utc()),
            created_time: Some(m.created_time),
            updated_time: Some(m.updated_time),
            custom_metadata: m.custom_metadata,
            ..base
        })
    }

    async fn subkeys(&self, path: &str, version: Option<u64>) -> Result<SecretKeys> {
        let (kv, rel) = self.kv(path).await?;
        if kv.version() == KvVersion::V1 {
            return Err(Error::Unsupported(format!(
                "{path} is in a KV v1 mount, which cannot list key names without reading the \
                 values; reveal the secret to see them"
            )));
        }
        let full = kv.full_path(&rel);
        let (version, state, keys) = match kv.subkeys(&rel, version).await? {
            KvLookup::Found(s) => (s.metadata.version, VersionState::Live, s.subkeys.keys()),
            KvLookup::Deleted(m) => (m.version, VersionState::Deleted, Vec::new()),
            KvLookup::Destroyed(m) => (m.version, VersionState::Destroyed, Vec::new()),
            KvLookup::Missing => return Err(not_found(path)),
        };
        Ok(SecretKeys {
            path: full,
            version,
            state,
            keys,
        })
    }

    async fn read_key(&self, path: &str, key: &str, version: Option<u64>) -> Result<SecretString> {
        let s = self.read_version(path, version).await?;
        pick_key(&s.path, &s.data, key)
    }

    async fn read_all(&self, path: &str, version: Option<u64>) -> Result<SecretVersion> {
        self.read_version(path, version).await
    }

    async fn write(&self, path: &str, data: &SecretData, cas: Option<u64>) -> Result<WriteOutcome> {
        let (kv, rel) = self.kv(path).await?;
        let v = kv.write(&rel, data, cas).await?;
        Ok(WriteOutcome {
            path: kv.full_path(&rel),
            version: v.map(|m| m.version),
        })
    }

    async fn patch(
        &self,
        path: &str,
        patch: &SecretPatch,
        cas: Option<u64>,
    ) -> Result<WriteOutcome> {
        let (kv, rel) = self.kv(path).await?;
        let v = kv.patch(&rel, patch, cas).await?;
        Ok(WriteOutcome {
            path: kv.full_path(&rel),
            version: Some(v.version),
        })
    }

    async fn versions(&self, path: &str) -> Result<Vec<SecretVersionInfo>> {
        let (kv, rel) = self.kv(path).await?;
        let m = kv.metadata(&rel).await?.ok_or_else(|| not_found(path))?;
        Ok(version_infos(&m, time::OffsetDateTime::now_utc()))
    }

    async fn delete(&self, path: &str, versions: &[u64]) -> Result<()> {
        let (kv, rel) = self.kv(path).await?;
        if versions.is_empty() {
            kv.delete_latest(&rel).await?;
        } else {
            kv.delete_versions(&rel, versions).await?;
        }
        Ok(())
    }

    async fn undelete(&self, path: &str, versions: &[u64]) -> Result<()> {
        let (kv, rel) = self.kv(path).await?;
        Ok(kv.undelete(&rel, versions).await?)
    }

    async fn destroy(&self, path: &str, versions: &[u64]) -> Result<()> {
        let (kv, rel) = self.kv(path).await?;
        Ok(kv.destroy(&rel, versions).await?)
    }

    async fn delete_metadata(&self, path: &str) -> Result<()> {
        let (kv, rel) = self.kv(path).await?;
        Ok(kv.delete_metadata(&rel).await?)
    }

    async fn write_metadata(&self, path: &str, update: &MetadataUpdate) -> Result<()> {
        let (kv, rel) = self.kv(path).await?;
        Ok(kv.write_metadata(&rel, update).await?)
    }

    async fn rollback(&self, path: &str, version: u64, cas: Option<u64>) -> Result<WriteOutcome> {
        let (kv, rel) = self.kv(path).await?;
        if kv.version() == KvVersion::V1 {
            return Err(Error::Unsupported(format!(
                "{path} is in a KV v1 mount, which keeps no versions to roll back to"
            )));
        }
        let old = self.read_version(path, Some(version)).await?;
        let cas = match cas {
            Some(c) => c,
            None => {
                kv.metadata(&rel)
                    .await?
                    .ok_or_else(|| not_found(path))?
                    .current_version
            }
        };
        self.write(path, &old.data, Some(cas)).await
    }
}

impl SecretStore for Connection {
    async fn list(&self, path: &str) -> Result<Vec<SecretEntry>> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.list(path).await,
        }
    }

    async fn metadata(&self, path: &str) -> Result<SecretMeta> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.metadata(path).await,
        }
    }

    async fn subkeys(&self, path: &str, version: Option<u64>) -> Result<SecretKeys> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.subkeys(path, version).await,
        }
    }

    async fn read_key(&self, path: &str, key: &str, version: Option<u64>) -> Result<SecretString> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.read_key(path, key, version).await,
        }
    }

    async fn read_all(&self, path: &str, version: Option<u64>) -> Result<SecretVersion> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.read_all(path, version).await,
        }
    }

    async fn write(&self, path: &str, data: &SecretData, cas: Option<u64>) -> Result<WriteOutcome> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.write(path, data, cas).await,
        }
    }

    async fn patch(
        &self,
        path: &str,
        patch: &SecretPatch,
        cas: Option<u64>,
    ) -> Result<WriteOutcome> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.patch(path, patch, cas).await,
        }
    }

    async fn versions(&self, path: &str) -> Result<Vec<SecretVersionInfo>> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.versions(path).await,
        }
    }

    async fn delete(&self, path: &str, versions: &[u64]) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.delete(path, versions).await,
        }
    }

    async fn undelete(&self, path: &str, versions: &[u64]) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.undelete(path, versions).await,
        }
    }

    async fn destroy(&self, path: &str, versions: &[u64]) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.destroy(path, versions).await,
        }
    }

    async fn delete_metadata(&self, path: &str) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.delete_metadata(path).await,
        }
    }

    async fn write_metadata(&self, path: &str, update: &MetadataUpdate) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.write_metadata(path, update).await,
        }
    }

    async fn rollback(&self, path: &str, version: u64, cas: Option<u64>) -> Result<WriteOutcome> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Azure(z) => Err(z.unsupported("KV secrets (paths and numbered versions)")),
            Connection::Vault(v) => v.rollback(path, version, cas).await,
        }
    }
}
