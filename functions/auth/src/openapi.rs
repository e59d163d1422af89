//! The auth API's operations in the OpenAPI document (docs/openapi.json). Each function below
//! stands for one route of `AuthApi::route`; only its attribute is read.
#![allow(dead_code)]

use utoipa::OpenApi;

use r2w_shared::error::Problem;

use crate::accounts::UserView;
use crate::http::{ExchangeBody, LoginBody, RefreshBody, RegisterBody, SignedIn};
use crate::sessions::TokenPair;

#[derive(OpenApi)]
#[openapi(
    paths(register, login, refresh, logout, logout_all, me, delete_me, oauth_start, oauth_callback, oauth_exchange),
    components(schemas(SignedIn, UserView, TokenPair))
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
    (status = 401, description = "Unknown, used or expired code.", body = Problem, content_type = "application/problem+json"),
))]
fn oauth_exchange() {}
