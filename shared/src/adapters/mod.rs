//! Adapters: the ports implemented on real technology.

pub mod aws;
pub mod blobs_conformance;
pub mod clock;
pub mod dynamo_store;
pub mod identity;
pub mod identity_registry;
pub mod local_blobs;
pub mod moto;
pub mod notify_aws;
pub mod outbox;
pub mod s3_blobs;
pub mod sealed_cursors;
pub mod sqlite_store;
mod store_common;
pub mod store_conformance;
