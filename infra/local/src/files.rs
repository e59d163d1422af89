//! What S3 and the CDN do for us in the cloud, on one machine: the blob endpoint behind local
//! presigned URLs (a completed upload of an original fires the upload trigger, as S3's event
//! does), the sites store served read-only under the sites URL, and the web app (`web.rs`) at
//! `/`. `r2w serve` serves it, and so does the `local-files` function under `cargo lambda watch`.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lambda_http::{Body, Request, Response};
use r2w_core::clock::Clock;
use r2w_core::records::portfolios::{self, PREVIEWS, preview_expiry};
use r2w_core::store::{BLOB_ENDPOINT_PREFIX, Blob, BlobError, BlobKey, PutOptions, ReceivedRequest};
use r2w_core::{App, Error};
use r2w_http::LambdaError;

use crate::web::WebApp;

/// Where S3 would send its `ObjectCreated` event for an original.
#[async_trait]
pub trait ObjectCreated: Send + Sync {
    async fn object_created(&self, key: &str) -> Result<(), Error>;
}

/// Lambda retries a failed asynchronous invocation (an S3 event) twice, about 1 and 2 minutes
/// later; locally the waits are seconds, so a run under injected faults settles quickly.
const EVENT_RETRY_WAITS: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(2)];

async fn redeliver(events: Arc<dyn ObjectCreated>, key: String) {
    for wait in EVENT_RETRY_WAITS {
        tokio::time::sleep(wait).await;
        match events.object_created(&key).await {
            Ok(()) => return,
            Err(e) => tracing::warn!(key, error = %e, "the upload trigger failed again"),
        }
    }
    tracing::error!(key, "the upload event was dropped after Lambda's retries; the job will be failed as stalled");
}

pub struct LocalFiles {
    app: App,
    events: Arc<dyn ObjectCreated>,
    clock: Arc<dyn Clock>,
    web: WebApp,
}

impl LocalFiles {
    pub fn new(app: App, events: Arc<dyn ObjectCreated>, clock: Arc<dyn Clock>, web: WebApp) -> Self {
        Self { app, events, clock, web }
    }

    pub async fn handle(&self, request: Request) -> Response<Body> {
        let path = request.uri().path().to_owned();
        if path.starts_with(BLOB_ENDPOINT_PREFIX) {
            return self.blob(&request).await;
        }
        // A published site on a host of its own (`{slug}.{sites domain}`) is all that host serves.
        let host = host_of(&request).map(without_port).unwrap_or_default().to_ascii_lowercase();
        if site_host_label(&host, self.app.config.sites_domain.as_deref()).is_some() {
            return self.site(&host, path.strip_prefix('/').unwrap_or(&path)).await;
        }
        // So is a person's own domain pointed at this machine, once claimed for a published site.
        let ours = [self.app.config.public_url.host_str(), self.app.config.sites_url.host_str()];
        if !ours.contains(&Some(host.as_str()))
            && let Some(slug) = self.custom_domain_site(&host).await
        {
            let relative = percent_encoding::percent_decode_str(path.strip_prefix('/').unwrap_or(&path))
                .decode_utf8_lossy()
                .into_owned();
            return self.site_object(format!("sites/{slug}/{}", index_file(&relative))).await;
        }
        // The sites store on a host of its own (as in the cloud) is all that host serves; sharing
        // the app's host, it is whatever lies under the sites path.
        let sites = &self.app.config.sites_url;
        let own_host = sites.origin() != self.app.config.public_url.origin();
        let on_sites_host = own_host && host_of(&request).is_some_and(|host| Some(host) == authority(sites).as_deref());
        if (on_sites_host || !own_host)
            && let Some(relative) = path.strip_prefix(sites.path())
        {
            return self.site(&host, relative).await;
        }
        match request.method().as_str() {
            _ if on_sites_host => plain(404, "not found"),
            "GET" | "HEAD" => self.web.handle(&path, request.method() == "HEAD").await,
            _ => plain(405, "method not allowed"),
        }
    }

