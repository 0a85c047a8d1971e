//! Evaluating a set of policies for request paths, exactly as OpenBao answers
//! `sys/capabilities` (`ACL.Capabilities` → `AllowOperation` with a LIST request →
//! `CheckAllowedFromNonExactPaths`, all in `vault/acl.go`).
//!
//! The set is compiled once ([`PolicySet::new`]): rules with the same pattern are merged into
//! one *group* (union, `deny` absorbs everything), exact patterns go into a hash map, prefix
//! patterns (`foo*`) into a byte trie, segment-wildcard patterns (`foo/+/bar`) into a hash map
//! keyed by their literal head, and every non-exact group gets a global priority rank. A path
//! is then answered in four stages, the first that matches anything deciding:
//!
//! 1. the exact rule for the path;
//! 2. (path ends in `/`) the exact rule for the path without that `/`;
//! 3. the best non-exact rule for the path;
//! 4. (path ends in `/`) the best non-exact rule for the path without that `/`.
//!
//! Stages 3 and 4 are in the order OpenBao 2.7.2 answers (verified against the binary: with
//! `c*` and `c/*`, `c/` is decided by `c/*`; with `c/+` and `+/*`, `c/c/` by `+/*`). The
//! `vault/acl.go` revisions we read check the trimmed path first; the agreement test is what
//! keeps this honest.
//!
//! "Best" is the server's `less` ordering in `CheckAllowedFromNonExactPaths`: a later first
//! wildcard (`+`) or glob (`*`) position wins; then a pattern without trailing `*` wins over one
//! with; then fewer `+` segments; then the longer pattern; then the lexicographically greater.

use std::collections::HashMap;

use serde::Serialize;

use crate::capability::CapabilitySet;
use crate::model::{Pattern, PatternKind, Policy};

/// A compiled set of policies (what a token holding exactly these policies gets).
#[derive(Debug, Clone)]
pub struct PolicySet {
    policies: Vec<Policy>,
    root: bool,
    groups: Vec<Group>,
    exact: HashMap<String, u32>,
    trie: Trie,
    segments: SegTrie,
}

/// One rule of one policy in a [`PolicySet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleId {
    /// Index of the policy in the set.
    pub policy: usize,
    /// Index of the rule in that policy.
    pub rule: usize,
}

#[derive(Debug, Clone)]
struct Group {
    pattern: Pattern,
    merged: CapabilitySet,
    members: Vec<RuleId>,
    /// Capabilities merged per policy, in policy order (for single-policy answers).
    per_policy: Vec<(u32, CapabilitySet)>,
    /// Priority rank among non-exact groups; 0 = highest. `u32::MAX` for exact groups.
    rank: u32,
    /// Segment groups: the pattern without trailing `*`, split on `/`.
    segments: Vec<String>,
    is_glob: bool,
}

/// How the deciding rule matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// An exact pattern equal to the path.
    Exact,
    /// An exact pattern equal to the path without its trailing `/` (LIST semantics).
    ExactWithoutTrailingSlash,
    /// A `*` / `+` pattern matching the path without its trailing `/`.
    WildcardWithoutTrailingSlash,
    /// A `*` / `+` pattern matching the path.
    Wildcard,
}

/// What a set of policies grants on a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The `root` policy is in the set: everything, `["root"]`.
    Root,
    /// The capabilities of the deciding pattern (`deny` or empty = nothing).
    Capabilities(CapabilitySet),
}

impl Access {
    /// The `sys/capabilities` answer: `["root"]`, `["deny"]`, or the sorted names.
    pub fn to_server_list(self) -> Vec<&'static str> {
        match self {
            Access::Root => vec!["root"],
            Access::Capabilities(c) => c.to_server_list(),
        }
    }

    /// Whether nothing is granted.
    pub fn is_denied(self) -> bool {
        matches!(self, Access::Capabilities(c) if c.is_deny() || c.is_empty())
    }
}

/// A rule as shown in explanations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    /// Policy name.
    pub policy: String,
    /// The pattern as written.
    pub pattern: String,
    /// 1-based line in the policy.
    pub line: usize,
    /// The rule's own capabilities (before merging).
    pub capabilities: CapabilitySet,
}

