//! Graph routes' parameters and answers.
//!
//! Parameters: Graph takes them from the query string or from the body (a form, multipart or
//! JSON), alike; the document lists them as query parameters. Every Graph route also takes
//! `access_token` (or `Authorization: Bearer`), which the security schemes describe.
//!
//! Answers: a node answers the fields asked for (`fields=`) and its `id`, so every field but
//! `id` is optional here; the field names are the node types' own (`graph::view`), which a
//! test holds these types to.

#![allow(
    dead_code,
    reason = "descriptions for the OpenAPI document: never constructed, as the handlers write their JSON"
)]

use schemars::JsonSchema;
use serde_json::Value;

use super::{NodeRef, Page};

/// `fields`: which fields of the node to answer (Graph's expansion syntax,
/// `media.limit(5){caption,children{media_url}}`).
#[derive(Debug, JsonSchema)]
pub struct FieldsParams {
    pub fields: Option<String>,
}

/// A multi-node read: the ids, and the fields of each node.
#[derive(Debug, JsonSchema)]
pub struct IdsParams {
    /// Comma-separated node ids (at most 50), `me` among them if wanted.
    pub ids: String,
    pub fields: Option<String>,
}

/// Nodes keyed by the ids asked for, each as `GET /{id}` answers it.
#[derive(Debug, JsonSchema)]
#[schemars(transparent)]
pub struct NodesById(pub std::collections::BTreeMap<String, serde_json::Value>);

/// A batch request's parameters.
#[derive(Debug, JsonSchema)]
pub struct BatchParams {
    /// A JSON array of operations: `{method, relative_url, body, name, depends_on,
    /// omit_response_on_success}`.
    pub batch: String,
    /// `false` leaves each answer's `headers` out.
    pub include_headers: Option<bool>,
}

/// One operation's answer (`null` when omitted or not run).
#[derive(Debug, JsonSchema)]
pub struct BatchAnswer {
    pub code: u16,
    pub headers: Option<Vec<BatchHeader>>,
    /// The operation's answer as a JSON string.
    pub body: String,
}

/// A header of a batch operation's answer.
#[derive(Debug, JsonSchema)]
pub struct BatchHeader {
    pub name: String,
    pub value: String,
}

/// An edge's parameters: the fields of each item, and cursor paging.
#[derive(Debug, JsonSchema)]
pub struct EdgeParams {
    pub fields: Option<String>,
    /// Items per page.
    pub limit: Option<i64>,
    pub after: Option<String>,
    pub before: Option<String>,
}

/// No parameters besides the token.
#[derive(Debug, JsonSchema)]
pub struct NoParams {}

/// `POST /{ig-user-id}/media`.
#[derive(Debug, JsonSchema)]
pub struct CreateMediaParams {
    pub image_url: Option<String>,
    pub video_url: Option<String>,
    /// `REELS`, `STORIES`, `CAROUSEL`, `VIDEO` (a carousel item); absent: an image.
    pub media_type: Option<String>,
    pub is_carousel_item: Option<bool>,
    /// A carousel's children: container ids, comma-separated.
    pub children: Option<String>,
    pub caption: Option<String>,
    pub alt_text: Option<String>,
    /// JSON: `[{"username": "...", "x": 0.5, "y": 0.5}]`.
    pub user_tags: Option<String>,
    /// JSON: `[{"product_id": "...", "x": 0.5, "y": 0.5}]`.
    pub product_tags: Option<String>,
    /// Usernames, comma-separated or a JSON array.
    pub collaborators: Option<String>,
    pub location_id: Option<String>,
    pub cover_url: Option<String>,
    pub thumb_offset: Option<i64>,
    pub share_to_feed: Option<bool>,
    pub audio_name: Option<String>,
    /// `resumable`: the bytes come through the upload host.
    pub upload_type: Option<String>,
}

/// `POST /{ig-user-id}/media_publish`.
#[derive(Debug, JsonSchema)]
pub struct PublishParams {
    pub creation_id: String,
}

/// `GET /{ig-user-id}/content_publishing_limit`.
#[derive(Debug, JsonSchema)]
pub struct PublishingLimitParams {
    /// `quota_usage`, `config`.
    pub fields: Option<String>,
    /// Unix seconds; at most 24 h ago.
    pub since: Option<i64>,
}

/// `GET /{ig-user-id}/catalog_product_search`.
#[derive(Debug, JsonSchema)]
pub struct ProductSearchParams {
    pub catalog_id: String,
    /// Matched against product names and retailer ids.
    pub q: Option<String>,
}

/// `GET /{ig-user-id}/insights`.
#[derive(Debug, JsonSchema)]
pub struct UserInsightsParams {
    /// Metric names, comma-separated.
    pub metric: String,
    /// `day`, `week`, `days_28`, `lifetime`.
    pub period: String,
    /// `total_value` or `time_series`.
    pub metric_type: Option<String>,
    /// Unix seconds.
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub breakdown: Option<String>,
    pub timeframe: Option<String>,
}

