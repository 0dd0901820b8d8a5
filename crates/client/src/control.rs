//! A typed client for an instapub sandbox's control plane (`/_sandbox/...`, authorised by its
//! admin key): host files, stage accounts, tokens and faults, move the clock, read the request
//! log. What `instapub publish` uses to put local files where the sandbox can fetch them, and
//! what a test in any Rust code base can use against a sandbox in another process.

use std::time::Duration;

use serde_json::{json, Value};

use crate::graph::{decode, CallError};

/// The control plane of one sandbox.
pub struct Control {
    http: reqwest::Client,
    root: String,
    key: String,
}

impl Control {
    /// `base_url`: the sandbox's base URL, with or without a `/vNN.N` suffix.
    pub fn new(base_url: &str, admin_key: &str) -> Result<Control, CallError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(300))
            .build()
            .map_err(|e| CallError::Network(e.to_string()))?;
        Ok(Control {
            http,
            root: sandbox_root(base_url).to_owned(),
            key: admin_key.to_owned(),
        })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, CallError> {
        let mut req = self
            .http
            .request(method, format!("{}/_sandbox{path}", self.root))
            .bearer_auth(&self.key);
        if let Some(b) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.to_string());
        }
        let response = req
            .send()
            .await
            .map_err(|e| CallError::Network(e.to_string()))?;
        decode(response).await
    }

    /// Hosts `bytes` as `name` on the sandbox; returns the public URL it serves them at.
    pub async fn host_file(
        &self,
        name: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<String, CallError> {
        let response = self
            .http
            .put(format!("{}/_sandbox/files/{name}", self.root))
            .bearer_auth(&self.key)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes)
            .send()
            .await
            .map_err(|e| CallError::Network(e.to_string()))?;
        let v = decode(response).await?;
        string(&v, "url")
    }

    /// Creates an account; returns its id and a full-permission token.
    pub async fn create_account(&self, username: &str) -> Result<(String, String), CallError> {
        let v = self
            .call(
                reqwest::Method::POST,
                "/accounts",
                Some(json!({ "username": username })),
            )
            .await?;
        Ok((string(&v, "id")?, string(&v, "access_token")?))
    }

    /// Creates a token for an account with these permissions (expiring after `expires_in`
    /// seconds of virtual time, if given).
    pub async fn create_token(
        &self,
        user_id: &str,
        permissions: &[&str],
        expires_in: Option<i64>,
    ) -> Result<String, CallError> {
        let mut body = json!({ "user_id": user_id, "permissions": permissions });
        if let Some(s) = expires_in {
            body["expires_in"] = json!(s);
        }
        let v = self
            .call(reqwest::Method::POST, "/tokens", Some(body))
            .await?;
        string(&v, "access_token")
    }

    /// Adds a fault rule (`{match, error | network, times?, probability?, latency_ms?}`);
    /// returns its id.
    pub async fn add_fault(&self, rule: Value) -> Result<String, CallError> {
        let v = self
            .call(reqwest::Method::POST, "/faults", Some(rule))
            .await?;
        string(&v, "id")
    }

    /// Moves the virtual clock forward; returns the new virtual time (Unix seconds).
    pub async fn advance_clock(&self, seconds: u64) -> Result<i64, CallError> {
        let v = self
            .call(
                reqwest::Method::POST,
                "/clock/advance",
                Some(json!({ "seconds": seconds })),
            )
            .await?;
        v["now"]
            .as_i64()
            .ok_or_else(|| CallError::Decode(format!("no now in {v}")))
    }

    /// The recent Graph requests with their answers, oldest first.
    pub async fn requests(&self) -> Result<Vec<Value>, CallError> {
        let v = self.call(reqwest::Method::GET, "/requests", None).await?;
        Ok(v["data"].as_array().cloned().unwrap_or_default())
    }

    /// Subscribes an app to webhook fields and installs it on accounts, after the sandbox's
    /// verification request to `subscription.callback_url` (`POST
    /// /_sandbox/webhooks/subscriptions`: `{callback_url, fields?, verify_token?, login?,
    /// accounts?, app_id?, include_values?}`); the subscription as set.
    pub async fn subscribe_webhooks(&self, subscription: Value) -> Result<Value, CallError> {
        self.call(
            reqwest::Method::POST,
            "/webhooks/subscriptions",
            Some(subscription),
        )
        .await
    }

    /// Makes a webhook event happen (`{field, account?, media_id?, text?, username?}`); what
    /// was made (`field`, `account_id`, `media_id`, `comment_id`).
    pub async fn trigger_webhook(&self, trigger: Value) -> Result<Value, CallError> {
        self.call(reqwest::Method::POST, "/webhooks/trigger", Some(trigger))
            .await
    }

    /// The newest webhook deliveries, each with its attempts.
    pub async fn webhook_deliveries(&self) -> Result<Vec<Value>, CallError> {
        let v = self
            .call(reqwest::Method::GET, "/webhooks/deliveries", None)
            .await?;
        Ok(v["data"].as_array().cloned().unwrap_or_default())
    }

    /// The integration report (`GET /_sandbox/report`, schema `instapub.report/1`).
    pub async fn report(&self) -> Result<Value, CallError> {
        self.call(reqwest::Method::GET, "/report", None).await
    }

    /// Back to the first-start state.
    pub async fn reset(&self) -> Result<(), CallError> {
        self.call(reqwest::Method::POST, "/reset", None)
            .await
            .map(drop)
    }
}

/// The sandbox's root URL from a Graph base URL (`http://h:p/v25.0` -> `http://h:p`).
fn sandbox_root(base_url: &str) -> &str {
    let base = base_url.trim_end_matches('/');
    match base.rsplit_once('/') {
        Some((root, last)) if is_version(last) => root,
        _ => base,
    }
}

fn is_version(s: &str) -> bool {
    s.strip_prefix('v')
        .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

fn string(v: &Value, key: &str) -> Result<String, CallError> {
    v[key]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| CallError::Decode(format!("no {key} in {v}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_drops_a_version_suffix_only() {
        assert_eq!(
            sandbox_root("http://127.0.0.1:8000/v25.0/"),
            "http://127.0.0.1:8000"
        );
        assert_eq!(
            sandbox_root("http://127.0.0.1:8000"),
            "http://127.0.0.1:8000"
        );
        assert_eq!(
            sandbox_root("http://h/graph.facebook.com/v26"),
            "http://h/graph.facebook.com"
        );
        assert_eq!(sandbox_root("http://h/video"), "http://h/video");
    }
}
