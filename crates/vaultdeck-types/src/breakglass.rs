//! The break-glass window's contract: a session (operator typed at start), the per-node seal
//! status, unseal / reset / emergency seal, generate-root into a time-boxed root session,
//! emergency levers and the session report. Unseal shares cross only as [`SecretInput`]; no
//! command returns a share or a token. The commands in [`BREAKGLASS_COMMANDS`] are granted only
//! to the `breakglass` window; [`OpenBreakglassWindow`] (browse) opens that window.

use serde::{Deserialize, Serialize};

use crate::{NoArgs, SecretInput};

/// Start a break-glass session on a profile's cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartBreakglassArgs {
    /// The profile naming the cluster (its name is the cluster name to type when sealing).
    pub profile_id: String,
    /// The operator's name, typed at start (recorded with every action).
    pub operator: String,
}

/// The running break-glass session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakglassSessionView {
    /// Session id (in every audit record of the session).
    pub id: String,
    /// Operator's name.
    pub operator: String,
    /// Cluster name (type it to confirm an emergency seal).
    pub cluster: String,
    /// Profile id.
    pub profile_id: String,
    /// When it started (RFC 3339).
    pub started_at: String,
}

/// Seal status of one node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakglassNode {
    /// API address.
    pub address: String,
    /// Initialised.
    pub initialized: Option<bool>,
    /// Sealed.
    pub sealed: Option<bool>,
    /// Seal type (`shamir`, …).
    pub seal_type: String,
    /// Unseal threshold (t).
    pub threshold: u32,
    /// Key shares (n).
    pub shares: u32,
    /// Shares given so far in the current attempt.
    pub progress: u32,
    /// Nonce of the current unseal attempt.
    pub nonce: String,
    /// Server version.
    pub version: String,
    /// Role: active / standby / sealed / uninitialized / unknown.
    pub role: String,
    /// Why the node could not be read.
    pub error: Option<String>,
}

/// Submit one unseal share to a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakglassUnsealArgs {
    /// The node's address.
    pub address: String,
    /// The key share (never logged, never returned).
    pub share: SecretInput,
}

/// Arguments naming one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakglassNodeArgs {
    /// The node's address.
    pub address: String,
}

/// Emergency seal of a node, confirmed by typing the cluster name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakglassSealArgs {
    /// The node's address.
    pub address: String,
    /// The cluster name, typed by the operator.
    pub typed_cluster_name: String,
}

/// Which generate-root flows a node offers, and the attempt this session is running.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateRootState {
    /// The node asked.
    pub address: String,
    /// OpenBao ≥ 2.5 token-authenticated `sys/generate-root-token/*` answered (needs the
    /// profile's token with `sudo`).
    pub token_flow: bool,
    /// The unauthenticated `sys/generate-root/*` answered (Vault, or a permissive listener).
    pub unauthenticated_flow: bool,
    /// The flow to use: `token` or `unauthenticated`; `None` when neither is offered.
    pub preferred: Option<String>,
    /// This session's attempt in progress, if any.
    pub attempt: Option<GenerateRootAttemptView>,
}

/// A generate-root attempt in progress (the OTP stays in the backend).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateRootAttemptView {
    /// The node it runs on.
    pub address: String,
    /// `token` or `unauthenticated`.
    pub flow: String,
    /// The nonce to share with the key holders.
    pub nonce: String,
    /// Shares given so far.
    pub progress: u32,
    /// Shares needed.
    pub required: u32,
}

/// Start generate-root on a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateRootStartArgs {
    /// The node's address (for the unauthenticated flow: the listener that allows it).
    pub address: String,
    /// `token` or `unauthenticated`; `None` = what the server offers (token first).
    #[serde(default)]
    pub flow: Option<String>,
}

/// Submit one key share to the running generate-root attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateRootSubmitArgs {
    /// The key share (never logged, never returned).
    pub share: SecretInput,
}

/// The result of one generate-root share.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateRootStep {
    /// Shares given so far.
    pub progress: u32,
    /// Shares needed.
    pub required: u32,
    /// The root token was generated, decoded and is now held by the root session.
    pub complete: bool,
    /// The root session, once complete.
    pub root: Option<RootSessionView>,
}

