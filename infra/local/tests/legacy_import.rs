//! `r2w import-legacy` over a database and upload folder made like the original app's
//! (scripts/legacy-fixture.py: passlib bcrypt hashes, unsalted SHA-256 rows, anonymous uploads,
//! every CV shape, the three folder layouts), on the embedded default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt};
use r2w_auth::AuthSettings;
use r2w_auth::mail::MailboxFolder;
use r2w_core::clock::{Clock, SystemClock};
use r2w_core::model::{CvId, Email, JobId, JobStatus, UploadId, UserId};
use r2w_core::records::users::ImportedPassword;
use r2w_core::records::{cvs, jobs, uploads, users};
use r2w_core::secrets::EnvSecrets;
use r2w_core::store::BlobKey;
use r2w_core::{App, Config};
use r2w_local::legacy::cv::{KEPT_HEADER, convert};
use r2w_local::legacy::{ImportOptions, Importer, LegacyDatabase, Report};
use r2w_local::server::Server;
use r2w_stripe_webhook::PaymentSettings;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The legacy data, made by the fixture script with the tools' Python (passlib installed).
struct Legacy {
    dir: tempfile::TempDir,
    expected: Value,
}

impl Legacy {
    fn make() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let venv = std::env::var("R2W_TOOLS_VENV").map(PathBuf::from).unwrap_or_else(|_| root().join(".venv-tools"));
        let python = venv.join("bin/python");
        let output = Command::new(&python)
            .arg(root().join("scripts/legacy-fixture.py"))
            .arg(dir.path())
            .output()
            .unwrap_or_else(|e| panic!("{} runs (make tools installs passlib): {e}", python.display()));
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let expected = std::fs::read_to_string(dir.path().join("expected.json")).expect("expected.json");
        Self { expected: serde_json::from_str(&expected).expect("JSON"), dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("resume2website.db")
    }

    fn uploads(&self) -> PathBuf {
        self.dir.path().join("uploads")
    }

    fn user(&self, name: &str) -> UserId {
        UserId::parse(self.expected["users"][name].as_str().expect("user id")).expect("id")
    }

    fn password(&self, name: &str) -> String {
        self.expected["passwords"][name].as_str().expect("password").to_owned()
    }

    /// Every `cv_data` of the legacy database, by job id.
    fn cv_data(&self) -> BTreeMap<String, String> {
        let db = rusqlite::Connection::open(self.db()).expect("db");
        let mut statement =
            db.prepare("SELECT job_id, cv_data FROM cv_uploads WHERE cv_data IS NOT NULL").expect("sql");
        statement
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))
            .expect("rows")
            .map(|row| row.expect("row"))
            .collect()
    }
}

struct Target {
    app: App,
    server: Arc<Server>,
    dir: tempfile::TempDir,
}

impl Target {
    async fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let vars: Vec<(String, String)> = vec![("R2W_DATA_DIR".into(), dir.path().display().to_string())];
        let config = Config::from_vars(vars.clone()).expect("config");
        let auth = AuthSettings::from_vars(vars.clone(), &config.public_url).expect("auth");
        let payments = PaymentSettings::from_vars(vars.clone(), &config.public_url).expect("payments");
        let app = r2w_embedded::app(config, dir.path(), EnvSecrets::from_vars(vars)).await.expect("app");
        let server = Server::new(app.clone(), auth, payments, Arc::new(SystemClock)).await.expect("server");
        Self { app, server, dir }
    }

    async fn import(&self, legacy: &Legacy, options: ImportOptions) -> Report {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let database = LegacyDatabase::open(&legacy.db()).expect("legacy db");
        Importer::new(self.app.clone(), clock, options).run(&database, &legacy.uploads()).await.expect("import")
    }

    async fn login(&self, email: &str, password: &str) -> u16 {
        self.call("/v1/auth/login", json!({"email": email, "password": password})).await
    }

    /// A POST to the server as API Gateway hands it over; its status.
    async fn call(&self, path: &str, body: serde_json::Value) -> u16 {
        let body = body.to_string();
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.http.source_ip = Some("203.0.113.7".into());
        let request = lambda_http::http::Request::builder()
            .method("POST")
            .uri(path)
            .header("content-type", "application/json")
            .body(Body::Text(body))
            .expect("request")
            .with_request_context(RequestContext::ApiGatewayV2(context));
        self.server.dispatch(request).await.status().as_u16()
    }

    /// Every row of the table and every stored file with its hash: what "changed nothing" means.
    fn snapshot(&self) -> Snapshot {
        let db = rusqlite::Connection::open(self.dir.path().join("r2w.sqlite3")).expect("sqlite");
        let mut statement = db.prepare("SELECT * FROM items").expect("select");
        let columns = statement.column_count();
        let mut rows: Vec<(String, String, String)> = statement
            .query_map([], |row| {
                let cells: Vec<String> = (0..columns).map(|i| format!("{:?}", row.get_ref(i))).collect();
                Ok((cells[0].clone(), cells[1].clone(), cells[2..].join("|")))
            })
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        rows.sort();
        let mut files = Vec::new();
        let mut stack = vec![self.dir.path().join("blobs")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                if entry.path().is_dir() {
                    stack.push(entry.path());
                } else {
                    let bytes = std::fs::read(entry.path()).expect("file");
                    files.push((entry.path(), hex(&Sha256::digest(&bytes))));
                }
            }
        }
        files.sort();
        (rows, files)
    }
}

