//! What operators see of one upload: every line logged while its job moves through the upload
//! trigger, Extract and BuildPortfolio carries the job's id (the `job` span), and the tasks
//! measure themselves in CloudWatch Embedded Metric Format.

use std::sync::Arc;
use std::time::Duration;

use r2w_core::clock::{Clock, SystemClock};
use r2w_core::config::LogFormat;
use r2w_core::model::{Job, JobId, JobStatus, UploadId, UserId};
use r2w_core::records::jobs;
use r2w_core::records::uploads::{self, UploadRecord};
use r2w_core::secrets::EnvSecrets;
use r2w_core::store::{BlobKey, PutOptions};
use r2w_core::{Config, metrics, telemetry};
use r2w_extract::extractor::Extractor;
use r2w_extract::task::ExtractTask;
use r2w_local::pipeline::local_pipeline;
use r2w_upload::UploadTrigger;
use serde_json::Value;

/// One thread runs everything (the runner's spawned run too), so the subscriber set for this
/// thread sees every line.
#[tokio::test(flavor = "current_thread")]
async fn one_jobs_lines_all_carry_its_id_and_its_steps_are_measured() {
    let captured = telemetry::CapturedLogs::default();
    let _logs = tracing::subscriber::set_default(telemetry::subscriber(LogFormat::Json, captured.clone()));
    metrics::capture();

    let dir = tempfile::tempdir().expect("tempdir");
    let app =
        r2w_embedded::app(Config::embedded(dir.path()), dir.path(), EnvSecrets::from_vars([])).await.expect("app");
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let extractor = Extractor::for_app(&app, Arc::clone(&clock)).expect("extractor");
    let extract = ExtractTask::new(app.clone(), extractor, Arc::clone(&clock));
    let pipeline = Arc::new(local_pipeline(&app, extract, Arc::clone(&clock)).expect("pipeline"));
    let trigger = UploadTrigger::new(app.clone(), pipeline, Arc::clone(&clock));

    let (user, job_id) = (UserId::random(), JobId::random());
    let original = b"Noa Shapiro\nData engineer\n\nExperience\nAcme, Data engineer, 2019 - present\n".to_vec();
    let upload = UploadRecord {
        id: UploadId::random(),
        user_id: user.clone(),
        job_id: job_id.clone(),
        filename: "cv.txt".into(),
        content_type: "text/plain".into(),
        size: original.len() as u64,
        sha256: None,
        created_at: clock.now(),
    };
    let key = upload.object_key();
    uploads::create(
        app.table.as_ref(),
        &upload,
        &Job::awaiting_upload(job_id.clone(), user.clone(), &key, clock.now()),
    )
    .await
    .expect("upload recorded");
    let blob = BlobKey::parse(key.as_str()).expect("key");
    app.uploads.put(&blob, original.into(), PutOptions::new("text/plain")).await.expect("stored");
    trigger.received(&key).await.expect("event");
    for _ in 0..400 {
        let job = jobs::load(app.table.as_ref(), &user, &job_id).await.expect("load").expect("job");
        if job.status == JobStatus::Succeeded {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let text = captured.text();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    for message in ["pipeline start", "CV extracted", "portfolio built"] {
        let line =
            lines.iter().find(|l| l["message"] == message).unwrap_or_else(|| panic!("{message:?} logged:\n{text}"));
        let spans = line["spans"].as_array().expect("spans");
        assert!(
            spans.iter().any(|s| s["name"] == "job" && s["job_id"] == job_id.as_str()),
            "{message:?} carries the job id: {line}"
        );
    }
    let outside: Vec<&Value> = lines
        .iter()
        .filter(|l| !l["spans"].as_array().is_some_and(|s| s.iter().any(|s| s["job_id"] == job_id.as_str())))
        .collect();
    assert!(outside.is_empty(), "every line of the run names the job: {outside:?}");

    let measured = metrics::captured();
    let metric = |name: &str| measured.iter().find(|m| m.get(name).is_some()).cloned();
    let extraction = metric("ExtractionDuration").expect("extraction measured");
    assert_eq!(extraction["Method"], "heuristic");
    assert!(extraction["ExtractionDuration"].as_f64().is_some_and(|ms| ms >= 0.0));
    assert!(metric("BuildDuration").is_some(), "build measured");
    let outcome = metric("PipelineOutcome").expect("outcome counted");
    assert_eq!((outcome["Outcome"].as_str(), outcome["PipelineOutcome"].as_f64()), (Some("ready"), Some(1.0)));
}