/// The answer for one path with its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// What is granted.
    pub access: Access,
    /// How the deciding pattern matched (`None` when nothing matched or for root).
    pub matched: Option<MatchKind>,
    /// The rules of the deciding pattern, merged across policies (policy order). Empty when
    /// nothing matched; for root, empty as well (see [`Decision::access`]).
    pub decided_by: Vec<RuleRef>,
    /// Rules that matched the path but lost to the deciding pattern, highest priority first.
    pub overridden: Vec<RuleRef>,
}

impl Decision {
    /// The `sys/capabilities` answer for the path.
    pub fn capabilities(&self) -> Vec<&'static str> {
        self.access.to_server_list()
    }

    /// The rule that settles the answer: the first `deny` rule of the deciding pattern when it
    /// denies, else its first rule.
    pub fn primary(&self) -> Option<&RuleRef> {
        self.decided_by
            .iter()
            .find(|r| r.capabilities.is_deny())
            .or_else(|| self.decided_by.first())
    }
}

/// Per-policy answers for many paths (rows = paths, columns = policies): what a token holding
/// only that policy could do. Built by [`PolicySet::matrix`].
#[derive(Debug, Clone)]
pub struct Matrix {
    /// Column names (policy names, set order).
    pub policies: Vec<String>,
    /// Row count.
    pub paths: usize,
    cells: Vec<CapabilitySet>,
    root: Option<usize>,
}

impl Matrix {
    /// What `policy` (column index) alone grants on `path` (row index).
    pub fn get(&self, path: usize, policy: usize) -> Access {
        if self.root == Some(policy) {
            return Access::Root;
        }
        Access::Capabilities(self.cells[path * self.policies.len() + policy])
    }

    /// The raw row of `path`: one set per policy (the root policy's cell is empty; see
    /// [`Matrix::get`]).
    pub fn row(&self, path: usize) -> &[CapabilitySet] {
        let n = self.policies.len();
        &self.cells[path * n..(path + 1) * n]
    }
}

/// One policy's access to a path (see [`PolicySet::access_by_policy`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyAccess {
    /// Policy name.
    pub policy: String,
    /// What this policy alone grants.
    pub access: Access,
    /// Its deciding rules (several when it repeats the pattern).
    pub decided_by: Vec<RuleRef>,
}

/// Reusable buffers for hot loops.
#[derive(Default)]
struct Scratch {
    cands: Vec<(u8, u32)>,
    stamp: Vec<u32>,
    gen: u32,
}

impl PolicySet {
    /// Compiles `policies`, keeping every rule whatever its `expiration` (see
    /// [`PolicySet::new_at`]). Templated rules (`{{identity...}}`) are left out: offline there
    /// is no identity, and the server drops them too for a token without an entity.
    pub fn new(policies: Vec<Policy>) -> PolicySet {
        Self::build(policies, None)
    }

    /// Like [`PolicySet::new`], leaving out rules whose `expiration` is before `now_unix`
    /// (Unix seconds), as the server does.
    pub fn new_at(policies: Vec<Policy>, now_unix: i64) -> PolicySet {
        Self::build(policies, Some(now_unix))
    }

