//! The Rotations screen's pure logic: the plan being assembled from checked targets (any mix
//! of database, transit and KV), health badges, the value-spec form, minimum-version inputs,
//! typed confirmations, the run's progress and counts, and which connection each step runs on
//! (Vault steps on the plan's Vault connection, AWS / Azure steps on the one they name).

use vaultdeck_types::{
    AwsPasswordSpec, CloudProvider, ConnectionSummary, RotationHealth, RotationPlan, RotationStep,
    StepResult, StepStatus, ValueSpec,
};

/// The targets checked for the bulk plan, in the order they were checked (no duplicates: a
/// target id appears once).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanDraft {
    steps: Vec<RotationStep>,
}

impl PlanDraft {
    /// Whether the target of `step` is in the plan.
    pub fn contains(&self, step: &RotationStep) -> bool {
        let id = step.target_id();
        self.steps.iter().any(|s| s.target_id() == id)
    }

    /// Adds `step`, or replaces the step with the same target (a KV step with other keys).
    pub fn add(&mut self, step: RotationStep) {
        let id = step.target_id();
        match self.steps.iter_mut().find(|s| s.target_id() == id) {
            Some(s) => *s = step,
            None => self.steps.push(step),
        }
    }

    /// Checks or unchecks the target of `step`.
    pub fn toggle(&mut self, step: RotationStep) {
        if self.contains(&step) {
            self.remove(&step.target_id());
        } else {
            self.add(step);
        }
    }

    /// Removes the step with target id `id`.
    pub fn remove(&mut self, id: &str) {
        self.steps.retain(|s| s.target_id() != id);
    }

    /// Moves the step at `index` one place up (`up`) or down.
    pub fn shift(&mut self, index: usize, up: bool) {
        let other = if up {
            index.checked_sub(1)
        } else {
            Some(index + 1)
        };
        if let Some(o) = other.filter(|o| *o < self.steps.len() && index < self.steps.len()) {
            self.steps.swap(index, o);
        }
    }

    /// Empties the plan.
    pub fn clear(&mut self) {
        self.steps.clear();
    }

    /// The steps, in order.
    pub fn steps(&self) -> &[RotationStep] {
        &self.steps
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The plan to preview or run.
    pub fn plan(&self) -> RotationPlan {
        RotationPlan {
            steps: self.steps.clone(),
        }
    }
}

/// A health badge: CSS class (`stale`, `fresh`, `unknown`) and text.
pub fn health_badge(h: &RotationHealth) -> (&'static str, String) {
    match h.age_secs {
        None => ("unknown", "last rotation not exposed".to_owned()),
        Some(_) if h.stale => ("stale", format!("older than {} days", h.max_age_days)),
        Some(age) => ("fresh", format!("rotated {} ago", age_label(age))),
    }
}

/// `45 s`, `12 min`, `5 h`, `3 d`.
pub fn age_label(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3_600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h", s / 3_600),
        s => format!("{} d", s / 86_400),
    }
}

/// The maximum-age input: whole days, 1 to 3650.
pub fn parse_max_age(input: &str) -> Result<u64, String> {
    match input.trim().parse::<u64>() {
        Ok(d) if (1..=3650).contains(&d) => Ok(d),
        _ => Err(format!(
            "maximum age {:?} is not a number of days from 1 to 3650",
            input.trim()
        )),
    }
}

/// A minimum-version input: empty = unchanged; else a version from 0 (encryption: latest only)
/// or 1 (decryption) up to `latest`.
pub fn parse_min_version(input: &str, latest: u64, what: &str) -> Result<Option<u64>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let v: u64 = t
        .parse()
        .map_err(|_| format!("{what} {t:?} is not a version number"))?;
    if v > latest {
        return Err(format!(
            "{what} {v} is above the latest version {latest}: every ciphertext would be locked out"
        ));
    }
    Ok(Some(v))
}

/// The value-spec form: length text and the four classes.
pub fn value_spec(
    length: &str,
    lowercase: bool,
    uppercase: bool,
    digits: bool,
    symbols: bool,
) -> Result<ValueSpec, String> {
    let length: usize = length
        .trim()
        .parse()
        .map_err(|_| format!("length {:?} is not a number", length.trim()))?;
    let spec = ValueSpec {
        length,
        lowercase,
        uppercase,
        digits,
        symbols,
    };
    match spec.problem() {
        Some(p) => Err(p),
        None => Ok(spec),
    }
}

/// Whether a typed confirmation matches exactly (no trimming: the name must be typed as is).
pub fn confirmed(typed: &str, expected: &str) -> bool {
    !expected.is_empty() && typed == expected
}

