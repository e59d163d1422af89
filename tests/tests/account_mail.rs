//! Accounts people can trust, over HTTP on `r2w serve`'s server, reading the mail it really
//! sends: through a real SMTP server (aiosmtpd from the tools' Python, with STARTTLS), into the
//! embedded default's mailbox folder, and through SES on the local AWS emulator. Each test name
//! says which.
//!
//! The scenario: sign up -> verification mail (in the browser's language) -> link -> verified;
//! forgot password -> mail -> new password -> old sessions and refresh tokens refused; a reset
//! link reused or expired -> refused; an unknown address -> the same answer and no mail; TOTP on
//! -> sign-in needs a code -> a recovery code works once; wrong codes rate-limited. What the
//! server logs goes to the secrets scan (scripts/test.sh), which looks for every token, code and
//! password.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use r2w_auth::AuthSettings;
use r2w_auth::mail::{Mailer, SesMailer};
use r2w_auth::two_factor::code_at;
use r2w_core::Config;
use r2w_core::clock::{Clock, ManualClock};
use r2w_core::secrets::EnvSecrets;
use r2w_local::server::Server;
use r2w_stripe_webhook::PaymentSettings;
use reqwest::Method;
use serde_json::{Value, json};
use time::OffsetDateTime;

const PASSWORD: &str = "violet-teapot-rainfall-93";
const NEW_PASSWORD: &str = "saffron-kayak-thunder-47";
const SENDER: &str = "Resume2Website <no-reply@example.com>";

/// Where the scenario reads the mail the server sent.
enum Inbox {
    Folder(PathBuf),
    /// aiosmtpd's Mailbox handler delivers into a Maildir.
    Maildir(PathBuf),
    Ses {
        endpoint: String,
    },
}

struct Received {
    subject: String,
    text: String,
    html: String,
}

impl Inbox {
    async fn raw(&self) -> Vec<Vec<u8>> {
        let files = |dir: &Path| -> Vec<Vec<u8>> {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
                .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            paths.retain(|p| p.extension().is_some_and(|e| e == "eml") || !dir.ends_with("mailbox"));
            paths.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
            paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
        };
        match self {
            Self::Folder(dir) => files(dir),
            Self::Maildir(dir) => files(&dir.join("new")),
            Self::Ses { endpoint } => {
                let data: Value = r2w_http::http_client()
                    .build()
                    .expect("client")
                    .get(format!("{endpoint}/moto-api/data.json"))
                    .send()
                    .await
                    .expect("moto's data")
                    .json()
                    .await
                    .expect("json");
                data["ses"]["RawMessage"]
                    .as_array()
                    .map(|messages| {
                        messages
                            .iter()
                            .filter_map(|m| m["raw_data"].as_str())
                            .map(|raw| raw.as_bytes().to_vec())
                            .collect()
                    })
                    .unwrap_or_default()
            }
        }
    }

    /// The mail to `address`, oldest first.
    async fn to(&self, address: &str) -> Vec<Received> {
        self.raw()
            .await
            .iter()
            .filter_map(|raw| {
                let mail = mailparse::parse_mail(raw).ok()?;
                let header = |name: &str| {
                    mail.headers.iter().find(|h| h.get_key_ref().eq_ignore_ascii_case(name)).map(|h| h.get_value())
                };
                if !header("to")?.contains(address) {
                    return None;
                }
                let part = |kind: &str| {
                    mail.subparts.iter().find(|p| p.ctype.mimetype == kind).and_then(|p| p.get_body().ok())
                };
                Some(Received { subject: header("subject")?, text: part("text/plain")?, html: part("text/html")? })
            })
            .collect()
    }

