//! A run against WeCom (or the sandbox's simulator): where its files live, the
//! locked ledger, the runtime, the client and the gate every call goes through.

mod places;
mod run;
mod session;

pub use places::{Places, SANDBOX_DIR};
pub use session::{Connected, Session};
