//! Access tokens, checked by every HTTP function: short-lived JWTs (HS256) naming the user.
//!
//! The signing keys are the secret `jwt-signing-key` (locally `JWT_SIGNING_KEY`): one or more
//! keys of 64 hex characters separated by commas. The first signs; all of them verify. Each
//! token names its key in the header (`kid`, a fingerprint of the key), so keys rotate without
//! signing anyone out: put the new key first, and drop the old one 15 minutes later. On the
//! embedded default without the secret, a random key is made once and kept in the data folder.
//!
//! [`AccessTokens::verify`] is stateless (a signature and a few claims). Routes use
//! [`AccessTokens::authenticate`], which also reads the account, so deleting it or signing out
//! everywhere takes effect at once rather than when the last token expires.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::App;
use crate::app::{decode_hex, local_key};
use crate::config::Backend;
use crate::error::Error;
use crate::model::UserId;
use crate::records::users;
use crate::secrets::SecretsError;
use crate::store::{Table, unix_now};

pub const JWT_SIGNING_SECRET: &str = "jwt-signing-key";
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
const ISSUER: &str = "r2w";
const AUDIENCE: &str = "r2w-api";
/// Clocks of the machines issuing and checking tokens may differ by this much.
const LEEWAY_SECS: i64 = 30;
/// The one algorithm a token may name. Signing and checking are HMAC-SHA256 over the token's
/// first two parts (RFC 7515, 7519), done here rather than by a JWT library: a library that
/// picks its verifier from the token's header links every algorithm it knows (RSA, EC, EdDSA:
/// about 460 KiB in each function, docs/benchmarks.md), and this way no header can ask for one.
const ALGORITHM: &str = "HS256";

/// A token's header, as we write it and as much as we read of one.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    typ: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
    jti: String,
    /// The account's session epoch when issued (see [`users::UserRecord::session_epoch`]).
    epoch: u32,
    /// The session (refresh-token family) the token was issued in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sid: Option<String>,
    /// When that session signed in (unix seconds; OpenID Connect's name for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    auth_time: Option<i64>,
}

/// The session a token is issued in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionClaims {
    pub id: String,
    /// Unix seconds.
    pub signed_in_at: i64,
}

/// What a valid token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub user: UserId,
    /// Unix seconds.
    pub issued_at: i64,
    /// The token's own id (`jti`), for logs and revocation lists.
    pub token_id: String,
    pub epoch: u32,
    /// The session it was issued in, for tokens issued by a sign-in.
    pub session: Option<SessionClaims>,
}

struct VerifyingKey {
    kid: String,
    /// HMAC-SHA256 keyed with the key, before any input: cloned for each token.
    mac: Hmac<Sha256>,
}

pub struct AccessTokens {
    /// The first of `verifying` signs.
    verifying: Vec<VerifyingKey>,
    lifetime: Duration,
}

impl AccessTokens {
    /// Tokens signed with `key` (at least 32 bytes).
    pub fn new(key: &[u8]) -> Result<Self, Error> {
        Self::with_keys(&[key.to_vec()])
    }

    /// Tokens signed with the first of `keys` and verified with any of them.
    pub fn with_keys(keys: &[Vec<u8>]) -> Result<Self, Error> {
        if keys.is_empty() {
            return Err(Error::Internal("no access-token key".into()));
        }
        if keys.iter().any(|k| k.len() < 32) {
            return Err(Error::Internal("an access-token key must be at least 32 bytes".into()));
        }
        let keyed = |key: &Vec<u8>| {
            let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
                .map_err(|e| Error::Internal(format!("an access-token key cannot key HMAC: {e}")))?;
            Ok(VerifyingKey { kid: key_id(key), mac })
        };
        Ok(Self { verifying: keys.iter().map(keyed).collect::<Result<_, Error>>()?, lifetime: ACCESS_TOKEN_LIFETIME })
    }

    /// Tokens that last `lifetime` instead of [`ACCESS_TOKEN_LIFETIME`].
    pub fn lasting(self, lifetime: Duration) -> Self {
        Self { lifetime, ..self }
    }

    /// How long a token issued now lasts.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// The keys from the app's secrets (or, embedded, the data folder).
    pub async fn for_app(app: &App) -> Result<Self, Error> {
        Ok(Self::keys_for_app(app).await?.lasting(app.config.access_token_lifetime))
    }

