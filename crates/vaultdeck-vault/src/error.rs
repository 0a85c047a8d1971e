//! The crate's error type and its mapping onto [`ErrorCode`].

use std::fmt;
use std::path::PathBuf;

use vaultdeck_types::ErrorCode;

/// What a request was for; decides how some statuses map to an [`ErrorCode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// An ordinary authenticated request.
    Normal,
    /// A login: `400` means bad credentials, no token is sent.
    Login,
    /// A request about the client's own token (`lookup-self`, `renew-self`, `revoke-self`):
    /// `401`/`403` mean the token itself is invalid.
    OwnToken,
}

/// Everything that can go wrong talking to Vault/OpenBao or running a local `bao`.
///
/// Messages name the method and path (never a token or a request body) and say what to do.
/// The UI branches on [`Error::code`], never on the message.
#[derive(thiserror::Error, Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status.
    #[error("{method} {path}: {summary} (HTTP {status}){hint}", summary = ServerErrors(errors))]
    Api {
        /// HTTP method (`GET`, `LIST`, ...).
        method: &'static str,
        /// Vault path, relative to `/v1/`.
        path: String,
        /// HTTP status.
        status: u16,
        /// The server's `errors` array (or a short excerpt of a non-JSON body).
        errors: Vec<String>,
        /// The class the UI branches on.
        code: ErrorCode,
        /// A sentence on what to do, starting with `". "`, or empty.
        hint: String,
    },
    /// The server could not be reached: connection refused, DNS, timeout or TLS failure.
    #[error(
        "{method} {path}: could not reach the server at {address}: {detail}. {}",
        if *tls { TLS_HINT } else { NETWORK_HINT }
    )]
    Unreachable {
        /// HTTP method.
        method: &'static str,
        /// Vault path, relative to `/v1/`.
        path: String,
        /// Server address.
        address: String,
        /// The innermost cause, e.g. `Connection refused (os error 111)`.
        detail: String,
        /// Whether it failed in TLS (certificate, handshake) rather than in the network.
        tls: bool,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered, but not with what this endpoint returns.
    #[error("{method} {path}: unexpected response from {address}: {detail}")]
    Decode {
        /// HTTP method.
        method: &'static str,
        /// Vault path, relative to `/v1/`.
        path: String,
        /// Server address.
        address: String,
        /// What did not match.
        detail: String,
    },
    /// The client configuration is unusable (address, CA bundle, token characters).
    #[error("invalid Vault connection settings: {message}")]
    Config {
        /// What is wrong and how to fix it.
        message: String,
        /// The underlying error, if any.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// No `bao` binary was found.
    #[error("{message}")]
    BaoNotFound {
        /// Where we looked and how to install it.
        message: String,
    },
    /// The operation does not exist for this kind of mount (e.g. versions on KV v1), or the
    /// server does not offer it.
    #[error("{message}")]
    Unsupported {
        /// What is not supported and what to do instead.
        message: String,
    },
    /// The request was refused before it was sent (e.g. an empty secret path).
    #[error("{message}")]
    Invalid {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A local server process (e.g. the dev server) failed to start or misbehaved.
    #[error("{message}{}", LogTail(log_tail))]
    Process {
        /// What failed.
        message: String,
        /// The last lines of the process log (secrets redacted), or empty.
        log_tail: String,
        /// Path of the full log, if any.
        log_path: Option<PathBuf>,
        /// The underlying I/O error, if any.
        #[source]
        source: Option<std::io::Error>,
    },
}

impl Error {
    /// The class of this error, for the UI to branch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Api { code, .. } => *code,
            Error::Unreachable { .. } => ErrorCode::Unavailable,
            Error::Decode { .. } => ErrorCode::Internal,
            Error::Config { .. } => ErrorCode::InvalidInput,
            Error::BaoNotFound { .. } => ErrorCode::Unavailable,
            Error::Process { .. } => ErrorCode::Unavailable,
            Error::Unsupported { .. } => ErrorCode::Unsupported,
            Error::Invalid { .. } => ErrorCode::InvalidInput,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's `errors` array, when the server answered (empty otherwise).
    pub fn server_errors(&self) -> &[String] {
        match self {
            Error::Api { errors, .. } => errors,
            _ => &[],
        }
    }

    /// Converts into the IPC error the UI receives.
    pub fn to_ipc(&self) -> vaultdeck_types::IpcError {
        vaultdeck_types::IpcError::new(self.code(), self.to_string())
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn process(message: impl Into<String>, source: Option<std::io::Error>) -> Self {
        Error::Process {
            message: message.into(),
            log_tail: String::new(),
            log_path: None,
            source,
        }
    }

    /// Builds the error for an HTTP error status.
    pub(crate) fn api(
        method: &str,
        path: &str,
        address: &str,
        status: u16,
        errors: Vec<String>,
        purpose: Purpose,
        has_token: bool,
    ) -> Self {
        let (code, hint) = classify(status, &errors, purpose, has_token, path, address);
        Error::Api {
            method: static_method(method),
            path: path.to_owned(),
            status,
            errors,
            code,
            hint,
        }
    }

    /// Builds the error for a transport failure.
    pub(crate) fn unreachable(
        method: &str,
        path: &str,
        address: &str,
        timeout_secs: u64,
        source: reqwest::Error,
    ) -> Self {
        let chain = error_chain(&source);
        let lower = chain.join(" ").to_ascii_lowercase();
        let tls = [
            "certificate",
            "tls",
            "handshake",
            "unknownissuer",
            "ssl",
            "corrupt message",
            "invalidcontenttype",
        ]
        .iter()
        .any(|w| lower.contains(w));
        let mut detail = if source.is_timeout() {
            format!("no answer within {timeout_secs} s")
        } else {
            chain
                .last()
                .cloned()
                .unwrap_or_else(|| "unknown error".to_owned())
        };
        if lower.contains("invalidcontenttype") {
            detail.push_str(" (the server does not speak TLS on this port: try http://)");
        }
        Error::Unreachable {
            method: static_method(method),
            path: path.to_owned(),
            address: address.to_owned(),
            detail,
            tls,
            source,
        }
    }
}

const TLS_HINT: &str = "The TLS handshake failed: check that the profile's CA bundle \
    (VAULT_CACERT) matches the server's certificate, and that the address uses the right scheme \
    (http/https)";
const NETWORK_HINT: &str = "Check the address and port, that the server is running, and that \
    nothing (VPN, proxy, firewall) blocks it";

/// The method name as a `&'static str` (keeps [`Error`] small).
pub(crate) fn static_method(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "LIST" => "LIST",
        "SCAN" => "SCAN",
        "HEAD" => "HEAD",
        _ => "REQUEST",
    }
}

/// Decides the [`ErrorCode`] and the "what to do" sentence for an HTTP error.
fn classify(
    status: u16,
    errors: &[String],
    purpose: Purpose,
    has_token: bool,
    path: &str,
    address: &str,
) -> (ErrorCode, String) {
    let text = errors.join(" ").to_ascii_lowercase();
    if text.contains("vault is sealed") || text.contains("openbao is sealed") {
        return (
            ErrorCode::Sealed,
            format!(". The server at {address} is sealed: unseal it, then retry"),
        );
    }
    if text.contains("check-and-set") || status == 409 || status == 412 {
        return (
            ErrorCode::Conflict,
            ". The secret changed since it was read: reload it and retry".to_owned(),
        );
    }
    if text.contains("namespace not found") {
        return (
            ErrorCode::NotFound,
            ". The namespace in the connection settings does not exist on this server".to_owned(),
        );
    }
    if text.contains("operation unavailable in namespaces") {
        return (
            ErrorCode::Unsupported,
            ". This endpoint only exists in the root namespace".to_owned(),
        );
    }
    match status {
        400 if purpose == Purpose::Login => (ErrorCode::Unauthenticated, String::new()),
        401 => (
            ErrorCode::Unauthenticated,
            ". Log in again to get a valid token".to_owned(),
        ),
        403 if purpose == Purpose::OwnToken || text.contains("bad token") => (
            ErrorCode::Unauthenticated,
            ". The token is expired, revoked or unknown: log in again".to_owned(),
        ),
        403 if purpose == Purpose::Login => (
            ErrorCode::PermissionDenied,
            format!(
                ". Check that an auth method is enabled at `{}` (the server answers 403 for a \
                 missing mount)",
                login_mount(path)
            ),
        ),
        403 if !has_token => (
            ErrorCode::Unauthenticated,
            ". No token is set: log in first".to_owned(),
        ),
        403 => (
            ErrorCode::PermissionDenied,
            ". The token's policies do not allow this on this path".to_owned(),
        ),
        404 => (ErrorCode::NotFound, String::new()),
        405 => (
            ErrorCode::Unsupported,
            ". This server does not support this operation on this path".to_owned(),
        ),
        429 => (
            ErrorCode::Unavailable,
            ". The server is busy or a standby has not caught up: retry shortly".to_owned(),
        ),
        400..=499 => (ErrorCode::InvalidInput, String::new()),
        500..=599 => (
            ErrorCode::Unavailable,
            ". The server reported an internal or availability problem: retry, or check its logs"
                .to_owned(),
        ),
        _ => (ErrorCode::Internal, String::new()),
    }
}

/// `auth/userpass/login/alice` -> `auth/userpass/`.
fn login_mount(path: &str) -> String {
    match path.find("/login") {
        Some(i) => format!("{}/", &path[..i]),
        None => path.to_owned(),
    }
}

/// The messages of an error and its sources, outermost first, without duplicates.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        let msg = e.to_string();
        if !out.contains(&msg) {
            out.push(msg);
        }
        cur = e.source();
    }
    out
}

