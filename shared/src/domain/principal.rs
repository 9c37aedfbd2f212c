//! Who is calling: the role and scope a session token carries. Authorisation decisions are made in the domain
//! services from this value, never only in routing.

use serde::{Deserialize, Serialize};

/// The role of an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Registered, not yet real-name verified (or verification pending).
    Unverified,
    /// Verified legal person (法人): may declare.
    Enterprise,
    /// Verified natural person (自然人): may not declare, may not log in with a USCC.
    NaturalPerson,
    /// Government official (主管部门) at a level and region.
    Official,
    /// Platform operator (人工核验 and administration).
    Operator,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Unverified => "未实名认证账户",
            Role::Enterprise => "法人账户",
            Role::NaturalPerson => "自然人账户",
            Role::Official => "主管部门",
            Role::Operator => "平台运维",
        }
    }
}

/// An official's administrative level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    County,
    City,
    Province,
    Ministry,
}

/// The authenticated caller of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub account_id: String,
    pub role: Role,
    /// The verified USCC of an enterprise account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uscc: Option<String>,
    /// An official's level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// An official's region (GB/T 2260, 6 digits); none for the ministry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl Principal {
    pub fn is_operator(&self) -> bool {
        self.role == Role::Operator
    }

    /// An official whose jurisdiction contains `region` (county = the exact code, city = its 4-digit prefix,
    /// province = its 2-digit prefix, ministry = everywhere). Never true for other roles.
    pub fn has_jurisdiction_over(&self, region: &crate::rules::region::RegionCode) -> bool {
        if self.role != Role::Official {
            return false;
        }
        match (self.level, self.region.as_deref()) {
            (Some(Level::Ministry), _) => true,
            (Some(level), Some(own)) => {
                let own = own.trim();
                let code = format!("{:06}", region.value());
                let digits = match level {
                    Level::County => 6,
                    Level::City => 4,
                    Level::Province => 2,
                    Level::Ministry => 0,
                };
                own.len() == 6 && own.is_ascii() && code[..digits] == own[..digits]
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod jurisdiction_tests {
    use super::*;
    use crate::rules::region::RegionCode;

    fn official(level: Level, region: Option<&str>) -> Principal {
        Principal {
            account_id: "O".into(),
            role: Role::Official,
            uscc: None,
            level: Some(level),
            region: region.map(str::to_owned),
        }
    }

    #[test]
    fn jurisdiction_is_the_region_prefix_of_the_officials_level() {
        let xihu = RegionCode::parse("330106").unwrap();
        assert!(official(Level::County, Some("330106")).has_jurisdiction_over(&xihu));
        assert!(!official(Level::County, Some("330108")).has_jurisdiction_over(&xihu));
        assert!(official(Level::City, Some("330100")).has_jurisdiction_over(&xihu));
        assert!(!official(Level::City, Some("330200")).has_jurisdiction_over(&xihu));
        assert!(official(Level::Province, Some("330000")).has_jurisdiction_over(&xihu));
        assert!(!official(Level::Province, Some("320000")).has_jurisdiction_over(&xihu));
        assert!(official(Level::Ministry, None).has_jurisdiction_over(&xihu));
        let enterprise = Principal {
            role: Role::Enterprise,
            ..official(Level::Ministry, None)
        };
        assert!(!enterprise.has_jurisdiction_over(&xihu));
    }
}
