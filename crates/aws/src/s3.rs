//! The cloud Blobs adapter: one S3 bucket.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::MetadataDirective;
use bytes::Bytes;

use r2w_core::store::blobs::*;
use r2w_core::store::table::unix_now;

pub struct S3Blobs {
    client: Client,
    bucket: String,
}

impl S3Blobs {
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self { client, bucket: bucket.into() }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Creates the bucket, for local AWS emulators and tests; an existing one is kept.
    pub async fn ensure_bucket(&self) -> Result<(), BlobError> {
        match self.client.create_bucket().bucket(&self.bucket).send().await {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_bucket_already_owned_by_you() || s.is_bucket_already_exists()) =>
            {
                Ok(())
            }
            Err(e) => Err(sdk_error(e, "")),
        }
    }
}

fn sdk_error<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(
    e: SdkError<E>,
    key: &str,
) -> BlobError {
    const TRANSIENT: &[&str] = &["SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "Throttling"];
    const MISSING: &[&str] = &["NoSuchKey", "NotFound"];
    let message = DisplayErrorContext(&e).to_string();
    match &e {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            BlobError::Unavailable(message)
        }
        SdkError::ServiceError(ctx) => match ctx.err().code() {
            Some(code) if MISSING.contains(&code) => BlobError::NotFound(key.to_owned()),
            Some(code) if TRANSIENT.contains(&code) => BlobError::Unavailable(message),
            // HEAD responses have no body, so no error code: go by the status.
            _ if ctx.raw().status().as_u16() == 404 => BlobError::NotFound(key.to_owned()),
            _ if ctx.raw().status().is_server_error() => BlobError::Unavailable(message),
            _ => BlobError::Backend(message),
        },
        _ => BlobError::Backend(message),
    }
}

/// GET and HEAD answer with the same headers; S3 lower-cases user metadata names.
fn meta(
    key: &BlobKey,
    length: Option<i64>,
    content_type: Option<&str>,
    cache_control: Option<&str>,
    metadata: Option<&std::collections::HashMap<String, String>>,
) -> BlobMeta {
    BlobMeta {
        key: key.clone(),
        size: length.unwrap_or(0).max(0) as u64,
        content_type: content_type.map(str::to_owned),
        cache_control: cache_control.map(str::to_owned),
        metadata: metadata
            .map(|m| m.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect::<BTreeMap<_, _>>())
            .unwrap_or_default(),
    }
}

fn presigning(expires_in: Duration) -> Result<PresigningConfig, BlobError> {
    check_expiry(expires_in)?;
    PresigningConfig::expires_in(expires_in).map_err(|e| BlobError::Presign(e.to_string()))
}

fn presigned(request: aws_sdk_s3::presigning::PresignedRequest, expires_in: Duration) -> PresignedRequest {
    PresignedRequest {
        method: request.method().to_owned(),
        url: request.uri().to_owned(),
        headers: request.headers().map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned())).collect(),
        expires_at: unix_now() + expires_in.as_secs() as i64,
    }
}

