//! The model behind the profile form (Vault / OpenBao, AWS Secrets Manager, Azure Key Vault):
//! what the user has typed so far, the edits the form applies to it, its validation (clear
//! messages before anything is sent) and its conversion to and from a [`Profile`]. The
//! credential (Vault token / password / secret_id, AWS secret access key, Azure client secret)
//! is not part of the draft; the form keeps it separately as a [`vaultdeck_types::SecretInput`].

use vaultdeck_types::{
    AwsProfile, AzureAuth, AzureProfile, Profile, ProfileKind, VaultAuth, VaultProfile,
};

/// The provider of a profile, as the form's kind select offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProviderKind {
    /// HashiCorp Vault or OpenBao.
    #[default]
    Vault,
    /// AWS Secrets Manager.
    Aws,
    /// Azure Key Vault.
    Azure,
}

impl ProviderKind {
    /// Every kind, in select order.
    pub const ALL: [ProviderKind; 3] =
        [ProviderKind::Vault, ProviderKind::Aws, ProviderKind::Azure];

    /// The `<option value>`: `vault`, `aws` or `azure`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Vault => "vault",
            ProviderKind::Aws => "aws",
            ProviderKind::Azure => "azure",
        }
    }

    /// Parses an `<option value>`; unknown values mean [`ProviderKind::Vault`].
    pub fn parse(value: &str) -> Self {
        match value {
            "aws" => ProviderKind::Aws,
            "azure" => ProviderKind::Azure,
            _ => ProviderKind::Vault,
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            ProviderKind::Vault => "Vault / OpenBao",
            ProviderKind::Aws => "AWS Secrets Manager",
            ProviderKind::Azure => "Azure Key Vault",
        }
    }

    /// The kind named by a connection summary's `provider` (the [`label`](Self::label));
    /// unknown labels mean [`ProviderKind::Vault`].
    pub fn of_label(provider: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.label() == provider)
            .unwrap_or_default()
    }

    /// The kind of a saved profile.
    pub fn of(kind: &ProfileKind) -> Self {
        match kind {
            ProfileKind::Vault(_) => ProviderKind::Vault,
            ProfileKind::Aws(_) => ProviderKind::Aws,
            ProfileKind::Azure(_) => ProviderKind::Azure,
        }
    }
}

/// Every Azure sign-in method, in select order.
pub const AZURE_AUTHS: [AzureAuth; 4] = [
    AzureAuth::AzureCli,
    AzureAuth::ClientSecret,
    AzureAuth::ManagedIdentity,
    AzureAuth::DeviceCode,
];

/// The `<option value>` of an Azure sign-in method.
pub fn azure_auth_value(auth: &AzureAuth) -> &'static str {
    match auth {
        AzureAuth::AzureCli => "azure_cli",
        AzureAuth::ClientSecret => "client_secret",
        AzureAuth::ManagedIdentity => "managed_identity",
        AzureAuth::DeviceCode => "device_code",
    }
}

/// Parses an Azure sign-in `<option value>`; unknown values mean the Azure CLI.
pub fn parse_azure_auth(value: &str) -> AzureAuth {
    match value {
        "client_secret" => AzureAuth::ClientSecret,
        "managed_identity" => AzureAuth::ManagedIdentity,
        "device_code" => AzureAuth::DeviceCode,
        _ => AzureAuth::AzureCli,
    }
}

/// A label for people of an Azure sign-in method.
pub fn azure_auth_label(auth: &AzureAuth) -> &'static str {
    match auth {
        AzureAuth::AzureCli => "Azure CLI login",
        AzureAuth::ClientSecret => "Client secret (service principal)",
        AzureAuth::ManagedIdentity => "Managed identity",
        AzureAuth::DeviceCode => "Device code",
    }
}

