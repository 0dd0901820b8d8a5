//! Errors in plain text: the one-line renderings SDKs and apps log (Koala's `ClientError`,
//! python-facebook's `FacebookError(...)`, PHP's `print_r`, chatwoot's `190 - message`,
//! instafeed.js's `api request error: 190 ...`, "Graph returned an error: ..."), container
//! status text, the `WWW-Authenticate` header, and the HTTP status a log line names.
//!
//! Every pattern is a `regex` (linear time in the input, whatever it holds).

use std::sync::LazyLock;

use regex::Regex;

use super::found::{Evidence, Fields, Shape, WwwAuthenticate};
use crate::parse::parse_status_text;

fn re(pattern: &str) -> Regex {
    // The patterns are constants of this file; the unit tests compile each one.
    Regex::new(pattern).unwrap_or_else(|e| panic!("pattern {pattern:?}: {e}"))
}

/// `key: value`, `key=value`, `key => value`, `[key] => value`, `"key": value` for the
/// fields of a Graph error, in the spellings SDKs use. Case matters: the Python SDK's
/// `Message: Call was not successful` is its own text, not Graph's `message`.
static KEY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:^|[\s(,\[{;|])\[?["']?(error_subcode|subErrorCode|error_user_title|error_user_msg|fbtrace_id|x-fb-trace-id|is_transient|errorMessage|errorCode|errorType|error_message|error_type|error_code|message|code|type|subcode|sub|trace)["']?\]?[ \t]*(?:=>|:|=)[ \t]*"#,
    )
});

/// The HTTP status, in the ways logs and exception texts say it.
static STATUS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)(?:\bHTTP/\d(?:\.\d)?\s+|\[HTTP\s+|\bHTTP\s+|\bstatus(?:\s+code)?\s*[:=]?\s*'?|StatusCodeError:\s*|\(status\s+|\bstatus_code=|\bhttpCode"?\s*:\s*"?|\bstatusCode"?\s*:\s*|\bHttpStatus:\s*|\berror\s+|failed\s+\(|`)([2-5]\d\d)\b|\b([2-5]\d\d)\s+(?:Bad Request|Forbidden|Unauthorized|Not Found|Internal Server Error|Service Unavailable|Too Many Requests)\b|\b([2-5]\d\d)\s+-\s*$"#,
    )
});

static WWW_AUTHENTICATE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"OAuth \\*"Facebook Platform\\*" \\*"(\w+)\\*" \\*"([^\n]*)"#));

static GRAPH_RETURNED: LazyLock<Regex> = LazyLock::new(|| re(r"Graph returned an error: ([^\n]+)"));
static API_REQUEST_ERROR: LazyLock<Regex> =
    LazyLock::new(|| re(r"api request error: (-?\d{1,7}) ([^\n]+)"));
