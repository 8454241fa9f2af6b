//! Problems rendered like compiler errors: file, line, column, a caret under the
//! value, what was expected, and a help line. Colour only on a terminal without `NO_COLOR`.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::error::Error;
use crate::exit_codes::ExitCode;
pub use crate::logging::use_color;
use crate::schedule::{Problem, Problems, Severity, Sources};

struct Rendered<'a> {
    problem: &'a Problem,
    source: Option<CharColumns>,
}

/// A named source whose columns count characters, not bytes (miette counts
/// bytes, which puts a caret after Chinese text at the wrong column in the header).
struct CharColumns {
    name: String,
    text: Arc<str>,
}

impl SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let (_, column) = crate::schedule::line_col(&self.text, inner.span().offset());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column - 1,
            inner.line_count(),
        )))
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.problem.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.problem
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let origin = self.problem.origin?;
        self.source.as_ref()?;
        // Primary, so the header names its place even when an `also` comes first.
        let span = LabeledSpan::new_primary_with_span(
            self.problem.label.clone(),
            (origin.offset, origin.len),
        );
        let also = self
            .problem
            .also
            .iter()
            .filter(move |o| o.file == origin.file)
            .map(|o| LabeledSpan::new(None, o.offset, o.len));
        Some(Box::new(std::iter::once(span).chain(also)))
    }
}

fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme).with_width(100)
}

/// Every problem, rendered one after another.
pub fn render(problems: &Problems, sources: &Sources, color: bool) -> String {
    let handler = handler(color);
    let mut out = String::new();
    for problem in problems.iter() {
        let placed;
        let (problem, source) = match problem.origin {
            Some(o)
                if !sources.get(o.file).shown || too_long_to_show(&sources.get(o.file).text, o) =>
            {
                placed = without_snippet(problem, sources);
                (&placed, None)
            }
            Some(o) => {
                let file = sources.get(o.file);
                let source = CharColumns {
                    name: file.path.display().to_string(),
                    text: Arc::clone(&file.text),
                };
                (problem, Some(source))
            }
            None => (problem, None),
        };
        let rendered = Rendered { problem, source };
        let _ = handler.render_report(&mut out, &rendered);
    }
    out
}

/// The longest line shown as a snippet, in bytes: a longer one (a huge value,
/// a file that is not text) would be echoed whole.
const MAX_SNIPPET_LINE: usize = 400;

fn too_long_to_show(text: &str, origin: crate::schedule::Origin) -> bool {
    let bytes = text.as_bytes();
    let at = origin.offset.min(bytes.len());
    // The line of the place and the one on each side of it, as the snippet shows them.
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let before = bytes[..start.saturating_sub(1)]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    let after = bytes[(end + 1).min(bytes.len())..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| end + 1 + i);
    let longest = [start - before, end - start, after.saturating_sub(end + 1)]
        .into_iter()
        .max()
        .unwrap_or(0);
    longest > MAX_SNIPPET_LINE || origin.len > MAX_SNIPPET_LINE
}

/// The problem with its place in words instead of a snippet.
fn without_snippet(problem: &Problem, sources: &Sources) -> Problem {
    let mut p = problem.clone();
    if let Some(o) = p.origin.take() {
        let (line, column) = o.line_col(sources);
        let path = sources.get(o.file).path.display();
        p.message = format!("{} [{path}:{line}:{column}]", p.message);
        if let Some(label) = p.label.take() {
            p.help = Some(match p.help.take() {
                Some(help) => format!("{label}; {help}"),
                None => label,
            });
        }
    }
    p
}

/// Every problem, rendered on stderr (in colour on a terminal without `NO_COLOR`).
pub fn report(problems: &Problems, sources: &Sources) {
    if !problems.is_empty() {
        eprint!("{}", render(problems, sources, use_color()));
    }
}

/// The exit code of a command's result; an error is rendered here, the one place
/// errors reach the user.
pub fn conclude(result: Result<ExitCode, Error>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(err) => {
            eprint!("{}", render_error(&err, use_color()));
            err.exit_code()
        }
    }
}

/// A command line clap refused (exit 1, the code of every error), or `--help`
/// and `--version` (exit 0). Clap's own code for a bad argument is 2, which
/// `plan --detailed-exitcode` uses for "changes pending".
pub fn usage(err: &clap::Error) -> ExitCode {
    let _ = err.print();
    if err.use_stderr() {
        ExitCode::ERROR
    } else {
        ExitCode::SUCCESS
    }
}

/// An error as miette draws it: the message, its causes, and a help line.
pub fn render_error(err: &Error, color: bool) -> String {
    let mut out = String::new();
    let _ = handler(color).render_report(&mut out, err);
    out
}

/// One line that sums the problems up: `2 errors, 1 warning`.
pub fn tally(problems: &Problems) -> String {
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}
