//! The uploads and jobs HTTP API, as a Lambda function behind API Gateway.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{Request, service_fn};
use r2w_shared::auth_token::AccessTokens;
use r2w_shared::clock::SystemClock;
use r2w_shared::pipeline::StepFunctionsPipeline;
use r2w_shared::{App, Config, telemetry};
use r2w_upload::UploadApi;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let state_machine =
        std::env::var("R2W_STATE_MACHINE_ARN").map_err(|_| "R2W_STATE_MACHINE_ARN is required by the upload API")?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let pipeline = Arc::new(StepFunctionsPipeline::new(aws_sdk_sfn::Client::new(&sdk), state_machine));
    let app = App::from_config(config).await?;
    let tokens = Arc::new(AccessTokens::for_app(&app).await?);
    let api = UploadApi::new(app, tokens, pipeline, Arc::new(SystemClock));
    let api = &api;
    lambda_http::run(service_fn(move |request: Request| async move { Ok::<_, Infallible>(api.handle(request).await) }))
        .await
}
