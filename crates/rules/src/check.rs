//! The rules, in the fixed order Instagram's answer follows: the first violation is the error a
//! request gets; [`check_all`] lists every one.
//!
//! 1. `media_type` is known (2207023);
//! 2. required parameters are there (100 "The parameter X is required");
//! 3. a carousel has 2-10 children (2207028);
//! 4. caption: length (2207010), hashtags (2207040 naming 30), @-mentions (2207040 naming 20);
//! 5. product tags: x/y required on images (2207036), forbidden on video (2207035), every
//!    product known and approved in the account's catalogs (2207037);
//! 6. images: file size (2207004), JPEG only (2207005), aspect ratio (2207009);
//! 7. videos (2207026, `{video}` names the property): container (MP4/MOV/M4V), video codec
//!    (H.264/HEVC), audio codec (AAC), frame rate, width, duration, file size, and if the limits
//!    ask for it moov position and edit lists; then `thumb_offset` (2207057).
//!
//! Placeholders are rendered as documented in [`crate::render`]. Every violation also carries
//! a detail for people (`CatalogError::detail`, never on the wire): the value that broke the
//! rule and the limit it broke, e.g. "31 hashtags; at most 30".

use instapub_errors::{placeholder as ph, CatalogError, Id};
use instapub_media::{AudioCodec, ImageFormat, MediaFacts, VideoCodec, VideoContainer};

use crate::limits::{Limits, Millis};
use crate::render;
use crate::request::{KnownProduct, Request};
use crate::text;
use crate::vocabulary::{Kind, RequestType};

/// The kind of container a request creates (rule 1).
pub fn kind(req: &Request) -> Result<Kind, CatalogError> {
    let Some(sent) = req.media_type.as_deref() else {
        return Ok(image_kind(req));
    };
    let Some(t) = RequestType::parse(sent) else {
        return Err(CatalogError::new(Id::UnknownMediaType).with(ph::MEDIA_TYPE, sent));
    };
    Ok(match t {
        RequestType::Image => image_kind(req),
        RequestType::Reels => Kind::Reel,
        RequestType::Stories if req.video_url.is_some() || req.resumable => Kind::StoryVideo,
        RequestType::Stories => Kind::StoryImage,
        RequestType::Video => Kind::CarouselVideo,
        RequestType::Carousel => Kind::Carousel,
    })
}

fn image_kind(req: &Request) -> Kind {
    if req.is_carousel_item {
        Kind::CarouselImage
    } else {
        Kind::Image
    }
}

/// Rules 1-4 and the position half of 5: everything decidable from the request alone.
pub fn check_request(req: &Request, limits: &Limits) -> Vec<CatalogError> {
    let mut out = Vec::new();
    let kind = match kind(req) {
        Ok(k) => k,
        Err(e) => return vec![e],
    };
    // 2. Required parameters.
    let missing = |name: &str| CatalogError::new(Id::ParameterRequired).with(ph::PARAM, name);
    if kind.is_image() && req.image_url.is_none() {
        out.push(missing("image_url"));
    }
    if kind.is_video() && req.video_url.is_none() && !req.resumable {
        out.push(missing("video_url"));
    }
    if kind == Kind::Carousel && req.children.is_none() {
        out.push(missing("children"));
    }
    // 3. Carousel size.
    if let (Kind::Carousel, Some(children)) = (kind, &req.children) {
        if !(limits.carousel_min..=limits.carousel_max).contains(&children.len()) {
            out.push(
                CatalogError::new(Id::CarouselItemCount).with_detail(format!(
                    "{} children; a carousel has {} to {}",
                    children.len(),
                    limits.carousel_min,
                    limits.carousel_max
                )),
            );
        }
    }
    // 4. Caption.
    if let Some(caption) = &req.caption {
        let length = text::length(caption, limits.caption_count_by);
        if length > limits.caption_max_chars {
            out.push(
                CatalogError::new(Id::CaptionTooLong)
                    .with(ph::SUBMITTED_CAPTION_LENGTH, length.to_string())
                    .with(
                        ph::MAXIMUM_CAPTION_LENGTH,
                        limits.caption_max_chars.to_string(),
                    )
                    .with_detail(format!(
                        "the caption is {length} characters; at most {}",
                        limits.caption_max_chars
                    )),
            );
        }
        let hashtags = text::hashtags(caption).len();
        if hashtags > limits.hashtags_max {
            out.push(
                CatalogError::new(Id::TooManyTags)
                    .with(ph::MAX_TAG_COUNT, limits.hashtags_max.to_string())
                    .with_detail(format!(
                        "{hashtags} hashtags; at most {}",
                        limits.hashtags_max
                    )),
            );
        }
        let mentions = text::mentions(caption).len();
        if mentions > limits.mentions_max {
            out.push(
                CatalogError::new(Id::TooManyTags)
                    .with(ph::MAX_TAG_COUNT, limits.mentions_max.to_string())
                    .with_detail(format!(
                        "{mentions} @-mentions; at most {}",
                        limits.mentions_max
                    )),
            );
        }
    }
    // 5a. Product tag positions.
    if !req.product_tags.is_empty() {
        let positioned = |t: &crate::request::ProductTag| t.x.is_some() || t.y.is_some();
        if kind.is_video() && req.product_tags.iter().any(positioned) {
            out.push(
                CatalogError::new(Id::ProductTagPositionOnVideo)
                    .with_detail("product tags on a video take no x or y"),
            );
        }
        if kind.is_image()
            && req
                .product_tags
                .iter()
                .any(|t| t.x.is_none() || t.y.is_none())
        {
            out.push(
                CatalogError::new(Id::ProductTagPositionRequired)
                    .with_detail("every product tag on an image needs x and y"),
            );
        }
    }
    out
}

