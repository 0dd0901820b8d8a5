//! State: accounts, tokens, containers, published media, in SQLite (a WAL file, or memory).
//!
//! One connection behind a mutex serialises every write, which is what makes "a container is
//! published at most once" and "quota is exact under concurrency" true: the check and the
//! write of a publish happen in one transaction that nothing can interleave with. Writes run on
//! tokio's blocking pool ([`Store::call`]) so the async runtime never waits on disk.
//!
//! Reads of a file database use a few read-only connections, which WAL lets run beside the
//! writer: scans on the blocking pool ([`Store::read`]), point lookups by key on the async
//! thread when a reader is free ([`Store::lookup`]; the token and node lookups every Graph
//! request makes). Every statement goes through a per-connection prepared-statement cache.
//!
//! Durability: WAL with `synchronous=NORMAL`. A commit is in the WAL file (the OS page cache)
//! before the response is sent, so killing the process (SIGKILL) loses nothing acknowledged;
//! only a power loss could lose the last commits.

use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};
use serde::Serialize;

use crate::config::Db;

/// The store failed (I/O, corruption, a bug). Handlers answer these with Graph's code 2.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the store's worker thread failed")]
    Worker,
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Cheap to clone; all clones share one writer connection and a few read-only ones.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    readers: Arc<Readers>,
}

/// Read-only connections for a file database. In WAL mode readers never wait for the writer
/// and see every transaction committed before they start, so a write acknowledged to one
/// client is visible to the next request. An in-memory database has none (a second
/// connection would open a different database); its reads share the writer.
struct Readers {
    conns: Vec<Mutex<Connection>>,
    next: std::sync::atomic::AtomicUsize,
}

/// How many read-only connections a file database gets.
const READERS: usize = 4;

/// How long a connection waits for a lock before answering "busy" (off the async threads).
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

