//! `sys/*` endpoints: health, seal status, leader, mounts visible to the token, init, unseal.

use std::collections::BTreeMap;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Value};
use vaultdeck_types::{MountClass, MountInfo, SealInfo};

use crate::client::VaultClient;
use crate::error::{Error, Purpose};

/// Response of `GET sys/health`, whatever the node's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// The server has been initialised.
    pub initialized: bool,
    /// The server is sealed.
    pub sealed: bool,
    /// This node is a standby (HA).
    pub standby: bool,
    /// This node is a performance standby (Vault Enterprise).
    #[serde(default)]
    pub performance_standby: bool,
    /// Performance replication mode (`disabled`, `unknown`, ...).
    #[serde(default)]
    pub replication_performance_mode: String,
    /// DR replication mode.
    #[serde(default)]
    pub replication_dr_mode: String,
    /// Server time, Unix seconds.
    #[serde(default)]
    pub server_time_utc: i64,
    /// Server version, e.g. `2.7.2`.
    #[serde(default)]
    pub version: String,
    /// Cluster name (absent while sealed or uninitialised).
    #[serde(default)]
    pub cluster_name: Option<String>,
    /// Cluster id (absent while sealed or uninitialised).
    #[serde(default)]
    pub cluster_id: Option<String>,
    /// The HTTP status the server chose for this state (200 active, 429 standby,
    /// 472/473 DR secondary/performance standby, 501 uninitialised, 503 sealed).
    #[serde(skip)]
    pub http_status: u16,
}

/// The state of a node, from [`Health`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeState {
    /// Not initialised yet (`sys/init` needed).
    Uninitialized,
    /// Initialised but sealed.
    Sealed,
    /// Unsealed standby.
    Standby,
    /// Unsealed performance standby.
    PerformanceStandby,
    /// Unsealed active node.
    Active,
}

impl Health {
    /// The node's state.
    pub fn state(&self) -> NodeState {
        if !self.initialized {
            NodeState::Uninitialized
        } else if self.sealed {
            NodeState::Sealed
        } else if self.performance_standby {
            NodeState::PerformanceStandby
        } else if self.standby {
            NodeState::Standby
        } else {
            NodeState::Active
        }
    }
}

/// Response of `GET sys/seal-status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealStatus {
    /// Seal type, e.g. `shamir`.
    #[serde(rename = "type")]
    pub seal_type: String,
    /// The server has been initialised.
    pub initialized: bool,
    /// The server is sealed.
    pub sealed: bool,
    /// Unseal threshold.
    #[serde(rename = "t")]
    pub threshold: u32,
    /// Number of key shares.
    #[serde(rename = "n")]
    pub shares: u32,
    /// Unseal keys provided so far.
    pub progress: u32,
    /// Nonce of the current unseal attempt (empty when none).
    #[serde(default)]
    pub nonce: String,
    /// Server version.
    #[serde(default)]
    pub version: String,
    /// Seal migration in progress.
    #[serde(default)]
    pub migration: bool,
    /// Recovery seal (auto-unseal).
    #[serde(default)]
    pub recovery_seal: bool,
    /// Cluster name (once unsealed).
    #[serde(default)]
    pub cluster_name: Option<String>,
    /// Cluster id (once unsealed).
    #[serde(default)]
    pub cluster_id: Option<String>,
    /// Storage backend type, e.g. `raft`, `inmem` (OpenBao).
    #[serde(default)]
    pub storage_type: Option<String>,
}

impl SealStatus {
    /// Maps to the IPC type, with HA details from `leader` when known.
    pub fn seal_info(&self, leader: Option<&Leader>) -> SealInfo {
        SealInfo {
            initialized: self.initialized,
            sealed: self.sealed,
            seal_type: self.seal_type.clone(),
            threshold: self.threshold,
            shares: self.shares,
            progress: self.progress,
            version: self.version.clone(),
            cluster_name: self.cluster_name.clone(),
            ha_enabled: leader.is_some_and(|l| l.ha_enabled),
            is_active: leader.filter(|l| l.ha_enabled).map(|l| l.is_self),
            leader_address: leader
                .and_then(|l| l.leader_address.clone())
                .filter(|a| !a.is_empty()),
        }
    }
}