/// Counts of a run so far: `(ok, failed, skipped)`.
pub fn counts(results: &[StepResult]) -> (usize, usize, usize) {
    let n = |st: StepStatus| results.iter().filter(|r| r.status == st).count();
    (
        n(StepStatus::Ok),
        n(StepStatus::Failed),
        n(StepStatus::Skipped),
    )
}

/// Progress of a run: percent of `total` steps finished (any status).
pub fn percent(done: usize, total: usize) -> u32 {
    if total == 0 {
        return 0;
    }
    ((done.min(total) * 100) / total) as u32
}

/// Keys chosen for a KV rotation from a comma- or space-separated list, trimmed and unique.
pub fn parse_keys(input: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in input.split([',', ' ', '\n']).map(str::trim) {
        if !k.is_empty() && !out.iter().any(|o| o == k) {
            out.push(k.to_owned());
        }
    }
    out
}

/// The cloud of an open connection by its provider label (`None`: Vault / OpenBao).
pub fn cloud_provider(provider_label: &str) -> Option<CloudProvider> {
    match provider_label {
        "AWS Secrets Manager" => Some(CloudProvider::Aws),
        "Azure Key Vault" => Some(CloudProvider::Azure),
        _ => None,
    }
}

/// The open AWS and Azure connections (their targets go on the Cloud tab), in opening order.
pub fn cloud_connections(open: &[ConnectionSummary]) -> Vec<(String, String, CloudProvider)> {
    open.iter()
        .filter_map(|c| {
            cloud_provider(&c.provider).map(|p| (c.profile_id.clone(), c.name.clone(), p))
        })
        .collect()
}

/// Where a plan step runs, for the plan table: the Vault connection's name for Vault steps,
/// the named connection's name for cloud steps; `false` when that connection is not open
/// (the step would fail).
pub fn step_connection(
    step: &RotationStep,
    vault: Option<&ConnectionSummary>,
    open: &[ConnectionSummary],
) -> (String, bool) {
    match step.connection_profile() {
        None => match vault {
            Some(v) => (v.name.clone(), true),
            None => ("no Vault connection".to_owned(), false),
        },
        Some(id) => match open.iter().find(|c| c.profile_id == id) {
            Some(c) => (c.name.clone(), true),
            None => (format!("{id} (not open)"), false),
        },
    }
}

