//! Logging in, both ways into the API: the consent URL, the code exchange, the long-lived
//! token, and finding the Instagram account to publish to.
//!
//! - **Facebook Login for Business**: `www.facebook.com/{version}/dialog/oauth` ->
//!   `graph.facebook.com/oauth/access_token` (code, then `fb_exchange_token`) ->
//!   `/me/accounts` for the Pages and their `instagram_business_account`.
//! - **Instagram API with Instagram Login**: `www.instagram.com/oauth/authorize` ->
//!   `POST api.instagram.com/oauth/access_token` (form) -> `graph.instagram.com/access_token`
//!   (`ig_exchange_token`) -> `graph.instagram.com/me`.
//!
//! [`Hosts`] says where each Meta host is: the real ones, or a sandbox's
//! (`{base}/graph.facebook.com/...`).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::graph::{decode, CallError};

/// The Graph API version the login calls use.
pub const VERSION: &str = "v25.0";

/// Which way into the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    /// Facebook Login for Business (graph.facebook.com).
    Facebook,
    /// Instagram API with Instagram Login (graph.instagram.com).
    Instagram,
}

impl Way {
    /// The scopes a publishing app asks for.
    pub fn publishing_scopes(self) -> &'static [&'static str] {
        match self {
            Way::Facebook => &[
                "instagram_basic",
                "instagram_content_publish",
                "pages_show_list",
                "pages_read_engagement",
                "business_management",
            ],
            Way::Instagram => &[
                "instagram_business_basic",
                "instagram_business_content_publish",
            ],
        }
    }

    /// The Graph host publishing calls go to with this way's tokens.
    pub fn graph_host(self) -> &'static str {
        match self {
            Way::Facebook => "graph.facebook.com",
            Way::Instagram => "graph.instagram.com",
        }
    }
}

/// Where Meta's hosts are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hosts {
    /// `https://HOST`.
    Meta,
    /// A sandbox: `{base}/HOST`.
    Sandbox(String),
}

impl Hosts {
    /// The base URL of a host (`graph.facebook.com` -> `https://graph.facebook.com`).
    pub fn url(&self, host: &str) -> String {
        match self {
            Hosts::Meta => format!("https://{host}"),
            Hosts::Sandbox(base) => format!("{}/{host}", base.trim_end_matches('/')),
        }
    }
}

/// An app's credentials and the redirect URI its login uses.
#[derive(Debug, Clone)]
pub struct App {
    pub id: String,
    pub secret: String,
    pub redirect_uri: String,
}

/// A long-lived token and who it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub way: Way,
    pub access_token: String,
    /// Unix seconds.
    pub expires_at: Option<u64>,
    /// The Instagram account to publish as (the first one found).
    pub ig_user_id: String,
    pub username: Option<String>,
    /// Where publishing calls go (`.../v25.0` on the way's Graph host).
    pub graph_base: String,
}

/// The login flows.
pub struct Login {
    http: reqwest::Client,
    hosts: Hosts,
    app: App,
    way: Way,
}

