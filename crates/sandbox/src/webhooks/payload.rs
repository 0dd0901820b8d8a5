//! What a delivery's body looks like: the fields an `instagram` subscription takes, each
//! change's `value` in its documented real shape, and the body of a delivery, serialized as Meta escapes it (`instapub_errors::envelope::
//! WebhookFormatter`: `\/`, `\u0040`, non-ASCII as lowercase `\uXXXX`).
//!
//! Shapes (`shared/reference/webhooks-and-versions.md` §1.5, §1.6): a bare object
//! `{"object":"instagram","entry":[{"id","time","changes":[{"field","value"}]}]}`, `time` in
//! seconds for `changes`; with Include Values off, `changed_fields` (names) instead of
//! `changes`.

use serde::Serialize;
use serde_json::{json, Value};

use crate::store::webhooks::Change;
use crate::store::{Comment, Media};

/// The fields of the `instagram` object an app may subscribe to (Meta's fields table).
pub const INSTAGRAM_FIELDS: &[&str] = &[
    "comments",
    "live_comments",
    "mentions",
    "story_insights",
    "messages",
    "message_reactions",
    "messaging_postbacks",
    "messaging_referral",
    "messaging_seen",
    "message_echoes",
    "messaging_handover",
    "messaging_optins",
    "standby",
];

/// The objects `/{app-id}/subscriptions` takes: Meta's reference lists the first four;
/// `instagram`, which the reference says only the App Dashboard sets, is what tools send
/// (n8n's Facebook Trigger) and what Instagram's fields belong to.
pub const OBJECTS: &[&str] = &["instagram", "page", "user", "permissions", "payments"];

/// The Page fields `/{page-id}/subscribed_apps` takes, in the order Meta's refusal lists them
/// (restfb/restfb#1210, the start of the list; Instagram's own fields are not among them).
pub const PAGE_FIELDS: &[&str] = &[
    "feed",
    "mention",
    "name",
    "picture",
    "category",
    "description",
    "conversations",
    "branded_camera",
    "feature_access_list",
    "inbox_labels",
    "standby",
    "message_mention",
    "messages",
    "message_reactions",
    "messaging_account_linking",
    "messaging_checkout_updates",
    "messaging_customer_information",
    "message_echoes",
    "message_deliveries",
    "messaging_game_plays",
    "messaging_optins",
    "messaging_optouts",
    "messaging_payments",
    "messaging_postbacks",
    "messaging_pre_checkouts",
    "message_reads",
    "messaging_referrals",
    "messaging_handovers",
    "messaging_policy_enforcement",
    "messaging_page_feedback",
    "messaging_appointments",
    "messaging_direct_sends",
    "messaging_fblogin_account_linking",
    "user_action",
    "messaging_feedback",
    "leadgen",
];

/// `{a, b, c}`: how Meta's "must be one of" lists allowed values.
pub fn one_of(values: &[&str]) -> String {
    format!("one of {{{}}}", values.join(", "))
}

/// A `comments` (or `live_comments`) change's value: the comment, who wrote it, its media.
pub fn comment_value(k: &Comment, media: &Media) -> Value {
    let mut v = json!({
        "id": k.id,
        "from": { "id": k.from_id, "username": k.username },
        "text": k.text,
        "media": { "id": media.id, "media_product_type": media.media_product_type.to_string() },
    });
    if let (Some(parent), Some(o)) = (&k.parent_id, v.as_object_mut()) {
        o.insert("parent_id".into(), json!(parent));
    }
    v
}

/// A `mentions` change's value: in a comment, the comment and its media; in a caption, the
/// media alone.
pub fn mention_value(comment_id: Option<&str>, media_id: &str) -> Value {
    match comment_id {
        Some(k) => json!({ "comment_id": k, "media_id": media_id }),
        None => json!({ "media_id": media_id }),
    }
}

/// The metrics a `story_insights` change carries (Meta's documented sample; values under 5
/// are sent as -1).
pub const STORY_METRICS: &[&str] = &[
    "exits",
    "replies",
    "reach",
    "taps_forward",
    "taps_back",
    "impressions",
];

/// A `story_insights` change's value from a story's insight values.
pub fn story_insights_value(media_id: &str, values: &[(String, i64)]) -> Value {
    let mut v = serde_json::Map::new();
    v.insert("media_id".into(), json!(media_id));
    for metric in STORY_METRICS {
        let n = values
            .iter()
            .find(|(m, _)| m == metric)
            .map_or(0, |(_, n)| *n);
        v.insert((*metric).into(), json!(if n < 5 { -1 } else { n }));
    }
    Value::Object(v)
}

