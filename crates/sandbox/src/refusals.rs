//! hyper's own refusals, answered with Graph envelopes.
//!
//! Some requests never reach the service: a request line or header hyper cannot parse
//! (conflicting `Content-Length`, obs-fold, a NUL, HTTP/0.9, a TLS ClientHello: 400), a URI
//! longer than `http::Uri` holds (over 64 KiB: 414), more head than hyper buffers (431). hyper
//! answers those itself, with an empty body, and offers no hook to change that. So the
//! connection's writes pass through [`Enveloped`], which recognises that one answer (a head
//! with status 400, 414 or 431, `content-length: 0`, written alone, as the first write after
//! request bytes were read: the service never writes an error without a body, and a piece of
//! a streamed body follows a write, not a read) and writes the catalog's envelope in its place.
//!
//! Hand-written because no crate does this: it is a shim around hyper's missing hook.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use instapub_errors::{placeholder, Id, Profile};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::{new_trace_id, ApiError};

/// The longest request URI (path and query) read; longer ones get a 414 envelope.
pub const MAX_URI_BYTES: usize = 32 * 1024;
/// The most header lines, and header bytes, read; more get a 431 envelope.
pub const MAX_HEADERS: usize = 100;
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// hyper's own limits sit above ours, so that up to them every refusal is our envelope
/// (hyper's own 431 has no body). Past them (128 header lines, 1 MiB of request head) hyper
/// still answers by itself, and `crate::refusals` puts an envelope in its answer. Any explicit
/// header count makes hyper allocate the header
/// index per request; 128 keeps that allocation small (bench/sandbox measured 1,024 at about
/// 5% of the status-read rate).
pub const HYPER_MAX_HEADERS: usize = 128;

/// An IO that rewrites hyper's bodiless refusals (see the module's documentation). It wraps
/// the socket (tokio's traits, so it can see how many bytes a read brought).
pub struct Enveloped<T> {
    inner: T,
    profile: Profile,
    /// Bytes of a rewritten answer still to be written.
    pending: Vec<u8>,
    sent: usize,
    /// Whether request bytes arrived since the last write: hyper's refusal is the first write
    /// after the bytes it could not parse.
    read_since_write: bool,
}

impl<T> Enveloped<T> {
    pub fn new(inner: T, profile: Profile) -> Self {
        Enveloped {
            inner,
            profile,
            pending: Vec::new(),
            sent: 0,
            read_since_write: false,
        }
    }
}

/// The envelope answer for a head hyper wrote by itself, or `None` for any other write.
pub fn replacement(buf: &[u8], profile: Profile) -> Option<Vec<u8>> {
    if !buf.ends_with(b"\r\n\r\n") || buf.len() > 512 {
        return None;
    }
    let head = std::str::from_utf8(buf).ok()?;
    let status_line = head.lines().next()?;
    let status: u16 = status_line
        .strip_prefix("HTTP/1.1 ")?
        .get(..3)?
        .parse()
        .ok()?;
    let empty = head
        .lines()
        .any(|l| l.eq_ignore_ascii_case("content-length: 0"));
    if !empty {
        return None;
    }
    let error = match status {
        400 => ApiError::new(Id::RequestMalformed).with(
            placeholder::REASON,
            "the request line or a header is not valid HTTP/1.1 (conflicting or negative \
             Content-Length, a folded or NUL-carrying header, a request that is not HTTP/1.x)",
        ),
        414 => ApiError::new(Id::UriTooLong)
            .with(placeholder::SIZE, "more than 65534")
            .with(placeholder::LIMIT, MAX_URI_BYTES.to_string()),
        431 => ApiError::new(Id::HeadersTooLarge).with(
            placeholder::REASON,
            format!(
                "more than {} header lines or 1 MiB of request head, at most {} lines and {} bytes",
                HYPER_MAX_HEADERS, MAX_HEADERS, MAX_HEADER_BYTES
            ),
        ),
        _ => return None,
    };
    let envelope = error.0.render(profile, new_trace_id());
    let body = envelope.to_json();
    let reason = match status {
        400 => "Bad Request",
        414 => "URI Too Long",
        _ => "Request Header Fields Too Large",
    };
    let date = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("date:"))
        .map(|l| format!("{l}\r\n"))
        .unwrap_or_default();
    Some(
        format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json; charset=UTF-8\r\n\
             x-fb-trace-id: {}\r\nconnection: close\r\ncontent-length: {}\r\n{date}\r\n{body}",
            envelope.fbtrace_id,
            body.len()
        )
        .into_bytes(),
    )
}

impl<T: AsyncWrite + Unpin> Enveloped<T> {
    /// Writes what is left of a rewritten answer; `Ready(Ok)` once it is all out.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            let n = std::task::ready!(
                Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.sent..])
            )?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.pending.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Enveloped<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.read_since_write = true;
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Enveloped<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // A rewritten answer goes out before anything else.
        std::task::ready!(this.drain(cx))?;
        let after_read = std::mem::take(&mut this.read_since_write);
        if let Some(answer) = after_read.then(|| replacement(buf, this.profile)).flatten() {
            this.pending = answer;
            this.sent = 0;
            // The whole head counts as written; the envelope goes out in its place.
            return match this.drain(cx) {
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                _ => Poll::Ready(Ok(buf.len())),
            };
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_shutdown(cx),
            other => other,
        }
    }

    /// Vectored as the socket is (hyper then queues a head and its body without copying); a
    /// refusal's head is one buffer alone either way.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut filled = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (filled.next(), filled.next()) {
            return self.poll_write(cx, only);
        }
        let this = self.get_mut();
        // A rewritten answer goes out before anything else.
        std::task::ready!(this.drain(cx))?;
        this.read_since_write = false;
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_bodiless_refusals_are_replaced() {
        let hyper_400 = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: Thu, 03 Dec 2026 12:00:00 GMT\r\n\r\n";
        let out = replacement(hyper_400, Profile::Documented).expect("replaced");
        let text = String::from_utf8(out).expect("utf-8");
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        let v: serde_json::Value = serde_json::from_str(body).expect("json");
        assert_eq!(v["error"]["code"], 100, "{v}");
        for (status, code) in [(414, 100), (431, 100)] {
            let head = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\n\r\n");
            let out = replacement(head.as_bytes(), Profile::Documented).expect("replaced");
            let text = String::from_utf8(out).expect("utf-8");
            let body = text.split_once("\r\n\r\n").expect("body").1;
            let v: serde_json::Value = serde_json::from_str(body).expect("json");
            assert_eq!(v["error"]["code"], code);
        }
        // Our own answers: a body follows, or a success, or a write that is not a head alone.
        for other in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-length: 57\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{}",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"\x89PNG\r\n\r\n",
        ] {
            assert!(
                replacement(other, Profile::Documented).is_none(),
                "{other:?}"
            );
        }
    }
}
