//! The cloud Pipeline adapter: Step Functions.

use async_trait::async_trait;
use r2w_core::Error;
use r2w_core::pipeline::{Pipeline, PipelineRun};

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
        let input = serde_json::to_string(&run.input).map_err(|e| Error::internal("the pipeline input", e))?;
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
                        Error::unavailable("Step Functions", aws_sdk_sfn::error::DisplayErrorContext(&e).to_string()),
                    ),
                    _ => {
                        Err(Error::internal("Step Functions", aws_sdk_sfn::error::DisplayErrorContext(&e).to_string()))
                    }
                }
            }
        }
    }
}
