//! The state machine run in-process: what Step Functions does in the cloud, where there is no
//! Step Functions (`r2w serve`, `cargo lambda watch`). It runs the same states (Route, Extract,
//! BuildPortfolio) with the retry policy and catch read from the state machine's own definition
//! (`infra/statemachine/pipeline.asl.json`), so the two cannot drift, and it names runs like
//! Step Functions does: one per name for 90 days.
//!
//! How a task is called is the [`Tasks`] port: in the same process (`r2w serve`), or through
//! the Lambda Invoke API of the task functions (`cargo lambda watch`, see [`crate::invoke`]).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;

use r2w_core::clock::Clock;
use r2w_core::metrics::{self, Unit};
use r2w_core::model::{CvId, JobId, JobStatus, Step, UserId};
use r2w_core::pipeline::{Pipeline, PipelineInput, PipelineRun};
use r2w_core::records::jobs;
use r2w_core::store::{Expect, Item, ItemKey, TableError};
use r2w_core::{App, Error};

pub const DEFINITION: &str = include_str!("../../../infra/statemachine/pipeline.asl.json");
/// Step Functions keeps an execution's name taken for 90 days.
const RUN_NAME_LIFETIME: Duration = Duration::from_secs(90 * 24 * 3600);
/// Attempts at recording a run's failure on its job.
const RECORD_ATTEMPTS: u32 = 4;
const GENERIC_FAILURE: &str = "Something went wrong on our side while making your site. Please upload the CV again.";

/// The two task states. An error is its name as Step Functions sees it (`Extract.Transient`,
/// `Lambda.ServiceException`), which is what the retry rules match.
#[async_trait]
pub trait Tasks: Send + Sync + 'static {
    /// The Extract state: the run's input in, the stored CV's id out.
    async fn extract(&self, input: &PipelineInput) -> Result<CvId, String>;
    /// The BuildPortfolio state: builds `cv` into the job's preview site.
    async fn build_portfolio(&self, job: &JobId, user: &UserId, cv: &CvId) -> Result<(), String>;
}

/// One `Retry` rule of a task state.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Retrier {
    pub error_equals: Vec<String>,
    #[serde(default = "one")]
    pub interval_seconds: f64,
    #[serde(default = "three")]
    pub max_attempts: u32,
    #[serde(default = "two")]
    pub backoff_rate: f64,
    #[serde(default)]
    pub max_delay_seconds: Option<f64>,
    #[serde(default)]
    pub jitter_strategy: Option<String>,
}

// The defaults of the Amazon States Language.
fn one() -> f64 {
    1.0
}
fn three() -> u32 {
    3
}
fn two() -> f64 {
    2.0
}

impl Retrier {
    fn matches(&self, error: &str) -> bool {
        self.error_equals.iter().any(|e| e == error || e == "States.ALL" || e == "States.TaskFailed")
    }

    /// The wait before retry number `retry` (1-based), as the ASL defines it.
    pub fn delay(&self, retry: u32) -> Duration {
        let mut seconds = self.interval_seconds * self.backoff_rate.powi(retry.saturating_sub(1) as i32);
        if let Some(max) = self.max_delay_seconds {
            seconds = seconds.min(max);
        }
        if self.jitter_strategy.as_deref() == Some("FULL") {
            let mut byte = [0u8; 1];
            let fraction = getrandom::fill(&mut byte).map_or(1.0, |()| f64::from(byte[0]) / 255.0);
            seconds *= fraction;
        }
        Duration::from_secs_f64(seconds.max(0.0))
    }
}

/// The retry rules of the two task states.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub extract: Vec<Retrier>,
    pub build_portfolio: Vec<Retrier>,
}

impl Policy {
    /// The policy of the checked-in state machine.
    pub fn of_state_machine() -> Result<Self, Error> {
        Self::from_definition(DEFINITION)
    }

    pub fn from_definition(definition: &str) -> Result<Self, Error> {
        #[derive(Deserialize)]
        struct State {
            #[serde(rename = "Retry", default)]
            retry: Vec<Retrier>,
        }
        #[derive(Deserialize)]
        struct Machine {
            #[serde(rename = "States")]
            states: std::collections::HashMap<String, serde_json::Value>,
        }
        let machine: Machine = serde_json::from_str(definition).map_err(|e| Error::internal("the state machine", e))?;
        let retries = |name: &str| -> Result<Vec<Retrier>, Error> {
            let state = machine.states.get(name).ok_or_else(|| Error::Internal(format!("no state {name}")))?;
            let state: State =
                serde_json::from_value(state.clone()).map_err(|e| Error::internal(format!("the state {name}"), e))?;
            Ok(state.retry)
        };
        Ok(Self {
            extract: retries(Step::Extract.state_name())?,
            build_portfolio: retries(Step::BuildPortfolio.state_name())?,
        })
    }
}

