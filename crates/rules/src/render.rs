//! How placeholder values are written, in one place:
//! - `{size}`: `8 MiB` (whole MiB, as Meta's sample);
//! - `{current-image-format}`: the probed format in lower case (`png`, `webp`, `mpo`), or
//!   `unknown` for bytes no image format recognises, as in a real 2207005 body; `{format}`:
//!   `JPEG`;
//! - `{submitted-ratio}`: displayed width/height reduced by their gcd (`719/194`). Real bodies
//!   leak odd forms (`('719/194',)`); we send the clean one;
//! - `{video}`: the failing property: `container`, `codec`, `audio_codec`, `frame_rate`,
//!   `resolution`, `duration`, `file_size`, `moov_position`, `edit_list` (real texts say e.g.
//!   "supported codec", "supported frame_rate format");
//! - `{video-length}`: the video's duration in milliseconds (thumb_offset is in ms);
//! - caption lengths and tag maxima: plain decimal numbers.

use instapub_media::{ImageFormat, MediaFacts};

pub fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

pub fn image_format(facts: &MediaFacts) -> &'static str {
    match facts {
        MediaFacts::Image(i) => match i.format {
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Mpo => "mpo",
            ImageFormat::Png => "png",
            ImageFormat::Gif => "gif",
            ImageFormat::Webp => "webp",
            ImageFormat::Heic => "heic",
            ImageFormat::Heif => "heif",
            ImageFormat::Avif => "avif",
            ImageFormat::Bmp => "bmp",
            ImageFormat::Tiff => "tiff",
        },
        MediaFacts::Video(_) => "video",
        MediaFacts::Unsupported { .. } | MediaFacts::Unknown => "unknown",
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

pub fn ratio(width: u32, height: u32) -> String {
    let g = gcd(width, height).max(1);
    format!("{}/{}", width / g, height / g)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ratios_and_sizes() {
        assert_eq!(super::ratio(1438, 388), "719/194");
        assert_eq!(super::ratio(1080, 1350), "4/5");
        assert_eq!(super::size(8 * 1024 * 1024), "8 MiB");
    }
}
