//! The Policies workbench's core operations against a real OpenBao: list/read/save/delete with
//! OpenBao's policy check-and-set, a conflicting concurrent edit that is detected and leaves the
//! server's text unchanged, local validation with the line, audit records, simulation with
//! provenance, and agreement with `sys/capabilities-self` / `sys/capabilities-accessor`.

use std::sync::Arc;

use vaultdeck_core::capability::PolicyAdmin;
use vaultdeck_core::connection::VaultConnection;
use vaultdeck_core::policies;
use vaultdeck_core::sessions::Deck;
use vaultdeck_core::Connection;
use vaultdeck_types::{AuditFilter, Capability, ErrorCode, PolicyDraft};
use vaultdeck_vault::{TokenRequest, VaultClient, VaultConfig};

mod common;
use common::root_conn;

async fn deck() -> (tempfile::TempDir, Arc<Deck>, String) {
    common::root_deck(Capability::Policies).await
}

fn draft(name: &str, text: &str) -> PolicyDraft {
    PolicyDraft {
        name: name.into(),
        text: text.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_read_list_delete_with_cas_and_audit() {
    let (_dir, deck, pid) = deck().await;
    let name = "wb-crud";
    let v1 = r#"path "secret/data/app/*" { capabilities = ["read"] }"#;
    let doc = policies::save(&deck, &pid, &draft(name, v1), Some(0), None)
        .await
        .unwrap();
    assert_eq!(doc.text, v1);
    assert_eq!(doc.version, Some(1), "OpenBao 2.7 versions ACL policies");
    assert!(doc.modified.is_some());

    // Creating again with cas 0 is a conflict now that it exists.
    let e = policies::save(&deck, &pid, &draft(name, v1), Some(0), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");

    let v2 = r#"path "secret/data/app/*" { capabilities = ["read", "list"] }"#;
    let doc = policies::save(&deck, &pid, &draft(name, v2), Some(1), None)
        .await
        .unwrap();
    assert_eq!(doc.version, Some(2));
    let conn = deck.connection(&pid).unwrap();
    assert!(conn
        .list_policies()
        .await
        .unwrap()
        .contains(&name.to_owned()));

    policies::delete(&deck, &pid, name).await.unwrap();
    let e = conn.read_policy(name).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);

    let actions: Vec<_> = deck
        .audit()
        .list(&AuditFilter::default())
        .unwrap()
        .into_iter()
        .filter(|e| e.target.as_deref() == Some(name))
        .map(|e| (e.action, e.outcome == "ok"))
        .collect();
    assert!(
        actions.contains(&("policy.write".into(), true)),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("policy.write".into(), false)),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("policy.delete".into(), true)),
        "{actions:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_edit_is_a_conflict_and_the_server_keeps_its_text() {
    let (_dir, deck, pid) = deck().await;
    let name = "wb-conflict";
    let base = r#"path "kv/a" { capabilities = ["read"] }"#;
    let opened = policies::save(&deck, &pid, &draft(name, base), None, None)
        .await
        .unwrap();
    // Someone else edits the policy after we opened it.
    let theirs = r#"path "kv/b" { capabilities = ["read"] }"#;
    root_conn()
        .write_policy(name, theirs, opened.version)
        .await
        .unwrap();
    // Our save, from the version we opened, is refused.
    let ours = r#"path "kv/c" { capabilities = ["update"] }"#;
    let e = policies::save(
        &deck,
        &pid,
        &draft(name, ours),
        opened.version,
        Some(&opened.text),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
    assert!(e.to_string().contains("draft is kept"), "{e}");
    let now = root_conn().read_policy(name).await.unwrap();
    assert_eq!(now.text, theirs, "the server's text is unchanged");
    assert_eq!(now.version, opened.version.map(|v| v + 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_text_is_refused_locally_with_its_line() {
    let (_dir, deck, pid) = deck().await;
    let bad = "path \"kv/a\" {\n  capabilities = [\"read\"]\n}\npath \"kv/b\" {\n  capabilities = [\"lst\"]\n}\n";
    let report = policies::lint_draft(&draft("wb-bad", bad), None);
    let problem = report.problem.expect("rejected");
    assert_eq!(problem.line, 4, "{problem:?}");
    assert!(
        problem.message.contains("invalid capability"),
        "{problem:?}"
    );
    let e = policies::save(&deck, &pid, &draft("wb-bad", bad), None, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().contains("line 4"), "{e}");
    let e = root_conn().read_policy("wb-bad").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "nothing was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lint_uses_the_mount_table() {
    let conn = root_conn();
    let mounts = conn.mounts().await.unwrap();
    let text = "path \"secret/app/*\" {\n  capabilities = [\"read\"]\n}\n";
    let with = policies::lint_draft(&draft("wb-lint", text), Some(&mounts));
    assert!(with.with_mounts);
    assert!(
        with.findings.iter().any(|f| f.line == 1),
        "a KV v2 path without data/ is flagged: {:?}",
        with.findings
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_with_provenance_and_agree_with_the_server() {
    let bao = vaultdeck_testkit::shared_openbao_dev();
    let conn = root_conn();
    let rules = "path \"secret/data/team/*\" {\n  capabilities = [\"read\", \"list\"]\n}\n\npath \"secret/data/team/admin\" {\n  capabilities = [\"deny\"]\n}\n";
    conn.write_policy("wb-team", rules, None).await.unwrap();

    // Offline: a draft plus a server policy by name.
    let set = policies::resolve(
        Some(&conn),
        &[draft(
            "wb-draft",
            "path \"kv/x\" { capabilities = [\"create\"] }",
        )],
        &["wb-team".into()],
    )
    .await
    .unwrap();
    let paths: Vec<String> = [
        "secret/data/team/app",
        "secret/data/team/admin",
        "kv/x",
        "nope",
    ]
    .map(String::from)
    .to_vec();
    let sim = policies::simulate(set, &paths);
    assert_eq!(sim.policies, ["wb-draft", "wb-team"]);
    assert_eq!(sim.results[0].capabilities, ["list", "read"]);
    assert_eq!(sim.results[0].decided_by[0].policy, "wb-team");
    assert_eq!(sim.results[0].decided_by[0].line, 1);
    assert_eq!(sim.results[1].capabilities, ["deny"]);
    assert_eq!(sim.results[1].decided_by[0].line, 5);
    assert_eq!(sim.results[1].overridden[0].line, 1);
    assert_eq!(sim.results[2].capabilities, ["create"]);
    assert_eq!(sim.results[3].capabilities, ["deny"]);
    assert!(sim.results[3].decided_by.is_empty());

    // Against the server, for another token by accessor and for our own (root) token.
    let root = bao.client().unwrap();
    let auth = root
        .create_token(&TokenRequest {
            policies: vec!["wb-team".into()],
            ..TokenRequest::default()
        })
        .await
        .unwrap();
    let cmp = policies::compare_with_server(&conn, Some(&auth.accessor), &paths)
        .await
        .unwrap();
    assert!(cmp.agree, "{cmp:?}");
    assert!(cmp.policies.contains(&"wb-team".to_owned()));
    assert!(cmp.policies.contains(&"default".to_owned()));
    assert_eq!(cmp.paths[1].server, ["deny"]);

    let own = VaultClient::new(VaultConfig::new(&bao.addr))
        .unwrap()
        .with_token(auth.client_token);
    let own = Connection::Vault(VaultConnection::from_client(own));
    // A token that may not read policies cannot be evaluated locally: said so, not guessed.
    let e = policies::compare_with_server(&own, None, &paths[..2])
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied, "{e}");
    let cmp = policies::compare_with_server(&conn, None, &paths)
        .await
        .unwrap();
    assert!(cmp.agree, "root: {cmp:?}");
    assert_eq!(cmp.paths[0].server, ["root"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staged_edits_apply_in_order_and_stop_at_a_conflict() {
    use vaultdeck_core::policies::staging::StagedEdits;
    use vaultdeck_types::StagedPolicy;

    let (dir, deck, pid) = deck().await;
    let conn = root_conn();
    let text = |caps: &str| format!("path \"kv/st/*\" {{ capabilities = [{caps}] }}");
    for n in ["wb-st-a", "wb-st-b"] {
        conn.write_policy(n, &text("\"read\""), None).await.unwrap();
    }
    let staging = StagedEdits::in_data_dir(dir.path());
    for n in ["wb-st-a", "wb-st-b"] {
        let doc = conn.read_policy(n).await.unwrap();
        staging
            .stage(
                &pid,
                StagedPolicy {
                    name: n.into(),
                    text: text("\"read\", \"list\""),
                    base_text: Some(doc.text),
                    base_version: doc.version,
                },
            )
            .unwrap();
    }
    staging
        .stage(
            &pid,
            StagedPolicy {
                name: "wb-st-c".into(),
                text: text("\"update\""),
                base_text: None,
                base_version: None,
            },
        )
        .unwrap();

    // The impact preview: list gained under a and b; c is new.
    let preview = staging.preview(&pid, &["kv/st/app".into()]).unwrap();
    assert_eq!(preview.staged.len(), 3);
    let gained: Vec<_> = preview
        .impact
        .iter()
        .filter(|r| r.path == "kv/st/app")
        .map(|r| (r.policy.as_str(), r.gained.clone()))
        .collect();
    assert_eq!(
        gained,
        [
            ("wb-st-a", vec!["list".to_owned()]),
            ("wb-st-b", vec!["list".to_owned()]),
            ("wb-st-c", vec!["update".to_owned()]),
        ]
    );

    // Someone edits b meanwhile: a is applied, b conflicts, b and c stay staged.
    conn.write_policy("wb-st-b", &text("\"deny\""), None)
        .await
        .unwrap();
    // A fresh instance reads the same file (drafts survive a restart).
    let staging = StagedEdits::in_data_dir(dir.path());
    let report = staging.apply(&deck, &pid).await.unwrap();
    assert_eq!(report.applied, ["wb-st-a"]);
    assert_eq!(report.failed.as_deref(), Some("wb-st-b"));
    assert_eq!(report.error.unwrap().code, ErrorCode::Conflict);
    let left: Vec<_> = report.remaining.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(left, ["wb-st-b", "wb-st-c"]);
    assert_eq!(
        conn.read_policy("wb-st-b").await.unwrap().text,
        text("\"deny\""),
        "the concurrent edit is kept"
    );
    assert!(conn
        .read_policy("wb-st-a")
        .await
        .unwrap()
        .text
        .contains("list"));
    let e = conn.read_policy("wb-st-c").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "stopped before c");

    // Unstage the conflicting edit; the rest applies.
    staging.unstage(&pid, "wb-st-b").unwrap();
    let report = staging.apply(&deck, &pid).await.unwrap();
    assert_eq!(report.applied, ["wb-st-c"]);
    assert!(report.remaining.is_empty());
    staging.discard(&pid).unwrap();
}

#[tokio::test]
async fn who_can_access_lists_policies_and_their_holders() {
    use serde_json::json;
    use vaultdeck_core::policies::analysis;

    // A fresh server: the mounts and holders below are this test's alone.
    let bao = vaultdeck_testkit::openbao_dev();
    let root = bao.client().unwrap();
    let conn = Connection::Vault(VaultConnection::from_client(root.clone()));
    conn.write_policy(
        "wc-read",
        "path \"secret/data/pay/*\" {\n  capabilities = [\"read\"]\n}\n",
        None,
    )
    .await
    .unwrap();
    conn.write_policy(
        "wc-deny",
        "path \"secret/data/pay/card\" {\n  capabilities = [\"deny\"]\n}\n",
        None,
    )
    .await
    .unwrap();
    root.write("sys/auth/userpass", &json!({"type": "userpass"}))
        .await
        .unwrap();
    root.write(
        "auth/userpass/users/alice",
        &json!({"password": "pw-not-used", "token_policies": ["wc-read"]}),
    )
    .await
    .unwrap();
    root.write("sys/auth/approle", &json!({"type": "approle"}))
        .await
        .unwrap();
    root.write(
        "auth/approle/role/billing",
        &json!({"token_policies": "wc-read,default"}),
    )
    .await
    .unwrap();
    root.write(
        "auth/token/roles/ops",
        &json!({"allowed_policies": ["wc-read"]}),
    )
    .await
    .unwrap();
    root.write(
        "identity/group",
        &json!({"name": "payments", "policies": ["wc-read"]}),
    )
    .await
    .unwrap();

    let who = analysis::who_can(&conn, "secret/data/pay/card")
        .await
        .unwrap();
    let grants: Vec<_> = who
        .grants
        .iter()
        .map(|g| (g.policy.as_str(), g.capabilities.join(",")))
        .collect();
    assert!(grants.contains(&("wc-read", "read".into())), "{grants:?}");
    assert!(grants.contains(&("wc-deny", "deny".into())), "{grants:?}");
    assert!(grants.contains(&("root", "root".into())), "{grants:?}");
    let holders: Vec<_> = who
        .holders
        .iter()
        .map(|h| (h.kind.as_str(), h.name.as_str()))
        .collect();
    for want in [
        ("userpass", "alice"),
        ("approle", "billing"),
        ("token_role", "ops"),
        ("identity_group", "payments"),
    ] {
        assert!(holders.contains(&want), "{want:?} missing from {holders:?}");
    }
    assert!(who.holders.iter().all(|h| h.policies == ["wc-read"]));

    let m = analysis::matrix(
        analysis::server_policies(&conn, &["wc-read".into(), "wc-deny".into()])
            .await
            .unwrap(),
        &["secret/data/pay/card".into(), "secret/data/pay/x".into()],
    );
    assert_eq!(m.cells[0], [vec!["read"], vec!["deny"]]);
    assert_eq!(m.cells[1], [vec!["read"], vec!["deny"]]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_report_is_written_and_audited() {
    use vaultdeck_core::policies::report;
    use vaultdeck_types::ReviewReportArgs;

    let (dir, deck, pid) = deck().await;
    let conn = root_conn();
    conn.write_policy(
        "wb-rep",
        "path \"secret/data/rep/*\" {\n  capabilities = [\"read\", \"sudo\"]\n}\n",
        None,
    )
    .await
    .unwrap();
    let now = time::macros::datetime!(2026-11-28 12:00 UTC);
    let args = ReviewReportArgs {
        profile_id: pid.clone(),
        reviewer: "Rita <reviewer>".into(),
        policies: vec!["wb-rep".into()],
        sensitive_paths: vec!["secret/data/rep/db".into()],
        folder: Some(dir.path().join("out").display().to_string()),
    };
    let files = report::export(&deck, dir.path(), &args, now).await.unwrap();
    assert!(files.findings >= 1, "sudo outside sys is a finding");
    let html = std::fs::read_to_string(&files.html.path).unwrap();
    assert!(html.contains("Rita &lt;reviewer&gt;"), "escaped reviewer");
    assert!(html.contains("2026-11-28T12:00:00Z"));
    assert!(html.contains("VDP001"));
    assert!(
        html.contains("<td class=\"grant\">read, sudo</td>"),
        "{html}"
    );
    assert!(!html.contains("<script"), "self-contained, no script");
    let md = std::fs::read_to_string(&files.markdown.path).unwrap();
    assert!(md.contains("| `secret/data/rep/db` | read, sudo |"), "{md}");
    assert!(md.contains("### `secret/data/rep/db`"));
    let audited = deck
        .audit()
        .list(&AuditFilter::default())
        .unwrap()
        .into_iter()
        .any(|e| {
            e.action == "policy.review_report" && e.target.as_deref() == Some(&files.html.path)
        });
    assert!(audited);
    let e = report::export(
        &deck,
        dir.path(),
        &ReviewReportArgs {
            reviewer: " ".into(),
            ..args
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn who_can_access_a_kv_subtree_walks_it_and_answers_per_secret() {
    use serde_json::json;
    use vaultdeck_core::policies::analysis;

    let bao = vaultdeck_testkit::openbao_dev();
    let root = bao.client().unwrap();
    let conn = Connection::Vault(VaultConnection::from_client(root.clone()));
    for (p, v) in [
        ("sub/a", 1),
        ("sub/team/b", 2),
        ("sub/team/c", 3),
        ("other/z", 4),
    ] {
        root.write(&format!("secret/data/{p}"), &json!({"data": {"k": v}}))
            .await
            .unwrap();
    }
    conn.write_policy(
        "sub-team",
        "path \"secret/data/sub/team/*\" {\n  capabilities = [\"read\"]\n}\n",
        None,
    )
    .await
    .unwrap();
    conn.write_policy(
        "sub-a-write",
        "path \"secret/data/sub/a\" {\n  capabilities = [\"create\", \"update\"]\n}\n",
        None,
    )
    .await
    .unwrap();

    let who = analysis::who_can_subtree(&conn, "secret/sub/", 500)
        .await
        .unwrap();
    let t = who.subtree.as_ref().unwrap();
    assert_eq!(
        t.secrets, 3,
        "only the three secrets under sub/: {:?}",
        t.rows
    );
    let row = |p: &str| t.rows.iter().find(|r| r.path == p).unwrap();
    let caps = |r: &vaultdeck_types::WhoCanRow, pol: &str| {
        r.grants
            .iter()
            .find(|g| g.policy == pol)
            .map(|g| g.capabilities.join(","))
    };
    assert_eq!(
        caps(row("secret/data/sub/team/b"), "sub-team").as_deref(),
        Some("read")
    );
    assert_eq!(caps(row("secret/data/sub/a"), "sub-team"), None);
    assert_eq!(
        caps(row("secret/data/sub/a"), "sub-a-write").as_deref(),
        Some("create,update")
    );
    let agg: Vec<_> = who
        .grants
        .iter()
        .map(|g| (g.policy.as_str(), g.capabilities.join(",")))
        .collect();
    assert!(agg.contains(&("sub-team", "read".into())), "{agg:?}");
    assert!(
        agg.contains(&("sub-a-write", "create,update".into())),
        "{agg:?}"
    );
    // The same answer as asking path by path.
    let single = analysis::who_can(&conn, "secret/data/sub/team/c")
        .await
        .unwrap();
    assert_eq!(single.grants, row("secret/data/sub/team/c").grants);
}

#[tokio::test]
async fn an_identity_entity_brings_its_own_and_its_groups_policies() {
    use serde_json::json;

    let bao = vaultdeck_testkit::openbao_dev();
    let root = bao.client().unwrap();
    let conn = Connection::Vault(VaultConnection::from_client(root.clone()));
    conn.write_policy(
        "ent-own",
        "path \"secret/data/own/*\" {\n  capabilities = [\"read\"]\n}\n",
        None,
    )
    .await
    .unwrap();
    conn.write_policy(
        "ent-group",
        "path \"secret/data/team/*\" {\n  capabilities = [\"list\"]\n}\n",
        None,
    )
    .await
    .unwrap();
    let e = root
        .write(
            "identity/entity",
            &json!({"name": "erin", "policies": ["ent-own"]}),
        )
        .await
        .unwrap()
        .unwrap();
    let id = e["data"]["id"].as_str().unwrap().to_owned();
    root.write(
        "identity/group",
        &json!({"name": "team", "policies": ["ent-group"], "member_entity_ids": [id]}),
    )
    .await
    .unwrap();

    let names = policies::names_with_entity(Some(&conn), vec![], Some("erin"))
        .await
        .unwrap();
    assert_eq!(names, ["ent-group", "ent-own"]);
    let set = policies::resolve(Some(&conn), &[], &names).await.unwrap();
    let sim = policies::simulate(
        set,
        &["secret/data/own/x".into(), "secret/data/team/".into()],
    );
    assert_eq!(sim.results[0].capabilities, ["read"]);
    assert_eq!(sim.results[1].capabilities, ["list"]);
    let err = policies::entity_policies(&conn, "nobody")
        .await
        .unwrap_err();
    assert_eq!(err.code(), vaultdeck_types::ErrorCode::NotFound);
}
