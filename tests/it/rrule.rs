//! Tests for the `rrule` module.
