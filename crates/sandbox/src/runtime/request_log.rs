//! The request log behind `GET /_sandbox/requests`: the most recent Graph requests with their
//! answers, so a test can assert what its client actually sent.

use std::collections::VecDeque;
use std::sync::Mutex;

use bytes::Bytes;
use serde::Serialize;

/// How many requests are kept (the dashboard's inspector pages through them).
pub const CAPACITY: usize = 10_000;
/// Longest body kept per request or response.
const MAX_BODY: usize = 2048;
/// Longest path and query kept per request: a log of 10,000 entries of 32 KiB URIs held 348
/// MiB; cut at this, it stays under 100 MiB whatever clients send.
pub const MAX_TARGET: usize = 2048;
/// The largest buffer an entry passes on to the next (longer paths are rare).
const REUSE: usize = 4096;

/// One logged exchange.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
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

/// One exchange to record: cheap handles, taken on the request path.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    /// Virtual time, seconds.
    pub at: i64,
    pub method: &'a axum::http::Method,
    pub uri: &'a axum::http::Uri,
    pub body: &'a Bytes,
    pub status: u16,
    /// The whole response body (shared, not copied, when it is short).
    pub response: &'a Bytes,
    /// `(code, subcode)` of an error answer the sandbox rendered.
    pub codes: Option<(i64, Option<i64>)>,
    pub detail: Option<String>,
}

/// Reads a finished response whole, records it with its request in `log` and gives it back in
/// pieces: what every surface's answer goes through on its way out (and each operation of a
/// batch, which is logged as a call of its own).
pub async fn record_response(
    log: &RequestLog,
    at: i64,
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    body: &Bytes,
    response: axum::response::Response,
) -> (axum::http::response::Parts, Bytes, u64) {
    let (mut head, resp_body) = response.into_parts();
    // Graph answers are small JSON documents; a limit guards against surprises.
    let bytes = axum::body::to_bytes(resp_body, 4 * 1024 * 1024)
        .await
        .unwrap_or_default();
    // Only the log reads this; take it rather than copy its text.
    let answered = head.extensions.remove::<crate::error::Answered>();
    let seq = log.record(Exchange {
        at,
        method,
        uri,
        body,
        status: head.status.as_u16(),
        response: &bytes,
        codes: answered.as_ref().map(|a| (a.code, a.subcode)),
        detail: answered.and_then(|a| a.detail),
    });
    (head, bytes, seq)
}

/// What the log keeps of an exchange: the raw pieces, bounded. Turning them into a [`Logged`]
/// (text, masked secrets, error codes parsed back) waits until somebody reads the log, so a
/// request pays for a copy of its path and short body and nothing else (issue 18's profile
/// put logging, masking and copies included, at about 6% of a status read).
#[derive(Debug)]
struct Entry {
    seq: u64,
    at: i64,
    method: axum::http::Method,
    /// Path and query, copied (a `Uri` may share the connection's whole read buffer).
    target: String,
    /// At most [`MAX_BODY`] bytes of the request body.
    body: Vec<u8>,
    /// Whether the target and the body were cut to their limits.
    cut: (bool, bool),
    status: u16,
    response: Bytes,
    codes: Option<(i64, Option<i64>)>,
    detail: Option<Box<str>>,
}

impl Entry {
    fn logged(&self) -> Logged {
        let (path, query) = match self.target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (&*self.target, None),
        };
        // A cut may fall inside a secret (a token, a URL's password) that the masks below would
        // not recognise half-written: the cut-off last parameter is left out.
        let query = query.map(|q| if self.cut.0 { whole_parameters(q) } else { q });
        let body = text(&self.body);
        let body = if self.cut.1 {
            whole_parameters(&body).to_owned()
        } else {
            body
        };
        // Error answers the sandbox rendered say their codes; others (the upload host's shape)
        // are parsed back; a success has none.
        let (error_code, error_subcode) = match self.codes {
            Some((code, subcode)) => (Some(code), subcode),
            None if self.status >= 400 => {
                let parsed =
                    instapub_errors::GraphError::parse(Some(self.status), &self.response).ok();
                (
                    parsed.as_ref().and_then(|g| g.code),
                    parsed.as_ref().and_then(|g| g.subcode),
                )
            }
            None => (None, None),
        };
        Logged {
            seq: self.seq,
            at: self.at,
            method: self.method.as_str().to_owned(),
            path: path.to_owned(),
            query: query.map(mask_secrets),
            body: mask_owned(body),
            status: self.status,
            response: mask_owned(text(&self.response)),
            error_code,
            error_subcode,
            detail: self
                .detail
                .as_deref()
                .map(|d| redact_userinfo(d).into_owned()),
        }
    }
}

