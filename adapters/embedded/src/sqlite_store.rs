//! The embedded `Store` for the single-machine mode: one SQLite database file.
//!
//! * **Schema.** One `WITHOUT ROWID` table keyed by `(pk, sk)` — the primary key is the base-key range index —
//!   plus a partial index on `(gsi1pk, gsi1sk, pk, sk)` for items that carry a secondary-index key (the sparse
//!   `gsi1`) and a partial index on `expires_at` for purging. Text compares with SQLite's `BINARY` collation,
//!   i.e. by UTF-8 bytes: the same order DynamoDB gives.
//! * **Durability.** WAL journal with `synchronous = NORMAL` by default ([`Durability::Normal`]): a commit
//!   is appended to the WAL without an fsync, so it survives the process crashing or being killed at any
//!   point; only an OS crash or power cut can lose the last commits (never corrupting the database).
//!   `FULL` fsyncs on every commit, which on ordinary disks caps writes at a few hundred per second — far below
//!   the local mode's 2 000 submissions/s target — so it is available as [`Durability::Full`] for operators
//!   who prefer it.
//! * **Concurrency.** One writer connection behind a mutex: every write is a `BEGIN IMMEDIATE` transaction
//!   that reads the current versions, checks the conditions and writes, so writes are serialised and
//!   conditions are exact. Reads go to a small pool of reader connections; WAL lets them run in parallel with
//!   each other and with the writer, and every read starts a new read transaction, so it sees every write
//!   that completed before it (strong consistency). A primary-key read runs on the caller's thread when a reader
//!   connection is free: it takes tens of microseconds and never waits (a WAL reader does not wait for the
//!   writer), so the trip to the blocking pool (two thread switches, most of a small read's cost) is saved.
//!   Everything else — writes, queries, a read when every reader is busy — runs under
//!   `tokio::task::spawn_blocking`.
//! * **Checkpoints.** On a background thread, never inside a commit; the log is restarted while writes go on and
//!   emptied when they pause, so it stays a few MB (`checkpoint`).
//! * **Expiry.** Items with `expires_at <= now` (Unix seconds from the clock) are invisible to reads,
//!   queries and conditions. They are deleted when opened, opportunistically every
//!   [`PURGE_EVERY_WRITES`] writes, and by [`SqliteStore::purge_expired`].

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params};

use shared::ports::store_common::{
    Cursor, check_item, check_key, check_query, check_transaction, cond_holds, normalised_range,
};
use shared::ports::{
    Cond, Index, Item, Page, Query, SharedClock, SkRange, Store, StoreError, TxOp,
};

mod checkpoint;

/// The schema version this code writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS records (
    pk         TEXT    NOT NULL,
    sk         TEXT    NOT NULL,
    gsi1pk     TEXT,
    gsi1sk     TEXT,
    version    INTEGER NOT NULL,
    expires_at INTEGER,
    data       TEXT    NOT NULL,
    PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_gsi1 ON records (gsi1pk, gsi1sk, pk, sk) WHERE gsi1pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_expiry ON records (expires_at) WHERE expires_at IS NOT NULL;
";

const COLUMNS: &str = "pk, sk, gsi1pk, gsi1sk, version, expires_at, data";
/// [`COLUMNS`] of a keys-only query: the keys, version 0, no expiry, empty data.
const KEY_COLUMNS: &str = "pk, sk, gsi1pk, gsi1sk, 0, NULL, ''";

/// How long a connection waits for a lock held by another process before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Expired items are purged (in bounded batches) after this many write requests.
pub const PURGE_EVERY_WRITES: u64 = 1000;

/// At most this many expired items are deleted by one opportunistic purge.
const PURGE_BATCH: i64 = 500;

/// Queries of at most this many items a page run on the caller's thread when a reader connection is free.
const INLINE_QUERY_LIMIT: u32 = 25;

