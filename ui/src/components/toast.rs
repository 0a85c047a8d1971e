//! The toast stack (bottom right). Errors are announced assertively and stay until dismissed.

use yew::prelude::*;

use crate::contexts::toasts::{Toast, ToastKind};

/// Properties of [`ToastStack`].
#[derive(Properties, PartialEq)]
pub struct ToastStackProps {
    /// Toasts, oldest first.
    pub items: Vec<Toast>,
    /// Called with a toast's id when its dismiss button is pressed.
    pub on_dismiss: Callback<u64>,
}

/// Renders the toasts.
#[component]
pub fn ToastStack(props: &ToastStackProps) -> Html {
    html! {
        <div id="toasts" class="toasts" aria-live="polite">
            { for props.items.iter().map(|t| {
                let id = t.id;
                let on_dismiss = props.on_dismiss.reform(move |_: MouseEvent| id);
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
