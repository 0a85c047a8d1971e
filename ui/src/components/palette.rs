//! `#palette`: Ctrl+K command palette listing screens and open connections. Arrow keys move,
//! Enter goes, Esc closes.

use vaultdeck_ui::format::palette_matches;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::input_text;
use crate::contexts::connections::{use_connections, ConnectionsAction};
use crate::route::Route;

/// Properties of [`CommandPalette`].
#[derive(Properties, PartialEq)]
pub struct CommandPaletteProps {
    /// Closes the palette.
    pub on_close: Callback<()>,
}

#[derive(Clone, PartialEq)]
enum Entry {
    Screen(Route),
    Connection { id: String, label: String },
}

impl Entry {
    fn label(&self) -> String {
        match self {
            Entry::Screen(r) => r.label().to_string(),
            Entry::Connection { label, .. } => label.clone(),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Entry::Screen(_) => "screen",
            Entry::Connection { .. } => "connection",
        }
    }
}

/// The palette dialog.
#[component]
pub fn CommandPalette(props: &CommandPaletteProps) -> Html {
    let conns = use_connections();
    let navigator = use_navigator();
    let query = use_state(String::new);
    let selected = use_state_eq(|| 0_usize);
    let input = use_node_ref();

    {
        let input = input.clone();
        use_effect_with((), move |_| {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                let _ = el.focus();
            }
        });
    }

    let entries: Vec<Entry> = Route::SCREENS
        .iter()
        .map(|r| Entry::Screen(*r))
        .chain(conns.open.iter().map(|c| Entry::Connection {
            id: c.profile_id.clone(),
            label: format!("Switch to {} ({})", c.name, c.address),
        }))
        .filter(|e| palette_matches(&query, &e.label()))
        .collect();
    let current = (*selected).min(entries.len().saturating_sub(1));

    let choose = {
        let on_close = props.on_close.clone();
        let conns = conns.clone();
        Callback::from(move |entry: Entry| {
            match entry {
                Entry::Screen(route) => {
                    if let Some(n) = &navigator {
                        n.push(&route);
                    }
                }
                Entry::Connection { id, .. } => conns.dispatch(ConnectionsAction::Activate(id)),
            }
            on_close.emit(());
        })
    };

    let oninput = {
        let query = query.clone();
        let selected = selected.clone();
        Callback::from(move |e: InputEvent| {
            query.set(input_text(&e));
            selected.set(0);
        })
    };
    let onkeydown = {
        let entries = entries.clone();
        let selected = selected.clone();
        let choose = choose.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" => {
                e.prevent_default();
                if !entries.is_empty() {
                    selected.set((current + 1) % entries.len());
                }
            }
            "ArrowUp" => {
                e.prevent_default();
                if !entries.is_empty() {
                    selected.set((current + entries.len() - 1) % entries.len());
                }
            }
            "Enter" => {
                e.prevent_default();
                if let Some(entry) = entries.get(current) {
                    choose.emit(entry.clone());
                }
            }
            "Escape" => {
                e.prevent_default();
                e.stop_propagation();
                on_close.emit(());
            }
            _ => {}
        })
    };
    let on_backdrop = props.on_close.reform(|_: MouseEvent| ());
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());

    html! {
        <div class="palette-backdrop" onclick={on_backdrop}>
            <div id="palette" class="palette" role="dialog" aria-modal="true"
                aria-label="Command palette" onclick={stop}>
                <input id="palette-input" ref={input} type="text" autocomplete="off"
                    aria-label="Go to a screen or connection" placeholder="Go to a screen or connection…"
                    role="combobox" aria-expanded="true" aria-controls="palette-list"
                    aria-activedescendant={(!entries.is_empty()).then(|| format!("palette-item-{current}"))}
                    value={(*query).clone()} {oninput} {onkeydown} />
                <ul id="palette-list" role="listbox" aria-label="Matches">
                    { for entries.iter().enumerate().map(|(i, entry)| {
                        let choose = choose.clone();
                        let picked = entry.clone();
                        let onclick = Callback::from(move |_: MouseEvent| choose.emit(picked.clone()));
                        html! {
                            <li id={format!("palette-item-{i}")} role="option"
                                class={classes!("palette-item", (i == current).then_some("is-selected"))}
                                aria-selected={if i == current { "true" } else { "false" }}
                                data-kind={entry.kind()} {onclick}>
                                <span>{ entry.label() }</span>
                                <span class="palette-hint muted">{ entry.kind() }</span>
                            </li>
                        }
                    }) }
                    if entries.is_empty() {
                        <li class="palette-empty muted">{ "Nothing matches" }</li>
                    }
                </ul>
            </div>
        </div>
    }
}
