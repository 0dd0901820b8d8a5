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
