//! How accounts, sessions, real-name checks and phone changes are shown: the answers of the register function
//! and of the operators' manual checks. Each view is the type the handler serialises and the schema the
//! OpenAPI document describes.

use serde::Serialize;
use utoipa::ToSchema;

use shared::domain::account::{Account, RealNameSubject, Verification};
use shared::domain::principal::{Level, Role};
use shared::domain::timestamp::Timestamp;
use shared::services::accounts::{PhoneChange, PhoneChangeMethod, RealNameReview, mask_phone};
use shared::services::evidence::Listed;
use shared::services::recovery_documents::{OnFile, SlotView};
use shared::services::review_views::region_name_of;
use shared::services::uscc_claims::UsccClaim;

/// A real-name subject as shown to the account's owner (no identity number).
#[derive(Serialize, ToSchema)]
pub struct SubjectView {
    /// `legal_person` or `natural_person`.
    pub subject_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uscc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_representative: Option<String>,
    /// A natural person's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl SubjectView {
    pub fn of(s: &RealNameSubject) -> Self {
        match s {
            RealNameSubject::LegalPerson {
                uscc,
                enterprise_name,
                legal_representative,
                ..
            } => SubjectView {
                subject_type: "legal_person",
                uscc: Some(uscc.clone()),
                enterprise_name: Some(enterprise_name.clone()),
                legal_representative: Some(legal_representative.clone()),
                name: None,
            },
            RealNameSubject::NaturalPerson { name, .. } => SubjectView {
                subject_type: "natural_person",
                uscc: None,
                enterprise_name: None,
                legal_representative: None,
                name: Some(name.clone()),
            },
        }
    }
}

/// The state of an account's real-name verification.
#[derive(Serialize, ToSchema)]
pub struct VerificationView {
    /// `unverified`, `pending`, `verified` or `rejected`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<SubjectView>,
}

impl VerificationView {
    pub fn of(v: &Verification) -> Self {
        let mut view = VerificationView {
            status: v.status(),
            requested_at: None,
            verified_at: None,
            rejected_at: None,
            reason: None,
            subject: None,
        };
        match v {
            Verification::Unverified => {}
            Verification::Pending {
                subject,
                requested_at,
                ..
            } => {
                view.requested_at = Some((*requested_at).into());
                view.subject = Some(SubjectView::of(subject));
            }
            Verification::Verified {
                subject,
                verified_at,
            } => {
                view.verified_at = Some((*verified_at).into());
                view.subject = Some(SubjectView::of(subject));
            }
            Verification::Rejected {
                subject,
                reason,
                rejected_at,
            } => {
                view.rejected_at = Some((*rejected_at).into());
                view.reason = Some(reason.clone());
                view.subject = Some(SubjectView::of(subject));
            }
        }
        view
    }
}

/// An official's level and region.
#[derive(Serialize, ToSchema)]
pub struct OfficialView {
    pub level: Level,
    /// Six-digit region code; `null` for the ministry.
    pub region: Option<String>,
    /// Its names from the province down (`浙江省 杭州市 西湖区`); `null` for the ministry.
    pub region_name: Option<String>,
}

/// `GET /v1/accounts/me`: the account as its owner sees it.
#[derive(Serialize, ToSchema)]
pub struct AccountView {
    pub account_id: String,
    pub login_name: String,
    pub role: Role,
    pub role_label: &'static str,
    /// The verified USCC of a legal-person account.
    pub uscc: Option<String>,
    /// Masked: `138****5678`.
    pub phone: String,
    pub email: Option<String>,
    pub verification: VerificationView,
    pub official: Option<OfficialView>,
    pub created_at: Timestamp,
}

impl AccountView {
    pub fn of(a: &Account) -> Self {
        let role = a.role();
        AccountView {
            account_id: a.id.clone(),
            login_name: a.login_name.clone(),
            role,
            role_label: role.label(),
            uscc: a.verified_uscc().map(str::to_owned),
            phone: mask_phone(&a.phone),
            email: a.email.clone(),
            verification: VerificationView::of(&a.verification),
            official: a.official.as_ref().map(|o| OfficialView {
                level: o.level,
                region: o.region.clone(),
                region_name: region_name_of(o.region.as_deref()),
            }),
            created_at: a.created_at.into(),
        }
    }
}

/// `POST /v1/accounts` (201).
#[derive(Serialize, ToSchema)]
pub struct CreatedAccount {
    pub account_id: String,
    pub account: AccountView,
}

/// `POST /v1/sessions` (201).
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    pub token: String,
    /// `Bearer`.
    pub token_type: &'static str,
    pub expires_at: Timestamp,
    pub account: AccountView,
}

