//! What can go wrong with a call, and the class that tells the executor what to do about it.

use super::errcode;

/// How the executor should react to an [`ApiError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// Nothing happened on WeCom's side; try again with backoff.
    Retryable,
    /// 45009: the quota window is spent; pause the queue, then probe.
    Quota,
    /// 45033: too many calls in flight; lower concurrency.
    Concurrency,
    /// The access token was refused even after one renewal.
    Token,
    /// A create, modify or cancel may have reached WeCom and acted: a create must be
    /// looked up, not repeated; a cancel may already be done. Lost replies and HTTP 5xx
    /// to a mutation land here, since a proxy can fail after WeCom acted. (The same
    /// failures on a read are `Retryable`.)
    Ambiguous,
    /// This call will fail the same way again; fail this one live and go on.
    Permanent,
    /// The credentials or the API base are wrong; stop everything.
    Config,
    /// The run is stopping (Ctrl-C): the call was never sent.
    Stopped,
}

/// A failed call to WeCom. Never carries the corp secret or an access token.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum ApiError {
    /// WeCom answered with an errcode.
    #[error("`{api}` failed with errcode {errcode} ({meaning})")]
    #[diagnostic(code(livesched::wecom::errcode))]
    Errcode {
        api: &'static str,
        errcode: i64,
        meaning: &'static str,
        /// WeCom's own text, kept for humans; never branched on.
        errmsg: String,
    },

    /// `gettoken` refused the corp id or secret.
    #[error("`gettoken` refused the credentials with errcode {errcode} ({meaning})")]
    #[diagnostic(
        code(livesched::wecom::credentials),
        help(
            "check `WECOM_CORPID` and `WECOM_CORPSECRET`; livesched stops here because WeCom \
             blocks an IP for an hour after repeated wrong secrets"
        )
    )]
    Credentials { errcode: i64, meaning: &'static str },

    /// HTTP 404: the API base is wrong, so every call will fail alike.
    #[error("`{api}` answered HTTP 404: no WeCom API at this address")]
    #[diagnostic(
        code(livesched::wecom::not_found),
        help("check `--api-base` or `WECOM_API_BASE`; it should end in `/cgi-bin/`")
    )]
    NotFound { api: &'static str },

    /// A non-200 HTTP status.
    #[error("`{api}` answered HTTP {status}")]
    #[diagnostic(code(livesched::wecom::http))]
    Http { api: &'static str, status: u16 },

    /// The request never left: no connection could be made.
    #[error("could not reach WeCom for `{api}`: {reason}")]
    #[diagnostic(code(livesched::wecom::unreachable))]
    Unreachable { api: &'static str, reason: String },

    /// The request was sent but no complete reply came back.
    #[error("`{api}` got no reply, so WeCom may have acted on it: {reason}")]
    #[diagnostic(
        code(livesched::wecom::no_reply),
        help("a `living/create` without a reply must be looked up before it is sent again")
    )]
    NoReply { api: &'static str, reason: String },

    /// The run is stopping: the request was not sent.
    #[error("`{api}` was not sent: the run is stopping")]
    #[diagnostic(code(livesched::wecom::stopped))]
    Stopped { api: &'static str },

    /// A reply that is not what the API documents.
    #[error("`{api}` replied with something unexpected: {reason}")]
    #[diagnostic(code(livesched::wecom::protocol))]
    Protocol { api: &'static str, reason: String },
}

impl ApiError {
    pub(crate) fn errcode_reply(api: &'static str, errcode: i64, errmsg: String) -> Self {
        Self::Errcode {
            api,
            errcode,
            meaning: errcode::meaning(errcode),
            errmsg,
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Errcode { errcode, .. } => class_of_errcode(*errcode),
            Self::Credentials { .. } | Self::NotFound { .. } => ErrorClass::Config,
            Self::Http { api, status } if *status >= 500 && mutates(api) => ErrorClass::Ambiguous,
            Self::Http { status, .. } if *status >= 500 => ErrorClass::Retryable,
            Self::Http { .. } | Self::Protocol { .. } => ErrorClass::Permanent,
            Self::Unreachable { .. } => ErrorClass::Retryable,
            Self::Stopped { .. } => ErrorClass::Stopped,
            Self::NoReply { api, .. } if mutates(api) => ErrorClass::Ambiguous,
            // Reads change nothing and a second upload only costs a media id.
            Self::NoReply { .. } => ErrorClass::Retryable,
        }
    }

    pub fn errcode(&self) -> Option<i64> {
        match self {
            Self::Errcode { errcode, .. } | Self::Credentials { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    /// The API path the call went to, e.g. `living/create`.
    pub fn api(&self) -> &'static str {
        match self {
            Self::Credentials { .. } => "gettoken",
            Self::Errcode { api, .. }
            | Self::NotFound { api }
            | Self::Http { api, .. }
            | Self::Unreachable { api, .. }
            | Self::NoReply { api, .. }
            | Self::Stopped { api }
            | Self::Protocol { api, .. } => api,
        }
    }
}

fn class_of_errcode(code: i64) -> ErrorClass {
    match code {
        errcode::SYSTEM_BUSY | errcode::DATA_VERSION_CONFLICT => ErrorClass::Retryable,
        errcode::QUOTA => ErrorClass::Quota,
        errcode::CONCURRENCY => ErrorClass::Concurrency,
        errcode::INVALID_TOKEN | errcode::TOKEN_EXPIRED | errcode::INVALID_SECRET => {
            ErrorClass::Token
        }
        _ => ErrorClass::Permanent,
    }
}

fn mutates(api: &str) -> bool {
    matches!(api, "living/create" | "living/modify" | "living/cancel")
}

/// Errcodes of a business call that mean "get a new token and try once more".
pub(crate) fn is_token_rejection(code: i64) -> bool {
    matches!(
        code,
        errcode::INVALID_TOKEN | errcode::TOKEN_EXPIRED | errcode::INVALID_SECRET
    )
}

/// Errcodes of `gettoken` that mean the configured credentials are wrong.
pub(crate) fn is_bad_credentials(code: i64) -> bool {
    matches!(
        code,
        errcode::INVALID_SECRET
            | errcode::INVALID_CORPID
            | errcode::SECRET_INVALID
            | errcode::MISSING_CORPID
            | errcode::MISSING_SECRET
    )
}
