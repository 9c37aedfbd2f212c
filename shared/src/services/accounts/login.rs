//! Login with lock-out (per address, per account and address pair), and logout.

use super::*;

/// Where a failed-login counter lives: one per client address, and one per (account, address) — or (login string,
/// address) when the login names no account. The pairs of one account share a partition, so a password reset can
/// clear them all.
pub(super) struct LockKey {
    pk: String,
    sk: String,
}

pub(super) fn address_lock(addr: &str) -> LockKey {
    LockKey {
        pk: lock_pk(&format!("ADDR#{addr}")),
        sk: "LOCK".into(),
    }
}

pub(super) fn pair_lock(owner: &str, addr: &str) -> LockKey {
    LockKey {
        pk: lock_pk(owner),
        sk: format!("ADDR#{addr}"),
    }
}

pub(super) fn account_owner(account_id: &str) -> String {
    format!("ACCOUNT#{account_id}")
}

pub(super) async fn read_counter(
    p: &Platform,
    key: &LockKey,
) -> AppResult<(FailureCounter, Option<u64>)> {
    Ok(match p.store.get(&key.pk, &key.sk).await? {
        Some(item) => (item.decode()?, Some(item.version)),
        None => (FailureCounter::default(), None),
    })
}

/// Count one failure at `key`; true when it is now locked.
pub(super) async fn count_failure(p: &Platform, key: &LockKey, max: u32) -> AppResult<bool> {
    let now = p.clock.now().unix_timestamp();
    for _ in 0..5 {
        let (mut counter, version) = read_counter(p, key).await?;
        let locked = counter.record_failure(now, max, p.policy.lock_seconds);
        let expires = counter
            .locked_until
            .unwrap_or(counter.since + p.policy.lock_seconds)
            .max(now)
            + 60;
        let item = Item::new(key.pk.clone(), key.sk.clone(), &counter)
            .with_version(version.map_or(1, |v| v + 1))
            .expiring_at(expires);
        let cond = version.map_or(Cond::Absent, Cond::VersionIs);
        match p.store.put(item, cond).await {
            Ok(()) => return Ok(locked),
            Err(StoreError::ConditionFailed { .. }) | Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::new(ErrorCode::RateLimited, "登录尝试过于频繁，请稍后再试").retry_after(5))
}

pub(super) fn locked(code: ErrorCode, seconds: u64) -> AppError {
    let minutes = seconds.div_ceil(60);
    let detail = match code {
        ErrorCode::AccountLocked => format!(
            "连续登录失败次数过多，账户已锁定，请约 {minutes} 分钟后再试，或通过“找回密码”重置密码"
        ),
        _ => format!("该网络地址登录失败次数过多，请约 {minutes} 分钟后再试"),
    };
    AppError::new(code, detail).retry_after(seconds)
}

/// Log in with a login name or (verified legal persons) a USCC. Returns the account to issue a token for.
///
/// Failures lock the pair (account, client address) — or (login string, address) when the login names no account,
/// so known and unknown logins answer alike — and, with a higher threshold, the address. A stranger elsewhere can
/// therefore not lock the owner out by knowing its (public) USCC.
pub async fn login(
    p: &Platform,
    login: &str,
    password: &str,
    client_addr: &str,
) -> AppResult<Account> {
    let now = p.clock.now().unix_timestamp();
    let addr_key = address_lock(client_addr);
    // The address's counter and the login are read concurrently (one round trip instead of two).
    let ((counter, _), found) =
        tokio::try_join!(read_counter(p, &addr_key), resolve_login(p, login))?;
    if let Some(seconds) = counter.locked_for(now) {
        return Err(locked(ErrorCode::RateLimited, seconds));
    }
    let bad = || {
        AppError::new(
            ErrorCode::BadCredentials,
            "登录名（或统一社会信用代码）或密码错误",
        )
    };
    if found.is_none() {
        // The read a known login makes of its account, so both take the same store round trips.
        decoy_read(p).await?;
    }
    let pair_key = match &found {
        Some(acc) => pair_lock(&account_owner(&acc.value.id), client_addr),
        None => pair_lock(&limits::login_subject("LOGIN", login), client_addr),
    };
    let (pair_counter, pair_version) = read_counter(p, &pair_key).await?;
    if let Some(seconds) = pair_counter.locked_for(now) {
        return Err(locked(ErrorCode::AccountLocked, seconds));
    }
    let verified = match &found {
        Some(acc) => {
            passwords::verify(password.to_owned(), acc.value.password_hash.clone()).await?
        }
        None => {
            passwords::dummy_verify(&p.policy, password.to_owned()).await;
            false
        }
    };
    if let (true, Some(acc)) = (verified, found) {
        // A success clears the failures counted for the pair (when there were any).
        if pair_version.is_some() {
            p.store
                .delete(&pair_key.pk, &pair_key.sk, Cond::Always)
                .await?;
        }
        return Ok(acc.value);
    }
    let now_locked = count_failure(p, &pair_key, p.policy.account_max_failures).await?;
    count_failure(p, &addr_key, p.policy.address_max_failures).await?;
    if now_locked {
        return Err(locked(
            ErrorCode::AccountLocked,
            p.policy.lock_seconds as u64,
        ));
    }
    Err(bad())
}

/// End the caller's current session (`DELETE /v1/sessions/current`): its token is refused from now on.
pub async fn logout(p: &Platform, account_id: &str, jti: &str, expires_at: i64) -> AppResult<()> {
    for _ in 0..5 {
        let mut acc = require_account(p, account_id).await?;
        let now = p.clock.now();
        acc.value.end_session(jti, expires_at, now.unix_timestamp());
        let event = Event::new(
            "account.logged_out",
            &account_pk(account_id),
            Some(account_id),
            now,
            json!({}),
        );
        match save_account(p, &acc, Vec::new(), event).await {
            Err(e) if e.code == ErrorCode::VersionConflict => continue,
            other => return other,
        }
    }
    Err(AppError::new(
        ErrorCode::VersionConflict,
        "账户正被同时修改，请稍后再试",
    ))
}
