//! Published media, publishing (checks and write in one transaction), the 24 h quota, and
//! partnership ad codes.

use instapub_errors::CatalogError;
use instapub_rules::{MediaType, ProductType};
use rusqlite::{params, Connection, Row};
use serde::Serialize;

use super::accounts::Account;
use super::conn::{exec, next_id, one, row, StoreResult, MEDIA_BASE};
use super::containers::{container, State, DAY_MS};
use super::quota::QuotaIndex;

/// A published (or seeded) media object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Media {
    pub id: String,
    pub account_id: String,
    pub container_id: Option<String>,
    pub media_type: MediaType,
    pub media_product_type: ProductType,
    pub caption: Option<String>,
    pub media_url: Option<String>,
    pub children: Vec<String>,
    pub copyrighted_music: bool,
    pub published_at: i64,
    /// A carousel child's album.
    pub parent_id: Option<String>,
    /// The stored bytes (`crate::store::blobs`) served at `media_url`.
    pub blob: Option<String>,
    /// A video's cover, served at `thumbnail_url`.
    pub thumb_blob: Option<String>,
    /// Whether comments may be added (`POST /{media}?comment_enabled=`).
    pub comment_enabled: bool,
    /// Staged likes.
    pub like_count: i64,
}

/// Why a publish was refused, decided inside the publish transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishRefusal {
    UnknownContainer,
    OtherAccount,
    Expired,
    NotReady,
    /// Processing failed with this error.
    Failed(CatalogError),
    AlreadyPublished,
    CarouselItem,
    QuotaReached,
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
/// `announce` runs inside the transaction once the media is written (the webhooks' outbox: a
/// caption's mentions).
pub fn publish(
    c: &mut Connection,
    quota: &QuotaIndex,
    account: &Account,
    creation_id: &str,
    now: i64,
    announce: impl FnOnce(&Connection, &Media) -> StoreResult<()>,
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
    if container.is_expired(now) {
        return Ok(Err(PublishRefusal::Expired));
    }
    if container.state == State::Error {
        return Ok(Err(PublishRefusal::Failed(container.processing_error())));
    }
    if container.state == State::InProgress || now < container.ready_at {
        return Ok(Err(PublishRefusal::NotReady));
    }
    if container.is_carousel_item {
        return Ok(Err(PublishRefusal::CarouselItem));
    }
    if quota.usage(&tx, &account.id, now)? >= account.quota_total {
        return Ok(Err(PublishRefusal::QuotaReached));
    }
    let (media_type, product_type) = container.kind.published();
    let caption = serde_json::from_str::<serde_json::Value>(&container.params)
        .ok()
        .and_then(|p| p.get("caption").and_then(|v| v.as_str()).map(str::to_owned));
    let media_id = next_id(&tx, "next_media", MEDIA_BASE)?;
    // A carousel's children become media of their own, in the order given, belonging to the
    // album (not listed on the account, not counted toward the quota); the album lists them.
    let mut children = container.children.clone();
    if container.kind == instapub_rules::Kind::Carousel {
        children.clear();
        for child_id in &container.children {
            let Some(child) = super::containers::container(&tx, child_id)? else {
                continue;
            };
            let (child_type, child_product) = child.kind.published();
            let child_media = next_id(&tx, "next_media", MEDIA_BASE)?;
            exec(
                &tx,
                "INSERT INTO media(id, account_id, container_id, media_type, media_product_type, media_url, via_api, published_at, parent_id, blob, thumb_blob) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9, ?10)",
                params![
                    child_media,
                    account.id,
                    child.id,
                    child_type.as_str(),
                    child_product.as_str(),
                    child.media_url,
                    now,
                    media_id,
                    child.blob,
                    child.thumb_blob
                ],
            )?;
            exec(
                &tx,
                "UPDATE containers SET state = 'PUBLISHED', media_id = ?2 WHERE id = ?1",
                params![child.id, child_media],
            )?;
            children.push(child_media);
        }
    }
    exec(
        &tx,
        "INSERT INTO media(id, account_id, container_id, media_type, media_product_type, caption, media_url, children, via_api, published_at, blob, thumb_blob) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10, ?11)",
        params![
            media_id,
            account.id,
            container.id,
            media_type.as_str(),
            product_type.as_str(),
            caption,
            container.media_url,
            serde_json::to_string(&children).unwrap_or_else(|_| "[]".into()),
            now,
            container.blob,
            container.thumb_blob
        ],
    )?;
    exec(
        &tx,
        "UPDATE containers SET state = 'PUBLISHED', media_id = ?2 WHERE id = ?1",
        params![container.id, media_id],
    )?;
    let media = Media {
        id: media_id,
        account_id: account.id.clone(),
        container_id: Some(container.id),
        media_type,
        media_product_type: product_type,
        caption,
        media_url: container.media_url,
        children,
        copyrighted_music: false,
        published_at: now,
        parent_id: None,
        blob: container.blob,
        thumb_blob: container.thumb_blob,
        comment_enabled: true,
        like_count: 0,
    };
    announce(&tx, &media)?;
    tx.commit()?;
    quota.published(&account.id, &media.id, now);
    Ok(Ok(media))
}

