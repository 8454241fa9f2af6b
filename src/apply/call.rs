//! One API call through the gate, retried with backoff while retrying is safe.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use super::gate::Gate;
use crate::wecom::{ApiError, ErrorClass};

/// WeCom's "system busy" (-1) is worth at most three tries in all.
const BUSY_TRIES: u32 = 3;

fn backoff() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(50))
        .with_max_delay(Duration::from_secs(5))
        .with_jitter()
        .with_max_times(6)
}

/// Calls `f` through `gate`, again after a backoff on errors that nothing acted on
/// (retryable, quota, concurrency). `also` adds classes that are safe to repeat
/// for this call (an ambiguous modify or read, say); an ambiguous create is not.
pub async fn call<T, F, Fut>(gate: &Gate, also: &[ErrorClass], mut f: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let busy = AtomicU32::new(0);
    let attempt = || {
        let fut = f();
        async move {
            let ticket = gate.admit().await;
            let result = fut.await;
            ticket.done(&result);
            result
        }
    };
    attempt
        .retry(backoff())
        .sleep(tokio::time::sleep)
        .when(|err: &ApiError| {
            if err.errcode() == Some(-1) && busy.fetch_add(1, Ordering::Relaxed) + 1 >= BUSY_TRIES {
                return false;
            }
            matches!(
                err.class(),
                ErrorClass::Retryable | ErrorClass::Quota | ErrorClass::Concurrency
            ) || also.contains(&err.class())
        })
        .notify(|err, after| tracing::debug!("retrying in {after:?}: {err}"))
        .await
}
