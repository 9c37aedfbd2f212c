//! Keeping the write-ahead log small: WAL checkpoints on a background thread, never in a request's commit.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses 1000 WAL pages, on the writer connection,
//! with its fsyncs — while the store's writer mutex is held, so every other writer waits behind it. And it is
//! `PASSIVE`: with reads always in flight it rarely copies the whole log, the log is then never restarted, and
//! the file grew to gigabytes after a burst of writes. So the writer connection has the automatic checkpoint off
//! (`wal_autocheckpoint = 0`) and a `journal_size_limit`, and one thread per database file, with its own
//! connection, every [`TICK`]:
//!
//! * runs a `PASSIVE` checkpoint (copies what it can; never blocks writers or readers);
//! * when the log holds more than [`RESTART_PAGES`], or writes have paused and the log is not empty, takes the
//!   writer mutex (so no writer of this process is mid-transaction) and runs a `RESTART` checkpoint (`TRUNCATE`
//!   when writes have paused): little is left to copy after the passive one, and the next commit then writes the
//!   log from its start, so its file stays under about [`RESTART_PAGES`] pages plus one tick of writes while
//!   writes go on and is emptied once they pause. Its busy timeout is short ([`STEP_BUSY_TIMEOUT`]).
//!
//! A restart waits until no reader uses the log. The store's own readers, reading without pause, can keep an
//! older snapshot in use for long (see [`restart`]); a restart that finds the log busy is therefore tried
//! once more with every reader connection of the store held, which only a connection outside the store (none in
//! the local runner) can still defeat.
//!
//! The thread alone still cannot bound the log: on a machine short of CPU or disk its ticks come late while
//! writers go on. (A CI machine saw the log at 60 MB during a 4-second test burst, before the retry with the
//! readers held existed.) So the writer has a [`Backstop`]: a WAL hook tells it how many pages each commit left
//! in the log, and when a commit leaves more than [`BACKSTOP_PAGES`] the writer itself restarts the log before it
//! lets the writer mutex go; the writers behind it wait that long. That is the back-pressure a log outrunning its
//! checkpoints needs, it bounds the file at [`BACKSTOP_PAGES`] pages plus one transaction, and it never fires
//! while the thread keeps up.
//!
//! The thread holds only a weak reference to the store: it ends at the next tick after the last clone is dropped.

use std::cell::Cell;
use std::ffi::c_int;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::hooks::Wal;

use super::{BUSY_TIMEOUT, Inner, lock, sql_error};
use shared::ports::StoreError;

/// How often the checkpointer looks at the log.
pub(super) const TICK: Duration = Duration::from_millis(100);

/// Above this many log pages (4 MiB at 4 KiB pages) the log is restarted even while writes go on.
pub(super) const RESTART_PAGES: i64 = 1024;

/// The log file is truncated to this size when it is restarted (`journal_size_limit`).
pub(super) const JOURNAL_SIZE_LIMIT: i64 = 4 * 1024 * 1024;

/// The checkpointer's busy timeout while it holds the writer mutex.
const STEP_BUSY_TIMEOUT: Duration = Duration::from_millis(20);

/// A commit that leaves more than this many log pages (24 MiB at 4 KiB pages) restarts the log itself.
pub(super) const BACKSTOP_PAGES: i64 = 6 * RESTART_PAGES;

/// How long each of the writer's restart tries waits for readers on older snapshots.
const BACKSTOP_BUSY_TIMEOUT: Duration = Duration::from_millis(100);

/// What a `PRAGMA wal_checkpoint` answered: (blocked, pages in the log, pages copied back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Outcome {
    pub busy: bool,
    pub log_pages: i64,
    pub copied_pages: i64,
}

fn checkpoint(conn: &Connection, mode: &str) -> Result<Outcome, StoreError> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
        Ok(Outcome {
            busy: row.get::<_, i64>(0)? != 0,
            log_pages: row.get(1)?,
            copied_pages: row.get(2)?,
        })
    })
    .map_err(sql_error)
}

