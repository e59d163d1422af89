//! The upload trigger: S3's `ObjectCreated` event for an original. It checks the file (size,
//! then signature), moves the job from `awaiting_upload` to `queued`, and starts the pipeline
//! under the upload's id — so an event delivered twice starts one run. A bad file fails the
//! job with a reason; the object itself is kept, never deleted.

use std::sync::Arc;

use aws_lambda_events::s3::S3Event;
use r2w_core::clock::Clock;
use r2w_core::files;
use r2w_core::model::{JobStatus, Step, UserId};
use r2w_core::pipeline::{Pipeline, PipelineInput, PipelineRun};
use r2w_core::records::{jobs, uploads};
use r2w_core::store::BlobKey;
use r2w_core::{App, Error};

/// What became of one object's event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A run was started.
    Started,
    /// The run already exists (a repeated event).
    AlreadyStarted,
    /// The file was refused; the job says why.
    Rejected(String),
    /// Not an original we are waiting for (another key, an unknown upload).
    Ignored,
}

pub struct UploadTrigger {
    app: App,
    pipeline: Arc<dyn Pipeline>,
    clock: Arc<dyn Clock>,
}

impl UploadTrigger {
    pub fn new(app: App, pipeline: Arc<dyn Pipeline>, clock: Arc<dyn Clock>) -> Self {
        Self { app, pipeline, clock }
    }

    /// Every record of an S3 event. An error is returned (and Lambda retries the event) only
    /// for what may succeed later; the work is idempotent, so a retry is safe.
    pub async fn handle(&self, event: S3Event) -> Result<Vec<Received>, Error> {
        let mut outcomes = Vec::with_capacity(event.records.len());
        for record in event.records {
            let Some(key) = record.s3.object.key.as_deref() else { continue };
            outcomes.push(self.received(&decode_event_key(key)).await?);
        }
        Ok(outcomes)
    }

    pub async fn received(&self, key: &str) -> Result<Received, Error> {
        let table = self.app.table.as_ref();
        let Some((user, upload_id)) = uploads::parse_object_key(key) else {
            tracing::warn!(key, "an object that is not an original; ignored");
            return Ok(Received::Ignored);
        };
        let Some(upload) = uploads::load(table, &user, &upload_id).await? else {
            tracing::warn!(key, "an original nobody asked to upload; ignored");
            return Ok(Received::Ignored);
        };
        let span = r2w_core::telemetry::job_span(upload.job_id.as_str());
        tracing::Instrument::instrument(self.received_for(key, user, upload), span).await
    }

    /// The rest of [`Self::received`], in the job's span: every line it logs names the job.
    async fn received_for(&self, key: &str, user: UserId, upload: uploads::UploadRecord) -> Result<Received, Error> {
        let table = self.app.table.as_ref();
        let job = jobs::load(table, &user, &upload.job_id).await?.ok_or_else(|| Error::NotFound("job".into()))?;
        match job.status {
            JobStatus::AwaitingUpload => {
                if let Err(reason) = self.check(key).await? {
                    self.update(&upload, |job, now| {
                        job.fail_step(Step::Upload, "Upload.Rejected", reason.clone(), now)
                    })
                    .await?;
                    tracing::info!(key, reason, "upload rejected");
                    return Ok(Received::Rejected(reason));
                }
                self.update(&upload, |job, now| {
                    if job.status == JobStatus::AwaitingUpload {
                        job.mark_received(now);
                    }
                })
                .await?;
            }
            JobStatus::Failed if job.step(Step::Extract).is_none() => {
                return Ok(Received::Rejected(job.failure.map(|f| f.message).unwrap_or_default()));
            }
            // Done already: a repeated event, or an original imported together with its CV
            // (docs/migration.md), whose store event must not extract it again.
            JobStatus::Succeeded => return Ok(Received::AlreadyStarted),
            _ => {}
        }
        let run = PipelineRun {
            name: upload.id.to_string(),
            input: PipelineInput {
                job_id: upload.job_id.clone(),
                user_id: user,
                upload_key: Some(key.to_owned()),
                cv_id: None,
            },
        };
        let started = self.pipeline.start(run).await?;
        tracing::info!(key, job = %upload.job_id, started, "pipeline start");
        Ok(if started { Received::Started } else { Received::AlreadyStarted })
    }

    /// `Ok(Err(reason))` for a file we refuse; `Err` when the store cannot answer.
    async fn check(&self, key: &str) -> Result<Result<(), String>, Error> {
        let key = BlobKey::parse(key)?;
        let meta = self.app.uploads.head(&key).await?;
        if let Err(e) = files::check_size(meta.size) {
            return Ok(Err(e.to_string()));
        }
        let original = self.app.uploads.get(&key).await?;
        Ok(files::sniff(&original.body).map(|_| ()).map_err(|e| e.to_string()))
    }

    async fn update(
        &self,
        upload: &uploads::UploadRecord,
        mut change: impl FnMut(&mut r2w_core::model::Job, time::OffsetDateTime),
    ) -> Result<(), Error> {
        let now = self.clock.now();
        jobs::update(self.app.table.as_ref(), &upload.user_id, &upload.job_id, now, |job| change(job, now))
            .await?
            .ok_or_else(|| Error::NotFound("job".into()))?;
        Ok(())
    }
}

/// S3 event keys are URL-encoded, with `+` for a space.
fn decode_event_key(key: &str) -> String {
    let plus_as_space = key.replace('+', " ");
    percent_encoding::percent_decode_str(&plus_as_space).decode_utf8_lossy().into_owned()
}
