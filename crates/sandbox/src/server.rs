//! The HTTP server: one hyper service that parses the route ([`crate::route`]), reads the body
//! under the size limit of its API, and hands it to the Graph handlers ([`crate::graph`]), the
//! upload host ([`crate::upload`]) or the control plane ([`crate::control`]). Every answer that is not a success
//! is a Graph envelope, including oversized or malformed bodies and handler panics.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::response::Response;
use bytes::Bytes;
use instapub_errors::{placeholder, Id, Profile};

use crate::app::App;
use crate::error::{human_size, ApiError};
use crate::params::Params;
use crate::route::{self, Miss, Parsed, Route, Spec, Surface};
use crate::runtime::faults::Network;

use crate::refusals::{HYPER_MAX_HEADERS, MAX_HEADERS, MAX_HEADER_BYTES, MAX_URI_BYTES};
const HYPER_MAX_BUF: usize = 1024 * 1024;

/// Serves `app` on `listener` until `shutdown` resolves, then lets open requests finish.
///
/// A hand-written accept loop instead of `axum::serve`, because only hyper's connection
/// builder sets a header read timeout (slow clients are disconnected) and the parser limits
/// that keep oversized requests inside our handler, where they get envelopes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(app.config.header_read_timeout)
        .max_headers(HYPER_MAX_HEADERS)
        .max_buf_size(HYPER_MAX_BUF);
    let profile = app.config.profile;
    let service = service(app);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: back off, keep serving.
                        tracing::warn!(error = %e, "cannot accept a connection");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let io = hyper_util::rt::TokioIo::new(crate::refusals::Enveloped::new(stream, profile));
                let conn = http.serve_connection(io, service.clone());
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    // In-flight requests finish; a connection still dripping its headers is not waited for.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), graceful.shutdown()).await;
}

/// The service every connection runs: [`graph`], the sandbox's single entry point (its own
/// routing is `crate::route`), with a panic answered as an envelope. Plain hyper rather than an
/// axum `Router` with a catch-panic layer: the router's layers, boxing and path matching did
/// nothing here but cost about a twentieth of an error answer (issue 18's profile).
fn service(
    app: Arc<App>,
) -> impl hyper::service::Service<
    hyper::Request<hyper::body::Incoming>,
    Response = Response,
    Error = std::convert::Infallible,
    Future = impl std::future::Future<Output = Result<Response, std::convert::Infallible>> + Send,
> + Clone {
    let profile = app.config.profile;
    hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
        let handled = guarded(
            handle_request(Arc::clone(&app), request.map(Body::new)),
            profile,
        );
        async move { Ok(handled.await) }
    })
}

/// `handler`'s response, or if it panics Graph's temporary-outage envelope.
fn guarded(
    handler: impl std::future::Future<Output = Response>,
    profile: Profile,
) -> impl std::future::Future<Output = Response> {
    use futures_util::FutureExt;
    std::panic::AssertUnwindSafe(handler)
        .catch_unwind()
        .map(move |r| r.unwrap_or_else(|_| panic_response(profile)))
}

/// A handler panicked: answer like Graph's temporary outage (code 2, HTTP 500).
fn panic_response(profile: Profile) -> Response<Body> {
    tracing::error!("a request handler panicked");
    ApiError::new(Id::ServiceUnavailable).into_response_with(profile)
}

