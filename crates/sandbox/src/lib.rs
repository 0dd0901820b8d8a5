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
//! Layout (data flows top to bottom):
//! - [`server`]: HTTP, body limits, every failure as a Graph envelope;
//! - [`params`], [`auth`]: parameters merged from query/form/JSON, the caller's token;
//! - [`graph`]: one module per endpoint;
//! - [`inspect`], [`fetch`], [`processing`]: real media download and probing, background video
//!   processing;
//! - [`store`], [`clock`]: SQLite state and the virtual clock;
//! - [`control`], [`requests`], [`faults`], [`usage`]: the `/_sandbox` control plane, the
//!   request log, fault injection and rate-limit accounting.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod control;
pub mod error;
pub mod faults;
pub mod fetch;
pub mod graph;
pub mod inspect;
pub mod openapi;
pub mod params;
pub mod processing;
pub mod requests;
pub mod scenario;
pub mod server;
pub mod store;
pub mod upload;
pub mod usage;

pub use app::{App, StartError};
pub use config::{Config, Db};
pub use instapub_errors::Profile;

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    app: Arc<App>,
    base_url: String,
    scenario: Option<scenario::Applied>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Settings for [`Sandbox`]; start from [`Sandbox::builder`].
#[derive(Debug, Clone)]
pub struct Builder {
    config: Config,
    scenario: Option<scenario::Scenario>,
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

    /// Test-friendly defaults: `127.0.0.1:0`, in-memory store, no minimum processing time.
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

    /// What the start-up scenario created (ids by name), if one was given.
    pub fn scenario(&self) -> Option<&scenario::Applied> {
        self.scenario.as_ref()
    }

    /// The shared state (store, clock, settings).
    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    /// Moves the virtual clock forward: containers expire, the quota window slides.
    pub async fn advance_clock(&self, by: Duration) {
        if let Err(e) = self.app.advance_clock(by.as_millis() as i64).await {
            panic!("cannot persist the clock: {e}");
        }
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

    pub fn listen(mut self, addr: std::net::SocketAddr) -> Self {
        self.config.listen = addr;
        self
    }

    pub fn db(mut self, db: Db) -> Self {
        self.config.db = db;
        self
    }

    pub fn profile(mut self, profile: Profile) -> Self {
        self.config.profile = profile;
        self
    }

    pub fn fetch_timeout(mut self, d: Duration) -> Self {
        self.config.fetch_timeout = d;
        self
    }

    pub fn video_processing(mut self, d: Duration) -> Self {
        self.config.video_processing = d;
        self
    }

    pub fn quota_total(mut self, n: u32) -> Self {
        self.config.quota_total = n;
        self
    }

    pub fn admin_key(mut self, key: impl Into<String>) -> Self {
        self.config.admin_key = Some(key.into());
        self
    }

    /// Objects to create at start (see [`scenario`]).
    pub fn scenario(mut self, scenario: scenario::Scenario) -> Self {
        self.scenario = Some(scenario);
        self
    }

    pub fn allow_private_fetch(mut self, allow: bool) -> Self {
        self.config.allow_private_fetch = allow;
        self
    }

    /// Opens the store, binds the port and starts serving.
    pub async fn start(self) -> Result<Sandbox, StartError> {
        let addr = self.config.listen;
        let app = App::open(self.config).await?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Listen { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| StartError::Listen { addr, source })?;
        app.set_base_url(format!("http://{local}"));
        let applied = match self.scenario {
            Some(s) => Some(scenario::apply(&app, s).await?),
            None => None,
        };
        let resumed = processing::resume(&app).await?;
        if resumed > 0 {
            tracing::info!(resumed, "resumed processing of containers left in progress");
        }
        let (tx, rx) = oneshot::channel::<()>();
        let router = server::router(app.clone());
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "the sandbox server stopped with an error");
            }
        });
        Ok(Sandbox {
            app,
            base_url: format!("http://{local}"),
            scenario: applied,
            shutdown: Some(tx),
            task: Some(task),
        })
    }
}
