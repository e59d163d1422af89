//! A circuit breaker around Claude, shared by every Lambda instance through the Table.
//!
//! Closed: calls go through and consecutive failures are counted. At `threshold` failures it
//! opens: for `open_for` no call is made (the heuristic extractor answers instead). Then it is
//! half-open: exactly one caller wins a conditional write and probes; its success closes the
//! breaker, its failure opens it again. The probe holds a lease, so a probe whose Lambda died
//! does not keep the breaker half-open forever.
//!
//! The breaker must never be the reason an extraction fails: when the Table cannot be read or
//! written, calls are let through and the problem is logged.

use std::sync::Arc;
use std::time::Duration;

use r2w_core::clock::Clock;
use r2w_core::records::versioned::{self, Attempt};
use r2w_core::store::{Item, ItemKey, Table, TableError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerPolicy {
    pub threshold: u32,
    pub open_for: Duration,
    /// How long one probe may take before another caller may probe instead.
    pub probe_lease: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        // The lease covers one Claude call with its retries (timeout 120 s).
        Self { threshold: 5, open_for: Duration::from_secs(60), probe_lease: Duration::from_secs(180) }
    }
}

/// Whether a call may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permit {
    /// The breaker is closed.
    Call,
    /// This caller is the one half-open probe.
    Probe,
    /// Open: do not call until `until` (unix seconds).
    Refused { until: i64 },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct State {
    failures: u32,
    /// Set while open or half-open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    open_until: Option<i64>,
    /// Set while a half-open probe is in flight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    probe_until: Option<i64>,
}

pub struct Breaker {
    table: Arc<dyn Table>,
    clock: Arc<dyn Clock>,
    policy: BreakerPolicy,
    key: ItemKey,
}

impl Breaker {
    /// A breaker named `name` (one per dependency, e.g. "anthropic").
    pub fn new(table: Arc<dyn Table>, clock: Arc<dyn Clock>, name: &str, policy: BreakerPolicy) -> Self {
        Self { table, clock, policy, key: ItemKey::new(format!("BREAKER#{name}"), "STATE") }
    }

