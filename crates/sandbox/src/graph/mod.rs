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
//! | GET | `/{ig-user-id}`, `/{container-id}`, `/{ig-media-id}`, `/me` | [`read`] |

use std::sync::Arc;

use axum::http::{HeaderMap, Method};
use axum::response::Response;
use instapub_errors::{placeholder, Id};

use crate::app::App;
use crate::auth::{self, object_not_found, Caller};
use crate::error::{ApiError, ApiResult};
use crate::params::{self, Params};
use crate::store::{self, Node};

pub mod create_media;
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

/// Handles one Graph request whose body has been read and parameters merged.
pub async fn handle(
    app: Arc<App>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let segs = segments(path);
    let token = params::access_token(&params, headers);
    let caller = auth::authenticate(&app, token).await?;
    let method_name = method.as_str().to_ascii_lowercase();
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
        .call(move |c| store::node(c, &lookup_id))
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
    match (method.clone(), node, edge.as_deref()) {
        (Method::GET, node, None) => read::node(&ctx, node).await,
        (Method::POST, Node::Account(_), Some("media")) => create_media::handle(&ctx).await,
        (Method::POST, Node::Account(_), Some("media_publish")) => publish::handle(&ctx).await,
        (Method::GET, Node::Account(a), Some("media")) => read::account_media(&ctx, &a).await,
        (Method::GET, Node::Account(a), Some("content_publishing_limit")) => {
            publishing_limit::handle(&ctx, &a).await
        }
        (_, _, Some(edge))
            if !matches!(edge, "media" | "media_publish" | "content_publishing_limit") =>
        {
            Err(ApiError::new(Id::UnknownPathComponents)
                .with(placeholder::PATH, format!("/{edge}")))
        }
        // A known node or edge with a method it does not support.
        _ => Err(object_not_found(&node_id, &method_name)),
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
