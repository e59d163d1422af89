//! Checkout against a local server that speaks Stripe's API: it checks the secret key, the
//! form fields and the idempotency key, and answers as Stripe does, errors included.

use std::sync::Arc;

use crate::support::World;
use lambda_http::http::Request as HttpRequest;
use lambda_http::{Body, Request};
use r2w_core::clock::SystemClock;
use r2w_core::model::OrderId;
use r2w_core::records::orders::{self, OrderStatus};
use r2w_stripe_webhook::stripe::StripeApi;
use r2w_stripe_webhook::{PaymentSettings, PaymentsApi};
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer, Request as Seen, ResponseTemplate};

const SECRET_KEY: &str = "sk_test_local_51abc";

fn payments(world: &World, stripe: &MockServer) -> PaymentsApi {
    let public = Url::parse("https://r2w.example").expect("url");
    let vars = [
        ("R2W_STRIPE_API_BASE", stripe.uri()),
        ("R2W_STRIPE_PRICE_ONE_TIME", "price_onetime1".into()),
        ("R2W_STRIPE_PRICE_YEARLY", "price_yearly1".into()),
    ]
    .map(|(k, v)| (k.to_owned(), v));
    let settings = PaymentSettings::from_vars(vars, &public).expect("settings");
    let api = StripeApi::new(settings.api_base.clone(), SecretString::from(SECRET_KEY.to_owned())).expect("client");
    PaymentsApi::new(world.app.clone(), Arc::clone(&world.tokens), api, settings, Arc::new(SystemClock))
}

fn call(method: &str, path: &str, token: &str, body: Option<Value>) -> Request {
    HttpRequest::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .body(body.map_or(Body::Empty, |b| Body::Text(b.to_string())))
        .expect("request")
}

async fn answer(api: &PaymentsApi, request: Request) -> (u16, Value) {
    let response = api.handle(request).await;
    (response.status().as_u16(), serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null))
}

fn form(request: &Seen) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(&request.body).into_owned().collect()
}

fn session(id: &str, mode: &str) -> Value {
    json!({"id": id, "object": "checkout.session", "client_secret": format!("{id}_secret_xyz"),
           "mode": mode, "status": "open", "payment_status": "unpaid", "ui_mode": "embedded",
           "amount_total": 1900, "currency": "eur"})
}

