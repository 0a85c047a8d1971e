//! The Policies workbench's IPC contract: list / read / lint / save / delete ACL policies,
//! simulate paths offline with provenance, and compare with the server's `sys/capabilities*`.

use serde::{Deserialize, Serialize};

use crate::{commands, ProfileRef};

/// Names a policy on a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRef {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Policy name.
    pub name: String,
}

/// A policy as stored on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDocument {
    /// Policy name.
    pub name: String,
    /// The policy text (HCL or JSON) exactly as stored.
    pub text: String,
    /// OpenBao's policy version (check-and-set), when the server reports one.
    #[serde(default)]
    pub version: Option<u64>,
    /// Whether the server requires `cas` on every write of this policy.
    #[serde(default)]
    pub cas_required: bool,
    /// Last modification time (RFC 3339), when the server reports one.
    #[serde(default)]
    pub modified: Option<String>,
}

/// A policy text not (necessarily) on the server: an editor draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDraft {
    /// Policy name.
    pub name: String,
    /// HCL or JSON text.
    pub text: String,
}

/// Lint a draft, optionally with the connection's mount table (KV v2 checks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LintPolicyArgs {
    /// The open connection whose mount table to use; `None` lints offline.
    #[serde(default)]
    pub profile_id: Option<String>,
    /// The draft to lint.
    pub draft: PolicyDraft,
}

/// A policy text to format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatPolicyArgs {
    /// The draft text.
    pub text: String,
}

/// Why a policy text would be rejected, with its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyParseProblem {
    /// 1-based line (0 when the whole text is at fault, e.g. empty).
    pub line: usize,
    /// The server's wording.
    pub message: String,
}

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyFinding {
    /// Stable id, e.g. `VDP001`.
    pub id: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// The policy the rule is in.
    pub policy: String,
    /// 1-based line of the rule.
    pub line: usize,
    /// The rule's path pattern.
    pub pattern: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// Result of linting a draft.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PolicyLintReport {
    /// Set when the text does not parse (then there are no findings).
    #[serde(default)]
    pub problem: Option<PolicyParseProblem>,
    /// Findings, sorted by line.
    #[serde(default)]
    pub findings: Vec<PolicyFinding>,
    /// Whether the mount table was used (KV v2 checks ran).
    #[serde(default)]
    pub with_mounts: bool,
}

/// Save a policy, with check-and-set against the version it was read at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavePolicyArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// The policy to write.
    pub draft: PolicyDraft,
    /// The version the draft started from (`Some(0)`: must not exist yet); a different current
    /// version fails with code `Conflict` and leaves the server unchanged. `None`: no check.
    #[serde(default)]
    pub cas: Option<u64>,
    /// The text the draft started from, checked just before writing when the server has no
    /// policy versions.
    #[serde(default)]
    pub base_text: Option<String>,
}

/// The outcome of a save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySaved {
    /// The policy as stored after the write.
    pub document: PolicyDocument,
}

/// One rule that took part in a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleProvenance {
    /// Policy name.
    pub policy: String,
    /// Path pattern of the rule.
    pub pattern: String,
    /// 1-based line in the policy text.
    pub line: usize,
    /// The rule's capabilities.
    pub capabilities: Vec<String>,
}

/// The decision for one path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathDecision {
    /// The request path.
    pub path: String,
    /// Capabilities as `sys/capabilities` would answer (`["deny"]` when nothing is granted).
    pub capabilities: Vec<String>,
    /// The rules that decided (same pattern, merged), first is the primary one.
    pub decided_by: Vec<RuleProvenance>,
    /// Rules that matched but lost to a higher-priority pattern.
    pub overridden: Vec<RuleProvenance>,
}

/// Simulate paths against a set of policies, offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulatePolicyArgs {
    /// The open connection to resolve `names` from; needed only when `names` is not empty.
    #[serde(default)]
    pub profile_id: Option<String>,
    /// Policy texts (e.g. the editor's draft), taking precedence over same-named server policies.
    #[serde(default)]
    pub drafts: Vec<PolicyDraft>,
    /// Server policies to add to the set, by name.
    #[serde(default)]
    pub names: Vec<String>,
    /// An identity entity (by name) whose policies, direct and through its groups, join the set.
    #[serde(default)]
    pub entity: Option<String>,
    /// Request paths.
    pub paths: Vec<String>,
}

/// The simulator's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySimulation {
    /// The policy names in the set, in order.
    pub policies: Vec<String>,
    /// One decision per path, in input order.
    pub results: Vec<PathDecision>,
}

/// Compare the local evaluator with the server for a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComparePolicyArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// A token accessor; `None` = the connection's own token.
    #[serde(default)]
    pub accessor: Option<String>,
    /// Request paths.
    pub paths: Vec<String>,
}

