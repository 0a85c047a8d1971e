//! `vdeck breakglass`: seal status of every node, unseal, emergency seal and generate-root,
//! over SSH if need be. Key shares are read from stdin (one per line) or a hidden prompt,
//! never from arguments; every action is appended to the local audit log with a session id
//! and the operator's name.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use vaultdeck_core::breakglass::{cluster_status, BreakGlassSession, DEFAULT_ROOT_TTL};
use vaultdeck_types::ErrorCode;
use vaultdeck_vault::breakglass::NodeSealStatus;
use vaultdeck_vault::{VaultClient, VaultConfig};

use super::{confirm, deck, fail, print, Failure};

/// `vdeck breakglass ...`
#[derive(Subcommand)]
pub enum BreakGlassCmd {
    /// Seal status of every node: the given addresses plus those found through sys/leader and
    /// (with a token) sys/ha-status.
    Status {
        /// A node address; repeat for several.
        #[arg(long = "addr", required = true)]
        addrs: Vec<String>,
        /// Environment variable holding a token for HA discovery (optional).
        #[arg(long, default_value = "VAULT_TOKEN")]
        token_env: String,
    },
    /// Unseal one node with key shares read from stdin, one per line (hex or base64), or a
    /// hidden prompt. Exits 0 once unsealed, 1 if the shares ran out first.
    Unseal {
        #[command(flatten)]
        common: Common,
        /// Discard shares submitted earlier before starting.
        #[arg(long)]
        reset: bool,
    },
    /// Emergency seal (needs a token with sudo on sys/seal); confirm by typing the cluster name.
    Seal {
        #[command(flatten)]
        common: Common,
        /// The cluster name (as in sys/health), typed to confirm.
        #[arg(long)]
        confirm: Option<String>,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Generate a root token with key shares from stdin. Without --print-token the token is
    /// revoked (and the revocation verified) right away: a drill.
    GenerateRoot {
        #[command(flatten)]
        common: Common,
        /// Print the new root token on stdout. It is NOT revoked: revoke it when done.
        #[arg(long)]
        print_token: bool,
    },
}

/// Options shared by the node commands.
#[derive(Args)]
pub struct Common {
    /// The node's address.
    #[arg(long)]
    addr: String,
    /// Environment variable holding the token (seal, token-authenticated generate-root).
    #[arg(long, default_value = "VAULT_TOKEN")]
    token_env: String,
    /// The operator's name for the audit log (default: $USER).
    #[arg(long)]
    operator: Option<String>,
}

fn client(addr: &str, token_env: &str) -> Result<VaultClient, Failure> {
    let mut cfg = VaultConfig::new(addr);
    if let Ok(ca) = std::env::var("VAULT_CACERT") {
        cfg.ca_cert_pem = Some(
            std::fs::read(&ca)
                .map_err(|e| fail(ErrorCode::InvalidInput, format!("VAULT_CACERT {ca}: {e}")))?,
        );
    }
    let c = VaultClient::new(cfg).map_err(vaultdeck_core::Error::from)?;
    Ok(match std::env::var(token_env) {
        Ok(t) if !t.trim().is_empty() => c.with_token(SecretString::from(t.trim().to_owned())),
        _ => c,
    })
}

fn session(common: &Common, cluster: &str) -> Result<BreakGlassSession, Failure> {
    let operator = common
        .operator
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_default();
    Ok(BreakGlassSession::start_now(
        &operator,
        cluster,
        deck().audit().clone(),
    )?)
}

/// The cluster name (unsealed nodes report it), else the address.
async fn cluster_name(c: &VaultClient) -> String {
    match c.health().await {
        Ok(h) => h.cluster_name.unwrap_or_else(|| c.address().to_owned()),
        Err(_) => c.address().to_owned(),
    }
}

/// Reads key shares: stdin lines (blank lines skipped), or a hidden prompt on a terminal.
struct Shares {
    tty: bool,
}

impl Shares {
    fn new() -> Self {
        Self {
            tty: std::io::stdin().is_terminal(),
        }
    }