/// Displays the server's `errors` array, or a default per status when it is empty.
struct ServerErrors<'a>(&'a [String]);

impl fmt::Display for ServerErrors<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("the server returned an error without a message");
        }
        f.write_str(&self.0.join("; "))
    }
}

/// Displays a log tail under its own heading, or nothing.
struct LogTail<'a>(&'a str);

impl fmt::Display for LogTail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.trim().is_empty() {
            return Ok(());
        }
        write!(f, "\n--- last lines of its log ---\n{}", self.0.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(status: u16, errors: &[&str], purpose: Purpose, has_token: bool) -> ErrorCode {
        let errors = errors.iter().map(|s| s.to_string()).collect();
        Error::api("GET", "p", "http://x", status, errors, purpose, has_token).code()
    }

    #[test]
    fn maps_statuses_to_codes() {
        use ErrorCode::*;
        assert_eq!(
            code(503, &["Vault is sealed"], Purpose::Normal, true),
            Sealed
        );
        assert_eq!(code(503, &["other"], Purpose::Normal, true), Unavailable);
        assert_eq!(
            code(403, &["permission denied"], Purpose::Normal, true),
            PermissionDenied
        );
        assert_eq!(
            code(403, &["permission denied"], Purpose::Normal, false),
            Unauthenticated
        );
        assert_eq!(
            code(403, &["permission denied"], Purpose::OwnToken, true),
            Unauthenticated
        );
        assert_eq!(
            code(403, &["bad token"], Purpose::Normal, true),
            Unauthenticated
        );
        assert_eq!(code(401, &[], Purpose::Normal, true), Unauthenticated);
        assert_eq!(
            code(
                400,
                &["invalid username or password"],
                Purpose::Login,
                false
            ),
            Unauthenticated
        );
        assert_eq!(
            code(403, &["permission denied"], Purpose::Login, false),
            PermissionDenied
        );
        assert_eq!(
            code(400, &["missing field"], Purpose::Normal, true),
            InvalidInput
        );
        assert_eq!(
            code(
                400,
                &["check-and-set parameter did not match the current version"],
                Purpose::Normal,
                true
            ),
            Conflict
        );
        assert_eq!(code(404, &[], Purpose::Normal, true), NotFound);
        assert_eq!(
            code(405, &["unsupported operation"], Purpose::Normal, true),
            Unsupported
        );
        assert_eq!(code(429, &[], Purpose::Normal, true), Unavailable);
        assert_eq!(code(500, &["boom"], Purpose::Normal, true), Unavailable);
    }

    #[test]
    fn stays_small_enough_to_wrap() {
        // Callers wrap this in their own enums; clippy's result_large_err fires at 128 bytes.
        assert!(
            std::mem::size_of::<Error>() <= 104,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn message_names_method_path_and_server_errors() {
        let e = Error::api(
            "LIST",
            "secret/metadata/x",
            "http://h:1",
            403,
            vec!["permission denied".into()],
            Purpose::Normal,
            true,
        );
        let m = e.to_string();
        assert!(
            m.starts_with("LIST secret/metadata/x: permission denied (HTTP 403)"),
            "{m}"
        );
        let e = Error::api(
            "POST",
            "auth/userpass/login/bob",
            "http://h:1",
            403,
            vec![],
            Purpose::Login,
            false,
        );
        assert!(e.to_string().contains("auth/userpass/"), "{e}");
    }
}
