//! Major-change reports (重大变化情况报告, RULES.md §1.9): rename, merger, restructure, cross-province relocation,
//! overseas branch, with the day it happened and details; a report filed more than 3 months after the change is
//! accepted but marked late, visible to officials. The county official of the enterprise's region accepts or
//! returns it; an accepted rename or relocation updates the profile (a relocation moves the enterprise to the new
//! region's officials).
//!
//! Records: `pk = CHG#<id>, sk = CHG` (`gsi1 = (ENT#<uscc>#CHG, <id>)`), its queue entry while submitted, events.

use crate::domain::calendar::china_date;
use crate::domain::principal::{Level, Principal, Role};
use crate::domain::timestamp::rfc3339;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::ports::{Cond, Item, Query, StoreError, TxOp};
use crate::rules::region::{RegionCode, RegionLevel};
use crate::services::common::require_enterprise;
use crate::services::events::{Event, new_id};
use crate::services::records::{ent_pk, queue_entry_op};
use crate::services::repository::{self, Record};
use crate::services::{Platform, records};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, OffsetDateTime};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// 更名
    Rename,
    /// 合并
    Merger,
    /// 重组
    Restructure,
    /// 跨省迁移
    Relocation,
    /// 设立境外分支机构
    OverseasBranch,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Rename => "更名",
            ChangeKind::Merger => "合并",
            ChangeKind::Restructure => "重组",
            ChangeKind::Relocation => "跨省迁移",
            ChangeKind::OverseasBranch => "设立境外分支机构",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Submitted,
    Accepted,
    Returned,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeReport {
    pub id: String,
    pub uscc: String,
    pub enterprise_name: String,
    pub kind: ChangeKind,
    #[serde(with = "crate::domain::enterprise::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub occurred_on: Date,
    pub details: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_region: Option<String>,
    /// The region when filed (decides the reviewing county).
    pub region: String,
    #[serde(with = "crate::domain::enterprise::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub filed_on: Date,
    /// Filed more than 3 months after the change.
    pub late: bool,
    pub status: ReportStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(with = "crate::domain::timestamp")]
    pub waiting_since: OffsetDateTime,
    #[serde(with = "crate::domain::timestamp")]
    pub updated_at: OffsetDateTime,
}

/// `POST /v1/change-reports` body.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewChangeReport {
    pub kind: ChangeKind,
    /// `YYYY-MM-DD`.
    pub occurred_on: String,
    pub details: String,
    /// Required for `rename`.
    pub new_name: Option<String>,
    /// Required for `relocation`: the new county-level code (in another province).
    pub new_region: Option<String>,
}

/// Three calendar months after `d` (31 March → 30 June; end-of-month days fall back).
pub fn three_months_after(d: Date) -> Date {
    let month0 = d.month() as i32 - 1 + 3;
    let year = d.year() + month0 / 12;
    let month = time::Month::try_from((month0 % 12 + 1) as u8).unwrap_or(time::Month::January);
    let mut day = d.day();
    loop {
        if let Ok(x) = Date::from_calendar_date(year, month, day) {
            return x;
        }
        day -= 1;
    }
}

impl Record for ChangeReport {
    const NOT_FOUND: &'static str = "报告不存在";

    fn key(id: &str) -> (String, String) {
        (chg_pk(id), "CHG".to_owned())
    }

    fn owner_uscc(&self) -> &str {
        &self.uscc
    }

    /// The officials with jurisdiction over the enterprise's region; operators.
    fn visible_to_reviewer(&self, caller: &Principal) -> bool {
        match caller {
            Principal::Official { .. } => {
                RegionCode::parse(&self.region).is_ok_and(|r| caller.has_jurisdiction_over(&r))
            }
            Principal::Operator { .. } => true,
            _ => false,
        }
    }
}

fn chg_pk(id: &str) -> String {
    format!("CHG#{id}")
}

fn item(r: &ChangeReport, version: u64) -> Item {
    Item::new(chg_pk(&r.id), "CHG", r)
        .with_gsi1(format!("ENT#{}#CHG", r.uscc), r.id.clone())
        .with_version(version)
}

fn queue_ops(r: &ChangeReport) -> Vec<TxOp> {
    let waiting = RegionCode::parse(&r.region)
        .ok()
        .filter(|_| r.status == ReportStatus::Submitted)
        .map(|region| (Level::County, region, r.waiting_since));
    let entry = json!({"kind": "change_report", "id": r.id, "uscc": r.uscc, "enterprise_name": r.enterprise_name,
                       "change_kind": r.kind, "late": r.late, "region": r.region, "status": "submitted",
                       "level": "county", "waiting_since": rfc3339(r.waiting_since)});
    vec![queue_entry_op(
        &chg_pk(&r.id),
        "change_report",
        &r.id,
        waiting,
        &entry,
    )]
}

