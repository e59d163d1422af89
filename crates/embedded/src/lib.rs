//! The one-machine adapters behind the core's ports — SQLite (table), folders (blobs, with
//! HMAC-signed URLs), custom domains served by `r2w serve`, the in-process state-machine runner —
//! and the wiring of an [`App`] from them. Lambda functions never link this crate (a test in
//! `infra/local/tests/architecture.rs` says so); `r2w` and `cargo lambda watch` do.

mod domains;
mod folder;
pub mod invoke;
pub mod runner;
mod sqlite;

use std::path::Path;
use std::sync::Arc;

pub use domains::LocalDomains;
pub use folder::FolderBlobs;
use r2w_core::app::{decode_hex, local_key};
use r2w_core::clock::Clock;
use r2w_core::pipeline::Pipeline;
use r2w_core::secrets::{EnvSecrets, ExposeSecret, Secrets, SecretsError};
use r2w_core::store::UrlSigner;
use r2w_core::{App, Config, Error};
use secrecy::SecretSlice;
pub use sqlite::SqliteTable;

/// The secret that signs local presigned blob URLs (env `R2W_BLOB_SIGNING_KEY`, 64 hex chars).
pub const BLOB_SIGNING_SECRET: &str = "r2w-blob-signing-key";
const SQLITE_FILE: &str = "r2w.sqlite3";

/// The one-machine wiring: SQLite and folders under `data_dir`, secrets from `secrets`.
pub async fn app(config: Config, data_dir: &Path, secrets: EnvSecrets) -> Result<App, Error> {
    let table = SqliteTable::open(&data_dir.join(SQLITE_FILE))?;
    let signing_key = match secrets.get(BLOB_SIGNING_SECRET).await {
        Ok(hex) => decode_hex(hex.expose_secret())
            .ok_or_else(|| Error::Internal("R2W_BLOB_SIGNING_KEY must be 64 hexadecimal characters".into()))?,
        Err(SecretsError::NotFound(_)) => local_key(data_dir, "blob-signing.key")?,
        Err(e) => return Err(e.into()),
    };
    let signer = Arc::new(
        UrlSigner::new(SecretSlice::from(signing_key), config.public_url.clone())
            .map_err(|_| Error::Internal("the blob signing key must be at least 32 bytes".into()))?,
    );
    let blobs = data_dir.join("blobs");
    Ok(App {
        table: Arc::new(table),
        uploads: Arc::new(FolderBlobs::new(blobs.join("uploads"), "uploads", Some(Arc::clone(&signer)))),
        sites: Arc::new(FolderBlobs::new(blobs.join("sites"), "sites", Some(Arc::clone(&signer)))),
        secrets: Arc::new(secrets),
        domains: Arc::new(LocalDomains::new(config.sites_url.clone())),
        url_signer: Some(signer),
        config: Arc::new(config),
    })
}

/// The state machine run in this process over the task functions of a local Lambda emulator
/// (`cargo lambda watch`) at `endpoint`.
pub fn emulated_pipeline(app: &App, endpoint: &str, clock: Arc<dyn Clock>) -> Result<Arc<dyn Pipeline>, Error> {
    let endpoint = url::Url::parse(endpoint)
        .map_err(|_| Error::Internal("R2W_LAMBDA_INVOKE_URL must be a URL such as http://127.0.0.1:9000".into()))?;
    let tasks = invoke::LambdaEmulator::new(endpoint)?;
    Ok(Arc::new(runner::Runner::new(app.clone(), tasks, clock)?))
}

#[cfg(test)]
mod tests {
    use r2w_core::secrets::EnvSecrets;
    use r2w_core::store::{BlobKey, PresignPut, ReceivedRequest, unix_now};

    use super::*;

    #[tokio::test]
    async fn embedded_app_keeps_its_signing_key_across_restarts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config::embedded(dir.path());
        let first = app(config.clone(), dir.path(), EnvSecrets::from_vars([])).await.expect("first start");
        let second = app(config, dir.path(), EnvSecrets::from_vars([])).await.expect("second start");
        let key = BlobKey::parse("uploads/u/cv.pdf").expect("key");
        let request = PresignPut {
            content_type: "application/pdf".into(),
            content_length: 10,
            expires_in: std::time::Duration::from_secs(60),
        };
        let signed = first.uploads.presign_put(&key, request).await.expect("presign");
        let url = url::Url::parse(&signed.url).expect("url");
        let received = ReceivedRequest {
            method: "PUT",
            store: "uploads",
            key: key.as_str(),
            query: url.query().unwrap_or_default(),
            content_type: Some("application/pdf"),
            content_length: Some(10),
        };
        let verifier = second.url_signer.expect("embedded apps sign URLs");
        assert_eq!(verifier.verify(received, unix_now()), Ok(()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("blob-signing.key")).expect("key file").permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key file is private");
        }
    }

    #[tokio::test]
    async fn a_malformed_configured_key_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let secrets = EnvSecrets::from_vars([("R2W_BLOB_SIGNING_KEY".to_owned(), "short".to_owned())]);
        let Err(err) = app(Config::embedded(dir.path()), dir.path(), secrets).await else { panic!("must fail") };
        assert!(err.to_string().contains("R2W_BLOB_SIGNING_KEY"), "{err}");
        assert!(!err.to_string().contains("short"), "the value is not echoed");
    }
}
