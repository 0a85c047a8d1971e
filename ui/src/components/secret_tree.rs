//! The path tree as a virtualized list: rows have a fixed height, only the rows in (and just
//! around) the viewport are in the DOM, and two spacers (sized through the CSSOM, which the
//! CSP allows, unlike `style` attributes) keep the scrollbar true to the full length.

use std::rc::Rc;

use vaultdeck_ui::secrets_model::{visible_range, RowKind, TreeRow, ROW_HEIGHT};
use web_sys::HtmlElement;
use yew::prelude::*;

/// Properties of [`SecretTree`].
#[derive(Properties, PartialEq)]
pub struct SecretTreeProps {
    /// The flattened rows.
    pub rows: Rc<Vec<TreeRow>>,
    /// The folder the tree starts at.
    pub root: String,
    /// The open secret.
    #[prop_or_default]
    pub selected: Option<String>,
    /// Expands or collapses a folder.
    pub on_toggle: Callback<String>,
    /// Makes a folder the tree's root.
    pub on_open_folder: Callback<String>,
    /// Opens a secret.
    pub on_open_secret: Callback<String>,
}

fn set_height(node: &NodeRef, px: f64) {
    if let Some(el) = node.cast::<HtmlElement>() {
        let _ = el.style().set_property("height", &format!("{px}px"));
    }
}

/// The virtualized tree (`#secret-tree`, one `.tree-row[data-path]` per visible row).
#[component]
pub fn SecretTree(props: &SecretTreeProps) -> Html {
    let viewport = use_node_ref();
    let top = use_node_ref();
    let bottom = use_node_ref();
    let scroll = use_state_eq(|| (0.0_f64, 480.0_f64));

    let onscroll = {
        let scroll = scroll.clone();
        let viewport = viewport.clone();
        Callback::from(move |_: Event| {
            if let Some(el) = viewport.cast::<HtmlElement>() {
                scroll.set((f64::from(el.scroll_top()), f64::from(el.client_height())));
            }
        })
    };
    {
        // Measure the viewport once it is in the DOM.
        let scroll = scroll.clone();
        let viewport = viewport.clone();
        use_effect_with(props.root.clone(), move |_| {
            if let Some(el) = viewport.cast::<HtmlElement>() {
                el.set_scroll_top(0);
                scroll.set((0.0, f64::from(el.client_height().max(1))));
            }
        });
    }
    let len = props.rows.len();
    let (start, end) = visible_range(scroll.0, scroll.1, ROW_HEIGHT, len);
    {
        let (top, bottom) = (top.clone(), bottom.clone());
        use_effect_with((start, end, len), move |&(start, end, len)| {
            set_height(&top, start as f64 * ROW_HEIGHT);
            set_height(&bottom, (len - end) as f64 * ROW_HEIGHT);
        });
    }

    html! {
        <div id="secret-tree" class="tree" role="tree" aria-label={format!("Paths under {}", props.root)}
            data-rows={len.to_string()} ref={viewport} {onscroll}>
            <div class="tree-spacer" ref={top}></div>
            { for props.rows[start..end].iter().map(|r| row(props, r)) }
            <div class="tree-spacer" ref={bottom}></div>
        </div>
    }
}

fn row(props: &SecretTreeProps, r: &TreeRow) -> Html {
    let depth = format!("depth-{}", r.depth.min(12));
    let path = r.path.clone();
    let body = match &r.kind {
        RowKind::Folder { expanded } => {
            let toggle = props.on_toggle.clone();
            let open = props.on_open_folder.clone();
            let (p1, p2) = (path.clone(), path.clone());
            let verb = if *expanded { "Collapse" } else { "Expand" };
            html! {
                <>
                    <button type="button" class="tree-toggle" aria-expanded={expanded.to_string()}
                        aria-label={format!("{verb} {}", r.name)}
                        onclick={Callback::from(move |_| toggle.emit(p1.clone()))}>
                        { if *expanded { "▾" } else { "▸" } }
                    </button>
                    <button type="button" class="tree-name tree-folder" aria-label={format!("Open folder {}", r.path)}
                        onclick={Callback::from(move |_| open.emit(p2.clone()))}>{ r.name.clone() }</button>
                </>
            }
        }
        RowKind::Secret => {
            let open = props.on_open_secret.clone();
            let p = path.clone();
            let selected = props.selected.as_deref() == Some(r.path.as_str());
            html! {
                <button type="button" class={classes!("tree-name", "tree-secret", selected.then_some("selected"))}
                    aria-label={format!("Open secret {}", r.path)}
                    onclick={Callback::from(move |_| open.emit(p.clone()))}>{ r.name.clone() }</button>
            }
        }
        RowKind::Loading => {
            html! { <span class="tree-note muted" role="status">{ "loading…" }</span> }
        }
        RowKind::Empty => html! { <span class="tree-note tree-empty muted">{ "empty" }</span> },
        RowKind::Locked => html! {
            <span class="tree-note tree-locked" title="Your token may not list this folder">
                <svg class="lock-icon" viewBox="0 0 16 16" aria-hidden="true">
                    <path d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 0 0-4 0z" />
                </svg>{ "no permission to list" }
            </span>
        },
        RowKind::Failed(m) => html! { <span class="tree-note error-text">{ m.clone() }</span> },
    };
    let kind = match r.kind {
        RowKind::Folder { .. } => "folder",
        RowKind::Secret => "secret",
        RowKind::Loading => "loading",
        RowKind::Empty => "empty",
        RowKind::Locked => "locked",
        RowKind::Failed(_) => "failed",
    };
    html! {
        <div key={format!("{kind}:{}", r.path)} class={classes!("tree-row", depth)} role="treeitem"
            aria-level={(r.depth + 1).to_string()} data-path={r.path.clone()} data-kind={kind}>
            { body }
        </div>
    }
}
