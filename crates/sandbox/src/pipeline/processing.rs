//! Background processing of video containers: fetch, probe, and record FINISHED or ERROR.
//!
//! A container stays IN_PROGRESS at least until its `ready_at` (creation + the configured
//! processing time, on the virtual clock) even when processing is done earlier, so clients
//! really have to poll. Containers left IN_PROGRESS by a crash are processed again at start.

use std::sync::Arc;

use instapub_errors::CatalogError;
use instapub_rules::Kind;

use super::inspect;
use crate::app::App;
use crate::params::Params;
use crate::store::{self, Container};

/// Starts processing a container in the background.
pub fn spawn(app: Arc<App>, container: Container) {
    tokio::spawn(async move {
        let result = process(&app, &container).await;
        record(&app, &container, result).await;
    });
}

/// Starts processing uploaded bytes in the background.
pub fn spawn_bytes(app: Arc<App>, container: Container, bytes: Vec<u8>) {
    tokio::spawn(async move {
        let max = max_bytes(&app, container.kind);
        let result =
            inspect::video_bytes(&bytes, max).and_then(|found| judge(&app, &container, found));
        record(&app, &container, result).await;
    });
}

async fn record(app: &App, container: &Container, result: Result<Option<String>, CatalogError>) {
    {
        let id = container.id.clone();
        let (facts, error) = match result {
            Ok(facts) => (facts, None),
            Err(e) => (None, serde_json::to_string(&e).ok()),
        };
        let result = app
            .store
            .call(move |c| store::finish_processing(c, &id, facts.as_deref(), error.as_deref()))
            .await;
        if let Err(e) = result {
            tracing::error!(container = %container.id, error = %e, "cannot record processing result");
        }
    }
}

/// The largest video of a kind.
fn max_bytes(app: &App, kind: Kind) -> u64 {
    let limits = &app.config.limits;
    match kind {
        Kind::Reel => limits.reel_max_bytes,
        Kind::StoryVideo | Kind::StoryImage => limits.story_video_max_bytes,
        _ => limits.carousel_video_max_bytes,
    }
}

/// Applies the publishing rules to a processed video.
fn judge(
    app: &App,
    container: &Container,
    found: inspect::Inspected,
) -> Result<Option<String>, CatalogError> {
    let req = Params::from_json(&container.params)
        .container_request()
        .map_err(|e| e.0)?;
    let kind = instapub_rules::kind(&req)?;
    let limits = &app.config.limits;
    if let Some(e) = instapub_rules::check_media(&req, kind, &found.facts, found.size, limits)
        .into_iter()
        .next()
    {
        return Err(e);
    }
    Ok(serde_json::to_string(&found.facts).ok())
}

/// Fetches and probes the container's video.
async fn process(app: &App, container: &Container) -> Result<Option<String>, CatalogError> {
    let Some(url) = container.media_url.as_deref() else {
        return Ok(None);
    };
    let found = inspect::video(&app.fetcher, url, max_bytes(app, container.kind)).await?;
    judge(app, container, found)
}

/// Resumes containers a previous run left IN_PROGRESS.
pub async fn resume(app: &Arc<App>) -> Result<usize, store::StoreError> {
    let pending = app.store.call(|c| store::unprocessed_containers(c)).await?;
    let n = pending.len();
    for container in pending {
        spawn(app.clone(), container);
    }
    Ok(n)
}
