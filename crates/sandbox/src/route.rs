//! The route table: every request the sandbox answers, in one list ([`ROUTES`]).
//!
//! Each row is a route's contract: its method and documented path, the Graph hosts that serve
//! it, the credentials it takes, the permissions it needs, the fault-rule operation it counts
//! as, its body limit, its parameters' and answer's types, and for Graph routes its handler.
//! The table is written once, in [`route_table!`]; the route enums, [`ROUTES`], the Graph
//! dispatch (`crate::graph`), the permission check, the fault rules' names ([`FaultTarget`]),
//! the "unknown path components" answer for edges nobody serves, the OpenAPI document and its
//! schemas (`control/openapi.rs`, with schemars) and `docs/ROUTES.md` ([`markdown`]) are all
//! read off it. Adding a Graph endpoint is one row, one handler file and, when its answer is
//! new, a type in `crate::schemas`.
//!
//! Paths: `https://graph.facebook.com/v25.0/...` is `{base}/v25.0/...` or
//! `{base}/graph.facebook.com/v25.0/...`; the version segment is optional on Graph and upload
//! paths. Graph paths name a node (`/{id}`, `/{id}/{edge}`) whose kind only the store knows, so
//! they are resolved in two steps: [`parse`] gives [`Parsed::Node`], and [`resolve_node`] picks
//! the route once the node is looked up (after the caller is authenticated, as Graph does).

use axum::http::Method;
use instapub_errors::Id;
use serde::{Deserialize, Serialize};

use crate::hosts;

/// Who may call a route: the kinds of credential it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Token {
    /// A Facebook user token (Facebook Login, `EAA...`).
    FacebookUser,
    /// A Page token (from `/me/accounts` or `/{page-id}?fields=access_token`).
    Page,
    /// An Instagram account's token: Instagram Login's (`IGAA...`) or the control plane's.
    Instagram,
    /// The app's own credentials (`client_id` and `client_secret`, or `{app-id}|{app-secret}`),
    /// checked by the handler.
    App,
    /// The sandbox's admin key (`Authorization: Bearer`).
    Admin,
    /// The dashboard's login cookie; without it the page asks for the admin key.
    Cookie,
    /// Nothing: anyone may call it.
    Public,
}

impl Token {
    /// The name `docs/ROUTES.md` and the OpenAPI document use.
    pub fn as_str(self) -> &'static str {
        match self {
            Token::FacebookUser => "user",
            Token::Page => "page",
            Token::Instagram => "instagram",
            Token::App => "app",
            Token::Admin => "admin",
            Token::Cookie => "dashboard cookie",
            Token::Public => "none",
        }
    }
}

/// Where a route needs a permission checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Before the handler runs, by the Graph pipeline (`crate::graph`), after the fault rules.
    Always,
    /// By the handler, at the point Meta checks it; the text says when.
    InHandler(&'static str),
}

/// A permission a route needs: any one of its scopes grants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    /// The real scope names: Facebook Login's first, then Instagram Login's twin if any.
    pub scopes: &'static [&'static str],
    /// The catalog entry a caller without it gets.
    pub refusal: Id,
    pub check: Check,
}

impl Permission {
    /// The same permission, checked by the handler when `when` holds.
    pub const fn in_handler(self, when: &'static str) -> Permission {
        Permission {
            check: Check::InHandler(when),
            ..self
        }
    }

    /// Whether `granted` scopes include it.
    pub fn granted_by(&self, granted: &[String]) -> bool {
        self.scopes.iter().any(|s| granted.iter().any(|g| g == s))
    }
}

/// Publishing media.
pub const PUBLISH: Permission = Permission {
    scopes: &[
        "instagram_content_publish",
        "instagram_business_content_publish",
    ],
    refusal: Id::PublishPermissionMissing,
    check: Check::Always,
};
/// Reading and moderating comments, turning a media's comments on or off.
pub const COMMENTS: Permission = Permission {
    scopes: &[
        "instagram_manage_comments",
        "instagram_business_manage_comments",
    ],
    refusal: Id::PermissionDenied,
    check: Check::Always,
};
/// Insights of media and accounts.
pub const INSIGHTS: Permission = Permission {
    scopes: &[
        "instagram_manage_insights",
        "instagram_business_manage_insights",
    ],
    refusal: Id::PermissionDenied,
    check: Check::Always,
};
/// Deleting media.
pub const CONTENTS: Permission = Permission {
    scopes: &["instagram_manage_contents"],
    refusal: Id::PermissionDenied,
    check: Check::Always,
};
/// Ads features (the audio-swap discovery of `GET /ig_audio?product=ADS`).
pub const ADS: Permission = Permission {
    scopes: &["ads_management"],
    refusal: Id::AdsManagementMissing,
    check: Check::Always,
};

/// Every permission a route can need, for the report's permissions section.
pub const ALL_PERMISSIONS: [&Permission; 5] = [&PUBLISH, &COMMENTS, &INSIGHTS, &CONTENTS, &ADS];

/// The operations a fault rule can name (`match.endpoint`); each row of [`ROUTES`] says which
/// it belongs to, and a test adds a rule for each and sees it fire.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FaultTarget {
    /// `POST /{ig-user-id}/media`
    CreateMedia,
    /// `POST /{ig-user-id}/media_publish`
    MediaPublish,
    /// `GET /{container-id}`
    ContainerStatus,
    /// `GET /{ig-user-id}/content_publishing_limit`
    ContentPublishingLimit,
    /// `GET /{ig-media-id}`, `GET /{ig-user-id}/media`, `/stories`, `/children`
    MediaRead,
    /// `GET /{ig-user-id}`
    UserRead,
    /// `GET /ig_audio`
    IgAudio,
    /// `POST /ig-api-upload/{version}/{container-id}` (the upload host)
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
    /// Webhook subscriptions and installs (`/{app-id}/subscriptions`, `.../subscribed_apps`)
    Webhooks,
}

impl FaultTarget {
    /// Every operation a rule can name, in the order the table first uses them.
    pub fn all() -> Vec<FaultTarget> {
        let mut out = Vec::new();
        for e in ROUTES.iter().filter_map(|s| s.fault) {
            if !out.contains(&e) {
                out.push(e);
            }
        }
        out
    }

    /// The name a rule uses (`"create_media"`).
    pub fn as_str(self) -> &'static str {
        match self {
            FaultTarget::CreateMedia => "create_media",
            FaultTarget::MediaPublish => "media_publish",
            FaultTarget::ContainerStatus => "container_status",
            FaultTarget::ContentPublishingLimit => "content_publishing_limit",
            FaultTarget::MediaRead => "media_read",
            FaultTarget::UserRead => "user_read",
            FaultTarget::IgAudio => "ig_audio",
            FaultTarget::Upload => "upload",
            FaultTarget::Catalogs => "catalogs",
            FaultTarget::MediaWrite => "media_write",
            FaultTarget::Comments => "comments",
            FaultTarget::Insights => "insights",
            FaultTarget::Login => "login",
            FaultTarget::Accounts => "accounts",
            FaultTarget::Webhooks => "webhooks",
        }
    }
}

