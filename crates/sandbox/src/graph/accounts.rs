//! Account discovery with Facebook Login: the Facebook user (`/me`), the Pages they administer
//! (`/me/accounts`, with each Page's token and Instagram account), their Businesses and those
//! Businesses' owned and client Pages, the granted permissions, and revoking the app.
//!
//! A Facebook user token reads its own user, Pages and Businesses; a Page token reads its
//! Page. A Page's `access_token` is derived from the user token that reads it (the same user
//! token always gets the same Page token): it never expires when the user token is long-lived,
//! and expires with it otherwise, as Meta documents.

use std::sync::Arc;

use axum::response::Response;
use serde_json::{json, Value};

use super::fields::{self, Field};
use super::view::{select, Out, View, APP_NODE, BUSINESS_NODE, FB_USER_NODE, PAGE_NODE};
use crate::app::App;
use crate::error::{graph_ok, invalid, store_failed, ApiError, ApiResult};
use crate::hosts;
use crate::identity::principal::{Principal, Who};
use crate::params::Params;
use crate::store::{self, Business, FbUser, LoginToken, MetaApp, Node, Page, TokenKind};
use instapub_errors::Id;

/// Pages per page of `/me/accounts` when no limit is given, and at most.
const ACCOUNTS_LIMIT: (i64, i64) = (25, 100);

/// Whether the token may read a Facebook user, Page or Business node.
pub async fn can_read(app: &App, principal: &Principal, node: &Node) -> ApiResult<bool> {
    Ok(match (&principal.who, node) {
        (Who::FacebookUser(me), Node::FbUser(u)) => &u.id == me,
        (Who::FacebookUser(me), Node::Page(p)) => {
            if &p.admin_id == me {
                true
            } else {
                // A Page of a Business the user owns.
                let (me, business) = (me.clone(), p.business_id.clone());
                match business {
                    Some(b) => app
                        .store
                        .read(
                            move |c| Ok(store::business(c, &b)?.is_some_and(|b| b.owner_id == me)),
                        )
                        .await
                        .map_err(store_failed)?,
                    None => false,
                }
            }
        }
        (Who::FacebookUser(me), Node::Business(b)) => &b.owner_id == me,
        (Who::Page(mine, _), Node::Page(p)) => mine.id == p.id,
        // An app's public fields are anyone's to read.
        (_, Node::App(_)) => true,
        _ => false,
    })
}

/// A request on a Facebook user, Page or Business node: the state, the token, the parameters.
pub struct Facebook {
    pub app: Arc<App>,
    pub principal: Principal,
    pub params: Params,
    /// The Graph version answering the call.
    pub served: &'static str,
}

impl Facebook {
    /// Renders the answer on a read connection, with the request's `fields` parsed.
    async fn render<F>(&self, f: F) -> ApiResult<Response>
    where
        F: FnOnce(&rusqlite::Connection, &Env, &[Field], &str) -> ApiResult<Value> + Send + 'static,
    {
        let text = self.params.str("fields").unwrap_or_default();
        let fields = fields::parse(&text)?;
        let env = Env {
            base: self.app.base_url().to_owned(),
            now: self.app.clock.now_ms(),
            login: self.principal.login.clone(),
            token_param: self.params.str("access_token"),
            permissions: Arc::clone(&self.principal.permissions),
        };
        let value = self
            .app
            .store
            .read(move |c| Ok(f(c, &env, &fields, &text)))
            .await
            .map_err(store_failed)??;
        Ok(graph_ok(&value))
    }
}

/// `DELETE /{facebook-user-id}/permissions`: every token the user gave the app stops working.
pub async fn revoke(fb: &Facebook, u: &FbUser) -> ApiResult<Response> {
    let Some(login) = fb.principal.login.clone() else {
        return Err(ApiError::new(Id::PermissionDenied));
    };
    let user = u.id.clone();
    fb.app
        .store
        .write(move |c| store::revoke_tokens(c, &user, &login.app_id))
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&json!({ "success": true })))
}

/// `GET /{facebook-user-id}/permissions`.
pub async fn permissions(fb: &Facebook, _u: &FbUser) -> ApiResult<Response> {
    let login = fb.principal.login.clone();
    let mut data: Vec<Value> = fb
        .principal
        .permissions
        .iter()
        .map(|p| json!({ "permission": p, "status": "granted" }))
        .collect();
    for p in login.map(|l| l.declined).unwrap_or_default() {
        data.push(json!({ "permission": p, "status": "declined" }));
    }
    Ok(graph_ok(&json!({ "data": data })))
}