impl Readers {
    /// A reader nobody is using, if any.
    fn free(&self) -> Option<std::sync::MutexGuard<'_, Connection>> {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        (0..n).find_map(|i| match self.conns[(start + i) % n].try_lock() {
            Ok(guard) => Some(guard),
            // A panic mid-read leaves nothing half-done on a read-only connection.
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        })
    }

    /// Waits for one reader (there is at least one).
    fn wait(&self) -> std::sync::MutexGuard<'_, Connection> {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % self.conns.len();
        self.conns[i].lock().unwrap_or_else(|p| p.into_inner())
    }
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    restricted INTEGER NOT NULL DEFAULT 0,
    spam_flagged INTEGER NOT NULL DEFAULT 0,
    quota_total INTEGER NOT NULL,
    shopping_eligible INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    permissions TEXT NOT NULL,
    expires_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS containers (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    is_carousel_item INTEGER NOT NULL DEFAULT 0,
    media_url TEXT,
    params TEXT NOT NULL,
    children TEXT NOT NULL DEFAULT '[]',
    facts TEXT,
    state TEXT NOT NULL,
    error TEXT,
    created_at INTEGER NOT NULL,
    ready_at INTEGER NOT NULL,
    media_id TEXT,
    awaiting_upload INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS upload_chunks (
    container_id TEXT NOT NULL REFERENCES containers(id),
    offset INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (container_id, offset)
);
CREATE TABLE IF NOT EXISTS media (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    container_id TEXT UNIQUE,
    media_type TEXT NOT NULL,
    media_product_type TEXT NOT NULL,
    caption TEXT,
    media_url TEXT,
    children TEXT NOT NULL DEFAULT '[]',
    via_api INTEGER NOT NULL DEFAULT 1,
    copyrighted_music INTEGER NOT NULL DEFAULT 0,
    published_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS media_quota ON media(account_id, via_api, published_at);
CREATE TABLE IF NOT EXISTS catalogs (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
    id TEXT PRIMARY KEY,
    catalog_id TEXT NOT NULL REFERENCES catalogs(id),
    retailer_id TEXT NOT NULL,
    name TEXT NOT NULL,
    review_status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS partnership_codes (
    code TEXT PRIMARY KEY,
    media_id TEXT NOT NULL REFERENCES media(id),
    expires_at INTEGER
);
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL
);
"#;

/// Id ranges: readable, never colliding across kinds.
const ACCOUNT_BASE: i64 = 17_841_400_000_000_000;
const CONTAINER_BASE: i64 = 17_880_000_000_000_000;
const MEDIA_BASE: i64 = 17_900_000_000_000_000;
const CATALOG_BASE: i64 = 1_000_000_000_000_000;
const PRODUCT_BASE: i64 = 2_000_000_000_000_000;

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

/// What a container was created as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Kind {
    Image,
    /// A video carousel item (`media_type=VIDEO`).
    Video,
    Reels,
    /// A story; `video` tells image from video.
    Stories {
        video: bool,
    },
    Carousel,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Image => "IMAGE",
            Kind::Video => "VIDEO",
            Kind::Reels => "REELS",
            Kind::Stories { video: false } => "STORIES_IMAGE",
            Kind::Stories { video: true } => "STORIES_VIDEO",
            Kind::Carousel => "CAROUSEL",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "IMAGE" => Kind::Image,
            "VIDEO" => Kind::Video,
            "REELS" => Kind::Reels,
            "STORIES_IMAGE" => Kind::Stories { video: false },
            "STORIES_VIDEO" => Kind::Stories { video: true },
            "CAROUSEL" => Kind::Carousel,
            _ => return None,
        })
    }

    /// The `media_type` a create request used for this kind.
    pub fn request_media_type(self) -> &'static str {
        match self {
            Kind::Image => "IMAGE",
            Kind::Video => "VIDEO",
            Kind::Reels => "REELS",
            Kind::Stories { .. } => "STORIES",
            Kind::Carousel => "CAROUSEL",
        }
    }

    pub fn is_video(self) -> bool {
        matches!(
            self,
            Kind::Video | Kind::Reels | Kind::Stories { video: true }
        )
    }

    /// `media_type` and `media_product_type` of the published media.
    pub fn published_types(self) -> (&'static str, &'static str) {
        match self {
            Kind::Image => ("IMAGE", "FEED"),
            Kind::Video => ("VIDEO", "FEED"),
            Kind::Reels => ("VIDEO", "REELS"),
            Kind::Stories { video: false } => ("IMAGE", "STORY"),
            Kind::Stories { video: true } => ("VIDEO", "STORY"),
            Kind::Carousel => ("CAROUSEL_ALBUM", "FEED"),
        }
    }
}

/// Where a container is in its life. EXPIRED is not stored: it is derived from the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum State {
    InProgress,
    Finished,
    Error,
    Published,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::InProgress => "IN_PROGRESS",
            State::Finished => "FINISHED",
            State::Error => "ERROR",
            State::Published => "PUBLISHED",
        }
    }

    fn parse(s: &str) -> State {
        match s {
            "FINISHED" => State::Finished,
            "ERROR" => State::Error,
            "PUBLISHED" => State::Published,
            _ => State::InProgress,
        }
    }
}

/// A media container.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Container {
    pub id: String,
    pub account_id: String,
    pub kind: Kind,
    pub is_carousel_item: bool,
    pub media_url: Option<String>,
    /// The create request's parameters, as JSON text.
    pub params: String,
    pub children: Vec<String>,
    /// What the probe found, as JSON text.
    pub facts: Option<String>,
    pub state: State,
    /// The processing error (a serialized `CatalogError`) when `state` is ERROR.
    pub error: Option<String>,
    pub created_at: i64,
    /// FINISHED is reported only from this virtual time on.
    pub ready_at: i64,
    pub media_id: Option<String>,
    /// Created with `upload_type=resumable` and the bytes have not all arrived.
    pub awaiting_upload: bool,
}

