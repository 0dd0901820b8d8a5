//! `POST /{ig-user-id}/media`: create a container.
//!
//! The request is checked by `instapub-rules` first (media type, required parameters,
//! carousel size, caption, product tags). Images are then fetched, probed and checked during
//! the request, so their errors come back here. Videos (REELS, video STORIES, VIDEO carousel
//! items) are accepted at once as IN_PROGRESS and processed in the background
//! ([`crate::pipeline::processing`]). A CAROUSEL's children must exist, belong to the caller, be carousel
//! items and be FINISHED.

use axum::response::Response;
use instapub_errors::{placeholder, Id};
use instapub_rules::{Kind, KnownProduct};
use serde_json::json;

use super::ctx::Ctx;
use crate::error::{graph_ok, store_failed, ApiError, ApiResult};
use crate::pipeline::inspect;
use crate::store::{self, NewContainer, State};

pub async fn handle(ctx: &Ctx) -> ApiResult<Response> {
    let account = &ctx.caller.account;
    if account.restricted {
        return Err(ApiError::new(Id::AccountRestricted));
    }
    let limits = &ctx.app.config.limits;
    let req = ctx.params.container_request()?;
    if let Some(e) = instapub_rules::check_request(&req, limits)
        .into_iter()
        .next()
    {
        return Err(ApiError(e));
    }
    let kind = instapub_rules::kind(&req).map_err(ApiError)?;
    if !req.product_tags.is_empty() {
        let products = known_products(ctx).await?;
        if let Some(e) = instapub_rules::check_products(&req, &products)
            .into_iter()
            .next()
        {
            return Err(ApiError(e));
        }
    }
    let now = ctx.app.clock.now_ms();
    let params_json = ctx.params.to_json();
    let account_id = account.id.clone();
    let base = NewContainer {
        account_id,
        kind,
        is_carousel_item: req.is_carousel_item || kind.is_carousel_item(),
        media_url: None,
        params: params_json,
        children: Vec::new(),
        facts: None,
        state: State::Finished,
        error: None,
        created_at: now,
        ready_at: now,
        awaiting_upload: false,
        blob: None,
    };
    let new = match kind {
        Kind::Carousel => {
            let children = req.children.clone().unwrap_or_default();
            check_children(ctx, &children, now).await?;
            NewContainer { children, ..base }
        }
        Kind::Image | Kind::CarouselImage | Kind::StoryImage => {
            let url = req.image_url.clone().unwrap_or_default();
            let found = inspect::image(&ctx.app.fetcher, &url, limits.image_max_bytes)
                .await
                .map_err(ApiError::from)?;
            let violations =
                instapub_rules::check_media(&req, kind, &found.facts, found.size, limits);
            if let Some(e) = violations.into_iter().next() {
                return Err(ApiError(e));
            }
            let facts = serde_json::to_string(&found.facts).ok();
            NewContainer {
                media_url: Some(url),
                facts,
                blob: Some(found.keep(&ctx.app.blobs).map_err(ApiError)?),
                ..base
            }
        }
        Kind::Reel | Kind::CarouselVideo | Kind::StoryVideo => {
            let processing_ms = ctx.app.config.video_processing.as_millis() as i64;
            NewContainer {
                media_url: req.video_url.clone(),
                state: State::InProgress,
                ready_at: now + processing_ms,
                awaiting_upload: req.resumable,
                ..base
            }
        }
    };
    let container = ctx
        .app
        .store
        .write(move |c| store::insert_container(c, &new))
        .await
        .map_err(store_failed)?;
    if container.awaiting_upload {
        // The bytes come to the sandbox's own rupload endpoint.
        let uri = format!(
            "{}/ig-api-upload/{}/{}",
            ctx.app.base_url(),
            crate::hosts::GRAPH_VERSION,
            container.id
        );
        return Ok(graph_ok(&json!({ "id": container.id, "uri": uri })));
    }
    if container.state == State::InProgress {
        ctx.app.processing.spawn(container.clone());
    }
    Ok(graph_ok(&json!({ "id": container.id })))
}

/// The products of the caller's catalogs, for 2207037.
async fn known_products(ctx: &Ctx) -> ApiResult<Vec<KnownProduct>> {
    let id = ctx.caller.account.id.clone();
    let catalogs = ctx
        .app
        .store
        .write(move |c| store::catalogs(c, &id))
        .await
        .map_err(store_failed)?;
    Ok(catalogs
        .into_iter()
        .flat_map(|k| k.products)
        .map(|p| KnownProduct {
            id: p.id,
            review_status: p.review_status,
        })
        .collect())
}

/// Children must be this account's FINISHED carousel items.
async fn check_children(ctx: &Ctx, children: &[String], now: i64) -> ApiResult<()> {
    let ids = children.to_vec();
    let found = ctx
        .app
        .store
        .write(move |c| {
            ids.iter()
                .map(|id| store::container(c, id).map(|k| (id.clone(), k)))
                .collect::<Result<Vec<_>, _>>()
        })
        .await
        .map_err(store_failed)?;
    for (id, child) in found {
        let not_found = || ApiError::new(Id::MediaNotFound).with(placeholder::MEDIA_ID, id.clone());
        let Some(child) = child else {
            return Err(not_found());
        };
        if child.account_id != ctx.caller.account.id || !child.is_carousel_item {
            return Err(not_found());
        }
        if child.is_expired(now) {
            return Err(ApiError::new(Id::ContainerExpired));
        }
        match child.state {
            State::Finished if now >= child.ready_at => {}
            State::Error => return Err(ApiError(child.processing_error())),
            State::Published => return Err(not_found()),
            _ => return Err(ApiError::new(Id::NotReady)),
        }
    }
    Ok(())
}
