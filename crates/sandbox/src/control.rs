//! The control plane under `/_sandbox/`: what a test uses to set the stage. JSON in and out,
//! `Authorization: Bearer <admin key>` on everything but `GET /_sandbox/files/{name}` (files
//! must be fetchable without credentials, like any public media URL).
//!
//! | route | what |
//! |---|---|
//! | `POST /_sandbox/accounts`, `PATCH /_sandbox/accounts/{id}`, `GET /_sandbox/accounts` | accounts and their flags |
//! | `POST /_sandbox/tokens` | tokens with permissions and expiry |
//! | `POST /_sandbox/clock/advance`, `GET /_sandbox/clock` | the virtual clock |
//! | `POST /_sandbox/reset` | back to the first-start state |
//! | `PUT /_sandbox/files/{name}`, `GET /_sandbox/files/{name}` | media hosted by the sandbox itself |
//! | `GET /_sandbox/requests` | recent Graph requests and their answers |
//! | `POST/GET /_sandbox/faults`, `DELETE /_sandbox/faults/{id}` | fault-injection rules |
//! | `PATCH/GET /_sandbox/app` | app settings: call limits, ads audio swap |
//! | `POST /_sandbox/catalogs` | product catalogs with review states |
//! | `POST /_sandbox/media` | existing media (reels with or without copyrighted music) |
//! | `POST /_sandbox/partnership_ad_codes` | partnership ad codes for a media |
//! | `GET /_sandbox/openapi.json` | the OpenAPI description of all routes (no key needed) |

use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use instapub_errors::{placeholder, Id};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::{all_permissions, full_token, new_access_token, App};
use crate::error::{graph_ok, ApiError, ApiResult};
use crate::graph::store_failed;
use crate::store::{self, Account, Token};

