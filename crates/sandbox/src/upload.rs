//! The resumable upload endpoint, the sandbox's stand-in for `rupload.facebook.com`:
//! `POST /ig-api-upload/{version}/{container-id}` (version optional) with
//! `Authorization: OAuth <token>`, and either the bytes as the body with `offset` and
//! `file_size` headers (several chunks resume from where the upload stands), or a `file_url`
//! header. When all bytes are in, the container is processed like any video.
//!
//! `GET` on the same path answers `{"id", "offset", "upload_complete"}` so a client can resume (our
//! addition; Meta does not document one). Failures use Meta's rupload shape
//! (`{"debug_info":{...}}`), rendered from catalog entries.
//!
//! The token and the container are checked before a byte of the body is read. A declared
//! `file_size` may not exceed the largest video of the container's kind (Meta's limits), and
//! the body is stored in pieces of [`PIECE`] bytes as it arrives: neither a chunk nor the
//! assembled file is ever held in memory whole.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use instapub_errors::{placeholder, CatalogError, Id, Profile};
use serde_json::json;

use crate::app::App;
use crate::error::{graph_ok, json_body, new_trace_id};
use crate::identity::principal;
use crate::params::{access_token, Params};
use crate::route::{Host, Route, Spec, UploadRoute};
use crate::runtime::faults::{Network, Subject};
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

/// The most bytes of an upload buffered before they are stored.
pub const PIECE: usize = 1 << 20;

