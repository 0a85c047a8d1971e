//! [`VaultClient`]: configuration, the request pipeline, and the generic
//! `read`/`list`/`scan`/`write`/`delete` escape hatch that the typed endpoints build on.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::{field, instrument, Span};

use crate::error::{Error, Purpose};

/// How to reach a Vault/OpenBao server.
#[derive(Clone, PartialEq, Eq)]
pub struct VaultConfig {
    /// Base address, e.g. `https://vault.example.com:8200` (no `/v1`).
    pub address: String,
    /// Namespace sent as `X-Vault-Namespace` when not empty (e.g. `team-a` or `team-a/child`).
    pub namespace: String,
    /// Extra trusted CA certificates (a PEM bundle), added to the system and webpki roots.
    pub ca_cert_pem: Option<Vec<u8>>,
    /// Verify the server's TLS certificate. Turning this off is for throwaway labs only.
    pub tls_verify: bool,
    /// Timeout for a whole request (connect + response).
    pub timeout: Duration,
}

impl VaultConfig {
    /// A configuration for `address` with no namespace, system CAs, verification on and a
    /// 30 s timeout.
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            namespace: String::new(),
            ca_cert_pem: None,
            tls_verify: true,
            timeout: Duration::from_secs(30),
        }
    }
}

impl fmt::Debug for VaultConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultConfig")
            .field("address", &self.address)
            .field("namespace", &self.namespace)
            .field("ca_cert_pem", &self.ca_cert_pem.as_ref().map(|c| c.len()))
            .field("tls_verify", &self.tls_verify)
            .field("timeout", &self.timeout)
            .finish()
    }
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    address: String,
    timeout: Duration,
    /// The `X-Vault-Index` of the last successful write through this client (HA
    /// read-your-writes; see [`VaultClient`]).
    index: std::sync::Mutex<Option<HeaderValue>>,
}

/// How long a request is retried while a fresh KV v2 mount is "upgrading" (a 400 for a
/// moment after the mount is created).
const UPGRADE_RETRY_FOR: Duration = Duration::from_secs(30);

/// A KV v2 mount right after creation answers 400 with one of these until it is ready: on the
/// active node "Upgrading from non-versioned to versioned data", on standbys (and writes
/// through them) "Waiting for the primary to upgrade".
fn is_kv_upgrading(status: StatusCode, bytes: &[u8]) -> bool {
    let body = String::from_utf8_lossy(bytes);
    status == StatusCode::BAD_REQUEST
        && (body.contains("Waiting for the primary to upgrade")
            || body.contains("Upgrading from non-versioned to versioned data"))
}

/// A Vault/OpenBao HTTP client. Cheap to clone: the connection pool is shared.
///
/// Each clone carries its own token and namespace ([`VaultClient::with_token`],
/// [`VaultClient::with_namespace`]). `Debug` never prints the token.
///
/// Every request sends `X-Vault-Request: true`, `X-Vault-Token` when a token is set (except on
/// logins) and `X-Vault-Namespace` when the namespace is not empty.
///
/// HA clusters: redirects (`307` to the active node) are followed with the same method, body
/// and token. After a successful write the response's `X-Vault-Index` is kept (shared by all
/// clones) and sent back on every later request with `X-Vault-Inconsistent:
/// forward-active-node`, so a standby that has not caught up forwards the request instead of
/// answering stale data (read-your-writes). A `400 Waiting for the primary to upgrade…` from a
/// freshly created KV v2 mount is retried for up to 10 s.
#[derive(Clone)]
pub struct VaultClient {
    inner: Arc<Inner>,
    namespace: Arc<str>,
    token: Option<Arc<SecretString>>,
}

impl fmt::Debug for VaultClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultClient")
            .field("address", &self.inner.address)
            .field("namespace", &&*self.namespace)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// A successful response: its status and its JSON body (`None` for an empty body).
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) body: Option<Value>,
}

