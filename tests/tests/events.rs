//! Every sample event in events/ (the files `cargo lambda invoke --data-file` takes) fed to its
//! function's handler in-process, on the embedded default, against a person who exists: each
//! file's `sample-*` ids and tokens are swapped for that person's real ones, and a Stripe event
//! is signed again for now. Every file is here, and every route has a file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt};
use r2w_auth::AuthSettings;
use r2w_build_portfolio::task::BuildTask;
use r2w_core::clock::{Clock, SystemClock};
use r2w_core::secrets::EnvSecrets;
use r2w_core::store::{BlobKey, PutOptions};
use r2w_core::{App, Config};
use r2w_extract::extractor::Extractor;
use r2w_extract::task::ExtractTask;
use r2w_local::pipeline::local_pipeline;
use r2w_local::routes::ROUTES;
use r2w_local::server::Server;
use r2w_stripe_webhook::PaymentSettings;
use r2w_tests::{now, stripe_signature};
use r2w_upload::UploadTrigger;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const WEBHOOK_SECRET: &str = "whsec_sample_events_local";
const PASSWORD: &str = "violet-teapot-rainfall-93";

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../events")
}

/// A person with an uploaded CV that became a preview, and a started checkout.
struct World {
    app: App,
    server: Arc<Server>,
    clock: Arc<dyn Clock>,
    ids: Vec<(&'static str, String)>,
    _stripe: MockServer,
    _dir: tempfile::TempDir,
}

impl World {
    /// `processed`: the original went through the pipeline (else it is stored, with no event yet).
    async fn new(processed: bool) -> Self {
        r2w_tests::record_logs();
        let stripe = MockServer::start().await;
        let session = json!({"id": "cs_test_sample", "object": "checkout.session", "client_secret": "cs_test_sample_secret",
                             "status": "open", "payment_status": "unpaid", "amount_total": 1900, "currency": "eur"});
        Mock::given(method("POST"))
            .and(path("/v1/checkout/sessions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&session))
            .mount(&stripe)
            .await;
        Mock::given(method("GET"))
            .and(path_regex("^/v1/checkout/sessions/cs_test_sample$"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&session))
            .mount(&stripe)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1/prices/price_sample"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "price_sample", "object": "price",
                "unit_amount": 1900, "currency": "eur", "recurring": null})))
            .mount(&stripe)
            .await;
        let dir = tempfile::tempdir().expect("tempdir");
        let vars: Vec<(String, String)> = [
            ("R2W_DATA_DIR", dir.path().display().to_string()),
            ("R2W_STRIPE_API_BASE", stripe.uri()),
            ("R2W_STRIPE_PRICE_ONE_TIME", "price_sample".into()),
            ("STRIPE_SECRET_KEY", "sk_test_sample_events".into()),
            ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET.into()),
            ("R2W_OAUTH_GITHUB_CLIENT_ID", "sample-github-client".into()),
            ("R2W_FRONTEND_ORIGINS", "https://app.example.com".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let config = Config::from_vars(vars.clone()).expect("config");
        let auth = AuthSettings::from_vars(vars.clone(), &config.public_url).expect("auth settings");
        let payments = PaymentSettings::from_vars(vars.clone(), &config.public_url).expect("payment settings");
        let app = r2w_embedded::app(config, dir.path(), EnvSecrets::from_vars(vars)).await.expect("app");
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let server = Server::new(app.clone(), auth, payments, Arc::clone(&clock)).await.expect("server");
        let mut world = Self { app, server, clock, ids: Vec::new(), _stripe: stripe, _dir: dir };

        let (status, signed_in) = world
            .call(
                "POST",
                "/v1/auth/register",
                None,
                Some(json!({
            "email": "dana@example.com", "password": PASSWORD, "full_name": "Dana Levi"})),
            )
            .await;
        assert_eq!(status, 201, "{signed_in}");
        let token = signed_in["access_token"].as_str().expect("access token").to_owned();
        let user = signed_in["user"]["id"].as_str().expect("user id").to_owned();
        let refresh = signed_in["refresh_token"].as_str().expect("refresh token").to_owned();

        let original = b"Dana Levi\nData engineer\n\nExperience\nAcme, Data engineer, 2019 - present\n".to_vec();
        let (status, ticket) = world
            .call(
                "POST",
                "/v1/uploads",
                Some(&token),
                Some(json!({
            "filename": "dana-levi-cv.txt", "content_type": "text/plain", "size": original.len()})),
            )
            .await;
        assert_eq!(status, 201, "{ticket}");
        let upload = ticket["upload_id"].as_str().expect("upload id").to_owned();
        let job = ticket["job_id"].as_str().expect("job id").to_owned();
        let key = BlobKey::parse(format!("uploads/{user}/{upload}/original")).expect("key");
        world.app.uploads.put(&key, original.into(), PutOptions::new("text/plain")).await.expect("stored");
        world.ids = vec![
            ("sample-access-token", token.clone()),
            ("sample-refresh-token", refresh),
            ("sample-user", user),
            ("sample-upload", upload),
            ("sample-job", job.clone()),
        ];
        if !processed {
            return world;
        }
        world.server.upload_received(key.as_str()).await.expect("upload event");
        let view = world.settled(&token, &job).await;
        assert_eq!(view["status"], "ready", "{view}");
        let cv = view["links"]["cv"].as_str().expect("cv link").rsplit('/').next().expect("cv id").to_owned();
        let (status, started) = world
            .call(
                "POST",
                "/v1/payments/checkout",
                Some(&token),
                Some(json!({
            "portfolio_id": cv, "plan": "one_time"})),
            )
            .await;
        assert_eq!(status, 201, "{started}");
        world.ids.push(("sample-order", started["order_id"].as_str().expect("order id").to_owned()));
        world.ids.push(("sample-cv", cv));
        world
    }

