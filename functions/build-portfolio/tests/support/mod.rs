//! The embedded app with a CV already extracted: where the portfolio tests start.
#![allow(dead_code)] // each test binary uses its own subset

use std::sync::Arc;
use std::time::Duration;

use r2w_build_portfolio::sites::Sites;
use r2w_build_portfolio::task::{BuildTask, TaskInput};
use r2w_shared::clock::{Clock, ManualClock};
use r2w_shared::model::{CvData, CvId, Job, JobId, Step, UserId};
use r2w_shared::records::cvs::{self, CvRecord};
use r2w_shared::records::jobs;
use r2w_shared::secrets::EnvSecrets;
use r2w_shared::store::BlobKey;
use r2w_shared::{App, Config};
use time::OffsetDateTime;

pub struct World {
    pub app: App,
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

impl World {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = App::embedded(Config::embedded(dir.path()), dir.path(), EnvSecrets::from_vars([]))
            .await
            .expect("embedded app");
        let clock = Arc::new(ManualClock::at(OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)));
        Self { app, clock, _dir: dir }
    }

    /// A job whose extraction is done: the state the pipeline hands to BuildPortfolio.
    pub async fn extracted(&self, user: &UserId, name: &str) -> TaskInput {
        let job_id = JobId::random();
        let cv_id = CvId::parse(job_id.as_str()).expect("id");
        let mut cv = CvData::default();
        cv.hero.full_name = Some(name.to_owned());
        cv.hero.professional_title = Some("Engineer".into());
        let now = self.clock.now();
        let record = CvRecord {
            id: cv_id.clone(),
            user_id: user.clone(),
            version: 1,
            job_id: Some(job_id.clone()),
            cv,
            created_at: now,
            updated_at: now,
        };
        cvs::create(self.app.table.as_ref(), record).await.expect("cv");
        let mut job = Job::queued(job_id.clone(), user.clone(), format!("uploads/{user}/{job_id}/original"), now);
        job.cv_id = Some(cv_id.clone());
        job.finish_step(Step::Extract, Vec::new(), false, now);
        jobs::create(self.app.table.as_ref(), &job).await.expect("job");
        TaskInput { job_id, user_id: user.clone(), cv_id, theme: None }
    }

    pub fn task(&self) -> BuildTask {
        BuildTask::new(self.app.clone(), self.clock.clone())
    }

    pub fn sites(&self) -> Sites {
        Sites::new(self.app.clone(), self.clock.clone())
    }

    pub async fn keys(&self, prefix: &str) -> Vec<String> {
        let mut keys: Vec<String> =
            self.app.sites.list(prefix).await.expect("list").into_iter().map(|o| o.key.to_string()).collect();
        keys.sort();
        keys
    }

    pub async fn page(&self, key: &str) -> String {
        let blob = self.app.sites.get(&BlobKey::parse(key).expect("key")).await.expect("page");
        String::from_utf8(blob.body.to_vec()).expect("utf-8")
    }
}
