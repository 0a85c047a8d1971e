//! The break-glass window's contract: a session (operator typed at start), the per-node seal
//! status, unseal / reset / emergency seal. Unseal shares cross only as [`SecretInput`]; no
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

crate::commands! {
    /// Break-glass commands: granted only to the `breakglass` window's capability.
    BREAKGLASS_COMMANDS;
    /// Start a session (audited `breakglass.session.start`); refuses a second one.
    StartBreakglassSession = "start_breakglass_session": StartBreakglassArgs => BreakglassSessionView;
    /// End the session, revoking any root token first (audited).
    EndBreakglassSession = "end_breakglass_session": NoArgs => ();
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
}

crate::commands! {
    /// Opening the break-glass window (browse: any window may ask).
    BREAKGLASS_LAUNCH_COMMANDS;
    /// Opens (or focuses) the `breakglass` window.
    OpenBreakglassWindow = "open_breakglass_window": NoArgs => ();
}
