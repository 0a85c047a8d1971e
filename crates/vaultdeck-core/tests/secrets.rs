//! The secrets explorer's core operations through `Connection` / `Deck` against a real OpenBao:
//! KV v1 and v2, CAS conflicts, patch, versions, diff, rollback, delete/undelete/destroy,
//! metadata, namespaces, the local audit trail, and reveal-only reads proven with the
//! server's own audit log.

use std::collections::BTreeMap;
use std::sync::Arc;

use secrecy::ExposeSecret;
use serde_json::json;
use vaultdeck_core::audit::AuditLog;
use vaultdeck_core::capability::SecretStore;
use vaultdeck_core::connection::VaultConnection;
use vaultdeck_core::secrets::{
    Audited, MetadataUpdate, SecretData, SecretPatch, SecretValue, VersionState,
};
use vaultdeck_core::sessions::Deck;
use vaultdeck_core::Connection;
use vaultdeck_types::{AuditFilter, Capability, ErrorCode};

mod common;
use common::root_conn;

const SENTINEL: &str = "coreSECRETsentinel-51d2";

/// A deck with a saved root-token profile, connected; returns the audited store.
async fn deck_store() -> (tempfile::TempDir, Arc<Deck>, Audited<Connection>) {
    let (dir, deck, id) = common::root_deck(Capability::Secrets).await;
    let store = Audited::for_profile(&deck, &id).unwrap();
    (dir, deck, store)
}

