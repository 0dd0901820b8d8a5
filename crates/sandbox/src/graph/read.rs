//! Reads: `GET /{node}` for an IG user, a container or a media object, and
//! `GET /{ig-user-id}/media`.
//!
//! `fields` works as on Graph: without it a node answers `{"id":...}`; with it, the requested
//! fields in the requested order and then `id`; an unknown field is 100 "Tried accessing
//! nonexisting field". Absent values (no caption) are left out, as Graph does.

use axum::response::Response;
use instapub_errors::{placeholder, Id};
use instapub_rules::ProductType;
use serde_json::{json, Map, Value};

use super::ctx::Ctx;
use crate::error::{graph_ok, invalid, store_failed, ApiError, ApiResult};
use crate::store::{self, Account, Container, Media, Node, PageFrom};

/// Graph's internal node-type names, as its errors print them.
const USER_NODE: &str = "ShadowIGUser";
const MEDIA_NODE: &str = "ShadowIGMedia";
const CONTAINER_NODE: &str = "ShadowIGMediaBuilder";

/// Media listed per page when `limit` is absent, and at most.
const DEFAULT_LIMIT: i64 = 25;
const MAX_LIMIT: i64 = 100;

pub async fn node(ctx: &Ctx, node: Node) -> ApiResult<Response> {
    let fields = ctx.params.fields();
    let value = match node {
        Node::Container(c) => container_fields(ctx, &c, &fields)?,
        Node::Media(m) => {
            let account = ctx.caller.account.clone();
            media_fields(&m, &account, &fields)?
        }
        Node::Account(a) => {
            // Counting is a query; run it only when asked (and after the fields are valid).
            user_fields(&a, 0, &fields)?;
            let count = if fields.iter().any(|f| f == "media_count") {
                let id = a.id.clone();
                ctx.app
                    .store
                    .read(move |c| store::media_count(c, &id))
                    .await
                    .map_err(store_failed)?
            } else {
                0
            };
            user_fields(&a, count, &fields)?
        }
    };
    Ok(graph_ok(&value))
}

/// `GET /{ig-user-id}/media` (the node is the caller's own account).
pub async fn account_media(ctx: &Ctx) -> ApiResult<Response> {
    let account = &ctx.caller.account;
    // `limit=0` asks for no items; a negative one is a parameter error; more than the most
    // a page holds gets a full page.
    let limit = match ctx.params.i64("limit")? {
        None => DEFAULT_LIMIT,
        Some(n) if n < 0 => return Err(invalid("limit", "an integer from 0")),
        Some(n) => n.min(MAX_LIMIT),
    } as u32;
    let cursor = |name: &str| -> ApiResult<Option<(i64, i64)>> {
        match ctx.params.str(name) {
            None => Ok(None),
            Some(c) => decode_cursor(&c)
                .map(Some)
                .ok_or_else(|| invalid(name, "a cursor from paging.cursors")),
        }
    };
    let from = match (cursor("after")?, cursor("before")?) {
        (Some((p, i)), _) => PageFrom::After(p, i),
        (None, Some((p, i))) => PageFrom::Before(p, i),
        (None, None) => PageFrom::Start,
    };
    let id = account.id.clone();
    let (media, more) = ctx
        .app
        .store
        .read(move |c| store::account_media_page(c, &id, limit, from))
        .await
        .map_err(store_failed)?;
    let fields = ctx.params.fields();
    let data = media
        .iter()
        .map(|m| media_fields(m, account, &fields))
        .collect::<ApiResult<Vec<Value>>>()?;
    let (Some(first), Some(last)) = (media.first(), media.last()) else {
        return Ok(graph_ok(&json!({ "data": data })));
    };
    let (before, after) = (cursor_of(first), cursor_of(last));
    let mut paging = json!({ "cursors": { "before": before, "after": after } });
    // Forward: more after the last item; backward: there is whatever we came from.
    let has_next = match from {
        PageFrom::Before(..) => true,
        _ => more,
    };
    let has_previous = match from {
        PageFrom::Start => false,
        PageFrom::After(..) => true,
        PageFrom::Before(..) => more,
    };
    if has_next {
        paging["next"] = json!(page_url(ctx, &account.id, limit, "after", &after));
    }
    if has_previous {
        paging["previous"] = json!(page_url(ctx, &account.id, limit, "before", &before));
    }
    Ok(graph_ok(&json!({ "data": data, "paging": paging })))
}

