//! `vdeck kv`: the secrets explorer from the command line (KV v1 and v2 on Vault / OpenBao).
//!
//! Reads are reveal-only: `get` shows metadata and key names without reading any value; a
//! value is read (and recorded as `kv.reveal` in the local audit log) only with `--field` or
//! `--reveal`. Values are never taken from the command line (shell history, `ps`): they come
//! from stdin or files.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Map, Value};
use tokio_util::sync::CancellationToken;
use vaultdeck_core::capability::SecretStore;
use vaultdeck_core::search::{SearchIndex, SearchQuery};
use vaultdeck_core::secrets::{Audited, SecretData, SecretPatch, SecretValue, VersionState};
use vaultdeck_core::sessions::Deck;
use vaultdeck_core::walk::{self, WalkMethod, WalkOptions};
use vaultdeck_core::{Connection, Error};
use vaultdeck_types::ErrorCode;

use crate::{confirm, deck, env_session, fail, print, Failure};

const VALUES_HELP: &str = "\
VALUES never come from the command line (they would end up in shell history and `ps`):
  KEY=@-                one value from stdin (a single trailing newline is dropped)
  KEY=@FILE             one value from a file, byte for byte
  --from-json-stdin     a JSON object of all pairs from stdin (recommended for scripts):
                        printf '%s' '{\"user\":\"app\",\"pass\":\"...\"}' | vdeck kv put secret/app/db --from-json-stdin
A plain KEY=VALUE is refused.";

/// `vdeck kv ...`: browse, read (reveal-only), write with check-and-set, versions, diff,
/// rollback, recursive walk and fuzzy search.
#[derive(Args)]
pub(crate) struct KvCmd {
    /// Saved profile (name or id); omitted = VAULT_ADDR / VAULT_TOKEN / VAULT_NAMESPACE.
    #[arg(long, global = true)]
    profile: Option<String>,
    #[command(subcommand)]
    op: KvOp,
}

