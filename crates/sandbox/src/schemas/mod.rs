//! The shapes routes take and answer, as Rust types the OpenAPI document is derived from
//! (schemars): each row of the route table names its parameters' type and its answer's
//! (`crate::route`), and `control/openapi.rs` turns those names into the document.
//!
//! - [`graph`]: Graph parameters, and the nodes and edges Graph routes answer;
//! - [`login`]: the login hosts' consent pages and api.instagram.com's token exchange;
//! - [`control`]: control-plane answers that are not store records (those, and the request
//!   bodies, which are the staging operations' own input types, derive their schema where they
//!   are defined);
//! - here: the shapes every surface shares.
//!
//! Graph handlers write their JSON with field selection (`graph::view`), so a Graph answer
//! type is a description, not the value serialized: the test `every_route_answers_as_documented`
//! sends one request per row and holds each answer to its type, and every object here is
//! closed (a field the handler adds and the type lacks is a failure there, not silent drift).

use schemars::JsonSchema;
use serde::Serialize;

pub mod control;
pub mod graph;
pub mod login;

/// What a create answers: the new object's id.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Created {
    pub id: String,
}

/// What an update or a delete answers.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Success {
    pub success: bool,
}

/// A list answered in full: `{"data": [...]}`.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "{T}List")]
pub struct List<T> {
    pub data: Vec<T>,
}

/// A page of an edge: `data` and cursor `paging` (absent when there is nothing to page).
#[allow(
    dead_code,
    reason = "a description: Graph answers are written by the handlers"
)]
#[derive(Debug, JsonSchema)]
#[schemars(rename = "{T}Page")]
pub struct Page<T> {
    pub data: Vec<T>,
    pub paging: Option<Paging>,
}

/// Cursors and the URLs of the neighbouring pages, which work as given.
#[allow(
    dead_code,
    reason = "a description: Graph answers are written by the handlers"
)]
#[derive(Debug, JsonSchema)]
pub struct Paging {
    pub cursors: Option<Cursors>,
    pub next: Option<String>,
    pub previous: Option<String>,
}

/// Opaque cursors of a page's first and last item.
#[allow(
    dead_code,
    reason = "a description: Graph answers are written by the handlers"
)]
#[derive(Debug, JsonSchema)]
pub struct Cursors {
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A reference to another node.
#[allow(
    dead_code,
    reason = "a description: Graph answers are written by the handlers"
)]
#[derive(Debug, JsonSchema)]
pub struct NodeRef {
    pub id: String,
}

/// A Graph error envelope, as every route's failure answers.
#[allow(
    dead_code,
    reason = "a description: Graph answers are written by the handlers"
)]
#[derive(Debug, JsonSchema)]
pub struct GraphError {
    pub error: GraphErrorBody,
}

/// The envelope's body: the catalog entry's code, subcode and texts.
#[allow(
    dead_code,
    reason = "a description: Graph answers are written by the handlers"
)]
#[derive(Debug, JsonSchema)]
pub struct GraphErrorBody {
    pub message: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub code: i64,
    pub error_subcode: Option<i64>,
    pub is_transient: Option<bool>,
    pub error_user_title: Option<String>,
    pub error_user_msg: Option<String>,
    #[schemars(regex(pattern = r"^A[A-Za-z0-9_-]{22}$"))]
    pub fbtrace_id: String,
}

/// The resumable-upload host's failure shape: the Graph error serialised as a string inside
/// `debug_info.message`.
#[allow(
    dead_code,
    reason = "a description: Graph answers are written by the handlers"
)]
#[derive(Debug, JsonSchema)]
pub struct UploadError {
    pub debug_info: UploadErrorBody,
}

#[allow(
    dead_code,
    reason = "a description: Graph answers are written by the handlers"
)]
#[derive(Debug, JsonSchema)]
pub struct UploadErrorBody {
    pub retriable: bool,
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
}

/// api.instagram.com's flat error shape.
#[allow(
    dead_code,
    reason = "a description: Graph answers are written by the handlers"
)]
#[derive(Debug, JsonSchema)]
pub struct InstagramOauthError {
    pub error_type: String,
    pub code: i64,
    pub error_message: String,
}

/// Closes every object schema that lists its properties and says nothing of others
/// (`additionalProperties: false`), so an answer with a field its type lacks fails validation.
/// Maps (`additionalProperties` given) and free-form values are left open.
#[derive(Debug, Clone, Copy, Default)]
pub struct Closed;

impl schemars::transform::Transform for Closed {
    fn transform(&mut self, schema: &mut schemars::Schema) {
        if let Some(obj) = schema.as_object_mut() {
            if obj.contains_key("properties") && !obj.contains_key("additionalProperties") {
                obj.insert("additionalProperties".into(), false.into());
            }
        }
        schemars::transform::transform_subschemas(self, schema);
    }
}
