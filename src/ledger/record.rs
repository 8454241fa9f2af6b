//! One line of the ledger: what happened to one session, and when.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::Body;

/// What a record says happened. An unknown event in a file is corruption, not
/// something to skip: skipping could forget a live that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    /// About to call the API; `action` says which call.
    Intent,
    Created,
    /// An existing live matched the session and was taken over instead of creating one.
    Adopted,
    Modified,
    Cancelled,
    Failed,
    /// WeCom's view of the live was observed (`status`); it does not move the session on.
    Refreshed,
    /// A live of this app that matched none of this schedule's sessions when its
    /// anchor was listed (another schedule's, or made by hand): never adopted,
    /// modified or cancelled. Keyed by [`foreign_key`], with what was seen.
    Foreign,
    /// A second scheduled live for a session this ledger holds (two runners raced):
    /// keyed `KEY~LIVINGID` like a replaced live, so that the next apply cancels it.
    Duplicate,
}

impl Event {
    /// Every event, in the order they are declared (a new event goes here too:
    /// the ledger's fast path reads only these names, and the proptests draw from them).
    pub const ALL: [Event; 9] = [
        Event::Intent,
        Event::Created,
        Event::Adopted,
        Event::Modified,
        Event::Cancelled,
        Event::Failed,
        Event::Refreshed,
        Event::Foreign,
        Event::Duplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::Intent => "intent",
            Event::Created => "created",
            Event::Adopted => "adopted",
            Event::Modified => "modified",
            Event::Cancelled => "cancelled",
            Event::Failed => "failed",
            Event::Refreshed => "refreshed",
            Event::Foreign => "foreign",
            Event::Duplicate => "duplicate",
        }
    }

    /// Whether the event moves the session through its life. `refreshed` only
    /// observes it, so it must neither hide a pending intent nor stand in for
    /// the last thing we did.
    pub fn is_lifecycle(self) -> bool {
        self != Event::Refreshed
    }

    /// Whether a `request` on a record of this event is a body WeCom accepted.
    pub fn is_success(self) -> bool {
        matches!(self, Event::Created | Event::Adopted | Event::Modified)
    }
}

/// The key under which a live that is not ours is remembered. Session keys start
/// with a class id (letters, digits, `-`, `_`, `.`), so this one never names a session.
pub fn foreign_key(livingid: &str) -> String {
    format!("~foreign/{livingid}")
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a live actually started and how long it ran (or has run so far), as
/// `get_living_info` said; its schedule is in the record's `request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actual {
    /// Unix seconds.
    pub living_start: i64,
    /// Seconds.
    pub living_duration: i64,
}

/// One ledger line. Unset fields are left out of the line; fields this version
/// does not know are tolerated on read so that an older binary can read a newer ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The session key, e.g. `ml-101/2027-03-01` or `ml-101/2027-03-01#2`.
    pub key: String,
    pub event: Event,
    /// For intents: `create`, `modify` or `cancel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livingid: Option<String>,
    /// WeCom's live status as observed, for `refreshed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errcode: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For `refreshed`: when the live actually started and how long it ran, once it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<Actual>,
    /// When the record was made.
    pub at: Timestamp,
    /// The exact body sent to `living/create` or `living/modify`. Last, because it is long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Body>,
}

impl Record {
    pub fn new(key: impl Into<String>, event: Event, at: Timestamp) -> Record {
        Record {
            key: key.into(),
            event,
            action: None,
            livingid: None,
            status: None,
            errcode: None,
            error: None,
            actual: None,
            at,
            request: None,
        }
    }

    pub fn with_action(mut self, action: impl Into<String>) -> Record {
        self.action = Some(action.into());
        self
    }

    pub fn with_livingid(mut self, livingid: impl Into<String>) -> Record {
        self.livingid = Some(livingid.into());
        self
    }

    pub fn with_request(mut self, request: Value) -> Record {
        self.request = Some(Body::new(&request));
        self
    }

    /// `errcode` is `None` when no reply came back (timeout, reset).
    pub fn with_error(mut self, errcode: Option<i64>, error: impl Into<String>) -> Record {
        self.errcode = errcode;
        self.error = Some(error.into());
        self
    }

    pub fn with_status(mut self, status: u8) -> Record {
        self.status = Some(status);
        self
    }

    pub fn with_actual(mut self, actual: Option<Actual>) -> Record {
        self.actual = actual;
        self
    }

    /// The record as one ledger line, newline included.
    pub(crate) fn to_line(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut line = serde_json::to_vec(self)?;
        line.push(b'\n');
        Ok(line)
    }
}
