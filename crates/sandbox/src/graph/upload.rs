//! The resumable upload endpoint, the sandbox's stand-in for `rupload.facebook.com`:
//! `POST /ig-api-upload/{version}/{container-id}` (version optional) with
//! `Authorization: OAuth <token>`, and either the bytes as the body with `offset` and
//! `file_size` headers (several chunks resume from where the upload stands), or a `file_url`
//! header. When all bytes are in, the container is processed like any video.
//!
//! `GET` on the same path answers `{"id", "offset", "upload_complete"}` so a client can resume (our
//! addition; Meta does not document one). Failures use Meta's rupload shape
//! (`{"debug_info":{...}}`), rendered from catalog entries.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use instapub_errors::{placeholder, CatalogError, Id, Profile};
use serde_json::json;

use crate::app::App;
use crate::auth;
use crate::error::{graph_ok, json_body, new_trace_id};
use crate::params::{access_token, Params};
use crate::pipeline::processing;
use crate::route::{Host, UploadRoute};
use crate::store;

fn fail(error: CatalogError, profile: Profile) -> Response {
    let env = error.render(profile, new_trace_id());
    let status = StatusCode::from_u16(env.status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, json_body(env.to_upload_json())).into_response()
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Handles a route of the upload host for container `id`.
pub async fn handle(
    app: Arc<App>,
    route: UploadRoute,
    id: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let profile = app.config.profile;
    match run(&app, route, id, query, headers, body).await {
        Ok(r) => r,
        Err(e) => fail(e, profile),
    }
}

/// A path or method the upload host does not serve (`rest`: the path after the prefix).
pub fn not_expected(rest: &str, profile: Profile) -> Response {
    fail(
        CatalogError::new(Id::UploadNotExpected).with(placeholder::MEDIA_ID, rest),
        profile,
    )
}

async fn run(
    app: &Arc<App>,
    route: UploadRoute,
    id: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, CatalogError> {
    let id = id.to_owned();
    let params = Params::from_request(query, &HeaderMap::new(), b"").unwrap_or_default();
    let token = access_token(&params, headers);
    let unauthorized = || CatalogError::new(Id::UploadUnauthorized);
    let principal = auth::authenticate(app, token, Host::Facebook)
        .await
        .map_err(|_| unauthorized())?;
    let lookup = id.clone();
    let (container, received) = app
        .store
        .call(move |c| {
            let k = store::container(c, &lookup)?;
            let n = store::upload_received(c, &lookup)?;
            Ok((k, n))
        })
        .await
        .map_err(|_| CatalogError::new(Id::ServiceUnavailable))?;
    let Some(container) = container else {
        return Err(unauthorized());
    };
    let allowed = principal
        .can_act_for(app, &container.account_id)
        .await
        .map_err(|_| unauthorized())?;
    if allowed.is_none() {
        return Err(unauthorized());
    }
    let not_expected =
        || CatalogError::new(Id::UploadNotExpected).with(placeholder::MEDIA_ID, id.clone());
    if route == UploadRoute::Status {
        return Ok(graph_ok(&json!({
            "id": id,
            "offset": received,
            "upload_complete": !container.awaiting_upload,
        })));
    }
    if !container.awaiting_upload {
        return Err(not_expected());
    }
    let ready_at = app.clock.now_ms() + app.config.video_processing.as_millis() as i64;
    if body.is_empty() {
        let Some(url) = header(headers, "file_url") else {
            return Err(
                CatalogError::new(Id::ParameterRequired).with(placeholder::PARAM, "file_url")
            );
        };
        let (k, u) = (id.clone(), url.clone());
        app.store
            .call(move |c| store::upload_from_url(c, &k, &u, ready_at))
            .await
            .map_err(|_| CatalogError::new(Id::ServiceUnavailable))?;
        let mut started = container.clone();
        started.media_url = Some(url);
        processing::spawn(app.clone(), started);
        return Ok(success());
    }
    let parse = |name: &str| header(headers, name).and_then(|v| v.parse::<i64>().ok());
    let offset = parse("offset").unwrap_or(0);
    let Some(file_size) = parse("file_size") else {
        return Err(CatalogError::new(Id::ParameterRequired).with(placeholder::PARAM, "file_size"));
    };
    if offset != received {
        return Err(CatalogError::new(Id::UploadOffsetMismatch)
            .with(placeholder::OFFSET, offset.to_string())
            .with(placeholder::RECEIVED, received.to_string()));
    }
    let total = received + body.len() as i64;
    if total > file_size {
        return Err(CatalogError::new(Id::InvalidParameterValue)
            .with(placeholder::PARAM, "file_size")
            .with(placeholder::EXPECTED, format!("at least {total}")));
    }
    let (k, chunk) = (id.clone(), body.to_vec());
    let complete = total == file_size;
    let assembled = app
        .store
        .call(move |c| {
            store::append_chunk(c, &k, offset, &chunk)?;
            if complete {
                store::complete_upload(c, &k, ready_at).map(Some)
            } else {
                Ok(None)
            }
        })
        .await
        .map_err(|_| CatalogError::new(Id::ServiceUnavailable))?;
    if let Some(bytes) = assembled {
        processing::spawn_bytes(app.clone(), container, bytes);
    }
    Ok(success())
}

fn success() -> Response {
    graph_ok(&json!({ "success": true, "message": "Upload successful." }))
}
