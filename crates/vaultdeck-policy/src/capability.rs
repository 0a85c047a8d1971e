//! Capabilities and the compact set the evaluator works with.

use std::fmt;

use serde::{Serialize, Serializer};

/// One ACL capability, as OpenBao 2.x knows them (`vault/policy.go`, `cap2Int`).
///
/// Vault-only names (`subscribe`, `recover`) are not capabilities on OpenBao: the server rejects
/// a policy that uses them, and so does [`crate::Policy::parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// `create`: write a path that does not exist yet.
    Create,
    /// `delete`.
    Delete,
    /// `deny`: overrides every other capability on the same pattern, across policies.
    Deny,
    /// `list`.
    List,
    /// `patch`.
    Patch,
    /// `read`.
    Read,
    /// `scan`: OpenBao's recursive listing.
    Scan,
    /// `sudo`: needed on root-protected endpoints, in addition to the operation's capability.
    Sudo,
    /// `update`.
    Update,
}

impl Capability {
    /// Every capability, in the order the server prints them (alphabetical).
    pub const ALL: [Capability; 9] = [
        Capability::Create,
        Capability::Delete,
        Capability::Deny,
        Capability::List,
        Capability::Patch,
        Capability::Read,
        Capability::Scan,
        Capability::Sudo,
        Capability::Update,
    ];

    /// The capabilities that change data (`create`, `update`, `delete`, `patch`) plus `sudo`.
    pub const WRITES: [Capability; 5] = [
        Capability::Create,
        Capability::Update,
        Capability::Delete,
        Capability::Patch,
        Capability::Sudo,
    ];

    /// The name used in policies and in `sys/capabilities` responses.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Create => "create",
            Capability::Delete => "delete",
            Capability::Deny => "deny",
            Capability::List => "list",
            Capability::Patch => "patch",
            Capability::Read => "read",
            Capability::Scan => "scan",
            Capability::Sudo => "sudo",
            Capability::Update => "update",
        }
    }

    /// Parses a capability name exactly as the server does (case-sensitive).
    pub fn from_name(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.as_str() == name)
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Capability {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A set of capabilities (a bitmap, like the server's `CapabilitiesBitmap`).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CapabilitySet(u16);

impl CapabilitySet {
    /// The empty set.
    pub const EMPTY: CapabilitySet = CapabilitySet(0);
    /// Just `deny`.
    pub const DENY: CapabilitySet = CapabilitySet(Capability::Deny.bit());

    /// Whether `cap` is in the set.
    pub fn contains(self, cap: Capability) -> bool {
        self.0 & cap.bit() != 0
    }

    /// Adds `cap`.
    pub fn insert(&mut self, cap: Capability) {
        self.0 |= cap.bit();
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the set holds `deny`.
    pub fn is_deny(self) -> bool {
        self.contains(Capability::Deny)
    }

    /// The union, except that `deny` anywhere leaves only `deny` (how the server merges the
    /// rules of one pattern: `NewACL` in `vault/acl.go`).
    pub fn merge(self, other: CapabilitySet) -> CapabilitySet {
        if self.is_deny() || other.is_deny() {
            CapabilitySet::DENY
        } else {
            CapabilitySet(self.0 | other.0)
        }
    }

    /// Whether any capability of `other` is in the set.
    pub fn intersects(self, other: CapabilitySet) -> bool {
        self.0 & other.0 != 0
    }

    /// The capabilities in the set, alphabetical.
    pub fn iter(self) -> impl Iterator<Item = Capability> {
        Capability::ALL
            .into_iter()
            .filter(move |c| self.contains(*c))
    }

    /// The set as a `sys/capabilities` answer: `["deny"]` when it holds `deny` or nothing,
    /// otherwise the names sorted alphabetically (the server runs `sort.Strings`).
    pub fn to_server_list(self) -> Vec<&'static str> {
        if self.is_deny() || self.is_empty() {
            return vec!["deny"];
        }
        self.iter().map(Capability::as_str).collect()
    }

    /// The raw bitmap (bit `n` = the `n`th entry of [`Capability::ALL`]).
    pub fn bits(self) -> u16 {
        self.0
    }
}

impl FromIterator<Capability> for CapabilitySet {
    fn from_iter<I: IntoIterator<Item = Capability>>(iter: I) -> Self {
        let mut s = CapabilitySet::EMPTY;
        for c in iter {
            s.insert(c);
        }
        s
    }
}

impl fmt::Debug for CapabilitySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for CapabilitySet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_list_is_sorted_and_deny_wins() {
        let s: CapabilitySet = [Capability::Update, Capability::Read, Capability::Sudo]
            .into_iter()
            .collect();
        assert_eq!(s.to_server_list(), ["read", "sudo", "update"]);
        assert_eq!(CapabilitySet::EMPTY.to_server_list(), ["deny"]);
        assert_eq!(s.merge(CapabilitySet::DENY).to_server_list(), ["deny"]);
        assert_eq!(Capability::from_name("subscribe"), None);
        assert_eq!(Capability::from_name("READ"), None);
        assert_eq!(Capability::from_name("scan"), Some(Capability::Scan));
    }
}