    fn build(policies: Vec<Policy>, now: Option<i64>) -> PolicySet {
        let root = policies.iter().any(|p| p.name == "root");
        let mut groups: Vec<Group> = Vec::new();
        let mut by_key: HashMap<Pattern, u32> = HashMap::new();
        for (pi, policy) in policies.iter().enumerate() {
            for (ri, rule) in policy.rules.iter().enumerate() {
                if rule.templated {
                    continue;
                }
                if let (Some(now), Some(exp)) = (now, rule.expiration) {
                    if now > exp {
                        continue;
                    }
                }
                let pattern = rule.matcher();
                let gi = *by_key.entry(pattern.clone()).or_insert_with(|| {
                    groups.push(Group::new(pattern));
                    (groups.len() - 1) as u32
                });
                let g = &mut groups[gi as usize];
                g.merged = g.merged.merge(rule.capabilities);
                g.members.push(RuleId {
                    policy: pi,
                    rule: ri,
                });
                match g.per_policy.last_mut() {
                    Some((p, caps)) if *p == pi as u32 => *caps = caps.merge(rule.capabilities),
                    _ => g.per_policy.push((pi as u32, rule.capabilities)),
                }
            }
        }
        // Global priority ranks for the non-exact groups.
        let mut order: Vec<u32> = (0..groups.len() as u32)
            .filter(|&g| groups[g as usize].pattern.kind != PatternKind::Exact)
            .collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&groups[a as usize], &groups[b as usize]);
            b.priority_key().cmp(&a.priority_key())
        });
        for (rank, &g) in order.iter().enumerate() {
            groups[g as usize].rank = rank as u32;
        }
        let mut exact = HashMap::new();
        let mut trie = Trie::default();
        let mut segments = SegTrie::default();
        for (gi, g) in groups.iter().enumerate() {
            let gi = gi as u32;
            match g.pattern.kind {
                PatternKind::Exact => {
                    exact.insert(g.pattern.key.clone(), gi);
                }
                PatternKind::Prefix => trie.insert(g.pattern.key.as_bytes(), gi),
                PatternKind::Segment => segments.insert(&g.segments, g.is_glob, gi),
            }
        }
        PolicySet {
            policies,
            root,
            groups,
            exact,
            trie,
            segments,
        }
    }

    /// The policies of the set, in order.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// Whether the set holds the `root` policy.
    pub fn is_root(&self) -> bool {
        self.root
    }

    /// What the set grants on `path` — the `sys/capabilities` answer, without provenance.
    pub fn access(&self, path: &str) -> Access {
        if self.root {
            return Access::Root;
        }
        Access::Capabilities(
            self.deciding_group(path)
                .map(|g| self.groups[g as usize].merged)
                .unwrap_or(CapabilitySet::EMPTY),
        )
    }

    /// [`PolicySet::access`] as the server's list (`["deny"]`, `["root"]`, or sorted names).
    pub fn capabilities(&self, path: &str) -> Vec<&'static str> {
        self.access(path).to_server_list()
    }

    /// The answer for `path` with the deciding rules and the rules that matched but lost.
    pub fn evaluate(&self, path: &str) -> Decision {
        if self.root {
            return Decision {
                access: Access::Root,
                matched: None,
                decided_by: Vec::new(),
                overridden: Vec::new(),
            };
        }
        let mut s = Scratch::default();
        self.candidates(path, &mut s.cands);
        let mut seen = Vec::new();
        let mut ordered = Vec::new();
        for &(stage, g) in &s.cands {
            if !seen.contains(&g) {
                seen.push(g);
                ordered.push((stage, g));
            }
        }
        let Some(&(stage, first)) = ordered.first() else {
            return Decision {
                access: Access::Capabilities(CapabilitySet::EMPTY),
                matched: None,
                decided_by: Vec::new(),
                overridden: Vec::new(),
            };
        };
        let refs = |g: u32| -> Vec<RuleRef> {
            self.groups[g as usize]
                .members
                .iter()
                .map(|id| self.rule_ref(*id))
                .collect()
        };
        Decision {
            access: Access::Capabilities(self.groups[first as usize].merged),
            matched: Some(stage_kind(stage)),
            decided_by: refs(first),
            overridden: ordered[1..].iter().flat_map(|&(_, g)| refs(g)).collect(),
        }
    }

    /// For each policy of the set that has a rule matching `path`: what that policy alone
    /// grants there and which of its rules decide (the "who can access" view).
    pub fn access_by_policy(&self, path: &str) -> Vec<PolicyAccess> {
        let mut cands = Vec::new();
        self.candidates(path, &mut cands);
        let mut done: Vec<u32> = Vec::new();
        let mut out = Vec::new();
        for &(_, g) in &cands {
            let group = &self.groups[g as usize];
            for &(p, caps) in &group.per_policy {
                if done.contains(&p) {
                    continue;
                }
                done.push(p);
                let policy = &self.policies[p as usize];
                out.push(PolicyAccess {
                    policy: policy.name.clone(),
                    access: if policy.name == "root" {
                        Access::Root
                    } else {
                        Access::Capabilities(caps)
                    },
                    decided_by: group
                        .members
                        .iter()
                        .filter(|id| id.policy == p as usize)
                        .map(|id| self.rule_ref(*id))
                        .collect(),
                });
            }
        }
        for (i, policy) in self.policies.iter().enumerate() {
            if policy.name == "root" && !done.contains(&(i as u32)) {
                out.push(PolicyAccess {
                    policy: policy.name.clone(),
                    access: Access::Root,
                    decided_by: Vec::new(),
                });
            }
        }
        out.sort_by_key(|a| {
            self.policies
                .iter()
                .position(|p| p.name == a.policy)
                .unwrap_or(usize::MAX)
        });
        out
    }

    /// The capability matrix: for every path and every policy, what that policy alone grants
    /// (the server's answer for a token holding just that policy).
    pub fn matrix<S: AsRef<str>>(&self, paths: &[S]) -> Matrix {
        let n = self.policies.len();
        let mut cells = vec![CapabilitySet::EMPTY; paths.len() * n];
        let mut s = Scratch {
            stamp: vec![0; n],
            ..Scratch::default()
        };
        for (row, path) in paths.iter().enumerate() {
            s.gen = s.gen.wrapping_add(1);
            if s.gen == 0 {
                s.stamp.iter_mut().for_each(|x| *x = 0);
                s.gen = 1;
            }
            self.candidates(path.as_ref(), &mut s.cands);
            let out = &mut cells[row * n..(row + 1) * n];
            for &(_, g) in &s.cands {
                for &(p, caps) in &self.groups[g as usize].per_policy {
                    let slot = &mut s.stamp[p as usize];
                    if *slot != s.gen {
                        *slot = s.gen;
                        out[p as usize] = caps;
                    }
                }
            }
        }
        Matrix {
            policies: self.policies.iter().map(|p| p.name.clone()).collect(),
            paths: paths.len(),
            cells,
            root: self.policies.iter().position(|p| p.name == "root"),
        }
    }

    /// Number of merged pattern groups (lint).
    pub(crate) fn group_count(&self) -> u32 {
        self.groups.len() as u32
    }

    /// A group's pattern, merged capabilities and rules (lint).
    pub(crate) fn group(&self, g: u32) -> (&Pattern, CapabilitySet, &[RuleId]) {
        let g = &self.groups[g as usize];
        (&g.pattern, g.merged, &g.members)
    }

    /// The group deciding `path` for the whole set (lint).
    pub(crate) fn decider(&self, path: &str) -> Option<u32> {
        self.deciding_group(path)
    }

    /// Whether group `g` matches `path` at any stage (lint).
    pub(crate) fn group_matches(&self, g: u32, path: &str) -> bool {
        let mut cands = Vec::new();
        self.candidates(path, &mut cands);
        cands.iter().any(|&(_, c)| c == g)
    }

    pub(crate) fn rule_ref(&self, id: RuleId) -> RuleRef {
        let p = &self.policies[id.policy];
        let r = &p.rules[id.rule];
        RuleRef {
            policy: p.name.clone(),
            pattern: r.pattern.clone(),
            line: r.line,
            capabilities: r.capabilities,
        }
    }

    /// The group that decides `path` for the whole set.
    fn deciding_group(&self, path: &str) -> Option<u32> {
        let path = path.trim_start_matches('/');
        if let Some(&g) = self.exact.get(path) {
            return Some(g);
        }
        let trimmed = path.strip_suffix('/');
        if let Some(&g) = trimmed.and_then(|t| self.exact.get(t)) {
            return Some(g);
        }
        if let Some(g) = self.best_non_exact(path) {
            return Some(g);
        }
        trimmed.and_then(|t| self.best_non_exact(t))
    }

    fn best_non_exact(&self, path: &str) -> Option<u32> {
        let mut best: Option<u32> = None;
        let mut consider = |g: u32| {
            if best.is_none_or(|b| self.groups[g as usize].rank < self.groups[b as usize].rank) {
                best = Some(g);
            }
        };
        self.non_exact_matches(path, &mut consider);
        best
    }

    /// Every group matching `path`, in decision order: (stage, group). A group may appear
    /// twice (stages 3 and 4); the first occurrence counts.
    fn candidates(&self, path: &str, out: &mut Vec<(u8, u32)>) {
        out.clear();
        let path = path.trim_start_matches('/');
        if let Some(&g) = self.exact.get(path) {
            out.push((1, g));
        }
        let trimmed = path.strip_suffix('/');
        if let Some(&g) = trimmed.and_then(|t| self.exact.get(t)) {
            out.push((2, g));
        }
        let start = out.len();
        self.non_exact_matches(path, &mut |g| out.push((3, g)));
        out[start..].sort_unstable_by_key(|&(_, g)| self.groups[g as usize].rank);
        if let Some(t) = trimmed {
            let start = out.len();
            self.non_exact_matches(t, &mut |g| out.push((4, g)));
            out[start..].sort_unstable_by_key(|&(_, g)| self.groups[g as usize].rank);
        }
    }

    /// Calls `f` for every prefix or segment group matching `path`.
    fn non_exact_matches(&self, path: &str, f: &mut dyn FnMut(u32)) {
        self.trie.prefixes_of(path.as_bytes(), f);
        if self.segments.nodes.len() > 1 {
            let parts: Vec<&str> = path.split('/').collect();
            self.segments.visit(0, 0, &parts, f);
        }
    }
}

