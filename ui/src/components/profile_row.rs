//! One saved profile in the list (`li.profile-row[data-profile-name]`) with its actions:
//! Connect, Edit, Duplicate, Delete (confirmed inline). Every provider connects from here except
//! Azure device-code profiles, whose sign-in prompt lives on the Azure screen.

use vaultdeck_types::{Profile, ProfileKind, SecretInput};
use vaultdeck_ui::format::profile_location;
use vaultdeck_ui::profile_draft::{credential_label_of, is_azure_device_code, ProviderKind};
use yew::prelude::*;

use crate::components::connect_prompt::{ConnectAttempt, ConnectPrompt};
use crate::components::device_code::DeviceCodePrompt;

/// Properties of [`ProfileRow`].
#[derive(Properties, PartialEq)]
pub struct ProfileRowProps {
    /// The profile.
    pub profile: Profile,
    /// It has an open connection.
    pub is_open: bool,
    /// Its connection is the active one.
    pub is_active: bool,
    /// The connect attempt for this profile, if one is shown.
    pub attempt: Option<ConnectAttempt>,
    /// Connect (profile id).
    pub on_connect: Callback<String>,
    /// Connect with a typed credential (profile id, credential, remember).
    pub on_connect_submit: Callback<(String, SecretInput, bool)>,
    /// Close the connect prompt.
    pub on_connect_cancel: Callback<()>,
    /// Open the profile in the form.
    pub on_edit: Callback<Profile>,
    /// Duplicate (profile id).
    pub on_duplicate: Callback<String>,
    /// Delete, already confirmed (profile id).
    pub on_delete: Callback<String>,
}

/// A profile row.
#[component]
pub fn ProfileRow(props: &ProfileRowProps) -> Html {
    let confirming = use_state_eq(|| false);
    let p = &props.profile;
    let vault = match &p.kind {
        ProfileKind::Vault(v) => Some(v),
        _ => None,
    };

    let id = p.id.clone();
    let on_connect = props.on_connect.reform({
        let id = id.clone();
        move |_: MouseEvent| id.clone()
    });
    let on_edit = props.on_edit.reform({
        let p = p.clone();
        move |_: MouseEvent| p.clone()
    });
    let on_duplicate = props.on_duplicate.reform({
        let id = id.clone();
        move |_: MouseEvent| id.clone()
    });
    let ask_delete = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let cancel_delete = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let confirm_delete = {
        let confirming = confirming.clone();
        let on_delete = props.on_delete.clone();
        let id = id.clone();
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            on_delete.emit(id.clone());
        })
    };
    let on_actions_key = {
        let confirming = confirming.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && *confirming {
                e.stop_propagation();
                confirming.set(false);
            }
        })
    };
    let on_submit = props.on_connect_submit.reform({
        let id = id.clone();
        move |(credential, remember): (SecretInput, bool)| (id.clone(), credential, remember)
    });
    let credential_label = credential_label_of(&p.kind).unwrap_or("Credential");
    let device_code = is_azure_device_code(&p.kind);
    let busy = props.attempt.as_ref().is_some_and(|a| a.busy);

    html! {
        <li class={classes!(
                "profile-row",
                props.is_open.then_some("is-open"),
                props.is_active.then_some("is-active"),
            )}
            data-profile-name={p.name.clone()} data-profile-id={p.id.clone()}
            data-profile-kind={ProviderKind::of(&p.kind).as_str()}>
            <div class="profile-main">
                <span class="profile-name">{ p.name.clone() }</span>
                if props.is_active {
                    <span class="badge badge-accent">{ "active" }</span>
                } else if props.is_open {
                    <span class="badge">{ "connected" }</span>
                }
                <span class="profile-provider badge">{ p.kind.provider_label() }</span>
                <span class="profile-address">{ profile_location(&p.kind) }</span>
                if vault.is_some_and(|v| !v.tls_verify) {
                    <span class="badge badge-danger" title="TLS verification is off">{ "TLS not verified" }</span>
                }
            </div>
            <div class="profile-actions" onkeydown={on_actions_key}>
                if *confirming {
                    <span class="confirm-text">{ format!("Delete {}?", p.name) }</span>
                    <button type="button" class="confirm-delete-btn danger"
                        aria-label={format!("Confirm deleting {}", p.name)} onclick={confirm_delete}>
                        { "Delete" }
                    </button>
                    <button type="button" class="cancel-delete-btn" onclick={cancel_delete}>{ "Cancel" }</button>
                } else {
                    <button type="button" class="connect-btn primary" disabled={busy}
                        aria-label={format!("Connect {}", p.name)} onclick={on_connect}>
                        { "Connect" }
                    </button>
                    <button type="button" class="edit-btn"
                        aria-label={format!("Edit {}", p.name)} onclick={on_edit}>{ "Edit" }</button>
                    <button type="button" class="duplicate-btn"
                        aria-label={format!("Duplicate {}", p.name)} onclick={on_duplicate}>{ "Duplicate" }</button>
                    <button type="button" class="delete-btn danger-ghost"
                        aria-label={format!("Delete {}", p.name)} onclick={ask_delete}>{ "Delete" }</button>
                }
            </div>
            if device_code && busy {
                <DeviceCodePrompt profile_id={p.id.clone()} />
            }
            if let Some(attempt) = &props.attempt {
                <ConnectPrompt attempt={attempt.clone()} credential_label={credential_label}
                    on_submit={on_submit} on_cancel={props.on_connect_cancel.clone()} />
            }
        </li>
    }
}
