//! How nodes look on the wire: the fields of each node type, field expansion into nodes and
//! edges (`fields=media.limit(5){caption,children{media_url}}`), and cursor paging.
//!
//! Rendering is synchronous over one read connection ([`View`]), so a request with nested
//! edges is one trip to the store's blocking pool, not one per level. The rules are Graph's:
//! without `fields` a node answers `{"id":...}` (a comment: `timestamp, text, id`); with it,
//! the requested fields in order and then `id`; values a node does not have (no caption) are
//! left out; an unknown field is 100 "Tried accessing nonexisting field"; subfields of a plain
//! value are refused; an edge answers `{"data":[...], "paging":{...}}` with `next` URLs that
//! work as given.

use instapub_errors::{placeholder, Id};
use instapub_rules::{MediaType, ProductType};
use rusqlite::Connection;
use serde_json::{json, Map, Value};

use super::fields::Field;
pub use super::wire::{graph_timestamp, shortcode};
use crate::error::{invalid, store_failed, ApiError, ApiResult};
use crate::hosts::{self, GRAPH_VERSION};
use crate::store::{
    self, Account, Comment, Container, Media, Node, NodeKind, PageFrom, StoreError,
};
use instapub_errors::ContainerStatus;

/// A node type as Graph names it in errors, and the fields it has: any other name is Graph's
/// 100 "nonexisting field". The getters below answer exactly these (a test holds them to it).
pub struct NodeType {
    pub name: &'static str,
    pub fields: &'static [&'static str],
}

pub const USER_NODE: NodeType = NodeType {
    name: "ShadowIGUser",
    fields: &[
        "id",
        "username",
        "name",
        "ig_id",
        "media_count",
        "followers_count",
        "follows_count",
        "biography",
        "website",
        "profile_picture_url",
        "user_id",
        "account_type",
        "media",
        "stories",
    ],
};
pub const MEDIA_NODE: NodeType = NodeType {
    name: "ShadowIGMedia",
    fields: &[
        "id",
        "ig_id",
        "media_type",
        "media_product_type",
        "caption",
        "media_url",
        "thumbnail_url",
        "permalink",
        "shortcode",
        "timestamp",
        "username",
        "owner",
        "like_count",
        "comments_count",
        "is_comment_enabled",
        "is_shared_to_feed",
        "children",
        "comments",
        "insights",
    ],
};
pub const CONTAINER_NODE: NodeType = NodeType {
    name: "ShadowIGMediaBuilder",
    fields: &["id", "status_code", "status", "copyright_check_status"],
};
pub const COMMENT_NODE: NodeType = NodeType {
    name: "IGComment",
    fields: &[
        "id",
        "text",
        "timestamp",
        "username",
        "from",
        "like_count",
        "hidden",
        "parent_id",
        "user",
        "media",
        "replies",
        "legacy_instagram_comment_id",
    ],
};

/// A Facebook user (read with Facebook Login), with the fields of Meta's User reference that
/// Facebook Login apps read; `email` only with the `email` permission (left out otherwise, as
/// Graph leaves it out).
pub const FB_USER_NODE: NodeType = NodeType {
    name: "User",
    fields: &[
        "id",
        "name",
        "first_name",
        "last_name",
        "middle_name",
        "short_name",
        "name_format",
        "email",
        "picture",
    ],
};
/// A Facebook Page.
pub const PAGE_NODE: NodeType = NodeType {
    name: "Page",
    fields: &[
        "id",
        "name",
        "username",
        "category",
        "category_list",
        "link",
        "picture",
        "fan_count",
        "followers_count",
        "about",
        "tasks",
        "access_token",
        "instagram_business_account",
        "connected_instagram_account",
    ],
};
/// A Business.
pub const BUSINESS_NODE: NodeType = NodeType {
    name: "Business",
    fields: &["id", "name", "link", "verification_status"],
};

/// A Meta app (Graph's Application node): the fields Meta's reference lists that the sandbox
/// has values for; the others of the reference are answered as Graph answers unset fields, left
/// out.
pub const APP_NODE: NodeType = NodeType {
    name: "Application",
    fields: &["id", "name", "link", "category", "namespace", "description"],
};

