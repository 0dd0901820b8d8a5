//! Rendering catalog entries into the exact JSON envelope Meta sends.
//!
//! [`CatalogError`] is what the rest of the project passes around: an entry id plus the values
//! for its `{placeholders}`. [`CatalogError::render`] turns it into an [`Envelope`], whose
//! [`Envelope::to_json`] writes Meta's key order, field presence and escaping.

use std::io;

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

pub use crate::template::{placeholder_names, render_template};

use crate::catalog::{Entry, Id};
use crate::entry::{Host, Profile};

/// Placeholder names used in the catalog's templates, as constants so callers don't retype them.
pub mod placeholder {
    pub const VIDEO_LENGTH: &str = "video-length";
    pub const MEDIA_ID: &str = "media-id";
    pub const CREATION_ID: &str = "creation-id";
    pub const MEDIA_TYPE: &str = "media-type";
    pub const MAX_TAG_COUNT: &str = "max-tag-count";
    pub const VIDEO: &str = "video";
    pub const URI: &str = "uri";
    pub const SIZE: &str = "size";
    pub const CURRENT_IMAGE_FORMAT: &str = "current-image-format";
    pub const FORMAT: &str = "format";
    pub const SUBMITTED_RATIO: &str = "submitted-ratio";
    pub const SUBMITTED_CAPTION_LENGTH: &str = "submitted-caption-length";
    pub const MAXIMUM_CAPTION_LENGTH: &str = "maximum-caption-length";
    pub const PARAM: &str = "param";
    pub const EXPECTED: &str = "expected";
    pub const METHOD: &str = "method";
    pub const NODE_ID: &str = "node-id";
    pub const EXPIRED_AT: &str = "expired-at";
    pub const NOW: &str = "now";
    pub const PATH: &str = "path";
    pub const FIELD: &str = "field";
    pub const NODE_TYPE: &str = "node-type";
    pub const REASON: &str = "reason";
    pub const OFFSET: &str = "offset";
    pub const RECEIVED: &str = "received";
    pub const RANGE: &str = "range";
    pub const LIMIT: &str = "limit";
    pub const SECONDS: &str = "seconds";
    pub const POSITION: &str = "position";
    pub const FIELDS: &str = "fields";
    pub const METRIC: &str = "metric";
    pub const PERIOD: &str = "period";
    pub const HOST: &str = "host";
    pub const IDS: &str = "ids";
    pub const MAXIMUM: &str = "maximum";
    pub const PROVIDED: &str = "provided";
    pub const FEATURE: &str = "feature";
    pub const VERSION: &str = "version";

    /// Every placeholder the catalog may use.
    pub const ALL: &[&str] = &[
        VIDEO_LENGTH,
        MEDIA_ID,
        CREATION_ID,
        MEDIA_TYPE,
        MAX_TAG_COUNT,
        VIDEO,
        URI,
        SIZE,
        CURRENT_IMAGE_FORMAT,
        FORMAT,
        SUBMITTED_RATIO,
        SUBMITTED_CAPTION_LENGTH,
        MAXIMUM_CAPTION_LENGTH,
        PARAM,
        EXPECTED,
        METHOD,
        NODE_ID,
        EXPIRED_AT,
        NOW,
        PATH,
        FIELD,
        NODE_TYPE,
        REASON,
        OFFSET,
        RECEIVED,
        RANGE,
        LIMIT,
        SECONDS,
        POSITION,
        FIELDS,
        METRIC,
        PERIOD,
        HOST,
        IDS,
        MAXIMUM,
        PROVIDED,
        FEATURE,
        VERSION,
    ];
}

