//! The secret view (`#secret-view`): metadata and key names, never values, until the user
//! reveals one key (`.reveal-btn`), which fetches only that key; the value lives in this
//! component's state and a timer hides it again.

use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use vaultdeck_types::{
    CopySecretCommand, CopySecretCommandArgs, CopySecretJson, SecretCommandKind, SecretReadCommands,
};
use vaultdeck_types::{
    CopySecretKey, ErrorCode, GetSecretKeys, GetSecretMetadata, PatchSecret, PatchSecretArgs,
    RevealKeyArgs, RevealSecret, RevealSecretKey, RevealedValue, SecretField, SecretInput,
    SecretKeysArgs, SecretPathArgs, VersionState,
};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use vaultdeck_ui::secrets_model::RevealSet;

use crate::components::secret_editor::SecretEditor;
use crate::components::secret_versions::SecretVersions;
use crate::hooks::use_command;
use crate::ipc;

/// Properties of [`SecretView`].
#[derive(Properties, PartialEq)]
pub struct SecretViewProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// The secret's path.
    pub path: AttrValue,
    /// Goes to the folder holding the secret.
    pub on_up: Callback<()>,
    /// The secret was deleted (metadata and all versions).
    pub on_deleted: Callback<()>,
}

/// The revealed values of this view (see [`RevealSet`]).
#[derive(Default, PartialEq)]
struct Reveals(RevealSet);

enum RevealAction {
    /// Show a key for the timer of this generation.
    Show(String, RevealedValue, u64),
    /// The timer of this generation fired.
    Expire(String, u64),
    /// The user hid the key.
    Hide(String),
}

impl Reducible for Reveals {
    type Action = RevealAction;

    fn reduce(self: Rc<Self>, action: RevealAction) -> Rc<Self> {
        let mut set = self.0.clone();
        match action {
            RevealAction::Show(k, v, gen) => set.show(&k, v, gen),
            RevealAction::Expire(k, gen) => {
                if !set.expire(&k, gen) {
                    return self;
                }
            }
            RevealAction::Hide(k) => set.hide(&k),
        }
        Rc::new(Reveals(set))
    }
}

fn state_label(s: VersionState) -> &'static str {
    match s {
        VersionState::Live => "live",
        VersionState::Deleted => "deleted",
        VersionState::Destroyed => "destroyed",
    }
}

