//! Access tokens (every authenticated route): any string is a verdict, never a panic. Tokens
//! whose parts the fuzzer writes and our key signs reach the claims checks: one verifies only
//! when it is HS256 with our key id and its claims are all there and valid.
#![no_main]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use r2w_core::auth_token::AccessTokens;
use sha2::Sha256;

const KEY: [u8; 32] = [7; 32];

#[derive(Debug, Arbitrary)]
enum Token<'a> {
    Raw(&'a str),
    /// Header and claims as the fuzzer writes them, signed with our key.
    Signed {
        header: &'a [u8],
        claims: &'a [u8],
    },
}

fuzz_target!(|token: Token<'_>| {
    let tokens = AccessTokens::new(&KEY).expect("a 32-byte key");
    match token {
        Token::Raw(raw) => {
            assert!(tokens.verify(raw).is_err(), "an unsigned token never verifies: {raw:?}");
        }
        Token::Signed { header, claims } => {
            let signing_input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims));
            let mut mac = Hmac::<Sha256>::new_from_slice(&KEY).expect("any key length");
            mac.update(signing_input.as_bytes());
            let token = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()));
            if let Ok(verified) = tokens.verify(&token) {
                let header: serde_json::Value = serde_json::from_slice(header).expect("a verified header is JSON");
                assert_eq!(header["alg"], "HS256");
                let claims: serde_json::Value = serde_json::from_slice(claims).expect("verified claims are JSON");
                assert_eq!(claims["sub"].as_str(), Some(verified.user.as_str()));
                for claim in ["exp", "iat", "iss", "aud"] {
                    assert!(!claims[claim].is_null(), "{claim} is required");
                }
            }
        }
    }
});
