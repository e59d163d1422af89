//! The cloud Secrets adapter: Secrets Manager, each value cached per container.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
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
        let out = self.client.get_secret_value().secret_id(&id).send().await.map_err(|e| match &e {
            SdkError::ServiceError(ctx) if ctx.err().code() == Some("ResourceNotFoundException") => {
                SecretsError::NotFound(id.clone())
            }
            SdkError::ServiceError(ctx)
                if matches!(ctx.err().code(), Some("InternalServiceError" | "ThrottlingException")) =>
            {
                SecretsError::Unavailable(DisplayErrorContext(&e).to_string())
            }
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
                SecretsError::Unavailable(DisplayErrorContext(&e).to_string())
            }
            _ => SecretsError::Backend(DisplayErrorContext(&e).to_string()),
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
