//! Two pieces of work at once: the second on a thread of its own while this one
//! does the first, as the planner's halves (the classes to expand, the ledger's
//! keys and the sessions to compare) are made.

/// `first()` here and `second()` on a scoped thread; both results, or the
/// second's panic passed on.
pub(super) fn join<A, B: Send>(
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> B + Send,
) -> (A, B) {
    std::thread::scope(|scope| {
        let later = scope.spawn(second);
        let first = first();
        match later.join() {
            Ok(second) => (first, second),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
