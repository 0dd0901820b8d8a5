//! The request log behind `GET /_sandbox/requests`: the most recent Graph requests with their
//! answers, so a test can assert what its client actually sent.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;

/// How many requests are kept (the dashboard's inspector pages through them).
pub const CAPACITY: usize = 10_000;
/// Longest body kept per request or response.
const MAX_BODY: usize = 2048;

/// One logged exchange.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Logged {
    /// Sequence number, from 1.
    pub seq: u64,
    /// Virtual time, seconds.
    pub at: i64,
    pub method: String,
    pub path: String,
    /// The query string, with the values of secret parameters (`access_token`,
    /// `client_secret`, ...) masked to their first 6 and last 4 characters.
    pub query: Option<String>,
    /// The request body as text (lossy, truncated), secrets masked like `query`.
    pub body: String,
    pub status: u16,
    pub response: String,
    /// `(code, subcode)` when the answer was an error.
    pub error_code: Option<i64>,
    pub error_subcode: Option<i64>,
    /// What really happened when the sandbox knows more than the envelope says (a media
    /// fetch's HTTP status or refused connection, a blocked address).
    pub detail: Option<String>,
}

/// One exchange to record.
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    /// Virtual time, seconds.
    pub at: i64,
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub body: &'a [u8],
    pub status: u16,
    pub response: &'a [u8],
    /// `(code, subcode)` of an error answer the sandbox rendered.
    pub codes: Option<(i64, Option<i64>)>,
    pub detail: Option<&'a str>,
}

/// A bounded, thread-safe log. Watchers (the dashboard's live inspector) learn the newest
/// sequence number as it changes.
#[derive(Debug)]
pub struct RequestLog {
    inner: Mutex<(u64, VecDeque<Logged>)>,
    newest: tokio::sync::watch::Sender<u64>,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog {
            inner: Mutex::new((0, VecDeque::new())),
            newest: tokio::sync::watch::channel(0).0,
        }
    }
}

impl RequestLog {
    pub fn record(&self, x: Exchange<'_>) {
        let Exchange {
            at,
            method,
            path,
            query,
            body,
            status,
            response,
            codes,
            detail,
        } = x;
        // Error answers the sandbox rendered say their codes; others (the upload host's shape)
        // are parsed back; a success has none (this runs on every request).
        let (error_code, error_subcode) = match codes {
            Some((code, subcode)) => (Some(code), subcode),
            None if status >= 400 => {
                let parsed = instapub_errors::GraphError::parse(Some(status), response).ok();
                (
                    parsed.as_ref().and_then(|g| g.code),
                    parsed.as_ref().and_then(|g| g.subcode),
                )
            }
            None => (None, None),
        };
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.0 += 1;
        let entry = Logged {
            seq: guard.0,
            at,
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.map(mask_secrets),
            body: mask_owned(truncate(body)),
            status,
            response: mask_owned(truncate(response)),
            error_code,
            error_subcode,
            detail: detail.map(str::to_owned),
        };
        if guard.1.len() == CAPACITY {
            guard.1.pop_front();
        }
        let seq = entry.seq;
        guard.1.push_back(entry);
        drop(guard);
        self.newest.send_replace(seq);
    }

    /// Oldest first.
    pub fn recent(&self) -> Vec<Logged> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.1.iter().cloned().collect()
    }

    /// The entries after sequence number `seq`, oldest first.
    pub fn since(&self, seq: u64) -> Vec<Logged> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.1.iter().filter(|e| e.seq > seq).cloned().collect()
    }

    /// A receiver that sees the newest sequence number change.
    pub fn watch(&self) -> tokio::sync::watch::Receiver<u64> {
        self.newest.subscribe()
    }

    pub fn clear(&self) {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.1.clear();
    }
}

/// Parameters whose values are credentials.
const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "client_secret",
    "fb_exchange_token",
    "input_token",
    "refresh_token",
];

/// A credential as the log shows it: enough to tell two apart, not enough to use.
fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 12 {
        let head: String = chars.iter().take(2).collect();
        return format!("{head}…");
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// Masks secret parameters in a query string, a form body or a JSON object body; anything
/// else is returned as it is.
pub fn mask_secrets(text: &str) -> String {
    // Most requests (a Bearer header, no token in the query) take this early way out, on the
    // hot path.
    if !may_hold_secrets(text) {
        return text.to_owned();
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(trimmed) {
            mask_json(&mut v);
            return v.to_string();
        }
        return text.to_owned();
    }
    text.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if is_secret(k) => {
                let value: String = url::form_urlencoded::parse(format!("x={v}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                format!("{k}={}", mask(&value))
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn is_secret(key: &str) -> bool {
    SECRET_PARAMS.iter().any(|s| key.eq_ignore_ascii_case(s))
}

fn mask_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, value) in map.iter_mut() {
                match value {
                    serde_json::Value::String(s) if is_secret(k) => *s = mask(s),
                    other => mask_json(other),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_json),
        _ => {}
    }
}

/// [`mask_secrets`] of text already owned: unchanged text (nearly every request) is kept,
/// not copied again.
fn mask_owned(text: String) -> String {
    if may_hold_secrets(&text) {
        mask_secrets(&text)
    } else {
        text
    }
}

/// Every secret parameter's name ends in `token` or `secret`: text without either holds none.
fn may_hold_secrets(text: &str) -> bool {
    let has = |word: &[u8]| {
        text.as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    has(b"token") || has(b"secret")
}

fn truncate(bytes: &[u8]) -> String {
    let cut = bytes.get(..MAX_BODY).unwrap_or(bytes);
    String::from_utf8_lossy(cut).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_everywhere_they_travel() {
        let token = "EAAIabcdefghijklmnopqrstuvwxyz0123456789";
        let q = mask_secrets(&format!("fields=id&access_token={token}&x=1"));
        assert_eq!(q, "fields=id&access_token=EAAIab…6789&x=1");
        let j = mask_secrets(&format!(r#"{{"access_token":"{token}","caption":"hi"}}"#));
        assert!(j.contains("EAAIab…6789") && !j.contains(token), "{j}");
        assert_eq!(mask_secrets("client_secret=short"), "client_secret=sh…");
        assert_eq!(mask_secrets("caption=access_token"), "caption=access_token");
        assert_eq!(
            mask_secrets("ACCESS_TOKEN=EAAIabcdefghij1234"),
            "ACCESS_TOKEN=EAAIab…1234"
        );
        assert_eq!(mask_secrets("fields=id"), "fields=id");
        // Two tokens stay distinguishable.
        assert_ne!(
            mask_secrets("access_token=EAAIaaaaaaaaaaaaaaaaaaaaa1111"),
            mask_secrets("access_token=EAAIaaaaaaaaaaaaaaaaaaaaa2222")
        );
    }
}
