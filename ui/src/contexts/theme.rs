//! Light/dark theme: the user's choice (localStorage `vaultdeck.theme`), the OS preference
//! (`prefers-color-scheme`), and the `html[data-theme]` attribute the CSS keys on.

use vaultdeck_ui::theme::{Theme, ThemeChoice, THEME_STORAGE_KEY};
use wasm_bindgen::{prelude::*, JsCast};
use yew::html::ChildrenProps;
use yew::prelude::*;

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

/// The theme state shared with the header toggle and the Settings select.
#[derive(Clone, PartialEq)]
pub struct ThemeHandle {
    /// What the user chose.
    pub choice: ThemeChoice,
    /// Whether the OS currently prefers dark.
    pub system_dark: bool,
    set: Callback<ThemeChoice>,
}

impl ThemeHandle {
    /// The theme shown now.
    pub fn effective(&self) -> Theme {
        self.choice.resolve(self.system_dark)
    }

    /// Chooses a theme and remembers it.
    pub fn set(&self, choice: ThemeChoice) {
        self.set.emit(choice);
    }

    /// Switches to the opposite of what is shown.
    pub fn toggle(&self) {
        self.set(self.choice.toggled(self.system_dark));
    }
}

/// The [`ThemeHandle`] of the enclosing [`ThemeProvider`].
#[hook]
pub fn use_theme() -> ThemeHandle {
    use_context::<ThemeHandle>().expect("use_theme must be called under <ThemeProvider>")
}

fn stored_choice() -> ThemeChoice {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(THEME_STORAGE_KEY).ok().flatten())
        .map(|v| ThemeChoice::parse(&v))
        .unwrap_or_default()
}

fn store_choice(choice: ThemeChoice) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        // Storage can be full or disabled; the choice then lasts for this session only.
        let _ = storage.set_item(THEME_STORAGE_KEY, choice.as_str());
    }
}

fn dark_query() -> Option<web_sys::MediaQueryList> {
    web_sys::window()?.match_media(DARK_QUERY).ok().flatten()
}

/// Keeps the theme choice, follows the OS preference and sets `html[data-theme]`.
#[component]
pub fn ThemeProvider(props: &ChildrenProps) -> Html {
    let choice = use_state_eq(stored_choice);
    let system_dark = use_state_eq(|| dark_query().is_some_and(|q| q.matches()));

    {
        let system_dark = system_dark.clone();
        use_effect_with((), move |_| {
            let query = dark_query();
            let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
                system_dark.set(dark_query().is_some_and(|q| q.matches()));
            });
            if let Some(q) = &query {
                let _ =
                    q.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(q) = &query {
                    let _ = q.remove_event_listener_with_callback(
                        "change",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }

    let effective = choice.resolve(*system_dark);
    use_effect_with(effective, |theme| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", theme.as_str());
        }
    });

    let set = {
        let choice = choice.clone();
        Callback::from(move |c: ThemeChoice| {
            store_choice(c);
            choice.set(c);
        })
    };
    let handle = ThemeHandle {
        choice: *choice,
        system_dark: *system_dark,
        set,
    };
    html! {
        <ContextProvider<ThemeHandle> context={handle}>
            { props.children.clone() }
        </ContextProvider<ThemeHandle>>
    }
}