impl NodeKind {
    /// The node type of this kind: Graph's name and the fields it has.
    pub fn node_type(self) -> &'static NodeType {
        match self {
            NodeKind::User => &USER_NODE,
            NodeKind::Media => &MEDIA_NODE,
            NodeKind::Container => &CONTAINER_NODE,
            NodeKind::Comment => &COMMENT_NODE,
            NodeKind::FbUser => &FB_USER_NODE,
            NodeKind::Page => &PAGE_NODE,
            NodeKind::Business => &BUSINESS_NODE,
            NodeKind::App => &APP_NODE,
        }
    }
}

fn nonexisting(field: &str, node_type: &NodeType) -> ApiError {
    ApiError::new(Id::NonexistingField)
        .with(placeholder::FIELD, field)
        .with(placeholder::NODE_TYPE, node_type.name)
}

/// Refuses a field the node's type does not have, before anything is read from the store (an
/// unknown field is answered without leaving the async thread). Expansions are checked as they
/// are rendered.
pub fn check_fields(node: &Node, fields: &[Field]) -> ApiResult<()> {
    let node_type = node.kind().node_type();
    match fields
        .iter()
        .find(|f| !node_type.fields.contains(&f.name.as_str()))
    {
        Some(f) => Err(nonexisting(&f.name, node_type)),
        None => Ok(()),
    }
}

/// Items per page of `/media` when no limit is given, and the most a page holds.
const MEDIA_LIMIT: (i64, i64) = (25, 100);
/// The same for comments and replies ("a maximum of 50 comments per query").
const COMMENT_LIMIT: (i64, i64) = (25, 50);

/// What rendering needs: a read connection, where the sandbox is, the virtual time, and the
/// parameters every `paging.next` URL of a nested edge carries (the token, when it came as a
/// parameter).
pub struct View<'c> {
    pub c: &'c Connection,
    pub base: String,
    pub now: i64,
    pub token: Option<String>,
}

/// A field's value, as a node's getter reports it.
pub(super) enum Out {
    /// A plain value (subfields refused), or `None` when the node has none.
    Plain(Option<Value>),
    /// A node or edge, already expanded with the field's subfields.
    Expanded(Option<Value>),
    /// Not a field of this node type.
    Unknown,
}

/// The edges a node has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    UserMedia,
    UserStories,
    MediaChildren,
    MediaComments,
    CommentReplies,
}

impl Edge {
    fn path(self) -> &'static str {
        match self {
            Edge::UserMedia => "media",
            Edge::UserStories => "stories",
            Edge::MediaChildren => "children",
            Edge::MediaComments => "comments",
            Edge::CommentReplies => "replies",
        }
    }
}

fn q<T>(r: Result<T, StoreError>) -> ApiResult<T> {
    r.map_err(store_failed)
}

