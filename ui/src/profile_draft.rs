//! The model behind the Vault profile form: what the user has typed so far, the edits the form
//! applies to it, and its conversion to and from a [`Profile`]. The credential is not part of
//! the draft; the form keeps it separately as a [`vaultdeck_types::SecretInput`].

use vaultdeck_types::{Profile, ProfileKind, VaultAuth, VaultProfile};

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

/// The Vault profile form's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileDraft {
    /// Profile id; empty for a new profile (the backend assigns one).
    pub id: String,
    /// Display name.
    pub name: String,
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
}

impl Default for ProfileDraft {
    fn default() -> Self {
        Self {
            id: String::new(),
            name: String::new(),
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
        }
    }
}

impl ProfileDraft {
    /// The draft of an existing Vault profile; `None` for other providers (not editable here).
    /// A profile saved with TLS verification off was confirmed then, so it starts confirmed.
    pub fn from_profile(profile: &Profile) -> Option<Self> {
        let ProfileKind::Vault(v) = &profile.kind else {
            return None;
        };
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
        Some(Self {
            id: profile.id.clone(),
            name: profile.name.clone(),
            address: v.address.clone(),
            namespace: v.namespace.clone(),
            ca_cert: v.ca_cert.clone().unwrap_or_default(),
            tls_verify: v.tls_verify,
            confirm_insecure: !v.tls_verify,
            allow_plain_http: v.allow_plain_http,
            method,
            username,
            mount,
            role_id,
        })
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

    /// The profile to send with `SaveProfile` (surrounding whitespace trimmed; validation is the
    /// backend's job).
    pub fn to_profile(&self) -> Profile {
        let ca_cert = self.ca_cert.trim();
        Profile {
            id: self.id.clone(),
            name: self.name.trim().to_string(),
            kind: ProfileKind::Vault(VaultProfile {
                address: self.address.trim().to_string(),
                namespace: self.namespace.trim().to_string(),
                ca_cert: (!ca_cert.is_empty()).then(|| ca_cert.to_string()),
                tls_verify: self.tls_verify,
                allow_plain_http: self.allow_plain_http,
                auth: self.auth(),
            }),
        }
    }

    /// What the credential is called for the selected method ("Token", "Password", "Secret ID").
    pub fn credential_label(&self) -> &'static str {
        self.auth().credential_label()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_draft_verifies_tls_and_uses_a_token() {
        let d = ProfileDraft::default();
        assert!(d.is_new() && d.tls_verify && !d.confirm_insecure);
        assert_eq!(d.to_profile().kind.provider_label(), "Vault / OpenBao");
        assert_eq!(d.credential_label(), "Token");
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
        assert_eq!(d.credential_label(), "Password");
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
        let back = ProfileDraft::from_profile(&p).unwrap();
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
}
