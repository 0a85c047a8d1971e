//! The app root: providers, router and the shell (header, sidebar, content, status bar),
//! plus the global shortcuts and the one-time `UiReady` call.

use vaultdeck_types::{NoArgs, UiReady};
use wasm_bindgen_futures::spawn_local;
use web_sys::KeyboardEvent;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::header::AppHeader;
use crate::components::palette::CommandPalette;
use crate::components::sidebar::Sidebar;
use crate::components::statusbar::StatusBar;
use crate::components::toast::ToastStack;
use crate::components::warnings::WarningsBanner;
use crate::contexts::connections::ConnectionsProvider;
use crate::contexts::theme::ThemeProvider;
use crate::contexts::toasts::ToastProvider;
use crate::hooks::use_global_keydown;
use crate::ipc;
use crate::route::{switch, Route};

/// The root component.
#[component]
pub fn App() -> Html {
    use_effect_with((), |_| {
        spawn_local(async {
            // Startup timing only; outside the app this fails, which is fine.
            let _ = ipc::call::<UiReady>(&NoArgs {}).await;
        });
    });
    html! {
        <ToastProvider>
            <ThemeProvider>
                <ConnectionsProvider>
                    <HashRouter>
                        <Shell />
                    </HashRouter>
                </ConnectionsProvider>
            </ThemeProvider>
        </ToastProvider>
    }
}

/// The window layout and the command palette.
#[component]
fn Shell() -> Html {
    let palette_open = use_state_eq(|| false);

    {
        let palette_open = palette_open.clone();
        use_global_keydown(Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if (e.ctrl_key() || e.meta_key()) && key.eq_ignore_ascii_case("k") {
                e.prevent_default();
                palette_open.set(true);
            } else if key == "Escape" {
                palette_open.set(false);
            }
        }));
    }
    let open_palette = {
        let palette_open = palette_open.clone();
        Callback::from(move |()| palette_open.set(true))
    };
    let close_palette = {
        let palette_open = palette_open.clone();
        Callback::from(move |()| palette_open.set(false))
    };

    if use_route::<Route>() == Some(Route::BreakglassWindow) {
        // The break-glass window: no sidebar, palette or navigation to other screens.
        return html! {
            <div class="shell bg-shell">
                <main id="content" class="content">
                    <Switch<Route> render={switch} />
                </main>
                <ToastStack />
            </div>
        };
    }

    html! {
        <div class="shell">
            <AppHeader on_palette={open_palette} />
            <WarningsBanner />
            <div class="body">
                <Sidebar />
                <main id="content" class="content">
                    <Switch<Route> render={switch} />
                </main>
            </div>
            <ToastStack />
            <StatusBar />
            if *palette_open {
                <CommandPalette on_close={close_palette} />
            }
        </div>
    }
}
