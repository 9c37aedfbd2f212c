//! List parameters: `?limit=` (1–100, default 20) and an opaque `cursor`; responses are `{items, next_cursor}`.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PageParams {
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

impl PageParams {
    /// The validated limit.
    pub fn limit(&self) -> AppResult<u32> {
        match self.limit.as_deref() {
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

    pub fn cursor(&self) -> Option<String> {
        self.cursor.clone().filter(|c| !c.is_empty())
    }
}

/// A page of a list.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
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
