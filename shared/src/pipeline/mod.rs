//! The Pipeline port: start the state machine (Extract, then BuildPortfolio) over one upload.
//! Step Functions in the cloud; where there is none, [`runner::Runner`] runs the state machine
//! itself with the same retry and catch policy, read from its definition.

pub mod invoke;
pub mod runner;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::clock::Clock;
use crate::error::Error;
use crate::model::{CvId, JobId, UserId};

/// One run: its name (an upload's id, so one run per upload however often its event is
/// delivered; or a CV version, `{cv}-v{n}`) and the state machine's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineRun {
    pub name: String,
    pub input: PipelineInput,
}

/// The state machine's input. With `upload_key`, the run extracts the original then builds
/// the site; with `cv_id` (an edited or imported CV) it only builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineInput {
    pub job_id: JobId,
    pub user_id: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv_id: Option<CvId>,
}

#[async_trait]
pub trait Pipeline: Send + Sync {
    /// Starts a run named by its upload id. `Ok(false)` when a run of that name already
    /// exists: a repeated event starts nothing twice.
    async fn start(&self, run: PipelineRun) -> Result<bool, Error>;
}

/// The cloud adapter: `StartExecution` on the pipeline state machine, named by the upload id.
/// Step Functions allows one execution per name for 90 days: a repeat with the same input while
/// the first runs returns the first, and any other repeat is ExecutionAlreadyExists. Either way
/// a repeated S3 event starts nothing twice; the adapter looks the name up first so it can say
/// which happened.
pub struct StepFunctionsPipeline {
    client: aws_sdk_sfn::Client,
    state_machine_arn: String,
}

impl StepFunctionsPipeline {
    pub fn new(client: aws_sdk_sfn::Client, state_machine_arn: impl Into<String>) -> Self {
        Self { client, state_machine_arn: state_machine_arn.into() }
    }
}

#[async_trait]
impl Pipeline for StepFunctionsPipeline {
    async fn start(&self, run: PipelineRun) -> Result<bool, Error> {
        let execution_arn =
            format!("{}:{}", self.state_machine_arn.replacen(":stateMachine:", ":execution:", 1), run.name);
        if self.client.describe_execution().execution_arn(&execution_arn).send().await.is_ok() {
            return Ok(false);
        }
        let input = serde_json::to_string(&run.input).map_err(|e| Error::Internal(e.to_string()))?;
        let result = self
            .client
            .start_execution()
            .state_machine_arn(&self.state_machine_arn)
            .name(&run.name)
            .input(input)
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) => {
                use aws_sdk_sfn::error::ProvideErrorMetadata;
                match e.code() {
                    Some("ExecutionAlreadyExists") => Ok(false),
                    Some("ThrottlingException" | "ServiceUnavailable" | "InternalServerError") => Err(
                        Error::Unavailable(format!("Step Functions: {}", aws_sdk_sfn::error::DisplayErrorContext(&e))),
                    ),
                    _ => {
                        Err(Error::Internal(format!("Step Functions: {}", aws_sdk_sfn::error::DisplayErrorContext(&e))))
                    }
                }
            }
        }
    }
}

/// The pipeline of a function binary, chosen by its environment: `R2W_STATE_MACHINE_ARN`
/// starts Step Functions executions (the cloud); `R2W_LAMBDA_INVOKE_URL` runs the state machine
/// in this process over the task functions of a local Lambda emulator (`cargo lambda watch`).
pub async fn from_env(app: &App, clock: Arc<dyn Clock>) -> Result<Arc<dyn Pipeline>, Error> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(state_machine) = var("R2W_STATE_MACHINE_ARN") {
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        return Ok(Arc::new(StepFunctionsPipeline::new(aws_sdk_sfn::Client::new(&sdk), state_machine)));
    }
    if let Some(endpoint) = var("R2W_LAMBDA_INVOKE_URL") {
        let endpoint = url::Url::parse(&endpoint)
            .map_err(|_| Error::Internal("R2W_LAMBDA_INVOKE_URL must be a URL such as http://127.0.0.1:9000".into()))?;
        let tasks = invoke::LambdaEmulator::new(endpoint)?;
        return Ok(Arc::new(runner::Runner::new(app.clone(), tasks, clock)?));
    }
    Err(Error::Internal(
        "no pipeline: set R2W_STATE_MACHINE_ARN (Step Functions) or R2W_LAMBDA_INVOKE_URL (a local Lambda emulator)"
            .into(),
    ))
}
