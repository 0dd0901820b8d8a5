//! Classification: from (code, subcode) to a catalog entry and an action.
//!
//! The order is fixed:
//! 1. exact (code, subcode) match; where several entries share a key, the first in the table
//!    (its *primary*) wins;
//! 2. subcode alone, when it names exactly one entry (real traffic sometimes sends a known
//!    subcode under another code, e.g. 2207005 with code 1);
//! 3. code alone: the entry for that code without a subcode;
//! 4. the code's [`Family`], which still gives an action;
//! 5. unknown.
//!
//! Message text is never consulted: it is localised, and substring matches misfire on digits
//! inside ids and URLs.

use serde::Serialize;

use crate::catalog::{Entry, Id, ENTRIES};
use crate::entry::Action;

/// How a classification was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    /// Code and subcode both match the entry.
    Exact,
    /// The subcode matches; the code differs from the catalog's.
    Subcode,
    /// Only the code matches (the subcode was absent or unknown).
    Code,
    /// The code leaves several entries open (or is absent), and the message is one entry's
    /// template in full ([`by_message`]); only pasted errors are placed this way.
    Message,
    /// Only the code's family is known.
    Family,
    /// Nothing is known about this code.
    Unknown,
}

/// Groups of codes that share a meaning, for codes and subcodes the catalog lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Instagram publishing errors (codes -2, -1, 9, 24, 25, 352, 9004, 9007, 36000-36004).
    Publishing,
    /// Temporary failures on Meta's side (1, 2).
    Transient,
    /// Rate limits (4, 17, 32, 341, 613, 80000-80009).
    Throttle,
    /// Token problems (102, 190).
    Token,
    /// Permission problems (3, 10, 200-299).
    Permission,
    /// Bad parameters (100).
    Parameter,
}

impl Family {
    /// The family a code belongs to, if any.
    pub fn of_code(code: i64) -> Option<Family> {
        Some(match code {
            -2 | -1 | 9 | 24 | 25 | 352 | 9004 | 9007 | 36000..=36004 => Family::Publishing,
            1 | 2 => Family::Transient,
            4 | 17 | 32 | 341 | 613 | 80000..=80009 => Family::Throttle,
            102 | 190 => Family::Token,
            3 | 10 | 200..=299 => Family::Permission,
            100 => Family::Parameter,
            _ => return None,
        })
    }

    /// What to do for an error known only by its family.
    pub fn action(self) -> Action {
        match self {
            // Without a subcode we cannot tell which request field is wrong.
            Family::Publishing => Action::FixRequest { params: &[] },
            Family::Transient => Action::RetrySame {
                attempts: 3,
                first_delay_ms: 1_000,
                max_delay_ms: 30_000,
            },
            Family::Throttle => Action::Throttled { min_wait_s: 300 },
            Family::Token => Action::RefreshToken,
            Family::Permission => Action::RequestPermission { permission: None },
            Family::Parameter => Action::FixRequest { params: &[] },
        }
    }

    /// A short description for people.
    pub fn describe(self) -> &'static str {
        match self {
            Family::Publishing => "an Instagram publishing error",
            Family::Transient => "a temporary failure on Meta's side",
            Family::Throttle => "a rate limit",
            Family::Token => "an access-token problem",
            Family::Permission => "a missing permission",
            Family::Parameter => "an invalid parameter",
        }
    }
}

/// The result of classifying a (code, subcode) pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Classification {
    pub code: Option<i64>,
    pub subcode: Option<i64>,
    #[serde(rename = "match")]
    pub matched: Match,
    /// The entry, when one matched.
    pub id: Option<Id>,
    pub family: Option<Family>,
    /// What to do. `None` only when nothing at all is known.
    pub action: Option<Action>,
}

impl Classification {
    /// The matched entry.
    pub fn entry(&self) -> Option<&'static Entry> {
        self.id.map(Id::entry)
    }
}

