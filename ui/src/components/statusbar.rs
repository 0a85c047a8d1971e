//! `#statusbar`: active connection, identity, live TTL countdown, seal/HA state.

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
    let ttl = active
        .and_then(|c| c.identity.as_ref())
        .map(|i| ttl_label(remaining_ttl(i.ttl_seconds, i.checked_at, now)))
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
            <span id="status-ttl" class="status-item" title="Token time to live">{ ttl }</span>
            <span id="status-seal" class={classes!("status-item", sealed.then_some("danger-text"))}
                title="Seal and HA state">{ seal }</span>
        </footer>
    }
}
