//! List answers: `{items, next_cursor}`. The parameters (`?limit=`, `?cursor=`) are the use cases' own
//! ([`shared::services::common::PageParams`]).

use serde::Serialize;

use shared::services::common::PageOf;
pub use shared::services::common::PageParams;

/// A page of a list: the one shape of every list answer (its OpenAPI schema is `Page_{Item}`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Where the next page starts (`?cursor=`); `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page of views of the use case's records.
    pub fn of<R>(page: PageOf<R>, view: impl FnMut(&R) -> T) -> Self {
        Page {
            items: page.items.iter().map(view).collect(),
            next_cursor: page.next_cursor,
        }
    }

    /// A page of `items` with `next_cursor`.
    pub fn new(items: Vec<T>, next_cursor: Option<String>) -> Self {
        Page { items, next_cursor }
    }

    /// A whole list in one page.
    pub fn all(items: Vec<T>) -> Self {
        Page {
            items,
            next_cursor: None,
        }
    }
}
