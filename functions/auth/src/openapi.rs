//! The auth API's operations in the OpenAPI document (docs/openapi.json). Each function below
//! stands for one route of `AuthApi::route`; only its attribute is read.
#![allow(dead_code)]

use utoipa::OpenApi;

use r2w_core::error::Problem;

use crate::accounts::UserView;
use crate::http::{ExchangeBody, LoginBody, RefreshBody, RegisterBody, SignedIn};
use crate::security::{
    Accepted, ChangeEmailBody, ChangePasswordBody, CodeBody, DisableTwoFactorBody, ForgotBody, ReauthBody,
    RecoveryCodes, ResetBody, SecondFactorBody, SecondFactorRequired, TokenBody,
};
use crate::sessions::{SignedInSession, TokenPair};
use crate::two_factor::Enrolment;

#[derive(OpenApi)]
#[openapi(
    paths(
        register,
        login,
        refresh,
        logout,
        logout_all,
        me,
        delete_me,
        oauth_start,
        oauth_callback,
        oauth_exchange,
        verify_email,
        resend_verification,
        change_email,
        forgot_password,
        reset_password,
        change_password,
        enrol_totp,
        confirm_totp,
        disable_totp,
        second_factor,
        sessions,
        revoke_session
    ),
    components(schemas(
        SignedIn,
        UserView,
        TokenPair,
        SecondFactorRequired,
        Accepted,
        Enrolment,
        RecoveryCodes,
        SignedInSession
    ))
)]
pub struct AuthDoc;

/// Opens an account with an e-mail address and a password, and signs it in.
#[utoipa::path(post, path = "/v1/auth/register", tag = "auth", request_body = RegisterBody, responses(
    (status = 201, description = "Registered and signed in.", body = SignedIn),
    (status = 409, description = "The address has an account.", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "An invalid address or name, or a weak password.", body = Problem, content_type = "application/problem+json"),
))]
fn register() {}

/// Signs in with an e-mail address and a password.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginBody, responses(
    (status = 200, description = "Signed in.", body = SignedIn),
    (status = 202, description = "The password is right and the account wants a code from its authenticator: `POST /v1/auth/2fa/verify` with the challenge.", body = SecondFactorRequired),
    (status = 401, description = "The address and password do not match (one answer for every mismatch).", body = Problem, content_type = "application/problem+json"),
))]
fn login() {}

/// Trades a refresh token for a new pair; the old refresh token is spent.
#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth", request_body = RefreshBody, responses(
    (status = 200, description = "A new pair.", body = SignedIn),
    (status = 401, description = "Unknown, spent, expired or revoked.", body = Problem, content_type = "application/problem+json"),
))]
fn refresh() {}

/// Ends the session of a refresh token.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", request_body = RefreshBody, responses(
    (status = 204, description = "Ended (also when it had already ended)."),
))]
fn logout() {}

/// Ends every session and access token of the account.
#[utoipa::path(post, path = "/v1/auth/logout-all", tag = "auth", security(("bearer" = [])), responses(
    (status = 204, description = "Every session ended."),
))]
fn logout_all() {}

/// The account.
#[utoipa::path(get, path = "/v1/auth/me", tag = "auth", security(("bearer" = [])), responses(
    (status = 200, description = "The account.", body = UserView),
))]
fn me() {}

/// Deletes the account and everything it owns: originals, CVs, sites.
#[utoipa::path(delete, path = "/v1/auth/me", tag = "auth", security(("bearer" = [])), responses(
    (status = 204, description = "Deleted."),
))]
fn delete_me() {}

/// Starts a sign-in with a provider: redirects to it.
#[utoipa::path(get, path = "/v1/auth/oauth/{provider}/start", tag = "auth",
    params(
        ("provider" = String, Path, description = "google or github"),
        ("redirect_uri" = String, Query, description = "Where the frontend wants the person back (an allowed origin)."),
    ),
    responses(
        (status = 302, description = "To the provider's consent page."),
        (status = 404, description = "No such provider, or it is not configured.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A redirect_uri outside the allowed origins.", body = Problem, content_type = "application/problem+json"),
    ))]
fn oauth_start() {}

/// Where the provider sends the person back: redirects to the frontend with a one-time
/// `login_code`, or an `error`.
#[utoipa::path(get, path = "/v1/auth/oauth/{provider}/callback", tag = "auth",
    params(("provider" = String, Path, description = "google or github")),
    responses(
        (status = 302, description = "Back to the frontend."),
        (status = 404, description = "No such provider.", body = Problem, content_type = "application/problem+json"),
    ))]
fn oauth_callback() {}

/// Trades the one-time `login_code` of a provider sign-in for tokens.
#[utoipa::path(post, path = "/v1/auth/oauth/exchange", tag = "auth", request_body = ExchangeBody, responses(
    (status = 200, description = "Signed in.", body = SignedIn),
    (status = 202, description = "The account wants a code from its authenticator.", body = SecondFactorRequired),
    (status = 401, description = "Unknown, used or expired code.", body = Problem, content_type = "application/problem+json"),
))]
fn oauth_exchange() {}

/// Confirms an address from the link mailed to it: the account's own (after sign-up) or the
/// new one it is moving to. The token is the link's `#token=`.
#[utoipa::path(post, path = "/v1/auth/email/verify", tag = "auth", request_body = TokenBody, responses(
    (status = 204, description = "Confirmed."),
    (status = 409, description = "The new address belongs to another account now.", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "The link was used, has expired, or is not one of ours.", body = Problem, content_type = "application/problem+json"),
))]
fn verify_email() {}

