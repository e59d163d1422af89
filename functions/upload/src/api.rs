//! The uploads HTTP API. Every route needs an access token; a person reaches only their own
//! uploads and jobs (anyone else's id answers 404, like an id that does not exist).
//!
//! | route | does |
//! | --- | --- |
//! | `POST /v1/uploads` `{filename, content_type, size}` | 201: a job and a presigned PUT for the file |
//! | `GET /v1/uploads/{id}/original` | 200: a presigned GET of the original |
//! | `GET /v1/jobs/{id}` | the job: status, steps, error, links |
//! | `GET /v1/jobs?cursor=` | the person's jobs, 20 a page |
//! | `/v1/cvs/…` | CV data: see [`crate::cvs`] |

use std::sync::Arc;
use std::time::Duration;

use lambda_http::{Body, Request, Response};
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::{Clock, unix_rfc3339};
use r2w_core::files::{self, FileKind};
use r2w_core::model::{Job, JobId, JobStatus, UploadId, UserId};
use r2w_core::pipeline::Pipeline;
use r2w_core::records::uploads::{self, UploadRecord};
use r2w_core::records::{jobs, portfolios, user_pk};
use r2w_core::store::{BlobKey, Cursor, PresignPut, Query};
use r2w_core::{App, Error};
use serde::{Deserialize, Serialize};

use crate::cvs::CvApi;
use crate::jobs::{JobView, view};

/// How long a presigned upload or download URL stays valid.
pub const PRESIGNED_URL_LIFETIME: Duration = Duration::from_secs(15 * 60);
const PAGE_SIZE: u32 = 20;
const MAX_FILENAME_CHARS: usize = 255;

