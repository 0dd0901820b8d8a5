//! Staged insight values: what `/{ig-media-id}/insights` and `/{ig-user-id}/insights` report
//! for a metric nothing else determines (reach, views, saves...). Media values are lifetime
//! totals; account values are per day.

use std::collections::HashMap;

use rusqlite::{params, Connection};

use super::conn::StoreResult;

/// Sets metric values of a media or an account (replacing earlier ones of the same metrics).
pub fn set_insights(c: &Connection, object_id: &str, values: &[(String, i64)]) -> StoreResult<()> {
    let mut stmt = c.prepare_cached(
        "INSERT INTO insights(object_id, metric, value) VALUES (?1, ?2, ?3) ON CONFLICT(object_id, metric) DO UPDATE SET value = excluded.value",
    )?;
    for (metric, value) in values {
        stmt.execute(params![object_id, metric, value])?;
    }
    Ok(())
}

/// The staged values of a media or an account.
pub fn insights(c: &Connection, object_id: &str) -> StoreResult<HashMap<String, i64>> {
    let mut stmt = c.prepare_cached("SELECT metric, value FROM insights WHERE object_id = ?1")?;
    let rows = stmt.query_map([object_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
