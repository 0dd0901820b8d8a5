//! Staging operations: every object a test can put in the sandbox, validated in one place. The
//! control plane (HTTP), scenario files and the typed helpers on `Sandbox` all call these, so
//! they all enforce the same rules.
//!
//! The store-side operations run inside a transaction the caller owns (`Store::transact`), so a
//! scenario file is applied whole or not at all. Accounts can be named by `user_id` or by
//! `user` (the username) wherever an operation needs one.

use std::collections::BTreeMap;

use instapub_errors::{CatalogError, Id};
use instapub_rules::{MediaType, ProductType};
use rusqlite::Connection;
use serde::Deserialize;

use crate::app::App;
use crate::identity::credentials::{all_permissions, full_token, new_access_token};
use crate::runtime::faults::{NewRule, Rule};
use crate::runtime::rate_limit;
use crate::schemas::control as answer;
use crate::store::{
    self, Account, Catalog, Comment, Media, NewProduct, Profile, StoreError, Token,
};

/// Why a staging operation was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StageError {
    /// The input breaks a rule; the text says which.
    #[error("{0}")]
    Invalid(String),
    /// It names an object that does not exist.
    #[error("unknown {kind} {id:?}")]
    NotFound { kind: &'static str, id: String },
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for StageError {
    fn from(e: rusqlite::Error) -> Self {
        StageError::Store(StoreError::from(e))
    }
}

fn invalid(reason: impl Into<String>) -> StageError {
    StageError::Invalid(reason.into())
}

/// Review states Graph reports for catalog products.
pub const REVIEW_STATES: &[&str] = &["approved", "pending", "rejected", "outdated"];

/// The longest `expires_in` accepted, either way (a negative one makes an expired token).
pub const MAX_EXPIRES_IN_S: i64 = 100 * 365 * 24 * 60 * 60;

/// A new account.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// 1-30 letters, digits, `_` or `.`; unique.
    pub username: String,
    #[serde(default)]
    pub restricted: bool,
    #[serde(default)]
    pub spam_flagged: bool,
    /// Posts per 24 h (default: the sandbox's `quota_total`).
    pub quota_total: Option<u32>,
    #[serde(default)]
    pub shopping_eligible: bool,
    /// A fixed value for its full-permission token (generated when absent).
    pub access_token: Option<String>,
    /// The profile's display name (default: the username).
    pub name: Option<String>,
    pub biography: Option<String>,
    pub website: Option<String>,
    pub profile_picture_url: Option<String>,
    #[schemars(range(min = 0, max = MAX_COUNT))]
    pub followers_count: Option<i64>,
    #[schemars(range(min = 0, max = MAX_COUNT))]
    pub follows_count: Option<i64>,
    /// Account insight values per day, by metric (`reach`, `follower_count`, `views`...).
    pub insights: Option<BTreeMap<String, i64>>,
}

/// Changes to an account; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    pub restricted: Option<bool>,
    pub spam_flagged: Option<bool>,
    pub quota_total: Option<u32>,
    pub shopping_eligible: Option<bool>,
    /// The profile's display name (default: the username).
    pub name: Option<String>,
    pub biography: Option<String>,
    pub website: Option<String>,
    pub profile_picture_url: Option<String>,
    #[schemars(range(min = 0, max = MAX_COUNT))]
    pub followers_count: Option<i64>,
    #[schemars(range(min = 0, max = MAX_COUNT))]
    pub follows_count: Option<i64>,
    /// Account insight values per day, by metric (`reach`, `follower_count`, `views`...).
    pub insights: Option<BTreeMap<String, i64>>,
}

/// Activity on a media; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaPatch {
    #[schemars(range(min = 0, max = MAX_COUNT))]
    pub like_count: Option<i64>,
    pub comment_enabled: Option<bool>,
    /// Lifetime insight values by metric (`reach`, `views`, `saved`, `shares`...).
    pub insights: Option<BTreeMap<String, i64>>,
}

/// A comment from someone (another Instagram user by default), with its replies.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// The media commented on (given by the enclosing media in a scenario file).
    pub media_id: Option<String>,
    /// Makes this a reply to that comment.
    pub parent_id: Option<String>,
    /// Who comments: a sandbox account's username, or anyone's (default `instapub_fan`).
    pub username: Option<String>,
    #[schemars(length(min = 1, max = 2200))]
    pub text: String,
    #[schemars(range(min = 0, max = MAX_COUNT))]
    pub like_count: Option<i64>,
    #[serde(default)]
    pub hidden: bool,
    /// A comment on a live broadcast: a `live_comments` webhook change instead of `comments`.
    #[serde(default)]
    pub live: bool,
    /// Replies to this comment.
    #[serde(default)]
    pub replies: Vec<NewComment>,
}

