//! Rate-limit accounting behind `X-App-Usage` and `X-Business-Use-Case-Usage`: real call
//! counts in a rolling one-hour window (virtual clock), as percentages of configurable limits.
//! A call that would go past a limit is refused with Graph's throttle errors: code 4 for the
//! app, 80002 for an Instagram account (Business Use Case).

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::sync::Mutex;

use instapub_errors::Id;
use serde::Serialize;

/// The rolling window.
const WINDOW_MS: i64 = 60 * 60 * 1000;

/// Call limits per rolling hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Limits {
    /// Calls per hour for the whole app (Platform rate limit).
    pub app_calls_per_hour: u32,
    /// Calls per hour per Instagram account (Business Use Case limit).
    pub account_calls_per_hour: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            app_calls_per_hour: 20_000,
            account_calls_per_hour: 4_800,
        }
    }
}

/// The calls of one rolling window: `(millisecond, calls in it)`, oldest first, and their sum.
/// Calls in the same millisecond share an entry, so a window holds at most one entry per
/// millisecond of the hour however many calls a load makes (under load the runs are long; with
/// the clock frozen there is one), and every call still leaves the window exactly an hour after
/// it was made.
#[derive(Debug, Default)]
struct Window {
    calls: VecDeque<(i64, u32)>,
    count: u64,
}

impl Window {
    fn prune(&mut self, now: i64) {
        while let Some(&(at, n)) = self.calls.front() {
            if at > now - WINDOW_MS {
                break;
            }
            self.count -= u64::from(n);
            self.calls.pop_front();
        }
    }

    fn push(&mut self, now: i64) {
        match self.calls.back_mut() {
            Some((at, n)) if *at == now && *n < u32::MAX => *n += 1,
            _ => self.calls.push_back((now, 1)),
        }
        self.count += 1;
    }

    fn oldest(&self) -> Option<i64> {
        self.calls.front().map(|&(at, _)| at)
    }
}

#[derive(Debug, Default)]
struct Windows {
    limits: Limits,
    app: Window,
    accounts: HashMap<String, Window>,
}

/// The counters.
#[derive(Debug, Default)]
pub struct Usage {
    windows: Mutex<Windows>,
}

/// The headers to send and whether the call is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub app_usage: String,
    pub buc_usage: String,
    /// The throttle error, when the call goes past a limit.
    pub refused: Option<Id>,
}

fn pct(count: u64, limit: u32) -> u64 {
    (count * 100).div_ceil(u64::from(limit.max(1)))
}

impl Usage {
    fn lock(&self) -> std::sync::MutexGuard<'_, Windows> {
        self.windows.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Calls in the last hour at `now`: the app's, and an account's.
    pub fn counts(&self, account: &str, now: i64) -> (usize, usize) {
        let mut w = self.lock();
        w.app.prune(now);
        let app = w.app.count;
        let mine = w.accounts.get_mut(account).map_or(0, |q| {
            q.prune(now);
            q.count
        });
        (
            usize::try_from(app).unwrap_or(usize::MAX),
            usize::try_from(mine).unwrap_or(usize::MAX),
        )
    }

    pub fn limits(&self) -> Limits {
        self.lock().limits
    }

    pub fn set_limits(&self, limits: Limits) {
        self.lock().limits = limits;
    }

    pub fn clear(&self) {
        let mut w = self.lock();
        w.app = Window::default();
        w.accounts.clear();
    }

    /// Counts a call by `account` at `now` (refused calls are not counted) and gives the
    /// headers and verdict. This runs on every Graph request: one lock, no JSON values.
    pub fn record(&self, account: &str, now: i64) -> Verdict {
        let mut guard = self.lock();
        let w = &mut *guard;
        let limits = w.limits;
        w.app.prune(now);
        let app_full = w.app.count >= u64::from(limits.app_calls_per_hour);
        // Looked up by `&str` first: the key is copied only for an account's first call.
        let acct = match w.accounts.get_mut(account) {
            Some(acct) => acct,
            None => w.accounts.entry(account.to_owned()).or_default(),
        };
        acct.prune(now);
        let acct_full = acct.count >= u64::from(limits.account_calls_per_hour);
        let refused = if app_full {
            Some(Id::AppRateLimit)
        } else if acct_full {
            Some(Id::InstagramRateLimit)
        } else {
            None
        };
        if refused.is_none() {
            acct.push(now);
            w.app.push(now);
        }
        let app_pct = pct(w.app.count, limits.app_calls_per_hour);
        let acct_pct = pct(acct.count, limits.account_calls_per_hour);
        // Minutes until the oldest call in a full window leaves it.
        let regain = if acct_full {
            acct.oldest()
                .map_or(0, |t| ((t + WINDOW_MS - now).max(0) + 59_999) / 60_000)
        } else {
            0
        };
        drop(guard);
        Verdict {
            app_usage: format!(
                r#"{{"call_count":{app_pct},"total_time":{app_pct},"total_cputime":{app_pct}}}"#
            ),
            buc_usage: buc_usage(account, acct_pct, regain),
            refused,
        }
    }
}

