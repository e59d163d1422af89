//! `r2w serve`: every HTTP route of every function on one port, as API Gateway and CloudFront
//! would route them in the cloud, plus what S3 does for us there — the blob endpoint behind
//! local presigned URLs (a completed upload fires the same trigger an S3 event would) and the
//! sites store served under the sites URL (previews under `/previews/…`, published sites under
//! `/{slug}/`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt};
use r2w_auth::mail::{Mailer, mailer_for};
use r2w_auth::{AuthApi, AuthSettings};
use r2w_build_portfolio::http::PortfolioApi;
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::Clock;
use r2w_core::files::MAX_UPLOAD_BYTES;
use r2w_core::pipeline::Pipeline;
use r2w_core::secrets::SecretsError;
use r2w_core::store::BLOB_ENDPOINT_PREFIX;
use r2w_core::{App, Error};
use r2w_extract::extractor::Extractor;
use r2w_extract::task::ExtractTask;
use r2w_faults::{Faults, FaultyPipeline};
use r2w_http::LambdaError;
use r2w_sites::sites::Sites;
use r2w_stripe_webhook::signature::signing_secrets;
use r2w_stripe_webhook::stripe::StripeApi;
use r2w_stripe_webhook::{
    PaymentSettings, PaymentsApi, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, WebhookApi, not_configured,
};
use r2w_upload::{UploadApi, UploadTrigger};
use tokio::net::TcpListener;

use crate::files::{LocalFiles, ObjectCreated};
use crate::pipeline::local_pipeline;
use crate::web::WebApp;
use crate::{mailbox, routes};
use r2w_status::StatusApi;

/// How often expired previews are removed (the cloud's lifecycle rule runs daily).
const PREVIEW_SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// API request bodies are small; only blob uploads may be large.
const MAX_API_BODY: usize = 1024 * 1024;

type HttpResponse = hyper::Response<Full<Bytes>>;

pub struct Server {
    auth: AuthApi,
    /// `None` until Stripe is configured (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET).
    payments: Option<PaymentsApi>,
    webhook: Option<WebhookApi>,
    uploads: UploadApi,
    portfolios: PortfolioApi,
    sites: Sites,
    files: LocalFiles,
    status: StatusApi,
    trigger: Arc<UploadTrigger>,
    /// The local mailbox folder, when mail goes there.
    mailbox: Option<std::path::PathBuf>,
}

