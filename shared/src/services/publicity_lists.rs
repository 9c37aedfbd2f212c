//! `GET /v1/admin/publicity`: the publicity lists of the caller's level and scope (the 公示 screen finds the
//! open ones to record objections and close them), newest first, optionally only `open` or `closed` ones.
//! A province publishes a handful of lists a year, so the tier partitions (`gsi1 = PUBLICITY#<tier>`) are read
//! whole, filtered by scope and paged by list id like the public recognitions.

use crate::domain::declaration::final_level;
use crate::domain::principal::Principal;
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult};
use crate::ports::{Query, query_all};
use crate::services::Platform;
use crate::services::publicity::{ListStatus, PublicityList};
use crate::services::review::scope_of;

/// One page of the caller's lists and the cursor of the next.
pub async fn list_own(
    p: &Platform,
    caller: &Principal,
    status: Option<&str>,
    limit: u32,
    cursor: Option<String>,
) -> AppResult<(Vec<PublicityList>, Option<String>)> {
    let (level, scope) = scope_of(caller)?;
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some("open") => Some(ListStatus::Open),
        Some("closed") => Some(ListStatus::Closed),
        Some(_) => {
            return Err(AppError::field(
                "status",
                "INVALID_STATUS",
                "status 须为 open（公示中）或 closed（已办结）",
            ));
        }
    };
    let mut lists = Vec::new();
    for tier in Tier::ALL.into_iter().filter(|t| final_level(*t) == level) {
        let query = Query::gsi1(format!("PUBLICITY#{}", tier.as_str()));
        for item in query_all(p.store.as_ref(), query).await? {
            let list: PublicityList = item.decode()?;
            if list.level == level && list.scope == scope && status.is_none_or(|s| list.status == s)
            {
                lists.push(list);
            }
        }
    }
    lists.sort_by(|a, b| (b.starts_at, &b.id).cmp(&(a.starts_at, &a.id)));
    let start = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => {
            lists
                .iter()
                .position(|l| l.id == c)
                .ok_or_else(|| AppError::field("cursor", "INVALID_CURSOR", "分页游标无效"))?
                + 1
        }
    };
    let rest = lists.len().saturating_sub(start);
    let page: Vec<PublicityList> = lists.into_iter().skip(start).take(limit as usize).collect();
    let next = (rest > limit as usize)
        .then(|| page.last().map(|l| l.id.clone()))
        .flatten();
    Ok((page, next))
}