/// Whether a profile signs in with the Azure device-code flow, whose prompt only the Azure
/// screen shows (the Connections screen sends those there).
pub fn is_azure_device_code(kind: &ProfileKind) -> bool {
    matches!(kind, ProfileKind::Azure(z) if z.auth == AzureAuth::DeviceCode)
}

/// What the credential of a saved profile is called, or `None` when it signs in without one
/// (AWS default chain / named profile, Azure CLI, managed identity, device code).
pub fn credential_label_of(kind: &ProfileKind) -> Option<&'static str> {
    match kind {
        ProfileKind::Vault(v) => Some(v.auth.credential_label()),
        ProfileKind::Aws(a) => a
            .access_key_id
            .as_deref()
            .is_some_and(|k| !k.trim().is_empty())
            .then_some("Secret access key"),
        ProfileKind::Azure(z) => (z.auth == AzureAuth::ClientSecret).then_some("Client secret"),
    }
}

/// A Vault sign-in method as the form's select offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMethod {
    /// A token.
    #[default]
    Token,
    /// Username and password.
    Userpass,
    /// AppRole (role_id + secret_id).
    AppRole,
}

impl AuthMethod {
    /// Every method, in select order.
    pub const ALL: [AuthMethod; 3] = [AuthMethod::Token, AuthMethod::Userpass, AuthMethod::AppRole];

    /// The `<option value>`: `token`, `userpass` or `approle`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Token => "token",
            AuthMethod::Userpass => "userpass",
            AuthMethod::AppRole => "approle",
        }
    }

    /// Parses an `<option value>`; unknown values mean [`AuthMethod::Token`].
    pub fn parse(value: &str) -> Self {
        match value {
            "userpass" => AuthMethod::Userpass,
            "approle" => AuthMethod::AppRole,
            _ => AuthMethod::Token,
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            AuthMethod::Token => "Token",
            AuthMethod::Userpass => "Username & password",
            AuthMethod::AppRole => "AppRole",
        }
    }

    /// The default auth mount path of the method (empty for tokens, which have none).
    pub fn default_mount(self) -> &'static str {
        match self {
            AuthMethod::Token => "",
            AuthMethod::Userpass => "userpass",
            AuthMethod::AppRole => "approle",
        }
    }
}

/// The profile form's state (the fields of every provider; only the selected kind's are used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileDraft {
    /// Profile id; empty for a new profile (the backend assigns one).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Which provider the profile is for.
    pub kind: ProviderKind,
    /// Server address.
    pub address: String,
    /// Namespace (empty = root).
    pub namespace: String,
    /// Path of a PEM CA bundle file (empty = none).
    pub ca_cert: String,
    /// Verify the server's TLS certificate.
    pub tls_verify: bool,
    /// The user confirmed turning TLS verification off.
    pub confirm_insecure: bool,
    /// Allow plain `http://` to a non-loopback address.
    pub allow_plain_http: bool,
    /// Sign-in method.
    pub method: AuthMethod,
    /// Username (userpass).
    pub username: String,
    /// Auth mount path (userpass, approle).
    pub mount: String,
    /// Role id (approle).
    pub role_id: String,
    /// AWS: named profile of the shared config (empty = default chain or static keys).
    pub aws_profile: String,
    /// AWS: region (empty = from the environment / shared config).
    pub region: String,
    /// AWS: access key id of static keys (the secret access key is the credential).
    pub access_key_id: String,
    /// AWS: endpoint override (empty = the public endpoint).
    pub endpoint_url: String,
    /// Azure: vault URL.
    pub vault_url: String,
    /// Azure: sign-in method.
    pub azure_auth: AzureAuth,
    /// Azure: tenant id.
    pub tenant_id: String,
    /// Azure: client (application) id.
    pub client_id: String,
    /// Azure: authority host (empty = the public cloud's).
    pub authority_host: String,
    /// Azure: PEM CA bundle path (empty = system roots).
    pub ca_bundle: String,
}

