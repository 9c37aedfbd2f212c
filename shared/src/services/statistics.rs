//! Statistics for officials (`GET /v1/admin/statistics`): counts by kind (first declaration / re-review) × tier ×
//! status × sub-region × industry section inside the caller's jurisdiction, and backlog ageing per level (waiting more than 7, 14, 30 days). Read from
//! the jurisdiction registry (`REG#<province>` on the secondary index, ranged by region prefix) — never a scan.

use crate::domain::declaration::{Kind, Status};
use crate::domain::principal::{Level, Principal, Role};
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult};
use crate::ports::Query;
use crate::rules::industry::IndustryCode;
use crate::rules::region::{self, RegionCode};
use crate::services::records::{Summary, registry_pk};
use crate::services::review::scope_of;
use crate::services::{Platform, records};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct StatsParams {
    /// `json` (default) or `csv`.
    pub format: Option<String>,
    /// Only declarations of this year.
    pub year: Option<String>,
    /// Only first declarations (`declaration`) or only re-reviews (`re_review`).
    pub kind: Option<String>,
}

/// One cell of the count table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountRow {
    /// `declaration` (a first declaration: a new recognition when recognised) or `re_review`.
    pub kind: Kind,
    pub tier: Tier,
    pub status: Status,
    /// The sub-region one level below the caller (provinces for the ministry, cities for a province, counties
    /// for a city, the county itself for a county), 6 digits.
    pub region: String,
    pub region_name: String,
    /// GB/T 4754 section letter, `?` when unknown.
    pub industry_section: String,
    pub count: u64,
}

/// Declarations waiting at a level, by age.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Backlog {
    pub level: String,
    pub waiting: u64,
    pub over_7_days: u64,
    pub over_14_days: u64,
    pub over_30_days: u64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statistics {
    /// The caller's scope (`CN`, `33`, `3301`, `330106`).
    pub scope: String,
    /// Its name: `全国`, `浙江省`, `浙江省 / 杭州市`, `浙江省 / 杭州市 / 西湖区`.
    pub scope_name: String,
    pub total: u64,
    pub counts: Vec<CountRow>,
    pub backlog: Vec<Backlog>,
}

/// The sub-region of `region` one level below the caller's level.
fn sub_region(level: Level, region: RegionCode) -> RegionCode {
    match level {
        Level::Ministry => region.province(),
        Level::Province => region.city().unwrap_or(region),
        Level::City | Level::County => region,
    }
}

/// The registry entries inside the caller's jurisdiction (all pages).
async fn entries_in_scope(
    p: &Platform,
    caller: &Principal,
) -> AppResult<(String, Level, Vec<Summary>)> {
    let (level, scope) = match caller.role() {
        Role::Official => scope_of(caller)?,
        Role::Operator => (Level::Ministry, "CN".to_owned()),
        _ => return Err(AppError::forbidden("仅主管部门可以查看统计")),
    };
    let provinces: Vec<u32> = if scope == "CN" {
        region::children(None)
            .iter()
            .map(|e| e.code.province_prefix())
            .collect()
    } else {
        vec![scope[..2].parse().unwrap_or(0)]
    };
    let mut out = Vec::new();
    for province in provinces {
        let mut q = Query::gsi1(registry_pk(province));
        if scope.len() > 2 {
            q = q.begins_with(scope.clone());
        }
        for item in crate::ports::query_all(p.store.as_ref(), q).await? {
            let s: Summary = item.decode()?;
            if s.status != Status::Draft {
                out.push(s);
            }
        }
    }
    Ok((scope, level, out))
}

pub async fn statistics(
    p: &Platform,
    caller: &Principal,
    params: &StatsParams,
) -> AppResult<Statistics> {
    let year = match params
        .year
        .as_deref()
        .map(str::trim)
        .filter(|y| !y.is_empty())
    {
        None => None,
        Some(raw) => Some(
            raw.parse::<i32>()
                .map_err(|_| AppError::field("year", "INVALID_YEAR", "year 须为年份，例如 2026"))?,
        ),
    };
    let kind = match params.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(Kind::parse(raw).ok_or_else(|| {
            AppError::field(
                "kind",
                "INVALID_KIND",
                "kind 须为 declaration（申报）或 re_review（复核）",
            )
        })?),
    };
    let (scope, level, entries) = entries_in_scope(p, caller).await?;
    let now = p.clock.now();
    let mut counts: BTreeMap<(Kind, Tier, Status, String, String), u64> = BTreeMap::new();
    let mut backlog: BTreeMap<Level, Backlog> = BTreeMap::new();
    let mut total = 0;
    for s in entries
        .iter()
        .filter(|s| year.is_none_or(|y| s.year == y) && kind.is_none_or(|k| s.kind == k))
    {
        let Ok(region) = RegionCode::parse(&s.region) else {
            continue;
        };
        let sub = sub_region(level, region);
        let section = s
            .industry
            .as_deref()
            .and_then(|i| IndustryCode::parse(i).ok())
            .map(|i| i.section_letter().to_string())
            .unwrap_or_else(|| "?".into());
        *counts
            .entry((
                s.kind,
                s.tier,
                s.status,
                format!("{:06}", sub.value()),
                section,
            ))
            .or_default() += 1;
        total += 1;
        if let Some(waiting_level) = s
            .level
            .filter(|_| matches!(s.status, Status::Submitted | Status::UnderReview))
        {
            let days = (now - s.waiting_since).whole_days();
            let b = backlog.entry(waiting_level).or_insert_with(|| Backlog {
                level: records::level_name(waiting_level).to_owned(),
                ..Backlog::default()
            });
            b.waiting += 1;
            b.over_7_days += u64::from(days > 7);
            b.over_14_days += u64::from(days > 14);
            b.over_30_days += u64::from(days > 30);
        }
    }
    Ok(Statistics {
        scope_name: scope_name(&scope),
        scope,
        total,
        counts: counts
            .into_iter()
            .map(
                |((kind, tier, status, region, industry_section), count)| CountRow {
                    kind,
                    tier,
                    status,
                    region_name: RegionCode::parse(&region)
                        .map(|r| r.full_name())
                        .unwrap_or_default(),
                    region,
                    industry_section,
                    count,
                },
            )
            .collect(),
        backlog: backlog.into_values().collect(),
    })
}

/// The name of a scope prefix (`CN`, or a region code's 2, 4 or 6 leading digits).
fn scope_name(scope: &str) -> String {
    if scope == "CN" {
        return "全国".into();
    }
    RegionCode::parse(&format!("{scope:0<6}"))
        .map(|r| r.full_name())
        .unwrap_or_else(|_| scope.to_owned())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

impl Statistics {
    /// The count table as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese names).
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "\u{feff}kind,kind_label,tier,tier_label,status,status_label,region,region_name,industry_section,count\r\n",
        );
        for r in &self.counts {
            let row = [
                r.kind.as_str().to_owned(),
                r.kind.label().to_owned(),
                r.tier.as_str().to_owned(),
                r.tier.label().to_owned(),
                r.status.as_str().to_owned(),
                r.status.label().to_owned(),
                r.region.clone(),
                r.region_name.clone(),
                r.industry_section.clone(),
                r.count.to_string(),
            ];
            let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_named_like_regions() {
        assert_eq!(scope_name("CN"), "全国");
        assert_eq!(scope_name("33"), "浙江省");
        assert_eq!(scope_name("3301"), "浙江省 / 杭州市");
        assert_eq!(scope_name("330106"), "浙江省 / 杭州市 / 西湖区");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("杭州市"), "杭州市");
    }
}
