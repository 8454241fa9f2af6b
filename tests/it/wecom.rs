//! Tests for the `wecom` module.
