//! Request and response bodies of the living API, as WeCom spells them.
//!
//! Optional fields that are unset are omitted from requests, never sent as `""` or `0`.

use serde::{Deserialize, Serialize};

/// The type of a live (`type` in the API).
pub type LivingType = u8;

/// `POST living/create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateLiving {
    pub anchor_userid: String,
    pub theme: String,
    /// Unix seconds.
    pub living_start: i64,
    /// Seconds.
    pub living_duration: i64,
    #[serde(rename = "type")]
    pub living_type: LivingType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agentid: Option<i64>,
    /// Seconds before the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_cover_mediaid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_share_mediaid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_detail: Option<ActivityDetail>,
}

/// `activity_detail` of an activity live (type 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_list: Vec<String>,
}

/// `POST living/modify`: the full intended state of a scheduled live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifyLiving {
    pub livingid: String,
    pub theme: String,
    pub living_start: i64,
    pub living_duration: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub living_type: LivingType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_time: Option<i64>,
}

/// The status of a live (`status` in `get_living_info`).
pub type LivingStatus = u8;

/// Values of [`LivingStatus`].
pub mod status {
    use super::LivingStatus;

    pub const SCHEDULED: LivingStatus = 0;
    pub const LIVE: LivingStatus = 1;
    pub const ENDED: LivingStatus = 2;
    pub const EXPIRED: LivingStatus = 3;
    pub const CANCELLED: LivingStatus = 4;
}

/// `living_info` of `GET living/get_living_info`. Fields WeCom adds later are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivingInfo {
    #[serde(default)]
    pub theme: String,
    /// Unix seconds of the actual start, or of the scheduled start before it.
    #[serde(default)]
    pub living_start: i64,
    #[serde(default)]
    pub living_duration: i64,
    #[serde(default)]
    pub status: LivingStatus,
    /// Unix seconds of the scheduled start.
    #[serde(default)]
    pub reserve_start: i64,
    #[serde(default)]
    pub reserve_living_duration: i64,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub anchor_userid: String,
    #[serde(default)]
    pub main_department: i64,
    #[serde(rename = "type", default)]
    pub living_type: LivingType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_time: Option<i64>,
    #[serde(default)]
    pub viewer_num: i64,
    #[serde(default)]
    pub online_count: i64,
    #[serde(default)]
    pub subscribe_count: i64,
}

/// Reply of `POST media/upload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaUpload {
    pub media_id: String,
    /// Unix seconds as WeCom sends it: documented as a string, sometimes a number.
    #[serde(deserialize_with = "string_or_number")]
    pub created_at: String,
}

/// `POST living/get_user_all_livingid` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserLivingIdsRequest {
    pub userid: String,
    #[serde(default)]
    pub cursor: String,
    #[serde(default)]
    pub limit: u32,
}

/// `POST living/get_user_all_livingid` reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserLivingIds {
    #[serde(default)]
    pub next_cursor: String,
    #[serde(default)]
    pub livingid_list: Vec<String>,
}

/// `POST living/get_watch_stat` request: one page of a live's watch statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchStatRequest {
    pub livingid: String,
    /// The `next_key` of the page before; `"0"` (or nothing) for the first page.
    #[serde(default)]
    pub next_key: String,
}

/// `POST living/get_watch_stat` reply: one page. Only `ending` says whether more
/// follow (1: this was the last); the last page's `next_key` may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchStatPage {
    #[serde(default)]
    pub ending: u8,
    #[serde(default)]
    pub next_key: String,
    #[serde(default)]
    pub stat_info: WatchStatInfo,
}

/// `stat_info` of a watch statistics page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchStatInfo {
    /// Members of the corp who watched.
    #[serde(default)]
    pub users: Vec<WatchingUser>,
    /// Viewers from outside the corp: WeChat users (type 1) and other corps' WeCom users (type 2).
    #[serde(default)]
    pub external_users: Vec<WatchingExternalUser>,
}

/// A member of the corp in `stat_info.users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchingUser {
    pub userid: String,
    /// Seconds watched, live and replay together.
    #[serde(default)]
    pub watch_time: i64,
    #[serde(default)]
    pub is_comment: u8,
    #[serde(default)]
    pub is_mic: u8,
}

/// A viewer from outside the corp in `stat_info.external_users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchingExternalUser {
    pub external_userid: String,
    /// 1: a WeChat user; 2: a WeCom user of another corp.
    #[serde(rename = "type", default)]
    pub user_type: u8,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub watch_time: i64,
    #[serde(default)]
    pub is_comment: u8,
    #[serde(default)]
    pub is_mic: u8,
}

/// `POST living/cancel` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelLiving {
    pub livingid: String,
}

pub(crate) fn string_or_number<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error;
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(D::Error::custom(format!(
            "expected a string or a number, found `{other}`"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_at_is_a_string_or_a_number() {
        let s: MediaUpload =
            serde_json::from_str(r#"{"media_id":"m","created_at":"1380000000"}"#).unwrap();
        let n: MediaUpload =
            serde_json::from_str(r#"{"media_id":"m","created_at":1380000000}"#).unwrap();
        assert_eq!(s, n);
        assert!(
            serde_json::from_str::<MediaUpload>(r#"{"media_id":"m","created_at":null}"#).is_err()
        );
    }

    #[test]
    fn living_info_ignores_fields_it_does_not_know() {
        let info: LivingInfo = serde_json::from_str(
            r#"{"theme":"t","status":1,"type":3,"push_stream_url":"rtmp://x","new_field":{}}"#,
        )
        .unwrap();
        assert_eq!(
            (info.theme.as_str(), info.status, info.living_type),
            ("t", 1, 3)
        );
    }

    #[test]
    fn unset_optional_fields_are_omitted() {
        let body = CreateLiving {
            anchor_userid: "a".into(),
            theme: "t".into(),
            living_start: 1,
            living_duration: 2,
            living_type: 0,
            description: None,
            agentid: None,
            remind_time: None,
            activity_cover_mediaid: None,
            activity_share_mediaid: None,
            activity_detail: None,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"anchor_userid":"a","theme":"t","living_start":1,"living_duration":2,"type":0}"#
        );
    }
}