/// A text field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftField {
    /// `#profile-name`.
    Name,
    /// `#profile-address`.
    Address,
    /// `#profile-namespace`.
    Namespace,
    /// `#profile-cacert`.
    CaCert,
    /// `#profile-username`.
    Username,
    /// `#profile-mount`.
    Mount,
    /// `#profile-role-id`.
    RoleId,
    /// `#profile-aws-profile`.
    AwsProfile,
    /// `#profile-region`.
    Region,
    /// `#profile-access-key-id`.
    AccessKeyId,
    /// `#profile-endpoint`.
    EndpointUrl,
    /// `#profile-vault-url`.
    VaultUrl,
    /// `#profile-tenant`.
    TenantId,
    /// `#profile-client-id`.
    ClientId,
    /// `#profile-authority`.
    AuthorityHost,
    /// `#profile-ca-bundle`.
    CaBundle,
}

/// A checkbox of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftFlag {
    /// `#profile-tls-verify`.
    TlsVerify,
    /// `#profile-confirm-insecure`.
    ConfirmInsecure,
    /// `#profile-allow-http`.
    AllowPlainHttp,
}

/// One change the user makes to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftEdit {
    /// A text field now holds this value.
    Text(DraftField, String),
    /// A checkbox is now (un)checked.
    Flag(DraftFlag, bool),
    /// Another sign-in method was selected.
    Method(AuthMethod),
    /// Another provider was selected (new profiles only).
    Kind(ProviderKind),
    /// Another Azure sign-in method was selected.
    AzureMethod(AzureAuth),
}

impl Default for ProfileDraft {
    fn default() -> Self {
        Self {
            id: String::new(),
            name: String::new(),
            kind: ProviderKind::Vault,
            address: String::new(),
            namespace: String::new(),
            ca_cert: String::new(),
            tls_verify: true,
            confirm_insecure: false,
            allow_plain_http: false,
            method: AuthMethod::Token,
            username: String::new(),
            mount: String::new(),
            role_id: String::new(),
            aws_profile: String::new(),
            region: String::new(),
            access_key_id: String::new(),
            endpoint_url: String::new(),
            vault_url: String::new(),
            azure_auth: AzureAuth::AzureCli,
            tenant_id: String::new(),
            client_id: String::new(),
            authority_host: String::new(),
            ca_bundle: String::new(),
        }
    }
}

impl ProfileDraft {
    /// The draft of an existing profile of any provider. A profile saved with TLS verification
    /// off was confirmed then, so it starts confirmed.
    pub fn from_profile(profile: &Profile) -> Self {
        let base = Self {
            id: profile.id.clone(),
            name: profile.name.clone(),
            kind: ProviderKind::of(&profile.kind),
            ..Self::default()
        };
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        match &profile.kind {
            ProfileKind::Vault(v) => {
                let (method, username, mount, role_id) = match &v.auth {
                    VaultAuth::Token => (
                        AuthMethod::Token,
                        String::new(),
                        String::new(),
                        String::new(),
                    ),
                    VaultAuth::Userpass { username, mount } => (
                        AuthMethod::Userpass,
                        username.clone(),
                        mount.clone(),
                        String::new(),
                    ),
                    VaultAuth::AppRole { role_id, mount } => (
                        AuthMethod::AppRole,
                        String::new(),
                        mount.clone(),
                        role_id.clone(),
                    ),
                };
                Self {
                    address: v.address.clone(),
                    namespace: v.namespace.clone(),
                    ca_cert: opt(&v.ca_cert),
                    tls_verify: v.tls_verify,
                    confirm_insecure: !v.tls_verify,
                    allow_plain_http: v.allow_plain_http,
                    method,
                    username,
                    mount,
                    role_id,
                    ..base
                }
            }
            ProfileKind::Aws(a) => Self {
                aws_profile: opt(&a.aws_profile),
                region: opt(&a.region),
                access_key_id: opt(&a.access_key_id),
                endpoint_url: opt(&a.endpoint_url),
                ..base
            },
            ProfileKind::Azure(z) => Self {
                vault_url: z.vault_url.clone(),
                azure_auth: z.auth.clone(),
                tenant_id: opt(&z.tenant_id),
                client_id: opt(&z.client_id),
                authority_host: opt(&z.authority_host),
                ca_bundle: opt(&z.ca_bundle),
                ..base
            },
        }
    }

