//! The Graph surface: one module per endpoint, and the pipeline every Graph request goes
//! through, driven by its route's contract ([`crate::route`], listed in `docs/ROUTES.md`).
//!
//! In Graph's order: the public token routes first (fault rules, host); every other request
//! is authenticated, counted against the rate limits, its node looked up and the route
//! resolved by (method, node kind, edge); the row's token kinds, the account the token may act
//! for, the fault rules, the row's hosts and the permissions it checks always come next; then
//! the handler the row names, given what its shape says (`graph_dispatch!` below). Anything
//! unknown is answered with Graph's own errors: 100/33 for a node that does not exist, is not
//! the caller's or does not support the method, 2500 for an edge nobody serves.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::Response;
use instapub_errors::{placeholder, Id};

use crate::app::App;
use crate::error::{object_not_found, store_failed, ApiError, ApiResult};
use crate::identity::principal;
use crate::identity::principal::Principal;
use crate::params::{self, Params};
use crate::route::{
    self, Check, FaultTarget, GraphRoute, Host, Miss, NodeRoute, Parsed, Route, Spec,
};
use crate::runtime::faults::{Network, Subject};
use crate::runtime::rate_limit::Verdict;
use crate::runtime::report::{Attribution, Recorded};
use crate::store::{self, Account, Node};

pub mod accounts;
pub mod batch;
pub mod catalogs;
pub mod comments;
pub mod create_media;
pub mod ctx;
pub mod fields;
pub mod ids;
pub mod ig_audio;
pub mod insights;
pub mod manage_media;
pub mod oauth;
pub mod publish;
pub mod publishing_limit;
pub mod read;
pub mod subscriptions;
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
    /// The version that answered (`crate::versions`), for the `facebook-api-version` header.
    pub version: Option<&'static str>,
    /// The host whose dialect an error is answered in.
    pub host: Host,
    /// Who made the call and where it went, for the integration report.
    pub attribution: Option<Attribution>,
}

/// How the request came: what a handler that makes Graph calls of its own (a batch's
/// operations, the nodes of `?ids=`) hands on to them.
#[derive(Clone, Copy)]
pub struct Sent<'a> {
    pub host: Host,
    pub headers: &'a HeaderMap,
    /// The path's version segment and the path from it on (`route::graph_version`).
    pub version: Option<(&'a str, &'a str)>,
    /// The version answering ([`crate::versions::answering`]).
    pub served: &'static str,
}

/// One Graph call made inside another, by `method` on `target` (a path with its query, as a
/// batch's `relative_url`): routed (the `method` parameter too), authenticated, counted,
/// faulted and answered like a call of its own. A path without a version segment is asked of
/// the outer call's version.
pub fn inner<'a>(
    app: Arc<App>,
    method: Method,
    path: &'a str,
    sent: Sent<'a>,
    params: Params,
) -> futures_util::future::BoxFuture<'a, Outcome> {
    Box::pin(async move {
        let method = params.method_override().unwrap_or(method);
        let parsed = route::parse(&method, path);
        // The Graph API's own paths only: no control plane, login pages or upload host.
        if parsed.surface() != route::Surface::Graph {
            return Outcome::error(unknown_path(path), sent.host);
        }
        let version = route::graph_version(path).or(sent.version);
        handle(
            app,
            &method,
            sent.host,
            parsed,
            version,
            sent.headers,
            params,
        )
        .await
    })
}

impl Outcome {
    /// An answer that is an error from the start.
    pub fn error(e: ApiError, host: Host) -> Outcome {
        Outcome {
            result: Err(e),
            usage: None,
            network: None,
            version: None,
            host,
            attribution: None,
        }
    }

    /// The answer as sent: an error rendered as its envelope, the version and usage headers
    /// added; the network fault, if any, for the server to apply.
    pub fn into_response(
        self,
        profile: instapub_errors::Profile,
    ) -> (Response, Option<Network>, Option<Recorded>) {
        let refused_by_app = matches!(&self.result, Err(e) if e.id() == Id::AppRateLimit);
        let error = self.result.as_ref().err().map(ApiError::id);
        // Handed to the log with the response, for the integration report.
        let recorded = self
            .attribution
            .filter(|a| a.wanted(error.is_some()))
            .map(|a| (a, error));
        let mut response = self
            .result
            .unwrap_or_else(|e| e.into_response_on(profile, self.host));
        if let Some(v) = self.version {
            // A constant name: a `&str` would be parsed and checked on every answer.
            const FACEBOOK_API_VERSION: HeaderName =
                HeaderName::from_static("facebook-api-version");
            response
                .headers_mut()
                .insert(FACEBOOK_API_VERSION, HeaderValue::from_static(v));
        }
        if let Some(usage) = &self.usage {
            let headers = response.headers_mut();
            // Meta sends no X-App-Usage with a (#4) throttle.
            if !refused_by_app {
                if let Ok(v) = HeaderValue::from_str(&usage.app_usage) {
                    headers.insert("x-app-usage", v);
                }
            }
            if let Ok(v) = HeaderValue::from_str(&usage.buc_usage) {
                headers.insert("x-business-use-case-usage", v);
            }
        }
        (response, self.network, recorded)
    }
}

