//! High level: publish an image, reel, story or carousel and recover the way the catalog says.
//!
//! The steps: create the container (children first for a carousel), poll its status until
//! FINISHED, check the publishing quota, publish. Every failure is classified by the catalog
//! into an [`Action`]; this module only maps actions to behaviour:
//!
//! | action | here |
//! |---|---|
//! | `RetrySame`, `Throttled` | send the same call again after a jittered, growing delay |
//! | `RetryThenRecreate` (2207008) | retry publish the given number of times, spread over the window; then re-create |
//! | `Recreate` (2207020, 2207053, 2207006, 2207032, ERROR containers) | create a new container and start over |
//! | `WaitUntilFinished` (2207027) | poll the container again, then publish |
//! | `WaitForPublishingWindow` (2207042) | stop: quota exhausted |
//! | anything else | stop with the entry, its action and the user message |
//!
//! Never publishing twice: when media_publish gets no usable answer (timeout, broken
//! connection) or before re-creating after a publish error, the container's status is read
//! first; PUBLISHED means it worked.

use std::sync::Arc;
use std::time::{Duration, Instant};

use instapub_errors::{classify, Action, Classification, ContainerStatus, GraphError, Id, Profile};
use instapub_rules::{Kind, RequestType};

/// The sentences of a message template before the first one with a `{placeholder}`.
fn complete_sentences(template: &str) -> String {
    let mut out = String::new();
    for sentence in template.split_inclusive(". ") {
        if !instapub_errors::envelope::placeholder_names(sentence).is_empty() {
            break;
        }
        out.push_str(sentence);
    }
    out.trim_end().to_owned()
}

/// The `media_type` a create request sends for a kind (`IMAGE` for a feed image, which may
/// also send none).
fn media_type(kind: Kind) -> &'static str {
    kind.request_type().unwrap_or(RequestType::Image).as_str()
}

use crate::graph::{CallError, Graph, Params};

/// What to publish. URLs must be public (or hosted by the sandbox).
#[derive(Debug, Clone, PartialEq)]
pub enum Post {
    Image {
        url: String,
    },
    Reel {
        url: String,
        thumb_offset: Option<i64>,
    },
    Story {
        url: String,
        video: bool,
    },
    /// 2-10 items: `(url, is_video)`.
    Carousel {
        items: Vec<(String, bool)>,
    },
}

impl Post {
    /// The container this post is created as (a carousel's children are created as
    /// [`Kind::CarouselImage`] and [`Kind::CarouselVideo`]).
    pub fn kind(&self) -> Kind {
        match self {
            Post::Image { .. } => Kind::Image,
            Post::Reel { .. } => Kind::Reel,
            Post::Story { video: true, .. } => Kind::StoryVideo,
            Post::Story { video: false, .. } => Kind::StoryImage,
            Post::Carousel { .. } => Kind::Carousel,
        }
    }
}

/// Delays and budgets. [`Timing::meta`] follows Meta's guidance; [`Timing::fast`] is for tests
/// against a sandbox (every catalog delay scaled down).
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// First and longest wait between status polls, and how long to poll in all.
    pub poll_first: Duration,
    pub poll_max: Duration,
    pub poll_deadline: Duration,
    /// Multiplies every delay the catalog's actions give (1.0 in production).
    pub scale: f64,
    /// Containers created in all for one post (the first included).
    pub max_containers: u32,
    /// Retries of one call on RetrySame/Throttled/network failures.
    pub max_retries: u32,
    /// Slow down when usage headers pass this percentage.
    pub slow_down_at: u64,
    /// Carousel children created at the same time.
    pub child_concurrency: usize,
}

impl Timing {
    /// Meta's guidance: poll about once a minute for up to five minutes.
    pub fn meta() -> Timing {
        Timing {
            poll_first: Duration::from_secs(5),
            poll_max: Duration::from_secs(60),
            poll_deadline: Duration::from_secs(300),
            scale: 1.0,
            max_containers: 3,
            max_retries: 4,
            slow_down_at: 90,
            child_concurrency: 4,
        }
    }

