//! The adapters' conformance suites in one test binary: every `Store` (SQLite file, reopened and in memory;
//! DynamoDB on moto) and every `Blobs` (disk, S3 on moto) passes the same cases; the SNS/SES notifier on moto;
//! the notify function's stream dispatcher; sealed cursors and the session cache over a real store.

mod blobs_conformance;
mod notify_aws;
mod notify_stream;
mod sealed_cursors;
mod session_cache;
mod store_conformance;
