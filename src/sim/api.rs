//! The APIs the simulator serves, and the fields each keeps empty in an error reply.

use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Api {
    GetToken,
    Create,
    Modify,
    Cancel,
    LivingInfo,
    UserLivingIds,
    WatchStat,
    Upload,
}

impl Api {
    pub fn path(self) -> &'static str {
        match self {
            Api::GetToken => "gettoken",
            Api::Create => "living/create",
            Api::Modify => "living/modify",
            Api::Cancel => "living/cancel",
            Api::LivingInfo => "living/get_living_info",
            Api::UserLivingIds => "living/get_user_all_livingid",
            Api::WatchStat => "living/get_watch_stat",
            Api::Upload => "media/upload",
        }
    }

    /// Calls that change state: the only ones a reply can be lost *after*.
    pub fn mutates(self) -> bool {
        matches!(self, Api::Create | Api::Modify | Api::Cancel)
    }

    /// WeCom keeps success fields, empty, in error replies; clients that read them must cope.
    pub fn empty_fields(self) -> Value {
        match self {
            Api::GetToken => json!({ "access_token": "", "expires_in": 0 }),
            Api::Create => json!({ "livingid": "" }),
            Api::UserLivingIds => json!({ "next_cursor": "", "livingid_list": [] }),
            Api::Upload => json!({ "type": "", "media_id": "", "created_at": "" }),
            Api::WatchStat => json!({
                "ending": 0,
                "next_key": "",
                "stat_info": { "users": [], "external_users": [] }
            }),
            Api::Modify | Api::Cancel | Api::LivingInfo => json!({}),
        }
    }
}
