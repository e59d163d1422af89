//! Extraction as the pipeline runs it: Claude when it can, the heuristic when it cannot, one
//! call per file thanks to the cache, none while the breaker is open; and the Extract task's
//! contract with the state machine and the job timeline.

use std::sync::Arc;
use std::time::Duration;

use crate::support::{fixture, pdf_with_pages};
use bytes::Bytes;
use r2w_core::clock::{Clock, ManualClock};
use r2w_core::config::AnthropicSettings;
use r2w_core::model::{ExtractionMethod, Job, JobId, JobStatus, Step, StepStatus, UserId};
use r2w_core::records::{cvs, jobs};
use r2w_core::secrets::EnvSecrets;
use r2w_core::store::{BlobKey, PutOptions};
use r2w_core::{App, Config};
use r2w_extract::breaker::BreakerPolicy;
use r2w_extract::extractor::{ExtractError, Extractor, Mode};
use r2w_extract::llm::{Claude, ClaudeConfig, TOOL_NAME};
use r2w_extract::task::{ExtractTask, TaskInput};
use r2w_extract::text::TextError;
use r2w_extract::text::reader::TextReader;
use serde_json::json;
use time::OffsetDateTime;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MODEL: &str = "claude-opus-5";

struct World {
    app: App,
    /// Who uploaded the files these tests extract.
    owner: UserId,
    clock: Arc<ManualClock>,
    server: MockServer,
    _dir: tempfile::TempDir,
}

impl World {
    /// The embedded app in a fresh folder, with a local Messages API; `key` is the configured
    /// Anthropic key, if any.
    async fn new(key: Option<&str>) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let vars = key.map(|k| ("ANTHROPIC_API_KEY".to_owned(), k.to_owned()));
        let app = r2w_embedded::app(Config::embedded(dir.path()), dir.path(), EnvSecrets::from_vars(vars))
            .await
            .expect("embedded app");
        let clock = Arc::new(ManualClock::at(OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)));
        Self { app, owner: UserId::random(), clock, server: MockServer::start().await, _dir: dir }
    }

    fn extractor(&self) -> Extractor {
        let settings = AnthropicSettings { model: MODEL.into(), ..AnthropicSettings::default() };
        let config = ClaudeConfig {
            base_url: self.server.uri(),
            timeout: Duration::from_secs(5),
            max_retries: 0,
            ..ClaudeConfig::new(&settings)
        };
        Extractor::new(
            Claude::new(config).expect("client"),
            Arc::clone(&self.app.secrets),
            Arc::clone(&self.app.table),
            self.clock.clone(),
            BreakerPolicy::default(),
        )
    }

    async fn claude_answers(&self, answer: ResponseTemplate) {
        self.server.reset().await;
        Mock::given(method("POST")).and(path("/v1/messages")).respond_with(answer).mount(&self.server).await;
    }

    async fn calls(&self) -> usize {
        self.server.received_requests().await.map_or(0, |r| r.len())
    }

    /// A queued job for `user` over `file`, as the upload trigger records it.
    async fn job(&self, user: &UserId, file: &[u8]) -> TaskInput {
        let job_id = JobId::random();
        let upload_key = format!("uploads/{user}/{job_id}/original");
        let key = BlobKey::parse(upload_key.as_str()).expect("key");
        let body = Bytes::copy_from_slice(file);
        self.app.uploads.put(&key, body, PutOptions::new("application/octet-stream")).await.expect("upload");
        let job = Job::queued(job_id.clone(), user.clone(), upload_key.clone(), self.clock.now());
        jobs::create(self.app.table.as_ref(), &job).await.expect("job");
        TaskInput { job_id, user_id: user.clone(), upload_key }
    }

    fn task(&self) -> ExtractTask {
        ExtractTask::new(self.app.clone(), self.extractor(), self.clock.clone())
    }
}

