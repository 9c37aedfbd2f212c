//! The one conformance suite for the `Store` port. Every store the project ships — and an independent
//! DynamoDB implementation (moto) through `DynamoStore` — must pass it; `testkit/tests/conformance/store_conformance.rs`
//! runs it.
//!
//! Each case is a `pub async fn case_*(store, clock)` that panics on a violation. Cases use their own
//! unique partition keys, so they may share a store, but [`run_all`] gives each case a fresh store and a fresh
//! clock frozen at the current second (real TTL engines must not see its items as expired yet), runs the case
//! as its own task (so concurrency cases really run in parallel on a multi-threaded runtime), and reports
//! every failing case by name at the end.
//!
//! This module is compiled into the library (not `cfg(test)`) so integration tests of any crate can use it.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use time::OffsetDateTime;

use shared::clock::MovableClock;
use shared::ports::{
    Cond, Item, MAX_TX_OPS, Query, SharedClock, SharedStore, SkRange, StoreError, TxOp,
};

/// A boxed case future.
pub type CaseFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A conformance case: a store under test and the clock it was built with.
pub type Case = fn(SharedStore, Arc<MovableClock>) -> CaseFuture;

/// The longest one case may take before it counts as failed (hung).
pub const CASE_TIMEOUT: Duration = Duration::from_secs(180);

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        /// Every case of the suite, by name.
        pub const CASES: &[(&str, Case)] = &[
            $((stringify!($name), |store, clock| Box::pin($name(store, clock)))),*
        ];
    };
}

cases![
    case_get_absent_and_present,
    case_put_absent_succeeds_once,
    case_put_version_is,
    case_put_exists,
    case_put_always_replaces_the_whole_item,
    case_delete_with_conditions,
    case_transaction_applies_all_or_none,
    case_transaction_check_ops,
    case_transaction_limits,
    case_query_base_ranges,
    case_query_base_pagination,
    case_query_gsi1,
    case_keys_only_queries_list_the_same_keys_in_the_same_pages,
    case_query_rejects_bad_requests,
    case_ttl_expired_items_are_absent,
    case_ttl_pagination_skips_expired_items,
    case_concurrent_conditional_writers,
    case_concurrent_creators,
    case_concurrent_transactions,
    case_chinese_text_round_trips,
];

/// A clock frozen at the current whole second.
pub fn test_clock() -> Arc<MovableClock> {
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    Arc::new(MovableClock::frozen_at(now))
}

/// Run every case on a fresh store from `make` (which receives the case's clock); panics listing every
/// failed case. Run it on a multi-threaded runtime so the concurrency cases race for real.
pub async fn run_all<F, Fut>(make: F)
where
    F: Fn(SharedClock) -> Fut,
    Fut: Future<Output = SharedStore>,
{
    run_selected(make, |_| true).await;
}

/// Like [`run_all`], for the cases whose name `select` accepts.
pub async fn run_selected<F, Fut>(make: F, select: impl Fn(&str) -> bool)
where
    F: Fn(SharedClock) -> Fut,
    Fut: Future<Output = SharedStore>,
{
    let mut failures = Vec::new();
    let mut ran = 0;
    for (name, case) in CASES.iter().filter(|(name, _)| select(name)) {
        let clock = test_clock();
        let store = make(clock.clone()).await;
        let task = tokio::spawn(tokio::time::timeout(CASE_TIMEOUT, case(store, clock)));
        ran += 1;
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => failures.push(format!("{name}: timed out after {CASE_TIMEOUT:?}")),
            Err(e) => failures.push(format!("{name}: {}", panic_text(e))),
        }
    }
    assert!(ran > 0, "no conformance case selected");
    assert!(
        failures.is_empty(),
        "{} of {ran} store conformance cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn panic_text(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panicked".to_owned()),
        Err(e) => e.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/// A partition key no other case (or run) uses.
fn unique(tag: &str) -> String {
    format!("conf#{tag}#{}", ulid::Ulid::new())
}

fn item(pk: &str, sk: &str, body: serde_json::Value) -> Item {
    Item::new(pk, sk, &body)
}

fn now(clock: &MovableClock) -> i64 {
    use shared::ports::Clock as _;
    clock.now().unix_timestamp()
}

fn keys(items: &[Item]) -> Vec<(String, String)> {
    items.iter().map(|i| (i.pk.clone(), i.sk.clone())).collect()
}

fn sks(items: &[Item]) -> Vec<String> {
    items.iter().map(|i| i.sk.clone()).collect()
}

fn condition_failed(result: Result<(), StoreError>, index: usize, what: &str) {
    assert_eq!(result, Err(StoreError::ConditionFailed { index }), "{what}");
}

fn invalid(result: Result<impl std::fmt::Debug, StoreError>, what: &str) {
    assert!(
        matches!(result, Err(StoreError::Invalid(_))),
        "{what}: expected Invalid, got {result:?}"
    );
}

fn bad_cursor(result: Result<impl std::fmt::Debug, StoreError>, what: &str) {
    assert!(
        matches!(result, Err(StoreError::BadCursor)),
        "{what}: expected BadCursor, got {result:?}"
    );
}

