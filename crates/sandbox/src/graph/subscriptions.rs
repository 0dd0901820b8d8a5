//! Webhook subscriptions, as Meta's API has them (`crate::webhooks` delivers them).
//!
//! Two layers. The app declares its callback and fields: `GET/POST/DELETE
//! /{app-id}/subscriptions` with its app token; a POST sends Meta's verification request to
//! the callback first and keeps nothing unless the challenge comes back ((#2200) otherwise),
//! adds its fields to those already there (each with the version of the call), and makes the
//! subscription active again. Each account turns delivery on for the app: a Page with its Page
//! token (`/{page-id}/subscribed_apps`, Facebook Login; `subscribed_fields` are Page fields,
//! Meta's refusal lists them), an Instagram account with its own token
//! (`/{ig-user-id}/subscribed_apps` or `/me/subscribed_apps`, Instagram Login; the fields are
//! Instagram's and filter what is sent).

use axum::response::Response;
use serde_json::{json, Value};

use super::accounts::Facebook;
use super::ctx::Ctx;
use crate::error::{
    graph_ok, invalid, object_not_found, required, store_failed, ApiError, ApiResult,
};
use crate::params::Params;
use crate::schemas::Success;
use crate::store::webhooks::{self as hooks, Install, Login, SubscribedField, Subscription};
use crate::store::{MetaApp, Page, Who};
use crate::webhooks::payload::{one_of, INSTAGRAM_FIELDS, OBJECTS, PAGE_FIELDS};
use instapub_errors::{placeholder, Id};

/// The most fields one call names.
const MAX_FIELDS: usize = 100;

/// A list parameter: `a,b`, or a JSON array of strings.
fn names(params: &Params, name: &str) -> ApiResult<Option<Vec<String>>> {
    let Some(text) = params.str(name) else {
        return Ok(None);
    };
    let text = text.trim();
    let list: Vec<String> = if text.starts_with('[') {
        serde_json::from_str::<Vec<String>>(text)
            .map_err(|_| invalid(name, "a list of field names"))?
    } else {
        text.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    if list.len() > MAX_FIELDS {
        return Err(invalid(name, "at most 100 field names"));
    }
    Ok(Some(list))
}

/// Every name of `list` must be in `allowed`; the refusal names the first that is not.
fn all_in(param: &str, list: &[String], allowed: &[&str]) -> ApiResult<()> {
    match list.iter().position(|f| !allowed.contains(&f.as_str())) {
        Some(i) => Err(invalid(&format!("{param}[{i}]"), &one_of(allowed))),
        None => Ok(()),
    }
}

/// The app token must be this app's own.
fn own_app(fb: &Facebook, a: &MetaApp, method: &str) -> ApiResult<()> {
    match &fb.principal.who {
        Who::App(id) if id == &a.id => Ok(()),
        _ => Err(object_not_found(&a.id, method)),
    }
}

fn subscription_json(s: &Subscription) -> Value {
    json!({
        "object": s.object,
        "callback_url": s.callback_url,
        "active": s.active,
        "fields": s.fields,
    })
}

/// `GET /{app-id}/subscriptions`.
pub async fn list(fb: &Facebook, a: &MetaApp) -> ApiResult<Response> {
    own_app(fb, a, "get")?;
    let id = a.id.clone();
    let subs = fb
        .app
        .store
        .read(move |c| hooks::subscriptions(c, &id))
        .await
        .map_err(store_failed)?;
    let data: Vec<Value> = subs.iter().map(subscription_json).collect();
    Ok(graph_ok(&json!({ "data": data })))
}

/// `POST /{app-id}/subscriptions`: verify the callback, then add the fields.
pub async fn subscribe(fb: &Facebook, a: &MetaApp) -> ApiResult<Response> {
    own_app(fb, a, "post")?;
    let p = &fb.params;
    let object = p.str("object").ok_or_else(|| required("object"))?;
    if !OBJECTS.contains(&object.as_str()) {
        return Err(invalid("object", &one_of(OBJECTS)));
    }
    let fields = names(p, "fields")?.unwrap_or_default();
    if object == crate::webhooks::emit::OBJECT {
        all_in("fields", &fields, INSTAGRAM_FIELDS)?;
    }
    let (app_id, obj) = (a.id.clone(), object.clone());
    let existing = fb
        .app
        .store
        .read(move |c| hooks::subscription(c, &app_id, &obj))
        .await
        .map_err(store_failed)?;
    let callback_url = match (p.str("callback_url"), &existing) {
        (Some(u), _) => u,
        (None, Some(s)) => s.callback_url.clone(),
        (None, None) => return Err(required("callback_url")),
    };
    let verify_token = p.str("verify_token").unwrap_or_default();
    p.bool("include_values")?;
    let callback = fb
        .app
        .webhooks
        .check_callback(&callback_url)
        .map_err(|why| invalid("callback_url", &why))?;
    fb.app
        .webhooks
        .verify(&callback, &verify_token)
        .await
        .map_err(|reason| {
            ApiError::new(Id::CallbackVerificationFailed).with(placeholder::REASON, reason)
        })?;
    let mut merged = existing
        .as_ref()
        .map(|s| s.fields.clone())
        .unwrap_or_default();
    for f in fields {
        if !merged.iter().any(|m| m.name == f) {
            merged.push(SubscribedField {
                name: f,
                version: fb.served.to_owned(),
            });
        }
    }
    let sub = Subscription {
        app_id: a.id.clone(),
        object,
        callback_url,
        verify_token,
        include_values: p
            .bool("include_values")?
            .or(existing.as_ref().map(|s| s.include_values))
            .unwrap_or(true),
        active: true,
        fields: merged,
    };
    fb.app
        .store
        .write(move |c| hooks::put_subscription(c, &sub))
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&Success { success: true }))
}

