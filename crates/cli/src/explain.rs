//! `instapub explain`: what an error means, what a program should do, what to tell the user.
//!
//! The input is read in a fixed order: `-` (stdin), then a number form (`SUBCODE`, `CODE`,
//! `CODE/SUBCODE`), an entry name, a path to an existing file, and finally the text itself as
//! a paste: whatever a log, a terminal or an exception printed, holding one error or several
//! ([`instapub_errors::paste`] finds them). Everything said about an error comes from the
//! catalog. `--json` writes the schema documented in docs/explain-json.md.

use std::io::Read;
use std::path::Path;

use instapub_errors::classify::entries_with_code;
use instapub_errors::paste::{self, Evidence, Finding, Format, Shape, WwwAuthenticate};
use instapub_errors::{
    classify, fbtrace_id, lookup_subcode, parse_code_number, CatalogError, Classification, Entry,
    GraphError, Host, Id, Match, OnInstagram, Profile, Source,
};
use serde::Serialize;

use crate::{Failure, ProfileArg};

/// Inputs larger than this are refused; an error body or status text is a few hundred bytes.
const MAX_INPUT: u64 = 1 << 20;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// SUBCODE, CODE, CODE/SUBCODE or an entry name; or a paste (as text, a file holding it,
    /// or `-` for stdin): an error body in any of its shapes (Graph envelope, inner error,
    /// api.instagram.com's flat error, the legacy `meta` wrapper, upload `debug_info`,
    /// container status), as JSON, a Python or JavaScript literal, inside a log line or
    /// exception text, a whole HTTP response, cut short, or several in one paste. Negative
    /// codes work as written: `instapub explain -2/2207020`.
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

/// The version of `--json`'s schema (docs/explain-json.md). Fields are only ever added within
/// a version.
const SCHEMA: &str = "instapub.explain/1";

/// How the input was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum ReadAs {
    Subcode,
    Code,
    CodeSubcode,
    Name,
    /// Pasted text: one or more errors found in it.
    Paste,
}

/// What `explain` prints: one explanation per error found.
#[derive(Debug, Serialize)]
struct Report {
    schema: &'static str,
    read_as: ReadAs,
    /// Every finding was placed on a catalog entry.
    known: bool,
    input_bytes: usize,
    findings: Vec<Explanation>,
}

/// A text field Meta sent in another language than the catalog's.
#[derive(Debug, Serialize)]
struct Localised {
    field: &'static str,
    received: String,
    /// What the catalog's entry says there (placeholders unfilled).
    catalog: String,
}

