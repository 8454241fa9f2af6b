//! What every simulator test shares: its clock, a valid create body, and a bare HTTP
//! client that speaks to the simulator the way WeCom is spoken to.

use jiff::{SignedDuration, Timestamp};
use livesched::sim::{SimConfig, SimServer};
use serde_json::{Value, json};

use crate::support::start_sim;

/// 2027-03-01T00:00:00Z, which is 08:00 in Beijing.
const T0: &str = "2027-03-01T00:00:00Z";
pub(super) const DAY: i64 = 86_400;
pub(super) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n fake image";

pub(super) fn t0() -> Timestamp {
    T0.parse().unwrap()
}

pub(super) fn at(seconds_after_t0: i64) -> Timestamp {
    t0() + SignedDuration::from_secs(seconds_after_t0)
}

pub(super) fn config() -> SimConfig {
    SimConfig {
        now: Some(t0()),
        ..SimConfig::default()
    }
}

/// A simulator and a bare HTTP client that speaks to it the way WeCom is spoken to.
pub(super) struct Harness {
    pub(super) sim: SimServer,
    pub(super) http: reqwest::Client,
}

impl Harness {
    pub(super) async fn start(config: SimConfig) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self {
            sim: start_sim(config).await,
            http: reqwest::Client::new(),
        }
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }

    pub(super) async fn get(&self, path: &str) -> Value {
        let response = self.http.get(self.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    pub(super) async fn post(&self, path: &str, token: &str, body: Value) -> Value {
        let url = format!("{}?access_token={token}", self.url(path));
        let response = self.http.post(url).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    pub(super) async fn token(&self) -> String {
        let reply = self
            .get("gettoken?corpid=sim-corp&corpsecret=sim-secret")
            .await;
        assert_eq!(reply["errcode"], 0, "{reply}");
        reply["access_token"].as_str().unwrap().to_owned()
    }

    pub(super) async fn create(&self, token: &str, body: Value) -> Value {
        self.post("living/create", token, body).await
    }

    pub(super) async fn info(&self, token: &str, livingid: &str) -> Value {
        self.get(&format!(
            "living/get_living_info?access_token={token}&livingid={livingid}"
        ))
        .await
    }

    pub(super) async fn upload(
        &self,
        token: &str,
        kind: &str,
        part: Option<(&str, Vec<u8>)>,
    ) -> Value {
        let url = format!(
            "{}?access_token={token}&type={kind}",
            self.url("media/upload")
        );
        let mut form = reqwest::multipart::Form::new();
        if let Some((name, bytes)) = part {
            form = form.part(
                name.to_owned(),
                reqwest::multipart::Part::bytes(bytes).file_name("a.png"),
            );
        }
        let response = self.http.post(url).multipart(form).send().await.unwrap();
        response.json().await.unwrap()
    }
}

/// A valid create body starting a day after T0, with fields overridden by `extra`.
pub(super) fn body(extra: Value) -> Value {
    let mut body = json!({
        "anchor_userid": "lisi",
        "theme": "机器学习 第1讲",
        "living_start": t0().as_second() + DAY,
        "living_duration": 5400,
        "type": 3,
        "description": "入门课",
        "remind_time": 900,
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

pub(super) fn errcode(reply: &Value) -> i64 {
    reply["errcode"].as_i64().unwrap()
}
