//! Randomized properties (no server): line numbers survive any layout, the per-policy matrix
//! equals single-policy sets, provenance agrees with the fast path, and a rule the linter calls
//! dead never decides a path. `VAULTDECK_POLICY_SEED` replays a run.

use std::fmt::Write as _;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use vaultdeck_policy::{lint, LintOptions, Policy, PolicySet};

const SEGMENTS: &[&str] = &["a", "b", "ab", "c", ""];
const CAPS: &[&str] = &["read", "list", "update", "deny", "sudo"];

fn seed() -> u64 {
    std::env::var("VAULTDECK_POLICY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random())
}

fn pattern(rng: &mut StdRng) -> String {
    loop {
        let n = rng.random_range(1..=3);
        let mut segs: Vec<String> = (0..n)
            .map(|_| {
                if rng.random_bool(0.3) {
                    "+".into()
                } else {
                    (*SEGMENTS.choose(rng).unwrap()).into()
                }
            })
            .collect();
        if segs.iter().all(|s| s.is_empty()) {
            segs[0] = "a".into();
        }
        let mut p = segs.join("/");
        match rng.random_range(0..3) {
            0 => p.push('*'),
            1 => p.push_str("/*"),
            _ => {}
        }
        if !p.contains("+*") {
            return p;
        }
    }
}

fn path(rng: &mut StdRng) -> String {
    let n = rng.random_range(1..=5);
    let mut p: Vec<&str> = (0..n).map(|_| *SEGMENTS.choose(rng).unwrap()).collect();
    if p.iter().all(|s| s.is_empty()) {
        p[0] = "a";
    }
    p.join("/")
}

/// A random policy text with random blank lines, comments and layouts; returns the text and
/// the expected (pattern, line) of each rule.
fn policy_text(rng: &mut StdRng) -> (String, Vec<(String, usize)>) {
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut line = 1;
    for _ in 0..rng.random_range(1..=6) {
        for _ in 0..rng.random_range(0..3) {
            let filler = *[
                "",
                "# path \"fake\" { capabilities = [\"read\"] }",
                "// comment",
                "/* path \"x\" {} */",
            ]
            .choose(rng)
            .unwrap();
            let _ = writeln!(text, "{filler}");
            line += 1;
        }
        let p = pattern(rng);
        let caps = format!("\"{}\"", CAPS.choose(rng).unwrap());
        if rng.random_bool(0.5) {
            let _ = writeln!(text, "path \"{p}\" {{ capabilities = [{caps}] }}");
            expected.push((p, line));
            line += 1;
        } else {
            let _ = writeln!(
                text,
                "path \"{p}\" {{\n  # inside\n  capabilities = [\n    {caps},\n  ]\n}}"
            );
            expected.push((p, line));
            line += 6;
        }
    }
    (text, expected)
}

#[test]
fn properties_hold_on_random_policy_sets() {
    let seed = seed();
    println!("properties: seed {seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut dead_total = 0;
    for case in 0..300 {
        let mut policies = Vec::new();
        for i in 0..rng.random_range(1..=3) {
            let (text, expected) = policy_text(&mut rng);
            let p = Policy::parse(&format!("p{i}"), &text)
                .unwrap_or_else(|e| panic!("seed {seed} case {case}: {e}\n{text}"));
            let got: Vec<(String, usize)> = p
                .rules
                .iter()
                .map(|r| (r.pattern.clone(), r.line))
                .collect();
            assert_eq!(
                got, expected,
                "seed {seed} case {case}: line numbers\n{text}"
            );
            policies.push(p);
        }
        let set = PolicySet::new(policies.clone());
        let paths: Vec<String> = (0..200).map(|_| path(&mut rng)).collect();

        // Provenance agrees with the fast path.
        for p in &paths {
            let d = set.evaluate(p);
            assert_eq!(d.access, set.access(p), "seed {seed} case {case} path {p}");
        }

        // The matrix equals one single-policy set per column.
        let m = set.matrix(&paths);
        for (pi, policy) in policies.iter().enumerate() {
            let single = PolicySet::new(vec![policy.clone()]);
            for (ri, p) in paths.iter().enumerate() {
                assert_eq!(
                    m.get(ri, pi),
                    single.access(p),
                    "seed {seed} case {case} {p}"
                );
            }
        }

        // A dead (or never-applying deny) rule decides nothing.
        let findings = lint(&policies, &LintOptions::default());
        let dead: Vec<(&str, usize)> = findings
            .iter()
            .filter(|f| {
                f.id == "VDP003" || (f.id == "VDP007" && f.message.contains("never applies"))
            })
            .map(|f| (f.policy.as_str(), f.line))
            .collect();
        dead_total += dead.len();
        for p in &paths {
            for r in set.evaluate(p).decided_by {
                assert!(
                    !dead.contains(&(r.policy.as_str(), r.line)),
                    "seed {seed} case {case}: `{}` ({} line {}) called dead but decides {p}",
                    r.pattern,
                    r.policy,
                    r.line
                );
            }
        }
    }
    // The property is not vacuous: random sets do contain dead rules.
    assert!(
        dead_total > 0,
        "seed {seed}: no dead rule in 300 random sets"
    );
    println!("properties: {dead_total} dead rules checked");
}
