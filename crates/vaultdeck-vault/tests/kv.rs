//! The KV v1/v2 endpoints against a real OpenBao dev server (one per test binary). Every test
//! works under its own prefix or mount, so they can share the server.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use vaultdeck_testkit::shared_openbao_dev;
use vaultdeck_types::ErrorCode;
use vaultdeck_vault::kv::{
    Kv, KvLookup, KvVersion, MetadataUpdate, SecretData, SecretPatch, SecretValue,
};
use vaultdeck_vault::{TokenRequest, VaultClient, VaultConfig};

const VALUE_SENTINEL: &str = "kvVALUEsentinel-7f3a";

fn root() -> VaultClient {
    shared_openbao_dev().client().unwrap()
}

async fn secret() -> Kv {
    Kv::open(&root(), "secret").await.unwrap().0
}

async fn token_with(rules: &str, name: &str) -> VaultClient {
    let r = root();
    r.write(
        &format!("sys/policies/acl/{name}"),
        &json!({ "policy": rules }),
    )
    .await
    .unwrap();
    let auth = r
        .create_token(&TokenRequest {
            policies: vec![name.to_owned()],
            ttl: Some(Duration::from_secs(3600)),
            ..TokenRequest::default()
        })
        .await
        .unwrap();
    VaultClient::new(VaultConfig::new(&shared_openbao_dev().addr))
        .unwrap()
        .with_token(auth.client_token)
}

