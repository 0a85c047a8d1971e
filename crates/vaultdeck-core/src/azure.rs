//! Azure Key Vault connections ([`AzureConnection`], the `Connection::Azure` variant) and
//! [`AzureAudited`], which appends every mutation and every reveal to the local audit log.
//!
//! Key Vault objects are flat names with opaque version ids and soft-delete states, so the
//! Azure screens and CLI use these Azure-specific operations; the shared Vault screens answer
//! `Unsupported` on an Azure connection.

use std::collections::BTreeMap;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use vaultdeck_azure::{
    credential_for, AzureConfig, AzureVault, CredentialSpec, DeviceCodeCredential,
    DeviceCodePromptFn, RefreshTokenStore,
};
use vaultdeck_types::{
    AzCertificateProps, AzDeletedSecret, AzKeyProps, AzKeySpec, AzRollbackPreview,
    AzRotationPolicy, AzSecretProps, AzSecretUpdate, AzureAuth, AzureProfile, ErrorCode, Identity,
};

use crate::audit::{AuditLog, AuditRecord};
use crate::keychain::Keychain;
use crate::sessions::Deck;
use crate::{Connection, Error, Result};

impl From<vaultdeck_azure::Error> for Error {
    fn from(e: vaultdeck_azure::Error) -> Self {
        let msg = e.to_string();
        match e.code() {
            ErrorCode::NotFound => Error::NotFound(msg),
            ErrorCode::InvalidInput => Error::InvalidInput(msg),
            ErrorCode::Unauthenticated => Error::Unauthenticated(msg),
            _ => Error::Azure(e),
        }
    }
}

/// The keychain account holding a device-code profile's refresh token.
pub fn refresh_token_account(profile_id: &str) -> String {
    format!("{profile_id}.azure-refresh-token")
}

/// A device-code refresh token kept in the OS keychain (and nowhere else).
pub struct KeychainRefreshStore {
    keychain: Keychain,
    account: String,
}

impl KeychainRefreshStore {
    /// The store of `profile_id`'s refresh token in `keychain`.
    pub fn new(keychain: Keychain, profile_id: &str) -> Self {
        Self {
            keychain,
            account: refresh_token_account(profile_id),
        }
    }
}

impl RefreshTokenStore for KeychainRefreshStore {
    fn load(&self) -> Option<SecretString> {
        self.keychain.get(&self.account).ok().flatten()
    }
    fn save(&self, token: &SecretString) {
        if let Err(e) = self.keychain.set(&self.account, token) {
            tracing::warn!(error = %e, "could not keep the Azure refresh token in the keychain");
        }
    }
    fn clear(&self) {
        let _ = self.keychain.delete(&self.account);
    }
}

/// The client settings of a profile.
pub fn azure_config(profile: &AzureProfile) -> AzureConfig {
    let mut c = AzureConfig::new(profile.vault_url.trim());
    c.authority_host = profile
        .authority_host
        .clone()
        .filter(|h| !h.trim().is_empty());
    c.ca_bundle = profile
        .ca_bundle
        .clone()
        .filter(|p| !p.trim().is_empty())
        .map(Into::into);
    // Loopback vaults (the project's test server, local tunnels) cannot carry a
    // *.vault.azure.net name, so the challenge's resource cannot match them.
    c.verify_challenge_resource = !is_loopback(&profile.vault_url);
    c
}

fn is_loopback(url: &str) -> bool {
    let rest = url.trim().split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default().to_string()
    };
    matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

/// Whether signing in with `profile` needs a typed or stored credential (a client secret).
pub fn needs_credential(profile: &AzureProfile) -> bool {
    profile.auth == AzureAuth::ClientSecret
}

/// A device-code sign-in in progress: the prompt to show (once the authority issued it) and
/// how to cancel it.
#[derive(Default)]
struct SignIn {
    prompt: Option<vaultdeck_types::AzDeviceCodePrompt>,
    cancel: Arc<tokio::sync::Notify>,
}

