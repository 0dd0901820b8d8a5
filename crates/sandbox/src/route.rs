//! The route table: every request the sandbox answers, in one list ([`ROUTES`]).
//!
//! A request is parsed once ([`parse`]) from its method and path. Routing, the fault rules'
//! operation names ([`Endpoint`]), the "unknown path components" answer for edges nobody
//! serves, and the OpenAPI document (`control/openapi.rs`) are all read off this table, so adding
//! an endpoint is: a variant here, its row in [`ROUTES`], a handler file, a match arm the
//! compiler asks for, tests.
//!
//! Paths: `https://graph.facebook.com/v25.0/...` is `{base}/v25.0/...` or
//! `{base}/graph.facebook.com/v25.0/...`; the version segment is optional on Graph and upload
//! paths. Graph paths name a node (`/{id}`, `/{id}/{edge}`) whose kind only the store knows, so
//! they are resolved in two steps: [`parse`] gives [`Parsed::Node`], and [`resolve_node`] picks
//! the route once the node is looked up (after the caller is authenticated, as Graph does).

use axum::http::Method;
use serde::{Deserialize, Serialize};

use crate::hosts;

/// A Graph API route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GraphRoute {
    CreateMedia,
    UserMedia,
    UserStories,
    MediaPublish,
    ContentPublishingLimit,
    AvailableCatalogs,
    CatalogProductSearch,
    UserRead,
    ContainerRead,
    MediaRead,
    MediaChildren,
    UserInsights,
    UpdateMedia,
    DeleteMedia,
    MediaComments,
    CreateComment,
    MediaInsights,
    CommentRead,
    HideComment,
    DeleteComment,
    CommentReplies,
    CreateReply,
    OauthAccessToken,
    DebugToken,
    IgAccessToken,
    IgRefreshToken,
    FbUserRead,
    FbUserAccounts,
    FbUserBusinesses,
    FbUserPermissions,
    RevokePermissions,
    PageRead,
    BusinessRead,
    BusinessOwnedPages,
    BusinessClientPages,
    IgAudio,
}

/// A route of the login hosts: the consent pages (`www.facebook.com`, `www.instagram.com`) and
/// Instagram's token exchange (`api.instagram.com`). They answer HTML, redirects, or
/// api.instagram.com's own error shape, not Graph envelopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoginRoute {
    FacebookDialog,
    FacebookConsent,
    InstagramAuthorize,
    InstagramConsent,
    InstagramToken,
}

/// A route of the resumable-upload host (`rupload.facebook.com` in production).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UploadRoute {
    Bytes,
    Status,
}

/// A route of the CDN host (`scontent.cdninstagram.com` in production).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CdnRoute {
    Media,
}

/// A control-plane route (`/_sandbox/...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ControlRoute {
    CreateAccount,
    ListAccounts,
    PatchAccount,
    CreateToken,
    CreateCatalog,
    CreateMedia,
    PatchMedia,
    CreateComment,
    CreatePartnershipCode,
    CreateApp,
    ListApps,
    CreateFacebookUser,
    CreatePage,
    CreateBusiness,
    CreateOauthCode,
    GetApp,
    PatchApp,
    AddFault,
    ListFaults,
    DeleteFault,
    AdvanceClock,
    GetClock,
    Reset,
    Requests,
    PutFile,
    GetFile,
    OpenApi,
    UiHome,
    UiLogin,
    UiEvents,
    UiPost,
    UiPage,
}

/// Every route, grouped by the API it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Graph(GraphRoute),
    Upload(UploadRoute),
    Cdn(CdnRoute),
    Login(LoginRoute),
    Control(ControlRoute),
}

/// What the first segment of a Graph path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    User,
    Container,
    Media,
    Comment,
    FbUser,
    Page,
    Business,
}

/// The operations a fault rule can name (`match.endpoint`); each route of [`ROUTES`] says which
/// it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `POST /{ig-user-id}/media`
    CreateMedia,
    /// `POST /{ig-user-id}/media_publish`
    MediaPublish,
    /// `GET /{container-id}`
    ContainerStatus,
    /// `GET /{ig-user-id}/content_publishing_limit`
    ContentPublishingLimit,
    /// `GET /{ig-media-id}` and `GET /{ig-user-id}/media`
    MediaRead,
    /// `GET /{ig-user-id}`
    UserRead,
    /// `GET /ig_audio`
    IgAudio,
    /// `POST /ig-api-upload/...`
    Upload,
    /// `GET /{ig-user-id}/available_catalogs`, `.../catalog_product_search`
    Catalogs,
    /// `POST`/`DELETE /{ig-media-id}`
    MediaWrite,
    /// Comments: list, create, read, hide, delete, replies
    Comments,
    /// `GET /{ig-media-id}/insights`, `GET /{ig-user-id}/insights`
    Insights,
    /// The token endpoints (code exchange, long-lived exchange, refresh, debug_token)
    Login,
    /// Facebook users, Pages, Businesses and permissions (account discovery)
    Accounts,
}

