//! The embedded app with a CV already extracted: where the portfolio tests start.
#![allow(dead_code)] // each test binary uses its own subset

use std::sync::Arc;
use std::time::Duration;

use lambda_http::http::Request as HttpRequest;
use lambda_http::{Body, Request, Response};
use r2w_build_portfolio::http::{PortfolioApi, PortfolioView};
use r2w_build_portfolio::task::{BuildTask, TaskInput};
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::{Clock, ManualClock};
use r2w_core::model::Email;
use r2w_core::model::{CvData, CvId, Job, JobId, Step, UserId};
use r2w_core::records::cvs::{self, CvRecord};
use r2w_core::records::jobs;
use r2w_core::records::users::{self, UserRecord};
use r2w_core::secrets::EnvSecrets;
use r2w_core::store::BlobKey;
use r2w_core::{App, Config};
use r2w_sites::sites::Sites;
use serde_json::Value;
use time::OffsetDateTime;

pub struct World {
    pub app: App,
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

impl World {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = r2w_embedded::app(Config::embedded(dir.path()), dir.path(), EnvSecrets::from_vars([]))
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

/// The portfolios API, called as a signed-in person (or nobody).
pub struct Client {
    pub api: PortfolioApi,
    tokens: Arc<AccessTokens>,
    app: r2w_core::App,
}

impl Client {
    pub async fn new(world: &World) -> Self {
        Self::on(world.app.clone(), world.clock.clone()).await
    }

    pub async fn on(app: App, clock: Arc<ManualClock>) -> Self {
        let tokens = Arc::new(AccessTokens::for_app(&app).await.expect("tokens"));
        Self { api: PortfolioApi::new(app.clone(), Arc::clone(&tokens), clock), tokens, app }
    }

    pub async fn call(&self, user: Option<&UserId>, method: &str, path: &str, body: Option<Value>) -> Response<Body> {
        let mut builder = HttpRequest::builder().method(method).uri(format!("https://api.example{path}"));
        if let Some(user) = user {
            let email = Email::parse(format!("{user}@example.com")).expect("email");
            let account = UserRecord::new(user.clone(), email, "Test User", time::OffsetDateTime::now_utc());
            users::create(self.app.table.as_ref(), &account).await.expect("the account exists");
            let token = self.tokens.issue(user, 0, r2w_core::store::unix_now()).expect("token");
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        let body = body.map_or(Body::Empty, |b| Body::Text(b.to_string()));
        let request: Request = builder.body(body).expect("request");
        self.api.handle(request).await
    }
}

pub fn json_of(response: &Response<Body>) -> Value {
    serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null)
}

pub fn view(response: &Response<Body>) -> PortfolioView {
    serde_json::from_value(json_of(response)).expect("a portfolio")
}
