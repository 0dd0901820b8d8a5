//! `POST /{ig-user-id}/media`: create a container.
//!
//! Images are fetched and checked during the request, so their errors come back here. Videos
//! (REELS, video STORIES, VIDEO carousel items) are accepted at once as IN_PROGRESS and
//! processed in the background ([`crate::processing`]). A CAROUSEL's children must exist,
//! belong to the caller, be carousel items and be FINISHED.

use axum::response::Response;
use instapub_errors::{placeholder, Id};
use serde_json::json;

use super::{store_failed, Ctx};
use crate::error::{graph_ok, ApiError, ApiResult};
use crate::params::required;
use crate::store::{self, Kind, NewContainer, State};
use crate::{inspect, limits, processing};

pub async fn handle(ctx: &Ctx) -> ApiResult<Response> {
    ctx.caller.require_publish()?;
    let account = &ctx.caller.account;
    if account.restricted {
        return Err(ApiError::new(Id::AccountRestricted));
    }
    let p = &ctx.params;
    let is_item = p.bool("is_carousel_item")?.unwrap_or(false);
    let resumable = match p.str("upload_type").as_deref() {
        None => false,
        Some("resumable") => true,
        Some(_) => return Err(crate::params::invalid("upload_type", "resumable")),
    };
    let kind = match p.str("media_type").as_deref() {
        None | Some("IMAGE") => Kind::Image,
        Some("CAROUSEL") => Kind::Carousel,
        Some("REELS") => Kind::Reels,
        Some("VIDEO") => Kind::Video,
        Some("STORIES") => Kind::Stories {
            video: p.has("video_url") || resumable,
        },
        Some(other) => {
            return Err(ApiError::new(Id::UnknownMediaType).with(placeholder::MEDIA_TYPE, other))
        }
    };
    let now = ctx.app.clock.now_ms();
    let params_json = p.to_json();
    let account_id = account.id.clone();

    let new = match kind {
        Kind::Carousel => {
            let children = p.id_list("children")?.ok_or_else(|| required("children"))?;
            let count = children.len();
            if !(limits::CAROUSEL_MIN..=limits::CAROUSEL_MAX).contains(&count) {
                return Err(ApiError::new(Id::CarouselItemCount));
            }
            check_children(ctx, &children, now).await?;
            NewContainer {
                account_id,
                kind,
                is_carousel_item: false,
                media_url: None,
                params: params_json,
                children,
                facts: None,
                state: State::Finished,
                error: None,
                created_at: now,
                ready_at: now,
                awaiting_upload: false,
            }
        }
        Kind::Image | Kind::Stories { video: false } => {
            let url = p.str("image_url").ok_or_else(|| required("image_url"))?;
            let found = inspect::image(&ctx.app.fetcher, &url, limits::IMAGE_MAX_BYTES)
                .await
                .map_err(ApiError::from)?;
            NewContainer {
                account_id,
                kind,
                is_carousel_item: is_item,
                media_url: Some(url),
                params: params_json,
                children: Vec::new(),
                facts: serde_json::to_string(&found.facts).ok(),
                state: State::Finished,
                error: None,
                created_at: now,
                ready_at: now,
                awaiting_upload: false,
            }
        }
        Kind::Reels | Kind::Video | Kind::Stories { video: true } => {
            let url = if resumable {
                None
            } else {
                Some(p.str("video_url").ok_or_else(|| required("video_url"))?)
            };
            let processing_ms = ctx.app.config.video_processing.as_millis() as i64;
            NewContainer {
                account_id,
                kind,
                // VIDEO containers are carousel items whatever the flag says (Meta: 2207089).
                is_carousel_item: is_item || kind == Kind::Video,
                media_url: url,
                params: params_json,
                children: Vec::new(),
                facts: None,
                state: State::InProgress,
                error: None,
                created_at: now,
                ready_at: now + processing_ms,
                awaiting_upload: resumable,
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