/// What the first segment of a Graph path names (the store's one node model).
pub use crate::store::NodeKind;

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

/// One row of the table: a route's contract.
#[derive(Debug, PartialEq, Eq)]
pub struct Spec {
    pub route: Route,
    /// The methods it answers (the token endpoints take GET and POST alike, as Meta does).
    pub methods: &'static [Method],
    /// The path as documented; `{name}` segments are parameters.
    pub path: &'static str,
    /// Graph node routes: the kind of node the first segment names, and the edge after it.
    pub node: Option<(NodeKind, Option<&'static str>)>,
    /// The Graph hosts that serve it (the other answers as for a node without the operation).
    pub hosts: &'static [Host],
    /// The credentials it accepts.
    pub tokens: &'static [Token],
    /// The permissions it needs.
    pub needs: &'static [Permission],
    /// The fault-rule operation this route counts as.
    pub fault: Option<FaultTarget>,
    /// How much body it reads.
    pub body: BodyLimit,
    /// Graph routes: the handler, as the table names it (a path under `crate::graph`).
    pub handler: Option<&'static str>,
    /// Control-plane operations: the helper every language's sandbox handle has for it
    /// (`create_catalog` in Rust and Python, `createCatalog` in Node).
    pub helper: Option<&'static str>,
    /// One line for the OpenAPI document and `docs/ROUTES.md`.
    pub summary: &'static str,
}

/// The route table, written once: `route_table!(contracts)` (below) turns it into the route
/// enums and [`ROUTES`]; `route_table!(graph_handlers graph_dispatch)` in `crate::graph` hands
/// each Graph row's variant and handler to that module's `graph_dispatch!`, which writes the
/// dispatch `match`; `route_table!(schemas contracts)` in `control/openapi.rs` hands each row's
/// parameter, body and answer types to the OpenAPI document. Handlers and types are paths
/// resolved where they are used (`create_media::handle` is `crate::graph::create_media::handle`,
/// `graph::IgUser` is `crate::schemas::graph::IgUser`), so this table depends on no handler
/// module and no schema.
///
/// A Graph row: `Variant: METHOD "documented path" [on NodeKind [/ "edge"]] { hosts, tokens,
/// needs, fault, handler: shape(path), params: Type, answer: json(Type), summary }`. The
/// handler's shape says what it is given: `public(h)` `h(&App, &Params)`; `account(h)`
/// `h(&Ctx)` (the caller acting for the account the path names); `node(h)` `h(&Ctx,
/// Arc<Node>)`; `media(h)`, `comment(h)` `h(&Ctx, &Media)`, `h(&Ctx, &Comment)`; `fb_user(h)`,
/// `page(h)`, `business(h)` `h(&Facebook, &FbUser)` and so on. `params` are taken from the
/// query or the body alike, as Graph does.
///
/// Any other row: `Variant: METHOD "path" { tokens, fault, limit: BodyLimit, [query: Type,]
/// [body: json(Type) | form(Type) | bytes,] answer: json(Type) | html | bytes | events |
/// redirect, summary }`.
macro_rules! route_table {
    ($($mode:tt)*) => {
        $crate::route::routes! { [$($mode)*]
        graph {
            CreateMedia: POST "/{ig-user-id}/media" on User / "media" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [PUBLISH], fault: CreateMedia, handler: account(create_media::handle),
                params: graph::CreateMediaParams, answer: json(graph::CreatedContainer),
                summary: "Create a media container (image, REELS, STORIES, CAROUSEL, VIDEO carousel item)",
            }
            UserMedia: GET "/{ig-user-id}/media" on User / "media" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: MediaRead, handler: account(read::user_media),
                params: graph::EdgeParams, answer: json(Page<graph::IgMedia>),
                summary: "List the account's media (newest first, stories excluded)",
            }
            MediaPublish: POST "/{ig-user-id}/media_publish" on User / "media_publish" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [PUBLISH], fault: MediaPublish, handler: account(publish::handle),
                params: graph::PublishParams, answer: json(Created),
                summary: "Publish a FINISHED container",
            }
            ContentPublishingLimit: GET "/{ig-user-id}/content_publishing_limit" on User / "content_publishing_limit" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: ContentPublishingLimit, handler: account(publishing_limit::handle),
                params: graph::PublishingLimitParams, answer: json(List<graph::PublishingLimit>),
                summary: "The account's 24 h publishing quota and usage",
            }
            AvailableCatalogs: GET "/{ig-user-id}/available_catalogs" on User / "available_catalogs" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: Catalogs, handler: account(catalogs::available),
                params: graph::FieldsParams, answer: json(List<graph::AvailableCatalog>),
                summary: "Product catalogs the account can tag from",
            }
            CatalogProductSearch: GET "/{ig-user-id}/catalog_product_search" on User / "catalog_product_search" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: Catalogs, handler: account(catalogs::search),
                params: graph::ProductSearchParams, answer: json(List<graph::CatalogProduct>),
                summary: "Products of a catalog, with their review status",
            }
            UserRead: GET "/{node-id}" on User {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: UserRead, handler: node(read::node),
                params: graph::FieldsParams, answer: json(graph::IgUser),
                summary: "Read an IG user (username, name, media_count, ...)",
            }
            ContainerRead: GET "/{node-id}" on Container {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: ContainerStatus, handler: node(read::node),
                params: graph::FieldsParams, answer: json(graph::IgContainer),
                summary: "Read a container (status_code, status)",
            }
            MediaRead: GET "/{node-id}" on Media {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: MediaRead, handler: node(read::node),
                params: graph::FieldsParams, answer: json(graph::IgMedia),
                summary: "Read a media object",
            }
            UserStories: GET "/{ig-user-id}/stories" on User / "stories" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: MediaRead, handler: account(read::user_stories),
                params: graph::EdgeParams, answer: json(Page<graph::IgMedia>),
                summary: "The account's stories of the last 24 hours (virtual clock), newest first",
            }
            MediaChildren: GET "/{ig-media-id}/children" on Media / "children" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: MediaRead, handler: media(read::children),
                params: graph::FieldsParams, answer: json(Page<graph::IgMedia>),
                summary: "A carousel album's children, in order",
            }
            UserInsights: GET "/{ig-user-id}/insights" on User / "insights" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [INSIGHTS], fault: Insights, handler: account(read::user_insights),
                params: graph::UserInsightsParams, answer: json(graph::UserInsights),
                summary: "Account insights: metric, period, metric_type, since, until",
            }
            UpdateMedia: POST "/{ig-media-id}" on Media {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [COMMENTS], fault: MediaWrite, handler: media(manage_media::update),
                params: graph::UpdateMediaParams, answer: json(Success),
                summary: "Turn a media's comments on or off (comment_enabled)",
            }
            DeleteMedia: DELETE "/{ig-media-id}" on Media {
                hosts: [Facebook], tokens: [Instagram, Page, FacebookUser],
                needs: [CONTENTS], fault: MediaWrite, handler: media(manage_media::delete),
                params: graph::NoParams, answer: json(Success),
                summary: "Delete a media (a whole album, not one child); not on graph.instagram.com",
            }
            MediaComments: GET "/{ig-media-id}/comments" on Media / "comments" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: Comments, handler: media(read::comments),
                params: graph::EdgeParams, answer: json(Page<graph::IgComment>),
                summary: "A media's top-level comments, newest first",
            }
            CreateComment: POST "/{ig-media-id}/comments" on Media / "comments" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [COMMENTS], fault: Comments, handler: media(comments::create),
                params: graph::MessageParams, answer: json(Created),
                summary: "Comment on a media as the account (message)",
            }
            MediaInsights: GET "/{ig-media-id}/insights" on Media / "insights" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [INSIGHTS], fault: Insights, handler: media(read::media_insights),
                params: graph::MediaInsightsParams, answer: json(List<graph::Insight>),
                summary: "A media's insights (metric)",
            }
            CommentRead: GET "/{node-id}" on Comment {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: Comments, handler: node(read::node),
                params: graph::FieldsParams, answer: json(graph::IgComment),
                summary: "Read a comment (text, timestamp, username, from, hidden, ...)",
            }
            HideComment: POST "/{ig-comment-id}" on Comment {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [COMMENTS], fault: Comments, handler: comment(comments::update),
                params: graph::HideParams, answer: json(Success),
                summary: "Hide or unhide a comment (hide)",
            }
            DeleteComment: DELETE "/{ig-comment-id}" on Comment {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [COMMENTS], fault: Comments, handler: comment(comments::delete),
                params: graph::NoParams, answer: json(Success),
                summary: "Delete a comment and its replies",
            }
            CommentReplies: GET "/{ig-comment-id}/replies" on Comment / "replies" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [], fault: Comments, handler: comment(read::replies),
                params: graph::EdgeParams, answer: json(Page<graph::IgComment>),
                summary: "A comment's replies, oldest first",
            }
            CreateReply: POST "/{ig-comment-id}/replies" on Comment / "replies" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page, FacebookUser],
                needs: [COMMENTS], fault: Comments, handler: comment(comments::reply),
                params: graph::MessageParams, answer: json(Created),
                summary: "Reply to a comment (message)",
            }
            OauthAccessToken: GET | POST "/oauth/access_token" {
                hosts: [Facebook], tokens: [App], needs: [], fault: Login,
                handler: public(oauth::facebook_token),
                params: graph::FacebookTokenParams, answer: json(graph::AccessToken),
                summary: "Facebook Login: exchange a code (client_id, client_secret, redirect_uri, code), a token for a long-lived one (grant_type=fb_exchange_token), or the app's credentials for an app token (grant_type=client_credentials)",
            }
            DebugToken: GET "/debug_token" {
                hosts: [Facebook], tokens: [App], needs: [], fault: Login,
                handler: public(oauth::debug_token),
                params: graph::DebugTokenParams, answer: json(graph::DebugToken),
                summary: "What a token is: app, type (USER, PAGE, APP), scopes, expiry, validity (input_token; access_token: an app token or a token of the app)",
            }
            IgAccessToken: GET | POST "/access_token" {
                hosts: [Instagram], tokens: [App], needs: [], fault: Login,
                handler: public(oauth::instagram_exchange),
                params: graph::InstagramExchangeParams, answer: json(graph::AccessToken),
                summary: "Instagram Login (graph.instagram.com): a long-lived token for a short-lived one (grant_type=ig_exchange_token)",
            }
            IgRefreshToken: GET | POST "/refresh_access_token" {
                hosts: [Instagram], tokens: [App], needs: [], fault: Login,
                handler: public(oauth::instagram_refresh),
                params: graph::InstagramRefreshParams, answer: json(graph::AccessToken),
                summary: "Instagram Login (graph.instagram.com): refresh a long-lived token at least 24 h old (grant_type=ig_refresh_token)",
            }
            FbUserRead: GET "/{node-id}" on FbUser {
                hosts: [Facebook], tokens: [FacebookUser], needs: [], fault: Accounts,
                handler: fb_user(accounts::user),
                params: graph::FieldsParams, answer: json(graph::FacebookUser),
                summary: "Read a Facebook user (id, name, picture); /me with a Facebook user token",
            }
            FbUserAccounts: GET "/{facebook-user-id}/accounts" on FbUser / "accounts" {
                hosts: [Facebook], tokens: [FacebookUser], needs: [], fault: Accounts,
                handler: fb_user(accounts::user_pages),
                params: graph::EdgeParams, answer: json(Page<graph::FacebookPage>),
                summary: "The Pages the user administers, with their access_token and instagram_business_account",
            }
            FbUserBusinesses: GET "/{facebook-user-id}/businesses" on FbUser / "businesses" {
                hosts: [Facebook], tokens: [FacebookUser], needs: [], fault: Accounts,
                handler: fb_user(accounts::user_businesses),
                params: graph::EdgeParams, answer: json(Page<graph::FacebookBusiness>),
                summary: "The user's Businesses",
            }
            FbUserPermissions: GET "/{facebook-user-id}/permissions" on FbUser / "permissions" {
                hosts: [Facebook], tokens: [FacebookUser], needs: [], fault: Accounts,
                handler: fb_user(accounts::permissions),
                params: graph::NoParams, answer: json(List<graph::PermissionStatus>),
                summary: "Each scope and whether it is granted or declined",
            }
            RevokePermissions: DELETE "/{facebook-user-id}/permissions" on FbUser / "permissions" {
                hosts: [Facebook], tokens: [FacebookUser], needs: [], fault: Accounts,
                handler: fb_user(accounts::revoke),
                params: graph::NoParams, answer: json(Success),
                summary: "Revoke the app: every token the user gave it stops working",
            }
            PageRead: GET "/{node-id}" on Page {
                hosts: [Facebook], tokens: [FacebookUser, Page], needs: [], fault: Accounts,
                handler: page(accounts::page),
                params: graph::FieldsParams, answer: json(graph::FacebookPage),
                summary: "Read a Page (name, access_token, instagram_business_account, picture)",
            }
            BusinessRead: GET "/{node-id}" on Business {
                hosts: [Facebook], tokens: [FacebookUser], needs: [], fault: Accounts,
                handler: business(accounts::business),
                params: graph::FieldsParams, answer: json(graph::FacebookBusiness),
                summary: "Read a Business (id, name)",
            }
            BusinessOwnedPages: GET "/{business-id}/owned_pages" on Business / "owned_pages" {
                hosts: [Facebook], tokens: [FacebookUser], needs: [], fault: Accounts,
                handler: business(accounts::owned_pages),
                params: graph::EdgeParams, answer: json(Page<graph::FacebookPage>),
                summary: "The Pages a Business owns",
            }
            BusinessClientPages: GET "/{business-id}/client_pages" on Business / "client_pages" {
                hosts: [Facebook], tokens: [FacebookUser], needs: [], fault: Accounts,
                handler: business(accounts::client_pages),
                params: graph::EdgeParams, answer: json(Page<graph::FacebookPage>),
                summary: "The Pages a Business manages for clients",
            }
            Ids: GET "/" {
                hosts: [Facebook, Instagram], tokens: [Public], needs: [], fault: None,
                handler: calls(ids::read),
                params: graph::IdsParams, answer: json(graph::NodesById),
                summary: "Several nodes at once (ids=a,b with fields), keyed by id; each id is read, authenticated and counted as GET /{id} would be",
            }
            Batch: POST "/" {
                hosts: [Facebook, Instagram], tokens: [Public], needs: [], fault: None,
                handler: calls(batch::run),
                params: graph::BatchParams, answer: json(Vec<Option<graph::BatchAnswer>>),
                summary: "A batch of up to 50 operations (batch=[{method, relative_url, body, name, depends_on, omit_response_on_success}]), each a call of its own with its access_token or the batch's",
            }
            AppRead: GET "/{node-id}" on App {
                hosts: [Facebook], tokens: [App, FacebookUser, Page, Instagram], needs: [],
                fault: Accounts, handler: application(accounts::application),
                params: graph::FieldsParams, answer: json(graph::FacebookApp),
                summary: "Read an app (id, name, link); an app access token ({app-id}|...) or any user token",
            }
            AppSubscriptions: GET "/{app-id}/subscriptions" on App / "subscriptions" {
                hosts: [Facebook], tokens: [App], needs: [], fault: Webhooks,
                handler: application(subscriptions::list),
                params: graph::NoParams, answer: json(List<graph::AppSubscription>),
                summary: "The app's webhook subscriptions: object, callback_url, active, fields with their versions (the app's own app token)",
            }
            Subscribe: POST "/{app-id}/subscriptions" on App / "subscriptions" {
                hosts: [Facebook], tokens: [App], needs: [], fault: Webhooks,
                handler: application(subscriptions::subscribe),
                params: graph::SubscriptionParams, answer: json(Success),
                summary: "Subscribe the app to an object's fields (object, callback_url, fields, verify_token, include_values): Meta's GET handshake to the callback first, (#2200) when the challenge does not come back",
            }
            Unsubscribe: DELETE "/{app-id}/subscriptions" on App / "subscriptions" {
                hosts: [Facebook], tokens: [App], needs: [], fault: Webhooks,
                handler: application(subscriptions::unsubscribe),
                params: graph::SubscriptionParams, answer: json(Success),
                summary: "Remove fields of an object's subscription (object, fields), an object's, or every subscription",
            }
            PageSubscribedApps: GET "/{page-id}/subscribed_apps" on Page / "subscribed_apps" {
                hosts: [Facebook], tokens: [Page], needs: [], fault: Webhooks,
                handler: page(subscriptions::page_apps),
                params: graph::NoParams, answer: json(List<graph::PageSubscribedApp>),
                summary: "The apps installed on the Page, with their Page fields (the Page's token)",
            }
            PageInstall: POST "/{page-id}/subscribed_apps" on Page / "subscribed_apps" {
                hosts: [Facebook], tokens: [Page], needs: [], fault: Webhooks,
                handler: page(subscriptions::page_install),
                params: graph::SubscribedFieldsParams, answer: json(Success),
                summary: "Facebook Login: install the token's app on the Page (subscribed_fields, Page fields such as feed); its linked Instagram account's webhooks then reach the app",
            }
            PageUninstall: DELETE "/{page-id}/subscribed_apps" on Page / "subscribed_apps" {
                hosts: [Facebook], tokens: [Page], needs: [], fault: Webhooks,
                handler: page(subscriptions::page_uninstall),
                params: graph::NoParams, answer: json(Success),
                summary: "Uninstall the token's app from the Page",
            }
            IgSubscribedApps: GET "/{ig-user-id}/subscribed_apps" on User / "subscribed_apps" {
                hosts: [Instagram, Facebook], tokens: [Instagram], needs: [], fault: Webhooks,
                handler: account(subscriptions::ig_apps),
                params: graph::NoParams, answer: json(List<graph::IgSubscribedApp>),
                summary: "Instagram Login: the token's app's install on the account (subscribed_fields)",
            }
            IgInstall: POST "/{ig-user-id}/subscribed_apps" on User / "subscribed_apps" {
                hosts: [Instagram, Facebook], tokens: [Instagram], needs: [], fault: Webhooks,
                handler: account(subscriptions::ig_install),
                params: graph::SubscribedFieldsParams, answer: json(Success),
                summary: "Instagram Login: install the token's app on the account (subscribed_fields: comments, live_comments, messages, ...)",
            }
            IgUninstall: DELETE "/{ig-user-id}/subscribed_apps" on User / "subscribed_apps" {
                hosts: [Instagram, Facebook], tokens: [Instagram], needs: [], fault: Webhooks,
                handler: account(subscriptions::ig_uninstall),
                params: graph::NoParams, answer: json(Success),
                summary: "Instagram Login: uninstall the token's app from the account",
            }
            IgAudio: GET "/ig_audio" {
                hosts: [Facebook, Instagram], tokens: [Instagram, Page],
                needs: [
                    PUBLISH.in_handler("once user_id is known to name the caller's account"),
                    ADS.in_handler("with product=ADS, after the purpose is checked"),
                ],
                fault: IgAudio, handler: account(ig_audio::handle),
                params: graph::IgAudioParams, answer: json(graph::AudioAnswer),
                summary: "Audio search, or ads audio-swap discovery with product=ADS",
            }
        }
        upload {
            Bytes: POST "/ig-api-upload/{version}/{container-id}" {
                tokens: [Instagram, Page, FacebookUser], fault: Upload, limit: Params,
                body: bytes, answer: json(graph::UploadAccepted),
                summary: "Upload bytes (offset, file_size headers) or a file_url for a resumable container",
            }
            Status: GET "/ig-api-upload/{version}/{container-id}" {
                tokens: [Instagram, Page, FacebookUser], fault: None, limit: Params,
                answer: json(graph::UploadStatus),
                summary: "How far a resumable upload got (sandbox addition)",
            }
        }
        login {
            FacebookDialog: GET "/www.facebook.com/{version}/dialog/oauth" {
                tokens: [Public], fault: None, limit: Params,
                query: login::AuthorizeParams, answer: html,
                summary: "Facebook Login's consent page (client_id, redirect_uri, scope, state, response_type=code)",
            }
            FacebookConsent: POST "/www.facebook.com/{version}/dialog/oauth" {
                tokens: [Public], fault: None, limit: Params,
                body: form(login::ConsentForm), answer: redirect,
                summary: "The consent page's answer: Allow (redirect with code) or Cancel (redirect with error)",
            }
            InstagramAuthorize: GET "/www.instagram.com/oauth/authorize" {
                tokens: [Public], fault: None, limit: Params,
                query: login::AuthorizeParams, answer: html,
                summary: "Instagram Login's consent page (client_id, redirect_uri, scope, state, response_type=code)",
            }
            InstagramAuthorizeApiHost: GET "/api.instagram.com/oauth/authorize" {
                tokens: [Public], fault: None, limit: Params,
                query: login::AuthorizeParams, answer: redirect,
                summary: "The older authorize address, which Meta still documents and libraries still default to: a redirect to www.instagram.com's consent page, the query kept",
            }
            InstagramConsent: POST "/www.instagram.com/oauth/authorize" {
                tokens: [Public], fault: None, limit: Params,
                body: form(login::ConsentForm), answer: redirect,
                summary: "The consent page's answer: Allow or Cancel",
            }
            InstagramToken: GET | POST "/api.instagram.com/oauth/access_token" {
                tokens: [App], fault: None, limit: Params,
                body: form(login::InstagramCodeForm), answer: json(login::InstagramUserToken),
                summary: "Instagram Login: exchange a code for a short-lived Instagram user token (form or multipart)",
            }
        }
        cdn {
            Media: GET "/scontent.cdninstagram.com/v/t51.2885-15/{file}" {
                tokens: [Public], fault: None, limit: Small,
                answer: bytes,
                summary: "Published media's bytes, where media_url and thumbnail_url point (Range supported)",
            }
        }
        control {
            CreateAccount: POST "/_sandbox/accounts" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::NewAccount), answer: json(control::Account), helper: create_account,
                summary: "Create an account (answers with a full-permission token)",
            }
            ListAccounts: GET "/_sandbox/accounts" {
                tokens: [Admin], fault: None, limit: Small, answer: json(List<control::Account>), helper: list_accounts,
                summary: "List accounts",
            }
            PatchAccount: PATCH "/_sandbox/accounts/{id}" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::AccountPatch), answer: json(control::Account), helper: update_account,
                summary: "Change an account's flags or quota",
            }
            CreateToken: POST "/_sandbox/tokens" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::NewToken), answer: json(control::Token), helper: create_token,
                summary: "Create a token with permissions and expiry",
            }
            CreateCatalog: POST "/_sandbox/catalogs" {
                tokens: [Admin], fault: None, limit: Control, body: json(stage::NewCatalog), answer: json(store::Catalog), helper: create_catalog,
                summary: "Create a product catalog",
            }
            CreateMedia: POST "/_sandbox/media" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::NewMedia), answer: json(control::Media), helper: create_media,
                summary: "Seed an existing media object (e.g. a reel with copyrighted music)",
            }
            PatchMedia: PATCH "/_sandbox/media/{id}" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::MediaPatch), answer: json(control::MediaActivity), helper: update_media,
                summary: "Stage activity on a media: like_count, comment_enabled, insight values",
            }
            CreateComment: POST "/_sandbox/comments" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::NewComment), answer: json(control::Comments), helper: create_comment,
                summary: "A comment (or a reply, with parent_id) from another user, with replies",
            }
            CreatePartnershipCode: POST "/_sandbox/partnership_ad_codes" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::NewPartnershipCode), answer: json(stage::PartnershipCode), helper: create_partnership_code,
                summary: "Create a partnership ad code for a media",
            }
            CreateApp: POST "/_sandbox/apps" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::NewApp), answer: json(control::App), helper: create_app,
                summary: "Create an app (id, secret, redirect URIs)",
            }
            ListApps: GET "/_sandbox/apps" {
                tokens: [Admin], fault: None, limit: Small, answer: json(List<control::App>), helper: list_apps,
                summary: "List apps",
            }
            CreateFacebookUser: POST "/_sandbox/facebook_users" {
                tokens: [Admin], fault: None, limit: Control, body: json(stage::NewFacebookUser), answer: json(store::FbUser), helper: create_facebook_user,
                summary: "Create a Facebook user",
            }
            CreatePage: POST "/_sandbox/pages" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::NewPage), answer: json(store::Page), helper: create_page,
                summary: "Create a Page administered by a Facebook user, linked to an Instagram account or not",
            }
            CreateBusiness: POST "/_sandbox/businesses" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::NewBusiness), answer: json(store::Business), helper: create_business,
                summary: "Create a Business owned by a Facebook user",
            }
            CreateOauthCode: POST "/_sandbox/oauth/codes" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::NewOauthCode), answer: json(control::OauthCode), helper: oauth_code,
                summary: "Mint an OAuth code as if the user had consented (for headless tests)",
            }
            GetApp: GET "/_sandbox/app" {
                tokens: [Admin], fault: None, limit: Small, answer: json(control::AppState), helper: app_settings,
                summary: "App settings",
            }
            PatchApp: PATCH "/_sandbox/app" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(stage::AppSettings), answer: json(control::AppState), helper: set_app,
                summary: "Change app settings (call limits, ads audio swap)",
            }
            AddFault: POST "/_sandbox/faults" {
                tokens: [Admin], fault: None, limit: Control, body: json(faults::NewRule), answer: json(faults::Rule), helper: add_fault,
                summary: "Add a fault rule",
            }
            ListFaults: GET "/_sandbox/faults" {
                tokens: [Admin], fault: None, limit: Small, answer: json(List<faults::Rule>), helper: faults,
                summary: "List fault rules",
            }
            DeleteFault: DELETE "/_sandbox/faults/{id}" {
                tokens: [Admin], fault: None, limit: Control, answer: json(Success), helper: remove_fault,
                summary: "Remove a fault rule",
            }
            AdvanceClock: POST "/_sandbox/clock/advance" {
                tokens: [Admin], fault: None, limit: Control, body: json(stage::Advance), answer: json(control::Clock), helper: advance_clock,
                summary: "Move the virtual clock forward",
            }
            GetClock: GET "/_sandbox/clock" {
                tokens: [Admin], fault: None, limit: Small, answer: json(control::Clock), helper: now,
                summary: "The virtual clock",
            }
            Reset: POST "/_sandbox/reset" {
                tokens: [Admin], fault: None, limit: Control, answer: json(Success), helper: reset,
                summary: "Back to the first-start state",
            }
            Requests: GET "/_sandbox/requests" {
                tokens: [Admin], fault: None, limit: Small,
                answer: json(List<request_log::Logged>), helper: requests,
                summary: "Recent Graph requests and their answers",
            }
            Report: GET "/_sandbox/report" {
                tokens: [Admin], fault: None, limit: Small,
                answer: json(report::Report), helper: report,
                summary: "The integration report: per app, the catalog errors it met (by a fault rule or the real condition) and those it never met with the fault rule for each, and the scopes its logins granted against the permissions its calls needed",
            }
            ResetReport: POST "/_sandbox/report/reset" {
                tokens: [Admin], fault: None, limit: Control, answer: json(Success), helper: reset_report,
                summary: "Starts the report afresh (the request log and the state are kept)",
            }
            SubscribeWebhooks: POST "/_sandbox/webhooks/subscriptions" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(webhooks::NewSubscription), answer: json(control::WebhookSubscription), helper: subscribe_webhooks,
                summary: "Subscribe an app to Instagram's webhook fields and install it on accounts, as the App Dashboard does (Meta's verification GET first)",
            }
            TestWebhook: POST "/_sandbox/webhooks/test" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(webhooks::NewTest), answer: json(control::WebhookDelivery), helper: test_webhook,
                summary: "The App Dashboard's Test button: a sample in its own shape (entry.id \"0\", fixed values), not a real event",
            }
            TriggerWebhook: POST "/_sandbox/webhooks/trigger" {
                tokens: [Admin], fault: None, limit: Control,
                body: json(webhooks::Trigger), answer: json(control::Triggered), helper: trigger_webhook,
                summary: "Make an event happen from real state: a comment, a live comment, a mention, a story's insights",
            }
            WebhookDeliveries: GET "/_sandbox/webhooks/deliveries" {
                tokens: [Admin], fault: None, limit: Small,
                answer: json(List<control::WebhookDelivery>), helper: webhook_deliveries,
                summary: "Recent webhook deliveries, newest first, each with its attempts: time, URL, status, latency, request headers and body, response",
            }
            RedeliverWebhook: POST "/_sandbox/webhooks/deliveries/{id}/redeliver" {
                tokens: [Admin], fault: None, limit: Control,
                answer: json(control::WebhookDelivery), helper: redeliver_webhook,
                summary: "Send a delivery's body again, as a new delivery to the app's callback",
            }
            PutFile: PUT "/_sandbox/files/{name}" {
                tokens: [Admin], fault: None, limit: File, body: bytes, answer: json(control::File), helper: put_file,
                summary: "Host a file on the sandbox",
            }
            GetFile: GET "/_sandbox/files/{name}" {
                tokens: [Public], fault: None, limit: Small,
                answer: bytes,
                summary: "A hosted file (no credentials needed)",
            }
            OpenApi: GET "/_sandbox/openapi.json" {
                tokens: [Public], fault: None, limit: Small, answer: json(control::Document),
                summary: "This document",
            }
        }
        dashboard {
            Home: GET "/_sandbox/ui" {
                tokens: [Cookie], fault: None, limit: Small,
                query: control::KeyParams, answer: html,
                summary: "The dashboard: the phone view of an account (?key=ADMIN_KEY logs the browser in)",
            }
            SignIn: POST "/_sandbox/ui/login" {
                tokens: [Public], fault: None, limit: Small,
                body: form(control::KeyParams), answer: redirect,
                summary: "The dashboard's login form (key)",
            }
            Events: GET "/_sandbox/ui/events" {
                tokens: [Cookie], fault: None, limit: Small,
                answer: events,
                summary: "Server-Sent Events: each new logged request, rendered for the inspector",
            }
            Post: GET "/_sandbox/ui/post/{id}" {
                tokens: [Cookie], fault: None, limit: Small,
                query: control::KeyParams, answer: html,
                summary: "The dashboard's view of a post: slides in order, caption, comments, insights",
            }
            Page: GET "/_sandbox/ui/{page}" {
                tokens: [Cookie], fault: None, limit: Small,
                query: control::KeyParams, answer: html,
                summary: "A dashboard page: timeline, requests, webhooks (the deliveries, Redeliver), report (the integration report), catalog (grid: the phone's content alone)",
            }
        }
        }
    };
}
pub(crate) use route_table;

