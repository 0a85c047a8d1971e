//! The lease endpoints under `sys/leases/*`: list (per prefix, not recursive), lookup, renew,
//! revoke (sync or async), revoke-prefix, revoke-force and the irrevocable-lease count.
//!
//! API: <https://openbao.org/api-docs/system/leases/>

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::{Error, TokenInfo, VaultClient};

/// The policy lines that let a token list leases: `LIST sys/leases/lookup/` needs `sudo`, and
/// the root of the walk is only granted by the exact path (OpenBao: `lookup/*` and `lookup*`
/// do not cover it), the prefixes below it by `lookup/*`.
pub const LEASE_LIST_POLICY: &str = concat!(
    r#"path "sys/leases/lookup" { capabilities = ["list", "sudo"] }"#,
    "\n",
    r#"path "sys/leases/lookup/*" { capabilities = ["list", "sudo"] }"#
);

/// One lease's details: `PUT sys/leases/lookup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseInfo {
    /// Full lease id, e.g. `database/creds/ro/6UKL…`.
    pub id: String,
    /// RFC 3339 issue time.
    #[serde(default)]
    pub issue_time: Option<String>,
    /// RFC 3339 expiry time.
    #[serde(default)]
    pub expire_time: Option<String>,
    /// RFC 3339 time of the last renewal, if any.
    #[serde(default)]
    pub last_renewal: Option<String>,
    /// Whether the lease may be renewed.
    #[serde(default)]
    pub renewable: bool,
    /// Seconds left when looked up.
    #[serde(default)]
    pub ttl: i64,
}

/// The answer to a renew: the granted duration and the server's warnings (e.g. capped by
/// `max_ttl`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseRenewal {
    /// Lease id.
    pub lease_id: String,
    /// Seconds granted.
    pub lease_duration: u64,
    /// Whether it may be renewed again.
    pub renewable: bool,
    /// The server's warnings, verbatim.
    pub warnings: Vec<String>,
}

impl VaultClient {
    /// Names directly under a lease prefix (`""` = the root; folders end in `/`). Not
    /// recursive. A 403 becomes a `PermissionDenied` error naming [`LEASE_LIST_POLICY`].
    ///
    /// `LIST /v1/sys/leases/lookup/{prefix}` —
    /// <https://openbao.org/api-docs/system/leases/#list-leases>
    pub async fn list_leases(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let prefix = prefix.trim_start_matches('/');
        let path = format!("sys/leases/lookup/{prefix}");
        self.list(&path).await.map_err(lease_list_denied)
    }

    /// Looks up one lease. `400 invalid lease` (unknown or revoked) -> `NotFound`.
    ///
    /// `PUT /v1/sys/leases/lookup` —
    /// <https://openbao.org/api-docs/system/leases/#read-lease>
    pub async fn lookup_lease(&self, lease_id: &str) -> Result<LeaseInfo, Error> {
        let body = self
            .write("sys/leases/lookup", &json!({ "lease_id": lease_id }))
            .await
            .map_err(|e| invalid_lease(e, lease_id))?;
        let data = body
            .as_ref()
            .and_then(|b| b.get("data"))
            .cloned()
            .unwrap_or(Value::Null);
        serde_json::from_value(data).map_err(|e| Error::Decode {
            method: "PUT",
            path: "sys/leases/lookup".into(),
            address: self.address().to_owned(),
            detail: e.to_string(),
        })
    }

    /// Renews a lease by `increment` seconds (`None`: the mount's default).
    ///
    /// `PUT /v1/sys/leases/renew` —
    /// <https://openbao.org/api-docs/system/leases/#renew-lease>
    pub async fn renew_lease(
        &self,
        lease_id: &str,
        increment: Option<u64>,
    ) -> Result<LeaseRenewal, Error> {
        let mut req = json!({ "lease_id": lease_id });
        if let Some(i) = increment {
            req["increment"] = json!(i);
        }
        let body = self
            .write("sys/leases/renew", &req)
            .await
            .map_err(|e| invalid_lease(e, lease_id))?
            .unwrap_or(Value::Null);
        Ok(LeaseRenewal {
            lease_id: body["lease_id"].as_str().unwrap_or(lease_id).to_owned(),
            lease_duration: body["lease_duration"].as_u64().unwrap_or(0),
            renewable: body["renewable"].as_bool().unwrap_or(false),
            warnings: warnings(&body),
        })
    }

