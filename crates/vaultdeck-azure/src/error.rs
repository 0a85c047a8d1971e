//! Errors of the Azure provider: the service's own code and message (and the inner code that
//! tells the soft-delete states apart), sign-in failures, bad input, transport problems.

use vaultdeck_types::ErrorCode;

/// Result alias.
pub type Result<T> = std::result::Result<T, Error>;

/// What went wrong. Messages never contain secret values or tokens.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The vault answered with an error.
    #[error("Key Vault {status} {code}{}: {message}", inner.as_deref().map(|i| format!(" ({i})")).unwrap_or_default())]
    Service {
        /// HTTP status.
        status: u16,
        /// The error's `code`, e.g. `SecretNotFound`, `Conflict`, `Forbidden`.
        code: String,
        /// The `innererror.code`, e.g. `ObjectIsDeletedButRecoverable`, `SecretDisabled`.
        inner: Option<String>,
        /// The service's message.
        message: String,
    },
    /// Getting a token failed (wrong secret, expired sign-in, no Azure CLI login, …).
    #[error("Azure sign-in failed: {0}")]
    Credential(String),
    /// A device-code sign-in was not completed (declined, expired, cancelled).
    #[error("device-code sign-in did not complete: {0}")]
    DeviceCode(String),
    /// The profile/config is unusable (not https, bad URL, unreadable CA bundle).
    #[error("invalid Azure configuration: {0}")]
    Config(String),
    /// A caller's input was rejected before any request.
    #[error("{0}")]
    InvalidInput(String),
    /// The vault could not be reached or answered something unreadable.
    #[error("Key Vault unreachable: {0}")]
    Transport(String),
}

impl Error {
    /// The project-wide error class, for the UI's branches.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Service { status, .. } => match status {
                404 => ErrorCode::NotFound,
                401 => ErrorCode::Unauthenticated,
                403 => ErrorCode::PermissionDenied,
                409 => ErrorCode::Conflict,
                400 => ErrorCode::InvalidInput,
                _ => ErrorCode::Unavailable,
            },
            Error::Credential(_) | Error::DeviceCode(_) => ErrorCode::Unauthenticated,
            Error::Config(_) | Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::Transport(_) => ErrorCode::Unavailable,
        }
    }

    /// The most specific service code: the inner code if any, else the code.
    pub fn service_code(&self) -> Option<&str> {
        match self {
            Error::Service { code, inner, .. } => Some(inner.as_deref().unwrap_or(code)),
            _ => None,
        }
    }

    /// HTTP status of a service error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The name is taken by a soft-deleted object: recover or purge it first.
    pub fn is_deleted_but_recoverable(&self) -> bool {
        self.service_code() == Some("ObjectIsDeletedButRecoverable")
    }

    /// A delete/recover is still in progress on the service side: retry shortly.
    pub fn is_being_deleted(&self) -> bool {
        self.service_code() == Some("ObjectIsBeingDeleted")
    }

    /// The secret version is disabled.
    pub fn is_disabled(&self) -> bool {
        self.service_code() == Some("SecretDisabled")
    }

    /// 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}

#[derive(serde::Deserialize)]
struct Body {
    error: Option<Inner>,
}

#[derive(serde::Deserialize)]
struct Inner {
    code: Option<String>,
    message: Option<String>,
    innererror: Option<Box<Inner>>,
}

impl From<azure_core::Error> for Error {
    fn from(e: azure_core::Error) -> Self {
        use azure_core::error::ErrorKind;
        match e.kind() {
            ErrorKind::HttpResponse {
                status,
                error_code,
                raw_response,
            } => {
                let body = raw_response
                    .as_ref()
                    .and_then(|r| serde_json::from_slice::<Body>(r.body()).ok())
                    .and_then(|b| b.error);
                let status = u16::from(*status);
                match body {
                    Some(inner) => Error::Service {
                        status,
                        code: inner
                            .code
                            .or_else(|| error_code.clone())
                            .unwrap_or_else(|| status.to_string()),
                        inner: inner.innererror.and_then(|i| i.code),
                        message: inner.message.unwrap_or_default(),
                    },
                    None => Error::Service {
                        status,
                        code: error_code.clone().unwrap_or_else(|| status.to_string()),
                        inner: None,
                        message: "the vault answered without an error body".into(),
                    },
                }
            }
            ErrorKind::Credential => Error::Credential(chain(&e)),
            ErrorKind::DataConversion => {
                Error::Transport(format!("unreadable response: {}", chain(&e)))
            }
            _ => Error::Transport(chain(&e)),
        }
    }
}

/// Contexts the SDK's retry policy wraps errors in: they say nothing to an operator.
const RETRY_NOISE: [&str; 2] = [
    "non-transport error occurred which will not be retried",
    "retry policy expired and the request will no longer be retried",
];

/// `e` and its sources, `: `-joined, without repeats and without the retry policy's wrapper
/// text (the SDK wraps the authority's message, e.g. `AADSTS7000215: Invalid client secret`, a
/// few levels down).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        if !RETRY_NOISE.contains(&s.as_str()) && !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_policys_wrapper_text_is_dropped_and_the_cause_kept() {
        let inner = azure_core::Error::with_message(
            azure_core::error::ErrorKind::Credential,
            "AzureCliCredential authentication failed. ERROR: Please run 'az login'",
        );
        let wrapped = inner.with_context(RETRY_NOISE[0]);
        let text = chain(&wrapped);
        assert!(!text.contains("will not be retried"), "{text}");
        assert!(text.contains("Please run 'az login'"), "{text}");
    }
}
