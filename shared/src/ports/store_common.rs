//! What every `Store` adapter shares: request validation (so each store rejects exactly the same requests
//! with `StoreError::Invalid`), the meaning of a `Cond`, and the opaque pagination cursor.
//!
//! The cursor is the key of the last item a page evaluated, as JSON (`{"pk":..,"sk":..}` plus `gsi1pk` and
//! `gsi1sk` on the secondary index), encoded base64url without padding. It is DynamoDB's
//! `LastEvaluatedKey` verbatim, and the SQLite store uses the same shape, so callers see one format.

use std::collections::{BTreeMap, HashSet};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::ports::{Cond, Index, Item, MAX_TX_OPS, Query, SkRange, StoreError, TxOp};

/// DynamoDB's limits on key attributes (bytes of UTF-8), honoured by every store.
pub const MAX_PARTITION_KEY_BYTES: usize = 2048;
pub const MAX_SORT_KEY_BYTES: usize = 1024;

/// The largest page a query may ask for.
pub const MAX_QUERY_LIMIT: u32 = 1000;

/// Whether `cond` holds for an item whose live version is `current` (`None`: absent or expired).
pub fn cond_holds(cond: Cond, current: Option<u64>) -> bool {
    match cond {
        Cond::Always => true,
        Cond::Absent => current.is_none(),
        Cond::Exists => current.is_some(),
        Cond::VersionIs(v) => current == Some(v),
    }
}

fn check_key_part(what: &str, value: &str, max: usize) -> Result<(), StoreError> {
    if value.is_empty() {
        return Err(StoreError::Invalid(format!("{what} is empty")));
    }
    if value.len() > max {
        return Err(StoreError::Invalid(format!(
            "{what} is longer than {max} bytes"
        )));
    }
    Ok(())
}

/// Keys must be non-empty and within DynamoDB's size limits.
pub fn check_key(pk: &str, sk: &str) -> Result<(), StoreError> {
    check_key_part("pk", pk, MAX_PARTITION_KEY_BYTES)?;
    check_key_part("sk", sk, MAX_SORT_KEY_BYTES)
}

/// An item's base key and (when present) secondary-index key must be valid keys.
pub fn check_item(item: &Item) -> Result<(), StoreError> {
    check_key(&item.pk, &item.sk)?;
    if let Some((gpk, gsk)) = &item.gsi1 {
        check_key_part("gsi1pk", gpk, MAX_PARTITION_KEY_BYTES)?;
        check_key_part("gsi1sk", gsk, MAX_SORT_KEY_BYTES)?;
    }
    Ok(())
}

/// A transaction holds 1..=MAX_TX_OPS actions on distinct, valid keys.
pub fn check_transaction(ops: &[TxOp]) -> Result<(), StoreError> {
    if ops.is_empty() {
        return Err(StoreError::Invalid(
            "a transaction needs at least one action".into(),
        ));
    }
    if ops.len() > MAX_TX_OPS {
        return Err(StoreError::Invalid(format!(
            "a transaction holds at most {MAX_TX_OPS} actions, not {}",
            ops.len()
        )));
    }
    let mut seen = HashSet::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        match op {
            TxOp::Put { item, .. } => check_item(item)?,
            TxOp::Delete { pk, sk, .. } | TxOp::Check { pk, sk, .. } => check_key(pk, sk)?,
        }
        let key = op.key();
        if !seen.insert(key) {
            return Err(StoreError::Invalid(format!(
                "action {i} touches {}/{} a second time in one transaction",
                key.0, key.1
            )));
        }
    }
    Ok(())
}

/// The sort-key condition of a valid query: `BeginsWith("")` means `All`; `Between` needs `from <= to`.
pub fn normalised_range(sk: &SkRange) -> Result<SkRange, StoreError> {
    match sk {
        SkRange::BeginsWith(prefix) if prefix.is_empty() => Ok(SkRange::All),
        SkRange::Between(from, to) if from > to => Err(StoreError::Invalid(format!(
            "sort-key range {from:?}..={to:?} is reversed"
        ))),
        other => Ok(other.clone()),
    }
}

/// Validate a query's limit and partition key, and decode its cursor.
pub fn check_query(query: &Query) -> Result<Option<Cursor>, StoreError> {
    if query.limit == 0 || query.limit > MAX_QUERY_LIMIT {
        return Err(StoreError::Invalid(format!(
            "query limit must be 1..={MAX_QUERY_LIMIT}, not {}",
            query.limit
        )));
    }
    if query.pk.is_empty() {
        return Err(StoreError::Invalid("query partition key is empty".into()));
    }
    query
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c, query))
        .transpose()
}

