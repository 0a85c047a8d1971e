//! Canonical layout for a policy text, without changing what it means.
//!
//! HCL: every line re-indented by two spaces per open `{`/`[`/`(` (outside strings and
//! comments), trailing whitespace removed, runs of blank lines collapsed to one, one final
//! newline. Tokens, comments and their order are kept, so the result reads like the original.
//! JSON: pretty-printed. Either way the formatted text is parsed again and must yield the same
//! rules (ignoring line numbers); otherwise the original is returned unchanged.

use crate::{ParseError, Policy};

/// Formats a policy text; an invalid policy returns the parser's error (nothing to format).
pub fn format(text: &str) -> Result<String, ParseError> {
    let original = Policy::parse("policy", text)?;
    let formatted = if text.trim_start().starts_with('{') {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_else(|_| text.to_owned()) + "\n",
            Err(_) => return Ok(text.to_owned()),
        }
    } else if text.contains("<<") {
        // Heredocs keep their own layout; leave such texts alone.
        return Ok(text.to_owned());
    } else {
        reindent(text)
    };
    match Policy::parse("policy", &formatted) {
        Ok(p) if same_rules(&p, &original) => Ok(formatted),
        _ => Ok(text.to_owned()),
    }
}

fn same_rules(a: &Policy, b: &Policy) -> bool {
    a.rules.len() == b.rules.len()
        && a.rules.iter().zip(&b.rules).all(|(x, y)| {
            let mut x = x.clone();
            x.line = y.line;
            &x == y
        })
}

fn reindent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth: usize = 0;
    let mut in_block_comment = false;
    let mut blank_run = 0;
    for raw in text.lines() {
        let line = raw.trim();
        if in_block_comment {
            // Inside /* ... */: keep the author's layout.
            out.push_str(raw.trim_end());
            out.push('\n');
            in_block_comment = scan(line, &mut depth, true);
            continue;
        }
        if line.is_empty() {
            blank_run += 1;
            if blank_run == 1 && !out.is_empty() {
                out.push('\n');
            }
            continue;
        }
        blank_run = 0;
        let closes_first = line.starts_with(['}', ']', ')']);
        let level = if closes_first {
            depth.saturating_sub(1)
        } else {
            depth
        };
        out.push_str(&"  ".repeat(level));
        out.push_str(line);
        out.push('\n');
        in_block_comment = scan(line, &mut depth, false);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

/// Updates `depth` with the brackets of one line outside strings and comments; returns whether
/// the line ends inside a block comment.
fn scan(line: &str, depth: &mut usize, mut in_block: bool) -> bool {
    let mut chars = line.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_block {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                in_block = false;
            }
            continue;
        }
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '#' => break,
            '/' if chars.peek() == Some(&'/') => break,
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                in_block = true;
            }
            '{' | '[' | '(' => *depth += 1,
            '}' | ']' | ')' => *depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    in_block
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reindents_and_keeps_comments_and_meaning() {
        let messy = "# team policy\n\n\n   path \"secret/data/a/*\" {\ncapabilities = [\n\"read\",   # why\n \"list\"]\n      }   \n\n\n\npath \"sys/mounts\" {   capabilities = [\"read\"] }\n";
        let f = format(messy).unwrap();
        assert_eq!(
            f,
            "# team policy\n\npath \"secret/data/a/*\" {\n  capabilities = [\n    \"read\",   # why\n    \"list\"]\n}\n\npath \"sys/mounts\" {   capabilities = [\"read\"] }\n"
        );
        // Idempotent.
        assert_eq!(format(&f).unwrap(), f);
    }

    #[test]
    fn braces_inside_strings_and_comments_do_not_count() {
        let t = "path \"secret/{x}/*\" {\n# } not a brace\n/* { also\nnot */\ncapabilities = [\"read\"]\n}\n";
        let f = format(t).unwrap();
        assert!(f.contains("\n  capabilities = [\"read\"]\n}\n"), "{f}");
    }

    #[test]
    fn invalid_policies_are_an_error_and_json_is_pretty_printed() {
        assert!(format("path \"a\" { capabilities = [\"bogus\"] }").is_err());
        let j = format(r#"{"path":{"a/*":{"capabilities":["read"]}}}"#).unwrap();
        assert!(j.starts_with("{\n  \"path\": {\n"), "{j}");
    }
}
