//! Batch requests: `POST /` (or `/{version}/`) with `batch`, a JSON array of operations, each
//! `{method, relative_url, body, name, depends_on, omit_response_on_success}`. Every operation
//! is a Graph call of its own ([`super::inner`]: routed, authenticated with its own
//! `access_token` or the batch's, counted, faulted, and written to the request log), run in
//! order; the answer is an array of `{code, headers, body}` with the body as a JSON string.
//!
//! As Meta answers (`developers.facebook.com/docs/graph-api/batch-requests`, and what client
//! libraries record of real answers):
//! - at most [`MAX_OPERATIONS`] operations, else the whole batch is refused;
//! - an operation may use an earlier one's answer: `depends_on: NAME` waits for it, and
//!   `{result=NAME:$.jsonpath}` in `relative_url` or `body` is replaced by what the JSONPath
//!   selects (several values comma-joined, as `?ids={result=list:$.data.*.id}` wants);
//!   naming an operation that does not come earlier refuses the whole batch;
//! - an operation whose dependency failed is not run, and answers `null`;
//! - a successful operation that later ones refer to answers `null` unless it says
//!   `omit_response_on_success: false`; `omit_response_on_success: true` omits any success;
//! - `include_headers=false` leaves the `headers` out.
//!
//! A network fault rule that matches an operation is not applied inside a batch (there is no
//! connection of its own to break); its error faults are.

use crate::runtime::report::{fingerprint, Logged};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{inner, Sent};
use crate::app::App;
use crate::error::{invalid, json_body, required, ApiError, ApiResult};
use crate::params::{self, Params};
use instapub_errors::{placeholder, Id};

/// Most operations one batch may hold.
pub const MAX_OPERATIONS: usize = 50;

/// One operation as clients send it.
#[derive(Debug, Deserialize)]
struct Operation {
    #[serde(default = "get")]
    method: String,
    relative_url: String,
    /// Form-encoded parameters (`a=1&b=2`); some clients send an object.
    #[serde(default)]
    body: Option<Value>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    depends_on: Option<String>,
    #[serde(default)]
    omit_response_on_success: Option<bool>,
}

fn get() -> String {
    "GET".to_owned()
}

/// What an earlier named operation left for the later ones.
struct Done {
    succeeded: bool,
    body: Value,
}

/// A batch as parsed: its operations, checked to depend only on earlier ones, and the names
/// later operations use (whose successes are omitted by default).
#[derive(Debug)]
pub struct Plan {
    operations: Vec<Operation>,
    referenced: HashSet<String>,
}

impl Plan {
    /// Parses `batch` (already JSON, its size and depth capped by the parameter parser).
    pub fn parse(batch: Value) -> ApiResult<Plan> {
        let operations: Vec<Operation> = serde_json::from_value(batch).map_err(|_| {
            invalid(
                "batch",
                "a JSON array of operations, each with method and relative_url",
            )
        })?;
        if operations.len() > MAX_OPERATIONS {
            return Err(ApiError::new(Id::BatchTooLarge)
                .with(placeholder::MAXIMUM, MAX_OPERATIONS.to_string()));
        }
        check_dependencies(&operations)?;
        let referenced = referenced_names(&operations)
            .into_iter()
            .map(str::to_owned)
            .collect();
        Ok(Plan {
            operations,
            referenced,
        })
    }

    /// Each operation's URL and body once earlier answers are put in (`None`: not to be run),
    /// given every named operation's answer as `answers` has it.
    pub fn resolved(
        &self,
        answers: &HashMap<&str, (bool, Value)>,
    ) -> Vec<Option<(String, String)>> {
        let done: HashMap<&str, Done> = answers
            .iter()
            .map(|(k, (ok, v))| {
                (
                    *k,
                    Done {
                        succeeded: *ok,
                        body: v.clone(),
                    },
                )
            })
            .collect();
        self.operations
            .iter()
            .map(|op| resolve(op, &done))
            .collect()
    }
}

/// An operation's URL and body with references replaced; `None` when a dependency or a
/// referred operation failed.
fn resolve(op: &Operation, done: &HashMap<&str, Done>) -> Option<(String, String)> {
    let failed_dependency = op
        .depends_on
        .as_deref()
        .is_some_and(|d| done.get(d).is_some_and(|r| !r.succeeded));
    if failed_dependency {
        return None;
    }
    let url = substitute(&op.relative_url, done)?;
    let body = match &op.body {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => substitute(s, done)?,
        Some(b @ Value::Object(_)) => form_of(b)?,
        Some(other) => other.to_string(),
    };
    Some((url, body))
}