/// Handles a `/_sandbox/...` request (path without the prefix in `rest`).
pub async fn handle(
    app: Arc<App>,
    method: &Method,
    rest: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Response> {
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    match (method, segs.as_slice()) {
        (&Method::GET, ["files", name]) => return serve_file(&app, name).await,
        (&Method::GET, ["openapi.json"]) => {
            return Ok(graph_ok(&crate::openapi::document(app.base_url())))
        }
        _ => {}
    }
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if key != Some(app.admin_key.as_str()) {
        return Err(ApiError::new(Id::AdminKeyInvalid));
    }
    match (method.clone(), segs.as_slice()) {
        (Method::POST, ["accounts"]) => create_account(&app, parse(body)?).await,
        (Method::GET, ["accounts"]) => list_accounts(&app).await,
        (Method::PATCH, ["accounts", id]) => patch_account(&app, id, parse(body)?).await,
        (Method::POST, ["tokens"]) => create_token(&app, parse(body)?).await,
        (Method::POST, ["clock", "advance"]) => advance(&app, parse(body)?).await,
        (Method::GET, ["clock"]) => Ok(graph_ok(&clock(&app))),
        (Method::POST, ["reset"]) => reset(&app).await,
        (Method::PUT, ["files", name]) => put_file(&app, name, headers, body).await,
        (Method::GET, ["requests"]) => Ok(graph_ok(&json!({ "data": app.log.recent() }))),
        (Method::POST, ["faults"]) => {
            let rule = app.faults.add(parse(body)?).map_err(invalid)?;
            Ok(graph_ok(&rule))
        }
        (Method::GET, ["faults"]) => Ok(graph_ok(&json!({ "data": app.faults.list() }))),
        (Method::DELETE, ["faults", id]) => {
            if app.faults.remove(id) {
                Ok(graph_ok(&json!({ "success": true })))
            } else {
                Err(not_found("fault", id))
            }
        }
        (Method::PATCH, ["app"]) => patch_app(&app, parse(body)?).await,
        (Method::GET, ["app"]) => Ok(graph_ok(&app_json(&app).await?)),
        (Method::POST, ["catalogs"]) => create_catalog(&app, parse(body)?).await,
        (Method::POST, ["media"]) => create_media(&app, parse(body)?).await,
        (Method::POST, ["partnership_ad_codes"]) => create_code(&app, parse(body)?).await,
        _ => Err(ApiError::new(Id::UnknownPathComponents)
            .with(placeholder::PATH, format!("/_sandbox/{}", segs.join("/")))),
    }
}

fn invalid(reason: impl Into<String>) -> ApiError {
    ApiError::new(Id::ControlInvalid).with(placeholder::REASON, reason)
}

fn not_found(kind: &str, id: &str) -> ApiError {
    ApiError::new(Id::ControlNotFound)
        .with(placeholder::NODE_TYPE, kind)
        .with(placeholder::NODE_ID, id)
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| invalid(format!("invalid JSON body: {e}")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountFields {
    username: Option<String>,
    restricted: Option<bool>,
    spam_flagged: Option<bool>,
    quota_total: Option<u32>,
    shopping_eligible: Option<bool>,
}

fn account_json(a: &Account, token: Option<&str>) -> Value {
    let mut v = json!({
        "id": a.id,
        "username": a.username,
        "restricted": a.restricted,
        "spam_flagged": a.spam_flagged,
        "quota_total": a.quota_total,
        "shopping_eligible": a.shopping_eligible,
    });
    if let Some(t) = token {
        v["access_token"] = json!(t);
    }
    v
}

fn valid_username(u: &str) -> bool {
    !u.is_empty()
        && u.len() <= 30
        && u.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

async fn create_account(app: &Arc<App>, f: AccountFields) -> ApiResult<Response> {
    let username = f
        .username
        .clone()
        .ok_or_else(|| invalid("username is required"))?;
    if !valid_username(&username) {
        return Err(invalid("username must be 1-30 letters, digits, '_' or '.'"));
    }
    let quota = f.quota_total.unwrap_or(app.config.quota_total);
    let now = app.clock.now_ms();
    let result = app
        .store
        .call(move |c| {
            let tx = c.transaction()?;
            if store::account_by_username(&tx, &username)?.is_some() {
                return Ok(None);
            }
            let a = store::insert_account(&tx, &username, quota, now)?;
            let a = store::update_account(
                &tx,
                &a.id,
                f.restricted,
                f.spam_flagged,
                None,
                f.shopping_eligible,
            )?
            .unwrap_or(a);
            let t = full_token(&a.id, None);
            store::insert_token(&tx, &t, now)?;
            tx.commit()?;
            Ok(Some((a, t.token)))
        })
        .await
        .map_err(store_failed)?;
    match result {
        Some((a, token)) => Ok(graph_ok(&account_json(&a, Some(&token)))),
        None => Err(invalid("an account with this username exists")),
    }
}

async fn list_accounts(app: &Arc<App>) -> ApiResult<Response> {
    let accounts = app
        .store
        .call(|c| store::accounts(c))
        .await
        .map_err(store_failed)?;
    let data: Vec<Value> = accounts.iter().map(|a| account_json(a, None)).collect();
    Ok(graph_ok(&json!({ "data": data })))
}

async fn patch_account(app: &Arc<App>, id: &str, f: AccountFields) -> ApiResult<Response> {
    if f.username.is_some() {
        return Err(invalid("username cannot be changed"));
    }
    let id = id.to_owned();
    let lookup = id.clone();
    let updated = app
        .store
        .call(move |c| {
            store::update_account(
                c,
                &lookup,
                f.restricted,
                f.spam_flagged,
                f.quota_total,
                f.shopping_eligible,
            )
        })
        .await
        .map_err(store_failed)?;
    match updated {
        Some(a) => Ok(graph_ok(&account_json(&a, None))),
        None => Err(not_found("account", &id)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFields {
    user_id: String,
    permissions: Option<Vec<String>>,
    /// Seconds from now (virtual clock); absent never expires.
    expires_in: Option<i64>,
}

async fn create_token(app: &Arc<App>, f: TokenFields) -> ApiResult<Response> {
    let now = app.clock.now_ms();
    let token = Token {
        token: new_access_token(),
        account_id: f.user_id.clone(),
        permissions: f.permissions.unwrap_or_else(all_permissions),
        expires_at: f.expires_in.map(|s| now + s.saturating_mul(1000)),
    };
    let stored = token.clone();
    let ok = app
        .store
        .call(move |c| {
            if store::account(c, &stored.account_id)?.is_none() {
                return Ok(false);
            }
            store::insert_token(c, &stored, now)?;
            Ok(true)
        })
        .await
        .map_err(store_failed)?;
    if !ok {
        return Err(not_found("account", &f.user_id));
    }
    Ok(graph_ok(&json!({
        "access_token": token.token,
        "user_id": token.account_id,
        "permissions": token.permissions,
        "expires_at": token.expires_at.map(|ms| ms / 1000),
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: i64,
}

fn clock(app: &App) -> Value {
    json!({
        "now": app.clock.now_s(),
        "offset_seconds": app.clock.offset_ms() / 1000,
    })
}

async fn advance(app: &Arc<App>, a: Advance) -> ApiResult<Response> {
    if a.seconds < 0 {
        return Err(invalid(
            "seconds must be >= 0: the clock only moves forward",
        ));
    }
    app.advance_clock(a.seconds.saturating_mul(1000))
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&clock(app)))
}

async fn reset(app: &Arc<App>) -> ApiResult<Response> {
    let demo = app.demo.clone();
    let quota = app.config.quota_total;
    app.store
        .call(move |c| store::reset(c, &demo.account, &demo.token, quota))
        .await
        .map_err(store_failed)?;
    app.clock.set_offset_ms(0);
    app.log.clear();
    app.faults.clear();
    app.usage.clear();
    Ok(graph_ok(&json!({ "success": true })))
}

fn valid_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

async fn put_file(
    app: &Arc<App>,
    name: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Response> {
    if !valid_file_name(name) {
        return Err(invalid(
            "file names are 1-128 characters of letters, digits, '.', '_', '-'",
        ));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let (n, bytes, size) = (name.to_owned(), body.to_vec(), body.len());
    app.store
        .call(move |c| store::put_file(c, &n, &content_type, &bytes))
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&json!({
        "name": name,
        "size": size,
        "url": format!("{}/_sandbox/files/{name}", app.base_url()),
    })))
}

async fn serve_file(app: &Arc<App>, name: &str) -> ApiResult<Response> {
    let n = name.to_owned();
    let file = app
        .store
        .call(move |c| store::file(c, &n))
        .await
        .map_err(store_failed)?;
    let Some((content_type, bytes)) = file else {
        return Err(not_found("file", name));
    };
    let mut response = (StatusCode::OK, bytes).into_response();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AppFields {
    app_calls_per_hour: Option<u32>,
    account_calls_per_hour: Option<u32>,
    ads_audio_swap_enabled: Option<bool>,
}

/// Whether the app may use ads audio-swap discovery (`ig_audio?product=ADS`).
pub async fn ads_audio_swap_enabled(app: &App) -> ApiResult<bool> {
    let v = app
        .store
        .call(|c| store::meta_get(c, "ads_audio_swap_enabled"))
        .await
        .map_err(store_failed)?;
    Ok(v.as_deref() == Some("1"))
}

async fn app_json(app: &App) -> ApiResult<Value> {
    let limits = app.usage.limits();
    Ok(json!({
        "app_calls_per_hour": limits.app_calls_per_hour,
        "account_calls_per_hour": limits.account_calls_per_hour,
        "ads_audio_swap_enabled": ads_audio_swap_enabled(app).await?,
    }))
}

async fn patch_app(app: &App, f: AppFields) -> ApiResult<Response> {
    let mut limits = app.usage.limits();
    if let Some(n) = f.app_calls_per_hour {
        limits.app_calls_per_hour = n.max(1);
    }
    if let Some(n) = f.account_calls_per_hour {
        limits.account_calls_per_hour = n.max(1);
    }
    app.usage.set_limits(limits);
    if let Some(on) = f.ads_audio_swap_enabled {
        let v = if on { "1" } else { "0" };
        app.store
            .call(move |c| store::meta_set(c, "ads_audio_swap_enabled", v))
            .await
            .map_err(store_failed)?;
    }
    Ok(graph_ok(&app_json(app).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFields {
    user_id: String,
    name: String,
    #[serde(default)]
    products: Vec<ProductFields>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductFields {
    retailer_id: Option<String>,
    name: String,
    review_status: Option<String>,
}

/// Review states Graph reports for catalog products.
pub const REVIEW_STATES: &[&str] = &["approved", "pending", "rejected", "outdated"];

async fn create_catalog(app: &App, f: CatalogFields) -> ApiResult<Response> {
    let mut products = Vec::new();
    for p in f.products {
        let status = p.review_status.unwrap_or_else(|| "approved".into());
        if !REVIEW_STATES.contains(&status.as_str()) {
            return Err(invalid(format!(
                "review_status must be one of {}",
                REVIEW_STATES.join(", ")
            )));
        }
        products.push(store::NewProduct {
            retailer_id: p.retailer_id,
            name: p.name,
            review_status: status,
        });
    }
    let user = f.user_id.clone();
    let created = app
        .store
        .call(move |c| {
            if store::account(c, &user)?.is_none() {
                return Ok(None);
            }
            store::insert_catalog(c, &user, &f.name, &products).map(Some)
        })
        .await
        .map_err(store_failed)?;
    match created {
        Some(catalog) => Ok(graph_ok(&catalog)),
        None => Err(not_found("account", &f.user_id)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MediaFields {
    user_id: String,
    media_type: String,
    media_product_type: String,
    caption: Option<String>,
    #[serde(default)]
    copyrighted_music: bool,
}

async fn create_media(app: &App, f: MediaFields) -> ApiResult<Response> {
    let media_type = f.media_type.to_ascii_uppercase();
    let product_type = f.media_product_type.to_ascii_uppercase();
    if !["IMAGE", "VIDEO", "CAROUSEL_ALBUM"].contains(&media_type.as_str()) {
        return Err(invalid("media_type must be IMAGE, VIDEO or CAROUSEL_ALBUM"));
    }
    if !["FEED", "REELS", "STORY", "AD"].contains(&product_type.as_str()) {
        return Err(invalid(
            "media_product_type must be FEED, REELS, STORY or AD",
        ));
    }
    let now = app.clock.now_ms();
    let user = f.user_id.clone();
    let created = app
        .store
        .call(move |c| {
            if store::account(c, &user)?.is_none() {
                return Ok(None);
            }
            store::insert_seeded_media(
                c,
                &user,
                &media_type,
                &product_type,
                f.caption.as_deref(),
                f.copyrighted_music,
                now,
            )
            .map(Some)
        })
        .await
        .map_err(store_failed)?;
    match created {
        Some(m) => Ok(graph_ok(&json!({
            "id": m.id,
            "media_type": m.media_type,
            "media_product_type": m.media_product_type,
            "copyrighted_music": m.copyrighted_music,
        }))),
        None => Err(not_found("account", &f.user_id)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeFields {
    media_id: String,
    /// Seconds from now (virtual clock); absent never expires.
    expires_in: Option<i64>,
}

async fn create_code(app: &App, f: CodeFields) -> ApiResult<Response> {
    let code = format!("PAC{}", fastrand::u64(..) % 10_000_000_000_000);
    let expires_at = f
        .expires_in
        .map(|s| app.clock.now_ms() + s.saturating_mul(1000));
    let (media, c2) = (f.media_id.clone(), code.clone());
    let ok = app
        .store
        .call(move |c| {
            if store::media(c, &media)?.is_none() {
                return Ok(false);
            }
            store::insert_partnership_code(c, &c2, &media, expires_at)?;
            Ok(true)
        })
        .await
        .map_err(store_failed)?;
    if !ok {
        return Err(not_found("media", &f.media_id));
    }
    Ok(graph_ok(&json!({
        "code": code,
        "media_id": f.media_id,
        "expires_at": expires_at.map(|ms| ms / 1000),
    })))
}
