//! The Graph surface: one module per endpoint, dispatched from the route table
//! ([`crate::route`]).
//!
//! Every request is authenticated first (as Graph does), then its node is looked up and the
//! route resolved by (method, node kind, edge). Anything unknown is answered with Graph's own
//! errors: 100/33 for a node that does not exist, is not the caller's or does not support the
//! method, 2500 for an edge nobody serves.
//!
//! | route | module |
//! |---|---|
//! | `POST /{ig-user-id}/media` | [`create_media`] |
//! | `POST /{ig-user-id}/media_publish` | [`publish`] |
//! | `GET /{ig-user-id}/content_publishing_limit` | [`publishing_limit`] |
//! | `GET /{node-id}` (user, container, media, comment), the edges `/media`, `/stories`, `/children`, `/comments`, `/replies` | [`read`] (the wire shape: [`view`], [`fields`]) |
//! | `POST /{ig-media-id}/comments`, `POST /{ig-comment-id}/replies`, `POST`/`DELETE /{ig-comment-id}` | [`comments`] |
//! | `POST /{ig-media-id}` (comment_enabled), `DELETE /{ig-media-id}` | [`manage_media`] |
//! | `GET /{ig-media-id}/insights`, `GET /{ig-user-id}/insights` | [`insights`] |
//! | `GET /{ig-user-id}/available_catalogs`, `.../catalog_product_search` | [`catalogs`] |
//! | `GET /ig_audio` (search, and `product=ADS` discovery) | [`ig_audio`] |
//! | `POST/GET /ig-api-upload/{version}/{container-id}` (the upload host) | [`upload`] |

use std::sync::Arc;

use axum::http::{HeaderMap, Method};
use axum::response::Response;
use instapub_errors::{placeholder, Id};

use crate::app::App;
use crate::auth;
use crate::error::{object_not_found, store_failed, ApiError, ApiResult};
use crate::faults::{Network, Subject};
use crate::params::{self, Params};
use crate::route::{self, Endpoint, GraphRoute, Host, Miss, NodeKind, NodeRoute, Parsed, Route};
use crate::store::{self, Node};
use crate::usage::Verdict;

pub mod accounts;
pub mod catalogs;
pub mod comments;
pub mod create_media;
pub mod ctx;
pub mod fields;
pub mod ig_audio;
pub mod insights;
pub mod manage_media;
pub mod oauth;
pub mod publish;
pub mod publishing_limit;
pub mod read;
pub mod upload;
pub mod view;
pub mod wire;

use ctx::Ctx;

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
    host: Host,
    parsed: Parsed<'_>,
    headers: &HeaderMap,
    params: Params,
) -> Outcome {
    let mut outcome = Outcome {
        result: Err(ApiError::new(Id::ServiceUnavailable)),
        usage: None,
        network: None,
    };
    outcome.result = dispatch(app, method, host, parsed, headers, params, &mut outcome).await;
    outcome
}

