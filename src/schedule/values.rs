//! Parsers for the values people write in schedule files: dates, times, durations,
//! weekdays, week ranges, live types. Each returns what was expected on failure.

use std::fmt::Display;
use std::str::FromStr;

use jiff::civil::{Date, DateTime, Time, Weekday};

use super::model::{LivingKind, WeekSet};

pub type Expected = String;

pub fn date(s: &str) -> Result<Date, Expected> {
    let s = s.trim();
    s.parse::<Date>()
        .ok()
        .filter(|_| s.len() == 10)
        .ok_or_else(|| "a date like `2027-03-15`".to_string())
}

pub fn time(s: &str) -> Result<Time, Expected> {
    let s = s.trim();
    let (h, m) = s.split_once([':', '：']).ok_or_else(time_expected)?;
    let h: i8 = h.parse().map_err(|_| time_expected())?;
    let m: i8 = m.parse().map_err(|_| time_expected())?;
    Time::new(h, m, 0, 0).map_err(|_| time_expected())
}

fn time_expected() -> Expected {
    "a time of day like `19:00`".to_string()
}

/// `2027-03-18T19:00`, `2027-03-18 19:00`, or with seconds.
pub fn datetime(s: &str) -> Result<DateTime, Expected> {
    let s = s.trim();
    let expected = || "a local date and time like `2027-03-18T19:00`".to_string();
    let (d, t) = s.split_once(['T', ' ']).ok_or_else(expected)?;
    let d = date(d).map_err(|_| expected())?;
    let t = t.trim();
    // The time of day reads as `at` does beside `days`, seconds aside.
    let t = if t.matches(':').count() == 2 {
        t.parse::<Time>().map_err(|_| expected())?
    } else {
        time(t).map_err(|_| expected())?
    };
    Ok(d.to_datetime(t))
}

/// `90m`, `1h30m`, `2h`, `45 min`, `1.5h`; seconds.
/// The longest duration any field takes: a leap year.
const MAX_DURATION_SECONDS: i64 = 366 * 86_400;

pub fn duration(s: &str) -> Result<i64, Expected> {
    let expected = || "a duration like `90m`, `1h30m` or `2h`".to_string();
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.to_ascii_lowercase();
    if s.is_empty() {
        return Err(expected());
    }
    let mut total = 0f64;
    let mut number = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphabetic() {
                unit.push(n);
                chars.next();
            } else {
                break;
            }
        }
        let value: f64 = number.parse().map_err(|_| expected())?;
        number.clear();
        let scale = match unit.as_str() {
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            _ => return Err(expected()),
        };
        total += value * scale;
        any = true;
    }
    if !number.is_empty() || !any {
        return Err(expected());
    }
    // Beyond a year a duration is a typo, and far beyond it would saturate.
    if !total.is_finite() || total > MAX_DURATION_SECONDS as f64 {
        return Err("a duration of at most a year (8784h)".to_string());
    }
    Ok(total.round() as i64)
}

/// A whole number from `min` to `max`.
pub fn whole<T: FromStr + PartialOrd + Display>(s: &str, min: T, max: T) -> Result<T, Expected> {
    s.trim()
        .parse::<T>()
        .ok()
        .filter(|n| *n >= min && *n <= max)
        .ok_or_else(|| format!("a whole number from {min} to {max}"))
}

/// A whole number, `min` or more.
pub fn whole_from<T: FromStr + PartialOrd + Display>(s: &str, min: T) -> Result<T, Expected> {
    s.trim()
        .parse::<T>()
        .ok()
        .filter(|n| *n >= min)
        .ok_or_else(|| format!("a whole number, {min} or more"))
}

pub const WEEKDAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub fn weekday(s: &str) -> Result<Weekday, Expected> {
    let lower = s.trim().to_lowercase();
    let day = match lower.as_str() {
        "mon" | "monday" | "周一" | "星期一" | "礼拜一" | "mo" => Weekday::Monday,
        "tue" | "tues" | "tuesday" | "周二" | "星期二" | "礼拜二" | "tu" => {
            Weekday::Tuesday
        }
        "wed" | "wednesday" | "周三" | "星期三" | "礼拜三" | "we" => Weekday::Wednesday,
        "thu" | "thur" | "thurs" | "thursday" | "周四" | "星期四" | "礼拜四" | "th" => {
            Weekday::Thursday
        }
        "fri" | "friday" | "周五" | "星期五" | "礼拜五" | "fr" => Weekday::Friday,
        "sat" | "saturday" | "周六" | "星期六" | "礼拜六" | "sa" => Weekday::Saturday,
        "sun" | "sunday" | "周日" | "周天" | "星期日" | "星期天" | "礼拜天" | "su" => {
            Weekday::Sunday
        }
        _ => return Err("a weekday: `mon` … `sun` or `周一` … `周日`".to_string()),
    };
    Ok(day)
}

