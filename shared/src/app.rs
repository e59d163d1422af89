//! The context every handler receives: the ports, built once per cold start from [`Config`].

use std::path::Path;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretSlice};

use crate::config::{AwsSettings, Backend, Config};
use crate::domains::{CloudFrontDomains, CustomDomains, LocalDomains, NoCustomDomains};
use crate::error::Error;
use crate::faults::{Faults, FaultyBlobs, FaultyTable};
use crate::secrets::{EnvSecrets, Secrets, SecretsError, SecretsManagerSecrets};
use crate::store::{Blobs, DynamoTable, FolderBlobs, S3Blobs, SqliteTable, Table, UrlSigner};

/// The secret that signs local presigned blob URLs (env `R2W_BLOB_SIGNING_KEY`, 64 hex chars).
pub const BLOB_SIGNING_SECRET: &str = "r2w-blob-signing-key";
const SQLITE_FILE: &str = "r2w.sqlite3";

#[derive(Clone)]
pub struct App {
    pub config: Arc<Config>,
    pub table: Arc<dyn Table>,
    /// CV originals (`uploads/`).
    pub uploads: Arc<dyn Blobs>,
    /// Previews and published sites (`previews/`, `sites/`).
    pub sites: Arc<dyn Blobs>,
    pub secrets: Arc<dyn Secrets>,
    /// Custom domains in front of published sites.
    pub domains: Arc<dyn CustomDomains>,
    /// Verifies local presigned blob URLs; `None` in the cloud, where S3 does that.
    pub url_signer: Option<Arc<UrlSigner>>,
    /// Set only by [`App::with_faults`]: what also fails the pipeline a process wires.
    pub faults: Option<Arc<Faults>>,
}

impl App {
    pub async fn from_config(config: Config) -> Result<Self, Error> {
        match config.backend.clone() {
            Backend::Embedded { data_dir } => Self::embedded(config, &data_dir, EnvSecrets::from_env()).await,
            Backend::Aws(settings) => Ok(Self::aws(config, &settings).await),
        }
    }

    /// The one-machine wiring: SQLite and folders under `data_dir`, secrets from `secrets`.
    pub async fn embedded(config: Config, data_dir: &Path, secrets: EnvSecrets) -> Result<Self, Error> {
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
        Ok(Self {
            table: Arc::new(table),
            uploads: Arc::new(FolderBlobs::new(blobs.join("uploads"), "uploads", Some(Arc::clone(&signer)))),
            sites: Arc::new(FolderBlobs::new(blobs.join("sites"), "sites", Some(Arc::clone(&signer)))),
            secrets: Arc::new(secrets),
            domains: Arc::new(LocalDomains::new(config.sites_url.clone())),
            url_signer: Some(signer),
            faults: None,
            config: Arc::new(config),
        })
    }

    /// The cloud wiring. The SDK reads region, credentials and `AWS_ENDPOINT_URL` itself.
    pub async fn aws(config: Config, settings: &AwsSettings) -> Self {
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let s3 = aws_sdk_s3::config::Builder::from(&sdk).force_path_style(settings.s3_force_path_style).build();
        let s3 = aws_sdk_s3::Client::from_conf(s3);
        let domains: Arc<dyn CustomDomains> = match &settings.custom_domains {
            Some(tenancy) => Arc::new(CloudFrontDomains::new(aws_sdk_cloudfront::Client::new(&sdk), tenancy.clone())),
            None => Arc::new(NoCustomDomains),
        };
        Self {
            domains,
            table: Arc::new(DynamoTable::new(aws_sdk_dynamodb::Client::new(&sdk), &settings.table_name)),
            uploads: Arc::new(S3Blobs::new(s3.clone(), &settings.uploads_bucket)),
            sites: Arc::new(S3Blobs::new(s3, &settings.sites_bucket)),
            secrets: Arc::new(SecretsManagerSecrets::new(
                aws_sdk_secretsmanager::Client::new(&sdk),
                &config.secrets_prefix,
                config.secrets_cache_ttl,
            )),
            url_signer: None,
            faults: None,
            config: Arc::new(config),
        }
    }

