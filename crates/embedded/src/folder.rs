//! The embedded Blobs adapter: one folder per store.
//!
//! S3 lets `a/b` and `a/b/c` both be objects; a file system does not let `a/b` be a file and a
//! folder. So each key segment but the last becomes a folder `{segment}.d`, and the object is
//! `{segment}.blob` with its metadata beside it in `{segment}.meta`. Keys are validated
//! ([`BlobKey`]) before any path is built, so no key reaches outside the root.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use r2w_core::error::Detail;
use r2w_core::store::blobs::*;
use r2w_core::store::presign::UrlSigner;
use r2w_core::store::table::unix_now;

const DIR_SUFFIX: &str = ".d";
const DATA_SUFFIX: &str = ".blob";
const META_SUFFIX: &str = ".meta";

pub struct FolderBlobs {
    root: PathBuf,
    /// The store's name in presigned URLs (the bucket's role: "uploads", "sites").
    name: String,
    signer: Option<Arc<UrlSigner>>,
}

#[derive(Serialize, Deserialize)]
struct StoredMeta {
    content_type: String,
    #[serde(default)]
    cache_control: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

impl FolderBlobs {
    /// `signer` enables presigned URLs (served by the local server's blob endpoint).
    pub fn new(root: impl Into<PathBuf>, name: impl Into<String>, signer: Option<Arc<UrlSigner>>) -> Self {
        Self { root: root.into(), name: name.into(), signer }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn paths(&self, key: &BlobKey) -> (PathBuf, PathBuf) {
        let segments: Vec<&str> = key.segments().collect();
        let mut dir = self.root.clone();
        let (last, parents) = segments.split_last().unwrap_or((&"", &[]));
        for segment in parents {
            dir.push(format!("{segment}{DIR_SUFFIX}"));
        }
        (dir.join(format!("{last}{DATA_SUFFIX}")), dir.join(format!("{last}{META_SUFFIX}")))
    }

    fn signer(&self) -> Result<&UrlSigner, BlobError> {
        self.signer.as_deref().ok_or_else(|| BlobError::Presign("no signing key configured for local blob URLs".into()))
    }
}

fn io_error(context: &str, e: std::io::Error) -> BlobError {
    BlobError::Backend(Detail::new(context, e))
}

async fn read_meta(path: &Path, key: &BlobKey) -> Result<StoredMeta, BlobError> {
    match tokio::fs::read(path).await {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| BlobError::Backend(Detail::new(format!("metadata of {key} unreadable"), e))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(BlobError::NotFound(key.to_string())),
        Err(e) => Err(io_error("reading metadata", e)),
    }
}

/// Writes beside the target and renames, so a reader sees the old file or the new one, never
/// a part.
async fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), BlobError> {
    let dir = path.parent().ok_or_else(|| BlobError::Backend("object path has no folder".into()))?;
    tokio::fs::create_dir_all(dir).await.map_err(|e| io_error("creating folder", e))?;
    let tmp = dir.join(format!(".tmp-{}", uuid::Uuid::new_v4()));
    tokio::fs::write(&tmp, bytes).await.map_err(|e| io_error("writing object", e))?;
    if let Err(e) = tokio::fs::rename(&tmp, path).await {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(io_error("storing object", e));
    }
    Ok(())
}

impl FolderBlobs {
    async fn meta_of(&self, key: &BlobKey) -> Result<(BlobMeta, PathBuf), BlobError> {
        let (data_path, meta_path) = self.paths(key);
        let stored = read_meta(&meta_path, key).await?;
        let size = match tokio::fs::metadata(&data_path).await {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(BlobError::NotFound(key.to_string())),
            Err(e) => return Err(io_error("reading object", e)),
        };
        let meta = BlobMeta {
            key: key.clone(),
            size,
            content_type: Some(stored.content_type),
            cache_control: stored.cache_control,
            metadata: stored.metadata,
        };
        Ok((meta, data_path))
    }
}

#[async_trait]
impl Blobs for FolderBlobs {
    async fn put(&self, key: &BlobKey, body: Bytes, options: PutOptions) -> Result<(), BlobError> {
        options.check()?;
        let (data_path, meta_path) = self.paths(key);
        let meta = StoredMeta {
            content_type: options.content_type,
            cache_control: options.cache_control,
            metadata: options.metadata,
        };
        let meta = serde_json::to_vec(&meta).map_err(|e| BlobError::Backend(Detail::new("writing metadata", e)))?;
        write_atomic(&data_path, &body).await?;
        write_atomic(&meta_path, &meta).await
    }

