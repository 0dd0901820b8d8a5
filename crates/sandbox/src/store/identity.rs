//! Who logs in: apps, Facebook users, the Pages and Businesses they manage, OAuth codes, and the
//! tokens the login flows mint (Facebook user, Page and Instagram user tokens).
//!
//! Instagram professional accounts are [`super::accounts`]; a Page links to at most one. The
//! tokens of the control plane (`tokens` table) stay as they were: they act for one account on
//! every host. Tokens minted by a login flow (`login_tokens`) carry their kind, app and scopes,
//! and the host rules of their kind.

use rusqlite::{params, Connection, Row};
use serde::Serialize;

use super::accounts::{account, Account};
use super::conn::{next_id, one, StoreResult};

/// Id ranges of this module's objects (Facebook-style lengths; never colliding with the others).
pub(super) const APP_BASE: i64 = 900_000_000_000_000;
pub(super) const FB_USER_BASE: i64 = 100_000_000_000_000;
pub(super) const PAGE_BASE: i64 = 110_000_000_000_000;
pub(super) const BUSINESS_BASE: i64 = 120_000_000_000_000;

/// Which login an app, a code, a token or a webhook install belongs to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Login {
    /// Facebook Login for Business (graph.facebook.com).
    Facebook,
    /// Instagram API with Instagram Login (graph.instagram.com).
    Instagram,
}

impl Login {
    pub fn as_str(self) -> &'static str {
        match self {
            Login::Facebook => "facebook",
            Login::Instagram => "instagram",
        }
    }

    pub fn parse(s: &str) -> Option<Login> {
        match s {
            "facebook" => Some(Login::Facebook),
            "instagram" => Some(Login::Instagram),
            _ => None,
        }
    }
}

/// A Meta app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetaApp {
    pub id: String,
    pub secret: String,
    pub name: String,
    /// Allowed redirect URIs; empty accepts any (the demo app).
    pub redirect_uris: Vec<String>,
}

/// A Facebook user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FbUser {
    pub id: String,
    pub name: String,
}

/// A Facebook Page, administered by a Facebook user, maybe linked to an Instagram account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Page {
    pub id: String,
    pub name: String,
    pub admin_id: String,
    pub ig_account_id: Option<String>,
    /// Its Business, and whether the Business owns it or manages it for a client.
    pub business_id: Option<String>,
    pub client: bool,
}

/// A Business owned by a Facebook user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Business {
    pub id: String,
    pub name: String,
    pub owner_id: String,
}

/// An OAuth authorization code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Code {
    pub code: String,
    pub login: Login,
    pub app_id: String,
    /// The Facebook user (facebook) or the Instagram account (instagram) who consented.
    pub subject_id: String,
    pub scopes: Vec<String>,
    /// Scopes asked for and refused on the consent page.
    pub declined: Vec<String>,
    pub redirect_uri: String,
    pub expires_at: i64,
    pub used: bool,
}

/// What a login token acts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    FacebookUser,
    Page,
    InstagramUser,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::FacebookUser => "facebook_user",
            TokenKind::Page => "page",
            TokenKind::InstagramUser => "instagram_user",
        }
    }

    fn parse(s: &str) -> TokenKind {
        match s {
            "page" => TokenKind::Page,
            "instagram_user" => TokenKind::InstagramUser,
            _ => TokenKind::FacebookUser,
        }
    }
}

/// A token minted by a login flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoginToken {
    pub token: String,
    pub kind: TokenKind,
    /// The Facebook user, the Page or the Instagram account it acts as.
    pub subject_id: String,
    pub app_id: String,
    pub scopes: Vec<String>,
    /// Scopes the user refused (`/me/permissions` reports them declined).
    pub declined: Vec<String>,
    /// Virtual-clock ms; `None` never expires (Page tokens from a long-lived user token).
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub long_lived: bool,
    /// Revoked with `DELETE /me/permissions` (kept, so the error can say why).
    pub revoked: bool,
}

fn json_list(text: String) -> Vec<String> {
    serde_json::from_str(&text).unwrap_or_default()
}

fn list_json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

