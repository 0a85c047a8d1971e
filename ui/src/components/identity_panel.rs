//! `#identity-panel`: who the active connection is signed in as, token TTL and renewal,
//! sign-out, and the mounts the token can see (`#mounts-list`).

use vaultdeck_types::{
    Capability, ConnectionSummary, Disconnect, DisconnectArgs, ErrorCode, ListMounts, ProfileRef,
    RenewToken,
};
use vaultdeck_ui::format::{remaining_ttl, seal_label, ttl_label};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::checkbox_checked;
use crate::components::mounts::MountsList;
use crate::contexts::connections::{use_connections, ConnectionsAction};
use crate::contexts::toasts::use_toaster;
use crate::hooks::{use_command, use_now};
use crate::ipc;

/// Properties of [`IdentityPanel`].
#[derive(Properties, PartialEq)]
pub struct IdentityPanelProps {
    /// The active connection.
    pub summary: ConnectionSummary,
}

/// The active-connection panel.
#[component]
pub fn IdentityPanel(props: &IdentityPanelProps) -> Html {
    let conns = use_connections();
    let toaster = use_toaster();
    let now = use_now();
    let revoke = use_state_eq(|| false);
    let busy = use_state_eq(|| false);
    let s = &props.summary;

    let on_renew = {
        let args = ProfileRef {
            profile_id: s.profile_id.clone(),
        };
        let conns = conns.dispatcher();
        let toaster = toaster.clone();
        let busy = busy.clone();
        Callback::from(move |_: MouseEvent| {
            let (args, conns, toaster, busy) =
                (args.clone(), conns.clone(), toaster.clone(), busy.clone());
            busy.set(true);
            spawn_local(async move {
                match ipc::call::<RenewToken>(&args).await {
                    Ok(summary) => {
                        toaster.success("Token renewed");
                        conns.dispatch(ConnectionsAction::Updated(summary));
                    }
                    Err(err) => {
                        toaster.error(format!("Could not renew the token: {}", err.message))
                    }
                }
                busy.set(false);
            });
        })
    };
    let on_disconnect = {
        let args = DisconnectArgs {
            profile_id: s.profile_id.clone(),
            revoke_token: *revoke,
        };
        let name = s.name.clone();
        let conns = conns.dispatcher();
        let toaster = toaster.clone();
        let busy = busy.clone();
        Callback::from(move |_: MouseEvent| {
            let (args, name, conns, toaster, busy) = (
                args.clone(),
                name.clone(),
                conns.clone(),
                toaster.clone(),
                busy.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                match ipc::call::<Disconnect>(&args).await {
                    Ok(()) => {
                        let how = if args.revoke_token {
                            "token revoked"
                        } else {
                            "token kept"
                        };
                        toaster.success(format!("Disconnected from {name} ({how})"));
                        conns.dispatch(ConnectionsAction::Closed(args.profile_id));
                    }
                    Err(err) if err.code == ErrorCode::NotFound => {
                        conns.dispatch(ConnectionsAction::Closed(args.profile_id));
                    }
                    Err(err) => toaster.error(format!("Could not disconnect: {}", err.message)),
                }
                busy.set(false);
            });
        })
    };
    let on_revoke = {
        let revoke = revoke.clone();
        Callback::from(move |e: Event| revoke.set(checkbox_checked(&e)))
    };

    let identity = s.identity.as_ref();
    let renewable = identity.is_some_and(|i| i.renewable);
    // Tokens, policies and mounts are Vault / OpenBao notions; AWS and Azure connections show
    // who is signed in and leave the rest to their own screens.
    let vault = s.capabilities.contains(&Capability::Mounts);

    html! {
        <section id="identity-panel" class="panel" aria-labelledby="identity-title">
            <h2 id="identity-title">{ format!("Connected to {}", s.name) }</h2>
            <p class="muted">{ format!("{} · {}", s.provider, s.address) }</p>
            if let Some(i) = identity {
                <dl class="facts">
                    <dt>{ "Signed in as" }</dt>
                    <dd id="identity-name">{ i.display_name.clone() }</dd>
                    if vault {
                        <dt>{ "Policies" }</dt>
                        <dd id="identity-policies">{ i.policies.join(", ") }</dd>
                        <dt>{ "Token TTL" }</dt>
                        <dd id="identity-ttl">{ ttl_label(remaining_ttl(i.ttl_seconds, i.checked_at, now)) }</dd>
                        <dt>{ "Renewal" }</dt>
                        <dd id="identity-renewable">{ if i.renewable { "renewable" } else { "not renewable" } }</dd>
                        <dt>{ "Token type" }</dt>
                    } else {
                        <dt>{ "Account" }</dt>
                    }
                    <dd id="identity-token-type">{ i.token_type.clone() }</dd>
                    if let Some(seal) = &s.seal {
                        <dt>{ "Server" }</dt>
                        <dd id="identity-server">{ format!("{} · {}", seal.version, seal_label(seal)) }</dd>
                    }
                    <dt>{ "Credential" }</dt>
                    <dd id="identity-credential-store">
                        { if s.credential_in_keychain { "kept in the OS keychain" } else { "kept in memory for this session only" } }
                    </dd>
                </dl>
            } else {
                <p class="muted">{ "This connection reports no identity." }</p>
            }
            <div class="panel-actions">
                if identity.is_some() && vault {
                    <button type="button" id="renew-token" disabled={!renewable || *busy}
                        title={(!renewable).then_some("This token cannot be renewed")}
                        onclick={on_renew}>{ "Renew token" }</button>
                }
                if vault {
                    <span class="check">
                        <input id="disconnect-revoke" type="checkbox" checked={*revoke} onchange={on_revoke} />
                        <label for="disconnect-revoke">{ "Revoke token on logout" }</label>
                    </span>
                }
                <button type="button" id="disconnect" class="danger-ghost" disabled={*busy}
                    onclick={on_disconnect}>{ "Disconnect" }</button>
            </div>
            if vault {
                <MountsSection profile_id={s.profile_id.clone()} />
            }
        </section>
    }
}

/// Properties of [`MountsSection`].
#[derive(Properties, PartialEq)]
pub struct MountsSectionProps {
    /// The connection whose mounts to list.
    pub profile_id: AttrValue,
}

/// The mounts of a connection, fetched with `ListMounts`.
#[component]
pub fn MountsSection(props: &MountsSectionProps) -> Html {
    let mounts = use_command::<ListMounts>(ProfileRef {
        profile_id: props.profile_id.to_string(),
    });
    html! {
        <div class="mounts-section">
            <h3>{ "Mounts" }</h3>
            if let Some(list) = mounts.ok() {
                if list.is_empty() {
                    <p class="muted">{ "This token cannot see any mounts." }</p>
                }
                <MountsList id="mounts-list" mounts={list.clone()} />
            } else if let Some(err) = mounts.error() {
                <p class="error-text" role="alert">{ format!("Could not list mounts: {}", err.message) }</p>
                <button type="button" id="mounts-retry" onclick={mounts.reload_callback()}>{ "Retry" }</button>
            } else {
                <p class="muted" role="status">{ "Loading mounts…" }</p>
            }
        </div>
    }
}
