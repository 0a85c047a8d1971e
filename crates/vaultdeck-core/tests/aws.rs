//! AWS Secrets Manager connections through `Deck` and `Connection`, against a real moto server
//! (and an OpenBao dev server beside it): sign-in with keychain-held keys, identity via STS,
//! the shared Vault screens answering `Unsupported`, and the audit trail of AWS mutations.

use std::sync::{Arc, LazyLock};
use std::time::Instant;

use secrecy::{ExposeSecret, SecretString};
use vaultdeck_core::aws::{
    aws_settings, list_streamed, AwsAudited, NewSecret, RotationSchedule, SecretPayload,
    VersionSelector,
};
use vaultdeck_core::capability::{LeaseAdmin, SecretStore};
use vaultdeck_core::sessions::Deck;
use vaultdeck_testkit::Moto;
use vaultdeck_types::{
    AuditFilter, AwsDeleteMode, AwsPasswordSpec, AwsProfile, ErrorCode, Profile, ProfileKind,
};

static MOTO: LazyLock<Moto> = LazyLock::new(Moto::start);

mod common;
use common::temp_deck as deck;

/// Saves an AWS profile `name` on moto with `key_id` and its secret `key`, connects it and
/// returns its audited client.
async fn connected(deck: &Arc<Deck>, name: &str, key_id: &str, key: &str) -> AwsAudited {
    let p = deck
        .save_profile(aws_profile(name, Some(key_id)), Some(secret(key)), false)
        .unwrap();
    deck.connect(&p.id, None, false).await.unwrap();
    AwsAudited::for_profile(deck, &p.id).unwrap()
}

