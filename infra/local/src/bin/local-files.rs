//! Under `cargo lambda watch`: what S3 and the CDN do on one machine (the blob endpoint behind
//! local presigned URLs, the sites store, the web app), as one more function. A stored
//! original is announced to the `upload-trigger` function with the event S3 would send.

use std::convert::Infallible;
use std::sync::Arc;

use async_trait::async_trait;
use aws_lambda_events::s3::{S3Event, S3EventRecord};
use lambda_http::{Request, service_fn};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use r2w_core::clock::SystemClock;
use r2w_core::{Config, Error, telemetry};
use r2w_embedded::invoke::LambdaEmulator;
use r2w_local::files::{LocalFiles, ObjectCreated};
use r2w_local::web::WebApp;

const KEY_SAFE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'_').remove(b'.');

/// Where the emulator (and so the trigger) is: `R2W_LAMBDA_INVOKE_URL`.
struct EmulatedS3Events {
    emulator: LambdaEmulator,
}

#[async_trait]
impl ObjectCreated for EmulatedS3Events {
    async fn object_created(&self, key: &str) -> Result<(), Error> {
        // S3 URL-encodes the key in its events; the trigger decodes it.
        let mut record = S3EventRecord::default();
        record.event_source = Some("aws:s3".into());
        record.event_name = Some("ObjectCreated:Put".into());
        record.s3.bucket.name = Some("uploads".into());
        record.s3.object.key = Some(utf8_percent_encode(key, KEY_SAFE).to_string());
        let mut event = S3Event::default();
        event.records.push(record);
        let _: serde_json::Value = self
            .emulator
            .invoke("upload-trigger", &event)
            .await
            .map_err(|name| Error::Unavailable(format!("the upload-trigger function failed: {name}")))?;
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let endpoint = std::env::var("R2W_LAMBDA_INVOKE_URL")
        .map_err(|_| "R2W_LAMBDA_INVOKE_URL (the Lambda emulator, e.g. http://127.0.0.1:9000) is required")?;
    let emulator = LambdaEmulator::new(url::Url::parse(&endpoint)?)?;
    let auth = r2w_auth::AuthSettings::from_vars(std::env::vars(), &config.public_url)?;
    let web = WebApp::for_config(&config, auth.providers.iter().map(|p| p.name));
    let app = r2w_wiring::app(config).await?;
    let files = LocalFiles::new(app, Arc::new(EmulatedS3Events { emulator }), Arc::new(SystemClock), web);
    let files = &files;
    lambda_http::run(service_fn(
        move |request: Request| async move { Ok::<_, Infallible>(files.handle(request).await) },
    ))
    .await
}
