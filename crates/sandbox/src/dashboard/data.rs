//! What the dashboard's pages show, loaded by [`super`] and rendered by [`super::pages`].

use crate::store::{self, Account, Container, Media};

/// What every page's header shows.
pub struct Chrome {
    pub current: &'static str,
    pub now_s: i64,
}

/// The phone view's data: the accounts, the one shown, its profile, media and stories.
pub struct PhoneData {
    pub accounts: Vec<Account>,
    pub account: Option<Account>,
    pub profile: store::Profile,
    pub media_count: u32,
    pub posts: Vec<(Media, Option<String>)>,
    pub more: Option<String>,
    pub stories: Vec<(Media, Option<String>)>,
    pub base: String,
    /// Posts through the API in the last 24 h (the publishing quota's usage).
    pub quota_usage: u32,
    /// Calls in the last hour: the app's and this account's, and their limits.
    pub calls: (usize, usize),
    pub limits: crate::runtime::rate_limit::Limits,
    pub switches: AppSwitches,
}

/// The app settings the dashboard shows and changes (`PATCH /_sandbox/app`).
#[derive(Default)]
pub struct AppSwitches {
    pub require_appsecret_proof: bool,
    pub default_version: &'static str,
}

/// A post and what surrounds it.
pub struct PostData {
    pub media: Media,
    pub username: String,
    pub slides: Vec<(Media, Option<String>)>,
    pub comments: Vec<(store::Comment, Vec<store::Comment>)>,
    pub comments_count: i64,
    pub insights: Vec<(String, i64)>,
    /// The products tagged when it was created: (product id, its name when a catalog has it).
    pub products: Vec<(String, Option<String>)>,
    pub base: String,
}

/// One container's line on the timeline.
pub struct TimelineRow {
    pub container: Container,
    pub status: String,
    /// The log's requests that named it.
    pub touched: Vec<u64>,
}

/// The app's webhook subscription as the webhooks page shows it.
pub struct WebhookView {
    pub callback_url: String,
    pub fields: Vec<String>,
    pub active: bool,
    /// The installs, as "username (Facebook Login)".
    pub installs: Vec<String>,
}
