//! Staged policy edits: several policies edited, reviewed together (one diff each plus an
//! impact preview computed with `vaultdeck_policy` on old vs new), then applied (each write
//! validated, CAS-checked and audited; stop at the first failure, keeping the rest staged) or
//! discarded. Kept in a JSON file in the data dir, per profile, so they survive a restart.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use vaultdeck_policy::{Policy, PolicySet};
use vaultdeck_types::{
    ApplyStagedReport, ImpactRow, IpcError, PolicyDraft, StagedPolicy, StagedPreview,
};

use crate::sessions::Deck;
use crate::{Error, Result};

/// profile id → policy name → staged edit.
type Staged = BTreeMap<String, BTreeMap<String, StagedPolicy>>;

/// The staged-edits file (`policy-drafts.json` in the data dir).
#[derive(Debug)]
pub struct StagedEdits {
    path: PathBuf,
    lock: Mutex<()>,
}

impl StagedEdits {
    /// The file name under the data dir.
    pub const FILE: &'static str = "policy-drafts.json";

    /// Staged edits kept in `path` (created on first stage).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    /// Staged edits in `data_dir`/[`StagedEdits::FILE`].
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self::new(data_dir.join(Self::FILE))
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load(&self) -> Result<Staged> {
        match std::fs::read_to_string(&self.path) {
            Ok(s) => serde_json::from_str(&s).map_err(|e| {
                Error::Internal(format!(
                    "staged policy edits in {} are unreadable ({e}); move the file away",
                    self.path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Staged::new()),
            Err(e) => Err(Error::io("read", &self.path, e)),
        }
    }

    fn store(&self, all: &Staged) -> Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        }
        let tmp = self.path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(all)
            .map_err(|e| Error::Internal(format!("encode staged edits: {e}")))?;
        std::fs::write(&tmp, text).map_err(|e| Error::io("write", &tmp, e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| Error::io("replace", &self.path, e))
    }

    fn update<T>(&self, f: impl FnOnce(&mut Staged) -> T) -> Result<T> {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.load()?;
        let out = f(&mut all);
        all.retain(|_, m| !m.is_empty());
        self.store(&all)?;
        Ok(out)
    }

    /// The staged edits of a profile, by name.
    pub fn list(&self, profile_id: &str) -> Result<Vec<StagedPolicy>> {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        Ok(self
            .load()?
            .remove(profile_id)
            .map(|m| m.into_values().collect())
            .unwrap_or_default())
    }

    /// Stages (adds or replaces) an edit; the text must parse. Returns all staged edits.
    pub fn stage(&self, profile_id: &str, staged: StagedPolicy) -> Result<Vec<StagedPolicy>> {
        let draft = PolicyDraft {
            name: staged.name.clone(),
            text: staged.text.clone(),
        };
        super::parse(&draft).map_err(|p| {
            Error::InvalidInput(format!("policy {:?} not staged: {}", draft.name, p.message))
        })?;
        self.update(|all| {
            let m = all.entry(profile_id.to_owned()).or_default();
            // Keep the base of an earlier staging: the edit started there.
            let staged = match m.get(&staged.name) {
                Some(prev) => StagedPolicy {
                    base_text: prev.base_text.clone(),
                    base_version: prev.base_version,
                    ..staged
                },
                None => staged,
            };
            m.insert(staged.name.clone(), staged);
            m.values().cloned().collect()
        })
    }

    /// Drops one staged edit; returns the rest.
    pub fn unstage(&self, profile_id: &str, name: &str) -> Result<Vec<StagedPolicy>> {
        self.update(|all| {
            let m = all.entry(profile_id.to_owned()).or_default();
            m.remove(name);
            m.values().cloned().collect()
        })
    }

    /// Drops every staged edit of a profile.
    pub fn discard(&self, profile_id: &str) -> Result<()> {
        self.update(|all| {
            all.remove(profile_id);
        })
    }

    /// The staged edits plus their impact (see [`impact`]).
    pub fn preview(&self, profile_id: &str, extra_paths: &[String]) -> Result<StagedPreview> {
        let staged = self.list(profile_id)?;
        let (impact, probed) = impact(&staged, extra_paths);
        Ok(StagedPreview {
            staged,
            impact,
            probed,
        })
    }

    /// Writes the staged edits in name order through [`super::save`] (validated, CAS-checked
    /// against the version each edit started from, audited). Stops at the first failure; the
    /// failed edit and the rest stay staged.
    pub async fn apply(&self, deck: &Deck, profile_id: &str) -> Result<ApplyStagedReport> {
        let mut report = ApplyStagedReport::default();
        for s in self.list(profile_id)? {
            let draft = PolicyDraft {
                name: s.name.clone(),
                text: s.text.clone(),
            };
            let cas = if s.base_text.is_none() {
                Some(0)
            } else {
                s.base_version
            };
            match super::save(deck, profile_id, &draft, cas, s.base_text.as_deref()).await {
                Ok(_) => {
                    self.unstage(profile_id, &s.name)?;
                    report.applied.push(s.name);
                }
                Err(e) => {
                    report.failed = Some(s.name);
                    report.error = Some(IpcError::from(e));
                    break;
                }
            }
        }
        report.remaining = self.list(profile_id)?;
        Ok(report)
    }
}

/// A concrete path a rule pattern stands for: `+` → `x`, a trailing `*` dropped.
pub fn probe_path(pattern: &str) -> String {
    let p = pattern.strip_prefix('/').unwrap_or(pattern);
    let p = p.strip_suffix('*').unwrap_or(p);
    p.split('/')
        .map(|seg| if seg == "+" { "x" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn parse_lenient(name: &str, text: Option<&str>) -> Policy {
    text.and_then(|t| Policy::parse(name, t).ok())
        .unwrap_or_else(|| Policy {
            name: name.to_owned(),
            rules: Vec::new(),
        })
}

/// Which paths gain or lose which capabilities under each staged policy (old text vs new),
/// probing the paths of every old and new rule plus `extra_paths`. Returns the changed rows
/// and every probed path.
pub fn impact(staged: &[StagedPolicy], extra_paths: &[String]) -> (Vec<ImpactRow>, Vec<String>) {
    let pairs: Vec<(Policy, Policy)> = staged
        .iter()
        .map(|s| {
            (
                parse_lenient(&s.name, s.base_text.as_deref()),
                parse_lenient(&s.name, Some(&s.text)),
            )
        })
        .collect();
    let mut probed: Vec<String> = Vec::new();
    let rule_paths = pairs
        .iter()
        .flat_map(|(a, b)| a.rules.iter().chain(&b.rules))
        .map(|r| probe_path(&r.pattern));
    for p in extra_paths.iter().cloned().chain(rule_paths) {
        if !p.is_empty() && !probed.contains(&p) {
            probed.push(p);
        }
    }
    probed.sort();
    let mut rows = Vec::new();
    for (old, new) in pairs {
        let name = new.name.clone();
        let (old, new) = (PolicySet::new(vec![old]), PolicySet::new(vec![new]));
        for path in &probed {
            let before: Vec<String> = old
                .capabilities(path)
                .into_iter()
                .map(String::from)
                .collect();
            let after: Vec<String> = new
                .capabilities(path)
                .into_iter()
                .map(String::from)
                .collect();
            if before == after {
                continue;
            }
            let real = |v: &[String]| -> Vec<String> {
                v.iter().filter(|c| *c != "deny").cloned().collect()
            };
            let (b, a) = (real(&before), real(&after));
            rows.push(ImpactRow {
                path: path.clone(),
                policy: name.clone(),
                gained: a.iter().filter(|c| !b.contains(c)).cloned().collect(),
                lost: b.iter().filter(|c| !a.contains(c)).cloned().collect(),
                before,
                after,
            });
        }
    }
    (rows, probed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staged(name: &str, base: Option<&str>, text: &str) -> StagedPolicy {
        StagedPolicy {
            name: name.into(),
            text: text.into(),
            base_text: base.map(String::from),
            base_version: base.map(|_| 1),
        }
    }

    #[test]
    fn probe_paths_stand_for_their_patterns() {
        assert_eq!(probe_path("secret/data/+/db"), "secret/data/x/db");
        assert_eq!(probe_path("secret/data/app/*"), "secret/data/app/");
        assert_eq!(probe_path("/sys/mounts"), "sys/mounts");
    }

    #[test]
    fn impact_lists_gains_and_losses_per_policy() {
        let s = [
            staged(
                "a",
                Some(r#"path "kv/x" { capabilities = ["read", "update"] }"#),
                r#"path "kv/x" { capabilities = ["read", "list"] }"#,
            ),
            staged("b", None, r#"path "kv/y/*" { capabilities = ["read"] }"#),
        ];
        let (rows, probed) = impact(&s, &["kv/y/z".into()]);
        assert_eq!(probed, ["kv/x", "kv/y/", "kv/y/z"]);
        let a = rows.iter().find(|r| r.policy == "a").unwrap();
        assert_eq!(a.gained, ["list"]);
        assert_eq!(a.lost, ["update"]);
        let b: Vec<_> = rows.iter().filter(|r| r.policy == "b").collect();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].before, ["deny"]);
        assert_eq!(b[1].gained, ["read"]);
    }

    #[test]
    fn staging_survives_a_new_instance_and_keeps_the_first_base() {
        let dir = tempfile::tempdir().unwrap();
        let st = StagedEdits::in_data_dir(dir.path());
        let one = staged(
            "a",
            Some(r#"path "k" { capabilities = ["read"] }"#),
            r#"path "k" { capabilities = ["list"] }"#,
        );
        st.stage("p1", one).unwrap();
        let mut again = staged(
            "a",
            Some("changed base"),
            r#"path "k" { capabilities = ["update"] }"#,
        );
        again.base_version = Some(9);
        st.stage("p1", again).unwrap();
        let st2 = StagedEdits::in_data_dir(dir.path());
        let l = st2.list("p1").unwrap();
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].base_version, Some(1));
        assert!(l[0].text.contains("update"));
        assert!(st2.list("p2").unwrap().is_empty());
        let e = st2.stage(
            "p1",
            staged("b", None, "path \"k\" { capabilities = [\"nope\"] }"),
        );
        assert_eq!(
            e.unwrap_err().code(),
            vaultdeck_types::ErrorCode::InvalidInput
        );
        st2.discard("p1").unwrap();
        assert!(st.list("p1").unwrap().is_empty());
    }
}
