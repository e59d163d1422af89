//! The Secrets contract, run against both adapters: `env::*` (environment variables) and
//! `secretsmanager::*` (Secrets Manager API, served by a local moto server).

use std::sync::Arc;
use std::time::Duration;

use r2w_aws::SecretsManagerSecrets;
use r2w_core::secrets::{EnvSecrets, ExposeSecret, Secrets, SecretsError};

/// A store holding `values` (logical name -> value), and a way to change one afterwards.
struct Subject {
    secrets: Arc<dyn Secrets>,
    rotate: Option<(aws_sdk_secretsmanager::Client, String)>,
}

async fn env(values: &[(&str, &str)], _ttl: Duration) -> Subject {
    let vars = values.iter().map(|(k, v)| (r2w_core::secrets::env_var_name(k), v.to_string()));
    Subject { secrets: Arc::new(EnvSecrets::from_vars(vars)), rotate: None }
}

async fn secretsmanager(values: &[(&str, &str)], ttl: Duration) -> Subject {
    let client = aws_sdk_secretsmanager::Client::new(&r2w_tests::emulator_sdk(&r2w_tests::emulator()).await);
    let prefix = format!("{}/", r2w_tests::unique("secrets"));
    for (name, value) in values {
        client
            .create_secret()
            .name(format!("{prefix}{name}"))
            .secret_string(*value)
            .send()
            .await
            .expect("create secret");
    }
    Subject {
        secrets: Arc::new(SecretsManagerSecrets::new(client.clone(), &prefix, ttl)),
        rotate: Some((client, prefix)),
    }
}

macro_rules! contract {
    ($($test:ident),* $(,)?) => {
        mod env {
            $(#[tokio::test]
            async fn $test() {
                super::$test(|values, ttl| Box::pin(super::env(values, ttl)), "env").await;
            })*
        }
        mod secretsmanager {
            $(#[tokio::test]
            async fn $test() {
                super::$test(|values, ttl| Box::pin(super::secretsmanager(values, ttl)), "secretsmanager").await;
            })*
        }
    };
}

type Make = for<'a> fn(
    &'a [(&'a str, &'a str)],
    Duration,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Subject> + 'a>>;

contract!(a_configured_secret_is_returned, a_missing_secret_is_not_found_and_not_echoed, values_are_cached_for_the_ttl);

async fn a_configured_secret_is_returned(make: Make, backend: &str) {
    let subject = make(
        &[("anthropic-api-key", "sk-ant-test-value"), ("stripe-secret-key", "sk_test_value")],
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(subject.secrets.backend(), backend);
    let value = subject.secrets.get("anthropic-api-key").await.expect("configured");
    assert_eq!(value.expose_secret(), "sk-ant-test-value");
    assert_eq!(subject.secrets.get("stripe-secret-key").await.expect("configured").expose_secret(), "sk_test_value");
}

async fn a_missing_secret_is_not_found_and_not_echoed(make: Make, _backend: &str) {
    let subject = make(&[("jwt-signing-key", "very-secret-value")], Duration::from_secs(60)).await;
    let err = subject.secrets.get("oauth-github-client-secret").await.expect_err("missing");
    assert!(matches!(err, SecretsError::NotFound(_)), "{err:?}");
    assert!(
        err.to_string().contains("oauth-github-client-secret")
            || err.to_string().contains("OAUTH_GITHUB_CLIENT_SECRET")
    );
    assert!(!err.to_string().contains("very-secret-value"));
}

async fn values_are_cached_for_the_ttl(make: Make, _backend: &str) {
    for (ttl, expect_new) in [(Duration::from_secs(3600), false), (Duration::ZERO, true)] {
        let subject = make(&[("jwt-signing-key", "first")], ttl).await;
        assert_eq!(subject.secrets.get("jwt-signing-key").await.expect("get").expose_secret(), "first");
        let Some((client, prefix)) = &subject.rotate else {
            // Environment variables are read once at cold start: a later change is not seen.
            return;
        };
        client
            .put_secret_value()
            .secret_id(format!("{prefix}jwt-signing-key"))
            .secret_string("second")
            .send()
            .await
            .expect("rotate");
        let now = subject.secrets.get("jwt-signing-key").await.expect("get");
        let expected = if expect_new { "second" } else { "first" };
        assert_eq!(now.expose_secret(), expected, "ttl {ttl:?}");
    }
}
