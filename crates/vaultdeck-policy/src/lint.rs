//! Lint: mistakes the server accepts. Every finding has a stable id, a severity, the line of
//! the rule, a message and a fix hint.
//!
//! | id | severity | what |
//! |---|---|---|
//! | `VDP001` | warning | `sudo` outside `sys/` and `auth/token/` |
//! | `VDP002` | error / warning | write capabilities (`create`, `update`, `delete`, `patch`, `sudo`) on a catch-all: error for the whole namespace (`*`, `+/*`…) and `sys/`, `auth/`, `identity/`; warning for a mount (`secret/*`) |
//! | `VDP003` | warning | dead rule: it never decides any path, because another pattern of the set always wins |
//! | `VDP004` | warning | the same pattern twice in one policy |
//! | `VDP005` | error | KV v2 path without `data/`, `metadata/`, … (needs the mount table) |
//! | `VDP006` | warning | parameter constraints on a KV v2 path (not supported there) |
//! | `VDP007` | warning | `deny` shadowed: a higher-priority pattern decides some (or all) of its paths |
//! | `VDP008` | info / warning | `list` on a path without trailing slash or glob (what it really allows); warning on KV v2 `data/` |
//! | `VDP009` | warning | `*` not at the end, or `+` inside a segment: matched as a literal character |
//! | `VDP010` | info | templated path: depends on the caller's identity, not evaluated offline |
//! | `VDP011` | warning | rule with no capabilities: grants nothing but still hides lower-priority rules |
//!
//! **Dead rules, precisely.** A rule is dead when, in the whole policy set, its pattern is never
//! the deciding pattern for any request path. It is checked on *witness* paths: the pattern
//! with every `+` and the glob tail replaced by a character no pattern contains, with 0 to
//! `n + 1` extra segments (`n` = the most segments of any pattern) and with and without a
//! trailing `/`. Any other pattern matching such a witness has a wildcard or an empty glob
//! tail at those places and so matches every real path the witness stands for, with the same
//! static priority; hence if the pattern decides some real path, it decides one of its
//! witnesses, and a pattern that decides no witness is dead.

use serde::Serialize;

use crate::capability::{Capability, CapabilitySet};
use crate::eval::PolicySet;
use crate::model::{Pattern, PatternKind, Policy};

/// How bad a finding is. `vdeck policy lint` exits 1 when any finding is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rule does not do what it says, or grants far too much.
    Error,
    /// Probably a mistake.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable id (`VDP001`…).
    pub id: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Policy name.
    pub policy: String,
    /// 1-based line of the rule.
    pub line: usize,
    /// The rule's pattern as written.
    pub pattern: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// A secrets-engine mount, for the KV checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mount {
    /// Mount path with a trailing `/`, e.g. `secret/`.
    pub path: String,
    /// KV version (1 or 2); other engines: 0.
    pub kv_version: u8,
}

impl Mount {
    /// A mount; `path` gets a trailing `/` if it has none.
    pub fn new(path: &str, kv_version: u8) -> Mount {
        let path = path.trim_start_matches('/');
        Mount {
            path: if path.ends_with('/') {
                path.to_owned()
            } else {
                format!("{path}/")
            },
            kv_version,
        }
    }
}

/// What the linter knows beyond the policies.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// The mount table (from a server or a file). Without it the KV v2 checks are skipped.
    pub mounts: Vec<Mount>,
}

/// The endpoints of a KV v2 mount (OpenBao adds `detailed-metadata/`).
const KV2_ENDPOINTS: &[&str] = &[
    "data",
    "metadata",
    "delete",
    "undelete",
    "destroy",
    "subkeys",
    "config",
    "detailed-metadata",
];

