//! `POST /{ig-user-id}/media_publish?creation_id=`: publish a container.
//!
//! All checks and the write happen in one store transaction ([`store::publish`]), so a
//! container is published at most once and the quota is exact under concurrency.
//!
//! Which error for which condition (Meta documents the codes, not the conditions):
//! - `creation_id` never existed: 2207008 (the "media builder ... does not exist");
//! - it exists but belongs to another account: 2207006 (a permission problem, Meta's hint);
//! - it is older than 24 h: 2207020 (expired);
//! - it is still IN_PROGRESS: 2207027; it failed: the error its processing recorded;
//! - it was already published: 2207008 (the builder is used up);
//! - it is a carousel item: 2207089; the quota is spent: 2207042;
//! - the account is restricted: 2207050; flagged for spam: 2207051.

use axum::response::Response;
use instapub_errors::{placeholder, Id};
use serde_json::json;

use super::ctx::Ctx;
use crate::error::{graph_ok, required, store_failed, ApiError, ApiResult};
use crate::store::{self, PublishRefusal};

pub async fn handle(ctx: &Ctx) -> ApiResult<Response> {
    let account = ctx.caller.account.clone();
    if account.restricted {
        return Err(ApiError::new(Id::AccountRestricted));
    }
    if account.spam_flagged {
        return Err(ApiError::new(Id::SpamRestricted));
    }
    let creation_id = ctx
        .params
        .str("creation_id")
        .ok_or_else(|| required("creation_id"))?;
    let id = creation_id.clone();
    let app = ctx.app.clone();
    let quota = ctx.app.quota.clone();
    // The clock is read under the store lock: publishes are then timestamped in the order they
    // are serialised, which the quota count relies on.
    let outcome = ctx
        .app
        .store
        .write(move |c| {
            let now = app.clock.now_ms();
            store::publish(c, &quota, &account, &id, now, |tx, media| {
                crate::webhooks::emit::media_created(tx, media, now)
            })
        })
        .await
        .map_err(store_failed)?;
    match outcome {
        Ok(media) => Ok(graph_ok(&json!({ "id": media.id }))),
        Err(refusal) => Err(match refusal {
            PublishRefusal::UnknownContainer | PublishRefusal::AlreadyPublished => {
                ApiError::new(Id::BuilderNotFound).with(placeholder::CREATION_ID, creation_id)
            }
            PublishRefusal::OtherAccount => {
                ApiError::new(Id::MediaNotFound).with(placeholder::MEDIA_ID, creation_id)
            }
            PublishRefusal::Expired => ApiError::new(Id::ContainerExpired),
            PublishRefusal::NotReady => ApiError::new(Id::NotReady),
            PublishRefusal::Failed(error) => ApiError(error),
            PublishRefusal::CarouselItem => ApiError::new(Id::CarouselItemStandalone),
            PublishRefusal::QuotaReached => ApiError::new(Id::PublishingQuotaReached),
        }),
    }
}
