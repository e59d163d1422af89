//! The payments API's operations in the OpenAPI document (docs/openapi.json). Each function
//! below stands for one route of `PaymentsApi::route` or `WebhookApi::route`; only its
//! attribute is read.
#![allow(dead_code)]

use r2w_core::error::Problem;
use utoipa::OpenApi;

use crate::http::{CheckoutStarted, NewCheckoutBody, PlanView, Received, SessionView};

#[derive(OpenApi)]
#[openapi(
    paths(plans, checkout, session, webhook),
    components(schemas(PlanList, PlanView, CheckoutStarted, SessionView, Received))
)]
pub struct PaymentsDoc;

/// The plans a deployment may offer (each needs its Stripe price configured).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    OneTime,
    Yearly,
}

/// The plans offered.
#[derive(utoipa::ToSchema)]
pub struct PlanList {
    pub items: Vec<PlanView>,
}

/// The plans this deployment offers, with their prices as Stripe has them.
#[utoipa::path(get, path = "/v1/payments/plans", tag = "payments", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every plan offered, with its price.", body = PlanList),
        (status = 503, description = "Stripe did not answer; try again.", body = Problem, content_type = "application/problem+json"),
    ))]
fn plans() {}

/// Starts paying for one of your portfolios: an embedded Stripe Checkout session.
#[utoipa::path(post, path = "/v1/payments/checkout", tag = "payments", security(("bearer" = [])),
    request_body = NewCheckoutBody,
    responses(
        (status = 201, description = "The session's client secret for Stripe.js, and our order.", body = CheckoutStarted),
        (status = 404, description = "No such portfolio of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already paid for.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A plan that is not offered.", body = Problem, content_type = "application/problem+json"),
    ))]
fn checkout() {}

/// Where a checkout stands (the page Stripe returns to asks this).
#[utoipa::path(get, path = "/v1/payments/sessions/{id}", tag = "payments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Stripe's Checkout Session id")),
    responses(
        (status = 200, description = "The session, the order and the portfolio's publication.", body = SessionView),
        (status = 404, description = "No such checkout of yours.", body = Problem, content_type = "application/problem+json"),
    ))]
fn session() {}

/// Stripe's events (checkout completed, payment failed, refunds, subscriptions), signed with
/// the endpoint's secret (`Stripe-Signature`).
#[utoipa::path(post, path = "/v1/payments/webhook", tag = "payments",
    params(("stripe-signature" = String, Header, description = "t=…,v1=…")),
    request_body(content = Object, description = "A Stripe event, as Stripe sent it."),
    responses((status = 200, description = "Received (also for a repeated delivery).", body = Received)))]
fn webhook() {}
