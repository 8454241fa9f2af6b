//! The plan as RFC 5545 iCalendar: one VEVENT per session, UIDs stable across runs,
//! DTSTART in the term's zone with its VTIMEZONE, so calendar programs import it as is.

use std::fmt::{self, Write};
use std::io;

use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};

use super::Out;
use crate::calendar::Term;
use crate::plan::Plan;

pub fn ics(out: &mut impl io::Write, plan: &Plan, term: &Term, now: Timestamp) -> io::Result<()> {
    let mut out = Out::new(out);
    let mut lines = Lines::default();
    lines.put(&mut out, "BEGIN:VCALENDAR");
    lines.put(&mut out, "VERSION:2.0");
    lines.put(&mut out, "PRODID:-//livesched//livesched//EN");
    lines.put(&mut out, "CALSCALE:GREGORIAN");
    lines.put(&mut out, "METHOD:PUBLISH");
    lines.put(
        &mut out,
        format_args!("X-WR-CALNAME:{}", Escaped(&term.name)),
    );
    lines.put(&mut out, format_args!("X-WR-TIMEZONE:{}", term.tz_name));
    for line in vtimezone(term) {
        lines.put(&mut out, line);
    }
    let stamp = utc(now);
    for l in &plan.lives {
        lines.put(&mut out, "BEGIN:VEVENT");
        lines.put(&mut out, format_args!("UID:{}@livesched", l.key));
        lines.put(&mut out, format_args!("DTSTAMP:{stamp}"));
        lines.put(
            &mut out,
            format_args!(
                "DTSTART;TZID={}:{}",
                term.tz_name,
                l.start.strftime("%Y%m%dT%H%M%S")
            ),
        );
        lines.put(&mut out, format_args!("DURATION:PT{}M", l.duration() / 60));
        lines.put(&mut out, format_args!("SUMMARY:{}", Escaped(l.theme())));
        let about = format_args!("{} · {} · {}", l.key, l.anchor, l.kind().chinese());
        match l.description() {
            Some(d) => lines.put(
                &mut out,
                format_args!("DESCRIPTION:{}", Escaped(format_args!("{d}\n{about}"))),
            ),
            None => lines.put(&mut out, format_args!("DESCRIPTION:{}", Escaped(about))),
        }
        lines.put(
            &mut out,
            format_args!("CATEGORIES:{}", Escaped(l.class_id())),
        );
        lines.put(&mut out, "END:VEVENT");
    }
    lines.put(&mut out, "END:VCALENDAR");
    out.finish()
}

/// Content lines, each made in one buffer and written folded.
#[derive(Default)]
struct Lines {
    line: String,
}

impl Lines {
    fn put(&mut self, out: &mut impl Write, line: impl fmt::Display) {
        self.line.clear();
        let _ = write!(self.line, "{line}");
        fold(&self.line, out);
    }
}

/// The zone's rules over the term: an opening component, then each transition.
fn vtimezone(term: &Term) -> Vec<String> {
    let tz: &TimeZone = &term.tz;
    let from = term
        .start
        .checked_sub(1.day())
        .unwrap_or(term.start)
        .to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let until = term
        .end
        .checked_add(2.days())
        .unwrap_or(term.end)
        .to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let info = tz.to_offset_info(from);
    let mut offset = info.offset();
    let mut out = vec![
        "BEGIN:VTIMEZONE".to_string(),
        format!("TZID:{}", term.tz_name),
    ];
    let kind = if info.dst().is_dst() {
        "DAYLIGHT"
    } else {
        "STANDARD"
    };
    out.extend([
        format!("BEGIN:{kind}"),
        "DTSTART:19700101T000000".to_string(),
        format!("TZOFFSETFROM:{}", ical_offset(offset)),
        format!("TZOFFSETTO:{}", ical_offset(offset)),
        format!("TZNAME:{}", info.abbreviation()),
        format!("END:{kind}"),
    ]);
    for t in tz.following(from).take_while(|t| t.timestamp() <= until) {
        let kind = if t.dst().is_dst() {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        // DTSTART is the local time just before the change, in the old offset.
        let local = offset.to_datetime(t.timestamp());
        out.extend([
            format!("BEGIN:{kind}"),
            format!("DTSTART:{}", local.strftime("%Y%m%dT%H%M%S")),
            format!("TZOFFSETFROM:{}", ical_offset(offset)),
            format!("TZOFFSETTO:{}", ical_offset(t.offset())),
            format!("TZNAME:{}", t.abbreviation()),
            format!("END:{kind}"),
        ]);
        offset = t.offset();
    }
    out.push("END:VTIMEZONE".into());
    out
}

fn ical_offset(o: Offset) -> String {
    let secs = o.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("{sign}{:02}{:02}", secs / 3600, (secs % 3600) / 60)
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: backslash, semicolon, comma and newline escaped.
struct Escaped<T>(T);

impl<T: fmt::Display> fmt::Display for Escaped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(Escaping(f), "{}", self.0)
    }
}

/// Writes what it is given with TEXT's escapes.
struct Escaping<'a, 'f>(&'a mut fmt::Formatter<'f>);

impl Write for Escaping<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut rest = s;
        while let Some(at) = rest.find(['\\', ';', ',', '\n']) {
            self.0.write_str(&rest[..at])?;
            self.0.write_str(match rest.as_bytes()[at] {
                b'\\' => "\\\\",
                b';' => "\\;",
                b',' => "\\,",
                _ => "\\n",
            })?;
            rest = &rest[at + 1..];
        }
        self.0.write_str(rest)
    }
}

/// Lines longer than 75 octets continue on the next line after a space (never inside a character).
fn fold(line: &str, out: &mut impl Write) {
    let mut width = 0;
    let mut from = 0;
    for (at, c) in line.char_indices() {
        let n = c.len_utf8();
        if width + n > 75 {
            let _ = out.write_str(&line[from..at]);
            let _ = out.write_str("\r\n ");
            from = at;
            width = 1;
        }
        width += n;
    }
    let _ = out.write_str(&line[from..]);
    let _ = out.write_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_on_character_boundaries() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "机".repeat(40)), &mut out);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
        }
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "机".repeat(40))
        );
    }

    #[test]
    fn escapes_text() {
        assert_eq!(Escaped("a,b;c\\d\ne").to_string(), "a\\,b\\;c\\\\d\\ne");
    }
}