/// The AWS password-length input (4 to 4096; every character type, each at least once).
pub fn aws_spec(length: &str) -> Result<AwsPasswordSpec, String> {
    let length: u32 = length
        .trim()
        .parse()
        .map_err(|_| format!("length {:?} is not a number", length.trim()))?;
    if !(4..=4096).contains(&length) {
        return Err(format!(
            "password length {length} is out of range: choose 4 to 4096 characters"
        ));
    }
    Ok(AwsPasswordSpec {
        length,
        ..AwsPasswordSpec::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, name: &str, provider: &str) -> ConnectionSummary {
        ConnectionSummary {
            profile_id: id.into(),
            name: name.into(),
            provider: provider.into(),
            address: String::new(),
            identity: None,
            seal: None,
            capabilities: Vec::new(),
            warnings: Vec::new(),
            credential_in_keychain: false,
        }
    }

    #[test]
    fn cloud_steps_show_their_connection() {
        let open = [
            summary("v", "bao", "Vault / OpenBao"),
            summary("a", "moto", "AWS Secrets Manager"),
            summary("z", "kv", "Azure Key Vault"),
        ];
        assert_eq!(
            cloud_connections(&open),
            [
                ("a".to_owned(), "moto".to_owned(), CloudProvider::Aws),
                ("z".to_owned(), "kv".to_owned(), CloudProvider::Azure)
            ]
        );
        let aws = RotationStep::AwsSecret {
            profile_id: "a".into(),
            name: "app".into(),
            spec: AwsPasswordSpec::default(),
            json_key: None,
        };
        assert_eq!(
            step_connection(&aws, None, &open),
            ("moto".to_owned(), true)
        );
        let closed = RotationStep::AzureKey {
            profile_id: "gone".into(),
            name: "k".into(),
        };
        assert_eq!(
            step_connection(&closed, None, &open),
            ("gone (not open)".to_owned(), false)
        );
        let t = transit("k");
        assert_eq!(
            step_connection(&t, Some(&open[0]), &open),
            ("bao".to_owned(), true)
        );
        assert!(!step_connection(&t, None, &open).1);
        // The same name on two connections is two targets.
        let mut d = PlanDraft::default();
        d.add(aws.clone());
        d.add(RotationStep::AwsSecret {
            profile_id: "b".into(),
            name: "app".into(),
            spec: AwsPasswordSpec::default(),
            json_key: None,
        });
        assert_eq!(d.len(), 2);
        assert_eq!(aws_spec(" 40 ").unwrap().length, 40);
        assert!(aws_spec("3").unwrap_err().contains("out of range"));
        assert!(aws_spec("x").is_err());
    }

    fn transit(key: &str) -> RotationStep {
        RotationStep::TransitKey {
            mount: "transit".into(),
            key: key.into(),
        }
    }

    #[test]
    fn plan_draft_toggles_replaces_and_orders() {
        let mut d = PlanDraft::default();
        d.toggle(transit("a"));
        d.toggle(transit("b"));
        d.add(RotationStep::KvValue {
            path: "secret/app".into(),
            keys: vec!["password".into()],
            spec: ValueSpec::default(),
        });
        assert_eq!(d.len(), 3);
        // Same KV target with other keys replaces, not duplicates.
        d.add(RotationStep::KvValue {
            path: "secret/app".into(),
            keys: vec!["password".into(), "api_key".into()],
            spec: ValueSpec::default(),
        });
        assert_eq!(d.len(), 3);
        assert!(matches!(&d.steps()[2], RotationStep::KvValue { keys, .. } if keys.len() == 2));
        d.toggle(transit("a"));
        assert_eq!(d.len(), 2);
        assert!(!d.contains(&transit("a")));
        d.shift(1, true);
        assert!(matches!(&d.steps()[0], RotationStep::KvValue { .. }));
        d.shift(0, true); // already first: unchanged
        d.shift(1, false); // already last: unchanged
        assert!(matches!(&d.steps()[1], RotationStep::TransitKey { key, .. } if key == "b"));
        assert_eq!(d.plan().steps.len(), 2);
        d.clear();
        assert!(d.is_empty());
    }

    #[test]
    fn health_badges() {
        let h = RotationHealth {
            last_rotated: Some("2026-01-01T00:00:00Z".into()),
            age_secs: Some(100 * 86_400),
            stale: true,
            max_age_days: 90,
        };
        assert_eq!(health_badge(&h), ("stale", "older than 90 days".into()));
        let h = RotationHealth {
            age_secs: Some(7_200),
            stale: false,
            ..h
        };
        assert_eq!(health_badge(&h), ("fresh", "rotated 2 h ago".into()));
        assert_eq!(health_badge(&RotationHealth::default()).0, "unknown");
        assert_eq!(age_label(59), "59 s");
        assert_eq!(age_label(600), "10 min");
        assert_eq!(age_label(3 * 86_400 + 5), "3 d");
    }

    #[test]
    fn inputs_are_checked() {
        assert_eq!(parse_max_age(" 30 "), Ok(30));
        assert!(parse_max_age("0").is_err());
        assert!(parse_max_age("abc").is_err());
        assert_eq!(parse_min_version("", 3, "min"), Ok(None));
        assert_eq!(parse_min_version("2", 3, "min"), Ok(Some(2)));
        assert!(parse_min_version("4", 3, "min")
            .unwrap_err()
            .contains("above the latest version 3"));
        assert!(parse_min_version("x", 3, "min").is_err());
        let s = value_spec("24", true, false, true, false).unwrap();
        assert_eq!((s.length, s.uppercase, s.digits), (24, false, true));
        assert!(value_spec("4", true, true, true, true)
            .unwrap_err()
            .contains("out of range"));
        assert!(value_spec("20", false, false, false, false)
            .unwrap_err()
            .contains("character class"));
        assert!(value_spec("twenty", true, true, true, true).is_err());
        assert!(confirmed("demo-postgres", "demo-postgres"));
        assert!(!confirmed("demo-postgres ", "demo-postgres"));
        assert!(!confirmed("", ""));
        assert_eq!(
            parse_keys("password, api_key password\n"),
            ["password", "api_key"]
        );
    }

    #[test]
    fn run_counts_and_progress() {
        let r = |index, status| StepResult {
            index,
            description: String::new(),
            status,
            detail: String::new(),
        };
        let rs = [
            r(0, StepStatus::Ok),
            r(1, StepStatus::Failed),
            r(2, StepStatus::Ok),
            r(3, StepStatus::Skipped),
        ];
        assert_eq!(counts(&rs), (2, 1, 1));
        assert_eq!(percent(3, 4), 75);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(9, 4), 100);
    }
}
