//! The Extract task of the pipeline state machine, as a Lambda function.

use std::sync::Arc;

use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use r2w_core::clock::SystemClock;
use r2w_core::{Config, telemetry};
use r2w_extract::extractor::Extractor;
use r2w_extract::task::{ExtractTask, TaskInput};
use r2w_extract::text::reader::TextReader;
use tracing::Instrument;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let app = r2w_wiring::app(config).await?;
    let clock = Arc::new(SystemClock);
    // On Lambda each file is read by a `read-text` child (R2W_TEXT_READER): this binary has no
    // parsers, and a parser's crash is not the function's.
    let extractor = Extractor::for_app(&app, clock.clone())?.reading_with(TextReader::from_env()?);
    let task = ExtractTask::new(app, extractor, clock);
    let task = &task;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<TaskInput>| async move {
        let span = telemetry::job_span(event.payload.job_id.as_str());
        task.run(event.payload)
            .instrument(span)
            .await
            .inspect_err(|e| tracing::warn!(error = %e, "extraction failed"))
            .map_err(|e| -> Diagnostic { e.diagnostic() })
    }))
    .await
}
