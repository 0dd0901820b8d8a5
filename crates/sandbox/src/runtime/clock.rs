//! The virtual clock: real time plus an offset that tests can advance. Container expiry, the
//! publishing-quota window, token expiry and video processing all read this clock, so
//! advancing it by a day makes a day pass for all of them at once.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// How far the clock can be moved ahead of real time in all: 1,000 years, so every virtual
/// time stays a valid calendar date and no time arithmetic can overflow.
pub const MAX_OFFSET_MS: i64 = 1000 * 365 * 24 * 60 * 60 * 1000;

/// Milliseconds since the Unix epoch, as the sandbox sees them.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn with_offset(offset_ms: i64) -> Self {
        Clock {
            offset_ms: AtomicI64::new(offset_ms),
        }
    }

    /// The current virtual time in ms.
    pub fn now_ms(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        real.saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    /// The current virtual time in whole seconds.
    pub fn now_s(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Moves the clock forward by `ms` (>= 0) unless the offset would pass
    /// [`MAX_OFFSET_MS`]; returns the new offset (to persist), or `None` when refused.
    pub fn advance_ms(&self, ms: i64) -> Option<i64> {
        if ms < 0 {
            return None;
        }
        self.offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |o| {
                o.checked_add(ms).filter(|n| *n <= MAX_OFFSET_MS)
            })
            .ok()
            .map(|o| o + ms)
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    pub fn set_offset_ms(&self, ms: i64) {
        self.offset_ms.store(ms, Ordering::SeqCst);
    }
}
