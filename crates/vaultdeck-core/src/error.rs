use vaultdeck_types::{ErrorCode, IpcError};

/// Result alias for core operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can fail in core. Each variant keeps its source; [`Error::code`] classifies it
/// for the UI. Messages never contain a secret.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A Vault / OpenBao request failed.
    #[error(transparent)]
    Vault(#[from] vaultdeck_vault::Error),
    /// An AWS Secrets Manager / STS request failed.
    #[error(transparent)]
    Aws(#[from] vaultdeck_aws::Error),
    /// An Azure Key Vault request failed (conflicts, permission, transport; not-found, bad input
    /// and sign-in failures map to the generic variants).
    #[error(transparent)]
    Azure(vaultdeck_azure::Error),
    /// Input failed validation; the message names the field and the fix.
    #[error("{0}")]
    InvalidInput(String),
    /// A named thing does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The provider does not offer this capability.
    #[error("{0}")]
    Unsupported(String),
    /// A credential is needed (none stored, or it was rejected).
    #[error("{0}")]
    Unauthenticated(String),
    /// The OS keychain cannot be used.
    #[error("OS keychain unavailable: {0}")]
    Keychain(String),
    /// A file could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// What we were doing.
        action: &'static str,
        /// Which file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The profiles file is not valid TOML for our schema.
    #[error("profiles file {path} is invalid: {message}")]
    ProfilesFile {
        /// Which file.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// An internal invariant failed.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// The error class the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Vault(e) => e.code(),
            Error::Aws(e) => e.code(),
            Error::Azure(e) => e.code(),
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Unsupported(_) => ErrorCode::Unsupported,
            Error::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Error::Keychain(_) => ErrorCode::KeychainUnavailable,
            Error::Io { .. } | Error::ProfilesFile { .. } | Error::Internal(_) => {
                ErrorCode::Internal
            }
        }
    }

    pub(crate) fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.display().to_string(),
            source,
        }
    }
}

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        IpcError::new(e.code(), e.to_string())
    }
}
