//! A request body as a ledger record holds it: JSON text, parsed only when asked.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// A request body as a ledger line holds it: its JSON text, kept as written and
/// parsed only when a field is asked for. A ledger holds one per session, and
/// most are only ever compared with the body planned now (see [`Body::text`]).
///
/// Two bodies are equal when their JSON values are.
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Body(Box<RawValue>);

impl Body {
    pub fn new(value: &Value) -> Body {
        Body(serde_json::value::to_raw_value(value).expect("a JSON value serializes"))
    }

    /// The JSON text. A body this program wrote is a `Value`'s compact text: keys
    /// sorted, no spaces. The same text means the same value; different text
    /// may still be the same value.
    pub fn text(&self) -> &str {
        self.0.get()
    }

    pub fn value(&self) -> Value {
        // The text was checked to be JSON when it was read or made.
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        self.text() == other.text() || self.value() == other.value()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}
