//! What was written for one class field (a YAML scalar, a CSV cell, a list's
//! items), each scalar with its place, and how its values are read.

use super::super::fields::Sp;
use super::super::problem::Problem;
use super::super::source::Origin;
use super::super::values::{self, Expected};
use super::FieldSpec;

/// The problem for a value that was not what its field expects.
pub fn refused_value(item: &Scalar<'_>, expected: &str) -> Problem {
    Problem::error(
        format!("invalid `{}`: `{}`", item.path, item.text.trim()),
        Some(item.origin),
    )
    .label(format!("expected {expected}"))
}

/// One scalar as written: a YAML scalar, a CSV cell, or one item of a list in either.
#[derive(Debug, Clone)]
pub struct Scalar<'a> {
    pub text: &'a str,
    pub origin: Origin,
    /// How a problem names it: `classes[0].weekly.days[1]` in YAML, `days` in CSV.
    pub path: String,
}

/// What was written for one field: one scalar, or a list's items.
#[derive(Debug)]
pub struct Written<'a> {
    /// The place of the whole value.
    pub origin: Origin,
    pub items: Vec<Scalar<'a>>,
    /// Nothing but spaces was written.
    pub blank: bool,
}

impl<'a> Written<'a> {
    /// A text as written (a YAML scalar, a CSV cell) that starts at byte `start` of
    /// its file; a list field splits it into items, each keeping its own place.
    pub fn text(spec: &FieldSpec, text: &'a str, origin: Origin, start: usize, path: &str) -> Self {
        let items = if spec.list {
            values::split_list(text)
                .into_iter()
                .map(|(offset, part)| Scalar {
                    text: part,
                    origin: Origin::new(origin.file, start + offset, part.len()),
                    path: path.to_string(),
                })
                .collect()
        } else {
            vec![Scalar {
                text,
                origin,
                path: path.to_string(),
            }]
        };
        Self {
            origin,
            items,
            blank: text.trim().is_empty(),
        }
    }

    /// The items of a YAML sequence; empty ones are no items, as in a text list.
    pub fn items(origin: Origin, items: Vec<Scalar<'a>>) -> Self {
        Self {
            origin,
            items: items
                .into_iter()
                .filter(|i| !i.text.trim().is_empty())
                .collect(),
            blank: false,
        }
    }

    pub(super) fn one<T>(
        &self,
        parse: impl Fn(&str) -> Result<T, Expected>,
    ) -> Result<Sp<T>, Vec<Refused>> {
        let item = self
            .items
            .first()
            .expect("a field of one value is written as one scalar");
        parse(item.text)
            .map(|v| Sp::new(v, item.origin))
            .map_err(|expected| vec![Refused { item: 0, expected }])
    }

    pub(super) fn list<T>(
        &self,
        parse: impl Fn(&str) -> Result<T, Expected>,
    ) -> Result<Sp<Vec<T>>, Vec<Refused>> {
        let items = self.spans(parse)?;
        Ok(Sp::new(
            items.value.into_iter().map(|i| i.value).collect(),
            items.origin,
        ))
    }

    /// A list whose items keep their own places.
    pub(super) fn spans<T>(
        &self,
        parse: impl Fn(&str) -> Result<T, Expected>,
    ) -> Result<Sp<Vec<Sp<T>>>, Vec<Refused>> {
        let mut values = Vec::new();
        let mut refused = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            match parse(item.text) {
                Ok(v) => values.push(Sp::new(v, item.origin)),
                Err(expected) => refused.push(Refused { item: i, expected }),
            }
        }
        if refused.is_empty() {
            Ok(Sp::new(values, self.origin))
        } else {
            Err(refused)
        }
    }
}

/// A scalar a field refused: which item, and what was expected instead.
pub(super) struct Refused {
    pub(super) item: usize,
    pub(super) expected: Expected,
}

pub(super) fn put<T>(
    slot: &mut Option<Sp<T>>,
    value: Result<Sp<T>, Vec<Refused>>,
) -> Result<(), Vec<Refused>> {
    *slot = Some(value?);
    Ok(())
}
