//! Presigned URLs for the folder adapter: the local server's blob endpoint accepts a PUT or GET
//! only with a valid HMAC-SHA256 signature over method, store, key, expiry and (for PUT) the
//! exact content type and length — the same guarantees an S3 presigned URL gives.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;
use url::Url;

use super::blobs::{BlobKey, PresignedRequest};

/// The path under the server's base URL where blob requests arrive: `/_blobs/{store}/{key}`.
pub const BLOB_ENDPOINT_PREFIX: &str = "/_blobs/";

pub struct UrlSigner {
    key: SecretSlice<u8>,
    base_url: Url,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresignError {
    #[error("the URL is not a presigned blob URL")]
    Malformed,
    #[error("the URL has expired")]
    Expired,
    #[error("the signature does not match")]
    BadSignature,
    #[error("the request does not match what was signed ({0})")]
    Mismatch(&'static str),
}

/// What the blob endpoint received, to be checked against the signature.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    pub method: &'a str,
    pub store: &'a str,
    pub key: &'a str,
    /// The raw query string, without the `?`.
    pub query: &'a str,
    pub content_type: Option<&'a str>,
    pub content_length: Option<u64>,
}

impl UrlSigner {
    /// `key` must hold at least 32 random bytes.
    pub fn new(key: SecretSlice<u8>, base_url: Url) -> Result<Self, PresignError> {
        if key.expose_secret().len() < 32 {
            return Err(PresignError::Malformed);
        }
        Ok(Self { key, base_url })
    }

    pub fn sign_put(
        &self,
        store: &str,
        key: &BlobKey,
        content_type: &str,
        content_length: u64,
        expires_at: i64,
    ) -> PresignedRequest {
        let signature = self.signature("PUT", store, key.as_str(), expires_at, content_type, Some(content_length));
        let url = self.url(
            store,
            key,
            &[
                ("expires", expires_at.to_string()),
                ("ct", content_type.to_owned()),
                ("len", content_length.to_string()),
                ("sig", signature),
            ],
        );
        let headers = BTreeMap::from([
            ("content-type".to_owned(), content_type.to_owned()),
            ("content-length".to_owned(), content_length.to_string()),
        ]);
        PresignedRequest { method: "PUT".into(), url, headers, expires_at }
    }

    pub fn sign_get(&self, store: &str, key: &BlobKey, expires_at: i64) -> PresignedRequest {
        let signature = self.signature("GET", store, key.as_str(), expires_at, "", None);
        let url = self.url(store, key, &[("expires", expires_at.to_string()), ("sig", signature)]);
        PresignedRequest { method: "GET".into(), url, headers: BTreeMap::new(), expires_at }
    }

    /// Checks a received request: signature first (constant time), then expiry, then that the
    /// body is what was signed. `now` is Unix seconds.
    pub fn verify(&self, request: ReceivedRequest<'_>, now: i64) -> Result<(), PresignError> {
        let params: BTreeMap<String, String> =
            url::form_urlencoded::parse(request.query.as_bytes()).into_owned().collect();
        let param = |name: &str| params.get(name).map(String::as_str);
        let expires_at: i64 = param("expires").and_then(|v| v.parse().ok()).ok_or(PresignError::Malformed)?;
        let signature = param("sig").and_then(|s| URL_SAFE_NO_PAD.decode(s).ok()).ok_or(PresignError::Malformed)?;
        let (content_type, length) = match request.method {
            "PUT" => {
                let length: u64 = param("len").and_then(|v| v.parse().ok()).ok_or(PresignError::Malformed)?;
                (param("ct").ok_or(PresignError::Malformed)?, Some(length))
            }
            "GET" | "HEAD" => ("", None),
            _ => return Err(PresignError::Malformed),
        };
        let signed_method = if request.method == "HEAD" { "GET" } else { request.method };
        let mut mac = self.mac();
        mac.update(canonical(signed_method, request.store, request.key, expires_at, content_type, length).as_bytes());
        mac.verify_slice(&signature).map_err(|_| PresignError::BadSignature)?;
        if now > expires_at {
            return Err(PresignError::Expired);
        }
        if let Some(length) = length {
            if request.content_type != Some(content_type) {
                return Err(PresignError::Mismatch("content type"));
            }
            if request.content_length != Some(length) {
                return Err(PresignError::Mismatch("content length"));
            }
        }
        Ok(())
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length; `new` checked it is long enough to be secure.
        <Hmac<Sha256> as KeyInit>::new_from_slice(self.key.expose_secret())
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
    }

