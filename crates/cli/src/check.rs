//! `instapub check`: preflight. Probes each file or URL and applies the publishing rules, so a
//! user learns before Instagram does what would be rejected, as the exact error Instagram
//! would return.
//!
//! Exit status: 0 all would be accepted, 1 something would be rejected, 2 an input could not
//! be used (missing file, failed download, unreadable bytes).

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use instapub_errors::{fbtrace_id, CatalogError, Profile};
use instapub_media::{probe_read_seek, MediaFacts, ProbeError, Prober, Step, DEFAULT_CAP};
use instapub_rules::{check_media, check_request, kind, Kind, Limits, Request, RequestType};
use serde::Serialize;

use crate::{As, Failure};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or http(s) URLs to check.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// What to publish them as (default: image for images, reel for videos; carousel checks
    /// all inputs as one carousel).
    #[arg(long = "as", value_enum)]
    as_: Option<As>,
    /// The caption to check.
    #[arg(long, conflicts_with = "caption_file")]
    caption: Option<String>,
    /// Read the caption from a file.
    #[arg(long, value_name = "FILE")]
    caption_file: Option<std::path::PathBuf>,
    /// thumb_offset in milliseconds (reels).
    #[arg(long, value_name = "MS", allow_hyphen_values = true)]
    thumb_offset: Option<i64>,
    /// Print one JSON document: each input's facts and violations as full envelopes.
    #[arg(long)]
    json: bool,
    /// Give up on a URL after this many seconds in all (connecting: 10 s; a stall between
    /// two chunks: 30 s).
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    timeout: u64,
}

#[derive(Debug, Serialize)]
struct Violation {
    id: instapub_errors::Id,
    status: u16,
    /// What Instagram would tell the user.
    reason: String,
    /// The value that broke the rule and the limit it broke.
    detail: Option<String>,
    /// The body Instagram would send.
    envelope: serde_json::Value,
}

#[derive(Debug, Serialize)]
struct Checked {
    input: String,
    size: u64,
    facts: MediaFacts,
    violations: Vec<Violation>,
    /// The ffmpeg command that would make the file acceptable, when the media is the problem.
    fix: Option<String>,
}

#[derive(Debug, Serialize)]
struct Report {
    accepted: bool,
    inputs: Vec<Checked>,
    /// Violations of the request as a whole (caption, carousel size).
    request: Vec<Violation>,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let limits = Limits::documented();
    let caption = match (&args.caption, &args.caption_file) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(path)) => Some(std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(format!(
                "cannot read the caption file {}: {e}",
                path.display()
            ))
        })?),
        (None, None) => None,
    };
    let cap = limits
        .reel_max_bytes
        .max(limits.image_max_bytes)
        .max(limits.story_video_max_bytes);
    let timeouts = Timeouts {
        connect: Duration::from_secs(10),
        idle: Duration::from_secs(30),
        total: Duration::from_secs(args.timeout),
    };
    let mut loaded = Vec::new();
    for input in &args.inputs {
        let (size, facts) = load(input, cap, &timeouts)?;
        loaded.push((input.clone(), size, facts));
    }
    let carousel = args.as_ == Some(As::Carousel);
    let mut report = Report {
        accepted: true,
        inputs: Vec::new(),
        request: Vec::new(),
    };
    if carousel {
        let parent = Request {
            media_type: Some(RequestType::Carousel.as_str().into()),
            caption: caption.clone(),
            children: Some(args.inputs.clone()),
            ..Request::default()
        };
        report.request = check_request(&parent, &limits)
            .into_iter()
            .map(violation)
            .collect();
    }
    for (input, size, facts) in loaded {
        let is_video = matches!(facts, MediaFacts::Video(_) | MediaFacts::Unsupported { .. });
        let wanted = As::or_default(args.as_, is_video).kind(is_video);
        let video = wanted.is_video();
        let req = Request {
            media_type: wanted.request_type().map(|t| t.as_str().to_owned()),
            is_carousel_item: carousel,
            image_url: (!video).then(|| input.clone()),
            video_url: video.then(|| input.clone()),
            caption: if carousel { None } else { caption.clone() },
            thumb_offset: args.thumb_offset,
            ..Request::default()
        };
        let mut errors = if carousel {
            Vec::new()
        } else {
            check_request(&req, &limits)
        };
        let k = kind(&req).unwrap_or(Kind::Image);
        errors.extend(check_media(&req, k, &facts, size, &limits));
        let fix = instapub_rules::remedy::ffmpeg_command(&input, k, &facts, &errors, &limits);
        report.inputs.push(Checked {
            input,
            size,
            facts,
            violations: errors.into_iter().map(violation).collect(),
            fix,
        });
    }
    report.accepted =
        report.request.is_empty() && report.inputs.iter().all(|c| c.violations.is_empty());
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| Failure::usage(format!("cannot serialize the report: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", human(&report));
    }
    Ok(if report.accepted { 0 } else { 1 })
}