/// Device-code sign-ins in progress, by profile id (the app shows their prompt and can
/// cancel them; see [`pending_device_code`], [`cancel_sign_in`]).
static SIGN_INS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, SignIn>>> =
    std::sync::LazyLock::new(Default::default);

fn sign_ins() -> std::sync::MutexGuard<'static, std::collections::HashMap<String, SignIn>> {
    SIGN_INS.lock().unwrap_or_else(|p| p.into_inner())
}

/// The device-code prompt (user code and verification URL) of `profile_id`'s sign-in in
/// progress, once the authority issued it.
pub fn pending_device_code(profile_id: &str) -> Option<vaultdeck_types::AzDeviceCodePrompt> {
    sign_ins().get(profile_id).and_then(|s| s.prompt.clone())
}

/// Cancels `profile_id`'s device-code sign-in in progress (its `open` fails with
/// "cancelled"). Returns whether one was in progress.
pub fn cancel_sign_in(profile_id: &str) -> bool {
    match sign_ins().get(profile_id) {
        Some(s) => {
            s.cancel.notify_one();
            true
        }
        None => false,
    }
}

/// Removes a sign-in's entry when `open` returns, whichever way.
struct SignInGuard(String);

impl Drop for SignInGuard {
    fn drop(&mut self) {
        sign_ins().remove(&self.0);
    }
}

/// A signed-in Key Vault client for one vault.
#[derive(Debug, Clone)]
pub struct AzureConnection {
    vault: AzureVault,
    auth: AzureAuth,
}

impl AzureConnection {
    /// Builds the credential of `profile` and proves it on the vault (one list page).
    /// `credential` is the client secret for [`AzureAuth::ClientSecret`]; a device-code
    /// profile shows its code through `prompt` (default: the log and stderr) and keeps its
    /// refresh token in `keychain` (default: the OS keychain) under
    /// [`refresh_token_account`]`(profile_id)`.
    pub async fn open(
        profile_id: &str,
        profile: &AzureProfile,
        credential: Option<SecretString>,
        keychain: Option<Keychain>,
        prompt: Option<DeviceCodePromptFn>,
    ) -> Result<Self> {
        let config = azure_config(profile);
        let spec = match profile.auth {
            AzureAuth::AzureCli => CredentialSpec::AzureCli {
                tenant_id: profile.tenant_id.clone().filter(|t| !t.is_empty()),
            },
            AzureAuth::ManagedIdentity => CredentialSpec::ManagedIdentity {
                client_id: profile.client_id.clone().filter(|c| !c.is_empty()),
            },
            AzureAuth::ClientSecret => {
                let (Some(tenant), Some(client)) = (&profile.tenant_id, &profile.client_id) else {
                    return Err(Error::InvalidInput(
                        "client-secret sign-in needs the profile's tenant id and client id".into(),
                    ));
                };
                let secret = credential
                    .filter(|c| !c.expose_secret().is_empty())
                    .ok_or_else(|| {
                        Error::Unauthenticated(format!(
                            "no client secret for client {client}: enter it (it is kept in the \
                             OS keychain)"
                        ))
                    })?;
                CredentialSpec::ClientSecret {
                    tenant_id: tenant.clone(),
                    client_id: client.clone(),
                    secret,
                }
            }
            AzureAuth::DeviceCode => {
                let (Some(tenant), Some(client)) = (&profile.tenant_id, &profile.client_id) else {
                    return Err(Error::InvalidInput(
                        "device-code sign-in needs the profile's tenant id and (public) client id"
                            .into(),
                    ));
                };
                let prompt = prompt.unwrap_or_else(|| {
                    let id = profile_id.to_owned();
                    Arc::new(move |p: &vaultdeck_types::AzDeviceCodePrompt| {
                        tracing::info!(uri = %p.verification_uri, "Azure device-code sign-in");
                        eprintln!("{}", p.message);
                        if let Some(s) = sign_ins().get_mut(&id) {
                            s.prompt = Some(p.clone());
                        }
                    })
                });
                let keychain = keychain.unwrap_or_else(Keychain::detect);
                let store = Arc::new(KeychainRefreshStore::new(keychain, profile_id));
                CredentialSpec::DeviceCode(Arc::new(DeviceCodeCredential::new(
                    &config, tenant, client, prompt, store,
                )?))
            }
        };
        let vault = AzureVault::new(&config, credential_for(&config, spec)?)?;
        if profile.auth == AzureAuth::DeviceCode {
            let cancel = Arc::new(tokio::sync::Notify::new());
            sign_ins().insert(
                profile_id.to_owned(),
                SignIn {
                    prompt: None,
                    cancel: cancel.clone(),
                },
            );
            let _guard = SignInGuard(profile_id.to_owned());
            tokio::select! {
                r = vault.probe() => r?,
                () = cancel.notified() => {
                    return Err(Error::Unauthenticated("the device-code sign-in was cancelled".into()));
                }
            }
        } else {
            vault.probe().await?;
        }
        Ok(Self {
            vault,
            auth: profile.auth.clone(),
        })
    }

