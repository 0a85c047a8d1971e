//! The local audit log: every mutating action the app or CLI performs is appended as one JSON
//! line carrying the SHA-256 of the previous line, so editing, deleting or reordering any line
//! breaks the chain. A sidecar `<file>.head` holds the hash of the last line, so tampering with
//! or truncating the tail is detected too. Appends take an exclusive file lock, so the app and
//! the CLI can write the same log.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use vaultdeck_types::{AuditEntry, AuditFilter, AuditVerifyReport};

use crate::{Error, Result};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, before it is chained and written.
#[derive(Debug, Clone, Default)]
pub struct AuditRecord {
    /// Action name, e.g. `profile.save`.
    pub action: String,
    /// Profile id or name, if any.
    pub profile: Option<String>,
    /// Target path/object (never a value).
    pub target: Option<String>,
    /// Whether it succeeded.
    pub ok: bool,
    /// Non-secret detail.
    pub detail: Option<String>,
}

impl AuditRecord {
    /// A successful action.
    pub fn ok(action: &str) -> Self {
        Self {
            action: action.into(),
            ok: true,
            ..Self::default()
        }
    }

    /// A failed action with its (non-secret) error message.
    pub fn failed(action: &str, detail: impl Into<String>) -> Self {
        Self {
            action: action.into(),
            ok: false,
            detail: Some(detail.into()),
            ..Self::default()
        }
    }

    /// Sets the profile.
    pub fn profile(mut self, p: impl Into<String>) -> Self {
        self.profile = Some(p.into());
        self
    }

    /// Sets the target.
    pub fn target(mut self, t: impl Into<String>) -> Self {
        self.target = Some(t.into());
        self
    }

    /// Sets the detail.
    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
}

#[derive(Serialize, Deserialize)]
struct Line {
    seq: u64,
    time: String,
    action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    prev_sha256: String,
}