/// How commits reach the disk (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// WAL + `synchronous = NORMAL`: survives process crashes; an OS crash may lose the latest commits.
    #[default]
    Normal,
    /// WAL + `synchronous = FULL`: every commit is fsynced before it returns.
    Full,
}

/// The SQLite-backed store. Cheap to clone; clones share the connections.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
    clock: SharedClock,
}

struct Inner {
    writer: Mutex<Connection>,
    /// Reader connections; empty for an in-memory database (reads then use the writer).
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    writes: AtomicU64,
    backstop: checkpoint::Backstop,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("readers", &self.inner.readers.len())
            .finish_non_exhaustive()
    }
}

fn sql_error(e: rusqlite::Error) -> StoreError {
    StoreError::Unavailable(format!("sqlite: {e}"))
}

/// Recover from a poisoned lock: a panic inside a SQLite transaction rolls it back when the
/// `rusqlite::Transaction` drops, so the connection is still sound.
fn lock(mutex: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn to_i64(version: u64) -> Result<i64, StoreError> {
    i64::try_from(version)
        .map_err(|_| StoreError::Invalid(format!("version {version} is too large")))
}

impl SqliteStore {
    /// Open (creating if needed) the database file at `path` with [`Durability::Normal`].
    pub fn open(path: &Path, clock: SharedClock) -> Result<Self, StoreError> {
        Self::open_with(path, clock, Durability::Normal)
    }

    /// Open (creating if needed) the database file at `path`.
    pub fn open_with(
        path: &Path,
        clock: SharedClock,
        durability: Durability,
    ) -> Result<Self, StoreError> {
        let writer = Connection::open(path).map_err(sql_error)?;
        let journal: String = writer
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(sql_error)?;
        if !journal.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unavailable(format!(
                "{} cannot use the WAL journal (got {journal})",
                path.display()
            )));
        }
        let synchronous = match durability {
            Durability::Normal => "NORMAL",
            Durability::Full => "FULL",
        };
        writer
            .pragma_update(None, "synchronous", synchronous)
            .map_err(sql_error)?;
        tune(&writer)?;
        checkpoint::tune_writer(&writer)?;
        migrate(&writer)?;

        let pool_size = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(2, 4);
        let mut readers = Vec::with_capacity(pool_size);
        for _ in 0..pool_size {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let reader = Connection::open_with_flags(path, flags).map_err(sql_error)?;
            tune(&reader)?;
            reader
                .pragma_update(None, "query_only", true)
                .map_err(sql_error)?;
            readers.push(Mutex::new(reader));
        }
        let store = Self::from_parts(writer, readers, clock);
        store.purge_blocking(None)?;
        checkpoint::start(path, Arc::downgrade(&store.inner))?;
        Ok(store)
    }

    /// A private in-memory database (for tests and throwaway runs): one connection serves reads and writes.
    pub fn in_memory(clock: SharedClock) -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory().map_err(sql_error)?;
        tune(&conn)?;
        migrate(&conn)?;
        Ok(Self::from_parts(conn, Vec::new(), clock))
    }

    fn from_parts(writer: Connection, readers: Vec<Mutex<Connection>>, clock: SharedClock) -> Self {
        SqliteStore {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                readers,
                next_reader: AtomicUsize::new(0),
                writes: AtomicU64::new(0),
                backstop: checkpoint::Backstop::default(),
            }),
            clock,
        }
    }

    fn now(&self) -> i64 {
        self.clock.now().unix_timestamp()
    }

    /// Delete every item that has expired by now; returns how many were deleted. The local runner may call
    /// this periodically; reads never need it (expired items are invisible either way).
    pub async fn purge_expired(&self) -> Result<usize, StoreError> {
        let store = self.clone();
        blocking(move || store.purge_blocking(None)).await
    }

    fn purge_blocking(&self, batch: Option<i64>) -> Result<usize, StoreError> {
        let now = self.now();
        let conn = lock(&self.inner.writer);
        let deleted = match batch {
            None => conn
                .prepare_cached(
                    "DELETE FROM records WHERE expires_at IS NOT NULL AND expires_at <= ?1",
                )
                .and_then(|mut s| s.execute(params![now])),
            Some(limit) => conn
                .prepare_cached(
                    "DELETE FROM records WHERE (pk, sk) IN (SELECT pk, sk FROM records \
                     WHERE expires_at IS NOT NULL AND expires_at <= ?1 LIMIT ?2)",
                )
                .and_then(|mut s| s.execute(params![now, limit])),
        };
        self.inner.backstop.after_commit(&conn, &self.inner.readers);
        deleted.map_err(sql_error)
    }

    /// Run `f` on a reader connection (the writer for an in-memory database).
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let readers = &self.inner.readers;
        if readers.is_empty() {
            return f(&lock(&self.inner.writer));
        }
        let start = self.inner.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..readers.len() {
            if let Ok(conn) = readers[(start + i) % readers.len()].try_lock() {
                return f(&conn);
            }
        }
        f(&lock(&readers[start % readers.len()]))
    }

    /// Run `f` on a reader connection that is free right now, on the calling thread; `None` when every reader is
    /// busy (or the database is in memory, where reads share the writer).
    fn try_read_inline<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Option<Result<T, StoreError>> {
        let readers = &self.inner.readers;
        let start = self.inner.next_reader.fetch_add(1, Ordering::Relaxed);
        (0..readers.len())
            .find_map(|i| readers[(start + i) % readers.len()].try_lock().ok())
            .map(|conn| f(&conn))
    }

    /// Run `f` inside one `BEGIN IMMEDIATE` transaction on the writer; commit when it returns `Ok`.
    fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let result = {
            let mut writer = lock(&self.inner.writer);
            let result = transaction(&mut writer, f);
            self.inner
                .backstop
                .after_commit(&writer, &self.inner.readers);
            result?
        };
        if self.purge_due() {
            // Housekeeping only: a failure here must not fail the write that already committed.
            if let Err(e) = self.purge_blocking(Some(PURGE_BATCH)) {
                tracing::warn!(error = %e, "purging expired records failed");
            }
        }
        Ok(result)
    }

    /// Whether this write is the one after which expired records are purged.
    fn purge_due(&self) -> bool {
        self.inner.writes.fetch_add(1, Ordering::Relaxed) % PURGE_EVERY_WRITES
            == PURGE_EVERY_WRITES - 1
    }

    /// Run `f` on the writer, on the blocking pool. (Running it on the caller's thread when the writer is free was
    /// measured and not kept: no gain for draft saves, docs/benchmarks.md.)
    async fn write_on_pool<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.clone();
        blocking(move || store.write(f)).await
    }
}