/// `GET /{facebook-user-id}`.
pub async fn user(fb: &Facebook, u: &FbUser) -> ApiResult<Response> {
    let u = u.clone();
    fb.render(move |_, env, fields, _| {
        let names = Names::of(&u.name);
        select(&u.id, fields, &FB_USER_NODE, |f| {
            Ok(match f.name.as_str() {
                "name" => Out::Plain(Some(json!(u.name))),
                "first_name" => Out::Plain(Some(json!(names.first))),
                "last_name" => Out::Plain(names.last.map(|l| json!(l))),
                "middle_name" => Out::Plain(names.middle.as_ref().map(|m| json!(m))),
                "short_name" => Out::Plain(Some(json!(names.first))),
                "name_format" => Out::Plain(Some(json!(if names.last.is_some() {
                    "{first} {last}"
                } else {
                    "{first}"
                }))),
                // Only with the `email` permission; Graph leaves the field out otherwise.
                "email" => Out::Plain(
                    env.permissions
                        .iter()
                        .any(|p| p == "email")
                        .then(|| json!(names.email(&u.id))),
                ),
                "picture" => Out::Expanded(Some(picture(&env.base, &u.id, f))),
                _ => Out::Unknown,
            })
        })
    })
    .await
}

/// `GET /{page-id}`.
pub async fn page(fb: &Facebook, p: &Page) -> ApiResult<Response> {
    let p = p.clone();
    fb.render(move |c, env, fields, _| render_page(c, env, &p, fields))
        .await
}

/// `GET /{business-id}`.
pub async fn business(fb: &Facebook, b: &Business) -> ApiResult<Response> {
    let b = b.clone();
    fb.render(move |_, _, fields, _| render_business(&b, fields))
        .await
}

/// `GET /{app-id}`: a Meta app's public fields (id and name by default).
pub async fn application(fb: &Facebook, a: &MetaApp) -> ApiResult<Response> {
    let (id, name) = (a.id.clone(), a.name.clone());
    fb.render(move |_, _, fields, _| {
        let defaults;
        let fields = if fields.is_empty() {
            defaults = [Field::named("name")];
            &defaults[..]
        } else {
            fields
        };
        select(&id, fields, &APP_NODE, |f| {
            Ok(match f.name.as_str() {
                "name" => Out::Plain(Some(json!(name))),
                "link" => Out::Plain(Some(json!(format!(
                    "https://www.facebook.com/games/?app_id={id}"
                )))),
                // Fields the sandbox's apps have no value for, which Graph leaves out.
                "category" | "namespace" | "description" => Out::Plain(None),
                _ => Out::Unknown,
            })
        })
    })
    .await
}

/// `GET /{facebook-user-id}/accounts`: the Pages the user administers, paged.
pub async fn user_pages(fb: &Facebook, u: &FbUser) -> ApiResult<Response> {
    let max = match fb.params.str("limit").as_deref() {
        None => ACCOUNTS_LIMIT.0,
        Some(t) => match t.parse::<i64>() {
            Ok(n) if n >= 0 => n.min(ACCOUNTS_LIMIT.1),
            _ => return Err(invalid("limit", "an integer from 0")),
        },
    } as u32;
    let after_id = match fb.params.str("after").as_deref() {
        None => None,
        Some(a) => Some(decode(a).ok_or_else(|| invalid("after", "a cursor from paging.cursors"))?),
    };
    let user = u.id.clone();
    fb.render(move |c, env, fields, text| {
        let (pages, more) = store::admin_pages(c, &user, max, after_id).map_err(store_failed)?;
        let data = pages
            .iter()
            .map(|p| render_page(c, env, p, with_default(fields)))
            .collect::<ApiResult<Vec<_>>>()?;
        let mut out = json!({ "data": data });
        if let (Some(first), Some(last)) = (pages.first(), pages.last()) {
            let (before, after) = (encode(&first.id), encode(&last.id));
            out["paging"] = json!({ "cursors": { "before": before, "after": after } });
            if more {
                let mut query = url::form_urlencoded::Serializer::new(String::new());
                if let Some(t) = &env.token_param {
                    query.append_pair("access_token", t);
                }
                if !text.is_empty() {
                    query.append_pair("fields", text);
                }
                query.append_pair("limit", &max.to_string());
                query.append_pair("after", &after);
                out["paging"]["next"] = json!(format!(
                    "{}/{}/{}/accounts?{}",
                    env.base,
                    hosts::GRAPH_VERSION,
                    user,
                    query.finish()
                ));
            }
        }
        Ok(out)
    })
    .await
}