impl Login {
    pub fn new(hosts: Hosts, app: App, way: Way) -> Result<Login, CallError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| CallError::Network(e.to_string()))?;
        Ok(Login {
            http,
            hosts,
            app,
            way,
        })
    }

    /// The consent page to send the person to.
    pub fn consent_url(&self, scopes: &[&str], state: &str) -> String {
        let (base, path) = match self.way {
            Way::Facebook => (
                self.hosts.url("www.facebook.com"),
                format!("/{VERSION}/dialog/oauth"),
            ),
            Way::Instagram => (
                self.hosts.url("www.instagram.com"),
                "/oauth/authorize".to_owned(),
            ),
        };
        let mut url = format!("{base}{path}?");
        url.push_str(
            &url::form_urlencoded::Serializer::new(String::new())
                .append_pair("client_id", &self.app.id)
                .append_pair("redirect_uri", &self.app.redirect_uri)
                .append_pair("response_type", "code")
                .append_pair("scope", &scopes.join(","))
                .append_pair("state", state)
                .finish(),
        );
        url
    }

    async fn get(&self, url: String, query: &[(&str, &str)]) -> Result<Value, CallError> {
        let response = self
            .http
            .get(url)
            .query(query)
            .send()
            .await
            .map_err(|e| CallError::Network(e.to_string()))?;
        decode(response).await
    }

    /// The whole exchange after the redirect: code -> token -> long-lived token -> the
    /// Instagram account.
    pub async fn finish(&self, code: &str) -> Result<Session, CallError> {
        // Meta appends `#_=_` (Instagram `#_`) to the redirect; browsers keep it off the query,
        // but a pasted URL may carry it.
        let code = code.trim_end_matches("#_=_").trim_end_matches("#_");
        match self.way {
            Way::Facebook => self.finish_facebook(code).await,
            Way::Instagram => self.finish_instagram(code).await,
        }
    }

    async fn finish_facebook(&self, code: &str) -> Result<Session, CallError> {
        let graph = format!("{}/{VERSION}", self.hosts.url("graph.facebook.com"));
        let short = self
            .get(
                format!("{graph}/oauth/access_token"),
                &[
                    ("client_id", &self.app.id),
                    ("client_secret", &self.app.secret),
                    ("redirect_uri", &self.app.redirect_uri),
                    ("code", code),
                ],
            )
            .await?;
        let short = text(&short, "access_token")?;
        let long = self
            .get(
                format!("{graph}/oauth/access_token"),
                &[
                    ("grant_type", "fb_exchange_token"),
                    ("client_id", &self.app.id),
                    ("client_secret", &self.app.secret),
                    ("fb_exchange_token", &short),
                ],
            )
            .await?;
        let token = text(&long, "access_token")?;
        let expires_at = long["expires_in"].as_u64().map(|s| now_s() + s);
        let pages = self
            .get(
                format!("{graph}/me/accounts"),
                &[
                    ("fields", "id,name,instagram_business_account{id,username}"),
                    ("limit", "100"),
                    ("access_token", &token),
                ],
            )
            .await?;
        let account = pages["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|p| p.get("instagram_business_account"))
            .ok_or_else(|| {
                CallError::Decode(
                    "none of the user's Pages is linked to an Instagram professional account"
                        .into(),
                )
            })?;
        Ok(Session {
            way: Way::Facebook,
            access_token: token,
            expires_at,
            ig_user_id: text(account, "id")?,
            username: account["username"].as_str().map(str::to_owned),
            graph_base: graph,
        })
    }

    async fn finish_instagram(&self, code: &str) -> Result<Session, CallError> {
        let form = [
            ("client_id", self.app.id.as_str()),
            ("client_secret", self.app.secret.as_str()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", self.app.redirect_uri.as_str()),
            ("code", code),
        ];
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let response = self
            .http
            .post(format!(
                "{}/oauth/access_token",
                self.hosts.url("api.instagram.com")
            ))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| CallError::Network(e.to_string()))?;
        let short = decode(response).await?;
        let short = text(&short, "access_token")?;
        let graph = self.hosts.url("graph.instagram.com");
        let long = self
            .get(
                format!("{graph}/access_token"),
                &[
                    ("grant_type", "ig_exchange_token"),
                    ("client_secret", &self.app.secret),
                    ("access_token", &short),
                ],
            )
            .await?;
        let token = text(&long, "access_token")?;
        let expires_at = long["expires_in"].as_u64().map(|s| now_s() + s);
        let me = self
            .get(
                format!("{graph}/me"),
                &[("fields", "user_id,username"), ("access_token", &token)],
            )
            .await?;
        Ok(Session {
            way: Way::Instagram,
            access_token: token,
            expires_at,
            ig_user_id: text(&me, "user_id")?,
            username: me["username"].as_str().map(str::to_owned),
            graph_base: format!("{graph}/{VERSION}"),
        })
    }
}

fn text(v: &Value, key: &str) -> Result<String, CallError> {
    match &v[key] {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(CallError::Decode(format!("no {key} in {v}"))),
    }
}

fn now_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