/// Metadata and masked keys of one secret.
#[component]
pub fn SecretView(props: &SecretViewProps) -> Html {
    let meta = use_command::<GetSecretMetadata>(SecretPathArgs {
        profile_id: props.profile_id.to_string(),
        path: props.path.to_string(),
    });
    let keys = use_command::<GetSecretKeys>(SecretKeysArgs {
        profile_id: props.profile_id.to_string(),
        path: props.path.to_string(),
        version: None,
    });
    // Revealed values: component-local; each reveal is hidden by its own timer (a generation
    // number per reveal, so one key's timer never hides another key or a newer reveal).
    // Timers are dropped (cancelled) on unmount and replaced when a key is revealed again.
    let revealed = use_reducer(Reveals::default);
    let timers = use_mut_ref(BTreeMap::<String, Timeout>::new);
    let generation = use_mut_ref(|| 0_u64);
    let reveal_error = use_state(|| None::<String>);

    let hide = {
        let revealed = revealed.clone();
        let timers = timers.clone();
        Callback::from(move |key: String| {
            timers.borrow_mut().remove(&key);
            revealed.dispatch(RevealAction::Hide(key));
        })
    };
    // Shows `key` and starts its own hide timer.
    let show = {
        let revealed = revealed.clone();
        let timers = timers.clone();
        let generation = generation.clone();
        Rc::new(move |key: String, value: RevealedValue, secs: u32| {
            let gen = {
                let mut g = generation.borrow_mut();
                *g += 1;
                *g
            };
            let (r, k) = (revealed.clone(), key.clone());
            let t = Timeout::new(secs.saturating_mul(1000), move || {
                r.dispatch(RevealAction::Expire(k, gen))
            });
            timers.borrow_mut().insert(key.clone(), t);
            revealed.dispatch(RevealAction::Show(key, value, gen));
        })
    };
    let reveal = {
        let show = show.clone();
        let reveal_error = reveal_error.clone();
        let profile_id = props.profile_id.to_string();
        let path = props.path.to_string();
        let version = keys.ok().map(|k| k.version);
        Callback::from(move |key: String| {
            let args = RevealKeyArgs {
                profile_id: profile_id.clone(),
                path: path.clone(),
                key: key.clone(),
                version,
            };
            let show = show.clone();
            let reveal_error = reveal_error.clone();
            spawn_local(async move {
                match ipc::call::<RevealSecretKey>(&args).await {
                    Ok(r) => {
                        show(r.key.clone(), r.value.clone(), r.hide_after_secs);
                        reveal_error.set(None);
                    }
                    Err(e) => reveal_error.set(Some(e.message)),
                }
            });
        })
    };

    let editing = use_state(|| false);
    let reload = {
        let (m, k) = (meta.reload_callback::<()>(), keys.reload_callback::<()>());
        Callback::from(move |_: ()| {
            m.emit(());
            k.emit(());
        })
    };
    let on_saved = {
        let (editing, reload) = (editing.clone(), reload.clone());
        Callback::from(move |_: Option<u64>| {
            editing.set(false);
            reload.emit(());
        })
    };
    let live_version = keys
        .ok()
        .filter(|k| k.state == VersionState::Live)
        .map(|k| k.version);
    let patch = html! {
        <PatchKey profile_id={props.profile_id.clone()} path={props.path.clone()}
            version={live_version} on_saved={reload.clone()} />
    };

    let copy_status = use_state(|| None::<String>);
    let copy = {
        let copy_status = copy_status.clone();
        let profile_id = props.profile_id.to_string();
        let path = props.path.to_string();
        Callback::from(move |key: String| {
            let args = RevealKeyArgs {
                profile_id: profile_id.clone(),
                path: path.clone(),
                key,
                version: live_version,
            };
            let copy_status = copy_status.clone();
            spawn_local(async move {
                copy_status.set(Some(match ipc::call::<CopySecretKey>(&args).await {
                    Ok(c) => format!(
                        "Copied {} to the clipboard; it is cleared in {} s.",
                        c.key, c.clear_after_secs
                    ),
                    Err(e) => e.message,
                }));
            });
        })
    };

    let copy_json = {
        let copy_status = copy_status.clone();
        let args = SecretKeysArgs {
            profile_id: props.profile_id.to_string(),
            path: props.path.to_string(),
            version: live_version,
        };
        Callback::from(move |_| {
            let (copy_status, args) = (copy_status.clone(), args.clone());
            spawn_local(async move {
                copy_status.set(Some(match ipc::call::<CopySecretJson>(&args).await {
                    Ok(c) => format!(
                        "Copied all {} keys of {} as JSON; the clipboard is cleared in {} s.",
                        c.keys.len(),
                        c.path,
                        c.clear_after_secs
                    ),
                    Err(e) => e.message,
                }));
            });
        })
    };
    let read_cmds = use_state(|| None::<SecretReadCommands>);
    let copy_cmd = {
        let (copy_status, read_cmds) = (copy_status.clone(), read_cmds.clone());
        let (profile_id, path) = (props.profile_id.to_string(), props.path.to_string());
        Callback::from(move |kind: SecretCommandKind| {
            let args = CopySecretCommandArgs {
                profile_id: profile_id.clone(),
                path: path.clone(),
                kind,
            };
            let (copy_status, read_cmds) = (copy_status.clone(), read_cmds.clone());
            spawn_local(async move {
                match ipc::call::<CopySecretCommand>(&args).await {
                    Ok(c) => {
                        copy_status.set(Some(format!(
                            "Copied the {} command (it reads the token from $VAULT_TOKEN).",
                            if kind == SecretCommandKind::Cli {
                                "vault CLI"
                            } else {
                                "curl"
                            }
                        )));
                        read_cmds.set(Some(c));
                    }
                    Err(e) => copy_status.set(Some(e.message)),
                }
            });
        })
    };

    // KV v1 cannot list key names without reading: one explicit reveal of the whole secret.
    let is_v1 = meta.ok().is_some_and(|m| m.kv_version == 1);
    let v1_keys = use_state(|| None::<Vec<String>>);
    let reveal_all = {
        let (show, reveal_error, v1_keys) = (show.clone(), reveal_error.clone(), v1_keys.clone());
        let args = SecretKeysArgs {
            profile_id: props.profile_id.to_string(),
            path: props.path.to_string(),
            version: None,
        };
        Callback::from(move |_| {
            let (show, reveal_error, v1_keys, args) = (
                show.clone(),
                reveal_error.clone(),
                v1_keys.clone(),
                args.clone(),
            );
            spawn_local(async move {
                match ipc::call::<RevealSecret>(&args).await {
                    Ok(r) => {
                        v1_keys.set(Some(r.data.keys().cloned().collect()));
                        for (k, f) in &r.data {
                            show(k.clone(), f.value.clone(), r.hide_after_secs);
                        }
                        reveal_error.set(None);
                    }
                    Err(e) => reveal_error.set(Some(e.message)),
                }
            });
        })
    };
    let key_row = |key: &String| {
        let value = revealed.0.get(key).cloned();
        let shown = value.is_some();
        let onclick = if shown {
            let hide = hide.clone();
            let key = key.clone();
            Callback::from(move |_| hide.emit(key.clone()))
        } else {
            let reveal = reveal.clone();
            let key = key.clone();
            Callback::from(move |_| reveal.emit(key.clone()))
        };
        html! {
            <li key={key.clone()} class="secret-key" data-key={key.clone()}>
                <code class="key-name">{ key.clone() }</code>
                if let Some(v) = value {
                    <code class="revealed-value">{ v.expose().to_owned() }</code>
                } else {
                    <span class="masked" aria-label="hidden value">{ "••••••••" }</span>
                }
                <button type="button" class="copy-btn ghost"
                    aria-label={format!("Copy {key}")}
                    onclick={{ let copy = copy.clone(); let key = key.clone(); Callback::from(move |_| copy.emit(key.clone())) }}>{ "Copy" }</button>
                <button type="button" class="reveal-btn"
                    aria-label={format!("{} {key}", if shown { "Hide" } else { "Reveal" })}
                    {onclick}>{ if shown { "Hide" } else { "Reveal" } }</button>
            </li>
        }
    };

    let up = props.on_up.clone();
    html! {
        <section id="secret-view" class="secret-view" aria-label={format!("Secret {}", props.path)}>
            <header class="secret-view-head">
                <h2 id="secret-view-path"><code>{ props.path.to_string() }</code></h2>
                <button type="button" class="link" aria-label="Back to folder"
                    onclick={Callback::from(move |_| up.emit(()))}>{ "↑ folder" }</button>
            </header>
            {
                match (meta.ok(), meta.error()) {
                    (Some(m), _) => html! {
                        <dl id="secret-meta" class="meta-grid">
                            <dt>{ "Engine" }</dt><dd>{ format!("KV v{} at {}", m.kv_version, m.mount) }</dd>
                            if let Some(v) = m.current_version {
                                <dt>{ "Current version" }</dt><dd id="secret-current-version">{ v }</dd>
                            }
                            if let Some(v) = m.oldest_version {
                                <dt>{ "Oldest kept" }</dt><dd>{ v }</dd>
                            }
                            if let Some(v) = m.max_versions {
                                <dt>{ "Max versions" }</dt><dd>{ if v == 0 { "mount default".to_string() } else { v.to_string() } }</dd>
                            }
                            <dt>{ "CAS required" }</dt><dd>{ if m.cas_required { "yes" } else { "no" } }</dd>
                            if let Some(t) = &m.created_time {
                                <dt>{ "Created" }</dt><dd>{ t.clone() }</dd>
                            }
                            if let Some(t) = &m.updated_time {
                                <dt>{ "Updated" }</dt><dd>{ t.clone() }</dd>
                            }
                            { for m.custom_metadata.iter().map(|(k, v)| html! {
                                <><dt class="custom-meta">{ k.clone() }</dt><dd>{ v.clone() }</dd></>
                            }) }
                        </dl>
                    },
                    (None, Some(e)) => html! { <p class="error-text" role="alert">{ format!("Could not read metadata: {}", e.message) }</p> },
                    _ => html! { <p class="muted" role="status">{ "Loading metadata…" }</p> },
                }
            }
            <div class="keys-head">
                <h3>{ "Keys" }</h3>
                if let (Some(v), false) = (live_version, *editing) {
                    <button type="button" id="secret-edit" aria-label="Edit secret"
                        onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(true)) }}
                        data-version={v.to_string()}>{ "Edit" }</button>
                }
            </div>
            if let (Some(v), true) = (live_version, *editing) {
                <SecretEditor profile_id={props.profile_id.clone()} path={props.path.clone()} version={v}
                    on_saved={on_saved.clone()} on_conflict={reload.clone()}
                    on_close={{ let editing = editing.clone(); Callback::from(move |_| editing.set(false)) }} />
            }
            <div class="secret-copy-actions" role="group" aria-label="Copy">
                <button type="button" id="copy-secret-json" class="ghost" aria-label="Copy whole secret as JSON"
                    title="Reveals every key (audited) and puts the JSON on the clipboard; cleared after the timeout"
                    onclick={copy_json}>{ "Copy as JSON" }</button>
                <button type="button" id="copy-cli-command" class="ghost" aria-label="Copy vault CLI command"
                    onclick={{ let c = copy_cmd.clone(); Callback::from(move |_| c.emit(SecretCommandKind::Cli)) }}>{ "Copy CLI command" }</button>
                <button type="button" id="copy-curl-command" class="ghost" aria-label="Copy curl command"
                    onclick={{ let c = copy_cmd.clone(); Callback::from(move |_| c.emit(SecretCommandKind::Curl)) }}>{ "Copy curl command" }</button>
            </div>
            if let Some(c) = (*read_cmds).clone() {
                <div id="secret-read-commands" class="read-commands">
                    <code id="secret-cli-command">{ c.cli }</code>
                    <code id="secret-curl-command">{ c.curl }</code>
                </div>
            }
            if let Some(t) = (*copy_status).clone() {
                <p class="muted" role="status" id="copy-status">{ t }</p>
            }
            if let Some(e) = (*reveal_error).clone() {
                <p class="error-text" role="alert" id="reveal-error">{ e }</p>
            }
            {
                match (keys.ok(), keys.error()) {
                    (Some(k), _) if k.state != VersionState::Live => html! {
                        <p class="muted" id="secret-keys-state">{ format!("Version {} is {}.", k.version, state_label(k.state)) }</p>
                    },
                    (Some(k), _) => html! {
                        <ul id="secret-keys" class="secret-keys" data-version={k.version.to_string()}>
                            { for k.keys.iter().map(&key_row) }
                        </ul>
                    },
                    (None, Some(_)) if v1_keys.is_some() => html! {
                        <ul id="secret-keys" class="secret-keys" data-version="v1">
                            { for v1_keys.iter().flatten().map(&key_row) }
                        </ul>
                    },
                    (None, Some(e)) if is_v1 => html! {
                        <div id="secret-keys-v1">
                            <p class="muted">{ e.message.clone() }</p>
                            <button type="button" id="reveal-all" onclick={reveal_all.clone()}>{ "Reveal all keys" }</button>
                        </div>
                    },
                    (None, Some(e)) => html! { <p class="muted" id="secret-keys-error">{ e.message.clone() }</p> },
                    _ => html! { <p class="muted" role="status">{ "Loading keys…" }</p> },
                }
            }
            if !*editing { { patch } }
            if let Some(m) = meta.ok().filter(|m| m.kv_version == 2 && !*editing) {
                <SecretVersions key={format!("{:?}", m.current_version)} profile_id={props.profile_id.clone()} meta={m.clone()}
                    on_changed={reload.clone()} on_deleted={props.on_deleted.clone()} />
            }
        </section>
    }
}

