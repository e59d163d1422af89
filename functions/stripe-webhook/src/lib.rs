//! Payments and publishing: embedded Stripe Checkout for a portfolio, and the webhook whose
//! verified events decide — through the orders they update — whether it is public.
//!
//! Two functions: `payments` (the authenticated checkout and session routes) and
//! `stripe-webhook` (Stripe's events). See docs/payments.md.

pub mod events;
pub mod http;
pub mod openapi;
pub mod settings;
pub mod signature;
pub mod stripe;

pub use http::{PaymentsApi, WebhookApi};
pub use settings::PaymentSettings;

/// The Secrets port's names: the API key, and the webhook signing secrets (comma-separated
/// while one is being rolled).
pub const STRIPE_SECRET_KEY: &str = "stripe-secret-key";
pub const STRIPE_WEBHOOK_SECRET: &str = "stripe-webhook-secret";

/// The answer of a payments route while its secret has no value (a fresh deployment, or a
/// machine without Stripe): 503, instead of a function that fails to start. The detail, which
/// secret to set, is for the operator's log, not the caller.
pub fn not_configured(secret: &str) -> lambda_http::Response<lambda_http::Body> {
    let variable = r2w_core::secrets::env_var_name(secret);
    let message = format!("payments are not configured here: the secret {secret} (locally {variable}) has no value");
    r2w_http::LambdaError::to_response(&r2w_core::Error::Unavailable(message), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unconfigured_payments_route_is_unavailable_not_broken() {
        let response = not_configured(STRIPE_WEBHOOK_SECRET);
        assert_eq!(response.status(), 503, "Stripe retries a 503, so early events are not lost");
        let body = String::from_utf8_lossy(response.body().as_ref()).into_owned();
        assert!(body.contains("urn:r2w:problem:unavailable"), "{body}");
    }
}
