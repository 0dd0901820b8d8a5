//! ISO base media file format: MP4, MOV, M4V, 3GP movies, and HEIF/HEIC/AVIF still images.
//!
//! The top level is walked on the prefix: `ftyp` gives the brand (and whether this is a HEIF
//! image), `moov` the movie facts, a top-level `meta` the image facts. `mdat` before `moov` is
//! skipped: a seekable source seeks (`resume_after_skip`), a stream reads through it while
//! the cap allows, otherwise the caller gets `NeedsSeek`. `moov` and `meta` are parsed only once
//! complete, and only if they fit in the cap; inside them every child box must lie within its
//! parent, so a hostile 4 GB length is just a corrupt box.
//!
//! Why not `mp4parse`: it needs the complete `moov` through `Read` and builds every sample
//! table; we need a handful of fields, a push-driven prefix walk and `bytes_read`.

use std::io::{Read, Seek, SeekFrom};

use crate::bytes::{be16, be32, be64, fourcc, fourcc_str, off, u8_at};
use crate::facts::{
    AudioCodec, AudioFacts, Colour, ColourModel, ImageFacts, ImageFormat, MediaFacts, VideoCodec,
    VideoContainer, VideoFacts,
};
use crate::{corrupt, need, Halt, Parse, ProbeError};

const FORMAT: &str = "isobmff";
/// Top-level boxes walked at most (each is at least 8 bytes anyway).
const MAX_TOP_BOXES: usize = 100_000;
/// A box this large that is not `moov`/`meta` is skipped (sought past) rather than buffered.
const SKIP_OVER: u64 = 64 * 1024;
/// Compatible brands kept at most.
const MAX_BRANDS: usize = 64;
/// `ipco` properties indexed at most.
const MAX_PROPERTIES: usize = 4096;

const HEIF_BRANDS: [&[u8; 4]; 11] = [
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"mif2", b"avif",
    b"avis",
];

fn bad(what: &'static str) -> ProbeError {
    ProbeError::Corrupt {
        format: FORMAT,
        what,
    }
}

/// `ftyp` contents.
#[derive(Debug, Default, Clone)]
struct Ftyp {
    major: [u8; 4],
    compatible: Vec<[u8; 4]>,
}

impl Ftyp {
    fn parse(body: &[u8]) -> Ftyp {
        let major = fourcc(body, 0).unwrap_or(*b"    ");
        let compatible = body
            .get(8..)
            .unwrap_or(&[])
            .chunks_exact(4)
            .take(MAX_BRANDS)
            .filter_map(|c| c.try_into().ok())
            .collect();
        Ftyp { major, compatible }
    }
    fn has(&self, brand: &[u8; 4]) -> bool {
        &self.major == brand || self.compatible.iter().any(|b| b == brand)
    }
    /// HEIF still image: the major brand is an image brand (a movie with `mif1` among its
    /// compatible brands stays a movie).
    fn is_image(&self) -> bool {
        HEIF_BRANDS.contains(&&self.major)
    }
}

/// Does the prefix start with a top-level box type we know?
pub(crate) fn looks_like(buf: &[u8]) -> bool {
    let Some(kind) = fourcc(buf, 4) else {
        return false;
    };
    if &kind == b"ftyp" {
        return true;
    }
    let size = be32(buf, 0).unwrap_or(0);
    matches!(
        &kind,
        b"moov" | b"mdat" | b"wide" | b"free" | b"skip" | b"pnot"
    ) && (size >= 8 || size == 1)
}

/// One box header: (type, header length, total size; `None` size = to the end of the file).
fn header(buf: &[u8], pos: usize) -> Option<([u8; 4], usize, Option<u64>)> {
    let size = be32(buf, pos)?;
    let kind = fourcc(buf, pos + 4)?;
    match size {
        0 => Some((kind, 8, None)),
        1 => Some((kind, 16, Some(be64(buf, pos + 8)?))),
        n => Some((kind, 8, Some(u64::from(n)))),
    }
}

/// Probe an ISO-BMFF prefix.
pub(crate) fn probe(buf: &[u8], eof: bool) -> Parse<MediaFacts> {
    let mut pos = 0usize;
    let mut ftyp: Option<Ftyp> = None;
    let mut seen_mdat = false;
    for _ in 0..MAX_TOP_BOXES {
        if pos >= buf.len() && eof {
            break;
        }
        let Some((kind, hdr, size)) = header(buf, pos) else {
            return Err(need(FORMAT, off(pos) + 16, eof));
        };
        let size = match size {
            Some(s) => s,
            None if eof => off(buf.len() - pos),
            // Runs to the end of the file: only the end of the file tells its size.
            None if &kind == b"mdat" => {
                return Err(corrupt(
                    FORMAT,
                    "mdat runs to the end and no moov precedes it",
                ))
            }
            None => return Err(Halt::Need(off(buf.len()).saturating_add(SKIP_OVER))),
        };
        if size < off(hdr) {
            return Err(corrupt(FORMAT, "box size smaller than its header"));
        }
        let end = off(pos).saturating_add(size);
        let image = ftyp.as_ref().is_some_and(Ftyp::is_image);
        let wanted = match &kind {
            // Only the first ftyp counts (as when resuming after a skip).
            b"ftyp" => ftyp.is_none(),
            b"moov" => !image,
            b"meta" => image,
            _ => false,
        };
        if &kind == b"mdat" {
            seen_mdat = true;
        }
        if wanted {
            let body = usize::try_from(end)
                .ok()
                .and_then(|e| buf.get(pos + hdr..e));
            let Some(body) = body else {
                return Err(need(FORMAT, end, eof));
            };
            match &kind {
                b"ftyp" => ftyp = Some(Ftyp::parse(body)),
                b"moov" => {
                    let facts = parse_moov(body, ftyp.as_ref(), Some(!seen_mdat))?;
                    return Ok(MediaFacts::Video(facts));
                }
                _ => return Ok(MediaFacts::Image(parse_heif(body, ftyp.as_ref())?)),
            }
        } else if end > off(buf.len()) {
            if eof {
                return Err(Halt::Fail(ProbeError::Truncated { format: FORMAT }));
            }
            if &kind == b"mdat" || size > SKIP_OVER {
                return Err(Halt::Skip(end));
            }
            return Err(Halt::Need(end.saturating_add(16)));
        }
        pos = usize::try_from(end).map_err(|_| corrupt(FORMAT, "box beyond addressable size"))?;
    }
    Err(corrupt(
        FORMAT,
        if ftyp.as_ref().is_some_and(Ftyp::is_image) {
            "no meta box"
        } else {
            "no moov box"
        },
    ))
}

