//! `instapub explain`: what an error means, what a program should do, what to tell the user.
//!
//! The input is read in a fixed order: `-` (stdin), then a number form (`SUBCODE`, `CODE`,
//! `CODE/SUBCODE`), an entry name, a path to an existing file, and finally the text itself as
//! envelope JSON (starts with `{`) or container status text. Everything said about an error
//! comes from the catalog.

use std::io::Read;
use std::path::Path;

use instapub_errors::classify::entries_with_code;
use instapub_errors::{
    classify, fbtrace_id, lookup_subcode, parse_code_number, parse_status_text, CatalogError,
    Classification, Entry, GraphError, Host, Id, Match, OnInstagram, Profile, Source,
};
use serde::Serialize;

use crate::{Failure, ProfileArg};

/// Inputs larger than this are refused; an error body or status text is a few hundred bytes.
const MAX_INPUT: u64 = 1 << 20;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// SUBCODE, CODE, CODE/SUBCODE, entry name, envelope JSON, a file holding one, `-` for
    /// stdin, or container status text ("Error: Media upload has failed with error code N").
    /// Negative codes work as written: `instapub explain -2/2207020`.
    #[arg(allow_hyphen_values = true)]
    input: String,
    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,
    /// Which wire variant to show where documentation and real traffic differ.
    #[arg(long, value_enum, default_value = "documented")]
    profile: ProfileArg,
    /// The Graph host whose dialect to show: graph.facebook.com, or graph.instagram.com
    /// (Instagram Login's host: IGApiException and no "(#code) " prefix for generic errors).
    /// An envelope of type IGApiException is read as graph.instagram.com's.
    #[arg(long)]
    host: Option<Host>,
}

/// How the input was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum ReadAs {
    Subcode,
    Code,
    CodeSubcode,
    Name,
    Envelope,
    StatusText,
}

#[derive(Debug, Serialize)]
struct Report {
    input: String,
    read_as: ReadAs,
    known: bool,
    classification: Classification,
    /// The matched entry, with every field.
    entry: Option<&'static Entry>,
    /// What the action means, in words.
    action: Option<String>,
    /// Whether the same request can succeed if sent again.
    retry_same_request: Option<bool>,
    /// For a bare code: every entry with that code.
    entries_with_code: Vec<Id>,
    /// The body that was explained, as parsed.
    received: Option<GraphError>,
    /// The exact body the entry renders to under the chosen profile (placeholders unfilled,
    /// example trace id), and its HTTP status.
    example_envelope: Option<String>,
    example_status: Option<u16>,
    /// The host the example is rendered as.
    host: Host,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let (text, from) = read_input(&args.input)?;
    let profile = Profile::from(args.profile);
    let report = explain(&text, from, profile, args.host)?;
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| Failure::usage(format!("cannot serialize the report: {e}")))?;
        println!("{json}");
    } else {
        print!("{}", human(&report, profile));
    }
    Ok(if report.known { 0 } else { 1 })
}

/// The text to explain, and whether it came from a file or stdin (then it is not a number).
fn read_input(arg: &str) -> Result<(String, bool), Failure> {
    let read = |mut r: Box<dyn Read>, what: &str| -> Result<String, Failure> {
        let mut buf = Vec::new();
        r.by_ref()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Failure::usage(format!("cannot read {what}: {e}")))?;
        if buf.len() as u64 > MAX_INPUT {
            return Err(Failure::usage(format!(
                "{what} is larger than {MAX_INPUT} bytes; an error body is far smaller"
            )));
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    };
    if arg == "-" {
        return Ok((read(Box::new(std::io::stdin()), "standard input")?, true));
    }
    let trimmed = arg.trim();
    let looks_like_query = parse_code_number(trimmed).is_some()
        || parse_pair(trimmed).is_some()
        || Id::from_name(trimmed).is_some()
        || trimmed.starts_with('{');
    let path = Path::new(arg);
    // `12/ab` is a mistyped CODE/SUBCODE, `/tmp/body.json` or `errors/x.txt` a file.
    let looks_like_path = ["/", "./", "../", "~"]
        .iter()
        .any(|p| trimmed.starts_with(p))
        || (trimmed.contains('/') && trimmed.contains('.'))
        || [".json", ".txt", ".log"]
            .iter()
            .any(|ext| trimmed.to_ascii_lowercase().ends_with(ext));
    if !looks_like_query && looks_like_path && !path.exists() {
        return Err(Failure::usage(format!("{arg}: no such file")));
    }
    if !looks_like_query && path.is_file() {
        let file = std::fs::File::open(path)
            .map_err(|e| Failure::usage(format!("cannot open {arg}: {e}")))?;
        return Ok((read(Box::new(file), arg)?, true));
    }
    Ok((arg.to_owned(), false))
}

