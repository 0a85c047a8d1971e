//! Vaultdeck's AWS Secrets Manager provider, on the official AWS SDK for Rust (`aws-config`,
//! `aws-sdk-secretsmanager`, `aws-sdk-sts`): no hand-rolled signing.
//!
//! - [`AwsClient::connect`] builds the clients from [`AwsSettings`] plus the standard AWS chain
//!   (named profile, env, SSO cache, static keys whose secret is a `SecretString`), with an
//!   optional endpoint override; [`AwsClient::caller_identity`] proves the credentials.
//! - Browse: [`AwsClient::list_secrets`] streams every page; [`AwsClient::describe`];
//!   [`AwsClient::get_value`] returns the value as a secret type, only on reveal.
//! - Write: create, [`AwsClient::put_value`] (client request token + AWSCURRENT check),
//!   update, tag/untag, [`AwsClient::rollback`] with [`AwsClient::rollback_preview`].
//! - Rotation: config, enable/disable, rotate now (Lambda), [`AwsClient::rotate_client_side`].
//! - Resource policies with local checks ([`check_policy`]) and the server's validation.
//! - Delete with a recovery window, restore, force delete.
//!
//! Errors map onto `vaultdeck_types::ErrorCode` ([`Error::code`]). Nothing here logs a value
//! or a credential: spans carry only the secret's name.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod error;
mod policy;

pub use client::{
    AwsClient, AwsSettings, NewSecret, Result, RotationSchedule, SecretPayload, SecretValue,
    StaticKeys, VersionSelector,
};
pub use error::{Error, ServiceError};
pub use policy::check_policy;
