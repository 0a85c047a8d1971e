//! The "New secret" form (`#new-secret`): a validated path, a key/value editor and a raw JSON
//! editor over one draft. Creating never overwrites: KV v2 writes with `cas=0`, KV v1 is
//! checked first; when a secret exists at the path the error says so and the draft stays.

use vaultdeck_types::{CreateSecret, CreateSecretArgs, ErrorCode};
use vaultdeck_ui::secret_draft::{fields, from_json_text, to_json_text, validate, DraftRow};
use vaultdeck_ui::secrets_model::new_secret_path;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::input_text;
use crate::ipc;

/// Properties of [`NewSecret`].
#[derive(Properties, PartialEq)]
pub struct NewSecretProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// KV mounts (`secret/`), for validating the path.
    pub kv_mounts: Vec<String>,
    /// The path the form starts with (the folder being browsed).
    #[prop_or_default]
    pub folder: String,
    /// The secret was created (its path).
    pub on_created: Callback<String>,
    /// The user closed the form.
    pub on_close: Callback<()>,
}

/// Key/value rows, or the raw JSON text while that editor is open.
#[derive(Clone, PartialEq)]
enum Mode {
    Pairs,
    Json(String),
}

/// The form.
#[component]
pub fn NewSecret(props: &NewSecretProps) -> Html {
    let path = use_state(|| props.folder.clone());
    let rows = use_state(|| vec![DraftRow::default()]);
    let mode = use_state(|| Mode::Pairs);
    let error = use_state(|| None::<(ErrorCode, String)>);
    let saving = use_state(|| false);

    let path_check = new_secret_path(&path, &props.kv_mounts);
    let create = {
        let (path, rows, mode, error, saving) = (
            path.clone(),
            rows.clone(),
            mode.clone(),
            error.clone(),
            saving.clone(),
        );
        let mounts = props.kv_mounts.clone();
        let on_created = props.on_created.clone();
        let profile_id = props.profile_id.to_string();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Err(m) = new_secret_path(&path, &mounts) {
                return error.set(Some((ErrorCode::InvalidInput, format!("Path: {m}"))));
            }
            let draft = match &*mode {
                Mode::Json(text) => match from_json_text(text) {
                    Ok(r) => r,
                    Err(m) => return error.set(Some((ErrorCode::InvalidInput, m))),
                },
                Mode::Pairs => (*rows).clone(),
            };
            if draft.is_empty() {
                return error.set(Some((
                    ErrorCode::InvalidInput,
                    "add at least one key".into(),
                )));
            }
            if let Err(m) = validate(&draft) {
                return error.set(Some((ErrorCode::InvalidInput, m)));
            }
            let args = CreateSecretArgs {
                profile_id: profile_id.clone(),
                path: path.trim().to_owned(),
                data: fields(&draft),
            };
            let (error, saving, on_created) = (error.clone(), saving.clone(), on_created.clone());
            saving.set(true);
            spawn_local(async move {
                match ipc::call::<CreateSecret>(&args).await {
                    Ok(out) => {
                        error.set(None);
                        on_created.emit(out.path);
                    }
                    // The draft stays as typed; the message says what happened.
                    Err(e) => error.set(Some((e.code, e.message))),
                }
                saving.set(false);
            });
        })
    };

    let set_row = |i: usize, f: fn(&mut DraftRow, &InputEvent)| {
        let rows = rows.clone();
        Callback::from(move |e: InputEvent| {
            let mut r = (*rows).clone();
            if let Some(row) = r.get_mut(i) {
                f(row, &e);
            }
            rows.set(r);
        })
    };
    let to_json = {
        let (mode, rows) = (mode.clone(), rows.clone());
        Callback::from(move |_| {
            if *mode == Mode::Pairs {
                mode.set(Mode::Json(to_json_text(&rows)));
            }
        })
    };
    let to_pairs = {
        let (mode, rows, error) = (mode.clone(), rows.clone(), error.clone());
        Callback::from(move |_| {
            if let Mode::Json(text) = &*mode {
                match from_json_text(text) {
                    Ok(r) => {
                        rows.set(r);
                        mode.set(Mode::Pairs);
                        error.set(None);
                    }
                    Err(m) => error.set(Some((ErrorCode::InvalidInput, m))),
                }
            }
        })
    };

    html! {
        <form id="new-secret" class="secret-editor new-secret" aria-label="New secret" onsubmit={create}>
            <h2>{ "New secret" }</h2>
            <label class="new-secret-path">
                <span>{ "Path" }</span>
                <input id="new-secret-path" aria-label="New secret path" placeholder="secret/app/db"
                    value={(*path).clone()} spellcheck="false" autocomplete="off"
                    aria-invalid={path_check.is_err().to_string()}
                    oninput={{ let path = path.clone(); Callback::from(move |e: InputEvent| path.set(input_text(&e))) }} />
            </label>
            if let Err(m) = &path_check {
                <p class="muted" id="new-secret-path-hint">{ m.clone() }</p>
            }
            <div class="editor-tabs" role="tablist">
                <button type="button" id="new-mode-kv" role="tab" aria-selected={(*mode == Mode::Pairs).to_string()}
                    class={classes!((*mode == Mode::Pairs).then_some("active"))} onclick={to_pairs}>{ "Key / value" }</button>
                <button type="button" id="new-mode-json" role="tab" aria-selected={(*mode != Mode::Pairs).to_string()}
                    class={classes!((*mode != Mode::Pairs).then_some("active"))} onclick={to_json}>{ "Raw JSON" }</button>
            </div>
            {
                match &*mode {
                    Mode::Json(text) => {
                        let mode = mode.clone();
                        html! {
                            <textarea id="new-draft-json" class="draft-json" aria-label="New secret as JSON" spellcheck="false"
                                value={text.clone()}
                                oninput={Callback::from(move |e: InputEvent| {
                                    mode.set(Mode::Json(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
                                })} />
                        }
                    }
                    Mode::Pairs => html! {
                        <div id="new-draft-rows" class="draft-rows">
                            { for rows.iter().enumerate().map(|(i, r)| {
                                let remove = {
                                    let rows = rows.clone();
                                    Callback::from(move |_| {
                                        let mut v = (*rows).clone();
                                        if i < v.len() { v.remove(i); }
                                        rows.set(v);
                                    })
                                };
                                let toggle_json = {
                                    let rows = rows.clone();
                                    Callback::from(move |e: Event| {
                                        let mut v = (*rows).clone();
                                        if let Some(row) = v.get_mut(i) {
                                            row.json = e.target_unchecked_into::<HtmlInputElement>().checked();
                                        }
                                        rows.set(v);
                                    })
                                };
                                html! {
                                    <div class="draft-row" data-index={i.to_string()}>
                                        <input class="draft-key" aria-label={format!("New key {}", i + 1)} value={r.key.clone()}
                                            spellcheck="false" oninput={set_row(i, |row, e| row.key = input_text(e))} />
                                        <input class="draft-value" aria-label={format!("New value {}", i + 1)} value={r.value.clone()}
                                            autocomplete="off" spellcheck="false"
                                            oninput={set_row(i, |row, e| row.value = input_text(e))} />
                                        <label class="draft-json-flag"><input type="checkbox" class="draft-json" checked={r.json}
                                            aria-label={format!("New value {} is JSON", i + 1)} onchange={toggle_json} />{ "JSON" }</label>
                                        <button type="button" class="draft-remove ghost" aria-label={format!("Remove new key {}", i + 1)}
                                            onclick={remove}>{ "✕" }</button>
                                    </div>
                                }
                            }) }
                            <button type="button" id="new-draft-add" class="ghost" onclick={{
                                let rows = rows.clone();
                                Callback::from(move |_| {
                                    let mut v = (*rows).clone();
                                    v.push(DraftRow::default());
                                    rows.set(v);
                                })
                            }}>{ "+ Add key" }</button>
                        </div>
                    },
                }
            }
            if let Some((code, m)) = (*error).clone() {
                <p class="error-text" role="alert" id="new-secret-error"
                    data-code={format!("{code:?}")}>{ m }</p>
            }
            <div class="editor-actions">
                <button type="submit" id="new-secret-create" class="primary"
                    disabled={*saving || path_check.is_err()}>{ "Create" }</button>
                <button type="button" id="new-secret-cancel" class="ghost"
                    onclick={{ let close = props.on_close.clone(); Callback::from(move |_| close.emit(())) }}>{ "Cancel" }</button>
            </div>
        </form>
    }
}
