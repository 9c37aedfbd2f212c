//! The yearly information update (年度信息更新, RULES.md §1.9): enterprises holding a valid qualification update
//! their profile and the year's figures between 1 January and 30 April (China time; the period is configuration,
//! `SME_UPDATE_PERIOD=01-01/04-30`). Not required in the year they were recognised or re-reviewed. Draft, submit,
//! withdraw while unreviewed, official accept/return (the county of the enterprise's region); an accepted
//! update becomes the profile. An enterprise that misses 30 April loses its re-review eligibility.
//!
//! Records: `pk = UPD#<id>, sk = UPD` (versioned; `gsi1 = (ENT#<uscc>#UPD, <id>)` lists an enterprise's updates),
//! its queue entry `sk = QUEUE` while submitted, its events beside it; `pk = ENT#<uscc>, sk = UPDATE#<year>` holds
//! the one update of a year.

use crate::domain::calendar::{china_date, china_year};
use crate::domain::enterprise::{EnterpriseProfile, ProfileInput};
use crate::domain::principal::{Level, Principal, Role};
use crate::domain::qualification::Qualification;
use crate::domain::timestamp::rfc3339;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::ports::{Cond, Item, Query, TxOp};
use crate::rules::region::RegionCode;
use crate::services::common::{Versioned, check_if_match, require_enterprise};
use crate::services::events::{Event, new_id};
use crate::services::records::{ent_pk, queue_entry_op};
use crate::services::repository::{self, Record, Tx, TxError};
use crate::services::{Platform, records};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::{Date, Month, OffsetDateTime};

/// The yearly period, as (month, day) pairs, inclusive, China dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpdatePeriod {
    pub start: (u8, u8),
    pub end: (u8, u8),
}

impl Default for UpdatePeriod {
    /// 1 January – 30 April (the start date is UNCONFIRMED in RULES.md; the end is confirmed).
    fn default() -> Self {
        UpdatePeriod {
            start: (1, 1),
            end: (4, 30),
        }
    }
}

impl UpdatePeriod {
    /// Parse `MM-DD/MM-DD`.
    pub fn parse(s: &str) -> Result<UpdatePeriod, String> {
        let (a, b) = s.split_once('/').ok_or("expected MM-DD/MM-DD")?;
        let md = |x: &str| -> Result<(u8, u8), String> {
            let (m, d) = x.trim().split_once('-').ok_or("expected MM-DD")?;
            let m: u8 = m.parse().map_err(|_| "bad month")?;
            let d: u8 = d.parse().map_err(|_| "bad day")?;
            Month::try_from(m).map_err(|_| "bad month")?;
            Date::from_calendar_date(2024, Month::try_from(m).map_err(|_| "bad month")?, d)
                .map_err(|_| "bad day")?;
            Ok((m, d))
        };
        let period = UpdatePeriod {
            start: md(a)?,
            end: md(b)?,
        };
        if period.start > period.end {
            return Err("the period must start before it ends, inside one year".into());
        }
        Ok(period)
    }

    fn date(year: i32, (m, d): (u8, u8)) -> Date {
        Month::try_from(m)
            .ok()
            .and_then(|m| Date::from_calendar_date(year, m, d).ok())
            .or_else(|| Date::from_calendar_date(year, Month::February, 28).ok())
            .unwrap_or(Date::MIN)
    }

    pub fn opens(&self, year: i32) -> Date {
        Self::date(year, self.start)
    }

    /// The last day (inclusive).
    pub fn closes(&self, year: i32) -> Date {
        Self::date(year, self.end)
    }

    pub fn contains(&self, day: Date) -> bool {
        self.opens(day.year()) <= day && day <= self.closes(day.year())
    }
}

/// The yearly periods in force: a default, and overrides set per year (every province) or per year and province
/// (a 2026 notice asks for updates by 31 May). Configuration `SME_UPDATE_PERIOD`: `MM-DD/MM-DD` entries separated
/// by `;`, the default without a prefix, `YEAR:` for a year, `YEAR@PP:` for a year in a province (2-digit prefix
/// or 6-digit code), e.g. `01-01/04-30;2026:01-01/05-31;2027@33:01-01/05-15`. The most specific entry wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdatePeriods {
    pub default: UpdatePeriod,
    /// (year, province prefix or none for every province, period).
    pub overrides: Vec<(i32, Option<u32>, UpdatePeriod)>,
}