/// Follow `next_cursor` from `query` (and its cursor, if any) to the end, checking page sizes; returns every item in page order.
pub async fn collect_all(store: &SharedStore, query: Query) -> Vec<Item> {
    let limit = query.limit as usize;
    let mut all = Vec::new();
    let mut cursor = query.cursor.clone();
    let mut pages = 0;
    loop {
        let page = store
            .query(query.clone().after(cursor.clone()))
            .await
            .unwrap_or_else(|e| panic!("query {query:?} page {pages}: {e}"));
        pages += 1;
        assert!(
            page.items.len() <= limit,
            "a page holds {} items, more than limit {limit}",
            page.items.len()
        );
        all.extend(page.items);
        assert!(pages <= 10_000, "pagination does not end");
        match page.next_cursor {
            Some(next) => {
                assert_ne!(Some(&next), cursor.as_ref(), "the cursor did not move");
                cursor = Some(next);
            }
            None => break,
        }
    }
    let distinct: HashSet<_> = keys(&all).into_iter().collect();
    assert_eq!(
        distinct.len(),
        all.len(),
        "pages overlap: an item came back twice for {query:?}"
    );
    all
}

// ---------------------------------------------------------------------------------------------------------------
// Single-item reads and writes
// ---------------------------------------------------------------------------------------------------------------

pub async fn case_get_absent_and_present(store: SharedStore, clock: Arc<MovableClock>) {
    let pk = unique("get");
    assert_eq!(store.get(&pk, "a").await.unwrap(), None, "absent item");
    let stored = item(&pk, "a", json!({"n": 1, "s": "x"}))
        .with_gsi1(unique("get-q"), "2026-01")
        .with_version(3)
        .expiring_at(now(&clock) + 86_400);
    store.put(stored.clone(), Cond::Always).await.unwrap();
    assert_eq!(
        store.get(&pk, "a").await.unwrap(),
        Some(stored),
        "every field round-trips"
    );
    assert_eq!(store.get(&pk, "b").await.unwrap(), None, "other sort key");
    assert_eq!(
        store.get(&format!("{pk}x"), "a").await.unwrap(),
        None,
        "other partition"
    );
    invalid(store.get("", "a").await, "empty partition key");
}

pub async fn case_put_absent_succeeds_once(store: SharedStore, _clock: Arc<MovableClock>) {
    let pk = unique("absent");
    let first = item(&pk, "k", json!("first"));
    store.put(first.clone(), Cond::Absent).await.unwrap();
    condition_failed(
        store
            .put(item(&pk, "k", json!("second")), Cond::Absent)
            .await,
        0,
        "second Absent put",
    );
    assert_eq!(
        store.get(&pk, "k").await.unwrap(),
        Some(first),
        "the failed put changed nothing"
    );
}

pub async fn case_put_version_is(store: SharedStore, _clock: Arc<MovableClock>) {
    let pk = unique("version");
    store
        .put(item(&pk, "k", json!(1)), Cond::Absent)
        .await
        .unwrap();
    let v2 = item(&pk, "k", json!(2)).with_version(2);
    store.put(v2.clone(), Cond::VersionIs(1)).await.unwrap();
    condition_failed(
        store
            .put(item(&pk, "k", json!(3)).with_version(2), Cond::VersionIs(1))
            .await,
        0,
        "stale version",
    );
    condition_failed(
        store
            .put(item(&pk, "k", json!(3)).with_version(4), Cond::VersionIs(3))
            .await,
        0,
        "future version",
    );
    assert_eq!(store.get(&pk, "k").await.unwrap(), Some(v2.clone()));
    condition_failed(
        store
            .put(
                item(&pk, "absent", json!(0)).with_version(2),
                Cond::VersionIs(1),
            )
            .await,
        0,
        "absent item",
    );
    assert_eq!(store.get(&pk, "absent").await.unwrap(), None);
    let v3 = item(&pk, "k", json!(3)).with_version(3);
    store.put(v3.clone(), Cond::VersionIs(2)).await.unwrap();
    assert_eq!(store.get(&pk, "k").await.unwrap(), Some(v3));
}

pub async fn case_put_exists(store: SharedStore, _clock: Arc<MovableClock>) {
    let pk = unique("exists");
    condition_failed(
        store.put(item(&pk, "k", json!(1)), Cond::Exists).await,
        0,
        "Exists on an absent item",
    );
    assert_eq!(
        store.get(&pk, "k").await.unwrap(),
        None,
        "a failed Exists put creates nothing"
    );
    store
        .put(item(&pk, "k", json!(1)), Cond::Always)
        .await
        .unwrap();
    let replaced = item(&pk, "k", json!(2)).with_version(2);
    store.put(replaced.clone(), Cond::Exists).await.unwrap();
    assert_eq!(store.get(&pk, "k").await.unwrap(), Some(replaced));
}

pub async fn case_put_always_replaces_the_whole_item(store: SharedStore, clock: Arc<MovableClock>) {
    let pk = unique("replace");
    let queue = unique("replace-q");
    let rich = item(&pk, "k", json!({"a": 1}))
        .with_gsi1(&queue, "s")
        .expiring_at(now(&clock) + 3600)
        .with_version(5);
    store.put(rich, Cond::Always).await.unwrap();
    assert_eq!(collect_all(&store, Query::gsi1(&queue)).await.len(), 1);
    let plain = item(&pk, "k", json!({"b": 2}));
    store.put(plain.clone(), Cond::Always).await.unwrap();
    assert_eq!(
        store.get(&pk, "k").await.unwrap(),
        Some(plain),
        "no attribute of the old item survives"
    );
    assert!(
        collect_all(&store, Query::gsi1(&queue)).await.is_empty(),
        "an item without gsi1 leaves the index"
    );
}

