//! The publishing quota's count for the check every publish makes, kept in memory.
//!
//! Counting an account's API posts of the last 24 h in SQL walks one index entry per post: fine
//! at Instagram's quotas, but a test that raises the quota and publishes thousands of posts made
//! each publish slower than the last while it held the writer (issue 18's create+publish p99).
//! Here each account's publish times of the last day are kept sorted, so the count is two
//! binary searches.
//!
//! The index is used only inside the writer's transactions ([`super::publish`]), which are
//! serialised, and it checks itself against the database before each use: the newest API post
//! it knows must be the database's newest (one indexed lookup). Only a publish adds API posts,
//! and it records the post here after its commit; anything else that changes them (a reset)
//! makes the check fail and the account's times are read again.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::conn::{one, StoreResult};
use super::containers::DAY_MS;

/// How long past the window a publish time is kept (a step back of the machine's clock up to
/// this is still counted right).
const KEEP_MS: i64 = 60 * 60 * 1000;

/// See the module docs. Cheap to clone; clones share the index.
#[derive(Debug, Clone, Default)]
pub struct QuotaIndex {
    accounts: Arc<Mutex<HashMap<String, Known>>>,
}

/// What the index knows of one account.
#[derive(Debug)]
struct Known {
    /// The newest API post, `(published_at, id)`, when the times were read or last recorded.
    newest: Option<(i64, String)>,
    /// Publish times of the account's API posts within a day of the last count, ascending.
    times: VecDeque<i64>,
}

/// The account's newest API post, by the quota index of the `media` table.
fn newest(c: &Connection, account_id: &str) -> StoreResult<Option<(i64, String)>> {
    one(
        c,
        "SELECT published_at, id FROM media WHERE account_id = ?1 AND via_api = 1 ORDER BY published_at DESC, rowid DESC LIMIT 1",
        [account_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

fn times_since(c: &Connection, account_id: &str, after: i64) -> StoreResult<VecDeque<i64>> {
    let mut stmt = c.prepare_cached(
        "SELECT published_at FROM media WHERE account_id = ?1 AND via_api = 1 AND published_at > ?2 ORDER BY published_at",
    )?;
    let rows = stmt.query_map(rusqlite::params![account_id, after], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl QuotaIndex {
    /// API posts by `account_id` in the 24 h window ending at `now`: what
    /// [`super::quota_usage`] counts.
    pub fn usage(&self, c: &Connection, account_id: &str, now: i64) -> StoreResult<u32> {
        let from = now - DAY_MS;
        let newest = newest(c, account_id)?;
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        let current = accounts.get(account_id).is_some_and(|k| k.newest == newest);
        if !current {
            let times = times_since(c, account_id, from - KEEP_MS)?;
            accounts.insert(account_id.to_owned(), Known { newest, times });
        }
        let Some(known) = accounts.get_mut(account_id) else {
            return Ok(0);
        };
        // The virtual clock only moves forward (a reset empties the table), but the machine's
        // clock under it may be stepped back: times are let go an hour after they leave the
        // window, and the count looks at the window only.
        while known.times.front().is_some_and(|t| *t <= from - KEEP_MS) {
            known.times.pop_front();
        }
        let older = known.times.partition_point(|t| *t <= from);
        let upto = known.times.partition_point(|t| *t <= now);
        Ok(u32::try_from(upto - older).unwrap_or(u32::MAX))
    }

    /// A publish by `account_id` committed post `id` at `at`.
    pub fn published(&self, account_id: &str, id: &str, at: i64) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(known) = accounts.get_mut(account_id) {
            let at_or_after = known.times.partition_point(|t| *t <= at);
            known.times.insert(at_or_after, at);
            known.newest = Some((at, id.to_owned()));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::config::Db;
    use crate::store::{insert_account, quota_usage, Store};

    fn post(c: &Connection, id: &str, account: &str, at: i64) {
        c.execute(
            "INSERT INTO media(id, account_id, media_type, media_product_type, via_api, published_at) VALUES (?1, ?2, 'IMAGE', 'FEED', 1, ?3)",
            rusqlite::params![id, account, at],
        )
        .unwrap();
    }

    #[tokio::test]
    async fn the_index_counts_what_sql_counts_and_notices_a_reset() {
        let store = Store::open(&Db::Memory).unwrap();
        store
            .write(|c| {
                let a = insert_account(c, "a", 100, 0)?.id;
                let b = insert_account(c, "b", 100, 0)?.id;
                let index = QuotaIndex::default();
                // Posts before the index first looks, at the window's edges, and another
                // account's.
                post(c, "1", &a, 1_000);
                post(c, "2", &a, DAY_MS);
                post(c, "3", &b, DAY_MS);
                for now in [DAY_MS, DAY_MS + 999, DAY_MS + 1_000, DAY_MS + 1_001] {
                    assert_eq!(
                        index.usage(c, &a, now)?,
                        quota_usage(c, &a, now, None)?,
                        "at {now}"
                    );
                }
                // Publishes recorded after their commit, several in one millisecond.
                let mut now = DAY_MS + 2_000;
                for i in 10..40 {
                    assert_eq!(index.usage(c, &a, now)?, quota_usage(c, &a, now, None)?);
                    post(c, &i.to_string(), &a, now);
                    index.published(&a, &i.to_string(), now);
                    now += i % 3;
                }
                assert_eq!(index.usage(c, &a, now)?, 31);
                assert_eq!(index.usage(c, &b, now)?, 1);
                let later = DAY_MS * 2 + 2_010;
                assert_eq!(index.usage(c, &a, later)?, quota_usage(c, &a, later, None)?);
                // The machine's clock stepped back half an hour: still the SQL count.
                let back = later - 30 * 60 * 1000;
                assert_eq!(index.usage(c, &a, back)?, quota_usage(c, &a, back, None)?);
                assert_eq!(index.usage(c, &a, now)?, quota_usage(c, &a, now, None)?);
                // A reset empties the table behind the index's back; then the same ids return.
                c.execute("DELETE FROM media", [])?;
                assert_eq!(index.usage(c, &a, now)?, 0);
                post(c, "10", &a, now);
                index.published(&a, "10", now);
                assert_eq!(index.usage(c, &a, now)?, 1);
                // A post the index was not told of is noticed.
                post(c, "11", &a, now + 1);
                assert_eq!(index.usage(c, &a, now + 1)?, 2);
                Ok(())
            })
            .await
            .unwrap();
    }
}
