//! Group commit: one writer thread drains a queue of write transactions and commits each batch with one `COMMIT`.
//!
//! Before, every write took the writer mutex inside `spawn_blocking`, ran `BEGIN IMMEDIATE … COMMIT` alone and let
//! the next blocking-pool thread in: under many connections the blocking threads queued on the mutex, and each
//! write paid a pool hop and its own commit. Now a write is a closure sent to the writer thread; the caller's task
//! waits on a oneshot answer, no blocking-pool thread is involved. The writer thread takes every job that is
//! waiting (at most [`MAX_BATCH`]), opens one `BEGIN IMMEDIATE` transaction and runs each job inside its own
//! `SAVEPOINT`: a job whose condition fails (or that errs in any way) is rolled back to its savepoint alone and
//! answered with its error, and the others go on. Then one `COMMIT`; only after it returns is any job answered
//! `Ok` (a failed `COMMIT` answers every job of the batch with the error: none of them was written). Jobs run in
//! the order they were queued, so a job sees the writes of the jobs before it in its batch, exactly as if they had
//! committed one after another: conditions stay exact.
//!
//! The thread holds only a weak reference to the store and ends when the last clone is dropped (the queue's
//! sender lives in the store).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Weak;
use std::sync::mpsc::{Receiver, Sender, channel};

use rusqlite::{Connection, TransactionBehavior};
use shared::ports::StoreError;
use tokio::sync::oneshot;

use super::{Inner, lock, sql_error};

/// At most this many transactions share one `COMMIT`.
pub(super) const MAX_BATCH: usize = 64;

/// One write transaction: its statements, run on the writer connection inside the batch's transaction.
pub(super) type Work = Box<dyn FnOnce(&Connection) -> Result<(), StoreError> + Send>;

pub(super) struct Job {
    work: Work,
    /// `None` for housekeeping nobody waits for.
    done: Option<oneshot::Sender<Result<(), StoreError>>>,
}

/// The sending end of the writer thread's queue.
pub(super) struct Queue {
    jobs: Sender<Job>,
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the store's writer thread stopped".into())
}

impl Queue {
    /// A queue and its receiving end (for [`start`]).
    pub(super) fn new() -> (Queue, Receiver<Job>) {
        let (jobs, receiver) = channel();
        (Queue { jobs }, receiver)
    }

    /// Run `work` in the next batch; answers once the batch has committed (or with the job's own error).
    pub(super) async fn run(&self, work: Work) -> Result<(), StoreError> {
        let (done, answer) = oneshot::channel();
        self.jobs
            .send(Job {
                work,
                done: Some(done),
            })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Run `work` in the next batch without waiting for it (housekeeping; its failure is logged).
    pub(super) fn detach(&self, work: Work) {
        let _ = self.jobs.send(Job { work, done: None });
    }
}

/// Start the writer thread of a store.
pub(super) fn start(inner: Weak<Inner>, jobs: Receiver<Job>) -> Result<(), StoreError> {
    std::thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || run(&inner, &jobs))
        .map(|_| ())
        .map_err(|e| {
            StoreError::Unavailable(format!("cannot start the store's writer thread: {e}"))
        })
}

fn run(inner: &Weak<Inner>, jobs: &Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let Some(inner) = inner.upgrade() else {
            answer(batch.into_iter().map(|j| (j.done, Err(stopped()))));
            return;
        };
        let (works, dones): (Vec<Work>, Vec<_>) =
            batch.into_iter().map(|j| (j.work, j.done)).unzip();
        let results = {
            let mut conn = lock(&inner.writer);
            commit_batch(&mut conn, works)
        };
        answer(dones.into_iter().zip(results));
    }
}

fn answer(
    answers: impl Iterator<
        Item = (
            Option<oneshot::Sender<Result<(), StoreError>>>,
            Result<(), StoreError>,
        ),
    >,
) {
    for (done, result) in answers {
        match done {
            // A caller that gave up (its request was dropped) no longer listens; the write stands.
            Some(done) => {
                let _ = done.send(result);
            }
            None => {
                if let Err(e) = result {
                    tracing::warn!(error = %e, "store housekeeping write failed");
                }
            }
        }
    }
}

/// Run every job of a batch in one transaction, each in its own savepoint; one `COMMIT`. Returns each job's result
/// (an `Ok` only when the commit succeeded).
pub(super) fn commit_batch(conn: &mut Connection, works: Vec<Work>) -> Vec<Result<(), StoreError>> {
    let n = works.len();
    let all_failed = |e: &StoreError| (0..n).map(|_| Err(copy(e))).collect();
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => return all_failed(&sql_error(e)),
    };
    let mut results = Vec::with_capacity(n);
    if n == 1 {
        // Alone in its batch: no savepoint needed, a failure rolls the whole transaction back.
        let work = works.into_iter().next().expect("one job");
        let result = guarded(&tx, work);
        if result.is_err() {
            return vec![result];
        }
        results.push(result);
    } else {
        for work in works {
            match in_savepoint(&tx, work) {
                Ok(result) => results.push(result),
                // The savepoint could not be rolled back: nothing of this batch can be trusted.
                Err(e) => return all_failed(&e),
            }
        }
    }
    match tx.commit() {
        Ok(()) => results,
        Err(e) => all_failed(&sql_error(e)),
    }
}