    /// For a sandbox: the same logic, milliseconds instead of minutes.
    pub fn fast() -> Timing {
        Timing {
            poll_first: Duration::from_millis(5),
            poll_max: Duration::from_millis(50),
            poll_deadline: Duration::from_secs(20),
            scale: 0.001,
            ..Timing::meta()
        }
    }
}

/// One step the workflow took.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub step: &'static str,
    /// The container or media id concerned, if any.
    pub id: Option<String>,
    /// `ok`, or what went wrong.
    pub outcome: String,
    /// The catalog entry of a failure.
    pub entry: Option<Id>,
}

/// Progress reports, for a progress line.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub step: &'static str,
    pub detail: String,
}

/// A successful publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// `None` when the publish was confirmed through the container's status after a lost
    /// answer: Graph does not tell which media a container became.
    pub media_id: Option<String>,
    pub container_id: String,
    pub attempts: Vec<Attempt>,
}

/// Why publishing stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Graph refused, and the catalog says retrying cannot help.
    Refused,
    /// The account's publishing quota is used up (read from content_publishing_limit, or
    /// 2207042). `frees_at` (Unix seconds, to the minute) is when the oldest post in the 24 h
    /// window leaves it, when it could be found.
    QuotaExhausted {
        usage: u64,
        total: u64,
        frees_at: Option<u64>,
    },
    /// Retries or re-creations ran out.
    GaveUp,
    /// No usable answer from Graph.
    Network,
}

/// A failed publish: the catalog entry, what to do, what to tell the user, what was tried.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct PublishError {
    pub reason: Reason,
    pub entry: Option<Id>,
    pub action: Option<Action>,
    /// A message for the end user: what Instagram said when it said something, else the
    /// catalog's user message (when it needs no values) or summary, else ours.
    pub message: String,
    /// The error code and subcode of the failure (as answered, or as the catalog has them).
    pub code: Option<(i64, Option<i64>)>,
    pub attempts: Vec<Attempt>,
}

/// A progress callback.
pub type OnProgress = Box<dyn Fn(&Progress) + Send + Sync>;

/// Publishes posts for one account.
pub struct Publisher {
    graph: Arc<Graph>,
    user: String,
    timing: Timing,
    progress: Option<OnProgress>,
}

/// The outcome of a step inside the workflow.
enum Flow {
    /// Start again with a new container.
    Recreate(String),
    /// Stop.
    Fail(PublishError),
}

struct Run<'a> {
    p: &'a Publisher,
    attempts: Vec<Attempt>,
}

impl Publisher {
    pub fn new(graph: Arc<Graph>, user: &str, timing: Timing) -> Publisher {
        Publisher {
            graph,
            user: user.to_owned(),
            timing,
            progress: None,
        }
    }

    /// Calls `f` with every progress report (also sent to `tracing`).
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Publisher {
        self.progress = Some(Box::new(f));
        self
    }

    /// Publishes `post` with `caption`, recovering as the catalog says.
    pub async fn publish(
        &self,
        post: &Post,
        caption: Option<&str>,
    ) -> Result<Published, PublishError> {
        let mut run = Run {
            p: self,
            attempts: Vec::new(),
        };
        for round in 0..self.timing.max_containers {
            match run.round(post, caption).await {
                Ok((container, media)) => {
                    return Ok(Published {
                        media_id: media,
                        container_id: container,
                        attempts: run.attempts,
                    })
                }
                Err(Flow::Recreate(why)) => {
                    run.report(
                        "recreate",
                        format!(
                            "round {} failed ({why}); creating a new container",
                            round + 1
                        ),
                    );
                }
                Err(Flow::Fail(e)) => return Err(e),
            }
        }
        Err(run.fail(
            Reason::GaveUp,
            None,
            "giving up: the container had to be re-created too often".into(),
        ))
    }
}

