//! Vaultdeck's desktop UI: a Yew app compiled to `wasm32-unknown-unknown`, bundled by
//! `ui/build.sh` (wasm-bindgen, no trunk) into `ui/dist`, which the Tauri shell serves.
//!
//! It talks to the backend only through [`ipc::call`], using the command table of
//! `vaultdeck-types`. Pure logic lives in the `vaultdeck_ui` library so it can be tested
//! natively; on a native target this binary is an empty stub.

#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod contexts;
#[cfg(target_arch = "wasm32")]
mod hooks;
#[cfg(target_arch = "wasm32")]
mod ipc;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod route;

/// Mounts the app on `<body>`; wasm-bindgen runs it when `boot.js` calls `init()`.
#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<app::App>::new().render();
}

/// Native builds only exist so workspace-wide checks and the lib's tests work.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("vaultdeck-ui runs in the webview: build it with `bash ui/build.sh`");
}
