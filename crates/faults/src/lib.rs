//! Fault injection: wrappers over the Table, Blobs and Pipeline ports that fail a set share of
//! calls the way the real services fail — throttled (nothing done), timed out before the call
//! reached the service (nothing done), or the reply lost after the service acted (done, but the
//! caller sees an error). The last is the one that tests idempotency: every retry of a write
//! that "failed" may be its second application. The LLM fails the same way at its HTTP edge
//! ([`Fault::http_status`]); see tests/tests/faults.rs.
//!
//! Faults strike each attempt; a call makes as many attempts as the client in front of the real
//! service would (the AWS SDK's standard mode: 3, with exponential backoff), so what reaches the
//! product is what survives its client — including a retried write that meets its own first
//! application (a create that finds its item, a conditional write that finds a newer version).
//! One attempt exposes every fault.
//!
//! The rate can change at run time, so a scenario can set up cleanly, run under faults, and
//! check the outcome cleanly; draws come from a seeded generator, so a failing run repeats.
//!
//! Only tests and `infra/local` (its server can run under faults for them) use this crate.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

use r2w_core::error::Detail;
use r2w_core::pipeline::{Pipeline, PipelineRun};
use r2w_core::store::{
    Blob, BlobError, BlobKey, BlobMeta, BlobSummary, Blobs, Expect, Item, ItemKey, Page, PresignPut, PresignedRequest,
    PutOptions, Query, Table, TableError, TransactOp,
};
use r2w_core::{App, Error};

/// `app` with its table and stores failing as `faults` says; the pipeline a process builds
/// over it is wrapped with [`FaultyPipeline`] by whoever builds it.
pub fn with_faults(app: &App, faults: &Arc<Faults>) -> App {
    App {
        table: Arc::new(FaultyTable::new(Arc::clone(&app.table), Arc::clone(faults))),
        uploads: Arc::new(FaultyBlobs::new(Arc::clone(&app.uploads), Arc::clone(faults))),
        sites: Arc::new(FaultyBlobs::new(Arc::clone(&app.sites), Arc::clone(faults))),
        ..app.clone()
    }
}

/// How an injected failure shows itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Refused at once; nothing was done.
    Throttled,
    /// No answer within the caller's patience; nothing was done.
    TimedOut,
    /// The service acted, then the answer was lost on its way back.
    LostReply,
}

impl Fault {
    /// The HTTP answer an API gives for this fault (used by fake HTTP services).
    pub fn http_status(self) -> u16 {
        match self {
            Self::Throttled => 429,
            Self::TimedOut => 504,
            Self::LostReply => 503,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Throttled => "injected fault: throttled",
            Self::TimedOut => "injected fault: timed out",
            Self::LostReply => "injected fault: reply lost after the call took effect",
        }
    }
}

/// The dice: a failure rate (0 to 1) and a seeded generator, shared by every wrapper of a run.
pub struct Faults {
    /// The rate in millionths, so it can change while calls are in flight.
    rate_ppm: AtomicU64,
    rng: Mutex<fastrand::Rng>,
    injected: AtomicU64,
    /// How long a timed-out attempt keeps its caller waiting.
    timeout: Duration,
    attempts: u32,
}

/// The AWS SDK's standard retry mode: 3 attempts.
pub const SDK_ATTEMPTS: u32 = 3;

impl Faults {
    /// Faults at `rate` per attempt, behind a client making [`SDK_ATTEMPTS`] attempts.
    pub fn new(rate: f64, seed: u64) -> Arc<Self> {
        Self::with_attempts(rate, seed, SDK_ATTEMPTS)
    }

    /// Faults at `rate` per attempt, behind a client making `attempts` attempts (at least one).
    pub fn with_attempts(rate: f64, seed: u64, attempts: u32) -> Arc<Self> {
        let faults = Self {
            rate_ppm: AtomicU64::new(0),
            rng: Mutex::new(fastrand::Rng::with_seed(seed)),
            injected: AtomicU64::new(0),
            timeout: Duration::from_millis(50),
            attempts: attempts.max(1),
        };
        faults.set_rate(rate);
        Arc::new(faults)
    }

    pub fn set_rate(&self, rate: f64) {
        self.rate_ppm.store((rate.clamp(0.0, 1.0) * 1e6) as u64, Ordering::SeqCst);
    }