fn data(pairs: &[(&str, &str)]) -> SecretData {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), SecretValue::string(*v)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_and_open_read_no_value_until_the_reveal() {
    let bao = vaultdeck_testkit::openbao_dev_with_audit();
    let root = bao.client();
    root.write(
        "secret/data/app/db",
        &json!({"data": {"user": "alice", "pass": SENTINEL}}),
    )
    .await
    .unwrap();
    root.write("secret/data/app/api", &json!({"data": {"key": "k"}}))
        .await
        .unwrap();
    let conn = Connection::Vault(VaultConnection::from_client(bao.client()));
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let store = Audited::new(conn, log.clone(), "audited-dev");

    // Browse: root, folder; open: metadata, key names, versions.
    let top = store.list("secret").await.unwrap();
    assert!(top.iter().any(|e| e.path == "secret/app/" && e.is_folder));
    let app = store.list("secret/app/").await.unwrap();
    assert_eq!(
        app.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(),
        ["secret/app/api", "secret/app/db"]
    );
    let meta = store.metadata("secret/app/db").await.unwrap();
    assert_eq!(meta.current_version, Some(1));
    let keys = store.subkeys("secret/app/db", None).await.unwrap();
    assert_eq!(keys.keys, ["pass", "user"]);
    assert_eq!(keys.state, VersionState::Live);
    assert_eq!(store.versions("secret/app/db").await.unwrap().len(), 1);

    assert_eq!(
        bao.audited_requests("secret/data/app/db", "read"),
        0,
        "browsing or opening read the secret's data"
    );
    assert!(bao.audited_requests("secret/subkeys/app/db", "read") >= 1);
    assert!(bao.audited_requests("secret/metadata/app/db", "read") >= 1);

    let value = store.read_key("secret/app/db", "pass", None).await.unwrap();
    assert_eq!(value.expose_secret(), SENTINEL);
    assert_eq!(bao.audited_requests("secret/data/app/db", "read"), 1);
    assert_eq!(bao.audited_requests("secret/data/app/api", "read"), 0);

    // The local log has the reveal, without the value.
    let entries = log.list(&AuditFilter::default()).unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].action, "kv.reveal");
    assert_eq!(entries[0].target.as_deref(), Some("secret/app/db"));
    assert_eq!(entries[0].detail.as_deref(), Some("key pass"));
    let text = std::fs::read_to_string(log.path()).unwrap();
    assert!(!text.contains(SENTINEL));
    assert!(!std::fs::read_to_string(bao.audit_log_path())
        .unwrap()
        .contains(SENTINEL));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_cas_patch_versions_diff_rollback_and_their_audit_trail() {
    let (_dir, deck, s) = deck_store().await;
    let p = "secret/core-v2/app/db";
    let w1 = s
        .write(p, &data(&[("user", "alice"), ("pass", "one")]), Some(0))
        .await
        .unwrap();
    assert_eq!((w1.path.as_str(), w1.version), (p, Some(1)));
    let w2 = s
        .write(p, &data(&[("user", "alice"), ("pass", "two")]), Some(1))
        .await
        .unwrap();
    assert_eq!(w2.version, Some(2));

    // A second writer got in first: the draft's write conflicts and nothing is overwritten.
    let draft = data(&[("user", "alice"), ("pass", SENTINEL)]);
    let e = s.write(p, &draft, Some(1)).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("check-and-set"), "{e}");
    assert!(!e.to_string().contains(SENTINEL));
    assert_eq!(
        s.read_key(p, "pass", None).await.unwrap().expose_secret(),
        "two"
    );

    let w3 = s
        .patch(
            p,
            &SecretPatch::new().set("host", "db.internal").remove("user"),
            Some(2),
        )
        .await
        .unwrap();
    assert_eq!(w3.version, Some(3));
    let e = s
        .patch(p, &SecretPatch::new().set("x", "y"), Some(2))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);

    let versions = s.versions(p).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(versions.iter().all(|v| v.state == VersionState::Live));

    let d = s.diff_versions(p, 1, 3, false).await.unwrap();
    assert_eq!(d.added, ["host"]);
    assert_eq!(d.removed, ["user"]);
    assert_eq!(d.changed, ["pass"]);
    assert!(d.values.is_none());
    let d = s.diff_versions(p, 2, 3, true).await.unwrap();
    assert_eq!(
        d.values.as_ref().unwrap()["user"]
            .from
            .as_ref()
            .unwrap()
            .expose_secret(),
        "alice"
    );

    // Rollback = v1's data as v4, with CAS.
    let e = s.rollback(p, 1, Some(2)).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    let w4 = s.rollback(p, 1, None).await.unwrap();
    assert_eq!(w4.version, Some(4));
    let v4 = s.read_all(p, None).await.unwrap();
    assert_eq!(v4.version, Some(4));
    assert!(vaultdeck_core::secrets::diff(
        &v4.data,
        &data(&[("user", "alice"), ("pass", "one")]),
        false
    )
    .is_empty());

    // Delete latest, undelete, destroy.
    s.delete(p, &[]).await.unwrap();
    let keys = s.subkeys(p, None).await.unwrap();
    assert_eq!((keys.version, keys.state), (4, VersionState::Deleted));
    assert!(keys.keys.is_empty());
    let e = s.read_all(p, None).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert!(e.to_string().contains("deleted"), "{e}");
    s.undelete(p, &[4]).await.unwrap();
    assert_eq!(s.subkeys(p, None).await.unwrap().state, VersionState::Live);
    s.delete(p, &[2]).await.unwrap();
    s.destroy(p, &[1]).await.unwrap();
    let states: BTreeMap<u64, VersionState> = s
        .versions(p)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.version, v.state))
        .collect();
    assert_eq!(states[&1], VersionState::Destroyed);
    assert_eq!(states[&2], VersionState::Deleted);
    assert_eq!(states[&4], VersionState::Live);
    let e = s.rollback(p, 1, None).await.unwrap_err();
    assert!(e.to_string().contains("destroyed"), "{e}");

    s.write_metadata(
        p,
        &MetadataUpdate {
            max_versions: Some(10),
            custom_metadata: Some(BTreeMap::from([("owner".into(), "payments".into())])),
            ..MetadataUpdate::default()
        },
    )
    .await
    .unwrap();
    let m = s.metadata(p).await.unwrap();
    assert_eq!(m.max_versions, Some(10));
    assert_eq!(m.custom_metadata["owner"], "payments");
    assert_eq!((m.kv_version, m.mount.as_str()), (2, "secret/"));
    s.delete_metadata(p).await.unwrap();
    assert_eq!(s.metadata(p).await.unwrap_err().code(), ErrorCode::NotFound);

    // The audit trail, oldest first.
    let mut entries = deck.audit().list(&AuditFilter::default()).unwrap();
    entries.reverse();
    let kv: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.action.starts_with("kv."))
        .map(|e| (e.action.clone(), e.outcome.clone()))
        .collect();
    let expect = [
        ("kv.write", "ok"),
        ("kv.write", "ok"),
        ("kv.write", "error"),
        ("kv.reveal", "ok"),
        ("kv.patch", "ok"),
        ("kv.patch", "error"),
        ("kv.diff", "ok"),
        ("kv.diff", "ok"),
        ("kv.rollback", "error"),
        ("kv.rollback", "ok"),
        ("kv.reveal", "ok"),
        ("kv.delete", "ok"),
        ("kv.reveal", "error"),
        ("kv.undelete", "ok"),
        ("kv.delete", "ok"),
        ("kv.destroy", "ok"),
        ("kv.rollback", "error"),
        ("kv.metadata.write", "ok"),
        ("kv.metadata.delete", "ok"),
    ];
    assert_eq!(
        kv,
        expect
            .iter()
            .map(|(a, o)| (a.to_string(), o.to_string()))
            .collect::<Vec<_>>()
    );
    let patch = entries.iter().find(|e| e.action == "kv.patch").unwrap();
    assert_eq!(
        patch.detail.as_deref(),
        Some("set host; removed user; cas 2; new version 3")
    );
    let rollback = entries
        .iter()
        .find(|e| e.action == "kv.rollback" && e.outcome == "ok")
        .unwrap();
    assert_eq!(
        rollback.detail.as_deref(),
        Some("to version 1; new version 4")
    );
    assert!(entries.iter().all(|e| e.profile.as_deref() == Some("dev")));
    assert_eq!(deck.audit().verify().unwrap().first_broken_line, None);
    let text = std::fs::read_to_string(deck.audit().path()).unwrap();
    assert!(!text.contains(SENTINEL) && !text.contains("\"two\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kv_v1_is_browsable_and_says_what_it_cannot_do() {
    let conn = root_conn();
    let Connection::Vault(v) = &conn else {
        unreachable!("a Vault connection")
    };
    let mounts = v.client().read("sys/mounts").await.unwrap().unwrap();
    if mounts["data"].get("core-kv1/").is_none() {
        v.client()
            .write(
                "sys/mounts/core-kv1",
                &json!({"type": "kv", "options": {"version": "1"}}),
            )
            .await
            .unwrap();
    }
    let w = conn
        .write("core-kv1/team/a", &data(&[("user", "bob")]), None)
        .await
        .unwrap();
    assert_eq!(w.version, None);
    let listed = conn.list("core-kv1/team").await.unwrap();
    assert_eq!(listed[0].path, "core-kv1/team/a");
    let m = conn.metadata("core-kv1/team/a").await.unwrap();
    assert_eq!((m.kv_version, m.current_version), (1, None));
    let s = conn.read_all("core-kv1/team/a", None).await.unwrap();
    assert_eq!(s.data.get("user").unwrap().expose(), "bob");
    for e in [
        conn.subkeys("core-kv1/team/a", None)
            .await
            .map(drop)
            .unwrap_err(),
        conn.rollback("core-kv1/team/a", 1, None)
            .await
            .map(drop)
            .unwrap_err(),
        conn.undelete("core-kv1/team/a", &[1]).await.unwrap_err(),
    ] {
        assert_eq!(e.code(), ErrorCode::Unsupported, "{e}");
    }
    conn.delete("core-kv1/team/a", &[]).await.unwrap();
    assert_eq!(
        conn.read_all("core-kv1/team/a", None)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_folder_is_permission_denied_and_empty_folder_is_empty() {
    let bao = vaultdeck_testkit::shared_openbao_dev();
    let conn = root_conn();
    for p in ["secret/core-acl/open/a", "secret/core-acl/locked/b"] {
        conn.write(p, &data(&[("k", "v")]), None).await.unwrap();
    }
    let root = bao.client().unwrap();
    let limited = common::policy_client(
        &root,
        "core-acl",
        r#"
path "secret/metadata/core-acl/*" { capabilities = ["list", "read"] }
path "secret/metadata/core-acl/locked/*" { capabilities = ["deny"] }
"#,
    )
    .await;
    let lc = Connection::Vault(VaultConnection::from_client(limited));
    let top = lc.list("secret/core-acl/").await.unwrap();
    assert_eq!(
        top.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["locked/", "open/"]
    );
    let e = lc.list("secret/core-acl/locked/").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
    assert!(lc
        .list("secret/core-acl/nothing-here/")
        .await
        .unwrap()
        .is_empty());
    let e = lc
        .read_all("secret/core-acl/open/a", None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_namespace_connection_sees_its_own_tree() {
    let conn = root_conn();
    let Connection::Vault(v) = &conn else {
        unreachable!("a Vault connection")
    };
    let _ = v.client().write("sys/namespaces/core-ns", &json!({})).await;
    let ns = v.with_namespace("core-ns");
    let mounts = ns.client().read("sys/mounts").await.unwrap().unwrap();
    if mounts["data"].get("kv/").is_none() {
        ns.client()
            .write("sys/mounts/kv", &json!({"type": "kv-v2"}))
            .await
            .unwrap();
    }
    let ns = Connection::Vault(ns);
    ns.write("kv/team/db", &data(&[("a", "b")]), Some(0))
        .await
        .unwrap();
    assert_eq!(ns.list("kv/team").await.unwrap()[0].path, "kv/team/db");
    assert_eq!(ns.subkeys("kv/team/db", None).await.unwrap().keys, ["a"]);
    // Not visible from the root namespace under that path.
    let e = conn.list("kv/team").await.unwrap_err();
    assert!(
        matches!(e.code(), ErrorCode::PermissionDenied | ErrorCode::NotFound),
        "{e}"
    );
}

/// Runs a read command as a shell would, with the token only in `VAULT_TOKEN`; the vault CLI
/// is OpenBao's `bao`, which takes the same flags and environment.
fn run_read_command(cmd: &str, token: &str) -> String {
    let bao = vaultdeck_vault::find_bao_binary().unwrap();
    let cmd = cmd.replace(" vault kv get", &format!(" {} kv get", bao.display()));
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&cmd)
        .env("VAULT_TOKEN", token)
        .env_remove("BAO_TOKEN")
        .env_remove("BAO_ADDR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{cmd}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a copied curl command with `VAULT_TOKEN` set and parses its JSON answer.
fn curl_json(cmd: &str, token: &str) -> serde_json::Value {
    let out = run_read_command(cmd, token);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{cmd}: {e}: {out}"))
}

fn audit_details(deck: &Deck, action: &str) -> Vec<String> {
    deck.audit()
        .list(&AuditFilter {
            action: Some(action.to_owned()),
            ..AuditFilter::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e.target.unwrap_or_default(),
                e.detail.unwrap_or_default(),
                e.outcome
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_never_overwrites_on_kv_v2_or_v1() {
    use vaultdeck_core::secrets::Created;
    let (_dir, deck, store) = deck_store().await;
    let Connection::Vault(v) = store.inner() else {
        unreachable!("a Vault connection")
    };
    let _ = v
        .client()
        .write(
            "sys/mounts/core-kv1",
            &json!({"type": "kv", "options": {"version": "1"}}),
        )
        .await;

    // KV v2: cas=0.
    let first = data(&[("user", "alice"), ("pass", SENTINEL)]);
    let out = store.create("secret/core-create/db", &first).await.unwrap();
    assert_eq!(
        out,
        Created::Written(vaultdeck_types::WriteOutcome {
            path: "secret/core-create/db".into(),
            version: Some(1)
        })
    );
    let again = store
        .create("secret/core-create/db", &data(&[("user", "mallory")]))
        .await
        .unwrap();
    assert_eq!(
        again,
        Created::AlreadyExists("secret/core-create/db".into())
    );
    let kept = store.read_all("secret/core-create/db", None).await.unwrap();
    assert_eq!(kept.version, Some(1), "no second version was written");
    assert_eq!(kept.data.get("user").unwrap().expose(), "alice");

    // KV v1: checked by listing the parent first.
    let out = store.create("core-kv1/team/a", &first).await.unwrap();
    assert!(matches!(out, Created::Written(_)), "{out:?}");
    let again = store
        .create("core-kv1/team/a", &data(&[("user", "mallory")]))
        .await
        .unwrap();
    assert_eq!(again, Created::AlreadyExists("core-kv1/team/a".into()));
    let kept = store.read_all("core-kv1/team/a", None).await.unwrap();
    assert_eq!(kept.data.get("user").unwrap().expose(), "alice");
    // A folder of the same name does not count as the secret existing.
    let out = store
        .create("core-kv1/team", &data(&[("k", "v")]))
        .await
        .unwrap();
    assert!(matches!(out, Created::Written(_)), "{out:?}");

    // Bad input: clear errors, nothing written.
    for (path, d) in [
        ("secret/core-create/", data(&[("k", "v")])),
        ("secret/core-create//x", data(&[("k", "v")])),
        ("secret/core-create/empty", SecretData::new()),
        ("secret/core-create/blank", data(&[(" ", "v")])),
    ] {
        let e = store.create(path, &d).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{path}: {e}");
    }
    assert!(store
        .list("secret/core-create")
        .await
        .unwrap()
        .iter()
        .all(|e| e.name == "db"));

    let audit = audit_details(&deck, "kv.create");
    assert!(
        audit
            .iter()
            .any(|d| d.contains("secret/core-create/db") && d.contains("already exists")),
        "{audit:?}"
    );
    let text = std::fs::read_to_string(deck.audit().path()).unwrap();
    assert!(!text.contains(SENTINEL));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_as_json_is_one_audited_reveal_and_the_read_commands_work() {
    let (_dir, deck, store) = deck_store().await;
    store
        .write(
            "secret/core-json/db",
            &data(&[("user", "alice"), ("pass", SENTINEL)]),
            None,
        )
        .await
        .unwrap();
    let (json_text, version) = store
        .reveal_json("secret/core-json/db", None)
        .await
        .unwrap();
    let parsed: serde_json::Value = serde_json::from_str(json_text.expose_secret()).unwrap();
    assert_eq!(parsed, json!({"user": "alice", "pass": SENTINEL}));
    assert_eq!(version.version, Some(1));
    let audit = audit_details(&deck, "kv.reveal");
    assert!(
        audit
            .iter()
            .any(|d| d.contains("all keys (pass,user)") && d.contains("copied as JSON")),
        "{audit:?}"
    );

    // The curl command really reads the secret, with the token only from $VAULT_TOKEN.
    let bao = vaultdeck_testkit::shared_openbao_dev();
    let cmds = store.read_commands("secret/core-json/db").await.unwrap();
    assert!(!cmds.curl.contains(bao.root_token.expose_secret()));
    assert!(
        cmds.cli.contains("-mount=secret core-json/db"),
        "{}",
        cmds.cli
    );
    let body = curl_json(&cmds.curl, bao.root_token.expose_secret());
    assert_eq!(body["data"]["data"]["user"], "alice", "{}", cmds.curl);
    let table = run_read_command(&cmds.cli, bao.root_token.expose_secret());
    assert!(table.contains("alice"), "{table}");

    // A path with a space, `#` and `%` still reads the right secret (the URL is escaped).
    let odd = "secret/core-json/odd name #1 100%";
    store
        .write(odd, &data(&[("user", "bob")]), None)
        .await
        .unwrap();
    let cmds = store.read_commands(odd).await.unwrap();
    let body = curl_json(&cmds.curl, bao.root_token.expose_secret());
    assert_eq!(body["data"]["data"]["user"], "bob", "{}", cmds.curl);
    let table = run_read_command(&cmds.cli, bao.root_token.expose_secret());
    assert!(table.contains("bob"), "{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_namespaces_are_listed_and_browsed_through_the_header() {
    use vaultdeck_core::secrets::{in_namespace, list_namespaces};
    let conn = root_conn();
    let Connection::Vault(v) = &conn else {
        unreachable!("a Vault connection")
    };
    let _ = v
        .client()
        .write("sys/namespaces/core-nsl", &json!({}))
        .await;
    let parent = v.client().with_namespace("core-nsl");
    let _ = parent.write("sys/namespaces/child", &json!({})).await;
    let (all, note) = list_namespaces(&conn).await.unwrap();
    assert!(note.is_none(), "{note:?}");
    assert!(
        all.contains(&"core-nsl".to_owned()) && all.contains(&"core-nsl/child".to_owned()),
        "{all:?}"
    );

    let child = in_namespace(&conn, "core-nsl/child");
    let Connection::Vault(cv) = &child else {
        unreachable!("a Vault connection")
    };
    assert_eq!(cv.client().namespace(), "core-nsl/child");
    let _ = cv
        .client()
        .write("sys/mounts/kv", &json!({"type": "kv-v2"}))
        .await;
    child
        .write("kv/deep/x", &data(&[("k", "v")]), None)
        .await
        .unwrap();
    assert_eq!(child.list("kv/deep").await.unwrap()[0].path, "kv/deep/x");
    // Relative to the connection's own namespace: from core-nsl, "child" is the same place.
    let from_parent = in_namespace(
        &Connection::Vault(VaultConnection::from_client(parent.clone())),
        "child",
    );
    assert_eq!(
        from_parent.subkeys("kv/deep/x", None).await.unwrap().keys,
        ["k"]
    );
    let (below_parent, _) = list_namespaces(&Connection::Vault(VaultConnection::from_client(
        parent.clone(),
    )))
    .await
    .unwrap();
    assert_eq!(below_parent, ["child"]);

    // The read commands carry the namespace, and curl reads the secret through it.
    let dir = tempfile::tempdir().unwrap();
    let store = Audited::new(child, AuditLog::new(dir.path().join("a.jsonl")), "ns");
    let cmds = store.read_commands("kv/deep/x").await.unwrap();
    assert!(
        cmds.cli.contains("-namespace=core-nsl/child"),
        "{}",
        cmds.cli
    );
    let bao = vaultdeck_testkit::shared_openbao_dev();
    let body = curl_json(&cmds.curl, bao.root_token.expose_secret());
    assert_eq!(body["data"]["data"]["k"], "v", "{}", cmds.curl);
    let table = run_read_command(&cmds.cli, bao.root_token.expose_secret());
    assert!(table.contains("k ") && table.contains('v'), "{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_name_search_reads_key_names_only_streams_and_is_audited() {
    let (_dir, deck, store) = deck_store().await;
    for (p, keys) in [
        ("secret/core-keys/a", vec!["db_password", "user"]),
        ("secret/core-keys/b/c", vec!["API_PASSWORD"]),
        ("secret/core-keys/d", vec!["other"]),
    ] {
        let d: SecretData = keys
            .iter()
            .map(|k| (k.to_string(), SecretValue::string(SENTINEL)))
            .collect();
        store.write(p, &d, None).await.unwrap();
    }
    let cancel = tokio_util::sync::CancellationToken::new();
    let mut batches = Vec::new();
    let report = store
        .search_key_names("secret/core-keys/", "Pass", &cancel, |b| batches.push(b))
        .await
        .unwrap();
    assert!(!report.cancelled && !report.values_read);
    assert_eq!(report.progress.secrets_found, 3);
    assert_eq!(report.progress.secrets_read, 3);
    assert_eq!(report.progress.matches, 2);
    let mut hits: Vec<(String, Vec<String>)> = batches
        .iter()
        .flat_map(|b| b.hits.iter().map(|h| (h.path.clone(), h.keys.clone())))
        .collect();
    hits.sort();
    assert_eq!(
        hits,
        [
            (
                "secret/core-keys/a".to_owned(),
                vec!["db_password".to_owned()]
            ),
            (
                "secret/core-keys/b/c".to_owned(),
                vec!["API_PASSWORD".to_owned()]
            ),
        ]
    );
    let audit = audit_details(&deck, "kv.search.keys");
    assert!(
        audit
            .iter()
            .any(|d| d.contains("3 secrets read (key names only); 2 matched")),
        "{audit:?}"
    );

    // An empty query is refused; a cancelled search stops and says so.
    let e = store
        .search_key_names("secret/core-keys/", "  ", &cancel, |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    cancel.cancel();
    let r = store
        .search_key_names("secret/core-keys/", "pass", &cancel, |_| {})
        .await
        .unwrap();
    assert!(r.cancelled);
    assert_eq!(r.progress.matches, 0);
}
