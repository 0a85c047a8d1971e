//! The inline sign-in prompt (`#connect-credential`, `#connect-remember`, `#connect-submit`)
//! and the connect error line (`#connect-error`) under a profile row.

use vaultdeck_types::SecretInput;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::{checkbox_checked, input_text};

/// Where a connect attempt for one profile stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectAttempt {
    /// The profile being connected.
    pub profile_id: String,
    /// The backend said no valid credential: ask for one.
    pub needs_credential: bool,
    /// A call is in flight.
    pub busy: bool,
    /// The last error message.
    pub error: Option<String>,
}

/// Properties of [`ConnectPrompt`].
#[derive(Properties, PartialEq)]
pub struct ConnectPromptProps {
    /// The attempt shown.
    pub attempt: ConnectAttempt,
    /// What the credential is called ("Token", "Password", "Secret ID").
    pub credential_label: AttrValue,
    /// Sign in with the typed credential; `bool` = remember it in the keychain.
    pub on_submit: Callback<(SecretInput, bool)>,
    /// Close the prompt.
    pub on_cancel: Callback<()>,
}

/// The prompt and/or the error of a connect attempt.
#[component]
pub fn ConnectPrompt(props: &ConnectPromptProps) -> Html {
    // The typed credential stays in this component only, zeroized when replaced or dropped.
    let credential = use_state(SecretInput::default);
    let remember = use_state_eq(|| false);
    let input = use_node_ref();

    {
        let input = input.clone();
        use_effect_with(props.attempt.needs_credential, move |needs| {
            if *needs {
                if let Some(el) = input.cast::<HtmlInputElement>() {
                    let _ = el.focus();
                }
            }
        });
    }

    let oninput = {
        let credential = credential.clone();
        Callback::from(move |e: InputEvent| credential.set(SecretInput::new(input_text(&e))))
    };
    let onchange_remember = {
        let remember = remember.clone();
        Callback::from(move |e: Event| remember.set(checkbox_checked(&e)))
    };
    let onsubmit = {
        let credential = credential.clone();
        let remember = remember.clone();
        let on_submit = props.on_submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_submit.emit(((*credential).clone(), *remember));
        })
    };
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let onkeydown = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                on_cancel.emit(());
            }
        })
    };
    let attempt = &props.attempt;

    html! {
        <div class="connect-attempt" {onkeydown}>
            if attempt.needs_credential {
                <form class="connect-prompt" {onsubmit} aria-label="Sign in">
                    <label for="connect-credential">{ props.credential_label.clone() }</label>
                    <input id="connect-credential" ref={input} type="password" autocomplete="off"
                        value={credential.expose().to_string()} {oninput} />
                    <span class="check">
                        <input id="connect-remember" type="checkbox" checked={*remember}
                            onchange={onchange_remember} />
                        <label for="connect-remember">{ "Remember in the OS keychain" }</label>
                    </span>
                    <button id="connect-submit" type="submit" class="primary" disabled={attempt.busy}
                        aria-busy={attempt.busy.then_some("true")}>{ "Sign in" }</button>
                    <button id="connect-cancel" type="button" onclick={on_cancel.clone()}>{ "Cancel" }</button>
                </form>
            } else if attempt.busy {
                <p class="muted" role="status">{ "Connecting…" }</p>
            }
            if let Some(err) = &attempt.error {
                <p id="connect-error" class="error-text" role="alert">{ err.clone() }</p>
                if !attempt.needs_credential {
                    <button id="connect-cancel" type="button" class="ghost" onclick={on_cancel}>{ "Dismiss" }</button>
                }
            }
        </div>
    }
}
