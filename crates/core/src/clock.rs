//! The time, as a port: code that waits, expires or opens a breaker takes a [`Clock`], so a
//! test can move time on instead of sleeping.

use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

/// `t` as the API writes times: RFC 3339 (`2026-12-06T08:00:00Z`).
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A Unix time in seconds as [`rfc3339`] writes it (empty when out of range).
pub fn unix_rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix).map(rfc3339).unwrap_or_default()
}

pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;

    fn unix_now(&self) -> i64 {
        self.now().unix_timestamp()
    }
}

/// The real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Time that moves only when told to, for tests.
#[derive(Debug)]
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    pub fn at(start: OffsetDateTime) -> Self {
        Self(Mutex::new(start))
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