#[tokio::test]
async fn checkout_asks_stripe_for_an_embedded_session_with_everything_it_needs() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let portfolio = world.portfolio(&person.user, "Dana Levi").await;
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .and(header("authorization", format!("Bearer {SECRET_KEY}").as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(header_exists("idempotency-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session("cs_test_a1", "payment")))
        .expect(1)
        .mount(&stripe)
        .await;
    let api = payments(&world, &stripe);

    let body = json!({"portfolio_id": portfolio.as_str(), "plan": "one_time"});
    let (status, started) = answer(&api, call("POST", "/v1/payments/checkout", &person.token, Some(body))).await;
    assert_eq!(status, 201, "{started}");
    assert_eq!(
        (started["session_id"].as_str(), started["client_secret"].as_str()),
        (Some("cs_test_a1"), Some("cs_test_a1_secret_xyz"))
    );

    let seen = stripe.received_requests().await.expect("recorded");
    let fields = form(&seen[0]);
    let order = started["order_id"].as_str().expect("order id");
    let expect = [
        ("ui_mode", "embedded"),
        ("mode", "payment"),
        ("line_items[0][price]", "price_onetime1"),
        ("line_items[0][quantity]", "1"),
        ("client_reference_id", order),
        ("metadata[user_id]", person.user.as_str()),
        ("metadata[portfolio_id]", portfolio.as_str()),
        ("metadata[order_id]", order),
        ("payment_intent_data[metadata][order_id]", order),
        ("return_url", "https://r2w.example/checkout/return?session_id={CHECKOUT_SESSION_ID}"),
    ];
    for (field, value) in expect {
        assert_eq!(fields.get(field).map(String::as_str), Some(value), "form field {field}");
    }
    assert_eq!(seen[0].headers["idempotency-key"].to_str().expect("ascii"), format!("r2w-checkout-{order}"));

    let stored = orders::load(world.app.table.as_ref(), &OrderId::parse(order).expect("id")).await.expect("load");
    let stored = stored.expect("the order is recorded");
    assert_eq!(
        (stored.session_id.as_deref(), stored.amount, stored.status()),
        (Some("cs_test_a1"), Some(1900), OrderStatus::Open)
    );
}

#[tokio::test]
async fn the_yearly_plan_is_a_subscription() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let portfolio = world.portfolio(&person.user, "Dana Levi").await;
    let stripe = MockServer::start().await;
    Mock::given(path("/v1/checkout/sessions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session("cs_test_y", "subscription")))
        .mount(&stripe)
        .await;
    let body = json!({"portfolio_id": portfolio.as_str(), "plan": "yearly"});
    let (status, _) =
        answer(&payments(&world, &stripe), call("POST", "/v1/payments/checkout", &person.token, Some(body))).await;
    assert_eq!(status, 201);
    let fields = form(&stripe.received_requests().await.expect("recorded")[0]);
    assert_eq!(fields.get("mode").map(String::as_str), Some("subscription"));
    assert_eq!(fields.get("line_items[0][price]").map(String::as_str), Some("price_yearly1"));
    assert!(fields.contains_key("subscription_data[metadata][order_id]"));
}

#[tokio::test]
async fn stripes_error_object_becomes_a_clear_error_and_no_secret_leaks() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let portfolio = world.portfolio(&person.user, "Dana Levi").await;
    let stripe = MockServer::start().await;
    let error = json!({"error": {"type": "invalid_request_error", "code": "resource_missing", "param": "line_items[0][price]",
                                 "message": "No such price: 'price_onetime1'"}});
    Mock::given(path("/v1/checkout/sessions"))
        .respond_with(ResponseTemplate::new(400).set_body_json(error))
        .mount(&stripe)
        .await;
    let api = payments(&world, &stripe);
    let body = json!({"portfolio_id": portfolio.as_str(), "plan": "one_time"});
    let (status, problem) =
        answer(&api, call("POST", "/v1/payments/checkout", &person.token, Some(body.clone()))).await;
    assert_eq!(status, 500, "{problem}");
    assert!(!problem.to_string().contains(SECRET_KEY));

    let busy = MockServer::start().await;
    let rate =
        json!({"error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests"}});
    Mock::given(path("/v1/checkout/sessions"))
        .respond_with(ResponseTemplate::new(429).set_body_json(rate))
        .mount(&busy)
        .await;
    let (status, problem) =
        answer(&payments(&world, &busy), call("POST", "/v1/payments/checkout", &person.token, Some(body))).await;
    assert_eq!(status, 503, "busy is worth retrying: {problem}");
}

#[tokio::test]
async fn only_ones_own_portfolio_and_a_configured_plan_can_be_bought() {
    let world = World::new().await;
    let dana = world.person("dana@example.com").await;
    let eve = world.person("eve@example.com").await;
    let portfolio = world.portfolio(&dana.user, "Dana Levi").await;
    let stripe = MockServer::start().await;
    Mock::given(path("/v1/checkout/sessions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session("cs_test_d", "payment")))
        .mount(&stripe)
        .await;
    let api = payments(&world, &stripe);

    let theirs = json!({"portfolio_id": portfolio.as_str(), "plan": "one_time"});
    assert_eq!(answer(&api, call("POST", "/v1/payments/checkout", &eve.token, Some(theirs.clone()))).await.0, 404);
    let bad_plan = json!({"portfolio_id": portfolio.as_str(), "plan": "lifetime"});
    assert_eq!(answer(&api, call("POST", "/v1/payments/checkout", &dana.token, Some(bad_plan))).await.0, 422);
    assert_eq!(answer(&api, call("POST", "/v1/payments/checkout", "not-a-token", Some(theirs))).await.0, 401);
    assert!(stripe.received_requests().await.expect("recorded").is_empty(), "Stripe was never asked");

    // Dana's own session is hers to look at; Eve finds nothing.
    let mine = json!({"portfolio_id": portfolio.as_str(), "plan": "one_time"});
    assert_eq!(answer(&api, call("POST", "/v1/payments/checkout", &dana.token, Some(mine))).await.0, 201);
    assert_eq!(answer(&api, call("GET", "/v1/payments/sessions/cs_test_d", &eve.token, None)).await.0, 404);
}

#[tokio::test]
async fn the_return_page_learns_the_sessions_and_the_portfolios_state() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let portfolio = world.portfolio(&person.user, "Dana Levi").await;
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session("cs_test_r", "payment")))
        .mount(&stripe)
        .await;
    let complete =
        json!({"id": "cs_test_r", "object": "checkout.session", "status": "complete", "payment_status": "paid"});
    Mock::given(method("GET"))
        .and(path("/v1/checkout/sessions/cs_test_r"))
        .and(header("authorization", format!("Bearer {SECRET_KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(complete))
        .mount(&stripe)
        .await;
    let api = payments(&world, &stripe);
    let body = json!({"portfolio_id": portfolio.as_str(), "plan": "one_time"});
    answer(&api, call("POST", "/v1/payments/checkout", &person.token, Some(body))).await;

    let (status, view) = answer(&api, call("GET", "/v1/payments/sessions/cs_test_r", &person.token, None)).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!((view["status"].as_str(), view["payment_status"].as_str()), (Some("complete"), Some("paid")));
    // Stripe's word on the return page publishes nothing: only the verified webhook does.
    assert_eq!((view["order_status"].as_str(), view["published"].as_bool()), (Some("open"), Some(false)));
}

#[tokio::test]
async fn the_plans_come_with_their_prices_as_stripe_has_them_asked_once() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let stripe = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/prices/price_onetime1"))
        .and(header("authorization", format!("Bearer {SECRET_KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "price_onetime1", "object": "price", "unit_amount": 2900, "currency": "eur",
            "recurring": null, "type": "one_time"})))
        .expect(1)
        .mount(&stripe)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/prices/price_yearly1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "price_yearly1", "object": "price", "unit_amount": 1200, "currency": "usd",
            "recurring": {"interval": "year", "interval_count": 1, "usage_type": "licensed"}, "type": "recurring"})))
        .expect(1)
        .mount(&stripe)
        .await;
    let api = payments(&world, &stripe);

    for _ in 0..2 {
        let (status, plans) = answer(&api, call("GET", "/v1/payments/plans", &person.token, None)).await;
        assert_eq!(status, 200, "{plans}");
        assert_eq!(
            plans["items"],
            json!([
                {"name": "one_time", "mode": "payment", "amount": 2900, "currency": "eur", "interval": null, "interval_count": null},
                {"name": "yearly", "mode": "subscription", "amount": 1200, "currency": "usd", "interval": "year", "interval_count": 1},
            ])
        );
    }
    assert_eq!(answer(&api, call("GET", "/v1/payments/plans", "not-a-token", None)).await.0, 401);
}

#[tokio::test]
async fn plans_are_not_remembered_when_stripe_fails() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let stripe = MockServer::start().await;
    Mock::given(path("/v1/prices/price_onetime1"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": {"type": "api_error"}})))
        .up_to_n_times(1)
        .mount(&stripe)
        .await;
    Mock::given(path("/v1/prices/price_onetime1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "price_onetime1", "unit_amount": 500, "currency": "gbp"})))
        .mount(&stripe)
        .await;
    Mock::given(path("/v1/prices/price_yearly1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "price_yearly1", "unit_amount": 900, "currency": "gbp", "recurring": {"interval": "year"}})))
        .mount(&stripe)
        .await;
    let api = payments(&world, &stripe);
    let (status, problem) = answer(&api, call("GET", "/v1/payments/plans", &person.token, None)).await;
    assert_eq!(status, 503, "{problem}");
    let (status, plans) = answer(&api, call("GET", "/v1/payments/plans", &person.token, None)).await;
    assert_eq!(status, 200, "asked again after the failure: {plans}");
    assert_eq!(plans["items"][1]["interval_count"], 1, "Stripe's default when it leaves it out");
}
