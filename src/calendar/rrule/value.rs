//! iCalendar DATE and DATE-TIME values (`20270305`, `20270305T150000`, `20270305T070000Z`).

use jiff::civil::{Date, DateTime};

/// A DATE or DATE-TIME value as written, before any time zone is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateValue {
    Date(Date),
    Local(DateTime),
    Utc(DateTime),
}

fn digits(text: &str) -> Option<i32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn date(text: &str) -> Option<Date> {
    let year = i16::try_from(digits(text.get(0..4)?)?).ok()?;
    let month = i8::try_from(digits(text.get(4..6)?)?).ok()?;
    let day = i8::try_from(digits(text.get(6..8)?)?).ok()?;
    Date::new(year, month, day).ok()
}

/// Parses one value; `None` when it is not a valid RFC 5545 DATE or DATE-TIME.
pub(crate) fn parse_date_value(text: &str) -> Option<DateValue> {
    // Slicing below is by byte; anything non-ASCII is invalid anyway.
    if !text.is_ascii() {
        return None;
    }
    if text.len() == 8 {
        return date(text).map(DateValue::Date);
    }
    let (body, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(body) => (body, true),
        None => (text, false),
    };
    if body.len() != 15 || !matches!(body.as_bytes()[8], b'T' | b't') {
        return None;
    }
    let day = date(&body[..8])?;
    let hour = i8::try_from(digits(&body[9..11])?).ok()?;
    let minute = i8::try_from(digits(&body[11..13])?).ok()?;
    let second = i8::try_from(digits(&body[13..15])?).ok()?;
    let dt = DateTime::new(day.year(), day.month(), day.day(), hour, minute, second, 0).ok()?;
    Some(if utc {
        DateValue::Utc(dt)
    } else {
        DateValue::Local(dt)
    })
}

/// An RFC 5545 duration (`PT1H30M`, `P1D`, `P2W`, `+PT45M`) in seconds; `None` when
/// it is not one or is negative.
pub(crate) fn parse_duration(text: &str) -> Option<i64> {
    let text = text.strip_prefix('+').unwrap_or(text);
    let rest = text.strip_prefix(['P', 'p'])?;
    let (date, time) = match rest.find(['T', 't']) {
        Some(t) => (&rest[..t], Some(&rest[t + 1..])),
        None => (rest, None),
    };
    let mut total = 0i64;
    let mut any = false;
    let mut add = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        let mut allowed = units.iter();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let upper = c.to_ascii_uppercase();
            // Units come in order, each once: `1H30M`, not `30M1H`.
            let &(_, seconds) = allowed.by_ref().find(|(u, _)| *u == upper)?;
            let n: i64 = number.parse().ok().filter(|_| number.len() <= 9)?;
            total = total.checked_add(n.checked_mul(seconds)?)?;
            number.clear();
            any = true;
        }
        number.is_empty().then_some(())
    };
    add(date, &[('W', 604_800), ('D', 86_400)])?;
    if let Some(time) = time {
        if time.is_empty() {
            return None;
        }
        add(time, &[('H', 3600), ('M', 60), ('S', 1)])?;
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, datetime};

    #[test]
    fn forms() {
        assert_eq!(
            parse_date_value("20270305"),
            Some(DateValue::Date(date(2027, 3, 5)))
        );
        assert_eq!(
            parse_date_value("20270305T150000"),
            Some(DateValue::Local(datetime(2027, 3, 5, 15, 0, 0, 0)))
        );
        assert_eq!(
            parse_date_value("20270305T150000Z"),
            Some(DateValue::Utc(datetime(2027, 3, 5, 15, 0, 0, 0)))
        );
        for bad in [
            "",
            "2027030",
            "20270230",
            "20270305T2500",
            "20270305T250000",
            "2027-3-05",
            "+0270305",
            "20270305X150000",
            "2027030é",
        ] {
            assert_eq!(parse_date_value(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("PT1H30M"), Some(5400));
        assert_eq!(parse_duration("P1D"), Some(86_400));
        assert_eq!(parse_duration("P1DT2H"), Some(93_600));
        assert_eq!(parse_duration("P2W"), Some(1_209_600));
        assert_eq!(parse_duration("+PT45S"), Some(45));
        for bad in [
            "", "P", "PT", "1H", "PT1H30", "PT30M1H", "-PT1H", "P1H", "PTxM",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
