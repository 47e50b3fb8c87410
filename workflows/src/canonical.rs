//! Canonical JSON, the byte form the ledger hashes: object keys sorted, no insignificant
//! whitespace, UTF-8, and instants written by [`crate::Timestamp`] with fixed precision.
//!
//! Keys are sorted here, explicitly, rather than trusting `serde_json::Value`'s map order: any
//! crate in the build may switch on serde_json's `preserve_order` feature, and feature
//! unification would then silently change what gets hashed.

use serde::Serialize;
use serde_json::Value;

/// The canonical bytes of any serialisable value.
pub fn to_canonical_bytes<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let value = serde_json::to_value(value)?;
    Ok(to_canonical_string(&value).into_bytes())
}

/// The canonical text of a JSON value.
pub fn to_canonical_string(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_scalar(&Value::String(key.clone()), out);
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => write_scalar(scalar, out),
    }
}

fn write_scalar(value: &Value, out: &mut String) {
    // A scalar `Value` always serialises: strings are escaped, numbers are finite by construction.
    out.push_str(&serde_json::to_string(value).unwrap_or_default());
}

/// Whether `text` is exactly the canonical form of the JSON it holds: stored payloads must be,
/// so that a changed byte can never hash to the same event.
pub fn is_canonical(text: &str) -> bool {
    serde_json::from_str::<Value>(text).is_ok_and(|v| to_canonical_string(&v) == text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth_and_whitespace_dropped() {
        let v = json!({"b": 1, "a": {"z": [3, {"y": 1, "x": 2}], "c": "é"}});
        assert_eq!(
            to_canonical_string(&v),
            r#"{"a":{"c":"é","z":[3,{"x":2,"y":1}]},"b":1}"#
        );
    }

    #[test]
    fn only_the_exact_canonical_text_is_canonical() {
        assert!(is_canonical(r#"{"a":1,"b":[true,null]}"#));
        assert!(!is_canonical(r#"{"b":1,"a":1}"#));
        assert!(!is_canonical(r#"{"a": 1}"#));
        assert!(!is_canonical(r#"{"a":"\u0041"}"#));
        assert!(!is_canonical("not json"));
    }
}
