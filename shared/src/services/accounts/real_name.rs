//! Real-name verification (实名认证): by the identity check port, or by an operator's manual check.

use super::*;

/// A real-name verification request as it arrives.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RealNameRequest {
    /// `legal_person` (法人) or `natural_person` (自然人).
    pub subject_type: String,
    pub uscc: Option<String>,
    pub enterprise_name: Option<String>,
    /// 法定代表人姓名 (legal person); the person's own name for a natural person.
    pub legal_representative: Option<String>,
    /// Alias of `legal_representative` for natural persons.
    pub name: Option<String>,
    /// 居民身份证号码: required for a natural person, optional for the legal representative.
    pub id_number: Option<String>,
    /// Ask for an operator's check when the USCC's check character does not verify (early pilot-area codes).
    #[serde(default)]
    pub request_manual_review: bool,
}

pub(super) fn required(
    field: &str,
    value: &Option<String>,
    label: &str,
    errors: &mut Vec<FieldError>,
) -> String {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() <= 100 => v.to_owned(),
        Some(_) => {
            errors.push(FieldError::new(
                field,
                "TOO_LONG",
                format!("{label}不能超过100个字符"),
            ));
            String::new()
        }
        None => {
            errors.push(FieldError::new(field, "REQUIRED", format!("请填写{label}")));
            String::new()
        }
    }
}

