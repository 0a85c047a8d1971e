//! IPC contract and ACL, through Tauri's test runtime with the app's real config, permissions
//! and capabilities:
//! - every command declared in `vaultdeck_types::all_commands()` is registered and allowed from
//!   the main window (a renamed or unregistered command fails here);
//! - every command is denied from a window no capability names (default-deny);
//! - rejections arrive as a serialized `IpcError {code, message}`;
//! - every command belongs to exactly one risk group in src-tauri/permissions.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};
use vaultdeck_core::keychain::Keychain;
use vaultdeck_core::paths::AppPaths;
use vaultdeck_types::{all_commands, ErrorCode, IpcError, BREAKGLASS_COMMANDS};

struct Harness {
    _dir: tempfile::TempDir,
    app: tauri::App<tauri::test::MockRuntime>,
}

fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let (state, tx) =
        vaultdeck_app::app_state(AppPaths::under(dir.path()), Keychain::memory("test"));
    tx.send(Some(vaultdeck_app::state::DemoOutcome::NotNeeded))
        .unwrap();
    let app = vaultdeck_app::with_commands(mock_builder())
        .manage(state)
        .build(tauri::generate_context!())
        .unwrap();
    Harness { _dir: dir, app }
}

impl Harness {
    fn window(&self, label: &str) -> WebviewWindow<tauri::test::MockRuntime> {
        match self.app.get_webview_window(label) {
            Some(w) => w,
            None => WebviewWindowBuilder::new(&self.app, label, Default::default())
                .build()
                .unwrap(),
        }
    }
}

