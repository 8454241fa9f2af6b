//! Sliding windows on the simulator clock: per-API minute quotas and the peak-rate counters.

use std::collections::VecDeque;

/// Calls within the last `span_ms` milliseconds.
#[derive(Debug, Clone)]
pub(crate) struct Window {
    hits: VecDeque<i64>,
    span_ms: i64,
}

impl Window {
    pub fn new(span_ms: i64) -> Self {
        Self {
            hits: VecDeque::new(),
            span_ms,
        }
    }

    pub fn count(&mut self, now_ms: i64) -> usize {
        while self
            .hits
            .front()
            .is_some_and(|&t| t <= now_ms - self.span_ms)
        {
            self.hits.pop_front();
        }
        self.hits.len()
    }

    /// Records a call and returns the count including it.
    pub fn push(&mut self, now_ms: i64) -> usize {
        self.hits.push_back(now_ms);
        self.count(now_ms)
    }

    /// Forgets everything: the clock jumped, and old hits would count forever.
    pub fn clear(&mut self) {
        self.hits.clear();
    }
}

/// The UTC+8 day number of a unix second, since WeCom's daily quota follows Beijing days.
pub(crate) fn beijing_day(unix_seconds: i64) -> i64 {
    (unix_seconds + 8 * 3600).div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides() {
        let mut w = Window::new(60_000);
        assert_eq!(w.push(0), 1);
        assert_eq!(w.push(59_999), 2);
        assert_eq!(w.count(60_000), 1);
        assert_eq!(w.count(120_000), 0);
    }

    #[test]
    fn beijing_midnight() {
        // 2027-03-01T16:00:00Z is midnight in Beijing.
        let midnight = 1_803_916_800;
        assert_eq!(beijing_day(midnight - 1) + 1, beijing_day(midnight));
    }
}