    /// A connection over an already built client (tests, tools).
    pub fn from_vault(vault: AzureVault, auth: AzureAuth) -> Self {
        Self { vault, auth }
    }

    /// The provider client (reads and listings that reveal nothing).
    pub fn vault(&self) -> &AzureVault {
        &self.vault
    }

    /// The connection as the app-wide [`Identity`]: the signed-in principal from the access
    /// token's claims (tokens are the credential's business: no TTL shown, renewed by the SDK).
    pub fn identity(&self) -> Identity {
        // Who the access token names (user, application or managed identity); the vault URL
        // when the authority's tokens are opaque.
        let who = self.vault.principal().map(|p| p.display());
        Identity {
            display_name: who.unwrap_or_else(|| self.vault.vault_url().to_string()),
            policies: Vec::new(),
            ttl_seconds: None,
            renewable: false,
            accessor: String::new(),
            token_type: match self.auth {
                AzureAuth::AzureCli => "Azure CLI sign-in",
                AzureAuth::ClientSecret => "client secret",
                AzureAuth::ManagedIdentity => "managed identity",
                AzureAuth::DeviceCode => "device-code sign-in",
            }
            .to_owned(),
            checked_at: time::OffsetDateTime::now_utc().unix_timestamp(),
        }
    }

    /// The error for a capability Azure connections do not have.
    pub fn unsupported(&self, what: &str) -> Error {
        Error::Unsupported(format!(
            "{what} are not available on Azure Key Vault connections; use the Azure screen (or \
             `vdeck az`) for this connection"
        ))
    }
}

impl Connection {
    /// The Azure connection, or `Unsupported` for another provider.
    pub fn azure(&self) -> Result<&AzureConnection> {
        match self {
            Connection::Azure(a) => Ok(a),
            _ => Err(Error::Unsupported(
                "this is not an Azure Key Vault connection".into(),
            )),
        }
    }
}

/// An Azure connection whose mutations and reveals are appended to the audit log (actions
/// `az.*`; target = `secret:<name>` / `key:<name>`; detail = version ids, never a value).
#[derive(Debug, Clone)]
pub struct AzureAudited {
    vault: AzureVault,
    audit: AuditLog,
    profile: String,
}

impl AzureAudited {
    /// Wraps `vault`; records carry `profile` (a profile name, or the vault URL for the CLI).
    pub fn new(vault: AzureVault, audit: AuditLog, profile: impl Into<String>) -> Self {
        Self {
            vault,
            audit,
            profile: profile.into(),
        }
    }

    /// The open Azure connection of `profile_id` in `deck`, audited under the profile's name.
    pub fn for_profile(deck: &Deck, profile_id: &str) -> Result<Self> {
        let conn = deck.connection(profile_id)?;
        let name = deck.profile(profile_id)?.name;
        let vault = conn.azure()?.vault().clone();
        Ok(Self::new(vault, deck.audit().clone(), name))
    }

    /// The unaudited client, for reads that reveal nothing.
    pub fn vault(&self) -> &AzureVault {
        &self.vault
    }

