//! A job: one run of the pipeline over one upload, with the timeline of its steps that the
//! person watches while their site is made.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::ids::{CvId, JobId, PortfolioId, UserId};

/// How long an unfinished job may go untouched before it is failed as stalled.
pub const STALLED_AFTER: time::Duration = time::Duration::hours(1);
const STALLED_MESSAGE: &str = "Making your site stopped part-way on our side. Please upload the CV again.";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Job {
    pub id: JobId,
    pub user_id: UserId,
    /// The original in the uploads store; `None` for a job that only rebuilds a site (an edited
    /// or imported CV).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_key: Option<String>,
    pub status: JobStatus,
    pub steps: Vec<JobStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv_id: Option<CvId>,
    /// The portfolio the job built; its record says where the preview is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portfolio_id: Option<PortfolioId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<JobFailure>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum JobStatus {
    /// Created with its upload URL; the file has not arrived yet.
    AwaitingUpload,
    Queued,
    Running,
    Succeeded,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    /// The file arrived and passed the checks (size, signature).
    Upload,
    Extract,
    BuildPortfolio,
}

impl Step {
    /// The step's state in the state machine, which also prefixes its error names
    /// (`Extract.Transient`).
    pub const fn state_name(self) -> &'static str {
        match self {
            Self::Upload => "Upload",
            Self::Extract => "Extract",
            Self::BuildPortfolio => "BuildPortfolio",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StepStatus {
    Running,
    Succeeded,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobStep {
    pub step: Step,
    pub status: StepStatus,
    /// Times the step was started; above 1 when the state machine retried it.
    pub attempts: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<OffsetDateTime>,
    /// What the person should know: the method used, warnings, or why it failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Why a job failed, for the person (`message`) and for support (`error`, a stable name such
/// as `Extract.NeedsOcr`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobFailure {
    pub step: Step,
    pub error: String,
    pub message: String,
}

impl Job {
    pub fn queued(id: JobId, user_id: UserId, upload_key: impl Into<String>, now: OffsetDateTime) -> Self {
        Self {
            id,
            user_id,
            upload_key: Some(upload_key.into()),
            status: JobStatus::Queued,
            steps: Vec::new(),
            cv_id: None,
            portfolio_id: None,
            failure: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// A job that builds the site of a CV already stored (edited or imported): no upload, no
    /// extraction.
    pub fn rebuild(id: JobId, user_id: UserId, cv_id: CvId, now: OffsetDateTime) -> Self {
        Self { upload_key: None, cv_id: Some(cv_id), ..Self::queued(id, user_id, "", now) }
    }

    /// A job waiting for its file at `upload_key`.
    pub fn awaiting_upload(id: JobId, user_id: UserId, upload_key: impl Into<String>, now: OffsetDateTime) -> Self {
        Self { status: JobStatus::AwaitingUpload, ..Self::queued(id, user_id, upload_key, now) }
    }

    /// The file has arrived and passed its checks: the job waits for the pipeline.
    pub fn mark_received(&mut self, now: OffsetDateTime) {
        self.start_step(Step::Upload, now);
        self.finish_step(Step::Upload, Vec::new(), false, now);
        self.status = JobStatus::Queued;
    }

    /// Marks `step` running; a retried step keeps its entry and counts the attempt.
    pub fn start_step(&mut self, step: Step, now: OffsetDateTime) {
        self.status = JobStatus::Running;
        self.failure = None;
        self.updated_at = now;
        match self.steps.iter_mut().find(|s| s.step == step) {
            Some(entry) => {
                entry.status = StepStatus::Running;
                entry.attempts += 1;
                entry.started_at = now;
                entry.finished_at = None;
                entry.notes.clear();
            }
            None => self.steps.push(JobStep {
                step,
                status: StepStatus::Running,
                attempts: 1,
                started_at: now,
                finished_at: None,
                notes: Vec::new(),
            }),
        }
    }

    /// Marks `step` done. The job stays running until its last step succeeds.
    pub fn finish_step(&mut self, step: Step, notes: Vec<String>, last: bool, now: OffsetDateTime) {
        self.close_step(step, StepStatus::Succeeded, notes, now);
        if last {
            self.status = JobStatus::Succeeded;
        }
    }

    pub fn fail_step(&mut self, step: Step, error: impl Into<String>, message: impl Into<String>, now: OffsetDateTime) {
        let message = message.into();
        self.close_step(step, StepStatus::Failed, vec![message.clone()], now);
        self.status = JobStatus::Failed;
        self.failure = Some(JobFailure { step, error: error.into(), message });
    }

    /// Fails a job that is neither finished nor touched for [`STALLED_AFTER`]: its file never
    /// arrived, or an event or a step was lost for good (retries exhausted, a failure that could
    /// not be recorded). Every live step touches the job well within that time (an Extract
    /// attempt ends within the function's 10 minutes), so only a dead job is failed.
    /// `arrived` says whether the awaited file is in the store (its event was what got lost).
    /// Returns whether it failed the job.
    pub fn fail_if_stalled(&mut self, now: OffsetDateTime, arrived: bool) -> bool {
        if !self.is_stalled(now) {
            return false;
        }
        let (step, error, message) = match self.status {
            JobStatus::AwaitingUpload if !arrived => {
                (Step::Upload, "Upload.NeverArrived", "The file never arrived. Please upload the CV again.")
            }
            _ => {
                let running = self.steps.iter().rev().find(|s| s.status == StepStatus::Running).map(|s| s.step);
                if self.status == JobStatus::AwaitingUpload {
                    self.mark_received(self.updated_at);
                }
                let next = if self.cv_id.is_some() { Step::BuildPortfolio } else { Step::Extract };
                (running.unwrap_or(next), "Pipeline.Stalled", STALLED_MESSAGE)
            }
        };
        self.fail_step(step, error, message, now);
        true
    }

    /// Neither finished nor touched for [`STALLED_AFTER`].
    pub fn is_stalled(&self, now: OffsetDateTime) -> bool {
        !matches!(self.status, JobStatus::Succeeded | JobStatus::Failed) && now - self.updated_at >= STALLED_AFTER
    }

    pub fn step(&self, step: Step) -> Option<&JobStep> {
        self.steps.iter().find(|s| s.step == step)
    }

    fn close_step(&mut self, step: Step, status: StepStatus, notes: Vec<String>, now: OffsetDateTime) {
        self.updated_at = now;
        if self.step(step).is_none() {
            self.start_step(step, now);
        }
        if let Some(entry) = self.steps.iter_mut().find(|s| s.step == step) {
            entry.status = status;
            entry.finished_at = Some(now);
            entry.notes = notes;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_790_000_000 + seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    #[test]
    fn a_job_untouched_for_an_hour_fails_with_what_stopped() {
        let hour = STALLED_AFTER.whole_seconds();
        let waiting = || Job::awaiting_upload(JobId::random(), UserId::random(), "uploads/u/j/original", at(0));
        let mut never = waiting();
        assert!(!never.fail_if_stalled(at(hour - 60), false), "still within the hour");
        assert!(never.fail_if_stalled(at(hour), false));
        assert_eq!(never.failure.as_ref().map(|f| f.error.as_str()), Some("Upload.NeverArrived"));

        let mut lost_event = waiting();
        assert!(lost_event.fail_if_stalled(at(hour), true));
        let failure = lost_event.failure.clone().expect("failed");
        assert_eq!((failure.step, failure.error.as_str()), (Step::Extract, "Pipeline.Stalled"));
        assert_eq!(lost_event.step(Step::Upload).map(|s| s.status), Some(StepStatus::Succeeded), "the file came");

        let mut building = waiting();
        building.mark_received(at(1));
        building.start_step(Step::Extract, at(2));
        building.cv_id = Some(CvId::random());
        building.finish_step(Step::Extract, Vec::new(), false, at(3));
        building.start_step(Step::BuildPortfolio, at(4));
        assert!(!building.fail_if_stalled(at(hour), false), "touched 4 s after the start");
        assert!(building.fail_if_stalled(at(hour + 4), false));
        assert_eq!(building.failure.map(|f| f.step), Some(Step::BuildPortfolio));

        let mut done = waiting();
        done.finish_step(Step::BuildPortfolio, Vec::new(), true, at(1));
        assert!(!done.fail_if_stalled(at(hour * 10), false), "a finished job stays as it is");
    }

    #[test]
    fn a_retried_step_keeps_one_entry_and_counts_attempts() {
        let mut job = Job::queued(JobId::random(), UserId::random(), "uploads/u/j/cv.pdf", at(0));
        job.start_step(Step::Extract, at(1));
        job.fail_step(Step::Extract, "Extract.Transient", "the table was busy", at(2));
        assert_eq!(job.status, JobStatus::Failed);
        job.start_step(Step::Extract, at(3));
        job.finish_step(Step::Extract, vec!["method: heuristic".into()], false, at(4));
        assert_eq!(job.steps.len(), 1);
        let extract = job.step(Step::Extract).expect("step");
        assert_eq!((extract.attempts, extract.status, extract.finished_at), (2, StepStatus::Succeeded, Some(at(4))));
        assert_eq!((job.status, job.failure.clone()), (JobStatus::Running, None));
        job.start_step(Step::BuildPortfolio, at(5));
        job.finish_step(Step::BuildPortfolio, Vec::new(), true, at(6));
        assert_eq!(job.status, JobStatus::Succeeded);

        let json = serde_json::to_value(&job).expect("json");
        assert_eq!(json["steps"][0]["startedAt"], "2026-09-21T14:13:23Z");
        let back: Job = serde_json::from_value(json).expect("round trip");
        assert_eq!(back, job);
    }
}