    async fn get(&self, key: &BlobKey) -> Result<Blob, BlobError> {
        let (meta, data_path) = self.meta_of(key).await?;
        match tokio::fs::read(&data_path).await {
            Ok(body) => Ok(Blob { meta: BlobMeta { size: body.len() as u64, ..meta }, body: Bytes::from(body) }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(BlobError::NotFound(key.to_string())),
            Err(e) => Err(io_error("reading object", e)),
        }
    }

    async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError> {
        self.meta_of(key).await.map(|(meta, _)| meta)
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        let (data_path, meta_path) = self.paths(key);
        for path in [meta_path, data_path] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error("deleting object", e)),
            }
        }
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<BlobSummary>, BlobError> {
        check_path(prefix, true)?;
        let root = self.root.clone();
        let prefix = prefix.to_owned();
        tokio::task::spawn_blocking(move || list_blocking(&root, &prefix))
            .await
            .map_err(|e| BlobError::Backend(Detail::new("listing", e)))?
    }

    async fn erase(&self, prefix: &str) -> Result<usize, BlobError> {
        let mut erased = 0;
        for object in self.list(prefix).await? {
            self.delete(&object.key).await?;
            erased += 1;
            // Folders are named after key segments (a user id, a slug): the empty ones go too.
            let (data_path, _) = self.paths(&object.key);
            let mut dir = data_path.parent().map(Path::to_path_buf);
            while let Some(folder) = dir.filter(|d| d.starts_with(&self.root) && *d != self.root) {
                if tokio::fs::remove_dir(&folder).await.is_err() {
                    break; // not empty (or already gone)
                }
                dir = folder.parent().map(Path::to_path_buf);
            }
        }
        Ok(erased)
    }

    async fn copy(&self, from: &BlobKey, to: &BlobKey) -> Result<(), BlobError> {
        let blob = self.get(from).await?;
        let options = PutOptions {
            content_type: blob.meta.content_type.unwrap_or_else(|| "application/octet-stream".into()),
            cache_control: blob.meta.cache_control,
            metadata: blob.meta.metadata,
        };
        self.put(to, blob.body, options).await
    }

    async fn presign_put(&self, key: &BlobKey, request: PresignPut) -> Result<PresignedRequest, BlobError> {
        check_expiry(request.expires_in)?;
        PutOptions::new(request.content_type.clone()).check()?;
        let expires_at = unix_now() + request.expires_in.as_secs() as i64;
        Ok(self.signer()?.sign_put(&self.name, key, &request.content_type, request.content_length, expires_at))
    }

    async fn presign_get(&self, key: &BlobKey, expires_in: Duration) -> Result<PresignedRequest, BlobError> {
        check_expiry(expires_in)?;
        let expires_at = unix_now() + expires_in.as_secs() as i64;
        Ok(self.signer()?.sign_get(&self.name, key, expires_at))
    }

    fn backend(&self) -> &'static str {
        "folder"
    }
}

/// Walks only the folders the prefix can reach, decoding file names back into keys.
fn list_blocking(root: &Path, prefix: &str) -> Result<Vec<BlobSummary>, BlobError> {
    let mut found = Vec::new();
    // Descend straight to the folder of the prefix's complete segments.
    let (complete, _partial) = prefix.rsplit_once('/').unwrap_or(("", prefix));
    let mut start = root.to_path_buf();
    let mut key_prefix = String::new();
    if !complete.is_empty() {
        for segment in complete.split('/') {
            start.push(format!("{segment}{DIR_SUFFIX}"));
            key_prefix.push_str(segment);
            key_prefix.push('/');
        }
    }
    let mut stack = vec![(start, key_prefix)];
    while let Some((dir, key_so_far)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error("listing folder", e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| io_error("listing folder", e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let file_type = entry.file_type().map_err(|e| io_error("listing folder", e))?;
            if file_type.is_dir() {
                if let Some(segment) = name.strip_suffix(DIR_SUFFIX) {
                    let key = format!("{key_so_far}{segment}/");
                    if key.starts_with(prefix) || prefix.starts_with(&key) {
                        stack.push((entry.path(), key));
                    }
                }
            } else if let Some(segment) = name.strip_suffix(DATA_SUFFIX) {
                let key = format!("{key_so_far}{segment}");
                let has_meta = entry.path().with_file_name(format!("{segment}{META_SUFFIX}")).exists();
                if key.starts_with(prefix) && has_meta {
                    let size = entry.metadata().map_err(|e| io_error("listing folder", e))?.len();
                    if let Ok(key) = BlobKey::parse(key) {
                        found.push(BlobSummary { key, size });
                    }
                }
            }
        }
    }
    found.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(found)
}
