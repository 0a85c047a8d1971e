//! Parsing policies from HCL (through `hcl-rs`, whose `hcl::edit` layer keeps byte spans, so
//! every rule knows the line of its `path "<pattern>"` header) and from JSON (a small reader
//! that keeps the line of every object key).
//!
//! Validation follows `parsePaths` in OpenBao's `vault/policy.go`, in the same order, so the
//! first error reported is the one the server would report.

use std::time::Duration;

use hcl::edit::structure::{BlockLabel, Body, Structure};
use hcl::edit::Span;
use serde_json::{Map, Value};

use crate::capability::{Capability, CapabilitySet};
use crate::error::ParseError;
use crate::model::{ParameterMap, Policy, Rule};

/// Keys allowed inside a `path` block (`parsePaths`, `valid`).
const RULE_KEYS: &[&str] = &[
    "comment",
    "policy",
    "capabilities",
    "allowed_parameters",
    "denied_parameters",
    "required_parameters",
    "min_wrapping_ttl",
    "max_wrapping_ttl",
    "mfa_methods",
    "pagination_limit",
    "expiration",
    "list_scan_response_keys_filter_path",
    "control_group",
];

/// A `path` block before validation.
struct RawRule {
    pattern: String,
    line: usize,
    attrs: Vec<RawAttr>,
}

struct RawAttr {
    name: String,
    value: Value,
    line: usize,
}

/// 1-based line numbers from byte offsets.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset)
    }
}

impl Policy {
    /// Parses a policy the way the server does: JSON when the first non-blank character is
    /// `{` (HCL 1's own rule), HCL otherwise. `name` is lower-cased like the server does.
    pub fn parse(name: &str, text: &str) -> Result<Policy, ParseError> {
        if text.trim_start().starts_with('{') {
            Policy::parse_json(name, text)
        } else {
            Policy::parse_hcl(name, text)
        }
    }

    /// Parses an HCL policy.
    ///
    /// The server uses HCL 1; this uses HCL 2 (`hcl-rs`). Every policy written in the usual
    /// style parses the same; HCL 1-only syntax (commas between attributes, several
    /// attributes inside one-line braces) is a syntax error here.
    pub fn parse_hcl(name: &str, text: &str) -> Result<Policy, ParseError> {
        if text.trim().is_empty() {
            return Err(ParseError::Empty);
        }
        let body: Body =
            text.parse()
                .map_err(|e: hcl::edit::parser::Error| ParseError::Syntax {
                    line: e.location().line(),
                    column: e.location().column(),
                    message: e.message().to_owned(),
                })?;
        let lines = Lines::new(text);
        let line_of =
            |span: Option<std::ops::Range<usize>>| span.map_or(0, |r| lines.line(r.start));
        // Top-level keys are checked before any rule (`CheckHCLKeys(list, ["name", "path"])`).
        for s in body.iter() {
            match s {
                Structure::Attribute(a) if a.key.as_str() == "name" => {}
                Structure::Attribute(a) if a.key.as_str() == "path" => {
                    return Err(ParseError::InvalidValue {
                        path: "path".into(),
                        field: "path".into(),
                        message:
                            "a rule must be a block: path \"<pattern>\" { capabilities = [...] }"
                                .into(),
                        line: line_of(a.span()),
                    })
                }
                Structure::Attribute(a) => {
                    return Err(ParseError::InvalidKey {
                        key: a.key.as_str().to_owned(),
                        path: None,
                        line: line_of(a.span()),
                    })
                }
                Structure::Block(b) if b.ident.as_str() == "path" => {}
                Structure::Block(b) => {
                    return Err(ParseError::InvalidKey {
                        key: b.ident.as_str().to_owned(),
                        path: None,
                        line: line_of(b.ident.span()),
                    })
                }
            }
        }
        let mut raws = Vec::new();
        for block in body.blocks() {
            // `path { }` is the rule for the path "path"; `path "a" "b" { }` is the rule for "a"
            // (HCL 1 decoding: the first key, or the block name when there is none).
            let (pattern, span) = match block.labels.first() {
                Some(BlockLabel::String(s)) => (s.value().clone(), s.span()),
                Some(BlockLabel::Ident(i)) => (i.as_str().to_owned(), i.span()),
                None => ("path".to_owned(), block.ident.span()),
            };
            let line = line_of(span.or_else(|| block.span()));
            let mut attrs = Vec::new();
            for s in block.body.iter() {
                match s {
                    Structure::Attribute(a) => {
                        let value = hcl_to_json(a.value.clone().into()).map_err(|message| {
                            ParseError::InvalidValue {
                                path: pattern.clone(),
                                field: a.key.as_str().to_owned(),
                                message,
                                line: line_of(a.span()),
                            }
                        })?;
                        attrs.push(RawAttr {
                            name: a.key.as_str().to_owned(),
                            value,
                            line: line_of(a.span()),
                        });
                    }
                    Structure::Block(b) => {
                        // `allowed_parameters { "x" = [] }`-style nested blocks act as objects.
                        let value =
                            body_to_json(&b.body).map_err(|message| ParseError::InvalidValue {
                                path: pattern.clone(),
                                field: b.ident.as_str().to_owned(),
                                message,
                                line: line_of(b.ident.span()),
                            })?;
                        attrs.push(RawAttr {
                            name: b.ident.as_str().to_owned(),
                            value,
                            line: line_of(b.ident.span()),
                        });
                    }
                }
            }
            raws.push(RawRule {
                pattern,
                line,
                attrs,
            });
        }
        build(name, raws)
    }