/// Reads the table of [`route_table!`] once and hands it, normalised, to a mode:
/// `contracts` (the enums and [`ROUTES`]) or `graph_handlers $then` (each Graph row's variant
/// and handler, to the macro `$then`).
macro_rules! routes {
    (
        [$($mode:tt)*]
        graph { $(
            $g:ident : $gm:ident $(| $gmx:ident)* $gp:literal $(on $gk:ident $(/ $ge:literal)?)? {
                hosts: [$($gh:ident),*], tokens: [$($gt:ident),*], needs: [$($gn:expr),* $(,)?],
                fault: $gf:ident, handler: $gshape:ident($gfn:path),
                params: $gq:ty, answer: $gak:ident $(($gat:ty))?, summary: $gs:literal $(,)?
            }
        )* }
        $( $surface:ident { $(
            $v:ident : $m:ident $(| $mx:ident)* $p:literal {
                tokens: [$($t:ident),*], fault: $f:ident, limit: $b:ident,
                $(query: $q:ty,)? $(body: $bk:ident $(($bt:ty))?,)?
                answer: $ak:ident $(($at:ty))?, $(helper: $h:ident,)? summary: $s:literal $(,)?
            }
        )* } )*
    ) => {
        $crate::route::routes! { @$($mode)*;
            graph { $( $g [$gm $(, $gmx)*] $gp [$($gk $($ge)?)?] [$($gh),*] [$($gt),*] [$($gn),*] $gf $gshape($gfn) $gs
                { query($gq) answer($gak $(($gat))?) }; )* }
            $( $surface { $( $v [$m $(, $mx)*] $p [$($t),*] $f $b $s [$($h)?]
                { $(query($q))? $(body($bk $(($bt))?))? answer($ak $(($at))?) }; )* } )*
        }
    };
    (@contracts;
        graph { $( $g:ident [$($gm:ident),+] $gp:literal [$($gk:ident $($ge:literal)?)?] [$($gh:ident),*]
            [$($gt:ident),*] [$($gn:expr),*] $gf:ident $gshape:ident($gfn:path) $gs:literal $gx:tt; )* }
        upload { $( $u:ident [$($um:ident),+] $up:literal [$($ut:ident),*] $uf:ident $ub:ident $us:literal [$($uh:ident)?] $ux:tt; )* }
        login { $( $l:ident [$($lm:ident),+] $lp:literal [$($lt:ident),*] $lf:ident $lb:ident $ls:literal [$($lh:ident)?] $lx:tt; )* }
        cdn { $( $c:ident [$($cm:ident),+] $cp:literal [$($ct:ident),*] $cf:ident $cb:ident $cs:literal [$($ch:ident)?] $cx:tt; )* }
        control { $( $k:ident [$($km:ident),+] $kp:literal [$($kt:ident),*] $kf:ident $kb:ident $ks:literal [$($kh:ident)?] $kx:tt; )* }
        dashboard { $( $d:ident [$($dm:ident),+] $dp:literal [$($dt:ident),*] $df:ident $db:ident $ds:literal [$($dh:ident)?] $dx:tt; )* }
    ) => {
        /// A Graph API route.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum GraphRoute { $($g),* }
        /// A route of the resumable-upload host (`rupload.facebook.com` in production).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum UploadRoute { $($u),* }
        /// A route of the login hosts: the consent pages (`www.facebook.com`,
        /// `www.instagram.com`) and Instagram's token exchange (`api.instagram.com`). They answer
        /// HTML, redirects, or api.instagram.com's own error shape, not Graph envelopes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum LoginRoute { $($l),* }
        /// A route of the CDN host (`scontent.cdninstagram.com` in production).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum CdnRoute { $($c),* }
        /// A control-plane route (`/_sandbox/...`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ControlRoute { $($k),* }
        /// A route of the dashboard (`/_sandbox/ui...`): HTML pages that log in by cookie.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum DashboardRoute { $($d),* }

        /// Every route the sandbox serves, in the table's order.
        pub static ROUTES: &[Spec] = &[
            $( Spec {
                route: Route::Graph(GraphRoute::$g),
                methods: &[$(Method::$gm),+],
                path: $gp,
                node: $crate::route::routes!(@node $($gk $($ge)?)?),
                hosts: &[$(Host::$gh),*],
                tokens: &[$(Token::$gt),*],
                needs: &[$($gn),*],
                fault: $crate::route::routes!(@fault $gf),
                body: BodyLimit::Params,
                handler: Some(concat!(stringify!($gshape), "(", stringify!($gfn), ")")),
                helper: None,
                summary: $gs,
            }, )*
            $( $crate::route::routes!(@row Upload UploadRoute $u [$($um),+] $up [$($ut),*] $uf $ub $us [$($uh)?]), )*
            $( $crate::route::routes!(@row Login LoginRoute $l [$($lm),+] $lp [$($lt),*] $lf $lb $ls [$($lh)?]), )*
            $( $crate::route::routes!(@row Cdn CdnRoute $c [$($cm),+] $cp [$($ct),*] $cf $cb $cs [$($ch)?]), )*
            $( $crate::route::routes!(@row Control ControlRoute $k [$($km),+] $kp [$($kt),*] $kf $kb $ks [$($kh)?]), )*
            $( $crate::route::routes!(@row Dashboard DashboardRoute $d [$($dm),+] $dp [$($dt),*] $df $db $ds [$($dh)?]), )*
        ];
    };
    (@graph_handlers $then:ident;
        graph { $( $g:ident [$($gm:ident),+] $gp:literal [$($gk:ident $($ge:literal)?)?] [$($gh:ident),*]
            [$($gt:ident),*] [$($gn:expr),*] $gf:ident $gshape:ident($gfn:path) $gs:literal $gx:tt; )* }
        $($rest:tt)*
    ) => {
        $then! { $( $g => $gshape($gfn); )* }
    };
    (@schemas $then:ident;
        graph { $( $g:ident [$($gm:ident),+] $gp:literal [$($gk:ident $($ge:literal)?)?] [$($gh:ident),*]
            [$($gt:ident),*] [$($gn:expr),*] $gf:ident $gshape:ident($gfn:path) $gs:literal $gx:tt; )* }
        $( $surface:ident { $( $v:ident [$($m:ident),+] $p:literal [$($t:ident),*] $f:ident $b:ident $s:literal [$($h:ident)?] $x:tt; )* } )*
    ) => {
        $then! {
            $( Graph $g $gx; )*
            $( $( $surface $v $x; )* )*
        }
    };
    (@row $surface:ident $enum:ident $v:ident [$($m:ident),+] $p:literal [$($t:ident),*] $f:ident $b:ident $s:literal [$($h:ident)?]) => {
        Spec {
            route: Route::$surface($enum::$v),
            methods: &[$(Method::$m),+],
            path: $p,
            node: None,
            hosts: &[],
            tokens: &[$(Token::$t),*],
            needs: &[],
            fault: $crate::route::routes!(@fault $f),
            body: BodyLimit::$b,
            handler: None,
            helper: $crate::route::routes!(@helper $($h)?),
            summary: $s,
        }
    };
    (@node) => { None };
    (@node $k:ident) => { Some((NodeKind::$k, None)) };
    (@node $k:ident $e:literal) => { Some((NodeKind::$k, Some($e))) };
    (@helper) => { None };
    (@helper $h:ident) => { Some(stringify!($h)) };
    (@fault None) => { None };
    (@fault $f:ident) => { Some(FaultTarget::$f) };
}
pub(crate) use routes;