impl Endpoint {
    /// Every operation a rule can name, in the order the table first uses them.
    pub fn all() -> Vec<Endpoint> {
        let mut out = Vec::new();
        for e in ROUTES.iter().filter_map(|s| s.fault) {
            if !out.contains(&e) {
                out.push(e);
            }
        }
        out
    }
}

/// One row of the table.
#[derive(Debug, PartialEq, Eq)]
pub struct Spec {
    pub route: Route,
    pub method: Method,
    /// The path as documented; `{name}` segments are parameters.
    pub path: &'static str,
    /// Graph node routes: the kind of node the first segment names, and the edge after it.
    pub node: Option<(NodeKind, Option<&'static str>)>,
    /// The fault-rule operation this route counts as.
    pub fault: Option<Endpoint>,
    /// One line for the OpenAPI document.
    pub summary: &'static str,
}

macro_rules! row {
    ($route:expr, $method:ident, $path:literal, $node:expr, $fault:expr, $summary:literal) => {
        Spec {
            route: $route,
            method: Method::$method,
            path: $path,
            node: $node,
            fault: $fault,
            summary: $summary,
        }
    };
}

use ControlRoute as C;
use GraphRoute as G;
use NodeKind::{
    Business as NBusiness, Comment as NComment, Container as NContainer, FbUser as NFbUser,
    Media as NMedia, Page as NPage, User as NUser,
};

/// Every route the sandbox serves.
pub static ROUTES: &[Spec] = &[
    // ---- Graph API ----
    row!(
        Route::Graph(G::CreateMedia),
        POST,
        "/{ig-user-id}/media",
        Some((NUser, Some("media"))),
        Some(Endpoint::CreateMedia),
        "Create a media container (image, REELS, STORIES, CAROUSEL, VIDEO carousel item)"
    ),
    row!(
        Route::Graph(G::UserMedia),
        GET,
        "/{ig-user-id}/media",
        Some((NUser, Some("media"))),
        Some(Endpoint::MediaRead),
        "List the account's media (newest first, stories excluded)"
    ),
    row!(
        Route::Graph(G::MediaPublish),
        POST,
        "/{ig-user-id}/media_publish",
        Some((NUser, Some("media_publish"))),
        Some(Endpoint::MediaPublish),
        "Publish a FINISHED container"
    ),
    row!(
        Route::Graph(G::ContentPublishingLimit),
        GET,
        "/{ig-user-id}/content_publishing_limit",
        Some((NUser, Some("content_publishing_limit"))),
        Some(Endpoint::ContentPublishingLimit),
        "The account's 24 h publishing quota and usage"
    ),
    row!(
        Route::Graph(G::AvailableCatalogs),
        GET,
        "/{ig-user-id}/available_catalogs",
        Some((NUser, Some("available_catalogs"))),
        Some(Endpoint::Catalogs),
        "Product catalogs the account can tag from"
    ),
    row!(
        Route::Graph(G::CatalogProductSearch),
        GET,
        "/{ig-user-id}/catalog_product_search",
        Some((NUser, Some("catalog_product_search"))),
        Some(Endpoint::Catalogs),
        "Products of a catalog, with their review status"
    ),
    row!(
        Route::Graph(G::UserRead),
        GET,
        "/{node-id}",
        Some((NUser, None)),
        Some(Endpoint::UserRead),
        "Read an IG user (username, name, media_count, ...)"
    ),
    row!(
        Route::Graph(G::ContainerRead),
        GET,
        "/{node-id}",
        Some((NContainer, None)),
        Some(Endpoint::ContainerStatus),
        "Read a container (status_code, status)"
    ),
    row!(
        Route::Graph(G::MediaRead),
        GET,
        "/{node-id}",
        Some((NMedia, None)),
        Some(Endpoint::MediaRead),
        "Read a media object"
    ),
    row!(
        Route::Graph(G::UserStories),
        GET,
        "/{ig-user-id}/stories",
        Some((NUser, Some("stories"))),
        Some(Endpoint::MediaRead),
        "The account's stories of the last 24 hours (virtual clock), newest first"
    ),
    row!(
        Route::Graph(G::MediaChildren),
        GET,
        "/{ig-media-id}/children",
        Some((NMedia, Some("children"))),
        Some(Endpoint::MediaRead),
        "A carousel album's children, in order"
    ),
    row!(
        Route::Graph(G::UserInsights),
        GET,
        "/{ig-user-id}/insights",
        Some((NUser, Some("insights"))),
        Some(Endpoint::Insights),
        "Account insights: metric, period, metric_type, since, until"
    ),
    row!(
        Route::Graph(G::UpdateMedia),
        POST,
        "/{ig-media-id}",
        Some((NMedia, None)),
        Some(Endpoint::MediaWrite),
        "Turn a media's comments on or off (comment_enabled)"
    ),
    row!(
        Route::Graph(G::DeleteMedia),
        DELETE,
        "/{ig-media-id}",
        Some((NMedia, None)),
        Some(Endpoint::MediaWrite),
        "Delete a media (a whole album, not one child)"
    ),
    row!(
        Route::Graph(G::MediaComments),
        GET,
        "/{ig-media-id}/comments",
        Some((NMedia, Some("comments"))),
        Some(Endpoint::Comments),
        "A media's top-level comments, newest first"
    ),
    row!(
        Route::Graph(G::CreateComment),
        POST,
        "/{ig-media-id}/comments",
        Some((NMedia, Some("comments"))),
        Some(Endpoint::Comments),
        "Comment on a media as the account (message)"
    ),
    row!(
        Route::Graph(G::MediaInsights),
        GET,
        "/{ig-media-id}/insights",
        Some((NMedia, Some("insights"))),
        Some(Endpoint::Insights),
        "A media's insights (metric)"
    ),
    row!(
        Route::Graph(G::CommentRead),
        GET,
        "/{node-id}",
        Some((NComment, None)),
        Some(Endpoint::Comments),
        "Read a comment (text, timestamp, username, from, hidden, ...)"
    ),
    row!(
        Route::Graph(G::HideComment),
        POST,
        "/{ig-comment-id}",
        Some((NComment, None)),
        Some(Endpoint::Comments),
        "Hide or unhide a comment (hide)"
    ),
    row!(
        Route::Graph(G::DeleteComment),
        DELETE,
        "/{ig-comment-id}",
        Some((NComment, None)),
        Some(Endpoint::Comments),
        "Delete a comment and its replies"
    ),
    row!(
        Route::Graph(G::CommentReplies),
        GET,
        "/{ig-comment-id}/replies",
        Some((NComment, Some("replies"))),
        Some(Endpoint::Comments),
        "A comment's replies, oldest first"
    ),
    row!(
        Route::Graph(G::CreateReply),
        POST,
        "/{ig-comment-id}/replies",
        Some((NComment, Some("replies"))),
        Some(Endpoint::Comments),
        "Reply to a comment (message)"
    ),
    row!(
        Route::Graph(G::OauthAccessToken),
        GET,
        "/oauth/access_token",
        None,
        Some(Endpoint::Login),
        "Facebook Login: exchange a code (client_id, client_secret, redirect_uri, code), or a token for a long-lived one (grant_type=fb_exchange_token)"
    ),
    row!(
        Route::Graph(G::DebugToken),
        GET,
        "/debug_token",
        None,
        Some(Endpoint::Login),
        "What a token is: app, type, scopes, expiry, validity (input_token; access_token = app_id|app_secret)"
    ),
    row!(
        Route::Graph(G::IgAccessToken),
        GET,
        "/access_token",
        None,
        Some(Endpoint::Login),
        "Instagram Login (graph.instagram.com): a long-lived token for a short-lived one (grant_type=ig_exchange_token)"
    ),
    row!(
        Route::Graph(G::IgRefreshToken),
        GET,
        "/refresh_access_token",
        None,
        Some(Endpoint::Login),
        "Instagram Login (graph.instagram.com): refresh a long-lived token at least 24 h old (grant_type=ig_refresh_token)"
    ),
    row!(
        Route::Graph(G::FbUserRead),
        GET,
        "/{node-id}",
        Some((NFbUser, None)),
        Some(Endpoint::Accounts),
        "Read a Facebook user (id, name, picture); /me with a Facebook user token"
    ),
    row!(
        Route::Graph(G::FbUserAccounts),
        GET,
        "/{facebook-user-id}/accounts",
        Some((NFbUser, Some("accounts"))),
        Some(Endpoint::Accounts),
        "The Pages the user administers, with their access_token and instagram_business_account"
    ),
    row!(
        Route::Graph(G::FbUserBusinesses),
        GET,
        "/{facebook-user-id}/businesses",
        Some((NFbUser, Some("businesses"))),
        Some(Endpoint::Accounts),
        "The user's Businesses"
    ),
    row!(
        Route::Graph(G::FbUserPermissions),
        GET,
        "/{facebook-user-id}/permissions",
        Some((NFbUser, Some("permissions"))),
        Some(Endpoint::Accounts),
        "Each scope and whether it is granted or declined"
    ),
    row!(
        Route::Graph(G::RevokePermissions),
        DELETE,
        "/{facebook-user-id}/permissions",
        Some((NFbUser, Some("permissions"))),
        Some(Endpoint::Accounts),
        "Revoke the app: every token the user gave it stops working"
    ),
    row!(
        Route::Graph(G::PageRead),
        GET,
        "/{node-id}",
        Some((NPage, None)),
        Some(Endpoint::Accounts),
        "Read a Page (name, access_token, instagram_business_account, picture)"
    ),
    row!(
        Route::Graph(G::BusinessRead),
        GET,
        "/{node-id}",
        Some((NBusiness, None)),
        Some(Endpoint::Accounts),
        "Read a Business (id, name)"
    ),
    row!(
        Route::Graph(G::BusinessOwnedPages),
        GET,
        "/{business-id}/owned_pages",
        Some((NBusiness, Some("owned_pages"))),
        Some(Endpoint::Accounts),
        "The Pages a Business owns"
    ),
    row!(
        Route::Graph(G::BusinessClientPages),
        GET,
        "/{business-id}/client_pages",
        Some((NBusiness, Some("client_pages"))),
        Some(Endpoint::Accounts),
        "The Pages a Business manages for clients"
    ),
    row!(
        Route::Graph(G::IgAudio),
        GET,
        "/ig_audio",
        None,
        Some(Endpoint::IgAudio),
        "Audio search, or ads audio-swap discovery with product=ADS"
    ),
    // ---- Resumable upload ----
    row!(
        Route::Upload(UploadRoute::Bytes),
        POST,
        "/ig-api-upload/{version}/{container-id}",
        None,
        Some(Endpoint::Upload),
        "Upload bytes (offset, file_size headers) or a file_url for a resumable container"
    ),
    row!(
        Route::Upload(UploadRoute::Status),
        GET,
        "/ig-api-upload/{version}/{container-id}",
        None,
        None,
        "How far a resumable upload got (sandbox addition)"
    ),
    // ---- Login hosts ----
    row!(
        Route::Login(LoginRoute::FacebookDialog),
        GET,
        "/www.facebook.com/{version}/dialog/oauth",
        None,
        None,
        "Facebook Login's consent page (client_id, redirect_uri, scope, state, response_type=code)"
    ),
    row!(
        Route::Login(LoginRoute::FacebookConsent),
        POST,
        "/www.facebook.com/{version}/dialog/oauth",
        None,
        None,
        "The consent page's answer: Allow (redirect with code) or Cancel (redirect with error)"
    ),
    row!(
        Route::Login(LoginRoute::InstagramAuthorize),
        GET,
        "/www.instagram.com/oauth/authorize",
        None,
        None,
        "Instagram Login's consent page (client_id, redirect_uri, scope, state, response_type=code)"
    ),
    row!(
        Route::Login(LoginRoute::InstagramConsent),
        POST,
        "/www.instagram.com/oauth/authorize",
        None,
        None,
        "The consent page's answer: Allow or Cancel"
    ),
    row!(
        Route::Login(LoginRoute::InstagramToken),
        POST,
        "/api.instagram.com/oauth/access_token",
        None,
        None,
        "Instagram Login: exchange a code for a short-lived Instagram user token (form or multipart)"
    ),
    // ---- CDN ----
    row!(
        Route::Cdn(CdnRoute::Media),
        GET,
        "/scontent.cdninstagram.com/v/t51.2885-15/{file}",
        None,
        None,
        "Published media's bytes, where media_url and thumbnail_url point (Range supported)"
    ),
    // ---- Control plane ----
    row!(
        Route::Control(C::CreateAccount),
        POST,
        "/_sandbox/accounts",
        None,
        None,
        "Create an account (answers with a full-permission token)"
    ),
    row!(
        Route::Control(C::ListAccounts),
        GET,
        "/_sandbox/accounts",
        None,
        None,
        "List accounts"
    ),
    row!(
        Route::Control(C::PatchAccount),
        PATCH,
        "/_sandbox/accounts/{id}",
        None,
        None,
        "Change an account's flags or quota"
    ),
    row!(
        Route::Control(C::CreateToken),
        POST,
        "/_sandbox/tokens",
        None,
        None,
        "Create a token with permissions and expiry"
    ),
    row!(
        Route::Control(C::CreateCatalog),
        POST,
        "/_sandbox/catalogs",
        None,
        None,
        "Create a product catalog"
    ),
    row!(
        Route::Control(C::CreateMedia),
        POST,
        "/_sandbox/media",
        None,
        None,
        "Seed an existing media object (e.g. a reel with copyrighted music)"
    ),
    row!(
        Route::Control(C::PatchMedia),
        PATCH,
        "/_sandbox/media/{id}",
        None,
        None,
        "Stage activity on a media: like_count, comment_enabled, insight values"
    ),
    row!(
        Route::Control(C::CreateComment),
        POST,
        "/_sandbox/comments",
        None,
        None,
        "A comment (or a reply, with parent_id) from another user, with replies"
    ),
    row!(
        Route::Control(C::CreatePartnershipCode),
        POST,
        "/_sandbox/partnership_ad_codes",
        None,
        None,
        "Create a partnership ad code for a media"
    ),
    row!(
        Route::Control(C::CreateApp),
        POST,
        "/_sandbox/apps",
        None,
        None,
        "Create an app (id, secret, redirect URIs)"
    ),
    row!(
        Route::Control(C::ListApps),
        GET,
        "/_sandbox/apps",
        None,
        None,
        "List apps"
    ),
    row!(
        Route::Control(C::CreateFacebookUser),
        POST,
        "/_sandbox/facebook_users",
        None,
        None,
        "Create a Facebook user"
    ),
    row!(
        Route::Control(C::CreatePage),
        POST,
        "/_sandbox/pages",
        None,
        None,
        "Create a Page administered by a Facebook user, linked to an Instagram account or not"
    ),
    row!(
        Route::Control(C::CreateBusiness),
        POST,
        "/_sandbox/businesses",
        None,
        None,
        "Create a Business owned by a Facebook user"
    ),
    row!(
        Route::Control(C::CreateOauthCode),
        POST,
        "/_sandbox/oauth/codes",
        None,
        None,
        "Mint an OAuth code as if the user had consented (for headless tests)"
    ),
    row!(
        Route::Control(C::GetApp),
        GET,
        "/_sandbox/app",
        None,
        None,
        "App settings"
    ),
    row!(
        Route::Control(C::PatchApp),
        PATCH,
        "/_sandbox/app",
        None,
        None,
        "Change app settings (call limits, ads audio swap)"
    ),
    row!(
        Route::Control(C::AddFault),
        POST,
        "/_sandbox/faults",
        None,
        None,
        "Add a fault rule"
    ),
    row!(
        Route::Control(C::ListFaults),
        GET,
        "/_sandbox/faults",
        None,
        None,
        "List fault rules"
    ),
    row!(
        Route::Control(C::DeleteFault),
        DELETE,
        "/_sandbox/faults/{id}",
        None,
        None,
        "Remove a fault rule"
    ),
    row!(
        Route::Control(C::AdvanceClock),
        POST,
        "/_sandbox/clock/advance",
        None,
        None,
        "Move the virtual clock forward"
    ),
    row!(
        Route::Control(C::GetClock),
        GET,
        "/_sandbox/clock",
        None,
        None,
        "The virtual clock"
    ),
    row!(
        Route::Control(C::Reset),
        POST,
        "/_sandbox/reset",
        None,
        None,
        "Back to the first-start state"
    ),
    row!(
        Route::Control(C::Requests),
        GET,
        "/_sandbox/requests",
        None,
        None,
        "Recent Graph requests and their answers"
    ),
    row!(
        Route::Control(C::PutFile),
        PUT,
        "/_sandbox/files/{name}",
        None,
        None,
        "Host a file on the sandbox"
    ),
    row!(
        Route::Control(C::GetFile),
        GET,
        "/_sandbox/files/{name}",
        None,
        None,
        "A hosted file (no credentials needed)"
    ),
    row!(
        Route::Control(C::UiHome),
        GET,
        "/_sandbox/ui",
        None,
        None,
        "The dashboard: the phone view of an account (?key=ADMIN_KEY logs the browser in)"
    ),
    row!(
        Route::Control(C::UiLogin),
        POST,
        "/_sandbox/ui/login",
        None,
        None,
        "The dashboard's login form (key)"
    ),
    row!(
        Route::Control(C::UiEvents),
        GET,
        "/_sandbox/ui/events",
        None,
        None,
        "Server-Sent Events: each new logged request, rendered for the inspector"
    ),
    row!(
        Route::Control(C::UiPost),
        GET,
        "/_sandbox/ui/post/{id}",
        None,
        None,
        "The dashboard's view of a post: slides in order, caption, comments, insights"
    ),
    row!(
        Route::Control(C::UiPage),
        GET,
        "/_sandbox/ui/{page}",
        None,
        None,
        "A dashboard page: timeline, requests, catalog (grid: the phone's content alone)"
    ),
    row!(
        Route::Control(C::OpenApi),
        GET,
        "/_sandbox/openapi.json",
        None,
        None,
        "This document"
    ),
];

impl Spec {
    /// Which API the route belongs to.
    pub fn surface(&self) -> Surface {
        match self.route {
            Route::Graph(_) => Surface::Graph,
            Route::Upload(_) => Surface::Upload,
            Route::Cdn(_) => Surface::Cdn,
            Route::Login(_) => Surface::Login,
            Route::Control(_) => Surface::Control,
        }
    }
}

impl ControlRoute {
    /// The dashboard's routes (`crate::control::ui`), which answer HTML and log in by cookie.
    pub fn is_dashboard(self) -> bool {
        matches!(
            self,
            C::UiHome | C::UiLogin | C::UiEvents | C::UiPost | C::UiPage
        )
    }
}

/// How much request body a route reads. The server applies it before reading, and only after
/// the caller is admitted (a keyless control-plane call reads nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// [`SMALL_BODY`]: pages, reads, the dashboard's login form.
    Small,
    /// The Graph parameter limit (`Config::max_body_bytes`): Graph calls, the login hosts.
    Params,
    /// [`CONTROL_BODY`]: control-plane JSON.
    Control,
    /// The hosted-file limit (`Config::max_file_bytes`).
    File,
}

