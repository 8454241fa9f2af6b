//! The config's choice types as clap values: declared once in `config`, named here.

use clap::ValueEnum;
use clap::builder::PossibleValue;

use crate::config::{AttendanceFormat, OutputFormat, Shell, StatusFormat};

impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        use OutputFormat::*;
        &[Auto, Table, Diff, Json, Csv, Ics, Html]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        use OutputFormat::*;
        Some(match self {
            Auto => PossibleValue::new("auto")
                .help("The session table before anything is applied, the diff after"),
            Table => PossibleValue::new("table"),
            Diff => PossibleValue::new("diff").help("What `apply` would change, Terraform-style"),
            Json => PossibleValue::new("json"),
            Csv => PossibleValue::new("csv"),
            Ics => PossibleValue::new("ics"),
            Html => PossibleValue::new("html"),
        })
    }
}

impl ValueEnum for StatusFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[StatusFormat::Table, StatusFormat::Json]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(match self {
            StatusFormat::Table => "table",
            StatusFormat::Json => "json",
        }))
    }
}

impl ValueEnum for Shell {
    fn value_variants<'a>() -> &'a [Self] {
        &[Shell::Bash, Shell::Zsh, Shell::Fish]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }))
    }
}

impl ValueEnum for AttendanceFormat {
    fn value_variants<'a>() -> &'a [Self] {
        use AttendanceFormat::*;
        &[Table, Csv, Json, Html, Xlsx]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        use AttendanceFormat::*;
        Some(match self {
            Table => PossibleValue::new("table").help("Per class and learner, for a person"),
            Csv => PossibleValue::new("csv")
                .help("One row per class × learner, UTF-8 with BOM for Excel"),
            Json => PossibleValue::new("json").help("The stable document"),
            Html => PossibleValue::new("html")
                .help("A self-contained page: learners × sessions per class"),
            Xlsx => PossibleValue::new("xlsx")
                .help("An Excel workbook: a summary, then a sheet per class"),
        })
    }
}
