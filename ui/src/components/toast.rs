//! The toast stack, in the flow just above the status bar (so it never covers a control).
//! Errors are announced assertively and stay until dismissed.

use yew::prelude::*;

use crate::contexts::toasts::{use_toaster, ToastKind, ToastListHandle};

/// Renders the toasts of the enclosing `ToastProvider`.
#[component]
pub fn ToastStack() -> Html {
    let list = use_context::<ToastListHandle>().expect("ToastStack must be under <ToastProvider>");
    let toaster = use_toaster();
    html! {
        <div id="toasts" class="toasts" aria-live="polite">
            { for list.items.iter().map(|t| {
                let id = t.id;
                let toaster = toaster.clone();
                let on_dismiss = Callback::from(move |_: MouseEvent| toaster.dismiss(id));
                let (kind, role) = match t.kind {
                    ToastKind::Success => ("toast-success", "status"),
                    ToastKind::Error => ("toast-error", "alert"),
                };
                html! {
                    <div key={id} class={classes!("toast", kind)} role={role}>
                        <span class="toast-text">{ t.text.clone() }</span>
                        <button type="button" class="toast-dismiss" aria-label="Dismiss notification"
                            onclick={on_dismiss}>{ "×" }</button>
                    </div>
                }
            }) }
        </div>
    }
}
