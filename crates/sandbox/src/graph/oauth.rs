//! The token endpoints of the Graph hosts: Facebook Login's code exchange and long-lived
//! exchange (`GET /oauth/access_token`), `GET /debug_token`, and Instagram Login's long-lived
//! exchange and refresh (`GET graph.instagram.com/access_token`, `/refresh_access_token`).
//! api.instagram.com's code exchange, with its own error shape, is in `crate::identity::login`.
//!
//! They authenticate with the app's credentials (`client_id`/`client_secret`, or an app token:
//! `app_id|app_secret` or the one `grant_type=client_credentials` answers), not a user token. Codes work once and briefly; expiry follows the
//! virtual clock. The checks run in the order Graph's answers suggest: the app, its secret,
//! then the code or token.

use axum::response::Response;
use instapub_errors::{placeholder, CatalogError, Id, Profile};
use serde_json::{json, Value};

use crate::app::App;
use crate::error::{graph_ok, required, store_failed, ApiError, ApiResult};
use crate::identity::credentials::{app_token, is_app_token};
use crate::identity::grants::{mint, redeem, CodeErrors, LONG_LIVED_S, SHORT_LIVED_S};
use crate::params::Params;
use crate::store::{self, Login, LoginToken, MetaApp, TokenKind};

/// An Instagram token can be refreshed from this age on.
const REFRESH_AFTER_S: i64 = 24 * 3_600;

fn need(params: &Params, name: &str) -> ApiResult<String> {
    params
        .str(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| required(name))
}

/// The app `client_id` names, with `client_secret` checked.
async fn app_with_secret(app: &App, params: &Params) -> ApiResult<MetaApp> {
    let id = need(params, "client_id")?;
    let secret = need(params, "client_secret")?;
    let found = app
        .store
        .read(move |c| store::app(c, &id))
        .await
        .map_err(store_failed)?;
    let meta_app = found.ok_or_else(|| ApiError::new(Id::AppIdInvalid))?;
    if !crate::identity::credentials::secret_eq(&secret, &meta_app.secret) {
        return Err(ApiError::new(Id::ClientSecretInvalid));
    }
    Ok(meta_app)
}

fn token_answer(t: &LoginToken, life_s: i64) -> Response {
    graph_ok(&json!({ "access_token": t.token, "token_type": "bearer", "expires_in": life_s }))
}

/// `GET graph.facebook.com/oauth/access_token`: a code for a user token, or
/// `grant_type=fb_exchange_token` for a long-lived one.
pub async fn facebook_token(app: &App, params: &Params) -> ApiResult<Response> {
    let meta_app = app_with_secret(app, params).await?;
    if params.str("grant_type").as_deref() == Some("client_credentials") {
        // An app access token: it does not expire, so the answer has no `expires_in`.
        let token = app_token(&meta_app.id, &meta_app.secret);
        return Ok(graph_ok(
            &json!({ "access_token": token, "token_type": "bearer" }),
        ));
    }
    if params.str("grant_type").as_deref() == Some("fb_exchange_token") {
        let given = need(params, "fb_exchange_token")?;
        let found = app
            .store
            .read(move |c| store::login_token(c, &given))
            .await
            .map_err(store_failed)?;
        let Some(old) = found.filter(|t| t.kind == TokenKind::FacebookUser) else {
            return Err(ApiError::new(Id::InvalidAccessToken));
        };
        if old.app_id != meta_app.id {
            return Err(ApiError::new(Id::InvalidAccessToken));
        }
        live(app, &old)?;
        let t = mint(
            app,
            TokenKind::FacebookUser,
            &old.subject_id,
            &meta_app.id,
            old.scopes.clone(),
            old.declined.clone(),
            Some(LONG_LIVED_S),
        )
        .await?;
        return Ok(token_answer(&t, LONG_LIVED_S));
    }
    let code = need(params, "code")?;
    let redirect_uri = params.str("redirect_uri").unwrap_or_default();
    let errors = CodeErrors {
        unknown: CatalogError::new(Id::AuthCodeInvalid),
        used: CatalogError::new(Id::AuthCodeUsed),
        expired: CatalogError::new(Id::AuthCodeExpired),
        redirect: CatalogError::new(Id::RedirectUriMismatch),
    };
    let k = redeem(
        app,
        &code,
        Login::Facebook,
        &meta_app.id,
        &redirect_uri,
        &errors,
    )
    .await
    .map_err(ApiError)?;
    let t = mint(
        app,
        TokenKind::FacebookUser,
        &k.subject_id,
        &meta_app.id,
        k.scopes,
        k.declined,
        Some(SHORT_LIVED_S),
    )
    .await?;
    Ok(token_answer(&t, SHORT_LIVED_S))
}