impl Server {
    /// Everything wired on `app`, with the in-process pipeline.
    pub async fn new(
        app: App,
        settings: AuthSettings,
        payment_settings: PaymentSettings,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Self>, Error> {
        let mailer = mailer_for(&settings.mail, &app).await?;
        Self::with_mailer(app, settings, payment_settings, clock, mailer).await
    }

    /// As [`Self::new`], with the table, the stores and the pipeline failing as `faults` says:
    /// for resilience tests, never configured.
    pub async fn under_faults(
        app: App,
        faults: Arc<Faults>,
        settings: AuthSettings,
        payment_settings: PaymentSettings,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Self>, Error> {
        let app = r2w_faults::with_faults(&app, &faults);
        let mailer = mailer_for(&settings.mail, &app).await?;
        Self::assemble(app, settings, payment_settings, clock, mailer, Some(faults)).await
    }

    /// As [`Self::new`], sending mail with `mailer` rather than the one the settings name (the
    /// tests' SES client points at the emulator).
    pub async fn with_mailer(
        app: App,
        settings: AuthSettings,
        payment_settings: PaymentSettings,
        clock: Arc<dyn Clock>,
        mailer: Arc<dyn Mailer>,
    ) -> Result<Arc<Self>, Error> {
        Self::assemble(app, settings, payment_settings, clock, mailer, None).await
    }

    async fn assemble(
        app: App,
        settings: AuthSettings,
        payment_settings: PaymentSettings,
        clock: Arc<dyn Clock>,
        mailer: Arc<dyn Mailer>,
        faults: Option<Arc<Faults>>,
    ) -> Result<Arc<Self>, Error> {
        let tokens = Arc::new(AccessTokens::for_app(&app).await?);
        let extractor = Extractor::for_app(&app, Arc::clone(&clock)).map_err(|e| Error::internal("extractor", e))?;
        let extract = ExtractTask::new(app.clone(), extractor, Arc::clone(&clock));
        let mut pipeline: Arc<dyn Pipeline> = Arc::new(local_pipeline(&app, extract, Arc::clone(&clock))?);
        if let Some(faults) = faults {
            pipeline = Arc::new(FaultyPipeline::new(pipeline, faults));
        }
        let trigger = Arc::new(UploadTrigger::new(app.clone(), Arc::clone(&pipeline), Arc::clone(&clock)));
        let payments = match app.secrets.get(STRIPE_SECRET_KEY).await {
            Ok(key) => {
                let stripe = StripeApi::new(payment_settings.api_base.clone(), key)?;
                Some(PaymentsApi::new(app.clone(), Arc::clone(&tokens), stripe, payment_settings, Arc::clone(&clock)))
            }
            Err(SecretsError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let webhook = match app.secrets.get(STRIPE_WEBHOOK_SECRET).await {
            Ok(value) => {
                let secrets = signing_secrets(&value);
                (!secrets.is_empty()).then(|| WebhookApi::new(app.clone(), secrets, Arc::clone(&clock)))
            }
            Err(SecretsError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let web = WebApp::for_config(&app.config, settings.providers.iter().map(|p| p.name));
        let mailbox = mailbox::dir_for(&settings, &app.config);
        Ok(Arc::new(Self {
            mailbox,
            payments,
            webhook,
            auth: AuthApi::with_mailer(app.clone(), Arc::clone(&tokens), settings, Arc::clone(&clock), mailer).await?,
            uploads: UploadApi::new(app.clone(), Arc::clone(&tokens), pipeline, Arc::clone(&clock)),
            portfolios: PortfolioApi::new(app.clone(), tokens, Arc::clone(&clock)),
            sites: Sites::new(app.clone(), Arc::clone(&clock)),
            status: StatusApi::new(app.clone()),
            files: LocalFiles::new(app, Arc::clone(&trigger) as Arc<dyn ObjectCreated>, clock, web),
            trigger,
        }))
    }

    /// What an S3 `ObjectCreated` event for `key` does (the blob endpoint calls it after a PUT;
    /// tests call it again to deliver an event twice).
    pub async fn upload_received(&self, key: &str) -> Result<r2w_upload::Received, Error> {
        self.trigger.received(key).await
    }

    /// Removes the files of expired previews (what the store's lifecycle rule does in the
    /// cloud); returns how many went.
    pub async fn remove_expired_previews(&self) -> Result<usize, Error> {
        self.sites.remove_expired_previews().await
    }

    /// Serves connections from `listener` until the task is dropped, removing expired previews
    /// every few minutes meanwhile.
    pub async fn serve(self: Arc<Self>, listener: TcpListener) -> std::io::Result<()> {
        let sweeping = Arc::clone(&self);
        let _sweeper = AbortOnDrop(tokio::spawn(async move {
            // The first sweep one period after start, not at once: a sweep racing the first
            // requests (a test's, a person's) would be work nobody waits for.
            let first = tokio::time::Instant::now() + PREVIEW_SWEEP_EVERY;
            let mut every = tokio::time::interval_at(first, PREVIEW_SWEEP_EVERY);
            loop {
                every.tick().await;
                match sweeping.remove_expired_previews().await {
                    Ok(0) => {}
                    Ok(removed) => tracing::info!(removed, "expired preview files removed"),
                    Err(e) => tracing::warn!(error = %e, "could not remove expired previews"),
                }
            }
        }));
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
            Err(_) => {
                let error = Error::PayloadTooLarge(format!("the body is over {limit} bytes"));
                return hyper_response(error.to_response(None));
            }
        };
        // Every request as API Gateway would hand it to a function.
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
        hyper_response(self.dispatch(request).await)
    }

    /// A request as API Gateway hands it to a function, to the function the route table names
    /// (anything else is what S3 and the CDN serve in the cloud).
    pub async fn dispatch(&self, request: lambda_http::Request) -> lambda_http::Response<Body> {
        let path = request.uri().path().to_owned();
        match routes::function_for(request.method().as_str(), &path) {
            Some("auth") => self.auth.handle(request).await,
            Some("portfolios") => self.portfolios.handle(request).await,
            Some("upload") => self.uploads.handle(request).await,
            Some("status") => self.status.handle(request).await,
            Some("payments") => match &self.payments {
                Some(payments) => payments.handle(request).await,
                None => not_configured(STRIPE_SECRET_KEY),
            },
            Some("stripe-webhook") => match &self.webhook {
                Some(webhook) => webhook.handle(request).await,
                None => not_configured(STRIPE_WEBHOOK_SECRET),
            },
            _ if path.starts_with("/v1/") => Error::NotFound("route".into()).to_response(None),
            _ if path == mailbox::PREFIX || path.starts_with(&format!("{}/", mailbox::PREFIX)) => {
                match (&self.mailbox, request.method().as_str()) {
                    (Some(dir), "GET") => mailbox::handle(dir, &request).unwrap_or_else(|e| e.to_response(None)),
                    _ => Error::NotFound("page".into()).to_response(None),
                }
            }
            _ => self.files.handle(request).await,
        }
    }
}

/// Stops a background task with the function that started it.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn hyper_response(response: lambda_http::Response<Body>) -> HttpResponse {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(bytes) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    hyper::Response::from_parts(parts, Full::new(bytes))
}

/// The upload trigger, called in-process.
#[async_trait]
impl ObjectCreated for UploadTrigger {
    async fn object_created(&self, key: &str) -> Result<(), Error> {
        self.received(key).await.map(drop)
    }
}
