//! The status routes (health, the OpenAPI document), as a Lambda function behind API Gateway.

use std::convert::Infallible;

use lambda_http::{Request, service_fn};
use r2w_core::{Config, telemetry};
use r2w_status::StatusApi;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let api = StatusApi::new(r2w_wiring::app(config).await?);
    let api = &api;
    lambda_http::run(service_fn(move |request: Request| async move { Ok::<_, Infallible>(api.handle(request).await) }))
        .await
}
