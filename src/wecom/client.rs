//! The typed client: one connection pool, the token dance, one method per API.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::Url;
use reqwest::multipart::{Form, Part};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::config::parse_base;
use super::error::{is_bad_credentials, is_token_rejection};
use super::limits;
use super::token::{Fetched, Lease, TokenCache};
use super::types::{
    CancelLiving, UserLivingIds, UserLivingIdsRequest, WatchStatPage, WatchStatRequest,
};
use super::{
    ApiError, ClientConfig, ConfigError, CreateLiving, LivingInfo, MediaUpload, ModifyLiving,
    Secret,
};

/// A WeCom client for one corp. Cheap to clone; clones share connections and the token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    corpid: String,
    corpsecret: Secret,
    tokens: TokenCache,
    /// Set by [`Client::stop_sending`]: no request leaves after it.
    stopped: AtomicBool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base.as_str())
            .field("corpid", &self.inner.corpid)
            .finish_non_exhaustive()
    }
}

/// The body of one call, rebuilt for the retry after a token renewal.
enum Payload<'a> {
    None,
    Json(Value),
    Image { file_name: &'a str, bytes: &'a [u8] },
}

impl Client {
    /// Checks the configuration; makes no connection.
    pub fn new(config: ClientConfig) -> Result<Client, ConfigError> {
        let base = parse_base(&config.api_base)?;
        if config.corpid.trim().is_empty() {
            return Err(ConfigError::MissingCorpid);
        }
        if config.corpsecret.is_empty() {
            return Err(ConfigError::MissingSecret);
        }
        // reqwest is built without a default crypto provider; installing one twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            // Redirects would carry the token elsewhere; WeCom never redirects.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError::Http {
                reason: e.without_url().to_string(),
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                corpid: config.corpid,
                corpsecret: config.corpsecret,
                tokens: TokenCache::default(),
                stopped: AtomicBool::new(false),
            }),
        })
    }

    /// From now on, every call of this client and its clones fails with
    /// [`ApiError::Stopped`] before anything is sent (a token fetch or an upload too).
    pub fn stop_sending(&self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
    }

    /// The corp this client calls for.
    pub fn corpid(&self) -> &str {
        &self.inner.corpid
    }

    /// The API base every call goes to, with its trailing slash.
    pub fn api_base(&self) -> &str {
        self.inner.base.as_str()
    }

    /// `POST living/create`; returns the new `livingid`.
    pub async fn create(&self, body: &CreateLiving) -> Result<String, ApiError> {
        #[derive(serde::Deserialize)]
        struct Reply {
            livingid: String,
        }
        let reply: Reply = self
            .call("living/create", &[], Payload::Json(to_json(body)))
            .await?;
        if reply.livingid.is_empty() {
            return Err(ApiError::Protocol {
                api: "living/create",
                reason: "empty `livingid`".to_owned(),
            });
        }
        Ok(reply.livingid)
    }

    /// `POST living/modify`: the full intended state of a scheduled live.
    pub async fn modify(&self, body: &ModifyLiving) -> Result<(), ApiError> {
        self.call::<Value>("living/modify", &[], Payload::Json(to_json(body)))
            .await
            .map(drop)
    }

    /// `POST living/cancel`.
    pub async fn cancel(&self, livingid: &str) -> Result<(), ApiError> {
        let body = CancelLiving {
            livingid: livingid.to_owned(),
        };
        self.call::<Value>("living/cancel", &[], Payload::Json(to_json(&body)))
            .await
            .map(drop)
    }

    /// `GET living/get_living_info`.
    pub async fn living_info(&self, livingid: &str) -> Result<LivingInfo, ApiError> {
        #[derive(serde::Deserialize)]
        struct Reply {
            living_info: LivingInfo,
        }
        let reply: Reply = self
            .call(
                "living/get_living_info",
                &[("livingid", livingid)],
                Payload::None,
            )
            .await?;
        Ok(reply.living_info)
    }

    /// One page of `POST living/get_watch_stat`: `next_key` is `""` for the first page,
    /// then the `next_key` of the page before. Following the pages (until `ending` is 1)
    /// is the caller's, so that each page goes through its gate.
    pub async fn watch_stat_page(
        &self,
        livingid: &str,
        next_key: &str,
    ) -> Result<WatchStatPage, ApiError> {
        let request = WatchStatRequest {
            livingid: livingid.to_owned(),
            // WeCom's own example starts from "0".
            next_key: if next_key.is_empty() { "0" } else { next_key }.to_owned(),
        };
        self.call(
            "living/get_watch_stat",
            &[],
            Payload::Json(to_json(&request)),
        )
        .await
    }

    /// Every livingid this app created for `userid`, following `next_cursor` to the end.
    pub async fn user_livingids(&self, userid: &str) -> Result<Vec<String>, ApiError> {
        const API: &str = "living/get_user_all_livingid";
        let mut ids = Vec::new();
        let mut cursor = String::new();
        loop {
            let request = UserLivingIdsRequest {
                userid: userid.to_owned(),
                cursor: cursor.clone(),
                // The most WeCom allows: fewer pages, fewer calls against the quota.
                limit: limits::LIVINGID_PAGE_MAX,
            };
            let page: UserLivingIds = self
                .call(API, &[], Payload::Json(to_json(&request)))
                .await?;
            ids.extend(page.livingid_list);
            if page.next_cursor.is_empty() {
                return Ok(ids);
            }
            if page.next_cursor == cursor {
                return Err(ApiError::Protocol {
                    api: API,
                    reason: format!("`next_cursor` `{cursor}` did not advance"),
                });
            }
            cursor = page.next_cursor;
        }
    }

    /// `POST media/upload?type=image`; the media id is valid for three days.
    pub async fn upload_image(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<MediaUpload, ApiError> {
        self.call(
            "media/upload",
            &[("type", "image")],
            Payload::Image {
                file_name,
                bytes: &bytes,
            },
        )
        .await
    }

    /// Fetches the access token (or finds it cached): the first contact of a run,
    /// so that wrong credentials or an unreachable host stop it before anything is recorded.
    pub async fn authenticate(&self) -> Result<(), ApiError> {
        self.inner.tokens.get(|| self.fetch_token()).await.map(drop)
    }

    /// One business call, renewing the token and trying once more if WeCom refuses it.
    async fn call<T: DeserializeOwned>(
        &self,
        api: &'static str,
        query: &[(&str, &str)],
        payload: Payload<'_>,
    ) -> Result<T, ApiError> {
        let lease = self.inner.tokens.get(|| self.fetch_token()).await?;
        match self.call_with(api, query, &payload, &lease).await {
            Err(ApiError::Errcode { errcode, .. }) if is_token_rejection(errcode) => {
                tracing::debug!(api, errcode, "access token refused; renewing it once");
                let lease = self
                    .inner
                    .tokens
                    .renew(lease.generation, || self.fetch_token())
                    .await?;
                self.call_with(api, query, &payload, &lease).await
            }
            other => other,
        }
    }

    async fn call_with<T: DeserializeOwned>(
        &self,
        api: &'static str,
        query: &[(&str, &str)],
        payload: &Payload<'_>,
        lease: &Lease,
    ) -> Result<T, ApiError> {
        let mut url = self.url(api)?;
        url.query_pairs_mut()
            .append_pair("access_token", lease.token.expose())
            .extend_pairs(query);
        let request = match payload {
            Payload::None => self.inner.http.get(url),
            Payload::Json(body) => self.inner.http.post(url).json(body),
            Payload::Image { file_name, bytes } => {
                let part = Part::bytes(bytes.to_vec())
                    .file_name(file_name.to_string())
                    .mime_str(image_mime(file_name))
                    .map_err(|e| ApiError::Protocol {
                        api,
                        reason: e.without_url().to_string(),
                    })?;
                self.inner
                    .http
                    .post(url)
                    .multipart(Form::new().part("media", part))
            }
        };
        tracing::debug!(api, "calling WeCom");
        let value = self.send(api, request).await?;
        match errcode_of(&value) {
            0 => {
                tracing::trace!(api, "WeCom replied ok");
                serde_json::from_value(value).map_err(|e| ApiError::Protocol {
                    api,
                    reason: e.to_string(),
                })
            }
            errcode => {
                tracing::debug!(api, errcode, "WeCom replied with an errcode");
                Err(ApiError::errcode_reply(api, errcode, errmsg_of(&value)))
            }
        }
    }

    async fn fetch_token(&self) -> Result<Fetched, ApiError> {
        const API: &str = "gettoken";
        #[derive(serde::Deserialize)]
        struct Reply {
            access_token: String,
            expires_in: u64,
        }
        let mut url = self.url(API)?;
        url.query_pairs_mut()
            .append_pair("corpid", &self.inner.corpid)
            .append_pair("corpsecret", self.inner.corpsecret.expose());
        tracing::debug!(api = API, "fetching an access token");
        let value = self.send(API, self.inner.http.get(url)).await?;
        match errcode_of(&value) {
            0 => {
                let reply: Reply =
                    serde_json::from_value(value).map_err(|e| ApiError::Protocol {
                        api: API,
                        // serde_json quotes no values in its messages, so the token stays out.
                        reason: e.to_string(),
                    })?;
                if reply.access_token.is_empty() {
                    return Err(ApiError::Protocol {
                        api: API,
                        reason: "empty `access_token`".to_owned(),
                    });
                }
                tracing::debug!(
                    api = API,
                    expires_in = reply.expires_in,
                    "got an access token"
                );
                Ok(Fetched {
                    token: Secret::new(reply.access_token),
                    expires_in: Duration::from_secs(reply.expires_in),
                })
            }
            errcode if is_bad_credentials(errcode) => {
                tracing::debug!(api = API, errcode, "WeCom refused the credentials");
                Err(ApiError::Credentials {
                    errcode,
                    meaning: super::meaning(errcode),
                })
            }
            errcode => {
                tracing::debug!(api = API, errcode, "gettoken replied with an errcode");
                Err(ApiError::errcode_reply(API, errcode, errmsg_of(&value)))
            }
        }
    }

    fn url(&self, api: &'static str) -> Result<Url, ApiError> {
        self.inner.base.join(api).map_err(|e| ApiError::Protocol {
            api,
            reason: e.to_string(),
        })
    }

    /// Sends and reads a JSON reply, sorting transport failures by whether the request left.
    async fn send(
        &self,
        api: &'static str,
        request: reqwest::RequestBuilder,
    ) -> Result<Value, ApiError> {
        if self.inner.stopped.load(Ordering::SeqCst) {
            return Err(ApiError::Stopped { api });
        }
        let response = request.send().await.map_err(|e| transport_error(api, e))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(ApiError::NotFound { api });
        }
        if !status.is_success() {
            tracing::debug!(
                api,
                status = status.as_u16(),
                "WeCom answered a non-200 status"
            );
            return Err(ApiError::Http {
                api,
                status: status.as_u16(),
            });
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(api, e))?;
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Protocol {
            api,
            reason: format!("the reply is not JSON: {e}"),
        })
    }
}

fn to_json(body: &impl serde::Serialize) -> Value {
    serde_json::to_value(body).expect("API bodies serialize to JSON")
}

fn errcode_of(value: &Value) -> i64 {
    value.get("errcode").and_then(Value::as_i64).unwrap_or(0)
}

fn errmsg_of(value: &Value) -> String {
    value
        .get("errmsg")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn image_mime(file_name: &str) -> &'static str {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".png") {
        "image/png"
    } else {
        "image/jpeg"
    }
}

/// A reqwest error without its URL (which holds the token or the secret), with its causes.
fn transport_error(api: &'static str, err: reqwest::Error) -> ApiError {
    let err = err.without_url();
    let mut reason = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    if err.is_connect() {
        tracing::debug!(api, %reason, "could not connect");
        ApiError::Unreachable { api, reason }
    } else {
        tracing::debug!(api, %reason, "no reply");
        ApiError::NoReply { api, reason }
    }
}