/// An error the project decided to return: a catalog entry and its placeholder values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogError {
    pub id: Id,
    pub params: Vec<(String, String)>,
    /// What really happened, for logs and people (a fetch's HTTP status, a refused
    /// connection); never part of the wire envelope, which says only what Meta says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl CatalogError {
    /// An error with no placeholder values yet.
    pub fn new(id: Id) -> Self {
        CatalogError {
            id,
            params: Vec::new(),
            detail: None,
        }
    }

    /// Adds what really happened (kept off the wire).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds a placeholder value (`name` without braces, e.g. [`placeholder::URI`]).
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.params.push((name.to_owned(), value.into()));
        self
    }

    /// The value given for a placeholder.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// This error's catalog entry.
    pub fn entry(&self) -> &'static Entry {
        self.id.entry()
    }

    /// The user message with placeholders filled in, under a profile.
    pub fn user_message(&self, profile: Profile) -> Option<String> {
        self.entry()
            .user_msg_for(profile)
            .map(|t| render_template(t, &self.params))
    }

    /// The full wire envelope under `profile`, as graph.facebook.com answers, with the given
    /// `fbtrace_id`.
    pub fn render(&self, profile: Profile, fbtrace_id: impl Into<String>) -> Envelope {
        self.render_on(profile, Host::Facebook, fbtrace_id)
    }

    /// The full wire envelope under `profile` as `host` answers it (graph.instagram.com's
    /// dialect: [`crate::OnInstagram`]).
    pub fn render_on(
        &self,
        profile: Profile,
        host: Host,
        fbtrace_id: impl Into<String>,
    ) -> Envelope {
        let e = self.entry();
        let fill = |t: &str| render_template(t, &self.params);
        Envelope {
            status: e.status_on(profile, host),
            message: fill(e.message_on(profile, host)),
            error_type: e.error_type_on(host).as_str().to_owned(),
            code: e.code_for(profile),
            error_data: e.error_data.and_then(|d| serde_json::from_str(d).ok()),
            error_subcode: e.subcode,
            is_transient: e.is_transient,
            transient_first: e.transient_first,
            error_user_title: e.user_title_for(profile).map(fill),
            error_user_msg: e.user_msg_for(profile).map(fill),
            fbtrace_id: fbtrace_id.into(),
        }
    }
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let e = self.entry();
        let text = self
            .user_message(Profile::Documented)
            .unwrap_or_else(|| render_template(e.message, &self.params));
        write!(f, "{} ({}): {}", e.id, e.key(), text)
    }
}

impl std::error::Error for CatalogError {}

/// A Graph error envelope ready for the wire: `{"error":{...}}` plus its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub status: u16,
    pub message: String,
    pub error_type: String,
    pub code: i64,
    /// `error_data`, written after `code` when present.
    pub error_data: Option<serde_json::Value>,
    pub error_subcode: Option<i64>,
    pub is_transient: Option<bool>,
    /// Put `is_transient` right after `type` (throttle and outage bodies).
    pub transient_first: bool,
    pub error_user_title: Option<String>,
    pub error_user_msg: Option<String>,
    pub fbtrace_id: String,
}

impl Envelope {
    /// The body exactly as Meta writes it: compact, Meta's key order, `/` escaped as `\/`
    /// and non-ASCII escaped as `\uXXXX` (PHP `json_encode` style).
    pub fn to_json(&self) -> String {
        let mut buf = Vec::with_capacity(256);
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, GraphFormatter);
        // Serializing owned strings and integers into a Vec cannot fail.
        if self.serialize(&mut ser).is_err() {
            return String::new();
        }
        // The formatter writes only ASCII.
        String::from_utf8(buf).unwrap_or_default()
    }
}

impl Envelope {
    /// The `WWW-Authenticate` header Graph sends with this error (RFC 6750 error names):
    /// `OAuth "Facebook Platform" "invalid_token" "message"` for token errors,
    /// `insufficient_scope` for permission errors, `invalid_request` for the rest.
    pub fn www_authenticate(&self) -> String {
        let kind = match self.code {
            104 | 190 => "invalid_token",
            10 | 200..=299 => "insufficient_scope",
            _ => "invalid_request",
        };
        // A header value: printable ASCII only, no quotes or backslashes, bounded. Written
        // into one buffer: this runs for every error answer.
        let mut out = String::with_capacity(48 + self.message.len().min(200));
        out.push_str(r#"OAuth "Facebook Platform" ""#);
        out.push_str(kind);
        out.push_str(r#"" ""#);
        let allowed = |c: char| (c.is_ascii_graphic() || c == ' ') && c != '"' && c != '\\';
        if self.message.len() <= 200 && self.message.chars().all(allowed) {
            out.push_str(&self.message);
        } else {
            out.extend(self.message.chars().filter(|c| allowed(*c)).take(200));
        }
        out.push('"');
        out
    }

    /// api.instagram.com's flat error shape (its token exchange and authorize errors):
    /// `{"error_type":"OAuthException","code":400,"error_message":"..."}`, `code` being the HTTP
    /// status.
    ///
    /// Written as Python's `json.dumps` writes it, with a space after `:` and `,`: every real
    /// capture of this host's errors is spaced (`{"error_type": "OAuthException", "code": 400,
    /// "error_message": "Invalid scope field(s): basic"}`, ilektrojohn/creepy#107 and others).
    pub fn to_instagram_oauth_json(&self) -> String {
        let text = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned());
        format!(
            "{{\"error_type\": {}, \"code\": {}, \"error_message\": {}}}",
            text(&self.error_type),
            self.status,
            text(&self.message)
        )
    }

    /// The resumable-upload (rupload) failure shape, as Meta documents it:
    /// `{"debug_info":{"retriable":false,"type":"ProcessingFailedError","message":"{\"success\":false,\"error\":{\"message\":\"...\"}}"}}`.
    pub fn to_upload_json(&self) -> String {
        // Structs, not `json!`: their key order does not depend on serde_json's features.
        #[derive(Serialize)]
        struct Message<'a> {
            message: &'a str,
        }
        #[derive(Serialize)]
        struct Failure<'a> {
            success: bool,
            error: Message<'a>,
        }
        #[derive(Serialize)]
        struct DebugInfo {
            retriable: bool,
            #[serde(rename = "type")]
            kind: &'static str,
            message: String,
        }
        #[derive(Serialize)]
        struct Body {
            debug_info: DebugInfo,
        }
        let inner = serde_json::to_string(&Failure {
            success: false,
            error: Message {
                message: &self.message,
            },
        })
        .unwrap_or_default();
        let body = Body {
            debug_info: DebugInfo {
                retriable: self.is_transient.unwrap_or(false),
                kind: "ProcessingFailedError",
                message: inner,
            },
        };
        let mut buf = Vec::with_capacity(256);
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, GraphFormatter);
        if body.serialize(&mut ser).is_err() {
            return String::new();
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}

