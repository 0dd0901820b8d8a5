//! Events, from the sandbox's own state: called inside the transaction that makes the change,
//! they put one change per subscribed app in the outbox (`store::webhooks`).
//!
//! Who gets a change about an Instagram account: every app installed on it (Instagram Login,
//! `/{ig-user-id}/subscribed_apps`, which must list the field) or on a Page linked to it
//! (Facebook Login, `/{page-id}/subscribed_apps`, whose Page fields do not filter Instagram's),
//! whose active `instagram` subscription has the field. `entry.id` is the Instagram account's
//! id under both logins (the sandbox gives an account one id; Meta's Instagram Login has a
//! second, `user_id`, which is the one webhooks carry).
//!
//! Mentions: a comment or caption naming `@username` of a sandbox account other than the
//! media's owner is a `mentions` change for that account under Facebook Login (Meta's
//! documented shape); under Instagram Login, where mentions "arrive inside `comments`", the
//! comment is a `comments` change for it. A caption mention is sent under Facebook Login only.

use rusqlite::Connection;
use serde_json::Value;

use super::payload;
use crate::store::webhooks::{
    self as hooks, enqueue_change, installs_reaching, subscription, Login,
};
use crate::store::{self, Comment, Media, StoreError};

/// The object Instagram's fields belong to.
pub const OBJECT: &str = "instagram";

const BOTH: &[Login] = &[Login::Facebook, Login::Instagram];

/// The most `@mentions` of one text that become notifications.
const MAX_MENTIONS: usize = 20;

/// A comment (or reply) was added, by anyone.
pub fn comment_created(
    c: &Connection,
    k: &Comment,
    media: &Media,
    now: i64,
) -> Result<(), StoreError> {
    comment_to(c, "comments", k, media, now)
}

/// A comment on a live broadcast was added.
pub fn live_comment_created(
    c: &Connection,
    k: &Comment,
    media: &Media,
    now: i64,
) -> Result<(), StoreError> {
    comment_to(c, "live_comments", k, media, now)
}

fn comment_to(
    c: &Connection,
    field: &str,
    k: &Comment,
    media: &Media,
    now: i64,
) -> Result<(), StoreError> {
    let value = payload::comment_value(k, media);
    to_account(c, &media.account_id, field, &value, BOTH, now)?;
    for mentioned in mentioned(c, &k.text, &media.account_id)? {
        let mention = payload::mention_value(Some(&k.id), &media.id);
        to_account(c, &mentioned, "mentions", &mention, &[Login::Facebook], now)?;
        to_account(c, &mentioned, field, &value, &[Login::Instagram], now)?;
    }
    Ok(())
}

/// A media was published (or staged) with a caption: its `@mentions`.
pub fn media_created(c: &Connection, media: &Media, now: i64) -> Result<(), StoreError> {
    let Some(caption) = media.caption.as_deref() else {
        return Ok(());
    };
    for mentioned in mentioned(c, caption, &media.account_id)? {
        let mention = payload::mention_value(None, &media.id);
        to_account(c, &mentioned, "mentions", &mention, &[Login::Facebook], now)?;
    }
    Ok(())
}

/// A story's insights, once it has ended (Facebook Login only, as Meta sends them).
pub fn story_insights(
    c: &Connection,
    media: &Media,
    values: &[(String, i64)],
    now: i64,
) -> Result<(), StoreError> {
    let value = payload::story_insights_value(&media.id, values);
    to_account(
        c,
        &media.account_id,
        "story_insights",
        &value,
        &[Login::Facebook],
        now,
    )
}

/// How long after it was posted a story's insights are sent: its 24 hours, then "about one
/// hour after the story expires" (Meta's webhooks guide).
pub const STORY_INSIGHTS_AFTER_MS: i64 = 25 * 3_600_000;

/// Sends the insights of every story whose time came by `now` (once each); how many.
pub fn stories_ended(c: &Connection, now: i64) -> Result<usize, StoreError> {
    let ended = hooks::stories_due(c, now.saturating_sub(STORY_INSIGHTS_AFTER_MS))?;
    for id in &ended {
        hooks::mark_story_sent(c, id)?;
        if let Some(media) = store::media(c, id)? {
            let mut values: Vec<(String, i64)> = store::insights(c, id)?.into_iter().collect();
            values.sort();
            story_insights(c, &media, &values, now)?;
        }
    }
    Ok(ended.len())
}

/// When the next unsent story's insights are due, if any story waits.
pub fn next_story_due(c: &Connection) -> Result<Option<i64>, StoreError> {
    Ok(hooks::oldest_unsent_story(c)?.map(|at| at.saturating_add(STORY_INSIGHTS_AFTER_MS)))
}

/// Puts `field`'s change about `account_id` in the outbox of every app that takes it through
/// one of `logins` (once per app, however many of its installs reach the account).
fn to_account(
    c: &Connection,
    account_id: &str,
    field: &str,
    value: &Value,
    logins: &[Login],
    now: i64,
) -> Result<(), StoreError> {
    let installs = installs_reaching(c, account_id)?;
    if installs.is_empty() {
        return Ok(());
    }
    let text = value.to_string();
    let mut done: Vec<&str> = Vec::new();
    for i in &installs {
        if !logins.contains(&i.login) || done.contains(&i.app_id.as_str()) {
            continue;
        }
        if i.login == Login::Instagram && !i.subscribed_fields.iter().any(|f| f == field) {
            continue;
        }
        let Some(sub) = subscription(c, &i.app_id, OBJECT)? else {
            continue;
        };
        let Some(f) = sub.field(field).filter(|_| sub.active) else {
            continue;
        };
        enqueue_change(
            c, &i.app_id, OBJECT, &f.version, account_id, field, &text, now,
        )?;
        done.push(&i.app_id);
    }
    Ok(())
}

/// The sandbox accounts `text` names as `@username`, other than `owner`, each once.
fn mentioned(c: &Connection, text: &str, owner: &str) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    if !text.contains('@') {
        return Ok(out);
    }
    for name in mention_names(text).take(MAX_MENTIONS) {
        if let Some(a) = store::account_by_username(c, name)? {
            if a.id != owner && !out.contains(&a.id) {
                out.push(a.id);
            }
        }
    }
    Ok(out)
}

/// The `@name` tokens of a text (Instagram usernames: letters, digits, `_` and `.`, at most
/// 30), without a trailing dot.
fn mention_names(text: &str) -> impl Iterator<Item = &str> {
    text.split('@').skip(1).filter_map(|rest| {
        let end = rest
            .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.'))
            .unwrap_or(rest.len());
        let name = rest[..end].trim_end_matches('.');
        (!name.is_empty() && name.len() <= 30).then_some(name)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::mention_names;

    #[test]
    fn mentions_are_usernames_after_at_signs() {
        let names: Vec<&str> =
            mention_names("hi @ana.b, and @bo_1. mail@x @ @toolong_toolong_toolong_toolong_x")
                .collect();
        assert_eq!(names, ["ana.b", "bo_1", "x"]);
    }
}
