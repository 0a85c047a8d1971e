//! The secret editor (`#secret-editor`): a key/value editor and a raw JSON editor over one
//! draft. A save always sends `cas` = the version the edit started from; when the server has
//! moved on, the save fails with `Conflict`, the draft stays, and the editor shows which keys
//! changed on the server since (values masked) and offers to overwrite with a new CAS.

use vaultdeck_types::{
    DiffSecretVersions, DiffSummary, DiffVersionsArgs, ErrorCode, GetSecretMetadata, RevealSecret,
    SecretKeysArgs, SecretPathArgs, WriteSecret, WriteSecretArgs,
};
use vaultdeck_ui::secret_draft::{
    fields, from_json_text, rows_from, to_json_text, validate, DraftRow,
};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::ipc;

/// Properties of [`SecretEditor`].
#[derive(Properties, PartialEq)]
pub struct SecretEditorProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// The secret's path.
    pub path: AttrValue,
    /// The version to start from.
    pub version: u64,
    /// A save succeeded (new version).
    pub on_saved: Callback<Option<u64>>,
    /// The user closed the editor.
    pub on_close: Callback<()>,
    /// A save hit a conflict: the server moved on (reload what is shown around the editor).
    #[prop_or_default]
    pub on_conflict: Callback<()>,
}

/// What the server changed since the draft's base version.
#[derive(Clone, PartialEq)]
struct Conflict {
    current: u64,
    diff: Option<DiffSummary>,
}

#[derive(Clone, PartialEq)]
enum Mode {
    Pairs,
    Json(String),
}

