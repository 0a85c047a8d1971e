//! `use_select_value(node, value)`: keeps a `<select>`'s current value in step with state.
//! Yew sets no `value` on selects, and an option's `selected` attribute stops steering the
//! selection once the user has picked one, so the property is set after every render (the
//! options may have changed even when the value did not).

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Sets the select behind `node` to `value` after every render.
#[hook]
pub fn use_select_value(node: NodeRef, value: String) {
    use_effect(move || {
        if let Some(select) = node
            .get()
            .and_then(|n| n.dyn_into::<HtmlSelectElement>().ok())
        {
            if select.value() != value {
                select.set_value(&value);
            }
        }
    });
}
