//! After an account is deleted, nothing in the Table and no object in Blobs (any version) holds
//! the person's id, e-mail address or anything from their CV — on the embedded default (where
//! the bytes of the SQLite file and its log are read, not only its items) and on the AWS
//! adapters against the local emulator (a versioned uploads bucket, as deployed).
//!
//! The person does everything that leaves data behind: registers, fails a sign-in, uploads two
//! CVs (one the original app had already read, one Claude reads), overwrites an original,
//! builds, publishes and pays.

use std::path::Path;
use std::sync::Arc;

use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
use bytes::Bytes;
use r2w_auth::{AuthApi, AuthSettings};
use r2w_aws::{DynamoTable, S3Blobs};
use r2w_build_portfolio::task::{BuildTask, TaskInput as BuildInput};
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::SystemClock;
use r2w_core::model::{CvData, Job, JobId, OrderId, UserId};
use r2w_core::records::{jobs, orders};
use r2w_core::secrets::EnvSecrets;
use r2w_core::store::{BlobKey, PutOptions};
use r2w_core::{App, Config};
use r2w_extract::cache::{ExtractionCache, sha256_hex};
use r2w_extract::extractor::Extractor;
use r2w_extract::llm::TOOL_NAME;
use r2w_extract::task::{ExtractTask, TaskInput as ExtractInput};
use r2w_sites::sites::Sites;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const EMAIL: &str = "noa.erasure@example.com";
/// In the CV files, Claude's reading, the original app's reading: each must go.
const MARKERS: [&str; 5] = [
    "ERASE-ME-ORIGINAL-TEXT-41c9",
    "ERASE-ME-OLD-VERSION-8d02",
    "ERASE-ME-CLAUDE-UNCLASSIFIED-5a7e",
    "ERASE-ME-CLAUDE-JOB-b3f6",
    "ERASE-ME-IMPORTED-READING-0e1d",
];

/// A Messages API that reads every CV as the same person, with markers where Claude puts what
/// it could not place.
async fn claude() -> MockServer {
    let server = MockServer::start().await;
    let answer = json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
        "content": [{ "type": "tool_use", "id": "toolu_1", "name": TOOL_NAME, "input": {
            "metadata": { "sourceLanguage": "en" },
            "hero": { "fullName": "Noa Erasure", "professionalTitle": "Engineer" },
            "experience": [{ "title": MARKERS[3], "company": "Wavelength" }],
            "unclassifiedText": MARKERS[2]
        }}],
        "stop_reason": "tool_use", "usage": { "input_tokens": 10, "output_tokens": 10 }
    });
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    server
}

fn config(dir: &Path, claude: &MockServer) -> (Config, EnvSecrets) {
    let vars: Vec<(String, String)> = vec![
        ("R2W_DATA_DIR".into(), dir.display().to_string()),
        ("R2W_ANTHROPIC_BASE_URL".into(), claude.uri()),
        ("ANTHROPIC_API_KEY".into(), "sk-ant-test-local".into()),
    ];
    (Config::from_vars(vars.clone()).expect("config"), EnvSecrets::from_vars(vars))
}