/// The body a [`BodyLimit::Small`] route reads at most.
pub const SMALL_BODY: usize = 16 * 1024;
/// The body a control-plane JSON route reads at most (the largest staging call, a comment
/// thread or a catalog, is a few KiB).
pub const CONTROL_BODY: usize = 1 << 20;

impl Route {
    /// How much body the route reads (the upload host streams its own, capped by the
    /// container's kind).
    pub fn body_limit(self) -> BodyLimit {
        match self {
            Route::Control(C::PutFile) => BodyLimit::File,
            Route::Control(
                C::GetFile
                | C::OpenApi
                | C::UiHome
                | C::UiLogin
                | C::UiEvents
                | C::UiPost
                | C::UiPage
                | C::ListAccounts
                | C::ListApps
                | C::GetApp
                | C::ListFaults
                | C::GetClock
                | C::Requests,
            )
            | Route::Cdn(_) => BodyLimit::Small,
            Route::Control(_) => BodyLimit::Control,
            Route::Graph(_) | Route::Login(_) | Route::Upload(_) => BodyLimit::Params,
        }
    }

    /// This route's row.
    #[cfg(test)]
    pub fn spec(self) -> &'static Spec {
        // Every variant has a row (checked by a test), so the fallback is never taken.
        ROUTES
            .iter()
            .find(|s| s.route == self)
            .unwrap_or(&ROUTES[0])
    }

    /// Routes that answer without the caller's credentials (a hosted file is public media).
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Route::Control(
                C::GetFile
                    | C::OpenApi
                    | C::UiHome
                    | C::UiLogin
                    | C::UiEvents
                    | C::UiPost
                    | C::UiPage
            ) | Route::Cdn(_)
                | Route::Login(_)
                | Route::Graph(
                    G::OauthAccessToken | G::DebugToken | G::IgAccessToken | G::IgRefreshToken
                )
        )
    }
}

