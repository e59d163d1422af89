//! Resilience under failing dependencies: 200 uploads through `r2w serve`'s API and pipeline
//! while 10 % of the calls to the table, both stores, the pipeline and Claude fail (throttled,
//! timed out, or done with the reply lost). Clients retry as a frontend does. Every upload must
//! end `ready` or `failed` with a reason — none left in between — with no portfolio made twice
//! and no original lost.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use r2w_auth::AuthSettings;
use r2w_core::Config;
use r2w_core::clock::ManualClock;
use r2w_core::model::job::STALLED_AFTER;
use r2w_core::secrets::EnvSecrets;
use r2w_core::store::BlobKey;
use r2w_extract::llm::TOOL_NAME;
use r2w_faults::Faults;
use r2w_local::server::Server;
use r2w_stripe_webhook::PaymentSettings;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Registrations are limited to 10 an hour from one address, and the test is one address.
const USERS: usize = 10;
const UPLOADS_PER_USER: usize = 20;
const FAULT_RATE: f64 = 0.10;
const CV_TEXT: &str = include_str!("../../functions/extract/fixtures/txt/01-en-classic.txt");

/// Claude's Messages API, failing as often as everything else.
struct FaultyClaude(Arc<Faults>);

impl Respond for FaultyClaude {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if let Some(fault) = self.0.draw() {
            let kind = if fault.http_status() == 429 { "rate_limit_error" } else { "overloaded_error" };
            return ResponseTemplate::new(fault.http_status())
                .set_body_json(json!({"type": "error", "error": {"type": kind, "message": "injected"}}));
        }
        ResponseTemplate::new(200).set_body_json(json!({
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-opus-5",
            "content": [{"type": "tool_use", "id": "toolu_1", "name": TOOL_NAME, "input": {
                "metadata": {"sourceLanguage": "en"},
                "hero": {"fullName": "Olivia Bennett", "professionalTitle": "Senior Software Engineer"},
                "contact": {"email": "olivia.bennett@example.com"}
            }}],
            "stop_reason": "tool_use", "usage": {"input_tokens": 10, "output_tokens": 10}
        }))
    }
}

struct Client {
    http: reqwest::Client,
    base: url::Url,
}

impl Client {
    /// Sends until an answer that is not a server error, as a frontend retries (a few hundred
    /// attempts at most: at 10 % faults a call needs two or three).
    async fn send(&self, build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder) -> (u16, Value) {
        for _ in 0..200 {
            match build(&self.http).send().await {
                Ok(response) if response.status().is_server_error() => {}
                Ok(response) => {
                    let status = response.status().as_u16();
                    return (status, response.json().await.unwrap_or(Value::Null));
                }
                Err(_) => {}
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("no answer but server errors after 200 attempts");
    }

    fn url(&self, path: &str) -> url::Url {
        self.base.join(path).expect("url")
    }
}

/// One upload as the client saw it.
struct Upload {
    token: String,
    job_id: String,
    object_key: String,
    body: Vec<u8>,
}

/// Faults strike each attempt and the AWS SDK's retries absorb most: nearly all succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn under_ten_percent_faults_every_upload_ends_ready_or_failed_and_nothing_is_lost_or_doubled() {
    let ready = scenario(Faults::new(0.0, 20261202)).await;
    assert!(ready > USERS * UPLOADS_PER_USER * 9 / 10, "behind the SDK's retries nearly all succeed: {ready}");
}

/// Every fault reaches the product (no client retries): many builds give up, and each of them
/// still ends `failed` with a reason, nothing lost or doubled.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_every_fault_exposed_failures_are_reported_and_nothing_is_lost_or_doubled() {
    let ready = scenario(Faults::with_attempts(0.0, 20261203, 1)).await;
    assert!(ready > 0, "some succeed even so");
}

