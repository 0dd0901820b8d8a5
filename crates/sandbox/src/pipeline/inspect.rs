//! Fetch and probe: turns a media URL into media facts, or the catalog error Instagram returns
//! when it cannot get them (2207003 timeout, 2207004 image too large, 2207052 unreachable,
//! 2207083 unreadable image, 2207026 unreadable video).
//!
//! Images are downloaded whole (they are capped at a few MiB) and probed. Videos are streamed
//! through the push-style prober and into the media store ([`crate::store::blobs`]) chunk by chunk,
//! so memory does not grow with the file's size.
//!
//! The bytes are kept only once the publishing rules accept them: [`Inspected::keep`] commits
//! them; dropping an [`Inspected`] leaves nothing in the store.

use std::ops::ControlFlow;

use instapub_errors::{placeholder, CatalogError, Id};
use instapub_media::{probe_bytes, MediaFacts, Probe, ProbeError, Prober, Step};

use super::fetch::{FetchError, Fetcher};
use crate::error::human_size;
use crate::store::blobs::{BlobError, BlobWriter, Blobs};

/// Bytes of a video the prober may buffer; the facts of real files sit in the first MiBs.
const VIDEO_PROBE_CAP: u64 = instapub_media::DEFAULT_CAP;

/// What inspection found.
pub struct Inspected<'a> {
    pub facts: MediaFacts,
    /// The file's size in bytes.
    pub size: u64,
    /// The bytes, not yet committed to the media store.
    bytes: Pending<'a>,
}

enum Pending<'a> {
    Memory(Vec<u8>),
    Written(BlobWriter<'a>),
}

impl Inspected<'_> {
    /// Commits the bytes to the media store; their blob id.
    pub fn keep(self, blobs: &Blobs) -> Result<String, CatalogError> {
        match self.bytes {
            Pending::Memory(bytes) => blobs.put(&bytes),
            Pending::Written(w) => w.finish(),
        }
        .map_err(store_full)
    }
}

/// The media store refused bytes: a temporary error (as a full disk would be at Meta), the
/// reason and the cap in the detail.
pub fn store_full(e: BlobError) -> CatalogError {
    tracing::warn!(reason = %e, "media not stored");
    let hint = match e {
        BlobError::Full { .. } => {
            " (raise it with `instapub serve --media-store-max`, or POST /_sandbox/reset)"
        }
        BlobError::Io(_) => "",
    };
    CatalogError::new(Id::ServiceUnavailable).with_detail(format!("{e}{hint}"))
}

/// Downloads and probes an image, refusing more than `max_bytes`.
pub async fn image<'a>(
    fetcher: &Fetcher,
    url: &str,
    max_bytes: u64,
) -> Result<Inspected<'a>, CatalogError> {
    let fetched = fetcher
        .fetch(url, max_bytes)
        .await
        .map_err(|e| fetch_error(e, url, max_bytes, false))?;
    let size = fetched.bytes.len() as u64;
    match probe_bytes(&fetched.bytes) {
        Ok(Probe { facts, .. }) => Ok(Inspected {
            facts,
            size,
            bytes: Pending::Memory(fetched.bytes),
        }),
        Err(ProbeError::Empty) => Err(CatalogError::new(Id::MediaFetchFailed)
            .with(placeholder::URI, url)
            .with_detail(format!("fetching {url}: the server sent no bytes"))),
        Err(e) => Err(CatalogError::new(Id::InvalidImageFormat)
            .with_detail(format!("{url} is not a readable image: {e}"))),
    }
}

/// A video arriving chunk by chunk (a download, or an upload's stored pieces): each chunk is
/// written to the media store and fed to the push-style prober, so memory stays at the
/// prober's cap, not the file's size.
pub struct VideoSink<'a> {
    writer: BlobWriter<'a>,
    prober: Prober,
    outcome: Option<Result<Probe, ProbeError>>,
    refused: Option<BlobError>,
    size: u64,
}

