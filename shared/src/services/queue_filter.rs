//! The 待办 queue's narrowing by sub-region and industry (`GET /v1/admin/queue?region=&industry=`), applied while
//! paging like the tier and status filters, so pages still never overlap or skip.

use crate::error::{AppError, AppResult};
use crate::rules::industry::{self, IndustryCode};
use crate::rules::region::RegionCode;

/// What the queue keeps besides its tier and status filters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlaceFilter {
    /// Entries registered in this division (a province, city or county).
    region: Option<RegionCode>,
    /// Entries in this industry node: a GB/T 4754 section letter (`C`) or a 2-, 3- or 4-digit code (`37`, `3741`).
    industry: Option<String>,
}

impl PlaceFilter {
    /// Parse the raw query values (blank means no filter); bad values are 422 with the parameter as the field.
    pub fn parse(region: Option<&str>, industry: Option<&str>) -> AppResult<PlaceFilter> {
        let region = match region.map(str::trim).filter(|r| !r.is_empty()) {
            None => None,
            Some(raw) => Some(
                RegionCode::parse(raw)
                    .map_err(|e| AppError::field("region", e.code(), e.to_string()))?,
            ),
        };
        let industry = match industry.map(str::trim).filter(|i| !i.is_empty()) {
            None => None,
            Some(raw) => {
                let code = raw.to_ascii_uppercase();
                if industry::lookup(&code).is_none() {
                    return Err(AppError::field(
                        "industry",
                        "INVALID_INDUSTRY",
                        format!("行业代码 {raw} 不存在"),
                    ));
                }
                Some(code)
            }
        };
        Ok(PlaceFilter { region, industry })
    }

    /// Whether a queue entry (its `region` and `industry` members) passes.
    pub fn matches(&self, entry_region: &str, entry_industry: Option<&str>) -> bool {
        if let Some(region) = self.region {
            let inside = RegionCode::parse(entry_region)
                .ok()
                .is_some_and(|r| region.contains(&r));
            if !inside {
                return false;
            }
        }
        if let Some(node) = &self.industry {
            let Some(class) = entry_industry.and_then(|i| IndustryCode::parse(i).ok()) else {
                return false;
            };
            let inside = if node.chars().all(|c| c.is_ascii_digit()) {
                class.as_str().starts_with(node.as_str())
            } else {
                node.starts_with(class.section_letter())
            };
            if !inside {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn no_filter_lets_everything_through() {
        let f = PlaceFilter::parse(None, Some(" ")).unwrap();
        assert!(f.matches("330106", None));
    }

    #[test]
    fn a_region_keeps_the_entries_inside_it() {
        let city = PlaceFilter::parse(Some("330100"), None).unwrap();
        assert!(city.matches("330106", None));
        assert!(!city.matches("330203", None));
        let county = PlaceFilter::parse(Some("330106"), None).unwrap();
        assert!(county.matches("330106", None));
        assert!(!county.matches("330102", None));
    }

    #[test]
    fn an_industry_is_a_section_letter_or_a_code_prefix() {
        let section = PlaceFilter::parse(None, Some("c")).unwrap();
        assert!(section.matches("330106", Some("3741")));
        assert!(!section.matches("330106", Some("6511")));
        assert!(!section.matches("330106", None));
        let division = PlaceFilter::parse(None, Some("37")).unwrap();
        assert!(division.matches("330106", Some("3741")));
        assert!(!division.matches("330106", Some("3811")));
    }

    #[test]
    fn unknown_codes_are_field_errors() {
        let e = PlaceFilter::parse(Some("999999"), None).unwrap_err();
        assert_eq!(e.errors[0].field, "region");
        let e = PlaceFilter::parse(None, Some("99x")).unwrap_err();
        assert_eq!(e.errors[0].field, "industry");
    }
}