/// `DELETE /{app-id}/subscriptions`: an object's fields, an object, or everything.
pub async fn unsubscribe(fb: &Facebook, a: &MetaApp) -> ApiResult<Response> {
    own_app(fb, a, "delete")?;
    let object = fb.params.str("object");
    let fields = names(&fb.params, "fields")?;
    let app_id = a.id.clone();
    fb.app
        .store
        .write(move |c| {
            match (&object, fields) {
                (Some(o), Some(fields)) => {
                    if let Some(mut s) = hooks::subscription(c, &app_id, o)? {
                        s.fields.retain(|f| !fields.contains(&f.name));
                        if s.fields.is_empty() {
                            hooks::delete_subscriptions(c, &app_id, Some(o))?;
                        } else {
                            hooks::put_subscription(c, &s)?;
                        }
                    }
                }
                _ => {
                    hooks::delete_subscriptions(c, &app_id, object.as_deref())?;
                }
            }
            Ok(())
        })
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&Success { success: true }))
}

/// The Page token must be this Page's own.
fn own_page(fb: &Facebook, page: &Page, method: &str) -> ApiResult<()> {
    match &fb.principal.who {
        Who::Page(mine, _) if mine.id == page.id => Ok(()),
        _ => Err(object_not_found(&page.id, method)),
    }
}

/// `GET /{page-id}/subscribed_apps`: the apps installed on the Page.
pub async fn page_apps(fb: &Facebook, page: &Page) -> ApiResult<Response> {
    own_page(fb, page, "get")?;
    let id = page.id.clone();
    let rows = fb
        .app
        .store
        .read(move |c| {
            let mut out = Vec::new();
            for i in hooks::installs_on(c, &id)? {
                if let Some(app) = crate::store::app(c, &i.app_id)? {
                    out.push((app, i.subscribed_fields));
                }
            }
            Ok(out)
        })
        .await
        .map_err(store_failed)?;
    let data: Vec<Value> = rows
        .into_iter()
        .map(|(app, fields)| {
            json!({
                "link": format!("https://www.facebook.com/games/?app_id={}", app.id),
                "name": app.name,
                "id": app.id,
                "subscribed_fields": fields,
            })
        })
        .collect();
    Ok(graph_ok(&json!({ "data": data })))
}

/// `POST /{page-id}/subscribed_apps?subscribed_fields=`: installs the token's app.
pub async fn page_install(fb: &Facebook, page: &Page) -> ApiResult<Response> {
    own_page(fb, page, "post")?;
    let fields = names(&fb.params, "subscribed_fields")?
        .filter(|f| !f.is_empty())
        .ok_or_else(|| required("subscribed_fields"))?;
    all_in("subscribed_fields", &fields, PAGE_FIELDS)?;
    install(
        fb.app.as_ref(),
        Install {
            app_id: fb.principal.app.id.clone(),
            node_id: page.id.clone(),
            login: Login::Facebook,
            subscribed_fields: fields,
        },
    )
    .await
}

/// `DELETE /{page-id}/subscribed_apps`: uninstalls the token's app.
pub async fn page_uninstall(fb: &Facebook, page: &Page) -> ApiResult<Response> {
    own_page(fb, page, "delete")?;
    uninstall(fb.app.as_ref(), &fb.principal.app.id, &page.id).await
}

/// `GET /{ig-user-id}/subscribed_apps`: the token's app's install on the account.
pub async fn ig_apps(ctx: &Ctx) -> ApiResult<Response> {
    let id = ctx.caller.account.id.clone();
    let app_id = ctx.caller.app.id.clone();
    let installs = ctx
        .app
        .store
        .read(move |c| hooks::installs_on(c, &id))
        .await
        .map_err(store_failed)?;
    let data: Vec<Value> = installs
        .into_iter()
        .filter(|i| i.app_id == app_id && i.login == Login::Instagram)
        .map(|i| json!({ "subscribed_fields": i.subscribed_fields }))
        .collect();
    Ok(graph_ok(&json!({ "data": data })))
}

/// `POST /{ig-user-id}/subscribed_apps?subscribed_fields=`: installs the token's app.
pub async fn ig_install(ctx: &Ctx) -> ApiResult<Response> {
    let fields = names(&ctx.params, "subscribed_fields")?
        .filter(|f| !f.is_empty())
        .ok_or_else(|| required("subscribed_fields"))?;
    all_in("subscribed_fields", &fields, INSTAGRAM_FIELDS)?;
    install(
        ctx.app.as_ref(),
        Install {
            app_id: ctx.caller.app.id.clone(),
            node_id: ctx.caller.account.id.clone(),
            login: Login::Instagram,
            subscribed_fields: fields,
        },
    )
    .await
}

/// `DELETE /{ig-user-id}/subscribed_apps`.
pub async fn ig_uninstall(ctx: &Ctx) -> ApiResult<Response> {
    uninstall(ctx.app.as_ref(), &ctx.caller.app.id, &ctx.caller.account.id).await
}

async fn install(app: &crate::app::App, i: Install) -> ApiResult<Response> {
    let now = app.clock.now_ms();
    app.store
        .write(move |c| hooks::put_install(c, &i, now))
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&Success { success: true }))
}

async fn uninstall(app: &crate::app::App, app_id: &str, node_id: &str) -> ApiResult<Response> {
    let (a, n) = (app_id.to_owned(), node_id.to_owned());
    app.store
        .write(move |c| hooks::delete_install(c, &a, &n))
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&Success { success: true }))
}