    fn record<T>(
        &self,
        action: &str,
        target: String,
        detail: String,
        r: &std::result::Result<T, vaultdeck_azure::Error>,
    ) {
        let rec = match r {
            Ok(_) => AuditRecord::ok(action),
            Err(e) => AuditRecord::failed(action, e.to_string()),
        }
        .profile(&self.profile)
        .target(target);
        let rec = match (detail.is_empty(), r.is_ok()) {
            (true, _) => rec,
            (false, true) => rec.detail(detail),
            (false, false) => {
                let msg = rec.detail.clone().unwrap_or_default();
                rec.detail(format!("{detail}: {msg}"))
            }
        };
        if let Err(e) = self.audit.append(rec) {
            tracing::error!(error = %e, "could not append to the audit log");
        }
    }

    fn version_detail(v: Option<&str>) -> String {
        v.map(|v| format!("version {v}"))
            .unwrap_or_else(|| "latest version".into())
    }

    /// Reveals a secret's value; `az.reveal`.
    pub async fn reveal_secret(&self, name: &str, version: Option<&str>) -> Result<SecretString> {
        let r = self.vault.reveal_secret(name, version).await;
        self.record(
            "az.reveal",
            format!("secret:{name}"),
            Self::version_detail(version),
            &r,
        );
        Ok(r?)
    }

    /// Reads a secret's value to put on the clipboard; `az.reveal` (detail ends in
    /// "to the clipboard").
    pub async fn copy_secret(&self, name: &str, version: Option<&str>) -> Result<SecretString> {
        let r = self.vault.reveal_secret(name, version).await;
        self.record(
            "az.reveal",
            format!("secret:{name}"),
            format!("{}, to the clipboard", Self::version_detail(version)),
            &r,
        );
        Ok(r?)
    }

    /// Sets a new version; `az.set` (detail: the new version id).
    pub async fn set_secret(
        &self,
        name: &str,
        value: &SecretString,
        attrs: &AzSecretUpdate,
    ) -> Result<AzSecretProps> {
        let r = self.vault.set_secret(name, value, attrs).await;
        let detail = match &r {
            Ok(p) => format!("new version {}", p.version.as_deref().unwrap_or("")),
            Err(_) => String::new(),
        };
        self.record("az.set", format!("secret:{name}"), detail, &r);
        Ok(r?)
    }

    /// Changes a version's attributes; `az.update`.
    pub async fn update_secret(
        &self,
        name: &str,
        version: Option<&str>,
        update: &AzSecretUpdate,
    ) -> Result<AzSecretProps> {
        let r = self.vault.update_secret(name, version, update).await;
        let mut parts = vec![Self::version_detail(version)];
        if let Some(e) = update.enabled {
            parts.push(if e { "enabled" } else { "disabled" }.into());
        }
        if update.expires.is_some() {
            parts.push("expiry changed".into());
        }
        if update.not_before.is_some() {
            parts.push("not-before changed".into());
        }
        if update.content_type.is_some() {
            parts.push("content type changed".into());
        }
        if update.tags.is_some() {
            parts.push("tags replaced".into());
        }
        self.record("az.update", format!("secret:{name}"), parts.join("; "), &r);
        Ok(r?)
    }

    /// Soft-deletes a secret; `az.delete`.
    pub async fn delete_secret(&self, name: &str) -> Result<AzDeletedSecret> {
        let r = self.vault.delete_secret(name).await;
        self.record(
            "az.delete",
            format!("secret:{name}"),
            "soft delete".into(),
            &r,
        );
        Ok(r?)
    }

    /// Recovers a soft-deleted secret, waiting out the service's transitions; `az.recover`.
    pub async fn recover_secret(&self, name: &str) -> Result<AzSecretProps> {
        let r = self.vault.recover_secret_when_ready(name).await;
        self.record("az.recover", format!("secret:{name}"), String::new(), &r);
        Ok(r?)
    }

