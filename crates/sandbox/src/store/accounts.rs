//! Accounts and their access tokens.

use rusqlite::{params, Connection, Row};
use serde::Serialize;

use super::conn::{next_id, one, StoreResult, ACCOUNT_BASE};
use super::settings::clear_for_reset;

/// An Instagram professional account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub restricted: bool,
    pub spam_flagged: bool,
    pub quota_total: u32,
    pub shopping_eligible: bool,
    pub created_at: i64,
}

/// An access token bound to one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Token {
    pub token: String,
    pub account_id: String,
    pub permissions: Vec<String>,
    /// Virtual-clock ms; `None` never expires.
    pub expires_at: Option<i64>,
}

fn account_row(r: &Row) -> rusqlite::Result<Account> {
    account_at(r, 0)
}

/// An account from the `ACCOUNT_COLS` columns starting at column `at` (0 alone, later in a join).
fn account_at(r: &Row, at: usize) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(at)?,
        username: r.get(at + 1)?,
        restricted: r.get(at + 2)?,
        spam_flagged: r.get(at + 3)?,
        quota_total: r.get(at + 4)?,
        shopping_eligible: r.get(at + 5)?,
        created_at: r.get(at + 6)?,
    })
}

const ACCOUNT_COLS: &str =
    "id, username, restricted, spam_flagged, quota_total, shopping_eligible, created_at";

pub fn insert_account(
    c: &Connection,
    username: &str,
    quota_total: u32,
    now: i64,
) -> StoreResult<Account> {
    let id = next_id(c, "next_account", ACCOUNT_BASE)?;
    c.execute(
        "INSERT INTO accounts(id, username, quota_total, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, username, quota_total, now],
    )?;
    Ok(Account {
        id,
        username: username.to_owned(),
        restricted: false,
        spam_flagged: false,
        quota_total,
        shopping_eligible: false,
        created_at: now,
    })
}

pub fn account(c: &Connection, id: &str) -> StoreResult<Option<Account>> {
    one(
        c,
        &format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = ?1"),
        [id],
        account_row,
    )
}

pub fn account_by_username(c: &Connection, username: &str) -> StoreResult<Option<Account>> {
    one(
        c,
        &format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE username = ?1"),
        [username],
        account_row,
    )
}

