//! GitHub (OAuth 2, no OpenID Connect): the person is whoever GitHub's REST API says the access
//! token belongs to, with their primary verified e-mail address.

use r2w_core::Error;
use r2w_core::model::Email;
use r2w_core::records::users::Identity;
use serde::Deserialize;
use url::Url;

use super::{Exchange, Problem, read_json};
use crate::accounts::ProviderProfile;

pub(super) const SCOPES: &str = "read:user user:email";

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    access_token: Option<String>,
    /// GitHub answers a refused code with 200 and `{"error": ...}`.
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct User {
    id: u64,
    #[serde(default)]
    name: Option<String>,
    login: String,
}

#[derive(Deserialize)]
struct EmailEntry {
    email: String,
    primary: bool,
    verified: bool,
}

pub(super) fn authorize_url(web: &Url) -> Result<Url, Error> {
    web.join("/login/oauth/authorize").map_err(|e| Error::internal("GitHub URL", e))
}

pub(super) async fn sign_in(exchange: &Exchange<'_>, web: &Url, api: &Url) -> Result<ProviderProfile, Problem> {
    let token_url = web.join("/login/oauth/access_token").map_err(|e| Problem::new("server_error", e.to_string()))?;
    let tokens: TokenResponse = exchange.tokens(&token_url).await?;
    let token = match (tokens.access_token, tokens.error) {
        (Some(token), None) => token,
        (_, error) => return Err(Problem::new("provider_error", format!("GitHub refused the code: {error:?}"))),
    };
    let endpoint = |path: &str| {
        let base = format!("{}/", api.as_str().trim_end_matches('/'));
        Url::parse(&base).and_then(|b| b.join(path)).map_err(|e| Problem::new("server_error", e.to_string()))
    };
    let get = |url: Url| {
        exchange
            .http
            .get(url)
            .bearer_auth(&token)
            .header("accept", "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28")
    };
    let user: User = read_json(get(endpoint("user")?), "GitHub user").await?;
    let emails: Vec<EmailEntry> = read_json(get(endpoint("user/emails")?), "GitHub e-mails").await?;
    let chosen =
        emails.iter().filter(|e| e.verified).max_by_key(|e| e.primary).ok_or_else(|| {
            Problem::new("email_not_verified", "GitHub has no verified e-mail address for this account")
        })?;
    let email = Email::parse(&chosen.email).map_err(|e| Problem::new("invalid_response", e.to_string()))?;
    Ok(ProviderProfile {
        identity: Identity { provider: "github".into(), subject: user.id.to_string() },
        email,
        email_verified: true,
        full_name: user.name.filter(|n| !n.trim().is_empty()).or(Some(user.login)),
    })
}