    /// Revokes a lease. `sync: false` asks the server to revoke in the background (HTTP 202).
    ///
    /// `PUT /v1/sys/leases/revoke` —
    /// <https://openbao.org/api-docs/system/leases/#revoke-lease>
    pub async fn revoke_lease(&self, lease_id: &str, sync: bool) -> Result<(), Error> {
        self.write(
            "sys/leases/revoke",
            &json!({ "lease_id": lease_id, "sync": sync }),
        )
        .await
        .map_err(|e| invalid_lease(e, lease_id))?;
        Ok(())
    }

    /// Revokes every lease under `prefix` (needs `sudo`).
    ///
    /// `PUT /v1/sys/leases/revoke-prefix/{prefix}` —
    /// <https://openbao.org/api-docs/system/leases/#revoke-prefix>
    pub async fn revoke_lease_prefix(&self, prefix: &str) -> Result<(), Error> {
        let prefix = prefix.trim_matches('/');
        self.write(&format!("sys/leases/revoke-prefix/{prefix}"), &json!({}))
            .await?;
        Ok(())
    }

    /// Deletes every lease under `prefix` from the server even when the backend's revocation
    /// fails (needs `sudo`). The backend objects (e.g. database users) are left behind.
    ///
    /// `PUT /v1/sys/leases/revoke-force/{prefix}` —
    /// <https://openbao.org/api-docs/system/leases/#revoke-force>
    pub async fn revoke_lease_force(&self, prefix: &str) -> Result<(), Error> {
        let prefix = prefix.trim_matches('/');
        self.write(&format!("sys/leases/revoke-force/{prefix}"), &json!({}))
            .await?;
        Ok(())
    }

    /// Number of irrevocable leases (`None` when the server has no such endpoint).
    ///
    /// `GET /v1/sys/leases/count?type=irrevocable` —
    /// <https://openbao.org/api-docs/system/leases/#lease-count>
    pub async fn irrevocable_lease_count(&self) -> Result<Option<u64>, Error> {
        let body = match self
            .read_with_query("sys/leases/count", &[("type", "irrevocable")])
            .await
        {
            Ok(b) => b,
            Err(e) if matches!(e.status(), Some(400 | 405 | 501)) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(body.and_then(|b| b.pointer("/data/lease_count").and_then(Value::as_u64)))
    }
}

impl VaultClient {
    /// Accessors of every token (needs `sudo` on `auth/token/accessors`; root only by default).
    ///
    /// `LIST /v1/auth/token/accessors` —
    /// <https://openbao.org/api-docs/auth/token/#list-accessors>
    pub async fn list_token_accessors(&self) -> Result<Vec<String>, Error> {
        self.list("auth/token/accessors").await
    }

    /// Looks up a token by accessor (its `id` comes back empty). A revoked or unknown accessor
    /// is `NotFound`.
    ///
    /// `POST /v1/auth/token/lookup-accessor` —
    /// <https://openbao.org/api-docs/auth/token/#lookup-a-token-accessor>
    pub async fn lookup_token_accessor(&self, accessor: &str) -> Result<TokenInfo, Error> {
        let path = "auth/token/lookup-accessor";
        let body = self
            .write(path, &json!({ "accessor": accessor }))
            .await
            .map_err(|e| invalid_accessor(e, accessor))?;
        let data = body
            .as_ref()
            .and_then(|b| b.get("data"))
            .cloned()
            .unwrap_or(Value::Null);
        serde_json::from_value(data).map_err(|e| Error::Decode {
            method: "POST",
            path: path.into(),
            address: self.address().to_owned(),
            detail: e.to_string(),
        })
    }