/// Rule 5b: every tagged product is in the account's catalogs and approved.
pub fn check_products(req: &Request, known: &[KnownProduct]) -> Vec<CatalogError> {
    let bad = req.product_tags.iter().find(|t| {
        !known
            .iter()
            .any(|p| p.id == t.product_id && p.review_status == "approved")
    });
    match bad {
        Some(t) => {
            let why = match known.iter().find(|p| p.id == t.product_id) {
                Some(p) => format!("its review status is {}", p.review_status),
                None => "it is in none of the account's catalogs".to_owned(),
            };
            vec![CatalogError::new(Id::ProductTagInvalid)
                .with_detail(format!("product {} cannot be tagged: {why}", t.product_id))]
        }
        None => Vec::new(),
    }
}

/// Rules 6-7: the media behind the URL, `size` bytes long, as the probe found it.
pub fn check_media(
    req: &Request,
    kind: Kind,
    facts: &MediaFacts,
    size: u64,
    limits: &Limits,
) -> Vec<CatalogError> {
    if kind.is_image() {
        check_image(kind, facts, size, limits)
    } else if kind.is_video() {
        check_video(req, kind, facts, size, limits)
    } else {
        Vec::new()
    }
}

fn check_image(kind: Kind, facts: &MediaFacts, size: u64, limits: &Limits) -> Vec<CatalogError> {
    let mut out = Vec::new();
    if size > limits.image_max_bytes {
        out.push(
            CatalogError::new(Id::ImageTooLarge)
                .with(ph::SIZE, render::size(limits.image_max_bytes))
                .with_detail(format!(
                    "the image is {size} bytes; at most {} ({})",
                    limits.image_max_bytes,
                    render::size(limits.image_max_bytes)
                )),
        );
    }
    let image = match facts {
        MediaFacts::Image(i) => Some(i),
        _ => None,
    };
    if image.is_none_or(|i| i.format != ImageFormat::Jpeg) {
        out.push(
            CatalogError::new(Id::UnsupportedImageFormat)
                .with(ph::CURRENT_IMAGE_FORMAT, render::image_format(facts))
                .with(ph::FORMAT, "JPEG")
                .with_detail(format!("{facts}; Instagram takes JPEG only")),
        );
    }
    if let Some(i) = image {
        // Stories are cropped to 9:16 by Instagram; only feed and carousel images have a range.
        if kind != Kind::StoryImage && i.display_height > 0 {
            let ratio = f64::from(i.display_width) / f64::from(i.display_height);
            if ratio < limits.image_aspect_min || ratio > limits.image_aspect_max {
                out.push(
                    CatalogError::new(Id::AspectRatioUnsupported)
                        .with(
                            ph::SUBMITTED_RATIO,
                            render::ratio(i.display_width, i.display_height),
                        )
                        .with_detail(format!(
                            "{}×{} is {ratio:.3}:1; from {:.3}:1 (4:5) to {:.3}:1 (1.91:1) are taken",
                            i.display_width,
                            i.display_height,
                            limits.image_aspect_min,
                            limits.image_aspect_max
                        )),
                );
            }
        }
    }
    out
}

fn video_error(property: &str, detail: String) -> CatalogError {
    CatalogError::new(Id::UnsupportedVideoFormat)
        .with(ph::VIDEO, property)
        .with_detail(detail)
}