fn stage_kind(stage: u8) -> MatchKind {
    match stage {
        1 => MatchKind::Exact,
        2 => MatchKind::ExactWithoutTrailingSlash,
        3 => MatchKind::Wildcard,
        _ => MatchKind::WildcardWithoutTrailingSlash,
    }
}

/// The priority descriptor of a non-exact group (`wcPathDescr` in `vault/acl.go`).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct PriorityKey<'a> {
    /// Byte index of the first `+` (segment rules: `strings.Index(path, "+")`, which may be a
    /// `+` inside a literal segment) or the prefix length (prefix rules). Later wins.
    first_wildcard: usize,
    /// `true` for patterns without a trailing `*` (they win over globs).
    not_glob: bool,
    /// Fewer `+` segments wins.
    fewer_wildcards: std::cmp::Reverse<usize>,
    /// Longer (without the trailing `*`) wins.
    len: usize,
    /// Lexicographically greater wins.
    path: &'a [u8],
}

impl Group {
    fn new(pattern: Pattern) -> Group {
        let is_glob = pattern.is_glob();
        let segments = match pattern.kind {
            PatternKind::Segment => pattern
                .key
                .strip_suffix('*')
                .unwrap_or(&pattern.key)
                .split('/')
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        Group {
            pattern,
            merged: CapabilitySet::EMPTY,
            members: Vec::new(),
            per_policy: Vec::new(),
            rank: u32::MAX,
            segments,
            is_glob,
        }
    }

    fn wc_path(&self) -> &str {
        match self.pattern.kind {
            PatternKind::Segment => self
                .pattern
                .key
                .strip_suffix('*')
                .unwrap_or(&self.pattern.key),
            _ => &self.pattern.key,
        }
    }

    pub(crate) fn priority_key(&self) -> PriorityKey<'_> {
        let (first_wildcard, wildcards) = match self.pattern.kind {
            PatternKind::Segment => (
                self.pattern.key.find('+').unwrap_or(0),
                self.segments.iter().filter(|s| *s == "+").count(),
            ),
            _ => (self.pattern.key.len(), 0),
        };
        let wc = self.wc_path();
        PriorityKey {
            first_wildcard,
            not_glob: !self.is_glob,
            fewer_wildcards: std::cmp::Reverse(wildcards),
            len: wc.len(),
            path: wc.as_bytes(),
        }
    }