/// A token still usable: not revoked, not expired.
fn live(app: &App, t: &LoginToken) -> ApiResult<()> {
    if t.revoked {
        return Err(
            ApiError::new(Id::AppNotAuthorized).with(placeholder::NODE_ID, t.app_id.as_str())
        );
    }
    let now = app.clock.now_ms();
    match t.expires_at {
        Some(at) if now >= at => Err(ApiError::new(Id::TokenExpired)
            .with(
                placeholder::EXPIRED_AT,
                crate::identity::principal::pacific_time(at),
            )
            .with(
                placeholder::NOW,
                crate::identity::principal::pacific_time(now),
            )),
        _ => Ok(()),
    }
}

/// `GET /debug_token?input_token=&access_token=APP_ID|APP_SECRET` (or a token of the app).
pub async fn debug_token(app: &App, params: &Params) -> ApiResult<Response> {
    let input = need(params, "input_token")?;
    let auth = need(params, "access_token")?;
    let app_id = auth.split_once('|').map_or("", |(id, _)| id).to_owned();
    let input_app = input.split_once('|').map_or("", |(id, _)| id).to_owned();
    let auth = auth.clone();
    let now = app.clock.now_ms();
    let demo = app.demo.account.id.clone();
    let answer = app
        .store
        .read(move |c| {
            // The caller: an app token of a known app, or a live token of one.
            let caller_app = match store::app(c, &app_id)? {
                Some(a) if is_app_token(&auth, &a.id, &a.secret) => Some(a),
                _ => match store::login_token(c, &auth)? {
                    Some(t) => store::app(c, &t.app_id)?,
                    None => None,
                },
            };
            let Some(caller_app) = caller_app else {
                return Ok(Err(ApiError::new(Id::InvalidAccessToken)));
            };
            // An app token of a known app: what it is, as Meta describes one.
            if let Some(a) = store::app(c, &input_app)?.filter(|a| is_app_token(&input, &a.id, &a.secret)) {
                return Ok(Ok(json!({ "data": {
                    "app_id": a.id,
                    "type": "APP",
                    "application": a.name,
                    "is_valid": true,
                    "scopes": [],
                }})));
            }
            let data = match store::login_token(c, &input)? {
                Some(t) => {
                    let valid = !t.revoked && t.expires_at.is_none_or(|at| now < at);
                    let name = store::app(c, &t.app_id)?.map(|a| a.name).unwrap_or_default();
                    let mut d = json!({
                        "app_id": t.app_id,
                        "type": if t.kind == TokenKind::Page { "PAGE" } else { "USER" },
                        "application": name,
                        "data_access_expires_at": (t.created_at / 1000) + 90 * 86_400,
                        "expires_at": t.expires_at.map_or(0, |ms| ms / 1000),
                        "is_valid": valid,
                        "issued_at": t.created_at / 1000,
                        "scopes": t.scopes,
                        "granular_scopes": t.scopes.iter().map(|s| json!({ "scope": s })).collect::<Vec<_>>(),
                    });
                    match t.kind {
                        TokenKind::Page => {
                            let admin = store::page(c, &t.subject_id)?.map(|p| p.admin_id);
                            d["profile_id"] = json!(t.subject_id);
                            d["user_id"] = json!(admin);
                        }
                        _ => d["user_id"] = json!(t.subject_id),
                    }
                    d
                }
                None => match store::token(c, &input)? {
                    // A control-plane token: a user token of the demo app that never expires.
                    Some(t) => json!({
                        "app_id": caller_app.id,
                        "type": "USER",
                        "application": caller_app.name,
                        "expires_at": t.expires_at.map_or(0, |ms| ms / 1000),
                        "is_valid": t.expires_at.is_none_or(|at| now < at),
                        "scopes": t.permissions,
                        "user_id": if t.account_id.is_empty() { demo } else { t.account_id },
                    }),
                    None => {
                        let e = CatalogError::new(Id::InvalidAccessToken).render(Profile::Documented, "");
                        json!({
                            "error": { "code": e.code, "message": e.message },
                            "is_valid": false,
                            "scopes": [],
                        })
                    }
                },
            };
            Ok(Ok(json!({ "data": data })))
        })
        .await
        .map_err(store_failed)??;
    Ok(graph_ok(&answer))
}