    /// What S3 does behind a presigned URL, and the event it sends when an original arrives.
    async fn blob(&self, request: &Request) -> Response<Body> {
        let Some(signer) = &self.app.url_signer else { return problem(Error::NotFound("route".into())) };
        let path = request.uri().path().strip_prefix(BLOB_ENDPOINT_PREFIX).unwrap_or_default();
        let Some((store_name, key)) = path.split_once('/') else { return problem(Error::NotFound("object".into())) };
        let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy().into_owned();
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
        let body: &[u8] = request.body();
        // A proxy in front (the Lambda emulator) may have dropped the header; the body's own
        // length is then the one to check against the signature.
        let length = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(body.len() as u64);
        let received = ReceivedRequest {
            method: request.method().as_str(),
            store: store_name,
            key: &key,
            query: request.uri().query().unwrap_or_default(),
            content_type: header("content-type"),
            content_length: Some(length),
        };
        if let Err(e) = signer.verify(received, self.clock.unix_now()) {
            return plain(403, &format!("access denied: {e}"));
        }
        let store = match store_name {
            "uploads" => &self.app.uploads,
            "sites" => &self.app.sites,
            _ => return problem(Error::NotFound("store".into())),
        };
        let Ok(blob_key) = BlobKey::parse(key.as_str()) else { return problem(Error::NotFound("object".into())) };
        match request.method().as_str() {
            "PUT" => {
                if body.len() as u64 != length {
                    return plain(400, "the body is not the signed length");
                }
                let content_type = header("content-type").unwrap_or("application/octet-stream").to_owned();
                let stored = store.put(&blob_key, bytes::Bytes::copy_from_slice(body), PutOptions::new(content_type));
                if let Err(e) = stored.await {
                    return problem(e.into());
                }
                // S3 delivers its event whatever became of the upload request; so do we.
                if store_name == "uploads"
                    && let Err(e) = self.events.object_created(&key).await
                {
                    tracing::warn!(key, error = %e, "the upload trigger failed; retrying as Lambda does");
                    tokio::spawn(redeliver(Arc::clone(&self.events), key.clone()));
                }
                plain(200, "")
            }
            "GET" | "HEAD" => match store.get(&blob_key).await {
                Ok(blob) => download(object(blob, 200, request.method() == "HEAD")),
                Err(e) => problem(e.into()),
            },
            _ => plain(405, "method not allowed"),
        }
    }

    /// The sites store, read-only, as the CDN serves it; `relative` is the path under the
    /// sites URL (or under a site's own host). A path with nothing stored gets the store's error
    /// page, as from the CDN.
    async fn site(&self, host: &str, relative: &str) -> Response<Body> {
        let relative = percent_encoding::percent_decode_str(relative).decode_utf8_lossy().into_owned();
        let domain = self.app.config.sites_domain.as_deref();
        let key = match site_path(host, &relative, domain, self.clock.now().unix_timestamp()) {
            SitePath::Gone => return plain(410, "This preview has expired. Open the app to make a fresh one."),
            SitePath::NotFound => return self.not_found().await,
            SitePath::Redirect(to) => {
                let location = format!("{}{to}", self.app.config.sites_url.path());
                return Response::builder()
                    .status(301)
                    .header("location", location)
                    .body(Body::Empty)
                    .unwrap_or_else(|_| Response::new(Body::Empty));
            }
            SitePath::Object(key) => key,
        };
        self.site_object(key).await
    }

    /// The published site `host` is the custom domain of, if any.
    async fn custom_domain_site(&self, host: &str) -> Option<r2w_core::model::Slug> {
        let host = r2w_core::domains::HostName::parse(host).ok()?;
        let table = self.app.table.as_ref();
        let claim = portfolios::domain_holder(table, &host).await.ok()??;
        let record = portfolios::load(table, &claim.user_id, &claim.portfolio_id).await.ok()??;
        record.custom_domain.filter(|d| d.host == host)?;
        record.published.map(|p| p.slug)
    }

    async fn site_object(&self, key: String) -> Response<Body> {
        let preview = key.starts_with("previews/");
        let Ok(key) = BlobKey::parse(key) else { return self.not_found().await };
        match self.app.sites.get(&key).await {
            Ok(blob) if preview => self.preview_headers(site_headers(object(blob, 200, false))),
            Ok(blob) => site_headers(object(blob, 200, false)),
            Err(BlobError::NotFound(_)) => self.not_found().await,
            Err(e) => problem(e.into()),
        }
    }

    /// A preview is shown in the app's editor, in a frame: the app's origin may frame it
    /// (the CDN's preview policy in template.yaml says the same); nobody else may.
    fn preview_headers(&self, mut response: Response<Body>) -> Response<Body> {
        let policy = preview_policy(&self.app.config.public_url.origin().ascii_serialization());
        let headers = response.headers_mut();
        headers.remove("x-frame-options");
        if let Ok(value) = policy.parse() {
            headers.insert("content-security-policy", value);
        }
        response
    }

    async fn not_found(&self) -> Response<Body> {
        match BlobKey::parse(NOT_FOUND_PAGE) {
            Ok(key) => match self.app.sites.get(&key).await {
                Ok(page) => site_headers(object(page, 404, false)),
                Err(_) => plain(404, "not found"),
            },
            Err(_) => plain(404, "not found"),
        }
    }
}

/// The store's error page (build-portfolio writes it with the first publication).
const NOT_FOUND_PAGE: &str = "errors/404.html";

