//! The auth HTTP API.
//!
//! | route | does |
//! | --- | --- |
//! | `POST /v1/auth/register` `{email, password, full_name}` | 201 `{user, access_token, refresh_token, expires_in}` |
//! | `POST /v1/auth/login` `{email, password}` | 200 tokens; one generic 401 for any mismatch |
//! | `POST /v1/auth/refresh` `{refresh_token}` | a new pair; the old refresh token is spent |
//! | `POST /v1/auth/logout` `{refresh_token}` | ends that session |
//! | `POST /v1/auth/logout-all` (bearer) | ends every session and access token |
//! | `GET /v1/auth/me` (bearer) | the account |
//! | `DELETE /v1/auth/me` (bearer) | deletes the account and everything it owns |
//! | `GET /v1/auth/oauth/{provider}/start?redirect_uri=` | 302 to the provider |
//! | `GET /v1/auth/oauth/{provider}/callback` | 302 back to the frontend with `login_code` (or `error`) |
//! | `POST /v1/auth/oauth/exchange` `{login_code}` | tokens for a provider sign-in |
//!
//! The routes that verify addresses, reset and change passwords, run two-factor sign-in and
//! list sessions are in [`crate::security`]. A sign-in of an account with two-factor on
//! answers 202 with a challenge instead of tokens.
//!
//! A browser app sends `R2W-Session: cookie` with these calls: its refresh token then travels
//! only in an `HttpOnly` cookie scoped to `/v1/auth` (no script can read it), never in a body.

use std::sync::Arc;

use lambda_http::{Body, Request, Response};
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::Clock;
use r2w_core::model::Email;
use r2w_core::records::users;
use r2w_core::{App, Error, account};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{Accounts, UserView};
use crate::mail::messages::Lang;
use crate::mail::{Mailer, mailer_for};
use crate::oauth::{CallbackError, OAuth};
use crate::one_time::OneTimeTokens;
use crate::password::Passwords;
use crate::rate_limit::{self, RateLimiter};
use crate::sessions::{SESSION_LIFETIME, Sessions, TokenPair};
use crate::settings::AuthSettings;
use crate::two_factor::TwoFactor;

pub struct AuthApi {
    pub(crate) app: App,
    pub(crate) tokens: Arc<AccessTokens>,
    pub(crate) accounts: Accounts,
    pub(crate) sessions: Sessions,
    pub(crate) limiter: RateLimiter,
    pub(crate) oauth: OAuth,
    pub(crate) one_time: OneTimeTokens,
    pub(crate) two_factor: TwoFactor,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) app_url: url::Url,
    pub(crate) clock: Arc<dyn Clock>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegisterBody {
    #[schema(format = Email)]
    email: String,
    /// At least 10 characters, and not easily guessed (zxcvbn score 3 or more).
    #[schema(value_type = String, format = Password, min_length = 10)]
    password: SecretString,
    #[schema(min_length = 1, max_length = 200)]
    full_name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LoginBody {
    email: String,
    #[schema(value_type = String, format = Password)]
    password: SecretString,
}

/// The refresh token; a browser app that keeps its session in the cookie sends `{}` and the
/// `R2W-Session: cookie` header instead.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefreshBody {
    refresh_token: Option<String>,
}

/// The cookie a browser app's refresh token lives in.
const SESSION_COOKIE: &str = "r2w_session";
/// Asks for the session in [`SESSION_COOKIE`]. Being a custom header, it is also something a
/// cross-site form cannot send, on top of the cookie's `SameSite=Strict`.
pub const SESSION_MODE_HEADER: &str = "r2w-session";

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExchangeBody {
    login_code: String,
}

/// What register, login, refresh and the OAuth exchange answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SignedIn {
    pub user: UserView,
    #[serde(flatten)]
    pub tokens: TokenPair,
}

impl AuthApi {
    pub async fn new(
        app: App,
        tokens: Arc<AccessTokens>,
        settings: AuthSettings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        let mailer = mailer_for(&settings.mail, &app).await?;
        Self::with_mailer(app, tokens, settings, clock, mailer).await
    }

