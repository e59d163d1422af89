//! The auth function's settings, read once at cold start like [`r2w_shared::Config`]:
//! which providers are on, where they live, and where sign-ins may return to.
//!
//! | variable | meaning |
//! | --- | --- |
//! | `R2W_FRONTEND_ORIGINS` | comma-separated origins a sign-in may return to (default: the public URL's) |
//! | `R2W_OAUTH_GOOGLE_CLIENT_ID` | turns Google on; `R2W_OAUTH_GOOGLE_ISSUER` (default `https://accounts.google.com`) |
//! | `R2W_OAUTH_LINKEDIN_CLIENT_ID` | turns LinkedIn on; `R2W_OAUTH_LINKEDIN_ISSUER` (default `https://www.linkedin.com/oauth`) |
//! | `R2W_OAUTH_GITHUB_CLIENT_ID` | turns GitHub on; `R2W_OAUTH_GITHUB_URL` (default `https://github.com`), `R2W_OAUTH_GITHUB_API_URL` (default `https://api.github.com`) |
//!
//! Client secrets are secrets (`oauth-google-client-secret`, ...; locally
//! `OAUTH_GOOGLE_CLIENT_SECRET`, ...). Provider URLs must be https, except on loopback
//! addresses, where the tests run their local provider.

use std::collections::HashMap;

use r2w_shared::config::ConfigError;
use url::{Origin, Url};

