//! Vault / OpenBao ACL policies, offline and exact.
//!
//! - [`Policy::parse`]: HCL (through `hcl-rs`) or JSON, every [`Rule`] with its line; rejects
//!   what OpenBao 2.7.2 rejects ([`ParseError`]), with the server's wording.
//! - [`PolicySet`]: a compiled set of policies answering like `sys/capabilities` for a token
//!   holding exactly those policies ([`PolicySet::capabilities`]), with provenance
//!   ([`PolicySet::evaluate`]), per policy ([`PolicySet::access_by_policy`]) and as a
//!   policies × paths [`Matrix`].
//! - [`format()`]: canonical layout that keeps comments and meaning.
//! - [`lint()`]: findings with stable ids (`VDP001`…), severity, line, message and fix hint.
//!
//! Pure: no I/O, no clock (time is a parameter), so it can be fuzzed and benchmarked.
//!
//! ```
//! use vaultdeck_policy::{Policy, PolicySet};
//!
//! let team = Policy::parse("team", r#"
//! path "secret/data/team/*" { capabilities = ["read", "list"] }
//! path "secret/data/team/admin" { capabilities = ["deny"] }
//! "#).unwrap();
//! let set = PolicySet::new(vec![team]);
//! assert_eq!(set.capabilities("secret/data/team/app"), ["list", "read"]);
//! assert_eq!(set.capabilities("secret/data/team/admin"), ["deny"]);
//! let d = set.evaluate("secret/data/team/admin");
//! assert_eq!(d.primary().unwrap().line, 3);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod capability;
mod error;
mod eval;
mod format;
pub mod lint;
mod model;
mod parse;

pub use capability::{Capability, CapabilitySet};
pub use error::ParseError;
pub use eval::{Access, Decision, MatchKind, Matrix, PolicyAccess, PolicySet, RuleId, RuleRef};
pub use format::format;
pub use lint::{lint, Finding, LintOptions, Mount, Severity};
pub use model::{ParameterMap, Pattern, PatternKind, Policy, Rule};