/// A new token for an account.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub user_id: Option<String>,
    /// The account by username, instead of `user_id`.
    pub user: Option<String>,
    /// A fixed value (generated when absent).
    pub access_token: Option<String>,
    /// Default: every permission the sandbox knows.
    pub permissions: Option<Vec<String>>,
    /// Seconds from now on the virtual clock; absent never expires.
    #[schemars(range(min = -MAX_EXPIRES_IN_S, max = MAX_EXPIRES_IN_S))]
    pub expires_in: Option<i64>,
}

/// A product catalog.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCatalog {
    pub user_id: Option<String>,
    pub user: Option<String>,
    pub name: String,
    #[serde(default)]
    pub products: Vec<NewCatalogProduct>,
}

/// A product of a [`NewCatalog`].
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCatalogProduct {
    pub retailer_id: Option<String>,
    pub name: String,
    /// One of [`REVIEW_STATES`] (default `approved`).
    pub review_status: Option<String>,
}

/// An existing media object (one not published through the API).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMedia {
    pub user_id: Option<String>,
    pub user: Option<String>,
    /// `IMAGE`, `VIDEO` or `CAROUSEL_ALBUM` (any case).
    pub media_type: String,
    /// `FEED`, `REELS`, `STORY` or `AD` (any case).
    pub media_product_type: String,
    pub caption: Option<String>,
    #[serde(default)]
    pub copyrighted_music: bool,
    #[schemars(range(min = 0, max = MAX_COUNT))]
    pub like_count: Option<i64>,
    /// Lifetime insight values by metric.
    pub insights: Option<BTreeMap<String, i64>>,
    /// Comments on it, with their replies.
    #[serde(default)]
    pub comments: Vec<NewComment>,
}

/// A partnership ad code for a media object.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPartnershipCode {
    pub media_id: String,
    /// A fixed code (generated when absent).
    pub code: Option<String>,
    /// Seconds from now on the virtual clock; absent never expires.
    #[schemars(range(min = -MAX_EXPIRES_IN_S, max = MAX_EXPIRES_IN_S))]
    pub expires_in: Option<i64>,
}

/// A new app.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApp {
    /// Default: "instapub app N".
    pub name: Option<String>,
    /// A fixed id (digits; generated when absent).
    pub app_id: Option<String>,
    /// A fixed secret (generated when absent).
    pub app_secret: Option<String>,
    /// The redirect URIs its logins may use (at least one; only the demo app takes any).
    #[schemars(length(min = 1))]
    pub redirect_uris: Vec<String>,
}

/// A new Facebook user.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFacebookUser {
    pub name: String,
}

/// A new Page.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPage {
    pub name: String,
    /// The Facebook user who administers it.
    pub admin_id: String,
    /// The Instagram professional account linked to it, by id or username (none: a Page
    /// without Instagram).
    pub instagram_user_id: Option<String>,
    pub instagram_user: Option<String>,
    /// A Business that owns it (`client: false`) or manages it for a client (`client: true`).
    pub business_id: Option<String>,
    #[serde(default)]
    pub client: bool,
}

/// A new Business.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBusiness {
    pub name: String,
    /// The Facebook user who owns it.
    pub owner_id: String,
}

/// An OAuth code minted as if the user had consented.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOauthCode {
    /// `facebook` or `instagram`.
    pub login: String,
    /// A Facebook user (facebook) or an Instagram account (instagram; its username works too).
    pub user_id: String,
    /// Default: the demo app.
    pub app_id: Option<String>,
    /// Default: every scope of the login.
    pub scopes: Option<Vec<String>>,
    /// Scopes the user refused (reported as declined).
    pub declined: Option<Vec<String>>,
    /// Default: the app's first redirect URI (the demo app's default is `http://localhost/callback`).
    pub redirect_uri: Option<String>,
}

/// The redirect URI codes of an app without one get (the demo app accepts any).
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost/callback";

fn valid_name(what: &str, name: &str) -> Result<(), StageError> {
    if name.trim().is_empty() || name.chars().count() > 100 {
        return Err(invalid(format!("{what} must be 1-100 characters")));
    }
    Ok(())
}

