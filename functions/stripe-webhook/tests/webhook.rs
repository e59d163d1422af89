//! The webhook against events signed by Stripe's own library (npm `stripe`): only genuine,
//! fresh events act; each acts once; any order of arrival ends in the same state.

use std::sync::Arc;

use crate::support::World;
use lambda_http::http::Request as HttpRequest;
use lambda_http::{Body, Request};
use r2w_core::clock::{Clock, SystemClock};
use r2w_core::model::{OrderId, PortfolioId, UserId};
use r2w_core::records::orders::{self, OrderRecord, OrderStatus};
use r2w_core::store::BlobKey;
use r2w_stripe_webhook::WebhookApi;
use r2w_tests::{now, stripe_signature};
use secrecy::SecretString;
use serde_json::{Value, json};

const SECRET: &str = "whsec_test_current";
const OLD_SECRET: &str = "whsec_test_previous";

fn api(world: &World) -> WebhookApi {
    let secrets = [SECRET, OLD_SECRET].map(|s| SecretString::from(s.to_owned())).to_vec();
    WebhookApi::new(world.app.clone(), secrets, Arc::new(SystemClock))
}

fn delivery(body: &str, signature: &str) -> Request {
    HttpRequest::builder()
        .method("POST")
        .uri("/v1/payments/webhook")
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(Body::Text(body.to_owned()))
        .expect("request")
}

async fn deliver(api: &WebhookApi, body: &str, signature: &str) -> (u16, Value) {
    let response = api.handle(delivery(body, signature)).await;
    let status = response.status().as_u16();
    let body: Value = serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null);
    (status, body)
}

/// Delivered as Stripe would: signed now with the endpoint's current secret.
async fn send(api: &WebhookApi, event: &Value) -> (u16, Value) {
    let body = event.to_string();
    deliver(api, &body, &stripe_signature(&body, SECRET, now())).await
}

/// The order the checkout route leaves behind, before Stripe says anything.
async fn order(world: &World, user: &UserId, portfolio: &PortfolioId) -> OrderId {
    let mut order = OrderRecord::open(user.clone(), portfolio.clone(), "one_time", "payment", SystemClock.now());
    order.amount = Some(1900);
    order.currency = Some("eur".into());
    order.session_id = Some(format!("cs_test_{}", portfolio.as_str()));
    orders::create(world.app.table.as_ref(), &order).await.expect("order");
    order.id
}

fn event(id: &str, kind: &str, object: Value) -> Value {
    json!({"id": id, "object": "event", "type": kind, "created": now(), "livemode": false,
           "api_version": "2025-01-27", "data": {"object": object}})
}

fn session_event(id: &str, kind: &str, order: &OrderId, payment_status: &str, payment_intent: &str) -> Value {
    event(
        id,
        kind,
        json!({"id": "cs_test_1", "object": "checkout.session", "mode": "payment",
               "client_reference_id": order.as_str(), "metadata": {"order_id": order.as_str()},
               "payment_status": payment_status, "payment_intent": payment_intent,
               "amount_total": 1900, "currency": "eur", "status": "complete"}),
    )
}

fn refund_event(id: &str, payment_intent: &str) -> Value {
    event(
        id,
        "charge.refunded",
        json!({"id": "ch_1", "object": "charge", "payment_intent": payment_intent, "refunded": true,
               "amount": 1900, "amount_refunded": 1900, "metadata": {}}),
    )
}

async fn order_status(world: &World, order: &OrderId) -> OrderStatus {
    orders::load(world.app.table.as_ref(), order).await.expect("load").expect("order").status()
}

#[tokio::test]
async fn a_paid_checkout_publishes_the_portfolio() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let portfolio = world.portfolio(&person.user, "Dana Levi").await;
    let order = order(&world, &person.user, &portfolio).await;
    let api = api(&world);

    let (status, body) =
        send(&api, &session_event("evt_paid", "checkout.session.completed", &order, "paid", "pi_1")).await;
    assert_eq!((status, body["duplicate"].as_bool()), (200, Some(false)));
    assert_eq!(world.published_slug(&person.user, &portfolio).await.as_deref(), Some("dana-levi"));
    assert_eq!(order_status(&world, &order).await, OrderStatus::Paid);
    let site =
        world.app.sites.get(&BlobKey::parse("sites/dana-levi/index.html").expect("key")).await.expect("public site");
    assert!(String::from_utf8_lossy(&site.body).contains("Dana Levi"));
}

