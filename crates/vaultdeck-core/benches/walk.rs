//! Recursive walk against a real OpenBao dev server seeded with 10,000 KV v2 secrets in a
//! 10×10×10×10 tree (`secret/bench/aI/bJ/cK/kL`: 1,111 folders), comparing Vaultdeck's core
//! walk with bare references in the same run:
//!
//! - `bare LIST`: plain reqwest, one `LIST` per folder, the same concurrency (16), no index;
//! - `bare SCAN`: one plain reqwest `SCAN`;
//! - core walk with the root token (SCAN allowed → one SCAN), core walk forced to LIST, and
//!   core walk with a token that may not SCAN and is denied 100 of the 1,111 folders (every
//!   `cK=c0` folder, ~10 %), against a bare LIST walk with that token.
//!
//! Each case runs `ROUNDS` times, interleaved (so load from other processes hits all cases
//! alike); medians are printed with the ratios core / bare (target ≤ 1.2).
//!
//! Run: `cargo bench -p vaultdeck-core --bench walk` (env `WALK_ROUNDS` to change rounds).

use std::collections::VecDeque;
use std::hint::black_box;
use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use vaultdeck_core::connection::VaultConnection;
use vaultdeck_core::search::SearchIndex;
use vaultdeck_core::walk::{self, WalkMethod, WalkOptions};
use vaultdeck_core::Connection;
use vaultdeck_vault::{TokenRequest, VaultClient, VaultConfig};

