//! The app header: name, connection switcher, theme toggle.

use yew::prelude::*;

use crate::components::connection_switcher::ConnectionSwitcher;
use crate::components::theme_toggle::ThemeToggle;

/// Properties of [`AppHeader`].
#[derive(Properties, PartialEq)]
pub struct AppHeaderProps {
    /// Opens the command palette.
    pub on_palette: Callback<()>,
}

/// The top bar.
#[component]
pub fn AppHeader(props: &AppHeaderProps) -> Html {
    let on_palette = props.on_palette.reform(|_: MouseEvent| ());
    html! {
        <header class="app-header">
            <span class="app-name">{ "Vaultdeck" }</span>
            <div class="header-tools">
                <ConnectionSwitcher />
                <button type="button" id="palette-open" class="ghost" aria-label="Open command palette"
                    title="Command palette (Ctrl+K)" onclick={on_palette}>
                    { "Go to… " }<kbd>{ "Ctrl K" }</kbd>
                </button>
                <ThemeToggle />
            </div>
        </header>
    }
}