#[derive(Debug, Clone, PartialEq)]
pub struct AuthSettings {
    /// Where the API is reached; provider callbacks come back to it.
    pub public_url: Url,
    pub frontend_origins: Vec<Origin>,
    pub providers: Vec<ProviderSettings>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderSettings {
    /// `google`, `linkedin` or `github`: the path segment and the identity's provider.
    pub name: &'static str,
    pub client_id: String,
    pub kind: ProviderKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProviderKind {
    /// OpenID Connect: endpoints from `{issuer}/.well-known/openid-configuration`.
    Oidc { issuer: Url, scopes: &'static str, also_accepted_issuers: Vec<String> },
    /// GitHub's OAuth 2 apps: `{web}/login/oauth/...` and the REST API for the profile.
    GitHub { web: Url, api: Url },
}

impl ProviderSettings {
    pub fn client_secret_name(&self) -> String {
        format!("oauth-{}-client-secret", self.name)
    }
}

impl AuthSettings {
    pub fn from_env(public_url: &Url) -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars(), public_url)
    }

    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>, public_url: &Url) -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> =
            vars.into_iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (k, v.trim().to_owned())).collect();
        let mut problems = Vec::new();

        let frontend_origins = match vars.get("R2W_FRONTEND_ORIGINS") {
            None => vec![public_url.origin()],
            Some(list) => list
                .split(',')
                .filter_map(|entry| match Url::parse(entry.trim()) {
                    Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Some(url.origin()),
                    _ => {
                        problems.push(format!("R2W_FRONTEND_ORIGINS: {:?} is not an http(s) origin", entry.trim()));
                        None
                    }
                })
                .collect(),
        };

        let mut url = |name: &str, default: &str| -> Option<Url> {
            let value = vars.get(name).map_or(default, String::as_str);
            match Url::parse(value) {
                Ok(url) if url.scheme() == "https" || (url.scheme() == "http" && is_loopback(&url)) => Some(url),
                _ => {
                    problems.push(format!("{name} must be an https URL (http only on a loopback address)"));
                    None
                }
            }
        };
        let mut providers = Vec::new();
        if let Some(client_id) = vars.get("R2W_OAUTH_GOOGLE_CLIENT_ID")
            && let Some(issuer) = url("R2W_OAUTH_GOOGLE_ISSUER", "https://accounts.google.com")
        {
            // Google's ID tokens may name the issuer without the scheme.
            let bare = issuer.as_str().trim_end_matches('/').trim_start_matches("https://").to_owned();
            providers.push(ProviderSettings {
                name: "google",
                client_id: client_id.clone(),
                kind: ProviderKind::Oidc { issuer, scopes: "openid email profile", also_accepted_issuers: vec![bare] },
            });
        }
        if let Some(client_id) = vars.get("R2W_OAUTH_LINKEDIN_CLIENT_ID")
            && let Some(issuer) = url("R2W_OAUTH_LINKEDIN_ISSUER", "https://www.linkedin.com/oauth")
        {
            providers.push(ProviderSettings {
                name: "linkedin",
                client_id: client_id.clone(),
                kind: ProviderKind::Oidc { issuer, scopes: "openid profile email", also_accepted_issuers: vec![] },
            });
        }
        if let Some(client_id) = vars.get("R2W_OAUTH_GITHUB_CLIENT_ID")
            && let (Some(web), Some(api)) = (
                url("R2W_OAUTH_GITHUB_URL", "https://github.com"),
                url("R2W_OAUTH_GITHUB_API_URL", "https://api.github.com"),
            )
        {
            providers.push(ProviderSettings {
                name: "github",
                client_id: client_id.clone(),
                kind: ProviderKind::GitHub { web, api },
            });
        }

        if problems.is_empty() {
            Ok(Self { public_url: public_url.clone(), frontend_origins, providers })
        } else {
            Err(ConfigError { problems })
        }
    }

    pub fn provider(&self, name: &str) -> Option<&ProviderSettings> {
        self.providers.iter().find(|p| p.name == name)
    }

    /// Whether a sign-in may return to `url`: its origin is on the list. Anything else would
    /// make us an open redirect that hands a login code to whoever asks.
    pub fn allows_return_to(&self, url: &Url) -> bool {
        self.frontend_origins.contains(&url.origin()) && url.username().is_empty() && url.password().is_none()
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn public() -> Url {
        Url::parse("https://api.example.com").expect("url")
    }

    #[test]
    fn providers_are_on_when_they_have_a_client_id() {
        let settings = AuthSettings::from_vars(
            vars(&[("R2W_OAUTH_GOOGLE_CLIENT_ID", "g"), ("R2W_OAUTH_GITHUB_CLIENT_ID", "h")]),
            &public(),
        )
        .expect("valid");
        assert_eq!(settings.providers.iter().map(|p| p.name).collect::<Vec<_>>(), ["google", "github"]);
        let Some(ProviderSettings { kind: ProviderKind::Oidc { issuer, also_accepted_issuers, .. }, .. }) =
            settings.provider("google")
        else {
            panic!("google is OIDC")
        };
        assert_eq!(
            (issuer.as_str(), also_accepted_issuers[0].as_str()),
            ("https://accounts.google.com/", "accounts.google.com")
        );
        assert!(settings.provider("linkedin").is_none());
    }

    #[test]
    fn only_listed_origins_are_returned_to() {
        let settings = AuthSettings::from_vars(
            vars(&[("R2W_FRONTEND_ORIGINS", "https://app.example.com, http://localhost:5173")]),
            &public(),
        )
        .expect("valid");
        let allowed = |u: &str| settings.allows_return_to(&Url::parse(u).expect("url"));
        assert!(allowed("https://app.example.com/after-login?x=1"));
        assert!(allowed("http://localhost:5173/"));
        assert!(!allowed("https://app.example.com.evil.com/"));
        assert!(!allowed("http://app.example.com/"), "another scheme is another origin");
        assert!(!allowed("https://app.example.com:444/"));
        assert!(!allowed("https://evil@app.example.com/"), "no credentials in the URL");
        assert!(!allowed("javascript:alert(1)"));
    }

    #[test]
    fn provider_urls_must_be_https_except_on_loopback() {
        let err = AuthSettings::from_vars(
            vars(&[("R2W_OAUTH_GITHUB_CLIENT_ID", "h"), ("R2W_OAUTH_GITHUB_URL", "http://github.example.com")]),
            &public(),
        )
        .expect_err("plain http");
        assert!(err.to_string().contains("R2W_OAUTH_GITHUB_URL"), "{err}");
        AuthSettings::from_vars(
            vars(&[("R2W_OAUTH_GITHUB_CLIENT_ID", "h"), ("R2W_OAUTH_GITHUB_URL", "http://127.0.0.1:9000")]),
            &public(),
        )
        .expect("loopback is for tests");
    }
}
