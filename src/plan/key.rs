//! A session's key, the name the ledger knows it by: `<class id>/<original local
//! date>`, with `#2`, `#3`… for the later sessions of a class that day.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::{self, Write};
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Serialize, Serializer};

use super::live::PlannedLive;

/// A session's key as its parts: the class id (shared by every session of the
/// class), the date the recurrence gave and the session's number that day. It
/// is written out only where text is wanted, and compares as its text does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionKey {
    class: Arc<str>,
    date: Date,
    /// 1 for the first session of the class that day.
    nth: u32,
}

impl SessionKey {
    pub fn new(class: Arc<str>, date: Date, nth: u32) -> SessionKey {
        SessionKey { class, date, nth }
    }

    pub fn class(&self) -> &str {
        &self.class
    }

    /// The local date the recurrence gave, before any change moved the session.
    pub fn date(&self) -> Date {
        self.date
    }

    /// 1 for the class's first session that day, 2 for its second…
    pub fn nth(&self) -> u32 {
        self.nth
    }

    /// What follows the class id: `/2027-03-01`, or `/2027-03-01#2`.
    fn tail(&self) -> Tail {
        let mut tail = Tail::default();
        let (year, month, day) = (self.date.year(), self.date.month(), self.date.day());
        if (0..=9999).contains(&year) {
            // What `Date`'s `Display` writes for these years, without the formatting machinery.
            tail.push(b'/');
            tail.digits(year as u32, 4);
            tail.push(b'-');
            tail.digits(month as u32, 2);
            tail.push(b'-');
            tail.digits(day as u32, 2);
        } else {
            let _ = write!(tail, "/{}", self.date);
        }
        if self.nth > 1 {
            let _ = write!(tail, "#{}", self.nth);
        }
        tail
    }
}

impl SessionKey {
    /// The key's text, appended to `out`.
    pub fn write_text(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.class.as_bytes());
        out.extend_from_slice(self.tail().as_str().as_bytes());
    }
}

impl fmt::Display for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.class)?;
        f.write_str(self.tail().as_str())
    }
}

/// As the texts sort (`c1-a/…` before `c1/…`, `#10` before `#2`), without writing
/// them out unless the class ids are the same.
impl Ord for SessionKey {
    fn cmp(&self, other: &SessionKey) -> Ordering {
        let (a, b) = (self.class.as_bytes(), other.class.as_bytes());
        let common = a.len().min(b.len());
        match a[..common].cmp(&b[..common]) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        // One id begins the other: the shorter's `/` meets the longer's next byte,
        // which an id never has as `/`.
        let next = |longer: &[u8]| longer.get(common).copied().filter(|&byte| byte != b'/');
        if let Some(byte) = next(a) {
            return byte.cmp(&b'/');
        }
        if let Some(byte) = next(b) {
            return b'/'.cmp(&byte);
        }
        // The same class, or ids with a `/`: the rest of the texts decides.
        let (tail_a, tail_b) = (self.tail(), other.tail());
        let rest_a = a[common..].iter().chain(tail_a.as_str().as_bytes());
        let rest_b = b[common..].iter().chain(tail_b.as_str().as_bytes());
        rest_a.cmp(rest_b)
    }
}

