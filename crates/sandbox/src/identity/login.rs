//! The login hosts: the consent pages of Facebook Login (`www.facebook.com/{version}/dialog/oauth`)
//! and Instagram Login (`www.instagram.com/oauth/authorize`), and Instagram's code exchange
//! (`POST api.instagram.com/oauth/access_token`).
//!
//! The consent page is a real HTML form: it names the app, lets the person pick who logs in (a
//! Facebook user, or an Instagram account), shows the requested scopes as checkboxes (unchecked
//! ones are declined), and Allow or Cancel. Allow redirects to `redirect_uri` with `code` and
//! `state`; Cancel with the error parameters Meta uses. Both append the fragment Meta appends
//! (`#_=_`, Instagram `#_`). `client_id` and `redirect_uri` are checked against the app first:
//! Facebook shows an error page, Instagram answers in api.instagram.com's flat JSON shape.
//! Headless tests skip the page with `POST /_sandbox/oauth/codes`.

use std::sync::Arc;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use instapub_errors::{placeholder, CatalogError, Id, Profile};
use maud::{html, Markup, DOCTYPE};
use serde_json::json;

use crate::app::App;
use crate::control::stage::{self, NewOauthCode};
use crate::error::{graph_ok, new_trace_id};
use crate::identity::credentials::login_scopes;
use crate::identity::grants::{self, CodeErrors, SHORT_LIVED_S};
use crate::params::Params;
use crate::route::LoginRoute;
use crate::store::{self, Login, MetaApp, TokenKind};

/// Handles a login-host route.
pub async fn handle(app: Arc<App>, route: LoginRoute, params: Params) -> Response {
    let profile = app.config.profile;
    match route {
        LoginRoute::FacebookDialog => dialog(&app, Login::Facebook, &params).await,
        LoginRoute::InstagramAuthorize => dialog(&app, Login::Instagram, &params).await,
        LoginRoute::InstagramAuthorizeApiHost => to_www_instagram(&app, &params),
        LoginRoute::FacebookConsent => consent(&app, Login::Facebook, &params).await,
        LoginRoute::InstagramConsent => consent(&app, Login::Instagram, &params).await,
        LoginRoute::InstagramToken => instagram_token(&app, &params)
            .await
            .unwrap_or_else(|e| flat_error(&e, profile)),
    }
}

/// `GET api.instagram.com/oauth/authorize`: the same Authorization Window, at the address
/// Instagram's consent page has today (the query as it came).
fn to_www_instagram(app: &App, params: &Params) -> Response {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            params
                .names()
                .filter_map(|name| params.str(name).map(|value| (name, value))),
        )
        .finish();
    let location = format!(
        "{}/{}/oauth/authorize?{query}",
        app.base_url(),
        crate::hosts::WWW_INSTAGRAM
    );
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// A path on a login host nobody serves.
pub fn not_found(app: &App, path: &str) -> Response {
    let e = CatalogError::new(Id::UnknownPathComponents).with(placeholder::PATH, path);
    error_page(&e, app.config.profile)
}