/// Mails the verification link again (five an hour).
#[utoipa::path(post, path = "/v1/auth/email/verification", tag = "auth", security(("bearer" = [])), responses(
    (status = 202, description = "On its way.", body = Accepted),
    (status = 409, description = "The address is already verified.", body = Problem, content_type = "application/problem+json"),
))]
fn resend_verification() {}

/// Starts moving the account to another address: a link goes to the new one, and the move
/// happens when it is opened (the old address is then told). Needs a verified address, and
/// the password (or, without one, a sign-in of the last ten minutes).
#[utoipa::path(post, path = "/v1/auth/email", tag = "auth", security(("bearer" = [])), request_body = ChangeEmailBody, responses(
    (status = 202, description = "A link is on its way to the new address.", body = Accepted),
    (status = 403, description = "No password on the account and no recent sign-in: sign in again.", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Another account uses the address.", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "A wrong password, an invalid or unchanged address, or an unverified current address.", body = Problem, content_type = "application/problem+json"),
))]
fn change_email() {}

/// Asks for a password-reset link. The same answer whether or not the address has an
/// account; limited per address and per IP.
#[utoipa::path(post, path = "/v1/auth/password/forgot", tag = "auth", request_body = ForgotBody, responses(
    (status = 202, description = "If the address has an account, a link is on its way.", body = Accepted),
    (status = 422, description = "Not an e-mail address.", body = Problem, content_type = "application/problem+json"),
))]
fn forgot_password() {}

/// Sets a new password with the mailed link's token (30 minutes, once). The address counts
/// as verified from then on, and every session of the account ends.
#[utoipa::path(post, path = "/v1/auth/password/reset", tag = "auth", request_body = ResetBody, responses(
    (status = 204, description = "Set; sign in with it."),
    (status = 422, description = "A used, expired or unknown link, or a weak password (the link then still works).", body = Problem, content_type = "application/problem+json"),
))]
fn reset_password() {}

/// Changes the password: needs the current one (an account without one: a sign-in of the last
/// ten minutes). Every other session ends; the answer is a new session.
#[utoipa::path(post, path = "/v1/auth/password", tag = "auth", security(("bearer" = [])), request_body = ChangePasswordBody, responses(
    (status = 200, description = "Changed and signed in again.", body = SignedIn),
    (status = 403, description = "No password on the account and no recent sign-in: sign in again.", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "A wrong current password, or a weak new one.", body = Problem, content_type = "application/problem+json"),
))]
fn change_password() {}

/// Starts turning on two-factor sign-in: a new TOTP secret, as an `otpauth://` URI (for a QR
/// code) and as text. Nothing changes until a code confirms it.
#[utoipa::path(post, path = "/v1/auth/2fa/totp", tag = "auth", security(("bearer" = [])), request_body = ReauthBody, responses(
    (status = 200, description = "The secret to add to an authenticator.", body = Enrolment),
    (status = 403, description = "No password on the account and no recent sign-in: sign in again.", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Two-factor sign-in is already on.", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "A wrong password.", body = Problem, content_type = "application/problem+json"),
))]
fn enrol_totp() {}

/// Turns two-factor sign-in on with a first code; answers ten recovery codes, shown this once.
#[utoipa::path(post, path = "/v1/auth/2fa/totp/confirm", tag = "auth", security(("bearer" = [])), request_body = CodeBody, responses(
    (status = 200, description = "On.", body = RecoveryCodes),
    (status = 409, description = "Nothing to confirm, or already on.", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "A wrong code.", body = Problem, content_type = "application/problem+json"),
))]
fn confirm_totp() {}

/// Turns two-factor sign-in off: the password (or a recent sign-in) and a code.
#[utoipa::path(delete, path = "/v1/auth/2fa/totp", tag = "auth", security(("bearer" = [])), request_body = DisableTwoFactorBody, responses(
    (status = 204, description = "Off."),
    (status = 403, description = "No password on the account and no recent sign-in: sign in again.", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "It is off.", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "A wrong password or code.", body = Problem, content_type = "application/problem+json"),
))]
fn disable_totp() {}

/// The second step of a sign-in: the challenge and a code from the authenticator, or a
/// recovery code (each works once). Five wrong codes make the account wait.
#[utoipa::path(post, path = "/v1/auth/2fa/verify", tag = "auth", request_body = SecondFactorBody, responses(
    (status = 200, description = "Signed in.", body = SignedIn),
    (status = 401, description = "An unknown, used or expired challenge: sign in again.", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "A wrong code.", body = Problem, content_type = "application/problem+json"),
))]
fn second_factor() {}

/// The account's signed-in sessions, most recently used first.
#[utoipa::path(get, path = "/v1/auth/sessions", tag = "auth", security(("bearer" = [])), responses(
    (status = 200, description = "The sessions.", body = Vec<SignedInSession>),
))]
fn sessions() {}

/// Ends one session: its refresh token stops working at once.
#[utoipa::path(delete, path = "/v1/auth/sessions/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = String, Path, description = "A session's id from the list.")),
    responses(
        (status = 204, description = "Ended."),
        (status = 404, description = "No such session of this account.", body = Problem, content_type = "application/problem+json"),
    ))]
fn revoke_session() {}
