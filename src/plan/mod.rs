//! Expansion of a schedule into sessions, diff against the ledger, rendering.
