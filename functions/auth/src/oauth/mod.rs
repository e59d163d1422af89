//! Signing in with Google, LinkedIn (OpenID Connect) and GitHub (OAuth 2), authorization code
//! flow with PKCE.
//!
//! `start` stores a flow item (`OAUTH#{state}`, 10 minutes, used once) holding the PKCE
//! verifier, the OIDC nonce and where to return, and sends the browser to the provider with
//! `state`, the S256 code challenge and the nonce. `finish` consumes that item (a state we did
//! not issue, or issued once already, is refused), swaps the code for tokens with the verifier,
//! and learns who signed in: from the ID token (signature by the provider's JWKS, issuer,
//! audience, nonce, expiry) or from GitHub's user API. The caller then signs the person in and
//! sends the browser back to the frontend with a one-time login code, never with tokens in the
//! URL.

mod github;
mod oidc;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use r2w_core::Error;
use r2w_core::clock::Clock;
use r2w_core::model::UserId;
use r2w_core::secrets::Secrets;
use r2w_core::store::{Expect, Item, ItemKey, Table, TableError};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

use crate::accounts::ProviderProfile;
use crate::sessions::random_token;
use crate::settings::{AuthSettings, ProviderKind, ProviderSettings};

pub const FLOW_LIFETIME: Duration = Duration::from_secs(10 * 60);
pub const LOGIN_CODE_LIFETIME: Duration = Duration::from_secs(120);
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// No provider answer we read is anywhere near this; a bigger one is refused unread.
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Flow {
    provider: String,
    code_verifier: String,
    nonce: String,
    return_to: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginCode {
    user_id: UserId,
}

/// Why a callback did not sign anyone in.
#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    /// No flow of ours matches: a forged, replayed or expired `state`. There is no trusted
    /// place to return to, so the answer is a plain 400.
    #[error("this sign-in link is invalid or has expired; please start again")]
    UnknownState,
    /// The flow is ours but failed; the browser goes back to `return_to` with `error=reason`.
    #[error("sign-in failed: {reason}")]
    Failed { return_to: Url, reason: &'static str, detail: String },
    #[error(transparent)]
    Internal(#[from] Error),
}

pub struct OAuth {
    settings: AuthSettings,
    table: Arc<dyn Table>,
    secrets: Arc<dyn Secrets>,
    clock: Arc<dyn Clock>,
    http: reqwest::Client,
    oidc: Vec<oidc::OidcProvider>,
}

impl OAuth {
    pub fn new(
        settings: AuthSettings,
        table: Arc<dyn Table>,
        secrets: Arc<dyn Secrets>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        let http = r2w_http::http_client()
            .timeout(HTTP_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("resume2website/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::internal("HTTP client", e))?;
        let oidc = settings
            .providers
            .iter()
            .filter_map(|p| match &p.kind {
                ProviderKind::Oidc { issuer, also_accepted_issuers, .. } => {
                    Some(oidc::OidcProvider::new(p.name, issuer.clone(), also_accepted_issuers.clone()))
                }
                ProviderKind::GitHub { .. } => None,
            })
            .collect();
        Ok(Self { settings, table, secrets, clock, http, oidc })
    }

    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    /// Where to send the browser to sign in with `provider`, coming back to `return_to`.
    pub async fn start(&self, provider: &str, return_to: &str) -> Result<Url, Error> {
        let settings = self.provider(provider)?;
        let return_to = Url::parse(return_to)
            .ok()
            .filter(|url| self.settings.allows_return_to(url))
            .ok_or_else(|| Error::BadRequest("redirect_uri is not an allowed address of this site".into()))?;
        let (state, code_verifier, nonce) = (random_token()?, random_token()?, random_token()?);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(code_verifier.as_bytes()));
        let flow =
            Flow { provider: settings.name.into(), code_verifier, nonce: nonce.clone(), return_to: return_to.into() };
        let expires_at = self.clock.unix_now() + FLOW_LIFETIME.as_secs() as i64;
        self.table.put(Item::with_data(flow_key(&state), &flow)?.expiring_at(expires_at), Expect::Absent).await?;

        let (mut url, scopes) = match &settings.kind {
            ProviderKind::Oidc { scopes, .. } => {
                (self.oidc(settings.name)?.discovery(&self.http).await?.authorization_endpoint.clone(), *scopes)
            }
            ProviderKind::GitHub { web, .. } => (github::authorize_url(web)?, github::SCOPES),
        };
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", &settings.client_id)
            .append_pair("redirect_uri", self.callback_url(settings.name)?.as_str())
            .append_pair("scope", scopes)
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        if matches!(settings.kind, ProviderKind::Oidc { .. }) {
            query.append_pair("nonce", &nonce);
        }
        drop(query);
        Ok(url)
    }

    /// Completes a sign-in from the provider's redirect (`code`/`state`, or `error`/`state`).
    pub async fn finish(
        &self,
        provider: &str,
        params: &[(String, String)],
    ) -> Result<(ProviderProfile, Url), CallbackError> {
        let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let settings = self.provider(provider)?;
        let state = param("state").ok_or(CallbackError::UnknownState)?;
        let flow = self.take_flow(state).await?;
        if flow.provider != settings.name {
            return Err(CallbackError::UnknownState);
        }
        let return_to = Url::parse(&flow.return_to).map_err(|_| CallbackError::UnknownState)?;
        let failed = |reason: &'static str, detail: String| CallbackError::Failed {
            return_to: return_to.clone(),
            reason,
            detail,
        };
        if let Some(error) = param("error") {
            let reason = if error == "access_denied" { "access_denied" } else { "provider_error" };
            return Err(failed(reason, format!("the provider answered {error}")));
        }
        let code = param("code").ok_or_else(|| failed("invalid_response", "no code in the callback".into()))?;
        let secret = self.secrets.get(&settings.client_secret_name()).await.map_err(Error::from)?;
        let exchange = Exchange {
            http: &self.http,
            client_id: &settings.client_id,
            client_secret: &secret,
            redirect_uri: self.callback_url(settings.name)?,
            code,
            code_verifier: &flow.code_verifier,
        };
        let profile = match &settings.kind {
            ProviderKind::Oidc { .. } => {
                self.oidc(settings.name)?.sign_in(&exchange, &flow.nonce, self.clock.unix_now()).await
            }
            ProviderKind::GitHub { web, api } => github::sign_in(&exchange, web, api).await,
        };
        match profile {
            Ok(profile) => Ok((profile, return_to)),
            Err(problem) => Err(failed(problem.reason, problem.detail)),
        }
    }

    /// A one-time code the frontend swaps for tokens (`POST /v1/auth/oauth/exchange`).
    pub async fn issue_login_code(&self, user: &UserId) -> Result<String, Error> {
        let code = random_token()?;
        let expires_at = self.clock.unix_now() + LOGIN_CODE_LIFETIME.as_secs() as i64;
        let item =
            Item::with_data(login_code_key(&code), &LoginCode { user_id: user.clone() })?.expiring_at(expires_at);
        self.table.put(item, Expect::Absent).await?;
        Ok(code)
    }

    /// The user a login code was issued for; each code works once.
    pub async fn redeem_login_code(&self, code: &str) -> Result<UserId, Error> {
        let item = take(self.table.as_ref(), &login_code_key(code)).await?.ok_or(Error::Unauthorized)?;
        Ok(item.data_as::<LoginCode>()?.user_id)
    }

    async fn take_flow(&self, state: &str) -> Result<Flow, CallbackError> {
        let item = take(self.table.as_ref(), &flow_key(state)).await?.ok_or(CallbackError::UnknownState)?;
        Ok(item.data_as().map_err(Error::from)?)
    }

    fn provider(&self, name: &str) -> Result<&ProviderSettings, Error> {
        self.settings.provider(name).ok_or_else(|| Error::NotFound(format!("sign-in provider {name:?}")))
    }

    fn oidc(&self, name: &str) -> Result<&oidc::OidcProvider, Error> {
        self.oidc.iter().find(|p| p.name == name).ok_or_else(|| Error::Internal(format!("{name} is not OIDC")))
    }

    fn callback_url(&self, provider: &str) -> Result<Url, Error> {
        self.settings
            .public_url
            .join(&format!("/v1/auth/oauth/{provider}/callback"))
            .map_err(|e| Error::internal("callback URL", e))
    }
}

/// Reads and deletes an item in one go: of two concurrent takers, one gets it.
async fn take(table: &dyn Table, key: &ItemKey) -> Result<Option<Item>, Error> {
    let Some(item) = table.get(key).await? else { return Ok(None) };
    match table.delete(key, Expect::Version(item.version)).await {
        Ok(()) => Ok(Some(item)),
        Err(TableError::ConditionFailed { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn flow_key(state: &str) -> ItemKey {
    ItemKey::new(format!("OAUTH#{}", hashed(state)), "FLOW")
}

fn login_code_key(code: &str) -> ItemKey {
    ItemKey::new(format!("LOGINCODE#{}", hashed(code)), "LOGINCODE")
}

fn hashed(value: &str) -> String {
    Sha256::digest(value.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What the token request needs (RFC 6749 §4.1.3 with RFC 7636's `code_verifier`).
struct Exchange<'a> {
    http: &'a reqwest::Client,
    client_id: &'a str,
    client_secret: &'a SecretString,
    redirect_uri: Url,
    code: &'a str,
    code_verifier: &'a str,
}

impl Exchange<'_> {
    /// Swaps the code at `token_endpoint` (client_secret_post, which all three providers take).
    async fn tokens<T: DeserializeOwned>(&self, token_endpoint: &Url) -> Result<T, Problem> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", self.code),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("client_id", self.client_id),
            ("client_secret", self.client_secret.expose_secret()),
            ("code_verifier", self.code_verifier),
        ];
        let request = self.http.post(token_endpoint.clone()).header("accept", "application/json").form(&form);
        read_json(request, "token endpoint").await
    }
}

/// A failed step of a sign-in, with the reason the frontend is told.
#[derive(Debug)]
struct Problem {
    reason: &'static str,
    detail: String,
}

impl Problem {
    fn new(reason: &'static str, detail: impl Into<String>) -> Self {
        Self { reason, detail: detail.into() }
    }
}

async fn read_json<T: DeserializeOwned>(request: reqwest::RequestBuilder, what: &str) -> Result<T, Problem> {
    let unavailable = |e: reqwest::Error| Problem::new("provider_unavailable", format!("{what}: {e}"));
    let response = request.send().await.map_err(unavailable)?;
    let status = response.status();
    if response.content_length().is_some_and(|n| n > MAX_RESPONSE_BYTES as u64) {
        return Err(Problem::new("invalid_response", format!("{what}: the answer is too large")));
    }
    let body = response.bytes().await.map_err(unavailable)?;
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(Problem::new("invalid_response", format!("{what}: the answer is too large")));
    }
    if !status.is_success() {
        return Err(Problem::new("provider_error", format!("{what} answered {status}")));
    }
    serde_json::from_slice(&body).map_err(|e| Problem::new("invalid_response", format!("{what}: {e}")))
}
