//! The auth HTTP API, as a Lambda function behind API Gateway.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{Request, service_fn};
use r2w_auth::{AuthApi, AuthSettings};
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::SystemClock;
use r2w_core::{Config, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let settings = AuthSettings::from_env(&config.public_url)?;
    let app = r2w_wiring::app(config).await?;
    let tokens = Arc::new(AccessTokens::for_app(&app).await?);
    let api = AuthApi::new(app, tokens, settings, Arc::new(SystemClock)).await?;
    let api = &api;
    lambda_http::run(service_fn(move |request: Request| async move { Ok::<_, Infallible>(api.handle(request).await) }))
        .await
}
