//! Documents behind an operator's manual check (人工核验): the business licence scan, the authorisation letter
//! bearing the company seal and the ID of the person, filed with a manual phone change or a USCC claim.
//!
//! They go through the evidence pipeline (`services::evidence`: presigned upload, `complete` with size, SHA-256
//! and whole-structure checks, short-lived download links), owned by the request's record:
//! - a phone change (`PHONECHANGE#<id>`), reached with its query code, since its requester cannot log in;
//! - a USCC claim (`CLAIM#<id>`), reached by the claimant's account.
//!
//! Files can be added while the request waits for the operator; the operator's view lists them, with links,
//! beside what is on file for the account ([`OnFile`]), and an approval needs every required slot filled.

use serde::Serialize;
use time::OffsetDateTime;

use crate::domain::account::{Account, RealNameSubject, Verification};
use crate::domain::principal::Principal;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::ports::{Channel, Cond, Item, TxOp};
use crate::services::Platform;
use crate::services::accounts::{
    self, Decision, PROFILE, PhoneChange, PhoneChangeMethod, account_pk, complete_phone_change,
    load_phone_change, mask_phone, phone_change_pk, require_operator, send, sha_hex,
};
use crate::services::events::Event;
use crate::services::evidence::{self, Owner, OwnerKind};
use serde_json::json;

/// A slot: id, label, required.
type Slot = (String, String, bool);

fn slot(id: &str, label: &str, required: bool) -> Slot {
    (id.into(), label.into(), required)
}

/// The documents of a manual phone change. The licence and the sealed letter are required when the account is a
/// verified legal person (the enterprise asks); the ID of the person always.
pub fn phone_change_slots(for_legal_person: bool) -> Vec<Slot> {
    vec![
        slot(
            "business_licence",
            "营业执照（副本）扫描件",
            for_legal_person,
        ),
        slot(
            "authorisation_letter",
            "加盖企业公章的授权委托书",
            for_legal_person,
        ),
        slot("id_card", "经办人居民身份证（正反面）", true),
    ]
}

/// The documents of a USCC claim.
pub fn claim_slots() -> Vec<Slot> {
    vec![
        slot("business_licence", "营业执照（副本）扫描件", true),
        slot(
            "legal_representative_id",
            "法定代表人居民身份证（正反面）",
            true,
        ),
        slot(
            "authorisation_letter",
            "加盖企业公章的授权委托书（经办人非法定代表人时）",
            false,
        ),
    ]
}

/// The documents' owner for a phone change, reached with its query code (a wrong code reads as an unknown id).
/// Only manual changes carry documents; they can be added while the change waits for the operator.
pub async fn phone_change_owner(p: &Platform, id: &str, query_code: &str) -> AppResult<Owner> {
    let not_found = || AppError::not_found("未找到该更换手机号申请");
    if !crate::services::events::is_valid_id(id) {
        return Err(not_found());
    }
    let (change, version) = accounts::load_phone_change(p, id)
        .await
        .map_err(|_| not_found())?;
    if sha_hex(query_code.trim()) != change.query_code_hash {
        return Err(not_found());
    }
    if change.method != PhoneChangeMethod::Manual {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            "只有人工核验方式的申请需要上传证明材料",
        ));
    }
    Ok(phone_change_documents_owner(&change, version))
}

fn phone_change_documents_owner(change: &PhoneChange, version: u64) -> Owner {
    let pending = change.status == "pending_review";
    Owner {
        kind: OwnerKind::Recovery,
        id: change.id.clone(),
        pk: phone_change_pk(&change.id),
        sk: PROFILE,
        version,
        editable: pending,
        status_label: if pending {
            "待人工核验"
        } else {
            "已处理"
        },
        slots: phone_change_slots(change.uscc.is_some()),
    }
}

/// A phone change as an operator checks it: the request, its documents' owner and what is on file for the
/// account it names (none when the login named no account).
pub async fn phone_change_for_operator(
    p: &Platform,
    caller: &crate::domain::principal::Principal,
    id: &str,
) -> AppResult<(PhoneChange, Owner, Option<OnFile>)> {
    accounts::require_operator(caller)?;
    if !crate::services::events::is_valid_id(id) {
        return Err(AppError::not_found("未找到该更换手机号申请"));
    }
    let (change, version) = accounts::load_phone_change(p, id).await?;
    let owner = phone_change_documents_owner(&change, version);
    let on_file = match change.account_id.as_deref() {
        Some(account) => accounts::load_account(p, account)
            .await?
            .map(|a| OnFile::of(&a.value)),
        None => None,
    };
    Ok((change, owner, on_file))
}

/// The labels of required slots without a checked file.
pub async fn missing(p: &Platform, owner: &Owner) -> AppResult<Vec<String>> {
    let files = evidence::current_files(p, &owner.pk).await?;
    Ok(owner
        .slots
        .iter()
        .filter(|(id, _, required)| *required && !files.iter().any(|f| f.slot == *id))
        .map(|(_, label, _)| label.clone())
        .collect())
}

/// Refuse an approval while a required document is missing (`EVIDENCE_MISSING`, naming them).
pub async fn require_complete(p: &Platform, owner: &Owner) -> AppResult<()> {
    let missing = missing(p, owner).await?;
    if missing.is_empty() {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorCode::EvidenceMissing,
            format!("尚缺以下证明材料，不能通过人工核验：{}", missing.join("、")),
        )
        .with_extra("missing", serde_json::json!(missing)))
    }
}

/// A manual phone change may be approved only with its documents.
pub async fn require_phone_change_documents(
    p: &Platform,
    change: &PhoneChange,
    version: u64,
) -> AppResult<()> {
    require_complete(p, &phone_change_documents_owner(change, version)).await
}

