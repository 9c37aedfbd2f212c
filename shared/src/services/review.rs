//! Officials (主管部门) and their actions on declarations: creating official accounts, starting a review, and
//! deciding at the official's own level. Jurisdiction is enforced here: outside it a declaration is 404.

use crate::domain::account::{Account, OfficialScope};
use crate::domain::declaration::{Action, Decision, Declaration, Status};
use crate::domain::principal::{Level, Principal, Role};
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult, FieldError};
use crate::ports::Query;
use crate::rules::region::{RegionCode, RegionLevel};
use crate::services::accounts::{self, Registration};
use crate::services::common::{Versioned, check_if_match};
use crate::services::records::{Summary, save_transition, transition_error};
use crate::services::review_views::{
    AdminEnterpriseView, AdminQualification, QueueEntry, QueuedRecord, RevocationResult,
    SizeClassView,
};
use crate::services::{Platform, eligibility, records};
use serde::Deserialize;

/// `POST /v1/admin/officials` body.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOfficial {
    pub login_name: String,
    pub password: String,
    /// Mobile number for password resets (required: officials reset like everyone else).
    pub phone: String,
    pub email: Option<String>,
    /// `county`, `city`, `province` or `ministry`.
    pub level: Level,
    /// A GB/T 2260 code of that level; omitted for the ministry.
    pub region: Option<String>,
}

fn region_level(level: Level) -> Option<RegionLevel> {
    match level {
        Level::County => Some(RegionLevel::County),
        Level::City => Some(RegionLevel::City),
        Level::Province => Some(RegionLevel::Province),
        Level::Ministry => None,
    }
}

/// Create an official: operators any; an official only below its own level inside its own region.
pub async fn create_official(
    p: &Platform,
    caller: &Principal,
    req: &NewOfficial,
) -> AppResult<Account> {
    let region = match (
        req.level,
        req.region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty()),
    ) {
        (Level::Ministry, None) => None,
        (Level::Ministry, Some(_)) => {
            return Err(AppError::field(
                "region",
                "NO_REGION_FOR_MINISTRY",
                "工业和信息化部账户不填写地区",
            ));
        }
        (_, None) => {
            return Err(AppError::field(
                "region",
                "REQUIRED",
                "请填写与级别对应的行政区划代码",
            ));
        }
        (level, Some(raw)) => {
            let code = RegionCode::parse(raw)
                .map_err(|e| AppError::field("region", e.code(), e.to_string()))?;
            if Some(code.level()) != region_level(level) {
                return Err(AppError::field(
                    "region",
                    "LEVEL_MISMATCH",
                    format!(
                        "{} 是{}行政区划，与账户级别不符",
                        code.full_name(),
                        code.level().label()
                    ),
                ));
            }
            Some(code)
        }
    };
    let allowed = match caller.role() {
        Role::Operator => true,
        Role::Official => {
            let below = caller.level().is_some_and(|own| req.level < own);
            let inside = match region {
                Some(r) => caller.has_jurisdiction_over(&r),
                None => false,
            };
            below && inside
        }
        _ => false,
    };
    if !allowed {
        return Err(AppError::forbidden("只能为本辖区内的下级主管部门创建账户"));
    }
    let reg = Registration::parse(
        &req.login_name,
        &req.password,
        &req.phone,
        req.email.as_deref(),
    )?;
    let scope = OfficialScope {
        level: req.level,
        region: region.map(|r| format!("{:06}", r.value())),
    };
    accounts::register(
        p,
        reg,
        Some(Role::Official),
        Some(scope),
        Some(caller.account_id()),
    )
    .await
}

/// The official's level, or 403 for other roles.
fn official_level(caller: &Principal) -> AppResult<Level> {
    match (caller.role(), caller.level()) {
        (Role::Official, Some(level)) => Ok(level),
        _ => Err(AppError::forbidden("仅主管部门可以审核申报")),
    }
}

/// A declaration the official may act on: inside its jurisdiction (else 404).
async fn load_for_review(
    p: &Platform,
    caller: &Principal,
    id: &str,
) -> AppResult<Versioned<Declaration>> {
    let d = records::load(p, id)
        .await?
        .ok_or_else(|| AppError::not_found("申报不存在"))?;
    if !caller.has_jurisdiction_over(&d.value.region)
        || d.value.status == crate::domain::declaration::Status::Draft
    {
        return Err(AppError::not_found("申报不存在"));
    }
    Ok(d)
}

/// 开始审核 (未审核 → 审核中) at the official's level.
pub async fn start(
    p: &Platform,
    caller: &Principal,
    id: &str,
    if_match: Option<u64>,
) -> AppResult<Versioned<Declaration>> {
    let level = official_level(caller)?;
    let before = load_for_review(p, caller, id).await?;
    check_if_match(if_match, before.version)?;
    let now = p.clock.now();
    let (next, t) = before
        .value
        .apply(Action::StartReview { level }, now)
        .map_err(transition_error)?;
    let version = save_transition(p, &before, &next, &t, caller, Vec::new()).await?;
    Ok(Versioned {
        value: next,
        version,
    })
}