impl View<'_> {
    /// A node with the requested fields.
    pub fn node(&self, node: &Node, fields: &[Field]) -> ApiResult<Value> {
        match node {
            Node::Account(a) => self.user(a, fields),
            Node::Media(m) => self.media(m, fields),
            Node::Container(k) => container(k, self.now, fields),
            Node::Comment(k) => self.comment(k, fields),
            // Facebook users, Pages, Businesses and apps are rendered by `super::accounts`.
            Node::FbUser(u) => Ok(json!({ "id": u.id })),
            Node::Page(p) => Ok(json!({ "id": p.id })),
            Node::Business(b) => Ok(json!({ "id": b.id })),
            Node::App(a) => Ok(json!({ "id": a.id })),
        }
    }

    fn user(&self, a: &Account, fields: &[Field]) -> ApiResult<Value> {
        let mut profile: Option<store::Profile> = None;
        let mut profile = |c: &Connection| -> ApiResult<store::Profile> {
            if profile.is_none() {
                profile = Some(q(store::profile(c, &a.id))?);
            }
            Ok(profile.clone().unwrap_or_default())
        };
        select(&a.id, fields, &USER_NODE, |f| {
            Ok(match f.name.as_str() {
                "username" => Out::Plain(Some(json!(a.username))),
                "name" => Out::Plain(Some(json!(profile(self.c)?
                    .name
                    .unwrap_or_else(|| a.username.clone())))),
                "ig_id" => Out::Plain(Some(json!(
                    a.id.parse::<i64>().unwrap_or(0) % 100_000_000_000
                ))),
                "media_count" => {
                    let n: u32 = q(store::media_count(self.c, &a.id))?;
                    Out::Plain(Some(json!(n)))
                }
                "followers_count" => {
                    Out::Plain(Some(json!(profile(self.c)?.followers_count.unwrap_or(0))))
                }
                "follows_count" => {
                    Out::Plain(Some(json!(profile(self.c)?.follows_count.unwrap_or(0))))
                }
                "biography" => {
                    Out::Plain(Some(json!(profile(self.c)?.biography.unwrap_or_default())))
                }
                "website" => Out::Plain(profile(self.c)?.website.map(|w| json!(w))),
                // A staged picture, or the sandbox's own square (always a real image).
                "profile_picture_url" => Out::Plain(Some(json!(profile(self.c)?
                    .profile_picture_url
                    .unwrap_or_else(|| hosts::avatar_url(&self.base, &a.id))))),
                // graph.instagram.com's `/me`: the professional account id, and its type.
                "user_id" => Out::Plain(Some(json!(a.id))),
                "account_type" => Out::Plain(Some(json!("BUSINESS"))),
                "media" => Out::Expanded(Some(self.edge(
                    &a.id,
                    Edge::UserMedia,
                    f,
                    &self.nested_carry(f),
                )?)),
                "stories" => Out::Expanded(Some(self.edge(
                    &a.id,
                    Edge::UserStories,
                    f,
                    &self.nested_carry(f),
                )?)),
                _ => Out::Unknown,
            })
        })
    }

    fn media(&self, m: &Media, fields: &[Field]) -> ApiResult<Value> {
        let code = shortcode(&m.id);
        let path = if m.media_product_type == ProductType::Reels {
            "reel"
        } else {
            "p"
        };
        select(&m.id, fields, &MEDIA_NODE, |f| {
            Ok(match f.name.as_str() {
                "media_type" => Out::Plain(Some(json!(m.media_type))),
                "media_product_type" => Out::Plain(Some(json!(m.media_product_type))),
                "caption" => Out::Plain(m.caption.as_ref().map(|c| json!(c))),
                "media_url" => Out::Plain(self.media_url(m)?.map(|u| json!(u))),
                "thumbnail_url" => {
                    Out::Plain(hosts::thumbnail_url(&self.base, m).map(|u| json!(u)))
                }
                "permalink" => Out::Plain(Some(json!(format!(
                    "https://www.instagram.com/{path}/{code}/"
                )))),
                "shortcode" => Out::Plain(Some(json!(code))),
                "timestamp" => Out::Plain(Some(json!(graph_timestamp(m.published_at)))),
                "username" => {
                    let owner = q(store::account(self.c, &m.account_id))?;
                    Out::Plain(owner.map(|a| json!(a.username)))
                }
                "owner" => Out::Expanded(Some(self.user_ref(&m.account_id, f)?)),
                "like_count" => Out::Plain(Some(json!(m.like_count))),
                // Instagram's own id of the post, a string (the user's ig_id is a number).
                "ig_id" => Out::Plain(Some(json!(legacy_id(&m.id)))),
                "comments_count" => {
                    let n: i64 = q(store::comments_count(self.c, &m.id))?;
                    Out::Plain(Some(json!(n)))
                }
                "is_comment_enabled" => Out::Plain(Some(json!(m.comment_enabled))),
                "is_shared_to_feed" => {
                    Out::Plain((m.media_product_type == ProductType::Reels).then(|| json!(true)))
                }
                "children" => Out::Expanded(
                    (m.media_type == MediaType::CarouselAlbum).then_some(self.edge(
                        &m.id,
                        Edge::MediaChildren,
                        f,
                        &self.nested_carry(f),
                    )?),
                ),
                "comments" => Out::Expanded(Some(self.edge(
                    &m.id,
                    Edge::MediaComments,
                    f,
                    &self.nested_carry(f),
                )?)),
                "insights" => Out::Expanded(Some(super::insights::media_expansion(self.c, m, f)?)),
                _ => Out::Unknown,
            })
        })
    }

    /// A media's `media_url`: its stored bytes on the CDN; an album's is its first child's; a
    /// seeded media's is the URL it was staged with.
    fn media_url(&self, m: &Media) -> ApiResult<Option<String>> {
        if m.media_type == MediaType::CarouselAlbum {
            let Some(first) = m.children.first() else {
                return Ok(None);
            };
            return Ok(
                q(store::media(self.c, first))?.and_then(|c| hosts::media_url(&self.base, &c))
            );
        }
        Ok(hosts::media_url(&self.base, m).or_else(|| m.media_url.clone()))
    }

    /// A reference to an IG user: `{"id"}`, or the user with the field's subfields.
    fn user_ref(&self, id: &str, f: &Field) -> ApiResult<Value> {
        if f.sub.is_none() {
            return Ok(json!({ "id": id }));
        }
        match q(store::account(self.c, id))? {
            Some(a) => self.user(&a, f.subfields()),
            None => Ok(json!({ "id": id })),
        }
    }

    fn comment(&self, k: &Comment, fields: &[Field]) -> ApiResult<Value> {
        let defaults = [Field::named("timestamp"), Field::named("text")];
        let fields = if fields.is_empty() {
            &defaults[..]
        } else {
            fields
        };
        select(&k.id, fields, &COMMENT_NODE, |f| {
            Ok(match f.name.as_str() {
                "text" => Out::Plain(Some(json!(k.text))),
                "timestamp" => Out::Plain(Some(json!(graph_timestamp(k.created_at)))),
                "username" => Out::Plain(Some(json!(k.username))),
                "from" => Out::Plain(Some(json!({ "id": k.from_id, "username": k.username }))),
                "like_count" => Out::Plain(Some(json!(k.like_count))),
                "hidden" => Out::Plain(Some(json!(k.hidden))),
                "parent_id" => Out::Plain(k.parent_id.as_ref().map(|p| json!(p))),
                "legacy_instagram_comment_id" => Out::Plain(Some(json!(legacy_id(&k.id)))),
                // Only the app user's own comments name their IG user.
                "user" => {
                    Out::Plain((k.from_id == k.account_id).then(|| json!({ "id": k.from_id })))
                }
                "media" => Out::Expanded(Some(if f.sub.is_none() {
                    json!({ "id": k.media_id })
                } else {
                    match q(store::media(self.c, &k.media_id))? {
                        Some(m) => self.media(&m, f.subfields())?,
                        None => json!({ "id": k.media_id }),
                    }
                })),
                "replies" if k.parent_id.is_none() => Out::Expanded(Some(self.edge(
                    &k.id,
                    Edge::CommentReplies,
                    f,
                    &self.nested_carry(f),
                )?)),
                "replies" => Out::Expanded(None),
                _ => Out::Unknown,
            })
        })
    }

    /// The query a nested edge's `paging.next` URL carries: the token and the subfields.
    fn nested_carry(&self, f: &Field) -> Vec<(String, String)> {
        let mut carry = Vec::new();
        if let Some(t) = &self.token {
            carry.push(("access_token".to_owned(), t.clone()));
        }
        if let Some((_, text)) = &f.sub {
            carry.push(("fields".to_owned(), text.clone()));
        }
        carry
    }

    /// One page of an edge: `{"data": [...], "paging": {...}}`. `field` carries the paging
    /// modifiers (`limit`, `after`, `before`) and the items' fields; `carry` is the query every
    /// paging URL repeats.
    pub fn edge(
        &self,
        parent_id: &str,
        edge: Edge,
        field: &Field,
        carry: &[(String, String)],
    ) -> ApiResult<Value> {
        let sub = field.subfields();
        match edge {
            Edge::UserStories => {
                // At most a day of stories: paged in memory, newest first.
                let limit = limit_of(field, MEDIA_LIMIT)? as usize;
                let after = cursor(field, "after")?;
                let all = q(store::account_stories(self.c, parent_id, self.now))?;
                let rest: Vec<&Media> = all
                    .iter()
                    .filter(|m| {
                        after.is_none_or(|(p, i)| {
                            (m.published_at, m.id.parse::<i64>().unwrap_or(0)) < (p, i)
                        })
                    })
                    .collect();
                let more = rest.len() > limit;
                let items: Vec<&Media> = rest.into_iter().take(limit).collect();
                let (data, ends) = self.media_items(&items, sub)?;
                let link = |key: &str, c: &str| {
                    self.page_url(parent_id, edge, carry, limit as u32, key, c)
                };
                Ok(page(data, ends, more, false, link))
            }
            Edge::MediaChildren => {
                let items = q(store::child_media(self.c, parent_id))?;
                let data = items
                    .iter()
                    .map(|m| self.media(m, sub))
                    .collect::<ApiResult<Vec<_>>>()?;
                Ok(json!({ "data": data }))
            }
            Edge::UserMedia => {
                let limit = limit_of(field, MEDIA_LIMIT)?;
                let from = match (cursor(field, "after")?, cursor(field, "before")?) {
                    (Some((p, i)), _) => PageFrom::After(p, i),
                    (None, Some((p, i))) => PageFrom::Before(p, i),
                    (None, None) => PageFrom::Start,
                };
                let (items, more) = q(store::account_media_page(self.c, parent_id, limit, from))?;
                let (data, ends) = self.media_items(&items.iter().collect::<Vec<_>>(), sub)?;
                let has_next = matches!(from, PageFrom::Before(..)) || more;
                let has_previous = match from {
                    PageFrom::Start => false,
                    PageFrom::After(..) => true,
                    PageFrom::Before(..) => more,
                };
                let link =
                    |key: &str, c: &str| self.page_url(parent_id, edge, carry, limit, key, c);
                Ok(page(data, ends, has_next, has_previous, link))
            }
            Edge::MediaComments | Edge::CommentReplies => {
                let limit = limit_of(field, COMMENT_LIMIT)?;
                let after = cursor(field, "after")?;
                let (media_id, parent) = match edge {
                    Edge::CommentReplies => {
                        let Some(k) = q(store::comment(self.c, parent_id))? else {
                            return Ok(json!({ "data": [] }));
                        };
                        (k.media_id, Some(parent_id))
                    }
                    _ => (parent_id.to_owned(), None),
                };
                let (items, more) = q(store::comments_page(
                    self.c, &media_id, parent, limit, after,
                ))?;
                let data = items
                    .iter()
                    .map(|k| self.comment(k, sub))
                    .collect::<ApiResult<Vec<_>>>()?;
                let ends = items
                    .first()
                    .zip(items.last())
                    .map(|(a, b)| (comment_cursor(a), comment_cursor(b)));
                let link =
                    |key: &str, c: &str| self.page_url(parent_id, edge, carry, limit, key, c);
                Ok(page(data, ends, more, false, link))
            }
        }
    }

    /// Media with the requested fields, and the cursors of the first and the last.
    fn media_items(
        &self,
        items: &[&Media],
        sub: &[Field],
    ) -> ApiResult<(Vec<Value>, Option<Ends>)> {
        let data = items
            .iter()
            .map(|m| self.media(m, sub))
            .collect::<ApiResult<Vec<_>>>()?;
        let ends = items
            .first()
            .zip(items.last())
            .map(|(a, b)| (media_cursor(a), media_cursor(b)));
        Ok((data, ends))
    }

    /// The URL of another page of an edge: the carried query, the limit and the cursor.
    fn page_url(
        &self,
        parent_id: &str,
        edge: Edge,
        carry: &[(String, String)],
        limit: u32,
        key: &str,
        cursor: &str,
    ) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in carry {
            query.append_pair(k, v);
        }
        query.append_pair("limit", &limit.to_string());
        query.append_pair(key, cursor);
        format!(
            "{}/{GRAPH_VERSION}/{parent_id}/{}?{}",
            self.base,
            edge.path(),
            query.finish()
        )
    }
}