    /// Parses a JSON policy: `{"path": {"<pattern>": {"capabilities": [...]}, ...}}` (the
    /// value of `path` may also be a list of such objects).
    pub fn parse_json(name: &str, text: &str) -> Result<Policy, ParseError> {
        if text.trim().is_empty() {
            return Err(ParseError::Empty);
        }
        let root = json::parse(text)?;
        let lines = Lines::new(text);
        let json::Node::Object(top) = root.node else {
            return Err(ParseError::Syntax {
                line: lines.line(root.offset),
                column: 1,
                message: "does not contain a root object".into(),
            });
        };
        for (key, key_off, _) in &top {
            if key != "name" && key != "path" {
                return Err(ParseError::InvalidKey {
                    key: key.clone(),
                    path: None,
                    line: lines.line(*key_off),
                });
            }
        }
        let mut raws = Vec::new();
        for (key, key_off, value) in top {
            if key != "path" {
                continue;
            }
            let objects = match value.node {
                json::Node::Object(o) => vec![o],
                json::Node::Array(items) => items
                    .into_iter()
                    .map(|i| match i.node {
                        json::Node::Object(o) => Ok(o),
                        _ => Err(lines.line(i.offset)),
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|line| ParseError::InvalidValue {
                        path: "path".into(),
                        field: "path".into(),
                        message: "expected an object of rules".into(),
                        line,
                    })?,
                _ => {
                    return Err(ParseError::InvalidValue {
                        path: "path".into(),
                        field: "path".into(),
                        message: "expected an object of rules".into(),
                        line: lines.line(key_off),
                    })
                }
            };
            for rules in objects {
                for (pattern, off, body) in rules {
                    let line = lines.line(off);
                    let members = match body.node {
                        json::Node::Object(o) => o,
                        json::Node::Array(items) => {
                            let mut all = Vec::new();
                            for i in items {
                                match i.node {
                                    json::Node::Object(o) => all.extend(o),
                                    _ => {
                                        return Err(ParseError::InvalidValue {
                                            path: pattern,
                                            field: "path".into(),
                                            message: "expected an object".into(),
                                            line,
                                        })
                                    }
                                }
                            }
                            all
                        }
                        _ => {
                            return Err(ParseError::InvalidValue {
                                path: pattern,
                                field: "path".into(),
                                message: "expected an object".into(),
                                line,
                            })
                        }
                    };
                    let attrs = members
                        .into_iter()
                        .map(|(name, off, v)| RawAttr {
                            name,
                            value: v.into_value(),
                            line: lines.line(off),
                        })
                        .collect();
                    raws.push(RawRule {
                        pattern,
                        line,
                        attrs,
                    });
                }
            }
        }
        build(name, raws)
    }
}

fn build(name: &str, raws: Vec<RawRule>) -> Result<Policy, ParseError> {
    let rules = raws
        .into_iter()
        .map(decode_rule)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Policy {
        name: name.to_lowercase(),
        rules,
    })
}

