//! The request log behind `GET /_sandbox/requests`: the most recent Graph requests with their
//! answers, so a test can assert what its client actually sent.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;

/// How many requests are kept.
pub const CAPACITY: usize = 1000;
/// Longest body kept per request or response.
const MAX_BODY: usize = 4096;

/// One logged exchange.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Logged {
    /// Sequence number, from 1.
    pub seq: u64,
    /// Virtual time, seconds.
    pub at: i64,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// The request body as text (lossy, truncated); tokens are not masked.
    pub body: String,
    pub status: u16,
    pub response: String,
    /// `(code, subcode)` when the answer was an error.
    pub error_code: Option<i64>,
    pub error_subcode: Option<i64>,
}

/// A bounded, thread-safe log.
#[derive(Debug, Default)]
pub struct RequestLog {
    inner: Mutex<(u64, VecDeque<Logged>)>,
}

impl RequestLog {
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        at: i64,
        method: &str,
        path: &str,
        query: Option<&str>,
        body: &[u8],
        status: u16,
        response: &[u8],
    ) {
        let parsed = instapub_errors::GraphError::parse(Some(status), response).ok();
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.0 += 1;
        let entry = Logged {
            seq: guard.0,
            at,
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.map(str::to_owned),
            body: truncate(body),
            status,
            response: truncate(response),
            error_code: parsed.as_ref().and_then(|g| g.code),
            error_subcode: parsed.as_ref().and_then(|g| g.subcode),
        };
        if guard.1.len() == CAPACITY {
            guard.1.pop_front();
        }
        guard.1.push_back(entry);
    }

    /// Oldest first.
    pub fn recent(&self) -> Vec<Logged> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.1.iter().cloned().collect()
    }

    pub fn clear(&self) {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.1.clear();
    }
}

fn truncate(bytes: &[u8]) -> String {
    let cut = bytes.get(..MAX_BODY).unwrap_or(bytes);
    String::from_utf8_lossy(cut).into_owned()
}
