//! Vaultdeck's domain layer, shared by the desktop app and the `vdeck` CLI.
//!
//! - [`Connection`]: the closed set of providers, dispatched with `match`; capability traits in
//!   [`capability`] say what each provider can do.
//! - [`profiles`]: connection profiles in a TOML file (no credentials).
//! - [`keychain`]: credentials in the OS keychain (Secret Service), with an in-memory fallback.
//! - [`audit`]: the hash-chained local audit log of every mutating action.
//! - [`breakglass`]: audited break-glass sessions (unseal, seal, generate-root, emergency
//!   levers) and the time-boxed, self-revoking [`breakglass::RootSession`]; [`cluster`]: the
//!   raft/HA cluster view, audited step-down and raft snapshot download.
//! - [`sessions`]: open connections, sign-in, background token renewal.
//! - [`secrets`]: the KV explorer's operations ([`capability::SecretStore`]), audited, and
//!   version diffs; [`walk`]: recursive walk (SCAN or concurrent LIST); [`search`]: fuzzy
//!   search over walked paths.
//! - [`policies`]: ACL policies ([`capability::PolicyAdmin`]): validated, CAS-checked, audited
//!   saves; offline simulation with provenance; comparison with the server.

#![forbid(unsafe_code)]

pub mod audit;
pub mod aws;
pub mod azure;
pub mod breakglass;
pub mod capability;
pub mod cluster;
pub mod connection;
pub mod env_import;
mod error;
pub mod keychain;
pub mod leases;
pub mod paths;
pub mod policies;
pub mod profiles;
pub mod rotations;
pub mod search;
pub mod secrets;
pub mod sessions;
pub mod settings;
pub mod walk;

pub use connection::Connection;
pub use error::{Error, Result};
pub use vaultdeck_types as types;
