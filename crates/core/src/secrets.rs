//! The Secrets port: API keys and signing keys by name, never logged.
//!
//! A secret has one logical name, e.g. `anthropic-api-key`. In the cloud it is the Secrets
//! Manager secret `{prefix}anthropic-api-key`; locally it is the environment variable
//! `ANTHROPIC_API_KEY` (upper case, `-` and `/` as `_`), usually from `.env`.

use std::collections::HashMap;

use async_trait::async_trait;

pub use secrecy::{ExposeSecret, SecretString};

use crate::error::Detail;

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("secret {0:?} is not configured")]
    NotFound(String),
    #[error("secret store temporarily unavailable: {0}")]
    Unavailable(#[source] Detail),
    #[error("secret store error: {0}")]
    Backend(#[source] Detail),
}

#[async_trait]
pub trait Secrets: Send + Sync {
    async fn get(&self, name: &str) -> Result<SecretString, SecretsError>;
    /// "env" or "secretsmanager", for logs and test names.
    fn backend(&self) -> &'static str;
}

/// The environment variable that holds secret `name` locally.
pub fn env_var_name(name: &str) -> String {
    name.chars().map(|c| if c == '-' || c == '/' { '_' } else { c.to_ascii_uppercase() }).collect()
}

/// Secrets from environment variables, read once (at cold start) into memory.
pub struct EnvSecrets {
    values: HashMap<String, SecretString>,
}

impl EnvSecrets {
    pub fn from_env() -> Self {
        Self::from_vars(std::env::vars())
    }

    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let values = vars.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k, SecretString::from(v))).collect();
        Self { values }
    }
}

#[async_trait]
impl Secrets for EnvSecrets {
    async fn get(&self, name: &str) -> Result<SecretString, SecretsError> {
        let var = env_var_name(name);
        self.values
            .get(&var)
            .cloned()
            .ok_or_else(|| SecretsError::NotFound(format!("{name} (environment variable {var})")))
    }

    fn backend(&self) -> &'static str {
        "env"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_follow_the_convention() {
        assert_eq!(env_var_name("anthropic-api-key"), "ANTHROPIC_API_KEY");
        assert_eq!(env_var_name("oauth/github-client-secret"), "OAUTH_GITHUB_CLIENT_SECRET");
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let value = SecretString::from("sk-test-not-a-real-key".to_owned());
        assert!(!format!("{value:?}").contains("sk-test"));
    }
}
