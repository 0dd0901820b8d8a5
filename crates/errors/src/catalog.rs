//! **The catalog**: every Graph API error instapub knows, in one declarative table.
//!
//! This file is the only place in the project where an error code, subcode, wire message or
//! recommended action is written down. Everything else (rules, sandbox, client, CLI) names an
//! entry by its [`Id`] and asks the table for the rest.
//!
//! To add an error: add one block below (doc comment, `Name = family { fields }`), run the
//! tests. `Id`, `Id::ALL`, [`ENTRIES`] and the lookups are generated from the table.
//!
//! Families give the wire shape an entry starts from (see the `const fn`s at the bottom):
//! - `publishing`: Instagram 2207xxx-style body: `is_transient: false` after the subcode, with
//!   `error_user_title` and `error_user_msg`.
//! - `graph`: token and permission errors: no `is_transient`, no user title or message.
//! - `throttle`: throttle and outage bodies: `is_transient: true` placed right after `type`.
//!
//! Wording: `message`, `user_title` and `user_msg` are Meta's wire strings (seed, or observed
//! in the wild, as `evidence` says; "GUESS" marks a field nobody has seen). `summary` and
//! `solution` are ours.

use serde::{Deserialize, Serialize};

use crate::entry::{Action, ErrorType, Host, Observed, OnInstagram, Profile, Source};
use crate::template::placeholder_names;

/// One error the Graph API can return, with everything a program and a person need to know
/// about it. Construct entries only in [`crate::catalog`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Entry {
    /// The entry's stable name; everything else in the project refers to entries by it.
    pub id: Id,
    /// HTTP status of the response carrying this error (documented profile).
    pub status: u16,
    pub code: i64,
    pub subcode: Option<i64>,
    pub error_type: ErrorType,
    /// The developer `message` field. May hold `{placeholders}`.
    pub message: &'static str,
    /// `error_user_title`; `None` means the field is absent on the wire.
    pub user_title: Option<&'static str>,
    /// `error_user_msg` template with the seed's placeholders kept by name; `None` = absent.
    pub user_msg: Option<&'static str>,
    /// `is_transient`; `None` means the field is absent on the wire.
    pub is_transient: Option<bool>,
    /// Throttle and outage bodies put `is_transient` right after `type`, before `code`.
    pub transient_first: bool,
    /// One line, in our words: what happened.
    pub summary: &'static str,
    /// What to do about it, in our words.
    pub solution: &'static str,
    pub action: Action,
    pub source: Source,
    /// Which fields are documented or seen, and where (URLs or document names).
    pub evidence: &'static str,
    /// Meta's own "Recommended Solution" text for seed rows, verbatim.
    pub meta_solution: Option<&'static str>,
    /// Slips in Meta's table and other things worth knowing about this entry.
    pub note: Option<&'static str>,
    /// Differences seen in real traffic; emitted under [`Profile::Observed`].
    pub observed: Option<Observed>,
    /// How graph.instagram.com answers it (the host dimension, applied when rendering).
    pub on_instagram: OnInstagram,
    /// The `error_data` object Meta puts after `code`, as JSON text, when it sends one.
    pub error_data: Option<&'static str>,
}

impl Entry {
    /// The HTTP status under a profile.
    pub fn status_for(&self, profile: Profile) -> u16 {
        self.pick(profile, |o| o.status).unwrap_or(self.status)
    }

    /// The code under a profile.
    pub fn code_for(&self, profile: Profile) -> i64 {
        self.pick(profile, |o| o.code).unwrap_or(self.code)
    }

