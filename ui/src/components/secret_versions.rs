//! Versions of a KV v2 secret (`#secret-versions`): state and time of each, diff of any two
//! (key names; values masked), rollback (a new version, with CAS), delete / undelete, destroy
//! and metadata delete (both confirmed by typing the path), and the metadata settings form.

use vaultdeck_types::{
    DeleteMetadataArgs, DeleteSecretMetadata, DeleteSecretVersions, DestroySecretVersions,
    DestroyVersionsArgs, DiffSecretVersions, DiffSummary, DiffVersionsArgs, IpcError, MetadataEdit,
    RollbackArgs, RollbackSecret, SecretMeta, SecretVersionsArgs, UndeleteSecretVersions,
    VersionState, WriteMetadataArgs, WriteSecretMetadata,
};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::select_value;
use crate::ipc;

/// Properties of [`SecretVersions`].
#[derive(Properties, PartialEq)]
pub struct SecretVersionsProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// The secret's metadata (with its versions).
    pub meta: SecretMeta,
    /// Something changed on the server: reload.
    pub on_changed: Callback<()>,
    /// The secret was deleted entirely.
    pub on_deleted: Callback<()>,
}

/// What the confirm-by-typing dialog is for.
#[derive(Clone, PartialEq)]
enum Confirm {
    Destroy(u64),
    DeleteMetadata,
}

fn state_label(s: VersionState) -> &'static str {
    match s {
        VersionState::Live => "live",
        VersionState::Deleted => "deleted",
        VersionState::Destroyed => "destroyed",
    }
}

/// Runs `fut`; on success calls `done`, on failure shows the message.
fn run<F>(fut: F, msg: UseStateHandle<Option<String>>, done: Callback<()>, ok_text: String)
where
    F: std::future::Future<Output = Result<(), IpcError>> + 'static,
{
    spawn_local(async move {
        match fut.await {
            Ok(()) => {
                msg.set(Some(ok_text));
                done.emit(());
            }
            Err(e) => msg.set(Some(e.message)),
        }
    });
}