/// Handles one Graph request whose body has been read and parameters merged.
/// `version` is the path's version segment and the path from it on (`route::graph_version`).
pub async fn handle(
    app: Arc<App>,
    method: &Method,
    host: Host,
    parsed: Parsed<'_>,
    version: Option<(&str, &str)>,
    headers: &HeaderMap,
    params: Params,
) -> Outcome {
    let mut outcome = Outcome::error(ApiError::new(Id::ServiceUnavailable), host);
    // Every call is attributed, if only to no app: a refused token is still an error met.
    outcome.attribution = Some(Attribution::default());
    let now = app.clock.now_ms();
    // A version Graph does not know is a path it does not know, before anything else.
    let default = app.switches.default_version();
    let Some(served) = crate::versions::answering(version.map(|(v, _)| v), default, now) else {
        let path = version.map_or("", |(_, p)| p);
        outcome.result =
            Err(ApiError::new(Id::UnknownPathComponents).with(placeholder::PATH, path));
        return outcome;
    };
    outcome.version = Some(served);
    let asked = version.map_or(default, |(v, _)| v);
    if let Some(a) = &mut outcome.attribution {
        // Newest first: calls name recent versions.
        a.asked = crate::versions::VERSIONS
            .iter()
            .rev()
            .find(|v| v.name == asked);
    }
    let sent = Sent {
        host,
        headers,
        version,
        served,
    };
    outcome.result = dispatch(app, method, sent, parsed, params, &mut outcome).await;
    outcome
}

