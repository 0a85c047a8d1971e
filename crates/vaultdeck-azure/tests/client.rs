//! The Azure provider against the project's Key Vault test server (real HTTPS, real token
//! endpoint, the service's soft-delete transitions): every operation and error transition.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock, Mutex};

use secrecy::{ExposeSecret, SecretString};
use vaultdeck_azure::{
    credential_for, AzureConfig, AzureVault, CredentialSpec, DeviceCodeCredential,
    RefreshTokenStore,
};
use vaultdeck_testkit::AzureKeyVault;
use vaultdeck_types::{
    AzKeySpec, AzLifetimeAction, AzRotationAction, AzRotationPolicy, AzSecretUpdate, ErrorCode,
};

static SERVER: LazyLock<AzureKeyVault> = LazyLock::new(AzureKeyVault::start);

fn config() -> AzureConfig {
    let s = &*SERVER;
    AzureConfig {
        vault_url: s.vault_url(),
        authority_host: Some(s.authority_host()),
        ca_bundle: Some(s.ca_pem_path()),
        // The server is 127.0.0.1; the challenge names vault.azure.net.
        verify_challenge_resource: false,
    }
}

fn vault() -> AzureVault {
    let s = &*SERVER;
    let cfg = config();
    let cred = credential_for(
        &cfg,
        CredentialSpec::ClientSecret {
            tenant_id: s.tenant_id().to_string(),
            client_id: s.client_id().to_string(),
            secret: s.client_secret(),
        },
    )
    .expect("credential");
    AzureVault::new(&cfg, cred).expect("client")
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid_like())
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{t:x}{n}")
}

fn secret(v: &str) -> SecretString {
    SecretString::from(v.to_string())
}

#[tokio::test]
async fn secrets_set_reveal_versions_and_all_pages() {
    let v = vault();
    assert_eq!(v.principal(), None, "no token yet");
    v.probe().await.expect("probe");
    // The client-secret token names the application and its tenant.
    let who = v.principal().expect("the token's principal");
    assert_eq!(who.kind, vaultdeck_azure::PrincipalKind::Application);
    assert_eq!(who.name, SERVER.client_id());
    assert_eq!(who.tenant_id.as_deref(), Some(SERVER.tenant_id()));
    let name = unique("app");
    let attrs = AzSecretUpdate {
        content_type: Some("text/plain".into()),
        tags: Some(BTreeMap::from([("env".into(), "test".into())])),
        ..Default::default()
    };
    let p1 = v.set_secret(&name, &secret("one"), &attrs).await.unwrap();
    assert_eq!(p1.name, name);
    assert_eq!(p1.content_type.as_deref(), Some("text/plain"));
    assert_eq!(p1.tags.get("env").map(String::as_str), Some("test"));
    assert!(p1.created.is_some() && p1.version.as_ref().unwrap().len() == 32);
    let p2 = v
        .set_secret(&name, &secret("two"), &AzSecretUpdate::default())
        .await
        .unwrap();
    assert_eq!(
        v.reveal_secret(&name, None).await.unwrap().expose_secret(),
        "two"
    );
    assert_eq!(
        v.reveal_secret(&name, p1.version.as_deref())
            .await
            .unwrap()
            .expose_secret(),
        "one"
    );
    let versions = v.secret_versions(&name).await.unwrap();
    let ids: Vec<_> = versions.iter().map(|p| p.version.clone()).collect();
    assert_eq!(versions.len(), 2);
    assert!(ids.contains(&p1.version) && ids.contains(&p2.version));

    // More than one page (25 per page): every page, through the empty pages, is followed.
    for i in 0..27 {
        v.set_secret(
            &format!("{name}-p{i}"),
            &secret("x"),
            &AzSecretUpdate::default(),
        )
        .await
        .unwrap();
    }
    let all = v.list_secrets_all().await.unwrap();
    let mine: Vec<_> = all.iter().filter(|p| p.name.starts_with(&name)).collect();
    assert_eq!(mine.len(), 28, "{mine:?}");
    assert!(mine.iter().all(|p| p.version.is_none()));
    let log = SERVER.requests();
    let followed: Vec<_> = log
        .iter()
        .filter(|r| r.path == "/secrets" && r.query("$skiptoken").is_some())
        .collect();
    assert!(followed.len() >= 2, "nextLink not followed: {followed:?}");
    // The nextLink carries api-version=7.5; the client must overwrite it with its pin.
    assert!(followed
        .iter()
        .all(|r| r.query("api-version") == Some(vaultdeck_azure::API_VERSION)));
}