pub async fn case_delete_with_conditions(store: SharedStore, _clock: Arc<MovableClock>) {
    let pk = unique("delete");
    store.delete(&pk, "none", Cond::Always).await.unwrap();
    store.delete(&pk, "none", Cond::Absent).await.unwrap();
    condition_failed(
        store.delete(&pk, "none", Cond::Exists).await,
        0,
        "Exists on an absent item",
    );
    condition_failed(
        store.delete(&pk, "none", Cond::VersionIs(1)).await,
        0,
        "VersionIs on an absent item",
    );

    let kept = item(&pk, "k", json!(1));
    store.put(kept.clone(), Cond::Always).await.unwrap();
    condition_failed(
        store.delete(&pk, "k", Cond::VersionIs(2)).await,
        0,
        "wrong version",
    );
    condition_failed(
        store.delete(&pk, "k", Cond::Absent).await,
        0,
        "Absent on a present item",
    );
    assert_eq!(
        store.get(&pk, "k").await.unwrap(),
        Some(kept),
        "failed deletes keep the item"
    );
    store.delete(&pk, "k", Cond::VersionIs(1)).await.unwrap();
    assert_eq!(store.get(&pk, "k").await.unwrap(), None);

    store
        .put(item(&pk, "e", json!(1)), Cond::Always)
        .await
        .unwrap();
    store.delete(&pk, "e", Cond::Exists).await.unwrap();
    assert_eq!(store.get(&pk, "e").await.unwrap(), None);
    store
        .put(item(&pk, "a", json!(1)), Cond::Always)
        .await
        .unwrap();
    store.delete(&pk, "a", Cond::Always).await.unwrap();
    assert_eq!(store.get(&pk, "a").await.unwrap(), None);
}

// ---------------------------------------------------------------------------------------------------------------
// Transactions
// ---------------------------------------------------------------------------------------------------------------

fn put(item: Item, cond: Cond) -> TxOp {
    TxOp::Put { item, cond }
}

fn del(pk: &str, sk: &str, cond: Cond) -> TxOp {
    TxOp::Delete {
        pk: pk.to_owned(),
        sk: sk.to_owned(),
        cond,
    }
}

fn check(pk: &str, sk: &str, cond: Cond) -> TxOp {
    TxOp::Check {
        pk: pk.to_owned(),
        sk: sk.to_owned(),
        cond,
    }
}

pub async fn case_transaction_applies_all_or_none(store: SharedStore, _clock: Arc<MovableClock>) {
    let pk = unique("tx");
    let a = item(&pk, "a", json!("a1"));
    let b = item(&pk, "b", json!("b1"));
    store.put(a.clone(), Cond::Absent).await.unwrap();
    store.put(b.clone(), Cond::Absent).await.unwrap();
    let a2 = item(&pk, "a", json!("a2")).with_version(2);
    let c = item(&pk, "c", json!("c1"));

    let unchanged = |what: &'static str| {
        let (store, pk, a, b) = (store.clone(), pk.clone(), a.clone(), b.clone());
        async move {
            assert_eq!(
                store.get(&pk, "a").await.unwrap(),
                Some(a),
                "{what}: a untouched"
            );
            assert_eq!(
                store.get(&pk, "b").await.unwrap(),
                Some(b),
                "{what}: b untouched"
            );
            assert_eq!(
                store.get(&pk, "c").await.unwrap(),
                None,
                "{what}: c not created"
            );
        }
    };

    let failing_last = vec![
        put(c.clone(), Cond::Absent),
        put(a2.clone(), Cond::VersionIs(1)),
        del(&pk, "b", Cond::VersionIs(1)),
        check(&pk, "d", Cond::Exists),
    ];
    condition_failed(
        store.transact(failing_last).await,
        3,
        "the check at index 3 fails",
    );
    unchanged("failure at 3").await;

    let failing_middle = vec![
        put(c.clone(), Cond::Absent),
        put(a2.clone(), Cond::VersionIs(9)),
        del(&pk, "b", Cond::Always),
    ];
    condition_failed(
        store.transact(failing_middle).await,
        1,
        "the put at index 1 fails",
    );
    unchanged("failure at 1").await;

    let failing_first = vec![put(a2.clone(), Cond::Absent), put(c.clone(), Cond::Absent)];
    condition_failed(
        store.transact(failing_first).await,
        0,
        "the put at index 0 fails",
    );
    unchanged("failure at 0").await;

    let failing_delete = vec![
        put(c.clone(), Cond::Absent),
        del(&pk, "b", Cond::VersionIs(2)),
    ];
    condition_failed(
        store.transact(failing_delete).await,
        1,
        "the delete at index 1 fails",
    );
    unchanged("failed delete").await;

    let succeeding = vec![
        put(c.clone(), Cond::Absent),
        put(a2.clone(), Cond::VersionIs(1)),
        del(&pk, "b", Cond::VersionIs(1)),
        check(&pk, "d", Cond::Absent),
    ];
    store.transact(succeeding).await.unwrap();
    assert_eq!(store.get(&pk, "a").await.unwrap(), Some(a2));
    assert_eq!(store.get(&pk, "b").await.unwrap(), None);
    assert_eq!(store.get(&pk, "c").await.unwrap(), Some(c));
    assert_eq!(
        store.get(&pk, "d").await.unwrap(),
        None,
        "a check writes nothing"
    );
}