    async fn keys_for_app(app: &App) -> Result<Self, Error> {
        match app.secrets.get(JWT_SIGNING_SECRET).await {
            Ok(value) => {
                let keys: Option<Vec<Vec<u8>>> =
                    value.expose_secret().split(',').map(|k| decode_hex(k.trim())).collect();
                Self::with_keys(&keys.ok_or_else(|| {
                    Error::Internal("JWT_SIGNING_KEY must be keys of 64 hexadecimal characters, comma-separated".into())
                })?)
            }
            Err(SecretsError::NotFound(_)) => match &app.config.backend {
                Backend::Embedded { data_dir } => Self::new(&local_key(data_dir, "access-token.key")?),
                Backend::Aws(_) => Err(Error::Internal(format!("the secret {JWT_SIGNING_SECRET} is not configured"))),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// A token for `user` in session epoch `epoch`, valid from `now` (unix seconds) for
    /// [`Self::lifetime`].
    pub fn issue(&self, user: &UserId, epoch: u32, now: i64) -> Result<String, Error> {
        self.issue_in(user, epoch, now, None)
    }

    /// A token as [`Self::issue`], naming the session it belongs to.
    pub fn issue_in(
        &self,
        user: &UserId,
        epoch: u32,
        now: i64,
        session: Option<&SessionClaims>,
    ) -> Result<String, Error> {
        let claims = Claims {
            sid: session.map(|s| s.id.clone()),
            auth_time: session.map(|s| s.signed_in_at),
            sub: user.to_string(),
            iat: now,
            exp: now + self.lifetime.as_secs() as i64,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            jti: uuid::Uuid::new_v4().simple().to_string(),
            epoch,
        };
        let signing = self.verifying.first().ok_or_else(|| Error::Internal("no access-token key".into()))?;
        let header = Header { alg: ALGORITHM.into(), typ: Some("JWT".into()), kid: Some(signing.kid.clone()) };
        let json = |value: Result<Vec<u8>, serde_json::Error>| {
            value.map(|json| URL_SAFE_NO_PAD.encode(json)).map_err(|e| Error::internal("writing an access token", e))
        };
        let signing_input = format!("{}.{}", json(serde_json::to_vec(&header))?, json(serde_json::to_vec(&claims))?);
        let mut mac = signing.mac.clone();
        mac.update(signing_input.as_bytes());
        Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())))
    }

    /// What the token says, if it is ours (HS256 with one of our keys, named by its `kid`),
    /// unexpired and unaltered. Anything else — `alg: none`, another algorithm, another issuer
    /// or audience — is [`Error::Unauthorized`].
    pub fn verify(&self, token: &str) -> Result<Verified, Error> {
        self.verify_at(token, unix_now())
    }

    fn verify_at(&self, token: &str, now: i64) -> Result<Verified, Error> {
        let (signing_input, signature) = token.rsplit_once('.').ok_or(Error::Unauthorized)?;
        let (header, payload) = signing_input.split_once('.').ok_or(Error::Unauthorized)?;
        if payload.contains('.') {
            return Err(Error::Unauthorized);
        }
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| Error::Unauthorized);
        let header: Header = serde_json::from_slice(&decode(header)?).map_err(|_| Error::Unauthorized)?;
        if header.alg != ALGORITHM {
            return Err(Error::Unauthorized);
        }
        let kid = header.kid.ok_or(Error::Unauthorized)?;
        let key = self.verifying.iter().find(|k| k.kid == kid).ok_or(Error::Unauthorized)?;
        let mut mac = key.mac.clone();
        mac.update(signing_input.as_bytes());
        // Compared in constant time.
        mac.verify_slice(&decode(signature)?).map_err(|_| Error::Unauthorized)?;
        // Only now is the payload ours to read.
        let claims: Claims = serde_json::from_slice(&decode(payload)?).map_err(|_| Error::Unauthorized)?;
        let current = claims.exp + LEEWAY_SECS >= now;
        if !current || claims.iss != ISSUER || claims.aud != AUDIENCE {
            return Err(Error::Unauthorized);
        }
        Ok(Verified {
            user: UserId::parse(claims.sub).map_err(|_| Error::Unauthorized)?,
            issued_at: claims.iat,
            token_id: claims.jti,
            epoch: claims.epoch,
            session: match (claims.sid, claims.auth_time) {
                (Some(id), Some(signed_in_at)) => Some(SessionClaims { id, signed_in_at }),
                _ => None,
            },
        })
    }

    /// The token in `Authorization: Bearer …`, verified (stateless).
    pub fn verify_request<B>(&self, request: &http::Request<B>) -> Result<Verified, Error> {
        let header = request.headers().get("authorization").and_then(|v| v.to_str().ok()).ok_or(Error::Unauthorized)?;
        let (scheme, token) = header.split_once(' ').ok_or(Error::Unauthorized)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(Error::Unauthorized);
        }
        self.verify(token.trim())
    }

    /// The user behind the request: a valid token whose account still exists, is not being
    /// deleted, and has not signed out everywhere since the token was issued.
    pub async fn authenticate<B: Sync>(&self, table: &dyn Table, request: &http::Request<B>) -> Result<UserId, Error> {
        Ok(self.authenticate_account(table, request).await?.0.user)
    }

    /// As [`Self::authenticate`], with everything the token says and the account it read.
    pub async fn authenticate_account<B: Sync>(
        &self,
        table: &dyn Table,
        request: &http::Request<B>,
    ) -> Result<(Verified, users::UserRecord), Error> {
        let verified = self.verify_request(request)?;
        let account = users::load(table, &verified.user).await?.ok_or(Error::Unauthorized)?;
        if account.deleting || account.session_epoch != verified.epoch {
            return Err(Error::Unauthorized);
        }
        Ok((verified, account))
    }
}

