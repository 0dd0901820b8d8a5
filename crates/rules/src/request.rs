//! The container request as the rules see it: what kind of media, which URLs, caption, tags.

use serde::Serialize;

/// A product tag (`product_tags` entry).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductTag {
    pub product_id: String,
    pub x: Option<f64>,
    pub y: Option<f64>,
}

/// A container creation request.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Request {
    /// `media_type` exactly as sent.
    pub media_type: Option<String>,
    pub is_carousel_item: bool,
    pub image_url: Option<String>,
    pub video_url: Option<String>,
    /// `upload_type=resumable`: the video comes later, by upload.
    pub resumable: bool,
    pub caption: Option<String>,
    /// `children` of a carousel.
    pub children: Option<Vec<String>>,
    pub product_tags: Vec<ProductTag>,
    /// `thumb_offset` in ms.
    pub thumb_offset: Option<i64>,
}

/// A product as the account's catalogs know it (for 2207037).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownProduct {
    pub id: String,
    /// Only `approved` products can be tagged.
    pub review_status: String,
}