static CODE_DASH: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?m)(?:^\s*|["'>]\s*)(-?\d{1,7}) - ([^\s{\["'][^\n"]*)"#));
static ERROR_COMMA: LazyLock<Regex> = LazyLock::new(|| re(r"Error: (-?\d{1,7}), ([^\n'\x22]+)"));
static LEGACY_PY: LazyLock<Regex> = LazyLock::new(|| re(r"\((\d{3})\) (\w+Exception)-([^\n]+)"));
static CODE_PREFIX: LazyLock<Regex> = LazyLock::new(|| re(r"\(#(-?\d{1,7})\) ?([^\n]*)"));

/// The last HTTP status `text` names.
pub fn http_status(text: &str) -> Option<Evidence> {
    STATUS.captures_iter(text).last().and_then(|c| {
        let n = c.get(1).or(c.get(2)).or(c.get(3))?;
        Some(Evidence {
            value: n.as_str().parse().ok()?,
            from: c.get(0)?.as_str().trim().trim_matches('`').to_owned(),
        })
    })
}

/// The first HTTP status `text` names.
pub fn http_status_first(text: &str) -> Option<Evidence> {
    STATUS.captures_iter(text).next().and_then(|c| {
        let n = c.get(1).or(c.get(2)).or(c.get(3))?;
        Some(Evidence {
            value: n.as_str().parse().ok()?,
            from: c.get(0)?.as_str().trim().trim_matches('`').to_owned(),
        })
    })
}

/// A `WWW-Authenticate: OAuth "Facebook Platform" "<class>" "<message>"` header.
pub fn www_authenticate(text: &str) -> Option<WwwAuthenticate> {
    let c = WWW_AUTHENTICATE.captures(text)?;
    let message = c.get(2)?.as_str();
    // The message ends at its closing quote: `\"` when the header was logged inside JSON.
    let escaped = c.get(0)?.as_str().contains("\\\"");
    let end = if escaped {
        message.find("\\\"")
    } else {
        message.find('"')
    };
    let message = message[..end.unwrap_or(message.len())]
        .trim_end_matches(['"', '\\', ']', ',', ' ', '\''])
        .replace("\\\"", "\"")
        .replace("\\\\", "\\");
    Some(WwwAuthenticate {
        class: c.get(1)?.as_str().to_owned(),
        message,
    })
}

/// One error read from plain text, with the shape it had.
pub struct TextError {
    pub shape: Shape,
    pub fields: Fields,
    pub start: usize,
    pub end: usize,
}

/// Every error `text` holds outside object notation, in order.
pub fn errors(text: &str) -> Vec<TextError> {
    let mut out = Vec::new();
    if let Some(f) = key_values(text) {
        out.push(f);
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if out.iter().any(|e| e.start <= start && start < e.end) {
            continue;
        }
        if let Some(e) = line_error(line) {
            out.push(TextError {
                start,
                end: offset,
                ..e
            });
        }
    }
    out.sort_by_key(|e| e.start);
    out
}

/// A value as written, without what surrounded it: Koala's " [HTTP 400]", separators, quotes,
/// and closing brackets that close something opened before the value.
fn clean(value: &str) -> String {
    let mut v = value;
    if let Some(at) = v.find(" [HTTP ") {
        v = &v[..at];
    }
    let mut v = v.trim();
    loop {
        let before = v.len();
        v = v.trim_end_matches([',', ';', '\'', '"', ' ']);
        for (open, close) in [('(', ')'), ('[', ']'), ('{', '}')] {
            if v.ends_with(close) && v.matches(close).count() > v.matches(open).count() {
                v = &v[..v.len() - 1];
            }
        }
        if v.len() == before {
            break;
        }
    }
    v.replace("\\/", "/")
}

/// A run of `key: value` pairs naming a code, or a message with its type.
fn key_values(text: &str) -> Option<TextError> {
    let keys: Vec<_> = KEY.captures_iter(text).collect();
    if keys.is_empty() {
        return None;
    }
    let mut f = Fields::default();
    let mut first = usize::MAX;
    let mut last = 0;
    for (i, c) in keys.iter().enumerate() {
        let (Some(whole), Some(name)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let value_start = whole.end();
        let next = keys
            .get(i + 1)
            .and_then(|n| n.get(0))
            .map_or(text.len(), |m| m.start());
        let raw = &text[value_start..next.max(value_start)];
        let raw = raw.split('\n').next().unwrap_or("");
        let value = match raw.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = &raw[1..];
                match inner.find(q) {
                    Some(end) => inner[..end].to_owned(),
                    None => clean(inner),
                }
            }
            _ => clean(raw),
        };
        if value.is_empty() {
            continue;
        }
        first = first.min(whole.start());
        last = last.max(value_start + raw.len());
        match name.as_str() {
            "message" | "errorMessage" | "error_message" => {
                f.message.get_or_insert(value);
            }
            "type" | "errorType" | "error_type" => f.error_type = Some(value),
            "code" | "errorCode" | "error_code" => {
                if let Ok(n) = value.parse() {
                    f.code = Some(n);
                }
            }
            "error_subcode" | "subErrorCode" | "subcode" | "sub" => {
                if let Ok(n) = value.parse() {
                    f.subcode = Some(n);
                }
            }
            "fbtrace_id" | "x-fb-trace-id" | "trace" => f.fbtrace_id = Some(value),
            "error_user_title" => f.user_title = Some(value),
            "error_user_msg" => f.user_msg = Some(value),
            "is_transient" => f.is_transient = value.parse().ok(),
            _ => {}
        }
    }
    let enough = f.code.is_some() || (f.message.is_some() && f.error_type.is_some());
    enough.then_some(TextError {
        shape: Shape::Fields,
        fields: f,
        start: first,
        end: last,
    })
}

/// The one-line renderings: a status text, "Graph returned an error", "190 - ...", "(#100) ...".
fn line_error(line: &str) -> Option<TextError> {
    let make = |shape, code: Option<i64>, message: Option<String>, subcode| {
        Some(TextError {
            shape,
            fields: Fields {
                code,
                subcode,
                message,
                ..Fields::default()
            },
            start: 0,
            end: 0,
        })
    };
    if line.to_ascii_lowercase().contains("error code") {
        if let Some(sub) = parse_status_text(line.trim_end_matches(['\n', '\r', '`', '"', '\''])) {
            let status = line
                .find("Error:")
                .map(|at| clean(&line[at..]))
                .unwrap_or_else(|| clean(line));
            let shape = if line.contains("status_code") {
                Shape::ContainerStatus
            } else {
                Shape::StatusText
            };
            return make(shape, None, Some(status), Some(sub));
        }
    }
    if let Some(c) = GRAPH_RETURNED.captures(line) {
        let message = clean(c.get(1)?.as_str());
        let code = CODE_PREFIX
            .captures(&message)
            .and_then(|p| p.get(1)?.as_str().parse().ok());
        return make(Shape::Message, code, Some(message), None);
    }
    for pattern in [&*API_REQUEST_ERROR, &*ERROR_COMMA, &*CODE_DASH] {
        if let Some(c) = pattern.captures(line) {
            let code = c.get(1)?.as_str().parse().ok();
            let message = clean(c.get(2)?.as_str());
            return make(Shape::Message, code, Some(message), None);
        }
    }
    if let Some(c) = LEGACY_PY.captures(line) {
        return Some(TextError {
            shape: Shape::Fields,
            fields: Fields {
                code: c.get(1)?.as_str().parse().ok(),
                error_type: Some(c.get(2)?.as_str().to_owned()),
                message: Some(clean(c.get(3)?.as_str())),
                ..Fields::default()
            },
            start: 0,
            end: 0,
        });
    }
    if let Some(c) = CODE_PREFIX.captures(line) {
        let message = clean(&line[c.get(0)?.start()..]);
        let code = c.get(1)?.as_str().parse().ok();
        return make(Shape::Message, code, Some(message), None);
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for r in [
            &*KEY,
            &*STATUS,
            &*WWW_AUTHENTICATE,
            &*GRAPH_RETURNED,
            &*API_REQUEST_ERROR,
            &*CODE_DASH,
            &*ERROR_COMMA,
            &*LEGACY_PY,
            &*CODE_PREFIX,
        ] {
            assert!(!r.as_str().is_empty());
        }
    }

    #[test]
    fn statuses_as_logs_write_them() {
        for (text, status) in [
            ("StatusCodeError: 403 - ", 403),
            ("resulted in a `400 Bad Request` response:", 400),
            ("Status:  500\n  Response:\n", 500),
            ("Failed to send message (status 403). Response: ", 403),
            ("HTTP/1.1 500 Internal Server Error\r\n", 500),
            ("[HTTP 400])", 400),
            ("400 - ", 400),
            ("failed with status code '400' and", 400),
            ("Meta API error 403: ", 403),
        ] {
            assert_eq!(http_status(text).map(|e| e.value), Some(status), "{text}");
        }
        assert_eq!(http_status("id 18066122755137560 code 100"), None);
    }

    #[test]
    fn www_authenticate_as_sent_and_as_logged_inside_json() {
        let w = www_authenticate(
            "WWW-Authenticate: OAuth \"Facebook Platform\" \"invalid_token\" \"Malformed access token ACCESS_TOKEN\"\nPragma: no-cache",
        )
        .unwrap();
        assert_eq!(w.class, "invalid_token");
        assert_eq!(w.message, "Malformed access token ACCESS_TOKEN");
        let w = www_authenticate(
            r#"{"WWW-Authenticate":["OAuth \"Facebook Platform\" \"invalid_request\" \"Unsupported get request.\""],"status":["400"]}"#,
        )
        .unwrap();
        assert_eq!(w.class, "invalid_request");
        assert_eq!(w.message, "Unsupported get request.");
    }
}
