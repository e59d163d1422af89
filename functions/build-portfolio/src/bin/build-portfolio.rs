//! The BuildPortfolio task of the pipeline state machine, as a Lambda function.

use std::sync::Arc;

use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use r2w_build_portfolio::task::{BuildTask, STEP_NAME, TaskInput};
use r2w_core::clock::SystemClock;
use r2w_core::{Config, telemetry};
use r2w_http::LambdaError;
use tracing::Instrument;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let app = r2w_wiring::app(config).await?;
    let task = BuildTask::new(app, Arc::new(SystemClock));
    let task = &task;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<TaskInput>| async move {
        let span = telemetry::job_span(event.payload.job_id.as_str());
        task.run(event.payload)
            .instrument(span)
            .await
            .inspect_err(|e| tracing::warn!(error = %e, "portfolio build failed"))
            .map_err(|e| -> Diagnostic { e.task_diagnostic(STEP_NAME) })
    }))
    .await
}
