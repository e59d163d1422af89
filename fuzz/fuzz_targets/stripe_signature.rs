//! The `Stripe-Signature` header (POST /v1/payments/webhook): any header and body is a verdict,
//! never a panic; a forged header never verifies, and one signed as Stripe signs always does.
#![no_main]

use hmac::{Hmac, KeyInit, Mac};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use r2w_stripe_webhook::signature::{TOLERANCE_SECS, verify};
use secrecy::SecretString;
use sha2::Sha256;

const SECRET: &str = "whsec_fuzzing0000000000000000000000";
const NOW: i64 = 1_800_000_000;

#[derive(Debug, Arbitrary)]
struct Delivery<'a> {
    header: &'a str,
    body: &'a [u8],
    /// Seconds between signing and receiving.
    age: i16,
    /// Whether the fuzzer's header is used, or one signed with our secret around it.
    signed_by_stripe: bool,
}

fuzz_target!(|delivery: Delivery<'_>| {
    let secrets = [SecretString::from(SECRET.to_owned())];
    if !delivery.signed_by_stripe {
        // The fuzzer cannot know the secret: whatever it sends must not verify.
        assert!(verify(Some(delivery.header), delivery.body, &secrets, NOW).is_err());
        return;
    }
    let timestamp = NOW - i64::from(delivery.age);
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(delivery.body);
    let signature: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    // Stripe may add other schemes and test signatures around ours.
    let clean = delivery.header.replace([',', '='], "");
    let header = format!("t={timestamp},v1={signature},v0={clean}");
    let verdict = verify(Some(&header), delivery.body, &secrets, NOW);
    if (NOW - timestamp).abs() <= TOLERANCE_SECS {
        assert_eq!(verdict, Ok(timestamp));
    } else {
        assert!(verdict.is_err(), "a stale signature is refused");
    }
});
