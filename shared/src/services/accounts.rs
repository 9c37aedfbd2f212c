//! Account use cases: registration, real-name verification, login with lock-out, password reset, phone change,
//! operators' manual checks. Every state change is one transaction that also appends an event.

use crate::services::common::{PageOf, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

use crate::domain::account::{
    Account, CodeCheck, FailureCounter, OneTimeCode, RealNameSubject, Verification, six_digit_code,
};
use crate::domain::contact::{Email, LoginName, Password, Phone};
use crate::domain::principal::{Principal, Role};
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::ports::{Channel, Cond, IdentityCheck, Item, OutgoingMessage, Query, StoreError, TxOp};
use crate::rules::id_number::IdNumber;
use crate::rules::uscc::Uscc;
use crate::services::events::{Event, new_id};
use crate::services::limits::{self, Limit};
use crate::services::{Platform, passwords};

// ---- keys of the records this module owns -------------------------------------------------------------------

pub(crate) const PROFILE: &str = "PROFILE";

pub fn account_pk(id: &str) -> String {
    format!("ACCOUNT#{id}")
}
fn login_pk(normalized: &str) -> String {
    format!("LOGIN#{normalized}")
}
pub(crate) fn uscc_pk(uscc: &str) -> String {
    format!("USCC#{uscc}")
}
fn lock_pk(subject: &str) -> String {
    format!("LOCK#{subject}")
}
fn reset_pk(account_id: &str) -> String {
    format!("RESET#{account_id}")
}
pub(crate) fn phone_change_pk(id: &str) -> String {
    format!("PHONECHANGE#{id}")
}
fn real_name_review_pk(id: &str) -> String {
    format!("REALNAME#{id}")
}
const QUEUE_PHONE_CHANGES: &str = "QUEUE#PHONE_CHANGE#pending";
const QUEUE_REAL_NAME: &str = "QUEUE#REAL_NAME#pending";

/// An index record pointing at an account (login names, USCCs).
#[derive(Serialize, Deserialize)]
pub(crate) struct Pointer {
    pub(crate) account_id: String,
}

// ---- loading -----------------------------------------------------------------------------------------------------

pub async fn load_account(p: &Platform, id: &str) -> AppResult<Option<Versioned<Account>>> {
    match p.store.get(&account_pk(id), PROFILE).await? {
        Some(item) => Ok(Some(Versioned {
            value: item.decode()?,
            version: item.version,
        })),
        None => Ok(None),
    }
}

async fn require_account(p: &Platform, id: &str) -> AppResult<Versioned<Account>> {
    load_account(p, id)
        .await?
        .ok_or_else(|| AppError::unauthenticated("账户不存在，请重新登录"))
}

async fn follow(p: &Platform, pk: &str) -> AppResult<Option<Versioned<Account>>> {
    match p.store.get(pk, "POINTER").await? {
        Some(item) => load_account(p, &item.decode::<Pointer>()?.account_id).await,
        None => Ok(None),
    }
}

/// Find the account a login string names: a USCC (verified legal persons only) or a login name.
pub async fn resolve_login(p: &Platform, login: &str) -> AppResult<Option<Versioned<Account>>> {
    let login = login.trim();
    if let Ok((uscc, _)) = Uscc::parse_lenient(login) {
        return match follow(p, &uscc_pk(uscc.as_str())).await? {
            Some(acc) if acc.value.may_log_in_with_uscc() => Ok(Some(acc)),
            Some(_) => Err(AppError::new(
                ErrorCode::NaturalPersonNotAllowed,
                "只有完成法人实名认证的账户可以使用统一社会信用代码登录",
            )),
            None => Ok(None),
        };
    }
    match LoginName::parse(login) {
        Ok(name) => follow(p, &login_pk(&name.normalized())).await,
        Err(_) => Ok(None),
    }
}

/// The account a USCC points to (the enterprise's messages go to it), whatever its role.
pub async fn account_for_uscc(p: &Platform, uscc: &str) -> AppResult<Option<Versioned<Account>>> {
    follow(p, &uscc_pk(uscc)).await
}

pub(crate) fn account_item(account: &Account, version: u64) -> Item {
    Item::new(account_pk(&account.id), PROFILE, account).with_version(version)
}

pub(crate) fn pointer_item(pk: String, account_id: &str) -> Item {
    Item::new(
        pk,
        "POINTER",
        &Pointer {
            account_id: account_id.to_owned(),
        },
    )
}

/// Write a changed account (conditioned on the version read) with an event, as one transaction.
async fn save_account(
    p: &Platform,
    acc: &Versioned<Account>,
    extra: Vec<TxOp>,
    event: Event,
) -> AppResult<()> {
    let mut ops = vec![TxOp::Put {
        item: account_item(&acc.value, acc.version + 1),
        cond: Cond::VersionIs(acc.version),
    }];
    ops.extend(extra);
    ops.push(event.tx_op());
    p.store.transact(ops).await.map_err(AppError::from)?;
    // Whatever changed, this process judges the account's sessions afresh from now on.
    p.sessions.forget(&acc.value.id);
    Ok(())
}

pub(crate) async fn send(p: &Platform, channel: Channel, to: &str, body: String) -> AppResult<()> {
    p.notifier
        .send(OutgoingMessage {
            channel,
            to: to.to_owned(),
            body,
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "notifier failed");
            AppError::new(ErrorCode::Unavailable, "短信/邮件发送失败，请稍后重试").retry_after(30)
        })
}

