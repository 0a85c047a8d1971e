//! `vdeck aws` against a real moto server, configured only through the standard AWS
//! environment (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID…): JSON output of every page,
//! exit codes, values from stdin only, the AWSCURRENT check, rollback, client-side rotation,
//! resource policies, deletion with recovery, and the audit records left behind.

mod common;

use std::sync::LazyLock;
use std::time::Instant;

use serde_json::Value;
use vaultdeck_aws::{NewSecret, SecretPayload};
use vaultdeck_testkit::Moto;

use common::{moto_sdk, User};

static MOTO: LazyLock<Moto> = LazyLock::new(Moto::start);
const SENTINEL: &str = "cliAWSsentinel-7f3a";

/// A CLI user whose AWS environment points at moto (standard AWS variables only).
fn aws_user() -> User {
    User::with_env(
        [
            ("AWS_ENDPOINT_URL", MOTO.endpoint()),
            ("AWS_REGION", "us-west-2".to_owned()),
            ("AWS_ACCESS_KEY_ID", "AKIDCLI".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "cli-secret-key".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
    )
}

fn uniq(t: &str) -> String {
    format!("{t}-{}", &uuid_like())
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{:x}{n}", t % 0xffff_ffff)
}

fn done(test: &str, t: Instant) {
    eprintln!("timing {test}: {} ms", t.elapsed().as_millis());
}

#[test]
fn ls_json_lists_every_page() {
    let t = Instant::now();
    let prefix = uniq("many");
    // 105 secrets: more than one page of 100.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = moto_sdk(MOTO.endpoint(), "us-west-2").await;
        for i in 0..105 {
            c.create(NewSecret {
                name: format!("{prefix}/s{i:03}"),
                value: Some(SecretPayload::string("v")),
                ..Default::default()
            })
            .await
            .unwrap();
        }
    });
    let u = aws_user();
    let all = u.json(&["aws", "ls", "--prefix", &format!("{prefix}/")], None);
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 105);
    assert!(names.contains(&format!("{prefix}/s104").as_str()));
    // Human output streams the same names, one per line.
    let text = u.ok(&["aws", "ls", "--prefix", &format!("{prefix}/")], None);
    assert_eq!(text.lines().count(), 105);
    done("ls_json_lists_every_page", t);
}

