//! What the API says about itself, without signing in:
//!
//! | route | does |
//! | --- | --- |
//! | `GET /v1/health` | 200 when the table and both stores answer, else 503; each check timed |
//! | `GET /v1/openapi.json` | the OpenAPI 3.1 document of the API (docs/openapi.json) |
//!
//! The health checks read: one table item (absent), one listing of each store under a prefix
//! that holds nothing. They say which dependency failed, never how (details go to the log).

pub mod openapi;

use std::time::{Duration, Instant};

use lambda_http::{Body, Request, Response};
use r2w_core::store::ItemKey;
use r2w_core::{App, Error};
use serde::Serialize;
use utoipa::ToSchema;

/// The document checked in at docs/openapi.json (a test in infra/local keeps it current).
pub const OPENAPI_DOCUMENT: &str = include_str!("../../../docs/openapi.json");
/// Longer than this, a dependency counts as down: a health check must answer promptly.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

pub struct StatusApi {
    app: App,
}

/// What `GET /v1/health` answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `degraded`.
    pub status: &'static str,
    pub checks: Vec<Check>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Check {
    /// `table`, `uploads` or `sites`.
    pub name: &'static str,
    pub ok: bool,
    pub duration_ms: u64,
}

impl StatusApi {
    pub fn new(app: App) -> Self {
        Self { app }
    }

    pub async fn handle(&self, request: Request) -> Response<Body> {
        r2w_http::serve(request, |request| self.route(request)).await
    }

    async fn route(&self, request: Request) -> Result<Response<Body>, Error> {
        let path = request.uri().path().trim_end_matches('/');
        match (request.method().as_str(), path) {
            ("GET", "/v1/health") => {
                let health = self.health().await;
                r2w_http::json(if health.status == "ok" { 200 } else { 503 }, &health)
            }
            ("GET", "/v1/openapi.json") => Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .header("cache-control", "public, max-age=300")
                .body(Body::Text(OPENAPI_DOCUMENT.to_owned()))
                .map_err(|e| Error::internal("building an answer", e)),
            (method, "/v1/health" | "/v1/openapi.json") => {
                Err(Error::BadRequest(format!("{method} is not allowed here")))
            }
            _ => Err(Error::NotFound("route".into())),
        }
    }

    /// Every dependency checked at once, each within [`CHECK_TIMEOUT`].
    pub async fn health(&self) -> Health {
        let key = ItemKey::new("HEALTH", "HEALTH");
        let (table, uploads, sites) = tokio::join!(
            check("table", async { self.app.table.get(&key).await.map(drop).map_err(|e| e.to_string()) }),
            check("uploads", async { self.app.uploads.list("health/").await.map(drop).map_err(|e| e.to_string()) }),
            check("sites", async { self.app.sites.list("health/").await.map(drop).map_err(|e| e.to_string()) }),
        );
        let checks = vec![table, uploads, sites];
        let status = if checks.iter().all(|c| c.ok) { "ok" } else { "degraded" };
        Health { status, checks }
    }
}

async fn check(name: &'static str, probe: impl Future<Output = Result<(), String>>) -> Check {
    let started = Instant::now();
    let outcome = match tokio::time::timeout(CHECK_TIMEOUT, probe).await {
        Ok(outcome) => outcome,
        Err(_) => Err(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
    };
    if let Err(error) = &outcome {
        tracing::error!(check = name, error, "health check failed");
    }
    Check { name, ok: outcome.is_ok(), duration_ms: started.elapsed().as_millis() as u64 }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use r2w_core::Config;
    use r2w_core::secrets::EnvSecrets;
    use r2w_faults::{Faults, FaultyTable};

    use super::*;

    async fn app(dir: &std::path::Path) -> App {
        r2w_embedded::app(Config::embedded(dir), dir, EnvSecrets::from_vars([])).await.expect("app")
    }

    fn get(path: &str) -> Request {
        lambda_http::http::Request::builder().method("GET").uri(path).body(Body::Empty).expect("request")
    }

    #[tokio::test]
    async fn healthy_dependencies_answer_200_with_each_check() {
        let dir = tempfile::tempdir().expect("tempdir");
        let response = StatusApi::new(app(dir.path()).await).handle(get("/v1/health")).await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = serde_json::from_slice(response.body().as_ref()).expect("json");
        assert_eq!(body["status"], "ok");
        let names: Vec<&str> =
            body["checks"].as_array().expect("checks").iter().filter_map(|c| c["name"].as_str()).collect();
        assert_eq!(names, ["table", "uploads", "sites"]);
    }

    #[tokio::test]
    async fn an_unreachable_table_is_503_naming_it_and_nothing_more() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut app = app(dir.path()).await;
        app.table = Arc::new(FaultyTable::new(Arc::clone(&app.table), Faults::with_attempts(1.0, 1, 1)));
        let response = StatusApi::new(app).handle(get("/v1/health")).await;
        assert_eq!(response.status(), 503);
        let body: serde_json::Value = serde_json::from_slice(response.body().as_ref()).expect("json");
        assert_eq!(body["status"], "degraded");
        let failed: Vec<&str> = body["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .filter(|c| c["ok"] == false)
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(failed, ["table"]);
        assert!(!body.to_string().contains("injected"), "how it failed stays in the log");
    }

    #[tokio::test]
    async fn the_document_is_served_and_is_openapi_3_1() {
        let dir = tempfile::tempdir().expect("tempdir");
        let response = StatusApi::new(app(dir.path()).await).handle(get("/v1/openapi.json")).await;
        assert_eq!(response.status(), 200);
        let document: serde_json::Value = serde_json::from_slice(response.body().as_ref()).expect("json");
        assert_eq!(document["openapi"], "3.1.0");
        assert!(document["paths"]["/v1/health"]["get"].is_object());
    }
}
