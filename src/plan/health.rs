//! Whether the ledger looks lost or stale, from what can be seen without a call:
//! the folder's cache of seen lives naming scheduled lives this ledger made that
//! it no longer holds, or an empty ledger beside a term whose sessions have begun.

use jiff::Timestamp;

use super::Plan;
use crate::ledger::{LedgerState, SeenLive};
use crate::schedule::Problem;

/// What to do about a ledger that looks lost or stale.
pub const HELP: &str = "`livesched apply` looks lives up in WeCom and adopts them rather than \
                        creating them again; `livesched import` records them without creating \
                        anything; `livesched refresh` finds second lives of the sessions it holds";

/// Why the ledger looks lost or stale, if it does. `seen` is the folder's cache
/// (every corp's), `owner` this ledger's name in it.
pub fn ledger_looks_lost(
    plan: &Plan,
    ledger: &LedgerState,
    seen: &[SeenLive],
    owner: &str,
    now: Timestamp,
) -> Option<String> {
    let made: Vec<&SeenLive> = seen
        .iter()
        .filter(|s| s.ledger.as_deref() == Some(owner) && !s.is_settled())
        .filter(|s| s.start > now.as_second())
        .collect();
    // The set of every livingid held is made only when the cache names some.
    let missing = match made.is_empty() {
        true => 0,
        false => {
            let held = ledger.livingids();
            made.iter()
                .filter(|s| !held.contains(s.livingid.as_str()))
                .count()
        }
    };
    if missing > 0 {
        let lives = if missing == 1 { "live" } else { "lives" };
        return Some(if ledger.is_empty() {
            format!(
                "the ledger looks lost: it is empty, yet the cache of seen lives says it made \
                 {missing} scheduled {lives}"
            )
        } else {
            format!(
                "the ledger looks stale (an older copy?): the cache of seen lives says it made \
                 {missing} scheduled {lives} it does not hold"
            )
        });
    }
    let begun = plan
        .lives
        .iter()
        .filter(|l| l.start.timestamp() <= now)
        .count();
    (ledger.is_empty() && begun > 0).then(|| {
        format!(
            "the ledger is empty though {begun} of the term's sessions have begun: if this \
             term was applied before, its ledger is lost"
        )
    })
}

/// The same, as a warning for `plan`.
pub fn lost_ledger_warning(
    plan: &Plan,
    ledger: &LedgerState,
    seen: &[SeenLive],
    owner: &str,
    now: Timestamp,
) -> Option<Problem> {
    ledger_looks_lost(plan, ledger, seen, owner, now).map(|m| Problem::warning(m, None).help(HELP))
}
