use serde::{Deserialize, Serialize};

/// One line of the local audit log (JSON lines, hash-chained).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// 1-based line number in the audit file.
    pub seq: u64,
    /// RFC 3339 UTC timestamp.
    pub time: String,
    /// Action name, e.g. `profile.save`, `token.revoke`, `kv.write`.
    pub action: String,
    /// Profile the action used, if any.
    pub profile: Option<String>,
    /// Target path or object, if any (never a value).
    pub target: Option<String>,
    /// `ok` or `error`.
    pub outcome: String,
    /// Free-form non-secret detail (error message, counts).
    pub detail: Option<String>,
    /// SHA-256 (hex) of the previous line's bytes; 64 zeros for the first line.
    pub prev_sha256: String,
}

/// Filters for listing audit entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Substring of the action name.
    #[serde(default)]
    pub action: Option<String>,
    /// Exact profile id/name.
    #[serde(default)]
    pub profile: Option<String>,
    /// Substring of target or detail.
    #[serde(default)]
    pub text: Option<String>,
    /// Only `ok` or `error`.
    #[serde(default)]
    pub outcome: Option<String>,
    /// Maximum entries to return (newest first); default 500.
    #[serde(default)]
    pub limit: Option<usize>,
}

/// The result of verifying the hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerifyReport {
    /// Number of lines checked.
    pub lines: u64,
    /// First broken line (1-based), if any.
    pub first_broken_line: Option<u64>,
    /// Why that line is broken.
    pub reason: Option<String>,
}