    fn next(&mut self, label: &str) -> Result<Option<SecretString>, Failure> {
        loop {
            let mut line = if self.tty {
                rpassword::prompt_password(format!("{label} (hidden, empty to stop): ")).map_err(
                    |e| fail(ErrorCode::InvalidInput, format!("reading the prompt: {e}")),
                )?
            } else {
                let mut l = String::new();
                let n = std::io::stdin()
                    .lock()
                    .read_line(&mut l)
                    .map_err(|e| fail(ErrorCode::InvalidInput, format!("reading stdin: {e}")))?;
                if n == 0 {
                    return Ok(None);
                }
                l
            };
            let share = line.trim().to_owned();
            zeroize_string(&mut line);
            if share.is_empty() {
                if self.tty {
                    return Ok(None);
                }
                continue;
            }
            return Ok(Some(SecretString::from(share)));
        }
    }
}

fn zeroize_string(s: &mut String) {
    secrecy::zeroize::Zeroize::zeroize(s);
}

/// Runs `vdeck breakglass ...`.
pub async fn run(cmd: BreakGlassCmd, json: bool) -> Result<ExitCode, Failure> {
    match cmd {
        BreakGlassCmd::Status { addrs, token_env } => {
            let seed = client(&addrs[0], &token_env)?;
            let mut cfg = VaultConfig::new(&addrs[0]);
            if let Ok(ca) = std::env::var("VAULT_CACERT") {
                cfg.ca_cert_pem = std::fs::read(ca).ok();
            }
            let nodes = cluster_status(&seed, &cfg, &addrs).await;
            print(json, &nodes, |ns| {
                ns.iter().map(node_line).collect::<Vec<_>>().join("\n")
            });
            if nodes.iter().any(|n| n.error.is_some()) {
                return Ok(ExitCode::from(1));
            }
        }
        BreakGlassCmd::Unseal { common, reset } => {
            let c = client(&common.addr, &common.token_env)?;
            let s = session(&common, &cluster_name(&c).await)?;
            let anon = c.without_token();
            let mut st = if reset {
                s.unseal_reset(&anon).await?
            } else {
                anon.seal_status()
                    .await
                    .map_err(vaultdeck_core::Error::from)?
            };
            let mut shares = Shares::new();
            while st.sealed {
                let label = format!("Unseal key share {}/{}", st.progress + 1, st.threshold);
                let Some(share) = shares.next(&label)? else {
                    break;
                };
                st = s.unseal(&anon, share).await?;
                if !json {
                    eprintln!(
                        "{}: {}",
                        common.addr,
                        if st.sealed {
                            format!("progress {}/{}", st.progress, st.threshold)
                        } else {
                            "unsealed".into()
                        }
                    );
                }
            }
            let sealed = st.sealed;
            print(json, &st, |st| {
                if st.sealed {
                    format!(
                        "still sealed: progress {}/{} (run again with more shares, or --reset)",
                        st.progress, st.threshold
                    )
                } else {
                    format!("{} is unsealed", common.addr)
                }
            });
            s.end()?;
            return Ok(ExitCode::from(u8::from(sealed)));
        }
        BreakGlassCmd::Seal {
            common,
            confirm: typed,
            yes,
        } => {
            let c = client(&common.addr, &common.token_env)?;
            let name = cluster_name(&c).await;
            let typed = match typed {
                Some(t) => t,
                None => {
                    confirm(
                        yes,
                        &format!("SEAL {} ({name})? Every client loses access.", common.addr),
                        &name,
                    )?;
                    name.clone()
                }
            };
            let s = session(&common, &name)?;
            s.seal(&c, &typed).await?;
            print(
                json,
                &json!({"sealed": true, "address": common.addr}),
                |_| format!("{} is sealed", common.addr),
            );
            s.end()?;
        }
        BreakGlassCmd::GenerateRoot {
            common,
            print_token,
        } => {
            let c = client(&common.addr, &common.token_env)?;
            let flow = c
                .generate_root_flows()
                .await
                .map_err(vaultdeck_core::Error::from)?
                .preferred()
                .ok_or_else(|| {
                    fail(
                        ErrorCode::Unsupported,
                        format!(
                            "{} offers no generate-root flow to this client: set ${} to a token \
                             with sudo on sys/generate-root-token (OpenBao ≥ 2.5), or use a \
                             listener with disable_unauthed_generate_root_endpoints = false",
                            common.addr, common.token_env
                        ),
                    )
                })?;
            let s = session(&common, &cluster_name(&c).await)?;
            let attempt = s.generate_root_start(&c, flow).await?;
            eprintln!(
                "generate-root started ({flow:?} flow); nonce {} — give it to the key holders; {} shares needed",
                attempt.nonce, attempt.required
            );
            let mut shares = Shares::new();
            let mut root = None;
            let mut progress = 0;
            while root.is_none() {
                let label = format!("Key share {}/{}", progress + 1, attempt.required);
                let Some(share) = shares.next(&label)? else {
                    s.generate_root_cancel(&c, flow).await?;
                    s.end()?;
                    return Err(fail(
                        ErrorCode::InvalidInput,
                        format!(
                            "the shares ran out at {progress}/{}: the attempt was cancelled",
                            attempt.required
                        ),
                    ));
                };
                let (p, r) = s
                    .generate_root_submit(&c, &attempt, share, DEFAULT_ROOT_TTL)
                    .await?;
                progress = p.progress;
                if !json && r.is_none() {
                    eprintln!("progress {}/{}", p.progress, p.required);
                }
                root = r;
            }
            let root = root.expect("loop ends with a root session");
            if print_token {
                let token = root.into_unrevoked_token()?;
                if json {
                    println!(
                        "{}",
                        json!({"nonce": attempt.nonce, "token": token.expose_secret()})
                    );
                } else {
                    println!("{}", token.expose_secret());
                    eprintln!("vdeck: this root token is NOT revoked; revoke it when done");
                }
                s.end()?;
                return Ok(ExitCode::SUCCESS);
            }
            let report = root.end().await;
            let out = json!({
                "nonce": attempt.nonce,
                "complete": true,
                "revoked": report.revoked,
                "verified": report.verified,
                "problem": report.problem,
            });
            print(json, &out, |_| match &report.problem {
                None => "root token generated, then revoked (verified: it no longer works)".into(),
                Some(p) => format!("!!! ROOT TOKEN REVOCATION PROBLEM: {p}"),
            });
            s.end()?;
            if let Some(p) = report.problem {
                return Err(fail(
                    ErrorCode::Internal,
                    format!("ROOT TOKEN NOT REVOKED: {p}"),
                ));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn node_line(n: &NodeSealStatus) -> String {
    if let Some(e) = &n.error {
        return format!("{}\tUNREACHABLE\t{e}", n.address);
    }
    let state = n
        .state
        .map(|s| format!("{s:?}").to_lowercase())
        .unwrap_or_else(|| "?".into());
    let seal = n
        .seal
        .as_ref()
        .map(|s| {
            format!(
                "{} t/n {}/{} progress {}{}",
                s.seal_type,
                s.threshold,
                s.shares,
                s.progress,
                if s.nonce.is_empty() {
                    String::new()
                } else {
                    format!(" nonce {}", s.nonce)
                }
            )
        })
        .unwrap_or_default();
    format!(
        "{}\t{state}\t{}\t{seal}",
        n.address,
        n.version.as_deref().unwrap_or("?")
    )
}
