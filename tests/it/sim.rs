//! Tests for the `sim` module: WeCom's rules, lifecycle, quotas, faults and state, over raw HTTP.

use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser};
use jiff::{SignedDuration, Timestamp};
use livesched::cli::SimArgs;
use livesched::sim::{Faults, QuotaBurst, SimConfig, SimServer};
use serde_json::{Value, json};

/// 2027-03-01T00:00:00Z, which is 08:00 in Beijing.
const T0: &str = "2027-03-01T00:00:00Z";
const DAY: i64 = 86_400;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n fake image";

fn t0() -> Timestamp {
    T0.parse().unwrap()
}

fn at(seconds_after_t0: i64) -> Timestamp {
    t0() + SignedDuration::from_secs(seconds_after_t0)
}

fn config() -> SimConfig {
    SimConfig {
        now: Some(t0()),
        ..SimConfig::default()
    }
}

/// A simulator and a bare HTTP client that speaks to it the way WeCom is spoken to.
struct Harness {
    sim: SimServer,
    http: reqwest::Client,
}

impl Harness {
    async fn start(config: SimConfig) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self {
            sim: livesched::sim::start(config).await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }

    async fn get(&self, path: &str) -> Value {
        let response = self.http.get(self.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Value {
        let url = format!("{}?access_token={token}", self.url(path));
        let response = self.http.post(url).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    async fn token(&self) -> String {
        let reply = self
            .get("gettoken?corpid=sim-corp&corpsecret=sim-secret")
            .await;
        assert_eq!(reply["errcode"], 0, "{reply}");
        reply["access_token"].as_str().unwrap().to_owned()
    }

    async fn create(&self, token: &str, body: Value) -> Value {
        self.post("living/create", token, body).await
    }

    async fn info(&self, token: &str, livingid: &str) -> Value {
        self.get(&format!(
            "living/get_living_info?access_token={token}&livingid={livingid}"
        ))
        .await
    }

    async fn upload(&self, token: &str, kind: &str, part: Option<(&str, Vec<u8>)>) -> Value {
        let url = format!(
            "{}?access_token={token}&type={kind}",
            self.url("media/upload")
        );
        let mut form = reqwest::multipart::Form::new();
        if let Some((name, bytes)) = part {
            form = form.part(
                name.to_owned(),
                reqwest::multipart::Part::bytes(bytes).file_name("a.png"),
            );
        }
        let response = self.http.post(url).multipart(form).send().await.unwrap();
        response.json().await.unwrap()
    }
}

/// A valid create body starting a day after T0, with fields overridden by `extra`.
fn body(extra: Value) -> Value {
    let mut body = json!({
        "anchor_userid": "lisi",
        "theme": "机器学习 第1讲",
        "living_start": t0().as_second() + DAY,
        "living_duration": 5400,
        "type": 3,
        "description": "入门课",
        "remind_time": 900,
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn errcode(reply: &Value) -> i64 {
    reply["errcode"].as_i64().unwrap()
}

#[tokio::test]
async fn gettoken_checks_credentials_in_wecoms_words() {
    let h = Harness::start(config()).await;
    let reply = h.get("gettoken?corpid=sim-corp&corpsecret=nope").await;
    assert_eq!(errcode(&reply), 40001);
    assert_eq!(
        reply["access_token"], "",
        "empty success fields stay in error replies"
    );
    let errmsg = reply["errmsg"].as_str().unwrap();
    assert!(errmsg.starts_with("invalid secret, hint: ["), "{errmsg}");
    assert!(
        errmsg.ends_with(
            "], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=40001"
        ),
        "{errmsg}"
    );
    assert_eq!(
        errcode(&h.get("gettoken?corpid=other&corpsecret=sim-secret").await),
        40013
    );
    assert_eq!(
        errcode(&h.get("gettoken?corpsecret=sim-secret").await),
        41002
    );
    assert_eq!(errcode(&h.get("gettoken?corpid=sim-corp").await), 41004);

    let reply = h
        .get("gettoken?corpid=sim-corp&corpsecret=sim-secret")
        .await;
    assert_eq!(
        (reply["errcode"].clone(), reply["errmsg"].clone()),
        (json!(0), json!("ok"))
    );
    assert_eq!(reply["expires_in"], 7200);
    assert_eq!(
        h.sim.issued_tokens(),
        vec![reply["access_token"].as_str().unwrap()]
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn tokens_are_missing_unknown_or_expired() {
    let h = Harness::start(SimConfig {
        token_ttl: Duration::from_secs(60),
        ..config()
    })
    .await;
    let token = h.token().await;
    assert_eq!(errcode(&h.create("", body(json!({}))).await), 41001);
    assert_eq!(errcode(&h.create("made-up", body(json!({}))).await), 40014);
    assert_eq!(errcode(&h.create(&token, body(json!({}))).await), 0);
    h.sim.set_now(at(60));
    let reply = h.create(&token, body(json!({}))).await;
    assert_eq!(errcode(&reply), 42001);
    assert_eq!(reply["livingid"], "");
    h.sim.shutdown().await;
}

#[tokio::test]
async fn create_rejects_what_wecom_rejects() {
    let h = Harness::start(SimConfig {
        users: Some(vec!["lisi".to_owned(), "zhangsan".to_owned()]),
        ..config()
    })
    .await;
    let token = h.token().await;
    let cases = [
        (json!({ "anchor_userid": "ghost" }), 40003),
        (json!({ "theme": "" }), 40058),
        (json!({ "theme": "a".repeat(21) }), 40058),
        // 16 characters but 64 bytes.
        (json!({ "theme": "😀".repeat(16) }), 40058),
        (json!({ "description": "课".repeat(101) }), 40058),
        // 76 characters but 304 bytes.
        (json!({ "description": "😀".repeat(76) }), 40058),
        (json!({ "type": 5 }), 40058),
        (json!({ "living_start": t0().as_second() - 1 }), 40058),
        (json!({ "living_start": t0().as_second() }), 40058),
        (json!({ "living_duration": 0 }), 40058),
        (json!({ "activity_cover_mediaid": "never-uploaded" }), 40007),
        (json!({ "theme": 7 }), 47001),
    ];
    for (extra, expected) in cases {
        let reply = h.create(&token, body(extra.clone())).await;
        assert_eq!(errcode(&reply), expected, "{extra} → {reply}");
        assert_eq!(reply["livingid"], "");
    }
    // The limits themselves are allowed: 20 CJK characters are exactly 60 bytes.
    let ok = [
        json!({ "theme": "课".repeat(20) }),
        json!({ "description": "课".repeat(100) }),
        json!({ "anchor_userid": "zhangsan", "type": 0 }),
        json!({ "type": 4 }),
    ];
    for extra in ok {
        let reply = h.create(&token, body(extra.clone())).await;
        assert_eq!(errcode(&reply), 0, "{extra} → {reply}");
        assert!(reply["livingid"].as_str().unwrap().starts_with("lv"));
    }
    assert!(h.sim.lives().iter().all(|l| l.status == 0));
    assert_eq!(h.sim.stats().rejected(40058), 9);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn media_is_checked_expires_after_three_days_and_images_are_cut_to_five() {
    let h = Harness::start(config()).await;
    let token = h.token().await;
    assert_eq!(errcode(&h.upload(&token, "image", None).await), 44001);
    assert_eq!(
        errcode(
            &h.upload(&token, "voice", Some(("media", PNG.to_vec())))
                .await
        ),
        40004
    );
    assert_eq!(
        errcode(
            &h.upload(&token, "image", Some(("other", PNG.to_vec())))
                .await
        ),
        44001
    );
    assert_eq!(
        errcode(
            &h.upload(&token, "image", Some(("media", b"GIF89a".to_vec())))
                .await
        ),
        40005
    );
    let mut big = PNG.to_vec();
    big.resize(2 * 1024 * 1024 + 1, 0);
    assert_eq!(
        errcode(&h.upload(&token, "image", Some(("media", big))).await),
        40009
    );

    let reply = h
        .upload(&token, "image", Some(("media", PNG.to_vec())))
        .await;
    assert_eq!(errcode(&reply), 0, "{reply}");
    assert_eq!(reply["type"], "image");
    assert_eq!(
        reply["created_at"],
        t0().as_second().to_string(),
        "a string, as WeCom sends it"
    );
    let media = reply["media_id"].as_str().unwrap().to_owned();

    let activity = body(json!({
        "type": 4,
        "activity_cover_mediaid": media,
        "activity_detail": { "description": "开场", "image_list": vec![media.clone(); 7] },
    }));
    assert_eq!(errcode(&h.create(&token, activity.clone()).await), 0);
    let lives = h.sim.lives();
    let images = &lives[0]
        .request
        .activity_detail
        .as_ref()
        .unwrap()
        .image_list;
    assert_eq!(images.len(), 5);

    // Three days later the media id is gone; a fresh token is needed too.
    h.sim.set_now(at(3 * DAY));
    let token = h.token().await;
    let mut later = activity;
    later["living_start"] = json!(at(4 * DAY).as_second());
    assert_eq!(errcode(&h.create(&token, later).await), 40007);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn lifecycle_follows_the_simulator_clock() {
    let h = Harness::start(config()).await;
    let token = h.token().await;
    let id = h.create(&token, body(json!({}))).await["livingid"]
        .as_str()
        .unwrap()
        .to_owned();
    let info = h.info(&token, &id).await;
    assert_eq!(info["living_info"]["status"], 0);
    assert_eq!(info["living_info"]["reserve_start"], t0().as_second() + DAY);
    assert_eq!(info["living_info"]["anchor_userid"], "lisi");
    assert_eq!(info["living_info"]["type"], 3);

    let modify =
        json!({ "livingid": id, "theme": "新主题", "living_start": t0().as_second() + 2 * DAY });
    assert_eq!(
        errcode(&h.post("living/modify", &token, modify.clone()).await),
        0
    );
    assert_eq!(h.info(&token, &id).await["living_info"]["theme"], "新主题");
    let past = json!({ "livingid": id, "living_start": t0().as_second() - 10 });
    assert_eq!(errcode(&h.post("living/modify", &token, past).await), 40058);
    let unknown = json!({ "livingid": "lv-nope" });
    assert_eq!(
        errcode(&h.post("living/modify", &token, unknown.clone()).await),
        40058
    );
    assert_eq!(
        errcode(&h.post("living/cancel", &token, unknown).await),
        40058
    );
    assert_eq!(errcode(&h.info(&token, "lv-nope").await), 40058);

    // Started: live, then ended; neither can be modified or cancelled.
    h.sim.set_now(at(2 * DAY + 60));
    let token = h.token().await;
    assert_eq!(h.info(&token, &id).await["living_info"]["status"], 1);
    assert_eq!(
        errcode(&h.post("living/modify", &token, modify).await),
        92006
    );
    assert_eq!(
        errcode(
            &h.post("living/cancel", &token, json!({ "livingid": id }))
                .await
        ),
        92006
    );
    h.sim.set_now(at(2 * DAY + 5400));
    assert_eq!(h.info(&token, &id).await["living_info"]["status"], 2);
    assert_eq!(h.sim.lives()[0].status, 2);

    h.sim.set_now(t0());
    let other = h.create(&token, body(json!({}))).await["livingid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        errcode(
            &h.post("living/cancel", &token, json!({ "livingid": other }))
                .await
        ),
        0
    );
    assert_eq!(h.info(&token, &other).await["living_info"]["status"], 4);
    assert_eq!(
        errcode(
            &h.post("living/cancel", &token, json!({ "livingid": other }))
                .await
        ),
        92006
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn user_livingids_pages_with_string_cursors() {
    let h = Harness::start(config()).await;
    let token = h.token().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let reply = h
            .create(&token, body(json!({ "theme": format!("课 {n}") })))
            .await;
        ids.push(reply["livingid"].clone());
    }
    h.create(&token, body(json!({ "anchor_userid": "zhangsan" })))
        .await;

    let list =
        |cursor: &str, limit: u32| json!({ "userid": "lisi", "cursor": cursor, "limit": limit });
    let page = h
        .post("living/get_user_all_livingid", &token, list("", 2))
        .await;
    assert_eq!(page["livingid_list"], json!(ids[0..2]));
    assert_eq!(page["next_cursor"], "2");
    let page = h
        .post("living/get_user_all_livingid", &token, list("4", 2))
        .await;
    assert_eq!(page["livingid_list"], json!(ids[4..5]));
    assert_eq!(page["next_cursor"], "");
    let page = h
        .post("living/get_user_all_livingid", &token, list("", 0))
        .await;
    assert_eq!(page["livingid_list"].as_array().unwrap().len(), 5);

    let reply = h
        .post("living/get_user_all_livingid", &token, list("", 101))
        .await;
    assert_eq!(errcode(&reply), 40058);
    assert_eq!(
        (reply["next_cursor"].clone(), reply["livingid_list"].clone()),
        (json!(""), json!([]))
    );
    assert_eq!(
        errcode(
            &h.post("living/get_user_all_livingid", &token, list("x", 10))
                .await
        ),
        40058
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn daily_create_quota_follows_beijing_days() {
    let h = Harness::start(SimConfig {
        creates_per_day: 2,
        ..config()
    })
    .await;
    let token = h.token().await;
    for n in 0..2 {
        assert_eq!(
            errcode(
                &h.create(&token, body(json!({ "theme": format!("{n}") })))
                    .await
            ),
            0
        );
    }
    assert_eq!(errcode(&h.create(&token, body(json!({}))).await), 45009);
    // 16:00 UTC is midnight in Beijing: a new day.
    h.sim.set_now(at(16 * 3600));
    let token = h.token().await;
    assert_eq!(errcode(&h.create(&token, body(json!({}))).await), 0);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn per_minute_quota_is_per_api() {
    let h = Harness::start(SimConfig {
        per_minute_limit: 3,
        ..config()
    })
    .await;
    let token = h.token().await;
    for _ in 0..3 {
        assert_eq!(errcode(&h.info(&token, "x").await), 40058);
    }
    assert_eq!(errcode(&h.info(&token, "x").await), 45009);
    assert_eq!(errcode(&h.create(&token, body(json!({}))).await), 0);
    h.sim.set_now(at(60));
    let token = h.token().await;
    assert_eq!(errcode(&h.info(&token, "x").await), 40058);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn concurrency_cap_answers_45033() {
    let h = Harness::start(SimConfig {
        max_concurrent: Some(2),
        ..config()
    })
    .await;
    let token = h.token().await;
    h.sim.hold();
    let mut held = tokio::task::JoinSet::new();
    for _ in 0..2 {
        let (http, url) = (
            h.http.clone(),
            h.url(&format!(
                "living/get_living_info?access_token={token}&livingid=x"
            )),
        );
        held.spawn(async move {
            http.get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        });
    }
    wait_for(|| h.sim.stats().in_flight == 2).await;
    assert_eq!(errcode(&h.info(&token, "x").await), 45033);
    h.sim.release();
    while let Some(reply) = held.join_next().await {
        assert_eq!(errcode(&reply.unwrap()), 40058);
    }
    let stats = h.sim.stats();
    assert_eq!(
        (stats.peak_in_flight, stats.in_flight, stats.rejected(45033)),
        (3, 0, 1)
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn faults_before_acting_leave_no_live() {
    let h = Harness::start(config()).await;
    let token = h.token().await;

    h.sim.set_faults(Faults {
        p_http_502: 1.0,
        ..Faults::default()
    });
    let url = format!("{}?access_token={token}", h.url("living/create"));
    let response = h
        .http
        .post(url)
        .json(&body(json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);

    h.sim.set_faults(Faults {
        p_errcode_busy: 1.0,
        ..Faults::default()
    });
    let reply = h.create(&token, body(json!({}))).await;
    assert_eq!(errcode(&reply), -1);
    assert!(
        reply["errmsg"]
            .as_str()
            .unwrap()
            .starts_with("system busy, hint: [")
    );

    // The 4th and 5th business calls after the faults are set hit the quota.
    h.sim.set_faults(Faults {
        quota_burst: Some(QuotaBurst {
            after: 3,
            length: 2,
        }),
        ..Faults::default()
    });
    let mut seen = Vec::new();
    for _ in 0..6 {
        seen.push(errcode(&h.info(&token, "x").await));
    }
    assert_eq!(seen, [40058, 40058, 40058, 45009, 45009, 40058]);

    assert!(h.sim.lives().is_empty());
    let stats = h.sim.stats();
    assert_eq!(
        (stats.http_502, stats.rejected(-1), stats.rejected(45009)),
        (1, 1, 2)
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn drop_and_slow_reply_act_before_the_reply_is_lost() {
    let h = Harness::start(config()).await;
    let token = h.token().await;
    h.sim.set_faults(Faults {
        p_drop_after_commit: 1.0,
        ..Faults::default()
    });
    let url = format!("{}?access_token={token}", h.url("living/create"));
    let err = h
        .http
        .post(&url)
        .json(&body(json!({})))
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_connect(), "the request was sent: {err}");
    assert_eq!(h.sim.lives().len(), 1);
    // Reads are not mutations: their replies are never dropped.
    assert_eq!(errcode(&h.info(&token, "x").await), 40058);

    h.sim.set_faults(Faults {
        p_slow_reply: 1.0,
        slow_reply_delay: Duration::from_secs(600),
        ..Faults::default()
    });
    let slow = h
        .http
        .post(&url)
        .json(&body(json!({})))
        .timeout(Duration::from_millis(200));
    assert!(slow.send().await.unwrap_err().is_timeout());
    assert_eq!(h.sim.lives().len(), 2);
    let stats = h.sim.stats();
    assert_eq!((stats.drops_after_commit, stats.slow_replies), (1, 1));
    // Shutdown ends the slow reply's wait instead of sitting through it.
    let started = Instant::now();
    h.sim.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[tokio::test]
async fn latency_delays_every_business_call() {
    let h = Harness::start(SimConfig {
        faults: Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        },
        ..config()
    })
    .await;
    let token = h.token().await;
    let started = Instant::now();
    h.info(&token, "x").await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    h.sim.shutdown().await;
}

#[tokio::test]
async fn revoked_tokens_get_42001_after_n_calls() {
    let h = Harness::start(SimConfig {
        faults: Faults {
            revoke_token_every: Some(2),
            ..Faults::default()
        },
        ..config()
    })
    .await;
    let token = h.token().await;
    let codes = [
        errcode(&h.info(&token, "x").await),
        errcode(&h.info(&token, "x").await),
        errcode(&h.info(&token, "x").await),
        errcode(&h.info(&token, "x").await),
    ];
    assert_eq!(codes, [40058, 40058, 42001, 40014]);
    assert_eq!(h.sim.stats().tokens_revoked, 1);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn the_seed_makes_faults_reproducible() {
    async fn outcomes(seed: u64) -> Vec<i64> {
        let h = Harness::start(SimConfig {
            faults: Faults {
                p_errcode_busy: 0.5,
                seed,
                ..Faults::default()
            },
            ..config()
        })
        .await;
        let token = h.token().await;
        let mut codes = Vec::new();
        for _ in 0..32 {
            codes.push(errcode(&h.info(&token, "x").await));
        }
        h.sim.shutdown().await;
        codes
    }
    let first = outcomes(42).await;
    assert_eq!(first, outcomes(42).await);
    assert!(first.contains(&-1) && first.contains(&40058), "{first:?}");
    assert_ne!(first, outcomes(43).await);
}

#[tokio::test]
async fn stats_count_calls_rejections_duplicates_and_peaks() {
    let h = Harness::start(config()).await;
    let token = h.token().await;
    let first = h.create(&token, body(json!({}))).await["livingid"].clone();
    h.create(&token, body(json!({}))).await;
    h.create(&token, body(json!({ "theme": "另一门课" }))).await;
    h.info(&token, "x").await;

    let stats: Value = h
        .http
        .get(format!("http://{}/__sim/stats", h.sim.addr()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        stats["calls"],
        json!({ "gettoken": 1, "living/create": 3, "living/get_living_info": 1 })
    );
    assert_eq!(stats["rejections"], json!({ "40058": 1 }));
    assert_eq!(stats["duplicates"], 1);
    assert_eq!(stats["lives_total"], 3);
    assert_eq!(stats["peak_calls_per_minute"], 5);
    assert!(stats["peak_calls_per_second"].as_u64().unwrap() >= 1);

    assert_eq!(
        errcode(
            &h.post("living/cancel", &token, json!({ "livingid": first }))
                .await
        ),
        0
    );
    let stats = h.sim.stats();
    assert_eq!(
        (
            stats.duplicates,
            stats.lives_cancelled,
            stats.lives_scheduled
        ),
        (0, 1, 2)
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn test_hooks_change_lives_behind_the_clients_back() {
    let h = Harness::start(config()).await;
    let token = h.token().await;
    let id = h.create(&token, body(json!({}))).await["livingid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        h.sim
            .modify_live(&id, |live| live.request.theme = "被人改了".to_owned())
    );
    assert_eq!(
        h.info(&token, &id).await["living_info"]["theme"],
        "被人改了"
    );
    assert!(h.sim.cancel_live(&id));
    assert_eq!(h.info(&token, &id).await["living_info"]["status"], 4);
    assert!(!h.sim.cancel_live("lv-nope"));
    h.sim.shutdown().await;
}

#[tokio::test]
async fn state_file_carries_lives_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sim.json");
    let run = || SimConfig {
        state_file: Some(state.clone()),
        ..config()
    };

    let h = Harness::start(run()).await;
    let token = h.token().await;
    let first = h.create(&token, body(json!({}))).await["livingid"].clone();
    let lives = h.sim.lives();
    h.sim.shutdown().await;
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(saved["lives"][0]["livingid"], first);

    let h = Harness::start(run()).await;
    assert_eq!(h.sim.lives(), lives);
    let token = h.token().await;
    assert_eq!(h.info(&token, first.as_str().unwrap()).await["errcode"], 0);
    let second = h.create(&token, body(json!({}))).await["livingid"].clone();
    assert_ne!(first, second, "ids stay unique across runs");
    assert_eq!(h.sim.stats().duplicates, 1);
    h.sim.shutdown().await;
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temp files are left behind");
}

#[tokio::test]
async fn nonsense_configurations_are_refused() {
    let bad = [
        SimConfig {
            per_minute_limit: 0,
            ..config()
        },
        SimConfig {
            max_concurrent: Some(0),
            ..config()
        },
        SimConfig {
            secret: String::new(),
            ..config()
        },
        SimConfig {
            users: Some(vec![String::new()]),
            ..config()
        },
        SimConfig {
            faults: Faults {
                p_http_502: 1.5,
                ..Faults::default()
            },
            ..config()
        },
    ];
    for config in bad {
        assert!(livesched::sim::start(config).await.is_err());
    }
}

/// `livesched sim`'s arguments, as the binary would embed them.
#[derive(Debug, Parser)]
struct SimCli {
    #[command(flatten)]
    args: SimArgs,
}

#[test]
fn sim_args_are_well_formed() {
    SimCli::command().debug_assert();
    let help = SimCli::command().render_long_help().to_string();
    assert!(help.contains("A CI dry run"), "{help}");
}

#[test]
fn sim_args_become_a_config() {
    let cli = SimCli::try_parse_from([
        "sim",
        "--listen",
        "127.0.0.1:8099",
        "--state",
        "sim.json",
        "--corpid",
        "c",
        "--secret",
        "s",
        "--users",
        "a,b,c",
        "--token-ttl",
        "90s",
        "--now",
        "2027-02-20T09:00:00+08:00",
        "--per-minute",
        "600",
        "--creates-per-day",
        "50",
        "--max-concurrent",
        "8",
        "--latency",
        "20ms",
        "--jitter",
        "5ms",
        "--fail-502",
        "0.05",
        "--fail-busy",
        "0.1",
        "--drop-after-commit",
        "0.03",
        "--slow-reply",
        "0.01",
        "--slow-reply-delay",
        "2m",
        "--revoke-token-every",
        "100",
        "--quota-burst",
        "10:5",
        "--seed",
        "42",
    ])
    .unwrap();
    let config = cli.args.into_config().unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:8099");
    assert_eq!(
        config.state_file.as_deref(),
        Some(std::path::Path::new("sim.json"))
    );
    assert_eq!((config.corpid.as_str(), config.secret.as_str()), ("c", "s"));
    assert_eq!(config.users, Some(vec!["a".into(), "b".into(), "c".into()]));
    assert_eq!(config.token_ttl, Duration::from_secs(90));
    assert_eq!(config.now, Some("2027-02-20T01:00:00Z".parse().unwrap()));
    assert_eq!(
        (
            config.per_minute_limit,
            config.creates_per_day,
            config.max_concurrent
        ),
        (600, 50, Some(8))
    );
    assert_eq!(
        config.faults,
        Faults {
            latency: Duration::from_millis(20),
            jitter: Duration::from_millis(5),
            p_http_502: 0.05,
            p_errcode_busy: 0.1,
            p_drop_after_commit: 0.03,
            p_slow_reply: 0.01,
            slow_reply_delay: Duration::from_secs(120),
            revoke_token_every: Some(100),
            quota_burst: Some(QuotaBurst {
                after: 10,
                length: 5
            }),
            seed: 42,
        }
    );
    assert!(
        !format!("{config:?}").contains("\"s\""),
        "the secret is not in Debug"
    );

    let defaults = SimCli::try_parse_from(["sim"])
        .unwrap()
        .args
        .into_config()
        .unwrap();
    assert_eq!(defaults.listen.to_string(), "127.0.0.1:0");
    assert_eq!(
        (defaults.corpid.as_str(), defaults.users.clone()),
        ("sim-corp", None)
    );
    assert_eq!(defaults.faults, Faults::default());

    for bad in [
        ["sim", "--fail-busy", "1.5"],
        ["sim", "--latency", "fast"],
        ["sim", "--quota-burst", "10"],
        ["sim", "--now", "tomorrow"],
    ] {
        assert!(SimCli::try_parse_from(bad).is_err(), "{bad:?}");
    }
    let zero = SimCli::try_parse_from(["sim", "--per-minute", "0"]).unwrap();
    assert_eq!(
        zero.args.into_config().unwrap_err().to_string(),
        "the per-minute limit must be at least 1"
    );
}

/// Waits for a state the simulator reaches on its own, without guessing a duration.
async fn wait_for(mut condition: impl FnMut() -> bool) {
    for _ in 0..2000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("condition not reached within 10 s");
}

#[test]
fn sim_help_snapshot() {
    let help = SimCli::command()
        .name("livesched sim")
        .about(None::<&str>)
        .term_width(100)
        .render_long_help()
        .to_string();
    // clap indents blank lines; trailing spaces would be invisible noise in the snapshot.
    let help: Vec<&str> = help.lines().map(str::trim_end).collect();
    insta::assert_snapshot!(help.join("\n"), @r#"
    Usage: livesched sim [OPTIONS]

    Options:
          --listen <ADDR>
              Address to listen on; port 0 picks a free port, printed on stdout

              [default: 127.0.0.1:0]

          --state <FILE>
              Load lives from this JSON file at start and save them to it (atomically) as they change

          --corpid <ID>
              The corp id `gettoken` accepts

              [default: sim-corp]

          --secret <SECRET>
              The corp secret `gettoken` accepts

              [default: sim-secret]

          --users <USERID,…>
              Userids that exist, comma-separated; others get errcode 40003. Default: any userid

          --token-ttl <DURATION>
              Lifetime of an access token on the simulator clock; expired tokens get errcode 42001

              [default: 2h]

          --now <RFC3339>
              Start the simulator clock at this RFC 3339 instant; it then advances with real time

          --per-minute <N>
              Calls per API per minute before errcode 45009

              [default: 10000]

          --creates-per-day <N>
              Lives created per day (Beijing time) before errcode 45009

              [default: 10000]

          --max-concurrent <N>
              Calls in flight at once before errcode 45033. Default: no cap

          --latency <DURATION>
              Delay added to every call, e.g. `20ms`

              [default: 0s]

          --jitter <DURATION>
              A random extra delay up to this much, on top of `--latency`

              [default: 0s]

          --fail-502 <P>
              Probability (0 to 1) of answering HTTP 502 without acting

              [default: 0]

          --fail-busy <P>
              Probability of answering errcode -1 (system busy) without acting

              [default: 0]

          --drop-after-commit <P>
              Probability that a create, modify or cancel acts, then the connection closes with no reply

              [default: 0]

          --slow-reply <P>
              Probability that a create, modify or cancel acts, then replies only after
              `--slow-reply-delay`

              [default: 0]

          --slow-reply-delay <DURATION>
              How late a slow reply comes; make it longer than the client's timeout

              [default: 60s]

          --revoke-token-every <N>
              Each access token serves N business calls; the next call gets errcode 42001

          --quota-burst <AFTER:LENGTH>
              Answer errcode 45009 to business calls AFTER+1 through AFTER+LENGTH, e.g. `100:20`

          --seed <N>
              Seed of the fault RNG: the same seed and calls give the same faults

              [default: 24301]

      -h, --help
              Print help

    Examples:
      # A CI dry run: a faulty simulator on a fixed port, then apply against it
      livesched sim --listen 127.0.0.1:8099 --state target/sim-state.json \
          --now 2027-02-20T09:00:00+08:00 --fail-busy 0.05 --drop-after-commit 0.03 --seed 42 &
      WECOM_CORPID=sim-corp WECOM_CORPSECRET=sim-secret \
          livesched apply spring.yaml --api-base http://127.0.0.1:8099/cgi-bin/ --yes
      kill %1   # SIGTERM or Ctrl-C saves the state file

      # Counters (calls, rejections, duplicates, peak rates) while it runs
      curl http://127.0.0.1:8099/__sim/stats
    "#);
}

#[tokio::test]
async fn state_is_saved_while_running_and_a_corrupt_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sim.json");
    let h = Harness::start(SimConfig {
        state_file: Some(state.clone()),
        ..config()
    })
    .await;
    let token = h.token().await;
    let id = h.create(&token, body(json!({}))).await["livingid"]
        .as_str()
        .unwrap()
        .to_owned();
    // A `kill -9` now would keep this live: the file follows within a moment, not at exit.
    wait_for(|| std::fs::read_to_string(&state).is_ok_and(|text| text.contains(&id))).await;
    h.sim.shutdown().await;

    std::fs::write(&state, "{ not json").unwrap();
    let err = livesched::sim::start(SimConfig {
        state_file: Some(state.clone()),
        ..config()
    })
    .await
    .err()
    .expect("a corrupt state file is an error");
    assert!(
        err.to_string()
            .starts_with("failed to read the simulator state"),
        "{err}"
    );
}
