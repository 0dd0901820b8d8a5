//! Scenario files: the control plane's objects, declared in one JSON (or JSON5: comments and
//! trailing commas allowed) file and created at start (`instapub serve --scenario FILE`).
//!
//! ```json5
//! {
//!   app: { ads_audio_swap_enabled: true, account_calls_per_hour: 200 },
//!   accounts: [{ username: "shop.one", quota_total: 5, access_token: "EAAshop" }],
//!   tokens: [{ user: "shop.one", access_token: "EAAbasic", permissions: ["instagram_basic"] }],
//!   catalogs: [{ user: "shop.one", name: "Main", products: [{ retailer_id: "mug-1", name: "Mug" }] }],
//!   media: [{ label: "reel", user: "shop.one", media_type: "VIDEO", media_product_type: "REELS", copyrighted_music: true }],
//!   partnership_ad_codes: [{ media: "reel", code: "PAC123", expires_in: 86400 }],
//!   faults: [{ match: { endpoint: "media_publish", user: "shop.one" }, error: { subcode: 2207001 }, times: 1 }],
//!   files: [{ name: "photo.jpg", path: "photo.jpg" }],   // relative to the scenario file
//! }
//! ```
//!
//! Accounts are named by username (`user`), media by `label`; tokens and partnership codes can be
//! fixed so a test suite knows them in advance. A database gets a scenario once: starting again
//! on the same file database does not create the objects twice.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::faults::{FaultError, Match, Network, NewRule};
use crate::store::{self, NewProduct, Token};

/// Largest scenario file read.
const MAX_SCENARIO: u64 = 1 << 20;

