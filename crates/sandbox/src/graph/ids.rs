//! `GET /?ids=a,b&fields=...`: several nodes in one call, answered as one object keyed by the
//! ids as asked (a comma-separated list, or a JSON array for ids that hold commas). Each id is
//! read as `GET /{id}` with the same parameters would be (routed, authenticated, counted,
//! faulted: [`super::inner`]). Graph gives no partial answer: ids it cannot find are its 803
//! naming them all, any other failure is the answer as it came. At most [`MAX_IDS`] ids; from
//! v26.0 Meta removed root `?ids=` reads (code 12).

use std::sync::Arc;

use axum::http::Method;
use axum::response::Response;
use serde_json::{Map, Value};

use super::{inner, Sent};
use crate::app::App;
use crate::error::{graph_ok, invalid, object_not_found, ApiError, ApiResult};
use crate::params::Params;
use instapub_errors::{placeholder, Id};

/// Most ids one call may name.
pub const MAX_IDS: usize = 50;

/// `GET /`: the nodes `ids` names; without `ids`, Graph's answer for a node it cannot find.
pub async fn read(app: &Arc<App>, mut params: Params, sent: Sent<'_>) -> ApiResult<Response> {
    let Some(list) = params.take("ids") else {
        return Err(object_not_found("", "get"));
    };
    if crate::versions::at_least(sent.served, REMOVED_IN) {
        return Err(ApiError::new(Id::DeprecatedForVersion)
            .with(placeholder::FEATURE, "ids as a root query parameter")
            .with(placeholder::VERSION, REMOVED_IN));
    }
    let ids = parse_ids(&list)?;
    if ids.len() > MAX_IDS {
        return Err(ApiError::new(Id::TooManyIds)
            .with(placeholder::MAXIMUM, MAX_IDS.to_string())
            .with(placeholder::PROVIDED, ids.len().to_string()));
    }
    let mut out = Map::new();
    let mut missing: Vec<&str> = Vec::new();
    for id in &ids {
        // An id is one path segment: `a/b` names no node.
        if id.contains(['/', '?', '#']) {
            missing.push(id);
            continue;
        }
        let path = format!("/{id}");
        let response = match inner(Arc::clone(app), Method::GET, &path, sent, params.clone())
            .await
            .result
        {
            Ok(r) => r,
            Err(e) if e.id() == Id::ObjectNotFound => {
                missing.push(id);
                continue;
            }
            Err(e) => return Err(e),
        };
        let body = axum::body::to_bytes(response.into_body(), 4 * 1024 * 1024)
            .await
            .map_err(|_| ApiError::new(Id::ServiceUnavailable))?;
        let value: Value =
            serde_json::from_slice(&body).map_err(|_| ApiError::new(Id::ServiceUnavailable))?;
        out.insert(id.clone(), value);
    }
    if !missing.is_empty() {
        return Err(ApiError::new(Id::AliasesNotFound).with(placeholder::IDS, missing.join(",")));
    }
    Ok(graph_ok(&Value::Object(out)))
}

/// The version that no longer answers root `?ids=` reads (restfb/restfb#1692).
const REMOVED_IN: &str = "v26.0";

/// `a,b` or `["a","b"]`, blanks dropped.
fn parse_ids(list: &str) -> ApiResult<Vec<String>> {
    let ids: Vec<String> = if list.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<String>>(list)
            .map_err(|_| invalid("ids", "a comma-separated list or a JSON array of ids"))?
    } else {
        list.split(',').map(|s| s.trim().to_owned()).collect()
    };
    Ok(ids.into_iter().filter(|s| !s.trim().is_empty()).collect())
}