fn check_video(
    req: &Request,
    kind: Kind,
    facts: &MediaFacts,
    size: u64,
    limits: &Limits,
) -> Vec<CatalogError> {
    let MediaFacts::Video(v) = facts else {
        return vec![video_error(
            "container",
            format!("{facts}; Instagram takes MP4 or MOV video"),
        )];
    };
    let mut out = Vec::new();
    if !matches!(
        v.container,
        VideoContainer::Mp4 | VideoContainer::Mov | VideoContainer::M4v
    ) {
        out.push(video_error(
            "container",
            format!(
                "the file is {}; Instagram takes MP4 or MOV",
                v.container.name()
            ),
        ));
    }
    if !matches!(v.video_codec, Some(VideoCodec::H264 | VideoCodec::Hevc)) {
        let codec = v
            .video_codec
            .as_ref()
            .map_or("no video track".to_owned(), |c| {
                format!("{} video", c.name())
            });
        out.push(video_error(
            "codec",
            format!("{codec}; Instagram takes H.264 or HEVC"),
        ));
    }
    if let Some(a) = v.audio.as_ref().filter(|a| a.codec != AudioCodec::Aac) {
        out.push(video_error(
            "audio_codec",
            format!("{} audio; Instagram takes AAC", a.codec.name()),
        ));
    }
    if let Some(f) = v
        .frame_rate
        .filter(|f| *f < limits.frame_rate_min - 0.01 || *f > limits.frame_rate_max + 0.01)
    {
        out.push(video_error(
            "frame_rate",
            format!(
                "{:.2} fps; from {} to {} fps are taken",
                f, limits.frame_rate_min, limits.frame_rate_max
            ),
        ));
    }
    if v.display_width > limits.video_max_width {
        out.push(video_error(
            "resolution",
            format!(
                "{} pixels wide; at most {}",
                v.display_width, limits.video_max_width
            ),
        ));
    }
    let (duration, max_bytes): (Millis, u64) = match kind {
        Kind::Reel => (limits.reel_duration, limits.reel_max_bytes),
        Kind::StoryVideo => (limits.story_video_duration, limits.story_video_max_bytes),
        _ => (
            limits.carousel_video_duration,
            limits.carousel_video_max_bytes,
        ),
    };
    let what = match kind {
        Kind::Reel => "a reel",
        Kind::StoryVideo => "a story video",
        _ => "a carousel video",
    };
    if let Some(d) = v
        .duration_ms
        .filter(|d| *d < duration.min || *d > duration.max)
    {
        out.push(video_error(
            "duration",
            format!(
                "{:.1} s long; {what} is {} to {} s",
                d as f64 / 1000.0,
                duration.min as f64 / 1000.0,
                duration.max as f64 / 1000.0
            ),
        ));
    }
    if size > max_bytes {
        out.push(video_error(
            "file_size",
            format!(
                "{size} bytes; {what} is at most {max_bytes} ({})",
                render::size(max_bytes)
            ),
        ));
    }
    if limits.require_moov_first && v.moov_before_mdat == Some(false) {
        out.push(video_error(
            "moov_position",
            "the moov box comes after the media data; it must come first (faststart)".into(),
        ));
    }
    if limits.forbid_edit_lists && v.has_edit_list {
        out.push(video_error(
            "edit_list",
            "the video has an edit list, which these limits forbid".into(),
        ));
    }
    if let (Some(offset), Some(d)) = (req.thumb_offset, v.duration_ms) {
        if offset < 0 || offset as u64 >= d {
            out.push(
                CatalogError::new(Id::ThumbOffsetOutOfRange)
                    .with(ph::VIDEO_LENGTH, d.to_string())
                    .with_detail(format!(
                        "thumb_offset is {offset} ms; the video is {d} ms long"
                    )),
            );
        }
    }
    out
}

/// Every violation of a request with (optionally) its probed media and the account's products.
pub fn check_all(
    req: &Request,
    media: Option<(&MediaFacts, u64)>,
    products: &[KnownProduct],
    limits: &Limits,
) -> Vec<CatalogError> {
    let mut out = check_request(req, limits);
    let Ok(kind) = kind(req) else {
        return out;
    };
    out.extend(check_products(req, products));
    if let Some((facts, size)) = media {
        out.extend(check_media(req, kind, facts, size, limits));
    }
    out
}

/// The first violation: the error Instagram answers with.
pub fn first(
    req: &Request,
    media: Option<(&MediaFacts, u64)>,
    products: &[KnownProduct],
    limits: &Limits,
) -> Result<(), CatalogError> {
    match check_all(req, media, products, limits).into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
