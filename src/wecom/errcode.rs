//! WeCom errcodes: the ones the client treats specially or the simulator answers
//! with, and their official meanings. One table serves both, as both speak for WeCom.

pub(crate) const SYSTEM_BUSY: i64 = -1;
pub(crate) const DATA_VERSION_CONFLICT: i64 = 6000;
pub(crate) const INVALID_SECRET: i64 = 40001;
pub(crate) const INVALID_USERID: i64 = 40003;
pub(crate) const INVALID_MEDIA_TYPE: i64 = 40004;
pub(crate) const INVALID_FILE_TYPE: i64 = 40005;
pub(crate) const INVALID_MEDIA_ID: i64 = 40007;
pub(crate) const INVALID_IMAGE_SIZE: i64 = 40009;
pub(crate) const INVALID_CORPID: i64 = 40013;
pub(crate) const INVALID_TOKEN: i64 = 40014;
pub(crate) const INVALID_PARAMETER: i64 = 40058;
pub(crate) const SECRET_INVALID: i64 = 40091;
pub(crate) const TOKEN_MISSING: i64 = 41001;
pub(crate) const MISSING_CORPID: i64 = 41002;
pub(crate) const MISSING_SECRET: i64 = 41004;
pub(crate) const TOKEN_EXPIRED: i64 = 42001;
pub(crate) const EMPTY_MEDIA: i64 = 44001;
pub(crate) const QUOTA: i64 = 45009;
pub(crate) const CONCURRENCY: i64 = 45033;
pub(crate) const DATA_FORMAT: i64 = 47001;
pub(crate) const NOT_SCHEDULED: i64 = 92006;

/// The official meaning of an errcode, as WeCom's errcode page words it.
pub fn meaning(errcode: i64) -> &'static str {
    match errcode {
        -1 => "system busy",
        0 => "ok",
        6000 => "data version conflict",
        40001 => "invalid secret",
        40003 => "invalid userid",
        40004 => "invalid media type",
        40005 => "invalid file type",
        40006 => "invalid file size",
        40007 => "invalid media_id",
        40009 => "invalid image size",
        40013 => "invalid corpid",
        40014 => "invalid access_token",
        40058 => "invalid parameter",
        40091 => "secret invalid",
        41001 => "access_token missing",
        41002 => "corpid missing",
        41004 => "secret missing",
        42001 => "access_token expired",
        44001 => "empty media data",
        45009 => "api freq out of limit",
        45033 => "api concurrent out of limit",
        47001 => "data format error",
        48002 => "api forbidden",
        60011 => "no privilege to access/modify contact/party/agent",
        60020 => "not allow to access from your ip",
        92006 => "live not in scheduled state",
        _ => "unknown errcode",
    }
}