    fn signature(
        &self,
        method: &str,
        store: &str,
        key: &str,
        expires_at: i64,
        content_type: &str,
        length: Option<u64>,
    ) -> String {
        let mut mac = self.mac();
        mac.update(canonical(method, store, key, expires_at, content_type, length).as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    fn url(&self, store: &str, key: &BlobKey, query: &[(&str, String)]) -> String {
        let mut url = self.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push(BLOB_ENDPOINT_PREFIX.trim_matches('/')).push(store);
            for segment in key.segments() {
                path.push(segment);
            }
        }
        url.query_pairs_mut().clear().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        url.to_string()
    }
}

/// Newline-separated; none of the parts can hold a newline (keys and content types are checked).
fn canonical(method: &str, store: &str, key: &str, expires_at: i64, content_type: &str, length: Option<u64>) -> String {
    let length = length.map(|l| l.to_string()).unwrap_or_default();
    format!("R2W-BLOB-V1\n{method}\n{store}\n{key}\n{expires_at}\n{content_type}\n{length}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> UrlSigner {
        UrlSigner::new(SecretSlice::from(vec![7u8; 32]), Url::parse("http://127.0.0.1:8080/").expect("url"))
            .expect("signer")
    }

    fn received<'a>(url: &'a Url, method: &'a str, ct: Option<&'a str>, len: Option<u64>) -> ReceivedRequest<'a> {
        let path = url.path().strip_prefix(BLOB_ENDPOINT_PREFIX).expect("blob path");
        let (store, key) = path.split_once('/').expect("store/key");
        ReceivedRequest { method, store, key, query: url.query().unwrap_or(""), content_type: ct, content_length: len }
    }

    #[test]
    fn a_signed_put_verifies_until_it_expires() {
        let key = BlobKey::parse("uploads/u1/cv.pdf").expect("key");
        let signed = signer().sign_put("uploads", &key, "application/pdf", 1234, 1_000);
        let url = Url::parse(&signed.url).expect("url");
        let ok = received(&url, "PUT", Some("application/pdf"), Some(1234));
        assert_eq!(signer().verify(ok, 999), Ok(()));
        assert_eq!(signer().verify(ok, 1_001), Err(PresignError::Expired));
    }

    #[test]
    fn tampering_with_anything_signed_fails() {
        let key = BlobKey::parse("uploads/u1/cv.pdf").expect("key");
        let signed = signer().sign_put("uploads", &key, "application/pdf", 1234, 1_000);
        let url = Url::parse(&signed.url).expect("url");
        let mut req = received(&url, "PUT", Some("application/pdf"), Some(1234));
        req.key = "uploads/u2/cv.pdf";
        assert_eq!(signer().verify(req, 0), Err(PresignError::BadSignature));
        let later = url.query().unwrap_or("").replace("expires=1000", "expires=9999");
        let req = ReceivedRequest { query: &later, ..received(&url, "PUT", Some("application/pdf"), Some(1234)) };
        assert_eq!(signer().verify(req, 0), Err(PresignError::BadSignature));
        let bigger = url.query().unwrap_or("").replace("len=1234", "len=99999999");
        let req = ReceivedRequest { query: &bigger, ..received(&url, "PUT", Some("application/pdf"), Some(99999999)) };
        assert_eq!(signer().verify(req, 0), Err(PresignError::BadSignature));
        let other_key =
            UrlSigner::new(SecretSlice::from(vec![8u8; 32]), Url::parse("http://x/").expect("url")).expect("signer");
        assert_eq!(
            other_key.verify(received(&url, "PUT", Some("application/pdf"), Some(1234)), 0),
            Err(PresignError::BadSignature)
        );
    }

    #[test]
    fn the_body_must_match_what_was_signed() {
        let key = BlobKey::parse("uploads/u1/cv.pdf").expect("key");
        let signed = signer().sign_put("uploads", &key, "application/pdf", 1234, 1_000);
        let url = Url::parse(&signed.url).expect("url");
        let wrong_type = received(&url, "PUT", Some("text/html"), Some(1234));
        assert_eq!(signer().verify(wrong_type, 0), Err(PresignError::Mismatch("content type")));
        let wrong_len = received(&url, "PUT", Some("application/pdf"), Some(5));
        assert_eq!(signer().verify(wrong_len, 0), Err(PresignError::Mismatch("content length")));
    }

    #[test]
    fn a_get_url_does_not_allow_a_put() {
        let key = BlobKey::parse("uploads/u1/cv.pdf").expect("key");
        let signed = signer().sign_get("uploads", &key, 1_000);
        let url = Url::parse(&signed.url).expect("url");
        assert_eq!(signer().verify(received(&url, "GET", None, None), 0), Ok(()));
        assert_eq!(signer().verify(received(&url, "PUT", Some("a/b"), Some(1)), 0), Err(PresignError::Malformed));
        assert!(signer().verify(received(&url, "DELETE", None, None), 0).is_err());
    }

    #[test]
    fn short_keys_are_refused() {
        let short = UrlSigner::new(SecretSlice::from(vec![1u8; 16]), Url::parse("http://x/").expect("url"));
        assert!(short.is_err());
    }
}