    /// The segment-wildcard match of `CheckAllowedFromNonExactPaths` (`bareMount == false`),
    /// literally; the [`SegTrie`] must agree with it (checked in the tests).
    #[cfg(test)]
    fn segment_match(&self, path: &str, path_parts: usize) -> bool {
        let n = self.segments.len();
        if path_parts < n || (!self.is_glob && path_parts != n) {
            return false;
        }
        for (i, (acl, part)) in self.segments.iter().zip(path.split('/')).enumerate() {
            let ok = acl == "+"
                || acl == part
                || (self.is_glob && i == n - 1 && part.starts_with(acl.as_str()));
            if !ok {
                return false;
            }
        }
        true
    }
}

/// Segment-wildcard patterns as a trie over segments: a literal edge per literal segment and
/// one `+` edge; a non-glob pattern ends at its node, a glob pattern's last segment (a prefix
/// of the path segment) goes into a byte trie at the node before it. A path walks at most two
/// edges per level, whatever the number of patterns.
#[derive(Debug, Clone)]
struct SegTrie {
    nodes: Vec<SegNode>,
}

#[derive(Debug, Clone, Default)]
struct SegNode {
    literal: HashMap<String, u32>,
    plus: Option<u32>,
    ends: Vec<u32>,
    globs: Option<Trie>,
}

impl Default for SegTrie {
    fn default() -> Self {
        SegTrie {
            nodes: vec![SegNode::default()],
        }
    }
}