    /// As [`Self::new`], sending mail with `mailer` rather than the one the settings name.
    pub async fn with_mailer(
        app: App,
        tokens: Arc<AccessTokens>,
        settings: AuthSettings,
        clock: Arc<dyn Clock>,
        mailer: Arc<dyn Mailer>,
    ) -> Result<Self, Error> {
        let table = Arc::clone(&app.table);
        Ok(Self {
            accounts: Accounts::new(Arc::clone(&table), Arc::clone(&clock), Passwords::new().await?),
            sessions: Sessions::new(Arc::clone(&table), Arc::clone(&tokens), Arc::clone(&clock)),
            limiter: RateLimiter::new(Arc::clone(&table), Arc::clone(&clock)),
            one_time: OneTimeTokens::new(Arc::clone(&table), Arc::clone(&clock)),
            two_factor: TwoFactor::new(Arc::clone(&table), Arc::clone(&clock)),
            app_url: settings.app_url.clone(),
            oauth: OAuth::new(settings, table, Arc::clone(&app.secrets), Arc::clone(&clock))?,
            mailer,
            clock,
            app,
            tokens,
        })
    }

    pub async fn handle(&self, request: Request) -> Response<Body> {
        r2w_http::serve(request, |request| self.route(request)).await
    }

    async fn route(&self, request: Request) -> Result<Response<Body>, Error> {
        let path = request.uri().path().trim_end_matches('/').to_owned();
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        let method = request.method().as_str();
        if let Some(answer) = self.route_security(&request, method, &segments).await {
            return answer;
        }
        match (method, segments.as_slice()) {
            ("POST", ["v1", "auth", "register"]) => self.register(&request).await,
            ("POST", ["v1", "auth", "login"]) => self.login(&request).await,
            ("POST", ["v1", "auth", "refresh"]) => {
                let token = refresh_token(&request)?.ok_or(Error::Unauthorized)?;
                let (user, tokens) = self.sessions.refresh(&token).await?;
                let account = users::load(self.app.table.as_ref(), &user).await?.ok_or(Error::Unauthorized)?;
                answer_signed_in(&request, 200, SignedIn { user: UserView::from(&account), tokens })
            }
            ("POST", ["v1", "auth", "logout"]) => {
                if let Some(token) = refresh_token(&request)? {
                    self.sessions.end(&token).await?;
                }
                let mut response = r2w_http::no_content()?;
                if cookie_mode(&request) {
                    set_session_cookie(&mut response, None)?;
                }
                Ok(response)
            }
            ("POST", ["v1", "auth", "logout-all"]) => {
                let user = self.tokens.authenticate(self.app.table.as_ref(), &request).await?;
                self.sessions.end_all(&user).await?;
                r2w_http::no_content()
            }
            ("GET", ["v1", "auth", "me"]) => {
                let user = self.tokens.authenticate(self.app.table.as_ref(), &request).await?;
                let account = users::load(self.app.table.as_ref(), &user).await?.ok_or(Error::Unauthorized)?;
                r2w_http::json(200, &UserView::from(&account))
            }
            ("DELETE", ["v1", "auth", "me"]) => self.delete_account(&request).await,
            ("GET", ["v1", "auth", "oauth", provider, "start"]) => {
                let return_to = query(&request)
                    .into_iter()
                    .find(|(k, _)| k == "redirect_uri")
                    .map(|(_, v)| v)
                    .ok_or_else(|| Error::BadRequest("redirect_uri is required".into()))?;
                r2w_http::redirect(self.oauth.start(provider, &return_to).await?.as_str())
            }
            ("GET", ["v1", "auth", "oauth", provider, "callback"]) => self.callback(provider, &request).await,
            ("POST", ["v1", "auth", "oauth", "exchange"]) => {
                let body: ExchangeBody = r2w_http::json_body(&request, false)?;
                let user = self.oauth.redeem_login_code(&body.login_code).await?;
                let account = users::load(self.app.table.as_ref(), &user).await?.ok_or(Error::Unauthorized)?;
                self.signed_in_or_challenged(&request, &account).await
            }
            (_, ["v1", "auth", ..]) if !matches!(method, "GET" | "POST" | "DELETE") => {
                Err(Error::BadRequest(format!("{method} is not allowed here")))
            }
            _ => Err(Error::NotFound("route".into())),
        }
    }

