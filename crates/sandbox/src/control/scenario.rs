//! Scenario files: the control plane's objects, declared in one JSON (or JSON5: comments and
//! trailing commas allowed) file and created at start (`instapub serve --scenario FILE`),
//! through the same validated operations as the control plane ([`super::stage`]).
//!
//! ```json5
//! {
//!   app: { ads_audio_swap_enabled: true, account_calls_per_hour: 200,
//!          require_appsecret_proof: true, default_version: "v24.0" },
//!   accounts: [{ username: "shop.one", quota_total: 5, access_token: "EAAshop",
//!                name: "Shop One", followers_count: 1200, insights: { reach: 300 } }],
//!   tokens: [{ user: "shop.one", access_token: "EAAbasic", permissions: ["instagram_basic"] }],
//!   catalogs: [{ user: "shop.one", name: "Main", products: [{ retailer_id: "mug-1", name: "Mug" }] }],
//!   media: [{ label: "reel", user: "shop.one", media_type: "VIDEO", media_product_type: "REELS", copyrighted_music: true,
//!            like_count: 42, insights: { reach: 900, views: 1500 },
//!            comments: [{ username: "fan.1", text: "Love it", replies: [{ username: "shop.one", text: "Thanks!" }] }] }],
//!   partnership_ad_codes: [{ media: "reel", code: "PAC123", expires_in: 86400 }],
//!   faults: [{ match: { endpoint: "media_publish", user: "shop.one" }, error: { subcode: 2207001 }, times: 1 }],
//!   files: [{ name: "photo.jpg", path: "photo.jpg" }],   // relative to the scenario file
//!   apps: [{ name: "Scheduler", app_id: "1234567890", app_secret: "s3cret", redirect_uris: ["https://app.example/cb"] }],
//!   facebook_users: [{ name: "Ana", pages: [{ name: "Shop", instagram: "shop.one" }, { name: "Blog" }],
//!                      businesses: [{ name: "Agency", owned_pages: [{ name: "Agency Page" }], client_pages: [] }] }],
//! }
//! ```
//!
//! Accounts are named by username (`user`) or id (`user_id`), media by `label`; tokens and
//! partnership codes can be
//! fixed so a test suite knows them in advance. The whole file is applied in one transaction:
//! an invalid object leaves nothing behind. A database gets a scenario once: starting again on
//! the same file database does not create the objects twice.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::stage::{
    self, AppSettings, NewAccount, NewCatalog, NewMedia, NewPartnershipCode, NewToken, StageError,
};
use crate::app::App;
use crate::route::FaultTarget;
use crate::runtime::faults::{FaultError, Match, Network, NewRule, WebhookFault};
use crate::store::{self, StoreError};

/// Largest scenario file read.
const MAX_SCENARIO: u64 = 1 << 20;
/// Deepest nesting a scenario file may have.
const MAX_SCENARIO_DEPTH: usize = 64;

/// Why a scenario could not be applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    #[error("cannot read the scenario {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the scenario is not valid JSON5: {0}")]
    Syntax(String),
    #[error("scenario: {0}")]
    Invalid(String),
    #[error("scenario: the store failed: {0}")]
    Store(#[from] StoreError),
}

/// A scenario file's contents.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub app: AppSettings,
    #[serde(default)]
    pub accounts: Vec<NewAccount>,
    #[serde(default)]
    pub tokens: Vec<NewToken>,
    #[serde(default)]
    pub catalogs: Vec<NewCatalog>,
    #[serde(default)]
    pub media: Vec<MediaSpec>,
    #[serde(default)]
    pub partnership_ad_codes: Vec<CodeSpec>,
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    #[serde(default)]
    pub files: Vec<FileSpec>,
    /// Apps for the login flows (the demo app exists already).
    #[serde(default)]
    pub apps: Vec<stage::NewApp>,
    /// Facebook users with the Pages they administer and the Businesses they own.
    #[serde(default)]
    pub facebook_users: Vec<FacebookUserSpec>,
    /// Webhook subscriptions, set once the accounts exist (each callback must answer Meta's
    /// verification request when the sandbox starts).
    #[serde(default)]
    pub webhooks: Vec<crate::webhooks::control::NewSubscription>,
    /// Where relative file paths start (the scenario file's folder).
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// A seeded media object ([`NewMedia`] with a `label` to refer to it by).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaSpec {
    pub label: Option<String>,
    pub user: Option<String>,
    pub user_id: Option<String>,
    pub media_type: String,
    pub media_product_type: String,
    pub caption: Option<String>,
    #[serde(default)]
    pub copyrighted_music: bool,
    pub like_count: Option<i64>,
    /// Lifetime insight values by metric.
    pub insights: Option<std::collections::BTreeMap<String, i64>>,
    /// Comments from other users, with replies.
    #[serde(default)]
    pub comments: Vec<stage::NewComment>,
}

