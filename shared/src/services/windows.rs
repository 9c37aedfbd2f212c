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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// The account that last changed the dates, and when (absent until the first change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::timestamp::option"
    )]
    pub updated_at: Option<OffsetDateTime>,
    /// The record's version (the `If-Match` value of `PATCH /v1/admin/windows/{id}`), read from the store.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub version: u64,
}

impl Window {
    /// Open at `now`: `opens_at ≤ now < closes_at`.
    pub fn is_open(&self, now: OffsetDateTime) -> bool {
        self.opens_at <= now && now < self.closes_at
    }
}

/// `POST /v1/admin/windows` body.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWindow {
    pub tier: String,
    pub year: i32,
    /// Province code (`330000` or `33`) for innovative and specialized; omitted for little giant.
    pub region: Option<String>,
    /// RFC 3339, e.g. `2026-04-25T00:00:00+08:00`.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub opens_at: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub closes_at: String,
}

/// `PATCH /v1/admin/windows/{id}` body: the dates of a window, either or both. Tier, year and region are the
/// window's identity and cannot change (a different one is a new window).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WindowChange {
    /// RFC 3339, e.g. `2026-04-25T00:00:00+08:00`; fixed once the window has opened.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub opens_at: Option<String>,
    /// RFC 3339; later than now and than the opening. An open window may be extended or shortened, never ended
    /// in the past; a closed window cannot change.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub closes_at: Option<String>,
}