/// The primary entry for an exact (code, subcode) key.
pub fn lookup(code: i64, subcode: Option<i64>) -> Option<Id> {
    ENTRIES
        .iter()
        .find(|e| e.code == code && e.subcode == subcode)
        .map(|e| e.id)
}

/// The entry for a subcode, when exactly one entry has it.
pub fn lookup_subcode(subcode: i64) -> Option<Id> {
    let mut found = ENTRIES.iter().filter(|e| e.subcode == Some(subcode));
    let first = found.next()?;
    match found.next() {
        None => Some(first.id),
        Some(_) => None,
    }
}

/// Every entry with this code.
pub fn entries_with_code(code: i64) -> impl Iterator<Item = &'static Entry> {
    ENTRIES.iter().filter(move |e| e.code == code)
}

impl Id {
    /// How this entry's own (code, subcode) classifies: itself for a primary entry, the primary
    /// of its key for the others (several entries share `(100, None)`; the first in the table
    /// wins, as step 1 above says).
    pub fn classification(self) -> Classification {
        let e = self.entry();
        classify(Some(e.code), e.subcode)
    }
}

/// Classifies a (code, subcode) pair; see the module docs for the order.
pub fn classify(code: Option<i64>, subcode: Option<i64>) -> Classification {
    let done = |matched, id: Option<Id>, family| Classification {
        code,
        subcode,
        matched,
        id,
        family,
        action: id.map(|i| i.entry().action).or(family.map(Family::action)),
    };
    let family = code.and_then(Family::of_code);
    if let Some(c) = code {
        if let Some(id) = lookup(c, subcode) {
            return done(Match::Exact, Some(id), family);
        }
    }
    if let Some(id) = subcode.and_then(lookup_subcode) {
        return done(Match::Subcode, Some(id), family);
    }
    if let Some(c) = code {
        if subcode.is_some() {
            if let Some(id) = lookup(c, None) {
                return done(Match::Code, Some(id), family);
            }
        }
    }
    match family {
        Some(f) => done(Match::Family, None, Some(f)),
        None => done(Match::Unknown, None, None),
    }
}

/// The entry whose message template matches `message` in full, for errors whose code leaves
/// several entries possible (code 100 without a subcode has a dozen) or that arrive without a
/// code at all ("Graph returned an error: ...", a `WWW-Authenticate` header).
///
/// This is not the substring matching the module docs rule out: a template's fixed text must
/// make up the whole message, in order, with only its `{placeholders}` free; Graph's
/// `(#code) ` prefix and its "Please read the Graph API documentation" tail are optional, as
/// graph.instagram.com drops them. With a code, only entries of that code (on either profile)
/// are considered. `subcode` is `Some(None)` for a body known to have none (only entries
/// without one), `Some(Some(s))` for that subcode, and `None` when it is unknown (a log line
/// that kept only the code and message, a body cut before it).
pub fn by_message(code: Option<i64>, subcode: Option<Option<i64>>, message: &str) -> Option<Id> {
    by_message_as(code, subcode, message, false)
}

/// [`by_message`] for a message that was cut short: the text only has to begin a rendering of
/// the template (at least 24 characters of it).
pub fn by_message_prefix(
    code: Option<i64>,
    subcode: Option<Option<i64>>,
    message: &str,
) -> Option<Id> {
    by_message_as(code, subcode, message, true)
}

