//! The Graph surface: path routing and one module per endpoint.
//!
//! Paths are `/{node}` or `/{node}/{edge}`, with or without a version prefix (`/v25.0/...`).
//! Every request is authenticated first (as Graph does), then routed by (method, node kind,
//! edge). Anything unknown is answered with Graph's own errors: 100/33 for a node that does
//! not exist or is not the caller's, 2500 for an unknown edge.
//!
//! | method | path | module |
//! |---|---|---|
//! | POST | `/{ig-user-id}/media` | [`create_media`] |
//! | POST | `/{ig-user-id}/media_publish` | [`publish`] |
//! | GET | `/{ig-user-id}/content_publishing_limit` | [`publishing_limit`] |
//! | GET | `/{ig-user-id}/media` | [`read`] |
//! | GET | `/{ig-user-id}/available_catalogs`, `/{ig-user-id}/catalog_product_search` | [`catalogs`] |
//! | GET | `/ig_audio` (search, and `product=ADS` discovery) | [`ig_audio`] |
//! | GET | `/{ig-user-id}`, `/{container-id}`, `/{ig-media-id}`, `/me` | [`read`] |

use std::sync::Arc;

use axum::http::{HeaderMap, Method};
use axum::response::Response;
use instapub_errors::{placeholder, Id};

use crate::app::App;
use crate::auth::{self, object_not_found, Caller};
use crate::error::{ApiError, ApiResult};
use crate::faults::{Endpoint, Network, Subject};
use crate::params::{self, Params};
use crate::store::{self, Node};
use crate::usage::Verdict;

pub mod catalogs;
pub mod create_media;
pub mod ig_audio;
pub mod publish;
pub mod publishing_limit;
pub mod read;

/// What a handler gets.
pub struct Ctx {
    pub app: Arc<App>,
    pub caller: Caller,
    pub params: Params,
}

/// Strips an optional version segment (`v25.0`, `v26`) from the path segments.
pub fn segments(path: &str) -> Vec<&str> {
    let mut segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segs.first().is_some_and(|s| is_version(s)) {
        segs.remove(0);
    }
    segs
}

fn is_version(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let mut parts = rest.splitn(2, '.');
    let major_ok = parts
        .next()
        .is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()));
    let minor_ok = parts
        .next()
        .is_none_or(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()));
    major_ok && minor_ok
}

/// What [`handle`] produced: the answer, plus what the server must add to it.
pub struct Outcome {
    pub result: ApiResult<Response>,
    /// Usage headers, once the caller is known.
    pub usage: Option<Verdict>,
    /// A network fault to apply to the response on its way out.
    pub network: Option<Network>,
}

/// Handles one Graph request whose body has been read and parameters merged.
pub async fn handle(
    app: Arc<App>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    params: Params,
) -> Outcome {
    let mut outcome = Outcome {
        result: Err(ApiError::new(Id::ServiceUnavailable)),
        usage: None,
        network: None,
    };
    outcome.result = route(app, method, path, headers, params, &mut outcome).await;
    outcome
}

async fn route(
    app: Arc<App>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    params: Params,
    outcome: &mut Outcome,
) -> ApiResult<Response> {
    let segs = segments(path);
    let token = params::access_token(&params, headers);
    let caller = auth::authenticate(&app, token).await?;
    let verdict = app.usage.record(&caller.account.id, app.clock.now_ms());
    let refused = verdict.refused;
    outcome.usage = Some(verdict);
    if let Some(id) = refused {
        return Err(ApiError::new(id));
    }
    let method_name = method.as_str().to_ascii_lowercase();
    if segs.as_slice() == ["ig_audio"] {
        if *method != Method::GET {
            return Err(object_not_found("ig_audio", &method_name));
        }
        let ctx = Ctx {
            app,
            caller,
            params,
        };
        apply_faults(&ctx, Endpoint::IgAudio, outcome).await?;
        return ig_audio::handle(&ctx).await;
    }
    let (node_id, edge) = match segs.as_slice() {
        [node] => (node.to_string(), None),
        [node, edge] => (node.to_string(), Some(edge.to_string())),
        [] => return Err(object_not_found("", &method_name)),
        [_, _, rest @ ..] => {
            return Err(ApiError::new(Id::UnknownPathComponents)
                .with(placeholder::PATH, format!("/{}", rest.join("/"))))
        }
    };
    let node_id = if node_id == "me" {
        caller.account.id.clone()
    } else {
        node_id
    };
    let lookup_id = node_id.clone();
    let node = app
        .store
        .lookup(move |c| store::node(c, &lookup_id))
        .await
        .map_err(|_| ApiError::new(Id::ServiceUnavailable))?;
    let Some(node) = node else {
        return Err(object_not_found(&node_id, &method_name));
    };
    let owner = match &node {
        Node::Account(a) => a.id.clone(),
        Node::Container(c) => c.account_id.clone(),
        Node::Media(m) => m.account_id.clone(),
    };
    caller.require_own(&owner, &node_id, &method_name)?;
    let ctx = Ctx {
        app,
        caller,
        params,
    };
    if let Some(endpoint) = endpoint_of(method, &node, edge.as_deref()) {
        apply_faults(&ctx, endpoint, outcome).await?;
    }
    match (method.clone(), node, edge.as_deref()) {
        (Method::GET, node, None) => read::node(&ctx, node).await,
        (Method::POST, Node::Account(_), Some("media")) => create_media::handle(&ctx).await,
        (Method::POST, Node::Account(_), Some("media_publish")) => publish::handle(&ctx).await,
        (Method::GET, Node::Account(a), Some("media")) => read::account_media(&ctx, &a).await,
        (Method::GET, Node::Account(a), Some("content_publishing_limit")) => {
            publishing_limit::handle(&ctx, &a).await
        }
        (Method::GET, Node::Account(a), Some("available_catalogs")) => {
            catalogs::available(&ctx, &a).await
        }
        (Method::GET, Node::Account(a), Some("catalog_product_search")) => {
            catalogs::search(&ctx, &a).await
        }
        (_, _, Some(edge)) if !KNOWN_EDGES.contains(&edge) => {
            Err(ApiError::new(Id::UnknownPathComponents)
                .with(placeholder::PATH, format!("/{edge}")))
        }
        // A known node or edge with a method it does not support.
        _ => Err(object_not_found(&node_id, &method_name)),
    }
}