/// Settings of the writer connection of a database file that has a checkpointer.
pub(super) fn tune_writer(writer: &Connection) -> Result<(), StoreError> {
    writer
        .pragma_update(None, "wal_autocheckpoint", 0)
        .map_err(sql_error)?;
    writer
        .pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)
        .map_err(sql_error)?;
    // After the pragma: `wal_autocheckpoint` installs a WAL hook of its own.
    writer.wal_hook(Some(note_log_pages));
    Ok(())
}

thread_local! {
    /// The log pages the last commit on this thread left, as its WAL hook reported (0: none since last taken).
    static LOG_PAGES: Cell<c_int> = const { Cell::new(0) };
}

/// The writer's WAL hook. It runs on the committing thread, after the commit, so the writer reads it right
/// after its commit returns. It only records: an error returned here would fail a statement that committed.
fn note_log_pages(_: &Wal, pages: c_int) -> rusqlite::Result<()> {
    LOG_PAGES.set(pages);
    Ok(())
}

/// The writer's own restart of a log that outran the checkpointer.
#[derive(Debug)]
pub(super) struct Backstop {
    /// A commit leaving more log pages than this restarts the log: [`BACKSTOP_PAGES`], raised by
    /// [`RESTART_PAGES`] after each restart that gave up, so a reader that holds a snapshot for long does not
    /// make every commit wait [`BACKSTOP_BUSY_TIMEOUT`].
    restart_above: AtomicI64,
    /// Held by the checkpointer thread during its passive checkpoint, and by the backstop during its restart:
    /// SQLite answers a checkpoint that finds another running busy at once, without waiting. The thread never
    /// holds it while it waits for the writer mutex, so the backstop (writer mutex held) cannot deadlock on it.
    running: Mutex<()>,
}

impl Default for Backstop {
    fn default() -> Self {
        Backstop {
            restart_above: AtomicI64::new(BACKSTOP_PAGES),
            running: Mutex::new(()),
        }
    }
}

impl Backstop {
    fn running(&self) -> MutexGuard<'_, ()> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Backstop {
    /// Call on the writer connection, with the writer mutex held, right after each commit.
    pub(super) fn after_commit(&self, writer: &Connection, readers: &[Mutex<Connection>]) {
        let pages = i64::from(LOG_PAGES.take());
        if pages <= self.restart_above.load(Ordering::Relaxed) {
            return;
        }
        let running = self.running();
        let outcome = writer
            .busy_timeout(BACKSTOP_BUSY_TIMEOUT)
            .map_err(sql_error)
            .and_then(|()| restart(writer, readers, "RESTART"));
        drop(running);
        if let Err(e) = writer.busy_timeout(BUSY_TIMEOUT) {
            tracing::warn!(error = %e, "cannot restore the writer's busy timeout");
        }
        match outcome {
            Ok(Outcome { busy: false, .. }) => {
                self.restart_above.store(BACKSTOP_PAGES, Ordering::Relaxed);
            }
            Ok(_) => {
                tracing::warn!(
                    pages,
                    "the WAL could not be restarted: a connection outside this store holds an older snapshot"
                );
                self.restart_above
                    .store(pages + RESTART_PAGES, Ordering::Relaxed);
            }
            Err(e) => {
                tracing::warn!(error = %e, pages, "WAL restart failed");
                self.restart_above
                    .store(pages + RESTART_PAGES, Ordering::Relaxed);
            }
        }
    }
}

/// Start the checkpointer of the database file at `path`.
pub(super) fn start(path: &Path, inner: Weak<Inner>) -> Result<(), StoreError> {
    let conn = Connection::open(path).map_err(sql_error)?;
    conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)
        .map_err(sql_error)?;
    conn.busy_timeout(STEP_BUSY_TIMEOUT).map_err(sql_error)?;
    let path: PathBuf = path.to_owned();
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || run(conn, inner, &path))
        .map_err(|e| StoreError::Unavailable(format!("cannot start the checkpointer: {e}")))?;
    Ok(())
}

