//! The context every handler receives: the ports, built once per cold start from [`Config`] by
//! the wiring of the process (`r2w_aws::app` in a Lambda function, `r2w_embedded::app` on one
//! machine).

use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::domains::CustomDomains;
use crate::error::Error;
use crate::secrets::Secrets;
use crate::store::{Blobs, Table, UrlSigner};

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
}

/// A random key made on first start and kept in the data folder (owner-only), so what it signs
/// (presigned URLs, access tokens) stays valid across restarts without any set-up. Processes
/// starting together agree on one key: the file appears whole (written aside, then linked) and
/// only the first link wins.
pub fn local_key(data_dir: &Path, file_name: &str) -> Result<Vec<u8>, Error> {
    let path = data_dir.join(file_name);
    let read = |path: &Path| -> Result<Option<Vec<u8>>, Error> {
        match std::fs::read_to_string(path) {
            Ok(text) => decode_hex(text.trim())
                .map(Some)
                .ok_or_else(|| Error::Internal(format!("{} is corrupt; delete it to make a new key", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::internal(format!("cannot read {}", path.display()), e)),
        }
    };
    if let Some(key) = read(&path)? {
        return Ok(key);
    }
    let mut key = vec![0u8; 32];
    getrandom::fill(&mut key).map_err(|e| Error::internal("no randomness for the signing key", e))?;
    std::fs::create_dir_all(data_dir)
        .map_err(|e| Error::internal(format!("cannot create {}", data_dir.display()), e))?;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let aside = data_dir.join(format!(".{file_name}.{}", uuid::Uuid::new_v4().simple()));
    let written = write_private(&aside, hex.as_bytes()).and_then(|()| std::fs::hard_link(&aside, &path));
    let _ = std::fs::remove_file(&aside);
    match written {
        Ok(()) => Ok(key),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read(&path)?.ok_or_else(|| Error::Internal(format!("{} vanished", path.display())))
        }
        Err(e) => Err(Error::internal(format!("cannot write {}", path.display()), e)),
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

pub fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