/// `POST /v1/admin/declarations/{id}/decision` body.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionRequest {
    pub decision: Decision,
    /// Required for `return` and `reject`.
    #[serde(default)]
    pub comment: String,
}

/// 审核意见 at the official's level: pass (next level or publicity), return (退回), reject (不通过).
pub async fn decide(
    p: &Platform,
    caller: &Principal,
    id: &str,
    if_match: Option<u64>,
    req: &DecisionRequest,
    kind: crate::domain::declaration::Kind,
) -> AppResult<Versioned<Declaration>> {
    let level = official_level(caller)?;
    if req.decision != Decision::Pass && req.comment.trim().is_empty() {
        return Err(AppError::validation(vec![FieldError::new(
            "comment",
            "REQUIRED",
            "退回或不通过须填写意见",
        )]));
    }
    let mut before = load_for_review(p, caller, id).await?;
    if before.value.kind != kind {
        return Err(AppError::not_found("申报不存在"));
    }
    check_if_match(if_match, before.version)?;
    // Re-reviews have no separate start route: a decision on a waiting re-review starts it first.
    if before.value.kind == crate::domain::declaration::Kind::ReReview
        && before.value.status == Status::Submitted
    {
        before = start(p, caller, id, None).await?;
    }
    let now = p.clock.now();
    let (next, t) = before
        .value
        .apply(
            Action::Decide {
                level,
                decision: req.decision,
                comment: req.comment.clone(),
            },
            now,
        )
        .map_err(transition_error)?;
    let extra = if crate::services::rereviews::is_acceptance(&before.value, &next) {
        let held = crate::services::records::qualifications(p, next.uscc.as_str()).await?;
        crate::services::rereviews::renewal_ops(&next, &held, caller.account_id(), now)
    } else {
        Vec::new()
    };
    let version = save_transition(p, &before, &next, &t, caller, extra).await?;
    Ok(Versioned {
        value: next,
        version,
    })
}

// ---- queue -------------------------------------------------------------------------------------------------------

/// The part of the country an official covers, as the queue and registry keys write it.
pub fn scope_of(caller: &Principal) -> AppResult<(Level, String)> {
    let level = official_level(caller)?;
    if level == Level::Ministry {
        return Ok((level, "CN".into()));
    }
    let region = caller
        .region()
        .filter(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| AppError::forbidden("主管部门账户缺少辖区"))?;
    let digits = match level {
        Level::County => 6,
        Level::City => 4,
        _ => 2,
    };
    Ok((level, region[..digits].to_owned()))
}

/// `GET /v1/admin/queue` parameters.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct QueueParams {
    pub kind: Option<String>,
    pub tier: Option<String>,
    pub status: Option<String>,
    /// A sub-region (6-digit code) of the caller's jurisdiction.
    pub region: Option<String>,
    /// A GB/T 4754 section letter or 2–4 digit code.
    pub industry: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// What waits at the caller's level and region, oldest first, served by the secondary index.
pub async fn queue(
    p: &Platform,
    caller: &Principal,
    params: &QueueParams,
) -> AppResult<(Vec<QueueEntry>, Option<String>)> {
    let (level, scope) = scope_of(caller)?;
    let kind = match params
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        None => "declaration",
        Some(k @ ("declaration" | "info_update" | "re_review" | "change_report")) => k,
        Some(_) => {
            return Err(AppError::field(
                "kind",
                "INVALID_KIND",
                "kind 须为 declaration、info_update、re_review 或 change_report",
            ));
        }
    };
    let tier = match params
        .tier
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(raw) => Some(Tier::parse(raw).ok_or_else(|| {
            AppError::field(
                "tier",
                "INVALID_TIER",
                "tier 须为 innovative、specialized 或 little_giant",
            )
        })?),
    };
    let status = match params
        .status
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(raw @ ("submitted" | "under_review" | "publicity")) => Some(raw.to_owned()),
        Some(_) => {
            return Err(AppError::field(
                "status",
                "INVALID_STATUS",
                "status 须为 submitted、under_review 或 publicity",
            ));
        }
    };
    let place = crate::services::queue_filter::PlaceFilter::parse(
        params.region.as_deref(),
        params.industry.as_deref(),
    )?;
    let limit = super::common::page_limit(params.limit.as_deref())?;
    let now = p.clock.now();
    let pk = format!("QUEUE#{kind}#{}#{scope}", records::level_name(level));
    let mut items = Vec::new();
    let mut cursor = params.cursor.clone().filter(|c| !c.is_empty());
    // Filters are applied while paging; each read asks only for what is still missing, so the cursor returned
    // is exactly after the last item examined and pages never overlap or skip.
    loop {
        let remaining = limit - items.len() as u32;
        let page = p
            .store
            .query(
                Query::gsi1(pk.clone())
                    .limit(remaining)
                    .after(cursor.clone()),
            )
            .await?;
        for item in &page.items {
            let entry: QueuedRecord = item.decode()?;
            if tier.is_some_and(|t| entry.tier != Some(t))
                || status.as_deref().is_some_and(|s| entry.status != s)
                || !place.matches(&entry.region, entry.industry.as_deref())
            {
                continue;
            }
            items.push(QueueEntry::new(entry, kind, now));
        }
        cursor = page.next_cursor;
        if items.len() as u32 >= limit || cursor.is_none() {
            break;
        }
    }
    Ok((items, cursor))
}