/// A published (or seeded) media object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Media {
    pub id: String,
    pub account_id: String,
    pub container_id: Option<String>,
    pub media_type: String,
    pub media_product_type: String,
    pub caption: Option<String>,
    pub media_url: Option<String>,
    pub children: Vec<String>,
    pub copyrighted_music: bool,
    pub published_at: i64,
}

/// New container fields.
#[derive(Debug, Clone)]
pub struct NewContainer {
    pub account_id: String,
    pub kind: Kind,
    pub is_carousel_item: bool,
    pub media_url: Option<String>,
    pub params: String,
    pub children: Vec<String>,
    pub facts: Option<String>,
    pub state: State,
    pub error: Option<String>,
    pub created_at: i64,
    pub ready_at: i64,
    pub awaiting_upload: bool,
}

/// Why a publish was refused, decided inside the publish transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishRefusal {
    UnknownContainer,
    OtherAccount,
    Expired,
    NotReady,
    Failed(Option<String>),
    AlreadyPublished,
    CarouselItem,
    QuotaReached,
}

impl Store {
    /// Opens (and creates) the store.
    pub fn open(db: &Db) -> StoreResult<Store> {
        let conn = match db {
            Db::Memory => Connection::open_in_memory()?,
            Db::File(path) => {
                let c = Connection::open(path)?;
                c.pragma_update(None, "journal_mode", "WAL")?;
                c.pragma_update(None, "synchronous", "NORMAL")?;
                c
            }
        };
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch(SCHEMA)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let mut readers = Vec::new();
        if let Db::File(path) = db {
            for _ in 0..READERS {
                let r = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                r.busy_timeout(std::time::Duration::ZERO)?;
                r.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
                readers.push(Mutex::new(r));
            }
        }
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            readers: Arc::new(Readers {
                conns: readers,
                next: Default::default(),
            }),
        })
    }

    /// Runs a read-only `f` on a reader connection on the blocking pool (the writer, for an
    /// in-memory store). Anything that reads to decide a write belongs in [`Store::call`]
    /// instead, so the decision and the write share one transaction.
    pub async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        if self.readers.conns.is_empty() {
            return self.call(move |c| f(c)).await;
        }
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || {
            let guard = readers.free().unwrap_or_else(|| readers.wait());
            // Waiting for a busy database is fine here, off the async threads.
            guard.busy_timeout(BUSY_TIMEOUT)?;
            let result = f(&guard);
            guard.busy_timeout(std::time::Duration::ZERO)?;
            result
        })
        .await
        .map_err(|_| StoreError::Worker)?
    }

    /// A point lookup by key (a token, a node), which SQLite answers from its page cache in
    /// microseconds: run right here on the async thread when a reader is free, saving the
    /// hand-off to the blocking pool and back that costs more than the query. When
    /// no reader is free, or the database is busy (readers here never wait for a lock), it
    /// goes to [`Store::read`]. Scans belong in `read`.
    pub async fn lookup<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: Fn(&Connection) -> StoreResult<T> + Send + 'static,
    {
        if let Some(guard) = self.readers.free() {
            match f(&guard) {
                Err(StoreError::Sqlite(e))
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {}
                done => return done,
            }
        }
        self.read(move |c| f(c)).await
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn call<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock poisons it; the data is still consistent because
            // every multi-statement change is a transaction.
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|_| StoreError::Worker)?
    }
}

// ---- synchronous queries, used inside `Store::call` ------------------------------------------

/// Prepared statements kept per connection (more than the queries this file has).
const STATEMENT_CACHE: usize = 64;

/// One optional row, through the connection's prepared-statement cache (parsing SQL costs
/// more than running these lookups).
fn one<T, P: rusqlite::Params>(
    c: &Connection,
    sql: &str,
    params: P,
    f: impl FnOnce(&Row) -> rusqlite::Result<T>,
) -> StoreResult<Option<T>> {
    Ok(c.prepare_cached(sql)?.query_row(params, f).optional()?)
}

