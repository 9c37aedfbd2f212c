//! Authenticated pagination cursors: a [`Store`] decorator that seals every `next_cursor` it hands out with an
//! HMAC over the query it belongs to (index, partition, sort-key range, direction), and refuses any cursor that
//! does not carry a valid seal for the query it comes back with. A forged or edited cursor, or one taken from
//! another list, is answered `StoreError::BadCursor` (422 `VALIDATION_FAILED` on `cursor`), never a 500 and
//! never a read of another partition.
//!
//! Sealed form: `<adapter cursor>.<hex of the first 16 bytes of HMAC-SHA256>`.

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ports::{Cond, Index, Item, Page, Query, SharedStore, SkRange, Store, StoreError, TxOp};

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the MAC kept in a cursor (128 bits).
const TAG_BYTES: usize = 16;

pub struct SealedCursors {
    inner: SharedStore,
    key: [u8; 32],
}

impl SealedCursors {
    pub fn new(inner: SharedStore, key: [u8; 32]) -> Self {
        SealedCursors { inner, key }
    }

    fn mac(&self, query: &Query, cursor: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        let index = match query.index {
            Index::Base => "base",
            Index::Gsi1 => "gsi1",
        };
        let (kind, from, to) = match &query.sk {
            SkRange::All => ("all", "", ""),
            SkRange::BeginsWith(prefix) => ("begins", prefix.as_str(), ""),
            SkRange::Between(from, to) => ("between", from.as_str(), to.as_str()),
        };
        // Length-prefixed fields, so no two different queries feed the same bytes.
        for part in [
            index,
            query.pk.as_str(),
            kind,
            from,
            to,
            if query.forward { "asc" } else { "desc" },
            cursor,
        ] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac
    }

    fn seal(&self, query: &Query, cursor: &str) -> String {
        let tag = self.mac(query, cursor).finalize().into_bytes();
        format!("{cursor}.{}", hex::encode(&tag[..TAG_BYTES]))
    }

    fn open(&self, query: &Query, sealed: &str) -> Result<String, StoreError> {
        let (cursor, tag) = sealed.rsplit_once('.').ok_or(StoreError::BadCursor)?;
        let tag = hex::decode(tag).map_err(|_| StoreError::BadCursor)?;
        if tag.len() != TAG_BYTES {
            return Err(StoreError::BadCursor);
        }
        self.mac(query, cursor)
            .verify_truncated_left(&tag)
            .map_err(|_| StoreError::BadCursor)?;
        Ok(cursor.to_owned())
    }
}

#[async_trait]
impl Store for SealedCursors {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        self.inner.get(pk, sk).await
    }

    async fn put(&self, item: Item, cond: Cond) -> Result<(), StoreError> {
        self.inner.put(item, cond).await
    }

    async fn delete(&self, pk: &str, sk: &str, cond: Cond) -> Result<(), StoreError> {
        self.inner.delete(pk, sk, cond).await
    }

    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        self.inner.transact(ops).await
    }

    async fn query(&self, mut query: Query) -> Result<Page, StoreError> {
        if let Some(sealed) = query.cursor.take() {
            query.cursor = Some(self.open(&query, &sealed)?);
        }
        let mut page = self.inner.query(query.clone()).await?;
        page.next_cursor = page.next_cursor.map(|c| self.seal(&query, &c));
        Ok(page)
    }
}
