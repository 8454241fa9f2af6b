//! Tests for the `sim` module.