fn app_row(r: &Row) -> rusqlite::Result<MetaApp> {
    Ok(MetaApp {
        id: r.get(0)?,
        secret: r.get(1)?,
        name: r.get(2)?,
        redirect_uris: json_list(r.get(3)?),
    })
}

pub fn insert_app(
    c: &Connection,
    id: Option<&str>,
    secret: &str,
    name: &str,
    redirect_uris: &[String],
) -> StoreResult<MetaApp> {
    let id = match id {
        Some(id) => id.to_owned(),
        None => next_id(c, "next_app", APP_BASE)?,
    };
    c.execute(
        "INSERT INTO apps(id, secret, name, redirect_uris) VALUES (?1, ?2, ?3, ?4)",
        params![id, secret, name, list_json(redirect_uris)],
    )?;
    Ok(MetaApp {
        id,
        secret: secret.to_owned(),
        name: name.to_owned(),
        redirect_uris: redirect_uris.to_vec(),
    })
}

pub fn app(c: &Connection, id: &str) -> StoreResult<Option<MetaApp>> {
    one(
        c,
        "SELECT id, secret, name, redirect_uris FROM apps WHERE id = ?1",
        [id],
        app_row,
    )
}

/// Every app, oldest first.
pub fn apps(c: &Connection) -> StoreResult<Vec<MetaApp>> {
    let mut stmt =
        c.prepare_cached("SELECT id, secret, name, redirect_uris FROM apps ORDER BY rowid")?;
    let rows = stmt.query_map([], app_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The first app created (the demo app).
pub fn first_app(c: &Connection) -> StoreResult<Option<MetaApp>> {
    one(
        c,
        "SELECT id, secret, name, redirect_uris FROM apps ORDER BY rowid LIMIT 1",
        [],
        app_row,
    )
}

pub fn insert_fb_user(c: &Connection, name: &str) -> StoreResult<FbUser> {
    let id = next_id(c, "next_fb_user", FB_USER_BASE)?;
    c.execute(
        "INSERT INTO fb_users(id, name) VALUES (?1, ?2)",
        params![id, name],
    )?;
    Ok(FbUser {
        id,
        name: name.to_owned(),
    })
}

pub fn fb_user(c: &Connection, id: &str) -> StoreResult<Option<FbUser>> {
    one(
        c,
        "SELECT id, name FROM fb_users WHERE id = ?1",
        [id],
        |r| {
            Ok(FbUser {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        },
    )
}

/// Every Facebook user, oldest first.
pub fn fb_users(c: &Connection) -> StoreResult<Vec<FbUser>> {
    let mut stmt = c.prepare_cached("SELECT id, name FROM fb_users ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| {
        Ok(FbUser {
            id: r.get(0)?,
            name: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn first_fb_user(c: &Connection) -> StoreResult<Option<FbUser>> {
    one(
        c,
        "SELECT id, name FROM fb_users ORDER BY rowid LIMIT 1",
        [],
        |r| {
            Ok(FbUser {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        },
    )
}

const PAGE_COLS: &str = "id, name, admin_id, ig_account_id, business_id, client";

fn page_row(r: &Row) -> rusqlite::Result<Page> {
    Ok(Page {
        id: r.get(0)?,
        name: r.get(1)?,
        admin_id: r.get(2)?,
        ig_account_id: r.get(3)?,
        business_id: r.get(4)?,
        client: r.get(5)?,
    })
}

pub fn insert_page(
    c: &Connection,
    name: &str,
    admin_id: &str,
    ig_account_id: Option<&str>,
    business: Option<(&str, bool)>,
) -> StoreResult<Page> {
    let id = next_id(c, "next_page", PAGE_BASE)?;
    c.execute(
        &format!("INSERT INTO pages({PAGE_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
        params![
            id,
            name,
            admin_id,
            ig_account_id,
            business.map(|b| b.0),
            business.is_some_and(|b| b.1)
        ],
    )?;
    Ok(Page {
        id,
        name: name.to_owned(),
        admin_id: admin_id.to_owned(),
        ig_account_id: ig_account_id.map(str::to_owned),
        business_id: business.map(|b| b.0.to_owned()),
        client: business.is_some_and(|b| b.1),
    })
}

pub fn page(c: &Connection, id: &str) -> StoreResult<Option<Page>> {
    one(
        c,
        &format!("SELECT {PAGE_COLS} FROM pages WHERE id = ?1"),
        [id],
        page_row,
    )
}

/// Pages a Facebook user administers, in creation order, after the page `after` (an id).
pub fn admin_pages(
    c: &Connection,
    admin_id: &str,
    limit: u32,
    after: Option<i64>,
) -> StoreResult<(Vec<Page>, bool)> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {PAGE_COLS} FROM pages WHERE admin_id = ?1 AND (?3 IS NULL OR CAST(id AS INTEGER) > ?3) ORDER BY CAST(id AS INTEGER) LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![admin_id, i64::from(limit) + 1, after], page_row)?;
    let mut pages: Vec<Page> = rows.collect::<Result<_, _>>()?;
    let more = pages.len() > limit as usize;
    pages.truncate(limit as usize);
    Ok((pages, more))
}

/// A Business's pages: those it owns, or those it manages for clients.
pub fn business_pages(c: &Connection, business_id: &str, client: bool) -> StoreResult<Vec<Page>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {PAGE_COLS} FROM pages WHERE business_id = ?1 AND client = ?2 ORDER BY CAST(id AS INTEGER)"
    ))?;
    let rows = stmt.query_map(params![business_id, client], page_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The Pages linked to an Instagram account.
pub fn pages_of_account(c: &Connection, account_id: &str) -> StoreResult<Vec<Page>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {PAGE_COLS} FROM pages WHERE ig_account_id = ?1 ORDER BY CAST(id AS INTEGER)"
    ))?;
    let rows = stmt.query_map([account_id], page_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert_business(c: &Connection, name: &str, owner_id: &str) -> StoreResult<Business> {
    let id = next_id(c, "next_business", BUSINESS_BASE)?;
    c.execute(
        "INSERT INTO businesses(id, name, owner_id) VALUES (?1, ?2, ?3)",
        params![id, name, owner_id],
    )?;
    Ok(Business {
        id,
        name: name.to_owned(),
        owner_id: owner_id.to_owned(),
    })
}

pub fn business(c: &Connection, id: &str) -> StoreResult<Option<Business>> {
    one(
        c,
        "SELECT id, name, owner_id FROM businesses WHERE id = ?1",
        [id],
        |r| {
            Ok(Business {
                id: r.get(0)?,
                name: r.get(1)?,
                owner_id: r.get(2)?,
            })
        },
    )
}

pub fn businesses_of(c: &Connection, owner_id: &str) -> StoreResult<Vec<Business>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, name, owner_id FROM businesses WHERE owner_id = ?1 ORDER BY CAST(id AS INTEGER)",
    )?;
    let rows = stmt.query_map([owner_id], |r| {
        Ok(Business {
            id: r.get(0)?,
            name: r.get(1)?,
            owner_id: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert_code(c: &Connection, k: &Code) -> StoreResult<()> {
    c.execute(
        "INSERT INTO oauth_codes(code, login, app_id, subject_id, scopes, declined, redirect_uri, expires_at, used) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)",
        params![
            k.code,
            k.login.as_str(),
            k.app_id,
            k.subject_id,
            list_json(&k.scopes),
            list_json(&k.declined),
            k.redirect_uri,
            k.expires_at
        ],
    )?;
    Ok(())
}

pub fn code(c: &Connection, code: &str) -> StoreResult<Option<Code>> {
    one(
        c,
        "SELECT code, login, app_id, subject_id, scopes, redirect_uri, expires_at, used, declined FROM oauth_codes WHERE code = ?1",
        [code],
        |r| {
            let login: String = r.get(1)?;
            Ok(Code {
                code: r.get(0)?,
                login: Login::parse(&login).unwrap_or(Login::Facebook),
                app_id: r.get(2)?,
                subject_id: r.get(3)?,
                scopes: json_list(r.get(4)?),
                redirect_uri: r.get(5)?,
                expires_at: r.get(6)?,
                used: r.get(7)?,
                declined: json_list(r.get(8)?),
            })
        },
    )
}

/// Marks a code used; false when it already was (two exchanges racing: one wins).
pub fn use_code(c: &Connection, code: &str) -> StoreResult<bool> {
    Ok(c.execute(
        "UPDATE oauth_codes SET used = 1 WHERE code = ?1 AND used = 0",
        [code],
    )? == 1)
}

const TOKEN_COLS: &str =
    "token, kind, subject_id, app_id, scopes, expires_at, created_at, long_lived, revoked, declined";

fn token_row(r: &Row) -> rusqlite::Result<LoginToken> {
    let kind: String = r.get(1)?;
    Ok(LoginToken {
        token: r.get(0)?,
        kind: TokenKind::parse(&kind),
        subject_id: r.get(2)?,
        app_id: r.get(3)?,
        scopes: json_list(r.get(4)?),
        expires_at: r.get(5)?,
        created_at: r.get(6)?,
        long_lived: r.get(7)?,
        revoked: r.get(8)?,
        declined: json_list(r.get(9)?),
    })
}

pub fn insert_login_token(c: &Connection, t: &LoginToken) -> StoreResult<()> {
    c.execute(
        &format!("INSERT INTO login_tokens({TOKEN_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
        params![
            t.token,
            t.kind.as_str(),
            t.subject_id,
            t.app_id,
            list_json(&t.scopes),
            t.expires_at,
            t.created_at,
            t.long_lived,
            t.revoked,
            list_json(&t.declined)
        ],
    )?;
    Ok(())
}

/// Who a token speaks for.
#[derive(Debug, Clone)]
pub enum Who {
    /// An Instagram account: a control-plane token (any host) or an Instagram user token.
    Account(Account),
    /// A Facebook user (Facebook Login user token).
    FacebookUser(String),
    /// A Facebook Page (Page token), and the Instagram account linked to it.
    Page(Page, Option<Account>),
    /// An app itself (an app access token, `{app-id}|...`; no stored row): its id.
    App(String),
}

/// A token a login flow minted, and who it speaks for (none when that is gone).
pub fn login_principal(c: &Connection, token: &str) -> StoreResult<Option<(LoginToken, Who)>> {
    let Some(t) = login_token(c, token)? else {
        return Ok(None);
    };
    let who = match t.kind {
        TokenKind::InstagramUser => account(c, &t.subject_id)?.map(Who::Account),
        TokenKind::FacebookUser => Some(Who::FacebookUser(t.subject_id.clone())),
        TokenKind::Page => match page(c, &t.subject_id)? {
            Some(p) => {
                let linked = match &p.ig_account_id {
                    Some(id) => account(c, id)?,
                    None => None,
                };
                Some(Who::Page(p, linked))
            }
            None => None,
        },
    };
    Ok(who.map(|w| (t, w)))
}

pub fn login_token(c: &Connection, token: &str) -> StoreResult<Option<LoginToken>> {
    one(
        c,
        &format!("SELECT {TOKEN_COLS} FROM login_tokens WHERE token = ?1"),
        [token],
        token_row,
    )
}

/// Revokes every token a subject holds for an app, and what was derived from them (the Page
/// tokens of a Facebook user's Pages).
/// Every scope the logins of each app granted (`app id -> scopes`), revoked tokens included:
/// what the app asked its users for.
pub fn granted_scopes(
    c: &Connection,
) -> StoreResult<std::collections::HashMap<String, std::collections::BTreeSet<String>>> {
    let mut st = c.prepare_cached("SELECT app_id, scopes FROM login_tokens")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, json_list(r.get(1)?))))?;
    let mut out: std::collections::HashMap<String, std::collections::BTreeSet<String>> =
        std::collections::HashMap::new();
    for row in rows {
        let (app, scopes) = row?;
        out.entry(app).or_default().extend(scopes);
    }
    Ok(out)
}

pub fn revoke_tokens(c: &Connection, subject_id: &str, app_id: &str) -> StoreResult<()> {
    c.execute(
        "UPDATE login_tokens SET revoked = 1 WHERE app_id = ?2 AND (subject_id = ?1 OR subject_id IN (SELECT id FROM pages WHERE admin_id = ?1))",
        params![subject_id, app_id],
    )?;
    Ok(())
}
