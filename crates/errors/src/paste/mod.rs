//! Reading errors out of whatever people paste: a log line, an exception text, a Python repr,
//! a JavaScript console dump, a whole HTTP response, a body cut by a logger, several bodies at
//! once.
//!
//! [`read`] finds every error in a paste and says, for each, what *shape* it had (the Graph
//! envelope, the inner error object alone, api.instagram.com's flat shape, the legacy `meta`
//! wrapper, `{"message", "status": "fail"}`, the resumable upload's `debug_info`, a container
//! status, status text, a `WWW-Authenticate` header, SDK key/value text, or a bare message),
//! which *format* it was written in (JSON, JSON inside a string, Python, JavaScript, Ruby,
//! text), what was cut, and the HTTP status the surrounding text names. Classification stays
//! with [`crate::classify`]; [`Finding::classify`] only adds the message-template step for
//! errors whose code leaves several entries open or that carry no code.

mod found;
pub mod loose;
mod text;

pub use found::{Evidence, Fields, Format, Shape, WwwAuthenticate};

use serde::Serialize;

use crate::classify::{by_message, by_message_prefix, classify, Classification, Match};
use crate::parse::{parse_status_text, GraphError};
use loose::{Node, Syntax};

/// Pastes larger than this are refused by callers; an error body is a few hundred bytes.
pub const MAX_PASTE: usize = 1 << 20;
/// JSON inside a string inside a string (a log line holding a tool result holding a body) is
/// read this many levels deep.
const MAX_NESTING: usize = 3;
/// Findings beyond this many are dropped (a paste of a whole log can hold thousands).
pub const MAX_FINDINGS: usize = 100;
/// The raw text kept per finding.
const MAX_RAW: usize = 4096;

/// The order Graph writes an error's fields in, to tell what a cut took.
const GRAPH_ORDER: [&str; 8] = [
    "message",
    "type",
    "code",
    "error_subcode",
    "is_transient",
    "error_user_title",
    "error_user_msg",
    "fbtrace_id",
];

/// One error found in a paste.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub shape: Shape,
    pub format: Format,
    /// The error's fields; `raw` is the text it was read from (at most 4 KiB of it).
    pub error: GraphError,
    /// The body was cut before its end (by a logger, a terminal, a console).
    pub cut: bool,
    /// Values that were cut inside (`fbtrace_id`, a long `message`).
    pub cut_values: Vec<String>,
    /// Fields Graph writes after the cut point, so unknown rather than absent.
    pub lost_to_cut: Vec<&'static str>,
    /// The HTTP status, from the body's surroundings (a status line, "StatusCodeError: 400").
    pub http_status: Option<Evidence>,
    pub www_authenticate: Option<WwwAuthenticate>,
    /// The number in the message's `(#N) ` prefix, when it has one (it can differ from `code`).
    pub code_in_message: Option<i64>,
    /// Instagram's `retriable` (upload host) or the legacy API's `error_type`, kept as read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Finding {
    /// Classification by (code, subcode), then by the message template when the code leaves
    /// several entries open or there is no code.
    pub fn classify(&self) -> Classification {
        let g = &self.error;
        let code = g.code.or(self.code_in_message);
        // api.instagram.com's `code` is the HTTP status: only the message tells its errors
        // apart, and the retired API's are in no entry at all.
        if matches!(
            self.shape,
            Shape::InstagramFlat | Shape::InstagramMeta | Shape::FailStatus
        ) {
            let unknown = classify(None, None);
            let found = match (self.shape, g.message.as_deref()) {
                (Shape::InstagramFlat, Some(m)) => by_message(code, Some(None), m),
                _ => None,
            };
            return match found {
                Some(id) => Classification {
                    code,
                    matched: Match::Message,
                    id: Some(id),
                    action: Some(id.entry().action),
                    ..unknown
                },
                None => Classification { code, ..unknown },
            };
        }
        let c = classify(code, g.subcode);
        let shared = c.id.is_some_and(|id| {
            let e = id.entry();
            crate::ENTRIES
                .iter()
                .filter(|o| o.code == e.code && o.subcode == e.subcode)
                .count()
                > 1
        });
        let open = matches!(c.matched, Match::Family | Match::Unknown) || shared;
        if !open {
            return c;
        }
        let mut message_cut = self.cut_values.iter().any(|v| v == "message")
            || self.cut_values.iter().any(|v| v == "error_message");
        // The header carries the whole message when the body's was cut.
        let header = self.www_authenticate.as_ref().map(|w| w.message.as_str());
        let message = match (g.message.as_deref(), header) {
            (Some(_), Some(h)) if message_cut => {
                message_cut = false;
                Some(h)
            }
            (Some(m), _) => Some(m),
            (None, h) => h,
        };
        let Some(message) = message else {
            return c;
        };
        // A subcode is known absent only where the whole body was read.
        let structured = matches!(
            self.format,
            Format::Json
                | Format::JsonInString
                | Format::PythonRepr
                | Format::JsObject
                | Format::RubyHash
        ) && !matches!(self.shape, Shape::ContainerStatus);
        let subcode = match g.subcode {
            Some(s) => Some(Some(s)),
            None if structured && !self.lost_to_cut.contains(&"error_subcode") => Some(None),
            None => None,
        };
        let found = if message_cut {
            by_message_prefix(code, subcode, message)
        } else {
            by_message(code, subcode, message)
        };
        match found {
            Some(id) => Classification {
                matched: Match::Message,
                id: Some(id),
                action: Some(id.entry().action),
                ..c
            },
            // Several entries share this code and the message is none of theirs: the code's
            // primary entry stands, as a code-only match.
            None if shared && c.matched == Match::Exact => Classification {
                matched: Match::Code,
                ..c
            },
            None => c,
        }
    }
}