/// The cursors of a page's first and last items.
type Ends = (String, String);

/// `{"data", "paging": {"cursors", "next", "previous"}}` (no paging for an empty page).
fn page(
    data: Vec<Value>,
    ends: Option<Ends>,
    has_next: bool,
    has_previous: bool,
    link: impl Fn(&str, &str) -> String,
) -> Value {
    let Some((before, after)) = ends else {
        return json!({ "data": data });
    };
    let mut paging = json!({ "cursors": { "before": before, "after": after } });
    if has_next {
        paging["next"] = json!(link("after", &after));
    }
    if has_previous {
        paging["previous"] = json!(link("before", &before));
    }
    json!({ "data": data, "paging": paging })
}

/// A container with the requested fields (no store access: the status read stays cheap).
pub fn container(k: &Container, now: i64, fields: &[Field]) -> ApiResult<Value> {
    let status = k.status(now);
    select(&k.id, fields, &CONTAINER_NODE, |f| {
        Ok(match f.name.as_str() {
            "status_code" => Out::Plain(Some(json!(status.code()))),
            "status" => Out::Plain(Some(json!(status.text()))),
            // The sandbox finds no copyrighted material: the check runs while the container
            // processes and ends with no match (none for a container that failed or expired).
            "copyright_check_status" => Out::Plain(match status {
                ContainerStatus::InProgress => {
                    Some(json!({"status": "in_progress", "matches_found": false}))
                }
                ContainerStatus::Finished | ContainerStatus::Published => {
                    Some(json!({"status": "completed", "matches_found": false}))
                }
                ContainerStatus::Error(_) | ContainerStatus::Expired => None,
            }),
            _ => Out::Unknown,
        })
    })
}

