//! JPEG and MPO: walks the marker segments up to the frame header (SOFn).
//!
//! Reads on the way: EXIF orientation (APP1), the MPF segment that makes a file an MPO and an
//! ICC profile (APP2), the Adobe transform (APP14) that tells CMYK from YCCK. Stops at SOFn;
//! every segment is at most 64 KiB, so the prefix it needs is small unless the file is hostile.

use crate::bytes::{be16, off, u8_at};
use crate::facts::{Colour, ColourModel, ImageFacts, ImageFormat, MediaFacts};
use crate::{corrupt, need, tiff, Parse};

const FORMAT: &str = "jpeg";

/// Probe a JPEG prefix.
pub(crate) fn probe(buf: &[u8], eof: bool) -> Parse<MediaFacts> {
    let mut pos = 2usize;
    let mut orientation = 1u8;
    let mut exif_seen = false;
    let mut mpo = false;
    let mut icc = false;
    let mut adobe_rgb = false;
    let mut adobe_transform: Option<u8> = None;
    loop {
        let Some(b) = u8_at(buf, pos) else {
            return Err(need(FORMAT, off(pos) + 2, eof));
        };
        if b != 0xFF {
            return Err(corrupt(FORMAT, "expected a marker"));
        }
        // Fill bytes: any run of 0xFF before the marker code.
        while u8_at(buf, pos) == Some(0xFF) {
            pos += 1;
        }
        let Some(m) = u8_at(buf, pos) else {
            return Err(need(FORMAT, off(pos) + 1, eof));
        };
        pos += 1;
        match m {
            0x01 | 0xD0..=0xD8 => continue,
            0xD9 | 0xDA => return Err(corrupt(FORMAT, "no frame header before the scan")),
            0x00 => return Err(corrupt(FORMAT, "stuffed zero where a marker belongs")),
            _ => {}
        }
        let Some(len) = be16(buf, pos) else {
            return Err(need(FORMAT, off(pos) + 2, eof));
        };
        let len = usize::from(len);
        if len < 2 {
            return Err(corrupt(FORMAT, "segment length below 2"));
        }
        let end = pos + len;
        let Some(seg) = buf.get(pos + 2..end) else {
            return Err(need(FORMAT, off(end), eof));
        };
        pos = end;
        match m {
            0xE1 if !exif_seen && seg.starts_with(b"Exif\0\0") => {
                exif_seen = true;
                orientation = tiff::exif_orientation(seg.get(6..).unwrap_or(&[]));
            }
            0xE2 if seg.starts_with(b"MPF\0") => mpo = true,
            0xE2 if seg.starts_with(b"ICC_PROFILE\0") => {
                icc = true;
                adobe_rgb |= seg.windows(9).any(|w| w == b"Adobe RGB");
            }
            0xEE if seg.starts_with(b"Adobe") => adobe_transform = u8_at(seg, 11),
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                let (Some(h), Some(w), Some(n)) = (be16(seg, 1), be16(seg, 3), u8_at(seg, 5))
                else {
                    return Err(corrupt(FORMAT, "short frame header"));
                };
                if w == 0 || h == 0 {
                    return Err(corrupt(FORMAT, "zero width or height in the frame header"));
                }
                let format = if mpo {
                    ImageFormat::Mpo
                } else {
                    ImageFormat::Jpeg
                };
                let mut facts = ImageFacts::new(format, u32::from(w), u32::from(h), orientation);
                facts.progressive = Some(matches!(m, 0xC2 | 0xC6 | 0xCA | 0xCE));
                let model = match n {
                    1 => ColourModel::Grayscale,
                    3 => ColourModel::YCbCr,
                    4 if adobe_transform == Some(2) => ColourModel::Ycck,
                    4 => ColourModel::Cmyk,
                    _ => ColourModel::Other,
                };
                facts.colour = Some(Colour {
                    model,
                    icc_profile: icc,
                    adobe_rgb,
                });
                return Ok(MediaFacts::Image(facts));
            }
            _ => {}
        }
    }
}