/// The person's whole stay, then the deletion. Returns their id.
async fn stay_and_leave(app: &App) -> UserId {
    let clock = Arc::new(SystemClock);
    let settings = AuthSettings::from_vars([], &app.config.public_url).expect("settings");
    let tokens = Arc::new(AccessTokens::for_app(app).await.expect("tokens"));
    let auth = AuthApi::new(app.clone(), Arc::clone(&tokens), settings, clock.clone()).await.expect("auth");

    let body = json!({"email": EMAIL, "password": "violet-teapot-rainfall-93", "full_name": "Noa Erasure"});
    let registered = auth.handle(r2w_tests::api_request("POST", "/v1/auth/register", None, Some(body))).await;
    assert_eq!(registered.status(), 201);
    let registered = r2w_tests::json_body(&registered);
    let token = registered["access_token"].as_str().expect("token").to_owned();
    let user = UserId::parse(registered["user"]["id"].as_str().expect("id")).expect("user id");
    let wrong = json!({"email": EMAIL, "password": "not-the-password-at-all"});
    assert_eq!(auth.handle(r2w_tests::api_request("POST", "/v1/auth/login", None, Some(wrong))).await.status(), 401);

    // One CV the original app had read (its reading imported), one that Claude reads.
    let text = |n: usize| format!("Noa Erasure\nEngineer\n{}\nCV number {n}\n", MARKERS[0]);
    let read_before = Bytes::from(text(1));
    let mut imported = CvData::default();
    imported.hero.full_name = Some("Noa Erasure".into());
    imported.unclassified_text = Some(MARKERS[4].into());
    let cache = ExtractionCache::new(Arc::clone(&app.table));
    assert!(
        cache.put_imported(&sha256_hex(&read_before), "legacy", &imported, r2w_tests::now()).await.expect("import")
    );

    let extractor = || Extractor::for_app(app, clock.clone()).expect("extractor");
    let mut built = None;
    for (n, original) in [(1, read_before), (2, Bytes::from(text(2)))] {
        let job = JobId::random();
        let upload_key = format!("uploads/{user}/upload-{n}/original");
        let key = BlobKey::parse(&upload_key).expect("key");
        // A first version that the person replaced: an old version in a versioned bucket.
        let replaced = Bytes::from(format!("{}\n{}", MARKERS[1], EMAIL));
        app.uploads.put(&key, replaced, PutOptions::new("text/plain")).await.expect("first upload");
        app.uploads.put(&key, original, PutOptions::new("text/plain")).await.expect("upload");
        jobs::create(
            app.table.as_ref(),
            &Job::queued(job.clone(), user.clone(), &upload_key, time::OffsetDateTime::now_utc()),
        )
        .await
        .expect("job");
        let input = ExtractInput { job_id: job.clone(), user_id: user.clone(), upload_key };
        let extracted = ExtractTask::new(app.clone(), extractor(), clock.clone()).run(input).await.expect("extracted");
        let input = BuildInput { job_id: job, user_id: user.clone(), cv_id: extracted.cv_id, theme: None };
        built = Some(BuildTask::new(app.clone(), clock.clone()).run(input).await.expect("built"));
    }
    let built = built.expect("a portfolio");
    Sites::new(app.clone(), clock.clone()).publish(&user, &built.portfolio_id, None).await.expect("published");
    let now = time::OffsetDateTime::now_utc();
    let order = orders::OrderRecord {
        id: OrderId::random(),
        user_id: Some(user.clone()),
        portfolio_id: Some(built.portfolio_id.clone()),
        plan: "lifetime".into(),
        mode: "payment".into(),
        amount: Some(1900),
        currency: Some("usd".into()),
        session_id: Some("cs_test_erasure".into()),
        payment_id: Some("pi_test_erasure".into()),
        paid_at: Some(now),
        payment_failed_at: None,
        revoked: None,
        created_at: now,
        updated_at: now,
    };
    orders::create(app.table.as_ref(), &order).await.expect("order");

    let deleted = auth.handle(r2w_tests::api_request("DELETE", "/v1/auth/me", Some(&token), None)).await;
    assert_eq!(deleted.status(), 204);
    let kept = orders::load(app.table.as_ref(), &order.id).await.expect("read").expect("accounting keeps the order");
    assert_eq!((kept.user_id, kept.portfolio_id, kept.amount), (None, None, Some(1900)));
    user
}

/// What must not be found anywhere afterwards.
fn traces(user: &UserId) -> Vec<String> {
    let mut traces: Vec<String> = MARKERS.iter().map(|m| (*m).to_owned()).collect();
    traces.push(user.to_string());
    traces.push(EMAIL.to_owned());
    traces
}

