use std::sync::Arc;

use shared::clock::MovableClock;
use shared::ports::sealed_cursors::SealedCursors;
use shared::ports::{Cond, Item, Query, SharedStore, Store, StoreError};
use sme_embedded::sqlite_store::SqliteStore;

async fn store_with_two_partitions() -> SealedCursors {
    let clock = Arc::new(MovableClock::frozen_at(
        time::macros::datetime!(2026-05-01 00:00 UTC),
    ));
    let inner: SharedStore = Arc::new(SqliteStore::in_memory(clock).unwrap());
    for pk in ["ENT#A", "ENT#B"] {
        for n in 0..5 {
            let item = Item::new(pk, format!("DECL#{n}"), &serde_json::json!({"n": n}));
            inner.put(item, Cond::Absent).await.unwrap();
        }
    }
    SealedCursors::new(inner, [7; 32])
}

#[tokio::test]
async fn a_sealed_cursor_continues_its_own_list() {
    let store = store_with_two_partitions().await;
    let first = store.query(Query::base("ENT#A").limit(2)).await.unwrap();
    let next = first.next_cursor.clone().expect("more pages");
    let second = store
        .query(Query::base("ENT#A").limit(2).after(Some(next)))
        .await
        .unwrap();
    assert_eq!(second.items[0].sk, "DECL#2");
}

#[tokio::test]
async fn forged_edited_and_foreign_cursors_are_refused() {
    let store = store_with_two_partitions().await;
    let first = store.query(Query::base("ENT#A").limit(2)).await.unwrap();
    let good = first.next_cursor.unwrap();
    let (inner, tag) = good.rsplit_once('.').unwrap();
    let flipped = format!(
        "{inner}.{}{}",
        &tag[..31],
        if tag.ends_with('0') { '1' } else { '0' }
    );
    let unsealed = inner.to_owned();
    for bad in ["", "zzz", "a.b", unsealed.as_str(), flipped.as_str()] {
        let err = store
            .query(Query::base("ENT#A").limit(2).after(Some(bad.to_owned())))
            .await
            .unwrap_err();
        assert_eq!(err, StoreError::BadCursor, "{bad:?}");
    }
    // The same cursor presented on another partition, range or direction is refused too.
    for other in [
        Query::base("ENT#B"),
        Query::base("ENT#A").begins_with("DECL#"),
        Query::base("ENT#A").backward(),
        Query::gsi1("ENT#A"),
    ] {
        let err = store
            .query(other.limit(2).after(Some(good.clone())))
            .await
            .unwrap_err();
        assert_eq!(err, StoreError::BadCursor);
    }
}
