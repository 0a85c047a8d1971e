//! One trait per capability a provider may offer (DESIGN.md §2). A provider implements what its
//! service supports; [`crate::Connection`] dispatches with an explicit `match` and answers
//! [`crate::Error::Unsupported`] for the rest.

use std::future::Future;

use secrecy::SecretString;
use vaultdeck_types::{Identity, MountInfo, SealInfo};

use crate::secrets::{
    MetadataUpdate, SecretData, SecretEntry, SecretKeys, SecretMeta, SecretPatch, SecretVersion,
    SecretVersionInfo, WriteOutcome,
};
use crate::Result;

/// Health, seal and HA state of the server behind a connection.
pub trait ClusterInfo {
    /// Seal status plus HA role of the node we talk to.
    fn seal_info(&self) -> impl Future<Output = Result<SealInfo>> + Send;
}

/// Mounts (secrets engines and auth methods) visible to the signed-in identity.
pub trait MountCatalog {
    /// The mounts, secret engines first, sorted by path.
    fn mounts(&self) -> impl Future<Output = Result<Vec<MountInfo>>> + Send;
}

/// The signed-in identity's token: look it up, renew it, revoke it.
pub trait TokenSession {
    /// Who we are: display name, policies, TTL.
    fn identity(&self) -> impl Future<Output = Result<Identity>> + Send;
    /// Renews the token; returns the fresh identity and the server's warnings (e.g. TTL capped).
    fn renew(&self) -> impl Future<Output = Result<(Identity, Vec<String>)>> + Send;
    /// Revokes the token (log out everywhere it is used).
    fn revoke(&self) -> impl Future<Output = Result<()>> + Send;
}

/// Browse, read and change secrets (KV v1/v2 on Vault and OpenBao). Paths are as the vault CLI
/// takes them: mount plus path (`secret/app/db`). Browsing ([`SecretStore::list`],
/// [`SecretStore::metadata`], [`SecretStore::subkeys`], [`SecretStore::versions`]) never reads
/// a value; [`SecretStore::read_key`] and [`SecretStore::read_all`] are the reveals.
///
/// Wrap an implementation in [`crate::secrets::Audited`] to record mutations and reveals.
pub trait SecretStore {
    /// Names directly under a folder (a mount root such as `secret` or `secret/`, or a folder
    /// such as `secret/app/`). An empty or missing folder is empty; a folder the identity may
    /// not list is an error with code `PermissionDenied`.
    fn list(&self, path: &str) -> impl Future<Output = Result<Vec<SecretEntry>>> + Send;
    /// Metadata and versions of a secret (`NotFound` when there is none). KV v1 has only the
    /// mount facts.
    fn metadata(&self, path: &str) -> impl Future<Output = Result<SecretMeta>> + Send;
    /// Key names of a version (latest when `None`) without reading any value. KV v1 cannot
    /// (it has no such endpoint): `Unsupported`.
    fn subkeys(
        &self,
        path: &str,
        version: Option<u64>,
    ) -> impl Future<Output = Result<SecretKeys>> + Send;
    /// Reveals one key's value (reads the version; the server audits a read).
    fn read_key(
        &self,
        path: &str,
        key: &str,
        version: Option<u64>,
    ) -> impl Future<Output = Result<SecretString>> + Send;
    /// Reveals every key of a version (latest when `None`).
    fn read_all(
        &self,
        path: &str,
        version: Option<u64>,
    ) -> impl Future<Output = Result<SecretVersion>> + Send;
    /// Writes a new version. With `cas`, only if the current version is `cas` (`0`: the
    /// secret must not exist), else `Conflict`. KV v1 takes no `cas`.
    fn write(
        &self,
        path: &str,
        data: &SecretData,
        cas: Option<u64>,
    ) -> impl Future<Output = Result<WriteOutcome>> + Send;
    /// Changes some keys without reading the others (JSON merge patch), with optional `cas`.
    fn patch(
        &self,
        path: &str,
        patch: &SecretPatch,
        cas: Option<u64>,
    ) -> impl Future<Output = Result<WriteOutcome>> + Send;
    /// Kept versions, oldest first.
    fn versions(&self, path: &str) -> impl Future<Output = Result<Vec<SecretVersionInfo>>> + Send;
    /// Soft-deletes `versions` (empty: the latest; on KV v1 deletes the value).
    fn delete(&self, path: &str, versions: &[u64]) -> impl Future<Output = Result<()>> + Send;
    /// Restores soft-deleted versions.
    fn undelete(&self, path: &str, versions: &[u64]) -> impl Future<Output = Result<()>> + Send;
    /// Destroys versions for good.
    fn destroy(&self, path: &str, versions: &[u64]) -> impl Future<Output = Result<()>> + Send;
    /// Deletes the secret with all its versions and metadata, for good.
    fn delete_metadata(&self, path: &str) -> impl Future<Output = Result<()>> + Send;
    /// Changes max_versions, cas_required, delete_version_after, custom_metadata.
    fn write_metadata(
        &self,
        path: &str,
        update: &MetadataUpdate,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Writes version `version`'s data as a new version, with `cas` (`None`: the current
    /// version, read just before). A deleted or destroyed version cannot be rolled back to.
    fn rollback(
        &self,
        path: &str,
        version: u64,
        cas: Option<u64>,
    ) -> impl Future<Output = Result<WriteOutcome>> + Send;
}

/// ACL policy administration (`sys/policies/acl/*`) and the server's own capability answers.
/// Implemented in [`crate::policies`]; validation, CAS and audit live in
/// [`crate::policies::save`] and [`crate::policies::delete`].
pub trait PolicyAdmin {
    /// ACL policy names, sorted.
    fn list_policies(&self) -> impl Future<Output = Result<Vec<String>>> + Send;
    /// One policy's text plus version / cas_required / modified when the server has them.
    fn read_policy(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<vaultdeck_types::PolicyDocument>> + Send;
    /// Writes a policy; with `cas` only if its current version is `cas` (`0`: must not
    /// exist), else an error with code `Conflict` and no change.
    fn write_policy(
        &self,
        name: &str,
        text: &str,
        cas: Option<u64>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Deletes a policy.
    fn delete_policy(&self, name: &str) -> impl Future<Output = Result<()>> + Send;
    /// Token and identity policies of a token (by accessor; `None`: our own token).
    fn token_policies(
        &self,
        accessor: Option<&str>,
    ) -> impl Future<Output = Result<Vec<String>>> + Send;
    /// The server's `sys/capabilities-self` (or `-accessor`) answer per path, sorted.
    fn server_capabilities(
        &self,
        accessor: Option<&str>,
        paths: &[String],
    ) -> impl Future<Output = Result<std::collections::BTreeMap<String, Vec<String>>>> + Send;
}