/// Exactly one row (an aggregate), through the statement cache.
fn row<T, P: rusqlite::Params>(
    c: &Connection,
    sql: &str,
    params: P,
    f: impl FnOnce(&Row) -> rusqlite::Result<T>,
) -> StoreResult<T> {
    Ok(c.prepare_cached(sql)?.query_row(params, f)?)
}

pub fn meta_get(c: &Connection, key: &str) -> StoreResult<Option<String>> {
    one(c, "SELECT value FROM meta WHERE key = ?1", [key], |r| {
        r.get(0)
    })
}

pub fn meta_set(c: &Connection, key: &str, value: &str) -> StoreResult<()> {
    c.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The next id in a kind's range, from a counter in `meta`.
fn next_id(c: &Connection, counter: &str, base: i64) -> StoreResult<String> {
    let n: i64 = meta_get(c, counter)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        + 1;
    meta_set(c, counter, &n.to_string())?;
    Ok((base + n).to_string())
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
        "DELETE FROM upload_chunks; DELETE FROM partnership_codes; DELETE FROM products; DELETE FROM catalogs; DELETE FROM media; DELETE FROM containers; DELETE FROM files; DELETE FROM tokens; DELETE FROM meta WHERE key = 'ads_audio_swap_enabled';",
    )?;
    tx.execute("DELETE FROM accounts WHERE id != ?1", [&demo.id])?;
    tx.execute(
        "UPDATE accounts SET restricted = 0, spam_flagged = 0, quota_total = ?2, shopping_eligible = 0 WHERE id = ?1",
        params![demo.id, quota_total],
    )?;
    insert_token(&tx, token, demo.created_at)?;
    meta_set(&tx, "clock_offset_ms", "0")?;
    tx.commit()?;
    Ok(())
}

pub fn put_file(c: &Connection, name: &str, content_type: &str, bytes: &[u8]) -> StoreResult<()> {
    c.execute(
        "INSERT INTO files(name, content_type, bytes) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes",
        params![name, content_type, bytes],
    )?;
    Ok(())
}

