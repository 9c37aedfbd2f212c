//! Response schemas of the officials' and operators' routes (the workbench screens), and of the re-review routes
//! (declaration views). Descriptions only, like `response_schemas.rs`: each struct says what its handler in
//! `functions/review` (or `functions/declare`) writes; the browser walks validate real answers against them.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;
use utoipa::{PartialSchema, ToSchema};

use shared::domain::principal::Level;
use shared::domain::qualification::QualificationStatus;
use shared::domain::tier::Tier;
use shared::rules::tiers::Assessment;
use shared::services::records::Summary;

/// One item waiting in `GET /v1/admin/queue`: the queue entry of a declaration or re-review (the members of
/// `Summary`), a yearly update or a change report, with how long it has waited.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct QueueEntry {
    pub id: String,
    /// `declaration`, `re_review`, `info_update` or `change_report`.
    pub kind: String,
    pub uscc: String,
    pub enterprise_name: String,
    /// Six-digit region code of the enterprise.
    pub region: String,
    /// `submitted`, `under_review` or `publicity`.
    pub status: String,
    /// The level it waits at (`county`, `city`, `province`, `ministry`).
    pub level: Option<String>,
    /// RFC 3339, UTC: since when it waits at this level.
    pub waiting_since: String,
    /// Whole 24-hour periods waited.
    pub waited_days: i64,
    pub waited_hours: i64,
    /// Declarations and re-reviews.
    pub tier: Option<Tier>,
    /// Declarations, re-reviews and yearly updates.
    pub year: Option<i32>,
    /// GB/T 4754 class code (declarations and re-reviews, when the profile names one).
    pub industry: Option<String>,
    pub publicity_id: Option<String>,
    pub submissions: Option<u32>,
    /// Change reports: `rename`, `merger`, `restructure`, `relocation`, `overseas_branch`.
    pub change_kind: Option<String>,
    /// Change reports: reported later than three months after the change.
    pub late: Option<bool>,
}

/// `GET /v1/admin/queue`: oldest first.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct QueuePage {
    pub items: Vec<QueueEntry>,
    pub next_cursor: Option<String>,
}

/// `GET /v1/admin/windows`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct WindowPage {
    pub items: Vec<shared::services::windows::Window>,
    pub next_cursor: Option<String>,
}

/// `GET /v1/admin/publicity`: the caller's lists, newest first.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PublicityPage {
    pub items: Vec<shared::services::publicity::PublicityList>,
    pub next_cursor: Option<String>,
}

/// `POST /v1/admin/officials` (201).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CreatedOfficial {
    pub account_id: String,
    pub login_name: String,
    pub level: Level,
    /// Six-digit region code; `null` for the ministry.
    pub region: Option<String>,
    /// Its names from the province down (`浙江省 / 杭州市 / 西湖区`); `null` for the ministry.
    pub region_name: Option<String>,
}

/// A qualification as officials see it on the enterprise view.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdminQualification {
    pub tier: Tier,
    pub tier_label: String,
    /// Today's standing (China date).
    pub status: QualificationStatus,
    pub valid_from: String,
    pub valid_until: String,
}

/// The enterprise's size class (中小企业划型) by last year's figures.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SizeClassView {
    /// `medium`, `small`, `micro` or `not_sme` (at or above the ceiling).
    pub class: String,
    /// 中型 / 小型 / 微型, or the label of a large enterprise.
    pub label: String,
    /// The size standard's industry category.
    pub category: String,
    /// The year of the figures used.
    pub year: i32,
}

/// `GET /v1/admin/enterprises/{uscc}`: the stored profile, its qualifications and its declarations (newest first,
/// drafts left out).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdminEnterpriseView {
    pub uscc: String,
    /// The profile as the enterprise saved it.
    pub profile: shared::domain::enterprise::EnterpriseProfile,
    pub region_name: Option<String>,
    pub industry_name: Option<String>,
    /// The SME size class from last year's figures (`null` without industry or figures).
    pub size: Option<SizeClassView>,
    pub qualifications: Vec<AdminQualification>,
    pub declarations: Vec<Summary>,
}

