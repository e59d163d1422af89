//! The Step Functions task: the job's original -> a stored CV, with the job's timeline kept.
//!
//! Input `{job_id, user_id, upload_key}`, output `{cv_id, method, warnings}`. Errors carry the
//! names the state machine matches: `Extract.Transient` is retried; `Extract.UnsupportedFile`,
//! `Extract.TooLarge`, `Extract.NeedsOcr` and `Extract.Corrupt` (the file) and
//! `Extract.NotFound` are not. A permanent failure is written on the job here, with a message
//! for the person; a transient one is left to the state machine's retries and catch.
//!
//! Retries are safe: the CV id is the job id, the CV is written once, and a job whose
//! extraction already succeeded answers with what it stored.

use r2w_core::metrics::{self, Unit};
use r2w_http::LambdaError;
use std::sync::Arc;

use bytes::Bytes;
use r2w_core::clock::Clock;
use r2w_core::model::{CvId, ExtractionMethod, JobId, Step, StepStatus, UserId};
use r2w_core::records::cvs::{self, CvRecord};
use r2w_core::records::jobs;
use r2w_core::store::BlobKey;
use r2w_core::{App, Error};
use serde::{Deserialize, Serialize};

use crate::extractor::{ExtractError, Extractor, Mode};
use crate::text::{TextError, check_size};

pub const STEP_NAME: &str = Step::Extract.state_name();

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInput {
    pub job_id: JobId,
    pub user_id: UserId,
    pub upload_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskOutput {
    pub cv_id: CvId,
    pub method: ExtractionMethod,
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// What is wrong with the file.
    #[error(transparent)]
    File(#[from] TextError),
    #[error(transparent)]
    Other(#[from] Error),
}

impl TaskError {
    /// The error Step Functions sees, e.g. `Extract.NeedsOcr`.
    pub fn diagnostic(&self) -> lambda_runtime::Diagnostic {
        match self {
            Self::File(e) => lambda_runtime::Diagnostic {
                error_type: format!("{STEP_NAME}.{}", e.name()),
                error_message: e.to_string(),
            },
            Self::Other(e) => e.task_diagnostic(STEP_NAME),
        }
    }

    fn is_transient(&self) -> bool {
        matches!(self, Self::Other(e) if e.is_transient())
    }
}

impl From<ExtractError> for TaskError {
    fn from(e: ExtractError) -> Self {
        match e {
            ExtractError::Text(e) => Self::File(e),
            e @ ExtractError::Unavailable(_) => Self::Other(Error::unavailable("extracting", e)),
            other => Self::Other(Error::internal("extracting", other)),
        }
    }
}

pub struct ExtractTask {
    app: App,
    extractor: Extractor,
    clock: Arc<dyn Clock>,
}

impl ExtractTask {
    pub fn new(app: App, extractor: Extractor, clock: Arc<dyn Clock>) -> Self {
        Self { app, extractor, clock }
    }

    pub async fn run(&self, input: TaskInput) -> Result<TaskOutput, TaskError> {
        let table = self.app.table.as_ref();
        let job = jobs::load(table, &input.user_id, &input.job_id).await.map_err(Error::from)?;
        // Someone else's job, or an upload that is not this job's, is simply not found.
        let job = job
            .filter(|job| job.upload_key.as_deref() == Some(input.upload_key.as_str()))
            .ok_or_else(|| Error::NotFound("job".into()))?;
        if let (Some(cv_id), Some(StepStatus::Succeeded)) = (&job.cv_id, job.step(Step::Extract).map(|s| s.status))
            && let Some(record) = cvs::load(table, &job.user_id, cv_id).await.map_err(Error::from)?
        {
            return Ok(output(&record));
        }

        self.update_job(&input, |job, now| job.start_step(Step::Extract, now)).await?;
        let started = std::time::Instant::now();
        match self.extract(&input).await {
            Ok(output) => {
                let elapsed = started.elapsed().as_secs_f64() * 1000.0;
                let method = output.method.as_str();
                tracing::info!(cv = %output.cv_id, method, duration_ms = elapsed as u64, "CV extracted");
                metrics::emit("ExtractionDuration", elapsed, Unit::Milliseconds, &[("Method", method)]);
                Ok(output)
            }
            Err(e) if e.is_transient() => Err(e),
            Err(e) => {
                let name = e.diagnostic().error_type;
                let message = match &e {
                    TaskError::File(file) => file.to_string(),
                    TaskError::Other(Error::NotFound(_)) => "the uploaded file is gone; upload it again".to_owned(),
                    TaskError::Other(_) => "something went wrong on our side; try again".to_owned(),
                };
                self.update_job(&input, |job, now| job.fail_step(Step::Extract, name.clone(), message.clone(), now))
                    .await?;
                metrics::emit("PipelineOutcome", 1.0, Unit::Count, &[("Outcome", "failed"), ("Step", STEP_NAME)]);
                Err(e)
            }
        }
    }

    async fn extract(&self, input: &TaskInput) -> Result<TaskOutput, TaskError> {
        let key = BlobKey::parse(input.upload_key.as_str()).map_err(|_| Error::NotFound("upload".into()))?;
        // Refuse an oversized object before downloading it.
        let meta = self.app.uploads.head(&key).await.map_err(Error::from)?;
        check_size(meta.size)?;
        let original: Bytes = self.app.uploads.get(&key).await.map_err(Error::from)?.body;
        let cv = self.extractor.extract(Some(&input.user_id), original, Mode::Auto).await?;

        let now = self.clock.now();
        let cv_id = CvId::parse(input.job_id.as_str()).map_err(|e| Error::internal("the CV id of a job", e))?;
        let record = CvRecord {
            id: cv_id,
            user_id: input.user_id.clone(),
            version: 1,
            job_id: Some(input.job_id.clone()),
            cv,
            created_at: now,
            updated_at: now,
        };
        let record = cvs::create(self.app.table.as_ref(), record).await.map_err(Error::from)?;
        let output = output(&record);
        self.update_job(input, |job, now| {
            job.cv_id = Some(output.cv_id.clone());
            job.finish_step(Step::Extract, output.warnings.clone(), false, now);
        })
        .await?;
        Ok(output)
    }

    async fn update_job(
        &self,
        input: &TaskInput,
        mut change: impl FnMut(&mut r2w_core::model::Job, time::OffsetDateTime),
    ) -> Result<(), TaskError> {
        let now = self.clock.now();
        jobs::update(self.app.table.as_ref(), &input.user_id, &input.job_id, now, |job| change(job, now))
            .await
            .map_err(Error::from)?
            .ok_or_else(|| Error::NotFound("job".into()))?;
        Ok(())
    }
}

fn output(record: &CvRecord) -> TaskOutput {
    TaskOutput {
        cv_id: record.id.clone(),
        method: record.cv.metadata.extraction_method.unwrap_or(ExtractionMethod::Heuristic),
        warnings: record.cv.metadata.warnings.clone(),
    }
}
