//! What is published, in one vocabulary: the kind of container a request creates ([`Kind`]),
//! the `media_type` values a create request sends ([`RequestType`]), and what Graph reports on
//! the published media object ([`MediaType`], [`ProductType`]). This module is the only place
//! in the project that spells their wire strings; the sandbox, the client and the CLI use
//! these types.

use serde::{Deserialize, Serialize};

/// Declares a wire-string enum with `ALL`, `as_str` and an exact `parse`.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant,)*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The string Graph uses on the wire.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)* }
            }

            /// The value a wire string names, exactly as Graph spells it.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($wire => Some($name::$variant),)* _ => None }
            }

            /// Every wire string, for messages and schemas.
            pub fn names() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// `media_type` of a create request (`POST /{ig-user-id}/media`). A feed image sends none.
    RequestType {
        Image = "IMAGE",
        /// A carousel video item.
        Video = "VIDEO",
        Reels = "REELS",
        Stories = "STORIES",
        Carousel = "CAROUSEL",
    }
}

wire_enum! {
    /// `media_type` of a published media object.
    MediaType {
        Image = "IMAGE",
        Video = "VIDEO",
        CarouselAlbum = "CAROUSEL_ALBUM",
    }
}

wire_enum! {
    /// `media_product_type` of a published media object.
    ProductType {
        Feed = "FEED",
        Reels = "REELS",
        Story = "STORY",
        Ad = "AD",
    }
}

wire_enum! {
    /// What a container is, from `media_type`, `is_carousel_item` and the media URL given
    /// ([`crate::check::kind`] decides it from a request). The strings are the sandbox's stored names.
    Kind {
        /// A feed image (no `media_type`).
        Image = "IMAGE",
        Reel = "REELS",
        StoryImage = "STORIES_IMAGE",
        StoryVideo = "STORIES_VIDEO",
        CarouselImage = "CAROUSEL_IMAGE",
        /// `media_type=VIDEO`: a carousel video item.
        CarouselVideo = "CAROUSEL_VIDEO",
        Carousel = "CAROUSEL",
    }
}

impl Kind {
    pub fn is_video(self) -> bool {
        matches!(self, Kind::Reel | Kind::StoryVideo | Kind::CarouselVideo)
    }

    pub fn is_image(self) -> bool {
        matches!(self, Kind::Image | Kind::StoryImage | Kind::CarouselImage)
    }

    /// A child of a carousel, which cannot be published alone.
    pub fn is_carousel_item(self) -> bool {
        matches!(self, Kind::CarouselImage | Kind::CarouselVideo)
    }

    /// The `media_type` a create request sends for this kind (`None`: a feed image sends none).
    pub fn request_type(self) -> Option<RequestType> {
        match self {
            Kind::Image | Kind::CarouselImage => None,
            Kind::Reel => Some(RequestType::Reels),
            Kind::StoryImage | Kind::StoryVideo => Some(RequestType::Stories),
            Kind::CarouselVideo => Some(RequestType::Video),
            Kind::Carousel => Some(RequestType::Carousel),
        }
    }

    /// `media_type` and `media_product_type` of the media this kind publishes as.
    pub fn published(self) -> (MediaType, ProductType) {
        match self {
            Kind::Image | Kind::CarouselImage => (MediaType::Image, ProductType::Feed),
            Kind::CarouselVideo => (MediaType::Video, ProductType::Feed),
            Kind::Reel => (MediaType::Video, ProductType::Reels),
            Kind::StoryImage => (MediaType::Image, ProductType::Story),
            Kind::StoryVideo => (MediaType::Video, ProductType::Story),
            Kind::Carousel => (MediaType::CarouselAlbum, ProductType::Feed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_strings_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(*k));
            let json = serde_json::to_string(k).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
        }
        for t in RequestType::ALL {
            assert_eq!(RequestType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(
            MediaType::parse("CAROUSEL_ALBUM"),
            Some(MediaType::CarouselAlbum)
        );
        assert_eq!(ProductType::parse("reels"), None, "wire strings are exact");
    }

    #[test]
    fn kinds_publish_as_graph_reports_them() {
        assert_eq!(
            Kind::Reel.published(),
            (MediaType::Video, ProductType::Reels)
        );
        assert_eq!(Kind::StoryImage.published().1, ProductType::Story);
        assert_eq!(Kind::Carousel.published().0, MediaType::CarouselAlbum);
        assert_eq!(Kind::StoryVideo.request_type(), Some(RequestType::Stories));
        assert_eq!(Kind::CarouselImage.request_type(), None);
        assert!(Kind::CarouselVideo.is_carousel_item() && !Kind::Reel.is_carousel_item());
    }
}
