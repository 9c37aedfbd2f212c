//! AWS SDK clients pointed at local emulators (moto, dynoxide) for tests and the local runner — never real AWS.

use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};

/// An S3 client for a local S3-compatible server at `endpoint` (e.g. moto's `http://127.0.0.1:PORT`): static
/// dummy credentials `test`/`test`, region `us-east-1`, path-style addressing, and checksums only where an
/// operation requires them (the SDK's default CRC32 headers upset non-AWS servers).
pub async fn local_s3_client(endpoint: &str) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "static"))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// Create `bucket` if it does not exist yet (for tests and local set-up).
pub async fn create_bucket(
    client: &aws_sdk_s3::Client,
    bucket: &str,
) -> Result<(), aws_sdk_s3::Error> {
    match client.create_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = aws_sdk_s3::Error::from(e);
            if matches!(
                e,
                aws_sdk_s3::Error::BucketAlreadyOwnedByYou(_)
                    | aws_sdk_s3::Error::BucketAlreadyExists(_)
            ) {
                Ok(())
            } else {
                Err(e)
            }
        }
    }
}

/// A DynamoDB client for a local DynamoDB-compatible server at `endpoint` (moto, dynoxide): static dummy
/// credentials `test`/`test`, region `us-east-1`. Nothing is read from the environment, so a developer's AWS
/// profile can never redirect it to real AWS.
pub async fn local_client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "static",
        ))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

/// [`local_client`] with an SDK interceptor added (tests record every operation the store adapter issues, e.g. to
/// prove it never calls `Scan`).
pub async fn local_client_with_interceptor(
    endpoint: &str,
    interceptor: impl aws_sdk_dynamodb::config::Intercept + 'static,
) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "static",
        ))
        .endpoint_url(endpoint)
        .interceptor(interceptor)
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}