/// The App Dashboard's Test-button sample for a field, in its own shape: fixed values no real
/// account has (`from.id` 232323232, `media.id` 123123123 ...), `entry.id` "0", and for
/// `messages` the messaging event inside `changes` (real ones come as `messaging[]`).
pub fn test_sample(field: &str) -> Option<Value> {
    Some(match field {
        "comments" | "live_comments" => json!({
            "from": { "id": "232323232", "username": "test" },
            "media": { "id": "123123123", "media_product_type": "FEED" },
            "id": "17865799348089039",
            "parent_id": "1231231234",
            "text": "This is an example.",
        }),
        "mentions" => json!({ "media_id": "17887498072083520", "comment_id": "17887498072083520" }),
        "story_insights" => json!({
            "media_id": "17887498072083520",
            "impressions": 444, "reach": 44, "taps_forward": 4, "taps_back": 3,
            "exits": 3, "replies": 0,
        }),
        "messages" => json!({
            "sender": { "id": "12334" },
            "recipient": { "id": "23245" },
            "timestamp": "1527459824",
            "message": { "mid": "random_mid", "text": "random_text" },
        }),
        _ => return None,
    })
}

/// A Test-button delivery's body: one change of the sample, `entry.id` "0".
pub fn test_body(field: &str, value: Value, now_s: i64) -> String {
    serialize(&Body {
        object: "instagram",
        entry: vec![Entry {
            id: "0",
            time: now_s,
            changes: Some(vec![ChangeOut { field, value }]),
            changed_fields: None,
        }],
    })
}

#[derive(Serialize)]
struct Body<'a> {
    object: &'a str,
    entry: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Vec<ChangeOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changed_fields: Option<Vec<&'a str>>,
}

#[derive(Serialize)]
struct ChangeOut<'a> {
    field: &'a str,
    value: Value,
}

/// A delivery's body from its changes, entries in order of their first change; `time` is
/// when it is sent (seconds). `include_values: false` sends field names only.
pub fn body(object: &str, changes: &[Change], include_values: bool, now_s: i64) -> String {
    let mut entries: Vec<Entry> = Vec::new();
    for k in changes {
        let i = match entries.iter().position(|e| e.id == k.entry_id) {
            Some(i) => i,
            None => {
                entries.push(Entry {
                    id: &k.entry_id,
                    time: now_s,
                    changes: include_values.then(Vec::new),
                    changed_fields: (!include_values).then(Vec::new),
                });
                entries.len() - 1
            }
        };
        let e = &mut entries[i];
        if let Some(list) = &mut e.changes {
            list.push(ChangeOut {
                field: &k.field,
                value: serde_json::from_str(&k.value).unwrap_or(Value::Null),
            });
        }
        if let Some(names) = &mut e.changed_fields {
            if !names.contains(&k.field.as_str()) {
                names.push(&k.field);
            }
        }
    }
    serialize(&Body {
        object,
        entry: entries,
    })
}

/// JSON text as Meta writes webhook bodies.
pub fn serialize<T: Serialize>(value: &T) -> String {
    let mut buf = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(
        &mut buf,
        instapub_errors::envelope::WebhookFormatter,
    );
    if value.serialize(&mut ser).is_err() {
        return String::from("{}");
    }
    // The formatter writes only ASCII.
    String::from_utf8(buf).unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn change(entry: &str, field: &str, value: Value) -> Change {
        Change {
            id: 0,
            app_id: "1".into(),
            object: "instagram".into(),
            version: "v25.0".into(),
            entry_id: entry.into(),
            field: field.into(),
            value: value.to_string(),
            created_at: 0,
        }
    }

    #[test]
    fn story_insights_hide_counts_under_five() {
        let v = story_insights_value("7", &[("reach".into(), 17), ("replies".into(), 2)]);
        assert_eq!(v["reach"], 17);
        assert_eq!(v["replies"], -1);
        assert_eq!(v["media_id"], "7");
    }

    #[test]
    fn bodies_group_changes_by_entry_and_escape_as_meta_does() {
        let changes = [
            change("1", "comments", json!({"text": "äöå @you http://x/"})),
            change("2", "mentions", json!({"media_id": "9"})),
            change("1", "comments", json!({"text": "again"})),
        ];
        let text = body("instagram", &changes, true, 1_520_622_968);
        assert_eq!(
            text,
            r#"{"object":"instagram","entry":[{"id":"1","time":1520622968,"changes":[{"field":"comments","value":{"text":"\u00e4\u00f6\u00e5 \u0040you http:\/\/x\/"}},{"field":"comments","value":{"text":"again"}}]},{"id":"2","time":1520622968,"changes":[{"field":"mentions","value":{"media_id":"9"}}]}]}"#
        );
        // The escaped text is the same JSON.
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed["entry"][0]["changes"][0]["value"]["text"],
            "äöå @you http://x/"
        );
        let names = body("instagram", &changes, false, 5);
        assert_eq!(
            names,
            r#"{"object":"instagram","entry":[{"id":"1","time":5,"changed_fields":["comments"]},{"id":"2","time":5,"changed_fields":["mentions"]}]}"#
        );
    }
}
