//! The executor: rate limit, concurrency, retries, recovery, progress; and the
//! lookup in WeCom before anything is created (`reconcile`).

mod adopt;
mod call;
mod duplicates;
mod executor;
mod gate;
mod media;
mod pairing;
mod progress;
mod readback;
mod reconcile;
mod recover;
mod summary;
mod survey;
mod tasks;

pub use adopt::adopt_all;
pub use call::call;
pub use duplicates::{Duplicates, find_duplicates};
pub use executor::{Executor, Task, given_up};
pub use gate::Gate;
pub use media::MediaCache;
pub use progress::Progress;
pub use readback::{Coursed, ReadBack, Target, actual, read_back};
pub use reconcile::{Reconciled, reconcile};
pub use recover::{Match, Recovery, observed_body, seen_state};
pub use summary::{Failure, Summary};
pub use survey::{Listed, Lookup, Survey, note_held, sighted, survey};
pub use tasks::Work;
