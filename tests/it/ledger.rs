//! Tests for the `ledger` module.
