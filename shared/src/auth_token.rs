//! Access tokens, checked by every HTTP function: short-lived JWTs (HS256) naming the user.
//!
//! The signing key is the secret `jwt-signing-key` (64 hex characters; locally
//! `JWT_SIGNING_KEY`). On the embedded default without one, a random key is made once and kept
//! in the data folder, like the blob signing key.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lambda_http::Request;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::app::{decode_hex, local_key};
use crate::config::Backend;
use crate::error::Error;
use crate::model::UserId;
use crate::secrets::SecretsError;

pub const JWT_SIGNING_SECRET: &str = "jwt-signing-key";
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
const ISSUER: &str = "r2w";
const AUDIENCE: &str = "r2w-api";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
}

pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl AccessTokens {
    /// Tokens signed with `key` (at least 32 bytes).
    pub fn new(key: &[u8]) -> Result<Self, Error> {
        if key.len() < 32 {
            return Err(Error::Internal("the access-token key must be at least 32 bytes".into()));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.leeway = 30;
        Ok(Self { encoding: EncodingKey::from_secret(key), decoding: DecodingKey::from_secret(key), validation })
    }

    /// The key from the app's secrets (or, embedded, the data folder).
    pub async fn for_app(app: &App) -> Result<Self, Error> {
        match app.secrets.get(JWT_SIGNING_SECRET).await {
            Ok(hex) => Self::new(
                &decode_hex(hex.expose_secret())
                    .ok_or_else(|| Error::Internal("JWT_SIGNING_KEY must be 64 hexadecimal characters".into()))?,
            ),
            Err(SecretsError::NotFound(_)) => match &app.config.backend {
                Backend::Embedded { data_dir } => Self::new(&local_key(data_dir, "access-token.key")?),
                Backend::Aws(_) => Err(Error::Internal(format!("the secret {JWT_SIGNING_SECRET} is not configured"))),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// A token for `user`, valid from `now` (unix seconds) for [`ACCESS_TOKEN_LIFETIME`].
    pub fn issue(&self, user: &UserId, now: i64) -> Result<String, Error> {
        let claims = Claims {
            sub: user.to_string(),
            iat: now,
            exp: now + ACCESS_TOKEN_LIFETIME.as_secs() as i64,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| Error::Internal(format!("signing an access token: {e}")))
    }

    /// The user a token names, if it is ours, unexpired and unaltered.
    pub fn verify(&self, token: &str) -> Result<UserId, Error> {
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|_| Error::Unauthorized)?;
        UserId::parse(data.claims.sub).map_err(|_| Error::Unauthorized)
    }

    /// The user behind `Authorization: Bearer …`.
    pub fn user_of(&self, request: &Request) -> Result<UserId, Error> {
        let header = request.headers().get("authorization").and_then(|v| v.to_str().ok()).ok_or(Error::Unauthorized)?;
        let (scheme, token) = header.split_once(' ').ok_or(Error::Unauthorized)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(Error::Unauthorized);
        }
        self.verify(token.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::unix_now;

    #[test]
    fn a_token_names_its_user_until_it_expires() {
        let tokens = AccessTokens::new(&[7u8; 32]).expect("key");
        let user = UserId::random();
        let token = tokens.issue(&user, unix_now()).expect("token");
        assert_eq!(tokens.verify(&token).expect("valid"), user);

        let expired = tokens.issue(&user, unix_now() - 3600).expect("token");
        assert!(matches!(tokens.verify(&expired), Err(Error::Unauthorized)));
        let other_key = AccessTokens::new(&[8u8; 32]).expect("key");
        assert!(matches!(other_key.verify(&token), Err(Error::Unauthorized)), "forged");
        let mut tampered = token.clone();
        tampered.replace_range(token.len() - 3.., "AAA");
        assert!(matches!(tokens.verify(&tampered), Err(Error::Unauthorized)));
        assert!(matches!(tokens.verify("not.a.token"), Err(Error::Unauthorized)));
        assert!(AccessTokens::new(b"short").is_err());
    }
}