fn run(conn: Connection, inner: Weak<Inner>, path: &Path) {
    let mut writes_seen = None;
    loop {
        std::thread::sleep(TICK);
        let Some(inner) = inner.upgrade() else { return };
        let writes = inner.writes.load(Ordering::Relaxed);
        let paused = writes_seen == Some(writes);
        writes_seen = Some(writes);
        if let Err(e) = step(&conn, &inner, paused) {
            tracing::warn!(error = %e, db = %path.display(), "WAL checkpoint failed");
        }
    }
}

/// One tick: a passive checkpoint, then a restart (or truncation, when writes have paused) when it is due.
pub(super) fn step(conn: &Connection, inner: &Arc<Inner>, paused: bool) -> Result<(), StoreError> {
    let passive = {
        let _running = inner.backstop.running();
        checkpoint(conn, "PASSIVE")?
    };
    if passive.log_pages <= 0 {
        return Ok(());
    }
    if passive.log_pages > RESTART_PAGES || paused {
        let _writer = lock(&inner.writer);
        restart(
            conn,
            &inner.readers,
            if paused { "TRUNCATE" } else { "RESTART" },
        )?;
    }
    Ok(())
}

/// A `RESTART` (or `TRUNCATE`) checkpoint on `conn`, the writer mutex held by the caller, so no writer of this
/// process adds to the log meanwhile.
///
/// A restart must wait until no reader uses the log's read marks. The store's readers, reading without pause,
/// can keep one mark in use for long: a reader that finds no free mark at the newest frame shares the newest
/// mark below it, so overlapping readers hand an older snapshot on to each other and the checkpoint can neither
/// copy the last frames nor restart. So when the first try finds the log busy, the restart is tried once more
/// with every reader connection of the store held: no read of this process is then in flight, and the readers
/// wait out the restart (milliseconds: the frames left to copy). Only a connection outside the store can still
/// make it busy: the only other checkpoints of the store are excluded by the writer mutex or [`Backstop`].
fn restart(
    conn: &Connection,
    readers: &[Mutex<Connection>],
    mode: &str,
) -> Result<Outcome, StoreError> {
    let first = checkpoint(conn, mode)?;
    if !first.busy {
        return Ok(first);
    }
    let _readers: Vec<_> = readers.iter().map(lock).collect();
    checkpoint(conn, mode)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicU64};
    use std::time::Instant;

    use super::*;
    use crate::sqlite_store::SqliteStore;
    use shared::clock::SystemClock;
    use shared::ports::{Cond, Item, Store, TxOp};

    fn wal_bytes(db: &Path) -> u64 {
        std::fs::metadata(db.with_extension("sqlite3-wal")).map_or(0, |m| m.len())
    }

    /// The largest log file the backstop allows: its page count, one more transaction's pages, frame headers.
    fn backstop_bound_bytes() -> u64 {
        let frames = u64::try_from(BACKSTOP_PAGES).unwrap() + 64;
        frames * (4096 + 24) + 32
    }

    /// A burst of transactions from eight writers while four readers read all the time (readers always active is
    /// what kept SQLite's own checkpoint from ever restarting the log): the log stays under the backstop's bound
    /// during the burst, however far behind the checkpointer falls on a busy machine, and is back under 1 MiB
    /// shortly after it (SQLite's own checkpoint left it where the burst had taken it).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn after_a_burst_of_writes_with_readers_active_the_wal_is_back_under_a_few_mb() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("burst.sqlite3");
        let store = SqliteStore::open(&db, Arc::new(SystemClock)).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicU64::new(0));
        let body = serde_json::json!({"form": "x".repeat(2000)});
        let mut tasks = Vec::new();
        for w in 0..8 {
            let (store, stop, written, body) =
                (store.clone(), stop.clone(), written.clone(), body.clone());
            tasks.push(tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let pk = format!("DECL#{w}-{}", n % 200);
                    let ops = vec![
                        TxOp::Put {
                            item: Item::new(pk.clone(), "DECL", &body),
                            cond: Cond::Always,
                        },
                        TxOp::Put {
                            item: Item::new(pk, format!("EVENT#{n:012}"), &body),
                            cond: Cond::Always,
                        },
                    ];
                    store.transact(ops).await.unwrap();
                    written.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            }));
        }
        for r in 0..4 {
            let (store, stop) = (store.clone(), stop.clone());
            tasks.push(tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    store
                        .get(&format!("DECL#{r}-{}", n % 200), "DECL")
                        .await
                        .unwrap();
                    n += 1;
                }
            }));
        }
        let started = Instant::now();
        let mut peak = 0;
        while started.elapsed() < Duration::from_secs(4) {
            peak = peak.max(wal_bytes(&db));
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            t.await.unwrap();
        }
        let burst_writes = written.load(Ordering::Relaxed);
        let settle = Instant::now();
        while wal_bytes(&db) > 1 << 20 && settle.elapsed() < Duration::from_secs(3) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let after = wal_bytes(&db);
        eprintln!(
            "{burst_writes} transactions in 4 s; WAL peak {} KiB, {} KiB after {} ms",
            peak >> 10,
            after >> 10,
            settle.elapsed().as_millis()
        );
        assert!(burst_writes > 1000, "the burst wrote only {burst_writes}");
        assert!(
            after <= 1 << 20,
            "the WAL is still {after} bytes after the burst"
        );
        assert!(
            peak <= backstop_bound_bytes(),
            "the WAL reached {peak} bytes during the burst"
        );
    }

    /// A reader holding an old snapshot stops every restart, the writer's too: commits still succeed, the
    /// writer stops waiting for that reader after one try per [`RESTART_PAGES`] of growth, and once the reader
    /// is done the next commit restarts the log.
    #[test]
    fn a_reader_on_an_old_snapshot_makes_the_backstop_give_up_without_failing_commits() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("held.sqlite3");
        let store = SqliteStore::open(&db, Arc::new(SystemClock)).unwrap();
        let form = "x".repeat(3000);
        // Each commit changes its row: SQLite writes no page whose content an update leaves as it was.
        let put = |n: u64| {
            let item = Item::new(
                format!("D#{}", n % 50),
                "DECL",
                &serde_json::json!({"form": form, "n": n}),
            );
            store.write(|tx| super::super::upsert(tx, &item))
        };
        put(0).unwrap();

        let holder = Connection::open(&db).unwrap();
        holder.execute_batch("BEGIN").unwrap();
        let _: i64 = holder
            .query_row("SELECT count(*) FROM records", [], |r| r.get(0))
            .unwrap();

        let started = Instant::now();
        let mut slow_commits = 0;
        let mut n = 1;
        while wal_bytes(&db) <= backstop_bound_bytes() + (8 << 20) {
            let commit = Instant::now();
            put(n).unwrap();
            if commit.elapsed() >= 2 * BACKSTOP_BUSY_TIMEOUT {
                slow_commits += 1;
            }
            n += 1;
        }
        let pages_written = i64::try_from(wal_bytes(&db) / 4120).unwrap();
        let tries_allowed = (pages_written - BACKSTOP_PAGES) / RESTART_PAGES + 1;
        eprintln!(
            "{n} commits in {} ms with a reader holding its snapshot; {slow_commits} waited for it",
            started.elapsed().as_millis()
        );
        assert!(
            slow_commits >= 1,
            "the backstop never tried to restart the log"
        );
        assert!(
            slow_commits <= tries_allowed,
            "{slow_commits} commits waited, more than one per {RESTART_PAGES} pages of growth"
        );

        holder.execute_batch("COMMIT").unwrap();
        drop(holder);
        // The checkpointer thread may get there first; either way the log restarts and is then truncated.
        let mut after = u64::MAX;
        for _ in 0..100 {
            put(n).unwrap();
            n += 1;
            after = wal_bytes(&db);
            if after <= u64::try_from(JOURNAL_SIZE_LIMIT).unwrap() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            after <= u64::try_from(JOURNAL_SIZE_LIMIT).unwrap(),
            "the WAL is still {after} bytes after the reader let go"
        );
    }
}
