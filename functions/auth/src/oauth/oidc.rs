//! OpenID Connect providers: discovery, the provider's signing keys, and the ID token check
//! (OpenID Connect Core 1.0 §3.1.3.7).

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use r2w_core::Error;
use r2w_core::model::Email;
use r2w_core::records::users::Identity;
use serde::Deserialize;
use tokio::sync::RwLock;
use url::Url;

use super::{Exchange, Problem, read_json};
use crate::accounts::ProviderProfile;

const DISCOVERY_TTL: Duration = Duration::from_secs(24 * 3600);
const KEYS_TTL: Duration = Duration::from_secs(3600);
/// An unknown `kid` refetches the keys (the provider rotated), at most this often.
const KEYS_MIN_REFRESH: Duration = Duration::from_secs(60);
const CLOCK_LEEWAY_SECS: u64 = 60;
/// Signatures a provider may use; never HMAC (our client secret is not a signing key) or none.
const ALGORITHMS: [Algorithm; 6] =
    [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256, Algorithm::ES256, Algorithm::ES384];

#[derive(Debug, Clone, Deserialize)]
pub(super) struct Discovery {
    issuer: String,
    pub(super) authorization_endpoint: Url,
    token_endpoint: Url,
    jwks_uri: Url,
    #[serde(default)]
    userinfo_endpoint: Option<Url>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    id_token: String,
}

#[derive(Deserialize)]
struct IdClaims {
    sub: String,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(flatten)]
    person: Person,
}

/// What an ID token or the userinfo endpoint says about the person.
#[derive(Deserialize, Default)]
struct Person {
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<Verified>,
    #[serde(default)]
    name: Option<String>,
}

/// `email_verified` is a boolean in the spec; some providers send the string "true".
#[derive(Deserialize)]
#[serde(untagged)]
enum Verified {
    Bool(bool),
    Text(String),
}

impl Verified {
    fn is_true(&self) -> bool {
        match self {
            Self::Bool(b) => *b,
            Self::Text(t) => t == "true",
        }
    }
}

pub(super) struct OidcProvider {
    pub(super) name: &'static str,
    issuer: Url,
    also_accepted_issuers: Vec<String>,
    discovery: RwLock<Option<(Instant, Discovery)>>,
    keys: RwLock<Option<(Instant, JwkSet)>>,
}

impl OidcProvider {
    pub(super) fn new(name: &'static str, issuer: Url, also_accepted_issuers: Vec<String>) -> Self {
        Self { name, issuer, also_accepted_issuers, discovery: RwLock::new(None), keys: RwLock::new(None) }
    }