pub fn file(c: &Connection, name: &str) -> StoreResult<Option<(String, Vec<u8>)>> {
    one(
        c,
        "SELECT content_type, bytes FROM files WHERE name = ?1",
        [name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
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

const CONTAINER_COLS: &str = "id, account_id, kind, is_carousel_item, media_url, params, children, facts, state, error, created_at, ready_at, media_id, awaiting_upload";

fn container_row(r: &Row) -> rusqlite::Result<Container> {
    let kind: String = r.get(2)?;
    let children: String = r.get(6)?;
    let state: String = r.get(8)?;
    Ok(Container {
        id: r.get(0)?,
        account_id: r.get(1)?,
        kind: Kind::parse(&kind).unwrap_or(Kind::Image),
        is_carousel_item: r.get(3)?,
        media_url: r.get(4)?,
        params: r.get(5)?,
        children: serde_json::from_str(&children).unwrap_or_default(),
        facts: r.get(7)?,
        state: State::parse(&state),
        error: r.get(9)?,
        created_at: r.get(10)?,
        ready_at: r.get(11)?,
        media_id: r.get(12)?,
        awaiting_upload: r.get(13)?,
    })
}

pub fn insert_container(c: &Connection, n: &NewContainer) -> StoreResult<Container> {
    let id = next_id(c, "next_container", CONTAINER_BASE)?;
    c.execute(
        &format!("INSERT INTO containers({CONTAINER_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL, ?13)"),
        params![
            id,
            n.account_id,
            n.kind.as_str(),
            n.is_carousel_item,
            n.media_url,
            n.params,
            serde_json::to_string(&n.children).unwrap_or_else(|_| "[]".into()),
            n.facts,
            n.state.as_str(),
            n.error,
            n.created_at,
            n.ready_at,
            n.awaiting_upload
        ],
    )?;
    Ok(Container {
        id,
        account_id: n.account_id.clone(),
        kind: n.kind,
        is_carousel_item: n.is_carousel_item,
        media_url: n.media_url.clone(),
        params: n.params.clone(),
        children: n.children.clone(),
        facts: n.facts.clone(),
        state: n.state,
        error: n.error.clone(),
        created_at: n.created_at,
        ready_at: n.ready_at,
        media_id: None,
        awaiting_upload: n.awaiting_upload,
    })
}

pub fn container(c: &Connection, id: &str) -> StoreResult<Option<Container>> {
    one(
        c,
        &format!("SELECT {CONTAINER_COLS} FROM containers WHERE id = ?1"),
        [id],
        container_row,
    )
}

/// Containers whose processing has not finished (to resume after a restart).
pub fn unprocessed_containers(c: &Connection) -> StoreResult<Vec<Container>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {CONTAINER_COLS} FROM containers WHERE state = 'IN_PROGRESS' AND awaiting_upload = 0 ORDER BY id"
    ))?;
    let rows = stmt.query_map([], container_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records the end of processing (only if still in progress).
pub fn finish_processing(
    c: &Connection,
    id: &str,
    facts: Option<&str>,
    error: Option<&str>,
) -> StoreResult<()> {
    let state = if error.is_some() {
        State::Error
    } else {
        State::Finished
    };
    c.execute(
        "UPDATE containers SET state = ?2, facts = COALESCE(?3, facts), error = ?4 WHERE id = ?1 AND state = 'IN_PROGRESS'",
        params![id, state.as_str(), facts, error],
    )?;
    Ok(())
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Whether a container is past its 24 h life at `now`.
pub fn is_expired(container: &Container, now: i64) -> bool {
    container.state != State::Published && now >= container.created_at + DAY_MS
}

/// Posts published through the API in the 24 h window ending at `now`, and optionally only
/// those after `since`.
pub fn quota_usage(
    c: &Connection,
    account_id: &str,
    now: i64,
    since: Option<i64>,
) -> StoreResult<u32> {
    let from = since.map_or(now - DAY_MS, |s| s.max(now - DAY_MS));
    row(c,
        "SELECT COUNT(*) FROM media WHERE account_id = ?1 AND via_api = 1 AND published_at > ?2 AND published_at <= ?3",
        params![account_id, from, now],
        |r| r.get(0),
    )
}

/// Publishes a container atomically: every check and the write in one transaction.
pub fn publish(
    c: &mut Connection,
    account: &Account,
    creation_id: &str,
    now: i64,
) -> StoreResult<Result<Media, PublishRefusal>> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let Some(container) = container(&tx, creation_id)? else {
        return Ok(Err(PublishRefusal::UnknownContainer));
    };
    if container.account_id != account.id {
        return Ok(Err(PublishRefusal::OtherAccount));
    }
    if container.state == State::Published {
        return Ok(Err(PublishRefusal::AlreadyPublished));
    }
    if is_expired(&container, now) {
        return Ok(Err(PublishRefusal::Expired));
    }
    if container.state == State::Error {
        return Ok(Err(PublishRefusal::Failed(container.error)));
    }
    if container.state == State::InProgress || now < container.ready_at {
        return Ok(Err(PublishRefusal::NotReady));
    }
    if container.is_carousel_item {
        return Ok(Err(PublishRefusal::CarouselItem));
    }
    if quota_usage(&tx, &account.id, now, None)? >= account.quota_total {
        return Ok(Err(PublishRefusal::QuotaReached));
    }
    let (media_type, product_type) = container.kind.published_types();
    let caption = serde_json::from_str::<serde_json::Value>(&container.params)
        .ok()
        .and_then(|p| p.get("caption").and_then(|v| v.as_str()).map(str::to_owned));
    let media_id = next_id(&tx, "next_media", MEDIA_BASE)?;
    tx.execute(
        "INSERT INTO media(id, account_id, container_id, media_type, media_product_type, caption, media_url, children, via_api, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9)",
        params![
            media_id,
            account.id,
            container.id,
            media_type,
            product_type,
            caption,
            container.media_url,
            serde_json::to_string(&container.children).unwrap_or_else(|_| "[]".into()),
            now
        ],
    )?;
    tx.execute(
        "UPDATE containers SET state = 'PUBLISHED', media_id = ?2 WHERE id = ?1",
        params![container.id, media_id],
    )?;
    tx.commit()?;
    Ok(Ok(Media {
        id: media_id,
        account_id: account.id.clone(),
        container_id: Some(container.id),
        media_type: media_type.into(),
        media_product_type: product_type.into(),
        caption,
        media_url: container.media_url,
        children: container.children,
        copyrighted_music: false,
        published_at: now,
    }))
}

const MEDIA_COLS: &str = "id, account_id, container_id, media_type, media_product_type, caption, media_url, children, copyrighted_music, published_at";

fn media_row(r: &Row) -> rusqlite::Result<Media> {
    let children: String = r.get(7)?;
    Ok(Media {
        id: r.get(0)?,
        account_id: r.get(1)?,
        container_id: r.get(2)?,
        media_type: r.get(3)?,
        media_product_type: r.get(4)?,
        caption: r.get(5)?,
        media_url: r.get(6)?,
        children: serde_json::from_str(&children).unwrap_or_default(),
        copyrighted_music: r.get(8)?,
        published_at: r.get(9)?,
    })
}

pub fn media(c: &Connection, id: &str) -> StoreResult<Option<Media>> {
    one(
        c,
        &format!("SELECT {MEDIA_COLS} FROM media WHERE id = ?1"),
        [id],
        media_row,
    )
}

/// An account's media, newest first, stories excluded (as Graph's /media edge does).
pub fn account_media(c: &Connection, account_id: &str, limit: u32) -> StoreResult<Vec<Media>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {MEDIA_COLS} FROM media WHERE account_id = ?1 AND media_product_type != 'STORY' ORDER BY published_at DESC, id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![account_id, limit], media_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn media_count(c: &Connection, account_id: &str) -> StoreResult<u32> {
    row(
        c,
        "SELECT COUNT(*) FROM media WHERE account_id = ?1 AND media_product_type != 'STORY'",
        [account_id],
        |r| r.get(0),
    )
}

/// What kind of object an id names, for routing `GET /{id}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Account(Account),
    Container(Container),
    Media(Media),
}

pub fn node(c: &Connection, id: &str) -> StoreResult<Option<Node>> {
    // Ids are handed out in ranges, so the likely table is asked first; the others are still
    // asked, so ids from elsewhere (a scenario, an older database) are found too.
    let n: i64 = id.parse().unwrap_or(0);
    let order: [NodeTable; 3] = if n >= MEDIA_BASE {
        [NodeTable::Media, NodeTable::Container, NodeTable::Account]
    } else if n >= CONTAINER_BASE {
        [NodeTable::Container, NodeTable::Media, NodeTable::Account]
    } else {
        [NodeTable::Account, NodeTable::Container, NodeTable::Media]
    };
    for table in order {
        let found = match table {
            NodeTable::Account => account(c, id)?.map(Node::Account),
            NodeTable::Container => container(c, id)?.map(Node::Container),
            NodeTable::Media => media(c, id)?.map(Node::Media),
        };
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

#[derive(Clone, Copy)]
enum NodeTable {
    Account,
    Container,
    Media,
}

// ---- shopping and audio ----------------------------------------------------------------------

/// A product in a catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    pub id: String,
    pub catalog_id: String,
    pub retailer_id: String,
    pub name: String,
    /// `approved`, `pending`, `rejected` or `outdated`, as Graph reports it.
    pub review_status: String,
}

/// A product catalog owned by an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub products: Vec<Product>,
}

/// A product to add (id assigned here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProduct {
    pub retailer_id: Option<String>,
    pub name: String,
    pub review_status: String,
}