/// Runs the 200 uploads under `faults` at [`FAULT_RATE`]; checks the invariants; returns how
/// many ended ready.
async fn scenario(faults: Arc<Faults>) -> usize {
    r2w_tests::record_logs();
    let claude = MockServer::start().await;
    Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/v1/messages"))
        .respond_with(FaultyClaude(Arc::clone(&faults)))
        .mount(&claude)
        .await;

    let dir = tempfile::tempdir().expect("tempdir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let vars: Vec<(String, String)> = [
        ("R2W_DATA_DIR", dir.path().display().to_string()),
        ("R2W_PUBLIC_URL", base.clone()),
        ("R2W_ANTHROPIC_BASE_URL", claude.uri()),
        ("ANTHROPIC_API_KEY", "sk-ant-test-faults".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let config = Config::from_vars(vars.clone()).expect("config");
    let settings = AuthSettings::from_vars(vars.clone(), &config.public_url).expect("auth settings");
    let payments = PaymentSettings::from_vars(vars.clone(), &config.public_url).expect("payment settings");
    let clean = r2w_embedded::app(config, dir.path(), EnvSecrets::from_vars(vars)).await.expect("app");
    let clock = Arc::new(ManualClock::at(time::OffsetDateTime::now_utc()));
    let server = Server::under_faults(clean.clone(), Arc::clone(&faults), settings, payments, Arc::clone(&clock) as _)
        .await
        .expect("server");
    let _serving = tokio::spawn(Arc::clone(&server).serve(listener));
    let client = Arc::new(Client {
        http: r2w_http::http_client().timeout(Duration::from_secs(30)).build().expect("client"),
        base: url::Url::parse(&base).expect("url"),
    });

    // Accounts are made before the weather turns.
    let mut tokens = Vec::new();
    for i in 0..USERS {
        let body = json!({"email": format!("person{i}@example.com"), "password": "violet-teapot-rainfall-93", "full_name": "Olivia Bennett"});
        let (status, json) = client.send(|http| http.post(client.url("/v1/auth/register")).json(&body)).await;
        assert_eq!(status, 201, "{json}");
        tokens.push(json["access_token"].as_str().expect("token").to_owned());
    }

    faults.set_rate(FAULT_RATE);
    let started = Instant::now();
    let work: Vec<(usize, String)> = (0..USERS * UPLOADS_PER_USER).map(|i| (i, tokens[i % USERS].clone())).collect();
    let uploads: Vec<Upload> = futures::stream::iter(work)
        .map(|(i, token)| {
            let client = Arc::clone(&client);
            async move {
                // Each file differs, so each is a Claude call of its own (no cache hits).
                let body = format!("{CV_TEXT}\nReference number {i}\n").into_bytes();
                let request =
                    json!({"filename": format!("cv-{i}.txt"), "content_type": "text/plain", "size": body.len()});
                let (status, ticket) =
                    client.send(|http| http.post(client.url("/v1/uploads")).bearer_auth(&token).json(&request)).await;
                assert_eq!(status, 201, "{ticket}");
                let put_url = ticket["url"].as_str().expect("url").to_owned();
                let (status, _) = client
                    .send(|http| {
                        let mut put = http.put(&put_url).body(body.clone());
                        for (name, value) in ticket["headers"].as_object().expect("headers") {
                            put = put.header(name, value.as_str().expect("header"));
                        }
                        put
                    })
                    .await;
                assert_eq!(status, 200, "the original is stored");
                let key =
                    url::Url::parse(&put_url).expect("url").path().trim_start_matches("/_blobs/uploads/").to_owned();
                let key = percent_decode(&key);
                Upload { token, job_id: ticket["job_id"].as_str().expect("job").to_owned(), object_key: key, body }
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert_eq!(uploads.len(), USERS * UPLOADS_PER_USER);

    // Watch every job as its owner does until it settles, or the runs have long gone quiet.
    let mut outcome: BTreeMap<String, Value> = BTreeMap::new();
    while outcome.len() < uploads.len() && started.elapsed() < Duration::from_secs(90) {
        let waiting: Vec<&Upload> = uploads.iter().filter(|u| !outcome.contains_key(&u.job_id)).collect();
        for upload in waiting {
            let path = format!("/v1/jobs/{}", upload.job_id);
            let (status, job) = client.send(|http| http.get(client.url(&path)).bearer_auth(&upload.token)).await;
            assert_eq!(status, 200, "{job}");
            if matches!(job["status"].as_str(), Some("ready" | "failed")) {
                outcome.insert(upload.job_id.clone(), job);
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let settled_under_faults = outcome.len();
    let injected = faults.injected();

    // An hour later, what had stopped part-way is failed where its owner looks.
    faults.set_rate(0.0);
    clock.advance((STALLED_AFTER + time::Duration::minutes(1)).unsigned_abs());
    let stalled: Vec<&Upload> = uploads.iter().filter(|u| !outcome.contains_key(&u.job_id)).collect();
    for upload in stalled {
        let path = format!("/v1/jobs/{}", upload.job_id);
        let (_, job) = client.send(|http| http.get(client.url(&path)).bearer_auth(&upload.token)).await;
        outcome.insert(upload.job_id.clone(), job);
    }

    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    for job in outcome.values() {
        match job["status"].as_str() {
            Some("ready") => *by_code.entry("ready".into()).or_default() += 1,
            Some("failed") => {
                let reason = job["error"]["reason"].as_str().unwrap_or_default();
                assert!(!reason.trim().is_empty(), "a failure says why: {job}");
                *by_code.entry(job["error"]["code"].as_str().unwrap_or("?").to_owned()).or_default() += 1;
            }
            other => panic!("a job left {other:?}: {job}"),
        }
    }
    println!(
        "{} uploads, {injected} faults injected; settled under faults: {settled_under_faults}; outcomes: {by_code:?}; {:.1} s",
        uploads.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(injected > 100, "faults were injected: {injected}");

    // Nothing lost: every original is stored, byte for byte.
    for upload in &uploads {
        let key = BlobKey::parse(upload.object_key.as_str()).expect("key");
        let stored = clean.uploads.get(&key).await.expect("the original is kept");
        assert_eq!(stored.body.as_ref(), upload.body.as_slice(), "{}", upload.object_key);
    }

    // Nothing doubled: at most one portfolio per upload (a build whose last write failed may
    // leave its preview behind a failed job), one for every ready job, and every job of every
    // person (those made by retried requests too) settled.
    let ready: HashSet<&str> =
        outcome.iter().filter(|(_, job)| job["status"] == "ready").map(|(id, _)| id.as_str()).collect();
    let mut portfolio_ids = HashSet::new();
    for token in &tokens {
        let (status, list) = client.send(|http| http.get(client.url("/v1/portfolios")).bearer_auth(token)).await;
        assert_eq!(status, 200, "{list}");
        for portfolio in list["items"].as_array().expect("items") {
            let id = portfolio["id"].as_str().expect("id").to_owned();
            assert!(outcome.contains_key(&id), "a portfolio belongs to an upload: {portfolio}");
            assert!(portfolio_ids.insert(id), "one portfolio per upload: {portfolio}");
        }
        let (_, jobs) = client.send(|http| http.get(client.url("/v1/jobs")).bearer_auth(token)).await;
        for job in jobs["items"].as_array().expect("items") {
            assert!(matches!(job["status"].as_str(), Some("ready" | "failed")), "{job}");
        }
    }
    assert!(ready.iter().all(|id| portfolio_ids.contains(*id)), "every ready upload has its portfolio");
    ready.len()
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("k={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