    pub async fn permit(&self) -> Permit {
        self.change(|state, now| match (state.open_until, state.probe_until) {
            (None, _) => (Permit::Call, None),
            (Some(until), _) if now < until => (Permit::Refused { until }, None),
            (Some(_), Some(lease)) if now < lease => (Permit::Refused { until: lease }, None),
            (Some(_), _) => {
                let probing = State { probe_until: Some(now + secs(self.policy.probe_lease)), ..state.clone() };
                (Permit::Probe, Some(probing))
            }
        })
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "circuit breaker state unreadable; letting the call through");
            Permit::Call
        })
    }

    /// The call answered: the breaker closes (a write only when it was not already closed).
    pub async fn succeeded(&self) {
        let outcome = self.change(|state, _| ((), (*state != State::default()).then(State::default))).await;
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "could not record a successful call on the circuit breaker");
        }
    }

    /// The call failed after its retries.
    pub async fn failed(&self, permit: Permit) {
        let threshold = self.policy.threshold;
        let open_for = secs(self.policy.open_for);
        let outcome = self
            .change(|state, now| {
                let failures = state.failures.saturating_add(1);
                let already_open = state.open_until.is_some() && permit != Permit::Probe;
                let next = if already_open {
                    // A call let through before the breaker opened; the window stays as it is.
                    State { failures, ..state.clone() }
                } else if permit == Permit::Probe || failures >= threshold {
                    State { failures, open_until: Some(now + open_for), probe_until: None }
                } else {
                    State { failures, ..State::default() }
                };
                let opened = next.open_until.is_some() && !already_open;
                (opened, Some(next))
            })
            .await;
        match outcome {
            Ok(true) => tracing::warn!(open_for_secs = open_for, "circuit breaker opened"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "could not record a failed call on the circuit breaker"),
        }
    }

    /// Reads the state, lets `decide` return a result and maybe a new state, and writes that
    /// state only if nobody else wrote in between (retrying otherwise).
    async fn change<T>(&self, mut decide: impl FnMut(&State, i64) -> (T, Option<State>)) -> Result<T, TableError> {
        versioned::update(self.table.as_ref(), &self.key, "circuit breaker state".into(), |read| {
            let state = read.as_ref().map(Item::data_as::<State>).transpose()?.unwrap_or_default();
            match decide(&state, self.clock.unix_now()) {
                (result, None) => Ok(Attempt::Done(result)),
                (result, Some(next)) => {
                    Ok(Attempt::replace(read.as_ref(), Item::with_data(self.key.clone(), &next)?, result))
                }
            }
        })
        .await
    }
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use r2w_core::clock::ManualClock;
    use r2w_embedded::SqliteTable;
    use time::OffsetDateTime;

    use super::*;

    fn breaker() -> (Breaker, Arc<ManualClock>, Arc<dyn Table>) {
        let table: Arc<dyn Table> = Arc::new(SqliteTable::in_memory().expect("table"));
        let clock = Arc::new(ManualClock::at(OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)));
        let breaker = Breaker::new(Arc::clone(&table), clock.clone(), "test", BreakerPolicy::default());
        (breaker, clock, table)
    }

    #[tokio::test]
    async fn five_failures_open_it_for_a_minute_then_one_probe_decides() {
        let (breaker, clock, _) = breaker();
        for _ in 0..4 {
            assert_eq!(breaker.permit().await, Permit::Call);
            breaker.failed(Permit::Call).await;
        }
        assert_eq!(breaker.permit().await, Permit::Call, "four failures leave it closed");
        breaker.failed(Permit::Call).await;
        assert!(matches!(breaker.permit().await, Permit::Refused { .. }), "the fifth opens it");

        clock.advance(Duration::from_secs(59));
        assert!(matches!(breaker.permit().await, Permit::Refused { .. }));
        clock.advance(Duration::from_secs(1));
        assert_eq!(breaker.permit().await, Permit::Probe, "after 60 s one caller probes");
        assert!(matches!(breaker.permit().await, Permit::Refused { .. }), "only one");

        breaker.failed(Permit::Probe).await;
        assert!(matches!(breaker.permit().await, Permit::Refused { .. }), "a failed probe reopens it");
        clock.advance(Duration::from_secs(60));
        assert_eq!(breaker.permit().await, Permit::Probe);
        breaker.succeeded().await;
        assert_eq!(breaker.permit().await, Permit::Call, "a good probe closes it");
        breaker.failed(Permit::Call).await;
        assert_eq!(breaker.permit().await, Permit::Call, "and the count starts again");
    }

    #[tokio::test]
    async fn a_success_resets_the_count_and_a_lost_probe_expires() {
        let (breaker, clock, _) = breaker();
        for _ in 0..4 {
            breaker.failed(Permit::Call).await;
        }
        breaker.succeeded().await;
        breaker.failed(Permit::Call).await;
        assert_eq!(breaker.permit().await, Permit::Call, "failures must be consecutive");

        for _ in 0..5 {
            breaker.failed(Permit::Call).await;
        }
        clock.advance(Duration::from_secs(60));
        assert_eq!(breaker.permit().await, Permit::Probe);
        clock.advance(BreakerPolicy::default().probe_lease);
        assert_eq!(breaker.permit().await, Permit::Probe, "a probe that never reported is replaced");
    }

    #[tokio::test]
    async fn instances_share_the_state_and_race_for_one_probe() {
        let (breaker, clock, table) = breaker();
        let other = Breaker::new(table, clock.clone(), "test", BreakerPolicy::default());
        for _ in 0..5 {
            other.failed(Permit::Call).await;
        }
        assert!(matches!(breaker.permit().await, Permit::Refused { .. }), "opened by another instance");
        clock.advance(Duration::from_secs(60));
        let (a, b) = tokio::join!(breaker.permit(), other.permit());
        let probes = [a, b].iter().filter(|p| **p == Permit::Probe).count();
        assert_eq!(probes, 1, "{a:?} {b:?}");
    }
}
