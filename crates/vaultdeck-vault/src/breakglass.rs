//! Break-glass endpoints: per-node seal status, unseal with key shares, emergency seal,
//! HA node discovery, and generate-root in both server families.
//!
//! Key shares, OTPs and tokens are [`SecretString`]s: consumed by value, zeroized when dropped,
//! never logged. The JSON body that carries a share is zeroized after the request (the copy
//! reqwest serialises internally is not under our control).
//!
//! Generate-root comes in two families, detected with [`VaultClient::generate_root_flows`]:
//! - [`RootFlow::Token`]: OpenBao ≥ 2.5, token-authenticated `sys/generate-root-token/*`
//!   (needs `sudo`), server-generated OTP, fields under `data`.
//! - [`RootFlow::Unauthenticated`]: Vault and OpenBao listeners with
//!   `disable_unauthed_generate_root_endpoints = false`: `sys/generate-root/*`, top-level
//!   fields; 405 on OpenBao's default listener.

use std::fmt;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use zeroize::Zeroize;

use crate::client::VaultClient;
use crate::error::{Error, Purpose};
use crate::sys::{Health, Leader, NodeState, SealStatus};

/// The seal state of one node of a cluster, as seen from its own API address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeSealStatus {
    /// The node's API address, e.g. `http://127.0.0.1:8200`.
    pub address: String,
    /// `GET sys/seal-status`, when the node answered.
    pub seal: Option<SealStatus>,
    /// The node's state from `sys/health` (active / standby / sealed / uninitialised).
    pub state: Option<NodeState>,
    /// The `sys/health` HTTP status (200, 429, 472, 473, 501, 503).
    pub health_status: Option<u16>,
    /// Server version from `sys/health` (also present while sealed).
    pub version: Option<String>,
    /// Why the node could not be read, if it could not.
    pub error: Option<String>,
}

/// Which generate-root families a server offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RootFlow {
    /// OpenBao ≥ 2.5: `sys/generate-root-token/*`, needs a token with `sudo`.
    Token,
    /// Vault / permissive OpenBao listeners: unauthenticated `sys/generate-root/*`.
    Unauthenticated,
}

impl RootFlow {
    fn base(self) -> &'static str {
        match self {
            RootFlow::Token => "sys/generate-root-token",
            RootFlow::Unauthenticated => "sys/generate-root",
        }
    }
}

/// The flows a server offers (see [`VaultClient::generate_root_flows`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootFlows {
    /// The token-authenticated flow answered (needs the client's token).
    pub token: bool,
    /// The unauthenticated flow answered (not 405).
    pub unauthenticated: bool,
}

impl RootFlows {
    /// The flow to use: token-authenticated when offered, else unauthenticated.
    pub fn preferred(&self) -> Option<RootFlow> {
        if self.token {
            Some(RootFlow::Token)
        } else if self.unauthenticated {
            Some(RootFlow::Unauthenticated)
        } else {
            None
        }
    }
}

/// Progress of a generate-root attempt (`attempt` GET or `update` PUT).
#[derive(Clone, Default, Deserialize)]
pub struct RootProgress {
    /// An attempt is in progress.
    #[serde(default)]
    pub started: bool,
    /// The attempt's nonce (share it with the key holders).
    #[serde(default)]
    pub nonce: String,
    /// Shares provided so far.
    #[serde(default)]
    pub progress: u32,
    /// Shares needed.
    #[serde(default)]
    pub required: u32,
    /// Enough shares were provided; `encoded_token` is set.
    #[serde(default)]
    pub complete: bool,
    /// Length of the OTP the server expects/generates.
    #[serde(default)]
    pub otp_length: u32,
    /// The root token XORed with the OTP, base64 (only when `complete`).
    #[serde(default)]
    pub encoded_token: Option<SecretString>,
    /// The same, under the older name some servers also send.
    #[serde(default)]
    pub encoded_root_token: Option<SecretString>,
}

impl RootProgress {
    /// The encoded token, under whichever name the server sent it.
    pub fn encoded(&self) -> Option<&SecretString> {
        self.encoded_token
            .as_ref()
            .or(self.encoded_root_token.as_ref())
            .filter(|t| !t.expose_secret().is_empty())
    }
}

