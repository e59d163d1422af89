//! Presigned blob URLs (the local S3 stand-in): a request verifies only when it is the request
//! that was signed — same method, store, key, content type and length, before expiry — however
//! the fuzzer bends the query string and headers.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use r2w_core::store::{BlobKey, ReceivedRequest, UrlSigner};
use secrecy::SecretSlice;

const NOW: i64 = 1_800_000_000;

#[derive(Debug, Arbitrary)]
struct Case<'a> {
    signed_key: &'a str,
    signed_type: &'a str,
    signed_length: u32,
    lifetime: u16,
    put: bool,
    /// The request as received; `None` fields are those of the signed request.
    method: Option<&'a str>,
    store: Option<&'a str>,
    key: Option<&'a str>,
    query: Option<&'a str>,
    /// Appended to the signed query string.
    query_suffix: &'a str,
    content_type: Option<Option<&'a str>>,
    content_length: Option<Option<u64>>,
    now_offset: i32,
}

fuzz_target!(|case: Case<'_>| {
    let Ok(signed_key) = BlobKey::parse(case.signed_key) else { return };
    let base = url::Url::parse("http://127.0.0.1:8080/").expect("url");
    let signer = UrlSigner::new(SecretSlice::from(vec![3u8; 32]), base).expect("signer");
    let expires_at = NOW + i64::from(case.lifetime);
    let length = u64::from(case.signed_length);
    let signed = if case.put {
        signer.sign_put("uploads", &signed_key, case.signed_type, length, expires_at)
    } else {
        signer.sign_get("uploads", &signed_key, expires_at)
    };
    let url = url::Url::parse(&signed.url).expect("a signed URL parses");
    let signed_query = format!("{}{}", url.query().unwrap_or_default(), case.query_suffix);
    let method = case.method.unwrap_or(if case.put { "PUT" } else { "GET" });
    let received = ReceivedRequest {
        method,
        store: case.store.unwrap_or("uploads"),
        key: case.key.unwrap_or(signed_key.as_str()),
        query: case.query.unwrap_or(&signed_query),
        content_type: case.content_type.unwrap_or(Some(case.signed_type)),
        content_length: case.content_length.unwrap_or(Some(length)),
    };
    let now = NOW + i64::from(case.now_offset);
    if signer.verify(received, now).is_ok() {
        assert_eq!(received.store, "uploads");
        assert_eq!(received.key, signed_key.as_str());
        assert!(now <= expires_at, "expired URLs are refused");
        if case.put {
            assert_eq!(method, "PUT");
            assert_eq!(received.content_type, Some(case.signed_type));
            assert_eq!(received.content_length, Some(length));
        } else {
            assert!(matches!(method, "GET" | "HEAD"), "a GET URL opens nothing else: {method}");
        }
    }
});