/// Plausible args for each command: the test is about registration and ACL, not the
/// operations, so arguments only need to deserialize.
fn args_for(cmd: &str) -> Value {
    let profile_ref = json!({"profile_id": "no-such-profile"});
    match cmd {
        "save_profile" => json!({"profile": {"id": "", "name": "", "kind": {"provider": "vault",
            "address": "https://x", "auth": {"method": "token"}}}}),
        "delete_profile" | "duplicate_profile" | "refresh_connection" | "renew_token"
        | "list_mounts" => profile_ref,
        "connect" => json!({"profile_id": "no-such-profile"}),
        "disconnect" => json!({"profile_id": "no-such-profile", "revoke_token": false}),
        "list_audit" => json!({"filter": {}}),
        "list_policies"
        | "list_staged_policies"
        | "discard_staged_policies"
        | "apply_staged_policies" => profile_ref,
        "unstage_policy" => json!({"profile_id": "no-such-profile", "name": "p"}),
        "stage_policy" => json!({"profile_id": "no-such-profile",
            "staged": {"name": "p", "text": "not hcl {"}}),
        "preview_staged_policies" => json!({"profile_id": "no-such-profile"}),
        "policy_matrix" => json!({"profile_id": "no-such-profile", "paths": ["a"]}),
        "export_policy_matrix" => {
            json!({"matrix": {"profile_id": "no-such-profile", "paths": ["a"]}})
        }
        "who_can_access" => json!({"profile_id": "no-such-profile", "path": "a"}),
        "export_policy_review" => json!({"profile_id": "no-such-profile", "reviewer": "r",
            "sensitive_paths": ["a"]}),
        "read_policy" | "delete_policy" => {
            json!({"profile_id": "no-such-profile", "name": "p"})
        }
        "format_policy" => json!({"text": "path \"a\" {}"}),
        "lint_policy" => json!({"draft": {"name": "p", "text": "path \"a\" {}"}}),
        "save_policy" => json!({"profile_id": "no-such-profile",
            "draft": {"name": "p", "text": "path \"a\" { capabilities = [\"read\"] }"}}),
        "simulate_policy" => json!({"names": ["p"], "paths": ["a"]}),
        "compare_policy_with_server" => json!({"profile_id": "no-such-profile", "paths": ["a"]}),
        "list_secrets" | "get_secret_metadata" => {
            json!({"profile_id": "no-such-profile", "path": "secret/a"})
        }
        "write_secret" => json!({"profile_id": "no-such-profile", "path": "secret/a",
            "data": {"k": {"value": "v"}}, "cas": 1}),
        "patch_secret" => json!({"profile_id": "no-such-profile", "path": "secret/a",
            "set": {"k": {"value": "1", "json": true}}, "remove": ["o"], "cas": 1}),
        "diff_secret_versions" => {
            json!({"profile_id": "no-such-profile", "path": "secret/a", "from": 1, "to": 2})
        }
        "start_walk" => {
            json!({"profile_id": "no-such-profile", "path": "secret/", "job_id": "j1"})
        }
        c if c.starts_with("az_") => json!({"profile_id": "no-such-profile", "name": "s",
            "version": null, "confirm_name": "s", "value": "v", "from_version": "v1",
            "policy": {"expiry_time": "P1Y", "actions": [], "created": null, "updated": null},
            "spec": {"kty": "rsa", "size": 2048}, "path": "/nonexistent/vaultdeck-ipc-test",
            "job_id": "j-az", "enabled": true}),
        c if c.starts_with("aws_") => json!({"profile_id": "no-such-profile", "secret": "s",
            "name": "s", "value": "v", "target_version": "v1", "text": "{}",
            "mode": {"mode": "force"}, "confirm_name": "s", "from_version": "v1",
            "to_version": "v2", "description": "d", "job_id": "j-aws", "kms_key_id": "alias/k",
            "lambda_arn": "arn:aws:lambda:us-east-1:123456789012:function:r",
            "schedule": {"automatically_after_days": 30}}),
        "cancel_job" => json!({"job_id": "j1"}),
        "start_lease_scan" => {
            json!({"profile_id": "no-such-profile", "prefix": "", "job_id": "j2"})
        }
        "renew_lease" => {
            json!({"profile_id": "no-such-profile", "lease_id": "a/b", "increment": 60})
        }
        "revoke_lease" => json!({"profile_id": "no-such-profile", "lease_id": "a/b"}),
        "issue_db_credentials" => json!({"profile_id": "no-such-profile", "role": "readonly"}),
        "reveal_issued_password" | "copy_issued_password" => {
            json!({"profile_id": "no-such-profile", "lease_id": "database/creds/readonly/x"})
        }
        "list_tokens" => json!({"profile_id": "no-such-profile"}),
        "list_db_rotation_targets" | "list_transit_keys" | "list_cloud_rotation_targets" => {
            profile_ref
        }
        "get_kv_rotation_target" => json!({"profile_id": "no-such-profile", "path": "secret/a"}),
        "rotate_db_root" => json!({"profile_id": "no-such-profile", "connection": "pg",
            "confirm_connection": "pg"}),
        "rotate_static_role" => json!({"profile_id": "no-such-profile", "role": "r"}),
        "rotate_transit_key" | "set_transit_min_versions" => {
            json!({"profile_id": "no-such-profile", "key": "k"})
        }
        "rotate_kv_value" => {
            json!({"profile_id": "no-such-profile", "path": "secret/a", "keys": ["k"]})
        }
        "preview_rotation_plan" => json!({"plan": {"steps": [
            {"kind": "transit_key", "mount": "transit", "key": "k"}]}}),
        "run_rotation_plan" => json!({"profile_id": "no-such-profile", "job_id": "j3",
            "plan": {"steps": [{"kind": "transit_key", "mount": "transit", "key": "k"}]}}),
        "export_rotation_report" => json!({"profile_id": "no-such-profile", "report": {
            "target": "t", "started": "2026-01-01T00:00:00Z", "elapsed_ms": 1,
            "stop_on_error": false, "cancelled": false, "results": [], "ok": 0, "failed": 0,
            "skipped": 0}}),
        "revoke_token_accessor" => json!({"profile_id": "no-such-profile", "accessor": "a"}),
        "revoke_lease_prefix" | "revoke_lease_force" => json!({"profile_id": "no-such-profile",
            "prefix": "a/", "confirm_prefix": "a/"}),
        "rollback_secret" => {
            json!({"profile_id": "no-such-profile", "path": "secret/a", "version": 1, "cas": 2})
        }
        "delete_secret_versions" | "undelete_secret_versions" => {
            json!({"profile_id": "no-such-profile", "path": "secret/a", "versions": [1]})
        }
        "destroy_secret_versions" => json!({"profile_id": "no-such-profile", "path": "secret/a",
            "versions": [1], "confirm_path": "secret/a"}),
        "delete_secret_metadata" => json!({"profile_id": "no-such-profile", "path": "secret/a",
            "confirm_path": "secret/a"}),
        "write_secret_metadata" => json!({"profile_id": "no-such-profile", "path": "secret/a",
            "edit": {"max_versions": 5}}),
        "search_secrets" => json!({"profile_id": "p", "query": {"text": "db"}}),
        "save_secret_settings" => {
            json!({"timeouts": {"reveal_secs": 0, "clipboard_secs": 20}})
        }
        "create_secret" => json!({"profile_id": "no-such-profile", "path": "secret/a",
            "data": {"k": {"value": "v"}}}),
        "copy_secret_json" => json!({"profile_id": "no-such-profile", "path": "secret/a"}),
        "copy_secret_command" => {
            json!({"profile_id": "no-such-profile", "path": "secret/a", "kind": "curl"})
        }
        "list_namespaces" | "list_secret_mounts" => profile_ref,
        "set_secrets_namespace" => json!({"profile_id": "no-such-profile", "namespace": "a"}),
        "start_key_search" => json!({"profile_id": "no-such-profile", "path": "secret/",
            "query": "pass", "job_id": "j2"}),
        "get_secret_keys" | "reveal_secret" => {
            json!({"profile_id": "no-such-profile", "path": "secret/a"})
        }
        "reveal_secret_key" | "copy_secret_key" => {
            json!({"profile_id": "no-such-profile", "path": "secret/a", "key": "k"})
        }
        "start_breakglass_session" => {
            json!({"profile_id": "no-such-profile", "operator": "ops"})
        }
        "breakglass_unseal" => json!({"address": "http://127.0.0.1:1", "share": "not-a-share"}),
        "breakglass_unseal_reset" => json!({"address": "http://127.0.0.1:1"}),
        "breakglass_seal" => json!({"address": "http://127.0.0.1:1", "typed_cluster_name": "c"}),
        "cluster_overview" | "cluster_raft_snapshot" => profile_ref,
        "cluster_step_down" => json!({"profile_id": "no-such-profile", "typed_confirm": "x"}),
        "breakglass_generate_root_state" => json!({"address": "http://127.0.0.1:1"}),
        "breakglass_generate_root_start" => json!({"address": "http://127.0.0.1:1"}),
        "breakglass_generate_root_submit" => json!({"share": "not-a-share"}),
        "breakglass_root_extend" => json!({"minutes": 5, "reason": "r"}),
        "breakglass_lever" => {
            json!({"kind": "revoke_lease_prefix", "target": "x/", "typed_confirm": "x/"})
        }
        _ => json!({}),
    }
}