/// Continue [`probe`] after a box read through without buffering: `head` is the start of the
/// file (for `ftyp`), `tail` the bytes from absolute offset `base` on, where a top-level box
/// starts. Answers `Need`/`Skip` with absolute offsets.
pub(crate) fn probe_tail(head: &[u8], tail: &[u8], base: u64, eof: bool) -> Parse<MediaFacts> {
    let ftyp = top_ftyp(head);
    let mut pos = 0usize;
    for _ in 0..MAX_TOP_BOXES {
        let abs = base.saturating_add(off(pos));
        if pos >= tail.len() && eof {
            break;
        }
        let Some((kind, hdr, size)) = header(tail, pos) else {
            return Err(need(FORMAT, abs.saturating_add(16), eof));
        };
        let size = match size {
            Some(s) => s,
            None if eof => off(tail.len() - pos),
            None if &kind == b"moov" => {
                return Err(Halt::Need(
                    base.saturating_add(off(tail.len()))
                        .saturating_add(SKIP_OVER),
                ))
            }
            None => {
                return Err(corrupt(
                    FORMAT,
                    "a box runs to the end and no moov precedes it",
                ))
            }
        };
        if size < off(hdr) {
            return Err(corrupt(FORMAT, "box size smaller than its header"));
        }
        let end = off(pos).saturating_add(size);
        if &kind == b"moov" {
            let body = usize::try_from(end)
                .ok()
                .and_then(|e| tail.get(pos + hdr..e));
            let Some(body) = body else {
                return Err(need(FORMAT, base.saturating_add(end), eof));
            };
            return Ok(MediaFacts::Video(parse_moov(
                body,
                ftyp.as_ref(),
                Some(false),
            )?));
        }
        if end > off(tail.len()) {
            if eof {
                return Err(Halt::Fail(ProbeError::Truncated { format: FORMAT }));
            }
            if &kind == b"mdat" || size > SKIP_OVER {
                return Err(Halt::Skip(base.saturating_add(end)));
            }
            return Err(Halt::Need(base.saturating_add(end).saturating_add(16)));
        }
        pos = usize::try_from(end).map_err(|_| corrupt(FORMAT, "box beyond addressable size"))?;
    }
    Err(corrupt(FORMAT, "no moov box"))
}

/// After [`probe`] answered `Skip(offset)` on a seekable source: walk the top-level boxes from
/// `offset` by seeking, read `moov` (at most `budget` bytes) and parse it. `start` is the
/// source position of byte 0; `head` the prefix already read. Returns facts and bytes read.
pub(crate) fn resume_after_skip<R: Read + Seek>(
    r: &mut R,
    start: u64,
    head: &[u8],
    offset: u64,
    budget: u64,
) -> Result<(MediaFacts, u64), ProbeError> {
    let ftyp = top_ftyp(head);
    let mut pos = offset;
    let mut read = 0u64;
    for _ in 0..MAX_TOP_BOXES {
        r.seek(SeekFrom::Start(start.saturating_add(pos)))?;
        let mut hdr = [0u8; 16];
        let got = read_up_to(r, &mut hdr)?;
        read = read.saturating_add(off(got));
        let Some((kind, hlen, size)) = header(hdr.get(..got).unwrap_or(&[]), 0) else {
            return Err(if got == 0 {
                bad("no moov box")
            } else {
                ProbeError::Truncated { format: FORMAT }
            });
        };
        let Some(size) = size else {
            if &kind == b"moov" {
                return Err(bad("moov without a size after mdat"));
            }
            return Err(bad("no moov box"));
        };
        if size < off(hlen) {
            return Err(bad("box size smaller than its header"));
        }
        if &kind == b"moov" {
            let len = size - off(hlen);
            if read.saturating_add(len) > budget {
                return Err(ProbeError::TooLarge {
                    cap: budget,
                    needed: read.saturating_add(len),
                });
            }
            r.seek(SeekFrom::Start(
                start.saturating_add(pos).saturating_add(off(hlen)),
            ))?;
            // Grows with the bytes actually read, never pre-sized from `len`.
            let mut body = Vec::new();
            r.by_ref().take(len).read_to_end(&mut body)?;
            read = read.saturating_add(off(body.len()));
            if off(body.len()) < len {
                return Err(ProbeError::Truncated { format: FORMAT });
            }
            let facts = parse_moov(&body, ftyp.as_ref(), Some(false)).map_err(|h| match h {
                Halt::Fail(e) => e,
                _ => bad("moov"),
            })?;
            return Ok((MediaFacts::Video(facts), read));
        }
        pos = pos.saturating_add(size);
    }
    Err(bad("no moov box"))
}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while let Some(rest) = buf.get_mut(n..) {
        if rest.is_empty() {
            break;
        }
        match r.read(rest) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The first top-level `ftyp` among the complete boxes of `head` (as [`probe`] takes it).
fn top_ftyp(head: &[u8]) -> Option<Ftyp> {
    boxes(head)
        .find(|(kind, _)| kind == b"ftyp")
        .map(|(_, body)| Ftyp::parse(body))
}

/// Iterate the child boxes of a complete box body.
struct Boxes<'a> {
    data: &'a [u8],
    pos: usize,
}