/// Parse a request into a subject; the flag tells that the USCC failed only its check character.
pub(crate) fn parse_subject(req: &RealNameRequest) -> AppResult<(RealNameSubject, bool)> {
    let mut errors = Vec::new();
    match req.subject_type.as_str() {
        "legal_person" => {
            let enterprise_name = required(
                "enterprise_name",
                &req.enterprise_name,
                "企业名称",
                &mut errors,
            );
            let legal_representative = required(
                "legal_representative",
                &req.legal_representative,
                "法定代表人姓名",
                &mut errors,
            );
            let id_number = match req
                .id_number
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
            {
                Some(raw) => match IdNumber::parse(raw) {
                    Ok(id) => Some(id.expose().to_owned()),
                    Err(e) => {
                        errors.push(FieldError::new(
                            "id_number",
                            "INVALID_ID_NUMBER",
                            e.to_string(),
                        ));
                        None
                    }
                },
                None => None,
            };
            let raw_uscc = req.uscc.as_deref().unwrap_or("").trim();
            let uscc = match Uscc::parse_lenient(raw_uscc) {
                Ok((uscc, warning)) => Some((uscc, warning)),
                Err(e) => {
                    if raw_uscc.is_empty() {
                        errors.push(FieldError::new(
                            "uscc",
                            "REQUIRED",
                            "请填写统一社会信用代码",
                        ));
                    } else if errors.is_empty() {
                        return Err(AppError::new(ErrorCode::InvalidUscc, format!("统一社会信用代码无效：{e}"))
                            .with_extra("errors", json!([{"field": "uscc", "code": "INVALID_USCC", "message": e.to_string()}])));
                    } else {
                        errors.push(FieldError::new("uscc", "INVALID_USCC", e.to_string()));
                    }
                    None
                }
            };
            match uscc {
                Some((uscc, warning)) if errors.is_empty() => Ok((
                    RealNameSubject::LegalPerson {
                        uscc: uscc.as_str().to_owned(),
                        enterprise_name,
                        legal_representative,
                        id_number,
                        uscc_check_warning: warning,
                    },
                    warning,
                )),
                _ => Err(AppError::validation(errors)),
            }
        }
        "natural_person" => {
            let name_source = if req.name.is_some() {
                &req.name
            } else {
                &req.legal_representative
            };
            let name = required("name", name_source, "姓名", &mut errors);
            let id_number = match IdNumber::parse(req.id_number.as_deref().unwrap_or("").trim()) {
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
            match id_number {
                Some(id_number) if errors.is_empty() => {
                    Ok((RealNameSubject::NaturalPerson { name, id_number }, false))
                }
                _ => Err(AppError::validation(errors)),
            }
        }
        _ => Err(AppError::field(
            "subject_type",
            "INVALID_SUBJECT_TYPE",
            "认证主体类型须为 legal_person（法人）或 natural_person（自然人）",
        )),
    }
}

/// The body of `USCC_TAKEN`: what the rightful holder can do.
pub(super) fn uscc_taken(uscc: &str) -> AppError {
    AppError::new(
        ErrorCode::UsccTaken,
        format!("统一社会信用代码 {uscc} 已被其他账户完成法人实名认证。如该账户属于贵单位，请按以下方式找回。"),
    )
    .with_extra(
        "recovery",
        json!([
            {"step": "login_with_uscc", "message": "使用统一社会信用代码作为登录名登录已认证的账户", "href": "/v1/sessions"},
            {"step": "reset_password", "message": "忘记密码时，通过绑定手机号接收验证码重置密码", "href": "/v1/password-resets"},
            {"step": "change_phone", "message": "绑定手机号已不可用时，可通过邮箱验证或人工核验更换手机号", "href": "/v1/phone-changes", "methods": ["email", "manual"]},
            {"step": "claim_uscc", "message": "该代码被其他单位或个人冒用时，可提交营业执照和法定代表人信息申请认领，经平台人工核验后转入本账户", "href": "/v1/uscc-claims"}
        ]),
    )
}

/// Verify the caller's account as a legal or natural person.
pub async fn request_real_name(
    p: &Platform,
    caller: &Principal,
    req: &RealNameRequest,
) -> AppResult<Account> {
    // The account and the code's pointer are read together (one round); the checks keep their order.
    let parsed = parse_subject(req);
    let claimed_uscc = parsed.as_ref().ok().and_then(|(s, _)| s.uscc());
    let pointer = async {
        match claimed_uscc {
            Some(uscc) => p.store.get(&uscc_pk(uscc), "POINTER").await,
            None => Ok(None),
        }
    };
    let (mut acc, pointer) = tokio::try_join!(require_account(p, caller.account_id()), async {
        pointer.await.map_err(AppError::from)
    })?;
    if acc.value.fixed_role.is_some() {
        return Err(AppError::forbidden("主管部门和运维账户无需实名认证"));
    }
    match &acc.value.verification {
        Verification::Verified { .. } => {
            return Err(AppError::new(
                ErrorCode::AlreadyVerified,
                "账户已完成实名认证，不能重复认证",
            ));
        }
        Verification::Pending { .. } => {
            return Err(AppError::new(
                ErrorCode::InvalidState,
                "实名认证正在人工核验中，请等待结果",
            ));
        }
        _ => {}
    }
    let (subject, check_warning) = parsed?;
    if check_warning && !req.request_manual_review {
        return Err(AppError::new(
            ErrorCode::InvalidUscc,
            "统一社会信用代码校验位不符。请核对；如为早期试点地区颁发的代码，可勾选“申请人工核验”（request_manual_review）提交人工核验",
        ));
    }
    if let Some(uscc) = subject.uscc()
        && pointer.is_some()
    {
        return Err(uscc_taken(uscc));
    }
    let outcome = if check_warning {
        IdentityCheck::ManualReview {
            reason: "统一社会信用代码校验位不符（可能为早期试点代码）".into(),
        }
    } else {
        p.verifier.check(&subject).await
    };
    let now = p.clock.now();
    match outcome {
        IdentityCheck::Verified => {
            acc.value.verification = Verification::Verified {
                subject: subject.clone(),
                verified_at: now,
            };
            bind_and_save(p, &acc, &subject, Vec::new(), now).await?;
            Ok(acc.value)
        }
        IdentityCheck::ManualReview { reason } => {
            let review_id = new_id(now);
            acc.value.verification = Verification::Pending {
                subject: subject.clone(),
                review_id: review_id.clone(),
                requested_at: now,
            };
            let review = RealNameReview {
                id: review_id.clone(),
                account_id: acc.value.id.clone(),
                login_name: acc.value.login_name.clone(),
                subject: subject.clone(),
                reason,
                status: "pending".into(),
                requested_at: now,
                decided_at: None,
                decided_by: None,
                comment: None,
            };
            let item = Item::new(real_name_review_pk(&review_id), PROFILE, &review)
                .with_gsi1(QUEUE_REAL_NAME, &review_id);
            let event = Event::new(
                "account.real_name_requested",
                &account_pk(&acc.value.id),
                Some(&acc.value.id),
                now,
                json!({"review_id": review_id}),
            );
            save_account(
                p,
                &acc,
                vec![TxOp::Put {
                    item,
                    cond: Cond::Absent,
                }],
                event,
            )
            .await?;
            Ok(acc.value)
        }
        IdentityCheck::Refused { reason } => {
            Err(AppError::field("subject", "IDENTITY_REFUSED", reason))
        }
    }
}

/// Bind the USCC (if any) to the account and save it verified, in one transaction.
pub(super) async fn bind_and_save(
    p: &Platform,
    acc: &Versioned<Account>,
    subject: &RealNameSubject,
    mut extra: Vec<TxOp>,
    now: OffsetDateTime,
) -> AppResult<()> {
    let mut ops = Vec::new();
    if let Some(uscc) = subject.uscc() {
        ops.push(TxOp::Put {
            item: pointer_item(uscc_pk(uscc), &acc.value.id),
            cond: Cond::Absent,
        });
    }
    let binds = !ops.is_empty();
    ops.append(&mut extra);
    let event = Event::new(
        "account.verified",
        &account_pk(&acc.value.id),
        Some(&acc.value.id),
        now,
        json!({"role": subject.role()}),
    );
    match save_account(p, acc, ops, event).await {
        Err(e) if binds && e.code == ErrorCode::VersionConflict => {
            // Tell a USCC race apart from a concurrent edit of the account.
            match subject.uscc() {
                Some(uscc) if p.store.get(&uscc_pk(uscc), "POINTER").await?.is_some() => {
                    Err(uscc_taken(uscc))
                }
                _ => Err(e),
            }
        }
        other => other,
    }
}

/// A real-name verification waiting for an operator.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RealNameReview {
    pub id: String,
    pub account_id: String,
    pub login_name: String,
    pub subject: RealNameSubject,
    pub reason: String,
    pub status: String,
    #[serde(with = "crate::domain::timestamp")]
    pub requested_at: OffsetDateTime,
    #[serde(default, with = "crate::domain::timestamp::option")]
    pub decided_at: Option<OffsetDateTime>,
    pub decided_by: Option<String>,
    pub comment: Option<String>,
}