fn invoke(
    w: &WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        w,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            // `onBatch`: the channel parameter of `start_walk` (ignored by the others).
            body: InvokeBody::Json(json!({ "args": args, "onBatch": "__CHANNEL__:7" })),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

/// Saves `profile` with `credential` through `save_profile`, connects it and returns its id.
fn save_and_connect(
    w: &WebviewWindow<tauri::test::MockRuntime>,
    profile: Value,
    credential: &str,
) -> String {
    let saved = invoke(
        w,
        "save_profile",
        json!({"profile": profile, "credential": credential}),
    )
    .unwrap();
    let id = saved["id"].as_str().unwrap().to_owned();
    invoke(w, "connect", json!({"profile_id": id})).unwrap();
    id
}

/// The paths `search_secrets` finds for `text` in profile `id`'s index, best first.
fn search_paths(w: &WebviewWindow<tauri::test::MockRuntime>, id: &str, text: &str) -> Vec<String> {
    let r = invoke(
        w,
        "search_secrets",
        json!({"profile_id": id, "query": {"text": text}}),
    )
    .unwrap();
    r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_owned())
        .collect()
}

fn is_acl_or_registry_failure(err: &Value) -> bool {
    let s = err.to_string();
    s.contains("not found") && s.contains("command") || s.contains("not allowed")
}

