//! `Stripe-Signature` verification as Stripe specifies it: the header carries a timestamp `t`
//! and one or more `v1` signatures (several while an endpoint's secret is being rolled); each
//! is HMAC-SHA256, keyed by the endpoint's signing secret, over `{t}.{raw body}`. The event is
//! genuine when any `v1` matches any of our secrets (constant-time comparison) and `t` is
//! within the tolerance of now. The body must be the bytes Stripe sent: parsing and
//! re-serialising the JSON first would change them.

use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// Stripe's libraries' default: an older signature may be a replay.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header has no timestamp or no v1 signature")]
    Malformed,
    #[error("the signature's timestamp is outside the {TOLERANCE_SECS} s tolerance")]
    Stale,
    #[error("no signature matches the payload")]
    NoMatch,
}

/// The endpoint's signing secrets from their configured value: one, or several
/// comma-separated while one is being rolled. Blank entries are dropped.
pub fn signing_secrets(value: &SecretString) -> Vec<SecretString> {
    value
        .expose_secret()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| SecretString::from(s.to_owned()))
        .collect()
}

/// Checks `header` against `body` for any of `secrets`; returns the signed timestamp.
pub fn verify(header: Option<&str>, body: &[u8], secrets: &[SecretString], now: i64) -> Result<i64, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    // Before the MAC, so a stale replay costs one comparison of integers.
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    for secret in secrets {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.expose_secret().as_bytes())
            .map_err(|_| SignatureError::NoMatch)?;
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        for signature in &signatures {
            if mac.clone().verify_slice(signature).is_ok() {
                return Ok(timestamp);
            }
        }
    }
    Err(SignatureError::NoMatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, t: i64, body: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    fn secrets(values: &[&str]) -> Vec<SecretString> {
        values.iter().map(|v| SecretString::from(v.to_string())).collect()
    }

    #[test]
    fn any_v1_under_any_secret_verifies_and_nothing_else_does() {
        let body = br#"{"id":"evt_1"}"#;
        let header = format!("t=1000,v1={},v0=ignored,v1={}", sign("whsec_old", 1000, body), "00ff");
        assert_eq!(verify(Some(&header), body, &secrets(&["whsec_new", "whsec_old"]), 1100), Ok(1000));
        assert_eq!(verify(Some(&header), body, &secrets(&["whsec_new"]), 1100), Err(SignatureError::NoMatch));
        assert_eq!(
            verify(Some(&header), b"{\"id\":\"evt_2\"}", &secrets(&["whsec_old"]), 1100),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(verify(Some(&header), body, &secrets(&["whsec_old"]), 1301), Err(SignatureError::Stale));
        assert_eq!(verify(Some(&header), body, &secrets(&["whsec_old"]), 699), Err(SignatureError::Stale));
        assert_eq!(verify(None, body, &secrets(&["whsec_old"]), 1000), Err(SignatureError::Missing));
        assert_eq!(verify(Some("t=1000"), body, &secrets(&["whsec_old"]), 1000), Err(SignatureError::Malformed));
        assert_eq!(verify(Some("v1=abcd"), body, &secrets(&["whsec_old"]), 1000), Err(SignatureError::Malformed));
        assert_eq!(verify(Some("t=x,v1=zz"), body, &secrets(&["whsec_old"]), 1000), Err(SignatureError::Malformed));
    }
}
