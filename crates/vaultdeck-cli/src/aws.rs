//! `vdeck aws`: AWS Secrets Manager from the command line.
//!
//! The endpoint, region and credentials come from the standard AWS environment and config
//! (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
//! `~/.aws/config`, SSO cache) as with any AWS tool, or from a saved Vaultdeck profile with
//! `--profile`. `get` shows the detail without reading the value unless `--reveal`; values are
//! read from stdin only; destructive commands ask for confirmation (or `--yes`). Every change
//! and every reveal is recorded in the local audit log (`aws.*`).

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use serde_json::json;
use vaultdeck_aws::{AwsClient, AwsSettings};
use vaultdeck_core::aws::{
    AwsAudited, NewSecret, RotationSchedule, SecretPayload, VersionSelector,
};
use vaultdeck_types::{
    AwsDeleteMode, AwsListFilter, AwsPasswordSpec, AwsPolicySeverity, AwsSecretDetail,
    AwsServerValidation, ErrorCode,
};

use crate::{confirm, deck, fail, print, Failure};

/// `vdeck aws ...`.
#[derive(Args)]
pub(crate) struct AwsCmd {
    /// Saved Vaultdeck AWS profile (name or id); omitted = the standard AWS environment.
    #[arg(long, global = true)]
    profile: Option<String>,
    #[command(subcommand)]
    op: AwsOp,
}

