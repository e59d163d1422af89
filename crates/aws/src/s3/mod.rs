//! The cloud Blobs adapter: one S3 bucket, over S3's REST API.
//!
//! Ten requests are all the adapter makes, so it signs them itself (SigV4 by `aws-sigv4`, AWS's
//! own signer, which the SDK clients use too) and sends them with the process's one HTTPS
//! client, instead of linking `aws-sdk-s3`: the SDK's S3 client and the checksum code it
//! requires (`crc-fast`, every CRC's tables) were the largest part of every function binary
//! (docs/benchmarks.md, "The S3 client").

mod xml;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_types::SdkConfig;
use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::{Method, StatusCode};
use url::Url;

use r2w_core::Error;
use r2w_core::error::{Cause, Detail};
use r2w_core::store::blobs::*;

/// How many times a request is sent before a transient failure is reported.
const ATTEMPTS: u32 = 3;
/// S3's codes for "try again": throttling, its own faults, a request it timed out.
const TRANSIENT: &[&str] = &["SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "Throttling"];
const USER_METADATA: &str = "x-amz-meta-";

/// RFC 3986's unreserved characters stay; everything else in a key segment is escaped, as
/// SigV4's canonical form for S3 expects (S3 does not escape twice).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

pub struct S3Blobs {
    http: reqwest::Client,
    credentials: SharedCredentialsProvider,
    region: String,
    bucket: String,
    /// The bucket's address, ending in `/`: `https://<bucket>.s3.<region>.amazonaws.com/`, or
    /// `<endpoint>/<bucket>/` with path-style addressing (local emulators).
    base: Url,
}

impl S3Blobs {
    /// The bucket `bucket` in the configuration's region, with its credentials; its endpoint
    /// (`AWS_ENDPOINT_URL`) if set.
    pub fn new(sdk: &SdkConfig, bucket: impl Into<String>, path_style: bool) -> Result<Self, Error> {
        let bucket = bucket.into();
        let region =
            sdk.region().map(|r| r.as_ref().to_owned()).ok_or_else(|| Error::Internal("no AWS region".into()))?;
        let credentials =
            sdk.credentials_provider().ok_or_else(|| Error::Internal("no AWS credentials provider".into()))?;
        let base = bucket_url(sdk.endpoint_url(), &region, &bucket, path_style)?;
        let http = r2w_http::http_client()
            .connect_timeout(Duration::from_millis(3100))
            .build()
            .map_err(|e| Error::internal("cannot build the S3 HTTP client", e))?;
        Ok(Self { http, credentials, region, bucket, base })
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Creates the bucket, for local AWS emulators and tests; an existing one is kept.
    pub async fn ensure_bucket(&self) -> Result<(), BlobError> {
        let mut url = self.base.clone();
        // CreateBucket is addressed to the bucket itself, without the trailing `/`.
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(if path.is_empty() { "/" } else { &path });
        let body = if self.region == "us-east-1" {
            Bytes::new()
        } else {
            Bytes::from(format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                 <LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                self.region
            ))
        };
        match self.send(Method::PUT, url, Vec::new(), body, "").await {
            Ok(_) => Ok(()),
            Err(Failure::Service { code, .. })
                if code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists" =>
            {
                Ok(())
            }
            Err(failure) => Err(failure.into_blob_error("")),
        }
    }

    fn object_url(&self, key: &str) -> Result<Url, BlobError> {
        let path: Vec<String> = key.split('/').map(|s| utf8_percent_encode(s, SEGMENT).to_string()).collect();
        self.base.join(&path.join("/")).map_err(|e| BlobError::InvalidKey(format!("{key}: {e}")))
    }

    /// [`Self::send`], a failure told as a [`BlobError`] about `key`.
    async fn request(
        &self,
        method: Method,
        url: Url,
        headers: Vec<(String, String)>,
        body: Bytes,
        key: &str,
    ) -> Result<reqwest::Response, BlobError> {
        self.send(method, url, headers, body, key).await.map_err(|failure| failure.into_blob_error(key))
    }

    /// Signs and sends one request, again on a transient failure (with backoff); a 2xx answer
    /// is `Ok`, anything else the S3 error it carries.
    async fn send(
        &self,
        method: Method,
        url: Url,
        headers: Vec<(String, String)>,
        body: Bytes,
        key: &str,
    ) -> Result<reqwest::Response, Failure> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let failure = match self.send_once(&method, &url, &headers, &body).await {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => Failure::of(response, key).await,
                Err(failure) => failure,
            };
            if attempt >= ATTEMPTS || !failure.is_transient() {
                return Err(failure);
            }
            // Full jitter over 50 ms, then 200 ms: concurrent retries spread out.
            let ceiling = 50u64 << (2 * (attempt - 1));
            tokio::time::sleep(Duration::from_millis(fastrand::u64(0..=ceiling))).await;
        }
    }

    async fn send_once(
        &self,
        method: &Method,
        url: &Url,
        headers: &[(String, String)],
        body: &Bytes,
    ) -> Result<reqwest::Response, Failure> {
        let signed = self
            .sign(method, url, headers, Signature::InHeaders { body }, SystemTime::now())
            .await
            .map_err(Failure::Signing)?;
        let mut request = self.http.request(method.clone(), url.clone()).body(body.clone());
        for (name, value) in headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).chain(signed.headers()) {
            request = request.header(name, value);
        }
        request.send().await.map_err(|e| Failure::Network(e.into()))
    }

    /// SigV4 with S3's rules: the path as sent (escaped once, never normalised), the body's
    /// SHA-256 in `x-amz-content-sha256`; or, for a presigned URL, the signature in the query.
    async fn sign(
        &self,
        method: &Method,
        url: &Url,
        headers: &[(String, String)],
        signature: Signature<'_>,
        time: SystemTime,
    ) -> Result<aws_sigv4::http_request::SigningInstructions, Detail> {
        let credentials = self.credentials.provide_credentials().await.map_err(|e| Detail::new("no credentials", e))?;
        let identity = credentials.into();
        let mut settings = SigningSettings::default();
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        let body = match signature {
            Signature::InHeaders { body } => {
                settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
                SignableBody::Bytes(body)
            }
            Signature::InQuery { expires_in } => {
                settings.signature_location = SignatureLocation::QueryParams;
                settings.expires_in = Some(expires_in);
                SignableBody::UnsignedPayload
            }
        };
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("s3")
            .time(time)
            .settings(settings)
            .build()
            .map_err(|e| Detail::new("signing parameters", e))?
            .into();
        let signable = SignableRequest::new(
            method.as_str(),
            url.as_str(),
            headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            body,
        )
        .map_err(|e| Detail::new("an unsignable request", e))?;
        Ok(sign(signable, &params).map_err(|e| Detail::new("signing", e))?.into_parts().0)
    }

    /// A URL anyone holding it may use for `method` on `url` from `time` until `expires_in`
    /// has passed, with exactly `headers`.
    async fn presign(
        &self,
        method: Method,
        mut url: Url,
        headers: Vec<(String, String)>,
        expires_in: Duration,
        time: SystemTime,
    ) -> Result<PresignedRequest, BlobError> {
        check_expiry(expires_in)?;
        let signature = Signature::InQuery { expires_in };
        let signed =
            self.sign(&method, &url, &headers, signature, time).await.map_err(|e| BlobError::Presign(e.to_string()))?;
        url.query_pairs_mut().extend_pairs(signed.params().iter().map(|(name, value)| (*name, value.as_ref())));
        Ok(PresignedRequest {
            method: method.to_string(),
            url: url.into(),
            headers: headers.into_iter().collect(),
            expires_at: unix_seconds(time) + expires_in.as_secs() as i64,
        })
    }

    /// One page of object versions and delete markers under `prefix`, and where the next begins.
    async fn versions_page(
        &self,
        prefix: &str,
        from: Option<(String, String)>,
    ) -> Result<(Vec<(String, Option<String>)>, Option<(String, String)>), BlobError> {
        let mut url = self.base.clone();
        url.query_pairs_mut().append_pair("prefix", prefix).append_pair("versions", "");
        if let Some((key, version)) = &from {
            url.query_pairs_mut().append_pair("key-marker", key).append_pair("version-id-marker", version);
        }
        let page = self.xml(url, prefix).await?;
        let listed = page.all("Version").chain(page.all("DeleteMarker"));
        let versions = listed
            .filter_map(|v| Some((v.text_of("Key")?.to_owned(), v.text_of("VersionId").map(str::to_owned))))
            .collect();
        let next = (page.text_of("IsTruncated") == Some("true"))
            .then(|| {
                let key = page.text_of("NextKeyMarker")?.to_owned();
                Some((key, page.text_of("NextVersionIdMarker").unwrap_or_default().to_owned()))
            })
            .flatten();
        Ok((versions, next))
    }

    /// A GET whose answer is an XML document.
    async fn xml(&self, url: Url, key: &str) -> Result<xml::Element, BlobError> {
        let response = self.request(Method::GET, url, Vec::new(), Bytes::new(), key).await?;
        let body =
            response.bytes().await.map_err(|e| BlobError::Unavailable(Detail::new(format!("reading {key}"), e)))?;
        xml::parse(&body).map_err(|e| BlobError::Backend(format!("S3 answered {e}").into()))
    }
}