#[test]
fn every_declared_command_is_registered_and_allowed_in_the_main_window() {
    let h = harness();
    let main = h.window("main");
    for cmd in all_commands() {
        if BREAKGLASS_COMMANDS.contains(&cmd) {
            continue; // break-glass window only: see the test below
        }
        match invoke(&main, cmd, args_for(cmd)) {
            Ok(_) => {}
            Err(e) => {
                assert!(
                    !is_acl_or_registry_failure(&e),
                    "{cmd}: not registered or not allowed: {e}"
                );
                // Any other rejection must be a well-formed IpcError.
                let parsed: IpcError = serde_json::from_value(e.clone())
                    .unwrap_or_else(|_| panic!("{cmd}: rejection is not an IpcError: {e}"));
                assert!(!parsed.message.is_empty());
            }
        }
    }
}

#[test]
fn break_glass_commands_are_denied_in_the_main_window_and_allowed_in_the_breakglass_window() {
    let h = harness();
    let main = h.window("main");
    let bg = h.window("breakglass");
    assert!(!BREAKGLASS_COMMANDS.is_empty());
    for cmd in BREAKGLASS_COMMANDS {
        let err = invoke(&main, cmd, args_for(cmd))
            .expect_err(&format!("{cmd} must be denied in the main window"));
        assert!(err.to_string().contains("not allowed"), "{cmd}: {err}");
        if let Err(e) = invoke(&bg, cmd, args_for(cmd)) {
            assert!(
                !is_acl_or_registry_failure(&e),
                "{cmd}: not registered or not allowed in the breakglass window: {e}"
            );
            let parsed: IpcError = serde_json::from_value(e.clone())
                .unwrap_or_else(|_| panic!("{cmd}: rejection is not an IpcError: {e}"));
            assert!(!parsed.message.is_empty());
            assert!(
                !parsed.message.contains("not-a-share"),
                "{cmd}: echoes the share"
            );
        }
    }
    // The launcher is a browse command: allowed in the main window.
    invoke(&main, "open_breakglass_window", json!({})).unwrap();
}

#[test]
fn an_unknown_command_is_rejected() {
    let h = harness();
    let err = invoke(&h.window("main"), "no_such_command", json!({})).unwrap_err();
    assert!(is_acl_or_registry_failure(&err), "{err}");
}

#[test]
fn a_window_without_capability_is_denied_every_command() {
    let h = harness();
    let intruder = h.window("intruder");
    for cmd in all_commands() {
        let err = invoke(&intruder, cmd, args_for(cmd))
            .expect_err(&format!("{cmd} must be denied outside the main window"));
        assert!(err.to_string().contains("not allowed"), "{cmd}: {err}");
    }
}

#[test]
fn commands_work_end_to_end_through_ipc() {
    let h = harness();
    let main = h.window("main");
    assert_eq!(
        invoke(&main, "list_profiles", json!({})).unwrap(),
        json!([])
    );
    let saved = invoke(
        &main,
        "save_profile",
        json!({"profile": {"id": "", "name": "local", "kind": {"provider": "vault",
            "address": "http://127.0.0.1:8200", "auth": {"method": "token"}}},
            "credential": "s.not-a-real-token"}),
    )
    .unwrap();
    assert_eq!(saved["name"], "local");
    assert_eq!(
        invoke(&main, "list_profiles", json!({})).unwrap()[0]["name"],
        "local"
    );
    let info = invoke(&main, "get_app_info", json!({})).unwrap();
    assert_eq!(info["keychain_available"], false);
    // Validation errors arrive as IpcError with the right code and the draft is not saved.
    let err = invoke(
        &main,
        "save_profile",
        json!({"profile": {"id": "", "name": "remote", "kind": {"provider": "vault",
            "address": "http://vault.corp:8200", "auth": {"method": "token"}}}}),
    )
    .unwrap_err();
    let err: IpcError = serde_json::from_value(err).unwrap();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("plain http"), "{}", err.message);
    // Not connected: a clear Unauthenticated error.
    let err: IpcError = serde_json::from_value(
        invoke(&main, "list_mounts", json!({"profile_id": saved["id"]})).unwrap_err(),
    )
    .unwrap();
    assert_eq!(err.code, ErrorCode::Unauthenticated);
    // Every mutation is audited.
    let audit = invoke(&main, "list_audit", json!({"filter": {}})).unwrap();
    let actions: Vec<_> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].clone())
        .collect();
    assert!(actions.contains(&json!("profile.create")), "{actions:?}");
    assert_eq!(
        invoke(&main, "verify_audit", json!({})).unwrap()["first_broken_line"],
        Value::Null
    );
}