fn hcl_to_json(expr: hcl::Expression) -> Result<Value, String> {
    use hcl::Expression as E;
    Ok(match expr {
        E::Null => Value::Null,
        E::Bool(b) => Value::Bool(b),
        E::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().map(Value::from).unwrap_or(Value::Null)
            }
        }
        E::String(s) => Value::String(s),
        E::Array(items) => Value::Array(
            items
                .into_iter()
                .map(hcl_to_json)
                .collect::<Result<_, _>>()?,
        ),
        E::Object(obj) => {
            let mut map = Map::new();
            for (k, v) in obj {
                let key = match k {
                    hcl::ObjectKey::Identifier(i) => i.to_string(),
                    hcl::ObjectKey::Expression(e) => match hcl_to_json(e)? {
                        Value::String(s) => s,
                        other => other.to_string(),
                    },
                    _ => return Err("unsupported object key".into()),
                };
                map.insert(key, hcl_to_json(v)?);
            }
            Value::Object(map)
        }
        E::TemplateExpr(t) => match *t {
            hcl::TemplateExpr::QuotedString(s) => Value::String(s),
            hcl::TemplateExpr::Heredoc(h) => Value::String(h.template),
        },
        E::Variable(v) => {
            return Err(format!(
                "unexpected identifier `{}`: values must be literals (quote strings)",
                v.as_str()
            ))
        }
        _ => return Err("values must be literals: no expressions or function calls".into()),
    })
}

fn body_to_json(body: &Body) -> Result<Value, String> {
    let mut map = Map::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                map.insert(
                    a.key.as_str().to_owned(),
                    hcl_to_json(a.value.clone().into())?,
                );
            }
            Structure::Block(b) => {
                map.insert(b.ident.as_str().to_owned(), body_to_json(&b.body)?);
            }
        }
    }
    Ok(Value::Object(map))
}

/// `PopulateString` in validity-check mode: `Ok(true)` when the pattern is templated.
fn check_templating(pattern: &str) -> Result<bool, ()> {
    let mut parts = pattern.split("{{");
    let first = parts.next().unwrap_or_default();
    if first.contains("}}") {
        return Err(());
    }
    let mut templated = false;
    for piece in parts {
        if piece.split("}}").count() != 2 {
            return Err(());
        }
        templated = true;
    }
    Ok(templated)
}

