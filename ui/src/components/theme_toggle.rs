//! `#theme-toggle`: flips between light and dark (an explicit choice, remembered).

use vaultdeck_ui::theme::Theme;
use yew::prelude::*;

use crate::contexts::theme::use_theme;

/// The header's theme button.
#[component]
pub fn ThemeToggle() -> Html {
    let theme = use_theme();
    let (icon, next) = match theme.effective() {
        Theme::Light => ("☾", "dark"),
        Theme::Dark => ("☀", "light"),
    };
    let onclick = {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| theme.toggle())
    };
    html! {
        <button type="button" id="theme-toggle" class="ghost icon-button" aria-label="Toggle theme"
            title={format!("Switch to the {next} theme")} {onclick}>
            <span aria-hidden="true">{ icon }</span>
        </button>
    }
}