fn boxes(data: &[u8]) -> Boxes<'_> {
    Boxes { data, pos: 0 }
}

impl<'a> Iterator for Boxes<'a> {
    type Item = ([u8; 4], &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        // A child that does not fit its parent ends the iteration (the rest is padding or junk).
        let (kind, hdr, size) = header(self.data, self.pos)?;
        let size = match size {
            Some(s) => usize::try_from(s).ok()?,
            None => self.data.len().checked_sub(self.pos)?,
        };
        if size < hdr {
            self.pos = self.data.len();
            return None;
        }
        let end = self.pos.checked_add(size)?;
        let body = self.data.get(self.pos + hdr..end)?;
        self.pos = end;
        Some((kind, body))
    }
}

fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes(data).find(|(k, _)| k == kind).map(|(_, b)| b)
}

/// Track facts gathered from one `trak`.
#[derive(Debug, Default)]
struct Track {
    id: u32,
    handler: [u8; 4],
    timescale: u32,
    duration: u64,
    tkhd_w: u32,
    tkhd_h: u32,
    rotation: u16,
    entry: [u8; 4],
    coded_w: u32,
    coded_h: u32,
    oti: Option<u8>,
    sample_rate: Option<u32>,
    channels: Option<u16>,
    samples: u64,
    sample_time: u64,
    edit_list: bool,
}

fn parse_moov(moov: &[u8], ftyp: Option<&Ftyp>, before_mdat: Option<bool>) -> Parse<VideoFacts> {
    let mut timescale = 0u32;
    let mut duration = 0u64;
    let mut fragment_duration = 0u64;
    let mut fragmented = false;
    let mut video: Option<Track> = None;
    let mut audio: Option<Track> = None;
    let mut edit_list = false;
    let mut track_ms = 0u64;
    for (kind, body) in boxes(moov) {
        match &kind {
            b"mvhd" => {
                let v1 = u8_at(body, 0) == Some(1);
                let (ts, d) = if v1 {
                    (be32(body, 20), be64(body, 24))
                } else {
                    (be32(body, 12), be32(body, 16).map(u64::from))
                };
                let (Some(ts), Some(d)) = (ts, d) else {
                    return Err(corrupt(FORMAT, "short mvhd"));
                };
                timescale = ts;
                duration = if d == u64::MAX || d == u64::from(u32::MAX) {
                    0
                } else {
                    d
                };
            }
            b"mvex" => {
                fragmented = true;
                if let Some(mehd) = child(body, b"mehd") {
                    fragment_duration = if u8_at(mehd, 0) == Some(1) {
                        be64(mehd, 4).unwrap_or(0)
                    } else {
                        be32(mehd, 4).map(u64::from).unwrap_or(0)
                    };
                }
            }
            b"trak" => {
                let t = parse_trak(body);
                edit_list |= t.edit_list;
                if t.timescale > 0 {
                    track_ms = track_ms.max(ms(t.duration, t.timescale));
                }
                if &t.handler == b"vide" && video.is_none() {
                    video = Some(t);
                } else if &t.handler == b"soun" && audio.is_none() {
                    audio = Some(t);
                }
            }
            _ => {}
        }
    }
    if timescale == 0 && video.is_none() && audio.is_none() {
        return Err(corrupt(FORMAT, "moov has neither mvhd nor tracks"));
    }
    let duration_ms = if timescale > 0 && duration > 0 {
        Some(ms(duration, timescale))
    } else if timescale > 0 && fragment_duration > 0 {
        Some(ms(fragment_duration, timescale))
    } else if track_ms > 0 {
        Some(track_ms)
    } else {
        None
    };
    let (container, major_brand) = match ftyp {
        Some(f) => (container_of(f), fourcc_str(f.major).trim_end().to_string()),
        None => (VideoContainer::Mov, String::new()),
    };
    let mut facts = VideoFacts {
        major_brand,
        duration_ms,
        moov_before_mdat: before_mdat,
        has_edit_list: edit_list,
        fragmented,
        ..VideoFacts::empty(container)
    };
    if let Some(v) = video {
        facts.width = v.coded_w;
        facts.height = v.coded_h;
        let (dw, dh) = if v.tkhd_w > 0 && v.tkhd_h > 0 {
            (v.tkhd_w, v.tkhd_h)
        } else {
            (v.coded_w, v.coded_h)
        };
        (facts.display_width, facts.display_height) = if v.rotation % 180 == 90 {
            (dh, dw)
        } else {
            (dw, dh)
        };
        facts.rotation_degrees = v.rotation;
        facts.video_codec = Some(video_codec(v.entry, v.oti));
        facts.video_codec_tag = Some(fourcc_str(v.entry));
        if v.samples > 0 && v.sample_time > 0 && v.timescale > 0 {
            let rate = v.samples as f64 * f64::from(v.timescale) / v.sample_time as f64;
            facts.frame_rate = Some((rate * 1000.0).round() / 1000.0);
        }
    }
    if let Some(a) = audio {
        facts.audio = Some(AudioFacts {
            codec: audio_codec(a.entry, a.oti),
            codec_tag: fourcc_str(a.entry),
            sample_rate: a.sample_rate,
            channels: a.channels,
        });
    }
    Ok(facts)
}