/// Where a request's signature goes, and what it covers.
enum Signature<'a> {
    /// Headers, over the body's SHA-256: a request the adapter sends.
    InHeaders { body: &'a [u8] },
    /// The query, over no body: a URL handed to someone else, valid for `expires_in`.
    InQuery { expires_in: Duration },
}

/// Where the bucket's objects are addressed: by host (`<bucket>.<endpoint host>`) as S3 prefers,
/// or by path (`<endpoint>/<bucket>/`) when asked, when the endpoint is an IP address (a local
/// emulator: no host names under it) or when the bucket's name cannot be a host label, as the
/// SDK decides.
fn bucket_url(endpoint: Option<&str>, region: &str, bucket: &str, path_style: bool) -> Result<Url, Error> {
    let invalid = |e: url::ParseError| Error::internal(format!("no S3 address for the bucket {bucket:?}"), e);
    let endpoint = match endpoint {
        Some(endpoint) => Url::parse(endpoint).map_err(invalid)?,
        None => Url::parse(&format!("https://s3.{region}.amazonaws.com")).map_err(invalid)?,
    };
    let host_label = (3..=63).contains(&bucket.len())
        && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !bucket.starts_with('-')
        && !bucket.ends_with('-');
    let by_ip = matches!(endpoint.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)));
    let mut url = endpoint.clone();
    if path_style || by_ip || !host_label {
        let bucket_segment = utf8_percent_encode(bucket, SEGMENT).to_string();
        url.set_path(&format!("{}/{bucket_segment}/", endpoint.path().trim_end_matches('/')));
    } else {
        let host = endpoint.host_str().ok_or_else(|| Error::Internal(format!("no host in {endpoint}")))?;
        url.set_host(Some(&format!("{bucket}.{host}"))).map_err(invalid)?;
        url.set_path("/");
    }
    Ok(url)
}

