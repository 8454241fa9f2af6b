//! Client settings and the checks made before any connection: base URL, credentials.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;

use super::Secret;

/// WeCom's public API base.
pub const DEFAULT_API_BASE: &str = "https://qyapi.weixin.qq.com/cgi-bin/";

/// Everything the client needs to talk to one corp.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub api_base: String,
    pub corpid: String,
    pub corpsecret: Secret,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl ClientConfig {
    /// The public API base and default timeouts (5 s to connect, 30 s per request).
    pub fn new(corpid: impl Into<String>, corpsecret: impl Into<Secret>) -> Self {
        Self {
            api_base: DEFAULT_API_BASE.to_owned(),
            corpid: corpid.into(),
            corpsecret: corpsecret.into(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// A configuration the client refuses before making any connection.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("invalid API base `{base}`: {reason}")]
    #[diagnostic(help("give a URL such as `https://qyapi.weixin.qq.com/cgi-bin/`"))]
    InvalidBase { base: String, reason: String },

    #[error("refusing plain http to `{host}`: credentials would cross the network unencrypted")]
    #[diagnostic(help(
        "use `https://`; `http://` is accepted only for a loopback simulator \
         (127.0.0.0/8, ::1, localhost)"
    ))]
    InsecureBase { host: String },

    #[error("the corp id is empty")]
    #[diagnostic(help("set `WECOM_CORPID`"))]
    MissingCorpid,

    #[error("the corp secret is empty")]
    #[diagnostic(help("set `WECOM_CORPSECRET`"))]
    MissingSecret,

    #[error("could not build the HTTP client: {reason}")]
    Http { reason: String },
}

/// Whether the client would accept `base`, checked before anything is written.
pub fn check_api_base(base: &str) -> Result<(), ConfigError> {
    parse_base(base).map(drop)
}

/// Parses the API base, adds the trailing slash `Url::join` needs, and refuses
/// plain http to anything but loopback. A bare origin (`http://127.0.0.1:8900`)
/// means WeCom's own path under it, `/cgi-bin/`, as SDKs that take an origin assume.
pub(crate) fn parse_base(base: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBase {
        base: base.to_owned(),
        reason: reason.to_owned(),
    };
    let mut url = Url::parse(base.trim()).map_err(|e| invalid(&e.to_string()))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a query or fragment is not allowed"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials in the URL are not allowed"));
    }
    let host = url.host_str().ok_or_else(|| invalid("no host"))?.to_owned();
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => return Err(ConfigError::InsecureBase { host }),
        _ => return Err(invalid("the scheme must be https")),
    }
    if url.path() == "/" {
        url.set_path("/cgi-bin/");
    } else if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    // Url keeps IPv6 hosts in brackets.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_gets_a_trailing_slash() {
        let url = parse_base("https://example.com/cgi-bin").unwrap();
        assert_eq!(url.as_str(), "https://example.com/cgi-bin/");
        let url = parse_base("https://example.com/cgi-bin/").unwrap();
        assert_eq!(url.as_str(), "https://example.com/cgi-bin/");
    }

    #[test]
    fn a_bare_origin_means_its_cgi_bin() {
        for origin in ["http://127.0.0.1:8900", "http://127.0.0.1:8900/"] {
            let url = parse_base(origin).unwrap();
            assert_eq!(url.as_str(), "http://127.0.0.1:8900/cgi-bin/");
        }
        let url = parse_base("https://qyapi.weixin.qq.com").unwrap();
        assert_eq!(url.as_str(), DEFAULT_API_BASE);
        let url = parse_base("https://proxy.example.com/wecom").unwrap();
        assert_eq!(url.as_str(), "https://proxy.example.com/wecom/");
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:8080/cgi-bin/",
            "http://127.3.4.5/cgi-bin/",
            "http://[::1]:80/cgi-bin/",
            "http://localhost/cgi-bin/",
        ] {
            parse_base(ok).unwrap();
        }
        for bad in [
            "http://qyapi.weixin.qq.com/cgi-bin/",
            "http://10.0.0.1/cgi-bin/",
            "http://localhost.example.com/",
            "http://[::2]/",
        ] {
            assert!(
                matches!(parse_base(bad), Err(ConfigError::InsecureBase { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_base("ftp://localhost/"),
            Err(ConfigError::InvalidBase { .. })
        ));
    }
}
