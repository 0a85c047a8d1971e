//! The closed set of providers. The app holds one [`Connection`] per open profile and
//! dispatches with `match`; capabilities a provider lacks answer [`Error::Unsupported`].

use secrecy::SecretString;
use vaultdeck_types::{
    Capability, Identity, MountClass, MountInfo, Profile, ProfileKind, SealInfo, VaultAuth,
    VaultProfile,
};
use vaultdeck_vault::{VaultClient, VaultConfig};

use crate::capability::{ClusterInfo, MountCatalog, TokenSession};
use crate::{Error, Result};

/// An open, signed-in connection.
#[derive(Clone)]
pub enum Connection {
    /// HashiCorp Vault or OpenBao.
    Vault(VaultConnection),
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Connection::Vault(v) => write!(f, "Connection::Vault({})", v.client.address()),
        }
    }
}

impl Connection {
    /// Signs in with `profile` and `credential` (token, password or secret_id by auth method).
    pub async fn open(profile: &Profile, credential: SecretString) -> Result<Self> {
        match &profile.kind {
            ProfileKind::Vault(v) => Ok(Connection::Vault(
                VaultConnection::open(v, credential).await?,
            )),
            ProfileKind::Aws(_) => Err(Error::Unsupported(
                "AWS Secrets Manager connections are not available in this build yet".into(),
            )),
            ProfileKind::Azure(_) => Err(Error::Unsupported(
                "Azure Key Vault connections are not available in this build yet".into(),
            )),
        }
    }

    /// What this connection can do; the UI shows screens accordingly.
    pub fn capabilities(&self) -> Vec<Capability> {
        match self {
            Connection::Vault(_) => vec![Capability::ClusterInfo, Capability::Mounts],
        }
    }

    /// Seal/HA state, when the provider has one.
    pub async fn seal_info(&self) -> Result<Option<SealInfo>> {
        match self {
            Connection::Vault(v) => v.seal_info().await.map(Some),
        }
    }

    /// Mounts visible to the identity.
    pub async fn mounts(&self) -> Result<Vec<MountInfo>> {
        match self {
            Connection::Vault(v) => v.mounts().await,
        }
    }

    /// Current identity.
    pub async fn identity(&self) -> Result<Identity> {
        match self {
            Connection::Vault(v) => v.identity().await,
        }
    }

    /// Renews the session's token.
    pub async fn renew(&self) -> Result<(Identity, Vec<String>)> {
        match self {
            Connection::Vault(v) => v.renew().await,
        }
    }

    /// Revokes the session's token.
    pub async fn revoke(&self) -> Result<()> {
        match self {
            Connection::Vault(v) => v.revoke().await,
        }
    }
}

/// A signed-in Vault / OpenBao client.
#[derive(Clone)]
pub struct VaultConnection {
    client: VaultClient,
}

impl VaultConnection {
    /// Builds the client from the profile and signs in with the profile's auth method.
    pub async fn open(profile: &VaultProfile, credential: SecretString) -> Result<Self> {
        let client = VaultClient::new(vault_config(profile)?)?;
        let client = match &profile.auth {
            VaultAuth::Token => client.with_token(credential),
            VaultAuth::Userpass { username, mount } => {
                let auth = client.login_userpass(mount, username, &credential).await?;
                client.with_token(auth.client_token)
            }
            VaultAuth::AppRole { role_id, mount } => {
                let auth = client.login_approle(mount, role_id, &credential).await?;
                client.with_token(auth.client_token)
            }
        };
        let conn = Self { client };
        // Prove the token works before calling the connection open.
        conn.identity().await?;
        Ok(conn)
    }

    /// The underlying client (for provider-specific screens).
    pub fn client(&self) -> &VaultClient {
        &self.client
    }
}

/// Turns a profile into client settings, reading the CA bundle.
pub fn vault_config(profile: &VaultProfile) -> Result<VaultConfig> {
    let ca_cert_pem = match profile.ca_cert.as_deref().filter(|c| !c.is_empty()) {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| Error::InvalidInput(format!("cannot read CA bundle {path}: {e}")))?,
        ),
        None => None,
    };
    Ok(VaultConfig {
        address: profile.address.trim_end_matches('/').to_owned(),
        namespace: profile.namespace.clone(),
        ca_cert_pem,
        tls_verify: profile.tls_verify,
        timeout: std::time::Duration::from_secs(30),
    })
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl ClusterInfo for VaultConnection {
    async fn seal_info(&self) -> Result<SealInfo> {
        let seal = self.client.seal_status().await?;
        let leader = if seal.sealed {
            None
        } else {
            self.client.leader().await.ok()
        };
        Ok(seal.seal_info(leader.as_ref()))
    }
}

impl MountCatalog for VaultConnection {
    async fn mounts(&self) -> Result<Vec<MountInfo>> {
        let mut mounts: Vec<MountInfo> = self
            .client
            .ui_mounts()
            .await?
            .into_iter()
            .map(|m| MountInfo::from(&m))
            .collect();
        mounts.sort_by(|a, b| {
            (a.class == MountClass::Auth, &a.path).cmp(&(b.class == MountClass::Auth, &b.path))
        });
        Ok(mounts)
    }
}

impl TokenSession for VaultConnection {
    async fn identity(&self) -> Result<Identity> {
        Ok(self.client.lookup_self().await?.identity(now_unix()))
    }

    async fn renew(&self) -> Result<(Identity, Vec<String>)> {
        let auth = self.client.renew_self(None).await?;
        Ok((self.identity().await?, auth.warnings))
    }

    async fn revoke(&self) -> Result<()> {
        Ok(self.client.revoke_self().await?)
    }
}
