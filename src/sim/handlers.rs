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
use crate::wecom::types::{CreateLiving, LivingInfo, UserLivingIdsRequest, status};

type Params = Query<HashMap<String, String>>;

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
            let r = &live.request;
            let description = r
                .description
                .clone()
                .or_else(|| r.activity_detail.as_ref()?.description.clone())
                .unwrap_or_default();
            let info = LivingInfo {
                theme: r.theme.clone(),
                living_start: r.living_start,
                living_duration: r.living_duration,
                status: live.status_at(now),
                reserve_start: r.living_start,
                reserve_living_duration: r.living_duration,
                description,
                anchor_userid: r.anchor_userid.clone(),
                main_department: 1,
                living_type: r.living_type,
                remind_time: r.remind_time,
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
