//! `vdeck rotate plan FILE`: a bulk rotation plan from a JSON file — the format the app's
//! `run_rotation_plan` takes and its reports describe: `{"steps": [{"kind": "transit_key",
//! "mount": "transit", "key": "app"}, {"kind": "aws_secret", "profile_id": "moto", "name":
//! "app/db"}, …]}`. Vault steps run on `--profile` (or VAULT_ADDR / VAULT_TOKEN); AWS and
//! Azure steps on the saved profile each names (id or name), connected with its stored
//! credential. `--dry-run` only describes; a run prints one line per step and the counts,
//! asks for confirmation (or `--yes`), stops at the first failure unless `--continue`, and
//! exits non-zero when a step failed. Generated values are never printed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use tokio_util::sync::CancellationToken;
use vaultdeck_core::leases::AuditTo;
use vaultdeck_core::rotations::{self, PlanConnections, RotationPlan, RotationStep};
use vaultdeck_core::secrets::Audited;
use vaultdeck_types::ErrorCode;

use crate::{confirm, deck, env_session, fail, print, Failure};

/// `vdeck rotate plan FILE`.
#[derive(Args)]
pub(crate) struct PlanArgs {
    /// The plan file (JSON, `{"steps": [...]}`).
    file: PathBuf,
    /// Only describe each step; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Run the remaining steps after a failure (default: skip them).
    #[arg(long = "continue")]
    keep_going: bool,
    /// Confirm a database root step by its connection name (repeat for each).
    #[arg(long = "confirm-db-root")]
    confirm_db_root: Vec<String>,
    /// Run without asking.
    #[arg(long)]
    yes: bool,
}

fn read_plan(file: &PathBuf) -> Result<RotationPlan, Failure> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        fail(
            ErrorCode::InvalidInput,
            format!("cannot read the plan file {}: {e}", file.display()),
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        fail(
            ErrorCode::InvalidInput,
            format!(
                "{} is not a rotation plan ({e}); expected {{\"steps\": [{{\"kind\": …}}]}}",
                file.display()
            ),
        )
    })
}

/// Runs or dry-runs a plan file. `profile`: the Vault profile for Vault steps.
pub(crate) async fn plan(
    profile: Option<String>,
    a: PlanArgs,
    json: bool,
) -> Result<ExitCode, Failure> {
    let mut plan = read_plan(&a.file)?;
    let d = deck();
    // Cloud steps may name their profile by name: run them under its id.
    for step in &mut plan.steps {
        if let RotationStep::AwsSecret { profile_id, .. }
        | RotationStep::AzureKey { profile_id, .. }
        | RotationStep::AzureSecret { profile_id, .. } = step
        {
            if let Ok(p) = d.profile(profile_id) {
                *profile_id = p.id;
            }
        }
    }
    if a.dry_run {
        let preview = rotations::preview(&plan);
        print(json, &preview, |p| {
            p.steps
                .iter()
                .map(|s| {
                    let on = s.connection.as_deref().unwrap_or("vault");
                    match &s.problem {
                        Some(pr) => format!(
                            "{}. [{on}] {} — cannot run: {pr}",
                            s.index + 1,
                            s.description
                        ),
                        None => format!("{}. [{on}] {}", s.index + 1, s.description),
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
        if !preview.runnable {
            return Err(fail(
                ErrorCode::InvalidInput,
                "the plan cannot run as given: see the steps above",
            ));
        }
        return Ok(ExitCode::SUCCESS);
    }
    rotations::check_plan(&plan, &a.confirm_db_root)?;
    confirm(
        a.yes,
        &format!(
            "Run {} rotation(s) from {}?",
            plan.steps.len(),
            a.file.display()
        ),
        "run",
    )?;
    // The Vault connection, only when the plan has Vault steps.
    let mut vault_id = String::new();
    let vault = if plan.has_vault_steps() {
        vault_id = match profile {
            Some(p) => d.profile(&p)?.id,
            None => env_session(&d, None)?,
        };
        d.connect(&vault_id, None, false).await?;
        let conn = d.connection(&vault_id)?;
        rotations::require_vault(&d, &vault_id, &conn)?;
        let name = d.profile(&vault_id)?.name;
        let store = Audited::new(conn.clone(), d.audit().clone(), name);
        Some((conn, store))
    } else {
        None
    };
    // Each cloud connection once; one that cannot open fails its own steps ("not open").
    let mut cloud: Vec<&str> = Vec::new();
    for id in plan
        .steps
        .iter()
        .filter_map(RotationStep::connection_profile)
    {
        if !cloud.contains(&id) {
            cloud.push(id);
        }
    }
    for id in cloud {
        if d.connection(id).is_err() {
            if let Err(e) = d.connect(id, None, false).await {
                eprintln!("could not connect {id}: {e}; its steps will fail");
            }
        }
    }
    let audit_name = if vault_id.is_empty() {
        "plan".to_owned()
    } else {
        d.profile(&vault_id)?.name
    };
    let audit = AuditTo {
        log: d.audit(),
        profile: &audit_name,
    };
    let cancel = CancellationToken::new();
    let (started, clock) = (time::OffsetDateTime::now_utc(), Instant::now());
    let conns = PlanConnections {
        vault: vault.as_ref().map(|(c, s)| (c, s)),
        deck: Some(&*d),
    };
    let stop = !a.keep_going;
    let results = rotations::execute_plan(conns, audit, &plan, stop, &cancel, |r| {
        if !json {
            eprintln!(
                "{}. {} {}{}",
                r.index + 1,
                r.status.as_str(),
                r.description,
                if r.detail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", r.detail)
                }
            );
        }
    })
    .await;
    let target = rotations::plan_target_label(&d, &vault_id, &plan);
    let elapsed = clock.elapsed().as_millis() as u64;
    let report = rotations::run_report(target, started, elapsed, stop, false, results);
    print(json, &report, |r| {
        format!("{} ok, {} failed, {} skipped", r.ok, r.failed, r.skipped)
    });
    Ok(if report.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