/// Which Graph host a request addresses: `{base}/graph.instagram.com/...` is Instagram's,
/// everything else (`{base}/...`, `{base}/graph.facebook.com/...`) Facebook's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    Facebook,
    Instagram,
}

/// The Graph host of a path.
pub fn host_of(path: &str) -> Host {
    let first = path.split('/').find(|s| !s.is_empty());
    if first == Some(hosts::GRAPH_INSTAGRAM) {
        Host::Instagram
    } else {
        Host::Facebook
    }
}
/// Where the upload host's paths start.
const UPLOAD_PREFIX: &str = "ig-api-upload";
/// Where the control plane's paths start.
const CONTROL_PREFIX: &str = "_sandbox";

/// Which body size limit a request gets: files and uploads are large, Graph calls small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Graph,
    Upload,
    Cdn,
    Login,
    Control,
}

/// A request's place in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed<'a> {
    /// A Graph node path (`/{id}` or `/{id}/{edge}`): resolved by [`resolve_node`] once the
    /// node's kind is known.
    Node { id: &'a str, edge: Option<&'a str> },
    /// A route known from the path alone, with its `{parameter}` segments in order.
    Fixed {
        spec: &'static Spec,
        params: Vec<&'a str>,
    },
    /// Nothing in the table matches.
    Unknown(Miss<'a>),
}