fn event(r: &ChangeReport, action: &str, caller: &Principal, comment: Option<&str>) -> Event {
    Event::new(
        &format!("change_report.{action}"),
        &chg_pk(&r.id),
        Some(caller.account_id()),
        r.updated_at,
        json!({"change_report_id": r.id, "uscc": r.uscc, "kind": r.kind, "late": r.late, "region": r.region,
               "actor_role": caller.role(), "actor_level": caller.level(),
               "waiting_level": (r.status == ReportStatus::Submitted).then_some("county"),
               "transition": {"action": action, "to": r.status, "comment": comment}}),
    )
}

/// File a report.
pub async fn create(
    p: &Platform,
    caller: &Principal,
    req: &NewChangeReport,
) -> AppResult<ChangeReport> {
    let uscc = require_enterprise(caller)?.to_owned();
    let now = p.clock.now();
    let today = china_date(now);
    let profile = records::load_profile(p, &uscc)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::ProfileIncomplete, "请先填写企业基本信息"))?
        .value;
    let region = profile
        .region
        .ok_or_else(|| AppError::new(ErrorCode::ProfileIncomplete, "企业基本信息缺少注册地"))?;
    let mut errors = Vec::new();
    let occurred_on = match Date::parse(
        req.occurred_on.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        Ok(d) if d > today => {
            errors.push(FieldError::new(
                "occurred_on",
                "IN_FUTURE",
                "变化发生日期不能晚于今天",
            ));
            None
        }
        Ok(d) if d.year() < 1949 => {
            errors.push(FieldError::new(
                "occurred_on",
                "IMPLAUSIBLE",
                "变化发生日期不能早于1949年",
            ));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(
                "occurred_on",
                "INVALID_DATE",
                "日期格式应为 YYYY-MM-DD",
            ));
            None
        }
    };
    let details = req.details.trim().to_owned();
    if details.is_empty() || details.chars().count() > 2000 {
        errors.push(FieldError::new(
            "details",
            "INVALID_DETAILS",
            "请填写变化情况说明（最多 2000 字）",
        ));
    }
    let new_name = req
        .new_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if req.kind == ChangeKind::Rename && new_name.as_ref().is_none_or(|n| n.chars().count() > 100) {
        errors.push(FieldError::new(
            "new_name",
            "REQUIRED",
            "更名须填写新的企业名称（最多 100 字）",
        ));
    }
    let new_region = match (
        req.kind,
        req.new_region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty()),
    ) {
        (ChangeKind::Relocation, None) => {
            errors.push(FieldError::new(
                "new_region",
                "REQUIRED",
                "跨省迁移须填写迁入地的县级行政区划代码",
            ));
            None
        }
        (ChangeKind::Relocation, Some(raw)) => match RegionCode::parse(raw) {
            Ok(r) if r.level() != RegionLevel::County => {
                errors.push(FieldError::new(
                    "new_region",
                    "REGION_NOT_COUNTY",
                    "请选择县级行政区划",
                ));
                None
            }
            Ok(r) if r.province_prefix() == region.province_prefix() => {
                errors.push(FieldError::new(
                    "new_region",
                    "SAME_PROVINCE",
                    "跨省迁移的迁入地须在其他省份",
                ));
                None
            }
            Ok(r) => Some(format!("{:06}", r.value())),
            Err(e) => {
                errors.push(FieldError::new("new_region", e.code(), e.to_string()));
                None
            }
        },
        _ => None,
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let occurred_on = occurred_on.ok_or_else(|| AppError::internal("checked above"))?;
    let report = ChangeReport {
        id: new_id(now),
        uscc: uscc.clone(),
        enterprise_name: profile.name.clone(),
        kind: req.kind,
        occurred_on,
        details,
        new_name,
        new_region,
        region: format!("{:06}", region.value()),
        filed_on: today,
        late: today > three_months_after(occurred_on),
        status: ReportStatus::Submitted,
        comment: None,
        waiting_since: now,
        updated_at: now,
    };
    let mut ops = vec![TxOp::Put {
        item: item(&report, 1),
        cond: Cond::Absent,
    }];
    ops.extend(queue_ops(&report));
    ops.push(event(&report, "submit", caller, None).tx_op());
    p.store.transact(ops).await?;
    Ok(report)
}

/// The enterprise's reports, newest first.
pub async fn list(
    p: &Platform,
    caller: &Principal,
    limit: u32,
    cursor: Option<String>,
) -> AppResult<(Vec<ChangeReport>, Option<String>)> {
    let uscc = require_enterprise(caller)?;
    let page = p
        .store
        .query(
            Query::gsi1(format!("ENT#{uscc}#CHG"))
                .backward()
                .limit(limit)
                .after(cursor),
        )
        .await?;
    let items = page
        .items
        .iter()
        .map(|i| i.decode().map_err(AppError::from))
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, page.next_cursor))
}

