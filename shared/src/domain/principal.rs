//! Who is calling: the role and scope a session token carries. Authorisation decisions are made in the domain
//! services from this value, never only in routing.

use serde::{Deserialize, Serialize};

/// The role of an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
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
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
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
}