/// api.instagram.com's flat error body.
fn flat_error(e: &CatalogError, profile: Profile) -> Response {
    let env = e.render(profile, new_trace_id());
    let status = StatusCode::from_u16(env.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut r = (status, env.to_instagram_oauth_json()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    r
}

/// An error page for a person in a browser, naming the catalog error.
fn error_page(e: &CatalogError, profile: Profile) -> Response {
    let env = e.render(profile, new_trace_id());
    let status = StatusCode::from_u16(env.status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = page(
        "Error",
        html! {
            h1 { "Sorry, something went wrong" }
            p.error { (env.message) }
            p.muted { "Graph error code " (env.code) " (" (e.id.name()) "). " code { "instapub explain " (e.id.name()) } " says more." }
        },
    );
    html_page(status, body)
}

fn page(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | instapub sandbox" }
                style { (STYLE) }
            }
            body {
                main { (content) }
                footer { "instapub sandbox: a local emulator of Meta's login, not Meta." }
            }
        }
    }
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,sans-serif;background:#f0f2f5;color:#1c1e21;margin:0;padding:2rem 1rem}\
main{max-width:28rem;margin:0 auto;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.12);padding:1.5rem}\
h1{font-size:1.25rem;margin:0 0 1rem}label{display:block;margin:.4rem 0}fieldset{border:1px solid #dddfe2;border-radius:8px;margin:1rem 0;padding:.5rem 1rem}\
.buttons{display:flex;gap:.75rem;margin-top:1.25rem}button{flex:1;font-size:1rem;padding:.6rem;border-radius:6px;border:0;cursor:pointer}\
button.allow{background:#1877f2;color:#fff}button.cancel{background:#e4e6eb;color:#1c1e21}button:focus-visible{outline:3px solid #f7b928}\
.muted{color:#65676b;font-size:.9rem}.error{color:#b3261e}footer{text-align:center;color:#65676b;font-size:.8rem;margin-top:1rem}";

/// The app and redirect URI a dialog request names, checked; the error to show otherwise.
async fn checked_app(
    app: &App,
    login: Login,
    params: &Params,
) -> Result<(MetaApp, String), CatalogError> {
    let client_id = params.str("client_id").unwrap_or_default();
    let redirect_uri = params.str("redirect_uri").unwrap_or_default();
    let id = client_id.clone();
    let found = app
        .store
        .read(move |c| store::app(c, &id))
        .await
        .map_err(|_| CatalogError::new(Id::ServiceUnavailable))?;
    let Some(meta_app) = found else {
        return Err(match login {
            Login::Facebook => CatalogError::new(Id::AppIdInvalid),
            Login::Instagram => CatalogError::new(Id::InstagramInvalidPlatformApp),
        });
    };
    let parsed = url::Url::parse(&redirect_uri).ok();
    let well_formed =
        parsed.is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.fragment().is_none());
    let allowed =
        meta_app.redirect_uris.is_empty() || meta_app.redirect_uris.contains(&redirect_uri);
    if !well_formed || !allowed {
        return Err(match login {
            Login::Facebook => CatalogError::new(Id::RedirectUriNotAllowed),
            Login::Instagram => CatalogError::new(Id::InstagramRedirectUriMismatch),
        });
    }
    if login == Login::Instagram {
        let response_type = params.str("response_type").unwrap_or_default();
        if response_type != "code" {
            return Err(CatalogError::new(Id::InstagramUnsupportedResponseType));
        }
    }
    Ok((meta_app, redirect_uri))
}

/// The scopes a dialog asks for: `scope` split at commas or spaces, kept if the login has them
/// (default: every scope of the login).
fn requested_scopes(login: Login, params: &Params) -> Vec<String> {
    let known = login_scopes(login);
    let asked: Vec<String> = params
        .str("scope")
        .unwrap_or_default()
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| known.contains(s))
        .map(str::to_owned)
        .collect();
    if asked.is_empty() {
        known.iter().map(|s| s.to_string()).collect()
    } else {
        asked
    }
}

/// Who can log in: Facebook users, or Instagram accounts (id, label).
async fn people(app: &App, login: Login) -> Vec<(String, String)> {
    app.store
        .read(move |c| {
            Ok(match login {
                Login::Facebook => store::fb_users(c)?
                    .into_iter()
                    .map(|u| (u.id, u.name))
                    .collect(),
                Login::Instagram => store::accounts(c)?
                    .into_iter()
                    .map(|a| (a.id, format!("@{}", a.username)))
                    .collect(),
            })
        })
        .await
        .unwrap_or_default()
}

fn refused(login: Login, e: &CatalogError, profile: Profile) -> Response {
    match login {
        Login::Facebook => error_page(e, profile),
        Login::Instagram => flat_error(e, profile),
    }
}

/// `GET` the consent page.
async fn dialog(app: &App, login: Login, params: &Params) -> Response {
    let profile = app.config.profile;
    let (meta_app, redirect_uri) = match checked_app(app, login, params).await {
        Ok(x) => x,
        Err(e) => return refused(login, &e, profile),
    };
    let scopes = requested_scopes(login, params);
    let who = people(app, login).await;
    let state = params.str("state").unwrap_or_default();
    let (brand, pick) = match login {
        Login::Facebook => ("Facebook", "Continue as"),
        Login::Instagram => ("Instagram", "Log in as"),
    };
    let body = page(
        &format!("Log in with {brand}"),
        html! {
            h1 { (meta_app.name) " wants to use your " (brand) " account" }
            form method="post" {
                input type="hidden" name="client_id" value=(meta_app.id);
                input type="hidden" name="redirect_uri" value=(redirect_uri);
                input type="hidden" name="state" value=(state);
                input type="hidden" name="scope" value=(scopes.join(","));
                input type="hidden" name="response_type" value=(params.str("response_type").unwrap_or_else(|| "code".into()));
                input type="hidden" name="fb_dtsg" value=(form_token(app, login, &meta_app.id, &redirect_uri, &state, &scopes.join(","), wall_clock_s()));
                fieldset {
                    legend { (pick) }
                    @for (i, (id, label)) in who.iter().enumerate() {
                        label {
                            input type="radio" name="account" value=(id) checked[i == 0];
                            " " (label)
                        }
                    }
                }
                fieldset {
                    legend { "It will be able to" }
                    @for scope in &scopes {
                        label {
                            input type="checkbox" name=(format!("grant_{scope}")) value="on" checked;
                            " " code { (scope) }
                        }
                    }
                }
                p.muted { "You will go back to " code { (redirect_uri) } "." }
                div.buttons {
                    button.cancel type="submit" name="decision" value="cancel" { "Cancel" }
                    button.allow type="submit" name="decision" value="allow" { "Allow" }
                }
            }
        },
    );
    html_page(StatusCode::OK, body)
}

/// How long a served consent form may be submitted (real time: advancing the virtual clock
/// between showing and submitting the page does not expire it).
const FORM_TTL_S: i64 = 3600;

/// Seconds since the Unix epoch, by the machine's clock.
fn wall_clock_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The consent form's token (`fb_dtsg`, as Meta names its own): when it was issued and an
/// HMAC over it and everything the decision depends on, so a decision posted from anywhere
/// but a page the sandbox served, for the same app, redirect URI, state and scopes, is
/// refused (login CSRF), while a test that reads the form and posts it back works.
fn form_token(
    app: &App,
    login: Login,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
    scope: &str,
    issued_s: i64,
) -> String {
    use hmac::Mac;
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&app.form_key) else {
        return String::new();
    };
    for part in [login.as_str(), client_id, redirect_uri, state, scope] {
        mac.update(&(part.len() as u64).to_le_bytes());
        mac.update(part.as_bytes());
    }
    mac.update(&issued_s.to_le_bytes());
    let sig: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{issued_s}.{sig}")
}

