//! VaultClient against a real OpenBao dev server (one per test binary).

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::time::Duration;

use serde_json::json;
use vaultdeck_testkit::{openbao_dev_tls, shared_openbao_dev, OpenBaoRaft};
use vaultdeck_types::{ErrorCode, MountClass};
use vaultdeck_vault::{NodeState, SecretString, TokenRequest, VaultClient, VaultConfig};

fn root() -> VaultClient {
    shared_openbao_dev().client().unwrap()
}

fn anonymous() -> VaultClient {
    VaultClient::new(VaultConfig::new(&shared_openbao_dev().addr)).unwrap()
}

/// A fresh token with `policies` (and `default`), 1 h TTL, renewable up to 2 h.
async fn token_with(policies: &[&str]) -> VaultClient {
    let auth = root()
        .create_token(&TokenRequest {
            policies: policies.iter().map(|p| p.to_string()).collect(),
            ttl: Some(Duration::from_secs(3600)),
            explicit_max_ttl: Some(Duration::from_secs(7200)),
            ..TokenRequest::default()
        })
        .await
        .unwrap();
    anonymous().with_token(auth.client_token)
}

async fn put_policy(name: &str, rules: &str) {
    root()
        .write(
            &format!("sys/policies/acl/{name}"),
            &json!({ "policy": rules }),
        )
        .await
        .unwrap();
}

