//! List answers: `{items, next_cursor}`. The parameters (`?limit=`, `?cursor=`) are the use cases' own
//! ([`shared::services::common::PageParams`]).

use serde::Serialize;

pub use shared::services::common::PageParams;

/// A page of a list.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
