//! The in-process pipeline: what Step Functions does in the cloud, on one machine. It runs the
//! same tasks (Extract, then BuildPortfolio) with the retry policy and catch read from the
//! state machine's own definition (`infra/statemachine/pipeline.asl.json`), so the two cannot
//! drift, and it names runs like Step Functions does: one per upload id.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use r2w_build_portfolio::task::{BuildTask, TaskInput as BuildInput};
use r2w_extract::task::{ExtractTask, TaskInput as ExtractInput};
use r2w_shared::clock::Clock;
use r2w_shared::model::{JobStatus, Step};
use r2w_shared::pipeline::{Pipeline, PipelineRun};
use r2w_shared::records::jobs;
use r2w_shared::store::{Expect, Item, ItemKey, TableError};
use r2w_shared::{App, Error};
use serde::Deserialize;

pub const DEFINITION: &str = include_str!("../../statemachine/pipeline.asl.json");
/// Step Functions keeps an execution's name taken for 90 days.
const RUN_NAME_LIFETIME: Duration = Duration::from_secs(90 * 24 * 3600);
const GENERIC_FAILURE: &str = "Something went wrong on our side while making your site. Please upload the CV again.";

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
        let machine: Machine =
            serde_json::from_str(definition).map_err(|e| Error::Internal(format!("the state machine: {e}")))?;
        let retries = |name: &str| -> Result<Vec<Retrier>, Error> {
            let state = machine.states.get(name).ok_or_else(|| Error::Internal(format!("no state {name}")))?;
            let state: State =
                serde_json::from_value(state.clone()).map_err(|e| Error::Internal(format!("{name}: {e}")))?;
            Ok(state.retry)
        };
        Ok(Self { extract: retries("Extract")?, build_portfolio: retries("BuildPortfolio")? })
    }
}

#[derive(Clone)]
pub struct LocalPipeline {
    app: App,
    extract: Arc<ExtractTask>,
    build: Arc<BuildTask>,
    clock: Arc<dyn Clock>,
    policy: Arc<Policy>,
}

impl LocalPipeline {
    pub fn new(app: App, extract: ExtractTask, build: BuildTask, clock: Arc<dyn Clock>) -> Result<Self, Error> {
        Ok(Self {
            app,
            extract: Arc::new(extract),
            build: Arc::new(build),
            clock,
            policy: Arc::new(Policy::from_definition(DEFINITION)?),
        })
    }

    /// The run itself: Extract, then BuildPortfolio, each retried by the policy; what the
    /// Catch does when a step gives up (records the failure unless the task already did).
    pub async fn execute(&self, run: PipelineRun) {
        let input = run.input;
        // The state machine's first state: a run with a CV only builds.
        let cv_id = match (input.cv_id, input.upload_key) {
            (Some(cv_id), _) => cv_id,
            (None, upload_key) => {
                let extract_input = ExtractInput {
                    job_id: input.job_id.clone(),
                    user_id: input.user_id.clone(),
                    upload_key: upload_key.unwrap_or_default(),
                };
                let extracted = retrying(&self.policy.extract, || async {
                    self.extract.run(extract_input.clone()).await.map_err(|e| e.diagnostic().error_type)
                })
                .await;
                match extracted {
                    Ok(output) => output.cv_id,
                    Err(error) => {
                        return self.record_failure(&input.user_id, &input.job_id, Step::Extract, error).await;
                    }
                }
            }
        };
        let build_input =
            BuildInput { job_id: input.job_id.clone(), user_id: input.user_id.clone(), cv_id, theme: None };
        let built = retrying(&self.policy.build_portfolio, || async {
            self.build.run(build_input.clone()).await.map_err(|e| e.task_error("BuildPortfolio").error_type)
        })
        .await;
        if let Err(error) = built {
            self.record_failure(&input.user_id, &input.job_id, Step::BuildPortfolio, error).await;
        }
    }

    async fn record_failure(
        &self,
        user: &r2w_shared::model::UserId,
        job: &r2w_shared::model::JobId,
        step: Step,
        error: String,
    ) {
        tracing::warn!(job = %job, error, "pipeline run failed");
        let now = self.clock.now();
        let recorded = jobs::update(self.app.table.as_ref(), user, job, now, |job| {
            if job.status != JobStatus::Failed {
                job.fail_step(step, error.clone(), GENERIC_FAILURE, now);
            }
        })
        .await;
        if let Err(e) = recorded {
            tracing::error!(job = %job, error = %e, "could not record a failed run");
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
impl Pipeline for LocalPipeline {
    async fn start(&self, run: PipelineRun) -> Result<bool, Error> {
        let expires_at = self.clock.unix_now() + RUN_NAME_LIFETIME.as_secs() as i64;
        let name = Item::new(ItemKey::new(format!("EXECUTION#{}", run.name), "EXECUTION")).expiring_at(expires_at);
        match self.app.table.put(name, Expect::Absent).await {
            Ok(()) => {}
            Err(TableError::ConditionFailed { .. }) => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        let pipeline = self.clone();
        tokio::spawn(async move { pipeline.execute(run).await });
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_is_the_state_machines() {
        let policy = Policy::from_definition(DEFINITION).expect("the definition parses");
        let extract = &policy.extract[0];
        assert!(extract.matches("Extract.Transient") && !extract.matches("Extract.NeedsOcr"));
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
        let rules = Policy::from_definition(DEFINITION).expect("policy").extract;
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
