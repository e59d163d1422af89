//! The HTTP routes and the function that serves each: the one table `r2w serve` dispatches by,
//! and the one the `cargo lambda watch` router in the workspace Cargo.toml and the HTTP API in
//! template.yaml must repeat (tests hold them equal: below, and infra/local/tests/template.rs).
//! Paths use `{param}` segments, as API Gateway and cargo-lambda's router both do.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    /// The binary (Lambda function) that serves it.
    pub function: &'static str,
}

const fn route(method: &'static str, path: &'static str, function: &'static str) -> Route {
    Route { method, path, function }
}

pub const ROUTES: &[Route] = &[
    route("POST", "/v1/auth/register", "auth"),
    route("POST", "/v1/auth/login", "auth"),
    route("POST", "/v1/auth/refresh", "auth"),
    route("POST", "/v1/auth/logout", "auth"),
    route("POST", "/v1/auth/logout-all", "auth"),
    route("GET", "/v1/auth/me", "auth"),
    route("DELETE", "/v1/auth/me", "auth"),
    route("GET", "/v1/auth/oauth/{provider}/start", "auth"),
    route("GET", "/v1/auth/oauth/{provider}/callback", "auth"),
    route("POST", "/v1/auth/oauth/exchange", "auth"),
    route("POST", "/v1/auth/email/verify", "auth"),
    route("POST", "/v1/auth/email/verification", "auth"),
    route("POST", "/v1/auth/email", "auth"),
    route("POST", "/v1/auth/password/forgot", "auth"),
    route("POST", "/v1/auth/password/reset", "auth"),
    route("POST", "/v1/auth/password", "auth"),
    route("POST", "/v1/auth/2fa/totp", "auth"),
    route("DELETE", "/v1/auth/2fa/totp", "auth"),
    route("POST", "/v1/auth/2fa/totp/confirm", "auth"),
    route("POST", "/v1/auth/2fa/verify", "auth"),
    route("GET", "/v1/auth/sessions", "auth"),
    route("DELETE", "/v1/auth/sessions/{id}", "auth"),
    route("POST", "/v1/uploads", "upload"),
    route("GET", "/v1/uploads/{id}/original", "upload"),
    route("GET", "/v1/jobs", "upload"),
    route("GET", "/v1/jobs/{id}", "upload"),
    route("POST", "/v1/cvs/import", "upload"),
    route("GET", "/v1/cvs/{id}", "upload"),
    route("PUT", "/v1/cvs/{id}", "upload"),
    route("DELETE", "/v1/cvs/{id}", "upload"),
    route("GET", "/v1/portfolios", "portfolios"),
    route("GET", "/v1/portfolios/{id}", "portfolios"),
    route("PATCH", "/v1/portfolios/{id}", "portfolios"),
    route("DELETE", "/v1/portfolios/{id}", "portfolios"),
    route("POST", "/v1/portfolios/{id}/rebuild", "portfolios"),
    route("POST", "/v1/portfolios/{id}/photo/upload", "portfolios"),
    route("PUT", "/v1/portfolios/{id}/photo", "portfolios"),
    route("DELETE", "/v1/portfolios/{id}/photo", "portfolios"),
    route("PUT", "/v1/portfolios/{id}/domain", "portfolios"),
    route("GET", "/v1/portfolios/{id}/domain", "portfolios"),
    route("DELETE", "/v1/portfolios/{id}/domain", "portfolios"),
    route("GET", "/v1/addresses/{slug}", "portfolios"),
    route("GET", "/v1/payments/plans", "payments"),
    route("POST", "/v1/payments/checkout", "payments"),
    route("GET", "/v1/payments/sessions/{id}", "payments"),
    route("POST", "/v1/payments/webhook", "stripe-webhook"),
    route("GET", "/v1/health", "status"),
    route("GET", "/v1/openapi.json", "status"),
];

/// Under `cargo lambda watch` only: what S3 and the CDN serve in the cloud, served by the
/// `local-files` function (`r2w serve` serves them itself). Sites live under `/sites/` there,
/// as `R2W_SITES_URL` in the watch environment says.
pub const LOCAL_FILE_ROUTES: &[Route] = &[
    route("GET", "/", "local-files"),
    route("GET", "/config.json", "local-files"),
    route("GET", "/assets/{*path}", "local-files"),
    route("GET", "/signin", "local-files"),
    route("GET", "/signup", "local-files"),
    route("GET", "/auth/callback", "local-files"),
    route("GET", "/cvs/{id}", "local-files"),
    route("GET", "/cvs/{id}/publish", "local-files"),
    route("GET", "/account", "local-files"),
    route("GET", "/checkout/return", "local-files"),
    route("GET", "/verify-email", "local-files"),
    route("GET", "/forgot-password", "local-files"),
    route("GET", "/reset-password", "local-files"),
    route("PUT", "/_blobs/{*key}", "local-files"),
    route("GET", "/_blobs/{*key}", "local-files"),
    route("HEAD", "/_blobs/{*key}", "local-files"),
    route("GET", "/sites/{*path}", "local-files"),
    route("HEAD", "/sites/{*path}", "local-files"),
];

/// The function serving `method path`. A path that exists under another method still names
/// its function, which answers the method itself; `None` is a path nobody serves.
pub fn function_for(method: &str, path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    let matching = || ROUTES.iter().filter(|r| matches(r.path, path));
    matching().find(|r| r.method == method).or_else(|| matching().next()).map(|r| r.function)
}

fn matches(pattern: &str, path: &str) -> bool {
    let (mut pattern, mut path) = (pattern.split('/'), path.split('/'));
    loop {
        match (pattern.next(), path.next()) {
            (None, None) => return true,
            (Some(p), Some(s)) if p.starts_with('{') && p.ends_with('}') && !s.is_empty() => {}
            (Some(p), Some(s)) if p == s => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn each_request_finds_its_function() {
        assert_eq!(function_for("POST", "/v1/cvs/import"), Some("upload"));
        assert_eq!(function_for("GET", "/v1/jobs/abc/"), Some("upload"));
        assert_eq!(function_for("POST", "/v1/portfolios/p1/rebuild"), Some("portfolios"));
        assert_eq!(function_for("PUT", "/v1/auth/me"), Some("auth"), "the function answers the method");
        assert_eq!(function_for("GET", "/v1/nothing"), None);
        assert_eq!(function_for("GET", "/v1/jobs//"), Some("upload"));
        assert_eq!(function_for("GET", "/v1/jobs/a/b"), None);
    }

    /// `cargo lambda watch` routes by `[workspace.metadata.lambda.watch.router]`; it must say
    /// exactly what these tables say.
    #[test]
    fn the_cargo_lambda_watch_router_lists_the_same_routes() {
        let manifest =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml")).expect("Cargo.toml");
        let manifest: toml::Table = manifest.parse().expect("TOML");
        let router = manifest["workspace"]["metadata"]["lambda"]["watch"]["router"].as_table().expect("router table");
        let mut watched = BTreeSet::new();
        for (path, functions) in router {
            for entry in functions.as_array().expect("a list of {method, function}") {
                let method = entry["method"].as_str().expect("method").to_owned();
                let function = entry["function"].as_str().expect("function").to_owned();
                watched.insert((method, path.clone(), function));
            }
        }
        let ours: BTreeSet<_> = ROUTES
            .iter()
            .chain(LOCAL_FILE_ROUTES)
            .map(|r| (r.method.to_owned(), r.path.to_owned(), r.function.to_owned()))
            .collect();
        assert_eq!(watched, ours);
    }
}