/// Whether a redirect URI is an absolute http(s) URL without a fragment.
fn valid_redirect(uri: &str) -> bool {
    url::Url::parse(uri)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.fragment().is_none())
}

/// Creates an app.
pub fn create_app(c: &Connection, a: &NewApp) -> Result<store::MetaApp, StageError> {
    if a.redirect_uris.is_empty() {
        return Err(invalid("redirect_uris needs at least one URI"));
    }
    for uri in &a.redirect_uris {
        if !valid_redirect(uri) {
            return Err(invalid(format!(
                "redirect URI {uri:?} is not an http(s) URL without a fragment"
            )));
        }
    }
    if let Some(id) = &a.app_id {
        if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("app_id must be 1-20 digits"));
        }
        if store::app(c, id)?.is_some() {
            return Err(invalid(format!("app {id} exists")));
        }
    }
    let secret = a
        .app_secret
        .clone()
        .unwrap_or_else(|| crate::identity::credentials::random_hex(32));
    if secret.is_empty() || secret.len() > 128 {
        return Err(invalid("app_secret must be 1-128 characters"));
    }
    let name = a.name.clone().unwrap_or_else(|| "instapub app".to_owned());
    valid_name("name", &name)?;
    Ok(store::insert_app(
        c,
        a.app_id.as_deref(),
        &secret,
        &name,
        &a.redirect_uris,
    )?)
}

/// Creates a Facebook user.
pub fn create_facebook_user(
    c: &Connection,
    u: &NewFacebookUser,
) -> Result<store::FbUser, StageError> {
    valid_name("name", &u.name)?;
    Ok(store::insert_fb_user(c, &u.name)?)
}

fn fb_user_named(c: &Connection, id: &str) -> Result<store::FbUser, StageError> {
    store::fb_user(c, id)?.ok_or_else(|| StageError::NotFound {
        kind: "facebook user",
        id: id.to_owned(),
    })
}

/// Creates a Page.
pub fn create_page(c: &Connection, p: &NewPage) -> Result<store::Page, StageError> {
    valid_name("name", &p.name)?;
    let admin = fb_user_named(c, &p.admin_id)?;
    let account = match (&p.instagram_user_id, &p.instagram_user) {
        (None, None) => None,
        (id, user) => Some(account_named(c, id.as_deref(), user.as_deref())?),
    };
    let business = match &p.business_id {
        None => None,
        Some(b) => Some(store::business(c, b)?.ok_or_else(|| StageError::NotFound {
            kind: "business",
            id: b.clone(),
        })?),
    };
    Ok(store::insert_page(
        c,
        &p.name,
        &admin.id,
        account.as_ref().map(|a| a.id.as_str()),
        business.as_ref().map(|b| (b.id.as_str(), p.client)),
    )?)
}

/// Creates a Business.
pub fn create_business(c: &Connection, b: &NewBusiness) -> Result<store::Business, StageError> {
    valid_name("name", &b.name)?;
    let owner = fb_user_named(c, &b.owner_id)?;
    Ok(store::insert_business(c, &b.name, &owner.id)?)
}