#[test]
fn every_command_belongs_to_exactly_one_risk_group() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src-tauri/permissions");
    let mut owners: std::collections::HashMap<String, Vec<String>> = Default::default();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: toml::Value = toml::from_str(&text).unwrap();
        for perm in doc["permission"].as_array().unwrap() {
            for c in perm["commands"]["allow"].as_array().unwrap() {
                owners
                    .entry(c.as_str().unwrap().to_owned())
                    .or_default()
                    .push(path.file_name().unwrap().to_string_lossy().into());
            }
        }
    }
    for cmd in all_commands() {
        let groups = owners.get(cmd).cloned().unwrap_or_default();
        assert_eq!(groups.len(), 1, "{cmd} is in groups {groups:?}");
    }
    assert_eq!(
        owners.len(),
        all_commands().len(),
        "permission for an undeclared command"
    );
}

#[test]
fn csp_and_global_tauri_are_locked_down() {
    let conf: Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    let csp = conf["app"]["security"]["csp"].as_str().unwrap();
    assert!(csp.contains("default-src 'self'"));
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"));
    for banned in ["http://", "https://", "unsafe-inline", "*"] {
        let stripped = csp.replace("http://ipc.localhost", "");
        assert!(!stripped.contains(banned), "CSP contains {banned}: {csp}");
    }
    assert_eq!(conf["app"]["withGlobalTauri"], false);
    assert_eq!(conf["app"]["security"]["freezePrototype"], true);
}

#[test]
fn issued_passwords_not_held_are_a_clear_not_found_and_audited() {
    let h = harness();
    let main = h.window("main");
    let lease = "database/creds/readonly/never-issued";
    for cmd in ["reveal_issued_password", "copy_issued_password"] {
        let err = invoke(
            &main,
            cmd,
            json!({"profile_id": "no-such-profile", "lease_id": lease}),
        )
        .unwrap_err();
        let err: IpcError = serde_json::from_value(err).unwrap();
        assert_eq!(err.code, ErrorCode::NotFound, "{cmd}: {}", err.message);
        assert!(err.message.contains("no longer held"), "{}", err.message);
        assert!(err.message.contains(lease), "{}", err.message);
    }
    // Both attempts are recorded as (failed) reveals of that lease.
    let audit = invoke(&main, "list_audit", json!({"filter": {}})).unwrap();
    let reveals = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "creds.reveal" && e["target"] == lease)
        .count();
    assert_eq!(reveals, 2, "{audit}");
}

