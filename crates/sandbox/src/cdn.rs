//! The CDN host (`scontent.cdninstagram.com` in production): published media's bytes, at the
//! URLs `hosts::media_url` and `hosts::thumbnail_url` give.
//!
//! A URL names the media and the first characters of its stored bytes' hash
//! (`{base}/scontent.cdninstagram.com/v/t51.2885-15/{media-id}_{hash}_n.jpg`), so it stops
//! working when the media is deleted, and a URL from before a reset never serves another
//! media's bytes. `_n` is the media itself, `_t` a video's thumbnail: its `cover_url` image, or
//! a placeholder frame (the sandbox does not decode video, so it cannot take a frame at
//! `thumb_offset`; the placeholder is a plain dark 360x640 JPEG and says nothing about the
//! video).

use std::sync::Arc;

use axum::http::HeaderMap;
use axum::response::Response;
use instapub_errors::{placeholder, Id};
use instapub_rules::MediaType;

use crate::app::App;
use crate::error::ApiError;
use crate::hosts::{cdn_tag, CDN, CDN_FOLDER};
use crate::store;
use crate::store::blobs::Blob;

/// Served at a video's `thumbnail_url` when it has no cover.
const PLACEHOLDER_THUMBNAIL: &[u8] = include_bytes!("../assets/video-thumbnail.jpg");
/// Served as every profile picture nobody staged (a plain 200x200 square).
const AVATAR: &[u8] = include_bytes!("../assets/avatar.jpg");

/// `GET /scontent.cdninstagram.com/v/t51.2885-15/{file}`.
pub async fn handle(app: Arc<App>, file: &str, headers: &HeaderMap) -> Response {
    let profile = app.config.profile;
    let not_found = || {
        ApiError::new(Id::MediaBytesNotFound)
            .with(placeholder::PATH, format!("/{CDN}/{CDN_FOLDER}/{file}"))
            .into_response_with(profile)
    };
    let Some((id, tag_given, which)) = parse_file(file) else {
        return not_found();
    };
    let id = id.to_owned();
    if which == Which::Avatar {
        let found = app.store.lookup(move |c| store::node(c, &id)).await;
        return match found {
            Ok(Some(_)) => {
                let blob = Blob::Memory(bytes::Bytes::from_static(AVATAR));
                crate::runtime::ranged::serve(blob, "image/jpeg", headers, profile).await
            }
            Ok(None) => not_found(),
            Err(e) => crate::error::store_failed(e).into_response_with(profile),
        };
    }
    let thumbnail = which == Which::Thumbnail;
    let found = app.store.lookup(move |c| store::media(c, &id)).await;
    let media = match found {
        Ok(Some(m)) => m,
        Ok(None) => return not_found(),
        Err(e) => return crate::error::store_failed(e).into_response_with(profile),
    };
    if media.blob.as_deref().map(cdn_tag) != Some(tag_given) {
        return not_found();
    }
    let (blob, content_type) = match (thumbnail, media.media_type) {
        (false, _) => match media.blob.as_deref().and_then(|b| app.blobs.get(b)) {
            Some(blob) => {
                let kind = sniff(&blob).await;
                (blob, kind)
            }
            None => return not_found(),
        },
        (true, MediaType::Video) => {
            let cover = media.thumb_blob.as_deref().and_then(|b| app.blobs.get(b));
            match cover {
                Some(blob) => {
                    let kind = sniff(&blob).await;
                    (blob, kind)
                }
                None => (
                    Blob::Memory(bytes::Bytes::from_static(PLACEHOLDER_THUMBNAIL)),
                    "image/jpeg",
                ),
            }
        }
        (true, _) => return not_found(),
    };
    crate::runtime::ranged::serve(blob, content_type, headers, profile).await
}

/// What a CDN file name asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Media,
    Thumbnail,
    Avatar,
}

/// `{id}_{tag}_{n|t|a}.{ext}`: the id, the hash tag, and what is asked.
fn parse_file(file: &str) -> Option<(&str, &str, Which)> {
    let (stem, _ext) = file.rsplit_once('.')?;
    let mut parts = stem.split('_');
    let (id, tag, which) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match which {
        "n" => Some((id, tag, Which::Media)),
        "t" => Some((id, tag, Which::Thumbnail)),
        "a" => Some((id, tag, Which::Avatar)),
        _ => None,
    }
}

/// The content type of stored bytes, from their first bytes.
async fn sniff(blob: &Blob) -> &'static str {
    let head: Vec<u8> = match blob {
        Blob::Memory(b) => b.slice(..b.len().min(16)).to_vec(),
        Blob::File { path, .. } => {
            use tokio::io::AsyncReadExt;
            let mut buf = vec![0u8; 16];
            let n = match tokio::fs::File::open(path).await {
                Ok(mut f) => f.read(&mut buf).await.unwrap_or(0),
                Err(_) => 0,
            };
            buf.truncate(n);
            buf
        }
    };
    match head.as_slice() {
        [0xFF, 0xD8, ..] => "image/jpeg",
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => "image/webp",
        [_, _, _, _, b'f', b't', b'y', b'p', b'q', b't', ..] => "video/quicktime",
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => "video/mp4",
        [0x1A, 0x45, 0xDF, 0xA3, ..] => "video/webm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            parse_file("17900000000000001_0123456789ab_n.jpg"),
            Some(("17900000000000001", "0123456789ab", Which::Media))
        );
        assert_eq!(parse_file("1_x_t.jpg"), Some(("1", "x", Which::Thumbnail)));
        assert_eq!(parse_file("1_p_a.jpg"), Some(("1", "p", Which::Avatar)));
        for bad in [
            "",
            "1_x_n",
            "a_x_n.jpg",
            "1_x_q.jpg",
            "1_x_n_n.jpg",
            "_x_n.jpg",
            "../1_x_n.jpg",
        ] {
            assert_eq!(parse_file(bad), None, "{bad}");
        }
    }
}
