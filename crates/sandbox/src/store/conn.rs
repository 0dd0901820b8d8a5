//! The store's connections: one writer, a few readers, and the helpers every query uses.
//!
//! One connection behind a mutex serialises every write, which is what makes "a container is
//! published at most once" and "quota is exact under concurrency" true: the check and the
//! write of a publish happen in one transaction that nothing can interleave with. Writes run on
//! tokio's blocking pool ([`Store::write`]) so the async runtime never waits on disk.
//!
//! Reads of a file database use a few read-only connections, which WAL lets run beside the
//! writer: scans on the blocking pool ([`Store::read`]), point lookups by key on the async
//! thread when a reader is free ([`Store::lookup`]; the token and node lookups every Graph
//! request makes). Statements run per request go through a per-connection prepared-statement
//! cache (`prepare_cached`); the few built per call (a column list formatted in) do not.
//!
//! Durability: WAL with `synchronous=NORMAL`. A commit is in the WAL file (the OS page cache)
//! before the response is sent, so killing the process (SIGKILL) loses nothing acknowledged;
//! only a power loss could lose the last commits.

use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};

use super::schema::SCHEMA;
use crate::config::Db;

/// The store failed (I/O, corruption, a bug). Handlers answer these with Graph's code 2.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the store's worker thread failed")]
    Worker,
    #[error("cannot create the database file {path}: {source}")]
    Create {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(
        "another instapub sandbox is already serving {path} (it holds {path}.lock): stop it, \
         or give this one its own --db (or --db :memory:)"
    )]
    Locked { path: std::path::PathBuf },
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Cheap to clone; all clones share one writer connection and a few read-only ones.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    readers: Arc<Readers>,
    /// Bumped after every use of the writer connection (every write, and for an in-memory
    /// store every read): what a cache of reads checks its entries against
    /// (`crate::runtime::read_cache`).
    generation: Arc<std::sync::atomic::AtomicU64>,
    /// A file database's lock file, held exclusively while the store lives: two servers on
    /// one file would each keep their own clock, faults and caches, and disagree.
    _lock: Option<Arc<std::fs::File>>,
    /// Woken after a write that put something in the webhooks outbox (or a delivery due now)
    /// commits or rolls back: the delivery worker waits on it (`crate::webhooks::worker`).
    outbox: Arc<tokio::sync::Notify>,
}

thread_local! {
    /// Set by a write that touched the webhooks outbox, on the thread running it; read and
    /// cleared by [`Store::write`] on the same thread once the closure returns.
    static OUTBOX_TOUCHED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Notes that the running write touched the webhooks outbox.
pub(super) fn mark_outbox() {
    OUTBOX_TOUCHED.with(|t| t.set(true));
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

/// Creates the database file readable and writable by its owner only (it holds access tokens);
/// SQLite gives its `-wal` and `-shm` files the same permissions. An existing file is left as
/// it is.
/// Takes `{path}.lock` exclusively, or says who has it. The OS lets go of it when the process
/// ends, however it ends (a SIGKILL included), so a restart never finds a stale lock.
fn lock_exclusively(path: &std::path::Path) -> StoreResult<std::fs::File> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let lock_path = std::path::PathBuf::from(name);
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(&lock_path)
        .map_err(|source| StoreError::Create {
            path: lock_path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
            path: path.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(source)) => Err(StoreError::Create {
            path: lock_path,
            source,
        }),
    }
}

fn create_owner_only(path: &std::path::Path) -> StoreResult<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map(drop)
        .map_err(|source| StoreError::Create {
            path: path.to_path_buf(),
            source,
        })
}

impl Store {
    /// Takes every reader, as a busy server would (tests of the fallback path).
    #[cfg(test)]
    pub(super) fn take_all_readers(&self) -> Vec<std::sync::MutexGuard<'_, Connection>> {
        self.readers
            .conns
            .iter()
            .map(|m| m.lock().unwrap_or_else(|p| p.into_inner()))
            .collect()
    }
}

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