// ---- registration ------------------------------------------------------------------------------------------------

pub struct Registration {
    pub login_name: LoginName,
    pub password: Password,
    pub phone: Phone,
    pub email: Option<Email>,
}

impl Registration {
    /// Parse every field, reporting all invalid ones at once.
    pub fn parse(
        login_name: &str,
        password: &str,
        phone: &str,
        email: Option<&str>,
    ) -> AppResult<Self> {
        let mut errors = Vec::new();
        let login_name = LoginName::parse(login_name)
            .map_err(|e| {
                errors.push(FieldError::new(
                    "login_name",
                    "INVALID_LOGIN_NAME",
                    e.to_string(),
                ))
            })
            .ok();
        let password = Password::parse(password)
            .map_err(|e| errors.push(FieldError::new("password", "WEAK_PASSWORD", e.to_string())))
            .ok();
        let phone = Phone::parse(phone)
            .map_err(|e| errors.push(FieldError::new("phone", "INVALID_PHONE", e.to_string())))
            .ok();
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(raw) => Email::parse(raw)
                .map_err(|e| errors.push(FieldError::new("email", "INVALID_EMAIL", e.to_string())))
                .ok(),
            None => None,
        };
        match (login_name, password, phone) {
            (Some(login_name), Some(password), Some(phone)) if errors.is_empty() => {
                Ok(Registration {
                    login_name,
                    password,
                    phone,
                    email,
                })
            }
            _ => Err(AppError::validation(errors)),
        }
    }
}

