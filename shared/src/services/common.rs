//! What the use cases share: a record with the version it was read at, one page of a list, and the list
//! parameters every list route takes (`?limit=` 1–100, default 20, and an opaque `cursor`).

use crate::domain::principal::{Principal, Role};
use crate::error::{AppError, AppResult, ErrorCode};
use serde::Deserialize;
use serde_json::json;

/// A record with the version it was read at (the `ETag` / `If-Match` value).
pub struct Versioned<T> {
    pub value: T,
    pub version: u64,
}

/// One page of a list, oldest or newest first as the list says.
pub struct PageOf<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// `?limit=` and `?cursor=` as they arrive.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PageParams {
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

impl PageParams {
    /// The validated limit.
    pub fn limit(&self) -> AppResult<u32> {
        page_limit(self.limit.as_deref())
    }

    pub fn cursor(&self) -> Option<String> {
        self.cursor.clone().filter(|c| !c.is_empty())
    }
}

/// A list's `limit`: 1–100, 20 when absent or empty.
pub fn page_limit(raw: Option<&str>) -> AppResult<u32> {
    match raw {
        None | Some("") => Ok(20),
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n),
            _ => Err(AppError::field(
                "limit",
                "INVALID_LIMIT",
                "limit 须为 1 到 100 之间的整数",
            )),
        },
    }
}

/// The verified USCC of an enterprise caller, or the right refusal for other roles.
pub fn require_enterprise(caller: &Principal) -> AppResult<&str> {
    match (caller.role(), caller.uscc()) {
        (Role::Enterprise, Some(uscc)) => Ok(uscc),
        (Role::NaturalPerson, _) => Err(AppError::new(
            ErrorCode::NaturalPersonNotAllowed,
            "自然人账户不能申报，请使用完成法人实名认证的企业账户",
        )),
        (Role::Unverified, _) => Err(AppError::new(
            ErrorCode::NotVerified,
            "请先完成法人实名认证（统一社会信用代码、企业名称、法定代表人）",
        )),
        _ => Err(AppError::forbidden("仅企业账户可以执行此操作")),
    }
}

/// Check `If-Match` against the version read.
pub fn check_if_match(if_match: Option<u64>, version: u64) -> AppResult<()> {
    match if_match {
        Some(expected) if expected != version => Err(AppError::new(
            ErrorCode::VersionConflict,
            format!("数据已被修改（当前版本 {version}），请刷新后重试"),
        )
        .with_extra("current_version", json!(version))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_outside_one_to_a_hundred_are_refused() {
        let p = |l: &str| {
            PageParams {
                limit: Some(l.into()),
                cursor: None,
            }
            .limit()
        };
        assert_eq!(p("1").unwrap(), 1);
        assert_eq!(p("100").unwrap(), 100);
        assert!(p("0").is_err());
        assert!(p("101").is_err());
        assert!(p("ten").is_err());
        assert_eq!(PageParams::default().limit().unwrap(), 20);
    }
}
