//! GIF: the logical screen descriptor right after the signature.

use crate::bytes::le16;
use crate::facts::{Colour, ColourModel, ImageFacts, ImageFormat, MediaFacts};
use crate::{corrupt, need, Parse};

const FORMAT: &str = "gif";

/// Probe a GIF prefix.
pub(crate) fn probe(buf: &[u8], eof: bool) -> Parse<MediaFacts> {
    let (Some(w), Some(h)) = (le16(buf, 6), le16(buf, 8)) else {
        return Err(need(FORMAT, 10, eof));
    };
    if w == 0 || h == 0 {
        return Err(corrupt(FORMAT, "zero logical screen size"));
    }
    let mut facts = ImageFacts::new(ImageFormat::Gif, u32::from(w), u32::from(h), 1);
    facts.colour = Some(Colour {
        model: ColourModel::Indexed,
        icc_profile: false,
        adobe_rgb: false,
    });
    Ok(MediaFacts::Image(facts))
}