/// Why a request failed, before it is told as a [`BlobError`].
#[derive(Debug)]
enum Failure {
    /// No answer: the connection failed or timed out.
    Network(Cause),
    /// The request could not be signed (no credentials).
    Signing(Detail),
    /// S3 answered with an error status; `code` is S3's error code, empty for a bodiless answer.
    Service { status: StatusCode, code: String, message: String },
}

impl Failure {
    async fn of(response: reqwest::Response, key: &str) -> Self {
        let status = response.status();
        let body = response.bytes().await.unwrap_or_default();
        let error = xml::parse(&body).ok().filter(|root| root.name == "Error");
        let field = |name| error.as_ref().and_then(|e| e.text_of(name)).unwrap_or_default().to_owned();
        let message = match field("Message") {
            message if message.is_empty() => format!("HTTP {status} for {key:?}"),
            message => message,
        };
        Failure::Service { status, code: field("Code"), message }
    }

    fn is_transient(&self) -> bool {
        match self {
            Failure::Network(_) => true,
            Failure::Signing(_) => false,
            Failure::Service { status, code, .. } => status.is_server_error() || TRANSIENT.contains(&code.as_str()),
        }
    }

    fn into_blob_error(self, key: &str) -> BlobError {
        match self {
            Failure::Network(cause) => BlobError::Unavailable(Detail::new(format!("no answer about {key:?}"), cause)),
            Failure::Signing(detail) => BlobError::Backend(detail),
            // A HEAD answer has no body, so no code: its status says "missing".
            Failure::Service { status, code, .. }
                if code == "NoSuchKey"
                    || code == "NotFound"
                    || (code.is_empty() && status == StatusCode::NOT_FOUND) =>
            {
                BlobError::NotFound(key.to_owned())
            }
            failure @ Failure::Service { .. } if failure.is_transient() => {
                BlobError::Unavailable(failure.describe().into())
            }
            failure => BlobError::Backend(failure.describe().into()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Failure::Network(cause) => cause.to_string(),
            Failure::Signing(detail) => detail.to_string(),
            Failure::Service { status, code, message } => format!("{code} ({status}): {message}"),
        }
    }
}

fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn header(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_owned(), value.into())
}