/// Local vs server capabilities on one path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathComparison {
    /// The request path.
    pub path: String,
    /// What the local evaluator says.
    pub local: Vec<String>,
    /// What the server says.
    pub server: Vec<String>,
    /// Whether they are the same.
    pub agree: bool,
}

/// The comparison's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyComparison {
    /// The token's policies (token and identity policies) the local evaluator used.
    pub policies: Vec<String>,
    /// One row per path.
    pub paths: Vec<PathComparison>,
    /// Whether every path agrees.
    pub agree: bool,
}

commands! {
    /// The Policies workbench.
    POLICY_COMMANDS;
    /// ACL policy names on the connection.
    ListPolicies = "list_policies": ProfileRef => Vec<String>;
    /// One ACL policy's text, version and modification time.
    ReadPolicy = "read_policy": PolicyRef => PolicyDocument;
    /// Parse and lint a draft (line-numbered problem and findings).
    LintPolicy = "lint_policy": LintPolicyArgs => PolicyLintReport;
    /// Canonical layout of a draft (indentation, blank lines), keeping comments and meaning.
    FormatPolicy = "format_policy": FormatPolicyArgs => String;
    /// Validate, then write a policy with check-and-set (audited `policy.write`).
    SavePolicy = "save_policy": SavePolicyArgs => PolicySaved;
    /// Delete a policy (audited `policy.delete`).
    DeletePolicy = "delete_policy": PolicyRef => ();
    /// Evaluate paths against drafts and server policies, with provenance.
    SimulatePolicy = "simulate_policy": SimulatePolicyArgs => PolicySimulation;
    /// Compare the local evaluator with the server's `sys/capabilities*` for a token.
    ComparePolicyWithServer = "compare_policy_with_server": ComparePolicyArgs => PolicyComparison;
}

/// A staged edit of one policy (kept in the data dir until applied or discarded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedPolicy {
    /// Policy name.
    pub name: String,
    /// The new text.
    pub text: String,
    /// The server's text when the edit started (`None`: a new policy).
    #[serde(default)]
    pub base_text: Option<String>,
    /// The server's version when the edit started (checked on apply).
    #[serde(default)]
    pub base_version: Option<u64>,
}

/// Stage (add or replace) one policy edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagePolicyArgs {
    /// Profile id of the connection the edit is for.
    pub profile_id: String,
    /// The edit.
    pub staged: StagedPolicy,
}

/// Impact preview arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewStagedArgs {
    /// Profile id.
    pub profile_id: String,
    /// Paths to check besides those appearing in the old and new rules.
    #[serde(default)]
    pub extra_paths: Vec<String>,
}

/// One path whose capabilities change under one policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpactRow {
    /// The request path probed.
    pub path: String,
    /// The policy.
    pub policy: String,
    /// Capabilities before (`["deny"]` when none).
    pub before: Vec<String>,
    /// Capabilities after.
    pub after: Vec<String>,
    /// Capabilities gained.
    pub gained: Vec<String>,
    /// Capabilities lost.
    pub lost: Vec<String>,
}

/// The review of all staged edits: each edit (diff it old → new) and the impact.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StagedPreview {
    /// The staged edits, by name.
    pub staged: Vec<StagedPolicy>,
    /// Paths × policies whose capabilities change.
    pub impact: Vec<ImpactRow>,
    /// Every path probed.
    pub probed: Vec<String>,
}

/// What applying the staged edits did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ApplyStagedReport {
    /// Policies written, in order.
    pub applied: Vec<String>,
    /// The policy whose write failed (the rest stay staged).
    #[serde(default)]
    pub failed: Option<String>,
    /// Why it failed.
    #[serde(default)]
    pub error: Option<crate::IpcError>,
    /// What is still staged.
    pub remaining: Vec<StagedPolicy>,
}

commands! {
    /// The Policies workbench's staged changes.
    POLICY_STAGING_COMMANDS;
    /// Staged policy edits of a connection (they survive a restart).
    ListStagedPolicies = "list_staged_policies": ProfileRef => Vec<StagedPolicy>;
    /// Stage (add or replace) an edit; returns all staged edits.
    StagePolicy = "stage_policy": StagePolicyArgs => Vec<StagedPolicy>;
    /// Drop one staged edit; returns the rest.
    UnstagePolicy = "unstage_policy": PolicyRef => Vec<StagedPolicy>;
    /// Drop every staged edit of a connection.
    DiscardStagedPolicies = "discard_staged_policies": ProfileRef => ();
    /// Each staged edit plus the paths that gain or lose capabilities under each policy.
    PreviewStagedPolicies = "preview_staged_policies": PreviewStagedArgs => StagedPreview;
    /// Write every staged edit (validated, CAS-checked, audited), stopping at the first failure.
    ApplyStagedPolicies = "apply_staged_policies": ProfileRef => ApplyStagedReport;
}