fn cv_text() -> Bytes {
    Bytes::from(fixture("txt/01-en-classic.txt"))
}

fn claude_cv() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": MODEL,
        "content": [{ "type": "tool_use", "id": "toolu_1", "name": TOOL_NAME, "input": {
            "metadata": { "sourceLanguage": "en" },
            "hero": { "fullName": "Olivia Bennett", "professionalTitle": "Senior Software Engineer" },
            "contact": { "email": "olivia.bennett@example.com" }
        }}],
        "stop_reason": "tool_use", "usage": { "input_tokens": 10, "output_tokens": 10 }
    }))
}

fn overloaded() -> ResponseTemplate {
    ResponseTemplate::new(529)
        .set_body_json(json!({ "type": "error", "error": { "type": "overloaded_error", "message": "Overloaded" } }))
}

#[tokio::test]
async fn without_a_key_the_heuristic_extracts_and_claude_is_never_called() {
    let world = World::new(None).await;
    world.claude_answers(claude_cv()).await;
    let cv = world.extractor().extract(Some(&world.owner), cv_text(), Mode::Auto).await.expect("extraction");
    assert_eq!(cv.metadata.extraction_method, Some(ExtractionMethod::Heuristic));
    assert_eq!(cv.hero.full_name.as_deref(), Some("Olivia Bennett"));
    assert!(cv.metadata.warnings.is_empty(), "no key is the offline default, not a failure");
    assert_eq!(world.calls().await, 0);

    let forced = world.extractor().extract(Some(&world.owner), cv_text(), Mode::Anthropic).await;
    assert!(matches!(forced, Err(ExtractError::NoApiKey)), "{forced:?}");
}

#[tokio::test]
async fn the_same_file_costs_one_claude_call() {
    let world = World::new(Some("test-key")).await;
    world.claude_answers(claude_cv()).await;
    let extractor = world.extractor();
    let first = extractor.extract(Some(&world.owner), cv_text(), Mode::Auto).await.expect("first");
    assert_eq!(first.metadata.extraction_method, Some(ExtractionMethod::Llm));
    let again = world.extractor().extract(Some(&world.owner), cv_text(), Mode::Auto).await.expect("again");
    assert_eq!(again, first, "served from the cache");
    assert_eq!(world.calls().await, 1, "a hit skips the call");

    let other_file = Bytes::from(fixture("txt/03-en-compact.txt"));
    world.claude_answers(claude_cv()).await;
    let _ = extractor.extract(Some(&world.owner), other_file, Mode::Auto).await;
    assert_eq!(world.calls().await, 1, "another file is another call");

    world.claude_answers(claude_cv()).await;
    let _ = extractor.extract(Some(&UserId::random()), cv_text(), Mode::Auto).await;
    assert_eq!(world.calls().await, 1, "someone else's copy of the file is read for them, not served from this cache");
}

#[tokio::test]
async fn five_failures_open_the_breaker_and_the_heuristic_answers_until_the_probe() {
    let world = World::new(Some("test-key")).await;
    world.claude_answers(overloaded()).await;
    let extractor = world.extractor();
    for attempt in 1..=5 {
        let cv = extractor.extract(Some(&world.owner), cv_text(), Mode::Auto).await.expect("falls back");
        assert_eq!(cv.metadata.extraction_method, Some(ExtractionMethod::Heuristic));
        assert!(cv.metadata.warnings.iter().any(|w| w.contains("unavailable")), "{:?}", cv.metadata.warnings);
        assert_eq!(world.calls().await, attempt);
    }

    for _ in 0..3 {
        let cv = extractor.extract(Some(&world.owner), cv_text(), Mode::Auto).await.expect("heuristic");
        assert_eq!(cv.metadata.extraction_method, Some(ExtractionMethod::Heuristic));
        let forced = extractor.extract(Some(&world.owner), cv_text(), Mode::Anthropic).await;
        assert!(matches!(forced, Err(ExtractError::Llm(_))), "{forced:?}");
    }
    assert_eq!(world.calls().await, 5, "an open breaker lets no call through");

    world.clock.advance(Duration::from_secs(59));
    let _ = extractor.extract(Some(&world.owner), cv_text(), Mode::Auto).await;
    assert_eq!(world.calls().await, 5, "still open at 59 s");
    world.claude_answers(claude_cv()).await;
    world.clock.advance(Duration::from_secs(1));
    let probe = extractor.extract(Some(&world.owner), cv_text(), Mode::Auto).await.expect("probe");
    assert_eq!(world.calls().await, 1, "after 60 s one probe reaches Claude");
    assert_eq!(probe.metadata.extraction_method, Some(ExtractionMethod::Llm));
    let next = extractor
        .extract(Some(&world.owner), Bytes::from(fixture("txt/06-es-classic.txt")), Mode::Auto)
        .await
        .expect("closed");
    assert_eq!(next.metadata.extraction_method, Some(ExtractionMethod::Llm), "the good probe closed it");
}