struct Inner<'a>(&'a Envelope);

impl Serialize for Inner<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("message", &e.message)?;
        m.serialize_entry("type", &e.error_type)?;
        if e.transient_first {
            if let Some(t) = e.is_transient {
                m.serialize_entry("is_transient", &t)?;
            }
        }
        m.serialize_entry("code", &e.code)?;
        if let Some(d) = &e.error_data {
            m.serialize_entry("error_data", d)?;
        }
        if let Some(sc) = e.error_subcode {
            m.serialize_entry("error_subcode", &sc)?;
        }
        if !e.transient_first {
            if let Some(t) = e.is_transient {
                m.serialize_entry("is_transient", &t)?;
            }
        }
        if let Some(t) = &e.error_user_title {
            m.serialize_entry("error_user_title", t)?;
        }
        if let Some(t) = &e.error_user_msg {
            m.serialize_entry("error_user_msg", t)?;
        }
        m.serialize_entry("fbtrace_id", &e.fbtrace_id)?;
        m.end()
    }
}

impl Serialize for Envelope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("error", &Inner(self))?;
        m.end()
    }
}

/// serde_json formatter that escapes like Graph does: `/` as `\/`, non-ASCII as `\uXXXX`
/// (surrogate pairs above U+FFFF). serde_json has no such option, hence this small piece.
pub struct GraphFormatter;

impl serde_json::ser::Formatter for GraphFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_escaped(writer, fragment, b"/")
    }
}

/// serde_json formatter for webhook bodies, which Meta signs as "an escaped unicode version
/// of the payload, with lowercase hex digits": what [`GraphFormatter`] writes, and `@` as
/// `\u0040` too (seen in Graph answers and behind signature failures on messages holding an
/// `@`). A receiver that re-serialises the JSON before checking the signature fails on any of
/// these, as it does in production.
pub struct WebhookFormatter;

impl serde_json::ser::Formatter for WebhookFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_escaped(writer, fragment, b"/@")
    }
}

/// Writes `fragment` with `/` as `\/`, the other ASCII bytes of `extra` as `\u00XX` and
/// non-ASCII as `\uXXXX` (lowercase hex).
fn write_escaped<W: ?Sized + io::Write>(
    writer: &mut W,
    fragment: &str,
    extra: &[u8],
) -> io::Result<()> {
    // Most text (every error message the catalog writes) needs no escape at all.
    if !fragment
        .bytes()
        .any(|b| extra.contains(&b) || !b.is_ascii())
    {
        return writer.write_all(fragment.as_bytes());
    }
    let mut start = 0;
    for (i, c) in fragment.char_indices() {
        if c.is_ascii() && !extra.contains(&(c as u8)) {
            continue;
        }
        writer.write_all(&fragment.as_bytes()[start..i])?;
        if c == '/' {
            writer.write_all(b"\\/")?;
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
        }
        start = i + c.len_utf8();
    }
    writer.write_all(&fragment.as_bytes()[start..])
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// An `fbtrace_id` in the modern form: `A` followed by 22 base64url characters, built from 132
/// bits of caller-supplied randomness (this crate does no I/O and owns no RNG).
pub fn fbtrace_id(random: u128, extra: u8) -> String {
    let mut out = String::with_capacity(23);
    out.push('A');
    for i in 0..21 {
        let six = ((random >> (6 * i)) & 0x3f) as usize;
        out.push(char::from(BASE64URL[six]));
    }
    // 126 bits used; the last character takes the top 2 bits and 4 bits of `extra`.
    let last = (((random >> 126) as usize) << 4) | usize::from(extra & 0x0f);
    out.push(char::from(BASE64URL[last & 0x3f]));
    out
}

/// Whether a string has the modern `fbtrace_id` shape.
pub fn is_fbtrace_id(s: &str) -> bool {
    s.len() == 23
        && s.starts_with('A')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
