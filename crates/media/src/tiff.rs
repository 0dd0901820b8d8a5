//! TIFF: the file format itself, and the TIFF structure inside EXIF (JPEG APP1, PNG `eXIf`).
//!
//! Reads IFD0 only: width, height, orientation, photometric interpretation, ICC profile tag.
//! Offsets in a TIFF point anywhere in the file, so on a prefix the parser asks for the bytes
//! an offset needs (capped by the caller's cap like everything else).

use crate::bytes::{be16, be32, le16, le32, off};
use crate::facts::{Colour, ColourModel, ImageFacts, ImageFormat, MediaFacts};
use crate::{corrupt, need, Parse};

const FORMAT: &str = "tiff";
/// IFD0 entries read at most (a real IFD0 has a few dozen).
const MAX_ENTRIES: usize = 1024;

/// What IFD0 says.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Ifd0 {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub orientation: Option<u16>,
    pub photometric: Option<u16>,
    pub icc: bool,
}

struct Endian {
    little: bool,
}

impl Endian {
    fn u16(&self, b: &[u8], at: usize) -> Option<u16> {
        if self.little {
            le16(b, at)
        } else {
            be16(b, at)
        }
    }
    fn u32(&self, b: &[u8], at: usize) -> Option<u32> {
        if self.little {
            le32(b, at)
        } else {
            be32(b, at)
        }
    }
}

/// Parse IFD0 of the TIFF structure starting at `t[0]`; offsets are relative to `t`.
/// `eof`: `t` is complete. Missing bytes give `Need(absolute offset)` where `base` is `t`'s
/// position in the file.
pub(crate) fn parse_ifd0(t: &[u8], base: u64, eof: bool) -> Parse<Ifd0> {
    let short = |at: usize| need(FORMAT, base.saturating_add(off(at)), eof);
    let little = match t.get(..4) {
        Some(b"II*\0") => true,
        Some(b"MM\0*") => false,
        Some(_) => return Err(corrupt(FORMAT, "bad byte-order mark")),
        None => return Err(short(8)),
    };
    let e = Endian { little };
    let ifd = e.u32(t, 4).ok_or_else(|| short(8))? as usize;
    if ifd < 8 {
        return Err(corrupt(FORMAT, "IFD0 offset inside the header"));
    }
    let count = e.u16(t, ifd).ok_or_else(|| short(ifd.saturating_add(2)))? as usize;
    if count > MAX_ENTRIES {
        return Err(corrupt(FORMAT, "IFD0 has too many entries"));
    }
    let end = ifd
        .saturating_add(2)
        .saturating_add(count.saturating_mul(12));
    if t.len() < end {
        return Err(short(end));
    }
    let mut out = Ifd0::default();
    for i in 0..count {
        let at = ifd + 2 + i * 12;
        let (Some(tag), Some(typ), Some(n)) = (e.u16(t, at), e.u16(t, at + 2), e.u32(t, at + 4))
        else {
            break;
        };
        // SHORT (3) or LONG (4), single value stored inline.
        let value = match (typ, n) {
            (3, 1) => e.u16(t, at + 8).map(u32::from),
            (4, 1) => e.u32(t, at + 8),
            _ => None,
        };
        match tag {
            0x0100 => out.width = value,
            0x0101 => out.height = value,
            0x0112 => out.orientation = value.and_then(|v| u16::try_from(v).ok()),
            0x0106 => out.photometric = value.and_then(|v| u16::try_from(v).ok()),
            0x8773 => out.icc = true,
            _ => {}
        }
    }
    Ok(out)
}

/// EXIF orientation from an APP1/eXIf payload starting at the TIFF header; 1 when absent.
pub(crate) fn exif_orientation(tiff: &[u8]) -> u8 {
    match parse_ifd0(tiff, 0, true) {
        Ok(ifd) => ifd
            .orientation
            .and_then(|o| u8::try_from(o).ok())
            .filter(|o| (1..=8).contains(o))
            .unwrap_or(1),
        Err(_) => 1,
    }
}

/// Probe a TIFF file prefix.
pub(crate) fn probe(buf: &[u8], eof: bool) -> Parse<MediaFacts> {
    let ifd = parse_ifd0(buf, 0, eof)?;
    let (Some(w), Some(h)) = (ifd.width, ifd.height) else {
        return Err(corrupt(FORMAT, "IFD0 lacks width or height"));
    };
    let orientation = ifd
        .orientation
        .and_then(|o| u8::try_from(o).ok())
        .unwrap_or(1);
    let mut facts = ImageFacts::new(ImageFormat::Tiff, w, h, orientation);
    let model = match ifd.photometric {
        Some(0 | 1) => ColourModel::Grayscale,
        Some(2) => ColourModel::Rgb,
        Some(3) => ColourModel::Indexed,
        Some(5) => ColourModel::Cmyk,
        Some(6) => ColourModel::YCbCr,
        _ => ColourModel::Other,
    };
    facts.colour = Some(Colour {
        model,
        icc_profile: ifd.icc,
        adobe_rgb: false,
    });
    Ok(MediaFacts::Image(facts))
}