/// Lints `policies` as one set (dead and shadowed rules are judged across all of them).
/// Findings are sorted by policy (set order), line and id.
pub fn lint(policies: &[Policy], options: &LintOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    for policy in policies {
        lint_rules(policy, options, &mut out);
    }
    lint_set(policies, &mut out);
    let order = |name: &str| policies.iter().position(|p| p.name == name);
    out.sort_by(|a, b| {
        (order(&a.policy), a.line, a.id, &a.pattern).cmp(&(
            order(&b.policy),
            b.line,
            b.id,
            &b.pattern,
        ))
    });
    out.dedup();
    out
}

fn finding(
    id: &'static str,
    severity: Severity,
    policy: &Policy,
    rule: &crate::Rule,
    message: String,
    hint: String,
) -> Finding {
    Finding {
        id,
        severity,
        policy: policy.name.clone(),
        line: rule.line,
        pattern: rule.pattern.clone(),
        message,
        hint,
    }
}

const WRITE_CAPS: [Capability; 5] = Capability::WRITES;

fn write_caps(caps: CapabilitySet) -> Vec<&'static str> {
    WRITE_CAPS
        .iter()
        .filter(|c| caps.contains(**c))
        .map(|c| c.as_str())
        .collect()
}

/// The KV mount a pattern lives on, and the rest of the pattern after the mount.
fn kv_mount<'a>(pattern: &'a str, mounts: &'a [Mount]) -> Option<(&'a Mount, &'a str)> {
    let path = pattern.strip_prefix('/').unwrap_or(pattern);
    mounts
        .iter()
        .filter(|m| m.kv_version > 0 && path.starts_with(m.path.as_str()))
        .max_by_key(|m| m.path.len())
        .map(|m| (m, &path[m.path.len()..]))
}

