//! `GET /{ig-media-id}/insights` and `GET /{ig-user-id}/insights`: the metrics the current API
//! version (v25.0) accepts, where each applies, and Graph's errors when one does not.
//!
//! Values: likes and comments are counted from the media; everything else (reach, views,
//! saves, follower counts...) is what the control plane staged (`PATCH /_sandbox/media/{id}`,
//! `PATCH /_sandbox/accounts/{id}` with `insights`), zero when nothing was, so a scenario always
//! gives the same numbers. Account values are staged per day: a range of N days reports N
//! times the value.
//!
//! Not emulated: breakdowns (`breakdown` is ignored) and the audience-demographics metrics,
//! which answer an empty data set (what Graph answers for an account under 100 followers).

use std::collections::HashMap;

use instapub_errors::{placeholder, Id};
use instapub_rules::ProductType;
use serde_json::{json, Value};

use rusqlite::Connection;

use super::fields::Field;
use super::wire::graph_timestamp;
use crate::error::{invalid, required, store_failed, ApiError, ApiResult};
use crate::params::Params;
use crate::store::{self, Account, Media, MEDIA_METRICS, USER_METRICS};

/// The metrics of each product type (Meta's Media Insights table).
const FEED: &[&str] = &[
    "comments",
    "facebook_views",
    "follows",
    "likes",
    "profile_activity",
    "profile_visits",
    "reach",
    "reposts",
    "saved",
    "shares",
    "total_interactions",
    "views",
    "total_comments",
    "total_likes",
    "total_views",
];
const REELS: &[&str] = &[
    "comments",
    "crossposted_views",
    "facebook_views",
    "ig_reels_avg_watch_time",
    "ig_reels_video_view_total_time",
    "likes",
    "reach",
    "reels_skip_rate",
    "reposts",
    "saved",
    "shares",
    "total_interactions",
    "views",
    "total_comments",
    "total_likes",
    "total_views",
];
const STORY: &[&str] = &[
    "facebook_views",
    "follows",
    "navigation",
    "profile_activity",
    "profile_visits",
    "reach",
    "replies",
    "reposts",
    "shares",
    "total_interactions",
    "views",
    "total_views",
];

/// Account metrics that are totals over the range: `period=day` and `metric_type=total_value`.
const USER_TOTALS: &[&str] = &[
    "accounts_engaged",
    "total_interactions",
    "likes",
    "comments",
    "shares",
    "saves",
    "replies",
    "views",
    "follows_and_unfollows",
    "profile_links_taps",
    "profile_views",
    "website_clicks",
    "reposts",
];

const DAY_S: i64 = 86_400;
/// The longest since..until range.
const MAX_RANGE_S: i64 = 30 * DAY_S;
/// Graph's day boundary: midnight Pacific, written as 07:00 UTC.
const DAY_END_OFFSET_S: i64 = 7 * 3600;