const FAN: usize = 10;
const CONCURRENCY: usize = 16;

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that is not ours means "not me".
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with("--") && a != "walk")
    {
        return;
    }
    let rounds: usize = std::env::var("WALK_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
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
    let t = Instant::now();
    seed(&root).await;
    println!(
        "seeded {} secrets in {:.1} s",
        FAN.pow(4),
        t.elapsed().as_secs_f64()
    );
    let limited_token = limited_token(&root).await;

    let http = reqwest::Client::builder().build().unwrap();
    let root_token = bao.root_token.clone();
    let root_conn = Connection::Vault(VaultConnection::from_client(root.clone()));
    let limited_conn = Connection::Vault(VaultConnection::from_client(
        VaultClient::new(VaultConfig::new(&bao.addr))
            .unwrap()
            .with_token(limited_token.clone()),
    ));
    let scan_opts = WalkOptions::default();
    let list_opts = WalkOptions {
        try_scan: false,
        ..WalkOptions::default()
    };

    let mut times: Vec<(&str, Vec<Duration>)> = [
        "bare LIST (root)",
        "core walk LIST (root, SCAN off)",
        "bare SCAN (root)",
        "core walk (root: SCAN)",
        "bare LIST (limited, 100 denied)",
        "core walk (limited: SCAN refused -> LIST)",
        "core walk + search index (root: SCAN)",
    ]
    .into_iter()
    .map(|n| (n, Vec::new()))
    .collect();

    // One warm-up round (connections, mount detection), then the measured rounds.
    for round in 0..=rounds {
        let mut results: Vec<(usize, Duration)> = Vec::new();

        let t = Instant::now();
        let (n, denied) = bare_list(&http, &bao.addr, &root_token).await;
        results.push((n, t.elapsed()));
        assert_eq!((n, denied), (10_000, 0));

        let t = Instant::now();
        let n = core_walk(&root_conn, &list_opts, WalkMethod::List).await;
        results.push((n, t.elapsed()));

        let t = Instant::now();
        let n = bare_scan(&http, &bao.addr, &root_token).await;
        results.push((n, t.elapsed()));

        let t = Instant::now();
        let n = core_walk(&root_conn, &scan_opts, WalkMethod::Scan).await;
        results.push((n, t.elapsed()));

        let t = Instant::now();
        let (n, denied) = bare_list(&http, &bao.addr, &limited_token).await;
        results.push((n, t.elapsed()));
        assert_eq!((n, denied), (9_000, 100));

        let t = Instant::now();
        let n = core_walk(&limited_conn, &scan_opts, WalkMethod::List).await;
        results.push((n, t.elapsed()));

        let t = Instant::now();
        let mut index = SearchIndex::new();
        let cancel = CancellationToken::new();
        walk::walk(&root_conn, "secret/bench", &scan_opts, &cancel, |b| {
            index.extend(b.keys)
        })
        .await
        .unwrap();
        results.push((index.len(), t.elapsed()));

        assert_eq!(results[1].0, 10_000);
        assert_eq!(results[2].0, 10_000);
        assert_eq!(results[3].0, 10_000);
        assert_eq!(results[5].0, 9_000);
        if round > 0 {
            for (i, (_, d)) in results.into_iter().enumerate() {
                times[i].1.push(d);
            }
        }
    }

    let median = |v: &Vec<Duration>| {
        let mut v = v.clone();
        v.sort();
        v[v.len() / 2]
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("\nwalk of 10,000 secrets / 1,111 folders, concurrency {CONCURRENCY}, {rounds} rounds (median, min..max ms)");
    for (name, v) in &times {
        let (lo, hi) = (v.iter().min().unwrap(), v.iter().max().unwrap());
        println!(
            "  {name:<44} {:>8.1} ms   ({:.1}..{:.1})",
            ms(median(v)),
            ms(*lo),
            ms(*hi)
        );
    }
    let ratio = |a: usize, b: usize| ms(median(&times[a].1)) / ms(median(&times[b].1));
    println!("\nratios (target <= 1.2):");
    println!(
        "  core LIST walk / bare LIST walk (root)      {:.2}",
        ratio(1, 0)
    );
    println!(
        "  core walk (SCAN) / bare SCAN (root)         {:.2}",
        ratio(3, 2)
    );
    println!(
        "  core walk / bare LIST walk (limited token)  {:.2}",
        ratio(5, 4)
    );
    println!(
        "  core walk + index / bare SCAN (root)        {:.2}",
        ratio(6, 2)
    );
}

async fn core_walk(conn: &Connection, opts: &WalkOptions, method: WalkMethod) -> usize {
    let cancel = CancellationToken::new();
    let mut keys: Vec<String> = Vec::new();
    let report = walk::walk(conn, "secret/bench", opts, &cancel, |b| keys.extend(b.keys))
        .await
        .unwrap();
    assert_eq!(report.method, method);
    black_box(&keys);
    keys.len()
}

/// The reference LIST walk: plain reqwest, the same bounded concurrency, no index, no
/// progress. Returns (keys, denied folders).
async fn bare_list(http: &reqwest::Client, addr: &str, token: &SecretString) -> (usize, usize) {
    let list = Method::from_bytes(b"LIST").unwrap();
    let mut keys: Vec<String> = Vec::new();
    let mut denied = 0;
    let mut queue: VecDeque<String> = VecDeque::from(["bench/".to_owned()]);
    let mut in_flight = FuturesUnordered::new();
    loop {
        while in_flight.len() < CONCURRENCY {
            let Some(folder) = queue.pop_front() else {
                break;
            };
            let req = http
                .request(list.clone(), format!("{addr}/v1/secret/metadata/{folder}"))
                .header("X-Vault-Token", token.expose_secret());
            in_flight.push(async move {
                let resp = req.send().await.unwrap();
                let status = resp.status().as_u16();
                let body: Value = resp.json().await.unwrap_or(Value::Null);
                (folder, status, body)
            });
        }
        let Some((folder, status, body)) = in_flight.next().await else {
            break;
        };
        match status {
            200 => {
                for k in body["data"]["keys"].as_array().unwrap() {
                    let k = k.as_str().unwrap();
                    if k.ends_with('/') {
                        queue.push_back(format!("{folder}{k}"));
                    } else {
                        keys.push(format!("secret/{folder}{k}"));
                    }
                }
            }
            403 => denied += 1,
            404 => {}
            s => panic!("LIST {folder}: HTTP {s}"),
        }
    }
    black_box(&keys);
    (keys.len(), denied)
}

/// The reference SCAN: one plain reqwest request.
async fn bare_scan(http: &reqwest::Client, addr: &str, token: &SecretString) -> usize {
    let resp = http
        .request(
            Method::from_bytes(b"SCAN").unwrap(),
            format!("{addr}/v1/secret/metadata/bench/"),
        )
        .header("X-Vault-Token", token.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = resp.json().await.unwrap();
    let keys: Vec<String> = body["data"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| format!("secret/bench/{}", k.as_str().unwrap()))
        .collect();
    black_box(&keys);
    keys.len()
}

async fn seed(root: &VaultClient) {
    let mut paths = Vec::with_capacity(FAN.pow(4));
    for a in 0..FAN {
        for b in 0..FAN {
            for c in 0..FAN {
                for k in 0..FAN {
                    paths.push(format!("secret/data/bench/a{a}/b{b}/c{c}/k{k}"));
                }
            }
        }
    }
    let body = json!({"data": {"value": "x"}});
    let mut writes = futures::stream::iter(paths.iter().map(|p| {
        let body = &body;
        async move { root.write(p, body).await.unwrap() }
    }))
    .buffer_unordered(CONCURRENCY);
    while writes.next().await.is_some() {}
}

/// A token that may list and read metadata but not SCAN, denied on every `c0` folder.
async fn limited_token(root: &VaultClient) -> SecretString {
    // The deny rule's first wildcard comes later than the allow rule's, so it wins where it
    // matches (ACL rules do not add up; the most specific one applies).
    root.write(
        "sys/policies/acl/bench-limited",
        &json!({"policy": r#"
path "secret/metadata/*" { capabilities = ["list", "read"] }
path "secret/metadata/bench/+/+/c0/*" { capabilities = ["deny"] }
"#}),
    )
    .await
    .unwrap();
    root.create_token(&TokenRequest {
        policies: vec!["bench-limited".into()],
        ..TokenRequest::default()
    })
    .await
    .unwrap()
    .client_token
}