/// `X-Business-Use-Case-Usage`: `{"<account>":[{"type":"instagram",...}]}`, written directly
/// (building and printing JSON values for the two headers was about 6% of a status read, most
/// of `record`'s share).
fn buc_usage(account: &str, pct: u64, regain: i64) -> String {
    let mut out = String::with_capacity(160 + account.len());
    if account
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        let _ = write!(out, "{{\"{account}\":");
    } else {
        let key = serde_json::to_string(account).unwrap_or_default();
        let _ = write!(out, "{{{key}:");
    }
    let _ = write!(
        out,
        r#"[{{"type":"instagram","call_count":{pct},"total_cputime":{pct},"total_time":{pct},"estimated_time_to_regain_access":{regain}}}]}}"#
    );
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn percentages_limits_and_the_rolling_window() {
        let u = Usage::default();
        u.set_limits(Limits {
            app_calls_per_hour: 100,
            account_calls_per_hour: 4,
        });
        for i in 0..4 {
            let v = u.record("a", i);
            assert_eq!(v.refused, None);
        }
        let v = u.record("a", 10);
        assert_eq!(v.refused, Some(Id::InstagramRateLimit));
        assert!(
            v.buc_usage.contains(r#""call_count":100"#),
            "{}",
            v.buc_usage
        );
        assert!(
            v.buc_usage
                .contains(r#""estimated_time_to_regain_access":60"#),
            "{}",
            v.buc_usage
        );
        assert_eq!(
            v.app_usage,
            r#"{"call_count":4,"total_time":4,"total_cputime":4}"#
        );
        // Another account is not affected; an hour later the first one is free again.
        assert_eq!(u.record("b", 11).refused, None);
        assert_eq!(u.record("a", WINDOW_MS + 1).refused, None);
    }

    #[test]
    fn calls_in_one_millisecond_share_an_entry_and_each_leaves_after_exactly_an_hour() {
        let u = Usage::default();
        u.set_limits(Limits {
            app_calls_per_hour: 1_000_000,
            account_calls_per_hour: 1_000_000,
        });
        for _ in 0..1000 {
            u.record("a", 5);
        }
        u.record("a", 6);
        assert_eq!(u.lock().app.calls.len(), 2);
        assert_eq!(u.counts("a", 5), (1001, 1001));
        assert_eq!(u.counts("a", 5 + WINDOW_MS - 1), (1001, 1001));
        assert_eq!(u.counts("a", 5 + WINDOW_MS), (1, 1));
        assert_eq!(u.counts("a", 6 + WINDOW_MS), (0, 0));
        // The header keys an account id as a JSON string, escaped when it needs it.
        let v = u.record(r#"we"ird"#, 7);
        let parsed: serde_json::Value = serde_json::from_str(&v.buc_usage).unwrap();
        assert_eq!(parsed[r#"we"ird"#][0]["call_count"], 1);
        let parsed: serde_json::Value = serde_json::from_str(&v.app_usage).unwrap();
        assert_eq!(parsed["call_count"], 1);
    }

    #[test]
    fn the_app_limit_comes_first() {
        let u = Usage::default();
        u.set_limits(Limits {
            app_calls_per_hour: 2,
            account_calls_per_hour: 100,
        });
        assert_eq!(u.record("a", 0).refused, None);
        assert_eq!(u.record("b", 0).refused, None);
        assert_eq!(u.record("c", 0).refused, Some(Id::AppRateLimit));
    }
}
