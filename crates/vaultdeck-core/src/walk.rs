//! Recursive walk of a KV mount or subtree: every secret path under it.
//!
//! OpenBao's `SCAN` returns the whole tree in one request when the token has the `scan`
//! capability; [`walk`] tries it first and falls back, on `PermissionDenied` (no `scan`) or
//! `Unsupported` (Vault), to a concurrent `LIST` walk: at most
//! [`WalkOptions::concurrency`] requests in flight (default 16), folders the token may not list
//! are skipped and counted. Results stream to a callback in batches with progress; the walk
//! stops as soon as its [`CancellationToken`] is cancelled (in-flight requests are dropped).
//! The client's namespace applies (see
//! [`VaultConnection::with_namespace`](crate::connection::VaultConnection::with_namespace)).

use std::collections::VecDeque;
use std::time::{Duration, Instant};
pub use vaultdeck_types::{WalkBatch, WalkMethod, WalkProgress, WalkReport};

use futures::stream::{FuturesUnordered, StreamExt};
use tokio_util::sync::CancellationToken;
use tracing::instrument;
use vaultdeck_types::ErrorCode;
use vaultdeck_vault::kv::Kv;

use crate::connection::VaultConnection;
use crate::{Connection, Result};

/// How to walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkOptions {
    /// `LIST` requests in flight at once (at least 1).
    pub concurrency: usize,
    /// Try OpenBao's one-request `SCAN` first.
    pub try_scan: bool,
    /// Hand keys to the callback once this many are waiting...
    pub batch_size: usize,
    /// ...or once this long has passed since the last batch.
    pub flush_interval: Duration,
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            concurrency: 16,
            try_scan: true,
            batch_size: 512,
            flush_interval: Duration::from_millis(50),
        }
    }
}

/// Walks `path` (a mount such as `secret`, or a folder such as `secret/app`) on any
/// connection, handing batches to `on_batch`. Errors other than a denied folder (server
/// down, no such mount) end the walk with the error.
pub async fn walk<F: FnMut(WalkBatch) + Send>(
    conn: &Connection,
    path: &str,
    opts: &WalkOptions,
    cancel: &CancellationToken,
    on_batch: F,
) -> Result<WalkReport> {
    match conn {
        Connection::Aws(a) => Err(a.unsupported("path walks")),
        Connection::Azure(z) => Err(z.unsupported("path walks")),
        Connection::Vault(v) => walk_vault(v, path, opts, cancel, on_batch).await,
    }
}

/// [`walk`] on a Vault/OpenBao connection.
pub async fn walk_vault<F: FnMut(WalkBatch) + Send>(
    conn: &VaultConnection,
    path: &str,
    opts: &WalkOptions,
    cancel: &CancellationToken,
    on_batch: F,
) -> Result<WalkReport> {
    let (kv, rel) = conn.kv(path).await?;
    let mut report = walk_kv(&kv, &rel, opts, cancel, on_batch).await?;
    report.root = path.to_owned();
    Ok(report)
}

/// Walks and collects every path, sorted. For the CLI and tests; the app streams instead.
pub async fn collect(
    conn: &Connection,
    path: &str,
    opts: &WalkOptions,
    cancel: &CancellationToken,
) -> Result<(Vec<String>, WalkReport)> {
    let mut keys = Vec::new();
    let report = walk(conn, path, opts, cancel, |b| keys.extend(b.keys)).await?;
    keys.sort_unstable();
    Ok((keys, report))
}