fn ms(duration: u64, timescale: u32) -> u64 {
    let v = u128::from(duration) * 1000 / u128::from(timescale.max(1));
    u64::try_from(v).unwrap_or(u64::MAX)
}

fn container_of(f: &Ftyp) -> VideoContainer {
    match &f.major {
        b"qt  " => VideoContainer::Mov,
        b"M4V " | b"M4VH" | b"M4VP" => VideoContainer::M4v,
        [b'3', b'g', b'p' | b'2', _] => VideoContainer::ThreeGp,
        _ => VideoContainer::Mp4,
    }
}

fn parse_trak(trak: &[u8]) -> Track {
    let mut t = Track::default();
    for (kind, body) in boxes(trak) {
        match &kind {
            b"tkhd" => parse_tkhd(body, &mut t),
            b"edts" => {
                if let Some(elst) = child(body, b"elst") {
                    t.edit_list |= be32(elst, 4).is_some_and(|n| n > 0);
                }
            }
            b"mdia" => parse_mdia(body, &mut t),
            _ => {}
        }
    }
    t
}

fn parse_tkhd(b: &[u8], t: &mut Track) {
    let v1 = u8_at(b, 0) == Some(1);
    t.id = be32(b, if v1 { 20 } else { 12 }).unwrap_or(0);
    let base = if v1 { 52 } else { 40 };
    let m = |i: usize| be32(b, base + 4 * i).map(|v| v as i32);
    let one = 0x1_0000;
    t.rotation = match (m(0), m(1), m(3), m(4)) {
        (Some(0), Some(b1), Some(c), Some(0)) if b1 == one && c == -one => 90,
        (Some(a), Some(0), Some(0), Some(d)) if a == -one && d == -one => 180,
        (Some(0), Some(b1), Some(c), Some(0)) if b1 == -one && c == one => 270,
        _ => 0,
    };
    t.tkhd_w = be32(b, base + 36).map_or(0, |v| v >> 16);
    t.tkhd_h = be32(b, base + 40).map_or(0, |v| v >> 16);
}

fn parse_mdia(mdia: &[u8], t: &mut Track) {
    for (kind, body) in boxes(mdia) {
        match &kind {
            b"mdhd" => {
                if u8_at(body, 0) == Some(1) {
                    t.timescale = be32(body, 20).unwrap_or(0);
                    t.duration = be64(body, 24).unwrap_or(0);
                } else {
                    t.timescale = be32(body, 12).unwrap_or(0);
                    t.duration = be32(body, 16).map_or(0, u64::from);
                }
                if t.duration == u64::MAX || t.duration == u64::from(u32::MAX) {
                    t.duration = 0;
                }
            }
            b"hdlr" => t.handler = fourcc(body, 8).unwrap_or_default(),
            b"minf" => {
                if let Some(stbl) = child(body, b"stbl") {
                    parse_stbl(stbl, t);
                }
            }
            _ => {}
        }
    }
}

fn parse_stbl(stbl: &[u8], t: &mut Track) {
    if let Some(stsd) = child(stbl, b"stsd") {
        // Full box header and entry count, then the first sample entry.
        if let Some((kind, entry)) = stsd.get(8..).and_then(|d| boxes(d).next()) {
            t.entry = kind;
            parse_sample_entry(entry, t);
        }
    }
    if let Some(stts) = child(stbl, b"stts") {
        let count = be32(stts, 4).unwrap_or(0) as usize;
        let table = stts.get(8..).unwrap_or(&[]);
        for e in table.chunks_exact(8).take(count) {
            let n = be32(e, 0).unwrap_or(0);
            let d = be32(e, 4).unwrap_or(0);
            t.samples = t.samples.saturating_add(u64::from(n));
            t.sample_time = t
                .sample_time
                .saturating_add(u64::from(n).saturating_mul(u64::from(d)));
        }
    }
}