/// Runs the fault rules for a request: latency, an error, or a network fault for the server.
async fn apply_faults(ctx: &Ctx, endpoint: Endpoint, outcome: &mut Outcome) -> ApiResult<()> {
    let subject = Subject {
        endpoint,
        user_id: ctx.caller.account.id.clone(),
        media_type: media_type_of(ctx, endpoint).await,
    };
    if let Some(effect) = ctx.app.faults.check(&subject) {
        if !effect.latency.is_zero() {
            tokio::time::sleep(effect.latency).await;
        }
        if let Some(id) = effect.error {
            return Err(ApiError::new(id));
        }
        outcome.network = effect.network;
    }
    Ok(())
}

/// Edges the sandbox serves on some node (others are "unknown path components").
const KNOWN_EDGES: &[&str] = &[
    "media",
    "media_publish",
    "content_publishing_limit",
    "available_catalogs",
    "catalog_product_search",
];

/// The fault-rule name of a request, if it is one of the named operations.
fn endpoint_of(method: &Method, node: &Node, edge: Option<&str>) -> Option<Endpoint> {
    Some(match (method, node, edge) {
        (&Method::POST, Node::Account(_), Some("media")) => Endpoint::CreateMedia,
        (&Method::POST, Node::Account(_), Some("media_publish")) => Endpoint::MediaPublish,
        (&Method::GET, Node::Account(_), Some("content_publishing_limit")) => {
            Endpoint::ContentPublishingLimit
        }
        (&Method::GET, Node::Account(_), Some("media")) => Endpoint::MediaRead,
        (&Method::GET, Node::Account(_), None) => Endpoint::UserRead,
        (&Method::GET, Node::Container(_), None) => Endpoint::ContainerStatus,
        (&Method::GET, Node::Media(_), None) => Endpoint::MediaRead,
        (&Method::GET, Node::Account(_), Some("available_catalogs" | "catalog_product_search")) => {
            Endpoint::Catalogs
        }
        _ => return None,
    })
}

/// `media_type` as the request sent it (create) or of the container being published.
async fn media_type_of(ctx: &Ctx, endpoint: Endpoint) -> Option<String> {
    match endpoint {
        Endpoint::CreateMedia => Some(
            ctx.params
                .str("media_type")
                .unwrap_or_else(|| "IMAGE".to_owned()),
        ),
        Endpoint::MediaPublish => {
            let id = ctx.params.str("creation_id")?;
            let found = ctx
                .app
                .store
                .lookup(move |c| store::container(c, &id))
                .await
                .ok()??;
            Some(found.kind.request_media_type().to_owned())
        }
        _ => None,
    }
}

/// The store failed: Graph's temporary-outage answer.
pub fn store_failed(_: store::StoreError) -> ApiError {
    ApiError::new(Id::ServiceUnavailable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_prefixes_are_optional() {
        assert_eq!(segments("/v25.0/123/media"), vec!["123", "media"]);
        assert_eq!(segments("/v26/123"), vec!["123"]);
        assert_eq!(segments("/123/media_publish"), vec!["123", "media_publish"]);
        assert_eq!(segments("/vx/123"), vec!["vx", "123"]);
        assert_eq!(segments("//"), Vec::<&str>::new());
    }
}
