//! Password reset by a code sent to the bound phone.

use super::*;

#[derive(Serialize, Deserialize)]
pub(super) struct StoredCode {
    pub(super) code: OneTimeCode,
    pub(super) created_at: i64,
    /// Phone changes: the pending new number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) new_phone: Option<String>,
}

/// Send a 6-digit code to the bound phone. Unknown logins are answered the same way, after the same work (no
/// enumeration); requests are capped per login and per address.
pub async fn request_password_reset(p: &Platform, login: &str, client_addr: &str) -> AppResult<()> {
    limits::take(
        p,
        &[
            (limits::login_subject("RESET", login), RESET_PER_LOGIN),
            (
                limits::address_subject("RESET", client_addr),
                RESET_PER_ADDRESS,
            ),
        ],
    )
    .await?;
    let acc = match resolve_login(p, login).await {
        Ok(found) => found,
        Err(AppError {
            code: ErrorCode::NaturalPersonNotAllowed,
            ..
        }) => None,
        Err(e) => return Err(e),
    };
    let Some(acc) = acc else {
        decoy_read(p).await?;
        decoy_read(p).await?;
        decoy_write(p, "CODE").await?;
        return decoy_write(p, "SEND").await;
    };
    let now = p.clock.now().unix_timestamp();
    if let Some(item) = p.store.get(&reset_pk(&acc.value.id), "CODE").await?
        && now - item.decode::<StoredCode>()?.created_at < p.policy.code_resend_seconds
    {
        return decoy_write(p, "SEND").await;
    }
    let code = six_digit_code();
    let stored = StoredCode {
        code: OneTimeCode::new(
            &code,
            new_id(p.clock.now()),
            now + p.policy.code_ttl_seconds,
            p.policy.code_max_tries,
        ),
        created_at: now,
        new_phone: None,
    };
    let item = Item::new(reset_pk(&acc.value.id), "CODE", &stored)
        .expiring_at(now + p.policy.code_ttl_seconds);
    p.store.put(item, Cond::Always).await?;
    let minutes = p.policy.code_ttl_seconds / 60;
    send(p, Channel::Sms, &acc.value.phone, format!("【优质中小企业梯度培育平台】您正在重置密码，验证码 {code}，{minutes} 分钟内有效。如非本人操作请忽略。")).await
}

/// Check a stored code; on success the code item is consumed by `consume` in the caller's transaction.
pub(super) async fn check_code(p: &Platform, pk: &str) -> AppResult<Option<(StoredCode, u64)>> {
    Ok(match p.store.get(pk, "CODE").await? {
        Some(item) => Some((item.decode()?, item.version)),
        None => None,
    })
}

pub(super) async fn present_code(
    p: &Platform,
    pk: &str,
    code: &str,
) -> AppResult<(StoredCode, u64)> {
    let dead = || AppError::new(ErrorCode::InvalidCode, "验证码错误或已失效，请重新获取");
    let (mut stored, version) = check_code(p, pk).await?.ok_or_else(dead)?;
    let now = p.clock.now().unix_timestamp();
    match stored.code.check(code, now) {
        CodeCheck::Accepted => Ok((stored, version)),
        CodeCheck::Wrong { tries_left } => {
            let item = Item::new(pk, "CODE", &stored)
                .with_version(version + 1)
                .expiring_at(stored.code.expires_at);
            p.store.put(item, Cond::VersionIs(version)).await?;
            Err(AppError::new(
                ErrorCode::InvalidCode,
                format!("验证码错误，还可尝试 {tries_left} 次"),
            )
            .with_extra("tries_left", json!(tries_left)))
        }
        CodeCheck::Dead => {
            p.store.delete(pk, "CODE", Cond::Always).await?;
            Err(dead())
        }
    }
}

pub async fn confirm_password_reset(
    p: &Platform,
    login: &str,
    code: &str,
    new_password: &str,
    client_addr: &str,
) -> AppResult<()> {
    take_confirmation(p, client_addr).await?;
    let password = Password::parse(new_password)
        .map_err(|e| AppError::field("new_password", "WEAK_PASSWORD", e.to_string()))?;
    let dead = || AppError::new(ErrorCode::InvalidCode, "验证码错误或已失效，请重新获取");
    let mut acc = match resolve_login(p, login).await {
        Ok(Some(acc)) => acc,
        Ok(None)
        | Err(AppError {
            code: ErrorCode::NaturalPersonNotAllowed,
            ..
        }) => return Err(dead()),
        Err(e) => return Err(e),
    };
    let pk = reset_pk(&acc.value.id);
    let (_, code_version) = present_code(p, &pk, code).await?;
    let now = p.clock.now();
    acc.value.password_hash = passwords::hash(&p.policy, password.expose().to_owned()).await?;
    acc.value.password_changed_at = now;
    // Whoever knew the old password is logged out everywhere.
    acc.value.end_all_sessions();
    let event = Event::new(
        "account.password_reset",
        &account_pk(&acc.value.id),
        Some(&acc.value.id),
        now,
        json!({}),
    );
    let mut extra = vec![TxOp::Delete {
        pk,
        sk: "CODE".into(),
        cond: Cond::VersionIs(code_version),
    }];
    // A reset unlocks the account at every address it was locked at.
    let locks = p
        .store
        .query(Query::base(lock_pk(&account_owner(&acc.value.id))).limit(90))
        .await?;
    extra.extend(locks.items.into_iter().map(|lock| TxOp::Delete {
        pk: lock.pk,
        sk: lock.sk,
        cond: Cond::Always,
    }));
    save_account(p, &acc, extra, event).await?;
    send(
        p,
        Channel::Sms,
        &acc.value.phone,
        "【优质中小企业梯度培育平台】您的登录密码已重置。如非本人操作，请立即联系平台。".into(),
    )
    .await
    .ok();
    Ok(())
}