fn decode_rule(raw: RawRule) -> Result<Rule, ParseError> {
    let RawRule {
        pattern,
        line,
        attrs,
    } = raw;
    let invalid = |field: &str, message: &str| ParseError::InvalidValue {
        path: pattern.clone(),
        field: field.to_owned(),
        message: message.to_owned(),
        line,
    };
    let templated = check_templating(&pattern).map_err(|()| ParseError::Templating {
        path: pattern.clone(),
        line,
    })?;
    if let Some(a) = attrs.iter().find(|a| !RULE_KEYS.contains(&a.name.as_str())) {
        return Err(ParseError::InvalidKey {
            key: a.name.clone(),
            path: Some(pattern.clone()),
            line: a.line,
        });
    }
    if let Some(cg) = attrs.iter().find(|a| a.name == "control_group") {
        let has_factor = cg
            .value
            .get("factor")
            .is_some_and(|f| f.as_object().is_some_and(|o| !o.is_empty()) || f.is_array());
        if !has_factor {
            return Err(ParseError::Constraint {
                path: pattern.clone(),
                message: "error handling control_group: requires at least one factor but had none"
                    .into(),
                line: cg.line,
            });
        }
    }

    // Decode (HCL 1 appends repeated list attributes and merges repeated maps).
    let mut capabilities: Vec<String> = Vec::new();
    let mut old_policy: Option<String> = None;
    let mut allowed: Option<ParameterMap> = None;
    let mut denied: Option<ParameterMap> = None;
    let mut required: Vec<String> = Vec::new();
    let mut min_ttl: Option<&Value> = None;
    let mut max_ttl: Option<&Value> = None;
    let mut expiration: Option<&Value> = None;
    let mut pagination_limit = 0;
    let mut filter_path: Option<String> = None;
    for a in &attrs {
        match a.name.as_str() {
            "capabilities" => {
                capabilities.extend(string_list(&a.value).ok_or_else(|| {
                    invalid("capabilities", "expected a list of capability names")
                })?)
            }
            "policy" => {
                old_policy = Some(
                    scalar_string(&a.value)
                        .ok_or_else(|| invalid("policy", "expected a string"))?,
                )
            }
            "allowed_parameters" => merge_params(&mut allowed, &a.value)
                .map_err(|m| invalid("allowed_parameters", &m))?,
            "denied_parameters" => {
                merge_params(&mut denied, &a.value).map_err(|m| invalid("denied_parameters", &m))?
            }
            "required_parameters" | "mfa_methods" => {
                let list = string_list(&a.value)
                    .ok_or_else(|| invalid(&a.name, "expected a list of strings"))?;
                if a.name == "required_parameters" {
                    required.extend(list);
                }
            }
            "min_wrapping_ttl" => min_ttl = Some(&a.value),
            "max_wrapping_ttl" => max_ttl = Some(&a.value),
            "expiration" => expiration = Some(&a.value),
            "pagination_limit" => {
                pagination_limit = a
                    .value
                    .as_i64()
                    .or_else(|| a.value.as_str().and_then(|s| s.trim().parse().ok()))
                    .ok_or_else(|| invalid("pagination_limit", "expected an integer"))?
            }
            "list_scan_response_keys_filter_path" => {
                filter_path = Some(scalar_string(&a.value).ok_or_else(|| {
                    invalid("list_scan_response_keys_filter_path", "expected a string")
                })?)
            }
            _ => {}
        }
    }

    let expiration = match expiration {
        None => None,
        Some(v) => parse_absolute_time(v)
            .map(Some)
            .ok_or(ParseError::Expiration {
                path: pattern.clone(),
                line,
            })?,
    };

    let stripped = pattern.strip_prefix('/').unwrap_or(&pattern);
    if stripped.contains("+*") {
        return Err(ParseError::PlusGlob {
            path: pattern.clone(),
            line,
        });
    }

    if let Some(p) = &old_policy {
        if !p.is_empty() {
            let expanded: &[&str] = match p.as_str() {
                "deny" => {
                    capabilities.clear();
                    &["deny"]
                }
                "read" => &["read", "list"],
                "write" => &["create", "read", "update", "delete", "list"],
                "sudo" => &["create", "read", "update", "delete", "list", "sudo"],
                other => {
                    return Err(ParseError::InvalidOldPolicy {
                        path: pattern.clone(),
                        policy: other.to_owned(),
                        line,
                    })
                }
            };
            capabilities.extend(expanded.iter().map(|s| (*s).to_owned()));
        }
    }

    let mut rule = Rule::new(pattern.clone(), CapabilitySet::EMPTY, line);
    rule.templated = templated;
    rule.expiration = expiration;
    for name in &capabilities {
        match Capability::from_name(name) {
            // `deny` ends the rule: the server ignores everything after it, unchecked.
            Some(Capability::Deny) => {
                rule.capabilities = CapabilitySet::DENY;
                return Ok(rule);
            }
            Some(c) => rule.capabilities.insert(c),
            None => {
                return Err(ParseError::InvalidCapability {
                    path: pattern.clone(),
                    capability: name.clone(),
                    line,
                })
            }
        }
    }

    rule.allowed_parameters = allowed;
    rule.denied_parameters = denied;
    let ttl = |field: &str, v: Option<&Value>| -> Result<Option<Duration>, ParseError> {
        match v {
            None => Ok(None),
            Some(v) => parse_duration_second(v)
                .map(Some)
                .map_err(|e| ParseError::WrappingTtl {
                    path: pattern.clone(),
                    message: format!("error parsing {field}: {e}"),
                    line,
                }),
        }
    };
    rule.min_wrapping_ttl = ttl("min_wrapping_ttl", min_ttl)?.filter(|d| !d.is_zero());
    rule.max_wrapping_ttl = ttl("max_wrapping_ttl", max_ttl)?.filter(|d| !d.is_zero());
    if let (Some(min), Some(max)) = (rule.min_wrapping_ttl, rule.max_wrapping_ttl) {
        if max < min {
            return Err(ParseError::WrappingTtl {
                path: pattern.clone(),
                message: "max_wrapping_ttl cannot be less than min_wrapping_ttl".into(),
                line,
            });
        }
    }
    rule.required_parameters = required;
    if filter_path.is_some_and(|f| !f.is_empty()) && !rule.capabilities.contains(Capability::List) {
        return Err(ParseError::Constraint {
            path: pattern.clone(),
            message: "list_scan_response_keys_filter_path needs to be used on a path with the \
                      list capability"
                .into(),
            line,
        });
    }
    rule.pagination_limit = pagination_limit;
    Ok(rule)
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(scalar_string).collect()
}