    /// How many faults have been injected so far.
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::SeqCst)
    }

    /// Whether this call fails, and how.
    pub fn draw(&self) -> Option<Fault> {
        let rate = self.rate_ppm.load(Ordering::SeqCst);
        if rate == 0 {
            return None;
        }
        let (roll, kind) = {
            let mut rng = self.rng.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            (rng.u64(0..1_000_000), rng.u8(0..3))
        };
        if roll >= rate {
            return None;
        }
        self.injected.fetch_add(1, Ordering::SeqCst);
        Some(match kind {
            0 => Fault::Throttled,
            1 => Fault::TimedOut,
            _ => Fault::LostReply,
        })
    }

    /// Runs `call` as the client would: each attempt under a draw — an error before it
    /// (throttled, timed out) or after it (the reply lost), or its own result — and a fault
    /// retried after a backoff until the attempts run out.
    async fn around<T, E, Fut>(&self, mut call: impl FnMut() -> Fut, error: impl Fn(Detail) -> E) -> Result<T, E>
    where
        Fut: Future<Output = Result<T, E>>,
    {
        let mut attempt = 1;
        loop {
            let fault = match self.draw() {
                None => return call().await,
                Some(fault @ Fault::Throttled) => fault,
                Some(fault @ Fault::TimedOut) => {
                    tokio::time::sleep(self.timeout).await;
                    fault
                }
                Some(fault @ Fault::LostReply) => {
                    let _ = call().await;
                    fault
                }
            };
            if attempt >= self.attempts {
                return Err(error(fault.describe().into()));
            }
            tokio::time::sleep(Duration::from_millis(10 << attempt)).await;
            attempt += 1;
        }
    }
}

/// A [`Table`] whose calls fail at the rate of its [`Faults`].
pub struct FaultyTable {
    inner: Arc<dyn Table>,
    faults: Arc<Faults>,
}

impl FaultyTable {
    pub fn new(inner: Arc<dyn Table>, faults: Arc<Faults>) -> Self {
        Self { inner, faults }
    }
}

#[async_trait]
impl Table for FaultyTable {
    async fn get(&self, key: &ItemKey) -> Result<Option<Item>, TableError> {
        self.faults.around(|| self.inner.get(key), TableError::Unavailable).await
    }
    async fn put(&self, item: Item, expect: Expect) -> Result<(), TableError> {
        self.faults.around(|| self.inner.put(item.clone(), expect), TableError::Unavailable).await
    }
    async fn delete(&self, key: &ItemKey, expect: Expect) -> Result<(), TableError> {
        self.faults.around(|| self.inner.delete(key, expect), TableError::Unavailable).await
    }
    async fn query(&self, query: Query) -> Result<Page, TableError> {
        self.faults.around(|| self.inner.query(query.clone()), TableError::Unavailable).await
    }
    async fn transact(&self, ops: Vec<TransactOp>) -> Result<(), TableError> {
        self.faults.around(|| self.inner.transact(ops.clone()), TableError::Unavailable).await
    }
    async fn forget_deleted(&self) -> Result<(), TableError> {
        self.inner.forget_deleted().await
    }
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
}

/// [`Blobs`] whose calls fail at the rate of its [`Faults`]. Presigning is local computation
/// (no call to the service), so it never fails.
pub struct FaultyBlobs {
    inner: Arc<dyn Blobs>,
    faults: Arc<Faults>,
}

impl FaultyBlobs {
    pub fn new(inner: Arc<dyn Blobs>, faults: Arc<Faults>) -> Self {
        Self { inner, faults }
    }
}

