//! `vdeck rotate plan FILE` against a real OpenBao dev server and a real moto server: a plan
//! file mixing a Vault transit step, an AWS step naming a saved AWS profile (by name) and a
//! step on a profile that does not exist; the dry run changes nothing; `--continue` runs the
//! others and exits non-zero for the failed one; a cloud-only plan needs no Vault at all.
//! Checked on the servers and in the audit log (no generated value).

mod common;

use std::time::Instant;

use secrecy::ExposeSecret;
use serde_json::json;
use vaultdeck_aws::{NewSecret, SecretPayload, VersionSelector};

use common::{aws_value, moto_sdk, User};

#[test]
fn a_plan_file_runs_vault_and_aws_steps_each_on_its_connection() {
    let t = Instant::now();
    let bao = vaultdeck_testkit::shared_openbao_dev();
    let moto = vaultdeck_testkit::Moto::start();
    let aws_env = [
        ("AWS_ACCESS_KEY_ID", "AKIDPLAN".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "plan-secret-key".to_owned()),
    ];
    let rt = tokio::runtime::Runtime::new().unwrap();
    let root = bao.client().unwrap();
    let sdk = rt.block_on(async {
        root.write("sys/mounts/transit-plan", &json!({"type": "transit"}))
            .await
            .unwrap();
        root.write("transit-plan/keys/app", &json!({}))
            .await
            .unwrap();
        moto_sdk(moto.endpoint(), "eu-west-1").await
    });
    let v1 = rt.block_on(async {
        sdk.create(NewSecret {
            name: "plan/db".into(),
            value: Some(SecretPayload::string("plan-old-value")),
            ..Default::default()
        })
        .await
        .unwrap()
        .version_id
    });
    let mut env: Vec<(String, String)> = aws_env
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    env.push(("VAULT_ADDR".into(), bao.addr.clone()));
    env.push((
        "VAULT_TOKEN".into(),
        bao.root_token.expose_secret().to_owned(),
    ));
    let u = User::with_env(env);
    // An AWS chain profile (keys from the environment), named in the plan by its name.
    u.json(
        &[
            "aws",
            "profile-add",
            "--name",
            "moto-plan",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            &moto.endpoint(),
        ],
        None,
    );
    let plan = u.dir.path().join("plan.json");
    std::fs::write(
        &plan,
        json!({"steps": [
            {"kind": "transit_key", "mount": "transit-plan", "key": "app"},
            {"kind": "aws_secret", "profile_id": "moto-plan", "name": "plan/db",
             "spec": {"length": 20}},
            {"kind": "azure_key", "profile_id": "no-such-profile", "name": "k"},
        ]})
        .to_string(),
    )
    .unwrap();
    let file = plan.to_str().unwrap();

    // Dry run: descriptions with their connection; nothing changes.
    let dry = u.json(&["rotate", "plan", file, "--dry-run"], None);
    assert_eq!(dry["runnable"], true, "{dry}");
    assert_eq!(dry["steps"][0]["connection"], serde_json::Value::Null);
    assert!(dry["steps"][1]["connection"].as_str().is_some(), "{dry}");
    assert!(dry["steps"][1]["description"]
        .as_str()
        .unwrap()
        .contains("AWSPREVIOUS"));
    assert_eq!(
        rt.block_on(aws_value(&sdk, "plan/db", &VersionSelector::Current))
            .0,
        v1
    );
    // No terminal and no --yes: refused, nothing runs.
    u.fails(&["rotate", "plan", file], None, 2);

    // --continue: the unknown profile's step fails alone; exit 1.
    let out = u.run(
        &["--json", "rotate", "plan", file, "--continue", "--yes"],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&report["ok"], &report["failed"], &report["skipped"]),
        (&json!(2), &json!(1), &json!(0)),
        "{report}"
    );
    assert!(report["results"][2]["detail"]
        .as_str()
        .unwrap()
        .contains("connection no-such-profile is not open"));
    assert!(report["target"].as_str().unwrap().contains("moto-plan"));
    let (cur, new_value) = rt.block_on(aws_value(&sdk, "plan/db", &VersionSelector::Current));
    assert_ne!(cur, v1);
    assert_eq!(new_value.len(), 20);
    assert_eq!(
        rt.block_on(aws_value(
            &sdk,
            "plan/db",
            &VersionSelector::Stage("AWSPREVIOUS".into())
        )),
        (v1.clone(), "plan-old-value".to_owned())
    );
    let latest = rt.block_on(async {
        root.read("transit-plan/keys/app").await.unwrap().unwrap()["data"]["latest_version"]
            .as_u64()
            .unwrap()
    });
    assert_eq!(latest, 2);

    // A cloud-only plan runs without any Vault configured.
    let cloud_only = User::with_env(
        aws_env
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    );
    cloud_only.json(
        &[
            "aws",
            "profile-add",
            "--name",
            "moto-only",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            &moto.endpoint(),
        ],
        None,
    );
    let only = cloud_only.dir.path().join("cloud.json");
    std::fs::write(
        &only,
        json!({"steps": [{"kind": "aws_secret", "profile_id": "moto-only",
            "name": "plan/db"}]})
        .to_string(),
    )
    .unwrap();
    let r = cloud_only.json(&["rotate", "plan", only.to_str().unwrap(), "--yes"], None);
    assert_eq!((&r["ok"], &r["failed"]), (&json!(1), &json!(0)), "{r}");
    let (_, third) = rt.block_on(aws_value(&sdk, "plan/db", &VersionSelector::Current));
    assert_eq!(third.len(), 32);
    // A bad file is a clear input error.
    std::fs::write(&only, "{\"steps\": [{\"kind\": \"nope\"}]}").unwrap();
    let err = cloud_only.fails(
        &["rotate", "plan", only.to_str().unwrap(), "--yes"],
        None,
        2,
    );
    assert!(err.contains("is not a rotation plan"), "{err}");

    for (user, values) in [(&u, vec![&new_value]), (&cloud_only, vec![&third])] {
        let audit = user.audit();
        assert!(audit.contains("\"aws.rotate_client_side\""), "{audit}");
        assert!(audit.contains("\"rotate.plan\""), "{audit}");
        let text = user.data_text();
        for v in values {
            assert!(!text.contains(v.as_str()), "a generated value was written");
        }
    }
    assert!(u.audit().contains("\"rotate.transit_key\""));
    eprintln!(
        "timing a_plan_file_runs_vault_and_aws_steps_each_on_its_connection: {} ms",
        t.elapsed().as_millis()
    );
}