/// Table rows (key, sort key, the rest) and stored files with their SHA-256.
type Snapshot = (Vec<(String, String, String)>, Vec<(PathBuf, String)>);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bcrypt_accounts_sign_in_with_their_old_passwords_and_are_rehashed() {
    let legacy = Legacy::make();
    let target = Target::new().await;
    let report = target.import(&legacy, ImportOptions::default()).await;
    assert_eq!(report.imported.users, 3, "{report}");

    let table = target.app.table.as_ref();
    let ada = users::load(table, &legacy.user("ada")).await.expect("load").expect("ada imported");
    assert!(ada.password_hash.as_deref().is_some_and(|h| h.starts_with("$2b$12$")), "kept as passlib made it");
    assert_eq!(ada.imported.as_ref().map(|i| i.password), Some(ImportedPassword::Bcrypt));

    assert_eq!(target.login("ada@example.com", &legacy.password("ada")).await, 200);
    let ada = users::load(table, &ada.id).await.expect("load").expect("ada");
    assert!(ada.password_hash.as_deref().is_some_and(|h| h.starts_with("$argon2id$")), "rehashed at sign-in");
    assert_eq!(target.login("ada@example.com", &legacy.password("ada")).await, 200, "and the new hash works");
    assert_eq!(target.login("ada@example.com", "Analytical-Engine-1842").await, 401);

    // bcrypt read 72 bytes: a longer password counted only that far, and still does.
    let grace = legacy.password("grace");
    assert!(grace.len() > 72);
    assert_eq!(target.login("grace@example.com", &grace).await, 200, "the address in any case");
    let mut same_start = grace.as_bytes()[..72].to_vec();
    same_start.extend_from_slice(b"-differs-after-72");
    let same_start = String::from_utf8(same_start).expect("ascii");
    let grace_account =
        users::by_email(table, &Email::parse("grace@example.com").expect("email")).await.expect("by email");
    assert!(grace_account.is_some_and(|g| g.password_hash.is_some_and(|h| h.starts_with("$argon2id$"))));
    assert_eq!(target.login("grace@example.com", &same_start).await, 401, "after the rehash, every byte counts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsalted_sha256_accounts_cannot_sign_in_with_a_password_until_the_reset_mail() {
    let legacy = Legacy::make();
    let target = Target::new().await;
    target.import(&legacy, ImportOptions::default()).await;
    let linus = users::load(target.app.table.as_ref(), &legacy.user("linus")).await.expect("load").expect("imported");
    assert_eq!(linus.password_hash, None, "the unsalted hash is not kept");
    assert_eq!(linus.imported.map(|i| i.password), Some(ImportedPassword::UnsaltedSha256Dropped));
    let old = legacy.expected["sha256_password"].as_str().expect("password");
    assert_eq!(target.login("linus@example.com", old).await, 401);
    let unsalted = hex(&Sha256::digest(old.as_bytes()));
    assert_eq!(target.login("linus@example.com", &unsalted).await, 401, "nor with the hash itself");

    // The way back in: a reset mail to the address, which proves it is theirs.
    let forgot = json!({"email": "linus@example.com"});
    assert_eq!(target.call("/v1/auth/password/forgot", forgot).await, 202);
    let mailbox = target.dir.path().join("mailbox");
    let listed = MailboxFolder::names(&mailbox).expect("mailbox");
    assert_eq!(listed.len(), 1, "one mail: {listed:?}");
    let raw = MailboxFolder::read(&mailbox, &listed[0]).expect("read").expect("the mail");
    let text = mailparse::parse_mail(&raw).expect("MIME").subparts[0].get_body().expect("text part");
    let start = text.find("#token=").expect("a reset link") + "#token=".len();
    let token: String = text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || "_-".contains(*c)).collect();
    let new_password = "quartz-lantern-meadow-58";
    assert_eq!(target.call("/v1/auth/password/reset", json!({"token": token, "password": new_password})).await, 204);
    assert_eq!(target.login("linus@example.com", new_password).await, 200);
    let linus = users::load(target.app.table.as_ref(), &legacy.user("linus")).await.expect("load").expect("account");
    assert!(linus.email_verified, "the mail proved the address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_changes_nothing_and_a_dry_run_writes_nothing() {
    let legacy = Legacy::make();
    let dry = Target::new().await;
    let before = dry.snapshot();
    let planned = dry.import(&legacy, ImportOptions { dry_run: true, include_anonymous: true }).await;
    assert_eq!(dry.snapshot(), before, "a dry run writes nothing");
    assert_eq!(planned.imported.users, 3, "{planned}");

    let target = Target::new().await;
    let first = target.import(&legacy, ImportOptions { dry_run: false, include_anonymous: true }).await;
    assert_eq!((first.imported.users, first.imported.cvs), (planned.imported.users, planned.imported.cvs), "{first}");
    let after_first = target.snapshot();
    let second = target.import(&legacy, ImportOptions { dry_run: false, include_anonymous: true }).await;
    assert_eq!(target.snapshot(), after_first, "the second run wrote nothing");
    assert_eq!(
        second.imported.users + second.imported.cvs + second.imported.originals + second.imported.previews,
        0,
        "{second}"
    );
    assert_eq!(second.unchanged.users, first.imported.users);
    assert_eq!(second.unchanged.cvs, first.imported.cvs);
    assert_eq!(second.conflicts, first.conflicts, "conflicts are reported every time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicts_are_reported_not_merged_and_anonymous_uploads_only_on_request() {
    let legacy = Legacy::make();
    let target = Target::new().await;
    let report = target.import(&legacy, ImportOptions::default()).await;
    assert_eq!(report.conflicts.len(), 1, "{report}");
    assert_eq!(report.conflicts[0].legacy_user_id, legacy.user("grace2").as_str());
    assert!(report.conflicts[0].address_belongs_to.contains(legacy.user("grace").as_str()));
    let table = target.app.table.as_ref();
    assert!(users::load(table, &legacy.user("grace2")).await.expect("load").is_none(), "no second account");
    // Its CV is kept, unclaimed, under the legacy id: nothing uploaded is lost.
    let kept = cvs::load(table, &legacy.user("grace2"), &CvId::parse("job-grace2-1").expect("id")).await.expect("load");
    assert!(kept.is_some());
    assert!(report.to_string().contains("conflicts (1)"));

    let anonymous = UserId::parse(legacy.expected["anonymous"].as_str().expect("id")).expect("id");
    let anon_job = JobId::parse("job-anon-1").expect("id");
    assert!(jobs::load(table, &anonymous, &anon_job).await.expect("load").is_none(), "left out by default");
    let again = target.import(&legacy, ImportOptions { dry_run: false, include_anonymous: true }).await;
    assert_eq!(again.imported.cvs, 1, "{again}");
    assert!(jobs::load(table, &anonymous, &anon_job).await.expect("load").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn originals_are_byte_identical_with_their_sha256_and_jobs_are_done() {
    let legacy = Legacy::make();
    let target = Target::new().await;
    target.import(&legacy, ImportOptions { dry_run: false, include_anonymous: true }).await;
    let table = target.app.table.as_ref();
    let cases = [
        ("ada", "up-ada-1", "job-ada-1", "job-ada-1.pdf"),
        ("ada", "up-ada-2", "job-ada-2", "job-ada-2/01_ada-cv-2025.docx"),
        ("ada", "up-ada-2-01", "job-ada-2", "job-ada-2/02_portrait.png"),
        ("grace", "up-grace-1", "job-grace-1", "job-grace-1.docx"),
        ("linus", "up-linus-1", "job-linus-1", "job-linus-1.txt"),
    ];
    for (who, upload, job, file) in cases {
        let user = legacy.user(who);
        let record = uploads::load(table, &user, &UploadId::parse(upload).expect("id")).await.expect("load");
        let record = record.unwrap_or_else(|| panic!("{upload} recorded"));
        let original = std::fs::read(legacy.uploads().join(file)).expect("legacy file");
        let stored = target.app.uploads.get(&BlobKey::parse(record.object_key()).expect("key")).await.expect("stored");
        assert_eq!(stored.body.as_ref(), original.as_slice(), "{file} byte for byte");
        assert_eq!(record.sha256.as_deref(), Some(hex(&Sha256::digest(&original)).as_str()));
        assert_eq!(record.size, original.len() as u64);
        let job = jobs::load(table, &user, &JobId::parse(job).expect("id")).await.expect("load").expect("job");
        assert_eq!(job.status, JobStatus::Succeeded, "{job:?}");
    }
    // The stale `_extracted.json` snapshot is not an original.
    let ada = legacy.user("ada");
    let stored = target.app.uploads.list(&format!("uploads/{ada}/")).await.expect("list");
    assert!(stored.iter().all(|o| !o.key.as_str().contains("extracted")), "{stored:?}");
    // The old JSON is kept byte for byte beside the original, for audit.
    let audit_key = BlobKey::parse(format!("uploads/{ada}/up-ada-1/legacy-cv-data.json")).expect("key");
    let audit = target.app.uploads.get(&audit_key).await.expect("audit copy");
    assert_eq!(audit.body.as_ref(), legacy.cv_data()["job-ada-1"].as_bytes());

    // A failed legacy job with no file and no data is not invented.
    let linus_failed = jobs::load(table, &legacy.user("linus"), &JobId::parse("job-linus-2").expect("id")).await;
    assert!(linus_failed.expect("load").is_none());

    // Each account's latest CV has a preview; the S3 event of an imported original starts nothing.
    let latest = jobs::load(table, &ada, &JobId::parse("job-ada-2").expect("id")).await.expect("load").expect("job");
    assert!(latest.portfolio_id.is_some(), "{latest:?}");
    let older = jobs::load(table, &ada, &JobId::parse("job-ada-1").expect("id")).await.expect("load").expect("job");
    assert!(older.portfolio_id.is_none());
    let received = target.server.upload_received(&format!("uploads/{ada}/up-ada-1/original")).await.expect("event");
    assert_eq!(received, r2w_upload::Received::AlreadyStarted);
}

/// Every non-null value of every legacy CV is in the converted CV data, or in its unclassified
/// text; and what is stored is that conversion.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cv_converts_with_no_value_lost() {
    let legacy = Legacy::make();
    let target = Target::new().await;
    target.import(&legacy, ImportOptions { dry_run: false, include_anonymous: true }).await;
    let data = legacy.cv_data();
    assert!(data.len() >= 5, "every legacy shape is in the fixture");
    for (job, raw) in &data {
        let old: Value = serde_json::from_str(raw).expect("legacy JSON");
        let cv = convert(&old);
        let new = serde_json::to_string(&cv).expect("serialise");
        let unclassified = cv.unclassified_text.clone().unwrap_or_default();
        let mut leaves = Vec::new();
        collect_leaves("", &old, &mut leaves);
        for (path, value) in leaves {
            let as_json = serde_json::to_string(&value).expect("json");
            let inner = as_json.trim_matches('"');
            // A date is kept as a date: "March 2020" is 2020-03, "Present" is isCurrent.
            let as_date = match r2w_extract::heuristic::field_date(&value) {
                Some(Some(date)) => new.contains(&format!("\"{date}\"")),
                Some(None) => new.contains("\"isCurrent\":true"),
                None => match r2w_extract::heuristic::find_range(&value) {
                    Some(found) if found.start == 0 && found.end == value.len() => [found.range.start, found.range.end]
                        .iter()
                        .flatten()
                        .all(|date| new.contains(&format!("\"{date}\""))),
                    _ => false,
                },
            };
            assert!(
                new.contains(inner) || unclassified.contains(&value) || as_date,
                "{job}: {path} = {value:?} is lost\nnew: {new}"
            );
        }
        let owner = ["ada", "grace", "linus", "grace2"]
            .iter()
            .map(|n| legacy.user(n))
            .chain([UserId::parse(legacy.expected["anonymous"].as_str().expect("id")).expect("id")])
            .collect::<Vec<_>>();
        let cv_id = CvId::parse(job.clone()).expect("id");
        let mut stored = None;
        for user in &owner {
            if let Some(record) = cvs::load(target.app.table.as_ref(), user, &cv_id).await.expect("load") {
                stored = Some(record.cv);
            }
        }
        assert_eq!(stored.as_ref(), Some(&cv), "{job} is stored as converted");
    }

    // The shapes, spot-checked where they differ.
    let older = convert(&serde_json::from_str(&data["job-ada-2"]).expect("json"));
    assert_eq!(older.hero.tagline.as_deref(), Some("It's easier to ask forgiveness than it is to get permission."));
    assert_eq!(older.patents[0].number.as_deref(), Some("US-0000001"));
    assert_eq!(older.memberships[0].organization.as_deref(), Some("ACM"));
    assert!(older.memberships[0].dates.is_current);
    assert_eq!(older.volunteer[0].dates.start.map(|d| d.to_string()).as_deref(), Some("1970"), "a bare list");
    assert!(older.unclassified_text.as_deref().is_some_and(|t| t.contains("militaryService: US Navy Reserve")));
    let current = convert(&serde_json::from_str(&data["job-ada-1"]).expect("json"));
    assert_eq!(current.experience[0].dates.start.map(|d| d.to_string()).as_deref(), Some("1842-01"));
    assert!(current.experience[1].dates.is_current);
    let text = current.unclassified_text.as_deref().unwrap_or_default();
    assert!(text.starts_with("Correspondence with Faraday."), "the old unclassified text first");
    assert!(text.contains(KEPT_HEADER) && text.contains("Spring 1840"), "a date that is not one is kept as written");
    assert!(
        text.contains("additionalData.references: Available on request")
            || text.contains("references: Available on request")
    );
    let reversed = convert(&serde_json::from_str(&data["job-linus-1"]).expect("json"));
    assert!(reversed.volunteer[0].dates.is_empty(), "a range that ends before it starts is not invented into one");
    assert!(reversed.unclassified_text.as_deref().is_some_and(|t| t.contains("2001") && t.contains("1999")));
}

fn collect_leaves(path: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) if !s.trim().is_empty() => out.push((path.to_owned(), s.trim().to_owned())),
        Value::Number(n) => out.push((path.to_owned(), n.to_string())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_leaves(&format!("{path}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                collect_leaves(&format!("{path}.{key}"), item, out);
            }
        }
        _ => {}
    }
}

/// A re-upload of a file the original app had read is answered from its imported extraction:
/// no call to Claude.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_file_uploaded_again_costs_no_claude_call() {
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let legacy = Legacy::make();
    let claude = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(&claude).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let vars: Vec<(String, String)> = vec![
        ("R2W_DATA_DIR".into(), dir.path().display().to_string()),
        ("R2W_ANTHROPIC_BASE_URL".into(), claude.uri()),
        ("ANTHROPIC_API_KEY".into(), "sk-ant-test-local".into()),
    ];
    let config = Config::from_vars(vars.clone()).expect("config");
    let app = r2w_embedded::app(config, dir.path(), EnvSecrets::from_vars(vars)).await.expect("app");
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let database = LegacyDatabase::open(&legacy.db()).expect("db");
    let report = Importer::new(app.clone(), Arc::clone(&clock), ImportOptions::default())
        .run(&database, &legacy.uploads())
        .await
        .expect("import");
    assert_eq!(report.imported.cached_extractions, 1, "{report}");

    let extractor = r2w_extract::extractor::Extractor::for_app(&app, clock).expect("extractor");
    let original = std::fs::read(legacy.uploads().join("job-ada-1.pdf")).expect("pdf");
    let cv = extractor.extract(None, original.into(), r2w_extract::extractor::Mode::Auto).await.expect("extracted");
    assert_eq!(cv.hero.full_name.as_deref(), Some("Ada Lovelace"), "the imported extraction");
    claude.verify().await;
}