/// An opaque cursor for a media's place in the newest-first order: its publish time and
/// numeric id, hex-encoded.
fn cursor_of(m: &Media) -> String {
    let id: i64 = m.id.parse().unwrap_or(0);
    format!("{}:{id}", m.published_at)
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_cursor(c: &str) -> Option<(i64, i64)> {
    if c.len() > 128 || !c.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Vec<u8> = (0..c.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(c.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    let text = String::from_utf8(bytes).ok()?;
    let (p, i) = text.split_once(':')?;
    Some((p.parse().ok()?, i.parse().ok()?))
}

/// The URL of the next or previous page: this request's parameters (its token too, when it
/// came as one), the same limit, and the cursor.
fn page_url(ctx: &Ctx, user: &str, limit: u32, key: &str, cursor: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for name in ctx.params.names() {
        if matches!(name, "after" | "before" | "limit") {
            continue;
        }
        if let Some(v) = ctx.params.str(name) {
            query.append_pair(name, &v);
        }
    }
    query.append_pair("limit", &limit.to_string());
    query.append_pair(key, cursor);
    format!(
        "{}/v25.0/{user}/media?{}",
        ctx.app.base_url(),
        query.finish()
    )
}

/// `GET /{ig-user-id}/stories`: the stories published in the last 24 hours of the virtual
/// clock, newest first; older ones have disappeared from the edge (their nodes stay readable).
pub async fn account_stories(ctx: &Ctx) -> ApiResult<Response> {
    let account = &ctx.caller.account;
    let (id, now) = (account.id.clone(), ctx.app.clock.now_ms());
    let stories = ctx
        .app
        .store
        .read(move |c| store::account_stories(c, &id, now))
        .await
        .map_err(store_failed)?;
    let fields = ctx.params.fields();
    let data = stories
        .iter()
        .map(|m| media_fields(m, account, &fields))
        .collect::<ApiResult<Vec<Value>>>()?;
    Ok(graph_ok(&json!({ "data": data })))
}

/// `GET /{ig-media-id}/children`: a carousel album's children, in order, with the requested
/// fields (a media that is not an album has none).
pub async fn media_children(ctx: &Ctx, album: &Media) -> ApiResult<Response> {
    let id = album.id.clone();
    let children = ctx
        .app
        .store
        .read(move |c| store::child_media(c, &id))
        .await
        .map_err(store_failed)?;
    let fields = ctx.params.fields();
    let data = children
        .iter()
        .map(|m| media_fields(m, &ctx.caller.account, &fields))
        .collect::<ApiResult<Vec<Value>>>()?;
    Ok(graph_ok(&json!({ "data": data })))
}

/// Builds `{field: value, ..., "id": id}` from a field getter.
fn select(
    id: &str,
    fields: &[String],
    node_type: &str,
    get: impl Fn(&str) -> Option<Option<Value>>,
) -> ApiResult<Value> {
    let mut out = Map::new();
    for field in fields {
        if field == "id" {
            continue;
        }
        match get(field) {
            Some(Some(v)) => {
                out.insert(field.clone(), v);
            }
            Some(None) => {}
            None => {
                return Err(ApiError::new(Id::NonexistingField)
                    .with(placeholder::FIELD, field.as_str())
                    .with(placeholder::NODE_TYPE, node_type))
            }
        }
    }
    out.insert("id".into(), json!(id));
    Ok(Value::Object(out))
}

fn container_fields(ctx: &Ctx, c: &Container, fields: &[String]) -> ApiResult<Value> {
    let status = c.status(ctx.app.clock.now_ms());
    select(&c.id, fields, CONTAINER_NODE, |f| match f {
        "status_code" => Some(Some(json!(status.code()))),
        "status" => Some(Some(json!(status.text()))),
        _ => None,
    })
}

fn media_fields(m: &Media, owner: &Account, fields: &[String]) -> ApiResult<Value> {
    let code = shortcode(&m.id);
    let path = if m.media_product_type == ProductType::Reels {
        "reel"
    } else {
        "p"
    };
    select(&m.id, fields, MEDIA_NODE, |f| match f {
        "media_type" => Some(Some(json!(m.media_type))),
        "media_product_type" => Some(Some(json!(m.media_product_type))),
        "caption" => Some(m.caption.as_ref().map(|c| json!(c))),
        "media_url" => Some(m.media_url.as_ref().map(|u| json!(u))),
        "permalink" => Some(Some(json!(format!(
            "https://www.instagram.com/{path}/{code}/"
        )))),
        "shortcode" => Some(Some(json!(code))),
        "timestamp" => Some(Some(json!(graph_timestamp(m.published_at)))),
        "username" => Some(Some(json!(owner.username))),
        "owner" => Some(Some(json!({ "id": m.account_id }))),
        "like_count" | "comments_count" => Some(Some(json!(0))),
        "is_comment_enabled" => Some(Some(json!(true))),
        "is_shared_to_feed" => {
            Some((m.media_product_type == ProductType::Reels).then(|| json!(true)))
        }
        "children" => Some((!m.children.is_empty()).then(
            || json!({ "data": m.children.iter().map(|c| json!({ "id": c })).collect::<Vec<_>>() }),
        )),
        _ => None,
    })
}

fn user_fields(a: &Account, media_count: u32, fields: &[String]) -> ApiResult<Value> {
    select(&a.id, fields, USER_NODE, |f| match f {
        "username" => Some(Some(json!(a.username))),
        "name" => Some(Some(json!(a.username))),
        "ig_id" => Some(Some(json!(
            a.id.parse::<i64>().unwrap_or(0) % 100_000_000_000
        ))),
        "media_count" => Some(Some(json!(media_count))),
        "followers_count" | "follows_count" => Some(Some(json!(0))),
        "biography" => Some(Some(json!(""))),
        "profile_picture_url" | "website" => Some(None),
        _ => None,
    })
}

/// Graph's timestamp format: `2026-11-25T03:00:00+0000`.
pub fn graph_timestamp(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S+0000").to_string())
        .unwrap_or_default()
}

/// An Instagram-style shortcode: the numeric id in base 64 (A-Z a-z 0-9 - _).
pub fn shortcode(id: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut n: u64 = id.parse().unwrap_or(0);
    let mut out = Vec::new();
    loop {
        out.push(ALPHABET[(n % 64) as usize]);
        n /= 64;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