/// The record of a run's name: which start call took it.
#[derive(Debug, PartialEq, Eq, serde::Serialize, Deserialize)]
struct RunClaim {
    start: String,
}

/// The Pipeline adapter that runs the state machine itself, over `T`'s tasks.
pub struct Runner<T> {
    app: App,
    tasks: Arc<T>,
    clock: Arc<dyn Clock>,
    policy: Arc<Policy>,
}

impl<T> Clone for Runner<T> {
    fn clone(&self) -> Self {
        Self {
            app: self.app.clone(),
            tasks: Arc::clone(&self.tasks),
            clock: Arc::clone(&self.clock),
            policy: Arc::clone(&self.policy),
        }
    }
}

impl<T: Tasks> Runner<T> {
    pub fn new(app: App, tasks: T, clock: Arc<dyn Clock>) -> Result<Self, Error> {
        Ok(Self { app, tasks: Arc::new(tasks), clock, policy: Arc::new(Policy::of_state_machine()?) })
    }

    /// The run itself: Extract, then BuildPortfolio, each retried by the policy; what the
    /// Catch does when a step gives up (records the failure unless the task already did).
    pub async fn execute(&self, run: PipelineRun) {
        let input = run.input;
        // The state machine's first state: a run with a CV only builds.
        let cv_id = match &input.cv_id {
            Some(cv_id) => cv_id.clone(),
            None => match retrying(&self.policy.extract, || self.tasks.extract(&input)).await {
                Ok(cv_id) => cv_id,
                Err(error) => return self.record_failure(&input, Step::Extract, error).await,
            },
        };
        let built = retrying(&self.policy.build_portfolio, || {
            self.tasks.build_portfolio(&input.job_id, &input.user_id, &cv_id)
        })
        .await;
        if let Err(error) = built {
            self.record_failure(&input, Step::BuildPortfolio, error).await;
        }
    }

    async fn record_failure(&self, input: &PipelineInput, step: Step, error: String) {
        let job = &input.job_id;
        tracing::warn!(job = %job, error, "pipeline run failed");
        // What Step Functions' Catch does is itself retried (a DynamoDB task with its Retry);
        // past that the job is left to be failed as stalled.
        for attempt in 0..RECORD_ATTEMPTS {
            let now = self.clock.now();
            let mut caught = false;
            let recorded = jobs::update(self.app.table.as_ref(), &input.user_id, job, now, |job| {
                caught = job.status != JobStatus::Failed;
                if caught {
                    job.fail_step(step, error.clone(), GENERIC_FAILURE, now);
                }
            })
            .await;
            match recorded {
                Ok(_) => {
                    // A task that failed for good counted its own outcome.
                    if caught {
                        let outcome = [("Outcome", "failed"), ("Step", step.state_name())];
                        metrics::emit("PipelineOutcome", 1.0, Unit::Count, &outcome);
                    }
                    return;
                }
                Err(e) if attempt + 1 == RECORD_ATTEMPTS => {
                    tracing::error!(job = %job, error = %e, "could not record a failed run");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200 << attempt)).await,
            }
        }
    }
}

async fn retrying<T, F, Fut>(rules: &[Retrier], mut attempt: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let mut retries = vec![0u32; rules.len()];
    loop {
        let error = match attempt().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let Some((i, rule)) = rules.iter().enumerate().find(|(_, r)| r.matches(&error)) else { return Err(error) };
        if retries[i] >= rule.max_attempts {
            return Err(error);
        }
        retries[i] += 1;
        tokio::time::sleep(rule.delay(retries[i])).await;
    }
}

