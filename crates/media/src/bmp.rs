//! BMP: the file header and the DIB header's size fields.

use crate::bytes::{le16, le32};
use crate::facts::{Colour, ColourModel, ImageFacts, ImageFormat, MediaFacts};
use crate::{corrupt, need, Parse};

const FORMAT: &str = "bmp";

/// `BM` is a weak signature: also require a known DIB header size.
pub(crate) fn looks_like(buf: &[u8]) -> bool {
    match le32(buf, 14) {
        Some(n) => matches!(n, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124),
        // Too short to tell: let the parser report truncation.
        None => buf.len() < 18,
    }
}

/// Probe a BMP prefix.
pub(crate) fn probe(buf: &[u8], eof: bool) -> Parse<MediaFacts> {
    let Some(dib) = le32(buf, 14) else {
        return Err(need(FORMAT, 18, eof));
    };
    let (w, h, bpp) = if dib == 12 {
        let (Some(w), Some(h), Some(bpp)) = (le16(buf, 18), le16(buf, 20), le16(buf, 24)) else {
            return Err(need(FORMAT, 26, eof));
        };
        (u32::from(w), u32::from(h), bpp)
    } else {
        let (Some(w), Some(h), Some(bpp)) = (le32(buf, 18), le32(buf, 22), le16(buf, 28)) else {
            return Err(need(FORMAT, 30, eof));
        };
        // Signed: a negative height means top-down rows.
        let w = (w as i32).unsigned_abs();
        let h = (h as i32).unsigned_abs();
        (w, h, bpp)
    };
    if w == 0 || h == 0 {
        return Err(corrupt(FORMAT, "zero width or height"));
    }
    let mut facts = ImageFacts::new(ImageFormat::Bmp, w, h, 1);
    facts.colour = Some(Colour {
        model: if bpp <= 8 {
            ColourModel::Indexed
        } else {
            ColourModel::Rgb
        },
        icc_profile: dib >= 124,
        adobe_rgb: false,
    });
    Ok(MediaFacts::Image(facts))
}
