//! The Connections screen (default): saved profiles, the profile form, sign-in, and the
//! active connection's identity panel.

use std::rc::Rc;

use vaultdeck_types::{
    Connect, ConnectArgs, DeleteProfile, DuplicateProfile, ErrorCode, ImportEnvProfile,
    ListConnections, ListProfiles, NoArgs, Profile, ProfileRef, SecretInput,
};
use vaultdeck_ui::profile_draft::ProfileDraft;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::connect_prompt::ConnectAttempt;
use crate::components::identity_panel::IdentityPanel;
use crate::components::profile_form::ProfileForm;
use crate::components::profile_row::ProfileRow;
use crate::contexts::connections::{use_connections, ConnectionsAction};
use crate::contexts::toasts::use_toaster;
use crate::hooks::use_command;
use crate::ipc;

/// The Connections screen.
#[component]
pub fn ConnectionsPage() -> Html {
    let conns = use_connections();
    let toaster = use_toaster();
    let profiles = use_command::<ListProfiles>(NoArgs {});
    let editing = use_state(|| None::<Rc<ProfileDraft>>);
    let attempt = use_state(|| None::<ConnectAttempt>);
    let reload_profiles = profiles.reload_callback::<()>();

    // Connect with the stored credential (None) or a typed one.
    let connect = {
        let attempt = attempt.clone();
        let conns = conns.dispatcher();
        let toaster = toaster.clone();
        Callback::from(
            move |(profile_id, credential, remember): (String, Option<SecretInput>, bool)| {
                let needs_credential = attempt
                    .as_ref()
                    .is_some_and(|a| a.profile_id == profile_id && a.needs_credential);
                attempt.set(Some(ConnectAttempt {
                    profile_id: profile_id.clone(),
                    needs_credential,
                    busy: true,
                    error: None,
                }));
                let (attempt, conns, toaster) = (attempt.clone(), conns.clone(), toaster.clone());
                spawn_local(async move {
                    let args = ConnectArgs {
                        profile_id: profile_id.clone(),
                        credential,
                        remember,
                    };
                    let reply = ipc::call::<Connect>(&args).await;
                    drop(args);
                    match reply {
                        Ok(summary) => {
                            attempt.set(None);
                            let who = summary
                                .identity
                                .as_ref()
                                .map(|i| format!(" as {}", i.display_name))
                                .unwrap_or_default();
                            toaster.success(format!("Connected to {}{who}", summary.name));
                            conns.dispatch(ConnectionsAction::Connected(summary));
                        }
                        Err(err) => attempt.set(Some(ConnectAttempt {
                            profile_id,
                            needs_credential: needs_credential
                                || err.code == ErrorCode::Unauthenticated,
                            busy: false,
                            error: Some(err.message),
                        })),
                    }
                });
            },
        )
    };

    let on_connect = {
        let conns = conns.clone();
        let toaster = toaster.clone();
        let connect = connect.clone();
        Callback::from(move |profile_id: String| {
            if let Some(open) = conns.open.iter().find(|c| c.profile_id == profile_id) {
                // Already signed in: switching is instant.
                toaster.success(format!("Switched to {}", open.name));
                conns.dispatch(ConnectionsAction::Activate(profile_id));
            } else {
                connect.emit((profile_id, None, false));
            }
        })
    };
    let on_connect_submit =
        connect.reform(|(id, credential, remember): (String, SecretInput, bool)| {
            (id, (!credential.is_empty()).then_some(credential), remember)
        });
    let on_connect_cancel = {
        let attempt = attempt.clone();
        Callback::from(move |()| attempt.set(None))
    };

    let on_new = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| {
            if editing.as_ref().is_none_or(|d| !d.is_new()) {
                editing.set(Some(Rc::new(ProfileDraft::default())));
            }
        })
    };
    let on_edit = {
        let editing = editing.clone();
        Callback::from(move |p: Profile| {
            editing.set(Some(Rc::new(ProfileDraft::from_profile(&p))));
        })
    };
    let on_cancel_form = {
        let editing = editing.clone();
        Callback::from(move |()| editing.set(None))
    };
    let on_saved = {
        let editing = editing.clone();
        let toaster = toaster.clone();
        let reload = reload_profiles.clone();
        Callback::from(move |p: Profile| {
            editing.set(None);
            toaster.success(format!("Saved profile {}", p.name));
            reload.emit(());
        })
    };

    let on_import = {
        let toaster = toaster.clone();
        let reload = reload_profiles.clone();
        Callback::from(move |_: MouseEvent| {
            let (toaster, reload) = (toaster.clone(), reload.clone());
            spawn_local(async move {
                match ipc::call::<ImportEnvProfile>(&NoArgs {}).await {
                    Ok(p) => {
                        toaster
                            .success(format!("Imported profile {} from the environment", p.name));
                        reload.emit(());
                    }
                    Err(err) => toaster.error(format!("Could not import: {}", err.message)),
                }
            });
        })
    };
    let on_duplicate = {
        let toaster = toaster.clone();
        let reload = reload_profiles.clone();
        Callback::from(move |profile_id: String| {
            let (toaster, reload) = (toaster.clone(), reload.clone());
            spawn_local(async move {
                match ipc::call::<DuplicateProfile>(&ProfileRef { profile_id }).await {
                    Ok(p) => {
                        toaster.success(format!("Created {}", p.name));
                        reload.emit(());
                    }
                    Err(err) => toaster.error(format!("Could not duplicate: {}", err.message)),
                }
            });
        })
    };
    let on_delete = {
        let toaster = toaster.clone();
        let reload = reload_profiles.clone();
        let conns = conns.dispatcher();
        let editing = editing.clone();
        Callback::from(move |profile_id: String| {
            let (toaster, reload, conns, editing) = (
                toaster.clone(),
                reload.clone(),
                conns.clone(),
                editing.clone(),
            );
            spawn_local(async move {
                let args = ProfileRef {
                    profile_id: profile_id.clone(),
                };
                match ipc::call::<DeleteProfile>(&args).await {
                    Ok(()) => {
                        toaster.success("Profile deleted");
                        if editing.as_ref().is_some_and(|d| d.id == profile_id) {
                            editing.set(None);
                        }
                        reload.emit(());
                        // Deleting may close its connection: take the backend's word for it.
                        if let Ok(list) = ipc::call::<ListConnections>(&NoArgs {}).await {
                            conns.dispatch(ConnectionsAction::Loaded(list));
                        }
                    }
                    Err(err) => toaster.error(format!("Could not delete: {}", err.message)),
                }
            });
        })
    };

    let list = if let Some(list) = profiles.ok() {
        if list.is_empty() {
            html! {
                <p id="profiles-empty" class="muted">
                    { "No profiles yet. Create one with New profile, or import VAULT_ADDR and VAULT_TOKEN with Import from environment." }
                </p>
            }
        } else {
            html! {
                <ul id="profile-list" class="profile-list" aria-label="Profiles">
                    { for list.iter().map(|p| html! {
                        <ProfileRow key={p.id.clone()} profile={p.clone()}
                            is_open={conns.is_open(&p.id)}
                            is_active={conns.active.as_deref() == Some(p.id.as_str())}
                            attempt={attempt.as_ref().filter(|a| a.profile_id == p.id).cloned()}
                            on_connect={on_connect.clone()}
                            on_connect_submit={on_connect_submit.clone()}
                            on_connect_cancel={on_connect_cancel.clone()}
                            on_edit={on_edit.clone()}
                            on_duplicate={on_duplicate.clone()}
                            on_delete={on_delete.clone()} />
                    }) }
                </ul>
            }
        }
    } else if let Some(err) = profiles.error() {
        html! {
            <>
                <p class="error-text" role="alert">{ format!("Could not load profiles: {}", err.message) }</p>
                <button type="button" id="profiles-retry" onclick={profiles.reload_callback()}>{ "Retry" }</button>
            </>
        }
    } else {
        html! { <p class="muted" role="status">{ "Loading profiles…" }</p> }
    };

    html! {
        <section class="page">
            <div class="page-head">
                <h1>{ "Connections" }</h1>
                <div class="page-actions">
                    <button type="button" id="new-profile" class="primary" onclick={on_new}>{ "New profile" }</button>
                    <button type="button" id="import-env" onclick={on_import}>{ "Import from environment" }</button>
                </div>
            </div>
            if let Some(draft) = &*editing {
                <ProfileForm key={if draft.is_new() { "new".to_string() } else { draft.id.clone() }}
                    initial={draft.clone()} on_saved={on_saved} on_cancel={on_cancel_form} />
            }
            if let Some(active) = conns.active_summary() {
                <IdentityPanel key={active.profile_id.clone()} summary={active.clone()} />
            }
            <h2 class="section-title">{ "Profiles" }</h2>
            { list }
        </section>
    }
}
