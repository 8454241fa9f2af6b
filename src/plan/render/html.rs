//! The plan as one self-contained HTML page: the term week by week, for people to look at.
//!
//! No scripts, fonts, images or network: a Content-Security-Policy that forbids
//! all of them makes any slip a console error rather than a silent fetch.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write};
use std::io;

use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, ToSpan};

use super::Out;
use super::state::SessionState;
use crate::calendar::{Calendar, Term, monday_of};
use crate::ledger::LedgerState;
use crate::plan::changes::{Action, Change};
use crate::plan::{Plan, PlannedLive, SkipReason, Skipped};

mod day;

use day::day;

const STYLE: &str = include_str!("html.css");

const WEEKDAYS: [(&str, &str); 7] = [
    ("Mon", "周一"),
    ("Tue", "周二"),
    ("Wed", "周三"),
    ("Thu", "周四"),
    ("Fri", "周五"),
    ("Sat", "周六"),
    ("Sun", "周日"),
];

/// Everything the page needs, looked up once.
struct Page<'a> {
    plan: &'a Plan,
    cal: Calendar<'a>,
    ledger: &'a LedgerState,
    actions: std::collections::HashMap<&'a crate::plan::SessionKey, Action>,
    /// Class id → its colour index, in order of first appearance.
    classes: BTreeMap<&'a str, usize>,
    today: Date,
}

pub fn html(
    out: &mut impl io::Write,
    plan: &Plan,
    term: &Term,
    changes: &[Change],
    ledger: &LedgerState,
    now: Timestamp,
) -> io::Result<()> {
    let mut order: Vec<&str> = Vec::new();
    let ids = plan
        .lives
        .iter()
        .map(|l| l.class_id())
        .chain(plan.skipped.iter().map(|s| &*s.class));
    for id in ids {
        if !order.contains(&id) {
            order.push(id);
        }
    }
    let page = Page {
        plan,
        cal: Calendar::new(term),
        ledger,
        actions: changes
            .iter()
            .filter_map(|c| Some((c.key.session()?, c.action)))
            .collect(),
        classes: order.iter().enumerate().map(|(i, id)| (*id, i)).collect(),
        today: now.to_zoned_datetime(term.tz.clone()).date(),
    };
    let mut out = Out::new(out);
    head(&mut out, term, &order);
    let _ = out.write_str("<body>\n");
    header(&mut out, &page, term, now);
    legend(&mut out, &page, &order);
    grid(&mut out, &page, term);
    orphans(&mut out, changes, &page);
    let _ = out.write_str("</body>\n</html>\n");
    out.finish()
}

fn head(out: &mut impl Write, term: &Term, classes: &[&str]) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"generator\" content=\"livesched\">\n\
         <title>{} · timetable</title>\n<style>\n{STYLE}",
        esc(&term.name)
    );
    for (i, _) in classes.iter().enumerate() {
        let _ = writeln!(out, ".c{i}{{--c:{};--bg:{}}}", colour(i, 45), colour(i, 93));
    }
    let _ = out.write_str("</style>\n</head>\n");
}

/// Hues a golden angle apart, so classes next to each other never look alike; with
/// twenty-odd classes some hues come close, so the shade steps too.
fn colour(i: usize, lightness: u32) -> String {
    let hue = (i as f64 * 137.508 + 210.0) % 360.0;
    let step = [0, -12, 9][i % 3];
    let (saturation, lightness) = if lightness > 80 {
        (75, lightness.saturating_add_signed(step / 3))
    } else {
        (60, lightness.saturating_add_signed(step))
    };
    format!("hsl({hue:.0} {saturation}% {lightness}%)")
}

