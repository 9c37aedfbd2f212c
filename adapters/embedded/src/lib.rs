//! The single-machine adapters of the platform's ports: the SQLite store (one database file, WAL) and evidence
//! blobs on disk with the HMAC-signed upload and download routes the local runner serves.

pub mod local_blobs;
pub mod sqlite_store;