#[tokio::test]
async fn update_attributes_and_disabled_secret_is_403_secret_disabled() {
    let v = vault();
    let name = unique("dis");
    v.set_secret(&name, &secret("s"), &AzSecretUpdate::default())
        .await
        .unwrap();
    let exp = 1_900_000_000;
    let p = v
        .update_secret(
            &name,
            None,
            &AzSecretUpdate {
                enabled: Some(false),
                expires: Some(Some(exp)),
                content_type: Some("application/json".into()),
                tags: Some(BTreeMap::from([("owner".into(), "ops".into())])),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!p.enabled);
    assert_eq!(p.expires, Some(exp));
    assert_eq!(p.content_type.as_deref(), Some("application/json"));
    let err = v.reveal_secret(&name, None).await.unwrap_err();
    assert!(err.is_disabled(), "{err}");
    assert_eq!(err.code(), ErrorCode::PermissionDenied);
    // The list still shows it, disabled, with its expiry.
    let listed = v.list_secrets_all().await.unwrap();
    let item = listed.iter().find(|p| p.name == name).unwrap();
    assert!(!item.enabled && item.expires == Some(exp));
    v.update_secret(
        &name,
        None,
        &AzSecretUpdate {
            enabled: Some(true),
            expires: Some(None),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        v.reveal_secret(&name, None).await.unwrap().expose_secret(),
        "s"
    );
}

#[tokio::test]
async fn soft_delete_transitions_recover_and_purge() {
    let v = vault();
    let name = unique("del");
    v.set_secret(&name, &secret("keep"), &AzSecretUpdate::default())
        .await
        .unwrap();
    let d = v.delete_secret(&name).await.unwrap();
    assert_eq!(d.props.name, name);
    assert!(d
        .recovery_id
        .as_deref()
        .unwrap()
        .ends_with(&format!("/deletedsecrets/{name}")));

    // Right after the delete: the deleted entry is not visible yet, purge/recover are early.
    let e = v.deleted_secret(&name).await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    let e = v.purge_secret(&name).await.unwrap_err();
    assert!(e.is_being_deleted(), "{e}");
    assert_eq!(e.code(), ErrorCode::Conflict);
    let e = v.recover_secret(&name).await.unwrap_err();
    assert!(e.is_being_deleted(), "{e}");
    // The name is taken while deleted: setting it is refused, nothing is overwritten.
    let e = v
        .set_secret(&name, &secret("new"), &AzSecretUpdate::default())
        .await
        .unwrap_err();
    assert!(e.is_deleted_but_recoverable(), "{e}");
    // Reading it is a plain 404.
    assert!(v
        .reveal_secret(&name, None)
        .await
        .unwrap_err()
        .is_not_found());

    let d = v.wait_secret_deleted(&name).await.unwrap();
    assert!(d.scheduled_purge_date.unwrap() > d.deleted_date.unwrap());
    let listed = v.list_deleted_secrets().await.unwrap();
    assert!(listed.iter().any(|d| d.props.name == name));

    let r = v.recover_secret_when_ready(&name).await.unwrap();
    assert_eq!(r.name, name);
    assert_eq!(
        v.reveal_secret(&name, None).await.unwrap().expose_secret(),
        "keep"
    );

    v.delete_secret(&name).await.unwrap();
    v.purge_secret_when_ready(&name).await.unwrap();
    assert!(v.deleted_secret(&name).await.unwrap_err().is_not_found());
    // Purged for good: the name is free again.
    v.set_secret(&name, &secret("fresh"), &AzSecretUpdate::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn backup_and_restore_keep_every_version() {
    let v = vault();
    let name = unique("bak");
    v.set_secret(&name, &secret("a"), &AzSecretUpdate::default())
        .await
        .unwrap();
    v.set_secret(&name, &secret("b"), &AzSecretUpdate::default())
        .await
        .unwrap();
    let blob = v.backup_secret(&name).await.unwrap();
    assert!(blob.len() > 16);
    // Restoring onto the existing name is refused.
    let e = v.restore_secret(&blob).await.unwrap_err();
    assert_eq!(e.status(), Some(409), "{e}");
    v.delete_secret(&name).await.unwrap();
    v.purge_secret_when_ready(&name).await.unwrap();
    let r = v.restore_secret(&blob).await.unwrap();
    assert_eq!(r.name, name);
    assert_eq!(v.secret_versions(&name).await.unwrap().len(), 2);
    assert_eq!(
        v.reveal_secret(&name, None).await.unwrap().expose_secret(),
        "b"
    );
    let e = v.restore_secret(b"not a backup").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
}

#[tokio::test]
async fn rollback_previews_then_sets_the_old_value_as_a_new_version() {
    let v = vault();
    let name = unique("rb");
    let old = v
        .set_secret(
            &name,
            &secret("old"),
            &AzSecretUpdate {
                content_type: Some("text/old".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let cur = v
        .set_secret(&name, &secret("new"), &AzSecretUpdate::default())
        .await
        .unwrap();
    let old_v = old.version.clone().unwrap();
    let preview = v.rollback_preview(&name, &old_v).await.unwrap();
    assert!(preview.value_differs);
    assert_eq!(preview.current_version, cur.version);
    assert_eq!(preview.content_type.as_deref(), Some("text/old"));

    // A stale preview writes nothing.
    let e = v
        .rollback_secret(&name, &old_v, Some(&old_v))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
    assert_eq!(v.secret_versions(&name).await.unwrap().len(), 2);

    let r = v
        .rollback_secret(&name, &old_v, cur.version.as_deref())
        .await
        .unwrap();
    assert_ne!(r.version, old.version);
    assert_ne!(r.version, cur.version);
    assert_eq!(r.content_type.as_deref(), Some("text/old"));
    assert_eq!(
        v.reveal_secret(&name, None).await.unwrap().expose_secret(),
        "old"
    );
    assert_eq!(v.secret_versions(&name).await.unwrap().len(), 3);
}

#[tokio::test]
async fn keys_create_rotate_and_rotation_policy() {
    let v = vault();
    let name = unique("key");
    let rsa = v
        .create_key(
            &name,
            &AzKeySpec::Rsa { size: 2048 },
            &BTreeMap::from([("team".into(), "sec".into())]),
        )
        .await
        .unwrap();
    assert_eq!(rsa.kty.as_deref(), Some("RSA"));
    assert_eq!(rsa.key_size, Some(2048));
    assert!(rsa.key_ops.iter().any(|o| o == "sign"));
    let ec = v
        .create_key(
            &format!("{name}-ec"),
            &AzKeySpec::Ec {
                curve: "P-256".into(),
            },
            &BTreeMap::new(),
        )
        .await
        .unwrap();
    assert_eq!(ec.kty.as_deref(), Some("EC"));
    assert_eq!(ec.curve.as_deref(), Some("P-256"));
    let e = v
        .create_key("bad", &AzKeySpec::Rsa { size: 1000 }, &BTreeMap::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);

    let listed = v.list_keys().await.unwrap();
    assert!(listed
        .iter()
        .any(|k| k.name == name && k.tags.contains_key("team")));

    let rotated = v.rotate_key(&name).await.unwrap();
    assert_ne!(rotated.version, rsa.version);
    assert_eq!(rotated.key_size, Some(2048));
    assert_eq!(v.key_versions(&name).await.unwrap().len(), 2);
    let got = v.get_key(&name, rsa.version.as_deref()).await.unwrap();
    assert_eq!(got.version, rsa.version);

    let disabled = v
        .set_key_enabled(&name, rsa.version.as_deref(), false)
        .await
        .unwrap();
    assert!(!disabled.enabled);

    let default = v.rotation_policy(&name).await.unwrap();
    assert_eq!(default.actions.len(), 1);
    assert_eq!(default.actions[0].action, AzRotationAction::Notify);

    let policy = AzRotationPolicy {
        expiry_time: Some("P1Y".into()),
        actions: vec![
            AzLifetimeAction {
                action: AzRotationAction::Rotate,
                time_after_create: Some("P90D".into()),
                time_before_expiry: None,
            },
            AzLifetimeAction {
                action: AzRotationAction::Notify,
                time_after_create: None,
                time_before_expiry: Some("P30D".into()),
            },
        ],
        ..Default::default()
    };
    let saved = v.set_rotation_policy(&name, &policy).await.unwrap();
    assert_eq!(saved.expiry_time.as_deref(), Some("P1Y"));
    assert_eq!(saved.actions, policy.actions);
    let read = v.rotation_policy(&name).await.unwrap();
    assert_eq!(read.actions, policy.actions);
    assert!(read.updated.is_some());
    // With the policy's expiry, a rotation gives the new version an expiry date.
    let r2 = v.rotate_key(&name).await.unwrap();
    assert!(r2.expires.is_some());

    // Rejected locally (typo), before any request.
    let mut bad = policy.clone();
    bad.actions[0].time_after_create = Some("90 days".into());
    let e = v.set_rotation_policy(&name, &bad).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.status().is_none(), "{e}");
    // Rejected by the service (trigger shorter than 7 days): 400 BadParameter.
    let mut short = policy.clone();
    short.actions[0].time_after_create = Some("P1D".into());
    let e = v.set_rotation_policy(&name, &short).await.unwrap_err();
    assert_eq!(e.status(), Some(400), "{e}");
    assert_eq!(e.service_code(), Some("BadParameter"));
    // Unchanged after the rejected saves.
    assert_eq!(
        v.rotation_policy(&name).await.unwrap().actions,
        policy.actions
    );

    let e = v.rotate_key(&unique("missing")).await.unwrap_err();
    assert!(e.is_not_found());
    assert_eq!(e.service_code(), Some("KeyNotFound"));
}

#[tokio::test]
async fn certificates_are_listed_with_subject_issuer_and_expiry() {
    let name = unique("cert");
    SERVER.seed_certificate(&name, "www.example.test", 30);
    let v2 = SERVER.seed_certificate(&name, "www.example.test", 400);
    let v = vault();
    let listed = v.list_certificates().await.unwrap();
    let item = listed.iter().find(|c| c.name == name).unwrap();
    assert!(item.thumbprint.as_deref().is_some_and(|t| t.len() == 27));
    let versions = v.certificate_versions(&name).await.unwrap();
    assert_eq!(versions.len(), 2);
    let c = v.get_certificate(&name, None).await.unwrap();
    assert_eq!(c.version.as_deref(), Some(v2.as_str()));
    assert_eq!(c.subject.as_deref(), Some("CN=www.example.test"));
    assert_eq!(c.issuer.as_deref(), Some("Self"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let exp = c.expires.unwrap();
    assert!((exp - (now + 400 * 86400)).abs() < 120, "{exp}");
    assert!(vaultdeck_types::az_expiring_within(
        versions[0].expires,
        now,
        31
    ));
    assert!(!vaultdeck_types::az_expiring_within(c.expires, now, 31));
    let e = v
        .get_certificate(&unique("nocert"), None)
        .await
        .unwrap_err();
    assert!(e.is_not_found());
}

#[tokio::test]
async fn sign_in_failures_and_bad_config_are_clear_errors() {
    let s = &*SERVER;
    let cfg = config();
    let cred = credential_for(
        &cfg,
        CredentialSpec::ClientSecret {
            tenant_id: s.tenant_id().to_string(),
            client_id: s.client_id().to_string(),
            secret: secret("wrong"),
        },
    )
    .unwrap();
    let v = AzureVault::new(&cfg, cred).unwrap();
    let e = v.probe().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unauthenticated, "{e}");
    assert!(e.to_string().contains("AADSTS7000215"), "{e}");
    assert!(!e.to_string().contains("wrong"), "the secret leaked: {e}");

    let mut plain = cfg.clone();
    plain.vault_url = plain.vault_url.replace("https://", "http://");
    let cred = credential_for(
        &cfg,
        CredentialSpec::ClientSecret {
            tenant_id: s.tenant_id().to_string(),
            client_id: s.client_id().to_string(),
            secret: s.client_secret(),
        },
    )
    .unwrap();
    let e = AzureVault::new(&plain, cred.clone()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");

    // Without the test CA, TLS verification fails (system roots don't know it).
    let mut no_ca = cfg.clone();
    no_ca.ca_bundle = None;
    let e = AzureVault::new(&no_ca, cred.clone())
        .unwrap()
        .probe()
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unavailable, "{e}");

    // A CA path that does not exist.
    let mut bad_ca = cfg.clone();
    bad_ca.ca_bundle = Some("/nonexistent/ca.pem".into());
    assert_eq!(
        AzureVault::new(&bad_ca, cred).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
}

#[derive(Default)]
struct MemoryStore(Mutex<Option<String>>);

impl RefreshTokenStore for MemoryStore {
    fn load(&self) -> Option<SecretString> {
        self.0.lock().unwrap().clone().map(SecretString::from)
    }
    fn save(&self, token: &SecretString) {
        *self.0.lock().unwrap() = Some(token.expose_secret().to_string());
    }
    fn clear(&self) {
        *self.0.lock().unwrap() = None;
    }
}

#[tokio::test]
async fn device_code_sign_in_prompts_once_then_refreshes_silently() {
    let s = &*SERVER;
    let cfg = config();
    let store = Arc::new(MemoryStore::default());
    let prompts = Arc::new(Mutex::new(Vec::new()));
    let make = |prompts: Arc<Mutex<Vec<vaultdeck_types::AzDeviceCodePrompt>>>| {
        DeviceCodeCredential::new(
            &cfg,
            s.tenant_id(),
            s.client_id(),
            Arc::new(move |p| prompts.lock().unwrap().push(p.clone())),
            store.clone(),
        )
        .unwrap()
    };
    let cred = Arc::new(make(prompts.clone()));
    let v = AzureVault::new(&cfg, cred).unwrap();
    v.probe().await.expect("device-code sign-in");
    let who = v.principal().expect("the token's principal");
    assert_eq!(who.kind, vaultdeck_azure::PrincipalKind::User);
    assert_eq!(who.name, vaultdeck_testkit::AZURE_TEST_USER_UPN);
    {
        let p = prompts.lock().unwrap();
        assert_eq!(p.len(), 1);
        assert!(p[0].verification_uri.starts_with(&s.authority_host()));
        assert!(!p[0].user_code.is_empty() && p[0].message.contains(&p[0].user_code));
    }
    let first_rt = store
        .load()
        .expect("refresh token stored")
        .expose_secret()
        .to_string();

    // A new credential (next app start) signs in from the refresh token, no prompt.
    let cred = Arc::new(make(prompts.clone()));
    AzureVault::new(&cfg, cred).unwrap().probe().await.unwrap();
    assert_eq!(prompts.lock().unwrap().len(), 1);
    let second_rt = store.load().unwrap().expose_secret().to_string();
    assert_ne!(first_rt, second_rt, "refresh tokens rotate");

    // A rejected refresh token is forgotten and the device flow runs again.
    store.save(&secret("revoked"));
    let cred = Arc::new(make(prompts.clone()));
    AzureVault::new(&cfg, cred).unwrap().probe().await.unwrap();
    assert_eq!(prompts.lock().unwrap().len(), 2);
    assert_ne!(store.load().unwrap().expose_secret(), "revoked");
}

/// A client for `server` (its own instance, so page counts are exact).
fn vault_on(server: &AzureKeyVault) -> AzureVault {
    let cfg = AzureConfig {
        vault_url: server.vault_url(),
        authority_host: Some(server.authority_host()),
        ca_bundle: Some(server.ca_pem_path()),
        verify_challenge_resource: false,
    };
    let cred = credential_for(
        &cfg,
        CredentialSpec::ClientSecret {
            tenant_id: server.tenant_id().to_string(),
            client_id: server.client_id().to_string(),
            secret: server.client_secret(),
        },
    )
    .expect("credential");
    AzureVault::new(&cfg, cred).expect("client")
}

#[tokio::test]
async fn secret_list_streams_page_by_page_through_empty_pages_and_stops_on_break() {
    use std::ops::ControlFlow;
    let server = AzureKeyVault::start();
    let v = vault_on(&server);
    for i in 0..30 {
        v.set_secret(
            &format!("paged-{i:02}"),
            &secret("x"),
            &AzSecretUpdate::default(),
        )
        .await
        .unwrap();
    }
    // 25 per page; the server sends an empty page (with a nextLink) before the second page.
    let mut seen: Vec<(usize, u64, u64, u64)> = Vec::new();
    let mut names = Vec::new();
    let report = v
        .list_secrets_paged(|page, p| {
            seen.push((page.len(), p.pages, p.empty_pages, p.count));
            names.extend(page.into_iter().map(|s| s.name));
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    assert_eq!(seen, vec![(25, 1, 0, 25), (0, 2, 1, 25), (5, 3, 1, 30)]);
    assert!(!report.cancelled);
    assert_eq!(
        (
            report.progress.pages,
            report.progress.empty_pages,
            report.progress.count
        ),
        (3, 1, 30)
    );
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 30, "every secret exactly once");

    // Break after the first page: no further page is requested.
    let before = server
        .requests()
        .iter()
        .filter(|r| r.path == "/secrets")
        .count();
    let report = v
        .list_secrets_paged(|_, _| ControlFlow::Break(()))
        .await
        .unwrap();
    assert!(report.cancelled);
    assert_eq!((report.progress.pages, report.progress.count), (1, 25));
    let after: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/secrets")
        .skip(before)
        .collect();
    assert!(
        after.iter().all(|r| r.query("$skiptoken").is_none()),
        "a continuation was requested after the break: {after:?}"
    );
}

#[tokio::test]
async fn key_soft_delete_transitions_recover_and_purge() {
    let v = vault();
    let name = unique("kdel");
    let tags = BTreeMap::from([("team".to_string(), "payments".to_string())]);
    v.create_key(&name, &AzKeySpec::Rsa { size: 2048 }, &tags)
        .await
        .unwrap();
    v.rotate_key(&name).await.unwrap();
    let d = v.delete_key(&name).await.unwrap();
    assert_eq!(d.props.name, name);
    assert_eq!(d.props.tags, tags);
    assert!(d
        .recovery_id
        .as_deref()
        .unwrap()
        .ends_with(&format!("/deletedkeys/{name}")));

    // Right after the delete: not visible yet, purge/recover early, the name is taken.
    assert!(v.deleted_key(&name).await.unwrap_err().is_not_found());
    let e = v.purge_key(&name).await.unwrap_err();
    assert!(e.is_being_deleted(), "{e}");
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(v.recover_key(&name).await.unwrap_err().is_being_deleted());
    let e = v
        .create_key(&name, &AzKeySpec::Rsa { size: 2048 }, &BTreeMap::new())
        .await
        .unwrap_err();
    assert!(e.is_deleted_but_recoverable(), "{e}");
    assert!(v.get_key(&name, None).await.unwrap_err().is_not_found());

    let d = v.wait_key_deleted(&name).await.unwrap();
    assert!(d.scheduled_purge_date.unwrap() > d.deleted_date.unwrap());
    assert_eq!(d.props.kty.as_deref(), Some("RSA"));
    assert!(v
        .list_deleted_keys()
        .await
        .unwrap()
        .iter()
        .any(|d| d.props.name == name));

    // Recovered with every version.
    let r = v.recover_key_when_ready(&name).await.unwrap();
    assert_eq!(r.name, name);
    assert_eq!(v.key_versions(&name).await.unwrap().len(), 2);

    v.delete_key(&name).await.unwrap();
    v.purge_key_when_ready(&name).await.unwrap();
    assert!(v.deleted_key(&name).await.unwrap_err().is_not_found());
    // Purged for good: the name is free again, with a fresh history.
    v.create_key(
        &name,
        &AzKeySpec::Ec {
            curve: "P-256".into(),
        },
        &BTreeMap::new(),
    )
    .await
    .unwrap();
    assert_eq!(v.key_versions(&name).await.unwrap().len(), 1);
}
