//! Problems found in schedule files: errors stop a run, warnings are reported.

use super::source::Origin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem, pointing at the place in a file it is about when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// A lowercase fragment, values in backticks.
    pub message: String,
    pub origin: Option<Origin>,
    /// Shown under the caret: what was expected there.
    pub label: Option<String>,
    pub help: Option<String>,
    /// More places with the same fault in the same file (every bad item of a list),
    /// marked beside the first.
    pub also: Vec<Origin>,
}

/// The most characters of a message, a label or a help line: a value echoed in
/// one (a 3 MB theme, say) is cut in the middle, so that stderr stays readable.
pub const MAX_ECHO_CHARS: usize = 300;

/// `text` with its middle cut out when it is longer than `max` characters.
pub fn shorten(text: String, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text;
    }
    let head: String = text.chars().take(max * 2 / 3).collect();
    let tail: String = text.chars().skip(count - max / 3).collect();
    format!(
        "{head}…({} characters cut)…{tail}",
        count - head.chars().count() - max / 3
    )
}

impl Problem {
    pub fn error(message: impl Into<String>, origin: Option<Origin>) -> Self {
        Self {
            severity: Severity::Error,
            message: shorten(message.into(), MAX_ECHO_CHARS),
            origin,
            label: None,
            help: None,
            also: Vec::new(),
        }
    }

    pub fn warning(message: impl Into<String>, origin: Option<Origin>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(message, origin)
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(shorten(label.into(), MAX_ECHO_CHARS));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(shorten(help.into(), MAX_ECHO_CHARS));
        self
    }

    pub fn also(mut self, places: impl IntoIterator<Item = Origin>) -> Self {
        self.also.extend(places);
        self
    }
}

/// Every problem of one run, in the order found.

#[derive(Debug, Default, Clone)]
pub struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        self.list.push(problem);
    }

    pub fn last_mut(&mut self) -> Option<&mut Problem> {
        self.list.last_mut()
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.list.iter()
    }

    pub fn extend(&mut self, other: Problems) {
        self.list.extend(other.list);
    }

    /// `--strict`: every warning becomes an error.
    pub fn make_strict(&mut self) {
        for p in &mut self.list {
            p.severity = Severity::Error;
        }
    }

    /// Errors first within a file, then by place, so output reads top to bottom.
    pub fn sort(&mut self) {
        self.list.sort_by_key(|p| {
            (
                p.origin.map(|o| (o.file, o.offset)),
                std::cmp::Reverse(p.severity),
            )
        });
    }
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_echoes_are_cut_in_the_middle() {
        assert_eq!(shorten("short".into(), 10), "short");
        let long = "a".repeat(50) + &"b".repeat(50);
        let cut = shorten(long, 30);
        assert!(cut.starts_with(&"a".repeat(20)), "{cut}");
        assert!(cut.ends_with(&"b".repeat(10)), "{cut}");
        assert!(cut.contains("(70 characters cut)"), "{cut}");
    }

    #[test]
    fn suggests_close_names_only() {
        let fields = ["theme", "anchor", "weekly", "weeks"];
        assert_eq!(did_you_mean("thme", &fields), Some("theme"));
        assert_eq!(did_you_mean("weekley", &fields), Some("weekly"));
        assert_eq!(did_you_mean("colour", &fields), None);
    }
}
