//! Sign-in: the `azure_identity` credentials (Azure CLI, client secret, managed identity) with
//! our transport and authority, plus [`DeviceCodeCredential`], the OAuth 2.0 device
//! authorization grant (RFC 8628) against the configured authority, which `azure_identity` 1.0
//! lacks. Its refresh token goes only to a [`RefreshTokenStore`] (the OS keychain in the app).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::error::ErrorKind;
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, ClientSecretCredential,
    ClientSecretCredentialOptions, ManagedIdentityCredential, ManagedIdentityCredentialOptions,
    UserAssignedId,
};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use tracing::instrument;
use vaultdeck_types::AzDeviceCodePrompt;

use crate::{transport, AzureConfig, Error, Result};

/// Which credential to build.
pub enum CredentialSpec {
    /// The Azure CLI's login, optionally for a given tenant.
    AzureCli {
        /// Tenant to request the token for.
        tenant_id: Option<String>,
    },
    /// A service principal with a client secret.
    ClientSecret {
        /// Tenant id.
        tenant_id: String,
        /// Client (application) id.
        client_id: String,
        /// The secret (from the OS keychain).
        secret: SecretString,
    },
    /// The host's managed identity, optionally user-assigned by client id.
    ManagedIdentity {
        /// Client id of a user-assigned identity.
        client_id: Option<String>,
    },
    /// A device-code credential already built (it holds the prompt callback and token store).
    DeviceCode(Arc<DeviceCodeCredential>),
}

impl fmt::Debug for CredentialSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSpec::AzureCli { tenant_id } => write!(f, "AzureCli({tenant_id:?})"),
            CredentialSpec::ClientSecret {
                tenant_id,
                client_id,
                ..
            } => write!(f, "ClientSecret({tenant_id}, {client_id}, ***)"),
            CredentialSpec::ManagedIdentity { client_id } => {
                write!(f, "ManagedIdentity({client_id:?})")
            }
            CredentialSpec::DeviceCode(_) => f.write_str("DeviceCode"),
        }
    }
}

/// Builds the token credential for `spec`, using `config`'s authority host and CA bundle.
pub fn credential_for(
    config: &AzureConfig,
    spec: CredentialSpec,
) -> Result<Arc<dyn TokenCredential>> {
    Ok(match spec {
        CredentialSpec::AzureCli { tenant_id } => {
            let mut o = AzureCliCredentialOptions::default();
            o.tenant_id = tenant_id;
            AzureCliCredential::new(Some(o))?
        }
        CredentialSpec::ClientSecret {
            tenant_id,
            client_id,
            secret,
        } => {
            let mut o = ClientSecretCredentialOptions::default();
            o.client_options = transport::client_options(config)?;
            ClientSecretCredential::new(
                &tenant_id,
                client_id,
                Secret::new(secret.expose_secret().to_string()),
                Some(o),
            )?
        }
        CredentialSpec::ManagedIdentity { client_id } => {
            let mut o = ManagedIdentityCredentialOptions::default();
            o.user_assigned_id = client_id.map(UserAssignedId::ClientId);
            // Our transport: the CA bundle applies to an HTTPS identity endpoint too.
            o.client_options = transport::client_options(config)?;
            ManagedIdentityCredential::new(Some(o))?
        }
        CredentialSpec::DeviceCode(c) => c,
    })
}

/// Where a device-code sign-in keeps its refresh token (the OS keychain in the app). Nothing
/// else ever persists it.
pub trait RefreshTokenStore: Send + Sync {
    /// The stored refresh token, if any.
    fn load(&self) -> Option<SecretString>;
    /// Replaces the stored refresh token.
    fn save(&self, token: &SecretString);
    /// Forgets it (after the authority rejected it).
    fn clear(&self);
}

/// Shows the device-code prompt to the user (a dialog in the app, stderr in the CLI).
pub type DeviceCodePromptFn = Arc<dyn Fn(&AzDeviceCodePrompt) + Send + Sync>;

/// OAuth 2.0 device authorization grant against `{authority}/{tenant}/oauth2/v2.0/…`:
/// refresh token first (silent), else a new device code shown through the prompt callback and
/// polled at the authority's interval (`authorization_pending`, `slow_down`, `expired_token`).
pub struct DeviceCodeCredential {
    http: reqwest::Client,
    token_url: String,
    devicecode_url: String,
    client_id: String,
    prompt: DeviceCodePromptFn,
    store: Arc<dyn RefreshTokenStore>,
    cache: tokio::sync::Mutex<HashMap<String, AccessToken>>,
}

impl fmt::Debug for DeviceCodeCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceCodeCredential({})", self.token_url)
    }
}

#[derive(serde::Deserialize)]
struct TokenReply {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<u64>,
    error: Option<String>,
    error_description: Option<String>,
}

#[derive(serde::Deserialize)]
struct DeviceCodeReply {
    device_code: String,
    user_code: String,
    verification_uri: String,
    #[serde(default)]
    message: String,
    expires_in: u64,
    #[serde(default)]
    interval: Option<u64>,
}

fn cred_err(msg: impl Into<String>) -> azure_core::Error {
    azure_core::Error::with_message(ErrorKind::Credential, msg.into())
}

