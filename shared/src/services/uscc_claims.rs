//! USCC claims (统一社会信用代码认领): the way back for an enterprise whose code another account verified first.
//!
//! In `checks` mode anyone can verify an unclaimed USCC under any enterprise name; the real enterprise then meets
//! `USCC_TAKEN`. From there its own (unverified) account files a claim: the enterprise's name, the legal
//! representative's name and ID number, a reason, and then the documents (`services::recovery_documents`: the
//! business licence scan, the legal representative's ID, the sealed authorisation letter when an agent files).
//! The claim also goes through the `IdentityVerifier` port; an authoritative verifier (the ministry's unified
//! login / 电子营业执照, see docs/identity.md) that refuses the details refuses the claim at once.
//!
//! An operator sees the claim, its documents and what is on file for both accounts side by side, and decides.
//! On approval, in one transaction: the USCC's pointer moves to the claimant (so do the enterprise's records, which
//! are keyed by the USCC: profile, declarations, qualifications, messages), the claimant's account becomes the
//! verified legal person, and the holder's verification is withdrawn with all its sessions ended. The holder is
//! told by SMS and e-mail, the claimant by SMS. Every step is an event with its actor.
//!
//! Records:
//! - `pk = CLAIM#<id>, sk = PROFILE` — the claim, in the operators' queue (`gsi1 = QUEUE#USCC_CLAIM#pending`)
//!   while it waits;
//! - `pk = USCC#<uscc>, sk = CLAIM#<claimant account>` — at most one open claim per claimant and code.

use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

use crate::domain::account::{RealNameSubject, Verification};
use crate::domain::principal::Principal;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::ports::{Channel, Cond, IdentityCheck, Item, Query, StoreError, TxOp};
use crate::services::Platform;
use crate::services::accounts::{
    self, Decision, PROFILE, Pointer, RealNameRequest, account_item, account_pk, load_account,
    mask_phone, pointer_item, uscc_pk,
};
use crate::services::common::PageOf;
use crate::services::events::{Event, is_valid_id, new_id};
use crate::services::evidence::{Owner, OwnerKind};
use crate::services::limits::{self, Limit};
use crate::services::records::ent_pk;
use crate::services::recovery_documents::{self, OnFile};
use crate::services::repository::{self, Tx, TxError};

const QUEUE: &str = "QUEUE#USCC_CLAIM#pending";
const CLAIMS_PER_ACCOUNT: &[Limit] = &[Limit::per_hour(3), Limit::per_day(5)];

fn claim_pk(id: &str) -> String {
    format!("CLAIM#{id}")
}

fn open_claim_sk(claimant: &str) -> String {
    format!("CLAIM#{claimant}")
}

/// `POST /v1/uscc-claims`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsccClaimRequest {
    pub uscc: String,
    pub enterprise_name: String,
    /// 法定代表人姓名.
    pub legal_representative: String,
    /// 法定代表人居民身份证号码.
    pub id_number: String,
    /// Why the code is the claimant's (e.g. "本企业从未在平台注册，代码被他人冒用").
    pub reason: String,
}

/// What the identity verifier said about the claimed details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityFinding {
    /// Whether the verifier consults an authoritative register; `checks` mode only checks formats.
    pub authoritative: bool,
    /// `verified`, `manual_review` or `refused`.
    pub outcome: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsccClaim {
    pub id: String,
    pub uscc: String,
    pub claimant_account_id: String,
    pub claimant_login_name: String,
    pub enterprise_name: String,
    pub legal_representative: String,
    /// Shown to operators only.
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub id_number: String,
    pub reason: String,
    /// `pending`, `approved`, `rejected`.
    pub status: String,
    /// The account that held the code when the claim was filed.
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub holder_account_id: String,
    pub identity_check: IdentityFinding,
    #[serde(with = "crate::domain::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub requested_at: OffsetDateTime,
    #[serde(default, with = "crate::domain::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub decided_at: Option<OffsetDateTime>,
    pub comment: Option<String>,
}

/// The stored claim (with the fields its view leaves out).
#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(flatten)]
    claim: UsccClaim,
    id_number: String,
    holder_account_id: String,
    #[serde(default)]
    decided_by: Option<String>,
}

