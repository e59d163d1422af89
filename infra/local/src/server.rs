//! `r2w serve`: every HTTP route of every function on one port, as API Gateway and CloudFront
//! would route them in the cloud, plus what S3 does for us there — the blob endpoint behind
//! local presigned URLs (a completed upload fires the same trigger an S3 event would) and the
//! sites store served under the sites URL (previews under `/previews/…`, published sites under
//! `/{slug}/`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt};
use r2w_auth::{AuthApi, AuthSettings};
use r2w_build_portfolio::http::PortfolioApi;
use r2w_build_portfolio::task::BuildTask;
use r2w_extract::extractor::Extractor;
use r2w_extract::task::ExtractTask;
use r2w_shared::auth_token::AccessTokens;
use r2w_shared::clock::Clock;
use r2w_shared::files::MAX_UPLOAD_BYTES;
use r2w_shared::store::{BLOB_ENDPOINT_PREFIX, BlobError, BlobKey, PutOptions, ReceivedRequest};
use r2w_shared::{App, Error};
use r2w_upload::{UploadApi, UploadTrigger};
use tokio::net::TcpListener;

use crate::pipeline::LocalPipeline;
use crate::routes;

/// API request bodies are small; only blob uploads may be large.
const MAX_API_BODY: usize = 1024 * 1024;

type HttpResponse = hyper::Response<Full<Bytes>>;

pub struct Server {
    app: App,
    auth: AuthApi,
    uploads: UploadApi,
    portfolios: PortfolioApi,
    trigger: UploadTrigger,
    clock: Arc<dyn Clock>,
}

impl Server {
    /// Everything wired on `app`, with the in-process pipeline.
    pub async fn new(app: App, settings: AuthSettings, clock: Arc<dyn Clock>) -> Result<Arc<Self>, Error> {
        let tokens = Arc::new(AccessTokens::for_app(&app).await?);
        let extractor =
            Extractor::for_app(&app, Arc::clone(&clock)).map_err(|e| Error::Internal(format!("extractor: {e}")))?;
        let pipeline: Arc<dyn r2w_shared::pipeline::Pipeline> = Arc::new(LocalPipeline::new(
            app.clone(),
            ExtractTask::new(app.clone(), extractor, Arc::clone(&clock)),
            BuildTask::new(app.clone(), Arc::clone(&clock)),
            Arc::clone(&clock),
        )?);
        Ok(Arc::new(Self {
            auth: AuthApi::new(app.clone(), Arc::clone(&tokens), settings, Arc::clone(&clock)).await?,
            uploads: UploadApi::new(app.clone(), Arc::clone(&tokens), Arc::clone(&pipeline), Arc::clone(&clock)),
            portfolios: PortfolioApi::new(app.clone(), tokens, Arc::clone(&clock)),
            trigger: UploadTrigger::new(app.clone(), pipeline, Arc::clone(&clock)),
            app,
            clock,
        }))
    }

    /// What an S3 `ObjectCreated` event for `key` does (the blob endpoint calls it after a PUT;
    /// tests call it again to deliver an event twice).
    pub async fn upload_received(&self, key: &str) -> Result<r2w_upload::Received, Error> {
        self.trigger.received(key).await
    }