/// The key of the last item a page evaluated: where the next page starts (exclusive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub pk: String,
    pub sk: String,
    /// `(gsi1pk, gsi1sk)` for queries on the secondary index.
    pub gsi1: Option<(String, String)>,
}

impl Cursor {
    /// The cursor positioned after `item` for a query on `index`.
    pub fn after(item: &Item, index: Index) -> Cursor {
        Cursor {
            pk: item.pk.clone(),
            sk: item.sk.clone(),
            gsi1: match index {
                Index::Base => None,
                Index::Gsi1 => item.gsi1.clone(),
            },
        }
    }

    /// The cursor as a flat key map (DynamoDB's `LastEvaluatedKey` shape).
    pub fn to_map(&self) -> BTreeMap<String, String> {
        let mut map = BTreeMap::from([
            ("pk".to_owned(), self.pk.clone()),
            ("sk".to_owned(), self.sk.clone()),
        ]);
        if let Some((gpk, gsk)) = &self.gsi1 {
            map.insert("gsi1pk".to_owned(), gpk.clone());
            map.insert("gsi1sk".to_owned(), gsk.clone());
        }
        map
    }

    /// Build from a key map; `None` when a needed key is missing.
    pub fn from_map(map: &BTreeMap<String, String>, index: Index) -> Option<Cursor> {
        let gsi1 = match index {
            Index::Base => None,
            Index::Gsi1 => Some((map.get("gsi1pk")?.clone(), map.get("gsi1sk")?.clone())),
        };
        Some(Cursor {
            pk: map.get("pk")?.clone(),
            sk: map.get("sk")?.clone(),
            gsi1,
        })
    }

    /// The opaque text handed to callers.
    pub fn encode(&self) -> String {
        // Serialising a map of strings cannot fail.
        let json = serde_json::to_vec(&self.to_map()).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Decode a cursor and check that it belongs to `query` (same index, same partition).
    pub fn decode(text: &str, query: &Query) -> Result<Cursor, StoreError> {
        let bad = |_why: &str| StoreError::BadCursor;
        let json = URL_SAFE_NO_PAD
            .decode(text.as_bytes())
            .map_err(|_| bad("not base64url"))?;
        let map: BTreeMap<String, String> =
            serde_json::from_slice(&json).map_err(|_| bad("not a key map"))?;
        let cursor =
            Cursor::from_map(&map, query.index).ok_or_else(|| bad("not a key of this index"))?;
        let partition = match (&cursor.gsi1, query.index) {
            (Some((gpk, _)), Index::Gsi1) => gpk,
            _ => &cursor.pk,
        };
        if partition != &query.pk {
            return Err(bad("it belongs to another partition"));
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_partition() {
        let item = Item::new("企业#1", "decl#2", &"x").with_gsi1("QUEUE#省", "2026#1");
        let q = Query::gsi1("QUEUE#省");
        let cursor = Cursor::after(&item, Index::Gsi1);
        assert_eq!(Cursor::decode(&cursor.encode(), &q).unwrap(), cursor);
        assert!(matches!(
            Cursor::decode(&cursor.encode(), &Query::gsi1("other")),
            Err(StoreError::BadCursor)
        ));
        // A base-key cursor cannot drive a secondary-index query.
        let base = Cursor::after(&item, Index::Base);
        assert!(matches!(
            Cursor::decode(&base.encode(), &q),
            Err(StoreError::BadCursor)
        ));
        assert!(matches!(
            Cursor::decode("!!", &q),
            Err(StoreError::BadCursor)
        ));
    }

    #[test]
    fn transactions_are_validated() {
        let put = |k: &str| TxOp::Put {
            item: Item::new("p", k, &1),
            cond: Cond::Always,
        };
        assert!(check_transaction(&[]).is_err());
        assert!(check_transaction(&[put("a"), put("b")]).is_ok());
        assert!(check_transaction(&[put("a"), put("a")]).is_err());
        let many: Vec<_> = (0..=MAX_TX_OPS).map(|i| put(&i.to_string())).collect();
        assert!(check_transaction(&many).is_err());
        assert!(check_transaction(&many[..MAX_TX_OPS]).is_ok());
        assert!(check_transaction(&[put("")]).is_err());
    }
}
