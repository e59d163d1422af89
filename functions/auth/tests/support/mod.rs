//! The auth API on the embedded default, with three local sign-in providers: where every auth
//! test starts.
#![allow(dead_code)] // each test binary uses its own subset

pub mod provider;

use std::sync::Arc;

use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::http::Request as HttpRequest;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use provider::{FakeProvider, Kind, Person};
use r2w_auth::{AuthApi, AuthSettings};
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::ManualClock;
use r2w_core::secrets::EnvSecrets;
use r2w_core::{App, Config};
use serde_json::{Value, json};
use time::OffsetDateTime;

pub const FRONTEND: &str = "https://app.example.com";
pub const PASSWORD: &str = "violet-teapot-rainfall-93";

pub struct World {
    pub app: App,
    pub api: AuthApi,
    pub tokens: Arc<AccessTokens>,
    pub clock: Arc<ManualClock>,
    pub google: FakeProvider,
    pub linkedin: FakeProvider,
    pub github: FakeProvider,
    _dir: tempfile::TempDir,
}

pub fn person(subject: &str, email: &str) -> Person {
    Person { subject: subject.into(), email: email.into(), email_verified: true, name: "Ada Lovelace".into() }
}

impl World {
    pub async fn new() -> Self {
        let google =
            FakeProvider::start(Kind::Oidc, "google-client", "google-secret", person("g-1", "ada@example.com")).await;
        let linkedin = FakeProvider::start(
            Kind::OidcUserinfo,
            "linkedin-client",
            "linkedin-secret",
            person("li-1", "ada@example.com"),
        )
        .await;
        let github =
            FakeProvider::start(Kind::GitHub, "github-client", "github-secret", person("4242", "ada@example.com"))
                .await;

        let dir = tempfile::tempdir().expect("tempdir");
        let secrets = EnvSecrets::from_vars(
            [
                ("OAUTH_GOOGLE_CLIENT_SECRET", "google-secret"),
                ("OAUTH_LINKEDIN_CLIENT_SECRET", "linkedin-secret"),
                ("OAUTH_GITHUB_CLIENT_SECRET", "github-secret"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        let config = Config::embedded(dir.path());
        let settings = AuthSettings::from_vars(
            [
                ("R2W_FRONTEND_ORIGINS", FRONTEND.to_owned()),
                ("R2W_OAUTH_GOOGLE_CLIENT_ID", "google-client".into()),
                ("R2W_OAUTH_GOOGLE_ISSUER", google.uri()),
                ("R2W_OAUTH_LINKEDIN_CLIENT_ID", "linkedin-client".into()),
                ("R2W_OAUTH_LINKEDIN_ISSUER", linkedin.uri()),
                ("R2W_OAUTH_GITHUB_CLIENT_ID", "github-client".into()),
                ("R2W_OAUTH_GITHUB_URL", github.uri()),
                ("R2W_OAUTH_GITHUB_API_URL", format!("{}/api", github.uri())),
            ]
            .map(|(k, v)| (k.to_owned(), v)),
            &config.public_url,
        )
        .expect("settings");
        let app = r2w_embedded::app(config, dir.path(), secrets).await.expect("embedded app");
        let tokens = Arc::new(AccessTokens::for_app(&app).await.expect("tokens"));
        let clock = Arc::new(ManualClock::at(OffsetDateTime::now_utc()));
        let api = AuthApi::new(app.clone(), Arc::clone(&tokens), settings, clock.clone()).await.expect("api");
        Self { app, api, tokens, clock, google, linkedin, github, _dir: dir }
    }

    /// A request as API Gateway hands it over, from `ip`.
    pub async fn call_from(
        &self,
        ip: &str,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
    ) -> Response<Body> {
        let headers: Vec<(&str, String)> =
            bearer.map(|token| ("authorization", format!("Bearer {token}"))).into_iter().collect();
        self.call_with(ip, method, path, &headers, body).await
    }

    /// As a browser app calls: with `headers` (cookies, `R2W-Session`).
    pub async fn call_with(
        &self,
        ip: &str,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Option<Value>,
    ) -> Response<Body> {
        let mut builder = HttpRequest::builder().method(method).uri(format!("http://127.0.0.1:8080{path}"));
        for (name, value) in headers {
            builder = builder.header(*name, value);
        }
        let body = body.map_or(Body::Empty, |b| Body::Text(b.to_string()));
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.http.source_ip = Some(ip.into());
        let request: Request =
            builder.body(body).expect("request").with_request_context(RequestContext::ApiGatewayV2(context));
        self.api.handle(request).await
    }

    pub async fn call(&self, method: &str, path: &str, bearer: Option<&str>, body: Option<Value>) -> Response<Body> {
        self.call_from("198.51.100.7", method, path, bearer, body).await
    }

    /// Registers `email` with the test password; returns the answer's JSON.
    pub async fn register(&self, email: &str) -> Value {
        let body = json!({ "email": email, "password": PASSWORD, "full_name": "Ada Lovelace" });
        let response = self.call("POST", "/v1/auth/register", None, Some(body)).await;
        assert_eq!(response.status(), 201, "{}", text(&response));
        json_of(&response)
    }

    pub async fn login(&self, email: &str, password: &str) -> Response<Body> {
        self.call("POST", "/v1/auth/login", None, Some(json!({ "email": email, "password": password }))).await
    }

    pub async fn me(&self, access_token: &str) -> Response<Body> {
        self.call("GET", "/v1/auth/me", Some(access_token), None).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response<Body> {
        self.call("POST", "/v1/auth/refresh", None, Some(json!({ "refresh_token": refresh_token }))).await
    }
}

pub fn json_of(response: &Response<Body>) -> Value {
    serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null)
}

pub fn text(response: &Response<Body>) -> String {
    String::from_utf8_lossy(response.body().as_ref()).into_owned()
}

pub fn location(response: &Response<Body>) -> Option<url::Url> {
    response.headers().get("location").and_then(|v| v.to_str().ok()).and_then(|v| url::Url::parse(v).ok())
}
