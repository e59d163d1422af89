//! Rate limits on guessing: counters in the table, one per (limit, subject), each living for its
//! window (a fixed window that starts at the first hit and ends by TTL). Subjects are hashed, so
//! the table holds no e-mail addresses or IPs in its keys.

use std::sync::Arc;
use std::time::Duration;

use r2w_core::Error;
use r2w_core::clock::Clock;
use r2w_core::records::versioned::{self, Attempt};
use r2w_core::store::{Expect, Item, ItemKey, Table};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub name: &'static str,
    pub max: u32,
    pub window: Duration,
}

const FIFTEEN_MINUTES: Duration = Duration::from_secs(15 * 60);

/// Wrong passwords for one address: 5 per 15 minutes, then that address waits.
pub const LOGIN_FAILURES_PER_EMAIL: Limit = Limit { name: "login-email", max: 5, window: FIFTEEN_MINUTES };
/// Wrong passwords from one address on the internet, for any accounts (offices share an IP).
pub const LOGIN_FAILURES_PER_IP: Limit = Limit { name: "login-ip", max: 20, window: FIFTEEN_MINUTES };
/// Registration attempts from one IP (also what probing for registered addresses costs).
pub const REGISTRATIONS_PER_IP: Limit = Limit { name: "register-ip", max: 10, window: Duration::from_secs(3600) };
/// Registration attempts for one address.
pub const REGISTRATIONS_PER_EMAIL: Limit = Limit { name: "register-email", max: 5, window: FIFTEEN_MINUTES };

/// Password-reset mails asked for one address.
pub const RESET_REQUESTS_PER_EMAIL: Limit = Limit { name: "reset-email", max: 3, window: Duration::from_secs(3600) };
/// Password-reset requests from one IP, for any addresses.
pub const RESET_REQUESTS_PER_IP: Limit = Limit { name: "reset-ip", max: 20, window: Duration::from_secs(3600) };
/// Verification mails (resent, or for a new address) one account may ask for.
pub const VERIFICATION_MAILS_PER_USER: Limit = Limit { name: "verify-user", max: 5, window: Duration::from_secs(3600) };
/// Wrong two-factor codes for one account. A million codes with three accepted at a time:
/// 480 tries a day give a guesser about one chance in 700 a day, and each failure is logged.
pub const SECOND_FACTOR_FAILURES_PER_USER: Limit = Limit { name: "2fa-user", max: 5, window: FIFTEEN_MINUTES };

#[derive(Serialize, Deserialize)]
struct Counter {
    count: u32,
}

pub struct RateLimiter {
    table: Arc<dyn Table>,
    clock: Arc<dyn Clock>,
}

impl RateLimiter {
    pub fn new(table: Arc<dyn Table>, clock: Arc<dyn Clock>) -> Self {
        Self { table, clock }
    }

    /// [`Error::RateLimited`] (with how long to wait) once `subject` has used up `limit`.
    pub async fn check(&self, limit: Limit, subject: &str) -> Result<(), Error> {
        let Some(item) = self.live(&key(limit, subject)).await? else { return Ok(()) };
        if item.data_as::<Counter>()?.count < limit.max {
            return Ok(());
        }
        let retry_after_secs = item.expires_at.map_or(limit.window.as_secs() as i64, |t| t - self.clock.unix_now());
        Err(Error::RateLimited { retry_after_secs: retry_after_secs.max(1) as u64 })
    }

    /// Counts one event for `subject`.
    pub async fn hit(&self, limit: Limit, subject: &str) -> Result<(), Error> {
        let key = key(limit, subject);
        versioned::update(self.table.as_ref(), &key, "a rate-limit counter".into(), |read| {
            let now = self.clock.unix_now();
            let next = match &read {
                Some(item) if !item.is_expired(now) => {
                    let count = item.data_as::<Counter>()?.count.saturating_add(1);
                    let mut next = Item::with_data(key.clone(), &Counter { count })?;
                    next.expires_at = item.expires_at;
                    next
                }
                // A window that has ended (even if the table has not purged it) starts over.
                _ => {
                    let expires_at = now + limit.window.as_secs() as i64;
                    Item::with_data(key.clone(), &Counter { count: 1 })?.expiring_at(expires_at)
                }
            };
            Ok::<_, Error>(Attempt::replace(read.as_ref(), next, ()))
        })
        .await
    }

    /// The counter at `key` unless its window has ended by our clock.
    async fn live(&self, key: &ItemKey) -> Result<Option<Item>, Error> {
        let now = self.clock.unix_now();
        Ok(self.table.get(key).await?.filter(|item| !item.is_expired(now)))
    }

    /// Forgets `subject`'s events (after a successful sign-in, its failures no longer count).
    pub async fn clear(&self, limit: Limit, subject: &str) -> Result<(), Error> {
        Ok(self.table.delete(&key(limit, subject), Expect::Anything).await?)
    }
}

fn key(limit: Limit, subject: &str) -> ItemKey {
    let digest: String = Sha256::digest(subject.as_bytes())[..16].iter().map(|b| format!("{b:02x}")).collect();
    ItemKey::new(format!("RATE#{}#{digest}", limit.name), "RATE")
}

#[cfg(test)]
mod tests {
    use r2w_core::clock::ManualClock;
    use r2w_embedded::SqliteTable;
    use time::OffsetDateTime;

    use super::*;

    #[tokio::test]
    async fn a_subject_waits_out_its_window_once_the_limit_is_used() {
        let clock = Arc::new(ManualClock::at(OffsetDateTime::now_utc()));
        let limiter = RateLimiter::new(Arc::new(SqliteTable::in_memory().expect("table")), clock.clone());
        let limit = LOGIN_FAILURES_PER_EMAIL;
        for _ in 0..limit.max {
            limiter.check(limit, "ada@example.com").await.expect("not yet");
            limiter.hit(limit, "ada@example.com").await.expect("counted");
        }
        clock.advance(Duration::from_secs(60));
        let Err(Error::RateLimited { retry_after_secs }) = limiter.check(limit, "ada@example.com").await else {
            panic!("the sixth try must wait")
        };
        assert_eq!(retry_after_secs, 14 * 60, "until the window that began at the first failure ends");
        limiter.check(limit, "grace@example.com").await.expect("others are not affected");
        limiter.check(LOGIN_FAILURES_PER_IP, "ada@example.com").await.expect("limits are separate");

        clock.advance(Duration::from_secs(14 * 60));
        limiter.check(limit, "ada@example.com").await.expect("the window has passed");
        limiter.hit(limit, "ada@example.com").await.expect("counted");
        limiter.clear(limit, "ada@example.com").await.expect("cleared");
        limiter.check(limit, "ada@example.com").await.expect("cleared");
    }
}
