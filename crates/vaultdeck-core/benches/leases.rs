//! Lease inventory against a real OpenBao dev server holding 10,000 token leases
//! (`auth/token/create/<id>`, TTLs spread from 1 h to ~7 d), listed, looked up and sorted by
//! expiry, comparing Vaultdeck's core with a bare reference in the same run:
//!
//! - `core inventory`: what the Leases screen runs — [`leases::inventory`] from `""` (the
//!   prefix walk plus one lookup per lease, default options: 16 requests in flight, batches
//!   to a callback), then [`leases::dashboard`] and a sort by expiry
//!   ([`leases::seconds_left`]);
//! - `bare sequential`: plain reqwest, one request at a time: `LIST sys/leases/lookup/<p>`
//!   for every prefix level, then `PUT sys/leases/lookup` per lease, then a sort by the parsed
//!   `expire_time`.
//!
//! Both must find every seeded lease (the run panics otherwise). Each case runs `ROUNDS`
//! times, interleaved, after one warm-up round; medians are printed with the ratio and the
//! issue's target (core < 2 s end to end).
//!
//! Run: `cargo bench -p vaultdeck-core --bench leases` (env `LEASES_ROUNDS` to change rounds).

use std::collections::{HashSet, VecDeque};
use std::hint::black_box;
use std::time::{Duration, Instant};

use futures::stream::StreamExt;
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use tokio_util::sync::CancellationToken;
use vaultdeck_core::connection::VaultConnection;
use vaultdeck_core::leases::{self, InventoryOptions, LeaseEntry, OffsetDateTime};
use vaultdeck_core::Connection;
use vaultdeck_vault::{TokenRequest, VaultClient};

const LEASES: usize = 10_000;
const SEED_CONCURRENCY: usize = 32;
const TARGET: Duration = Duration::from_secs(2);

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that is not ours means "not me".
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with("--") && a != "leases")
    {
        return;
    }
    let rounds: usize = std::env::var("LEASES_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .max(1);
    let bao = vaultdeck_testkit::openbao_dev();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(&bao, rounds));
}

async fn run(bao: &vaultdeck_vault::dev::DevServer, rounds: usize) {
    let root = bao.client().unwrap();
    let http = reqwest::Client::builder().build().unwrap();
    let token = bao.root_token.clone();

    // Leases that exist before seeding (a fresh dev server's root token has none).
    let baseline = bare_sequential(&http, &bao.addr, &token).await.len();
    let t = Instant::now();
    seed(&root).await;
    println!(
        "seeded {LEASES} token leases in {:.1} s ({SEED_CONCURRENCY} in flight)",
        t.elapsed().as_secs_f64()
    );
    let expected = baseline + LEASES;

    let conn = Connection::Vault(VaultConnection::from_client(root.clone()));
    let opts = InventoryOptions::default();
    let mut times: Vec<(&str, Vec<Duration>)> = [
        "bare sequential (LIST + PUT lookup, 1 at a time)",
        "core inventory + dashboard + sort",
    ]
    .into_iter()
    .map(|n| (n, Vec::new()))
    .collect();
    let mut found = [0usize; 2];

    for round in 0..=rounds {
        let t = Instant::now();
        let bare = bare_sequential(&http, &bao.addr, &token).await;
        let bare_time = t.elapsed();

        let t = Instant::now();
        let core = core_inventory(&conn, &opts).await;
        let core_time = t.elapsed();

        // Both found every lease, the same ones, and both orders are by expiry.
        assert_eq!(bare.len(), expected, "bare reference missed leases");
        assert_eq!(core.len(), expected, "core inventory missed leases");
        let seeded = |ids: &mut dyn Iterator<Item = &String>| {
            ids.filter(|id| id.starts_with("auth/token/create/"))
                .count()
        };
        assert!(seeded(&mut bare.iter().map(|(id, _)| id)) >= LEASES);
        assert!(seeded(&mut core.iter().map(|l| &l.id)) >= LEASES);
        let bare_ids: HashSet<&str> = bare.iter().map(|(id, _)| id.as_str()).collect();
        assert!(core.iter().all(|l| bare_ids.contains(l.id.as_str())));
        assert!(bare.windows(2).all(|w| w[0].1 <= w[1].1));
        let now = OffsetDateTime::now_utc();
        let left: Vec<i64> = core
            .iter()
            .map(|l| leases::seconds_left(l, now).unwrap_or(i64::MAX))
            .collect();
        assert!(left.windows(2).all(|w| w[0] <= w[1]), "core not by expiry");
        black_box((&bare, &core));

        found = [bare.len(), core.len()];
        if round > 0 {
            times[0].1.push(bare_time);
            times[1].1.push(core_time);
        }
    }

    let median = |v: &Vec<Duration>| {
        let mut v = v.clone();
        v.sort();
        v[v.len() / 2]
    };
    let s = |d: Duration| d.as_secs_f64();
    println!(
        "\nlease inventory of {expected} leases (listed, looked up, sorted by expiry), \
         {rounds} rounds after 1 warm-up (median, min..max s)"
    );
    for ((name, v), n) in times.iter().zip(found) {
        let (lo, hi) = (v.iter().min().unwrap(), v.iter().max().unwrap());
        println!(
            "  {name:<50} {n:>6} leases {:>7.2} s   ({:.2}..{:.2})",
            s(median(v)),
            s(*lo),
            s(*hi)
        );
    }
    let (bare, core) = (median(&times[0].1), median(&times[1].1));
    println!(
        "\n  speed-up bare / core                                          {:.2}x",
        s(bare) / s(core)
    );
    println!(
        "  core / bare                                                   {:.2}",
        s(core) / s(bare)
    );
    println!(
        "  target: core < {:.0} s end to end                              {}",
        s(TARGET),
        if core < TARGET { "met" } else { "NOT met" }
    );
}

