//! What every call goes through: counting, the concurrency cap, latency, faults before
//! acting, quotas and the token check, the handler's work, then faults after acting.

use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::api::Api;
use super::config::Faults;
use super::listener::Conn;
use super::quota::Window;
use super::reply::{Outcome, failure, success};
use super::rng::SplitMix64;
use super::shared::Sim;
use super::state::World;
use crate::wecom::errcode::*;

/// Counting, concurrency cap, latency, faults, quotas, token check, the handler's own
/// work, then the faults that strike after the work is done.
pub(crate) async fn pipeline<F>(
    sim: &Sim,
    api: Api,
    conn: &Conn,
    token: Option<&String>,
    act: F,
) -> Response
where
    F: FnOnce(&mut World, &Sim, i64) -> Outcome,
{
    let ordinal = sim.record_call(api);
    let flight = sim.enter();
    if sim
        .config
        .max_concurrent
        .is_some_and(|max| flight.count > u64::from(max))
    {
        return sim.error_reply(api, conn, CONCURRENCY);
    }
    // A test holds business calls; the token is fetched before any of them.
    sim.wait_until_released(api, ordinal).await;
    let delay = sim.with_world(|world| delay(&world.faults, &mut world.rng));
    if !delay.is_zero() {
        sim.sleep_unless_shutdown(delay).await;
    }

    let (outcome, drop_reply, slow_reply) = {
        let mut guard = sim.world.lock().expect("world lock");
        // Read under the lock, so that the quota windows get their hits in time order.
        let now_ms = sim.clock.now().as_millisecond();
        let now = now_ms.div_euclid(1000);
        let world = &mut *guard;
        let outcome = match before_work(world, sim, api, token, now_ms) {
            Ok(()) => act(world, sim, now),
            Err(Early::Http502) => {
                world.stats.http_502 += 1;
                return (StatusCode::BAD_GATEWAY, "502 Bad Gateway").into_response();
            }
            Err(Early::Errcode(code)) => Outcome::Err(code),
        };
        let (mut drop_reply, mut slow_reply) = (false, false);
        if matches!(outcome, Outcome::Ok(_)) {
            *world.stats.ok.entry(api.path().to_owned()).or_default() += 1;
        }
        match &outcome {
            Outcome::Ok(_) if api.mutates() => {
                world.mutations += 1;
                let mut draw = SplitMix64::for_event(world.faults.seed, AFTER, world.mutations);
                drop_reply = draw.chance(world.faults.p_drop_after_commit);
                slow_reply = !drop_reply && draw.chance(world.faults.p_slow_reply);
                world.stats.drops_after_commit += u64::from(drop_reply);
                world.stats.slow_replies += u64::from(slow_reply);
            }
            Outcome::Ok(_) => {}
            Outcome::Err(code) => world.reject(*code),
        }
        let body = match outcome {
            Outcome::Ok(fields) => success(fields),
            Outcome::Err(code) => failure(api, code, &world.hint(now), conn.remote.ip()),
        };
        (body, drop_reply, slow_reply)
    };
    if drop_reply {
        conn.cut();
    }
    if slow_reply {
        sim.sleep_unless_shutdown(sim.with_world(|w| w.faults.slow_reply_delay))
            .await;
    }
    drop(flight);
    Json(outcome).into_response()
}

/// The kinds of fault draw. Each call's draws come from its own stream, keyed by its ordinal
/// among business calls (before acting) or among calls that changed something (after), so
/// the faults a seeded run meets do not depend on how concurrent calls interleaved.
const BEFORE: u64 = 1;
const AFTER: u64 = 2;

/// Latency plus a uniform share of the jitter.
fn delay(faults: &Faults, rng: &mut SplitMix64) -> Duration {
    faults.latency + faults.jitter.mul_f64(rng.next_f64())
}

enum Early {
    Http502,
    Errcode(i64),
}

fn before_work(
    world: &mut World,
    sim: &Sim,
    api: Api,
    token: Option<&String>,
    now_ms: i64,
) -> Result<(), Early> {
    if api != Api::GetToken {
        world.business_calls += 1;
        let mut draw = SplitMix64::for_event(world.faults.seed, BEFORE, world.business_calls);
        if draw.chance(world.faults.p_http_502) {
            return Err(Early::Http502);
        }
        if draw.chance(world.faults.p_errcode_busy) {
            return Err(Early::Errcode(SYSTEM_BUSY));
        }
        if let Some(burst) = world.faults.quota_burst {
            let n = world.business_calls - world.faults_since;
            if n > u64::from(burst.after) && n <= u64::from(burst.after) + u64::from(burst.length) {
                return Err(Early::Errcode(QUOTA));
            }
        }
    }
    let window = world
        .per_api
        .entry(api)
        .or_insert_with(|| Window::new(60_000));
    if window.count(now_ms) >= sim.config.per_minute_limit as usize {
        return Err(Early::Errcode(QUOTA));
    }
    window.push(now_ms);
    if api != Api::GetToken {
        check_token(world, token, now_ms.div_euclid(1000)).map_err(Early::Errcode)?;
    }
    Ok(())
}

fn check_token(world: &mut World, token: Option<&String>, now: i64) -> Result<(), i64> {
    let token = token.filter(|t| !t.is_empty()).ok_or(TOKEN_MISSING)?;
    let every = world.faults.revoke_token_every;
    let info = world.tokens.get_mut(token).ok_or(INVALID_TOKEN)?;
    if now >= info.expires_at {
        return Err(TOKEN_EXPIRED);
    }
    if every.is_some_and(|n| info.calls >= n) {
        world.tokens.remove(token);
        world.stats.tokens_revoked += 1;
        return Err(TOKEN_EXPIRED);
    }
    info.calls += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_stays_within_latency_plus_jitter_and_follows_the_seed() {
        let faults = Faults {
            latency: Duration::from_millis(20),
            jitter: Duration::from_millis(10),
            ..Faults::default()
        };
        let (mut a, mut b) = (SplitMix64::new(1), SplitMix64::new(1));
        let delays: Vec<Duration> = (0..100).map(|_| delay(&faults, &mut a)).collect();
        assert!(
            delays
                .iter()
                .all(|d| (Duration::from_millis(20)..Duration::from_millis(30)).contains(d))
        );
        assert!(delays.iter().any(|d| *d != delays[0]), "the jitter varies");
        assert_eq!(
            delays,
            (0..100).map(|_| delay(&faults, &mut b)).collect::<Vec<_>>()
        );
    }
}
