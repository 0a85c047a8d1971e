//! The sidebar navigation (`nav-<screen>` buttons).

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

/// The screen list.
#[component]
pub fn Sidebar() -> Html {
    let navigator = use_navigator();
    let current = use_route::<Route>().unwrap_or(Route::Connections);
    let current = if current == Route::NotFound {
        Route::Connections
    } else {
        current
    };
    html! {
        <nav class="sidebar" aria-label="Screens">
            <ul>
                { for Route::SCREENS.iter().map(|&route| {
                    let navigator = navigator.clone();
                    let onclick = Callback::from(move |_: MouseEvent| {
                        if let Some(n) = &navigator {
                            n.push(&route);
                        }
                    });
                    let is_current = route == current;
                    html! {
                        <li key={route.nav_id()}>
                            <button type="button" id={route.nav_id()}
                                class={classes!("nav-link", is_current.then_some("is-current"))}
                                aria-current={is_current.then_some("page")} {onclick}>
                                { route.label() }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}
