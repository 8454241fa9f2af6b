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