impl fmt::Debug for RootProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RootProgress")
            .field("started", &self.started)
            .field("nonce", &self.nonce)
            .field("progress", &self.progress)
            .field("required", &self.required)
            .field("complete", &self.complete)
            .field("otp_length", &self.otp_length)
            .field("encoded_token", &self.encoded().map(|_| "[redacted]"))
            .finish()
    }
}

/// A started generate-root attempt: its nonce and the (server-generated) OTP.
pub struct RootAttempt {
    /// Which flow it runs on.
    pub flow: RootFlow,
    /// The attempt's nonce.
    pub nonce: String,
    /// Shares needed.
    pub required: u32,
    /// The one-time password to decode the final token with. Shown once by the server.
    pub otp: SecretString,
}

impl fmt::Debug for RootAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RootAttempt")
            .field("flow", &self.flow)
            .field("nonce", &self.nonce)
            .field("required", &self.required)
            .field("otp", &"[redacted]")
            .finish()
    }
}

#[derive(Deserialize)]
struct RawAttempt {
    #[serde(default)]
    nonce: String,
    #[serde(default)]
    required: u32,
    #[serde(default)]
    otp: Option<SecretString>,
}

/// A raft peer from `sys/storage/raft/configuration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaftPeer {
    /// Raft node id (`node_id` in the storage stanza).
    pub node_id: String,
    /// Raft (cluster) address, e.g. `127.0.0.1:8201`.
    pub address: String,
    /// This peer is the raft leader.
    #[serde(default)]
    pub leader: bool,
    /// This peer votes (joiners are non-voters until autopilot promotes them).
    #[serde(default)]
    pub voter: bool,
}

/// A node from `sys/ha-status` (a node appears once it has echoed to the active node).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HaNode {
    /// The node's API address.
    #[serde(default)]
    pub api_address: String,
    /// The node's cluster address.
    #[serde(default)]
    pub cluster_address: String,
    /// This node is the active node.
    #[serde(default)]
    pub active_node: bool,
    /// Last heartbeat seen by the active node (RFC 3339), if any.
    #[serde(default)]
    pub last_echo: Option<String>,
    /// Server version.
    #[serde(default)]
    pub version: String,
}

/// One server in the autopilot state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutopilotServer {
    /// Raft node id.
    #[serde(default)]
    pub id: String,
    /// Raft address.
    #[serde(default)]
    pub address: String,
    /// `alive`, `left`, ...
    #[serde(default)]
    pub node_status: String,
    /// `leader`, `voter`, `non-voter`.
    #[serde(default)]
    pub status: String,
    /// Autopilot considers it healthy.
    #[serde(default)]
    pub healthy: bool,
    /// Last raft index it has.
    #[serde(default)]
    pub last_index: u64,
    /// Server version.
    #[serde(default)]
    pub version: String,
}

/// `GET sys/storage/raft/autopilot/state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutopilotState {
    /// The whole cluster is healthy.
    #[serde(default)]
    pub healthy: bool,
    /// How many voters may fail without losing quorum.
    #[serde(default)]
    pub failure_tolerance: u32,
    /// Raft node id of the leader.
    #[serde(default)]
    pub leader: String,
    /// Node ids of the voters.
    #[serde(default, deserialize_with = "crate::sys::null_as_default")]
    pub voters: Vec<String>,
    /// Servers by node id.
    #[serde(default, deserialize_with = "crate::sys::null_as_default")]
    pub servers: std::collections::BTreeMap<String, AutopilotServer>,
}

/// Everything the cluster view shows, read from one node with a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterView {
    /// `sys/leader` of the node asked.
    pub leader: Option<Leader>,
    /// `sys/ha-status` nodes (empty without permission).
    pub ha_nodes: Vec<HaNode>,
    /// Raft peers (empty when the storage is not raft or without permission).
    pub raft_peers: Vec<RaftPeer>,
    /// Autopilot state, when readable.
    pub autopilot: Option<AutopilotState>,
    /// What could not be read, one line each (the view shows the rest).
    pub problems: Vec<String>,
}