fn parse_sample_entry(e: &[u8], t: &mut Track) {
    let children = match &t.handler {
        b"vide" => {
            t.coded_w = be16(e, 24).map_or(0, u32::from);
            t.coded_h = be16(e, 26).map_or(0, u32::from);
            e.get(78..)
        }
        b"soun" => {
            let version = be16(e, 8).unwrap_or(0);
            if version == 2 {
                t.sample_rate = be64(e, 32).map(|bits| f64::from_bits(bits) as u32);
                t.channels = be32(e, 40).and_then(|c| u16::try_from(c).ok());
                e.get(64..)
            } else {
                t.channels = be16(e, 16);
                t.sample_rate = be32(e, 24).map(|r| r >> 16);
                e.get(if version == 1 { 44 } else { 28 }..)
            }
        }
        _ => None,
    };
    let Some(children) = children else {
        return;
    };
    let esds = child(children, b"esds")
        .or_else(|| child(children, b"wave").and_then(|w| child(w, b"esds")));
    if let Some(esds) = esds {
        let (oti, asc) = parse_esds(esds);
        t.oti = oti;
        // The AudioSpecificConfig is what the decoder uses; the sample entry's fields are often
        // placeholders (ffmpeg writes 2 channels for every MP4 audio track).
        if let Some((rate, channels)) = asc {
            if rate.is_some() {
                t.sample_rate = rate;
            }
            if (1..=7).contains(&channels) {
                t.channels = Some(if channels == 7 {
                    8
                } else {
                    u16::from(channels)
                });
            }
        }
    }
    if t.sample_rate == Some(0) {
        t.sample_rate = None;
    }
    if t.channels == Some(0) {
        t.channels = None;
    }
}

/// MPEG-4 descriptor header: (tag, payload start, payload end) within `d` from `pos`.
fn descriptor(d: &[u8], pos: usize) -> Option<(u8, usize, usize)> {
    let tag = u8_at(d, pos)?;
    let mut len = 0usize;
    let mut at = pos + 1;
    for _ in 0..4 {
        let b = u8_at(d, at)?;
        at += 1;
        len = (len << 7) | usize::from(b & 0x7f);
        if b & 0x80 == 0 {
            break;
        }
    }
    let end = at.checked_add(len)?.min(d.len());
    Some((tag, at, end))
}

/// `esds`: the object type indication and, for AAC, (sample rate, channel config) from the
/// AudioSpecificConfig.
fn parse_esds(esds: &[u8]) -> (Option<u8>, Option<(Option<u32>, u8)>) {
    let Some((3, start, end)) = descriptor(esds, 4) else {
        return (None, None);
    };
    let Some(es) = esds.get(start..end) else {
        return (None, None);
    };
    let flags = u8_at(es, 2).unwrap_or(0);
    let mut pos = 3;
    if flags & 0x80 != 0 {
        pos += 2;
    }
    if flags & 0x40 != 0 {
        pos += 1 + usize::from(u8_at(es, pos).unwrap_or(0));
    }
    if flags & 0x20 != 0 {
        pos += 2;
    }
    let Some((4, dstart, dend)) = descriptor(es, pos) else {
        return (None, None);
    };
    let Some(dc) = es.get(dstart..dend) else {
        return (None, None);
    };
    let oti = u8_at(dc, 0);
    let asc = descriptor(dc, 13)
        .filter(|(tag, _, _)| *tag == 5)
        .and_then(|(_, s, e)| dc.get(s..e))
        .and_then(parse_asc);
    (oti, asc)
}

/// AudioSpecificConfig: 5 bits object type, 4 bits frequency index (15: 24-bit rate), 4 bits
/// channel configuration.
fn parse_asc(a: &[u8]) -> Option<(Option<u32>, u8)> {
    const RATES: [u32; 13] = [
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
    ];
    let bits = u64::from(be32(a, 0).or_else(|| be16(a, 0).map(|v| u32::from(v) << 16))?) << 32
        | u64::from(u8_at(a, 4).unwrap_or(0)) << 24;
    let aot = (bits >> 59) & 0x1f;
    if aot == 31 {
        return None;
    }
    let idx = ((bits >> 55) & 0xf) as usize;
    let (rate, chan_shift) = if idx == 15 {
        (Some(((bits >> 31) & 0xff_ffff) as u32), 27)
    } else {
        (RATES.get(idx).copied(), 51)
    };
    Some((rate, ((bits >> chan_shift) & 0xf) as u8))
}

fn video_codec(entry: [u8; 4], oti: Option<u8>) -> VideoCodec {
    match &entry {
        b"avc1" | b"avc2" | b"avc3" | b"avc4" => VideoCodec::H264,
        b"hvc1" | b"hev1" | b"dvh1" | b"dvhe" => VideoCodec::Hevc,
        b"av01" => VideoCodec::Av1,
        b"vp09" => VideoCodec::Vp9,
        b"vp08" => VideoCodec::Vp8,
        b"s263" | b"h263" | b"H263" => VideoCodec::H263,
        b"apch" | b"apcn" | b"apcs" | b"apco" | b"ap4h" | b"ap4x" => VideoCodec::ProRes,
        b"jpeg" | b"mjpa" | b"mjpb" => VideoCodec::Mjpeg,
        b"mp4v" => match oti {
            Some(0x20) => VideoCodec::Mpeg4Part2,
            Some(0x21) => VideoCodec::H264,
            Some(0x60..=0x6A) => VideoCodec::Mpeg2,
            Some(0x6C) => VideoCodec::Mjpeg,
            _ => VideoCodec::Other(fourcc_str(entry)),
        },
        _ => VideoCodec::Other(fourcc_str(entry)),
    }
}