/// `GET /{facebook-user-id}/businesses`.
pub async fn user_businesses(fb: &Facebook, u: &FbUser) -> ApiResult<Response> {
    let user = u.id.clone();
    fb.render(move |c, _, fields, _| {
        let list = store::businesses_of(c, &user).map_err(store_failed)?;
        let data = list
            .iter()
            .map(|b| render_business(b, fields))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(json!({ "data": data }))
    })
    .await
}

/// `GET /{business-id}/owned_pages`.
pub async fn owned_pages(fb: &Facebook, b: &Business) -> ApiResult<Response> {
    business_pages(fb, b, false).await
}

/// `GET /{business-id}/client_pages`.
pub async fn client_pages(fb: &Facebook, b: &Business) -> ApiResult<Response> {
    business_pages(fb, b, true).await
}

async fn business_pages(fb: &Facebook, b: &Business, client: bool) -> ApiResult<Response> {
    let business = b.id.clone();
    fb.render(move |c, env, fields, _| {
        let pages = store::business_pages(c, &business, client).map_err(store_failed)?;
        let data = pages
            .iter()
            .map(|p| render_page(c, env, p, with_default(fields)))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(json!({ "data": data }))
    })
    .await
}

/// What rendering needs besides the connection.
struct Env {
    base: String,
    now: i64,
    login: Option<LoginToken>,
    /// The token, when it came as a parameter (paging URLs repeat it).
    token_param: Option<String>,
    /// The token's permissions: a field that needs one it lacks is left out.
    permissions: Arc<[String]>,
}

fn render_business(b: &Business, fields: &[Field]) -> ApiResult<Value> {
    select(&b.id, fields, &BUSINESS_NODE, |f| {
        Ok(match f.name.as_str() {
            "name" => Out::Plain(Some(json!(b.name))),
            "link" => Out::Plain(Some(json!(format!(
                "https://business.facebook.com/latest/home?business_id={}",
                b.id
            )))),
            "verification_status" => Out::Plain(Some(json!("not_verified"))),
            _ => Out::Unknown,
        })
    })
}

/// `/me/accounts` without `fields` lists each Page's name, token and id.
fn with_default(fields: &[Field]) -> &[Field] {
    static DEFAULT: std::sync::OnceLock<Vec<Field>> = std::sync::OnceLock::new();
    if fields.is_empty() {
        DEFAULT.get_or_init(|| vec![Field::named("access_token"), Field::named("name")])
    } else {
        fields
    }
}

fn render_page(
    c: &rusqlite::Connection,
    env: &Env,
    p: &Page,
    fields: &[Field],
) -> ApiResult<Value> {
    select(&p.id, fields, &PAGE_NODE, |f| {
        Ok(match f.name.as_str() {
            "name" => Out::Plain(Some(json!(p.name))),
            "username" => Out::Plain(Some(json!(page_username(&p.name)))),
            "category" => Out::Plain(Some(json!(PAGE_CATEGORY.1))),
            "category_list" => Out::Plain(Some(
                json!([{ "id": PAGE_CATEGORY.0, "name": PAGE_CATEGORY.1 }]),
            )),
            "link" => Out::Plain(Some(json!(format!("https://www.facebook.com/{}", p.id)))),
            // The sandbox's Pages have no fans of their own and no about text (left out).
            "fan_count" | "followers_count" => Out::Plain(Some(json!(0))),
            "about" => Out::Plain(None),
            "tasks" => Out::Plain(Some(json!([
                "ADVERTISE",
                "ANALYZE",
                "CREATE_CONTENT",
                "MESSAGING",
                "MODERATE",
                "MANAGE"
            ]))),
            "picture" => Out::Expanded(Some(picture(&env.base, &p.id, f))),
            "access_token" => Out::Plain(match &env.login {
                Some(user) if user.kind == TokenKind::FacebookUser => {
                    Some(json!(page_token(c, env, user, p)?))
                }
                Some(page) if page.kind == TokenKind::Page && page.subject_id == p.id => {
                    Some(json!(page.token))
                }
                _ => None,
            }),
            "instagram_business_account" | "connected_instagram_account" => {
                Out::Expanded(match &p.ig_account_id {
                    None => None,
                    Some(id) if f.sub.is_none() => Some(json!({ "id": id })),
                    Some(id) => match store::account(c, id).map_err(store_failed)? {
                        Some(a) => Some(
                            View {
                                c,
                                base: env.base.clone(),
                                now: env.now,
                                token: env.token_param.clone(),
                            }
                            .node(&Node::Account(a), f.subfields())?,
                        ),
                        None => None,
                    },
                })
            }
            _ => Out::Unknown,
        })
    })
}

