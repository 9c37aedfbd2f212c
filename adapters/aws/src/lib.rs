//! The AWS adapters of the platform's ports: the DynamoDB store (and the table created from `template.yaml` on
//! DynamoDB-compatible servers), S3 evidence blobs (feature `s3`), SMS and e-mail through SNS and SES (feature
//! `notify`), and clients pointed at local emulators for tests (feature `emulator`).

#[cfg(feature = "emulator")]
pub mod aws;
pub mod dynamo_store;
#[cfg(feature = "notify")]
pub mod notify_aws;
#[cfg(feature = "s3")]
pub mod s3_blobs;