/// Handles a route of the upload host for container `id`; `body` is read only once the
/// caller may upload to it.
pub async fn handle(
    app: Arc<App>,
    spec: &'static Spec,
    id: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Body,
) -> (Response, Option<Network>) {
    let profile = app.config.profile;
    let mut network = None;
    match run(&app, spec, id, query, headers, body, &mut network).await {
        Ok(r) => (r, network),
        Err(e) => (fail(e, profile), network),
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
    spec: &'static Spec,
    id: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Body,
    network: &mut Option<Network>,
) -> Result<Response, CatalogError> {
    let Route::Upload(route) = spec.route else {
        return Err(CatalogError::new(Id::ServiceUnavailable));
    };
    let id = id.to_owned();
    let params = Params::from_request(query, &HeaderMap::new(), b"").unwrap_or_default();
    let token = access_token(&params, headers);
    let unauthorized = || CatalogError::new(Id::UploadUnauthorized);
    let principal =
        principal::authenticate(app, token.as_deref(), Host::Facebook, app.clock.now_ms())
            .await
            .map_err(|_| unauthorized())?;
    let lookup = id.clone();
    let (container, received) = app
        .store
        .write(move |c| {
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
    if let Some(endpoint) = spec.fault {
        let subject = Subject {
            endpoint,
            user_id: container.account_id.clone(),
            media_type: container.kind.request_type().map(|t| t.as_str().to_owned()),
        };
        *network = app.faults.fire(&subject).await.map_err(CatalogError::new)?;
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
    let declared = header(headers, "content-length").and_then(|v| v.parse::<u64>().ok());
    let empty = {
        use axum::body::HttpBody;
        body.is_end_stream() || declared == Some(0)
    };
    // By URL when a `file_url` comes without bytes (a chunked body with it is not read).
    if empty || (declared.is_none() && header(headers, "file_url").is_some()) {
        let Some(url) = header(headers, "file_url") else {
            return Err(
                CatalogError::new(Id::ParameterRequired).with(placeholder::PARAM, "file_url")
            );
        };
        let (k, u) = (id.clone(), url.clone());
        app.store
            .write(move |c| store::upload_from_url(c, &k, &u, ready_at))
            .await
            .map_err(|_| CatalogError::new(Id::ServiceUnavailable))?;
        let mut started = container.clone();
        started.media_url = Some(url);
        app.processing.spawn(started);
        return Ok(success());
    }
    // A header that is present must be a whole number: `offset: abc` is not 0.
    let number = |name: &'static str| -> Result<Option<i64>, CatalogError> {
        match header(headers, name) {
            None => Ok(None),
            Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
                CatalogError::new(Id::InvalidParameterValue)
                    .with(placeholder::PARAM, name)
                    .with(placeholder::EXPECTED, "a whole number of bytes")
            }),
        }
    };
    let offset = number("offset")?.unwrap_or(0);
    let Some(file_size) = number("file_size")? else {
        return Err(CatalogError::new(Id::ParameterRequired).with(placeholder::PARAM, "file_size"));
    };
    let largest = app.processing.max_bytes(container.kind);
    if file_size < 1 || file_size as u64 > largest {
        return Err(CatalogError::new(Id::InvalidParameterValue)
            .with(placeholder::PARAM, "file_size")
            .with(
                placeholder::EXPECTED,
                format!("from 1 to {largest} bytes (the largest video of this kind)"),
            ));
    }
    if offset != received {
        return Err(CatalogError::new(Id::UploadOffsetMismatch)
            .with(placeholder::OFFSET, offset.to_string())
            .with(placeholder::RECEIVED, received.to_string()));
    }
    let too_much = |total: u64| {
        CatalogError::new(Id::InvalidParameterValue)
            .with(placeholder::PARAM, "file_size")
            .with(placeholder::EXPECTED, format!("at least {total}"))
    };
    if let Some(n) = declared.filter(|_| received < file_size) {
        let total = (received as u64).saturating_add(n);
        if total > file_size as u64 {
            return Err(too_much(total));
        }
    }
    // Every byte already stored (an earlier request stored the last piece and then failed):
    // complete now rather than refuse the resume.
    let (total, broken) = if received == file_size {
        (received, None)
    } else {
        receive(app, &id, offset, file_size, body).await
    };
    // Complete once every byte is stored, even if the request then broke off: a client that
    // sees the error and asks for the offset finds the upload done, never stuck at its end.
    if total == file_size {
        let k = id.clone();
        app.store
            .write(move |c| store::complete_upload(c, &k, ready_at))
            .await
            .map_err(|_| CatalogError::new(Id::ServiceUnavailable))?;
        let mut done = container;
        done.awaiting_upload = false;
        app.processing.spawn(done);
    }
    match broken {
        Some(e) => Err(e),
        None => Ok(success()),
    }
}

/// Stores `body` from `offset` on in pieces of [`PIECE`] bytes as it arrives, never past
/// `file_size`: the offset reached, and why the body stopped early if it did. A body that breaks
/// off keeps what was stored (the client resumes from the `offset` a `GET` reports).
async fn receive(
    app: &App,
    id: &str,
    offset: i64,
    file_size: i64,
    body: Body,
) -> (i64, Option<CatalogError>) {
    let mut at = offset;
    let outcome = receive_into(app, id, &mut at, file_size, body).await;
    (at, outcome.err())
}

async fn receive_into(
    app: &App,
    id: &str,
    at: &mut i64,
    file_size: i64,
    body: Body,
) -> Result<(), CatalogError> {
    use futures_util::StreamExt;
    let idle = app.config.body_idle_timeout;
    let mut stream = body.into_data_stream();
    let mut piece: Vec<u8> = Vec::new();
    loop {
        // What stopped the body, if it stopped early: what arrived before is still stored.
        let (next, stopped) = match tokio::time::timeout(idle, stream.next()).await {
            Err(_) => (
                None,
                Some(
                    CatalogError::new(Id::RequestTimeout)
                        .with(placeholder::SECONDS, idle.as_secs().to_string()),
                ),
            ),
            Ok(Some(Err(e))) => (
                None,
                Some(
                    CatalogError::new(Id::RequestMalformed)
                        .with(placeholder::REASON, format!("the body broke off: {e}")),
                ),
            ),
            Ok(Some(Ok(chunk))) => (Some(chunk), None),
            Ok(None) => (None, None),
        };
        let end = next.is_none();
        if let Some(chunk) = next {
            let wanted = *at + (piece.len() + chunk.len()) as i64;
            if wanted > file_size {
                return Err(CatalogError::new(Id::InvalidParameterValue)
                    .with(placeholder::PARAM, "file_size")
                    .with(placeholder::EXPECTED, format!("at least {wanted}")));
            }
            piece.extend_from_slice(&chunk);
        }
        if piece.len() >= PIECE || (end && !piece.is_empty()) {
            let (k, bytes, from) = (id.to_owned(), std::mem::take(&mut piece), *at);
            let n = bytes.len() as i64;
            app.store
                .write(move |c| store::append_chunk(c, &k, from, &bytes))
                .await
                .map_err(|_| CatalogError::new(Id::ServiceUnavailable))?;
            *at += n;
        }
        if end {
            return stopped.map_or(Ok(()), Err);
        }
    }
}

fn success() -> Response {
    graph_ok(&json!({ "success": true, "message": "Upload successful." }))
}
