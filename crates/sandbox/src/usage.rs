//! Rate-limit accounting behind `X-App-Usage` and `X-Business-Use-Case-Usage`: real call
//! counts in a rolling one-hour window (virtual clock), as percentages of configurable limits.
//! A call that would go past a limit is refused with Graph's throttle errors: code 4 for the
//! app, 80002 for an Instagram account (Business Use Case).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use instapub_errors::Id;
use serde::Serialize;
use serde_json::json;

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

#[derive(Debug, Default)]
struct Windows {
    app: VecDeque<i64>,
    accounts: HashMap<String, VecDeque<i64>>,
}

/// The counters.
#[derive(Debug, Default)]
pub struct Usage {
    limits: Mutex<Limits>,
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

fn prune(q: &mut VecDeque<i64>, now: i64) {
    while q.front().is_some_and(|t| *t <= now - WINDOW_MS) {
        q.pop_front();
    }
}

fn pct(count: usize, limit: u32) -> u64 {
    (count as u64 * 100).div_ceil(u64::from(limit.max(1)))
}

impl Usage {
    /// Calls in the last hour at `now`: the app's, and an account's.
    pub fn counts(&self, account: &str, now: i64) -> (usize, usize) {
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        prune(&mut w.app, now);
        let app = w.app.len();
        let mine = w.accounts.get_mut(account).map_or(0, |q| {
            prune(q, now);
            q.len()
        });
        (app, mine)
    }

    pub fn limits(&self) -> Limits {
        *self.limits.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_limits(&self, limits: Limits) {
        *self.limits.lock().unwrap_or_else(|p| p.into_inner()) = limits;
    }

    pub fn clear(&self) {
        *self.windows.lock().unwrap_or_else(|p| p.into_inner()) = Windows::default();
    }

    /// Counts a call by `account` at `now` (refused calls are not counted) and gives the
    /// headers and verdict.
    pub fn record(&self, account: &str, now: i64) -> Verdict {
        let limits = self.limits();
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        prune(&mut w.app, now);
        let app_full = w.app.len() >= limits.app_calls_per_hour as usize;
        let acct = w.accounts.entry(account.to_owned()).or_default();
        prune(acct, now);
        let acct_full = acct.len() >= limits.account_calls_per_hour as usize;
        let refused = if app_full {
            Some(Id::AppRateLimit)
        } else if acct_full {
            Some(Id::InstagramRateLimit)
        } else {
            None
        };
        if refused.is_none() {
            acct.push_back(now);
        }
        let acct_count = acct.len();
        let acct_oldest = acct.front().copied();
        if refused.is_none() {
            w.app.push_back(now);
        }
        let app_pct = pct(w.app.len(), limits.app_calls_per_hour);
        let acct_pct = pct(acct_count, limits.account_calls_per_hour);
        // Minutes until the oldest call in a full window leaves it.
        let regain = if acct_full {
            acct_oldest.map_or(0, |t| ((t + WINDOW_MS - now).max(0) + 59_999) / 60_000)
        } else {
            0
        };
        Verdict {
            app_usage:
                json!({"call_count": app_pct, "total_time": app_pct, "total_cputime": app_pct})
                    .to_string(),
            buc_usage: json!({ account: [{
                "type": "instagram",
                "call_count": acct_pct,
                "total_cputime": acct_pct,
                "total_time": acct_pct,
                "estimated_time_to_regain_access": regain,
            }]})
            .to_string(),
            refused,
        }
    }
}

#[cfg(test)]
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
