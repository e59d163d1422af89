//! The Blobs port: objects by key in one bucket (S3) or one folder.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

use crate::error::Detail;

/// Longest key S3 accepts.
pub const MAX_KEY_BYTES: usize = 1024;
/// Longest presigned URL lifetime we hand out (S3 allows 7 days; we never need that long).
pub const MAX_PRESIGN: Duration = Duration::from_secs(24 * 3600);

/// An object key that is safe everywhere: relative, `/`-separated, no empty, `.` or `..`
/// segment, no backslash, NUL or other control character, at most 1024 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobKey(String);

impl BlobKey {
    pub fn parse(key: impl Into<String>) -> Result<Self, BlobError> {
        let key = key.into();
        check_path(&key, false)?;
        Ok(Self(key))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }
}

impl fmt::Display for BlobKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a key, or (with `prefix`) a listing prefix, which may be empty or end with `/`.
pub fn check_path(path: &str, prefix: bool) -> Result<(), BlobError> {
    let invalid =
        |why: &str| Err(BlobError::InvalidKey(format!("{why}: {:?}", path.chars().take(80).collect::<String>())));
    if path.len() > MAX_KEY_BYTES {
        return invalid("key longer than 1024 bytes");
    }
    if path.is_empty() {
        return if prefix { Ok(()) } else { invalid("empty key") };
    }
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return invalid("control character or backslash in key");
    }
    if path.starts_with('/') {
        return invalid("absolute key");
    }
    let body = if prefix { path.strip_suffix('/').unwrap_or(path) } else { path };
    for segment in body.split('/') {
        match segment {
            "" => return invalid("empty segment in key"),
            "." | ".." => return invalid("relative segment in key"),
            _ => {}
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutOptions {
    pub content_type: String,
    pub cache_control: Option<String>,
    /// User metadata: lower-case ASCII names (`[a-z0-9-]`), printable ASCII values (S3 sends
    /// them as HTTP headers).
    pub metadata: BTreeMap<String, String>,
}

impl PutOptions {
    pub fn new(content_type: impl Into<String>) -> Self {
        Self { content_type: content_type.into(), ..Self::default() }
    }

    pub fn cache_control(mut self, value: impl Into<String>) -> Self {
        self.cache_control = Some(value.into());
        self
    }

    pub fn meta(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(name.into(), value.into());
        self
    }

    pub fn check(&self) -> Result<(), BlobError> {
        let header_safe = |v: &str| v.chars().all(|c| c.is_ascii_graphic() || c == ' ');
        if self.content_type.is_empty() || !header_safe(&self.content_type) {
            return Err(BlobError::InvalidMetadata("content type must be non-empty printable ASCII".into()));
        }
        if self.cache_control.as_deref().is_some_and(|v| !header_safe(v)) {
            return Err(BlobError::InvalidMetadata("cache control must be printable ASCII".into()));
        }
        for (name, value) in &self.metadata {
            let name_ok =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !name_ok || !header_safe(value) {
                return Err(BlobError::InvalidMetadata(format!(
                    "metadata {name:?} must be [a-z0-9-] with a printable ASCII value"
                )));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobMeta {
    pub key: BlobKey,
    pub size: u64,
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Blob {
    pub meta: BlobMeta,
    pub body: Bytes,
}

/// One entry of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobSummary {
    pub key: BlobKey,
    pub size: u64,
}

/// What a client must send for a presigned request to be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedRequest {
    pub method: String,
    pub url: String,
    /// Headers the client must send exactly as given (they are part of the signature).
    pub headers: BTreeMap<String, String>,
    /// Unix seconds.
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignPut {
    pub content_type: String,
    /// The exact size of the upload; anything else is refused.
    pub content_length: u64,
    pub expires_in: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("invalid object key ({0})")]
    InvalidKey(String),
    #[error("invalid object metadata ({0})")]
    InvalidMetadata(String),
    #[error("no object at {0}")]
    NotFound(String),
    #[error("presigning is not possible: {0}")]
    Presign(String),
    /// Worth retrying: throttling, a timeout, a network failure.
    #[error("object store temporarily unavailable: {0}")]
    Unavailable(#[source] Detail),
    #[error("object store error: {0}")]
    Backend(#[source] Detail),
}

#[async_trait]
pub trait Blobs: Send + Sync {
    async fn put(&self, key: &BlobKey, body: Bytes, options: PutOptions) -> Result<(), BlobError>;
    async fn get(&self, key: &BlobKey) -> Result<Blob, BlobError>;
    async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError>;
    /// Deleting a missing object is not an error.
    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError>;
    /// Every object whose key starts with `prefix`, in key order.
    async fn list(&self, prefix: &str) -> Result<Vec<BlobSummary>, BlobError>;
    /// Deletes for good every object whose key starts with `prefix`, with every earlier
    /// version the store keeps of it (S3 versioning) and whatever else would still name it
    /// (empty folders). Returns how many keys had something to erase.
    async fn erase(&self, prefix: &str) -> Result<usize, BlobError>;
    /// Copies body, content type, cache control and metadata.
    async fn copy(&self, from: &BlobKey, to: &BlobKey) -> Result<(), BlobError>;
    async fn presign_put(&self, key: &BlobKey, request: PresignPut) -> Result<PresignedRequest, BlobError>;
    async fn presign_get(&self, key: &BlobKey, expires_in: Duration) -> Result<PresignedRequest, BlobError>;
    /// "folder" or "s3", for logs and test names.
    fn backend(&self) -> &'static str;
}

pub fn check_expiry(expires_in: Duration) -> Result<(), BlobError> {
    if expires_in.is_zero() || expires_in > MAX_PRESIGN {
        return Err(BlobError::Presign(format!("expiry must be 1 s to {} s", MAX_PRESIGN.as_secs())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_could_escape_a_folder_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            "a\\b",
            "a\0b",
            "a\nb",
            "..",
            ".",
            "uploads/..",
        ] {
            assert!(BlobKey::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(BlobKey::parse("x".repeat(1025)).is_err());
        for good in ["uploads/u1/cv.pdf", "sites/jane-doe/index.html", "a..b/c", ".well-known/x", "ünï/cödé"] {
            assert!(BlobKey::parse(good).is_ok(), "{good:?} should be accepted");
        }
    }

    #[test]
    fn prefixes_may_be_empty_or_partial_but_not_escape() {
        for good in ["", "uploads/", "uploads/ab", "a/b/"] {
            assert!(check_path(good, true).is_ok(), "{good:?}");
        }
        for bad in ["/", "../", "a/../", "a//", "a/.."] {
            assert!(check_path(bad, true).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn metadata_must_travel_as_headers() {
        assert!(PutOptions::new("text/html").meta("owner", "u1").check().is_ok());
        assert!(PutOptions::new("").check().is_err());
        assert!(PutOptions::new("text/html").meta("Owner", "u1").check().is_err());
        assert!(PutOptions::new("text/html").meta("owner", "naïve").check().is_err());
        assert!(PutOptions::new("text/html\r\nx: y").check().is_err());
    }
}
