//! Whether a session token still opens a session. A token is current while the account's session generation is
//! the one it was issued in and its id has not been logged out (`Account::session_is_current`). Every
//! authenticated request asks; the answer per account is cached in the process for [`SessionCache::TTL`], so an
//! ended session is refused everywhere within that time (at once in the process that ended it), at the cost of one
//! `GetItem` per account and process per TTL.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::account::Account;
use crate::error::AppResult;
use crate::services::Platform;
use crate::services::accounts::load_account;

/// What the cache keeps of an account: enough to judge its tokens.
#[derive(Clone, Debug)]
struct Entry {
    fetched: Instant,
    /// `None`: the account does not exist (any token naming it is refused).
    state: Option<(u32, Vec<String>)>,
}

/// Per-process cache of the accounts' session state.
#[derive(Debug)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, Entry>>,
    ttl: Duration,
}

impl Default for SessionCache {
    fn default() -> Self {
        Self::with_ttl(Self::TTL)
    }
}

impl SessionCache {
    /// How long an account's session state is trusted before it is read again (so an ended session is refused by
    /// every process within this time).
    pub const TTL: Duration = Duration::from_secs(30);

    pub fn with_ttl(ttl: Duration) -> Self {
        SessionCache {
            entries: Mutex::default(),
            ttl,
        }
    }
    /// Beyond this many cached accounts the cache starts afresh (it only saves reads).
    const MAX_ENTRIES: usize = 100_000;

    /// Whether the token (`account_id`, `generation`, `jti`) still opens a session.
    pub async fn is_current(
        &self,
        p: &Platform,
        account_id: &str,
        generation: u32,
        jti: &str,
    ) -> AppResult<bool> {
        let cached = self
            .entries
            .lock()
            .expect("session cache lock")
            .get(account_id)
            .filter(|e| e.fetched.elapsed() < self.ttl)
            .cloned();
        let entry = match cached {
            Some(entry) => entry,
            None => {
                let account = load_account(p, account_id).await?;
                let entry = Entry {
                    fetched: Instant::now(),
                    state: account.map(|a| state_of(&a.value)),
                };
                let mut entries = self.entries.lock().expect("session cache lock");
                if entries.len() >= Self::MAX_ENTRIES {
                    entries.clear();
                }
                entries.insert(account_id.to_owned(), entry.clone());
                entry
            }
        };
        Ok(match entry.state {
            Some((current, revoked)) => generation == current && !revoked.iter().any(|r| r == jti),
            None => false,
        })
    }

    /// Forget what is cached of an account (its sessions just changed here).
    pub fn forget(&self, account_id: &str) {
        self.entries
            .lock()
            .expect("session cache lock")
            .remove(account_id);
    }
}

fn state_of(account: &Account) -> (u32, Vec<String>) {
    (
        account.session_generation,
        account
            .revoked_sessions
            .iter()
            .map(|r| r.jti.clone())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::adapters::sqlite_store::SqliteStore;
    use crate::clock::MovableClock;
    use crate::ports::{Cond, Item, SharedClock, SharedStore};
    use crate::services::accounts::account_pk;
    use crate::services::identity::verifier_for;
    use crate::services::outbox::StoreOutbox;
    use crate::services::{Policy, VerificationMode};

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
            verification: crate::domain::account::Verification::Unverified,
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
}