pub async fn case_transaction_check_ops(store: SharedStore, _clock: Arc<MovableClock>) {
    let pk = unique("check");
    let a = item(&pk, "a", json!(1));
    store.put(a.clone(), Cond::Absent).await.unwrap();
    let e = item(&pk, "e", json!("event"));

    condition_failed(
        store
            .transact(vec![
                check(&pk, "a", Cond::VersionIs(2)),
                put(e.clone(), Cond::Absent),
            ])
            .await,
        0,
        "a failing check blocks the write",
    );
    assert_eq!(store.get(&pk, "e").await.unwrap(), None);
    condition_failed(
        store
            .transact(vec![
                put(e.clone(), Cond::Absent),
                check(&pk, "a", Cond::Absent),
            ])
            .await,
        1,
        "Absent check on a present item",
    );
    condition_failed(
        store
            .transact(vec![
                put(e.clone(), Cond::Absent),
                check(&pk, "zz", Cond::Exists),
            ])
            .await,
        1,
        "Exists check on an absent item",
    );
    assert_eq!(store.get(&pk, "e").await.unwrap(), None);

    store
        .transact(vec![
            check(&pk, "a", Cond::VersionIs(1)),
            check(&pk, "a2", Cond::Absent),
            check(&pk, "zz", Cond::Always),
            put(e.clone(), Cond::Absent),
        ])
        .await
        .unwrap();
    assert_eq!(store.get(&pk, "e").await.unwrap(), Some(e));
    assert_eq!(
        store.get(&pk, "a").await.unwrap(),
        Some(a.clone()),
        "checks do not change items"
    );
    store
        .transact(vec![
            check(&pk, "a", Cond::Exists),
            check(&pk, "e", Cond::VersionIs(1)),
        ])
        .await
        .unwrap();
    assert_eq!(store.get(&pk, "a").await.unwrap(), Some(a));
}