/// A key's public name: the start of its SHA-256, which says nothing about the key itself.
fn key_id(key: &[u8]) -> String {
    Sha256::digest(key)[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::store::unix_now;

    const KEY: [u8; 32] = [7u8; 32];

    /// A token made by hand: any header, any claims, signed with HMAC-SHA256 over `key`.
    fn hand_made(header: serde_json::Value, claims: serde_json::Value, key: &[u8]) -> String {
        let signing_input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
        mac.update(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    fn claims(user: &UserId) -> serde_json::Value {
        let now = unix_now();
        json!({"sub": user.as_str(), "iat": now, "exp": now + 600, "iss": ISSUER, "aud": AUDIENCE, "jti": "j1", "epoch": 0})
    }

    #[test]
    fn a_token_names_its_user_until_it_expires() {
        let tokens = AccessTokens::new(&KEY).expect("key");
        let user = UserId::random();
        let token = tokens.issue(&user, 0, unix_now()).expect("token");
        let verified = tokens.verify(&token).expect("valid");
        assert_eq!(verified.user, user);
        assert_eq!(verified.session, None);
        let session = SessionClaims { id: "family".into(), signed_in_at: 1_700_000_000 };
        let in_session = tokens.issue_in(&user, 0, unix_now(), Some(&session)).expect("token");
        assert_eq!(tokens.verify(&in_session).expect("valid").session, Some(session));
        assert_eq!(verified.token_id.len(), 32, "every token has its own id");
        assert_ne!(
            tokens.verify(&tokens.issue(&user, 0, unix_now()).expect("token")).expect("valid").token_id,
            verified.token_id
        );

        let expired = tokens.issue(&user, 0, unix_now() - 3600).expect("token");
        assert!(matches!(tokens.verify(&expired), Err(Error::Unauthorized)));
        let other_key = AccessTokens::new(&[8u8; 32]).expect("key");
        assert!(matches!(other_key.verify(&token), Err(Error::Unauthorized)), "forged");
        let mut tampered = token.clone();
        tampered.replace_range(token.len() - 3.., "AAA");
        assert!(matches!(tokens.verify(&tampered), Err(Error::Unauthorized)));
        assert!(matches!(tokens.verify("not.a.token"), Err(Error::Unauthorized)));
        assert!(AccessTokens::new(b"short").is_err());
    }

    #[test]
    fn only_our_algorithm_issuer_and_audience_pass() {
        let tokens = AccessTokens::new(&KEY).expect("key");
        let user = UserId::random();
        let kid = key_id(&KEY);
        let good = hand_made(json!({"alg": "HS256", "typ": "JWT", "kid": kid}), claims(&user), &KEY);
        assert_eq!(tokens.verify(&good).expect("the hand-made reference passes").user, user);

        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(json!({"alg": "none", "kid": kid}).to_string()),
            URL_SAFE_NO_PAD.encode(claims(&user).to_string())
        );
        let mut wrong_iss = claims(&user);
        wrong_iss["iss"] = json!("someone-else");
        let mut wrong_aud = claims(&user);
        wrong_aud["aud"] = json!("another-api");
        let mut no_iat = claims(&user);
        no_iat.as_object_mut().expect("object").remove("iat");
        let refused = [
            ("alg none", unsigned),
            ("HS384 with our key", hand_made(json!({"alg": "HS384", "kid": kid}), claims(&user), &KEY)),
            ("RS256 header, HMAC body", hand_made(json!({"alg": "RS256", "kid": kid}), claims(&user), &KEY)),
            ("no kid", hand_made(json!({"alg": "HS256"}), claims(&user), &KEY)),
            ("unknown kid", hand_made(json!({"alg": "HS256", "kid": "0011223344556677"}), claims(&user), &KEY)),
            ("wrong issuer", hand_made(json!({"alg": "HS256", "kid": kid}), wrong_iss, &KEY)),
            ("wrong audience", hand_made(json!({"alg": "HS256", "kid": kid}), wrong_aud, &KEY)),
            ("no iat", hand_made(json!({"alg": "HS256", "kid": kid}), no_iat, &KEY)),
        ];
        for (what, token) in refused {
            assert!(matches!(tokens.verify(&token), Err(Error::Unauthorized)), "{what} must be refused");
        }
    }

    #[test]
    fn keys_rotate_without_signing_anyone_out() {
        let old = AccessTokens::new(&KEY).expect("old key");
        let user = UserId::random();
        let before = old.issue(&user, 0, unix_now()).expect("token");
        let rotated = AccessTokens::with_keys(&[vec![9u8; 32], KEY.to_vec()]).expect("new key first");
        assert_eq!(rotated.verify(&before).expect("old tokens still pass").user, user);
        let after = rotated.issue(&user, 0, unix_now()).expect("token");
        assert!(matches!(old.verify(&after), Err(Error::Unauthorized)), "signed with the new key");
        let header = after.split('.').next().and_then(|h| URL_SAFE_NO_PAD.decode(h).ok()).expect("header");
        let header: Header = serde_json::from_slice(&header).expect("header");
        assert_eq!(header.kid.as_deref(), Some(key_id(&[9u8; 32]).as_str()));
    }

    /// What we issue, a JWT library reads as a valid HS256 token with our claims; what it
    /// issues with our key and claims, we accept. The format is the standard one.
    #[test]
    fn tokens_are_standard_jwts_both_ways() {
        use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Validation};
        let tokens = AccessTokens::new(&KEY).expect("key");
        let user = UserId::random();
        let ours = tokens.issue(&user, 3, unix_now()).expect("token");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        let read = jsonwebtoken::decode::<serde_json::Value>(&ours, &DecodingKey::from_secret(&KEY), &validation)
            .expect("a library reads our token");
        assert_eq!(read.claims["sub"], json!(user.as_str()));
        assert_eq!(read.claims["epoch"], json!(3));
        assert_eq!(read.header.kid.as_deref(), Some(key_id(&KEY).as_str()));

        let header = jsonwebtoken::Header { kid: Some(key_id(&KEY)), ..jsonwebtoken::Header::new(Algorithm::HS256) };
        let theirs = jsonwebtoken::encode(&header, &claims(&user), &EncodingKey::from_secret(&KEY)).expect("token");
        assert_eq!(tokens.verify(&theirs).expect("we read a library's token").user, user);
    }

    #[test]
    fn expiry_allows_the_clock_leeway_and_no_more() {
        let tokens = AccessTokens::new(&KEY).expect("key");
        let user = UserId::random();
        let token = tokens.issue(&user, 0, 1_800_000_000).expect("token");
        let expires = 1_800_000_000 + ACCESS_TOKEN_LIFETIME.as_secs() as i64;
        assert!(tokens.verify_at(&token, expires + LEEWAY_SECS).is_ok());
        assert!(matches!(tokens.verify_at(&token, expires + LEEWAY_SECS + 1), Err(Error::Unauthorized)));
        for malformed in ["", "a.b", "a.b.c.d", "....", &format!("{token}."), &format!("{token}x")] {
            assert!(matches!(tokens.verify(malformed), Err(Error::Unauthorized)), "{malformed:?}");
        }
    }
}