/// How a root token's revocation went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationView {
    /// `revoke-self` answered success.
    pub revoked: bool,
    /// `lookup-self` afterwards failed: the token is proven dead.
    pub verified: bool,
    /// What went wrong (tell the operator loudly).
    pub problem: Option<String>,
}

/// The time-boxed root session (the token itself never crosses IPC).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootSessionView {
    /// The root token is live (not yet revoked).
    pub active: bool,
    /// When it was generated (RFC 3339), while active.
    pub started_at: String,
    /// When the time box ends (RFC 3339), while active.
    pub expires_at: String,
    /// The same as unix seconds (for the countdown).
    pub expires_unix: i64,
    /// Seconds left when asked.
    pub remaining_secs: u64,
    /// How the last revocation went, once revoked.
    pub revocation: Option<RevocationView>,
}

/// Extend the root session's time box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootExtendArgs {
    /// Minutes to add (1–60).
    pub minutes: u32,
    /// Why (recorded in the audit log).
    pub reason: String,
}

/// An emergency lever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeverKind {
    /// Revoke every lease under a prefix (`sys/leases/revoke-prefix/<prefix>`).
    RevokeLeasePrefix,
    /// Revoke one token (and its children) by accessor.
    RevokeTokenAccessor,
    /// Revoke every token issued by an auth mount (`sys/leases/revoke-prefix/auth/<mount>`).
    RevokeAuthMount,
    /// Disable an auth method (`DELETE sys/auth/<mount>`).
    DisableAuthMethod,
}

/// Pull an emergency lever, confirmed by typing its target again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeverArgs {
    /// Which lever.
    pub kind: LeverKind,
    /// Prefix, accessor or auth mount.
    pub target: String,
    /// The target typed a second time by the operator.
    pub typed_confirm: String,
}

/// What a lever did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeverResult {
    /// The audit action, e.g. `breakglass.revoke_prefix`.
    pub action: String,
    /// What it acted on.
    pub target: String,
    /// One sentence for the operator.
    pub message: String,
    /// It ran with the session's root token (else with the profile's token).
    pub used_root: bool,
}

/// End the break-glass session (revoking any root token first) and write its report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndBreakglassArgs {
    /// Folder for the report (HTML + Markdown); `None` = the data dir's `exports/`.
    #[serde(default)]
    pub report_folder: Option<String>,
}

/// How the session ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakglassEnded {
    /// The root token's revocation, if one was live.
    pub revocation: Option<RevocationView>,
    /// The HTML report's path.
    pub report_html: Option<String>,
    /// The Markdown report's path.
    pub report_markdown: Option<String>,
    /// Actions in the report's timeline.
    pub actions: usize,
    /// Why the report could not be written (the session still ended).
    pub report_error: Option<String>,
}

crate::commands! {
    /// Break-glass commands: granted only to the `breakglass` window's capability.
    BREAKGLASS_COMMANDS;
    /// Start a session (audited `breakglass.session.start`); refuses a second one.
    StartBreakglassSession = "start_breakglass_session": StartBreakglassArgs => BreakglassSessionView;
    /// End the session, revoking any root token first (audited), and write its report.
    EndBreakglassSession = "end_breakglass_session": EndBreakglassArgs => BreakglassEnded;
    /// The running session, if any.
    GetBreakglassSession = "get_breakglass_session": NoArgs => Option<BreakglassSessionView>;
    /// Seal status of every node of the session's cluster.
    BreakglassStatus = "breakglass_status": NoArgs => Vec<BreakglassNode>;
    /// Submit one unseal share to a node (audited with the progress).
    BreakglassUnseal = "breakglass_unseal": BreakglassUnsealArgs => BreakglassNode;
    /// Discard the unseal progress of a node (audited).
    BreakglassUnsealReset = "breakglass_unseal_reset": BreakglassNodeArgs => BreakglassNode;
    /// Emergency seal of a node, confirmed by the typed cluster name (audited).
    BreakglassSeal = "breakglass_seal": BreakglassSealArgs => ();
    /// Which generate-root flows a node offers, and this session's attempt.
    GetGenerateRootState = "breakglass_generate_root_state": BreakglassNodeArgs => GenerateRootState;
    /// Start generate-root (audited with the nonce); refuses while a root token is live.
    StartGenerateRoot = "breakglass_generate_root_start": GenerateRootStartArgs => GenerateRootAttemptView;
    /// Submit one key share; on completion the token is decoded locally into the root session.
    SubmitGenerateRootShare = "breakglass_generate_root_submit": GenerateRootSubmitArgs => GenerateRootStep;
    /// Cancel the running generate-root attempt (audited).
    CancelGenerateRoot = "breakglass_generate_root_cancel": NoArgs => ();
    /// The root session (countdown), or its last revocation; `None` before any root token.
    GetRootSession = "breakglass_root_session": NoArgs => Option<RootSessionView>;
    /// Extend the root session's time box with a reason (audited).
    ExtendRootSession = "breakglass_root_extend": RootExtendArgs => RootSessionView;
    /// Revoke the root token now and verify it is dead (audited).
    EndRootSession = "breakglass_root_end": NoArgs => RevocationView;
    /// Pull an emergency lever (audited).
    PullBreakglassLever = "breakglass_lever": LeverArgs => LeverResult;
    /// Close the break-glass window: like its close button, this ends the session (revoking a
    /// live root token first).
    CloseBreakglassWindow = "close_breakglass_window": NoArgs => ();
}