/// Id ranges: readable, never colliding across kinds.
pub(super) const ACCOUNT_BASE: i64 = 17_841_400_000_000_000;
pub(super) const CONTAINER_BASE: i64 = 17_880_000_000_000_000;
pub(super) const MEDIA_BASE: i64 = 17_900_000_000_000_000;
pub(super) const COMMENT_BASE: i64 = 17_950_000_000_000_000;
pub(super) const CATALOG_BASE: i64 = 1_000_000_000_000_000;
pub(super) const PRODUCT_BASE: i64 = 2_000_000_000_000_000;

impl Store {
    /// Opens (and creates) the store.
    pub fn open(db: &Db) -> StoreResult<Store> {
        let lock = match db {
            Db::Memory => None,
            Db::File(path) => Some(Arc::new(lock_exclusively(path)?)),
        };
        let conn = match db {
            Db::Memory => Connection::open_in_memory()?,
            Db::File(path) => {
                create_owner_only(path)?;
                let c = Connection::open(path)?;
                c.pragma_update(None, "journal_mode", "WAL")?;
                c.pragma_update(None, "synchronous", "NORMAL")?;
                c
            }
        };
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch(SCHEMA)?;
        super::schema::migrate(&conn)?;
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
            generation: Arc::default(),
            _lock: lock,
            outbox: Arc::default(),
        })
    }

    /// Runs a read-only `f` on a reader connection on the blocking pool (the writer, for an
    /// in-memory store). Anything that reads to decide a write belongs in [`Store::write`]
    /// instead, so the decision and the write share one transaction.
    pub async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        if self.readers.conns.is_empty() {
            return self.write(move |c| f(c)).await;
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

    /// Runs `f` in one transaction on the blocking pool: committed when it returns `Ok`,
    /// rolled back when it returns `Err`. For validated operations whose refusal is not a
    /// store failure (the control plane's staging operations).
    pub async fn transact<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E> + Send + 'static,
    {
        let outcome = self
            .write(move |c| {
                let tx = c.transaction()?;
                let out = f(&tx);
                if out.is_ok() {
                    tx.commit()?;
                }
                Ok(out)
            })
            .await;
        match outcome {
            Ok(out) => out,
            Err(e) => Err(E::from(e)),
        }
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        let generation = Arc::clone(&self.generation);
        let outbox = Arc::clone(&self.outbox);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock poisons it; the data is still consistent because
            // every multi-statement change is a transaction.
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            let out = f(&mut guard);
            // After the commit, still under the lock: a read that started before it is
            // tagged with an older generation and never served from a cache.
            generation.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
            if OUTBOX_TOUCHED.with(|t| t.replace(false)) {
                outbox.notify_one();
            }
            out
        })
        .await
        .map_err(|_| StoreError::Worker)?
    }

    /// What the webhook delivery worker waits on: notified after a write that touched the
    /// outbox, and by anything else that may make a delivery due (the clock moving).
    pub fn outbox(&self) -> Arc<tokio::sync::Notify> {
        Arc::clone(&self.outbox)
    }

    /// The write generation: it changes whenever the database may have.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }
}

// ---- synchronous queries, used inside `Store::write` ------------------------------------------

/// Prepared statements kept per connection (more than the queries this file has).
const STATEMENT_CACHE: usize = 64;

/// One optional row, through the connection's prepared-statement cache (parsing SQL costs
/// more than running these lookups).
pub(super) fn one<T, P: rusqlite::Params>(
    c: &Connection,
    sql: &str,
    params: P,
    f: impl FnOnce(&Row) -> rusqlite::Result<T>,
) -> StoreResult<Option<T>> {
    Ok(c.prepare_cached(sql)?.query_row(params, f).optional()?)
}

/// Exactly one row (an aggregate), through the statement cache.
pub(super) fn row<T, P: rusqlite::Params>(
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
    exec(
        c,
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Runs a statement through the statement cache (for the writes every create or publish
/// makes; `Connection::execute` parses its SQL each time). The number of rows changed.
pub(super) fn exec<P: rusqlite::Params>(
    c: &Connection,
    sql: &str,
    params: P,
) -> StoreResult<usize> {
    Ok(c.prepare_cached(sql)?.execute(params)?)
}

/// The next id in a kind's range, from a counter in `meta`.
pub(super) fn next_id(c: &Connection, counter: &str, base: i64) -> StoreResult<String> {
    let n: i64 = meta_get(c, counter)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        + 1;
    meta_set(c, counter, &n.to_string())?;
    Ok((base + n).to_string())
}
