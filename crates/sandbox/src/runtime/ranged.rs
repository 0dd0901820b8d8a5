//! Answers a GET for stored bytes (a hosted file, a published media's bytes): all of them, or
//! the one `Range` asked for (RFC 9110 §14), streamed from disk when they live there.
//!
//! A range that asks for no byte the file has is 416 with a Graph envelope naming the file's
//! length; several ranges, or a header that is not a well-formed byte range, may be ignored
//! (§14.2), and are: the whole file is sent.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use instapub_errors::{placeholder, Id, Profile};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::error::ApiError;
use crate::store::blobs::Blob;

/// The response for `blob`, honouring the request's `Range`.
pub async fn serve(
    blob: Blob,
    content_type: &str,
    headers: &HeaderMap,
    profile: Profile,
) -> Response {
    let total = blob.len();
    let asked = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, start, end) = match asked.map(|r| (r, byte_range(r, total))) {
        Some((_, Some(Ok((start, end))))) => (StatusCode::PARTIAL_CONTENT, start, end),
        Some((asked, Some(Err(())))) => {
            let mut r = ApiError::new(Id::RangeNotSatisfiable)
                .with(
                    placeholder::RANGE,
                    asked.chars().take(100).collect::<String>(),
                )
                .with(placeholder::SIZE, total.to_string())
                .into_response_with(profile);
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{total}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
        // No Range, or one this server may ignore: all of it.
        _ => (StatusCode::OK, 0, total.saturating_sub(1)),
    };
    let len = if total == 0 { 0 } else { end - start + 1 };
    let body = match blob {
        Blob::Memory(bytes) => Body::from(bytes.slice(start as usize..(start + len) as usize)),
        Blob::File { path, .. } => match open_at(&path, start).await {
            Ok(file) => Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
                file.take(len),
                64 * 1024,
            )),
            Err(e) => {
                tracing::error!(path = %path.display(), error = %e, "stored bytes unreadable");
                return ApiError::new(Id::ServiceUnavailable).into_response_with(profile);
            }
        },
    };
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    crate::guard::file_headers(h);
    if status == StatusCode::PARTIAL_CONTENT {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{total}")) {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    response
}

async fn open_at(path: &std::path::Path, start: u64) -> std::io::Result<tokio::fs::File> {
    let mut file = tokio::fs::File::open(path).await?;
    file.seek(std::io::SeekFrom::Start(start)).await?;
    Ok(file)
}

/// A single `bytes=` range of a `total`-byte file as inclusive offsets: `None` when the header
/// may be ignored (not one well-formed byte range), `Some(Err(()))` when it asks for no byte
/// the file has (RFC 9110, 14.1.2).
pub fn byte_range(header: &str, total: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = header.trim().strip_prefix("bytes=")?.trim();
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let number = |s: &str| -> Option<Option<u64>> {
        let s = s.trim();
        if s.is_empty() {
            Some(None)
        } else if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok().map(Some)
        } else {
            None
        }
    };
    match (number(first)?, number(last)?) {
        (Some(a), last) => {
            if last.is_some_and(|b| b < a) {
                return None;
            }
            if a >= total {
                return Some(Err(()));
            }
            Some(Ok((a, last.unwrap_or(u64::MAX).min(total - 1))))
        }
        (None, Some(n)) => {
            if n == 0 || total == 0 {
                return Some(Err(()));
            }
            Some(Ok((total.saturating_sub(n), total - 1)))
        }
        (None, None) => None,
    }
}
