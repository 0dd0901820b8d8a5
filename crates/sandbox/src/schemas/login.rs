//! The login hosts' parameters and answers: the consent pages (`www.facebook.com`,
//! `www.instagram.com`) answer HTML and redirects; api.instagram.com's token exchange answers
//! JSON, and fails in its own flat shape ([`super::InstagramOauthError`]).

#![allow(
    dead_code,
    reason = "descriptions for the OpenAPI document: never constructed, as the handlers write their JSON"
)]

use schemars::JsonSchema;

/// The consent page's parameters, as an app's login link carries them.
#[derive(Debug, JsonSchema)]
pub struct AuthorizeParams {
    pub client_id: String,
    pub redirect_uri: String,
    /// Scopes, comma-separated.
    pub scope: Option<String>,
    /// Handed back unchanged with the code.
    pub state: Option<String>,
    /// `code`.
    pub response_type: Option<String>,
}

/// The consent page's form: the user's decision for one account.
#[derive(Debug, JsonSchema)]
pub struct ConsentForm {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    /// The account (or Facebook user) consenting.
    pub account: Option<String>,
    pub decision: Option<Decision>,
    /// The page's anti-forgery token.
    pub fb_dtsg: Option<String>,
}

/// What the user clicked.
#[derive(Debug, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allow,
    Cancel,
}

/// `POST api.instagram.com/oauth/access_token` (a form or multipart).
#[derive(Debug, JsonSchema)]
pub struct InstagramCodeForm {
    pub client_id: String,
    pub client_secret: String,
    /// `authorization_code`.
    pub grant_type: String,
    pub redirect_uri: String,
    pub code: String,
}

/// A short-lived Instagram user token.
#[derive(Debug, JsonSchema)]
pub struct InstagramUserToken {
    pub access_token: String,
    pub user_id: i64,
    pub permissions: Vec<String>,
}
