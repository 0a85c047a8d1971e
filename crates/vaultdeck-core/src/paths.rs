//! Where Vaultdeck keeps its files. Every location is overridable by an environment variable so
//! tests never touch the user's real files.

use std::path::PathBuf;

/// Environment variable overriding the config directory (profiles.toml).
pub const CONFIG_DIR_ENV: &str = "VAULTDECK_CONFIG_DIR";
/// Environment variable overriding the data directory (audit log, logs).
pub const DATA_DIR_ENV: &str = "VAULTDECK_DATA_DIR";

/// The app's directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    /// Holds `profiles.toml`.
    pub config_dir: PathBuf,
    /// Holds `audit.jsonl` and `logs/`.
    pub data_dir: PathBuf,
}

impl AppPaths {
    /// Resolves the directories from the environment, falling back to the platform defaults
    /// (`~/.config/vaultdeck`, `~/.local/share/vaultdeck`).
    pub fn from_env() -> Self {
        let pick = |env: &str, base: Option<PathBuf>| {
            std::env::var_os(env)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| base.map(|b| b.join("vaultdeck")))
                .unwrap_or_else(|| PathBuf::from(".vaultdeck"))
        };
        Self {
            config_dir: pick(CONFIG_DIR_ENV, dirs::config_dir()),
            data_dir: pick(DATA_DIR_ENV, dirs::data_dir()),
        }
    }

    /// Both directories under one root (tests).
    pub fn under(root: &std::path::Path) -> Self {
        Self {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
        }
    }

    /// The profiles file.
    pub fn profiles_file(&self) -> PathBuf {
        self.config_dir.join("profiles.toml")
    }

    /// The audit log.
    pub fn audit_file(&self) -> PathBuf {
        self.data_dir.join("audit.jsonl")
    }

    /// The directory of rolling log files.
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }
}