fn parse_pair(s: &str) -> Option<(i64, i64)> {
    let (code, sub) = s.split_once('/')?;
    Some((
        parse_code_number(code.trim())?,
        parse_code_number(sub.trim())?,
    ))
}

fn explain(
    text: &str,
    from_file: bool,
    profile: Profile,
    host: Option<Host>,
) -> Result<Report, Failure> {
    let t = text.trim();
    let mut received = None;
    let mut with_code = Vec::new();
    let (read_as, classification) = if t.starts_with('{') {
        let g = GraphError::parse(None, t.as_bytes())
            .map_err(|e| Failure::usage(format!("cannot read the envelope: {e}")))?;
        let c = g.classify();
        received = Some(g);
        (ReadAs::Envelope, c)
    } else if let (false, Some((code, sub))) = (from_file, parse_pair(t)) {
        (ReadAs::CodeSubcode, classify(Some(code), Some(sub)))
    } else if let (false, Some(n)) = (from_file, parse_code_number(t)) {
        match lookup_subcode(n) {
            Some(id) => (ReadAs::Subcode, classify(Some(id.entry().code), Some(n))),
            None => {
                with_code = entries_with_code(n).map(|e| e.id).collect();
                (ReadAs::Code, classify(Some(n), None))
            }
        }
    } else if let (false, Some(id)) = (from_file, Id::from_name(t)) {
        let e = id.entry();
        (ReadAs::Name, classify(Some(e.code), e.subcode))
    } else if let Some(sub) = parse_status_text(t) {
        (ReadAs::StatusText, classify(None, Some(sub)))
    } else {
        return Err(Failure::usage(format!(
            "cannot read {:?} as a code, CODE/SUBCODE, entry name, envelope JSON or container \
             status text; try `instapub explain {}` or `instapub codes`",
            shorten(t),
            Id::NotReady.entry().key()
        )));
    };
    let entry = classification.entry();
    let from_instagram = received
        .as_ref()
        .is_some_and(|g: &GraphError| g.error_type.as_deref() == Some("IGApiException"));
    let host = host.unwrap_or(if from_instagram {
        Host::Instagram
    } else {
        Host::Facebook
    });
    // A subcode the catalog lacks is unknown, even when its code has a generic entry.
    let subcode_unknown = classification.subcode.is_some() && classification.matched == Match::Code;
    let known = (entry.is_some() && !subcode_unknown) || !with_code.is_empty();
    let example = entry.map(|e| {
        // A fixed, realistic-looking trace id per entry, so the output is reproducible.
        let seed = (e.id as u128 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
        CatalogError::new(e.id).render_on(profile, host, fbtrace_id(seed, e.id as u8))
    });
    Ok(Report {
        input: text.to_owned(),
        read_as,
        known,
        classification,
        entry,
        action: classification.action.map(|a| a.describe()),
        retry_same_request: classification.action.map(|a| a.retries_same_request()),
        entries_with_code: with_code,
        received,
        example_envelope: example.as_ref().map(|env| env.to_json()),
        example_status: example.as_ref().map(|env| env.status),
        host,
    })
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Plain text in titled, indented sections, like `rustc --explain`.
#[derive(Default)]
struct Text(String);

impl Text {
    fn section(&mut self, title: &str, body: &str) {
        self.0.push_str(title);
        self.0.push('\n');
        for line in body.lines() {
            self.0.push_str("  ");
            self.0.push_str(line);
            self.0.push('\n');
        }
        self.0.push('\n');
    }
}

fn human(r: &Report, profile: Profile) -> String {
    let mut out = Text::default();
    let c = &r.classification;
    let Some(e) = r.entry else {
        let what = match (c.code, c.subcode) {
            (Some(code), Some(s)) => format!("Code {code}, subcode {s},"),
            (Some(code), None) => format!("Code {code}"),
            (None, Some(s)) => format!("Subcode {s}"),
            (None, None) => "An error without a code".to_owned(),
        };
        let code = c.code.map(|c| c.to_string()).unwrap_or_default();
        if !r.entries_with_code.is_empty() {
            let mut list = String::new();
            for id in &r.entries_with_code {
                let e = id.entry();
                list.push_str(&format!("{:<10} {:<28} {}\n", e.key(), e.id, e.summary));
            }
            out.section(
                &format!("Code {code} is used by several errors; the subcode tells them apart"),
                &list,
            );
            return out.0;
        }
        let title = format!("{what} is not in the catalog");
        match c.family {
            Some(f) => out.section(
                &title,
                &format!(
                    "Its code marks it as {}.\nWhat the program should do: {}.",
                    f.describe(),
                    f.action().describe()
                ),
            ),
            None => out.section(
                &title,
                "Nothing is known about this code. Keep the raw body and its fbtrace_id for Meta support.",
            ),
        }
        if let Some(g) = &r.received {
            received(&mut out, g);
        }
        return out.0;
    };

    let subcode = e
        .subcode
        .map(|s| format!(", subcode {s}"))
        .unwrap_or_default();
    out.0.push_str(&format!(
        "{}  {}  (code {}{}, HTTP {}, {})\n\n",
        e.key(),
        e.id,
        e.code,
        subcode,
        e.status,
        e.error_type.as_str()
    ));
    match c.matched {
        Match::Subcode if r.read_as == ReadAs::StatusText => out.section(
            "Read from container status text",
            &format!(
                "A container whose status_code is ERROR carries the subcode in its status text; this one names {}.",
                c.subcode.unwrap_or_default()
            ),
        ),
        Match::Subcode => out.section(
            "Matched by subcode",
            &match c.code {
                Some(code) => format!(
                    "The body's code {code} differs from the catalog's {}; the subcode identifies the error.",
                    e.code
                ),
                None => format!(
                    "The body gives no code; the subcode identifies the error (code {}).",
                    e.code
                ),
            },
        ),
        Match::Code => out.section(
            "Matched by code only",
            &format!(
                "Subcode {} is not in the catalog; this is the generic entry for code {}.",
                c.subcode.unwrap_or_default(),
                e.code
            ),
        ),
        _ => {}
    }
    out.section("What happened", e.summary);
    if let Some(m) = e.meta_solution {
        out.section("Meta says", m);
    }
    if let Some(note) = e.note {
        out.section("Note", note);
    }
    let retry = if e.action.retries_same_request() {
        "yes"
    } else {
        "no, not unchanged"
    };
    out.section(
        "What the program should do",
        &format!(
            "{}.\nRetry the same request: {retry}.",
            capitalise(&e.action.describe())
        ),
    );
    out.section("How to fix it", e.solution);
    let user = match &r.received {
        Some(g) if g.user_msg.is_some() => {
            join_title(g.user_title.as_deref(), g.user_msg.as_deref())
        }
        _ => join_title(e.user_title_for(profile), e.user_msg_for(profile)),
    };
    if let Some(user) = user {
        out.section("What to tell the user", &user);
    }
    let source = match e.source {
        Source::Seed => "Meta's Instagram error-codes table",
        Source::GraphDocs => "Meta's Graph API documentation",
        Source::Observed => "seen in real traffic; not documented by Meta",
        Source::Sandbox => "the instapub sandbox's own answer; Meta's behaviour here is unknown",
    };
    out.section(
        "Where this comes from",
        &format!("{source}.\n{}", e.evidence),
    );
    if let Some(o) = e.observed {
        let mut diff = Vec::new();
        if let Some(s) = o.status {
            diff.push(format!("HTTP {s}"));
        }
        if let Some(c) = o.code {
            diff.push(format!("code {c}"));
        }
        if let Some(m) = o.message {
            diff.push(format!("message {m:?}"));
        }
        if let Some(t) = o.user_title {
            diff.push(format!("title {t:?}"));
        }
        if let Some(m) = o.user_msg {
            diff.push(format!("user message {m:?}"));
        }
        out.section(
            "Seen differently in real traffic (--profile observed)",
            &format!("{}\n{}", diff.join("; "), o.evidence),
        );
    }
    if r.host == Host::Instagram {
        let how = match e.on_instagram {
            OnInstagram::Dialect => format!(
                "type IGApiException, the message without Graph's \"(#code) \" prefix\n{}",
                instapub_errors::entry::INSTAGRAM_DIALECT_EVIDENCE
            ),
            OnInstagram::AsFacebook { evidence } => {
                format!("as graph.facebook.com answers it\n{evidence}")
            }
            OnInstagram::Seen { evidence, .. } => {
                format!("type IGApiException, as traffic showed this host answer it\n{evidence}")
            }
        };
        out.section("On graph.instagram.com", &how);
    }
    if let Some(g) = &r.received {
        received(&mut out, g);
    } else if let (Some(env), Some(status)) = (&r.example_envelope, r.example_status) {
        out.section(
            &format!(
                "Envelope: HTTP {status} ({} profile, {}, placeholders unfilled)",
                profile_name(profile),
                r.host.name()
            ),
            env,
        );
    }
    out.0
}

fn received(out: &mut Text, g: &GraphError) {
    let mut lines = Vec::new();
    if let Some(m) = &g.message {
        lines.push(format!("message: {m}"));
    }
    if let Some(t) = &g.fbtrace_id {
        lines.push(format!("fbtrace_id: {t} (quote it to Meta support)"));
    }
    if !lines.is_empty() {
        out.section("Received", &lines.join("\n"));
    }
}

fn join_title(title: Option<&str>, msg: Option<&str>) -> Option<String> {
    match (title, msg) {
        (Some(t), Some(m)) => Some(format!("{t}: {m}")),
        (None, Some(m)) => Some(m.to_owned()),
        _ => None,
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn profile_name(p: Profile) -> &'static str {
    match p {
        Profile::Documented => "documented",
        Profile::Observed => "observed",
    }
}
