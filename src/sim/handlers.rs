//! One handler per API, all going through the same pipeline of quotas, faults and token checks.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{ConnectInfo, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::api::Api;
use super::listener::Conn;
use super::quota::{Window, beijing_day};
use super::reply::{Outcome, failure, success};
use super::server::Sim;
use super::state::{SimLive, TokenInfo, World};
use super::stats::SimStats;
use super::validate::{self, INVALID_PARAMETER};
use crate::wecom::types::{CreateLiving, LivingInfo, UserLivingIdsRequest, status};

type Params = Query<HashMap<String, String>>;

const SYSTEM_BUSY: i64 = -1;
const INVALID_SECRET: i64 = 40001;
const INVALID_CORPID: i64 = 40013;
const INVALID_TOKEN: i64 = 40014;
const TOKEN_MISSING: i64 = 41001;
const CORPID_MISSING: i64 = 41002;
const SECRET_MISSING: i64 = 41004;
const TOKEN_EXPIRED: i64 = 42001;
const QUOTA: i64 = 45009;
const CONCURRENCY: i64 = 45033;
const DATA_FORMAT: i64 = 47001;
const NOT_SCHEDULED: i64 = 92006;
const INVALID_MEDIA_TYPE: i64 = 40004;
const INVALID_FILE_TYPE: i64 = 40005;
const INVALID_IMAGE_SIZE: i64 = 40009;
const EMPTY_MEDIA: i64 = 44001;
const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

pub(crate) async fn stats(State(sim): State<Arc<Sim>>) -> Json<SimStats> {
    Json(sim.stats())
}

pub(crate) async fn gettoken(
    State(sim): State<Arc<Sim>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Query(q): Params,
) -> Response {
    pipeline(&sim, Api::GetToken, &conn, None, |world, sim, now| {
        let corpid = q.get("corpid").map(String::as_str).unwrap_or_default();
        let secret = q.get("corpsecret").map(String::as_str).unwrap_or_default();
        let errcode = match (corpid, secret) {
            ("", _) => CORPID_MISSING,
            (_, "") => SECRET_MISSING,
            (c, _) if c != sim.config.corpid => INVALID_CORPID,
            (_, s) if s != sim.config.secret => INVALID_SECRET,
            _ => 0,
        };
        if errcode != 0 {
            return Outcome::Err(errcode);
        }
        let token = format!(
            "simtok{:016x}{:016x}{:016x}",
            world.rng.next_u64(),
            world.rng.next_u64(),
            world.rng.next_u64()
        );
        let ttl = sim.config.token_ttl.as_secs() as i64;
        world.tokens.insert(
            token.clone(),
            TokenInfo {
                expires_at: now + ttl,
                calls: 0,
            },
        );
        world.issued.push(token.clone());
        world.stats.tokens_issued += 1;
        Outcome::Ok(json!({ "access_token": token, "expires_in": ttl }))
    })
    .await
}

pub(crate) async fn create(
    State(sim): State<Arc<Sim>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Query(q): Params,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<CreateLiving>(&body);
    pipeline(
        &sim,
        Api::Create,
        &conn,
        q.get("access_token"),
        |world, sim, now| {
            let Ok(mut body) = parsed else {
                return Outcome::Err(DATA_FORMAT);
            };
            if let Err(code) = validate::create(&mut body, world, sim.config.users.as_deref(), now)
            {
                return Outcome::Err(code);
            }
            let day = beijing_day(now);
            let created_today = world.creates_by_day.get(&day).copied().unwrap_or(0);
            if created_today >= sim.config.creates_per_day {
                return Outcome::Err(QUOTA);
            }
            *world.creates_by_day.entry(day).or_default() += 1;
            let livingid = world.new_livingid();
            world.insert(SimLive {
                livingid: livingid.clone(),
                anchor_userid: body.anchor_userid,
                theme: body.theme,
                living_start: body.living_start,
                living_duration: body.living_duration,
                living_type: body.living_type,
                description: body.description,
                remind_time: body.remind_time,
                activity_cover_mediaid: body.activity_cover_mediaid,
                activity_share_mediaid: body.activity_share_mediaid,
                activity_detail: body.activity_detail,
                status: status::SCHEDULED,
                created_at: now,
            });
            Outcome::Ok(json!({ "livingid": livingid }))
        },
    )
    .await
}

