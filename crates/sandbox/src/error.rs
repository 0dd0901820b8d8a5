//! Errors as the sandbox answers them: how a catalog error becomes an HTTP response (the
//! envelope from `instapub-errors`, under the sandbox's profile, with a fresh `fbtrace_id` and
//! Graph's headers), and the helpers every handler uses to name the common ones. No module
//! builds these errors any other way.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use instapub_errors::envelope::GraphFormatter;
use instapub_errors::{fbtrace_id, placeholder, CatalogError, Id, Profile};
use serde::Serialize;

use crate::store::StoreError;

/// The result type of every Graph handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// An error a handler returns; rendered by [`ApiError::into_response_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError(pub CatalogError);

impl ApiError {
    pub fn new(id: Id) -> Self {
        ApiError(CatalogError::new(id))
    }

    pub fn with(self, name: &str, value: impl Into<String>) -> Self {
        ApiError(self.0.with(name, value))
    }

    pub fn id(&self) -> Id {
        self.0.id
    }

    /// The full response under `profile`, as graph.facebook.com answers.
    pub fn into_response_with(self, profile: Profile) -> Response {
        self.into_response_on(profile, instapub_errors::Host::Facebook)
    }

    /// The full response under `profile` in `host`'s dialect.
    pub fn into_response_on(self, profile: Profile, host: instapub_errors::Host) -> Response {
        let envelope = self.0.render_on(profile, host, new_trace_id());
        let status = StatusCode::from_u16(envelope.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut response = (status, json_body(envelope.to_json())).into_response();
        response.extensions_mut().insert(Answered {
            code: envelope.code,
            subcode: envelope.error_subcode,
            detail: self.0.detail,
        });
        let headers = response.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&envelope.fbtrace_id) {
            headers.insert("x-fb-trace-id", v);
        }
        // From the `String` itself: no copy.
        if let Ok(v) = HeaderValue::try_from(envelope.www_authenticate()) {
            headers.insert(header::WWW_AUTHENTICATE, v);
        }
        response
    }
}

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        ApiError(e)
    }
}

/// What an error answer was, carried to the request log in the response's extensions (never
/// sent): the code and subcode as rendered, so the log need not parse the body back, and what
/// really happened behind it.
#[derive(Debug, Clone)]
pub struct Answered {
    pub code: i64,
    pub subcode: Option<i64>,
    pub detail: Option<String>,
}

/// A random `fbtrace_id`.
pub fn new_trace_id() -> String {
    fbtrace_id(fastrand::u128(..), fastrand::u8(..))
}

/// A JSON body as Graph writes it (`\/` and `\uXXXX` escapes), with Graph's content type.
pub fn json_body(text: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=UTF-8"),
        )],
        text,
    )
        .into_response()
}

/// Serializes a success value the way Graph does and wraps it in a 200 response.
pub fn graph_ok<T: Serialize>(value: &T) -> Response {
    let mut buf = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, GraphFormatter);
    match value.serialize(&mut ser) {
        // The formatter writes only ASCII.
        Ok(()) => json_body(String::from_utf8(buf).unwrap_or_default()),
        Err(_) => ApiError::new(Id::ServiceUnavailable).into_response_with(Profile::Documented),
    }
}

/// 100/33 for `node_id` and an HTTP method: a node that does not exist, is not the caller's,
/// or does not support the method.
pub fn object_not_found(node_id: &str, method: &str) -> ApiError {
    ApiError::new(Id::ObjectNotFound)
        .with(placeholder::METHOD, method.to_ascii_lowercase())
        .with(placeholder::NODE_ID, node_id)
}

/// The store failed: Graph's temporary-outage answer.
pub fn store_failed(e: StoreError) -> ApiError {
    tracing::error!(error = %e, "the store failed");
    ApiError::new(Id::ServiceUnavailable)
}

/// A body that cannot be read as its content type says.
pub fn malformed(reason: &str) -> ApiError {
    ApiError::new(Id::MalformedBody).with(placeholder::REASON, reason)
}

/// A parameter with a value of the wrong form.
pub fn invalid(name: &str, expected: &str) -> ApiError {
    ApiError::new(Id::InvalidParameterValue)
        .with(placeholder::PARAM, name)
        .with(placeholder::EXPECTED, expected)
}

/// A missing required parameter.
pub fn required(name: &str) -> ApiError {
    ApiError::new(Id::ParameterRequired).with(placeholder::PARAM, name)
}

/// `8 MiB`, `300 MiB`: how Meta writes sizes in its messages.
pub fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}
