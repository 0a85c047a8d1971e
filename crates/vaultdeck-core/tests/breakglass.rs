//! Break-glass session against a real raft OpenBao initialised with 5 shares / threshold 3:
//! cluster status, confirmed seal, audited unseal, generate-root into a time-boxed
//! RootSession that revokes itself (verified) when the box is over.

use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use time::OffsetDateTime;
use vaultdeck_core::audit::AuditLog;
use vaultdeck_core::breakglass::{cluster_status, BreakGlassSession, RootWatch, DEFAULT_ROOT_TTL};
use vaultdeck_core::capability::BreakGlass;
use vaultdeck_core::connection::VaultConnection;
use vaultdeck_core::types::{AuditFilter, ErrorCode};
use vaultdeck_testkit::OpenBaoRaft;
use vaultdeck_vault::breakglass::RootFlow;
use vaultdeck_vault::{NodeState, SecretString, VaultConfig};

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_unseal_generate_root_and_time_box() {
    let bao = OpenBaoRaft::start();
    let anon = bao.client();
    let init = anon.init(5, 3).await.expect("init 5/3");
    let shares: Vec<String> = init
        .keys
        .iter()
        .map(|k| k.expose_secret().to_owned())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let now = OffsetDateTime::now_utc();
    assert!(BreakGlassSession::start("  ", "lab", log.clone(), now).is_err());
    let s = BreakGlassSession::start("alice", "lab", log.clone(), now).unwrap();

    // Unseal through the session (audited), via the BreakGlass trait for the status.
    let conn = VaultConnection::from_client(anon.clone());
    assert_eq!(conn.node_status().await.state, Some(NodeState::Sealed));
    for k in &shares[..2] {
        s.unseal(&anon, secret(k)).await.unwrap();
    }
    let st = s.unseal_reset(&anon).await.unwrap();
    assert_eq!(st.progress, 0);
    for k in &shares[2..5] {
        s.unseal(&anon, secret(k)).await.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while conn.node_status().await.state != Some(NodeState::Active) {
        assert!(Instant::now() < deadline, "not active");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let root = anon.with_token(secret(init.root_token.expose_secret()));
    let nodes = cluster_status(&root, &VaultConfig::new(bao.addr()), &[]).await;
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].state, Some(NodeState::Active));
    let seal = nodes[0].seal.as_ref().unwrap();
    assert_eq!((seal.threshold, seal.shares), (3, 5));

    // Generate root with the token-authenticated flow.
    let flows = VaultConnection::from_client(root.clone())
        .root_flows()
        .await
        .unwrap();
    assert_eq!(flows.preferred(), Some(RootFlow::Token));
    let attempt = s.generate_root_start(&root, RootFlow::Token).await.unwrap();
    s.generate_root_cancel(&root, RootFlow::Token)
        .await
        .unwrap();
    let attempt2 = s.generate_root_start(&root, RootFlow::Token).await.unwrap();
    assert_ne!(attempt.nonce, attempt2.nonce);
    let mut session = None;
    for k in &shares[..3] {
        let (p, rs) = s
            .generate_root_submit(&root, &attempt2, secret(k), DEFAULT_ROOT_TTL)
            .await
            .unwrap();
        assert_eq!(p.complete, rs.is_some());
        session = rs;
    }
    let mut rs = session.expect("root session after 3 shares");
    let t0 = OffsetDateTime::now_utc();
    assert!(rs.remaining(t0) > Duration::from_secs(14 * 60));
    assert!(!format!("{rs:?}").contains(rs.token(t0).unwrap().expose_secret()));

    // The root token works for this session's actions.
    let c = rs.client(t0).unwrap().clone();
    c.write(
        "sys/policies/acl/bg-test",
        &serde_json::json!({"policy": "path \"x\" { capabilities = [\"read\"] }"}),
    )
    .await
    .unwrap();

    // Extend needs a reason.
    assert!(rs.extend(Duration::from_secs(300), " ", t0).is_err());
    rs.extend(Duration::from_secs(300), "still restoring", t0)
        .unwrap();
    assert!(rs.remaining(t0) > Duration::from_secs(19 * 60));

    // Not yet over: nothing happens. After the box: refused, revoked and verified.
    assert!(rs.end_if_expired(t0).await.is_none());
    let later = t0 + Duration::from_secs(21 * 60);
    let e = rs.client(later).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unauthenticated);
    let report = rs.end_if_expired(later).await.expect("expired -> revoked");
    assert!(
        report.revoked && report.verified && report.problem.is_none(),
        "{report:?}"
    );
    assert!(
        c.lookup_self().await.is_err(),
        "the root token must be dead"
    );
    drop(rs);

    // A root session dropped without end() is revoked in the background (and audited).
    let a3 = s.generate_root_start(&root, RootFlow::Token).await.unwrap();
    let mut dropped = None;
    for k in &shares[1..4] {
        dropped = s
            .generate_root_submit(&root, &a3, secret(k), DEFAULT_ROOT_TTL)
            .await
            .unwrap()
            .1;
    }
    let dropped = dropped.expect("second root session");
    let c2 = dropped.client(OffsetDateTime::now_utc()).unwrap().clone();
    c2.lookup_self().await.unwrap();
    drop(dropped);
    let deadline = Instant::now() + Duration::from_secs(10);
    while c2.lookup_self().await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "a dropped root session must revoke its token"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A watched root session is revoked by its watchdog once the (short) time box is over,
    // with nobody asking; extending first moves the expiry.
    let a4 = s.generate_root_start(&root, RootFlow::Token).await.unwrap();
    let mut boxed = None;
    for k in &shares[2..5] {
        boxed = s
            .generate_root_submit(&root, &a4, secret(k), Duration::from_secs(1))
            .await
            .unwrap()
            .1;
    }
    let watch = RootWatch::spawn(boxed.expect("third root session"));
    let now = OffsetDateTime::now_utc();
    let c3 = watch.client(now).await.unwrap();
    let (_, first_expiry) = watch.times().await.unwrap();
    let extended = watch
        .extend(Duration::from_secs(2), "one more check", now)
        .await
        .unwrap();
    assert_eq!(extended, first_expiry + Duration::from_secs(2));
    let started = Instant::now();
    while watch.times().await.is_some() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the watchdog must end the root session"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "revoked before the extended box was over"
    );
    let report = watch.last_revocation().expect("watchdog report");
    assert!(report.revoked && report.verified, "{report:?}");
    assert!(c3.lookup_self().await.is_err(), "expired root token works");
    assert!(watch.client(OffsetDateTime::now_utc()).await.is_err());
    assert_eq!(watch.end().await, Some(report));

    // The cluster view's operations: overview, snapshot to a file, confirmed step-down; all
    // audited.
    let ov = vaultdeck_core::cluster::overview(&root).await;
    assert_eq!(ov.peers.len(), 1, "{ov:?}");
    assert!(ov.peers[0].leader && ov.is_self_active && ov.ha_enabled);
    assert_eq!(ov.leader_address.as_deref(), Some(bao.addr()));
    let snap = dir.path().join("backups/lab.snap");
    let mut seen = Vec::new();
    let file = vaultdeck_core::cluster::raft_snapshot(
        &root,
        &log,
        "lab",
        dir.path(),
        Some(snap.to_str().unwrap()),
        &mut |b| seen.push(b),
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    let bytes = std::fs::read(&snap).unwrap();
    assert_eq!(file.bytes, bytes.len() as u64);
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip");
    assert_eq!(seen.last().copied(), Some(file.bytes));
    assert!(!dir.path().join("backups/lab.snap.part").exists());
    let e = vaultdeck_core::cluster::step_down(&root, &log, "lab", "prod")
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    vaultdeck_core::cluster::step_down(&root, &log, "lab", "lab")
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while conn.node_status().await.state != Some(NodeState::Active) {
        assert!(Instant::now() < deadline, "not active after step-down");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Emergency seal needs the cluster name typed.
    let e = s.seal(&root, "prod").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    s.seal(&root, "lab").await.unwrap();
    assert_eq!(conn.node_status().await.state, Some(NodeState::Sealed));
    let id = s.id();
    s.end().unwrap();

    // The audit log has every step with session and operator, and no secret.
    let entries = log.list(&AuditFilter::default()).unwrap();
    let actions: Vec<&str> = entries.iter().rev().map(|e| e.action.as_str()).collect();
    for want in [
        "breakglass.session.start",
        "breakglass.unseal",
        "breakglass.unseal.reset",
        "breakglass.generate_root.start",
        "breakglass.generate_root.cancel",
        "breakglass.generate_root.update",
        "breakglass.generate_root.complete",
        "breakglass.root.extend",
        "breakglass.root.expired",
        "breakglass.root.revoke",
        "breakglass.seal",
        "breakglass.session.end",
        "cluster.raft_snapshot",
        "cluster.step_down",
    ] {
        assert!(actions.contains(&want), "{want} missing from {actions:?}");
    }
    let text = std::fs::read_to_string(log.path()).unwrap();
    assert!(text.contains(&id.to_string()) && text.contains("operator=alice"));
    for k in init.keys.iter().chain(&init.keys_base64) {
        assert!(
            !text.contains(k.expose_secret()),
            "a share leaked into the audit log"
        );
    }
    assert!(!text.contains(init.root_token.expose_secret()));
    assert!(!text.contains(attempt2.otp.expose_secret()));
    assert!(log.verify().unwrap().first_broken_line.is_none());
}

/// Emergency levers on a dev server: each acts, each is audited, bad input is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emergency_levers() {
    let dev = vaultdeck_testkit::shared_openbao_dev();
    let root = dev.client().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let s = BreakGlassSession::start("bob", "dev", log.clone(), OffsetDateTime::now_utc()).unwrap();

    // A userpass mount with a user; each login is a token under auth/<mount>/login.
    let mount = format!("bg{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    root.write(
        &format!("sys/auth/{mount}"),
        &serde_json::json!({"type": "userpass"}),
    )
    .await
    .unwrap();
    root.write(
        &format!("auth/{mount}/users/eve"),
        &serde_json::json!({"password": "evepw", "token_ttl": "30m"}),
    )
    .await
    .unwrap();
    let login = || async {
        let a = root
            .without_token()
            .login_userpass(&mount, "eve", &secret("evepw"))
            .await
            .unwrap();
        (root.without_token().with_token(a.client_token), a.accessor)
    };

    // Revoke by accessor.
    let (t1, acc1) = login().await;
    let out = s.revoke_token_accessor(&root, &acc1).await.unwrap();
    assert_eq!(out.action, "breakglass.revoke_accessor");
    assert!(t1.lookup_self().await.is_err());

    // Revoke by lease prefix (the mount's login path).
    let (t2, _) = login().await;
    s.revoke_lease_prefix(&root, &format!("auth/{mount}/login"))
        .await
        .unwrap();
    assert!(t2.lookup_self().await.is_err());

    // Revoke every token of the auth mount.
    let (t3, _) = login().await;
    let (t4, _) = login().await;
    let out = s.revoke_auth_mount_tokens(&root, &mount).await.unwrap();
    assert_eq!(out.target, format!("auth/{mount}"));
    assert!(t3.lookup_self().await.is_err() && t4.lookup_self().await.is_err());

    // Disable the auth method: logins then fail.
    let (t5, _) = login().await;
    s.disable_auth_method(&root, &mount).await.unwrap();
    assert!(t5.lookup_self().await.is_err());
    assert!(root
        .without_token()
        .login_userpass(&mount, "eve", &secret("evepw"))
        .await
        .is_err());

    // Refused before any request: empty prefix, `..`, the token method.
    for e in [
        s.revoke_lease_prefix(&root, " / ").await.unwrap_err(),
        s.revoke_lease_prefix(&root, "auth/../x").await.unwrap_err(),
        s.disable_auth_method(&root, "token").await.unwrap_err(),
        s.revoke_token_accessor(&root, "").await.unwrap_err(),
    ] {
        assert_eq!(e.code(), ErrorCode::InvalidInput);
    }
    // A server refusal is returned and audited as failed.
    let e = s
        .revoke_token_accessor(&root, "no-such-accessor")
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
    let entries = log.list(&AuditFilter::default()).unwrap();
    let failed = entries
        .iter()
        .filter(|e| e.action == "breakglass.revoke_accessor" && e.outcome != "ok")
        .count();
    assert_eq!(failed, 1, "{entries:?}");
    for a in [
        "breakglass.revoke_prefix",
        "breakglass.revoke_auth_mount",
        "breakglass.disable_auth",
    ] {
        assert!(entries.iter().any(|e| e.action == a), "{a} not audited");
    }
    assert!(!std::fs::read_to_string(log.path())
        .unwrap()
        .contains("evepw"));
}
