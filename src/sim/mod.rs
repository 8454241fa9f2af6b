//! The WeCom simulator: server, state, faults.
