//! One handler per API: parse the request, then do the API's own work inside the pipeline.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{ConnectInfo, Multipart, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::api::Api;
use super::course::{Timing, watchers};
use super::listener::Conn;
use super::pipeline::pipeline;
use super::quota::beijing_day;
use super::reply::Outcome;
use super::shared::Sim;
use super::state::{SimLive, TokenInfo};
use super::stats::SimStats;
use super::validate;
use crate::wecom::errcode::*;
use crate::wecom::limits::{IMAGE_MAX_BYTES, LIVINGID_PAGE_MAX};
use crate::wecom::types::{
    CreateLiving, LivingInfo, UserLivingIdsRequest, WatchStatInfo, WatchStatPage, WatchStatRequest,
    status,
};

type Params = Query<HashMap<String, String>>;

pub(crate) async fn stats(State(sim): State<Arc<Sim>>) -> Json<SimStats> {
    Json(sim.stats())
}

/// `GET /__sim/clock`: the simulator's now.
pub(crate) async fn clock(State(sim): State<Arc<Sim>>) -> Json<serde_json::Value> {
    Json(json!({ "now": sim.clock.now().to_string() }))
}

/// `POST /__sim/clock` with `{"now": "2027-04-01T12:00:00+08:00"}` or
/// `{"advance": "30d"}`: moves the clock forward (never back: what has happened, has).
pub(crate) async fn move_clock(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Move {
        now: Option<String>,
        advance: Option<String>,
    }
    let refuse =
        |why: String| (StatusCode::BAD_REQUEST, Json(json!({ "error": why }))).into_response();
    let current = sim.clock.now();
    let target = match serde_json::from_slice::<Move>(&body) {
        Ok(Move {
            now: Some(now),
            advance: None,
        }) => now
            .parse::<jiff::Timestamp>()
            .map_err(|e| format!("`now` is not an RFC 3339 time: {e}")),
        Ok(Move {
            now: None,
            advance: Some(span),
        }) => span
            .parse::<jiff::SignedDuration>()
            .or_else(|_| {
                span.parse::<jiff::Span>()
                    .and_then(|s| s.to_duration(jiff::SpanRelativeTo::days_are_24_hours()))
            })
            .map_err(|e| format!("`advance` is not a duration such as `90m` or `30d`: {e}"))
            .and_then(|d| current.checked_add(d).map_err(|e| e.to_string())),
        _ => Err("expected `{\"now\": RFC3339}` or `{\"advance\": DURATION}`".to_owned()),
    };
    match target {
        Ok(t) if t < current => refuse(format!(
            "the clock only moves forward: it is `{current}`, not before"
        )),
        Ok(t) => {
            sim.set_now(t);
            Json(json!({ "now": t.to_string() })).into_response()
        }
        Err(why) => refuse(why),
    }
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
            ("", _) => MISSING_CORPID,
            (_, "") => MISSING_SECRET,
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
                request: body,
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
        |world, sim, now| {
            let Ok(body) = parsed else {
                return Outcome::Err(DATA_FORMAT);
            };
            let Some(live) = world.live(&body.livingid) else {
                return Outcome::Err(INVALID_PARAMETER);
            };
            if live.status_at(now, &sim.config.course) != status::SCHEDULED {
                return Outcome::Err(NOT_SCHEDULED);
            }
            let was = &live.request;
            let start = body.living_start.unwrap_or(was.living_start);
            let duration = body.living_duration.unwrap_or(was.living_duration);
            let checks = validate::theme(body.theme.as_deref().unwrap_or(&was.theme))
                .and(validate::timing(start, duration, now))
                .and(validate::description(body.description.as_deref()))
                .and(validate::living_type(
                    body.living_type.unwrap_or(was.living_type),
                ))
                .and(validate::remind(body.remind_time));
            if let Err(code) = checks {
                return Outcome::Err(code);
            }
            let live = world.live_mut(&body.livingid).expect("looked up above");
            let r = &mut live.request;
            r.living_start = start;
            r.living_duration = duration;
            if let Some(theme) = body.theme {
                r.theme = theme;
            }
            if let Some(description) = body.description {
                r.description = Some(description);
            }
            if let Some(living_type) = body.living_type {
                r.living_type = living_type;
            }
            if let Some(remind) = body.remind_time {
                r.remind_time = Some(remind);
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
        |world, sim, now| {
            let Ok(body) = parsed else {
                return Outcome::Err(DATA_FORMAT);
            };
            let Some(live) = world.live_mut(&body.livingid) else {
                return Outcome::Err(INVALID_PARAMETER);
            };
            if live.status_at(now, &sim.config.course) != status::SCHEDULED {
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
        |world, sim, now| {
            let livingid = q.get("livingid").map(String::as_str).unwrap_or_default();
            let Some(live) = world.live(livingid) else {
                return Outcome::Err(INVALID_PARAMETER);
            };
            let info = living_info_at(live, sim, now);
            Outcome::Ok(json!({ "living_info": info }))
        },
    )
    .await
}

/// A live as `get_living_info` describes it at `now`: `living_start` and
/// `living_duration` are the actual ones once it has run, `reserve_*` what was scheduled.
pub(crate) fn living_info_at(live: &SimLive, sim: &Sim, now: i64) -> LivingInfo {
    let r = &live.request;
    let description = r
        .description
        .clone()
        .or_else(|| r.activity_detail.as_ref()?.description.clone())
        .unwrap_or_default();
    let course = &sim.config.course;
    let status = live.status_at(now, course);
    let (living_start, living_duration) = match Timing::of(live, course).ran() {
        Some(ran) if matches!(status, status::LIVE | status::ENDED) => ran,
        _ => (r.living_start, r.living_duration),
    };
    let viewers = if matches!(status, status::LIVE | status::ENDED) {
        let seen = watchers(live, &sim.config.directory(), course, now);
        (seen.users.len() + seen.external_users.len()) as i64
    } else {
        0
    };
    LivingInfo {
        theme: r.theme.clone(),
        living_start,
        living_duration,
        status,
        reserve_start: r.living_start,
        reserve_living_duration: r.living_duration,
        description,
        anchor_userid: r.anchor_userid.clone(),
        main_department: 1,
        living_type: r.living_type,
        remind_time: r.remind_time,
        viewer_num: viewers,
        online_count: 0,
        subscribe_count: 0,
    }
}

pub(crate) async fn watch_stat(
    State(sim): State<Arc<Sim>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Query(q): Params,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<WatchStatRequest>(&body);
    pipeline(
        &sim,
        Api::WatchStat,
        &conn,
        q.get("access_token"),
        |world, sim, now| {
            let Ok(body) = parsed else {
                return Outcome::Err(DATA_FORMAT);
            };
            let Some(live) = world.live(&body.livingid) else {
                return Outcome::Err(INVALID_PARAMETER);
            };
            let seen = watchers(live, &sim.config.directory(), &sim.config.course, now);
            match watch_page(
                &seen,
                &body.livingid,
                &body.next_key,
                sim.config.course.watch_page,
            ) {
                Some(page) => Outcome::Ok(serde_json::to_value(page).unwrap_or_default()),
                None => Outcome::Err(INVALID_PARAMETER),
            }
        },
    )
    .await
}

/// One page of `seen` after `next_key` (`""` or `"0"`: the first), members first.
///
/// As documented, only `ending` ends the pages: a full page says 0 even when
/// nothing is left (an empty last page follows), and the last page's `next_key`
/// is empty for some lives and the last key for others. `None` for a key this
/// live never handed out.
pub(crate) fn watch_page(
    seen: &WatchStatInfo,
    livingid: &str,
    next_key: &str,
    size: usize,
) -> Option<WatchStatPage> {
    let served = match next_key {
        "" | "0" => 0,
        key => key.strip_prefix("k")?.parse::<usize>().ok()?,
    };
    let members = seen.users.len();
    let total = members + seen.external_users.len();
    if served > total {
        return None;
    }
    let end = (served + size).min(total);
    let users = seen.users[served.min(members)..end.min(members)].to_vec();
    let external_users =
        seen.external_users[served.max(members) - members..end.max(members) - members].to_vec();
    let ending = end - served < size;
    let empty_last_key = (super::course::hash(livingid) >> 29).is_multiple_of(2);
    Some(WatchStatPage {
        ending: u8::from(ending),
        next_key: if ending && empty_last_key {
            String::new()
        } else {
            format!("k{end}")
        },
        stat_info: WatchStatInfo {
            users,
            external_users,
        },
    })
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
                0 => LIVINGID_PAGE_MAX as usize,
                n @ 1..=LIVINGID_PAGE_MAX => n as usize,
                _ => return Outcome::Err(INVALID_PARAMETER),
            };
            // Newest first, cancelled and ended lives included: WeCom documents no
            // order, so nothing may depend on one. The cursor is the position below
            // which the next page starts, so lives created meanwhile shift nothing.
            let below = match body.cursor.as_str() {
                "" => world.lives.len(),
                c => match c.parse::<usize>() {
                    Ok(n) if n <= world.lives.len() => n,
                    _ => return Outcome::Err(INVALID_PARAMETER),
                },
            };
            let mut mine = world.lives[..below]
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, l)| l.request.anchor_userid == body.userid);
            let page: Vec<(usize, &str)> = mine
                .by_ref()
                .take(limit)
                .map(|(at, l)| (at, l.livingid.as_str()))
                .collect();
            let next_cursor = match (mine.next(), page.last()) {
                (Some(_), Some((at, _))) => at.to_string(),
                _ => String::new(),
            };
            let page: Vec<&str> = page.into_iter().map(|(_, id)| id).collect();
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
            if bytes.len() > IMAGE_MAX_BYTES {
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
