//! The sandbox's shared state and its first-start bootstrap (admin key, demo account, token).

use std::sync::{Arc, OnceLock};

use crate::clock::Clock;
use crate::config::Config;
use crate::faults::Faults;
use crate::fetch::Fetcher;
use crate::requests::RequestLog;
use crate::store::{self, Account, Store, StoreError, Token};
use crate::usage::Usage;

/// Permissions of the demo token: everything the sandbox's endpoints can ask for.
pub const DEMO_PERMISSIONS: &[&str] = &[
    "instagram_basic",
    "instagram_content_publish",
    "pages_read_engagement",
    "pages_show_list",
    "business_management",
    "ads_management",
    "catalog_management",
    "instagram_shopping_tag_products",
];

/// Every permission the sandbox knows, as a token's permission list.
pub fn all_permissions() -> Vec<String> {
    DEMO_PERMISSIONS.iter().map(|p| p.to_string()).collect()
}

/// A non-expiring token with every permission for an account (`token` fixes its value).
pub fn full_token(account_id: &str, token: Option<String>) -> Token {
    Token {
        token: token.unwrap_or_else(new_access_token),
        account_id: account_id.to_owned(),
        permissions: all_permissions(),
        expires_at: None,
    }
}

/// The demo account's username.
pub const DEMO_USERNAME: &str = "instapub_demo";

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the store: {0}")]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot build the media fetcher: {0}")]
    Fetcher(#[from] crate::fetch::FetchError),
    #[error("{0}")]
    Scenario(#[from] crate::scenario::ScenarioError),
}

/// Everything a request handler can reach.
pub struct App {
    pub config: Config,
    pub store: Store,
    pub clock: Clock,
    pub fetcher: Fetcher,
    pub admin_key: String,
    pub demo: Demo,
    /// Recent Graph requests (`GET /_sandbox/requests`).
    pub log: RequestLog,
    /// Fault-injection rules.
    pub faults: Faults,
    /// Call counts behind the usage headers.
    pub usage: Usage,
    /// `http://host:port`, known once the listener is bound.
    base_url: OnceLock<String>,
}

/// The account and token created on first start.
#[derive(Debug, Clone)]
pub struct Demo {
    pub account: Account,
    pub token: Token,
}

impl App {
    /// Opens the store and creates, on first start, the admin key and the demo account.
    pub async fn open(config: Config) -> Result<Arc<App>, StartError> {
        let store = Store::open(&config.db)?;
        let fetcher = Fetcher::new(config.fetch_timeout, config.allow_private_fetch)?;
        let wanted_key = config.admin_key.clone();
        let quota = config.quota_total;
        let (offset, admin_key, demo) = store
            .call(move |c| {
                let tx = c.transaction()?;
                let offset: i64 = store::meta_get(&tx, "clock_offset_ms")?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let now = Clock::with_offset(offset).now_ms();
                let admin_key = match (wanted_key, store::meta_get(&tx, "admin_key")?) {
                    (Some(k), _) => k,
                    (None, Some(k)) => k,
                    (None, None) => random_secret("sbx_admin_", 32),
                };
                store::meta_set(&tx, "admin_key", &admin_key)?;
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
                tx.commit()?;
                Ok((offset, admin_key, Demo { account, token }))
            })
            .await?;
        Ok(Arc::new(App {
            config,
            store,
            clock: Clock::with_offset(offset),
            fetcher,
            admin_key,
            demo,
            log: RequestLog::default(),
            faults: Faults::default(),
            usage: Usage::default(),
            base_url: OnceLock::new(),
        }))
    }

    /// The URL clients reach this sandbox at.
    pub fn base_url(&self) -> &str {
        self.base_url.get().map(String::as_str).unwrap_or("")
    }

    /// Records the bound address (once).
    pub fn set_base_url(&self, url: String) {
        let _ = self.base_url.set(url);
    }

    /// Moves the virtual clock forward and persists the offset.
    pub async fn advance_clock(&self, ms: i64) -> Result<i64, StoreError> {
        let offset = self.clock.advance_ms(ms);
        self.store
            .call(move |c| store::meta_set(c, "clock_offset_ms", &offset.to_string()))
            .await?;
        Ok(self.clock.now_ms())
    }
}

/// A token in the shape of a Meta user token (`EAA...`).
pub fn new_access_token() -> String {
    random_secret("EAAI", 96)
}

fn random_secret(prefix: &str, len: usize) -> String {
    let mut s = String::with_capacity(prefix.len() + len);
    s.push_str(prefix);
    for _ in 0..len {
        s.push(fastrand::alphanumeric());
    }
    s
}
