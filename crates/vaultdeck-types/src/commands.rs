use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::{
    AuditEntry, AuditFilter, AuditVerifyReport, ConnectionSummary, MountInfo, Profile, SecretInput,
};

/// One backend operation: its registered Tauri command name, its single argument struct and its
/// output. The backend command takes `args: Args` and returns `Result<Output, IpcError>`.
pub trait Command {
    /// The name the command is registered under (snake_case).
    const NAME: &'static str;
    /// The single `args` struct.
    type Args: Serialize + DeserializeOwned;
    /// The successful result.
    type Output: Serialize + DeserializeOwned;
}

/// Declares commands: each becomes an uninhabited type implementing [`Command`], and `$list`
/// a const slice of their names (add the list to [`all_commands`]).
#[macro_export]
macro_rules! commands {
    ($(#[$ldoc:meta])* $list:ident; $( $(#[$doc:meta])* $ty:ident = $name:literal : $args:ty => $out:ty ;)*) => {
        $(
            $(#[$doc])*
            pub enum $ty {}
            impl $crate::Command for $ty {
                const NAME: &'static str = $name;
                type Args = $args;
                type Output = $out;
            }
        )*
        $(#[$ldoc])*
        pub const $list: &[&str] = &[$($name),*];
    };
}

/// Arguments of commands that take none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoArgs {}

/// Arguments naming one profile / connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRef {
    /// Profile id.
    pub profile_id: String,
}

/// Create (empty `profile.id`) or update a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveProfileArgs {
    /// The profile to save.
    pub profile: Profile,
    /// A credential to store in the keychain with it (token, password, secret_id); `None` keeps
    /// the stored one.
    #[serde(default)]
    pub credential: Option<SecretInput>,
    /// Required `true` when the profile turns TLS verification off.
    #[serde(default)]
    pub confirm_insecure_tls: bool,
}

/// Open a connection from a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectArgs {
    /// Profile id.
    pub profile_id: String,
    /// Credential typed now; `None` = use the one in the keychain.
    #[serde(default)]
    pub credential: Option<SecretInput>,
    /// Store a typed credential in the keychain for next time.
    #[serde(default)]
    pub remember: bool,
}

/// Close a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisconnectArgs {
    /// Profile id.
    pub profile_id: String,
    /// Also revoke the token on the server (log out).
    #[serde(default)]
    pub revoke_token: bool,
}

/// Audit listing arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListAuditArgs {
    /// Filters.
    #[serde(default)]
    pub filter: AuditFilter,
}

/// Facts about the running app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    /// App version.
    pub version: String,
    /// Where profiles are stored.
    pub profiles_file: String,
    /// Where the audit log is.
    pub audit_file: String,
    /// Whether the OS keychain is usable.
    pub keychain_available: bool,
    /// Why not, when it is not.
    pub keychain_message: Option<String>,
    /// Id of the embedded demo profile, when the app started the local demo server.
    pub demo_profile_id: Option<String>,
}

/// Every declared command name, across all areas; the IPC contract test invokes each one.
pub fn all_commands() -> Vec<&'static str> {
    [
        CORE_COMMANDS,
        crate::POLICY_COMMANDS,
        crate::POLICY_STAGING_COMMANDS,
        crate::POLICY_ANALYSIS_COMMANDS,
        crate::SECRET_COMMANDS,
        crate::LEASE_COMMANDS,
        crate::TOKEN_COMMANDS,
        crate::CREDS_COMMANDS,
        crate::POLICY_REVIEW_COMMANDS,
        crate::BREAKGLASS_COMMANDS,
        crate::BREAKGLASS_LAUNCH_COMMANDS,
        crate::CLUSTER_COMMANDS,
        crate::ROTATION_COMMANDS,
        crate::AWS_COMMANDS,
        crate::AZURE_COMMANDS,
    ]
    .concat()
}

commands! {
    /// Profiles, sessions, audit and app-level commands.
    CORE_COMMANDS;
    /// App version, storage locations, keychain availability, demo profile.
    GetAppInfo = "get_app_info": NoArgs => AppInfo;
    /// All saved profiles.
    ListProfiles = "list_profiles": NoArgs => Vec<Profile>;
    /// Create or update a profile (and optionally its credential).
    SaveProfile = "save_profile": SaveProfileArgs => Profile;
    /// Delete a profile and its keychain credential.
    DeleteProfile = "delete_profile": ProfileRef => ();
    /// Copy a profile under a new name (credential not copied).
    DuplicateProfile = "duplicate_profile": ProfileRef => Profile;
    /// Create a profile from VAULT_ADDR / VAULT_TOKEN / VAULT_NAMESPACE / VAULT_CACERT / ~/.vault-token.
    ImportEnvProfile = "import_env_profile": NoArgs => Profile;
    /// Sign in with a profile and open a connection.
    Connect = "connect": ConnectArgs => ConnectionSummary;
    /// Close a connection, optionally revoking its token.
    Disconnect = "disconnect": DisconnectArgs => ();
    /// Open connections.
    ListConnections = "list_connections": NoArgs => Vec<ConnectionSummary>;
    /// Refresh identity, TTL and seal/HA state of a connection.
    RefreshConnection = "refresh_connection": ProfileRef => ConnectionSummary;
    /// Renew the connection's token now.
    RenewToken = "renew_token": ProfileRef => ConnectionSummary;
    /// Mounts visible to the connection's token.
    ListMounts = "list_mounts": ProfileRef => Vec<MountInfo>;
    /// Audit entries, newest first, filtered.
    ListAudit = "list_audit": ListAuditArgs => Vec<AuditEntry>;
    /// Verify the audit hash chain.
    VerifyAudit = "verify_audit": NoArgs => AuditVerifyReport;
    /// Called once by the UI after its first render (startup timing).
    UiReady = "ui_ready": NoArgs => ();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for n in all_commands() {
            assert!(seen.insert(n), "duplicate command {n}");
            assert!(n.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{n}");
        }
        assert_eq!(Connect::NAME, "connect");
    }
}
