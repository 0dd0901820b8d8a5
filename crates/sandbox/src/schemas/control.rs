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

/// A webhook subscription as the control plane set it, with the accounts it reaches.
#[derive(Debug, Serialize, JsonSchema)]
pub struct WebhookSubscription {
    pub app_id: String,
    pub object: String,
    pub callback_url: String,
    pub verify_token: String,
    pub active: bool,
    pub fields: Vec<WebhookField>,
    /// `facebook` (through each account's Page) or `instagram` (each account's own install).
    pub login: String,
    /// The Instagram accounts whose changes reach the callback.
    pub accounts: Vec<String>,
}

/// A subscribed field and the Graph version its payloads are shaped by.
#[derive(Debug, Serialize, JsonSchema)]
pub struct WebhookField {
    pub name: String,
    pub version: String,
}

/// One webhook delivery and every attempt at it (GitHub's deliveries page, as data).
#[derive(Debug, Serialize, JsonSchema)]
pub struct WebhookDelivery {
    pub id: String,
    pub app_id: String,
    pub callback_url: String,
    /// The `Facebook-API-Version` it was sent with.
    pub version: String,
    /// The fields of its changes.
    pub fields: Vec<String>,
    /// `pending` (waiting for its next attempt), `delivered` or `dropped`.
    pub state: String,
    /// Unix ms (virtual clock).
    pub created_at: i64,
    /// Unix ms of the next attempt while pending.
    pub next_attempt_at: Option<i64>,
    /// The delivery this one sends again (Redeliver).
    pub redelivery_of: Option<String>,
    /// A Test-button sample, not a real event.
    pub test: bool,
    /// The body as signed and sent.
    pub body: String,
    pub attempts: Vec<WebhookAttempt>,
}

/// One POST of a delivery and what came back.
#[derive(Debug, Serialize, JsonSchema)]
pub struct WebhookAttempt {
    pub n: u32,
    /// Unix ms (virtual clock).
    pub at: i64,
    pub url: String,
    pub request_headers: Vec<Header>,
    /// `null`: no HTTP answer (refused, timed out, dropped).
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub response_headers: Vec<Header>,
    /// The answer's first 4 KiB.
    pub response_body: String,
    pub error: Option<String>,
}

/// An HTTP header.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// What `POST /_sandbox/webhooks/trigger` made happen.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Triggered {
    pub field: String,
    /// The account the change is about (`entry.id`).
    pub account_id: String,
    pub media_id: String,
    pub comment_id: Option<String>,
}