#[async_trait]
impl Blobs for S3Blobs {
    async fn put(&self, key: &BlobKey, body: Bytes, options: PutOptions) -> Result<(), BlobError> {
        options.check()?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(options.content_type)
            .set_cache_control(options.cache_control)
            .set_metadata(Some(options.metadata.into_iter().collect()))
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| sdk_error(e, key.as_str()))?;
        Ok(())
    }

    async fn get(&self, key: &BlobKey) -> Result<Blob, BlobError> {
        let out = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .map_err(|e| sdk_error(e, key.as_str()))?;
        let meta = meta(key, out.content_length(), out.content_type(), out.cache_control(), out.metadata());
        let body =
            out.body.collect().await.map_err(|e| BlobError::Unavailable(format!("reading {key}: {e}")))?.into_bytes();
        Ok(Blob { meta: BlobMeta { size: body.len() as u64, ..meta }, body })
    }

    async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError> {
        let out = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .map_err(|e| sdk_error(e, key.as_str()))?;
        Ok(meta(key, out.content_length(), out.content_type(), out.cache_control(), out.metadata()))
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .map_err(|e| sdk_error(e, key.as_str()))?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<BlobSummary>, BlobError> {
        check_path(prefix, true)?;
        let mut pages = self.client.list_objects_v2().bucket(&self.bucket).prefix(prefix).into_paginator().send();
        let mut found = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error(e, prefix))?;
            for object in page.contents() {
                let Some(key) = object.key().and_then(|k| BlobKey::parse(k).ok()) else { continue };
                found.push(BlobSummary { key, size: object.size().unwrap_or(0).max(0) as u64 });
            }
        }
        found.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(found)
    }

    async fn erase(&self, prefix: &str) -> Result<usize, BlobError> {
        check_path(prefix, true)?;
        // Versions and delete markers: in a versioned bucket a plain delete only hides an object.
        let mut versions: Vec<(String, Option<String>)> = Vec::new();
        let (mut key_marker, mut version_marker) = (None::<String>, None::<String>);
        loop {
            let page = self
                .client
                .list_object_versions()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_key_marker(key_marker.take())
                .set_version_id_marker(version_marker.take())
                .send()
                .await
                .map_err(|e| sdk_error(e, prefix))?;
            let listed = page.versions().iter().map(|v| (v.key(), v.version_id()));
            let markers = page.delete_markers().iter().map(|m| (m.key(), m.version_id()));
            for (key, version) in listed.chain(markers) {
                if let Some(key) = key {
                    versions.push((key.to_owned(), version.map(str::to_owned)));
                }
            }
            if page.is_truncated() != Some(true) {
                break;
            }
            key_marker = page.next_key_marker().map(str::to_owned);
            version_marker = page.next_version_id_marker().map(str::to_owned);
            if key_marker.is_none() {
                break;
            }
        }
        let keys: std::collections::BTreeSet<&str> = versions.iter().map(|(k, _)| k.as_str()).collect();
        for (key, version) in &versions {
            self.client
                .delete_object()
                .bucket(&self.bucket)
                .key(key)
                .set_version_id(version.clone())
                .send()
                .await
                .map_err(|e| sdk_error(e, key))?;
        }
        Ok(keys.len())
    }

    async fn copy(&self, from: &BlobKey, to: &BlobKey) -> Result<(), BlobError> {
        // The copy source is "bucket/key" with the key URL-encoded (segments keep their '/').
        let encoded: Vec<String> = from
            .segments()
            .map(|s| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20"))
            .collect();
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .key(to.as_str())
            .copy_source(format!("{}/{}", self.bucket, encoded.join("/")))
            .metadata_directive(MetadataDirective::Copy)
            .send()
            .await
            .map_err(|e| sdk_error(e, from.as_str()))?;
        Ok(())
    }

    async fn presign_put(&self, key: &BlobKey, request: PresignPut) -> Result<PresignedRequest, BlobError> {
        PutOptions::new(request.content_type.clone()).check()?;
        let length =
            i64::try_from(request.content_length).map_err(|_| BlobError::Presign("content length too large".into()))?;
        let signed = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(&request.content_type)
            .content_length(length)
            .presigned(presigning(request.expires_in)?)
            .await
            .map_err(|e| BlobError::Presign(DisplayErrorContext(&e).to_string()))?;
        Ok(presigned(signed, request.expires_in))
    }

    async fn presign_get(&self, key: &BlobKey, expires_in: Duration) -> Result<PresignedRequest, BlobError> {
        let signed = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            // A presigned GET is a download (an original): never rendered by the browser.
            .response_content_disposition("attachment")
            .presigned(presigning(expires_in)?)
            .await
            .map_err(|e| BlobError::Presign(DisplayErrorContext(&e).to_string()))?;
        Ok(presigned(signed, expires_in))
    }

    fn backend(&self) -> &'static str {
        "s3"
    }
}
