//! When a learner counts as having attended a session.

use serde::Serialize;

/// What a learner must watch of a held session to have attended it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// This share (0 to 1) of the session's scheduled length (`--threshold 50%`).
    Threshold(f64),
    /// At least this many minutes (`--min-minutes 45`).
    MinMinutes(u32),
}

impl Default for Rule {
    fn default() -> Self {
        Rule::Threshold(0.5)
    }
}

impl Rule {
    /// Whether `watched` seconds of a session scheduled for `scheduled` seconds is attending it.
    pub fn attended(self, watched: i64, scheduled: i64) -> bool {
        match self {
            Rule::Threshold(share) => watched as f64 >= share * scheduled as f64,
            Rule::MinMinutes(minutes) => watched >= i64::from(minutes) * 60,
        }
    }

    /// The rule as people read it: `50% of each session`, `45 minutes`.
    pub fn describe(self) -> String {
        match self {
            Rule::Threshold(share) => format!("{} of each session", percent(share)),
            Rule::MinMinutes(m) => format!("{m} minutes of each session"),
        }
    }
}

/// `0.5` → `50%`, `0.625` → `62.5%`.
pub fn percent(share: f64) -> String {
    let p = (share * 1000.0).round() / 10.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A share written as `50%`, `62.5%` or `0.5`: between 0 and 1 (100%).
pub fn parse_share(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let share = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|p| p / 100.0),
        None => t.parse::<f64>(),
    };
    match share {
        Ok(s) if (0.0..=1.0).contains(&s) => Ok(s),
        _ => Err(format!(
            "`{text}`: expected a share such as `50%` or `0.5`, from 0% to 100%"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_of_the_scheduled_length_or_a_number_of_minutes() {
        let half = Rule::default();
        assert!(half.attended(2700, 5400));
        assert!(!half.attended(2699, 5400));
        assert!(Rule::MinMinutes(45).attended(2700, 100_000));
        assert!(!Rule::MinMinutes(45).attended(2699, 0));
        assert_eq!(parse_share("80%"), Ok(0.8));
        assert_eq!(parse_share("0.625"), Ok(0.625));
        assert!(parse_share("120%").is_err());
        assert!(parse_share("half").is_err());
        assert_eq!(percent(0.625), "62.5%");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(Rule::default().describe(), "50% of each session");
    }
}