/// WeCom lets modify name only the fields that change.
#[derive(Deserialize)]
struct ModifyRequest {
    livingid: String,
    theme: Option<String>,
    living_start: Option<i64>,
    living_duration: Option<i64>,
    description: Option<String>,
    #[serde(rename = "type")]
    living_type: Option<u8>,
    remind_time: Option<i64>,
}

pub(crate) async fn modify(
    State(sim): State<Arc<Sim>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Query(q): Params,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<ModifyRequest>(&body);
    pipeline(
        &sim,
        Api::Modify,
        &conn,
        q.get("access_token"),
        |world, _, now| {
            let Ok(body) = parsed else {
                return Outcome::Err(DATA_FORMAT);
            };
            let Some(live) = world.live(&body.livingid) else {
                return Outcome::Err(INVALID_PARAMETER);
            };
            if live.status_at(now) != status::SCHEDULED {
                return Outcome::Err(NOT_SCHEDULED);
            }
            let start = body.living_start.unwrap_or(live.living_start);
            let duration = body.living_duration.unwrap_or(live.living_duration);
            let checks = validate::theme(body.theme.as_deref().unwrap_or(&live.theme))
                .and(validate::timing(start, duration, now))
                .and(validate::description(body.description.as_deref()))
                .and(validate::living_type(
                    body.living_type.unwrap_or(live.living_type),
                ))
                .and(validate::remind(body.remind_time));
            if let Err(code) = checks {
                return Outcome::Err(code);
            }
            let live = world.live_mut(&body.livingid).expect("looked up above");
            live.living_start = start;
            live.living_duration = duration;
            if let Some(theme) = body.theme {
                live.theme = theme;
            }
            if let Some(description) = body.description {
                live.description = Some(description);
            }
            if let Some(living_type) = body.living_type {
                live.living_type = living_type;
            }
            if let Some(remind) = body.remind_time {
                live.remind_time = Some(remind);
            }
            world.dirty = true;
            Outcome::Ok(json!({}))
        },
    )
    .await
}

#[derive(Deserialize)]
struct CancelRequest {
    livingid: String,
}

pub(crate) async fn cancel(
    State(sim): State<Arc<Sim>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Query(q): Params,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<CancelRequest>(&body);
    pipeline(
        &sim,
        Api::Cancel,
        &conn,
        q.get("access_token"),
        |world, _, now| {
            let Ok(body) = parsed else {
                return Outcome::Err(DATA_FORMAT);
            };
            let Some(live) = world.live_mut(&body.livingid) else {
                return Outcome::Err(INVALID_PARAMETER);
            };
            if live.status_at(now) != status::SCHEDULED {
                return Outcome::Err(NOT_SCHEDULED);
            }
            live.status = status::CANCELLED;
            world.dirty = true;
            Outcome::Ok(json!({}))
        },
    )
    .await
}

pub(crate) async fn living_info(
    State(sim): State<Arc<Sim>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Query(q): Params,
) -> Response {
    pipeline(
        &sim,
        Api::LivingInfo,
        &conn,
        q.get("access_token"),
        |world, _, now| {
            let livingid = q.get("livingid").map(String::as_str).unwrap_or_default();
            let Some(live) = world.live(livingid) else {
                return Outcome::Err(INVALID_PARAMETER);
            };
            let description = live
                .description
                .clone()
                .or_else(|| live.activity_detail.as_ref()?.description.clone())
                .unwrap_or_default();
            let info = LivingInfo {
                theme: live.theme.clone(),
                living_start: live.living_start,
                living_duration: live.living_duration,
                status: live.status_at(now),
                reserve_start: live.living_start,
                reserve_living_duration: live.living_duration,
                description,
                anchor_userid: live.anchor_userid.clone(),
                main_department: 1,
                living_type: live.living_type,
                remind_time: live.remind_time,
                viewer_num: 0,
                online_count: 0,
                subscribe_count: 0,
            };
            Outcome::Ok(json!({ "living_info": info }))
        },
    )
    .await
}

