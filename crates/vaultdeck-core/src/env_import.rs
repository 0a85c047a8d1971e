//! Import a profile from the environment the way the vault CLI reads it: `VAULT_ADDR`,
//! `VAULT_TOKEN`, `VAULT_NAMESPACE`, `VAULT_CACERT`, and `~/.vault-token` when no token variable
//! is set.

use std::path::Path;

use secrecy::SecretString;
use vaultdeck_types::{Profile, ProfileKind, VaultAuth, VaultProfile};

use crate::{Error, Result};

/// A profile built from the environment plus the token found there, if any.
pub struct EnvImport {
    /// The profile (no id yet).
    pub profile: Profile,
    /// The token from `VAULT_TOKEN` or `~/.vault-token`.
    pub token: Option<SecretString>,
    /// Where the token came from (for messages), e.g. `VAULT_TOKEN`.
    pub token_source: Option<String>,
}

/// Reads the vault CLI's variables through `var` (so tests pass their own) and the token file
/// under `home`.
pub fn from_env(var: impl Fn(&str) -> Option<String>, home: Option<&Path>) -> Result<EnvImport> {
    let get = |k: &str| var(k).filter(|v| !v.trim().is_empty());
    let address = get("VAULT_ADDR").ok_or_else(|| {
        Error::InvalidInput("VAULT_ADDR is not set; nothing to import from the environment".into())
    })?;
    let (token, token_source) = match get("VAULT_TOKEN") {
        Some(t) => (Some(SecretString::from(t)), Some("VAULT_TOKEN".to_owned())),
        None => match home.map(|h| h.join(".vault-token")) {
            Some(path) => match std::fs::read_to_string(&path) {
                Ok(t) if !t.trim().is_empty() => (
                    Some(SecretString::from(t.trim().to_owned())),
                    Some(path.display().to_string()),
                ),
                _ => (None, None),
            },
            None => (None, None),
        },
    };
    let host = address
        .split("://")
        .nth(1)
        .unwrap_or(&address)
        .trim_end_matches('/');
    let profile = Profile {
        id: String::new(),
        name: format!("env: {host}"),
        kind: ProfileKind::Vault(VaultProfile {
            address: address.trim_end_matches('/').to_owned(),
            namespace: get("VAULT_NAMESPACE").unwrap_or_default(),
            ca_cert: get("VAULT_CACERT"),
            tls_verify: get("VAULT_SKIP_VERIFY")
                .map(|v| !matches!(v.as_str(), "1" | "true" | "TRUE" | "True"))
                .unwrap_or(true),
            allow_plain_http: false,
            auth: VaultAuth::Token,
        }),
    };
    Ok(EnvImport {
        profile,
        token,
        token_source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn reads_the_vault_cli_variables() {
        let imp = from_env(
            env(&[
                ("VAULT_ADDR", "https://vault.corp:8200/"),
                ("VAULT_TOKEN", "s.abc"),
                ("VAULT_NAMESPACE", "team-a"),
                ("VAULT_CACERT", "/etc/ca.pem"),
            ]),
            None,
        )
        .unwrap();
        let ProfileKind::Vault(v) = &imp.profile.kind else {
            panic!()
        };
        assert_eq!(v.address, "https://vault.corp:8200");
        assert_eq!(v.namespace, "team-a");
        assert_eq!(v.ca_cert.as_deref(), Some("/etc/ca.pem"));
        assert!(v.tls_verify);
        assert_eq!(imp.profile.name, "env: vault.corp:8200");
        assert_eq!(imp.token.unwrap().expose_secret(), "s.abc");
        assert_eq!(imp.token_source.as_deref(), Some("VAULT_TOKEN"));
    }

    #[test]
    fn falls_back_to_the_token_file() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join(".vault-token"), "s.fromfile\n").unwrap();
        let imp = from_env(
            env(&[("VAULT_ADDR", "http://127.0.0.1:8200")]),
            Some(home.path()),
        )
        .unwrap();
        assert_eq!(imp.token.unwrap().expose_secret(), "s.fromfile");
    }

    #[test]
    fn no_addr_is_a_clear_error() {
        let err = from_env(env(&[]), None).err().unwrap();
        assert!(err.to_string().contains("VAULT_ADDR"));
    }
}
