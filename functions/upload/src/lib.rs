//! Uploads and jobs: the person's side of the pipeline. `POST /v1/uploads` hands out a
//! presigned PUT for the CV file; the S3 event for it (the trigger) checks the file and starts
//! the pipeline; `GET /v1/jobs/{id}` shows the run step by step.

pub mod api;
pub mod cvs;
pub mod jobs;
pub mod openapi;
pub mod trigger;

pub use api::UploadApi;
pub use trigger::{Received, UploadTrigger};