/// One request of any surface, in the order ARCHITECTURE.md gives: head limits, the `Host`
/// check, the route, admission, the route's body limit, the handler (the upload host streams
/// its own body into the store, in pieces).
async fn handle_request(app: Arc<App>, request: Request) -> Response {
    let profile = app.config.profile;
    let (parts, body) = request.into_parts();
    if let Some(refused) = oversized_head(&parts) {
        return refused.into_response_with(profile);
    }
    if let Err(e) = crate::guard::host(&parts.headers, app.public_host()) {
        return e.into_response_with(profile);
    }
    // HEAD is GET without the body (hyper leaves the body out of the answer), except where a
    // GET spends something (a code exchange): there HEAD stays unsupported.
    let (method, parsed) = if parts.method == Method::HEAD {
        let as_get = route::parse(&Method::GET, parts.uri.path());
        if as_get.spends() {
            (Method::HEAD, route::parse(&Method::HEAD, parts.uri.path()))
        } else {
            (Method::GET, as_get)
        }
    } else {
        (
            parts.method.clone(),
            route::parse(&parts.method, parts.uri.path()),
        )
    };
    let surface = parsed.surface();
    // Who may send a body is decided from the head, before a byte of it is read.
    if let Err(e) = admit(&app, &parts, &parsed) {
        return e.into_response_with(profile);
    }
    if let (Surface::Upload, parsed) = (surface, &parsed) {
        return upload(&app, &parts, parsed, body).await;
    }
    let max = body_limit(&app, &parsed);
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
    if declared.is_some_and(|n| n > max as u64 + DISCARD_LIMIT) {
        // Far too large to read through: answer at once (the client may see the connection
        // close before it has sent everything).
        return too_large();
    }
    let bytes = match read_body(body, max, app.config.body_idle_timeout).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => return too_large(),
        Err(BodyError::Idle) => {
            return ApiError::new(Id::RequestTimeout)
                .with(
                    placeholder::SECONDS,
                    app.config.body_idle_timeout.as_secs().to_string(),
                )
                .into_response_with(profile)
        }
        Err(BodyError::Broken(reason)) => {
            return ApiError::new(Id::RequestMalformed)
                .with(placeholder::REASON, reason)
                .into_response_with(profile)
        }
    };
    match (surface, parsed) {
        (Surface::Upload, _) => ApiError::new(Id::ServiceUnavailable).into_response_with(profile),
        (Surface::Login, parsed) => {
            let response = match (
                parsed,
                Params::from_request(parts.uri.query(), &parts.headers, &bytes),
            ) {
                (_, Err(e)) => e.into_response_with(profile),
                (
                    Parsed::Fixed {
                        spec:
                            Spec {
                                route: Route::Login(login),
                                ..
                            },
                        ..
                    },
                    Ok(params),
                ) => {
                    // For the report: the older authorize address, a dialog's Graph version.
                    let older = *login == crate::route::LoginRoute::InstagramAuthorizeApiHost;
                    let version = match login {
                        // `/www.facebook.com/{version}/dialog/oauth`
                        crate::route::LoginRoute::FacebookDialog => {
                            parts.uri.path().split('/').nth(2)
                        }
                        _ => None,
                    };
                    if let Some(client) = params.str("client_id") {
                        app.report.record_login(&client, older, version);
                    }
                    crate::identity::login::handle(app.clone(), *login, params).await
                }
                (_, Ok(_)) => crate::identity::login::not_found(&app, parts.uri.path()),
            };
            // Logged like Graph calls (the code exchange carries secrets: masked).
            let (head, body) = log(&app, &parts, &bytes, response, None).await;
            Response::from_parts(head, Body::from(body))
        }
        (Surface::Cdn, parsed) => match parsed {
            Parsed::Fixed { params, .. } => {
                let file = params.first().copied().unwrap_or_default();
                crate::cdn::handle(app, file, &parts.headers).await
            }
            _ => crate::cdn::handle(app, "", &parts.headers).await,
        },
        (Surface::Dashboard, parsed) => match parsed {
            Parsed::Fixed {
                spec:
                    Spec {
                        route: Route::Dashboard(page),
                        ..
                    },
                params,
            } => {
                crate::dashboard::handle(
                    app,
                    *page,
                    &params,
                    parts.uri.query(),
                    &parts.headers,
                    &bytes,
                )
                .await
            }
            _ => ApiError::new(Id::ServiceUnavailable).into_response_with(profile),
        },
        (Surface::Control, parsed) => {
            let result = match parsed {
                Parsed::Fixed {
                    spec:
                        Spec {
                            route: Route::Control(control),
                            ..
                        },
                    params,
                } => crate::control::handle(app, *control, &params, &parts.headers, &bytes).await,
                // The key was checked (in `admit`) before saying what does not exist.
                Parsed::Unknown(Miss::Control(path)) => {
                    Err(ApiError::new(Id::UnknownPathComponents).with(placeholder::PATH, path))
                }
                _ => Err(ApiError::new(Id::ServiceUnavailable)),
            };
            result.unwrap_or_else(|e| e.into_response_with(profile))
        }
        (Surface::Graph, parsed) => {
            let outcome = match Params::from_request(parts.uri.query(), &parts.headers, &bytes) {
                Ok(params) => {
                    let host = route::host_of(parts.uri.path());
                    // Graph's `method` parameter (Meta's older SDKs send every call as a POST
                    // with `method=GET` or `method=DELETE`): the call is routed as that method.
                    let (method, parsed) = match params.method_override() {
                        Some(m) if m != method => {
                            let again = route::parse(&m, parts.uri.path());
                            (m, again)
                        }
                        _ => (method, parsed),
                    };
                    let version = route::graph_version(parts.uri.path());
                    crate::graph::handle(
                        app.clone(),
                        &method,
                        host,
                        parsed,
                        version,
                        &parts.headers,
                        params,
                    )
                    .await
                }
                Err(e) => crate::graph::Outcome::error(e, route::host_of(parts.uri.path())),
            };
            graph_response(&app, &parts, &bytes, outcome).await
        }
    }
}