/// Why nothing matched, so the caller can answer as the real API does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss<'a> {
    /// A Graph path with nothing in it (`/` or `/v25.0/`).
    EmptyGraphPath,
    /// A Graph path with segments past `/{node}/{edge}`: these, joined.
    ExtraSegments(String),
    /// A known Graph path without this method (`POST /ig_audio`): its first segment.
    GraphMethod(&'a str),
    /// An upload path that is not `/{version}/{container-id}`, or the wrong method.
    Upload(String),
    /// A CDN path that is not a media file.
    Cdn(String),
    /// A login-host path nobody serves.
    Login(String),
    /// A control-plane path nobody serves.
    Control(String),
}

impl Parsed<'_> {
    /// Which API the request is for.
    pub fn surface(&self) -> Surface {
        match self {
            Parsed::Node { .. } => Surface::Graph,
            Parsed::Fixed { spec, .. } => spec.surface(),
            Parsed::Unknown(Miss::Upload(_)) => Surface::Upload,
            Parsed::Unknown(Miss::Cdn(_)) => Surface::Cdn,
            Parsed::Unknown(Miss::Login(_)) => Surface::Login,
            Parsed::Unknown(Miss::Control(_)) => Surface::Control,
            Parsed::Unknown(_) => Surface::Graph,
        }
    }

    /// Whether answering the request as a GET spends something (a code exchanged for a
    /// token, a token refreshed, a consent page's decision): `HEAD` is not run as `GET` there.
    pub fn spends(&self) -> bool {
        matches!(
            self,
            Parsed::Fixed {
                spec: Spec {
                    route: Route::Graph(G::OauthAccessToken | G::IgAccessToken | G::IgRefreshToken)
                        | Route::Login(_),
                    ..
                },
                ..
            }
        )
    }
}

