//! What the contract suites share: the local AWS emulator's address and unique names, so tests
//! running in parallel against one emulator never see each other's tables, buckets or secrets.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;

/// The moto server that `make test` starts (scripts/test.sh). Without it the AWS half of a
/// contract suite cannot run, and it fails loudly rather than pass without testing anything.
pub fn aws_endpoint() -> String {
    std::env::var("R2W_TEST_AWS_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "R2W_TEST_AWS_ENDPOINT is not set: the AWS adapters are tested against a local moto server. \
             Run `make test`, or start `moto_server -p 5000` and export R2W_TEST_AWS_ENDPOINT=http://127.0.0.1:5000"
        )
    })
}

pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(aws_endpoint())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "r2w-tests"))
        .load()
        .await
}

/// A name no other test uses: lower case, S3- and DynamoDB-safe.
pub fn unique(kind: &str) -> String {
    format!("r2w-{kind}-{}", uuid::Uuid::new_v4().simple())
}
