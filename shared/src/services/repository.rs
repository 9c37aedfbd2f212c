//! The typed repository over the single table: a record type declares its key layout and who may see it once
//! ([`Record`]); loading it, loading it for its owner and loading it for whoever may see it are written once
//! here. Writes go through [`Tx`], whose conditional writes carry names, so a failed condition is recognised by
//! what it guarded ("the declaration changed"), never by its position in the transaction.

use serde::de::DeserializeOwned;

use crate::domain::principal::Principal;
use crate::error::{AppError, AppResult};
use crate::ports::{Item, Query, StoreError, TxOp};
use crate::services::Platform;
use crate::services::common::{PageOf, Versioned, require_enterprise};

/// A record stored as one item of the single table.
pub trait Record: DeserializeOwned {
    /// The Chinese answer when the record is absent or hidden from the caller (`申报不存在`).
    const NOT_FOUND: &'static str;

    /// Its key from its id.
    fn key(id: &str) -> (String, String);

    /// The enterprise it belongs to.
    fn owner_uscc(&self) -> &str;

    /// Whether an official or operator (never the owner: that is [`Record::owner_uscc`]) may see it.
    fn visible_to_reviewer(&self, caller: &Principal) -> bool;
}

fn not_found<R: Record>() -> AppError {
    AppError::not_found(R::NOT_FOUND)
}

/// The record with its version, with no access check (`None` for an id that cannot be one).
pub async fn load<R: Record>(p: &Platform, id: &str) -> AppResult<Option<Versioned<R>>> {
    if !crate::services::events::is_valid_id(id) {
        return Ok(None);
    }
    let (pk, sk) = R::key(id);
    Ok(match p.store.get(&pk, &sk).await? {
        Some(item) => Some(Versioned {
            value: item.decode()?,
            version: item.version,
        }),
        None => None,
    })
}

/// The record if the caller is the enterprise it belongs to; 404 for everyone else.
pub async fn load_owned<R: Record>(
    p: &Platform,
    caller: &Principal,
    id: &str,
) -> AppResult<Versioned<R>> {
    let uscc = require_enterprise(caller)?;
    match load::<R>(p, id).await? {
        Some(r) if r.value.owner_uscc() == uscc => Ok(r),
        _ => Err(not_found::<R>()),
    }
}

/// The record if the caller owns it or may review it; 404 for everyone else (existence is never leaked).
pub async fn load_visible<R: Record>(
    p: &Platform,
    caller: &Principal,
    id: &str,
) -> AppResult<Versioned<R>> {
    let found = load::<R>(p, id).await?.ok_or_else(not_found::<R>)?;
    let visible = match caller {
        Principal::Enterprise { uscc, .. } => found.value.owner_uscc() == uscc,
        Principal::Official { .. } | Principal::Operator { .. } => {
            found.value.visible_to_reviewer(caller)
        }
        _ => false,
    };
    if visible {
        Ok(found)
    } else {
        Err(not_found::<R>())
    }
}

/// One page of the records a query finds (a queue, a list by index), decoded; a cursor the store refuses is the
/// caller's `cursor` error.
pub async fn list<T: DeserializeOwned>(p: &Platform, query: Query) -> AppResult<PageOf<T>> {
    let page = p.store.query(query).await.map_err(cursor_error)?;
    Ok(PageOf {
        items: page
            .items
            .iter()
            .map(Item::decode)
            .collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    })
}

/// A refused cursor (or a request the store finds malformed because of it) as the `cursor` field's error.
pub fn cursor_error(e: StoreError) -> AppError {
    match e {
        StoreError::Invalid(_) | StoreError::BadCursor => {
            AppError::field("cursor", "INVALID_CURSOR", "分页游标无效")
        }
        other => other.into(),
    }
}

/// One transaction, its guarded writes named.
#[derive(Default)]
pub struct Tx {
    ops: Vec<TxOp>,
    names: Vec<Option<&'static str>>,
}

/// Why a transaction did not commit.
#[derive(Debug)]
pub enum TxError {
    /// The condition of the write named so did not hold; nothing was written.
    Condition(&'static str),
    /// Anything else (a condition of an unnamed write included).
    Store(StoreError),
}

impl Tx {
    pub fn new() -> Self {
        Tx::default()
    }

    /// A write whose failed condition callers tell apart by `name`.
    pub fn named(&mut self, name: &'static str, op: TxOp) -> &mut Self {
        self.ops.push(op);
        self.names.push(Some(name));
        self
    }

    /// Writes whose conditions are not told apart.
    pub fn extend(&mut self, ops: impl IntoIterator<Item = TxOp>) -> &mut Self {
        for op in ops {
            self.ops.push(op);
            self.names.push(None);
        }
        self
    }

    /// Commit all the writes or none.
    pub async fn commit(self, p: &Platform) -> Result<(), TxError> {
        let Tx { ops, names } = self;
        p.store.transact(ops).await.map_err(|e| match e {
            StoreError::ConditionFailed { index } => match names.get(index).copied().flatten() {
                Some(name) => TxError::Condition(name),
                None => TxError::Store(StoreError::ConditionFailed { index }),
            },
            other => TxError::Store(other),
        })
    }
}

impl From<TxError> for AppError {
    fn from(e: TxError) -> Self {
        match e {
            TxError::Store(e) => e.into(),
            TxError::Condition(_) => StoreError::Conflict.into(),
        }
    }
}