/// Parses a request's method and path.
pub fn parse<'a>(method: &Method, path: &'a str) -> Parsed<'a> {
    let mut segs: Vec<&'a str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if matches!(
        segs.first(),
        Some(&hosts::GRAPH_FACEBOOK | &hosts::GRAPH_INSTAGRAM | &hosts::RUPLOAD)
    ) {
        segs.remove(0);
    }
    match segs.first().copied() {
        // Control paths are exact: `/_sandbox/files/a.jpg/` is not the file.
        Some(CONTROL_PREFIX) if path.ends_with('/') || path.contains("//") => {
            Parsed::Unknown(Miss::Control(path.to_owned()))
        }
        Some(CONTROL_PREFIX) => fixed(method, &segs, Surface::Control)
            .unwrap_or_else(|| Parsed::Unknown(Miss::Control(format!("/{}", segs.join("/"))))),
        Some(hosts::CDN) => fixed(method, &segs, Surface::Cdn)
            .unwrap_or_else(|| Parsed::Unknown(Miss::Cdn(path.to_owned()))),
        Some(host) if hosts::LOGIN.contains(&host) => {
            if segs.get(1).is_some_and(|s| is_version(s)) {
                segs.remove(1);
            }
            fixed(method, &segs, Surface::Login)
                .unwrap_or_else(|| Parsed::Unknown(Miss::Login(path.to_owned())))
        }
        Some(UPLOAD_PREFIX) => {
            if segs.get(1).is_some_and(|s| is_version(s)) {
                segs.remove(1);
            }
            fixed(method, &segs, Surface::Upload).unwrap_or_else(|| {
                Parsed::Unknown(Miss::Upload(segs.get(1..).unwrap_or_default().join("/")))
            })
        }
        _ => {
            if segs.first().is_some_and(|s| is_version(s)) {
                segs.remove(0);
            }
            if let Some(found) = fixed(method, &segs, Surface::Graph) {
                return found;
            }
            match segs.as_slice() {
                [] => Parsed::Unknown(Miss::EmptyGraphPath),
                [first, ..] if is_fixed_graph_path(first) => {
                    Parsed::Unknown(Miss::GraphMethod(first))
                }
                [id] => Parsed::Node { id, edge: None },
                [id, edge] => Parsed::Node {
                    id,
                    edge: Some(edge),
                },
                [_, _, rest @ ..] => Parsed::Unknown(Miss::ExtraSegments(rest.join("/"))),
            }
        }
    }
}