#[derive(Debug, Serialize)]
struct Explanation {
    /// The shape the error was pasted in; null for a code, subcode or name.
    shape: Option<Shape>,
    format: Option<Format>,
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
    /// The error's fields as read from the paste (`raw`: the text they were read from).
    received: Option<GraphError>,
    /// The HTTP status, and the text of the paste that named it.
    http_status: Option<Evidence>,
    www_authenticate: Option<WwwAuthenticate>,
    /// The body was cut before its end; which values were cut, and which of Graph's fields
    /// would have come after the cut (unknown rather than absent).
    cut: bool,
    cut_values: Vec<String>,
    lost_to_cut: Vec<&'static str>,
    /// The number in the message's `(#N)` prefix, when it differs from `code` or stands in
    /// for a missing one.
    code_in_message: Option<i64>,
    localised: Vec<Localised>,
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
        print!("{}", human_report(&report, profile));
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
    // A pasted log line has spaces and URLs; a path is one word.
    let one_word = !trimmed.contains(char::is_whitespace) && trimmed.len() < 4096;
    let looks_like_path = one_word
        && (["/", "./", "../", "~"]
            .iter()
            .any(|p| trimmed.starts_with(p))
            || (trimmed.contains('/') && trimmed.contains('.'))
            || [".json", ".txt", ".log"]
                .iter()
                .any(|ext| trimmed.to_ascii_lowercase().ends_with(ext)));
    if !looks_like_query && looks_like_path && !path.exists() {
        return Err(Failure::usage(format!("{arg}: no such file")));
    }
    if !looks_like_query && !trimmed.contains('\n') && path.is_file() {
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
    let query = |read_as, classification: Classification, with_code: Vec<Id>| {
        let e = explanation(classification, None, with_code, profile, host);
        Ok(Report {
            schema: SCHEMA,
            read_as,
            known: e.known,
            input_bytes: text.len(),
            findings: vec![e],
        })
    };
    if !from_file {
        if let Some((code, sub)) = parse_pair(t) {
            return query(
                ReadAs::CodeSubcode,
                classify(Some(code), Some(sub)),
                Vec::new(),
            );
        }
        if let Some(n) = parse_code_number(t) {
            return match lookup_subcode(n) {
                Some(id) => query(
                    ReadAs::Subcode,
                    classify(Some(id.entry().code), Some(n)),
                    Vec::new(),
                ),
                None => query(
                    ReadAs::Code,
                    classify(Some(n), None),
                    entries_with_code(n).map(|e| e.id).collect(),
                ),
            };
        }
        if let Some(id) = Id::from_name(t) {
            let e = id.entry();
            return query(ReadAs::Name, classify(Some(e.code), e.subcode), Vec::new());
        }
    }
    let found = paste::read(text);
    if found.is_empty() {
        return Err(Failure::usage(format!(
            "cannot read {:?}: it holds no Graph error (no error body, no code with its message, \
             no container status text); give a code, CODE/SUBCODE or entry name, e.g. \
             `instapub explain {}`, or see `instapub codes`",
            shorten(t),
            Id::NotReady.entry().key()
        )));
    }
    let findings: Vec<Explanation> = found
        .iter()
        .map(|f| {
            let c = f.classify();
            let with_code = match (c.id, c.matched, f.error.code) {
                (None, _, Some(code)) | (Some(_), Match::Code, Some(code)) => {
                    entries_with_code(code).map(|e| e.id).collect()
                }
                _ => Vec::new(),
            };
            explanation(c, Some(f), with_code, profile, host)
        })
        .collect();
    Ok(Report {
        schema: SCHEMA,
        read_as: ReadAs::Paste,
        known: findings.iter().all(|f| f.known),
        input_bytes: text.len(),
        findings,
    })
}

fn explanation(
    classification: Classification,
    finding: Option<&Finding>,
    with_code: Vec<Id>,
    profile: Profile,
    host: Option<Host>,
) -> Explanation {
    let entry = classification.entry();
    let received = finding.map(|f| f.error.clone());
    let from_instagram = received
        .as_ref()
        .is_some_and(|g: &GraphError| g.error_type.as_deref() == Some("IGApiException"));
    let host = host.unwrap_or(if from_instagram {
        Host::Instagram
    } else {
        Host::Facebook
    });
    // A subcode the catalog lacks is unknown, even when its code has a generic entry; so is a
    // message none of a shared code's entries has.
    let code_only = classification.matched == Match::Code;
    let known = (entry.is_some() && !code_only) || (finding.is_none() && !with_code.is_empty());
    let example = entry.map(|e| {
        // A fixed, realistic-looking trace id per entry, so the output is reproducible.
        let seed = (e.id as u128 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
        CatalogError::new(e.id).render_on(profile, host, fbtrace_id(seed, e.id as u8))
    });
    let localised = match (entry, &received) {
        (Some(e), Some(g)) => localised(e, g),
        _ => Vec::new(),
    };
    Explanation {
        shape: finding.map(|f| f.shape),
        format: finding.map(|f| f.format),
        known,
        classification,
        entry,
        action: classification.action.map(|a| a.describe()),
        retry_same_request: classification.action.map(|a| a.retries_same_request()),
        entries_with_code: with_code,
        received,
        http_status: finding.and_then(|f| f.http_status.clone()),
        www_authenticate: finding.and_then(|f| f.www_authenticate.clone()),
        cut: finding.is_some_and(|f| f.cut),
        cut_values: finding.map(|f| f.cut_values.clone()).unwrap_or_default(),
        lost_to_cut: finding.map(|f| f.lost_to_cut.clone()).unwrap_or_default(),
        code_in_message: finding.and_then(|f| f.code_in_message),
        localised,
        example_envelope: example.as_ref().map(|env| env.to_json()),
        example_status: example.as_ref().map(|env| env.status),
        host,
    }
}

/// Texts Meta sent in another language: few of their words are the catalog's, or most of
/// their letters are not Latin. (Meta localises `error_user_title` and `error_user_msg` by the
/// user's locale, and sometimes `message`.)
fn localised(e: &Entry, g: &GraphError) -> Vec<Localised> {
    let fields: [(&'static str, Option<&String>, Vec<&'static str>); 3] = [
        (
            "message",
            g.message.as_ref(),
            vec![e.message, e.message_for(Profile::Observed)],
        ),
        (
            "error_user_title",
            g.user_title.as_ref(),
            [e.user_title, e.user_title_for(Profile::Observed)]
                .into_iter()
                .flatten()
                .collect(),
        ),
        (
            "error_user_msg",
            g.user_msg.as_ref(),
            [e.user_msg, e.user_msg_for(Profile::Observed)]
                .into_iter()
                .flatten()
                .collect(),
        ),
    ];
    let mut out = Vec::new();
    for (field, received, catalog) in fields {
        let (Some(received), Some(first)) = (received, catalog.first()) else {
            continue;
        };
        if catalog.iter().all(|c| other_language(received, c)) {
            out.push(Localised {
                field,
                received: received.clone(),
                catalog: (*first).to_owned(),
            });
        }
    }
    out
}

fn other_language(received: &str, catalog: &str) -> bool {
    let letters: Vec<char> = received.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return false;
    }
    let foreign = letters.iter().filter(|c| !c.is_ascii()).count();
    if foreign * 10 > letters.len() * 3 {
        return true;
    }
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 4)
            .map(str::to_lowercase)
            .collect()
    };
    let known = words(catalog);
    let got = words(received);
    if got.len() < 3 {
        return false;
    }
    let shared = got.iter().filter(|w| known.contains(w)).count();
    shared * 10 < got.len() * 3
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

