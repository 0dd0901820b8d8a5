//! Staged insight values: what `/{ig-media-id}/insights` and `/{ig-user-id}/insights` report
//! for a metric nothing else determines (reach, views, saves...). Media values are lifetime
//! totals; account values are per day.

use std::collections::HashMap;

use rusqlite::{params, Connection};

use super::conn::StoreResult;

/// Every media metric v25.0 knows, in the order its error lists them.
pub const MEDIA_METRICS: &[&str] = &[
    "impressions",
    "reach",
    "replies",
    "saved",
    "likes",
    "comments",
    "shares",
    "total_interactions",
    "follows",
    "profile_visits",
    "profile_activity",
    "navigation",
    "ig_reels_video_view_total_time",
    "ig_reels_avg_watch_time",
    "views",
    "reels_skip_rate",
    "reposts",
    "facebook_views",
    "crossposted_views",
    "total_views",
    "total_likes",
    "total_comments",
    "link_clicks",
];

/// Every account metric v25.0 knows, in the order its error lists them.
pub const USER_METRICS: &[&str] = &[
    "reach",
    "follower_count",
    "website_clicks",
    "profile_views",
    "online_followers",
    "accounts_engaged",
    "total_interactions",
    "likes",
    "comments",
    "shares",
    "saves",
    "replies",
    "engaged_audience_demographics",
    "reached_audience_demographics",
    "follower_demographics",
    "follows_and_unfollows",
    "profile_links_taps",
    "views",
    "threads_likes",
    "threads_replies",
    "reposts",
    "quotes",
    "threads_followers",
    "threads_follower_demographics",
    "content_views",
    "threads_views",
    "threads_clicks",
    "threads_reposts",
];

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