async fn dispatch(
    app: Arc<App>,
    method: &Method,
    host: Host,
    parsed: Parsed<'_>,
    headers: &HeaderMap,
    params: Params,
    outcome: &mut Outcome,
) -> ApiResult<Response> {
    // The token endpoints authenticate with the app's credentials, not a user token.
    if let Parsed::Fixed { spec, .. } = &parsed {
        if let Route::Graph(route) = spec.route {
            if spec.route.is_public() {
                if let Some(endpoint) = spec.fault {
                    apply_faults(&app, endpoint, "", &params, outcome).await?;
                }
                return oauth::handle(&app, route, host, &params).await;
            }
        }
    }
    let token = params::access_token(&params, headers);
    let principal = auth::authenticate(&app, token, host).await?;
    let verdict = app.usage.record(principal.usage_key(), app.clock.now_ms());
    let refused = verdict.refused;
    outcome.usage = Some(verdict);
    if let Some(id) = refused {
        return Err(ApiError::new(id));
    }
    let method_name = method.as_str().to_ascii_lowercase();
    let (spec, node) = match parsed {
        Parsed::Fixed { spec, .. } => (spec, None),
        Parsed::Node { id, edge } => {
            let node_id = if id == "me" {
                principal.me().to_owned()
            } else {
                id.to_owned()
            };
            let node = app
                .reads
                .node(&app.store, &node_id)
                .await
                .map_err(store_failed)?;
            let Some(node) = node else {
                return Err(object_not_found(&node_id, &method_name));
            };
            match route::resolve_node(method, kind_of(&node), edge) {
                NodeRoute::Found(spec) => (spec, Some((node, node_id))),
                NodeRoute::UnknownEdge => {
                    return Err(unknown_path(&format!("/{}", edge.unwrap_or_default())))
                }
                NodeRoute::Unsupported => return Err(object_not_found(&node_id, &method_name)),
            }
        }
        Parsed::Unknown(Miss::GraphMethod(first)) => {
            return Err(object_not_found(first, &method_name))
        }
        Parsed::Unknown(Miss::ExtraSegments(rest)) => {
            return Err(unknown_path(&format!("/{rest}")))
        }
        Parsed::Unknown(_) => return Err(object_not_found("", &method_name)),
    };
    // Who the request acts for: the Instagram account that owns the node (which the token must
    // reach), or, for Facebook users, Pages and Businesses, the token's own identity.
    let account = match &node {
        Some((node, node_id)) => match owner_of(node) {
            Some(owner) => match principal.can_act_for(&app, owner).await? {
                Some(a) => Some(a),
                None => return Err(object_not_found(node_id, &method_name)),
            },
            None => {
                if !accounts::can_read(&app, &principal, node).await? {
                    return Err(object_not_found(node_id, &method_name));
                }
                None
            }
        },
        None => principal.own_account().cloned(),
    };
    let Route::Graph(route) = spec.route else {
        // The server hands this module Graph routes only.
        return Err(ApiError::new(Id::ServiceUnavailable));
    };
    let Some(account) = account else {
        let Some((node, node_id)) = node else {
            // A fixed route needs an Instagram account; a Facebook user token has none.
            return Err(object_not_found(
                spec.path.trim_start_matches('/'),
                &method_name,
            ));
        };
        if let Some(endpoint) = spec.fault {
            apply_faults(&app, endpoint, &node_id, &params, outcome).await?;
        }
        return accounts::handle(&app, route, &principal, node, &params).await;
    };
    if let Some(endpoint) = spec.fault {
        apply_faults(&app, endpoint, &account.id, &params, outcome).await?;
    }
    let node = node.map(|(n, _)| n);
    let ctx = Ctx {
        app,
        caller: principal.acting_for(account),
        params,
        host,
    };
    match route {
        GraphRoute::CreateMedia => create_media::handle(&ctx).await,
        GraphRoute::MediaPublish => publish::handle(&ctx).await,
        GraphRoute::ContentPublishingLimit => publishing_limit::handle(&ctx).await,
        GraphRoute::UserMedia => {
            let id = ctx.caller.account.id.clone();
            read::edge(&ctx, &id, view::Edge::UserMedia).await
        }
        GraphRoute::UserStories => {
            let id = ctx.caller.account.id.clone();
            read::edge(&ctx, &id, view::Edge::UserStories).await
        }
        GraphRoute::UserInsights => read::user_insights(&ctx).await,
        GraphRoute::UserRead
        | GraphRoute::ContainerRead
        | GraphRoute::MediaRead
        | GraphRoute::CommentRead => match node {
            Some(node) => read::node(&ctx, node).await,
            None => Err(object_not_found("", &method_name)),
        },
        GraphRoute::MediaChildren
        | GraphRoute::MediaComments
        | GraphRoute::CreateComment
        | GraphRoute::MediaInsights
        | GraphRoute::UpdateMedia
        | GraphRoute::DeleteMedia => {
            let Some(Node::Media(m)) = node.as_deref() else {
                return Err(object_not_found("", &method_name));
            };
            match route {
                GraphRoute::MediaChildren => {
                    read::edge(&ctx, &m.id, view::Edge::MediaChildren).await
                }
                GraphRoute::MediaComments => {
                    read::edge(&ctx, &m.id, view::Edge::MediaComments).await
                }
                GraphRoute::CreateComment => comments::create(&ctx, m).await,
                GraphRoute::MediaInsights => read::media_insights(&ctx, m.clone()).await,
                GraphRoute::UpdateMedia => manage_media::update(&ctx, m).await,
                _ => manage_media::delete(&ctx, m).await,
            }
        }
        GraphRoute::HideComment
        | GraphRoute::DeleteComment
        | GraphRoute::CommentReplies
        | GraphRoute::CreateReply => {
            let Some(Node::Comment(k)) = node.as_deref() else {
                return Err(object_not_found("", &method_name));
            };
            match route {
                GraphRoute::HideComment => comments::update(&ctx, k).await,
                GraphRoute::DeleteComment => comments::delete(&ctx, k).await,
                GraphRoute::CommentReplies => {
                    read::edge(&ctx, &k.id, view::Edge::CommentReplies).await
                }
                _ => comments::reply(&ctx, k).await,
            }
        }
        GraphRoute::OauthAccessToken
        | GraphRoute::DebugToken
        | GraphRoute::IgAccessToken
        | GraphRoute::IgRefreshToken
        | GraphRoute::FbUserRead
        | GraphRoute::FbUserAccounts
        | GraphRoute::FbUserBusinesses
        | GraphRoute::FbUserPermissions
        | GraphRoute::RevokePermissions
        | GraphRoute::PageRead
        | GraphRoute::BusinessRead
        | GraphRoute::BusinessOwnedPages
        | GraphRoute::BusinessClientPages => Err(object_not_found(spec.path, &method_name)),
        GraphRoute::AvailableCatalogs => catalogs::available(&ctx).await,
        GraphRoute::CatalogProductSearch => catalogs::search(&ctx).await,
        GraphRoute::IgAudio => ig_audio::handle(&ctx).await,
    }
}

