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

/// Leases of dynamic secrets (`sys/leases/*`): list per prefix, look up, renew, revoke.
/// Implemented in [`crate::leases`], which builds the inventory, dashboard and audited actions
/// on top.
pub trait LeaseAdmin {
    /// Names directly under a lease prefix (`""` = root; folders end in `/`), not recursive.
    /// Without `sudo` on `sys/leases/lookup`: `PermissionDenied` naming the policy line.
    fn list_lease_prefix(&self, prefix: &str) -> impl Future<Output = Result<Vec<String>>> + Send;
    /// One lease's details (`NotFound` when unknown, expired or revoked).
    fn lookup_lease(
        &self,
        lease_id: &str,
    ) -> impl Future<Output = Result<vaultdeck_vault::leases::LeaseInfo>> + Send;
    /// Renews a lease by `increment` seconds (`None`: the default); warnings say when capped.
    fn renew_lease(
        &self,
        lease_id: &str,
        increment: Option<u64>,
    ) -> impl Future<Output = Result<vaultdeck_vault::leases::LeaseRenewal>> + Send;
    /// Revokes one lease; `sync: false` lets the server do it in the background.
    fn revoke_lease(&self, lease_id: &str, sync: bool) -> impl Future<Output = Result<()>> + Send;
    /// Revokes every lease under a prefix.
    fn revoke_lease_prefix(&self, prefix: &str) -> impl Future<Output = Result<()>> + Send;
    /// Forgets every lease under a prefix even if the backend cannot revoke it: backend
    /// objects (database users) are left behind.
    fn revoke_lease_force(&self, prefix: &str) -> impl Future<Output = Result<()>> + Send;
    /// Irrevocable leases, where the server can count them.
    fn irrevocable_lease_count(&self) -> impl Future<Output = Result<Option<u64>>> + Send;
    /// Accessors of every token (root or `sudo` on `auth/token/accessors`).
    fn list_token_accessors(&self) -> impl Future<Output = Result<Vec<String>>> + Send;
    /// A token's details by accessor (`NotFound` when revoked or unknown).
    fn lookup_token_accessor(
        &self,
        accessor: &str,
    ) -> impl Future<Output = Result<vaultdeck_vault::TokenInfo>> + Send;
    /// Revokes a token (and its children) by accessor.
    fn revoke_token_accessor(&self, accessor: &str) -> impl Future<Output = Result<()>> + Send;
    /// Issues dynamic database credentials (`{mount}/creds/{role}`).
    fn db_credentials(
        &self,
        mount: &str,
        role: &str,
    ) -> impl Future<Output = Result<vaultdeck_vault::leases::DbCredentials>> + Send;
}

/// Break-glass operations on the node a connection talks to: seal state, unseal with key
/// shares, emergency seal, generate-root detection. Implemented in [`crate::breakglass`],
/// which adds the audited [`crate::breakglass::BreakGlassSession`] on top.
pub trait BreakGlass {
    /// Seal and health state of the node; never fails (an unreachable node says so).
    fn node_status(
        &self,
    ) -> impl Future<Output = vaultdeck_vault::breakglass::NodeSealStatus> + Send;
    /// Submits one unseal key share (hex or base64), zeroized after use.
    fn submit_unseal_share(
        &self,
        share: SecretString,
    ) -> impl Future<Output = Result<vaultdeck_vault::SealStatus>> + Send;
    /// Discards the shares submitted so far.
    fn unseal_reset(&self) -> impl Future<Output = Result<vaultdeck_vault::SealStatus>> + Send;
    /// Seals the node (the token needs `sudo` on `sys/seal`).
    fn seal(&self) -> impl Future<Output = Result<()>> + Send;
    /// Which generate-root flows the server offers to this connection.
    fn root_flows(
        &self,
    ) -> impl Future<Output = Result<vaultdeck_vault::breakglass::RootFlows>> + Send;
}

/// Credential and key rotation: database root and static roles, transit keys. Implemented in
/// [`crate::rotations`], which adds confirmation, audit, KV value rotation and bulk plans.
pub trait Rotation {
    /// Rotates the root credential of database connection `connection` on `mount`.
    fn rotate_db_root(
        &self,
        mount: &str,
        connection: &str,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Static roles of a database mount with their rotation facts, sorted by name.
    fn static_roles(
        &self,
        mount: &str,
    ) -> impl Future<Output = Result<Vec<crate::rotations::StaticRole>>> + Send;
    /// Rotates a static role's password now.
    fn rotate_static_role(
        &self,
        mount: &str,
        role: &str,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Transit keys of a mount with their versions, sorted by name.
    fn transit_keys(
        &self,
        mount: &str,
    ) -> impl Future<Output = Result<Vec<crate::rotations::TransitKey>>> + Send;
    /// Adds a new version to a transit key; returns the key afterwards.
    fn rotate_transit_key(
        &self,
        mount: &str,
        key: &str,
    ) -> impl Future<Output = Result<crate::rotations::TransitKey>> + Send;
    /// Sets a transit key's minimum decryption and/or encryption version.
    fn set_transit_min_versions(
        &self,
        mount: &str,
        key: &str,
        min_decryption_version: Option<u64>,
        min_encryption_version: Option<u64>,
    ) -> impl Future<Output = Result<crate::rotations::TransitKey>> + Send;
}
