//! Who signed in: the principal an access token was issued to, read from the token's claims
//! (the JWT payload; not verified — for display only, the vault checks the token). The token
//! itself is never kept: [`Observed`] wraps the vault's credential and records only the
//! principal of each token the SDK obtains.

use std::sync::{Arc, Mutex};

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use serde::Deserialize;

/// What kind of principal a token names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// A person (device-code or Azure CLI user sign-in).
    User,
    /// An application (service principal, client-secret sign-in).
    Application,
    /// A managed identity.
    ManagedIdentity,
}

/// The signed-in principal as the token's claims name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// User principal name, managed identity name, or application id.
    pub name: String,
    /// User, application or managed identity.
    pub kind: PrincipalKind,
    /// Directory (tenant) id, when the token says.
    pub tenant_id: Option<String>,
    /// Object id of the principal, when the token says.
    pub object_id: Option<String>,
}

impl Principal {
    /// One line for the identity panel: `operator@contoso.com`, `application 1b2c…`,
    /// `managed identity web-mi`, with the tenant when known.
    pub fn display(&self) -> String {
        let who = match self.kind {
            PrincipalKind::User => self.name.clone(),
            PrincipalKind::Application => format!("application {}", self.name),
            PrincipalKind::ManagedIdentity => format!("managed identity {}", self.name),
        };
        match &self.tenant_id {
            Some(t) => format!("{who} (tenant {t})"),
            None => who,
        }
    }
}

#[derive(Deserialize)]
struct Claims {
    upn: Option<String>,
    unique_name: Option<String>,
    preferred_username: Option<String>,
    appid: Option<String>,
    azp: Option<String>,
    oid: Option<String>,
    tid: Option<String>,
    idtyp: Option<String>,
    xms_mirid: Option<String>,
}

/// The principal named by an access token's claims; `None` when the token is not a JWT (some
/// authorities issue opaque tokens) or names nobody.
pub fn principal_of(token: &str) -> Option<Principal> {
    let payload = token.split('.').nth(1)?;
    let bytes = azure_core::base64::decode_url_safe(payload).ok()?;
    let c: Claims = serde_json::from_slice(&bytes).ok()?;
    let user = c
        .upn
        .clone()
        .or_else(|| c.unique_name.clone())
        .or_else(|| c.preferred_username.clone());
    let app = c.appid.clone().or_else(|| c.azp.clone());
    let (name, kind) = if let Some(mirid) = c.xms_mirid.as_deref() {
        let name = mirid.rsplit('/').next().unwrap_or(mirid).to_owned();
        (name, PrincipalKind::ManagedIdentity)
    } else if let (Some(u), false) = (user, c.idtyp.as_deref() == Some("app")) {
        (u, PrincipalKind::User)
    } else if let Some(a) = app {
        (a, PrincipalKind::Application)
    } else {
        (c.oid.clone()?, PrincipalKind::Application)
    };
    Some(Principal {
        name,
        kind,
        tenant_id: c.tid,
        object_id: c.oid,
    })
}

/// A credential that records who each of its tokens names (never the token).
pub(crate) struct Observed {
    inner: Arc<dyn TokenCredential>,
    seen: Arc<Mutex<Option<Principal>>>,
}

impl Observed {
    /// Wraps `inner`; the principal of its latest token lands in the returned cell.
    pub(crate) fn wrap(
        inner: Arc<dyn TokenCredential>,
    ) -> (Arc<dyn TokenCredential>, Arc<Mutex<Option<Principal>>>) {
        let seen = Arc::new(Mutex::new(None));
        let me = Observed {
            inner,
            seen: seen.clone(),
        };
        (Arc::new(me), seen)
    }
}

impl std::fmt::Debug for Observed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observed(..)")
    }
}

#[async_trait::async_trait]
impl TokenCredential for Observed {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let t = self.inner.get_token(scopes, options).await?;
        if let Some(p) = principal_of(t.token.secret()) {
            if let Ok(mut seen) = self.seen.lock() {
                *seen = Some(p);
            }
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: serde_json::Value) -> String {
        let enc = |v: &[u8]| azure_core::base64::encode_url_safe(v);
        format!(
            "{}.{}.sig",
            enc(br#"{"typ":"JWT","alg":"RS256"}"#),
            enc(claims.to_string().as_bytes())
        )
    }

    #[test]
    fn users_apps_and_managed_identities_are_told_apart() {
        let user = principal_of(&jwt(serde_json::json!({
            "upn": "op@contoso.com", "appid": "cli-app", "tid": "t1", "oid": "o1", "idtyp": "user"
        })))
        .unwrap();
        assert_eq!(user.kind, PrincipalKind::User);
        assert_eq!(user.display(), "op@contoso.com (tenant t1)");
        let app = principal_of(&jwt(serde_json::json!({
            "appid": "1b2c", "tid": "t1", "oid": "o2", "idtyp": "app"
        })))
        .unwrap();
        assert_eq!(app.display(), "application 1b2c (tenant t1)");
        let mi = principal_of(&jwt(serde_json::json!({
            "appid": "mi-client", "xms_mirid": "/subscriptions/s/resourcegroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/web-mi"
        })))
        .unwrap();
        assert_eq!(mi.display(), "managed identity web-mi");
        assert_eq!(mi.kind, PrincipalKind::ManagedIdentity);
    }

    #[test]
    fn opaque_or_nameless_tokens_name_nobody() {
        assert_eq!(principal_of("opaque-token"), None);
        assert_eq!(principal_of("a.%%%.c"), None);
        assert_eq!(principal_of(&jwt(serde_json::json!({"aud": "x"}))), None);
    }
}