/// The live Instagram user token `access_token` names.
async fn instagram_token(app: &App, params: &Params) -> ApiResult<LoginToken> {
    let given = need(params, "access_token")?;
    let found = app
        .store
        .read(move |c| store::login_token(c, &given))
        .await
        .map_err(store_failed)?;
    let Some(t) = found.filter(|t| t.kind == TokenKind::InstagramUser) else {
        return Err(ApiError::new(Id::InvalidAccessToken));
    };
    live(app, &t)?;
    Ok(t)
}

/// `GET graph.instagram.com/access_token?grant_type=ig_exchange_token&client_secret=&access_token=`.
pub async fn instagram_exchange(app: &App, params: &Params) -> ApiResult<Response> {
    if params.str("grant_type").as_deref() != Some("ig_exchange_token") {
        return Err(ApiError::new(Id::TokenKindUnsupported));
    }
    let secret = need(params, "client_secret")?;
    let short = instagram_token(app, params).await?;
    if short.long_lived {
        return Err(ApiError::new(Id::TokenKindUnsupported));
    }
    let app_id = short.app_id.clone();
    let meta_app = app
        .store
        .read(move |c| store::app(c, &app_id))
        .await
        .map_err(store_failed)?;
    if meta_app.is_none_or(|a| !crate::identity::credentials::secret_eq(&secret, &a.secret)) {
        return Err(ApiError::new(Id::ClientSecretInvalid));
    }
    let t = mint(
        app,
        TokenKind::InstagramUser,
        &short.subject_id,
        &short.app_id,
        short.scopes,
        short.declined,
        Some(LONG_LIVED_S),
    )
    .await?;
    Ok(token_answer(&t, LONG_LIVED_S))
}

/// `GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token&access_token=`.
pub async fn instagram_refresh(app: &App, params: &Params) -> ApiResult<Response> {
    if params.str("grant_type").as_deref() != Some("ig_refresh_token") {
        return Err(ApiError::new(Id::TokenKindUnsupported));
    }
    let old = instagram_token(app, params).await?;
    if !old.long_lived {
        return Err(ApiError::new(Id::TokenKindUnsupported));
    }
    if app.clock.now_ms() - old.created_at < REFRESH_AFTER_S * 1000 {
        return Err(ApiError::new(Id::RefreshTooEarly));
    }
    let t = mint(
        app,
        TokenKind::InstagramUser,
        &old.subject_id,
        &old.app_id,
        old.scopes,
        old.declined,
        Some(LONG_LIVED_S),
    )
    .await?;
    let answer: Value =
        json!({ "access_token": t.token, "token_type": "bearer", "expires_in": LONG_LIVED_S });
    Ok(graph_ok(&answer))
}