    /// Purges a soft-deleted secret for good; the caller must have had the user type `confirm`
    /// = the name. `az.purge`.
    pub async fn purge_secret(&self, name: &str, confirm: &str) -> Result<()> {
        if confirm != name {
            return Err(Error::InvalidInput(format!(
                "type the secret's name ({name}) to purge it for good"
            )));
        }
        let r = self.vault.purge_secret_when_ready(name).await;
        self.record("az.purge", format!("secret:{name}"), String::new(), &r);
        Ok(r?)
    }

    /// A backup blob of every version (it holds the values, encrypted by the service);
    /// `az.backup`.
    pub async fn backup_secret(&self, name: &str) -> Result<Vec<u8>> {
        let r = self.vault.backup_secret(name).await;
        let detail = match &r {
            Ok(b) => format!("{} bytes", b.len()),
            Err(_) => String::new(),
        };
        self.record("az.backup", format!("secret:{name}"), detail, &r);
        Ok(r?)
    }

    /// Backs `name` up to a NEW file at `path` (absolute; an existing file is never
    /// overwritten: the file is created before the service is asked); `az.backup`. Returns the
    /// bytes written.
    pub async fn backup_secret_to_file(&self, name: &str, path: &std::path::Path) -> Result<u64> {
        use std::io::Write;
        if !path.is_absolute() {
            return Err(Error::InvalidInput(format!(
                "the backup path must be absolute: {}",
                path.display()
            )));
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path).map_err(|e| {
            Error::InvalidInput(format!(
                "cannot create {} (it must not exist yet): {e}",
                path.display()
            ))
        })?;
        let blob = match self.backup_secret(name).await {
            Ok(b) => b,
            Err(e) => {
                drop(f);
                let _ = std::fs::remove_file(path);
                return Err(e);
            }
        };
        if let Err(e) = f.write_all(&blob).and_then(|()| f.sync_all()) {
            drop(f);
            let _ = std::fs::remove_file(path);
            return Err(Error::InvalidInput(format!(
                "writing {}: {e}",
                path.display()
            )));
        }
        Ok(blob.len() as u64)
    }

    /// Restores a backup from the file at `path` (absolute); `az.restore`.
    pub async fn restore_secret_from_file(&self, path: &std::path::Path) -> Result<AzSecretProps> {
        if !path.is_absolute() {
            return Err(Error::InvalidInput(format!(
                "the backup path must be absolute: {}",
                path.display()
            )));
        }
        let blob = std::fs::read(path)
            .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", path.display())))?;
        self.restore_secret(&blob).await
    }

    /// Restores a backup; `az.restore`.
    pub async fn restore_secret(&self, backup: &[u8]) -> Result<AzSecretProps> {
        let r = self.vault.restore_secret(backup).await;
        let target = match &r {
            Ok(p) => format!("secret:{}", p.name),
            Err(_) => "secret:?".into(),
        };
        self.record("az.restore", target, format!("{} bytes", backup.len()), &r);
        Ok(r?)
    }

    /// What a rollback would do (no write, not audited: it reads values but returns none).
    pub async fn rollback_preview(
        &self,
        name: &str,
        from_version: &str,
    ) -> Result<AzRollbackPreview> {
        Ok(self.vault.rollback_preview(name, from_version).await?)
    }

    /// Sets `from_version`'s value as a new current version, if the current version is still
    /// `expected_current`; `az.rollback`.
    pub async fn rollback_secret(
        &self,
        name: &str,
        from_version: &str,
        expected_current: Option<&str>,
    ) -> Result<AzSecretProps> {
        let r = self
            .vault
            .rollback_secret(name, from_version, expected_current)
            .await;
        let detail = match &r {
            Ok(p) => format!(
                "value of version {from_version} set as new version {}",
                p.version.as_deref().unwrap_or("")
            ),
            Err(_) => format!("from version {from_version}"),
        };
        self.record("az.rollback", format!("secret:{name}"), detail, &r);
        Ok(r?)
    }

