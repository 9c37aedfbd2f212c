//! Declaration windows (申报时间): per tier, year and province — or national for little giants — with opening and
//! closing instants (shown and entered in China Standard Time). Provinces open windows for innovative and
//! specialized in their province, the ministry opens national little-giant windows, operators may open any.
//!
//! Records: `pk = WINDOW#<tier>#<year>`, `sk = <scope>#<id>` where scope is `CN` (national) or the 2-digit
//! province prefix, so "is a window open for this enterprise" is one query on the base key; `gsi1 = (WINDOWS,
//! <year>#<tier>#<id>)` lists every window (the unfiltered list).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::domain::principal::{Level, Principal, Role};
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::ports::{Cond, Item, Query, query_all};
use crate::rules::region::{RegionCode, RegionLevel};
use crate::services::Platform;
use crate::services::events::{EVENT_PREFIX, Event, new_id};

/// One window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Window {
    pub id: String,
    pub tier: Tier,
    pub year: i32,
    /// The province (6-digit code ending `0000`); absent for a national (little-giant) window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(with = "crate::domain::timestamp")]
    pub opens_at: OffsetDateTime,
    #[serde(with = "crate::domain::timestamp")]
    pub closes_at: OffsetDateTime,
    pub created_by: String,
    #[serde(with = "crate::domain::timestamp")]
    pub created_at: OffsetDateTime,
}

impl Window {
    /// Open at `now`: `opens_at ≤ now < closes_at`.
    pub fn is_open(&self, now: OffsetDateTime) -> bool {
        self.opens_at <= now && now < self.closes_at
    }
}

/// `POST /v1/admin/windows` body.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct NewWindow {
    pub tier: String,
    pub year: i32,
    /// Province code (`330000` or `33`) for innovative and specialized; omitted for little giant.
    pub region: Option<String>,
    /// RFC 3339, e.g. `2026-04-25T00:00:00+08:00`.
    pub opens_at: String,
    pub closes_at: String,
}

fn window_pk(tier: Tier, year: i32) -> String {
    format!("WINDOW#{}#{year}", tier.as_str())
}

fn scope_of(tier: Tier, region: Option<RegionCode>) -> String {
    match (tier, region) {
        (Tier::LittleGiant, _) | (_, None) => "CN".into(),
        (_, Some(r)) => format!("{:02}", r.province_prefix()),
    }
}

fn parse_time(field: &str, raw: &str, errors: &mut Vec<FieldError>) -> Option<OffsetDateTime> {
    match OffsetDateTime::parse(raw.trim(), &time::format_description::well_known::Rfc3339) {
        Ok(t) if !(2020..=2100).contains(&t.year()) => {
            errors.push(FieldError::new(
                field,
                "IMPLAUSIBLE_TIME",
                format!("{field} 须在 2020 年至 2100 年之间"),
            ));
            None
        }
        Ok(t) => Some(t),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "INVALID_TIME",
                format!("{field} 须为 RFC 3339 时间，例如 2026-04-25T00:00:00+08:00"),
            ));
            None
        }
    }
}

/// Who may open a window for this tier and province.
fn may_manage(caller: &Principal, tier: Tier, province: Option<RegionCode>) -> bool {
    match caller.role {
        Role::Operator => true,
        Role::Official => match (tier, caller.level) {
            (Tier::LittleGiant, Some(Level::Ministry)) => true,
            (Tier::Innovative | Tier::Specialized, Some(Level::Province)) => {
                province.is_some_and(|p| caller.has_jurisdiction_over(&p))
            }
            _ => false,
        },
        _ => false,
    }
}

fn require_admin(caller: &Principal) -> AppResult<()> {
    match caller.role {
        Role::Operator | Role::Official => Ok(()),
        _ => Err(AppError::forbidden("仅主管部门或平台运维可以管理申报时间")),
    }
}