/// One `BEGIN IMMEDIATE` transaction on `conn` running `f`; committed when `f` returns `Ok`, rolled back otherwise.
fn transaction<T>(
    conn: &mut Connection,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_error)?;
    let value = f(&tx)?; // dropping `tx` on error rolls back
    tx.commit().map_err(sql_error)?;
    Ok(value)
}

/// Settings every connection gets.
fn tune(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql_error)?;
    conn.pragma_update(None, "cache_size", -16_000)
        .map_err(sql_error)?; // 16 MB page cache
    conn.pragma_update(None, "temp_store", "MEMORY")
        .map_err(sql_error)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Create the schema, or check that an existing database has a schema this code understands.
fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(sql_error)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::Unavailable(format!(
            "the database has schema version {version}; this build understands up to {SCHEMA_VERSION}"
        )));
    }
    conn.execute_batch(SCHEMA).map_err(sql_error)?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(sql_error)?;
    Ok(())
}

/// Run blocking SQLite work off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Unavailable(format!("store task failed: {e}")))?
}

fn item_from_row(row: &Row<'_>) -> rusqlite::Result<Result<Item, StoreError>> {
    let pk: String = row.get(0)?;
    let sk: String = row.get(1)?;
    let gsi1pk: Option<String> = row.get(2)?;
    let gsi1sk: Option<String> = row.get(3)?;
    let version: i64 = row.get(4)?;
    let expires_at: Option<i64> = row.get(5)?;
    let data: String = row.get(6)?;
    let Ok(version) = u64::try_from(version) else {
        return Ok(Err(StoreError::Corrupt(format!(
            "{pk}/{sk}: negative version {version}"
        ))));
    };
    let gsi1 = match (gsi1pk, gsi1sk) {
        (Some(gpk), Some(gsk)) => Some((gpk, gsk)),
        (None, None) => None,
        _ => {
            return Ok(Err(StoreError::Corrupt(format!(
                "{pk}/{sk}: half a gsi1 key"
            ))));
        }
    };
    Ok(Ok(Item {
        pk,
        sk,
        gsi1,
        version,
        expires_at,
        data,
    }))
}