pub fn accounts(c: &Connection) -> StoreResult<Vec<Account>> {
    let mut stmt = c.prepare(&format!("SELECT {ACCOUNT_COLS} FROM accounts ORDER BY id"))?;
    let rows = stmt.query_map([], account_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Changes the given flags; `None` leaves a field as it is. Returns the updated account.
pub fn update_account(
    c: &Connection,
    id: &str,
    restricted: Option<bool>,
    spam_flagged: Option<bool>,
    quota_total: Option<u32>,
    shopping_eligible: Option<bool>,
) -> StoreResult<Option<Account>> {
    c.execute(
        "UPDATE accounts SET restricted = COALESCE(?2, restricted), spam_flagged = COALESCE(?3, spam_flagged), quota_total = COALESCE(?4, quota_total), shopping_eligible = COALESCE(?5, shopping_eligible) WHERE id = ?1",
        params![id, restricted, spam_flagged, quota_total, shopping_eligible],
    )?;
    account(c, id)
}

/// Back to the first-start state: only the demo account and its token remain.
pub fn reset(
    c: &mut Connection,
    demo: &Account,
    token: &Token,
    quota_total: u32,
) -> StoreResult<()> {
    let tx = c.transaction()?;
    tx.execute_batch(
        "DELETE FROM login_tokens; DELETE FROM oauth_codes; \
         DELETE FROM pages WHERE rowid != (SELECT MIN(rowid) FROM pages); DELETE FROM businesses; \
         DELETE FROM fb_users WHERE rowid != (SELECT MIN(rowid) FROM fb_users); \
         DELETE FROM apps WHERE rowid != (SELECT MIN(rowid) FROM apps); \
         UPDATE pages SET business_id = NULL, client = 0; \
         DELETE FROM upload_chunks; DELETE FROM comments; DELETE FROM insights; DELETE FROM partnership_codes; DELETE FROM products; DELETE FROM catalogs; DELETE FROM media; DELETE FROM containers; DELETE FROM files; DELETE FROM tokens; \
         DELETE FROM webhook_attempts; DELETE FROM webhook_deliveries; DELETE FROM webhook_changes; \
         DELETE FROM webhook_installs; DELETE FROM webhook_subscriptions; DELETE FROM webhook_failing; DELETE FROM webhook_stories_sent;",
    )?;
    tx.execute("DELETE FROM accounts WHERE id != ?1", [&demo.id])?;
    tx.execute(
        "UPDATE accounts SET restricted = 0, spam_flagged = 0, quota_total = ?2, shopping_eligible = 0, name = NULL, biography = NULL, website = NULL, profile_picture_url = NULL, followers_count = 0, follows_count = 0 WHERE id = ?1",
        params![demo.id, quota_total],
    )?;
    insert_token(&tx, token, demo.created_at)?;
    clear_for_reset(&tx)?;
    tx.commit()?;
    Ok(())
}

/// What an account's profile shows (`GET /{ig-user-id}`); read only when asked for, so the
/// account every request loads stays small.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Profile {
    pub name: Option<String>,
    pub biography: Option<String>,
    pub website: Option<String>,
    pub profile_picture_url: Option<String>,
    pub followers_count: Option<i64>,
    pub follows_count: Option<i64>,
}

pub fn profile(c: &Connection, id: &str) -> StoreResult<Profile> {
    Ok(one(
        c,
        "SELECT name, biography, website, profile_picture_url, followers_count, follows_count FROM accounts WHERE id = ?1",
        [id],
        |r| {
            Ok(Profile {
                name: r.get(0)?,
                biography: r.get(1)?,
                website: r.get(2)?,
                profile_picture_url: r.get(3)?,
                followers_count: r.get(4)?,
                follows_count: r.get(5)?,
            })
        },
    )?
    .unwrap_or_default())
}

/// Changes the profile fields given (`None` keeps a field).
pub fn update_profile(c: &Connection, id: &str, p: &Profile) -> StoreResult<()> {
    c.execute(
        "UPDATE accounts SET name = COALESCE(?2, name), biography = COALESCE(?3, biography), website = COALESCE(?4, website), profile_picture_url = COALESCE(?5, profile_picture_url), followers_count = COALESCE(?6, followers_count), follows_count = COALESCE(?7, follows_count) WHERE id = ?1",
        params![id, p.name, p.biography, p.website, p.profile_picture_url, p.followers_count, p.follows_count],
    )?;
    Ok(())
}

/// Gives tokens whose permission list is exactly `old` the list `new` (full-permission tokens of
/// an older sandbox get the permissions added since).
pub fn upgrade_permissions(c: &Connection, old: &[&str], new: &[&str]) -> StoreResult<()> {
    let old = serde_json::to_string(old).unwrap_or_default();
    let new = serde_json::to_string(new).unwrap_or_default();
    c.execute(
        "UPDATE tokens SET permissions = ?2 WHERE permissions = ?1",
        [old, new],
    )?;
    Ok(())
}

pub fn first_account(c: &Connection) -> StoreResult<Option<Account>> {
    one(
        c,
        &format!("SELECT {ACCOUNT_COLS} FROM accounts ORDER BY created_at, id LIMIT 1"),
        [],
        account_row,
    )
}

pub fn insert_token(c: &Connection, t: &Token, now: i64) -> StoreResult<()> {
    c.execute(
        "INSERT INTO tokens(token, account_id, permissions, expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            t.token,
            t.account_id,
            serde_json::to_string(&t.permissions).unwrap_or_else(|_| "[]".into()),
            t.expires_at,
            now
        ],
    )?;
    Ok(())
}

pub fn token(c: &Connection, token: &str) -> StoreResult<Option<Token>> {
    one(
        c,
        "SELECT token, account_id, permissions, expires_at FROM tokens WHERE token = ?1",
        [token],
        token_row,
    )
}

/// A token from its four columns, which come first.
fn token_row(r: &Row) -> rusqlite::Result<Token> {
    let perms: String = r.get(2)?;
    Ok(Token {
        token: r.get(0)?,
        account_id: r.get(1)?,
        permissions: serde_json::from_str(&perms).unwrap_or_default(),
        expires_at: r.get(3)?,
    })
}

/// A token and its account, in one query (every Graph request asks this first).
pub fn token_with_account(c: &Connection, token: &str) -> StoreResult<Option<(Token, Account)>> {
    one(
        c,
        "SELECT t.token, t.account_id, t.permissions, t.expires_at, a.id, a.username, a.restricted, a.spam_flagged, a.quota_total, a.shopping_eligible, a.created_at FROM tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token = ?1",
        [token],
        |r| Ok((token_row(r)?, account_at(r, 4)?)),
    )
}

/// The first token of an account that has every given permission and does not expire.
pub fn long_lived_token(c: &Connection, account_id: &str) -> StoreResult<Option<Token>> {
    let t: Option<String> = one(
        c,
        "SELECT token FROM tokens WHERE account_id = ?1 AND expires_at IS NULL ORDER BY created_at LIMIT 1",
        [account_id],
        |r| r.get(0),
    )?;
    match t {
        Some(t) => token(c, &t),
        None => Ok(None),
    }
}
