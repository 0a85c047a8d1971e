//! [`Deck`]: everything the app and the CLI share — the profile store, the keychain, the audit
//! log and the open connections (several at once; switching between them is a lookup). Signing
//! in starts a background task that renews a renewable token before it expires.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::SecretString;
use tokio_util::sync::CancellationToken;
use tracing::instrument;
use vaultdeck_types::{ConnectionSummary, Identity, MountInfo, Profile, ProfileKind, SealInfo};

use crate::audit::{AuditLog, AuditRecord};
use crate::keychain::Keychain;
use crate::paths::AppPaths;
use crate::profiles::ProfileStore;
use crate::{Connection, Error, Result};

/// Warn this long before a non-renewable token expires.
pub const EXPIRY_WARNING: Duration = Duration::from_secs(300);

/// The shared state of one app or CLI process.
pub struct Deck {
    profiles: ProfileStore,
    keychain: Arc<Keychain>,
    audit: AuditLog,
    /// Profiles that live only for this process (the embedded demo), with their credential.
    session_profiles: Mutex<Vec<Profile>>,
    session_credentials: Keychain,
    open: Mutex<HashMap<String, Arc<OpenConnection>>>,
}

struct OpenConnection {
    profile: Profile,
    conn: Connection,
    state: Mutex<LiveState>,
    credential_in_keychain: bool,
    cancel: CancellationToken,
}

struct LiveState {
    identity: Identity,
    seal: Option<SealInfo>,
    renewal_warning: Option<String>,
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Deck {
    /// A deck over the given paths and keychain.
    pub fn new(paths: &AppPaths, keychain: Keychain) -> Self {
        Self {
            profiles: ProfileStore::new(paths.profiles_file()),
            keychain: Arc::new(keychain),
            audit: AuditLog::new(paths.audit_file()),
            session_profiles: Mutex::new(Vec::new()),
            session_credentials: Keychain::memory("session-only profile"),
            open: Mutex::new(HashMap::new()),
        }
    }

    /// The profile store.
    pub fn profiles(&self) -> &ProfileStore {
        &self.profiles
    }

    /// The keychain.
    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }

    /// The audit log.
    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// Adds a profile that lives only in this process (not written to the profiles file), with
    /// its credential kept in memory. Used for the embedded demo server.
    pub fn add_session_profile(&self, mut profile: Profile, credential: SecretString) -> Profile {
        if profile.id.is_empty() {
            profile.id = uuid::Uuid::new_v4().to_string();
        }
        // The memory keychain cannot fail.
        let _ = self.session_credentials.set(&profile.id, &credential);
        lock(&self.session_profiles).push(profile.clone());
        profile
    }

    /// Saved profiles followed by session-only profiles.
    pub fn list_profiles(&self) -> Result<Vec<Profile>> {
        let mut all = self.profiles.list()?;
        all.extend(lock(&self.session_profiles).iter().cloned());
        Ok(all)
    }

    /// A profile by id or name, saved or session-only.
    pub fn profile(&self, id_or_name: &str) -> Result<Profile> {
        if let Some(p) = lock(&self.session_profiles)
            .iter()
            .find(|p| p.id == id_or_name || p.name == id_or_name)
        {
            return Ok(p.clone());
        }
        self.profiles.get(id_or_name)
    }

    fn is_session_profile(&self, id: &str) -> bool {
        lock(&self.session_profiles).iter().any(|p| p.id == id)
    }

    /// Saves a profile and, when given, its credential in the keychain. Audited.
    #[instrument(skip_all, fields(profile = %profile.name))]
    pub fn save_profile(
        &self,
        profile: Profile,
        credential: Option<SecretString>,
        confirm_insecure_tls: bool,
    ) -> Result<Profile> {
        if self.is_session_profile(&profile.id) {
            return Err(Error::InvalidInput(
                "the demo profile cannot be edited; duplicate it to keep a copy".into(),
            ));
        }
        let creating = profile.id.is_empty();
        let name = profile.name.clone();
        let result = self
            .profiles
            .save(profile, confirm_insecure_tls)
            .and_then(|saved| {
                if let Some(c) = credential.as_ref() {
                    self.keychain.set(&saved.id, c)?;
                }
                Ok(saved)
            });
        let action = if creating {
            "profile.create"
        } else {
            "profile.update"
        };
        self.record(match &result {
            Ok(p) => AuditRecord::ok(action)
                .profile(&p.name)
                .detail(if credential.is_some() {
                    "credential stored"
                } else {
                    "credential unchanged"
                }),
            Err(e) => AuditRecord::failed(action, e.to_string()).profile(name),
        });
        result
    }

