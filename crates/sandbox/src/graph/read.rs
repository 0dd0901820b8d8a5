//! Reads: `GET /{node}` (an IG user, a container, a media, a comment) and the edges
//! `/{ig-user-id}/media`, `/{ig-user-id}/stories`, `/{ig-media-id}/children`,
//! `/{ig-media-id}/comments`, `/{ig-comment-id}/replies`, and the insights edges (their rules:
//! [`super::insights`]).
//!
//! What a node or an edge looks like (fields, expansion, paging) is [`super::view`]; this module
//! turns a request into a view and runs it on one read connection.

use std::sync::Arc;

use axum::response::Response;
use serde_json::Value;

use super::ctx::Ctx;
use super::fields::{self, Field};
use super::insights;
use super::view::{self, Edge, View};
use crate::error::{graph_ok, store_failed, ApiResult};
use crate::store::{Comment, Media, Node};

/// Runs a rendering on a read connection and answers with its value.
async fn render<F>(ctx: &Ctx, f: F) -> ApiResult<Response>
where
    F: FnOnce(&View) -> ApiResult<Value> + Send + 'static,
{
    let base = ctx.app.base_url().to_owned();
    let now = ctx.app.clock.now_ms();
    let token = ctx.params.str("access_token");
    let value = ctx
        .app
        .store
        .read(move |c| {
            Ok(f(&View {
                c,
                base,
                now,
                token,
            }))
        })
        .await
        .map_err(store_failed)??;
    Ok(graph_ok(&value))
}

/// The request's `fields`, parsed.
pub fn requested_fields(ctx: &Ctx) -> ApiResult<Vec<Field>> {
    fields::parse(&ctx.params.str("fields").unwrap_or_default())
}

/// `GET /{node-id}`.
pub async fn node(ctx: &Ctx, node: Arc<Node>) -> ApiResult<Response> {
    let fields = requested_fields(ctx)?;
    view::check_fields(&node, &fields)?;
    if let Node::Container(k) = &*node {
        // The status poll every publisher makes: no store trip.
        let value = view::container(k, ctx.app.clock.now_ms(), &fields)?;
        return Ok(graph_ok(&value));
    }
    render(ctx, move |v| v.node(&node, &fields)).await
}

/// `GET /{ig-user-id}/media`.
pub async fn user_media(ctx: &Ctx) -> ApiResult<Response> {
    edge(ctx, &ctx.caller.account.id, Edge::UserMedia).await
}

/// `GET /{ig-user-id}/stories`.
pub async fn user_stories(ctx: &Ctx) -> ApiResult<Response> {
    edge(ctx, &ctx.caller.account.id, Edge::UserStories).await
}

/// `GET /{ig-media-id}/children`.
pub async fn children(ctx: &Ctx, m: &Media) -> ApiResult<Response> {
    edge(ctx, &m.id, Edge::MediaChildren).await
}

/// `GET /{ig-media-id}/comments`.
pub async fn comments(ctx: &Ctx, m: &Media) -> ApiResult<Response> {
    edge(ctx, &m.id, Edge::MediaComments).await
}

/// `GET /{ig-comment-id}/replies`.
pub async fn replies(ctx: &Ctx, k: &Comment) -> ApiResult<Response> {
    edge(ctx, &k.id, Edge::CommentReplies).await
}

/// `GET /{node-id}/{edge}`: the edge's first (or a cursor's) page, the query's `limit`,
/// `after` and `before` as its paging, `fields` as its items' fields.
async fn edge(ctx: &Ctx, parent_id: &str, edge: Edge) -> ApiResult<Response> {
    let text = ctx.params.str("fields").unwrap_or_default();
    let items = fields::parse(&text)?;
    let modifiers = ["limit", "after", "before"]
        .iter()
        .filter_map(|k| ctx.params.str(k).map(|v| ((*k).to_owned(), v)))
        .collect();
    let field = Field {
        name: String::new(),
        modifiers,
        sub: Some((items, text)),
    };
    // Paging URLs repeat every parameter of this request but the paging ones.
    let carry: Vec<(String, String)> = ctx
        .params
        .names()
        .filter(|n| !matches!(*n, "after" | "before" | "limit"))
        .filter_map(|n| ctx.params.str(n).map(|v| (n.to_owned(), v)))
        .collect();
    let parent_id = parent_id.to_owned();
    render(ctx, move |v| v.edge(&parent_id, edge, &field, &carry)).await
}

/// `GET /{ig-media-id}/insights?metric=`.
pub async fn media_insights(ctx: &Ctx, m: &Media) -> ApiResult<Response> {
    let m = m.clone();
    let metrics = ctx
        .params
        .str("metric")
        .map(|t| insights::metric_list(&t))
        .unwrap_or_default();
    render(ctx, move |v| insights::media(v.c, &m, &metrics)).await
}

/// `GET /{ig-user-id}/insights?metric=&period=`.
pub async fn user_insights(ctx: &Ctx) -> ApiResult<Response> {
    let q = insights::UserQuery::from_params(&ctx.params)?;
    let account = ctx.caller.account.clone();
    render(ctx, move |v| {
        insights::user(v.c, &v.base, v.now, &account, &q)
    })
    .await
}
