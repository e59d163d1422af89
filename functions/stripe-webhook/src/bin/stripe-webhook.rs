//! Stripe's webhook, as a Lambda function behind API Gateway.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{Request, service_fn};
use r2w_core::clock::SystemClock;
use r2w_core::secrets::SecretsError;
use r2w_core::{Config, telemetry};
use r2w_stripe_webhook::signature::signing_secrets;
use r2w_stripe_webhook::{STRIPE_WEBHOOK_SECRET, WebhookApi, not_configured};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let app = r2w_wiring::app(config).await?;
    let secrets = match app.secrets.get(STRIPE_WEBHOOK_SECRET).await {
        Ok(value) => signing_secrets(&value),
        Err(SecretsError::NotFound(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    if secrets.is_empty() {
        // Stripe retries a 503 for three days: events sent before the secret is stored still land.
        tracing::warn!(secret = STRIPE_WEBHOOK_SECRET, "no value: the webhook answers 503 until one is stored");
        return lambda_http::run(service_fn(|_: Request| async {
            Ok::<_, Infallible>(not_configured(STRIPE_WEBHOOK_SECRET))
        }))
        .await;
    }
    let api = WebhookApi::new(app, secrets, Arc::new(SystemClock));
    let api = &api;
    lambda_http::run(service_fn(move |request: Request| async move { Ok::<_, Infallible>(api.handle(request).await) }))
        .await
}
