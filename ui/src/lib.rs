//! Pure, target-independent logic of the Vaultdeck UI.
//!
//! Everything here compiles and is unit-tested natively (`cargo test -p vaultdeck-ui --lib`);
//! the wasm app in `main.rs` renders it. Nothing in this library touches the DOM or IPC.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod format;
pub mod leases_model;
pub mod policy_view;
pub mod profile_draft;
pub mod rotations_model;
pub mod secret_draft;
pub mod secrets_model;
pub mod theme;
