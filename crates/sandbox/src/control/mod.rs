//! The control plane under `/_sandbox/`: what a test uses to set the stage. JSON in and out,
//! `Authorization: Bearer <admin key>` on everything but `GET /_sandbox/files/{name}` (files
//! must be fetchable without credentials, like any public media URL) and the OpenAPI document.
//!
//! Its routes are rows of the route table ([`crate::route::ROUTES`]); this module turns HTTP
//! into calls of the validated [`stage`] operations, which [`scenario`] files and the typed
//! helpers on `Sandbox` call too. [`openapi`] describes every route of the table.

use std::sync::Arc;

use axum::http::{header, HeaderMap, Method};
use axum::response::Response;
use instapub_errors::Id;

use crate::app::App;
use crate::error::{graph_ok, store_failed, ApiError, ApiResult};
use crate::route::ControlRoute;
use crate::schemas::control as answer;
use crate::schemas::{List, Success};
use crate::store::blobs::Blob;
use crate::store::{self, Account};
use crate::webhooks::control as webhooks;

pub mod openapi;
pub mod scenario;
pub mod stage;

use stage::StageError;

/// Handles a control-plane route; `params` are its `{parameter}` path segments in order.
pub async fn handle(
    app: Arc<App>,
    route: ControlRoute,
    params: &[&str],
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Response> {
    // The caller was admitted (`authorize`) by the server before the body was read.
    let param = params.first().copied().unwrap_or_default();
    let now = app.clock.now_ms();
    match route {
        ControlRoute::CreateAccount => {
            let a: stage::NewAccount = parse(body)?;
            let quota = app.config.quota_total;
            let (account, token) =
                staged(&app, move |c| stage::create_account(c, &a, quota, now)).await?;
            Ok(graph_ok(&account_answer(&account, Some(token.token))))
        }
        ControlRoute::ListAccounts => {
            let accounts = app
                .store
                .read(store::accounts)
                .await
                .map_err(store_failed)?;
            let data = accounts.iter().map(|a| account_answer(a, None)).collect();
            Ok(graph_ok(&List { data }))
        }
        ControlRoute::PatchAccount => {
            let p: stage::AccountPatch = parse(body)?;
            let id = param.to_owned();
            let account = staged(&app, move |c| stage::update_account(c, &id, &p)).await?;
            Ok(graph_ok(&account_answer(&account, None)))
        }
        ControlRoute::CreateToken => {
            let t: stage::NewToken = parse(body)?;
            let token = staged(&app, move |c| stage::create_token(c, &t, now)).await?;
            Ok(graph_ok(&answer::Token {
                access_token: token.token,
                user_id: token.account_id,
                permissions: token.permissions,
                expires_at: token.expires_at.map(|ms| ms.div_euclid(1000)),
            }))
        }
        ControlRoute::CreateCatalog => {
            let k: stage::NewCatalog = parse(body)?;
            let catalog = staged(&app, move |c| stage::create_catalog(c, &k)).await?;
            Ok(graph_ok(&catalog))
        }
        ControlRoute::CreateMedia => {
            let m: stage::NewMedia = parse(body)?;
            let media = staged(&app, move |c| stage::create_media(c, &m, now)).await?;
            Ok(graph_ok(&answer::Media {
                id: media.id,
                media_type: media.media_type.to_string(),
                media_product_type: media.media_product_type.to_string(),
                copyrighted_music: media.copyrighted_music,
            }))
        }
        ControlRoute::PatchMedia => {
            let p: stage::MediaPatch = parse(body)?;
            let id = param.to_owned();
            let media = staged(&app, move |c| stage::update_media(c, &id, &p)).await?;
            Ok(graph_ok(&answer::MediaActivity {
                id: media.id,
                like_count: media.like_count,
                comment_enabled: media.comment_enabled,
            }))
        }
        ControlRoute::CreateComment => {
            let k: stage::NewComment = parse(body)?;
            let created = staged(&app, move |c| stage::create_comment(c, &k, now)).await?;
            let ids: Vec<String> = created.into_iter().map(|k| k.id).collect();
            Ok(graph_ok(&answer::Comments {
                id: ids.first().cloned(),
                ids,
            }))
        }
        ControlRoute::CreateApp => {
            let a: stage::NewApp = parse(body)?;
            let created = staged(&app, move |c| stage::create_app(c, &a)).await?;
            Ok(graph_ok(&stage::app_identity(created)))
        }
        ControlRoute::ListApps => {
            let apps = app.store.read(store::apps).await.map_err(store_failed)?;
            let data = apps.into_iter().map(stage::app_identity).collect();
            Ok(graph_ok(&List { data }))
        }
        ControlRoute::CreateFacebookUser => {
            let u: stage::NewFacebookUser = parse(body)?;
            let created = staged(&app, move |c| stage::create_facebook_user(c, &u)).await?;
            Ok(graph_ok(&created))
        }
        ControlRoute::CreatePage => {
            let p: stage::NewPage = parse(body)?;
            let created = staged(&app, move |c| stage::create_page(c, &p)).await?;
            Ok(graph_ok(&created))
        }
        ControlRoute::CreateBusiness => {
            let b: stage::NewBusiness = parse(body)?;
            let created = staged(&app, move |c| stage::create_business(c, &b)).await?;
            Ok(graph_ok(&created))
        }
        ControlRoute::CreateOauthCode => {
            let k: stage::NewOauthCode = parse(body)?;
            let code = staged(&app, move |c| stage::create_oauth_code(c, &k, now)).await?;
            Ok(graph_ok(&stage::oauth_code_answer(code)))
        }
        ControlRoute::CreatePartnershipCode => {
            let p: stage::NewPartnershipCode = parse(body)?;
            let code = staged(&app, move |c| stage::create_partnership_code(c, &p, now)).await?;
            Ok(graph_ok(&code))
        }
        ControlRoute::GetApp => Ok(graph_ok(
            &stage::app_state(&app).await.map_err(store_failed)?,
        )),
        ControlRoute::PatchApp => {
            let s: stage::AppSettings = parse(body)?;
            stage::set_app(&app, &s).await.map_err(refused)?;
            Ok(graph_ok(
                &stage::app_state(&app).await.map_err(store_failed)?,
            ))
        }
        ControlRoute::AddFault => {
            let rule = stage::add_fault(&app, parse(body)?).map_err(refused)?;
            Ok(graph_ok(&rule))
        }
        ControlRoute::ListFaults => Ok(graph_ok(&List {
            data: app.faults.list(),
        })),
        ControlRoute::DeleteFault => {
            if app.faults.remove(param) {
                Ok(graph_ok(&Success { success: true }))
            } else {
                Err(refused(StageError::NotFound {
                    kind: "fault",
                    id: param.to_owned(),
                }))
            }
        }
        ControlRoute::AdvanceClock => {
            let a: stage::Advance = parse(body)?;
            // Out of range either way: the operation names the limit.
            let ms = a.seconds.checked_mul(1000).unwrap_or(-1);
            stage::advance_clock(&app, ms).await.map_err(refused)?;
            Ok(graph_ok(&clock(&app)))
        }
        ControlRoute::GetClock => Ok(graph_ok(&clock(&app))),
        ControlRoute::Reset => {
            stage::reset(&app).await.map_err(store_failed)?;
            Ok(graph_ok(&Success { success: true }))
        }
        ControlRoute::Report => Ok(graph_ok(
            &app.report
                .read(&app.store, app.clock.now_ms())
                .await
                .map_err(store_failed)?,
        )),
        ControlRoute::ResetReport => {
            app.report.clear();
            Ok(graph_ok(&Success { success: true }))
        }
        ControlRoute::Requests => {
            // Serialized from the entries directly: a `json!` tree of a full log was a second
            // copy of it (issue 23's memory benchmark).
            Ok(graph_ok(&List {
                data: app.log.recent(),
            }))
        }
        ControlRoute::SubscribeWebhooks => {
            let s: webhooks::NewSubscription = parse(body)?;
            let sub = webhooks::subscribe(&app, s).await.map_err(refused)?;
            Ok(graph_ok(&sub))
        }
        ControlRoute::WebhookDeliveries => Ok(graph_ok(&List {
            data: webhooks::deliveries(&app).await.map_err(store_failed)?,
        })),
        ControlRoute::RedeliverWebhook => Ok(graph_ok(
            &webhooks::redeliver(&app, param).await.map_err(refused)?,
        )),
        ControlRoute::TestWebhook => {
            let t: webhooks::NewTest = parse(body)?;
            Ok(graph_ok(&webhooks::test(&app, t).await.map_err(refused)?))
        }
        ControlRoute::TriggerWebhook => {
            let t: webhooks::Trigger = parse(body)?;
            Ok(graph_ok(
                &webhooks::trigger(&app, t).await.map_err(refused)?,
            ))
        }
        ControlRoute::PutFile => put_file(&app, param, headers, body).await,
        ControlRoute::GetFile => serve_file(&app, param, headers).await,
        ControlRoute::OpenApi => Ok(graph_ok(&openapi::document(app.base_url()))),
    }
}

/// The admin key, as `Authorization: Bearer <key>` (the scheme in any case, RFC 9110), or in
/// the dashboard's cookie: then a state-changing call must also come from the dashboard's own
/// page ([`crate::guard::same_origin_write`]), since a browser sends the cookie with requests
/// that other local pages make.
pub fn authorize(app: &App, method: &Method, headers: &HeaderMap) -> ApiResult<()> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim());
    let right = |k: &str| crate::identity::credentials::secret_eq(k, &app.admin_key);
    if bearer.is_some_and(right) {
        return Ok(());
    }
    match crate::guard::cookie_key(headers) {
        Some(k) if right(k) => crate::guard::same_origin_write(method, headers),
        _ => Err(ApiError::new(Id::AdminKeyInvalid)),
    }
}

