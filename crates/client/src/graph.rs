//! Low level: one typed method per Graph endpoint, against any base URL. Failures are
//! [`CallError`]s that keep the parsed Graph error and its classification, or say that the
//! outcome is unknown (the connection broke after the request may have been handled).

use std::sync::Mutex;
use std::time::Duration;

use instapub_errors::{Classification, GraphError};
use serde_json::Value;

/// A JSON answer, or the Graph error it carries (Graph and the sandbox's control plane answer
/// alike).
pub(crate) async fn decode(response: reqwest::Response) -> Result<Value, CallError> {
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| CallError::Network(e.to_string()))?;
    if (200..300).contains(&status) {
        return serde_json::from_slice(&body).map_err(|e| CallError::Decode(e.to_string()));
    }
    match GraphError::parse(Some(status), &body) {
        Ok(g) => Err(CallError::Graph(Box::new(g))),
        Err(e) => Err(CallError::Decode(format!("HTTP {status}: {e}"))),
    }
}

/// Meta's Graph host.
pub const GRAPH_FACEBOOK: &str = "https://graph.facebook.com";

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// Graph answered with an error envelope.
    #[error("{}", describe(.0))]
    Graph(Box<GraphError>),
    /// No usable answer arrived: the request may or may not have been handled.
    #[error("no answer from Graph ({0}); the request may have been handled")]
    Network(String),
    /// An answer arrived but is not what the endpoint returns.
    #[error("unexpected answer from Graph: {0}")]
    Decode(String),
}

/// `Graph error (code 190, subcode 463): Error validating access token: ...`
fn describe(g: &GraphError) -> String {
    let code = match (g.code, g.subcode) {
        (Some(c), Some(s)) => format!("code {c}, subcode {s}"),
        (Some(c), None) => format!("code {c}"),
        (None, Some(s)) => format!("subcode {s}"),
        (None, None) => "no code".to_owned(),
    };
    let text = g.message.as_deref().unwrap_or("no message");
    format!("Graph error ({code}): {text}")
}

impl CallError {
    /// The classification of a Graph error (`None` for network and decode failures).
    pub fn classification(&self) -> Option<Classification> {
        match self {
            CallError::Graph(g) => Some(g.classify()),
            _ => None,
        }
    }
}

/// What `GET /{container}?fields=status_code,status` answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerReport {
    pub status_code: String,
    pub status: Option<String>,
}

impl ContainerReport {
    /// The status in the catalog's vocabulary (`None` for a code Graph does not send).
    pub fn state(&self) -> Option<instapub_errors::ContainerStatus> {
        instapub_errors::ContainerStatus::read(&self.status_code, self.status.as_deref())
    }
}

/// `content_publishing_limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishingLimit {
    pub quota_usage: u64,
    pub quota_total: u64,
    pub quota_duration_s: u64,
}

/// The usage headers of the last answer, as percentages (100 = throttled).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub app_call_count: u64,
    pub account_call_count: u64,
    /// Minutes, from `X-Business-Use-Case-Usage`.
    pub estimated_time_to_regain_access: u64,
}

impl Usage {
    /// The highest of the percentages.
    pub fn highest(&self) -> u64 {
        self.app_call_count.max(self.account_call_count)
    }
}

/// Parses `X-App-Usage` and `X-Business-Use-Case-Usage` values.
pub fn parse_usage(app: Option<&str>, buc: Option<&str>) -> Usage {
    let mut u = Usage::default();
    if let Some(v) = app.and_then(|a| serde_json::from_str::<Value>(a).ok()) {
        u.app_call_count = v["call_count"].as_u64().unwrap_or(0);
    }
    if let Some(Value::Object(map)) = buc.and_then(|b| serde_json::from_str::<Value>(b).ok()) {
        for entries in map.values() {
            for e in entries.as_array().into_iter().flatten() {
                u.account_call_count = u
                    .account_call_count
                    .max(e["call_count"].as_u64().unwrap_or(0));
                u.estimated_time_to_regain_access = u
                    .estimated_time_to_regain_access
                    .max(e["estimated_time_to_regain_access"].as_u64().unwrap_or(0));
            }
        }
    }
    u
}