/// Instagram's own id of a node the Graph API names by another (a media's `ig_id`, a comment's
/// `legacy_instagram_comment_id`): a number of Instagram's length, derived from the Graph id.
fn legacy_id(graph_id: &str) -> String {
    let n = graph_id.parse::<u64>().unwrap_or(0) % 1_000_000_000_000;
    format!("3{n:018}")
}

/// Builds `{field: value, ..., "id": id}` from a getter.
pub(super) fn select(
    id: &str,
    fields: &[Field],
    node_type: &NodeType,
    mut get: impl FnMut(&Field) -> ApiResult<Out>,
) -> ApiResult<Value> {
    let mut out = Map::new();
    for field in fields {
        if field.name == "id" {
            continue;
        }
        if !node_type.fields.contains(&field.name.as_str()) {
            return Err(nonexisting(&field.name, node_type));
        }
        match get(field)? {
            Out::Plain(_) if field.sub.is_some() => {
                return Err(ApiError::new(Id::FieldHasNoSubfields)
                    .with(placeholder::FIELD, field.name.as_str())
                    .with(placeholder::NODE_TYPE, node_type.name))
            }
            Out::Plain(Some(v)) | Out::Expanded(Some(v)) => {
                out.insert(field.name.clone(), v);
            }
            Out::Plain(None) | Out::Expanded(None) => {}
            Out::Unknown => return Err(nonexisting(&field.name, node_type)),
        }
    }
    out.insert("id".into(), json!(id));
    Ok(Value::Object(out))
}