/// The operator's decision on a manual phone change (人工核验): approval needs the documents on file.
pub async fn decide_phone_change(
    p: &Platform,
    caller: &Principal,
    id: &str,
    decision: Decision,
    comment: Option<String>,
) -> AppResult<PhoneChange> {
    require_operator(caller)?;
    let (mut change, version) = load_phone_change(p, id).await?;
    if change.method != PhoneChangeMethod::Manual || change.status != "pending_review" {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            "该申请不在待人工核验状态",
        ));
    }
    change.comment = comment
        .clone()
        .filter(|c| !c.trim().is_empty())
        .or(change.comment);
    change.decided_by = Some(caller.account_id().to_owned());
    match decision {
        Decision::Approve => {
            require_phone_change_documents(p, &change, version).await?;
            complete_phone_change(p, change, version, Vec::new(), Some(caller.account_id())).await
        }
        Decision::Reject => {
            if comment.as_deref().map(str::trim).unwrap_or("").is_empty() {
                return Err(AppError::field("comment", "REQUIRED", "驳回时请填写理由"));
            }
            let now = p.clock.now();
            change.status = "rejected".into();
            change.decided_at = Some(now);
            let aggregate = change
                .account_id
                .as_deref()
                .map_or_else(|| phone_change_pk(id), account_pk);
            p.store
                .transact(vec![
                    TxOp::Put {
                        item: Item::new(phone_change_pk(id), PROFILE, &change)
                            .with_version(version + 1),
                        cond: Cond::VersionIs(version),
                    },
                    Event::new(
                        "account.phone_change_rejected",
                        &aggregate,
                        Some(caller.account_id()),
                        now,
                        json!({"phone_change_id": id}),
                    )
                    .tx_op(),
                ])
                .await?;
            send(
                p,
                Channel::Sms,
                &change.new_phone,
                format!(
                    "【优质中小企业梯度培育平台】您的更换手机号申请未通过人工核验：{}",
                    change.comment.clone().unwrap_or_default()
                ),
            )
            .await
            .ok();
            Ok(change)
        }
    }
}

/// What the platform holds for an account, shown to an operator beside a request's documents.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnFile {
    pub account_id: String,
    pub login_name: String,
    /// Masked: `138****5678`.
    pub phone: String,
    /// Masked: `z***@example.com`.
    pub email: Option<String>,
    /// `unverified`, `pending`, `verified` or `rejected`.
    pub verification_status: String,
    /// `legal_person` or `natural_person`, when a subject is on file.
    pub subject_type: Option<String>,
    pub uscc: Option<String>,
    pub enterprise_name: Option<String>,
    pub legal_representative: Option<String>,
    /// A natural person's name.
    pub name: Option<String>,
    /// When the account was verified (RFC 3339, UTC).
    #[serde(with = "crate::domain::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub verified_at: Option<OffsetDateTime>,
    #[serde(with = "crate::domain::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
}

/// `z***@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

impl OnFile {
    pub fn of(a: &Account) -> OnFile {
        let (subject, verified_at) = match &a.verification {
            Verification::Unverified => (None, None),
            Verification::Pending { subject, .. } | Verification::Rejected { subject, .. } => {
                (Some(subject), None)
            }
            Verification::Verified {
                subject,
                verified_at,
            } => (Some(subject), Some(*verified_at)),
        };
        let mut on_file = OnFile {
            account_id: a.id.clone(),
            login_name: a.login_name.clone(),
            phone: mask_phone(&a.phone),
            email: a.email.as_deref().map(mask_email),
            verification_status: a.verification.status().into(),
            subject_type: None,
            uscc: None,
            enterprise_name: None,
            legal_representative: None,
            name: None,
            verified_at,
            created_at: a.created_at,
        };
        match subject {
            Some(RealNameSubject::LegalPerson {
                uscc,
                enterprise_name,
                legal_representative,
                ..
            }) => {
                on_file.subject_type = Some("legal_person".into());
                on_file.uscc = Some(uscc.clone());
                on_file.enterprise_name = Some(enterprise_name.clone());
                on_file.legal_representative = Some(legal_representative.clone());
            }
            Some(RealNameSubject::NaturalPerson { name, .. }) => {
                on_file.subject_type = Some("natural_person".into());
                on_file.name = Some(name.clone());
            }
            None => {}
        }
        on_file
    }
}

/// One slot as the operator's view lists it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotView {
    pub slot: String,
    pub label: String,
    pub required: bool,
    /// Whether a checked file is in the slot.
    pub filed: bool,
}

pub async fn slot_views(p: &Platform, owner: &Owner) -> AppResult<Vec<SlotView>> {
    let files = evidence::current_files(p, &owner.pk).await?;
    Ok(owner
        .slots
        .iter()
        .map(|(id, label, required)| SlotView {
            slot: id.clone(),
            label: label.clone(),
            required: *required,
            filed: files.iter().any(|f| f.slot == *id),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enterprise_files_its_licence_and_sealed_letter_a_person_only_the_id() {
        let required = |slots: Vec<Slot>| -> Vec<String> {
            slots.into_iter().filter(|s| s.2).map(|s| s.0).collect()
        };
        assert_eq!(
            required(phone_change_slots(true)),
            ["business_licence", "authorisation_letter", "id_card"]
        );
        assert_eq!(required(phone_change_slots(false)), ["id_card"]);
        assert_eq!(
            required(claim_slots()),
            ["business_licence", "legal_representative_id"]
        );
    }

    #[test]
    fn e_mail_addresses_are_masked() {
        assert_eq!(mask_email("zhang@example.com"), "z***@example.com");
        assert_eq!(mask_email("nobody"), "***");
    }
}