/// Mints an OAuth code.
pub fn create_oauth_code(
    c: &Connection,
    k: &NewOauthCode,
    now: i64,
) -> Result<store::Code, StageError> {
    let login = store::Login::parse(&k.login)
        .ok_or_else(|| invalid("login must be facebook or instagram"))?;
    let subject_id = match login {
        store::Login::Facebook => fb_user_named(c, &k.user_id)?.id,
        store::Login::Instagram => {
            let by_id = store::account(c, &k.user_id)?;
            match by_id {
                Some(a) => a.id,
                None => account_named(c, None, Some(&k.user_id))?.id,
            }
        }
    };
    let meta_app = match &k.app_id {
        Some(id) => store::app(c, id)?.ok_or_else(|| StageError::NotFound {
            kind: "app",
            id: id.clone(),
        })?,
        None => store::first_app(c)?.ok_or_else(|| invalid("no app exists"))?,
    };
    let known = crate::identity::credentials::login_scopes(login);
    let scopes = k
        .scopes
        .clone()
        .unwrap_or_else(|| known.iter().map(|s| s.to_string()).collect());
    let declined = k.declined.clone().unwrap_or_default();
    for s in scopes.iter().chain(&declined) {
        if !known.contains(&s.as_str()) {
            return Err(invalid(format!(
                "scope {s:?} is not a {} login scope; known: {}",
                login.as_str(),
                known.join(", ")
            )));
        }
    }
    let redirect_uri = match (&k.redirect_uri, meta_app.redirect_uris.first()) {
        (Some(uri), _) => uri.clone(),
        (None, Some(first)) => first.clone(),
        (None, None) => DEFAULT_REDIRECT_URI.to_owned(),
    };
    if !valid_redirect(&redirect_uri) {
        return Err(invalid(
            "redirect_uri must be an http(s) URL without a fragment",
        ));
    }
    if !meta_app.redirect_uris.is_empty() && !meta_app.redirect_uris.contains(&redirect_uri) {
        return Err(invalid(format!(
            "redirect_uri {redirect_uri:?} is not one of app {}'s: {}",
            meta_app.id,
            meta_app.redirect_uris.join(", ")
        )));
    }
    let code = store::Code {
        code: crate::identity::credentials::random_secret("AQ", 160),
        login,
        app_id: meta_app.id,
        subject_id,
        scopes,
        declined,
        redirect_uri,
        expires_at: now + crate::identity::grants::CODE_LIFE_S * 1000,
        used: false,
    };
    store::insert_code(c, &code)?;
    Ok(code)
}

/// A created partnership code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct PartnershipCode {
    pub code: String,
    pub media_id: String,
    /// Unix seconds (virtual clock).
    pub expires_at: Option<i64>,
}

/// How far to move the virtual clock.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    /// Seconds forward.
    #[schemars(range(min = 0))]
    pub seconds: i64,
}

/// App-wide settings; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppSettings {
    pub ads_audio_swap_enabled: Option<bool>,
    #[schemars(range(min = 1))]
    pub app_calls_per_hour: Option<u32>,
    #[schemars(range(min = 1))]
    pub account_calls_per_hour: Option<u32>,
    /// Meta's "Require App Secret": Graph calls with a user, Page or Instagram token must carry
    /// `appsecret_proof`.
    pub require_appsecret_proof: Option<bool>,
    /// The Graph version that answers calls without one in the path (`v21.0` ...).
    pub default_version: Option<String>,
}

fn valid_username(u: &str) -> bool {
    !u.is_empty()
        && u.len() <= 30
        && u.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

/// Whether a name can be a hosted file's (it becomes a URL path segment).
pub fn valid_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// `expires_in` seconds from `now` (ms) as an absolute ms time, range-checked.
fn expiry(now: i64, expires_in: Option<i64>) -> Result<Option<i64>, StageError> {
    match expires_in {
        None => Ok(None),
        Some(s) if (-MAX_EXPIRES_IN_S..=MAX_EXPIRES_IN_S).contains(&s) => {
            Ok(Some(now.saturating_add(s * 1000)))
        }
        Some(_) => Err(invalid(format!(
            "expires_in must be between -{MAX_EXPIRES_IN_S} and {MAX_EXPIRES_IN_S} seconds"
        ))),
    }
}

/// The account an operation names, by id or by username.
fn account_named(
    c: &Connection,
    user_id: Option<&str>,
    user: Option<&str>,
) -> Result<Account, StageError> {
    match (user_id, user) {
        (Some(_), Some(_)) => Err(invalid("give user_id or user, not both")),
        (Some(id), None) => store::account(c, id)?.ok_or_else(|| StageError::NotFound {
            kind: "account",
            id: id.to_owned(),
        }),
        (None, Some(name)) => {
            store::account_by_username(c, name)?.ok_or_else(|| StageError::NotFound {
                kind: "account",
                id: name.to_owned(),
            })
        }
        (None, None) => Err(invalid("user_id (or user, a username) is required")),
    }
}

fn insert_unique_token(c: &Connection, t: &Token, now: i64) -> Result<(), StageError> {
    if t.token.is_empty() || t.token.len() > 1024 {
        return Err(invalid("access_token must be 1-1024 characters"));
    }
    if store::token(c, &t.token)?.is_some() {
        return Err(invalid(format!("token {:?} is already in use", t.token)));
    }
    store::insert_token(c, t, now)?;
    Ok(())
}

/// Creates an account and a full-permission token for it.
pub fn create_account(
    c: &Connection,
    a: &NewAccount,
    default_quota: u32,
    now: i64,
) -> Result<(Account, Token), StageError> {
    if !valid_username(&a.username) {
        return Err(invalid("username must be 1-30 letters, digits, '_' or '.'"));
    }
    if store::account_by_username(c, &a.username)?.is_some() {
        return Err(invalid(format!(
            "an account with username {:?} exists",
            a.username
        )));
    }
    let created =
        store::insert_account(c, &a.username, a.quota_total.unwrap_or(default_quota), now)?;
    let account = store::update_account(
        c,
        &created.id,
        Some(a.restricted),
        Some(a.spam_flagged),
        None,
        Some(a.shopping_eligible),
    )?
    .unwrap_or(created);
    let token = full_token(&account.id, a.access_token.clone());
    insert_unique_token(c, &token, now)?;
    let profile = ProfileParts {
        name: &a.name,
        biography: &a.biography,
        website: &a.website,
        profile_picture_url: &a.profile_picture_url,
        followers_count: a.followers_count,
        follows_count: a.follows_count,
        insights: &a.insights,
    };
    stage_profile(c, &account.id, &profile)?;
    Ok((account, token))
}

/// The profile fields of [`NewAccount`] and [`AccountPatch`].
struct ProfileParts<'a> {
    name: &'a Option<String>,
    biography: &'a Option<String>,
    website: &'a Option<String>,
    profile_picture_url: &'a Option<String>,
    followers_count: Option<i64>,
    follows_count: Option<i64>,
    insights: &'a Option<BTreeMap<String, i64>>,
}