fn human_report(r: &Report, profile: Profile) -> String {
    if r.findings.len() == 1 {
        return human(&r.findings[0], profile);
    }
    let mut out = format!("Found {} errors in the paste.\n\n", r.findings.len());
    for (i, e) in r.findings.iter().enumerate() {
        out.push_str(&format!(
            "── {} of {} ──────────────────────────────────────────────\n\n",
            i + 1,
            r.findings.len()
        ));
        out.push_str(&human(e, profile));
    }
    out
}

fn shape_name(s: Shape) -> &'static str {
    match s {
        Shape::GraphEnvelope => "a Graph error body",
        Shape::ErrorObject => "the error object of a Graph body",
        Shape::InstagramFlat => "api.instagram.com's flat error",
        Shape::InstagramMeta => "the retired Instagram API's meta error (before June 2020)",
        Shape::FailStatus => "Instagram's {\"message\", \"status\": \"fail\"} answer",
        Shape::UploadDebugInfo => "the resumable upload host's debug_info answer",
        Shape::ContainerStatus => "a container's status",
        Shape::StatusText => "a container's status text",
        Shape::WwwAuthenticate => "a WWW-Authenticate header",
        Shape::Fields => "an SDK's key/value rendering of an error",
        Shape::Message => "a message with its code",
    }
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Json => "JSON",
        Format::JsonInString => "JSON escaped inside a string",
        Format::PythonRepr => "a Python repr",
        Format::JsObject => "a JavaScript object (console or util.inspect)",
        Format::RubyHash => "a Ruby hash",
        Format::Text => "text",
    }
}

/// What was read from a paste and how: shape, format, status, cut, language.
fn paste_section(out: &mut Text, e: &Explanation) {
    let (Some(shape), Some(format)) = (e.shape, e.format) else {
        return;
    };
    let mut lines = vec![format!(
        "{}, written as {}.",
        capitalise(shape_name(shape)),
        format_name(format)
    )];
    if let Some(s) = &e.http_status {
        lines.push(format!("HTTP {} (from {:?}).", s.value, s.from));
    }
    if let Some(w) = &e.www_authenticate {
        lines.push(format!("WWW-Authenticate: {} \"{}\".", w.class, w.message));
    }
    if e.cut {
        let mut cut = "The body was cut before its end".to_owned();
        if !e.cut_values.is_empty() {
            cut.push_str(&format!(" (inside {})", e.cut_values.join(", ")));
        }
        cut.push('.');
        if !e.lost_to_cut.is_empty() {
            cut.push_str(&format!(
                " Unknown, as Graph writes them after the cut: {}.",
                e.lost_to_cut.join(", ")
            ));
        }
        if e.lost_to_cut.contains(&"error_subcode") && e.classification.subcode.is_none() {
            cut.push_str(" A subcode may have been lost, so the entry below is the code's.");
        }
        lines.push(cut);
    }
    if let (Some(n), Some(g)) = (e.code_in_message, &e.received) {
        match g.code {
            Some(code) if code != n => lines.push(format!(
                "The message says (#{n}) but the body's code is {code}; the code and subcode decide."
            )),
            None => lines.push(format!("No code field: the message's (#{n}) stands in for it.")),
            _ => {}
        }
    }
    for l in &e.localised {
        lines.push(format!(
            "{} was localised: {:?}\n  In the catalog's language: {:?}",
            l.field, l.received, l.catalog
        ));
    }
    out.section("Read from the paste", &lines.join("\n"));
}

fn human(r: &Explanation, profile: Profile) -> String {
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
            None if r.shape == Some(Shape::InstagramMeta) => out.section(
                &title,
                "The Instagram API this comes from was retired in June 2020; move to the Instagram API with Instagram Login or Facebook Login.",
            ),
            None => out.section(
                &title,
                "Nothing is known about this error. Keep the raw body and its fbtrace_id for Meta support.",
            ),
        }
        paste_section(&mut out, r);
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
    paste_section(&mut out, r);
    match c.matched {
        Match::Subcode if matches!(r.shape, Some(Shape::StatusText | Shape::ContainerStatus)) => out.section(
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
        Match::Code if c.subcode.is_some() => out.section(
            "Matched by code only",
            &format!(
                "Subcode {} is not in the catalog; this is the generic entry for code {}.",
                c.subcode.unwrap_or_default(),
                e.code
            ),
        ),
        Match::Code => out.section(
            "Matched by code only",
            &format!(
                "Code {} is shared by {} entries and the message is none of theirs; this is the code's first entry.",
                e.code,
                r.entries_with_code.len().max(2)
            ),
        ),
        Match::Message => out.section(
            "Matched by its message",
            &match c.code {
                Some(code) => format!("Several entries share code {code}; the message is this one's."),
                None => "The paste gives no code; the message is this entry's, word for word.".to_owned(),
            },
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