struct Loaded {
    claim: UsccClaim,
    decided_by: Option<String>,
    version: u64,
}

async fn load(p: &Platform, id: &str) -> AppResult<Loaded> {
    let not_found = || AppError::not_found("未找到该认领申请");
    if !is_valid_id(id) {
        return Err(not_found());
    }
    let item = p
        .store
        .get(&claim_pk(id), PROFILE)
        .await?
        .ok_or_else(not_found)?;
    let stored: Stored = item.decode()?;
    let mut claim = stored.claim;
    claim.id_number = stored.id_number;
    claim.holder_account_id = stored.holder_account_id;
    Ok(Loaded {
        claim,
        decided_by: stored.decided_by,
        version: item.version,
    })
}

fn claim_item(claim: &UsccClaim, decided_by: Option<&str>, version: u64) -> Item {
    let item = Item::new(
        claim_pk(&claim.id),
        PROFILE,
        &Stored {
            claim: claim.clone(),
            id_number: claim.id_number.clone(),
            holder_account_id: claim.holder_account_id.clone(),
            decided_by: decided_by.map(str::to_owned),
        },
    )
    .with_version(version);
    if claim.status == "pending" {
        item.with_gsi1(QUEUE, &claim.id)
    } else {
        item
    }
}

/// File a claim for a USCC another account holds. The caller's own account must not be verified or pending.
pub async fn file(
    p: &Platform,
    caller: &Principal,
    req: &UsccClaimRequest,
) -> AppResult<UsccClaim> {
    let acc = load_account(p, caller.account_id())
        .await?
        .ok_or_else(|| AppError::unauthenticated("账户不存在，请重新登录"))?;
    if acc.value.fixed_role.is_some() {
        return Err(AppError::forbidden(
            "主管部门和运维账户不能认领统一社会信用代码",
        ));
    }
    if !acc.value.verification.may_request() {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            "账户已完成或正在进行实名认证，不能认领其他统一社会信用代码",
        ));
    }
    let mut errors = Vec::new();
    if req.id_number.trim().is_empty() {
        errors.push(FieldError::new(
            "id_number",
            "REQUIRED",
            "请填写法定代表人居民身份证号码",
        ));
    }
    let reason = req.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        errors.push(FieldError::new(
            "reason",
            "REQUIRED",
            "请填写认领理由（不超过500个字符）",
        ));
    }
    let parsed = accounts::parse_subject(&RealNameRequest {
        subject_type: "legal_person".into(),
        uscc: Some(req.uscc.clone()),
        enterprise_name: Some(req.enterprise_name.clone()),
        legal_representative: Some(req.legal_representative.clone()),
        id_number: Some(req.id_number.clone()),
        ..RealNameRequest::default()
    });
    // Every field error at once: the subject's (USCC, name, representative, ID) with the claim's own.
    let (subject, check_warning) = match parsed {
        Ok(parsed) if errors.is_empty() => parsed,
        Ok(_) => return Err(AppError::validation(errors)),
        Err(e) if e.code == ErrorCode::ValidationFailed => {
            let mut all = e.errors;
            for error in errors {
                if !all.iter().any(|known| known.field == error.field) {
                    all.push(error);
                }
            }
            return Err(AppError::validation(all));
        }
        Err(e) => return Err(e),
    };
    let RealNameSubject::LegalPerson {
        uscc,
        enterprise_name,
        legal_representative,
        id_number,
        ..
    } = subject.clone()
    else {
        return Err(AppError::internal("a legal person's subject was expected"));
    };
    let pointer = p.store.get(&uscc_pk(&uscc), "POINTER").await?;
    let Some(pointer) = pointer else {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            "该统一社会信用代码尚未被任何账户认证，请直接进行法人实名认证",
        ));
    };
    let holder = pointer.decode::<Pointer>()?.account_id;
    limits::take(
        p,
        &[(
            limits::login_subject("CLAIM", caller.account_id()),
            CLAIMS_PER_ACCOUNT,
        )],
    )
    .await?;
    let finding = if check_warning {
        IdentityFinding {
            authoritative: false,
            outcome: "manual_review".into(),
            note: Some("统一社会信用代码校验位不符（可能为早期试点代码）".into()),
        }
    } else {
        let authoritative = p.verifier.authoritative();
        match p.verifier.check(&subject).await {
            IdentityCheck::Verified => IdentityFinding {
                authoritative,
                outcome: "verified".into(),
                note: (!authoritative).then(|| "仅核对了格式与校验位，未经登记机关核验".to_owned()),
            },
            IdentityCheck::ManualReview { reason } => IdentityFinding {
                authoritative,
                outcome: "manual_review".into(),
                note: Some(reason),
            },
            IdentityCheck::Refused { reason } => {
                return Err(AppError::field("subject", "IDENTITY_REFUSED", reason));
            }
        }
    };
    let now = p.clock.now();
    let claim = UsccClaim {
        id: new_id(now),
        uscc: uscc.clone(),
        claimant_account_id: acc.value.id.clone(),
        claimant_login_name: acc.value.login_name.clone(),
        enterprise_name,
        legal_representative,
        id_number: id_number.unwrap_or_default(),
        reason: reason.to_owned(),
        status: "pending".into(),
        holder_account_id: holder.clone(),
        identity_check: finding,
        requested_at: now,
        decided_at: None,
        comment: None,
    };
    let mut tx = Tx::new();
    tx.extend([TxOp::Put {
        item: claim_item(&claim, None, 1),
        cond: Cond::Absent,
    }]);
    tx.named(
        "open claim",
        TxOp::Put {
            item: Item::new(
                uscc_pk(&uscc),
                open_claim_sk(&acc.value.id),
                &json!({"claim_id": claim.id}),
            ),
            cond: Cond::Absent,
        },
    );
    tx.extend([Event::new(
        "account.uscc_claim_filed",
        &account_pk(&acc.value.id),
        Some(&acc.value.id),
        now,
        json!({"claim_id": claim.id, "uscc": uscc}),
    )
    .tx_op()]);
    match tx.commit(p).await {
        Ok(()) => {}
        Err(TxError::Condition("open claim")) => {
            return Err(AppError::new(
                ErrorCode::InvalidState,
                "您已提交过该统一社会信用代码的认领申请，请等待人工核验结果",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    // The holder hears of it: a rightful holder can object to the operator.
    if let Some(h) = load_account(p, &holder).await? {
        let notice = format!(
            "【优质中小企业梯度培育平台】有企业申请认领您账户已认证的统一社会信用代码 {uscc}，平台将人工核验。如有异议，请联系平台。"
        );
        accounts::send(p, Channel::Sms, &h.value.phone, notice.clone())
            .await
            .ok();
        if let Some(email) = h.value.email.as_deref() {
            accounts::send(p, Channel::Email, email, notice).await.ok();
        }
    }
    Ok(claim)
}

/// The claimant reads its own claim (404 for anyone else).
pub async fn get_own(p: &Platform, caller: &Principal, id: &str) -> AppResult<UsccClaim> {
    let loaded = load(p, id).await?;
    if loaded.claim.claimant_account_id != caller.account_id() {
        return Err(AppError::not_found("未找到该认领申请"));
    }
    Ok(loaded.claim)
}

fn documents_owner(loaded: &Loaded) -> Owner {
    let pending = loaded.claim.status == "pending";
    Owner {
        kind: OwnerKind::Recovery,
        id: loaded.claim.id.clone(),
        pk: claim_pk(&loaded.claim.id),
        sk: PROFILE,
        version: loaded.version,
        editable: pending,
        status_label: if pending {
            "待人工核验"
        } else {
            "已处理"
        },
        slots: recovery_documents::claim_slots(),
    }
}

/// The documents' owner for the claimant.
pub async fn documents_owner_for(p: &Platform, caller: &Principal, id: &str) -> AppResult<Owner> {
    let loaded = load(p, id).await?;
    if loaded.claim.claimant_account_id != caller.account_id() {
        return Err(AppError::not_found("未找到该认领申请"));
    }
    Ok(documents_owner(&loaded))
}

/// Pending claims, oldest first (operators).
pub async fn list_pending(
    p: &Platform,
    caller: &Principal,
    limit: u32,
    cursor: Option<String>,
) -> AppResult<PageOf<UsccClaim>> {
    accounts::require_operator(caller)?;
    let page = p
        .store
        .query(Query::gsi1(QUEUE).limit(limit).after(cursor))
        .await
        .map_err(repository::cursor_error)?;
    let mut items = Vec::new();
    for item in &page.items {
        items.push(item.decode::<Stored>()?.claim);
    }
    Ok(PageOf {
        items,
        next_cursor: page.next_cursor,
    })
}

/// What an operator decides on: the claim, both accounts as on file, the documents.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimReview {
    pub claim: UsccClaim,
    /// The legal representative's ID number as the claimant gave it.
    pub id_number: String,
    pub decided_by: Option<String>,
    /// The claimant's account.
    pub claimant: Option<OnFile>,
    /// The account holding the code now.
    pub holder: Option<OnFile>,
    pub slots: Vec<recovery_documents::SlotView>,
    pub documents: Vec<crate::services::evidence::Listed>,
    /// Labels of required documents not filed yet (approval needs none missing).
    pub missing_documents: Vec<String>,
}

pub async fn review(p: &Platform, caller: &Principal, id: &str) -> AppResult<ClaimReview> {
    accounts::require_operator(caller)?;
    let loaded = load(p, id).await?;
    let owner = documents_owner(&loaded);
    let holder_id = match p.store.get(&uscc_pk(&loaded.claim.uscc), "POINTER").await? {
        Some(item) => Some(item.decode::<Pointer>()?.account_id),
        None => None,
    };
    let holder = match holder_id {
        Some(h) => load_account(p, &h).await?.map(|a| OnFile::of(&a.value)),
        None => None,
    };
    let claimant = load_account(p, &loaded.claim.claimant_account_id)
        .await?
        .map(|a| OnFile::of(&a.value));
    Ok(ClaimReview {
        id_number: loaded.claim.id_number.clone(),
        decided_by: loaded.decided_by.clone(),
        claimant,
        holder,
        slots: recovery_documents::slot_views(p, &owner).await?,
        documents: crate::services::evidence::list_of(p, &owner).await?,
        missing_documents: recovery_documents::missing(p, &owner).await?,
        claim: loaded.claim,
    })
}

/// An operator's decision. Approval moves the code to the claimant and withdraws the holder's verification.
pub async fn decide(
    p: &Platform,
    caller: &Principal,
    id: &str,
    decision: Decision,
    comment: Option<String>,
) -> AppResult<UsccClaim> {
    accounts::require_operator(caller)?;
    let loaded = load(p, id).await?;
    if loaded.claim.status != "pending" {
        return Err(AppError::new(ErrorCode::InvalidState, "该认领申请已处理"));
    }
    let comment = comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if decision == Decision::Reject && comment.is_none() {
        return Err(AppError::field("comment", "REQUIRED", "驳回时请填写理由"));
    }
    let now = p.clock.now();
    let mut claim = loaded.claim.clone();
    claim.decided_at = Some(now);
    claim.comment = comment.clone();
    let mut claimant = load_account(p, &claim.claimant_account_id)
        .await?
        .ok_or_else(|| AppError::not_found("申请对应的账户不存在"))?;
    let guard = TxOp::Delete {
        pk: uscc_pk(&claim.uscc),
        sk: open_claim_sk(&claim.claimant_account_id),
        cond: Cond::Always,
    };
    if decision == Decision::Reject {
        claim.status = "rejected".into();
        p.store
            .transact(vec![
                TxOp::Put {
                    item: claim_item(&claim, Some(caller.account_id()), loaded.version + 1),
                    cond: Cond::VersionIs(loaded.version),
                },
                guard,
                Event::new(
                    "account.uscc_claim_rejected",
                    &account_pk(&claim.claimant_account_id),
                    Some(caller.account_id()),
                    now,
                    json!({"claim_id": claim.id, "uscc": claim.uscc, "comment": comment}),
                )
                .tx_op(),
            ])
            .await?;
        accounts::send(
            p,
            Channel::Sms,
            &claimant.value.phone,
            format!(
                "【优质中小企业梯度培育平台】您对统一社会信用代码 {} 的认领申请未通过人工核验：{}",
                claim.uscc,
                comment.unwrap_or_default()
            ),
        )
        .await
        .ok();
        return Ok(claim);
    }
    recovery_documents::require_complete(p, &documents_owner(&loaded)).await?;
    if !claimant.value.verification.may_request() {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            "申请人的账户已完成或正在进行实名认证，不能再转入该统一社会信用代码",
        ));
    }
    let pointer = p
        .store
        .get(&uscc_pk(&claim.uscc), "POINTER")
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::InvalidState, "该统一社会信用代码已不再被占用"))?;
    let holder_id = pointer.decode::<Pointer>()?.account_id;
    let mut holder = load_account(p, &holder_id).await?;
    claim.status = "approved".into();
    claimant.value.verification = Verification::Verified {
        subject: RealNameSubject::LegalPerson {
            uscc: claim.uscc.clone(),
            enterprise_name: claim.enterprise_name.clone(),
            legal_representative: claim.legal_representative.clone(),
            id_number: Some(claim.id_number.clone()).filter(|n| !n.is_empty()),
            uscc_check_warning: false,
        },
        verified_at: now,
    };
    let mut ops = vec![
        TxOp::Put {
            item: claim_item(&claim, Some(caller.account_id()), loaded.version + 1),
            cond: Cond::VersionIs(loaded.version),
        },
        guard,
        TxOp::Put {
            item: pointer_item(uscc_pk(&claim.uscc), &claimant.value.id)
                .with_version(pointer.version + 1),
            cond: Cond::VersionIs(pointer.version),
        },
        TxOp::Put {
            item: account_item(&claimant.value, claimant.version + 1),
            cond: Cond::VersionIs(claimant.version),
        },
    ];
    if let Some(h) = holder.as_mut() {
        if let Verification::Verified { subject, .. } = &h.value.verification {
            h.value.verification = Verification::Rejected {
                subject: subject.clone(),
                reason: format!(
                    "统一社会信用代码 {} 经平台人工核验归属其他主体，本账户的法人实名认证已撤销",
                    claim.uscc
                ),
                rejected_at: now,
            };
        }
        h.value.end_all_sessions();
        ops.push(TxOp::Put {
            item: account_item(&h.value, h.version + 1),
            cond: Cond::VersionIs(h.version),
        });
        ops.push(
            Event::new(
                "account.uscc_withdrawn",
                &account_pk(&h.value.id),
                Some(caller.account_id()),
                now,
                json!({"claim_id": claim.id, "uscc": claim.uscc, "new_holder": claimant.value.id}),
            )
            .tx_op(),
        );
    }
    ops.push(
        Event::new(
            "account.uscc_claim_approved",
            &account_pk(&claimant.value.id),
            Some(caller.account_id()),
            now,
            json!({"claim_id": claim.id, "uscc": claim.uscc, "previous_holder": holder_id, "comment": comment}),
        )
        .tx_op(),
    );
    ops.push(
        Event::new(
            "enterprise.holder_changed",
            &ent_pk(&claim.uscc),
            Some(caller.account_id()),
            now,
            json!({"claim_id": claim.id, "from": holder_id, "to": claimant.value.id}),
        )
        .tx_op(),
    );
    p.store.transact(ops).await.map_err(|e| match e {
        StoreError::ConditionFailed { .. } => AppError::new(
            ErrorCode::VersionConflict,
            "认领申请或相关账户已被同时修改，请刷新后重试",
        ),
        other => other.into(),
    })?;
    p.sessions.forget(&claimant.value.id);
    p.sessions.forget(&holder_id);
    if let Some(h) = &holder {
        let notice = format!(
            "【优质中小企业梯度培育平台】经平台人工核验，统一社会信用代码 {} 归属其他主体，已转至其账户；您账户的法人实名认证已撤销，此前的登录已全部失效。如有异议，请联系平台。",
            claim.uscc
        );
        accounts::send(p, Channel::Sms, &h.value.phone, notice.clone())
            .await
            .ok();
        if let Some(email) = h.value.email.as_deref() {
            accounts::send(p, Channel::Email, email, notice).await.ok();
        }
    }
    accounts::send(
        p,
        Channel::Sms,
        &claimant.value.phone,
        format!(
            "【优质中小企业梯度培育平台】您对统一社会信用代码 {} 的认领申请已通过人工核验，账户已完成法人实名认证，请重新登录（手机号 {}）。",
            claim.uscc,
            mask_phone(&claimant.value.phone)
        ),
    )
    .await
    .ok();
    Ok(claim)
}
