//! The dashboard at `/_sandbox/ui`: what an integration did, shown to a person.
//!
//! Server-rendered HTML (maud templates in [`pages`]), one small script and one stylesheet
//! compiled into the binary; it works offline. Pages: the phone (each account's profile, story
//! row and post grid from the stored media, a post view with its slides in order, caption,
//! comments, likes and insights), the timeline (containers and their life on the virtual
//! clock), the request inspector (live, each error explained from the catalog), the catalog
//! browser, and controls (clock, fault rules) that call the control plane, so nothing the page
//! does is impossible over HTTP.
//!
//! Access: the admin key. `instapub serve` prints a URL with `?key=`; opening it sets an
//! HttpOnly, SameSite=Strict cookie (`instapub_admin`) the control plane accepts too. Without
//! it the page asks for the key.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use bytes::Bytes;

use crate::app::App;
use crate::guard::{cookie_key, COOKIE};
use crate::route::DashboardRoute;
use crate::store::{self, Media};

mod data;
mod pages;

pub use data::{AppSwitches, Chrome, PhoneData, PostData};

/// Posts per page of the grid.
const GRID_PAGE: u32 = 24;
/// Requests the inspector shows at first (newer ones arrive live).
const INSPECTOR_ROWS: usize = 200;

fn query_map(query: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn html(status: StatusCode, markup: maud::Markup) -> Response {
    let mut r = (status, Html(markup.into_string())).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    static CSP: std::sync::OnceLock<HeaderValue> = std::sync::OnceLock::new();
    let csp = CSP.get_or_init(|| {
        HeaderValue::from_str(&crate::guard::dashboard_csp(pages::SCRIPT))
            .unwrap_or_else(|_| HeaderValue::from_static("frame-ancestors 'none'"))
    });
    crate::guard::dashboard_headers(r.headers_mut(), csp.clone());
    r
}

/// Handles a dashboard route; `params` are its path parameters.
pub async fn handle(
    app: Arc<App>,
    route: DashboardRoute,
    params: &[&str],
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let q = query_map(query);
    let given = q.get("key").map(String::as_str);
    // The printed URL logs the browser in: the cookie, then the same page without the key.
    if let Some(key) = given {
        if crate::identity::credentials::secret_eq(key, &app.admin_key) {
            let mut path = match (route, params.first()) {
                (DashboardRoute::Page, Some(p)) => format!("/_sandbox/ui/{p}"),
                (DashboardRoute::Post, Some(p)) => format!("/_sandbox/ui/post/{p}"),
                _ => "/_sandbox/ui".to_owned(),
            };
            let rest: Vec<(&String, &String)> = q.iter().filter(|(k, _)| *k != "key").collect();
            if !rest.is_empty() {
                path.push('?');
                path.push_str(
                    &url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(rest)
                        .finish(),
                );
            }
            return login_redirect(&app, &path);
        }
        return html(StatusCode::UNAUTHORIZED, pages::login(true));
    }
    if route == DashboardRoute::SignIn {
        let form = query_map(std::str::from_utf8(body).ok());
        return match form.get("key") {
            Some(k) if crate::identity::credentials::secret_eq(k, &app.admin_key) => {
                login_redirect(&app, "/_sandbox/ui")
            }
            _ => html(StatusCode::UNAUTHORIZED, pages::login(true)),
        };
    }
    // The cookie, or the control plane's own header (scripts and curl).
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !cookie_key(headers)
        .or(bearer)
        .is_some_and(|k| crate::identity::credentials::secret_eq(k, &app.admin_key))
    {
        return html(StatusCode::UNAUTHORIZED, pages::login(false));
    }
    let param = params.first().copied().unwrap_or_default();
    match route {
        DashboardRoute::Events => events(&app, &q),
        DashboardRoute::Post => post(&app, param).await,
        DashboardRoute::Page => match param {
            "requests" => requests(&app, &q).await,
            "timeline" => timeline(&app, &q).await,
            "catalog" => html(StatusCode::OK, pages::catalog(&chrome(&app, "catalog"))),
            "webhooks" => webhooks(&app).await,
            "report" => match app.report.read(&app.store, app.clock.now_ms()).await {
                Ok(report) => html(
                    StatusCode::OK,
                    pages::report(&chrome(&app, "report"), &report),
                ),
                Err(e) => html(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    pages::not_found(&chrome(&app, ""), &format!("report ({e})")),
                ),
            },
            "grid" => {
                let data = phone_data(&app, &q).await;
                html(StatusCode::OK, pages::grid(&data))
            }
            _ => html(
                StatusCode::NOT_FOUND,
                pages::not_found(&chrome(&app, ""), param),
            ),
        },
        _ => {
            let data = phone_data(&app, &q).await;
            html(StatusCode::OK, pages::phone(&chrome(&app, "phone"), &data))
        }
    }
}

fn login_redirect(app: &App, to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    let cookie = format!(
        "{COOKIE}={}; Path=/_sandbox; HttpOnly; SameSite=Strict",
        app.admin_key
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn chrome(app: &App, current: &'static str) -> Chrome {
    Chrome {
        current,
        now_s: app.clock.now_s(),
    }
}

/// The picture a post shows in the grid: its image, a video's thumbnail, an album's first
/// child's image.
fn preview(c: &rusqlite::Connection, base: &str, m: &Media) -> Option<String> {
    match m.media_type {
        instapub_rules::MediaType::CarouselAlbum => {
            let first = m.children.first()?;
            let child = store::media(c, first).ok()??;
            preview(c, base, &child)
        }
        instapub_rules::MediaType::Video => crate::hosts::thumbnail_url(base, m),
        _ => crate::hosts::media_url(base, m),
    }
}

async fn phone_data(app: &Arc<App>, q: &HashMap<String, String>) -> PhoneData {
    let wanted = q.get("account").cloned();
    let page: u32 = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let base = app.base_url().to_owned();
    let now = app.clock.now_ms();
    let demo = app.demo.account.id.clone();
    let loaded = app
        .store
        .read(move |c| {
            let accounts = store::accounts(c)?;
            let id = wanted.unwrap_or(demo);
            let account = accounts.iter().find(|a| a.id == id).cloned();
            let Some(account) = account else {
                return Ok(PhoneData {
                    accounts,
                    account: None,
                    profile: store::Profile::default(),
                    media_count: 0,
                    posts: Vec::new(),
                    more: None,
                    stories: Vec::new(),
                    base,
                    quota_usage: 0,
                    calls: (0, 0),
                    limits: crate::runtime::rate_limit::Limits::default(),
                    switches: Default::default(),
                });
            };
            let profile = store::profile(c, &account.id)?;
            let media_count = store::media_count(c, &account.id)?;
            let (posts, more) = store::account_media_page(
                c,
                &account.id,
                GRID_PAGE * page,
                store::PageFrom::Start,
            )?;
            let posts = posts
                .into_iter()
                .map(|m| {
                    let p = preview(c, &base, &m);
                    (m, p)
                })
                .collect();
            let stories = store::account_stories(c, &account.id, now)?
                .into_iter()
                .map(|m| {
                    let p = preview(c, &base, &m);
                    (m, p)
                })
                .collect();
            let more =
                more.then(|| format!("/_sandbox/ui?account={}&page={}", account.id, page + 1));
            let quota_usage = store::quota_usage(c, &account.id, now, None)?;
            Ok(PhoneData {
                accounts,
                account: Some(account),
                profile,
                media_count,
                posts,
                more,
                stories,
                base,
                quota_usage,
                calls: (0, 0),
                limits: crate::runtime::rate_limit::Limits::default(),
                switches: Default::default(),
            })
        })
        .await;
    let data = loaded.unwrap_or_else(|e| {
        tracing::error!(error = %e, "the dashboard could not read the store");
        PhoneData {
            accounts: Vec::new(),
            account: None,
            profile: store::Profile::default(),
            media_count: 0,
            posts: Vec::new(),
            more: None,
            stories: Vec::new(),
            base: app.base_url().to_owned(),
            quota_usage: 0,
            calls: (0, 0),
            limits: crate::runtime::rate_limit::Limits::default(),
            switches: Default::default(),
        }
    });
    // Rate-limit usage is in memory, beside the store.
    let mut data = data;
    if let Some(a) = &data.account {
        data.calls = app.usage.counts(&a.id, app.clock.now_ms());
    }
    data.limits = app.usage.limits();
    data.switches = AppSwitches {
        require_appsecret_proof: app.switches.require_appsecret_proof(),
        default_version: app.switches.default_version(),
    };
    data
}

async fn post(app: &Arc<App>, id: &str) -> Response {
    let id = id.to_owned();
    let base = app.base_url().to_owned();
    let loaded = app
        .store
        .read(move |c| {
            let Some(media) = store::media(c, &id)? else {
                return Ok(None);
            };
            let username = store::account(c, &media.account_id)?
                .map(|a| a.username)
                .unwrap_or_default();
            let slides = if media.children.is_empty() {
                vec![(media.clone(), slide_url(&base, &media))]
            } else {
                store::child_media(c, &media.id)?
                    .into_iter()
                    .map(|m| {
                        let u = slide_url(&base, &m);
                        (m, u)
                    })
                    .collect()
            };
            let (top, _) = store::comments_page(c, &media.id, None, 50, None)?;
            let mut comments = Vec::new();
            for k in top {
                let (replies, _) = store::comments_page(c, &media.id, Some(&k.id), 50, None)?;
                comments.push((k, replies));
            }
            let comments_count = store::comments_count(c, &media.id)?;
            let mut insights: Vec<(String, i64)> =
                store::insights(c, &media.id)?.into_iter().collect();
            insights.sort();
            let products = product_tags(c, &media)?;
            Ok(Some(PostData {
                media,
                username,
                slides,
                comments,
                comments_count,
                insights,
                products,
                base,
            }))
        })
        .await;
    match loaded {
        Ok(Some(data)) => html(StatusCode::OK, pages::post(&chrome(app, "phone"), &data)),
        _ => html(
            StatusCode::NOT_FOUND,
            pages::not_found(&chrome(app, "phone"), "this post"),
        ),
    }
}

/// The products a post was tagged with (from its container's `product_tags`), named from the
/// account's catalogs when they have them.
fn product_tags(
    c: &rusqlite::Connection,
    media: &Media,
) -> Result<Vec<(String, Option<String>)>, store::StoreError> {
    let Some(container) = media.container_id.as_deref() else {
        return Ok(Vec::new());
    };
    let Some(k) = store::container(c, container)? else {
        return Ok(Vec::new());
    };
    let params = crate::params::Params::from_json(&k.params);
    let Ok(Some(tags)) = params.json("product_tags") else {
        return Ok(Vec::new());
    };
    let products: Vec<store::Product> = store::catalogs(c, &media.account_id)?
        .into_iter()
        .flat_map(|k| k.products)
        .collect();
    Ok(tags
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let v = t.get("product_id")?;
            let id = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            let name = products.iter().find(|p| p.id == id).map(|p| p.name.clone());
            Some((id, name))
        })
        .collect())
}

/// What a slide shows: a video's own URL (played), an image's.
fn slide_url(base: &str, m: &Media) -> Option<String> {
    crate::hosts::media_url(base, m).or_else(|| m.media_url.clone())
}

async fn requests(app: &Arc<App>, q: &HashMap<String, String>) -> Response {
    let code: Option<i64> = q.get("code").and_then(|c| c.parse().ok());
    let subcode: Option<i64> = q.get("subcode").and_then(|c| c.parse().ok());
    let mut log = app.log.recent();
    let newest = log.last().map(|e| e.seq).unwrap_or(0);
    log.reverse();
    let total = log.len();
    let shown: Vec<_> = log
        .into_iter()
        .filter(|e| code.is_none_or(|c| e.error_code == Some(c)))
        .filter(|e| subcode.is_none_or(|s| e.error_subcode == Some(s)))
        .take(INSPECTOR_ROWS)
        .collect();
    let faults = app.faults.list();
    html(
        StatusCode::OK,
        pages::requests(
            &chrome(app, "requests"),
            &shown,
            total,
            newest,
            &faults,
            code.is_some(),
        ),
    )
}

async fn webhooks(app: &Arc<App>) -> Response {
    let app_id = app.demo.app.id.clone();
    let view = app
        .store
        .read(move |c| {
            let Some(s) = store::webhooks::subscription(c, &app_id, crate::webhooks::emit::OBJECT)?
            else {
                return Ok(None);
            };
            let mut installs = Vec::new();
            for a in store::accounts(c)? {
                for i in store::webhooks::installs_reaching(c, &a.id)? {
                    if i.app_id == app_id {
                        let how = match i.login {
                            store::webhooks::Login::Facebook => "through its Page",
                            store::webhooks::Login::Instagram => "Instagram Login",
                        };
                        installs.push(format!("{} ({how})", a.username));
                    }
                }
            }
            Ok(Some(data::WebhookView {
                callback_url: s.callback_url,
                fields: s.fields.into_iter().map(|f| f.name).collect(),
                active: s.active,
                installs,
            }))
        })
        .await
        .ok()
        .flatten();
    let deliveries = crate::webhooks::control::deliveries(app)
        .await
        .unwrap_or_default();
    html(
        StatusCode::OK,
        pages::webhooks(&chrome(app, "webhooks"), view.as_ref(), &deliveries),
    )
}

async fn timeline(app: &Arc<App>, q: &HashMap<String, String>) -> Response {
    let id = q
        .get("account")
        .cloned()
        .unwrap_or_else(|| app.demo.account.id.clone());
    let lookup = id.clone();
    let containers = app
        .store
        .read(move |c| store::account_containers(c, &lookup, 200))
        .await
        .unwrap_or_default();
    let log = app.log.recent();
    let now = app.clock.now_ms();
    let rows: Vec<data::TimelineRow> = containers
        .into_iter()
        .map(|k| {
            let touched: Vec<u64> = log
                .iter()
                .filter(|e| {
                    e.path.contains(&k.id)
                        || e.query.as_deref().is_some_and(|q| q.contains(&k.id))
                        || e.body.contains(&k.id)
                        || e.response.contains(&k.id)
                })
                .map(|e| e.seq)
                .collect();
            data::TimelineRow {
                status: k.status(now).code().to_owned(),
                container: k,
                touched,
            }
        })
        .collect();
    html(
        StatusCode::OK,
        pages::timeline(&chrome(app, "timeline"), &id, &rows),
    )
}

/// `GET /_sandbox/ui/events?after=SEQ`: Server-Sent Events, one `request` event per logged
/// request after `after`, carrying the inspector's row for it.
fn events(app: &Arc<App>, q: &HashMap<String, String>) -> Response {
    let after: u64 = q.get("after").and_then(|a| a.parse().ok()).unwrap_or(0);
    let rx = app.log.watch();
    let first = Bytes::from_static(b": connected\n\n");
    let app = Arc::clone(app);
    let updates =
        futures_util::stream::unfold((rx, after, app), |(mut rx, last, app)| async move {
            rx.changed().await.ok()?;
            let entries = app.log.since(last);
            let last = entries.last().map_or(last, |e| e.seq);
            let text: String = entries
                .iter()
                .map(|e| {
                    let data = serde_json::json!({
                        "seq": e.seq,
                        "method": e.method,
                        "path": e.path,
                        "status": e.status,
                        "html": pages::request_row(e).into_string(),
                    });
                    format!("event: request\ndata: {data}\n\n")
                })
                .collect();
            Some((Ok::<Bytes, Infallible>(Bytes::from(text)), (rx, last, app)))
        });
    let stream =
        futures_util::stream::once(async move { Ok::<Bytes, Infallible>(first) }).chain(updates);
    let mut r = (StatusCode::OK, Body::from_stream(stream)).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

use futures_util::StreamExt;