pub async fn case_transaction_limits(store: SharedStore, _clock: Arc<MovableClock>) {
    let pk = unique("limits");
    let ops = |n: usize| {
        (0..n)
            .map(|i| put(item(&pk, &format!("{i:03}"), json!(i)), Cond::Absent))
            .collect::<Vec<_>>()
    };

    invalid(
        store.transact(ops(MAX_TX_OPS + 1)).await,
        "more than MAX_TX_OPS actions",
    );
    assert!(
        collect_all(&store, Query::base(&pk)).await.is_empty(),
        "a rejected transaction writes nothing"
    );
    invalid(store.transact(Vec::new()).await, "an empty transaction");

    let x = item(&pk, "x", json!(1));
    invalid(
        store
            .transact(vec![
                put(x.clone(), Cond::Absent),
                check(&pk, "x", Cond::Absent),
            ])
            .await,
        "put + check",
    );
    invalid(
        store
            .transact(vec![
                put(x.clone(), Cond::Always),
                del(&pk, "x", Cond::Always),
            ])
            .await,
        "put + delete",
    );
    invalid(
        store
            .transact(vec![
                put(x.clone(), Cond::Always),
                put(x.clone().with_version(2), Cond::Always),
            ])
            .await,
        "put twice",
    );
    assert_eq!(
        store.get(&pk, "x").await.unwrap(),
        None,
        "rejected transactions write nothing"
    );

    store.transact(ops(MAX_TX_OPS)).await.unwrap();
    let all = collect_all(&store, Query::base(&pk).limit(1000)).await;
    assert_eq!(
        all.len(),
        MAX_TX_OPS,
        "a transaction of exactly MAX_TX_OPS actions applies all"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------------------------

/// Write `items` (at most MAX_TX_OPS per transaction).
async fn put_all(store: &SharedStore, items: &[Item]) {
    for chunk in items.chunks(MAX_TX_OPS) {
        store
            .transact(
                chunk
                    .iter()
                    .cloned()
                    .map(|i| put(i, Cond::Always))
                    .collect(),
            )
            .await
            .unwrap();
    }
}

/// 25 `item#NN` items, 3 `other#N` items and `a` under one partition, plus neighbours that must never show up.
async fn base_fixture(store: &SharedStore) -> (String, Vec<Item>) {
    let pk = unique("query");
    let mut items: Vec<Item> = (0..25)
        .map(|i| item(&pk, &format!("item#{i:02}"), json!(i)))
        .collect();
    items.extend((0..3).map(|i| item(&pk, &format!("other#{i}"), json!(i))));
    items.push(item(&pk, "a", json!("a")));
    put_all(store, &items).await;
    let neighbours = [
        item(&format!("{pk}x"), "item#05", json!(0)),
        item(&pk[..pk.len() - 1], "item#05", json!(0)),
    ];
    put_all(store, &neighbours).await;
    items.sort_by(|x, y| x.sk.cmp(&y.sk));
    (pk, items)
}

fn expected(
    items: &[Item],
    range: &SkRange,
    forward: bool,
    key: impl Fn(&Item) -> &str,
) -> Vec<Item> {
    let mut out: Vec<Item> = items
        .iter()
        .filter(|i| match range {
            SkRange::All => true,
            SkRange::BeginsWith(p) => key(i).starts_with(p.as_str()),
            SkRange::Between(a, b) => key(i) >= a.as_str() && key(i) <= b.as_str(),
        })
        .cloned()
        .collect();
    if !forward {
        out.reverse();
    }
    out
}

pub async fn case_query_base_ranges(store: SharedStore, _clock: Arc<MovableClock>) {
    let (pk, items) = base_fixture(&store).await;
    let all = collect_all(&store, Query::base(&pk).limit(1000)).await;
    assert_eq!(
        all, items,
        "All, forward, in sort-key order, with every field"
    );
    let back = collect_all(&store, Query::base(&pk).backward()).await;
    assert_eq!(
        sks(&back),
        sks(&expected(&items, &SkRange::All, false, |i| &i.sk)),
        "All, backward"
    );

    let begins = collect_all(&store, Query::base(&pk).begins_with("item#1")).await;
    assert_eq!(
        sks(&begins),
        (10..20).map(|i| format!("item#{i}")).collect::<Vec<_>>(),
        "BeginsWith"
    );
    let begins_back = collect_all(&store, Query::base(&pk).begins_with("other#").backward()).await;
    assert_eq!(
        sks(&begins_back),
        ["other#2", "other#1", "other#0"],
        "BeginsWith backward"
    );
    assert!(
        collect_all(&store, Query::base(&pk).begins_with("nothing"))
            .await
            .is_empty()
    );

    let between = collect_all(&store, Query::base(&pk).between("item#05", "item#09")).await;
    assert_eq!(
        sks(&between),
        ["item#05", "item#06", "item#07", "item#08", "item#09"],
        "Between is inclusive"
    );
    let between_back = collect_all(
        &store,
        Query::base(&pk).between("item#23", "other#0").backward(),
    )
    .await;
    assert_eq!(
        sks(&between_back),
        ["other#0", "item#24", "item#23"],
        "Between backward"
    );
    let one = collect_all(&store, Query::base(&pk).between("item#05", "item#05")).await;
    assert_eq!(sks(&one), ["item#05"]);
    assert!(
        collect_all(&store, Query::base(&pk).between("b", "c"))
            .await
            .is_empty()
    );
}

pub async fn case_query_base_pagination(store: SharedStore, _clock: Arc<MovableClock>) {
    let (pk, items) = base_fixture(&store).await;
    let ranges = [
        SkRange::All,
        SkRange::BeginsWith("item#".into()),
        SkRange::Between("item#03".into(), "item#21".into()),
    ];
    for range in &ranges {
        for forward in [true, false] {
            let want = expected(&items, range, forward, |i| &i.sk);
            for limit in [1, 4, 10, 100] {
                let query = Query {
                    sk: range.clone(),
                    forward,
                    ..Query::base(&pk).limit(limit)
                };
                let got = collect_all(&store, query).await;
                assert_eq!(
                    sks(&got),
                    sks(&want),
                    "pages of {limit}, {range:?}, forward={forward}: every item once, in order"
                );
            }
        }
    }
    // A page boundary inside the range: the first page holds exactly `limit` items.
    let page = store.query(Query::base(&pk).limit(3)).await.unwrap();
    assert_eq!(sks(&page.items), sks(&items[..3]));
    assert!(page.next_cursor.is_some(), "more items follow");
}

pub async fn case_query_gsi1(store: SharedStore, _clock: Arc<MovableClock>) {
    let queue = unique("queue");
    let other_queue = format!("{queue}-other");
    let owners: Vec<String> = (0..3).map(|i| unique(&format!("owner{i}"))).collect();
    let mut indexed = Vec::new();
    let mut everything = Vec::new();
    for n in 0..18 {
        let owner = &owners[n % 3];
        // Sort keys 2026-00 .. 2026-08, each shared by two items of different owners: ties across partitions.
        let it = item(owner, &format!("decl#{n:02}"), json!({"n": n}))
            .with_gsi1(&queue, format!("2026-{:02}", n / 2));
        indexed.push(it.clone());
        everything.push(it);
    }
    for (n, owner) in owners.iter().enumerate() {
        everything.push(item(owner, "profile", json!(n))); // not in the index
        everything.push(item(owner, "elsewhere", json!(n)).with_gsi1(&other_queue, "2026-03"));
    }
    put_all(&store, &everything).await;

    let check_order = |got: &[Item], want: &[Item], forward: bool, what: &str| {
        let got_keys: Vec<_> = got
            .iter()
            .map(|i| i.gsi1.clone().expect("indexed items carry gsi1").1)
            .collect();
        let mut sorted = got_keys.clone();
        sorted.sort();
        if !forward {
            sorted.reverse();
        }
        assert_eq!(got_keys, sorted, "{what}: ordered by gsi1sk");
        let mut got_set = keys(got);
        let mut want_set = keys(want);
        got_set.sort();
        want_set.sort();
        assert_eq!(
            got_set, want_set,
            "{what}: exactly the indexed items of the range"
        );
    };

    let all = collect_all(&store, Query::gsi1(&queue).limit(1000)).await;
    check_order(&all, &indexed, true, "All");
    for it in &all {
        let original = indexed
            .iter()
            .find(|i| i.pk == it.pk && i.sk == it.sk)
            .expect("indexed");
        assert_eq!(it, original, "the index returns whole items");
    }
    let ranges = [
        SkRange::All,
        SkRange::BeginsWith("2026-0".into()),
        SkRange::BeginsWith("2026-05".into()),
        SkRange::Between("2026-02".into(), "2026-06".into()),
    ];
    for range in &ranges {
        for forward in [true, false] {
            let want = expected(&indexed, range, forward, |i| {
                i.gsi1.as_ref().map_or("", |g| g.1.as_str())
            });
            for limit in [1, 3, 4, 100] {
                let query = Query {
                    sk: range.clone(),
                    forward,
                    ..Query::gsi1(&queue).limit(limit)
                };
                let got = collect_all(&store, query).await;
                check_order(
                    &got,
                    &want,
                    forward,
                    &format!("pages of {limit}, {range:?}, forward={forward}"),
                );
            }
        }
    }
    let other = collect_all(&store, Query::gsi1(&other_queue)).await;
    assert_eq!(other.len(), 3, "the other queue holds only its own items");
    assert!(
        collect_all(&store, Query::gsi1(format!("{queue}-none")))
            .await
            .is_empty()
    );
}

/// A keys-only query lists exactly the keys the full query lists, in the same order and the same pages, on both
/// indexes and in both directions; a store may leave the data out.
pub async fn case_keys_only_queries_list_the_same_keys_in_the_same_pages(
    store: SharedStore,
    _clock: Arc<MovableClock>,
) {
    let (pk, _) = base_fixture(&store).await;
    let queue = unique("keysq");
    let owners: Vec<String> = (0..3).map(|i| unique(&format!("kowner{i}"))).collect();
    let indexed: Vec<Item> = (0..14)
        .map(|n| {
            item(&owners[n % 3], &format!("ev#{n:02}"), json!({"n": n}))
                .with_gsi1(&queue, format!("2026-{:02}", n / 2))
        })
        .collect();
    put_all(&store, &indexed).await;
    let key_of = |i: &Item| (i.pk.clone(), i.sk.clone(), i.gsi1.clone());
    let queries = [
        Query::base(&pk),
        Query::base(&pk).begins_with("item#"),
        Query::base(&pk).between("item#03", "item#21").backward(),
        Query::gsi1(&queue),
        Query::gsi1(&queue).between("2026-02", "2026-05"),
        Query::gsi1(&queue).backward(),
    ];
    for query in queries {
        for limit in [1, 4, 100] {
            let full = query.clone().limit(limit);
            let keys = query.clone().limit(limit).keys_only();
            let (mut full_cursor, mut keys_cursor) = (None, None);
            let mut pages = 0;
            loop {
                let a = store.query(full.clone().after(full_cursor)).await.unwrap();
                let b = store
                    .query(keys.clone().after(keys_cursor))
                    .await
                    .unwrap_or_else(|e| panic!("keys-only {keys:?} page {pages}: {e}"));
                assert_eq!(
                    b.items.iter().map(key_of).collect::<Vec<_>>(),
                    a.items.iter().map(key_of).collect::<Vec<_>>(),
                    "{query:?}, pages of {limit}, page {pages}: the same keys in the same order"
                );
                assert_eq!(
                    a.next_cursor.is_some(),
                    b.next_cursor.is_some(),
                    "{query:?}, pages of {limit}, page {pages}: another page in both or in neither"
                );
                pages += 1;
                match (a.next_cursor, b.next_cursor) {
                    (Some(x), Some(y)) => (full_cursor, keys_cursor) = (Some(x), Some(y)),
                    _ => break,
                }
            }
        }
    }
}

pub async fn case_query_rejects_bad_requests(store: SharedStore, _clock: Arc<MovableClock>) {
    let pk = unique("badq");
    put_all(
        &store,
        &[
            item(&pk, "a", json!(1)),
            item(&pk, "b", json!(2)),
            item(&pk, "c", json!(3)),
        ],
    )
    .await;
    invalid(store.query(Query::base(&pk).limit(0)).await, "limit 0");
    invalid(
        store.query(Query::base(&pk).limit(1001)).await,
        "limit 1001",
    );
    assert_eq!(
        store
            .query(Query::base(&pk).limit(1000))
            .await
            .unwrap()
            .items
            .len(),
        3,
        "limit 1000 is fine"
    );
    for (garbage, what) in [("not a cursor!", "garbage cursor"), ("", "empty cursor")] {
        bad_cursor(
            store
                .query(Query::base(&pk).after(Some(garbage.into())))
                .await,
            what,
        );
    }
    invalid(
        store.query(Query::base(&pk).between("b", "a")).await,
        "reversed Between",
    );
    let page = store.query(Query::base(&pk).limit(1)).await.unwrap();
    let cursor = page
        .next_cursor
        .expect("a cursor after the first of three items");
    let rest = collect_all(
        &store,
        Query::base(&pk).limit(1).after(Some(cursor.clone())),
    )
    .await;
    assert_eq!(
        sks(&rest),
        ["b", "c"],
        "the cursor resumes after the first item"
    );
    bad_cursor(
        store
            .query(Query::base(format!("{pk}x")).after(Some(cursor.clone())))
            .await,
        "cursor of another partition",
    );
    bad_cursor(
        store.query(Query::gsi1(&pk).after(Some(cursor))).await,
        "base cursor on the index",
    );
    // An empty prefix means the whole partition.
    assert_eq!(
        collect_all(&store, Query::base(&pk).begins_with(""))
            .await
            .len(),
        3
    );
}

// ---------------------------------------------------------------------------------------------------------------
// TTL
// ---------------------------------------------------------------------------------------------------------------

pub async fn case_ttl_expired_items_are_absent(store: SharedStore, clock: Arc<MovableClock>) {
    let pk = unique("ttl");
    let queue = unique("ttl-q");
    let t0 = now(&clock);
    let code = item(&pk, "code", json!({"code": "123456"}))
        .with_gsi1(&queue, "a")
        .expiring_at(t0 + 60);
    let lasting = item(&pk, "lasting", json!(1))
        .with_gsi1(&queue, "b")
        .expiring_at(t0 + 3600);
    let plain = item(&pk, "plain", json!(2)).with_gsi1(&queue, "c");
    store.put(code.clone(), Cond::Absent).await.unwrap();
    put_all(&store, &[lasting.clone(), plain.clone()]).await;

    assert_eq!(
        store.get(&pk, "code").await.unwrap(),
        Some(code.clone()),
        "live before expiry"
    );
    condition_failed(
        store.put(code.clone(), Cond::Absent).await,
        0,
        "a live item blocks Absent",
    );
    assert_eq!(collect_all(&store, Query::base(&pk)).await.len(), 3);

    clock.advance(time::Duration::seconds(59));
    assert!(
        store.get(&pk, "code").await.unwrap().is_some(),
        "one second before expiry it is still there"
    );

    clock.advance(time::Duration::seconds(1)); // now == expires_at: expired
    assert_eq!(
        store.get(&pk, "code").await.unwrap(),
        None,
        "expired items read as absent"
    );
    assert_eq!(
        sks(&collect_all(&store, Query::base(&pk)).await),
        ["lasting", "plain"],
        "base query"
    );
    assert_eq!(
        sks(&collect_all(&store, Query::gsi1(&queue)).await),
        ["lasting", "plain"],
        "index query"
    );
    assert_eq!(
        sks(&collect_all(&store, Query::base(&pk).backward().limit(1)).await),
        ["plain", "lasting"]
    );

    condition_failed(
        store.put(code.clone(), Cond::Exists).await,
        0,
        "Exists on an expired item",
    );
    condition_failed(
        store
            .put(code.clone().with_version(2), Cond::VersionIs(1))
            .await,
        0,
        "VersionIs on expired",
    );
    condition_failed(
        store.delete(&pk, "code", Cond::Exists).await,
        0,
        "delete Exists on expired",
    );
    condition_failed(
        store.transact(vec![check(&pk, "code", Cond::Exists)]).await,
        0,
        "check Exists on expired",
    );
    store
        .transact(vec![check(&pk, "code", Cond::Absent)])
        .await
        .unwrap();

    let fresh = item(&pk, "code", json!({"code": "654321"}));
    store.put(fresh.clone(), Cond::Absent).await.unwrap();
    assert_eq!(
        store.get(&pk, "code").await.unwrap(),
        Some(fresh),
        "the new item replaces the expired one entirely"
    );
    assert_eq!(
        sks(&collect_all(&store, Query::gsi1(&queue)).await),
        ["lasting", "plain"],
        "without its gsi1"
    );

    // An expired item also no longer blocks a transactional Absent put.
    let session = item(&pk, "session", json!(1)).expiring_at(now(&clock) + 5);
    store.put(session.clone(), Cond::Absent).await.unwrap();
    clock.advance(time::Duration::seconds(5));
    store
        .transact(vec![put(item(&pk, "session", json!(2)), Cond::Absent)])
        .await
        .unwrap();
    assert_eq!(
        store.get(&pk, "session").await.unwrap().map(|i| i.data),
        Some("2".to_owned())
    );
    assert_eq!(
        store.get(&pk, "lasting").await.unwrap(),
        Some(lasting),
        "later expiries are unaffected"
    );
}

pub async fn case_ttl_pagination_skips_expired_items(store: SharedStore, clock: Arc<MovableClock>) {
    let pk = unique("ttl-pages");
    let t0 = now(&clock);
    let items: Vec<Item> = (0..12)
        .map(|i| {
            let it = item(&pk, &format!("{i:02}"), json!(i));
            if i % 2 == 1 {
                it.expiring_at(t0 + 10)
            } else {
                it
            }
        })
        .collect();
    put_all(&store, &items).await;
    clock.advance(time::Duration::seconds(10));
    let live: Vec<String> = (0..12).step_by(2).map(|i| format!("{i:02}")).collect();
    for limit in [1, 2, 5, 100] {
        assert_eq!(
            sks(&collect_all(&store, Query::base(&pk).limit(limit)).await),
            live,
            "pages of {limit}"
        );
        let mut back = live.clone();
        back.reverse();
        assert_eq!(
            sks(&collect_all(&store, Query::base(&pk).limit(limit).backward()).await),
            back
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Concurrency
// ---------------------------------------------------------------------------------------------------------------

/// Exactly one result is `Ok`; every other is a failed condition (at `index`) or a conflict. Returns the winner.
fn one_winner(results: &[Result<(), StoreError>], index: usize, what: &str) -> usize {
    let winners: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_ok())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "{what}: exactly one writer wins, results: {results:?}"
    );
    for r in results.iter().filter(|r| r.is_err()) {
        assert!(
            matches!(r, Err(StoreError::ConditionFailed { index: i }) if *i == index)
                || matches!(r, Err(StoreError::Conflict)),
            "{what}: losers fail their condition or conflict, got {r:?}"
        );
    }
    winners[0]
}

async fn join_all<T: Send + 'static>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.expect("writer task"));
    }
    out
}

pub async fn case_concurrent_conditional_writers(store: SharedStore, _clock: Arc<MovableClock>) {
    for writers in [2, 16] {
        let pk = unique(&format!("race{writers}"));
        store
            .put(item(&pk, "k", json!("start")), Cond::Absent)
            .await
            .unwrap();
        let barrier = Arc::new(tokio::sync::Barrier::new(writers));
        let tasks = (0..writers)
            .map(|w| {
                let (store, pk, barrier) = (store.clone(), pk.clone(), barrier.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    store
                        .put(
                            item(&pk, "k", json!({"writer": w})).with_version(2),
                            Cond::VersionIs(1),
                        )
                        .await
                })
            })
            .collect();
        let results = join_all(tasks).await;
        let winner = one_winner(&results, 0, &format!("{writers} writers"));
        let stored = store.get(&pk, "k").await.unwrap().expect("the item exists");
        assert_eq!(
            stored,
            item(&pk, "k", json!({"writer": winner})).with_version(2),
            "the winner's write is stored"
        );
    }
}