/// GET and HEAD answer with the same headers; S3 lower-cases user metadata names.
fn meta(key: &BlobKey, response: &reqwest::Response) -> BlobMeta {
    let headers = response.headers();
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    BlobMeta {
        key: key.clone(),
        size: text("content-length").and_then(|v| v.parse().ok()).unwrap_or(0),
        content_type: text("content-type"),
        cache_control: text("cache-control"),
        metadata: headers
            .iter()
            .filter_map(|(name, value)| {
                let name = name.as_str().strip_prefix(USER_METADATA)?;
                Some((name.to_ascii_lowercase(), value.to_str().ok()?.to_owned()))
            })
            .collect::<BTreeMap<_, _>>(),
    }
}

#[async_trait]
impl Blobs for S3Blobs {
    async fn put(&self, key: &BlobKey, body: Bytes, options: PutOptions) -> Result<(), BlobError> {
        options.check()?;
        let mut headers = vec![header("content-type", options.content_type)];
        if let Some(cache_control) = options.cache_control {
            headers.push(header("cache-control", cache_control));
        }
        headers.extend(options.metadata.into_iter().map(|(name, value)| (format!("{USER_METADATA}{name}"), value)));
        let url = self.object_url(key.as_str())?;
        self.request(Method::PUT, url, headers, body, key.as_str()).await.map(drop)
    }

    async fn get(&self, key: &BlobKey) -> Result<Blob, BlobError> {
        let url = self.object_url(key.as_str())?;
        let response = self.request(Method::GET, url, Vec::new(), Bytes::new(), key.as_str()).await?;
        let meta = meta(key, &response);
        let body =
            response.bytes().await.map_err(|e| BlobError::Unavailable(Detail::new(format!("reading {key}"), e)))?;
        Ok(Blob { meta: BlobMeta { size: body.len() as u64, ..meta }, body })
    }

    async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError> {
        let url = self.object_url(key.as_str())?;
        let response = self.request(Method::HEAD, url, Vec::new(), Bytes::new(), key.as_str()).await?;
        Ok(meta(key, &response))
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        let url = self.object_url(key.as_str())?;
        self.request(Method::DELETE, url, Vec::new(), Bytes::new(), key.as_str()).await.map(drop)
    }

    async fn list(&self, prefix: &str) -> Result<Vec<BlobSummary>, BlobError> {
        check_path(prefix, true)?;
        let mut found = Vec::new();
        let mut continuation: Option<String> = None;
        loop {
            let mut url = self.base.clone();
            url.query_pairs_mut().append_pair("list-type", "2").append_pair("prefix", prefix);
            if let Some(token) = &continuation {
                url.query_pairs_mut().append_pair("continuation-token", token);
            }
            let page = self.xml(url, prefix).await?;
            for object in page.all("Contents") {
                let Some(key) = object.text_of("Key").and_then(|k| BlobKey::parse(k).ok()) else { continue };
                found.push(BlobSummary { key, size: object.text_of("Size").and_then(|s| s.parse().ok()).unwrap_or(0) });
            }
            continuation = page.text_of("NextContinuationToken").map(str::to_owned);
            if page.text_of("IsTruncated") != Some("true") || continuation.is_none() {
                break;
            }
        }
        found.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(found)
    }

    async fn erase(&self, prefix: &str) -> Result<usize, BlobError> {
        check_path(prefix, true)?;
        // Versions and delete markers: in a versioned bucket a plain delete only hides an object.
        let mut versions: Vec<(String, Option<String>)> = Vec::new();
        let mut from = None;
        loop {
            let (page, next) = self.versions_page(prefix, from.take()).await?;
            versions.extend(page);
            match next {
                Some(next) => from = Some(next),
                None => break,
            }
        }
        let keys: std::collections::BTreeSet<&str> = versions.iter().map(|(k, _)| k.as_str()).collect();
        for (key, version) in &versions {
            let mut url = self.object_url(key)?;
            if let Some(version) = version {
                url.query_pairs_mut().append_pair("versionId", version);
            }
            self.request(Method::DELETE, url, Vec::new(), Bytes::new(), key).await?;
        }
        Ok(keys.len())
    }