fn lint_rules(policy: &Policy, options: &LintOptions, out: &mut Vec<Finding>) {
    for (i, rule) in policy.rules.iter().enumerate() {
        let m = rule.matcher();
        let caps = rule.capabilities;
        let stripped = rule.pattern.strip_prefix('/').unwrap_or(&rule.pattern);

        // VDP001: sudo outside sys/ and auth/token/.
        if caps.contains(Capability::Sudo) {
            let lit = m.literal_prefix();
            if !(lit.starts_with("sys/") || lit.starts_with("auth/token/")) {
                out.push(finding(
                    "VDP001",
                    Severity::Warning,
                    policy,
                    rule,
                    format!(
                        "`sudo` on `{}`: sudo only matters on root-protected endpoints, which \
                         live under `sys/` and `auth/token/`",
                        rule.pattern
                    ),
                    "drop `sudo` here, or give it in a separate rule on the exact `sys/…` or \
                     `auth/token/…` endpoint that needs it"
                        .into(),
                ));
            }
        }

        // VDP002: write capabilities on a catch-all.
        let writes = write_caps(caps);
        if !writes.is_empty() && !caps.is_deny() {
            if let Some(scope) = catch_all_scope(&m) {
                let (severity, what) = match scope {
                    Scope::Everything => {
                        (Severity::Error, "every path of the namespace".to_owned())
                    }
                    Scope::Mount(ref mnt) if is_sensitive_mount(mnt) => {
                        (Severity::Error, format!("everything under `{mnt}`"))
                    }
                    Scope::Mount(ref mnt) => {
                        (Severity::Warning, format!("everything under `{mnt}`"))
                    }
                };
                out.push(finding(
                    "VDP002",
                    severity,
                    policy,
                    rule,
                    format!("`{}` grants {} on {what}", rule.pattern, writes.join(", ")),
                    "narrow the pattern to the paths that need writing (e.g. \
                     `secret/data/<team>/*`) and keep the catch-all read-only"
                        .into(),
                ));
            }
        }

        // VDP004: duplicate pattern in the same policy.
        if let Some(first) = policy.rules[..i].iter().find(|r| r.matcher() == m) {
            out.push(finding(
                "VDP004",
                Severity::Warning,
                policy,
                rule,
                format!(
                    "`{}` repeats the pattern of line {}; the server merges both rules \
                     (capabilities added up, `deny` wins)",
                    rule.pattern, first.line
                ),
                format!("merge the two rules into the one on line {}", first.line),
            ));
        }

        // VDP005 / VDP006 / VDP008 (KV v2 part).
        let body = if m.is_glob() {
            stripped.strip_suffix('*').unwrap_or(stripped)
        } else {
            stripped
        };
        let mount = kv_mount(body, &options.mounts);
        if let Some((mnt, rest)) = mount.filter(|(mnt, _)| mnt.kv_version == 2) {
            let first_seg = rest.split('/').next().unwrap_or_default();
            let glob_first = !rest.contains('/') && m.is_glob();
            let covers_endpoint = rest.is_empty()
                || first_seg == "+"
                || KV2_ENDPOINTS.contains(&first_seg)
                || (glob_first && KV2_ENDPOINTS.iter().any(|e| e.starts_with(first_seg)));
            if !covers_endpoint && !caps.is_deny() {
                let tail = rest;
                out.push(finding(
                    "VDP005",
                    Severity::Error,
                    policy,
                    rule,
                    format!(
                        "`{}` is on the KV v2 mount `{}`, which has no `{first_seg}/` endpoint: \
                         the rule matches no secret",
                        rule.pattern, mnt.path
                    ),
                    format!(
                        "use `{m}data/{tail}…` to read/write secrets and `{m}metadata/{tail}…` \
                         to list them and manage versions",
                        m = mnt.path
                    ),
                ));
            }
            if rule.has_parameter_constraints() && !caps.is_deny() {
                out.push(finding(
                    "VDP006",
                    Severity::Warning,
                    policy,
                    rule,
                    format!(
                        "parameter constraints on `{}` (KV v2 mount `{}`) do not work: KV v2 \
                         nests the secret's fields under `data`, so the server never sees them \
                         as parameters",
                        rule.pattern, mnt.path
                    ),
                    "remove allowed/denied/required_parameters here; enforce the shape in the \
                     application, or use a KV v1 mount where constraints apply"
                        .into(),
                ));
            }
            if caps.contains(Capability::List) && first_seg == "data" {
                out.push(finding(
                    "VDP008",
                    Severity::Warning,
                    policy,
                    rule,
                    format!(
                        "`list` on `{}` has no effect: KV v2 answers LIST on `{}metadata/…`, \
                         not on `data/`",
                        rule.pattern, mnt.path
                    ),
                    format!(
                        "grant `list` on `{}metadata/{}` instead",
                        mnt.path,
                        rest.strip_prefix("data/").unwrap_or_default()
                    ),
                ));
            }
        }

        // VDP008: list semantics on an exact path without a trailing slash.
        if caps.contains(Capability::List)
            && !caps.is_deny()
            && m.kind == PatternKind::Exact
            && !stripped.ends_with('/')
            && !(mount.is_some_and(|(mnt, rest)| {
                mnt.kv_version == 2 && rest.split('/').next() == Some("data")
            }))
        {
            out.push(finding(
                "VDP008",
                Severity::Info,
                policy,
                rule,
                format!(
                    "`list` on `{p}` lets the holder list the keys directly under `{p}/` (LIST \
                     requests end in `/`, and the server also tries the exact rule without it); \
                     it does not allow listing deeper folders such as `{p}/x/`",
                    p = stripped
                ),
                format!(
                    "write `{stripped}/` to make the intent visible, or `{stripped}/*` to allow \
                     listing the whole subtree"
                ),
            ));
        }

        // VDP009: `*` or `+` used where the server reads them literally.
        let star_inside = stripped.trim_end_matches('*').contains('*');
        let plus_inside = stripped
            .split('/')
            .any(|seg| seg.contains('+') && seg != "+");
        if star_inside || plus_inside {
            let what = if star_inside {
                "`*` is a glob only at the very end of a pattern; here it is a literal character"
            } else {
                "`+` is a wildcard only as a whole segment (`a/+/b`); here it is a literal character"
            };
            out.push(finding(
                "VDP009",
                Severity::Warning,
                policy,
                rule,
                format!("`{}`: {what}", rule.pattern),
                "use `+` for one whole segment and a trailing `*` for a prefix, e.g. \
                 `secret/data/+/config` or `secret/data/app-*`"
                    .into(),
            ));
        }

        // VDP010: templated paths.
        if rule.templated {
            out.push(finding(
                "VDP010",
                Severity::Info,
                policy,
                rule,
                format!(
                    "`{}` is templated: it depends on the caller's identity (entity, groups) and \
                     is left out of offline evaluation",
                    rule.pattern
                ),
                "check it with the simulator against a real token, or against the server's \
                 sys/capabilities"
                    .into(),
            ));
        }

        // VDP011: no capabilities at all.
        if caps.is_empty() {
            out.push(finding(
                "VDP011",
                Severity::Warning,
                policy,
                rule,
                format!(
                    "`{}` grants nothing, yet where it is the best match it still hides every \
                     lower-priority rule: those paths get no access at all",
                    rule.pattern
                ),
                "remove the rule, add the intended capabilities, or write \
                 `capabilities = [\"deny\"]` if denial is the point"
                    .into(),
            ));
        }
    }
}

