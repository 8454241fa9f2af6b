//! The plan as RFC 5545 iCalendar: one VEVENT per session, UIDs stable across runs,
//! DTSTART in the term's zone with its VTIMEZONE, so calendar programs import it as is.

use std::fmt::Write;

use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};

use crate::calendar::Term;
use crate::plan::Plan;

pub fn ics(plan: &Plan, term: &Term, now: Timestamp) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//livesched//livesched//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", escape(&term.name)),
        format!("X-WR-TIMEZONE:{}", term.tz_name),
    ];
    lines.extend(vtimezone(term));
    let stamp = utc(now);
    for l in &plan.lives {
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}@livesched", l.key));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.push(format!(
            "DTSTART;TZID={}:{}",
            term.tz_name,
            l.start.strftime("%Y%m%dT%H%M%S")
        ));
        lines.push(format!("DURATION:PT{}M", l.duration() / 60));
        lines.push(format!("SUMMARY:{}", escape(&l.theme().to_string())));
        let mut description = format!("{} · {} · {}", l.key, l.anchor, l.kind().chinese());
        if let Some(d) = l.description() {
            description = format!("{d}\n{description}");
        }
        lines.push(format!("DESCRIPTION:{}", escape(&description)));
        lines.push(format!("CATEGORIES:{}", escape(l.class_id())));
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        fold(&line, &mut out);
    }
    out
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

/// TEXT values escape backslash, semicolon, comma and newline.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Lines longer than 75 octets continue on the next line after a space (never inside a character).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    let _ = write!(out, "\r\n");
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
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
