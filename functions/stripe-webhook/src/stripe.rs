//! The few Stripe API calls we make, over reqwest: form-encoded requests, the secret key as a
//! bearer token, an Idempotency-Key on every create, and Stripe's error object mapped onto
//! our errors (never echoing the key).

use std::time::Duration;

use r2w_core::Error;
use r2w_core::model::{OrderId, PortfolioId, UserId};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use crate::settings::{Mode, Plan};

/// Stripe answers in well under this; a hung connection must not hold the Lambda.
const TIMEOUT: Duration = Duration::from_secs(20);

pub struct StripeApi {
    http: reqwest::Client,
    base: Url,
    secret_key: SecretString,
}

/// The Checkout Session fields we read.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    /// `open`, `complete` or `expired`.
    #[serde(default)]
    pub status: Option<String>,
    /// `paid`, `unpaid` or `no_payment_required`.
    #[serde(default)]
    pub payment_status: Option<String>,
    #[serde(default)]
    pub amount_total: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
}

/// The Price fields we show: what a plan costs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Price {
    pub id: String,
    /// In the currency's smallest unit (cents); absent for prices Checkout cannot show as one amount.
    #[serde(default)]
    pub unit_amount: Option<i64>,
    pub currency: String,
    #[serde(default)]
    pub recurring: Option<Recurring>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Recurring {
    /// `day`, `week`, `month` or `year`.
    pub interval: String,
    #[serde(default = "one")]
    pub interval_count: u32,
}

fn one() -> u32 {
    1
}

/// What one purchase asks Stripe for.
pub struct NewCheckout<'a> {
    pub order: &'a OrderId,
    pub user: &'a UserId,
    pub portfolio: &'a PortfolioId,
    pub plan: &'a Plan,
    pub return_url: &'a str,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: StripeError,
}

#[derive(Deserialize)]
struct StripeError {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

impl StripeApi {
    pub fn new(base: Url, secret_key: SecretString) -> Result<Self, Error> {
        let http = r2w_http::http_client().timeout(TIMEOUT).build().map_err(|e| Error::internal("HTTP client", e))?;
        Ok(Self { http, base, secret_key })
    }

    /// An embedded Checkout Session for `checkout`. The order id is its idempotency key, so a
    /// retried request never makes a second session.
    pub async fn create_checkout_session(&self, checkout: &NewCheckout<'_>) -> Result<CheckoutSession, Error> {
        let metadata = [
            ("order_id", checkout.order.as_str()),
            ("user_id", checkout.user.as_str()),
            ("portfolio_id", checkout.portfolio.as_str()),
        ];
        let mut form: Vec<(String, String)> = vec![
            ("ui_mode".into(), "embedded".into()),
            ("mode".into(), checkout.plan.mode.as_str().into()),
            ("line_items[0][price]".into(), checkout.plan.price.clone()),
            ("line_items[0][quantity]".into(), "1".into()),
            ("client_reference_id".into(), checkout.order.to_string()),
            ("return_url".into(), checkout.return_url.into()),
        ];
        // On the payment (or subscription) too: refunds and cancellations name only that.
        let carrier = match checkout.plan.mode {
            Mode::Payment => "payment_intent_data",
            Mode::Subscription => "subscription_data",
        };
        for (key, value) in metadata {
            form.push((format!("metadata[{key}]"), value.into()));
            form.push((format!("{carrier}[metadata][{key}]"), value.into()));
        }
        let request = self
            .http
            .post(self.url("v1/checkout/sessions")?)
            .bearer_auth(self.secret_key.expose_secret())
            .header("Idempotency-Key", format!("r2w-checkout-{}", checkout.order))
            .form(&form);
        self.send(request).await
    }

    pub async fn retrieve_checkout_session(&self, id: &str) -> Result<CheckoutSession, Error> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(Error::NotFound("checkout session".into()));
        }
        let request = self
            .http
            .get(self.url(&format!("v1/checkout/sessions/{id}"))?)
            .bearer_auth(self.secret_key.expose_secret());
        self.send(request).await
    }

    pub async fn retrieve_price(&self, id: &str) -> Result<Price, Error> {
        let request = self.http.get(self.url(&format!("v1/prices/{id}"))?).bearer_auth(self.secret_key.expose_secret());
        self.send(request).await
    }

    fn url(&self, path: &str) -> Result<Url, Error> {
        self.base.join(path).map_err(|e| Error::internal("Stripe URL", e))
    }

    async fn send<T: serde::de::DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T, Error> {
        let response = request.send().await.map_err(|e| Error::unavailable("Stripe could not be reached", e))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| Error::unavailable("Stripe's answer was cut", e))?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| Error::internal("Stripe's answer", e));
        }
        let error = serde_json::from_slice::<ErrorEnvelope>(&body).map(|e| e.error).ok();
        let describe = |e: &Option<StripeError>| match e {
            Some(e) => format!(
                "{} {}: {}",
                e.kind,
                e.code.as_deref().unwrap_or("-"),
                e.message.as_deref().unwrap_or("no message")
            ),
            None => format!("HTTP {status}"),
        };
        tracing::warn!(status = status.as_u16(), error = describe(&error), "Stripe refused a request");
        match (status.as_u16(), error.as_ref().map(|e| e.kind.as_str())) {
            (429, _) | (500.., _) | (_, Some("api_error")) => {
                Err(Error::Unavailable("the payment provider is busy; try again in a moment".into()))
            }
            (404, _) => Err(Error::NotFound("checkout session".into())),
            (401 | 403, _) => Err(Error::Internal("the payment provider refused our credentials".into())),
            _ => Err(Error::Internal(format!("the payment provider refused the request: {}", describe(&error)))),
        }
    }
}
