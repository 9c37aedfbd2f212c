//! Ports: what the domain needs from the world. Adapters live in their own crates (`sme-aws`, `sme-embedded`).
//!
//! Every port is object-safe (`Arc<dyn Port>`), so one binary can pick its adapters from configuration.

pub mod blob_checks;
pub mod sealed_cursors;
pub mod store_common;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Serialize, de::DeserializeOwned};
use time::OffsetDateTime;

// ---------------------------------------------------------------------------------------------------------------
// Clock
// ---------------------------------------------------------------------------------------------------------------

/// The only source of "now" for rules and services. Tests and the local runner's development mode move it.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

pub type SharedClock = Arc<dyn Clock>;

// ---------------------------------------------------------------------------------------------------------------
// Store
// ---------------------------------------------------------------------------------------------------------------

/// The name of the one secondary index every store provides (`gsi1pk` / `gsi1sk` in DynamoDB).
pub const GSI1: &str = "gsi1";

/// One record of the single table: generic keys, an optional secondary-index key, an optimistic-locking
/// version, an optional expiry (TTL, Unix seconds) and the record's JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub pk: String,
    pub sk: String,
    /// `(gsi1pk, gsi1sk)`: present only for items that belong in the secondary index (sparse index).
    pub gsi1: Option<(String, String)>,
    /// Starts at 1 when a record is created; writers that change it bump it and condition on the old value.
    pub version: u64,
    /// Unix seconds after which the item no longer exists for readers and conditions.
    pub expires_at: Option<i64>,
    /// JSON text of the record body.
    pub data: String,
}

impl Item {
    /// A new item at version 1 holding `body` serialised as JSON.
    pub fn new<T: Serialize>(pk: impl Into<String>, sk: impl Into<String>, body: &T) -> Self {
        Item {
            pk: pk.into(),
            sk: sk.into(),
            gsi1: None,
            version: 1,
            expires_at: None,
            data: serde_json::to_string(body).expect("record bodies serialise to JSON"),
        }
    }

    pub fn with_gsi1(mut self, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.gsi1 = Some((pk.into(), sk.into()));
        self
    }

    pub fn with_version(mut self, version: u64) -> Self {
        self.version = version;
        self
    }

    pub fn expiring_at(mut self, unix_seconds: i64) -> Self {
        self.expires_at = Some(unix_seconds);
        self
    }

    /// Decode the JSON body.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, StoreError> {
        serde_json::from_str(&self.data)
            .map_err(|e| StoreError::Corrupt(format!("{}/{}: {e}", self.pk, self.sk)))
    }

    /// Whether the item is expired at `now` (Unix seconds): expired items are treated as absent everywhere.
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }
}

/// A condition on the current state of one item, checked atomically with the write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cond {
    /// No condition.
    Always,
    /// The item does not exist (or has expired).
    Absent,
    /// The item exists (and has not expired).
    Exists,
    /// The item exists with exactly this version.
    VersionIs(u64),
}

/// One action of a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxOp {
    Put { item: Item, cond: Cond },
    Delete { pk: String, sk: String, cond: Cond },
    Check { pk: String, sk: String, cond: Cond },
}

impl TxOp {
    pub fn key(&self) -> (&str, &str) {
        match self {
            TxOp::Put { item, .. } => (&item.pk, &item.sk),
            TxOp::Delete { pk, sk, .. } | TxOp::Check { pk, sk, .. } => (pk, sk),
        }
    }
}

/// The most actions one transaction may hold (DynamoDB's limit, honoured by every store).
pub const MAX_TX_OPS: usize = 100;

/// Which key a query runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Index {
    /// `pk` + `sk`.
    Base,
    /// `gsi1pk` + `gsi1sk`.
    Gsi1,
}

/// A condition on the sort key of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkRange {
    All,
    BeginsWith(String),
    /// Inclusive on both ends.
    Between(String, String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub index: Index,
    pub pk: String,
    pub sk: SkRange,
    /// Ascending by sort key when true.
    pub forward: bool,
    /// At most this many items per page (1..=1000).
    pub limit: u32,
    /// The opaque `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only the items' keys are wanted ([`Query::keys_only`]).
    pub keys_only: bool,
}

