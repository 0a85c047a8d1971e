use serde::{Deserialize, Serialize};
use std::fmt;

/// The small, stable set of error classes the UI branches on. It grows only when the UI needs a
/// new branch; the UI never matches on message strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The path, profile or object does not exist.
    NotFound,
    /// The server (or the app's ACL) refused the operation for this identity.
    PermissionDenied,
    /// The Vault/OpenBao server is sealed.
    Sealed,
    /// A concurrent change was detected (CAS / version mismatch).
    Conflict,
    /// The request was malformed or failed validation; the message says which field.
    InvalidInput,
    /// The current connection's provider does not support this capability.
    Unsupported,
    /// The server could not be reached or is not ready (network, TLS, standby, 5xx).
    Unavailable,
    /// No valid credential: log in (again).
    Unauthenticated,
    /// No OS keychain is available; credentials are held in memory for this session only.
    KeychainUnavailable,
    /// A bug or an unexpected state; the message says what failed.
    Internal,
}

impl ErrorCode {
    /// A short label for badges and logs.
    pub fn label(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not found",
            ErrorCode::PermissionDenied => "permission denied",
            ErrorCode::Sealed => "sealed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::InvalidInput => "invalid input",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::Unavailable => "unreachable",
            ErrorCode::Unauthenticated => "not signed in",
            ErrorCode::KeychainUnavailable => "no keychain",
            ErrorCode::Internal => "internal error",
        }
    }
}

/// The error every command returns: a class for the UI to branch on and a message for people
/// that names what failed and what to do. Never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpcError {
    /// The error class.
    pub code: ErrorCode,
    /// Human-readable message: what failed and what to do.
    pub message: String,
}

impl IpcError {
    /// Builds an error from a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code.label())
    }
}

impl std::error::Error for IpcError {}