/// Policies × paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyMatrixArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Server policies (empty: all of them).
    #[serde(default)]
    pub names: Vec<String>,
    /// Request paths (rows).
    pub paths: Vec<String>,
}

/// What each policy alone grants on each path (the server's answer for a token holding just
/// that policy).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PolicyMatrix {
    /// Column names.
    pub policies: Vec<String>,
    /// Row names.
    pub paths: Vec<String>,
    /// `cells[row][column]`: capabilities (`["deny"]` when none, `["root"]` for root).
    pub cells: Vec<Vec<Vec<String>>>,
}

/// Export the matrix as CSV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportMatrixArgs {
    /// The matrix to compute.
    pub matrix: PolicyMatrixArgs,
    /// Where to write; `None` = a new file under the data dir's `exports/`.
    #[serde(default)]
    pub file: Option<String>,
}

/// A file the app wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedFile {
    /// Absolute path.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// Who can access a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhoCanArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// The request path, or with `subtree` a KV folder such as `secret/apps/`.
    pub path: String,
    /// Walk the KV folder and answer for every secret under it.
    #[serde(default)]
    pub subtree: bool,
}

/// One policy's rules on a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyGrant {
    /// Policy name.
    pub policy: String,
    /// What the policy alone grants (`["deny"]` for an explicit deny).
    pub capabilities: Vec<String>,
    /// Its deciding rules.
    pub rules: Vec<RuleProvenance>,
}

/// Something that carries policies: a userpass user, an AppRole role, a token role, an
/// identity group or entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyHolder {
    /// `userpass`, `approle`, `token_role`, `identity_group` or `identity_entity`.
    pub kind: String,
    /// Auth mount (`auth/userpass/`) or `identity/`.
    pub mount: String,
    /// User, role, group or entity name.
    pub name: String,
    /// Its policies that grant something on the path.
    pub policies: Vec<String>,
}

/// The who-can-access answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WhoCanAccess {
    /// The request path.
    pub path: String,
    /// Policies with a rule on the path (granting or denying).
    pub grants: Vec<PolicyGrant>,
    /// Holders of a granting policy (`default` is carried by every token unless opted out).
    pub holders: Vec<PolicyHolder>,
    /// What could not be listed, and why (e.g. permission denied).
    pub unlisted: Vec<String>,
    /// For a subtree question: the secrets walked and each one's grants.
    #[serde(default)]
    pub subtree: Option<WhoCanSubtree>,
}

/// Who-can-access over every secret under a KV folder.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WhoCanSubtree {
    /// Secrets found by the walk.
    pub secrets: usize,
    /// Whether `rows` stops before the last secret.
    pub truncated: bool,
    /// Per secret (its API path), the policies with a rule there.
    pub rows: Vec<WhoCanRow>,
}

/// One secret's grants in a subtree answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhoCanRow {
    /// The API path, e.g. `secret/data/app/db`.
    pub path: String,
    /// Policies with a rule on it.
    pub grants: Vec<PolicyGrant>,
}

commands! {
    /// The Policies workbench's matrix and who-can-access views.
    POLICY_ANALYSIS_COMMANDS;
    /// The policies × paths capability matrix.
    PolicyMatrixCmd = "policy_matrix": PolicyMatrixArgs => PolicyMatrix;
    /// Write the matrix as CSV to a file.
    ExportPolicyMatrix = "export_policy_matrix": ExportMatrixArgs => ExportedFile;
    /// Which policies grant what on a path, and who carries them.
    WhoCanAccessPath = "who_can_access": WhoCanArgs => WhoCanAccess;
}

/// A policy review session's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewReportArgs {
    /// Profile id of the open connection.
    pub profile_id: String,
    /// Who reviewed.
    pub reviewer: String,
    /// Policies under review (empty: all).
    #[serde(default)]
    pub policies: Vec<String>,
    /// Sensitive paths: matrix rows and who-can-access sections.
    pub sensitive_paths: Vec<String>,
    /// Folder to write into; `None` = the data dir's `exports/`.
    #[serde(default)]
    pub folder: Option<String>,
}

/// The report files written (HTML and Markdown, same content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewReportFiles {
    /// The self-contained HTML file.
    pub html: ExportedFile,
    /// The Markdown file.
    pub markdown: ExportedFile,
    /// Findings in the report (for a summary line).
    pub findings: usize,
}

commands! {
    /// The Policies workbench's review report.
    POLICY_REVIEW_COMMANDS;
    /// Write the review report (HTML + Markdown) and record it in the audit log.
    ExportPolicyReview = "export_policy_review": ReviewReportArgs => ReviewReportFiles;
}
