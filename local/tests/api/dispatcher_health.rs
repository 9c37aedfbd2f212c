//! Issue 11, item 4: a failing (even panicking) dispatcher pass does not stop the local dispatcher for good, and
//! `/healthz` answers 503 while no pass completes — through the runner's real server on a socket.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use crate::support::runner::fresh_dir;
use async_trait::async_trait;
use shared::adapters::sqlite_store::SqliteStore;
use shared::ports::{Cond, Index, Item, Page, Query, SharedStore, Store, StoreError, TxOp};
use sme_local::{LocalConfig, Overrides, ServeLimits};

const HEALTHY: u8 = 0;
const PANICKING: u8 = 1;
const FAILING: u8 = 2;

/// The SQLite store, except that secondary-index queries (the event feed the dispatcher tails) panic or fail on
/// demand.
struct Faulty {
    inner: SqliteStore,
    mode: Arc<AtomicU8>,
}

#[async_trait]
impl Store for Faulty {
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
    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        if matches!(query.index, Index::Gsi1) {
            match self.mode.load(Ordering::SeqCst) {
                PANICKING => panic!("a date beyond the calendar (simulated)"),
                FAILING => return Err(StoreError::Unavailable("simulated outage".into())),
                _ => {}
            }
        }
        self.inner.query(query).await
    }
}

async fn healthz(client: &reqwest::Client, base: &str) -> (u16, serde_json::Value) {
    let response = client
        .get(format!("{base}/healthz"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("healthz answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// Poll `/healthz` until it answers `status` (within `limit`).
async fn wait_for(
    client: &reqwest::Client,
    base: &str,
    status: u16,
    limit: Duration,
) -> serde_json::Value {
    let deadline = Instant::now() + limit;
    loop {
        let (now, body) = healthz(client, base).await;
        if now == status {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "healthz still {now} after {limit:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_dispatcher_pass_is_survived_and_healthz_reports_a_stalled_dispatcher() {
    let dir = fresh_dir("dispatcher-health");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let config = LocalConfig {
        listen: base.trim_start_matches("http://").to_owned(),
        data_dir: dir.clone(),
        dev: true,
        bootstrap_operator: None,
        verification_mode: shared::services::VerificationMode::Checks,
        web_dir: dir.join("web"),
    };
    let mode = Arc::new(AtomicU8::new(HEALTHY));
    let store_mode = mode.clone();
    let db = dir.join("faulty.sqlite3");
    let overrides = Overrides {
        store: Some(Box::new(move |clock| {
            Arc::new(Faulty {
                inner: SqliteStore::open(&db, clock).expect("sqlite"),
                mode: store_mode,
            }) as SharedStore
        })),
        dispatch_interval: Some(Duration::from_millis(50)),
        dispatch_stale_after: Some(Duration::from_millis(600)),
        ..Overrides::default()
    };
    let local = sme_local::build_with(&config, &base, overrides)
        .await
        .expect("build");
    let router = local.router.clone();
    let server = tokio::spawn(sme_local::serve::serve(
        listener,
        router,
        ServeLimits::default(),
        std::future::pending(),
    ));
    let client = reqwest::Client::new();

    let body = wait_for(&client, &base, 200, Duration::from_secs(5)).await;
    assert_eq!(body["status"], "ok");

    // Every pass panics: the loop goes on, and after the limit the runner says it is unhealthy.
    mode.store(PANICKING, Ordering::SeqCst);
    let problem = wait_for(&client, &base, 503, Duration::from_secs(5)).await;
    assert_eq!(problem["code"], "UNAVAILABLE");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("消息分发"),
        "{problem}"
    );

    // The passes succeed again: healthy again, so the background loop survived the panics.
    mode.store(HEALTHY, Ordering::SeqCst);
    wait_for(&client, &base, 200, Duration::from_secs(5)).await;

    // A pass that fails with an error (an outage) counts as not completed too.
    mode.store(FAILING, Ordering::SeqCst);
    wait_for(&client, &base, 503, Duration::from_secs(5)).await;
    mode.store(HEALTHY, Ordering::SeqCst);
    wait_for(&client, &base, 200, Duration::from_secs(5)).await;

    server.abort();
    drop(local);
    let _ = std::fs::remove_dir_all(dir);
}