fn stage_profile(c: &Connection, id: &str, p: &ProfileParts) -> Result<(), StageError> {
    for (what, n) in [
        ("followers_count", p.followers_count),
        ("follows_count", p.follows_count),
    ] {
        if n.is_some_and(|n| !(0..=MAX_COUNT).contains(&n)) {
            return Err(invalid(format!("{what} must be between 0 and {MAX_COUNT}")));
        }
    }
    for (what, text) in [
        ("name", p.name),
        ("biography", p.biography),
        ("website", p.website),
        ("profile_picture_url", p.profile_picture_url),
    ] {
        if text.as_ref().is_some_and(|t| t.chars().count() > 2200) {
            return Err(invalid(format!("{what} is longer than 2200 characters")));
        }
    }
    store::update_profile(
        c,
        id,
        &Profile {
            name: p.name.clone(),
            biography: p.biography.clone(),
            website: p.website.clone(),
            profile_picture_url: p.profile_picture_url.clone(),
            followers_count: p.followers_count,
            follows_count: p.follows_count,
        },
    )?;
    if let Some(values) = p.insights {
        stage_insights(c, id, values, store::USER_METRICS)?;
    }
    Ok(())
}

/// The largest count (likes, followers, an insight value) staging accepts.
pub const MAX_COUNT: i64 = 1_000_000_000_000;

fn stage_insights(
    c: &Connection,
    id: &str,
    values: &BTreeMap<String, i64>,
    known: &[&str],
) -> Result<(), StageError> {
    for (metric, value) in values {
        if !known.contains(&metric.as_str()) {
            return Err(invalid(format!(
                "unknown insights metric {metric:?}; known: {}",
                known.join(", ")
            )));
        }
        if !(0..=MAX_COUNT).contains(value) {
            return Err(invalid(format!(
                "insights value of {metric} must be between 0 and {MAX_COUNT}"
            )));
        }
    }
    let list: Vec<(String, i64)> = values.iter().map(|(k, v)| (k.clone(), *v)).collect();
    store::set_insights(c, id, &list)?;
    Ok(())
}

/// Changes a media's likes, comment switch or insight values.
pub fn update_media(c: &Connection, id: &str, p: &MediaPatch) -> Result<Media, StageError> {
    let not_found = || StageError::NotFound {
        kind: "media",
        id: id.to_owned(),
    };
    store::media(c, id)?.ok_or_else(not_found)?;
    if let Some(n) = p.like_count {
        if !(0..=MAX_COUNT).contains(&n) {
            return Err(invalid(format!(
                "like_count must be between 0 and {MAX_COUNT}"
            )));
        }
        store::set_like_count(c, id, n)?;
    }
    if let Some(on) = p.comment_enabled {
        store::set_comment_enabled(c, id, on)?;
    }
    if let Some(values) = &p.insights {
        stage_insights(c, id, values, store::MEDIA_METRICS)?;
    }
    store::media(c, id)?.ok_or_else(not_found)
}

