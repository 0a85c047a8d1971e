//! `vdeck`: Vaultdeck's core operations from the command line.
//!
//! Conventions for every subcommand: `--json` prints machine-readable output on stdout; errors
//! go to stderr (as JSON with `--json`) with a non-zero exit code; destructive commands ask for
//! confirmation on a terminal and accept `--yes` for scripts; secrets are read from stdin
//! (`--credential-stdin`) or a hidden prompt, never from arguments. VAULT_ADDR, VAULT_TOKEN,
//! VAULT_NAMESPACE, VAULT_CACERT and ~/.vault-token are honoured when no profile is named.

mod aws;
mod az;
mod breakglass;
mod kv;
mod leases;
mod policy;
mod rotate;

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use secrecy::SecretString;
use serde::Serialize;
use vaultdeck_core::keychain::Keychain;
use vaultdeck_core::paths::AppPaths;
use vaultdeck_core::sessions::Deck;
use vaultdeck_core::Error;
use vaultdeck_types::{ErrorCode, Profile, ProfileKind, VaultAuth, VaultProfile};

#[derive(Parser)]
#[command(name = "vdeck", version, about = "Vaultdeck from the command line")]
struct Cli {
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Manage connection profiles.
    #[command(subcommand)]
    Profile(ProfileCmd),
    /// Sign in with a profile (or VAULT_ADDR/VAULT_TOKEN) and show the identity.
    Login {
        /// Profile name or id; omitted = from the environment.
        profile: Option<String>,
        /// Read the credential (token/password/secret_id) from stdin instead of prompting.
        #[arg(long)]
        credential_stdin: bool,
        /// Store the credential in the OS keychain for next time.
        #[arg(long)]
        remember: bool,
    },
    /// Server health, seal/HA state and identity.
    Status {
        /// Profile name or id; omitted = from the environment.
        profile: Option<String>,
    },
    /// The local audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// ACL policies: evaluate (check) and lint offline; who-can against a server.
    #[command(subcommand)]
    Policy(policy::PolicyCmd),
    /// KV secrets: ls, get (reveal-only), put/patch with check-and-set, versions, diff,
    /// rollback, walk, search.
    Kv(kv::KvCmd),
    /// Break-glass: seal status of every node, unseal, emergency seal, generate-root.
    #[command(subcommand)]
    Breakglass(breakglass::BreakGlassCmd),
    /// Leases (`lease`), tokens (`token`) and rotations (`rotate`).
    #[command(flatten)]
    Leases(leases::LeasesCmd),
    /// AWS Secrets Manager: ls, get (reveal-only), put, versions, rollback, rotate, policy,
    /// delete, restore. Endpoint and credentials from the standard AWS environment.
    Aws(aws::AwsCmd),
    /// Azure Key Vault: ls, get (reveal-only), set, update, versions, rollback, delete,
    /// recover, purge, backup, restore, key (ls, create, rotate, policy), cert (ls, get).
    Az(az::AzCmd),
}

