//! The upload trigger: S3 `ObjectCreated` events for originals start the pipeline.

use std::sync::Arc;

use aws_lambda_events::s3::S3Event;
use lambda_runtime::{LambdaEvent, service_fn};
use r2w_core::clock::SystemClock;
use r2w_core::{Config, telemetry};
use r2w_http::LambdaError;
use r2w_upload::UploadTrigger;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let app = r2w_wiring::app(config).await?;
    let clock = Arc::new(SystemClock);
    let pipeline = r2w_wiring::pipeline(&app, clock.clone()).await?;
    let trigger = UploadTrigger::new(app, pipeline, clock);
    let trigger = &trigger;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<S3Event>| async move {
        trigger
            .handle(event.payload)
            .await
            .map(|outcomes| outcomes.len())
            .map_err(|e| e.task_diagnostic("UploadTrigger"))
    }))
    .await
}
