//! The upload API's operations in the OpenAPI document (docs/openapi.json). Each function below
//! stands for one route of `UploadApi::route`; only its attribute is read.
#![allow(dead_code)]

use r2w_core::error::Problem;
use utoipa::OpenApi;

use crate::api::{JobPage, NewUpload, UploadTicket};
use crate::cvs::{CvView, NotOnSite};
use crate::jobs::JobView;

#[derive(OpenApi)]
#[openapi(
    paths(create_upload, original, jobs, job, import_cv, cv, edit_cv, delete_cv),
    components(schemas(UploadTicket, JobPage, JobView, CvView, NotOnSite, OriginalDownload, CvAnswer))
)]
pub struct UploadDoc;

/// What `GET /v1/cvs/{id}` answers: the CV, or the JSON Resume document it exports to (any of
/// the two: a JSON Resume document is an object too, so not "one of").
pub struct CvAnswer;

impl utoipa::PartialSchema for CvAnswer {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::AnyOfBuilder::new()
            .item(utoipa::openapi::Ref::from_schema_name("CvView"))
            .item(r2w_core::openapi::any_object())
            .description(Some("The CV, or with format=json-resume its JSON Resume export."))
            .into()
    }
}

impl utoipa::ToSchema for CvAnswer {}

/// The kinds of file a CV may be.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub enum AcceptedType {
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    Docx,
    #[serde(rename = "text/plain")]
    Text,
}

/// A request body of CV data: the `CvData` schema.
pub struct CvDataBody;

impl utoipa::PartialSchema for CvDataBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        r2w_core::openapi::cv_data_ref()
    }
}

impl utoipa::ToSchema for CvDataBody {}

/// A presigned download of an original.
#[derive(utoipa::ToSchema)]
pub struct OriginalDownload {
    pub url: String,
    pub method: String,
    pub filename: String,
    pub content_type: String,
    pub expires_at: String,
}

/// Asks to upload a CV: a job, and a URL to PUT the file to (15 minutes).
#[utoipa::path(post, path = "/v1/uploads", tag = "uploads", security(("bearer" = [])), request_body = NewUpload,
    responses(
        (status = 201, description = "The upload URL and the job that will follow the file.", body = UploadTicket),
        (status = 413, description = "Larger than 10 MB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF, a Word document or plain text.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad file name or size.", body = Problem, content_type = "application/problem+json"),
    ))]
fn create_upload() {}

/// A download URL for the original file as uploaded.
#[utoipa::path(get, path = "/v1/uploads/{id}/original", tag = "uploads", security(("bearer" = [])),
    params(("id" = String, Path, description = "The upload's id")),
    responses(
        (status = 200, description = "A presigned download (15 minutes).", body = OriginalDownload),
        (status = 404, description = "No such upload of yours, or its file never arrived.", body = Problem, content_type = "application/problem+json"),
    ))]
fn original() {}

/// Your jobs, newest first, 20 a page.
#[utoipa::path(get, path = "/v1/jobs", tag = "jobs", security(("bearer" = [])),
    params(("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses((status = 200, description = "A page of jobs.", body = JobPage)))]
fn jobs() {}

/// One job: its status, the timeline of its steps, why it failed, links to what it made.
#[utoipa::path(get, path = "/v1/jobs/{id}", tag = "jobs", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The job.", body = JobView),
        (status = 404, description = "No such job of yours.", body = Problem, content_type = "application/problem+json"),
    ))]
fn job() {}

/// Makes a CV from a JSON Resume document (jsonresume.org), and its site.
#[utoipa::path(post, path = "/v1/cvs/import", tag = "cvs", security(("bearer" = [])),
    request_body(content = Object, description = "A JSON Resume document."),
    responses(
        (status = 201, description = "The CV, and the job building its site.", body = CvView),
        (status = 422, description = "Not a valid JSON Resume document.", body = Problem, content_type = "application/problem+json"),
    ))]
fn import_cv() {}

/// A CV: its 18 sections (or, with `format=json-resume`, as a JSON Resume document).
#[utoipa::path(get, path = "/v1/cvs/{id}", tag = "cvs", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The CV's id"),
        ("format" = Option<String>, Query, description = "r2w (the default) or json-resume"),
    ),
    responses(
        (status = 200, description = "The CV, or its JSON Resume export.", body = CvAnswer),
        (status = 404, description = "No such CV of yours.", body = Problem, content_type = "application/problem+json"),
    ))]
fn cv() {}

/// Saves an edited CV as its next version, and rebuilds the site.
#[utoipa::path(put, path = "/v1/cvs/{id}", tag = "cvs", security(("bearer" = [])),
    params(("id" = String, Path, description = "The CV's id")),
    request_body(content = CvDataBody, description = "The CV data: the 18 sections."),
    responses(
        (status = 200, description = "The new version, and the job rebuilding the site.", body = CvView),
        (status = 404, description = "No such CV of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not valid CV data.", body = Problem, content_type = "application/problem+json"),
    ))]
fn edit_cv() {}

/// Deletes a CV and everything made from it: its versions, the uploaded original, its jobs, its
/// preview and public site and address. Payments are kept for accounting (not refunded).
#[utoipa::path(delete, path = "/v1/cvs/{id}", tag = "cvs", security(("bearer" = [])),
    params(("id" = String, Path, description = "The CV's id")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No such CV of yours.", body = Problem, content_type = "application/problem+json"),
    ))]
fn delete_cv() {}
