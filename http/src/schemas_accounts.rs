//! Response schemas of the enterprises' and recovery routes (accounts, sessions, real-name, password resets,
//! phone changes, USCC claims, messages, evidence, declarations' side routes, digital assessment, information
//! updates, re-reviews, change reports, catalogs, public and health routes), for the OpenAPI document. Like
//! `response_schemas.rs`, these structs describe what the handlers write; fields that may be absent or `null` are
//! `Option`s; no schema forbids extra members. Richer views whose members are still assembled as JSON by the
//! handlers (the enterprise profile, the advisor, an assessment) are described by their stable members only.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;
use utoipa::{PartialSchema, ToSchema};

use crate::response_schemas::AnyJson;
use crate::routes::RouteId;
use shared::services::evidence::Listed;
use shared::services::recovery_documents::{OnFile, SlotView};

/// `GET /v1/health/<function>`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct HealthAnswer {
    /// `ok`.
    pub status: String,
    pub function: String,
}

/// A phone change as its requester sees it (`POST /v1/phone-changes` adds `query_code` and `message`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PhoneChangeView {
    pub id: String,
    /// `email` or `manual`.
    pub method: String,
    /// `awaiting_code`, `pending_review`, `completed`, `rejected`.
    pub status: String,
    /// Masked.
    pub new_phone: String,
    pub requested_at: String,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
    /// Shown once, with the request: needed to read the request and file its documents.
    pub query_code: Option<String>,
    pub message: Option<String>,
}

/// A phone change as an operator sees it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OperatorPhoneChange {
    pub id: String,
    pub method: String,
    pub status: String,
    /// In full.
    pub new_phone: String,
    pub requested_at: String,
    pub decided_at: Option<String>,
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
    pub decided_by: Option<String>,
}

/// `GET /v1/admin/phone-changes`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OperatorPhoneChangePage {
    pub items: Vec<OperatorPhoneChange>,
    pub next_cursor: Option<String>,
}

/// `GET /v1/admin/phone-changes/{id}`: the request, its documents, what is on file for the account.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PhoneChangeReview {
    pub change: OperatorPhoneChange,
    /// `null` when the login named no account.
    pub on_file: Option<OnFile>,
    pub slots: Vec<SlotView>,
    pub documents: Vec<Listed>,
    pub missing_documents: Vec<String>,
}

/// A manual real-name check as an operator sees it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RealNameReviewView {
    pub id: String,
    pub account_id: String,
    pub login_name: String,
    /// The subject as requested (`subject_type` and its fields).
    #[schema(value_type = Object)]
    pub subject: AnyJson,
    pub reason: String,
    /// `pending`, `approved`, `rejected`.
    pub status: String,
    pub requested_at: String,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
}

/// `GET /v1/admin/real-name-reviews`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RealNameReviewPage {
    pub items: Vec<RealNameReviewView>,
    pub next_cursor: Option<String>,
}

/// `GET /v1/admin/uscc-claims`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UsccClaimPage {
    pub items: Vec<shared::services::uscc_claims::UsccClaim>,
    pub next_cursor: Option<String>,
}

/// `GET /v1/enterprise` and `PUT /v1/enterprise`: the stored profile (the members of `ProfileInput`), names of its
/// codes, the size class, the qualifications (with expiry and re-review state) and the version for `If-Match`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct EnterpriseView {
    pub region_name: Option<String>,
    /// The industry's path from section to class (`{code, name}` each).
    #[schema(value_type = Option<Vec<Object>>)]
    pub industry_path: Option<Vec<AnyJson>>,
    pub industry_name: Option<String>,
    /// `{class, label, category, basis, year}`, `null` while the figures are missing.
    #[schema(value_type = Option<Object>)]
    pub size: Option<AnyJson>,
    #[schema(value_type = Vec<Object>)]
    pub qualifications: Vec<AnyJson>,
    /// The tiers recognised now, in Chinese, or `未认定`.
    pub recognition: String,
    pub version: u64,
}

/// `GET /v1/enterprise/advice`: per tier, the conditions, the score and what is missing.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdviceView {
    pub rule_version: String,
    pub year: i32,
    /// `{class, label, basis}`, `null` while the figures are missing.
    #[schema(value_type = Option<Object>)]
    pub size: Option<AnyJson>,
    /// The latest self-assessed digital level (1–4), if any.
    pub digital_level: Option<u8>,
    /// One entry per tier: `tier, tier_label, prerequisites, profile_missing, digital_assessment_required,
    /// eligible, blockers, assessment`.
    #[schema(value_type = Vec<Object>)]
    pub tiers: Vec<AnyJson>,
}

/// `POST /v1/digital-assessments`, `GET /v1/digital-assessments/latest`: a digital-level self-assessment.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DigitalAssessmentView {
    pub id: String,
    pub assessed_at: String,
    /// The score, the level and the per-dimension breakdown.
    #[schema(value_type = Object)]
    pub result: AnyJson,
    #[schema(value_type = Object)]
    pub answers: AnyJson,
}

