//! The secret editor's draft: rows of key, value and "is JSON", convertible to and from the raw
//! JSON object the raw editor shows, and validated before a save.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use vaultdeck_types::{RevealedSecret, SecretField, SecretInput};

/// One row of the key/value editor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftRow {
    /// The key.
    pub key: String,
    /// The value as typed (JSON text when `json`).
    pub value: String,
    /// The value is JSON (number, boolean, array, object), not a string.
    pub json: bool,
}

/// Rows from a revealed version, sorted by key.
pub fn rows_from(secret: &RevealedSecret) -> Vec<DraftRow> {
    secret
        .data
        .iter()
        .map(|(k, f)| DraftRow {
            key: k.clone(),
            value: f.value.expose().to_owned(),
            json: f.json,
        })
        .collect()
}

/// Checks keys (non-empty, unique) and JSON values; the message names the key, not the value.
pub fn validate(rows: &[DraftRow]) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for r in rows {
        let key = r.key.trim();
        if key.is_empty() {
            return Err("every row needs a key".into());
        }
        if !seen.insert(key) {
            return Err(format!("the key {key} appears twice"));
        }
        if r.json && serde_json::from_str::<Value>(&r.value).is_err() {
            return Err(format!(
                "the value of {key} is not valid JSON; untick JSON to store it as text"
            ));
        }
    }
    Ok(())
}

/// The rows as the fields a write sends.
pub fn fields(rows: &[DraftRow]) -> BTreeMap<String, SecretField> {
    rows.iter()
        .map(|r| {
            (
                r.key.trim().to_owned(),
                SecretField {
                    value: SecretInput::new(r.value.clone()),
                    json: r.json,
                },
            )
        })
        .collect()
}

/// The rows as a pretty JSON object (for the raw editor).
pub fn to_json_text(rows: &[DraftRow]) -> String {
    let mut map = Map::new();
    for r in rows {
        let v = if r.json {
            serde_json::from_str(&r.value).unwrap_or_else(|_| Value::String(r.value.clone()))
        } else {
            Value::String(r.value.clone())
        };
        map.insert(r.key.clone(), v);
    }
    serde_json::to_string_pretty(&Value::Object(map)).unwrap_or_default()
}

/// Rows from the raw editor's text, which must be a JSON object.
pub fn from_json_text(text: &str) -> Result<Vec<DraftRow>, String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("not valid JSON (line {}, column {})", e.line(), e.column()))?;
    let Value::Object(map) = v else {
        return Err("the secret must be a JSON object of key/value pairs".into());
    };
    Ok(map
        .into_iter()
        .map(|(key, v)| match v {
            Value::String(s) => DraftRow {
                key,
                value: s,
                json: false,
            },
            other => DraftRow {
                key,
                value: other.to_string(),
                json: true,
            },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(k: &str, v: &str, json: bool) -> DraftRow {
        DraftRow {
            key: k.into(),
            value: v.into(),
            json,
        }
    }

    #[test]
    fn json_round_trip_keeps_types() {
        let rows = vec![
            row("a", "x", false),
            row("n", "5432", true),
            row("o", "{\"k\":1}", true),
        ];
        let text = to_json_text(&rows);
        assert!(text.contains("\"n\": 5432"));
        let back = from_json_text(&text).unwrap();
        assert_eq!(back[0], row("a", "x", false));
        assert_eq!(back[1], row("n", "5432", true));
        assert_eq!(back[2], row("o", "{\"k\":1}", true));
        assert!(from_json_text("[1]").is_err());
        assert!(from_json_text("{").unwrap_err().contains("line 1"));
    }

    #[test]
    fn validation_names_keys_not_values() {
        assert!(validate(&[row("a", "1", false), row("b", "x", false)]).is_ok());
        assert!(validate(&[row(" ", "1", false)]).is_err());
        assert!(validate(&[row("a", "1", false), row("a", "2", false)])
            .unwrap_err()
            .contains("twice"));
        let e = validate(&[row("k", "not-json-SECRET", true)]).unwrap_err();
        assert!(e.contains('k') && !e.contains("SECRET"));
        let f = fields(&[row(" k ", "v", false)]);
        assert_eq!(f["k"].value.expose(), "v");
    }
}
