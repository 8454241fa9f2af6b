//! A request body as a ledger record holds it: JSON text, parsed only when asked.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// A request body as a ledger line holds it: its JSON text, kept as written and
/// parsed only when a field is asked for. A ledger holds one per session, and
/// most are only ever compared with the body planned now (see [`Body::text`]).
///
/// Reads and writes as that JSON, like a `serde_json::value::RawValue`. Two
/// bodies are equal when their JSON values are.
#[derive(Clone)]
pub struct Body(
    /// Always one JSON value, with nothing around it: as a `RawValue` checks it.
    /// Plain text rather than a `RawValue`, so that a ledger line checked
    /// already (see [`Body::from_json`]) is not parsed a second time to make one.
    Box<str>,
);

impl Body {
    pub fn new(value: &Value) -> Body {
        Body(
            serde_json::value::to_raw_value(value)
                .expect("a JSON value serializes")
                .into(),
        )
    }

    /// A body of `text` known to be one JSON value, with nothing around it,
    /// that serde's `RawValue` would take as it is.
    pub(super) fn from_json(text: &str) -> Body {
        Body(text.into())
    }

    /// The JSON text. A body this program wrote is a `Value`'s compact text: keys
    /// sorted, no spaces. The same text means the same value; different text
    /// may still be the same value.
    pub fn text(&self) -> &str {
        &self.0
    }

    pub fn value(&self) -> Value {
        self.as_ref().value()
    }

    /// The body borrowed, as a ledger's state hands one out.
    pub fn as_ref(&self) -> BodyRef<'_> {
        BodyRef(&self.0)
    }
}

/// A [`Body`] borrowed: its JSON text where it lies, in the line a ledger's
/// state keeps of the record (see [`crate::ledger::KeyState::request`]).
#[derive(Clone, Copy)]
pub struct BodyRef<'a>(
    /// One JSON value, as a [`Body`]'s text.
    &'a str,
);

impl<'a> BodyRef<'a> {
    /// A body of `text` known to be one JSON value, as [`Body::from_json`].
    pub(super) fn from_json(text: &'a str) -> BodyRef<'a> {
        BodyRef(text)
    }

    /// The JSON text; see [`Body::text`].
    pub fn text(self) -> &'a str {
        self.0
    }

    pub fn value(self) -> Value {
        // The text was checked to be JSON when it was read or made.
        serde_json::from_str(self.0).unwrap_or(Value::Null)
    }
}

/// Equal when their JSON values are, as [`Body`]s.
impl PartialEq for BodyRef<'_> {
    fn eq(&self, other: &BodyRef<'_>) -> bool {
        self.0 == other.0 || self.value() == other.value()
    }
}

impl fmt::Debug for BodyRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for Body {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Borrowed, not copied; the text is JSON, so this does not fail. Bodies
        // are written one per API call, where the check costs nothing that shows.
        let raw: &RawValue = serde_json::from_str(&self.0).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Body, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(|raw| Body(raw.into()))
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        self.as_ref() == other.as_ref()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;

    /// What `Body` was: a `Box<RawValue>`, `#[serde(transparent)]`.
    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Raw(Box<RawValue>);

    /// The text each reads for `body` in `{"body": TEXT }` and writes again, or the error.
    fn read(text: &str) -> (Result<String, String>, Result<String, String>) {
        let line = format!(r#"{{"body": {text} }}"#);
        let mine = serde_json::from_str::<BTreeMap<String, Body>>(&line)
            .map(|m| serde_json::to_string(&m).unwrap())
            .map_err(|e| e.to_string());
        let raw = serde_json::from_str::<BTreeMap<String, Raw>>(&line)
            .map(|m| serde_json::to_string(&m).unwrap())
            .map_err(|e| e.to_string());
        (mine, raw)
    }

    #[test]
    fn reads_and_writes_as_a_raw_value_did() {
        let value = json!({"theme": "a \"b\" \\ \u{1}", "n": -1, "list": [1, {"x": null}]});
        let body = Body::new(&value);
        let raw = Raw(serde_json::value::to_raw_value(&value).unwrap());
        assert_eq!(body.text(), raw.0.get());
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            serde_json::to_string(&raw).unwrap()
        );
        assert_eq!(body.value(), value);
        let texts = [
            r#"{"a":1}"#,
            r#"[ 1 , "x" ]"#,
            "\"s\"",
            "-0",
            "1e5",
            "{",
            "01",
            "\"\\x\"",
            "\"\\u00e9\"",
        ];
        for text in texts {
            let (mine, raw) = read(text);
            assert_eq!(mine, raw, "{text}");
        }
    }
}