/// The versions panel.
#[component]
pub fn SecretVersions(props: &SecretVersionsProps) -> Html {
    let msg = use_state(|| None::<String>);
    let confirm = use_state(|| None::<Confirm>);
    let typed = use_state(String::new);
    let live: Vec<u64> = props
        .meta
        .versions
        .iter()
        .filter(|v| v.state == VersionState::Live)
        .map(|v| v.version)
        .collect();
    let diff_from = use_state(|| live.first().copied().unwrap_or(1));
    let diff_to = use_state(|| live.last().copied().unwrap_or(1));
    let diff = use_state(|| None::<Result<DiffSummary, String>>);
    let m = &props.meta;
    let path = m.path.clone();
    let pid = props.profile_id.to_string();
    let current = m.current_version;

    let versions_args = |v: u64| SecretVersionsArgs {
        profile_id: pid.clone(),
        path: path.clone(),
        versions: vec![v],
    };

    let rows = m.versions.iter().rev().map(|v| {
        let ver = v.version;
        let rollback = {
            let (msg, done) = (msg.clone(), props.on_changed.clone());
            let args = RollbackArgs { profile_id: pid.clone(), path: path.clone(), version: ver, cas: current };
            Callback::from(move |_| {
                let args = args.clone();
                run(async move { ipc::call::<RollbackSecret>(&args).await.map(|_| ()) }, msg.clone(), done.clone(),
                    format!("Rolled back: version {ver}'s data is now the newest version."))
            })
        };
        let delete = {
            let (msg, done, args) = (msg.clone(), props.on_changed.clone(), versions_args(ver));
            Callback::from(move |_| {
                let args = args.clone();
                run(async move { ipc::call::<DeleteSecretVersions>(&args).await }, msg.clone(), done.clone(),
                    format!("Version {ver} deleted (undelete brings it back)."))
            })
        };
        let undelete = {
            let (msg, done, args) = (msg.clone(), props.on_changed.clone(), versions_args(ver));
            Callback::from(move |_| {
                let args = args.clone();
                run(async move { ipc::call::<UndeleteSecretVersions>(&args).await }, msg.clone(), done.clone(),
                    format!("Version {ver} restored."))
            })
        };
        let destroy = {
            let (confirm, typed) = (confirm.clone(), typed.clone());
            Callback::from(move |_| { typed.set(String::new()); confirm.set(Some(Confirm::Destroy(ver))) })
        };
        html! {
            <tr key={ver.to_string()} class="version-row" data-version={ver.to_string()} data-state={state_label(v.state)}>
                <td>{ format!("v{ver}") }{ if Some(ver) == current { " (current)" } else { "" } }</td>
                <td class={classes!("version-state", format!("state-{}", state_label(v.state)))}>{ state_label(v.state) }</td>
                <td class="muted">{ v.created_time.clone() }</td>
                <td class="version-actions">
                    if v.state == VersionState::Live && Some(ver) != current {
                        <button type="button" class="rollback-btn" aria-label={format!("Roll back to version {ver}")} onclick={rollback}>{ "Roll back" }</button>
                    }
                    if v.state == VersionState::Live {
                        <button type="button" class="delete-btn ghost" aria-label={format!("Delete version {ver}")} onclick={delete}>{ "Delete" }</button>
                    }
                    if v.state == VersionState::Deleted {
                        <button type="button" class="undelete-btn ghost" aria-label={format!("Undelete version {ver}")} onclick={undelete}>{ "Undelete" }</button>
                    }
                    if v.state != VersionState::Destroyed {
                        <button type="button" class="destroy-btn danger-ghost" aria-label={format!("Destroy version {ver}")} onclick={destroy}>{ "Destroy…" }</button>
                    }
                </td>
            </tr>
        }
    });

    let run_diff = {
        let (diff, from, to) = (diff.clone(), diff_from.clone(), diff_to.clone());
        let (pid, path) = (pid.clone(), path.clone());
        Callback::from(move |_| {
            let args = DiffVersionsArgs {
                profile_id: pid.clone(),
                path: path.clone(),
                from: *from,
                to: *to,
            };
            let diff = diff.clone();
            spawn_local(async move {
                diff.set(Some(
                    ipc::call::<DiffSecretVersions>(&args)
                        .await
                        .map_err(|e| e.message),
                ));
            });
        })
    };
    let version_select = |id: &'static str, label: &'static str, h: UseStateHandle<u64>| {
        let value = *h;
        html! {
            <select id={id} aria-label={label} onchange={Callback::from(move |e: Event| {
                if let Ok(v) = select_value(&e).parse() { h.set(v) }
            })}>
                { for live.iter().map(|v| html! { <option value={v.to_string()} selected={*v == value}>{ format!("v{v}") }</option> }) }
            </select>
        }
    };

    let confirm_dialog = (*confirm).clone().map(|c| {
        let what = match c {
            Confirm::Destroy(v) => format!("destroy version {v} of {path} for good"),
            Confirm::DeleteMetadata => format!("delete {path} with all its versions and metadata"),
        };
        let ok = typed.trim() == path;
        let go = {
            let (msg, confirm, typed) = (msg.clone(), confirm.clone(), typed.clone());
            let (changed, deleted) = (props.on_changed.clone(), props.on_deleted.clone());
            let (pid, path) = (pid.clone(), path.clone());
            let c = c.clone();
            Callback::from(move |_| {
                let confirm_path = (*typed).clone();
                confirm.set(None);
                match c {
                    Confirm::Destroy(v) => {
                        let args = DestroyVersionsArgs { profile_id: pid.clone(), path: path.clone(), versions: vec![v], confirm_path };
                        run(async move { ipc::call::<DestroySecretVersions>(&args).await }, msg.clone(), changed.clone(),
                            format!("Version {v} destroyed."))
                    }
                    Confirm::DeleteMetadata => {
                        let args = DeleteMetadataArgs { profile_id: pid.clone(), path: path.clone(), confirm_path };
                        run(async move { ipc::call::<DeleteSecretMetadata>(&args).await }, msg.clone(), deleted.clone(),
                            "Secret deleted.".into())
                    }
                }
            })
        };
        html! {
            <div id="confirm-dialog" class="confirm-dialog" role="dialog" aria-modal="true" aria-label="Confirm by typing the path">
                <p>{ format!("This will {what}. Type the path to confirm:") }</p>
                <input id="confirm-path" aria-label="Type the path to confirm" value={(*typed).clone()} autocomplete="off"
                    oninput={{ let typed = typed.clone(); Callback::from(move |e: InputEvent| typed.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                <div class="editor-actions">
                    <button type="button" id="confirm-go" class="danger" disabled={!ok} onclick={go}>{ "Confirm" }</button>
                    <button type="button" id="confirm-cancel" class="ghost"
                        onclick={{ let confirm = confirm.clone(); Callback::from(move |_| confirm.set(None)) }}>{ "Cancel" }</button>
                </div>
            </div>
        }
    });

    html! {
        <section id="secret-versions" class="secret-versions" aria-label="Versions">
            <h3>{ "Versions" }</h3>
            if let Some(t) = &*msg {
                <p class="muted" role="status" id="versions-message">{ t.clone() }</p>
            }
            { for confirm_dialog }
            <table class="versions-table">
                <thead><tr><th>{ "Version" }</th><th>{ "State" }</th><th>{ "Created" }</th><th>{ "" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            if live.len() >= 2 {
                <div class="diff-bar">
                    <span>{ "Compare" }</span>
                    { version_select("diff-from", "Compare from version", diff_from.clone()) }
                    <span>{ "→" }</span>
                    { version_select("diff-to", "Compare to version", diff_to.clone()) }
                    <button type="button" id="diff-run" onclick={run_diff}>{ "Diff" }</button>
                </div>
            }
            {
                match &*diff {
                    Some(Ok(d)) => html! {
                        <ul id="version-diff" class="version-diff" aria-label="Differences (values masked)">
                            { for d.added.iter().map(|k| html! { <li class="diff-added" data-key={k.clone()}>{ format!("+ {k}  ••••") }</li> }) }
                            { for d.removed.iter().map(|k| html! { <li class="diff-removed" data-key={k.clone()}>{ format!("− {k}") }</li> }) }
                            { for d.changed.iter().map(|k| html! { <li class="diff-changed" data-key={k.clone()}>{ format!("~ {k}  •••• → ••••") }</li> }) }
                            { for d.unchanged.iter().map(|k| html! { <li class="diff-unchanged muted" data-key={k.clone()}>{ format!("= {k}") }</li> }) }
                        </ul>
                    },
                    Some(Err(e)) => html! { <p class="error-text" role="alert">{ e.clone() }</p> },
                    None => html! {},
                }
            }
            <MetadataForm profile_id={props.profile_id.clone()} meta={m.clone()} on_changed={props.on_changed.clone()} />
            <button type="button" id="delete-metadata" class="danger-ghost"
                onclick={{ let (confirm, typed) = (confirm.clone(), typed.clone()); Callback::from(move |_| { typed.set(String::new()); confirm.set(Some(Confirm::DeleteMetadata)) }) }}>
                { "Delete secret and all versions…" }
            </button>
        </section>
    }
}

/// Properties of [`MetadataForm`].
#[derive(Properties, PartialEq)]
pub struct MetadataFormProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// The current metadata.
    pub meta: SecretMeta,
    /// Saved: reload.
    pub on_changed: Callback<()>,
}

/// Max versions, CAS required, delete-after and custom metadata (`key=value` lines).
#[component]
pub fn MetadataForm(props: &MetadataFormProps) -> Html {
    let m = &props.meta;
    let max = use_state(|| m.max_versions.unwrap_or(0).to_string());
    let cas = use_state(|| m.cas_required);
    let after = use_state(|| {
        m.delete_version_after
            .clone()
            .unwrap_or_else(|| "0s".into())
    });
    let custom = use_state(|| {
        m.custom_metadata
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let msg = use_state(|| None::<String>);
    let onsubmit = {
        let (max, cas, after, custom, msg) = (
            max.clone(),
            cas.clone(),
            after.clone(),
            custom.clone(),
            msg.clone(),
        );
        let done = props.on_changed.clone();
        let (pid, path) = (props.profile_id.to_string(), m.path.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(max_versions) = max.trim().parse::<u64>() else {
                return msg.set(Some(
                    "Max versions must be a whole number (0 = the mount's default).".into(),
                ));
            };
            let custom_metadata = custom
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let (k, v) = l.split_once('=').unwrap_or((l, ""));
                    (k.trim().to_owned(), v.trim().to_owned())
                })
                .collect();
            let args = WriteMetadataArgs {
                profile_id: pid.clone(),
                path: path.clone(),
                edit: MetadataEdit {
                    max_versions: Some(max_versions),
                    cas_required: Some(*cas),
                    delete_version_after: Some(after.trim().to_owned()),
                    custom_metadata: Some(custom_metadata),
                },
            };
            run(
                async move { ipc::call::<WriteSecretMetadata>(&args).await },
                msg.clone(),
                done.clone(),
                "Metadata saved.".into(),
            );
        })
    };
    let text = |h: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| {
            h.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <form id="metadata-form" class="metadata-form" aria-label="Metadata settings" {onsubmit}>
            <h3>{ "Settings" }</h3>
            <label>{ "Max versions" }<input id="meta-max-versions" inputmode="numeric" aria-label="Max versions" value={(*max).clone()} oninput={text(max.clone())} /></label>
            <label>{ "Delete after" }<input id="meta-delete-after" aria-label="Delete versions after" value={(*after).clone()} oninput={text(after.clone())} /></label>
            <label><input type="checkbox" id="meta-cas-required" aria-label="Require CAS" checked={*cas}
                onchange={{ let cas = cas.clone(); Callback::from(move |e: Event| cas.set(e.target_unchecked_into::<HtmlInputElement>().checked())) }} />{ "Require CAS" }</label>
            <label class="wide">{ "Custom metadata (key=value per line)" }
                <textarea id="meta-custom" aria-label="Custom metadata" value={(*custom).clone()}
                    oninput={{ let custom = custom.clone(); Callback::from(move |e: InputEvent| custom.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} />
            </label>
            <button type="submit" id="meta-save">{ "Save settings" }</button>
            if let Some(t) = &*msg {
                <p class="muted" role="status" id="meta-message">{ t.clone() }</p>
            }
        </form>
    }
}