/// One live item by its key.
fn get_row(conn: &Connection, pk: &str, sk: &str, now: i64) -> Result<Option<Item>, StoreError> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM records \
             WHERE pk = ?1 AND sk = ?2 AND (expires_at IS NULL OR expires_at > ?3)"
        ))
        .and_then(|mut s| s.query_row(params![pk, sk, now], item_from_row).optional())
        .map_err(sql_error)?;
    found.transpose()
}

/// The live version of an item (`None` when absent or expired).
fn live_version(
    conn: &Connection,
    pk: &str,
    sk: &str,
    now: i64,
) -> Result<Option<u64>, StoreError> {
    let version: Option<i64> = conn
        .prepare_cached(
            "SELECT version FROM records WHERE pk = ?1 AND sk = ?2 AND (expires_at IS NULL OR expires_at > ?3)",
        )
        .and_then(|mut s| s.query_row(params![pk, sk, now], |row| row.get(0)).optional())
        .map_err(sql_error)?;
    version
        .map(|v| {
            u64::try_from(v)
                .map_err(|_| StoreError::Corrupt(format!("{pk}/{sk}: negative version {v}")))
        })
        .transpose()
}

fn upsert(conn: &Connection, item: &Item) -> Result<(), StoreError> {
    let (gpk, gsk) = match &item.gsi1 {
        Some((gpk, gsk)) => (Some(gpk.as_str()), Some(gsk.as_str())),
        None => (None, None),
    };
    let version = to_i64(item.version)?;
    conn.prepare_cached(
        "INSERT INTO records (pk, sk, gsi1pk, gsi1sk, version, expires_at, data) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (pk, sk) DO UPDATE SET gsi1pk = excluded.gsi1pk, gsi1sk = excluded.gsi1sk, \
         version = excluded.version, expires_at = excluded.expires_at, data = excluded.data",
    )
    .and_then(|mut s| {
        s.execute(params![
            item.pk,
            item.sk,
            gpk,
            gsk,
            version,
            item.expires_at,
            item.data
        ])
    })
    .map_err(sql_error)?;
    Ok(())
}

fn remove(conn: &Connection, pk: &str, sk: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM records WHERE pk = ?1 AND sk = ?2")
        .and_then(|mut s| s.execute(params![pk, sk]))
        .map_err(sql_error)?;
    Ok(())
}

/// `upsert` stores versions as SQLite integers; reject versions that do not fit before writing anything.
fn check_version(item: &Item) -> Result<(), StoreError> {
    to_i64(item.version).map(|_| ())
}

/// The smallest string greater than every string that starts with `prefix` (`None`: no such bound).
/// UTF-8 byte order equals code-point order, so incrementing the last incrementable character works.
fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 {
            0xD7FF => Some('\u{E000}'),
            c => char::from_u32(c + 1),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

fn run_query(
    conn: &Connection,
    query: &Query,
    range: &SkRange,
    cursor: Option<&Cursor>,
    now: i64,
) -> Result<Page, StoreError> {
    let (sql, args) = query_sql(query, range, cursor, now)?;
    let mut stmt = conn.prepare_cached(&sql).map_err(sql_error)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), item_from_row)
        .map_err(sql_error)?;
    let mut items = Vec::with_capacity(query.limit as usize + 1);
    for row in rows {
        items.push(row.map_err(sql_error)??);
    }
    let next_cursor = if items.len() > query.limit as usize {
        items.truncate(query.limit as usize);
        items
            .last()
            .map(|last| Cursor::after(last, query.index).encode())
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}

