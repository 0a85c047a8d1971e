//! Connection profiles, stored as TOML in the config directory. No credential is ever written
//! here: tokens, passwords and secret_ids live in the keychain (see [`crate::keychain`]).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vaultdeck_types::{Profile, ProfileKind, VaultAuth, VaultProfile};

use crate::{Error, Result};

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    #[serde(default, rename = "profile")]
    profiles: Vec<Profile>,
}

/// The profiles file. Every mutation re-reads the file, applies the change and writes it back
/// atomically (temp file + rename), so a failed write never leaves a half-written file.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    path: PathBuf,
}

impl ProfileStore {
    /// A store backed by `path` (created on first save).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Where the profiles live.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// All profiles, in file order. A missing file is an empty list.
    pub fn list(&self) -> Result<Vec<Profile>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("reading", &self.path, e)),
        };
        let file: ProfilesFile = toml::from_str(&text).map_err(|e| Error::ProfilesFile {
            path: self.path.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(file.profiles)
    }

    /// One profile by id or by name.
    pub fn get(&self, id_or_name: &str) -> Result<Profile> {
        self.list()?
            .into_iter()
            .find(|p| p.id == id_or_name || p.name == id_or_name)
            .ok_or_else(|| Error::NotFound(format!("no profile named or with id \"{id_or_name}\"")))
    }

    /// Creates (empty id) or updates a profile after validating it. Returns the saved profile
    /// (with its id assigned).
    pub fn save(&self, mut profile: Profile, confirm_insecure_tls: bool) -> Result<Profile> {
        validate(&profile, confirm_insecure_tls)?;
        let mut all = self.list()?;
        if all
            .iter()
            .any(|p| p.name == profile.name && p.id != profile.id)
        {
            return Err(Error::InvalidInput(format!(
                "a profile named \"{}\" already exists; choose another name",
                profile.name
            )));
        }
        if profile.id.is_empty() {
            profile.id = uuid::Uuid::new_v4().to_string();
            all.push(profile.clone());
        } else {
            let slot = all
                .iter_mut()
                .find(|p| p.id == profile.id)
                .ok_or_else(|| Error::NotFound(format!("no profile with id \"{}\"", profile.id)))?;
            *slot = profile.clone();
        }
        self.write(all)?;
        Ok(profile)
    }

    /// Deletes a profile; returns it.
    pub fn delete(&self, id: &str) -> Result<Profile> {
        let mut all = self.list()?;
        let pos = all
            .iter()
            .position(|p| p.id == id || p.name == id)
            .ok_or_else(|| Error::NotFound(format!("no profile named or with id \"{id}\"")))?;
        let removed = all.remove(pos);
        self.write(all)?;
        Ok(removed)
    }

    /// Copies a profile under a free name "<name> (copy)", "<name> (copy 2)", ...
    pub fn duplicate(&self, id: &str) -> Result<Profile> {
        let all = self.list()?;
        let src = all
            .iter()
            .find(|p| p.id == id || p.name == id)
            .ok_or_else(|| Error::NotFound(format!("no profile named or with id \"{id}\"")))?;
        let mut copy = src.clone();
        copy.id = String::new();
        copy.name = (1..)
            .map(|n| match n {
                1 => format!("{} (copy)", src.name),
                n => format!("{} (copy {n})", src.name),
            })
            .find(|candidate| all.iter().all(|p| &p.name != candidate))
            .unwrap_or_default();
        // A duplicated insecure profile was already confirmed once.
        self.save(copy, true)
    }

    fn write(&self, profiles: Vec<Profile>) -> Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
        let text = toml::to_string_pretty(&ProfilesFile { profiles })
            .map_err(|e| Error::Internal(format!("serializing profiles: {e}")))?;
        let tmp = self.path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(|e| Error::io("writing", &tmp, e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| Error::io("replacing", &self.path, e))
    }
}

/// Validates a profile the way the form and the CLI need it: clear message, named field.
pub fn validate(profile: &Profile, confirm_insecure_tls: bool) -> Result<()> {
    if profile.name.trim().is_empty() {
        return Err(Error::InvalidInput("profile name must not be empty".into()));
    }
    match &profile.kind {
        ProfileKind::Vault(v) => validate_vault(v, confirm_insecure_tls),
        ProfileKind::Aws(_) => Ok(()),
        ProfileKind::Azure(a) => {
            if a.vault_url.starts_with("https://") {
                Ok(())
            } else {
                Err(Error::InvalidInput(
                    "Azure vault URL must start with https://".into(),
                ))
            }
        }
    }
}

