//! Recursive walks against a real OpenBao: SCAN when allowed, LIST fallback that skips and
//! counts denied folders, namespaces, prompt cancellation, and the search index fed by a walk.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use vaultdeck_core::connection::VaultConnection;
use vaultdeck_core::search::{SearchIndex, SearchQuery};
use vaultdeck_core::walk::{self, WalkMethod, WalkOptions};
use vaultdeck_core::Connection;
use vaultdeck_vault::VaultClient;

fn root_client() -> VaultClient {
    vaultdeck_testkit::shared_openbao_dev().client().unwrap()
}

fn conn(client: VaultClient) -> Connection {
    Connection::Vault(VaultConnection::from_client(client))
}

/// Writes `secret/<prefix>/d<i>/e<j>/k<k>` for a `fan`×`fan`×`leaves` tree; returns the paths.
async fn seed(prefix: &str, fan: usize, leaves: usize) -> Vec<String> {
    let c = root_client();
    let mut paths = Vec::new();
    for i in 0..fan {
        for j in 0..fan {
            for k in 0..leaves {
                paths.push(format!("{prefix}/d{i}/e{j}/k{k}"));
            }
        }
    }
    for chunk in paths.chunks(32) {
        join_all(chunk.iter().map(|p| {
            let c = c.clone();
            async move {
                c.write(&format!("secret/data/{p}"), &json!({"data": {"v": "x"}}))
                    .await
                    .unwrap();
            }
        }))
        .await;
    }
    let mut full: Vec<String> = paths.into_iter().map(|p| format!("secret/{p}")).collect();
    full.sort();
    full
}