/// The id a commenter gets: their account's, or one derived from the username (the same
/// username always gets the same id).
fn commenter_id(c: &Connection, username: &str) -> Result<String, StageError> {
    if let Some(a) = store::account_by_username(c, username)? {
        return Ok(a.id);
    }
    // FNV-1a: stable across runs and platforms.
    let hash = username.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    Ok((17_841_490_000_000_000 + (hash % 1_000_000_000) as i64).to_string())
}

/// Adds a comment (and its replies) from someone; returns the comments created, the given one
/// first.
pub fn create_comment(
    c: &Connection,
    k: &NewComment,
    now: i64,
) -> Result<Vec<Comment>, StageError> {
    let (media_id, parent_id) = match (&k.media_id, &k.parent_id) {
        (_, Some(parent)) => {
            let p = store::comment(c, parent)?.ok_or_else(|| StageError::NotFound {
                kind: "comment",
                id: parent.clone(),
            })?;
            // A reply to a reply joins the top-level comment, as on Instagram.
            (p.media_id, Some(p.parent_id.unwrap_or(p.id)))
        }
        (Some(m), None) => (m.clone(), None),
        (None, None) => return Err(invalid("media_id (or parent_id, a comment) is required")),
    };
    let media = store::media(c, &media_id)?.ok_or_else(|| StageError::NotFound {
        kind: "media",
        id: media_id.clone(),
    })?;
    let username = k
        .username
        .clone()
        .unwrap_or_else(|| "instapub_fan".to_owned());
    if !valid_username(&username) {
        return Err(invalid("username must be 1-30 letters, digits, '_' or '.'"));
    }
    let chars = k.text.chars().count();
    if chars == 0 || chars > store::MAX_COMMENT_CHARS {
        return Err(invalid(format!(
            "text must be 1-{} characters",
            store::MAX_COMMENT_CHARS
        )));
    }
    let likes = k.like_count.unwrap_or(0);
    if !(0..=MAX_COUNT).contains(&likes) {
        return Err(invalid(format!(
            "like_count must be between 0 and {MAX_COUNT}"
        )));
    }
    let created = store::insert_comment(
        c,
        &store::NewComment {
            media_id: media.id.clone(),
            account_id: media.account_id.clone(),
            parent_id,
            from_id: commenter_id(c, &username)?,
            username,
            text: k.text.clone(),
            like_count: likes,
            hidden: k.hidden,
            created_at: now,
        },
    )?;
    if k.live {
        crate::webhooks::emit::live_comment_created(c, &created, &media, now)?;
    } else {
        crate::webhooks::emit::comment_created(c, &created, &media, now)?;
    }
    let mut out = vec![created.clone()];
    for reply in &k.replies {
        let reply = NewComment {
            media_id: None,
            parent_id: Some(created.id.clone()),
            ..reply.clone()
        };
        out.extend(create_comment(c, &reply, now)?);
    }
    Ok(out)
}

/// Changes an account's flags, quota or profile.
pub fn update_account(c: &Connection, id: &str, p: &AccountPatch) -> Result<Account, StageError> {
    let account = store::update_account(
        c,
        id,
        p.restricted,
        p.spam_flagged,
        p.quota_total,
        p.shopping_eligible,
    )?
    .ok_or_else(|| StageError::NotFound {
        kind: "account",
        id: id.to_owned(),
    })?;
    let profile = ProfileParts {
        name: &p.name,
        biography: &p.biography,
        website: &p.website,
        profile_picture_url: &p.profile_picture_url,
        followers_count: p.followers_count,
        follows_count: p.follows_count,
        insights: &p.insights,
    };
    stage_profile(c, id, &profile)?;
    Ok(account)
}

/// Creates a token.
pub fn create_token(c: &Connection, t: &NewToken, now: i64) -> Result<Token, StageError> {
    let account = account_named(c, t.user_id.as_deref(), t.user.as_deref())?;
    let token = Token {
        token: t.access_token.clone().unwrap_or_else(new_access_token),
        account_id: account.id,
        permissions: t.permissions.clone().unwrap_or_else(all_permissions),
        expires_at: expiry(now, t.expires_in)?,
    };
    insert_unique_token(c, &token, now)?;
    Ok(token)
}

