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
    created_at INTEGER NOT NULL,
    name TEXT,
    biography TEXT,
    website TEXT,
    profile_picture_url TEXT,
    followers_count INTEGER NOT NULL DEFAULT 0,
    follows_count INTEGER NOT NULL DEFAULT 0
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
    awaiting_upload INTEGER NOT NULL DEFAULT 0,
    blob TEXT,
    thumb_blob TEXT
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
    parent_id TEXT,
    blob TEXT,
    thumb_blob TEXT,
    comment_enabled INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    like_count INTEGER NOT NULL DEFAULT 0
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
CREATE TABLE IF NOT EXISTS comments (
    id TEXT PRIMARY KEY,
    media_id TEXT NOT NULL REFERENCES media(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    parent_id TEXT,
    from_id TEXT NOT NULL,
    username TEXT NOT NULL,
    text TEXT NOT NULL,
    like_count INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE INDEX IF NOT EXISTS comments_media ON comments(media_id, parent_id, created_at);
CREATE TABLE IF NOT EXISTS insights (
    object_id TEXT NOT NULL,
    metric TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (object_id, metric)
);
CREATE TABLE IF NOT EXISTS apps (
    id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    name TEXT NOT NULL,
    redirect_uris TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS fb_users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS businesses (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES fb_users(id)
);
CREATE TABLE IF NOT EXISTS pages (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    admin_id TEXT NOT NULL REFERENCES fb_users(id),
    ig_account_id TEXT REFERENCES accounts(id),
    business_id TEXT REFERENCES businesses(id),
    client INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS pages_admin ON pages(admin_id);
CREATE TABLE IF NOT EXISTS oauth_codes (
    code TEXT PRIMARY KEY,
    login TEXT NOT NULL,
    app_id TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    declined TEXT NOT NULL DEFAULT '[]',
    redirect_uri TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS login_tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    declined TEXT NOT NULL DEFAULT '[]',
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    long_lived INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL
);
-- Webhooks (`crate::webhooks`): the app's subscription per object (its callback and fields),
-- each account's install of an app, the outbox of changes not yet in a delivery, deliveries
-- (the body as signed and sent, retried until acknowledged or dropped) and their attempts.
CREATE TABLE IF NOT EXISTS webhook_subscriptions (
    app_id TEXT NOT NULL,
    object TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    verify_token TEXT NOT NULL,
    include_values INTEGER NOT NULL DEFAULT 1,
    active INTEGER NOT NULL DEFAULT 1,
    fields TEXT NOT NULL,
    PRIMARY KEY (app_id, object)
);
CREATE TABLE IF NOT EXISTS webhook_installs (
    app_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    login TEXT NOT NULL,
    subscribed_fields TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, node_id)
);
CREATE TABLE IF NOT EXISTS webhook_changes (
    id INTEGER PRIMARY KEY,
    app_id TEXT NOT NULL,
    object TEXT NOT NULL,
    version TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id INTEGER PRIMARY KEY,
    app_id TEXT NOT NULL,
    object TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    version TEXT NOT NULL,
    body TEXT NOT NULL,
    fields TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    created_at INTEGER NOT NULL,
    redelivery_of INTEGER,
    test INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS webhook_due ON webhook_deliveries(state, next_attempt_at);
CREATE INDEX IF NOT EXISTS webhook_app ON webhook_deliveries(app_id, state);
CREATE TABLE IF NOT EXISTS webhook_attempts (
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id),
    n INTEGER NOT NULL,
    at INTEGER NOT NULL,
    url TEXT NOT NULL,
    request_headers TEXT NOT NULL,
    status INTEGER,
    latency_ms INTEGER NOT NULL,
    response_headers TEXT NOT NULL,
    response_body TEXT NOT NULL,
    error TEXT,
    PRIMARY KEY (delivery_id, n)
);
CREATE TABLE IF NOT EXISTS webhook_stories_sent (media_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS webhook_failing (
    app_id TEXT PRIMARY KEY,
    since INTEGER NOT NULL,
    alerted INTEGER NOT NULL DEFAULT 0
);
"#;

/// Columns added after a table was first created: (table, column, definition). A database
/// written by an older sandbox gets them when it is opened.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    // A carousel child's album (children are media of their own since carousels kept them).
    ("media", "parent_id", "TEXT"),
    // The stored bytes (`crate::store::blobs`) behind `media_url` and `thumbnail_url`.
    ("containers", "blob", "TEXT"),
    ("containers", "thumb_blob", "TEXT"),
    ("media", "blob", "TEXT"),
    ("media", "thumb_blob", "TEXT"),
    // `POST /{media}?comment_enabled=false`, `DELETE /{media}`.
    ("media", "comment_enabled", "INTEGER NOT NULL DEFAULT 1"),
    ("media", "deleted_at", "INTEGER"),
    // Staged activity: likes, and the profile `GET /{ig-user-id}` shows.
    ("media", "like_count", "INTEGER NOT NULL DEFAULT 0"),
    ("accounts", "name", "TEXT"),
    ("accounts", "biography", "TEXT"),
    ("accounts", "website", "TEXT"),
    ("accounts", "profile_picture_url", "TEXT"),
    ("accounts", "followers_count", "INTEGER NOT NULL DEFAULT 0"),
    ("accounts", "follows_count", "INTEGER NOT NULL DEFAULT 0"),
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
