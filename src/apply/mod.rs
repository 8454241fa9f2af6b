//! The executor: rate limit, concurrency, retries, recovery, progress.

mod call;
mod executor;
mod gate;
mod media;
mod progress;
mod recover;
mod summary;

pub use executor::{Executor, Task};
pub use gate::Gate;
pub use media::MediaCache;
pub use progress::Progress;
pub use recover::Recovery;
pub use summary::{Failure, Summary};
