//! Webhooks' state: each app's subscriptions (`/{app-id}/subscriptions`), each account's
//! install of an app (`/{page-id}/subscribed_apps`, `/{ig-user-id}/subscribed_apps`), the outbox
//! of changes written in the same transaction as the change itself (so nothing a client was
//! told happened can miss its notification, even across a kill), and the deliveries made of
//! them with every attempt. What the rows mean is `crate::webhooks`'s.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::conn::{mark_outbox, StoreResult};
/// Which login an install came through: a Page's (Facebook Login) or an Instagram
/// professional account's own (Instagram Login).
pub use super::identity::Login;

/// A subscribed field and the Graph version its payloads are shaped by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubscribedField {
    pub name: String,
    pub version: String,
}

/// An app's subscription to one object's webhooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub app_id: String,
    pub object: String,
    pub callback_url: String,
    pub verify_token: String,
    pub include_values: bool,
    pub active: bool,
    pub fields: Vec<SubscribedField>,
}

impl Subscription {
    /// The field's subscription, if the app subscribed to it.
    pub fn field(&self, name: &str) -> Option<&SubscribedField> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// An app installed on a Page or an Instagram account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install {
    pub app_id: String,
    /// The Page's id (Facebook Login) or the Instagram account's (Instagram Login).
    pub node_id: String,
    pub login: Login,
    pub subscribed_fields: Vec<String>,
}

/// One change waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub app_id: String,
    pub object: String,
    pub version: String,
    pub entry_id: String,
    pub field: String,
    /// The `value` object, as JSON text.
    pub value: String,
    pub created_at: i64,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its next attempt.
    Pending,
    /// The callback answered 2xx.
    Delivered,
    /// Given up: retried past the policy's limit, or the app was unsubscribed.
    Dropped,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dropped => "dropped",
        }
    }

    fn parse(s: &str) -> DeliveryState {
        match s {
            "delivered" => DeliveryState::Delivered,
            "dropped" => DeliveryState::Dropped,
            _ => DeliveryState::Pending,
        }
    }
}

/// A POST to an app's callback, with its body as signed and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub app_id: String,
    pub object: String,
    pub callback_url: String,
    pub version: String,
    pub body: String,
    /// The fields its changes are of, in order, without repeats.
    pub fields: Vec<String>,
    pub state: DeliveryState,
    pub attempts: u32,
    pub next_attempt_at: Option<i64>,
    pub created_at: i64,
    pub redelivery_of: Option<i64>,
    /// A sample from `POST /_sandbox/webhooks/test` (the App Dashboard's Test button).
    pub test: bool,
}

/// A new delivery.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub app_id: String,
    pub object: String,
    pub callback_url: String,
    pub version: String,
    pub body: String,
    pub fields: Vec<String>,
    pub created_at: i64,
    pub redelivery_of: Option<i64>,
    pub test: bool,
}

/// One attempt at a delivery: what was sent and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Attempt {
    pub n: u32,
    /// Virtual-clock ms.
    pub at: i64,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    /// `None`: no HTTP answer (refused, timed out, dropped by a fault).
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
    pub error: Option<String>,
}

fn subscription_row(r: &Row) -> rusqlite::Result<Subscription> {
    let fields: String = r.get(6)?;
    Ok(Subscription {
        app_id: r.get(0)?,
        object: r.get(1)?,
        callback_url: r.get(2)?,
        verify_token: r.get(3)?,
        include_values: r.get(4)?,
        active: r.get(5)?,
        fields: serde_json::from_str(&fields).unwrap_or_default(),
    })
}

const SUBSCRIPTION_COLS: &str =
    "app_id, object, callback_url, verify_token, include_values, active, fields";

/// An app's subscriptions, by object name.
pub fn subscriptions(c: &Connection, app_id: &str) -> StoreResult<Vec<Subscription>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {SUBSCRIPTION_COLS} FROM webhook_subscriptions WHERE app_id = ?1 ORDER BY object"
    ))?;
    let rows = stmt.query_map([app_id], subscription_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An app's subscription to `object`.
pub fn subscription(
    c: &Connection,
    app_id: &str,
    object: &str,
) -> StoreResult<Option<Subscription>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {SUBSCRIPTION_COLS} FROM webhook_subscriptions WHERE app_id = ?1 AND object = ?2"
    ))?
    .query_row([app_id, object], subscription_row)
    .optional()?)
}