/// `POST /v1/admin/enterprises/{uscc}/revocation`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RevocationResult {
    pub uscc: String,
    pub tier: Tier,
    pub status: QualificationStatus,
    /// China date.
    pub revoked_on: String,
    pub reason: Option<String>,
    /// The tier may not be declared again before this China date.
    pub banned_until: String,
}

/// Who a manual real-name review is about (the subject the account claimed).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ClaimedSubject {
    /// `legal_person` or `natural_person`.
    pub subject_type: String,
    pub uscc: Option<String>,
    pub enterprise_name: Option<String>,
    pub legal_representative: Option<String>,
    pub id_number: Option<String>,
    /// The USCC's check character did not verify: the operator looks at it.
    pub uscc_check_warning: Option<bool>,
    /// A natural person's name.
    pub name: Option<String>,
}

// ---- the enterprise's own views (issue 9: they were hand-typed in web/src/api/views.ts) ----------------------------

/// The enterprise's size class as the advisor and its profile show it.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct OwnSize {
    /// `medium`, `small`, `micro` or `not_sme`.
    pub class: shared::rules::sme_size::SizeClass,
    pub label: String,
    /// Why (the size standard's reasoning, in Chinese).
    pub basis: String,
    /// The standard's industry category (profile only).
    pub category: Option<String>,
    /// The year of the figures used (profile only).
    pub year: Option<i32>,
}

/// How a held qualification stands for re-review (`GET /v1/enterprise` only).
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct ReReviewStanding {
    /// A provincial official marked 满足复核条件 for this tier.
    pub eligible_flag: bool,
    /// Yearly updates missed (each forfeits the re-review).
    pub missed_update_years: Vec<i32>,
    pub forfeited: bool,
}

/// A qualification on the enterprise's profile (图21, 图23).
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct OwnQualification {
    pub tier: Tier,
    pub tier_label: String,
    pub status: QualificationStatus,
    /// China dates.
    pub valid_from: String,
    pub valid_until: String,
    /// The publicity list (or import) it came from.
    pub source_id: Option<String>,
    pub revoked_on: Option<String>,
    pub revocation_reason: Option<String>,
    /// `GET` only.
    pub days_to_expiry: Option<i64>,
    /// `GET` only.
    pub re_review: Option<ReReviewStanding>,
}

/// `GET /v1/enterprise` · `PUT /v1/enterprise`: the stored profile with derived members.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct EnterpriseView {
    #[serde(flatten)]
    pub profile: shared::domain::enterprise::EnterpriseProfile,
    pub region_name: Option<String>,
    pub industry_path: Vec<shared::domain::enterprise::IndustryStep>,
    pub industry_name: Option<String>,
    pub size: Option<OwnSize>,
    pub qualifications: Vec<OwnQualification>,
    /// The valid tiers' names joined by `、`, or `未认定`.
    pub recognition: String,
    pub version: u64,
}

/// A tier the advisor needs first.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct AdvicePrerequisite {
    pub tier: Tier,
    pub label: String,
    pub held: bool,
}

/// What a submission would refuse (`NOT_SME`, `PREREQUISITE_MISSING`, `DECLARATION_BANNED`).
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct AdviceBlocker {
    pub code: String,
    pub detail: String,
}

/// The advisor's finding for one tier.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct AdviceTier {
    pub tier: Tier,
    pub tier_label: String,
    pub prerequisites: Vec<AdvicePrerequisite>,
    /// Profile members still missing (`financials[year=2025]`, `ip`, …).
    pub profile_missing: Vec<String>,
    pub digital_assessment_required: bool,
    pub eligible: bool,
    pub blockers: Vec<AdviceBlocker>,
    pub assessment: Assessment,
}

/// `GET /v1/enterprise/advice`.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct Advice {
    pub rule_version: String,
    /// The platform's year (China).
    pub year: i32,
    pub size: Option<OwnSize>,
    pub digital_level: Option<u8>,
    pub tiers: Vec<AdviceTier>,
}