impl SegTrie {
    fn insert(&mut self, segments: &[String], is_glob: bool, group: u32) {
        let (walk, stem) = match segments.split_last() {
            Some((last, head)) if is_glob => (head, Some(last)),
            _ => (segments, None),
        };
        let mut node = 0usize;
        for seg in walk {
            let next = if seg == "+" {
                self.nodes[node].plus
            } else {
                self.nodes[node].literal.get(seg.as_str()).copied()
            };
            node = match next {
                Some(n) => n as usize,
                None => {
                    let id = self.nodes.len() as u32;
                    self.nodes.push(SegNode::default());
                    if seg == "+" {
                        self.nodes[node].plus = Some(id);
                    } else {
                        self.nodes[node].literal.insert(seg.clone(), id);
                    }
                    id as usize
                }
            };
        }
        match stem {
            Some(stem) => self.nodes[node]
                .globs
                .get_or_insert_with(Trie::default)
                .insert(stem.as_bytes(), group),
            None => self.nodes[node].ends.push(group),
        }
    }

    fn visit(&self, node: usize, i: usize, parts: &[&str], f: &mut dyn FnMut(u32)) {
        let n = &self.nodes[node];
        let Some(part) = parts.get(i) else {
            n.ends.iter().for_each(|&g| f(g));
            return;
        };
        if let Some(globs) = &n.globs {
            globs.prefixes_of(part.as_bytes(), f);
        }
        if let Some(&next) = n.literal.get(*part) {
            self.visit(next as usize, i + 1, parts, f);
        }
        if let Some(next) = n.plus {
            self.visit(next as usize, i + 1, parts, f);
        }
    }
}

/// A byte trie of prefix patterns.
#[derive(Debug, Clone)]
struct Trie {
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Clone, Default)]
struct TrieNode {
    children: Vec<(u8, u32)>,
    group: Option<u32>,
}

impl Default for Trie {
    fn default() -> Self {
        Trie {
            nodes: vec![TrieNode::default()],
        }
    }
}

impl Trie {
    fn insert(&mut self, key: &[u8], group: u32) {
        let mut node = 0usize;
        for &b in key {
            let children = &self.nodes[node].children;
            node = match children.binary_search_by_key(&b, |c| c.0) {
                Ok(i) => children[i].1 as usize,
                Err(i) => {
                    let id = self.nodes.len() as u32;
                    self.nodes[node].children.insert(i, (b, id));
                    self.nodes.push(TrieNode::default());
                    id as usize
                }
            };
        }
        self.nodes[node].group = Some(group);
    }

