//! The sandbox's shared state ([`App`]) and its first-start bootstrap: the admin key, the demo
//! account and its token.

use std::sync::{Arc, OnceLock};

use crate::config::Config;
use crate::identity::credentials::{full_token, new_admin_key};
use crate::pipeline::fetch::Fetcher;
use crate::pipeline::processing::Processing;
use crate::runtime::clock::Clock;
use crate::runtime::faults::Faults;
use crate::runtime::rate_limit::Usage;
use crate::runtime::request_log::RequestLog;
use crate::runtime::switches::Switches;
use crate::store::blobs::Blobs;
use crate::store::{self, Account, Store, StoreError, Token};

/// The demo account's username.
pub const DEMO_USERNAME: &str = "instapub_demo";

/// Everything a request handler can reach.
pub struct App {
    pub config: Config,
    pub store: Store,
    /// Published media's bytes, served at `media_url`.
    pub blobs: Arc<Blobs>,
    pub clock: Clock,
    pub fetcher: Fetcher,
    /// Background video processing (shares the store, the media store and the fetcher).
    pub processing: Processing,
    pub admin_key: String,
    pub demo: Demo,
    /// Recent Graph requests (`GET /_sandbox/requests`).
    pub log: RequestLog,
    /// What the integration report counts (`GET /_sandbox/report`).
    pub report: crate::runtime::report::Recorder,
    /// Fault-injection rules.
    pub faults: Faults,
    /// Call counts behind the usage headers.
    pub usage: Usage,
    /// The token and node lookups, served from memory while nothing is written.
    pub reads: crate::runtime::read_cache::ReadCache,
    /// Require App Secret and the default version, in memory (`store::settings` keeps them).
    pub switches: Switches,
    /// The publishing quota's count, for publishes (`store::QuotaIndex`).
    pub quota: store::QuotaIndex,
    /// `http://host:port`, known once the listener is bound.
    base_url: OnceLock<String>,
    /// The host name of `--public-url`, which the `Host` check accepts besides addresses.
    public_host: Option<String>,
    /// Signs the consent pages' form tokens (`fb_dtsg`); new each start, from the OS.
    pub form_key: [u8; 32],
    /// Webhook requests: verification and deliveries (`crate::webhooks`).
    pub webhooks: crate::webhooks::send::Sender,
}

/// The account and token created on first start.
#[derive(Debug, Clone)]
pub struct Demo {
    pub account: Account,
    pub token: Token,
    /// The demo app (accepts any redirect URI), Facebook user, and the Page linking that user
    /// to the demo account.
    pub app: Arc<store::MetaApp>,
    pub fb_user: store::FbUser,
    pub page: store::Page,
}

/// The demo app's name.
pub const DEMO_APP_NAME: &str = "instapub demo app";

