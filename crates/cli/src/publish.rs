//! `instapub publish`: publishes files or URLs as an image, reel, story or carousel, with the
//! client's recovery, a progress line on stderr, and the explain-style message on failure.
//!
//! Local files need a URL Instagram can fetch: against a sandbox (`--admin-key`) they are
//! uploaded to it first (`PUT /_sandbox/files`); against the real API pass URLs.

use std::sync::Arc;

use instapub_client::{Control, Graph, Post, Publisher, Reason, Timing};

use crate::{As, Failure};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or http(s) URLs.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// What to publish (default: image for one image, reel for one video).
    #[arg(long = "as", value_enum)]
    as_: Option<As>,
    /// The caption (hashtags and @-mentions count toward Instagram's limits).
    #[arg(long, conflicts_with = "caption_file")]
    caption: Option<String>,
    /// Read the caption from a file.
    #[arg(long, value_name = "FILE")]
    caption_file: Option<std::path::PathBuf>,
    /// thumb_offset in milliseconds (reels).
    #[arg(long, value_name = "MS")]
    thumb_offset: Option<i64>,
    /// Graph base URL, e.g. a sandbox's `http://127.0.0.1:8000`.
    #[arg(
        long,
        env = "INSTAPUB_BASE_URL",
        hide_env_values = true,
        default_value = "https://graph.facebook.com/v25.0"
    )]
    base_url: String,
    /// Access token (required; `instapub serve` prints one for its demo account).
    #[arg(long, env = "INSTAPUB_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// IG user id to publish as (required; `instapub serve` prints the demo account's).
    #[arg(long, env = "INSTAPUB_USER", hide_env_values = true)]
    user: Option<String>,
    /// A session `instapub login` saved: its token, account and Graph host are used. Without
    /// --token and --user, the default session is used if there is one.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["token", "user"])]
    session: Option<std::path::PathBuf>,
    /// A sandbox's admin key: local files are uploaded to it first.
    #[arg(long, env = "INSTAPUB_ADMIN_KEY", hide_env_values = true)]
    admin_key: Option<String>,
    /// Wait as a real client would (Meta's guidance), instead of sandbox-fast timing.
    #[arg(long)]
    real_timing: bool,
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

fn is_video(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".mp4", ".mov", ".m4v"].iter().any(|e| lower.ends_with(e))
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(publish(args))
}