/// A staging operation in one transaction, its refusal as the control plane's error.
async fn staged<T, F>(app: &App, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&rusqlite::Connection) -> Result<T, StageError> + Send + 'static,
{
    app.store.transact(|tx| f(tx)).await.map_err(refused)
}

fn refused(e: StageError) -> ApiError {
    if let StageError::Store(inner) = &e {
        tracing::error!(error = %inner, "the store failed");
    }
    ApiError(stage::control_error(&e))
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| refused(StageError::Invalid(format!("invalid JSON body: {e}"))))
}

fn account_answer(a: &Account, access_token: Option<String>) -> answer::Account {
    answer::Account {
        id: a.id.clone(),
        username: a.username.clone(),
        restricted: a.restricted,
        spam_flagged: a.spam_flagged,
        quota_total: a.quota_total,
        shopping_eligible: a.shopping_eligible,
        access_token,
    }
}

fn clock(app: &App) -> answer::Clock {
    answer::Clock {
        now: app.clock.now_s(),
        offset_seconds: app.clock.offset_ms() / 1000,
    }
}

async fn put_file(
    app: &Arc<App>,
    name: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let (n, bytes, size) = (name.to_owned(), body.to_vec(), body.len());
    staged(app, move |c| stage::put_file(c, &n, &content_type, &bytes)).await?;
    Ok(graph_ok(&answer::File {
        name: name.to_owned(),
        size,
        url: format!("{}/_sandbox/files/{name}", app.base_url()),
    }))
}

async fn serve_file(app: &Arc<App>, name: &str, headers: &HeaderMap) -> ApiResult<Response> {
    let n = name.to_owned();
    let file = app
        .store
        .read(move |c| store::file(c, &n))
        .await
        .map_err(store_failed)?;
    let Some((content_type, bytes)) = file else {
        return Err(refused(StageError::NotFound {
            kind: "file",
            id: name.to_owned(),
        }));
    };
    Ok(crate::runtime::ranged::serve(
        Blob::Memory(bytes.into()),
        &content_type,
        headers,
        app.config.profile,
    )
    .await)
}
