//! The IPC contract between the Vaultdeck UI (Yew, wasm32) and the backend (Tauri, native).
//!
//! Every backend operation is declared once here as a type implementing [`Command`]: its
//! registered name, its single `args` struct and its output. The UI calls
//! `ipc::call::<ListProfiles>(&args)`; the backend registers a `#[tauri::command]` of the same
//! name; a test invokes every [`all_commands`] name so a renamed or unregistered command fails CI.
//!
//! Secrets cross the boundary only as [`SecretInput`] (UI → backend) and [`RevealedValue`]
//! (backend → UI, from an explicit reveal command). Both redact their `Debug` and zeroize on drop.

#![forbid(unsafe_code)]

mod audit;
mod aws;
mod azure;
mod breakglass;
mod commands;
mod error;
mod leases;
mod policy;
mod profile;
mod rotations;
mod secret;
mod secrets;
mod status;

pub use audit::*;
pub use aws::*;
pub use azure::*;
pub use breakglass::*;
pub use commands::*;
pub use error::*;
pub use leases::*;
pub use policy::*;
pub use profile::*;
pub use rotations::*;
pub use secret::*;
pub use secrets::*;
pub use status::*;
