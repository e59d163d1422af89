//! Auth speed, printed as tables for docs/benchmarks.md:
//!
//! - Login latency with the chosen argon2id parameters: `POST /v1/auth/login` through the API
//!   on the embedded default (rate-limit reads, account lookup, argon2id check, session start),
//!   side by side with the argon2id check alone, its floor. p50 and p95.
//! - Access-token verifications per second on one thread: [`AccessTokens::verify`] side by side
//!   with a bare `jsonwebtoken::decode` of the same token (the library's own cost). Goal:
//!   at least 100,000 per second on one core.
//!
//! `cargo bench -p r2w-auth --bench auth`

use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use lambda_http::http::Request as HttpRequest;
use lambda_http::{Body, Request};
use r2w_auth::password::Passwords;
use r2w_auth::{AuthApi, AuthSettings};
use r2w_core::Config;
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::SystemClock;
use r2w_core::model::UserId;
use r2w_core::secrets::EnvSecrets;
use secrecy::SecretString;
use serde_json::json;

const LOGIN_RUNS: usize = 40;
const VERIFY_RUNS: usize = 300_000;
const PASSWORD: &str = "violet-teapot-rainfall-93";

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(login());
    verification();
}

async fn login() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Config::embedded(dir.path());
    let settings = AuthSettings::from_vars([], &config.public_url).expect("settings");
    let app = r2w_embedded::app(config, dir.path(), EnvSecrets::from_vars([])).await.expect("app");
    let tokens = Arc::new(AccessTokens::for_app(&app).await.expect("tokens"));
    let api = AuthApi::new(app, tokens, settings, Arc::new(SystemClock)).await.expect("api");
    let request = |path: &str, body: serde_json::Value| -> Request {
        HttpRequest::builder().method("POST").uri(path).body(Body::Text(body.to_string())).expect("request")
    };
    let registered = api
        .handle(request(
            "/v1/auth/register",
            json!({"email": "ada@example.com", "password": PASSWORD, "full_name": "Ada"}),
        ))
        .await;
    assert_eq!(registered.status(), 201);

    let passwords = Passwords::new().await.expect("passwords");
    let hash = passwords.hash(SecretString::from(PASSWORD.to_owned())).await.expect("hash");
    let mut check = Vec::with_capacity(LOGIN_RUNS);
    let mut full = Vec::with_capacity(LOGIN_RUNS);
    for _ in 0..LOGIN_RUNS {
        let started = Instant::now();
        let ok = passwords.verify(SecretString::from(PASSWORD.to_owned()), Some(&hash)).await.expect("verify");
        check.push(started.elapsed());
        assert!(ok);
        let started = Instant::now();
        let response =
            api.handle(request("/v1/auth/login", json!({"email": "ada@example.com", "password": PASSWORD}))).await;
        full.push(started.elapsed());
        assert_eq!(response.status(), 200);
    }
    let (check50, check95) = percentiles(&mut check);
    let (full50, full95) = percentiles(&mut full);
    println!("\nLogin latency (argon2id m=19456 KiB, t=2, p=1; {LOGIN_RUNS} runs, one thread)\n");
    println!("| what | p50 | p95 |");
    println!("| --- | ---: | ---: |");
    println!("| argon2id check alone (reference) | {} | {} |", ms(check50), ms(check95));
    println!("| POST /v1/auth/login, embedded default | {} | {} |", ms(full50), ms(full95));
    println!("\nlogin / argon2id check alone (p50): {:.2}x", full50.as_secs_f64() / check50.as_secs_f64());
}

fn verification() {
    let key = [42u8; 32];
    let tokens = AccessTokens::new(&key).expect("tokens");
    let user = UserId::random();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let token = tokens.issue(&user, 0, now).expect("token");

    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&["r2w"]);
    validation.set_audience(&["r2w-api"]);
    let bare_key = DecodingKey::from_secret(&key);
    let bare = || jsonwebtoken::decode::<serde_json::Value>(&token, &bare_key, &validation).is_ok();
    let ours = || tokens.verify(&token).is_ok();

    let bare_rate = per_second(bare);
    let our_rate = per_second(ours);
    println!("\nAccess-token verification, one thread ({VERIFY_RUNS} verifications, best of 3)\n");
    println!("| what | verifications per second |");
    println!("| --- | ---: |");
    println!("| bare jsonwebtoken::decode, HS256 (reference) | {bare_rate:.0} |");
    println!("| AccessTokens::verify (kid lookup, claims, user id) | {our_rate:.0} |");
    println!("\nours / bare: {:.2}x the rate (goal: >= 100,000 per second)", our_rate / bare_rate);
}

fn per_second(verify: impl Fn() -> bool) -> f64 {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..VERIFY_RUNS {
                assert!(std::hint::black_box(verify()));
            }
            VERIFY_RUNS as f64 / started.elapsed().as_secs_f64()
        })
        .fold(0.0, f64::max)
}

fn percentiles(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
