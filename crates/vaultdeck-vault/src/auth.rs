//! Tokens and logins: `auth/token/*-self`, `auth/token/create`, userpass and AppRole logins.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use vaultdeck_types::Identity;

use crate::client::VaultClient;
use crate::error::{Error, Purpose};
use crate::sys::null_as_default;

/// What `auth/token/lookup-self` says about the client's token. Never holds the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// Display name, e.g. `token`, `userpass-demo`, `approle`.
    #[serde(default)]
    pub display_name: String,
    /// Policies attached to the token.
    #[serde(default, deserialize_with = "null_as_default")]
    pub policies: Vec<String>,
    /// Remaining TTL in seconds; `0` with no `expire_time` means it never expires (root).
    #[serde(default)]
    pub ttl: u64,
    /// Whether the token can be renewed.
    #[serde(default)]
    pub renewable: bool,
    /// Token accessor (not a secret; empty for batch tokens).
    #[serde(default)]
    pub accessor: String,
    /// Token type: `service` or `batch`.
    #[serde(rename = "type", default)]
    pub token_type: String,
    /// Expiry (RFC 3339), `None` for tokens that never expire.
    #[serde(default)]
    pub expire_time: Option<String>,
    /// Issue time (RFC 3339).
    #[serde(default)]
    pub issue_time: Option<String>,
    /// TTL at creation, seconds.
    #[serde(default)]
    pub creation_ttl: u64,
    /// Hard maximum TTL, seconds (`0` = none).
    #[serde(default)]
    pub explicit_max_ttl: u64,
    /// Whether the token has no parent.
    #[serde(default)]
    pub orphan: bool,
    /// The path that created it, e.g. `auth/userpass/login/demo`.
    #[serde(default)]
    pub path: String,
    /// Remaining uses (`0` = unlimited).
    #[serde(default)]
    pub num_uses: u64,
    /// Identity entity id (empty when none).
    #[serde(default)]
    pub entity_id: String,
    /// Token metadata.
    #[serde(default, deserialize_with = "null_as_default")]
    pub meta: BTreeMap<String, String>,
}

impl TokenInfo {
    /// Whether the token never expires (root and other period-less tokens without TTL).
    pub fn never_expires(&self) -> bool {
        self.ttl == 0 && self.expire_time.is_none()
    }

    /// Maps to the IPC type; `checked_at` is the Unix time the lookup was made.
    pub fn identity(&self, checked_at: i64) -> Identity {
        Identity {
            display_name: self.display_name.clone(),
            policies: self.policies.clone(),
            ttl_seconds: (!self.never_expires()).then_some(self.ttl),
            renewable: self.renewable,
            accessor: self.accessor.clone(),
            token_type: self.token_type.clone(),
            checked_at,
        }
    }
}

/// The `auth` block of a login, token creation or renewal, plus the response's warnings.
/// `Debug` redacts the token.
#[derive(Debug, Clone)]
pub struct AuthInfo {
    /// The client token.
    pub client_token: SecretString,
    /// Its accessor (not a secret).
    pub accessor: String,
    /// All policies (token + identity).
    pub policies: Vec<String>,
    /// TTL in seconds (`0` = never expires).
    pub lease_duration: u64,
    /// Whether it can be renewed.
    pub renewable: bool,
    /// Token type: `service` or `batch`.
    pub token_type: String,
    /// Whether it has no parent.
    pub orphan: bool,
    /// Metadata set by the auth method (e.g. `username`, `role_name`).
    pub metadata: BTreeMap<String, String>,
    /// Server warnings, e.g. a TTL capped by `max_ttl`.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
struct RawAuth {
    client_token: SecretString,
    #[serde(default)]
    accessor: String,
    #[serde(default, deserialize_with = "null_as_default")]
    policies: Vec<String>,
    #[serde(default)]
    lease_duration: u64,
    #[serde(default)]
    renewable: bool,
    #[serde(default)]
    token_type: String,
    #[serde(default)]
    orphan: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    metadata: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RawAuthResponse {
    auth: Option<RawAuth>,
    #[serde(default, deserialize_with = "null_as_default")]
    warnings: Vec<String>,
}

/// Parameters of `auth/token/create`; `Default` = a child token with the caller's policies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRequest {
    /// Policies (subset of the caller's unless the caller is root/sudo).
    pub policies: Vec<String>,
    /// Initial TTL.
    pub ttl: Option<Duration>,
    /// Hard maximum TTL.
    pub explicit_max_ttl: Option<Duration>,
    /// `Some(false)` for a non-renewable token.
    pub renewable: Option<bool>,
    /// Display name suffix.
    pub display_name: Option<String>,
    /// Create an orphan token (needs sudo).
    pub no_parent: bool,
    /// `service` (default) or `batch`.
    pub token_type: Option<String>,
    /// Metadata.
    pub meta: BTreeMap<String, String>,
}

/// `Duration` -> Vault duration string (`"90s"`).
fn secs(d: Duration) -> String {
    format!("{}s", d.as_secs())
}

impl VaultClient {
    /// Looks up the client's own token. 401/403 -> code `Unauthenticated` (the token is
    /// expired, revoked or unknown).
    ///
    /// `GET /v1/auth/token/lookup-self` —
    /// <https://openbao.org/api-docs/auth/token/#lookup-a-token-self>
    pub async fn lookup_self(&self) -> Result<TokenInfo, Error> {
        self.call(
            Method::GET,
            "auth/token/lookup-self",
            None,
            Purpose::OwnToken,
            true,
        )
        .await
    }