async fn publish(args: Args) -> Result<u8, Failure> {
    let missing = |what: &str, flag: &str, env: &str| {
        Failure::usage(format!(
            "publishing needs {what}: pass {flag} or set {env} (`instapub serve` prints both \
             for its demo account; `instapub serve --json` as access_token and user_id), or \
             log in with `instapub login` and pass --session"
        ))
    };
    // A saved login: the one named, or the default one when no token or user was given.
    let session = match (&args.session, &args.token, &args.user) {
        (Some(path), _, _) => Some(crate::login::load_session(path)?),
        (None, None, None) => crate::login::default_session_path()
            .filter(|p| p.exists())
            .map(|p| crate::login::load_session(&p))
            .transpose()?,
        _ => None,
    };
    let base_url = session
        .as_ref()
        .map(|s| s.graph_base.clone())
        .unwrap_or_else(|| args.base_url.clone());
    let token = match (&session, &args.token) {
        (Some(s), _) => s.access_token.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => return Err(missing("an access token", "--token", "INSTAPUB_TOKEN")),
    };
    let user = match (&session, &args.user) {
        (Some(s), _) => s.ig_user_id.clone(),
        (None, Some(u)) => u.clone(),
        (None, None) => return Err(missing("the IG user id", "--user", "INSTAPUB_USER")),
    };
    let caption = match (&args.caption, &args.caption_file) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(p)) => Some(std::fs::read_to_string(p).map_err(|e| {
            Failure::usage(format!("cannot read the caption file {}: {e}", p.display()))
        })?),
        (None, None) => None,
    };
    // A sandbox session's Graph host sits under the sandbox's base URL, where files go.
    let sandbox_base = session
        .as_ref()
        .map(|s| {
            ["graph.facebook.com", "graph.instagram.com"].iter().fold(
                s.graph_base.clone(),
                |base, host| {
                    base.trim_end_matches(&format!("/{host}/{}", instapub_client::login::VERSION))
                        .to_owned()
                },
            )
        })
        .unwrap_or_else(|| args.base_url.clone());
    let mut urls = Vec::new();
    for input in &args.inputs {
        urls.push(if is_url(input) {
            input.clone()
        } else {
            upload(&args, &sandbox_base, input).await?
        });
    }
    let kind = match (args.as_, urls.len()) {
        (Some(k), _) => k,
        (None, 1) if is_video(&args.inputs[0]) => As::Reel,
        (None, 1) => As::Image,
        (None, _) => return Err(Failure::usage("several inputs: say --as carousel")),
    };
    let post = match kind {
        As::Image => Post::Image { url: one(&urls)? },
        As::Reel => Post::Reel {
            url: one(&urls)?,
            thumb_offset: args.thumb_offset,
        },
        As::Story => Post::Story {
            url: one(&urls)?,
            video: is_video(&args.inputs[0]),
        },
        As::Carousel => Post::Carousel {
            items: urls
                .iter()
                .zip(&args.inputs)
                .map(|(u, i)| (u.clone(), is_video(i)))
                .collect(),
        },
    };
    let graph = Graph::new(&base_url, &token)
        .map_err(|e| Failure::usage(format!("cannot build the HTTP client: {e}")))?;
    let timing = if args.real_timing {
        Timing::meta()
    } else {
        Timing::fast()
    };
    let progress = Arc::new(ProgressLine::new());
    let line = progress.clone();
    let publisher = Publisher::new(Arc::new(graph), &user, timing)
        .on_progress(move |p| line.show(p.step, &p.detail));
    let outcome = publisher.publish(&post, caption.as_deref()).await;
    progress.finish();
    match outcome {
        Ok(done) => {
            match &done.media_id {
                Some(id) => println!("published media {id} (container {})", done.container_id),
                None => println!(
                    "published container {} (the answer was lost; its status says PUBLISHED)",
                    done.container_id
                ),
            }
            Ok(0)
        }
        Err(e) => {
            let mut msg = format!("✗ {}\n", e.message);
            let code = e.code.map(|(c, sub)| match sub {
                Some(s) => format!("code {c}, subcode {s}"),
                None => format!("code {c}"),
            });
            match (e.entry, code) {
                (Some(id), code) => {
                    let entry = id.entry();
                    let code = code.unwrap_or_else(|| entry.key());
                    msg.push_str(&format!(
                        "  Error: {code} ({}; `instapub explain {}` says more)\n",
                        entry.id,
                        entry.key()
                    ));
                    msg.push_str(&format!("  What happened: {}\n", entry.summary));
                    msg.push_str(&format!("  How to fix it: {}\n", entry.solution));
                }
                (None, Some(code)) => msg.push_str(&format!("  Error: {code}\n")),
                (None, None) => {}
            }
            if let Some(a) = e.action {
                msg.push_str(&format!("  What to do: {}\n", a.describe()));
            }
            if let Reason::QuotaExhausted {
                usage,
                total,
                frees_at,
            } = e.reason
            {
                msg.push_str(&format!(
                    "  Quota: {usage} of {total} posts used in the last 24 h"
                ));
                if let Some(t) = frees_at {
                    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t);
                    let wait = when
                        .duration_since(std::time::SystemTime::now())
                        .map(|d| d.as_secs() / 60)
                        .unwrap_or(0);
                    msg.push_str(&format!(
                        "; a slot frees in about {wait} min (Unix time {t})"
                    ));
                }
                msg.push('\n');
            }
            msg.push_str(&format!("  Steps taken: {}\n", e.attempts.len()));
            eprint!("{msg}");
            Ok(1)
        }
    }
}

/// Progress on stderr: one spinner line with the elapsed time that updates in place on a
/// terminal; elsewhere a line per change (a poll that keeps saying "still processing" is one
/// line, not sixty).
struct ProgressLine {
    spinner: Option<indicatif::ProgressBar>,
    last: std::sync::Mutex<String>,
}

impl ProgressLine {
    fn new() -> ProgressLine {
        use std::io::IsTerminal;
        let spinner = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        ProgressLine {
            spinner,
            last: std::sync::Mutex::new(String::new()),
        }
    }

    fn show(&self, step: &str, detail: &str) {
        let text = format!("instapub: {step}: {detail}");
        match &self.spinner {
            Some(bar) => bar.set_message(text),
            None => {
                let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
                if *last != text {
                    eprintln!("{text}");
                    *last = text;
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.spinner {
            bar.finish_and_clear();
        }
    }
}

fn one(urls: &[String]) -> Result<String, Failure> {
    match urls {
        [u] => Ok(u.clone()),
        _ => Err(Failure::usage("this kind of post takes exactly one input")),
    }
}

/// Puts a local file on the sandbox and returns its URL there.
async fn upload(args: &Args, base: &str, path: &str) -> Result<String, Failure> {
    let Some(key) = &args.admin_key else {
        return Err(Failure::usage(format!(
            "{path} is a local file: Instagram fetches media by URL. Pass a public URL, or publish to a sandbox with --admin-key so the file can be uploaded to it"
        )));
    };
    let bytes =
        std::fs::read(path).map_err(|e| Failure::usage(format!("cannot read {path}: {e}")))?;
    let name: String = std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "media".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let refused = |e: instapub_client::CallError| {
        Failure::usage(format!("the sandbox refused the upload of {path}: {e}"))
    };
    Control::new(base, key)
        .map_err(refused)?
        .host_file(&name, "application/octet-stream", bytes)
        .await
        .map_err(refused)
}