    /// True while creating a profile (no id yet).
    pub fn is_new(&self) -> bool {
        self.id.is_empty()
    }

    /// Applies one edit. Switching the method replaces the mount path only when it is empty or
    /// still the previous method's default, so a custom mount survives; turning TLS verification
    /// back on clears the insecure confirmation.
    pub fn apply(&mut self, edit: DraftEdit) {
        match edit {
            DraftEdit::Text(field, value) => *self.text_mut(field) = value,
            DraftEdit::Flag(DraftFlag::TlsVerify, on) => {
                self.tls_verify = on;
                if on {
                    self.confirm_insecure = false;
                }
            }
            DraftEdit::Flag(DraftFlag::ConfirmInsecure, on) => self.confirm_insecure = on,
            DraftEdit::Flag(DraftFlag::AllowPlainHttp, on) => self.allow_plain_http = on,
            DraftEdit::Method(method) => {
                if self.mount.trim().is_empty() || self.mount == self.method.default_mount() {
                    self.mount = method.default_mount().to_string();
                }
                self.method = method;
            }
            DraftEdit::Kind(kind) => {
                if self.is_new() {
                    self.kind = kind;
                }
            }
            DraftEdit::AzureMethod(auth) => self.azure_auth = auth,
        }
    }

    fn text_mut(&mut self, field: DraftField) -> &mut String {
        match field {
            DraftField::Name => &mut self.name,
            DraftField::Address => &mut self.address,
            DraftField::Namespace => &mut self.namespace,
            DraftField::CaCert => &mut self.ca_cert,
            DraftField::Username => &mut self.username,
            DraftField::Mount => &mut self.mount,
            DraftField::RoleId => &mut self.role_id,
            DraftField::AwsProfile => &mut self.aws_profile,
            DraftField::Region => &mut self.region,
            DraftField::AccessKeyId => &mut self.access_key_id,
            DraftField::EndpointUrl => &mut self.endpoint_url,
            DraftField::VaultUrl => &mut self.vault_url,
            DraftField::TenantId => &mut self.tenant_id,
            DraftField::ClientId => &mut self.client_id,
            DraftField::AuthorityHost => &mut self.authority_host,
            DraftField::CaBundle => &mut self.ca_bundle,
        }
    }

    /// The sign-in method as the contract's [`VaultAuth`]; an empty mount means the default.
    pub fn auth(&self) -> VaultAuth {
        let mount = match self.mount.trim() {
            "" => self.method.default_mount().to_string(),
            m => m.to_string(),
        };
        match self.method {
            AuthMethod::Token => VaultAuth::Token,
            AuthMethod::Userpass => VaultAuth::Userpass {
                username: self.username.trim().to_string(),
                mount,
            },
            AuthMethod::AppRole => VaultAuth::AppRole {
                role_id: self.role_id.trim().to_string(),
                mount,
            },
        }
    }