    /// The developer message template under a profile.
    pub fn message_for(&self, profile: Profile) -> &'static str {
        self.pick(profile, |o| o.message).unwrap_or(self.message)
    }

    /// The user title under a profile.
    pub fn user_title_for(&self, profile: Profile) -> Option<&'static str> {
        self.pick(profile, |o| o.user_title).or(self.user_title)
    }

    /// The user message template under a profile.
    pub fn user_msg_for(&self, profile: Profile) -> Option<&'static str> {
        self.pick(profile, |o| o.user_msg).or(self.user_msg)
    }

    /// The `type` on a host.
    pub fn error_type_on(&self, host: Host) -> ErrorType {
        match (host, self.on_instagram) {
            (Host::Facebook, _) | (Host::Instagram, OnInstagram::AsFacebook { .. }) => {
                self.error_type
            }
            (Host::Instagram, _) => ErrorType::IGApiException,
        }
    }

    /// The developer message template under a profile, on a host: graph.instagram.com's
    /// dialect drops Graph's `(#code) ` prefix, or says what traffic showed it say.
    pub fn message_on(&self, profile: Profile, host: Host) -> &'static str {
        match (host, self.on_instagram) {
            (Host::Facebook, _) | (Host::Instagram, OnInstagram::AsFacebook { .. }) => {
                self.message_for(profile)
            }
            (
                Host::Instagram,
                OnInstagram::Seen {
                    message: Some(m), ..
                },
            ) => m,
            (Host::Instagram, _) => without_code_prefix(self.message_for(profile)),
        }
    }

    /// The HTTP status under a profile, on a host.
    pub fn status_on(&self, profile: Profile, host: Host) -> u16 {
        match (host, self.on_instagram) {
            (
                Host::Instagram,
                OnInstagram::Seen {
                    status: Some(s), ..
                },
            ) => s,
            _ => self.status_for(profile),
        }
    }

    fn pick<T>(&self, profile: Profile, f: impl Fn(&Observed) -> Option<T>) -> Option<T> {
        match (profile, &self.observed) {
            (Profile::Observed, Some(o)) => f(o),
            _ => None,
        }
    }

    /// `code/subcode` or `code`, as people write it.
    pub fn key(&self) -> String {
        match self.subcode {
            Some(s) => format!("{}/{}", self.code, s),
            None => self.code.to_string(),
        }
    }

    /// Every `{placeholder}` name used by this entry's templates, in both profiles.
    pub fn placeholders(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let observed = self.observed.unwrap_or(Observed::SAME);
        for text in [
            Some(self.message),
            self.user_title,
            self.user_msg,
            observed.message,
            observed.user_title,
            observed.user_msg,
        ]
        .into_iter()
        .flatten()
        {
            for name in placeholder_names(text) {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }
}

macro_rules! catalog {
    ($(
        $(#[doc = $doc:literal])*
        $id:ident = $family:ident { $($field:ident : $value:expr),* $(,)? }
    )*) => {
        /// The name of a catalog entry. One variant per entry, in table order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Id {
            $( $(#[doc = $doc])* $id, )*
        }

        /// Every entry, in table order (`ENTRIES[id as usize].id == id`).
        pub static ENTRIES: &[Entry] = &[
            $( Entry { id: Id::$id, $($field: $value,)* ..$family(Id::$id) }, )*
        ];

        impl Id {
            /// Every id, in table order.
            pub const ALL: &'static [Id] = &[ $(Id::$id),* ];

            /// The entry's name as written in the table.
            pub const fn name(self) -> &'static str {
                match self { $( Id::$id => stringify!($id), )* }
            }
        }
    };
}

impl Id {
    /// This id's entry.
    pub fn entry(self) -> &'static Entry {
        // In bounds by construction: the macro emits ENTRIES and Id in the same order.
        &ENTRIES[self as usize]
    }

    /// Looks an id up by its name (`"ImageTooLarge"`), ignoring ASCII case
    /// (`imagetoolarge` works too; names differ by more than case).
    pub fn from_name(name: &str) -> Option<Id> {
        Id::ALL
            .iter()
            .copied()
            .find(|id| id.name().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

const fn retry(attempts: u8, first_delay_ms: u32, max_delay_ms: u32) -> Action {
    Action::RetrySame {
        attempts,
        first_delay_ms,
        max_delay_ms,
    }
}

const fn fix(params: &'static [&'static str]) -> Action {
    Action::FixRequest { params }
}

const IMAGE: &[&str] = &["image_url"];
const MEDIA_URL: &[&str] = &["image_url", "video_url"];
const VIDEO: &[&str] = &["video_url"];

catalog! {
    // ---------------------------------------------------------------------------------------
    // Seed rows: Meta's Instagram error-codes table, in the table's order.
    // ---------------------------------------------------------------------------------------

    /// Downloading the media from the given URL took too long.
    DownloadTimeout = publishing {
        code: -2, subcode: Some(2207003),
        message: "Timeout",
        user_title: Some("Timeout"),
        user_msg: Some("It takes too long to download the media."),
        summary: "Instagram gave up downloading the media from your URL because it was too slow.",
        solution: "Retry the same request after a short wait; Instagram fetches the URL again. If it keeps timing out, serve the file from a faster host or a CDN close to Meta's fetchers, and make sure the URL answers immediately (no cold start, no redirect chain).",
        action: retry(3, 2_000, 30_000),
        evidence: "seed row; message and title FIXTURE (a Django test); intermittent in production and succeeds on retry (gitroomhq/postiz-app#2000)",
        meta_solution: Some("A timeout occured while downloading the media. Try again."),
    }

    /// The container is older than 24 hours.
    ContainerExpired = publishing {
        code: -2, subcode: Some(2207020),
        message: "The media you are trying to access has expired.",
        user_title: Some("Media expired"),
        user_msg: Some("The media you are trying to access has expired. Please try to upload again."),
        summary: "The container expired: it was not published within 24 hours of its creation.",
        solution: "Create a new container from the same media and publish it promptly. Containers cannot be revived; a scheduler should create them close to publishing time.",
        action: Action::Recreate,
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("Generate a new container ID and use it to try again."),
    }

    /// A generic Instagram server error.
    ServerError = publishing {
        code: -1, subcode: Some(2207001),
        message: "An unexpected error has occurred. Please retry your request later.",
        user_title: Some("Instagram server error"),
        user_msg: Some("Instagram server error. Try again."),
        summary: "Instagram failed on its side while handling the request.",
        solution: "Retry the same request with backoff. Nothing in the request needs to change.",
        action: retry(3, 2_000, 60_000),
        evidence: "seed row; message and title GUESS. postiz maps it to \"spam detected\", which is not what Meta documents",
        note: Some("The seed gives no recommended solution for this row."),
    }

    /// Creating the container failed on Instagram's side.
    CreateMediaFailed = publishing {
        code: -1, subcode: Some(2207032),
        message: "Fatal",
        user_title: Some("Create media failed"),
        user_msg: Some("Create media fail, please try to re-create media"),
        summary: "Instagram could not create the media container.",
        solution: "Create the container again (a new POST /{ig-user-id}/media with the same inputs). If it fails repeatedly for one file, check the media against the specifications.",
        action: Action::Recreate,
        evidence: "seed row; message FIXTURE (a respx test: {\"message\":\"Fatal\",\"code\":-1,\"error_subcode\":2207032}); title GUESS",
        meta_solution: Some("Failed to create a media container. Try again."),
    }

    /// An unknown error during a (video) upload.
    UnknownUploadError = publishing {
        code: -1, subcode: Some(2207053),
        message: "Unknown upload error",
        user_title: Some("Upload failed"),
        user_msg: Some("unknown upload error"),
        summary: "The upload failed for an unknown reason; Meta says this affects video uploads.",
        solution: "Create a new container from the same media and publish that one. If a video keeps failing, re-encode it to the Reels specification (H.264/HEVC + AAC in MP4, moov atom first).",
        action: Action::Recreate,
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("An unknown error occured during upload. Generate a new container and use it to try again. This should only affect video uploads."),
    }

    /// `thumb_offset` is outside the video.
    ThumbOffsetOutOfRange = publishing {
        code: 1, subcode: Some(2207057),
        message: "An unknown error occurred",
        user_title: Some("Invalid thumbnail offset"),
        user_msg: Some("Thumbnail offset must be greater than or equal to 0 and less than video duration, i.e. {video-length}"),
        summary: "thumb_offset (milliseconds) is negative or not before the end of the video.",
        solution: "Send a thumb_offset in milliseconds that is at least 0 and less than the video's duration, or leave it out to use the first frame.",
        action: fix(&["thumb_offset"]),
        evidence: "seed row; message GUESS (the other code-1 bodies say \"An unknown error occurred\"); title GUESS",
        meta_solution: Some("The thumbnail offset you entered is out of bounds for the video duration. Add the right offset in milliseconds."),
    }

    /// Instagram suspects the publishing activity is spam.
    SpamRestricted = publishing {
        code: 4, subcode: Some(2207051),
        message: "Application request limit reached",
        transient_first: true,
        user_title: Some("Action is blocked"),
        user_msg: Some("We restrict certain activity to protect our community. Tell us if you think we made a mistake."),
        summary: "Instagram blocked the action because it looks like spam (not a rate limit, despite code 4).",
        solution: "Stop publishing to this account. The account owner should open the Instagram app, review the notice and tell Instagram if it is a mistake. Retrying makes it worse.",
        action: Action::UserMustActInApp,
        evidence: "seed row; message, title and field order REAL x2 (fbtrace APZFg6mxXnykKvlysZMLVvq and Ak94s1zgaADBUMfc50QG0ma), both sent with HTTP 403",
        meta_solution: Some("The publishing action is suspected to be spam. We restrict certain activity to protect our community. Let us know if you can determine that the publishing actions is not spam."),
        note: Some("Code 4 usually means app throttling; with this subcode it does not. Classify by (code, subcode)."),
        observed: Some(Observed {
            status: Some(403),
            user_title: Some("action is blocked"),
            evidence: "HTTP 403 and the lower-case title in a capture said to be verbatim from an incident (fbtrace APZFg6mxXnykKvlysZMLVvq)",
            ..Observed::SAME
        }),
    }

    /// The account's 24 h publishing quota is used up.
    PublishingQuotaReached = publishing {
        code: 9, subcode: Some(2207042),
        message: "Application request limit reached",
        user_title: Some("Publishing limit reached"),
        user_msg: Some("You reached maximum number of posts that is allowed to be published by Content Publishing API."),
        summary: "The account has published as many posts through the API as its 24 h moving window allows.",
        solution: "Read GET /{ig-user-id}/content_publishing_limit to see the quota and usage, and publish again when the oldest post in the window is 24 hours old. Do not retry before then.",
        action: Action::WaitForPublishingWindow,
        evidence: "seed row; message FIXTURE (mocks disagree); title GUESS",
        meta_solution: Some("The app user has reached their daily publishing limit. Advise the app’s user to try again the following day."),
        note: Some("The quota is 100 in the 2026 guide, 50 on some reference pages and 25 in older docs; read it from content_publishing_limit."),
    }

    /// The media (container) id cannot be found.
    MediaNotFound = publishing {
        code: 24, subcode: Some(2207006),
        message: "The requested resource does not exist",
        user_title: Some("Media Not Found"),
        user_msg: Some("The media with {media-id} cannot be found"),
        summary: "The media or container id is not visible to this token: it does not exist, belongs to another account, or the token lost its permission.",
        solution: "Check that the id was created by this account and that the token still has instagram_content_publish. Then create a new container and publish that one.",
        action: Action::Recreate,
        evidence: "seed row; message and title GUESS by analogy with the real code-24 oEmbed body (2207045)",
        meta_solution: Some("Possible permission error due to missing permission or expired token. Generate a new container and use it to try again."),
    }

    /// `media_publish` got a creation id it does not know (yet, or any more).
    BuilderNotFound = publishing {
        code: 24, subcode: Some(2207008),
        message: "The requested resource does not exist",
        user_title: Some("Media builder not found"),
        user_msg: Some("The media builder with creation id = {creation-id} does not exist or has been expired."),
        summary: "media_publish could not find the container named by creation_id; Meta says this is often temporary.",
        solution: "Retry media_publish once or twice over the next 30 seconds to 2 minutes. If it still fails, create a new container and publish that one.",
        action: Action::RetryThenRecreate { attempts: 2, within_min_s: 30, within_max_s: 120 },
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("Temporary error publishing a container. Try again 1–2 times in the next 30 seconds to 2 minutes. If unsuccessful, generate a new container ID and use it to try again."),
    }

    /// The Instagram account is restricted.
    AccountRestricted = publishing {
        code: 25, subcode: Some(2207050),
        message: "User access is restricted",
        user_title: Some("User is restricted"),
        user_msg: Some("The Instagram account is restricted."),
        summary: "The professional account is inactive, checkpointed or restricted.",
        solution: "Stop publishing to this account and tell its owner to sign in to the Instagram app and complete whatever it asks (verification, appeal, re-activation).",
        action: Action::UserMustActInApp,
        evidence: "seed row; message and title REAL (fbtrace AdHA39nXVwnOZT5aiIGyzDv)",
        meta_solution: Some("The app user’s Instagram Professional account is inactive, checkpointed, or restricted. Advise the app user to sign in to the Instagram app and complete any actions the app requires to re-enable their account."),
    }

    /// `media_type` is not one Instagram knows.
    UnknownMediaType = publishing {
        code: 100, subcode: Some(2207023),
        message: "Invalid parameter",
        user_title: Some("Unknown media type"),
        user_msg: Some("The media type {media-type} is unknown."),
        summary: "media_type is not one of the accepted values.",
        solution: "Send media_type as REELS, STORIES or CAROUSEL (VIDEO only for carousel items), or leave it out for a single image.",
        action: fix(&["media_type"]),
        evidence: "seed row; message REAL for code-100 IG subcodes (\"Invalid parameter\"); title GUESS",
        meta_solution: Some("The media type entered is not one of the expected media types. Please enter the correct one."),
    }

    /// A carousel with fewer than 2 or more than 10 children.
    CarouselItemCount = publishing {
        code: 100, subcode: Some(2207028),
        message: "Invalid parameter",
        user_title: Some("Unsupported post type"),
        user_msg: Some("Your post won't work as a carousel. Carousels need at least 2 photos/videos and no more than 10 photos/videos."),
        summary: "A carousel needs between 2 and 10 children.",
        solution: "Send between 2 and 10 child container ids in children.",
        action: fix(&["children"]),
        evidence: "seed row; message REAL for code-100 IG subcodes; title GUESS (a real count failure read \"Unsupported post type. The post has too little or too many attachments to qualify as a carousel.\", subcode not shown)",
        meta_solution: Some("Try again using an acceptable number of photos/videos."),
    }

    /// Product tags with x/y on a video.
    ProductTagPositionOnVideo = publishing {
        code: 100, subcode: Some(2207035),
        message: "Invalid parameter",
        user_title: Some("Invalid product tags"),
        user_msg: Some("Product tag positions should not be specified for video media."),
        summary: "product_tags on a video carry x/y coordinates, which videos do not support.",
        solution: "Drop x and y from every product tag on video media; send only product_id.",
        action: fix(&["product_tags"]),
        evidence: "seed row; message REAL for code-100 IG subcodes; title GUESS",
        meta_solution: Some("Videos do not support X/Y coordinates. Disallow X/Y coordinates with videos."),
    }

    /// Product tags without x/y on a photo.
    ProductTagPositionRequired = publishing {
        code: 100, subcode: Some(2207036),
        message: "Invalid parameter",
        user_title: Some("Invalid product tags"),
        user_msg: Some("Product tag positions are required for photo media."),
        summary: "product_tags on an image lack x/y coordinates, which images require.",
        solution: "Give every product tag on an image both x and y, as floats from 0.0 to 1.0 measured from the top-left corner.",
        action: fix(&["product_tags"]),
        evidence: "seed row; message REAL for code-100 IG subcodes; title GUESS",
        meta_solution: Some("Image product tags must include X/Y coordinates. Require X/Y coordinates for images."),
    }

    /// A product tag names a product that cannot be tagged.
    ProductTagInvalid = publishing {
        code: 100, subcode: Some(2207037),
        message: "Invalid parameter",
        user_title: Some("Invalid product tags"),
        user_msg: Some("We couldn't add all of your product tags. The product ID may be incorrect, the product may be deleted, or you may not have permission to tag the product."),
        summary: "At least one product_id is unknown, deleted, not approved, or not in a catalog this account may tag from.",
        solution: "Fetch the account's catalogs (available_catalogs) and products (catalog_product_search) again and let the user tag only products returned there.",
        action: fix(&["product_tags"]),
        evidence: "seed row; message REAL for code-100 IG subcodes; title GUESS",
        meta_solution: Some("One or more of the products being used to tag the item is invalid (deleted, rejected, app user lacks permission, product ID is invalid, etc.). Get the app user’s catalogs and eligible products again and allow the app user to only use those product IDs when tagging."),
    }

    /// More @-mentions (or hashtags) than allowed.
    TooManyTags = publishing {
        code: 100, subcode: Some(2207040),
        message: "Invalid parameter",
        user_title: Some("Too many tags"),
        user_msg: Some("Cannot use more than {max-tag-count} tags per created media."),
        summary: "The caption @-mentions more accounts (20) or uses more hashtags (30) than allowed; the message names the limit.",
        solution: "Mention at most 20 accounts with @ and use at most 30 hashtags in the caption.",
        action: fix(&["caption"]),
        evidence: "seed row; message REAL for code-100 IG subcodes; title GUESS",
        meta_solution: Some("The app user exceeded the maximum number (20) of @ tags. Advise user to use fewer @ tags."),
    }

    /// The video's container or codecs are not supported.
    UnsupportedVideoFormat = publishing {
        code: 352, subcode: Some(2207026),
        message: "The video format is not supported.",
        user_title: Some("Unsupported format"),
        user_msg: Some("The video format is not supported. Please check spec for supported {video} format"),
        summary: "The video is not an MP4/MOV with supported codecs, or one of its properties (codec, frame rate, duration...) is out of specification; {video} names that property.",
        solution: "Re-encode to MP4 (or MOV) with H.264 or HEVC video and AAC audio, 23-60 fps, the moov atom at the front, and a duration within the limits of the media type.",
        action: fix(VIDEO),
        evidence: "seed row; user message pattern REAL-partial ({video} replaced by e.g. \"codec\", \"frame_rate\", \"duration\"); message and title GUESS",
        meta_solution: Some("Unsupported video format. Advise the app user to upload an MOV or MP4 (MPEG-4 Part 14). See Video Specifications."),
    }

    /// Instagram could not fetch the media URL.
    MediaFetchFailed = publishing {
        code: 9004, subcode: Some(2207052),
        message: "Only photo or video can be accepted as media type.",
        user_title: Some("Media download has failed. The media URI doesn't meet our requirements."),
        user_msg: Some("The media could not be fetched from this uri: {uri}"),
        summary: "Instagram could not download the media from the URL (not public, not found, refused, wrong content).",
        solution: "Make sure the URL is public, plain US-ASCII, answers 200 with the media bytes without login, cookies or redirects to an HTML page, and stays up until the container is FINISHED. A retry may succeed if the host was briefly unavailable.",
        action: fix(MEDIA_URL),
        evidence: "seed row; message and title REAL x4 (gitroomhq/postiz-app#1900, #1129)",
        meta_solution: Some("The media could not be fetched from the supplied URI. Advise the app user to make sure the URI is valid and publicly available."),
        note: Some("Real bodies carry is_transient false although a retry sometimes succeeds."),
        observed: Some(Observed {
            user_msg: Some("The media could not be fetched from this URI: {uri}"),
            evidence: "real English bodies capitalise \"URI\" (gitroomhq/postiz-app#1900)",
            ..Observed::SAME
        }),
    }

    /// `media_publish` before the container finished processing.
    NotReady = publishing {
        code: 9007, subcode: Some(2207027),
        message: "Media ID is not available",
        user_title: Some("Cannot Publish"),
        user_msg: Some("The media is not ready for publishing, please wait for a moment"),
        summary: "The container is not FINISHED yet (still IN_PROGRESS), so it cannot be published.",
        solution: "Poll GET /{container-id}?fields=status_code until it reads FINISHED (about once a minute, for up to five minutes), then call media_publish again.",
        action: Action::WaitUntilFinished,
        evidence: "seed row; message and title REAL (fbtrace ALRlpRLSwaI4ndtlU9LeWVv)",
        meta_solution: Some("Check the container status and publish when its status is FINISHED."),
    }

    /// The image file is larger than 8 MiB.
    ImageTooLarge = publishing {
        code: 36000, subcode: Some(2207004),
        message: "The image size is too large.",
        user_title: Some("Image size too large"),
        user_msg: Some("The image is too large to download. It should be less than {size}."),
        summary: "The image file is larger than 8 MiB.",
        solution: "Compress or resize the image to under 8 MiB (JPEG at quality 85 and 1440 px wide is far below it).",
        action: fix(IMAGE),
        evidence: "seed row; every field from Meta's own sample body (fbtrace A6LJylpZRKw2xKLFsAP-cJh)",
        meta_solution: Some("Image exceeded maximum file size of 8MiB. Advise the user to try again with a smaller image."),
        note: Some("The seed's introduction calls this \"code 3600\"; its sample body and table say 36000."),
    }

    /// The image is not a (plain) JPEG.
    UnsupportedImageFormat = publishing {
        code: 36001, subcode: Some(2207005),
        message: "The image format is not supported.",
        user_title: Some("Unsupported format"),
        user_msg: Some("The image format {current-image-format} is not supported. Supported formats are: {format}."),
        summary: "The image is not a JPEG (PNG, WebP, HEIC, GIF, extended JPEG/MPO... are rejected).",
        solution: "Convert the image to a baseline or progressive JPEG (sRGB) and publish that.",
        action: fix(IMAGE),
        evidence: "seed row; observed body REAL (gitroomhq/postiz-app#615, fbtrace AlN6tco7SBThKoMQ-opswYE)",
        meta_solution: Some("Possible permission error due to missing permission or expired token. Generate a new container and use it to try again."),
        note: Some("The seed's recommended solution for this row repeats 2207006's (a permission/token problem); it does not fit an unsupported image format. Our solution says what actually fixes it."),
        observed: Some(Observed {
            code: Some(1),
            message: Some("An unknown error occurred"),
            user_msg: Some("The image format {current-image-format} is not supported. Please refer to our dev doc for more media specification requirements: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media#creating"),
            evidence: "real body with code 1 and the dev-doc link (gitroomhq/postiz-app#615)",
            ..Observed::SAME
        }),
    }

    /// The image's aspect ratio is outside 4:5 to 1.91:1.
    AspectRatioUnsupported = publishing {
        code: 36003, subcode: Some(2207009),
        message: "The aspect ratio is not supported",
        user_title: Some("Unsupported aspect ratio"),
        user_msg: Some("The submitted image with aspect ratio {submitted-ratio} cannot be published. Please submit an image with a valid aspect ratio."),
        summary: "The image's displayed aspect ratio (width/height after EXIF orientation) is outside 4:5 (0.8) to 1.91:1.",
        solution: "Crop or pad the image to an aspect ratio between 4:5 (portrait) and 1.91:1 (landscape); 1:1 and 4:5 are safe.",
        action: fix(IMAGE),
        evidence: "seed row; message REAL-partial (an incident write-up); title GUESS; real renderings of the ratio look like ('719/194',) or ()",
        meta_solution: Some("The image’s aspect ratio does not fall within our acceptable range. Advise the app user to try again with an image that falls withing a 4:5 to 1.91:1 range."),
    }

    /// The caption is longer than 2,200 characters.
    CaptionTooLong = publishing {
        code: 36004, subcode: Some(2207010),
        message: "The caption is too long",
        user_title: Some("Caption too long"),
        user_msg: Some("The submitted image's caption was {submitted-caption-length} characters long. The maximum number of characters permitted for a caption is {maximum-caption-length}. Please submit media with a shorter caption."),
        summary: "The caption has more than 2,200 characters.",
        solution: "Shorten the caption to at most 2,200 characters, 30 hashtags and 20 @-mentions.",
        action: fix(&["caption"]),
        evidence: "seed row; message FIXTURE; title GUESS",
        meta_solution: Some("The user exceeded the maximum amount of characters for a caption. Advise user to use a shorter caption. Maximum 2,200 characters, 30 hashtags, and 20 @ tags."),
    }

    /// `ig_audio`: both `user_id` and `ig_user_id` were sent.
    AudioBothUserIds = publishing {
        code: 100, subcode: Some(9050),
        message: "Invalid parameter",
        user_title: Some("Invalid parameter"),
        user_msg: Some("Provide either user_id or ig_user_id, not both."),
        summary: "GET /ig_audio received both user_id and ig_user_id.",
        solution: "Send only one of them; prefer ig_user_id.",
        action: fix(&["user_id", "ig_user_id"]),
        evidence: "seed row; message and title GUESS (nothing seen in the wild for 9050-9064)",
        meta_solution: Some("/ig_audio received both user_id and ig_user_id. Send only one; prefer ig_user_id."),
    }

    /// `ig_audio` ads discovery: `purpose` missing or wrong.
    AudioPurposeInvalid = publishing {
        code: 100, subcode: Some(9052),
        message: "Invalid parameter",
        user_title: Some("Invalid parameter"),
        user_msg: Some("Missing or invalid purpose for product=ADS."),
        summary: "product=ADS needs purpose=AUDIO_COPYRIGHT_REPLACEMENT.",
        solution: "Send purpose=AUDIO_COPYRIGHT_REPLACEMENT, the only purpose product=ADS supports.",
        action: fix(&["purpose"]),
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("Set purpose=AUDIO_COPYRIGHT_REPLACEMENT, currently the only supported sub-use case for product=ADS."),
    }

    /// `ig_audio` ads discovery: `audio_replacement_mode` missing.
    AudioModeMissing = publishing {
        code: 100, subcode: Some(9056),
        message: "Invalid parameter",
        user_title: Some("Invalid parameter"),
        user_msg: Some("Missing required parameter audio_replacement_mode."),
        summary: "The ads audio-swap call lacks audio_replacement_mode.",
        solution: "Send audio_replacement_mode as auto, search or default.",
        action: fix(&["audio_replacement_mode"]),
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("Send audio_replacement_mode as one of auto, search, or default."),
    }

    /// `ig_audio` ads discovery: `audio_replacement_mode` has an unknown value.
    AudioModeInvalid = publishing {
        code: 100, subcode: Some(9057),
        message: "Invalid parameter",
        user_title: Some("Invalid parameter"),
        user_msg: Some("Invalid audio_replacement_mode value."),
        summary: "audio_replacement_mode is not auto, search or default.",
        solution: "Use auto, search or default (case does not matter).",
        action: fix(&["audio_replacement_mode"]),
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("Use one of auto, search, or default (case-insensitive)."),
    }

    /// `ig_audio` ads discovery: search mode without `search_query`.
    AudioSearchQueryMissing = publishing {
        code: 100, subcode: Some(9058),
        message: "Invalid parameter",
        user_title: Some("Invalid parameter"),
        user_msg: Some("Missing required parameter search_query."),
        summary: "audio_replacement_mode=search needs a search_query.",
        solution: "Add a search_query, or use audio_replacement_mode auto or default.",
        action: fix(&["search_query"]),
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("search_query is required when audio_replacement_mode=search. Append a search term."),
    }

    /// `ig_audio` ads discovery: `search_query` outside search mode.
    AudioSearchQueryNotAllowed = publishing {
        code: 100, subcode: Some(9060),
        message: "Invalid parameter",
        user_title: Some("Invalid parameter"),
        user_msg: Some("The search_query parameter is only valid when audio_replacement_mode=search."),
        summary: "search_query was sent with audio_replacement_mode auto or default.",
        solution: "Drop search_query, or set audio_replacement_mode=search.",
        action: fix(&["search_query"]),
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("Drop search_query in auto/default modes, or set audio_replacement_mode=search."),
    }

    /// `ig_audio` ads discovery: `ig_media_id` missing.
    AudioMediaIdMissing = publishing {
        code: 100, subcode: Some(9054),
        message: "Invalid parameter",
        user_title: Some("Invalid parameter"),
        user_msg: Some("The ig_media_id parameter is required."),
        summary: "The ads audio-swap call lacks ig_media_id.",
        solution: "Send the id of the Reel (from GET /{ig-user-id}/media) whose copyrighted music should be replaced.",
        action: fix(&["ig_media_id"]),
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("Provide the IG media FBID (from /me/media) of the Reel whose copyrighted music needs replacing."),
    }

    /// `ig_audio` ads discovery: the media is not a Reel.
    AudioMediaNotReel = publishing {
        code: 100, subcode: Some(9062),
        message: "Invalid parameter",
        user_title: Some("Invalid parameter"),
        user_msg: Some("The supplied ig_media_id refers to a non-Reel media."),
        summary: "ig_media_id names a post that is not a Reel.",
        solution: "Audio swap works on Reels only; send the id of a Reel.",
        action: fix(&["ig_media_id"]),
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("Audio swap discovery supports Reels only. Provide the FBID of a Reel."),
    }

    /// `ig_audio` ads discovery: the Reel has no copyrighted music.
    AudioNoCopyrightedMusic = publishing {
        code: 100, subcode: Some(9055),
        message: "Invalid parameter",
        user_title: Some("Invalid parameter"),
        user_msg: Some("This media does not contain copyrighted licensed music."),
        summary: "The Reel has no copyrighted licensed music, so there is nothing to swap.",
        solution: "Choose a Reel whose music has a copyright issue; others do not need audio swap.",
        action: fix(&["ig_media_id"]),
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("Audio swap discovery is only available for Reels with copyrighted music. Choose a Reel with a copyright issue."),
    }

    /// `ig_audio` ads discovery: partnership ad code unknown or expired.
    AudioPartnershipCodeInvalid = publishing {
        code: 100, subcode: Some(9063),
        message: "Invalid parameter",
        user_title: Some("Invalid parameter"),
        user_msg: Some("The supplied partnership_ad_code is invalid or expired."),
        summary: "partnership_ad_code does not exist or has expired.",
        solution: "Generate a new partnership ad code for the media and send that.",
        action: fix(&["partnership_ad_code"]),
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("Generate a valid partnership ad code and retry."),
    }

    /// `ig_audio` ads discovery: partnership ad code belongs to other media.
    AudioPartnershipCodeMismatch = publishing {
        code: 100, subcode: Some(9064),
        message: "Invalid parameter",
        user_title: Some("Invalid parameter"),
        user_msg: Some("The supplied partnership_ad_code does not match the ig_media_id."),
        summary: "partnership_ad_code was generated for a different media than ig_media_id.",
        solution: "Send the partnership ad code that was generated for this ig_media_id.",
        action: fix(&["partnership_ad_code", "ig_media_id"]),
        evidence: "seed row; message and title GUESS",
        meta_solution: Some("Use a partnership_ad_code generated for the same media as ig_media_id."),
    }

    /// The app lacks `ads_management` for the target (ig_audio ads discovery).
    AdsManagementMissing = graph {
        status: 403, code: 200,
        message: "The calling app is missing the ads_management permission for the target.",
        summary: "The token's app lacks the ads_management permission for the target account.",
        solution: "Request the ads_management permission for the target user (it needs app review), then retry.",
        action: Action::RequestPermission { permission: Some("ads_management") },
        source: Source::Seed,
        evidence: "seed row (HTTP 403); no body seen in the wild",
        meta_solution: Some("Request and obtain the ads_management permission for the target user, then retry."),
        note: Some("The seed's row is shifted: its subcode column holds the message and its user-message column holds the solution. There is no subcode."),
    }

    /// Ads audio swap discovery is not enabled for this app.
    AdsAudioSwapUnavailable = publishing {
        status: 403, code: 10, subcode: Some(9053),
        message: "(#10) Application does not have permission for this action",
        user_title: Some("Feature not available"),
        user_msg: Some("Ads audio swap discovery is not yet available."),
        summary: "The ads audio-swap discovery feature is in limited release and not enabled for this app.",
        solution: "Nothing in the request can fix it; ask your Meta partner contact for access.",
        action: Action::NotAvailable,
        evidence: "seed row (HTTP 403); message and title GUESS",
        meta_solution: Some("This feature is in limited release. Access is gated; reach out to your Meta partner contact."),
    }

    // ---------------------------------------------------------------------------------------
    // Generic Graph errors an emulator and a client meet.
    // ---------------------------------------------------------------------------------------

    /// An unknown error, possibly temporary.
    UnknownError = graph {
        code: 1,
        message: "An unknown error occurred",
        summary: "Graph failed with an unspecified error; often temporary.",
        solution: "Retry with backoff a few times; if it persists, look at the subcode and the request.",
        action: retry(3, 1_000, 30_000),
        evidence: "Graph error-handling docs; a bare body like this appears only in fixtures (real ones carry an IG subcode)",
    }

    /// A temporary service outage.
    ServiceUnavailable = throttle {
        status: 500, code: 2,
        message: "An unexpected error has occurred. Please retry your request later.",
        summary: "Meta's service is temporarily down or overloaded.",
        solution: "Retry the same request with exponential backoff and jitter.",
        action: retry(4, 2_000, 60_000),
        evidence: "REAL x4 (IG /media and media_publish during outages; fbtrace AXgtZxIYulREP10R9zhI_dx), HTTP 500, is_transient before code",
        on_instagram: OnInstagram::Seen {
            message: Some("Service temporarily unavailable"),
            status: None,
            evidence: "REAL: graph.instagram.com's body for code 2, IGApiException with is_transient (a public test fixture named as a real capture; reference/real-envelopes.md section 0)",
        },
    }

    /// App-level throttling.
    AppRateLimit = throttle {
        code: 4,
        message: "(#4) Application request limit reached",
        summary: "The app made too many calls (Platform rate limit).",
        solution: "Stop calling and back off; watch X-App-Usage and keep call_count well under 100%.",
        action: Action::Throttled { min_wait_s: 300 },
        evidence: "REAL (live capture, fbtrace AMTYxCNbXwURwZO2BD5TYrz); Meta's docs show it as HTTP 400, captures as 403",
        observed: Some(Observed {
            status: Some(403),
            evidence: "captures of (#4) came with HTTP 403",
            ..Observed::SAME
        }),
    }

    /// The token lacks a permission (generic form).
    PermissionDenied = graph {
        code: 10,
        message: "(#10) Application does not have permission for this action",
        summary: "The token or app lacks a permission needed for this call.",
        solution: "Check which permission the endpoint needs (instagram_content_publish for publishing), request it, and use a token that has it.",
        action: Action::RequestPermission { permission: None },
        evidence: "REAL (fbtrace AlxUisvCSIMDcrLtpCjx_X0)",
    }

    /// The token lacks `instagram_content_publish`.
    PublishPermissionMissing = graph {
        code: 10,
        message: "(#10) Requires instagram_content_publish permission to manage the object",
        summary: "The token lacks instagram_content_publish, which every publishing call needs.",
        solution: "Request instagram_content_publish (instagram_business_content_publish with Instagram Login) and use a token that has it.",
        action: Action::RequestPermission { permission: Some("instagram_content_publish") },
        evidence: "REAL (5 production occurrences, gitroomhq/postiz-app#1914)",
        note: Some("Shares code 10 without subcode with PermissionDenied, which is the primary entry for classification."),
    }

    /// User-level throttling.
    UserRateLimit = throttle {
        code: 17,
        message: "(#17) User request limit reached",
        summary: "This user made too many calls.",
        solution: "Back off for this user; spread calls out over time.",
        action: Action::Throttled { min_wait_s: 300 },
        evidence: "Graph error-handling docs; message quoted widely, no full real body found",
    }

    /// Page-level throttling.
    PageRateLimit = throttle {
        code: 32,
        message: "(#32) Page request limit reached",
        summary: "Too many calls for this Page.",
        solution: "Back off; check the X-Business-Use-Case-Usage header for when access returns.",
        action: Action::Throttled { min_wait_s: 300 },
        evidence: "Graph rate-limiting docs sample body",
    }

    /// A required parameter is missing.
    ParameterRequired = graph {
        code: 100,
        message: "(#100) The parameter {param} is required",
        summary: "A required parameter is missing (for example image_url for an image container).",
        solution: "Send the parameter the message names.",
        action: fix(&[]),
        evidence: "REAL (\"The parameter image_url is required\", seen in production 2026-10-03)",
    }

    /// A parameter has a value of the wrong type or form.
    InvalidParameterValue = graph {
        code: 100,
        message: "(#100) Param {param} must be {expected}",
        summary: "A parameter has a value of the wrong type or form.",
        solution: "Send the parameter in the form the message says.",
        action: fix(&[]),
        evidence: "Graph's \"(#100) Param X must be ...\" pattern; GUESS for the exact wording per parameter",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// The node does not exist or this token cannot see it.
    ObjectNotFound = graph {
        code: 100, subcode: Some(33),
        error_type: ErrorType::GraphMethodException,
        message: "Unsupported {method} request. Object with ID '{node-id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        summary: "The id in the path does not exist, belongs to another account, or does not support this call.",
        solution: "Check the id (an IG user id, not a Page id; a container of this account) and that the token belongs to that account.",
        action: fix(&["id"]),
        evidence: "REAL (Android SDK log and others); also seen during a May 2026 Meta incident for valid ids",
        on_instagram: OnInstagram::Seen {
            message: Some("Unsupported {method} request. Object with ID '{node-id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation"),
            status: None,
            evidence: "REAL: IGApiException 100/33 without Graph's closing pointer to its documentation (jstolpe/blog_code#4 for a get; a curl transcript against graph.instagram.com/v25.0 for a delete)",
        },
    }

    /// `appsecret_proof` is not the HMAC of the access token under the token's app's secret.
    InvalidAppsecretProof = graph {
        code: 100,
        error_type: ErrorType::GraphMethodException,
        message: "Invalid appsecret_proof provided in the API argument",
        summary: "appsecret_proof does not match the access token and the app's secret (wrong secret, another app's, or computed over a different token or appsecret_time).",
        solution: "Send appsecret_proof = hex HMAC-SHA256 of the access token, keyed by the secret of the app the token belongs to (with appsecret_time: of token|time).",
        action: fix(&["appsecret_proof"]),
        evidence: "REAL (facebook/facebook-python-business-sdk#528: HTTP 400, type GraphMethodException, code 100; howdyai/botkit#1455; restfb/restfb#1118)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// The app has "Require App Secret" on and the call carried no `appsecret_proof`.
    AppsecretProofRequired = graph {
        code: 100,
        error_type: ErrorType::GraphMethodException,
        message: "API calls from the server require an appsecret_proof argument",
        summary: "The app requires an app secret proof on every server call (its Require App Secret switch is on) and this call had none.",
        solution: "Send appsecret_proof (hex HMAC-SHA256 of the access token keyed by the app secret) with every call, or turn Require App Secret off.",
        action: fix(&["appsecret_proof"]),
        evidence: "REAL (sromku/android-simple-facebook#160: httpResponseCode 400, code 100, GraphMethodException; thephpleague/oauth2-facebook#17; markbates/goth#96)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// No access token was sent.
    AccessTokenRequired = graph {
        code: 104,
        message: "An access token is required to request this resource.",
        summary: "The request carried no access token.",
        solution: "Send access_token as a query or body parameter, or an Authorization: Bearer header.",
        action: fix(&["access_token"]),
        evidence: "REAL (spring-guides/gs-consuming-rest#10)",
    }

    /// The token cannot be parsed.
    InvalidAccessToken = graph {
        code: 190,
        message: "Invalid OAuth access token - Cannot parse access token",
        summary: "The access token is malformed or of the wrong kind for this host.",
        solution: "Use a valid user token for this host (a Facebook token on graph.facebook.com, an Instagram token on graph.instagram.com); obtain a new one if needed.",
        action: Action::RefreshToken,
        evidence: "REAL (fbtrace AeO8Snks5_RnxxCSoDsgD9P, 2026-07-01 production log)",
        on_instagram: OnInstagram::AsFacebook {
            evidence: "REAL: a Facebook-style token (EAA...) on graph.instagram.com got this very body, type OAuthException (reference/real-envelopes.md section 0)",
        },
    }

    /// The session was invalidated (password change or security reasons).
    SessionInvalidated = graph {
        code: 190, subcode: Some(460),
        message: "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
        summary: "The token was invalidated: the user changed their password or Meta reset the session.",
        solution: "Ask the user to log in again and store the new token.",
        action: Action::RefreshToken,
        evidence: "REAL (fbtrace ASkD40ZYzAMGpUkxW2P4ez6; codingbadger/instant-tokens.com#28)",
    }

    /// The token has expired.
    TokenExpired = graph {
        code: 190, subcode: Some(463),
        message: "Error validating access token: Session has expired on {expired-at}. The current time is {now}.",
        summary: "The access token has expired.",
        solution: "Exchange or refresh the token (long-lived tokens last about 60 days), or ask the user to log in again.",
        action: Action::RefreshToken,
        evidence: "REAL (wording identical 2018 to 2025: chatwoot/chatwoot#12989); dates as %A, %d-%b-%y %H:%M:%S %Z in Pacific time",
    }

    /// The user is not a confirmed user.
    UserNotConfirmed = graph {
        code: 190, subcode: Some(464),
        message: "Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user.",
        summary: "The user's account is not confirmed, so its sessions are refused.",
        solution: "The user must confirm their account (e-mail or phone) in the app, then log in again.",
        action: Action::UserMustActInApp,
        evidence: "REAL (fbtrace Ag9aEZj3MREVj9m9kxav2rf)",
    }

    /// The user logged out.
    SessionLoggedOut = graph {
        code: 190, subcode: Some(467),
        message: "Error validating access token: The session is invalid because the user logged out.",
        summary: "The token is invalid because the user logged out.",
        solution: "Ask the user to log in again and store the new token.",
        action: Action::RefreshToken,
        evidence: "REAL (older Facebook-login captures)",
    }

    /// Generic permissions error (code 200, other wording).
    PermissionsError = graph {
        code: 200,
        message: "(#200) Permissions error",
        summary: "The token lacks a permission required for this call.",
        solution: "Find the permission the endpoint needs, request it, and use a token that has it.",
        action: Action::RequestPermission { permission: None },
        evidence: "FIXTURE only; status varies between mocks",
        note: Some("Shares code 200 without subcode with AdsManagementMissing, which is the primary entry for classification."),
    }

    /// Temporarily blocked for policy violations.
    PolicyBlocked = graph {
        code: 368,
        message: "(#368) The action attempted has been deemed abusive or is otherwise disallowed",
        summary: "Meta temporarily blocked the action for policy reasons.",
        solution: "Stop the action for a while (hours); review the content and posting pattern; the account owner may see a notice in the app.",
        action: Action::Throttled { min_wait_s: 3_600 },
        evidence: "Graph error-handling docs (\"temporarily blocked for policies violations: wait and retry\"); message GUESS",
    }

    /// Custom rate limit.
    CustomRateLimit = throttle {
        code: 613,
        message: "(#613) Calls to this api have exceeded the rate limit.",
        summary: "A call-specific rate limit was exceeded.",
        solution: "Back off and spread calls out; avoid bursts.",
        action: Action::Throttled { min_wait_s: 300 },
        evidence: "FIXTURE; the legacy REST form was seen for real (dequis/purple-facebook#477)",
    }

    /// Instagram Business Use Case rate limit.
    InstagramRateLimit = throttle {
        code: 80002,
        message: "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.",
        summary: "Too many calls for this Instagram account (Business Use Case limit).",
        solution: "Wait as long as X-Business-Use-Case-Usage's estimated_time_to_regain_access says (minutes), then resume at a lower rate.",
        action: Action::Throttled { min_wait_s: 600 },
        evidence: "Graph rate-limiting docs name code 80002 for Instagram; message GUESS, no real body found",
    }

    /// A path with segments Graph does not know.
    UnknownPathComponents = graph {
        code: 2500,
        message: "Unknown path components: {path}",
        summary: "The URL path names an edge or node type Graph does not have.",
        solution: "Check the path against the API reference (for example /{ig-user-id}/media, /{ig-user-id}/media_publish).",
        action: fix(&["path"]),
        evidence: "Graph's widely reported form for unknown paths; no IG-specific capture",
    }

    /// The `fields` parameter does not parse (a brace or parenthesis left open, a stray dot).
    FieldsSyntaxError = graph {
        code: 2500,
        message: "Syntax error \"{reason}\" at character {position}: {fields}",
        summary: "The fields parameter is not valid field-expansion syntax.",
        solution: "Write fields as name, name.modifier(value) or name{subfields}, comma-separated, with every brace and parenthesis closed.",
        action: fix(&["fields"]),
        evidence: "REAL form (public code: 'Syntax error \"Expected name.\" at character 0: *****', 'Syntax error \"Expected \"(\" instead of \",\".\" at character 35: ...', code 2500); other reasons follow the same pattern (GUESS)",
        note: Some("Shares code 2500 with UnknownPathComponents, which is the primary entry for classification."),
        on_instagram: OnInstagram::Seen {
            message: None,
            status: Some(500),
            evidence: "REAL: IGApiException 2500 'Syntax error \"Expected \"(\" instead of \",\".\" at character 75: ...' answered with HTTP 500 (Dymantic/laravel-instagram-feed#23)",
        },
    }

    /// Subfields asked of a field that is a plain value.
    FieldHasNoSubfields = graph {
        code: 100,
        message: "(#100) The field {field} on node type ({node-type}) is not a node or edge and cannot take subfields",
        summary: "fields asked for subfields ({...}) of a plain value such as caption.",
        solution: "Ask for subfields only of nodes and edges (owner{username}, children{media_url}, comments{text}).",
        action: fix(&["fields"]),
        evidence: "GUESS: Graph refuses this, but no capture of its exact text was found",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// `/me` asked with an app access token, which has no current user.
    MeNeedsUserToken = graph {
        code: 2500,
        message: "An active access token must be used to query information about the current user.",
        summary: "/me names the token's user, and an app access token has none.",
        solution: "Call /me with a user, Page or Instagram user token; with an app token, name the node by its id.",
        action: fix(&["access_token"]),
        evidence: "REAL (restfb/restfb#1513, OAuthException code 2500 for /me with an app token)",
        note: Some("Shares code 2500 with UnknownPathComponents, which is the primary entry for classification."),
    }

    /// Subscribing a webhook callback: Meta's verification request (a GET with `hub.mode`,
    /// `hub.challenge`, `hub.verify_token`) did not get the challenge back.
    CallbackVerificationFailed = graph {
        code: 2200,
        message: "(#2200) Callback verification failed with the following errors: {reason}",
        summary: "Subscribing a webhook: the callback URL did not answer Meta's verification GET with HTTP 200 and the hub.challenge value (it failed, timed out, or answered something else).",
        solution: "Make the callback answer GET ?hub.mode=subscribe&hub.verify_token=...&hub.challenge=N with status 200 and the bare challenge as the body, after checking that hub.verify_token is the verify_token you subscribed with; then subscribe again.",
        action: fix(&["callback_url", "verify_token"]),
        evidence: "REAL (fbsamples/original-coast-clothing#84: '(#2200) Callback verification failed with the following errors: HTTP Status Code = 404; HTTP Message = Not Found', OAuthException code 2200); the reasons for a timeout and a wrong challenge follow the App Dashboard's texts (netguru/messenger-ruby#54), GUESS on this endpoint",
    }

    /// `?ids=` named more nodes than one call may read.
    TooManyIds = graph {
        code: 100,
        message: "(#100) Too many IDs. Maximum: {maximum}. Provided: {provided}.",
        summary: "A multi-id read (?ids=) named more than 50 ids.",
        solution: "Read at most 50 ids per call; split the list, or send a batch request.",
        action: fix(&["ids"]),
        evidence: "REAL text (a client library's test of Graph's answer, snarfed/webutil tests/test_util.py); the limit of 50 since v2.2 (restfb/restfb#157, citing Meta's upgrade guide)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// `?ids=` named an id Graph cannot find: the whole read fails.
    AliasesNotFound = graph {
        code: 803,
        message: "(#803) Some of the aliases you requested do not exist: {ids}",
        summary: "A multi-id read (?ids=) named ids that do not exist or the token cannot see; no partial answer is given.",
        solution: "Drop or correct the ids the message lists, or read them one by one to keep the others.",
        action: fix(&["ids"]),
        evidence: "REAL (mobolic/facebook-sdk#315 and #271, nov/fb_graph's spec: OAuthException code 803)",
    }

    /// A feature Meta removed from the version the call asked for.
    DeprecatedForVersion = graph {
        code: 12,
        message: "(#12) {feature} is deprecated for versions {version} and higher",
        summary: "The call uses something the requested Graph version no longer has (root ?ids= reads from v26.0).",
        solution: "Ask an older version in the path, or do it the newer way (one GET per node, or a batch request).",
        action: fix(&["version"]),
        evidence: "REAL form (restfb/restfb#997: '(#12) singular statuses API is deprecated for versions v2.4 and higher', code 12); root ids= removed in v26.0 (restfb/restfb#1692); the feature's wording here is a GUESS",
    }

    /// A batch request with more operations than Graph runs in one.
    BatchTooLarge = graph {
        code: 100,
        error_type: ErrorType::GraphBatchException,
        message: "Too many requests in batch message. Maximum batch size is {maximum}",
        summary: "A batch request (POST / with batch=[...]) held more than 50 operations.",
        solution: "Send at most 50 operations per batch; split larger sets into several batches.",
        action: fix(&["batch"]),
        evidence: "message and type REAL (jgorset/facepy tests/test_graph_api.py, Graph's answer as a client library records it); the limit of 50 is Meta's (developers.facebook.com/docs/graph-api/batch-requests); code GUESS (the recorded body has none)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// A batch operation depends on a name no earlier operation has.
    BatchUnresolvedDependency = graph {
        code: 100,
        error_type: ErrorType::GraphBatchException,
        message: "Request {position} cannot depend on an unresolved request with name {param}. Requests can only depend on preceding requests",
        summary: "A batch operation's depends_on or {result=name:...} reference names no earlier operation.",
        solution: "Give the operation depended on a name, and put it before the operations that use it.",
        action: fix(&["batch"]),
        evidence: "message and type REAL (arsduo/koala's batch spec records Graph's answer, with doubled spaces we leave out); code GUESS",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// A `fields` entry the node type does not have.
    NonexistingField = graph {
        code: 100,
        message: "(#100) Tried accessing nonexisting field ({field}) on node type ({node-type})",
        summary: "fields= names a field this kind of object does not have.",
        solution: "Ask only for fields the node type has (see the reference page of the node).",
        action: fix(&["fields"]),
        evidence: "Graph's widely reported form",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification. graph.instagram.com was also seen to answer without the node type: 'Tried accessing nonexisting field (business_discovery)' (a project's stored error, find_string id 56487307333, 2026-06-15)."),
    }

    // ---------------------------------------------------------------------------------------
    // Sandbox only: answers where Meta's behaviour is unknown. Wire strings are ours.
    // ---------------------------------------------------------------------------------------

    /// The request body is larger than the sandbox accepts.
    RequestBodyTooLarge = graph {
        status: 413, code: 1,
        message: "The request body is larger than {size}",
        summary: "The request body exceeds the sandbox's limit (Meta's own limit and answer are not documented).",
        solution: "Send media by URL (image_url, video_url) or through the resumable upload endpoint, not in the request body.",
        action: fix(&[]),
        source: Source::Sandbox,
        evidence: "instapub sandbox only; Meta's answer to oversized bodies is unknown",
        note: Some("Shares code 1 without subcode with UnknownError, which is the primary entry for classification."),
    }

    /// The request body cannot be parsed.
    MalformedBody = graph {
        code: 100,
        message: "(#100) The request body could not be parsed: {reason}",
        summary: "The body is not valid for its Content-Type (broken JSON, bad form encoding).",
        solution: "Send parameters as a query string, a form body, or a JSON object body.",
        action: fix(&[]),
        source: Source::Sandbox,
        evidence: "instapub sandbox only; Meta's exact answer to malformed bodies is unknown",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// Control plane: the admin key is missing or wrong.
    AdminKeyInvalid = graph {
        status: 401, code: 190,
        message: "Invalid sandbox admin key: send Authorization: Bearer <admin key>",
        summary: "A /_sandbox control-plane call without the right admin key.",
        solution: "Send the admin key printed by instapub serve (or set with --admin-key / INSTAPUB_ADMIN_KEY) as Authorization: Bearer.",
        action: Action::RefreshToken,
        source: Source::Sandbox,
        evidence: "instapub sandbox control plane",
        note: Some("Shares code 190 without subcode with InvalidAccessToken, which is the primary entry for classification."),
    }

    /// Control plane: the request is invalid.
    ControlInvalid = graph {
        code: 100,
        message: "(#100) {reason}",
        summary: "A /_sandbox control-plane request with a missing or invalid field.",
        solution: "Fix the field the message names; GET /_sandbox/openapi.json describes every request.",
        action: fix(&[]),
        source: Source::Sandbox,
        evidence: "instapub sandbox control plane",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// Control plane: the object does not exist.
    ControlNotFound = graph {
        status: 404, code: 100,
        message: "(#100) No {node-type} with id '{node-id}'",
        summary: "A /_sandbox control-plane request names an object that does not exist.",
        solution: "Check the id; list objects with the matching GET route.",
        action: fix(&["id"]),
        source: Source::Sandbox,
        evidence: "instapub sandbox control plane",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// The request line is longer than the sandbox reads.
    UriTooLong = graph {
        status: 414, code: 100,
        message: "(#100) The request URI is {size} bytes long; the limit is {limit} bytes",
        summary: "The URL (path and query string) is longer than the sandbox accepts.",
        solution: "Send long parameters (captions, children, tags) in a form or JSON body instead of the query string.",
        action: fix(&[]),
        source: Source::Sandbox,
        evidence: "instapub sandbox HTTP server; Meta's front end answers such URLs without a Graph body (GUESS: not observed)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// The request's headers are more or larger than the sandbox reads.
    HeadersTooLarge = graph {
        status: 431, code: 100,
        message: "(#100) The request headers are too large: {reason}",
        summary: "The request has more header lines, or more header bytes, than the sandbox accepts.",
        solution: "Send fewer or smaller headers (cookies and proxies are the usual cause).",
        action: fix(&[]),
        source: Source::Sandbox,
        evidence: "instapub sandbox HTTP server (GUESS: Meta's answer to this is not observed)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// The client did not send the whole request body in time.
    RequestTimeout = graph {
        status: 408, code: 100,
        message: "(#100) The request body did not arrive within {seconds} seconds",
        summary: "The client stopped sending the request body (or sent it too slowly); the sandbox gave up on it.",
        solution: "Send the body promptly; for large media use resumable upload in chunks.",
        action: Action::RetrySame { attempts: 1, first_delay_ms: 1_000, max_delay_ms: 1_000 },
        source: Source::Sandbox,
        evidence: "instapub sandbox HTTP server (GUESS: Meta's answer to this is not observed)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// The request itself is broken (framing, request line, header syntax).
    RequestMalformed = graph {
        status: 400, code: 100,
        message: "(#100) The request could not be read: {reason}",
        summary: "The HTTP request is malformed: a broken request line or chunked body, conflicting Content-Length headers, a header with forbidden bytes.",
        solution: "Use an HTTP/1.1 client library rather than hand-written requests; the reason names what was wrong.",
        action: fix(&[]),
        source: Source::Sandbox,
        evidence: "instapub sandbox HTTP server (GUESS: Meta's front end answers these without a Graph body)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// The Host header names a host the sandbox does not serve (DNS rebinding).
    HostNotServed = graph {
        status: 421, code: 100,
        message: "(#100) This sandbox does not serve the host {host}",
        summary: "The request's Host header is not one of the sandbox's addresses: an IP address, localhost, its --public-url, or a Meta host name.",
        solution: "Call the sandbox by the base URL instapub serve printed, or start it with --public-url naming the host you use (a container or proxy name).",
        action: fix(&["Host"]),
        source: Source::Sandbox,
        evidence: "instapub sandbox HTTP server: a Host check against DNS rebinding",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// Login: a consent decision that did not come from a consent page the sandbox served.
    ConsentFormInvalid = graph {
        status: 400, code: 100,
        message: "(#100) This consent form was not issued by the login dialog, or has expired: open the dialog again",
        summary: "A POST to the consent page without the form token (fb_dtsg) of a page the sandbox served for the same app, redirect URI, state and scopes, or after an hour.",
        solution: "Submit the form the login dialog served (a browser does); an automated test reads its hidden fields, fb_dtsg included, and posts them back.",
        action: fix(&["fb_dtsg"]),
        source: Source::Sandbox,
        evidence: "instapub sandbox login pages; Meta's consent forms carry a per-session fb_dtsg token and show a generic error page without it",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// Control plane: a state-changing call from a browser that is not the dashboard.
    CrossSiteRefused = graph {
        status: 403, code: 100,
        message: "(#100) The control plane refuses this browser request: {reason}",
        summary: "A state-changing /_sandbox call authenticated only by the dashboard's cookie came from another page (another port counts), or as a simple form-like request.",
        solution: "Call the control plane with Authorization: Bearer <admin key>; in a browser, only the dashboard's own pages may use its cookie.",
        action: fix(&[]),
        source: Source::Sandbox,
        evidence: "instapub sandbox control plane: CSRF protection (Origin, Sec-Fetch-Site, a JSON or custom-header request)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// Hosted files: the requested byte range lies outside the file.
    RangeNotSatisfiable = graph {
        status: 416, code: 100,
        message: "(#100) The range {range} is not satisfiable: the file has {size} bytes",
        summary: "A Range request to a file hosted by the sandbox asks for bytes the file does not have.",
        solution: "Ask for a range that starts before the file's end (GET without Range tells its length).",
        action: fix(&["Range"]),
        source: Source::Sandbox,
        evidence: "instapub sandbox control plane (hosted files follow RFC 9110 ranges)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    // ---------------------------------------------------------------------------------------
    // The read side: comments and insights.
    // ---------------------------------------------------------------------------------------

    /// A comment on a media whose comments are turned off.
    CommentsDisabled = graph {
        code: 100,
        message: "(#100) Comments are disabled for this media",
        summary: "The media's comments were turned off (POST /{ig-media-id}?comment_enabled=false), so no comment can be added.",
        solution: "Turn comments back on with comment_enabled=true, or do not comment on this media.",
        action: fix(&["comment_enabled"]),
        evidence: "GUESS: Graph refuses comments on such media; no capture of the exact text was found",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// A reply to a hidden comment.
    ReplyToHiddenComment = graph {
        code: 100,
        message: "(#100) Cannot reply to a hidden comment",
        summary: "The comment being replied to is hidden; Meta documents that hidden comments take no replies.",
        solution: "Unhide the comment first (POST /{ig-comment-id}?hide=false), or reply elsewhere.",
        action: fix(&["hide"]),
        evidence: "Meta's IG Comment Replies reference ('You cannot reply to hidden comments'); message GUESS",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// A comment longer than Instagram takes.
    CommentTooLong = graph {
        code: 100,
        message: "(#100) The comment is {size} characters long; the most is {limit}",
        summary: "The message of a comment or reply is longer than Instagram accepts.",
        solution: "Shorten the message to at most 2,200 characters.",
        action: fix(&["message"]),
        evidence: "GUESS: 2,200 is Instagram's caption limit, which comment tools apply to comments too; no capture of this error",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// A metric the insights edge does not know.
    InsightsMetricUnknown = graph {
        code: 100,
        message: "(#100) metric[{position}] must be one of the following values: {expected}",
        summary: "A metric name is not one the insights edge has (engagement, video_views and impressions on accounts are retired).",
        solution: "Use a metric from the list in the message; see Meta's Media Insights and Account Insights references for which applies where.",
        action: fix(&["metric"]),
        evidence: "REAL (live v25.0 diagnostics, 2026-07: the same fixed list for IMAGE and REELS media; the account edge's own list)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// A media metric that does not apply to the media's product type.
    InsightsMetricUnsupported = graph {
        code: 100,
        message: "(#100) The Media Insights API does not support the {metric} metric for this media product type.",
        summary: "The metric exists but not for this kind of media (ig_reels_avg_watch_time on a feed post, navigation on a reel).",
        solution: "Ask a FEED post, a REELS or a STORY only for the metrics Meta lists for that product type.",
        action: fix(&["metric"]),
        evidence: "REAL for impressions on reels and crossposted_views on FEED (live probes, 2026); the same form for other metrics is a GUESS",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// `impressions` on feed media, retired in v22.
    InsightsImpressionsRetired = graph {
        code: 100,
        message: "(#100) Starting from version v22.0 and above, the impressions metric is no longer supported for the queried media",
        summary: "impressions was retired on April 21, 2025 for media published since; views replaces it.",
        solution: "Ask for views instead of impressions.",
        action: fix(&["metric"]),
        evidence: "REAL (live v25.0 diagnostics, 2026-07; Meta's Media Insights changelog)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// Insights of a media inside a carousel album.
    InsightsCarouselChild = graph {
        code: 100,
        message: "(#100) Insights are not available for media inside a carousel album",
        summary: "Carousel children have no insights of their own; the album has them.",
        solution: "Ask the album (the id media_publish returned) for insights.",
        action: fix(&["id"]),
        evidence: "Meta's Media Insights reference ('no insights for media inside an album'); message GUESS",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// A story seen by fewer than five accounts.
    InsightsNotEnoughViewers = graph {
        code: 10,
        message: "(#10) Not enough viewers for the media to show insights",
        summary: "A story's metrics are withheld until at least five accounts have seen it.",
        solution: "Nothing to fix in the request: ask again once the story has reached five accounts.",
        action: Action::NotAvailable,
        evidence: "REAL (Meta's Media Insights reference; airbyte source-instagram test fixture)",
        note: Some("Shares code 10 without subcode with PermissionDenied, which is the primary entry for classification."),
    }

    /// Account metrics that must be asked with metric_type=total_value.
    InsightsNeedsTotalValue = graph {
        code: 100,
        message: "(#100) The following metrics ({metric}) should be specified with parameter metric_type=total_value",
        summary: "These account metrics have no time series: they are totals over the range.",
        solution: "Add metric_type=total_value (and period=day) to the request.",
        action: fix(&["metric_type"]),
        evidence: "REAL (captures from 2026; the list separator differs between captures: ', ' here)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// An account metric asked with a period it does not have.
    InsightsPeriodIncompatible = graph {
        code: 100,
        message: "(#100) The following periods ({period}) are incompatible with the metric ({metric})",
        summary: "The metric is not reported for that period (follower_count is day only, online_followers lifetime only).",
        solution: "Use a period the metric has: reach day/week/days_28, follower_count day, online_followers lifetime, totals day.",
        action: fix(&["period"]),
        evidence: "REAL (live v22.0 probe, 2026-05: online_followers with week)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// An account-insights range longer than 30 days.
    InsightsRangeTooLong = graph {
        code: 100,
        message: "(#100) There cannot be more than 30 days (2592000 s) between since and until.",
        summary: "since and until are more than 30 days apart.",
        solution: "Ask for at most 30 days at a time; follow paging.previous for earlier windows.",
        action: fix(&["since", "until"]),
        evidence: "REAL (live v25.0 diagnostics, 2026-07: a 90-day window refused, 30 days accepted)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    // ---------------------------------------------------------------------------------------
    // Login and tokens: Facebook Login (graph.facebook.com) and Instagram Login
    // (api.instagram.com, graph.instagram.com).
    // ---------------------------------------------------------------------------------------

    /// The user revoked the app (or never authorized it).
    AppNotAuthorized = graph {
        code: 190, subcode: Some(458),
        message: "Error validating access token: The user has not authorized application {node-id}.",
        summary: "The user removed the app's permissions (DELETE /me/permissions or in their settings); every token they gave it is dead.",
        solution: "Send the user through the login flow again.",
        action: Action::RefreshToken,
        evidence: "REAL (test fixtures mirroring live Graph; yongjhih/RetroFacebook#21)",
    }

    /// An authorization code exchanged twice.
    AuthCodeUsed = graph {
        code: 100, subcode: Some(36009),
        message: "This authorization code has been used.",
        summary: "The code from the login redirect was already exchanged; a code works once.",
        solution: "Exchange each code once and keep the token; on a retry after a lost answer, start the login again.",
        action: Action::RefreshToken,
        evidence: "REAL (captured body with subcode 36009; laravel/socialite#385)",
    }

    /// An authorization code past its life.
    AuthCodeExpired = graph {
        code: 100, subcode: Some(36007),
        message: "This authorization code has expired.",
        summary: "The code from the login redirect was not exchanged in time (codes live minutes).",
        solution: "Exchange the code as soon as the redirect arrives; start the login again.",
        action: Action::RefreshToken,
        evidence: "REAL (overtrue/socialite#198)",
    }

    /// The code exchange named another redirect_uri than the dialog.
    RedirectUriMismatch = graph {
        code: 100,
        message: "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
        summary: "redirect_uri in the code exchange differs from the one the login dialog was opened with.",
        solution: "Send exactly the same redirect_uri (scheme, host, path, trailing slash) to the dialog and to the exchange.",
        action: fix(&["redirect_uri"]),
        evidence: "REAL (scribejava/scribejava#605; no subcode seen)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// A code that is no code.
    AuthCodeInvalid = graph {
        code: 100,
        message: "Invalid verification code format.",
        summary: "The code parameter is not an authorization code Meta issued.",
        solution: "Pass the code query parameter of the login redirect unchanged (strip a trailing #_=_).",
        action: fix(&["code"]),
        evidence: "REAL (mweibel/facebook.ex#52; restfb#412: code 100, no subcode)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// A wrong app secret.
    ClientSecretInvalid = graph {
        code: 1,
        message: "Error validating client secret.",
        summary: "client_secret is not the app's secret.",
        solution: "Use the app secret from the app's dashboard (Settings > Basic), never a token.",
        action: fix(&["client_secret"]),
        evidence: "REAL (facebookarchive/php-graph-sdk#538)",
        note: Some("Shares code 1 without subcode with UnknownError, which is the primary entry for classification."),
    }

    /// An app id Meta does not know.
    AppIdInvalid = graph {
        code: 101,
        message: "Error validating application. Invalid application ID.",
        summary: "client_id is not an app id.",
        solution: "Use the app id from the app's dashboard.",
        action: fix(&["client_id"]),
        evidence: "weak: seen in a test fixture only",
    }

    /// A redirect URI the app does not list.
    RedirectUriNotAllowed = graph {
        code: 191,
        message: "Invalid redirect_uri: Given URL is not allowed by the Application configuration.",
        summary: "The login dialog was opened with a redirect_uri the app does not allow.",
        solution: "Add the URI to the app's Valid OAuth Redirect URIs, or use one listed there.",
        action: fix(&["redirect_uri"]),
        evidence: "REAL string (a login handler's error text); code 191 GUESS",
    }

    /// A refresh of an Instagram token younger than 24 hours.
    RefreshTooEarly = graph {
        code: 100,
        message: "(#100) The access token can only be refreshed once it is at least 24 hours old",
        summary: "ig_refresh_token refreshes long-lived tokens that are at least 24 hours old and not expired.",
        solution: "Refresh later (any time between 24 hours and 60 days after the token was issued).",
        action: fix(&["access_token"]),
        evidence: "Meta's Business Login docs state the 24 h rule; the error text was not found (GUESS)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// A token of the wrong kind for an exchange or refresh.
    TokenKindUnsupported = graph {
        code: 100,
        message: "Unsupported request - method type: get",
        summary: "The token given cannot be exchanged or refreshed this way (an Instagram exchange of a Facebook token, a refresh of a short-lived token).",
        solution: "Exchange short-lived tokens (ig_exchange_token, fb_exchange_token); refresh only long-lived Instagram tokens.",
        action: fix(&["access_token", "grant_type"]),
        evidence: "REAL message for a refresh with an unsupported token (stevenschobert/instafeed.js#654, 2025)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
        on_instagram: OnInstagram::Seen {
            message: None,
            status: None,
            evidence: "REAL: 'Unsupported request - method type: get' as IGApiException code 100 (in2code-de/instagram#25 and #41, gitroomhq/postiz-app#638)",
        },
    }

    /// api.instagram.com: the code is unknown or used.
    InstagramCodeNotFound = graph {
        code: 400,
        message: "Matching code was not found or was already used",
        summary: "api.instagram.com does not know the code, or it was already exchanged (codes work once, for an hour).",
        solution: "Exchange each code once, within the hour; start the login again.",
        action: Action::RefreshToken,
        evidence: "REAL (Meta's Business Login docs sample; 'This authorization code has been used' is seen too)",
        note: Some("api.instagram.com answers {\"error_type\": \"OAuthException\", \"code\": 400, \"error_message\": ...}, not a Graph envelope; code 400 is the HTTP status."),
    }

    /// api.instagram.com: redirect_uri (or the secret) does not match.
    InstagramRedirectUriMismatch = graph {
        code: 400,
        message: "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
        summary: "redirect_uri differs from the authorize request's, or client_secret is wrong (api.instagram.com answers both the same way).",
        solution: "Send the same redirect_uri as to www.instagram.com/oauth/authorize, and the Instagram app secret.",
        action: fix(&["redirect_uri", "client_secret"]),
        evidence: "REAL (Msameim181/n8n-nodes-instagram-integrations#2, 2025; an operator's note that a wrong secret gets the same answer)",
        note: Some("Shares code 400 with InstagramCodeNotFound, which is the primary entry for classification. Rendered in api.instagram.com's flat shape."),
    }

    /// www.instagram.com / api.instagram.com: the app id is not an Instagram app.
    InstagramInvalidPlatformApp = graph {
        code: 400,
        message: "Invalid platform app",
        summary: "client_id is not the Instagram app id (a Facebook app id is a common mistake).",
        solution: "Use the Instagram app id from the app dashboard's Instagram > API setup with Instagram login.",
        action: fix(&["client_id"]),
        evidence: "REAL (shown by www.instagram.com/oauth/authorize for a Facebook app id, many reports)",
        note: Some("Shares code 400 with InstagramCodeNotFound, which is the primary entry for classification. Rendered in api.instagram.com's flat shape."),
    }

    /// api.instagram.com: a parameter is missing.
    InstagramMissingParameter = graph {
        code: 400,
        message: "You must provide a {param}",
        summary: "A required parameter of the Instagram code exchange is missing.",
        solution: "Send client_id, client_secret, grant_type=authorization_code, redirect_uri and code.",
        action: fix(&[]),
        evidence: "GUESS (the legacy Instagram API's wording)",
        note: Some("Shares code 400 with InstagramCodeNotFound, which is the primary entry for classification. Rendered in api.instagram.com's flat shape."),
    }

    /// www.instagram.com: response_type other than code or token.
    InstagramUnsupportedResponseType = graph {
        code: 400,
        message: "Only response type \"code\" and \"token\" is allowed",
        summary: "The authorize URL's response_type is missing or not code.",
        solution: "Open the authorize URL with response_type=code.",
        action: fix(&["response_type"]),
        evidence: "REAL (public issue threads of OAuth libraries)",
        note: Some("Shares code 400 with InstagramCodeNotFound, which is the primary entry for classification. Rendered in api.instagram.com's flat shape."),
    }

    /// The sandbox's CDN has no bytes at this URL.
    MediaBytesNotFound = graph {
        status: 404, code: 100,
        message: "(#100) No media bytes at {path}: the media was deleted, its bytes were never stored, or the URL is not one that media_url or thumbnail_url gave",
        summary: "A media_url or thumbnail_url of the sandbox's CDN names no stored bytes.",
        solution: "Read media_url again from the media object (GET /{ig-media-id}?fields=media_url); deleted media and URLs from before a reset are gone.",
        action: fix(&["media_url"]),
        source: Source::Sandbox,
        evidence: "instapub sandbox CDN (Instagram's CDN answers an unknown or expired URL with a bare 403/404 page, not a Graph envelope)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// Resumable upload: the token is missing or not the container owner's.
    UploadUnauthorized = graph {
        code: 190,
        message: "unauthorized user request",
        summary: "The resumable upload (rupload) was sent without a valid token of the container's account.",
        solution: "Send Authorization: OAuth <access token> with the token that created the container.",
        action: Action::RefreshToken,
        evidence: "Meta's documented rupload failure example ({\"debug_info\":{\"retriable\":false,\"type\":\"ProcessingFailedError\",...}}); rendered in that shape",
        note: Some("Shares code 190 without subcode with InvalidAccessToken, which is the primary entry for classification. On the upload endpoint this renders as a debug_info body."),
    }

    /// Resumable upload: the chunk does not start where the upload stands.
    UploadOffsetMismatch = graph {
        code: 100,
        message: "offset {offset} does not match the {received} bytes received so far",
        summary: "A rupload chunk's offset header is not the number of bytes already received.",
        solution: "Resume from the received byte count the message gives (GET the upload URI to read it).",
        action: fix(&["offset"]),
        source: Source::Sandbox,
        evidence: "instapub sandbox only; Meta does not document rupload's answer to a wrong offset",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification. Renders as a debug_info body."),
    }

    /// Resumable upload: the container takes no (more) upload.
    UploadNotExpected = graph {
        code: 100,
        message: "container {media-id} is not waiting for an upload",
        summary: "A rupload for a container not created with upload_type=resumable, or already complete.",
        solution: "Create the container with upload_type=resumable and upload once; poll its status afterwards.",
        action: fix(&["upload_type"]),
        source: Source::Sandbox,
        evidence: "instapub sandbox only; Meta does not document this case",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification. Renders as a debug_info body."),
    }

    // ---------------------------------------------------------------------------------------
    // Observed in the wild, not in Meta's table.
    // ---------------------------------------------------------------------------------------

    /// Video URL not servable when Instagram fetched it.
    VideoNotServable = publishing {
        code: -1, subcode: Some(2207076),
        message: "Media upload has failed with error code 2207076",
        user_title: Some("Upload failed"),
        user_msg: Some("Media upload has failed with error code 2207076"),
        summary: "Video processing failed: the URL was not servable when Instagram fetched it (it fetches only once), or the format was incompatible.",
        solution: "Make sure the video URL serves the final file immediately (no 423/5xx while a CDN warms up), then create a new container.",
        action: Action::Recreate,
        source: Source::Observed,
        evidence: "container status text REAL (incident Sep 11-12 2026); envelope on media_publish GUESS",
    }

    /// Video download failed (host ignored Range requests).
    VideoDownloadFailed = publishing {
        code: -1, subcode: Some(2207077),
        message: "Media upload has failed with error code 2207077",
        user_title: Some("Upload failed"),
        user_msg: Some("Media upload has failed with error code 2207077"),
        summary: "Video download failed, typically because the host ignored HTTP Range requests or was temporary.",
        solution: "Host the video where Range requests get 206 responses and the URL stays valid, then create a new container.",
        action: Action::Recreate,
        source: Source::Observed,
        evidence: "container status text REAL (postiz handleErrors and others); envelope on media_publish GUESS",
    }

    /// Trial Reels not supported for this account.
    TrialReelsUnsupported = publishing {
        code: 10, subcode: Some(2207081),
        message: "(#10) Application does not have permission for this action",
        user_title: Some("Trial Reels not available"),
        user_msg: Some("This account doesn't support Trial Reels"),
        summary: "The account is not eligible for Trial Reels (trial_params).",
        solution: "Publish without trial_params, or only offer Trial Reels to eligible accounts.",
        action: fix(&["trial_params"]),
        source: Source::Observed,
        evidence: "code and subcode REAL-partial (gitroomhq/postiz-app#1914); message and texts GUESS",
    }

    /// Audio track attached to a video without audio.
    AudioOnSilentVideo = publishing {
        code: -1, subcode: Some(2207082),
        message: "Media upload has failed with error code 2207082",
        user_title: Some("Upload failed"),
        user_msg: Some("Media upload has failed with error code 2207082"),
        summary: "Video processing failed: audio was attached to a video with no audio stream while the original volume was not 0 (also seen on very large pulls).",
        solution: "Give the video a (silent) audio track or set the original volume to 0 when adding music, then create a new container.",
        action: fix(VIDEO),
        source: Source::Observed,
        evidence: "container status text REAL (gitroomhq/postiz-app#2033, #1992); envelope on media_publish GUESS",
    }

    /// The image could not be processed (format).
    InvalidImageFormat = publishing {
        code: 36001, subcode: Some(2207083),
        message: "The image format is not supported.",
        user_title: Some("Invalid Image Format"),
        user_msg: Some("The image could not be processed because its format is not supported."),
        summary: "The image could not be read (corrupt or not really an image).",
        solution: "Re-export the image as a standard JPEG and create the container again.",
        action: fix(IMAGE),
        source: Source::Observed,
        evidence: "REAL (\"real case 28/08/2026\", fbtrace ADLs8dl_l3AbasnnAKjYltu); the user message was truncated in the source",
    }

    /// The video could not be processed.
    VideoProcessingFailed = publishing {
        code: -1, subcode: Some(2207085),
        message: "Media upload has failed with error code 2207085",
        user_title: Some("Upload failed"),
        user_msg: Some("Media upload has failed with error code 2207085"),
        summary: "Video processing failed (format, duration or resolution out of specification).",
        solution: "Re-encode the video to the Reels specification and create a new container.",
        action: fix(VIDEO),
        source: Source::Observed,
        evidence: "container status text REAL (gitroomhq/postiz-app#1992); envelope on media_publish GUESS",
    }

    /// A carousel item (media_type=VIDEO) published on its own.
    CarouselItemStandalone = publishing {
        code: 100, subcode: Some(2207089),
        message: "Invalid parameter",
        user_title: Some("Carousel item cannot be published standalone"),
        user_msg: Some("Media created with media_type=VIDEO is a carousel item and cannot be published as a standalone post. To publish a standalone video, use media_type=REELS instead."),
        summary: "A container created with media_type=VIDEO is a carousel item and cannot be published alone.",
        solution: "Create standalone videos with media_type=REELS; use VIDEO only for carousel children.",
        action: fix(&["media_type"]),
        source: Source::Observed,
        evidence: "REAL (MookieLian/n8n-nodes-instagram#9, fbtrace AQAGQZmBxEjj1dBgw9kJXc1)",
    }

    /// oEmbed / media lookup of a post that does not exist.
    ResourceNotFound = publishing {
        code: 24, subcode: Some(2207045),
        message: "The requested resource does not exist",
        user_title: Some("Media Not Found"),
        user_msg: Some("The requested media could not be found."),
        summary: "The requested post does not exist (seen on oEmbed with a made-up URL).",
        solution: "Check the post URL or id.",
        action: fix(&["url"]),
        source: Source::Observed,
        evidence: "message and title REAL (an engineer's probe notes); user message GUESS",
    }

    // ---------------------------------------------------------------------------------------
    // Met by real integrations and pasted in their public issue threads (schedulers, inbox
    // tools, analytics connectors, SDKs); each evidence names the thread and its date, and
    // tests/fixtures/real-envelopes.json holds the body.
    // ---------------------------------------------------------------------------------------

    /// Insights of a post published before the account became a professional account.
    MediaPostedBeforeConversion = publishing {
        code: 100, subcode: Some(2108006),
        message: "Invalid parameter",
        error_data: Some(r#"{"blame_field_specs":[[""]]}"#),
        user_title: Some("Media posted before business account conversion"),
        user_msg: Some("The media was posted before the most recent time that the user's account was converted to a business account from a personal account."),
        summary: "Insights were asked for a post published before the account last converted to a professional account; Instagram keeps none for it.",
        solution: "Skip insights for media older than the account's conversion; the error is permanent for that post.",
        action: Action::NotAvailable,
        source: Source::Observed,
        evidence: "REAL (airbytehq/airbyte#1814, 2021-03-24, fbtrace AsEo4TGbJgj894OcT7XaCFL; keboola/ex-facebook-graph-api#35, 2018-01-31, title capitalised)",
    }

    /// Instagram messaging: a reply outside the 24-hour window.
    MessageOutsideWindow = graph {
        status: 403,
        code: 10, subcode: Some(2534022),
        message: "(#10) This message is sent outside of allowed window.",
        summary: "An Instagram message was sent more than 24 hours after the person last messaged the account (the messaging window is closed).",
        solution: "Reply within 24 hours of the person's last message, or send with the HUMAN_AGENT tag (7 days, needs its permission); otherwise wait for them to write again.",
        action: Action::NotAvailable,
        source: Source::Observed,
        evidence: "REAL (ComposioHQ/composio#3604, 2026-06-18, fbtrace A9C5BFZGYCvRghcFEHTjgpC, and #3974, 2026-07-28: IGApiException, HTTP 403 on graph.instagram.com); the graph.facebook.com form with the (#10) prefix is GUESS",
        on_instagram: OnInstagram::Seen {
            message: None,
            status: Some(403),
            evidence: "REAL: ComposioHQ/composio#3604 (2026-06-18)",
        },
    }

    /// Instagram messaging: the app is not the thread's owner (handover protocol).
    NotThreadOwner = graph {
        code: 100, subcode: Some(2534037),
        message: "(#100) The action is invalid since it's not the thread owner.",
        summary: "The conversation's thread control belongs to another app (the handover protocol), so this app cannot act in it.",
        solution: "Take or request thread control (take_thread_control / request_thread_control) before replying, or let the owning app answer.",
        action: fix(&[]),
        source: Source::Observed,
        evidence: "REAL (chatwoot/chatwoot#6550, 2023-02-26, fbtrace AOYftbNgo3flFdB6Eg96SnX, logged as a Ruby hash)",
    }

    /// Messaging: the recipient id is not a person who wrote to the account.
    NoMatchingUser = graph {
        code: 100,
        message: "(#100) No matching user found",
        summary: "The message's recipient id names nobody this Page or account can message (a wrong or app-scoped id, or a person who never wrote).",
        solution: "Use the sender id from the webhook or conversation the person started; ids are scoped per app and per Page or account.",
        action: fix(&["recipient"]),
        source: Source::Observed,
        evidence: "REAL (fbsamples/messenger-platform-samples#11, 2016-07-19, fbtrace C/BwuLFOao8; howdyai/botkit#312, 2016-07-07)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// A method the endpoint (or the token's kind) does not support.
    UnsupportedRequestMethod = graph {
        code: 100,
        message: "Unsupported request - method type: {method}",
        summary: "The endpoint does not take this HTTP method for this token: a POST to a read-only edge, or a call with a token of the wrong product (a Basic Display token after its retirement).",
        solution: "Check the HTTP method and path against the reference, and that the token comes from the login this host serves.",
        action: fix(&[]),
        source: Source::Observed,
        evidence: "REAL (Msameim181/n8n-nodes-instagram-integrations#1, 2025-10-16, fbtrace AH1bB4U-p13sirSqsMpl4ss, IGApiException; chatwoot/chatwoot#14932, 2026-07-05)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification. \"method type: get\" is TokenKindUnsupported, listed first."),
        on_instagram: OnInstagram::Seen {
            message: None,
            status: None,
            evidence: "REAL: Msameim181/n8n-nodes-instagram-integrations#1 (2025-10-16)",
        },
    }

    /// The Instagram account is not a business account.
    NotInstagramBusiness = graph {
        code: 10,
        message: "(#10) The user is not an Instagram Business",
        summary: "The call needs an Instagram professional (business or creator) account linked to a Page, and this one is personal or not linked.",
        solution: "Have the owner switch to a professional account and link it to a Facebook Page, then log in again.",
        action: Action::UserMustActInApp,
        source: Source::Observed,
        evidence: "REAL (a social publisher's test fixture copied from production, found by find_string id 17128167204, undated, fbtrace A0KEsOD0sm8GOzzjLAIOHNN)",
        note: Some("Shares code 10 without subcode with PermissionDenied, which is the primary entry for classification."),
    }

    /// The app only accepts calls from listed server addresses.
    UnauthorizedSourceIp = graph {
        code: 5,
        message: "(#5) Unauthorized source IP address",
        summary: "The app's Server IP Allowlist (advanced settings) does not include the address this call came from.",
        solution: "Add the server's outgoing address to the app's allowlist, or call from an allowed address.",
        action: fix(&[]),
        source: Source::Observed,
        evidence: "REAL (arsduo/koala#607, 2017-04-23: type OAuthException, code 5, x-fb-trace-id Dpoe+vZ6aMC, HTTP 400, as Koala prints it)",
    }

    /// Meta could not read the app's settings.
    AppValidationFailed = graph {
        code: 101,
        message: "Error validating application. Cannot get application info due to a system error.",
        summary: "Meta failed on its side while checking the app (a system error, not a wrong id).",
        solution: "Retry later; if it persists, check Meta's status page.",
        action: retry(3, 2_000, 60_000),
        source: Source::Observed,
        evidence: "REAL (sns-sdks/python-facebook#271, 2024-10-20, fbtrace A0IOBZ89Nm1tCYi7Xw2GuGJ, as FacebookError(...) prints it)",
        note: Some("Shares code 101 with AppIdInvalid, which is the primary entry for classification; the message tells them apart."),
    }

    /// Messaging: the person cannot receive messages now.
    RecipientUnavailable = graph {
        code: 551, subcode: Some(1545041),
        message: "(#551) This person isn't available right now.",
        summary: "The recipient cannot be messaged at the moment: they blocked the account, deactivated, restricted messages, or are otherwise unreachable.",
        solution: "Do not retry; mark the conversation as unreachable and stop sending to this recipient until they write again.",
        action: Action::NotAvailable,
        source: Source::Observed,
        evidence: "REAL (microsoft/botframework-sdk#4556, 2018-05-04, fbtrace G3GRmtpZiq6; a Chinese developer's notes with the body as received, find_string id 15416556506, about 2023-12 by its timestamps, where a localised twin carries code 200)",
    }

    /// Messenger Platform (Instagram messaging through a Page): the 24-hour window is closed.
    MessengerOutsideWindow = graph {
        code: 10, subcode: Some(2018278),
        message: "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
        summary: "A message through the Messenger Platform (Instagram messaging with Facebook Login) was sent more than 24 hours after the person last wrote.",
        solution: "Reply within 24 hours of the person's last message, or with a message tag the policy allows (HUMAN_AGENT); otherwise wait for them to write again.",
        action: Action::NotAvailable,
        source: Source::Observed,
        evidence: "REAL (a Chinese developer's notes with the body as received, find_string id 15416556506, about 2023-12 by its timestamps, fbtrace AxIIVeNpuf3y2jeXdufRcEX; botpress/botpress#4890, 2021-04-24, HTTP 400)",
    }

    /// Messaging: an attachment could not be uploaded.
    UploadAttachmentFailed = graph {
        code: 100, subcode: Some(2018047),
        message: "(#100) Upload attachment failure.",
        summary: "The message's attachment could not be fetched or read (the URL's Content-Type or size was not accepted).",
        solution: "Serve the attachment from a public URL with its real Content-Type and a supported format and size.",
        action: fix(&["attachment"]),
        source: Source::Observed,
        evidence: "REAL (a Chinese developer's notes with the body as received, find_string id 15416556506, about 2023-12 by its timestamps, fbtrace AN1pzAEZj4AwdT5gygdvNXL)",
    }

    /// The app's API access was deactivated.
    ApiAccessDeactivated = graph {
        code: 200,
        message: "API access deactivated. To reactivate, go to the app dashboard.",
        summary: "Meta deactivated the app's API access (an unused or restricted app, or one failing its data use checkup); every call fails until it is reactivated.",
        solution: "Open the app dashboard, complete what it asks (data use checkup, verification) and reactivate API access.",
        action: Action::NotAvailable,
        source: Source::Observed,
        evidence: "REAL (trufflesecurity/trufflehog#1921, 2023-10-27, HTTP 400, fbtrace A2sAXBbvp26YTYeYuyB3-yv; msigley/WP-Instagram-API#6, 2022-09-07, seen with HTTP 200)",
        note: Some("Shares code 200 with AdsManagementMissing, which is the primary entry for classification; the message tells them apart."),
    }

    /// A Page read that needs an app token or an app secret proof.
    PagePublicMetadataAccess = graph {
        code: 100,
        message: "(#100) Page Public Metadata Access requires either app secret proof or an app token",
        summary: "Reading a Page the token's user does not manage needs the Page Public Metadata Access feature, called with an app token or an appsecret_proof.",
        solution: "Read Pages and their Instagram accounts with a token of someone who manages them, or send appsecret_proof (the app needs the feature approved).",
        action: fix(&["appsecret_proof", "access_token"]),
        source: Source::Observed,
        evidence: "REAL (oorestisime/gatsby-source-instagram#145, 2020-04-29, fbtrace Ai90-u47JI4T4pGEG8aCkwq; #155, 2020-06-03)",
        note: Some("Shares code 100 without subcode with ParameterRequired, which is the primary entry for classification."),
    }

    /// The app lacks a capability Meta grants (not a user permission).
    AppCapabilityMissing = graph {
        code: 3,
        message: "(#3) Application does not have the capability to make this API call.",
        summary: "The app has not been granted the capability this call needs (a product not added, an access level or feature not approved), whatever the token's permissions.",
        solution: "Add the product (Instagram, Webhooks) to the app and get the feature or access level approved in App Review.",
        action: Action::NotAvailable,
        source: Source::Observed,
        evidence: "REAL (a Facebook tool's README quoting the body, find_string id 15397121271, fbtrace ASH_Yz0HolgEJQkXE3igaVH; brightbeanxyz/brightbean-studio#146, 2026-08-11: code 3 with HTTP 400 on POST /{ig-user-id}/subscribed_apps)",
    }

    /// api.instagram.com's authorize or token call with scopes it does not know.
    InstagramInvalidScope = graph {
        code: 400,
        message: "Invalid scope field(s): {fields}",
        summary: "The login asked for scopes Instagram does not have (the retired basic, user_profile and user_media scopes, or Facebook permission names).",
        solution: "Ask for Instagram Login's scopes (instagram_business_basic, instagram_business_content_publish, ...), comma-separated.",
        action: fix(&["scope"]),
        source: Source::Observed,
        evidence: "REAL (ilektrojohn/creepy#107, 2020-09-14, and beaulebens/keyring-social-importers#38, 2021-06-18: 'Invalid scope field(s): basic'; miled/wordpress-social-login#338, 2019-12-04: empty list)",
        note: Some("Shares code 400 with InstagramCodeNotFound, which is the primary entry for classification. Rendered in api.instagram.com's flat shape."),
    }
}

/// A message without Graph's leading `(#123) `.
const fn without_code_prefix(message: &'static str) -> &'static str {
    let b = message.as_bytes();
    if b.len() < 4 || b[0] != b'(' || b[1] != b'#' {
        return message;
    }
    let mut i = 2;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i + 1 < b.len() && i > 2 && b[i] == b')' && b[i + 1] == b' ' {
        let (_, rest) = message.split_at(i + 2);
        rest
    } else {
        message
    }
}

/// Where the publishing errors were seen keeping Graph's envelope on graph.instagram.com.
const PUBLISHING_ON_INSTAGRAM: &str = "REAL: 9007/2207027 as type OAuthException with its user title and message from graph.instagram.com (searlsco/posse_party, test/support/vcr_cassettes/instagram_shot.yml)";

// Family templates: the wire shape an entry starts from. Fields an entry must always set
// (code, message, summary, solution, evidence) are left empty here; a test rejects any entry
// that forgets one.

const fn publishing(id: Id) -> Entry {
    Entry {
        id,
        status: 400,
        code: 0,
        subcode: None,
        error_type: ErrorType::OAuthException,
        message: "",
        user_title: None,
        user_msg: None,
        is_transient: Some(false),
        transient_first: false,
        summary: "",
        solution: "",
        action: Action::FixRequest { params: &[] },
        source: Source::Seed,
        evidence: "",
        meta_solution: None,
        note: None,
        observed: None,
        on_instagram: OnInstagram::AsFacebook {
            evidence: PUBLISHING_ON_INSTAGRAM,
        },
        error_data: None,
    }
}

const fn graph(id: Id) -> Entry {
    Entry {
        is_transient: None,
        source: Source::GraphDocs,
        on_instagram: OnInstagram::Dialect,
        ..publishing(id)
    }
}

const fn throttle(id: Id) -> Entry {
    Entry {
        is_transient: Some(true),
        transient_first: true,
        source: Source::GraphDocs,
        on_instagram: OnInstagram::Dialect,
        ..publishing(id)
    }
}
