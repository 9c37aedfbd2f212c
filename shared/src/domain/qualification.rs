//! A qualification (资质): a tier recognised for an enterprise, valid from a date for three years (RULES.md §1.9).
//! Its displayed status follows the clock: valid until `valid_until` (inclusive, China dates), then expired;
//! a revocation ends it at once.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::tier::Tier;

/// How a qualification stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QualificationStatus {
    /// 有效.
    Valid,
    /// 已过期.
    Expired,
    /// 已撤销.
    Revoked,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Qualification {
    pub tier: Tier,
    #[serde(with = "crate::domain::enterprise::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_from: Date,
    /// The last valid day: three years from `valid_from`, minus one day.
    #[serde(with = "crate::domain::enterprise::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_until: Date,
    /// The declaration (or re-review) it came from.
    pub source_id: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::enterprise::iso_date::option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub revoked_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
}

/// `valid_from` + 3 years − 1 day (2025-11-08 → 2028-11-07, RULES.md §1.9). 29 February falls back to the 28th.
pub fn three_years_from(valid_from: Date) -> Date {
    let year = valid_from.year() + 3;
    let anniversary = Date::from_calendar_date(year, valid_from.month(), valid_from.day())
        .or_else(|_| Date::from_calendar_date(year, valid_from.month(), 28))
        .unwrap_or(valid_from);
    anniversary.previous_day().unwrap_or(anniversary)
}

impl Qualification {
    pub fn new(tier: Tier, valid_from: Date, source_id: String) -> Qualification {
        Qualification {
            tier,
            valid_from,
            valid_until: three_years_from(valid_from),
            source_id,
            revoked_on: None,
            revocation_reason: None,
        }
    }

    /// The status on `today` (a China date).
    pub fn status_on(&self, today: Date) -> QualificationStatus {
        if self.revoked_on.is_some_and(|d| d <= today) {
            QualificationStatus::Revoked
        } else if today > self.valid_until {
            QualificationStatus::Expired
        } else {
            QualificationStatus::Valid
        }
    }

    pub fn is_valid_on(&self, today: Date) -> bool {
        self.valid_from <= today && self.status_on(today) == QualificationStatus::Valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn validity_runs_three_years_less_a_day_and_then_expires() {
        let q = Qualification::new(Tier::Specialized, date!(2025 - 11 - 08), "D".into());
        assert_eq!(q.valid_until, date!(2028 - 11 - 07));
        assert!(q.is_valid_on(date!(2028 - 11 - 07)));
        assert_eq!(
            q.status_on(date!(2028 - 11 - 08)),
            QualificationStatus::Expired
        );
        assert!(!q.is_valid_on(date!(2025 - 11 - 07)));
        assert_eq!(
            three_years_from(date!(2024 - 02 - 29)),
            date!(2027 - 02 - 27)
        );
    }

    #[test]
    fn a_revoked_qualification_is_not_valid_from_the_revocation_day() {
        let mut q = Qualification::new(Tier::Innovative, date!(2025 - 01 - 01), "D".into());
        q.revoked_on = Some(date!(2026 - 03 - 01));
        assert!(q.is_valid_on(date!(2026 - 02 - 28)));
        assert_eq!(
            q.status_on(date!(2026 - 03 - 01)),
            QualificationStatus::Revoked
        );
    }
}