    /// Deletes a profile and its stored credential; disconnects it first. Audited.
    pub fn delete_profile(&self, id: &str) -> Result<()> {
        let profile = self.profiles.delete(id)?;
        lock(&self.open).remove(&profile.id);
        let kc = self.keychain.delete(&profile.id);
        self.record(AuditRecord::ok("profile.delete").profile(&profile.name));
        kc
    }

    /// Duplicates a saved profile (the credential is not copied). Audited.
    pub fn duplicate_profile(&self, id: &str) -> Result<Profile> {
        let src = self.profile(id)?;
        let copy = if self.is_session_profile(&src.id) {
            let mut c = src.clone();
            c.id = String::new();
            c.name = format!("{} (copy)", src.name);
            self.profiles.save(c, true)?
        } else {
            self.profiles.duplicate(&src.id)?
        };
        self.record(
            AuditRecord::ok("profile.duplicate")
                .profile(&copy.name)
                .detail(format!("copied from {}", src.name)),
        );
        Ok(copy)
    }

    fn record(&self, rec: AuditRecord) {
        if let Err(e) = self.audit.append(rec) {
            tracing::error!(error = %e, "could not append to the audit log");
        }
    }

    fn stored_credential(&self, profile_id: &str) -> Result<Option<SecretString>> {
        if self.is_session_profile(profile_id) {
            return self.session_credentials.get(profile_id);
        }
        self.keychain.get(profile_id)
    }

    /// Signs in with a profile: the typed credential, or the stored one. On success the
    /// connection is open (replacing an older one for the same profile), a renewable token is
    /// renewed in the background, and the login is audited.
    #[instrument(skip_all, fields(profile = %profile_id))]
    pub async fn connect(
        self: &Arc<Self>,
        profile_id: &str,
        typed: Option<SecretString>,
        remember: bool,
    ) -> Result<ConnectionSummary> {
        let profile = self.profile(profile_id)?;
        let credential = match typed.clone() {
            Some(c) => c,
            None => self
                .stored_credential(&profile.id)?
                .or_else(|| chain_credential(&profile))
                .ok_or_else(|| {
                    Error::Unauthenticated(format!(
                        "no credential stored for \"{}\"; enter the {}",
                        profile.name,
                        credential_label(&profile).to_lowercase()
                    ))
                })?,
        };
        let conn = match Connection::open(&profile, credential).await {
            Ok(c) => c,
            Err(e) => {
                self.record(
                    AuditRecord::failed("session.login", e.to_string()).profile(&profile.name),
                );
                return Err(e);
            }
        };
        let mut credential_in_keychain =
            self.keychain.is_os() && !self.is_session_profile(&profile.id);
        if let (true, Some(c)) = (remember, typed.as_ref()) {
            self.keychain.set(&profile.id, c)?;
        } else if typed.is_some() {
            credential_in_keychain = false;
        }
        let identity = conn.identity().await?;
        let seal = conn.seal_info().await.unwrap_or(None);
        let open = Arc::new(OpenConnection {
            profile: profile.clone(),
            conn,
            state: Mutex::new(LiveState {
                identity,
                seal,
                renewal_warning: None,
            }),
            credential_in_keychain,
            cancel: CancellationToken::new(),
        });
        spawn_renewal(Arc::downgrade(&open), self.audit.clone());
        lock(&self.open).insert(profile.id.clone(), open.clone());
        self.record(AuditRecord::ok("session.login").profile(&profile.name));
        Ok(summary(&open, now_unix()))
    }

    /// Closes a connection, optionally revoking its token first (audited).
    pub async fn disconnect(&self, profile_id: &str, revoke_token: bool) -> Result<()> {
        let open = lock(&self.open)
            .remove(profile_id)
            .ok_or_else(|| Error::NotFound(format!("no open connection for {profile_id}")))?;
        open.cancel.cancel();
        let name = open.profile.name.clone();
        if revoke_token {
            let r = open.conn.revoke().await;
            self.record(match &r {
                Ok(()) => AuditRecord::ok("token.revoke_self").profile(&name),
                Err(e) => AuditRecord::failed("token.revoke_self", e.to_string()).profile(&name),
            });
            r?;
        }
        self.record(AuditRecord::ok("session.logout").profile(&name));
        Ok(())
    }

