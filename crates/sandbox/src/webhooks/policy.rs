//! When Meta retries a failed delivery, when it gives up, and when it unsubscribes the app.
//!
//! Meta documents two policies and no schedule (`shared/reference/webhooks-and-versions.md`
//! §1.8). Graph's webhooks guide: retry "immediately", then "a few more times with decreasing
//! frequency over the next 36 hours", and drop what is still unacknowledged after 36 h. The
//! Messenger Platform page, which names Instagram accounts: answer within 5 s (its FAQ: a call
//! times out after 20 s); after 15 minutes of failing an alert goes to the developer, after 1
//! hour the app is unsubscribed from the Page or Instagram account. The sandbox applies both,
//! because both are Meta's word on the Instagram fields: each delivery is retried on the
//! schedule below until 36 h after it was made, and an app whose callback has failed for an
//! hour without one success in between is unsubscribed (its installs removed, its pending
//! deliveries dropped), which is what an app meets first. README says the same.

/// How long after a failed attempt (the 1st, 2nd, ...) the next one is made: at once, then
/// with decreasing frequency; past the list, every [`LAST_DELAY_MS`].
pub const RETRY_DELAYS_MS: &[i64] = &[
    0,
    60_000,
    5 * 60_000,
    15 * 60_000,
    30 * 60_000,
    60 * 60_000,
    2 * 3_600_000,
    4 * 3_600_000,
    8 * 3_600_000,
];

/// The gap between retries once [`RETRY_DELAYS_MS`] is used up.
pub const LAST_DELAY_MS: i64 = 12 * 3_600_000;

/// A delivery not acknowledged this long after it was made is dropped.
pub const GIVE_UP_AFTER_MS: i64 = 36 * 3_600_000;

/// An app failing this long gets Meta's alert (recorded on the delivery log).
pub const ALERT_AFTER_MS: i64 = 15 * 60_000;

/// An app failing this long, without a success between, is unsubscribed.
pub const UNSUBSCRIBE_AFTER_MS: i64 = 3_600_000;

/// The most deliveries an app may have waiting; changes past it are dropped (and logged), so
/// an app that stopped answering cannot fill the disk.
pub const MAX_PENDING_PER_APP: u32 = 10_000;

/// The most changes one delivery carries (Meta: "up to 1000 updates").
pub const MAX_CHANGES_PER_DELIVERY: usize = 1000;

/// What to do after attempt `n` (1-based) of a delivery made at `created_at` failed at `now`:
/// `Some(when)` retries then, `None` gives up.
pub fn next_attempt(n: u32, created_at: i64, now: i64) -> Option<i64> {
    let delay = RETRY_DELAYS_MS
        .get(n.saturating_sub(1) as usize)
        .copied()
        .unwrap_or(LAST_DELAY_MS);
    let at = now.saturating_add(delay);
    (at <= created_at.saturating_add(GIVE_UP_AFTER_MS)).then_some(at)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn retries_at_once_then_less_often_and_gives_up_after_36_hours() {
        assert_eq!(next_attempt(1, 0, 0), Some(0));
        assert_eq!(next_attempt(2, 0, 0), Some(60_000));
        // Gaps grow.
        let gaps: Vec<i64> = (1..=12).map(|n| next_attempt(n, 0, 0).unwrap()).collect();
        assert!(gaps.windows(2).all(|w| w[0] <= w[1]), "{gaps:?}");
        // Past 36 h from creation: no more attempts.
        assert_eq!(next_attempt(12, 0, GIVE_UP_AFTER_MS), None);
        assert_eq!(next_attempt(1, 0, GIVE_UP_AFTER_MS + 1), None);
    }
}
