//! The Pipeline port: start the state machine (Extract, then BuildPortfolio) over one upload.
//! Step Functions in the cloud (`r2w-aws`); where there is none, `r2w-embedded`'s runner runs
//! the state machine itself with the same retry and catch policy, read from its definition.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::{CvId, JobId, UserId};

/// One run: its name (an upload's id, so one run per upload however often its event is
/// delivered; or a CV version, `{cv}-v{n}`) and the state machine's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineRun {
    pub name: String,
    pub input: PipelineInput,
}

/// The state machine's input. With `upload_key`, the run extracts the original then builds
/// the site; with `cv_id` (an edited or imported CV) it only builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineInput {
    pub job_id: JobId,
    pub user_id: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv_id: Option<CvId>,
}

#[async_trait]
pub trait Pipeline: Send + Sync {
    /// Starts a run named by its upload id. `Ok(false)` when a run of that name already
    /// exists: a repeated event starts nothing twice.
    async fn start(&self, run: PipelineRun) -> Result<bool, Error>;
}