pub fn insert_catalog(
    c: &Connection,
    account_id: &str,
    name: &str,
    products: &[NewProduct],
) -> StoreResult<Catalog> {
    let id = next_id(c, "next_catalog", CATALOG_BASE)?;
    c.execute(
        "INSERT INTO catalogs(id, account_id, name) VALUES (?1, ?2, ?3)",
        params![id, account_id, name],
    )?;
    let mut out = Vec::new();
    for p in products {
        let pid = next_id(c, "next_product", PRODUCT_BASE)?;
        let retailer = p
            .retailer_id
            .clone()
            .unwrap_or_else(|| format!("sku-{pid}"));
        c.execute(
            "INSERT INTO products(id, catalog_id, retailer_id, name, review_status) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![pid, id, retailer, p.name, p.review_status],
        )?;
        out.push(Product {
            id: pid,
            catalog_id: id.clone(),
            retailer_id: retailer,
            name: p.name.clone(),
            review_status: p.review_status.clone(),
        });
    }
    Ok(Catalog {
        id,
        account_id: account_id.to_owned(),
        name: name.to_owned(),
        products: out,
    })
}

fn product_row(r: &Row) -> rusqlite::Result<Product> {
    Ok(Product {
        id: r.get(0)?,
        catalog_id: r.get(1)?,
        retailer_id: r.get(2)?,
        name: r.get(3)?,
        review_status: r.get(4)?,
    })
}