/// Properties of [`PatchKey`].
#[derive(Properties, PartialEq)]
pub struct PatchKeyProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// The secret's path.
    pub path: AttrValue,
    /// The live version (the CAS); `None` hides the form.
    pub version: Option<u64>,
    /// A patch succeeded.
    pub on_saved: Callback<()>,
}

/// Sets one key (new or existing), keeping the others, with CAS = the shown version.
#[component]
pub fn PatchKey(props: &PatchKeyProps) -> Html {
    let key = use_state(String::new);
    let value = use_state(String::new);
    let json = use_state(|| false);
    let msg = use_state(|| None::<String>);
    let Some(version) = props.version else {
        return html! {};
    };
    let onsubmit = {
        let (key, value, json, msg) = (key.clone(), value.clone(), json.clone(), msg.clone());
        let on_saved = props.on_saved.clone();
        let (profile_id, path) = (props.profile_id.to_string(), props.path.to_string());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let k = key.trim().to_owned();
            if k.is_empty() {
                return msg.set(Some("Type the key to set.".into()));
            }
            let mut set = std::collections::BTreeMap::new();
            set.insert(
                k,
                SecretField {
                    value: SecretInput::new((*value).clone()),
                    json: *json,
                },
            );
            let args = PatchSecretArgs {
                profile_id: profile_id.clone(),
                path: path.clone(),
                set,
                remove: Vec::new(),
                cas: Some(version),
            };
            let (value, msg, on_saved) = (value.clone(), msg.clone(), on_saved.clone());
            spawn_local(async move {
                match ipc::call::<PatchSecret>(&args).await {
                    Ok(out) => {
                        value.set(String::new());
                        msg.set(Some(format!("Saved as version {}.", out.version.unwrap_or(0))));
                        on_saved.emit(());
                    }
                    Err(e) if e.code == ErrorCode::Conflict => msg.set(Some(format!(
                        "Not saved: the secret changed on the server since version {version}. Reload it and try again; your input is kept."
                    ))),
                    Err(e) => msg.set(Some(e.message)),
                }
            });
        })
    };
    let text = |h: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| {
            h.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <form id="patch-form" class="patch-form" aria-label="Set one key" {onsubmit}>
            <h3>{ "Set one key" }</h3>
            <input id="patch-key" aria-label="Key to set" placeholder="key" value={(*key).clone()} oninput={text(key.clone())} />
            <input id="patch-value" aria-label="New value" placeholder="value" autocomplete="off"
                value={(*value).clone()} oninput={text(value.clone())} />
            <label><input type="checkbox" id="patch-json" checked={*json} aria-label="Value is JSON"
                onchange={{ let json = json.clone(); Callback::from(move |e: Event| json.set(e.target_unchecked_into::<HtmlInputElement>().checked())) }} />{ "JSON" }</label>
            <button type="submit" id="patch-save">{ format!("Patch (CAS {version})") }</button>
            if let Some(m) = (*msg).clone() {
                <p class="muted" id="patch-message" role="status">{ m }</p>
            }
        </form>
    }
}