    /// The profile to send with `SaveProfile` (surrounding whitespace trimmed, empty optional
    /// fields as `None`). Check [`ProfileDraft::validate`] first.
    pub fn to_profile(&self) -> Profile {
        let opt = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_string())
        };
        let kind = match self.kind {
            ProviderKind::Vault => ProfileKind::Vault(VaultProfile {
                address: self.address.trim().to_string(),
                namespace: self.namespace.trim().to_string(),
                ca_cert: opt(&self.ca_cert),
                tls_verify: self.tls_verify,
                allow_plain_http: self.allow_plain_http,
                auth: self.auth(),
            }),
            ProviderKind::Aws => ProfileKind::Aws(AwsProfile {
                aws_profile: opt(&self.aws_profile),
                region: opt(&self.region),
                access_key_id: opt(&self.access_key_id),
                endpoint_url: opt(&self.endpoint_url),
            }),
            ProviderKind::Azure => {
                let uses_client = self.azure_auth != AzureAuth::AzureCli;
                let uses_tenant = matches!(
                    self.azure_auth,
                    AzureAuth::ClientSecret | AzureAuth::DeviceCode
                );
                ProfileKind::Azure(AzureProfile {
                    vault_url: self.vault_url.trim().trim_end_matches('/').to_string(),
                    tenant_id: opt(&self.tenant_id).filter(|_| uses_tenant),
                    client_id: opt(&self.client_id).filter(|_| uses_client),
                    auth: self.azure_auth.clone(),
                    authority_host: opt(&self.authority_host),
                    ca_bundle: opt(&self.ca_bundle),
                })
            }
        };
        Profile {
            id: self.id.clone(),
            name: self.name.trim().to_string(),
            kind,
        }
    }

    /// What the credential is called for the selected kind and method ("Token", "Password",
    /// "Secret ID", "Secret access key", "Client secret"), or `None` when this profile signs in
    /// without one (the form then hides the field and sends nothing).
    pub fn credential_label(&self) -> Option<&'static str> {
        credential_label_of(&self.to_profile().kind)
    }

    /// Checks what the backend would reject (and a few things it cannot know), naming the field:
    /// `Err` carries the message to show; the draft itself is untouched either way.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("Name: a profile needs a name".into());
        }
        match self.kind {
            ProviderKind::Vault => self.validate_vault(),
            ProviderKind::Aws => self.validate_aws(),
            ProviderKind::Azure => self.validate_azure(),
        }
    }

    fn validate_vault(&self) -> Result<(), String> {
        let address = self.address.trim();
        if address.is_empty() {
            return Err(
                "Address: enter the server address, e.g. https://vault.example.com:8200".into(),
            );
        }
        if url_host(address, &["http", "https"]).is_none() {
            return Err(format!(
                "Address: \"{address}\" is not a URL like https://vault.example.com:8200"
            ));
        }
        match self.method {
            AuthMethod::Userpass if self.username.trim().is_empty() => {
                Err("Username: username & password sign-in needs a username".into())
            }
            AuthMethod::AppRole if self.role_id.trim().is_empty() => {
                Err("Role ID: AppRole sign-in needs a role_id".into())
            }
            _ => Ok(()),
        }
    }

    fn validate_aws(&self) -> Result<(), String> {
        let (named, key) = (self.aws_profile.trim(), self.access_key_id.trim());
        if !named.is_empty() && !key.is_empty() {
            return Err("AWS: use either a named profile or an access key id, not both".into());
        }
        if key.chars().any(|c| !c.is_ascii_alphanumeric()) {
            return Err(format!(
                "Access key id: \"{key}\" is not an access key id (letters and digits, e.g. AKIA…)"
            ));
        }
        let region = self.region.trim();
        let region_ok = region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && (region.is_empty() || region.contains('-'));
        if !region_ok {
            return Err(format!(
                "Region: \"{region}\" is not an AWS region like eu-west-1"
            ));
        }
        let endpoint = self.endpoint_url.trim();
        if !endpoint.is_empty() && url_host(endpoint, &["http", "https"]).is_none() {
            return Err(format!(
                "Endpoint: \"{endpoint}\" is not a URL like https://secretsmanager.eu-west-1.amazonaws.com"
            ));
        }
        Ok(())
    }

    fn validate_azure(&self) -> Result<(), String> {
        let url = self.vault_url.trim();
        if url.is_empty() {
            return Err(
                "Vault URL: enter the vault URL, e.g. https://myvault.vault.azure.net".into(),
            );
        }
        if url_host(url, &["https"]).is_none() {
            return Err(format!(
                "Vault URL: \"{url}\" is not an https:// URL like https://myvault.vault.azure.net"
            ));
        }
        let needs_app = matches!(
            self.azure_auth,
            AzureAuth::ClientSecret | AzureAuth::DeviceCode
        );
        if needs_app && self.tenant_id.trim().is_empty() {
            return Err(format!(
                "Tenant: {} sign-in needs the tenant id",
                azure_auth_label(&self.azure_auth)
            ));
        }
        if needs_app && self.client_id.trim().is_empty() {
            return Err(format!(
                "Client ID: {} sign-in needs the client (application) id",
                azure_auth_label(&self.azure_auth)
            ));
        }
        let authority = self.authority_host.trim();
        if !authority.is_empty() && url_host(authority, &["https", "http"]).is_none() {
            return Err(format!(
                "Authority host: \"{authority}\" is not a URL like https://login.microsoftonline.com"
            ));
        }
        Ok(())
    }
}

