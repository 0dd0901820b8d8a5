//! Product tagging lookups: `GET /{ig-user-id}/available_catalogs` and
//! `GET /{ig-user-id}/catalog_product_search?catalog_id=&q=`. Products are listed with their
//! review status; only approved ones can be tagged (2207037 otherwise).

use axum::response::Response;
use serde_json::{json, Value};

use super::ctx::Ctx;
use crate::error::{graph_ok, object_not_found, required, store_failed, ApiResult};
use crate::store;

pub async fn available(ctx: &Ctx) -> ApiResult<Response> {
    let account = &ctx.caller.account;
    let id = account.id.clone();
    let catalogs = ctx
        .app
        .store
        .read(move |c| store::catalogs(c, &id))
        .await
        .map_err(store_failed)?;
    let shop = format!("{} shop", account.username);
    let data: Vec<Value> = catalogs
        .iter()
        .map(|k| {
            json!({
                "catalog_id": k.id,
                "catalog_name": k.name,
                "shop_name": shop,
                "product_count": k.products.len(),
            })
        })
        .collect();
    Ok(graph_ok(&json!({ "data": data })))
}

pub async fn search(ctx: &Ctx) -> ApiResult<Response> {
    let account = &ctx.caller.account;
    let catalog_id = ctx
        .params
        .str("catalog_id")
        .ok_or_else(|| required("catalog_id"))?;
    let q = ctx.params.str("q").unwrap_or_default().to_lowercase();
    let id = account.id.clone();
    let catalogs = ctx
        .app
        .store
        .read(move |c| store::catalogs(c, &id))
        .await
        .map_err(store_failed)?;
    let Some(catalog) = catalogs.into_iter().find(|k| k.id == catalog_id) else {
        return Err(object_not_found(&catalog_id, "get"));
    };
    let data: Vec<Value> = catalog
        .products
        .iter()
        .filter(|p| {
            q.is_empty()
                || p.name.to_lowercase().contains(&q)
                || p.retailer_id.to_lowercase().contains(&q)
        })
        .map(|p| {
            json!({
                "product_id": p.id.parse::<i64>().unwrap_or(0),
                "merchant_id": catalog.id.parse::<i64>().unwrap_or(0),
                "product_name": p.name,
                "retailer_id": p.retailer_id,
                "review_status": p.review_status,
                "is_checkout_flow": false,
            })
        })
        .collect();
    Ok(graph_ok(&json!({ "data": data })))
}