/// The closing must come after the opening (when both parsed).
fn check_order(
    opens_at: Option<OffsetDateTime>,
    closes_at: Option<OffsetDateTime>,
    errors: &mut Vec<FieldError>,
) {
    if let (Some(o), Some(c)) = (opens_at, closes_at)
        && o >= c
    {
        errors.push(FieldError::new(
            "closes_at",
            "CLOSES_BEFORE_OPENING",
            "截止时间须晚于开始时间",
        ));
    }
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
    match caller.role() {
        Role::Operator => true,
        Role::Official => match (tier, caller.level()) {
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
    match caller.role() {
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
    check_order(opens_at, closes_at, &mut errors);
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
        created_by: caller.account_id().to_owned(),
        created_at: now,
        updated_by: None,
        updated_at: None,
        version: 1,
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
        Some(caller.account_id()),
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

/// A stored window with the version it was read at.
fn decode_window(item: &Item) -> Result<Window, crate::ports::StoreError> {
    let mut w: Window = item.decode()?;
    w.version = item.version;
    Ok(w)
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
    let scope = match (caller.role(), caller.level(), caller.region()) {
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
                .map(decode_window)
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
        .map(decode_window)
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
        .map(decode_window)
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|w| w.opens_at);
    Ok(out)
}

/// Every window of the years `from..=to`, all tiers and provinces, from the index partition listing them (one
/// query, eventually consistent on DynamoDB). A submission reads it in the same round as the declaration, before it
/// knows the tier, year and region ([`applies`] picks the declaration's windows). A window created a moment ago may
/// still be missing, which is why a caller that finds none open asks [`applicable`] before it refuses. Windows are
/// never deleted, but their dates may change ([`change`]): on DynamoDB the index copy can lag the change by the
/// index's propagation delay (usually well under a second), so a window whose closing was just moved earlier can
/// look open here for that long. A change must leave the closing later than the moment of the change, so only a
/// closing moved to within that delay of the change is affected.
pub async fn listed_in_years(p: &Platform, from: i32, to: i32) -> AppResult<Vec<Window>> {
    let query = Query::gsi1(ALL_WINDOWS).between(format!("{from:04}#"), format!("{to:04}#~"));
    Ok(query_all(p.store.as_ref(), query)
        .await?
        .iter()
        .map(decode_window)
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

/// The window `id` as the caller may see it (operators and the ministry every window, other officials their
/// province's and the national ones), with its key; unknown or unseen → 404.
async fn find_visible(p: &Platform, caller: &Principal, id: &str) -> AppResult<(Item, Window)> {
    let not_found = || AppError::not_found("未找到该申报时间");
    let id = id.trim();
    if id.is_empty() || id.len() > 64 {
        return Err(not_found());
    }
    let suffix = format!("#{id}");
    let listed = query_all(p.store.as_ref(), Query::gsi1(ALL_WINDOWS))
        .await?
        .into_iter()
        .find(|i| i.gsi1.as_ref().is_some_and(|(_, sk)| sk.ends_with(&suffix)))
        .ok_or_else(not_found)?;
    // The index may lag: read the record itself.
    let item = p
        .store
        .get(&listed.pk, &listed.sk)
        .await?
        .ok_or_else(not_found)?;
    let window = decode_window(&item)?;
    if window.id != id {
        return Err(not_found());
    }
    let sees_all = matches!(
        (caller.role(), caller.level()),
        (Role::Operator, _) | (Role::Official, Some(Level::Ministry))
    );
    let prefix = caller.region().and_then(|r| r.get(..2)).unwrap_or("--");
    if !sees_all
        && window
            .region
            .as_deref()
            .is_some_and(|r| !r.starts_with(prefix))
    {
        return Err(not_found());
    }
    Ok((item, window))
}

fn given_text(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|r| !r.is_empty())
}

fn china_minute(t: OffsetDateTime) -> String {
    crate::domain::calendar::in_china(t)
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute]"
        ))
        .unwrap_or_default()
}

/// What may change of a window at `now`, given its current and its requested dates: before it opens, both
/// dates; once open, the closing date only (extended, or shortened to a later instant than now), since
/// enterprises have submitted under its opening; once closed, nothing (a further round is a new window). The
/// requested dates are already valid in themselves (`opens < closes`).
pub fn check_change(
    current: &Window,
    opens_at: OffsetDateTime,
    closes_at: OffsetDateTime,
    now: OffsetDateTime,
) -> AppResult<()> {
    if current.closes_at <= now {
        return Err(AppError::new(
            ErrorCode::WindowNotChangeable,
            format!(
                "该申报时间已于 {}（北京时间）截止，不能再修改；如需补充申报，请新增申报时间",
                china_minute(current.closes_at)
            ),
        ));
    }
    if current.opens_at <= now && opens_at != current.opens_at {
        return Err(AppError::new(
            ErrorCode::WindowNotChangeable,
            format!(
                "申报已于 {}（北京时间）开始，企业可能已据此提交申报，开始时间不能再修改；可以调整截止时间",
                china_minute(current.opens_at)
            ),
        ));
    }
    if closes_at <= now {
        return Err(AppError::field(
            "closes_at",
            "CLOSES_IN_PAST",
            format!("截止时间须晚于当前时间（{}，北京时间）", china_minute(now)),
        ));
    }
    Ok(())
}

/// Change a window's dates (`if_match`: the version the caller read; stale → `VERSION_CONFLICT`).
pub async fn change(
    p: &Platform,
    caller: &Principal,
    id: &str,
    if_match: Option<u64>,
    req: &WindowChange,
) -> AppResult<Window> {
    require_admin(caller)?;
    let (item, current) = find_visible(p, caller, id).await?;
    let province = current
        .region
        .as_deref()
        .and_then(|r| RegionCode::parse(r).ok());
    if !may_manage(caller, current.tier, province) {
        return Err(AppError::forbidden(match current.tier {
            Tier::LittleGiant => "“小巨人”申报时间由工业和信息化部设置",
            _ => "创新型、专精特新申报时间由本省主管部门设置",
        }));
    }
    crate::services::common::check_if_match(if_match, item.version)?;
    let mut errors = Vec::new();
    let given = given_text;
    if given(&req.opens_at).is_none() && given(&req.closes_at).is_none() {
        return Err(AppError::field(
            "body",
            "REQUIRED",
            "请填写要修改的开始时间（opens_at）或截止时间（closes_at）",
        ));
    }
    let opens_at = match given(&req.opens_at) {
        Some(raw) => parse_time("opens_at", raw, &mut errors),
        None => Some(current.opens_at),
    };
    let closes_at = match given(&req.closes_at) {
        Some(raw) => parse_time("closes_at", raw, &mut errors),
        None => Some(current.closes_at),
    };
    check_order(opens_at, closes_at, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let (Some(opens_at), Some(closes_at)) = (opens_at, closes_at) else {
        return Err(AppError::internal("window dates checked above"));
    };
    let opens_at = opens_at.to_offset(time::UtcOffset::UTC);
    let closes_at = closes_at.to_offset(time::UtcOffset::UTC);
    let now = p.clock.now();
    check_change(&current, opens_at, closes_at, now)?;
    if opens_at == current.opens_at && closes_at == current.closes_at {
        return Ok(current);
    }
    let version = item.version + 1;
    let next = Window {
        opens_at,
        closes_at,
        updated_by: Some(caller.account_id().to_owned()),
        updated_at: Some(now),
        version,
        ..current.clone()
    };
    let mut stored = Item::new(item.pk.clone(), item.sk.clone(), &next).with_version(version);
    stored.gsi1 = item.gsi1.clone();
    let event = Event::new(
        "window.changed",
        &item.pk,
        Some(caller.account_id()),
        now,
        serde_json::json!({
            "window_id": current.id,
            "before": {"opens_at": crate::domain::timestamp::rfc3339(current.opens_at),
                       "closes_at": crate::domain::timestamp::rfc3339(current.closes_at)},
            "after": {"opens_at": crate::domain::timestamp::rfc3339(opens_at),
                      "closes_at": crate::domain::timestamp::rfc3339(closes_at)},
        }),
    );
    p.store
        .transact(vec![
            crate::ports::TxOp::Put {
                item: stored,
                cond: Cond::VersionIs(item.version),
            },
            event.tx_op(),
        ])
        .await?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn window(opens: OffsetDateTime, closes: OffsetDateTime) -> Window {
        Window {
            id: "W1".into(),
            tier: Tier::Innovative,
            year: 2026,
            region: Some("330000".into()),
            opens_at: opens,
            closes_at: closes,
            created_by: "op".into(),
            created_at: datetime!(2026-01-01 00:00 UTC),
            updated_by: None,
            updated_at: None,
            version: 1,
        }
    }

    const OPENS: OffsetDateTime = datetime!(2026-05-01 00:00 +08:00);
    const CLOSES: OffsetDateTime = datetime!(2026-06-01 00:00 +08:00);

    fn code(r: AppResult<()>) -> &'static str {
        match r {
            Ok(()) => "",
            Err(e) if e.code == ErrorCode::ValidationFailed => {
                if e.errors[0].code == "CLOSES_IN_PAST" {
                    "CLOSES_IN_PAST"
                } else {
                    "VALIDATION_FAILED"
                }
            }
            Err(e) => e.code.as_str(),
        }
    }

    #[test]
    fn before_opening_both_dates_may_move() {
        let w = window(OPENS, CLOSES);
        let now = datetime!(2026-04-20 10:00 +08:00);
        let later = datetime!(2026-05-05 00:00 +08:00);
        assert_eq!(code(check_change(&w, later, CLOSES, now)), "");
        // Even to open at once.
        assert_eq!(code(check_change(&w, now, CLOSES, now)), "");
        assert_eq!(
            code(check_change(
                &w,
                datetime!(2026-04-01 00:00 +08:00),
                now,
                now
            )),
            "CLOSES_IN_PAST"
        );
    }

    #[test]
    fn an_open_window_keeps_its_opening_and_cannot_end_in_the_past() {
        let w = window(OPENS, CLOSES);
        let now = datetime!(2026-05-10 10:00 +08:00);
        let extended = datetime!(2026-06-15 00:00 +08:00);
        let shortened = datetime!(2026-05-20 00:00 +08:00);
        assert_eq!(code(check_change(&w, OPENS, extended, now)), "");
        assert_eq!(code(check_change(&w, OPENS, shortened, now)), "");
        assert_eq!(
            code(check_change(
                &w,
                datetime!(2026-05-02 00:00 +08:00),
                extended,
                now
            )),
            "WINDOW_NOT_CHANGEABLE"
        );
        assert_eq!(
            code(check_change(
                &w,
                OPENS,
                datetime!(2026-05-09 00:00 +08:00),
                now
            )),
            "CLOSES_IN_PAST"
        );
        assert_eq!(code(check_change(&w, OPENS, now, now)), "CLOSES_IN_PAST");
    }

    #[test]
    fn a_closed_window_does_not_change() {
        let w = window(OPENS, CLOSES);
        let now = datetime!(2026-06-01 00:00 +08:00);
        assert_eq!(
            code(check_change(
                &w,
                OPENS,
                datetime!(2026-07-01 00:00 +08:00),
                now
            )),
            "WINDOW_NOT_CHANGEABLE"
        );
    }
}
