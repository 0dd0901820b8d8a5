//! The receiving side of Instagram webhooks: check a delivery's signature over the raw bytes,
//! then read it into typed events.
//!
//! ```
//! use instapub_client::webhooks::{self, Change};
//!
//! # let (secret, raw) = ("app-secret", br#"{"object":"instagram","entry":[]}"#.as_slice());
//! # let header = format!("sha256={}", webhooks::sign(secret, raw));
//! // `raw` is the request body exactly as it arrived: never a re-serialised JSON value.
//! webhooks::verify(secret, raw, &header)?;
//! for entry in webhooks::parse(raw)?.entry {
//!     for change in entry.changes {
//!         if let Change::Comments(c) = change {
//!             println!("{} commented {:?} on {}", c.from.username, c.text, c.media.id);
//!         }
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Meta signs the body as it sends it, escaped (`\u00e4`, `\/`, `\u0040`): a handler that
//! parses and serialises the JSON again computes the HMAC of other bytes and fails on the
//! first comment with an accent or an `@`. Hand [`verify`] the raw bytes.

use hmac::Mac;
use serde::Deserialize;
use serde_json::Value;

/// The largest body [`parse`] reads (Meta batches up to 1000 changes; that is well under it).
pub const MAX_BODY_BYTES: usize = 8 << 20;

/// Why a delivery was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WebhookError {
    #[error("no X-Hub-Signature-256 header (expected \"sha256=<hex>\")")]
    MissingSignature,
    #[error("the signature header is not \"sha256=<64 hex digits>\"")]
    MalformedSignature,
    #[error("the signature does not match the body: check the app secret, and that the raw body is verified, not a re-serialised one")]
    BadSignature,
    #[error("the body is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    #[error("the body is not a webhook notification: {0}")]
    NotANotification(String),
}

/// Hex HMAC-SHA256 of `body` keyed by the app secret: what `X-Hub-Signature-256` carries
/// after `sha256=`.
pub fn sign(app_secret: &str, body: &[u8]) -> String {
    hex(&mac(app_secret, body).finalize().into_bytes())
}

fn mac(app_secret: &str, body: &[u8]) -> hmac::Hmac<sha2::Sha256> {
    // HMAC takes a key of any length.
    let mut m = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(app_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    m.update(body);
    m
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks `X-Hub-Signature-256` (`sha256=<hex>`) against the raw body, in constant time.
pub fn verify(app_secret: &str, raw_body: &[u8], header: &str) -> Result<(), WebhookError> {
    let header = header.trim();
    if header.is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let digest = header
        .strip_prefix("sha256=")
        .filter(|h| h.len() == 64)
        .and_then(decode_hex)
        .ok_or(WebhookError::MalformedSignature)?;
    mac(app_secret, raw_body)
        .verify_slice(&digest)
        .map_err(|_| WebhookError::BadSignature)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A delivery: `{"object": "instagram", "entry": [...]}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Notification {
    pub object: String,
    #[serde(default)]
    pub entry: Vec<Entry>,
}

/// The changes of one object (an Instagram professional account: `id` is its id).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Entry {
    pub id: String,
    /// When Meta sent it: seconds for `changes`.
    pub time: i64,
    #[serde(default)]
    pub changes: Vec<Change>,
    /// With Include Values off: the names of the changed fields only.
    #[serde(default)]
    pub changed_fields: Vec<String>,
}

/// One change, by field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
pub enum Change {
    Comments(Comment),
    LiveComments(Comment),
    Mentions(Mention),
    StoryInsights(StoryInsights),
    /// A field this module does not type (messaging fields, ...), kept as it came.
    #[serde(untagged)]
    Other {
        field: String,
        value: Value,
    },
}

/// A comment (or reply) on the account's media, or one that mentions it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Comment {
    pub id: String,
    pub text: String,
    pub from: From,
    pub media: MediaRef,
    /// Set on a reply: the comment it answers.
    pub parent_id: Option<String>,
}

/// Who wrote a comment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct From {
    pub id: String,
    pub username: String,
}

/// The media a comment is on.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MediaRef {
    pub id: String,
    pub media_product_type: Option<String>,
}

/// The account was @mentioned: in a comment (`comment_id`) or a caption (`media_id` alone).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Mention {
    pub media_id: String,
    pub comment_id: Option<String>,
}

/// A story's insights after it ended; counts under 5 come as -1.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StoryInsights {
    pub media_id: String,
    #[serde(flatten)]
    pub metrics: std::collections::BTreeMap<String, i64>,
}

/// Reads a delivery's body (after [`verify`]). serde_json limits nesting to 128 levels; the
/// length is capped here.
pub fn parse(raw_body: &[u8]) -> Result<Notification, WebhookError> {
    if raw_body.len() > MAX_BODY_BYTES {
        return Err(WebhookError::TooLarge);
    }
    serde_json::from_slice(raw_body).map_err(|e| WebhookError::NotANotification(e.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn verifies_over_the_raw_bytes_only() {
        let raw = br#"{"object":"instagram","entry":[{"id":"1","time":5,"changes":[{"field":"comments","value":{"id":"9","text":"Sch\u00f6n","from":{"id":"2","username":"ana"},"media":{"id":"3","media_product_type":"FEED"}}}]}]}"#;
        let header = format!("sha256={}", sign("s", raw));
        assert_eq!(verify("s", raw, &header), Ok(()));
        assert_eq!(verify("t", raw, &header), Err(WebhookError::BadSignature));
        let again = serde_json::to_vec(&serde_json::from_slice::<Value>(raw).unwrap()).unwrap();
        assert_eq!(
            verify("s", &again, &header),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(verify("s", raw, ""), Err(WebhookError::MissingSignature));
        assert_eq!(
            verify("s", raw, "sha1=abc"),
            Err(WebhookError::MalformedSignature)
        );
        let n = parse(raw).unwrap();
        let Change::Comments(c) = &n.entry[0].changes[0] else {
            panic!("{n:?}");
        };
        assert_eq!(c.text, "Schön");
        assert_eq!(c.from.username, "ana");
    }

    #[test]
    fn unknown_fields_are_kept_and_junk_is_refused() {
        let raw = br#"{"object":"instagram","entry":[{"id":"1","time":5,"changes":[{"field":"messages","value":{"mid":"x"}}]}]}"#;
        let n = parse(raw).unwrap();
        assert!(
            matches!(&n.entry[0].changes[0], Change::Other { field, .. } if field == "messages")
        );
        assert!(parse(b"[1,2").is_err());
        assert!(parse(&vec![b' '; MAX_BODY_BYTES + 1]).is_err());
    }
}