    /// Revokes a token (and its children) by accessor.
    ///
    /// `POST /v1/auth/token/revoke-accessor` —
    /// <https://openbao.org/api-docs/auth/token/#revoke-a-token-accessor>
    pub async fn revoke_token_accessor(&self, accessor: &str) -> Result<(), Error> {
        self.write(
            "auth/token/revoke-accessor",
            &json!({ "accessor": accessor }),
        )
        .await
        .map_err(|e| invalid_accessor(e, accessor))?;
        Ok(())
    }
}

fn invalid_accessor(e: Error, accessor: &str) -> Error {
    match e {
        Error::Api {
            method,
            path,
            status: status @ (400 | 403),
            errors,
            ..
        } if errors
            .iter()
            .any(|m| m.contains("invalid accessor") || m.contains("bad token")) =>
        {
            Error::Api {
                method,
                path,
                status,
                errors,
                code: vaultdeck_types::ErrorCode::NotFound,
                hint: format!(". No live token has accessor {accessor}"),
            }
        }
        other => other,
    }
}

/// Dynamic database credentials: the lease plus username and password.
#[derive(Debug, Clone)]
pub struct DbCredentials {
    /// Lease id (revoke it to drop the user).
    pub lease_id: String,
    /// Lease duration, seconds.
    pub lease_duration: u64,
    /// Whether the lease can be renewed.
    pub renewable: bool,
    /// Database user name.
    pub username: String,
    /// Its password (redacted in `Debug`).
    pub password: SecretString,
}

impl VaultClient {
    /// Issues credentials for a database role.
    ///
    /// `GET /v1/{mount}/creds/{role}` —
    /// <https://openbao.org/api-docs/secret/databases/#generate-credentials>
    pub async fn db_credentials(&self, mount: &str, role: &str) -> Result<DbCredentials, Error> {
        let path = format!(
            "{}/creds/{}",
            mount.trim_matches('/'),
            role.trim_matches('/')
        );
        let decode = |detail: &str| Error::Decode {
            method: "GET",
            path: path.clone(),
            address: self.address().to_owned(),
            detail: detail.to_owned(),
        };
        let body = self.read(&path).await?.ok_or_else(|| Error::Api {
            method: "GET",
            path: path.clone(),
            status: 404,
            errors: Vec::new(),
            code: vaultdeck_types::ErrorCode::NotFound,
            hint: format!(". No database role {role:?} under {mount}"),
        })?;
        let s = |p: &str| body.pointer(p).and_then(Value::as_str).map(str::to_owned);
        Ok(DbCredentials {
            lease_id: s("/lease_id").ok_or_else(|| decode("no lease_id"))?,
            lease_duration: body["lease_duration"].as_u64().unwrap_or(0),
            renewable: body["renewable"].as_bool().unwrap_or(false),
            username: s("/data/username").ok_or_else(|| decode("no data.username"))?,
            password: SecretString::from(
                s("/data/password").ok_or_else(|| decode("no data.password"))?,
            ),
        })
    }
}

/// The `warnings` array of a response.
pub(crate) fn warnings(body: &Value) -> Vec<String> {
    body.get("warnings")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|w| w.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn lease_list_denied(e: Error) -> Error {
    match e {
        Error::Api {
            method,
            path,
            status: 403,
            errors,
            code,
            ..
        } => Error::Api {
            method,
            path,
            status: 403,
            errors,
            code,
            hint: format!(
                ". Listing leases needs `sudo` on sys/leases/lookup; a policy line that grants \
                 it: {LEASE_LIST_POLICY}"
            ),
        },
        other => other,
    }
}

fn invalid_lease(e: Error, lease_id: &str) -> Error {
    match e {
        Error::Api {
            method,
            path,
            status: 400,
            errors,
            ..
        } if errors.iter().any(|m| m.contains("invalid lease")) => Error::Api {
            method,
            path,
            status: 400,
            errors,
            code: vaultdeck_types::ErrorCode::NotFound,
            hint: format!(". Lease {lease_id} is unknown, expired or already revoked"),
        },
        other => other,
    }
}
