//! Text fields with limits: what a person typed is stored verbatim, but only if it fits.
//!
//! Each newtype states its bounds once; the constructor and deserialisation both enforce them,
//! so a record read back from storage is as valid as one just typed.

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Checks `text` against a field's limits and says precisely what is wrong.
pub fn check_text(field: &str, text: &str, min: usize, max: usize) -> Result<(), ValidationError> {
    let chars = text.chars().count();
    if min > 0 && text.trim().is_empty() {
        return Err(ValidationError::new(
            field,
            "is required and cannot be empty",
        ));
    }
    if chars < min {
        return Err(ValidationError::new(
            field,
            format!("must be at least {min} characters (got {chars})"),
        ));
    }
    if chars > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters (got {chars})"),
        ));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(ValidationError::new(
            field,
            format!(
                "contains the control character U+{:04X}, which is not accepted",
                bad as u32
            ),
        ));
    }
    Ok(())
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, field = $field:literal, min = $min:expr, max = $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MIN_CHARS: usize = $min;
            pub const MAX_CHARS: usize = $max;

            /// Validates under the default field name.
            pub fn new(text: impl Into<String>) -> Result<Self, ValidationError> {
                Self::for_field($field, text)
            }

            /// Validates, naming `field` in the error.
            pub fn for_field(field: &str, text: impl Into<String>) -> Result<Self, ValidationError> {
                let text = text.into();
                check_text(field, &text, Self::MIN_CHARS, Self::MAX_CHARS)?;
                Ok(Self(text))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

bounded_text!(
    /// A title or name shown in lists: 1 to 200 characters.
    Title, field = "title", min = 1, max = 200
);
bounded_text!(
    /// A short label such as a business unit, vendor or case reference: 1 to 200 characters.
    Label, field = "label", min = 1, max = 200
);
bounded_text!(
    /// A required free-text account (what happened, the AI output, the decision): 1 to 4,000
    /// characters, the most a Discord text input holds.
    Narrative, field = "text", min = 1, max = 4000
);

/// An optional free-text field: absent, or 1 to 4,000 characters.
pub type OptionalNarrative = Option<Narrative>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_counted_in_characters_not_bytes() {
        assert!(Title::new("é".repeat(200)).is_ok());
        let err = Title::new("é".repeat(201)).unwrap_err();
        assert_eq!(err.message, "must be at most 200 characters (got 201)");
    }

    #[test]
    fn blank_required_text_is_refused() {
        let err = Narrative::for_field("what_happened", "  \n ").unwrap_err();
        assert_eq!(err.field, "what_happened");
        assert!(err.message.contains("required"));
    }

    #[test]
    fn deserialisation_enforces_the_same_limits() {
        let long = serde_json::json!("x".repeat(5000));
        assert!(serde_json::from_value::<Title>(long).is_err());
    }

    #[test]
    fn text_is_kept_verbatim() {
        let typed = "  @everyone <@&123> **bold**\n";
        assert_eq!(
            Narrative::new(typed).map(String::from),
            Ok(typed.to_owned())
        );
    }
}
