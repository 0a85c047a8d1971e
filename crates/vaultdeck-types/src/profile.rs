use serde::{Deserialize, Serialize};

/// A saved connection profile. Holds no credential: those live in the OS keychain, keyed by
/// [`Profile::id`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Stable identifier (also the keychain account name).
    pub id: String,
    /// Display name, unique among profiles.
    pub name: String,
    /// Provider-specific settings.
    pub kind: ProfileKind,
}

/// Provider-specific profile settings. AWS and Azure are declared so their issues only add
/// implementations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "provider", rename_all = "snake_case")]
pub enum ProfileKind {
    /// HashiCorp Vault or OpenBao.
    Vault(VaultProfile),
    /// AWS Secrets Manager.
    Aws(AwsProfile),
    /// Azure Key Vault.
    Azure(AzureProfile),
}

impl ProfileKind {
    /// The provider's display name.
    pub fn provider_label(&self) -> &'static str {
        match self {
            ProfileKind::Vault(_) => "Vault / OpenBao",
            ProfileKind::Aws(_) => "AWS Secrets Manager",
            ProfileKind::Azure(_) => "Azure Key Vault",
        }
    }
}

/// Settings of a Vault / OpenBao profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultProfile {
    /// Base address, e.g. `https://vault.example.com:8200`.
    pub address: String,
    /// Namespace sent as `X-Vault-Namespace`; empty = root namespace.
    #[serde(default)]
    pub namespace: String,
    /// Path of a PEM CA bundle file to trust in addition to the system roots (like VAULT_CACERT).
    #[serde(default)]
    pub ca_cert: Option<String>,
    /// Verify the server's TLS certificate (on by default). Every save of a profile with this off
    /// needs `SaveProfileArgs::confirm_insecure_tls`.
    #[serde(default = "yes")]
    pub tls_verify: bool,
    /// Allow plain `http://` to a non-loopback address.
    #[serde(default)]
    pub allow_plain_http: bool,
    /// How to sign in.
    pub auth: VaultAuth,
}

fn yes() -> bool {
    true
}

/// Vault / OpenBao sign-in method. Only non-secret parts live here; the token, password or
/// secret_id is in the keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum VaultAuth {
    /// A token (credential = the token).
    Token,
    /// Username and password (credential = the password).
    Userpass {
        /// Username.
        username: String,
        /// Auth mount path, default `userpass`.
        #[serde(default = "userpass")]
        mount: String,
    },
    /// AppRole (credential = the secret_id).
    AppRole {
        /// The role_id (not secret).
        role_id: String,
        /// Auth mount path, default `approle`.
        #[serde(default = "approle")]
        mount: String,
    },
}

fn userpass() -> String {
    "userpass".into()
}
fn approle() -> String {
    "approle".into()
}

impl VaultAuth {
    /// What the credential of this method is called in the UI.
    pub fn credential_label(&self) -> &'static str {
        match self {
            VaultAuth::Token => "Token",
            VaultAuth::Userpass { .. } => "Password",
            VaultAuth::AppRole { .. } => "Secret ID",
        }
    }
}

/// Settings of an AWS Secrets Manager profile (implemented by the AWS issue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsProfile {
    /// Named profile from the AWS shared config; `None` = default chain.
    #[serde(default)]
    pub aws_profile: Option<String>,
    /// Region, e.g. `eu-west-1`.
    #[serde(default)]
    pub region: Option<String>,
    /// Access key id when the profile holds static keys (secret key in the keychain).
    #[serde(default)]
    pub access_key_id: Option<String>,
    /// Endpoint override (tests, VPC endpoints).
    #[serde(default)]
    pub endpoint_url: Option<String>,
}

/// Settings of an Azure Key Vault profile (implemented by the Azure issue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzureProfile {
    /// Vault URL, e.g. `https://myvault.vault.azure.net`.
    pub vault_url: String,
    /// Tenant id for client-secret or device-code sign-in.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Client (application) id for client-secret sign-in (secret in the keychain), the public
    /// client of a device-code sign-in, or a user-assigned managed identity.
    #[serde(default)]
    pub client_id: Option<String>,
    /// How to sign in (default: the Azure CLI's login).
    #[serde(default)]
    pub auth: crate::AzureAuth,
    /// Entra ID authority host (default `https://login.microsoftonline.com`); for sovereign
    /// clouds and tests.
    #[serde(default)]
    pub authority_host: Option<String>,
    /// Path of a PEM CA bundle to trust instead of the system roots (tests, TLS proxies).
    #[serde(default)]
    pub ca_bundle: Option<String>,
}
