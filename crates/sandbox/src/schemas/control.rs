//! Control-plane answers that are not store records: what `control::handle` serializes, so
//! the document's schema is the answer's type itself. Request bodies are the staging
//! operations' input types (`control::stage`), which derive their schemas where they are
//! defined.

use schemars::JsonSchema;
use serde::Serialize;

/// An account as the control plane shows it; a created one comes with its full-permission
/// token.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub restricted: bool,
    pub spam_flagged: bool,
    pub quota_total: u32,
    pub shopping_eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

/// A created token.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Token {
    pub access_token: String,
    pub user_id: String,
    pub permissions: Vec<String>,
    /// Unix seconds (virtual clock); `null`: it does not expire.
    pub expires_at: Option<i64>,
}

/// A seeded media object.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Media {
    pub id: String,
    pub media_type: String,
    pub media_product_type: String,
    pub copyrighted_music: bool,
}

/// A media object's staged activity.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MediaActivity {
    pub id: String,
    pub like_count: i64,
    pub comment_enabled: bool,
}

/// Created comments: the first's id, and every id in order (the comment, then its replies).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Comments {
    pub id: Option<String>,
    pub ids: Vec<String>,
}

/// An app's identity: what a client is configured with.
#[derive(Debug, Serialize, JsonSchema)]
pub struct App {
    pub app_id: String,
    pub app_secret: String,
    pub name: String,
    pub redirect_uris: Vec<String>,
}

/// A minted OAuth code.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OauthCode {
    pub code: String,
    /// `facebook` or `instagram`.
    pub login: String,
    pub app_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub declined: Vec<String>,
    pub redirect_uri: String,
    /// Seconds until the code expires.
    pub expires_in: i64,
}

/// App-wide settings and the media store's use.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AppState {
    pub app_calls_per_hour: u32,
    pub account_calls_per_hour: u32,
    pub ads_audio_swap_enabled: bool,
    /// Meta's "Require App Secret" switch.
    pub require_appsecret_proof: bool,
    /// The version that answers calls without one.
    pub default_version: String,
    pub media_store: MediaStore,
}

/// Bytes of published media kept, and the most kept.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MediaStore {
    pub used_bytes: u64,
    pub max_bytes: u64,
}

/// The virtual clock.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Clock {
    /// Unix seconds, virtual.
    pub now: i64,
    /// How far the clock has been advanced.
    pub offset_seconds: i64,
}

/// A hosted file.
#[derive(Debug, Serialize, JsonSchema)]
pub struct File {
    pub name: String,
    pub size: usize,
    /// Where it is served, without credentials.
    pub url: String,
}

/// The dashboard's admin key: `?key=` logs the browser in (and the login form posts it).
#[allow(
    dead_code,
    reason = "a description: the dashboard reads the key itself"
)]
#[derive(Debug, JsonSchema)]
pub struct KeyParams {
    pub key: Option<String>,
}

/// The OpenAPI document itself.
pub type Document = serde_json::Value;
