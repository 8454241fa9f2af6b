//! Adopting lives that already exist in WeCom (`import`): each session's live
//! is looked up among its anchor's lives and recorded as `adopted`.

use jiff::Timestamp;

use super::gate::Gate;
use super::recover::{Match, Recovery, seen_state};
use crate::ledger::{Event, LedgerWriter, Record};
use crate::plan::PlannedLive;
use crate::wecom::Client;

/// Adopts a live for each session that has one in WeCom; (adopted, failed).
/// One anchor at a time: its lives are listed once and matched in order.
pub async fn adopt_all(
    client: &Client,
    gate: &Gate,
    ledger: &LedgerWriter,
    recovery: &Recovery,
    wanted: &[PlannedLive],
) -> (usize, usize) {
    let (mut adopted, mut failed) = (0usize, 0usize);
    for live in wanted {
        match recovery
            .find_with(client, gate, &live.request(), Match::Loose)
            .await
        {
            Ok(Some(id)) => {
                let planned = serde_json::to_value(live.request()).unwrap_or_default();
                // What the live is: the plan's pictures, WeCom's theme, time and length.
                let state = match recovery.info(&id) {
                    Some(info) => seen_state(&planned, &info),
                    None => planned,
                };
                let record = Record::new(&live.key, Event::Adopted, Timestamp::now())
                    .with_livingid(&id)
                    .with_request(state);
                if let Err(err) = ledger.append(record).await {
                    eprintln!("error: {err}");
                    failed += 1;
                    break;
                }
                adopted += 1;
            }
            Ok(None) => {}
            Err(err) => {
                eprintln!("failed to look up lives of `{}`: {err}", live.anchor);
                failed += 1;
            }
        }
    }
    (adopted, failed)
}
