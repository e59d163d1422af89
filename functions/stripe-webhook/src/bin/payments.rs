//! The checkout and session routes, as a Lambda function behind API Gateway.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{Request, service_fn};
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::SystemClock;
use r2w_core::secrets::SecretsError;
use r2w_core::{Config, telemetry};
use r2w_stripe_webhook::stripe::StripeApi;
use r2w_stripe_webhook::{PaymentSettings, PaymentsApi, STRIPE_SECRET_KEY, not_configured};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let settings = PaymentSettings::from_vars(std::env::vars(), &config.public_url)?;
    let app = r2w_wiring::app(config).await?;
    let secret_key = match app.secrets.get(STRIPE_SECRET_KEY).await {
        Ok(key) => key,
        Err(SecretsError::NotFound(_)) => {
            tracing::warn!(secret = STRIPE_SECRET_KEY, "no value: payments answer 503 until one is stored");
            return lambda_http::run(service_fn(|_: Request| async {
                Ok::<_, Infallible>(not_configured(STRIPE_SECRET_KEY))
            }))
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let stripe = StripeApi::new(settings.api_base.clone(), secret_key)?;
    let tokens = Arc::new(AccessTokens::for_app(&app).await?);
    let api = PaymentsApi::new(app, tokens, stripe, settings, Arc::new(SystemClock));
    let api = &api;
    lambda_http::run(service_fn(move |request: Request| async move { Ok::<_, Infallible>(api.handle(request).await) }))
        .await
}
