//! The policy model: a [`Policy`] is a name and its [`Rule`]s, each with the line it came from.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::capability::CapabilitySet;

/// An ACL policy: its name (lower-cased, as the server stores names) and its `path` rules in
/// source order. Rules with the same pattern are kept apart here; the evaluator merges them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// The policy name, lower-case. A policy named `root` grants everything.
    pub name: String,
    /// The `path` rules, in source order.
    pub rules: Vec<Rule>,
}

/// Parameter constraints: parameter name (lower-cased) → allowed/denied values (empty = any).
pub type ParameterMap = BTreeMap<String, Vec<serde_json::Value>>;

/// One `path "<pattern>" { ... }` rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// The pattern as written in the policy.
    pub pattern: String,
    /// 1-based line of the rule's `path "<pattern>"` header (of the key, for JSON).
    pub line: usize,
    /// The effective capabilities: old-style `policy = "write"` expanded, and only `deny`
    /// when `deny` is listed (the server then ignores the rest of the rule).
    pub capabilities: CapabilitySet,
    /// `allowed_parameters`, if given.
    pub allowed_parameters: Option<ParameterMap>,
    /// `denied_parameters`, if given.
    pub denied_parameters: Option<ParameterMap>,
    /// `required_parameters`.
    pub required_parameters: Vec<String>,
    /// `min_wrapping_ttl`.
    pub min_wrapping_ttl: Option<Duration>,
    /// `max_wrapping_ttl`.
    pub max_wrapping_ttl: Option<Duration>,
    /// `expiration` as Unix seconds: after it the server ignores the rule.
    pub expiration: Option<i64>,
    /// `pagination_limit` (0 = none).
    pub pagination_limit: i64,
    /// Whether the pattern uses identity templating (`{{identity.entity.id}}`...). Offline
    /// evaluation has no identity, so such rules never match (as for a token without entity).
    pub templated: bool,
}

impl Rule {
    /// A rule with only a pattern and capabilities (for building policies in code).
    pub fn new(pattern: impl Into<String>, capabilities: CapabilitySet, line: usize) -> Rule {
        Rule {
            pattern: pattern.into(),
            line,
            capabilities,
            allowed_parameters: None,
            denied_parameters: None,
            required_parameters: Vec::new(),
            min_wrapping_ttl: None,
            max_wrapping_ttl: None,
            expiration: None,
            pagination_limit: 0,
            templated: false,
        }
    }

    /// How the server matches this rule (see [`Pattern`]).
    pub fn matcher(&self) -> Pattern {
        Pattern::new(&self.pattern)
    }

    /// Whether the rule has any parameter constraint.
    pub fn has_parameter_constraints(&self) -> bool {
        self.allowed_parameters.is_some()
            || self.denied_parameters.is_some()
            || !self.required_parameters.is_empty()
    }
}

/// How a pattern matches request paths (`parsePaths` in `vault/policy.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternKind {
    /// No wildcard: matches one path (a `*` or `+` elsewhere is a literal character).
    Exact,
    /// Ends in `*` and has no `+` segment: matches every path that starts with the rest.
    Prefix,
    /// Has a `+` segment (`+`, `+/…`, or `…/+…`): `+` matches exactly one segment; a trailing
    /// `*` makes the last segment a prefix and allows more segments after it.
    Segment,
}

/// A pattern as the server files it: leading `/` stripped, then one of three tables.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pattern {
    /// Which table.
    pub kind: PatternKind,
    /// The table key: the path for [`PatternKind::Exact`], the path without its trailing `*`
    /// for [`PatternKind::Prefix`], the full path (with a trailing `*`) for
    /// [`PatternKind::Segment`]. Rules with equal (kind, key) merge.
    pub key: String,
}

impl Pattern {
    /// Classifies `pattern` like the server: strip one leading `/`; a `+` segment makes it a
    /// segment-wildcard rule; otherwise a trailing `*` makes it a prefix rule.
    pub fn new(pattern: &str) -> Pattern {
        let path = pattern.strip_prefix('/').unwrap_or(pattern);
        if has_segment_wildcards(path) {
            Pattern {
                kind: PatternKind::Segment,
                key: path.to_owned(),
            }
        } else if let Some(prefix) = path.strip_suffix('*') {
            Pattern {
                kind: PatternKind::Prefix,
                key: prefix.to_owned(),
            }
        } else {
            Pattern {
                kind: PatternKind::Exact,
                key: path.to_owned(),
            }
        }
    }

    /// The pattern written back (`key` plus `*` for a prefix rule).
    pub fn display(&self) -> String {
        match self.kind {
            PatternKind::Prefix => format!("{}*", self.key),
            _ => self.key.clone(),
        }
    }

    /// For a segment rule: whether it ends in `*`.
    pub fn is_glob(&self) -> bool {
        match self.kind {
            PatternKind::Exact => false,
            PatternKind::Prefix => true,
            PatternKind::Segment => self.key.ends_with('*'),
        }
    }

    /// The part before any wildcard: what every matching path starts with.
    pub fn literal_prefix(&self) -> &str {
        match self.kind {
            PatternKind::Exact | PatternKind::Prefix => &self.key,
            PatternKind::Segment => {
                let wc = self.key.strip_suffix('*').unwrap_or(&self.key);
                let mut start = 0;
                for seg in wc.split('/') {
                    if seg == "+" {
                        return &wc[..start];
                    }
                    start += seg.len() + 1;
                }
                wc
            }
        }
    }
}

/// The server's test for segment wildcards: `path == "+"`, or `/+` anywhere, or a `+/` prefix.
/// (So `a/+b` counts, although its `+b` segment is matched literally.)
pub(crate) fn has_segment_wildcards(path: &str) -> bool {
    path == "+" || path.contains("/+") || path.starts_with("+/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_like_the_server() {
        let p = Pattern::new("/secret/*");
        assert_eq!((p.kind, p.key.as_str()), (PatternKind::Prefix, "secret/"));
        let p = Pattern::new("secret/+/x*");
        assert_eq!(
            (p.kind, p.key.as_str()),
            (PatternKind::Segment, "secret/+/x*")
        );
        let p = Pattern::new("a*b");
        assert_eq!((p.kind, p.key.as_str()), (PatternKind::Exact, "a*b"));
        let p = Pattern::new("+");
        assert_eq!(p.kind, PatternKind::Segment);
        let p = Pattern::new("a/+b");
        assert_eq!(p.kind, PatternKind::Segment);
        let p = Pattern::new("a+/b*");
        assert_eq!(p.kind, PatternKind::Prefix);
        assert_eq!(Pattern::new("secret/+/x*").literal_prefix(), "secret/");
        assert_eq!(Pattern::new("+/x").literal_prefix(), "");
        assert_eq!(Pattern::new("a/b*").literal_prefix(), "a/b");
    }
}