fn validate_vault(v: &VaultProfile, confirm_insecure_tls: bool) -> Result<()> {
    let (scheme, host) = split_address(&v.address)?;
    if scheme == "http" && !is_loopback(host) && !v.allow_plain_http {
        return Err(Error::InvalidInput(format!(
            "address {} uses plain http:// to a non-loopback host; use https:// or tick \
             \"Allow plain http\" if you really mean it",
            v.address
        )));
    }
    if !v.tls_verify && !confirm_insecure_tls {
        return Err(Error::InvalidInput(
            "turning TLS verification off needs explicit confirmation: the server's identity \
             will not be checked"
                .into(),
        ));
    }
    if let Some(ca) = v.ca_cert.as_deref().filter(|c| !c.is_empty()) {
        if !Path::new(ca).is_file() {
            return Err(Error::InvalidInput(format!(
                "CA bundle {ca} does not exist or is not a file"
            )));
        }
    }
    match &v.auth {
        VaultAuth::Token => Ok(()),
        VaultAuth::Userpass { username, mount }
            if username.trim().is_empty() || mount.is_empty() =>
        {
            Err(Error::InvalidInput(
                "userpass needs a username and an auth mount path".into(),
            ))
        }
        VaultAuth::AppRole { role_id, mount } if role_id.trim().is_empty() || mount.is_empty() => {
            Err(Error::InvalidInput(
                "AppRole needs a role_id and an auth mount path".into(),
            ))
        }
        _ => Ok(()),
    }
}

/// Splits `scheme://host[:port][/...]` and checks the scheme.
fn split_address(address: &str) -> Result<(&str, &str)> {
    let bad = || {
        Error::InvalidInput(format!(
            "address \"{address}\" is not a URL like https://vault.example.com:8200"
        ))
    };
    let (scheme, rest) = address.split_once("://").ok_or_else(bad)?;
    if scheme != "http" && scheme != "https" {
        return Err(bad());
    }
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if let Some(stripped) = authority.strip_prefix('[') {
        stripped.split(']').next().unwrap_or_default()
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    if host.is_empty() {
        return Err(bad());
    }
    Ok((scheme, host))
}

/// True for `localhost` and loopback IP literals.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(name: &str, address: &str) -> Profile {
        Profile {
            id: String::new(),
            name: name.into(),
            kind: ProfileKind::Vault(VaultProfile {
                address: address.into(),
                namespace: String::new(),
                ca_cert: None,
                tls_verify: true,
                allow_plain_http: false,
                auth: VaultAuth::Token,
            }),
        }
    }

    #[test]
    fn create_edit_duplicate_delete_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path().join("p.toml"));
        assert!(store.list().unwrap().is_empty());
        let a = store
            .save(vault("prod", "https://vault.example:8200"), false)
            .unwrap();
        assert!(!a.id.is_empty());
        let mut edited = a.clone();
        edited.name = "production".into();
        store.save(edited, false).unwrap();
        assert_eq!(store.get(&a.id).unwrap().name, "production");
        let c1 = store.duplicate("production").unwrap();
        let c2 = store.duplicate("production").unwrap();
        assert_eq!(c1.name, "production (copy)");
        assert_eq!(c2.name, "production (copy 2)");
        assert_ne!(c1.id, a.id);
        store.delete(&c1.id).unwrap();
        let names: Vec<_> = store.list().unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["production", "production (copy 2)"]);
        assert_eq!(
            store.get("nope").unwrap_err().code(),
            vaultdeck_types::ErrorCode::NotFound
        );
    }

    #[test]
    fn duplicate_names_are_rejected_and_nothing_is_lost() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path().join("p.toml"));
        store.save(vault("a", "https://x"), false).unwrap();
        let err = store.save(vault("a", "https://y"), false).unwrap_err();
        assert!(err.to_string().contains("already exists"));
        assert_eq!(store.list().unwrap().len(), 1);
    }

    #[test]
    fn plain_http_only_for_loopback_unless_opted_in() {
        assert!(validate(&vault("a", "http://127.0.0.1:8200"), false).is_ok());
        assert!(validate(&vault("a", "http://localhost:8200"), false).is_ok());
        assert!(validate(&vault("a", "http://[::1]:8200"), false).is_ok());
        let err = validate(&vault("a", "http://vault.corp:8200"), false).unwrap_err();
        assert!(err.to_string().contains("plain http"));
        let mut p = vault("a", "http://vault.corp:8200");
        if let ProfileKind::Vault(v) = &mut p.kind {
            v.allow_plain_http = true;
        }
        assert!(validate(&p, false).is_ok());
        assert!(validate(&vault("a", "ftp://x"), false).is_err());
        assert!(validate(&vault("a", "vault.corp"), false).is_err());
    }

    #[test]
    fn tls_off_needs_confirmation() {
        let mut p = vault("a", "https://vault.corp");
        if let ProfileKind::Vault(v) = &mut p.kind {
            v.tls_verify = false;
        }
        assert!(validate(&p, false)
            .unwrap_err()
            .to_string()
            .contains("confirmation"));
        assert!(validate(&p, true).is_ok());
    }

    #[test]
    fn file_holds_no_unknown_secret_fields_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path().join("p.toml"));
        let mut p = vault("u", "https://v");
        if let ProfileKind::Vault(v) = &mut p.kind {
            v.auth = VaultAuth::Userpass {
                username: "alice".into(),
                mount: "userpass".into(),
            };
        }
        let saved = store.save(p, false).unwrap();
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("alice"));
        assert_eq!(store.get(&saved.id).unwrap(), saved);
    }
}