    /// The same app with its table and stores failing as `faults` says (and the pipeline a
    /// process builds on it, see `r2w_local::server`): for resilience tests, never configured.
    pub fn with_faults(&self, faults: Arc<Faults>) -> Self {
        Self {
            table: Arc::new(FaultyTable::new(Arc::clone(&self.table), Arc::clone(&faults))),
            uploads: Arc::new(FaultyBlobs::new(Arc::clone(&self.uploads), Arc::clone(&faults))),
            sites: Arc::new(FaultyBlobs::new(Arc::clone(&self.sites), Arc::clone(&faults))),
            faults: Some(faults),
            ..self.clone()
        }
    }
}

/// A random key made on first start and kept in the data folder (owner-only), so what it signs
/// (presigned URLs, access tokens) stays valid across restarts without any set-up. Processes
/// starting together agree on one key: the file appears whole (written aside, then linked) and
/// only the first link wins.
pub(crate) fn local_key(data_dir: &Path, file_name: &str) -> Result<Vec<u8>, Error> {
    let path = data_dir.join(file_name);
    let read = |path: &Path| -> Result<Option<Vec<u8>>, Error> {
        match std::fs::read_to_string(path) {
            Ok(text) => decode_hex(text.trim())
                .map(Some)
                .ok_or_else(|| Error::Internal(format!("{} is corrupt; delete it to make a new key", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Internal(format!("cannot read {}: {e}", path.display()))),
        }
    };
    if let Some(key) = read(&path)? {
        return Ok(key);
    }
    let mut key = vec![0u8; 32];
    getrandom::fill(&mut key).map_err(|e| Error::Internal(format!("no randomness for the signing key: {e}")))?;
    std::fs::create_dir_all(data_dir)
        .map_err(|e| Error::Internal(format!("cannot create {}: {e}", data_dir.display())))?;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let aside = data_dir.join(format!(".{file_name}.{}", uuid::Uuid::new_v4().simple()));
    let written = write_private(&aside, hex.as_bytes()).and_then(|()| std::fs::hard_link(&aside, &path));
    let _ = std::fs::remove_file(&aside);
    match written {
        Ok(()) => Ok(key),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read(&path)?.ok_or_else(|| Error::Internal(format!("{} vanished", path.display())))
        }
        Err(e) => Err(Error::Internal(format!("cannot write {}: {e}", path.display()))),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn embedded_app_keeps_its_signing_key_across_restarts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config::embedded(dir.path());
        let first = App::embedded(config.clone(), dir.path(), EnvSecrets::from_vars([])).await.expect("first start");
        let second = App::embedded(config, dir.path(), EnvSecrets::from_vars([])).await.expect("second start");
        let key = crate::store::BlobKey::parse("uploads/u/cv.pdf").expect("key");
        let request = crate::store::PresignPut {
            content_type: "application/pdf".into(),
            content_length: 10,
            expires_in: std::time::Duration::from_secs(60),
        };
        let signed = first.uploads.presign_put(&key, request).await.expect("presign");
        let url = url::Url::parse(&signed.url).expect("url");
        let received = crate::store::ReceivedRequest {
            method: "PUT",
            store: "uploads",
            key: key.as_str(),
            query: url.query().unwrap_or_default(),
            content_type: Some("application/pdf"),
            content_length: Some(10),
        };
        let verifier = second.url_signer.expect("embedded apps sign URLs");
        assert_eq!(verifier.verify(received, crate::store::unix_now()), Ok(()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("blob-signing.key")).expect("key file").permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key file is private");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn processes_starting_together_agree_on_one_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let starts = (0..8).map(|_| {
            let path = dir.path().to_path_buf();
            tokio::task::spawn_blocking(move || local_key(&path, "blob-signing.key"))
        });
        let mut keys = Vec::new();
        for start in starts {
            keys.push(start.await.expect("task").expect("key"));
        }
        assert!(keys.windows(2).all(|w| w[0] == w[1]), "one key for all");
        let leftovers = std::fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(leftovers, 1, "only the key file remains");
    }

    #[tokio::test]
    async fn a_malformed_configured_key_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let secrets = EnvSecrets::from_vars([("R2W_BLOB_SIGNING_KEY".to_owned(), "short".to_owned())]);
        let Err(err) = App::embedded(Config::embedded(dir.path()), dir.path(), secrets).await else {
            panic!("must fail")
        };
        assert!(err.to_string().contains("R2W_BLOB_SIGNING_KEY"), "{err}");
        assert!(!err.to_string().contains("short"), "the value is not echoed");
    }
}
