//! `vdeck lease|token|rotate`: lease inventory and actions, token inventory and revocation,
//! and rotations. Destructive commands ask for the typed target on a terminal or need `--yes`;
//! generated secret values are never printed.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use vaultdeck_core::capability::{LeaseAdmin, Rotation};
use vaultdeck_core::leases::{self, AuditTo, InventoryOptions, TokenFilter};
use vaultdeck_core::rotations::{self, ValueSpec};
use vaultdeck_core::secrets::Audited;
use vaultdeck_core::sessions::Deck;
use vaultdeck_core::Connection;

use crate::{confirm, deck, env_session, print, Failure};

/// The three command groups, flattened into `vdeck`'s top level.
#[derive(Subcommand)]
pub(crate) enum LeasesCmd {
    /// Leases: ls (inventory + dashboard), lookup, renew, revoke, revoke-prefix.
    Lease(LeaseArgs),
    /// Tokens: ls (inventory, filters, root tokens), lookup, revoke-accessor.
    Token(TokenArgs),
    /// Rotations: database root and static roles, transit keys, KV values, and plan files
    /// (with AWS and Azure steps).
    Rotate(RotateArgs),
}

/// `vdeck lease ...`.
#[derive(Args)]
pub(crate) struct LeaseArgs {
    /// Saved profile (name or id); omitted = VAULT_ADDR / VAULT_TOKEN.
    #[arg(long, global = true)]
    profile: Option<String>,
    #[command(subcommand)]
    op: LeaseOp,
}