async fn ensure_mount(path: &str, body: serde_json::Value) {
    let mounts = root().read("sys/mounts").await.unwrap().unwrap();
    if mounts["data"].get(format!("{path}/")).is_none() {
        root()
            .write(&format!("sys/mounts/{path}"), &body)
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detects_kv_versions_and_refuses_other_engines() {
    ensure_mount(
        "kvdetect1",
        json!({"type": "kv", "options": {"version": "1"}}),
    )
    .await;
    ensure_mount("kvdetect2", json!({"type": "kv-v2"})).await;
    let c = root();
    let m = c.mount_of("secret/any/deep/path").await.unwrap();
    assert_eq!(
        (m.path.as_str(), m.kv_version),
        ("secret/", Some(KvVersion::V2))
    );
    let m = c.mount_of("kvdetect1/x").await.unwrap();
    assert_eq!(
        (m.path.as_str(), m.kv_version),
        ("kvdetect1/", Some(KvVersion::V1))
    );
    assert_eq!(
        c.mount_of("kvdetect2").await.unwrap().kv_version,
        Some(KvVersion::V2)
    );
    let cubby = c.mount_of("cubbyhole/x").await.unwrap();
    assert_eq!(
        (cubby.engine_type.as_str(), cubby.kv_version),
        ("cubbyhole", None)
    );
    let e = Kv::open(&c, "cubbyhole/x").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported, "{e}");
    let e = c.mount_of("no-such-mount/x").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied, "{e}");
    let (kv, rel) = Kv::open(&c, "secret/app/db").await.unwrap();
    assert_eq!((kv.mount(), rel.as_str()), ("secret/", "app/db"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_write_read_versions_and_cas_conflict() {
    let kv = secret().await;
    let p = "t-v2rw/app/db";
    let v1 = kv
        .write(
            p,
            &SecretData::new().with("user", "alice").with("pass", "one"),
            Some(0),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v1.version, 1);
    // cas 0 again: the secret exists now.
    let e = kv
        .write(p, &SecretData::new().with("pass", VALUE_SENTINEL), Some(0))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("check-and-set"), "{e}");
    assert!(!e.to_string().contains(VALUE_SENTINEL));
    let v2 = kv
        .write(
            p,
            &SecretData::new()
                .with("user", "alice")
                .with("pass", "two")
                .with("port", SecretValue::from_json(json!(5432))),
            Some(1),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v2.version, 2);
    // Stale cas.
    let e = kv
        .write(p, &SecretData::new().with("x", "y"), Some(1))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);

    let latest = kv.read(p, None).await.unwrap().found().unwrap();
    assert_eq!(latest.metadata.as_ref().unwrap().version, 2);
    assert_eq!(latest.data.get("pass").unwrap().expose(), "two");
    let port = latest.data.get("port").unwrap();
    assert!(port.is_json() && port.expose() == "5432");
    let first = kv.read(p, Some(1)).await.unwrap().found().unwrap();
    assert_eq!(first.data.get("pass").unwrap().expose(), "one");
    assert!(matches!(
        kv.read(p, Some(9)).await.unwrap(),
        KvLookup::Missing
    ));
    assert!(matches!(
        kv.read("t-v2rw/none", None).await.unwrap(),
        KvLookup::Missing
    ));

    let meta = kv.metadata(p).await.unwrap().unwrap();
    assert_eq!(meta.current_version, 2);
    assert_eq!(meta.versions.keys().copied().collect::<Vec<_>>(), [1, 2]);
    assert!(meta.current_metadata_version.is_some(), "OpenBao extra");
    assert!(kv.metadata("t-v2rw/none").await.unwrap().is_none());

    let sub = kv.subkeys(p, None).await.unwrap().found().unwrap();
    assert_eq!(sub.subkeys.keys(), ["pass", "port", "user"]);
    assert_eq!(sub.metadata.version, 2);
    let sub1 = kv.subkeys(p, Some(1)).await.unwrap().found().unwrap();
    assert_eq!(sub1.subkeys.keys(), ["pass", "user"]);

    assert_eq!(kv.list("t-v2rw").await.unwrap(), ["app/"]);
    assert_eq!(kv.list("t-v2rw/app/").await.unwrap(), ["db"]);
    assert!(kv.list("t-v2rw/empty").await.unwrap().is_empty());
    let e = kv
        .write("t-v2rw/folder/", &SecretData::new(), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_patch_uses_merge_patch_and_honours_cas() {
    let kv = secret().await;
    let p = "t-patch/api";
    kv.write(
        p,
        &SecretData::new().with("k", "v1").with("extra", "x"),
        None,
    )
    .await
    .unwrap();
    let v = kv
        .patch(
            p,
            &SecretPatch::new().set("k", "v2").remove("extra"),
            Some(1),
        )
        .await
        .unwrap();
    assert_eq!(v.version, 2);
    let s = kv.read(p, None).await.unwrap().found().unwrap();
    assert_eq!(s.data.keys().collect::<Vec<_>>(), ["k"]);
    assert_eq!(s.data.get("k").unwrap().expose(), "v2");
    let e = kv
        .patch(p, &SecretPatch::new().set("k", VALUE_SENTINEL), Some(1))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
    assert!(!e.to_string().contains(VALUE_SENTINEL));
    // Without cas it applies on top of the latest.
    assert_eq!(
        kv.patch(p, &SecretPatch::new().set("n", "1"), None)
            .await
            .unwrap()
            .version,
        3
    );
    let e = kv
        .patch("t-patch/missing", &SecretPatch::new().set("a", "b"), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_delete_undelete_destroy_and_metadata() {
    let kv = secret().await;
    let p = "t-del/db";
    for i in 0..3 {
        kv.write(p, &SecretData::new().with("v", format!("{i}")), None)
            .await
            .unwrap();
    }
    kv.delete_latest(p).await.unwrap();
    match kv.read(p, None).await.unwrap() {
        KvLookup::Deleted(m) => {
            assert_eq!(m.version, 3);
            assert!(m.deletion_time.is_some());
        }
        other => panic!("expected Deleted, got {other:?}"),
    }
    assert!(matches!(
        kv.subkeys(p, None).await.unwrap(),
        KvLookup::Deleted(_)
    ));
    kv.undelete(p, &[3]).await.unwrap();
    assert!(matches!(
        kv.read(p, None).await.unwrap(),
        KvLookup::Found(_)
    ));

    kv.delete_versions(p, &[1]).await.unwrap();
    assert!(matches!(
        kv.read(p, Some(1)).await.unwrap(),
        KvLookup::Deleted(_)
    ));
    kv.destroy(p, &[1, 2]).await.unwrap();
    match kv.read(p, Some(2)).await.unwrap() {
        KvLookup::Destroyed(m) => assert!(m.destroyed && m.version == 2),
        other => panic!("expected Destroyed, got {other:?}"),
    }
    let meta = kv.metadata(p).await.unwrap().unwrap();
    assert!(meta.versions[&1].destroyed && meta.versions[&2].destroyed);
    assert!(!meta.versions[&3].destroyed);
    let e = kv.undelete(p, &[]).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);

    kv.write_metadata(
        p,
        &MetadataUpdate {
            max_versions: Some(5),
            cas_required: Some(true),
            delete_version_after: Some("720h".into()),
            custom_metadata: Some(BTreeMap::from([("owner".into(), "team-a".into())])),
        },
    )
    .await
    .unwrap();
    let meta = kv.metadata(p).await.unwrap().unwrap();
    assert_eq!(meta.max_versions, 5);
    assert!(meta.cas_required);
    assert_eq!(meta.delete_version_after, "720h0m0s");
    assert_eq!(meta.custom_metadata["owner"], "team-a");
    // cas_required: a write without cas is refused.
    let e = kv
        .write(p, &SecretData::new().with("v", "x"), None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("check-and-set"), "{e}");
    kv.write(p, &SecretData::new().with("v", "x"), Some(3))
        .await
        .unwrap();

    kv.delete_metadata(p).await.unwrap();
    assert!(kv.metadata(p).await.unwrap().is_none());
    assert!(matches!(kv.read(p, None).await.unwrap(), KvLookup::Missing));
    let cfg = kv.config().await.unwrap();
    assert!(!cfg.cas_required);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_read_write_list_scan_and_v2_only_operations() {
    ensure_mount("kvone", json!({"type": "kv", "options": {"version": "1"}})).await;
    let (kv, _) = Kv::open(&root(), "kvone").await.unwrap();
    assert_eq!(kv.version(), KvVersion::V1);
    kv.write(
        "team/a",
        &SecretData::new()
            .with("user", "bob")
            .with("n", SecretValue::from_json(json!(3))),
        None,
    )
    .await
    .unwrap();
    kv.write("team/sub/b", &SecretData::new().with("x", "y"), None)
        .await
        .unwrap();
    let s = kv.read("team/a", None).await.unwrap().found().unwrap();
    assert!(s.metadata.is_none());
    assert_eq!(s.data.get("user").unwrap().expose(), "bob");
    assert_eq!(s.data.get("n").unwrap().expose(), "3");
    assert_eq!(kv.list("team").await.unwrap(), ["a", "sub/"]);
    let mut all = kv.scan("").await.unwrap();
    all.sort();
    assert_eq!(all, ["team/a", "team/sub/b"]);
    for e in [
        kv.metadata("team/a").await.unwrap_err(),
        kv.subkeys("team/a", None).await.map(|_| ()).unwrap_err(),
        kv.patch("team/a", &SecretPatch::new().set("a", "b"), None)
            .await
            .map(|_| ())
            .unwrap_err(),
        kv.write("team/a", &SecretData::new(), Some(1))
            .await
            .map(|_| ())
            .unwrap_err(),
        kv.undelete("team/a", &[1]).await.unwrap_err(),
    ] {
        assert_eq!(e.code(), ErrorCode::Unsupported, "{e}");
    }
    kv.delete_latest("team/a").await.unwrap();
    assert!(matches!(
        kv.read("team/a", None).await.unwrap(),
        KvLookup::Missing
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_detailed_metadata_and_pages() {
    let kv = secret().await;
    for p in ["t-scan/a", "t-scan/b/c", "t-scan/b/d/e", "t-scan/z"] {
        kv.write(p, &SecretData::new().with("k", "v"), None)
            .await
            .unwrap();
    }
    let mut all = kv.scan("t-scan").await.unwrap();
    all.sort();
    assert_eq!(all, ["a", "b/c", "b/d/e", "z"]);
    assert!(kv.scan("t-scan/nothing-here").await.unwrap().is_empty());

    let d = kv.detailed_list("t-scan").await.unwrap();
    assert_eq!(d.keys, ["a", "b/", "z"]);
    assert_eq!(d.key_info.len(), 2);
    assert_eq!(d.key_info["a"].current_version, 1);

    let page1 = kv.list_page("t-scan", None, 2).await.unwrap();
    assert_eq!(page1, ["a", "b/"]);
    let page2 = kv.list_page("t-scan", Some("b/"), 2).await.unwrap();
    assert_eq!(page2, ["z"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_and_list_denied_are_permission_denied() {
    let kv = secret().await;
    kv.write("t-deny/open/a", &SecretData::new().with("k", "v"), None)
        .await
        .unwrap();
    kv.write("t-deny/closed/b", &SecretData::new().with("k", "v"), None)
        .await
        .unwrap();
    let c = token_with(
        r#"
path "secret/metadata/t-deny/*" { capabilities = ["list", "read"] }
path "secret/metadata/t-deny/closed/*" { capabilities = ["deny"] }
path "secret/subkeys/t-deny/*" { capabilities = ["read"] }
"#,
        "kv-t-deny",
    )
    .await;
    let (limited, _) = Kv::open(&c, "secret/t-deny").await.unwrap();
    let e = limited.scan("t-deny").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied, "{e}");
    assert_eq!(limited.list("t-deny").await.unwrap(), ["closed/", "open/"]);
    let e = limited.list("t-deny/closed").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied, "{e}");
    // Key names are readable; the values are not.
    let sub = limited.subkeys("t-deny/open/a", None).await.unwrap();
    assert!(matches!(sub, KvLookup::Found(_)));
    let e = limited.read("t-deny/open/a", None).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied, "{e}");

    let scanner = token_with(
        r#"path "secret/metadata/t-deny/*" { capabilities = ["list", "scan"] }"#,
        "kv-t-deny-scan",
    )
    .await;
    let (s, _) = Kv::open(&scanner, "secret/t-deny").await.unwrap();
    let mut all = s.scan("t-deny").await.unwrap();
    all.sort();
    assert_eq!(all, ["closed/b", "open/a"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespaces_through_the_header_and_the_path() {
    let r = root();
    let _ = r.write("sys/namespaces/kvtest-ns", &json!({})).await;
    let ns = r.with_namespace("kvtest-ns");
    let mounts = ns.read("sys/mounts").await.unwrap().unwrap();
    if mounts["data"].get("kv/").is_none() {
        ns.write("sys/mounts/kv", &json!({"type": "kv-v2"}))
            .await
            .unwrap();
    }
    let (kv, rel) = Kv::open(&ns, "kv/team/db").await.unwrap();
    assert_eq!((kv.mount(), rel.as_str()), ("kv/", "team/db"));
    kv.write(&rel, &SecretData::new().with("a", "b"), None)
        .await
        .unwrap();
    assert_eq!(kv.scan("").await.unwrap(), ["team/db"]);
    // Root namespace, namespace in the path.
    let (by_path, rel) = Kv::open(&r, "kvtest-ns/kv/team/db").await.unwrap();
    assert_eq!(
        (by_path.mount(), rel.as_str()),
        ("kvtest-ns/kv/", "team/db")
    );
    let s = by_path.read(&rel, None).await.unwrap().found().unwrap();
    assert_eq!(s.data.get("a").unwrap().expose(), "b");
    // The secret is not in the root namespace.
    let e = Kv::open(&r, "kv/team/db").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied, "{e}");
}