/// Accept or return (county official of the region at filing).
pub async fn decide(
    p: &Platform,
    caller: &Principal,
    id: &str,
    decision: &str,
    comment: &str,
) -> AppResult<ChangeReport> {
    if caller.role() != Role::Official || caller.level() != Some(Level::County) {
        return Err(AppError::forbidden(
            "重大变化报告由企业所在区县主管部门审核",
        ));
    }
    let stored = repository::load_visible::<ChangeReport>(p, caller, id).await?;
    let before = stored.value;
    if before.status != ReportStatus::Submitted {
        return Err(AppError::new(ErrorCode::InvalidState, "该报告已审核"));
    }
    let now = p.clock.now();
    let mut next = before.clone();
    next.updated_at = now;
    next.waiting_since = now;
    next.comment = Some(comment.trim().to_owned()).filter(|c| !c.is_empty());
    let mut extra = Vec::new();
    match decision {
        "accept" => {
            next.status = ReportStatus::Accepted;
            if next.new_name.is_some() || next.new_region.is_some() {
                let current = records::load_profile(p, &next.uscc)
                    .await?
                    .ok_or_else(|| AppError::internal("profile of a reporting enterprise"))?;
                let mut profile = current.value.clone();
                if let Some(name) = &next.new_name {
                    profile.name = name.clone();
                }
                if let Some(region) = next
                    .new_region
                    .as_deref()
                    .and_then(|r| RegionCode::parse(r).ok())
                {
                    profile.region = Some(region);
                }
                extra.push(TxOp::Put {
                    item: Item::new(ent_pk(&next.uscc), "PROFILE", &profile)
                        .with_version(current.version + 1),
                    cond: Cond::VersionIs(current.version),
                });
            }
        }
        "return" => {
            if next.comment.is_none() {
                return Err(AppError::field("comment", "REQUIRED", "退回须填写意见"));
            }
            next.status = ReportStatus::Returned;
        }
        _ => {
            return Err(AppError::field(
                "decision",
                "INVALID_DECISION",
                "decision 须为 accept 或 return",
            ));
        }
    }
    let mut ops = vec![TxOp::Put {
        item: item(&next, stored.version + 1),
        cond: Cond::VersionIs(stored.version),
    }];
    ops.extend(queue_ops(&next));
    ops.append(&mut extra);
    let action = if next.status == ReportStatus::Accepted {
        "accept"
    } else {
        "return"
    };
    ops.push(event(&next, action, caller, next.comment.as_deref()).tx_op());
    p.store.transact(ops).await.map_err(|e| match e {
        StoreError::ConditionFailed { .. } => {
            AppError::new(ErrorCode::VersionConflict, "记录已被同时修改，请刷新后重试")
        }
        other => other.into(),
    })?;
    Ok(next)
}

/// Returned reports of an enterprise whose 3-month deadline falls within `days` days from `today` (inclusive):
/// (report id, deadline).
pub async fn returned_due(
    p: &Platform,
    uscc: &str,
    today: Date,
    days: i64,
) -> AppResult<Vec<(String, Date)>> {
    let mut out = Vec::new();
    let query = Query::gsi1(format!("ENT#{uscc}#CHG"));
    for item in crate::ports::query_all(p.store.as_ref(), query).await? {
        let r: ChangeReport = item.decode()?;
        let deadline = three_months_after(r.occurred_on);
        if r.status == ReportStatus::Returned
            && today <= deadline
            && deadline <= today + time::Duration::days(days)
        {
            out.push((r.id, deadline));
        }
    }
    Ok(out)
}

/// A major-change report (重大变更) as shown to its enterprise and its reviewers: the record with its kind's
/// Chinese name.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeReportView {
    #[serde(flatten)]
    pub report: ChangeReport,
    pub kind_label: String,
}

/// The view of a report, for lists and answers.
pub fn view(r: &ChangeReport) -> ChangeReportView {
    ChangeReportView {
        report: r.clone(),
        kind_label: r.kind.label().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn three_months_later_keeps_the_day_or_falls_back_to_the_month_end() {
        assert_eq!(
            three_months_after(date!(2026 - 01 - 15)),
            date!(2026 - 04 - 15)
        );
        assert_eq!(
            three_months_after(date!(2025 - 11 - 30)),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            three_months_after(date!(2026 - 03 - 31)),
            date!(2026 - 06 - 30)
        );
        assert_eq!(
            three_months_after(date!(2026 - 10 - 01)),
            date!(2027 - 01 - 01)
        );
    }
}
