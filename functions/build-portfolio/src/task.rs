//! The Step Functions task after Extract: the stored CV -> its preview site.
//!
//! Input `{job_id, user_id, cv_id, theme?}`, output `{portfolio_id, preview_url}`. Errors are
//! named `BuildPortfolio.Transient` (retried), `BuildPortfolio.NotFound` and
//! `BuildPortfolio.Validation` (an unknown theme). The portfolio id is the CV id, so a retried
//! step rebuilds the same portfolio rather than making a second one.

use r2w_core::metrics::{self, Unit};
use r2w_sites::{Sites, Theme};
use std::sync::Arc;

use r2w_core::clock::Clock;
use r2w_core::model::{CvId, Job, JobId, PortfolioId, Step, UserId};
use r2w_core::records::{cvs, jobs, portfolios};
use r2w_core::{App, Error};
use serde::{Deserialize, Serialize};

pub const STEP_NAME: &str = Step::BuildPortfolio.state_name();

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInput {
    pub job_id: JobId,
    pub user_id: UserId,
    pub cv_id: CvId,
    #[serde(default)]
    pub theme: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskOutput {
    pub portfolio_id: PortfolioId,
    pub preview_url: String,
}

pub struct BuildTask {
    app: App,
    sites: Sites,
    clock: Arc<dyn Clock>,
}

impl BuildTask {
    pub fn new(app: App, clock: Arc<dyn Clock>) -> Self {
        Self { sites: Sites::new(app.clone(), Arc::clone(&clock)), app, clock }
    }

    pub async fn run(&self, input: TaskInput) -> Result<TaskOutput, Error> {
        let table = self.app.table.as_ref();
        let job = jobs::load(table, &input.user_id, &input.job_id).await?;
        // Someone else's job, or a CV that is not this job's, is simply not found.
        job.filter(|job| job.cv_id.as_ref() == Some(&input.cv_id)).ok_or_else(|| Error::NotFound("job".into()))?;
        self.update_job(&input, |job, now| job.start_step(Step::BuildPortfolio, now)).await?;
        let started = std::time::Instant::now();
        match self.build(&input).await {
            Ok(output) => {
                let elapsed = started.elapsed().as_secs_f64() * 1000.0;
                tracing::info!(portfolio = %output.portfolio_id, duration_ms = elapsed as u64, "portfolio built");
                metrics::emit("BuildDuration", elapsed, Unit::Milliseconds, &[]);
                metrics::emit("PipelineOutcome", 1.0, Unit::Count, &[("Outcome", "ready"), ("Step", STEP_NAME)]);
                Ok(output)
            }
            Err(e) if e.is_transient() => Err(e),
            Err(e) => {
                let name = e.task_error(STEP_NAME).error_type;
                let message = match &e {
                    Error::Validation(m) => m.clone(),
                    Error::NotFound(_) => "the CV is gone; upload it again".to_owned(),
                    _ => "something went wrong on our side; try again".to_owned(),
                };
                self.update_job(&input, |job, now| {
                    job.fail_step(Step::BuildPortfolio, name.clone(), message.clone(), now)
                })
                .await?;
                metrics::emit("PipelineOutcome", 1.0, Unit::Count, &[("Outcome", "failed"), ("Step", STEP_NAME)]);
                Err(e)
            }
        }
    }

    async fn build(&self, input: &TaskInput) -> Result<TaskOutput, Error> {
        let cv = cvs::load(self.app.table.as_ref(), &input.user_id, &input.cv_id)
            .await?
            .ok_or_else(|| Error::NotFound("CV".into()))?;
        let portfolio_id =
            PortfolioId::parse(input.cv_id.as_str()).map_err(|e| Error::internal("the portfolio id of a CV", e))?;
        // A rebuild (an edited CV) keeps the theme the person chose.
        let theme = match &input.theme {
            Some(name) => Theme::parse(name).map_err(|e| Error::Validation(e.to_string()))?,
            None => portfolios::load(self.app.table.as_ref(), &input.user_id, &portfolio_id)
                .await?
                .and_then(|p| Theme::parse(&p.theme).ok())
                .unwrap_or_default(),
        };
        let record = self.sites.build_preview(&portfolio_id, &cv, theme).await?;
        // Paid for before its first build: it goes public now.
        let record = match record.published {
            Some(_) => record,
            None => self.sites.reconcile_publication(&input.user_id, &portfolio_id).await?.unwrap_or(record),
        };
        let preview_url = record
            .preview
            .as_ref()
            .and_then(|p| self.sites.preview_url(p))
            .ok_or_else(|| Error::Internal("the preview has no address".into()))?;
        self.update_job(input, |job, now| {
            job.portfolio_id = Some(portfolio_id.clone());
            job.finish_step(Step::BuildPortfolio, Vec::new(), true, now);
        })
        .await?;
        Ok(TaskOutput { portfolio_id, preview_url })
    }

    async fn update_job(
        &self,
        input: &TaskInput,
        mut change: impl FnMut(&mut Job, time::OffsetDateTime),
    ) -> Result<(), Error> {
        let now = self.clock.now();
        jobs::update(self.app.table.as_ref(), &input.user_id, &input.job_id, now, |job| change(job, now))
            .await?
            .ok_or_else(|| Error::NotFound("job".into()))?;
        Ok(())
    }
}