fn header(out: &mut impl Write, page: &Page<'_>, term: &Term, now: Timestamp) {
    let lives = &page.plan.lives;
    let hours: i64 = lives.iter().map(|l| l.duration()).sum();
    let now_local = now.to_zoned_datetime(term.tz.clone());
    let _ = write!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{} – {} · {} · {} teaching weeks · {} · {} · {} · as of {}</p>\n",
        esc(&term.name),
        term.start,
        term.end,
        esc(&term.tz_name),
        page.cal.weeks(),
        plural(page.classes.len(), "class"),
        plural(lives.len(), "session"),
        hours_text(hours),
        now_local.strftime("%Y-%m-%d %H:%M"),
    );
    let mut states: BTreeMap<SessionState, usize> = BTreeMap::new();
    let mut past = 0;
    for l in lives {
        *states
            .entry(SessionState::of(&l.key.to_string(), page.ledger))
            .or_default() += 1;
        if page.actions.get(&l.key) == Some(&Action::Past) {
            past += 1;
        }
    }
    let _ = out.write_str("<ul class=\"counts\">");
    for (state, n) in &states {
        let name = state.name();
        let _ = write!(
            out,
            "<li><span class=\"badge {name}\">{}</span> {n}</li>",
            label(*state)
        );
    }
    let cancelled = page
        .plan
        .skipped
        .iter()
        .filter(|s| s.reason == SkipReason::Cancelled)
        .count();
    let _ = write!(
        out,
        "<li><span class=\"badge past\">past</span> {past}</li>\
         <li><span class=\"badge dropped\">cancelled in the schedule</span> {cancelled}</li></ul>\n</header>\n"
    );
}

fn legend(out: &mut impl Write, page: &Page<'_>, order: &[&str]) {
    // Each class's sessions, hours and anchors, in one pass over the sessions.
    let mut classes: HashMap<&str, (usize, i64, Vec<&str>)> = HashMap::new();
    for l in &page.plan.lives {
        let (sessions, seconds, anchors) = classes.entry(l.class_id()).or_default();
        *sessions += 1;
        *seconds += l.duration();
        if !anchors.contains(&&*l.anchor) {
            anchors.push(&l.anchor);
        }
    }
    let _ = out.write_str("<section class=\"legend\" aria-label=\"classes\">\n<ul>");
    for (i, id) in order.iter().enumerate() {
        let (sessions, hours, mut anchors) = classes.remove(id).unwrap_or_default();
        anchors.sort_unstable();
        let _ = write!(
            out,
            "<li class=\"c{i}\"><span class=\"swatch\"></span><b>{}</b> <span>{} · {} · {}</span></li>",
            esc(id),
            plural(sessions, "session"),
            hours_text(hours),
            esc(&anchors.join(", ")),
        );
    }
    let _ = out.write_str(
        "</ul>\n<p class=\"marks\"><span class=\"mark holiday\">holiday</span> \
        <span class=\"mark makeup\">调休 make-up day</span> \
        <span class=\"mark moved\">moved</span> \
        <span class=\"mark dropped\">cancelled</span> \
        <span class=\"mark past\">past</span> \
        <span class=\"mark today\">today</span></p>\n</section>\n",
    );
}