/// The editor.
#[component]
pub fn SecretEditor(props: &SecretEditorProps) -> Html {
    let rows = use_state(|| None::<Vec<DraftRow>>);
    let base = use_state(|| props.version);
    let mode = use_state(|| Mode::Pairs);
    let error = use_state(|| None::<String>);
    let conflict = use_state(|| None::<Conflict>);
    let saving = use_state(|| false);

    {
        // Load the values once (an explicit, audited reveal of the whole version).
        let rows = rows.clone();
        let error = error.clone();
        let args = SecretKeysArgs {
            profile_id: props.profile_id.to_string(),
            path: props.path.to_string(),
            version: Some(props.version),
        };
        use_effect_with((), move |_| {
            spawn_local(async move {
                match ipc::call::<RevealSecret>(&args).await {
                    Ok(s) => rows.set(Some(rows_from(&s))),
                    Err(e) => error.set(Some(e.message)),
                }
            });
        });
    }

    let Some(current_rows) = (*rows).clone() else {
        return html! {
            <section id="secret-editor" class="secret-editor">
                if let Some(e) = (*error).clone() {
                    <p class="error-text" role="alert">{ e }</p>
                } else {
                    <p class="muted" role="status">{ "Loading values…" }</p>
                }
            </section>
        };
    };

    let save = {
        let rows = rows.clone();
        let mode = mode.clone();
        let error = error.clone();
        let conflict = conflict.clone();
        let saving = saving.clone();
        let base = base.clone();
        let on_saved = props.on_saved.clone();
        let on_conflict = props.on_conflict.clone();
        let profile_id = props.profile_id.to_string();
        let path = props.path.to_string();
        Callback::from(move |cas: u64| {
            // The raw editor's text is the draft while it is open.
            let draft = match &*mode {
                Mode::Json(text) => match from_json_text(text) {
                    Ok(r) => r,
                    Err(e) => return error.set(Some(e)),
                },
                Mode::Pairs => (*rows).clone().unwrap_or_default(),
            };
            if let Err(e) = validate(&draft) {
                return error.set(Some(e));
            }
            let args = WriteSecretArgs {
                profile_id: profile_id.clone(),
                path: path.clone(),
                data: fields(&draft),
                cas: Some(cas),
            };
            let meta_args = SecretPathArgs {
                profile_id: profile_id.clone(),
                path: path.clone(),
            };
            let (error, conflict, saving, on_saved, base, on_conflict) = (
                error.clone(),
                conflict.clone(),
                saving.clone(),
                on_saved.clone(),
                base.clone(),
                on_conflict.clone(),
            );
            saving.set(true);
            spawn_local(async move {
                match ipc::call::<WriteSecret>(&args).await {
                    Ok(out) => {
                        conflict.set(None);
                        error.set(None);
                        on_saved.emit(out.version);
                    }
                    Err(e) if e.code == ErrorCode::Conflict => {
                        // Keep the draft; show what changed on the server since `cas`.
                        let current = ipc::call::<GetSecretMetadata>(&meta_args)
                            .await
                            .ok()
                            .and_then(|m| m.current_version)
                            .unwrap_or(cas);
                        let diff = ipc::call::<DiffSecretVersions>(&DiffVersionsArgs {
                            profile_id: meta_args.profile_id.clone(),
                            path: meta_args.path.clone(),
                            from: *base,
                            to: current,
                        })
                        .await
                        .ok();
                        conflict.set(Some(Conflict { current, diff }));
                        on_conflict.emit(());
                        error.set(Some(format!(
                            "Not saved: the secret changed on the server (now version {current}) since you started from version {}. Your draft is kept.",
                            *base
                        )));
                    }
                    Err(e) => error.set(Some(e.message)),
                }
                saving.set(false);
            });
        })
    };

    let set_row = |i: usize, f: fn(&mut DraftRow, &InputEvent)| {
        let rows = rows.clone();
        Callback::from(move |e: InputEvent| {
            let mut r = (*rows).clone().unwrap_or_default();
            if let Some(row) = r.get_mut(i) {
                f(row, &e);
            }
            rows.set(Some(r));
        })
    };
    let to_json = {
        let (mode, rows) = (mode.clone(), rows.clone());
        Callback::from(move |_| {
            if *mode == Mode::Pairs {
                mode.set(Mode::Json(to_json_text(
                    &(*rows).clone().unwrap_or_default(),
                )));
            }
        })
    };
    let to_pairs = {
        let (mode, rows, error) = (mode.clone(), rows.clone(), error.clone());
        Callback::from(move |_| {
            if let Mode::Json(text) = &*mode {
                match from_json_text(text) {
                    Ok(r) => {
                        rows.set(Some(r));
                        mode.set(Mode::Pairs);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            }
        })
    };

    let base_v = *base;
    html! {
        <section id="secret-editor" class="secret-editor" aria-label="Edit secret" data-base-version={base_v.to_string()}>
            <div class="editor-tabs" role="tablist">
                <button type="button" id="editor-mode-kv" role="tab" aria-selected={(*mode == Mode::Pairs).to_string()}
                    class={classes!((*mode == Mode::Pairs).then_some("active"))} onclick={to_pairs}>{ "Key / value" }</button>
                <button type="button" id="editor-mode-json" role="tab" aria-selected={(*mode != Mode::Pairs).to_string()}
                    class={classes!((*mode != Mode::Pairs).then_some("active"))} onclick={to_json}>{ "Raw JSON" }</button>
                <span class="muted">{ format!("editing from version {base_v}") }</span>
            </div>
            {
                match &*mode {
                    Mode::Json(text) => {
                        let mode = mode.clone();
                        html! {
                            <textarea id="draft-json" class="draft-json" aria-label="Secret as JSON" spellcheck="false"
                                value={text.clone()}
                                oninput={Callback::from(move |e: InputEvent| {
                                    mode.set(Mode::Json(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
                                })} />
                        }
                    }
                    Mode::Pairs => html! {
                        <div id="draft-rows" class="draft-rows">
                            { for current_rows.iter().enumerate().map(|(i, r)| {
                                let remove = {
                                    let rows = rows.clone();
                                    Callback::from(move |_| {
                                        let mut v = (*rows).clone().unwrap_or_default();
                                        if i < v.len() { v.remove(i); }
                                        rows.set(Some(v));
                                    })
                                };
                                let toggle_json = {
                                    let rows = rows.clone();
                                    Callback::from(move |e: Event| {
                                        let mut v = (*rows).clone().unwrap_or_default();
                                        if let Some(row) = v.get_mut(i) {
                                            row.json = e.target_unchecked_into::<HtmlInputElement>().checked();
                                        }
                                        rows.set(Some(v));
                                    })
                                };
                                html! {
                                    <div class="draft-row" data-index={i.to_string()} data-key={r.key.clone()}>
                                        <input class="draft-key" aria-label={format!("Key {}", i + 1)} value={r.key.clone()}
                                            oninput={set_row(i, |row, e| row.key = e.target_unchecked_into::<HtmlInputElement>().value())} />
                                        <input class="draft-value" aria-label={format!("Value of {}", r.key)} value={r.value.clone()}
                                            autocomplete="off" spellcheck="false"
                                            oninput={set_row(i, |row, e| row.value = e.target_unchecked_into::<HtmlInputElement>().value())} />
                                        <label class="draft-json-flag"><input type="checkbox" class="draft-json" checked={r.json}
                                            aria-label={format!("{} is JSON", r.key)} onchange={toggle_json} />{ "JSON" }</label>
                                        <button type="button" class="draft-remove ghost" aria-label={format!("Remove {}", r.key)}
                                            onclick={remove}>{ "✕" }</button>
                                    </div>
                                }
                            }) }
                            <button type="button" id="draft-add" class="ghost" onclick={{
                                let rows = rows.clone();
                                Callback::from(move |_| {
                                    let mut v = (*rows).clone().unwrap_or_default();
                                    v.push(DraftRow::default());
                                    rows.set(Some(v));
                                })
                            }}>{ "+ Add key" }</button>
                        </div>
                    },
                }
            }
            if let Some(e) = (*error).clone() {
                <p class="error-text" role="alert" id="editor-error">{ e }</p>
            }
            if let Some(c) = (*conflict).clone() {
                <div id="secret-conflict" class="conflict" role="alert" data-current-version={c.current.to_string()}>
                    <h4>{ format!("Changed on the server since version {base_v} (now {}):", c.current) }</h4>
                    if let Some(d) = &c.diff {
                        <ul class="conflict-keys">
                            { for d.added.iter().map(|k| html! { <li class="conflict-added" data-key={k.clone()}>{ format!("+ {k} (added) ••••") }</li> }) }
                            { for d.removed.iter().map(|k| html! { <li class="conflict-removed" data-key={k.clone()}>{ format!("− {k} (removed)") }</li> }) }
                            { for d.changed.iter().map(|k| html! { <li class="conflict-changed" data-key={k.clone()}>{ format!("~ {k} (value changed) ••••") }</li> }) }
                        </ul>
                    } else {
                        <p class="muted">{ "Could not compare the versions." }</p>
                    }
                    <button type="button" id="secret-overwrite" class="danger" disabled={*saving}
                        onclick={{
                            let save = save.clone();
                            let base = base.clone();
                            let current = c.current;
                            Callback::from(move |_| { base.set(current); save.emit(current) })
                        }}>{ format!("Overwrite with my draft (CAS {})", c.current) }</button>
                </div>
            }
            <div class="editor-actions">
                <button type="button" id="secret-save" class="primary" disabled={*saving}
                    onclick={{ let save = save.clone(); Callback::from(move |_| save.emit(base_v)) }}>{ "Save" }</button>
                <button type="button" id="secret-edit-cancel" class="ghost"
                    onclick={{ let close = props.on_close.clone(); Callback::from(move |_| close.emit(())) }}>{ "Cancel" }</button>
            </div>
        </section>
    }
}