#[async_trait]
impl Blobs for FaultyBlobs {
    async fn put(&self, key: &BlobKey, body: Bytes, options: PutOptions) -> Result<(), BlobError> {
        self.faults.around(|| self.inner.put(key, body.clone(), options.clone()), BlobError::Unavailable).await
    }
    async fn get(&self, key: &BlobKey) -> Result<Blob, BlobError> {
        self.faults.around(|| self.inner.get(key), BlobError::Unavailable).await
    }
    async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError> {
        self.faults.around(|| self.inner.head(key), BlobError::Unavailable).await
    }
    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        self.faults.around(|| self.inner.delete(key), BlobError::Unavailable).await
    }
    async fn list(&self, prefix: &str) -> Result<Vec<BlobSummary>, BlobError> {
        self.faults.around(|| self.inner.list(prefix), BlobError::Unavailable).await
    }
    async fn erase(&self, prefix: &str) -> Result<usize, BlobError> {
        self.faults.around(|| self.inner.erase(prefix), BlobError::Unavailable).await
    }
    async fn copy(&self, from: &BlobKey, to: &BlobKey) -> Result<(), BlobError> {
        self.faults.around(|| self.inner.copy(from, to), BlobError::Unavailable).await
    }
    async fn presign_put(&self, key: &BlobKey, request: PresignPut) -> Result<PresignedRequest, BlobError> {
        self.inner.presign_put(key, request).await
    }
    async fn presign_get(&self, key: &BlobKey, expires_in: Duration) -> Result<PresignedRequest, BlobError> {
        self.inner.presign_get(key, expires_in).await
    }
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
}

/// A [`Pipeline`] whose starts fail at the rate of its [`Faults`].
pub struct FaultyPipeline {
    inner: Arc<dyn Pipeline>,
    faults: Arc<Faults>,
}

impl FaultyPipeline {
    pub fn new(inner: Arc<dyn Pipeline>, faults: Arc<Faults>) -> Self {
        Self { inner, faults }
    }
}

#[async_trait]
impl Pipeline for FaultyPipeline {
    async fn start(&self, run: PipelineRun) -> Result<bool, Error> {
        self.faults
            .around(|| self.inner.start(run.clone()), |fault| Error::unavailable("starting the pipeline", fault))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use r2w_embedded::SqliteTable;

    #[test]
    fn the_rate_is_kept_and_draws_repeat_with_the_seed() {
        let draws = |seed| {
            let faults = Faults::new(0.1, seed);
            (0..10_000).map(|_| faults.draw()).collect::<Vec<_>>()
        };
        let first = draws(7);
        assert_eq!(first, draws(7), "same seed, same faults");
        let failed = first.iter().flatten().count();
        assert!((800..1200).contains(&failed), "about 10 % of 10,000: {failed}");
        for kind in [Fault::Throttled, Fault::TimedOut, Fault::LostReply] {
            assert!(first.iter().flatten().filter(|f| **f == kind).count() > 200, "{kind:?} is drawn");
        }
        let none = Faults::new(0.0, 7);
        assert!((0..1000).all(|_| none.draw().is_none()));
        assert_eq!(none.injected(), 0);
    }

    #[tokio::test]
    async fn a_lost_reply_is_a_write_that_happened() {
        let faults = Faults::with_attempts(1.0, 1, 1);
        let table = FaultyTable::new(Arc::new(SqliteTable::in_memory().expect("table")), Arc::clone(&faults));
        let key = ItemKey::new("A", "B");
        let mut lost = 0;
        for _ in 0..30 {
            let outcome = table.put(Item::new(key.clone()), Expect::Anything).await;
            assert!(matches!(outcome, Err(TableError::Unavailable(_))), "every call fails at rate 1");
            faults.set_rate(0.0);
            lost += usize::from(table.get(&key).await.expect("get").is_some());
            table.delete(&key, Expect::Anything).await.expect("delete");
            faults.set_rate(1.0);
        }
        assert!(lost > 0 && lost < 30, "only lost replies wrote: {lost} of 30");
        assert_eq!(faults.injected(), 30);
    }

    #[tokio::test]
    async fn the_client_retries_what_an_attempt_loses() {
        // Every other attempt fails: three attempts always get through.
        let faults = Faults::new(0.5, 3);
        let table = FaultyTable::new(Arc::new(SqliteTable::in_memory().expect("table")), Arc::clone(&faults));
        let mut failed = 0;
        for i in 0..200 {
            let key = ItemKey::new("A", format!("{i}"));
            match table.put(Item::new(key), Expect::Absent).await {
                Ok(()) => {}
                // A lost first reply: the retry finds the item its first attempt wrote.
                Err(TableError::ConditionFailed { .. }) => {}
                Err(TableError::Unavailable(_)) => failed += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert!((5..60).contains(&failed), "about 1 in 8 calls loses all three attempts: {failed}");
    }
}
