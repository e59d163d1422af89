//! The routes that keep an account in its owner's hands: e-mail verification and change,
//! password reset and change, TOTP two-factor sign-in, and the list of signed-in sessions.
//!
//! | route | does |
//! | --- | --- |
//! | `POST /v1/auth/email/verify` `{token}` | confirms an address from its mailed link (sign-up or change) |
//! | `POST /v1/auth/email/verification` (bearer) | mails the verification link again (5 an hour) |
//! | `POST /v1/auth/email` (bearer) `{email, password?}` | mails a link to the new address; the move happens when it is opened |
//! | `POST /v1/auth/password/forgot` `{email}` | 202 whether or not the account exists; mails a reset link if it does |
//! | `POST /v1/auth/password/reset` `{token, password}` | sets the password, verifies the address, ends every session |
//! | `POST /v1/auth/password` (bearer) `{current_password?, new_password}` | changes it; other sessions end; answers a new session |
//! | `POST /v1/auth/2fa/totp` (bearer) `{password?}` | a new TOTP secret (`otpauth://` URI) to confirm |
//! | `POST /v1/auth/2fa/totp/confirm` (bearer) `{code}` | turns two-factor on; answers ten recovery codes, once |
//! | `DELETE /v1/auth/2fa/totp` (bearer) `{password?, code}` | turns it off |
//! | `POST /v1/auth/2fa/verify` `{challenge, code}` | the second step of a sign-in: a code or a recovery code |
//! | `GET /v1/auth/sessions` (bearer) | the signed-in sessions |
//! | `DELETE /v1/auth/sessions/{id}` (bearer) | ends one |
//!
//! What needs the true owner asks again who is there: the password when the account has one,
//! else a sign-in of the last ten minutes (an account that only signs in with a provider).

use lambda_http::{Body, Request, Response};
use r2w_core::Error;
use r2w_core::auth_token::Verified;
use r2w_core::model::{Email, UserId};
use r2w_core::records::users::{self, UserRecord};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::{AuthApi, client_ip};
use crate::mail::Mail;
use crate::mail::messages::{self, Lang};
use crate::one_time::{self, Kind, Purpose};
use crate::rate_limit;
use crate::sessions::SignedInSession;
use crate::two_factor::{Enrolment, Proof};

