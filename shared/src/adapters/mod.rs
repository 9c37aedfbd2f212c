//! Adapters: the ports implemented on real technology.

pub mod aws;
pub mod blobs_conformance;
pub mod dynamo_store;
pub mod local_blobs;
pub mod moto;
pub mod notify_aws;
pub mod s3_blobs;
pub mod sqlite_store;
pub mod store_conformance;
