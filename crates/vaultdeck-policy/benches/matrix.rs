//! The capability matrix of 1,000 policies × 10,000 paths (target: < 1 s on one core).
//!
//! `matrix_1000x10000` computes every cell: what each policy alone grants on each path
//! (10,000,000 answers, the heatmap of the Policies screen). `combined_10000` answers the
//! 10,000 paths for a token holding all 1,000 policies. `compile_1000` and `parse_1000` are
//! the one-off costs before either.
//!
//! Run: `cargo bench -p vaultdeck-policy --bench matrix -- --warm-up-time 1
//! --measurement-time 5 --sample-size 10`

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use vaultdeck_policy::{Policy, PolicySet};

const POLICIES: usize = 1_000;
const PATHS: usize = 10_000;

/// Realistic team policies: KV v2 data/metadata per team, a shared `+` area, denies, token
/// self-service, transit and PKI roles, a few globs over whole mounts.
fn policy_texts() -> Vec<(String, String)> {
    (0..POLICIES)
        .map(|i| {
            let mut t = String::new();
            let mut rule = |pattern: String, caps: &str| {
                let _ = writeln!(t, "path \"{pattern}\" {{\n  capabilities = [{caps}]\n}}");
            };
            rule(
                format!("secret/data/team{i}/*"),
                r#""create", "read", "update""#,
            );
            rule(
                format!("secret/metadata/team{i}/*"),
                r#""list", "read", "delete""#,
            );
            rule(format!("secret/data/team{i}/admin"), r#""deny""#);
            rule("secret/data/shared/+/config".into(), r#""read""#);
            rule(format!("secret/data/+/team{i}-*"), r#""read""#);
            rule("auth/token/lookup-self".into(), r#""read""#);
            rule(format!("transit/encrypt/team{i}"), r#""update""#);
            rule(format!("transit/decrypt/team{}", i % 100), r#""update""#);
            rule(format!("kv1/team{}/*", i % 50), r#""read", "list""#);
            if i % 10 == 0 {
                rule("pki/issue/+".into(), r#""update""#);
                rule("sys/*".into(), r#""deny""#);
            }
            if i % 25 == 0 {
                rule("secret/*".into(), r#""list""#);
            }
            (format!("team{i}"), t)
        })
        .collect()
}

fn paths() -> Vec<String> {
    (0..PATHS)
        .map(|j| {
            let team = (j * 7919) % (POLICIES + 200); // some teams have no policy
            match j % 10 {
                0..=2 => format!("secret/data/team{team}/app{}", j % 37),
                3 => format!("secret/metadata/team{team}/"),
                4 => format!("secret/data/team{team}/admin"),
                5 => format!("secret/data/shared/svc{}/config", j % 91),
                6 => format!("secret/data/x{}/team{team}-db", j % 13),
                7 => format!("transit/encrypt/team{team}"),
                8 => format!("kv1/team{}/k{}", team % 60, j % 5),
                _ => [
                    "sys/mounts",
                    "auth/token/lookup-self",
                    "pki/issue/web",
                    "secret/",
                ][j % 4]
                    .to_owned(),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let texts = policy_texts();
    let policies: Vec<Policy> = texts
        .iter()
        .map(|(n, t)| Policy::parse(n, t).unwrap())
        .collect();
    let rules: usize = policies.iter().map(|p| p.rules.len()).sum();
    let set = PolicySet::new(policies.clone());
    let paths = paths();
    let m = set.matrix(&paths);
    let granted = (0..paths.len())
        .map(|r| {
            m.row(r)
                .iter()
                .filter(|c| !c.is_empty() && !c.is_deny())
                .count()
        })
        .sum::<usize>();
    eprintln!(
        "matrix bench: {POLICIES} policies ({rules} rules) x {PATHS} paths = {} cells, {granted} granting",
        POLICIES * PATHS
    );

    c.bench_function("matrix_1000x10000", |b| {
        b.iter(|| black_box(set.matrix(black_box(&paths))))
    });
    c.bench_function("combined_10000", |b| {
        b.iter(|| {
            paths
                .iter()
                .map(|p| set.access(black_box(p)))
                .filter(|a| !a.is_denied())
                .count()
        })
    });
    c.bench_function("compile_1000", |b| {
        b.iter(|| black_box(PolicySet::new(black_box(policies.clone()))))
    });
    c.bench_function("parse_1000", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|(n, t)| Policy::parse(n, t).unwrap().rules.len())
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