async fn token(rules: &str, name: &str) -> VaultClient {
    common::policy_client(&root_client(), name, rules).await
}

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_when_allowed_and_list_gives_the_same_paths() {
    let expected = seed("walk-scan", 3, 4).await;
    let c = conn(root_client());
    let cancel = CancellationToken::new();
    let (keys, report) = walk::collect(&c, "secret/walk-scan", &WalkOptions::default(), &cancel)
        .await
        .unwrap();
    assert_eq!(report.method, WalkMethod::Scan);
    assert_eq!(keys, expected);
    assert_eq!(report.keys_found, 36);
    assert!(report.scan_refused.is_none() && !report.cancelled);

    let opts = WalkOptions {
        try_scan: false,
        concurrency: 4,
        ..WalkOptions::default()
    };
    let (listed, report) = walk::collect(&c, "secret/walk-scan/", &opts, &cancel)
        .await
        .unwrap();
    assert_eq!(report.method, WalkMethod::List);
    assert_eq!(listed, expected);
    // walk-scan/, 3 d-folders, 9 e-folders.
    assert_eq!(report.folders_done, 13);
    assert!(report.denied_folders.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_scan_the_walk_lists_and_skips_denied_folders() {
    let all = seed("walk-deny", 3, 2).await;
    let limited = token(
        r#"
# ACL rules do not add up: the most specific match wins, and a `+` rule is less specific
# than a `*` rule with its first wildcard at the same place, so the allow rule starts earlier.
path "secret/metadata/*" { capabilities = ["list", "read"] }
path "secret/metadata/walk-deny/d1/*" { capabilities = ["deny"] }
path "secret/metadata/walk-deny/+/e2/*" { capabilities = ["deny"] }
"#,
        "walk-deny",
    )
    .await;
    let c = conn(limited);
    let cancel = CancellationToken::new();
    let batches = Arc::new(Mutex::new(Vec::new()));
    let sink = batches.clone();
    let report = walk::walk(
        &c,
        "secret/walk-deny",
        &WalkOptions::default(),
        &cancel,
        move |b| sink.lock().unwrap().push(b),
    )
    .await
    .unwrap();
    assert_eq!(report.method, WalkMethod::List);
    let refused = report.scan_refused.as_deref().unwrap();
    assert!(refused.contains("permission denied"), "{refused}");
    let mut denied = report.denied_folders.clone();
    denied.sort();
    assert_eq!(
        denied,
        [
            "secret/walk-deny/d0/e2/",
            "secret/walk-deny/d1/",
            "secret/walk-deny/d2/e2/"
        ]
    );
    let mut keys: Vec<String> = batches
        .lock()
        .unwrap()
        .iter()
        .flat_map(|b| b.keys.clone())
        .collect();
    keys.sort();
    let visible: Vec<String> = all
        .into_iter()
        .filter(|p| !p.contains("/d1/") && !p.contains("/e2/"))
        .collect();
    assert_eq!(keys, visible);
    let last = batches.lock().unwrap().last().unwrap().progress;
    assert_eq!(last.denied, 3);
    assert_eq!(last.keys_found, visible.len() as u64);
    assert_eq!(last.folders_pending, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_root_is_counted_not_an_error() {
    let c = conn(
        token(
            r#"path "secret/metadata/walk-other/*" { capabilities = ["list"] }"#,
            "walk-none",
        )
        .await,
    );
    let cancel = CancellationToken::new();
    let (keys, report) = walk::collect(
        &c,
        "secret/walk-forbidden",
        &WalkOptions::default(),
        &cancel,
    )
    .await
    .unwrap();
    assert!(keys.is_empty());
    assert_eq!(report.method, WalkMethod::List);
    assert_eq!(report.denied_folders, ["secret/walk-forbidden/"]);
    assert_eq!(report.folders_done, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walks_inside_a_namespace() {
    let r = root_client();
    let _ = r.write("sys/namespaces/walk-ns", &json!({})).await;
    let ns = r.with_namespace("walk-ns");
    let mounts = ns.read("sys/mounts").await.unwrap().unwrap();
    if mounts["data"].get("kv/").is_none() {
        ns.write("sys/mounts/kv", &json!({"type": "kv-v2"}))
            .await
            .unwrap();
    }
    for p in ["a/b/c", "a/d", "e"] {
        ns.write(&format!("kv/data/{p}"), &json!({"data": {"v": "1"}}))
            .await
            .unwrap();
    }
    let c = Connection::Vault(VaultConnection::from_client(r).with_namespace("walk-ns"));
    let cancel = CancellationToken::new();
    for try_scan in [true, false] {
        let opts = WalkOptions {
            try_scan,
            ..WalkOptions::default()
        };
        let (keys, _) = walk::collect(&c, "kv", &opts, &cancel).await.unwrap();
        assert_eq!(keys, ["kv/a/b/c", "kv/a/d", "kv/e"], "scan={try_scan}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_the_walk_at_once() {
    seed("walk-cancel", 12, 1).await;
    let c = conn(root_client());
    let opts = WalkOptions {
        try_scan: false,
        concurrency: 2,
        batch_size: 1,
        ..WalkOptions::default()
    };
    // Cancelled from the callback after the first keys arrive.
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let report = walk::walk(&c, "secret/walk-cancel", &opts, &cancel, move |b| {
        if !b.keys.is_empty() {
            trigger.cancel();
        }
    })
    .await
    .unwrap();
    assert!(report.cancelled);
    assert!(
        report.folders_done < 1 + 12 + 144,
        "walked {} folders after cancel",
        report.folders_done
    );

    // Cancelled from another task while requests are in flight: returns promptly.
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let cancelled_at = Arc::new(Mutex::new(None));
    let at = cancelled_at.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(30)).await;
        *at.lock().unwrap() = Some(Instant::now());
        trigger.cancel();
    });
    let opts = WalkOptions {
        concurrency: 1,
        ..opts
    };
    let report = walk::walk(&c, "secret/walk-cancel", &opts, &cancel, |_| {})
        .await
        .unwrap();
    let returned = Instant::now();
    assert!(report.cancelled, "{report:?}");
    let lag = returned - cancelled_at.lock().unwrap().unwrap();
    assert!(
        lag < Duration::from_millis(50),
        "returned {lag:?} after cancel"
    );

    // Already cancelled: not even the SCAN is awaited.
    let cancel = CancellationToken::new();
    cancel.cancel();
    let report = walk::walk(
        &c,
        "secret/walk-cancel",
        &WalkOptions::default(),
        &cancel,
        |_| {},
    )
    .await
    .unwrap();
    assert!(report.cancelled && report.keys_found == 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_feeds_the_search_index() {
    seed("walk-search", 2, 3).await;
    let c = conn(root_client());
    let mut index = SearchIndex::new();
    let cancel = CancellationToken::new();
    walk::walk(
        &c,
        "secret/walk-search",
        &WalkOptions::default(),
        &cancel,
        |b| index.extend(b.keys),
    )
    .await
    .unwrap();
    assert_eq!(index.len(), 12);
    let r = index
        .search(&SearchQuery {
            text: "d1e0k2".into(),
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(r.hits[0].path, "secret/walk-search/d1/e0/k2");
}