    async fn register(&self, request: &Request) -> Result<Response<Body>, Error> {
        let body: RegisterBody = r2w_http::json_body(request, false)?;
        let email = Email::parse(&body.email).map_err(|e| Error::Validation(e.to_string()))?;
        let ip = client_ip(request);
        self.limiter.check(rate_limit::REGISTRATIONS_PER_IP, &ip).await?;
        self.limiter.check(rate_limit::REGISTRATIONS_PER_EMAIL, email.as_str()).await?;
        self.limiter.hit(rate_limit::REGISTRATIONS_PER_IP, &ip).await?;
        self.limiter.hit(rate_limit::REGISTRATIONS_PER_EMAIL, email.as_str()).await?;
        let language = request.headers().get("accept-language").and_then(|v| v.to_str().ok()).unwrap_or("en");
        let account = self.accounts.register(&email, body.password, &body.full_name, Lang::negotiate(language)).await?;
        self.send_verification(&account).await?;
        self.signed_in(request, 201, &account.id).await
    }

    async fn login(&self, request: &Request) -> Result<Response<Body>, Error> {
        let body: LoginBody = r2w_http::json_body(request, false)?;
        let email = Email::parse(&body.email).map_err(|_| Error::Unauthorized)?;
        let ip = client_ip(request);
        self.limiter.check(rate_limit::LOGIN_FAILURES_PER_IP, &ip).await?;
        self.limiter.check(rate_limit::LOGIN_FAILURES_PER_EMAIL, email.as_str()).await?;
        match self.accounts.login(&email, body.password).await? {
            Some(account) => {
                self.limiter.clear(rate_limit::LOGIN_FAILURES_PER_EMAIL, email.as_str()).await?;
                self.signed_in_or_challenged(request, &account).await
            }
            None => {
                self.limiter.hit(rate_limit::LOGIN_FAILURES_PER_IP, &ip).await?;
                self.limiter.hit(rate_limit::LOGIN_FAILURES_PER_EMAIL, email.as_str()).await?;
                Err(Error::Unauthorized)
            }
        }
    }

    /// Deletion accepts an account already being deleted, so a run that failed half-way can
    /// be finished by asking again.
    async fn delete_account(&self, request: &Request) -> Result<Response<Body>, Error> {
        let verified = self.tokens.verify_request(request)?;
        let account = users::load(self.app.table.as_ref(), &verified.user).await?.ok_or(Error::Unauthorized)?;
        if account.session_epoch != verified.epoch {
            return Err(Error::Unauthorized);
        }
        // What the local mailbox kept about the person goes first: while the account exists,
        // asking again can finish a deletion that failed half-way.
        if let Err(e) = self.mailer.forget(&account.id).await {
            tracing::error!(user = %account.id, error = %e, "the account's mail was not forgotten");
            return Err(Error::Unavailable("the account could not be deleted yet; ask again".into()));
        }
        account::delete_everything(&self.app, &account.id).await?;
        r2w_http::no_content()
    }

