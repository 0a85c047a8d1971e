use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A secret typed by the user (token, password, AppRole secret_id), travelling UI → backend.
///
/// Its `Debug` prints `SecretInput(***)`; its memory is zeroized on drop. It deserializes from a
/// plain JSON string so the UI can send it, and serializes back only for the UI → backend hop.
#[derive(Clone, Default, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct SecretInput(String);

impl SecretInput {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that hands it to a client or the keychain.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when nothing was typed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretInput(***)")
    }
}

impl Serialize for SecretInput {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SecretInput)
    }
}

/// A secret value the backend returns to the UI, only from an explicit reveal command.
///
/// `Debug` is redacted and memory is zeroized on drop. The UI keeps it in component-local state
/// that a timer clears.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct RevealedValue(String);

impl RevealedValue {
    /// Wraps a value that is about to be revealed.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for display after the user asked to reveal it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RevealedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RevealedValue(***)")
    }
}

impl Serialize for RevealedValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RevealedValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(RevealedValue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = SecretInput::new("sentinel-XYZ");
        assert!(!format!("{s:?}").contains("sentinel"));
        let r = RevealedValue::new("sentinel-XYZ");
        assert!(!format!("{r:?}").contains("sentinel"));
        assert_eq!(s.expose(), "sentinel-XYZ");
    }

    #[test]
    fn round_trips_as_a_plain_string() {
        let s: SecretInput = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(s.expose(), "abc");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"abc\"");
    }
}