/// Checks that a key share looks like hex or base64 and returns it trimmed. The server takes
/// both encodings as is. The input is zeroized.
pub fn normalize_share(share: SecretString) -> Result<SecretString, Error> {
    let s = share.expose_secret().trim();
    if s.is_empty() {
        return Err(invalid("the key share is empty"));
    }
    let is_hex = s.len() % 2 == 0 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let is_b64 = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'));
    if !is_hex && !is_b64 {
        return Err(invalid(
            "the key share is neither hex nor base64; paste it exactly as printed at init",
        ));
    }
    Ok(SecretString::from(s.to_owned()))
}

/// Decodes a generate-root `encoded_token` locally: base64 (standard alphabet, padding
/// optional), then XOR byte-wise with the OTP's ASCII bytes.
pub fn decode_root_token(
    encoded: &SecretString,
    otp: &SecretString,
) -> Result<SecretString, Error> {
    let mut bytes = base64_decode(encoded.expose_secret().trim())
        .ok_or_else(|| invalid("the encoded root token is not base64"))?;
    let otp = otp.expose_secret().as_bytes();
    if bytes.len() != otp.len() {
        let (a, b) = (bytes.len(), otp.len());
        bytes.zeroize();
        return Err(invalid(format!(
            "the encoded token has {a} bytes but the OTP {b}: use the OTP of this attempt"
        )));
    }
    for (b, o) in bytes.iter_mut().zip(otp) {
        *b ^= o;
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(SecretString::from(s)),
        Err(e) => {
            let mut b = e.into_bytes();
            b.zeroize();
            Err(invalid("the decoded token is not text: wrong OTP?"))
        }
    }
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    }
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    acc.zeroize();
    if s.len() % 4 == 1 {
        out.zeroize();
        return None;
    }
    Some(out)
}

fn invalid(message: impl Into<String>) -> Error {
    Error::Invalid {
        message: message.into(),
    }
}

/// Zeroizes the string values of a JSON object (a request body that carried a secret).
fn wipe(body: Value) {
    if let Value::Object(map) = body {
        for (_, v) in map {
            if let Value::String(mut s) = v {
                s.zeroize();
            }
        }
    }
}

impl VaultClient {
    /// Seal and health state of this node. Never fails: an unreachable node is reported in
    /// [`NodeSealStatus::error`].
    ///
    /// `GET /v1/sys/seal-status` + `GET /v1/sys/health` (unauthenticated).
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn node_seal_status(&self) -> NodeSealStatus {
        let (seal, health): (Result<SealStatus, Error>, Result<Health, Error>) =
            futures::join!(self.seal_status(), self.health());
        let mut errors = Vec::new();
        let seal = seal.map_err(|e| errors.push(e.to_string())).ok();
        let health = health.map_err(|e| errors.push(e.to_string())).ok();
        NodeSealStatus {
            address: self.address().to_owned(),
            state: health.as_ref().map(Health::state),
            health_status: health.as_ref().map(|h| h.http_status),
            version: health
                .as_ref()
                .map(|h| h.version.clone())
                .or_else(|| seal.as_ref().map(|s| s.version.clone()))
                .filter(|v| !v.is_empty()),
            seal,
            error: (!errors.is_empty()).then(|| errors.join("; ")),
        }
    }