    /// The `n`th mail to `address` (1-based), once it has arrived.
    async fn nth(&self, address: &str, n: usize) -> Received {
        for _ in 0..100 {
            let mut mails = self.to(address).await;
            if mails.len() >= n {
                return mails.swap_remove(n - 1);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("mail {n} to {address} never arrived")
    }
}

/// The token of the link to `page` in a mail's text.
fn token_in(text: &str, page: &str) -> String {
    let start = text.find(&format!("{page}#token=")).unwrap_or_else(|| panic!("no {page} link in {text:?}"));
    let rest = &text[start + page.len() + "#token=".len()..];
    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect()
}

struct Served {
    base: url::Url,
    http: reqwest::Client,
    clock: Arc<ManualClock>,
    inbox: Inbox,
    _dir: tempfile::TempDir,
    _task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Served {
    async fn start(
        extra: &[(&str, String)],
        mailer: Option<Arc<dyn Mailer>>,
        inbox: impl FnOnce(&Path) -> Inbox,
    ) -> Self {
        r2w_tests::record_logs();
        let dir = tempfile::tempdir().expect("tempdir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let mut vars = vec![
            ("R2W_DATA_DIR", dir.path().display().to_string()),
            ("R2W_PUBLIC_URL", base.clone()),
            ("R2W_APP_URL", "https://app.example.com/".to_owned()),
        ];
        vars.extend(extra.iter().cloned());
        let vars: Vec<(String, String)> = vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let config = Config::from_vars(vars.clone()).expect("config");
        let settings = AuthSettings::from_vars(vars.clone(), &config.public_url).expect("settings");
        let payments = PaymentSettings::from_vars(vars.clone(), &config.public_url).expect("payment settings");
        let app = r2w_embedded::app(config, dir.path(), EnvSecrets::from_vars(vars)).await.expect("app");
        let clock = Arc::new(ManualClock::at(OffsetDateTime::now_utc()));
        let server = match mailer {
            Some(mailer) => Server::with_mailer(app, settings, payments, clock.clone(), mailer).await,
            None => Server::new(app, settings, payments, clock.clone()).await,
        }
        .expect("server");
        let task = tokio::spawn(server.serve(listener));
        let inbox = inbox(dir.path());
        Self {
            base: url::Url::parse(&base).expect("url"),
            http: r2w_http::http_client().build().expect("client"),
            clock,
            inbox,
            _dir: dir,
            _task: task,
        }
    }

    async fn call(&self, method: Method, path: &str, bearer: Option<&str>, body: Option<Value>) -> (u16, Value) {
        self.call_with(method, path, bearer, body, &[]).await
    }

    async fn call_with(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let mut request = self.http.request(method, self.base.join(path).expect("url"));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn login(&self, email: &str, password: &str) -> (u16, Value) {
        self.call(Method::POST, "/v1/auth/login", None, Some(json!({"email": email, "password": password}))).await
    }

    fn now(&self) -> u64 {
        self.clock.unix_now() as u64
    }
}

/// The scenario for the person at `ada`.
async fn scenario(s: &Served, ada: &str) {
    // Sign up: the verification mail, in the language of the browser that signed up.
    let (status, signed) = s
        .call_with(
            Method::POST,
            "/v1/auth/register",
            None,
            Some(json!({"email": ada, "password": PASSWORD, "full_name": "Ada Lovelace"})),
            &[("accept-language", "fr-CH, fr;q=0.9, en;q=0.5")],
        )
        .await;
    assert_eq!(status, 201, "{signed}");
    assert_eq!(signed["user"]["email_verified"], false);
    let access = signed["access_token"].as_str().expect("access token").to_owned();
    let refresh = signed["refresh_token"].as_str().expect("refresh token").to_owned();
    let mail = s.inbox.nth(ada, 1).await;
    assert_eq!(mail.subject, "Confirmez votre adresse e-mail");
    let token = token_in(&mail.text, "https://app.example.com/verify-email");
    assert!(mail.html.contains(&token), "the HTML part has the same link");
    let verify = json!({"token": token});
    assert_eq!(s.call(Method::POST, "/v1/auth/email/verify", None, Some(verify.clone())).await.0, 204);
    let (_, me) = s.call(Method::GET, "/v1/auth/me", Some(&access), None).await;
    assert_eq!(me["email_verified"], true, "{me}");
    assert_eq!(s.call(Method::POST, "/v1/auth/email/verify", None, Some(verify)).await.0, 422, "a link works once");

    // Forgot password: an unknown address gets the same answer and no mail.
    let (unknown_status, unknown) =
        s.call(Method::POST, "/v1/auth/password/forgot", None, Some(json!({"email": "nobody@example.com"}))).await;
    let (known_status, known) =
        s.call(Method::POST, "/v1/auth/password/forgot", None, Some(json!({"email": ada}))).await;
    assert_eq!((unknown_status, &unknown), (known_status, &known));
    assert_eq!(known_status, 202);
    let mail = s.inbox.nth(ada, 2).await;
    assert_eq!(mail.subject, "Réinitialisez votre mot de passe");
    assert!(s.inbox.to("nobody@example.com").await.is_empty(), "no mail to an address without an account");
    let token = token_in(&mail.text, "https://app.example.com/reset-password");

    // A weak password is refused and the link still works; a strong one is set once.
    let weak = json!({"token": token, "password": "password123"});
    assert_eq!(s.call(Method::POST, "/v1/auth/password/reset", None, Some(weak)).await.0, 422);
    let reset = json!({"token": token, "password": NEW_PASSWORD});
    assert_eq!(s.call(Method::POST, "/v1/auth/password/reset", None, Some(reset.clone())).await.0, 204);
    assert_eq!(s.call(Method::POST, "/v1/auth/password/reset", None, Some(reset)).await.0, 422, "used");
    assert_eq!(s.inbox.nth(ada, 3).await.subject, "Votre mot de passe a été modifié");

    // Every earlier session ended: its access token and its refresh token are refused.
    assert_eq!(s.call(Method::GET, "/v1/auth/me", Some(&access), None).await.0, 401);
    let spent = json!({"refresh_token": refresh});
    assert_eq!(s.call(Method::POST, "/v1/auth/refresh", None, Some(spent)).await.0, 401);
    assert_eq!(s.login(ada, PASSWORD).await.0, 401, "the old password");
    let (status, signed) = s.login(ada, NEW_PASSWORD).await;
    assert_eq!(status, 200, "{signed}");
    let access = signed["access_token"].as_str().expect("token").to_owned();

    // A reset link expires after 30 minutes.
    assert_eq!(s.call(Method::POST, "/v1/auth/password/forgot", None, Some(json!({"email": ada}))).await.0, 202);
    let late = token_in(&s.inbox.nth(ada, 4).await.text, "/reset-password");
    s.clock.advance(Duration::from_secs(31 * 60));
    let expired = json!({"token": late, "password": "another-strong-passphrase-12"});
    assert_eq!(s.call(Method::POST, "/v1/auth/password/reset", None, Some(expired)).await.0, 422);
    let (status, signed) = s.login(ada, NEW_PASSWORD).await;
    assert_eq!(status, 200, "the expired link changed nothing");
    let access = signed["access_token"].as_str().map_or(access, str::to_owned);

    // Two-factor sign-in: enrol, confirm with a code, keep the recovery codes.
    let (status, enrolment) =
        s.call(Method::POST, "/v1/auth/2fa/totp", Some(&access), Some(json!({"password": NEW_PASSWORD}))).await;
    assert_eq!(status, 200, "{enrolment}");
    let secret = enrolment["secret"].as_str().expect("secret").to_owned();
    assert!(enrolment["otpauth_uri"].as_str().expect("uri").starts_with("otpauth://totp/Resume2Website:"));
    let code = code_at(&secret, s.now()).expect("code");
    let (status, confirmed) =
        s.call(Method::POST, "/v1/auth/2fa/totp/confirm", Some(&access), Some(json!({"code": code}))).await;
    assert_eq!(status, 200, "{confirmed}");
    let recovery: Vec<String> = confirmed["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect();
    assert_eq!(recovery.len(), 10);

    // The password alone no longer signs in: a challenge, then a code.
    let (status, first) = s.login(ada, NEW_PASSWORD).await;
    assert_eq!(status, 202, "{first}");
    assert!(first.get("access_token").is_none(), "no tokens before the second factor");
    let step = |challenge: &Value, code: &str| json!({"challenge": challenge["challenge"], "code": code});
    let (status, signed) = s.call(Method::POST, "/v1/auth/2fa/verify", None, Some(step(&first, &recovery[0]))).await;
    assert_eq!(status, 200, "a recovery code: {signed}");
    assert!(signed["access_token"].is_string());
    let (_, second) = s.login(ada, NEW_PASSWORD).await;
    let again = s.call(Method::POST, "/v1/auth/2fa/verify", None, Some(step(&second, &recovery[0]))).await.0;
    assert_eq!(again, 422, "a recovery code works once");
    s.clock.advance(Duration::from_secs(30));
    let code = code_at(&secret, s.now()).expect("code");
    assert_eq!(s.call(Method::POST, "/v1/auth/2fa/verify", None, Some(step(&second, &code))).await.0, 200);
    let replayed = s.call(Method::POST, "/v1/auth/2fa/verify", None, Some(step(&second, &code))).await.0;
    assert_eq!(replayed, 401, "the challenge is spent too");

    // Wrong codes are limited: after five, even the right one waits.
    let (_, third) = s.login(ada, NEW_PASSWORD).await;
    for _ in 0..5 {
        assert_eq!(s.call(Method::POST, "/v1/auth/2fa/verify", None, Some(step(&third, "123"))).await.0, 422);
    }
    s.clock.advance(Duration::from_secs(30));
    let code = code_at(&secret, s.now()).expect("code");
    assert_eq!(s.call(Method::POST, "/v1/auth/2fa/verify", None, Some(step(&third, &code))).await.0, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_accounts_are_verified_reset_and_guarded_by_mail_in_the_local_mailbox() {
    let s = Served::start(&[], None, |dir| Inbox::Folder(dir.join("mailbox"))).await;
    scenario(&s, "ada@example.com").await;
    // The local page lists what was sent, to this machine only.
    let page = s.http.get(s.base.join("/_mailbox/").expect("url")).send().await.expect("page");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("text").contains("Confirmez votre adresse e-mail"));
}

/// aiosmtpd with STARTTLS required, its certificate made here and trusted through
/// `R2W_SMTP_CA_FILE`.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    cert: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let venv = std::env::var("R2W_TOOLS_VENV").map(PathBuf::from).unwrap_or_else(|_| root.join(".venv-tools"));
        let dir = tempfile::tempdir().expect("tempdir");
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        let made = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
            .args(["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"])
            .args(["-addext", "basicConstraints=critical,CA:FALSE"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stderr(Stdio::null())
            .status()
            .expect("openssl");
        assert!(made.success(), "openssl made no certificate");
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let maildir = dir.path().join("maildir");
        let child = Command::new(venv.join("bin/python"))
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .arg("--tlscert")
            .arg(&cert)
            .arg("--tlskey")
            .arg(&key)
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("aiosmtpd from {} (make tools installs it): {e}", venv.display()));
        // Owned from here: dropping it (a panic included) stops the server.
        let server = Self { child, port, maildir, cert, _dir: dir };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("aiosmtpd did not start on port {port}")
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_accounts_are_verified_reset_and_guarded_by_mail_through_a_real_smtp_server_over_starttls() {
    let smtp = SmtpServer::start();
    let settings = [
        ("R2W_MAIL", "smtp".to_owned()),
        ("R2W_MAIL_FROM", SENDER.to_owned()),
        ("R2W_SMTP_HOST", "localhost".to_owned()),
        ("R2W_SMTP_PORT", smtp.port.to_string()),
        ("R2W_SMTP_CA_FILE", smtp.cert.display().to_string()),
    ];
    let maildir = smtp.maildir.clone();
    let s = Served::start(&settings, None, move |_| Inbox::Maildir(maildir)).await;
    scenario(&s, "ada@example.com").await;
    let page = s.http.get(s.base.join("/_mailbox/").expect("url")).send().await.expect("page");
    assert_eq!(page.status(), 404, "no mailbox page when mail leaves the machine");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_accounts_are_verified_reset_and_guarded_by_mail_through_ses_on_the_emulator() {
    let endpoint = r2w_tests::emulator();
    let sdk = r2w_tests::emulator_sdk(&endpoint).await;
    let ses = aws_sdk_sesv2::Client::new(&sdk);
    // SES sends only from a verified identity.
    ses.create_email_identity().email_identity("no-reply@example.com").send().await.expect("identity");
    let mailer: Arc<dyn Mailer> = Arc::new(SesMailer::new(ses, SENDER.parse().expect("sender")));
    let s = Served::start(&[], Some(mailer), move |_| Inbox::Ses { endpoint }).await;
    // The emulator keeps the mail of every run in one list: this run's address is its own.
    scenario(&s, &format!("ada-{}@example.com", uuid::Uuid::new_v4().simple())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_an_address_moves_only_when_the_new_one_confirms_and_sessions_are_listed_and_ended() {
    let s = Served::start(&[], None, |dir| Inbox::Folder(dir.join("mailbox"))).await;
    let (old, new) = ("grace@example.com", "grace.hopper@example.com");
    let body = json!({"email": old, "password": PASSWORD, "full_name": "Grace Hopper"});
    let (_, laptop) =
        s.call_with(Method::POST, "/v1/auth/register", None, Some(body), &[("user-agent", "Laptop")]).await;
    let laptop = laptop["access_token"].as_str().expect("token").to_owned();

    // An unproven address cannot be changed; its link can be sent again (within a limit).
    let change = json!({"email": new, "password": PASSWORD});
    let (status, problem) = s.call(Method::POST, "/v1/auth/email", Some(&laptop), Some(change.clone())).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(s.call(Method::POST, "/v1/auth/email/verification", Some(&laptop), None).await.0, 202);
    let token = token_in(&s.inbox.nth(old, 2).await.text, "/verify-email");
    assert_eq!(s.call(Method::POST, "/v1/auth/email/verify", None, Some(json!({"token": token}))).await.0, 204);

    // The move needs the password, and happens only when the new address opens its link.
    let wrong = json!({"email": new, "password": "not-the-password-at-all"});
    assert_eq!(s.call(Method::POST, "/v1/auth/email", Some(&laptop), Some(wrong)).await.0, 422);
    assert_eq!(s.call(Method::POST, "/v1/auth/email", Some(&laptop), Some(change)).await.0, 202);
    let (_, me) = s.call(Method::GET, "/v1/auth/me", Some(&laptop), None).await;
    assert_eq!(me["email"], old, "not before the new address confirms");
    let token = token_in(&s.inbox.nth(new, 1).await.text, "/verify-email");
    assert_eq!(s.call(Method::POST, "/v1/auth/email/verify", None, Some(json!({"token": token}))).await.0, 204);
    let (_, me) = s.call(Method::GET, "/v1/auth/me", Some(&laptop), None).await;
    assert_eq!((me["email"].as_str(), me["email_verified"].as_bool()), (Some(new), Some(true)));
    assert_eq!(s.inbox.nth(old, 3).await.subject, "Your e-mail address was changed", "the old address is told");
    assert_eq!(s.login(new, PASSWORD).await.0, 200);
    assert_eq!(s.login(old, PASSWORD).await.0, 401);

    // Sessions: listed with the one asking marked; ending one ends its refresh token.
    let phone = json!({"email": new, "password": PASSWORD});
    let (_, phone) = s.call_with(Method::POST, "/v1/auth/login", None, Some(phone), &[("user-agent", "Phone")]).await;
    let phone_refresh = phone["refresh_token"].as_str().expect("refresh").to_owned();
    let (status, sessions) = s.call(Method::GET, "/v1/auth/sessions", Some(&laptop), None).await;
    assert_eq!(status, 200, "{sessions}");
    let sessions = sessions.as_array().expect("a list").clone();
    let by_agent = |agent: &str| sessions.iter().find(|v| v["user_agent"] == agent).cloned().expect("listed");
    assert_eq!(by_agent("Laptop")["current"], true);
    assert_eq!(by_agent("Phone")["current"], false);
    let id = by_agent("Phone")["id"].as_str().expect("id").to_owned();
    assert_eq!(s.call(Method::DELETE, &format!("/v1/auth/sessions/{id}"), Some(&laptop), None).await.0, 204);
    let refresh = json!({"refresh_token": phone_refresh});
    assert_eq!(s.call(Method::POST, "/v1/auth/refresh", None, Some(refresh)).await.0, 401);
    assert_eq!(s.call(Method::DELETE, &format!("/v1/auth/sessions/{id}"), Some(&laptop), None).await.0, 404);

    // Changing the password ends the other sessions and answers a new one.
    let change = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD});
    let (status, signed) = s.call(Method::POST, "/v1/auth/password", Some(&laptop), Some(change)).await;
    assert_eq!(status, 200, "{signed}");
    assert_eq!(s.call(Method::GET, "/v1/auth/me", Some(&laptop), None).await.0, 401, "the old token is gone");
    let fresh = signed["access_token"].as_str().expect("token");
    assert_eq!(s.call(Method::GET, "/v1/auth/me", Some(fresh), None).await.0, 200);
}

/// Someone registers another person's address and turns on two-step sign-in. The owner asks
/// for a reset: the mail proves the address, so the account is theirs — the squatter's second
/// factor and sessions go with the reset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_the_owner_of_an_address_reclaims_it_from_whoever_registered_it() {
    let s = Served::start(&[], None, |dir| Inbox::Folder(dir.join("mailbox"))).await;
    let victim = "mary@example.com";
    let body = json!({"email": victim, "password": PASSWORD, "full_name": "Not Mary"});
    let (_, squatter) = s.call(Method::POST, "/v1/auth/register", None, Some(body)).await;
    let squatter = squatter["access_token"].as_str().expect("token").to_owned();
    let (_, enrolment) =
        s.call(Method::POST, "/v1/auth/2fa/totp", Some(&squatter), Some(json!({"password": PASSWORD}))).await;
    let code = code_at(enrolment["secret"].as_str().expect("secret"), s.now()).expect("code");
    assert_eq!(
        s.call(Method::POST, "/v1/auth/2fa/totp/confirm", Some(&squatter), Some(json!({"code": code}))).await.0,
        200
    );

    assert_eq!(s.call(Method::POST, "/v1/auth/password/forgot", None, Some(json!({"email": victim}))).await.0, 202);
    let token = token_in(&s.inbox.nth(victim, 2).await.text, "/reset-password");
    let reset = json!({"token": token, "password": NEW_PASSWORD});
    assert_eq!(s.call(Method::POST, "/v1/auth/password/reset", None, Some(reset)).await.0, 204);
    let (status, signed) = s.login(victim, NEW_PASSWORD).await;
    assert_eq!(status, 200, "no second factor of the squatter's: {signed}");
    assert_eq!(signed["user"]["email_verified"], true);
    assert_eq!(signed["user"]["two_factor"], false);
    assert_eq!(s.call(Method::GET, "/v1/auth/me", Some(&squatter), None).await.0, 401, "the squatter is out");
}

/// STARTTLS is checked, not just started: a server whose certificate no trusted root vouches
/// for gets no mail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_a_server_with_an_untrusted_certificate_gets_no_mail() {
    use r2w_auth::mail::{Mail, SmtpMailer};
    use r2w_auth::settings::{SmtpSecurity, SmtpSettings};
    use r2w_core::model::Email;

    let smtp = SmtpServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let app =
        r2w_embedded::app(Config::embedded(dir.path()), dir.path(), EnvSecrets::from_vars([])).await.expect("app");
    let settings = SmtpSettings {
        host: "localhost".into(),
        port: smtp.port,
        security: SmtpSecurity::StartTls,
        username: None,
        ca_file: None,
    };
    let mailer = SmtpMailer::new(SENDER.parse().expect("sender"), &settings, &app).await.expect("mailer");
    let mail = Mail {
        to: Email::parse("ada@example.com").expect("email"),
        subject: "Hello".into(),
        text: "Hello".into(),
        html: "<p>Hello</p>".into(),
    };
    let refused = mailer.send(&r2w_core::model::UserId::random(), &mail).await;
    assert!(refused.is_err(), "sent to an untrusted server");
    assert!(Inbox::Maildir(smtp.maildir.clone()).raw().await.is_empty());
}
