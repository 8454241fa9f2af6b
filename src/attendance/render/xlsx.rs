//! The report as an Excel workbook (written by `rust_xlsxwriter`): a summary sheet
//! with the CSV's columns, then one sheet per class, learners × sessions, minutes
//! watched in the cells and coloured by conditional formats (attended, part, none).

use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, Format, Workbook, Worksheet, XlsxError,
};

use crate::attendance::{ClassReport, Report, Rule, SessionReport};

/// The workbook's bytes.
pub fn xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let share = Format::new().set_num_format("0.0%");
    let tenths = Format::new().set_num_format("0.0");
    let summary = book.add_worksheet();
    summary.set_name("Summary")?;
    let header = [
        "class",
        "userid",
        "name",
        "department",
        "held",
        "attended",
        "completion",
        "watch_minutes",
    ];
    for (col, h) in header.iter().enumerate() {
        summary.write_string_with_format(0, col as u16, *h, &bold)?;
    }
    let mut row = 1;
    for c in &report.classes {
        for l in &c.learners {
            summary.write_string(row, 0, &c.class)?;
            summary.write_string(row, 1, &l.userid)?;
            summary.write_string(row, 2, l.name.as_deref().unwrap_or(""))?;
            summary.write_string(row, 3, l.department.as_deref().unwrap_or(""))?;
            summary.write_number(row, 4, l.held as f64)?;
            summary.write_number(row, 5, l.attended as f64)?;
            if let Some(done) = l.completion {
                summary.write_number_with_format(row, 6, done, &share)?;
            }
            summary.write_number_with_format(row, 7, l.watch_seconds as f64 / 60.0, &tenths)?;
            row += 1;
        }
    }
    summary.set_column_width(0, 14)?;
    summary.set_column_width(1, 14)?;
    summary.set_column_width(2, 12)?;
    summary.set_column_width(3, 14)?;
    summary.set_freeze_panes(1, 0)?;
    let mut names: Vec<String> = vec!["summary".into()];
    for c in &report.classes {
        let name = sheet_name(&c.class, &mut names);
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        class_sheet(sheet, report, c)?;
    }
    book.save_to_buffer()
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`), unique
/// among `taken` (compared without case, as Excel does).
fn sheet_name(class: &str, taken: &mut Vec<String>) -> String {
    let clean: String = class
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let mut name = clean.clone();
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!("~{n}");
        name = clean.chars().take(31 - suffix.len()).collect::<String>() + &suffix;
        n += 1;
    }
    taken.push(name.to_lowercase());
    name
}

/// Column A the learner, B name, C department, then one column per session that
/// should have ended (minutes watched of a held one, its state for one not held),
/// then completion and total minutes.
fn class_sheet(sheet: &mut Worksheet, report: &Report, c: &ClassReport) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let tenths = Format::new().set_num_format("0.0");
    let share = Format::new().set_num_format("0.0%");
    let not_held = Format::new()
        .set_font_color(Color::RGB(0xB4_2318))
        .set_background_color(Color::RGB(0xFD_E2E1));
    for (col, h) in ["userid", "name", "department"].iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold)?;
    }
    let sessions: Vec<_> = c
        .session_indexes
        .iter()
        .map(|n| &report.sessions[*n])
        .collect();
    let first = 3u16;
    for (i, s) in sessions.iter().enumerate() {
        let col = first + i as u16;
        let title = s.local_start.strftime("%m-%d %H:%M").to_string();
        sheet.write_string_with_format(0, col, &title, &bold)?;
        sheet.set_column_width(col, 11)?;
    }
    let after = first + sessions.len() as u16;
    sheet.write_string_with_format(0, after, "completion", &bold)?;
    sheet.write_string_with_format(0, after + 1, "watch_minutes", &bold)?;
    for (r, l) in c.learners.iter().enumerate() {
        let row = r as u32 + 1;
        sheet.write_string(row, 0, &l.userid)?;
        sheet.write_string(row, 1, l.name.as_deref().unwrap_or(""))?;
        sheet.write_string(row, 2, l.department.as_deref().unwrap_or(""))?;
        let mut held = 0;
        for (i, s) in sessions.iter().enumerate() {
            let col = first + i as u16;
            if s.held {
                let seconds = l.watched.get(held).copied().unwrap_or(0);
                held += 1;
                sheet.write_number_with_format(row, col, seconds as f64 / 60.0, &tenths)?;
            } else {
                sheet.write_string_with_format(row, col, s.state.name(), &not_held)?;
            }
        }
        if let Some(done) = l.completion {
            sheet.write_number_with_format(row, after, done, &share)?;
        }
        sheet.write_number_with_format(row, after + 1, l.watch_seconds as f64 / 60.0, &tenths)?;
    }
    colour_held(sheet, report, &sessions, first, c.learners.len() as u32)?;
    sheet.set_column_width(0, 14)?;
    sheet.set_column_width(1, 12)?;
    sheet.set_column_width(2, 14)?;
    sheet.set_freeze_panes(1, 3)?;
    Ok(())
}

/// Colours each held session's column (from column `first`, rows 1 to `last`):
/// attended, watched some, watched none.
fn colour_held(
    sheet: &mut Worksheet,
    report: &Report,
    sessions: &[&SessionReport],
    first: u16,
    last: u32,
) -> Result<(), XlsxError> {
    if last > 0 {
        let attended = Format::new().set_background_color(Color::RGB(0x7F_D18B));
        let some = Format::new().set_background_color(Color::RGB(0xFD_F0A6));
        let none = Format::new()
            .set_background_color(Color::RGB(0xF6_F8FA))
            .set_font_color(Color::RGB(0xB4_2318));
        for (i, s) in sessions.iter().enumerate().filter(|(_, s)| s.held) {
            let col = first + i as u16;
            let enough = match report.rule {
                Rule::Threshold(t) => t * s.scheduled_seconds as f64 / 60.0,
                Rule::MinMinutes(m) => f64::from(m),
            };
            let rules = [
                ConditionalFormatCell::new()
                    .set_rule(ConditionalFormatCellRule::GreaterThanOrEqualTo(enough))
                    .set_format(&attended),
                ConditionalFormatCell::new()
                    .set_rule(ConditionalFormatCellRule::GreaterThan(0.0))
                    .set_format(&some),
                ConditionalFormatCell::new()
                    .set_rule(ConditionalFormatCellRule::EqualTo(0.0))
                    .set_format(&none),
            ];
            for rule in &rules {
                sheet.add_conditional_format(1, col, last, col, rule)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_short_clean_and_unique() {
        let mut taken = vec!["summary".to_string()];
        assert_eq!(sheet_name("ml-101", &mut taken), "ml-101");
        assert_eq!(sheet_name("ML-101", &mut taken), "ML-101~2");
        assert_eq!(sheet_name("Summary", &mut taken), "Summary~2");
        let long = "a".repeat(40);
        assert_eq!(sheet_name(&long, &mut taken).len(), 31);
        assert_eq!(
            sheet_name(&long, &mut taken),
            format!("{}~2", "a".repeat(29))
        );
    }
}