#[async_trait]
impl<T: Tasks> Pipeline for Runner<T> {
    async fn start(&self, run: PipelineRun) -> Result<bool, Error> {
        let expires_at = self.clock.unix_now() + RUN_NAME_LIFETIME.as_secs() as i64;
        let key = ItemKey::new(format!("EXECUTION#{}", run.name), "EXECUTION");
        // Which start took the name: a retried write whose first reply was lost finds the name
        // taken by itself, and must still run.
        let claim = RunClaim { start: uuid::Uuid::new_v4().simple().to_string() };
        match self.app.table.put(Item::with_data(key.clone(), &claim)?.expiring_at(expires_at), Expect::Absent).await {
            Ok(()) => {}
            Err(TableError::ConditionFailed { .. }) => {
                let holder = self.app.table.get(&key).await?.map(|item| item.data_as::<RunClaim>()).transpose();
                if !matches!(holder, Ok(Some(held)) if held == claim) {
                    return Ok(false);
                }
            }
            Err(e) => return Err(e.into()),
        }
        let runner = self.clone();
        let span = r2w_core::telemetry::job_span(run.input.job_id.as_str());
        tokio::spawn(tracing::Instrument::instrument(async move { runner.execute(run).await }, span));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use r2w_core::Config;
    use r2w_core::clock::SystemClock;
    use r2w_core::model::Job;
    use r2w_core::secrets::EnvSecrets;

    /// Extract succeeds; BuildPortfolio fails every time with `error`.
    struct FailingBuild {
        error: &'static str,
        builds: Arc<AtomicU32>,
    }

    #[async_trait]
    impl Tasks for FailingBuild {
        async fn extract(&self, input: &PipelineInput) -> Result<CvId, String> {
            Ok(CvId::parse(input.job_id.as_str()).expect("id"))
        }
        async fn build_portfolio(&self, _: &JobId, _: &UserId, _: &CvId) -> Result<(), String> {
            self.builds.fetch_add(1, Ordering::SeqCst);
            Err(self.error.to_owned())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_step_that_gives_up_is_recorded_on_the_job_as_the_catch_does() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = crate::app(Config::embedded(dir.path()), dir.path(), EnvSecrets::from_vars([])).await.expect("app");
        let builds = Arc::new(AtomicU32::new(0));
        let tasks = FailingBuild { error: "Lambda.ServiceException", builds: Arc::clone(&builds) };
        let runner = Runner::new(app.clone(), tasks, Arc::new(SystemClock)).expect("runner");
        let (user, job_id) = (UserId::parse("u1").expect("id"), JobId::parse("j1").expect("id"));
        let now = SystemClock.now();
        jobs::create(app.table.as_ref(), &Job::queued(job_id.clone(), user.clone(), "uploads/u1/x/original", now))
            .await
            .expect("job");
        let input =
            PipelineInput { job_id: job_id.clone(), user_id: user.clone(), upload_key: Some("k".into()), cv_id: None };

        runner.execute(PipelineRun { name: "x".into(), input }).await;

        assert_eq!(builds.load(Ordering::SeqCst), 4, "one try and the ASL's three retries");
        let job = jobs::load(app.table.as_ref(), &user, &job_id).await.expect("load").expect("job");
        assert_eq!(job.status, JobStatus::Failed);
        let failure = job.failure.expect("a recorded failure");
        assert_eq!((failure.step, failure.error.as_str()), (Step::BuildPortfolio, "Lambda.ServiceException"));
        assert_eq!(failure.message, GENERIC_FAILURE);
    }

    #[tokio::test]
    async fn a_run_name_starts_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = crate::app(Config::embedded(dir.path()), dir.path(), EnvSecrets::from_vars([])).await.expect("app");
        let tasks = FailingBuild { error: "BuildPortfolio.NotFound", builds: Arc::new(AtomicU32::new(0)) };
        let runner = Runner::new(app, tasks, Arc::new(SystemClock)).expect("runner");
        let input = PipelineInput {
            job_id: JobId::parse("j1").expect("id"),
            user_id: UserId::parse("u1").expect("id"),
            upload_key: None,
            cv_id: Some(CvId::parse("c1").expect("id")),
        };
        let run = PipelineRun { name: "upload-1".into(), input };
        assert!(runner.start(run.clone()).await.expect("first"));
        assert!(!runner.start(run).await.expect("second"), "the same name starts nothing");
    }

    #[test]
    fn the_policy_is_the_state_machines() {
        let policy = Policy::of_state_machine().expect("the definition parses");
        let extract = &policy.extract[0];
        assert!(extract.matches("Extract.Transient") && !extract.matches("Extract.NeedsOcr"));
        assert!(extract.matches("Lambda.ServiceException"), "an unreachable function is retried");
        assert_eq!((extract.max_attempts, extract.interval_seconds, extract.backoff_rate), (4, 2.0, 2.0));
        assert!(policy.build_portfolio[0].matches("BuildPortfolio.Transient"));
        let capped = Retrier { jitter_strategy: None, ..extract.clone() };
        assert_eq!(capped.delay(1), Duration::from_secs(2));
        assert_eq!(capped.delay(3), Duration::from_secs(8));
        assert_eq!(capped.delay(10), Duration::from_secs(30), "MaxDelaySeconds caps the backoff");
        assert!(extract.delay(3) <= Duration::from_secs(8), "full jitter waits at most the backoff");
    }

    #[tokio::test(start_paused = true)]
    async fn transient_errors_are_retried_and_others_are_not() {
        let rules = Policy::of_state_machine().expect("policy").extract;
        let mut calls = 0;
        let result: Result<(), String> = retrying(&rules, || {
            calls += 1;
            async { Err("Extract.Transient".to_owned()) }
        })
        .await;
        assert_eq!((result, calls), (Err("Extract.Transient".into()), 5), "one try and four retries");
        let mut calls = 0;
        let result: Result<(), String> = retrying(&rules, || {
            calls += 1;
            async { Err("Extract.NeedsOcr".to_owned()) }
        })
        .await;
        assert_eq!((result, calls), (Err("Extract.NeedsOcr".into()), 1));
    }
}
