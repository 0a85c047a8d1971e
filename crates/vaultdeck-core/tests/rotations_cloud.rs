//! Bulk rotation plans across providers, against real peers together: an OpenBao dev server
//! (a KV v2 step), the moto server (client-side AWS rotation: AWSCURRENT moves to a new
//! version, AWSPREVIOUS keeps the old) and the project's Azure Key Vault test server (a key
//! rotated to a new version, a secret given a new random version), each step on the
//! connection it names in one `Deck`. A step whose connection is closed (or unknown, or of
//! the wrong kind) fails alone; stop-on-error skips the rest; a plan without Vault steps
//! needs no Vault connection. Everything is audited and no generated value reaches the log.

use std::sync::{Arc, LazyLock};
use std::time::Instant;

use secrecy::{ExposeSecret, SecretString};
use tokio_util::sync::CancellationToken;
use vaultdeck_core::aws::{AwsAudited, NewSecret, SecretPayload, VersionSelector};
use vaultdeck_core::azure::AzureAudited;
use vaultdeck_core::capability::SecretStore;
use vaultdeck_core::leases::AuditTo;
use vaultdeck_core::rotations::{
    self, PlanConnections, RotationPlan, RotationStep, StepStatus, ValueSpec,
};
use vaultdeck_core::secrets::{Audited, SecretData};
use vaultdeck_core::sessions::Deck;
use vaultdeck_core::Connection;
use vaultdeck_testkit::{AzureKeyVault, Moto};
use vaultdeck_types::{
    AuditFilter, AwsPasswordSpec, AwsProfile, AzKeySpec, AzSecretUpdate, AzureAuth, AzureProfile,
    CloudProvider, ErrorCode, Profile, ProfileKind,
};

mod common;

static MOTO: LazyLock<Moto> = LazyLock::new(Moto::start);

struct World {
    _dir: tempfile::TempDir,
    _azure: AzureKeyVault,
    deck: Arc<Deck>,
    vault_id: String,
    aws_id: String,
    azure_id: String,
}

fn unique(p: &str) -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{p}-{n:x}")
}

/// One deck with three open connections: OpenBao, moto, the Azure test server.
async fn world() -> World {
    let azure = AzureKeyVault::start();
    let (dir, deck) = common::temp_deck();
    let save = |name: &str, kind: ProfileKind, credential: SecretString| {
        deck.save_profile(
            Profile {
                id: String::new(),
                name: name.into(),
                kind,
            },
            Some(credential),
            false,
        )
        .unwrap()
        .id
    };
    let vault_id = common::save_root_vault_profile(&deck, "bao");
    let aws_id = save(
        "moto",
        ProfileKind::Aws(AwsProfile {
            aws_profile: None,
            region: Some("eu-central-1".into()),
            access_key_id: Some("AKIDROTATIONS".into()),
            endpoint_url: Some(MOTO.endpoint()),
        }),
        SecretString::from("rotations-secret-key"),
    );
    let azure_id = save(
        "kv-test",
        ProfileKind::Azure(AzureProfile {
            vault_url: azure.vault_url(),
            tenant_id: Some(azure.tenant_id().to_owned()),
            client_id: Some(azure.client_id().to_owned()),
            auth: AzureAuth::ClientSecret,
            authority_host: Some(azure.authority_host()),
            ca_bundle: Some(azure.ca_pem_path().display().to_string()),
        }),
        azure.client_secret(),
    );
    for id in [&vault_id, &aws_id, &azure_id] {
        deck.connect(id, None, false).await.unwrap();
    }
    World {
        _dir: dir,
        _azure: azure,
        deck,
        vault_id,
        aws_id,
        azure_id,
    }
}