async fn ensure_auth(path: &str, kind: &str) {
    let auths = root().read("sys/auth").await.unwrap().unwrap();
    if auths["data"].get(format!("{path}/")).is_none() {
        root()
            .write(&format!("sys/auth/{path}"), &json!({ "type": kind }))
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_seal_status_and_leader_on_dev() {
    let c = anonymous();
    let h = c.health().await.unwrap();
    assert_eq!(h.state(), NodeState::Active);
    assert_eq!(h.http_status, 200);
    assert_eq!(h.version, "2.7.2");
    assert!(h.cluster_name.is_some());

    let s = c.seal_status().await.unwrap();
    assert!(s.initialized && !s.sealed);
    assert_eq!(s.seal_type, "shamir");
    assert_eq!((s.threshold, s.shares), (1, 1));

    let l = c.leader().await.unwrap();
    assert!(!l.ha_enabled, "dev (inmem) has no HA: {l:?}");
    let info = s.seal_info(Some(&l));
    assert!(!info.sealed && !info.ha_enabled && info.is_active.is_none());
    assert_eq!(info.version, "2.7.2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ui_mounts_as_root_and_filtered_for_a_limited_token() {
    let r = root();
    r.write(
        "sys/mounts/uimounts-private",
        &json!({"type": "kv", "options": {"version": "1"}}),
    )
    .await
    .unwrap();
    put_policy(
        "uimounts-reader",
        r#"path "secret/data/apps/*" { capabilities = ["read"] }"#,
    )
    .await;

    let all = r.ui_mounts().await.unwrap();
    let paths: BTreeSet<&str> = all.iter().map(|m| m.path.as_str()).collect();
    for p in [
        "secret/",
        "uimounts-private/",
        "cubbyhole/",
        "sys/",
        "token/",
    ] {
        assert!(paths.contains(p), "{p} missing for root: {paths:?}");
    }
    let secret = all.iter().find(|m| m.path == "secret/").unwrap();
    assert_eq!(
        (secret.engine_type.as_str(), secret.kv_version, secret.class),
        ("kv", Some(2), MountClass::Secret)
    );
    assert!(!secret.accessor.is_empty());
    let private = all.iter().find(|m| m.path == "uimounts-private/").unwrap();
    assert_eq!(private.kv_version, Some(1));
    let token = all.iter().find(|m| m.path == "token/").unwrap();
    assert_eq!(token.class, MountClass::Auth);
    // Secrets engines first, then auth methods.
    let first_auth = all
        .iter()
        .position(|m| m.class == MountClass::Auth)
        .unwrap();
    assert!(all[first_auth..]
        .iter()
        .all(|m| m.class == MountClass::Auth));

    let limited = token_with(&["uimounts-reader"])
        .await
        .ui_mounts()
        .await
        .unwrap();
    let lpaths: BTreeSet<&str> = limited.iter().map(|m| m.path.as_str()).collect();
    assert!(lpaths.contains("secret/"), "{lpaths:?}");
    assert!(!lpaths.contains("uimounts-private/"), "{lpaths:?}");
    assert!(lpaths.len() < paths.len(), "{lpaths:?} vs {paths:?}");

    assert!(anonymous().ui_mounts().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_renew_and_revoke_self() {
    let me = root().lookup_self().await.unwrap();
    assert_eq!(me.policies, ["root"]);
    assert!(me.never_expires());
    assert_eq!(me.identity(0).ttl_seconds, None);

    let c = token_with(&["default"]).await;
    let info = c.lookup_self().await.unwrap();
    assert!(info.ttl > 3500 && info.ttl <= 3600, "{info:?}");
    assert!(info.renewable && !info.accessor.is_empty() && info.expire_time.is_some());
    assert_eq!(info.token_type, "service");
    assert_eq!(info.explicit_max_ttl, 7200);
    assert_eq!(info.path, "auth/token/create");
    assert_eq!(info.identity(0).ttl_seconds, Some(info.ttl));

    // Asking beyond explicit_max_ttl is capped, with a warning kept.
    let renewed = c
        .renew_self(Some(Duration::from_secs(3 * 3600)))
        .await
        .unwrap();
    assert!(renewed.lease_duration <= 7200, "{renewed:?}");
    assert!(
        renewed.warnings.iter().any(|w| w.contains("capped")),
        "{:?}",
        renewed.warnings
    );
    assert_eq!(renewed.accessor, info.accessor);
    c.renew_self(None).await.unwrap();

    c.revoke_self().await.unwrap();
    let err = c.lookup_self().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthenticated, "{err}");
    assert!(err.to_string().contains("auth/token/lookup-self"), "{err}");
    let err = c.read("secret/data/anything").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::PermissionDenied, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn userpass_login_good_and_bad_password() {
    ensure_auth("userpass", "userpass").await;
    root()
        .write(
            "auth/userpass/users/alice",
            &json!({"password": "alice-pw", "token_policies": ["default"], "token_ttl": "30m"}),
        )
        .await
        .unwrap();
    let c = anonymous();
    let ok = c
        .login_userpass("userpass", "alice", &SecretString::from("alice-pw"))
        .await
        .unwrap();
    assert_eq!(ok.lease_duration, 1800);
    assert_eq!(
        ok.metadata.get("username").map(String::as_str),
        Some("alice")
    );
    let who = c.with_token(ok.client_token).lookup_self().await.unwrap();
    assert_eq!(who.display_name, "userpass-alice");

    let err = c
        .login_userpass("userpass/", "alice", &SecretString::from("wrong"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthenticated, "{err}");
    assert!(
        err.to_string().contains("invalid username or password"),
        "{err}"
    );
    assert!(!err.to_string().contains("wrong"), "password leaked: {err}");

    // A login sent by a client holding a dead token still works: no token is sent.
    let stale = c.with_token(SecretString::from("s.not-a-real-token"));
    stale
        .login_userpass("userpass", "alice", &SecretString::from("alice-pw"))
        .await
        .unwrap();

    let err = c
        .login_userpass("no-such-mount", "alice", &SecretString::from("x"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PermissionDenied, "{err}");
    assert!(err.to_string().contains("auth/no-such-mount/"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approle_login_good_and_bad_secret_id() {
    ensure_auth("approle", "approle").await;
    let r = root();
    r.write(
        "auth/approle/role/tests",
        &json!({"token_policies": ["default"], "token_ttl": "20m", "secret_id_ttl": "10m"}),
    )
    .await
    .unwrap();
    let role_id = r
        .read("auth/approle/role/tests/role-id")
        .await
        .unwrap()
        .unwrap()["data"]["role_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret_id = r
        .write("auth/approle/role/tests/secret-id", &json!({}))
        .await
        .unwrap()
        .unwrap()["data"]["secret_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let c = anonymous();
    let ok = c
        .login_approle("approle", &role_id, &SecretString::from(secret_id))
        .await
        .unwrap();
    assert_eq!(ok.lease_duration, 1200);
    assert!(ok.policies.contains(&"default".to_owned()));
    assert_eq!(
        ok.metadata.get("role_name").map(String::as_str),
        Some("tests")
    );

    let err = c
        .login_approle("approle", &role_id, &SecretString::from("00000000-bad"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthenticated, "{err}");
    assert!(
        err.to_string().contains("invalid role or secret ID"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_write_list_scan_delete_round_trip() {
    let r = root();
    assert!(r
        .list("secret/metadata/roundtrip-empty/")
        .await
        .unwrap()
        .is_empty());
    assert!(r
        .read("secret/data/roundtrip/missing")
        .await
        .unwrap()
        .is_none());

    let written = r
        .write("secret/data/roundtrip/a b", &json!({"data": {"k": "v1"}}))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(written["data"]["version"], 1);
    r.write("secret/data/roundtrip/a b", &json!({"data": {"k": "v2"}}))
        .await
        .unwrap();
    r.write(
        "secret/data/roundtrip/sub/deep/c",
        &json!({"data": {"x": "1"}}),
    )
    .await
    .unwrap();
    // 204 -> None
    assert!(r
        .write(
            "secret/metadata/roundtrip/a b",
            &json!({"custom_metadata": {"owner": "t"}})
        )
        .await
        .unwrap()
        .is_none());

    let got = r.read("secret/data/roundtrip/a b").await.unwrap().unwrap();
    assert_eq!(got["data"]["data"]["k"], "v2");
    let v1 = r
        .read_with_query("secret/data/roundtrip/a b", &[("version", "1")])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v1["data"]["data"]["k"], "v1");

    assert_eq!(
        r.list("secret/metadata/roundtrip").await.unwrap(),
        ["a b", "sub/"]
    );
    let mut all = r.scan("secret/metadata/roundtrip/").await.unwrap();
    all.sort();
    assert_eq!(all, ["a b", "sub/deep/c"]);

    // Stale check-and-set -> Conflict.
    let err = r
        .write(
            "secret/data/roundtrip/a b",
            &json!({"data": {"k": "v3"}, "options": {"cas": 1}}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");

    r.delete("secret/metadata/roundtrip/a b").await.unwrap();
    assert!(r.read("secret/data/roundtrip/a b").await.unwrap().is_none());

    // A missing mount is not an empty folder.
    let err = r.list("no-such-mount/").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_path_is_permission_denied_and_no_token_is_unauthenticated() {
    let limited = token_with(&["default"]).await;
    let err = limited.read("sys/mounts").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::PermissionDenied, "{err}");
    let msg = err.to_string();
    assert!(
        msg.starts_with("GET sys/mounts: permission denied (HTTP 403)"),
        "{msg}"
    );
    let token = limited.token().unwrap();
    assert!(!msg.contains(secrecy::ExposeSecret::expose_secret(token)));

    let err = limited.list("secret/metadata/").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::PermissionDenied, "{err}");

    let err = anonymous().read("secret/data/x").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthenticated, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespace_header_scopes_requests() {
    let r = root();
    r.write("sys/namespaces/team-a", &json!({})).await.unwrap();
    let ns = r.with_namespace("team-a");
    assert_eq!(ns.namespace(), "team-a");
    ns.write("sys/mounts/kv", &json!({"type": "kv-v2"}))
        .await
        .unwrap();
    // A fresh KV v2 mount may need a moment to finish its upgrade.
    let mut tries = 0;
    loop {
        match ns
            .write("kv/data/foo", &json!({"data": {"who": "team-a"}}))
            .await
        {
            Ok(_) => break,
            Err(e) if tries < 50 && e.code() == ErrorCode::InvalidInput => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{e}"),
        }
    }
    let got = ns.read("kv/data/foo").await.unwrap().unwrap();
    assert_eq!(got["data"]["data"]["who"], "team-a");
    // Same path in the root namespace: no such mount.
    assert!(r.read("kv/data/foo").await.unwrap().is_none());
    // Path-prefix form reaches the same secret.
    let via_prefix = r.read("team-a/kv/data/foo").await.unwrap().unwrap();
    assert_eq!(via_prefix["data"]["data"]["who"], "team-a");
    // The namespace also applies to ui_mounts.
    assert!(ns
        .ui_mounts()
        .await
        .unwrap()
        .iter()
        .any(|m| m.path == "kv/"));
    assert!(r
        .list("sys/namespaces")
        .await
        .unwrap()
        .contains(&"team-a/".to_owned()));
    // Node-level endpoints go to the root namespace even from a namespaced client.
    assert_eq!(ns.health().await.unwrap().state(), NodeState::Active);
    assert!(!ns.seal_status().await.unwrap().sealed);
    ns.leader().await.unwrap();
    // A namespace that does not exist is an error, not an empty result.
    let missing = r.with_namespace("no-such-ns");
    let err = missing.read("secret/data/x").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
    assert!(err.to_string().contains("namespace"), "{err}");
    assert!(missing.list("secret/metadata/").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_address_is_unavailable() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let addr = format!("http://127.0.0.1:{port}");
    let mut cfg = VaultConfig::new(&addr);
    cfg.timeout = Duration::from_secs(3);
    let c = VaultClient::new(cfg)
        .unwrap()
        .with_token(SecretString::from("s.tok"));
    let err = c.health().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unavailable, "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&addr) && msg.contains("sys/health"), "{msg}");
    assert!(msg.contains("Check the address"), "{msg}");
    assert!(msg.to_lowercase().contains("refused"), "{msg}");
    let err = c.read("secret/data/x").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unavailable);
    assert!(!err.to_string().contains("s.tok"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_against_plain_http_is_unavailable_with_a_tls_hint() {
    let https = shared_openbao_dev().addr.replace("http://", "https://");
    let mut cfg = VaultConfig::new(&https);
    cfg.timeout = Duration::from_secs(5);
    let err = VaultClient::new(cfg).unwrap().health().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unavailable, "{err}");
    assert!(err.to_string().contains("TLS"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealed_server_maps_to_sealed() {
    let raft = OpenBaoRaft::start();
    let c = raft.client().with_token(SecretString::from("s.whatever"));
    let h = c.health().await.unwrap();
    assert_eq!((h.state(), h.http_status), (NodeState::Uninitialized, 501));
    let err = c.read("secret/data/x").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Sealed, "{err}");
    assert!(err.to_string().contains("sealed"), "{err}");
    let err = c.leader().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Sealed, "{err}");
    let ipc = err.to_ipc();
    assert_eq!(ipc.code, ErrorCode::Sealed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_output_never_shows_tokens() {
    let auth = root()
        .create_token(&TokenRequest {
            policies: vec!["default".into()],
            ..TokenRequest::default()
        })
        .await
        .unwrap();
    let secret = secrecy::ExposeSecret::expose_secret(&auth.client_token).to_owned();
    let client = anonymous().with_token(auth.client_token.clone());
    for dbg in [
        format!("{auth:?}"),
        format!("{client:?}"),
        format!("{:?}", shared_openbao_dev()),
    ] {
        assert!(!dbg.contains(&secret), "{dbg}");
        assert!(!dbg.contains(secrecy::ExposeSecret::expose_secret(
            &shared_openbao_dev().root_token
        )));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_and_without_the_ca_bundle() {
    let dev = openbao_dev_tls();
    assert!(dev.addr.starts_with("https://"));
    // The dev client trusts the generated CA.
    let ok = dev.client().unwrap();
    assert_eq!(ok.health().await.unwrap().state(), NodeState::Active);
    assert_eq!(ok.lookup_self().await.unwrap().policies, ["root"]);

    // Without the CA: unreachable, with a hint about the CA bundle.
    let err = VaultClient::new(VaultConfig::new(&dev.addr))
        .unwrap()
        .health()
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unavailable, "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("CA bundle") && msg.contains(&dev.addr),
        "{msg}"
    );

    // Verification off (labs only) connects without the CA.
    let mut cfg = VaultConfig::new(&dev.addr);
    cfg.tls_verify = false;
    VaultClient::new(cfg).unwrap().health().await.unwrap();
}