/// An account's catalogs with their products.
pub fn catalogs(c: &Connection, account_id: &str) -> StoreResult<Vec<Catalog>> {
    let mut stmt = c.prepare("SELECT id, name FROM catalogs WHERE account_id = ?1 ORDER BY id")?;
    let heads: Vec<(String, String)> = stmt
        .query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (id, name) in heads {
        let mut stmt = c.prepare(
            "SELECT id, catalog_id, retailer_id, name, review_status FROM products WHERE catalog_id = ?1 ORDER BY id",
        )?;
        let products = stmt
            .query_map([&id], product_row)?
            .collect::<Result<_, _>>()?;
        out.push(Catalog {
            id,
            account_id: account_id.to_owned(),
            name,
            products,
        });
    }
    Ok(out)
}

/// A product by id, with the account that owns its catalog.
pub fn product(c: &Connection, id: &str) -> StoreResult<Option<(Product, String)>> {
    one(c,
        "SELECT p.id, p.catalog_id, p.retailer_id, p.name, p.review_status, k.account_id FROM products p JOIN catalogs k ON k.id = p.catalog_id WHERE p.id = ?1",
        [id],
        |r| Ok((product_row(r)?, r.get(5)?)),
    )
}

/// Seeds a media object that was not published through the API (it does not count toward
/// the publishing quota).
pub fn insert_seeded_media(
    c: &Connection,
    account_id: &str,
    media_type: &str,
    product_type: &str,
    caption: Option<&str>,
    copyrighted_music: bool,
    now: i64,
) -> StoreResult<Media> {
    let id = next_id(c, "next_media", MEDIA_BASE)?;
    c.execute(
        "INSERT INTO media(id, account_id, media_type, media_product_type, caption, via_api, copyrighted_music, published_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)",
        params![id, account_id, media_type, product_type, caption, copyrighted_music, now],
    )?;
    Ok(Media {
        id,
        account_id: account_id.to_owned(),
        container_id: None,
        media_type: media_type.to_owned(),
        media_product_type: product_type.to_owned(),
        caption: caption.map(str::to_owned),
        media_url: None,
        children: Vec::new(),
        copyrighted_music,
        published_at: now,
    })
}

