//! # instapub-sandbox: a faithful, stateful emulator of Instagram's Content Publishing API
//!
//! Run it as `instapub serve`, or in-process from a test:
//!
//! ```no_run
//! # async fn demo() {
//! let sandbox = instapub_sandbox::Sandbox::start().await;
//! let url = format!("{}/{}/media", sandbox.base_url(), sandbox.user_id());
//! // ... point your Graph client at sandbox.base_url() with sandbox.access_token()
//! # }
//! ```
//!
//! Stage what a test needs with the typed helpers ([`Sandbox::create_account`],
//! [`Sandbox::add_fault`], [`Sandbox::advance_clock`], ...), the HTTP control plane under
//! `/_sandbox`, or a [`Scenario`] file; all three go through the same validated operations.
//!
//! Inside (data flows top to bottom; `tests/architecture.rs` checks the layer order that
//! ARCHITECTURE.md draws), by what a reader looks for:
//! - `server`: HTTP, body limits, every failure as a Graph envelope; `route`: the route table,
//!   `schemas/`: the types its rows take and answer;
//! - the surfaces: `graph/` (one module per Graph endpoint, with the Graph hosts' token
//!   endpoints and Facebook account discovery), `upload` (the resumable-upload host), `cdn`,
//!   `identity/login` (the consent pages and api.instagram.com), `control/` (the `/_sandbox`
//!   control plane, its staging operations, scenario files, the OpenAPI document),
//!   `dashboard/`;
//! - `identity/`: credentials and secrets, what a token speaks for, codes and tokens;
//! - `runtime/`: the virtual clock, rate limits, fault rules, the request log, the read cache;
//! - `pipeline/`: real media download and probing, background video processing;
//! - `store/`: SQLite state, one file per aggregate, and the media bytes; `hosts`: the Meta
//!   host names and the URLs the sandbox hands out; `error`: every error helper.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

mod app;
mod cdn;
mod config;
mod control;
mod dashboard;
mod error;
mod graph;
mod guard;
mod hosts;
mod identity;
mod nesting;
mod params;
mod pipeline;
mod refusals;
mod route;
mod runtime;
mod schemas;
mod server;
mod store;
mod upload;
mod versions;
mod webhooks;

pub use config::{Config, Db};
pub use control::scenario::{AccountOut, Applied, CatalogOut, Scenario, ScenarioError};
pub use control::stage::{
    AccountPatch, Advance, AppSettings, MediaPatch, NewAccount, NewApp, NewBusiness, NewCatalog,
    NewCatalogProduct, NewComment, NewFacebookUser, NewMedia, NewOauthCode, NewPage,
    NewPartnershipCode, NewToken, PartnershipCode, StageError,
};
pub use instapub_errors::Profile;
pub use pipeline::fetch::{FetchError, MAX_REDIRECTS};
pub use route::FaultTarget;
pub use runtime::faults::{
    FaultError, Match as FaultMatch, Network, NewRule as NewFault, Rule as Fault,
};
pub use runtime::report::{
    AppReport, ErrorMet, ErrorNotMet, Finding as ReportFinding, FindingKind, PermissionUse,
    Permissions as ReportPermissions, Report,
};
pub use runtime::request_log::Logged as LoggedRequest;
pub use schemas::control::{
    App as AppIdentity, AppState, Header, MediaStore, OauthCode, Triggered, WebhookAttempt,
    WebhookDelivery, WebhookField, WebhookSubscription,
};
pub use store::webhooks::Login as WebhookLogin;
pub use webhooks::control::{
    NewSubscription as NewWebhookSubscription, NewTest as NewWebhookTest, Trigger as WebhookTrigger,
};

/// The route table: every route the sandbox answers and its contract (method, documented
/// path, hosts, credentials, permissions, fault-rule name, body limit, handler), as
/// `docs/ROUTES.md` ([`routes::markdown`]) and the OpenAPI document show it.
pub mod routes {
    /// The schema a route's JSON answer has in the OpenAPI document.
    pub use crate::control::openapi::answer_schema;
    pub use crate::route::{
        camel, markdown, BodyLimit, CdnRoute, Check, ControlRoute, DashboardRoute, FaultTarget,
        GraphRoute, Host, LoginRoute, NodeKind, Permission, Route, Spec, Token, UploadRoute,
        ROUTES,
    };
}
pub use store::{
    Account, Business as FacebookBusiness, Catalog, Comment, FbUser as FacebookUser, Media,
    Page as FacebookPage, Product, StoreError, Token,
};