/// The `SELECT` of a query page and its arguments.
fn query_sql(
    query: &Query,
    range: &SkRange,
    cursor: Option<&Cursor>,
    now: i64,
) -> Result<(String, Vec<Value>), StoreError> {
    let (pk_col, sk_col) = match query.index {
        Index::Base => ("pk", "sk"),
        Index::Gsi1 => ("gsi1pk", "gsi1sk"),
    };
    // Keys only: the columns the index holds, so a secondary-index query is answered from the index alone (no
    // look-up of each row in the table); expiry is then not checked (the contract allows listing expired items).
    let columns = if query.keys_only {
        KEY_COLUMNS
    } else {
        COLUMNS
    };
    let mut sql = format!("SELECT {columns} FROM records WHERE {pk_col} = ?");
    let mut args: Vec<Value> = vec![Value::Text(query.pk.clone())];
    match range {
        SkRange::All => {}
        SkRange::BeginsWith(prefix) => {
            sql.push_str(&format!(" AND {sk_col} >= ?"));
            args.push(Value::Text(prefix.clone()));
            if let Some(upper) = prefix_upper_bound(prefix) {
                sql.push_str(&format!(" AND {sk_col} < ?"));
                args.push(Value::Text(upper));
            }
        }
        SkRange::Between(from, to) => {
            sql.push_str(&format!(" AND {sk_col} BETWEEN ? AND ?"));
            args.push(Value::Text(from.clone()));
            args.push(Value::Text(to.clone()));
        }
    }
    let op = if query.forward { ">" } else { "<" };
    let dir = if query.forward { "ASC" } else { "DESC" };
    match (query.index, cursor) {
        (_, None) => {}
        (Index::Base, Some(c)) => {
            sql.push_str(&format!(" AND sk {op} ?"));
            args.push(Value::Text(c.sk.clone()));
        }
        (Index::Gsi1, Some(c)) => {
            let (_, gsk) = c
                .gsi1
                .as_ref()
                .ok_or_else(|| StoreError::Invalid("bad cursor: no gsi1 key".into()))?;
            sql.push_str(&format!(" AND (gsi1sk, pk, sk) {op} (?, ?, ?)"));
            args.extend([
                Value::Text(gsk.clone()),
                Value::Text(c.pk.clone()),
                Value::Text(c.sk.clone()),
            ]);
        }
    }
    if !query.keys_only {
        sql.push_str(" AND (expires_at IS NULL OR expires_at > ?)");
        args.push(Value::Integer(now));
    }
    match query.index {
        Index::Base => sql.push_str(&format!(" ORDER BY sk {dir}")),
        Index::Gsi1 => sql.push_str(&format!(" ORDER BY gsi1sk {dir}, pk {dir}, sk {dir}")),
    }
    // One extra row tells whether another page exists, so the last page carries no cursor. The limit is written
    // into the text, not bound: SQLite re-prepares a statement on every run whose bound LIMIT it planned with (a
    // full parse and plan per query page); as text, each page size is one cached statement.
    sql.push_str(&format!(" LIMIT {}", u64::from(query.limit) + 1));
    Ok((sql, args))
}

