//! The uploads and jobs HTTP API, as a Lambda function behind API Gateway.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{Request, service_fn};
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::SystemClock;
use r2w_core::{Config, telemetry};
use r2w_upload::UploadApi;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let app = r2w_wiring::app(config).await?;
    let clock = Arc::new(SystemClock);
    let pipeline = r2w_wiring::pipeline(&app, clock.clone()).await?;
    let tokens = Arc::new(AccessTokens::for_app(&app).await?);
    let api = UploadApi::new(app, tokens, pipeline, clock);
    let api = &api;
    lambda_http::run(service_fn(move |request: Request| async move { Ok::<_, Infallible>(api.handle(request).await) }))
        .await
}
