//! The product as a frontend meets it, on the embedded default: `r2w serve`'s server on a free
//! port, driven over HTTP — register, ask for an upload URL, PUT the file, watch the job, open
//! the preview.

use std::sync::Arc;
use std::time::{Duration, Instant};

use r2w_auth::AuthSettings;
use r2w_core::clock::SystemClock;
use r2w_core::secrets::EnvSecrets;
use r2w_core::{App, Config};
use r2w_local::server::Server;
use r2w_stripe_webhook::PaymentSettings;
use r2w_tests::{now, stripe_signature};
use r2w_upload::Received;
use serde_json::{Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../functions/extract/fixtures");

struct Running {
    base: url::Url,
    http: reqwest::Client,
    app: App,
    server: Arc<Server>,
    _dir: tempfile::TempDir,
    _task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// With more settings and secrets (`KEY=value` as in `.env`).
    async fn start_with(extra: &[(&str, String)]) -> Self {
        r2w_tests::record_logs();
        let dir = tempfile::tempdir().expect("tempdir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let mut vars = vec![("R2W_DATA_DIR", dir.path().display().to_string()), ("R2W_PUBLIC_URL", base.clone())];
        vars.extend(extra.iter().cloned());
        let vars: Vec<(String, String)> = vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let config = Config::from_vars(vars.clone()).expect("config");
        let settings = AuthSettings::from_vars(vars.clone(), &config.public_url).expect("settings");
        let payments = PaymentSettings::from_vars(vars.clone(), &config.public_url).expect("payment settings");
        let app = r2w_embedded::app(config, dir.path(), EnvSecrets::from_vars(vars)).await.expect("app");
        let server = Server::new(app.clone(), settings, payments, Arc::new(SystemClock)).await.expect("server");
        let task = tokio::spawn(Arc::clone(&server).serve(listener));
        let http = r2w_http::http_client().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Self { base: url::Url::parse(&base).expect("url"), http, app, server, _dir: dir, _task: task }
    }

    fn url(&self, path: &str) -> url::Url {
        self.base.join(path).expect("url")
    }

    async fn register(&self, email: &str) -> String {
        let body = json!({"email": email, "password": "violet-teapot-rainfall-93", "full_name": "Dana Levi"});
        let response = self.http.post(self.url("/v1/auth/register")).json(&body).send().await.expect("register");
        assert_eq!(response.status(), 201);
        let json: Value = response.json().await.expect("json");
        json["access_token"].as_str().expect("token").to_owned()
    }

    async fn ticket(&self, token: &str, filename: &str, content_type: &str, size: usize) -> Value {
        let body = json!({"filename": filename, "content_type": content_type, "size": size});
        let response =
            self.http.post(self.url("/v1/uploads")).bearer_auth(token).json(&body).send().await.expect("ticket");
        assert_eq!(response.status(), 201);
        response.json().await.expect("json")
    }

    async fn put(&self, ticket: &Value, body: Vec<u8>) -> reqwest::StatusCode {
        let mut put = self.http.put(ticket["url"].as_str().expect("url")).body(body);
        for (name, value) in ticket["headers"].as_object().expect("headers") {
            put = put.header(name, value.as_str().expect("value"));
        }
        put.send().await.expect("put").status()
    }

    async fn job(&self, token: &str, id: &str) -> (reqwest::StatusCode, Value) {
        let response = self.http.get(self.url(&format!("/v1/jobs/{id}"))).bearer_auth(token).send().await.expect("job");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Polls like a client until the job is `ready` or `failed`.
    async fn settled(&self, token: &str, id: &str) -> Value {
        let started = Instant::now();
        loop {
            let (_, job) = self.job(token, id).await;
            if matches!(job["status"].as_str(), Some("ready" | "failed")) || started.elapsed() > Duration::from_secs(30)
            {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn upload(running: &Running, token: &str, fixture: &str, content_type: &str) -> Value {
    let body = std::fs::read(format!("{FIXTURES}/{fixture}")).expect("fixture");
    let ticket = running.ticket(token, fixture.rsplit('/').next().unwrap_or(fixture), content_type, body.len()).await;
    assert_eq!(running.put(&ticket, body).await, 200);
    ticket
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cv_uploaded_through_the_api_becomes_a_preview_with_the_persons_name() {
    let running = Running::start().await;
    let token = running.register("dana@example.com").await;
    let ticket = upload(&running, &token, "pdf/01-en-classic.pdf", "application/pdf").await;
    let job = running.settled(&token, ticket["job_id"].as_str().expect("job id")).await;
    assert_eq!(job["status"], "ready", "{job}");
    let steps: Vec<&str> = job["steps"].as_array().expect("steps").iter().filter_map(|s| s["step"].as_str()).collect();
    assert_eq!(steps, ["upload", "extract", "build_portfolio"]);
    assert!(job["steps"].as_array().expect("steps").iter().all(|s| s["finished_at"].is_string()), "{job}");

    let preview = job["links"]["preview"].as_str().expect("a preview link");
    assert!(preview.starts_with(running.base.as_str()), "{preview}");
    let page = running.http.get(preview).send().await.expect("preview");
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/html"));
    let html = page.text().await.expect("html");
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{FIXTURES}/truth/01-en-classic.json")).expect("truth"))
            .expect("truth json");
    let name = truth["hero"]["fullName"].as_str().expect("the fixture's name");
    assert!(html.contains(name), "the preview shows {name}");

    let original = running
        .http
        .get(running.url(&format!("/v1/uploads/{}/original", ticket["upload_id"].as_str().expect("id"))))
        .bearer_auth(&token)
        .send()
        .await
        .expect("original");
    let original: Value = original.json().await.expect("json");
    let download = running.http.get(original["url"].as_str().expect("url")).send().await.expect("download");
    assert_eq!(
        download.bytes().await.expect("bytes").len(),
        std::fs::read(format!("{FIXTURES}/pdf/01-en-classic.pdf")).expect("fixture").len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_upload_event_twice_makes_one_job_and_one_portfolio() {
    let running = Running::start().await;
    let token = running.register("dana@example.com").await;
    let ticket = upload(&running, &token, "txt/01-en-classic.txt", "text/plain").await;
    let me: Value = running
        .http
        .get(running.url("/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    let key =
        format!("uploads/{}/{}/original", me["id"].as_str().expect("id"), ticket["upload_id"].as_str().expect("id"));
    assert_eq!(running.server.upload_received(&key).await.expect("again"), Received::AlreadyStarted, "while running");
    let job_id = ticket["job_id"].as_str().expect("job id");
    assert_eq!(running.settled(&token, job_id).await["status"], "ready");
    assert_eq!(running.server.upload_received(&key).await.expect("again"), Received::AlreadyStarted, "after");

    let jobs: Value = running
        .http
        .get(running.url("/v1/jobs"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("jobs")
        .json()
        .await
        .expect("json");
    assert_eq!(jobs["items"].as_array().map(Vec::len), Some(1), "{jobs}");
    let portfolios: Value = running
        .http
        .get(running.url("/v1/portfolios"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(portfolios["items"].as_array().map(Vec::len), Some(1), "{portfolios}");
    let (_, job) = running.job(&token, job_id).await;
    assert!(job["steps"].as_array().expect("steps").iter().all(|s| s["attempts"] == 1), "nothing ran twice: {job}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_file_fails_its_job_with_a_reason_and_is_kept() {
    let running = Running::start().await;
    let token = running.register("dana@example.com").await;
    let ticket = upload(&running, &token, "bad/photo.png", "application/pdf").await;
    let job = running.settled(&token, ticket["job_id"].as_str().expect("job id")).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["error"]["code"], "Upload.Rejected");
    assert!(job["error"]["reason"].as_str().unwrap_or_default().contains("image"), "{job}");
    let original = running
        .http
        .get(running.url(&format!("/v1/uploads/{}/original", ticket["upload_id"].as_str().expect("id"))))
        .bearer_auth(&token)
        .send()
        .await
        .expect("original");
    assert_eq!(original.status(), 200, "the original is kept");

    let scanned = upload(&running, &token, "bad/encrypted.pdf", "application/pdf").await;
    let job = running.settled(&token, scanned["job_id"].as_str().expect("job id")).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert!(job["error"]["code"].as_str().unwrap_or_default().starts_with("Extract."), "{job}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_refused_up_front_when_they_cannot_be_a_cv() {
    let running = Running::start().await;
    let token = running.register("dana@example.com").await;
    let ask = |content_type: &str, size: u64| {
        let body = json!({"filename": "cv", "content_type": content_type, "size": size});
        running.http.post(running.url("/v1/uploads")).bearer_auth(&token).json(&body).send()
    };
    assert_eq!(ask("image/png", 100).await.expect("png").status(), 415);
    assert_eq!(ask("application/pdf", 10 * 1024 * 1024 + 1).await.expect("big").status(), 413);
    let anonymous = running.http.post(running.url("/v1/uploads")).json(&json!({})).send().await.expect("anonymous");
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_sees_anyone_elses_jobs_or_uploads() {
    let running = Running::start().await;
    let dana = running.register("dana@example.com").await;
    let eve = running.register("eve@example.com").await;
    let ticket = upload(&running, &dana, "txt/01-en-classic.txt", "text/plain").await;
    let job_id = ticket["job_id"].as_str().expect("job id");
    assert_eq!(running.job(&eve, job_id).await.0, 404);
    assert_eq!(running.job(&dana, job_id).await.0, 200);
    let original = format!("/v1/uploads/{}/original", ticket["upload_id"].as_str().expect("id"));
    let stolen = running.http.get(running.url(&original)).bearer_auth(&eve).send().await.expect("original");
    assert_eq!(stolen.status(), 404);
    let listed: Value = running
        .http
        .get(running.url("/v1/jobs"))
        .bearer_auth(&eve)
        .send()
        .await
        .expect("jobs")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["items"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_or_expired_upload_urls_are_refused() {
    let running = Running::start().await;
    let token = running.register("dana@example.com").await;
    let body = b"Dana Levi\nEngineer\n".to_vec();
    let ticket = running.ticket(&token, "cv.txt", "text/plain", body.len()).await;

    let mut tampered = ticket.clone();
    let url = tampered["url"].as_str().expect("url").replace("original", "other");
    tampered["url"] = json!(url);
    assert_eq!(running.put(&tampered, body.clone()).await, 403, "another key");
    let mut bigger = ticket.clone();
    bigger["headers"]["content-length"] = json!((body.len() + 1).to_string());
    assert_eq!(running.put(&bigger, [body.clone(), b"x".to_vec()].concat()).await, 403, "another size");

    let signer = running.app.url_signer.as_ref().expect("local signer");
    let url = url::Url::parse(ticket["url"].as_str().expect("url")).expect("url");
    let key = url.path().trim_start_matches("/_blobs/uploads/");
    let key = r2w_core::store::BlobKey::parse(key).expect("key");
    let past = time::OffsetDateTime::now_utc().unix_timestamp() - 60;
    let expired = signer.sign_put("uploads", &key, "text/plain", body.len() as u64, past);
    let expired = json!({"url": expired.url, "headers": expired.headers});
    assert_eq!(running.put(&expired, body.clone()).await, 403, "expired");

    assert_eq!(running.put(&ticket, body).await, 200, "the genuine URL still works");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_cv_gets_a_new_version_and_a_rebuilt_preview() {
    let running = Running::start().await;
    let token = running.register("dana@example.com").await;
    let ticket = upload(&running, &token, "txt/01-en-classic.txt", "text/plain").await;
    let job = running.settled(&token, ticket["job_id"].as_str().expect("job id")).await;
    let cv_path = job["links"]["cv"].as_str().expect("cv link").to_owned();

    let mut cv: Value = running
        .http
        .get(running.url(&cv_path))
        .bearer_auth(&token)
        .send()
        .await
        .expect("cv")
        .json()
        .await
        .expect("json");
    assert_eq!(cv["version"], 1);
    let resume: Value = running
        .http
        .get(running.url(&format!("{cv_path}?format=json-resume")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("json resume")
        .json()
        .await
        .expect("json");
    assert!(resume["basics"]["name"].is_string(), "{resume}");

    cv["cv"]["hero"]["fullName"] = json!("Dana Q. Levi-Edited");
    let saved = running.http.put(running.url(&cv_path)).bearer_auth(&token).json(&cv["cv"]).send().await.expect("put");
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.expect("json");
    assert_eq!(saved["version"], 2);
    let rebuilt = running.settled(&token, saved["job_id"].as_str().expect("rebuild job")).await;
    assert_eq!(rebuilt["status"], "ready", "{rebuilt}");
    let steps: Vec<&str> =
        rebuilt["steps"].as_array().expect("steps").iter().filter_map(|s| s["step"].as_str()).collect();
    assert_eq!(steps, ["build_portfolio"], "no extraction for an edit");
    let page = running.http.get(rebuilt["links"]["preview"].as_str().expect("preview")).send().await.expect("page");
    assert!(page.text().await.expect("html").contains("Dana Q. Levi-Edited"));

    let mut broken = cv["cv"].clone();
    broken["experience"] = json!("not a list");
    let refused = running.http.put(running.url(&cv_path)).bearer_auth(&token).json(&broken).send().await.expect("put");
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.expect("problem");
    assert_eq!(problem["pointer"], "/experience", "the form can show it on its field: {problem}");
    let mut bad_date = cv["cv"].clone();
    bad_date["experience"][0]["dates"]["start"] = json!("March 2020");
    let refused =
        running.http.put(running.url(&cv_path)).bearer_auth(&token).json(&bad_date).send().await.expect("put");
    let problem: Value = refused.json().await.expect("problem");
    assert_eq!(problem["pointer"], "/experience/0/dates/start", "{problem}");
    assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty() && !d.contains("/experience")), "{problem}");
    let eve = running.register("eve@example.com").await;
    assert_eq!(running.http.get(running.url(&cv_path)).bearer_auth(&eve).send().await.expect("get").status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_cv_takes_everything_made_from_it_and_nothing_else() {
    let running = Running::start().await;
    let token = running.register("dana@example.com").await;
    let mut made = Vec::new();
    for fixture in ["txt/01-en-classic.txt", "txt/02-en-two-column.txt"] {
        let ticket = upload(&running, &token, fixture, "text/plain").await;
        let job = running.settled(&token, ticket["job_id"].as_str().expect("job id")).await;
        assert_eq!(job["status"], "ready", "{job}");
        let original = job["links"]["original"].as_str().expect("a link to the original").to_owned();
        assert_eq!(original, format!("/v1/uploads/{}/original", ticket["upload_id"].as_str().expect("upload id")));
        made.push((ticket, job));
    }
    let (gone, kept) = (&made[0], &made[1]);
    let cv_path = gone.1["links"]["cv"].as_str().expect("cv link").to_owned();
    // An edit makes a second version and a rebuild job: they go too.
    let cv: Value = running
        .http
        .get(running.url(&cv_path))
        .bearer_auth(&token)
        .send()
        .await
        .expect("cv")
        .json()
        .await
        .expect("json");
    let saved = running.http.put(running.url(&cv_path)).bearer_auth(&token).json(&cv["cv"]).send().await.expect("put");
    let saved: Value = saved.json().await.expect("json");
    let rebuild = saved["job_id"].as_str().expect("rebuild job").to_owned();
    running.settled(&token, &rebuild).await;
    let portfolio = gone.1["links"]["portfolio"].as_str().expect("portfolio link").to_owned();
    let chosen = running
        .http
        .patch(running.url(&portfolio))
        .bearer_auth(&token)
        .json(&json!({"slug": "dana-gone"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(chosen.status(), 200);

    let eve = running.register("eve@example.com").await;
    let stranger = running.http.delete(running.url(&cv_path)).bearer_auth(&eve).send().await.expect("delete");
    assert_eq!(stranger.status(), 404, "someone else's CV is not found");
    let deleted = running.http.delete(running.url(&cv_path)).bearer_auth(&token).send().await.expect("delete");
    assert_eq!(deleted.status(), 204);

    for path in [cv_path.clone(), portfolio.clone(), gone.1["links"]["original"].as_str().expect("original").to_owned()]
    {
        let status = running.http.get(running.url(&path)).bearer_auth(&token).send().await.expect("get").status();
        assert_eq!(status, 404, "{path} is gone");
    }
    for job in [gone.0["job_id"].as_str().expect("job"), rebuild.as_str()] {
        assert_eq!(running.job(&token, job).await.0, 404, "job {job} is gone");
    }
    let me: Value = running
        .http
        .get(running.url("/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    let user = me["id"].as_str().expect("user id");
    assert!(
        running
            .app
            .uploads
            .list(&format!("uploads/{user}/{}/", gone.0["upload_id"].as_str().expect("id")))
            .await
            .expect("list")
            .is_empty(),
        "the original is erased"
    );
    let table = running.app.table.as_ref();
    let user_id = r2w_core::model::UserId::parse(user).expect("user id");
    let upload_id = r2w_core::model::UploadId::parse(gone.0["upload_id"].as_str().expect("id")).expect("upload id");
    let record = r2w_core::records::uploads::load(table, &user_id, &upload_id).await.expect("load");
    assert!(record.is_none(), "the upload's record is gone");
    let cv_id = cv_path.rsplit('/').next().expect("id");
    let versions = format!("{}#CV#{cv_id}", r2w_core::records::user_pk(&user_id));
    let left = table.query(r2w_core::store::Query::partition(versions, "")).await.expect("query");
    assert!(left.items.is_empty(), "every version is gone");
    let portfolio_id = portfolio.rsplit('/').next().expect("id");
    assert!(
        running.app.sites.list(&format!("previews/{portfolio_id}/")).await.expect("list").is_empty(),
        "the preview is gone"
    );
    let slug = r2w_core::model::Slug::parse("dana-gone").expect("slug");
    assert!(
        r2w_core::records::portfolios::slug_holder(running.app.table.as_ref(), &slug).await.expect("slug").is_none(),
        "the address is free"
    );

    let (status, other) = running.job(&token, kept.0["job_id"].as_str().expect("job")).await;
    assert_eq!((status.as_u16(), other["status"].as_str()), (200, Some("ready")), "the other CV is untouched");
    let listed: Value = running
        .http
        .get(running.url("/v1/portfolios"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
    let again = running.http.delete(running.url(&cv_path)).bearer_auth(&token).send().await.expect("delete");
    assert_eq!(again.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_sees_what_stays_private_and_hides_what_they_choose() {
    let running = Running::start().await;
    let token = running.register("dana@example.com").await;
    let ticket = upload(&running, &token, "txt/01-en-classic.txt", "text/plain").await;
    let job = running.settled(&token, ticket["job_id"].as_str().expect("job id")).await;
    let cv_path = job["links"]["cv"].as_str().expect("cv link").to_owned();
    let get = || async {
        let answer = running.http.get(running.url(&cv_path)).bearer_auth(&token).send().await.expect("cv");
        answer.json::<Value>().await.expect("json")
    };
    let mut cv = get().await;
    assert!(cv["not_on_site"]["warnings"].is_array() && cv["not_on_site"]["hidden"] == json!([]), "{cv}");
    let email = cv["cv"]["contact"]["email"].as_str().expect("the fixture states an e-mail address").to_owned();

    cv["cv"]["unclassifiedText"] = json!("passport P-PRIVATE-7731");
    cv["cv"]["hidden"] = json!(["/contact/email"]);
    let saved = running.http.put(running.url(&cv_path)).bearer_auth(&token).json(&cv["cv"]).send().await.expect("put");
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.expect("json");
    assert_eq!(saved["not_on_site"]["hidden"], json!(["/contact/email"]));
    assert_eq!(saved["not_on_site"]["unclassified_text"], "passport P-PRIVATE-7731");
    let rebuilt = running.settled(&token, saved["job_id"].as_str().expect("rebuild job")).await;
    let preview = rebuilt["links"]["preview"].as_str().expect("preview").to_owned();
    for file in ["index.html", "resume.json", "contact.vcf"] {
        let url = preview.replace("index.html", file);
        let body = running.http.get(&url).send().await.expect("file").text().await.expect("text");
        assert!(!body.contains(&email) && !body.contains("P-PRIVATE-7731"), "{file} serves what is private");
    }
    assert_eq!(get().await["cv"]["contact"]["email"], json!(email), "hidden, not deleted");

    cv["cv"]["hidden"] = json!(["/experience/99"]);
    let refused =
        running.http.put(running.url(&cv_path)).bearer_auth(&token).json(&cv["cv"]).send().await.expect("put");
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.expect("problem");
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("/experience/99")), "{problem}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_resume_document_becomes_a_site_without_extraction() {
    let running = Running::start().await;
    let token = running.register("dana@example.com").await;
    let resume = json!({"basics": {"name": "Imported Person", "label": "Engineer"}, "work": [{"name": "Acme", "position": "Engineer", "startDate": "2020-01"}]});
    let imported = running
        .http
        .post(running.url("/v1/cvs/import"))
        .bearer_auth(&token)
        .json(&resume)
        .send()
        .await
        .expect("import");
    assert_eq!(imported.status(), 201);
    let imported: Value = imported.json().await.expect("json");
    let job = running.settled(&token, imported["job_id"].as_str().expect("job")).await;
    assert_eq!(job["status"], "ready", "{job}");
    let page = running.http.get(job["links"]["preview"].as_str().expect("preview")).send().await.expect("page");
    assert!(page.text().await.expect("html").contains("Imported Person"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_app_is_served_apart_from_the_sites_with_a_strict_policy() {
    // A built app of our own making: the serving is under test here, not the bundle.
    let web = tempfile::tempdir().expect("web dir");
    std::fs::create_dir_all(web.path().join("assets")).expect("assets");
    std::fs::write(web.path().join("index.html"), "<!doctype html><div id=\"app\"></div>").expect("index");
    std::fs::write(web.path().join("assets/index-4f2a.js"), "console.log(1)").expect("js");
    let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("probe");
    let port = probe.local_addr().expect("addr").port();
    drop(probe);
    let running = Running::start_with(&[
        ("R2W_WEB_DIR", web.path().display().to_string()),
        ("R2W_SITES_URL", format!("http://localhost:{port}/sites/")),
    ])
    .await;
    let header = |response: &reqwest::Response, name: &str| {
        response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    };

    for screen in ["/", "/cvs/abc", "/signin"] {
        let page = running.http.get(running.url(screen)).send().await.expect("page");
        assert_eq!(page.status(), 200, "{screen}");
        assert_eq!(header(&page, "cache-control"), "no-cache", "index.html is never cached");
        let policy = header(&page, "content-security-policy");
        assert!(policy.contains("script-src 'self';") && !policy.contains("unsafe"), "{policy}");
        assert!(policy.contains(&format!("frame-src http://localhost:{port}")), "previews may be framed: {policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(page.text().await.expect("html").contains("<div id=\"app\">"));
    }
    let asset = running.http.get(running.url("/assets/index-4f2a.js")).send().await.expect("asset");
    assert_eq!(header(&asset, "cache-control"), "public, max-age=31536000, immutable");
    assert!(header(&asset, "content-type").starts_with("text/javascript"));
    for missing in ["/assets/nothing.js", "/assets/..%2Findex.html", "/favicon.ico"] {
        assert_eq!(running.http.get(running.url(missing)).send().await.expect("get").status(), 404, "{missing}");
    }

    let settings: Value =
        running.http.get(running.url("/config.json")).send().await.expect("config").json().await.expect("json");
    assert_eq!(settings["sitesUrl"], format!("http://localhost:{port}/sites/"));
    assert_eq!(settings["themes"].as_array().map(Vec::len), Some(3));

    // The sites' host serves sites only: never the app, so a site cannot be the app's origin.
    let sites_host = format!("localhost:{port}");
    let app_on_sites_host =
        running.http.get(running.url("/cvs/abc")).header("host", &sites_host).send().await.expect("get");
    assert_eq!(app_on_sites_host.status(), 404);
    let config_on_sites_host =
        running.http.get(running.url("/config.json")).header("host", &sites_host).send().await.expect("get");
    assert_eq!(config_on_sites_host.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sites_store_serves_no_uploads_and_redirects_only_within_itself() {
    let running = Running::start().await;
    let token = running.register("dana@example.com").await;
    let ticket = upload(&running, &token, "txt/01-en-classic.txt", "text/plain").await;
    running.settled(&token, ticket["job_id"].as_str().expect("job")).await;
    let me: Value = running
        .http
        .get(running.url("/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    let original =
        format!("/uploads/{}/{}/original", me["id"].as_str().expect("id"), ticket["upload_id"].as_str().expect("id"));
    assert_eq!(
        running.http.get(running.url(&original)).send().await.expect("get").status(),
        404,
        "originals are private"
    );
    for path in ["/%5Cevil.example", "/..%2F..%2Fetc", "/previews/../uploads"] {
        let response = running
            .http
            .get(format!("{}{}", running.base.as_str().trim_end_matches('/'), path))
            .send()
            .await
            .expect("get");
        assert!(response.headers().get("location").is_none(), "{path}: no redirect");
        assert_eq!(response.status(), 404, "{path}");
    }
    let slug = running.http.get(running.url("/dana-levi")).send().await.expect("get");
    assert_eq!((slug.status().as_u16(), slug.headers()["location"].to_str().unwrap_or_default()), (301, "/dana-levi/"));
}

/// A server with `extra` settings where "Paying Person" has paid for a site at
/// `paying-person`: a CV in, a preview, Stripe's embedded Checkout (a local server speaking
/// Stripe's API), the signed webhook. The Stripe stand-in lives as long as what is returned.
/// `r2w serve` with Dana's site paid for and published: the server, the Stripe stand-in, her
/// access token and the portfolio's id.
async fn paid_site(extra: &[(&str, String)]) -> (Running, wiremock::MockServer, String, String) {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let stripe = MockServer::start().await;
    let session = json!({"id": "cs_test_e2e", "object": "checkout.session", "client_secret": "cs_test_e2e_secret",
                         "status": "open", "payment_status": "unpaid", "amount_total": 1900, "currency": "eur"});
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session))
        .mount(&stripe)
        .await;
    let webhook_secret = "whsec_e2e_local";
    let mut settings = vec![
        ("R2W_STRIPE_API_BASE", stripe.uri()),
        ("R2W_STRIPE_PRICE_ONE_TIME", "price_e2e".into()),
        ("STRIPE_SECRET_KEY", "sk_test_e2e".into()),
        ("STRIPE_WEBHOOK_SECRET", webhook_secret.into()),
    ];
    settings.extend(extra.iter().cloned());
    let running = Running::start_with(&settings).await;
    let token = running.register("dana@example.com").await;
    let resume = json!({"basics": {"name": "Paying Person", "label": "Engineer"}});
    let imported: Value = running
        .http
        .post(running.url("/v1/cvs/import"))
        .bearer_auth(&token)
        .json(&resume)
        .send()
        .await
        .expect("import")
        .json()
        .await
        .expect("json");
    let job = running.settled(&token, imported["job_id"].as_str().expect("job")).await;
    assert_eq!(job["status"], "ready", "{job}");
    let portfolio =
        job["links"]["portfolio"].as_str().expect("portfolio link").rsplit('/').next().expect("id").to_owned();

    let checkout = json!({"portfolio_id": portfolio, "plan": "one_time"});
    let started =
        running.http.post(running.url("/v1/payments/checkout")).bearer_auth(&token).json(&checkout).send().await;
    let started = started.expect("checkout");
    assert_eq!(started.status(), 201);
    let started: Value = started.json().await.expect("json");
    assert_eq!(started["client_secret"], "cs_test_e2e_secret");
    assert_eq!(running.http.get(running.url("/paying-person/")).send().await.expect("site").status(), 404);

    let order = started["order_id"].as_str().expect("order");
    let event = json!({"id": "evt_e2e", "object": "event", "type": "checkout.session.completed",
        "created": time::OffsetDateTime::now_utc().unix_timestamp(),
        "data": {"object": {"id": "cs_test_e2e", "object": "checkout.session", "client_reference_id": order,
                            "metadata": {"order_id": order}, "payment_status": "paid", "payment_intent": "pi_e2e"}}})
    .to_string();
    let signature = stripe_signature(&event, webhook_secret, now());
    let delivered = running
        .http
        .post(running.url("/v1/payments/webhook"))
        .header("stripe-signature", signature)
        .header("content-type", "application/json")
        .body(event)
        .send()
        .await
        .expect("webhook");
    assert_eq!(delivered.status(), 200);
    (running, stripe, token, portfolio)
}

/// The product's whole path on one machine, up to the public site at its slug.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_publishes_the_site_at_its_address() {
    let (running, _stripe, _, _) = paid_site(&[]).await;
    let site = running.http.get(running.url("/paying-person/")).send().await.expect("site");
    assert_eq!(site.status(), 200);
    assert!(site.text().await.expect("html").contains("Paying Person"));

    // A path with nothing behind it gets the store's error page, as the CDN answers it.
    let missing = running.http.get(running.url("/paying-person/no-such-page.html")).send().await.expect("missing");
    assert_eq!(missing.status(), 404);
    assert!(missing.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/html"));
    let page = missing.text().await.expect("html");
    assert!(page.contains("Page not found") && page.contains("/errors/assets/"), "{page}");
    let css = page.split("href=\"").find_map(|rest| rest.split('"').next().filter(|h| h.ends_with(".css")));
    let css = running.http.get(running.url(css.expect("a stylesheet"))).send().await.expect("css");
    assert_eq!(css.status(), 200, "the error page's stylesheet is served");
}

/// With a sites domain, each published site is the whole of its own host
/// (`paying-person.localhost` here, as `r2w serve` does): robots.txt, the sitemap and the icons at
/// its root with absolute URLs; the path form and hosts that are no site's answer 404.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_site_is_served_at_the_root_of_its_own_host() {
    let (running, _stripe, token, portfolio) = paid_site(&[("R2W_SITES_DOMAIN", "localhost".into())]).await;
    let port = running.base.port().expect("a port");
    let origin = format!("http://paying-person.localhost:{port}");
    let on_host = |host: String, path: &str| {
        // This machine's resolver may not know names under localhost (browsers do): the
        // request goes to the server with the site's Host header, as a browser's would.
        running.http.get(running.url(path)).header("host", host).send()
    };
    let host = format!("paying-person.localhost:{port}");
    let page = on_host(host.clone(), "/").await.expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("Paying Person"));
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{origin}/\">")), "{html}");
    let robots = on_host(host.clone(), "/robots.txt").await.expect("robots").text().await.expect("text");
    assert_eq!(robots, format!("User-agent: *\nAllow: /\nSitemap: {origin}/sitemap.xml\n"));
    let sitemap = on_host(host.clone(), "/sitemap.xml").await.expect("sitemap").text().await.expect("text");
    assert!(sitemap.contains(&format!("<loc>{origin}/</loc>")), "{sitemap}");
    for icon in ["/favicon.svg", "/favicon.png", "/card.png", "/qr.svg"] {
        assert_eq!(on_host(host.clone(), icon).await.expect("icon").status(), 200, "{icon}");
    }
    let missing = on_host(host.clone(), "/no-such-page.html").await.expect("missing");
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.expect("html").contains("Page not found"));
    for other in ["www.localhost", "a.b.localhost", "ab.localhost", "nobody-here.localhost"] {
        let response = on_host(format!("{other}:{port}"), "/").await.expect("get");
        assert_eq!(response.status(), 404, "{other} serves nothing");
    }
    let path_form = running.http.get(running.url("/paying-person/")).send().await.expect("site");
    assert_eq!(path_form.status(), 404, "a site is only at its own host");

    // The person's own domain, pointed at this machine, serves the site once claimed: at once,
    // with the site's links moved there.
    let unclaimed = on_host(format!("www.paying.example:{port}"), "/").await.expect("get");
    assert!(!unclaimed.text().await.expect("text").contains("Paying Person"), "a domain nobody claimed shows no site");
    let domain_path = format!("/v1/portfolios/{portfolio}/domain");
    let added =
        running.http.put(running.url(&domain_path)).bearer_auth(&token).json(&json!({"domain": "www.paying.example"}));
    let added: Value = added.send().await.expect("add").json().await.expect("json");
    assert_eq!(added["customDomain"]["state"], "active", "{added}");
    assert_eq!(
        added["customDomain"]["records"],
        json!([{"type": "A", "name": "www.paying.example", "value": "127.0.0.1"}])
    );
    assert_eq!(added["publicUrl"], format!("http://www.paying.example:{port}/"));
    let page = on_host(format!("www.paying.example:{port}"), "/").await.expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"http://www.paying.example:{port}/\">")), "{html}");
    let card = on_host(format!("www.paying.example:{port}"), "/card.png").await.expect("card");
    assert_eq!(card.status(), 200);
    let removed = running.http.delete(running.url(&domain_path)).bearer_auth(&token).send().await.expect("remove");
    assert_eq!(removed.status(), 200);
    let gone = on_host(format!("www.paying.example:{port}"), "/").await.expect("get");
    assert!(!gone.text().await.expect("text").contains("Paying Person"), "taken off, the domain shows no site");
}

/// A preview is served until the expiry its folder's name carries, then answers 410 Gone; the
/// server's sweep removes the files of expired previews and nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_preview_is_gone_and_swept() {
    use r2w_core::store::{BlobKey, PutOptions};
    let running = Running::start().await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let live = format!("previews/p1/{}-0a1b/index.html", now + 3600);
    let expired = format!("previews/p2/{}-0a1b/index.html", now - 1);
    let unnamed = "previews/p3/0a1b/index.html".to_owned();
    for key in [&live, &expired, &unnamed] {
        let body = bytes::Bytes::from_static(b"<h1>Dana</h1>");
        running
            .app
            .sites
            .put(&BlobKey::parse(key.as_str()).expect("key"), body, PutOptions::new("text/html"))
            .await
            .expect("put");
    }
    assert_eq!(running.http.get(running.url(&live)).send().await.expect("get").status(), 200);
    for gone in [&expired, &unnamed] {
        let response = running.http.get(running.url(gone)).send().await.expect("get");
        assert_eq!(response.status(), 410, "{gone}");
        assert!(response.text().await.expect("text").contains("expired"));
    }
    assert_eq!(running.server.remove_expired_previews().await.expect("sweep"), 2);
    let left: Vec<String> = running
        .app
        .sites
        .list("previews/")
        .await
        .expect("list")
        .into_iter()
        .map(|o| o.key.as_str().to_owned())
        .collect();
    assert_eq!(left, [live]);
}

/// Security sweep: an uploaded file is kept and offered back only as a download — whatever it
/// contains, it is never served as a page or run — and what it says reaches the site escaped;
/// the site is served with the CDN's security headers; other origins get no CORS grant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_is_never_rendered_and_sites_carry_security_headers() {
    let running = Running::start().await;
    let token = running.register("dana@example.com").await;
    let hostile = "Dana Levi\n<script>alert(document.cookie)</script>\n<img src=x onerror=alert(1)>\nData engineer\n\n\
                   Experience\nAcme, Data engineer, 2019 - present\n";
    let ticket = running.ticket(&token, "cv.txt", "text/plain", hostile.len()).await;
    assert_eq!(running.put(&ticket, hostile.as_bytes().to_vec()).await, 200);
    let job = running.settled(&token, ticket["job_id"].as_str().expect("job id")).await;
    assert_eq!(job["status"], "ready", "{job}");

    let original: Value = running
        .http
        .get(running.url(&format!("/v1/uploads/{}/original", ticket["upload_id"].as_str().expect("id"))))
        .bearer_auth(&token)
        .send()
        .await
        .expect("original")
        .json()
        .await
        .expect("json");
    let download = running.http.get(original["url"].as_str().expect("url")).send().await.expect("download");
    let header = |name: &str| download.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-disposition"), "attachment", "a download, not a page");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("content-security-policy").starts_with("sandbox"), "nothing in it may run");
    assert!(header("content-type").starts_with("text/plain"), "{}", header("content-type"));

    let preview = running.http.get(job["links"]["preview"].as_str().expect("preview")).send().await.expect("preview");
    let app_origin = running.url("/").origin().ascii_serialization();
    for (name, value) in r2w_local::files::SITE_HEADERS {
        let expected = match name {
            // The app shows the preview in a frame; nobody else may.
            "content-security-policy" => Some(r2w_local::files::preview_policy(&app_origin)),
            "x-frame-options" => None,
            _ => Some(value.to_owned()),
        };
        assert_eq!(preview.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned), expected, "{name}");
    }
    let html = preview.text().await.expect("html");
    assert!(html.contains("Dana Levi"), "the site was made from the file");
    assert!(!html.contains("<script>alert") && !html.contains("onerror=alert"), "what the file says is escaped");

    let cross_origin = running
        .http
        .get(running.url("/v1/auth/me"))
        .bearer_auth(&token)
        .header("origin", "https://evil.example")
        .send()
        .await
        .expect("me");
    assert_eq!(cross_origin.status(), 200);
    assert!(cross_origin.headers().get("access-control-allow-origin").is_none(), "no CORS grant to other origins");
}