/// A yearly information update (信息更新).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct InfoUpdateView {
    pub id: String,
    pub uscc: String,
    pub enterprise_name: String,
    pub year: i32,
    /// `draft`, `submitted`, `returned`, `accepted`, `withdrawn`.
    pub status: String,
    pub status_label: Option<String>,
    pub region: String,
    #[schema(value_type = Object)]
    pub profile: AnyJson,
    pub comment: Option<String>,
    pub first_submitted_at: Option<String>,
    pub waiting_since: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: u64,
}

/// `GET /v1/info-updates`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct InfoUpdatePage {
    pub items: Vec<InfoUpdateView>,
    pub next_cursor: Option<String>,
}

/// A report of a major change (重大变化).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ChangeReportView {
    pub id: String,
    pub uscc: String,
    pub enterprise_name: String,
    pub kind: String,
    pub kind_label: String,
    /// China date.
    pub occurred_on: String,
    pub details: String,
    pub new_name: Option<String>,
    pub new_region: Option<String>,
    pub region: String,
    pub filed_on: String,
    pub late: bool,
    pub status: String,
    pub comment: Option<String>,
    pub waiting_since: String,
}

/// `GET /v1/change-reports`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ChangeReportPage {
    pub items: Vec<ChangeReportView>,
    pub next_cursor: Option<String>,
}

/// `GET /v1/public/verify-key`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VerifyKeyAnswer {
    /// `Ed25519`.
    pub algorithm: String,
    pub public_key_pem: String,
    pub public_key_base64: String,
    pub message_format: String,
    pub how_to_verify: String,
}

/// `GET /v1/openapi.json`: this document.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OpenApiDocument {
    pub openapi: String,
}

/// The response schema of the routes this file describes.
pub fn response_schema(id: RouteId) -> Option<&'static str> {
    use RouteId::*;
    Some(match id {
        Health(_) => "HealthAnswer",
        OpenApi => "OpenApiDocument",
        RequestPhoneChange | GetPhoneChange | ConfirmPhoneChange => "PhoneChangeView",
        ListPhoneChanges => "OperatorPhoneChangePage",
        DecidePhoneChange => "OperatorPhoneChange",
        GetPhoneChangeReview => "PhoneChangeReview",
        ListRealNameReviews => "RealNameReviewPage",
        DecideRealNameReview => "RealNameReviewView",
        CreateUsccClaim | GetUsccClaim | DecideUsccClaim => "UsccClaim",
        ListUsccClaims => "UsccClaimPage",
        GetUsccClaimReview => "ClaimReview",
        CreatePhoneChangeDocument | CreateClaimDocument => "UploadTicket",
        CompletePhoneChangeDocument | CompleteClaimDocument => "Evidence",
        ListPhoneChangeDocuments | ListClaimDocuments => "EvidenceList",
        GetEnterprise | PutEnterprise => "EnterpriseView",
        GetAdvice => "AdviceView",
        CreateDigitalAssessment | GetLatestDigitalAssessment => "DigitalAssessmentView",
        WithdrawDeclaration | CreateReReview | SaveReReview | SubmitReReview | WithdrawReReview => {
            "DeclarationView"
        }
        ListReReviews => "DeclarationPage",
        CreateInfoUpdate | SaveInfoUpdate | SubmitInfoUpdate | WithdrawInfoUpdate => {
            "InfoUpdateView"
        }
        ListInfoUpdates => "InfoUpdatePage",
        CreateChangeReport => "ChangeReportView",
        ListChangeReports => "ChangeReportPage",
        ReadMessage => "MessageView",
        VerifyKey => "VerifyKeyAnswer",
        _ => return None,
    })
}

/// The schemas [`response_schema`] names, with the ones they refer to.
pub fn schemas() -> Vec<(String, RefOr<Schema>)> {
    fn entry<T: ToSchema + PartialSchema>(all: &mut Vec<(String, RefOr<Schema>)>) {
        all.push((T::name().into_owned(), T::schema()));
        T::schemas(all);
    }
    let mut all = Vec::new();
    entry::<HealthAnswer>(&mut all);
    entry::<OpenApiDocument>(&mut all);
    entry::<PhoneChangeView>(&mut all);
    entry::<OperatorPhoneChange>(&mut all);
    entry::<OperatorPhoneChangePage>(&mut all);
    entry::<PhoneChangeReview>(&mut all);
    entry::<OnFile>(&mut all);
    entry::<SlotView>(&mut all);
    entry::<Listed>(&mut all);
    entry::<RealNameReviewView>(&mut all);
    entry::<RealNameReviewPage>(&mut all);
    entry::<shared::services::uscc_claims::UsccClaim>(&mut all);
    entry::<shared::services::uscc_claims::IdentityFinding>(&mut all);
    entry::<UsccClaimPage>(&mut all);
    entry::<shared::services::uscc_claims::ClaimReview>(&mut all);
    entry::<EnterpriseView>(&mut all);
    entry::<AdviceView>(&mut all);
    entry::<DigitalAssessmentView>(&mut all);
    entry::<InfoUpdateView>(&mut all);
    entry::<InfoUpdatePage>(&mut all);
    entry::<ChangeReportView>(&mut all);
    entry::<ChangeReportPage>(&mut all);
    entry::<shared::services::messages::MessageView>(&mut all);
    entry::<VerifyKeyAnswer>(&mut all);
    all
}
