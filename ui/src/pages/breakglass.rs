//! The Break-glass screen of the main window: a launcher. Emergency operations run only in the
//! separate `breakglass` window, whose capability is the only one granting them. (The cluster
//! view is its own screen, `pages::cluster`.)

use vaultdeck_types::{NoArgs, OpenBreakglassWindow};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::ipc;

/// The Break-glass launcher screen.
#[component]
pub fn BreakGlassPage() -> Html {
    let error = use_state(|| None::<String>);
    let open = {
        let error = error.clone();
        Callback::from(move |_| {
            let error = error.clone();
            spawn_local(async move {
                match ipc::call::<OpenBreakglassWindow>(&NoArgs {}).await {
                    Ok(()) => error.set(None),
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    html! {
        <section class="page">
            <div class="page-head"><h1>{ "Break-glass" }</h1></div>
            <p>{ "Unseal, emergency seal and generate-root run in a separate, locked-down window. Every action there is recorded in the audit log with the operator's name; closing the window ends the session." }</p>
            <button type="button" id="open-breakglass" class="danger" onclick={open}>{ "Open the break-glass window" }</button>
            if let Some(e) = (*error).clone() {
                <p class="error-text" role="alert">{ e }</p>
            }
        </section>
    }
}
