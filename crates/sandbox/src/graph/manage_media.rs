//! Changing published media: `POST /{ig-media-id}?comment_enabled=` (the only update Graph
//! allows) and `DELETE /{ig-media-id}`.
//!
//! Deleting takes a whole post (an album with its children; a child alone is not deletable,
//! which Graph answers as an unsupported request) and needs `instagram_manage_contents`. A
//! deleted media stops being found, listed and served; it still counts toward the publishing
//! quota of its 24 hours.

use axum::response::Response;
use serde_json::json;

use super::ctx::Ctx;
use crate::error::{graph_ok, object_not_found, required, store_failed, ApiResult};
use crate::store::{self, Media};

/// `POST /{ig-media-id}?comment_enabled=true|false`.
pub async fn update(ctx: &Ctx, media: &Media) -> ApiResult<Response> {
    let Some(enabled) = ctx.params.bool("comment_enabled")? else {
        return Err(required("comment_enabled"));
    };
    let id = media.id.clone();
    ctx.app
        .store
        .write(move |c| store::set_comment_enabled(c, &id, enabled))
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&json!({ "success": true })))
}

/// `DELETE /{ig-media-id}` (Facebook Login only: graph.instagram.com has no media deletion).
pub async fn delete(ctx: &Ctx, media: &Media) -> ApiResult<Response> {
    if media.parent_id.is_some() {
        return Err(object_not_found(&media.id, "delete"));
    }
    let (id, now) = (media.id.clone(), ctx.app.clock.now_ms());
    ctx.app
        .store
        .write(move |c| store::delete_media(c, &id, now))
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&json!({ "success": true })))
}