#[tokio::test]
async fn a_scan_goes_to_claude_as_a_pdf_or_fails_as_needing_ocr() {
    let scan = Bytes::from(pdf_with_pages(1, None));
    let offline = World::new(None).await;
    let err = offline
        .extractor()
        .extract(Some(&offline.owner), scan.clone(), Mode::Auto)
        .await
        .expect_err("no text, no Claude");
    assert!(matches!(err, ExtractError::Text(TextError::NeedsOcr)), "{err:?}");

    let online = World::new(Some("test-key")).await;
    online.claude_answers(claude_cv()).await;
    let cv = online.extractor().extract(Some(&online.owner), scan, Mode::Auto).await.expect("Claude reads the PDF");
    assert_eq!(cv.hero.full_name.as_deref(), Some("Olivia Bennett"));
    let requests = online.server.received_requests().await.unwrap_or_default();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).expect("json");
    assert_eq!(body["messages"][0]["content"][0]["type"], "document");
}

#[tokio::test]
async fn the_task_stores_the_cv_and_keeps_the_job_timeline() {
    let world = World::new(None).await;
    let user = UserId::random();
    let input = world.job(&user, &fixture("pdf/01-en-classic.pdf")).await;
    let task = world.task();
    let output = task.run(input.clone()).await.expect("extracted");
    assert_eq!(output.method, ExtractionMethod::Heuristic);
    assert_eq!(output.cv_id.as_str(), input.job_id.as_str());

    let stored = cvs::load(world.app.table.as_ref(), &user, &output.cv_id).await.expect("read").expect("stored");
    assert_eq!(stored.version, 1);
    assert_eq!(stored.cv.hero.full_name.as_deref(), Some("Olivia Bennett"));
    let job = jobs::load(world.app.table.as_ref(), &user, &input.job_id).await.expect("read").expect("job");
    assert_eq!(job.cv_id.as_ref(), Some(&output.cv_id));
    assert_eq!(job.status, JobStatus::Running, "the portfolio step is still to come");
    let step = job.step(Step::Extract).expect("timeline");
    assert_eq!((step.status, step.attempts), (StepStatus::Succeeded, 1));
    assert!(step.finished_at.is_some());

    let wire = serde_json::to_value(&output).expect("json");
    assert_eq!(wire["cv_id"], input.job_id.as_str());
    assert_eq!(wire["method"], "heuristic");
    let retried = task.run(input).await.expect("a retried step answers again");
    assert_eq!(retried, output);
}

