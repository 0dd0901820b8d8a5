//! Matroska and WebM (EBML): duration, the first video track's codec, size and frame rate, the
//! first audio track's codec, sample rate and channels. Instagram takes neither container;
//! these facts let `check` say what the file is and how to convert it.
//!
//! Reads the Segment's children in order until `Info` and `Tracks` are seen (muxers write them
//! before the first `Cluster`). Element sizes come from the file: every one is checked against
//! the prefix and a cap before it is used. A file whose tracks cannot be found is still
//! recognised by name ([`MediaFacts::Unsupported`]).

use crate::bytes::u8_at;
use crate::facts::{
    AudioCodec, AudioFacts, ContainerKind, MediaFacts, VideoCodec, VideoContainer, VideoFacts,
};
use crate::{need, Halt, Parse};

const FORMAT: &str = "matroska";
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TRACKS: u32 = 0x1654_AE6B;
const CLUSTER: u32 = 0x1F43_B675;
const TRACK_ENTRY: u32 = 0xAE;
/// How far into the file `Info` and `Tracks` are looked for (muxers put them in the first few
/// KiB). Nothing past it is asked for, so the answer never depends on a reader's cap.
const MAX_SCAN: u64 = 256 << 10;

/// An EBML variable-length integer at `at`: (value, length). `None` if out of the prefix or
/// invalid; an all-ones value (unknown size) is `u64::MAX`.
fn vint(b: &[u8], at: usize, keep_marker: bool) -> Option<(u64, usize)> {
    let first = u8_at(b, at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 {
        return None;
    }
    let mut v = if keep_marker {
        u64::from(first)
    } else {
        u64::from(first) & (0xFF >> len)
    };
    let mut all_ones = v == (0xFF >> len);
    for i in 1..len {
        let byte = u8_at(b, at + i)?;
        all_ones &= byte == 0xFF;
        v = (v << 8) | u64::from(byte);
    }
    if !keep_marker && all_ones {
        v = u64::MAX;
    }
    Some((v, len))
}

/// An element header at `at`: (id, data start, data size).
fn header(b: &[u8], at: usize) -> Option<(u32, usize, u64)> {
    let (id, id_len) = vint(b, at, true)?;
    let (size, size_len) = vint(b, at + id_len, false)?;
    Some((u32::try_from(id).ok()?, at + id_len + size_len, size))
}

/// The children of an element's data: (id, data slice).
fn children(data: &[u8]) -> impl Iterator<Item = (u32, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let (id, start, size) = header(data, at)?;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        let body = data.get(start..end)?;
        at = end;
        Some((id, body))
    })
}

fn uint(d: &[u8]) -> Option<u64> {
    (d.len() <= 8).then(|| d.iter().fold(0u64, |v, b| (v << 8) | u64::from(*b)))
}

fn float(d: &[u8]) -> Option<f64> {
    match d.len() {
        4 => Some(f64::from(f32::from_be_bytes(d.try_into().ok()?))),
        8 => Some(f64::from_be_bytes(d.try_into().ok()?)),
        _ => None,
    }
}

fn text(d: &[u8]) -> String {
    String::from_utf8_lossy(d)
        .trim_end_matches('\0')
        .chars()
        .take(64)
        .collect()
}

/// Facts of an EBML file whose doc type is `kind` (Matroska or WebM).
pub(crate) fn probe(buf: &[u8], eof: bool, kind: ContainerKind) -> Parse<MediaFacts> {
    let by_name = Ok(MediaFacts::Unsupported { container: kind });
    // The EBML header, then the Segment.
    let Some((_, start, size)) = header(buf, 0) else {
        return Err(need(FORMAT, 64, eof));
    };
    let Some(seg_at) = start.checked_add(usize::try_from(size).unwrap_or(usize::MAX)) else {
        return by_name;
    };
    let Some((id, mut at, _)) = header(buf, seg_at) else {
        return if eof || seg_at as u64 > MAX_SCAN {
            by_name
        } else {
            Err(Halt::Need(seg_at as u64 + 16))
        };
    };
    if id != SEGMENT {
        return by_name;
    }
    let (mut info, mut tracks) = (None, None);
    // Asks for more of the prefix, within the scan window; past it the file is known by name.
    let more = |n: u64| -> Parse<MediaFacts> {
        if eof || n > MAX_SCAN {
            Ok(MediaFacts::Unsupported { container: kind })
        } else {
            Err(Halt::Need(n))
        }
    };
    while info.is_none() || tracks.is_none() {
        let Some((id, data, size)) = header(buf, at) else {
            return more(at as u64 + 16);
        };
        if id == CLUSTER || size == u64::MAX {
            // Media data before the track list, or an element of unknown size: by name.
            return by_name;
        }
        let end = (data as u64).saturating_add(size);
        if matches!(id, INFO | TRACKS) {
            if end > buf.len() as u64 {
                return more(end);
            }
            let body = buf.get(data..end as usize).unwrap_or_default();
            if id == INFO {
                info = Some(body);
            } else {
                tracks = Some(body);
            }
        }
        let Ok(next) = usize::try_from(end) else {
            return by_name;
        };
        at = next;
    }
    let (Some(info), Some(tracks)) = (info, tracks) else {
        return by_name;
    };
    Ok(facts(info, tracks, kind))
}

