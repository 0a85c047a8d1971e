//! The crate's error type and its mapping of AWS error codes onto [`ErrorCode`].

use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use vaultdeck_types::ErrorCode;

/// A boxed error source.
type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Details of an error answer from AWS (boxed in [`Error::Service`] to keep [`Error`] small).
#[derive(Debug)]
pub struct ServiceError {
    /// The API operation, e.g. `PutSecretValue`.
    pub operation: &'static str,
    /// The secret (name or ARN) or other object the call was about; may be empty.
    pub target: String,
    /// AWS's error code, e.g. `ResourceNotFoundException` (empty when the body had none).
    pub aws_code: String,
    /// AWS's message (never contains a secret value).
    pub message: String,
    /// The HTTP status, when there was a response.
    pub status: Option<u16>,
    /// The class the UI branches on.
    pub code: ErrorCode,
    /// A sentence on what to do, starting with `". "`, or empty.
    pub hint: &'static str,
    /// The SDK error.
    pub source: Option<BoxError>,
}

/// Everything that can go wrong talking to AWS Secrets Manager / STS.
///
/// Messages name the operation and the secret (never a value or a credential) and say what to
/// do. The UI branches on [`Error::code`], never on the message.
#[derive(thiserror::Error, Debug)]
#[non_exhaustive]
pub enum Error {
    /// AWS answered with an error.
    #[error(
        "{} {}: {}{}{}",
        .0.operation,
        .0.target,
        if .0.aws_code.is_empty() { String::new() } else { format!("{}: ", .0.aws_code) },
        ServiceMessage(&.0.message, .0.status),
        .0.hint
    )]
    Service(Box<ServiceError>),
    /// No answer: endpoint unreachable, DNS, TLS, timeout, or credentials could not be loaded.
    #[error("{operation} {target}: {detail}")]
    Unreachable {
        /// The API operation.
        operation: &'static str,
        /// What it was about.
        target: String,
        /// The SDK's error chain.
        detail: String,
        /// The SDK error.
        #[source]
        source: BoxError,
    },
    /// AWSCURRENT is no longer the version the caller started from.
    #[error(
        "{secret}: AWSCURRENT moved from version {expected} to {current} since you loaded it; \
         reload to see the new value (your draft is kept), then retry"
    )]
    Conflict {
        /// The secret.
        secret: String,
        /// The version the caller expected to be AWSCURRENT.
        expected: String,
        /// The version that is AWSCURRENT now.
        current: String,
    },
    /// A named version or label does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request was refused before it was sent; the message names the field.
    #[error("{0}")]
    Invalid(String),
    /// The endpoint does not offer this.
    #[error("{0}")]
    Unsupported(String),
    /// The client settings are unusable (no region, bad endpoint URL).
    #[error("invalid AWS connection settings: {0}")]
    Config(String),
}

impl Error {
    /// The class of this error, for the UI to branch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Service(s) => s.code,
            Error::Unreachable { .. } => ErrorCode::Unavailable,
            Error::Conflict { .. } => ErrorCode::Conflict,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Invalid(_) | Error::Config(_) => ErrorCode::InvalidInput,
            Error::Unsupported(_) => ErrorCode::Unsupported,
        }
    }

    /// AWS's error code (`ResourceNotFoundException`), when AWS answered with one.
    pub fn aws_code(&self) -> Option<&str> {
        match self {
            Error::Service(s) if !s.aws_code.is_empty() => Some(&s.aws_code),
            _ => None,
        }
    }

    /// The HTTP status, when AWS answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(s) => s.status,
            _ => None,
        }
    }

    /// Converts into the IPC error the UI receives.
    pub fn to_ipc(&self) -> vaultdeck_types::IpcError {
        vaultdeck_types::IpcError::new(self.code(), self.to_string())
    }

    /// Maps an SDK error of `operation` on `target`.
    pub(crate) fn sdk<E>(operation: &'static str, target: &str, err: SdkError<E>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let status = err.raw_response().map(|r| r.status().as_u16());
        match &err {
            SdkError::ServiceError(_) | SdkError::ResponseError(_) => {}
            _ => {
                let detail = DisplayErrorContext(&err).to_string();
                return Error::Unreachable {
                    operation,
                    target: target.to_owned(),
                    detail: unreachable_detail(&detail),
                    source: Box::new(err),
                };
            }
        }
        let mut aws_code = err.code().unwrap_or_default().to_owned();
        let mut message = err.message().unwrap_or_default().to_owned();
        if aws_code.is_empty() {
            // moto (and some proxies) answer auth failures with an XML body even for the
            // JSON protocol; the SDK leaves the code empty then.
            if let Some(body) = err.raw_response().and_then(|r| r.body().bytes()) {
                let body = String::from_utf8_lossy(body);
                aws_code = xml_tag(&body, "Code").unwrap_or_default();
                if message.is_empty() {
                    message = xml_tag(&body, "Message").unwrap_or_default();
                }
            }
        }
        let (code, hint) = classify(&aws_code, status, &message);
        Error::Service(Box::new(ServiceError {
            operation,
            target: target.to_owned(),
            aws_code,
            message,
            status,
            code,
            hint,
            source: Some(Box::new(err)),
        }))
    }
}

