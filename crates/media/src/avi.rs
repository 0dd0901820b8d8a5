//! AVI (RIFF `AVI `): the first video stream's codec, size, frame rate and duration, and the
//! first audio stream's codec, sample rate and channels, from the `hdrl` header list that
//! every AVI starts with. Instagram does not take AVI; these facts let `check` say what the
//! file is and how to convert it. Chunk sizes come from the file and are checked against the
//! prefix and a cap before use; a file whose header list cannot be read is still recognised
//! by name.

use crate::bytes::{fourcc, fourcc_str, le16, le32};
use crate::facts::{
    AudioCodec, AudioFacts, ContainerKind, MediaFacts, VideoCodec, VideoContainer, VideoFacts,
};
use crate::{Halt, Parse};

/// Largest `hdrl` list read (real ones are a few KiB): nothing past it is asked for, so the
/// answer never depends on a reader's cap.
const MAX_HDRL: u64 = 256 << 10;

/// The chunks of a RIFF list body: (four-character code, data, list type for `LIST`).
fn chunks(data: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let id = fourcc(data, at)?;
        let size = usize::try_from(le32(data, at + 4)?).ok()?;
        let start = at.checked_add(8)?;
        let end = start.checked_add(size)?;
        let body = data.get(start..end.min(data.len()))?;
        // Chunks are padded to an even size.
        at = end.checked_add(size & 1)?;
        Some((id, body))
    })
}

/// Facts of a RIFF AVI file.
pub(crate) fn probe(buf: &[u8], eof: bool) -> Parse<MediaFacts> {
    let by_name = Ok(MediaFacts::Unsupported {
        container: ContainerKind::Avi,
    });
    // RIFF header (12 bytes), then LIST hdrl.
    let (Some(id), Some(size), Some(kind)) = (fourcc(buf, 12), le32(buf, 16), fourcc(buf, 20))
    else {
        return if eof { by_name } else { Err(Halt::Need(24)) };
    };
    if &id != b"LIST" || &kind != b"hdrl" || u64::from(size) > MAX_HDRL {
        return by_name;
    }
    let end = 20 + u64::from(size);
    if end > buf.len() as u64 {
        return if eof { by_name } else { Err(Halt::Need(end)) };
    }
    let hdrl = buf.get(24..end as usize).unwrap_or_default();
    Ok(facts(hdrl).unwrap_or(MediaFacts::Unsupported {
        container: ContainerKind::Avi,
    }))
}

fn facts(hdrl: &[u8]) -> Option<MediaFacts> {
    let mut v = VideoFacts::empty(VideoContainer::Avi);
    let mut avih_frames = None;
    for (id, body) in chunks(hdrl) {
        if &id == b"avih" {
            let per_frame_us = le32(body, 0)?;
            let frames = le32(body, 16)?;
            v.width = le32(body, 32)?;
            v.height = le32(body, 36)?;
            if per_frame_us > 0 {
                avih_frames = Some((frames, per_frame_us));
            }
        }
        if &id != b"LIST" || body.get(..4) != Some(b"strl".as_slice()) {
            continue;
        }
        let list = body.get(4..).unwrap_or_default();
        let strh = chunks(list).find(|(id, _)| id == b"strh").map(|(_, b)| b)?;
        let strf = chunks(list).find(|(id, _)| id == b"strf").map(|(_, b)| b);
        let kind = fourcc(strh, 0)?;
        let (scale, rate, length) = (le32(strh, 20)?, le32(strh, 24)?, le32(strh, 32)?);
        if &kind == b"vids" && v.video_codec.is_none() {
            let compression = strf
                .and_then(|f| fourcc(f, 16))
                .or_else(|| fourcc(strh, 4))?;
            if let Some(f) = strf {
                v.width = le32(f, 4).unwrap_or(v.width);
                v.height = le32(f, 8)
                    .map(|h| (h as i32).unsigned_abs())
                    .unwrap_or(v.height);
            }
            v.video_codec = Some(video_codec(compression));
            v.video_codec_tag = Some(fourcc_str(compression));
            if scale > 0 && rate > 0 {
                v.frame_rate = Some(f64::from(rate) / f64::from(scale));
                // u128: length × scale × 1000 overflows u64 for hostile headers (found by
                // the probe_any fuzz target).
                let ms = (u128::from(length) * u128::from(scale) * 1000).div_ceil(u128::from(rate));
                v.duration_ms = u64::try_from(ms).ok();
            }
        } else if &kind == b"auds" && v.audio.is_none() {
            let f = strf?;
            let tag = le16(f, 0)?;
            v.audio = Some(AudioFacts {
                codec: audio_codec(tag),
                codec_tag: format!("0x{tag:04x}"),
                sample_rate: le32(f, 4),
                channels: le16(f, 2),
            });
        }
    }
    if v.duration_ms.is_none() {
        v.duration_ms = avih_frames.map(|(n, us)| u64::from(n) * u64::from(us) / 1000);
    }
    v.display_width = v.width;
    v.display_height = v.height;
    Some(MediaFacts::Video(v))
}

fn video_codec(c: [u8; 4]) -> VideoCodec {
    let mut upper = c;
    upper.make_ascii_uppercase();
    match &upper {
        b"H264" | b"X264" | b"AVC1" | b"DAVC" => VideoCodec::H264,
        b"HEVC" | b"H265" | b"HVC1" | b"X265" => VideoCodec::Hevc,
        b"FMP4" | b"XVID" | b"DIVX" | b"DX50" | b"MP4V" | b"M4S2" => VideoCodec::Mpeg4Part2,
        b"MJPG" => VideoCodec::Mjpeg,
        b"VP80" => VideoCodec::Vp8,
        b"VP90" => VideoCodec::Vp9,
        b"AV01" => VideoCodec::Av1,
        b"MPG2" | b"MPEG" => VideoCodec::Mpeg2,
        b"H263" => VideoCodec::H263,
        _ => VideoCodec::Other(fourcc_str(c)),
    }
}

fn audio_codec(tag: u16) -> AudioCodec {
    match tag {
        0x0001 => AudioCodec::Pcm,
        0x0055 => AudioCodec::Mp3,
        0x00FF | 0x1610 | 0x706D | 0xA106 => AudioCodec::Aac,
        0x2000 => AudioCodec::Ac3,
        0xF1AC => AudioCodec::Flac,
        other => AudioCodec::Other(format!("0x{other:04x}")),
    }
}