/// `POST /v1/digital-assessments` (201) · `GET /v1/digital-assessments/latest`.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct DigitalAssessmentRecord {
    pub id: String,
    pub assessed_at: String,
    pub result: shared::rules::digital::DigitalResult,
    /// The answers by question id.
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
}

/// A yearly information update (年度信息更新) with its version.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct InfoUpdateView {
    #[serde(flatten)]
    pub update: shared::services::info_updates::InfoUpdate,
    /// Left out by the officials' decision answer.
    pub status_label: Option<String>,
    pub version: u64,
}

/// `GET /v1/info-updates`.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct InfoUpdatePage {
    pub items: Vec<InfoUpdateView>,
    pub next_cursor: Option<String>,
}

/// A major-change report (重大变更) with its kind's Chinese name.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct ChangeReportView {
    #[serde(flatten)]
    pub report: shared::services::change_reports::ChangeReport,
    pub kind_label: String,
}

/// `GET /v1/change-reports`.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct ChangeReportPage {
    pub items: Vec<ChangeReportView>,
    pub next_cursor: Option<String>,
}

/// What an import of earlier recognitions did (`POST /v1/admin/recognitions/import`).
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
pub struct ImportResult {
    pub import_id: String,
    /// Rows in the request.
    pub rows: u32,
    /// Rows recorded now.
    pub imported: u32,
    /// Rows already recorded by an earlier import (the import is idempotent).
    pub unchanged: u32,
}

/// The response schema of a workbench route (a name under `components.schemas`).
pub fn response_schema(id: crate::routes::RouteId) -> Option<&'static str> {
    use crate::routes::RouteId::*;
    Some(match id {
        Queue => "QueuePage",
        ImportRecognitions => "ImportResult",
        ListWindows => "WindowPage",
        CreateWindow | ChangeWindow => "Window",
        CreateOfficial => "CreatedOfficial",
        StartReview | DecideDeclaration | ObjectPublicity | DecideReReview => "DeclarationView",
        CreateReReview | SaveReReview | SubmitReReview => "DeclarationView",
        ListReReviews => "DeclarationPage",
        PublishPublicity | GetPublicity | ClosePublicity => "PublicityList",
        ListPublicity => "PublicityPage",
        AdminEnterprise => "AdminEnterpriseView",
        Statistics => "Statistics",
        Revoke => "RevocationResult",
        ReReviewEligibility => "Eligibility",
        ListPhoneChanges => "OperatorPhoneChangePage",
        DecidePhoneChange => "OperatorPhoneChange",
        ListRealNameReviews => "RealNameReviewPage",
        DecideRealNameReview => "RealNameReviewView",
        GetEnterprise | PutEnterprise => "EnterpriseView",
        GetAdvice => "Advice",
        CreateDigitalAssessment | GetLatestDigitalAssessment => "DigitalAssessmentRecord",
        CreateInfoUpdate | SaveInfoUpdate | SubmitInfoUpdate | DecideInfoUpdate => "InfoUpdateView",
        ListInfoUpdates => "InfoUpdatePage",
        CreateChangeReport | DecideChangeReport => "ChangeReportView",
        ListChangeReports => "ChangeReportPage",
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
    entry::<QueuePage>(&mut all);
    entry::<ImportResult>(&mut all);
    entry::<WindowPage>(&mut all);
    entry::<shared::services::windows::Window>(&mut all);
    entry::<CreatedOfficial>(&mut all);
    entry::<shared::services::publicity::PublicityList>(&mut all);
    entry::<PublicityPage>(&mut all);
    entry::<AdminEnterpriseView>(&mut all);
    entry::<shared::services::statistics::Statistics>(&mut all);
    entry::<RevocationResult>(&mut all);
    entry::<shared::services::rereviews::Eligibility>(&mut all);
    entry::<EnterpriseView>(&mut all);
    entry::<Advice>(&mut all);
    entry::<DigitalAssessmentRecord>(&mut all);
    entry::<InfoUpdateView>(&mut all);
    entry::<InfoUpdatePage>(&mut all);
    entry::<ChangeReportView>(&mut all);
    entry::<ChangeReportPage>(&mut all);
    all
}
