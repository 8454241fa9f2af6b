//! The executor: rate limit, concurrency, retries, recovery, progress.

mod adopt;
mod call;
mod executor;
mod gate;
mod media;
mod progress;
mod readback;
mod recover;
mod summary;
mod tasks;

pub use adopt::adopt_all;
pub use call::call;
pub use executor::{Executor, Task};
pub use gate::Gate;
pub use media::MediaCache;
pub use progress::Progress;
pub use readback::{Coursed, ReadBack, Target, actual, read_back};
pub use recover::{Match, Recovery, observed_body};
pub use summary::{Failure, Summary};
pub use tasks::Work;
