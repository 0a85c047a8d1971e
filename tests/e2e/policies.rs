//! The Policies workbench end to end against a real OpenBao: open a policy, see a lint mark,
//! simulate a path (deciding line highlighted) and compare with the server, stage two edits,
//! preview their impact, apply them, build the matrix (CSV export) and who-can-access, export a
//! review report, then a conflicting save keeps the draft and shows the server's text. Screenshots under target/e2e-shots/policies-*.png.

use secrecy::ExposeSecret;
use serde_json::json;

use super::harness::{assert_no_leak, AppSession, Display};
use super::{new_profile, save_and_connect};

const APP_POLICY: &str = "path \"secret/data/app/*\" {\n  capabilities = [\"read\", \"list\"]\n}\n\npath \"secret/app/*\" {\n  capabilities = [\"read\", \"sudo\"]\n}\n";
const OPS_POLICY: &str =
    "path \"secret/data/ops/*\" {\n  capabilities = [\"read\", \"update\"]\n}\n";

async fn seed(bao: &vaultdeck_vault::dev::DevServer) {
    let client = bao.client().unwrap();
    for (name, text) in [("e2e-app", APP_POLICY), ("e2e-ops", OPS_POLICY)] {
        client
            .write(
                &format!("sys/policies/acl/{name}"),
                &json!({ "policy": text }),
            )
            .await
            .unwrap();
    }
}

async fn open_policy(s: &AppSession, name: &str) {
    s.fill("#policy-search", name).await;
    s.click(&format!(
        "li.policy-row[data-policy-name=\"{name}\"] .policy-open"
    ))
    .await;
    s.wait_text("#policy-title", name).await;
}

/// Scrolls an element to the middle of the view (for the screenshot).
async fn show(s: &AppSession, css: &str) {
    let el = s.wait_for(css).await;
    let arg = serde_json::to_value(&el).unwrap();
    s.client
        .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
        .await
        .unwrap();
}

/// Replaces the editor's text as a paste would (WebKitWebDriver drops `\n` typed into a
/// textarea), firing the `input` event the editor listens to.
async fn set_editor(s: &AppSession, text: &str) {
    let el = s.wait_for("#policy-editor").await;
    let arg = serde_json::to_value(&el).unwrap();
    s.client
        .execute(
            "arguments[0].value = arguments[1]; \
             arguments[0].dispatchEvent(new InputEvent('input', {bubbles: true}));",
            vec![arg, json!(text)],
        )
        .await
        .unwrap();
}