/// Turns the SDK's error chain into one line that says what to check.
fn unreachable_detail(chain: &str) -> String {
    let lower = chain.to_ascii_lowercase();
    let what = if lower.contains("credentials") && !lower.contains("dispatch") {
        "no usable AWS credentials. Set a profile (AWS_PROFILE / ~/.aws/config), access keys \
         in the connection profile, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
    } else if lower.contains("timeout") || lower.contains("timed out") {
        "no answer in time. Check the region and endpoint, and that nothing (VPN, proxy, \
         firewall) blocks it"
    } else {
        "could not reach the endpoint. Check the region and endpoint URL, and that nothing \
         (VPN, proxy, firewall) blocks it"
    };
    format!("{what} ({chain})")
}

/// Decides the [`ErrorCode`] and the "what to do" sentence.
fn classify(aws_code: &str, status: Option<u16>, message: &str) -> (ErrorCode, &'static str) {
    use ErrorCode::*;
    match aws_code {
        "ResourceNotFoundException" => (NotFound, ""),
        "AccessDeniedException" | "AccessDenied" => (
            PermissionDenied,
            ". The identity's IAM policies (or the secret's resource policy) do not allow this",
        ),
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "IncompleteSignature"
        | "MissingAuthenticationToken"
        | "ExpiredToken"
        | "ExpiredTokenException" => (
            Unauthenticated,
            ". Check the access key and secret (or refresh the SSO / session credentials)",
        ),
        "DecryptionFailure" | "EncryptionFailure" => (
            PermissionDenied,
            ". Check that the identity may use the secret's KMS key",
        ),
        "ResourceExistsException" => (
            Conflict,
            ". A secret with this name, or a version with this request token and another \
             value, already exists",
        ),
        "PreconditionNotMetException" => (Conflict, ""),
        "InvalidParameterException"
        | "InvalidRequestException"
        | "MalformedPolicyDocumentException"
        | "ValidationException"
        | "LimitExceededException"
        | "InvalidNextTokenException"
        | "PublicPolicyException" => (InvalidInput, ""),
        "InternalServiceError" | "InternalFailure" | "ServiceUnavailable" => (
            Unavailable,
            ". AWS reported an internal problem: retry shortly",
        ),
        "ThrottlingException" | "TooManyRequestsException" => {
            (Unavailable, ". Requests are being throttled: retry shortly")
        }
        _ if message.contains("has not been implemented") => (
            Unsupported,
            ". This endpoint does not implement the operation",
        ),
        _ => match status {
            Some(401) | Some(403) => (
                Unauthenticated,
                ". Check the access key and secret (or refresh the SSO / session credentials)",
            ),
            Some(404) => (NotFound, ""),
            Some(409) => (Conflict, ""),
            Some(400..=499) => (InvalidInput, ""),
            Some(500..=599) => (
                Unavailable,
                ". The endpoint reported an internal problem: retry, or check its logs",
            ),
            _ => (Internal, ""),
        },
    }
}

/// The text of the first `<tag>…</tag>` in an XML body.
fn xml_tag(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(body[start..end].trim().to_owned())
}

/// Displays AWS's message, or a default when it is empty.
struct ServiceMessage<'a>(&'a str, Option<u16>);

impl std::fmt::Display for ServiceMessage<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.0.is_empty(), self.1) {
            (false, Some(s)) => write!(f, "{} (HTTP {s})", self.0),
            (false, None) => f.write_str(self.0),
            (true, Some(s)) => write!(f, "the service returned HTTP {s} without a message"),
            (true, None) => f.write_str("the service returned an error without a message"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_aws_codes() {
        use ErrorCode::*;
        assert_eq!(
            classify("ResourceNotFoundException", Some(400), "").0,
            NotFound
        );
        assert_eq!(
            classify("AccessDeniedException", Some(400), "").0,
            PermissionDenied
        );
        assert_eq!(
            classify("ResourceExistsException", Some(400), "").0,
            Conflict
        );
        assert_eq!(
            classify("InvalidParameterException", Some(400), "").0,
            InvalidInput
        );
        assert_eq!(
            classify("SignatureDoesNotMatch", Some(403), "").0,
            Unauthenticated
        );
        assert_eq!(classify("", Some(403), "").0, Unauthenticated);
        assert_eq!(classify("", Some(500), "boom").0, Unavailable);
        assert_eq!(
            classify(
                "",
                Some(500),
                "The ValidateResourcePolicy action has not been implemented"
            )
            .0,
            Unsupported
        );
    }

    #[test]
    fn reads_xml_error_codes() {
        let body = "<ErrorResponse><Error><Code>InvalidClientTokenId</Code>\
                    <Message>The security token is invalid</Message></Error></ErrorResponse>";
        assert_eq!(
            xml_tag(body, "Code").as_deref(),
            Some("InvalidClientTokenId")
        );
        assert_eq!(
            xml_tag(body, "Message").as_deref(),
            Some("The security token is invalid")
        );
        assert_eq!(xml_tag(body, "Nope"), None);
    }

    #[test]
    fn stays_small_enough_to_wrap() {
        assert!(
            std::mem::size_of::<Error>() <= 80,
            "{}",
            std::mem::size_of::<Error>()
        );
    }
}