    async fn copy(&self, from: &BlobKey, to: &BlobKey) -> Result<(), BlobError> {
        // The copy source is "/bucket/key", escaped as in a URL path.
        let source: Vec<String> = from.segments().map(|s| utf8_percent_encode(s, SEGMENT).to_string()).collect();
        let headers = vec![
            header("x-amz-copy-source", format!("/{}/{}", self.bucket, source.join("/"))),
            header("x-amz-metadata-directive", "COPY"),
        ];
        let url = self.object_url(to.as_str())?;
        let response = self.request(Method::PUT, url, headers, Bytes::new(), from.as_str()).await?;
        // A copy can fail after S3 has answered 200: the error is then the body.
        let body =
            response.bytes().await.map_err(|e| BlobError::Unavailable(Detail::new(format!("copying {from}"), e)))?;
        match xml::parse(&body) {
            Ok(root) if root.name == "Error" => {
                let failure = Failure::Service {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    code: root.text_of("Code").unwrap_or_default().to_owned(),
                    message: root.text_of("Message").unwrap_or_default().to_owned(),
                };
                Err(failure.into_blob_error(from.as_str()))
            }
            _ => Ok(()),
        }
    }

    async fn presign_put(&self, key: &BlobKey, request: PresignPut) -> Result<PresignedRequest, BlobError> {
        PutOptions::new(request.content_type.clone()).check()?;
        let headers = vec![
            header("content-length", request.content_length.to_string()),
            header("content-type", request.content_type),
        ];
        self.presign(Method::PUT, self.object_url(key.as_str())?, headers, request.expires_in, SystemTime::now()).await
    }

    async fn presign_get(&self, key: &BlobKey, expires_in: Duration) -> Result<PresignedRequest, BlobError> {
        let mut url = self.object_url(key.as_str())?;
        // A presigned GET is a download (an original): never rendered by the browser.
        url.query_pairs_mut().append_pair("response-content-disposition", "attachment");
        self.presign(Method::GET, url, Vec::new(), expires_in, SystemTime::now()).await
    }

    fn backend(&self) -> &'static str {
        "s3"
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use aws_credential_types::Credentials;
    use aws_sdk_s3::presigning::PresigningConfig;
    use aws_types::region::Region;

    use super::*;

    const BUCKET: &str = "r2w-prod-uploads-123456789012-eu-west-1";
    const KEY: &str = "uploads/user-1/01JUPLOAD/Dana Levi (CV) + café.pdf";