impl Query {
    pub fn base(pk: impl Into<String>) -> Self {
        Query {
            index: Index::Base,
            pk: pk.into(),
            sk: SkRange::All,
            forward: true,
            limit: 100,
            cursor: None,
            keys_only: false,
        }
    }
    pub fn gsi1(pk: impl Into<String>) -> Self {
        Query {
            index: Index::Gsi1,
            ..Query::base(pk)
        }
    }
    pub fn begins_with(mut self, prefix: impl Into<String>) -> Self {
        self.sk = SkRange::BeginsWith(prefix.into());
        self
    }
    pub fn between(mut self, from: impl Into<String>, to: impl Into<String>) -> Self {
        self.sk = SkRange::Between(from.into(), to.into());
        self
    }
    pub fn backward(mut self) -> Self {
        self.forward = false;
        self
    }
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit;
        self
    }
    pub fn after(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }
    /// Only the keys are wanted (which items exist, in order): a store may answer from its index alone, handing back
    /// items whose `data` is empty and whose `version` is 0, and may then list items that have expired. Pages and
    /// cursors are as for a full query. For scans that only check what is there, reading the few items they need.
    pub fn keys_only(mut self) -> Self {
        self.keys_only = true;
        self
    }
}

/// One page of a query. A page may hold fewer than `limit` items (expired items are dropped) while
/// `next_cursor` is still set; callers follow `next_cursor` until it is `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    pub items: Vec<Item>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    /// The condition of the action at `index` (0 for single writes) did not hold.
    #[error("condition failed on action {index}")]
    ConditionFailed { index: usize },
    /// Another transaction touched the same items at the same time; nothing was written. Retryable.
    #[error("transaction conflict")]
    Conflict,
    /// The request itself is malformed (too many actions, one item twice, bad cursor, bad limit).
    #[error("invalid store request: {0}")]
    Invalid(String),
    /// A pagination cursor that this store did not hand out for this query (forged, edited, or from another list).
    #[error("bad cursor")]
    BadCursor,
    /// A stored record cannot be decoded.
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// The backend failed or cannot be reached.
    #[error("store unavailable: {0}")]
    Unavailable(String),
}

/// The records port: the contract DynamoDB gives and the domain needs. One conformance suite
/// (`sme_testkit::store_conformance`) runs against every implementation.
#[async_trait]
pub trait Store: Send + Sync {
    /// A strongly consistent read of one item; expired items read as absent.
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError>;
    /// Write one item if `cond` holds.
    async fn put(&self, item: Item, cond: Cond) -> Result<(), StoreError>;
    /// Delete one item if `cond` holds (deleting an absent item under `Always` succeeds).
    async fn delete(&self, pk: &str, sk: &str, cond: Cond) -> Result<(), StoreError>;
    /// Apply every action or none. At most [`MAX_TX_OPS`] actions, each item at most once.
    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError>;
    /// An ordered range query on the base key or the secondary index.
    async fn query(&self, query: Query) -> Result<Page, StoreError>;
}

pub type SharedStore = Arc<dyn Store>;

