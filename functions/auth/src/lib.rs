//! Accounts and sessions: e-mail and password (argon2id), JWT access tokens with rotating
//! refresh tokens, sign-in with Google, LinkedIn and GitHub, e-mail verification, password
//! reset and change, TOTP two-factor sign-in, rate limits on guessing, and account deletion. Access tokens are verified by every function with
//! [`r2w_core::auth_token`]; this crate issues them.
//!
//! See docs/auth.md for the design and the choices behind it.

pub mod accounts;
pub mod http;
pub mod mail;
pub mod oauth;
pub mod one_time;
pub mod openapi;
pub mod password;
pub mod rate_limit;
pub mod security;
pub mod sessions;
pub mod settings;
pub mod two_factor;

pub use http::{AuthApi, SignedIn};
pub use settings::AuthSettings;