enum Scope {
    Everything,
    Mount(String),
}

/// Whether the pattern is a glob over a whole mount or the whole namespace.
fn catch_all_scope(m: &Pattern) -> Option<Scope> {
    if !m.is_glob() {
        return None;
    }
    let wc = m.key.strip_suffix('*').unwrap_or(&m.key);
    if wc.is_empty() {
        return Some(Scope::Everything);
    }
    // Otherwise the glob must cover whole segments (`…/*`).
    let head: Vec<&str> = wc.strip_suffix('/')?.split('/').collect();
    if head.iter().all(|s| *s == "+") {
        return Some(Scope::Everything);
    }
    if head.len() == 1 {
        return Some(Scope::Mount(format!("{}/", head[0])));
    }
    None
}

fn is_sensitive_mount(mount: &str) -> bool {
    matches!(mount, "sys/" | "auth/" | "identity/")
}

/// Paths that stand for every real path a non-exact pattern matches (see the module docs).
fn witnesses(p: &Pattern, z: &str, max_extra: usize) -> Vec<String> {
    let tails = |stem: &str| -> Vec<String> {
        let mut v = Vec::new();
        for first in ["", z] {
            v.push(format!("{stem}{first}"));
            for n in 1..=max_extra {
                let mid = format!("/{z}").repeat(n - 1);
                v.push(format!("{stem}{first}{mid}/{z}"));
                v.push(format!("{stem}{first}{mid}/"));
            }
        }
        v
    };
    match p.kind {
        PatternKind::Exact => vec![p.key.clone()],
        PatternKind::Prefix => tails(&p.key),
        PatternKind::Segment => {
            let glob = p.is_glob();
            let wc = p.key.strip_suffix('*').unwrap_or(&p.key);
            let segs: Vec<&str> = wc.split('/').collect();
            let (last, head) = segs.split_last().expect("split yields one item");
            let head: Vec<&str> = head.iter().map(|s| if *s == "+" { z } else { s }).collect();
            let base = if head.is_empty() {
                String::new()
            } else {
                format!("{}/", head.join("/"))
            };
            if glob {
                tails(&format!("{base}{last}"))
            } else if *last == "+" {
                vec![format!("{base}{z}"), base.clone()]
            } else {
                vec![format!("{base}{last}")]
            }
        }
    }
}

/// A character no pattern of the set contains.
fn fresh_token(policies: &[Policy]) -> String {
    ['\u{1}', '\u{2}', '\u{3}', '~', '\u{7f}']
        .into_iter()
        .find(|c| {
            !policies
                .iter()
                .any(|p| p.rules.iter().any(|r| r.pattern.contains(*c)))
        })
        .unwrap_or('\u{E000}')
        .to_string()
}