/// Every item a query selects, following `next_cursor` page after page (the query's `limit` is the page size).
/// For bounded sets only (an enterprise's records, a jurisdiction's registry); lists shown to people page.
pub async fn query_all(store: &dyn Store, query: Query) -> Result<Vec<Item>, StoreError> {
    let mut items = Vec::new();
    let mut cursor = query.cursor.clone();
    loop {
        let page = store.query(query.clone().after(cursor)).await?;
        items.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(items),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Blobs
// ---------------------------------------------------------------------------------------------------------------

/// What a client must send to upload or download an object directly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresignedRequest {
    pub method: String,
    pub url: String,
    /// Headers the client must send exactly as given (they are bound into the signature).
    pub headers: Vec<(String, String)>,
    #[serde(with = "crate::domain::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: OffsetDateTime,
}

/// The object a presigned upload must deliver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadSpec {
    pub key: String,
    pub content_type: String,
    pub size: u64,
    /// SHA-256 of the content.
    pub sha256: [u8; 32],
    pub expires_in: Duration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobMeta {
    pub size: u64,
    pub content_type: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BlobError {
    #[error("object not found")]
    Missing,
    #[error("object size {actual} differs from the declared {expected}")]
    SizeMismatch { expected: u64, actual: u64 },
    #[error("object checksum differs from the declared one")]
    ChecksumMismatch,
    #[error("invalid blob request: {0}")]
    Invalid(String),
    #[error("blob store unavailable: {0}")]
    Unavailable(String),
}

/// The evidence-files port. One conformance suite (`sme_testkit::blobs_conformance`) runs against every
/// implementation and uploads real bytes over HTTP to the presigned URLs.
#[async_trait]
pub trait Blobs: Send + Sync {
    /// A presigned PUT binding content type, length and SHA-256 into the signature, with a short expiry.
    async fn presign_put(&self, spec: &UploadSpec) -> Result<PresignedRequest, BlobError>;
    /// A short-lived presigned GET; `download_name` becomes the file name the browser saves.
    async fn presign_get(
        &self,
        key: &str,
        expires_in: Duration,
        download_name: Option<&str>,
    ) -> Result<PresignedRequest, BlobError>;
    /// Size and type of a stored object, `None` when absent.
    async fn head(&self, key: &str) -> Result<Option<BlobMeta>, BlobError>;
    /// Up to `len` first bytes of the object (for sniffing the real file type).
    async fn read_prefix(&self, key: &str, len: usize) -> Result<Vec<u8>, BlobError>;
    /// The whole object as a local file positioned at its start, for the structure checks of
    /// `rules::file_content`: the stored file itself on disk, or a temporary copy streamed from the object store
    /// (unlinked at once, so it disappears when dropped). Memory stays bounded whatever the object's size.
    async fn open_read(&self, key: &str) -> Result<std::fs::File, BlobError>;
    /// Check that the stored object has exactly the declared size and SHA-256.
    async fn complete(
        &self,
        key: &str,
        size: u64,
        sha256: &[u8; 32],
    ) -> Result<BlobMeta, BlobError>;
    /// Remove the object (absent objects are fine).
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
}

pub type SharedBlobs = Arc<dyn Blobs>;

// ---------------------------------------------------------------------------------------------------------------
// Notifier
// ---------------------------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
}

/// One outgoing SMS or e-mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutgoingMessage {
    pub channel: Channel,
    pub to: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
#[error("notifier unavailable: {0}")]
pub struct NotifyError(pub String);

/// SMS and e-mail to people. Locally the messages land in the development outbox.
#[async_trait]
pub trait Notifier: Send + Sync {
    async fn send(&self, message: OutgoingMessage) -> Result<(), NotifyError>;
}

pub type SharedNotifier = Arc<dyn Notifier>;

// ---------------------------------------------------------------------------------------------------------------
// IdentityVerifier
// ---------------------------------------------------------------------------------------------------------------

/// The answer of an identity check for real-name verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentityCheck {
    /// The identity is accepted: the account is verified at once.
    Verified,
    /// A platform operator must look at it (人工核验); the account waits in `pending`.
    ManualReview { reason: String },
    /// The identity is refused.
    Refused { reason: String },
}

/// Real-name verification. The mode is configuration: `checks` (format, checksums; uniqueness is enforced by
/// the store) or `manual` (every request goes to an operator).
#[async_trait]
pub trait IdentityVerifier: Send + Sync {
    async fn check(&self, subject: &crate::domain::account::RealNameSubject) -> IdentityCheck;

    /// Whether [`IdentityVerifier::check`] consults an authoritative register (the ministry's unified login, the
    /// 电子营业执照 service); operators are shown it beside a USCC claim. See docs/identity.md.
    fn authoritative(&self) -> bool {
        false
    }
}

pub type SharedVerifier = Arc<dyn IdentityVerifier>;