    fn open_connection(&self, profile_id: &str) -> Result<Arc<OpenConnection>> {
        lock(&self.open).get(profile_id).cloned().ok_or_else(|| {
            Error::Unauthenticated(format!("not connected to {profile_id}; connect first"))
        })
    }

    /// The open connection for a profile.
    pub fn connection(&self, profile_id: &str) -> Result<Connection> {
        Ok(self.open_connection(profile_id)?.conn.clone())
    }

    /// Summaries of all open connections.
    pub fn list_connections(&self) -> Vec<ConnectionSummary> {
        let now = now_unix();
        let mut v: Vec<_> = lock(&self.open).values().map(|o| summary(o, now)).collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// Re-reads identity and seal state from the server.
    pub async fn refresh(&self, profile_id: &str) -> Result<ConnectionSummary> {
        let open = self.open_connection(profile_id)?;
        let identity = open.conn.identity().await?;
        let seal = open.conn.seal_info().await.unwrap_or(None);
        {
            let mut st = lock(&open.state);
            st.identity = identity;
            st.seal = seal;
        }
        Ok(summary(&open, now_unix()))
    }

    /// Renews the token now (audited).
    pub async fn renew(&self, profile_id: &str) -> Result<ConnectionSummary> {
        let open = self.open_connection(profile_id)?;
        let r = open.conn.renew().await;
        match r {
            Ok((identity, warnings)) => {
                {
                    let mut st = lock(&open.state);
                    st.identity = identity;
                    st.renewal_warning = warnings.first().cloned();
                }
                self.record(
                    AuditRecord::ok("token.renew_self")
                        .profile(&open.profile.name)
                        .detail(warnings.join("; ")),
                );
                Ok(summary(&open, now_unix()))
            }
            Err(e) => {
                self.record(
                    AuditRecord::failed("token.renew_self", e.to_string())
                        .profile(&open.profile.name),
                );
                Err(e)
            }
        }
    }

    /// Mounts visible to the connection's identity.
    pub async fn mounts(&self, profile_id: &str) -> Result<Vec<MountInfo>> {
        self.connection(profile_id)?.mounts().await
    }
}

/// An AWS profile without an access key id signs in through the AWS chain (named profile,
/// env, SSO): it needs no stored credential, so an empty one stands in.
fn chain_credential(profile: &Profile) -> Option<SecretString> {
    match &profile.kind {
        ProfileKind::Aws(a) if !crate::aws::needs_credential(a) => {
            Some(SecretString::from(String::new()))
        }
        ProfileKind::Azure(z) if !crate::azure::needs_credential(z) => {
            Some(SecretString::from(String::new()))
        }
        _ => None,
    }
}

fn credential_label(profile: &Profile) -> &'static str {
    match &profile.kind {
        ProfileKind::Vault(v) => v.auth.credential_label(),
        ProfileKind::Aws(_) => "Secret access key",
        ProfileKind::Azure(_) => "Client secret",
    }
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Remaining TTL of an identity at `now`.
pub fn remaining_ttl(identity: &Identity, now: i64) -> Option<u64> {
    identity
        .ttl_seconds
        .map(|ttl| ttl.saturating_sub((now - identity.checked_at).max(0) as u64))
}

/// Persistent warnings for a connection at `now`.
pub fn warnings_for(
    profile: &Profile,
    identity: &Identity,
    renewal_warning: Option<&str>,
    now: i64,
) -> Vec<String> {
    let mut w = Vec::new();
    if let ProfileKind::Vault(v) = &profile.kind {
        if !v.tls_verify {
            w.push(format!(
                "TLS verification is OFF for \"{}\": the server's identity is not checked",
                profile.name
            ));
        }
    }
    if let Some(left) = remaining_ttl(identity, now) {
        if !identity.renewable && left <= EXPIRY_WARNING.as_secs() {
            w.push(format!(
                "token for \"{}\" expires in {}m {}s and cannot be renewed: sign in again",
                profile.name,
                left / 60,
                left % 60
            ));
        }
    }
    if let Some(r) = renewal_warning {
        w.push(r.to_owned());
    }
    w
}

fn summary(open: &OpenConnection, now: i64) -> ConnectionSummary {
    let st = lock(&open.state);
    let address = match &open.profile.kind {
        ProfileKind::Vault(v) => v.address.clone(),
        ProfileKind::Aws(a) => a.region.clone().unwrap_or_default(),
        ProfileKind::Azure(a) => a.vault_url.clone(),
    };
    let mut identity = st.identity.clone();
    identity.ttl_seconds = remaining_ttl(&identity, now);
    identity.checked_at = now;
    ConnectionSummary {
        profile_id: open.profile.id.clone(),
        name: open.profile.name.clone(),
        provider: open.profile.kind.provider_label().into(),
        address,
        warnings: warnings_for(
            &open.profile,
            &st.identity,
            st.renewal_warning.as_deref(),
            now,
        ),
        identity: Some(identity),
        seal: st.seal.clone(),
        capabilities: open.conn.capabilities(),
        credential_in_keychain: open.credential_in_keychain,
    }
}

/// When to renew: at two thirds of the remaining TTL, at least 5 s from now.
pub fn renewal_delay(remaining: u64) -> Duration {
    Duration::from_secs((remaining * 2 / 3).max(5))
}

fn spawn_renewal(weak: std::sync::Weak<OpenConnection>, audit: AuditLog) {
    let Some(open) = weak.upgrade() else { return };
    let cancel = open.cancel.clone();
    drop(open);
    tokio::spawn(async move {
        loop {
            let delay = {
                let Some(open) = weak.upgrade() else { return };
                let st = lock(&open.state);
                match (
                    st.identity.renewable,
                    remaining_ttl(&st.identity, now_unix()),
                ) {
                    (true, Some(left)) => renewal_delay(left),
                    _ => Duration::from_secs(60),
                }
            };
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
            }
            let Some(open) = weak.upgrade() else { return };
            let renewable = lock(&open.state).identity.renewable;
            if renewable {
                match open.conn.renew().await {
                    Ok((identity, warnings)) => {
                        let mut st = lock(&open.state);
                        st.identity = identity;
                        st.renewal_warning = warnings.first().cloned();
                        drop(st);
                        tracing::info!(profile = %open.profile.name, "token renewed in the background");
                        let _ = audit.append(
                            AuditRecord::ok("token.renew_self")
                                .profile(&open.profile.name)
                                .detail("automatic renewal"),
                        );
                    }
                    Err(e) => {
                        tracing::warn!(profile = %open.profile.name, error = %e, "background renewal failed");
                        lock(&open.state).renewal_warning =
                            Some(format!("automatic token renewal failed: {e}"));
                        let _ = audit.append(
                            AuditRecord::failed(
                                "token.renew_self",
                                format!("automatic renewal: {e}"),
                            )
                            .profile(&open.profile.name),
                        );
                    }
                }
            } else if let Ok(identity) = open.conn.identity().await {
                lock(&open.state).identity = identity;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaultdeck_types::{VaultAuth, VaultProfile};

    fn ident(ttl: Option<u64>, renewable: bool, checked_at: i64) -> Identity {
        Identity {
            display_name: "t".into(),
            policies: vec![],
            ttl_seconds: ttl,
            renewable,
            accessor: String::new(),
            token_type: "service".into(),
            checked_at,
        }
    }

    fn profile(tls_verify: bool) -> Profile {
        Profile {
            id: "x".into(),
            name: "prod".into(),
            kind: ProfileKind::Vault(VaultProfile {
                address: "https://v".into(),
                namespace: String::new(),
                ca_cert: None,
                tls_verify,
                allow_plain_http: false,
                auth: VaultAuth::Token,
            }),
        }
    }

    #[test]
    fn ttl_counts_down_from_the_check_time() {
        let id = ident(Some(100), true, 1000);
        assert_eq!(remaining_ttl(&id, 1030), Some(70));
        assert_eq!(remaining_ttl(&id, 2000), Some(0));
        assert_eq!(remaining_ttl(&ident(None, false, 0), 5), None);
    }

    #[test]
    fn warns_five_minutes_before_a_non_renewable_token_expires() {
        let p = profile(true);
        assert!(warnings_for(&p, &ident(Some(301), false, 0), None, 0).is_empty());
        let w = warnings_for(&p, &ident(Some(301), false, 0), None, 2);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("4m 59s"), "{w:?}");
        assert!(warnings_for(&p, &ident(Some(10), true, 0), None, 0).is_empty());
    }

    #[test]
    fn tls_off_is_a_persistent_warning() {
        let w = warnings_for(&profile(false), &ident(None, false, 0), None, 0);
        assert!(w[0].contains("TLS verification is OFF"));
    }

    #[test]
    fn renews_at_two_thirds_of_the_ttl() {
        assert_eq!(renewal_delay(3600), Duration::from_secs(2400));
        assert_eq!(renewal_delay(3), Duration::from_secs(5));
    }
}