/// `limit` of an edge: absent gives the default, more than the most a page holds a full page,
/// a negative or non-number one is a parameter error.
fn limit_of(field: &Field, (default, max): (i64, i64)) -> ApiResult<u32> {
    let n = match field.modifier("limit") {
        None => default,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n >= 0 => n.min(max),
            _ => return Err(invalid("limit", "an integer from 0")),
        },
    };
    Ok(n as u32)
}

fn cursor(field: &Field, name: &str) -> ApiResult<Option<(i64, i64)>> {
    match field.modifier(name) {
        None => Ok(None),
        Some(c) => decode_cursor(c)
            .map(Some)
            .ok_or_else(|| invalid(name, "a cursor from paging.cursors")),
    }
}

/// An opaque cursor for a place in an ordering: two numbers, hex-encoded.
fn encode_cursor(a: i64, b: &str) -> String {
    let id: i64 = b.parse().unwrap_or(0);
    format!("{a}:{id}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn media_cursor(m: &Media) -> String {
    encode_cursor(m.published_at, &m.id)
}

fn comment_cursor(k: &Comment) -> String {
    encode_cursor(k.created_at, &k.id)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let c = encode_cursor(1_700_000_000_000, "17900000000000001");
        assert_eq!(
            decode_cursor(&c),
            Some((1_700_000_000_000, 17_900_000_000_000_001))
        );
        for bad in ["", "zz", "3a", &"00".repeat(70)] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }
}