/// Every error in `text`, in the order they appear, the same body pasted twice counted once.
pub fn read(text: &str) -> Vec<Finding> {
    let text = &text[..floor_char_boundary(text, MAX_PASTE)];
    let mut out = Vec::new();
    scan(text, 0, None, &mut out);
    dedupe(&mut out);
    out.truncate(MAX_FINDINGS);
    out
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    let mut i = max.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn scan(text: &str, nesting: usize, hint: Option<&Evidence>, out: &mut Vec<Finding>) {
    let stripped = strip_line_prefixes(text);
    let t = stripped.as_str();
    let mut covered: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = t[i..].find('{') {
        if out.len() >= MAX_FINDINGS {
            return;
        }
        let at = i + off;
        let r = loose::read_at(t, at);
        let mut found = Vec::new();
        collect(
            &r.node, r.syntax, nesting, None, t, at, r.end, r.cut, &mut found,
        );
        if !found.is_empty() {
            // The status a body's own line or the few lines around it name (bounded, so a
            // paste of a thousand bodies is read in linear time).
            let gap_start = covered.last().map_or(0, |c| c.1);
            let window = floor_char_boundary(t, at.saturating_sub(400)).max(gap_start);
            let preceding = text::http_status(&t[window..at]);
            let end = floor_char_boundary(t, (r.end + 400).min(t.len()));
            let after = &t[r.end.min(end)..end];
            let after = &after[..after.find('{').unwrap_or(after.len())];
            let following = text::http_status_first(after);
            for f in &mut found {
                if f.http_status.is_none() {
                    f.http_status = preceding
                        .clone()
                        .or_else(|| following.clone())
                        .or_else(|| hint.cloned());
                }
                f.error.status = f.http_status.as_ref().map(|e| e.value);
            }
        }
        let before = out.len();
        out.extend(found);
        if out.len() > before {
            covered.push((at, r.end));
            i = r.end;
        } else if r.node.is_cut() {
            i = at + 1;
        } else {
            i = r.end.max(at + 1);
        }
    }
    // A fragment of a JSON string: `Response: {\"error\":{...}}` outside any quotes read.
    if covered.is_empty() && nesting < MAX_NESTING && t.contains("{\\\"") {
        let unescaped = t
            .replace("\\\\", "\u{1}")
            .replace("\\\"", "\"")
            .replace("\\/", "/")
            .replace('\u{1}', "\\");
        let before = out.len();
        scan(&unescaped, nesting + 1, hint, out);
        if out.len() > before {
            for f in &mut out[before..] {
                if f.format == Format::Json {
                    f.format = Format::JsonInString;
                }
            }
            return;
        }
    }
    // Plain text between the bodies.
    let mut gaps = Vec::new();
    let mut from = 0;
    for &(s, e) in &covered {
        if s > from {
            gaps.push((from, s));
        }
        from = from.max(e);
    }
    if from < t.len() {
        gaps.push((from, t.len()));
    }
    let structural = out.len();
    for (s, e) in gaps {
        if out.len() >= MAX_FINDINGS {
            return;
        }
        let gap = &t[s..e];
        if let Some(w) = text::www_authenticate(gap) {
            // With a body, the header is evidence about it; alone, it is the error.
            match out.iter_mut().rev().find(|f| f.www_authenticate.is_none()) {
                Some(f) if structural > 0 => f.www_authenticate = Some(w),
                _ => out.push(Finding {
                    shape: Shape::WwwAuthenticate,
                    format: Format::Text,
                    error: graph_error(
                        Fields {
                            message: Some(w.message.clone()),
                            ..Fields::default()
                        },
                        gap,
                    ),
                    cut: false,
                    cut_values: Vec::new(),
                    lost_to_cut: Vec::new(),
                    http_status: text::http_status(gap).or_else(|| hint.cloned()),
                    www_authenticate: Some(w),
                    code_in_message: None,
                    note: None,
                }),
            }
            continue;
        }
        for e in text::errors(gap) {
            if out.len() >= MAX_FINDINGS {
                return;
            }
            let slice = &gap[e.start.min(gap.len())..e.end.min(gap.len())];
            let line_start = gap[..e.start.min(gap.len())]
                .rfind('\n')
                .map_or(0, |n| n + 1);
            let status =
                text::http_status(&gap[line_start..e.end.min(gap.len())]).or_else(|| hint.cloned());
            let code_in_message = e.fields.message.as_deref().and_then(prefix_code);
            let (shape, fields) = (e.shape, e.fields);
            out.push(Finding {
                shape,
                format: Format::Text,
                error: graph_error(fields, slice),
                cut: false,
                cut_values: Vec::new(),
                lost_to_cut: Vec::new(),
                http_status: status,
                www_authenticate: None,
                code_in_message,
                note: None,
            });
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn collect(
    node: &Node,
    syntax: Syntax,
    nesting: usize,
    hint: Option<&Evidence>,
    t: &str,
    start: usize,
    end: usize,
    input_cut: bool,
    out: &mut Vec<Finding>,
) {
    match node {
        Node::Obj { fields, .. } => {
            let own = status_field(node);
            let hint = own.as_ref().or(hint);
            if let Some(mut f) = shape_of(node, syntax, nesting) {
                f.http_status = f.http_status.or_else(|| hint.cloned());
                f.error.raw = excerpt(&t[start..end.min(t.len())]);
                f.error.status = f.http_status.as_ref().map(|e| e.value);
                f.cut = f.cut || (input_cut && node.is_cut());
                out.push(f);
                return;
            }
            for (_, v) in fields {
                collect(v, syntax, nesting, hint, t, start, end, input_cut, out);
            }
        }
        Node::Arr { items, .. } => {
            for v in items {
                collect(v, syntax, nesting, hint, t, start, end, input_cut, out);
            }
        }
        Node::Str { text, .. } if nesting < MAX_NESTING => {
            let before = out.len();
            if text.contains('{') || text.contains(" - ") || text.contains("rror") {
                scan(text, nesting + 1, hint, out);
            }
            for f in &mut out[before..] {
                if f.format == Format::Json {
                    f.format = Format::JsonInString;
                }
            }
        }
        _ => {}
    }
}

fn excerpt(s: &str) -> String {
    s[..floor_char_boundary(s, MAX_RAW)].to_owned()
}

/// `status`, `statusCode`, `httpCode`, `HttpStatus` beside an error: its HTTP status.
fn status_field(node: &Node) -> Option<Evidence> {
    for key in [
        "status",
        "statusCode",
        "httpCode",
        "HttpStatus",
        "http_status",
    ] {
        if let Some(n) = node.get(key).and_then(Node::integer) {
            if (200..600).contains(&n) {
                return Some(Evidence {
                    value: n as u16,
                    from: format!("{key}: {n}"),
                });
            }
        }
    }
    None
}

fn text_of(node: &Node, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| node.get(k).and_then(Node::text).map(str::to_owned))
}

fn int_of(node: &Node, keys: &[&str]) -> Option<i64> {
    keys.iter()
        .find_map(|k| node.get(k).and_then(Node::integer))
}

fn fields_of(node: &Node) -> Fields {
    Fields {
        message: text_of(node, &["message", "errorMessage", "error_message"]),
        error_type: text_of(node, &["type", "errorType", "error_type"]),
        code: int_of(node, &["code", "errorCode", "error_code"]),
        subcode: int_of(node, &["error_subcode", "subErrorCode", "subcode"]),
        is_transient: node.get("is_transient").and_then(Node::boolean),
        user_title: text_of(node, &["error_user_title"]),
        user_msg: text_of(node, &["error_user_msg"]),
        fbtrace_id: text_of(node, &["fbtrace_id", "x-fb-trace-id"]),
    }
}

fn format_of(syntax: Syntax) -> Format {
    if syntax.ruby_arrows {
        Format::RubyHash
    } else if syntax.python_literals || (syntax.single_quotes && !syntax.bare_keys) {
        Format::PythonRepr
    } else if syntax.bare_keys {
        Format::JsObject
    } else {
        Format::Json
    }
}

fn graph_error(f: Fields, raw: &str) -> GraphError {
    GraphError {
        status: None,
        message: f.message,
        error_type: f.error_type,
        code: f.code,
        subcode: f.subcode,
        is_transient: f.is_transient,
        user_title: f.user_title,
        user_msg: f.user_msg,
        fbtrace_id: f.fbtrace_id,
        raw: excerpt(raw),
    }
}

/// The `(#N)` at the start of a Graph message.
fn prefix_code(message: &str) -> Option<i64> {
    let rest = message.trim_start().strip_prefix("(#")?;
    let close = rest.find(')')?;
    crate::parse::parse_code_number(&rest[..close])
}

/// The error an object holds, if it is one of the shapes errors come in.
fn shape_of(node: &Node, syntax: Syntax, nesting: usize) -> Option<Finding> {
    let has = |k: &str| node.get(k).is_some();
    let (shape, inner, mut fields, note) = if let Some(inner @ Node::Obj { .. }) = node.get("error")
    {
        (Shape::GraphEnvelope, inner, fields_of(inner), None)
    } else if let Some(inner @ Node::Obj { .. }) = node.get("meta") {
        if !(inner.get("error_type").is_some() || inner.get("error_message").is_some()) {
            return None;
        }
        (Shape::InstagramMeta, inner, fields_of(inner), None)
    } else if let Some(inner @ Node::Obj { .. }) = node.get("debug_info") {
        let mut f = fields_of(inner);
        f.is_transient = inner.get("retriable").and_then(Node::boolean);
        (Shape::UploadDebugInfo, inner, f, None)
    } else if has("error_message") {
        (Shape::InstagramFlat, node, fields_of(node), None)
    } else if node.get("status").and_then(Node::text) == Some("fail") && has("message") {
        (Shape::FailStatus, node, fields_of(node), None)
    } else if let Some(sc) = node.get("status_code").and_then(Node::text) {
        if !matches!(sc, "ERROR" | "EXPIRED") {
            return None;
        }
        let status = text_of(node, &["status"]);
        let f = Fields {
            subcode: status.as_deref().and_then(parse_status_text),
            message: status,
            ..Fields::default()
        };
        (
            Shape::ContainerStatus,
            node,
            f,
            Some(format!("status_code {sc}")),
        )
    } else {
        let f = fields_of(node);
        let looks = (f.message.is_some()
            && (f.code.is_some() || f.error_type.is_some() || f.fbtrace_id.is_some()))
            || (f.code.is_some() && f.error_type.is_some());
        if !looks {
            return None;
        }
        (Shape::ErrorObject, node, f, None)
    };
    // The fail shape is sometimes JSON in the upload host's message.
    if shape == Shape::UploadDebugInfo {
        if let Some(m) = fields.message.clone() {
            if m.trim_start().starts_with('{') {
                let r = loose::read_at(&m, m.find('{').unwrap_or(0));
                if let Some(inner) = r.node.get("message").and_then(Node::text) {
                    fields.message = Some(inner.to_owned());
                }
            }
        }
    }
    let cut = inner.is_cut();
    let (cut_values, lost_to_cut) = cut_analysis(inner);
    let code_in_message = fields.message.as_deref().and_then(prefix_code);
    let _ = nesting;
    Some(Finding {
        shape,
        format: format_of(syntax),
        error: graph_error(fields, ""),
        cut,
        cut_values,
        lost_to_cut: if cut { lost_to_cut } else { Vec::new() },
        http_status: status_field(inner),
        www_authenticate: None,
        code_in_message,
        note,
    })
}

/// Which values were cut, and which of Graph's fields would have come after the cut.
fn cut_analysis(inner: &Node) -> (Vec<String>, Vec<&'static str>) {
    let Node::Obj { fields, .. } = inner else {
        return (Vec::new(), Vec::new());
    };
    let cut_values = fields
        .iter()
        .filter(|(_, v)| v.is_cut())
        .map(|(k, _)| k.clone())
        .collect();
    let last = fields
        .iter()
        .filter_map(|(k, _)| GRAPH_ORDER.iter().position(|g| g == k))
        .max();
    let lost = GRAPH_ORDER
        .iter()
        .enumerate()
        .filter(|(i, g)| last.is_none_or(|l| *i > l) && !fields.iter().any(|(k, _)| k == *g))
        .map(|(_, g)| *g)
        .collect();
    (cut_values, lost)
}

/// The same error pasted twice (a log line and the exception's own copy, one of them cut) is
/// one finding: the fuller copy is kept.
fn dedupe(out: &mut Vec<Finding>) {
    let mut i = 0;
    while i < out.len() {
        let dup = (0..out.len()).find(|&j| j != i && same_error(&out[i], &out[j]));
        match dup {
            Some(j) if fuller(&out[j], &out[i]) || (j < i && !fuller(&out[i], &out[j])) => {
                out.remove(i);
            }
            _ => i += 1,
        }
    }
}

fn same_error(a: &Finding, b: &Finding) -> bool {
    let (x, y) = (&a.error, &b.error);
    let compatible = |p: &Option<String>, q: &Option<String>| match (p, q) {
        (Some(p), Some(q)) => p.starts_with(q.as_str()) || q.starts_with(p.as_str()),
        _ => true,
    };
    x.code == y.code
        && (x.subcode == y.subcode || x.subcode.is_none() || y.subcode.is_none())
        && x.code.is_some()
        && compatible(&x.message, &y.message)
        && compatible(&x.fbtrace_id, &y.fbtrace_id)
        && (x.fbtrace_id.is_some() || y.fbtrace_id.is_some() || x.message == y.message)
}

fn fuller(a: &Finding, b: &Finding) -> bool {
    let score = |f: &Finding| {
        let g = &f.error;
        (!f.cut as usize) * 100
            + [
                g.message.is_some(),
                g.error_type.is_some(),
                g.subcode.is_some(),
                g.fbtrace_id.is_some(),
                g.user_msg.is_some(),
                f.http_status.is_some(),
            ]
            .iter()
            .filter(|b| **b)
            .count()
    };
    score(a) > score(b)
}

/// Removes a prefix every line shares (`# `, `3|workers   | `, a Heroku timestamp), so a body
/// split over prefixed lines reads as one.
fn strip_line_prefixes(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() < 2 {
        return text.to_owned();
    }
    let prefix_of = |l: &str| -> usize {
        // A Heroku or syslog stamp: "2016-07-30T13:58:16.009721+00:00 app[web.1]: ".
        if l.len() > 20
            && l.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && l.as_bytes()[4] == b'-'
        {
            if let Some(at) = l.find("]:") {
                return at + 2 + usize::from(l.as_bytes().get(at + 2) == Some(&b' '));
            }
        }
        0
    };
    if lines.iter().all(|l| prefix_of(l) > 0) {
        return text
            .lines()
            .map(|l| &l[prefix_of(l).min(l.len())..])
            .collect::<Vec<_>>()
            .join("\n");
    }
    // A literal prefix of punctuation and words shared by every line ("# ", "3|workers   | ").
    let first = lines[0];
    let mut common = first.len();
    for l in &lines[1..] {
        common = common.min(
            first
                .bytes()
                .zip(l.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    let prefix = &first[..floor_char_boundary(first, common)];
    let ok = !prefix.trim().is_empty()
        && prefix.len() <= 24
        && !prefix.contains(['{', '"', '\''])
        && prefix.trim_end().ends_with(['#', '|', '>', '/', ':', '*']);
    if !ok {
        return text.to_owned();
    }
    text.lines()
        .map(|l| l.strip_prefix(prefix).unwrap_or(l.trim_start()))
        .collect::<Vec<_>>()
        .join("\n")
}