/// `POST /v1/accounts/me/real-name`: a new token (carrying the new role) once verified.
#[derive(Serialize, ToSchema)]
pub struct RealNameResult {
    /// `verified`, `pending` or `rejected`.
    pub status: &'static str,
    pub account: AccountView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

/// An answer that is only a message (`POST /v1/password-resets`, 202).
#[derive(Serialize, ToSchema)]
pub struct MessageAnswer {
    pub message: &'static str,
}

/// A phone change as its requester sees it (`POST /v1/phone-changes` adds `query_code` and `message`).
#[derive(Serialize, ToSchema)]
pub struct PhoneChangeView {
    pub id: String,
    pub method: PhoneChangeMethod,
    /// `awaiting_code`, `pending_review`, `completed`, `rejected`.
    pub status: String,
    /// Masked.
    pub new_phone: String,
    pub requested_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    pub comment: Option<String>,
    /// Shown once, with the request: needed to read the request and file its documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'static str>,
}

impl PhoneChangeView {
    pub fn of(c: &PhoneChange) -> Self {
        PhoneChangeView {
            id: c.id.clone(),
            method: c.method,
            status: c.status.clone(),
            new_phone: mask_phone(&c.new_phone),
            requested_at: c.requested_at.into(),
            decided_at: c.decided_at.map(Into::into),
            comment: c.comment.clone(),
            query_code: None,
            message: None,
        }
    }

    /// The answer of the request itself: with the query code (shown once) and what happens next.
    pub fn requested(c: &PhoneChange, query_code: String) -> Self {
        PhoneChangeView {
            query_code: Some(query_code),
            message: Some(match c.method {
                PhoneChangeMethod::Email => {
                    "如该账户绑定了邮箱，验证码已发送至邮箱；请凭验证码确认更换"
                }
                PhoneChangeMethod::Manual => {
                    "申请已提交人工核验，结果将以短信通知新手机号；可凭申请编号和查询码查询进度"
                }
            }),
            ..PhoneChangeView::of(c)
        }
    }
}

/// A phone change as an operator sees it: enough to check the identity.
#[derive(Serialize, ToSchema)]
pub struct OperatorPhoneChange {
    pub id: String,
    pub method: PhoneChangeMethod,
    pub status: String,
    /// In full.
    pub new_phone: String,
    pub requested_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    pub comment: Option<String>,
    pub login_name: Option<String>,
    pub uscc: Option<String>,
    pub enterprise_name: Option<String>,
    pub contact_name: Option<String>,
    pub id_number: Option<String>,
    pub reason: Option<String>,
    /// Whether the login named an account (a request for no account never completes).
    pub account_found: bool,
    /// The deciding operator's account id (the detail view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

impl OperatorPhoneChange {
    /// The list's and the decision's view.
    pub fn of(c: &PhoneChange) -> Self {
        OperatorPhoneChange {
            id: c.id.clone(),
            method: c.method,
            status: c.status.clone(),
            new_phone: c.new_phone.clone(),
            requested_at: c.requested_at.into(),
            decided_at: c.decided_at.map(Into::into),
            comment: c.comment.clone(),
            login_name: c.login_name.clone(),
            uscc: c.uscc.clone(),
            enterprise_name: c.enterprise_name.clone(),
            contact_name: c.contact_name.clone(),
            id_number: c.id_number.clone(),
            reason: c.reason.clone(),
            account_found: c.account_id.is_some(),
            decided_by: None,
        }
    }

    /// The detail view, with who decided.
    pub fn detail(c: &PhoneChange) -> Self {
        OperatorPhoneChange {
            decided_by: c.decided_by.clone(),
            ..OperatorPhoneChange::of(c)
        }
    }
}

/// `GET /v1/admin/phone-changes/{id}`: the request, its documents, what is on file for the account.
#[derive(Serialize, ToSchema)]
pub struct PhoneChangeReview {
    pub change: OperatorPhoneChange,
    /// `null` when the login named no account.
    pub on_file: Option<OnFile>,
    pub slots: Vec<SlotView>,
    pub documents: Vec<Listed>,
    pub missing_documents: Vec<String>,
}

/// A manual real-name check as an operator sees it.
#[derive(Serialize, ToSchema)]
pub struct RealNameReviewView {
    pub id: String,
    pub account_id: String,
    pub login_name: String,
    /// The subject as requested (`subject_type` and its fields, the identity number included).
    pub subject: RealNameSubject,
    pub reason: String,
    /// `pending`, `approved`, `rejected`.
    pub status: String,
    pub requested_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    pub comment: Option<String>,
}

impl RealNameReviewView {
    pub fn of(r: &RealNameReview) -> Self {
        RealNameReviewView {
            id: r.id.clone(),
            account_id: r.account_id.clone(),
            login_name: r.login_name.clone(),
            subject: r.subject.clone(),
            reason: r.reason.clone(),
            status: r.status.clone(),
            requested_at: r.requested_at.into(),
            decided_at: r.decided_at.map(Into::into),
            comment: r.comment.clone(),
        }
    }
}

/// `POST /v1/uscc-claims` (201): the claim, what to do next, and where its documents go.
#[derive(Serialize, ToSchema)]
pub struct FiledClaim {
    #[serde(flatten)]
    pub claim: UsccClaim,
    pub message: &'static str,
    pub documents_href: String,
}
