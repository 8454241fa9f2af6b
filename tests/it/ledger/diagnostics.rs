//! What a person sees, rendered without colour, temp paths filtered.

use super::*;

fn render(err: &LedgerError, dir: &tempfile::TempDir) -> String {
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, err)
        .unwrap();
    out.replace(&dir.path().display().to_string(), "[TEMP]")
}

#[test]
fn locked() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    let _held = Ledger::open(&path).unwrap();
    let err = Ledger::open(&path).unwrap_err();
    insta::assert_snapshot!(render(&err, &dir), @r"
    livesched::ledger::locked

      × ledger `[TEMP]/spring.ledger.jsonl` is locked
      help: another `livesched apply` is running on this ledger; wait for it to finish
    ");
}

#[test]
fn corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    fs::write(&path, "{\"key\":\"a\",\"event\":\"created\",\"at\":\"2027-03-01T00:00:00Z\"}\n\n{\"key\":\"a\",\"event\":\"gone\",\"at\":\"2027-03-01T00:00:00Z\"}\n").unwrap();
    let err = LedgerState::read(&path).unwrap_err();
    insta::assert_snapshot!(render(&err, &dir), @r"
    livesched::ledger::corrupt

      × line 3 of `[TEMP]/spring.ledger.jsonl` is not a valid ledger record
      ╰─▶ unknown variant `gone`, expected one of `intent`, `created`, `adopted`, `modified`,
          `cancelled`, `failed`, `refreshed`, `foreign`, `duplicate`, at column 25
      help: the ledger is written by `livesched apply` only; restore it from version control or fix
            that line by hand (nothing was sent and nothing was written)
    ");
}
