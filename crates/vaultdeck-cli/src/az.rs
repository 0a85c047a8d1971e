//! `vdeck az`: Azure Key Vault from the command line.
//!
//! The vault comes from a saved Vaultdeck Azure profile (`--profile`) or from `--vault-url` /
//! `AZURE_KEYVAULT_URL`; sign-in then follows the standard Azure environment: a service
//! principal when `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` are set,
//! otherwise the Azure CLI's login. `AZURE_AUTHORITY_HOST` and `--ca-bundle` /
//! `VDECK_AZURE_CA_BUNDLE` point at another authority and CA (sovereign clouds, tests).
//! `get` shows properties and reveals the value only with `--reveal`; values are read from
//! stdin only; `purge` asks to type the name (or `--yes`). Every change and every reveal is
//! recorded in the local audit log (`az.*`).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use vaultdeck_azure::{credential_for, AzureConfig, AzureVault, CredentialSpec};
use vaultdeck_core::azure::AzureAudited;
use vaultdeck_types::{
    az_expiring_within, AzKeySpec, AzLifetimeAction, AzRotationAction, AzRotationPolicy,
    AzSecretProps, AzSecretUpdate, ErrorCode,
};

use crate::{confirm, deck, fail, print, Failure};

/// `vdeck az ...`.
#[derive(Args)]
pub(crate) struct AzCmd {
    /// Saved Vaultdeck Azure profile (name or id); omitted = --vault-url + the Azure
    /// environment.
    #[arg(long, global = true)]
    profile: Option<String>,
    /// Vault URL, e.g. https://myvault.vault.azure.net.
    #[arg(long, global = true, env = "AZURE_KEYVAULT_URL")]
    vault_url: Option<String>,
    /// PEM CA bundle to trust instead of the system roots.
    #[arg(long, global = true, env = "VDECK_AZURE_CA_BUNDLE")]
    ca_bundle: Option<String>,
    #[command(subcommand)]
    op: AzOp,
}