impl World {
    /// What a plan runs with: the audit target (profile "bao"), the Vault connection and its
    /// audited store, and the audited AWS and Azure clients.
    fn handles(
        &self,
    ) -> (
        AuditTo<'_>,
        Connection,
        Audited<Connection>,
        AwsAudited,
        AzureAudited,
    ) {
        let deck = &*self.deck;
        (
            AuditTo {
                log: deck.audit(),
                profile: "bao",
            },
            deck.connection(&self.vault_id).unwrap(),
            Audited::for_profile(deck, &self.vault_id).unwrap(),
            AwsAudited::for_profile(deck, &self.aws_id).unwrap(),
            AzureAudited::for_profile(deck, &self.azure_id).unwrap(),
        )
    }
}

fn statuses(r: &[vaultdeck_types::StepResult]) -> Vec<StepStatus> {
    r.iter().map(|r| r.status).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_plan_rotates_vault_aws_and_azure_targets() {
    let t = Instant::now();
    let w = world().await;
    let deck = &*w.deck;
    let (audit, conn, store, aws, az) = w.handles();

    // Targets on each provider, with an old value each.
    let kv_path = format!("secret/{}", unique("cloud-plan"));
    store
        .write(
            &kv_path,
            &SecretData::new()
                .with("user", "svc")
                .with("pass", "kv-old-value"),
            None,
        )
        .await
        .unwrap();
    let aws_name = unique("rot-cloud");
    let aws_v1 = aws
        .create(NewSecret {
            name: aws_name.clone(),
            value: Some(SecretPayload::string("aws-old-value")),
            ..Default::default()
        })
        .await
        .unwrap()
        .version_id;
    let key_name = unique("rot-key");
    let key_v1 = az
        .vault()
        .create_key(
            &key_name,
            &AzKeySpec::Ec {
                curve: "P-256".into(),
            },
            &Default::default(),
        )
        .await
        .unwrap()
        .version
        .unwrap();
    let sec_name = unique("rot-sec");
    let tags: std::collections::BTreeMap<String, String> =
        [("env".to_owned(), "ci".to_owned())].into();
    let sec_v1 = az
        .vault()
        .set_secret(
            &sec_name,
            &SecretString::from("az-old-value"),
            &AzSecretUpdate {
                content_type: Some("text/plain".into()),
                tags: Some(tags.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .version
        .unwrap();

    // The screen's cloud lists: names and health, never values; a Vault connection has none.
    let now = time::OffsetDateTime::now_utc();
    let at = rotations::cloud_targets(deck, &w.aws_id, now, 90)
        .await
        .unwrap();
    assert_eq!(
        (at.provider, at.name.as_str()),
        (CloudProvider::Aws, "moto")
    );
    let row = at.aws_secrets.iter().find(|s| s.name == aws_name).unwrap();
    assert!(
        !row.health.stale && row.health.age_secs.is_some(),
        "{row:?}"
    );
    let zt = rotations::cloud_targets(deck, &w.azure_id, now, 90)
        .await
        .unwrap();
    assert_eq!(zt.provider, CloudProvider::Azure);
    assert!(zt.azure_keys.iter().any(|k| k.name == key_name), "{zt:?}");
    let srow = zt
        .azure_secrets
        .iter()
        .find(|s| s.name == sec_name)
        .unwrap();
    assert!(srow.detail.contains("text/plain"), "{srow:?}");
    let later = now + time::Duration::days(91);
    let stale = rotations::cloud_targets(deck, &w.azure_id, later, 90)
        .await
        .unwrap();
    assert!(stale.azure_keys.iter().all(|k| k.health.stale));
    let e = rotations::cloud_targets(deck, &w.vault_id, now, 90)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported, "{e}");
    let e = rotations::cloud_targets(deck, "no-such-profile", now, 90)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("is not open"), "{e}");

    // One plan over the three connections.
    let spec = ValueSpec {
        length: 36,
        ..ValueSpec::default()
    };
    let plan = RotationPlan {
        steps: vec![
            RotationStep::KvValue {
                path: kv_path.clone(),
                keys: vec!["pass".into()],
                spec: spec.clone(),
            },
            RotationStep::AwsSecret {
                profile_id: w.aws_id.clone(),
                name: aws_name.clone(),
                spec: AwsPasswordSpec {
                    length: 40,
                    ..AwsPasswordSpec::default()
                },
                json_key: None,
            },
            RotationStep::AzureKey {
                profile_id: w.azure_id.clone(),
                name: key_name.clone(),
            },
            RotationStep::AzureSecret {
                profile_id: w.azure_id.clone(),
                name: sec_name.clone(),
                spec: spec.clone(),
            },
        ],
    };
    let preview = rotations::preview(&plan);
    assert!(preview.runnable);
    let on: Vec<_> = preview.steps.iter().map(|s| s.connection.clone()).collect();
    assert_eq!(
        on,
        [
            None,
            Some(w.aws_id.clone()),
            Some(w.azure_id.clone()),
            Some(w.azure_id.clone())
        ]
    );
    assert_eq!(
        rotations::plan_target_label(deck, &w.vault_id, &plan),
        "bao, moto, kv-test"
    );
    let cancel = CancellationToken::new();
    let mut streamed = Vec::new();
    let results = rotations::execute_plan(
        PlanConnections {
            vault: Some((&conn, &store)),
            deck: Some(deck),
        },
        audit,
        &plan,
        true,
        &cancel,
        |r| streamed.push(r.index),
    )
    .await;
    assert_eq!(streamed, [0, 1, 2, 3]);
    assert_eq!(statuses(&results), [StepStatus::Ok; 4], "{:#?}", results);

    // KV: a new version, the other key kept, the old version stays.
    assert_eq!(results[0].detail, "version 2");
    let kv_new = store.read_key(&kv_path, "pass", None).await.unwrap();
    assert_eq!(kv_new.expose_secret().len(), 36);
    assert_eq!(
        store
            .read_key(&kv_path, "pass", Some(1))
            .await
            .unwrap()
            .expose_secret(),
        "kv-old-value"
    );

    // AWS: AWSCURRENT is a new version holding a new 40-character password; AWSPREVIOUS holds
    // the old value.
    let versions = aws.client().list_versions(&aws_name, false).await.unwrap();
    let current = versions.iter().find(|v| v.has_stage("AWSCURRENT")).unwrap();
    let previous = versions
        .iter()
        .find(|v| v.has_stage("AWSPREVIOUS"))
        .unwrap();
    assert_ne!(current.version_id, aws_v1);
    assert_eq!(previous.version_id, aws_v1);
    assert!(
        !versions.iter().any(|v| v.has_stage("AWSPENDING")),
        "{versions:?}"
    );
    assert_eq!(
        results[1].detail,
        format!("AWSCURRENT {} (AWSPREVIOUS {aws_v1})", current.version_id)
    );
    let aws_new = aws
        .client()
        .get_value(&aws_name, &VersionSelector::Current)
        .await
        .unwrap();
    let aws_new = aws_new
        .value
        .as_string()
        .unwrap()
        .expose_secret()
        .to_owned();
    assert_eq!(aws_new.len(), 40);
    assert_ne!(aws_new, "aws-old-value");
    let aws_old = aws
        .client()
        .get_value(&aws_name, &VersionSelector::Stage("AWSPREVIOUS".into()))
        .await
        .unwrap();
    assert_eq!(
        aws_old.value.as_string().unwrap().expose_secret(),
        "aws-old-value"
    );

    // Azure key: a second version, now the latest.
    let kv = az.vault().key_versions(&key_name).await.unwrap();
    assert_eq!(kv.len(), 2, "{kv:?}");
    let latest = az.vault().get_key(&key_name, None).await.unwrap();
    let key_v2 = latest.version.unwrap();
    assert_ne!(key_v2, key_v1);
    assert_eq!(results[2].detail, format!("new version {key_v2}"));

    // Azure secret: a new version with a new value; content type and tags carried over; the
    // old version still readable.
    let sv = az.vault().secret_versions(&sec_name).await.unwrap();
    assert_eq!(sv.len(), 2);
    let props = az.vault().secret_props(&sec_name, None).await.unwrap();
    assert_ne!(props.version.as_deref(), Some(sec_v1.as_str()));
    assert_eq!(props.content_type.as_deref(), Some("text/plain"));
    assert_eq!(props.tags, tags);
    let az_new = az.vault().reveal_secret(&sec_name, None).await.unwrap();
    let az_new = az_new.expose_secret().to_owned();
    assert_eq!(az_new.len(), 36);
    assert_ne!(az_new, "az-old-value");
    assert_eq!(
        az.vault()
            .reveal_secret(&sec_name, Some(&sec_v1))
            .await
            .unwrap()
            .expose_secret(),
        "az-old-value"
    );
    assert!(results[3].detail.contains(&format!("(was {sec_v1})")));

    // A missing Azure secret is not created by a rotation.
    let missing = RotationPlan {
        steps: vec![RotationStep::AzureSecret {
            profile_id: w.azure_id.clone(),
            name: "no-such-secret".into(),
            spec: spec.clone(),
        }],
    };
    let r = rotations::execute_plan(
        PlanConnections::cloud_only(deck),
        audit,
        &missing,
        false,
        &cancel,
        |_| {},
    )
    .await;
    assert_eq!(statuses(&r), [StepStatus::Failed]);
    assert_eq!(
        az.vault()
            .secret_props("no-such-secret", None)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );

    // The audit trail: each step's own action, then the plan; no generated value anywhere.
    let entries = deck.audit().list(&AuditFilter::default()).unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "kv.patch",
        "aws.rotate_client_side",
        "az.key.rotate",
        "az.set",
        "rotate.plan",
    ] {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }
    let rot = entries
        .iter()
        .find(|e| e.action == "aws.rotate_client_side")
        .unwrap();
    assert_eq!(rot.profile.as_deref(), Some("moto"));
    assert_eq!(rot.target.as_deref(), Some(aws_name.as_str()));
    let text = std::fs::read_to_string(deck.audit().path()).unwrap();
    for v in [kv_new.expose_secret(), &aws_new, &az_new] {
        assert!(!text.contains(v), "a generated value reached the audit log");
    }
    for r in &results {
        for v in [kv_new.expose_secret(), &aws_new, &az_new] {
            assert!(!r.detail.contains(v) && !r.description.contains(v));
        }
    }
    eprintln!(
        "timing one_plan_rotates_vault_aws_and_azure_targets: {} ms",
        t.elapsed().as_millis()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_connection_fails_its_step_alone() {
    let t = Instant::now();
    let w = world().await;
    let deck = &*w.deck;
    let (audit, conn, store, aws, az) = w.handles();
    let kv_path = format!("secret/{}", unique("cloud-closed"));
    store
        .write(&kv_path, &SecretData::new().with("pass", "x"), None)
        .await
        .unwrap();
    let aws_name = unique("rot-closed");
    aws.create(NewSecret {
        name: aws_name.clone(),
        value: Some(SecretPayload::string("aws-closed-old")),
        ..Default::default()
    })
    .await
    .unwrap();
    let key_name = unique("rot-closed-key");
    az.vault()
        .create_key(
            &key_name,
            &AzKeySpec::Rsa { size: 2048 },
            &Default::default(),
        )
        .await
        .unwrap();
    // The Azure connection closes before the run.
    deck.disconnect(&w.azure_id, false).await.unwrap();

    let aws_step = RotationStep::AwsSecret {
        profile_id: w.aws_id.clone(),
        name: aws_name.clone(),
        spec: AwsPasswordSpec::default(),
        json_key: None,
    };
    let plan = RotationPlan {
        steps: vec![
            aws_step.clone(),
            RotationStep::AzureKey {
                profile_id: w.azure_id.clone(),
                name: key_name.clone(),
            },
            RotationStep::KvValue {
                path: kv_path.clone(),
                keys: vec!["pass".into()],
                spec: ValueSpec::default(),
            },
        ],
    };
    let both = || PlanConnections {
        vault: Some((&conn, &store)),
        deck: Some(deck),
    };
    let cancel = CancellationToken::new();

    // Stop on error: the closed connection's step fails, the KV step after it is skipped.
    let r = rotations::execute_plan(both(), audit, &plan, true, &cancel, |_| {}).await;
    assert_eq!(
        statuses(&r),
        [StepStatus::Ok, StepStatus::Failed, StepStatus::Skipped]
    );
    assert!(
        r[1].detail.contains("connection kv-test is not open"),
        "{}",
        r[1].detail
    );
    assert_eq!(
        store.metadata(&kv_path).await.unwrap().current_version,
        Some(1),
        "a skipped step ran"
    );
    // Continue: only that step fails; the others run.
    let r = rotations::execute_plan(both(), audit, &plan, false, &cancel, |_| {}).await;
    assert_eq!(
        statuses(&r),
        [StepStatus::Ok, StepStatus::Failed, StepStatus::Ok]
    );
    assert_eq!(
        store.metadata(&kv_path).await.unwrap().current_version,
        Some(2)
    );
    // Two client-side rotations: three versions, AWSPREVIOUS is the first rotation's.
    let versions = aws.client().list_versions(&aws_name, true).await.unwrap();
    assert!(versions.len() >= 3, "{versions:?}");

    // Unknown profile, wrong kind, and a Vault step without a Vault connection: clear
    // failures of those steps only (cloud-only connections here).
    let odd = RotationPlan {
        steps: vec![
            RotationStep::AzureKey {
                profile_id: "no-such-profile".into(),
                name: key_name.clone(),
            },
            RotationStep::AzureKey {
                profile_id: w.aws_id.clone(),
                name: key_name.clone(),
            },
            RotationStep::TransitKey {
                mount: "transit".into(),
                key: "k".into(),
            },
            aws_step,
        ],
    };
    let r = rotations::execute_plan(
        PlanConnections::cloud_only(deck),
        audit,
        &odd,
        false,
        &cancel,
        |_| {},
    )
    .await;
    assert_eq!(
        statuses(&r),
        [
            StepStatus::Failed,
            StepStatus::Failed,
            StepStatus::Failed,
            StepStatus::Ok
        ]
    );
    assert!(r[0]
        .detail
        .contains("connection no-such-profile is not open"));
    assert!(
        r[1].detail
            .contains("moto is not an Azure Key Vault connection"),
        "{}",
        r[1].detail
    );
    assert!(
        r[2].detail.contains("Vault or OpenBao connection"),
        "{}",
        r[2].detail
    );

    // The run's checks: an AWS connection cannot carry Vault steps; the label names each.
    let aws_conn: Connection = deck.connection(&w.aws_id).unwrap();
    let e = rotations::require_vault(deck, &w.aws_id, &aws_conn).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().contains("moto is not a Vault"), "{e}");
    rotations::require_vault(deck, &w.vault_id, &conn).unwrap();
    let e = rotations::plan_vault(deck, &w.aws_id, &plan).err().unwrap();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
    assert!(rotations::plan_vault(deck, &w.vault_id, &plan)
        .unwrap()
        .is_some());
    let cloud_plan = RotationPlan {
        steps: odd.steps[3..].to_vec(),
    };
    assert!(rotations::plan_vault(deck, "", &cloud_plan)
        .unwrap()
        .is_none());
    assert!(!RotationPlan {
        steps: odd.steps[3..].to_vec()
    }
    .has_vault_steps());

    // rotate.plan records the failures.
    let plans: Vec<_> = deck
        .audit()
        .list(&AuditFilter::default())
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "rotate.plan")
        .collect();
    assert_eq!(plans.len(), 3);
    assert!(plans.iter().all(|p| p.outcome != "ok"), "{plans:?}");
    eprintln!(
        "timing a_closed_connection_fails_its_step_alone: {} ms",
        t.elapsed().as_millis()
    );
}