impl UpdatePeriods {
    pub fn parse(s: &str) -> Result<UpdatePeriods, String> {
        let mut periods = UpdatePeriods::default();
        for entry in s.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            match entry.split_once(':') {
                None => periods.default = UpdatePeriod::parse(entry)?,
                Some((scope, period)) => {
                    let period = UpdatePeriod::parse(period)?;
                    let (year, province) = match scope.split_once('@') {
                        None => (scope, None),
                        Some((y, p)) => (y, Some(p.trim())),
                    };
                    let year: i32 = year
                        .trim()
                        .parse()
                        .ok()
                        .filter(|y| (2000..=2100).contains(y))
                        .ok_or_else(|| format!("bad year {year:?}"))?;
                    let province = match province {
                        None => None,
                        Some(p) => Some(
                            p.get(..2)
                                .filter(|_| p.len() == 2 || p.len() == 6)
                                .and_then(|pp| pp.parse::<u32>().ok())
                                .filter(|pp| (11..=82).contains(pp))
                                .ok_or_else(|| format!("bad province {p:?}"))?,
                        ),
                    };
                    if periods
                        .overrides
                        .iter()
                        .any(|(y, p, _)| *y == year && *p == province)
                    {
                        return Err(format!("{scope} is given twice"));
                    }
                    periods.overrides.push((year, province, period));
                }
            }
        }
        Ok(periods)
    }

    /// The period of `year` for an enterprise registered in `region` (the default when none is set for it).
    pub fn of(&self, year: i32, region: Option<RegionCode>) -> UpdatePeriod {
        let province = region.map(|r| r.province_prefix());
        let exact = self
            .overrides
            .iter()
            .find(|(y, p, _)| *y == year && p.is_some() && *p == province);
        let any_province = self
            .overrides
            .iter()
            .find(|(y, p, _)| *y == year && p.is_none());
        exact
            .or(any_province)
            .map(|(_, _, period)| *period)
            .unwrap_or(self.default)
    }

    /// Whether `day` lies in its year's period for `region`.
    pub fn contains(&self, day: Date, region: Option<RegionCode>) -> bool {
        self.of(day.year(), region).contains(day)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UpdateStatus {
    Draft,
    Submitted,
    Returned,
    Accepted,
    Withdrawn,
}

impl UpdateStatus {
    pub fn label(self) -> &'static str {
        match self {
            UpdateStatus::Draft => "草稿",
            UpdateStatus::Submitted => "未审核",
            UpdateStatus::Returned => "退回",
            UpdateStatus::Accepted => "已通过",
            UpdateStatus::Withdrawn => "撤回",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InfoUpdate {
    pub id: String,
    pub uscc: String,
    pub enterprise_name: String,
    pub year: i32,
    pub status: UpdateStatus,
    /// The region at creation (decides the reviewing county).
    pub region: String,
    /// The updated profile (the current one, copied at creation, then edited).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub profile: EnterpriseProfile,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The first submission (what counts for the 30 April deadline).
    #[serde(default, with = "crate::domain::timestamp::option")]
    pub first_submitted_at: Option<OffsetDateTime>,
    #[serde(with = "crate::domain::timestamp")]
    pub waiting_since: OffsetDateTime,
    #[serde(with = "crate::domain::timestamp")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::domain::timestamp")]
    pub updated_at: OffsetDateTime,
}

/// A yearly information update (年度信息更新) as shown, with its version.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InfoUpdateView {
    #[serde(flatten)]
    pub update: InfoUpdate,
    /// Left out by the officials' decision answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_label: Option<String>,
    pub version: u64,
}

impl InfoUpdateView {
    /// As the enterprise sees it: with the status's Chinese name.
    pub fn of(u: &Versioned<InfoUpdate>) -> Self {
        InfoUpdateView {
            status_label: Some(u.value.status.label().to_owned()),
            ..InfoUpdateView::decided(u)
        }
    }

    /// The officials' decision answer: the record and its version.
    pub fn decided(u: &Versioned<InfoUpdate>) -> Self {
        InfoUpdateView {
            update: u.value.clone(),
            status_label: None,
            version: u.version,
        }
    }
}

pub fn upd_pk(id: &str) -> String {
    format!("UPD#{id}")
}

pub const UPD_SK: &str = "UPD";

fn year_sk(year: i32) -> String {
    format!("UPDATE#{year}")
}

fn item(u: &InfoUpdate, version: u64) -> Item {
    Item::new(upd_pk(&u.id), UPD_SK, u)
        .with_gsi1(format!("ENT#{}#UPD", u.uscc), u.id.clone())
        .with_version(version)
}

fn queue_ops(u: &InfoUpdate) -> Vec<TxOp> {
    let region = crate::rules::region::RegionCode::parse(&u.region).ok();
    let waiting = region
        .filter(|_| u.status == UpdateStatus::Submitted)
        .map(|r| (Level::County, r, u.waiting_since));
    let entry = json!({"kind": "info_update", "id": u.id, "uscc": u.uscc, "enterprise_name": u.enterprise_name,
                       "year": u.year, "region": u.region, "status": "submitted", "level": "county",
                       "waiting_since": rfc3339(u.waiting_since), "submissions": 1});
    vec![queue_entry_op(
        &upd_pk(&u.id),
        "info_update",
        &u.id,
        waiting,
        &entry,
    )]
}

fn event(
    u: &InfoUpdate,
    action: &str,
    caller: &Principal,
    from: Option<UpdateStatus>,
    comment: Option<&str>,
) -> Event {
    Event::new(
        &format!("info_update.{action}"),
        &upd_pk(&u.id),
        Some(caller.account_id()),
        u.updated_at,
        json!({"info_update_id": u.id, "uscc": u.uscc, "year": u.year, "region": u.region,
               "actor_role": caller.role(), "actor_level": caller.level(),
               "waiting_level": (u.status == UpdateStatus::Submitted).then_some("county"),
               "transition": {"action": action, "from": from, "to": u.status, "comment": comment}}),
    )
}

async fn save(
    p: &Platform,
    before: &Versioned<InfoUpdate>,
    next: &InfoUpdate,
    ev: Event,
    extra: Vec<TxOp>,
) -> AppResult<u64> {
    let mut tx = Tx::new();
    tx.named(
        "update",
        TxOp::Put {
            item: item(next, before.version + 1),
            cond: Cond::VersionIs(before.version),
        },
    );
    tx.extend(queue_ops(next));
    tx.extend(extra);
    tx.extend([ev.tx_op()]);
    tx.commit(p).await.map_err(|e| match e {
        TxError::Condition("update") => AppError::new(
            ErrorCode::VersionConflict,
            "信息更新已被同时修改，请刷新后重试",
        ),
        other => other.into(),
    })?;
    Ok(before.version + 1)
}

impl Record for InfoUpdate {
    const NOT_FOUND: &'static str = "信息更新不存在";

    fn key(id: &str) -> (String, String) {
        (upd_pk(id), UPD_SK.to_owned())
    }

    fn owner_uscc(&self) -> &str {
        &self.uscc
    }

    /// Officials with jurisdiction over its region once submitted; operators always.
    fn visible_to_reviewer(&self, caller: &Principal) -> bool {
        match caller {
            Principal::Official { .. } => {
                self.status != UpdateStatus::Draft
                    && crate::rules::region::RegionCode::parse(&self.region)
                        .is_ok_and(|r| caller.has_jurisdiction_over(&r))
            }
            Principal::Operator { .. } => true,
            _ => false,
        }
    }
}

async fn load(p: &Platform, id: &str) -> AppResult<Option<Versioned<InfoUpdate>>> {
    repository::load(p, id).await
}

pub async fn load_own(
    p: &Platform,
    caller: &Principal,
    id: &str,
) -> AppResult<Versioned<InfoUpdate>> {
    repository::load_owned(p, caller, id).await
}

/// The update if the caller owns it, reviews it (an official with jurisdiction over its region, once
/// submitted) or is an operator; 404 otherwise.
pub async fn load_visible(
    p: &Platform,
    caller: &Principal,
    id: &str,
) -> AppResult<Versioned<InfoUpdate>> {
    repository::load_visible(p, caller, id).await
}

fn not_in_period(period: &UpdatePeriod, year: i32) -> AppError {
    AppError::new(
        ErrorCode::NotInUpdatePeriod,
        format!(
            "年度信息更新时间为每年 {} 至 {}（北京时间）",
            period
                .opens(year)
                .format(time::macros::format_description!("[month]月[day]日"))
                .unwrap_or_default(),
            period
                .closes(year)
                .format(time::macros::format_description!("[month]月[day]日"))
                .unwrap_or_default()
        ),
    )
}

/// The qualification that makes a yearly update due in `year`, or why none is.
fn due_for(quals: &[Qualification], year: i32, today: Date) -> Result<&Qualification, String> {
    let valid: Vec<&Qualification> = quals.iter().filter(|q| q.is_valid_on(today)).collect();
    if valid.is_empty() {
        return Err("仅持有有效资质的企业需要进行年度信息更新".into());
    }
    valid
        .into_iter()
        .find(|q| q.valid_from.year() != year)
        .ok_or_else(|| format!("资质于 {year} 年认定（或复核），本年度无需信息更新"))
}

/// Whether an enterprise registered in `region` is in its yearly update period (the profile is locked outside it
/// once recognised).
pub fn in_period(p: &Platform, now: OffsetDateTime, region: Option<RegionCode>) -> bool {
    p.policy.update_period.contains(china_date(now), region)
}

/// Recognised 专精特新 before this day: such an enterprise completes the digital self-assessment before its yearly
/// update (the manual's 注2 under 信息更新: 去自评, then the basic information, then the update).
pub const DIGITAL_ASSESSMENT_BEFORE: Date = time::macros::date!(2022 - 09 - 01);

/// `DIGITAL_ASSESSMENT_REQUIRED` when the enterprise holds a valid 专精特新 qualification recognised before
/// [`DIGITAL_ASSESSMENT_BEFORE`] and has no digital self-assessment yet; the answer names where to take it.
async fn check_digital_assessment_first(
    p: &Platform,
    uscc: &str,
    quals: &[Qualification],
    today: Date,
) -> AppResult<()> {
    let early = quals.iter().any(|q| {
        q.tier == crate::domain::tier::Tier::Specialized
            && q.is_valid_on(today)
            && q.valid_from < DIGITAL_ASSESSMENT_BEFORE
    });
    if !early || records::latest_digital_assessment(p, uscc).await?.is_some() {
        return Ok(());
    }
    Err(AppError::new(
        ErrorCode::DigitalAssessmentRequired,
        "贵企业于2022年9月前认定为专精特新中小企业，请先完成数字化水平自评测（去自评：企业服务 → 数字化水平自评，         接口 GET /v1/digital-assessments/questionnaire、POST /v1/digital-assessments），再完善企业基本信息，然后进行信息更新",
    )
    .with_extra("path", json!("/v1/digital-assessments"))
    .with_extra(
        "questionnaire",
        json!("/v1/digital-assessments/questionnaire"),
    ))
}

/// The region an enterprise is registered in (its profile's), if known.
async fn region_of(p: &Platform, uscc: &str) -> AppResult<Option<RegionCode>> {
    Ok(records::load_profile(p, uscc)
        .await?
        .and_then(|v| v.value.region))
}

/// `POST /v1/info-updates`.
pub async fn create(p: &Platform, caller: &Principal) -> AppResult<Versioned<InfoUpdate>> {
    let uscc = require_enterprise(caller)?.to_owned();
    let now = p.clock.now();
    let today = china_date(now);
    let year = china_year(now);
    let period = p.policy.update_period.of(year, region_of(p, &uscc).await?);
    if !period.contains(today) {
        return Err(not_in_period(&period, year));
    }
    let quals = records::qualifications(p, &uscc).await?;
    due_for(&quals, year, today).map_err(|why| AppError::new(ErrorCode::UpdateNotRequired, why))?;
    check_digital_assessment_first(p, &uscc, &quals, today).await?;
    let profile = records::load_profile(p, &uscc)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::ProfileIncomplete, "请先填写企业基本信息"))?
        .value;
    let region = profile
        .region
        .map(|r| format!("{:06}", r.value()))
        .ok_or_else(|| AppError::new(ErrorCode::ProfileIncomplete, "企业基本信息缺少注册地"))?;
    let u = InfoUpdate {
        id: new_id(now),
        uscc: uscc.clone(),
        enterprise_name: profile.name.clone(),
        year,
        status: UpdateStatus::Draft,
        region,
        profile,
        comment: None,
        first_submitted_at: None,
        waiting_since: now,
        created_at: now,
        updated_at: now,
    };
    let ev = event(&u, "create", caller, None, None);
    let mut tx = Tx::new();
    tx.named(
        "year",
        TxOp::Put {
            item: Item::new(
                ent_pk(&uscc),
                year_sk(year),
                &json!({"info_update_id": u.id}),
            ),
            cond: Cond::Absent,
        },
    );
    tx.extend([
        TxOp::Put {
            item: item(&u, 1),
            cond: Cond::Absent,
        },
        ev.tx_op(),
    ]);
    match tx.commit(p).await {
        Ok(()) => Ok(Versioned {
            value: u,
            version: 1,
        }),
        Err(TxError::Condition("year")) => Err(AppError::new(
            ErrorCode::DuplicateDeclaration,
            format!("{year} 年度已有信息更新，请在原记录上继续"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `GET /v1/info-updates`: newest first.
pub async fn list(
    p: &Platform,
    caller: &Principal,
    limit: u32,
    cursor: Option<String>,
) -> AppResult<(Vec<Versioned<InfoUpdate>>, Option<String>)> {
    let uscc = require_enterprise(caller)?;
    let page = p
        .store
        .query(
            Query::gsi1(format!("ENT#{uscc}#UPD"))
                .backward()
                .limit(limit)
                .after(cursor),
        )
        .await?;
    let items = page
        .items
        .iter()
        .map(|i| {
            Ok(Versioned {
                value: i.decode()?,
                version: i.version,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, page.next_cursor))
}

/// `PUT /v1/info-updates/{id}` with `{profile: …}` (the same body as `PUT /v1/enterprise`).
pub async fn save_draft(
    p: &Platform,
    caller: &Principal,
    id: &str,
    if_match: Option<u64>,
    input: ProfileInput,
) -> AppResult<Versioned<InfoUpdate>> {
    let before = load_own(p, caller, id).await?;
    check_if_match(if_match, before.version)?;
    if !matches!(
        before.value.status,
        UpdateStatus::Draft | UpdateStatus::Returned
    ) {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            format!("当前状态（{}）不能修改", before.value.status.label()),
        ));
    }
    let now = p.clock.now();
    let mut next = before.value.clone();
    next.profile
        .apply(input, china_date(now))
        .map_err(|errors| {
            AppError::validation(
                errors
                    .into_iter()
                    .map(|mut e| {
                        e.field = format!("profile.{}", e.field);
                        e
                    })
                    .collect(),
            )
        })?;
    next.updated_at = now;
    let ev = event(&next, "save", caller, Some(before.value.status), None);
    let version = save(p, &before, &next, ev, Vec::new()).await?;
    Ok(Versioned {
        value: next,
        version,
    })
}

/// `POST /v1/info-updates/{id}/submit`: inside the period (a returned update may be resubmitted after it), with
/// the prior year's figures.
pub async fn submit(
    p: &Platform,
    caller: &Principal,
    id: &str,
    if_match: Option<u64>,
) -> AppResult<Versioned<InfoUpdate>> {
    let before = load_own(p, caller, id).await?;
    check_if_match(if_match, before.version)?;
    let now = p.clock.now();
    let u = &before.value;
    match u.status {
        UpdateStatus::Draft => {
            let period = p
                .policy
                .update_period
                .of(u.year, RegionCode::parse(&u.region).ok());
            if !period.contains(china_date(now)) || china_year(now) != u.year {
                return Err(not_in_period(&period, u.year));
            }
        }
        UpdateStatus::Returned => {}
        other => {
            return Err(AppError::new(
                ErrorCode::InvalidState,
                format!("当前状态（{}）不能提交", other.label()),
            ));
        }
    }
    if u.profile.year(u.year - 1).is_none() {
        return Err(AppError::new(
            ErrorCode::ProfileIncomplete,
            format!("请填写 {} 年度的主要经济指标", u.year - 1),
        )
        .with_extra(
            "missing",
            json!([format!("financials[year={}]", u.year - 1)]),
        ));
    }
    let mut next = u.clone();
    next.status = UpdateStatus::Submitted;
    next.first_submitted_at.get_or_insert(now);
    next.waiting_since = now;
    next.updated_at = now;
    let ev = event(&next, "submit", caller, Some(u.status), None);
    let version = save(p, &before, &next, ev, Vec::new()).await?;
    Ok(Versioned {
        value: next,
        version,
    })
}

/// `POST /v1/info-updates/{id}/withdraw` `{mode: cancel|modify}`: only while no official has decided.
pub async fn withdraw(
    p: &Platform,
    caller: &Principal,
    id: &str,
    if_match: Option<u64>,
    mode: crate::domain::declaration::WithdrawMode,
) -> AppResult<Versioned<InfoUpdate>> {
    let before = load_own(p, caller, id).await?;
    check_if_match(if_match, before.version)?;
    if before.value.status != UpdateStatus::Submitted {
        return Err(AppError::new(
            ErrorCode::NotWithdrawable,
            "仅未审核的信息更新可以撤回",
        ));
    }
    let now = p.clock.now();
    let mut next = before.value.clone();
    next.status = match mode {
        crate::domain::declaration::WithdrawMode::Cancel => UpdateStatus::Withdrawn,
        crate::domain::declaration::WithdrawMode::Modify => UpdateStatus::Draft,
    };
    next.updated_at = now;
    next.waiting_since = now;
    let mut extra = Vec::new();
    if next.status == UpdateStatus::Withdrawn {
        // The year is free for a new update.
        extra.push(TxOp::Delete {
            pk: ent_pk(&next.uscc),
            sk: year_sk(next.year),
            cond: Cond::Always,
        });
    }
    let action = if next.status == UpdateStatus::Withdrawn {
        "withdraw_cancel"
    } else {
        "withdraw_modify"
    };
    let ev = event(&next, action, caller, Some(before.value.status), None);
    let version = save(p, &before, &next, ev, extra).await?;
    Ok(Versioned {
        value: next,
        version,
    })
}

/// `POST /v1/admin/info-updates/{id}/decision` `{decision: accept|return, comment}` by the county official of
/// the enterprise's region; acceptance replaces the profile.
pub async fn decide(
    p: &Platform,
    caller: &Principal,
    id: &str,
    decision: &str,
    comment: &str,
) -> AppResult<Versioned<InfoUpdate>> {
    if caller.role() != Role::Official || caller.level() != Some(Level::County) {
        return Err(AppError::forbidden(
            "年度信息更新由企业所在区县主管部门审核",
        ));
    }
    let before = load(p, id)
        .await?
        .ok_or_else(|| AppError::not_found("信息更新不存在"))?;
    let visible = crate::rules::region::RegionCode::parse(&before.value.region)
        .is_ok_and(|r| caller.has_jurisdiction_over(&r))
        && before.value.status != UpdateStatus::Draft;
    if !visible {
        return Err(AppError::not_found("信息更新不存在"));
    }
    if before.value.status != UpdateStatus::Submitted {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            format!("当前状态（{}）不能审核", before.value.status.label()),
        ));
    }
    let now = p.clock.now();
    let mut next = before.value.clone();
    next.updated_at = now;
    next.waiting_since = now;
    let mut extra = Vec::new();
    match decision {
        "accept" => {
            next.status = UpdateStatus::Accepted;
            let current = records::load_profile(p, &next.uscc).await?;
            let (version, cond) = match &current {
                Some(c) => (c.version + 1, Cond::VersionIs(c.version)),
                None => (1, Cond::Absent),
            };
            let mut profile = next.profile.clone();
            // Name and USCC are not the update's to change (a rename is a change report).
            if let Some(c) = &current {
                profile.name = c.value.name.clone();
            }
            extra.push(TxOp::Put {
                item: Item::new(ent_pk(&next.uscc), "PROFILE", &profile).with_version(version),
                cond,
            });
        }
        "return" => {
            if comment.trim().is_empty() {
                return Err(AppError::field("comment", "REQUIRED", "退回须填写意见"));
            }
            next.status = UpdateStatus::Returned;
        }
        _ => {
            return Err(AppError::field(
                "decision",
                "INVALID_DECISION",
                "decision 须为 accept 或 return",
            ));
        }
    }
    next.comment = Some(comment.trim().to_owned()).filter(|c| !c.is_empty());
    let action = if next.status == UpdateStatus::Accepted {
        "accept"
    } else {
        "return"
    };
    let ev = event(
        &next,
        action,
        caller,
        Some(before.value.status),
        next.comment.as_deref(),
    );
    let version = save(p, &before, &next, ev, extra).await?;
    Ok(Versioned {
        value: next,
        version,
    })
}

/// Whether the enterprise filed (submitted, and did not withdraw) its update of `year`.
pub async fn filed(p: &Platform, uscc: &str, year: i32) -> AppResult<bool> {
    let Some(pointer) = p.store.get(&ent_pk(uscc), &year_sk(year)).await? else {
        return Ok(false);
    };
    let id = pointer.decode::<Value>()?["info_update_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok(load(p, &id).await?.is_some_and(|u| {
        u.value.first_submitted_at.is_some() && u.value.status != UpdateStatus::Withdrawn
    }))
}

/// The years since `q` began whose update was not submitted by the period's last day (re-review eligibility).
pub async fn missed_years(
    p: &Platform,
    uscc: &str,
    q: &Qualification,
    now: OffsetDateTime,
) -> AppResult<Vec<i32>> {
    let today = china_date(now);
    let region = region_of(p, uscc).await?;
    let mut missed = Vec::new();
    for year in (q.valid_from.year() + 1)..=today.year() {
        let period = p.policy.update_period.of(year, region);
        if today <= period.closes(year) {
            continue; // this year's period has not ended yet
        }
        let on_time = match p.store.get(&ent_pk(uscc), &year_sk(year)).await? {
            Some(pointer) => {
                let id = pointer.decode::<Value>()?["info_update_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                match load(p, &id).await? {
                    Some(u) => {
                        u.value
                            .first_submitted_at
                            .is_some_and(|t| china_date(t) <= period.closes(year))
                            && u.value.status != UpdateStatus::Withdrawn
                    }
                    None => false,
                }
            }
            None => false,
        };
        if !on_time {
            missed.push(year);
        }
    }
    Ok(missed)
}

/// [`missed_years`] of each of `quals` (same order) in a constant number of store calls: the enterprise's updates
/// come from one query of its update list (`gsi1 = ENT#<uscc>#UPD`) instead of a pointer and a record per elapsed
/// year, and the region is the caller's (it has the profile). A year counts as updated on time when one of its
/// updates that is not withdrawn was first submitted by the period's last day — the one the year's pointer names,
/// since an update holds the pointer from its creation until it is withdrawn. The list is an index (eventually
/// consistent on DynamoDB): what it may lag behind by is an update changed in the last moment, while the years
/// judged here have closed periods.
pub async fn missed_years_of_all(
    p: &Platform,
    uscc: &str,
    region: Option<RegionCode>,
    quals: &[Qualification],
    now: OffsetDateTime,
) -> AppResult<Vec<Vec<i32>>> {
    let today = china_date(now);
    let elapsed = |q: &Qualification| {
        ((q.valid_from.year() + 1)..=today.year())
            .filter(|year| today > p.policy.update_period.of(*year, region).closes(*year))
            .collect::<Vec<i32>>()
    };
    let years: Vec<Vec<i32>> = quals.iter().map(elapsed).collect();
    if years.iter().all(Vec::is_empty) {
        return Ok(years);
    }
    let mut on_time = std::collections::BTreeSet::new();
    let mut cursor = None;
    loop {
        let page = p
            .store
            .query(
                Query::gsi1(format!("ENT#{uscc}#UPD"))
                    .limit(100)
                    .after(cursor),
            )
            .await?;
        for item in &page.items {
            let u: InfoUpdate = item.decode()?;
            let closes = p.policy.update_period.of(u.year, region).closes(u.year);
            if u.status != UpdateStatus::Withdrawn
                && u.first_submitted_at
                    .is_some_and(|t| china_date(t) <= closes)
            {
                on_time.insert(u.year);
            }
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    Ok(years
        .into_iter()
        .map(|ys| ys.into_iter().filter(|y| !on_time.contains(y)).collect())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn region(code: &str) -> Option<RegionCode> {
        RegionCode::parse(code).ok()
    }

    #[test]
    fn the_update_view_is_the_record_flat_with_its_version_and_the_decision_answer_has_no_label() {
        let at = time::macros::datetime!(2026-03-01 02:00 UTC);
        let u = Versioned {
            value: InfoUpdate {
                id: "U1".into(),
                uscc: "91330106MA2B3C4D5E".into(),
                enterprise_name: "甲公司".into(),
                year: 2026,
                status: UpdateStatus::Submitted,
                region: "330106".into(),
                profile: EnterpriseProfile::new("甲公司", "91330106MA2B3C4D5E"),
                comment: None,
                first_submitted_at: None,
                waiting_since: at,
                created_at: at,
                updated_at: at,
            },
            version: 4,
        };
        let shown = serde_json::to_value(InfoUpdateView::of(&u)).unwrap();
        assert_eq!(shown["id"], "U1");
        assert_eq!(shown["version"], 4);
        assert_eq!(shown["status_label"], UpdateStatus::Submitted.label());
        assert_eq!(shown["created_at"], "2026-03-01T02:00:00Z");
        assert!(shown["first_submitted_at"].is_null());
        let decided = serde_json::to_value(InfoUpdateView::decided(&u)).unwrap();
        assert!(decided.get("status_label").is_none());
        assert_eq!(decided["version"], 4);
    }

    #[test]
    fn the_update_period_is_set_per_year_and_province_and_the_most_specific_wins() {
        let periods =
            UpdatePeriods::parse("01-01/04-30;2026:01-01/05-31;2027@33:01-01/05-15").unwrap();
        let zj = region("330106");
        let js = region("320102");
        // 2026: every province until 31 May.
        assert!(periods.contains(date!(2026 - 05 - 31), js));
        assert!(!periods.contains(date!(2026 - 06 - 01), js));
        // 2027: Zhejiang until 15 May, the others the default 30 April.
        assert!(periods.contains(date!(2027 - 05 - 15), zj));
        assert!(!periods.contains(date!(2027 - 05 - 16), zj));
        assert!(periods.contains(date!(2027 - 04 - 30), js));
        assert!(!periods.contains(date!(2027 - 05 - 01), js));
        assert!(!periods.contains(date!(2027 - 05 - 01), None));
        // The default alone.
        assert_eq!(
            UpdatePeriods::parse("01-01/04-30").unwrap(),
            UpdatePeriods::default()
        );
        assert_eq!(
            UpdatePeriods::parse("").unwrap().of(2026, zj),
            UpdatePeriod::default()
        );
        // 2-digit or 6-digit province codes; refused: bad years, provinces, periods, duplicates.
        assert_eq!(
            UpdatePeriods::parse("2026@330000:01-01/05-31").unwrap(),
            UpdatePeriods::parse("2026@33:01-01/05-31").unwrap()
        );
        for bad in [
            "2026:05-31/01-01",
            "20x6:01-01/05-31",
            "2026@99:01-01/05-31",
            "2026@3:01-01/05-31",
            "2026:01-01/05-31;2026:01-01/05-30",
            "01-01",
        ] {
            assert!(UpdatePeriods::parse(bad).is_err(), "{bad}");
        }
    }
}