/// Where a request for the sites store leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SitePath {
    /// `ada` -> `ada/`, so a site's relative links resolve inside it.
    Redirect(String),
    /// The store key to answer with.
    Object(String),
    /// An expired preview (or a preview folder not named with its expiry): 410.
    Gone,
    /// Nothing is served here: 404.
    NotFound,
}

/// The CDN's rules (the `SitePaths` viewer-request function in template.yaml; a test runs both
/// over the same cases). `host` is the request's host without its port, `relative` its path
/// under the sites URL without the leading `/`, `domain` the sites domain when published sites
/// have hosts of their own, `now` in Unix seconds.
///
/// - `{slug}.{domain}/x` is `sites/{slug}/x`: each site at the root of its host; a host that is
///   not a slug's is refused.
/// - Elsewhere, `previews/…` is served until the expiry its folder's name carries, `errors/…`
///   as it is, and, without a domain, `/{slug}/x` is `sites/{slug}/x`.
/// - A folder gets its `index.html`; a bare slug its slash. A redirect never leaves the site:
///   only a slug gets one (`/\evil.example` would be protocol-relative to a browser).
pub fn site_path(host: &str, relative: &str, domain: Option<&str>, now: i64) -> SitePath {
    let file = index_file;
    if let Some(label) = site_host_label(host, domain) {
        return match r2w_core::model::Slug::parse(label) {
            Ok(slug) => SitePath::Object(format!("sites/{slug}/{}", file(relative))),
            Err(_) => SitePath::NotFound,
        };
    }
    if relative.starts_with(PREVIEWS) {
        return match preview_expiry(relative) {
            Some(expiry) if now < expiry => SitePath::Object(file(relative)),
            _ => SitePath::Gone,
        };
    }
    if relative.starts_with("errors/") {
        return SitePath::Object(file(relative));
    }
    if domain.is_some() {
        return SitePath::NotFound;
    }
    if r2w_core::model::Slug::parse(relative).is_ok() {
        return SitePath::Redirect(format!("{relative}/"));
    }
    SitePath::Object(format!("sites/{}", file(relative)))
}

/// A folder's path names its `index.html`.
fn index_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() }
}

/// The label before `.{domain}` in `host`, when there is one.
fn site_host_label<'a>(host: &'a str, domain: Option<&str>) -> Option<&'a str> {
    let label = host.strip_suffix(domain?)?.strip_suffix('.')?;
    (!label.is_empty()).then_some(label)
}

/// `host` of a `host[:port]` Host header.
fn without_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

fn host_of(request: &Request) -> Option<&str> {
    request.headers().get("host").and_then(|v| v.to_str().ok())
}

/// `host[:port]` as a Host header names `url`'s server.
fn authority(url: &url::Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

fn object(blob: Blob, status: u16, head: bool) -> Response<Body> {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", blob.meta.content_type.as_deref().unwrap_or("application/octet-stream"))
        .header("x-content-type-options", "nosniff");
    if let Some(cache) = &blob.meta.cache_control {
        builder = builder.header("cache-control", cache);
    }
    let body = if head { Body::Empty } else { Body::Binary(blob.body.to_vec()) };
    builder.body(body).unwrap_or_else(|_| Response::new(Body::Empty))
}

/// The headers the CDN's response-headers policy adds to every site file (template.yaml,
/// `SiteHeaders`; a test holds the two equal), but HSTS, which means nothing over plain HTTP.
pub const SITE_HEADERS: [(&str, &str); 4] = [
    ("content-security-policy", SITE_CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("x-frame-options", "DENY"),
];
const SITE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A preview's content security policy: a site's, but framed by the app at `app_origin`
/// (no `X-Frame-Options`, which cannot name an origin).
pub fn preview_policy(app_origin: &str) -> String {
    SITE_CSP.replace("frame-ancestors 'none'", &format!("frame-ancestors {app_origin}"))
}

fn site_headers(mut response: Response<Body>) -> Response<Body> {
    for (name, value) in SITE_HEADERS {
        response.headers_mut().insert(name, lambda_http::http::HeaderValue::from_static(value));
    }
    response
}

/// What a presigned GET answers, as S3 does with `response-content-disposition=attachment`
/// (see `S3Blobs::presign_get`): a download, never a page — an uploaded file is not rendered
/// or run, whatever it contains; the sandbox holds even if a browser ignores the disposition.
fn download(mut response: Response<Body>) -> Response<Body> {
    let headers = response.headers_mut();
    headers.insert("content-disposition", lambda_http::http::HeaderValue::from_static("attachment"));
    headers
        .insert("content-security-policy", lambda_http::http::HeaderValue::from_static("sandbox; default-src 'none'"));
    response
}

fn plain(status: u16, text: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(Body::Text(text.to_owned()))
        .unwrap_or_else(|_| Response::new(Body::Empty))
}

fn problem(error: Error) -> Response<Body> {
    error.to_response(None)
}