/// `POST /`: runs the batch; without `batch`, the parameter is required.
pub async fn run(app: &Arc<App>, params: Params, sent: Sent<'_>) -> ApiResult<Response> {
    let Some(batch) = params.json("batch")? else {
        return Err(required("batch"));
    };
    let plan = Plan::parse(batch)?;
    let (operations, referenced) = (&plan.operations, &plan.referenced);
    let include_headers = params.bool("include_headers")?.unwrap_or(true);
    // The batch's own credentials, for operations that bring none.
    let token = params::access_token(&params, sent.headers);
    let proof = params.str("appsecret_proof");
    let proof_time = params.str("appsecret_time");

    let mut done: HashMap<&str, Done> = HashMap::new();
    let mut answers = Vec::with_capacity(operations.len());
    for op in operations {
        let Some((url, body)) = resolve(op, &done) else {
            // A dependency failed, or a reference's operation did: not run.
            if let Some(name) = &op.name {
                done.insert(
                    name,
                    Done {
                        succeeded: false,
                        body: Value::Null,
                    },
                );
            }
            answers.push(Value::Null);
            continue;
        };
        let mut op_params = operation_params(&url, &body)?;
        if !op_params.has("access_token") {
            if let Some(t) = &token {
                op_params.set("access_token", t);
                // The batch's proof was made for the batch's token.
                for (name, value) in [("appsecret_proof", &proof), ("appsecret_time", &proof_time)]
                {
                    if let (false, Some(v)) = (op_params.has(name), value) {
                        op_params.set(name, v);
                    }
                }
            }
        }
        let method = Method::from_bytes(op.method.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| invalid("method", "GET, POST or DELETE"))?;
        let path = format!(
            "/{}",
            url.split('?')
                .next()
                .unwrap_or_default()
                .trim_start_matches('/')
        );
        let outcome = if path == "/" && op_params.has("batch") {
            // A batch inside a batch is refused, not run.
            super::Outcome::error(
                invalid("relative_url", "an object or edge, not a batch"),
                sent.host,
            )
        } else {
            inner(Arc::clone(app), method.clone(), &path, sent, op_params).await
        };
        let (response, _network, attributed) = outcome.into_response(app.config.profile);
        let uri = format!("/{}", url.trim_start_matches('/'))
            .parse()
            .unwrap_or_default();
        let body = Bytes::from(body.into_bytes());
        let (head, bytes, seq) = crate::runtime::request_log::record_response(
            &app.log,
            app.clock.now_s(),
            &method,
            &uri,
            &body,
            response,
        )
        .await;
        if let Some((a, error)) = attributed {
            let logged = Logged {
                seq,
                at_ms: app.clock.now_ms(),
            };
            app.report
                .record_logged(a, error, logged, || fingerprint(&method, &uri, &body));
        }
        let succeeded = head.status.is_success();
        let text = String::from_utf8(bytes.to_vec())
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        if let Some(name) = &op.name {
            let parsed = serde_json::from_str(&text).unwrap_or(Value::Null);
            done.insert(
                name,
                Done {
                    succeeded,
                    body: parsed,
                },
            );
        }
        let omit = succeeded
            && op.omit_response_on_success.unwrap_or_else(|| {
                op.name
                    .as_deref()
                    .is_some_and(|name| referenced.contains(name))
            });
        if omit {
            answers.push(Value::Null);
            continue;
        }
        let mut answer = json!({ "code": head.status.as_u16() });
        if include_headers {
            answer["headers"] = head
                .headers
                .iter()
                .map(|(name, value)| {
                    json!({"name": name.as_str(), "value": value.to_str().unwrap_or_default()})
                })
                .collect();
        }
        answer["body"] = Value::String(text);
        answers.push(answer);
    }
    // Every string in the answers is ASCII already (Graph escapes the rest), and `/` need not
    // be escaped to be read back: serde_json's own escaping, which is several times cheaper
    // than `graph_ok`'s Graph-style pass over every body again (the batch profile).
    let text =
        serde_json::to_string(&answers).map_err(|_| ApiError::new(Id::ServiceUnavailable))?;
    Ok(json_body(text))
}

/// Every name an operation depends on or refers to must be an earlier operation's.
fn check_dependencies(operations: &[Operation]) -> ApiResult<()> {
    let mut earlier: HashSet<&str> = HashSet::new();
    for (index, op) in operations.iter().enumerate() {
        let body = op.body.as_ref().and_then(Value::as_str).unwrap_or_default();
        let refs = references(&op.relative_url).chain(references(body));
        for name in op.depends_on.as_deref().into_iter().chain(refs) {
            if !earlier.contains(name) {
                return Err(ApiError::new(Id::BatchUnresolvedDependency)
                    .with(placeholder::POSITION, index.to_string())
                    .with(placeholder::PARAM, name));
            }
        }
        if let Some(name) = &op.name {
            earlier.insert(name);
        }
    }
    Ok(())
}

