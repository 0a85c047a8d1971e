use serde::{Deserialize, Serialize};

/// A capability a connection may offer; the UI shows a screen only when its capability is in
/// [`ConnectionSummary::capabilities`], and otherwise says plainly that it is not available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Browse/read/write secrets.
    Secrets,
    /// Access-policy administration.
    Policies,
    /// Lease and token administration.
    Leases,
    /// Rotations.
    Rotations,
    /// Seal/unseal, generate-root and other emergency operations.
    BreakGlass,
    /// Health, seal and HA state.
    ClusterInfo,
    /// Mounts visible to the token.
    Mounts,
}

/// Who the connection is signed in as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Display name (e.g. `userpass-alice`, `token`, `root`).
    pub display_name: String,
    /// Policies attached to the token.
    pub policies: Vec<String>,
    /// Remaining TTL in seconds at `checked_at`; `None` = never expires (root).
    pub ttl_seconds: Option<u64>,
    /// Whether the token can be renewed.
    pub renewable: bool,
    /// Token accessor (not a secret).
    pub accessor: String,
    /// Token type (`service`, `batch`).
    pub token_type: String,
    /// Unix seconds when this identity was read.
    pub checked_at: i64,
}

/// Seal and HA state of a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealInfo {
    /// Whether the server is initialised.
    pub initialized: bool,
    /// Whether it is sealed.
    pub sealed: bool,
    /// Seal type (`shamir`, ...).
    pub seal_type: String,
    /// Unseal threshold.
    pub threshold: u32,
    /// Number of key shares.
    pub shares: u32,
    /// Unseal progress.
    pub progress: u32,
    /// Server version string.
    pub version: String,
    /// Cluster name, if initialised.
    pub cluster_name: Option<String>,
    /// HA enabled.
    pub ha_enabled: bool,
    /// This node is the active node (`None` when HA is off or unknown).
    pub is_active: Option<bool>,
    /// Leader address when known.
    pub leader_address: Option<String>,
}

/// A secrets engine or auth mount visible to the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MountInfo {
    /// Mount path with trailing slash, e.g. `secret/`.
    pub path: String,
    /// Engine type, e.g. `kv`, `database`, `userpass`.
    pub engine_type: String,
    /// `secret` or `auth`.
    pub class: MountClass,
    /// KV version (`1` or `2`) when the engine is `kv`.
    pub kv_version: Option<u8>,
    /// Mount description.
    pub description: String,
}

/// Whether a mount is a secrets engine or an auth method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MountClass {
    /// A secrets engine.
    Secret,
    /// An auth method.
    Auth,
}

/// One open connection as shown in the sidebar and status bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionSummary {
    /// The profile this connection was opened from.
    pub profile_id: String,
    /// Profile display name.
    pub name: String,
    /// Provider label.
    pub provider: String,
    /// Server address.
    pub address: String,
    /// Who we are signed in as.
    pub identity: Option<Identity>,
    /// Seal/HA state, when the provider has one.
    pub seal: Option<SealInfo>,
    /// Capabilities offered by this connection.
    pub capabilities: Vec<Capability>,
    /// Warnings to show persistently (TLS verification off, token about to expire, renewal failed).
    pub warnings: Vec<String>,
    /// Where the credential is kept: true = OS keychain, false = memory for this session only.
    pub credential_in_keychain: bool,
}
