//! The web app (web/, compiled to web/dist by `npm run build`), served as S3 and CloudFront
//! serve it in the cloud: hashed assets cached for a year, `index.html` never cached and
//! answered for every screen's path, `config.json` written from this deployment's settings, and
//! a strict content security policy (no inline script, no eval). `r2w serve` and the
//! `local-files` function under `cargo lambda watch` both serve it.

use std::path::PathBuf;

use lambda_http::{Body, Response};
use serde::Serialize;
use url::Url;

/// Where `npm run build` puts the app, in this checkout; `R2W_WEB_DIR` says otherwise.
pub const BUILT_APP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist");

/// What the app reads at start (web/src/lib/config.ts), not baked into its build.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSettings {
    pub sites_url: String,
    /// Published sites are at `{slug}.{this}`, when set (the address field shows it so).
    pub sites_domain: Option<String>,
    pub themes: Vec<ThemeChoice>,
    pub oauth_providers: Vec<String>,
    pub stripe_publishable_key: Option<String>,
    pub stripe_js_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThemeChoice {
    pub name: &'static str,
    pub description: &'static str,
}

pub struct WebApp {
    dir: PathBuf,
    settings: String,
    policy: String,
}

impl WebApp {
    /// The app in `dir`, configured by `settings`; it may fetch from `upload_origins` (where
    /// presigned uploads go) and frame the sites (previews) on their own host.
    pub fn new(dir: PathBuf, settings: &AppSettings, upload_origins: &[String]) -> Self {
        let sites = Url::parse(&settings.sites_url).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
        let stripe = settings.stripe_publishable_key.as_ref().map(|_| StripeSources::of(&settings.stripe_js_url));
        let stripe = stripe.unwrap_or_default();
        let connect = std::iter::once("'self'".to_owned()).chain(upload_origins.iter().cloned()).collect::<Vec<_>>();
        let policy = format!(
            "default-src 'self'; script-src 'self'{}; style-src 'self'; img-src 'self' data:{}; connect-src {}{}; \
             frame-src {sites}{}; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'",
            stripe.script,
            stripe.img,
            connect.join(" "),
            stripe.connect,
            stripe.frame,
        );
        Self { dir, settings: serde_json::to_string(settings).unwrap_or_else(|_| "{}".into()), policy }
    }

    /// The app in `config.web_dir` (default: this checkout's web/dist) for the deployment
    /// `config` describes, with `oauth_providers` on its sign-in page.
    pub fn for_config<'a>(config: &r2w_core::Config, oauth_providers: impl IntoIterator<Item = &'a str>) -> Self {
        let settings = AppSettings {
            sites_url: config.sites_url.to_string(),
            sites_domain: config.sites_domain.clone(),
            themes: Self::themes(),
            oauth_providers: oauth_providers.into_iter().map(str::to_owned).collect(),
            stripe_publishable_key: config.stripe_publishable_key.clone(),
            stripe_js_url: config.stripe_js_url.to_string(),
        };
        let dir = config.web_dir.clone().unwrap_or_else(|| PathBuf::from(BUILT_APP));
        // Presigned uploads go to the public URL here, to the originals bucket in the cloud.
        Self::new(dir, &settings, &[config.public_url.origin().ascii_serialization()])
    }

    /// The content security policy `index.html` is served with.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The themes a site can have, for `config.json`.
    pub fn themes() -> Vec<ThemeChoice> {
        r2w_sites::Theme::ALL.iter().map(|t| ThemeChoice { name: t.name(), description: t.description() }).collect()
    }

    /// GET or HEAD of an app path: `/config.json`, `/assets/…`, or a screen (`/`, `/cvs/…`).
    pub async fn handle(&self, path: &str, head: bool) -> Response<Body> {
        if path == "/config.json" {
            return respond(200, "application/json", "no-store", self.settings.clone().into_bytes(), head, None);
        }
        if let Some(name) = path.strip_prefix("/assets/") {
            // Hashed names only, one level: nothing outside the folder can be named.
            let safe = !name.is_empty()
                && !name.starts_with('.')
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
            return match (safe, tokio::fs::read(self.dir.join("assets").join(name)).await) {
                (true, Ok(bytes)) => {
                    respond(200, content_type(name), "public, max-age=31536000, immutable", bytes, head, None)
                }
                _ => not_found(),
            };
        }
        // A file the app does not have is a 404; any other path is a screen of the app.
        if path.rsplit('/').next().is_some_and(|last| last.contains('.')) && path != "/index.html" {
            return not_found();
        }
        match tokio::fs::read(self.dir.join("index.html")).await {
            Ok(bytes) => respond(200, "text/html; charset=utf-8", "no-cache", bytes, head, Some(&self.policy)),
            Err(_) => respond(
                503,
                "text/plain; charset=utf-8",
                "no-store",
                format!(
                    "The web app is not built in {}: run `make web` (npm ci and npm run build in web/).\n",
                    self.dir.display()
                )
                .into_bytes(),
                head,
                None,
            ),
        }
    }
}