/// The app's path: the inventory with default options collecting batches, the dashboard,
/// then the rows sorted by expiry (no expiry last).
async fn core_inventory(conn: &Connection, opts: &InventoryOptions) -> Vec<LeaseEntry> {
    let cancel = CancellationToken::new();
    let mut all: Vec<LeaseEntry> = Vec::new();
    let report = leases::inventory(conn, "", opts, &cancel, |b| all.extend(b.leases))
        .await
        .unwrap();
    assert!(!report.cancelled);
    assert_eq!(report.progress.vanished, 0);
    let now = OffsetDateTime::now_utc();
    black_box(leases::dashboard(&all, now, None));
    all.sort_by_cached_key(|l| leases::seconds_left(l, now).unwrap_or(i64::MAX));
    all
}

/// The reference: plain reqwest, strictly sequential. LIST every prefix level breadth-first,
/// then look every lease up one after another, then sort by the parsed expiry (no expiry
/// last). Returns `(lease id, expiry in ns since the epoch)`.
async fn bare_sequential(
    http: &reqwest::Client,
    addr: &str,
    token: &SecretString,
) -> Vec<(String, i128)> {
    let list = Method::from_bytes(b"LIST").unwrap();
    let mut ids: Vec<String> = Vec::new();
    let mut queue: VecDeque<String> = VecDeque::from([String::new()]);
    while let Some(prefix) = queue.pop_front() {
        let resp = http
            .request(
                list.clone(),
                format!("{addr}/v1/sys/leases/lookup/{prefix}"),
            )
            .header("X-Vault-Token", token.expose_secret())
            .send()
            .await
            .unwrap();
        match resp.status().as_u16() {
            200 => {}
            404 => continue,
            s => panic!("LIST sys/leases/lookup/{prefix}: HTTP {s}"),
        }
        let body: Value = resp.json().await.unwrap();
        for k in body["data"]["keys"].as_array().unwrap() {
            let k = k.as_str().unwrap();
            if k.ends_with('/') {
                queue.push_back(format!("{prefix}{k}"));
            } else {
                ids.push(format!("{prefix}{k}"));
            }
        }
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let resp = http
            .put(format!("{addr}/v1/sys/leases/lookup"))
            .header("X-Vault-Token", token.expose_secret())
            .json(&json!({ "lease_id": id }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "lookup {id}");
        let body: Value = resp.json().await.unwrap();
        let expiry = body["data"]["expire_time"]
            .as_str()
            .map(|e| {
                OffsetDateTime::parse(e, &Rfc3339)
                    .unwrap()
                    .unix_timestamp_nanos()
            })
            .unwrap_or(i128::MAX);
        out.push((id, expiry));
    }
    out.sort_by_key(|(_, e)| *e);
    out
}

/// 10,000 child tokens of root with the `default` policy, TTLs spread over 1 h .. ~7 d so the
/// expiry order differs from creation order; `SEED_CONCURRENCY` creations in flight.
async fn seed(root: &VaultClient) {
    let mut creates = futures::stream::iter((0..LEASES).map(|i| async move {
        let minutes = (i * 7919 % LEASES) as u64;
        root.create_token(&TokenRequest {
            policies: vec!["default".into()],
            ttl: Some(Duration::from_secs(3600 + minutes * 60)),
            ..TokenRequest::default()
        })
        .await
        .unwrap();
    }))
    .buffer_unordered(SEED_CONCURRENCY);
    while creates.next().await.is_some() {}
}