const MEDIA_COLS: &str = "id, account_id, container_id, media_type, media_product_type, caption, media_url, children, copyrighted_music, published_at, parent_id, blob, thumb_blob, comment_enabled, like_count";

fn media_row(r: &Row) -> rusqlite::Result<Media> {
    let children: String = r.get(7)?;
    Ok(Media {
        id: r.get(0)?,
        account_id: r.get(1)?,
        container_id: r.get(2)?,
        media_type: wire(r, 3, MediaType::parse)?,
        media_product_type: wire(r, 4, ProductType::parse)?,
        caption: r.get(5)?,
        media_url: r.get(6)?,
        children: serde_json::from_str(&children).unwrap_or_default(),
        copyrighted_music: r.get(8)?,
        published_at: r.get(9)?,
        parent_id: r.get(10)?,
        blob: r.get(11)?,
        thumb_blob: r.get(12)?,
        comment_enabled: r.get(13)?,
        like_count: r.get(14)?,
    })
}

/// A wire-string column as its type (the store writes only valid strings).
fn wire<T>(r: &Row, i: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown value {text:?}").into(),
        )
    })
}

pub fn media(c: &Connection, id: &str) -> StoreResult<Option<Media>> {
    one(
        c,
        &format!("SELECT {MEDIA_COLS} FROM media WHERE id = ?1 AND deleted_at IS NULL"),
        [id],
        media_row,
    )
}

/// An account's stories still showing at `now` (published in the 24 h before it), newest first.
pub fn account_stories(c: &Connection, account_id: &str, now: i64) -> StoreResult<Vec<Media>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {MEDIA_COLS} FROM media WHERE account_id = ?1 AND media_product_type = ?2 AND deleted_at IS NULL AND published_at > ?3 AND published_at <= ?4 ORDER BY published_at DESC, CAST(id AS INTEGER) DESC"
    ))?;
    let rows = stmt.query_map(
        params![account_id, ProductType::Story.as_str(), now - DAY_MS, now],
        media_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A carousel's children, in their order.
pub fn child_media(c: &Connection, parent_id: &str) -> StoreResult<Vec<Media>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {MEDIA_COLS} FROM media WHERE parent_id = ?1 AND deleted_at IS NULL ORDER BY CAST(id AS INTEGER)"
    ))?;
    let rows = stmt.query_map([parent_id], media_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An account's media, newest first, stories excluded (as Graph's /media edge does).
pub fn account_media(c: &Connection, account_id: &str, limit: u32) -> StoreResult<Vec<Media>> {
    Ok(account_media_page(c, account_id, limit, PageFrom::Start)?.0)
}

/// Where a page of an account's media starts in its newest-first order: at the top, or
/// after or before a position (`published_at`, numeric id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFrom {
    Start,
    After(i64, i64),
    Before(i64, i64),
}