/// Creates a product catalog.
pub fn create_catalog(c: &Connection, k: &NewCatalog) -> Result<Catalog, StageError> {
    let account = account_named(c, k.user_id.as_deref(), k.user.as_deref())?;
    let mut products = Vec::new();
    for p in &k.products {
        let status = p.review_status.clone().unwrap_or_else(|| "approved".into());
        if !REVIEW_STATES.contains(&status.as_str()) {
            return Err(invalid(format!(
                "product {:?}: review_status must be one of {}",
                p.name,
                REVIEW_STATES.join(", ")
            )));
        }
        products.push(NewProduct {
            retailer_id: p.retailer_id.clone(),
            name: p.name.clone(),
            review_status: status,
        });
    }
    Ok(store::insert_catalog(c, &account.id, &k.name, &products)?)
}

/// Seeds a media object.
pub fn create_media(c: &Connection, m: &NewMedia, now: i64) -> Result<Media, StageError> {
    let media_type = MediaType::parse(&m.media_type.to_ascii_uppercase()).ok_or_else(|| {
        invalid(format!(
            "media_type must be one of {}",
            MediaType::names().join(", ")
        ))
    })?;
    let product_type =
        ProductType::parse(&m.media_product_type.to_ascii_uppercase()).ok_or_else(|| {
            invalid(format!(
                "media_product_type must be one of {}",
                ProductType::names().join(", ")
            ))
        })?;
    let account = account_named(c, m.user_id.as_deref(), m.user.as_deref())?;
    let media = store::insert_seeded_media(
        c,
        &account.id,
        media_type,
        product_type,
        m.caption.as_deref(),
        m.copyrighted_music,
        now,
    )?;
    let patch = MediaPatch {
        like_count: m.like_count,
        comment_enabled: None,
        insights: m.insights.clone(),
    };
    let media = update_media(c, &media.id, &patch)?;
    crate::webhooks::emit::media_created(c, &media, now)?;
    for k in &m.comments {
        let k = NewComment {
            media_id: Some(media.id.clone()),
            parent_id: None,
            ..k.clone()
        };
        create_comment(c, &k, now)?;
    }
    Ok(media)
}

/// Creates a partnership ad code.
pub fn create_partnership_code(
    c: &Connection,
    p: &NewPartnershipCode,
    now: i64,
) -> Result<PartnershipCode, StageError> {
    let expires_at = expiry(now, p.expires_in)?;
    if store::media(c, &p.media_id)?.is_none() {
        return Err(StageError::NotFound {
            kind: "media",
            id: p.media_id.clone(),
        });
    }
    let code = p
        .code
        .clone()
        .unwrap_or_else(|| format!("PAC{}", crate::identity::credentials::random_digits(13)));
    if code.is_empty() || code.len() > 256 {
        return Err(invalid("code must be 1-256 characters"));
    }
    if store::partnership_code(c, &code)?.is_some() {
        return Err(invalid(format!("partnership code {code:?} exists")));
    }
    store::insert_partnership_code(c, &code, &p.media_id, expires_at)?;
    Ok(PartnershipCode {
        code,
        media_id: p.media_id.clone(),
        expires_at: expires_at.map(|ms| ms.div_euclid(1000)),
    })
}