    /// Renews the client's own token, optionally asking for `increment`. The server may cap
    /// it; its warnings are kept in [`AuthInfo::warnings`].
    ///
    /// `POST /v1/auth/token/renew-self` —
    /// <https://openbao.org/api-docs/auth/token/#renew-a-token-self>
    pub async fn renew_self(&self, increment: Option<Duration>) -> Result<AuthInfo, Error> {
        let body = match increment {
            Some(d) => json!({ "increment": secs(d) }),
            None => json!({}),
        };
        self.auth_call("auth/token/renew-self", &body, Purpose::OwnToken)
            .await
    }

    /// Revokes the client's own token (and its children).
    ///
    /// `POST /v1/auth/token/revoke-self` —
    /// <https://openbao.org/api-docs/auth/token/#revoke-a-token-self>
    pub async fn revoke_self(&self) -> Result<(), Error> {
        self.execute(
            Method::POST,
            "auth/token/revoke-self",
            &[],
            None,
            Purpose::OwnToken,
            &[],
        )
        .await?;
        Ok(())
    }

    /// Creates a token.
    ///
    /// `POST /v1/auth/token/create` — <https://openbao.org/api-docs/auth/token/#create-token>
    pub async fn create_token(&self, req: &TokenRequest) -> Result<AuthInfo, Error> {
        let mut body = serde_json::Map::new();
        body.insert("policies".into(), json!(req.policies));
        if let Some(t) = req.ttl {
            body.insert("ttl".into(), json!(secs(t)));
        }
        if let Some(t) = req.explicit_max_ttl {
            body.insert("explicit_max_ttl".into(), json!(secs(t)));
        }
        if let Some(r) = req.renewable {
            body.insert("renewable".into(), json!(r));
        }
        if let Some(n) = &req.display_name {
            body.insert("display_name".into(), json!(n));
        }
        if req.no_parent {
            body.insert("no_parent".into(), json!(true));
        }
        if let Some(t) = &req.token_type {
            body.insert("type".into(), json!(t));
        }
        if !req.meta.is_empty() {
            body.insert("meta".into(), json!(req.meta));
        }
        self.auth_call("auth/token/create", &Value::Object(body), Purpose::Normal)
            .await
    }

    /// Logs in with username and password. Bad credentials -> code `Unauthenticated` with the
    /// server's message (`invalid username or password`). No token is sent.
    ///
    /// `POST /v1/auth/{mount}/login/{username}` —
    /// <https://openbao.org/api-docs/auth/userpass/#login>
    pub async fn login_userpass(
        &self,
        mount: &str,
        username: &str,
        password: &SecretString,
    ) -> Result<AuthInfo, Error> {
        let path = format!("auth/{}/login/{username}", mount.trim_matches('/'));
        let body = json!({ "password": password.expose_secret() });
        self.auth_call(&path, &body, Purpose::Login).await
    }

    /// Logs in with an AppRole role ID and secret ID. Bad credentials -> code
    /// `Unauthenticated` (`invalid role or secret ID`). No token is sent.
    ///
    /// `POST /v1/auth/{mount}/login` — <https://openbao.org/api-docs/auth/approle/#login-with-approle>
    pub async fn login_approle(
        &self,
        mount: &str,
        role_id: &str,
        secret_id: &SecretString,
    ) -> Result<AuthInfo, Error> {
        let path = format!("auth/{}/login", mount.trim_matches('/'));
        let body = json!({ "role_id": role_id, "secret_id": secret_id.expose_secret() });
        self.auth_call(&path, &body, Purpose::Login).await
    }

    async fn auth_call(
        &self,
        path: &str,
        body: &Value,
        purpose: Purpose,
    ) -> Result<AuthInfo, Error> {
        let method = Method::POST;
        let r = self
            .execute(method.clone(), path, &[], Some(body), purpose, &[])
            .await?;
        let raw: RawAuthResponse = self.decode(&method, path, r.body, false)?;
        let auth = raw
            .auth
            .ok_or_else(|| self.decode_error(&method, path, "no `auth` block".to_owned()))?;
        Ok(AuthInfo {
            client_token: auth.client_token,
            accessor: auth.accessor,
            policies: auth.policies,
            lease_duration: auth.lease_duration,
            renewable: auth.renewable,
            token_type: auth.token_type,
            orphan: auth.orphan,
            metadata: auth.metadata,
            warnings: raw.warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_info_never_holds_the_id_and_maps_root_ttl() {
        let info: TokenInfo = serde_json::from_value(json!({
            "accessor": "acc", "creation_ttl": 0, "display_name": "token", "expire_time": null,
            "explicit_max_ttl": 0, "id": "s.secret-root", "meta": null, "num_uses": 0,
            "orphan": true, "path": "auth/token/create", "policies": ["root"],
            "renewable": false, "ttl": 0, "type": "service"
        }))
        .unwrap();
        assert!(!format!("{info:?}").contains("s.secret-root"));
        assert!(info.never_expires());
        assert_eq!(info.identity(5).ttl_seconds, None);
    }

    #[test]
    fn auth_info_debug_is_redacted() {
        let raw: RawAuthResponse = serde_json::from_value(json!({
            "auth": {"client_token": "s.tok", "accessor": "a", "policies": ["default"],
                     "metadata": null, "lease_duration": 60, "renewable": true},
            "warnings": ["TTL capped"]
        }))
        .unwrap();
        let a = raw.auth.unwrap();
        let info = AuthInfo {
            client_token: a.client_token,
            accessor: a.accessor,
            policies: a.policies,
            lease_duration: a.lease_duration,
            renewable: a.renewable,
            token_type: a.token_type,
            orphan: a.orphan,
            metadata: a.metadata,
            warnings: raw.warnings,
        };
        assert!(!format!("{info:?}").contains("s.tok"));
    }
}