/// A page of an account's media, newest first, stories excluded, at most `limit`; and whether
/// more lie beyond it in the direction read.
pub fn account_media_page(
    c: &Connection,
    account_id: &str,
    limit: u32,
    from: PageFrom,
) -> StoreResult<(Vec<Media>, bool)> {
    let (cond, order, at) = match from {
        PageFrom::Start => ("?4 IS NULL AND ?5 IS NULL", "DESC", None),
        PageFrom::After(p, i) => (
            "(published_at < ?4 OR (published_at = ?4 AND CAST(id AS INTEGER) < ?5))",
            "DESC",
            Some((p, i)),
        ),
        PageFrom::Before(p, i) => (
            "(published_at > ?4 OR (published_at = ?4 AND CAST(id AS INTEGER) > ?5))",
            "ASC",
            Some((p, i)),
        ),
    };
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {MEDIA_COLS} FROM media WHERE account_id = ?1 AND media_product_type != ?3 AND parent_id IS NULL AND deleted_at IS NULL AND {cond} ORDER BY published_at {order}, CAST(id AS INTEGER) {order} LIMIT ?2"
    ))?;
    let rows = stmt.query_map(
        params![
            account_id,
            i64::from(limit) + 1,
            ProductType::Story.as_str(),
            at.map(|a| a.0),
            at.map(|a| a.1)
        ],
        media_row,
    )?;
    let mut page: Vec<Media> = rows.collect::<Result<_, _>>()?;
    let more = page.len() > limit as usize;
    page.truncate(limit as usize);
    if order == "ASC" {
        page.reverse();
    }
    Ok((page, more))
}

pub fn media_count(c: &Connection, account_id: &str) -> StoreResult<u32> {
    row(
        c,
        "SELECT COUNT(*) FROM media WHERE account_id = ?1 AND media_product_type != ?2 AND parent_id IS NULL AND deleted_at IS NULL",
        params![account_id, ProductType::Story.as_str()],
        |r| r.get(0),
    )
}

/// Seeds a media object that was not published through the API (it does not count toward
/// the publishing quota).
pub fn insert_seeded_media(
    c: &Connection,
    account_id: &str,
    media_type: MediaType,
    product_type: ProductType,
    caption: Option<&str>,
    copyrighted_music: bool,
    now: i64,
) -> StoreResult<Media> {
    let id = next_id(c, "next_media", MEDIA_BASE)?;
    c.execute(
        "INSERT INTO media(id, account_id, media_type, media_product_type, caption, via_api, copyrighted_music, published_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)",
        params![
            id,
            account_id,
            media_type.as_str(),
            product_type.as_str(),
            caption,
            copyrighted_music,
            now
        ],
    )?;
    Ok(Media {
        id,
        account_id: account_id.to_owned(),
        container_id: None,
        media_type,
        media_product_type: product_type,
        caption: caption.map(str::to_owned),
        media_url: None,
        children: Vec::new(),
        copyrighted_music,
        published_at: now,
        parent_id: None,
        blob: None,
        thumb_blob: None,
        comment_enabled: true,
        like_count: 0,
    })
}

/// Turns comments on a media on or off.
pub fn set_comment_enabled(c: &Connection, id: &str, enabled: bool) -> StoreResult<()> {
    c.execute(
        "UPDATE media SET comment_enabled = ?2 WHERE id = ?1",
        params![id, enabled],
    )?;
    Ok(())
}

/// Sets a media's staged like count.
pub fn set_like_count(c: &Connection, id: &str, likes: i64) -> StoreResult<()> {
    c.execute(
        "UPDATE media SET like_count = ?2 WHERE id = ?1",
        params![id, likes],
    )?;
    Ok(())
}

/// Deletes a media (an album with its children). It still counts toward the publishing quota
/// of its day, and its bytes stop being served.
pub fn delete_media(c: &Connection, id: &str, now: i64) -> StoreResult<()> {
    c.execute(
        "UPDATE media SET deleted_at = ?2 WHERE (id = ?1 OR parent_id = ?1) AND deleted_at IS NULL",
        params![id, now],
    )?;
    Ok(())
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