impl DeviceCodeCredential {
    /// A device-code credential for the public client `client_id` in `tenant_id` at
    /// `config`'s authority.
    pub fn new(
        config: &AzureConfig,
        tenant_id: &str,
        client_id: &str,
        prompt: DeviceCodePromptFn,
        store: Arc<dyn RefreshTokenStore>,
    ) -> Result<Self> {
        let authority = config.authority().trim_end_matches('/');
        if !authority.starts_with("https://") {
            return Err(Error::Config(format!(
                "authority host {authority} must use https"
            )));
        }
        if tenant_id.is_empty() || client_id.is_empty() {
            return Err(Error::Config(
                "device-code sign-in needs a tenant id and a client id".into(),
            ));
        }
        Ok(Self {
            http: transport::http_client(config)?,
            token_url: format!("{authority}/{tenant_id}/oauth2/v2.0/token"),
            devicecode_url: format!("{authority}/{tenant_id}/oauth2/v2.0/devicecode"),
            client_id: client_id.to_string(),
            prompt,
            store,
            cache: tokio::sync::Mutex::new(HashMap::new()),
        })
    }

    async fn post(&self, url: &str, form: &[(&str, &str)]) -> azure_core::Result<(u16, Vec<u8>)> {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let resp = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| cred_err(format!("authority unreachable: {e}")))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| cred_err(format!("authority reply unreadable: {e}")))?;
        Ok((status, bytes.to_vec()))
    }

    fn finish(&self, reply: TokenReply) -> azure_core::Result<AccessToken> {
        let Some(access) = reply.access_token else {
            return Err(cred_err("the authority's token reply has no access_token"));
        };
        if let Some(rt) = reply.refresh_token {
            self.store.save(&SecretString::from(rt));
        }
        let ttl = reply.expires_in.unwrap_or(3600) as i64;
        Ok(AccessToken::new(
            access,
            OffsetDateTime::now_utc() + time::Duration::seconds(ttl),
        ))
    }

    async fn refresh(&self, scope: &str) -> azure_core::Result<Option<AccessToken>> {
        let Some(rt) = self.store.load() else {
            return Ok(None);
        };
        let (status, body) = self
            .post(
                &self.token_url,
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", &self.client_id),
                    ("scope", scope),
                    ("refresh_token", rt.expose_secret()),
                ],
            )
            .await?;
        let reply: TokenReply = serde_json::from_slice(&body)
            .map_err(|e| cred_err(format!("token reply unreadable: {e}")))?;
        if status == 200 {
            return self.finish(reply).map(Some);
        }
        // Rejected (expired, revoked): forget it and fall back to a new device code.
        tracing::info!(
            error = reply.error.as_deref().unwrap_or(""),
            "refresh token rejected"
        );
        self.store.clear();
        Ok(None)
    }

    async fn device_flow(&self, scope: &str) -> azure_core::Result<AccessToken> {
        let (status, body) = self
            .post(
                &self.devicecode_url,
                &[("client_id", &self.client_id), ("scope", scope)],
            )
            .await?;
        if status != 200 {
            let reply: Option<TokenReply> = serde_json::from_slice(&body).ok();
            return Err(cred_err(format!(
                "the authority refused a device code ({status}): {}",
                reply
                    .and_then(|r| r.error_description.or(r.error))
                    .unwrap_or_default()
            )));
        }
        let dc: DeviceCodeReply = serde_json::from_slice(&body)
            .map_err(|e| cred_err(format!("device code reply unreadable: {e}")))?;
        (self.prompt)(&AzDeviceCodePrompt {
            user_code: dc.user_code.clone(),
            verification_uri: dc.verification_uri.clone(),
            message: dc.message.clone(),
            expires_in: dc.expires_in,
        });
        let mut interval = dc.interval.unwrap_or(5).max(1);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(dc.expires_in);
        loop {
            tokio::time::sleep(Duration::from_secs(interval)).await;
            if tokio::time::Instant::now() > deadline {
                return Err(cred_err("the device code expired before sign-in finished"));
            }
            let (status, body) = self
                .post(
                    &self.token_url,
                    &[
                        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                        ("client_id", &self.client_id),
                        ("device_code", &dc.device_code),
                    ],
                )
                .await?;
            let reply: TokenReply = serde_json::from_slice(&body)
                .map_err(|e| cred_err(format!("token reply unreadable: {e}")))?;
            if status == 200 {
                return self.finish(reply);
            }
            match reply.error.as_deref() {
                Some("authorization_pending") => {}
                Some("slow_down") => interval += 5,
                Some(other) => {
                    return Err(cred_err(format!(
                        "device-code sign-in failed: {other}: {}",
                        reply.error_description.unwrap_or_default()
                    )))
                }
                None => return Err(cred_err(format!("token endpoint answered {status}"))),
            }
        }
    }
}

#[async_trait::async_trait]
impl TokenCredential for DeviceCodeCredential {
    #[instrument(skip_all, fields(scopes = %scopes.join(" ")))]
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let key = scopes.join(" ");
        let mut cache = self.cache.lock().await;
        if let Some(t) = cache.get(&key) {
            if t.expires_on > OffsetDateTime::now_utc() + time::Duration::minutes(2) {
                return Ok(t.clone());
            }
        }
        let scope = format!("{key} offline_access");
        let token = match self.refresh(&scope).await? {
            Some(t) => t,
            None => self.device_flow(&scope).await?,
        };
        cache.insert(key, token.clone());
        Ok(token)
    }
}
