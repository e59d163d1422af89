//! The cloud wiring of the pipeline against a local AWS (moto server, started by
//! scripts/test.sh, with its Step Functions executing state machines): the ASL file loads, the
//! upload trigger starts one execution named by the upload id however often its event comes,
//! and when a task fails for good the Catch records the failure on the job through DynamoDB.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use r2w_aws::StepFunctionsPipeline;
use r2w_aws::{DynamoTable, S3Blobs};
use r2w_core::clock::SystemClock;
use r2w_core::model::{Job, JobId, JobStatus, Step, UploadId, UserId};
use r2w_core::records::jobs;
use r2w_core::records::uploads::{self, UploadRecord};
use r2w_core::secrets::EnvSecrets;
use r2w_core::store::{BlobKey, PutOptions};
use r2w_core::{App, Config};
use r2w_upload::{Received, UploadTrigger};

const DEFINITION: &str = include_str!("../../infra/statemachine/pipeline.asl.json");

#[tokio::test]
async fn the_trigger_starts_one_named_run_and_the_catch_records_the_failure() {
    let endpoint = r2w_tests::emulator();
    // moto runs state machines only when told to (its default is to record executions only).
    let config = r2w_http::http_client()
        .build()
        .expect("client")
        .post(format!("{endpoint}/moto-api/config"))
        .json(&serde_json::json!({"stepfunctions": {"execute_state_machine": true}}))
        .send()
        .await
        .expect("moto config");
    assert!(config.status().is_success());
    let sdk = r2w_tests::emulator_sdk(&endpoint).await;

    let table_name = r2w_tests::unique("table");
    let table = DynamoTable::new(aws_sdk_dynamodb::Client::new(&sdk), &table_name);
    table.ensure_table().await.expect("table");
    let uploads_store = S3Blobs::new(&sdk, r2w_tests::unique("uploads"), true).expect("blobs");
    uploads_store.ensure_bucket().await.expect("bucket");
    let dir = tempfile::tempdir().expect("tempdir");
    let app = App {
        config: Arc::new(Config::embedded(dir.path())),
        table: Arc::new(table),
        uploads: Arc::new(uploads_store),
        sites: Arc::new(S3Blobs::new(&sdk, r2w_tests::unique("sites"), true).expect("blobs")),
        secrets: Arc::new(EnvSecrets::from_vars([])),
        domains: Arc::new(r2w_core::domains::NoCustomDomains),
        url_signer: None,
    };

    // The task functions are not deployed in moto, so Extract fails for good: the Catch path.
    let definition = DEFINITION
        .replace("${ExtractFunctionArn}", "arn:aws:lambda:us-east-1:123456789012:function:r2w-extract-absent")
        .replace("${BuildPortfolioFunctionArn}", "arn:aws:lambda:us-east-1:123456789012:function:r2w-build-absent")
        .replace("${TableName}", &table_name);
    let sfn = aws_sdk_sfn::Client::new(&sdk);
    let machine = sfn
        .create_state_machine()
        .name(r2w_tests::unique("pipeline"))
        .definition(definition)
        .role_arn("arn:aws:iam::123456789012:role/r2w-pipeline")
        .send()
        .await
        .expect("the ASL file loads");
    let machine_arn = machine.state_machine_arn().to_owned();
    let pipeline = Arc::new(StepFunctionsPipeline::new(sfn.clone(), &machine_arn));
    let trigger = UploadTrigger::new(app.clone(), pipeline, Arc::new(SystemClock));

    let now = time::OffsetDateTime::now_utc();
    let (user, upload_id, job_id) = (UserId::random(), UploadId::random(), JobId::random());
    let upload = UploadRecord {
        id: upload_id.clone(),
        user_id: user.clone(),
        job_id: job_id.clone(),
        filename: "cv.txt".into(),
        content_type: "text/plain".into(),
        size: 20,
        sha256: None,
        created_at: now,
    };
    let key = upload.object_key();
    uploads::create(app.table.as_ref(), &upload, &Job::awaiting_upload(job_id.clone(), user.clone(), &key, now))
        .await
        .expect("upload and job");
    let object = BlobKey::parse(key.as_str()).expect("key");
    app.uploads
        .put(&object, Bytes::from_static(b"Dana Levi\nEngineer\n"), PutOptions::new("text/plain"))
        .await
        .expect("put");

    assert_eq!(trigger.received(&key).await.expect("first event"), Received::Started);
    assert_eq!(trigger.received(&key).await.expect("second event"), Received::AlreadyStarted);
    let executions = sfn.list_executions().state_machine_arn(&machine_arn).send().await.expect("list");
    let names: Vec<&str> = executions.executions().iter().map(|e| e.name()).collect();
    assert_eq!(names, [upload_id.as_str()], "one execution, named by the upload id");

    let execution_arn = executions.executions()[0].execution_arn().to_owned();
    let started = Instant::now();
    let status = loop {
        let described = sfn.describe_execution().execution_arn(&execution_arn).send().await.expect("describe");
        if described.status().as_str() != "RUNNING" || started.elapsed() > Duration::from_secs(30) {
            break described.status().as_str().to_owned();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(status, "FAILED");
    let job = jobs::load(app.table.as_ref(), &user, &job_id).await.expect("load").expect("the job");
    assert_eq!(job.status, JobStatus::Failed, "{job:?}");
    let failure = job.failure.clone().expect("a recorded failure");
    assert_eq!(failure.step, Step::Extract);
    assert_eq!(failure.error, "Lambda.ResourceNotFoundException");
    assert!(failure.message.contains("upload the CV again"));
    assert!(job.step(Step::Upload).is_some(), "the trigger's own step is kept");
}