fn violation(e: CatalogError) -> Violation {
    let entry = e.entry();
    let env = e.render(Profile::Documented, fbtrace_id(random_bits(), 0));
    let reason = e
        .user_message(Profile::Documented)
        .unwrap_or_else(|| env.message.clone());
    Violation {
        id: entry.id,
        status: env.status,
        reason,
        detail: e.detail.clone(),
        envelope: serde_json::from_str(&env.to_json()).unwrap_or_default(),
    }
}

/// Random bits for example trace ids (these envelopes were never sent), from the standard
/// library's randomly seeded hasher.
fn random_bits() -> u128 {
    use std::hash::{BuildHasher, Hasher};
    let state = std::collections::hash_map::RandomState::new();
    let mut a = state.build_hasher();
    a.write_u8(1);
    let mut b = state.build_hasher();
    b.write_u8(2);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

fn human(r: &Report) -> String {
    let mut out = String::new();
    for v in &r.request {
        violation_lines(&mut out, "request: ", v, false);
    }
    for c in &r.inputs {
        let verdict = if c.violations.is_empty() {
            "✓ accepted"
        } else {
            "✗ rejected"
        };
        out.push_str(&format!(
            "{}: {verdict} ({})\n",
            c.input,
            summary(&c.facts, c.size)
        ));
        for v in &c.violations {
            violation_lines(&mut out, "  ", v, true);
        }
        if let Some(fix) = &c.fix {
            out.push_str(&format!("  Fix the file with: {fix}\n"));
        }
    }
    out
}

/// The value and limit, what Instagram would say, and (with `envelope`) the exact body.
fn violation_lines(out: &mut String, lead: &str, v: &Violation, envelope: bool) {
    out.push_str(&format!(
        "{lead}✗ {}\n",
        v.detail.as_deref().unwrap_or(&v.reason)
    ));
    out.push_str(&format!(
        "    Instagram: {} {}\n",
        key(v),
        quoted(&v.reason)
    ));
    if envelope {
        out.push_str(&format!("    {}\n", v.envelope));
    }
}

fn key(v: &Violation) -> String {
    let e = v.id.entry();
    let code = match e.subcode {
        Some(s) => format!("code {}, subcode {s}", e.code),
        None => format!("code {}", e.code),
    };
    format!("{code} ({}):", e.id)
}

fn quoted(text: &str) -> String {
    format!("\u{201c}{text}\u{201d}")
}

/// The facts and the size, as a person reads them.
fn summary(facts: &MediaFacts, size: u64) -> String {
    format!("{facts}; {}", human_bytes(size))
}

fn human_bytes(n: u64) -> String {
    const KB: f64 = 1000.0;
    let n = n as f64;
    if n >= KB * KB * KB {
        format!("{:.1} GB", n / (KB * KB * KB))
    } else if n >= KB * KB {
        format!("{:.1} MB", n / (KB * KB))
    } else if n >= KB {
        format!("{:.1} kB", n / KB)
    } else {
        format!("{n} bytes")
    }
}

/// The size and facts of a file or a URL. Files are probed by header (with seeks past the
/// media data), never read whole; downloads are streamed through the prober and counted, not
/// kept, and stop once both the facts and the size (past `cap`, one more than any limit, the
/// exact size no longer matters) are known. Memory stays flat in the file's size.
fn load(input: &str, cap: u64, timeouts: &Timeouts) -> Result<(u64, MediaFacts), Failure> {
    if input.starts_with("http://") || input.starts_with("https://") {
        return download(input, cap, timeouts);
    }
    let path = Path::new(input);
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Failure::usage(format!("{input}: no such file")),
        _ => Failure::usage(format!("cannot open {input}: {e}")),
    })?;
    let size = file
        .metadata()
        .map_err(|e| Failure::usage(format!("cannot read {input}: {e}")))?
        .len();
    let probe = probe_read_seek(std::io::BufReader::new(file), DEFAULT_CAP);
    Ok((size, facts_of(input, probe)?))
}