pub(crate) fn require_operator(caller: &Principal) -> AppResult<()> {
    if caller.role() == Role::Operator {
        Ok(())
    } else {
        Err(AppError::forbidden("仅平台运维人员可以执行人工核验"))
    }
}

pub async fn list_real_name_reviews(
    p: &Platform,
    caller: &Principal,
    limit: u32,
    cursor: Option<String>,
) -> AppResult<PageOf<RealNameReview>> {
    require_operator(caller)?;
    repository::list(p, Query::gsi1(QUEUE_REAL_NAME).limit(limit).after(cursor)).await
}

/// An operator's decision on a manual check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", schema(as = ManualDecision))]
pub enum Decision {
    Approve,
    Reject,
}

pub async fn decide_real_name(
    p: &Platform,
    caller: &Principal,
    review_id: &str,
    decision: Decision,
    comment: Option<String>,
) -> AppResult<RealNameReview> {
    require_operator(caller)?;
    let item = p
        .store
        .get(&real_name_review_pk(review_id), PROFILE)
        .await?
        .ok_or_else(|| AppError::not_found("未找到该实名认证申请"))?;
    let mut review: RealNameReview = item.decode()?;
    if review.status != "pending" {
        return Err(AppError::new(ErrorCode::InvalidState, "该申请已处理"));
    }
    let mut acc = load_account(p, &review.account_id)
        .await?
        .ok_or_else(|| AppError::not_found("申请对应的账户不存在"))?;
    let now = p.clock.now();
    if decision == Decision::Reject && comment.as_deref().map(str::trim).unwrap_or("").is_empty() {
        return Err(AppError::field("comment", "REQUIRED", "驳回时请填写理由"));
    }
    review.status = match decision {
        Decision::Approve => "approved",
        Decision::Reject => "rejected",
    }
    .into();
    review.decided_at = Some(now);
    review.decided_by = Some(caller.account_id().to_owned());
    review.comment = comment.clone();
    // The decided review leaves the queue (no index key) in the same transaction.
    let review_op = TxOp::Put {
        item: Item::new(real_name_review_pk(review_id), PROFILE, &review)
            .with_version(item.version + 1),
        cond: Cond::VersionIs(item.version),
    };
    match decision {
        Decision::Approve => {
            acc.value.verification = Verification::Verified {
                subject: review.subject.clone(),
                verified_at: now,
            };
            bind_and_save(p, &acc, &review.subject.clone(), vec![review_op], now).await?;
        }
        Decision::Reject => {
            acc.value.verification = Verification::Rejected {
                subject: review.subject.clone(),
                reason: comment.unwrap_or_default(),
                rejected_at: now,
            };
            let event = Event::new(
                "account.real_name_rejected",
                &account_pk(&acc.value.id),
                Some(caller.account_id()),
                now,
                json!({"review_id": review_id}),
            );
            save_account(p, &acc, vec![review_op], event).await?;
        }
    }
    let body = match decision {
        Decision::Approve => "【优质中小企业梯度培育平台】您的实名认证已通过人工核验。".to_owned(),
        Decision::Reject => format!(
            "【优质中小企业梯度培育平台】您的实名认证未通过人工核验：{}",
            review.comment.clone().unwrap_or_default()
        ),
    };
    send(p, Channel::Sms, &acc.value.phone, body).await.ok();
    Ok(review)
}
