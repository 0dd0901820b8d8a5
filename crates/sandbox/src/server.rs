//! The HTTP server: one fallback route that reads the body under a size limit, merges the
//! parameters and hands the request to [`crate::graph`]. Every answer that is not a success
//! is a Graph envelope, including oversized or malformed bodies and handler panics.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::Response;
use axum::Router;
use instapub_errors::{placeholder, Id, Profile};
use tower_http::catch_panic::CatchPanicLayer;

use crate::app::App;
use crate::error::ApiError;
use crate::inspect::human_size;
use crate::params::Params;

/// The router for an app.
pub fn router(app: Arc<App>) -> Router {
    let profile = app.config.profile;
    Router::new()
        .fallback(graph)
        .with_state(app)
        .layer(CatchPanicLayer::custom(move |_| panic_response(profile)))
}

/// A handler panicked: answer like Graph's temporary outage (code 2, HTTP 500).
fn panic_response(profile: Profile) -> Response<Body> {
    tracing::error!("a request handler panicked");
    ApiError::new(Id::ServiceUnavailable).into_response_with(profile)
}

async fn graph(State(app): State<Arc<App>>, request: Request) -> Response {
    let profile = app.config.profile;
    let (parts, body) = request.into_parts();
    let control = parts
        .uri
        .path()
        .strip_prefix("/_sandbox")
        .map(str::to_owned);
    let max = if control.is_some() {
        app.config.max_file_bytes
    } else {
        app.config.max_body_bytes
    };
    let too_large = || {
        ApiError::new(Id::RequestBodyTooLarge)
            .with(placeholder::SIZE, human_size(max as u64))
            .into_response_with(profile)
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return too_large();
    }
    let Ok(bytes) = axum::body::to_bytes(body, max).await else {
        return too_large();
    };
    if let Some(rest) = control {
        return match crate::control::handle(app, &parts.method, &rest, &parts.headers, &bytes).await
        {
            Ok(response) => response,
            Err(e) => e.into_response_with(profile),
        };
    }
    let result = match Params::from_request(parts.uri.query(), &parts.headers, &bytes) {
        Ok(params) => {
            crate::graph::handle(
                app.clone(),
                &parts.method,
                parts.uri.path(),
                &parts.headers,
                params,
            )
            .await
        }
        Err(e) => Err(e),
    };
    let response = result.unwrap_or_else(|e| e.into_response_with(profile));
    log(&app, &parts, &bytes, response).await
}

/// Records a Graph exchange in the request log and hands the response back.
async fn log(
    app: &App,
    parts: &axum::http::request::Parts,
    body: &[u8],
    response: Response,
) -> Response {
    let (head, resp_body) = response.into_parts();
    // Graph answers are small JSON documents; a limit guards against surprises.
    let bytes = axum::body::to_bytes(resp_body, 4 * 1024 * 1024)
        .await
        .unwrap_or_default();
    app.log.record(
        app.clock.now_s(),
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query(),
        body,
        head.status.as_u16(),
        &bytes,
    );
    Response::from_parts(head, Body::from(bytes))
}
