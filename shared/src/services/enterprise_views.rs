//! The enterprise's own views of its profile and of the advisor (`GET`/`PUT /v1/enterprise`,
//! `GET /v1/enterprise/advice`): typed, built from domain data by pure functions, and what the handlers
//! serialise (the OpenAPI schemas are derived from the same structs).

use serde::Serialize;
use time::Date;

use crate::domain::enterprise::{EnterpriseProfile, IndustryStep};
use crate::domain::qualification::{Qualification, QualificationStatus};
use crate::domain::tier::Tier;
use crate::rules::sme_size::{SizeAssessment, SizeClass};
use crate::rules::tiers::Assessment;

/// The enterprise's size class as the advisor and its profile show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnSize {
    /// `medium`, `small`, `micro` or `not_sme`.
    pub class: SizeClass,
    pub label: String,
    /// Why (the size standard's reasoning, in Chinese).
    pub basis: String,
    /// The standard's industry category (profile only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The year of the figures used (profile only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

impl OwnSize {
    /// As the advisor shows it: class, label and reason.
    pub fn brief(s: &SizeAssessment) -> Self {
        OwnSize {
            class: s.class,
            label: s.class.label().to_owned(),
            basis: s.basis.clone(),
            category: None,
            year: None,
        }
    }

    /// As the profile shows it: with the standard's category and the year of the figures.
    pub fn of_year(s: &SizeAssessment, figures_year: i32) -> Self {
        OwnSize {
            category: Some(s.category.label().to_owned()),
            year: Some(figures_year),
            ..OwnSize::brief(s)
        }
    }
}

/// How a held qualification stands for re-review (`GET /v1/enterprise` only).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReReviewStanding {
    /// A provincial official marked 满足复核条件 for this tier.
    pub eligible_flag: bool,
    /// Yearly updates missed (each forfeits the re-review).
    pub missed_update_years: Vec<i32>,
    pub forfeited: bool,
}

/// A qualification on the enterprise's profile (图21, 图23).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnQualification {
    pub tier: Tier,
    pub tier_label: String,
    pub status: QualificationStatus,
    /// China dates.
    pub valid_from: String,
    pub valid_until: String,
    /// The publicity list (or import) it came from.
    pub source_id: String,
    pub revoked_on: Option<String>,
    pub revocation_reason: Option<String>,
    /// `GET` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_to_expiry: Option<i64>,
    /// `GET` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub re_review: Option<ReReviewStanding>,
}

impl OwnQualification {
    /// The qualification as it stands on `today` (China date), without the expiry and re-review members.
    pub fn of(q: &Qualification, today: Date) -> Self {
        OwnQualification {
            tier: q.tier,
            tier_label: q.tier.label().to_owned(),
            status: q.status_on(today),
            valid_from: q.valid_from.to_string(),
            valid_until: q.valid_until.to_string(),
            source_id: q.source_id.clone(),
            revoked_on: q.revoked_on.map(|d| d.to_string()),
            revocation_reason: q.revocation_reason.clone(),
            days_to_expiry: None,
            re_review: None,
        }
    }

    /// With the days left until expiry and how the tier stands for re-review (`GET /v1/enterprise`).
    pub fn with_standing(
        mut self,
        q: &Qualification,
        today: Date,
        eligible_flag: bool,
        missed_update_years: Vec<i32>,
    ) -> Self {
        self.days_to_expiry = Some((q.valid_until - today).whole_days());
        self.re_review = Some(ReReviewStanding {
            eligible_flag,
            forfeited: !missed_update_years.is_empty(),
            missed_update_years,
        });
        self
    }
}

/// `GET /v1/enterprise` · `PUT /v1/enterprise`: the stored profile with derived members.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnterpriseView {
    #[serde(flatten)]
    pub profile: EnterpriseProfile,
    pub region_name: Option<String>,
    pub industry_path: Vec<IndustryStep>,
    pub industry_name: Option<String>,
    pub size: Option<OwnSize>,
    pub qualifications: Vec<OwnQualification>,
    /// The valid tiers' names joined by `、`, or `未认定`.
    pub recognition: String,
    pub version: u64,
}

