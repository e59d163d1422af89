//! The SDK's configuration. A Lambda function is given its region and credentials in its
//! environment (`AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN`), so it reads them from there and nothing else: aws-config's chain of
//! profile files, SSO, STS and instance metadata is code (and a cold-start cost) a function
//! never uses. The `credential-chain` feature brings the chain back for the r2w command, which
//! an operator may run against AWS with a profile.
//!
//! Every client gets [`https_client`]: the process's own HTTPS client (`r2w_http::http_client`,
//! rustls with *ring*), instead of the SDK's hyper client and its default TLS stack, aws-lc.

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_types::SdkConfig;
use aws_types::region::Region;
use r2w_core::Error;
use tokio::sync::OnceCell;

use crate::transport::https_client;

/// The configuration every client of this process is made from: made once, so the table, the
/// stores, the pipeline and the mailer share one HTTPS client and its connections.
pub async fn sdk_config() -> Result<SdkConfig, Error> {
    static SDK: OnceCell<SdkConfig> = OnceCell::const_new();
    SDK.get_or_try_init(|| async {
        #[cfg(feature = "credential-chain")]
        {
            Ok(aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(https_client()).load().await)
        }
        #[cfg(not(feature = "credential-chain"))]
        {
            from_environment(|name| std::env::var(name).ok())
        }
    })
    .await
    .cloned()
}

/// The configuration the variables `var` returns describe, as Lambda sets them; `AWS_ENDPOINT_URL`
/// points every client elsewhere (a local emulator).
pub fn from_environment(var: impl Fn(&str) -> Option<String>) -> Result<SdkConfig, Error> {
    let var = |name: &str| var(name).filter(|value| !value.is_empty());
    let missing = |name: &str| {
        Error::Internal(format!(
            "{name} is not set: Lambda sets it; elsewhere set it or build with the credential-chain feature"
        ))
    };
    let region = var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")).ok_or_else(|| missing("AWS_REGION"))?;
    let credentials = Credentials::new(
        var("AWS_ACCESS_KEY_ID").ok_or_else(|| missing("AWS_ACCESS_KEY_ID"))?,
        var("AWS_SECRET_ACCESS_KEY").ok_or_else(|| missing("AWS_SECRET_ACCESS_KEY"))?,
        var("AWS_SESSION_TOKEN"),
        None,
        "environment",
    );
    let mut config = SdkConfig::builder()
        .http_client(https_client())
        .region(Region::new(region))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest());
    config.set_endpoint_url(var("AWS_ENDPOINT_URL"));
    Ok(config.build())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use aws_credential_types::provider::ProvideCredentials;

    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |name| map.get(name).cloned()
    }

    #[tokio::test]
    async fn region_credentials_and_endpoint_come_from_the_variables_lambda_sets() {
        let config = from_environment(vars(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret-example"),
            ("AWS_SESSION_TOKEN", "session-example"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        ]))
        .expect("config");
        assert_eq!(config.region().map(Region::as_ref), Some("eu-west-1"));
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:5000"));
        let provider = config.credentials_provider().expect("credentials provider");
        let credentials = provider.provide_credentials().await.expect("credentials");
        assert_eq!(credentials.access_key_id(), "AKIDEXAMPLE");
        assert_eq!(credentials.secret_access_key(), "secret-example");
        assert_eq!(credentials.session_token(), Some("session-example"));
    }

    #[test]
    fn the_default_region_serves_when_the_region_is_not_set_and_no_endpoint_means_aws() {
        let config = from_environment(vars(&[
            ("AWS_DEFAULT_REGION", "us-west-2"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret-example"),
            ("AWS_ENDPOINT_URL", ""),
        ]))
        .expect("config");
        assert_eq!(config.region().map(Region::as_ref), Some("us-west-2"));
        assert_eq!(config.endpoint_url(), None);
    }

    #[test]
    fn a_missing_credential_is_named_and_its_value_never_shown() {
        for absent in ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
            let mut pairs = vec![
                ("AWS_REGION", "eu-west-1"),
                ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
                ("AWS_SECRET_ACCESS_KEY", "secret-example"),
            ];
            pairs.retain(|(name, _)| *name != absent);
            let error = from_environment(vars(&pairs)).expect_err(absent).to_string();
            assert!(error.contains(absent), "{error}");
            assert!(!error.contains("secret-example") && !error.contains("AKIDEXAMPLE"), "{error}");
        }
    }
}