fn lint_set(policies: &[Policy], out: &mut Vec<Finding>) {
    if policies.iter().any(|p| p.name == "root") {
        return;
    }
    let set = PolicySet::new(policies.to_vec());
    let z = fresh_token(policies);
    let max_extra = policies
        .iter()
        .flat_map(|p| &p.rules)
        .map(|r| r.pattern.split('/').count())
        .max()
        .unwrap_or(1)
        .min(12)
        + 1;
    let n = set.group_count();
    let all_witnesses: Vec<Vec<String>> = (0..n)
        .map(|g| witnesses(set.group(g).0, &z, max_extra))
        .collect();
    let show = |s: &str| s.replace(z.as_str(), "x");
    for g in 0..n {
        let (pattern, merged, members) = set.group(g);
        if pattern.kind == PatternKind::Exact {
            continue; // an exact rule always decides its own path
        }
        let deciders: Vec<Option<u32>> = all_witnesses[g as usize]
            .iter()
            .map(|w| set.decider(w))
            .collect();
        let alive = deciders.contains(&Some(g));
        if !alive {
            let winner = deciders.iter().flatten().next().copied();
            let by = winner
                .map(|w| describe_group(&set, w))
                .unwrap_or_else(|| "another pattern".into());
            for id in members {
                let policy = &policies[id.policy];
                let rule = &policy.rules[id.rule];
                let (code, message, hint) = if merged.is_deny() {
                    (
                        "VDP007",
                        format!(
                            "the `deny` on `{}` never applies: {by} takes precedence on every \
                             path it matches",
                            rule.pattern
                        ),
                        "deny with a pattern at least as specific as the granting one (or \
                         narrow the granting pattern)"
                            .to_owned(),
                    )
                } else {
                    (
                        "VDP003",
                        format!(
                            "`{}` is dead: on every path it matches, {by} takes precedence",
                            rule.pattern
                        ),
                        "remove the rule, or move its capabilities to the pattern that wins"
                            .to_owned(),
                    )
                };
                out.push(finding(
                    code,
                    Severity::Warning,
                    policy,
                    rule,
                    message,
                    hint,
                ));
            }
            continue;
        }
        if !merged.is_deny() {
            continue;
        }
        // A live deny: which granting patterns carve paths out of it?
        for h in 0..n {
            if h == g {
                continue;
            }
            let (_, h_caps, _) = set.group(h);
            if h_caps.is_deny() {
                continue;
            }
            let hit = all_witnesses[h as usize]
                .iter()
                .find(|w| set.decider(w) == Some(h) && set.group_matches(g, w));
            if let Some(w) = hit {
                for id in members {
                    let policy = &policies[id.policy];
                    let rule = &policy.rules[id.rule];
                    out.push(finding(
                        "VDP007",
                        Severity::Warning,
                        policy,
                        rule,
                        format!(
                            "the `deny` on `{}` does not apply to paths like `{}`: {} takes \
                             precedence there",
                            rule.pattern,
                            show(w),
                            describe_group(&set, h)
                        ),
                        "if those paths must stay denied, add a deny rule with the same (or a \
                         more specific) pattern as the granting rule"
                            .into(),
                    ));
                }
            }
        }
    }
}

