//! Every number the rules use, as data. [`Limits::documented`] is Meta's current reference;
//! where Meta's pages disagree (reference/api-surface.md, "Open questions") the alternatives are
//! fields to set, not code to change.

use serde::Serialize;

use crate::text::CountBy;

/// An inclusive range of milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Millis {
    pub min: u64,
    pub max: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limits {
    pub caption_max_chars: usize,
    pub caption_count_by: CountBy,
    pub hashtags_max: usize,
    pub mentions_max: usize,
    pub carousel_min: usize,
    pub carousel_max: usize,
    /// Image files (2207004 names it "8 MiB").
    pub image_max_bytes: u64,
    /// Feed and carousel images, width/height after EXIF orientation (4:5 .. 1.91:1).
    pub image_aspect_min: f64,
    pub image_aspect_max: f64,
    pub reel_duration: Millis,
    /// 300 MB on the English reference page; translated pages and old docs say 1 GB.
    pub reel_max_bytes: u64,
    pub story_video_duration: Millis,
    pub story_video_max_bytes: u64,
    /// Carousel videos: no current Meta page; the legacy feed-video values.
    pub carousel_video_duration: Millis,
    pub carousel_video_max_bytes: u64,
    pub frame_rate_min: f64,
    pub frame_rate_max: f64,
    pub video_max_width: u32,
    /// Reels spec says "moov atom at the front"; real uploads with it at the end work
    /// (Meta fetches with ranges), so this is off by default.
    pub require_moov_first: bool,
    /// Reels spec says "no edit lists"; ffmpeg writes one into most files, so off by default.
    pub forbid_edit_lists: bool,
}

const MB: u64 = 1024 * 1024;

impl Limits {
    /// Meta's current reference values.
    pub fn documented() -> Limits {
        Limits {
            caption_max_chars: 2200,
            caption_count_by: CountBy::Chars,
            hashtags_max: 30,
            mentions_max: 20,
            carousel_min: 2,
            carousel_max: 10,
            image_max_bytes: 8 * MB,
            image_aspect_min: 0.8,
            image_aspect_max: 1.91,
            reel_duration: Millis {
                min: 3_000,
                max: 15 * 60_000,
            },
            reel_max_bytes: 300 * MB,
            story_video_duration: Millis {
                min: 3_000,
                max: 60_000,
            },
            story_video_max_bytes: 100 * MB,
            carousel_video_duration: Millis {
                min: 3_000,
                max: 60_000,
            },
            carousel_video_max_bytes: 100 * MB,
            frame_rate_min: 23.0,
            frame_rate_max: 60.0,
            video_max_width: 1920,
            require_moov_first: false,
            forbid_edit_lists: false,
        }
    }

    /// The older, larger reel size some Meta pages still give.
    pub fn with_reel_max_1gb(mut self) -> Limits {
        self.reel_max_bytes = 1024 * MB;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::documented()
    }
}