#[test]
fn put_get_versions_and_the_current_check() {
    let t = Instant::now();
    let u = aws_user();
    let name = uniq("cli/db");
    // Values never come from arguments.
    u.fails(&["aws", "put", &name, "plain-value"], None, 2);
    let created = u.json(
        &["aws", "put", &name, "--create", "--description", "db login"],
        Some(&format!("{SENTINEL}-1\n")),
    );
    let v1 = created["version_id"].as_str().unwrap().to_owned();
    assert_eq!(created["stages"], serde_json::json!(["AWSCURRENT"]));
    let v2 = u.json(
        &["aws", "put", &name, "--expect-current", &v1],
        Some(&format!("{SENTINEL}-2")),
    )["version_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Stale expectation: exit 7, names the current version, nothing written.
    let err = u.fails(
        &["aws", "put", &name, "--expect-current", &v1],
        Some("draft"),
        7,
    );
    assert!(err.contains(&v2), "{err}");
    assert_eq!(
        u.ok(&["aws", "get", &name, "--reveal"], None),
        format!("{SENTINEL}-2\n")
    );

    // `get` without --reveal reads no value.
    let detail = u.json(&["aws", "get", &name], None);
    assert_eq!(detail["description"], "db login");
    assert!(!detail.to_string().contains(SENTINEL));
    assert_eq!(detail["versions"][0]["version_id"], v2.as_str());
    let prev = u.json(
        &["aws", "get", &name, "--reveal", "--stage", "AWSPREVIOUS"],
        None,
    );
    assert_eq!(prev["value"], format!("{SENTINEL}-1"));
    assert_eq!(prev["version_id"], v1.as_str());
    u.fails(&["aws", "get", &name, "--version-id", &v1], None, 2);

    let versions = u.json(&["aws", "versions", &name], None);
    assert_eq!(versions.as_array().unwrap().len(), 2);

    // Idempotent retry with the same token.
    let tok = "0f6e4b1c-1111-4a4a-8b8b-123456789abc";
    let a = u.json(&["aws", "put", &name, "--token", tok], Some("same"));
    let b = u.json(&["aws", "put", &name, "--token", tok], Some("same"));
    assert_eq!(a["version_id"], b["version_id"]);
    u.fails(&["aws", "put", &name, "--token", tok], Some("other"), 7);

    let err = u.fails(&["aws", "get", "cli/none-such", "--reveal"], None, 5);
    assert!(err.contains("ResourceNotFoundException"), "{err}");
    done("put_get_versions_and_the_current_check", t);
}

#[test]
fn rollback_previews_confirms_and_moves_current() {
    let t = Instant::now();
    let u = aws_user();
    let name = uniq("cli/rb");
    let v1 = u.json(&["aws", "put", &name, "--create"], Some("one"))["version_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let v2 = u.json(&["aws", "put", &name], Some("two"))["version_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let plan = u.json(&["aws", "rollback", &name, &v1, "--dry-run"], None);
    assert_eq!(plan["current_version"], v2.as_str());
    assert_eq!(plan["target_version"], v1.as_str());
    assert_eq!(plan["no_op"], false);
    // No terminal, no --yes: refused, nothing changed.
    let err = u.fails(&["aws", "rollback", &name, &v1], None, 2);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(u.ok(&["aws", "get", &name, "--reveal"], None), "two\n");

    let out = u.ok(&["aws", "rollback", &name, &v1, "--yes"], None);
    assert!(out.contains(&format!("{v2} becomes AWSPREVIOUS")), "{out}");
    assert_eq!(u.ok(&["aws", "get", &name, "--reveal"], None), "one\n");
    let prev = u.json(
        &["aws", "get", &name, "--reveal", "--stage", "AWSPREVIOUS"],
        None,
    );
    assert_eq!(prev["value"], "two");
    let again = u.json(&["aws", "rollback", &name, &v1, "--yes"], None);
    assert_eq!(again["no_op"], true);
    done("rollback_previews_confirms_and_moves_current", t);
}

#[test]
fn client_side_rotation_and_lambda_guard() {
    let t = Instant::now();
    let u = aws_user();
    let name = uniq("cli/rot");
    u.json(
        &["aws", "put", &name, "--create"],
        Some(r#"{"user":"app","password":"old"}"#),
    );
    let err = u.fails(&["aws", "rotate", &name, "--yes"], None, 2);
    assert!(err.contains("client-side"), "{err}");
    let out = u.json(
        &[
            "aws",
            "rotate",
            &name,
            "--client-side",
            "--length",
            "20",
            "--exclude-punctuation",
            "--json-key",
            "password",
            "--yes",
        ],
        None,
    );
    assert!(out["new_version"].is_string());
    let v = u.json(&["aws", "get", &name, "--reveal"], None);
    let doc: Value = serde_json::from_str(v["value"].as_str().unwrap()).unwrap();
    assert_eq!(doc["user"], "app");
    let pw = doc["password"].as_str().unwrap();
    assert_eq!(pw.len(), 20);
    assert!(pw.chars().all(|c| c.is_ascii_alphanumeric()), "{pw}");
    let prev = u.json(
        &["aws", "get", &name, "--reveal", "--stage", "AWSPREVIOUS"],
        None,
    );
    assert!(prev["value"].as_str().unwrap().contains("\"old\""));
    done("client_side_rotation_and_lambda_guard", t);
}

#[test]
fn resource_policy_checks_then_saves() {
    let t = Instant::now();
    let u = aws_user();
    let name = uniq("cli/pol");
    u.json(&["aws", "put", &name, "--create"], Some("x"));
    u.fails(&["aws", "policy", "get", &name], None, 5);

    let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
    let err = u.fails(&["aws", "policy", "put", &name], Some(public), 2);
    assert!(err.contains("block_public_policy"), "{err}");
    assert!(err.contains("server-side validation unavailable"), "{err}");
    u.fails(&["aws", "policy", "put", &name], Some("{not json"), 2);
    u.fails(&["aws", "policy", "get", &name], None, 5);

    let named = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
    let checked = u.json(&["aws", "policy", "put", &name, "--check"], Some(named));
    assert_eq!(checked["server"]["status"], "unavailable");
    u.fails(&["aws", "policy", "get", &name], None, 5);
    u.ok(&["aws", "policy", "put", &name], Some(named));
    let got = u.json(&["aws", "policy", "get", &name], None);
    assert_eq!(
        got["policy"]["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::123456789012:role/app"
    );
    // Public on purpose: allowed with --allow-public and confirmation (a warning only).
    u.fails(
        &["aws", "policy", "put", &name, "--allow-public"],
        Some(public),
        2,
    );
    u.ok(
        &["aws", "policy", "put", &name, "--allow-public", "--yes"],
        Some(public),
    );
    assert_eq!(
        u.json(&["aws", "policy", "get", &name], None)["policy"]["Statement"][0]["Principal"],
        "*"
    );
    u.ok(&["aws", "policy", "delete", &name, "--yes"], None);
    u.fails(&["aws", "policy", "get", &name], None, 5);
    done("resource_policy_checks_then_saves", t);
}

#[test]
fn delete_restore_force_and_audit() {
    let t = Instant::now();
    let u = aws_user();
    let name = uniq("cli/del");
    u.json(&["aws", "put", &name, "--create"], Some(SENTINEL));
    u.fails(&["aws", "delete", &name], None, 2);
    u.fails(
        &["aws", "delete", &name, "--recovery-days", "3", "--yes"],
        None,
        2,
    );
    let out = u.json(
        &["aws", "delete", &name, "--recovery-days", "7", "--yes"],
        None,
    );
    assert!(out["deletion_date"].is_string());
    let ls = u.json(&["aws", "ls", "--prefix", &name], None);
    assert!(ls.as_array().unwrap().is_empty());
    let ls = u.json(&["aws", "ls", "--prefix", &name, "--include-deleted"], None);
    assert_eq!(ls[0]["deleted_date"], out["deletion_date"]);
    u.fails(&["aws", "get", &name, "--reveal"], None, 2);
    u.ok(&["aws", "restore", &name], None);
    assert_eq!(
        u.ok(&["aws", "get", &name, "--reveal"], None),
        format!("{SENTINEL}\n")
    );
    u.ok(&["aws", "delete", &name, "--force", "--yes"], None);
    u.fails(&["aws", "get", &name], None, 5);
    u.fails(&["aws", "restore", &name], None, 5);

    let audit = u.data_text();
    for action in ["aws.create", "aws.reveal", "aws.delete", "aws.restore"] {
        assert!(
            audit.contains(action),
            "{action} missing from the audit log:\n{audit}"
        );
    }
    assert!(audit.contains("force, without recovery"), "{audit}");
    assert!(audit.contains("aws:us-west-2"), "{audit}");
    assert!(!audit.contains(SENTINEL), "a value reached the audit log");
    assert!(!audit.contains("cli-secret-key"));
    assert!(u.ok(&["audit", "verify"], None).contains("intact"));
    done("delete_restore_force_and_audit", t);
}

#[test]
fn saved_profiles_sign_in_through_the_chain_or_need_the_key() {
    let t = Instant::now();
    let u = aws_user();
    // A chain profile: the keys come from the environment, region and endpoint from the
    // profile (eu-north-1, not the environment's us-west-2).
    let p = u.json(
        &[
            "aws",
            "profile-add",
            "--name",
            "moto-chain",
            "--region",
            "eu-north-1",
            "--endpoint-url",
            &MOTO.endpoint(),
        ],
        None,
    );
    assert_eq!(p["kind"]["provider"], "aws");
    let name = uniq("cli/prof");
    u.json(
        &["aws", "--profile", "moto-chain", "put", &name, "--create"],
        Some("via-profile"),
    );
    let d = u.json(&["aws", "--profile", "moto-chain", "get", &name], None);
    assert!(d["arn"].as_str().unwrap().contains(":eu-north-1:"), "{d}");
    // Not visible in the environment's region.
    u.fails(&["aws", "get", &name], None, 5);
    let audit = u.data_text();
    assert!(audit.contains("moto-chain"), "{audit}");

    // Static keys: without a keychain the secret key is not stored, so sign-in says so.
    let out = u.run(
        &[
            "aws",
            "profile-add",
            "--name",
            "moto-keys",
            "--region",
            "eu-north-1",
            "--endpoint-url",
            &MOTO.endpoint(),
            "--access-key-id",
            "AKIDSTATIC",
        ],
        Some("static-secret\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("NOT stored") {
        let err = u.fails(&["aws", "--profile", "moto-keys", "ls"], None, 3);
        assert!(err.contains("secret access key"), "{err}");
    } else {
        u.ok(&["aws", "--profile", "moto-keys", "ls"], None);
    }
    done(
        "saved_profiles_sign_in_through_the_chain_or_need_the_key",
        t,
    );
}

#[test]
fn rotation_settings_and_kms_key_change() {
    let t = Instant::now();
    let u = aws_user();
    let name = uniq("cli/rotcfg");
    u.json(&["aws", "put", &name, "--create"], Some("v"));
    // A malformed ARN is refused before anything is sent: rotation stays off.
    let enable = |lambda: &str| {
        vec![
            "aws".to_owned(),
            "rotation".into(),
            "enable".into(),
            name.clone(),
            "--lambda".into(),
            lambda.to_owned(),
            "--days".into(),
            "30".into(),
        ]
    };
    let args = enable("cli-rotator");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = u.fails(&args, None, 2);
    assert!(err.contains("Lambda function ARN"), "{err}");
    assert_eq!(
        u.json(&["aws", "get", &name], None)["rotation"]["enabled"],
        false
    );
    // A well-formed ARN of a Lambda moto does not have: moto answers ResourceNotFound (exit
    // 5, the server's message) but stores the settings anyway (peers.md §F; AWS would not).
    let arn = "arn:aws:lambda:us-west-2:123456789012:function:cli-rotator";
    let args = enable(arn);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = u.fails(&args, None, 5);
    assert!(err.contains("cli-rotator"), "{err}");
    let r = &u.json(&["aws", "get", &name], None)["rotation"];
    assert_eq!(r["enabled"], true, "{r}");
    assert_eq!(r["lambda_arn"], arn, "{r}");
    assert_eq!(r["automatically_after_days"], 30, "{r}");
    let off = u.json(&["aws", "rotation", "disable", &name], None);
    assert_eq!(off["enabled"], false, "{off}");
    // Both --days and --schedule: refused by the argument parser.
    u.fails(
        &[
            "aws",
            "rotation",
            "enable",
            &name,
            "--lambda",
            arn,
            "--days",
            "3",
            "--schedule",
            "rate(3 days)",
        ],
        None,
        2,
    );

    // The KMS key.
    let d = u.json(
        &["aws", "update", &name, "--kms-key-id", "alias/cli-key"],
        None,
    );
    assert_eq!(d["kms_key_id"], "alias/cli-key", "{d}");
    let err = u.fails(&["aws", "update", &name], None, 2);
    assert!(err.contains("nothing to change"), "{err}");
    let audit = u.data_text();
    for action in ["aws.rotation_enable", "aws.rotation_disable", "aws.update"] {
        assert!(audit.contains(action), "{action} missing:\n{audit}");
    }
    done("rotation_settings_and_kms_key_change", t);
}
