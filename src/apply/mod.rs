//! The executor: rate limit, concurrency, retries, recovery, progress.
