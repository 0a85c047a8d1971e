//! The acceptance test: the offline evaluator agrees with a real OpenBao's `sys/capabilities`.
//!
//! Random policy sets (exact paths, `*` globs cut anywhere, `+` segments, literal `*`/`+`
//! characters, overlapping patterns across policies, `deny`, empty capability lists,
//! duplicates within a policy, leading and trailing slashes) are written to an OpenBao dev
//! server; a token holding exactly those policies (`no_default_policy`) is created, and
//! `sys/capabilities` is asked for many paths at once. Every answer must equal
//! [`PolicySet::capabilities`]. Rejections are compared too: policies the generator makes
//! invalid on purpose must be refused by both.
//!
//! `VAULTDECK_POLICY_SEED=<u64>` replays a run (the seed is printed at the start and in any
//! failure); `VAULTDECK_POLICY_SETS=<n>` changes the number of sets (default 300 × 50 paths =
//! 15,000 probes; the acceptance bar is 10,000).

use std::fmt::Write as _;
use std::time::Instant;

use futures::stream::{self, StreamExt};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use serde_json::{json, Value};
use vaultdeck_policy::{Policy, PolicySet};
use vaultdeck_vault::VaultClient;

const PATHS_PER_SET: usize = 50;
const CONCURRENCY: usize = 4;

/// Segments drawn from a tiny alphabet so that patterns and paths overlap a lot.
const SEGMENTS: &[&str] = &["a", "b", "ab", "ba", "c", "x", "abc", ""];
const CAPS: &[&str] = &[
    "create", "read", "update", "patch", "delete", "list", "sudo", "scan",
];

struct Case {
    index: usize,
    policies: Vec<(String, String)>,
    paths: Vec<String>,
    /// Texts (with the policy name to use) that must be rejected by both sides.
    invalid: Vec<(String, String)>,
}

fn segment(rng: &mut StdRng) -> String {
    let s = *SEGMENTS.choose(rng).unwrap();
    match rng.random_range(0..40) {
        0 => format!("{s}*{s}"), // literal `*` in the middle
        1 => format!("+{s}x"),   // literal `+` inside a segment
        _ => s.to_owned(),
    }
}

fn plain_path(rng: &mut StdRng, max_segments: usize) -> String {
    let n = rng.random_range(1..=max_segments);
    let mut segs: Vec<String> = (0..n).map(|_| segment(rng)).collect();
    if segs.iter().all(|s| s.is_empty()) {
        segs[0] = "a".into();
    }
    segs.join("/")
}

fn pattern(rng: &mut StdRng) -> String {
    loop {
        let p = raw_pattern(rng);
        // `+*` is refused by the server; the invalid-policy checks cover it separately.
        if !p.contains("+*") {
            return p;
        }
    }
}

fn raw_pattern(rng: &mut StdRng) -> String {
    let mut p = match rng.random_range(0..10) {
        // exact
        0..=2 => plain_path(rng, 4),
        // prefix glob, cut anywhere (mid-segment, after a slash, or everything)
        3..=5 => {
            let base = plain_path(rng, 4);
            let cut = rng.random_range(0..=base.len());
            let cut = (0..=cut)
                .rev()
                .find(|&c| base.is_char_boundary(c))
                .unwrap_or(0);
            format!("{}*", &base[..cut])
        }
        // segment wildcards, maybe with a trailing glob
        _ => {
            let n = rng.random_range(1..=4);
            let mut segs: Vec<String> = (0..n)
                .map(|_| {
                    if rng.random_bool(0.4) {
                        "+".to_owned()
                    } else {
                        segment(rng)
                    }
                })
                .collect();
            if !segs.iter().any(|s| s == "+") {
                let i = rng.random_range(0..n);
                segs[i] = "+".into();
            }
            let mut p = segs.join("/");
            if rng.random_bool(0.35) && !p.ends_with('+') {
                p.push('*');
            } else if rng.random_bool(0.1) {
                p.push_str("/*");
            }
            p
        }
    };
    if rng.random_bool(0.08) {
        p.insert(0, '/');
    }
    if rng.random_bool(0.1) && !p.ends_with('*') {
        p.push('/');
    }
    p
}

