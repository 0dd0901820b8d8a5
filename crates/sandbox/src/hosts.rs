//! The URL vocabulary: the Meta host names the sandbox answers as (`{base}/{host}/...`), the
//! Graph version it speaks, and the CDN URLs it hands out. Everything that spells a host or
//! builds one of these URLs reads it here, so the route table and the handlers agree.

use instapub_rules::MediaType;

use crate::store::Media;

/// The Graph API version of the URLs the sandbox writes (paging links, upload URIs, the
/// OpenAPI servers). Requests may name any version, or none.
pub const GRAPH_VERSION: &str = "v25.0";

/// Facebook's Graph host; `{base}` alone means it too.
pub const GRAPH_FACEBOOK: &str = "graph.facebook.com";
/// Instagram Login's Graph host, with its own error dialect.
pub const GRAPH_INSTAGRAM: &str = "graph.instagram.com";
/// Instagram's token exchange (`/oauth/access_token`), with its own error shape.
pub const API_INSTAGRAM: &str = "api.instagram.com";
/// Facebook Login's consent dialog.
pub const WWW_FACEBOOK: &str = "www.facebook.com";
/// Instagram Login's consent page.
pub const WWW_INSTAGRAM: &str = "www.instagram.com";
/// The resumable-upload host.
pub const RUPLOAD: &str = "rupload.facebook.com";
/// The CDN that serves published media's bytes.
pub const CDN: &str = "scontent.cdninstagram.com";

/// Every Meta host the sandbox serves, as `{base}/{host}`.
pub const ALL: &[&str] = &[
    GRAPH_FACEBOOK,
    GRAPH_INSTAGRAM,
    API_INSTAGRAM,
    WWW_FACEBOOK,
    WWW_INSTAGRAM,
    RUPLOAD,
    CDN,
];

/// The login hosts: consent pages and api.instagram.com's exchange.
pub const LOGIN: &[&str] = &[API_INSTAGRAM, WWW_FACEBOOK, WWW_INSTAGRAM];

/// The folder segments every CDN URL has (Instagram's look like `v/t51.2885-15`).
pub const CDN_FOLDER: &str = "v/t51.2885-15";
/// Hash characters in a CDN URL.
const TAG_LEN: usize = 12;

/// The profile picture of a Facebook user, a Page or an Instagram account.
pub fn avatar_url(base: &str, id: &str) -> String {
    format!("{base}/{CDN}/{CDN_FOLDER}/{id}_p_a.jpg")
}

/// Where `media_url` points, when the media's bytes are stored. The URL names the first
/// characters of the bytes' hash, so it stops working when the media is deleted.
pub fn media_url(base: &str, m: &Media) -> Option<String> {
    let blob = m.blob.as_deref()?;
    let ext = if m.media_type == MediaType::Video {
        "mp4"
    } else {
        "jpg"
    };
    Some(format!(
        "{base}/{CDN}/{CDN_FOLDER}/{}_{}_n.{ext}",
        m.id,
        cdn_tag(blob)
    ))
}

/// Where `thumbnail_url` points: videos with stored bytes only, as on Instagram.
pub fn thumbnail_url(base: &str, m: &Media) -> Option<String> {
    if m.media_type != MediaType::Video {
        return None;
    }
    let blob = m.blob.as_deref()?;
    Some(format!(
        "{base}/{CDN}/{CDN_FOLDER}/{}_{}_t.jpg",
        m.id,
        cdn_tag(blob)
    ))
}

/// The part of a blob's hash a CDN URL carries.
pub fn cdn_tag(blob: &str) -> &str {
    blob.get(..TAG_LEN).unwrap_or(blob)
}