/// Walks `folder` (relative to the mount; `""` = whole mount) of one KV mount.
#[instrument(skip_all, fields(mount = %kv.mount(), path = %folder))]
pub async fn walk_kv<F: FnMut(WalkBatch) + Send>(
    kv: &Kv,
    folder: &str,
    opts: &WalkOptions,
    cancel: &CancellationToken,
    on_batch: F,
) -> Result<WalkReport> {
    let started = Instant::now();
    let folder = folder.trim_matches('/').to_owned();
    let mut out = Emitter::new(opts, on_batch);
    let mut report = WalkReport {
        root: kv.full_path(&folder),
        method: WalkMethod::Scan,
        keys_found: 0,
        folders_done: 0,
        denied_folders: Vec::new(),
        scan_refused: None,
        cancelled: false,
        elapsed_ms: 0,
    };

    if opts.try_scan {
        let scanned = tokio::select! {
            biased;
            _ = cancel.cancelled() => None,
            r = kv.scan(&folder) => Some(r),
        };
        match scanned {
            None => {
                report.cancelled = true;
                out.finish();
                report.elapsed_ms = started.elapsed().as_millis() as u64;
                return Ok(report);
            }
            Some(Ok(keys)) => {
                for key in keys {
                    out.key(kv.full_path(&join(&folder, &key)));
                    out.maybe_flush();
                }
                report.keys_found = out.progress.keys_found;
                out.finish();
                report.elapsed_ms = started.elapsed().as_millis() as u64;
                return Ok(report);
            }
            Some(Err(e))
                if matches!(
                    e.code(),
                    ErrorCode::PermissionDenied | ErrorCode::Unsupported
                ) =>
            {
                tracing::debug!(error = %e, "SCAN refused; walking with LIST");
                report.scan_refused = Some(e.to_string());
            }
            Some(Err(e)) => return Err(e.into()),
        }
    }

    report.method = WalkMethod::List;
    out.progress.method = WalkMethod::List;
    let concurrency = opts.concurrency.max(1);
    let mut queue: VecDeque<String> = VecDeque::from([folder]);
    let mut in_flight = FuturesUnordered::new();
    loop {
        while in_flight.len() < concurrency {
            let Some(next) = queue.pop_front() else { break };
            in_flight.push(list_one(kv, next));
        }
        out.progress.folders_pending = (queue.len() + in_flight.len()) as u64;
        if in_flight.is_empty() {
            break;
        }
        let done = tokio::select! {
            biased;
            _ = cancel.cancelled() => None,
            d = in_flight.next() => d,
        };
        let Some((dir, listed)) = done else {
            report.cancelled = true;
            break;
        };
        out.progress.folders_done += 1;
        match listed {
            Ok(names) => {
                for name in names {
                    match name.strip_suffix('/') {
                        Some(sub) => queue.push_back(join(&dir, sub)),
                        None => out.key(kv.full_path(&join(&dir, &name))),
                    }
                }
            }
            Err(e) if e.code() == ErrorCode::PermissionDenied => {
                let denied = if dir.is_empty() {
                    kv.mount().to_owned()
                } else {
                    kv.full_path(&format!("{dir}/"))
                };
                out.denied(denied.clone());
                report.denied_folders.push(denied);
            }
            Err(e) => return Err(e.into()),
        }
        out.progress.folders_pending = (queue.len() + in_flight.len()) as u64;
        out.maybe_flush();
    }
    drop(in_flight);
    report.keys_found = out.progress.keys_found;
    report.folders_done = out.progress.folders_done;
    out.finish();
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

async fn list_one(
    kv: &Kv,
    folder: String,
) -> (String, Result<Vec<String>, vaultdeck_vault::Error>) {
    let r = kv.list(&folder).await;
    (folder, r)
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_owned()
    } else {
        format!("{folder}/{name}")
    }
}

/// Batches keys for the callback.
struct Emitter<'o, F> {
    opts: &'o WalkOptions,
    sink: F,
    keys: Vec<String>,
    denied: Vec<String>,
    last: Instant,
    progress: WalkProgress,
}

impl<'o, F: FnMut(WalkBatch)> Emitter<'o, F> {
    fn new(opts: &'o WalkOptions, sink: F) -> Self {
        Self {
            opts,
            sink,
            keys: Vec::with_capacity(opts.batch_size.min(4096)),
            denied: Vec::new(),
            last: Instant::now(),
            progress: WalkProgress {
                method: WalkMethod::Scan,
                folders_done: 0,
                folders_pending: 0,
                keys_found: 0,
                denied: 0,
            },
        }
    }

    fn key(&mut self, path: String) {
        self.keys.push(path);
        self.progress.keys_found += 1;
    }

    fn denied(&mut self, folder: String) {
        self.denied.push(folder);
        self.progress.denied += 1;
    }

    fn maybe_flush(&mut self) {
        if self.keys.len() >= self.opts.batch_size.max(1)
            || self.last.elapsed() >= self.opts.flush_interval
        {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.last = Instant::now();
        (self.sink)(WalkBatch {
            keys: std::mem::take(&mut self.keys),
            denied_folders: std::mem::take(&mut self.denied),
            progress: self.progress,
        });
    }

    /// The last batch, always sent (possibly empty) so the receiver sees the final progress.
    fn finish(mut self) {
        self.progress.folders_pending = 0;
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emitter_batches_by_size_and_always_finishes() {
        let opts = WalkOptions {
            batch_size: 3,
            flush_interval: Duration::from_secs(3600),
            ..WalkOptions::default()
        };
        let mut batches = Vec::new();
        let mut e = Emitter::new(&opts, |b| batches.push(b));
        for i in 0..7 {
            e.key(format!("k{i}"));
            e.maybe_flush();
        }
        e.denied("secret/x/".into());
        e.finish();
        let sizes: Vec<usize> = batches.iter().map(|b| b.keys.len()).collect();
        assert_eq!(sizes, [3, 3, 1]);
        let last = batches.last().unwrap();
        assert_eq!(last.progress.keys_found, 7);
        assert_eq!(last.denied_folders, ["secret/x/"]);
        assert_eq!(last.progress.denied, 1);
    }

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join("", "a"), "a");
        assert_eq!(join("a/b", "c"), "a/b/c");
    }
}