#[derive(Subcommand)]
enum AzOp {
    /// List secrets (all pages), or soft-deleted ones with --deleted.
    Ls {
        /// List soft-deleted secrets with their scheduled purge date.
        #[arg(long)]
        deleted: bool,
        /// Only secrets expiring (or expired) within this many days.
        #[arg(long)]
        expiring_within: Option<i64>,
    },
    /// Show a secret's properties; the value only with --reveal (recorded in the audit log).
    Get {
        /// Secret name.
        name: String,
        /// A specific version (default: the latest).
        #[arg(long)]
        version: Option<String>,
        /// Print the value.
        #[arg(long)]
        reveal: bool,
    },
    /// Set a new version with the value read from stdin.
    Set {
        /// Secret name.
        name: String,
        /// Content type, e.g. text/plain.
        #[arg(long)]
        content_type: Option<String>,
        /// Tag as KEY=VALUE (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Expiry, unix seconds.
        #[arg(long)]
        expires: Option<i64>,
    },
    /// Enable or disable a version, or change its expiry.
    Update {
        /// Secret name.
        name: String,
        /// The version (default: the latest).
        #[arg(long)]
        version: Option<String>,
        /// Enable (true) or disable (false).
        #[arg(long)]
        enabled: Option<bool>,
        /// New expiry, unix seconds (0 clears it).
        #[arg(long)]
        expires: Option<i64>,
    },
    /// List a secret's versions.
    Versions {
        /// Secret name.
        name: String,
    },
    /// Make an older version current again (its value set as a new version).
    Rollback {
        /// Secret name.
        name: String,
        /// The version whose value becomes current.
        version: String,
        /// Show what would change, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Only if this is still the current version (else exit 7, nothing written).
        #[arg(long)]
        expect_current: Option<String>,
    },
    /// Soft-delete a secret (recoverable until its scheduled purge date).
    Delete {
        /// Secret name.
        name: String,
        /// Return at once instead of waiting until the deletion is complete.
        #[arg(long)]
        no_wait: bool,
    },
    /// Recover a soft-deleted secret.
    Recover {
        /// Secret name.
        name: String,
    },
    /// Purge a soft-deleted secret for good (type its name, or --yes).
    Purge {
        /// Secret name.
        name: String,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
    /// Write a backup of every version of a secret to a file (never overwrites).
    Backup {
        /// Secret name.
        name: String,
        /// Output file.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restore a secret from a backup file.
    Restore {
        /// Backup file.
        #[arg(long = "in")]
        input: std::path::PathBuf,
    },
    /// Keys: ls, versions, create, enable, rotate, policy, delete, recover, purge.
    #[command(subcommand)]
    Key(KeyOp),
    /// Certificates (read-only): ls, get.
    #[command(subcommand)]
    Cert(CertOp),
}

#[derive(Clone, Copy, ValueEnum)]
enum Kty {
    Rsa,
    Ec,
}

#[derive(Subcommand)]
enum KeyOp {
    /// List keys.
    Ls {
        /// List soft-deleted keys with their scheduled purge date.
        #[arg(long)]
        deleted: bool,
    },
    /// List a key's versions.
    Versions {
        /// Key name.
        name: String,
    },
    /// Create a key (a new version if it exists).
    Create {
        /// Key name.
        name: String,
        /// Key type.
        #[arg(long, value_enum, default_value = "rsa")]
        kty: Kty,
        /// RSA size in bits.
        #[arg(long, default_value_t = 2048)]
        size: u32,
        /// EC curve.
        #[arg(long, default_value = "P-256")]
        curve: String,
        /// Tag as KEY=VALUE (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
    },
    /// Enable or disable one version of a key (default: the latest).
    Enable {
        /// Key name.
        name: String,
        /// A specific version.
        #[arg(long)]
        version: Option<String>,
        /// `false` disables it.
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        enabled: bool,
    },
    /// Soft-delete a key (every version; recoverable until its scheduled purge date).
    Delete {
        /// Key name.
        name: String,
    },
    /// Recover a soft-deleted key.
    Recover {
        /// Key name.
        name: String,
    },
    /// Purge a soft-deleted key for good (type its name, or --yes).
    Purge {
        /// Key name.
        name: String,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
    /// Rotate a key now (a new version).
    Rotate {
        /// Key name.
        name: String,
    },
    /// Show or change a key's rotation policy.
    #[command(subcommand)]
    Policy(PolicyOp),
}

#[derive(Subcommand)]
enum PolicyOp {
    /// Print the rotation policy.
    Get {
        /// Key name.
        name: String,
    },
    /// Replace the rotation policy (ISO 8601 durations such as P90D, P1Y).
    Set {
        /// Key name.
        name: String,
        /// Expiry of new versions.
        #[arg(long)]
        expiry: Option<String>,
        /// Rotate this long after a version is created.
        #[arg(long)]
        rotate_after: Option<String>,
        /// Rotate this long before a version expires.
        #[arg(long, conflicts_with = "rotate_after")]
        rotate_before: Option<String>,
        /// Notify this long before a version expires.
        #[arg(long)]
        notify_before: Option<String>,
    },
}

#[derive(Subcommand)]
enum CertOp {
    /// List certificates.
    Ls,
    /// Show a certificate's subject, issuer and validity.
    Get {
        /// Certificate name.
        name: String,
        /// A specific version.
        #[arg(long)]
        version: Option<String>,
    },
}

impl From<vaultdeck_azure::Error> for Failure {
    fn from(e: vaultdeck_azure::Error) -> Self {
        let hint = if e.is_deleted_but_recoverable() {
            " (recover it with `vdeck az recover`, or purge it)"
        } else if e.is_being_deleted() {
            " (the deletion is still in progress; retry in a moment)"
        } else {
            ""
        };
        fail(e.code(), format!("{e}{hint}"))
    }
}

/// A core error, with the Azure-specific way out when there is one.
/// `path` made absolute against the working directory (core takes absolute paths only).
fn absolute(path: &std::path::Path) -> Result<std::path::PathBuf, Failure> {
    std::path::absolute(path).map_err(|e| {
        fail(
            ErrorCode::InvalidInput,
            format!("cannot resolve {}: {e}", path.display()),
        )
    })
}

fn az_failure(e: vaultdeck_core::Error) -> Failure {
    match e {
        vaultdeck_core::Error::Azure(z) => z.into(),
        other => other.into(),
    }
}

/// The audited client: a saved profile's connection, or one from the flags and environment.
async fn open(cmd: &AzCmd) -> Result<AzureAudited, Failure> {
    let d = deck();
    if let Some(p) = &cmd.profile {
        let id = d.profile(p)?.id;
        d.connect(&id, None, false).await?;
        return Ok(AzureAudited::for_profile(&d, &id)?);
    }
    let Some(url) = cmd.vault_url.clone() else {
        return Err(fail(
            ErrorCode::InvalidInput,
            "no vault: pass --profile or --vault-url (or set AZURE_KEYVAULT_URL)",
        ));
    };
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let mut config = AzureConfig::new(url.clone());
    config.authority_host = env("AZURE_AUTHORITY_HOST");
    config.ca_bundle = cmd.ca_bundle.clone().map(Into::into);
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or_default()
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    config.verify_challenge_resource = !matches!(host, "127.0.0.1" | "localhost");
    let spec = match (
        env("AZURE_TENANT_ID"),
        env("AZURE_CLIENT_ID"),
        env("AZURE_CLIENT_SECRET"),
    ) {
        (Some(tenant_id), Some(client_id), Some(secret)) => CredentialSpec::ClientSecret {
            tenant_id,
            client_id,
            secret: SecretString::from(secret),
        },
        (tenant_id, _, _) => CredentialSpec::AzureCli { tenant_id },
    };
    let vault = AzureVault::new(&config, credential_for(&config, spec)?)?;
    Ok(AzureAudited::new(vault, d.audit().clone(), url))
}

fn read_value() -> Result<SecretString, Failure> {
    if std::io::stdin().is_terminal() {
        eprintln!("Enter the value, then Ctrl-D:");
    }
    let mut s = String::new();
    std::io::stdin()
        .lock()
        .read_to_string(&mut s)
        .map_err(|e| fail(ErrorCode::InvalidInput, format!("reading stdin: {e}")))?;
    if s.ends_with('\n') {
        s.pop();
        if s.ends_with('\r') {
            s.pop();
        }
    }
    if s.is_empty() {
        return Err(fail(ErrorCode::InvalidInput, "stdin held no value"));
    }
    Ok(SecretString::from(s))
}

/// What a soft delete prints: the name, until when it can be recovered and the command that
/// recovers it. `sub` is "" for a secret, "key " for a key (`vdeck az key recover`).
fn deleted_line(sub: &str, name: &str, purge_date: Option<i64>) -> String {
    format!(
        "deleted {sub}{name} (recoverable until {}: vdeck az {sub}recover {name})",
        ts(purge_date)
    )
}

/// Purges the deleted item `name` with `run` once the user confirmed it by typing the name
/// (or passed `--yes`), then prints it. `sub` is "" for a secret, "key " for a key.
async fn purge(
    json: bool,
    yes: bool,
    sub: &str,
    name: &str,
    run: impl std::future::Future<Output = vaultdeck_core::Result<()>>,
) -> Result<(), Failure> {
    let noun = if sub.is_empty() {
        "secret"
    } else {
        sub.trim_end()
    };
    confirm(
        yes,
        &format!("Purge the deleted {noun} {name} for good? This cannot be undone."),
        name,
    )?;
    run.await?;
    print(json, &json!({"purged": name}), |_| {
        format!("purged {sub}{name}")
    });
    Ok(())
}

fn ts(t: Option<i64>) -> String {
    t.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "-".into())
}

fn secret_line(p: &AzSecretProps) -> String {
    format!(
        "{:<40} {:<8} expires {:<25} {}",
        match &p.version {
            Some(v) => format!("{} {v}", p.name),
            None => p.name.clone(),
        },
        if p.enabled { "enabled" } else { "DISABLED" },
        ts(p.expires),
        p.content_type.as_deref().unwrap_or("")
    )
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn parse_tags(tags: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    tags.iter()
        .map(|t| {
            t.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| {
                    fail(
                        ErrorCode::InvalidInput,
                        format!("tag {t:?} is not KEY=VALUE"),
                    )
                })
        })
        .collect()
}

pub(crate) async fn run(cmd: AzCmd, json: bool) -> Result<ExitCode, Failure> {
    let az = open(&cmd).await?;
    let v = az.vault();
    match cmd.op {
        AzOp::Ls {
            deleted: true,
            expiring_within: _,
        } => {
            let items = v.list_deleted_secrets().await?;
            print(json, &items, |items| {
                items
                    .iter()
                    .map(|d| {
                        format!(
                            "{:<40} deleted {}  purge {}",
                            d.props.name,
                            ts(d.deleted_date),
                            ts(d.scheduled_purge_date)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        AzOp::Ls {
            deleted: false,
            expiring_within,
        } => {
            let mut items = v.list_secrets_all().await?;
            if let Some(days) = expiring_within {
                let now = now();
                items.retain(|p| az_expiring_within(p.expires, now, days));
            }
            print(json, &items, |items| {
                items.iter().map(secret_line).collect::<Vec<_>>().join("\n")
            });
        }
        AzOp::Get {
            name,
            version,
            reveal,
        } => {
            let props = v.secret_props(&name, version.as_deref()).await?;
            if reveal {
                let value = az.reveal_secret(&name, version.as_deref()).await?;
                if json {
                    print(
                        true,
                        &json!({"props": props, "value": value.expose_secret()}),
                        |_| String::new(),
                    );
                } else {
                    println!("{}", value.expose_secret());
                }
            } else {
                print(json, &props, secret_line);
            }
        }
        AzOp::Set {
            name,
            content_type,
            tags,
            expires,
        } => {
            let attrs = AzSecretUpdate {
                content_type,
                tags: (!tags.is_empty()).then(|| parse_tags(&tags)).transpose()?,
                expires: expires.map(Some),
                ..Default::default()
            };
            let value = read_value()?;
            let p = az
                .set_secret(&name, &value, &attrs)
                .await
                .map_err(az_failure)?;
            print(json, &p, |p| {
                format!(
                    "set {} version {}",
                    p.name,
                    p.version.as_deref().unwrap_or("")
                )
            });
        }
        AzOp::Update {
            name,
            version,
            enabled,
            expires,
        } => {
            let update = AzSecretUpdate {
                enabled,
                expires: expires.map(|e| (e != 0).then_some(e)),
                ..Default::default()
            };
            let p = az.update_secret(&name, version.as_deref(), &update).await?;
            print(json, &p, secret_line);
        }
        AzOp::Versions { name } => {
            let items = v.secret_versions(&name).await?;
            print(json, &items, |items| {
                items.iter().map(secret_line).collect::<Vec<_>>().join("\n")
            });
        }
        AzOp::Rollback {
            name,
            version,
            dry_run,
            expect_current,
        } => {
            let preview = az.rollback_preview(&name, &version).await?;
            if dry_run {
                print(json, &preview, |p| {
                    format!(
                        "would set the value of {} as a new version of {} (current {}; value {})",
                        p.from_version,
                        p.name,
                        p.current_version.as_deref().unwrap_or("-"),
                        if p.value_differs {
                            "differs"
                        } else {
                            "is the same"
                        }
                    )
                });
                return Ok(ExitCode::SUCCESS);
            }
            let expected = expect_current.or(preview.current_version);
            let p = az
                .rollback_secret(&name, &version, expected.as_deref())
                .await?;
            print(json, &p, |p| {
                format!(
                    "rolled back {}: new version {}",
                    p.name,
                    p.version.as_deref().unwrap_or("")
                )
            });
        }
        AzOp::Delete { name, no_wait } => {
            let mut d = az.delete_secret(&name).await?;
            if !no_wait {
                d = v.wait_secret_deleted(&name).await?;
            }
            print(json, &d, |d| {
                deleted_line("", &d.props.name, d.scheduled_purge_date)
            });
        }
        AzOp::Recover { name } => {
            let p = az.recover_secret(&name).await?;
            print(json, &p, |p| format!("recovered {}", p.name));
        }
        AzOp::Purge { name, yes } => {
            purge(json, yes, "", &name, az.purge_secret(&name, &name)).await?;
        }
        // One implementation with the app: core creates the file first (never overwrites;
        // 0600), removes it again if the service fails, and audits `az.backup` / `az.restore`.
        AzOp::Backup { name, out } => {
            let out = absolute(&out)?;
            let bytes = az.backup_secret_to_file(&name, &out).await?;
            print(
                json,
                &json!({"secret": name, "file": out, "bytes": bytes}),
                |_| format!("backed up {name} to {} ({bytes} bytes)", out.display()),
            );
        }
        AzOp::Restore { input } => {
            let input = absolute(&input)?;
            let p = az
                .restore_secret_from_file(&input)
                .await
                .map_err(az_failure)?;
            print(json, &p, |p| format!("restored {}", p.name));
        }
        AzOp::Key(op) => return key(op, &az, json).await,
        AzOp::Cert(CertOp::Ls) => {
            let items = v.list_certificates().await?;
            print(json, &items, |items| {
                items
                    .iter()
                    .map(|c| format!("{:<40} expires {}", c.name, ts(c.expires)))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        AzOp::Cert(CertOp::Get { name, version }) => {
            let c = v.get_certificate(&name, version.as_deref()).await?;
            print(json, &c, |c| {
                format!(
                    "{} {}\nsubject: {}\nissuer:  {}\nvalid:   {} .. {}\nenabled: {}",
                    c.name,
                    c.version.as_deref().unwrap_or(""),
                    c.subject.as_deref().unwrap_or("-"),
                    c.issuer.as_deref().unwrap_or("-"),
                    ts(c.not_before),
                    ts(c.expires),
                    c.enabled
                )
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn key(op: KeyOp, az: &AzureAudited, json: bool) -> Result<ExitCode, Failure> {
    let v = az.vault();
    let key_line = |k: &vaultdeck_types::AzKeyProps| {
        format!(
            "{:<40} {:<8} expires {}",
            match &k.version {
                Some(ver) => format!("{} {ver}", k.name),
                None => k.name.clone(),
            },
            if k.enabled { "enabled" } else { "DISABLED" },
            ts(k.expires)
        )
    };
    match op {
        KeyOp::Ls { deleted: true } => {
            let items = v.list_deleted_keys().await?;
            print(json, &items, |items| {
                items
                    .iter()
                    .map(|d| {
                        format!(
                            "{:<40} deleted {}  purged on {}",
                            d.props.name,
                            ts(d.deleted_date),
                            ts(d.scheduled_purge_date)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        KeyOp::Ls { deleted: false } => {
            let items = v.list_keys().await?;
            print(json, &items, |i| {
                i.iter().map(key_line).collect::<Vec<_>>().join("\n")
            });
        }
        KeyOp::Versions { name } => {
            let items = v.key_versions(&name).await?;
            print(json, &items, |i| {
                i.iter().map(key_line).collect::<Vec<_>>().join("\n")
            });
        }
        KeyOp::Create {
            name,
            kty,
            size,
            curve,
            tags,
        } => {
            let spec = match kty {
                Kty::Rsa => AzKeySpec::Rsa { size },
                Kty::Ec => AzKeySpec::Ec { curve },
            };
            let k = az.create_key(&name, &spec, &parse_tags(&tags)?).await?;
            print(json, &k, |k| key_line(k));
        }
        KeyOp::Enable {
            name,
            version,
            enabled,
        } => {
            let k = az
                .set_key_enabled(&name, version.as_deref(), enabled)
                .await?;
            print(json, &k, |k| key_line(k));
        }
        KeyOp::Delete { name } => {
            let d = az.delete_key(&name).await?;
            print(json, &d, |d| {
                deleted_line("key ", &d.props.name, d.scheduled_purge_date)
            });
        }
        KeyOp::Recover { name } => {
            let k = az.recover_key(&name).await?;
            print(json, &k, |k| format!("recovered key {}", k.name));
        }
        KeyOp::Purge { name, yes } => {
            purge(json, yes, "key ", &name, az.purge_key(&name, &name)).await?;
        }
        KeyOp::Rotate { name } => {
            let k = az.rotate_key(&name).await?;
            print(json, &k, |k| {
                format!(
                    "rotated {}: new version {}",
                    k.name,
                    k.version.as_deref().unwrap_or("")
                )
            });
        }
        KeyOp::Policy(PolicyOp::Get { name }) => {
            let p = v.rotation_policy(&name).await?;
            print(json, &p, policy_text);
        }
        KeyOp::Policy(PolicyOp::Set {
            name,
            expiry,
            rotate_after,
            rotate_before,
            notify_before,
        }) => {
            let mut actions = Vec::new();
            if rotate_after.is_some() || rotate_before.is_some() {
                actions.push(AzLifetimeAction {
                    action: AzRotationAction::Rotate,
                    time_after_create: rotate_after,
                    time_before_expiry: rotate_before,
                });
            }
            if let Some(n) = notify_before {
                actions.push(AzLifetimeAction {
                    action: AzRotationAction::Notify,
                    time_after_create: None,
                    time_before_expiry: Some(n),
                });
            }
            let policy = AzRotationPolicy {
                expiry_time: expiry,
                actions,
                ..Default::default()
            };
            let p = az.set_rotation_policy(&name, &policy).await?;
            print(json, &p, policy_text);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn policy_text(p: &AzRotationPolicy) -> String {
    let mut out = vec![format!(
        "expiry: {}",
        p.expiry_time.as_deref().unwrap_or("none")
    )];
    for a in &p.actions {
        let trigger = match (&a.time_after_create, &a.time_before_expiry) {
            (Some(t), _) => format!("{t} after creation"),
            (_, Some(t)) => format!("{t} before expiry"),
            _ => "-".into(),
        };
        out.push(format!("{:?}: {trigger}", a.action));
    }
    out.join("\n")
}
