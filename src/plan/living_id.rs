//! A livingid as a change names it, held without an allocation when short.

use std::fmt;
use std::ops::Deref;

use serde::{Serialize, Serializer};

/// A livingid. WeCom's are short, so one is held inline: a plan against a
/// ledger of 100,000 lives names 100,000 of them, one allocation each as
/// `String`s, on the diff's threads (issue 13). A longer one is boxed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LivingId(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// The first `len` bytes are the text.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Boxed(Box<str>),
}

/// The longest livingid held inline, in bytes.
const INLINE: usize = 30;

impl LivingId {
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Copied from a `&str` whole: never cut inside a character.
            Repr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).expect("a livingid's text")
            }
            Repr::Boxed(text) => text,
        }
    }
}

impl From<&str> for LivingId {
    fn from(text: &str) -> LivingId {
        if text.len() > INLINE {
            return LivingId(Repr::Boxed(text.into()));
        }
        let mut bytes = [0; INLINE];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        let len = u8::try_from(text.len()).expect("INLINE is under 256");
        LivingId(Repr::Inline { len, bytes })
    }
}

impl Deref for LivingId {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for LivingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl fmt::Debug for LivingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for LivingId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_as_given_inline_or_boxed() {
        let long = "lv".repeat(40);
        for text in [
            "",
            "lv1",
            "lvHCeuGQAAWx2H0zdgoTE7bCDzGSXn",
            "直播间一二三四五六七八九十",
            &long,
        ] {
            let id = LivingId::from(text);
            assert_eq!(id.as_str(), text);
            assert_eq!(id.to_string(), text);
            assert_eq!(
                serde_json::to_string(&id).unwrap(),
                serde_json::to_string(text).unwrap()
            );
            assert_eq!(format!("{id:?}"), format!("{text:?}"));
        }
        assert!(matches!(
            LivingId::from("x".repeat(INLINE).as_str()).0,
            Repr::Inline { .. }
        ));
        assert!(matches!(
            LivingId::from("x".repeat(INLINE + 1).as_str()).0,
            Repr::Boxed(_)
        ));
        assert_eq!(LivingId::from("lv1"), LivingId::from("lv1"));
        assert_ne!(LivingId::from("lv1"), LivingId::from("lv2"));
    }
}