#[derive(Subcommand)]
enum KvOp {
    /// List a folder (`secret`, `secret/app/`); folders end in `/`.
    Ls {
        /// Mount or folder path.
        path: String,
    },
    /// Show a secret's metadata and key names; no value is read unless --field or --reveal.
    Get {
        /// Secret path, e.g. `secret/app/db`.
        path: String,
        /// Print only this key's value (a reveal, recorded in the audit log).
        #[arg(long)]
        field: Option<String>,
        /// Print every value (a reveal, recorded in the audit log).
        #[arg(long)]
        reveal: bool,
        /// Version to show (default: latest).
        #[arg(long)]
        version: Option<u64>,
    },
    /// Write a new version (KV v2: check-and-set against the current version unless --cas).
    #[command(after_help = VALUES_HELP)]
    Put {
        /// Secret path.
        path: String,
        /// KEY=@- or KEY=@FILE pairs.
        pairs: Vec<String>,
        /// Write only if the current version is N (0 = only if the secret does not exist).
        #[arg(long)]
        cas: Option<u64>,
        /// Read all pairs as one JSON object from stdin.
        #[arg(long)]
        from_json_stdin: bool,
    },
    /// Change some keys without reading the others (KV v2 JSON merge patch).
    #[command(after_help = VALUES_HELP)]
    Patch {
        /// Secret path.
        path: String,
        /// KEY=@- or KEY=@FILE pairs to set.
        pairs: Vec<String>,
        /// Remove this key (repeatable).
        #[arg(long = "remove", value_name = "KEY")]
        remove: Vec<String>,
        /// Patch only if the current version is N.
        #[arg(long)]
        cas: Option<u64>,
        /// Read the pairs to set as one JSON object from stdin.
        #[arg(long)]
        from_json_stdin: bool,
    },
    /// List a secret's versions and their state.
    Versions {
        /// Secret path.
        path: String,
    },
    /// Keys added, removed and changed between two versions (values only with --reveal).
    Diff {
        /// Secret path.
        path: String,
        /// Older version.
        from: u64,
        /// Newer version.
        to: u64,
        /// Also print both values of each differing key.
        #[arg(long)]
        reveal: bool,
    },
    /// Write version V's data as a new version (check-and-set against the current version).
    Rollback {
        /// Secret path.
        path: String,
        /// The version to bring back.
        version: u64,
        /// Expected current version (default: the current one, read just before).
        #[arg(long)]
        cas: Option<u64>,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Every secret path under a mount or folder, one per line (a JSON array with --json).
    Walk {
        /// Mount or folder, e.g. `secret` or `secret/app`.
        path: String,
        /// LIST requests in flight when SCAN is not allowed.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Do not try OpenBao's one-request SCAN.
        #[arg(long)]
        no_scan: bool,
    },
    /// Fuzzy-search the secret paths of a mount (walks it first).
    Search {
        /// Fuzzy text; words must all match.
        query: String,
        /// Mount or folder to search, e.g. `secret`.
        #[arg(long)]
        mount: String,
        /// Only paths starting with this text.
        #[arg(long)]
        prefix: Option<String>,
        /// Only paths matching this glob (`*` within a segment, `**` across).
        #[arg(long)]
        glob: Option<String>,
        /// Best N matches.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

async fn open(d: &Arc<Deck>, profile: Option<String>) -> Result<Audited<Connection>, Failure> {
    let id = match profile {
        Some(p) => d.profile(&p)?.id,
        None => env_session(d, None)?,
    };
    d.connect(&id, None, false).await?;
    Ok(Audited::for_profile(d, &id)?)
}

/// Runs one `vdeck kv` command.
pub(crate) async fn run(cmd: KvCmd, json: bool) -> Result<ExitCode, Failure> {
    let d = deck();
    let store = open(&d, cmd.profile).await?;
    match cmd.op {
        KvOp::Ls { path } => {
            let entries = store.list(&path).await?;
            print(json, &entries, |es| {
                es.iter()
                    .map(|e| e.name.clone())
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        KvOp::Get {
            path,
            field,
            reveal,
            version,
        } => get(&store, json, &path, field, reveal, version).await?,
        KvOp::Put {
            path,
            pairs,
            cas,
            from_json_stdin,
        } => {
            let data = read_pairs(&pairs, from_json_stdin)?;
            if data.is_empty() {
                return Err(fail(
                    ErrorCode::InvalidInput,
                    "nothing to write: give KEY=@- / KEY=@FILE pairs or --from-json-stdin",
                ));
            }
            let cas = match cas {
                Some(c) => Some(c),
                None => current_version_for_cas(&store, &path).await?,
            };
            let out = store.write(&path, &data, cas).await?;
            print(json, &out, |o| match o.version {
                Some(v) => format!("wrote {} version {v}", o.path),
                None => format!("wrote {}", o.path),
            });
        }
        KvOp::Patch {
            path,
            pairs,
            remove,
            cas,
            from_json_stdin,
        } => {
            let data = read_pairs(&pairs, from_json_stdin)?;
            let mut patch = SecretPatch::new();
            for (k, v) in data.iter() {
                patch = patch.set(k, v.clone());
            }
            for k in remove {
                patch = patch.remove(k);
            }
            if patch.is_empty() {
                return Err(fail(
                    ErrorCode::InvalidInput,
                    "nothing to patch: give KEY=@- / KEY=@FILE pairs, --from-json-stdin or --remove KEY",
                ));
            }
            let out = store.patch(&path, &patch, cas).await?;
            print(json, &out, |o| {
                format!(
                    "patched {} (version {})",
                    o.path,
                    o.version.unwrap_or_default()
                )
            });
        }
        KvOp::Versions { path } => {
            let versions = store.versions(&path).await?;
            print(json, &versions, |vs| {
                vs.iter()
                    .map(|v| {
                        format!(
                            "{}\t{}\t{}{}",
                            v.version,
                            state_label(v.state),
                            v.created_time,
                            v.deletion_time
                                .as_deref()
                                .map(|t| format!("\tdeletion {t}"))
                                .unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        KvOp::Diff {
            path,
            from,
            to,
            reveal,
        } => {
            let d = store.diff_versions(&path, from, to, reveal).await?;
            let mut out = serde_json::to_value(d.summary()).unwrap_or_default();
            if let Some(values) = &d.values {
                let side = |s: &Option<SecretString>| {
                    s.as_ref()
                        .map(|v| Value::String(v.expose_secret().to_owned()))
                        .unwrap_or(Value::Null)
                };
                let v: Map<String, Value> = values
                    .iter()
                    .map(|(k, p)| (k.clone(), json!({"from": side(&p.from), "to": side(&p.to)})))
                    .collect();
                out["values"] = Value::Object(v);
            }
            print(json, &out, |_| {
                let value = |k: &str, to: bool| -> String {
                    let pair = d.values.as_ref().and_then(|v| v.get(k));
                    let side = pair.and_then(|p| if to { p.to.as_ref() } else { p.from.as_ref() });
                    side.map(|s| s.expose_secret().to_owned())
                        .unwrap_or_default()
                };
                let shown = d.values.is_some();
                let mut lines = Vec::new();
                for k in &d.added {
                    lines.push(match shown {
                        true => format!("+ {k}: {}", value(k, true)),
                        false => format!("+ {k}"),
                    });
                }
                for k in &d.removed {
                    lines.push(match shown {
                        true => format!("- {k}: {}", value(k, false)),
                        false => format!("- {k}"),
                    });
                }
                for k in &d.changed {
                    lines.push(match shown {
                        true => format!("~ {k}: {} -> {}", value(k, false), value(k, true)),
                        false => format!("~ {k}"),
                    });
                }
                if lines.is_empty() {
                    lines.push(format!("versions {from} and {to} are identical"));
                }
                lines.join("\n")
            });
        }
        KvOp::Rollback {
            path,
            version,
            cas,
            yes,
        } => {
            confirm(
                yes,
                &format!("Write version {version} of {path} as a new version?"),
                &path,
            )?;
            let out = store.rollback(&path, version, cas).await?;
            print(json, &out, |o| {
                format!(
                    "rolled {} back to version {version}: new version {}",
                    o.path,
                    o.version.unwrap_or_default()
                )
            });
        }
        KvOp::Walk {
            path,
            concurrency,
            no_scan,
        } => {
            let opts = WalkOptions {
                concurrency,
                try_scan: !no_scan,
                ..WalkOptions::default()
            };
            let cancel = CancellationToken::new();
            let mut all = Vec::new();
            let report = walk::walk(store.inner(), &path, &opts, &cancel, |b| {
                if json {
                    all.extend(b.keys);
                } else {
                    let mut out = std::io::stdout().lock();
                    for k in b.keys {
                        let _ = writeln!(out, "{k}");
                    }
                }
            })
            .await?;
            if json {
                all.sort_unstable();
                print(true, &all, |_| String::new());
            }
            if !report.denied_folders.is_empty() {
                eprintln!(
                    "vdeck: {} folder(s) skipped, not listable with this token: {}",
                    report.denied_folders.len(),
                    report.denied_folders.join(" ")
                );
            }
            if std::io::stderr().is_terminal() {
                eprintln!(
                    "{} secrets via {} in {} ms",
                    report.keys_found,
                    match report.method {
                        WalkMethod::Scan => "SCAN",
                        WalkMethod::List => "LIST",
                    },
                    report.elapsed_ms
                );
            }
        }
        KvOp::Search {
            query,
            mount,
            prefix,
            glob,
            limit,
        } => {
            let cancel = CancellationToken::new();
            let mut index = SearchIndex::new();
            let report = walk::walk(
                store.inner(),
                &mount,
                &WalkOptions::default(),
                &cancel,
                |b| index.extend(b.keys),
            )
            .await?;
            let results = index.search(&SearchQuery {
                text: query,
                prefix,
                glob,
                limit,
            })?;
            if !report.denied_folders.is_empty() {
                eprintln!(
                    "vdeck: {} folder(s) not searched (not listable with this token)",
                    report.denied_folders.len()
                );
            }
            print(json, &results.hits, |hits| {
                hits.iter()
                    .map(|h| h.path.clone())
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn get(
    store: &Audited<Connection>,
    json: bool,
    path: &str,
    field: Option<String>,
    reveal: bool,
    version: Option<u64>,
) -> Result<(), Failure> {
    if let Some(key) = field {
        let value = store.read_key(path, &key, version).await?;
        if json {
            print(
                true,
                &json!({"path": path, "key": key, "value": value.expose_secret()}),
                |_| String::new(),
            );
        } else {
            println!("{}", value.expose_secret());
        }
        return Ok(());
    }
    if reveal {
        let s = store.read_all(path, version).await?;
        let secret = s.data.to_json_secret();
        let data: Value = serde_json::from_str(secret.expose_secret()).unwrap_or_default();
        print(
            json,
            &json!({"path": s.path, "version": s.version, "data": data}),
            |_| {
                s.data
                    .iter()
                    .map(|(k, v)| format!("{k}\t{}", v.expose()))
                    .collect::<Vec<_>>()
                    .join("\n")
            },
        );
        vaultdeck_vault::kv::scrub(data);
        return Ok(());
    }
    let meta = store.metadata(path).await?;
    let keys = match store.subkeys(path, version).await {
        Ok(k) => Some(k),
        Err(e) if e.code() == ErrorCode::Unsupported => None,
        Err(e) => return Err(e.into()),
    };
    let out = json!({"metadata": meta, "keys": keys});
    print(json, &out, |_| {
        let mut lines = vec![format!(
            "path:     {}  (KV v{}, mount {})",
            meta.path, meta.kv_version, meta.mount
        )];
        if let Some(v) = meta.current_version {
            lines.push(format!(
                "version:  {v} ({} kept, max {})",
                meta.versions.len(),
                meta.max_versions.unwrap_or_default()
            ));
        }
        if let Some(u) = &meta.updated_time {
            lines.push(format!("updated:  {u}"));
        }
        if meta.cas_required {
            lines.push("cas:      required".to_owned());
        }
        for (k, v) in &meta.custom_metadata {
            lines.push(format!("meta:     {k}={v}"));
        }
        match &keys {
            Some(k) if k.state == VersionState::Live => {
                lines.push(format!("keys:     {}", k.keys.join(", ")))
            }
            Some(k) => lines.push(format!(
                "keys:     (version {} is {})",
                k.version,
                state_label(k.state)
            )),
            None => lines.push(
                "keys:     (KV v1 cannot list key names without reading values; use --reveal)"
                    .to_owned(),
            ),
        }
        lines.join("\n")
    });
    Ok(())
}

/// The check-and-set value for a write that did not name one: the current version on KV v2
/// (0 when the secret does not exist yet), none on KV v1.
async fn current_version_for_cas(
    store: &Audited<Connection>,
    path: &str,
) -> Result<Option<u64>, Failure> {
    match store.metadata(path).await {
        Ok(m) if m.kv_version == 2 => Ok(Some(m.current_version.unwrap_or(0))),
        Ok(_) => Ok(None),
        Err(Error::NotFound(_)) => Ok(Some(0)),
        Err(e) => Err(e.into()),
    }
}

fn state_label(s: VersionState) -> &'static str {
    match s {
        VersionState::Live => "live",
        VersionState::Deleted => "deleted",
        VersionState::Destroyed => "destroyed",
    }
}

/// Builds the data from `KEY=@-` / `KEY=@FILE` pairs and/or a JSON object on stdin.
fn read_pairs(pairs: &[String], from_json_stdin: bool) -> Result<SecretData, Failure> {
    let stdin_keys = pairs.iter().filter(|p| p.contains("=@-")).count();
    if stdin_keys > 1 || (stdin_keys == 1 && from_json_stdin) {
        return Err(fail(
            ErrorCode::InvalidInput,
            "stdin can give only one thing: one KEY=@- or --from-json-stdin",
        ));
    }
    let mut data = if from_json_stdin {
        let mut text = read_stdin()?;
        let parsed = SecretData::from_json_text(&text);
        text.zeroize();
        parsed.map_err(|e| fail(e.code(), e.to_string()))?
    } else {
        SecretData::new()
    };
    for pair in pairs {
        let Some((key, source)) = pair.split_once('=') else {
            return Err(fail(
                ErrorCode::InvalidInput,
                format!("`{pair}` is not KEY=@- or KEY=@FILE"),
            ));
        };
        if key.is_empty() {
            return Err(fail(ErrorCode::InvalidInput, "a key name is empty"));
        }
        let value = match source.strip_prefix('@') {
            Some("-") => {
                let mut text = read_stdin()?;
                if text.ends_with('\n') {
                    text.pop();
                    if text.ends_with('\r') {
                        text.pop();
                    }
                }
                SecretString::from(text)
            }
            Some(file) if !file.is_empty() => {
                SecretString::from(std::fs::read_to_string(file).map_err(|e| {
                    fail(
                        ErrorCode::InvalidInput,
                        format!("reading the value of `{key}` from {file}: {e}"),
                    )
                })?)
            }
            _ => {
                // Never echo `source`: it is the value the user tried to pass.
                return Err(fail(
                    ErrorCode::InvalidInput,
                    format!(
                        "refusing a value for `{key}` on the command line (it would end up in \
                         shell history and `ps`); use {key}=@- (stdin), {key}=@FILE, or \
                         --from-json-stdin"
                    ),
                ));
            }
        };
        data.insert(key, SecretValue::from(value));
    }
    Ok(data)
}

fn read_stdin() -> Result<String, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .lock()
        .read_to_string(&mut text)
        .map_err(|e| fail(ErrorCode::InvalidInput, format!("reading stdin: {e}")))?;
    Ok(text)
}