/// Open a window.
pub async fn create(p: &Platform, caller: &Principal, req: &NewWindow) -> AppResult<Window> {
    require_admin(caller)?;
    let mut errors = Vec::new();
    let tier = Tier::parse(&req.tier);
    if tier.is_none() {
        errors.push(FieldError::new(
            "tier",
            "INVALID_TIER",
            "tier 须为 innovative、specialized 或 little_giant",
        ));
    }
    if !(2020..=2100).contains(&req.year) {
        errors.push(FieldError::new(
            "year",
            "INVALID_YEAR",
            "year 须为 2020–2100 之间的年份",
        ));
    }
    let region = match (
        tier,
        req.region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty()),
    ) {
        (Some(Tier::LittleGiant), Some(_)) => {
            errors.push(FieldError::new(
                "region",
                "NATIONAL_WINDOW",
                "“小巨人”申报时间由工业和信息化部统一设置，不填写地区",
            ));
            None
        }
        (Some(_), Some(raw)) => match RegionCode::parse(raw) {
            Ok(r) if r.level() == RegionLevel::Province => Some(r),
            Ok(_) => {
                errors.push(FieldError::new(
                    "region",
                    "NOT_A_PROVINCE",
                    "region 须为省级行政区划代码，例如 330000",
                ));
                None
            }
            Err(e) => {
                errors.push(FieldError::new("region", e.code(), e.to_string()));
                None
            }
        },
        (Some(Tier::Innovative | Tier::Specialized), None) => {
            errors.push(FieldError::new(
                "region",
                "REQUIRED",
                "请填写省级行政区划代码",
            ));
            None
        }
        _ => None,
    };
    let opens_at = parse_time("opens_at", &req.opens_at, &mut errors);
    let closes_at = parse_time("closes_at", &req.closes_at, &mut errors);
    if let (Some(o), Some(c)) = (opens_at, closes_at)
        && o >= c
    {
        errors.push(FieldError::new(
            "closes_at",
            "CLOSES_BEFORE_OPENING",
            "截止时间须晚于开始时间",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let (Some(tier), Some(opens_at), Some(closes_at)) = (tier, opens_at, closes_at) else {
        return Err(AppError::internal("window fields checked above"));
    };
    if !may_manage(caller, tier, region) {
        return Err(AppError::forbidden(match tier {
            Tier::LittleGiant => "“小巨人”申报时间由工业和信息化部设置",
            _ => "创新型、专精特新申报时间由本省主管部门设置",
        }));
    }
    let now = p.clock.now();
    let window = Window {
        id: new_id(now),
        tier,
        year: req.year,
        region: region.map(|r| format!("{:06}", r.value())),
        opens_at: opens_at.to_offset(time::UtcOffset::UTC),
        closes_at: closes_at.to_offset(time::UtcOffset::UTC),
        created_by: caller.account_id.clone(),
        created_at: now,
    };
    let pk = window_pk(tier, req.year);
    let item = Item::new(
        pk.clone(),
        format!("{}#{}", scope_of(tier, region), window.id),
        &window,
    )
    .with_gsi1(
        ALL_WINDOWS,
        format!("{:04}#{}#{}", req.year, tier.as_str(), window.id),
    );
    let event = Event::new(
        "window.created",
        &pk,
        Some(&caller.account_id),
        now,
        serde_json::to_value(&window).unwrap_or_default(),
    );
    p.store
        .transact(vec![
            crate::ports::TxOp::Put {
                item,
                cond: Cond::Absent,
            },
            event.tx_op(),
        ])
        .await?;
    Ok(window)
}

/// The index partition holding every window.
const ALL_WINDOWS: &str = "WINDOWS";

/// The windows the caller may see (all of them for operators and the ministry, the caller's province's and the
/// national ones otherwise), of a tier and/or year when given, ordered by year, tier and opening, one page after
/// `cursor` (the id of the last window of the previous page).
pub async fn list(
    p: &Platform,
    caller: &Principal,
    tier: Option<Tier>,
    year: Option<i32>,
    limit: u32,
    cursor: Option<String>,
) -> AppResult<(Vec<Window>, Option<String>)> {
    require_admin(caller)?;
    let scope = match (caller.role, caller.level, caller.region.as_deref()) {
        (Role::Official, Some(Level::Ministry), _) | (Role::Operator, _, _) => None,
        (Role::Official, _, Some(region)) => Some(region.get(..2).unwrap_or_default().to_owned()),
        _ => return Err(AppError::forbidden("无权查看申报时间")),
    };
    let mut windows = match (tier, year) {
        (Some(tier), Some(year)) => all_windows(p, tier, year).await?,
        _ => {
            let items = query_all(p.store.as_ref(), Query::gsi1(ALL_WINDOWS)).await?;
            let mut out = items
                .iter()
                .map(|i| i.decode::<Window>())
                .collect::<Result<Vec<_>, _>>()?;
            out.retain(|w| tier.is_none_or(|t| w.tier == t) && year.is_none_or(|y| w.year == y));
            out
        }
    };
    if let Some(prefix) = scope {
        windows.retain(|w| w.region.as_deref().is_none_or(|r| r.starts_with(&prefix)));
    }
    windows.sort_by_key(|w| (w.year, w.tier.as_str(), w.opens_at, w.id.clone()));
    let start = match cursor {
        None => 0,
        Some(c) => {
            windows
                .iter()
                .position(|w| w.id == c)
                .ok_or_else(|| AppError::field("cursor", "INVALID_CURSOR", "分页游标无效"))?
                + 1
        }
    };
    let page: Vec<Window> = windows
        .into_iter()
        .skip(start)
        .take(limit as usize + 1)
        .collect();
    let (page, next) = if page.len() > limit as usize {
        let page: Vec<Window> = page.into_iter().take(limit as usize).collect();
        let next = page.last().map(|w| w.id.clone());
        (page, next)
    } else {
        (page, None)
    };
    Ok((page, next))
}

async fn all_windows(p: &Platform, tier: Tier, year: i32) -> AppResult<Vec<Window>> {
    let items = query_all(p.store.as_ref(), Query::base(window_pk(tier, year))).await?;
    // The windows' audit events live beside them.
    let mut out = items
        .iter()
        .filter(|i| !i.sk.starts_with(EVENT_PREFIX))
        .map(|i| i.decode::<Window>())
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|w| (w.opens_at, w.id.clone()));
    Ok(out)
}

/// The windows that apply to an enterprise registered in `region` (its province's, or the national one for
/// little giants).
pub async fn applicable(
    p: &Platform,
    tier: Tier,
    year: i32,
    region: RegionCode,
) -> AppResult<Vec<Window>> {
    let scope = scope_of(tier, Some(region));
    let query = Query::base(window_pk(tier, year)).begins_with(format!("{scope}#"));
    let mut out = query_all(p.store.as_ref(), query)
        .await?
        .iter()
        .map(|i| i.decode::<Window>())
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|w| w.opens_at);
    Ok(out)
}

