//! WebP: the first chunk after `RIFF....WEBP` (`VP8 `, `VP8L` or `VP8X`).
//!
//! Orientation is left at 1: a WebP EXIF chunk sits after the image data, and neither browsers
//! nor Instagram apply it.

use crate::bytes::{fourcc, le16, le32, u8_at};
use crate::facts::{Colour, ColourModel, ImageFacts, ImageFormat, MediaFacts};
use crate::{corrupt, need, Parse};

const FORMAT: &str = "webp";

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let lo = u32::from(le16(b, at)?);
    let hi = u32::from(u8_at(b, at + 2)?);
    Some(lo | hi << 16)
}

/// Probe a WebP prefix.
pub(crate) fn probe(buf: &[u8], eof: bool) -> Parse<MediaFacts> {
    let Some(kind) = fourcc(buf, 12) else {
        return Err(need(FORMAT, 30, eof));
    };
    let (w, h, lossy, icc) = match &kind {
        b"VP8 " => {
            // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
            let (Some(sc), Some(w), Some(h)) = (buf.get(23..26), le16(buf, 26), le16(buf, 28))
            else {
                return Err(need(FORMAT, 30, eof));
            };
            if sc != [0x9d, 0x01, 0x2a] {
                return Err(corrupt(FORMAT, "bad VP8 start code"));
            }
            (u32::from(w & 0x3fff), u32::from(h & 0x3fff), true, false)
        }
        b"VP8L" => {
            let (Some(sig), Some(bits)) = (u8_at(buf, 20), le32(buf, 21)) else {
                return Err(need(FORMAT, 25, eof));
            };
            if sig != 0x2f {
                return Err(corrupt(FORMAT, "bad VP8L signature"));
            }
            (
                (bits & 0x3fff) + 1,
                ((bits >> 14) & 0x3fff) + 1,
                false,
                false,
            )
        }
        b"VP8X" => {
            let (Some(flags), Some(w), Some(h)) = (u8_at(buf, 20), le24(buf, 24), le24(buf, 27))
            else {
                return Err(need(FORMAT, 30, eof));
            };
            (w + 1, h + 1, true, flags & 0x20 != 0)
        }
        _ => return Err(corrupt(FORMAT, "unknown first chunk")),
    };
    if w == 0 || h == 0 {
        return Err(corrupt(FORMAT, "zero width or height"));
    }
    let mut facts = ImageFacts::new(ImageFormat::Webp, w, h, 1);
    facts.colour = Some(Colour {
        model: if lossy {
            ColourModel::YCbCr
        } else {
            ColourModel::Rgb
        },
        icc_profile: icc,
        adobe_rgb: false,
    });
    Ok(MediaFacts::Image(facts))
}