impl Run<'_> {
    fn report(&self, step: &'static str, detail: String) {
        tracing::info!(step, %detail, "publish");
        if let Some(f) = &self.p.progress {
            f(&Progress { step, detail });
        }
    }

    fn note(&mut self, step: &'static str, id: Option<&str>, outcome: String, entry: Option<Id>) {
        self.attempts.push(Attempt {
            step,
            id: id.map(str::to_owned),
            outcome,
            entry,
        });
    }

    fn fail(
        &mut self,
        reason: Reason,
        c: Option<Classification>,
        fallback: String,
    ) -> PublishError {
        self.fail_with(reason, c, None, fallback)
    }

    /// [`Run::fail`] for an error answer: its text is what the user sees.
    fn fail_with(
        &mut self,
        reason: Reason,
        c: Option<Classification>,
        answer: Option<&GraphError>,
        fallback: String,
    ) -> PublishError {
        let entry = c.and_then(|c| c.id);
        let said = answer.and_then(|g| g.user_msg.clone().or_else(|| g.message.clone()));
        // Without the server's text, the catalog's user message up to its first sentence
        // that needs a value nobody gave (never a raw `{placeholder}`).
        let template = entry
            .and_then(|id| id.entry().user_msg_for(Profile::Documented))
            .map(complete_sentences)
            .filter(|m| !m.is_empty());
        let message = said
            .or(template)
            .or_else(|| entry.map(|id| id.entry().summary.to_owned()))
            .unwrap_or(fallback);
        let code = answer
            .and_then(|g| g.code.map(|code| (code, g.subcode)))
            .or_else(|| c.and_then(|c| c.code.map(|code| (code, c.subcode))))
            .or_else(|| entry.map(|id| (id.entry().code, id.entry().subcode)));
        PublishError {
            reason,
            entry,
            action: c.and_then(|c| c.action),
            message,
            code,
            attempts: std::mem::take(&mut self.attempts),
        }
    }

    /// Jittered delay for retry `n` (0-based), scaled.
    async fn backoff(&self, first_ms: u32, max_ms: u32, n: u32) {
        let base = f64::from(first_ms) * 2f64.powi(n.min(16) as i32);
        let ms = base.min(f64::from(max_ms)) * (0.5 + fastrand::f64() / 2.0) * self.p.timing.scale;
        tokio::time::sleep(Duration::from_secs_f64(ms / 1000.0)).await;
    }

    /// Pauses when the usage headers say the app or account is close to its limit.
    async fn pace(&self) {
        let usage = self.p.graph.usage();
        if usage.highest() >= self.p.timing.slow_down_at {
            let minutes = usage.estimated_time_to_regain_access.max(1);
            self.report("pace", format!("usage at {}%, pausing", usage.highest()));
            let secs = minutes as f64 * 60.0 * self.p.timing.scale;
            tokio::time::sleep(Duration::from_secs_f64(secs)).await;
        }
    }

    /// One round: a container, then publish it.
    async fn round(
        &mut self,
        post: &Post,
        caption: Option<&str>,
    ) -> Result<(String, Option<String>), Flow> {
        let container = self.create_post(post, caption).await?;
        self.wait_finished(&container).await?;
        self.check_quota().await?;
        self.publish(&container).await
    }

    async fn create_post(&mut self, post: &Post, caption: Option<&str>) -> Result<String, Flow> {
        let with_caption = |mut p: Params| {
            if let Some(c) = caption {
                p.push(("caption".into(), c.to_owned()));
            }
            p
        };
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let params = match post {
            Post::Image { url } => with_caption(vec![pair("image_url", url)]),
            Post::Reel { url, thumb_offset } => {
                let mut p = vec![
                    pair("media_type", media_type(post.kind())),
                    pair("video_url", url),
                ];
                if let Some(t) = thumb_offset {
                    p.push(pair("thumb_offset", &t.to_string()));
                }
                with_caption(p)
            }
            Post::Story { url, video } => {
                let key = if *video { "video_url" } else { "image_url" };
                vec![pair("media_type", media_type(post.kind())), pair(key, url)]
            }
            Post::Carousel { items } => {
                // Children are created concurrently, `child_concurrency` at a time, each with its
                // own attempt log, merged in order afterwards.
                let mut children = Vec::new();
                let publisher = self.p;
                for batch in items.chunks(publisher.timing.child_concurrency.max(1)) {
                    let runs = batch.iter().map(|(url, video)| {
                        let params = if *video {
                            vec![
                                pair("media_type", media_type(Kind::CarouselVideo)),
                                pair("video_url", url),
                                pair("is_carousel_item", "true"),
                            ]
                        } else {
                            vec![pair("image_url", url), pair("is_carousel_item", "true")]
                        };
                        async move {
                            let mut run = Run {
                                p: publisher,
                                attempts: Vec::new(),
                            };
                            let result = run.create("create_child", &params).await;
                            (result, run.attempts)
                        }
                    });
                    for (result, attempts) in futures_util::future::join_all(runs).await {
                        self.attempts.extend(attempts);
                        match result {
                            Ok(child) => children.push(child),
                            Err(Flow::Fail(mut e)) => {
                                let mut all = std::mem::take(&mut self.attempts);
                                all.append(&mut e.attempts);
                                e.attempts = all;
                                return Err(Flow::Fail(e));
                            }
                            Err(other) => return Err(other),
                        }
                    }
                }
                for child in &children {
                    self.wait_finished(child).await?;
                }
                with_caption(vec![
                    pair("media_type", media_type(post.kind())),
                    pair("children", &children.join(",")),
                ])
            }
        };
        self.create("create", &params).await
    }

    /// `POST /media` with retries; re-create actions at this step are retries too.
    async fn create(&mut self, step: &'static str, params: &Params) -> Result<String, Flow> {
        let t = self.p.timing.clone();
        for n in 0..=t.max_retries {
            self.pace().await;
            self.report(step, "creating a container".into());
            match self.p.graph.create_container(&self.p.user, params).await {
                Ok(id) => {
                    self.note(step, Some(&id), "ok".into(), None);
                    return Ok(id);
                }
                Err(e) => {
                    let c = e.classification();
                    self.note(step, None, e.to_string(), c.and_then(|c| c.id));
                    match (c.and_then(|c| c.action), &e) {
                        (
                            Some(Action::RetrySame {
                                first_delay_ms,
                                max_delay_ms,
                                ..
                            }),
                            _,
                        ) => self.backoff(first_delay_ms, max_delay_ms, n).await,
                        (Some(Action::Throttled { min_wait_s }), _) => {
                            self.backoff(
                                min_wait_s.saturating_mul(1000),
                                min_wait_s.saturating_mul(4000),
                                n,
                            )
                            .await
                        }
                        (Some(Action::Recreate), _) | (None, CallError::Network(_)) => {
                            self.backoff(1_000, 30_000, n).await
                        }
                        _ => return Err(Flow::Fail(self.stop(&e))),
                    }
                }
            }
        }
        Err(Flow::Fail(self.fail(
            Reason::GaveUp,
            None,
            "could not create the container".into(),
        )))
    }

    /// A failure the catalog says cannot be retried.
    fn stop(&mut self, e: &CallError) -> PublishError {
        let c = e.classification();
        let reason = match (&e, c.and_then(|c| c.action)) {
            (CallError::Network(_), _) => Reason::Network,
            (_, Some(Action::WaitForPublishingWindow)) => Reason::QuotaExhausted {
                usage: 0,
                total: 0,
                frees_at: None,
            },
            _ => Reason::Refused,
        };
        let answer = match e {
            CallError::Graph(g) => Some(g.as_ref()),
            _ => None,
        };
        self.fail_with(reason, c, answer, e.to_string())
    }

    /// Polls until FINISHED, with growing delays and a deadline.
    async fn wait_finished(&mut self, container: &str) -> Result<(), Flow> {
        let t = self.p.timing.clone();
        let started = Instant::now();
        let mut delay = t.poll_first;
        let mut errors = 0;
        loop {
            match self.p.graph.container_status(container).await {
                Ok(s) => match s.state() {
                    Some(ContainerStatus::Finished) => {
                        self.note("poll", Some(container), s.status_code, None);
                        return Ok(());
                    }
                    Some(ContainerStatus::InProgress) => {
                        self.report("poll", format!("{container} is still processing"))
                    }
                    Some(ContainerStatus::Error(sub)) => {
                        let c = classify(None, Some(sub));
                        self.note(
                            "poll",
                            Some(container),
                            format!("ERROR: {}", s.status.unwrap_or_default()),
                            c.id,
                        );
                        return match c.action {
                            Some(Action::Recreate | Action::RetrySame { .. }) => {
                                Err(Flow::Recreate(format!("container ended in ERROR ({sub})")))
                            }
                            _ => Err(Flow::Fail(self.fail(
                                Reason::Refused,
                                Some(c),
                                "the media could not be processed".into(),
                            ))),
                        };
                    }
                    Some(ContainerStatus::Expired) => {
                        self.note(
                            "poll",
                            Some(container),
                            s.status_code,
                            Some(Id::ContainerExpired),
                        );
                        return Err(Flow::Recreate("container expired".into()));
                    }
                    Some(ContainerStatus::Published) | None => {
                        let other = s.status_code;
                        self.note("poll", Some(container), other.clone(), None);
                        return Err(Flow::Fail(self.fail(
                            Reason::Refused,
                            None,
                            format!("unexpected container status {other}"),
                        )));
                    }
                },
                Err(e) => {
                    errors += 1;
                    let retryable = matches!(e, CallError::Network(_))
                        || e.classification()
                            .and_then(|c| c.action)
                            .is_some_and(|a| a.retries_same_request());
                    self.note(
                        "poll",
                        Some(container),
                        e.to_string(),
                        e.classification().and_then(|c| c.id),
                    );
                    if !retryable || errors > t.max_retries {
                        return Err(Flow::Fail(self.stop(&e)));
                    }
                }
            }
            if started.elapsed() >= t.poll_deadline {
                return Err(Flow::Fail(self.fail(
                    Reason::GaveUp,
                    None,
                    format!(
                        "the container was still processing after {:?}",
                        t.poll_deadline
                    ),
                )));
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(t.poll_max);
        }
    }

    /// Stops before a publish that must fail for quota.
    async fn check_quota(&mut self) -> Result<(), Flow> {
        match self.p.graph.publishing_limit(&self.p.user).await {
            Ok(l) if l.quota_usage >= l.quota_total => {
                let frees_at = self.quota_frees_at(l.quota_total).await;
                self.note(
                    "quota",
                    None,
                    format!(
                        "{}/{} used; a slot frees at {frees_at:?}",
                        l.quota_usage, l.quota_total
                    ),
                    Some(Id::PublishingQuotaReached),
                );
                let c = Id::PublishingQuotaReached.classification();
                let reason = Reason::QuotaExhausted {
                    usage: l.quota_usage,
                    total: l.quota_total,
                    frees_at,
                };
                Err(Flow::Fail(self.fail(reason, Some(c), String::new())))
            }
            Ok(l) => {
                self.note(
                    "quota",
                    None,
                    format!("{}/{} used", l.quota_usage, l.quota_total),
                    None,
                );
                Ok(())
            }
            // The limit is advice; publishing itself will say if the quota is spent.
            Err(e) => {
                self.note("quota", None, e.to_string(), None);
                Ok(())
            }
        }
    }

    /// When the oldest post in the 24 h window leaves it: bisects `since` (to the minute) for
    /// the earliest time after which fewer than `total` posts were published.
    async fn quota_frees_at(&mut self, total: u64) -> Option<u64> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs();
        let (mut lo, mut hi) = (now.saturating_sub(86_400), now);
        // usage(lo) >= total by assumption; usage(hi) = 0 < total when total > 0.
        if total == 0 {
            return None;
        }
        while hi - lo > 60 {
            let mid = lo + (hi - lo) / 2;
            match self.p.graph.publishing_usage_since(&self.p.user, mid).await {
                Ok(u) if u >= total => lo = mid,
                Ok(_) => hi = mid,
                Err(_) => return None,
            }
        }
        Some(hi + 86_400)
    }

    /// media_publish, with the recovery the catalog gives for each failure.
    async fn publish(&mut self, container: &str) -> Result<(String, Option<String>), Flow> {
        let t = self.p.timing.clone();
        let mut tries = 0u32;
        loop {
            self.pace().await;
            self.report("publish", format!("publishing {container}"));
            let result = self.p.graph.publish(&self.p.user, container).await;
            let e = match result {
                Ok(media) => {
                    self.note(
                        "publish",
                        Some(container),
                        format!("ok: media {media}"),
                        None,
                    );
                    return Ok((container.to_owned(), Some(media)));
                }
                Err(e) => e,
            };
            let c = e.classification();
            self.note(
                "publish",
                Some(container),
                e.to_string(),
                c.and_then(|c| c.id),
            );
            tries += 1;
            // An answer that may hide a success: look before doing anything else.
            if matches!(e, CallError::Network(_) | CallError::Decode(_))
                || c.is_some_and(|c| c.code == Some(2))
            {
                if self.published(container).await {
                    return Ok((container.to_owned(), None));
                }
                if tries > t.max_retries {
                    return Err(Flow::Fail(self.stop(&e)));
                }
                self.backoff(1_000, 30_000, tries).await;
                continue;
            }
            match c.and_then(|c| c.action) {
                Some(Action::WaitUntilFinished) if tries <= t.max_retries => {
                    self.wait_finished(container).await?
                }
                Some(Action::RetryThenRecreate {
                    attempts,
                    within_min_s,
                    within_max_s,
                }) => {
                    if tries <= u32::from(attempts) {
                        // Spread the retries over Meta's window.
                        let span = (f64::from(within_min_s)
                            + fastrand::f64() * f64::from(within_max_s - within_min_s))
                            / f64::from(attempts.max(1));
                        tokio::time::sleep(Duration::from_secs_f64(span * t.scale)).await;
                    } else {
                        if self.published(container).await {
                            return Ok((container.to_owned(), None));
                        }
                        return Err(Flow::Recreate(format!(
                            "media_publish kept failing with {}",
                            Id::BuilderNotFound.entry().key()
                        )));
                    }
                }
                Some(Action::Recreate) => {
                    if self.published(container).await {
                        return Ok((container.to_owned(), None));
                    }
                    return Err(Flow::Recreate(e.to_string()));
                }
                Some(Action::RetrySame {
                    first_delay_ms,
                    max_delay_ms,
                    ..
                }) if tries <= t.max_retries => {
                    self.backoff(first_delay_ms, max_delay_ms, tries).await
                }
                Some(Action::Throttled { min_wait_s }) if tries <= t.max_retries => {
                    self.backoff(
                        min_wait_s.saturating_mul(1000),
                        min_wait_s.saturating_mul(4000),
                        tries,
                    )
                    .await
                }
                _ => return Err(Flow::Fail(self.stop(&e))),
            }
        }
    }

    /// Whether the container is already published (after an ambiguous or failed publish).
    async fn published(&mut self, container: &str) -> bool {
        match self.p.graph.container_status(container).await {
            Ok(s) => {
                self.note("check", Some(container), s.status_code.clone(), None);
                s.state() == Some(ContainerStatus::Published)
            }
            Err(e) => {
                self.note("check", Some(container), e.to_string(), None);
                false
            }
        }
    }
}