/// `GET /{ig-media-id}/insights`.
#[derive(Debug, JsonSchema)]
pub struct MediaInsightsParams {
    /// Metric names, comma-separated.
    pub metric: String,
    pub period: Option<String>,
}

/// `POST /{ig-media-id}`.
#[derive(Debug, JsonSchema)]
pub struct UpdateMediaParams {
    pub comment_enabled: bool,
}

/// `POST /{ig-media-id}/comments`, `POST /{ig-comment-id}/replies`.
#[derive(Debug, JsonSchema)]
pub struct MessageParams {
    pub message: String,
}

/// `POST /{ig-comment-id}`.
#[derive(Debug, JsonSchema)]
pub struct HideParams {
    pub hide: bool,
}

/// `GET /ig_audio`.
#[derive(Debug, JsonSchema)]
pub struct IgAudioParams {
    /// `music` or `original_sound`.
    pub audio_type: Option<String>,
    pub user_id: Option<String>,
    pub ig_user_id: Option<String>,
    pub search_query: Option<String>,
    /// `ADS`: the audio-swap discovery of an ad.
    pub product: Option<String>,
    pub purpose: Option<String>,
    pub audio_replacement_mode: Option<String>,
    pub ig_media_id: Option<String>,
    pub partnership_ad_code: Option<String>,
}

/// `GET /oauth/access_token` on graph.facebook.com.
#[derive(Debug, JsonSchema)]
pub struct FacebookTokenParams {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: Option<String>,
    pub code: Option<String>,
    /// `fb_exchange_token` for a long-lived token.
    pub grant_type: Option<String>,
    pub fb_exchange_token: Option<String>,
}

/// `GET /debug_token`.
#[derive(Debug, JsonSchema)]
pub struct DebugTokenParams {
    pub input_token: String,
    /// The app's credentials, `{app-id}|{app-secret}`, or a token of the same app.
    pub access_token: String,
}

/// `GET /access_token` on graph.instagram.com.
#[derive(Debug, JsonSchema)]
pub struct InstagramExchangeParams {
    /// `ig_exchange_token`.
    pub grant_type: String,
    pub client_secret: String,
    pub access_token: String,
}

/// `GET /refresh_access_token` on graph.instagram.com.
#[derive(Debug, JsonSchema)]
pub struct InstagramRefreshParams {
    /// `ig_refresh_token`.
    pub grant_type: String,
    pub access_token: String,
}

/// A new container: its id, and for a resumable one where its bytes go.
#[derive(Debug, JsonSchema)]
pub struct CreatedContainer {
    pub id: String,
    /// The upload host's URL for this container (`upload_type=resumable`).
    pub uri: Option<String>,
}

/// An Instagram professional account (`ShadowIGUser`).
#[derive(Debug, JsonSchema)]
pub struct IgUser {
    pub id: String,
    pub username: Option<String>,
    pub name: Option<String>,
    pub ig_id: Option<i64>,
    pub media_count: Option<i64>,
    pub followers_count: Option<i64>,
    pub follows_count: Option<i64>,
    pub biography: Option<String>,
    pub website: Option<String>,
    pub profile_picture_url: Option<String>,
    /// Instagram Login's app-scoped id (what webhooks call the account).
    pub user_id: Option<String>,
    pub account_type: Option<String>,
    pub media: Option<Page<IgMedia>>,
    pub stories: Option<Page<IgMedia>>,
}

/// A media container (`ShadowIGMediaBuilder`).
#[derive(Debug, JsonSchema)]
pub struct IgContainer {
    pub id: String,
    /// `IN_PROGRESS`, `FINISHED`, `PUBLISHED`, `ERROR`, `EXPIRED`.
    pub status_code: Option<String>,
    /// What went wrong, as `Error: ...` text with the subcode.
    pub status: Option<String>,
    pub copyright_check_status: Option<CopyrightCheck>,
}

/// A container's copyright check.
#[derive(Debug, JsonSchema)]
pub struct CopyrightCheck {
    /// `in_progress` or `completed`.
    pub status: String,
    pub matches_found: bool,
}

/// A published media object (`ShadowIGMedia`).
#[derive(Debug, JsonSchema)]
pub struct IgMedia {
    pub id: String,
    /// Instagram's own id of the post.
    pub ig_id: Option<String>,
    pub media_type: Option<String>,
    pub media_product_type: Option<String>,
    pub caption: Option<String>,
    pub media_url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub permalink: Option<String>,
    pub shortcode: Option<String>,
    pub timestamp: Option<String>,
    pub username: Option<String>,
    pub owner: Option<NodeRef>,
    pub like_count: Option<i64>,
    pub comments_count: Option<i64>,
    pub is_comment_enabled: Option<bool>,
    pub is_shared_to_feed: Option<bool>,
    pub children: Option<Page<IgMedia>>,
    pub comments: Option<Page<IgComment>>,
    pub insights: Option<Page<Insight>>,
}

