//! The device-code sign-in dialog (`#az-device-code`): while an Azure device-code sign-in runs
//! (the `connect` call is in flight), polls `az_sign_in_prompt` for the code the authority
//! issued and shows it with the verification URL; Cancel ends the sign-in (`az_cancel_sign_in`),
//! which makes the pending `connect` fail with a clear error. Used by the Connections screen and
//! the Azure screen, so a device-code profile signs in from either.

use std::cell::Cell;
use std::rc::Rc;

use vaultdeck_types::{AzCancelSignIn, AzDeviceCodePrompt, AzSignInPrompt, ProfileRef};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::ipc;

/// How often the prompt is polled while the sign-in runs, milliseconds.
const POLL_MS: u32 = 300;

/// Properties of [`DeviceCodePrompt`].
#[derive(Properties, PartialEq)]
pub struct DeviceCodePromptProps {
    /// The profile signing in (its `connect` call is in flight while this is mounted).
    pub profile_id: AttrValue,
}

/// Shows the device code of a running sign-in; mount it only while `connect` runs.
#[component]
pub fn DeviceCodePrompt(props: &DeviceCodePromptProps) -> Html {
    let prompt = use_state_eq(|| None::<AzDeviceCodePrompt>);
    {
        let prompt = prompt.clone();
        use_effect_with(props.profile_id.clone(), move |id| {
            let alive = Rc::new(Cell::new(true));
            let r = ProfileRef {
                profile_id: id.to_string(),
            };
            {
                let alive = alive.clone();
                spawn_local(async move {
                    while alive.get() {
                        if let Ok(Some(p)) = ipc::call::<AzSignInPrompt>(&r).await {
                            if alive.get() {
                                prompt.set(Some(p));
                            }
                        }
                        gloo_timers::future::TimeoutFuture::new(POLL_MS).await;
                    }
                });
            }
            move || alive.set(false)
        });
    }
    let on_cancel = {
        let id = props.profile_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let r = ProfileRef {
                profile_id: id.clone(),
            };
            spawn_local(async move {
                let _ = ipc::call::<AzCancelSignIn>(&r).await;
            });
        })
    };
    let Some(p) = &*prompt else {
        return html! {
            <p class="muted az-device-code-wait" role="status">{ "Asking Azure for a sign-in code…" }</p>
        };
    };
    html! {
        <div id="az-device-code" class="confirm-dialog az-device-code" role="dialog" aria-modal="true" aria-label="Azure sign-in">
            <h3>{ "Sign in to Azure" }</h3>
            <p>{ "Open the page below in a browser and enter this code:" }</p>
            <p><code id="az-user-code" class="az-user-code">{ &p.user_code }</code></p>
            <label class="az-field">{ "Verification URL" }
                <input id="az-verification-uri" type="text" readonly=true aria-label="Verification URL" value={p.verification_uri.clone()} />
            </label>
            <p class="muted">{ format!("The code expires in {} minutes. Waiting for the sign-in…", p.expires_in / 60) }</p>
            <button aria-label="Cancel sign-in" onclick={on_cancel}>{ "Cancel" }</button>
        </div>
    }
}