pub struct UploadApi {
    app: App,
    tokens: Arc<AccessTokens>,
    clock: Arc<dyn Clock>,
    cvs: CvApi,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUpload {
    /// The file's name on the person's machine (kept for their download).
    #[schema(min_length = 1, max_length = 255)]
    filename: String,
    #[schema(value_type = crate::openapi::AcceptedType)]
    content_type: String,
    /// The exact size in bytes (up to 10 MB); the upload URL accepts only this.
    #[schema(minimum = 1, maximum = 10485760)]
    size: u64,
}

/// Where and how to PUT the file.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UploadTicket {
    pub upload_id: UploadId,
    pub job_id: JobId,
    pub url: String,
    pub method: String,
    /// Headers the PUT must carry exactly (they are signed).
    pub headers: std::collections::BTreeMap<String, String>,
    pub expires_at: String,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobPage {
    pub items: Vec<JobView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl UploadApi {
    pub fn new(app: App, tokens: Arc<AccessTokens>, pipeline: Arc<dyn Pipeline>, clock: Arc<dyn Clock>) -> Self {
        Self { cvs: CvApi::new(app.clone(), pipeline, Arc::clone(&clock)), app, tokens, clock }
    }

    pub async fn handle(&self, request: Request) -> Response<Body> {
        r2w_http::serve(request, |request| self.route(request)).await
    }

    async fn route(&self, request: Request) -> Result<Response<Body>, Error> {
        let user = self.tokens.authenticate(self.app.table.as_ref(), &request).await?;
        let path = request.uri().path().trim_end_matches('/').to_owned();
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        match (request.method().as_str(), segments.as_slice()) {
            ("POST", ["v1", "uploads"]) => self.create(&user, r2w_http::json_body(&request, false)?).await,
            ("GET", ["v1", "uploads", id, "original"]) => self.original(&user, id).await,
            ("GET", ["v1", "jobs", id]) => {
                let job = self.owned_job(&user, id).await?;
                r2w_http::json(200, &self.view(job).await?)
            }
            ("POST", ["v1", "cvs", "import"]) => self.cvs.import(&user, &request).await,
            ("GET", ["v1", "cvs", id]) => self.cvs.get(&user, id, &request).await,
            ("PUT", ["v1", "cvs", id]) => self.cvs.put(&user, id, &request).await,
            ("DELETE", ["v1", "cvs", id]) => self.cvs.delete(&user, id).await,
            ("GET", ["v1", "jobs"]) => {
                let cursor = r2w_http::query_param(&request, "cursor").map(Cursor::from_token);
                self.list(&user, cursor).await
            }
            (
                method,
                ["v1", "uploads"]
                | ["v1", "uploads", _, "original"]
                | ["v1", "jobs"]
                | ["v1", "jobs", _]
                | ["v1", "cvs", _],
            ) => Err(Error::BadRequest(format!("{method} is not allowed here"))),
            _ => Err(Error::NotFound("route".into())),
        }
    }

    async fn create(&self, user: &UserId, body: NewUpload) -> Result<Response<Body>, Error> {
        let filename = body.filename.trim();
        if filename.is_empty()
            || filename.chars().count() > MAX_FILENAME_CHARS
            || filename.chars().any(char::is_control)
        {
            return Err(Error::Validation(format!("filename must be 1-{MAX_FILENAME_CHARS} printable characters")));
        }
        let Some(kind) = FileKind::from_content_type(&body.content_type) else {
            return Err(Error::UnsupportedMediaType(format!(
                "{} is not accepted; upload the CV as a PDF, a Word document (.docx) or plain text",
                body.content_type
            )));
        };
        if body.size == 0 {
            return Err(Error::Validation("size must be the file's size in bytes".into()));
        }
        files::check_size(body.size).map_err(|e| Error::PayloadTooLarge(e.to_string()))?;

        let now = self.clock.now();
        let (upload_id, job_id) = (UploadId::random(), JobId::random());
        let upload = UploadRecord {
            id: upload_id.clone(),
            user_id: user.clone(),
            job_id: job_id.clone(),
            filename: filename.to_owned(),
            content_type: kind.content_type().to_owned(),
            size: body.size,
            sha256: None,
            created_at: now,
        };
        let key = upload.object_key();
        let job = Job::awaiting_upload(job_id.clone(), user.clone(), &key, now);
        uploads::create(self.app.table.as_ref(), &upload, &job).await?;
        let request = PresignPut {
            content_type: upload.content_type.clone(),
            content_length: body.size,
            expires_in: PRESIGNED_URL_LIFETIME,
        };
        let signed = self.app.uploads.presign_put(&BlobKey::parse(key)?, request).await?;
        let ticket = UploadTicket {
            upload_id,
            job_id,
            url: signed.url,
            method: signed.method,
            headers: signed.headers,
            expires_at: unix_rfc3339(signed.expires_at),
        };
        tracing::info!(user = %user, upload = %ticket.upload_id, job = %ticket.job_id, "upload ticket issued");
        r2w_http::json(201, &ticket)
    }

    async fn original(&self, user: &UserId, id: &str) -> Result<Response<Body>, Error> {
        let id = UploadId::parse(id).map_err(|_| Error::NotFound("upload".into()))?;
        let upload =
            uploads::load(self.app.table.as_ref(), user, &id).await?.ok_or_else(|| Error::NotFound("upload".into()))?;
        let key = BlobKey::parse(upload.object_key())?;
        self.app
            .uploads
            .head(&key)
            .await
            .map_err(|_| Error::NotFound("the original (it was never uploaded)".into()))?;
        let signed = self.app.uploads.presign_get(&key, PRESIGNED_URL_LIFETIME).await?;
        r2w_http::json(
            200,
            &serde_json::json!({
                "url": signed.url,
                "method": signed.method,
                "filename": upload.filename,
                "content_type": upload.content_type,
                "expires_at": unix_rfc3339(signed.expires_at),
            }),
        )
    }

    async fn list(&self, user: &UserId, cursor: Option<Cursor>) -> Result<Response<Body>, Error> {
        let query = Query::partition(user_pk(user), "JOB#").limit(PAGE_SIZE).after(cursor);
        let page = self.app.table.query(query).await?;
        let mut items = Vec::with_capacity(page.items.len());
        for item in &page.items {
            items.push(self.view(item.data_as()?).await?);
        }
        r2w_http::json(200, &JobPage { items, next_cursor: page.next.map(|c| c.to_string()) })
    }

    async fn owned_job(&self, user: &UserId, id: &str) -> Result<Job, Error> {
        let id = JobId::parse(id).map_err(|_| Error::NotFound("job".into()))?;
        jobs::load(self.app.table.as_ref(), user, &id).await?.ok_or_else(|| Error::NotFound("job".into()))
    }

    async fn view(&self, job: Job) -> Result<JobView, Error> {
        let job = self.settle_if_stalled(job).await;
        let portfolio = match &job.portfolio_id {
            Some(id) => portfolios::load(self.app.table.as_ref(), &job.user_id, id).await?,
            None => None,
        };
        Ok(view(&job, portfolio.as_ref(), &self.app.config.sites_url))
    }

    /// A stalled job is failed where its owner looks at it (see [`Job::fail_if_stalled`]), and
    /// the failure recorded; shown failed even when recording it must wait for the next look.
    async fn settle_if_stalled(&self, job: Job) -> Job {
        let now = self.clock.now();
        if !job.is_stalled(now) {
            return job;
        }
        // A file that did arrive, whose event was lost, did not "never arrive".
        let arrived = match (&job.status, &job.upload_key) {
            (JobStatus::AwaitingUpload, Some(key)) => match BlobKey::parse(key.as_str()) {
                Ok(key) => self.app.uploads.head(&key).await.is_ok(),
                Err(_) => false,
            },
            _ => false,
        };
        let mut settled = job.clone();
        settled.fail_if_stalled(now, arrived);
        match jobs::update(self.app.table.as_ref(), &job.user_id, &job.id, now, |stored| {
            stored.fail_if_stalled(now, arrived);
        })
        .await
        {
            Ok(Some(recorded)) => {
                tracing::warn!(job = %job.id, status = ?job.status, "stalled job failed");
                recorded
            }
            Ok(None) => settled,
            Err(e) => {
                tracing::warn!(job = %job.id, error = %e, "could not record a stalled job's failure yet");
                settled
            }
        }
    }
}
