//! Response schemas of the officials' and operators' routes (the workbench screens), and of the re-review routes
//! (declaration views). Descriptions only, like `response_schemas.rs`: each struct says what its handler in
//! `functions/review` (or `functions/declare`) writes; the browser walks validate real answers against them.

use utoipa::ToSchema;

use shared::domain::principal::Level;
use shared::domain::qualification::QualificationStatus;
use shared::domain::tier::Tier;
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

/// `POST /v1/admin/officials` (201).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CreatedOfficial {
    pub account_id: String,
    pub login_name: String,
    pub level: Level,
    /// Six-digit region code; `null` for the ministry.
    pub region: Option<String>,
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