    /// Serves connections from `listener` until the task is dropped.
    pub async fn serve(self: Arc<Self>, listener: TcpListener) -> std::io::Result<()> {
        loop {
            let (stream, peer) = listener.accept().await?;
            let server = Arc::clone(&self);
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let server = Arc::clone(&server);
                    async move { Ok::<_, Infallible>(server.handle(request, peer).await) }
                });
                if let Err(e) = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await {
                    tracing::debug!(error = %e, "connection ended");
                }
            });
        }
    }

    async fn handle(&self, request: hyper::Request<Incoming>, peer: SocketAddr) -> HttpResponse {
        let path = request.uri().path().to_owned();
        let limit = if path.starts_with(BLOB_ENDPOINT_PREFIX) { MAX_UPLOAD_BYTES as usize } else { MAX_API_BODY };
        let (parts, body) = request.into_parts();
        let body = match Limited::new(body, limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => return problem(Error::PayloadTooLarge(format!("the body is over {limit} bytes"))),
        };
        let request = hyper::Request::from_parts(parts, body);
        if path.starts_with(BLOB_ENDPOINT_PREFIX) {
            return self.blob(request).await;
        }
        if path.starts_with("/v1/") {
            return self.api(request, peer).await;
        }
        self.site(&path).await
    }

    async fn api(&self, request: hyper::Request<Bytes>, peer: SocketAddr) -> HttpResponse {
        let (parts, body) = request.into_parts();
        let body = if body.is_empty() {
            Body::Empty
        } else {
            match String::from_utf8(body.to_vec()) {
                Ok(text) => Body::Text(text),
                Err(e) => Body::Binary(e.into_bytes()),
            }
        };
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.http.source_ip = Some(peer.ip().to_string());
        context.request_id = Some(uuid::Uuid::new_v4().simple().to_string());
        let request = lambda_http::http::Request::from_parts(parts, body)
            .with_request_context(RequestContext::ApiGatewayV2(context));
        let response = match routes::function_for(request.method().as_str(), request.uri().path()) {
            Some("auth") => self.auth.handle(request).await,
            Some("portfolios") => self.portfolios.handle(request).await,
            Some("upload") => self.uploads.handle(request).await,
            _ => Error::NotFound("route".into()).to_response(None),
        };
        let (parts, body) = response.into_parts();
        let bytes = match body {
            Body::Empty => Bytes::new(),
            Body::Text(text) => Bytes::from(text),
            Body::Binary(bytes) => Bytes::from(bytes),
            _ => Bytes::new(),
        };
        hyper::Response::from_parts(parts, Full::new(bytes))
    }

    /// What S3 does behind a presigned URL, and the event it sends when an original arrives.
    async fn blob(&self, request: hyper::Request<Bytes>) -> HttpResponse {
        let Some(signer) = &self.app.url_signer else { return problem(Error::NotFound("route".into())) };
        let path = request.uri().path().strip_prefix(BLOB_ENDPOINT_PREFIX).unwrap_or_default().to_owned();
        let Some((store_name, key)) = path.split_once('/') else { return problem(Error::NotFound("object".into())) };
        let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy().into_owned();
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
        let received = ReceivedRequest {
            method: request.method().as_str(),
            store: store_name,
            key: &key,
            query: request.uri().query().unwrap_or_default(),
            content_type: header("content-type"),
            content_length: header("content-length").and_then(|v| v.parse().ok()),
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
                if request.body().len() as u64 != received_length(&request) {
                    return plain(400, "the body is not the signed length");
                }
                let content_type = header("content-type").unwrap_or("application/octet-stream").to_owned();
                if let Err(e) = store.put(&blob_key, request.body().clone(), PutOptions::new(content_type)).await {
                    return problem(e.into());
                }
                if store_name == "uploads"
                    && let Err(e) = self.upload_received(&key).await
                {
                    tracing::error!(key, error = %e, "the upload trigger failed");
                }
                plain(200, "")
            }
            "GET" | "HEAD" => match store.get(&blob_key).await {
                Ok(blob) => object(blob, request.method() == "HEAD"),
                Err(e) => problem(e.into()),
            },
            _ => plain(405, "method not allowed"),
        }
    }

    /// The sites store, read-only, as the CDN serves it.
    async fn site(&self, path: &str) -> HttpResponse {
        let relative = path.trim_start_matches('/');
        match relative {
            "" | "index.html" => return page("text/html; charset=utf-8", UPLOAD_PAGE),
            "upload.js" => return page("text/javascript; charset=utf-8", UPLOAD_SCRIPT),
            _ => {}
        }
        // `/{slug}` -> `/{slug}/`; only a real slug, so the redirect can never leave the site
        // (`/\evil.example` would be protocol-relative to a browser).
        if let Ok(slug) = r2w_shared::model::Slug::parse(relative) {
            return redirect(&format!("/{slug}/"));
        }
        let relative = percent_encoding::percent_decode_str(relative).decode_utf8_lossy().into_owned();
        let key = if relative.ends_with('/') { format!("{relative}index.html") } else { relative };
        let key = if key.starts_with("previews/") { key } else { format!("sites/{key}") };
        let Ok(key) = BlobKey::parse(key) else { return plain(404, "not found") };
        match self.app.sites.get(&key).await {
            Ok(blob) => object(blob, false),
            Err(BlobError::NotFound(_)) => plain(404, "not found"),
            Err(e) => problem(e.into()),
        }
    }
}

/// The local upload page: sign in, pick a file, watch the job, open the preview.
const UPLOAD_PAGE: &str = include_str!("upload_page.html");
const UPLOAD_SCRIPT: &str = include_str!("upload_page.js");

fn page(content_type: &str, body: &'static str) -> HttpResponse {
    hyper::Response::builder()
        .status(200)
        .header("content-type", content_type)
        .header(
            "content-security-policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
        )
        .header("cache-control", "no-cache")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

fn received_length(request: &hyper::Request<Bytes>) -> u64 {
    request.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn object(blob: r2w_shared::store::Blob, head: bool) -> HttpResponse {
    let mut builder = hyper::Response::builder()
        .status(200)
        .header("content-type", blob.meta.content_type.as_deref().unwrap_or("application/octet-stream"))
        .header("x-content-type-options", "nosniff");
    if let Some(cache) = &blob.meta.cache_control {
        builder = builder.header("cache-control", cache);
    }
    let body = if head { Bytes::new() } else { blob.body };
    builder.body(Full::new(body)).unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

fn plain(status: u16, text: &str) -> HttpResponse {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from(text.to_owned())))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

fn redirect(location: &str) -> HttpResponse {
    hyper::Response::builder()
        .status(301)
        .header("location", location)
        .body(Full::new(Bytes::new()))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

fn problem(error: Error) -> HttpResponse {
    let response = error.to_response(None);
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Text(text) => Bytes::from(text),
        _ => Bytes::new(),
    };
    hyper::Response::from_parts(parts, Full::new(bytes))
}
