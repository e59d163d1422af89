//! The cloud adapters behind the core's ports — DynamoDB (table), S3 (blobs), Secrets Manager,
//! CloudFront SaaS Manager (custom domains), Step Functions (pipeline) — and the wiring of a
//! Lambda function's [`App`] from them.

mod cloudfront;
mod dynamo;
mod s3;
mod sdk;
mod secrets_manager;
mod step_functions;
mod transport;

use std::sync::Arc;

pub use cloudfront::CloudFrontDomains;
pub use dynamo::{DynamoTable, GSI1};
use r2w_core::config::AwsSettings;
use r2w_core::domains::{CustomDomains, NoCustomDomains};
use r2w_core::{App, Config, Error};
pub use s3::S3Blobs;
pub use sdk::{from_environment, sdk_config};
pub use secrets_manager::SecretsManagerSecrets;
pub use step_functions::StepFunctionsPipeline;
pub use transport::https_client;

/// The cloud wiring, on [`sdk_config`] (region, credentials, `AWS_ENDPOINT_URL`).
pub async fn app(config: Config, settings: &AwsSettings) -> Result<App, Error> {
    let sdk = sdk_config().await?;
    let domains: Arc<dyn CustomDomains> = match &settings.custom_domains {
        Some(tenancy) => Arc::new(CloudFrontDomains::new(aws_sdk_cloudfront::Client::new(&sdk), tenancy.clone())),
        None => Arc::new(NoCustomDomains),
    };
    Ok(App {
        domains,
        table: Arc::new(DynamoTable::new(aws_sdk_dynamodb::Client::new(&sdk), &settings.table_name)),
        uploads: Arc::new(S3Blobs::new(&sdk, &settings.uploads_bucket, settings.s3_force_path_style)?),
        sites: Arc::new(S3Blobs::new(&sdk, &settings.sites_bucket, settings.s3_force_path_style)?),
        secrets: Arc::new(SecretsManagerSecrets::new(
            aws_sdk_secretsmanager::Client::new(&sdk),
            &config.secrets_prefix,
            config.secrets_cache_ttl,
        )),
        url_signer: None,
        config: Arc::new(config),
    })
}

/// Step Functions executions of the state machine `state_machine_arn`.
pub async fn step_functions(state_machine_arn: &str) -> Result<StepFunctionsPipeline, Error> {
    let sdk = sdk_config().await?;
    Ok(StepFunctionsPipeline::new(aws_sdk_sfn::Client::new(&sdk), state_machine_arn))
}