use app::App;
use control::stage;

/// Internals exposed for the fuzz targets and property tests; not a stable API.
#[doc(hidden)]
pub mod internals {
    pub use crate::graph::batch::{Plan as BatchPlan, MAX_OPERATIONS};
    pub use crate::graph::fields::{parse as parse_fields, Field, MAX_DEPTH, MAX_FIELDS};
    pub use crate::graph::view::{
        NodeType, APP_NODE, BUSINESS_NODE, COMMENT_NODE, CONTAINER_NODE, FB_USER_NODE, MEDIA_NODE,
        PAGE_NODE, USER_NODE,
    };
    pub use crate::params::{access_token, parse_relaxed_json, Params};
}

/// Where a socket bound to `addr` is reached from this machine: an unspecified address
/// (`0.0.0.0`, `[::]`) by loopback, anything else as it is.
fn reachable(addr: std::net::SocketAddr) -> std::net::SocketAddr {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, addr.port()).into(),
        IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, addr.port()).into(),
        _ => addr,
    }
}

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    #[error("cannot open the store: {0}")]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot build the media fetcher: {0}")]
    Fetcher(#[from] FetchError),
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("the public URL {0:?} is not an http(s) URL with a host")]
    PublicUrl(String),
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    app: Arc<App>,
    base_url: String,
    local_url: String,
    scenario: Option<Applied>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Settings for [`Sandbox`]; start from [`Sandbox::builder`], whose defaults suit tests.
#[derive(Debug, Clone)]
pub struct Builder {
    config: Config,
    scenario: Option<Scenario>,
}

impl Sandbox {
    /// Starts a sandbox on a free loopback port with an in-memory store.
    ///
    /// # Panics
    /// If it cannot start (no free port); use [`Sandbox::builder`] to handle that.
    pub async fn start() -> Sandbox {
        match Sandbox::builder().start().await {
            Ok(s) => s,
            Err(e) => panic!("the instapub sandbox could not start: {e}"),
        }
    }

    /// Test-friendly defaults: `127.0.0.1:0`, in-memory store, no minimum processing time;
    /// everything else as [`Config::default`] (what `instapub serve` uses).
    pub fn builder() -> Builder {
        Builder {
            config: Config {
                listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
                db: Db::Memory,
                video_processing: Duration::ZERO,
                ..Config::default()
            },
            scenario: None,
        }
    }

    /// `http://127.0.0.1:PORT`, to use where a client expects `https://graph.facebook.com`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Where this machine reaches the sandbox: [`Sandbox::base_url`] unless a public URL was
    /// set, the listen address (loopback for `0.0.0.0`) then.
    pub fn local_url(&self) -> &str {
        &self.local_url
    }

    /// The demo account's IG user id.
    pub fn user_id(&self) -> &str {
        &self.app.demo.account.id
    }

    /// The demo account's username.
    pub fn username(&self) -> &str {
        &self.app.demo.account.username
    }

    /// A long-lived token of the demo account with every permission.
    pub fn access_token(&self) -> &str {
        &self.app.demo.token.token
    }

    /// The control-plane key.
    pub fn admin_key(&self) -> &str {
        &self.app.admin_key
    }

    /// The dashboard, with the admin key: opening it logs a browser in.
    pub fn dashboard_url(&self) -> String {
        format!("{}/_sandbox/ui?key={}", self.base_url, self.app.admin_key)
    }

    /// The demo app's id (`client_id`); it accepts any redirect URI.
    pub fn app_id(&self) -> &str {
        &self.app.demo.app.id
    }

    /// The demo app's secret (`client_secret`).
    pub fn app_secret(&self) -> &str {
        &self.app.demo.app.secret
    }

    /// The demo Facebook user, who administers the demo Page.
    pub fn facebook_user_id(&self) -> &str {
        &self.app.demo.fb_user.id
    }

