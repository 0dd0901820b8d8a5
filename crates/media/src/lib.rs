//! # instapub-media: image and video facts from headers, never a full decode
//!
//! Everything instapub decides about a media file (the sandbox's checks, `instapub check`, the
//! rules crate) comes from the facts this crate reads out of a file's first bytes: format, pixel
//! size, orientation, duration, codecs, frame rate, audio. Nothing is decoded.
//!
//! Three ways in, all sharing one parser:
//! - [`probe_bytes`]: the whole file (or a prefix of it) in memory;
//! - [`probe_read`] / [`probe_read_seek`]: a sync reader, read in chunks only as far as needed,
//!   seeking past `mdat` to a trailing `moov` when the source can seek;
//! - [`Prober`]: push-style; feed it chunks from any source (an async HTTP download) and stop
//!   the download as soon as it answers [`Step::Done`] or [`Step::Error`]. A movie whose `moov`
//!   follows a large `mdat` gives [`ProbeError::NeedsSeek`] (with the offset for a ranged
//!   request), unless [`Prober::read_through`] lets it count and discard the `mdat` of a
//!   download that is read to its end anyway.
//!
//! Every result carries `bytes_read`. Nothing panics on hostile bytes, and no allocation is sized
//! from a length found in the data: buffers grow only with bytes actually received, up to the
//! caller's cap.
//!
//! Layout: one private module per format family (`jpeg`, `png`, `gif`, `webp`, `bmp`, `tiff`,
//! `isobmff` for MP4/MOV/3GP and HEIF/AVIF, `avi` and `matroska` for the video containers
//! Instagram refuses but whose facts we still read, `containers` for recognising the others),
//! [`facts`] for the public types and [`prober`] for the drivers.
//!
//! ```
//! use instapub_media::{probe_bytes, MediaFacts};
//!
//! // A 1x1 GIF header is enough.
//! let probe = probe_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00").expect("probe");
//! let MediaFacts::Image(img) = probe.facts else { panic!("not an image") };
//! assert_eq!((img.width, img.height), (1, 1));
//! ```
//!
//! Why not `imagesize` / `mp4parse`: `imagesize` gives pixel size only (no EXIF orientation, no
//! MPO, no progressive flag or colour model), and `mp4parse` wants a `Read` of the whole `moov`
//! and allocates tables from box counts; neither is push-driven nor reports how far it read. The
//! header layouts we need are small, so each parser here is a few hundred lines of bounds-checked
//! slice reading.

mod avi;
mod bmp;
mod bytes;
mod containers;
pub mod facts;
mod gif;
mod isobmff;
mod jpeg;
mod matroska;
mod png;
pub mod prober;
mod tiff;
mod webp;

pub use facts::{
    AudioCodec, AudioFacts, Colour, ColourModel, ContainerKind, ImageFacts, ImageFormat,
    MediaFacts, Probe, VideoCodec, VideoContainer, VideoFacts,
};
pub use prober::{probe_bytes, probe_read, probe_read_seek, Prober, Step, DEFAULT_CAP};

/// Why a probe gave no facts.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The input had no bytes at all.
    #[error("the input is empty")]
    Empty,
    /// The input ended before the facts were known.
    #[error("the {format} data ends before its header is complete")]
    Truncated {
        /// The format recognised from the signature.
        format: &'static str,
    },
    /// The header contradicts itself or its format.
    #[error("corrupt {format} data: {what}")]
    Corrupt {
        /// The format recognised from the signature.
        format: &'static str,
        /// What was wrong.
        what: &'static str,
    },
    /// The facts lie further into the file than the caller's cap allows.
    #[error("the facts need {needed} bytes, more than the cap of {cap}")]
    TooLarge {
        /// The caller's cap in bytes.
        cap: u64,
        /// Bytes the parser would need at least.
        needed: u64,
    },
    /// The `moov` box comes after `mdat` and the source cannot seek (or the cap stops reading
    /// through `mdat`); a ranged request from `offset` would find it.
    #[error("the movie header (moov) follows the media data; it needs a seek to byte {offset}")]
    NeedsSeek {
        /// Where the next top-level box after `mdat` starts.
        offset: u64,
    },
    /// The reader failed.
    #[error("reading the media failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Internal parse outcome other than facts: the parsers work on a prefix of the file and say
/// how much more they need.
#[derive(Debug)]
pub(crate) enum Halt {
    /// The prefix must be at least this long (absolute offset) to go on.
    Need(u64),
    /// The next interesting byte is at this absolute offset, past a large box (`mdat`): a
    /// seekable source seeks, a stream reads through it if the cap allows.
    Skip(u64),
    /// A final error.
    Fail(ProbeError),
}

impl From<ProbeError> for Halt {
    fn from(e: ProbeError) -> Self {
        Halt::Fail(e)
    }
}

pub(crate) type Parse<T> = Result<T, Halt>;

/// `Corrupt` error shorthand.
pub(crate) fn corrupt(format: &'static str, what: &'static str) -> Halt {
    Halt::Fail(ProbeError::Corrupt { format, what })
}

/// Need `n` bytes of the prefix; at end of input that is a truncation.
pub(crate) fn need(format: &'static str, n: u64, eof: bool) -> Halt {
    if eof {
        Halt::Fail(ProbeError::Truncated { format })
    } else {
        Halt::Need(n)
    }
}

/// Recognise the format from the signature and run its parser over the prefix `buf`
/// (`eof`: `buf` is the whole file).
pub(crate) fn dispatch(buf: &[u8], eof: bool) -> Parse<MediaFacts> {
    if buf.is_empty() {
        return Err(if eof {
            Halt::Fail(ProbeError::Empty)
        } else {
            Halt::Need(1)
        });
    }
    // 12 bytes decide every signature we know; wait for them unless the file is shorter.
    if buf.len() < 12 && !eof {
        return Err(Halt::Need(12));
    }
    let head = |n: usize| buf.get(..n);
    if head(3) == Some(&[0xFF, 0xD8, 0xFF][..]) {
        return jpeg::probe(buf, eof);
    }
    if head(8) == Some(&png::SIGNATURE[..]) {
        return png::probe(buf, eof);
    }
    if head(6) == Some(&b"GIF87a"[..]) || head(6) == Some(&b"GIF89a"[..]) {
        return gif::probe(buf, eof);
    }
    if head(4) == Some(&b"RIFF"[..]) {
        match buf.get(8..12) {
            Some(b"WEBP") => return webp::probe(buf, eof),
            Some(b"AVI ") => return avi::probe(buf, eof),
            _ => return Ok(MediaFacts::Unknown),
        }
    }
    if head(4) == Some(&b"II*\0"[..]) || head(4) == Some(&b"MM\0*"[..]) {
        return tiff::probe(buf, eof);
    }
    if isobmff::looks_like(buf) {
        return isobmff::probe(buf, eof);
    }
    if head(2) == Some(&b"BM"[..]) && bmp::looks_like(buf) {
        return bmp::probe(buf, eof);
    }
    containers::probe(buf, eof)
}
