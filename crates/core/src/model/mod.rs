//! The data the product is about: a CV in 18 sections, and its JSON Resume form.

pub mod cv;
pub mod dates;
pub mod email;
mod hidden;
pub mod ids;
pub mod job;
pub mod json_resume;
pub mod language;
pub mod slug;

pub use cv::*;
pub use dates::{DateError, DateRange, DateRangeError, PartialDate};
pub use email::{Email, EmailError};
pub use ids::{CvId, IdError, JobId, OrderId, PortfolioId, UploadId, UserId};
pub use job::{Job, JobFailure, JobStatus, JobStep, Step, StepStatus};
pub use language::{LanguageTag, TextDirection};
pub use slug::{RESERVED_SLUGS, Slug, SlugError};

/// The JSON Schema of [`CvData`], as checked in at `crates/core/schema/cv-data.schema.json`.
pub fn cv_json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(CvData)).unwrap_or_default()
}