    /// The provider's discovery document, cached for a day. Its `issuer` must be the one
    /// configured (OpenID Connect Discovery §4.3), or a look-alike could name other endpoints.
    pub(super) async fn discovery(&self, http: &reqwest::Client) -> Result<Discovery, Error> {
        if let Some((at, discovery)) = self.discovery.read().await.as_ref()
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(discovery.clone());
        }
        let url =
            Url::parse(&format!("{}/.well-known/openid-configuration", self.issuer.as_str().trim_end_matches('/')))
                .map_err(|e| Error::internal("discovery URL", e))?;
        let discovery: Discovery = read_json(http.get(url), "discovery document")
            .await
            .map_err(|p| Error::Unavailable(format!("{}: {}", self.name, p.detail)))?;
        if discovery.issuer.trim_end_matches('/') != self.issuer.as_str().trim_end_matches('/') {
            return Err(Error::Internal(format!("{}: the discovery document names another issuer", self.name)));
        }
        *self.discovery.write().await = Some((Instant::now(), discovery.clone()));
        Ok(discovery)
    }

    pub(super) async fn sign_in(
        &self,
        exchange: &Exchange<'_>,
        nonce: &str,
        now: i64,
    ) -> Result<ProviderProfile, Problem> {
        let discovery =
            self.discovery(exchange.http).await.map_err(|e| Problem::new("provider_unavailable", e.to_string()))?;
        let tokens: TokenResponse = exchange.tokens(&discovery.token_endpoint).await?;
        let claims =
            self.verify_id_token(exchange.http, &discovery, &tokens.id_token, exchange.client_id, nonce, now).await?;
        let mut person = claims.person;
        if person.email.is_none()
            && let Some(userinfo) = &discovery.userinfo_endpoint
        {
            let request = exchange.http.get(userinfo.clone()).bearer_auth(&tokens.access_token);
            #[derive(Deserialize)]
            struct UserInfo {
                sub: String,
                #[serde(flatten)]
                person: Person,
            }
            let info: UserInfo = read_json(request, "userinfo endpoint").await?;
            if info.sub != claims.sub {
                return Err(Problem::new("invalid_response", "userinfo is about someone else"));
            }
            person = info.person;
        }
        let email = person
            .email
            .as_deref()
            .and_then(|e| Email::parse(e).ok())
            .ok_or_else(|| Problem::new("email_missing", "the provider did not share an e-mail address"))?;
        Ok(ProviderProfile {
            identity: Identity { provider: self.name.into(), subject: claims.sub },
            email,
            email_verified: person.email_verified.is_some_and(|v| v.is_true()),
            full_name: person.name,
        })
    }

    async fn verify_id_token(
        &self,
        http: &reqwest::Client,
        discovery: &Discovery,
        token: &str,
        client_id: &str,
        nonce: &str,
        now: i64,
    ) -> Result<IdClaims, Problem> {
        let invalid = |detail: &str| Problem::new("invalid_id_token", format!("{}: {detail}", self.name));
        let header = jsonwebtoken::decode_header(token).map_err(|e| invalid(&e.to_string()))?;
        if !ALGORITHMS.contains(&header.alg) {
            return Err(invalid("the ID token is not signed with an allowed algorithm"));
        }
        let jwk = self.key(http, &discovery.jwks_uri, header.kid.as_deref()).await?;
        if jwk.common.key_algorithm.is_some_and(|alg| format!("{alg:?}") != format!("{:?}", header.alg)) {
            return Err(invalid("the ID token's algorithm is not its key's"));
        }
        let key = DecodingKey::from_jwk(&jwk).map_err(|e| invalid(&e.to_string()))?;

        let mut validation = Validation::new(header.alg);
        let mut issuers = vec![discovery.issuer.clone()];
        issuers.extend(self.also_accepted_issuers.iter().cloned());
        validation.set_issuer(&issuers);
        validation.set_audience(&[client_id]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = CLOCK_LEEWAY_SECS;
        // Expiry is checked below against the injected clock, so tests can move time.
        validation.validate_exp = false;
        #[derive(Deserialize)]
        struct Times {
            exp: i64,
        }
        let data =
            jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation).map_err(|e| invalid(&e.to_string()))?;
        let times: Times = serde_json::from_value(data.claims.clone()).map_err(|e| invalid(&e.to_string()))?;
        if times.exp + CLOCK_LEEWAY_SECS as i64 <= now {
            return Err(invalid("the ID token has expired"));
        }
        let claims: IdClaims = serde_json::from_value(data.claims).map_err(|e| invalid(&e.to_string()))?;
        if claims.nonce.as_deref() != Some(nonce) {
            return Err(invalid("the ID token's nonce is not the one this sign-in sent"));
        }
        if claims.azp.as_deref().is_some_and(|azp| azp != client_id) {
            return Err(invalid("the ID token was issued to another client"));
        }
        Ok(claims)
    }

    /// The provider key named `kid`, from the cached key set or, if absent, a fresh one.
    async fn key(&self, http: &reqwest::Client, jwks_uri: &Url, kid: Option<&str>) -> Result<Jwk, Problem> {
        let find = |set: &JwkSet| match kid {
            Some(kid) => set.find(kid).cloned(),
            None if set.keys.len() == 1 => set.keys.first().cloned(),
            None => None,
        };
        let cached = self.keys.read().await.clone();
        if let Some((at, set)) = &cached
            && at.elapsed() < KEYS_TTL
            && let Some(key) = find(set)
        {
            return Ok(key);
        }
        if let Some((at, set)) = &cached
            && at.elapsed() < KEYS_MIN_REFRESH
        {
            return find(set).ok_or_else(|| Problem::new("invalid_id_token", "the ID token names an unknown key"));
        }
        let set: JwkSet = read_json(http.get(jwks_uri.clone()), "JWKS").await?;
        let key = find(&set);
        *self.keys.write().await = Some((Instant::now(), set));
        key.ok_or_else(|| Problem::new("invalid_id_token", "the ID token names an unknown key"))
    }
}
