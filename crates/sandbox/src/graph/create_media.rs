//! `POST /{ig-user-id}/media`: create a container.
//!
//! The request is checked by `instapub-rules` first (media type, required parameters,
//! carousel size, caption, product tags). Images are then fetched, probed and checked during
//! the request, so their errors come back here. Videos (REELS, video STORIES, VIDEO carousel
//! items) are accepted at once as IN_PROGRESS and processed in the background
//! ([`crate::processing`]). A CAROUSEL's children must exist, belong to the caller, be carousel
//! items and be FINISHED.

use axum::response::Response;
use instapub_errors::{placeholder, Id};
use instapub_rules::{KnownProduct, ProductTag, Request};
use serde_json::{json, Value};

use super::{store_failed, Ctx};
use crate::error::{graph_ok, ApiError, ApiResult};
use crate::params::{invalid, Params};
use crate::store::{self, Kind, NewContainer, State};
use crate::{inspect, processing};

/// The rules' view of a create request.
pub fn rules_request(p: &Params) -> ApiResult<Request> {
    let product_tags = match p.json("product_tags")? {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| {
                let id = match &t["product_id"] {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return Err(invalid("product_tags", "a list of {product_id, x?, y?}")),
                };
                Ok(ProductTag {
                    product_id: id,
                    x: t["x"].as_f64(),
                    y: t["y"].as_f64(),
                })
            })
            .collect::<ApiResult<_>>()?,
        Some(_) => return Err(invalid("product_tags", "a list of {product_id, x?, y?}")),
    };
    let resumable = match p.str("upload_type").as_deref() {
        None => false,
        Some("resumable") => true,
        Some(_) => return Err(invalid("upload_type", "resumable")),
    };
    Ok(Request {
        media_type: p.str("media_type"),
        is_carousel_item: p.bool("is_carousel_item")?.unwrap_or(false),
        image_url: p.str("image_url"),
        video_url: p.str("video_url"),
        resumable,
        caption: p.str("caption"),
        children: p.id_list("children")?,
        product_tags,
        thumb_offset: p.i64("thumb_offset")?,
    })
}

fn store_kind(kind: instapub_rules::Kind) -> Kind {
    use instapub_rules::Kind as R;
    match kind {
        R::Image | R::CarouselImage => Kind::Image,
        R::Reel => Kind::Reels,
        R::StoryImage => Kind::Stories { video: false },
        R::StoryVideo => Kind::Stories { video: true },
        R::CarouselVideo => Kind::Video,
        R::Carousel => Kind::Carousel,
    }
}

pub async fn handle(ctx: &Ctx) -> ApiResult<Response> {
    ctx.caller.require_publish()?;
    let account = &ctx.caller.account;
    if account.restricted {
        return Err(ApiError::new(Id::AccountRestricted));
    }
    let limits = &ctx.app.config.limits;
    let req = rules_request(&ctx.params)?;
    if let Some(e) = instapub_rules::check_request(&req, limits)
        .into_iter()
        .next()
    {
        return Err(ApiError(e));
    }
    let rules_kind = instapub_rules::kind(&req).map_err(ApiError)?;
    if !req.product_tags.is_empty() {
        let products = known_products(ctx).await?;
        if let Some(e) = instapub_rules::check_products(&req, &products)
            .into_iter()
            .next()
        {
            return Err(ApiError(e));
        }
    }
    let kind = store_kind(rules_kind);
    let now = ctx.app.clock.now_ms();
    let params_json = ctx.params.to_json();
    let account_id = account.id.clone();
    let base = NewContainer {
        account_id,
        kind,
        is_carousel_item: req.is_carousel_item || kind == Kind::Video,
        media_url: None,
        params: params_json,
        children: Vec::new(),
        facts: None,
        state: State::Finished,
        error: None,
        created_at: now,
        ready_at: now,
        awaiting_upload: false,
    };
    let new = match kind {
        Kind::Carousel => {
            let children = req.children.clone().unwrap_or_default();
            check_children(ctx, &children, now).await?;
            NewContainer { children, ..base }
        }
        Kind::Image | Kind::Stories { video: false } => {
            let url = req.image_url.clone().unwrap_or_default();
            let found = inspect::image(&ctx.app.fetcher, &url, limits.image_max_bytes)
                .await
                .map_err(ApiError::from)?;
            let violations =
                instapub_rules::check_media(&req, rules_kind, &found.facts, found.size, limits);
            if let Some(e) = violations.into_iter().next() {
                return Err(ApiError(e));
            }
            NewContainer {
                media_url: Some(url),
                facts: serde_json::to_string(&found.facts).ok(),
                ..base
            }
        }
        Kind::Reels | Kind::Video | Kind::Stories { video: true } => {
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
        .call(move |c| store::insert_container(c, &new))
        .await
        .map_err(store_failed)?;
    if container.awaiting_upload {
        // The bytes come to the sandbox's own rupload endpoint.
        let uri = format!(
            "{}/ig-api-upload/v25.0/{}",
            ctx.app.base_url(),
            container.id
        );
        return Ok(graph_ok(&json!({ "id": container.id, "uri": uri })));
    }
    if container.state == State::InProgress {
        processing::spawn(ctx.app.clone(), container.clone());
    }
    Ok(graph_ok(&json!({ "id": container.id })))
}

/// The products of the caller's catalogs, for 2207037.
async fn known_products(ctx: &Ctx) -> ApiResult<Vec<KnownProduct>> {
    let id = ctx.caller.account.id.clone();
    let catalogs = ctx
        .app
        .store
        .call(move |c| store::catalogs(c, &id))
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
        .call(move |c| {
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
        if store::is_expired(&child, now) {
            return Err(ApiError::new(Id::ContainerExpired));
        }
        match child.state {
            State::Finished if now >= child.ready_at => {}
            State::Error => return Err(processing::stored_error(child.error.as_deref())),
            State::Published => return Err(not_found()),
            _ => return Err(ApiError::new(Id::NotReady)),
        }
    }
    Ok(())
}