pub async fn case_concurrent_creators(store: SharedStore, _clock: Arc<MovableClock>) {
    let writers = 16;
    let pk = unique("create-race");
    let barrier = Arc::new(tokio::sync::Barrier::new(writers));
    let tasks = (0..writers)
        .map(|w| {
            let (store, pk, barrier) = (store.clone(), pk.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                store
                    .put(item(&pk, "account", json!({"creator": w})), Cond::Absent)
                    .await
            })
        })
        .collect();
    let results = join_all(tasks).await;
    let winner = one_winner(&results, 0, "Absent creators");
    assert_eq!(
        store.get(&pk, "account").await.unwrap(),
        Some(item(&pk, "account", json!({"creator": winner})))
    );
}

pub async fn case_concurrent_transactions(store: SharedStore, _clock: Arc<MovableClock>) {
    for writers in [2, 8] {
        let pk = unique(&format!("txrace{writers}"));
        store
            .put(item(&pk, "state", json!("submitted")), Cond::Absent)
            .await
            .unwrap();
        let barrier = Arc::new(tokio::sync::Barrier::new(writers));
        let tasks = (0..writers)
            .map(|w| {
                let (store, pk, barrier) = (store.clone(), pk.clone(), barrier.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    store
                        .transact(vec![
                            put(
                                item(&pk, "state", json!({"decided_by": w})).with_version(2),
                                Cond::VersionIs(1),
                            ),
                            put(
                                item(&pk, &format!("event#{w:02}"), json!({"by": w})),
                                Cond::Absent,
                            ),
                        ])
                        .await
                })
            })
            .collect();
        let results = join_all(tasks).await;
        let winner = one_winner(&results, 0, &format!("{writers} transactions"));
        let state = store
            .get(&pk, "state")
            .await
            .unwrap()
            .expect("state exists");
        assert_eq!(
            state,
            item(&pk, "state", json!({"decided_by": winner})).with_version(2)
        );
        let events = collect_all(&store, Query::base(&pk).begins_with("event#")).await;
        assert_eq!(
            sks(&events),
            [format!("event#{winner:02}")],
            "only the winner's event was written"
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------------------------

pub async fn case_chinese_text_round_trips(store: SharedStore, _clock: Arc<MovableClock>) {
    let pk = format!("企业#91310000MA1FL0XX0X#{}", ulid::Ulid::new());
    let queue = unique("队列#省级#广东省#待审核");
    let body = json!({
        "name": "上海优质专精特新科技有限公司",
        "tier": "专精特新\"小巨人\"企业",
        "field": "具体细分领域：工业机器人减速器（RV 减速器）",
        "mixed": "line1\nline2\t“引号” 'single' \\ backslash 😀 𠀀 \u{0}",
    });
    let stored = item(&pk, "申报#专精特新", body.clone()).with_gsi1(&queue, "2026年04月15日#优质");
    store.put(stored.clone(), Cond::Absent).await.unwrap();
    let got = store
        .get(&pk, "申报#专精特新")
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(got, stored, "keys and data round-trip exactly");
    assert_eq!(got.data, stored.data, "byte-exact JSON text");
    assert_eq!(got.decode::<serde_json::Value>().unwrap(), body);

    // Sort order is by UTF-8 bytes (= code points): ASCII < CJK < U+FFFD < astral plane.
    let order = [
        "申报#a",
        "申报#z",
        "申报#专精特新",
        "申报#创新型",
        "申报#\u{FFFD}",
        "申报#𠀀",
    ];
    for sk in order.iter().filter(|s| **s != "申报#专精特新") {
        store
            .put(item(&pk, sk, json!(sk)), Cond::Absent)
            .await
            .unwrap();
    }
    store
        .put(item(&pk, "档案", json!("profile")), Cond::Absent)
        .await
        .unwrap();
    let listed = collect_all(&store, Query::base(&pk).begins_with("申报#").limit(2)).await;
    assert_eq!(
        sks(&listed),
        order,
        "UTF-8 byte order, BeginsWith on a Chinese prefix"
    );
    let between = collect_all(
        &store,
        Query::base(&pk).between("申报#专", "申报#创\u{10FFFF}"),
    )
    .await;
    assert_eq!(sks(&between), ["申报#专精特新", "申报#创新型"]);
    let queued = collect_all(&store, Query::gsi1(&queue).begins_with("2026年04月")).await;
    assert_eq!(queued, vec![stored]);
}

/// Write with one store, drop it, open the same data again with `open`, and check everything is still
/// there and conditions still see it. For stores that persist (SQLite file, DynamoDB table).
pub async fn check_survives_reopen<F, Fut>(open: F)
where
    F: Fn(SharedClock) -> Fut,
    Fut: Future<Output = SharedStore>,
{
    let clock = test_clock();
    let pk = unique("durable");
    let queue = unique("durable-q");
    let profile = item(&pk, "档案", json!({"name": "持久化测试企业"})).with_gsi1(&queue, "1");
    let state = item(&pk, "state", json!("submitted")).with_version(2);
    let code = item(&pk, "code", json!("123456")).expiring_at(now(&clock) + 300);
    {
        let store = open(clock.clone()).await;
        store.put(profile.clone(), Cond::Absent).await.unwrap();
        store
            .put(item(&pk, "state", json!("draft")), Cond::Absent)
            .await
            .unwrap();
        store
            .put(item(&pk, "gone", json!(0)), Cond::Absent)
            .await
            .unwrap();
        store
            .transact(vec![
                put(state.clone(), Cond::VersionIs(1)),
                put(code.clone(), Cond::Absent),
                del(&pk, "gone", Cond::Exists),
            ])
            .await
            .unwrap();
    }
    let store = open(clock.clone()).await;
    assert_eq!(store.get(&pk, "档案").await.unwrap(), Some(profile.clone()));
    assert_eq!(store.get(&pk, "state").await.unwrap(), Some(state));
    assert_eq!(store.get(&pk, "code").await.unwrap(), Some(code.clone()));
    assert_eq!(store.get(&pk, "gone").await.unwrap(), None);
    assert_eq!(
        collect_all(&store, Query::gsi1(&queue)).await,
        vec![profile]
    );
    condition_failed(
        store
            .put(item(&pk, "state", json!("x")), Cond::VersionIs(1))
            .await,
        0,
        "old version",
    );
    store
        .put(
            item(&pk, "state", json!("approved")).with_version(3),
            Cond::VersionIs(2),
        )
        .await
        .unwrap();
    condition_failed(
        store.put(code, Cond::Absent).await,
        0,
        "the live code still blocks",
    );
    drop(store);
    let store = open(clock).await;
    assert_eq!(
        store.get(&pk, "state").await.unwrap().map(|i| i.version),
        Some(3)
    );
    assert_eq!(collect_all(&store, Query::base(&pk)).await.len(), 3);
}
