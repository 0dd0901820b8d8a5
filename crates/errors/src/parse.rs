//! Parsing what Graph sends back: error bodies and container `status` text.
//!
//! Parsing is lenient about content (unknown codes, extra fields, missing fields, numbers sent
//! as strings) and strict about shape: a body that is not JSON, or JSON without an `error`
//! object, is a [`ParseError`]. The raw body is always kept.

use serde_json::{Map, Value};

use crate::classify::{classify, Classification};

/// Bodies larger than this are refused unread; real Graph errors are well under 2 KiB.
pub const MAX_BODY: usize = 1 << 20;

/// Why a body is not a Graph error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the body is empty")]
    Empty,
    #[error("the body is {0} bytes, more than the {MAX_BODY}-byte limit for an error body")]
    TooLarge(usize),
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error("the body is JSON but has no \"error\" object")]
    NotAnEnvelope,
}

/// A Graph error as received: every field optional, the raw body kept.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GraphError {
    /// The HTTP status, when the caller knows it.
    pub status: Option<u16>,
    pub message: Option<String>,
    pub error_type: Option<String>,
    pub code: Option<i64>,
    pub subcode: Option<i64>,
    pub is_transient: Option<bool>,
    pub user_title: Option<String>,
    pub user_msg: Option<String>,
    pub fbtrace_id: Option<String>,
    /// The body exactly as received.
    pub raw: String,
}

impl GraphError {
    /// Parses a Graph error body. `status` is the HTTP status if known.
    ///
    /// Also accepts the resumable-upload failure shape `{"debug_info":{...}}`, mapping
    /// `retriable` to `is_transient`, and api.instagram.com's flat shape
    /// `{"error_type":...,"code":400,"error_message":...}`.
    pub fn parse(status: Option<u16>, body: &[u8]) -> Result<GraphError, ParseError> {
        if body.len() > MAX_BODY {
            return Err(ParseError::TooLarge(body.len()));
        }
        let raw = String::from_utf8_lossy(body).into_owned();
        if raw.trim().is_empty() {
            return Err(ParseError::Empty);
        }
        let value: Value =
            serde_json::from_str(&raw).map_err(|e| ParseError::NotJson(e.to_string()))?;
        if let Some(flat) = value
            .as_object()
            .filter(|o| o.contains_key("error_message"))
        {
            return Ok(GraphError {
                status,
                message: text(flat, "error_message"),
                error_type: text(flat, "error_type"),
                code: integer(flat, "code"),
                subcode: None,
                is_transient: None,
                user_title: None,
                user_msg: None,
                fbtrace_id: None,
                raw,
            });
        }
        let object = value
            .get("error")
            .and_then(Value::as_object)
            .or_else(|| value.get("debug_info").and_then(Value::as_object))
            .ok_or(ParseError::NotAnEnvelope)?;
        let is_debug_info = value.get("error").is_none();
        Ok(GraphError {
            status,
            message: text(object, "message"),
            error_type: text(object, "type"),
            code: integer(object, "code"),
            subcode: integer(object, "error_subcode"),
            is_transient: if is_debug_info {
                boolean(object, "retriable")
            } else {
                boolean(object, "is_transient")
            },
            user_title: text(object, "error_user_title"),
            user_msg: text(object, "error_user_msg"),
            fbtrace_id: text(object, "fbtrace_id"),
            raw,
        })
    }

    /// Classifies by (code, subcode), then by subcode, then by code. Never by message text.
    pub fn classify(&self) -> Classification {
        classify(self.code, self.subcode)
    }
}

fn text(o: &Map<String, Value>, key: &str) -> Option<String> {
    match o.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn integer(o: &Map<String, Value>, key: &str) -> Option<i64> {
    match o.get(key)? {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn boolean(o: &Map<String, Value>, key: &str) -> Option<bool> {
    match o.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        _ => None,
    }
}

/// Extracts the subcode from a container's `status` text, e.g.
/// `"Error: Media upload has failed with error code 2207026"` -> `2207026`.
///
/// Accepts the words "error code" (any case) followed by the number, or a bare number.
/// Other digits in the text (ids, URLs) are never taken for a code.
pub fn parse_status_text(status: &str) -> Option<i64> {
    let trimmed = status.trim();
    if let Some(n) = parse_code_number(trimmed) {
        return Some(n);
    }
    let lower = trimmed.to_ascii_lowercase();
    let at = lower.rfind("error code")?;
    let rest = trimmed.get(at + "error code".len()..)?;
    let rest = rest.trim_start_matches([' ', ':', '#']);
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    let after = &rest[digits.len()..];
    // The number must end there: "2207026", "2207026.", "2207026)" but not "2207026abc".
    if after.chars().next().is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    parse_code_number(&digits)
}

/// A code or subcode as people write it: optional minus sign, at most 12 digits.
pub fn parse_code_number(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}