/// The Page token a user token reads: derived from it, stored once.
fn page_token(
    c: &rusqlite::Connection,
    env: &Env,
    user: &LoginToken,
    p: &Page,
) -> ApiResult<String> {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{}|{}", user.token, p.id).as_bytes());
    let token: String = std::iter::once("EAAP".to_owned())
        .chain(digest.iter().map(|b| format!("{b:02x}")))
        .collect();
    let known = store::login_token(c, &token).map_err(store_failed)?;
    if known.is_none() {
        let t = LoginToken {
            token: token.clone(),
            kind: TokenKind::Page,
            subject_id: p.id.clone(),
            app_id: user.app_id.clone(),
            scopes: user.scopes.clone(),
            declined: user.declined.clone(),
            // From a long-lived user token, a Page token does not expire.
            expires_at: if user.long_lived {
                None
            } else {
                user.expires_at
            },
            created_at: env.now,
            long_lived: user.long_lived,
            revoked: false,
        };
        store::insert_login_token(c, &t).map_err(store_failed)?;
    }
    Ok(token)
}

/// `picture` as Graph gives it: `{"data": {height, is_silhouette, url, width}}`;
/// `picture.type(large)` is 200 pixels, the default 50.
/// `picture` of a user or Page, as Graph answers it: `type(small|square|normal|album|large)`
/// picks a size (50, 50, 100, 50, 200 pixels), `width(n)` and `height(n)` ask for one (the
/// picture is square, so either gives both; Graph serves at most 720), `redirect(false)` is
/// the shape Graph answers to API calls anyway.
fn picture(base: &str, id: &str, f: &Field) -> Value {
    let asked = |name| {
        f.modifier(name)
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|n| *n > 0)
    };
    let size = match (asked("width"), asked("height")) {
        (Some(w), Some(h)) => w.max(h),
        (Some(n), None) | (None, Some(n)) => n,
        (None, None) => match f.modifier("type") {
            Some("large") => 200,
            Some("normal") => 100,
            _ => 50,
        },
    }
    .min(720);
    json!({ "data": { "height": size, "is_silhouette": false, "url": hosts::avatar_url(base, id), "width": size } })
}

/// The category every sandbox Page is in: `(id, name)` of Meta's category list.
const PAGE_CATEGORY: (&str, &str) = ("1605186416478696", "Brand");

/// A Page's `@username`: its name's letters and digits, lowercase.
fn page_username(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A Facebook user's name in the parts Graph reports: the first word, the last, and what lies
/// between (the sandbox's users have one `name`).
struct Names<'a> {
    first: &'a str,
    middle: Option<String>,
    last: Option<&'a str>,
}

impl<'a> Names<'a> {
    fn of(name: &'a str) -> Names<'a> {
        let words: Vec<&str> = name.split_whitespace().collect();
        match words.as_slice() {
            [] => Names {
                first: name,
                middle: None,
                last: None,
            },
            [only] => Names {
                first: only,
                middle: None,
                last: None,
            },
            [first, between @ .., last] => Names {
                first,
                middle: (!between.is_empty()).then(|| between.join(" ")),
                last: Some(last),
            },
        }
    }

    /// The sandbox user's address: their name at `example.com` (a domain that is never
    /// anyone's), made unique by the id.
    fn email(&self, id: &str) -> String {
        let local: String = self
            .first
            .chars()
            .chain(
                self.last
                    .into_iter()
                    .flat_map(|l| ".".chars().chain(l.chars())),
            )
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let suffix = &id[id.len().saturating_sub(4)..];
        format!("{local}.{suffix}@example.com")
    }
}

fn encode(id: &str) -> String {
    id.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode(c: &str) -> Option<i64> {
    if c.len() > 64 || !c.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Vec<u8> = (0..c.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(c.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    String::from_utf8(bytes).ok()?.parse().ok()
}
