//! The auth function's settings, read once at cold start like [`r2w_core::Config`]:
//! which providers are on, where they live, and where sign-ins may return to.
//!
//! | variable | meaning |
//! | --- | --- |
//! | `R2W_FRONTEND_ORIGINS` | comma-separated origins a sign-in may return to (default: the public URL's) |
//! | `R2W_OAUTH_GOOGLE_CLIENT_ID` | turns Google on; `R2W_OAUTH_GOOGLE_ISSUER` (default `https://accounts.google.com`) |
//! | `R2W_OAUTH_LINKEDIN_CLIENT_ID` | turns LinkedIn on; `R2W_OAUTH_LINKEDIN_ISSUER` (default `https://www.linkedin.com/oauth`) |
//! | `R2W_OAUTH_GITHUB_CLIENT_ID` | turns GitHub on; `R2W_OAUTH_GITHUB_URL` (default `https://github.com`), `R2W_OAUTH_GITHUB_API_URL` (default `https://api.github.com`) |
//!
//! | `R2W_APP_URL` | where links in mail open the web app (default: the first frontend origin) |
//! | `R2W_MAIL` | `mailbox` (the embedded default: `.eml` files in `data/mailbox`), `smtp`, or `ses` (the default with `R2W_BACKEND=aws`) |
//! | `R2W_MAIL_FROM` | the sender, e.g. `Resume2Website <no-reply@example.com>` (required for smtp and ses) |
//! | `R2W_SMTP_HOST`, `R2W_SMTP_PORT` | the SMTP server (port 587 by default) |
//! | `R2W_SMTP_SECURITY` | `starttls` (default), `tls` (implicit, port 465), or `none` (only towards a loopback address) |
//! | `R2W_SMTP_USERNAME` | signs in to the server with the secret `smtp-password` (locally `SMTP_PASSWORD`) |
//! | `R2W_SMTP_CA_FILE` | a PEM certificate to trust besides the public roots (a private relay) |
//!
//! Client secrets are secrets (`oauth-google-client-secret`, ...; locally
//! `OAUTH_GOOGLE_CLIENT_SECRET`, ...). Provider URLs must be https, except on loopback
//! addresses, where the tests run their local provider.

use std::collections::HashMap;
use std::path::PathBuf;

use lettre::message::Mailbox;
use r2w_core::config::ConfigError;
use url::{Origin, Url};

#[derive(Debug, Clone, PartialEq)]
pub struct AuthSettings {
    /// Where the API is reached; provider callbacks come back to it.
    pub public_url: Url,
    pub frontend_origins: Vec<Origin>,
    pub providers: Vec<ProviderSettings>,
    /// Where links in mail open the web app.
    pub app_url: Url,
    pub mail: MailSettings,
}

/// Who sends the mail, and as whom.
#[derive(Debug, Clone, PartialEq)]
pub enum MailSettings {
    Mailbox { from: Mailbox },
    Smtp { from: Mailbox, smtp: SmtpSettings },
    Ses { from: Mailbox },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    None,
}