/// A partnership ad code for a labelled media object.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeSpec {
    /// A media `label`.
    pub media: String,
    pub code: Option<String>,
    pub expires_in: Option<i64>,
}

/// A fault rule whose match may name the account by username.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    #[serde(default, rename = "match")]
    pub matcher: FaultMatch,
    pub error: Option<FaultError>,
    pub network: Option<Network>,
    pub webhook: Option<WebhookFault>,
    pub times: Option<u32>,
    pub probability: Option<f64>,
    pub latency_ms: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultMatch {
    pub endpoint: Option<FaultTarget>,
    /// An account by username.
    pub user: Option<String>,
    pub user_id: Option<String>,
    pub media_type: Option<String>,
    pub field: Option<String>,
}

/// A Facebook user, their Pages and their Businesses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacebookUserSpec {
    pub name: String,
    #[serde(default)]
    pub pages: Vec<PageSpec>,
    #[serde(default)]
    pub businesses: Vec<BusinessSpec>,
}

/// A Page, linked to an Instagram account (by username) or not.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageSpec {
    pub name: String,
    pub instagram: Option<String>,
}

/// A Business with the Pages it owns and those it manages for clients.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessSpec {
    pub name: String,
    #[serde(default)]
    pub owned_pages: Vec<PageSpec>,
    #[serde(default)]
    pub client_pages: Vec<PageSpec>,
}

/// A file to host, read from disk at start.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    pub name: String,
    pub path: PathBuf,
    pub content_type: Option<String>,
}

/// What a scenario created, for the startup output: ids by name.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct Applied {
    /// username -> {id, access_token}
    pub accounts: BTreeMap<String, AccountOut>,
    /// media label -> id
    pub media: BTreeMap<String, String>,
    /// catalog name -> {id, products: retailer_id -> product id}
    pub catalogs: BTreeMap<String, CatalogOut>,
    pub partnership_ad_codes: Vec<String>,
    pub faults: Vec<String>,
    /// file name -> URL
    pub files: BTreeMap<String, String>,
    /// app name -> {app_id, app_secret}
    pub apps: BTreeMap<String, AppOut>,
    /// Facebook user, Page and Business name -> id
    pub facebook_users: BTreeMap<String, String>,
    pub pages: BTreeMap<String, String>,
    pub businesses: BTreeMap<String, String>,
    /// False when this database had the scenario already.
    pub created: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountOut {
    pub id: String,
    pub access_token: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppOut {
    pub app_id: String,
    pub app_secret: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogOut {
    pub id: String,
    pub products: BTreeMap<String, String>,
}

impl Scenario {
    /// Reads a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        use std::io::Read;
        let read_err = |source| ScenarioError::Read {
            path: path.to_path_buf(),
            source,
        };
        let mut text = String::new();
        std::fs::File::open(path)
            .map_err(read_err)?
            .take(MAX_SCENARIO)
            .read_to_string(&mut text)
            .map_err(read_err)?;
        let mut s = Scenario::parse(&text)?;
        s.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(s)
    }

    /// Parses scenario text (JSON or JSON5).
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        // json5 recurses without a limit: measure first (a real scenario nests four deep).
        match crate::nesting::depth(text, MAX_SCENARIO_DEPTH) {
            Some(d) if d > MAX_SCENARIO_DEPTH => {
                return Err(ScenarioError::Syntax(format!(
                    "the file nests deeper than {MAX_SCENARIO_DEPTH} levels"
                )))
            }
            None => {
                return Err(ScenarioError::Syntax(
                    "the file ends inside a string or a comment".into(),
                ))
            }
            Some(_) => {}
        }
        json5::from_str(text).map_err(|e| ScenarioError::Syntax(e.to_string()))
    }
}

