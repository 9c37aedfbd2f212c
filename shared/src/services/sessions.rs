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
