//! The error every part of the recurrence engine reports: a message, the bytes it is about, a hint.

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
    /// What to write instead, when there is something useful to say.
    pub help: Option<String>,
}

impl RRuleError {
    pub(crate) fn new(message: impl Into<String>, span: Range<usize>) -> Self {
        Self {
            message: message.into(),
            span,
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
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
        let label = miette::LabeledSpan::new_with_span(None, self.span.clone());
        Some(Box::new(std::iter::once(label)))
    }
}
