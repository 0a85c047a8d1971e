//! App settings kept in `settings.toml` in the config directory (next to `profiles.toml`).
//!
//! Today it holds the secrets explorer's timeouts (`[secrets] reveal_secs`, `clipboard_secs`).
//! Saving keeps every other table of the file as it is, and writes atomically (temp file +
//! rename). The environment variables [`REVEAL_SECS_ENV`] and [`CLIPBOARD_SECS_ENV`] override
//! the saved values (tests and scripts use them); [`SecretSettings::env_overrides`] names them.

use std::path::{Path, PathBuf};

pub use vaultdeck_types::{SecretSettings, SecretTimeouts};

use crate::{Error, Result};

/// Overrides the saved reveal timeout (seconds, 1..=600).
pub const REVEAL_SECS_ENV: &str = "VAULTDECK_REVEAL_SECS";
/// Overrides the saved clipboard timeout (seconds, 1..=600).
pub const CLIPBOARD_SECS_ENV: &str = "VAULTDECK_CLIPBOARD_SECS";

/// The settings file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsFile {
    path: PathBuf,
}

impl SettingsFile {
    /// `settings.toml` in `config_dir`.
    pub fn in_dir(config_dir: &Path) -> Self {
        Self {
            path: config_dir.join("settings.toml"),
        }
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn table(&self) -> Result<toml::Table> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(toml::Table::new()),
            Err(e) => return Err(Error::io("reading", &self.path, e)),
        };
        toml::from_str(&text).map_err(|e| {
            Error::InvalidInput(format!(
                "settings file {} is not valid TOML: {}; fix or delete it",
                self.path.display(),
                e.message()
            ))
        })
    }

    /// The saved timeouts; defaults for a missing file or missing / out-of-range fields.
    pub fn timeouts(&self) -> Result<SecretTimeouts> {
        let table = self.table()?;
        let d = SecretTimeouts::default();
        let secrets = table.get("secrets").and_then(|v| v.as_table());
        let field = |name: &str, default: u32| {
            secrets
                .and_then(|s| s.get(name))
                .and_then(|v| v.as_integer())
                .and_then(|v| u32::try_from(v).ok())
                .filter(|v| in_range(*v))
                .unwrap_or(default)
        };
        Ok(SecretTimeouts {
            reveal_secs: field("reveal_secs", d.reveal_secs),
            clipboard_secs: field("clipboard_secs", d.clipboard_secs),
        })
    }

    /// Saves the timeouts (validated), keeping the rest of the file.
    pub fn save_timeouts(&self, t: &SecretTimeouts) -> Result<()> {
        t.validate().map_err(Error::InvalidInput)?;
        let mut table = self.table()?;
        let mut secrets = table
            .get("secrets")
            .and_then(|v| v.as_table())
            .cloned()
            .unwrap_or_default();
        secrets.insert("reveal_secs".into(), i64::from(t.reveal_secs).into());
        secrets.insert("clipboard_secs".into(), i64::from(t.clipboard_secs).into());
        table.insert("secrets".into(), toml::Value::Table(secrets));
        let text = toml::to_string_pretty(&table)
            .map_err(|e| Error::Internal(format!("cannot encode the settings: {e}")))?;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
        }
        let tmp = self.path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(|e| Error::io("writing", &tmp, e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| Error::io("replacing", &self.path, e))
    }

    /// The saved timeouts and the ones in force, with the process environment's overrides.
    pub fn secret_settings(&self) -> Result<SecretSettings> {
        Ok(effective(self.timeouts()?, |k| std::env::var(k).ok()))
    }
}

fn in_range(v: u32) -> bool {
    (SecretTimeouts::MIN_SECS..=SecretTimeouts::MAX_SECS).contains(&v)
}

/// Applies the environment overrides (`env` looks a variable up) to `saved`. A variable that
/// is not a whole number of seconds in range is ignored.
pub fn effective(saved: SecretTimeouts, env: impl Fn(&str) -> Option<String>) -> SecretSettings {
    let mut overrides = Vec::new();
    let mut pick = |var: &str, saved: u32| match env(var)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|v| in_range(*v))
    {
        Some(v) => {
            overrides.push(var.to_owned());
            v
        }
        None => saved,
    };
    let effective = SecretTimeouts {
        reveal_secs: pick(REVEAL_SECS_ENV, saved.reveal_secs),
        clipboard_secs: pick(CLIPBOARD_SECS_ENV, saved.clipboard_secs),
    };
    SecretSettings {
        saved,
        effective,
        env_overrides: overrides,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_without_a_file_then_saved_values_and_other_tables_kept() {
        let dir = tempfile::tempdir().unwrap();
        let f = SettingsFile::in_dir(&dir.path().join("config"));
        assert_eq!(f.timeouts().unwrap(), SecretTimeouts::default());

        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(f.path(), "[ui]\ntheme = \"dark\"\n").unwrap();
        let t = SecretTimeouts {
            reveal_secs: 7,
            clipboard_secs: 9,
        };
        f.save_timeouts(&t).unwrap();
        assert_eq!(f.timeouts().unwrap(), t);
        let text = std::fs::read_to_string(f.path()).unwrap();
        assert!(text.contains("theme = \"dark\""), "{text}");

        let bad = SecretTimeouts {
            reveal_secs: 0,
            clipboard_secs: 9,
        };
        let e = f.save_timeouts(&bad).unwrap_err();
        assert_eq!(e.code(), vaultdeck_types::ErrorCode::InvalidInput);
        assert_eq!(f.timeouts().unwrap(), t, "a rejected save changes nothing");
    }

    #[test]
    fn a_broken_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let f = SettingsFile::in_dir(dir.path());
        std::fs::write(f.path(), "[secrets\n").unwrap();
        let e = f.timeouts().unwrap_err().to_string();
        assert!(
            e.contains("settings.toml") && e.contains("not valid TOML"),
            "{e}"
        );
    }

    #[test]
    fn environment_overrides_win_when_valid() {
        let saved = SecretTimeouts {
            reveal_secs: 45,
            clipboard_secs: 15,
        };
        let s = effective(saved, |_| None);
        assert_eq!(s.effective, saved);
        assert!(s.env_overrides.is_empty());

        let s = effective(saved, |k| (k == REVEAL_SECS_ENV).then(|| "3".to_owned()));
        assert_eq!(s.effective.reveal_secs, 3);
        assert_eq!(s.effective.clipboard_secs, 15);
        assert_eq!(s.env_overrides, [REVEAL_SECS_ENV]);
        assert_eq!(s.saved, saved);

        let s = effective(saved, |_| Some("9999".to_owned()));
        assert_eq!(s.effective, saved, "out of range is ignored");
    }
}