/// A refused object, named so the author finds it in the file.
fn refused(what: impl std::fmt::Display, e: StageError) -> ScenarioError {
    match e {
        StageError::Store(e) => ScenarioError::Store(e),
        other => ScenarioError::Invalid(format!("{what}: {other}")),
    }
}

/// Creates the scenario's objects, once per database.
pub async fn apply(app: &App, scenario: Scenario) -> Result<Applied, ScenarioError> {
    let already = app.store.read(store::scenario_applied).await?;
    if already {
        return existing_accounts(app, &scenario).await;
    }
    // Files are read before anything is written, so a missing file changes nothing.
    let mut files = Vec::new();
    for f in &scenario.files {
        let path = scenario.base_dir.join(&f.path);
        let bytes = std::fs::read(&path).map_err(|source| ScenarioError::Read { path, source })?;
        files.push((f.clone(), bytes));
    }
    let now = app.clock.now_ms();
    let quota = app.config.quota_total;
    let base_url = app.base_url().to_owned();
    let s = scenario.clone();
    let mut applied = app
        .store
        .transact(move |tx| {
            let out = create_all(tx, &s, files, now, quota, &base_url)?;
            store::set_scenario_applied(tx)?;
            Ok::<_, ScenarioError>(out)
        })
        .await?;
    // App settings and faults live in memory.
    stage::set_app(app, &scenario.app)
        .await
        .map_err(|e| refused("app", e))?;
    for (i, f) in scenario.faults.into_iter().enumerate() {
        let user_id = match (&f.matcher.user, &f.matcher.user_id) {
            (Some(name), _) => Some(
                applied
                    .accounts
                    .get(name)
                    .map(|a| a.id.clone())
                    .or_else(|| {
                        (name == &app.demo.account.username).then(|| app.demo.account.id.clone())
                    })
                    .ok_or_else(|| {
                        ScenarioError::Invalid(format!("fault {i} names unknown user {name:?}"))
                    })?,
            ),
            (None, id) => id.clone(),
        };
        let rule = NewRule {
            matcher: Match {
                endpoint: f.matcher.endpoint,
                user_id,
                media_type: f.matcher.media_type,
                field: f.matcher.field,
            },
            error: f.error,
            network: f.network,
            webhook: f.webhook,
            times: f.times,
            probability: f.probability,
            latency_ms: f.latency_ms,
        };
        let rule = stage::add_fault(app, rule).map_err(|e| refused(format!("fault {i}"), e))?;
        applied.faults.push(rule.id);
    }
    for (i, w) in scenario.webhooks.into_iter().enumerate() {
        crate::webhooks::control::subscribe(app, w)
            .await
            .map_err(|e| refused(format!("webhooks {i}"), e))?;
    }
    applied.created = true;
    Ok(applied)
}

/// The accounts a scenario applied earlier to this database created, so the caller still
/// learns their ids and tokens.
async fn existing_accounts(app: &App, scenario: &Scenario) -> Result<Applied, ScenarioError> {
    let names: Vec<String> = scenario
        .accounts
        .iter()
        .map(|a| a.username.clone())
        .collect();
    let found = app
        .store
        .read(move |c| {
            let mut out = Vec::new();
            for name in &names {
                if let Some(a) = store::account_by_username(c, name)? {
                    let token = store::long_lived_token(c, &a.id)?;
                    out.push((a, token.map(|t| t.token).unwrap_or_default()));
                }
            }
            Ok(out)
        })
        .await?;
    let mut applied = Applied::default();
    for (a, access_token) in found {
        applied.accounts.insert(
            a.username,
            AccountOut {
                id: a.id,
                access_token,
            },
        );
    }
    Ok(applied)
}