/// Every window of the years `from..=to`, all tiers and provinces, from the index partition listing them (one
/// query, eventually consistent on DynamoDB). A submission reads it in the same round as the declaration, before it
/// knows the tier, year and region ([`applies`] picks the declaration's windows). Windows are never changed or
/// deleted once created, so a window found open here is open; a window created a moment ago may still be missing,
/// which is why a caller that finds none open asks [`applicable`] before it refuses.
pub async fn listed_in_years(p: &Platform, from: i32, to: i32) -> AppResult<Vec<Window>> {
    let query = Query::gsi1(ALL_WINDOWS).between(format!("{from:04}#"), format!("{to:04}#~"));
    Ok(query_all(p.store.as_ref(), query)
        .await?
        .iter()
        .map(|i| i.decode::<Window>())
        .collect::<Result<Vec<_>, _>>()?)
}

/// Whether `w` is one of the windows [`applicable`] returns for this tier, year and region (same tier and year,
/// and the same scope: the province's, or the national one for little giants).
pub fn applies(w: &Window, tier: Tier, year: i32, region: RegionCode) -> bool {
    let window_region = w.region.as_deref().and_then(|r| RegionCode::parse(r).ok());
    w.tier == tier
        && w.year == year
        && scope_of(w.tier, window_region) == scope_of(tier, Some(region))
}

/// Whether a window for this tier, year and region is open at `now`.
pub async fn is_open(
    p: &Platform,
    tier: Tier,
    year: i32,
    region: RegionCode,
    now: OffsetDateTime,
) -> AppResult<bool> {
    Ok(applicable(p, tier, year, region)
        .await?
        .iter()
        .any(|w| w.is_open(now)))
}

/// The error for a submission outside every window, naming the windows there are.
pub fn closed_error(windows: &[Window]) -> AppError {
    let detail = if windows.is_empty() {
        "本年度该梯度尚未开放申报，请关注主管部门通知".to_owned()
    } else {
        let spans: Vec<String> = windows
            .iter()
            .map(|w| {
                format!(
                    "{} 至 {}",
                    crate::domain::calendar::in_china(w.opens_at)
                        .format(time::macros::format_description!(
                            "[year]-[month]-[day] [hour]:[minute]"
                        ))
                        .unwrap_or_default(),
                    crate::domain::calendar::in_china(w.closes_at)
                        .format(time::macros::format_description!(
                            "[year]-[month]-[day] [hour]:[minute]"
                        ))
                        .unwrap_or_default()
                )
            })
            .collect();
        format!(
            "当前不在申报时间内。本年度申报时间（北京时间）：{}",
            spans.join("；")
        )
    };
    AppError::new(ErrorCode::WindowClosed, detail)
        .with_extra("windows", serde_json::to_value(windows).unwrap_or_default())
}
