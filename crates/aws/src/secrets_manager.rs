//! The cloud Secrets adapter: Secrets Manager, each value cached per container.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use r2w_core::error::Detail;
use r2w_core::secrets::{SecretString, Secrets, SecretsError};

/// Secrets Manager, with each value cached for `ttl` per container: one call per cold start and
/// rotation period instead of one per request.
pub struct SecretsManagerSecrets {
    client: Client,
    prefix: String,
    ttl: Duration,
    cache: Mutex<HashMap<String, (SecretString, Instant)>>,
}

impl SecretsManagerSecrets {
    pub fn new(client: Client, prefix: impl Into<String>, ttl: Duration) -> Self {
        Self { client, prefix: prefix.into(), ttl, cache: Mutex::new(HashMap::new()) }
    }

    fn cached(&self, name: &str) -> Option<SecretString> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.get(name).filter(|(_, at)| at.elapsed() < self.ttl).map(|(v, _)| v.clone())
    }
}

#[async_trait]
impl Secrets for SecretsManagerSecrets {
    async fn get(&self, name: &str) -> Result<SecretString, SecretsError> {
        if let Some(value) = self.cached(name) {
            return Ok(value);
        }
        let id = format!("{}{name}", self.prefix);
        let out = self.client.get_secret_value().secret_id(&id).send().await.map_err(|e| {
            let transient = match &e {
                SdkError::ServiceError(ctx) if ctx.err().code() == Some("ResourceNotFoundException") => {
                    return SecretsError::NotFound(id.clone());
                }
                SdkError::ServiceError(ctx) => {
                    matches!(ctx.err().code(), Some("InternalServiceError" | "ThrottlingException"))
                }
                SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
                _ => false,
            };
            let detail = Detail::new(format!("reading secret {id}"), e);
            if transient { SecretsError::Unavailable(detail) } else { SecretsError::Backend(detail) }
        })?;
        let value = out
            .secret_string
            .map(SecretString::from)
            .ok_or_else(|| SecretsError::NotFound(format!("{id} (no string value)")))?;
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).insert(name.to_owned(), (value.clone(), Instant::now()));
        Ok(value)
    }

    fn backend(&self) -> &'static str {
        "secretsmanager"
    }
}
