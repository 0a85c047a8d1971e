//! The Audit screen: the local hash-chained audit log, filtered, and chain verification.

use vaultdeck_types::{
    AuditEntry, AuditFilter, AuditVerifyReport, IpcError, ListAudit, ListAuditArgs, NoArgs,
    VerifyAudit,
};
use vaultdeck_ui::format::verify_label;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::{input_text, select_value};
use crate::hooks::{use_command, use_select_value};
use crate::ipc;

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The Audit screen.
#[component]
pub fn AuditPage() -> Html {
    let action = use_state(String::new);
    let text = use_state(String::new);
    let outcome = use_state(|| "any".to_string());
    let outcome_node = use_node_ref();
    use_select_value(outcome_node.clone(), (*outcome).clone());

    let args = ListAuditArgs {
        filter: AuditFilter {
            action: non_empty(&action),
            text: non_empty(&text),
            outcome: (outcome.as_str() != "any").then(|| outcome.to_string()),
            ..AuditFilter::default()
        },
    };
    let entries = use_command::<ListAudit>(args);

    let on_action = {
        let action = action.clone();
        Callback::from(move |e: InputEvent| action.set(input_text(&e)))
    };
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(input_text(&e)))
    };
    let on_outcome = {
        let outcome = outcome.clone();
        Callback::from(move |e: Event| outcome.set(select_value(&e)))
    };

    html! {
        <section class="page">
            <div class="page-head">
                <h1>{ "Audit" }</h1>
                <div class="page-actions">
                    <button type="button" id="audit-refresh" onclick={entries.reload_callback()}>{ "Refresh" }</button>
                    <VerifyButton />
                </div>
            </div>
            <div class="filters" role="search" aria-label="Filter audit entries">
                <label for="audit-filter-action">{ "Action" }</label>
                <input id="audit-filter-action" type="search" placeholder="e.g. profile.save"
                    value={(*action).clone()} oninput={on_action} />
                <label for="audit-filter-text">{ "Target or detail" }</label>
                <input id="audit-filter-text" type="search" placeholder="contains…"
                    value={(*text).clone()} oninput={on_text} />
                <label for="audit-filter-outcome">{ "Outcome" }</label>
                <select id="audit-filter-outcome" ref={outcome_node} onchange={on_outcome}>
                    <option value="any" selected={outcome.as_str() == "any"}>{ "any" }</option>
                    <option value="ok" selected={outcome.as_str() == "ok"}>{ "ok" }</option>
                    <option value="error" selected={outcome.as_str() == "error"}>{ "error" }</option>
                </select>
            </div>
            if let Some(err) = entries.error() {
                <p class="error-text" role="alert">{ format!("Could not read the audit log: {}", err.message) }</p>
            }
            if let Some(list) = entries.ok() {
                <div aria-busy={entries.loading.then_some("true")}>
                    <AuditTable entries={list.clone()} />
                </div>
            } else if entries.error().is_none() {
                <p class="muted" role="status">{ "Loading audit entries…" }</p>
            }
        </section>
    }
}

/// Properties of [`AuditTable`].
#[derive(Properties, PartialEq)]
pub struct AuditTableProps {
    /// Entries, newest first.
    pub entries: Vec<AuditEntry>,
}

/// The audit entries table.
#[component]
pub fn AuditTable(props: &AuditTableProps) -> Html {
    if props.entries.is_empty() {
        return html! { <p id="audit-empty" class="muted">{ "No audit entries match." }</p> };
    }
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    html! {
        <div class="table-wrap">
            <table id="audit-table" class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{ "Seq" }</th>
                        <th scope="col">{ "Time" }</th>
                        <th scope="col">{ "Action" }</th>
                        <th scope="col">{ "Profile" }</th>
                        <th scope="col">{ "Target" }</th>
                        <th scope="col">{ "Outcome" }</th>
                        <th scope="col">{ "Detail" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.entries.iter().map(|e| html! {
                        <tr key={e.seq} class={classes!("audit-row", format!("outcome-{}", e.outcome))}
                            data-seq={e.seq.to_string()}>
                            <td class="num">{ e.seq }</td>
                            <td class="nowrap">{ e.time.clone() }</td>
                            <td><code>{ e.action.clone() }</code></td>
                            <td>{ opt(&e.profile) }</td>
                            <td class="wrap">{ opt(&e.target) }</td>
                            <td><span class={classes!("badge", (e.outcome != "ok").then_some("badge-danger"))}>
                                { e.outcome.clone() }</span></td>
                            <td class="wrap">{ opt(&e.detail) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// `#audit-verify` and its result line `#audit-verify-result`.
#[component]
pub fn VerifyButton() -> Html {
    let result = use_state(|| None::<Result<AuditVerifyReport, IpcError>>);
    let busy = use_state_eq(|| false);
    let onclick = {
        let result = result.clone();
        let busy = busy.clone();
        Callback::from(move |_: MouseEvent| {
            let (result, busy) = (result.clone(), busy.clone());
            busy.set(true);
            spawn_local(async move {
                result.set(Some(ipc::call::<VerifyAudit>(&NoArgs {}).await));
                busy.set(false);
            });
        })
    };
    let (text, class) = match &*result {
        None => (String::new(), None),
        Some(Ok(report)) => (
            verify_label(report),
            Some(if report.first_broken_line.is_some() {
                "error-text"
            } else {
                "ok-text"
            }),
        ),
        Some(Err(err)) => (
            format!("Could not verify: {}", err.message),
            Some("error-text"),
        ),
    };
    html! {
        <>
            <button type="button" id="audit-verify" class="primary" disabled={*busy} {onclick}>
                { "Verify chain" }
            </button>
            <p id="audit-verify-result" class={classes!("verify-result", class)} role="status">{ text }</p>
        </>
    }
}
