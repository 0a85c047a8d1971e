//! The profile form (create / edit) for every provider: a kind select (new profiles only), then
//! the selected kind's fields. The draft is validated before sending; a local or a backend error
//! shows in `#form-error` and everything typed is kept.

use std::rc::Rc;

use vaultdeck_types::{Profile, SaveProfile, SaveProfileArgs, SecretInput};
use vaultdeck_ui::profile_draft::{
    azure_auth_label, azure_auth_value, parse_azure_auth, AuthMethod, DraftEdit, DraftField,
    DraftFlag, ProfileDraft, ProviderKind, AZURE_AUTHS,
};
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
    let kind_node = use_node_ref();
    use_select_value(kind_node.clone(), draft.0.kind.as_str().to_string());
    let azure_auth_node = use_node_ref();
    use_select_value(
        azure_auth_node.clone(),
        azure_auth_value(&draft.0.azure_auth).to_string(),
    );

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
    let on_kind = {
        let draft = draft.dispatcher();
        Callback::from(move |e: Event| {
            draft.dispatch(DraftEdit::Kind(ProviderKind::parse(&select_value(&e))))
        })
    };
    let on_azure_auth = {
        let draft = draft.dispatcher();
        Callback::from(move |e: Event| {
            draft.dispatch(DraftEdit::AzureMethod(parse_azure_auth(&select_value(&e))))
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
            // Clear errors before anything is sent; the draft stays as typed.
            if let Err(message) = draft.0.validate() {
                error.set(Some(message));
                return;
            }
            let is_vault = draft.0.kind == ProviderKind::Vault;
            let args = SaveProfileArgs {
                profile: draft.0.to_profile(),
                // Only a kind / method that signs in with a credential sends one.
                credential: (draft.0.credential_label().is_some() && !credential.is_empty())
                    .then(|| (*credential).clone()),
                confirm_insecure_tls: is_vault && !draft.0.tls_verify && draft.0.confirm_insecure,
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

                <label for="profile-kind">{ "Provider" }</label>
                <select id="profile-kind" ref={kind_node} onchange={on_kind} disabled={!is_new}
                    title={(!is_new).then_some("The provider of a saved profile cannot change")}>
                    { for ProviderKind::ALL.iter().map(|k| html! {
                        <option value={k.as_str()} selected={*k == d.kind}>{ k.label() }</option>
                    }) }
                </select>

                if d.kind == ProviderKind::Aws {
                    <label for="profile-aws-profile">{ "Named AWS profile" }</label>
                    <input id="profile-aws-profile" type="text" autocomplete="off" spellcheck="false"
                        placeholder="empty = default chain, or use an access key below"
                        value={d.aws_profile.clone()} oninput={text(DraftField::AwsProfile)} />

                    <label for="profile-access-key-id">{ "Access key ID" }</label>
                    <input id="profile-access-key-id" type="text" autocomplete="off" spellcheck="false"
                        placeholder="AKIA… (optional; the secret access key goes to the keychain)"
                        value={d.access_key_id.clone()} oninput={text(DraftField::AccessKeyId)} />

                    <label for="profile-region">{ "Region" }</label>
                    <input id="profile-region" type="text" autocomplete="off" spellcheck="false"
                        placeholder="eu-west-1 (empty = from the AWS config)"
                        value={d.region.clone()} oninput={text(DraftField::Region)} />

                    <label for="profile-endpoint">{ "Endpoint override" }</label>
                    <input id="profile-endpoint" type="url" autocomplete="off" spellcheck="false"
                        placeholder="optional, e.g. a VPC endpoint"
                        value={d.endpoint_url.clone()} oninput={text(DraftField::EndpointUrl)} />
                }

                if d.kind == ProviderKind::Azure {
                    <label for="profile-vault-url">{ "Vault URL" }</label>
                    <input id="profile-vault-url" type="url" autocomplete="off" spellcheck="false"
                        placeholder="https://myvault.vault.azure.net"
                        value={d.vault_url.clone()} oninput={text(DraftField::VaultUrl)} />

                    <label for="profile-azure-auth">{ "Sign-in method" }</label>
                    <select id="profile-azure-auth" ref={azure_auth_node} onchange={on_azure_auth}>
                        { for AZURE_AUTHS.iter().map(|a| html! {
                            <option value={azure_auth_value(a)} selected={*a == d.azure_auth}>
                                { azure_auth_label(a) }
                            </option>
                        }) }
                    </select>

                    if d.azure_auth == vaultdeck_types::AzureAuth::DeviceCode {
                        <p id="device-code-note" class="muted form-wide">
                            { "Device-code sign-in: Connect shows a code to enter in a browser; the refresh token is kept only in the OS keychain." }
                        </p>
                    }

                    if matches!(d.azure_auth, vaultdeck_types::AzureAuth::ClientSecret | vaultdeck_types::AzureAuth::DeviceCode) {
                        <label for="profile-tenant">{ "Tenant ID" }</label>
                        <input id="profile-tenant" type="text" autocomplete="off" spellcheck="false"
                            value={d.tenant_id.clone()} oninput={text(DraftField::TenantId)} />
                    }
                    if d.azure_auth != vaultdeck_types::AzureAuth::AzureCli {
                        <label for="profile-client-id">{ "Client ID" }</label>
                        <input id="profile-client-id" type="text" autocomplete="off" spellcheck="false"
                            placeholder={if d.azure_auth == vaultdeck_types::AzureAuth::ManagedIdentity {
                                "optional: a user-assigned identity"
                            } else {
                                "application (client) id"
                            }}
                            value={d.client_id.clone()} oninput={text(DraftField::ClientId)} />
                    }

                    <label for="profile-authority">{ "Authority host" }</label>
                    <input id="profile-authority" type="url" autocomplete="off" spellcheck="false"
                        placeholder="https://login.microsoftonline.com (default)"
                        value={d.authority_host.clone()} oninput={text(DraftField::AuthorityHost)} />

                    <label for="profile-ca-bundle">{ "CA bundle file (PEM)" }</label>
                    <input id="profile-ca-bundle" type="text" autocomplete="off" spellcheck="false"
                        placeholder="/path/to/ca.pem (optional, replaces the system roots)"
                        value={d.ca_bundle.clone()} oninput={text(DraftField::CaBundle)} />
                }

                if d.kind == ProviderKind::Vault {
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
                }

                if let Some(label) = d.credential_label() {
                    <label for="profile-credential">{ label }</label>
                    <input id="profile-credential" type="password" autocomplete="off"
                        placeholder={credential_placeholder} value={credential.expose().to_string()}
                        oninput={on_credential} />
                }

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
