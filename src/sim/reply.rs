//! WeCom-shaped reply bodies: `errcode`, `errmsg` in WeCom's pattern, then the fields.

use std::net::IpAddr;

use serde_json::{Map, Value, json};

use super::api::Api;
use crate::wecom::errcode::meaning;

/// What a handler decided, before any after-commit fault.
pub(crate) enum Outcome {
    Ok(Value),
    Err(i64),
}

pub(crate) fn success(fields: Value) -> Value {
    let mut body = Map::new();
    body.insert("errcode".into(), json!(0));
    body.insert("errmsg".into(), json!("ok"));
    if let Value::Object(fields) = fields {
        body.extend(fields);
    }
    Value::Object(body)
}

/// An error body; `hint` stands in for WeCom's request id.
pub(crate) fn failure(api: Api, errcode: i64, hint: &str, ip: IpAddr) -> Value {
    let errmsg = format!(
        "{}, hint: [{hint}], from ip: {ip}, more info at \
         https://open.work.weixin.qq.com/devtool/query?e={errcode}",
        meaning(errcode)
    );
    let mut body = Map::new();
    body.insert("errcode".into(), json!(errcode));
    body.insert("errmsg".into(), json!(errmsg));
    if let Value::Object(fields) = api.empty_fields() {
        body.extend(fields);
    }
    Value::Object(body)
}