crate::commands! {
    /// Opening the break-glass window (browse: any window may ask).
    BREAKGLASS_LAUNCH_COMMANDS;
    /// Opens (or focuses) the `breakglass` window.
    OpenBreakglassWindow = "open_breakglass_window": NoArgs => ();
}

/// The cluster view of an open connection's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
}

/// One raft peer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterPeer {
    /// Raft node id.
    pub node_id: String,
    /// Raft (cluster) address.
    pub address: String,
    /// The raft leader.
    pub leader: bool,
    /// Votes (joiners are non-voters until autopilot promotes them).
    pub voter: bool,
    /// Autopilot's status for it (`leader`, `voter`, `non-voter`), if known.
    pub autopilot_status: Option<String>,
    /// Autopilot considers it healthy, if known.
    pub healthy: Option<bool>,
}

/// One HA node (`sys/ha-status`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterHaNode {
    /// API address.
    pub api_address: String,
    /// The active node.
    pub active: bool,
    /// Last heartbeat seen by the active node.
    pub last_echo: Option<String>,
    /// Server version.
    pub version: String,
}

/// What the cluster view shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterOverview {
    /// The node asked (the profile's address).
    pub address: String,
    /// HA is enabled.
    pub ha_enabled: bool,
    /// API address of the active node.
    pub leader_address: Option<String>,
    /// The node asked is the active node.
    pub is_self_active: bool,
    /// Raft committed index of the node asked.
    pub raft_committed_index: Option<u64>,
    /// Raft peers.
    pub peers: Vec<ClusterPeer>,
    /// HA nodes.
    pub ha_nodes: Vec<ClusterHaNode>,
    /// Autopilot: the whole cluster is healthy.
    pub autopilot_healthy: Option<bool>,
    /// Autopilot: voters that may fail without losing quorum.
    pub failure_tolerance: Option<u32>,
    /// What could not be read (the rest is shown).
    pub problems: Vec<String>,
}

/// Step the active node down, confirmed by typing the profile name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDownArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// The profile name, typed by the operator.
    pub typed_confirm: String,
}

/// Download a raft snapshot (backup) to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaftSnapshotArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// The file to write; `None` = a new file under the data dir's `exports/`.
    #[serde(default)]
    pub file: Option<String>,
}

/// Progress of a snapshot download (streamed on the command's channel).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaftSnapshotProgress {
    /// Bytes written so far.
    pub bytes: u64,
}

crate::commands! {
    /// The cluster view (main window): raft peers, HA status, autopilot, step-down, snapshot.
    CLUSTER_COMMANDS;
    /// Raft peers, HA nodes and autopilot state of the open connection's cluster.
    GetClusterOverview = "cluster_overview": ClusterArgs => ClusterOverview;
    /// The active node steps down (confirmed by the typed profile name; audited).
    ClusterStepDown = "cluster_step_down": StepDownArgs => ();
    /// Download a raft snapshot to a file, progress on a channel (audited).
    DownloadRaftSnapshot = "cluster_raft_snapshot": RaftSnapshotArgs => crate::ExportedFile;
}
