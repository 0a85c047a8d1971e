//! One trait per capability a provider may offer (DESIGN.md §2). A provider implements what its
//! service supports; [`crate::Connection`] dispatches with an explicit `match` and answers
//! [`crate::Error::Unsupported`] for the rest.

use std::future::Future;

use vaultdeck_types::{Identity, MountInfo, SealInfo};

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