/// A comment or a reply (`IGComment`).
#[derive(Debug, JsonSchema)]
pub struct IgComment {
    pub id: String,
    pub text: Option<String>,
    pub timestamp: Option<String>,
    pub username: Option<String>,
    pub from: Option<CommentAuthor>,
    pub like_count: Option<i64>,
    pub hidden: Option<bool>,
    pub parent_id: Option<String>,
    pub user: Option<NodeRef>,
    pub media: Option<CommentMedia>,
    pub replies: Option<Page<IgComment>>,
    pub legacy_instagram_comment_id: Option<String>,
}

/// Who wrote a comment.
#[derive(Debug, JsonSchema)]
pub struct CommentAuthor {
    pub id: String,
    pub username: Option<String>,
}

/// The media a comment is on.
#[derive(Debug, JsonSchema)]
pub struct CommentMedia {
    pub id: String,
    pub media_product_type: Option<String>,
}

/// One metric of an insights answer.
#[derive(Debug, JsonSchema)]
pub struct Insight {
    pub name: String,
    pub period: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub id: String,
    /// Values by end time (`time_series`), or one lifetime value.
    pub values: Option<Vec<InsightValue>>,
    /// `metric_type=total_value`.
    pub total_value: Option<TotalValue>,
}

/// A value of a metric: a number, or for `online_followers` counts by hour.
#[derive(Debug, JsonSchema)]
pub struct InsightValue {
    pub value: Value,
    pub end_time: Option<String>,
}

#[derive(Debug, JsonSchema)]
pub struct TotalValue {
    pub value: i64,
}

/// `GET /{ig-user-id}/insights`: metrics and the neighbouring time windows.
#[derive(Debug, JsonSchema)]
pub struct UserInsights {
    pub data: Vec<Insight>,
    pub paging: Option<super::Paging>,
}

/// `GET /{ig-user-id}/content_publishing_limit`: one entry with the fields asked for.
#[derive(Debug, JsonSchema)]
pub struct PublishingLimit {
    pub quota_usage: Option<i64>,
    pub config: Option<QuotaConfig>,
}

#[derive(Debug, JsonSchema)]
pub struct QuotaConfig {
    pub quota_total: i64,
    /// Seconds (86400).
    pub quota_duration: i64,
}

/// A catalog the account can tag products from.
#[derive(Debug, JsonSchema)]
pub struct AvailableCatalog {
    pub catalog_id: String,
    pub catalog_name: String,
    pub shop_name: Option<String>,
    pub product_count: i64,
}

/// A product found by `catalog_product_search`.
#[derive(Debug, JsonSchema)]
pub struct CatalogProduct {
    pub product_id: i64,
    pub merchant_id: i64,
    pub product_name: String,
    pub retailer_id: Option<String>,
    /// `approved`, `rejected`, `pending`, `outdated`, `no_review`.
    pub review_status: String,
    pub is_checkout_flow: bool,
}

/// `GET /ig_audio`: tracks found, or the audio an ad may swap to.
#[derive(Debug, JsonSchema)]
pub struct AudioAnswer {
    pub audio: Vec<AudioTrack>,
}

#[derive(Debug, JsonSchema)]
pub struct AudioTrack {
    pub audio_id: String,
    pub duration_in_ms: i64,
    /// `music` or `original_sound`.
    pub audio_type: String,
    pub title: String,
    pub download_url: Option<String>,
    pub cover_artwork_thumbnail_uri: Option<String>,
    pub display_artist: Option<String>,
}

/// A token endpoint's answer.
#[derive(Debug, JsonSchema)]
pub struct AccessToken {
    pub access_token: String,
    /// `bearer`.
    pub token_type: String,
    /// Seconds until it expires (absent: it does not).
    pub expires_in: Option<i64>,
}

/// `GET /debug_token`.
#[derive(Debug, JsonSchema)]
pub struct DebugToken {
    pub data: TokenDescription,
}

/// What a token is; an invalid one answers `is_valid: false` and its `error`.
#[derive(Debug, JsonSchema)]
pub struct TokenDescription {
    pub app_id: Option<String>,
    /// `USER`, `PAGE`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub application: Option<String>,
    pub data_access_expires_at: Option<i64>,
    /// Unix seconds; 0 for a token that does not expire.
    pub expires_at: Option<i64>,
    pub is_valid: bool,
    pub issued_at: Option<i64>,
    pub scopes: Vec<String>,
    pub granular_scopes: Option<Vec<GranularScope>>,
    pub user_id: Option<String>,
    /// A Page token's Page.
    pub profile_id: Option<String>,
    pub error: Option<TokenError>,
}

