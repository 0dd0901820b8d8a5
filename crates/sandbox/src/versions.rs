//! Graph API versions as data: when each was released and until when Meta serves it
//! (`../shared/reference/webhooks-and-versions.md` section 2.2, from Meta's changelog), and
//! which one answers a call, on the virtual clock:
//!
//! - a live version answers as itself;
//! - an expired one is answered by the oldest live version, silently (Meta's versioning guide:
//!   calls "will be defaulted to the next oldest, usable version");
//! - a version Meta never released (`v99.0`, `v2.80`), or one not released yet, is Graph's 2500
//!   "Unknown path components";
//! - a call without a version is answered by the app's default version (the control plane's
//!   `default_version`, [`crate::runtime::switches`]; else [`crate::hosts::GRAPH_VERSION`]),
//!   which is judged the same way.
//!
//! The version that answered is the `facebook-api-version` header of every Graph answer.

use std::sync::LazyLock;

/// `(version, released, available until)`, dates in UTC. v27.0 (a row of Nov 4, 2026 in the
/// changelog, its label unconfirmed) is left out until its name is known.
const TABLE: &[(&str, &str, Option<&str>)] = &[
    ("v18.0", "2023-09-12", Some("2026-01-26")),
    ("v19.0", "2024-01-23", Some("2026-05-21")),
    ("v20.0", "2024-05-21", Some("2026-09-24")),
    ("v21.0", "2024-10-02", Some("2027-01-21")),
    ("v22.0", "2025-01-21", Some("2027-05-20")),
    ("v23.0", "2025-05-29", Some("2027-10-08")),
    ("v24.0", "2025-10-08", Some("2028-02-18")),
    ("v25.0", "2026-02-18", Some("2028-07-29")),
    ("v26.0", "2026-07-29", None),
];

/// One version, its dates as Unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub name: &'static str,
    pub released_ms: i64,
    pub until_ms: Option<i64>,
}

fn day_ms(date: &str) -> i64 {
    format!("{date}T00:00:00Z")
        .parse::<jiff::Timestamp>()
        .map_or(0, |t| t.as_millisecond())
}

/// The table, oldest first.
pub static VERSIONS: LazyLock<Vec<Version>> = LazyLock::new(|| {
    TABLE
        .iter()
        .map(|(name, released, until)| Version {
            name,
            released_ms: day_ms(released),
            until_ms: until.map(day_ms),
        })
        .collect()
});

impl Version {
    fn live(&self, now_ms: i64) -> bool {
        self.released_ms <= now_ms && self.until_ms.is_none_or(|until| now_ms < until)
    }
}

/// The version that answers a call asking for `requested` (none: `default`) at `now_ms`;
/// `None` when Graph would not know the path (a version never or not yet released).
pub fn answering(requested: Option<&str>, default: &str, now_ms: i64) -> Option<&'static str> {
    let asked = requested.unwrap_or(default);
    // Newest first: calls name recent versions.
    let version = VERSIONS.iter().rev().find(|v| v.name == asked)?;
    if version.released_ms > now_ms {
        return None;
    }
    if version.live(now_ms) {
        return Some(version.name);
    }
    // Expired: the oldest live version (the table is oldest first).
    VERSIONS
        .iter()
        .find(|v| v.live(now_ms))
        .map(|v| v.name)
        .or(Some(version.name))
}

/// Whether `version` is `since` or newer, by the table's order (`false` for a name it does not
/// have).
pub fn at_least(version: &str, since: &str) -> bool {
    let position = |name: &str| VERSIONS.iter().position(|v| v.name == name);
    matches!((position(version), position(since)), (Some(v), Some(s)) if v >= s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str) -> i64 {
        day_ms(date)
    }

    fn answering_now(requested: Option<&str>, now: i64) -> Option<&'static str> {
        answering(requested, crate::hosts::GRAPH_VERSION, now)
    }

    #[test]
    fn calls_without_a_version_are_answered_by_the_default_judged_like_any_other() {
        let now = at("2026-12-04");
        assert_eq!(answering(None, "v22.0", now), Some("v22.0"));
        // A default that has since expired answers as the oldest live version.
        assert_eq!(answering(None, "v20.0", now), Some("v21.0"));
        assert_eq!(answering(Some("v24.0"), "v22.0", now), Some("v24.0"));
    }

    #[test]
    fn live_versions_answer_as_themselves_and_expired_ones_by_the_oldest_live() {
        let now = at("2026-12-04");
        assert_eq!(answering_now(Some("v25.0"), now), Some("v25.0"));
        assert_eq!(answering_now(Some("v21.0"), now), Some("v21.0"));
        // v18 to v20 have expired: the oldest live one answers.
        assert_eq!(answering_now(Some("v19.0"), now), Some("v21.0"));
        assert_eq!(answering_now(Some("v20.0"), now), Some("v21.0"));
        // After v21's end, v22 is the oldest live one.
        assert_eq!(
            answering_now(Some("v19.0"), at("2027-02-01")),
            Some("v22.0")
        );
        assert_eq!(answering_now(None, now), Some(crate::hosts::GRAPH_VERSION));
    }

    #[test]
    fn versions_compare_by_the_tables_order() {
        assert!(at_least("v26.0", "v26.0"));
        assert!(at_least("v26.0", "v25.0"));
        assert!(!at_least("v25.0", "v26.0"));
        assert!(!at_least("v99.0", "v25.0"));
    }

    #[test]
    fn versions_never_or_not_yet_released_are_unknown() {
        let now = at("2026-12-04");
        assert_eq!(answering_now(Some("v99.0"), now), None);
        assert_eq!(answering_now(Some("v2.80"), now), None);
        // v26.0 before its release.
        assert_eq!(answering_now(Some("v26.0"), at("2026-07-01")), None);
        assert_eq!(answering_now(Some("v26.0"), now), Some("v26.0"));
    }
}