/// A metric list as sent: `a,b` or a JSON array (Meta's Python SDK sends `["a","b"]`).
pub fn metric_list(text: &str) -> Vec<String> {
    if let Ok(list) = serde_json::from_str::<Vec<String>>(text) {
        return list;
    }
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn unknown_metric(i: usize, known: &[&str]) -> ApiError {
    ApiError::new(Id::InsightsMetricUnknown)
        .with(placeholder::POSITION, i.to_string())
        .with(placeholder::EXPECTED, known.join(", "))
}

/// `insights.metric(reach,likes)` inside a media's `fields`.
pub fn media_expansion(c: &Connection, m: &Media, f: &Field) -> ApiResult<Value> {
    let metrics = f.modifier("metric").map(metric_list).unwrap_or_default();
    media(c, m, &metrics)
}

/// The metrics of a media, or the first error Graph gives for them.
pub fn media(c: &Connection, m: &Media, metrics: &[String]) -> ApiResult<Value> {
    if metrics.is_empty() {
        return Err(required("metric"));
    }
    for (i, name) in metrics.iter().enumerate() {
        if !MEDIA_METRICS.contains(&name.as_str()) {
            return Err(unknown_metric(i, MEDIA_METRICS));
        }
    }
    if m.parent_id.is_some() {
        return Err(ApiError::new(Id::InsightsCarouselChild));
    }
    let (allowed, noun) = match m.media_product_type {
        ProductType::Reels => (REELS, "reel"),
        ProductType::Story => (STORY, "story"),
        ProductType::Feed | ProductType::Ad => (FEED, "post"),
    };
    for name in metrics {
        if name == "impressions" && m.media_product_type != ProductType::Reels {
            return Err(ApiError::new(Id::InsightsImpressionsRetired));
        }
        if !allowed.contains(&name.as_str()) {
            return Err(ApiError::new(Id::InsightsMetricUnsupported)
                .with(placeholder::METRIC, name.as_str()));
        }
    }
    let staged = store::insights(c, &m.id).map_err(store_failed)?;
    let counted = |metric: &str| staged.get(metric).copied();
    let comments = store::comments_count(c, &m.id).map_err(store_failed)?;
    let likes = counted("likes").unwrap_or(m.like_count);
    let comments = counted("comments").unwrap_or(comments);
    let value = |metric: &str| -> i64 {
        match metric {
            "likes" | "total_likes" => likes,
            "comments" | "total_comments" => comments,
            "total_interactions" => counted(metric).unwrap_or_else(|| {
                likes + comments + counted("saved").unwrap_or(0) + counted("shares").unwrap_or(0)
            }),
            "total_views" => counted(metric).unwrap_or_else(|| counted("views").unwrap_or(0)),
            other => counted(other).unwrap_or(0),
        }
    };
    // A story's numbers are withheld until five accounts have seen it.
    if m.media_product_type == ProductType::Story && value("reach") < 5 {
        return Err(ApiError::new(Id::InsightsNotEnoughViewers));
    }
    let data: Vec<Value> = metrics
        .iter()
        .map(|name| {
            let (title, description) = media_text(name, noun);
            json!({
                "name": name,
                "period": "lifetime",
                "values": [{ "value": value(name) }],
                "title": title,
                "description": description,
                "id": format!("{}/insights/{name}/lifetime", m.id),
            })
        })
        .collect();
    Ok(json!({ "data": data }))
}

/// A media metric's title and description, as Graph words them for reels (the wording Meta's
/// v25.0 answers show); posts and stories get the same sentences with their noun.
fn media_text(metric: &str, noun: &str) -> (String, String) {
    let (title, description): (&str, String) = match metric {
        "reach" => ("Accounts reached", format!("The number of unique accounts that have seen this {noun}, at least once. Reach is different from impressions, which may include multiple views of your {noun} by the same accounts. This metric is estimated.")),
        "saved" => ("Saved", format!("The number of saves of your {noun}.")),
        "likes" | "total_likes" => ("Likes", format!("The number of likes on your {noun}.")),
        "comments" | "total_comments" => ("Comments", format!("The number of comments on your {noun}.")),
        "shares" => ("Shares", format!("The number of shares of your {noun}.")),
        "total_interactions" if noun == "reel" => ("Reels interactions", "The number of likes, saves, comments and shares on your reels minus the number of unlikes, unsaves and deleted comments.".to_owned()),
        "total_interactions" => ("Interactions", format!("The number of likes, saves, comments and shares on your {noun} minus the number of unlikes, unsaves and deleted comments.")),
        "views" | "total_views" => ("Views", format!("The number of times your {noun} was played or displayed.")),
        "follows" => ("Follows", format!("The number of accounts that started following you from your {noun}.")),
        "profile_visits" => ("Profile visits", format!("The number of times your profile was visited from your {noun}.")),
        "profile_activity" => ("Profile activity", format!("The number of actions people took on your profile after engaging with your {noun}.")),
        "navigation" => ("Navigation", format!("The number of forward, back, exit and next-story actions on your {noun}.")),
        "replies" => ("Replies", format!("The number of replies to your {noun}.")),
        "reposts" => ("Reposts", format!("The number of reposts of your {noun}.")),
        "ig_reels_avg_watch_time" => ("Average watch time", format!("The average time your {noun} was played, in milliseconds.")),
        "ig_reels_video_view_total_time" => ("Watch time", format!("The total time your {noun} was played, in milliseconds.")),
        "reels_skip_rate" => ("Skip rate", format!("The percentage of views of your {noun} skipped in the first three seconds.")),
        "facebook_views" => ("Facebook views", format!("The number of times your {noun} was played or displayed on Facebook.")),
        "crossposted_views" => ("Crossposted views", format!("The number of times your {noun} was played or displayed on Instagram and Facebook.")),
        _ => ("", String::new()),
    };
    (title.to_owned(), description)
}

/// An account-insights request.
pub struct UserQuery {
    pub metrics: Vec<String>,
    pub period: Option<String>,
    pub metric_type: Option<String>,
    /// Unix seconds.
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// The query paging URLs repeat (metric, period, metric_type, the token).
    pub carry: Vec<(String, String)>,
}

impl UserQuery {
    pub fn from_params(params: &Params) -> ApiResult<UserQuery> {
        let keep = [
            "metric",
            "period",
            "metric_type",
            "access_token",
            "breakdown",
        ];
        Ok(UserQuery {
            metrics: params
                .str("metric")
                .map(|m| metric_list(&m))
                .unwrap_or_default(),
            period: params.str("period"),
            metric_type: params.str("metric_type"),
            since: params.i64("since")?,
            until: params.i64("until")?,
            carry: keep
                .iter()
                .filter_map(|k| params.str(k).map(|v| ((*k).to_owned(), v)))
                .collect(),
        })
    }
}

/// The metrics of an account over a range, or the first error Graph gives for them.
/// `base` is the sandbox's URL (for paging links), `now_ms` the virtual time.
pub fn user(
    c: &Connection,
    base: &str,
    now_ms: i64,
    a: &Account,
    q: &UserQuery,
) -> ApiResult<Value> {
    if q.metrics.is_empty() {
        return Err(required("metric"));
    }
    let Some(period) = q.period.as_deref() else {
        return Err(required("period"));
    };
    for (i, name) in q.metrics.iter().enumerate() {
        if !USER_METRICS.contains(&name.as_str()) {
            return Err(unknown_metric(i, USER_METRICS));
        }
    }
    let total_value = match q.metric_type.as_deref() {
        None | Some("time_series") | Some("default") => false,
        Some("total_value") => true,
        Some(_) => return Err(invalid("metric_type", "time_series or total_value")),
    };
    for name in &q.metrics {
        let periods: &[&str] = match name.as_str() {
            "reach" => &["day", "week", "days_28"],
            "online_followers" => &["lifetime"],
            n if n.ends_with("demographics") => &["lifetime"],
            _ => &["day"],
        };
        if !periods.contains(&period) {
            return Err(ApiError::new(Id::InsightsPeriodIncompatible)
                .with(placeholder::PERIOD, period)
                .with(placeholder::METRIC, name.as_str()));
        }
    }
    let need_total: Vec<&str> = q
        .metrics
        .iter()
        .map(String::as_str)
        .filter(|m| USER_TOTALS.contains(m))
        .collect();
    if !total_value && !need_total.is_empty() {
        return Err(ApiError::new(Id::InsightsNeedsTotalValue)
            .with(placeholder::METRIC, need_total.join(", ")));
    }
    let now_s = now_ms.div_euclid(1000);
    let until = q.until.unwrap_or(now_s);
    let since = q.since.unwrap_or(until - DAY_S);
    if since > until {
        return Err(invalid("since", "a time before until"));
    }
    if until - since > MAX_RANGE_S {
        return Err(ApiError::new(Id::InsightsRangeTooLong));
    }
    let staged: HashMap<String, i64> = store::insights(c, &a.id).map_err(store_failed)?;
    let per_day = |m: &str| staged.get(m).copied().unwrap_or(0);
    let days = ((until - since + DAY_S - 1) / DAY_S).max(1);
    // Day ends (midnight Pacific as Graph writes it) after `since`, up to `until`.
    let first_end = (since - DAY_END_OFFSET_S).div_euclid(DAY_S) * DAY_S + DAY_S + DAY_END_OFFSET_S;
    let ends: Vec<i64> = (0..days).map(|i| first_end + i * DAY_S).collect();
    let mut data = Vec::new();
    for name in &q.metrics {
        if name.contains("demographics") || name.starts_with("threads_") {
            continue;
        }
        let id = format!("{}/insights/{name}/{period}", a.id);
        let (title, description) = user_text(name);
        let mut entry =
            json!({ "name": name, "period": period, "title": title, "description": description });
        if name == "online_followers" {
            let hours: serde_json::Map<String, Value> = (0..24)
                .map(|h| (h.to_string(), json!(per_day(name))))
                .collect();
            let end = ends.last().copied().unwrap_or(first_end);
            entry["values"] = json!([{ "value": hours, "end_time": graph_timestamp(end * 1000) }]);
        } else if total_value {
            entry["total_value"] = json!({ "value": per_day(name) * days });
        } else {
            let span = match period {
                "week" => 7,
                "days_28" => 28,
                _ => 1,
            };
            entry["values"] = ends
                .iter()
                .map(|end| json!({ "value": per_day(name) * span, "end_time": graph_timestamp(end * 1000) }))
                .collect();
        }
        entry["id"] = json!(id);
        data.push(entry);
    }
    let window = until - since;
    let link = |s: i64, u: i64| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, val) in &q.carry {
            query.append_pair(k, val);
        }
        query.append_pair("since", &s.to_string());
        query.append_pair("until", &u.to_string());
        format!(
            "{base}/{}/{}/insights?{}",
            crate::hosts::GRAPH_VERSION,
            a.id,
            query.finish()
        )
    };
    Ok(json!({
        "data": data,
        "paging": {
            "previous": link(since - window, since),
            "next": link(until, until + window),
        }
    }))
}