/// Response of `GET sys/leader`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leader {
    /// HA is enabled (raft and other HA storage).
    pub ha_enabled: bool,
    /// This node is the active node.
    #[serde(default)]
    pub is_self: bool,
    /// When this node became active (RFC 3339), if it is.
    #[serde(default)]
    pub active_time: Option<String>,
    /// API address of the active node.
    #[serde(default)]
    pub leader_address: Option<String>,
    /// Cluster address of the active node.
    #[serde(default)]
    pub leader_cluster_address: Option<String>,
    /// This node is a performance standby.
    #[serde(default)]
    pub performance_standby: bool,
    /// Raft committed index (raft only).
    #[serde(default)]
    pub raft_committed_index: Option<u64>,
    /// Raft applied index (raft only).
    #[serde(default)]
    pub raft_applied_index: Option<u64>,
}

/// A secrets engine or auth method visible to the token (`sys/internal/ui/mounts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    /// Mount path with a trailing slash, e.g. `secret/` (auth mounts without the `auth/`).
    pub path: String,
    /// Engine or method type, e.g. `kv`, `database`, `userpass`.
    pub engine_type: String,
    /// Secrets engine or auth method.
    pub class: MountClass,
    /// `Some(1)`/`Some(2)` for KV mounts.
    pub kv_version: Option<u8>,
    /// Mount description.
    pub description: String,
    /// Mount accessor.
    pub accessor: String,
    /// Local (not replicated) mount.
    pub local: bool,
    /// Mount options (`version`, ...), stringified.
    pub options: BTreeMap<String, String>,
    /// Running plugin version, e.g. `v2.7.2+builtin.bao`.
    pub running_plugin_version: Option<String>,
}

impl From<&Mount> for MountInfo {
    fn from(m: &Mount) -> Self {
        MountInfo {
            path: m.path.clone(),
            engine_type: m.engine_type.clone(),
            class: m.class,
            kv_version: m.kv_version,
            description: m.description.clone(),
        }
    }
}

#[derive(Deserialize)]
struct RawUiMounts {
    #[serde(default, deserialize_with = "null_as_default")]
    secret: BTreeMap<String, RawMount>,
    #[serde(default, deserialize_with = "null_as_default")]
    auth: BTreeMap<String, RawMount>,
}

#[derive(Deserialize)]
struct RawMount {
    #[serde(rename = "type", default)]
    engine_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    description: String,
    #[serde(default, deserialize_with = "null_as_default")]
    accessor: String,
    #[serde(default)]
    local: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    options: BTreeMap<String, Value>,
    #[serde(default)]
    running_plugin_version: Option<String>,
}

impl RawMount {
    fn into_mount(self, path: String, class: MountClass) -> Mount {
        let options: BTreeMap<String, String> = self
            .options
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect();
        let kv_version = match self.engine_type.as_str() {
            "kv" | "generic" => Some(match options.get("version").map(String::as_str) {
                Some("2") => 2,
                _ => 1,
            }),
            "kv-v2" => Some(2),
            _ => None,
        };
        Mount {
            path,
            engine_type: self.engine_type,
            class,
            kv_version,
            description: self.description,
            accessor: self.accessor,
            local: self.local,
            options,
            running_plugin_version: self.running_plugin_version.filter(|v| !v.is_empty()),
        }
    }
}

/// Keys from `PUT sys/init`. `Debug` redacts them.
#[derive(Debug, Deserialize)]
pub struct InitResponse {
    /// Unseal key shares, hex.
    pub keys: Vec<SecretString>,
    /// Unseal key shares, base64.
    pub keys_base64: Vec<SecretString>,
    /// The initial root token.
    pub root_token: SecretString,
}

pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl VaultClient {
    /// Node health, whatever its state: never fails on the state-specific statuses 429, 472,
    /// 473, 501 and 503 (see [`Health::http_status`] and [`Health::state`]).
    ///
    /// `GET /v1/sys/health` (unauthenticated) —
    /// <https://openbao.org/api-docs/system/health/>
    pub async fn health(&self) -> Result<Health, Error> {
        let method = Method::GET;
        let path = "sys/health";
        let r = self
            .root_anonymous()
            .execute(
                method.clone(),
                path,
                &[],
                None,
                Purpose::Normal,
                &[429, 472, 473, 501, 503],
            )
            .await?;
        let status = r.status;
        let mut h: Health = self.decode(&method, path, r.body, false).map_err(|e| {
            if status >= 400 {
                // A non-JSON 503 from a proxy: report the status, not a decoding problem.
                Error::api(
                    method.as_str(),
                    path,
                    self.address(),
                    status,
                    vec![],
                    Purpose::Normal,
                    false,
                )
            } else {
                e
            }
        })?;
        h.http_status = status;
        Ok(h)
    }

    /// Seal status (unauthenticated).
    ///
    /// `GET /v1/sys/seal-status` — <https://openbao.org/api-docs/system/seal-status/>
    pub async fn seal_status(&self) -> Result<SealStatus, Error> {
        self.root_anonymous()
            .call(Method::GET, "sys/seal-status", None, Purpose::Normal, false)
            .await
    }

    /// HA leader (unauthenticated). A sealed node answers 503 -> code `Sealed`. Sent to the
    /// root namespace, like the other node-level endpoints.
    ///
    /// `GET /v1/sys/leader` — <https://openbao.org/api-docs/system/leader/>
    pub async fn leader(&self) -> Result<Leader, Error> {
        self.root_anonymous()
            .call(Method::GET, "sys/leader", None, Purpose::Normal, false)
            .await
    }

    /// The secrets engines and auth methods the token can see, flattened and sorted by
    /// class then path. Without a token the server returns none.
    ///
    /// `GET /v1/sys/internal/ui/mounts` —
    /// <https://openbao.org/api-docs/system/internal-ui-mounts/>
    pub async fn ui_mounts(&self) -> Result<Vec<Mount>, Error> {
        let raw: RawUiMounts = self
            .call(
                Method::GET,
                "sys/internal/ui/mounts",
                None,
                Purpose::Normal,
                true,
            )
            .await?;
        let mut out: Vec<Mount> = raw
            .secret
            .into_iter()
            .map(|(p, m)| m.into_mount(p, MountClass::Secret))
            .chain(
                raw.auth
                    .into_iter()
                    .map(|(p, m)| m.into_mount(p, MountClass::Auth)),
            )
            .collect();
        out.sort_by(|a, b| {
            let rank = |c: MountClass| matches!(c, MountClass::Auth);
            (rank(a.class), &a.path).cmp(&(rank(b.class), &b.path))
        });
        Ok(out)
    }

    /// Initialises a new server with Shamir key shares (unauthenticated). Raft bootstrap
    /// makes this take several seconds.
    ///
    /// `PUT /v1/sys/init` — <https://openbao.org/api-docs/system/init/>
    pub async fn init(&self, shares: u32, threshold: u32) -> Result<InitResponse, Error> {
        let body = json!({ "secret_shares": shares, "secret_threshold": threshold });
        self.root_anonymous()
            .call(Method::PUT, "sys/init", Some(&body), Purpose::Normal, false)
            .await
    }

    /// Submits one unseal key share (hex or base64); returns the new seal status.
    ///
    /// `PUT /v1/sys/unseal` — <https://openbao.org/api-docs/system/unseal/>
    pub async fn unseal(&self, key: &SecretString) -> Result<SealStatus, Error> {
        let body = json!({ "key": key.expose_secret() });
        self.root_anonymous()
            .call(
                Method::PUT,
                "sys/unseal",
                Some(&body),
                Purpose::Normal,
                false,
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_ui_mounts() {
        let raw: RawUiMounts = serde_json::from_value(json!({
            "secret": {
                "secret/": {"type": "kv", "options": {"version": "2"}, "accessor": "kv_1",
                            "description": "key/value secret storage"},
                "kv1/": {"type": "kv", "options": null, "accessor": "kv_2", "description": null},
                "database/": {"type": "database", "accessor": "db"}
            },
            "auth": {"token/": {"type": "token", "accessor": "auth_token", "options": null}}
        }))
        .unwrap();
        let m: Vec<Mount> = raw
            .secret
            .into_iter()
            .map(|(p, m)| m.into_mount(p, MountClass::Secret))
            .collect();
        let by = |p: &str| m.iter().find(|x| x.path == p).unwrap().kv_version;
        assert_eq!(by("secret/"), Some(2));
        assert_eq!(by("kv1/"), Some(1));
        assert_eq!(by("database/"), None);
        assert_eq!(raw.auth.len(), 1);
    }

    #[test]
    fn health_state() {
        let h: Health = serde_json::from_value(json!({
            "initialized": false, "sealed": true, "standby": true, "version": "2.7.2"
        }))
        .unwrap();
        assert_eq!(h.state(), NodeState::Uninitialized);
    }

    #[test]
    fn init_response_debug_is_redacted() {
        let r: InitResponse = serde_json::from_value(json!({
            "keys": ["abcd"], "keys_base64": ["q80="], "root_token": "s.root"
        }))
        .unwrap();
        let d = format!("{r:?}");
        assert!(!d.contains("abcd") && !d.contains("s.root"), "{d}");
    }
}
