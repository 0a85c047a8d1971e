//! Search-as-you-type over 100,000 indexed secret paths (target: < 16 ms per keystroke, one
//! frame).
//!
//! - `keystroke_full_scan`: one keystroke that cannot reuse the previous results (the first
//!   letter, a backspace, a changed filter): every path is scored. The worst case.
//! - `typing_payments_prod_db`: the 16 keystrokes of typing `payments prod db`, one per
//!   iteration step, each narrowing the previous matches (what the search box does); reported
//!   per whole sequence, so divide by 16 for a keystroke.
//! - `keystroke_broad_full_scan`: a full-scan keystroke whose text matches nearly every path
//!   (`s`, `e`): the most expensive single keystroke.
//! - `prefix_filter` / `glob_typing`: keystrokes with a prefix or glob filter set (the filter
//!   is evaluated once and kept while only the text changes).
//! - `glob_change`: a keystroke in the glob field (every path is matched against the glob).
//!
//! Before criterion runs, the per-keystroke times of typing `payments prod db` are printed
//! (median of 21 runs), so the slowest single keystroke is visible.
//! - `index_100k`: building the index (what the walk's batches feed).
//!
//! Run: `cargo bench -p vaultdeck-core --bench search`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use vaultdeck_core::search::{SearchIndex, SearchQuery};

const PATHS: usize = 100_000;

/// 100,000 realistic paths: mounts, teams, services, environments, components, keys.
fn paths() -> Vec<String> {
    let mounts = ["secret", "kv", "apps", "infra"];
    let teams = [
        "payments", "identity", "search", "platform", "data", "billing", "growth", "mobile",
        "security", "ops",
    ];
    let envs = ["prod", "staging", "dev", "qa"];
    let parts = [
        "db",
        "api",
        "cache",
        "queue",
        "tls",
        "oauth",
        "smtp",
        "s3",
        "kafka",
        "ldap",
        "redis",
        "vault-agent",
    ];
    let mut out = Vec::with_capacity(PATHS);
    let mut i = 0usize;
    while out.len() < PATHS {
        let m = mounts[i % mounts.len()];
        let t = teams[(i / 4) % teams.len()];
        let svc = (i / 40) % 50;
        let e = envs[(i / 7) % envs.len()];
        let p = parts[(i / 3) % parts.len()];
        out.push(format!("{m}/{t}/svc-{svc}/{e}/{p}/credential-{i}"));
        i += 1;
    }
    out
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        limit: 50,
        ..SearchQuery::default()
    }
}

fn bench(c: &mut Criterion) {
    let all = paths();
    let mut index = SearchIndex::new();
    index.extend(all.iter().cloned());
    assert_eq!(index.len(), PATHS);
    print_keystrokes(&mut index, "payments prod db");
    let mut g = c.benchmark_group("search_100k");

    // Alternate two unrelated one-word queries so neither can reuse the other's matches.
    let mut flip = false;
    g.bench_function("keystroke_full_scan", |b| {
        b.iter(|| {
            flip = !flip;
            let r = index
                .search(&q(if flip { "paydb" } else { "idntls" }))
                .unwrap();
            black_box(r.total_matches)
        })
    });

    let mut broad = false;
    g.bench_function("keystroke_broad_full_scan", |b| {
        b.iter(|| {
            broad = !broad;
            let r = index.search(&q(if broad { "s" } else { "e" })).unwrap();
            black_box(r.total_matches)
        })
    });

    let typed = "payments prod db";
    let steps: Vec<&str> = (1..=typed.len()).map(|n| &typed[..n]).collect();
    g.bench_function("typing_payments_prod_db", |b| {
        b.iter(|| {
            let mut last = 0;
            for s in &steps {
                last = index.search(&q(s)).unwrap().total_matches;
            }
            black_box(last)
        })
    });

    let mut flip = false;
    g.bench_function("prefix_filter", |b| {
        b.iter(|| {
            flip = !flip;
            let query = SearchQuery {
                text: if flip { "db".into() } else { "tls".into() },
                prefix: Some("secret/payments/".into()),
                limit: 50,
                ..SearchQuery::default()
            };
            black_box(index.search(&query).unwrap().total_matches)
        })
    });

    let mut flip = false;
    g.bench_function("glob_typing", |b| {
        b.iter(|| {
            flip = !flip;
            let query = SearchQuery {
                text: if flip { "cred".into() } else { "svc".into() },
                glob: Some("*/*/*/prod/**".into()),
                limit: 50,
                ..SearchQuery::default()
            };
            black_box(index.search(&query).unwrap().total_matches)
        })
    });

    let mut flip = false;
    g.bench_function("glob_change", |b| {
        b.iter(|| {
            flip = !flip;
            let query = SearchQuery {
                text: "cred".into(),
                glob: Some(
                    if flip {
                        "*/*/*/prod/**"
                    } else {
                        "*/*/*/dev/**"
                    }
                    .into(),
                ),
                limit: 50,
                ..SearchQuery::default()
            };
            black_box(index.search(&query).unwrap().total_matches)
        })
    });
    g.sample_size(10);
    g.bench_function("index_100k", |b| {
        b.iter(|| {
            let mut ix = SearchIndex::new();
            ix.extend(all.iter().cloned());
            black_box(ix.len())
        })
    });
    g.finish();
}

/// Prints the median time of each keystroke of typing `typed` (21 runs).
fn print_keystrokes(index: &mut SearchIndex, typed: &str) {
    let mut per_step: Vec<Vec<f64>> = vec![Vec::new(); typed.len()];
    for _ in 0..21 {
        // Start from an unrelated query so the first keystroke is a full scan.
        index.search(&q("zzzz")).unwrap();
        for (n, times) in per_step.iter_mut().enumerate() {
            let t = std::time::Instant::now();
            black_box(index.search(&q(&typed[..=n])).unwrap().total_matches);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    eprintln!("\nper keystroke, typing {typed:?} over {PATHS} paths (median of 21, ms):");
    for (n, times) in per_step.iter_mut().enumerate() {
        times.sort_by(f64::total_cmp);
        let matches = index.search(&q(&typed[..=n])).unwrap().total_matches;
        eprintln!(
            "  {:<18} {:>6.2} ms  {matches:>6} matches",
            format!("{:?}", &typed[..=n]),
            times[times.len() / 2]
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