fn merge_params(into: &mut Option<ParameterMap>, v: &Value) -> Result<(), String> {
    let obj = v
        .as_object()
        .ok_or_else(|| "expected an object of parameter name = [values]".to_string())?;
    let map = into.get_or_insert_with(ParameterMap::new);
    for (k, vals) in obj {
        let vals = match vals {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        map.entry(k.to_lowercase()).or_default().extend(vals);
    }
    Ok(())
}

/// `parseutil.ParseDurationSecond`: a number of seconds, `""`, an integer string (seconds),
/// `<n>d` (days) or a Go duration (`1h30m`, `1.5s`, `300ms`).
pub(crate) fn parse_duration_second(v: &Value) -> Result<Duration, String> {
    match v {
        Value::Number(n) => n
            .as_f64()
            .filter(|f| *f >= 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| format!("time: invalid duration \"{n}\"")),
        Value::String(s) => parse_duration_str(s.trim()),
        Value::Null => Ok(Duration::ZERO),
        other => Err(format!("time: invalid duration \"{other}\"")),
    }
}

fn parse_duration_str(s: &str) -> Result<Duration, String> {
    let bad = || format!("time: invalid duration \"{s}\"");
    if s.is_empty() {
        return Ok(Duration::ZERO);
    }
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    if let Some(days) = s.strip_suffix('d').and_then(|d| d.parse::<u64>().ok()) {
        return Ok(Duration::from_secs(days * 86_400));
    }
    // Go's time.ParseDuration (non-negative only).
    let mut rest = s.strip_prefix('+').unwrap_or(s);
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let number: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    Ok(Duration::from_secs_f64(total))
}

/// `parseutil.ParseAbsoluteTime`: RFC 3339, or Unix seconds.
fn parse_absolute_time(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(secs) = s.parse::<i64>() {
                return Some(secs);
            }
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .ok()
                .map(|t| t.unix_timestamp())
        }
        _ => None,
    }
}

/// A JSON reader that keeps the byte offset of every value and object key.
mod json {
    use serde_json::{Map, Value};

    use crate::error::ParseError;

    pub(super) struct Spanned {
        pub(super) offset: usize,
        pub(super) node: Node,
    }

    pub(super) enum Node {
        Scalar(Value),
        Array(Vec<Spanned>),
        /// (key, offset of the key, value), in source order.
        Object(Vec<(String, usize, Spanned)>),
    }

    impl Spanned {
        pub(super) fn into_value(self) -> Value {
            match self.node {
                Node::Scalar(v) => v,
                Node::Array(items) => {
                    Value::Array(items.into_iter().map(Spanned::into_value).collect())
                }
                Node::Object(members) => {
                    let mut map = Map::new();
                    for (k, _, v) in members {
                        map.insert(k, v.into_value());
                    }
                    Value::Object(map)
                }
            }
        }
    }

