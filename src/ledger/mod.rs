//! The ledger: append with intent/result, lock, read, repair, compact.
