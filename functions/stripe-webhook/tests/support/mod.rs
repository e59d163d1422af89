//! The embedded app with a person, their CV, and Stripe's signatures: where the payment tests
//! start.
#![allow(dead_code)] // each test binary uses its own subset

use std::sync::Arc;

use r2w_build_portfolio::task::{BuildTask, TaskInput};
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::{Clock, SystemClock};
use r2w_core::model::{CvData, CvId, Email, Job, JobId, PortfolioId, Step, UserId};
use r2w_core::records::cvs::{self, CvRecord};
use r2w_core::records::users::{self, UserRecord};
use r2w_core::records::{jobs, portfolios};
use r2w_core::secrets::EnvSecrets;
use r2w_core::{App, Config};

pub struct World {
    pub app: App,
    pub tokens: Arc<AccessTokens>,
    _dir: tempfile::TempDir,
}

pub struct Person {
    pub user: UserId,
    pub token: String,
}

impl World {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = r2w_embedded::app(Config::embedded(dir.path()), dir.path(), EnvSecrets::from_vars([]))
            .await
            .expect("embedded app");
        let tokens = Arc::new(AccessTokens::for_app(&app).await.expect("tokens"));
        Self { app, tokens, _dir: dir }
    }

    pub async fn person(&self, email: &str) -> Person {
        let user = UserId::random();
        let record = UserRecord::new(user.clone(), Email::parse(email).expect("email"), "Dana Levi", SystemClock.now());
        assert!(users::create(self.app.table.as_ref(), &record).await.expect("user"));
        let token = self.tokens.issue(&user, 0, SystemClock.unix_now()).expect("token");
        Person { user, token }
    }

    /// A CV extracted for `user` (its portfolio not built yet): what the build step gets.
    pub async fn extracted(&self, user: &UserId, name: &str) -> TaskInput {
        let job_id = JobId::random();
        let cv_id = CvId::parse(job_id.as_str()).expect("id");
        let mut cv = CvData::default();
        cv.hero.full_name = Some(name.to_owned());
        let now = SystemClock.now();
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

    /// Runs the build step of `input`: the portfolio's preview (and, if paid for, its site).
    pub async fn build(&self, input: TaskInput) -> PortfolioId {
        BuildTask::new(self.app.clone(), Arc::new(SystemClock)).run(input).await.expect("built").portfolio_id
    }

    /// A built portfolio of `user`'s, made from a CV with `name` on it.
    pub async fn portfolio(&self, user: &UserId, name: &str) -> PortfolioId {
        let input = self.extracted(user, name).await;
        self.build(input).await
    }

    /// The public address of the portfolio, if it is published.
    pub async fn published_slug(&self, user: &UserId, portfolio: &PortfolioId) -> Option<String> {
        let record =
            portfolios::load(self.app.table.as_ref(), user, portfolio).await.expect("load").expect("portfolio");
        record.published.map(|p| p.slug.to_string())
    }
}
