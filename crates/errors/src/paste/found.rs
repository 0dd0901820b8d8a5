//! The vocabulary of what a paste holds: shapes, formats, evidence, fields.

use serde::Serialize;

/// What an error looked like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// `{"error": {...}}`.
    GraphEnvelope,
    /// The inner error object alone (`{message, type, code, ...}`), or an SDK's rendering of
    /// it with its own key names (`errorCode`, `subErrorCode`).
    ErrorObject,
    /// api.instagram.com: `{"error_type", "code", "error_message"}` in either order.
    InstagramFlat,
    /// The retired Instagram API's `{"meta": {"error_type", "code", "error_message"}}`.
    InstagramMeta,
    /// Instagram's `{"message": ..., "status": "fail"}`.
    FailStatus,
    /// rupload.facebook.com: `{"debug_info": {"retriable", "type", "message"}}`.
    UploadDebugInfo,
    /// A container: `{"status_code": "ERROR", "status": "Error: ... error code N"}`.
    ContainerStatus,
    /// A container's status text alone.
    StatusText,
    /// `WWW-Authenticate: OAuth "Facebook Platform" "<class>" "<message>"`.
    WwwAuthenticate,
    /// Key/value text: `type: OAuthException, code: 5, message: ...` and the like.
    Fields,
    /// A message with at most a code: "190 - ...", "(#100) ...", "Graph returned an error: ...".
    Message,
}

/// How it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Json,
    /// JSON escaped inside another document's string (`"{\"error\":...}"`).
    JsonInString,
    PythonRepr,
    JsObject,
    RubyHash,
    Text,
}

/// A value read from the paste, with the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub value: u16,
    pub from: String,
}

/// The `WWW-Authenticate` header Graph sends with an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WwwAuthenticate {
    /// `invalid_token`, `invalid_request`, `unknown_error`, ...
    pub class: String,
    pub message: String,
}

/// The fields of a Graph error, as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    pub message: Option<String>,
    pub error_type: Option<String>,
    pub code: Option<i64>,
    pub subcode: Option<i64>,
    pub is_transient: Option<bool>,
    pub user_title: Option<String>,
    pub user_msg: Option<String>,
    pub fbtrace_id: Option<String>,
}