/// Creates or replaces an app's subscription to its object.
pub fn put_subscription(c: &Connection, s: &Subscription) -> StoreResult<()> {
    c.execute(
        &format!(
            "INSERT OR REPLACE INTO webhook_subscriptions({SUBSCRIPTION_COLS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        ),
        params![
            s.app_id,
            s.object,
            s.callback_url,
            s.verify_token,
            s.include_values,
            s.active,
            serde_json::to_string(&s.fields).unwrap_or_else(|_| "[]".into()),
        ],
    )?;
    Ok(())
}

/// Removes an app's subscription to `object` (every object when `None`); how many went.
pub fn delete_subscriptions(
    c: &Connection,
    app_id: &str,
    object: Option<&str>,
) -> StoreResult<usize> {
    Ok(match object {
        Some(o) => c.execute(
            "DELETE FROM webhook_subscriptions WHERE app_id = ?1 AND object = ?2",
            [app_id, o],
        )?,
        None => c.execute(
            "DELETE FROM webhook_subscriptions WHERE app_id = ?1",
            [app_id],
        )?,
    })
}

fn install_row(r: &Row) -> rusqlite::Result<Install> {
    let fields: String = r.get(3)?;
    let login: String = r.get(2)?;
    Ok(Install {
        app_id: r.get(0)?,
        node_id: r.get(1)?,
        login: Login::parse(&login).unwrap_or(Login::Instagram),
        subscribed_fields: serde_json::from_str(&fields).unwrap_or_default(),
    })
}

/// The apps installed on a Page or an Instagram account, oldest first.
pub fn installs_on(c: &Connection, node_id: &str) -> StoreResult<Vec<Install>> {
    let mut stmt = c.prepare_cached(
        "SELECT app_id, node_id, login, subscribed_fields FROM webhook_installs \
         WHERE node_id = ?1 ORDER BY created_at, app_id",
    )?;
    let rows = stmt.query_map([node_id], install_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every install that reaches the Instagram account `account_id`: its own (Instagram Login)
/// and its Pages' (Facebook Login).
pub fn installs_reaching(c: &Connection, account_id: &str) -> StoreResult<Vec<Install>> {
    let mut stmt = c.prepare_cached(
        "SELECT app_id, node_id, login, subscribed_fields FROM webhook_installs \
         WHERE (login = 'instagram' AND node_id = ?1) \
            OR (login = 'facebook' AND node_id IN (SELECT id FROM pages WHERE ig_account_id = ?1)) \
         ORDER BY created_at, app_id",
    )?;
    let rows = stmt.query_map([account_id], install_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Installs an app on a node, or changes its fields.
pub fn put_install(c: &Connection, i: &Install, now: i64) -> StoreResult<()> {
    c.execute(
        "INSERT INTO webhook_installs(app_id, node_id, login, subscribed_fields, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(app_id, node_id) DO UPDATE SET \
         login = excluded.login, subscribed_fields = excluded.subscribed_fields",
        params![
            i.app_id,
            i.node_id,
            i.login.as_str(),
            serde_json::to_string(&i.subscribed_fields).unwrap_or_else(|_| "[]".into()),
            now
        ],
    )?;
    Ok(())
}

/// Uninstalls an app from a node; whether it was installed.
pub fn delete_install(c: &Connection, app_id: &str, node_id: &str) -> StoreResult<bool> {
    Ok(c.execute(
        "DELETE FROM webhook_installs WHERE app_id = ?1 AND node_id = ?2",
        [app_id, node_id],
    )? > 0)
}

/// Uninstalls an app from every node (Meta's automatic unsubscribe); the nodes it left.
pub fn delete_installs_of(c: &Connection, app_id: &str) -> StoreResult<Vec<String>> {
    let mut stmt = c.prepare_cached("SELECT node_id FROM webhook_installs WHERE app_id = ?1")?;
    let nodes = stmt
        .query_map([app_id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    c.execute("DELETE FROM webhook_installs WHERE app_id = ?1", [app_id])?;
    Ok(nodes)
}

/// Puts a change in the outbox (inside the transaction that made the change) and marks the
/// write, so the store wakes the delivery worker once it commits.
#[allow(clippy::too_many_arguments)]
pub fn enqueue_change(
    c: &Connection,
    app_id: &str,
    object: &str,
    version: &str,
    entry_id: &str,
    field: &str,
    value: &str,
    now: i64,
) -> StoreResult<()> {
    c.prepare_cached(
        "INSERT INTO webhook_changes(app_id, object, version, entry_id, field, value, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        app_id, object, version, entry_id, field, value, now
    ])?;
    mark_outbox();
    Ok(())
}

/// The oldest changes in the outbox, at most `limit`.
pub fn outbox(c: &Connection, limit: u32) -> StoreResult<Vec<Change>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, app_id, object, version, entry_id, field, value, created_at \
         FROM webhook_changes ORDER BY id LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(Change {
            id: r.get(0)?,
            app_id: r.get(1)?,
            object: r.get(2)?,
            version: r.get(3)?,
            entry_id: r.get(4)?,
            field: r.get(5)?,
            value: r.get(6)?,
            created_at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Takes changes out of the outbox (they are in a delivery now, or nobody takes them).
pub fn remove_changes(c: &Connection, ids: &[i64]) -> StoreResult<()> {
    let mut stmt = c.prepare_cached("DELETE FROM webhook_changes WHERE id = ?1")?;
    for id in ids {
        stmt.execute([id])?;
    }
    Ok(())
}

const DELIVERY_COLS: &str = "id, app_id, object, callback_url, version, body, fields, state, \
     attempts, next_attempt_at, created_at, redelivery_of, test";

fn delivery_row(r: &Row) -> rusqlite::Result<Delivery> {
    let fields: String = r.get(6)?;
    let state: String = r.get(7)?;
    Ok(Delivery {
        id: r.get(0)?,
        app_id: r.get(1)?,
        object: r.get(2)?,
        callback_url: r.get(3)?,
        version: r.get(4)?,
        body: r.get(5)?,
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        state: DeliveryState::parse(&state),
        attempts: r.get(8)?,
        next_attempt_at: r.get(9)?,
        created_at: r.get(10)?,
        redelivery_of: r.get(11)?,
        test: r.get(12)?,
    })
}

/// Creates a delivery, due at once.
pub fn insert_delivery(c: &Connection, d: &NewDelivery) -> StoreResult<i64> {
    c.prepare_cached(
        "INSERT INTO webhook_deliveries(app_id, object, callback_url, version, body, fields, \
         state, attempts, next_attempt_at, created_at, redelivery_of, test) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?7, ?8, ?9)",
    )?
    .execute(params![
        d.app_id,
        d.object,
        d.callback_url,
        d.version,
        d.body,
        serde_json::to_string(&d.fields).unwrap_or_else(|_| "[]".into()),
        d.created_at,
        d.redelivery_of,
        d.test,
    ])?;
    mark_outbox();
    Ok(c.last_insert_rowid())
}

/// Pending deliveries due by `now`, oldest due first, at most `limit`.
pub fn due_deliveries(c: &Connection, now: i64, limit: u32) -> StoreResult<Vec<Delivery>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {DELIVERY_COLS} FROM webhook_deliveries \
         WHERE state = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![now, limit], delivery_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When the next pending delivery is due, if any is.
pub fn next_due(c: &Connection) -> StoreResult<Option<i64>> {
    Ok(c.prepare_cached(
        "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending'",
    )?
    .query_row([], |r| r.get(0))?)
}

/// Records an attempt and where the delivery stands after it.
pub fn record_attempt(
    c: &Connection,
    delivery_id: i64,
    a: &Attempt,
    state: DeliveryState,
    next_attempt_at: Option<i64>,
) -> StoreResult<()> {
    let headers = |h: &[(String, String)]| serde_json::to_string(h).unwrap_or_default();
    c.prepare_cached(
        "INSERT OR REPLACE INTO webhook_attempts(delivery_id, n, at, url, request_headers, status, \
         latency_ms, response_headers, response_body, error) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        delivery_id,
        a.n,
        a.at,
        a.url,
        headers(&a.request_headers),
        a.status,
        a.latency_ms as i64,
        headers(&a.response_headers),
        a.response_body,
        a.error,
    ])?;
    c.prepare_cached(
        "UPDATE webhook_deliveries SET attempts = ?2, state = ?3, next_attempt_at = ?4 WHERE id = ?1",
    )?
    .execute(params![delivery_id, a.n, state.as_str(), next_attempt_at])?;
    Ok(())
}

/// Drops every pending delivery of an app (it was unsubscribed); how many.
pub fn drop_pending(c: &Connection, app_id: &str) -> StoreResult<usize> {
    Ok(c.execute(
        "UPDATE webhook_deliveries SET state = 'dropped', next_attempt_at = NULL \
         WHERE app_id = ?1 AND state = 'pending'",
        [app_id],
    )?)
}

/// Since when an app's callback has failed without a success between (`None`: it has not).
pub fn failing_since(c: &Connection, app_id: &str) -> StoreResult<Option<(i64, bool)>> {
    Ok(
        c.prepare_cached("SELECT since, alerted FROM webhook_failing WHERE app_id = ?1")?
            .query_row([app_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
    )
}

/// Notes a failure (the streak starts at `now` unless one runs already).
pub fn note_failure(c: &Connection, app_id: &str, now: i64) -> StoreResult<()> {
    c.prepare_cached("INSERT OR IGNORE INTO webhook_failing(app_id, since) VALUES (?1, ?2)")?
        .execute(params![app_id, now])?;
    Ok(())
}

/// Notes that the developer alert went out for the current streak.
pub fn note_alerted(c: &Connection, app_id: &str) -> StoreResult<()> {
    c.execute(
        "UPDATE webhook_failing SET alerted = 1 WHERE app_id = ?1",
        [app_id],
    )?;
    Ok(())
}

/// Ends a failing streak (a success, or the unsubscribe that closes it).
pub fn clear_failure(c: &Connection, app_id: &str) -> StoreResult<()> {
    c.prepare_cached("DELETE FROM webhook_failing WHERE app_id = ?1")?
        .execute([app_id])?;
    Ok(())
}

/// Holds a delivery for its attempt if it is still due by `now`: not due again before
/// `until`, so the worker does not start it twice, and a delivery whose attempt a kill cut
/// short is tried again after it. Whether it was held (`false`: no longer due).
pub fn lease(c: &Connection, id: i64, now: i64, until: i64) -> StoreResult<bool> {
    Ok(c.prepare_cached(
        "UPDATE webhook_deliveries SET next_attempt_at = ?3 \
         WHERE id = ?1 AND state = 'pending' AND next_attempt_at <= ?2",
    )?
    .execute(params![id, now, until])?
        > 0)
}

/// Stories posted by `posted_before` whose insights were not sent yet, oldest first.
pub fn stories_due(c: &Connection, posted_before: i64) -> StoreResult<Vec<String>> {
    let mut stmt = c.prepare_cached(
        "SELECT id FROM media WHERE media_product_type = 'STORY' AND deleted_at IS NULL \
         AND published_at <= ?1 AND id NOT IN (SELECT media_id FROM webhook_stories_sent) \
         ORDER BY published_at, id LIMIT 100",
    )?;
    let rows = stmt.query_map([posted_before], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When the oldest story whose insights were not sent was posted.
pub fn oldest_unsent_story(c: &Connection) -> StoreResult<Option<i64>> {
    Ok(c.prepare_cached(
        "SELECT MIN(published_at) FROM media WHERE media_product_type = 'STORY' \
         AND deleted_at IS NULL AND id NOT IN (SELECT media_id FROM webhook_stories_sent)",
    )?
    .query_row([], |r| r.get(0))?)
}

/// Notes that a story's insights went out (or had nobody to go to).
pub fn mark_story_sent(c: &Connection, media_id: &str) -> StoreResult<()> {
    c.prepare_cached("INSERT OR IGNORE INTO webhook_stories_sent(media_id) VALUES (?1)")?
        .execute([media_id])?;
    Ok(())
}

/// One delivery.
pub fn delivery(c: &Connection, id: i64) -> StoreResult<Option<Delivery>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {DELIVERY_COLS} FROM webhook_deliveries WHERE id = ?1"
    ))?
    .query_row([id], delivery_row)
    .optional()?)
}

/// The newest deliveries first, at most `limit`.
pub fn deliveries(c: &Connection, limit: u32) -> StoreResult<Vec<Delivery>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {DELIVERY_COLS} FROM webhook_deliveries ORDER BY id DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit], delivery_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A delivery's attempts, first first.
pub fn attempts(c: &Connection, delivery_id: i64) -> StoreResult<Vec<Attempt>> {
    let mut stmt = c.prepare_cached(
        "SELECT n, at, url, request_headers, status, latency_ms, response_headers, \
         response_body, error FROM webhook_attempts WHERE delivery_id = ?1 ORDER BY n",
    )?;
    let rows = stmt.query_map([delivery_id], |r| {
        let req: String = r.get(3)?;
        let resp: String = r.get(6)?;
        let latency: i64 = r.get(5)?;
        Ok(Attempt {
            n: r.get(0)?,
            at: r.get(1)?,
            url: r.get(2)?,
            request_headers: serde_json::from_str(&req).unwrap_or_default(),
            status: r.get(4)?,
            latency_ms: latency.max(0) as u64,
            response_headers: serde_json::from_str(&resp).unwrap_or_default(),
            response_body: r.get(7)?,
            error: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many deliveries of an app are waiting (at most `cap` counted).
pub fn pending_count(c: &Connection, app_id: &str, cap: u32) -> StoreResult<u32> {
    Ok(c.prepare_cached(
        "SELECT COUNT(*) FROM (SELECT 1 FROM webhook_deliveries \
         WHERE app_id = ?1 AND state = 'pending' LIMIT ?2)",
    )?
    .query_row(params![app_id, cap], |r| r.get(0))?)
}

/// Puts a pending delivery's next attempt at `until` (a fault rule holding it back).
pub fn hold(c: &Connection, id: i64, until: i64) -> StoreResult<()> {
    c.prepare_cached("UPDATE webhook_deliveries SET next_attempt_at = ?2 WHERE id = ?1")?
        .execute(params![id, until])?;
    Ok(())
}