pub(crate) async fn user_livingids(
    State(sim): State<Arc<Sim>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Query(q): Params,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<UserLivingIdsRequest>(&body);
    pipeline(
        &sim,
        Api::UserLivingIds,
        &conn,
        q.get("access_token"),
        |world, sim, _| {
            let Ok(body) = parsed else {
                return Outcome::Err(DATA_FORMAT);
            };
            if let Err(code) = validate::anchor(&body.userid, sim.config.users.as_deref()) {
                return Outcome::Err(code);
            }
            let limit = match body.limit {
                0 => 100,
                n @ 1..=100 => n as usize,
                _ => return Outcome::Err(INVALID_PARAMETER),
            };
            let offset = match body.cursor.as_str() {
                "" => 0,
                c => match c.parse::<usize>() {
                    Ok(n) => n,
                    Err(_) => return Outcome::Err(INVALID_PARAMETER),
                },
            };
            let ids: Vec<&str> = world
                .lives
                .iter()
                .filter(|l| l.anchor_userid == body.userid)
                .map(|l| l.livingid.as_str())
                .collect();
            let page: Vec<&str> = ids.iter().skip(offset).take(limit).copied().collect();
            let next = offset + page.len();
            let next_cursor = if next < ids.len() {
                next.to_string()
            } else {
                String::new()
            };
            Outcome::Ok(json!({ "next_cursor": next_cursor, "livingid_list": page }))
        },
    )
    .await
}

pub(crate) async fn upload(
    State(sim): State<Arc<Sim>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Query(q): Params,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let media = read_media(multipart).await;
    let is_image = q.get("type").is_some_and(|t| t == "image");
    pipeline(
        &sim,
        Api::Upload,
        &conn,
        q.get("access_token"),
        |world, _, now| {
            if !is_image {
                return Outcome::Err(INVALID_MEDIA_TYPE);
            }
            let bytes = match media {
                Some(bytes) if !bytes.is_empty() => bytes,
                _ => return Outcome::Err(EMPTY_MEDIA),
            };
            if bytes.len() > MAX_IMAGE_BYTES {
                return Outcome::Err(INVALID_IMAGE_SIZE);
            }
            if !(bytes.starts_with(b"\x89PNG") || bytes.starts_with(b"\xFF\xD8\xFF")) {
                return Outcome::Err(INVALID_FILE_TYPE);
            }
            let media_id = format!(
                "3sim{:016x}{:016x}",
                world.rng.next_u64(),
                world.rng.next_u64()
            );
            world.media.insert(media_id.clone(), now);
            world.dirty = true;
            Outcome::Ok(
                json!({ "type": "image", "media_id": media_id, "created_at": now.to_string() }),
            )
        },
    )
    .await
}

/// The bytes of the part named `media`, if the body is multipart and has one.
async fn read_media(multipart: Result<Multipart, MultipartRejection>) -> Option<Bytes> {
    let mut multipart = multipart.ok()?;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("media") {
            return field.bytes().await.ok();
        }
    }
    None
}

/// Counting, concurrency cap, latency, faults, quotas, token check, the handler's own
/// work, then the faults that strike after the work is done.
async fn pipeline<F>(sim: &Sim, api: Api, conn: &Conn, token: Option<&String>, act: F) -> Response
where
    F: FnOnce(&mut World, &Sim, i64) -> Outcome,
{
    sim.record_call(api);
    let flight = sim.enter();
    if sim
        .config
        .max_concurrent
        .is_some_and(|max| flight.count > u64::from(max))
    {
        return sim.error_reply(api, conn, CONCURRENCY);
    }
    sim.wait_until_released().await;
    let delay = sim.with_world(|world| {
        let f = &world.faults;
        let (latency, jitter) = (f.latency, f.jitter);
        latency + jitter.mul_f64(world.rng.next_f64())
    });
    if !delay.is_zero() {
        sim.sleep_unless_shutdown(delay).await;
    }

    let (outcome, drop_reply, slow_reply) = {
        let now_ms = sim.clock.now().as_millisecond();
        let now = now_ms.div_euclid(1000);
        let mut guard = sim.world.lock().expect("world lock");
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
        match &outcome {
            Outcome::Ok(_) if api.mutates() => {
                drop_reply = world.rng.chance(world.faults.p_drop_after_commit);
                slow_reply = !drop_reply && world.rng.chance(world.faults.p_slow_reply);
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
        if world.rng.chance(world.faults.p_http_502) {
            return Err(Early::Http502);
        }
        if world.rng.chance(world.faults.p_errcode_busy) {
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
