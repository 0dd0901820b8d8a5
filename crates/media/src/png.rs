//! PNG: IHDR for size, bit layout and interlace; ancillary chunks before the first IDAT for
//! the ICC profile (`iCCP`) and EXIF orientation (`eXIf`).

use crate::bytes::{be32, fourcc, off, u8_at};
use crate::facts::{Colour, ColourModel, ImageFacts, ImageFormat, MediaFacts};
use crate::{corrupt, need, tiff, Parse};

const FORMAT: &str = "png";
/// The 8-byte PNG signature.
pub(crate) const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Probe a PNG prefix.
pub(crate) fn probe(buf: &[u8], eof: bool) -> Parse<MediaFacts> {
    // IHDR must come first: length 13, then width, height, depth, colour type, ..., interlace.
    let Some(ihdr) = buf.get(8..33) else {
        return Err(need(FORMAT, 33, eof));
    };
    if ihdr.get(4..8) != Some(&b"IHDR"[..]) || be32(ihdr, 0) != Some(13) {
        return Err(corrupt(FORMAT, "first chunk is not a 13-byte IHDR"));
    }
    let (Some(w), Some(h), Some(ct), Some(il)) = (
        be32(ihdr, 8),
        be32(ihdr, 12),
        u8_at(ihdr, 17),
        u8_at(ihdr, 20),
    ) else {
        return Err(corrupt(FORMAT, "short IHDR"));
    };
    if w == 0 || h == 0 || w > i32::MAX as u32 || h > i32::MAX as u32 {
        return Err(corrupt(FORMAT, "width or height out of range"));
    }
    let mut orientation = 1;
    let mut icc = false;
    let mut adobe_rgb = false;
    let mut pos = 33usize;
    // Ancillary chunks up to IDAT. At the end of the data, answer with what was seen.
    loop {
        let (Some(len), Some(kind)) = (be32(buf, pos), fourcc(buf, pos + 4)) else {
            if eof {
                break;
            }
            return Err(need(FORMAT, off(pos) + 8, eof));
        };
        if &kind == b"IDAT" || &kind == b"IEND" {
            break;
        }
        let len = len as usize;
        let end = pos.saturating_add(12).saturating_add(len);
        if &kind == b"iCCP" || &kind == b"eXIf" {
            let Some(data) = buf.get(pos + 8..end - 4) else {
                if eof {
                    break;
                }
                return Err(need(FORMAT, off(end) + 8, eof));
            };
            if &kind == b"iCCP" {
                icc = true;
                // The profile name comes first, uncompressed.
                adobe_rgb = data
                    .get(..80)
                    .unwrap_or(data)
                    .windows(9)
                    .any(|w| w == b"Adobe RGB");
            } else {
                orientation = tiff::exif_orientation(data);
            }
        }
        pos = end;
    }
    let mut facts = ImageFacts::new(ImageFormat::Png, w, h, orientation);
    facts.progressive = Some(il == 1);
    let model = match ct {
        0 | 4 => ColourModel::Grayscale,
        2 | 6 => ColourModel::Rgb,
        3 => ColourModel::Indexed,
        _ => ColourModel::Other,
    };
    facts.colour = Some(Colour {
        model,
        icc_profile: icc,
        adobe_rgb,
    });
    Ok(MediaFacts::Image(facts))
}
