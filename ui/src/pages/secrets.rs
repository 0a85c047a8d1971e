//! The Secrets screen: for now, the secret engines the token can see, grouped by type.

use vaultdeck_types::{ListMounts, MountClass, ProfileRef};
use vaultdeck_ui::format::group_secret_engines;
use yew::prelude::*;

use crate::components::mounts::MountsList;
use crate::components::notice::NotConnected;
use crate::contexts::connections::use_connections;
use crate::hooks::use_command;

/// The Secrets screen.
#[component]
pub fn SecretsPage() -> Html {
    let conns = use_connections();
    let Some(active) = conns.active_summary() else {
        return html! { <NotConnected screen="Secrets" /> };
    };
    html! {
        <section class="page">
            <h1>{ "Secrets" }</h1>
            <p class="muted">{ format!("{} · {}", active.name, active.address) }</p>
            <div class="notice" id="secrets-notice">
                <p>{ "Browsing paths, reading and editing secrets arrive with the Secrets explorer; this build lists the mounts your token can see." }</p>
            </div>
            <SecretEngines key={active.profile_id.clone()} profile_id={active.profile_id.clone()} />
        </section>
    }
}

/// Properties of [`SecretEngines`].
#[derive(Properties, PartialEq)]
pub struct SecretEnginesProps {
    /// The connection.
    pub profile_id: AttrValue,
}

/// Secret engines grouped by type, then auth methods.
#[component]
pub fn SecretEngines(props: &SecretEnginesProps) -> Html {
    let mounts = use_command::<ListMounts>(ProfileRef {
        profile_id: props.profile_id.to_string(),
    });
    if let Some(err) = mounts.error() {
        return html! {
            <>
                <p class="error-text" role="alert">{ format!("Could not list mounts: {}", err.message) }</p>
                <button type="button" id="mounts-retry" onclick={mounts.reload_callback()}>{ "Retry" }</button>
            </>
        };
    }
    let Some(list) = mounts.ok() else {
        return html! { <p class="muted" role="status">{ "Loading mounts…" }</p> };
    };
    let groups = group_secret_engines(list);
    let auth: Vec<_> = list
        .iter()
        .filter(|m| m.class == MountClass::Auth)
        .cloned()
        .collect();
    html! {
        <div id="secret-engines">
            if groups.is_empty() {
                <p class="muted">{ "This token cannot see any secret engines." }</p>
            }
            { for groups.into_iter().map(|(engine, mounts)| html! {
                <section key={engine.clone()} class="engine-group" data-engine={engine.clone()}>
                    <h2>{ engine.clone() }</h2>
                    <MountsList id={format!("engines-{engine}")} mounts={mounts} />
                </section>
            }) }
            if !auth.is_empty() {
                <section class="engine-group" data-engine="auth">
                    <h2>{ "Auth methods" }</h2>
                    <MountsList id="auth-methods" mounts={auth} />
                </section>
            }
        </div>
    }
}
