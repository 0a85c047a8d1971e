//! `#statusbar`: active connection, identity, live TTL countdown, seal/HA state.

use vaultdeck_types::Capability;
use vaultdeck_ui::format::{remaining_ttl, seal_label, ttl_label};
use yew::prelude::*;

use crate::contexts::connections::use_connections;
use crate::hooks::use_now;

/// The bottom status bar.
#[component]
pub fn StatusBar() -> Html {
    let conns = use_connections();
    let now = use_now();
    let active = conns.active_summary();

    let connection = active
        .map(|c| format!("{} · {}", c.name, c.address))
        .unwrap_or_else(|| "Not connected".to_string());
    let identity = active
        .and_then(|c| c.identity.as_ref())
        .map(|i| i.display_name.clone())
        .unwrap_or_default();
    // A Vault token's TTL counts down; AWS and Azure credentials are refreshed by their SDKs,
    // so those show how they signed in instead.
    let vault = active.is_some_and(|c| c.capabilities.contains(&Capability::Mounts));
    let ttl = active
        .and_then(|c| c.identity.as_ref())
        .map(|i| {
            if vault {
                ttl_label(remaining_ttl(i.ttl_seconds, i.checked_at, now))
            } else {
                i.token_type.clone()
            }
        })
        .unwrap_or_default();
    let seal = active
        .and_then(|c| c.seal.as_ref())
        .map(seal_label)
        .unwrap_or_default();
    let sealed = active
        .and_then(|c| c.seal.as_ref())
        .is_some_and(|s| s.sealed || !s.initialized);

    html! {
        <footer id="statusbar" class="statusbar">
            <span id="status-connection" class={classes!("status-item", active.is_none().then_some("muted"))}
                title="Active connection">{ connection }</span>
            <span id="status-identity" class="status-item" title="Signed in as">{ identity }</span>
            <span id="status-ttl" class="status-item" title={if vault { "Token time to live" } else { "Sign-in" }}>{ ttl }</span>
            <span id="status-seal" class={classes!("status-item", sealed.then_some("danger-text"))}
                title="Seal and HA state">{ seal }</span>
        </footer>
    }
}