    fn config(endpoint: Option<&str>) -> SdkConfig {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some("token/+=".into()),
            None,
            "test",
        );
        let mut config = SdkConfig::builder()
            .region(Region::new("eu-west-1"))
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest());
        config.set_endpoint_url(endpoint.map(str::to_owned));
        config.build()
    }

    fn query(url: &str) -> BTreeMap<String, String> {
        Url::parse(url).expect("url").query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    }

    /// The official SDK's presigned URL, and ours for the same request at the same instant: the
    /// same address and the same signature (the SDK also names the operation in `x-id`, which
    /// is signed, so ours is given it too for the comparison).
    async fn same_as_the_sdk(endpoint: Option<&str>, path_style: bool) {
        let sdk = config(endpoint);
        let ours = S3Blobs::new(&sdk, BUCKET, path_style).expect("blobs");
        let official =
            aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(path_style).build());
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000);
        let expires_in = Duration::from_secs(600);
        let presigning =
            || PresigningConfig::builder().start_time(time).expires_in(expires_in).build().expect("config");

        let sdk_get = official
            .get_object()
            .bucket(BUCKET)
            .key(KEY)
            .response_content_disposition("attachment")
            .presigned(presigning())
            .await
            .expect("sdk presign");
        let mut url = ours.object_url(KEY).expect("url");
        url.query_pairs_mut()
            .append_pair("response-content-disposition", "attachment")
            .append_pair("x-id", "GetObject");
        let our_get = ours.presign(Method::GET, url, Vec::new(), expires_in, time).await.expect("presign");
        assert_eq!(our_get.url.split('?').next(), sdk_get.uri().split('?').next(), "same object address");
        assert_eq!(query(&our_get.url), query(sdk_get.uri()), "same signed query");

        let sdk_put = official
            .put_object()
            .bucket(BUCKET)
            .key(KEY)
            .content_type("application/pdf")
            .content_length(1234)
            .presigned(presigning())
            .await
            .expect("sdk presign");
        let mut url = ours.object_url(KEY).expect("url");
        url.query_pairs_mut().append_pair("x-id", "PutObject");
        let headers = vec![header("content-length", "1234"), header("content-type", "application/pdf")];
        let our_put = ours.presign(Method::PUT, url, headers, expires_in, time).await.expect("presign");
        assert_eq!(our_put.url.split('?').next(), sdk_put.uri().split('?').next(), "same object address");
        assert_eq!(query(&our_put.url), query(sdk_put.uri()), "same signed query");
        let sdk_headers: BTreeMap<String, String> =
            sdk_put.headers().map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned())).collect();
        assert_eq!(our_put.headers, sdk_headers, "the client is told the same headers");
        assert_eq!(our_put.expires_at, 1_790_000_600);
    }

    #[tokio::test]
    async fn presigned_urls_are_the_sdks_on_aws() {
        same_as_the_sdk(None, false).await;
    }

    #[tokio::test]
    async fn presigned_urls_are_the_sdks_on_a_local_endpoint_with_path_style() {
        same_as_the_sdk(Some("http://127.0.0.1:5000"), true).await;
    }

    /// An emulator at an IP address, path style not asked for: addressed by path, as the SDK
    /// does (a bucket cannot be a host under an IP address).
    #[tokio::test]
    async fn presigned_urls_are_the_sdks_on_an_ip_endpoint_without_path_style() {
        same_as_the_sdk(Some("http://127.0.0.1:5000"), false).await;
    }

    #[tokio::test]
    async fn presigned_urls_are_the_sdks_on_a_named_endpoint() {
        same_as_the_sdk(Some("https://s3.example.test"), false).await;
    }

    #[test]
    fn buckets_are_addressed_by_host_on_aws_and_by_path_on_an_emulator() {
        let aws = bucket_url(None, "eu-west-1", "uploads", false).expect("url");
        assert_eq!(aws.as_str(), "https://uploads.s3.eu-west-1.amazonaws.com/");
        let local = bucket_url(Some("http://127.0.0.1:5000"), "us-east-1", "uploads", true).expect("url");
        assert_eq!(local.as_str(), "http://127.0.0.1:5000/uploads/");
        let by_ip = bucket_url(Some("http://[::1]:5000"), "us-east-1", "uploads", false).expect("url");
        assert_eq!(by_ip.as_str(), "http://[::1]:5000/uploads/");
        let dotted = bucket_url(None, "eu-west-1", "my.uploads", false).expect("url");
        assert_eq!(dotted.as_str(), "https://s3.eu-west-1.amazonaws.com/my.uploads/");
    }

    #[test]
    fn failures_are_told_as_what_the_caller_can_do_about_them() {
        let service = |status: u16, code: &str| Failure::Service {
            status: StatusCode::from_u16(status).expect("status"),
            code: code.to_owned(),
            message: "m".to_owned(),
        };
        assert!(matches!(service(404, "NoSuchKey").into_blob_error("k"), BlobError::NotFound(k) if k == "k"));
        assert!(matches!(service(404, "").into_blob_error("k"), BlobError::NotFound(_)), "a HEAD's bodiless 404");
        assert!(matches!(service(503, "SlowDown").into_blob_error("k"), BlobError::Unavailable(_)));
        assert!(matches!(service(500, "").into_blob_error("k"), BlobError::Unavailable(_)));
        assert!(
            matches!(service(403, "AccessDenied").into_blob_error("k"), BlobError::Backend(m) if m.to_string().contains("AccessDenied"))
        );
        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let unavailable = Failure::Network(reset.into()).into_blob_error("k");
        let cause = std::error::Error::source(&unavailable).and_then(std::error::Error::source);
        assert!(cause.is_some_and(|c| c.is::<std::io::Error>()), "the network error stays the cause");
        assert!(matches!(unavailable, BlobError::Unavailable(_)));
        assert!(service(503, "SlowDown").is_transient() && !service(403, "AccessDenied").is_transient());
        assert!(!Failure::Signing("no credentials".into()).is_transient());
    }
}