/// What embedded Checkout needs added to the policy (Stripe's CSP guide: Stripe.js and its
/// frames, the Checkout frame, the API it calls). Each part starts with a space.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StripeSources {
    script: String,
    frame: String,
    connect: String,
    img: String,
}

impl StripeSources {
    pub fn of(stripe_js_url: &str) -> Self {
        let origin = Url::parse(stripe_js_url).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
        if origin == "https://js.stripe.com" {
            Self {
                script: " https://js.stripe.com https://*.js.stripe.com".into(),
                frame: " https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com https://checkout.stripe.com"
                    .into(),
                connect: " https://api.stripe.com https://checkout.stripe.com".into(),
                img: " https://*.stripe.com".into(),
            }
        } else {
            // A stand-in serves all of it from one origin.
            let part = format!(" {origin}");
            Self { script: part.clone(), frame: part.clone(), connect: part.clone(), img: part }
        }
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("woff2") => "font/woff2",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn respond(
    status: u16,
    content_type: &str,
    cache: &str,
    body: Vec<u8>,
    head: bool,
    policy: Option<&str>,
) -> Response<Body> {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("cache-control", cache)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "strict-origin-when-cross-origin");
    if let Some(policy) = policy {
        builder = builder.header("content-security-policy", policy).header("x-frame-options", "DENY");
    }
    let body = if head { Body::Empty } else { Body::Binary(body) };
    builder.body(body).unwrap_or_else(|_| Response::new(Body::Empty))
}

fn not_found() -> Response<Body> {
    respond(404, "text/plain; charset=utf-8", "no-store", b"not found\n".to_vec(), false, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(stripe_publishable_key: Option<&str>, stripe_js_url: &str) -> AppSettings {
        AppSettings {
            sites_url: "http://localhost:9000/sites/".into(),
            sites_domain: None,
            themes: vec![],
            oauth_providers: vec![],
            stripe_publishable_key: stripe_publishable_key.map(str::to_owned),
            stripe_js_url: stripe_js_url.into(),
        }
    }

    fn directive<'a>(policy: &'a str, name: &str) -> &'a str {
        policy.split("; ").find(|d| d.starts_with(name)).unwrap_or_default()
    }

    #[test]
    fn the_policy_allows_stripe_only_where_checkout_needs_it_and_only_when_payments_are_on() {
        let off = WebApp::new(PathBuf::new(), &settings(None, r2w_core::config::STRIPE_JS_URL), &[]);
        assert!(!off.policy().contains("stripe"), "{}", off.policy());

        let on = WebApp::new(PathBuf::new(), &settings(Some("pk_test_x"), r2w_core::config::STRIPE_JS_URL), &[]);
        let policy = on.policy();
        assert_eq!(directive(policy, "script-src"), "script-src 'self' https://js.stripe.com https://*.js.stripe.com");
        assert!(directive(policy, "frame-src").contains("https://checkout.stripe.com"), "{policy}");
        assert!(directive(policy, "connect-src").ends_with("https://api.stripe.com https://checkout.stripe.com"));
        assert!(!policy.contains("unsafe"), "no inline script, no eval: {policy}");

        let stand_in = WebApp::new(PathBuf::new(), &settings(Some("pk_test_x"), "http://127.0.0.1:4242/v3/"), &[]);
        assert_eq!(directive(stand_in.policy(), "script-src"), "script-src 'self' http://127.0.0.1:4242");
        assert!(!stand_in.policy().contains("stripe.com"), "{}", stand_in.policy());
    }
}