    struct Reader<'a> {
        text: &'a str,
        pos: usize,
    }

    pub(super) fn parse(text: &str) -> Result<Spanned, ParseError> {
        let mut r = Reader { text, pos: 0 };
        let v = r.value(0)?;
        r.ws();
        if r.pos != text.len() {
            return Err(r.error("unexpected data after the JSON document"));
        }
        Ok(v)
    }

    impl Reader<'_> {
        fn error(&self, message: &str) -> ParseError {
            let before = &self.text[..self.pos.min(self.text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            ParseError::Syntax {
                line,
                column,
                message: message.to_owned(),
            }
        }

        fn ws(&mut self) {
            let rest = &self.text[self.pos..];
            self.pos += rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\r']).len();
        }

        fn peek(&self) -> Option<u8> {
            self.text.as_bytes().get(self.pos).copied()
        }

        fn value(&mut self, depth: usize) -> Result<Spanned, ParseError> {
            if depth > 128 {
                return Err(self.error("nesting too deep"));
            }
            self.ws();
            let offset = self.pos;
            let node = match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    let mut members = Vec::new();
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                    } else {
                        loop {
                            self.ws();
                            let key_off = self.pos;
                            let key = match self.string()? {
                                Value::String(s) => s,
                                _ => return Err(self.error("expected a string key")),
                            };
                            self.ws();
                            if self.peek() != Some(b':') {
                                return Err(self.error("expected `:`"));
                            }
                            self.pos += 1;
                            let v = self.value(depth + 1)?;
                            members.push((key, key_off, v));
                            self.ws();
                            match self.peek() {
                                Some(b',') => self.pos += 1,
                                Some(b'}') => {
                                    self.pos += 1;
                                    break;
                                }
                                _ => return Err(self.error("expected `,` or `}`")),
                            }
                        }
                    }
                    Node::Object(members)
                }
                Some(b'[') => {
                    self.pos += 1;
                    let mut items = Vec::new();
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                    } else {
                        loop {
                            items.push(self.value(depth + 1)?);
                            self.ws();
                            match self.peek() {
                                Some(b',') => self.pos += 1,
                                Some(b']') => {
                                    self.pos += 1;
                                    break;
                                }
                                _ => return Err(self.error("expected `,` or `]`")),
                            }
                        }
                    }
                    Node::Array(items)
                }
                Some(b'"') => Node::Scalar(self.string()?),
                Some(_) => {
                    let rest = &self.text[self.pos..];
                    let len = rest
                        .find([',', '}', ']', ' ', '\t', '\n', '\r'])
                        .unwrap_or(rest.len());
                    let v: Value = serde_json::from_str(&rest[..len])
                        .map_err(|_| self.error("expected a JSON value"))?;
                    self.pos += len;
                    Node::Scalar(v)
                }
                None => return Err(self.error("unexpected end of input")),
            };
            Ok(Spanned { offset, node })
        }

        fn string(&mut self) -> Result<Value, ParseError> {
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string"));
            }
            let bytes = self.text.as_bytes();
            let mut i = self.pos + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => {
                        let v: Value = serde_json::from_str(&self.text[self.pos..=i])
                            .map_err(|e| self.error(&format!("invalid string: {e}")))?;
                        self.pos = i + 1;
                        return Ok(v);
                    }
                    _ => i += 1,
                }
            }
            Err(self.error("unterminated string"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(p: &Policy, i: usize) -> Vec<&'static str> {
        p.rules[i]
            .capabilities
            .iter()
            .map(Capability::as_str)
            .collect()
    }

    #[test]
    fn hcl_rules_keep_their_header_lines() {
        let text = "# path \"not/a/rule\" { capabilities = [\"read\"] }\n\
                    /* path \"neither\" {} */\n\
                    name = \"x\"\n\
                    \n\
                    path \"secret/data/app\" {\n\
                    \x20 capabilities = [\"read\", \"list\"] # path \"x\"\n\
                    }\n\
                    path \"sys/*\" { capabilities = [\"deny\"] }\n\
                    path \"split/{header}\" {\n\
                    \x20 capabilities = [\"update\"]\n\
                    \x20 comment = \"path \\\"inner\\\" {\"\n\
                    }\r\n\
                    path \"crlf\" { capabilities = [\"read\"] }\r\n";
        let p = Policy::parse("Team", text).unwrap();
        assert_eq!(p.name, "team");
        let got: Vec<(&str, usize)> = p
            .rules
            .iter()
            .map(|r| (r.pattern.as_str(), r.line))
            .collect();
        assert_eq!(
            got,
            [
                ("secret/data/app", 5),
                ("sys/*", 8),
                ("split/{header}", 9),
                ("crlf", 13)
            ]
        );
        assert_eq!(caps(&p, 0), ["list", "read"]);
        assert_eq!(caps(&p, 1), ["deny"]);
    }

    #[test]
    fn json_rules_keep_their_key_lines() {
        let text = "{\n  \"name\": \"x\",\n  \"path\": {\n    \"a/b\": {\"capabilities\": [\"read\"]},\n\n    \"c/*\": {\n      \"capabilities\": [\"list\"]\n    }\n  }\n}";
        let p = Policy::parse("j", text).unwrap();
        let got: Vec<(&str, usize)> = p
            .rules
            .iter()
            .map(|r| (r.pattern.as_str(), r.line))
            .collect();
        assert_eq!(got, [("a/b", 4), ("c/*", 6)]);
        let list =
            r#"{"path": [{"x": {"capabilities": ["read"]}}, {"y": [{"capabilities": ["list"]}]}]}"#;
        let p = Policy::parse("j", list).unwrap();
        assert_eq!(p.rules.len(), 2);
        assert_eq!(caps(&p, 1), ["list"]);
    }

    #[test]
    fn rejects_what_the_server_rejects() {
        let err = |t: &str| Policy::parse("p", t).unwrap_err();
        assert!(matches!(
            err(r#"path "a/+*" { capabilities = ["read"] }"#),
            ParseError::PlusGlob { .. }
        ));
        assert!(matches!(
            err(r#"path "a+*" { capabilities = ["read"] }"#),
            ParseError::PlusGlob { .. }
        ));
        for bad in ["subscribe", "recover", "READ", "bogus"] {
            let e = err(&format!("path \"a\" {{ capabilities = [\"{bad}\"] }}"));
            assert!(
                matches!(&e, ParseError::InvalidCapability { capability, .. } if capability == bad),
                "{e}"
            );
            assert!(e
                .to_string()
                .contains(&format!("invalid capability \"{bad}\"")));
        }
        assert!(matches!(
            err(r#"path "a" { capabilities = "read" }"#),
            ParseError::InvalidValue { .. }
        ));
        assert!(matches!(
            err(r#"path "a" { policy = "bogus" }"#),
            ParseError::InvalidOldPolicy { .. }
        ));
        assert!(matches!(
            err("path \"a\" {\n capabilities = [\"read\"]\n bogus = 1\n}"),
            ParseError::InvalidKey { line: 3, .. }
        ));
        assert!(matches!(
            err(r#"bogus "a" { capabilities = ["read"] }"#),
            ParseError::InvalidKey { path: None, .. }
        ));
        assert!(matches!(
            err(r#"path = "a""#),
            ParseError::InvalidValue { .. }
        ));
        assert!(matches!(
            err(r#"path "a}}b" { capabilities = ["read"] }"#),
            ParseError::Templating { .. }
        ));
        assert!(matches!(
            err(r#"path "a/{{x" { capabilities = ["read"] }"#),
            ParseError::Templating { .. }
        ));
        assert!(matches!(
            err("path \"a\" {\n capabilities = [\"read\"]\n min_wrapping_ttl = \"10s\"\n max_wrapping_ttl = \"5s\"\n}"),
            ParseError::WrappingTtl { .. }
        ));
        assert!(matches!(
            err("path \"a\" {\n capabilities = [\"read\"]\n min_wrapping_ttl = \"abc\"\n}"),
            ParseError::WrappingTtl { .. }
        ));
        assert!(matches!(
            err("path \"a\" {\n capabilities = [\"read\"]\n expiration = \"garbage\"\n}"),
            ParseError::Expiration { .. }
        ));
        assert!(matches!(
            err("path \"a\" {\n capabilities = [\"read\"]\n list_scan_response_keys_filter_path = \"x\"\n}"),
            ParseError::Constraint { .. }
        ));
        assert!(matches!(err("path \"a\" {\n capabilities = [\"read\"]\n control_group = {\n ttl = \"1h\"\n }\n}"), ParseError::Constraint { .. }));
        assert!(matches!(
            err(r#"path "a" { capabilities = [read] }"#),
            ParseError::InvalidValue { .. }
        ));
        assert!(matches!(
            err("path \"a\" {"),
            ParseError::Syntax { line: 1, .. }
        ));
        assert!(matches!(err("   "), ParseError::Empty));
        assert!(matches!(
            err(r#"{"path": {"a/b": {"capabilities": ["bogus"]}}}"#),
            ParseError::InvalidCapability { .. }
        ));
        assert!(matches!(
            err("{\n\"path\": {\n\"a\": {}\n},\n\"x\": 1}"),
            ParseError::InvalidKey { line: 5, .. }
        ));
        assert!(matches!(err("{\"path\": "), ParseError::Syntax { .. }));
    }

    #[test]
    fn accepts_what_the_server_accepts() {
        let ok = |t: &str| Policy::parse("p", t).unwrap();
        // `*` not at the end is a literal character on OpenBao 2.7.2 (accepted, matched literally).
        assert_eq!(
            ok(r#"path "a/*/b" { capabilities = ["read"] }"#)
                .rules
                .len(),
            1
        );
        // `deny` ends the rule: what follows is not checked.
        assert_eq!(
            caps(&ok(r#"path "a" { capabilities = ["deny", "bogus"] }"#), 0),
            ["deny"]
        );
        assert_eq!(
            caps(&ok(r#"path "a" { capabilities = ["read", "deny"] }"#), 0),
            ["deny"]
        );
        assert!(ok(r#"path "a" { capabilities = [] }"#).rules[0]
            .capabilities
            .is_empty());
        assert!(ok(r#"path "a" { }"#).rules[0].capabilities.is_empty());
        assert_eq!(
            caps(&ok(r#"path "a" { policy = "write" }"#), 0),
            ["create", "delete", "list", "read", "update"]
        );
        assert_eq!(
            caps(
                &ok("path \"a\" {\n policy = \"write\"\n capabilities = [\"sudo\"]\n}"),
                0
            ),
            ["create", "delete", "list", "read", "sudo", "update"]
        );
        // Repeated attributes: HCL 1 appends them, HCL 2 (hcl-rs) refuses them. A known
        // difference, reported as a syntax error on the repeated line.
        assert!(matches!(
            Policy::parse(
                "p",
                "path \"a\" {\n capabilities = [\"read\"]\n capabilities = [\"list\"]\n}"
            ),
            Err(ParseError::Syntax { line: 3, .. })
        ));
        let p = ok(
            "path \"a\" \"b\" { capabilities = [\"read\"] }\npath { capabilities = [\"list\"] }",
        );
        assert_eq!(p.rules[0].pattern, "a");
        assert_eq!(p.rules[1].pattern, "path");
        let p = ok(r#"path "a/{{identity.entity.id}}/*" { capabilities = ["read"] }"#);
        assert!(p.rules[0].templated);
        let p = ok("path \"a\" {\n capabilities = [\"read\"]\n allowed_parameters = {\n \"Foo\" = [\"x\", 1]\n \"*\" = []\n }\n required_parameters = [\"foo\"]\n min_wrapping_ttl = 100\n max_wrapping_ttl = \"1h\"\n expiration = \"2000-01-01T00:00:00Z\"\n pagination_limit = 5\n comment = \"hi\"\n mfa_methods = [\"m\"]\n}");
        let r = &p.rules[0];
        assert_eq!(r.allowed_parameters.as_ref().unwrap().len(), 2);
        assert!(r.allowed_parameters.as_ref().unwrap().contains_key("foo"));
        assert_eq!(r.min_wrapping_ttl, Some(Duration::from_secs(100)));
        assert_eq!(r.max_wrapping_ttl, Some(Duration::from_secs(3600)));
        assert_eq!(r.expiration, Some(946_684_800));
        assert_eq!(r.pagination_limit, 5);
    }

    #[test]
    fn go_durations() {
        let d = |s: &str| parse_duration_str(s);
        assert_eq!(d("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(d("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(d("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(d("90"), Ok(Duration::from_secs(90)));
        assert_eq!(d("2d"), Ok(Duration::from_secs(172_800)));
        assert!(d("abc").is_err());
        assert!(d("10x").is_err());
    }
}
