//! Vaultdeck's client for Vault and OpenBao.
//!
//! - [`VaultClient`]: a small reqwest client with one typed method per endpoint (each
//!   documents its method, path and API doc link) over a generic [`read`](VaultClient::read)
//!   / [`list`](VaultClient::list) / [`scan`](VaultClient::scan) /
//!   [`write`](VaultClient::write) / [`delete`](VaultClient::delete) escape hatch for the path
//!   browser.
//! - [`Error`]: one enum; [`Error::code`] gives the [`ErrorCode`](vaultdeck_types::ErrorCode)
//!   the UI branches on. Messages name method and path, never tokens or bodies.
//! - [`breakglass`]: per-node seal status, unseal, seal, HA discovery, cluster view, and
//!   generate-root in both server families with local token decoding.
//! - [`kv`]: the KV v1/v2 engine: mount detection, typed endpoints, redacting value types.
//! - [`find_bao_binary`], [`dev::DevServer`]: a throwaway OpenBao dev server for demo mode and
//!   tests; [`demo::seed`] fills it with realistic data.
//!
//! Tokens and passwords are [`secrecy::SecretString`]; `Debug` output never shows them.
//! Requests are traced at `debug` with method, path and status only.

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod binary;
pub mod breakglass;
mod client;
pub mod demo;
pub mod dev;
mod error;
pub mod kv;
pub mod leases;
mod sys;

pub use auth::{AuthInfo, TokenInfo, TokenRequest};
pub use binary::{find_bao_binary, BAO_BIN_ENV};
pub use client::{VaultClient, VaultConfig};
pub use error::Error;
pub use sys::{Health, InitResponse, Leader, Mount, NodeState, SealStatus};

/// Re-exported so callers need not depend on `secrecy` for the token type.
pub use secrecy::SecretString;