/// The audit log file.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    /// The log at `path` (created on first append).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn head_path(&self) -> PathBuf {
        let mut p = self.path.clone().into_os_string();
        p.push(".head");
        PathBuf::from(p)
    }

    /// Appends one record, chained to the last line. Returns its sequence number.
    pub fn append(&self, record: AuditRecord) -> Result<u64> {
        self.append_at(record, OffsetDateTime::now_utc())
    }

    /// [`AuditLog::append`] with an explicit time (tests).
    pub fn append_at(&self, record: AuditRecord, now: OffsetDateTime) -> Result<u64> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| Error::io("opening", &self.path, e))?;
        file.lock()
            .map_err(|e| Error::io("locking", &self.path, e))?;
        let mut text = String::new();
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_string(&mut text))
            .map_err(|e| Error::io("reading", &self.path, e))?;
        let (count, prev) = match text.lines().filter(|l| !l.is_empty()).enumerate().last() {
            Some((i, last)) => (i as u64 + 1, sha256_hex(last)),
            None => (0, GENESIS.to_owned()),
        };
        let line = Line {
            seq: count + 1,
            time: now.format(&Rfc3339).unwrap_or_default(),
            action: record.action,
            profile: record.profile,
            target: record.target,
            outcome: if record.ok { "ok" } else { "error" }.into(),
            detail: record.detail,
            prev_sha256: prev,
        };
        let json = serde_json::to_string(&line)
            .map_err(|e| Error::Internal(format!("serializing audit line: {e}")))?;
        file.write_all(format!("{json}\n").as_bytes())
            .and_then(|_| file.sync_data())
            .map_err(|e| Error::io("appending to", &self.path, e))?;
        let head = self.head_path();
        std::fs::write(&head, format!("{} {}\n", line.seq, sha256_hex(&json)))
            .map_err(|e| Error::io("writing", &head, e))?;
        Ok(line.seq)
    }

    /// Entries newest first, filtered.
    pub fn list(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let text = self.read_text()?;
        let limit = filter.limit.unwrap_or(500);
        let mut out = Vec::new();
        for raw in text.lines().rev().filter(|l| !l.is_empty()) {
            let Ok(line) = serde_json::from_str::<Line>(raw) else {
                continue;
            };
            let entry = AuditEntry {
                seq: line.seq,
                time: line.time,
                action: line.action,
                profile: line.profile,
                target: line.target,
                outcome: line.outcome,
                detail: line.detail,
                prev_sha256: line.prev_sha256,
            };
            if matches(&entry, filter) {
                out.push(entry);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Checks every line's link to its predecessor, the sequence numbers and the head file.
    pub fn verify(&self) -> Result<AuditVerifyReport> {
        let text = self.read_text()?;
        let mut prev = GENESIS.to_owned();
        let mut n = 0u64;
        let broken = |n: u64, reason: String| AuditVerifyReport {
            lines: n,
            first_broken_line: Some(n),
            reason: Some(reason),
        };
        for raw in text.lines() {
            n += 1;
            let line: Line = match serde_json::from_str(raw) {
                Ok(l) => l,
                Err(e) => return Ok(broken(n, format!("not a valid audit line: {e}"))),
            };
            if line.prev_sha256 != prev {
                return Ok(broken(
                    n,
                    "previous-line hash does not match: line before it was changed, removed or \
                     inserted"
                        .into(),
                ));
            }
            if line.seq != n {
                return Ok(broken(
                    n,
                    format!("sequence number {} where {n} expected", line.seq),
                ));
            }
            prev = sha256_hex(raw);
        }
        match std::fs::read_to_string(self.head_path()) {
            Ok(head) => {
                let expected = format!("{n} {prev}");
                if head.trim() != expected {
                    let at = n.max(1);
                    return Ok(broken(
                        at,
                        "last line or line count does not match the head record: the end of the \
                         log was changed or truncated"
                            .into(),
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && n == 0 => {}
            Err(_) => {
                return Ok(broken(n.max(1), "head record missing".into()));
            }
        }
        Ok(AuditVerifyReport {
            lines: n,
            first_broken_line: None,
            reason: None,
        })
    }

    fn read_text(&self) -> Result<String> {
        match std::fs::read_to_string(&self.path) {
            Ok(t) => Ok(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
            Err(e) => Err(Error::io("reading", &self.path, e)),
        }
    }
}

fn matches(e: &AuditEntry, f: &AuditFilter) -> bool {
    let contains = |hay: &Option<String>, needle: &str| {
        hay.as_deref()
            .is_some_and(|h| h.to_lowercase().contains(&needle.to_lowercase()))
    };
    f.action
        .as_deref()
        .filter(|a| !a.is_empty())
        .is_none_or(|a| e.action.contains(a))
        && f.profile
            .as_deref()
            .filter(|p| !p.is_empty())
            .is_none_or(|p| e.profile.as_deref() == Some(p))
        && f.outcome
            .as_deref()
            .filter(|o| !o.is_empty())
            .is_none_or(|o| e.outcome == o)
        && f.text
            .as_deref()
            .filter(|t| !t.is_empty())
            .is_none_or(|t| contains(&e.target, t) || contains(&e.detail, t))
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_with(n: usize) -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("audit.jsonl"));
        for i in 0..n {
            log.append(
                AuditRecord::ok("kv.write")
                    .profile("prod")
                    .target(format!("secret/app/{i}")),
            )
            .unwrap();
        }
        (dir, log)
    }

    #[test]
    fn intact_chain_verifies() {
        let (_d, log) = log_with(5);
        let r = log.verify().unwrap();
        assert_eq!(r.lines, 5);
        assert_eq!(r.first_broken_line, None);
    }

    #[test]
    fn empty_log_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("audit.jsonl"));
        assert_eq!(log.verify().unwrap().first_broken_line, None);
    }

    #[test]
    fn a_tampered_line_is_detected_at_the_next_line() {
        let (_d, log) = log_with(5);
        let text = std::fs::read_to_string(log.path()).unwrap();
        let tampered = text.replacen("secret/app/2", "secret/app/X", 1);
        std::fs::write(log.path(), tampered).unwrap();
        let r = log.verify().unwrap();
        assert_eq!(r.first_broken_line, Some(4), "{r:?}");
    }

    #[test]
    fn a_removed_line_is_detected() {
        let (_d, log) = log_with(4);
        let text = std::fs::read_to_string(log.path()).unwrap();
        let kept: Vec<_> = text
            .lines()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, l)| l)
            .collect();
        std::fs::write(log.path(), kept.join("\n") + "\n").unwrap();
        assert_eq!(log.verify().unwrap().first_broken_line, Some(2));
    }

    #[test]
    fn a_changed_or_truncated_tail_is_detected() {
        let (_d, log) = log_with(3);
        let text = std::fs::read_to_string(log.path()).unwrap();
        std::fs::write(log.path(), text.replacen("secret/app/2", "secret/app/Z", 1)).unwrap();
        assert_eq!(log.verify().unwrap().first_broken_line, Some(3));
        let (_d2, log2) = log_with(3);
        let text = std::fs::read_to_string(log2.path()).unwrap();
        let two: Vec<_> = text.lines().take(2).collect();
        std::fs::write(log2.path(), two.join("\n") + "\n").unwrap();
        assert!(log2.verify().unwrap().first_broken_line.is_some());
    }

    #[test]
    fn list_filters_newest_first() {
        let (_d, log) = log_with(3);
        log.append(AuditRecord::failed("token.revoke", "permission denied").profile("dev"))
            .unwrap();
        let all = log.list(&AuditFilter::default()).unwrap();
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].action, "token.revoke");
        let errors = log
            .list(&AuditFilter {
                outcome: Some("error".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(errors.len(), 1);
        let by_text = log
            .list(&AuditFilter {
                text: Some("APP/1".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(by_text.len(), 1);
        assert_eq!(by_text[0].seq, 2);
    }
}