/// Run one job inside `SAVEPOINT job`: released when it succeeds, rolled back to when it fails. The outer `Err` is
/// a failure of the savepoint statements themselves.
fn in_savepoint(conn: &Connection, work: Work) -> Result<Result<(), StoreError>, StoreError> {
    conn.execute_batch("SAVEPOINT job").map_err(sql_error)?;
    let result = guarded(conn, work);
    if result.is_err() {
        conn.execute_batch("ROLLBACK TO job").map_err(sql_error)?;
    }
    conn.execute_batch("RELEASE job").map_err(sql_error)?;
    Ok(result)
}

/// A job that panics fails alone (the writer thread goes on).
fn guarded(conn: &Connection, work: Work) -> Result<(), StoreError> {
    catch_unwind(AssertUnwindSafe(|| work(conn)))
        .unwrap_or_else(|_| Err(StoreError::Unavailable("a store write panicked".into())))
}

fn copy(e: &StoreError) -> StoreError {
    match e {
        StoreError::ConditionFailed { index } => StoreError::ConditionFailed { index: *index },
        StoreError::Conflict => StoreError::Conflict,
        StoreError::Invalid(m) => StoreError::Invalid(m.clone()),
        StoreError::BadCursor => StoreError::BadCursor,
        StoreError::Corrupt(m) => StoreError::Corrupt(m.clone()),
        StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite_store::{SqliteStore, migrate, transaction_work};
    use shared::clock::SystemClock;
    use shared::ports::{Cond, Item, Store, TxOp};
    use std::sync::Arc;

    fn put(pk: &str, sk: &str, cond: Cond) -> TxOp {
        TxOp::Put {
            item: Item::new(pk, sk, &serde_json::json!({"by": sk})),
            cond,
        }
    }

    fn exists(conn: &Connection, pk: &str, sk: &str) -> bool {
        conn.query_row(
            "SELECT count(*) FROM records WHERE pk = ?1 AND sk = ?2",
            [pk, sk],
            |row| row.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    }

    #[test]
    fn a_failed_condition_in_a_batch_rolls_back_that_transaction_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&conn).unwrap();
        // Five transactions in one batch: each claims the same lock under `Absent` and writes its own record;
        // the third also touches a key nobody else claims.
        let works: Vec<Work> = (0..5)
            .map(|i| {
                let mut ops = vec![
                    put("LOCK", "X", Cond::Absent),
                    put("OWN", &format!("{i}"), Cond::Always),
                ];
                if i == 2 {
                    ops.reverse();
                }
                transaction_work(ops, 0)
            })
            .collect();
        let results = commit_batch(&mut conn, works);
        assert_eq!(results[0], Ok(()));
        assert_eq!(results[1], Err(StoreError::ConditionFailed { index: 0 }));
        // The condition is the action's own index within its transaction.
        assert_eq!(results[2], Err(StoreError::ConditionFailed { index: 1 }));
        assert_eq!(results[3], Err(StoreError::ConditionFailed { index: 0 }));
        assert_eq!(results[4], Err(StoreError::ConditionFailed { index: 0 }));
        assert!(exists(&conn, "LOCK", "X"));
        assert!(exists(&conn, "OWN", "0"));
        for i in 1..5 {
            assert!(!exists(&conn, "OWN", &i.to_string()), "OWN/{i} written");
        }
    }

    #[test]
    fn later_transactions_of_a_batch_see_the_earlier_ones_and_a_panic_fails_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&conn).unwrap();
        let works: Vec<Work> = vec![
            transaction_work(vec![put("A", "1", Cond::Absent)], 0),
            // Version 1 is what the first transaction wrote in this same batch.
            transaction_work(vec![put("A", "1", Cond::VersionIs(1))], 0),
            Box::new(|_| panic!("a job that panics")),
            transaction_work(vec![put("B", "1", Cond::Absent)], 0),
        ];
        let results = commit_batch(&mut conn, works);
        assert_eq!(results[0], Ok(()));
        assert_eq!(results[1], Ok(()), "{results:?}");
        assert!(matches!(results[2], Err(StoreError::Unavailable(_))));
        assert_eq!(results[3], Ok(()));
        assert!(exists(&conn, "A", "1") && exists(&conn, "B", "1"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_claims_of_one_key_let_exactly_one_win() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SqliteStore::open(&dir.path().join("db.sqlite3"), Arc::new(SystemClock)).unwrap();
        let mut tasks = Vec::new();
        for i in 0..64 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .transact(vec![
                        put("LOCK", "X", Cond::Absent),
                        put("OWN", &format!("{i}"), Cond::Always),
                    ])
                    .await
            }));
        }
        let mut won = Vec::new();
        for (i, t) in tasks.into_iter().enumerate() {
            match t.await.unwrap() {
                Ok(()) => won.push(i),
                Err(e) => assert_eq!(e, StoreError::ConditionFailed { index: 0 }),
            }
        }
        assert_eq!(won.len(), 1, "{won:?}");
        for i in 0..64 {
            let found = store.get("OWN", &i.to_string()).await.unwrap();
            assert_eq!(found.is_some(), won == [i], "OWN/{i}");
        }
    }
}