/// Whether the posted form carries a token this sandbox issued for exactly this decision.
fn form_token_valid(
    app: &App,
    login: Login,
    client_id: &str,
    redirect_uri: &str,
    params: &Params,
) -> bool {
    let sent = params.str("fb_dtsg").unwrap_or_default();
    let Some((issued, _)) = sent.split_once('.') else {
        return false;
    };
    let Ok(issued) = issued.parse::<i64>() else {
        return false;
    };
    let fresh = wall_clock_s()
        .checked_sub(issued)
        .is_some_and(|age| (-60..=FORM_TTL_S).contains(&age));
    if !fresh {
        return false;
    }
    let expected = form_token(
        app,
        login,
        client_id,
        redirect_uri,
        &params.str("state").unwrap_or_default(),
        &params.str("scope").unwrap_or_default(),
        issued,
    );
    crate::identity::credentials::secret_eq(&sent, &expected)
}

/// An HTML page of the login hosts, never framed.
fn html_page(status: StatusCode, body: Markup) -> Response {
    let mut r = (status, Html(body.into_string())).into_response();
    crate::guard::consent_headers(r.headers_mut());
    r
}

/// `POST` the consent page: redirect with a code, or with the cancel error.
async fn consent(app: &App, login: Login, params: &Params) -> Response {
    let profile = app.config.profile;
    let (meta_app, redirect_uri) = match checked_app(app, login, params).await {
        Ok(x) => x,
        Err(e) => return refused(login, &e, profile),
    };
    if !form_token_valid(app, login, &meta_app.id, &redirect_uri, params) {
        return refused(login, &CatalogError::new(Id::ConsentFormInvalid), profile);
    }
    let state = params.str("state");
    let fragment = match login {
        Login::Facebook => "#_=_",
        Login::Instagram => "#_",
    };
    let mut query: Vec<(String, String)> = Vec::new();
    if params.str("decision").as_deref() == Some("allow") {
        let asked = requested_scopes(login, params);
        // A checked box arrives as `grant_{scope}`; an unchecked one does not arrive.
        let granted: Vec<String> = asked
            .iter()
            .filter(|a| params.has(&format!("grant_{a}")))
            .cloned()
            .collect();
        let declined: Vec<String> = asked
            .iter()
            .filter(|a| !granted.contains(a))
            .cloned()
            .collect();
        let account = params.str("account").unwrap_or_default();
        let new = NewOauthCode {
            login: login.as_str().to_owned(),
            user_id: account,
            app_id: Some(meta_app.id.clone()),
            scopes: Some(granted),
            declined: Some(declined),
            redirect_uri: Some(redirect_uri.clone()),
        };
        let now = app.clock.now_ms();
        let minted = app
            .store
            .transact(move |c| stage::create_oauth_code(c, &new, now))
            .await;
        match minted {
            Ok(code) => query.push(("code".into(), code.code)),
            Err(e) => {
                let e =
                    CatalogError::new(Id::ControlInvalid).with(placeholder::REASON, e.to_string());
                return refused(login, &e, profile);
            }
        }
    } else {
        let description = match login {
            Login::Facebook => "Permissions error",
            Login::Instagram => "The user denied your request",
        };
        query.push(("error".into(), "access_denied".into()));
        if login == Login::Facebook {
            query.push(("error_code".into(), "200".into()));
        }
        query.push(("error_description".into(), description.into()));
        query.push(("error_reason".into(), "user_denied".into()));
    }
    if let Some(s) = state.filter(|s| !s.is_empty()) {
        query.push(("state".into(), s));
    }
    let mut target = match url::Url::parse(&redirect_uri) {
        Ok(u) => u,
        Err(_) => {
            return refused(
                login,
                &CatalogError::new(Id::RedirectUriNotAllowed),
                profile,
            )
        }
    };
    target.query_pairs_mut().extend_pairs(&query);
    let location = format!("{target}{fragment}");
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// `POST api.instagram.com/oauth/access_token`: a code for a short-lived Instagram user token.
async fn instagram_token(app: &App, params: &Params) -> Result<Response, CatalogError> {
    let need = |name: &str| {
        params.str(name).filter(|v| !v.is_empty()).ok_or_else(|| {
            CatalogError::new(Id::InstagramMissingParameter).with(placeholder::PARAM, name)
        })
    };
    let client_id = need("client_id")?;
    let secret = need("client_secret")?;
    let grant_type = need("grant_type")?;
    let redirect_uri = need("redirect_uri")?;
    let code = need("code")?;
    if grant_type != "authorization_code" {
        return Err(CatalogError::new(Id::InstagramMissingParameter)
            .with(placeholder::PARAM, "grant_type of authorization_code"));
    }
    let id = client_id.clone();
    let meta_app = app
        .store
        .read(move |c| store::app(c, &id))
        .await
        .map_err(|_| CatalogError::new(Id::ServiceUnavailable))?
        .ok_or_else(|| CatalogError::new(Id::InstagramInvalidPlatformApp))?;
    // api.instagram.com answers a wrong secret like a redirect mismatch.
    if !crate::identity::credentials::secret_eq(&secret, &meta_app.secret) {
        return Err(CatalogError::new(Id::InstagramRedirectUriMismatch));
    }
    let errors = CodeErrors {
        unknown: CatalogError::new(Id::InstagramCodeNotFound),
        used: CatalogError::new(Id::InstagramCodeNotFound),
        expired: CatalogError::new(Id::InstagramCodeNotFound),
        redirect: CatalogError::new(Id::InstagramRedirectUriMismatch),
    };
    // Meta appends `#_` to the redirect; a client that kept it in the code is forgiven.
    let code = code.trim_end_matches("#_");
    let k = grants::redeem(
        app,
        code,
        Login::Instagram,
        &meta_app.id,
        &redirect_uri,
        &errors,
    )
    .await?;
    let t = grants::mint(
        app,
        TokenKind::InstagramUser,
        &k.subject_id,
        &meta_app.id,
        k.scopes.clone(),
        k.declined.clone(),
        Some(SHORT_LIVED_S),
    )
    .await
    .map_err(|e| e.0)?;
    let user_id: serde_json::Value = k
        .subject_id
        .parse::<u64>()
        .map(|n| json!(n))
        .unwrap_or_else(|_| json!(k.subject_id));
    Ok(graph_ok(&json!({
        "access_token": t.token,
        "user_id": user_id,
        "permissions": k.scopes,
    })))
}