/// What a node path is, once the node's kind is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRoute {
    Found(&'static Spec),
    /// No route serves this edge on any node: Graph's "unknown path components".
    UnknownEdge,
    /// The node or edge exists but not with this method (or not on this kind of node): to
    /// Graph, an object that does not support the operation.
    Unsupported,
}

/// Picks the route of a node path.
pub fn resolve_node(method: &Method, kind: NodeKind, edge: Option<&str>) -> NodeRoute {
    let mut edge_known = edge.is_none();
    for spec in ROUTES {
        let Some((k, e)) = spec.node else { continue };
        if e == edge {
            edge_known = true;
            if k == kind && spec.method == *method {
                return NodeRoute::Found(spec);
            }
        }
    }
    if edge_known {
        NodeRoute::Unsupported
    } else {
        NodeRoute::UnknownEdge
    }
}

/// The segments of a path template, without the optional `{version}`.
fn template(path: &'static str) -> impl Iterator<Item = &'static str> {
    path.split('/')
        .filter(|s| !s.is_empty() && *s != "{version}")
}

fn is_param(seg: &str) -> bool {
    seg.starts_with('{') && seg.ends_with('}')
}

/// A fixed (non-node) route of `surface` matching the segments.
/// Each row of [`ROUTES`]' path split into segments once (matching splits no strings per
/// request).
static TEMPLATES: std::sync::LazyLock<Vec<Vec<&'static str>>> =
    std::sync::LazyLock::new(|| ROUTES.iter().map(|s| template(s.path).collect()).collect());

fn fixed<'a>(method: &Method, segs: &[&'a str], surface: Surface) -> Option<Parsed<'a>> {
    for (spec, template) in ROUTES.iter().zip(TEMPLATES.iter()) {
        // The cheapest tests first; the method rules out most rows.
        if spec.method != *method
            || template.len() != segs.len()
            || spec.node.is_some()
            || spec.surface() != surface
            || !template
                .iter()
                .zip(segs)
                .all(|(t, s)| is_param(t) || t == s)
        {
            continue;
        }
        let params: Vec<&'a str> = template
            .iter()
            .zip(segs)
            .filter(|(t, _)| is_param(t))
            .map(|(_, s)| *s)
            .collect();
        return Some(Parsed::Fixed { spec, params });
    }
    None
}