#[async_trait]
impl Store for SqliteStore {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        check_key(pk, sk)?;
        let now = self.now();
        // A primary-key read takes tens of microseconds and a WAL reader never waits for the writer: on a free
        // reader connection it runs right here, without the two thread switches of a trip to the blocking pool.
        if let Some(found) = self.try_read_inline(|conn| get_row(conn, pk, sk, now)) {
            return found;
        }
        let (store, pk, sk) = (self.clone(), pk.to_owned(), sk.to_owned());
        blocking(move || store.read(|conn| get_row(conn, &pk, &sk, now))).await
    }

    async fn put(&self, item: Item, cond: Cond) -> Result<(), StoreError> {
        check_item(&item)?;
        check_version(&item)?;
        let now = self.now();
        self.write_on_pool(move |tx| {
            if cond != Cond::Always && !cond_holds(cond, live_version(tx, &item.pk, &item.sk, now)?)
            {
                return Err(StoreError::ConditionFailed { index: 0 });
            }
            upsert(tx, &item)
        })
        .await
    }

    async fn delete(&self, pk: &str, sk: &str, cond: Cond) -> Result<(), StoreError> {
        check_key(pk, sk)?;
        let (pk, sk, now) = (pk.to_owned(), sk.to_owned(), self.now());
        self.write_on_pool(move |tx| {
            if cond != Cond::Always && !cond_holds(cond, live_version(tx, &pk, &sk, now)?) {
                return Err(StoreError::ConditionFailed { index: 0 });
            }
            remove(tx, &pk, &sk)
        })
        .await
    }

    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        check_transaction(&ops)?;
        for op in &ops {
            if let TxOp::Put { item, .. } = op {
                check_version(item)?;
            }
        }
        let now = self.now();
        self.write_on_pool(move |tx| {
            // Check every condition first (like DynamoDB), then write: the first failure rolls back all.
            for (index, op) in ops.iter().enumerate() {
                let cond = match op {
                    TxOp::Put { cond, .. }
                    | TxOp::Delete { cond, .. }
                    | TxOp::Check { cond, .. } => *cond,
                };
                let (pk, sk) = op.key();
                if cond != Cond::Always && !cond_holds(cond, live_version(tx, pk, sk, now)?) {
                    return Err(StoreError::ConditionFailed { index });
                }
            }
            for op in &ops {
                match op {
                    TxOp::Put { item, .. } => upsert(tx, item)?,
                    TxOp::Delete { pk, sk, .. } => remove(tx, pk, sk)?,
                    TxOp::Check { .. } => {}
                }
            }
            Ok(())
        })
        .await
    }

    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        let cursor = check_query(&query)?;
        let range = normalised_range(&query.sk)?;
        let now = self.now();
        // A small page costs a few primary-key reads: like `get`, it runs here when a reader is free. A larger
        // one could hold this async worker thread for a millisecond and takes the blocking pool.
        if query.limit <= INLINE_QUERY_LIMIT
            && let Some(page) =
                self.try_read_inline(|conn| run_query(conn, &query, &range, cursor.as_ref(), now))
        {
            return page;
        }
        let store = self.clone();
        blocking(move || store.read(|conn| run_query(conn, &query, &range, cursor.as_ref(), now)))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_bounds_follow_code_point_order() {
        assert_eq!(prefix_upper_bound("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_upper_bound("企业#").as_deref(), Some("企业$"));
        assert_eq!(
            prefix_upper_bound("a\u{D7FF}").as_deref(),
            Some("a\u{E000}")
        );
        assert_eq!(prefix_upper_bound("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("\u{10FFFF}"), None);
    }

    fn plan(query: &Query, cursor: Option<&Cursor>) -> String {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn).unwrap();
        let range = normalised_range(&query.sk).unwrap();
        let (sql, args) = query_sql(query, &range, cursor, 0).unwrap();
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    }

    #[test]
    fn a_query_statement_is_prepared_once_and_reused() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn).unwrap();
        let cursor = Cursor {
            pk: "P".into(),
            sk: "Q#1".into(),
            gsi1: Some(("FEED".into(), "01".into())),
        };
        for (query, cursor) in [
            (Query::base("P").begins_with("Q#").limit(25), None),
            (Query::base("P").backward(), Some(&cursor)),
            (
                Query::gsi1("FEED").between("01", "~").limit(200),
                Some(&cursor),
            ),
            (Query::gsi1("FEED").between("01", "02").keys_only(), None),
        ] {
            let range = normalised_range(&query.sk).unwrap();
            let (sql, _) = query_sql(&query, &range, cursor, 0).unwrap();
            for now in 0..3 {
                let (again, args) = query_sql(&query, &range, cursor, now).unwrap();
                assert_eq!(again, sql, "one text per query shape and page size");
                let mut stmt = conn.prepare_cached(&sql).unwrap();
                let rows = stmt.query_map(rusqlite::params_from_iter(args), |_| Ok(()));
                assert_eq!(rows.unwrap().count(), 0);
            }
            let stmt = conn.prepare_cached(&sql).unwrap();
            assert_eq!(
                stmt.get_status(rusqlite::StatementStatus::RePrepare),
                0,
                "{query:?} was re-prepared"
            );
        }
    }

    #[test]
    fn a_keys_only_index_query_reads_the_index_alone() {
        // What the dispatcher's late-commit look-back runs: no look-up of each row in the table.
        let cursor = Cursor {
            pk: "EVENT#01".into(),
            sk: "EVENT".into(),
            gsi1: Some(("FEED".into(), "01".into())),
        };
        let keys = Query::gsi1("FEED").between("01", "02").keys_only();
        for c in [None, Some(&cursor)] {
            let plan = plan(&keys, c);
            assert!(
                plan.contains("USING COVERING INDEX records_gsi1"),
                "keys-only plan: {plan}"
            );
        }
        // The full query needs each row's data: it looks rows up through the same index.
        let full = plan(&Query::gsi1("FEED").between("01", "02"), None);
        assert!(
            full.contains("USING INDEX records_gsi1") && !full.contains("COVERING"),
            "full plan: {full}"
        );
    }

    /// Point reads and pages of up to [`INLINE_QUERY_LIMIT`] items run on the caller's thread when a reader is
    /// free: they finish while the blocking pool's only thread is taken. A larger page waits for the pool.
    #[test]
    fn small_reads_run_without_the_blocking_pool_and_large_pages_wait_for_it() {
        use shared::clock::SystemClock;
        use shared::ports::Store;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(1)
            .build()
            .unwrap();
        runtime.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store =
                SqliteStore::open(&dir.path().join("inline.sqlite3"), Arc::new(SystemClock))
                    .unwrap();
            for n in 0..30 {
                let item = Item::new("P", format!("S#{n:02}"), &serde_json::json!({"n": n}));
                store.put(item, Cond::Always).await.unwrap();
            }
            let (taken, release) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
            let (taken_tx, taken_rx) = taken;
            let (release_tx, release_rx) = release;
            let occupant = tokio::task::spawn_blocking(move || {
                taken_tx.send(()).unwrap();
                release_rx.recv().ok();
            });
            taken_rx.recv().unwrap();

            let wait = Duration::from_secs(2);
            let small = Query::base("P").limit(INLINE_QUERY_LIMIT);
            let page = tokio::time::timeout(wait, store.query(small)).await;
            assert_eq!(
                page.expect("a small page waited for the pool")
                    .unwrap()
                    .items
                    .len(),
                25
            );
            let found = tokio::time::timeout(wait, store.get("P", "S#07")).await;
            assert!(
                found
                    .expect("a point read waited for the pool")
                    .unwrap()
                    .is_some()
            );
            let large = Query::base("P").limit(INLINE_QUERY_LIMIT + 1);
            let waited = tokio::time::timeout(Duration::from_millis(300), store.query(large)).await;
            assert!(waited.is_err(), "a large page ran without the pool");

            release_tx.send(()).unwrap();
            occupant.await.unwrap();
            let large = Query::base("P").limit(INLINE_QUERY_LIMIT + 1);
            assert_eq!(store.query(large).await.unwrap().items.len(), 26);
        });
    }
}
