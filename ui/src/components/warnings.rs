//! `#warnings`: persistent warnings about the active connection (from the backend, the local
//! TTL countdown and the last failed refresh).

use vaultdeck_ui::format::{expiry_warning, remaining_ttl};
use yew::prelude::*;

use crate::contexts::connections::use_connections;
use crate::hooks::use_now;

/// The warning banner; renders nothing when there is nothing to warn about.
#[component]
pub fn WarningsBanner() -> Html {
    let conns = use_connections();
    let now = use_now();
    let Some(active) = conns.active_summary() else {
        return html! {};
    };

    let mut items: Vec<(Option<&'static str>, String)> =
        active.warnings.iter().map(|w| (None, w.clone())).collect();
    if let Some(w) = active
        .identity
        .as_ref()
        .and_then(|i| expiry_warning(i.renewable, remaining_ttl(i.ttl_seconds, i.checked_at, now)))
    {
        items.push((Some("ttl-warning"), w));
    }
    if let Some(err) = conns.refresh_errors.get(&active.profile_id) {
        items.push((
            Some("refresh-warning"),
            format!("Could not refresh {}: {err}", active.name),
        ));
    }
    if items.is_empty() {
        return html! {};
    }
    html! {
        <div id="warnings" class="warnings" role="alert">
            <ul>
                { for items.into_iter().map(|(id, text)| html! { <li id={id}>{ text }</li> }) }
            </ul>
        </div>
    }
}