    async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
        let mut request = lambda_http::http::Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let body = match body {
            Some(body) => {
                request = request.header("content-type", "application/json");
                Body::Text(body.to_string())
            }
            None => Body::Empty,
        };
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.http.source_ip = Some("203.0.113.10".into());
        let request = request.body(body).expect("request").with_request_context(RequestContext::ApiGatewayV2(context));
        let response = self.server.dispatch(request).await;
        let status = response.status().as_u16();
        let json = serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null);
        (status, json)
    }

    fn extract_task(&self) -> ExtractTask {
        let extractor = Extractor::for_app(&self.app, Arc::clone(&self.clock)).expect("extractor");
        ExtractTask::new(self.app.clone(), extractor, Arc::clone(&self.clock))
    }

    async fn settled(&self, token: &str, job: &str) -> Value {
        for _ in 0..200 {
            let (status, view) = self.call("GET", &format!("/v1/jobs/{job}"), Some(token), None).await;
            assert_eq!(status, 200, "{view}");
            if matches!(view["status"].as_str(), Some("ready" | "failed")) {
                return view;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("job {job} did not settle");
    }

    /// The sample file with this world's ids in place of the `sample-*` ones.
    fn event(&self, file: &str) -> String {
        self.event_with(file, &self.ids)
    }

    fn event_with(&self, file: &str, ids: &[(&'static str, String)]) -> String {
        let text = std::fs::read_to_string(events_dir().join(file)).expect("event file");
        // Longest first: `sample-user` must not eat into another placeholder.
        let mut ids = ids.to_vec();
        ids.sort_by_key(|(placeholder, _)| std::cmp::Reverse(placeholder.len()));
        ids.iter().fold(text, |text, (placeholder, real)| text.replace(placeholder, real))
    }

    async fn http(&self, file: &str) -> (u16, Value) {
        self.http_with(file, &self.ids).await
    }

    /// The sample sent by whoever holds `token`, about this world's person's things.
    async fn http_as(&self, file: &str, token: &str) -> (u16, Value) {
        let mut ids = self.ids.clone();
        for (placeholder, value) in &mut ids {
            if *placeholder == "sample-access-token" {
                *value = token.to_owned();
            }
        }
        self.http_with(file, &ids).await
    }

    async fn http_with(&self, file: &str, ids: &[(&'static str, String)]) -> (u16, Value) {
        let mut event: Value = serde_json::from_str(&self.event_with(file, ids)).expect("JSON");
        if let Some(payload) = event["headers"].get("stripe-signature").and(event["body"].as_str()) {
            let signature = stripe_signature(payload, WEBHOOK_SECRET, now());
            event["headers"]["stripe-signature"] = Value::String(signature);
        }
        let request = lambda_http::request::from_str(&event.to_string()).expect("an API Gateway v2 event");
        assert!(matches!(request.request_context_ref(), Some(RequestContext::ApiGatewayV2(_))), "{file}");
        let response = self.server.dispatch(request).await;
        let json = serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null);
        (response.status().as_u16(), json)
    }
}

/// What each sample answers for the person of [`World`].
const HTTP_EVENTS: &[(&str, u16)] = &[
    ("auth/register.json", 201),
    ("auth/login.json", 200),
    ("auth/refresh.json", 200),
    ("auth/logout.json", 204),
    ("auth/logout-all.json", 204),
    ("auth/me.json", 200),
    ("auth/delete-me.json", 204),
    ("auth/oauth-start.json", 302),
    // The sample's state was never issued: the sign-in is refused, back to the frontend.
    ("auth/oauth-callback.json", 400),
    ("auth/oauth-exchange.json", 401),
    // The mailed link's token is made up: refused as a used or expired link would be.
    ("auth/verify-email.json", 422),
    ("auth/resend-verification.json", 202),
    // Dana's address is not confirmed yet, so it cannot be changed.
    ("auth/change-email.json", 422),
    ("auth/forgot-password.json", 202),
    ("auth/reset-password.json", 422),
    ("auth/change-password.json", 200),
    ("auth/enrol-totp.json", 200),
    // Nothing enrolled, and two-step sign-in is off: nothing to confirm or to turn off.
    ("auth/confirm-totp.json", 409),
    ("auth/disable-totp.json", 409),
    ("auth/second-factor.json", 401),
    ("auth/sessions.json", 200),
    ("auth/end-session.json", 404),
    ("upload/create-upload.json", 201),
    ("upload/original.json", 200),
    ("upload/jobs.json", 200),
    ("upload/job.json", 200),
    ("upload/import.json", 201),
    ("upload/cv.json", 200),
    ("upload/edit-cv.json", 200),
    ("upload/delete-cv.json", 204),
    ("portfolios/portfolios.json", 200),
    ("portfolios/portfolio.json", 200),
    ("portfolios/choose-address.json", 200),
    ("portfolios/delete-portfolio.json", 204),
    ("portfolios/rebuild.json", 200),
    ("portfolios/address.json", 200),
    ("portfolios/photo-upload.json", 201),
    // The sample's photo was never PUT: there is nothing to take.
    ("portfolios/take-photo.json", 404),
    ("portfolios/remove-photo.json", 200),
    // The sample portfolio is not published: no domain until it is.
    ("portfolios/add-domain.json", 409),
    ("portfolios/check-domain.json", 404),
    ("portfolios/remove-domain.json", 200),
    ("payments/plans.json", 200),
    ("payments/checkout.json", 201),
    ("payments/session.json", 200),
    ("stripe-webhook/checkout-completed.json", 200),
    ("status/health.json", 200),
    ("status/openapi.json", 200),
];

const TASK_EVENTS: &[&str] =
    &["upload-trigger/original-stored.json", "extract/task-input.json", "build-portfolio/task-input.json"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_http_sample_gets_its_answer_from_its_function() {
    for (file, expected) in HTTP_EVENTS {
        let world = World::new(true).await;
        let (status, body) = world.http(file).await;
        assert_eq!(status, *expected, "{file}: {body}");
        assert!(status < 500, "{file}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_s3_sample_starts_the_pipeline_for_the_stored_original() {
    let world = World::new(false).await;
    let event: aws_lambda_events::s3::S3Event =
        serde_json::from_str(&world.event("upload-trigger/original-stored.json")).expect("an S3 event");
    let extract = world.extract_task();
    let pipeline = Arc::new(local_pipeline(&world.app, extract, Arc::clone(&world.clock)).expect("pipeline"));
    let trigger = UploadTrigger::new(world.app.clone(), pipeline, Arc::clone(&world.clock));
    let received = trigger.handle(event).await.expect("handled");
    assert_eq!(received.len(), 1);
    let token = &world.ids[0].1;
    let job = &world.ids[4].1;
    assert_eq!(world.settled(token, job).await["status"], "ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_samples_run_the_pipeline_steps() {
    let world = World::new(false).await;
    let input: r2w_extract::task::TaskInput =
        serde_json::from_str(&world.event("extract/task-input.json")).expect("extract input");
    let extract = world.extract_task();
    let extracted = extract.run(input).await.expect("extracted");

    let mut world = world;
    world.ids.push(("sample-cv", extracted.cv_id.to_string()));
    let input: r2w_build_portfolio::task::TaskInput =
        serde_json::from_str(&world.event("build-portfolio/task-input.json")).expect("build input");
    let built = BuildTask::new(world.app.clone(), Arc::clone(&world.clock)).run(input).await.expect("built");
    assert_eq!(built.portfolio_id.as_str(), extracted.cv_id.as_str(), "a portfolio per CV");
    assert!(built.preview_url.contains("/previews/"), "{}", built.preview_url);
}

/// The security sweep's ownership half: every route that names a person's thing (an `{id}` in
/// its path, or a portfolio in its body), called by someone else with that person's ids, says
/// 404 — the thing's existence is not revealed — and changes nothing; the lists of someone else
/// never show the person's things.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_elses_ids_are_not_found_on_every_route_and_nothing_changes() {
    let world = World::new(true).await;
    let (status, eve) = world
        .call(
            "POST",
            "/v1/auth/register",
            None,
            Some(json!({"email": "eve@example.com", "password": PASSWORD, "full_name": "Eve Mallory"})),
        )
        .await;
    assert_eq!(status, 201, "{eve}");
    let eve = eve["access_token"].as_str().expect("token").to_owned();
    let dana = world.ids[0].1.clone();
    let (_, before) = world.call("GET", &format!("/v1/cvs/{}", world.ids[6].1), Some(&dana), None).await;

    let mut named = 0;
    for (file, _) in HTTP_EVENTS {
        let event: Value =
            serde_json::from_str(&std::fs::read_to_string(events_dir().join(file)).expect("file")).expect("JSON");
        let route = event["routeKey"].as_str().expect("routeKey");
        // A person's call (Stripe's webhook names a portfolio too, but is no person's call).
        let as_person = event["headers"].get("authorization").is_some();
        let names_a_thing =
            as_person && (route.contains("{id}") || event["body"].as_str().is_some_and(|b| b.contains("sample-cv")));
        if names_a_thing {
            named += 1;
            let (status, body) = world.http_as(file, &eve).await;
            assert_eq!(status, 404, "{route} with someone else's id: {body}");
        } else if matches!(route, "GET /v1/jobs" | "GET /v1/portfolios") {
            let (status, body) = world.http_as(file, &eve).await;
            assert_eq!(status, 200, "{route}");
            let listed = body.to_string();
            for (placeholder, id) in &world.ids[2..] {
                assert!(!listed.contains(id.as_str()), "{route} shows someone else's {placeholder}");
            }
        }
    }
    let with_ids = ROUTES.iter().filter(|r| r.path.contains("{id}")).count();
    assert_eq!(named, with_ids + 1, "every route with an id, and checkout");

    let (status, after) = world.call("GET", &format!("/v1/cvs/{}", world.ids[6].1), Some(&dana), None).await;
    assert_eq!((status, after), (200, before), "the owner's CV is as it was");
    let (status, portfolio) = world.call("GET", &format!("/v1/portfolios/{}", world.ids[6].1), Some(&dana), None).await;
    assert_eq!(status, 200, "the owner's portfolio is still there: {portfolio}");
}

#[test]
fn every_sample_is_checked_and_every_route_has_one() {
    let mut files = BTreeSet::new();
    for function in std::fs::read_dir(events_dir()).expect("events/").filter_map(|e| e.ok()) {
        for file in std::fs::read_dir(function.path()).expect("a function's events").filter_map(|e| e.ok()) {
            let name = format!("{}/{}", function.file_name().to_string_lossy(), file.file_name().to_string_lossy());
            files.insert(name);
        }
    }
    let checked: BTreeSet<String> =
        HTTP_EVENTS.iter().map(|(f, _)| f.to_string()).chain(TASK_EVENTS.iter().map(|f| f.to_string())).collect();
    assert_eq!(files, checked);

    let mut sampled = BTreeSet::new();
    for (file, _) in HTTP_EVENTS {
        let event: Value =
            serde_json::from_str(&std::fs::read_to_string(events_dir().join(file)).expect("file")).expect("JSON");
        let function = file.split('/').next().expect("folder");
        let route = event["routeKey"].as_str().expect("routeKey");
        sampled.insert(format!("{route} {function}"));
    }
    let routes: BTreeSet<String> = ROUTES.iter().map(|r| format!("{} {} {}", r.method, r.path, r.function)).collect();
    assert_eq!(sampled, routes, "one sample per route, in the folder of the function serving it");
}
