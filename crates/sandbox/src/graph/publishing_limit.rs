//! `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config&since=`: the live
//! state of the account's 24 h publishing window.

use axum::response::Response;
use instapub_errors::{placeholder, Id};
use serde_json::{json, Map, Value};

use super::ctx::Ctx;
use crate::error::{graph_ok, store_failed, ApiError, ApiResult};
use crate::store;

/// The window, in seconds, as `config.quota_duration` reports it.
const QUOTA_DURATION_S: i64 = 86_400;

pub async fn handle(ctx: &Ctx) -> ApiResult<Response> {
    let account = &ctx.caller.account;
    let now = ctx.app.clock.now_ms();
    let since_ms = ctx.params.i64("since")?.map(|s| s.saturating_mul(1000));
    let mut fields = ctx.params.fields();
    if fields.is_empty() {
        fields.push("quota_usage".into());
    }
    let id = account.id.clone();
    let usage = ctx
        .app
        .store
        .read(move |c| store::quota_usage(c, &id, now, since_ms))
        .await
        .map_err(store_failed)?;
    let mut entry = Map::new();
    for field in fields {
        match field.as_str() {
            "quota_usage" => {
                entry.insert(field, json!(usage));
            }
            // `rate_limit_settings` is the legacy name Meta's own sample request still uses.
            "config" | "rate_limit_settings" => {
                entry.insert(
                    field,
                    json!({ "quota_total": account.quota_total, "quota_duration": QUOTA_DURATION_S }),
                );
            }
            other => {
                return Err(ApiError::new(Id::NonexistingField)
                    .with(placeholder::FIELD, other)
                    .with(placeholder::NODE_TYPE, "ContentPublishingLimit"))
            }
        }
    }
    Ok(graph_ok(&json!({ "data": [Value::Object(entry)] })))
}