/// Refuses, from the head alone, a request whose body nobody may send: a control-plane call
/// without the admin key (or riding the dashboard's cookie from another page). The upload
/// host checks its token itself, also before reading.
fn admit(app: &App, parts: &axum::http::request::Parts, parsed: &Parsed) -> Result<(), ApiError> {
    let keyed = match parsed {
        Parsed::Fixed { spec, .. } => spec.surface() == Surface::Control && !spec.is_public(),
        Parsed::Unknown(Miss::Control(_)) => true,
        _ => false,
    };
    if keyed {
        crate::control::authorize(app, &parts.method, &parts.headers)
    } else {
        Ok(())
    }
}

/// The most body a route reads: from its contract ([`route::BodyLimit`]).
fn body_limit(app: &App, parsed: &Parsed) -> usize {
    let limit = match parsed {
        Parsed::Fixed { spec, .. } => spec.body,
        Parsed::Node { .. } => route::BodyLimit::Params,
        // A path nobody serves is still answered from its parameters (Graph's errors name them).
        Parsed::Unknown(_) => route::BodyLimit::Params,
    };
    match limit {
        route::BodyLimit::Small => route::SMALL_BODY,
        route::BodyLimit::Control => route::CONTROL_BODY,
        route::BodyLimit::Params => app.config.max_body_bytes,
        route::BodyLimit::File => app.config.max_file_bytes,
    }
}

/// The upload host: its handler checks the caller, then streams the body into the store.
async fn upload(
    app: &Arc<App>,
    parts: &axum::http::request::Parts,
    parsed: &Parsed<'_>,
    body: Body,
) -> Response {
    let profile = app.config.profile;
    let response = match parsed {
        Parsed::Fixed { spec, params } if spec.surface() == Surface::Upload => {
            let id = params.first().copied().unwrap_or_default();
            crate::upload::handle(
                app.clone(),
                spec,
                id,
                parts.uri.query(),
                &parts.headers,
                body,
            )
            .await
        }
        Parsed::Unknown(Miss::Upload(rest)) => (crate::upload::not_expected(rest, profile), None),
        _ => (crate::upload::not_expected("", profile), None),
    };
    let (response, network) = response;
    // Logged without the media bytes.
    let (head, body) = log(app, parts, &Bytes::new(), response, None).await;
    match network {
        None => Response::from_parts(head, Body::from(body)),
        Some(fault) => broken(head, body, fault),
    }
}

/// A Graph answer with its usage and version headers, logged, with any network fault applied.
async fn graph_response(
    app: &App,
    parts: &axum::http::request::Parts,
    bytes: &Bytes,
    outcome: crate::graph::Outcome,
) -> Response {
    let (response, network, recorded) = outcome.into_response(app.config.profile);
    let (head, body) = log(app, parts, bytes, response, recorded).await;
    match network {
        None => Response::from_parts(head, Body::from(body)),
        Some(fault) => broken(head, body, fault),
    }
}

/// Applies a network fault to a finished response (the request itself was handled).
fn broken(mut head: axum::http::response::Parts, body: Bytes, fault: Network) -> Response {
    let cut = || {
        std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected network fault",
        )
    };
    match fault {
        Network::Reset => {
            head.headers.remove(header::CONTENT_LENGTH);
            let stream = futures_util::stream::once(async move { Err::<Bytes, _>(cut()) });
            Response::from_parts(head, Body::from_stream(stream))
        }
        Network::Truncate => {
            if let Ok(v) = HeaderValue::from_str(&body.len().to_string()) {
                head.headers.insert(header::CONTENT_LENGTH, v);
            }
            let half = body.slice(..body.len() / 2);
            let stream = futures_util::stream::iter([Ok(half), Err(cut())]);
            Response::from_parts(head, Body::from_stream(stream))
        }
        Network::SlowBody => {
            // About three seconds for the whole body, whatever its size.
            let chunks: Vec<Bytes> = body
                .chunks(body.len().div_ceil(15).max(1))
                .map(Bytes::copy_from_slice)
                .collect();
            let stream = futures_util::stream::unfold(chunks.into_iter(), |mut rest| async move {
                let next = rest.next()?;
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                Some((Ok::<Bytes, std::io::Error>(next), rest))
            });
            Response::from_parts(head, Body::from_stream(stream))
        }
    }
}

