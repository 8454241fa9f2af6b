//! Each call the client makes, against the simulator: create, read, modify, cancel, list, upload.

use livesched::wecom::{ActivityDetail, ErrorClass, ModifyLiving, status};

use super::fixtures::{HOUR, PNG, live, sim_config, t0, tomorrow};
use crate::support::{client_for, start_sim};

#[tokio::test]
async fn create_read_modify_cancel() {
    let sim = start_sim(sim_config()).await;
    let client = client_for(&sim);

    let id = client
        .create(&live("lisi", "机器学习 第1讲", tomorrow()))
        .await
        .unwrap();
    let info = client.living_info(&id).await.unwrap();
    assert_eq!(info.theme, "机器学习 第1讲");
    assert_eq!(info.anchor_userid, "lisi");
    assert_eq!(info.reserve_start, tomorrow());
    assert_eq!(info.living_duration, 5400);
    assert_eq!(info.status, status::SCHEDULED);
    assert_eq!(info.living_type, 3);
    assert_eq!(info.description, "入门课");

    client
        .modify(&ModifyLiving {
            livingid: id.clone(),
            theme: "机器学习 第1讲（改）".to_owned(),
            living_start: tomorrow() + HOUR,
            living_duration: 3600,
            description: None,
            living_type: 3,
            remind_time: Some(600),
        })
        .await
        .unwrap();
    let info = client.living_info(&id).await.unwrap();
    assert_eq!(info.theme, "机器学习 第1讲（改）");
    assert_eq!(info.reserve_start, tomorrow() + HOUR);
    assert_eq!(info.remind_time, Some(600));

    client.cancel(&id).await.unwrap();
    assert_eq!(
        client.living_info(&id).await.unwrap().status,
        status::CANCELLED
    );

    let again = client.cancel(&id).await.unwrap_err();
    assert_eq!(again.errcode(), Some(92006));
    assert_eq!(again.class(), ErrorClass::Permanent);
    assert!(
        again.to_string().contains("live not in scheduled state"),
        "{again}"
    );

    // One gettoken served every call above.
    assert_eq!(sim.stats().calls_to("gettoken"), 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn user_livingids_follows_cursors_across_pages() {
    let sim = start_sim(sim_config()).await;
    let client = client_for(&sim);
    let mut created = Vec::new();
    for n in 0..230 {
        created.push(
            client
                .create(&live("wangwu", &format!("课 {n}"), tomorrow() + n))
                .await
                .unwrap(),
        );
    }
    client
        .create(&live("other", "别人的课", tomorrow()))
        .await
        .unwrap();

    let listed = client.user_livingids("wangwu").await.unwrap();
    // The simulator lists newest first (WeCom documents no order).
    created.reverse();
    assert_eq!(listed, created);
    assert_eq!(sim.stats().calls_to("living/get_user_all_livingid"), 3);
    assert!(client.user_livingids("nobody").await.unwrap().is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn uploaded_image_serves_an_activity_live() {
    let sim = start_sim(sim_config()).await;
    let client = client_for(&sim);
    let media = client
        .upload_image("cover.png", PNG.to_vec())
        .await
        .unwrap();
    assert!(!media.media_id.is_empty());
    assert_eq!(media.created_at, t0().as_second().to_string());

    let mut body = live("lisi", "开学典礼", tomorrow());
    body.living_type = 4;
    body.description = None;
    body.activity_cover_mediaid = Some(media.media_id.clone());
    body.activity_detail = Some(ActivityDetail {
        description: Some("本学期的开场".to_owned()),
        image_list: vec![media.media_id.clone()],
    });
    let id = client.create(&body).await.unwrap();
    assert_eq!(
        client.living_info(&id).await.unwrap().description,
        "本学期的开场"
    );

    let err = client
        .upload_image("notes.txt", b"plain text".to_vec())
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(40005));
    sim.shutdown().await;
}