impl App {
    /// Opens the store and creates, on first start, the admin key and the demo account.
    pub async fn open(
        config: Config,
        fetcher: Fetcher,
        webhooks: crate::webhooks::send::Sender,
    ) -> Result<Arc<App>, StoreError> {
        let store = Store::open(&config.db)?;
        let blobs = Blobs::open(&config.db, config.media_store_max_bytes).map_err(|source| {
            StoreError::Create {
                path: match &config.db {
                    crate::config::Db::File(p) => p.clone(),
                    crate::config::Db::Memory => ":memory:".into(),
                },
                source,
            }
        })?;
        let wanted_key = config.admin_key.clone();
        let quota = config.quota_total;
        let (offset, admin_key, demo, stored_switches) = store
            .write(move |c| {
                let tx = c.transaction()?;
                let offset = store::clock_offset(&tx)?;
                let now = Clock::with_offset(offset).now_ms();
                let admin_key = match (wanted_key, store::admin_key(&tx)?) {
                    (Some(k), _) => k,
                    (None, Some(k)) => k,
                    (None, None) => new_admin_key(),
                };
                store::set_admin_key(&tx, &admin_key)?;
                store::upgrade_permissions(
                    &tx,
                    crate::identity::credentials::DEMO_PERMISSIONS_BEFORE_READ_SIDE,
                    crate::identity::credentials::DEMO_PERMISSIONS,
                )?;
                let account = match store::first_account(&tx)? {
                    Some(a) => a,
                    None => store::insert_account(&tx, DEMO_USERNAME, quota, now)?,
                };
                let token = match store::long_lived_token(&tx, &account.id)? {
                    Some(t) => t,
                    None => {
                        let t = full_token(&account.id, None);
                        store::insert_token(&tx, &t, now)?;
                        t
                    }
                };
                let meta_app = match store::first_app(&tx)? {
                    Some(a) => a,
                    None => store::insert_app(
                        &tx,
                        None,
                        &crate::identity::credentials::random_hex(32),
                        DEMO_APP_NAME,
                        &[],
                    )?,
                };
                let fb_user = match store::first_fb_user(&tx)? {
                    Some(u) => u,
                    None => store::insert_fb_user(&tx, "instapub Demo User")?,
                };
                let page = match store::pages_of_account(&tx, &account.id)?
                    .into_iter()
                    .next()
                {
                    Some(p) => p,
                    None => store::insert_page(
                        &tx,
                        "instapub demo Page",
                        &fb_user.id,
                        Some(&account.id),
                        None,
                    )?,
                };
                let switches = (
                    store::require_appsecret_proof(&tx)?,
                    store::default_version(&tx)?,
                );
                tx.commit()?;
                Ok((
                    offset,
                    admin_key,
                    Demo {
                        account,
                        token,
                        app: Arc::new(meta_app),
                        fb_user,
                        page,
                    },
                    switches,
                ))
            })
            .await?;
        let public_host = config
            .public_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_owned));
        let mut form_key = [0u8; 32];
        crate::identity::credentials::os_random(&mut form_key);
        let switches = Switches::default();
        switches.set_require_appsecret_proof(stored_switches.0);
        if !switches.set_default_version(stored_switches.1.as_deref()) {
            tracing::warn!(
                version = stored_switches.1.as_deref().unwrap_or_default(),
                "the stored default version is not one the sandbox knows; using its own"
            );
        }
        let blobs = Arc::new(blobs);
        let processing = Processing::new(
            store.clone(),
            blobs.clone(),
            fetcher.clone(),
            config.limits.clone(),
        );
        Ok(Arc::new(App {
            processing,
            public_host,
            form_key,
            config,
            store,
            blobs,
            clock: Clock::with_offset(offset),
            fetcher,
            admin_key,
            demo,
            log: RequestLog::default(),
            report: Default::default(),
            faults: Faults::default(),
            usage: Usage::default(),
            reads: Default::default(),
            quota: Default::default(),
            switches,
            base_url: OnceLock::new(),
            webhooks,
        }))
    }

    /// The host name clients use besides the sandbox's addresses (`--public-url`'s).
    pub fn public_host(&self) -> Option<&str> {
        self.public_host.as_deref()
    }

    /// The URL clients reach this sandbox at.
    pub fn base_url(&self) -> &str {
        self.base_url.get().map(String::as_str).unwrap_or("")
    }

    /// Records the bound address (once).
    pub fn set_base_url(&self, url: String) {
        let _ = self.base_url.set(url);
    }

    /// Moves the virtual clock forward and persists the offset; `Ok(None)` when the move
    /// is refused (backwards, or past [`crate::runtime::clock::MAX_OFFSET_MS`] in all).
    pub async fn advance_clock(&self, ms: i64) -> Result<Option<i64>, StoreError> {
        let Some(offset) = self.clock.advance_ms(ms) else {
            return Ok(None);
        };
        self.store
            .write(move |c| store::set_clock_offset(c, offset))
            .await?;
        // Webhook retries are due on this clock.
        self.store.outbox().notify_one();
        Ok(Some(self.clock.now_ms()))
    }
}