impl VaultClient {
    /// Builds a client. Fails with [`Error::Config`] (code `InvalidInput`) when the address is
    /// not an `http(s)://host[:port]` URL or the CA bundle is not valid PEM.
    pub fn new(cfg: VaultConfig) -> Result<Self, Error> {
        let address = cfg.address.trim().trim_end_matches('/').to_owned();
        let base = Url::parse(&address).map_err(|e| Error::Config {
            message: format!(
                "the address `{address}` is not a URL; use e.g. https://vault.example.com:8200"
            ),
            source: Some(Box::new(e)),
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.host().is_none() {
            return Err(Error::config(format!(
                "the address `{address}` must start with http:// or https:// and name a host"
            )));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(Error::config(format!(
                "the address `{address}` must not contain a query or fragment"
            )));
        }
        let mut headers = HeaderMap::new();
        headers.insert("X-Vault-Request", HeaderValue::from_static("true"));
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .default_headers(headers)
            .user_agent(concat!("vaultdeck/", env!("CARGO_PKG_VERSION")))
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::limited(5));
        if let Some(pem) = &cfg.ca_cert_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| Error::Config {
                message: "the CA bundle is not a valid PEM certificate bundle".to_owned(),
                source: Some(Box::new(e)),
            })?;
            if certs.is_empty() {
                return Err(Error::config(
                    "the CA bundle contains no PEM certificate (-----BEGIN CERTIFICATE-----)",
                ));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        if !cfg.tls_verify {
            builder = builder.danger_accept_invalid_certs(true);
        }
        let http = builder.build().map_err(|e| Error::Config {
            message: "could not build the HTTP client (TLS setup)".to_owned(),
            source: Some(Box::new(e)),
        })?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base,
                address,
                timeout: cfg.timeout,
                index: std::sync::Mutex::new(None),
            }),
            namespace: Arc::from(cfg.namespace.trim_matches('/')),
            token: None,
        })
    }

    /// A clone of this client that authenticates with `token`.
    pub fn with_token(&self, token: SecretString) -> Self {
        Self {
            token: Some(Arc::new(token)),
            ..self.clone()
        }
    }

    /// A clone for root-only unauthenticated endpoints (`sys/health`, `sys/init`,
    /// `sys/unseal`), which OpenBao refuses inside a namespace.
    pub(crate) fn root_anonymous(&self) -> Self {
        Self {
            token: None,
            namespace: Arc::from(""),
            inner: self.inner.clone(),
        }
    }

    /// A clone of this client without a token (for logins and unauthenticated endpoints).
    pub fn without_token(&self) -> Self {
        Self {
            token: None,
            ..self.clone()
        }
    }

    /// A clone of this client that sends `namespace` as `X-Vault-Namespace` (empty = root).
    pub fn with_namespace(&self, namespace: &str) -> Self {
        Self {
            namespace: Arc::from(namespace.trim_matches('/')),
            ..self.clone()
        }
    }

    /// The server address, without a trailing slash.
    pub fn address(&self) -> &str {
        &self.inner.address
    }

    /// The namespace (empty = root namespace).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The token this client sends, if any.
    pub fn token(&self) -> Option<&SecretString> {
        self.token.as_deref()
    }

    // ---------------------------------------------------------------- generic escape hatch

    /// Reads `path`: `GET /v1/{path}`. Returns the full response JSON, or `None` on 404 (which
    /// includes a soft-deleted KV v2 version). `path` is a logical path (`secret/data/app`),
    /// never a query string; use [`VaultClient::read_with_query`] for `?version=2`.
    pub async fn read(&self, path: &str) -> Result<Option<Value>, Error> {
        self.read_with_query(path, &[]).await
    }

    /// Reads `path` with query parameters: `GET /v1/{path}?k=v`. 404 -> `None`, except when
    /// the namespace itself does not exist (an error with code `NotFound`).
    pub async fn read_with_query(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Option<Value>, Error> {
        match self
            .execute(Method::GET, path, query, None, Purpose::Normal, &[])
            .await
        {
            Ok(r) => Ok(r.body),
            Err(e) if e.status() == Some(404) && !namespace_missing(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Lists the keys under `path`: `LIST /v1/{path}` -> `data.keys` (folders end in `/`).
    ///
    /// An empty or missing prefix (404 `{"errors":[]}`) is an empty list; a 404 with a message
    /// (e.g. `no handler for route`, i.e. no such mount) is an error with code `NotFound`.
    pub async fn list(&self, path: &str) -> Result<Vec<String>, Error> {
        self.keys(list_method(), path).await
    }

    /// Lists every key below `path` recursively in one request: OpenBao's `SCAN` verb
    /// (needs the `scan` capability; Vault answers 405 -> `Unsupported`). Empty prefix -> empty.
    ///
    /// API: <https://openbao.org/api-docs/secret/kv/kv-v2/#scan-metadata>
    pub async fn scan(&self, path: &str) -> Result<Vec<String>, Error> {
        self.keys(scan_method(), path).await
    }

    async fn keys(&self, method: Method, path: &str) -> Result<Vec<String>, Error> {
        let resp = match self
            .execute(method.clone(), path, &[], None, Purpose::Normal, &[])
            .await
        {
            Ok(r) => r,
            Err(e) if e.status() == Some(404) && e.server_errors().is_empty() => {
                return Ok(Vec::new())
            }
            Err(e) => return Err(e),
        };
        let Some(body) = resp.body else {
            return Ok(Vec::new());
        };
        match body.pointer("/data/keys") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(keys) => serde_json::from_value(keys.clone())
                .map_err(|e| self.decode_error(&method, path, format!("data.keys: {e}"))),
        }
    }

    /// Writes `body` to `path`: `POST /v1/{path}`. Returns the response JSON, or `None` for
    /// `204 No Content`. The body is never logged.
    pub async fn write(&self, path: &str, body: &Value) -> Result<Option<Value>, Error> {
        let r = self
            .execute(Method::POST, path, &[], Some(body), Purpose::Normal, &[])
            .await?;
        Ok(r.body)
    }

    /// Deletes `path`: `DELETE /v1/{path}`.
    pub async fn delete(&self, path: &str) -> Result<(), Error> {
        self.execute(Method::DELETE, path, &[], None, Purpose::Normal, &[])
            .await?;
        Ok(())
    }

    // ---------------------------------------------------------------- pipeline

    /// Sends one request and maps transport failures and error statuses to [`Error`].
    /// Statuses in `accept` are returned as success (e.g. 429/501/503 for `sys/health`).
    pub(crate) async fn execute(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
        purpose: Purpose,
        accept: &[u16],
    ) -> Result<Response, Error> {
        self.execute_as(method, path, query, body, None, purpose, accept)
            .await
    }

    /// [`VaultClient::execute`] with an explicit `Content-Type` for the JSON body (e.g.
    /// `application/merge-patch+json`, which KV v2 `PATCH` requires); `None` = JSON.
    #[allow(clippy::too_many_arguments)]
    #[instrument(
        name = "vault.request",
        skip_all,
        fields(method = %method, path = %path, status = field::Empty)
    )]
    pub(crate) async fn execute_as(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
        content_type: Option<&'static str>,
        purpose: Purpose,
        accept: &[u16],
    ) -> Result<Response, Error> {
        let path = normalize(path);
        let url = self.url(path, query)?;
        let mut req = self.inner.http.request(method.clone(), url);
        if !self.namespace.is_empty() {
            let ns = HeaderValue::from_str(&self.namespace).map_err(|_| {
                Error::config(format!(
                    "the namespace `{}` contains characters not allowed in an HTTP header",
                    self.namespace
                ))
            })?;
            req = req.header("X-Vault-Namespace", ns);
        }
        if purpose != Purpose::Login {
            if let Some(token) = &self.token {
                let mut value = HeaderValue::from_str(token.expose_secret()).map_err(|_| {
                    Error::config("the token contains characters not allowed in an HTTP header")
                })?;
                value.set_sensitive(true);
                req = req.header("X-Vault-Token", value);
            }
        }
        match (body, content_type) {
            (Some(body), Some(ct)) => {
                let bytes = serde_json::to_vec(body).map_err(|e| {
                    self.decode_error(&method, path, format!("encoding the body: {e}"))
                })?;
                req = req
                    .header(reqwest::header::CONTENT_TYPE, HeaderValue::from_static(ct))
                    .body(bytes);
            }
            (Some(body), None) => req = req.json(body),
            (None, _) => {}
        }
        let index = self
            .inner
            .index
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some(index) = index {
            req = req.header("X-Vault-Index", index).header(
                "X-Vault-Inconsistent",
                HeaderValue::from_static("forward-active-node"),
            );
        }
        let address = &self.inner.address;
        let timeout = self.inner.timeout.as_secs();
        let started = std::time::Instant::now();
        let (status, bytes) = loop {
            let attempt = req.try_clone();
            let resp = req
                .send()
                .await
                .map_err(|e| Error::unreachable(method.as_str(), path, address, timeout, e))?;
            let status = resp.status();
            let written = method != Method::GET && status.is_success();
            if let Some(ix) = resp.headers().get("X-Vault-Index").filter(|_| written) {
                *self.inner.index.lock().unwrap_or_else(|p| p.into_inner()) = Some(ix.clone());
            }
            let bytes = resp
                .bytes()
                .await
                .map_err(|e| Error::unreachable(method.as_str(), path, address, timeout, e))?;
            match attempt {
                Some(again)
                    if is_kv_upgrading(status, &bytes) && started.elapsed() < UPGRADE_RETRY_FOR =>
                {
                    tracing::debug!("KV mount still upgrading: retrying");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    req = again;
                }
                _ => break (status, bytes),
            }
        };
        Span::current().record("status", status.as_u16());
        let json: Option<Value> = if bytes.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            serde_json::from_slice(&bytes).ok()
        };
        if status.is_success() || accept.contains(&status.as_u16()) {
            if json.is_none() && !bytes.iter().all(u8::is_ascii_whitespace) {
                return Err(self.decode_error(&method, path, "the body is not JSON".to_owned()));
            }
            tracing::debug!(status = status.as_u16(), "vault response");
            return Ok(Response {
                status: status.as_u16(),
                body: json,
            });
        }
        let errors = server_errors(json.as_ref(), &bytes, status);
        tracing::debug!(status = status.as_u16(), "vault error response");
        Err(Error::api(
            method.as_str(),
            path,
            address,
            status.as_u16(),
            errors,
            purpose,
            self.token.is_some(),
        ))
    }

    /// Streams `GET /v1/{path}` (a binary endpoint such as the raft snapshot) into `out`,
    /// calling `progress` with the bytes written so far after each chunk. Allows up to an hour
    /// instead of the client's timeout. Returns the size.
    pub(crate) async fn download(
        &self,
        path: &str,
        out: &mut (dyn std::io::Write + Send),
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<u64, Error> {
        let path = normalize(path);
        let mut req = self
            .inner
            .http
            .get(self.url(path, &[])?)
            .timeout(Duration::from_secs(3600));
        if let Some(token) = &self.token {
            let mut value = HeaderValue::from_str(token.expose_secret()).map_err(|_| {
                Error::config("the token contains characters not allowed in an HTTP header")
            })?;
            value.set_sensitive(true);
            req = req.header("X-Vault-Token", value);
        }
        let address = &self.inner.address;
        let timeout = 3600;
        let mut resp = req
            .send()
            .await
            .map_err(|e| Error::unreachable("GET", path, address, timeout, e))?;
        let status = resp.status();
        if !status.is_success() {
            let bytes = resp.bytes().await.unwrap_or_default();
            let json: Option<Value> = serde_json::from_slice(&bytes).ok();
            return Err(Error::api(
                "GET",
                path,
                address,
                status.as_u16(),
                server_errors(json.as_ref(), &bytes, status),
                Purpose::Normal,
                self.token.is_some(),
            ));
        }
        let mut written = 0u64;
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| Error::unreachable("GET", path, address, timeout, e))?
        {
            out.write_all(&chunk).map_err(|e| Error::Config {
                message: format!("could not write the download of {path}: {e}"),
                source: Some(Box::new(e)),
            })?;
            written += chunk.len() as u64;
            progress(written);
        }
        out.flush().map_err(|e| Error::Config {
            message: format!("could not write the download of {path}: {e}"),
            source: Some(Box::new(e)),
        })?;
        Ok(written)
    }

    /// Sends a request and decodes the body (or its `data` member when `in_data`) as `T`.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        purpose: Purpose,
        in_data: bool,
    ) -> Result<T, Error> {
        let r = self
            .execute(method.clone(), path, &[], body, purpose, &[])
            .await?;
        self.decode(&method, path, r.body, in_data)
    }

    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        method: &Method,
        path: &str,
        body: Option<Value>,
        in_data: bool,
    ) -> Result<T, Error> {
        let mut body =
            body.ok_or_else(|| self.decode_error(method, path, "empty body".to_owned()))?;
        if in_data {
            body = match body.get_mut("data").map(Value::take) {
                Some(Value::Null) | None => {
                    return Err(self.decode_error(method, path, "no `data` member".to_owned()))
                }
                Some(d) => d,
            };
        }
        serde_json::from_value(body).map_err(|e| self.decode_error(method, path, e.to_string()))
    }

    pub(crate) fn decode_error(&self, method: &Method, path: &str, detail: String) -> Error {
        Error::Decode {
            method: crate::error::static_method(method.as_str()),
            path: normalize(path).to_owned(),
            address: self.inner.address.clone(),
            detail,
        }
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, Error> {
        let mut url = self.inner.base.clone();
        {
            let mut segs = url.path_segments_mut().map_err(|_| {
                Error::config(format!(
                    "the address `{}` cannot carry a path",
                    self.inner.address
                ))
            })?;
            segs.pop_if_empty().push("v1");
            for seg in path.split('/') {
                segs.push(seg);
            }
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }
}

fn namespace_missing(e: &Error) -> bool {
    e.server_errors()
        .iter()
        .any(|m| m.contains("namespace not found"))
}

/// `/v1/secret/x` and `/secret/x` -> `secret/x`.
pub(crate) fn normalize(path: &str) -> &str {
    let p = path.trim_start_matches('/');
    p.strip_prefix("v1/").unwrap_or(p)
}

pub(crate) fn list_method() -> Method {
    Method::from_bytes(b"LIST").expect("LIST is a valid method token")
}

fn scan_method() -> Method {
    Method::from_bytes(b"SCAN").expect("SCAN is a valid method token")
}

/// The `errors` array of an error body, or a short excerpt of a non-JSON body.
fn server_errors(json: Option<&Value>, bytes: &[u8], status: StatusCode) -> Vec<String> {
    if let Some(errs) = json.and_then(|j| j.get("errors")).and_then(Value::as_array) {
        return errs
            .iter()
            .flat_map(|e| match e {
                Value::String(s) => unwrap_multierror(s),
                other => vec![other.to_string()],
            })
            .collect();
    }
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    let excerpt: String = text.chars().take(200).collect();
    let reason = status.canonical_reason().unwrap_or("error");
    vec![format!("{reason}: {excerpt}")]
}

/// Splits Go's multierror text (`"1 error occurred:\n\t* permission denied\n\n"`, which
/// OpenBao returns for some `sys/` paths) into its messages; other text is kept as is.
fn unwrap_multierror(s: &str) -> Vec<String> {
    let trimmed = s.trim();
    let Some((head, rest)) = trimmed.split_once('\n') else {
        return vec![trimmed.to_owned()];
    };
    if !(head.ends_with("error occurred:") || head.ends_with("errors occurred:")) {
        return vec![trimmed.to_owned()];
    }
    let items: Vec<String> = rest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("* "))
        .map(str::to_owned)
        .collect();
    if items.is_empty() {
        vec![trimmed.to_owned()]
    } else {
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_kv_upgrade_answers_are_retried() {
        let bad = StatusCode::BAD_REQUEST;
        let primary = br#"{"errors":["Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly."]}"#;
        let standby = br#"{"errors":["Waiting for the primary to upgrade from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service when the primary is finished."]}"#;
        assert!(is_kv_upgrading(bad, primary));
        assert!(is_kv_upgrading(bad, standby));
        assert!(!is_kv_upgrading(StatusCode::OK, primary));
        assert!(!is_kv_upgrading(
            bad,
            br#"{"errors":["no handler for route"]}"#
        ));
    }

    fn client(addr: &str) -> VaultClient {
        VaultClient::new(VaultConfig::new(addr)).unwrap()
    }

    #[test]
    fn builds_urls_with_encoded_segments() {
        let c = client("http://127.0.0.1:8200/");
        assert_eq!(
            c.url("secret/data/a b#c", &[]).unwrap().as_str(),
            "http://127.0.0.1:8200/v1/secret/data/a%20b%23c"
        );
        assert_eq!(
            c.url("secret/metadata/", &[("list", "true")])
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8200/v1/secret/metadata/?list=true"
        );
        let c = client("https://proxy.example/vault");
        assert_eq!(
            c.url(normalize("/v1/sys/health"), &[]).unwrap().as_str(),
            "https://proxy.example/vault/v1/sys/health"
        );
    }

    #[test]
    fn unwraps_go_multierror() {
        assert_eq!(
            unwrap_multierror("1 error occurred:\n\t* permission denied\n\n"),
            ["permission denied"]
        );
        assert_eq!(
            unwrap_multierror("2 errors occurred:\n\t* a\n\t* b\n\n"),
            ["a", "b"]
        );
        assert_eq!(
            unwrap_multierror("invalid username or password"),
            ["invalid username or password"]
        );
    }

    #[test]
    fn rejects_bad_addresses() {
        for bad in ["vault:8200", "ftp://x", "http://x/?a=b", ""] {
            let e = VaultClient::new(VaultConfig::new(bad)).unwrap_err();
            assert_eq!(e.code(), vaultdeck_types::ErrorCode::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn rejects_bad_ca_bundle() {
        let mut cfg = VaultConfig::new("https://x:8200");
        cfg.ca_cert_pem = Some(b"not a pem".to_vec());
        let e = VaultClient::new(cfg).unwrap_err();
        assert_eq!(e.code(), vaultdeck_types::ErrorCode::InvalidInput);
    }

    #[test]
    fn debug_redacts_token() {
        let c = client("http://127.0.0.1:8200")
            .with_token(SecretString::from("s.supersecret"))
            .with_namespace("team-a/");
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("supersecret"), "{dbg}");
        assert!(
            dbg.contains("[redacted]") && dbg.contains("team-a"),
            "{dbg}"
        );
        assert_eq!(c.namespace(), "team-a");
        assert!(c.without_token().token().is_none());
    }
}