#[tokio::test]
async fn forged_stale_wrongly_keyed_or_altered_events_are_refused_and_change_nothing() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let portfolio = world.portfolio(&person.user, "Dana Levi").await;
    let order = order(&world, &person.user, &portfolio).await;
    let api = api(&world);
    let body = session_event("evt_1", "checkout.session.completed", &order, "paid", "pi_1").to_string();

    let altered = body.replacen("1900", "1901", 1);
    let forged_hmac = format!("t={},v1={}", now(), "ab".repeat(32));
    let cases = [
        ("forged", body.clone(), forged_hmac),
        ("stale (301 s old)", body.clone(), stripe_signature(&body, SECRET, now() - 301)),
        ("wrong secret", body.clone(), stripe_signature(&body, "whsec_someone_else", now())),
        ("body changed by one byte", altered.clone(), stripe_signature(&body, SECRET, now())),
        ("no v1", body.clone(), format!("t={}", now())),
        ("not JSON, genuinely signed", "{not json".to_owned(), stripe_signature("{not json", SECRET, now())),
    ];
    for (case, body, signature) in cases {
        let (status, problem) = deliver(&api, &body, &signature).await;
        assert_eq!(status, 400, "{case}: {problem}");
    }
    let missing = api
        .handle(
            HttpRequest::builder()
                .method("POST")
                .uri("/v1/payments/webhook")
                .body(Body::Text(body.clone()))
                .expect("r"),
        )
        .await;
    assert_eq!(missing.status(), 400, "no signature header");

    assert_eq!(world.published_slug(&person.user, &portfolio).await, None);
    assert_eq!(order_status(&world, &order).await, OrderStatus::Open);
    // Nothing was recorded either: the genuine delivery of the same event still acts.
    let (status, received) = deliver(&api, &body, &stripe_signature(&body, SECRET, now())).await;
    assert_eq!((status, received["duplicate"].as_bool()), (200, Some(false)));
    assert!(world.published_slug(&person.user, &portfolio).await.is_some());
}

#[tokio::test]
async fn a_secret_being_rolled_still_verifies() {
    let world = World::new().await;
    let api = api(&world);
    let body = event("evt_old_secret", "customer.created", json!({"id": "cus_1"})).to_string();
    let (status, _) = deliver(&api, &body, &stripe_signature(&body, OLD_SECRET, now())).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_event_delivered_a_hundred_times_publishes_once() {
    r2w_core::metrics::capture();
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let portfolio = world.portfolio(&person.user, "Dana Levi").await;
    let order = order(&world, &person.user, &portfolio).await;
    let api = Arc::new(api(&world));
    let body = session_event("evt_again", "checkout.session.completed", &order, "paid", "pi_1").to_string();
    let signature = stripe_signature(&body, SECRET, now());

    let mut acted = 0;
    for _ in 0..10 {
        // Ten at a time, in parallel, as Stripe's retries and a replay could overlap.
        let mut deliveries = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let (api, body, signature) = (Arc::clone(&api), body.clone(), signature.clone());
            deliveries.spawn(async move { deliver(&api, &body, &signature).await });
        }
        while let Some(delivered) = deliveries.join_next().await {
            let (status, received) = delivered.expect("delivery");
            assert_eq!(status, 200);
            if received["duplicate"] == json!(false) {
                acted += 1;
            }
        }
    }
    assert_eq!(acted, 1, "exactly one delivery acted");
    // And so the webhook's metric says (other tests in this process may add their own).
    let outcomes: Vec<String> = r2w_core::metrics::captured()
        .iter()
        .filter(|m| m.get("WebhookOutcome").is_some())
        .filter_map(|m| m["Outcome"].as_str().map(String::from))
        .collect();
    assert!(outcomes.iter().filter(|o| *o == "applied").count() >= 1, "{outcomes:?}");
    assert!(outcomes.iter().filter(|o| *o == "duplicate").count() >= 99, "{outcomes:?}");
    let record = r2w_core::records::portfolios::load(world.app.table.as_ref(), &person.user, &portfolio)
        .await
        .expect("load")
        .expect("portfolio");
    let published = record.published.expect("published");
    assert_eq!(published.slug.as_str(), "dana-levi");
    assert_eq!(order_status(&world, &order).await, OrderStatus::Paid);
}

#[tokio::test]
async fn paid_before_the_first_build_is_published_by_that_build() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let input = world.extracted(&person.user, "Dana Levi").await;
    let portfolio = PortfolioId::parse(input.cv_id.as_str()).expect("id");
    let order = order(&world, &person.user, &portfolio).await;
    let api = api(&world);

    let (status, _) =
        send(&api, &session_event("evt_early", "checkout.session.completed", &order, "paid", "pi_1")).await;
    assert_eq!(status, 200);
    assert_eq!(order_status(&world, &order).await, OrderStatus::Paid);

    world.build(input).await;
    assert_eq!(world.published_slug(&person.user, &portfolio).await.as_deref(), Some("dana-levi"));
}

#[tokio::test]
async fn a_refund_before_the_completion_leaves_it_refunded_and_private() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let portfolio = world.portfolio(&person.user, "Dana Levi").await;
    let order = order(&world, &person.user, &portfolio).await;
    let api = api(&world);

    assert_eq!(send(&api, &refund_event("evt_refund", "pi_9")).await.0, 200);
    assert_eq!(
        send(&api, &session_event("evt_done", "checkout.session.completed", &order, "paid", "pi_9")).await.0,
        200
    );

    assert_eq!(order_status(&world, &order).await, OrderStatus::Refunded);
    assert_eq!(world.published_slug(&person.user, &portfolio).await, None);
}