    /// The API addresses of this cluster's nodes: this client's address, the leader from
    /// `sys/leader`, and (with a token allowed to read it) every node in `sys/ha-status`.
    /// Sorted, without duplicates. Discovery failures only shrink the list.
    ///
    /// `GET /v1/sys/leader`, `GET /v1/sys/ha-status` —
    /// <https://openbao.org/api-docs/system/ha-status/>
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn discover_nodes(&self) -> Vec<String> {
        let mut out = vec![self.address().to_owned()];
        if let Ok(Leader {
            leader_address: Some(l),
            ..
        }) = self.leader().await
        {
            out.push(l);
        }
        if self.token().is_some() {
            if let Ok(Some(v)) = self.read("sys/ha-status").await {
                let nodes = v
                    .pointer("/data/nodes")
                    .or_else(|| v.get("nodes"))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                out.extend(
                    nodes
                        .iter()
                        .filter_map(|n| n.get("api_address").and_then(Value::as_str))
                        .map(str::to_owned),
                );
            }
        }
        let mut out: Vec<String> = out
            .into_iter()
            .map(|a| a.trim_end_matches('/').to_owned())
            .filter(|a| !a.is_empty())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// HA nodes as the active node sees them (needs a token; root namespace).
    ///
    /// `GET /v1/sys/ha-status` — <https://openbao.org/api-docs/system/ha-status/>
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn ha_status(&self) -> Result<Vec<HaNode>, Error> {
        let path = "sys/ha-status";
        let v = self
            .with_namespace("")
            .read(path)
            .await?
            .unwrap_or_default();
        let nodes = v
            .pointer("/data/nodes")
            .or_else(|| v.get("nodes"))
            .cloned()
            .unwrap_or(Value::Array(vec![]));
        serde_json::from_value(nodes)
            .map_err(|e| self.decode_error(&Method::GET, path, format!("nodes: {e}")))
    }

    /// Raft peers (needs a token with access to `sys/storage/raft/configuration`).
    ///
    /// `GET /v1/sys/storage/raft/configuration` —
    /// <https://openbao.org/api-docs/system/storage/raft/#get-raft-configuration>
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn raft_peers(&self) -> Result<Vec<RaftPeer>, Error> {
        let path = "sys/storage/raft/configuration";
        let v = self
            .with_namespace("")
            .read(path)
            .await?
            .unwrap_or_default();
        let servers = v
            .pointer("/data/config/servers")
            .cloned()
            .unwrap_or(Value::Array(vec![]));
        serde_json::from_value(servers)
            .map_err(|e| self.decode_error(&Method::GET, path, format!("servers: {e}")))
    }

    /// Asks the active node to give up leadership (another node takes over).
    ///
    /// `PUT /v1/sys/step-down` — <https://openbao.org/api-docs/system/step-down/>
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn step_down(&self) -> Result<(), Error> {
        self.with_namespace("")
            .execute(
                Method::PUT,
                "sys/step-down",
                &[],
                None,
                Purpose::Normal,
                &[],
            )
            .await?;
        Ok(())
    }

    /// Streams a raft snapshot (a backup of all data, gzip) into `out`; `progress` gets the
    /// bytes written so far. Returns the size.
    ///
    /// `GET /v1/sys/storage/raft/snapshot` —
    /// <https://openbao.org/api-docs/system/storage/raft/#take-a-snapshot-of-the-raft-cluster>
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn raft_snapshot(
        &self,
        out: &mut (dyn std::io::Write + Send),
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<u64, Error> {
        self.with_namespace("")
            .download("sys/storage/raft/snapshot", out, progress)
            .await
    }

    /// Autopilot's view of the raft cluster.
    ///
    /// `GET /v1/sys/storage/raft/autopilot/state` —
    /// <https://openbao.org/api-docs/system/storage/raftautopilot/>
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn autopilot_state(&self) -> Result<AutopilotState, Error> {
        self.with_namespace("")
            .call(
                Method::GET,
                "sys/storage/raft/autopilot/state",
                None,
                Purpose::Normal,
                true,
            )
            .await
    }

    /// The cluster view: leader, HA nodes, raft peers and autopilot state, each read
    /// independently; what fails lands in [`ClusterView::problems`].
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn cluster_view(&self) -> ClusterView {
        let (leader, ha, peers, auto) = futures::join!(
            self.leader(),
            self.ha_status(),
            self.raft_peers(),
            self.autopilot_state()
        );
        let mut problems = Vec::new();
        let mut keep = |what: &str, e: Error| problems.push(format!("{what}: {e}"));
        let leader = leader.map_err(|e| keep("leader", e)).ok();
        let ha_nodes = ha
            .map_err(|e| keep("HA status", e))
            .ok()
            .unwrap_or_default();
        let raft_peers = peers
            .map_err(|e| keep("raft peers", e))
            .ok()
            .unwrap_or_default();
        let autopilot = auto.map_err(|e| keep("autopilot", e)).ok();
        ClusterView {
            leader,
            ha_nodes,
            raft_peers,
            autopilot,
            problems,
        }
    }

    /// Submits one unseal key share (hex or base64, checked locally first). The share is
    /// zeroized after the request, whatever the outcome.
    ///
    /// `PUT /v1/sys/unseal` — <https://openbao.org/api-docs/system/unseal/>
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn submit_unseal_share(&self, share: SecretString) -> Result<SealStatus, Error> {
        let share = normalize_share(share)?;
        let body = json!({ "key": share.expose_secret() });
        drop(share);
        let r = self
            .root_anonymous()
            .execute(
                Method::PUT,
                "sys/unseal",
                &[],
                Some(&body),
                Purpose::Normal,
                &[],
            )
            .await;
        wipe(body);
        self.decode(&Method::PUT, "sys/unseal", r?.body, false)
    }

    /// Discards the shares submitted so far (progress back to 0).
    ///
    /// `PUT /v1/sys/unseal {"reset": true}` — <https://openbao.org/api-docs/system/unseal/>
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn unseal_reset(&self) -> Result<SealStatus, Error> {
        let body = json!({ "reset": true });
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

    /// Seals this node (needs a token with `sudo` on `sys/seal`).
    ///
    /// `PUT /v1/sys/seal` — <https://openbao.org/api-docs/system/seal/>
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn seal(&self) -> Result<(), Error> {
        let ns = self.with_namespace("");
        ns.execute(Method::PUT, "sys/seal", &[], None, Purpose::Normal, &[])
            .await?;
        Ok(())
    }

    /// Which generate-root families this server offers: `GET sys/generate-root-token/attempt`
    /// with this client's token (skipped without a token) and unauthenticated
    /// `GET sys/generate-root/attempt`; 405 (or 403/404) means "not offered".
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn generate_root_flows(&self) -> Result<RootFlows, Error> {
        let offered = |r: Result<Option<Value>, Error>| match r {
            Ok(_) => Ok(true),
            Err(e) if matches!(e.status(), Some(400 | 403 | 404 | 405)) => Ok(false),
            Err(e) => Err(e),
        };
        let token = if self.token().is_some() {
            offered(
                self.with_namespace("")
                    .read("sys/generate-root-token/attempt")
                    .await,
            )?
        } else {
            false
        };
        let unauthenticated = offered(
            self.root_anonymous()
                .read("sys/generate-root/attempt")
                .await,
        )?;
        Ok(RootFlows {
            token,
            unauthenticated,
        })
    }

    fn flow_client(&self, flow: RootFlow) -> VaultClient {
        match flow {
            RootFlow::Token => self.with_namespace(""),
            RootFlow::Unauthenticated => self.root_anonymous(),
        }
    }

    /// Progress of the current generate-root attempt.
    ///
    /// `GET /v1/sys/generate-root-token/attempt` or `GET /v1/sys/generate-root/attempt` —
    /// <https://openbao.org/api-docs/system/generate-root/>
    #[tracing::instrument(skip_all, fields(addr = %self.address(), flow = ?flow))]
    pub async fn generate_root_progress(&self, flow: RootFlow) -> Result<RootProgress, Error> {
        let path = format!("{}/attempt", flow.base());
        self.flow_client(flow)
            .call(
                Method::GET,
                &path,
                None,
                Purpose::Normal,
                flow == RootFlow::Token,
            )
            .await
    }

    /// Starts a generate-root attempt; the server generates the OTP and returns it once.
    ///
    /// `PUT /v1/sys/generate-root-token/attempt` or `PUT /v1/sys/generate-root/attempt`.
    #[tracing::instrument(skip_all, fields(addr = %self.address(), flow = ?flow))]
    pub async fn generate_root_start(&self, flow: RootFlow) -> Result<RootAttempt, Error> {
        let path = format!("{}/attempt", flow.base());
        let raw: RawAttempt = self
            .flow_client(flow)
            .call(
                Method::PUT,
                &path,
                Some(&json!({})),
                Purpose::Normal,
                flow == RootFlow::Token,
            )
            .await?;
        let otp = raw
            .otp
            .filter(|o| !o.expose_secret().is_empty())
            .ok_or_else(|| {
                self.decode_error(&Method::PUT, &path, "no server-generated `otp`".to_owned())
            })?;
        Ok(RootAttempt {
            flow,
            nonce: raw.nonce,
            required: raw.required,
            otp,
        })
    }

    /// Submits one key share for the attempt with `nonce`; the share is zeroized after the
    /// request. When `complete`, [`RootProgress::encoded_token`] is set.
    ///
    /// `PUT /v1/sys/generate-root-token/update` or `PUT /v1/sys/generate-root/update`.
    #[tracing::instrument(skip_all, fields(addr = %self.address(), flow = ?flow))]
    pub async fn generate_root_update(
        &self,
        flow: RootFlow,
        nonce: &str,
        share: SecretString,
    ) -> Result<RootProgress, Error> {
        let share = normalize_share(share)?;
        let path = format!("{}/update", flow.base());
        let body = json!({ "key": share.expose_secret(), "nonce": nonce });
        drop(share);
        let r = self
            .flow_client(flow)
            .execute(Method::PUT, &path, &[], Some(&body), Purpose::Normal, &[])
            .await;
        wipe(body);
        self.decode(&Method::PUT, &path, r?.body, flow == RootFlow::Token)
    }

    /// Cancels the current generate-root attempt.
    ///
    /// `DELETE /v1/sys/generate-root-token/attempt` or `DELETE /v1/sys/generate-root/attempt`.
    #[tracing::instrument(skip_all, fields(addr = %self.address(), flow = ?flow))]
    pub async fn generate_root_cancel(&self, flow: RootFlow) -> Result<(), Error> {
        let path = format!("{}/attempt", flow.base());
        self.flow_client(flow)
            .execute(Method::DELETE, &path, &[], None, Purpose::Normal, &[])
            .await?;
        Ok(())
    }

    /// Decodes an encoded root token on the server (unauthenticated in OpenBao).
    /// [`decode_root_token`] does the same locally.
    ///
    /// `PUT /v1/sys/decode-token` — <https://openbao.org/api-docs/system/decode-token/>
    #[tracing::instrument(skip_all, fields(addr = %self.address()))]
    pub async fn decode_token(
        &self,
        encoded: &SecretString,
        otp: &SecretString,
    ) -> Result<SecretString, Error> {
        #[derive(Deserialize)]
        struct Decoded {
            token: SecretString,
        }
        let body = json!({ "encoded_token": encoded.expose_secret(), "otp": otp.expose_secret() });
        let r = self
            .root_anonymous()
            .execute(
                Method::PUT,
                "sys/decode-token",
                &[],
                Some(&body),
                Purpose::Normal,
                &[],
            )
            .await;
        wipe(body);
        let d: Decoded = self.decode(&Method::PUT, "sys/decode-token", r?.body, true)?;
        Ok(d.token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_token_with_otp() {
        // "s.ab" XOR "WXYZ" then base64 (unpadded).
        let token = b"s.ab";
        let otp = b"WXYZ";
        let x: Vec<u8> = token.iter().zip(otp).map(|(a, b)| a ^ b).collect();
        // Encode by hand with a tiny encoder.
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut enc = String::new();
        for chunk in x.chunks(3) {
            let n = chunk.iter().fold(0u32, |a, b| (a << 8) | *b as u32) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                enc.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        let got = decode_root_token(
            &SecretString::from(enc),
            &SecretString::from("WXYZ".to_owned()),
        )
        .unwrap();
        assert_eq!(got.expose_secret(), "s.ab");
        assert!(decode_root_token(
            &SecretString::from("AAAA".to_owned()),
            &SecretString::from("WX".to_owned())
        )
        .is_err());
    }

    #[test]
    fn base64_padded_and_unpadded() {
        assert_eq!(base64_decode("aGk=").unwrap(), b"hi");
        assert_eq!(base64_decode("aGk").unwrap(), b"hi");
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert!(base64_decode("a").is_none());
        assert!(base64_decode("a*b=").is_none());
    }

    #[test]
    fn share_format_is_checked() {
        let ok = |s: &str| normalize_share(SecretString::from(s.to_owned())).is_ok();
        assert!(ok("  0a1B  \n"));
        assert!(ok("q80+/w=="));
        assert!(!ok(""));
        assert!(!ok("not a share!"));
    }

    #[test]
    fn progress_debug_redacts_token() {
        let p: RootProgress = serde_json::from_value(json!({
            "complete": true, "encoded_root_token": "c2VjcmV0"
        }))
        .unwrap();
        assert!(p.encoded().is_some());
        assert!(!format!("{p:?}").contains("c2VjcmV0"));
    }
}
