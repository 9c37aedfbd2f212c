use std::sync::Arc;

use std::time::Duration;

use shared::clock::MovableClock;
use shared::domain::account::Account;
use shared::ports::{Cond, Item, SharedClock, SharedStore};
use shared::services::Platform;
use shared::services::accounts::account_pk;
use shared::services::identity::verifier_for;
use shared::services::outbox::StoreOutbox;
use shared::services::sessions::SessionCache;
use shared::services::{Policy, VerificationMode};
use sme_embedded::sqlite_store::SqliteStore;

fn account(generation: u32) -> Account {
    let now = time::macros::datetime!(2026-05-01 00:00 UTC);
    Account {
        id: "ACC1".into(),
        login_name: "someone".into(),
        password_hash: String::new(),
        phone: "13800138000".into(),
        email: None,
        fixed_role: None,
        official: None,
        verification: shared::domain::account::Verification::Unverified,
        created_at: now,
        password_changed_at: now,
        session_generation: generation,
        revoked_sessions: Vec::new(),
    }
}

#[tokio::test]
async fn another_process_sees_an_ended_session_once_its_cache_entry_ages() {
    let clock: SharedClock = Arc::new(MovableClock::new());
    let store: SharedStore = Arc::new(SqliteStore::in_memory(clock.clone()).unwrap());
    let platform = Platform {
        notifier: Arc::new(StoreOutbox::new(store.clone(), clock.clone())),
        verifier: verifier_for(VerificationMode::Checks),
        policy: Policy::default(),
        store: store.clone(),
        blobs: None,
        clock,
        sessions: SessionCache::default(),
    };
    let put = |generation: u32, version: u64| {
        Item::new(account_pk("ACC1"), "PROFILE", &account(generation)).with_version(version)
    };
    store.put(put(0, 1), Cond::Absent).await.unwrap();
    let cache = SessionCache::with_ttl(Duration::from_millis(50));
    assert!(cache.is_current(&platform, "ACC1", 0, "jti").await.unwrap());
    // Another process resets the password: the generation moves on in the store.
    store.put(put(1, 2), Cond::VersionIs(1)).await.unwrap();
    assert!(
        cache.is_current(&platform, "ACC1", 0, "jti").await.unwrap(),
        "cached"
    );
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert!(!cache.is_current(&platform, "ACC1", 0, "jti").await.unwrap());
    assert!(cache.is_current(&platform, "ACC1", 1, "jti").await.unwrap());
    assert!(
        !cache
            .is_current(&platform, "NOBODY", 0, "jti")
            .await
            .unwrap()
    );
}