/// The host of `scheme://host[:port][/...]` when the scheme is one of `schemes` and the host is
/// non-empty and has no spaces.
fn url_host<'a>(url: &'a str, schemes: &[&str]) -> Option<&'a str> {
    let (scheme, rest) = url.split_once("://")?;
    if !schemes.contains(&scheme) {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    (!name.is_empty() && !host.chars().any(char::is_whitespace)).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_labels_map_back_to_their_kind() {
        for k in ProviderKind::ALL {
            assert_eq!(ProviderKind::of_label(k.label()), k);
        }
        // The label the backend puts in a connection summary is the profile kind's.
        let aws = ProfileKind::Aws(vaultdeck_types::AwsProfile {
            aws_profile: None,
            region: None,
            access_key_id: None,
            endpoint_url: None,
        });
        assert_eq!(
            ProviderKind::of_label(aws.provider_label()),
            ProviderKind::Aws
        );
        assert_eq!(
            ProviderKind::of_label("something else"),
            ProviderKind::Vault
        );
    }

    #[test]
    fn new_draft_verifies_tls_and_uses_a_token() {
        let d = ProfileDraft::default();
        assert!(d.is_new() && d.tls_verify && !d.confirm_insecure);
        assert_eq!(d.to_profile().kind.provider_label(), "Vault / OpenBao");
        assert_eq!(d.credential_label(), Some("Token"));
    }

    #[test]
    fn method_switch_keeps_custom_mounts_and_swaps_defaults() {
        let mut d = ProfileDraft::default();
        d.apply(DraftEdit::Method(AuthMethod::Userpass));
        assert_eq!(d.mount, "userpass");
        d.apply(DraftEdit::Method(AuthMethod::AppRole));
        assert_eq!(d.mount, "approle");
        d.apply(DraftEdit::Text(DraftField::Mount, "team-approle".into()));
        d.apply(DraftEdit::Method(AuthMethod::Userpass));
        assert_eq!(d.mount, "team-approle");
        assert_eq!(d.credential_label(), Some("Password"));
    }

    #[test]
    fn turning_tls_back_on_drops_the_confirmation() {
        let mut d = ProfileDraft::default();
        d.apply(DraftEdit::Flag(DraftFlag::TlsVerify, false));
        d.apply(DraftEdit::Flag(DraftFlag::ConfirmInsecure, true));
        assert!(d.confirm_insecure);
        d.apply(DraftEdit::Flag(DraftFlag::TlsVerify, true));
        assert!(!d.confirm_insecure);
    }

    #[test]
    fn round_trips_through_a_profile() {
        let mut d = ProfileDraft {
            id: "p1".into(),
            ..ProfileDraft::default()
        };
        for (f, v) in [
            (DraftField::Name, " dev "),
            (DraftField::Address, "https://vault:8200"),
            (DraftField::CaCert, "  "),
            (DraftField::Username, "alice"),
        ] {
            d.apply(DraftEdit::Text(f, v.into()));
        }
        d.apply(DraftEdit::Method(AuthMethod::Userpass));
        let p = d.to_profile();
        assert_eq!(p.name, "dev");
        let ProfileKind::Vault(v) = &p.kind else {
            panic!("not a vault profile")
        };
        assert_eq!(v.ca_cert, None);
        assert_eq!(
            v.auth,
            VaultAuth::Userpass {
                username: "alice".into(),
                mount: "userpass".into()
            }
        );
        let back = ProfileDraft::from_profile(&p);
        assert_eq!(back.name, "dev");
        assert_eq!(back.method, AuthMethod::Userpass);
        assert_eq!(back.to_profile(), p);
    }

    #[test]
    fn empty_mount_means_the_default() {
        let mut d = ProfileDraft::default();
        d.apply(DraftEdit::Method(AuthMethod::AppRole));
        d.apply(DraftEdit::Text(DraftField::Mount, String::new()));
        d.apply(DraftEdit::Text(DraftField::RoleId, "r-1".into()));
        assert_eq!(
            d.auth(),
            VaultAuth::AppRole {
                role_id: "r-1".into(),
                mount: "approle".into()
            }
        );
    }

    fn draft(kind: ProviderKind, fields: &[(DraftField, &str)]) -> ProfileDraft {
        let mut d = ProfileDraft::default();
        d.apply(DraftEdit::Kind(kind));
        d.apply(DraftEdit::Text(DraftField::Name, "p".into()));
        for (f, v) in fields {
            d.apply(DraftEdit::Text(*f, (*v).into()));
        }
        d
    }

    #[test]
    fn aws_static_keys_round_trip_and_need_the_secret_key() {
        let d = draft(
            ProviderKind::Aws,
            &[
                (DraftField::AccessKeyId, " AKIDEXAMPLE "),
                (DraftField::Region, "eu-west-1"),
                (DraftField::EndpointUrl, "http://127.0.0.1:5000"),
                (DraftField::AwsProfile, " "),
            ],
        );
        assert_eq!(d.validate(), Ok(()));
        assert_eq!(d.credential_label(), Some("Secret access key"));
        let p = d.to_profile();
        assert_eq!(
            p.kind,
            ProfileKind::Aws(AwsProfile {
                aws_profile: None,
                region: Some("eu-west-1".into()),
                access_key_id: Some("AKIDEXAMPLE".into()),
                endpoint_url: Some("http://127.0.0.1:5000".into()),
            })
        );
        assert_eq!(p.kind.provider_label(), "AWS Secrets Manager");
        assert_eq!(ProfileDraft::from_profile(&p).to_profile(), p);
    }

    #[test]
    fn aws_named_profile_needs_no_credential() {
        let d = draft(ProviderKind::Aws, &[(DraftField::AwsProfile, "prod")]);
        assert_eq!(d.validate(), Ok(()));
        assert_eq!(d.credential_label(), None);
    }

    #[test]
    fn aws_bad_input_is_named() {
        let both = draft(
            ProviderKind::Aws,
            &[
                (DraftField::AwsProfile, "prod"),
                (DraftField::AccessKeyId, "AKID"),
            ],
        );
        assert!(both.validate().unwrap_err().contains("not both"));
        let region = draft(ProviderKind::Aws, &[(DraftField::Region, "Frankfurt")]);
        assert!(region.validate().unwrap_err().starts_with("Region:"));
        let endpoint = draft(
            ProviderKind::Aws,
            &[(DraftField::EndpointUrl, "localhost:5000")],
        );
        assert!(endpoint.validate().unwrap_err().starts_with("Endpoint:"));
        let key = draft(ProviderKind::Aws, &[(DraftField::AccessKeyId, "AKID 1")]);
        assert!(key.validate().unwrap_err().starts_with("Access key id:"));
    }

    #[test]
    fn azure_vault_url_must_be_https_with_a_host() {
        for bad in [
            "myvault.vault.azure.net",
            "http://myvault.vault.azure.net",
            "https://",
            "https://my vault",
        ] {
            let d = draft(ProviderKind::Azure, &[(DraftField::VaultUrl, bad)]);
            let err = d.validate().unwrap_err();
            assert!(err.starts_with("Vault URL:"), "{bad}: {err}");
            // Validation never touches what was typed.
            assert_eq!(d.vault_url, bad);
        }
        let empty = draft(ProviderKind::Azure, &[]);
        assert!(empty.validate().unwrap_err().starts_with("Vault URL:"));
        let ok = draft(
            ProviderKind::Azure,
            &[(DraftField::VaultUrl, "https://kv.vault.azure.net/")],
        );
        assert_eq!(ok.validate(), Ok(()));
        assert_eq!(ok.credential_label(), None);
        let ProfileKind::Azure(z) = ok.to_profile().kind else {
            panic!("not azure")
        };
        assert_eq!(z.vault_url, "https://kv.vault.azure.net");
        assert_eq!(z.auth, AzureAuth::AzureCli);
    }

    #[test]
    fn azure_client_secret_needs_tenant_and_client() {
        let mut d = draft(
            ProviderKind::Azure,
            &[(DraftField::VaultUrl, "https://kv.vault.azure.net")],
        );
        d.apply(DraftEdit::AzureMethod(AzureAuth::ClientSecret));
        assert!(d.validate().unwrap_err().starts_with("Tenant:"));
        d.apply(DraftEdit::Text(DraftField::TenantId, "t-1".into()));
        assert!(d.validate().unwrap_err().starts_with("Client ID:"));
        d.apply(DraftEdit::Text(DraftField::ClientId, "c-1".into()));
        d.apply(DraftEdit::Text(DraftField::CaBundle, "/tmp/ca.pem".into()));
        assert_eq!(d.validate(), Ok(()));
        assert_eq!(d.credential_label(), Some("Client secret"));
        let p = d.to_profile();
        assert!(!is_azure_device_code(&p.kind));
        assert_eq!(ProfileDraft::from_profile(&p).to_profile(), p);
        d.apply(DraftEdit::AzureMethod(AzureAuth::DeviceCode));
        assert!(is_azure_device_code(&d.to_profile().kind));
        // The Azure CLI signs in on its own: tenant / client are not sent.
        d.apply(DraftEdit::AzureMethod(AzureAuth::AzureCli));
        let ProfileKind::Azure(z) = d.to_profile().kind else {
            panic!("not azure")
        };
        assert_eq!((z.tenant_id, z.client_id), (None, None));
    }

    #[test]
    fn kind_is_fixed_once_saved_and_select_values_round_trip() {
        let mut d = ProfileDraft {
            id: "p1".into(),
            ..ProfileDraft::default()
        };
        d.apply(DraftEdit::Kind(ProviderKind::Aws));
        assert_eq!(d.kind, ProviderKind::Vault);
        for k in ProviderKind::ALL {
            assert_eq!(ProviderKind::parse(k.as_str()), k);
        }
        for a in AZURE_AUTHS {
            assert_eq!(parse_azure_auth(azure_auth_value(&a)), a);
        }
    }

    #[test]
    fn vault_needs_an_address_and_method_fields() {
        let d = draft(ProviderKind::Vault, &[]);
        assert!(d.validate().unwrap_err().starts_with("Address:"));
        let mut d = draft(
            ProviderKind::Vault,
            &[(DraftField::Address, "https://vault:8200")],
        );
        assert_eq!(d.validate(), Ok(()));
        d.apply(DraftEdit::Method(AuthMethod::Userpass));
        assert!(d.validate().unwrap_err().starts_with("Username:"));
        let unnamed = ProfileDraft::default();
        assert!(unnamed.validate().unwrap_err().starts_with("Name:"));
    }
}