fn create_all(
    c: &rusqlite::Connection,
    s: &Scenario,
    files: Vec<(FileSpec, Vec<u8>)>,
    now: i64,
    default_quota: u32,
    base_url: &str,
) -> Result<Applied, ScenarioError> {
    let mut out = Applied::default();
    for a in &s.accounts {
        let (account, token) = stage::create_account(c, a, default_quota, now)
            .map_err(|e| refused(format!("account {:?}", a.username), e))?;
        out.accounts.insert(
            account.username,
            AccountOut {
                id: account.id,
                access_token: token.token,
            },
        );
    }
    for (i, t) in s.tokens.iter().enumerate() {
        stage::create_token(c, t, now).map_err(|e| refused(format!("token {i}"), e))?;
    }
    for k in &s.catalogs {
        let catalog =
            stage::create_catalog(c, k).map_err(|e| refused(format!("catalog {:?}", k.name), e))?;
        out.catalogs.insert(
            k.name.clone(),
            CatalogOut {
                id: catalog.id,
                products: catalog
                    .products
                    .into_iter()
                    .map(|p| (p.retailer_id, p.id))
                    .collect(),
            },
        );
    }
    for a in &s.apps {
        let created =
            stage::create_app(c, a).map_err(|e| refused(format!("app {:?}", a.name), e))?;
        out.apps.insert(
            created.name.clone(),
            AppOut {
                app_id: created.id,
                app_secret: created.secret,
            },
        );
    }
    for u in &s.facebook_users {
        let what = format!("facebook user {:?}", u.name);
        let user = stage::create_facebook_user(
            c,
            &stage::NewFacebookUser {
                name: u.name.clone(),
            },
        )
        .map_err(|e| refused(what.clone(), e))?;
        out.facebook_users.insert(u.name.clone(), user.id.clone());
        let mut page =
            |p: &PageSpec, business: Option<(&str, bool)>| -> Result<(), ScenarioError> {
                let created = stage::create_page(
                    c,
                    &stage::NewPage {
                        name: p.name.clone(),
                        admin_id: user.id.clone(),
                        instagram_user_id: None,
                        instagram_user: p.instagram.clone(),
                        business_id: business.map(|b| b.0.to_owned()),
                        client: business.is_some_and(|b| b.1),
                    },
                )
                .map_err(|e| refused(format!("page {:?}", p.name), e))?;
                out.pages.insert(p.name.clone(), created.id);
                Ok(())
            };
        for p in &u.pages {
            page(p, None)?;
        }
        for b in &u.businesses {
            let business = stage::create_business(
                c,
                &stage::NewBusiness {
                    name: b.name.clone(),
                    owner_id: user.id.clone(),
                },
            )
            .map_err(|e| refused(format!("business {:?}", b.name), e))?;
            for p in &b.owned_pages {
                page(p, Some((&business.id, false)))?;
            }
            for p in &b.client_pages {
                page(p, Some((&business.id, true)))?;
            }
            out.businesses.insert(b.name.clone(), business.id);
        }
    }
    for (i, m) in s.media.iter().enumerate() {
        let new = NewMedia {
            user_id: m.user_id.clone(),
            user: m.user.clone(),
            media_type: m.media_type.clone(),
            media_product_type: m.media_product_type.clone(),
            caption: m.caption.clone(),
            copyrighted_music: m.copyrighted_music,
            like_count: m.like_count,
            insights: m.insights.clone(),
            comments: m.comments.clone(),
        };
        let what = m.label.clone().unwrap_or_else(|| i.to_string());
        let media =
            stage::create_media(c, &new, now).map_err(|e| refused(format!("media {what:?}"), e))?;
        if let Some(label) = &m.label {
            out.media.insert(label.clone(), media.id);
        }
    }
    for p in &s.partnership_ad_codes {
        let Some(media_id) = out.media.get(&p.media).cloned() else {
            return Err(ScenarioError::Invalid(format!(
                "partnership code names unknown media label {:?}",
                p.media
            )));
        };
        let new = NewPartnershipCode {
            media_id,
            code: p.code.clone(),
            expires_in: p.expires_in,
        };
        let code = stage::create_partnership_code(c, &new, now)
            .map_err(|e| refused(format!("partnership code for {:?}", p.media), e))?;
        out.partnership_ad_codes.push(code.code);
    }
    for (f, bytes) in files {
        let content_type = f
            .content_type
            .clone()
            .unwrap_or_else(|| "application/octet-stream".into());
        stage::put_file(c, &f.name, &content_type, &bytes)
            .map_err(|e| refused(format!("file {:?}", f.name), e))?;
        out.files.insert(
            f.name.clone(),
            format!("{base_url}/_sandbox/files/{}", f.name),
        );
    }
    Ok(out)
}