#[derive(Debug, JsonSchema)]
pub struct GranularScope {
    pub scope: String,
    pub target_ids: Option<Vec<String>>,
}

#[derive(Debug, JsonSchema)]
pub struct TokenError {
    pub code: i64,
    pub message: String,
    pub subcode: Option<i64>,
}

/// A Facebook user.
#[derive(Debug, JsonSchema)]
pub struct FacebookUser {
    pub id: String,
    pub name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub middle_name: Option<String>,
    pub short_name: Option<String>,
    pub name_format: Option<String>,
    /// Only with the `email` permission.
    pub email: Option<String>,
    pub picture: Option<Picture>,
}

/// `picture`: the profile picture's URL and size.
#[derive(Debug, JsonSchema)]
pub struct Picture {
    pub data: PictureData,
}

#[derive(Debug, JsonSchema)]
pub struct PictureData {
    pub height: i64,
    pub width: i64,
    pub is_silhouette: bool,
    pub url: String,
}

/// A Facebook Page.
#[derive(Debug, JsonSchema)]
pub struct FacebookPage {
    pub id: String,
    pub name: Option<String>,
    pub username: Option<String>,
    pub category: Option<String>,
    pub category_list: Option<Vec<PageCategory>>,
    pub link: Option<String>,
    pub fan_count: Option<i64>,
    pub followers_count: Option<i64>,
    pub about: Option<String>,
    pub tasks: Option<Vec<String>>,
    pub picture: Option<Picture>,
    /// A Page token, asked for with a user token.
    pub access_token: Option<String>,
    pub instagram_business_account: Option<NodeRef>,
    pub connected_instagram_account: Option<NodeRef>,
}

/// One of a Page's categories.
#[derive(Debug, JsonSchema)]
pub struct PageCategory {
    pub id: String,
    pub name: String,
}

/// A Business.
#[derive(Debug, JsonSchema)]
pub struct FacebookBusiness {
    pub id: String,
    pub name: Option<String>,
    pub link: Option<String>,
    pub verification_status: Option<String>,
}

/// A Meta app (Graph's Application node).
#[derive(Debug, JsonSchema)]
pub struct FacebookApp {
    pub id: String,
    pub name: Option<String>,
    pub link: Option<String>,
    pub category: Option<String>,
    pub namespace: Option<String>,
    pub description: Option<String>,
}

/// One scope of `GET /{facebook-user-id}/permissions`.
#[derive(Debug, JsonSchema)]
pub struct PermissionStatus {
    pub permission: String,
    /// `granted` or `declined`.
    pub status: String,
}

/// The upload host's answer to bytes (or a `file_url`) it accepted.
#[derive(Debug, JsonSchema)]
pub struct UploadAccepted {
    pub success: bool,
    pub message: String,
}

/// How far a resumable upload got.
#[derive(Debug, JsonSchema)]
pub struct UploadStatus {
    pub id: String,
    /// Bytes received.
    pub offset: i64,
    pub upload_complete: bool,
}

/// `POST /{app-id}/subscriptions`; `DELETE` takes `object` and `fields` alone.
#[derive(Debug, JsonSchema)]
pub struct SubscriptionParams {
    /// `instagram` (Instagram's fields), `page`, `user`, `permissions` or `payments`.
    pub object: Option<String>,
    /// Where deliveries go; verified with Meta's GET handshake before the subscription is kept.
    pub callback_url: Option<String>,
    /// The fields, comma-separated or a JSON array; added to those already subscribed.
    pub fields: Option<String>,
    /// What the handshake sends as `hub.verify_token`.
    pub verify_token: Option<String>,
    /// `false`: deliveries name the changed fields only (`changed_fields`).
    pub include_values: Option<bool>,
}

/// One of an app's webhook subscriptions.
#[derive(Debug, JsonSchema)]
pub struct AppSubscription {
    pub object: String,
    pub callback_url: String,
    pub active: bool,
    pub fields: Vec<super::control::WebhookField>,
}

/// `POST /{page-id}/subscribed_apps`, `POST /{ig-user-id}/subscribed_apps`.
#[derive(Debug, JsonSchema)]
pub struct SubscribedFieldsParams {
    /// The fields, comma-separated or a JSON array.
    pub subscribed_fields: Option<String>,
}

/// An app installed on a Page.
#[derive(Debug, JsonSchema)]
pub struct PageSubscribedApp {
    pub id: String,
    pub name: String,
    pub link: String,
    pub subscribed_fields: Vec<String>,
}

/// The calling app's install on an Instagram account.
#[derive(Debug, JsonSchema)]
pub struct IgSubscribedApp {
    pub subscribed_fields: Vec<String>,
}