/// Why a scenario could not be applied.
#[derive(Debug, thiserror::Error)]
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
    Store(#[from] store::StoreError),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub app: AppSettings,
    #[serde(default)]
    pub accounts: Vec<AccountSpec>,
    #[serde(default)]
    pub tokens: Vec<TokenSpec>,
    #[serde(default)]
    pub catalogs: Vec<CatalogSpec>,
    #[serde(default)]
    pub media: Vec<MediaSpec>,
    #[serde(default)]
    pub partnership_ad_codes: Vec<CodeSpec>,
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    #[serde(default)]
    pub files: Vec<FileSpec>,
    /// Where relative file paths start (the scenario file's folder).
    #[serde(skip)]
    pub base_dir: PathBuf,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSettings {
    pub ads_audio_swap_enabled: Option<bool>,
    pub app_calls_per_hour: Option<u32>,
    pub account_calls_per_hour: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    pub username: String,
    #[serde(default)]
    pub restricted: bool,
    #[serde(default)]
    pub spam_flagged: bool,
    pub quota_total: Option<u32>,
    #[serde(default)]
    pub shopping_eligible: bool,
    /// A fixed token with every permission (generated when absent).
    pub access_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSpec {
    pub user: String,
    pub access_token: Option<String>,
    pub permissions: Option<Vec<String>>,
    pub expires_in: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogSpec {
    pub user: String,
    pub name: String,
    #[serde(default)]
    pub products: Vec<ProductSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductSpec {
    pub retailer_id: Option<String>,
    pub name: String,
    pub review_status: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaSpec {
    pub label: Option<String>,
    pub user: String,
    pub media_type: String,
    pub media_product_type: String,
    pub caption: Option<String>,
    #[serde(default)]
    pub copyrighted_music: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeSpec {
    /// A media `label`.
    pub media: String,
    pub code: Option<String>,
    pub expires_in: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    #[serde(default, rename = "match")]
    pub matcher: FaultMatch,
    pub error: Option<FaultError>,
    pub network: Option<Network>,
    pub times: Option<u32>,
    pub probability: Option<f64>,
    pub latency_ms: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultMatch {
    pub endpoint: Option<crate::faults::Endpoint>,
    /// An account by username.
    pub user: Option<String>,
    pub user_id: Option<String>,
    pub media_type: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    pub name: String,
    pub path: PathBuf,
    pub content_type: Option<String>,
}

/// What a scenario created, for the startup output: ids by name.
#[derive(Debug, Clone, Default, Serialize)]
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
    /// False when this database had the scenario already.
    pub created: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountOut {
    pub id: String,
    pub access_token: String,
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
        json5::from_str(text).map_err(|e| ScenarioError::Syntax(e.to_string()))
    }
}

fn invalid(msg: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid(msg.into())
}

/// Creates the scenario's objects, once per database.
pub async fn apply(app: &App, scenario: Scenario) -> Result<Applied, ScenarioError> {
    let already = app
        .store
        .call(|c| store::meta_get(c, "scenario_applied"))
        .await?;
    let mut applied = Applied::default();
    if already.is_some() {
        // Report the existing accounts so the caller still learns their ids.
        for spec in &scenario.accounts {
            let name = spec.username.clone();
            if let Some(a) = app
                .store
                .call(move |c| store::account_by_username(c, &name))
                .await?
            {
                let id = a.id.clone();
                let token = app
                    .store
                    .call(move |c| store::long_lived_token(c, &id))
                    .await?
                    .map(|t| t.token)
                    .unwrap_or_default();
                applied.accounts.insert(
                    a.username,
                    AccountOut {
                        id: a.id,
                        access_token: token,
                    },
                );
            }
        }
        return Ok(applied);
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
    let created = app
        .store
        .call(move |c| {
            let tx = c.transaction()?;
            let out = create_all(&tx, &s, files, now, quota, &base_url);
            if out.as_ref().is_ok_and(Result::is_ok) {
                store::meta_set(&tx, "scenario_applied", "1")?;
                tx.commit()?;
            }
            out
        })
        .await??;
    applied = created;
    // App settings and faults live in memory.
    if let Some(on) = scenario.app.ads_audio_swap_enabled {
        let v = if on { "1" } else { "0" };
        app.store
            .call(move |c| store::meta_set(c, "ads_audio_swap_enabled", v))
            .await?;
    }
    let mut limits = app.usage.limits();
    if let Some(n) = scenario.app.app_calls_per_hour {
        limits.app_calls_per_hour = n.max(1);
    }
    if let Some(n) = scenario.app.account_calls_per_hour {
        limits.account_calls_per_hour = n.max(1);
    }
    app.usage.set_limits(limits);
    for f in scenario.faults {
        let user_id = match (&f.matcher.user, &f.matcher.user_id) {
            (Some(name), _) => Some(
                applied
                    .accounts
                    .get(name)
                    .map(|a| a.id.clone())
                    .or_else(|| {
                        (name == &app.demo.account.username).then(|| app.demo.account.id.clone())
                    })
                    .ok_or_else(|| invalid(format!("fault names unknown user {name:?}")))?,
            ),
            (None, id) => id.clone(),
        };
        let rule = app
            .faults
            .add(NewRule {
                matcher: Match {
                    endpoint: f.matcher.endpoint,
                    user_id,
                    media_type: f.matcher.media_type,
                },
                error: f.error,
                network: f.network,
                times: f.times,
                probability: f.probability,
                latency_ms: f.latency_ms,
            })
            .map_err(invalid)?;
        applied.faults.push(rule.id);
    }
    applied.created = true;
    Ok(applied)
}

type Created = Result<Applied, ScenarioError>;

fn create_all(
    c: &rusqlite::Connection,
    s: &Scenario,
    files: Vec<(FileSpec, Vec<u8>)>,
    now: i64,
    default_quota: u32,
    base_url: &str,
) -> store::StoreResult<Created> {
    let mut out = Applied::default();
    for a in &s.accounts {
        if store::account_by_username(c, &a.username)?.is_some() {
            return Ok(Err(invalid(format!("account {:?} exists", a.username))));
        }
        let acct =
            store::insert_account(c, &a.username, a.quota_total.unwrap_or(default_quota), now)?;
        store::update_account(
            c,
            &acct.id,
            Some(a.restricted),
            Some(a.spam_flagged),
            None,
            Some(a.shopping_eligible),
        )?;
        let t = crate::app::full_token(&acct.id, a.access_token.clone());
        if store::token(c, &t.token)?.is_some() {
            return Ok(Err(invalid(format!(
                "token for {:?} is already in use",
                a.username
            ))));
        }
        store::insert_token(c, &t, now)?;
        let token = t.token;
        out.accounts.insert(
            a.username.clone(),
            AccountOut {
                id: acct.id,
                access_token: token,
            },
        );
    }
    let user = |c: &rusqlite::Connection, name: &str| -> store::StoreResult<Option<String>> {
        Ok(store::account_by_username(c, name)?.map(|a| a.id))
    };
    for t in &s.tokens {
        let Some(id) = user(c, &t.user)? else {
            return Ok(Err(invalid(format!(
                "token names unknown user {:?}",
                t.user
            ))));
        };
        let token = t
            .access_token
            .clone()
            .unwrap_or_else(crate::app::new_access_token);
        if store::token(c, &token)?.is_some() {
            return Ok(Err(invalid(format!("token {token:?} is already in use"))));
        }
        store::insert_token(
            c,
            &Token {
                token,
                account_id: id,
                permissions: t
                    .permissions
                    .clone()
                    .unwrap_or_else(crate::app::all_permissions),
                expires_at: t.expires_in.map(|s| now + s.saturating_mul(1000)),
            },
            now,
        )?;
    }
    for k in &s.catalogs {
        let Some(id) = user(c, &k.user)? else {
            return Ok(Err(invalid(format!(
                "catalog names unknown user {:?}",
                k.user
            ))));
        };
        let mut products = Vec::new();
        for p in &k.products {
            let status = p.review_status.clone().unwrap_or_else(|| "approved".into());
            if !crate::control::REVIEW_STATES.contains(&status.as_str()) {
                return Ok(Err(invalid(format!(
                    "product {:?}: review_status {status:?}",
                    p.name
                ))));
            }
            products.push(NewProduct {
                retailer_id: p.retailer_id.clone(),
                name: p.name.clone(),
                review_status: status,
            });
        }
        let catalog = store::insert_catalog(c, &id, &k.name, &products)?;
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
    for m in &s.media {
        let Some(id) = user(c, &m.user)? else {
            return Ok(Err(invalid(format!(
                "media names unknown user {:?}",
                m.user
            ))));
        };
        let media = store::insert_seeded_media(
            c,
            &id,
            &m.media_type.to_ascii_uppercase(),
            &m.media_product_type.to_ascii_uppercase(),
            m.caption.as_deref(),
            m.copyrighted_music,
            now,
        )?;
        if let Some(label) = &m.label {
            out.media.insert(label.clone(), media.id);
        }
    }
    for p in &s.partnership_ad_codes {
        let Some(media_id) = out.media.get(&p.media).cloned() else {
            return Ok(Err(invalid(format!(
                "partnership code names unknown media label {:?}",
                p.media
            ))));
        };
        let code = p
            .code
            .clone()
            .unwrap_or_else(|| format!("PAC{}", fastrand::u64(..) % 10_000_000_000_000));
        store::insert_partnership_code(
            c,
            &code,
            &media_id,
            p.expires_in.map(|s| now + s.saturating_mul(1000)),
        )?;
        out.partnership_ad_codes.push(code);
    }
    for (f, bytes) in files {
        let content_type = f
            .content_type
            .clone()
            .unwrap_or_else(|| "application/octet-stream".into());
        store::put_file(c, &f.name, &content_type, &bytes)?;
        out.files.insert(
            f.name.clone(),
            format!("{base_url}/_sandbox/files/{}", f.name),
        );
    }
    Ok(Ok(out))
}
