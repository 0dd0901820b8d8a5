//! Comments on media, and replies to them (one level: a reply to a reply joins its top-level
//! comment, as on Instagram). Deleting is soft: a deleted comment stops being listed, counted
//! or found.

use rusqlite::{params, Connection, Row};
use serde::Serialize;

use super::conn::{next_id, one, row, StoreResult, COMMENT_BASE};

/// The longest comment accepted (Instagram's caption limit; see the catalog entry).
pub const MAX_COMMENT_CHARS: usize = 2200;

/// A comment or a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: String,
    pub media_id: String,
    /// The media owner's account (who may moderate it).
    pub account_id: String,
    /// The top-level comment this replies to.
    pub parent_id: Option<String>,
    /// The commenter: an account of the sandbox, or someone staged by name.
    pub from_id: String,
    pub username: String,
    pub text: String,
    pub like_count: i64,
    pub hidden: bool,
    pub created_at: i64,
}

/// A comment to add.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub media_id: String,
    pub account_id: String,
    pub parent_id: Option<String>,
    pub from_id: String,
    pub username: String,
    pub text: String,
    pub like_count: i64,
    pub hidden: bool,
    pub created_at: i64,
}

const COLS: &str =
    "id, media_id, account_id, parent_id, from_id, username, text, like_count, hidden, created_at";

fn comment_row(r: &Row) -> rusqlite::Result<Comment> {
    Ok(Comment {
        id: r.get(0)?,
        media_id: r.get(1)?,
        account_id: r.get(2)?,
        parent_id: r.get(3)?,
        from_id: r.get(4)?,
        username: r.get(5)?,
        text: r.get(6)?,
        like_count: r.get(7)?,
        hidden: r.get(8)?,
        created_at: r.get(9)?,
    })
}

pub fn insert_comment(c: &Connection, n: &NewComment) -> StoreResult<Comment> {
    let id = next_id(c, "next_comment", COMMENT_BASE)?;
    c.execute(
        &format!("INSERT INTO comments({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
        params![
            id,
            n.media_id,
            n.account_id,
            n.parent_id,
            n.from_id,
            n.username,
            n.text,
            n.like_count,
            n.hidden,
            n.created_at
        ],
    )?;
    Ok(Comment {
        id,
        media_id: n.media_id.clone(),
        account_id: n.account_id.clone(),
        parent_id: n.parent_id.clone(),
        from_id: n.from_id.clone(),
        username: n.username.clone(),
        text: n.text.clone(),
        like_count: n.like_count,
        hidden: n.hidden,
        created_at: n.created_at,
    })
}

pub fn comment(c: &Connection, id: &str) -> StoreResult<Option<Comment>> {
    one(
        c,
        &format!("SELECT {COLS} FROM comments WHERE id = ?1 AND deleted_at IS NULL"),
        [id],
        comment_row,
    )
}

/// A page of a media's top-level comments (`parent = None`, newest first, as Graph lists
/// them) or of a comment's replies (oldest first, as a conversation reads), starting after the
/// position `after` (created_at, numeric id) in that order; and whether more follow.
pub fn comments_page(
    c: &Connection,
    media_id: &str,
    parent: Option<&str>,
    limit: u32,
    after: Option<(i64, i64)>,
) -> StoreResult<(Vec<Comment>, bool)> {
    let (cmp, order) = if parent.is_none() {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLS} FROM comments WHERE media_id = ?1 AND parent_id IS ?2 AND deleted_at IS NULL \
         AND (?4 IS NULL OR created_at {cmp} ?4 OR (created_at = ?4 AND CAST(id AS INTEGER) {cmp} ?5)) \
         ORDER BY created_at {order}, CAST(id AS INTEGER) {order} LIMIT ?3"
    ))?;
    let rows = stmt.query_map(
        params![
            media_id,
            parent,
            i64::from(limit) + 1,
            after.map(|a| a.0),
            after.map(|a| a.1)
        ],
        comment_row,
    )?;
    let mut page: Vec<Comment> = rows.collect::<Result<_, _>>()?;
    let more = page.len() > limit as usize;
    page.truncate(limit as usize);
    Ok((page, more))
}

/// Comments on a media, replies included (Graph's `comments_count`).
pub fn comments_count(c: &Connection, media_id: &str) -> StoreResult<i64> {
    row(
        c,
        "SELECT COUNT(*) FROM comments WHERE media_id = ?1 AND deleted_at IS NULL",
        [media_id],
        |r| r.get(0),
    )
}

pub fn set_comment_hidden(c: &Connection, id: &str, hidden: bool) -> StoreResult<()> {
    c.execute(
        "UPDATE comments SET hidden = ?2 WHERE id = ?1",
        params![id, hidden],
    )?;
    Ok(())
}

/// Deletes a comment and its replies.
pub fn delete_comment(c: &Connection, id: &str, now: i64) -> StoreResult<()> {
    c.execute(
        "UPDATE comments SET deleted_at = ?2 WHERE (id = ?1 OR parent_id = ?1) AND deleted_at IS NULL",
        params![id, now],
    )?;
    Ok(())
}