#[derive(Subcommand)]
enum LeaseOp {
    /// Every lease under a prefix (default: all) with details, plus the dashboard.
    Ls {
        /// Lease prefix, e.g. `database/creds/ro`.
        #[arg(default_value = "")]
        prefix: String,
        /// Requests in flight.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
    },
    /// One lease's details.
    Lookup {
        /// Lease id.
        lease_id: String,
    },
    /// Renews a lease.
    Renew {
        /// Lease id.
        lease_id: String,
        /// Seconds to ask for (the server may cap it at max_ttl).
        #[arg(long)]
        increment: Option<u64>,
    },
    /// Revokes one lease.
    Revoke {
        /// Lease id.
        lease_id: String,
        /// Let the server revoke in the background (reported as pending).
        #[arg(long = "async")]
        background: bool,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Revokes every lease under a prefix (shows how many first).
    RevokePrefix {
        /// Lease prefix, e.g. `database/creds/ro`.
        prefix: String,
        /// revoke-force: forget the leases even when the backend cannot revoke them;
        /// database users and other backend objects REMAIN.
        #[arg(long)]
        force: bool,
        /// Second confirmation required with --force.
        #[arg(long)]
        i_understand_backend_objects_remain: bool,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
    },
}

/// `vdeck token ...`.
#[derive(Args)]
pub(crate) struct TokenArgs {
    /// Saved profile (name or id); omitted = VAULT_ADDR / VAULT_TOKEN.
    #[arg(long, global = true)]
    profile: Option<String>,
    #[command(subcommand)]
    op: TokenOp,
}

#[derive(Subcommand)]
enum TokenOp {
    /// Every token (needs root or sudo on auth/token/accessors), filtered.
    Ls {
        /// Only tokens with the root policy.
        #[arg(long)]
        root: bool,
        /// Only tokens with this policy.
        #[arg(long)]
        policy: Option<String>,
        /// Substring of display name, creation path or accessor.
        #[arg(long)]
        filter: Option<String>,
    },
    /// One token's details by accessor.
    Lookup {
        /// Token accessor.
        accessor: String,
    },
    /// Revokes a token (and its children) by accessor.
    RevokeAccessor {
        /// Token accessor.
        accessor: String,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
    },
}

/// `vdeck rotate ...`.
#[derive(Args)]
pub(crate) struct RotateArgs {
    /// Saved profile (name or id); omitted = VAULT_ADDR / VAULT_TOKEN.
    #[arg(long, global = true)]
    profile: Option<String>,
    #[command(subcommand)]
    op: RotateOp,
}

#[derive(Subcommand)]
enum RotateOp {
    /// Runs a bulk rotation plan from a JSON file (Vault, AWS and Azure steps; `--dry-run`).
    Plan(crate::rotate::PlanArgs),
    /// Rotates a database connection's root credential (afterwards only Vault knows it).
    DbRoot {
        /// Database mount.
        mount: String,
        /// Connection name.
        connection: String,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Lists static roles with rotation period and last rotation.
    StaticRoles {
        /// Database mount.
        mount: String,
    },
    /// Rotates a static role's password now.
    StaticRole {
        /// Database mount.
        mount: String,
        /// Role name.
        role: String,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Lists transit keys with versions.
    TransitKeys {
        /// Transit mount.
        mount: String,
    },
    /// Adds a version to a transit key, or with --min-* sets its minimum versions.
    Transit {
        /// Transit mount.
        mount: String,
        /// Key name.
        key: String,
        /// Set min_decryption_version instead of rotating.
        #[arg(long)]
        min_decryption_version: Option<u64>,
        /// Set min_encryption_version instead of rotating.
        #[arg(long)]
        min_encryption_version: Option<u64>,
    },
    /// Writes new random values for keys of a KV v2 secret (check-and-set); values not shown.
    Kv {
        /// Secret path, e.g. `secret/app/db`.
        path: String,
        /// Key to regenerate (repeatable).
        #[arg(long = "key", required = true)]
        keys: Vec<String>,
        /// Length of each value.
        #[arg(long, default_value_t = 32)]
        length: usize,
        /// Include symbols.
        #[arg(long)]
        symbols: bool,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
    },
}

struct Session {
    deck: Arc<Deck>,
    conn: Connection,
    name: String,
}

impl Session {
    fn audit(&self) -> AuditTo<'_> {
        AuditTo {
            log: self.deck.audit(),
            profile: &self.name,
        }
    }
}

async fn open(profile: Option<String>) -> Result<Session, Failure> {
    let d = deck();
    let id = match profile {
        Some(p) => d.profile(&p)?.id,
        None => env_session(&d, None)?,
    };
    d.connect(&id, None, false).await?;
    let conn = d.connection(&id)?;
    let name = d.profile(&id)?.name;
    Ok(Session {
        deck: d,
        conn,
        name,
    })
}

/// Runs one `vdeck lease|token|rotate` command.
pub(crate) async fn run(cmd: LeasesCmd, json: bool) -> Result<ExitCode, Failure> {
    match cmd {
        LeasesCmd::Lease(a) => lease(open(a.profile).await?, a.op, json).await,
        LeasesCmd::Token(a) => token(open(a.profile).await?, a.op, json).await,
        LeasesCmd::Rotate(a) => match a.op {
            // A plan may have no Vault step: it opens only the connections it needs.
            RotateOp::Plan(p) => crate::rotate::plan(a.profile, p, json).await,
            op => rotate(open(a.profile).await?, op, json).await,
        },
    }
}

async fn lease(s: Session, op: LeaseOp, json: bool) -> Result<ExitCode, Failure> {
    let cancel = CancellationToken::new();
    match op {
        LeaseOp::Ls {
            prefix,
            concurrency,
        } => {
            let opts = InventoryOptions {
                concurrency,
                ..InventoryOptions::default()
            };
            let (all, report) = leases::collect(&s.conn, &prefix, &opts, &cancel).await?;
            let irrevocable = s.conn.irrevocable_lease_count().await.unwrap_or(None);
            let dash = leases::dashboard(&all, leases::OffsetDateTime::now_utc(), irrevocable);
            let out = json!({"leases": all, "dashboard": dash, "report": report});
            print(json, &out, |_| {
                let mut t = String::new();
                for l in &all {
                    t.push_str(&format!(
                        "{}  ttl={}s  expires={}\n",
                        l.id,
                        l.ttl,
                        l.expire_time.as_deref().unwrap_or("never")
                    ));
                }
                t.push_str(&format!(
                    "{} lease(s); expiring within 1h: {}, within 24h: {}",
                    dash.total, dash.expiring_1h, dash.expiring_24h
                ));
                t
            });
        }
        LeaseOp::Lookup { lease_id } => {
            let l = leases::lease_entry(s.conn.lookup_lease(&lease_id).await?);
            print(json, &l, |l| {
                format!(
                    "{}\nissued {}  expires {}  ttl {}s  renewable {}",
                    l.id,
                    l.issue_time.as_deref().unwrap_or("-"),
                    l.expire_time.as_deref().unwrap_or("never"),
                    l.ttl,
                    l.renewable
                )
            });
        }
        LeaseOp::Renew {
            lease_id,
            increment,
        } => {
            let r = leases::renew(&s.conn, s.audit(), &lease_id, increment).await?;
            print(json, &r, |r| {
                let mut t = format!("renewed {}: {}s", r.lease_id, r.granted_secs);
                for w in &r.warnings {
                    t.push_str(&format!("\nwarning: {w}"));
                }
                t
            });
        }
        LeaseOp::Revoke {
            lease_id,
            background,
            yes,
        } => {
            confirm(yes, &format!("Revoke lease {lease_id}?"), &lease_id)?;
            let st = leases::revoke(&s.conn, s.audit(), &lease_id, !background).await?;
            print(json, &json!({"lease_id": lease_id, "state": st}), |_| {
                format!("{lease_id}: {st:?}")
            });
        }
        LeaseOp::RevokePrefix {
            prefix,
            force,
            i_understand_backend_objects_remain,
            yes,
        } => {
            let (all, _) =
                leases::collect(&s.conn, &prefix, &InventoryOptions::default(), &cancel).await?;
            let n = leases::count_under(&all, &prefix);
            let p = prefix.trim_matches('/').to_owned();
            if force {
                confirm(
                    yes,
                    &format!(
                        "FORCE-revoke {n} lease(s) under {p}? Backend objects (database \
                         users) will remain."
                    ),
                    &p,
                )?;
                leases::revoke_force(
                    &s.conn,
                    s.audit(),
                    &p,
                    &p,
                    i_understand_backend_objects_remain,
                )
                .await?;
            } else {
                confirm(yes, &format!("Revoke {n} lease(s) under {p}?"), &p)?;
                leases::revoke_prefix(&s.conn, s.audit(), &p, &p, Some(n)).await?;
            }
            print(
                json,
                &json!({"prefix": p, "previewed": n, "force": force}),
                |_| format!("revoked {n} lease(s) under {p}"),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn token(s: Session, op: TokenOp, json: bool) -> Result<ExitCode, Failure> {
    match op {
        TokenOp::Ls {
            root,
            policy,
            filter,
        } => {
            let mut all = Vec::new();
            let cancel = CancellationToken::new();
            leases::token_inventory(&s.conn, &InventoryOptions::default(), &cancel, |b| {
                all.extend(b.tokens)
            })
            .await?;
            let f = TokenFilter {
                text: filter,
                policy,
                root_only: root,
                ..TokenFilter::default()
            };
            let shown = leases::filter_tokens(&all, &f);
            print(json, &shown, |ts| {
                ts.iter()
                    .map(|t| {
                        format!(
                            "{}  {}  [{}]  ttl={}s  {}{}",
                            t.accessor,
                            t.display_name,
                            t.policies.join(","),
                            t.ttl,
                            t.path,
                            if t.orphan { "  orphan" } else { "" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        TokenOp::Lookup { accessor } => {
            let t = s.conn.lookup_token_accessor(&accessor).await?;
            print(json, &t, |t| {
                format!(
                    "{} [{}] ttl={}s type={} path={}",
                    t.display_name,
                    t.policies.join(","),
                    t.ttl,
                    t.token_type,
                    t.path
                )
            });
        }
        TokenOp::RevokeAccessor { accessor, yes } => {
            confirm(
                yes,
                &format!("Revoke the token with accessor {accessor} and its children?"),
                &accessor,
            )?;
            leases::revoke_token_accessor(&s.conn, s.audit(), &accessor).await?;
            print(json, &json!({"revoked": accessor}), |_| {
                format!("revoked token {accessor}")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn rotate(s: Session, op: RotateOp, json: bool) -> Result<ExitCode, Failure> {
    match op {
        RotateOp::Plan(p) => return crate::rotate::plan(Some(s.name), p, json).await,
        RotateOp::DbRoot {
            mount,
            connection,
            yes,
        } => {
            confirm(
                yes,
                &format!(
                    "Rotate the root credential of {connection}? Afterwards only Vault knows it."
                ),
                &connection,
            )?;
            rotations::rotate_db_root(&s.conn, s.audit(), &mount, &connection, &connection).await?;
            print(json, &json!({"rotated": connection}), |_| {
                format!("rotated root credential of {connection}")
            });
        }
        RotateOp::StaticRoles { mount } => {
            let roles = s.conn.static_roles(&mount).await?;
            print(json, &roles, |rs| {
                rs.iter()
                    .map(|r| {
                        format!(
                            "{}  user={}  every {}s  last {}",
                            r.name,
                            r.username,
                            r.rotation_period,
                            r.last_vault_rotation.as_deref().unwrap_or("-")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        RotateOp::StaticRole { mount, role, yes } => {
            confirm(yes, &format!("Rotate static role {role} now?"), &role)?;
            rotations::rotate_static_role(&s.conn, s.audit(), &mount, &role).await?;
            print(json, &json!({"rotated": role}), |_| {
                format!("rotated static role {role}")
            });
        }
        RotateOp::TransitKeys { mount } => {
            let keys = s.conn.transit_keys(&mount).await?;
            let out: Vec<_> = keys
                .iter()
                .map(|k| {
                    json!({"key": k, "decrypt_versions": k.decrypt_versions(),
                        "encrypt_versions": k.encrypt_versions()})
                })
                .collect();
            print(json, &out, |_| {
                keys.iter()
                    .map(|k| {
                        format!(
                            "{}  {}  latest v{}  decrypt {:?}",
                            k.name,
                            k.key_type,
                            k.latest_version,
                            k.decrypt_versions()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        RotateOp::Transit {
            mount,
            key,
            min_decryption_version,
            min_encryption_version,
        } => {
            let k = if min_decryption_version.is_some() || min_encryption_version.is_some() {
                let cur = s
                    .conn
                    .transit_keys(&mount)
                    .await?
                    .into_iter()
                    .find(|k| k.name == key)
                    .ok_or_else(|| {
                        Failure::from(vaultdeck_core::Error::NotFound(format!(
                            "no transit key {key:?} under {mount}"
                        )))
                    })?;
                rotations::set_transit_min_versions(
                    &s.conn,
                    s.audit(),
                    &cur,
                    &mount,
                    min_decryption_version,
                    min_encryption_version,
                )
                .await?
            } else {
                rotations::rotate_transit_key(&s.conn, s.audit(), &mount, &key).await?
            };
            print(json, &k, |k| {
                format!(
                    "{}: latest v{}, decrypt {:?}",
                    k.name,
                    k.latest_version,
                    k.decrypt_versions()
                )
            });
        }
        RotateOp::Kv {
            path,
            keys,
            length,
            symbols,
            yes,
        } => {
            confirm(
                yes,
                &format!(
                    "Overwrite {} at {path} with new random values?",
                    keys.join(", ")
                ),
                &path,
            )?;
            let store = Audited::new(s.conn.clone(), s.deck.audit().clone(), s.name.clone());
            let spec = ValueSpec {
                length,
                symbols,
                ..ValueSpec::default()
            };
            let v = rotations::rotate_kv_value(&store, &path, &keys, &spec).await?;
            print(
                json,
                &json!({"path": path, "keys": keys, "version": v}),
                |_| format!("rotated {} at {path}", keys.join(", ")),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
