//! Changing the bound phone: by a code sent to the bound e-mail, or by an operator's manual check.

use super::*;

/// A request to change an account's bound phone (by e-mail code, or by an operator's manual check).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PhoneChange {
    pub id: String,
    /// Empty when the login named no account: the request then never completes (no account enumeration).
    #[serde(default)]
    pub account_id: Option<String>,
    pub method: PhoneChangeMethod,
    pub new_phone: String,
    /// `awaiting_code`, `pending_review`, `completed`, `rejected`.
    pub status: String,
    /// Hex SHA-256 of the query code handed to the requester.
    pub query_code_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uscc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_name: Option<String>,
    #[serde(with = "crate::domain::timestamp")]
    pub requested_at: OffsetDateTime,
    #[serde(default, with = "crate::domain::timestamp::option")]
    pub decided_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The operator who decided a manual check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhoneChangeMethod {
    Email,
    Manual,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhoneChangeRequest {
    pub login: String,
    pub new_phone: String,
    pub method: PhoneChangeMethod,
    /// Manual check: the applicant's name, ID number and the reason.
    pub contact_name: Option<String>,
    pub id_number: Option<String>,
    pub reason: Option<String>,
}

pub(crate) fn sha_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

/// Start a phone change. Returns the record and the query code (shown once to the requester).
pub async fn request_phone_change(
    p: &Platform,
    req: &PhoneChangeRequest,
    client_addr: &str,
) -> AppResult<(PhoneChange, String)> {
    let new_phone = Phone::parse(&req.new_phone)
        .map_err(|e| AppError::field("new_phone", "INVALID_PHONE", e.to_string()))?;
    let mut errors = Vec::new();
    let (contact_name, id_number, reason) = if req.method == PhoneChangeMethod::Manual {
        let name = required("contact_name", &req.contact_name, "申请人姓名", &mut errors);
        let id = match IdNumber::parse(req.id_number.as_deref().unwrap_or("").trim()) {
            Ok(id) => Some(id.expose().to_owned()),
            Err(e) => {
                errors.push(FieldError::new(
                    "id_number",
                    "INVALID_ID_NUMBER",
                    e.to_string(),
                ));
                None
            }
        };
        let reason = required("reason", &req.reason, "更换原因", &mut errors);
        (Some(name), id, Some(reason))
    } else {
        (None, None, None)
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    limits::take(
        p,
        &[
            (
                limits::login_subject("PHONE", &req.login),
                PHONE_CHANGE_PER_LOGIN,
            ),
            (
                limits::address_subject("PHONE", client_addr),
                PHONE_CHANGE_PER_ADDRESS,
            ),
        ],
    )
    .await?;
    let acc = match resolve_login(p, &req.login).await {
        Ok(found) => found,
        Err(AppError {
            code: ErrorCode::NaturalPersonNotAllowed,
            ..
        }) => None,
        Err(e) => return Err(e),
    };
    if acc.is_none() {
        decoy_read(p).await?;
    }
    let now = p.clock.now();
    let id = new_id(now);
    let query_code = new_id(now).to_ascii_lowercase();
    let account = acc.as_ref().map(|a| &a.value);
    let change = PhoneChange {
        id: id.clone(),
        account_id: account.map(|a| a.id.clone()),
        method: req.method,
        new_phone: new_phone.expose().to_owned(),
        status: match req.method {
            PhoneChangeMethod::Email => "awaiting_code",
            PhoneChangeMethod::Manual => "pending_review",
        }
        .into(),
        query_code_hash: sha_hex(&query_code),
        contact_name,
        id_number,
        reason,
        login_name: account.map(|a| a.login_name.clone()),
        uscc: account.and_then(|a| a.verified_uscc().map(str::to_owned)),
        enterprise_name: account.and_then(|a| match &a.verification {
            Verification::Verified {
                subject:
                    RealNameSubject::LegalPerson {
                        enterprise_name, ..
                    },
                ..
            } => Some(enterprise_name.clone()),
            _ => None,
        }),
        requested_at: now,
        decided_at: None,
        comment: None,
        decided_by: None,
    };
    let mut ops = Vec::new();
    let mut code_mail = None;
    if req.method == PhoneChangeMethod::Email {
        // A code item is written whether or not anyone can receive it: without an account the request never
        // completes, and the answer and the work look the same.
        let code = six_digit_code();
        let ts = now.unix_timestamp();
        let stored = StoredCode {
            code: OneTimeCode::new(
                &code,
                new_id(now),
                ts + p.policy.code_ttl_seconds,
                p.policy.code_max_tries,
            ),
            created_at: ts,
            new_phone: Some(change.new_phone.clone()),
        };
        ops.push(TxOp::Put {
            item: Item::new(phone_change_pk(&id), "CODE", &stored)
                .expiring_at(ts + p.policy.code_ttl_seconds),
            cond: Cond::Absent,
        });
        code_mail = Some(code);
    }
    let mut item = Item::new(phone_change_pk(&id), PROFILE, &change);
    if req.method == PhoneChangeMethod::Manual {
        item = item.with_gsi1(QUEUE_PHONE_CHANGES, &id);
    }
    ops.insert(
        0,
        TxOp::Put {
            item,
            cond: Cond::Absent,
        },
    );
    let aggregate = account.map_or_else(|| phone_change_pk(&id), |a| account_pk(&a.id));
    ops.push(
        Event::new(
            "account.phone_change_requested",
            &aggregate,
            None,
            now,
            json!({"phone_change_id": id, "method": req.method}),
        )
        .tx_op(),
    );
    p.store.transact(ops).await?;
    let email = account.and_then(|a| a.email.clone());
    // The holder hears of every request, on the phone it has now and by e-mail.
    let notice = format!(
        "【优质中小企业梯度培育平台】有人申请将您账户绑定的手机号更换为 {}（{}）。如非本人操作，请立即修改密码或联系平台。",
        mask_phone(&change.new_phone),
        match req.method {
            PhoneChangeMethod::Email => "邮箱验证码核验",
            PhoneChangeMethod::Manual => "人工核验",
        }
    );
    send_or_decoy(
        p,
        Channel::Sms,
        account.map(|a| a.phone.as_str()),
        notice.clone(),
    )
    .await?;
    send_or_decoy(p, Channel::Email, email.as_deref(), notice).await?;
    if let Some(code) = code_mail {
        let minutes = p.policy.code_ttl_seconds / 60;
        send_or_decoy(p, Channel::Email, email.as_deref(), format!("【优质中小企业梯度培育平台】您正在申请更换绑定手机号，验证码 {code}，{minutes} 分钟内有效。如非本人操作，请勿告诉任何人，并尽快修改密码。")).await?;
    }
    Ok((change, query_code))
}

pub(crate) async fn load_phone_change(p: &Platform, id: &str) -> AppResult<(PhoneChange, u64)> {
    let item = p
        .store
        .get(&phone_change_pk(id), PROFILE)
        .await?
        .ok_or_else(|| AppError::not_found("未找到该更换手机号申请"))?;
    Ok((item.decode()?, item.version))
}

/// Read a phone change with its query code (wrong code → 404, like an unknown id).
pub async fn get_phone_change(p: &Platform, id: &str, query_code: &str) -> AppResult<PhoneChange> {
    let (change, _) = load_phone_change(p, id).await?;
    if sha_hex(query_code.trim()) != change.query_code_hash {
        return Err(AppError::not_found("未找到该更换手机号申请"));
    }
    Ok(change)
}

/// Apply a new phone to the account, close the request, tell the new phone.
pub(crate) async fn complete_phone_change(
    p: &Platform,
    mut change: PhoneChange,
    version: u64,
    mut extra: Vec<TxOp>,
    actor: Option<&str>,
) -> AppResult<PhoneChange> {
    let account_id = change
        .account_id
        .clone()
        .ok_or_else(|| AppError::new(ErrorCode::InvalidState, "该申请未对应任何账户，不能通过"))?;
    let mut acc = load_account(p, &account_id)
        .await?
        .ok_or_else(|| AppError::not_found("申请对应的账户不存在"))?;
    let now = p.clock.now();
    let old_phone = std::mem::replace(&mut acc.value.phone, change.new_phone.clone());
    acc.value.end_all_sessions();
    change.status = "completed".into();
    change.decided_at = Some(now);
    extra.insert(
        0,
        TxOp::Put {
            item: Item::new(phone_change_pk(&change.id), PROFILE, &change)
                .with_version(version + 1),
            cond: Cond::VersionIs(version),
        },
    );
    let event = Event::new(
        "account.phone_changed",
        &account_pk(&account_id),
        actor,
        now,
        json!({"phone_change_id": change.id, "method": change.method}),
    );
    save_account(p, &acc, extra, event).await?;
    send(
        p,
        Channel::Sms,
        &change.new_phone,
        "【优质中小企业梯度培育平台】您的账户绑定手机号已更换为本号码。".into(),
    )
    .await
    .ok();
    let notice = format!(
        "【优质中小企业梯度培育平台】您的账户绑定手机号已更换为 {}，此前的登录已全部失效。如非本人操作，请立即联系平台。",
        mask_phone(&change.new_phone)
    );
    send(p, Channel::Sms, &old_phone, notice.clone()).await.ok();
    if let Some(email) = acc.value.email.as_deref() {
        send(p, Channel::Email, email, notice).await.ok();
    }
    Ok(change)
}

/// Confirm an e-mail phone change with the code sent to the bound e-mail address.
pub async fn confirm_phone_change(
    p: &Platform,
    id: &str,
    code: &str,
    client_addr: &str,
) -> AppResult<PhoneChange> {
    take_confirmation(p, client_addr).await?;
    let (change, version) = load_phone_change(p, id).await?;
    if change.method != PhoneChangeMethod::Email || change.status != "awaiting_code" {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            "该申请不在等待邮箱验证码的状态",
        ));
    }
    let pk = phone_change_pk(id);
    let (_, code_version) = present_code(p, &pk, code).await?;
    let actor = change.account_id.clone();
    complete_phone_change(
        p,
        change,
        version,
        vec![TxOp::Delete {
            pk,
            sk: "CODE".into(),
            cond: Cond::VersionIs(code_version),
        }],
        actor.as_deref(),
    )
    .await
}

pub async fn list_phone_changes(
    p: &Platform,
    caller: &Principal,
    limit: u32,
    cursor: Option<String>,
) -> AppResult<PageOf<PhoneChange>> {
    require_operator(caller)?;
    repository::list(
        p,
        Query::gsi1(QUEUE_PHONE_CHANGES).limit(limit).after(cursor),
    )
    .await
}