/// The sender when none is configured: only the local mailbox ever shows it.
const LOCAL_SENDER: &str = "Resume2Website <no-reply@localhost>";

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

        let app_url = match vars.get("R2W_APP_URL").map(|v| Url::parse(v)) {
            None => frontend_origins
                .first()
                .and_then(|origin| Url::parse(&origin.ascii_serialization()).ok())
                .unwrap_or_else(|| public_url.clone()),
            Some(Ok(url)) if matches!(url.scheme(), "http" | "https") => url,
            Some(_) => {
                problems.push("R2W_APP_URL must be an http(s) URL".into());
                public_url.clone()
            }
        };
        let mail = mail_settings(&vars, &mut problems);

        if problems.is_empty() {
            Ok(Self { public_url: public_url.clone(), frontend_origins, providers, app_url, mail })
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

fn mail_settings(vars: &HashMap<String, String>, problems: &mut Vec<String>) -> MailSettings {
    let cloud = vars.get("R2W_BACKEND").is_some_and(|b| b == "aws");
    let kind = vars.get("R2W_MAIL").map_or(if cloud { "ses" } else { "mailbox" }, String::as_str);
    let from = match vars.get("R2W_MAIL_FROM") {
        Some(value) => value.parse::<Mailbox>().unwrap_or_else(|_| {
            problems.push("R2W_MAIL_FROM must be an address such as Resume2Website <no-reply@example.com>".into());
            local_sender()
        }),
        None if kind == "mailbox" => local_sender(),
        None => {
            problems.push(format!("R2W_MAIL_FROM is required when R2W_MAIL={kind}"));
            local_sender()
        }
    };
    match kind {
        "mailbox" => MailSettings::Mailbox { from },
        "ses" => MailSettings::Ses { from },
        "smtp" => {
            let host = vars.get("R2W_SMTP_HOST").cloned().unwrap_or_else(|| {
                problems.push("R2W_SMTP_HOST is required when R2W_MAIL=smtp".into());
                String::new()
            });
            let port = match vars.get("R2W_SMTP_PORT").map(|p| p.parse::<u16>()) {
                None => 587,
                Some(Ok(port)) if port > 0 => port,
                Some(_) => {
                    problems.push("R2W_SMTP_PORT must be a port number".into());
                    587
                }
            };
            let security = match vars.get("R2W_SMTP_SECURITY").map_or("starttls", String::as_str) {
                "starttls" => SmtpSecurity::StartTls,
                "tls" => SmtpSecurity::Tls,
                "none" => SmtpSecurity::None,
                other => {
                    problems.push(format!("R2W_SMTP_SECURITY must be starttls, tls or none, not {other:?}"));
                    SmtpSecurity::StartTls
                }
            };
            let loopback = Url::parse(&format!("smtp://{host}")).is_ok_and(|url| is_loopback(&url));
            if security == SmtpSecurity::None && !loopback {
                problems
                    .push("R2W_SMTP_SECURITY=none is only for a server on this machine (a loopback address)".into());
            }
            MailSettings::Smtp {
                from,
                smtp: SmtpSettings {
                    host,
                    port,
                    security,
                    username: vars.get("R2W_SMTP_USERNAME").cloned(),
                    ca_file: vars.get("R2W_SMTP_CA_FILE").map(PathBuf::from),
                },
            }
        }
        other => {
            problems.push(format!("R2W_MAIL must be mailbox, smtp or ses, not {other:?}"));
            MailSettings::Mailbox { from }
        }
    }
}

fn local_sender() -> Mailbox {
    LOCAL_SENDER.parse().unwrap_or_else(|_| unreachable!("the local sender is a valid mailbox"))
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
    fn mail_goes_to_the_local_mailbox_unless_told_otherwise() {
        let local = AuthSettings::from_vars([], &public()).expect("valid");
        assert!(matches!(local.mail, MailSettings::Mailbox { .. }));
        assert_eq!(local.app_url.as_str(), "https://api.example.com/", "the frontend is the API's origin");
        let cloud = AuthSettings::from_vars(vars(&[("R2W_BACKEND", "aws")]), &public()).expect_err("no sender");
        assert!(cloud.to_string().contains("R2W_MAIL_FROM"), "{cloud}");
        let smtp = AuthSettings::from_vars(
            vars(&[
                ("R2W_MAIL", "smtp"),
                ("R2W_MAIL_FROM", "R2W <no-reply@example.com>"),
                ("R2W_SMTP_HOST", "mail.example.com"),
            ]),
            &public(),
        )
        .expect("valid");
        let MailSettings::Smtp { smtp, .. } = smtp.mail else { panic!("smtp") };
        assert_eq!((smtp.port, smtp.security), (587, SmtpSecurity::StartTls));
        let plain = AuthSettings::from_vars(
            vars(&[
                ("R2W_MAIL", "smtp"),
                ("R2W_MAIL_FROM", "no-reply@example.com"),
                ("R2W_SMTP_HOST", "mail.example.com"),
                ("R2W_SMTP_SECURITY", "none"),
            ]),
            &public(),
        )
        .expect_err("no encryption across a network");
        assert!(plain.to_string().contains("loopback"), "{plain}");
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