fn assert_clean(place: &str, bytes: &[u8], traces: &[String]) {
    for trace in traces {
        let found = bytes.windows(trace.len()).any(|w| w == trace.as_bytes());
        assert!(!found, "{place} still holds {trace:?}");
    }
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        out.push(path.clone());
        if path.is_dir() {
            files_under(&path, out);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_a_deleted_account_leaves_no_trace_in_any_file() {
    r2w_tests::record_logs();
    let dir = tempfile::tempdir().expect("tempdir");
    let claude = claude().await;
    let (config, secrets) = config(dir.path(), &claude);
    let app = r2w_embedded::app(config, dir.path(), secrets).await.expect("app");
    let user = stay_and_leave(&app).await;

    let traces = traces(&user);
    let mut paths = Vec::new();
    files_under(dir.path(), &mut paths);
    let database = paths.iter().filter(|p| p.to_string_lossy().contains("r2w.sqlite3")).count();
    assert!(database >= 1, "the database was read: {paths:?}");
    for path in paths {
        let name = path.strip_prefix(dir.path()).expect("inside").to_string_lossy().into_owned();
        assert_clean(&format!("the name {name}"), name.as_bytes(), &traces);
        if path.is_file() {
            assert_clean(&name, &std::fs::read(&path).expect("read"), &traces);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_a_deleted_account_leaves_no_item_and_no_object_version() {
    r2w_tests::record_logs();
    let sdk = r2w_tests::emulator_sdk(&r2w_tests::emulator()).await;
    let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
    let table_name = r2w_tests::unique("table");
    let table = DynamoTable::new(dynamo.clone(), &table_name);
    table.ensure_table().await.expect("table");
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build());
    let (uploads_bucket, sites_bucket) = (r2w_tests::unique("uploads"), r2w_tests::unique("sites"));
    let uploads = S3Blobs::new(&sdk, &uploads_bucket, true).expect("blobs");
    uploads.ensure_bucket().await.expect("bucket");
    let sites = S3Blobs::new(&sdk, &sites_bucket, true).expect("blobs");
    sites.ensure_bucket().await.expect("bucket");
    // As template.yaml deploys it.
    s3.put_bucket_versioning()
        .bucket(&uploads_bucket)
        .versioning_configuration(VersioningConfiguration::builder().status(BucketVersioningStatus::Enabled).build())
        .send()
        .await
        .expect("versioning");

    let dir = tempfile::tempdir().expect("tempdir");
    let claude = claude().await;
    let (config, secrets) = config(dir.path(), &claude);
    let app = App {
        config: Arc::new(config),
        table: Arc::new(table),
        uploads: Arc::new(uploads),
        sites: Arc::new(sites),
        secrets: Arc::new(secrets),
        domains: Arc::new(r2w_core::domains::NoCustomDomains),
        url_signer: None,
    };
    let user = stay_and_leave(&app).await;
    let traces = traces(&user);

    let mut items = 0;
    let mut pages = dynamo.scan().table_name(&table_name).into_paginator().items().send();
    while let Some(item) = pages.next().await {
        let item = item.expect("scan");
        assert_clean("an item of the table", format!("{item:?}").as_bytes(), &traces);
        items += 1;
    }
    assert!(items > 0, "the scan read the table (the anonymised order at least)");

    for bucket in [&uploads_bucket, &sites_bucket] {
        let listed = s3.list_object_versions().bucket(bucket).send().await.expect("versions");
        let markers = listed.delete_markers().iter().map(|m| (m.key(), m.version_id()));
        for (key, version) in listed.versions().iter().map(|v| (v.key(), v.version_id())).chain(markers) {
            let key = key.expect("key");
            assert_clean(&format!("the key {key}"), key.as_bytes(), &traces);
            if let Ok(object) =
                s3.get_object().bucket(bucket).key(key).set_version_id(version.map(str::to_owned)).send().await
            {
                let body = object.body.collect().await.expect("body").into_bytes();
                assert_clean(&format!("{bucket}/{key} ({version:?})"), &body, &traces);
            }
        }
    }
}