/// Parameters of `POST /{ig-user-id}/media`, sent as a form.
pub type Params = Vec<(String, String)>;

/// A Graph API client for one access token.
pub struct Graph {
    http: reqwest::Client,
    base: String,
    token: String,
    usage: Mutex<Usage>,
}

impl Graph {
    /// `base_url` like `https://graph.facebook.com/v25.0` or a sandbox's URL.
    pub fn new(base_url: &str, token: &str) -> Result<Graph, CallError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| CallError::Network(e.to_string()))?;
        Ok(Graph {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            usage: Mutex::new(Usage::default()),
        })
    }

    /// The usage headers of the last answer.
    pub fn usage(&self) -> Usage {
        *self.usage.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Value, CallError> {
        let response = req
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| CallError::Network(e.to_string()))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let usage = parse_usage(
            header("x-app-usage").as_deref(),
            header("x-business-use-case-usage").as_deref(),
        );
        *self.usage.lock().unwrap_or_else(|p| p.into_inner()) = usage;
        decode(response).await
    }

    fn id_of(v: &Value) -> Result<String, CallError> {
        v["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| CallError::Decode(format!("no id in {v}")))
    }

    /// `POST /{ig-user-id}/media`: the container id.
    pub async fn create_container(&self, user: &str, params: &Params) -> Result<String, CallError> {
        let v = self
            .send(
                self.http
                    .post(format!("{}/{user}/media", self.base))
                    .form(params),
            )
            .await?;
        Self::id_of(&v)
    }

    /// `GET /{container-id}?fields=status_code,status`.
    pub async fn container_status(&self, container: &str) -> Result<ContainerReport, CallError> {
        let v = self
            .send(
                self.http
                    .get(format!("{}/{container}", self.base))
                    .query(&[("fields", "status_code,status")]),
            )
            .await?;
        Ok(ContainerReport {
            status_code: v["status_code"]
                .as_str()
                .ok_or_else(|| CallError::Decode(format!("no status_code in {v}")))?
                .to_owned(),
            status: v["status"].as_str().map(str::to_owned),
        })
    }

    /// `POST /{ig-user-id}/media_publish`: the media id.
    pub async fn publish(&self, user: &str, creation_id: &str) -> Result<String, CallError> {
        let v = self
            .send(
                self.http
                    .post(format!("{}/{user}/media_publish", self.base))
                    .form(&[("creation_id", creation_id)]),
            )
            .await?;
        Self::id_of(&v)
    }

    /// `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config`.
    pub async fn publishing_limit(&self, user: &str) -> Result<PublishingLimit, CallError> {
        let v = self
            .send(
                self.http
                    .get(format!("{}/{user}/content_publishing_limit", self.base))
                    .query(&[("fields", "quota_usage,config")]),
            )
            .await?;
        let d = &v["data"][0];
        Ok(PublishingLimit {
            quota_usage: d["quota_usage"].as_u64().unwrap_or(0),
            quota_total: d["config"]["quota_total"]
                .as_u64()
                .ok_or_else(|| CallError::Decode(format!("no quota_total in {v}")))?,
            quota_duration_s: d["config"]["quota_duration"].as_u64().unwrap_or(86_400),
        })
    }

    /// `GET /{node}?fields=...`: any node, as JSON.
    pub async fn node(&self, id: &str, fields: &str) -> Result<Value, CallError> {
        self.send(
            self.http
                .get(format!("{}/{id}", self.base))
                .query(&[("fields", fields)]),
        )
        .await
    }

    /// `GET /{ig-user-id}/media?fields=...`: the account's media, newest first.
    pub async fn user_media(&self, user: &str, fields: &str) -> Result<Vec<Value>, CallError> {
        let v = self
            .send(
                self.http
                    .get(format!("{}/{user}/media", self.base))
                    .query(&[("fields", fields)]),
            )
            .await?;
        Ok(v["data"].as_array().cloned().unwrap_or_default())
    }
}