fn aws_profile(name: &str, key_id: Option<&str>) -> Profile {
    Profile {
        id: String::new(),
        name: name.into(),
        kind: ProfileKind::Aws(AwsProfile {
            aws_profile: None,
            region: Some("eu-central-1".into()),
            access_key_id: key_id.map(str::to_owned),
            endpoint_url: Some(MOTO.endpoint()),
        }),
    }
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_connection_opens_beside_a_vault_one() {
    let t = Instant::now();
    let (_d, deck) = deck();
    let vault_id = common::save_root_vault_profile(&deck, "bao");
    let aws = deck
        .save_profile(
            aws_profile("moto", Some("AKIDCORETEST")),
            Some(secret("core-secret-key")),
            false,
        )
        .unwrap();
    deck.connect(&vault_id, None, false).await.unwrap();
    let s = deck.connect(&aws.id, None, false).await.unwrap();
    assert_eq!(s.provider, "AWS Secrets Manager");
    assert_eq!(s.address, "eu-central-1");
    let id = s.identity.unwrap();
    assert!(
        id.display_name.starts_with("arn:aws:sts::123456789012:"),
        "{}",
        id.display_name
    );
    assert_eq!(id.accessor, "123456789012");
    assert!(!id.renewable);
    assert!(s.seal.is_none());
    assert!(s.capabilities.is_empty());
    assert_eq!(deck.list_connections().len(), 2);

    let conn = deck.connection(&aws.id).unwrap();
    assert_eq!(conn.aws().unwrap().client().region(), "eu-central-1");
    assert_eq!(conn.aws().unwrap().caller().account, "123456789012");
    let e = conn.list("secret/").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported, "{e}");
    assert!(e.to_string().contains("AWS screen"), "{e}");
    let e = conn.list_lease_prefix("").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported, "{e}");
    let e = deck.mounts(&aws.id).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported, "{e}");
    let vconn = deck.connection(&vault_id).unwrap();
    assert_eq!(vconn.aws().unwrap_err().code(), ErrorCode::Unsupported);
    // The Vault connection is unaffected.
    vconn.list("secret/").await.unwrap();

    let r = deck.refresh(&aws.id).await.unwrap();
    assert_eq!(r.identity.unwrap().accessor, "123456789012");
    deck.disconnect(&aws.id, false).await.unwrap();
    assert_eq!(deck.list_connections().len(), 1);
    eprintln!(
        "timing aws_connection_opens_beside_a_vault_one: {} ms",
        t.elapsed().as_millis()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_keys_need_the_secret_key_and_chain_profiles_need_none() {
    let (_d, deck) = deck();
    let p = deck
        .save_profile(aws_profile("keys", Some("AKIDNOSECRET")), None, false)
        .unwrap();
    let e = deck.connect(&p.id, None, false).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unauthenticated, "{e}");
    assert!(e.to_string().contains("secret access key"), "{e}");

    let ProfileKind::Aws(chain) = aws_profile("chain", None).kind else {
        unreachable!()
    };
    let s = aws_settings(&chain, None).unwrap();
    assert!(s.keys.is_none(), "the chain supplies the credentials");
    assert_eq!(s.region.as_deref(), Some("eu-central-1"));
    let ProfileKind::Aws(a) = aws_profile("keys", Some("AKIDX")).kind else {
        unreachable!()
    };
    let s = aws_settings(&a, Some(secret("sk"))).unwrap();
    let keys = s.keys.unwrap();
    assert_eq!(keys.access_key_id, "AKIDX");
    assert_eq!(keys.secret_access_key.expose_secret(), "sk");
    assert!(!format!("{keys:?}").contains("sk\""), "Debug leaks the key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_mutations_and_reveals_are_audited_without_values() {
    let t = Instant::now();
    let (_d, deck) = deck();
    let a = connected(&deck, "audited", "AKIDAUDIT", "audit-key").await;
    let name = format!(
        "core-audit-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );

    let v1 = a
        .create(NewSecret {
            name: name.clone(),
            value: Some(SecretPayload::string("value-sentinel-1")),
            ..Default::default()
        })
        .await
        .unwrap()
        .version_id;
    let v2 = a
        .put_value(
            &name,
            &SecretPayload::string("value-sentinel-2"),
            Some(&v1),
            None,
        )
        .await
        .unwrap()
        .version_id;
    // A stale put is refused and recorded as failed.
    let e = a
        .put_value(
            &name,
            &SecretPayload::string("value-sentinel-3"),
            Some(&v1),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
    let v = a.get_value(&name, &VersionSelector::Current).await.unwrap();
    assert_eq!(v.version_id, v2);
    a.rollback(&name, &v1, Some(&v2)).await.unwrap();
    a.rotate_client_side(&name, &AwsPasswordSpec::default(), None, None)
        .await
        .unwrap();
    a.delete(&name, AwsDeleteMode::Recoverable { days: 7 })
        .await
        .unwrap();
    a.restore(&name).await.unwrap();
    a.update(&name, None, Some("alias/core-audit"))
        .await
        .unwrap();
    // moto stores the rotation settings but answers NotFound for a Lambda it does not have
    // (peers.md §F); the failure is recorded as such. Disabling then succeeds.
    let lambda = "arn:aws:lambda:eu-central-1:123456789012:function:core-rotator";
    let days = RotationSchedule {
        automatically_after_days: Some(30),
        ..Default::default()
    };
    let e = a
        .enable_rotation(&name, lambda, &days, false)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
    a.disable_rotation(&name).await.unwrap();

    let entries = deck
        .audit()
        .list(&AuditFilter {
            action: Some("aws.".into()),
            ..Default::default()
        })
        .unwrap();
    let mut actions: Vec<(String, String)> = entries
        .iter()
        .map(|e| (e.action.clone(), e.outcome.clone()))
        .collect();
    actions.reverse();
    let want = [
        ("aws.create", "ok"),
        ("aws.put", "ok"),
        ("aws.put", "error"),
        ("aws.reveal", "ok"),
        ("aws.rollback", "ok"),
        ("aws.rotate_client_side", "ok"),
        ("aws.delete", "ok"),
        ("aws.restore", "ok"),
        ("aws.update", "ok"),
        ("aws.rotation_enable", "error"),
        ("aws.rotation_disable", "ok"),
    ];
    let got: Vec<(&str, &str)> = actions
        .iter()
        .map(|(a, o)| (a.as_str(), o.as_str()))
        .collect();
    assert_eq!(got, want);
    assert!(entries
        .iter()
        .all(|e| e.target.as_deref() == Some(name.as_str())
            && e.profile.as_deref() == Some("audited")));
    let kms = entries.iter().find(|e| e.action == "aws.update").unwrap();
    assert!(kms.detail.as_deref().unwrap().contains("alias/core-audit"));
    let enable = entries
        .iter()
        .find(|e| e.action == "aws.rotation_enable")
        .unwrap();
    assert!(
        enable.detail.as_deref().unwrap().contains(lambda),
        "{enable:?}"
    );
    let rollback = entries.iter().find(|e| e.action == "aws.rollback").unwrap();
    assert!(rollback.detail.as_deref().unwrap().contains(&v1));
    let text = std::fs::read_to_string(deck.audit().path()).unwrap();
    assert!(
        !text.contains("value-sentinel"),
        "a value reached the audit log"
    );
    assert!(
        !text.contains("audit-key"),
        "the secret key reached the audit log"
    );
    assert_eq!(deck.audit().verify().unwrap().first_broken_line, None);
    eprintln!(
        "timing aws_mutations_and_reveals_are_audited_without_values: {} ms",
        t.elapsed().as_millis()
    );
}

/// The streamed listing delivers page after page with running counts, and a cancel stops it
/// after the page in hand (the report says so). 25 secrets under a unique prefix, 10 a page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_listing_sends_each_page_and_stops_when_cancelled() {
    let t = Instant::now();
    let (_d, deck) = deck();
    let a = connected(&deck, "streamed", "AKIDSTREAM", "stream-key").await;
    let prefix = format!(
        "core-stream-{}/",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let names: Vec<String> = (0..25).map(|i| format!("{prefix}s{i:02}")).collect();
    for n in &names {
        a.client()
            .create(NewSecret {
                name: n.clone(),
                value: Some(SecretPayload::string("v")),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let filter = vaultdeck_types::AwsListFilter {
        name_prefix: Some(prefix.clone()),
        ..Default::default()
    };

    let cancel = tokio_util::sync::CancellationToken::new();
    let mut batches = Vec::new();
    let report = list_streamed(a.client(), &filter, Some(10), &cancel, |b| batches.push(b))
        .await
        .unwrap();
    assert_eq!(
        (report.count, report.pages, report.cancelled),
        (25, 3, false)
    );
    let shape: Vec<(u32, usize, u64)> = batches
        .iter()
        .map(|b| (b.page, b.secrets.len(), b.listed))
        .collect();
    assert_eq!(shape, [(1, 10, 10), (2, 10, 20), (3, 5, 25)]);
    let mut got: Vec<String> = batches
        .iter()
        .flat_map(|b| b.secrets.iter().map(|s| s.name.clone()))
        .collect();
    got.sort();
    assert_eq!(got, names);

    // Cancelled from inside the first page's callback: no second page is delivered.
    let cancel = tokio_util::sync::CancellationToken::new();
    let mut pages = 0;
    let report = list_streamed(a.client(), &filter, Some(10), &cancel, |_| {
        pages += 1;
        cancel.cancel();
    })
    .await
    .unwrap();
    assert_eq!(pages, 1);
    assert_eq!(
        (report.count, report.pages, report.cancelled),
        (10, 1, true)
    );

    // Cancelled before it starts: nothing is delivered.
    let cancel = tokio_util::sync::CancellationToken::new();
    cancel.cancel();
    let report = list_streamed(a.client(), &filter, Some(10), &cancel, |_| {
        panic!("a page after the cancel")
    })
    .await
    .unwrap();
    assert_eq!((report.count, report.cancelled), (0, true));

    // A listing writes nothing to the audit log.
    let entries = deck.audit().list(&AuditFilter::default()).unwrap();
    assert!(entries.iter().all(|e| !e.action.starts_with("aws.list")));
    eprintln!(
        "timing streamed_listing_sends_each_page_and_stops_when_cancelled: {} ms",
        t.elapsed().as_millis()
    );
}
