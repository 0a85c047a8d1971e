//! Text shown to people: TTLs, seal state, warnings, audit results, mount badges and the
//! command-palette matcher. Time is an input (`now`), never read here.

use vaultdeck_types::{AuditVerifyReport, MountClass, MountInfo, ProfileKind, SealInfo};

/// A token lifetime for the status bar: `"29m 12s"`, `"2h 05m"`, `"3d 4h"`, `"42s"`, or
/// `"expired"` at zero.
pub fn format_ttl(secs: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 60 * MIN;
    const DAY: u64 = 24 * HOUR;
    match secs {
        0 => "expired".to_string(),
        s if s < MIN => format!("{s}s"),
        s if s < HOUR => format!("{}m {:02}s", s / MIN, s % MIN),
        s if s < DAY => format!("{}h {:02}m", s / HOUR, (s % HOUR) / MIN),
        s => format!("{}d {}h", s / DAY, (s % DAY) / HOUR),
    }
}

/// `text` as a sentence: first letter upper-case, ending with a full stop.
pub fn sentence(text: &str) -> String {
    let t = text.trim().trim_end_matches('.');
    let mut c = t.chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str()),
        None => String::new(),
    }
}

/// The TTL label for an optional TTL: `None` means the token never expires.
pub fn ttl_label(remaining: Option<u64>) -> String {
    match remaining {
        Some(secs) => format_ttl(secs),
        None => "never expires".to_string(),
    }
}

/// Seconds left at `now` (unix seconds) of a TTL read at `checked_at`; `None` = never expires.
pub fn remaining_ttl(ttl_seconds: Option<u64>, checked_at: i64, now: i64) -> Option<u64> {
    let elapsed = u64::try_from(now.saturating_sub(checked_at)).unwrap_or(0);
    ttl_seconds.map(|ttl| ttl.saturating_sub(elapsed))
}

/// Seconds below which a non-renewable token gets a warning.
pub const EXPIRY_WARNING_SECS: u64 = 300;

/// The warning for a token that is about to expire and cannot be renewed, if one is due.
/// Minutes are rounded up so the last minute reads "1m", not "0m".
pub fn expiry_warning(renewable: bool, remaining: Option<u64>) -> Option<String> {
    let secs = remaining?;
    if renewable || secs >= EXPIRY_WARNING_SECS {
        return None;
    }
    if secs == 0 {
        return Some("Your token has expired and cannot be renewed — sign in again".to_string());
    }
    let minutes = secs.div_ceil(60);
    Some(format!(
        "Your token expires in {minutes}m and cannot be renewed — sign in again"
    ))
}

/// Seal/HA state for the status bar: `"unsealed · active"`, `"standby"`, `"sealed"` or
/// `"not initialised"`.
pub fn seal_label(seal: &SealInfo) -> &'static str {
    if !seal.initialized {
        "not initialised"
    } else if seal.sealed {
        "sealed"
    } else if seal.ha_enabled && seal.is_active == Some(false) {
        "standby"
    } else {
        "unsealed · active"
    }
}

/// The result line of an audit-chain verification.
pub fn verify_label(report: &AuditVerifyReport) -> String {
    match report.first_broken_line {
        None => format!("Chain intact: {} lines", report.lines),
        Some(line) => format!(
            "Broken at line {line}: {}",
            report.reason.as_deref().unwrap_or("hash mismatch")
        ),
    }
}

/// The badge of a mount, e.g. `"KV v2"` for a version-2 KV engine.
pub fn mount_badge(mount: &MountInfo) -> Option<String> {
    match (mount.engine_type.as_str(), mount.kv_version) {
        ("kv", Some(v)) => Some(format!("KV v{v}")),
        _ => None,
    }
}

/// Secret-engine mounts grouped by engine type (groups and paths sorted); auth mounts are left
/// out.
pub fn group_secret_engines(mounts: &[MountInfo]) -> Vec<(String, Vec<MountInfo>)> {
    let mut groups: Vec<(String, Vec<MountInfo>)> = Vec::new();
    for m in mounts.iter().filter(|m| m.class == MountClass::Secret) {
        match groups.iter_mut().find(|(t, _)| *t == m.engine_type) {
            Some((_, list)) => list.push(m.clone()),
            None => groups.push((m.engine_type.clone(), vec![m.clone()])),
        }
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, list) in &mut groups {
        list.sort_by(|a, b| a.path.cmp(&b.path));
    }
    groups
}

/// Where a profile points, for the profile list: a Vault address, an AWS region or an Azure
/// vault URL.
pub fn profile_location(kind: &ProfileKind) -> String {
    match kind {
        ProfileKind::Vault(v) => v.address.clone(),
        ProfileKind::Aws(a) => a
            .endpoint_url
            .clone()
            .or_else(|| a.region.clone())
            .unwrap_or_else(|| "default region".to_string()),
        ProfileKind::Azure(z) => z.vault_url.clone(),
    }
}

