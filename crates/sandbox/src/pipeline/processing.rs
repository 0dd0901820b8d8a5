//! Background processing of video containers: fetch, probe, keep the bytes (and the cover a
//! `cover_url` names), and record FINISHED or ERROR.
//!
//! A container stays IN_PROGRESS at least until its `ready_at` (creation + the configured
//! processing time, on the virtual clock) even when processing is done earlier, so clients
//! really have to poll. Containers left IN_PROGRESS by a crash are processed again at start.

use std::sync::Arc;

use instapub_errors::CatalogError;
use instapub_rules::Kind;

use instapub_rules::Limits;

use super::fetch::Fetcher;
use super::inspect;
use crate::params::Params;
use crate::store::blobs::Blobs;
use crate::store::{self, Container, Processed, Store};

/// What background processing works with: the store, the media store, the fetcher and the
/// publishing rules' numbers. Cheap to clone; `App` holds one.
#[derive(Clone)]
pub struct Processing {
    store: Store,
    blobs: Arc<Blobs>,
    fetcher: Fetcher,
    limits: Arc<Limits>,
}

impl Processing {
    pub fn new(store: Store, blobs: Arc<Blobs>, fetcher: Fetcher, limits: Limits) -> Processing {
        Processing {
            store,
            blobs,
            fetcher,
            limits: Arc::new(limits),
        }
    }

    /// Starts processing a container in the background.
    pub fn spawn(&self, container: Container) {
        let app = self.clone();
        tokio::spawn(async move {
            let result = process(&app, &container).await;
            record(&app, &container, result).await;
        });
    }

    /// The largest video of a kind (a resumable upload may not declare more).
    pub fn max_bytes(&self, kind: Kind) -> u64 {
        let limits = &self.limits;
        match kind {
            Kind::Reel => limits.reel_max_bytes,
            Kind::StoryVideo | Kind::StoryImage => limits.story_video_max_bytes,
            _ => limits.carousel_video_max_bytes,
        }
    }

    /// Resumes containers a previous run left IN_PROGRESS.
    pub async fn resume(&self) -> Result<usize, store::StoreError> {
        let pending = self
            .store
            .write(|c| store::unprocessed_containers(c))
            .await?;
        let n = pending.len();
        for container in pending {
            self.spawn(container);
        }
        Ok(n)
    }
}

async fn record(app: &Processing, container: &Container, result: Result<Processed, CatalogError>) {
    let id = container.id.clone();
    let processed = result.unwrap_or_else(|e| Processed {
        error: serde_json::to_string(&e).ok(),
        ..Processed::default()
    });
    let result = app
        .store
        .write(move |c| store::finish_processing(c, &id, &processed))
        .await;
    if let Err(e) = result {
        tracing::error!(container = %container.id, error = %e, "cannot record processing result");
    }
}

/// Applies the publishing rules to a processed video; keeps its bytes and its cover when they
/// pass.
async fn judge(
    app: &Processing,
    container: &Container,
    found: inspect::Inspected<'_>,
) -> Result<Processed, CatalogError> {
    let req = Params::from_json(&container.params)
        .container_request()
        .map_err(|e| e.0)?;
    let kind = instapub_rules::kind(&req)?;
    let limits = &app.limits;
    if let Some(e) = instapub_rules::check_media(&req, kind, &found.facts, found.size, limits)
        .into_iter()
        .next()
    {
        return Err(e);
    }
    let facts = serde_json::to_string(&found.facts).ok();
    let blob = Some(found.keep(&app.blobs)?);
    Ok(Processed {
        facts,
        error: None,
        blob,
        thumb_blob: cover(app, container).await,
    })
}

/// The cover image `cover_url` names, stored. A cover that cannot be fetched or read does not
/// fail the video (Meta documents no error for it): `thumbnail_url` then shows the placeholder
/// frame, and the server log says why.
async fn cover(app: &Processing, container: &Container) -> Option<String> {
    let url = Params::from_json(&container.params).str("cover_url")?;
    let max = app.limits.image_max_bytes;
    let kept = match inspect::image(&app.fetcher, &url, max).await {
        Ok(found) => found.keep(&app.blobs),
        Err(e) => Err(e),
    };
    match kept {
        Ok(blob) => Some(blob),
        Err(e) => {
            let url = crate::runtime::request_log::redact_userinfo(&url);
            tracing::warn!(container = %container.id, url = %url, error = %e, "cover not used");
            None
        }
    }
}

/// Fetches and probes the container's video, or reads it from its uploaded pieces.
async fn process(app: &Processing, container: &Container) -> Result<Processed, CatalogError> {
    let Some(url) = container.media_url.as_deref() else {
        let found = uploaded(app, container).await?;
        return judge(app, container, found).await;
    };
    let found =
        inspect::video(&app.fetcher, &app.blobs, url, app.max_bytes(container.kind)).await?;
    judge(app, container, found).await
}

/// A resumable upload's stored pieces, read one at a time into the prober and the media store.
async fn uploaded<'a>(
    app: &'a Processing,
    container: &Container,
) -> Result<inspect::Inspected<'a>, CatalogError> {
    let mut sink = inspect::VideoSink::new(&app.blobs, app.max_bytes(container.kind))?;
    let mut offset = 0;
    loop {
        let id = container.id.clone();
        let piece = app
            .store
            .read(move |c| store::upload_piece(c, &id, offset))
            .await
            .map_err(|e| {
                tracing::error!(container = %container.id, error = %e, "upload unreadable");
                CatalogError::new(instapub_errors::Id::ServiceUnavailable)
            })?;
        let Some((at, bytes)) = piece else { break };
        offset = at + bytes.len().max(1) as i64;
        if sink.feed(&bytes).is_break() {
            break;
        }
    }
    sink.finish("the uploaded file")
}