// ---- enterprise view ---------------------------------------------------------------------------------------------

/// `GET /v1/admin/enterprises/{uscc}`: profile, qualifications and declarations of an enterprise registered inside
/// the caller's jurisdiction (404 otherwise). Operators see every enterprise.
pub async fn enterprise_view(
    p: &Platform,
    caller: &Principal,
    uscc: &str,
) -> AppResult<AdminEnterpriseView> {
    if !matches!(caller.role(), Role::Official | Role::Operator) {
        return Err(AppError::forbidden("仅主管部门可以查看企业信息"));
    }
    let uscc = uscc.trim().to_ascii_uppercase();
    let not_found = || AppError::not_found("企业不存在或不在本辖区");
    if uscc.len() != 18 || !uscc.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(not_found());
    }
    let profile = records::load_profile(p, &uscc)
        .await?
        .ok_or_else(not_found)?;
    let visible = caller.role() == Role::Operator
        || profile
            .value
            .region
            .is_some_and(|r| caller.has_jurisdiction_over(&r));
    if !visible {
        return Err(not_found());
    }
    let today = crate::domain::calendar::china_date(p.clock.now());
    let quals = records::qualifications(p, &uscc).await?;
    let mut declarations = Vec::new();
    let query = Query::gsi1(format!("ENT#{uscc}#DECL")).backward();
    for item in crate::ports::query_all(p.store.as_ref(), query).await? {
        let d: Declaration = item.decode()?;
        if d.status != Status::Draft {
            declarations.push(Summary::of(&d));
        }
    }
    let names = profile.value.view();
    Ok(AdminEnterpriseView {
        size: eligibility::size_of(&profile.value, today.year())
            .map(|s| SizeClassView::of(&s, today.year() - 1)),
        qualifications: quals
            .iter()
            .map(|q| AdminQualification::of(q, today))
            .collect(),
        declarations,
        region_name: names.region_name,
        industry_name: names.industry_name,
        profile: profile.value,
        uscc,
    })
}

// ---- revocation --------------------------------------------------------------------------------------------------

/// `POST /v1/admin/enterprises/{uscc}/revocation` body.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevocationRequest {
    pub tier: String,
    /// Art. 16 ground: safety/quality/environment accident, serious dishonesty, tax evasion, falsified data…
    pub reason: String,
}

/// Revoke a valid qualification (暂行办法 Art. 16): by the level that recognises the tier, inside its jurisdiction
/// (or an operator). The enterprise may not declare that tier again for three years.
pub async fn revoke(
    p: &Platform,
    caller: &Principal,
    uscc: &str,
    req: &RevocationRequest,
) -> AppResult<RevocationResult> {
    let tier = Tier::parse(&req.tier).ok_or_else(|| {
        AppError::field(
            "tier",
            "INVALID_TIER",
            "tier 须为 innovative、specialized 或 little_giant",
        )
    })?;
    let allowed = match caller.role() {
        Role::Operator => true,
        Role::Official => caller.level() == Some(crate::domain::declaration::final_level(tier)),
        _ => false,
    };
    if !allowed {
        return Err(AppError::forbidden("资质由认定该梯度的主管部门撤销"));
    }
    if req.reason.trim().is_empty() {
        return Err(AppError::field("reason", "REQUIRED", "请填写撤销理由"));
    }
    let uscc = uscc.trim().to_ascii_uppercase();
    let not_found = || AppError::not_found("企业不存在或不在本辖区");
    let profile = records::load_profile(p, &uscc)
        .await?
        .ok_or_else(not_found)?;
    if caller.role() == Role::Official
        && !profile
            .value
            .region
            .is_some_and(|r| caller.has_jurisdiction_over(&r))
    {
        return Err(not_found());
    }
    let now = p.clock.now();
    let today = crate::domain::calendar::china_date(now);
    let mut q = records::qualifications(p, &uscc)
        .await?
        .into_iter()
        .find(|q| q.tier == tier && q.is_valid_on(today))
        .ok_or_else(|| {
            AppError::new(
                crate::error::ErrorCode::InvalidState,
                format!("该企业没有有效的{}资质", tier.label()),
            )
        })?;
    q.revoked_on = Some(today);
    q.revocation_reason = Some(req.reason.trim().to_owned());
    let mut ops = records::qualification_ops(&uscc, &q, Some(caller.account_id()), now);
    ops.push(
        crate::services::events::Event::new(
            "enterprise.qualification_revoked",
            &records::ent_pk(&uscc),
            Some(caller.account_id()),
            now,
            serde_json::json!({"uscc": uscc, "tier": tier, "reason": q.revocation_reason, "revoked_on": today.to_string(),
                               "actor_role": caller.role(), "actor_level": caller.level()}),
        )
        .tx_op(),
    );
    p.store.transact(ops).await?;
    Ok(RevocationResult::of(&uscc, &q, today))
}