fn unknown_path(path: &str) -> ApiError {
    ApiError::new(Id::UnknownPathComponents).with(placeholder::PATH, path)
}

fn kind_of(node: &Node) -> NodeKind {
    match node {
        Node::Account(_) => NodeKind::User,
        Node::Container(_) => NodeKind::Container,
        Node::Media(_) => NodeKind::Media,
        Node::Comment(_) => NodeKind::Comment,
        Node::FbUser(_) => NodeKind::FbUser,
        Node::Page(_) => NodeKind::Page,
        Node::Business(_) => NodeKind::Business,
    }
}

/// The Instagram account a node belongs to (none for Facebook users, Pages, Businesses).
fn owner_of(node: &Node) -> Option<&str> {
    match node {
        Node::Account(a) => Some(&a.id),
        Node::Container(c) => Some(&c.account_id),
        Node::Media(m) => Some(&m.account_id),
        Node::Comment(k) => Some(&k.account_id),
        Node::FbUser(_) | Node::Page(_) | Node::Business(_) => None,
    }
}

/// Runs the fault rules for a request: latency, an error, or a network fault for the server.
async fn apply_faults(
    app: &App,
    endpoint: Endpoint,
    user_id: &str,
    params: &Params,
    outcome: &mut Outcome,
) -> ApiResult<()> {
    let subject = Subject {
        endpoint,
        user_id: user_id.to_owned(),
        media_type: media_type_of(app, params, endpoint).await,
    };
    if let Some(effect) = app.faults.check(&subject) {
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

/// `media_type` as the request sent it (create) or of the container being published.
async fn media_type_of(app: &App, params: &Params, endpoint: Endpoint) -> Option<String> {
    match endpoint {
        Endpoint::CreateMedia => Some(
            params
                .str("media_type")
                .unwrap_or_else(|| instapub_rules::RequestType::Image.as_str().to_owned()),
        ),
        Endpoint::MediaPublish => {
            let id = params.str("creation_id")?;
            let found = app
                .store
                .lookup(move |c| store::container(c, &id))
                .await
                .ok()??;
            let sent = found
                .kind
                .request_type()
                .unwrap_or(instapub_rules::RequestType::Image);
            Some(sent.as_str().to_owned())
        }
        _ => None,
    }
}