route_table!(contracts);

/// Every route, grouped by the API it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Graph(GraphRoute),
    Upload(UploadRoute),
    Cdn(CdnRoute),
    Login(LoginRoute),
    Control(ControlRoute),
    Dashboard(DashboardRoute),
}

use GraphRoute as G;

impl Spec {
    /// Which API the route belongs to.
    pub fn surface(&self) -> Surface {
        match self.route {
            Route::Graph(_) => Surface::Graph,
            Route::Upload(_) => Surface::Upload,
            Route::Cdn(_) => Surface::Cdn,
            Route::Login(_) => Surface::Login,
            Route::Control(_) => Surface::Control,
            Route::Dashboard(_) => Surface::Dashboard,
        }
    }
}

impl Spec {
    /// Its methods as the docs write them: `GET, POST`.
    pub fn method_list(&self) -> String {
        self.methods
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether the route answers without a user's or the admin's credentials: the token
    /// endpoints (the app's own), the login pages, the CDN, hosted files, the dashboard (which
    /// asks for the key itself). A node route never is: the pipeline authenticates its token,
    /// an app access token included (`/{app-id}/subscriptions`).
    pub fn is_public(&self) -> bool {
        self.node.is_none()
            && self
                .tokens
                .iter()
                .all(|t| matches!(t, Token::App | Token::Public | Token::Cookie))
    }
}

/// A helper's name in Node: `create_catalog` -> `createCatalog`.
pub fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `docs/ROUTES.md`: every row of the table, by API (a test keeps the file current).
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "# Routes\n\n\
         Every request the sandbox answers, generated from its route table \
         (`crates/sandbox/src/route.rs`, `route_table!`): regenerate with \
         `INSTAPUB_BLESS=1 cargo test -p instapub-sandbox --test sandbox docs_routes_md_is_current`.\n\n\
         Paths are documented paths: Graph paths take an optional `/{version}` first and \
         answer on `{base}/...`, `{base}/graph.facebook.com/...` and \
         `{base}/graph.instagram.com/...` (the hosts column says which serve a route). \
         Tokens: `user` a Facebook user token, `page` a Page token, `instagram` an Instagram \
         account's token (Instagram Login's or the control plane's), `app` the app's own \
         credentials, `admin` the admin key. A permission is granted by any of its scopes; \
         \"checked by the handler\" says when the handler checks it instead of the pipeline. \
         The fault column is the name a fault rule's `match.endpoint` uses. A control-plane \
         operation's helper is the method of the same name on each language's sandbox handle \
         (Rust's `Sandbox` and Python's, `snake_case`; Node's, `camelCase`).\n",
    );
    for (surface, title) in [
        (Surface::Graph, "Graph API"),
        (Surface::Upload, "Resumable upload host"),
        (Surface::Login, "Login hosts"),
        (Surface::Cdn, "CDN"),
        (Surface::Control, "Control plane"),
        (Surface::Dashboard, "Dashboard"),
    ] {
        let _ = write!(out, "\n## {title}\n\n");
        if surface == Surface::Graph {
            out.push_str("| method | path | node | hosts | tokens | permissions | fault | handler | summary |\n");
            out.push_str("|---|---|---|---|---|---|---|---|---|\n");
        } else if surface == Surface::Control {
            out.push_str("| method | path | tokens | body | helper | summary |\n");
            out.push_str("|---|---|---|---|---|---|\n");
        } else {
            out.push_str("| method | path | tokens | fault | body | summary |\n");
            out.push_str("|---|---|---|---|---|---|\n");
        }
        for spec in ROUTES.iter().filter(|s| s.surface() == surface) {
            let tokens = spec
                .tokens
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let fault = spec.fault.map_or("", FaultTarget::as_str);
            if surface == Surface::Graph {
                let node = match spec.node {
                    Some((kind, Some(edge))) => format!("{kind:?} / `{edge}`"),
                    Some((kind, None)) => format!("{kind:?}"),
                    None => String::new(),
                };
                let hosts = spec
                    .hosts
                    .iter()
                    .map(|h| match h {
                        Host::Facebook => hosts::GRAPH_FACEBOOK,
                        Host::Instagram => hosts::GRAPH_INSTAGRAM,
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let needs = spec
                    .needs
                    .iter()
                    .map(|p| {
                        let scopes = p
                            .scopes
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>();
                        match p.check {
                            Check::Always => scopes.join(" or "),
                            Check::InHandler(when) => {
                                format!("{} (checked by the handler {when})", scopes.join(" or "))
                            }
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {node} | {hosts} | {tokens} | {needs} | {fault} | `{}` | {} |",
                    spec.method_list(),
                    spec.path,
                    spec.handler.unwrap_or_default().replace(" :: ", "::"),
                    spec.summary
                );
            } else {
                let body = match spec.body {
                    BodyLimit::Small => "16 KiB",
                    BodyLimit::Params => "Graph limit",
                    BodyLimit::Control => "1 MiB",
                    BodyLimit::File => "file limit",
                };
                let middle = match (surface, spec.helper) {
                    (Surface::Control, Some(h)) => format!("{body} | `{h}` / `{}`", camel(h)),
                    (Surface::Control, None) => format!("{body} | "),
                    _ => format!("{fault} | {body}"),
                };
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {tokens} | {middle} | {} |",
                    spec.method_list(),
                    spec.path,
                    spec.summary
                );
            }
        }
    }
    out
}

/// Which Graph host a request addresses: `{base}/graph.instagram.com/...` is Instagram's,
/// everything else (`{base}/...`, `{base}/graph.facebook.com/...`) Facebook's. The catalog's
/// own host, whose dialect its errors are rendered in.
pub use instapub_errors::Host;

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

/// The API family a route belongs to: it picks the dispatch (`server.rs`), the OpenAPI tag and
/// security scheme, the `docs/ROUTES.md` section and how a refusal is shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Graph,
    Upload,
    Cdn,
    Login,
    Control,
    Dashboard,
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
            .or_else(|| fixed(method, &segs, Surface::Dashboard))
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
            if k == kind && spec.methods.contains(method) {
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

/// Each row of [`ROUTES`]' path split into segments once (matching splits no strings per
/// request).
static TEMPLATES: std::sync::LazyLock<Vec<Vec<&'static str>>> =
    std::sync::LazyLock::new(|| ROUTES.iter().map(|s| template(s.path).collect()).collect());

/// The fixed (non-node) rows of each surface, as indexes into [`ROUTES`] and [`TEMPLATES`]:
/// matching a path looks at its own surface's rows only (the status read's profile showed the
/// scan of every row as the largest part of routing).
static FIXED_ROWS: std::sync::LazyLock<[Vec<usize>; 6]> = std::sync::LazyLock::new(|| {
    let mut rows: [Vec<usize>; 6] = Default::default();
    for (i, spec) in ROUTES.iter().enumerate() {
        if spec.node.is_none() {
            rows[spec.surface() as usize].push(i);
        }
    }
    rows
});

/// The first segments of Graph's fixed paths (`oauth`, `debug_token`, `ig_audio`).
static GRAPH_FIXED_FIRST: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut firsts: Vec<&'static str> = FIXED_ROWS[Surface::Graph as usize]
        .iter()
        .filter_map(|&i| TEMPLATES[i].first().copied())
        .collect();
    firsts.dedup();
    firsts
});

/// A fixed (non-node) route of `surface` matching the segments.
fn fixed<'a>(method: &Method, segs: &[&'a str], surface: Surface) -> Option<Parsed<'a>> {
    for &i in &FIXED_ROWS[surface as usize] {
        let (spec, template) = (&ROUTES[i], &TEMPLATES[i]);
        // The cheapest tests first: the segment count rules out most rows.
        if template.len() != segs.len()
            || !spec.methods.contains(method)
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
    GRAPH_FIXED_FIRST.contains(&first)
}

