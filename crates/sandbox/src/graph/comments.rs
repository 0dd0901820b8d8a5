//! Comment moderation: `POST /{ig-media-id}/comments`, `POST /{ig-comment-id}/replies`,
//! `POST /{ig-comment-id}?hide=`, `DELETE /{ig-comment-id}` (listing them is a read, in
//! [`super::read`]).
//!
//! The caller comments as its own account. As on Instagram: a reply to a reply joins the
//! top-level comment; a hidden comment takes no replies; comments cannot be added to media
//! whose comments are turned off; only the media owner moderates (other nodes are 100/33
//! before this module is reached). Managing comments needs `instagram_manage_comments` (or
//! `instagram_business_manage_comments`).

use axum::response::Response;
use instapub_errors::{placeholder, Id};
use serde_json::json;

use super::ctx::Ctx;
use crate::error::{graph_ok, required, store_failed, ApiError, ApiResult};
use crate::store::{self, Comment, Media, NewComment, MAX_COMMENT_CHARS};

fn message(ctx: &Ctx) -> ApiResult<String> {
    let text = ctx.params.str("message").unwrap_or_default();
    if text.trim().is_empty() {
        return Err(required("message"));
    }
    let chars = text.chars().count();
    if chars > MAX_COMMENT_CHARS {
        return Err(ApiError::new(Id::CommentTooLong)
            .with(placeholder::SIZE, chars.to_string())
            .with(placeholder::LIMIT, MAX_COMMENT_CHARS.to_string()));
    }
    Ok(text)
}

async fn insert(ctx: &Ctx, media_id: &str, parent_id: Option<String>) -> ApiResult<Response> {
    let text = message(ctx)?;
    let account = &ctx.caller.account;
    let new = NewComment {
        media_id: media_id.to_owned(),
        account_id: account.id.clone(),
        parent_id,
        from_id: account.id.clone(),
        username: account.username.clone(),
        text,
        like_count: 0,
        hidden: false,
        created_at: ctx.app.clock.now_ms(),
    };
    let created = ctx
        .app
        .store
        .write(move |c| {
            let tx = c.transaction()?;
            let created = store::insert_comment(&tx, &new)?;
            if let Some(media) = store::media(&tx, &created.media_id)? {
                crate::webhooks::emit::comment_created(&tx, &created, &media, new.created_at)?;
            }
            tx.commit()?;
            Ok(created)
        })
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&json!({ "id": created.id })))
}

/// `POST /{ig-media-id}/comments?message=`.
pub async fn create(ctx: &Ctx, media: &Media) -> ApiResult<Response> {
    if !media.comment_enabled {
        return Err(ApiError::new(Id::CommentsDisabled));
    }
    insert(ctx, &media.id, None).await
}

/// `POST /{ig-comment-id}/replies?message=`.
pub async fn reply(ctx: &Ctx, comment: &Comment) -> ApiResult<Response> {
    let top_id = comment
        .parent_id
        .clone()
        .unwrap_or_else(|| comment.id.clone());
    let (top, media) = {
        let (t, m) = (top_id.clone(), comment.media_id.clone());
        ctx.app
            .store
            .read(move |c| Ok((store::comment(c, &t)?, store::media(c, &m)?)))
            .await
            .map_err(store_failed)?
    };
    if top.as_ref().is_some_and(|t| t.hidden) {
        return Err(ApiError::new(Id::ReplyToHiddenComment));
    }
    if media.is_some_and(|m| !m.comment_enabled) {
        return Err(ApiError::new(Id::CommentsDisabled));
    }
    insert(ctx, &comment.media_id, Some(top_id)).await
}

/// `POST /{ig-comment-id}?hide=true|false`.
pub async fn update(ctx: &Ctx, comment: &Comment) -> ApiResult<Response> {
    let Some(hide) = ctx.params.bool("hide")? else {
        return Err(required("hide"));
    };
    let id = comment.id.clone();
    ctx.app
        .store
        .write(move |c| store::set_comment_hidden(c, &id, hide))
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&json!({ "success": true })))
}

/// `DELETE /{ig-comment-id}` (and its replies).
pub async fn delete(ctx: &Ctx, comment: &Comment) -> ApiResult<Response> {
    let (id, now) = (comment.id.clone(), ctx.app.clock.now_ms());
    ctx.app
        .store
        .write(move |c| store::delete_comment(c, &id, now))
        .await
        .map_err(store_failed)?;
    Ok(graph_ok(&json!({ "success": true })))
}