impl<'a> VideoSink<'a> {
    pub fn new(blobs: &'a Blobs, max_bytes: u64) -> Result<VideoSink<'a>, CatalogError> {
        Ok(VideoSink {
            writer: blobs.writer().map_err(store_full)?,
            // The whole file is read anyway (for its size), so the prober may discard a large
            // `mdat` and still find a trailing `moov`.
            prober: Prober::new(VIDEO_PROBE_CAP).read_through(max_bytes),
            outcome: None,
            refused: None,
            size: 0,
        })
    }

    /// Takes the next chunk; `Break` when the media store refused it.
    pub fn feed(&mut self, chunk: &[u8]) -> ControlFlow<()> {
        if let Err(e) = self.writer.write(chunk) {
            self.refused = Some(e);
            return ControlFlow::Break(());
        }
        self.size += chunk.len() as u64;
        if self.outcome.is_none() {
            match self.prober.feed(chunk) {
                Step::NeedMore => {}
                Step::Done(p) => self.outcome = Some(Ok(p)),
                Step::Error(e) => self.outcome = Some(Err(e)),
            }
        }
        // Keep reading after the facts are known: the size limit needs the whole length.
        ControlFlow::Continue(())
    }

    /// What the chunks were; `source` names them in the errors' details.
    pub fn finish(mut self, source: &str) -> Result<Inspected<'a>, CatalogError> {
        if let Some(e) = self.refused {
            return Err(store_full(e));
        }
        let outcome = match self.outcome.take() {
            Some(o) => o,
            None => match self.prober.finish() {
                Step::Done(p) => Ok(p),
                Step::Error(e) => Err(e),
                Step::NeedMore => Err(ProbeError::Truncated { format: "video" }),
            },
        };
        match outcome {
            Ok(p) => video_facts(p.facts, self.size, Pending::Written(self.writer)),
            Err(ProbeError::Empty) => Err(CatalogError::new(Id::MediaFetchFailed)
                .with(placeholder::URI, source)
                .with_detail(format!("fetching {source}: the server sent no bytes"))),
            Err(_) => {
                Err(CatalogError::new(Id::UnsupportedVideoFormat)
                    .with(placeholder::VIDEO, "container"))
            }
        }
    }
}

/// Streams a video through the prober and into the media store, refusing more than
/// `max_bytes`.
pub async fn video<'a>(
    fetcher: &Fetcher,
    blobs: &'a Blobs,
    url: &str,
    max_bytes: u64,
) -> Result<Inspected<'a>, CatalogError> {
    let mut sink = VideoSink::new(blobs, max_bytes)?;
    fetcher
        .stream(url, max_bytes, |chunk| sink.feed(chunk))
        .await
        .map_err(|e| fetch_error(e, url, max_bytes, true))?;
    sink.finish(url)
}

/// Bytes that are no video at all (an image, unknown data) cannot give video facts. Videos in
/// a container Instagram does not take (Matroska, AVI...) pass through: the rules name them.
fn video_facts(facts: MediaFacts, size: u64, bytes: Pending) -> Result<Inspected, CatalogError> {
    match facts {
        MediaFacts::Image(_) | MediaFacts::Unknown => {
            Err(CatalogError::new(Id::UnsupportedVideoFormat).with(placeholder::VIDEO, "container"))
        }
        facts => Ok(Inspected { facts, size, bytes }),
    }
}

/// A fetch failure as Instagram reports it. Too-large videos are a video-format error naming
/// the file size (Meta documents no size-specific subcode for video).
pub fn fetch_error(e: FetchError, url: &str, max_bytes: u64, video: bool) -> CatalogError {
    let detail = format!("fetching {url}: {e}");
    let url = crate::runtime::request_log::redact_userinfo(url);
    tracing::warn!(url = %url, reason = %e, "media fetch failed");
    let error = match e {
        FetchError::Timeout => CatalogError::new(Id::DownloadTimeout),
        FetchError::TooLarge { .. } if video => {
            CatalogError::new(Id::UnsupportedVideoFormat).with(placeholder::VIDEO, "file_size")
        }
        FetchError::TooLarge { .. } => {
            CatalogError::new(Id::ImageTooLarge).with(placeholder::SIZE, human_size(max_bytes))
        }
        FetchError::BadUrl(_)
        | FetchError::Forbidden(_)
        | FetchError::Status(_)
        | FetchError::Network(_) => {
            CatalogError::new(Id::MediaFetchFailed).with(placeholder::URI, url)
        }
    };
    error.with_detail(detail)
}