/// Hosts a file.
pub fn put_file(
    c: &Connection,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<(), StageError> {
    if !valid_file_name(name) {
        return Err(invalid(
            "file names are 1-128 characters of letters, digits, '.', '_', '-'",
        ));
    }
    store::put_file(c, name, content_type, bytes)?;
    Ok(())
}

/// Changes app settings (call limits in memory, switches in the store).
pub async fn set_app(app: &App, s: &AppSettings) -> Result<(), StageError> {
    if s.app_calls_per_hour == Some(0) || s.account_calls_per_hour == Some(0) {
        return Err(invalid("call limits must be at least 1 per hour"));
    }
    if let Some(v) = &s.default_version {
        if crate::versions::VERSIONS
            .iter()
            .all(|known| known.name != v)
        {
            let known: Vec<&str> = crate::versions::VERSIONS.iter().map(|v| v.name).collect();
            return Err(invalid(format!(
                "default_version {v:?} is not a Graph version the sandbox knows ({})",
                known.join(", ")
            )));
        }
    }
    let mut limits: rate_limit::Limits = app.usage.limits();
    if let Some(n) = s.app_calls_per_hour {
        limits.app_calls_per_hour = n;
    }
    if let Some(n) = s.account_calls_per_hour {
        limits.account_calls_per_hour = n;
    }
    if let Some(on) = s.ads_audio_swap_enabled {
        app.store
            .write(move |c| store::set_ads_audio_swap_enabled(c, on))
            .await?;
    }
    if let Some(on) = s.require_appsecret_proof {
        app.store
            .write(move |c| store::set_require_appsecret_proof(c, on))
            .await?;
        app.switches.set_require_appsecret_proof(on);
    }
    if let Some(v) = s.default_version.clone() {
        app.store
            .write(move |c| store::set_default_version(c, Some(&v)))
            .await?;
        app.switches
            .set_default_version(s.default_version.as_deref());
    }
    app.usage.set_limits(limits);
    Ok(())
}

/// Moves the virtual clock forward by `ms`; returns the new virtual time in ms.
pub async fn advance_clock(app: &App, ms: i64) -> Result<i64, StageError> {
    let max_s = crate::runtime::clock::MAX_OFFSET_MS / 1000;
    let refused = || {
        invalid(format!(
            "seconds must be between 0 and {max_s}, and the clock cannot run more than {max_s} \
             seconds (1,000 years) ahead of real time in all (it is {} s ahead now)",
            app.clock.offset_ms() / 1000
        ))
    };
    if !(0..=crate::runtime::clock::MAX_OFFSET_MS).contains(&ms) {
        return Err(refused());
    }
    app.advance_clock(ms).await?.ok_or_else(refused)
}

/// Adds a fault rule (its error must be a catalog entry).
pub fn add_fault(app: &App, rule: NewRule) -> Result<Rule, StageError> {
    app.faults.add(rule).map_err(StageError::Invalid)
}

/// The error a refused operation answers with on the control plane.
pub fn control_error(e: &StageError) -> CatalogError {
    use instapub_errors::placeholder;
    match e {
        StageError::Invalid(reason) => {
            CatalogError::new(Id::ControlInvalid).with(placeholder::REASON, reason.as_str())
        }
        StageError::NotFound { kind, id } => CatalogError::new(Id::ControlNotFound)
            .with(placeholder::NODE_TYPE, *kind)
            .with(placeholder::NODE_ID, id.as_str()),
        StageError::Store(_) => CatalogError::new(Id::ServiceUnavailable),
    }
}

/// Back to the first-start state: the demo account and token only, the clock at real time, no
/// stored bytes, log, fault rules or counted calls.
pub async fn reset(app: &App) -> Result<(), store::StoreError> {
    let demo = app.demo.clone();
    let quota = app.config.quota_total;
    app.store
        .write(move |c| store::reset(c, &demo.account, &demo.token, quota))
        .await?;
    app.clock.set_offset_ms(0);
    if let Err(e) = app.blobs.clear() {
        tracing::error!(error = %e, "stored media bytes not removed");
    }
    app.log.clear();
    app.report.clear();
    app.faults.clear();
    app.usage.clear();
    app.switches.clear();
    Ok(())
}

/// The app-wide settings and the media store's use.
pub async fn app_state(app: &App) -> Result<answer::AppState, store::StoreError> {
    let limits = app.usage.limits();
    let audio = app.store.read(store::ads_audio_swap_enabled).await?;
    Ok(answer::AppState {
        app_calls_per_hour: limits.app_calls_per_hour,
        account_calls_per_hour: limits.account_calls_per_hour,
        ads_audio_swap_enabled: audio,
        require_appsecret_proof: app.switches.require_appsecret_proof(),
        default_version: app.switches.default_version().to_owned(),
        media_store: answer::MediaStore {
            used_bytes: app.blobs.used(),
            max_bytes: app.blobs.cap(),
        },
    })
}

/// An app as a client is configured with it.
pub fn app_identity(a: store::MetaApp) -> answer::App {
    answer::App {
        app_id: a.id,
        app_secret: a.secret,
        name: a.name,
        redirect_uris: a.redirect_uris,
    }
}

/// A minted code as the control plane answers it.
pub fn oauth_code_answer(code: store::Code) -> answer::OauthCode {
    answer::OauthCode {
        code: code.code,
        login: code.login.as_str().to_owned(),
        app_id: code.app_id,
        user_id: code.subject_id,
        scopes: code.scopes,
        declined: code.declined,
        redirect_uri: code.redirect_uri,
        expires_in: crate::identity::grants::CODE_LIFE_S,
    }
}