fn audio_codec(entry: [u8; 4], oti: Option<u8>) -> AudioCodec {
    match &entry {
        b"mp4a" => match oti {
            Some(0x40 | 0x66 | 0x67 | 0x68) => AudioCodec::Aac,
            Some(0x69 | 0x6B) => AudioCodec::Mp3,
            Some(0xA5) => AudioCodec::Ac3,
            Some(0xA6) => AudioCodec::Eac3,
            Some(0xAD) => AudioCodec::Opus,
            _ => AudioCodec::Other(fourcc_str(entry)),
        },
        b".mp3" => AudioCodec::Mp3,
        b"ac-3" => AudioCodec::Ac3,
        b"ec-3" => AudioCodec::Eac3,
        b"Opus" => AudioCodec::Opus,
        b"fLaC" => AudioCodec::Flac,
        b"alac" => AudioCodec::Alac,
        b"samr" => AudioCodec::AmrNb,
        b"sawb" => AudioCodec::AmrWb,
        b"lpcm" | b"sowt" | b"twos" | b"ipcm" | b"fpcm" | b"in24" | b"in32" | b"fl32" | b"fl64"
        | b"raw " => AudioCodec::Pcm,
        _ => AudioCodec::Other(fourcc_str(entry)),
    }
}

/// A top-level `meta` of a HEIF file: primary item, its type, its `ispe`/`irot`/`imir`/`colr`.
fn parse_heif(meta: &[u8], ftyp: Option<&Ftyp>) -> Parse<ImageFacts> {
    let children = meta.get(4..).unwrap_or(&[]);
    let mut primary: Option<u32> = None;
    let mut primary_type: Option<[u8; 4]> = None;
    let mut ipco: Option<&[u8]> = None;
    let mut ipma: Option<&[u8]> = None;
    let mut iinf: Option<&[u8]> = None;
    for (kind, body) in boxes(children) {
        match &kind {
            b"pitm" => {
                primary = if u8_at(body, 0) == Some(0) {
                    be16(body, 4).map(u32::from)
                } else {
                    be32(body, 4)
                }
            }
            b"iinf" => iinf = Some(body),
            b"iprp" => {
                ipco = child(body, b"ipco");
                ipma = child(body, b"ipma");
            }
            _ => {}
        }
    }
    if let (Some(iinf), Some(p)) = (iinf, primary) {
        let start = if u8_at(iinf, 0) == Some(0) { 6 } else { 8 };
        for (kind, infe) in boxes(iinf.get(start..).unwrap_or(&[])) {
            if &kind != b"infe" {
                continue;
            }
            let (id, ty) = match u8_at(infe, 0) {
                Some(2) => (be16(infe, 4).map(u32::from), fourcc(infe, 8)),
                Some(3) => (be32(infe, 4), fourcc(infe, 10)),
                _ => (None, None),
            };
            if id == Some(p) {
                primary_type = ty;
                break;
            }
        }
    }
    let props: Vec<([u8; 4], &[u8])> = ipco
        .map(|c| boxes(c).take(MAX_PROPERTIES).collect())
        .unwrap_or_default();
    let assoc = match (ipma, primary) {
        (Some(ipma), Some(p)) => associations(ipma, p),
        _ => Vec::new(),
    };
    let mut size: Option<(u32, u32)> = None;
    let mut rotation = 0u8;
    let mut mirror: Option<u8> = None;
    let mut icc = false;
    let mut adobe_rgb = false;
    for idx in &assoc {
        let Some((kind, body)) = idx.checked_sub(1).and_then(|i| props.get(usize::from(i))) else {
            continue;
        };
        match kind {
            b"ispe" => {
                if let (Some(w), Some(h)) = (be32(body, 4), be32(body, 8)) {
                    size = Some((w, h));
                }
            }
            b"irot" => rotation = u8_at(body, 0).unwrap_or(0) & 3,
            b"imir" => mirror = u8_at(body, 0).map(|m| m & 1),
            b"colr" => {
                if matches!(fourcc(body, 0).as_ref(), Some(b"prof" | b"rICC")) {
                    icc = true;
                    adobe_rgb |= body.windows(9).any(|w| w == b"Adobe RGB");
                }
            }
            _ => {}
        }
    }
    // No association for the primary item: take the largest declared size.
    let size = size.or_else(|| {
        props
            .iter()
            .filter(|(k, _)| k == b"ispe")
            .filter_map(|(_, b)| Some((be32(b, 4)?, be32(b, 8)?)))
            .max_by_key(|(w, h)| u64::from(*w) * u64::from(*h))
    });
    let Some((w, h)) = size else {
        return Err(corrupt(FORMAT, "HEIF image without a size (ispe)"));
    };
    let brand = |b: &[u8; 4]| ftyp.is_some_and(|f| f.has(b));
    let format = match primary_type.as_ref() {
        Some(b"hvc1") => ImageFormat::Heic,
        Some(b"av01") => ImageFormat::Avif,
        _ if brand(b"avif") => ImageFormat::Avif,
        _ if brand(b"heic") || brand(b"heix") => ImageFormat::Heic,
        _ => ImageFormat::Heif,
    };
    // irot is anti-clockwise; EXIF orientation equivalents. A mirror without rotation maps to
    // 2 or 4; mirror plus rotation is approximated by the rotation alone.
    let orientation = match (rotation, mirror) {
        (0, Some(0)) => 2,
        (0, Some(_)) => 4,
        (1, _) => 8,
        (2, _) => 3,
        (3, _) => 6,
        _ => 1,
    };
    let mut facts = ImageFacts::new(format, w, h, orientation);
    facts.colour = Some(Colour {
        model: ColourModel::YCbCr,
        icc_profile: icc,
        adobe_rgb,
    });
    Ok(facts)
}