/// Create an account; `fixed_role` and `official` are for operators and officials created by the platform.
pub async fn register(
    p: &Platform,
    reg: Registration,
    fixed_role: Option<Role>,
    official: Option<crate::domain::account::OfficialScope>,
    actor: Option<&str>,
) -> AppResult<Account> {
    let now = p.clock.now();
    let hash = passwords::hash(&p.policy, reg.password.expose().to_owned()).await?;
    let account = Account {
        id: new_id(now),
        login_name: reg.login_name.as_str().to_owned(),
        password_hash: hash,
        phone: reg.phone.expose().to_owned(),
        email: reg.email.map(|e| e.as_str().to_owned()),
        fixed_role,
        official,
        verification: Verification::Unverified,
        created_at: now,
        password_changed_at: now,
        session_generation: 0,
        revoked_sessions: Vec::new(),
    };
    let event = Event::new(
        "account.registered",
        &account_pk(&account.id),
        actor.or(Some(&account.id)),
        now,
        json!({"role": account.role()}),
    );
    let ops = vec![
        TxOp::Put {
            item: pointer_item(login_pk(&reg.login_name.normalized()), &account.id),
            cond: Cond::Absent,
        },
        TxOp::Put {
            item: account_item(&account, 1),
            cond: Cond::Absent,
        },
        event.tx_op(),
    ];
    match p.store.transact(ops).await {
        Ok(()) => Ok(account),
        Err(StoreError::ConditionFailed { index: 0 }) => Err(AppError::new(
            ErrorCode::LoginTaken,
            "该登录名已被注册，请换一个登录名",
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn me(p: &Platform, caller: &Principal) -> AppResult<Account> {
    Ok(require_account(p, &caller.account_id).await?.value)
}

// ---- real-name verification ----------------------------------------------------------------------------------------

/// A real-name verification request as it arrives.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
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

fn required(
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
fn uscc_taken(uscc: &str) -> AppError {
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
    let (mut acc, pointer) = tokio::try_join!(require_account(p, &caller.account_id), async {
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
async fn bind_and_save(
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
    if caller.role == Role::Operator {
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
    let page = p
        .store
        .query(Query::gsi1(QUEUE_REAL_NAME).limit(limit).after(cursor))
        .await
        .map_err(cursor_error)?;
    Ok(PageOf {
        items: page
            .items
            .iter()
            .map(Item::decode)
            .collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    })
}

pub(crate) fn cursor_error(e: StoreError) -> AppError {
    match e {
        StoreError::Invalid(_) | StoreError::BadCursor => {
            AppError::field("cursor", "INVALID_CURSOR", "分页游标无效")
        }
        other => other.into(),
    }
}

/// An operator's decision on a manual check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ManualDecision)]
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
    review.decided_by = Some(caller.account_id.clone());
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
                Some(&caller.account_id),
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

// ---- login ---------------------------------------------------------------------------------------------------------

/// Where a failed-login counter lives: one per client address, and one per (account, address) — or (login string,
/// address) when the login names no account. The pairs of one account share a partition, so a password reset can
/// clear them all.
struct LockKey {
    pk: String,
    sk: String,
}

fn address_lock(addr: &str) -> LockKey {
    LockKey {
        pk: lock_pk(&format!("ADDR#{addr}")),
        sk: "LOCK".into(),
    }
}

fn pair_lock(owner: &str, addr: &str) -> LockKey {
    LockKey {
        pk: lock_pk(owner),
        sk: format!("ADDR#{addr}"),
    }
}

fn account_owner(account_id: &str) -> String {
    format!("ACCOUNT#{account_id}")
}

async fn read_counter(p: &Platform, key: &LockKey) -> AppResult<(FailureCounter, Option<u64>)> {
    Ok(match p.store.get(&key.pk, &key.sk).await? {
        Some(item) => (item.decode()?, Some(item.version)),
        None => (FailureCounter::default(), None),
    })
}

/// Count one failure at `key`; true when it is now locked.
async fn count_failure(p: &Platform, key: &LockKey, max: u32) -> AppResult<bool> {
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

fn locked(code: ErrorCode, seconds: u64) -> AppError {
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

/// One read of an item that never exists: unknown logins make the same number of store round trips as known ones
/// (an account lookup is a pointer read plus the account read).
async fn decoy_read(p: &Platform) -> AppResult<()> {
    p.store.get("DECOY", "READ").await?;
    Ok(())
}

/// One short-lived write standing in for a message that cannot be sent (no account, no e-mail address), so the
/// request costs what it would have cost.
async fn decoy_write(p: &Platform, what: &str) -> AppResult<()> {
    let expires = p.clock.now().unix_timestamp() + 60;
    let item = Item::new(
        "DECOY",
        format!("{what}#{}", new_id(p.clock.now())),
        &json!({}),
    )
    .expiring_at(expires);
    p.store.put(item, Cond::Always).await?;
    Ok(())
}

/// Send, or stand in for sending when there is nobody to send to.
async fn send_or_decoy(
    p: &Platform,
    channel: Channel,
    to: Option<&str>,
    body: String,
) -> AppResult<()> {
    match to {
        Some(to) => send(p, channel, to, body).await,
        None => decoy_write(p, "SEND").await,
    }
}

/// Masked for messages and operators: 138****5678.
pub fn mask_phone(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "***".into()
    }
}

// Recovery caps (per login string and per client address; unknown logins are counted alike).
const RESET_PER_LOGIN: &[Limit] = &[Limit::per_hour(5), Limit::per_day(10)];
const RESET_PER_ADDRESS: &[Limit] = &[Limit::per_hour(30), Limit::per_day(100)];
const PHONE_CHANGE_PER_LOGIN: &[Limit] = &[Limit::per_hour(3), Limit::per_day(5)];
const PHONE_CHANGE_PER_ADDRESS: &[Limit] = &[Limit::per_hour(10), Limit::per_day(30)];
/// Code confirmations per address (each code also dies after its own 5 wrong tries and 10 minutes).
const CONFIRM_PER_ADDRESS: &[Limit] = &[Limit::per_minutes(10, 10), Limit::per_day(60)];

/// Count a code confirmation from `client_addr`, or refuse it.
pub async fn take_confirmation(p: &Platform, client_addr: &str) -> AppResult<()> {
    limits::take(
        p,
        &[(
            limits::address_subject("CONFIRM", client_addr),
            CONFIRM_PER_ADDRESS,
        )],
    )
    .await
}

// ---- password reset ------------------------------------------------------------------------------------------------

#[derive(Serialize, Deserialize)]
struct StoredCode {
    code: OneTimeCode,
    created_at: i64,
    /// Phone changes: the pending new number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    new_phone: Option<String>,
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
async fn check_code(p: &Platform, pk: &str) -> AppResult<Option<(StoredCode, u64)>> {
    Ok(match p.store.get(pk, "CODE").await? {
        Some(item) => Some((item.decode()?, item.version)),
        None => None,
    })
}

async fn present_code(p: &Platform, pk: &str, code: &str) -> AppResult<(StoredCode, u64)> {
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

// ---- phone change --------------------------------------------------------------------------------------------------

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhoneChangeMethod {
    Email,
    Manual,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
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
    let page = p
        .store
        .query(Query::gsi1(QUEUE_PHONE_CHANGES).limit(limit).after(cursor))
        .await
        .map_err(cursor_error)?;
    Ok(PageOf {
        items: page
            .items
            .iter()
            .map(Item::decode)
            .collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    })
}

// ---- logout --------------------------------------------------------------------------------------------------------

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

// ---- bootstrap -----------------------------------------------------------------------------------------------------

/// Create the first operator from `login:password` if that login does not exist yet. Returns whether it was created.
pub async fn bootstrap_operator(p: &Platform, spec: &str) -> AppResult<bool> {
    let (login, password) = spec.split_once(':').ok_or_else(|| {
        AppError::field("SME_BOOTSTRAP_OPERATOR", "INVALID", "格式应为 登录名:密码")
    })?;
    let reg = Registration::parse(login, password, "13800000000", None)?;
    if follow(p, &login_pk(&reg.login_name.normalized()))
        .await?
        .is_some()
    {
        return Ok(false);
    }
    match register(p, reg, Some(Role::Operator), None, None).await {
        Ok(_) => Ok(true),
        Err(e) if e.code == ErrorCode::LoginTaken => Ok(false),
        Err(e) => Err(e),
    }
}