pub fn weekday_short(day: Weekday) -> &'static str {
    WEEKDAY_NAMES[day.to_monday_zero_offset() as usize]
}

/// `1-8,10-16`, `3`, `odd`, `even`, `单周`, `双周`.
pub fn weeks(s: &str) -> Result<WeekSet, Expected> {
    let expected = || "teaching weeks like `1-8,10-16`, `odd` or `even`".to_string();
    let t = s.trim().to_lowercase();
    match t.as_str() {
        "odd" | "单周" => return Ok(WeekSet::Odd),
        "even" | "双周" => return Ok(WeekSet::Even),
        _ => {}
    }
    let mut ranges = Vec::new();
    for part in t.split([',', '，', ';']) {
        let part = part.trim();
        if part.is_empty() {
            return Err(expected());
        }
        let (a, b) = match part.split_once(['-', '~', '–']) {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (part, part),
        };
        let a: i32 = a.parse().map_err(|_| expected())?;
        let b: i32 = b.parse().map_err(|_| expected())?;
        if a < 1 || b < a {
            return Err("week ranges that start at 1 or later and do not run backwards".into());
        }
        ranges.push((a, b));
    }
    Ok(WeekSet::Ranges(ranges))
}

pub const KIND_NAMES: [&str; 5] = [
    "general",
    "small_class",
    "large_class",
    "training",
    "activity",
];

pub fn living_kind(s: &str) -> Result<LivingKind, Expected> {
    let t = s.trim().to_lowercase();
    LivingKind::ALL
        .into_iter()
        .find(|k| t == k.name() || t == k.chinese() || t == k.code().to_string())
        .ok_or_else(|| {
            "a live type: general, small_class, large_class, training, activity (or 通用直播 … 活动直播, or 0-4)".to_string()
        })
}

/// Splits a list written in one cell or string (`mon,wed`, `周一、周三`, `a; b`),
/// with each item's byte offset inside `s`.
pub fn split_list(s: &str) -> Vec<(usize, &str)> {
    let mut items = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices().chain([(s.len(), ',')]) {
        if matches!(c, ',' | '，' | '、' | ';' | '；' | '|') {
            let part = &s[start..i];
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                items.push((start + part.len() - part.trim_start().len(), trimmed));
            }
            start = i + c.len_utf8();
        }
    }
    items
}

/// A WeCom userid: 1 to 64 bytes of letters, digits, `_`, `-`, `@` and `.`,
/// beginning with a letter or a digit.
pub fn userid(s: &str) -> Result<String, Expected> {
    let id = s.trim();
    let first_ok = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '@' | '.'));
    if first_ok && rest_ok && id.len() <= 64 {
        Ok(id.to_string())
    } else {
        Err("a WeCom userid: letters, digits, `_`, `-`, `@` or `.`, at most 64".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("90m"), Ok(5400));
        assert_eq!(duration("1h30m"), Ok(5400));
        assert_eq!(duration("2h"), Ok(7200));
        assert_eq!(duration("1.5h"), Ok(5400));
        assert_eq!(duration("45 min"), Ok(2700));
        assert!(duration("90").is_err());
        assert!(duration("h").is_err());
        assert!(duration("3 weeks").is_err());
    }

    #[test]
    fn week_sets() {
        assert_eq!(
            weeks("1-8,10-16"),
            Ok(WeekSet::Ranges(vec![(1, 8), (10, 16)]))
        );
        assert_eq!(weeks("odd"), Ok(WeekSet::Odd));
        assert_eq!(weeks("双周"), Ok(WeekSet::Even));
        assert!(weeks("8-1").is_err());
        assert!(weeks("1-").is_err());
    }

    #[test]
    fn lists_keep_offsets() {
        let s = "周一、 周三,fri";
        let parts = split_list(s);
        assert_eq!(parts.len(), 3);
        for (off, p) in parts {
            assert_eq!(&s[off..off + p.len()], p);
        }
    }

    #[test]
    fn times_and_datetimes() {
        assert_eq!(time("19:00").unwrap(), Time::constant(19, 0, 0, 0));
        assert!(time("25:00").is_err());
        assert!(datetime("2027-03-18T19:00").is_ok());
        assert!(datetime("2027-03-18 19:00:30").is_ok());
        assert!(datetime("2027-02-30T19:00").is_err());
        assert_eq!(datetime("2027-03-18T9:30"), datetime("2027-03-18 09:30"));
        assert!(datetime("2027-03-18T19：00").is_ok());
        assert!(datetime("2027-03-18T7pm").is_err());
        assert!(date("2027-2-3").is_err());
    }
}