async fn dispatch(
    app: Arc<App>,
    method: &Method,
    sent: Sent<'_>,
    parsed: Parsed<'_>,
    params: Params,
    outcome: &mut Outcome,
) -> ApiResult<Response> {
    let (host, headers) = (sent.host, sent.headers);
    // The virtual time the caller's token and rate limits are judged at.
    let now = app.clock.now_ms();
    let method_name = method.as_str().to_ascii_lowercase();
    // The token endpoints authenticate with the app's credentials, not a user token.
    if let Parsed::Fixed { spec, .. } = &parsed {
        if spec.is_public() {
            let Route::Graph(route) = spec.route else {
                // The server hands this module Graph routes only.
                return Err(ApiError::new(Id::ServiceUnavailable));
            };
            let target = fixed_target(spec);
            if let Some(a) = &mut outcome.attribution {
                a.spec = Some(spec);
                a.refresh = matches!(spec.route, Route::Graph(GraphRoute::IgRefreshToken))
                    || matches!(
                        params.str("grant_type").as_deref(),
                        Some("fb_exchange_token" | "ig_exchange_token")
                    );
            }
            apply_contract(
                &app,
                spec,
                host,
                None,
                target,
                &method_name,
                "",
                &params,
                outcome,
            )
            .await?;
            let call = Call {
                sent,
                app,
                params,
                principal: None,
                account: None,
                node: None,
            };
            return run(route, call).await;
        }
    }
    let token = params::access_token(&params, headers);
    let principal = principal::authenticate(&app, token.as_deref(), host, now).await?;
    principal.check_appsecret_proof(
        token.as_deref().unwrap_or_default(),
        &params,
        app.switches.require_appsecret_proof(),
        now,
    )?;
    if let Some(a) = &mut outcome.attribution {
        a.app = Some(Arc::clone(&principal.app));
    }
    let verdict = app.usage.record(principal.usage_key(), now);
    let refused = verdict.refused;
    outcome.usage = Some(verdict);
    if let Some(id) = refused {
        return Err(ApiError::new(id));
    }
    let (spec, node) = match parsed {
        Parsed::Fixed { spec, .. } => (spec, None),
        Parsed::Node { id, edge } => {
            let node_id = if id == "me" {
                principal.me()?.to_owned()
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
            match route::resolve_node(method, node.kind(), edge) {
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
    if let Some(a) = &mut outcome.attribution {
        a.spec = Some(spec);
    }
    let Route::Graph(route) = spec.route else {
        return Err(ApiError::new(Id::ServiceUnavailable));
    };
    // What the path names, as Graph's "does not exist" errors name it.
    let target = match &node {
        Some((_, node_id)) => node_id.as_str(),
        None => fixed_target(spec),
    };
    // A token of a kind the route does not take sees, as on Graph, a node without it.
    if !spec.tokens.contains(&principal.token()) {
        return Err(object_not_found(target, &method_name));
    }
    // Who the request acts for: the Instagram account that owns the node (which the token must
    // reach), or, for Facebook users, Pages and Businesses, the token's own identity.
    let account = match &node {
        Some((node, node_id)) => match node.owner() {
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
        None => match principal.own_account() {
            Some(a) => Some(a.clone()),
            // A fixed route needs an Instagram account; a Facebook user token has none.
            None => return Err(object_not_found(target, &method_name)),
        },
    };
    if let Some(a) = &mut outcome.attribution {
        // A status read nobody waits on is recorded only if it fails: no copies for it.
        let polled = match (spec.fault, &node) {
            (Some(FaultTarget::ContainerStatus), Some((_, id))) => Some(id),
            _ => None,
        };
        a.quiet = polled.is_some_and(|id| !app.report.watching(id))
            && !crate::runtime::report::version_ending(a.asked, now);
        if !a.quiet {
            a.permissions = Some(Arc::clone(&principal.permissions));
            a.token_expires_ms = principal.login.as_ref().and_then(|l| l.expires_at);
            a.account_id = account.as_ref().map(|acc| acc.id.clone());
            a.subject = match spec.fault {
                Some(FaultTarget::MediaPublish) => params.str("creation_id"),
                _ => polled.cloned(),
            };
        }
    }
    let fault_subject = account.as_ref().map_or(target, |a| a.id.as_str());
    apply_contract(
        &app,
        spec,
        host,
        Some(&principal),
        target,
        &method_name,
        fault_subject,
        &params,
        outcome,
    )
    .await?;
    let call = Call {
        sent,
        app,
        params,
        principal: Some(principal),
        account,
        node: node.map(|(n, _)| n),
    };
    run(route, call).await
}

/// What a fixed path's "does not exist" error names: its first segment (`oauth`, `ig_audio`).
fn fixed_target(spec: &Spec) -> &'static str {
    spec.path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
}

/// What every route's contract asks before its handler runs, in Graph's order: the fault
/// rules, the host, the permissions the pipeline checks.
#[allow(clippy::too_many_arguments)]
async fn apply_contract(
    app: &App,
    spec: &Spec,
    host: Host,
    principal: Option<&Principal>,
    target: &str,
    method_name: &str,
    fault_subject: &str,
    params: &Params,
    outcome: &mut Outcome,
) -> ApiResult<()> {
    if let Some(endpoint) = spec.fault {
        apply_faults(app, endpoint, fault_subject, params, outcome).await?;
    }
    if !spec.hosts.contains(&host) {
        return Err(object_not_found(target, method_name));
    }
    if let Some(principal) = principal {
        for need in spec.needs {
            if need.check == Check::Always && !need.granted_by(&principal.permissions) {
                return Err(ApiError::new(need.refusal));
            }
        }
    }
    Ok(())
}

/// What a handler may be given; its row's handler shape says which parts it gets.
struct Call<'a> {
    sent: Sent<'a>,
    app: Arc<App>,
    params: Params,
    principal: Option<Principal>,
    account: Option<Account>,
    node: Option<Arc<Node>>,
}

impl Call<'_> {
    /// The caller acting for the Instagram account the path names.
    fn into_ig(self) -> ApiResult<(Ctx, Option<Arc<Node>>)> {
        let (Some(principal), Some(account)) = (self.principal, self.account) else {
            return Err(shape_mismatch());
        };
        let ctx = Ctx {
            app: self.app,
            caller: principal.acting_for(account),
            params: self.params,
        };
        Ok((ctx, self.node))
    }

    /// A Facebook user's, Page's, Business's or app's request.
    fn into_facebook(self) -> ApiResult<(accounts::Facebook, Arc<Node>)> {
        let (Some(principal), Some(node)) = (self.principal, self.node) else {
            return Err(shape_mismatch());
        };
        let fb = accounts::Facebook {
            app: self.app,
            principal,
            params: self.params,
            served: self.sent.served,
        };
        Ok((fb, node))
    }
}

/// A row's handler shape and the node its path names disagree: the table is wrong, which the
/// one-request-per-route test would show. Answered as Graph's temporary outage.
fn shape_mismatch() -> ApiError {
    tracing::error!("a route's handler shape does not match its node");
    ApiError::new(Id::ServiceUnavailable)
}

/// Writes [`run`], the `match` from each Graph route to its row's handler, out of the route
/// table (`crate::route::route_table!`): a row without a handler, or naming one that does not
/// exist or takes other arguments than its shape gives, does not compile.
macro_rules! graph_dispatch {
    ($( $route:ident => $shape:ident($handler:path); )*) => {
        /// Calls the route's handler with what its shape gives.
        async fn run(route: GraphRoute, call: Call<'_>) -> ApiResult<Response> {
            match route {
                $( GraphRoute::$route => graph_dispatch!(@$shape $handler, call), )*
            }
        }
    };
    (@public $h:path, $call:ident) => { $h(&$call.app, &$call.params).await };
    (@calls $h:path, $call:ident) => { $h(&$call.app, $call.params, $call.sent).await };
    (@account $h:path, $call:ident) => {{
        let (ctx, _) = $call.into_ig()?;
        $h(&ctx).await
    }};
    (@node $h:path, $call:ident) => {{
        let (ctx, node) = $call.into_ig()?;
        $h(&ctx, node.ok_or_else(shape_mismatch)?).await
    }};
    (@media $h:path, $call:ident) => {{
        let (ctx, node) = $call.into_ig()?;
        match node.as_deref() {
            Some(Node::Media(m)) => $h(&ctx, m).await,
            _ => Err(shape_mismatch()),
        }
    }};
    (@comment $h:path, $call:ident) => {{
        let (ctx, node) = $call.into_ig()?;
        match node.as_deref() {
            Some(Node::Comment(k)) => $h(&ctx, k).await,
            _ => Err(shape_mismatch()),
        }
    }};
    (@fb_user $h:path, $call:ident) => {{
        let (fb, node) = $call.into_facebook()?;
        match &*node {
            Node::FbUser(u) => $h(&fb, u).await,
            _ => Err(shape_mismatch()),
        }
    }};
    (@page $h:path, $call:ident) => {{
        let (fb, node) = $call.into_facebook()?;
        match &*node {
            Node::Page(p) => $h(&fb, p).await,
            _ => Err(shape_mismatch()),
        }
    }};
    (@application $h:path, $call:ident) => {{
        let (fb, node) = $call.into_facebook()?;
        match &*node {
            Node::App(a) => $h(&fb, a).await,
            _ => Err(shape_mismatch()),
        }
    }};
    (@business $h:path, $call:ident) => {{
        let (fb, node) = $call.into_facebook()?;
        match &*node {
            Node::Business(b) => $h(&fb, b).await,
            _ => Err(shape_mismatch()),
        }
    }};
}

route::route_table!(graph_handlers graph_dispatch);

fn unknown_path(path: &str) -> ApiError {
    ApiError::new(Id::UnknownPathComponents).with(placeholder::PATH, path)
}

/// Runs the fault rules for a request: latency, an error, or a network fault for the server.
async fn apply_faults(
    app: &App,
    endpoint: FaultTarget,
    user_id: &str,
    params: &Params,
    outcome: &mut Outcome,
) -> ApiResult<()> {
    let subject = Subject {
        endpoint,
        user_id: user_id.to_owned(),
        media_type: media_type_of(app, params, endpoint).await,
    };
    outcome.network = match app.faults.fire(&subject).await {
        Ok(network) => network,
        Err(id) => {
            if let Some(a) = &mut outcome.attribution {
                a.faulted = true;
            }
            return Err(ApiError::new(id));
        }
    };
    Ok(())
}

/// `media_type` as the request sent it (create) or of the container being published.
async fn media_type_of(app: &App, params: &Params, endpoint: FaultTarget) -> Option<String> {
    match endpoint {
        FaultTarget::CreateMedia => Some(
            params
                .str("media_type")
                .unwrap_or_else(|| instapub_rules::RequestType::Image.as_str().to_owned()),
        ),
        FaultTarget::MediaPublish => {
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