/// At most [`MAX_BODY`] bytes of a response the sandbox wrote: shared when it is that short,
/// else a copy of its start (a slice would keep the whole buffer alive).
fn bounded(bytes: &Bytes) -> Bytes {
    if bytes.len() <= MAX_BODY {
        bytes.clone()
    } else {
        Bytes::copy_from_slice(&bytes[..MAX_BODY])
    }
}

/// A bounded, thread-safe log. Watchers (the dashboard's live inspector) learn the newest
/// sequence number as it changes.
#[derive(Debug)]
pub struct RequestLog {
    inner: Mutex<(u64, VecDeque<Entry>)>,
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
    /// Records an exchange; its sequence number.
    pub fn record(&self, x: Exchange<'_>) -> u64 {
        let target = x
            .uri
            .path_and_query()
            .map_or_else(|| x.uri.path(), |pq| pq.as_str());
        let cut = (target.len() > MAX_TARGET, x.body.len() > MAX_BODY);
        let target = prefix(target, MAX_TARGET);
        // Copied: a request body may share a connection's buffer.
        let body = x.body.get(..MAX_BODY).unwrap_or(x.body);
        let response = bounded(x.response);
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.0 += 1;
        let seq = guard.0;
        // A full log hands its oldest entry's buffers to the newest: no allocation or free per
        // request once it is full (a buffer grown past REUSE is let go instead).
        let reused = if guard.1.len() == CAPACITY {
            guard.1.pop_front().map(|old| (old.target, old.body))
        } else {
            None
        };
        let (mut path_buf, mut body_buf) = reused.unwrap_or_default();
        if path_buf.capacity() > REUSE {
            path_buf = String::new();
        }
        if body_buf.capacity() > REUSE {
            body_buf = Vec::new();
        }
        path_buf.clear();
        path_buf.push_str(target);
        body_buf.clear();
        body_buf.extend_from_slice(body);
        guard.1.push_back(Entry {
            seq,
            at: x.at,
            method: x.method.clone(),
            target: path_buf,
            body: body_buf,
            cut,
            status: x.status,
            response,
            codes: x.codes,
            detail: x.detail.map(String::into_boxed_str),
        });
        drop(guard);
        // Waking watchers costs a lock even when there are none; `watch` catches up.
        if self.newest.receiver_count() > 0 {
            self.newest.send_replace(seq);
        }
        seq
    }

    /// Oldest first.
    pub fn recent(&self) -> Vec<Logged> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.1.iter().map(Entry::logged).collect()
    }

    /// The entries after sequence number `seq`, oldest first.
    pub fn since(&self, seq: u64) -> Vec<Logged> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        // Sequence numbers are consecutive: skip straight to the first one wanted.
        let first = guard.1.front().map_or(0, |e| e.seq);
        let skip =
            usize::try_from(seq.saturating_add(1).saturating_sub(first)).unwrap_or(usize::MAX);
        guard.1.iter().skip(skip).map(Entry::logged).collect()
    }

    /// A receiver that sees the newest sequence number change.
    pub fn watch(&self) -> tokio::sync::watch::Receiver<u64> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        // `record` skips the update while nobody watches: bring it up to date first (under
        // the lock, so no record slips between this and the subscription).
        self.newest.send_replace(guard.0);
        let rx = self.newest.subscribe();
        drop(guard);
        rx
    }

    pub fn clear(&self) {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.1.clear();
    }
}

/// Parameters whose values are credentials (an OAuth `code` is exchanged for a token).
const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "client_secret",
    "fb_exchange_token",
    "input_token",
    "refresh_token",
    "code",
    "appsecret_proof",
];

/// A cut text up to its last whole parameter (before the last `&` of a query or form, or the
/// last `,` of JSON); with a single parameter, its name without the value; text that is not
/// parameters at all as it is.
fn whole_parameters(text: &str) -> &str {
    match (text.rfind(['&', ',']), text.find(['=', ':'])) {
        (Some(i), _) => &text[..i],
        (None, Some(i)) => &text[..=i],
        (None, None) => text,
    }
}