/// The version segment a Graph path asks for (`/v25.0/me`, `/graph.instagram.com/v22.0/me`),
/// if it has one; the path it names, from that segment on, for Graph's 2500 when the version is
/// unknown.
pub fn graph_version(path: &str) -> Option<(&str, &str)> {
    // Byte checks first: most paths have no version and fail at the `v`.
    let mut at = usize::from(path.starts_with('/'));
    for host in [hosts::GRAPH_FACEBOOK, hosts::GRAPH_INSTAGRAM] {
        let rest = path.get(at..).unwrap_or("");
        if rest.starts_with(host) && rest.get(host.len()..).is_some_and(|r| r.starts_with('/')) {
            at += host.len() + 1;
            break;
        }
    }
    let rest = path.get(at..).unwrap_or("");
    if !rest.starts_with('v') {
        return None;
    }
    let segment = rest.split_once('/').map_or(rest, |(s, _)| s);
    is_version(segment).then(|| (segment, path.get(at.saturating_sub(1)..).unwrap_or(path)))
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

    impl Route {
        /// This route's row (the table writes a variant and its row together; that no row
        /// repeats is `every_route_has_one_row_and_rows_agree_with_their_paths`).
        fn spec(self) -> &'static Spec {
            ROUTES
                .iter()
                .find(|s| s.route == self)
                .unwrap_or_else(|| panic!("{self:?} has no row"))
        }
    }

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
        // Every fault name is used by some route (the match makes a new name fail to compile
        // until it is listed here).
        let all = FaultTarget::all();
        for e in [
            FaultTarget::CreateMedia,
            FaultTarget::MediaPublish,
            FaultTarget::ContainerStatus,
            FaultTarget::ContentPublishingLimit,
            FaultTarget::MediaRead,
            FaultTarget::UserRead,
            FaultTarget::IgAudio,
            FaultTarget::Upload,
            FaultTarget::Catalogs,
            FaultTarget::MediaWrite,
            FaultTarget::Comments,
            FaultTarget::Insights,
            FaultTarget::Login,
            FaultTarget::Accounts,
            FaultTarget::Webhooks,
        ] {
            match e {
                FaultTarget::CreateMedia
                | FaultTarget::MediaPublish
                | FaultTarget::ContainerStatus
                | FaultTarget::ContentPublishingLimit
                | FaultTarget::MediaRead
                | FaultTarget::UserRead
                | FaultTarget::IgAudio
                | FaultTarget::Upload
                | FaultTarget::Catalogs
                | FaultTarget::MediaWrite
                | FaultTarget::Comments
                | FaultTarget::Insights
                | FaultTarget::Login
                | FaultTarget::Accounts
                | FaultTarget::Webhooks => {}
            }
            assert!(all.contains(&e), "{e:?} names no route");
            let json = serde_json::to_value(e).unwrap_or_default();
            assert_eq!(json.as_str(), Some(e.as_str()), "{e:?}");
        }
        assert_eq!(all.len(), 15);
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
            parse(&Method::DELETE, "//"),
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
                spec: Route::Control(ControlRoute::PatchAccount).spec(),
                params: vec!["17"]
            }
        );
        assert_eq!(
            parse(&Method::GET, "/_sandbox/nope/x"),
            Parsed::Unknown(Miss::Control("/_sandbox/nope/x".into()))
        );
    }
}