async fn server_text(bao: &vaultdeck_vault::dev::DevServer, name: &str) -> String {
    let body = bao
        .client()
        .unwrap()
        .read(&format!("sys/policies/acl/{name}"))
        .await
        .unwrap()
        .unwrap();
    body["data"]["policy"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_workbench_scenario() {
    let bao = vaultdeck_testkit::openbao_dev();
    seed(&bao).await;
    let keyring = vaultdeck_testkit::SecretService::start();
    let display = Display::start();
    let root = bao.root_token.expose_secret().to_owned();

    let s = AppSession::start(&display, keyring.bus_address()).await;
    new_profile(&s, "Policy admin", &bao.addr).await;
    s.fill("#profile-credential", &root).await;
    save_and_connect(&s, "Policy admin").await;
    s.wait_text("#status-connection", "Policy admin").await;
    s.click("#nav-policies").await;

    // Open a policy; the sudo-outside-sys rule (line 5-7) carries a lint mark.
    open_policy(&s, "e2e-app").await;
    s.wait_for(".lint-mark[data-id=\"VDP001\"][data-line=\"5\"]")
        .await;
    s.wait_for("#policy-findings li.finding[data-id=\"VDP001\"]")
        .await;
    s.click("#policy-findings li.finding[data-id=\"VDP001\"] .finding-line")
        .await;
    s.wait_for(".gutter-line.is-focus[data-line=\"5\"]").await;
    s.screenshot("policies-01-lint-mark").await;

    // Format: a badly indented draft gets the canonical layout (same rules, comments kept).
    let editor_value = |s: &AppSession| {
        let c = s.client.clone();
        async move {
            c.execute(
                "return document.getElementById('policy-editor').value;",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
        }
    };
    let original = editor_value(&s).await;
    let messy: String = original
        .lines()
        .map(|l| format!("      {}   \n\n", l.trim()))
        .collect();
    set_editor(&s, &messy).await;
    s.click("#policy-format").await;
    let expected = vaultdeck_policy::format(&messy).unwrap();
    assert_ne!(expected, messy);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while editor_value(&s).await != expected {
        assert!(std::time::Instant::now() < deadline, "Format did not apply");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    set_editor(&s, &original).await;

    // Simulate: capabilities, deciding rule, its line highlighted; the server agrees.
    s.fill("#sim-path", "secret/data/app/db, secret/app/x")
        .await;
    s.click("#sim-run").await;
    s.wait_text("#sim-result", "e2e-app line 1").await;
    s.wait_text(
        "#sim-result tr[data-path=\"secret/data/app/db\"] .sim-caps",
        "list, read",
    )
    .await;
    s.wait_for(".gutter-line.is-decided[data-line=\"1\"]").await;
    s.click("#sim-compare").await;
    s.wait_text("#sim-agreement", "agrees").await;
    show(&s, "#sim-result").await;
    s.screenshot("policies-02-simulated").await;

    // An identity entity's policies (its own and its groups') join the simulated set.
    bao.client()
        .unwrap()
        .write(
            "identity/entity",
            &json!({"name": "e2e-erin", "policies": ["e2e-ops"]}),
        )
        .await
        .unwrap();
    s.fill("#sim-entity", "e2e-erin").await;
    s.fill("#sim-path", "secret/data/ops/db").await;
    s.click("#sim-run").await;
    s.wait_text(
        "#sim-result tr[data-path=\"secret/data/ops/db\"] .sim-decided",
        "e2e-ops line 1",
    )
    .await;
    s.fill("#sim-entity", "").await;

    // Stage two edits.
    let app_v2 = "path \"secret/data/app/*\" {\n  capabilities = [\"read\"]\n}\n";
    set_editor(&s, app_v2).await;
    s.click("#policy-stage").await;
    s.wait_for("li.staged-row[data-policy-name=\"e2e-app\"]")
        .await;
    open_policy(&s, "e2e-ops").await;
    let ops_v2 =
        "path \"secret/data/ops/*\" {\n  capabilities = [\"read\", \"update\", \"list\"]\n}\n";
    set_editor(&s, ops_v2).await;
    s.click("#policy-stage").await;
    s.wait_for("li.staged-row[data-policy-name=\"e2e-ops\"]")
        .await;

    // Review: one diff per policy and the impact.
    s.fill("#staged-paths", "secret/data/ops/db").await;
    s.click("#staged-preview").await;
    s.wait_for(".staged-diff[data-policy-name=\"e2e-app\"]")
        .await;
    s.wait_for(".staged-diff[data-policy-name=\"e2e-ops\"]")
        .await;
    s.wait_text(
        "tr.impact-row[data-path=\"secret/data/app/\"][data-policy=\"e2e-app\"] .impact-lost",
        "list",
    )
    .await;
    s.wait_text(
        "tr.impact-row[data-path=\"secret/data/ops/db\"][data-policy=\"e2e-ops\"] .impact-gained",
        "list",
    )
    .await;
    show(&s, "#impact-table").await;
    s.screenshot("policies-03-impact-preview").await;

    // Apply all: both written.
    s.click("#staged-apply").await;
    s.wait_text("#staged-result", "Applied: e2e-app, e2e-ops")
        .await;
    show(&s, "#staged-result").await;
    s.screenshot("policies-04-applied").await;
    assert_eq!(server_text(&bao, "e2e-app").await, app_v2);
    assert_eq!(server_text(&bao, "e2e-ops").await, ops_v2);

    // Matrix heatmap with CSV export, and who can access a path.
    s.fill("#matrix-paths", "secret/data/app/db, secret/data/ops/db")
        .await;
    s.click("#matrix-run").await;
    s.wait_text(
        "td.matrix-cell[data-path=\"secret/data/ops/db\"][data-policy=\"e2e-ops\"]",
        "list, read, update",
    )
    .await;
    s.click("#matrix-export").await;
    let wrote = s.wait_text("#matrix-export-result", "Wrote").await;
    assert!(wrote.contains("policy-matrix-"), "{wrote}");
    s.fill("#whocan-path", "secret/data/ops/db").await;
    s.click("#whocan-run").await;
    s.wait_for("li.whocan-grant[data-policy=\"e2e-ops\"]").await;
    show(&s, "#policy-matrix").await;
    s.screenshot("policies-05-matrix").await;
    show(&s, "#whocan-result").await;
    s.screenshot("policies-06-who-can").await;
    // The same question for a whole KV folder: walked, answered per secret.
    bao.client()
        .unwrap()
        .write("secret/data/ops/db", &json!({"data": {"user": "ops"}}))
        .await
        .unwrap();
    s.click("#whocan-subtree").await;
    s.fill("#whocan-path", "secret/ops/").await;
    s.click("#whocan-run").await;
    s.wait_text(
        "#whocan-subtree-table tr.whocan-row[data-path=\"secret/data/ops/db\"]",
        "e2e-ops: list, read, update",
    )
    .await;
    show(&s, "#whocan-subtree-table").await;
    s.screenshot("policies-06b-who-can-subtree").await;

    // Review report: HTML + Markdown written and audited.
    s.fill("#report-reviewer", "E2E Reviewer").await;
    s.fill("#report-paths", "secret/data/ops/db, secret/data/app/db")
        .await;
    s.click("#report-export").await;
    let wrote = s
        .wait_text("#report-result", "recorded in the audit log")
        .await;
    show(&s, "#report-result").await;
    s.screenshot("policies-07-report").await;
    let html_path = wrote
        .split_whitespace()
        .find(|w| w.ends_with(".html"))
        .expect("the report's HTML path is shown")
        .to_owned();
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("E2E Reviewer") && html.contains("secret/data/ops/db"));

    // A concurrent edit: Save is refused, the draft is kept, the server's text is shown.
    open_policy(&s, "e2e-ops").await;
    let theirs = "path \"secret/data/ops/*\" {\n  capabilities = [\"deny\"]\n}\n";
    bao.client()
        .unwrap()
        .write("sys/policies/acl/e2e-ops", &json!({ "policy": theirs }))
        .await
        .unwrap();
    let mine = "path \"secret/data/ops/*\" {\n  capabilities = [\"read\"]\n}\n";
    set_editor(&s, mine).await;
    s.click("#policy-save").await;
    s.wait_text("#policy-conflict", "deny").await;
    s.wait_text("#policy-status", "changed on the server").await;
    show(&s, "#policy-conflict").await;
    s.screenshot("policies-08-conflict").await;
    assert_eq!(server_text(&bao, "e2e-ops").await, theirs);

    // Delete, confirmed by typing the name.
    s.click("details.policy-delete summary").await;
    s.fill("#policy-delete-confirm", "e2e-ops").await;
    s.click("#policy-delete").await;
    s.wait_for("#policy-empty").await;
    let gone = bao
        .client()
        .unwrap()
        .read("sys/policies/acl/e2e-ops")
        .await
        .unwrap();
    assert!(gone.is_none(), "e2e-ops was deleted");

    let dir = s.finish().await;
    let audit =
        std::fs::read_to_string(dir.path().join("data").join("audit.jsonl")).unwrap_or_default();
    assert!(
        audit.matches("\"policy.write\"").count() >= 3,
        "two applied writes and one refused save are audited: {audit}"
    );
    assert!(audit.contains("\"policy.review_report\""), "{audit}");
    assert!(audit.contains("\"policy.delete\""), "{audit}");
    assert_no_leak(dir.path(), &[&root]);
}
