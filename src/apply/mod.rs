//! The executor: rate limit, concurrency, retries, recovery, progress.

mod call;
mod executor;
mod gate;
mod media;
mod progress;
mod recover;
mod summary;
mod tasks;

pub use call::call;
pub use executor::{Executor, Task};
pub use gate::Gate;
pub use media::MediaCache;
pub use progress::Progress;
pub use recover::{Match, Recovery, observed_body};
pub use summary::{Failure, Summary};
pub use tasks::Work;
