//! Webhook speed, printed as a table for docs/benchmarks.md: the latency of
//! `POST /v1/payments/webhook` on the embedded default for a first delivery (signature check,
//! the event id's conditional write, the order lookup) and for a redelivery (signature check,
//! the refused conditional write), side by side with the signature check alone and a bare
//! HMAC-SHA256 of the same body, the floor. p50 and p95.
//!
//! `cargo bench -p r2w-stripe-webhook --bench webhook`

use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use lambda_http::http::Request as HttpRequest;
use lambda_http::{Body, Request};
use r2w_core::Config;
use r2w_core::clock::SystemClock;
use r2w_core::secrets::EnvSecrets;
use r2w_stripe_webhook::WebhookApi;
use r2w_stripe_webhook::signature;
use secrecy::SecretString;
use sha2::Sha256;

const RUNS: usize = 2_000;
const SECRET: &str = "whsec_bench_0123456789abcdef";

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

/// A checkout.session.completed of about Stripe's size, for an order we do not have.
fn event(id: &str) -> String {
    let padding = "x".repeat(1800);
    format!(
        r#"{{"id":"{id}","object":"event","type":"checkout.session.completed","created":{now},"livemode":false,"data":{{"object":{{"id":"cs_test_bench","object":"checkout.session","client_reference_id":"unknownorder","metadata":{{"order_id":"unknownorder"}},"payment_status":"paid","amount_total":1900,"currency":"eur","custom_text":"{padding}"}}}}}}"#,
        now = time::OffsetDateTime::now_utc().unix_timestamp()
    )
}

fn sign(body: &str, t: i64) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn request(body: &str, header: &str) -> Request {
    HttpRequest::builder()
        .method("POST")
        .uri("/v1/payments/webhook")
        .header("stripe-signature", header)
        .body(Body::Text(body.to_owned()))
        .expect("request")
}

async fn run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app =
        r2w_embedded::app(Config::embedded(dir.path()), dir.path(), EnvSecrets::from_vars([])).await.expect("app");
    let secrets = vec![SecretString::from(SECRET.to_owned())];
    let api = WebhookApi::new(app, secrets.clone(), Arc::new(SystemClock));
    let now = || time::OffsetDateTime::now_utc().unix_timestamp();

    let (mut bare, mut verify, mut first, mut again) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let repeated = event("evt_bench_repeated");
    let repeated_header = sign(&repeated, now());
    assert_eq!(api.handle(request(&repeated, &repeated_header)).await.status(), 200);
    for i in 0..RUNS {
        let body = event(&format!("evt_bench_{i}"));
        let header = sign(&body, now());

        let started = Instant::now();
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).expect("key");
        mac.update(body.as_bytes());
        std::hint::black_box(mac.finalize());
        bare.push(started.elapsed());

        let started = Instant::now();
        let verified = signature::verify(Some(&header), body.as_bytes(), &secrets, now());
        verify.push(started.elapsed());
        assert!(verified.is_ok());

        let request_first = request(&body, &header);
        let started = Instant::now();
        let response = api.handle(request_first).await;
        first.push(started.elapsed());
        assert_eq!(response.status(), 200);

        let request_again = request(&repeated, &repeated_header);
        let started = Instant::now();
        let response = api.handle(request_again).await;
        again.push(started.elapsed());
        assert_eq!(response.status(), 200);
    }
    let rows = [
        ("bare HMAC-SHA256 of the body (reference)", &mut bare),
        ("signature check (parse header, tolerance, constant-time compare)", &mut verify),
        ("POST /v1/payments/webhook, first delivery", &mut first),
        ("POST /v1/payments/webhook, redelivery (deduplicated)", &mut again),
    ];
    println!("\nStripe webhook latency (a 2.2 KB event, embedded default, {RUNS} runs, one thread)\n");
    println!("| what | p50 | p95 |");
    println!("| --- | ---: | ---: |");
    let mut p50s = Vec::new();
    for (what, samples) in rows {
        let (p50, p95) = percentiles(samples);
        p50s.push(p50);
        println!("| {what} | {} | {} |", us(p50), us(p95));
    }
    println!(
        "\nfirst delivery / signature check alone (p50): {:.1}x; redelivery: {:.1}x",
        p50s[2].as_secs_f64() / p50s[1].as_secs_f64(),
        p50s[3].as_secs_f64() / p50s[1].as_secs_f64()
    );
}

fn percentiles(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}