fn capabilities(rng: &mut StdRng) -> String {
    let caps: Vec<&str> = match rng.random_range(0..20) {
        0..=2 => vec!["deny"],
        3 => vec![],
        4 => vec!["read", "deny"],
        _ => {
            let n = rng.random_range(1..=4);
            (0..n).map(|_| *CAPS.choose(rng).unwrap()).collect()
        }
    };
    let quoted: Vec<String> = caps.iter().map(|c| format!("\"{c}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// A path that the patterns of the set are likely to match.
fn probe_from(rng: &mut StdRng, pattern: &str) -> String {
    let mut out = String::new();
    for (i, seg) in pattern.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if seg == "+" {
            out.push_str(SEGMENTS.choose(rng).unwrap());
        } else if let Some(stem) = seg.strip_suffix('*') {
            out.push_str(stem);
            if rng.random_bool(0.6) {
                out.push_str(&plain_path(rng, 3));
            }
        } else {
            out.push_str(seg);
        }
    }
    match rng.random_range(0..6) {
        0 => out.push('/'),
        1 => out.insert(0, '/'),
        2 => {
            out.push('/');
            out.push_str(SEGMENTS.choose(rng).unwrap());
        }
        _ => {}
    }
    out
}

fn make_case(rng: &mut StdRng, index: usize) -> Case {
    if rng.random_range(0..60) == 0 {
        // The root policy alone.
        return Case {
            index,
            policies: vec![("root".into(), String::new())],
            paths: (0..PATHS_PER_SET).map(|_| plain_path(rng, 4)).collect(),
            invalid: Vec::new(),
        };
    }
    let n_policies = rng.random_range(1..=4);
    let mut shared: Vec<String> = Vec::new();
    let mut policies = Vec::new();
    for p in 0..n_policies {
        let n_rules = rng.random_range(1..=8);
        let as_json = rng.random_bool(0.1);
        let mut text = String::new();
        let mut json_rules: Vec<Value> = Vec::new();
        let mut own: Vec<String> = Vec::new();
        for _ in 0..n_rules {
            let pat = if !shared.is_empty() && rng.random_bool(0.3) {
                shared.choose(rng).unwrap().clone() // same pattern as another policy
            } else if !own.is_empty() && rng.random_bool(0.1) {
                own.choose(rng).unwrap().clone() // duplicate within the policy
            } else {
                pattern(rng)
            };
            own.push(pat.clone());
            // Old-style `policy = "..."` now and then, else a capability list.
            let body = match rng.random_range(0..25) {
                0 => format!(
                    "policy = \"{}\"",
                    ["deny", "read", "write", "sudo"].choose(rng).unwrap()
                ),
                _ => format!("capabilities = {}", capabilities(rng)),
            };
            if as_json {
                let (k, v) = body.split_once(" = ").unwrap();
                let v: Value = serde_json::from_str(v).unwrap();
                json_rules.push(json!({ pat.clone(): { k: v } }));
            } else {
                let _ = writeln!(text, "path \"{pat}\" {{\n  {body}\n}}");
            }
        }
        if as_json {
            // JSON policies: `path` as a list of single-rule objects keeps duplicates.
            text = serde_json::to_string_pretty(&json!({ "path": json_rules })).unwrap();
        }
        shared.extend(own);
        policies.push((format!("agr-{index}-{p}"), text));
    }
    let mut paths = Vec::with_capacity(PATHS_PER_SET);
    while paths.len() < PATHS_PER_SET {
        let path = if rng.random_bool(0.7) {
            let pat = shared.choose(rng).unwrap().clone();
            probe_from(rng, &pat)
        } else {
            let mut p = plain_path(rng, 5);
            if rng.random_bool(0.2) {
                p.push('/');
            }
            p
        };
        // `sys/capabilities` refuses an empty path; `paths` is a comma-separated list field.
        if !path.is_empty() && !path.contains(',') && !paths.contains(&path) {
            paths.push(path);
        }
    }
    let mut invalid = Vec::new();
    if rng.random_bool(0.2) {
        let bad = match rng.random_range(0..4) {
            0 => "path \"a/+*\" {\n  capabilities = [\"read\"]\n}\n".to_owned(),
            1 => "path \"a/b\" {\n  capabilities = [\"subscribe\"]\n}\n".to_owned(),
            2 => format!(
                "path \"{}+*\" {{\n  capabilities = [\"read\"]\n}}\n",
                plain_path(rng, 2)
            ),
            _ => "path \"a/{{x\" {\n  capabilities = [\"read\"]\n}\n".to_owned(),
        };
        invalid.push((format!("agr-bad-{index}"), bad));
    }
    Case {
        index,
        policies,
        paths,
        invalid,
    }
}

struct Outcome {
    probes: usize,
    mismatches: Vec<String>,
}

async fn run_case(client: &VaultClient, case: &Case, seed: u64) -> Result<Outcome, String> {
    for (name, text) in &case.invalid {
        let server = client
            .write(
                &format!("sys/policies/acl/{name}"),
                &json!({ "policy": text }),
            )
            .await;
        let local = Policy::parse(name, text);
        if server.is_ok() || local.is_ok() {
            return Err(format!(
                "seed {seed}, set {}: rejection mismatch for\n{text}\nserver: {:?}\nlocal: {:?}",
                case.index,
                server.map(|_| "accepted"),
                local.map(|_| "accepted")
            ));
        }
    }
    let mut local = Vec::new();
    for (name, text) in &case.policies {
        if name == "root" {
            local.push(Policy {
                name: "root".into(),
                rules: Vec::new(),
            });
            continue;
        }
        client
            .write(
                &format!("sys/policies/acl/{name}"),
                &json!({ "policy": text }),
            )
            .await
            .map_err(|e| format!("seed {seed}: writing policy {name}: {e}\n{text}"))?;
        local.push(
            Policy::parse(name, text)
                .map_err(|e| format!("seed {seed}: local parse of {name}: {e}\n{text}"))?,
        );
    }
    let names: Vec<&str> = case.policies.iter().map(|(n, _)| n.as_str()).collect();
    let created = client
        .write(
            "auth/token/create",
            &json!({ "policies": names, "no_default_policy": true, "ttl": "10m" }),
        )
        .await
        .map_err(|e| format!("seed {seed}: token create: {e}"))?
        .ok_or("token create: empty response")?;
    let token = created
        .pointer("/auth/client_token")
        .and_then(Value::as_str)
        .ok_or("token create: no client_token")?
        .to_owned();
    let answer = client
        .write(
            "sys/capabilities",
            &json!({ "token": token, "paths": case.paths }),
        )
        .await
        .map_err(|e| format!("seed {seed}: sys/capabilities: {e}"))?
        .ok_or("sys/capabilities: empty response")?;
    let data = answer
        .get("data")
        .and_then(Value::as_object)
        .ok_or("sys/capabilities: no data")?;
    let set = PolicySet::new(local);
    let mut mismatches = Vec::new();
    for path in &case.paths {
        let server: Vec<String> = data
            .get(path)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .ok_or_else(|| format!("seed {seed}: no answer for path {path:?} in {answer}"))?;
        let mine = set.capabilities(path);
        if server != mine {
            let mut msg = format!(
                "MISMATCH seed={seed} set={} path={path:?}\n  server: {server:?}\n  local:  {mine:?}\n  explanation: {:?}\n  policies:\n",
                case.index,
                set.evaluate(path)
            );
            for (name, text) in &case.policies {
                let _ = writeln!(msg, "  --- {name}\n{text}");
            }
            mismatches.push(msg);
        }
    }
    Ok(Outcome {
        probes: case.paths.len(),
        mismatches,
    })
}

#[test]
fn agrees_with_openbao_sys_capabilities() {
    let seed = std::env::var("VAULTDECK_POLICY_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| rand::rng().random::<u64>());
    let sets: usize = std::env::var("VAULTDECK_POLICY_SETS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(300);
    println!("agreement: seed {seed} (replay with VAULTDECK_POLICY_SEED={seed}), {sets} sets");
    let mut rng = StdRng::seed_from_u64(seed);
    let cases: Vec<Case> = (0..sets).map(|i| make_case(&mut rng, i)).collect();

    let server = vaultdeck_testkit::shared_openbao_dev();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let results: Vec<Result<Outcome, String>> = rt.block_on(async {
        let client = server.client().expect("client for the dev server");
        stream::iter(cases.iter())
            .map(|case| {
                let client = client.clone();
                async move { run_case(&client, case, seed).await }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await
    });
    let mut probes = 0;
    let mut failures = Vec::new();
    for r in results {
        match r {
            Ok(o) => {
                probes += o.probes;
                failures.extend(o.mismatches);
            }
            Err(e) => failures.push(e),
        }
    }
    println!(
        "agreement: {probes} probes over {sets} policy sets in {:.1?}, {} mismatches",
        started.elapsed(),
        failures.len()
    );
    if !failures.is_empty() {
        let shown: Vec<&String> = failures.iter().take(5).collect();
        panic!(
            "{} disagreement(s) with OpenBao (seed {seed}; replay with VAULTDECK_POLICY_SEED={seed}):\n{}",
            failures.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    assert!(
        sets < 200 || probes >= 10_000,
        "only {probes} probes (seed {seed})"
    );
}
