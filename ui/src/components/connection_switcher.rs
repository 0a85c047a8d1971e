//! `#connection-switcher`: picks the active connection among the open ones (no IPC).

use yew::prelude::*;

use crate::components::select_value;
use crate::contexts::connections::{use_connections, ConnectionsAction};
use crate::hooks::use_select_value;

/// The active-connection select.
#[component]
pub fn ConnectionSwitcher() -> Html {
    let conns = use_connections();
    let node = use_node_ref();
    let active = conns.active.clone().unwrap_or_default();
    use_select_value(node.clone(), active.clone());

    let onchange = {
        let conns = conns.clone();
        Callback::from(move |e: Event| {
            let id = select_value(&e);
            if !id.is_empty() {
                conns.dispatch(ConnectionsAction::Activate(id));
            }
        })
    };
    let empty = conns.open.is_empty();
    html! {
        <select id="connection-switcher" class="connection-switcher" aria-label="Active connection"
            ref={node} {onchange} disabled={empty}>
            if empty {
                <option value="" selected=true>{ "No open connections" }</option>
            }
            { for conns.open.iter().map(|c| html! {
                <option key={c.profile_id.clone()} value={c.profile_id.clone()}
                    selected={c.profile_id == active}>
                    { format!("{} — {}", c.name, c.address) }
                </option>
            }) }
        </select>
    }
}
