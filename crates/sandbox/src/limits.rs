//! The numeric limits the sandbox enforces while fetching. (The publishing rules proper live
//! in `instapub-rules`; these are the caps a download needs before any rule can run.)

/// Largest image Instagram downloads (2207004 names it "8 MiB").
pub const IMAGE_MAX_BYTES: u64 = 8 * 1024 * 1024;
/// Largest reel (300 MB in Meta's Reels specification).
pub const REEL_MAX_BYTES: u64 = 300 * 1024 * 1024;
/// Largest video story and carousel video (100 MB).
pub const STORY_MAX_BYTES: u64 = 100 * 1024 * 1024;
/// Carousel children, inclusive.
pub const CAROUSEL_MIN: usize = 2;
pub const CAROUSEL_MAX: usize = 10;