impl Graph {
    /// `content_publishing_limit` usage counted after `since` (Unix seconds).
    pub async fn publishing_usage_since(&self, user: &str, since: u64) -> Result<u64, CallError> {
        let v = self
            .send(
                self.http
                    .get(format!("{}/{user}/content_publishing_limit", self.base))
                    .query(&[
                        ("fields", "quota_usage".to_owned()),
                        ("since", since.to_string()),
                    ]),
            )
            .await?;
        Ok(v["data"][0]["quota_usage"].as_u64().unwrap_or(0))
    }

    /// `GET /{ig-user-id}/available_catalogs`.
    pub async fn available_catalogs(&self, user: &str) -> Result<Vec<Value>, CallError> {
        let v = self
            .send(
                self.http
                    .get(format!("{}/{user}/available_catalogs", self.base)),
            )
            .await?;
        Ok(v["data"].as_array().cloned().unwrap_or_default())
    }

    /// `GET /{ig-user-id}/catalog_product_search?catalog_id=&q=`.
    pub async fn catalog_product_search(
        &self,
        user: &str,
        catalog_id: &str,
        q: Option<&str>,
    ) -> Result<Vec<Value>, CallError> {
        let mut query = vec![("catalog_id", catalog_id)];
        if let Some(q) = q {
            query.push(("q", q));
        }
        let v = self
            .send(
                self.http
                    .get(format!("{}/{user}/catalog_product_search", self.base))
                    .query(&query),
            )
            .await?;
        Ok(v["data"].as_array().cloned().unwrap_or_default())
    }

    /// `GET /ig_audio` with the given parameters: the `audio` list (search or ads discovery).
    pub async fn ig_audio(&self, params: &[(&str, &str)]) -> Result<Vec<Value>, CallError> {
        let v = self
            .send(
                self.http
                    .get(format!("{}/ig_audio", self.base))
                    .query(params),
            )
            .await?;
        Ok(v["audio"].as_array().cloned().unwrap_or_default())
    }

    /// `POST /{ig-user-id}/media` with `upload_type=resumable`: the container id and the
    /// upload URI.
    pub async fn create_resumable(
        &self,
        user: &str,
        params: &Params,
    ) -> Result<(String, String), CallError> {
        let mut p = params.clone();
        p.push(("upload_type".into(), "resumable".into()));
        let v = self
            .send(
                self.http
                    .post(format!("{}/{user}/media", self.base))
                    .form(&p),
            )
            .await?;
        let uri = v["uri"]
            .as_str()
            .ok_or_else(|| CallError::Decode(format!("no uri in {v}")))?
            .to_owned();
        Ok((Self::id_of(&v)?, uri))
    }

    /// Sends bytes to a resumable upload URI, starting at `offset` of a `file_size` file.
    pub async fn upload(
        &self,
        uri: &str,
        bytes: Vec<u8>,
        offset: u64,
        file_size: u64,
    ) -> Result<(), CallError> {
        let req = self
            .http
            .post(uri)
            .header("Authorization", format!("OAuth {}", self.token))
            .header("offset", offset.to_string())
            .header("file_size", file_size.to_string())
            .body(bytes);
        let response = req
            .send()
            .await
            .map_err(|e| CallError::Network(e.to_string()))?;
        decode(response).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn usage_headers() {
        let u = super::parse_usage(
            Some(r#"{"call_count":28,"total_time":25,"total_cputime":25}"#),
            Some(
                r#"{"178":[{"type":"instagram","call_count":91,"estimated_time_to_regain_access":3}]}"#,
            ),
        );
        assert_eq!(
            (
                u.app_call_count,
                u.account_call_count,
                u.estimated_time_to_regain_access
            ),
            (28, 91, 3)
        );
        assert_eq!(u.highest(), 91);
        assert_eq!(
            super::parse_usage(Some("garbage"), None),
            super::Usage::default()
        );
    }
}
