//! Credentials (tokens, passwords, AppRole secret_ids) live only in the OS keychain, through the
//! `keyring` crate (Secret Service on Linux), keyed by service `vaultdeck` and the profile id.
//! When no keychain is usable, [`Keychain`] says so and keeps credentials in memory for this
//! process only.

use std::collections::HashMap;
use std::sync::Mutex;

use secrecy::{ExposeSecret, SecretString};

use crate::{Error, Result};

/// The keychain service name all Vaultdeck entries use.
pub const SERVICE: &str = "vaultdeck";

/// Where credentials go.
pub struct Keychain {
    backend: Backend,
}

enum Backend {
    Os,
    Memory {
        reason: String,
        entries: Mutex<HashMap<String, SecretString>>,
    },
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.backend {
            Backend::Os => f.write_str("Keychain(os)"),
            Backend::Memory { reason, .. } => write!(f, "Keychain(memory: {reason})"),
        }
    }
}

impl Keychain {
    /// Probes the OS keychain once (store/read/delete of a probe entry) and falls back to
    /// memory with the reason when it fails. Blocking: call from a blocking context.
    pub fn detect() -> Self {
        match probe() {
            Ok(()) => Self {
                backend: Backend::Os,
            },
            Err(reason) => {
                tracing::warn!(%reason, "OS keychain unavailable; credentials kept in memory");
                Self::memory(reason)
            }
        }
    }

    /// An in-memory keychain (tests, or when the OS one is unusable).
    pub fn memory(reason: impl Into<String>) -> Self {
        Self {
            backend: Backend::Memory {
                reason: reason.into(),
                entries: Mutex::new(HashMap::new()),
            },
        }
    }

    /// True when credentials persist in the OS keychain.
    pub fn is_os(&self) -> bool {
        matches!(self.backend, Backend::Os)
    }

    /// Why the OS keychain is not used, if it is not.
    pub fn unavailable_reason(&self) -> Option<&str> {
        match &self.backend {
            Backend::Os => None,
            Backend::Memory { reason, .. } => Some(reason),
        }
    }

    /// Stores the credential of a profile.
    pub fn set(&self, profile_id: &str, secret: &SecretString) -> Result<()> {
        match &self.backend {
            Backend::Os => entry(profile_id)?
                .set_password(secret.expose_secret())
                .map_err(|e| Error::Keychain(format!("storing the credential failed: {e}"))),
            Backend::Memory { entries, .. } => {
                lock(entries).insert(profile_id.to_owned(), secret.clone());
                Ok(())
            }
        }
    }

    /// Reads the credential of a profile; `None` when none is stored.
    pub fn get(&self, profile_id: &str) -> Result<Option<SecretString>> {
        match &self.backend {
            Backend::Os => match entry(profile_id)?.get_password() {
                Ok(v) => Ok(Some(SecretString::from(v))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(Error::Keychain(format!(
                    "reading the credential failed: {e}"
                ))),
            },
            Backend::Memory { entries, .. } => Ok(lock(entries).get(profile_id).cloned()),
        }
    }

    /// Deletes the credential of a profile (no error when none is stored).
    pub fn delete(&self, profile_id: &str) -> Result<()> {
        match &self.backend {
            Backend::Os => match entry(profile_id)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(Error::Keychain(format!(
                    "deleting the credential failed: {e}"
                ))),
            },
            Backend::Memory { entries, .. } => {
                lock(entries).remove(profile_id);
                Ok(())
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn entry(profile_id: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, profile_id)
        .map_err(|e| Error::Keychain(format!("opening the keychain failed: {e}")))
}

fn probe() -> std::result::Result<(), String> {
    if let Err(e) = keyring::Entry::store_status() {
        return Err(format!("no Secret Service: {e}"));
    }
    let e = keyring::Entry::new(SERVICE, "__vaultdeck_probe__").map_err(|e| e.to_string())?;
    e.set_password("probe").map_err(|e| e.to_string())?;
    let back = e.get_password().map_err(|e| e.to_string())?;
    let _ = e.delete_credential();
    if back == "probe" {
        Ok(())
    } else {
        Err("the keychain returned a different value than stored".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_backend_stores_reads_and_deletes() {
        let k = Keychain::memory("test");
        assert!(!k.is_os());
        assert_eq!(k.unavailable_reason(), Some("test"));
        assert!(k.get("p1").unwrap().is_none());
        k.set("p1", &SecretString::from("tok")).unwrap();
        assert_eq!(k.get("p1").unwrap().unwrap().expose_secret(), "tok");
        k.delete("p1").unwrap();
        assert!(k.get("p1").unwrap().is_none());
        assert!(!format!("{k:?}").contains("tok"));
    }
}
