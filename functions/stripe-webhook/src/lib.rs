//! Payments and publishing: embedded Stripe Checkout for a portfolio, and the webhook whose
//! verified events decide — through the orders they update — whether it is public.
//!
//! Two functions: `payments` (the authenticated checkout and session routes) and
//! `stripe-webhook` (Stripe's events). See docs/payments.md.

pub mod events;
pub mod http;
pub mod settings;
pub mod signature;
pub mod stripe;

pub use http::{PaymentsApi, WebhookApi};
pub use settings::PaymentSettings;

/// The Secrets port's names: the API key, and the webhook signing secrets (comma-separated
/// while one is being rolled).
pub const STRIPE_SECRET_KEY: &str = "stripe-secret-key";
pub const STRIPE_WEBHOOK_SECRET: &str = "stripe-webhook-secret";
