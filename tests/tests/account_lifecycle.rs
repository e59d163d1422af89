//! One person's whole stay, across functions: register, upload a CV, extract it, build and
//! publish a site, use the portfolios API — then delete the account and find nothing left.

use std::sync::Arc;

use bytes::Bytes;
use r2w_auth::{AuthApi, AuthSettings};
use r2w_build_portfolio::http::PortfolioApi;
use r2w_build_portfolio::task::{BuildTask, TaskInput as BuildInput};
use r2w_core::Config;
use r2w_core::account;
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::SystemClock;
use r2w_core::model::{Job, JobId, UserId};
use r2w_core::records::{jobs, portfolios};
use r2w_core::secrets::EnvSecrets;
use r2w_core::store::{BlobKey, PutOptions};
use r2w_extract::extractor::Extractor;
use r2w_extract::task::{ExtractTask, TaskInput as ExtractInput};
use r2w_sites::sites::Sites;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_account_takes_its_originals_cvs_and_sites_with_it() {
    r2w_tests::record_logs();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Config::embedded(dir.path());
    let settings = AuthSettings::from_vars([], &config.public_url).expect("settings");
    let app = r2w_embedded::app(config, dir.path(), EnvSecrets::from_vars([])).await.expect("app");
    let clock = Arc::new(SystemClock);
    let tokens = Arc::new(AccessTokens::for_app(&app).await.expect("tokens"));
    let auth = AuthApi::new(app.clone(), Arc::clone(&tokens), settings, clock.clone()).await.expect("auth");
    let portfolio_api = PortfolioApi::new(app.clone(), Arc::clone(&tokens), clock.clone());

    let body = json!({"email": "dana@example.com", "password": "violet-teapot-rainfall-93", "full_name": "Dana Levi"});
    let registered = auth.handle(r2w_tests::api_request("POST", "/v1/auth/register", None, Some(body))).await;
    assert_eq!(registered.status(), 201);
    let registered = r2w_tests::json_body(&registered);
    let token = registered["access_token"].as_str().expect("token").to_owned();
    let user = UserId::parse(registered["user"]["id"].as_str().expect("id")).expect("user id");

    let cv = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../functions/extract/fixtures/txt/01-en-classic.txt"))
        .expect("fixture");
    let upload_key = format!("uploads/{user}/upload-1/original");
    let key = BlobKey::parse(&upload_key).expect("key");
    app.uploads.put(&key, Bytes::from(cv), PutOptions::new("text/plain")).await.expect("upload");
    let job = JobId::random();
    jobs::create(
        app.table.as_ref(),
        &Job::queued(job.clone(), user.clone(), &upload_key, time::OffsetDateTime::now_utc()),
    )
    .await
    .expect("job");
    let extractor = Extractor::for_app(&app, clock.clone()).expect("extractor");
    let input = ExtractInput { job_id: job.clone(), user_id: user.clone(), upload_key };
    let extracted = ExtractTask::new(app.clone(), extractor, clock.clone()).run(input).await.expect("extracted");
    let input = BuildInput { job_id: job, user_id: user.clone(), cv_id: extracted.cv_id, theme: None };
    let built = BuildTask::new(app.clone(), clock.clone()).run(input).await.expect("built");
    let published =
        Sites::new(app.clone(), clock.clone()).publish(&user, &built.portfolio_id, None).await.expect("published");
    let slug = published.published.expect("live").slug;
    assert!(!app.sites.list(&format!("sites/{slug}/")).await.expect("list").is_empty(), "the site is live");

    let mine = portfolio_api.handle(r2w_tests::api_request("GET", "/v1/portfolios", Some(&token), None)).await;
    assert_eq!(r2w_tests::json_body(&mine)["items"].as_array().map(Vec::len), Some(1));

    let deleted = auth.handle(r2w_tests::api_request("DELETE", "/v1/auth/me", Some(&token), None)).await;
    assert_eq!(deleted.status(), 204);

    let after = portfolio_api.handle(r2w_tests::api_request("GET", "/v1/portfolios", Some(&token), None)).await;
    assert_eq!(after.status(), 401, "the token no longer opens anything");
    assert_eq!(account::remaining_items(app.table.as_ref(), &user).await.expect("items"), vec![]);
    assert!(portfolios::slug_holder(app.table.as_ref(), &slug).await.expect("slug").is_none(), "the address is free");
    for (store, prefix) in [
        (&app.uploads, format!("uploads/{user}/")),
        (&app.sites, format!("sites/{slug}/")),
        (&app.sites, format!("previews/{}/", built.portfolio_id)),
    ] {
        assert_eq!(store.list(&prefix).await.expect("list").len(), 0, "{prefix} is empty");
    }
}