/// The longest start of `text` of at most `max` bytes that ends on a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `text` with the user and password of every URL in it (`http://user:pass@host/`) replaced
/// by `***`: media URLs may carry credentials, and the log and stderr must not.
pub fn redact_userinfo(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("://") || !text.contains('@') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#' | '&' | '"' | '\'') || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                out.push_str("***");
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out.into()
}

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
    let decoded = |v: &str| -> String {
        url::form_urlencoded::parse(format!("x={v}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    text.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if is_secret(k) => format!("{k}={}", mask(&decoded(v))),
            Some((k, v)) => {
                let value = decoded(v);
                match redact_userinfo(&value) {
                    std::borrow::Cow::Owned(clean) => format!(
                        "{k}={}",
                        url::form_urlencoded::byte_serialize(clean.as_bytes()).collect::<String>()
                    ),
                    std::borrow::Cow::Borrowed(_) => pair.to_owned(),
                }
            }
            None => pair.to_owned(),
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
                    serde_json::Value::String(s) => {
                        if let std::borrow::Cow::Owned(clean) = redact_userinfo(s) {
                            *s = clean;
                        }
                    }
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

/// Every secret parameter's name contains `token`, `secret`, `code` or `proof`, and a URL's
/// credentials come before an `@`: text without any of them holds none.
fn may_hold_secrets(text: &str) -> bool {
    let has = |word: &[u8]| {
        text.as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    has(b"token") || has(b"secret") || has(b"code") || has(b"proof") || text.contains('@')
}

/// Logged bytes as text (lossy).
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn record(log: &RequestLog, target: &str, body: &str, status: u16, response: Bytes) {
        let uri: axum::http::Uri = target.parse().unwrap();
        let _ = log.record(Exchange {
            at: 7,
            method: &axum::http::Method::POST,
            uri: &uri,
            body: &Bytes::copy_from_slice(body.as_bytes()),
            status,
            response: &response,
            codes: None,
            detail: None,
        });
    }

    #[test]
    fn entries_are_rendered_when_read_masked_bounded_and_with_their_codes() {
        let log = RequestLog::default();
        let token = "EAAIabcdefghijklmnopqrstuvwxyz0123456789";
        record(
            &log,
            &format!("/v25.0/1/media?access_token={token}&x=1"),
            &format!("caption=hi&access_token={token}"),
            200,
            Bytes::from(format!(r#"{{"id":"{}"}}"#, "9".repeat(5000))),
        );
        record(
            &log,
            "/v25.0/2",
            "",
            400,
            Bytes::from_static(br#"{"error":{"message":"m","type":"OAuthException","code":100,"error_subcode":33,"fbtrace_id":"A"}}"#),
        );
        let all = log.recent();
        assert_eq!(all.len(), 2);
        let first = &all[0];
        assert_eq!((first.seq, first.at, first.method.as_str()), (1, 7, "POST"));
        assert_eq!(first.path, "/v25.0/1/media");
        assert_eq!(first.query.as_deref(), Some("access_token=EAAIab…6789&x=1"));
        assert_eq!(first.body, "caption=hi&access_token=EAAIab…6789");
        assert_eq!(first.response.len(), MAX_BODY);
        assert_eq!((first.error_code, first.error_subcode), (None, None));
        assert_eq!(
            (all[1].error_code, all[1].error_subcode),
            (Some(100), Some(33))
        );
        assert_eq!(all[1].query, None);
        // `since` gives what came after a sequence number, also across a clear.
        assert_eq!(log.since(1).iter().map(|e| e.seq).collect::<Vec<_>>(), [2]);
        assert_eq!(log.since(0).len(), 2);
        assert!(log.since(2).is_empty());
        log.clear();
        record(&log, "/v25.0/3", "", 200, Bytes::new());
        assert_eq!(log.since(0).iter().map(|e| e.seq).collect::<Vec<_>>(), [3]);
        assert_eq!(log.since(1).iter().map(|e| e.seq).collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn the_log_keeps_its_capacity_and_a_late_watcher_sees_the_newest_number() {
        let log = RequestLog::default();
        for i in 0..CAPACITY + 5 {
            // Buffers passed on from entry to entry must not carry anything over.
            let body = "x".repeat(if i % 2 == 0 { 3 } else { 9000 });
            record(&log, &format!("/v25.0/{i}?q={i}"), &body, 200, Bytes::new());
        }
        let all = log.recent();
        assert_eq!(all.len(), CAPACITY);
        assert_eq!(all[0].seq, 6);
        let last = &all[CAPACITY - 1];
        let i = CAPACITY + 4;
        assert_eq!(last.path, format!("/v25.0/{i}"));
        assert_eq!(last.query, Some(format!("q={i}")));
        assert_eq!(last.body, "x".repeat(3));
        assert_eq!(all[CAPACITY - 2].body.len(), MAX_BODY);
        let mut rx = log.watch();
        assert_eq!(*rx.borrow_and_update(), (CAPACITY + 5) as u64);
        record(&log, "/v25.0/1", "", 200, Bytes::new());
        assert!(rx.has_changed().unwrap());
        assert_eq!(*rx.borrow_and_update(), (CAPACITY + 6) as u64);
    }

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