pub fn insert_partnership_code(
    c: &Connection,
    code: &str,
    media_id: &str,
    expires_at: Option<i64>,
) -> StoreResult<()> {
    c.execute(
        "INSERT INTO partnership_codes(code, media_id, expires_at) VALUES (?1, ?2, ?3)",
        params![code, media_id, expires_at],
    )?;
    Ok(())
}

/// A partnership ad code: its media id and expiry.
pub fn partnership_code(c: &Connection, code: &str) -> StoreResult<Option<(String, Option<i64>)>> {
    one(
        c,
        "SELECT media_id, expires_at FROM partnership_codes WHERE code = ?1",
        [code],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

// ---- resumable upload -------------------------------------------------------------------------

/// Bytes received so far for a resumable upload.
pub fn upload_received(c: &Connection, container_id: &str) -> StoreResult<i64> {
    row(
        c,
        "SELECT COALESCE(SUM(LENGTH(bytes)), 0) FROM upload_chunks WHERE container_id = ?1",
        [container_id],
        |r| r.get(0),
    )
}

pub fn append_chunk(
    c: &Connection,
    container_id: &str,
    offset: i64,
    bytes: &[u8],
) -> StoreResult<()> {
    c.execute(
        "INSERT INTO upload_chunks(container_id, offset, bytes) VALUES (?1, ?2, ?3)",
        params![container_id, offset, bytes],
    )?;
    Ok(())
}

/// Ends a resumable upload: returns the assembled bytes and marks the container as processing
/// from `ready_at` on.
pub fn complete_upload(
    c: &mut Connection,
    container_id: &str,
    ready_at: i64,
) -> StoreResult<Vec<u8>> {
    let tx = c.transaction()?;
    let mut bytes = Vec::new();
    {
        let mut stmt =
            tx.prepare("SELECT bytes FROM upload_chunks WHERE container_id = ?1 ORDER BY offset")?;
        let mut rows = stmt.query([container_id])?;
        while let Some(row) = rows.next()? {
            let chunk: Vec<u8> = row.get(0)?;
            bytes.extend_from_slice(&chunk);
        }
    }
    tx.execute(
        "DELETE FROM upload_chunks WHERE container_id = ?1",
        [container_id],
    )?;
    tx.execute(
        "UPDATE containers SET awaiting_upload = 0, ready_at = ?2 WHERE id = ?1",
        params![container_id, ready_at],
    )?;
    tx.commit()?;
    Ok(bytes)
}

/// Ends a resumable upload by URL (`file_url` header).
pub fn upload_from_url(
    c: &Connection,
    container_id: &str,
    url: &str,
    ready_at: i64,
) -> StoreResult<()> {
    c.execute(
        "UPDATE containers SET awaiting_upload = 0, media_url = ?2, ready_at = ?3 WHERE id = ?1",
        params![container_id, url, ready_at],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_lookup_waits_for_a_reader_when_all_are_taken() {
        let dir = std::env::temp_dir().join(format!("instapub-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let path = dir.join("lookup.db");
        let _ = std::fs::remove_file(&path);
        let store = Store::open(&Db::File(path.clone())).unwrap_or_else(|e| panic!("{e}"));
        store
            .call(|c| insert_account(c, "someone", 100, 0).map(drop))
            .await
            .unwrap_or_else(|e| panic!("{e}"));

        // Every reader taken: the lookup cannot run inline and must wait on the blocking pool.
        let held: Vec<_> = store.readers.conns.iter().map(|m| m.lock()).collect();
        let s = store.clone();
        let pending =
            tokio::spawn(async move { s.lookup(|c| account_by_username(c, "someone")).await });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(!pending.is_finished(), "ran without a reader");
        drop(held);
        let found = pending.await.unwrap_or_else(|e| panic!("{e}"));
        let account = found.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(account.map(|a| a.username).as_deref(), Some("someone"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