fn facts_of(
    input: &str,
    probe: Result<instapub_media::Probe, ProbeError>,
) -> Result<MediaFacts, Failure> {
    match probe {
        Ok(p) => Ok(p.facts),
        Err(ProbeError::Empty) => Err(Failure::usage(format!("{input} is empty"))),
        Err(e) => Err(Failure::usage(format!("cannot read {input}: {e}"))),
    }
}

/// How long a download may take: to connect, between two chunks, and in all.
pub struct Timeouts {
    pub connect: Duration,
    pub idle: Duration,
    pub total: Duration,
}

fn download(url: &str, cap: u64, t: &Timeouts) -> Result<(u64, MediaFacts), Failure> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))?;
    let work = async {
        let fail = |e: reqwest::Error| {
            // reqwest's own text stops at "error sending request"; its causes say why.
            let mut text = e.to_string();
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                text = format!("{text}: {c}");
                cause = c.source();
            }
            Failure::usage(format!("cannot download {url}: {text}"))
        };
        let client = reqwest::Client::builder()
            .connect_timeout(t.connect)
            .read_timeout(t.idle)
            .build()
            .map_err(fail)?;
        let mut response = client.get(url).send().await.map_err(fail)?;
        if !response.status().is_success() {
            return Err(Failure::usage(format!(
                "cannot download {url}: HTTP {}",
                response.status()
            )));
        }
        let declared = response.content_length();
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(declared.unwrap_or(0));
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} {bytes}/{total_bytes} {bar:30} {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_message(url.to_owned());
            bar
        });
        let mut prober = Prober::new(DEFAULT_CAP).read_through(cap);
        let mut facts = None;
        let mut total: u64 = 0;
        while let Some(chunk) = response.chunk().await.map_err(fail)? {
            total += chunk.len() as u64;
            if let Some(b) = &bar {
                b.set_position(total);
            }
            if facts.is_none() {
                match prober.feed(&chunk) {
                    Step::NeedMore => {}
                    Step::Done(p) => facts = Some(Ok(p)),
                    Step::Error(e) => facts = Some(Err(e)),
                }
            }
            // The verdict is known once the facts are, and the size (declared, or past every
            // limit): stop downloading.
            if facts.is_some() && (declared.is_some() || total > cap) {
                break;
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        let probe = match facts {
            Some(f) => f,
            None => match prober.finish() {
                Step::Done(p) => Ok(p),
                Step::Error(e) => Err(e),
                Step::NeedMore => Err(ProbeError::Truncated { format: "input" }),
            },
        };
        let size = declared.unwrap_or(total).max(total);
        Ok((size, facts_of(url, probe)?))
    };
    runtime.block_on(async {
        tokio::time::timeout(t.total, work)
            .await
            .unwrap_or_else(|_| {
                Err(Failure::usage(format!(
                    "cannot download {url}: it took longer than {} s (--timeout)",
                    t.total.as_secs()
                )))
            })
    })
}
