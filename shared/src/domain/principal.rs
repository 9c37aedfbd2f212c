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

/// The authenticated caller of a request: who can act, with exactly what each kind of caller carries, so no
/// invalid caller (an enterprise without a USCC, an official without a level, a county without a region) can be
/// built. On the wire (the session token's claims) it keeps the flat form
/// `{account_id, role, uscc?, level?, region?}`, checked when read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "PrincipalClaims", try_from = "PrincipalClaims")]
pub enum Principal {
    /// Registered, not yet real-name verified (or verification pending).
    Unverified { account_id: String },
    /// A verified legal person, acting for the enterprise with this USCC.
    Enterprise { account_id: String, uscc: String },
    /// A verified natural person.
    NaturalPerson { account_id: String },
    /// An official: the ministry (no region), or a province, city or county with its six-digit region code.
    Official {
        account_id: String,
        level: Level,
        region: Option<String>,
    },
    /// A platform operator.
    Operator { account_id: String },
}

/// Why claims do not make a caller.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PrincipalError {
    #[error("an enterprise caller needs its USCC")]
    EnterpriseWithoutUscc,
    #[error("an official needs a level")]
    OfficialWithoutLevel,
    #[error("an official below the ministry needs a six-digit region code, the ministry none")]
    OfficialRegion,
}

impl Principal {
    /// The caller from its parts (as an account record or a token holds them), if they make one.
    pub fn from_parts(
        account_id: String,
        role: Role,
        uscc: Option<String>,
        level: Option<Level>,
        region: Option<String>,
    ) -> Result<Principal, PrincipalError> {
        Ok(match role {
            Role::Unverified => Principal::Unverified { account_id },
            Role::Enterprise => Principal::Enterprise {
                account_id,
                uscc: uscc.ok_or(PrincipalError::EnterpriseWithoutUscc)?,
            },
            Role::NaturalPerson => Principal::NaturalPerson { account_id },
            Role::Operator => Principal::Operator { account_id },
            Role::Official => {
                let level = level.ok_or(PrincipalError::OfficialWithoutLevel)?;
                let region_ok = match (&level, region.as_deref()) {
                    (Level::Ministry, None) => true,
                    (Level::Ministry, Some(_)) | (_, None) => false,
                    (_, Some(code)) => code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
                };
                if !region_ok {
                    return Err(PrincipalError::OfficialRegion);
                }
                Principal::Official {
                    account_id,
                    level,
                    region,
                }
            }
        })
    }

    pub fn account_id(&self) -> &str {
        match self {
            Principal::Unverified { account_id }
            | Principal::Enterprise { account_id, .. }
            | Principal::NaturalPerson { account_id }
            | Principal::Official { account_id, .. }
            | Principal::Operator { account_id } => account_id,
        }
    }

    pub fn role(&self) -> Role {
        match self {
            Principal::Unverified { .. } => Role::Unverified,
            Principal::Enterprise { .. } => Role::Enterprise,
            Principal::NaturalPerson { .. } => Role::NaturalPerson,
            Principal::Official { .. } => Role::Official,
            Principal::Operator { .. } => Role::Operator,
        }
    }

    /// The USCC an enterprise caller acts for.
    pub fn uscc(&self) -> Option<&str> {
        match self {
            Principal::Enterprise { uscc, .. } => Some(uscc),
            _ => None,
        }
    }

    /// An official's level.
    pub fn level(&self) -> Option<Level> {
        match self {
            Principal::Official { level, .. } => Some(*level),
            _ => None,
        }
    }

    /// An official's region (GB/T 2260, six digits); none for the ministry and for other callers.
    pub fn region(&self) -> Option<&str> {
        match self {
            Principal::Official { region, .. } => region.as_deref(),
            _ => None,
        }
    }

    pub fn is_operator(&self) -> bool {
        matches!(self, Principal::Operator { .. })
    }

    /// An official whose jurisdiction contains `region` (county = the exact code, city = its 4-digit prefix,
    /// province = its 2-digit prefix, ministry = everywhere). Never true for other roles.
    pub fn has_jurisdiction_over(&self, region: &crate::rules::region::RegionCode) -> bool {
        let Principal::Official {
            level, region: own, ..
        } = self
        else {
            return false;
        };
        match (level, own.as_deref()) {
            (Level::Ministry, _) => true,
            (level, Some(own)) => {
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

/// The flat form of a caller in a session token.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct PrincipalClaims {
    account_id: String,
    role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uscc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
}

impl From<Principal> for PrincipalClaims {
    fn from(p: Principal) -> Self {
        PrincipalClaims {
            role: p.role(),
            uscc: p.uscc().map(str::to_owned),
            level: p.level(),
            region: p.region().map(str::to_owned),
            account_id: p.account_id().to_owned(),
        }
    }
}

impl TryFrom<PrincipalClaims> for Principal {
    type Error = PrincipalError;

    fn try_from(c: PrincipalClaims) -> Result<Self, Self::Error> {
        Principal::from_parts(c.account_id, c.role, c.uscc, c.level, c.region)
    }
}

#[cfg(test)]
mod jurisdiction_tests {
    use super::*;
    use crate::rules::region::RegionCode;

    fn official(level: Level, region: Option<&str>) -> Principal {
        Principal::Official {
            account_id: "O".into(),
            level,
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
        let enterprise = Principal::Enterprise {
            account_id: "E".into(),
            uscc: "91350100M000100Y43".into(),
        };
        assert!(!enterprise.has_jurisdiction_over(&xihu));
    }

    #[test]
    fn claims_that_make_no_valid_caller_are_refused_when_read() {
        let read = |v: serde_json::Value| serde_json::from_value::<Principal>(v);
        assert!(read(serde_json::json!({"account_id": "E", "role": "enterprise"})).is_err());
        assert!(read(serde_json::json!({"account_id": "O", "role": "official"})).is_err());
        assert!(
            read(serde_json::json!({"account_id": "O", "role": "official", "level": "county"}))
                .is_err()
        );
        assert!(
            read(serde_json::json!({"account_id": "O", "role": "official", "level": "ministry", "region": "330000"}))
                .is_err()
        );
        let county = official(Level::County, Some("330106"));
        let wire = serde_json::to_value(&county).unwrap();
        assert_eq!(
            wire,
            serde_json::json!({"account_id": "O", "role": "official", "level": "county", "region": "330106"})
        );
        assert_eq!(read(wire).unwrap(), county);
    }
}