#[tokio::test]
async fn a_bad_file_fails_the_job_with_a_stable_name_and_a_reason() {
    let world = World::new(None).await;
    let user = UserId::random();
    for (file, name) in [
        (fixture("bad/photo.png"), "Extract.UnsupportedFile"),
        (pdf_with_pages(2, None), "Extract.NeedsOcr"),
        (b"%PDF-1.7\n1 0 obj".to_vec(), "Extract.Corrupt"),
        (fixture("bad/encrypted.pdf"), "Extract.UnsupportedFile"),
    ] {
        let input = world.job(&user, &file).await;
        let err = world.task().run(input.clone()).await.expect_err("bad file");
        assert_eq!(err.diagnostic().error_type, name);
        let job = jobs::load(world.app.table.as_ref(), &user, &input.job_id).await.expect("read").expect("job");
        assert_eq!(job.status, JobStatus::Failed);
        let failure = job.failure.expect("reason recorded");
        assert_eq!((failure.step, failure.error.as_str()), (Step::Extract, name));
        assert!(!failure.message.is_empty());
    }
}

#[tokio::test]
async fn the_task_reading_in_a_read_text_child_stores_what_it_stores_reading_in_process() {
    let world = World::new(None).await;
    let user = UserId::random();
    let child = TextReader::Child {
        program: std::path::PathBuf::from(env!("CARGO_BIN_EXE_read-text")),
        deadline: Duration::from_secs(20),
    };
    let as_the_lambda = ExtractTask::new(world.app.clone(), world.extractor().reading_with(child), world.clock.clone());
    for file in ["pdf/01-en-classic.pdf", "pdf/12-he-classic.pdf", "docx/01-en-classic.docx"] {
        let bytes = fixture(file);
        let in_process = world.task().run(world.job(&user, &bytes).await).await.expect("extracted in process");
        let in_child = as_the_lambda.run(world.job(&user, &bytes).await).await.expect("extracted in a child");
        let stored = |output: &r2w_extract::task::TaskOutput| {
            let (table, user, id) = (world.app.table.clone(), user.clone(), output.cv_id.clone());
            async move { cvs::load(table.as_ref(), &user, &id).await.expect("read").expect("stored").cv }
        };
        assert_eq!(stored(&in_child).await, stored(&in_process).await, "{file}");
        assert_eq!((in_child.method, in_child.warnings), (in_process.method, in_process.warnings), "{file}");
    }
    // A file the child refuses fails the job as in process.
    let input = world.job(&user, &pdf_with_pages(2, None)).await;
    let err = as_the_lambda.run(input).await.expect_err("a scan");
    assert_eq!(err.diagnostic().error_type, "Extract.NeedsOcr");
}

#[tokio::test]
async fn an_oversized_upload_is_refused_before_download() {
    let world = World::new(None).await;
    let user = UserId::random();
    let input = world.job(&user, &vec![b'a'; 11 * 1024 * 1024]).await;
    let err = world.task().run(input).await.expect_err("too large");
    assert_eq!(err.diagnostic().error_type, "Extract.TooLarge");
}

#[tokio::test]
async fn someone_elses_job_or_upload_is_not_found() {
    let world = World::new(None).await;
    let owner = UserId::random();
    let input = world.job(&owner, &fixture("txt/01-en-classic.txt")).await;
    let stranger = TaskInput { user_id: UserId::random(), ..input.clone() };
    let err = world.task().run(stranger).await.expect_err("not theirs");
    assert_eq!(err.diagnostic().error_type, "Extract.NotFound");
    let other_upload = TaskInput { upload_key: format!("uploads/{owner}/x/original"), ..input.clone() };
    let err = world.task().run(other_upload).await.expect_err("not this job's upload");
    assert_eq!(err.diagnostic().error_type, "Extract.NotFound");
    let job = jobs::load(world.app.table.as_ref(), &owner, &input.job_id).await.expect("read").expect("job");
    assert_eq!(job.status, JobStatus::Queued, "the owner's job is untouched");

    let input_json = json!({ "job_id": "JOB#1", "user_id": "u", "upload_key": "k" });
    assert!(serde_json::from_value::<TaskInput>(input_json).is_err(), "ids are checked at the edge");
}