#[tokio::test]
async fn a_refund_after_publishing_takes_the_site_down() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let portfolio = world.portfolio(&person.user, "Dana Levi").await;
    let order = order(&world, &person.user, &portfolio).await;
    let api = api(&world);

    send(&api, &session_event("evt_paid", "checkout.session.completed", &order, "paid", "pi_2")).await;
    assert!(world.published_slug(&person.user, &portfolio).await.is_some());
    let partial = event("evt_partial", "charge.refunded", json!({"payment_intent": "pi_2", "refunded": false}));
    send(&api, &partial).await;
    assert!(world.published_slug(&person.user, &portfolio).await.is_some(), "a partial refund keeps the site");

    send(&api, &refund_event("evt_refund", "pi_2")).await;
    assert_eq!(world.published_slug(&person.user, &portfolio).await, None);
    assert_eq!(order_status(&world, &order).await, OrderStatus::Refunded);
    let gone = world.app.sites.get(&BlobKey::parse("sites/dana-levi/index.html").expect("key")).await;
    assert!(gone.is_err(), "the public files are removed");
}

#[tokio::test]
async fn a_delayed_payment_waits_and_its_outcome_decides() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let paid_later = world.portfolio(&person.user, "Dana Levi").await;
    let failed = world.portfolio(&person.user, "Dana Levi Two").await;
    let (order_ok, order_failed) =
        (order(&world, &person.user, &paid_later).await, order(&world, &person.user, &failed).await);
    let api = api(&world);

    send(&api, &session_event("evt_c1", "checkout.session.completed", &order_ok, "unpaid", "pi_a")).await;
    send(&api, &session_event("evt_c2", "checkout.session.completed", &order_failed, "unpaid", "pi_b")).await;
    assert_eq!(world.published_slug(&person.user, &paid_later).await, None, "unpaid waits");
    assert_eq!(order_status(&world, &order_ok).await, OrderStatus::Open);

    send(&api, &session_event("evt_s1", "checkout.session.async_payment_succeeded", &order_ok, "paid", "pi_a")).await;
    send(&api, &session_event("evt_f1", "checkout.session.async_payment_failed", &order_failed, "unpaid", "pi_b"))
        .await;
    assert!(world.published_slug(&person.user, &paid_later).await.is_some());
    assert_eq!(world.published_slug(&person.user, &failed).await, None);
    assert_eq!(order_status(&world, &order_failed).await, OrderStatus::PaymentFailed);
}

#[tokio::test]
async fn an_ended_subscription_unpublishes_and_unknown_events_are_acknowledged() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let portfolio = world.portfolio(&person.user, "Dana Levi").await;
    let order = order(&world, &person.user, &portfolio).await;
    let api = api(&world);
    let completed = event(
        "evt_sub",
        "checkout.session.completed",
        json!({"id": "cs_sub", "mode": "subscription", "client_reference_id": order.as_str(),
               "metadata": {"order_id": order.as_str()}, "payment_status": "paid", "subscription": "sub_1"}),
    );
    send(&api, &completed).await;
    assert!(world.published_slug(&person.user, &portfolio).await.is_some());

    let (status, _) = send(&api, &event("evt_unknown", "invoice.paid", json!({"id": "in_1"}))).await;
    assert_eq!(status, 200, "an unknown type is acknowledged");
    assert!(world.published_slug(&person.user, &portfolio).await.is_some());

    send(&api, &event("evt_end", "customer.subscription.deleted", json!({"id": "sub_1", "object": "subscription"})))
        .await;
    assert_eq!(world.published_slug(&person.user, &portfolio).await, None);
    assert_eq!(order_status(&world, &order).await, OrderStatus::Canceled);
}

#[tokio::test]
async fn a_deleted_account_leaves_its_orders_to_accounting_without_the_person() {
    let world = World::new().await;
    let person = world.person("dana@example.com").await;
    let portfolio = world.portfolio(&person.user, "Dana Levi").await;
    let order = order(&world, &person.user, &portfolio).await;
    send(&api(&world), &session_event("evt_paid", "checkout.session.completed", &order, "paid", "pi_1")).await;

    r2w_core::account::delete_everything(&world.app, &person.user).await.expect("deleted");
    assert_eq!(
        r2w_core::account::remaining_items(world.app.table.as_ref(), &person.user).await.expect("items"),
        vec![]
    );
    let kept = orders::load(world.app.table.as_ref(), &order).await.expect("load").expect("kept for accounting");
    assert_eq!((&kept.user_id, &kept.portfolio_id), (&None, &None));
    assert_eq!((kept.amount, kept.currency.as_deref(), kept.status()), (Some(1900), Some("eur"), OrderStatus::Paid));
}
