//! The in-process pipeline of `r2w serve`: the state machine run by [`Runner`] over the task
//! functions' own code in this process, as Step Functions runs it over their Lambdas.

use std::sync::Arc;

use async_trait::async_trait;
use r2w_build_portfolio::task::{BuildTask, TaskInput as BuildInput};
use r2w_core::clock::Clock;
use r2w_core::model::{CvId, JobId, UserId};
use r2w_core::pipeline::PipelineInput;
use r2w_core::{App, Error};
use r2w_embedded::runner::{Runner, Tasks};
use r2w_extract::task::{ExtractTask, TaskInput as ExtractInput};

pub type LocalPipeline = Runner<InProcessTasks>;

pub struct InProcessTasks {
    extract: ExtractTask,
    build: BuildTask,
}

/// The in-process pipeline over `app`.
pub fn local_pipeline(app: &App, extract: ExtractTask, clock: Arc<dyn Clock>) -> Result<LocalPipeline, Error> {
    let build = BuildTask::new(app.clone(), Arc::clone(&clock));
    Runner::new(app.clone(), InProcessTasks { extract, build }, clock)
}

#[async_trait]
impl Tasks for InProcessTasks {
    async fn extract(&self, input: &PipelineInput) -> Result<CvId, String> {
        let input = ExtractInput {
            job_id: input.job_id.clone(),
            user_id: input.user_id.clone(),
            upload_key: input.upload_key.clone().unwrap_or_default(),
        };
        let output = self.extract.run(input).await.map_err(|e| e.diagnostic().error_type)?;
        Ok(output.cv_id)
    }

    async fn build_portfolio(&self, job: &JobId, user: &UserId, cv: &CvId) -> Result<(), String> {
        let input = BuildInput { job_id: job.clone(), user_id: user.clone(), cv_id: cv.clone(), theme: None };
        self.build.run(input).await.map(drop).map_err(|e| e.task_error("BuildPortfolio").error_type)
    }
}