/// A Graph path whose first segment is a fixed name (`ig_audio`), not a node id.
fn is_fixed_graph_path(first: &str) -> bool {
    ROUTES.iter().zip(TEMPLATES.iter()).any(|(s, template)| {
        s.node.is_none() && matches!(s.route, Route::Graph(_)) && template.first() == Some(&first)
    })
}

/// A Graph version segment: `v25.0`, `v26`.
pub fn is_version(s: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn route_of(method: Method, path: &str) -> Option<Route> {
        match parse(&method, path) {
            Parsed::Fixed { spec, .. } => Some(spec.route),
            _ => None,
        }
    }

    #[test]
    fn every_route_has_one_row_and_rows_agree_with_their_paths() {
        let mut seen = Vec::new();
        for spec in ROUTES {
            assert!(!seen.contains(&spec.route), "{:?} twice", spec.route);
            seen.push(spec.route);
            assert_eq!(spec.route.spec().path, spec.path);
            if let Some((_, edge)) = spec.node {
                // The documented path's second segment is the edge.
                assert_eq!(template(spec.path).nth(1), edge, "{}", spec.path);
            }
        }
        // Every fault name is used by some route.
        let all = Endpoint::all();
        for e in [
            Endpoint::CreateMedia,
            Endpoint::MediaPublish,
            Endpoint::ContainerStatus,
            Endpoint::ContentPublishingLimit,
            Endpoint::MediaRead,
            Endpoint::UserRead,
            Endpoint::IgAudio,
            Endpoint::Upload,
            Endpoint::Catalogs,
        ] {
            assert!(all.contains(&e), "{e:?} names no route");
        }
    }

    #[test]
    fn graph_paths_with_or_without_version_and_host() {
        for path in [
            "/v25.0/123/media",
            "/123/media",
            "/v26/123/media",
            "/graph.facebook.com/v25.0/123/media",
        ] {
            assert_eq!(
                parse(&Method::POST, path),
                Parsed::Node {
                    id: "123",
                    edge: Some("media")
                },
                "{path}"
            );
        }
        assert_eq!(
            parse(&Method::GET, "/vx/123"),
            Parsed::Node {
                id: "vx",
                edge: Some("123")
            }
        );
        assert_eq!(
            parse(&Method::GET, "//"),
            Parsed::Unknown(Miss::EmptyGraphPath)
        );
        assert_eq!(
            parse(&Method::GET, "/1/2/3/4"),
            Parsed::Unknown(Miss::ExtraSegments("3/4".into()))
        );
        assert_eq!(
            route_of(Method::GET, "/v25.0/ig_audio"),
            Some(Route::Graph(G::IgAudio))
        );
        assert_eq!(
            parse(&Method::POST, "/ig_audio"),
            Parsed::Unknown(Miss::GraphMethod("ig_audio"))
        );
    }

    #[test]
    fn node_routes_resolve_by_kind_edge_and_method() {
        let found = |m: Method, k, e| match resolve_node(&m, k, e) {
            NodeRoute::Found(s) => Some(s.route),
            _ => None,
        };
        assert_eq!(
            found(Method::GET, NodeKind::Container, None),
            Some(Route::Graph(G::ContainerRead))
        );
        assert_eq!(
            found(Method::POST, NodeKind::User, Some("media")),
            Some(Route::Graph(G::CreateMedia))
        );
        assert_eq!(
            resolve_node(&Method::POST, NodeKind::Container, Some("media")),
            NodeRoute::Unsupported
        );
        assert_eq!(
            resolve_node(&Method::GET, NodeKind::User, Some("insights_nope")),
            NodeRoute::UnknownEdge
        );
        assert_eq!(
            resolve_node(&Method::DELETE, NodeKind::Container, None),
            NodeRoute::Unsupported
        );
        assert_eq!(
            found(Method::DELETE, NodeKind::Media, None),
            Some(Route::Graph(G::DeleteMedia))
        );
        assert_eq!(
            found(Method::POST, NodeKind::Comment, Some("replies")),
            Some(Route::Graph(G::CreateReply))
        );
    }

    #[test]
    fn upload_and_control_paths() {
        assert_eq!(
            parse(&Method::POST, "/ig-api-upload/v25.0/178"),
            Parsed::Fixed {
                spec: Route::Upload(UploadRoute::Bytes).spec(),
                params: vec!["178"]
            }
        );
        assert_eq!(
            route_of(Method::GET, "/ig-api-upload/178"),
            Some(Route::Upload(UploadRoute::Status))
        );
        assert_eq!(
            parse(&Method::PUT, "/ig-api-upload/v25.0/178"),
            Parsed::Unknown(Miss::Upload("178".into()))
        );
        assert_eq!(
            parse(&Method::PATCH, "/_sandbox/accounts/17"),
            Parsed::Fixed {
                spec: Route::Control(C::PatchAccount).spec(),
                params: vec!["17"]
            }
        );
        assert_eq!(
            parse(&Method::GET, "/_sandbox/nope/x"),
            Parsed::Unknown(Miss::Control("/_sandbox/nope/x".into()))
        );
    }
}
