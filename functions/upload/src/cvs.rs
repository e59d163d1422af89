//! CV data, as its owner reads and edits it.
//!
//! | route | does |
//! | --- | --- |
//! | `GET /v1/cvs/{id}` (`?format=json-resume`) | the latest version |
//! | `PUT /v1/cvs/{id}` (CV data) | a new version, checked against the schema; the site is rebuilt |
//! | `DELETE /v1/cvs/{id}` | the CV and all made from it: versions, original, jobs, site |
//! | `POST /v1/cvs/import` (a JSON Resume document) | a new CV from it, and its site (no extraction) |
//!
//! Edits and imports start a build-only pipeline run, tracked by a job like an upload.

use std::sync::Arc;

use lambda_http::{Body, Request, Response};
use r2w_core::clock::Clock;
use r2w_core::model::{CvData, CvDataError, CvId, Job, JobId, UserId, json_resume};
use r2w_core::pipeline::{Pipeline, PipelineInput, PipelineRun};
use r2w_core::records::cvs::{self, CvRecord};
use r2w_core::records::jobs;
use r2w_core::{App, Error};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CvView {
    pub id: CvId,
    pub version: u64,
    #[schema(schema_with = r2w_core::openapi::cv_data_ref)]
    pub cv: CvData,
    pub updated_at: String,
    /// What this CV holds that its site never shows.
    pub not_on_site: NotOnSite,
    /// The job rebuilding the site, after an edit or import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<JobId>,
}

/// The parts of a CV that stay private: what the extractor could not place and what it warns
/// about, for the person to place in a section, fix or discard, and what they chose to hide.
/// (Also in `cv`; gathered here so a client cannot overlook them.)
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotOnSite {
    /// Text from the CV that fits no section (`cv.unclassifiedText`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unclassified_text: Option<String>,
    /// What extraction noticed: a contact it could not verify, a date it could not read...
    pub warnings: Vec<String>,
    /// JSON Pointers to the fields and entries the person hid (`cv.hidden`).
    pub hidden: Vec<String>,
}

pub struct CvApi {
    app: App,
    pipeline: Arc<dyn Pipeline>,
    clock: Arc<dyn Clock>,
}

impl CvApi {
    pub fn new(app: App, pipeline: Arc<dyn Pipeline>, clock: Arc<dyn Clock>) -> Self {
        Self { app, pipeline, clock }
    }

    pub async fn get(&self, user: &UserId, id: &str, request: &Request) -> Result<Response<Body>, Error> {
        let record = self.owned(user, id).await?;
        match r2w_http::query_param(request, "format").as_deref() {
            None | Some("r2w") => r2w_http::json(200, &view(&record, None)),
            Some("json-resume") => r2w_http::json(200, &json_resume::export(&record.cv)),
            Some(other) => Err(Error::BadRequest(format!("format must be r2w or json-resume, not {other:?}"))),
        }
    }

    pub async fn put(&self, user: &UserId, id: &str, request: &Request) -> Result<Response<Body>, Error> {
        let cv = CvData::from_json(body(request)?).map_err(|e| match e {
            CvDataError::InvalidAt { pointer, detail } => Error::InvalidField { pointer, detail },
            other => Error::Validation(other.to_string()),
        })?;
        let record = self.owned(user, id).await?;
        let saved = cvs::save_version(self.app.table.as_ref(), user, &record.id, cv, self.clock.now())
            .await?
            .ok_or_else(|| Error::NotFound("CV".into()))?;
        let job = self.rebuild(&saved).await?;
        r2w_http::json(200, &view(&saved, Some(job)))
    }

    /// Deletes the CV and everything made from it (its upload, its site); someone else's id, or
    /// one already deleted, is not found.
    pub async fn delete(&self, user: &UserId, id: &str) -> Result<Response<Body>, Error> {
        let not_found = || Error::NotFound("CV".into());
        let id = CvId::parse(id).map_err(|_| not_found())?;
        r2w_core::account::delete_cv(&self.app, user, &id).await?.ok_or_else(not_found)?;
        r2w_http::no_content()
    }

    pub async fn import(&self, user: &UserId, request: &Request) -> Result<Response<Body>, Error> {
        let document: serde_json::Value = serde_json::from_slice(body(request)?)
            .map_err(|e| Error::BadRequest(format!("the body is not JSON: {e}")))?;
        let cv = json_resume::import(&document).map_err(|e| Error::Validation(e.to_string()))?;
        let now = self.clock.now();
        let record = CvRecord {
            id: CvId::random(),
            user_id: user.clone(),
            version: 1,
            job_id: None,
            cv,
            created_at: now,
            updated_at: now,
        };
        let record = cvs::create(self.app.table.as_ref(), record).await?;
        let job = self.rebuild(&record).await?;
        r2w_http::json(201, &view(&record, Some(job)))
    }

    /// A build-only run for this version of the CV, tracked by a new job.
    async fn rebuild(&self, record: &CvRecord) -> Result<JobId, Error> {
        let job = Job::rebuild(JobId::random(), record.user_id.clone(), record.id.clone(), self.clock.now());
        jobs::create(self.app.table.as_ref(), &job).await?;
        let run = PipelineRun {
            name: format!("{}-v{}", record.id, record.version),
            input: PipelineInput {
                job_id: job.id.clone(),
                user_id: record.user_id.clone(),
                upload_key: None,
                cv_id: Some(record.id.clone()),
            },
        };
        self.pipeline.start(run).await?;
        Ok(job.id)
    }

    async fn owned(&self, user: &UserId, id: &str) -> Result<CvRecord, Error> {
        let id = CvId::parse(id).map_err(|_| Error::NotFound("CV".into()))?;
        cvs::load(self.app.table.as_ref(), user, &id).await?.ok_or_else(|| Error::NotFound("CV".into()))
    }
}

/// A CV is larger than an ordinary request body; 256 KB holds the longest real CV many times.
const MAX_CV_BYTES: usize = 256 * 1024;

fn body(request: &Request) -> Result<&[u8], Error> {
    let bytes: &[u8] = request.body().as_ref();
    if bytes.len() > MAX_CV_BYTES {
        return Err(Error::PayloadTooLarge(format!("a CV document is at most {MAX_CV_BYTES} bytes")));
    }
    Ok(bytes)
}

fn view(record: &CvRecord, job_id: Option<JobId>) -> CvView {
    CvView {
        id: record.id.clone(),
        version: record.version,
        cv: record.cv.clone(),
        updated_at: r2w_core::clock::rfc3339(record.updated_at),
        not_on_site: NotOnSite {
            unclassified_text: record.cv.unclassified_text.clone(),
            warnings: record.cv.metadata.warnings.clone(),
            hidden: record.cv.hidden.clone(),
        },
        job_id,
    }
}
