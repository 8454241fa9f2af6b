//! A shared calendar file, named by `term: { calendar: ../calendars/2027-spring.yaml }`:
//! read for each schedule that names it, its problems shown at their place in the
//! calendar file and naming the schedule that included it.

use std::path::Path;

use super::fields::Sp;
use super::load::read_text;
use super::node;
use super::problem::{Problem, Problems};
use super::reach::Reach;
use super::source::Sources;
use super::yaml::{Reader, TermFields};

/// The fields of the calendar `named` (relative to `base_dir`) by `schedule`;
/// `None` when it cannot be read or has an error, each reported.
pub(super) fn read(
    base_dir: &Path,
    reach: &Reach,
    named: &Sp<String>,
    schedule: &Path,
    sources: &mut Sources,
    problems: &mut Problems,
) -> Option<TermFields> {
    let full = base_dir.join(&named.value);
    // A calendar that cannot be read is reported at the schedule's `calendar:`.
    let (file, text) = read_text(&full, reach, sources, problems, Some(named.origin))?;
    let mut found = Problems::default();
    let fields = match node::parse(file, &text) {
        Ok(root) => Reader {
            text: &text,
            problems: &mut found,
        }
        .calendar(&root),
        Err((message, origin)) => {
            found.push(
                Problem::error(format!("invalid YAML: {message}"), Some(origin))
                    .label(format!("expected valid YAML: {message}")),
            );
            None
        }
    };
    let (line, _) = named.origin.line_col(sources);
    let included = format!(
        "the calendar of `{}` (line {line}, `term.calendar`)",
        schedule.display()
    );
    let invalid = found.has_errors();
    for p in found.iter() {
        let help = match &p.help {
            Some(help) => format!("{help}\nin {included}"),
            None => format!("in {included}"),
        };
        problems.push(p.clone().help(help));
    }
    fields.filter(|_| !invalid)
}