#[derive(Subcommand)]
enum AwsOp {
    /// Save a Vaultdeck AWS profile (for `--profile` here and for the desktop app). Without
    /// --access-key-id it signs in through the AWS chain (named profile, env, SSO).
    ProfileAdd {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Named profile of ~/.aws/config.
        #[arg(long)]
        aws_profile: Option<String>,
        /// Region.
        #[arg(long)]
        region: Option<String>,
        /// Endpoint override (VPC endpoint, test server).
        #[arg(long)]
        endpoint_url: Option<String>,
        /// Access key id of static keys; the secret access key is read from stdin and kept in
        /// the OS keychain.
        #[arg(long)]
        access_key_id: Option<String>,
    },
    /// List every secret (all pages), optionally filtered.
    Ls {
        /// Names starting with this.
        #[arg(long)]
        prefix: Option<String>,
        /// Secrets with a tag of this key.
        #[arg(long)]
        tag_key: Option<String>,
        /// Secrets with a tag of this value.
        #[arg(long)]
        tag_value: Option<String>,
        /// Secrets whose description matches this.
        #[arg(long)]
        description: Option<String>,
        /// Also list secrets scheduled for deletion (with their deletion date).
        #[arg(long)]
        include_deleted: bool,
    },
    /// Show a secret's detail; the value only with --reveal (recorded in the audit log).
    Get {
        /// Secret name or ARN.
        name: String,
        /// Print the value (of AWSCURRENT unless --version-id / --stage).
        #[arg(long)]
        reveal: bool,
        /// Version id to reveal.
        #[arg(long, conflicts_with = "stage")]
        version_id: Option<String>,
        /// Staging label to reveal (AWSPREVIOUS, AWSPENDING, custom).
        #[arg(long)]
        stage: Option<String>,
    },
    /// Put a new value read from stdin (it becomes AWSCURRENT). With --create, create the
    /// secret instead.
    Put {
        /// Secret name or ARN.
        name: String,
        /// Only if AWSCURRENT is still this version id (else exit 7, nothing written).
        #[arg(long)]
        expect_current: Option<String>,
        /// Client request token (idempotency; default: a new UUID).
        #[arg(long)]
        token: Option<String>,
        /// Store stdin as a binary value, byte for byte.
        #[arg(long)]
        binary: bool,
        /// Create the secret (fails if it exists).
        #[arg(long)]
        create: bool,
        /// Description (with --create).
        #[arg(long)]
        description: Option<String>,
        /// KMS key (with --create).
        #[arg(long)]
        kms_key_id: Option<String>,
    },
    /// List a secret's versions and their staging labels.
    Versions {
        /// Secret name or ARN.
        name: String,
        /// Include versions without a label.
        #[arg(long)]
        include_deprecated: bool,
    },
    /// Move AWSCURRENT to VERSION_ID (the current one becomes AWSPREVIOUS).
    Rollback {
        /// Secret name or ARN.
        name: String,
        /// The version to make current.
        version_id: String,
        /// Only if AWSCURRENT is still this version id.
        #[arg(long)]
        expect_current: Option<String>,
        /// Show what would change and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Rotate: the configured Lambda now, or --client-side (GetRandomPassword → AWSPENDING →
    /// AWSCURRENT; the old value stays AWSPREVIOUS).
    Rotate {
        /// Secret name or ARN.
        name: String,
        /// Generate the new value here instead of running the rotation Lambda.
        #[arg(long)]
        client_side: bool,
        /// Password length (client-side).
        #[arg(long, default_value_t = 32)]
        length: u32,
        /// No punctuation (client-side).
        #[arg(long)]
        exclude_punctuation: bool,
        /// Characters never to use (client-side).
        #[arg(long, default_value = "")]
        exclude_characters: String,
        /// Replace only this key of a JSON value (client-side).
        #[arg(long)]
        json_key: Option<String>,
        /// Only if AWSCURRENT is still this version id (client-side).
        #[arg(long)]
        expect_current: Option<String>,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Lambda rotation settings: turn on with a schedule, or off.
    #[command(subcommand)]
    Rotation(RotationOp),
    /// Change a secret's description and / or the KMS key new versions are encrypted with.
    Update {
        /// Secret name or ARN.
        name: String,
        /// New description.
        #[arg(long)]
        description: Option<String>,
        /// KMS key id, key ARN, alias (alias/NAME) or alias ARN.
        #[arg(long)]
        kms_key_id: Option<String>,
    },
    /// Resource policies.
    #[command(subcommand)]
    Policy(PolicyOp),
    /// Delete a secret: scheduled after a recovery window (7–30 days, default 30), or --force.
    Delete {
        /// Secret name or ARN.
        name: String,
        /// Recovery window in days.
        #[arg(long, default_value_t = 30, conflicts_with = "force")]
        recovery_days: u8,
        /// Delete at once, without recovery (confirm by typing the name, or --yes).
        #[arg(long)]
        force: bool,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Cancel a scheduled deletion.
    Restore {
        /// Secret name or ARN.
        name: String,
    },
}

#[derive(Subcommand)]
enum RotationOp {
    /// Turn on Lambda rotation (RotateSecret with settings). The ARN and the schedule are
    /// checked before anything is sent.
    Enable {
        /// Secret name or ARN.
        name: String,
        /// The rotation Lambda's ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME).
        #[arg(long)]
        lambda: String,
        /// Rotate every this many days (1–1000).
        #[arg(
            long,
            conflicts_with = "schedule",
            required_unless_present = "schedule"
        )]
        days: Option<i64>,
        /// A rate() or cron() schedule expression, e.g. "rate(10 days)".
        #[arg(long)]
        schedule: Option<String>,
        /// Rotation window length, 1h–24h.
        #[arg(long)]
        duration: Option<String>,
        /// Also rotate once right away (default: only store the schedule).
        #[arg(long)]
        now: bool,
    },
    /// Turn rotation off (CancelRotateSecret).
    Disable {
        /// Secret name or ARN.
        name: String,
    },
}

#[derive(Subcommand)]
enum PolicyOp {
    /// Print the resource policy (nothing, exit 5, when there is none).
    Get {
        /// Secret name or ARN.
        name: String,
    },
    /// Check and save a policy read from stdin. Local checks (JSON, Principal "*", public
    /// access, BlockPublicPolicy) and the server's validation run first; errors refuse.
    Put {
        /// Secret name or ARN.
        name: String,
        /// Save without BlockPublicPolicy (asks for confirmation).
        #[arg(long)]
        allow_public: bool,
        /// Only check; save nothing.
        #[arg(long)]
        check: bool,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Delete the resource policy.
    Delete {
        /// Secret name or ARN.
        name: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

impl From<vaultdeck_aws::Error> for Failure {
    fn from(e: vaultdeck_aws::Error) -> Self {
        fail(e.code(), e.to_string())
    }
}

/// The audited client: a saved profile's connection, or one from the AWS environment.
async fn open(profile: Option<&str>) -> Result<AwsAudited, Failure> {
    let d = deck();
    match profile {
        Some(p) => {
            let id = d.profile(p)?.id;
            d.connect(&id, None, false).await?;
            Ok(AwsAudited::for_profile(&d, &id)?)
        }
        None => {
            let client = AwsClient::connect(&AwsSettings::default()).await?;
            let label = format!("aws:{}", client.region());
            Ok(AwsAudited::new(client, d.audit().clone(), label))
        }
    }
}

fn read_stdin_bytes(what: &str) -> Result<Vec<u8>, Failure> {
    if std::io::stdin().is_terminal() {
        eprintln!("Enter the {what}, then Ctrl-D:");
    }
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut buf)
        .map_err(|e| fail(ErrorCode::InvalidInput, format!("reading stdin: {e}")))?;
    Ok(buf)
}

/// A string value from stdin, one trailing newline dropped.
fn read_stdin_string(what: &str) -> Result<SecretString, Failure> {
    let bytes = read_stdin_bytes(what)?;
    let mut s = String::from_utf8(bytes).map_err(|_| {
        fail(
            ErrorCode::InvalidInput,
            format!("the {what} on stdin is not UTF-8 text (use --binary for bytes)"),
        )
    })?;
    if s.ends_with('\n') {
        s.pop();
        if s.ends_with('\r') {
            s.pop();
        }
    }
    if s.is_empty() {
        return Err(fail(
            ErrorCode::InvalidInput,
            format!("stdin held no {what}"),
        ));
    }
    Ok(SecretString::from(s))
}

fn detail_text(d: &AwsSecretDetail) -> String {
    let mut out = vec![
        format!("name:        {}", d.name),
        format!("arn:         {}", d.arn),
    ];
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    out.push(format!("description: {}", opt(&d.description)));
    out.push(format!(
        "kms key:     {}",
        d.kms_key_id
            .clone()
            .unwrap_or_else(|| "aws/secretsmanager (default)".into())
    ));
    if !d.tags.is_empty() {
        let tags: Vec<String> = d.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push(format!("tags:        {}", tags.join(", ")));
    }
    out.push(format!("created:     {}", opt(&d.created)));
    out.push(format!("changed:     {}", opt(&d.last_changed)));
    out.push(format!("accessed:    {}", opt(&d.last_accessed)));
    let r = &d.rotation;
    out.push(format!(
        "rotation:    {}{}{}",
        if r.enabled { "enabled" } else { "off" },
        r.lambda_arn
            .as_deref()
            .map(|l| format!(", lambda {l}"))
            .unwrap_or_default(),
        r.automatically_after_days
            .map(|n| format!(", every {n} days"))
            .or_else(|| r.schedule_expression.as_ref().map(|s| format!(", {s}")))
            .unwrap_or_default()
    ));
    if r.last_rotated.is_some() || r.next_rotation.is_some() {
        out.push(format!(
            "             last {}, next {}",
            opt(&r.last_rotated),
            opt(&r.next_rotation)
        ));
    }
    for rep in &d.replication {
        out.push(format!(
            "replica:     {} {}",
            rep.region,
            rep.status.as_deref().unwrap_or("?")
        ));
    }
    if let Some(del) = &d.deleted_date {
        out.push(format!(
            "DELETION SCHEDULED: {del} (vdeck aws restore {})",
            d.name
        ));
    }
    out.push("versions:".into());
    for v in &d.versions {
        out.push(format!(
            "  {}  {}  {}",
            v.version_id,
            v.created.as_deref().unwrap_or("-"),
            v.stages.join(",")
        ));
    }
    out.join("\n")
}

/// `vdeck aws profile-add`: saves the profile (the secret key, read from stdin, goes to the
/// keychain).
fn profile_add(op: AwsOp, json: bool) -> Result<ExitCode, Failure> {
    let AwsOp::ProfileAdd {
        name,
        aws_profile,
        region,
        endpoint_url,
        access_key_id,
    } = op
    else {
        return Err(fail(ErrorCode::Internal, "not a profile-add command"));
    };
    let credential = match &access_key_id {
        Some(_) => Some(read_stdin_string("secret access key")?),
        None => None,
    };
    let d = deck();
    if let (Some(reason), true) = (d.keychain().unavailable_reason(), credential.is_some()) {
        eprintln!(
            "vdeck: warning: no OS keychain ({reason}); the secret access key was NOT stored"
        );
    }
    let profile = vaultdeck_types::Profile {
        id: String::new(),
        name,
        kind: vaultdeck_types::ProfileKind::Aws(vaultdeck_types::AwsProfile {
            aws_profile,
            region,
            access_key_id,
            endpoint_url,
        }),
    };
    let saved = d.save_profile(profile, credential, false)?;
    print(json, &saved, |p| {
        format!("added AWS profile \"{}\" ({})", p.name, p.id)
    });
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn run(cmd: AwsCmd, json: bool) -> Result<ExitCode, Failure> {
    if matches!(cmd.op, AwsOp::ProfileAdd { .. }) {
        return profile_add(cmd.op, json);
    }
    let aws = open(cmd.profile.as_deref()).await?;
    let c = aws.client();
    match cmd.op {
        AwsOp::ProfileAdd { .. } => return profile_add(cmd.op, json),
        AwsOp::Ls {
            prefix,
            tag_key,
            tag_value,
            description,
            include_deleted,
        } => {
            let filter = AwsListFilter {
                name_prefix: prefix,
                tag_key,
                tag_value,
                description,
                include_planned_deletion: include_deleted,
            };
            if json {
                let all = c.list_all(&filter).await?;
                print(true, &all, |_| String::new());
            } else {
                // Stream: print each page as it arrives.
                let mut out = std::io::stdout().lock();
                let n = c
                    .list_secrets(&filter, None, |page| {
                        for s in page {
                            let _ = writeln!(
                                out,
                                "{}{}",
                                s.name,
                                s.deleted_date
                                    .map(|d| format!("\t(deletion scheduled {d})"))
                                    .unwrap_or_default()
                            );
                        }
                        std::ops::ControlFlow::Continue(())
                    })
                    .await?;
                if n == 0 {
                    eprintln!("no secrets");
                }
            }
        }
        AwsOp::Get {
            name,
            reveal,
            version_id,
            stage,
        } => {
            if !reveal {
                if version_id.is_some() || stage.is_some() {
                    return Err(fail(
                        ErrorCode::InvalidInput,
                        "--version-id / --stage choose the value to reveal: add --reveal",
                    ));
                }
                let d = c.describe(&name).await?;
                print(json, &d, detail_text);
                return Ok(ExitCode::SUCCESS);
            }
            let sel = match (version_id, stage) {
                (Some(v), _) => VersionSelector::Id(v),
                (None, Some(s)) => VersionSelector::Stage(s),
                (None, None) => VersionSelector::Current,
            };
            let v = aws.get_value(&name, &sel).await?;
            match (&v.value, json) {
                (SecretPayload::String(s), true) => println!(
                    "{}",
                    json!({"name": v.name, "arn": v.arn, "version_id": v.version_id,
                           "stages": v.stages, "value": s.expose_secret()})
                ),
                (SecretPayload::Binary(b), true) => {
                    let hex: String = b
                        .expose_secret()
                        .iter()
                        .map(|x| format!("{x:02x}"))
                        .collect();
                    println!(
                        "{}",
                        json!({"name": v.name, "arn": v.arn, "version_id": v.version_id,
                               "stages": v.stages, "value_hex": hex})
                    )
                }
                (SecretPayload::String(s), false) => println!("{}", s.expose_secret()),
                (SecretPayload::Binary(b), false) => {
                    let _ = std::io::stdout().lock().write_all(b.expose_secret());
                }
            }
        }
        AwsOp::Put {
            name,
            expect_current,
            token,
            binary,
            create,
            description,
            kms_key_id,
        } => {
            let value = if binary {
                let b = read_stdin_bytes("value")?;
                if b.is_empty() {
                    return Err(fail(ErrorCode::InvalidInput, "stdin held no value"));
                }
                SecretPayload::Binary(SecretSlice::from(b))
            } else {
                SecretPayload::String(read_stdin_string("value")?)
            };
            let out = if create {
                aws.create(NewSecret {
                    name: name.clone(),
                    value: Some(value),
                    description,
                    kms_key_id,
                    client_request_token: token,
                    ..Default::default()
                })
                .await?
            } else {
                if description.is_some() || kms_key_id.is_some() {
                    return Err(fail(
                        ErrorCode::InvalidInput,
                        "--description / --kms-key-id go with --create",
                    ));
                }
                aws.put_value(&name, &value, expect_current.as_deref(), token.as_deref())
                    .await?
            };
            print(json, &out, |o| {
                format!(
                    "{}: version {} is {}",
                    o.name,
                    o.version_id,
                    o.stages.join(",")
                )
            });
        }
        AwsOp::Versions {
            name,
            include_deprecated,
        } => {
            let v = c.list_versions(&name, include_deprecated).await?;
            print(json, &v, |vs| {
                vs.iter()
                    .map(|v| {
                        format!(
                            "{}\t{}\t{}",
                            v.version_id,
                            v.created.as_deref().unwrap_or("-"),
                            v.stages.join(",")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        AwsOp::Rollback {
            name,
            version_id,
            expect_current,
            dry_run,
            yes,
        } => {
            let plan = c.rollback_preview(&name, &version_id).await?;
            let describe = |p: &vaultdeck_types::AwsRollbackPlan| {
                if p.no_op {
                    return format!("{}: {} already is AWSCURRENT", p.secret, p.target_version);
                }
                format!(
                    "{}: AWSCURRENT {} -> {}; {} becomes AWSPREVIOUS{}",
                    p.secret,
                    p.current_version,
                    p.target_version,
                    p.current_version,
                    p.previous_loses_label
                        .as_deref()
                        .map(|v| format!("; {v} loses AWSPREVIOUS"))
                        .unwrap_or_default()
                )
            };
            if dry_run || plan.no_op {
                print(json, &plan, describe);
                return Ok(ExitCode::SUCCESS);
            }
            confirm(yes, &describe(&plan), &name)?;
            let expected = expect_current.unwrap_or(plan.current_version.clone());
            let done = aws.rollback(&name, &version_id, Some(&expected)).await?;
            print(json, &done, describe);
        }
        AwsOp::Rotate {
            name,
            client_side,
            length,
            exclude_punctuation,
            exclude_characters,
            json_key,
            expect_current,
            yes,
        } => {
            if client_side {
                confirm(
                    yes,
                    &format!(
                        "Replace the value of {name}{} with a new {length}-character password? \
                         The old one stays readable as AWSPREVIOUS.",
                        json_key
                            .as_deref()
                            .map(|k| format!(" (key {k})"))
                            .unwrap_or_default()
                    ),
                    &name,
                )?;
                let spec = AwsPasswordSpec {
                    length,
                    exclude_punctuation,
                    exclude_characters,
                    ..Default::default()
                };
                let out = aws
                    .rotate_client_side(
                        &name,
                        &spec,
                        json_key.as_deref(),
                        expect_current.as_deref(),
                    )
                    .await?;
                print(json, &out, |o| {
                    format!(
                        "{}: AWSCURRENT is now {} (previous {} is AWSPREVIOUS)",
                        o.name, o.new_version, o.previous_version
                    )
                });
            } else {
                confirm(
                    yes,
                    &format!("Run the rotation Lambda of {name} now?"),
                    &name,
                )?;
                let v = aws.rotate_now(&name).await?;
                print(json, &json!({"name": name, "version_id": v}), |_| {
                    format!(
                        "{name}: rotation started{}",
                        v.as_deref()
                            .map(|v| format!(" (new version {v})"))
                            .unwrap_or_default()
                    )
                });
            }
        }
        AwsOp::Rotation(RotationOp::Enable {
            name,
            lambda,
            days,
            schedule,
            duration,
            now,
        }) => {
            let schedule = RotationSchedule {
                automatically_after_days: days,
                schedule_expression: schedule,
                duration,
            };
            aws.enable_rotation(&name, &lambda, &schedule, now).await?;
            let r = c.rotation_config(&name).await?;
            print(json, &r, |r| {
                format!(
                    "{name}: rotation {} with {}",
                    if r.enabled {
                        "enabled"
                    } else {
                        "stored (not enabled)"
                    },
                    r.lambda_arn.as_deref().unwrap_or("-")
                )
            });
        }
        AwsOp::Rotation(RotationOp::Disable { name }) => {
            aws.disable_rotation(&name).await?;
            let r = c.rotation_config(&name).await?;
            print(json, &r, |_| format!("{name}: rotation off"));
        }
        AwsOp::Update {
            name,
            description,
            kms_key_id,
        } => {
            let kms = kms_key_id.as_deref().map(str::trim);
            if description.is_none() && kms.is_none_or(str::is_empty) {
                return Err(fail(
                    ErrorCode::InvalidInput,
                    "nothing to change: give --description and / or --kms-key-id",
                ));
            }
            aws.update(&name, description.as_deref(), kms.filter(|k| !k.is_empty()))
                .await?;
            let d = c.describe(&name).await?;
            print(json, &d, detail_text);
        }
        AwsOp::Policy(PolicyOp::Get { name }) => match c.get_policy(&name).await? {
            Some(p) => {
                if json {
                    let doc: serde_json::Value =
                        serde_json::from_str(&p).unwrap_or(serde_json::Value::String(p));
                    print(true, &json!({"name": name, "policy": doc}), |_| {
                        String::new()
                    });
                } else {
                    println!("{p}");
                }
            }
            None => {
                return Err(fail(
                    ErrorCode::NotFound,
                    format!("{name} has no resource policy"),
                ))
            }
        },
        AwsOp::Policy(PolicyOp::Put {
            name,
            allow_public,
            check,
            yes,
        }) => {
            let text = read_stdin_string("policy JSON")?;
            let text = text.expose_secret();
            let block_public = !allow_public;
            let report = c.review_policy(&name, text, block_public).await?;
            if !json {
                for f in &report.findings {
                    let sev = match f.severity {
                        AwsPolicySeverity::Error => "error",
                        AwsPolicySeverity::Warning => "warning",
                    };
                    eprintln!("{sev} [{}]: {}", f.check, f.message);
                }
                match &report.server {
                    Some(AwsServerValidation::Passed) => eprintln!("server validation: passed"),
                    Some(AwsServerValidation::Failed { errors }) => {
                        for e in errors {
                            eprintln!("server validation: {e}");
                        }
                    }
                    Some(AwsServerValidation::Unavailable { reason }) => eprintln!("{reason}"),
                    None => {}
                }
            }
            if report.has_errors() {
                if json {
                    print(true, &report, |_| String::new());
                }
                return Err(fail(
                    ErrorCode::InvalidInput,
                    format!("the policy for {name} was not saved: fix the errors above"),
                ));
            }
            if check {
                print(json, &report, |_| "policy checks passed".into());
                return Ok(ExitCode::SUCCESS);
            }
            if allow_public {
                confirm(
                    yes,
                    "Save WITHOUT BlockPublicPolicy: AWS will accept policies that grant \
                     public access.",
                    &name,
                )?;
            }
            aws.put_policy(&name, text, block_public).await?;
            print(
                json,
                &json!({"name": name, "saved": true, "report": report}),
                |_| format!("saved the resource policy of {name}"),
            );
        }
        AwsOp::Policy(PolicyOp::Delete { name, yes }) => {
            confirm(
                yes,
                &format!("Delete the resource policy of {name}?"),
                &name,
            )?;
            aws.delete_policy(&name).await?;
            print(json, &json!({"name": name, "deleted": true}), |_| {
                format!("deleted the resource policy of {name}")
            });
        }
        AwsOp::Delete {
            name,
            recovery_days,
            force,
            yes,
        } => {
            let mode = if force {
                AwsDeleteMode::Force
            } else {
                AwsDeleteMode::Recoverable {
                    days: recovery_days,
                }
            };
            let question = if force {
                format!("Delete {name} NOW, without recovery? This cannot be undone.")
            } else {
                format!(
                    "Schedule {name} for deletion in {recovery_days} days (restorable until \
                     then)?"
                )
            };
            confirm(yes, &question, &name)?;
            let out = aws.delete(&name, mode).await?;
            print(json, &out, |o| match (&o.deletion_date, force) {
                (_, true) => format!("{} deleted", o.name),
                (Some(d), false) => format!(
                    "{} will be deleted on {d}; `vdeck aws restore {}` cancels",
                    o.name, o.name
                ),
                (None, false) => format!("{} scheduled for deletion", o.name),
            });
        }
        AwsOp::Restore { name } => {
            aws.restore(&name).await?;
            print(json, &json!({"name": name, "restored": true}), |_| {
                format!("{name} restored")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}