fn user_text(metric: &str) -> (&'static str, &'static str) {
    match metric {
        "reach" => ("Reach", "Total number of times the Business Account's media objects have been uniquely viewed"),
        "follower_count" => ("Follower Count", "Total number of unique accounts following this profile"),
        "online_followers" => ("Online Followers", "Total number of this profile's followers that were online during the specified period"),
        "likes" => ("Likes", "The number of likes on your posts, reels and videos."),
        "comments" => ("Comments", "The number of comments on your posts, reels, videos and live videos."),
        "saves" => ("Saves", "The number of saves of your posts, reels and videos."),
        "shares" => ("Shares", "The number of shares of your posts, stories, reels, videos and live videos."),
        "replies" => ("Replies", "The number of replies you received from your story, including text replies and quick reaction replies."),
        "reposts" => ("Reposts", "The number of times your content was reposted."),
        "accounts_engaged" => ("Accounts engaged", "The number of accounts that have interacted with your content, including in ads."),
        "total_interactions" => ("Content interactions", "The total number of post interactions, story interactions, reels interactions, video interactions and live video interactions, including any interactions on boosted content."),
        "views" => ("Views", "The number of times your content was played or displayed."),
        "profile_views" => ("Profile Views", "Total number of users who have viewed the Business Account's profile within the specified period"),
        "website_clicks" => ("Website Clicks", "Total number of taps on the website link in this profile"),
        "profile_links_taps" => ("Profile links taps", "The number of taps on your business address, call button, email button and text button."),
        "follows_and_unfollows" => ("Follows and unfollows", "The number of accounts that followed you and the number of accounts that unfollowed you or left Instagram in the selected time period."),
        _ => ("", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_lists_come_as_commas_or_json() {
        assert_eq!(metric_list("reach, likes"), ["reach", "likes"]);
        assert_eq!(metric_list(r#"["reach","saved"]"#), ["reach", "saved"]);
        assert!(metric_list(" , ").is_empty());
    }

    #[test]
    fn every_product_type_metric_is_a_known_metric() {
        for m in FEED.iter().chain(REELS).chain(STORY) {
            assert!(MEDIA_METRICS.contains(m), "{m}");
            assert!(!media_text(m, "post").0.is_empty(), "{m} has a title");
        }
        for m in USER_TOTALS
            .iter()
            .chain(&["reach", "follower_count", "online_followers"])
        {
            assert!(USER_METRICS.contains(m), "{m}");
            assert!(!user_text(m).0.is_empty(), "{m} has a title");
        }
    }
}
