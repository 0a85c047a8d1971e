//! `use_global_keydown(handler)`: listens to `keydown` on the document for app-wide shortcuts
//! (Ctrl+K, Esc). Subscribes once; the latest handler is always the one called.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::{prelude::*, JsCast};
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// Calls `handler` for every keydown in the document.
#[hook]
pub fn use_global_keydown(handler: Callback<KeyboardEvent>) {
    let latest: Rc<RefCell<Callback<KeyboardEvent>>> = use_mut_ref(|| handler.clone());
    *latest.borrow_mut() = handler;

    use_effect_with((), move |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            latest.borrow().emit(e);
        });
        if let Some(d) = &document {
            let _ =
                d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(d) = &document {
                let _ = d.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
            drop(listener);
        }
    });
}