fn by_message_as(
    code: Option<i64>,
    subcode: Option<Option<i64>>,
    message: &str,
    cut: bool,
) -> Option<Id> {
    let wanted = normalise_message(message);
    if cut && wanted.len() < 24 {
        return None;
    }
    if wanted.is_empty() {
        return None;
    }
    let matches = |e: &&Entry| {
        let variants = [
            Some(e.message),
            e.observed.and_then(|o| o.message),
            match e.on_instagram {
                crate::entry::OnInstagram::Seen { message, .. } => message,
                _ => None,
            },
        ];
        variants.into_iter().flatten().any(|t| {
            let t = normalise_message(t);
            if cut {
                template_begins(&t, &wanted)
            } else {
                template_matches(&t, &wanted)
            }
        })
    };
    let mut found = ENTRIES
        .iter()
        .filter(|e| {
            code.is_none_or(|c| e.code == c || e.observed.and_then(|o| o.code) == Some(c))
                && subcode.is_none_or(|s| e.subcode == s)
        })
        .filter(matches);
    // With the subcode unknown, the entry without one is the likelier (a subcode entry sharing
    // the wording is a narrower case of it).
    let first = found.next()?;
    if first.subcode.is_none() {
        return Some(first.id);
    }
    Some(found.find(|e| e.subcode.is_none()).unwrap_or(first).id)
}

/// Graph's optional decorations removed: `(#100) `, the documentation tail, `\/`, a final dot.
fn normalise_message(m: &str) -> String {
    let mut s = m
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("\\/", "/");
    if let Some(rest) = s.strip_prefix("(#") {
        if let Some(close) = rest.find(") ") {
            if rest[..close]
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-')
            {
                s = rest[close + 2..].to_owned();
            }
        }
    }
    for tail in [
        " Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        ".",
    ] {
        if let Some(t) = s.strip_suffix(tail) {
            s = t.trim_end().to_owned();
        }
    }
    s.to_lowercase()
}

/// Whether `text` is `template` with each `{placeholder}` replaced by some text.
fn template_matches(template: &str, text: &str) -> bool {
    let parts: Vec<&str> = split_template(template);
    let fixed: usize = parts.iter().map(|p| p.len()).sum();
    // A template that is mostly placeholder would match anything.
    if fixed < 12 && parts.len() > 1 {
        return false;
    }
    if parts.len() == 1 {
        return parts[0] == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    // A template ending in a placeholder whose value was empty ("Invalid scope field(s): ").
    if parts.len() == 2 && last.is_empty() && first.trim_end() == text {
        return true;
    }
    if !text.starts_with(first) || !text.ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Whether `text` could be the beginning of `template` rendered (a value cut short).
fn template_begins(template: &str, text: &str) -> bool {
    let parts = split_template(template);
    let first = parts[0];
    // A template that opens with a placeholder would take any text for its beginning.
    if first.len() < 8 {
        return false;
    }
    if text.len() <= first.len() {
        return first.starts_with(text);
    }
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in &parts[1..] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            // The text ends inside a placeholder's value or inside this part.
            None => return true,
        }
    }
    rest.is_empty()
}

/// The fixed pieces of a template, split at its `{placeholders}`.
fn split_template(template: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        parts.push(&rest[..open]);
        rest = &rest[open + close + 1..];
    }
    parts.push(rest);
    parts
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod message_tests {
    use super::*;

    #[test]
    fn a_template_must_make_up_the_whole_message() {
        assert!(template_matches(
            "session has expired on {a}. the current time is {b}",
            "session has expired on tuesday. the current time is wednesday"
        ));
        assert!(!template_matches(
            "session has expired on {a}. the current time is {b}",
            "the session has expired on tuesday. the current time is x"
        ));
        assert!(!template_matches("{reason}", "anything"));
        assert_eq!(
            by_message(Some(190), None, "Error validating access token: Session has expired on Tuesday, 01-Dec-25 06:00:00 PST. The current time is Tuesday, 01-Dec-25 06:07:02 PST."),
            Some(Id::TokenExpired)
        );
        assert_eq!(
            by_message(
                Some(190),
                Some(None),
                "Error validating access token: Session has expired on x. The current time is y."
            ),
            None,
            "463 is its subcode"
        );
        assert_eq!(by_message(Some(4), None, "(#190) Error validating access token: Session has expired on x. The current time is y."), None);
    }
}
