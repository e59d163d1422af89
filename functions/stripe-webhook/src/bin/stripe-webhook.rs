//! Stripe's webhook, as a Lambda function behind API Gateway.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{Request, service_fn};
use r2w_payments::signature::signing_secrets;
use r2w_payments::{STRIPE_WEBHOOK_SECRET, WebhookApi};
use r2w_shared::clock::SystemClock;
use r2w_shared::{App, Config, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let app = App::from_config(config).await?;
    let secrets = signing_secrets(&app.secrets.get(STRIPE_WEBHOOK_SECRET).await?);
    if secrets.is_empty() {
        return Err("the Stripe webhook signing secret is empty".into());
    }
    let api = WebhookApi::new(app, secrets, Arc::new(SystemClock));
    let api = &api;
    lambda_http::run(service_fn(move |request: Request| async move { Ok::<_, Infallible>(api.handle(request).await) }))
        .await
}
