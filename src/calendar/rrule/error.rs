//! The error every part of the recurrence engine reports: a message, the bytes it is about,
//! what was expected there, and a hint.

use std::ops::Range;

/// A problem with a recurrence rule or pasted iCalendar text.
///
/// `span` is a byte range inside the text that was parsed (the rule text for
/// [`parse_rrule`](super::parse_rrule), the whole pasted text for
/// [`parse_ical`](super::parse_ical)), so a caller can put a caret under it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RRuleError {
    /// What is wrong, as a lowercase fragment with values in backticks.
    pub message: String,
    /// Byte range of the offending part inside the parsed text.
    pub span: Range<usize>,
    /// What was expected at `span`, as a phrase to follow "expected": shown under the caret.
    pub expected: Option<String>,
    /// What to write instead.
    pub help: Option<String>,
    /// More places with the same fault, such as every other bad item of a list.
    pub also: Vec<Range<usize>>,
}

impl RRuleError {
    pub(crate) fn new(message: impl Into<String>, span: Range<usize>) -> Self {
        Self {
            message: message.into(),
            span,
            expected: None,
            help: None,
            also: Vec::new(),
        }
    }

    pub(crate) fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn also(mut self, spans: impl IntoIterator<Item = Range<usize>>) -> Self {
        self.also.extend(spans);
        self
    }

    /// Moves every span, for an error found in text that sits inside a larger one.
    pub(crate) fn remap(mut self, map: impl Fn(Range<usize>) -> Range<usize>) -> Self {
        self.span = map(self.span.clone());
        for span in &mut self.also {
            *span = map(span.clone());
        }
        self
    }
}

/// Lets the caller render the error with a caret under the span:
/// `miette::Report::new(err).with_source_code(text)`.
impl miette::Diagnostic for RRuleError {
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn std::fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let label = self.expected.as_ref().map(|e| format!("expected {e}"));
        let first = miette::LabeledSpan::new_primary_with_span(label, self.span.clone());
        let rest = self
            .also
            .iter()
            .map(|span| miette::LabeledSpan::new_with_span(None, span.clone()));
        Some(Box::new(std::iter::once(first).chain(rest)))
    }
}

/// `a`, `a and b`, `a, b and c`: values named in a message.
pub(crate) fn and_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