/// Whether a command-palette entry matches what was typed: every whitespace-separated term
/// occurs in the label, ignoring case. An empty query matches everything.
pub fn palette_matches(query: &str, label: &str) -> bool {
    let label = label.to_lowercase();
    query
        .split_whitespace()
        .all(|term| label.contains(&term.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_start_upper_case_and_end_with_one_stop() {
        assert_eq!(
            sentence("server-side validation unavailable: x."),
            "Server-side validation unavailable: x."
        );
        assert_eq!(sentence(" ok "), "Ok.");
        assert_eq!(sentence(""), "");
    }

    fn seal(initialized: bool, sealed: bool, ha: bool, active: Option<bool>) -> SealInfo {
        SealInfo {
            initialized,
            sealed,
            seal_type: "shamir".into(),
            threshold: 3,
            shares: 5,
            progress: 0,
            version: "2.7.2".into(),
            cluster_name: None,
            ha_enabled: ha,
            is_active: active,
            leader_address: None,
        }
    }

    fn mount(path: &str, engine: &str, class: MountClass, kv: Option<u8>) -> MountInfo {
        MountInfo {
            path: path.into(),
            engine_type: engine.into(),
            class,
            kv_version: kv,
            description: String::new(),
        }
    }

    #[test]
    fn ttl_formats_by_magnitude() {
        assert_eq!(format_ttl(0), "expired");
        assert_eq!(format_ttl(42), "42s");
        assert_eq!(format_ttl(29 * 60 + 12), "29m 12s");
        assert_eq!(format_ttl(60), "1m 00s");
        assert_eq!(format_ttl(2 * 3600 + 5 * 60 + 7), "2h 05m");
        assert_eq!(format_ttl(3 * 86400 + 4 * 3600), "3d 4h");
        assert_eq!(ttl_label(None), "never expires");
        assert_eq!(ttl_label(Some(90)), "1m 30s");
    }

    #[test]
    fn remaining_ttl_counts_down_and_stops_at_zero() {
        assert_eq!(remaining_ttl(Some(100), 1_000, 1_030), Some(70));
        assert_eq!(remaining_ttl(Some(100), 1_000, 2_000), Some(0));
        // A clock behind the check time never adds time.
        assert_eq!(remaining_ttl(Some(100), 1_000, 990), Some(100));
        assert_eq!(remaining_ttl(None, 1_000, 5_000), None);
    }

    #[test]
    fn expiry_warning_only_for_short_non_renewable_tokens() {
        assert_eq!(expiry_warning(true, Some(10)), None);
        assert_eq!(expiry_warning(false, None), None);
        assert_eq!(expiry_warning(false, Some(300)), None);
        assert_eq!(
            expiry_warning(false, Some(299)).as_deref(),
            Some("Your token expires in 5m and cannot be renewed — sign in again")
        );
        assert_eq!(
            expiry_warning(false, Some(30)).as_deref(),
            Some("Your token expires in 1m and cannot be renewed — sign in again")
        );
        assert!(expiry_warning(false, Some(0)).unwrap().contains("expired"));
    }

    #[test]
    fn seal_labels() {
        assert_eq!(
            seal_label(&seal(true, false, false, None)),
            "unsealed · active"
        );
        assert_eq!(
            seal_label(&seal(true, false, true, Some(true))),
            "unsealed · active"
        );
        assert_eq!(seal_label(&seal(true, false, true, Some(false))), "standby");
        assert_eq!(seal_label(&seal(true, true, true, None)), "sealed");
        assert_eq!(
            seal_label(&seal(false, true, false, None)),
            "not initialised"
        );
    }

    #[test]
    fn verify_labels() {
        let ok = AuditVerifyReport {
            lines: 12,
            first_broken_line: None,
            reason: None,
        };
        assert_eq!(verify_label(&ok), "Chain intact: 12 lines");
        let broken = AuditVerifyReport {
            lines: 12,
            first_broken_line: Some(7),
            reason: Some("prev_sha256 mismatch".into()),
        };
        assert_eq!(
            verify_label(&broken),
            "Broken at line 7: prev_sha256 mismatch"
        );
    }

    #[test]
    fn mounts_group_by_engine_and_skip_auth() {
        let mounts = vec![
            mount("kv1/", "kv", MountClass::Secret, Some(1)),
            mount("userpass/", "userpass", MountClass::Auth, None),
            mount("database/", "database", MountClass::Secret, None),
            mount("secret/", "kv", MountClass::Secret, Some(2)),
        ];
        let groups = group_secret_engines(&mounts);
        let names: Vec<_> = groups.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["database", "kv"]);
        let kv: Vec<_> = groups[1].1.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(kv, ["kv1/", "secret/"]);
        assert_eq!(mount_badge(&mounts[3]).as_deref(), Some("KV v2"));
        assert_eq!(mount_badge(&mounts[2]), None);
    }

    #[test]
    fn palette_matching_is_termwise_and_case_insensitive() {
        assert!(palette_matches("", "Audit"));
        assert!(palette_matches("aud", "Audit"));
        assert!(palette_matches("break GLASS", "Break-glass"));
        assert!(!palette_matches("policy x", "Policies"));
    }
}
