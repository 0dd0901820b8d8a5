//! The SQLite schema. `CREATE ... IF NOT EXISTS`: opening an existing database keeps its data.

pub(super) const SCHEMA: &str = r#"
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
    published_at INTEGER NOT NULL,
    parent_id TEXT
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

/// Columns added after a table was first created: (table, column, definition). A database
/// written by an older sandbox gets them when it is opened.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    // A carousel child's album (children are media of their own since carousels kept them).
    ("media", "parent_id", "TEXT"),
];

/// Brings an existing database up to [`SCHEMA`].
pub(super) fn migrate(c: &rusqlite::Connection) -> rusqlite::Result<()> {
    for (table, column, definition) in ADDED_COLUMNS {
        let mut stmt = c.prepare(&format!("PRAGMA table_info({table})"))?;
        let present = stmt
            .query_map([], |r| r.get::<_, String>(1))?
            .collect::<Result<Vec<_>, _>>()?
            .iter()
            .any(|name| name == column);
        if !present {
            c.execute_batch(&format!(
                "ALTER TABLE {table} ADD COLUMN {column} {definition}"
            ))?;
        }
    }
    c.execute_batch("CREATE INDEX IF NOT EXISTS media_parent ON media(parent_id)")
}