/// Property indices (1-based) associated with `item` in an `ipma` box.
fn associations(ipma: &[u8], item: u32) -> Vec<u16> {
    let version = u8_at(ipma, 0).unwrap_or(0);
    let wide = u8_at(ipma, 3).unwrap_or(0) & 1 == 1;
    let count = be32(ipma, 4).unwrap_or(0);
    let mut pos = 8usize;
    for _ in 0..count {
        let id = if version < 1 {
            be16(ipma, pos).map(u32::from)
        } else {
            be32(ipma, pos)
        };
        pos += if version < 1 { 2 } else { 4 };
        let (Some(id), Some(n)) = (id, u8_at(ipma, pos)) else {
            break;
        };
        pos += 1;
        let mut out = Vec::new();
        for _ in 0..n {
            let idx = if wide {
                be16(ipma, pos).map(|v| v & 0x7fff)
            } else {
                u8_at(ipma, pos).map(|v| u16::from(v & 0x7f))
            };
            pos += if wide { 2 } else { 1 };
            match idx {
                Some(i) => out.push(i),
                None => break,
            }
        }
        if id == item {
            return out;
        }
        if pos >= ipma.len() {
            break;
        }
    }
    Vec::new()
}

/// Per-track totals of a fragmented file.
#[derive(Debug, Default, Clone, Copy)]
struct FragTrack {
    id: u32,
    video: bool,
    timescale: u32,
    default_duration: u32,
    samples: u64,
    time: u64,
}

/// Duration (ms) and video frame rate added up from the fragments, if any.
pub(crate) type FragTotals = Option<(u64, Option<f64>)>;

/// `moof` boxes read at most while totalling a fragmented file, each at most this large.
const MAX_MOOF: u64 = 1024 * 1024;
/// Tracks followed in a fragmented file.
const MAX_TRACKS: usize = 64;

/// Duration (ms) and video frame rate of a fragmented MP4 whose `moov` has no duration: walk
/// the top-level boxes by seeking, read every `moof` (within `budget` bytes) and add up the
/// `trun` sample durations. Returns the facts and the bytes read; `None` when the file holds no
/// usable fragments.
pub(crate) fn scan_fragments<R: Read + Seek>(
    r: &mut R,
    start: u64,
    budget: u64,
) -> Result<(FragTotals, u64), ProbeError> {
    let mut tracks: Vec<FragTrack> = Vec::new();
    let mut pos = 0u64;
    let mut read = 0u64;
    for _ in 0..MAX_TOP_BOXES {
        r.seek(SeekFrom::Start(start.saturating_add(pos)))?;
        let mut hdr = [0u8; 16];
        let got = read_up_to(r, &mut hdr)?;
        read = read.saturating_add(off(got));
        let Some((kind, hlen, Some(size))) = header(hdr.get(..got).unwrap_or(&[]), 0) else {
            break;
        };
        if size < off(hlen) {
            break;
        }
        let len = size - off(hlen);
        let wanted = (&kind == b"moov" || &kind == b"moof") && len <= MAX_MOOF;
        if wanted {
            if read.saturating_add(len) > budget {
                return Err(ProbeError::TooLarge {
                    cap: budget,
                    needed: read.saturating_add(len),
                });
            }
            r.seek(SeekFrom::Start(
                start.saturating_add(pos).saturating_add(off(hlen)),
            ))?;
            let mut body = Vec::new();
            r.by_ref().take(len).read_to_end(&mut body)?;
            read = read.saturating_add(off(body.len()));
            if &kind == b"moov" {
                tracks = frag_tracks(&body);
            } else {
                add_moof(&body, &mut tracks);
            }
        }
        pos = pos.saturating_add(size);
    }
    let duration = tracks
        .iter()
        .filter(|t| t.timescale > 0)
        .map(|t| ms(t.time, t.timescale))
        .max()
        .filter(|&d| d > 0);
    let rate = tracks
        .iter()
        .find(|t| t.video && t.time > 0 && t.timescale > 0)
        .map(|t| {
            let rate = t.samples as f64 * f64::from(t.timescale) / t.time as f64;
            (rate * 1000.0).round() / 1000.0
        });
    Ok((duration.map(|d| (d, rate)), read))
}

fn frag_tracks(moov: &[u8]) -> Vec<FragTrack> {
    let mut out: Vec<FragTrack> = Vec::new();
    for (kind, body) in boxes(moov) {
        if &kind == b"trak" && out.len() < MAX_TRACKS {
            let t = parse_trak(body);
            out.push(FragTrack {
                id: t.id,
                video: &t.handler == b"vide",
                timescale: t.timescale,
                ..FragTrack::default()
            });
        }
    }
    if let Some(mvex) = child(moov, b"mvex") {
        for (kind, trex) in boxes(mvex) {
            if &kind != b"trex" {
                continue;
            }
            let (Some(id), Some(d)) = (be32(trex, 4), be32(trex, 12)) else {
                continue;
            };
            if let Some(t) = out.iter_mut().find(|t| t.id == id) {
                t.default_duration = d;
            }
        }
    }
    out
}