    /// Creates a key; `az.key.create`.
    pub async fn create_key(
        &self,
        name: &str,
        spec: &AzKeySpec,
        tags: &BTreeMap<String, String>,
    ) -> Result<AzKeyProps> {
        let r = self.vault.create_key(name, spec, tags).await;
        self.record(
            "az.key.create",
            format!("key:{name}"),
            format!("{spec:?}"),
            &r,
        );
        Ok(r?)
    }

    /// Rotates a key now; `az.key.rotate` (detail: the new version).
    pub async fn rotate_key(&self, name: &str) -> Result<AzKeyProps> {
        let r = self.vault.rotate_key(name).await;
        let detail = match &r {
            Ok(k) => format!("new version {}", k.version.as_deref().unwrap_or("")),
            Err(_) => String::new(),
        };
        self.record("az.key.rotate", format!("key:{name}"), detail, &r);
        Ok(r?)
    }

    /// Enables/disables a key version; `az.key.update`.
    pub async fn set_key_enabled(
        &self,
        name: &str,
        version: Option<&str>,
        enabled: bool,
    ) -> Result<AzKeyProps> {
        let r = self.vault.set_key_enabled(name, version, enabled).await;
        let what = if enabled { "enabled" } else { "disabled" };
        self.record(
            "az.key.update",
            format!("key:{name}"),
            format!("{}; {what}", Self::version_detail(version)),
            &r,
        );
        Ok(r?)
    }

    /// Soft-deletes a key (every version); `az.key.delete`.
    pub async fn delete_key(&self, name: &str) -> Result<vaultdeck_types::AzDeletedKey> {
        let r = self.vault.delete_key(name).await;
        self.record(
            "az.key.delete",
            format!("key:{name}"),
            "soft delete".into(),
            &r,
        );
        Ok(r?)
    }

    /// Recovers a soft-deleted key, waiting out the service's transitions; `az.key.recover`.
    pub async fn recover_key(&self, name: &str) -> Result<AzKeyProps> {
        let r = self.vault.recover_key_when_ready(name).await;
        self.record("az.key.recover", format!("key:{name}"), String::new(), &r);
        Ok(r?)
    }

    /// Purges a soft-deleted key for good; the caller must have had the user type `confirm`
    /// = the name. `az.key.purge`.
    pub async fn purge_key(&self, name: &str, confirm: &str) -> Result<()> {
        if confirm != name {
            return Err(Error::InvalidInput(format!(
                "type the key's name ({name}) to purge it for good"
            )));
        }
        let r = self.vault.purge_key_when_ready(name).await;
        self.record("az.key.purge", format!("key:{name}"), String::new(), &r);
        Ok(r?)
    }

    /// Replaces a key's rotation policy; `az.key.policy`.
    pub async fn set_rotation_policy(
        &self,
        name: &str,
        policy: &AzRotationPolicy,
    ) -> Result<AzRotationPolicy> {
        let r = self.vault.set_rotation_policy(name, policy).await;
        let detail = format!(
            "expiry {}; {} action(s)",
            policy.expiry_time.as_deref().unwrap_or("none"),
            policy.actions.len()
        );
        self.record("az.key.policy", format!("key:{name}"), detail, &r);
        Ok(r?)
    }

    /// A key's versions, passed through (read-only).
    pub async fn key_versions(&self, name: &str) -> Result<Vec<AzKeyProps>> {
        Ok(self.vault.key_versions(name).await?)
    }

    /// A certificate's versions, passed through (read-only).
    pub async fn certificate_versions(&self, name: &str) -> Result<Vec<AzCertificateProps>> {
        Ok(self.vault.certificate_versions(name).await?)
    }

    /// One certificate version with subject and issuer, passed through (read-only).
    pub async fn get_certificate(
        &self,
        name: &str,
        version: Option<&str>,
    ) -> Result<AzCertificateProps> {
        Ok(self.vault.get_certificate(name, version).await?)
    }

    /// Certificates (read-only), passed through.
    pub async fn list_certificates(&self) -> Result<Vec<AzCertificateProps>> {
        Ok(self.vault.list_certificates().await?)
    }
}
