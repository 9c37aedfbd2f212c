//! Officials (主管部门) and their actions on declarations: creating official accounts, starting a review, and
//! deciding at the official's own level. Jurisdiction is enforced here: outside it a declaration is 404.

use serde::Deserialize;

use crate::domain::account::{Account, OfficialScope};
use crate::domain::declaration::{Action, Decision, Declaration};
use crate::domain::principal::{Level, Principal, Role};
use crate::error::{AppError, AppResult, FieldError};
use crate::rules::region::{RegionCode, RegionLevel};
use crate::services::Platform;
use crate::services::accounts::{self, Registration, Versioned};
use crate::services::declarations::{self, check_if_match, save_transition, transition_error};

/// `POST /v1/admin/officials` body.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
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
    let allowed = match caller.role {
        Role::Operator => true,
        Role::Official => {
            let below = caller.level.is_some_and(|own| req.level < own);
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
        Some(&caller.account_id),
    )
    .await
}

/// The official's level, or 403 for other roles.
fn official_level(caller: &Principal) -> AppResult<Level> {
    match (caller.role, caller.level) {
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
    let d = declarations::load(p, id)
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
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
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
) -> AppResult<Versioned<Declaration>> {
    let level = official_level(caller)?;
    if req.decision != Decision::Pass && req.comment.trim().is_empty() {
        return Err(AppError::validation(vec![FieldError::new(
            "comment",
            "REQUIRED",
            "退回或不通过须填写意见",
        )]));
    }
    let before = load_for_review(p, caller, id).await?;
    check_if_match(if_match, before.version)?;
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
    let version = save_transition(p, &before, &next, &t, caller, Vec::new()).await?;
    Ok(Versioned {
        value: next,
        version,
    })
}
