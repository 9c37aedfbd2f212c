//! What officials and operators see on the workbench: the review queue, a created official, an enterprise with
//! its qualifications and declarations, and a revocation. Typed, built from domain data, and what the handlers
//! of the review function serialise (the OpenAPI schemas are derived from the same structs).

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::domain::account::Account;
use crate::domain::enterprise::EnterpriseProfile;
use crate::domain::principal::Level;
use crate::domain::qualification::{Qualification, QualificationStatus, three_years_from};
use crate::domain::tier::Tier;
use crate::domain::timestamp::Timestamp;
use crate::rules::sme_size::{SizeAssessment, SizeClass};
use crate::services::change_reports::ChangeKind;
use crate::services::records::Summary;

/// What a queue entry stores of the record waiting (`sk = QUEUE` beside the record): the members of
/// `Summary` for declarations and re-reviews, fewer for yearly updates and change reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuedRecord {
    pub id: String,
    pub uscc: String,
    pub enterprise_name: String,
    /// Six-digit region code of the enterprise.
    pub region: String,
    /// `submitted`, `under_review` or `publicity`.
    pub status: String,
    /// The level it waits at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Since when it waits at this level.
    pub waiting_since: Timestamp,
    /// Declarations and re-reviews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    /// Declarations, re-reviews and yearly updates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// GB/T 4754 class code (declarations and re-reviews, when the profile names one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicity_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submissions: Option<u32>,
    /// Change reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_kind: Option<ChangeKind>,
    /// Change reports: reported later than three months after the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late: Option<bool>,
}

/// One item waiting in `GET /v1/admin/queue`: the queue entry of a declaration or re-review, a yearly update or
/// a change report, with how long it has waited.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueEntry {
    #[serde(flatten)]
    pub entry: QueuedRecord,
    /// `declaration`, `re_review`, `info_update` or `change_report`.
    pub kind: String,
    /// Whole 24-hour periods waited.
    pub waited_days: i64,
    pub waited_hours: i64,
}

impl QueueEntry {
    /// The entry of the queue of `kind` as it stands at `now`.
    pub fn new(entry: QueuedRecord, kind: &str, now: OffsetDateTime) -> Self {
        let waited = now - entry.waiting_since.0;
        QueueEntry {
            entry,
            kind: kind.to_owned(),
            waited_days: waited.whole_days(),
            waited_hours: waited.whole_hours(),
        }
    }
}

/// `POST /v1/admin/officials` (201).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedOfficial {
    pub account_id: String,
    pub login_name: String,
    pub level: Level,
    /// Six-digit region code; `null` for the ministry.
    pub region: Option<String>,
    /// Its names from the province down (`浙江省 杭州市 西湖区`); `null` for the ministry.
    pub region_name: Option<String>,
}

impl CreatedOfficial {
    pub fn of(account: &Account, level: Level) -> Self {
        let region = account.official.as_ref().and_then(|o| o.region.clone());
        CreatedOfficial {
            account_id: account.id.clone(),
            login_name: account.login_name.clone(),
            level,
            region_name: region_name_of(region.as_deref()),
            region,
        }
    }
}

/// The full name of a region code (`None` for none or an unknown code).
pub fn region_name_of(code: Option<&str>) -> Option<String> {
    code.and_then(|r| crate::rules::region::RegionCode::parse(r).ok())
        .map(|r| r.full_name())
}

/// A qualification as officials see it on the enterprise view.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminQualification {
    pub tier: Tier,
    pub tier_label: String,
    /// Today's standing (China date).
    pub status: QualificationStatus,
    pub valid_from: String,
    pub valid_until: String,
}

impl AdminQualification {
    pub fn of(q: &Qualification, today: Date) -> Self {
        AdminQualification {
            tier: q.tier,
            tier_label: q.tier.label().to_owned(),
            status: q.status_on(today),
            valid_from: q.valid_from.to_string(),
            valid_until: q.valid_until.to_string(),
        }
    }
}

/// The enterprise's size class (中小企业划型) by last year's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SizeClassView {
    /// `medium`, `small`, `micro` or `not_sme` (at or above the ceiling).
    pub class: SizeClass,
    /// 中型 / 小型 / 微型, or the label of a large enterprise.
    pub label: String,
    /// The size standard's industry category.
    pub category: String,
    /// The year of the figures used.
    pub year: i32,
}

impl SizeClassView {
    pub fn of(s: &SizeAssessment, figures_year: i32) -> Self {
        SizeClassView {
            class: s.class,
            label: s.class.label().to_owned(),
            category: s.category.label().to_owned(),
            year: figures_year,
        }
    }
}

/// `GET /v1/admin/enterprises/{uscc}`: the stored profile, its qualifications and its declarations (newest first,
/// drafts left out).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminEnterpriseView {
    pub uscc: String,
    /// The profile as the enterprise saved it.
    pub profile: EnterpriseProfile,
    pub region_name: Option<String>,
    pub industry_name: Option<String>,
    /// The SME size class from last year's figures (`null` without industry or figures).
    pub size: Option<SizeClassView>,
    pub qualifications: Vec<AdminQualification>,
    pub declarations: Vec<Summary>,
}

/// `POST /v1/admin/enterprises/{uscc}/revocation`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl RevocationResult {
    /// The revoked qualification `q` of `uscc`, revoked on `today` (China date).
    pub fn of(uscc: &str, q: &Qualification, today: Date) -> Self {
        RevocationResult {
            uscc: uscc.to_owned(),
            tier: q.tier,
            status: q.status_on(today),
            revoked_on: today.to_string(),
            reason: q.revocation_reason.clone(),
            banned_until: three_years_from(today).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    #[test]
    fn a_queue_entry_reads_every_kind_of_stored_entry_and_writes_back_only_its_members() {
        let now = datetime!(2026-05-12 04:30 UTC);
        for stored in [
            json!({"kind": "info_update", "id": "U1", "uscc": "U", "enterprise_name": "甲", "year": 2026,
                   "region": "330106", "status": "submitted", "level": "county",
                   "waiting_since": "2026-05-10T02:00:00Z", "submissions": 1}),
            json!({"kind": "change_report", "id": "C1", "uscc": "U", "enterprise_name": "甲",
                   "change_kind": "rename", "late": false, "region": "330106", "status": "submitted",
                   "level": "county", "waiting_since": "2026-05-10T02:00:00Z"}),
            json!({"id": "D1", "kind": "declaration", "uscc": "U", "enterprise_name": "甲", "tier": "innovative",
                   "year": 2026, "region": "330106", "industry": "3741", "status": "under_review",
                   "level": "county", "waiting_since": "2026-05-10T02:00:00Z", "submissions": 2}),
        ] {
            let kind = stored["kind"].as_str().unwrap().to_owned();
            let entry: QueuedRecord = serde_json::from_value(stored.clone()).unwrap();
            let shown = serde_json::to_value(QueueEntry::new(entry, &kind, now)).unwrap();
            let mut expected = stored.clone();
            expected["waited_days"] = json!(2);
            expected["waited_hours"] = json!(50);
            assert_eq!(shown, expected);
        }
    }
}
