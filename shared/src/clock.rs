//! Clocks: the system clock for production, and a movable clock for tests and the local development mode.

use std::sync::Mutex;

use time::{Duration, OffsetDateTime};

use crate::ports::Clock;

/// Real time.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Real time shifted by an offset that can be set: it keeps running from wherever it was moved to.
/// The local runner's `POST /v1/dev/clock` and the tests use it.
#[derive(Debug, Default)]
pub struct MovableClock {
    offset: Mutex<Duration>,
    frozen: Mutex<Option<OffsetDateTime>>,
}

impl MovableClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// A clock stopped at `at` until it is moved again.
    pub fn frozen_at(at: OffsetDateTime) -> Self {
        let clock = Self::default();
        clock.freeze(at);
        clock
    }

    /// From now on the clock reads `at` and runs on from there.
    pub fn set(&self, at: OffsetDateTime) {
        *self.frozen.lock().expect("clock lock") = None;
        *self.offset.lock().expect("clock lock") = at - OffsetDateTime::now_utc();
    }

    /// The clock reads `at` and stands still.
    pub fn freeze(&self, at: OffsetDateTime) {
        *self.frozen.lock().expect("clock lock") = Some(at);
    }

    /// Move the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut frozen = self.frozen.lock().expect("clock lock");
        match frozen.as_mut() {
            Some(at) => *at += by,
            None => *self.offset.lock().expect("clock lock") += by,
        }
    }
}

impl Clock for MovableClock {
    fn now(&self) -> OffsetDateTime {
        if let Some(at) = *self.frozen.lock().expect("clock lock") {
            return at;
        }
        OffsetDateTime::now_utc() + *self.offset.lock().expect("clock lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_frozen_clock_stands_still_until_advanced() {
        let clock = MovableClock::frozen_at(datetime!(2026-04-15 02:00 UTC));
        assert_eq!(clock.now(), datetime!(2026-04-15 02:00 UTC));
        clock.advance(Duration::hours(3));
        assert_eq!(clock.now(), datetime!(2026-04-15 05:00 UTC));
    }

    #[test]
    fn a_set_clock_runs_on_from_the_new_time() {
        let clock = MovableClock::new();
        clock.set(datetime!(2030-01-01 00:00 UTC));
        let read = clock.now();
        assert!(read >= datetime!(2030-01-01 00:00 UTC));
        assert!(read < datetime!(2030-01-01 00:01 UTC));
    }
}
