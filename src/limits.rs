//! Rate limits: a sliding-window counter, the arithmetic behind every limit of the public API and of the engine's
//! Programmable Rate Limits (Buckets). Plain Rust; the Worker keeps each counter in a Durable Object named by its
//! key, so a limit holds across isolates and concurrent requests.
//!
//! The window slides by weighting the previous fixed window by how much of it still overlaps (Cloudflare's own
//! approximation): `previous × (1 − elapsed / window) + current`. It never lets a burst at a window's edge through
//! twice, keeps two numbers per key, and over-counts only when traffic is uneven within a window.

use serde::{Deserialize, Serialize};

/// One key's counter: the count of the fixed window that started at `start`, and of the one before.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlidingWindow {
    /// When the current fixed window started (ms since the epoch, a multiple of the window).
    pub start: u64,
    /// Hits in the current fixed window.
    pub current: u32,
    /// Hits in the fixed window before it.
    pub previous: u32,
}

/// What a hit on a limit decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// Whether the hit was let through (and counted).
    pub allowed: bool,
    /// When not allowed: how long until one more hit would be, in ms (at least 1).
    pub retry_after_ms: u64,
}

impl SlidingWindow {
    /// Moves the windows on to the one `now` falls in.
    fn roll(&mut self, now: u64, window_ms: u64) {
        let window_ms = window_ms.max(1);
        let start = now - now % window_ms;
        if start == self.start {
            return;
        }
        self.previous = if start.saturating_sub(self.start) == window_ms {
            self.current
        } else {
            0
        };
        self.current = 0;
        self.start = start;
    }

    /// The hits counted against `now`'s sliding window, before this one.
    pub fn estimate(&mut self, now: u64, window_ms: u64) -> f64 {
        self.roll(now, window_ms);
        let elapsed = (now - self.start) as f64 / window_ms.max(1) as f64;
        f64::from(self.previous) * (1.0 - elapsed) + f64::from(self.current)
    }

    /// Counts one hit if fewer than `max` were counted in the sliding window, else refuses it and says when to come
    /// back. A `max` of 0 refuses everything.
    pub fn take(&mut self, now: u64, window_ms: u64, max: u32) -> Decision {
        let window_ms = window_ms.max(1);
        // The epsilon absorbs float rounding in the weighting, so coming back exactly when told is enough.
        if max > 0 && self.estimate(now, window_ms) + 1.0 <= f64::from(max) + 1e-9 {
            self.current = self.current.saturating_add(1);
            return Decision {
                allowed: true,
                retry_after_ms: 0,
            };
        }
        Decision {
            allowed: false,
            retry_after_ms: self.retry_after(now, window_ms, max),
        }
    }

    /// What [`Self::take`] would decide at `now`, without counting anything.
    pub fn peek(&mut self, now: u64, window_ms: u64, max: u32) -> Decision {
        let decision = self.take(now, window_ms, max);
        if decision.allowed {
            self.refund(now, window_ms);
        }
        decision
    }

    /// Takes back a hit counted at `now` (when a later limit of the same request refused it).
    pub fn refund(&mut self, now: u64, window_ms: u64) {
        self.roll(now, window_ms);
        self.current = self.current.saturating_sub(1);
    }

    fn retry_after(&self, now: u64, window_ms: u64, max: u32) -> u64 {
        if max == 0 {
            return window_ms;
        }
        let w = window_ms as f64;
        let room = f64::from(max) - 1.0;
        let at = if f64::from(self.current) <= room {
            // The previous window's share must fade: previous × (1 − e/w) ≤ room − current.
            let need = room - f64::from(self.current);
            let previous = f64::from(self.previous).max(1.0);
            self.start as f64 + w * (1.0 - need / previous)
        } else {
            // Not in this window: in the next one, this window's count must fade to `room`.
            let current = f64::from(self.current).max(1.0);
            self.start as f64 + w + w * (1.0 - room / current)
        };
        ((at - now as f64).ceil() as u64).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lets_max_through_then_refuses_until_the_window_slides() {
        let mut w = SlidingWindow::default();
        let t0 = 1_000_000;
        for _ in 0..5 {
            assert!(w.take(t0, 60_000, 5).allowed);
        }
        let refused = w.take(t0 + 1, 60_000, 5);
        assert!(!refused.allowed);
        assert!(refused.retry_after_ms > 0);
        // Coming back when told lets one more through.
        let later = t0 + 1 + refused.retry_after_ms;
        assert!(w.take(later, 60_000, 5).allowed, "after {refused:?}");
        // Two windows on, everything has faded.
        let mut fresh = w;
        for _ in 0..5 {
            assert!(fresh.take(t0 + 180_000, 60_000, 5).allowed);
        }
    }

    #[test]
    fn no_double_burst_at_a_window_edge() {
        let mut w = SlidingWindow::default();
        let edge = 120_000;
        for _ in 0..10 {
            assert!(w.take(edge - 1, 60_000, 10).allowed);
        }
        assert!(
            !w.take(edge + 1, 60_000, 10).allowed,
            "the previous window still counts"
        );
    }

    #[test]
    fn refund_gives_the_hit_back() {
        let mut w = SlidingWindow::default();
        assert!(w.take(5, 1000, 1).allowed);
        assert!(!w.take(6, 1000, 1).allowed);
        w.refund(6, 1000);
        assert!(w.take(7, 1000, 1).allowed);
    }

    #[test]
    fn zero_max_refuses() {
        let mut w = SlidingWindow::default();
        let d = w.take(0, 1000, 0);
        assert!(!d.allowed);
        assert_eq!(d.retry_after_ms, 1000);
    }
}