fn facts(info: &[u8], tracks: &[u8], kind: ContainerKind) -> MediaFacts {
    let mut scale_ns = 1_000_000u64;
    let mut duration = None;
    for (id, d) in children(info) {
        match id {
            0x2A_D7B1 => scale_ns = uint(d).filter(|s| *s > 0).unwrap_or(scale_ns),
            0x4489 => duration = float(d),
            _ => {}
        }
    }
    let duration_ms = duration
        .filter(|d| d.is_finite() && *d >= 0.0)
        .map(|d| (d * scale_ns as f64 / 1e6).round() as u64);
    let mut v = VideoFacts {
        duration_ms,
        ..VideoFacts::empty(match kind {
            ContainerKind::WebM => VideoContainer::WebM,
            _ => VideoContainer::Matroska,
        })
    };
    for (id, entry) in children(tracks) {
        if id != TRACK_ENTRY {
            continue;
        }
        let (mut ty, mut codec, mut frame_ns) = (0, String::new(), None);
        let (mut video, mut audio) = (None, None);
        for (id, d) in children(entry) {
            match id {
                0x83 => ty = uint(d).unwrap_or(0),
                0x86 => codec = text(d),
                0x23_E383 => frame_ns = uint(d).filter(|n| *n > 0),
                0xE0 => video = Some(d),
                0xE1 => audio = Some(d),
                _ => {}
            }
        }
        if ty == 1 && v.video_codec.is_none() {
            let (mut w, mut h, mut dw, mut dh) = (0, 0, None, None);
            for (id, d) in children(video.unwrap_or_default()) {
                let n = uint(d).and_then(|n| u32::try_from(n).ok());
                match id {
                    0xB0 => w = n.unwrap_or(0),
                    0xBA => h = n.unwrap_or(0),
                    0x54B0 => dw = n,
                    0x54BA => dh = n,
                    _ => {}
                }
            }
            v.width = w;
            v.height = h;
            v.display_width = dw.unwrap_or(w);
            v.display_height = dh.unwrap_or(h);
            v.video_codec = Some(video_codec(&codec));
            v.video_codec_tag = Some(codec);
            v.frame_rate = frame_ns.map(|ns| 1e9 / ns as f64);
        } else if ty == 2 && v.audio.is_none() {
            let (mut rate, mut channels) = (None, None);
            for (id, d) in children(audio.unwrap_or_default()) {
                match id {
                    0xB5 => rate = float(d).filter(|r| r.is_finite() && *r > 0.0),
                    0x9F => channels = uint(d).and_then(|c| u16::try_from(c).ok()),
                    _ => {}
                }
            }
            v.audio = Some(AudioFacts {
                codec: audio_codec(&codec),
                codec_tag: codec,
                sample_rate: rate.map(|r| r.round() as u32),
                channels,
            });
        }
    }
    MediaFacts::Video(v)
}

fn video_codec(id: &str) -> VideoCodec {
    match id {
        "V_MPEG4/ISO/AVC" => VideoCodec::H264,
        "V_MPEGH/ISO/HEVC" => VideoCodec::Hevc,
        "V_AV1" => VideoCodec::Av1,
        "V_VP9" => VideoCodec::Vp9,
        "V_VP8" => VideoCodec::Vp8,
        "V_MPEG4/ISO/ASP" | "V_MPEG4/ISO/SP" | "V_MPEG4/ISO/AP" => VideoCodec::Mpeg4Part2,
        "V_MPEG1" | "V_MPEG2" => VideoCodec::Mpeg2,
        "V_MJPEG" => VideoCodec::Mjpeg,
        other => VideoCodec::Other(other.to_owned()),
    }
}

fn audio_codec(id: &str) -> AudioCodec {
    match id {
        _ if id.starts_with("A_AAC") => AudioCodec::Aac,
        "A_MPEG/L3" => AudioCodec::Mp3,
        "A_AC3" => AudioCodec::Ac3,
        "A_EAC3" => AudioCodec::Eac3,
        "A_OPUS" => AudioCodec::Opus,
        "A_FLAC" => AudioCodec::Flac,
        _ if id.starts_with("A_PCM") => AudioCodec::Pcm,
        other => AudioCodec::Other(other.to_owned()),
    }
}
