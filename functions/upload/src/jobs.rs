//! A job as its owner watches it: one status word, the step timeline, why it failed, and links
//! to what it made.

use r2w_core::clock::rfc3339;
use r2w_core::model::{Job, JobStatus, Step, StepStatus};
use r2w_core::records::portfolios::PortfolioRecord;
use r2w_core::records::uploads;
use serde::{Deserialize, Serialize};
use url::Url;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobView {
    pub id: String,
    /// `awaiting_upload`, `queued`, `extracting`, `building`, `ready` or `failed`.
    pub status: String,
    pub steps: Vec<StepView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorView>,
    pub links: Links,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StepView {
    /// `upload`, `extract` or `build_portfolio`.
    pub step: String,
    /// `running`, `succeeded` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub started_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorView {
    /// A stable name such as `Extract.NeedsOcr`.
    pub code: String,
    /// What the person can do about it.
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Links {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portfolio: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
    /// Where to ask for a download of the file as uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
}

pub fn status_word(job: &Job) -> &'static str {
    match job.status {
        JobStatus::AwaitingUpload => "awaiting_upload",
        JobStatus::Queued => "queued",
        JobStatus::Running => match job.steps.iter().rev().find(|s| s.status == StepStatus::Running).map(|s| s.step) {
            Some(Step::BuildPortfolio) => "building",
            Some(Step::Upload | Step::Extract) | None => "extracting",
        },
        JobStatus::Succeeded => "ready",
        JobStatus::Failed => "failed",
    }
}

fn step_word(step: Step) -> &'static str {
    match step {
        Step::Upload => "upload",
        Step::Extract => "extract",
        Step::BuildPortfolio => "build_portfolio",
    }
}

pub fn view(job: &Job, portfolio: Option<&PortfolioRecord>, sites_url: &Url) -> JobView {
    JobView {
        id: job.id.to_string(),
        status: status_word(job).into(),
        steps: job
            .steps
            .iter()
            .map(|s| StepView {
                step: step_word(s.step).into(),
                status: match s.status {
                    StepStatus::Running => "running",
                    StepStatus::Succeeded => "succeeded",
                    StepStatus::Failed => "failed",
                }
                .into(),
                attempts: s.attempts,
                started_at: rfc3339(s.started_at),
                finished_at: s.finished_at.map(rfc3339),
                notes: s.notes.clone(),
            })
            .collect(),
        error: job.failure.as_ref().map(|f| ErrorView { code: f.error.clone(), reason: f.message.clone() }),
        links: Links {
            cv: job.cv_id.as_ref().map(|id| format!("/v1/cvs/{id}")),
            portfolio: job.portfolio_id.as_ref().map(|id| format!("/v1/portfolios/{id}")),
            preview: portfolio.and_then(|p| p.preview.as_ref()).and_then(|p| p.url(sites_url)),
            original: job
                .upload_key
                .as_deref()
                .and_then(uploads::parse_object_key)
                .map(|(_, upload)| format!("/v1/uploads/{upload}/original")),
        },
        created_at: rfc3339(job.created_at),
        updated_at: rfc3339(job.updated_at),
    }
}