fn grid(out: &mut impl Write, page: &Page<'_>, term: &Term) {
    let mut by_day: BTreeMap<Date, Vec<&PlannedLive>> = BTreeMap::new();
    for l in &page.plan.lives {
        by_day.entry(l.start.date()).or_default().push(l);
    }
    for day in by_day.values_mut() {
        day.sort_by(|a, b| (a.start.timestamp(), &a.key).cmp(&(b.start.timestamp(), &b.key)));
    }
    let mut skipped: BTreeMap<Date, Vec<&Skipped>> = BTreeMap::new();
    for s in &page.plan.skipped {
        // A holiday says so once for the whole day, not once per class.
        if !matches!(s.reason, SkipReason::Holiday(_)) {
            skipped.entry(s.date).or_default().push(s);
        }
    }
    // A session moved to another day leaves a marker where it was.
    let mut moved_away: BTreeMap<Date, Vec<&PlannedLive>> = BTreeMap::new();
    for l in &page.plan.lives {
        if l.original_date() != l.start.date() {
            moved_away.entry(l.original_date()).or_default().push(l);
        }
    }
    let first = by_day
        .keys()
        .next()
        .map_or(term.start, |d| (*d).min(term.start));
    let last = by_day
        .keys()
        .last()
        .map_or(term.end, |d| (*d).max(term.end));
    let _ = out.write_str("<table class=\"term\">\n<thead><tr><th class=\"wk\">week</th>");
    for (en, zh) in WEEKDAYS {
        let _ = write!(out, "<th>{en} <small>{zh}</small></th>");
    }
    let _ = out.write_str("</tr></thead>\n<tbody>\n");
    let mut monday = monday_of(first);
    while monday <= last {
        let week = page.cal.week_of(monday);
        let sunday = monday.checked_add(6.days()).unwrap_or(monday);
        let _ = writeln!(
            out,
            "<tr class=\"week\" id=\"week-{week}\"><th class=\"wk\" scope=\"row\"><b>{week}</b><small>第{week}周</small><small>{} – {}</small></th>",
            short(monday),
            short(sunday)
        );
        for offset in 0..7 {
            let date = monday.checked_add(offset.days()).unwrap_or(monday);
            let lives = by_day.get(&date).map_or(&[][..], Vec::as_slice);
            let dropped = skipped.get(&date).map_or(&[][..], Vec::as_slice);
            let away = moved_away.get(&date).map_or(&[][..], Vec::as_slice);
            day(out, page, date, lives, dropped, away);
        }
        let _ = out.write_str("</tr>\n");
        monday = match monday.checked_add(7.days()) {
            Ok(d) => d,
            Err(_) => break,
        };
    }
    let _ = out.write_str("</tbody>\n</table>\n");
}

/// Lives the ledger holds that the plan no longer has: `apply` will cancel them.
fn orphans(out: &mut impl Write, changes: &[Change], page: &Page<'_>) {
    let gone: Vec<&Change> = changes
        .iter()
        .filter(|c| c.action == Action::Cancel)
        .collect();
    if gone.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<section class=\"orphans\"><h2>not in the schedule any more: {} to cancel</h2><ul>",
        gone.len()
    );
    for c in gone {
        let id = c.livingid.as_deref().unwrap_or("");
        let state = SessionState::of(&c.key.to_string(), page.ledger);
        let _ = write!(
            out,
            "<li><code>{}</code> <span class=\"badge {}\">{}</span> <span class=\"id\">{}</span></li>",
            esc(&c.key.to_string()),
            state.name(),
            label(state),
            esc(id)
        );
    }
    let _ = out.write_str("</ul></section>\n");
}

fn label(state: SessionState) -> &'static str {
    match state {
        SessionState::InDoubt => "in doubt",
        s => s.name(),
    }
}

fn day_name(w: Weekday) -> &'static str {
    WEEKDAYS[w.to_monday_zero_offset() as usize].0
}

fn short(d: Date) -> String {
    format!("{}/{}", d.month(), d.day())
}

fn plural(n: usize, word: &str) -> String {
    match (n, word.ends_with('s')) {
        (1, _) => format!("1 {word}"),
        (_, true) => format!("{n} {word}es"),
        _ => format!("{n} {word}s"),
    }
}

fn hours_text(seconds: i64) -> String {
    let tenths = (seconds + 180) / 360;
    if tenths % 10 == 0 {
        format!("{}h", tenths / 10)
    } else {
        format!("{}.{}h", tenths / 10, tenths % 10)
    }
}

/// Text and attribute values alike: themes, names and ids are user input.
fn esc(s: &str) -> Esc<'_> {
    Esc(s)
}

/// Text with `&`, `<`, `>`, `"` and `'` written as entities.
struct Esc<'a>(&'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..at])?;
            f.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#).to_string(),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn hours_round_to_tenths() {
        assert_eq!(hours_text(5400), "1.5h");
        assert_eq!(hours_text(7200), "2h");
        assert_eq!(hours_text(2700), "0.8h");
    }

    #[test]
    fn colours_differ_between_neighbours() {
        assert_ne!(colour(0, 45), colour(1, 45));
        assert_eq!(colour(0, 45), "hsl(210 60% 45%)");
    }
}