    fn prefixes_of(&self, path: &[u8], f: &mut dyn FnMut(u32)) {
        let mut node = 0usize;
        if let Some(g) = self.nodes[0].group {
            f(g);
        }
        for &b in path {
            let children = &self.nodes[node].children;
            match children.binary_search_by_key(&b, |c| c.0) {
                Ok(i) => node = children[i].1 as usize,
                Err(_) => return,
            }
            if let Some(g) = self.nodes[node].group {
                f(g);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(policies: &[(&str, &str)]) -> PolicySet {
        PolicySet::new(
            policies
                .iter()
                .map(|(n, t)| Policy::parse(n, t).unwrap())
                .collect(),
        )
    }

    fn caps(s: &PolicySet, path: &str) -> Vec<&'static str> {
        s.capabilities(path)
    }

    #[test]
    fn nothing_is_deny_and_root_is_root() {
        let s = set(&[("a", r#"path "x" { capabilities = ["read"] }"#)]);
        assert_eq!(caps(&s, "y"), ["deny"]);
        let s = set(&[("root", r#"path "x" { capabilities = ["deny"] }"#)]);
        assert_eq!(caps(&s, "x"), ["root"]);
        assert_eq!(s.evaluate("x").access, Access::Root);
    }

    #[test]
    fn same_pattern_merges_and_deny_wins() {
        let s = set(&[
            ("a", r#"path "x/*" { capabilities = ["read"] }"#),
            ("b", "path \"x/*\" { capabilities = [\"list\", \"sudo\"] }\npath \"/x/*\" { capabilities = [\"update\"] }"),
        ]);
        assert_eq!(caps(&s, "x/1"), ["list", "read", "sudo", "update"]);
        let s = set(&[
            ("a", r#"path "x/*" { capabilities = ["read", "sudo"] }"#),
            ("b", r#"path "x/*" { capabilities = ["deny"] }"#),
        ]);
        assert_eq!(caps(&s, "x/1"), ["deny"]);
        let d = s.evaluate("x/1");
        assert_eq!(d.decided_by.len(), 2);
        assert_eq!(d.primary().unwrap().policy, "b");
    }

    #[test]
    fn priority_rules_from_acl_go() {
        // Documented examples from the `less` comment in CheckAllowedFromNonExactPaths.
        let s = set(&[(
            "p",
            "path \"foo/a*\" { capabilities = [\"read\"] }\n\
             path \"foo/+\" { capabilities = [\"list\"] }\n\
             path \"foo/bar/+/baz\" { capabilities = [\"update\"] }\n\
             path \"foo/+/bar/baz\" { capabilities = [\"delete\"] }\n\
             path \"foo/+/+/baz\" { capabilities = [\"create\"] }\n\
             path \"foo/*\" { capabilities = [\"patch\"] }\n\
             path \"foo/+/bar\" { capabilities = [\"scan\"] }\n\
             path \"foo/+/ba*\" { capabilities = [\"sudo\"] }\n\
             path \"foo/+/bar/ba*\" { capabilities = [\"read\", \"list\"] }\n\
             path \"foo/+/bar/b*\" { capabilities = [\"read\", \"update\"] }",
        )]);
        assert_eq!(caps(&s, "foo/abc"), ["read"]); // foo/a* over foo/+
        assert_eq!(caps(&s, "foo/bar/x/baz"), ["update"]); // foo/bar/+/baz over foo/+/bar/baz
        assert_eq!(caps(&s, "foo/x/bar/baz"), ["delete"]); // fewer + over foo/+/+/baz
        assert_eq!(caps(&s, "foo/zz"), ["list"]); // foo/+ over foo/*
        assert_eq!(caps(&s, "foo/x/bar"), ["scan"]); // foo/+/bar over foo/+/ba*
                                                     // `foo/*` ties on the first wildcard position and has fewer `+`: it beats both
                                                     // `foo/+/bar/ba*` and `foo/+/bar/b*` (checked against OpenBao 2.7.2).
        assert_eq!(caps(&s, "foo/x/bar/bazz"), ["patch"]);
        assert_eq!(caps(&s, "foo/x/y/z"), ["patch"]);
        let d = s.evaluate("foo/x/bar/bazz");
        assert_eq!(d.decided_by[0].pattern, "foo/*");
        let lost: Vec<_> = d.overridden.iter().map(|r| r.pattern.as_str()).collect();
        assert_eq!(lost, ["foo/+/bar/ba*", "foo/+/bar/b*", "foo/+/ba*"]);
        assert_eq!(d.matched, Some(MatchKind::Wildcard));
        let s = set(&[(
            "p",
            "path \"foo/+/bar/ba*\" { capabilities = [\"read\", \"list\"] }\n\
             path \"foo/+/bar/b*\" { capabilities = [\"read\", \"update\"] }",
        )]);
        assert_eq!(caps(&s, "foo/x/bar/bazz"), ["list", "read"]); // the longer glob
    }

    #[test]
    fn exact_and_trailing_slash_semantics() {
        let s = set(&[(
            "p",
            "path \"y/\" { capabilities = [\"read\"] }\n\
             path \"a\" { capabilities = [\"list\"] }\n\
             path \"a/*\" { capabilities = [\"update\"] }\n\
             path \"b*\" { capabilities = [\"delete\"] }\n\
             path \"b/*\" { capabilities = [\"create\"] }",
        )]);
        assert_eq!(caps(&s, "y/"), ["read"]);
        assert_eq!(caps(&s, "//y/"), ["read"]);
        assert_eq!(caps(&s, "y//"), ["read"]); // exact on the path minus one `/`
        assert_eq!(caps(&s, "y"), ["deny"]);
        assert_eq!(caps(&s, "/y"), ["deny"]);
        assert_eq!(caps(&s, "a/"), ["list"]); // exact `a` beats glob `a/*` for LIST
        assert_eq!(
            s.evaluate("a/").matched,
            Some(MatchKind::ExactWithoutTrailingSlash)
        );
        assert_eq!(caps(&s, "a/x"), ["update"]);
        // `b/`: globs are tried on `b/` before `b`, so `b/*` beats `b*` (OpenBao 2.7.2).
        assert_eq!(caps(&s, "b/"), ["create"]);
        assert_eq!(caps(&s, "b/x"), ["create"]);
    }

    #[test]
    fn segment_wildcards() {
        let s = set(&[(
            "p",
            "path \"+\" { capabilities = [\"read\"] }\n\
             path \"k/+/v\" { capabilities = [\"list\"] }\n\
             path \"k/+b/*\" { capabilities = [\"update\"] }\n\
             path \"m/+/*\" { capabilities = [\"create\"] }\n\
             path \"n/+/x*\" { capabilities = [\"sudo\"] }",
        )]);
        assert_eq!(caps(&s, "anything"), ["read"]);
        assert_eq!(caps(&s, ""), ["read"]); // `+` matches an empty segment
        assert_eq!(caps(&s, "a/b"), ["deny"]);
        assert_eq!(caps(&s, "k//v"), ["list"]);
        assert_eq!(caps(&s, "k/x/v/"), ["list"]); // via the trimmed path
        assert_eq!(caps(&s, "k/+b/zz"), ["update"]); // `+b` is a literal segment
        assert_eq!(caps(&s, "k/ab/zz"), ["deny"]);
        assert_eq!(caps(&s, "m/x"), ["deny"]);
        assert_eq!(caps(&s, "m/x/"), ["create"]);
        assert_eq!(caps(&s, "n/a/xyz/deeper"), ["sudo"]);
        assert_eq!(caps(&s, "n/a/y"), ["deny"]);
    }

    #[test]
    fn segment_trie_agrees_with_the_literal_matcher() {
        let patterns = [
            "+", "a/+", "a/+/b", "+/+", "a/+/*", "a/+b/c*", "+/x*", "a//+", "+/", "a/+/bc*",
        ];
        let s = set(&[(
            "p",
            &patterns
                .iter()
                .map(|p| format!("path \"{p}\" {{ capabilities = [\"read\"] }}\n"))
                .collect::<String>(),
        )]);
        let segs = ["a", "b", "+b", "c", "bcd", "x", "xy", ""];
        let mut paths = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for base in &paths {
                for seg in segs {
                    next.push(format!("{base}/{seg}"));
                }
            }
            paths.extend(next);
        }
        for path in paths.iter().map(|p| p.strip_prefix('/').unwrap_or(p)) {
            let mut got = Vec::new();
            s.non_exact_matches(path, &mut |g| got.push(g));
            got.sort_unstable();
            let parts = path.split('/').count();
            let want: Vec<u32> = (0..s.groups.len() as u32)
                .filter(|&g| {
                    let g = &s.groups[g as usize];
                    g.pattern.kind == PatternKind::Segment && g.segment_match(path, parts)
                })
                .collect();
            assert_eq!(got, want, "{path}");
        }
    }

    #[test]
    fn expired_and_templated_rules_do_not_count() {
        let policies = vec![Policy::parse(
            "p",
            "path \"a\" {\n capabilities = [\"read\"]\n expiration = \"2000-01-01T00:00:00Z\"\n}\n\
             path \"t/{{identity.entity.id}}\" { capabilities = [\"read\"] }\n\
             path \"t/*\" { capabilities = [\"list\"] }",
        )
        .unwrap()];
        let at = PolicySet::new_at(policies.clone(), 1_800_000_000);
        assert_eq!(at.capabilities("a"), ["deny"]);
        assert_eq!(at.capabilities("t/{{identity.entity.id}}"), ["list"]);
        assert_eq!(PolicySet::new(policies).capabilities("a"), ["read"]);
    }

    #[test]
    fn matrix_and_access_by_policy_match_single_policy_sets() {
        let texts = [
            ("a", "path \"s/*\" { capabilities = [\"read\"] }\npath \"s/x\" { capabilities = [\"deny\"] }"),
            ("b", "path \"s/+\" { capabilities = [\"list\"] }"),
            ("c", "path \"t\" { capabilities = [\"update\"] }"),
            ("root", "path \"q\" { capabilities = [\"read\"] }"),
        ];
        let s = set(&texts);
        let paths = ["s/x", "s/y", "s/y/z", "t", "t/", "u"];
        let m = s.matrix(&paths);
        for (pi, (name, text)) in texts.iter().enumerate() {
            let single = set(&[(name, text)]);
            for (ri, path) in paths.iter().enumerate() {
                assert_eq!(m.get(ri, pi), single.access(path), "{name} {path}");
            }
        }
        let who = s.access_by_policy("s/y");
        let names: Vec<_> = who.iter().map(|w| w.policy.as_str()).collect();
        assert_eq!(names, ["a", "b", "root"]);
        assert_eq!(who[1].access.to_server_list(), ["list"]);
    }
}