/// AWS (issue #7): the streamed `aws_list_secrets` fills the same search index the Vault
/// explorer's `search_secrets` reads (keyed by the profile id), so fuzzy search works on AWS
/// names; a listing without filters replaces the names indexed before, a filtered one only
/// adds. Against a real moto server.
#[test]
fn aws_listing_fills_the_shared_search_index() {
    let moto = vaultdeck_testkit::Moto::start();
    let h = harness();
    let main = h.window("main");
    let id = save_and_connect(
        &main,
        json!({"id": "", "name": "moto", "kind": {"provider": "aws",
            "region": "us-east-1", "access_key_id": "AKIDIPC", "endpoint_url": moto.endpoint()}}),
        "ipc-secret-key",
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sdk = rt.block_on(async {
        vaultdeck_aws::AwsClient::connect(&vaultdeck_aws::AwsSettings {
            region: Some("us-east-1".into()),
            endpoint_url: Some(moto.endpoint()),
            keys: Some(vaultdeck_aws::StaticKeys {
                access_key_id: "AKIDSEED".into(),
                secret_access_key: secrecy::SecretString::from("seed".to_owned()),
                session_token: None,
            }),
            ..Default::default()
        })
        .await
        .unwrap()
    });
    let names = [
        "prod/db-password",
        "prod/api-key",
        "staging/db-password",
        "dev/cache-token",
        "preview/db-host",
    ];
    for n in names {
        rt.block_on(sdk.create(vaultdeck_aws::NewSecret {
            name: n.into(),
            value: Some(vaultdeck_aws::SecretPayload::string("v")),
            ..Default::default()
        }))
        .unwrap();
    }
    let list = |filter: Value| {
        invoke(
            &main,
            "aws_list_secrets",
            json!({"profile_id": id, "job_id": "ipc-aws-list", "page_size": 2,
                "filter": filter}),
        )
        .unwrap()
    };
    let search = |text: &str| search_paths(&main, &id, text);
    let report = list(json!({}));
    assert_eq!(report["count"], 5, "{report}");
    assert_eq!(report["pages"], 3, "{report}");
    assert_eq!(report["cancelled"], false, "{report}");
    // "prdb" is a fuzzy match of prod/db-password (and of preview/db-host), not of the others.
    let hits = search("prdb");
    assert_eq!(
        hits.first().map(String::as_str),
        Some("prod/db-password"),
        "{hits:?}"
    );
    assert!(
        !hits
            .iter()
            .any(|h| h.starts_with("staging/") || h.starts_with("dev/")),
        "{hits:?}"
    );

    // A secret deleted on the server disappears from the index at the next full listing.
    rt.block_on(sdk.delete("prod/db-password", vaultdeck_types::AwsDeleteMode::Force))
        .unwrap();
    // A filtered listing only adds: the deleted name is still indexed.
    let report = list(json!({"name_prefix": "staging/"}));
    assert_eq!(report["count"], 1, "{report}");
    assert!(search("prdb").contains(&"prod/db-password".to_owned()));
    let report = list(json!({}));
    assert_eq!(report["count"], 4, "{report}");
    let hits = search("prdb");
    assert!(!hits.contains(&"prod/db-password".to_owned()), "{hits:?}");
    assert_eq!(
        hits.first().map(String::as_str),
        Some("preview/db-host"),
        "{hits:?}"
    );
    // The job is gone once the listing has ended: cancelling it is a no-op.
    assert_eq!(
        invoke(&main, "cancel_job", json!({"job_id": "ipc-aws-list"})).unwrap(),
        json!(false)
    );
}

/// Azure (issue #8): `az_list_secrets` streams every page (the test server sends an empty page
/// with a nextLink before each continuation) and fills the explorer's search index keyed by the
/// profile id; a new listing replaces the names indexed before. Against the Key Vault test
/// server, through a saved client-secret profile.
#[test]
fn azure_listing_streams_pages_and_fills_the_shared_search_index() {
    let kv = vaultdeck_testkit::AzureKeyVault::start();
    let h = harness();
    let main = h.window("main");
    let id = save_and_connect(
        &main,
        json!({"id": "", "name": "kv-ipc", "kind": {"provider": "azure",
            "vault_url": kv.vault_url(), "tenant_id": kv.tenant_id(), "client_id": kv.client_id(),
            "auth": "client_secret", "authority_host": kv.authority_host(),
            "ca_bundle": kv.ca_pem_path().display().to_string()}}),
        secrecy::ExposeSecret::expose_secret(&kv.client_secret()),
    );
    let mut names: Vec<String> = (0..27).map(|i| format!("svc-{i:02}-token")).collect();
    names.extend(["prod-db-password", "prod-api-key", "staging-db-password"].map(String::from));
    for n in &names {
        invoke(
            &main,
            "az_set_secret",
            json!({"profile_id": id, "name": n, "value": "v"}),
        )
        .unwrap();
    }
    let list = || {
        invoke(
            &main,
            "az_list_secrets",
            json!({"profile_id": id, "job_id": "ipc-az-list"}),
        )
        .unwrap()
    };
    let search = |text: &str| search_paths(&main, &id, text);
    // 30 secrets, 25 per page: page 1, an empty page, page 2.
    let report = list();
    assert_eq!(report["progress"]["count"], 30, "{report}");
    assert_eq!(report["progress"]["pages"], 3, "{report}");
    assert_eq!(report["progress"]["empty_pages"], 1, "{report}");
    assert_eq!(report["cancelled"], false, "{report}");
    let hits = search("prdbpw");
    assert_eq!(
        hits.first().map(String::as_str),
        Some("prod-db-password"),
        "{hits:?}"
    );
    assert!(!hits.iter().any(|h| h.starts_with("svc-")), "{hits:?}");

    // A secret deleted on the server leaves the index at the next listing (names replaced).
    invoke(
        &main,
        "az_delete_secret",
        json!({"profile_id": id, "name": "prod-db-password"}),
    )
    .unwrap();
    assert_eq!(
        search("prdbpw").first().map(String::as_str),
        Some("prod-db-password")
    );
    let report = list();
    assert_eq!(report["progress"]["count"], 29, "{report}");
    let hits = search("db-password");
    assert!(!hits.contains(&"prod-db-password".to_owned()), "{hits:?}");
    assert!(hits.contains(&"staging-db-password".to_owned()), "{hits:?}");
}

/// Azure key soft delete (issue #8) through IPC: `az_delete_key` returns only once the key is in
/// `az_list_deleted_keys` (the test server hides a deleted key for 300 ms, like the service);
/// `az_recover_key` brings it back into `az_list_keys`; a purge with a wrongly typed name is
/// refused and purges nothing; the right name purges it for good.
#[test]
fn azure_key_soft_delete_recover_and_purge() {
    let kv = vaultdeck_testkit::AzureKeyVault::start();
    let h = harness();
    let main = h.window("main");
    let id = save_and_connect(
        &main,
        json!({"id": "", "name": "kv-keys", "kind": {"provider": "azure",
            "vault_url": kv.vault_url(), "tenant_id": kv.tenant_id(), "client_id": kv.client_id(),
            "auth": "client_secret", "authority_host": kv.authority_host(),
            "ca_bundle": kv.ca_pem_path().display().to_string()}}),
        secrecy::ExposeSecret::expose_secret(&kv.client_secret()),
    );
    let names = |cmd: &str, deleted: bool| -> Vec<String> {
        let v = invoke(&main, cmd, json!({"profile_id": id})).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let e = if deleted { &e["props"] } else { e };
                e["name"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    let name = json!({"profile_id": id, "name": "k1"});
    invoke(
        &main,
        "az_create_key",
        json!({"profile_id": id, "name": "k1", "spec": {"kty": "ec", "curve": "P-256"}}),
    )
    .unwrap();
    let d = invoke(&main, "az_delete_key", name.clone()).unwrap();
    assert_eq!(d["props"]["name"], "k1", "{d}");
    let (deleted_on, purge_on) = (
        d["deleted_date"].as_i64().unwrap(),
        d["scheduled_purge_date"].as_i64().unwrap(),
    );
    assert!(purge_on > deleted_on, "{d}");
    assert_eq!(names("az_list_deleted_keys", true), ["k1"]);
    assert!(names("az_list_keys", false).is_empty());

    let k = invoke(&main, "az_recover_key", name.clone()).unwrap();
    assert_eq!(k["name"], "k1", "{k}");
    assert_eq!(names("az_list_keys", false), ["k1"]);
    assert!(names("az_list_deleted_keys", true).is_empty());

    invoke(&main, "az_delete_key", name.clone()).unwrap();
    let e = invoke(
        &main,
        "az_purge_key",
        json!({"profile_id": id, "name": "k1", "confirm_name": "k"}),
    )
    .unwrap_err();
    assert!(e.to_string().contains("type the key's name"), "{e}");
    assert_eq!(names("az_list_deleted_keys", true), ["k1"]);
    invoke(
        &main,
        "az_purge_key",
        json!({"profile_id": id, "name": "k1", "confirm_name": "k1"}),
    )
    .unwrap();
    assert!(names("az_list_deleted_keys", true).is_empty());
    assert!(names("az_list_keys", false).is_empty());
}
