//! Media containers: their life from creation to FINISHED/ERROR/PUBLISHED, and the bytes of
//! resumable uploads.

use instapub_errors::{CatalogError, ContainerStatus, Id};
use instapub_rules::{Kind, RequestType};
use rusqlite::{params, Connection, Row};
use serde::Serialize;

use super::conn::{exec, next_id, one, row, StoreResult, CONTAINER_BASE};

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
    /// The media's stored bytes (`crate::store::blobs`), once fetched and accepted.
    pub blob: Option<String>,
    /// A video's cover image, when `cover_url` gave one.
    pub thumb_blob: Option<String>,
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
    pub blob: Option<String>,
}

const CONTAINER_COLS: &str = "id, account_id, kind, is_carousel_item, media_url, params, children, facts, state, error, created_at, ready_at, media_id, awaiting_upload, blob, thumb_blob";

/// A stored kind name. Databases written before the kinds were one vocabulary named a
/// carousel video `VIDEO` and a carousel image `IMAGE` (with `is_carousel_item` set).
fn stored_kind(name: &str, is_carousel_item: bool) -> Kind {
    match (Kind::parse(name), name) {
        (Some(Kind::Image), _) if is_carousel_item => Kind::CarouselImage,
        (Some(k), _) => k,
        (None, old) if old == RequestType::Video.as_str() => Kind::CarouselVideo,
        (None, _) => Kind::Image,
    }
}

impl Container {
    /// Whether the container is past its 24 h life at `now`.
    pub fn is_expired(&self, now: i64) -> bool {
        is_expired(self, now)
    }

    /// The error its processing recorded (an unknown upload error if none was kept).
    pub fn processing_error(&self) -> CatalogError {
        self.error
            .as_deref()
            .and_then(|s| serde_json::from_str::<CatalogError>(s).ok())
            .unwrap_or_else(|| CatalogError::new(Id::UnknownUploadError))
    }

    /// The status Graph reports at `now` (EXPIRED is derived from the clock, not stored).
    pub fn status(&self, now: i64) -> ContainerStatus {
        if self.state == State::Published {
            return ContainerStatus::Published;
        }
        if self.is_expired(now) {
            return ContainerStatus::Expired;
        }
        match self.state {
            State::Error => {
                ContainerStatus::Error(self.processing_error().id.entry().subcode.unwrap_or(0))
            }
            State::Finished if now >= self.ready_at => ContainerStatus::Finished,
            _ => ContainerStatus::InProgress,
        }
    }
}

fn container_row(r: &Row) -> rusqlite::Result<Container> {
    let kind: String = r.get(2)?;
    let children: String = r.get(6)?;
    let state: String = r.get(8)?;
    Ok(Container {
        id: r.get(0)?,
        account_id: r.get(1)?,
        kind: stored_kind(&kind, r.get(3)?),
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
        blob: r.get(14)?,
        thumb_blob: r.get(15)?,
    })
}

pub fn insert_container(c: &Connection, n: &NewContainer) -> StoreResult<Container> {
    let id = next_id(c, "next_container", CONTAINER_BASE)?;
    exec(
        c,
        &format!("INSERT INTO containers({CONTAINER_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL, ?13, ?14, NULL)"),
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
            n.awaiting_upload,
            n.blob
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
        blob: n.blob.clone(),
        thumb_blob: None,
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

/// An account's most recent containers, newest first (the dashboard's timeline).
pub fn account_containers(
    c: &Connection,
    account_id: &str,
    limit: u32,
) -> StoreResult<Vec<Container>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {CONTAINER_COLS} FROM containers WHERE account_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![account_id, limit], container_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Containers whose processing has not finished (to resume after a restart).
pub fn unprocessed_containers(c: &Connection) -> StoreResult<Vec<Container>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {CONTAINER_COLS} FROM containers WHERE state = 'IN_PROGRESS' AND awaiting_upload = 0 ORDER BY id"
    ))?;
    let rows = stmt.query_map([], container_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What processing a video produced.
#[derive(Debug, Clone, Default)]
pub struct Processed {
    /// What the probe found, as JSON text.
    pub facts: Option<String>,
    /// The processing error (a serialized `CatalogError`).
    pub error: Option<String>,
    pub blob: Option<String>,
    pub thumb_blob: Option<String>,
}

/// Records the end of processing (only if still in progress).
pub fn finish_processing(c: &Connection, id: &str, p: &Processed) -> StoreResult<()> {
    let (facts, error) = (p.facts.as_deref(), p.error.as_deref());
    let state = if error.is_some() {
        State::Error
    } else {
        State::Finished
    };
    c.execute(
        "UPDATE containers SET state = ?2, facts = COALESCE(?3, facts), error = ?4, blob = ?5, thumb_blob = ?6 WHERE id = ?1 AND state = 'IN_PROGRESS'",
        params![id, state.as_str(), facts, error, p.blob, p.thumb_blob],
    )?;
    // An uploaded file's pieces are not needed once its bytes are judged (and kept).
    c.execute("DELETE FROM upload_chunks WHERE container_id = ?1", [id])?;
    Ok(())
}

/// A container's life, and the publishing quota's window.
pub(super) const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Whether a container is past its 24 h life at `now`.
pub fn is_expired(container: &Container, now: i64) -> bool {
    container.state != State::Published && now >= container.created_at + DAY_MS
}

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

/// Ends a resumable upload: the container is processing from `ready_at` on. Its pieces stay
/// until processing has judged them ([`finish_processing`] drops them), so a restart in
/// between processes them again.
pub fn complete_upload(c: &Connection, container_id: &str, ready_at: i64) -> StoreResult<()> {
    c.execute(
        "UPDATE containers SET awaiting_upload = 0, ready_at = ?2 WHERE id = ?1",
        params![container_id, ready_at],
    )?;
    Ok(())
}

/// The stored piece of an upload that starts at or after `offset`: `(its offset, its bytes)`.
/// Read one at a time, so processing an upload holds one piece in memory, not the file.
pub fn upload_piece(
    c: &Connection,
    container_id: &str,
    offset: i64,
) -> StoreResult<Option<(i64, Vec<u8>)>> {
    let mut stmt = c.prepare_cached(
        "SELECT offset, bytes FROM upload_chunks WHERE container_id = ?1 AND offset >= ?2 ORDER BY offset LIMIT 1",
    )?;
    let mut rows = stmt.query(params![container_id, offset])?;
    match rows.next()? {
        Some(r) => Ok(Some((r.get(0)?, r.get(1)?))),
        None => Ok(None),
    }
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
