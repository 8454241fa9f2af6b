//! WeCom's rules as the simulator keeps them: tokens, what a create may hold, media,
//! a live's lifecycle on the simulator clock, and paging.

use std::time::Duration;

use livesched::sim::{Course, SimConfig};
use serde_json::json;

use super::harness::{DAY, Harness, PNG, at, body, config, errcode, t0};

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
    // Every live on time, so that this one is live at its start and ended at its end.
    let h = Harness::start(SimConfig {
        course: Course::punctual(),
        ..config()
    })
    .await;
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
async fn user_livingids_pages_newest_first_with_string_cursors() {
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
    // Cancelled lives are listed too.
    h.post(
        "living/cancel",
        &token,
        json!({ "livingid": ids[1].clone() }),
    )
    .await;
    ids.reverse();

    let list =
        |cursor: &str, limit: u32| json!({ "userid": "lisi", "cursor": cursor, "limit": limit });
    let page = h
        .post("living/get_user_all_livingid", &token, list("", 2))
        .await;
    assert_eq!(page["livingid_list"], json!(ids[0..2]));
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    assert!(!cursor.is_empty());
    // A live created between pages neither shifts nor repeats the next one.
    h.create(&token, body(json!({ "theme": "课 新" }))).await;
    let page = h
        .post("living/get_user_all_livingid", &token, list(&cursor, 2))
        .await;
    assert_eq!(page["livingid_list"], json!(ids[2..4]));
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let page = h
        .post("living/get_user_all_livingid", &token, list(&cursor, 2))
        .await;
    assert_eq!(page["livingid_list"], json!(ids[4..5]));
    assert_eq!(page["next_cursor"], "");
    let page = h
        .post("living/get_user_all_livingid", &token, list("", 0))
        .await;
    assert_eq!(page["livingid_list"].as_array().unwrap().len(), 6);

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