/// How recent a sign-in must be to stand in for a password.
const FRESH_SIGN_IN_SECS: i64 = 10 * 60;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenBody {
    /// The token from the mailed link (after `#token=`).
    token: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForgotBody {
    #[schema(format = Email)]
    email: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetBody {
    token: String,
    /// As at sign-up: at least 10 characters, not easily guessed.
    #[schema(value_type = String, format = Password, min_length = 10)]
    password: SecretString,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChangePasswordBody {
    /// Required when the account has a password.
    #[schema(value_type = Option<String>, format = Password)]
    current_password: Option<SecretString>,
    #[schema(value_type = String, format = Password, min_length = 10)]
    new_password: SecretString,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChangeEmailBody {
    #[schema(format = Email)]
    email: String,
    /// Required when the account has a password.
    #[schema(value_type = Option<String>, format = Password)]
    password: Option<SecretString>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReauthBody {
    /// Required when the account has a password.
    #[schema(value_type = Option<String>, format = Password)]
    password: Option<SecretString>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeBody {
    /// Six digits from the authenticator.
    code: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DisableTwoFactorBody {
    /// Required when the account has a password.
    #[schema(value_type = Option<String>, format = Password)]
    password: Option<SecretString>,
    /// A code from the authenticator, or a recovery code.
    code: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecondFactorBody {
    challenge: String,
    /// A code from the authenticator, or a recovery code.
    code: String,
}

/// What a sign-in answers (202) when the account also needs a code from its authenticator.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SecondFactorRequired {
    /// Always `totp`.
    pub second_factor: String,
    /// For `POST /v1/auth/2fa/verify`; works for `expires_in` seconds.
    pub challenge: String,
    pub expires_in: u64,
}

/// What turning two-factor on answers: the recovery codes, shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// An accepted request whose outcome arrives by mail.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Accepted {
    pub message: String,
}

impl AuthApi {
    pub(crate) async fn route_security(
        &self,
        request: &Request,
        method: &str,
        segments: &[&str],
    ) -> Option<Result<Response<Body>, Error>> {
        Some(match (method, segments) {
            ("POST", ["v1", "auth", "email", "verify"]) => self.verify_email(request).await,
            ("POST", ["v1", "auth", "email", "verification"]) => self.resend_verification(request).await,
            ("POST", ["v1", "auth", "email"]) => self.change_email(request).await,
            ("POST", ["v1", "auth", "password", "forgot"]) => self.forgot_password(request).await,
            ("POST", ["v1", "auth", "password", "reset"]) => self.reset_password(request).await,
            ("POST", ["v1", "auth", "password"]) => self.change_password(request).await,
            ("POST", ["v1", "auth", "2fa", "totp"]) => self.enrol_totp(request).await,
            ("POST", ["v1", "auth", "2fa", "totp", "confirm"]) => self.confirm_totp(request).await,
            ("DELETE", ["v1", "auth", "2fa", "totp"]) => self.disable_totp(request).await,
            ("POST", ["v1", "auth", "2fa", "verify"]) => self.second_factor(request).await,
            ("GET", ["v1", "auth", "sessions"]) => self.list_sessions(request).await,
            ("DELETE", ["v1", "auth", "sessions", id]) => self.revoke_session(request, id).await,
            _ => return None,
        })
    }

    /// The mail that proves `account`'s address; sent at sign-up and on request.
    pub(crate) async fn send_verification(&self, account: &UserRecord) -> Result<(), Error> {
        let purpose = Purpose::VerifyEmail { email: account.email.clone() };
        let token = self.one_time.issue(&account.id, purpose, one_time::VERIFY_EMAIL_LIFETIME).await?;
        let link = messages::link(&self.app_url, "verify-email", &token);
        self.deliver(&account.id, messages::verify_email(lang(account), &account.email, &link)).await;
        Ok(())
    }

    /// Sends `mail`. A failure is logged, not answered: the request it belongs to has done
    /// its part, and the person can ask again (a resend, another reset).
    async fn deliver(&self, user: &UserId, mail: Mail) {
        match self.mailer.send(user, &mail).await {
            Ok(()) => tracing::info!(user = %user, subject = %mail.subject, "mail sent"),
            Err(e) => tracing::error!(user = %user, error = %e, "mail not sent"),
        }
    }

    async fn verify_email(&self, request: &Request) -> Result<Response<Body>, Error> {
        let body: TokenBody = r2w_http::json_body(request, false)?;
        let redeemed = self
            .one_time
            .redeem(&body.token, &[Kind::VerifyEmail, Kind::ChangeEmail])
            .await?
            .ok_or_else(|| invalid_link("/token"))?;
        let table = self.app.table.as_ref();
        let account = users::load(table, &redeemed.user_id)
            .await?
            .filter(|a| !a.deleting)
            .ok_or_else(|| invalid_link("/token"))?;
        let now = self.clock.now();
        match redeemed.purpose {
            Purpose::VerifyEmail { email } if email == account.email => {
                users::update(table, &account.id, |u| UserRecord { email_verified: true, updated_at: now, ..u })
                    .await?;
                tracing::info!(user = %account.id, "address verified");
            }
            Purpose::ChangeEmail { email } => {
                users::change_email(table, &account.id, &email, |u| UserRecord {
                    email_verified: true,
                    updated_at: now,
                    ..u
                })
                .await?
                .ok_or_else(|| Error::Conflict("another account uses this address now".into()))?;
                tracing::info!(user = %account.id, "address changed");
                self.deliver(&account.id, messages::email_changed(lang(&account), &account.email, &email)).await;
            }
            _ => return Err(invalid_link("/token")),
        }
        r2w_http::no_content()
    }

    async fn resend_verification(&self, request: &Request) -> Result<Response<Body>, Error> {
        let (account, _) = self.account(request).await?;
        if account.email_verified {
            return Err(Error::Conflict("the address is already verified".into()));
        }
        self.limiter.check(rate_limit::VERIFICATION_MAILS_PER_USER, account.id.as_str()).await?;
        self.limiter.hit(rate_limit::VERIFICATION_MAILS_PER_USER, account.id.as_str()).await?;
        self.send_verification(&account).await?;
        accepted("a new link is on its way")
    }

    async fn change_email(&self, request: &Request) -> Result<Response<Body>, Error> {
        let body: ChangeEmailBody = r2w_http::json_body(request, false)?;
        let (account, verified) = self.account(request).await?;
        let email = Email::parse(&body.email)
            .map_err(|e| Error::InvalidField { pointer: "/email".into(), detail: e.to_string() })?;
        self.reauthenticate(&account, &verified, body.password).await?;
        if !account.email_verified {
            return Err(Error::Validation(
                "confirm the account's current address first (the link mailed to it, or send it again)".into(),
            ));
        }
        if email == account.email {
            return Err(Error::InvalidField {
                pointer: "/email".into(),
                detail: "is already the account's address".into(),
            });
        }
        if users::by_email(self.app.table.as_ref(), &email).await?.is_some() {
            return Err(Error::Conflict("another account uses this address".into()));
        }
        self.limiter.check(rate_limit::VERIFICATION_MAILS_PER_USER, account.id.as_str()).await?;
        self.limiter.hit(rate_limit::VERIFICATION_MAILS_PER_USER, account.id.as_str()).await?;
        let purpose = Purpose::ChangeEmail { email: email.clone() };
        let token = self.one_time.issue(&account.id, purpose, one_time::VERIFY_EMAIL_LIFETIME).await?;
        let link = messages::link(&self.app_url, "verify-email", &token);
        self.deliver(&account.id, messages::confirm_new_email(lang(&account), &email, &link)).await;
        accepted("open the link mailed to the new address to finish")
    }

    /// The same answer, after the same checks, whether or not the address has an account.
    async fn forgot_password(&self, request: &Request) -> Result<Response<Body>, Error> {
        let body: ForgotBody = r2w_http::json_body(request, false)?;
        let email = Email::parse(&body.email)
            .map_err(|e| Error::InvalidField { pointer: "/email".into(), detail: e.to_string() })?;
        let ip = client_ip(request);
        self.limiter.check(rate_limit::RESET_REQUESTS_PER_IP, &ip).await?;
        self.limiter.check(rate_limit::RESET_REQUESTS_PER_EMAIL, email.as_str()).await?;
        self.limiter.hit(rate_limit::RESET_REQUESTS_PER_IP, &ip).await?;
        self.limiter.hit(rate_limit::RESET_REQUESTS_PER_EMAIL, email.as_str()).await?;
        if let Some(account) = users::by_email(self.app.table.as_ref(), &email).await?.filter(|a| !a.deleting) {
            let token =
                self.one_time.issue(&account.id, Purpose::ResetPassword, one_time::RESET_PASSWORD_LIFETIME).await?;
            let link = messages::link(&self.app_url, "reset-password", &token);
            self.deliver(&account.id, messages::reset_password(lang(&account), &account.email, &link)).await;
        }
        accepted("if the address has an account, a link to choose a new password is on its way")
    }

    /// Opening the mailed link proves the address: the account's address becomes verified,
    /// and an account whose address had never been proven loses the second factor its
    /// registrant may have set (they may not be its owner). Every session ends.
    async fn reset_password(&self, request: &Request) -> Result<Response<Body>, Error> {
        let body: ResetBody = r2w_http::json_body(request, false)?;
        let pending =
            self.one_time.peek(&body.token, &[Kind::ResetPassword]).await?.ok_or_else(|| invalid_link("/token"))?;
        let account = users::load(self.app.table.as_ref(), &pending.user_id)
            .await?
            .filter(|a| !a.deleting)
            .ok_or_else(|| invalid_link("/token"))?;
        self.accounts.check_new_password(&account, &body.password)?;
        self.one_time.redeem(&body.token, &[Kind::ResetPassword]).await?.ok_or_else(|| invalid_link("/token"))?;
        let unproven = !account.email_verified;
        if unproven {
            self.two_factor.disable(&account.id).await?;
        }
        let now = self.clock.now();
        let updated = self
            .accounts
            .set_password(&account.id, body.password, |u| UserRecord {
                email_verified: true,
                two_factor: u.two_factor && !unproven,
                updated_at: now,
                ..u
            })
            .await?;
        self.sessions.end_all(&account.id).await?;
        self.limiter.clear(rate_limit::LOGIN_FAILURES_PER_EMAIL, account.email.as_str()).await?;
        tracing::info!(user = %account.id, unproven, "password reset; every session ended");
        self.deliver(&account.id, messages::password_changed(lang(&updated), &updated.email)).await;
        r2w_http::no_content()
    }

    async fn change_password(&self, request: &Request) -> Result<Response<Body>, Error> {
        let body: ChangePasswordBody = r2w_http::json_body(request, false)?;
        let (account, verified) = self.account(request).await?;
        self.reauthenticate_with(&account, &verified, body.current_password, "/current_password").await?;
        let updated = self.accounts.set_password(&account.id, body.new_password, |u| u).await?;
        self.sessions.end_all(&account.id).await?;
        tracing::info!(user = %account.id, "password changed; other sessions ended");
        self.deliver(&account.id, messages::password_changed(lang(&updated), &updated.email)).await;
        self.signed_in(request, 200, &account.id).await
    }

    async fn enrol_totp(&self, request: &Request) -> Result<Response<Body>, Error> {
        let body: ReauthBody = r2w_http::json_body(request, true)?;
        let (account, verified) = self.account(request).await?;
        self.reauthenticate(&account, &verified, body.password).await?;
        let enrolment: Enrolment = self.two_factor.enrol(&account.id, &account.email).await?;
        r2w_http::json(200, &enrolment)
    }

    async fn confirm_totp(&self, request: &Request) -> Result<Response<Body>, Error> {
        let body: CodeBody = r2w_http::json_body(request, false)?;
        let (account, _) = self.account(request).await?;
        self.limiter.check(rate_limit::SECOND_FACTOR_FAILURES_PER_USER, account.id.as_str()).await?;
        let codes = match self.two_factor.confirm(&account.id, &body.code).await {
            Err(Error::Unauthorized) => {
                self.limiter.hit(rate_limit::SECOND_FACTOR_FAILURES_PER_USER, account.id.as_str()).await?;
                return Err(wrong_code());
            }
            other => other?,
        };
        let now = self.clock.now();
        users::update(self.app.table.as_ref(), &account.id, |u| UserRecord { two_factor: true, updated_at: now, ..u })
            .await?;
        tracing::info!(user = %account.id, "two-factor sign-in on");
        r2w_http::json(200, &RecoveryCodes { recovery_codes: codes })
    }

    async fn disable_totp(&self, request: &Request) -> Result<Response<Body>, Error> {
        let body: DisableTwoFactorBody = r2w_http::json_body(request, false)?;
        let (account, verified) = self.account(request).await?;
        self.reauthenticate(&account, &verified, body.password).await?;
        if !account.two_factor {
            return Err(Error::Conflict("two-factor sign-in is off".into()));
        }
        self.check_code(&account.id, &body.code).await?;
        self.two_factor.disable(&account.id).await?;
        let now = self.clock.now();
        users::update(self.app.table.as_ref(), &account.id, |u| UserRecord { two_factor: false, updated_at: now, ..u })
            .await?;
        tracing::info!(user = %account.id, "two-factor sign-in off");
        r2w_http::no_content()
    }

    /// The second step of a sign-in: the challenge from the first, and a code.
    async fn second_factor(&self, request: &Request) -> Result<Response<Body>, Error> {
        let body: SecondFactorBody = r2w_http::json_body(request, false)?;
        let pending = self.one_time.peek(&body.challenge, &[Kind::SecondFactor]).await?.ok_or(Error::Unauthorized)?;
        self.check_code(&pending.user_id, &body.code).await?;
        self.one_time.redeem(&body.challenge, &[Kind::SecondFactor]).await?.ok_or(Error::Unauthorized)?;
        self.signed_in(request, 200, &pending.user_id).await
    }

    /// A code or recovery code for `user`, with wrong ones counted and limited.
    async fn check_code(&self, user: &UserId, code: &str) -> Result<Proof, Error> {
        self.limiter.check(rate_limit::SECOND_FACTOR_FAILURES_PER_USER, user.as_str()).await?;
        match self.two_factor.verify(user, code).await? {
            Some(proof) => {
                self.limiter.clear(rate_limit::SECOND_FACTOR_FAILURES_PER_USER, user.as_str()).await?;
                if let Proof::RecoveryCode { left } = proof {
                    tracing::info!(user = %user, left, "a recovery code was used");
                }
                Ok(proof)
            }
            None => {
                self.limiter.hit(rate_limit::SECOND_FACTOR_FAILURES_PER_USER, user.as_str()).await?;
                tracing::warn!(user = %user, "a wrong two-factor code");
                Err(wrong_code())
            }
        }
    }

    /// The answer to a right password (or provider) for an account with two-factor on.
    pub(crate) async fn challenge(&self, user: &UserId) -> Result<Response<Body>, Error> {
        let challenge = self.one_time.issue(user, Purpose::SecondFactor, one_time::SECOND_FACTOR_LIFETIME).await?;
        r2w_http::json(
            202,
            &SecondFactorRequired {
                second_factor: "totp".into(),
                challenge,
                expires_in: one_time::SECOND_FACTOR_LIFETIME.as_secs(),
            },
        )
    }

    async fn list_sessions(&self, request: &Request) -> Result<Response<Body>, Error> {
        let (account, verified) = self.account(request).await?;
        let current = verified.session.as_ref().map(|s| s.id.as_str());
        let sessions: Vec<SignedInSession> = self.sessions.list(&account.id, current).await?;
        r2w_http::json(200, &sessions)
    }

    async fn revoke_session(&self, request: &Request, id: &str) -> Result<Response<Body>, Error> {
        let (account, _) = self.account(request).await?;
        if !self.sessions.revoke(&account.id, id).await? {
            return Err(Error::NotFound("session".into()));
        }
        tracing::info!(user = %account.id, "a session was ended by its owner");
        r2w_http::no_content()
    }

    /// The caller's account and what their token says.
    async fn account(&self, request: &Request) -> Result<(UserRecord, Verified), Error> {
        let (verified, account) = self.tokens.authenticate_account(self.app.table.as_ref(), request).await?;
        Ok((account, verified))
    }

    async fn reauthenticate(
        &self,
        account: &UserRecord,
        verified: &Verified,
        password: Option<SecretString>,
    ) -> Result<(), Error> {
        self.reauthenticate_with(account, verified, password, "/password").await
    }

    /// The password when the account has one (wrong ones count as failed sign-ins); else a
    /// sign-in of the last ten minutes.
    async fn reauthenticate_with(
        &self,
        account: &UserRecord,
        verified: &Verified,
        password: Option<SecretString>,
        pointer: &str,
    ) -> Result<(), Error> {
        if account.password_hash.is_none() {
            let now = self.clock.unix_now();
            let fresh = verified.session.as_ref().is_some_and(|s| now - s.signed_in_at <= FRESH_SIGN_IN_SECS);
            return if fresh { Ok(()) } else { Err(Error::Forbidden) };
        }
        let password =
            password.ok_or_else(|| Error::InvalidField { pointer: pointer.into(), detail: "is required".into() })?;
        let email = account.email.as_str();
        self.limiter.check(rate_limit::LOGIN_FAILURES_PER_EMAIL, email).await?;
        if self.accounts.password_matches(account, password).await? {
            return Ok(());
        }
        self.limiter.hit(rate_limit::LOGIN_FAILURES_PER_EMAIL, email).await?;
        Err(Error::InvalidField { pointer: pointer.into(), detail: "is not the account's password".into() })
    }
}

fn lang(account: &UserRecord) -> Lang {
    Lang::negotiate(account.language.as_deref().unwrap_or("en"))
}

fn invalid_link(pointer: &str) -> Error {
    Error::InvalidField {
        pointer: pointer.into(),
        detail: "this link has been used or has expired; ask for a new one".into(),
    }
}

fn wrong_code() -> Error {
    Error::InvalidField { pointer: "/code".into(), detail: "is not a valid code".into() }
}

fn accepted(message: &str) -> Result<Response<Body>, Error> {
    r2w_http::json(202, &Accepted { message: message.into() })
}