#[derive(Subcommand)]
enum ProfileCmd {
    /// List profiles.
    List,
    /// Add a Vault / OpenBao profile.
    Add {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Server address; defaults to VAULT_ADDR.
        #[arg(long, env = "VAULT_ADDR")]
        address: String,
        /// Namespace; defaults to VAULT_NAMESPACE.
        #[arg(long, env = "VAULT_NAMESPACE", default_value = "")]
        namespace: String,
        /// CA bundle (PEM); defaults to VAULT_CACERT.
        #[arg(long, env = "VAULT_CACERT")]
        ca_cert: Option<String>,
        /// Do not verify the server's TLS certificate (asks for confirmation; --yes in scripts).
        #[arg(long)]
        insecure_skip_tls_verify: bool,
        /// Allow plain http:// to a non-loopback host.
        #[arg(long)]
        allow_plain_http: bool,
        /// Sign-in method.
        #[arg(long, value_enum, default_value = "token")]
        auth: AuthArg,
        /// Username (userpass).
        #[arg(long)]
        username: Option<String>,
        /// Role ID (approle).
        #[arg(long)]
        role_id: Option<String>,
        /// Auth mount path (default: userpass / approle).
        #[arg(long)]
        mount: Option<String>,
        /// Read the credential from stdin and store it in the keychain.
        #[arg(long)]
        credential_stdin: bool,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Remove a profile and its stored credential.
    Remove {
        /// Profile name or id.
        profile: String,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Verify the hash chain; exit code 1 when broken.
    Verify,
}

#[derive(Clone, Copy, ValueEnum)]
enum AuthArg {
    Token,
    Userpass,
    Approle,
}

/// A failure with its exit code.
struct Failure {
    code: ErrorCode,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

fn fail(code: ErrorCode, message: impl Into<String>) -> Failure {
    Failure {
        code,
        message: message.into(),
    }
}

fn exit_code(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::InvalidInput => 2,
        ErrorCode::Unauthenticated => 3,
        ErrorCode::PermissionDenied => 4,
        ErrorCode::NotFound => 5,
        ErrorCode::Unavailable | ErrorCode::Sealed => 6,
        ErrorCode::Conflict => 7,
        _ => 1,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("vdeck: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(f) => {
            if json {
                let body = serde_json::json!({"error": {"code": f.code, "message": f.message}});
                eprintln!("{body}");
            } else {
                eprintln!("vdeck: {} ({})", f.message, f.code.label());
            }
            ExitCode::from(exit_code(f.code))
        }
    }
}

fn deck() -> Arc<Deck> {
    Arc::new(Deck::new(&AppPaths::from_env(), Keychain::detect()))
}

fn print<T: Serialize>(json: bool, value: &T, human: impl FnOnce(&T) -> String) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(value).unwrap_or_default()
        );
    } else {
        println!("{}", human(value));
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let json = cli.json;
    match cli.command {
        Cmd::Profile(ProfileCmd::List) => {
            let profiles = deck().list_profiles()?;
            print(json, &profiles, |ps| {
                if ps.is_empty() {
                    return "no profiles (add one with `vdeck profile add`)".into();
                }
                ps.iter()
                    .map(|p| format!("{}\t{}\t{}", p.name, p.kind.provider_label(), address(p)))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Cmd::Profile(ProfileCmd::Add {
            name,
            address,
            namespace,
            ca_cert,
            insecure_skip_tls_verify,
            allow_plain_http,
            auth,
            username,
            role_id,
            mount,
            credential_stdin,
            yes,
        }) => {
            let auth = match auth {
                AuthArg::Token => VaultAuth::Token,
                AuthArg::Userpass => VaultAuth::Userpass {
                    username: username.ok_or_else(|| {
                        fail(
                            ErrorCode::InvalidInput,
                            "--username is required for userpass",
                        )
                    })?,
                    mount: mount.unwrap_or_else(|| "userpass".into()),
                },
                AuthArg::Approle => VaultAuth::AppRole {
                    role_id: role_id.ok_or_else(|| {
                        fail(ErrorCode::InvalidInput, "--role-id is required for approle")
                    })?,
                    mount: mount.unwrap_or_else(|| "approle".into()),
                },
            };
            if insecure_skip_tls_verify {
                confirm(
                    yes,
                    "TLS verification will be OFF: the server's identity will not be checked.",
                    "yes",
                )?;
            }
            let credential = if credential_stdin {
                Some(read_secret_stdin()?)
            } else {
                None
            };
            let profile = Profile {
                id: String::new(),
                name,
                kind: ProfileKind::Vault(VaultProfile {
                    address,
                    namespace,
                    ca_cert,
                    tls_verify: !insecure_skip_tls_verify,
                    allow_plain_http,
                    auth,
                }),
            };
            let d = deck();
            if let (Some(reason), true) = (d.keychain().unavailable_reason(), credential.is_some())
            {
                eprintln!(
                    "vdeck: warning: no OS keychain ({reason}); the credential was NOT stored, \
                     pass it again at login"
                );
            }
            let saved = d.save_profile(profile, credential, insecure_skip_tls_verify)?;
            print(json, &saved, |p| {
                format!("added profile \"{}\" ({})", p.name, p.id)
            });
        }
        Cmd::Profile(ProfileCmd::Remove { profile, yes }) => {
            let d = deck();
            let p = d.profile(&profile)?;
            confirm(
                yes,
                &format!("Remove profile \"{}\" and its stored credential?", p.name),
                &p.name,
            )?;
            d.delete_profile(&p.id)?;
            print(json, &serde_json::json!({"removed": p.name}), |_| {
                format!("removed profile \"{}\"", p.name)
            });
        }
        Cmd::Login {
            profile,
            credential_stdin,
            remember,
        } => {
            let d = deck();
            let typed = if credential_stdin {
                Some(read_secret_stdin()?)
            } else {
                None
            };
            let summary = match profile {
                Some(p) => {
                    let id = d.profile(&p)?.id;
                    let typed = match typed {
                        Some(t) => Some(t),
                        None if d.keychain().get(&id)?.is_none() => Some(prompt_secret(&d, &id)?),
                        None => None,
                    };
                    d.connect(&id, typed, remember).await?
                }
                None => {
                    let id = env_session(&d, typed)?;
                    d.connect(&id, None, false).await?
                }
            };
            print(json, &summary, |s| {
                let i = s.identity.as_ref();
                format!(
                    "signed in to {} as {} (policies: {}; ttl: {})",
                    s.address,
                    i.map(|i| i.display_name.as_str()).unwrap_or("?"),
                    i.map(|i| i.policies.join(", ")).unwrap_or_default(),
                    i.and_then(|i| i.ttl_seconds)
                        .map(|t| format!("{t}s"))
                        .unwrap_or_else(|| "never expires".into())
                )
            });
        }
        Cmd::Status { profile } => {
            let d = deck();
            let id = match profile {
                Some(p) => d.profile(&p)?.id,
                None => env_session(&d, None)?,
            };
            let summary = d.connect(&id, None, false).await?;
            let mounts = d.mounts(&id).await.unwrap_or_default();
            let out = serde_json::json!({"connection": summary, "mounts": mounts});
            print(json, &out, |_| {
                let seal = summary
                    .seal
                    .as_ref()
                    .map(|s| {
                        format!(
                            "{} {} ({}), {}",
                            if s.sealed { "sealed" } else { "unsealed" },
                            s.version,
                            s.seal_type,
                            match s.is_active {
                                Some(true) => "active",
                                Some(false) => "standby",
                                None => "HA off",
                            }
                        )
                    })
                    .unwrap_or_else(|| "unknown".into());
                let who = summary
                    .identity
                    .as_ref()
                    .map(|i| format!("{} [{}]", i.display_name, i.policies.join(", ")))
                    .unwrap_or_default();
                format!(
                    "server:   {}\nstate:    {seal}\nidentity: {who}\nmounts:   {}",
                    summary.address,
                    mounts
                        .iter()
                        .map(|m| m.path.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            });
        }
        Cmd::Policy(cmd) => return policy::run(cmd, json).await,
        Cmd::Kv(cmd) => return kv::run(cmd, json).await,
        Cmd::Breakglass(cmd) => return breakglass::run(cmd, json).await,
        Cmd::Leases(cmd) => return leases::run(cmd, json).await,
        Cmd::Aws(cmd) => return aws::run(cmd, json).await,
        Cmd::Az(cmd) => return az::run(cmd, json).await,
        Cmd::Audit(AuditCmd::Verify) => {
            let report = deck().audit().verify()?;
            let broken = report.first_broken_line.is_some();
            if json {
                print(true, &report, |_| String::new());
            } else if let (Some(line), Some(reason)) = (report.first_broken_line, &report.reason) {
                eprintln!("audit log BROKEN at line {line}: {reason}");
            } else {
                println!("audit log intact: {} lines", report.lines);
            }
            return Ok(ExitCode::from(u8::from(broken)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A session-only profile from VAULT_ADDR / VAULT_TOKEN / ~/.vault-token (or a typed token).
fn env_session(d: &Deck, typed: Option<SecretString>) -> Result<String, Failure> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let imp = vaultdeck_core::env_import::from_env(|k| std::env::var(k).ok(), home.as_deref())?;
    let token = typed.or(imp.token).ok_or_else(|| {
        fail(
            ErrorCode::Unauthenticated,
            "no token: set VAULT_TOKEN, write ~/.vault-token, or pass --credential-stdin",
        )
    })?;
    Ok(d.add_session_profile(imp.profile, token).id)
}

fn address(p: &Profile) -> String {
    match &p.kind {
        ProfileKind::Vault(v) => v.address.clone(),
        ProfileKind::Aws(a) => a.region.clone().unwrap_or_default(),
        ProfileKind::Azure(a) => a.vault_url.clone(),
    }
}

fn read_secret_stdin() -> Result<SecretString, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| fail(ErrorCode::InvalidInput, format!("reading stdin: {e}")))?;
    let value = line.trim_end_matches(['\r', '\n']).to_owned();
    if value.is_empty() {
        return Err(fail(ErrorCode::InvalidInput, "stdin held no credential"));
    }
    Ok(SecretString::from(value))
}

fn prompt_secret(d: &Deck, profile_id: &str) -> Result<SecretString, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(fail(
            ErrorCode::Unauthenticated,
            "no stored credential; pass it with --credential-stdin",
        ));
    }
    let label = match d.profile(profile_id)?.kind {
        ProfileKind::Vault(v) => v.auth.credential_label(),
        _ => "Credential",
    };
    let v = rpassword::prompt_password(format!("{label}: "))
        .map_err(|e| fail(ErrorCode::InvalidInput, format!("reading the prompt: {e}")))?;
    Ok(SecretString::from(v))
}

/// Asks the user to type `expected` on a terminal; `--yes` skips; no terminal and no `--yes`
/// is an error rather than a silent yes.
fn confirm(yes: bool, question: &str, expected: &str) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(fail(
            ErrorCode::InvalidInput,
            format!("{question} Not a terminal: pass --yes to confirm"),
        ));
    }
    eprint!("{question}\nType \"{expected}\" to confirm: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if answer.trim() == expected {
        Ok(())
    } else {
        Err(fail(
            ErrorCode::InvalidInput,
            "not confirmed; nothing was changed",
        ))
    }
}
