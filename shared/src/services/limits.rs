//! Request caps in fixed windows (per hour, per day, …) for the recovery paths: password-reset and phone-change
//! requests per login and per client address, code confirmations per address. A capped request answers
//! `RATE_LIMITED` (429) with `Retry-After` until its window ends, whether or not the login names an account.
//!
//! Records: `pk = LIMIT#<subject>`, `sk = <window seconds>#<window start>`, `{count}`, expiring after the window.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult, ErrorCode};
use crate::ports::{Cond, Item, StoreError, TxOp};
use crate::services::Platform;

/// At most `max` requests per `per_seconds` (a fixed window aligned on the epoch, so days are UTC days).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub per_seconds: i64,
}

impl Limit {
    pub const fn per_hour(max: u32) -> Limit {
        Limit {
            max,
            per_seconds: 3600,
        }
    }
    pub const fn per_day(max: u32) -> Limit {
        Limit {
            max,
            per_seconds: 86_400,
        }
    }
    pub const fn per_minutes(max: u32, minutes: i64) -> Limit {
        Limit {
            max,
            per_seconds: minutes * 60,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
struct Counter {
    count: u32,
}

/// The subject key of a login string: normalised and hashed, so unknown and known logins are counted alike and
/// no typed login is stored.
pub fn login_subject(purpose: &str, login: &str) -> String {
    use sha2::Digest;
    let normalized = login.trim().to_lowercase();
    let digest = sha2::Sha256::digest(normalized.as_bytes());
    format!("{purpose}#LOGIN#{}", hex::encode(&digest[..16]))
}

pub fn address_subject(purpose: &str, address: &str) -> String {
    format!("{purpose}#ADDR#{address}")
}

/// Count one request against every `(subject, limits)` pair, or refuse it (nothing counted) when any window is
/// full.
pub async fn take(p: &Platform, caps: &[(String, &[Limit])]) -> AppResult<()> {
    let now = p.clock.now().unix_timestamp();
    for _ in 0..5 {
        let mut ops = Vec::new();
        for (subject, limits) in caps {
            for limit in limits.iter() {
                let start = now.div_euclid(limit.per_seconds) * limit.per_seconds;
                let end = start + limit.per_seconds;
                let pk = format!("LIMIT#{subject}");
                let sk = format!("{}#{start}", limit.per_seconds);
                let (counter, version) = match p.store.get(&pk, &sk).await? {
                    Some(item) => (item.decode::<Counter>()?, Some(item.version)),
                    None => (Counter::default(), None),
                };
                if counter.count >= limit.max {
                    let wait = (end - now).max(1) as u64;
                    let minutes = wait.div_ceil(60);
                    return Err(AppError::new(
                        ErrorCode::RateLimited,
                        format!("操作过于频繁，请约 {minutes} 分钟后再试"),
                    )
                    .retry_after(wait));
                }
                let item = Item::new(
                    pk,
                    sk,
                    &Counter {
                        count: counter.count + 1,
                    },
                )
                .with_version(version.map_or(1, |v| v + 1))
                .expiring_at(end + 60);
                ops.push(TxOp::Put {
                    item,
                    cond: version.map_or(Cond::Absent, Cond::VersionIs),
                });
            }
        }
        match p.store.transact(ops).await {
            Ok(()) => return Ok(()),
            Err(StoreError::ConditionFailed { .. } | StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::new(ErrorCode::RateLimited, "操作过于频繁，请稍后再试").retry_after(5))
}

/// Finish a recovery request no sooner than `Policy::recovery_min_millis` after `started`, whatever its outcome:
/// a known login's sends (SMS and e-mail providers take tens of milliseconds) then take no longer, seen from
/// outside, than an unknown login's stand-in writes. A provider slower than the floor still shows; the floor is a
/// setting for that reason.
pub async fn answer_no_sooner_than<T>(p: &Platform, started: std::time::Instant, outcome: T) -> T {
    let floor = std::time::Duration::from_millis(p.policy.recovery_min_millis);
    if let Some(rest) = floor.checked_sub(started.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    outcome
}
