//! Containers recognised by signature: Matroska and WebM (read by [`crate::matroska`] when
//! their tracks can be found), FLV, MPEG-TS (and 192-byte M2TS) and Ogg by name only, so rules
//! can reject them by name (AVI is dispatched from the RIFF header to [`crate::avi`]).
//! Anything else is [`MediaFacts::Unknown`].

use crate::bytes::u8_at;
use crate::facts::{ContainerKind, MediaFacts};
use crate::Halt;
use crate::Parse;

/// TS packet size; a stream is recognised from three sync bytes in a row.
const TS: usize = 188;
/// Bytes of the EBML header searched for the DocType element.
const EBML_HEAD: usize = 64;

fn unsupported(container: ContainerKind) -> Parse<MediaFacts> {
    Ok(MediaFacts::Unsupported { container })
}

/// Recognise the remaining signatures.
pub(crate) fn probe(buf: &[u8], eof: bool) -> Parse<MediaFacts> {
    if buf.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return ebml(buf, eof);
    }
    if buf.starts_with(b"FLV\x01") {
        return unsupported(ContainerKind::Flv);
    }
    if buf.starts_with(b"OggS\0") {
        return unsupported(ContainerKind::Ogg);
    }
    if u8_at(buf, 0) == Some(0x47) || u8_at(buf, 4) == Some(0x47) {
        for (first, stride) in [(0usize, TS), (4, TS + 4)] {
            let syncs = [first, first + stride, first + 2 * stride];
            if syncs.iter().all(|&at| u8_at(buf, at) == Some(0x47)) {
                return unsupported(ContainerKind::MpegTs);
            }
        }
        // Could still be TS once three packets are in.
        if !eof && buf.len() < 4 + 3 * (TS + 4) {
            return Err(Halt::Need((4 + 2 * (TS + 4) + 1) as u64));
        }
    }
    Ok(MediaFacts::Unknown)
}

/// Matroska and WebM share the EBML signature; the DocType element (0x4282) tells them apart.
fn ebml(buf: &[u8], eof: bool) -> Parse<MediaFacts> {
    let head = buf.get(..EBML_HEAD.min(buf.len())).unwrap_or(buf);
    let found = head.windows(2).position(|w| w == [0x42, 0x82]);
    let doc = found.and_then(|at| {
        // One-byte size vint (0x80 | n) as every muxer writes it.
        let size = u8_at(head, at + 2)?;
        if size & 0x80 == 0 {
            return None;
        }
        let n = usize::from(size & 0x7f);
        head.get(at + 3..at + 3 + n)
    });
    match doc {
        Some(b"webm") => crate::matroska::probe(buf, eof, ContainerKind::WebM),
        Some(_) => crate::matroska::probe(buf, eof, ContainerKind::Matroska),
        None if !eof && buf.len() < EBML_HEAD => Err(Halt::Need(EBML_HEAD as u64)),
        None => crate::matroska::probe(buf, eof, ContainerKind::Matroska),
    }
}