impl PartialOrd for SessionKey {
    fn partial_cmp(&self, other: &SessionKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq<str> for SessionKey {
    fn eq(&self, text: &str) -> bool {
        text.strip_prefix(&*self.class)
            .is_some_and(|rest| rest == self.tail().as_str())
    }
}

impl From<&SessionKey> for String {
    fn from(key: &SessionKey) -> String {
        key.to_string()
    }
}

impl Serialize for SessionKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Room for the longest tail: `/-009999-12-31#4294967295`.
#[derive(Default)]
struct Tail {
    bytes: [u8; 32],
    len: usize,
}

impl Tail {
    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    /// `value` in `width` decimal digits, zeros first.
    fn digits(&mut self, value: u32, width: u32) {
        for place in (0..width).rev() {
            self.push(b'0' + (value / 10u32.pow(place) % 10) as u8);
        }
    }

    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever written in.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Write for Tail {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The plan's sessions, found by a key's text: by class id, then by date and
/// number among the class's few, all of it small enough to stay in the cache.
pub(super) struct Sessions<'p> {
    /// Each class's place in `of_class`.
    classes: HashMap<&'p str, usize>,
    /// Each class's id, by its place.
    ids: Vec<&'p str>,
    /// Each class's sessions as (date, number that day, index in the plan),
    /// sorted, by the class's place among the schedule's ([`crate::plan::LiveClass::index`]).
    of_class: Vec<Vec<(Date, u32, usize)>>,
}

impl<'p> Sessions<'p> {
    pub fn new(lives: &'p [PlannedLive]) -> Sessions<'p> {
        let mut classes = HashMap::new();
        let mut ids = Vec::new();
        let mut of_class: Vec<Vec<(Date, u32, usize)>> = Vec::new();
        for (i, l) in lives.iter().enumerate() {
            let class = l.class.index;
            if class >= of_class.len() {
                of_class.resize_with(class + 1, Vec::new);
                ids.resize(class + 1, "");
            }
            if of_class[class].is_empty() {
                classes.insert(l.class_id(), class);
                ids[class] = l.class_id();
            }
            of_class[class].push((l.key.date(), l.key.nth(), i));
        }
        for list in &mut of_class {
            list.sort_unstable();
        }
        Sessions {
            classes,
            ids,
            of_class,
        }
    }

    /// The index of the session whose key reads `text`.
    #[cfg(test)]
    pub fn find(&self, text: &str) -> Option<usize> {
        self.finder().find(text)
    }

    /// A finder for many keys, quicker when they come in key order.
    pub fn finder(&self) -> Finder<'_, 'p> {
        Finder {
            sessions: self,
            last: None,
        }
    }
}

/// [`Sessions::find`] for keys that come one after the other, as a ledger's
/// do: when they come in key order (a compacted ledger's), most are of the
/// class of the key before, and name the session after its session.
pub(super) struct Finder<'s, 'p> {
    sessions: &'s Sessions<'p>,
    /// The class place and place in its list of the last session found.
    last: Option<(usize, usize)>,
}

impl Finder<'_, '_> {
    /// The index of the session whose key reads `text`.
    pub fn find(&mut self, text: &str) -> Option<usize> {
        let sessions = self.sessions;
        // Class ids hold no `/`: the first one ends the id.
        // (A byte search: `split_once` with a char costs more than the rest here.)
        let (class, tail) = split_at_byte(text, b'/')?;
        let place = match self.last {
            Some((place, _)) if sessions.ids[place] == class => place,
            _ => *sessions.classes.get(class)?,
        };
        let list = &sessions.of_class[place];
        let (date, nth) = match split_at_byte(tail, b'#') {
            Some((date, nth)) => (date, parse_nth(nth)?),
            None => (tail, 1),
        };
        let wanted = (parse_date(date)?, nth);
        let next = match self.last {
            Some((last, at)) if last == place => Some(at + 1),
            _ => None,
        };
        let at = match next {
            Some(at) if list.get(at).is_some_and(|&(d, n, _)| (d, n) == wanted) => at,
            _ => list
                .binary_search_by_key(&wanted, |&(d, n, _)| (d, n))
                .ok()?,
        };
        self.last = Some((place, at));
        Some(list[at].2)
    }
}

/// `text` before and after the first `byte` (ASCII) in it.
fn split_at_byte(text: &str, byte: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == byte)?;
    Some((&text[..at], &text[at + 1..]))
}

/// A session's number after its `#` as a key writes it: 2 or more, in digits,
/// no zero first (`#1`, `#02` and `#+2` name no session).
fn parse_nth(text: &str) -> Option<u32> {
    let digits = text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0');
    text.parse().ok().filter(|&nth| digits && nth > 1)
}

/// A date as a key writes it: `2027-03-01` for the years 0 to 9999, read
/// without the general parser; any other year as `Date` writes it.
fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i16> {
        let digits = bytes.get(range)?;
        digits.iter().try_fold(0i16, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + i16::from(b - b'0'))
        })
    };
    if bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-' {
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        return Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok();
    }
    let date: Date = text.parse().ok()?;
    (date.to_string() == text).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn key(class: &str, nth: u32) -> SessionKey {
        SessionKey::new(class.into(), date(2027, 3, 1), nth)
    }

    #[test]
    fn its_date_reads_as_dates_do() {
        for day in [
            date(2027, 3, 1),
            date(999, 12, 31),
            date(-1, 1, 1),
            date(9999, 1, 1),
        ] {
            let key = SessionKey::new("c".into(), day, 1);
            assert_eq!(key.to_string(), format!("c/{day}"));
        }
    }

    #[test]
    fn reads_as_the_ledger_writes_it() {
        assert_eq!(key("ml-101", 1).to_string(), "ml-101/2027-03-01");
        assert_eq!(key("ml-101", 2).to_string(), "ml-101/2027-03-01#2");
        assert!(key("ml-101", 2) == *"ml-101/2027-03-01#2");
        assert!(key("ml-101", 1) != *"ml-101/2027-03-01#1");
        assert!(key("ml", 1) != *"ml-101/2027-03-01");
    }

    #[test]
    fn sorts_as_its_text() {
        let mut keys = vec![
            key("c1", 1),
            key("c1-a", 1),
            key("c1", 10),
            key("c10", 1),
            key("c1", 2),
            key("c1.b", 3),
            key("c1/x", 1),
            key("c1/2", 1),
            key("机器学习", 1),
            SessionKey::new("c1".into(), date(2027, 2, 28), 1),
            SessionKey::new("c1".into(), date(-30, 2, 28), 1),
            SessionKey::new("c1".into(), date(30, 2, 28), 12),
        ];
        let mut texts: Vec<String> = keys.iter().map(ToString::to_string).collect();
        keys.sort();
        texts.sort();
        assert_eq!(
            keys.iter().map(ToString::to_string).collect::<Vec<_>>(),
            texts
        );
    }

    #[test]
    fn a_session_is_found_by_its_key_as_written_and_no_other_way() {
        let plan = crate::plan::example_plan();
        let sessions = Sessions::new(&plan.lives);
        for (i, l) in plan.lives.iter().enumerate() {
            assert_eq!(sessions.find(&l.key.to_string()), Some(i), "{}", l.key);
        }
        let key = plan.lives[0].key.to_string();
        let (class, date) = key.split_once('/').unwrap();
        for other in [
            format!("{key}#1"),
            format!("{key}#01"),
            format!("{key}#+2"),
            format!("{key}#"),
            format!("{class}/{}", date.replace('-', "")),
            format!("{class}/+{date}"),
            format!("{class}x/{date}"),
            format!("{class}/{date}/"),
            key.replacen('/', "//", 1),
        ] {
            assert_eq!(sessions.find(&other), None, "{other}");
        }
    }

    #[test]
    fn a_finder_finds_keys_that_come_in_any_order() {
        let plan = crate::plan::example_plan();
        let sessions = Sessions::new(&plan.lives);
        let in_plan: Vec<(String, usize)> = plan
            .lives
            .iter()
            .enumerate()
            .map(|(i, l)| (l.key.to_string(), i))
            .collect();
        let mut in_key_order = in_plan.clone();
        in_key_order.sort();
        let mut backwards = in_key_order.clone();
        backwards.reverse();
        // Every other session left out: the next one in key order is not the one after.
        let gapped: Vec<_> = in_key_order.iter().step_by(2).cloned().collect();
        for order in [in_plan, in_key_order, backwards, gapped] {
            let mut finder = sessions.finder();
            for (text, i) in &order {
                assert_eq!(finder.find(text), Some(*i), "{text}");
                // A key of the same class that names no session finds none, and
                // leaves the finder as it was.
                assert_eq!(finder.find(&format!("{text}#1")), None, "{text}#1");
            }
        }
    }
}