fn add_moof(moof: &[u8], tracks: &mut [FragTrack]) {
    for (kind, traf) in boxes(moof) {
        if &kind != b"traf" {
            continue;
        }
        let Some(tfhd) = child(traf, b"tfhd") else {
            continue;
        };
        let flags = be32(tfhd, 0).unwrap_or(0) & 0x00ff_ffff;
        let Some(id) = be32(tfhd, 4) else {
            continue;
        };
        let Some(track) = tracks.iter_mut().find(|t| t.id == id) else {
            continue;
        };
        // tfhd optional fields: base data offset (8), sample description index (4), then the
        // default sample duration (4).
        let mut at = 8;
        if flags & 0x1 != 0 {
            at += 8;
        }
        if flags & 0x2 != 0 {
            at += 4;
        }
        let default = if flags & 0x8 != 0 {
            be32(tfhd, at).unwrap_or(track.default_duration)
        } else {
            track.default_duration
        };
        for (kind, trun) in boxes(traf) {
            if &kind != b"trun" {
                continue;
            }
            let tflags = be32(trun, 0).unwrap_or(0) & 0x00ff_ffff;
            let count = be32(trun, 4).unwrap_or(0);
            let mut at = 8usize;
            if tflags & 0x1 != 0 {
                at += 4;
            }
            if tflags & 0x4 != 0 {
                at += 4;
            }
            let per_sample = [0x100u32, 0x200, 0x400, 0x800]
                .iter()
                .filter(|&&f| tflags & f != 0)
                .count()
                * 4;
            if tflags & 0x100 == 0 {
                track.samples = track.samples.saturating_add(u64::from(count));
                track.time = track
                    .time
                    .saturating_add(u64::from(count).saturating_mul(u64::from(default)));
                continue;
            }
            // Sample records must lie within the box: the count is untrusted.
            let table = trun.get(at..).unwrap_or(&[]);
            for rec in table.chunks_exact(per_sample.max(4)).take(count as usize) {
                track.samples = track.samples.saturating_add(1);
                track.time = track
                    .time
                    .saturating_add(u64::from(be32(rec, 0).unwrap_or(0)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = u32::try_from(body.len() + 8)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(body);
        v
    }

    fn heif(props: &[Vec<u8>], assoc: &[u8]) -> Vec<u8> {
        let ftyp = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
        let pitm = bx(b"pitm", &[0, 0, 0, 0, 0, 1]);
        let infe = bx(
            b"infe",
            &[2, 0, 0, 0, 0, 1, 0, 0, b'h', b'v', b'c', b'1', 0],
        );
        let iinf = bx(b"iinf", &[&[0u8, 0, 0, 0, 0, 1][..], &infe].concat());
        let ipco = bx(b"ipco", &props.concat());
        let mut ipma_body = vec![0u8, 0, 0, 0, 0, 0, 0, 1, 0, 1];
        ipma_body.push(u8::try_from(assoc.len()).unwrap());
        ipma_body.extend_from_slice(assoc);
        let ipma = bx(b"ipma", &ipma_body);
        let iprp = bx(b"iprp", &[ipco, ipma].concat());
        let meta = bx(
            b"meta",
            &[&[0u8, 0, 0, 0][..], &pitm, &iinf, &iprp].concat(),
        );
        [ftyp, meta].concat()
    }

    fn ispe(w: u32, h: u32) -> Vec<u8> {
        bx(
            b"ispe",
            &[&[0u8; 4][..], &w.to_be_bytes(), &h.to_be_bytes()].concat(),
        )
    }

    #[test]
    fn heif_rotation_and_primary_size() {
        // A thumbnail-sized ispe first, not associated with the primary item.
        let props = [ispe(8, 8), ispe(64, 32), bx(b"irot", &[1])];
        let data = heif(&props, &[0x82, 0x83]);
        let MediaFacts::Image(img) = probe(&data, true).unwrap() else {
            panic!("not an image")
        };
        assert_eq!(img.format, ImageFormat::Heic);
        assert_eq!((img.width, img.height), (64, 32));
        // irot 1 is 90 degrees anti-clockwise: EXIF orientation 8, axes swapped.
        assert_eq!(img.orientation, 8);
        assert_eq!((img.display_width, img.display_height), (32, 64));

        let props = [ispe(64, 32), bx(b"irot", &[3])];
        let MediaFacts::Image(img) = probe(&heif(&props, &[1, 2]), true).unwrap() else {
            panic!("not an image")
        };
        assert_eq!(img.orientation, 6);

        let props = [ispe(64, 32), bx(b"imir", &[0])];
        let MediaFacts::Image(img) = probe(&heif(&props, &[1, 2]), true).unwrap() else {
            panic!("not an image")
        };
        assert_eq!((img.orientation, img.display_width), (2, 64));
    }

    #[test]
    fn hostile_counts_stay_bounded() {
        // ipma claiming 2^32-1 entries, stts claiming 2^32-1 entries: loops end with the data.
        let ipma = bx(b"ipma", &[0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 1, 0xff]);
        assert!(associations(&ipma[8..], 1).is_empty());
        let mut t = Track::default();
        let stts = bx(
            b"stts",
            &[0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 5, 0, 0, 0, 1],
        );
        parse_stbl(&stts, &mut t);
        assert_eq!((t.samples, t.sample_time), (5, 5));
    }
}
