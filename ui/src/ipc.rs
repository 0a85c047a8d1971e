//! Typed calls to the backend. [`call`] is the only way the UI talks to Rust: it sends
//! `{ args: <C::Args> }` to the command registered as `C::NAME` and turns a rejection into the
//! backend's [`IpcError`].

use serde::{de::DeserializeOwned, Serialize};
use vaultdeck_types::{Command, ErrorCode, IpcError};
use wasm_bindgen::{prelude::*, JsCast};

#[wasm_bindgen(module = "/ipc.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = invoke)]
    async fn invoke_js(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = invokeWithChannel)]
    async fn invoke_with_channel_js(
        cmd: &str,
        args: JsValue,
        key: &str,
        onmessage: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}

/// The JS payload: every backend command takes one parameter named `args`.
#[derive(Serialize)]
struct Payload<'a, A> {
    args: &'a A,
}

/// Calls backend command `C` with `args` and decodes its output.
pub async fn call<C: Command>(args: &C::Args) -> Result<C::Output, IpcError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let payload = Payload { args }
        .serialize(&serializer)
        .map_err(|e| internal(format!("could not encode the {} request: {e}", C::NAME)))?;
    let value = invoke_js(C::NAME, payload)
        .await
        .map_err(rejection_to_error)?;
    decode(C::NAME, value)
}

/// Calls backend command `C`, whose second parameter (JS name `channel_key`, e.g. `onBatch`)
/// is a `tauri::ipc::Channel<M>`; every message goes to `on_message` in order until the call
/// returns.
pub async fn call_with_channel<C: Command, M: DeserializeOwned + 'static>(
    args: &C::Args,
    channel_key: &str,
    mut on_message: impl FnMut(M) + 'static,
) -> Result<C::Output, IpcError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let payload = Payload { args }
        .serialize(&serializer)
        .map_err(|e| internal(format!("could not encode the {} request: {e}", C::NAME)))?;
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        if let Ok(m) = serde_wasm_bindgen::from_value::<M>(v) {
            on_message(m);
        }
    });
    let value = invoke_with_channel_js(C::NAME, payload, channel_key, &closure)
        .await
        .map_err(rejection_to_error)?;
    drop(closure);
    decode(C::NAME, value)
}

/// Decodes a command's output; `()` accepts the `null`/`undefined` Tauri sends for it.
fn decode<T: DeserializeOwned>(name: &str, value: JsValue) -> Result<T, IpcError> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| internal(format!("unexpected reply from {name}: {e}")))
}

/// A rejected promise: the backend's `{code, message}`, or any other thrown value as
/// [`ErrorCode::Internal`].
fn rejection_to_error(value: JsValue) -> IpcError {
    if let Ok(err) = serde_wasm_bindgen::from_value::<IpcError>(value.clone()) {
        return err;
    }
    if let Some(s) = value.as_string() {
        return internal(s);
    }
    if let Some(e) = value.dyn_ref::<js_sys::Error>() {
        return internal(String::from(e.message()));
    }
    // An object with a message but a code this build does not know.
    if let Some(msg) = js_sys::Reflect::get(&value, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
    {
        return internal(msg);
    }
    let text = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "unknown error".to_string());
    internal(text)
}

fn internal(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorCode::Internal, message)
}