    async fn callback(&self, provider: &str, request: &Request) -> Result<Response<Body>, Error> {
        let outcome = match self.oauth.finish(provider, &query(request)).await {
            Ok((profile, return_to)) => match self.accounts.sign_in_with(profile).await {
                Ok(signed) => {
                    if signed.took_over {
                        self.sessions.end_all(&signed.account.id).await?;
                    }
                    Ok((self.oauth.issue_login_code(&signed.account.id).await?, return_to))
                }
                Err(Error::Forbidden) => Err(("email_not_verified", return_to)),
                Err(Error::Conflict(_)) => Err(("account_conflict", return_to)),
                Err(Error::Unauthorized) => Err(("account_unavailable", return_to)),
                Err(e) => return Err(e),
            },
            Err(CallbackError::UnknownState) => {
                return Err(Error::BadRequest(CallbackError::UnknownState.to_string()));
            }
            Err(CallbackError::Failed { return_to, reason, detail }) => {
                tracing::warn!(provider, reason, detail, "provider sign-in failed");
                Err((reason, return_to))
            }
            Err(CallbackError::Internal(e)) => return Err(e),
        };
        let mut location = match &outcome {
            Ok((_, return_to)) | Err((_, return_to)) => return_to.clone(),
        };
        match outcome {
            Ok((code, _)) => location.query_pairs_mut().append_pair("login_code", &code),
            Err((reason, _)) => location.query_pairs_mut().append_pair("error", reason),
        };
        r2w_http::redirect(location.as_str())
    }

    pub(crate) async fn signed_in(
        &self,
        request: &Request,
        status: u16,
        user: &r2w_core::model::UserId,
    ) -> Result<Response<Body>, Error> {
        let account = users::load(self.app.table.as_ref(), user).await?.ok_or(Error::Unauthorized)?;
        let tokens = self.sessions.start(user, user_agent(request).as_deref()).await?;
        answer_signed_in(request, status, SignedIn { user: UserView::from(&account), tokens })
    }

    /// Signed in, unless the account also wants a code from its authenticator: then 202 and
    /// a challenge for the second step.
    async fn signed_in_or_challenged(
        &self,
        request: &Request,
        account: &users::UserRecord,
    ) -> Result<Response<Body>, Error> {
        if account.two_factor {
            return self.challenge(&account.id).await;
        }
        self.signed_in(request, 200, &account.id).await
    }
}

fn cookie_mode(request: &Request) -> bool {
    request.headers().get(SESSION_MODE_HEADER).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cookie"))
}

/// The refresh token a call presents: the session cookie in cookie mode (the body is then
/// ignored), else the body's.
fn refresh_token(request: &Request) -> Result<Option<String>, Error> {
    if cookie_mode(request) {
        return Ok(request
            .headers()
            .get_all("cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SESSION_COOKIE)
            .map(|(_, value)| value.to_owned())
            .filter(|value| !value.is_empty()));
    }
    let body: RefreshBody = r2w_http::json_body(request, false)?;
    body.refresh_token.map(Some).ok_or_else(|| Error::BadRequest("refresh_token is required".into()))
}

/// Tokens as JSON; in cookie mode the refresh token goes into the cookie instead of the body.
fn answer_signed_in(request: &Request, status: u16, mut signed: SignedIn) -> Result<Response<Body>, Error> {
    let cookie = cookie_mode(request).then(|| signed.tokens.refresh_token.take()).flatten();
    let mut response = r2w_http::json(status, &signed)?;
    if let Some(token) = cookie {
        set_session_cookie(&mut response, Some(&token))?;
    }
    Ok(response)
}

/// `Secure` also holds on `http://localhost`, which browsers treat as a secure origin.
fn set_session_cookie(response: &mut Response<Body>, token: Option<&str>) -> Result<(), Error> {
    let (value, max_age) = match token {
        Some(token) => (token, SESSION_LIFETIME.as_secs()),
        None => ("", 0),
    };
    let cookie =
        format!("{SESSION_COOKIE}={value}; Path=/v1/auth; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict");
    let header = cookie.parse().map_err(|_| Error::Internal("the session cookie is not a header value".into()))?;
    response.headers_mut().append("set-cookie", header);
    Ok(())
}

/// The browser's own description, kept with a session so its owner can tell sessions apart.
pub(crate) fn user_agent(request: &Request) -> Option<String> {
    request.headers().get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The caller's IP for rate limits; requests without one (a direct call) share one bucket.
pub(crate) fn client_ip(request: &Request) -> String {
    r2w_http::client_ip(request).map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

fn query(request: &Request) -> Vec<(String, String)> {
    let query = request.uri().query().unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}
