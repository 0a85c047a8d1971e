//! Why a policy was rejected. Messages follow the server's wording (OpenBao 2.7.2,
//! `vault/policy.go`), prefixed with the line of the offending rule.

/// A policy the server would reject, with the 1-based line it comes from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The text is empty (the server: `'policy' parameter not supplied or empty`).
    #[error("the policy is empty")]
    Empty,
    /// HCL or JSON syntax error.
    #[error("line {line}, column {column}: failed to parse policy: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// A key that is not allowed at the top level or inside a `path` block.
    #[error(
        "line {line}: failed to parse policy: {}invalid key {key:?}",
        path_prefix(path)
    )]
    InvalidKey {
        /// The offending key.
        key: String,
        /// The rule it appears in (`None` at the top level).
        path: Option<String>,
        /// 1-based line.
        line: usize,
    },
    /// A value of the wrong shape (e.g. `capabilities = "read"` instead of a list).
    #[error("line {line}: failed to parse policy: path {path:?}: {field}: {message}")]
    InvalidValue {
        /// The rule.
        path: String,
        /// The attribute.
        field: String,
        /// What is wrong.
        message: String,
        /// 1-based line.
        line: usize,
    },
    /// A capability name OpenBao does not know (including Vault-only `subscribe`/`recover`).
    #[error(
        "line {line}: failed to parse policy: path {path:?}: invalid capability {capability:?}"
    )]
    InvalidCapability {
        /// The rule.
        path: String,
        /// The unknown name.
        capability: String,
        /// 1-based line.
        line: usize,
    },
    /// An old-style `policy = "..."` value other than deny/read/write/sudo.
    #[error("line {line}: failed to parse policy: path {path:?}: invalid policy {policy:?}")]
    InvalidOldPolicy {
        /// The rule.
        path: String,
        /// The value given.
        policy: String,
        /// 1-based line.
        line: usize,
    },
    /// `+*` somewhere in the path.
    #[error("line {line}: failed to parse policy: path {path:?}: invalid use of wildcards ('+*' is forbidden)")]
    PlusGlob {
        /// The rule.
        path: String,
        /// 1-based line.
        line: usize,
    },
    /// Unbalanced `{{` / `}}` in a templated path.
    #[error("line {line}: failed to parse policy: path {path:?}: failed to validate policy templating: unbalanced templating characters")]
    Templating {
        /// The rule.
        path: String,
        /// 1-based line.
        line: usize,
    },
    /// A wrapping TTL that is not a duration, or `max_wrapping_ttl < min_wrapping_ttl`.
    #[error("line {line}: failed to parse policy: path {path:?}: {message}")]
    WrappingTtl {
        /// The rule.
        path: String,
        /// The server's message.
        message: String,
        /// 1-based line.
        line: usize,
    },
    /// An `expiration` that is not a date and time.
    #[error("line {line}: failed to parse policy: path {path:?}: invalid expiration time: could not parse string as date and time")]
    Expiration {
        /// The rule.
        path: String,
        /// 1-based line.
        line: usize,
    },
    /// Another rule-level constraint of the server (e.g. a list filter without `list`).
    #[error("line {line}: failed to parse policy: path {path:?}: {message}")]
    Constraint {
        /// The rule.
        path: String,
        /// The server's message.
        message: String,
        /// 1-based line.
        line: usize,
    },
}

fn path_prefix(path: &Option<String>) -> String {
    path.as_ref()
        .map(|p| format!("path {p:?}: "))
        .unwrap_or_default()
}

impl ParseError {
    /// The 1-based line the error points at (0 for an empty policy).
    pub fn line(&self) -> usize {
        match self {
            ParseError::Empty => 0,
            ParseError::Syntax { line, .. }
            | ParseError::InvalidKey { line, .. }
            | ParseError::InvalidValue { line, .. }
            | ParseError::InvalidCapability { line, .. }
            | ParseError::InvalidOldPolicy { line, .. }
            | ParseError::PlusGlob { line, .. }
            | ParseError::Templating { line, .. }
            | ParseError::WrappingTtl { line, .. }
            | ParseError::Expiration { line, .. }
            | ParseError::Constraint { line, .. } => *line,
        }
    }
}