fn describe_group(set: &PolicySet, g: u32) -> String {
    let (_, caps, members) = set.group(g);
    let refs: Vec<String> = members
        .iter()
        .map(|id| {
            let r = set.rule_ref(*id);
            format!("`{}` ({} line {})", r.pattern, r.policy, r.line)
        })
        .collect();
    format!(
        "{} granting {}",
        refs.join(" + "),
        caps.to_server_list().join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(policies: &[(&str, &str)], mounts: &[(&str, u8)]) -> Vec<Finding> {
        let ps: Vec<Policy> = policies
            .iter()
            .map(|(n, t)| Policy::parse(n, t).unwrap())
            .collect();
        lint(
            &ps,
            &LintOptions {
                mounts: mounts.iter().map(|(p, v)| Mount::new(p, *v)).collect(),
            },
        )
    }

    fn ids(policies: &[(&str, &str)], mounts: &[(&str, u8)], id: &str) -> Vec<(usize, Severity)> {
        run(policies, mounts)
            .into_iter()
            .filter(|f| f.id == id)
            .map(|f| (f.line, f.severity))
            .collect()
    }

    fn one(text: &str, id: &str) -> Vec<(usize, Severity)> {
        ids(&[("p", text)], &[], id)
    }

    #[test]
    fn vdp001_sudo_outside_sys() {
        assert_eq!(
            one(
                r#"path "secret/data/x" { capabilities = ["read", "sudo"] }"#,
                "VDP001"
            ),
            [(1, Severity::Warning)]
        );
        assert!(one(
            r#"path "sys/rotate" { capabilities = ["update", "sudo"] }"#,
            "VDP001"
        )
        .is_empty());
        assert!(one(
            r#"path "auth/token/accessors/" { capabilities = ["list", "sudo"] }"#,
            "VDP001"
        )
        .is_empty());
    }

    #[test]
    fn vdp002_write_on_catch_all() {
        assert_eq!(
            one(r#"path "*" { capabilities = ["update"] }"#, "VDP002"),
            [(1, Severity::Error)]
        );
        assert_eq!(
            one(r#"path "+/*" { capabilities = ["create"] }"#, "VDP002"),
            [(1, Severity::Error)]
        );
        assert_eq!(
            one(r#"path "sys/*" { capabilities = ["sudo"] }"#, "VDP002"),
            [(1, Severity::Error)]
        );
        assert_eq!(
            one(r#"path "secret/*" { capabilities = ["delete"] }"#, "VDP002"),
            [(1, Severity::Warning)]
        );
        assert!(one(
            r#"path "secret/*" { capabilities = ["read", "list"] }"#,
            "VDP002"
        )
        .is_empty());
        assert!(one(
            r#"path "secret/data/team/*" { capabilities = ["update"] }"#,
            "VDP002"
        )
        .is_empty());
        assert!(one(r#"path "*" { capabilities = ["deny"] }"#, "VDP002").is_empty());
    }

    #[test]
    fn vdp003_dead_rules() {
        // `a/+/*` always loses to `a/*` (same first wildcard position, fewer `+`).
        let dead = ids(
            &[
                ("p", r#"path "a/*" { capabilities = ["read"] }"#),
                ("q", "\n\npath \"a/+/*\" { capabilities = [\"list\"] }"),
            ],
            &[],
            "VDP003",
        );
        assert_eq!(dead, [(3, Severity::Warning)]);
        // `a/+` beats `a/*` (no trailing glob), and `a/*` still decides deeper paths.
        assert!(one("path \"a/*\" { capabilities = [\"read\"] }\npath \"a/+\" { capabilities = [\"list\"] }", "VDP003").is_empty());
        // A longer prefix decides its own subtree.
        assert!(one("path \"a/*\" { capabilities = [\"read\"] }\npath \"a/b/*\" { capabilities = [\"list\"] }", "VDP003").is_empty());
        let f = &run(
            &[("p", "path \"a/*\" { capabilities = [\"read\"] }\npath \"a/+/*\" { capabilities = [\"list\"] }")],
            &[],
        );
        let msg = &f.iter().find(|f| f.id == "VDP003").unwrap().message;
        assert!(msg.contains("`a/*` (p line 1)"), "{msg}");
    }

    #[test]
    fn vdp003_is_sound_on_random_paths() {
        // Whatever the lint calls dead must decide none of many concrete paths.
        let text = "path \"a/*\" { capabilities = [\"read\"] }\n\
                    path \"a/+/*\" { capabilities = [\"list\"] }\n\
                    path \"a/b*\" { capabilities = [\"update\"] }\n\
                    path \"+/b/*\" { capabilities = [\"create\"] }\n\
                    path \"a/+/c\" { capabilities = [\"patch\"] }\n\
                    path \"*\" { capabilities = [\"scan\"] }";
        let p = Policy::parse("p", text).unwrap();
        let findings = lint(std::slice::from_ref(&p), &LintOptions::default());
        let dead: Vec<&str> = findings
            .iter()
            .filter(|f| f.id == "VDP003")
            .map(|f| f.pattern.as_str())
            .collect();
        let set = PolicySet::new(vec![p]);
        let segs = ["a", "b", "c", "bb", "", "x"];
        let mut paths = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for base in &paths {
                for s in segs {
                    next.push(if base.is_empty() {
                        s.to_owned()
                    } else {
                        format!("{base}/{s}")
                    });
                }
            }
            paths.extend(next);
        }
        for path in paths.iter().filter(|p| !p.is_empty()) {
            if let Some(r) = set.evaluate(path).decided_by.first() {
                assert!(
                    !dead.contains(&r.pattern.as_str()),
                    "{} decides {path}",
                    r.pattern
                );
            }
        }
        // `+/b/*` ties with `*` on the first wildcard position and has more `+`: dead too.
        assert_eq!(dead, ["a/+/*", "+/b/*"]);
    }

    #[test]
    fn vdp004_duplicates() {
        assert_eq!(
            one("path \"a\" { capabilities = [\"read\"] }\npath \"/a\" { capabilities = [\"list\"] }", "VDP004"),
            [(2, Severity::Warning)]
        );
        assert!(one(
            "path \"a\" { capabilities = [\"read\"] }\npath \"a*\" { capabilities = [\"list\"] }",
            "VDP004"
        )
        .is_empty());
        // The same pattern in two policies is ordinary merging, not a duplicate.
        assert!(ids(
            &[
                ("p", r#"path "a" { capabilities = ["read"] }"#),
                ("q", r#"path "a" { capabilities = ["list"] }"#)
            ],
            &[],
            "VDP004"
        )
        .is_empty());
    }

    #[test]
    fn vdp005_kv2_without_data() {
        let m = [("secret/", 2), ("kv1", 1)];
        assert_eq!(
            ids(
                &[(
                    "p",
                    r#"path "secret/app/config" { capabilities = ["read"] }"#
                )],
                &m,
                "VDP005"
            ),
            [(1, Severity::Error)]
        );
        assert_eq!(
            ids(
                &[("p", r#"path "secret/app*" { capabilities = ["read"] }"#)],
                &m,
                "VDP005"
            )
            .len(),
            1
        );
        for ok in [
            "secret/data/app/config",
            "secret/metadata/app/*",
            "secret/+/app",
            "secret/*",
            "secret/d*",
            "kv1/app/config",
        ] {
            assert!(
                ids(
                    &[(
                        "p",
                        &format!("path \"{ok}\" {{ capabilities = [\"read\"] }}")
                    )],
                    &m,
                    "VDP005"
                )
                .is_empty(),
                "{ok}"
            );
        }
        // Without a mount table nothing is known about KV versions.
        assert!(one(
            r#"path "secret/app/config" { capabilities = ["read"] }"#,
            "VDP005"
        )
        .is_empty());
    }

    #[test]
    fn vdp006_parameters_on_kv2() {
        let m = [("secret", 2), ("kv1", 1)];
        let text = |p: &str| {
            format!("path \"{p}\" {{\n capabilities = [\"update\"]\n allowed_parameters = {{\n \"x\" = []\n }}\n}}")
        };
        assert_eq!(
            ids(&[("p", &text("secret/data/app"))], &m, "VDP006"),
            [(1, Severity::Warning)]
        );
        assert!(ids(&[("p", &text("kv1/app"))], &m, "VDP006").is_empty());
        assert!(ids(
            &[(
                "p",
                r#"path "secret/data/app" { capabilities = ["update"] }"#
            )],
            &m,
            "VDP006"
        )
        .is_empty());
    }

    #[test]
    fn vdp007_shadowed_deny() {
        // The deny on `secret/*` loses to `secret/+/x` for paths like `secret/a/x`.
        let f = ids(
            &[
                ("base", r#"path "secret/*" { capabilities = ["deny"] }"#),
                ("team", r#"path "secret/+/x" { capabilities = ["read"] }"#),
            ],
            &[],
            "VDP007",
        );
        assert_eq!(f, [(1, Severity::Warning)]);
        // Fully shadowed deny.
        let f = run(
            &[("p", "path \"a/*\" { capabilities = [\"read\"] }\npath \"a/+/*\" { capabilities = [\"deny\"] }")],
            &[],
        );
        let d = f.iter().find(|f| f.id == "VDP007").unwrap();
        assert!(d.message.contains("never applies"), "{}", d.message);
        // A deny that is the most specific rule is fine.
        assert!(one(
            "path \"secret/*\" { capabilities = [\"read\"] }\npath \"secret/admin/*\" { capabilities = [\"deny\"] }",
            "VDP007"
        )
        .is_empty());
    }

    #[test]
    fn vdp008_list_semantics() {
        assert_eq!(
            one(
                r#"path "secret/metadata/app" { capabilities = ["list"] }"#,
                "VDP008"
            ),
            [(1, Severity::Info)]
        );
        assert!(one(
            r#"path "secret/metadata/app/" { capabilities = ["list"] }"#,
            "VDP008"
        )
        .is_empty());
        assert!(one(
            r#"path "secret/metadata/app/*" { capabilities = ["list"] }"#,
            "VDP008"
        )
        .is_empty());
        assert_eq!(
            ids(
                &[(
                    "p",
                    r#"path "secret/data/app/*" { capabilities = ["list"] }"#
                )],
                &[("secret", 2)],
                "VDP008"
            ),
            [(1, Severity::Warning)]
        );
    }

    #[test]
    fn vdp009_literal_wildcards() {
        assert_eq!(
            one(
                r#"path "secret/*/config" { capabilities = ["read"] }"#,
                "VDP009"
            ),
            [(1, Severity::Warning)]
        );
        assert_eq!(
            one(
                r#"path "secret/app+/x" { capabilities = ["read"] }"#,
                "VDP009"
            ),
            [(1, Severity::Warning)]
        );
        assert!(one(
            r#"path "secret/+/config*" { capabilities = ["read"] }"#,
            "VDP009"
        )
        .is_empty());
    }

    #[test]
    fn vdp010_templated() {
        assert_eq!(
            one(
                r#"path "secret/data/{{identity.entity.name}}/*" { capabilities = ["read"] }"#,
                "VDP010"
            ),
            [(1, Severity::Info)]
        );
        assert!(one(
            r#"path "secret/data/team/*" { capabilities = ["read"] }"#,
            "VDP010"
        )
        .is_empty());
    }

    #[test]
    fn vdp011_no_capabilities() {
        assert_eq!(
            one(r#"path "secret/*" { capabilities = [] }"#, "VDP011"),
            [(1, Severity::Warning)]
        );
        assert!(one(r#"path "secret/*" { capabilities = ["deny"] }"#, "VDP011").is_empty());
    }

    #[test]
    fn catch_all_shapes() {
        let scope = |p: &str| {
            catch_all_scope(&Pattern::new(p)).map(|s| match s {
                Scope::Everything => "all".to_owned(),
                Scope::Mount(m) => m,
            })
        };
        assert_eq!(scope("*").as_deref(), Some("all"));
        assert_eq!(scope("+/*").as_deref(), Some("all"));
        assert_eq!(scope("+/+/*").as_deref(), Some("all"));
        assert_eq!(scope("secret/*").as_deref(), Some("secret/"));
        assert_eq!(scope("/sys/*").as_deref(), Some("sys/"));
        assert_eq!(scope("secret/data/*"), None);
        assert_eq!(scope("secret*"), None);
        assert_eq!(scope("secret/x"), None);
    }
}
