//! The errcodes the simulator answers with (meanings in `wecom::meaning`).

pub(crate) const SYSTEM_BUSY: i64 = -1;
pub(crate) const INVALID_SECRET: i64 = 40001;
pub(crate) const INVALID_USERID: i64 = 40003;
pub(crate) const INVALID_MEDIA_TYPE: i64 = 40004;
pub(crate) const INVALID_FILE_TYPE: i64 = 40005;
pub(crate) const INVALID_MEDIA_ID: i64 = 40007;
pub(crate) const INVALID_IMAGE_SIZE: i64 = 40009;
pub(crate) const INVALID_CORPID: i64 = 40013;
pub(crate) const INVALID_TOKEN: i64 = 40014;
pub(crate) const INVALID_PARAMETER: i64 = 40058;
pub(crate) const TOKEN_MISSING: i64 = 41001;
pub(crate) const CORPID_MISSING: i64 = 41002;
pub(crate) const SECRET_MISSING: i64 = 41004;
pub(crate) const TOKEN_EXPIRED: i64 = 42001;
pub(crate) const EMPTY_MEDIA: i64 = 44001;
/// Both the per-minute and the daily create quota, as WeCom documents no separate code.
pub(crate) const QUOTA: i64 = 45009;
pub(crate) const CONCURRENCY: i64 = 45033;
pub(crate) const DATA_FORMAT: i64 = 47001;
pub(crate) const NOT_SCHEDULED: i64 = 92006;
