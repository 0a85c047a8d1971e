//! Plain notices for screens that cannot show anything yet: not connected, or not built yet.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

/// Properties of [`NotConnected`].
#[derive(Properties, PartialEq)]
pub struct NotConnectedProps {
    /// The screen's title.
    pub screen: AttrValue,
}

/// "Connect to a server first", with a way to get there.
#[component]
pub fn NotConnected(props: &NotConnectedProps) -> Html {
    let navigator = use_navigator();
    let onclick = Callback::from(move |_: MouseEvent| {
        if let Some(n) = &navigator {
            n.push(&Route::Connections);
        }
    });
    html! {
        <section class="page">
            <h1>{ props.screen.clone() }</h1>
            <div class="notice" id="not-connected">
                <p class="notice-title">{ "Connect to a server first" }</p>
                <p>{ "This screen works on the active connection. Open one from Connections." }</p>
                <button type="button" id="goto-connections" class="primary" {onclick}>
                    { "Go to Connections" }
                </button>
            </div>
        </section>
    }
}

/// Properties of [`ScreenUnavailable`].
#[derive(Properties, PartialEq)]
pub struct ScreenUnavailableProps {
    /// The screen's title, e.g. "Policies".
    pub screen: AttrValue,
    /// What the screen will do, one short line.
    pub purpose: AttrValue,
}

/// "<Screen> is not available yet for <connection> (<provider>)", or [`NotConnected`].
#[component]
pub fn ScreenUnavailable(props: &ScreenUnavailableProps) -> Html {
    let conns = crate::contexts::connections::use_connections();
    let Some(active) = conns.active_summary() else {
        return html! { <NotConnected screen={props.screen.clone()} /> };
    };
    html! {
        <section class="page">
            <h1>{ props.screen.clone() }</h1>
            <div class="notice" id="screen-unavailable">
                <p class="notice-title">
                    { format!("{} is not available yet for {} ({})", props.screen, active.name, active.provider) }
                </p>
                <p>{ props.purpose.clone() }</p>
            </div>
        </section>
    }
}