/// Up to this many bytes past the limit are read and thrown away before the 413 answer, so the
/// client, still sending, receives the envelope instead of a broken connection.
const DISCARD_LIMIT: u64 = 64 * 1024 * 1024;

/// A request head over our limits: the envelope to answer with.
fn oversized_head(parts: &axum::http::request::Parts) -> Option<ApiError> {
    let uri_len = parts.uri.path_and_query().map_or(0, |p| p.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return Some(
            ApiError::new(Id::UriTooLong)
                .with(placeholder::SIZE, uri_len.to_string())
                .with(placeholder::LIMIT, MAX_URI_BYTES.to_string()),
        );
    }
    let count = parts.headers.len();
    let bytes: usize = parts
        .headers
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    let reason = if count > MAX_HEADERS {
        format!("{count} header lines, at most {MAX_HEADERS}")
    } else if bytes > MAX_HEADER_BYTES {
        format!("{bytes} bytes of headers, at most {MAX_HEADER_BYTES}")
    } else {
        return None;
    };
    Some(ApiError::new(Id::HeadersTooLarge).with(placeholder::REASON, reason))
}

/// Why a body was not read.
enum BodyError {
    /// Over `max` (after discarding up to `max` + [`DISCARD_LIMIT`] bytes of it).
    TooLarge,
    /// No byte arrived for the idle timeout.
    Idle,
    /// The framing is broken (a bad chunk size), or the client broke off mid-body.
    Broken(String),
}

/// The body if it fits in `max` bytes and keeps arriving.
async fn read_body(body: Body, max: usize, idle: std::time::Duration) -> Result<Bytes, BodyError> {
    use axum::body::HttpBody;
    use futures_util::StreamExt;
    if body.is_end_stream() {
        // A GET: no timer, no buffer.
        return Ok(Bytes::new());
    }
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    let mut total: u64 = 0;
    loop {
        let chunk = match tokio::time::timeout(idle, stream.next()).await {
            Err(_) => return Err(BodyError::Idle),
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(BodyError::Broken(body_error(&e))),
            Ok(Some(Ok(chunk))) => chunk,
        };
        total += chunk.len() as u64;
        if total > max as u64 + DISCARD_LIMIT {
            return Err(BodyError::TooLarge);
        }
        if total <= max as u64 {
            buf.extend_from_slice(&chunk);
        }
    }
    if total <= max as u64 {
        Ok(Bytes::from(buf))
    } else {
        Err(BodyError::TooLarge)
    }
}

/// What went wrong with a body, in words (hyper's chunked decoder says "invalid chunk size").
fn body_error(e: &axum::Error) -> String {
    use std::error::Error;
    let mut reason = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        reason = s.to_string();
        source = s.source();
    }
    format!("the body's framing is broken ({reason})")
}

/// Records a Graph exchange in the request log (and, when the pipeline attributed it, in the
/// integration report) and hands the response back in parts.
async fn log(
    app: &App,
    parts: &axum::http::request::Parts,
    body: &Bytes,
    response: Response,
    recorded: Option<crate::runtime::report::Recorded>,
) -> (axum::http::response::Parts, Bytes) {
    let (head, bytes, seq) = crate::runtime::request_log::record_response(
        &app.log,
        app.clock.now_s(),
        &parts.method,
        &parts.uri,
        body,
        response,
    )
    .await;
    if let Some((a, error)) = recorded {
        let logged = crate::runtime::report::Logged {
            seq,
            at_ms: app.clock.now_ms(),
        };
        let fingerprint = || crate::runtime::report::fingerprint(&parts.method, &parts.uri, body);
        app.report.record_logged(a, error, logged, fingerprint);
    }
    (head, bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_is_answered_with_the_outage_envelope() {
        let answer = guarded(async { panic!("a bug in a handler") }, Profile::Documented).await;
        assert_eq!(
            answer.status(),
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        );
        let body = axum::body::to_bytes(answer.into_body(), 4096)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], 2, "{v}");
        let fine = guarded(async { Response::new(Body::empty()) }, Profile::Documented).await;
        assert_eq!(fine.status(), axum::http::StatusCode::OK);
    }
}