impl EnterpriseView {
    /// The profile (at `version`) with its names, its size class by last year's figures, and its
    /// qualifications as they stand on `today` (China date).
    pub fn new(
        profile: EnterpriseProfile,
        version: u64,
        size: Option<&SizeAssessment>,
        today: Date,
        quals: &[Qualification],
    ) -> Self {
        let names = profile.view();
        let valid: Vec<&str> = quals
            .iter()
            .filter(|q| q.is_valid_on(today))
            .map(|q| q.tier.label())
            .collect();
        EnterpriseView {
            region_name: names.region_name,
            industry_path: names.industry_path,
            industry_name: names.industry_name,
            size: size.map(|s| OwnSize::of_year(s, today.year() - 1)),
            qualifications: quals
                .iter()
                .map(|q| OwnQualification::of(q, today))
                .collect(),
            recognition: if valid.is_empty() {
                "未认定".to_owned()
            } else {
                valid.join("、")
            },
            version,
            profile,
        }
    }
}

/// A tier the advisor needs first.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdvicePrerequisite {
    pub tier: Tier,
    pub label: String,
    pub held: bool,
}

/// What a submission would refuse (`NOT_SME`, `PREREQUISITE_MISSING`, `DECLARATION_BANNED`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdviceBlocker {
    pub code: String,
    pub detail: String,
}

/// The advisor's finding for one tier.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Advice {
    pub rule_version: String,
    /// The platform's year (China).
    pub year: i32,
    pub size: Option<OwnSize>,
    pub digital_level: Option<u8>,
    pub tiers: Vec<AdviceTier>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::sme_size::SizeCategory;
    use serde_json::json;
    use time::macros::date;

    fn qualification(valid_from: Date) -> Qualification {
        Qualification {
            tier: Tier::Innovative,
            valid_from,
            valid_until: crate::domain::qualification::three_years_from(valid_from),
            source_id: "PUB1".into(),
            revoked_on: None,
            revocation_reason: None,
        }
    }

    #[test]
    fn the_profile_view_writes_the_profile_flat_with_its_derived_members() {
        let today = date!(2026 - 05 - 10);
        let size = SizeAssessment {
            category: SizeCategory::Industry,
            class: SizeClass::Small,
            basis: "工业".into(),
        };
        let profile = EnterpriseProfile::new("甲公司", "91330106MA2B3C4D5E");
        let quals = [qualification(date!(2025 - 11 - 08))];
        let v = serde_json::to_value(EnterpriseView::new(profile, 3, Some(&size), today, &quals))
            .unwrap();
        assert_eq!(v["name"], "甲公司");
        assert_eq!(v["version"], 3);
        assert_eq!(v["recognition"], "创新型中小企业");
        assert_eq!(
            v["size"],
            json!({"class": "small", "label": "小型", "category": "工业", "basis": "工业", "year": 2025})
        );
        let q = &v["qualifications"][0];
        assert_eq!(q["valid_until"], "2028-11-07");
        assert!(q["revoked_on"].is_null());
        assert!(q.get("days_to_expiry").is_none() && q.get("re_review").is_none());
    }

    #[test]
    fn the_standing_adds_the_days_to_expiry_and_the_re_review_state() {
        let today = date!(2026 - 05 - 10);
        let q = qualification(date!(2025 - 11 - 08));
        let v = serde_json::to_value(OwnQualification::of(&q, today).with_standing(
            &q,
            today,
            true,
            vec![2026],
        ))
        .unwrap();
        assert_eq!(v["days_to_expiry"], 912);
        assert_eq!(
            v["re_review"],
            json!({"eligible_flag": true, "missed_update_years": [2026], "forfeited": true})
        );
    }

    #[test]
    fn the_advisor_size_leaves_out_the_category_and_the_year() {
        let size = SizeAssessment {
            category: SizeCategory::Industry,
            class: SizeClass::Medium,
            basis: "b".into(),
        };
        assert_eq!(
            serde_json::to_value(OwnSize::brief(&size)).unwrap(),
            json!({"class": "medium", "label": "中型", "basis": "b"})
        );
    }
}
