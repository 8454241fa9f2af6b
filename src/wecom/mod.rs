//! The WeCom living API: types, client, token cache, errcode classification.

pub mod types;