/// The names later operations depend on or refer to.
fn referenced_names(operations: &[Operation]) -> HashSet<&str> {
    let mut names = HashSet::new();
    for op in operations {
        names.extend(op.depends_on.as_deref());
        names.extend(references(&op.relative_url));
        if let Some(body) = op.body.as_ref().and_then(Value::as_str) {
            names.extend(references(body));
        }
    }
    names
}

/// The `{result=NAME:PATH}` references of a text, as `(whole, NAME, PATH)`.
fn reference_parts(text: &str) -> impl Iterator<Item = (&str, &str, &str)> {
    const OPEN: &str = "{result=";
    // Most texts hold no brace at all: a byte search rules them out.
    let mut rest = if text.as_bytes().contains(&b'{') {
        text
    } else {
        ""
    };
    std::iter::from_fn(move || loop {
        let start = rest.find(OPEN)?;
        let after = &rest[start + OPEN.len()..];
        let Some(end) = after.find('}') else {
            rest = "";
            return None;
        };
        let whole = &rest[start..start + OPEN.len() + end + 1];
        let inside = &after[..end];
        rest = &after[end + 1..];
        if let Some((name, path)) = inside.split_once(':') {
            return Some((whole, name, path));
        }
    })
}

fn references(text: &str) -> impl Iterator<Item = &str> {
    reference_parts(text).map(|(_, name, _)| name)
}

/// The text with each reference replaced by what its JSONPath selects in the named answer
/// (values comma-joined); `None` when a referred operation failed or selects nothing.
fn substitute(text: &str, done: &HashMap<&str, Done>) -> Option<String> {
    let mut out = text.to_owned();
    if !text.as_bytes().contains(&b'{') {
        return Some(out);
    }
    for (whole, name, path) in reference_parts(text) {
        let earlier = done.get(name).filter(|d| d.succeeded)?;
        let selected = select(&earlier.body, path)?;
        out = out.replacen(whole, &selected, 1);
    }
    Some(out)
}

/// Longest JSONPath a reference may hold, and most brackets and parentheses in it: Meta's are
/// a few dotted names (`$.data.*.id`), and the parser recurses on nesting.
const MAX_PATH: usize = 256;
const MAX_PATH_NESTING: usize = 16;

/// What a JSONPath (RFC 9535, which Meta's `$.data.*.id` form is) selects, comma-joined.
fn select(value: &Value, path: &str) -> Option<String> {
    let nesting = path.bytes().filter(|b| matches!(b, b'[' | b'(')).count();
    if path.len() > MAX_PATH || nesting > MAX_PATH_NESTING {
        return None;
    }
    let path = serde_json_path::JsonPath::parse(path).ok()?;
    let found: Vec<String> = path
        .query(value)
        .all()
        .into_iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    (!found.is_empty()).then(|| found.join(","))
}

/// An operation's body given as an object, as the form a body string would be.
fn form_of(body: &Value) -> Option<String> {
    let map = body.as_object()?;
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in map {
        match v {
            Value::String(s) => form.append_pair(k, s),
            other => form.append_pair(k, &other.to_string()),
        };
    }
    Some(form.finish())
}

/// An operation's parameters: its URL's query and its form body.
fn operation_params(url: &str, body: &str) -> ApiResult<Params> {
    let query = url.split_once('?').map(|(_, q)| q);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    Params::from_request(query, &headers, body.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_and_replaced_by_their_jsonpath() {
        let text = "?ids={result=list:$.data.*.id}&x={result=one:$.id}";
        let names: Vec<&str> = references(text).collect();
        assert_eq!(names, ["list", "one"]);
        let mut done = HashMap::new();
        done.insert(
            "list",
            Done {
                succeeded: true,
                body: json!({"data": [{"id": "1"}, {"id": 2}]}),
            },
        );
        done.insert(
            "one",
            Done {
                succeeded: true,
                body: json!({"id": "9"}),
            },
        );
        assert_eq!(substitute(text, &done).as_deref(), Some("?ids=1,2&x=9"));
        // A failed operation's answer is not used.
        done.insert(
            "one",
            Done {
                succeeded: false,
                body: json!({"id": "9"}),
            },
        );
        assert_eq!(substitute(text, &done), None);
        // Unclosed or nameless references are left alone.
        assert_eq!(references("{result=a").count(), 0);
        assert_eq!(references("{result=nopath}").count(), 0);
    }
}
