//! The Vault profile form (create / edit). On a failed save it shows the backend's message in
//! `#form-error` and keeps everything typed.

use std::rc::Rc;

use vaultdeck_types::{Profile, SaveProfile, SaveProfileArgs, SecretInput};
use vaultdeck_ui::profile_draft::{AuthMethod, DraftEdit, DraftField, DraftFlag, ProfileDraft};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::{checkbox_checked, input_text, select_value};
use crate::hooks::use_select_value;
use crate::ipc;

/// The draft under a reducer, so every keystroke applies to the latest state.
#[derive(PartialEq)]
struct DraftState(ProfileDraft);

impl Reducible for DraftState {
    type Action = DraftEdit;

    fn reduce(self: Rc<Self>, edit: DraftEdit) -> Rc<Self> {
        let mut draft = self.0.clone();
        draft.apply(edit);
        Rc::new(DraftState(draft))
    }
}

/// Properties of [`ProfileForm`].
#[derive(Properties, PartialEq)]
pub struct ProfileFormProps {
    /// The starting draft (empty id = new profile).
    pub initial: Rc<ProfileDraft>,
    /// Called with the saved profile.
    pub on_saved: Callback<Profile>,
    /// Closes the form without saving.
    pub on_cancel: Callback<()>,
}

/// The profile form.
#[component]
pub fn ProfileForm(props: &ProfileFormProps) -> Html {
    let draft = use_reducer({
        let initial = (*props.initial).clone();
        move || DraftState(initial)
    });
    let credential = use_state(SecretInput::default);
    let error = use_state(|| None::<String>);
    let saving = use_state_eq(|| false);
    let method_node = use_node_ref();
    use_select_value(method_node.clone(), draft.0.method.as_str().to_string());

    let d = &draft.0;
    let is_new = d.is_new();

    let text = |field: DraftField| {
        let draft = draft.dispatcher();
        Callback::from(move |e: InputEvent| draft.dispatch(DraftEdit::Text(field, input_text(&e))))
    };
    let flag = |f: DraftFlag| {
        let draft = draft.dispatcher();
        Callback::from(move |e: Event| draft.dispatch(DraftEdit::Flag(f, checkbox_checked(&e))))
    };
    let on_method = {
        let draft = draft.dispatcher();
        Callback::from(move |e: Event| {
            draft.dispatch(DraftEdit::Method(AuthMethod::parse(&select_value(&e))))
        })
    };
    let on_credential = {
        let credential = credential.clone();
        Callback::from(move |e: InputEvent| credential.set(SecretInput::new(input_text(&e))))
    };

    let onsubmit = {
        let draft = draft.clone();
        let credential = credential.clone();
        let error = error.clone();
        let saving = saving.clone();
        let on_saved = props.on_saved.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *saving {
                return;
            }
            let args = SaveProfileArgs {
                profile: draft.0.to_profile(),
                credential: (!credential.is_empty()).then(|| (*credential).clone()),
                confirm_insecure_tls: !draft.0.tls_verify && draft.0.confirm_insecure,
            };
            let error = error.clone();
            let saving = saving.clone();
            let on_saved = on_saved.clone();
            saving.set(true);
            error.set(None);
            spawn_local(async move {
                let reply = ipc::call::<SaveProfile>(&args).await;
                drop(args);
                saving.set(false);
                match reply {
                    Ok(profile) => on_saved.emit(profile),
                    // Keep everything typed; only say what went wrong.
                    Err(err) => error.set(Some(err.message)),
                }
            });
        })
    };
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let onkeydown = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                on_cancel.emit(());
            }
        })
    };

    let title = if is_new {
        "New profile".to_string()
    } else {
        format!("Edit profile {}", props.initial.name)
    };
    let credential_placeholder = if is_new {
        "optional: asked for when connecting if empty"
    } else {
        "leave empty to keep the stored one"
    };

    html! {
        <section class="panel profile-form-panel" aria-labelledby="profile-form-title">
            <h2 id="profile-form-title">{ title }</h2>
            <form id="profile-form" class="form-grid" {onsubmit} {onkeydown} novalidate=true>
                <label for="profile-name">{ "Name" }</label>
                <input id="profile-name" type="text" autocomplete="off" value={d.name.clone()}
                    oninput={text(DraftField::Name)} />

                <label for="profile-address">{ "Address" }</label>
                <input id="profile-address" type="url" autocomplete="off" spellcheck="false"
                    placeholder="https://vault.example.com:8200" value={d.address.clone()}
                    oninput={text(DraftField::Address)} />

                <label for="profile-namespace">{ "Namespace" }</label>
                <input id="profile-namespace" type="text" autocomplete="off" spellcheck="false"
                    placeholder="empty = root namespace" value={d.namespace.clone()}
                    oninput={text(DraftField::Namespace)} />

                <label for="profile-cacert">{ "CA certificate file (PEM)" }</label>
                <input id="profile-cacert" type="text" autocomplete="off" spellcheck="false"
                    placeholder="/path/to/ca.pem (optional, trusted besides the system roots)"
                    value={d.ca_cert.clone()} oninput={text(DraftField::CaCert)} />

                <span class="form-label">{ "TLS" }</span>
                <div class="form-checks">
                    <span class="check">
                        <input id="profile-tls-verify" type="checkbox" checked={d.tls_verify}
                            onchange={flag(DraftFlag::TlsVerify)} />
                        <label for="profile-tls-verify">{ "Verify the server's TLS certificate" }</label>
                    </span>
                    if !d.tls_verify {
                        <p id="tls-warning" class="warn-text">
                            { "TLS verification is off: anyone on the network path can impersonate this server and read your token." }
                        </p>
                        <span class="check">
                            <input id="profile-confirm-insecure" type="checkbox" checked={d.confirm_insecure}
                                onchange={flag(DraftFlag::ConfirmInsecure)} />
                            <label for="profile-confirm-insecure">
                                { "I understand the server's identity will not be verified" }
                            </label>
                        </span>
                    }
                    <span class="check">
                        <input id="profile-allow-http" type="checkbox" checked={d.allow_plain_http}
                            onchange={flag(DraftFlag::AllowPlainHttp)} />
                        <label for="profile-allow-http">
                            { "Allow plain http:// to a non-loopback address" }
                        </label>
                    </span>
                </div>

                <label for="profile-auth-method">{ "Sign-in method" }</label>
                <select id="profile-auth-method" ref={method_node} onchange={on_method}>
                    { for AuthMethod::ALL.iter().map(|m| html! {
                        <option value={m.as_str()} selected={*m == d.method}>{ m.label() }</option>
                    }) }
                </select>

                if d.method == AuthMethod::Userpass {
                    <label for="profile-username">{ "Username" }</label>
                    <input id="profile-username" type="text" autocomplete="off" spellcheck="false"
                        value={d.username.clone()} oninput={text(DraftField::Username)} />
                }
                if d.method == AuthMethod::AppRole {
                    <label for="profile-role-id">{ "Role ID" }</label>
                    <input id="profile-role-id" type="text" autocomplete="off" spellcheck="false"
                        value={d.role_id.clone()} oninput={text(DraftField::RoleId)} />
                }
                if d.method != AuthMethod::Token {
                    <label for="profile-mount">{ "Auth mount path" }</label>
                    <input id="profile-mount" type="text" autocomplete="off" spellcheck="false"
                        placeholder={d.method.default_mount()} value={d.mount.clone()}
                        oninput={text(DraftField::Mount)} />
                }

                <label for="profile-credential">{ d.credential_label() }</label>
                <input id="profile-credential" type="password" autocomplete="off"
                    placeholder={credential_placeholder} value={credential.expose().to_string()}
                    oninput={on_credential} />

                if let Some(message) = &*error {
                    <p id="form-error" class="error-text form-wide" role="alert">{ message.clone() }</p>
                }

                <div class="form-actions form-wide">
                    <button id="profile-save" type="submit" class="primary" disabled={*saving}
                        aria-busy={saving.then_some("true")}>{ "Save" }</button>
                    <button id="profile-cancel" type="button" onclick={on_cancel}>{ "Cancel" }</button>
                </div>
            </form>
        </section>
    }
}
