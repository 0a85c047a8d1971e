//! `vdeck policy`: offline policy evaluation and lint (no server needed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Subcommand;
use serde::Serialize;
use serde_json::{json, Value};
use vaultdeck_policy::{Access, Finding, LintOptions, Mount, Policy, PolicySet, RuleRef, Severity};
use vaultdeck_types::ErrorCode;

use super::{fail, print, Failure};

const CHECK_ABOUT: &str = "\
Evaluate policy files offline, exactly as OpenBao answers sys/capabilities for a token holding \
exactly these policies.

The policy name is the file stem, lower-cased (the server lower-cases names too); a file named \
root.hcl is the root policy and grants [\"root\"] everywhere. With --json the output is one \
object mapping each path to its capability list (alphabetical, [\"deny\"] when nothing is \
granted), the shape of sys/capabilities.

With --explain, each path maps to an object instead:
  {\"capabilities\": [...],
   \"matched\": \"exact\" | \"exact_without_trailing_slash\" | \"wildcard\" | \"wildcard_without_trailing_slash\" | null,
   \"decided_by\": {\"policy\", \"pattern\", \"line\"} | null,   (the deny rule when denied)
   \"merged_with\": [{\"policy\", \"pattern\", \"line\", \"capabilities\"}],  (same pattern, merged)
   \"overridden\": [{\"policy\", \"pattern\", \"line\", \"capabilities\"}]}  (matched but lost, best first)
decided_by is null when no rule matches; for root it is {\"policy\": \"root\", \"pattern\": null, \"line\": null}.

Rules with an `expiration` in the past and templated paths ({{identity...}}) are left out, as the \
server does for a token without an identity entity.";

const LINT_ABOUT: &str = "\
Lint policy files (judged together as one set) and print findings, one per line:
  FILE:LINE: SEVERITY ID message (hint)
or, with --json, a JSON array of {file, policy, line, severity, id, pattern, message, hint}.
Exits 1 when any finding is an error (usable in CI), 0 otherwise. A file that does not parse \
is an error finding VDP000.

--mounts FILE gives the mount table for the KV v2 checks: either {\"secret/\": 2, \"kv1/\": 1} \
(path -> KV version) or the JSON of `bao read -format=json sys/mounts`.

Rules: VDP001 sudo outside sys/ and auth/token/; VDP002 write capabilities on a catch-all; \
VDP003 dead rule; VDP004 duplicate pattern; VDP005 KV v2 path without data/ metadata/...; \
VDP006 parameter constraints on KV v2; VDP007 shadowed deny; VDP008 list semantics; VDP009 \
literal * or +; VDP010 templated path; VDP011 rule without capabilities.";

/// `vdeck policy ...`
#[derive(Subcommand)]
pub enum PolicyCmd {
    /// What a token holding these policies may do on these paths (offline).
    #[command(long_about = CHECK_ABOUT)]
    Check {
        /// A policy file (HCL or JSON); repeat for several.
        #[arg(long = "policy", value_name = "FILE", required = true)]
        policies: Vec<PathBuf>,
        /// A request path; repeat for several.
        #[arg(long = "path", value_name = "PATH", required = true)]
        paths: Vec<String>,
        /// Show the deciding rule and the rules that lost.
        #[arg(long)]
        explain: bool,
    },
    /// Lint policy files; exit code 1 when any finding is an error.
    #[command(long_about = LINT_ABOUT)]
    Lint {
        /// Policy files (HCL or JSON).
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// Mount table (JSON) for the KV v2 checks.
        #[arg(long, value_name = "FILE")]
        mounts: Option<PathBuf>,
    },
    /// Who can access a path on a connected server: the policies with a rule there (what they
    /// grant, which rule decides) and the userpass users, AppRole roles, token roles and
    /// identity groups/entities carrying a granting policy, where the token may list them.
    WhoCan {
        /// The request path, e.g. `secret/data/app/db`.
        #[arg(long, value_name = "PATH")]
        path: String,
        /// Profile name or id; omitted = VAULT_ADDR / VAULT_TOKEN.
        #[arg(long)]
        profile: Option<String>,
        /// Treat PATH as a KV folder (e.g. `secret/apps/`): walk it and answer for every secret
        /// under it (JSON adds `subtree.rows`, one per secret).
        #[arg(long)]
        subtree: bool,
    },
}

/// Runs a `vdeck policy` subcommand.
pub async fn run(cmd: PolicyCmd, json: bool) -> Result<ExitCode, Failure> {
    match cmd {
        PolicyCmd::WhoCan {
            path,
            profile,
            subtree,
        } => who_can(&path, profile, subtree, json).await,
        PolicyCmd::Check {
            policies,
            paths,
            explain,
        } => check(&policies, &paths, explain, json),
        PolicyCmd::Lint { files, mounts } => lint(&files, mounts.as_deref(), json),
    }
}

fn policy_name(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn read(file: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(file).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            ErrorCode::NotFound
        } else {
            ErrorCode::InvalidInput
        };
        fail(code, format!("cannot read {}: {e}", file.display()))
    })
}

fn load(file: &Path) -> Result<Policy, Failure> {
    let name = policy_name(file);
    let text = read(file)?;
    if name == "root" {
        // The server's root policy has no text; any content is irrelevant.
        return Ok(Policy {
            name,
            rules: Vec::new(),
        });
    }
    Policy::parse(&name, &text).map_err(|e| {
        fail(
            ErrorCode::InvalidInput,
            format!("{}:{}: {e}", file.display(), e.line()),
        )
    })
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn rule_json(r: &RuleRef, with_caps: bool) -> Value {
    let mut v = json!({"policy": r.policy, "pattern": r.pattern, "line": r.line});
    if with_caps {
        v["capabilities"] = json!(r.capabilities.to_server_list());
    }
    v
}

fn check(
    files: &[PathBuf],
    paths: &[String],
    explain: bool,
    json: bool,
) -> Result<ExitCode, Failure> {
    let policies = files
        .iter()
        .map(|f| load(f))
        .collect::<Result<Vec<_>, _>>()?;
    let set = PolicySet::new_at(policies, now_unix());
    let mut out: BTreeMap<&str, Value> = BTreeMap::new();
    for path in paths {
        let d = set.evaluate(path);
        let value = if explain {
            let decided = match (&d.access, d.primary()) {
                (Access::Root, _) => json!({"policy": "root", "pattern": null, "line": null}),
                (_, Some(r)) => rule_json(r, false),
                (_, None) => Value::Null,
            };
            let primary = d.primary().cloned();
            let merged: Vec<Value> = d
                .decided_by
                .iter()
                .filter(|r| Some(*r) != primary.as_ref())
                .map(|r| rule_json(r, true))
                .collect();
            json!({
                "capabilities": d.capabilities(),
                "matched": d.matched,
                "decided_by": decided,
                "merged_with": merged,
                "overridden": d.overridden.iter().map(|r| rule_json(r, true)).collect::<Vec<_>>(),
            })
        } else {
            json!(d.capabilities())
        };
        out.insert(path, value);
    }
    print(json, &out, |out| {
        out.iter()
            .map(|(path, v)| {
                let caps = |v: &Value| {
                    v.as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default()
                };
                if !explain {
                    return format!("{path}\t{}", caps(v));
                }
                let mut s = format!("{path}\t{}", caps(&v["capabilities"]));
                match &v["decided_by"] {
                    Value::Null => s.push_str("\n  no rule matches"),
                    d => s.push_str(&format!(
                        "\n  decided by {} `{}` (line {})",
                        d["policy"].as_str().unwrap_or_default(),
                        d["pattern"].as_str().unwrap_or("*"),
                        d["line"]
                    )),
                }
                for (label, key) in [("merged with", "merged_with"), ("overrides", "overridden")] {
                    for r in v[key].as_array().into_iter().flatten() {
                        s.push_str(&format!(
                            "\n  {label} {} `{}` (line {}): {}",
                            r["policy"].as_str().unwrap_or_default(),
                            r["pattern"].as_str().unwrap_or_default(),
                            r["line"],
                            caps(&r["capabilities"])
                        ));
                    }
                }
                s
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(ExitCode::SUCCESS)
}

/// A finding with the file it belongs to.
#[derive(Serialize)]
struct FileFinding<'a> {
    file: String,
    #[serde(flatten)]
    finding: &'a Finding,
}

fn parse_mounts(file: &Path) -> Result<Vec<Mount>, Failure> {
    let text = read(file)?;
    let bad = |why: &str| {
        fail(
            ErrorCode::InvalidInput,
            format!(
                "{}: {why}; expected {{\"secret/\": 2, \"kv1/\": 1}} or the JSON of sys/mounts",
                file.display()
            ),
        )
    };
    let v: Value = serde_json::from_str(&text).map_err(|e| bad(&e.to_string()))?;
    let table = v
        .get("data")
        .filter(|d| d.is_object())
        .unwrap_or(&v)
        .as_object()
        .ok_or_else(|| bad("not a JSON object"))?;
    let mut mounts = Vec::new();
    for (path, m) in table {
        let version = match m {
            Value::Number(n) => n.as_u64().unwrap_or(0),
            Value::String(s) => s.parse().unwrap_or(0),
            Value::Object(o) => {
                let kind = o.get("type").and_then(Value::as_str).unwrap_or_default();
                if kind != "kv" && kind != "generic" {
                    0
                } else {
                    o.get("options")
                        .and_then(|o| o.get("version"))
                        .and_then(|v| {
                            v.as_str()
                                .map(str::to_owned)
                                .or(v.as_u64().map(|n| n.to_string()))
                        })
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1)
                }
            }
            _ => return Err(bad(&format!("mount {path:?} has no KV version"))),
        };
        mounts.push(Mount::new(path, u8::try_from(version).unwrap_or(0)));
    }
    Ok(mounts)
}

fn lint(files: &[PathBuf], mounts: Option<&Path>, json: bool) -> Result<ExitCode, Failure> {
    let options = LintOptions {
        mounts: match mounts {
            Some(m) => parse_mounts(m)?,
            None => Vec::new(),
        },
    };
    let mut parse_errors: Vec<(String, Finding)> = Vec::new();
    let mut policies = Vec::new();
    let mut file_of: BTreeMap<String, String> = BTreeMap::new();
    for file in files {
        let name = policy_name(file);
        let text = read(file)?;
        file_of.insert(name.clone(), file.display().to_string());
        match Policy::parse(&name, &text) {
            Ok(p) => policies.push(p),
            Err(e) => parse_errors.push((
                file.display().to_string(),
                Finding {
                    id: "VDP000",
                    severity: Severity::Error,
                    policy: name,
                    line: e.line(),
                    pattern: String::new(),
                    message: format!("the server would reject this policy: {e}"),
                    hint: "fix the syntax or the value the message names".into(),
                },
            )),
        }
    }
    let findings = vaultdeck_policy::lint(&policies, &options);
    let mut all: Vec<FileFinding<'_>> = parse_errors
        .iter()
        .map(|(file, f)| FileFinding {
            file: file.clone(),
            finding: f,
        })
        .collect();
    all.extend(findings.iter().map(|f| FileFinding {
        file: file_of.get(&f.policy).cloned().unwrap_or_default(),
        finding: f,
    }));
    let errors = all.iter().any(|f| f.finding.severity == Severity::Error);
    if all.is_empty() && !json {
        return Ok(ExitCode::SUCCESS);
    }
    print(json, &all, |all| {
        all.iter()
            .map(|f| {
                format!(
                    "{}:{}: {} {} {} ({})",
                    f.file,
                    f.finding.line,
                    f.finding.severity.as_str(),
                    f.finding.id,
                    f.finding.message,
                    f.finding.hint
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(ExitCode::from(u8::from(errors)))
}

async fn who_can(
    path: &str,
    profile: Option<String>,
    subtree: bool,
    json: bool,
) -> Result<ExitCode, Failure> {
    let d = super::deck();
    let id = match profile {
        Some(p) => d.profile(&p)?.id,
        None => super::env_session(&d, None)?,
    };
    d.connect(&id, None, false).await?;
    let conn = d.connection(&id)?;
    let who = match subtree {
        true => {
            vaultdeck_core::policies::analysis::who_can_subtree(&conn, path, usize::MAX).await?
        }
        false => vaultdeck_core::policies::analysis::who_can(&conn, path).await?,
    };
    print(json, &who, |w| {
        let mut lines = vec![format!("{}:", w.path)];
        for g in &w.grants {
            let rules: Vec<String> = g
                .rules
                .iter()
                .map(|r| format!("line {} {:?}", r.line, r.pattern))
                .collect();
            lines.push(format!(
                "  policy {}: {} ({})",
                g.policy,
                g.capabilities.join(", "),
                rules.join("; ")
            ));
        }
        for h in &w.holders {
            lines.push(format!(
                "  carried by {} {} at {} ({})",
                h.kind.replace('_', " "),
                h.name,
                h.mount,
                h.policies.join(", ")
            ));
        }
        for u in &w.unlisted {
            lines.push(format!("  not listable: {u}"));
        }
        lines.join("\n")
    });
    Ok(ExitCode::SUCCESS)
}