    /// The demo Page, linked to the demo Instagram account.
    pub fn page_id(&self) -> &str {
        &self.app.demo.page.id
    }

    /// Each Meta host's base URL in this sandbox: `https://HOST/path` is `{base}/HOST/path`
    /// (`{base}/path` alone is graph.facebook.com).
    pub fn hosts(&self) -> std::collections::BTreeMap<&'static str, String> {
        hosts::ALL
            .iter()
            .map(|h| (*h, format!("{}/{h}", self.base_url)))
            .collect()
    }

    /// One Meta host's base URL in this sandbox (`graph.instagram.com` -> `{base}/graph.instagram.com`).
    pub fn host_url(&self, host: &str) -> String {
        format!("{}/{host}", self.base_url)
    }

    /// What the start-up scenario created (ids by name), if one was given.
    pub fn scenario(&self) -> Option<&Applied> {
        self.scenario.as_ref()
    }

    /// The settings it runs with.
    pub fn config(&self) -> &Config {
        &self.app.config
    }

    /// The virtual time, in ms since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        self.app.clock.now_ms()
    }

    /// Moves the virtual clock forward: containers expire, the quota window slides, tokens
    /// run out.
    ///
    /// # Panics
    /// If the clock would run more than 1,000 years ahead of real time, or the store cannot
    /// persist it (a broken database file); [`Sandbox::try_advance_clock`] returns these.
    pub async fn advance_clock(&self, by: Duration) {
        if let Err(e) = self.try_advance_clock(by).await {
            panic!("cannot advance the clock: {e}");
        }
    }

    /// Moves the virtual clock forward; returns the new virtual time in ms.
    pub async fn try_advance_clock(&self, by: Duration) -> Result<i64, StageError> {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        stage::advance_clock(&self.app, ms).await
    }

    /// Creates an account (as `POST /_sandbox/accounts`); returns it and its full-permission
    /// token.
    pub async fn create_account(
        &self,
        account: NewAccount,
    ) -> Result<(Account, Token), StageError> {
        let quota = self.app.config.quota_total;
        let now = self.now_ms();
        self.app
            .store
            .transact(move |c| stage::create_account(c, &account, quota, now))
            .await
    }

    /// Changes an account's flags or quota (as `PATCH /_sandbox/accounts/{id}`).
    pub async fn update_account(
        &self,
        id: &str,
        patch: AccountPatch,
    ) -> Result<Account, StageError> {
        let id = id.to_owned();
        self.app
            .store
            .transact(move |c| stage::update_account(c, &id, &patch))
            .await
    }

    /// Stages likes, the comment switch or insight values on a media (as
    /// `PATCH /_sandbox/media/{id}`).
    pub async fn update_media(&self, id: &str, patch: MediaPatch) -> Result<Media, StageError> {
        let id = id.to_owned();
        self.app
            .store
            .transact(move |c| stage::update_media(c, &id, &patch))
            .await
    }

    /// Adds a comment from another user, with its replies (as `POST /_sandbox/comments`);
    /// the comments created, the given one first.
    pub async fn create_comment(&self, comment: NewComment) -> Result<Vec<Comment>, StageError> {
        let now = self.now_ms();
        self.app
            .store
            .transact(move |c| stage::create_comment(c, &comment, now))
            .await
    }

    /// Creates a token (as `POST /_sandbox/tokens`).
    pub async fn create_token(&self, token: NewToken) -> Result<Token, StageError> {
        let now = self.now_ms();
        self.app
            .store
            .transact(move |c| stage::create_token(c, &token, now))
            .await
    }

    /// Creates a product catalog (as `POST /_sandbox/catalogs`).
    pub async fn create_catalog(&self, catalog: NewCatalog) -> Result<Catalog, StageError> {
        self.app
            .store
            .transact(move |c| stage::create_catalog(c, &catalog))
            .await
    }

    /// Seeds a media object not published through the API (as `POST /_sandbox/media`).
    pub async fn create_media(&self, media: NewMedia) -> Result<Media, StageError> {
        let now = self.now_ms();
        self.app
            .store
            .transact(move |c| stage::create_media(c, &media, now))
            .await
    }

    /// Creates a partnership ad code for a media object (as
    /// `POST /_sandbox/partnership_ad_codes`).
    pub async fn create_partnership_code(
        &self,
        code: NewPartnershipCode,
    ) -> Result<PartnershipCode, StageError> {
        let now = self.now_ms();
        self.app
            .store
            .transact(move |c| stage::create_partnership_code(c, &code, now))
            .await
    }

    /// Adds a fault rule (as `POST /_sandbox/faults`).
    pub fn add_fault(&self, fault: NewFault) -> Result<Fault, StageError> {
        stage::add_fault(&self.app, fault)
    }

    /// The fault rules, with how often each fired.
    pub fn faults(&self) -> Vec<Fault> {
        self.app.faults.list()
    }

    /// Changes app settings (as `PATCH /_sandbox/app`).
    pub async fn set_app(&self, settings: AppSettings) -> Result<(), StageError> {
        stage::set_app(&self.app, &settings).await
    }

    /// Hosts a file; returns its URL (as `PUT /_sandbox/files/{name}`).
    pub async fn put_file(
        &self,
        name: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<String, StageError> {
        let (n, t) = (name.to_owned(), content_type.to_owned());
        self.app
            .store
            .transact(move |c| stage::put_file(c, &n, &t, &bytes))
            .await?;
        Ok(format!("{}/_sandbox/files/{name}", self.base_url))
    }

    /// Subscribes an app to Instagram's webhook fields and installs it on accounts (as
    /// `POST /_sandbox/webhooks/subscriptions`), after Meta's verification request to the
    /// callback.
    pub async fn subscribe_webhooks(
        &self,
        subscription: NewWebhookSubscription,
    ) -> Result<WebhookSubscription, StageError> {
        webhooks::control::subscribe(&self.app, subscription).await
    }

    /// Recent webhook deliveries, newest first, with their attempts (as
    /// `GET /_sandbox/webhooks/deliveries`).
    pub async fn webhook_deliveries(&self) -> Result<Vec<WebhookDelivery>, StoreError> {
        webhooks::control::deliveries(&self.app).await
    }

    /// Sends a delivery's body again (as `POST /_sandbox/webhooks/deliveries/{id}/redeliver`).
    pub async fn redeliver_webhook(&self, id: &str) -> Result<WebhookDelivery, StageError> {
        webhooks::control::redeliver(&self.app, id).await
    }

    /// The App Dashboard's Test button (as `POST /_sandbox/webhooks/test`).
    pub async fn test_webhook(&self, test: NewWebhookTest) -> Result<WebhookDelivery, StageError> {
        webhooks::control::test(&self.app, test).await
    }

    /// Makes a webhook event happen from real state (as `POST /_sandbox/webhooks/trigger`).
    pub async fn trigger_webhook(&self, trigger: WebhookTrigger) -> Result<Triggered, StageError> {
        webhooks::control::trigger(&self.app, trigger).await
    }

    /// The recent Graph requests with their answers, oldest first (as
    /// `GET /_sandbox/requests`).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.app.log.recent()
    }

    /// The integration report (as `GET /_sandbox/report`): per app, the catalog errors met
    /// and never met, and the permissions granted against those used.
    pub async fn report(&self) -> Result<Report, StoreError> {
        self.app
            .report
            .read(&self.app.store, self.app.clock.now_ms())
            .await
    }

    /// Judges the waits in the report's reactions at `scale` times the catalog's: 0.001 for a
    /// client whose delays are scaled down for tests the same way (`Timing::fast`).
    pub fn set_report_time_scale(&self, scale: f64) {
        self.app.report.set_time_scale(scale);
    }

    /// Starts the report afresh (as `POST /_sandbox/report/reset`).
    pub fn reset_report(&self) {
        self.app.report.clear();
    }

    /// Every account, the demo one first (as `GET /_sandbox/accounts`).
    pub async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.app.store.read(store::accounts).await
    }

    /// Creates an app (as `POST /_sandbox/apps`): its id, secret and redirect URIs.
    pub async fn create_app(&self, app: NewApp) -> Result<AppIdentity, StageError> {
        let created = self
            .app
            .store
            .transact(move |c| stage::create_app(c, &app))
            .await?;
        Ok(stage::app_identity(created))
    }

    /// Every app, the demo app first (as `GET /_sandbox/apps`).
    pub async fn list_apps(&self) -> Result<Vec<AppIdentity>, StoreError> {
        let apps = self.app.store.read(store::apps).await?;
        Ok(apps.into_iter().map(stage::app_identity).collect())
    }

    /// Creates a Facebook user (as `POST /_sandbox/facebook_users`).
    pub async fn create_facebook_user(
        &self,
        user: NewFacebookUser,
    ) -> Result<FacebookUser, StageError> {
        self.app
            .store
            .transact(move |c| stage::create_facebook_user(c, &user))
            .await
    }

    /// Creates a Page administered by a Facebook user (as `POST /_sandbox/pages`).
    pub async fn create_page(&self, page: NewPage) -> Result<FacebookPage, StageError> {
        self.app
            .store
            .transact(move |c| stage::create_page(c, &page))
            .await
    }

    /// Creates a Business owned by a Facebook user (as `POST /_sandbox/businesses`).
    pub async fn create_business(
        &self,
        business: NewBusiness,
    ) -> Result<FacebookBusiness, StageError> {
        self.app
            .store
            .transact(move |c| stage::create_business(c, &business))
            .await
    }

    /// Mints an OAuth code as if the user had consented (as `POST /_sandbox/oauth/codes`),
    /// for tests that skip the consent page.
    pub async fn oauth_code(&self, code: NewOauthCode) -> Result<OauthCode, StageError> {
        let now = self.now_ms();
        let minted = self
            .app
            .store
            .transact(move |c| stage::create_oauth_code(c, &code, now))
            .await?;
        Ok(stage::oauth_code_answer(minted))
    }

    /// The app-wide settings and the media store's use (as `GET /_sandbox/app`).
    pub async fn app_settings(&self) -> Result<AppState, StoreError> {
        stage::app_state(&self.app).await
    }

    /// Removes a fault rule (as `DELETE /_sandbox/faults/{id}`); whether it existed.
    pub fn remove_fault(&self, id: &str) -> bool {
        self.app.faults.remove(id)
    }

    /// The virtual time in Unix seconds (as `GET /_sandbox/clock`).
    pub fn now(&self) -> i64 {
        self.app.clock.now_s()
    }

    /// Back to the first-start state (as `POST /_sandbox/reset`).
    pub async fn reset(&self) -> Result<(), StoreError> {
        stage::reset(&self.app).await
    }

    /// A media object as the store keeps it.
    pub async fn media(&self, id: &str) -> Result<Option<Media>, StoreError> {
        let id = id.to_owned();
        self.app.store.read(move |c| store::media(c, &id)).await
    }

    /// An account's media (stories excluded), newest first, at most `limit`.
    pub async fn account_media(&self, user_id: &str, limit: u32) -> Result<Vec<Media>, StoreError> {
        let id = user_id.to_owned();
        self.app
            .store
            .read(move |c| store::account_media(c, &id, limit))
            .await
    }

    /// An account by id.
    pub async fn account(&self, id: &str) -> Result<Option<Account>, StoreError> {
        let id = id.to_owned();
        self.app.store.read(move |c| store::account(c, &id)).await
    }

    /// Stops accepting requests and waits for the server to finish.
    pub async fn shutdown(mut self) {
        self.stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Builder {
    /// Replaces every setting.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// The address to listen on. Default `127.0.0.1:0` (a free loopback port).
    pub fn listen(mut self, addr: std::net::SocketAddr) -> Self {
        self.config.listen = addr;
        self
    }

    /// Where state is kept. Default [`Db::Memory`].
    pub fn db(mut self, db: Db) -> Self {
        self.config.db = db;
        self
    }

    /// Which wire variant to emit where Meta's docs and real traffic differ. Default
    /// [`Profile::Documented`].
    pub fn profile(mut self, profile: Profile) -> Self {
        self.config.profile = profile;
        self
    }

    /// How long a media download may take before 2207003. Default 10 s.
    pub fn fetch_timeout(mut self, d: Duration) -> Self {
        self.config.fetch_timeout = d;
        self
    }

    /// How long a video container stays `IN_PROGRESS` at least (virtual clock). Default zero
    /// (`instapub serve`: 3 s).
    pub fn video_processing(mut self, d: Duration) -> Self {
        self.config.video_processing = d;
        self
    }

    /// The most bytes of published media kept to serve at `media_url` (in memory for an
    /// in-memory database, which is the harness's default). Default 4 GiB.
    pub fn media_store_max_bytes(mut self, n: u64) -> Self {
        self.config.media_store_max_bytes = n;
        self
    }

    /// The publishing quota (posts per 24 h) of new accounts. Default 100.
    pub fn quota_total(mut self, n: u32) -> Self {
        self.config.quota_total = n;
        self
    }

    /// The control-plane key. Default: generated on first start and kept in the store.
    pub fn admin_key(mut self, key: impl Into<String>) -> Self {
        self.config.admin_key = Some(key.into());
        self
    }

    /// Objects to create at start. Default none.
    pub fn scenario(mut self, scenario: Scenario) -> Self {
        self.scenario = Some(scenario);
        self
    }

    /// The URL clients reach the sandbox at, when it is not the listen address (behind a
    /// proxy, in a container). Default: the listen address (`0.0.0.0` shown as `127.0.0.1`).
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.config.public_url = Some(url.into());
        self
    }

    /// How long a client may take to send a request's headers before it is disconnected (an
    /// idle keep-alive connection is closed after it too). Default 30 s.
    pub fn header_read_timeout(mut self, d: Duration) -> Self {
        self.config.header_read_timeout = d;
        self
    }

    /// How long a request body may pause before it is answered 408. Default 30 s.
    pub fn body_idle_timeout(mut self, d: Duration) -> Self {
        self.config.body_idle_timeout = d;
        self
    }

    /// Allow media fetches from private ranges (RFC 1918, CGNAT, IPv6 ULA), for a sandbox in a
    /// container network. Default `false` (loopback is always allowed: tests host their media
    /// there).
    pub fn allow_private_fetch(mut self, allow: bool) -> Self {
        self.config.allow_private_fetch = allow;
        self
    }

    /// Allow media fetches from link-local and cloud-metadata addresses too. Default `false`.
    pub fn allow_link_local_fetch(mut self, allow: bool) -> Self {
        self.config.allow_link_local_fetch = allow;
        self
    }

    /// How long a webhook delivery may take before it counts as failed. Default 20 s.
    pub fn webhook_timeout(mut self, d: Duration) -> Self {
        self.config.webhook_timeout = d;
        self
    }

    /// Refuse http webhook callbacks, as Meta does. Default `false`.
    pub fn webhooks_require_https(mut self, on: bool) -> Self {
        self.config.webhook_require_https = on;
        self
    }

    /// Opens the store, binds the port and starts serving.
    pub async fn start(self) -> Result<Sandbox, StartError> {
        let addr = self.config.listen;
        if let Some(url) = &self.config.public_url {
            let ok = url::Url::parse(url)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
            if !ok {
                return Err(StartError::PublicUrl(url.clone()));
            }
        }
        let fetcher =
            pipeline::fetch::Fetcher::new(self.config.fetch_timeout, self.config.fetch_reach())?;
        let webhooks = webhooks::send::Sender::new(
            self.config.fetch_reach(),
            self.config.webhook_timeout,
            self.config.webhook_require_https,
        )?;
        let app = App::open(self.config, fetcher, webhooks).await?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Listen { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| StartError::Listen { addr, source })?;
        let local_url = format!("http://{}", reachable(local));
        let base_url = app
            .config
            .public_url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| local_url.clone());
        app.fetcher.set_own_urls(&base_url, &local_url);
        app.set_base_url(base_url.clone());
        let applied = match self.scenario {
            Some(s) => Some(control::scenario::apply(&app, s).await?),
            None => None,
        };
        let resumed = app.processing.resume().await?;
        if resumed > 0 {
            tracing::info!(resumed, "resumed processing of containers left in progress");
        }
        tokio::spawn(webhooks::worker::run(
            Arc::downgrade(&app),
            app.store.outbox(),
        ));
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(listener, app.clone(), async {
            let _ = rx.await;
        }));
        Ok(Sandbox {
            app,
            base_url,
            local_url,
            scenario: applied,
            shutdown: Some(tx),
            task: Some(task),
        })
    }
}
