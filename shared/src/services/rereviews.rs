//! Re-review (复核, RULES.md §1.9): when a qualification nears or passes its end, the provincial official marks
//! the enterprise "meets re-review conditions" for the tier; only then may it file a re-review, which goes through
//! the tier's form and review chain like a declaration (same record type, `kind = re_review`) and, accepted at the
//! last level, renews the qualification for three years. An enterprise that missed a yearly update (30 April)
//! since its recognition has lost its eligibility.
//!
//! Records: `pk = ENT#<uscc>, sk = REREVIEW_ELIGIBLE#<tier>` — the flag, removed when the renewal is recorded.

use crate::domain::calendar::{china_date, china_year};
use crate::domain::declaration::{Declaration, Kind, Status};
use crate::domain::principal::{Level, Principal, Role};
use crate::domain::qualification::Qualification;
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::ports::{Cond, Item, TxOp};
use crate::services::common::Versioned;
use crate::services::declarations::{self, NewDeclaration};
use crate::services::events::Event;
use crate::services::records::{ent_pk, qualification_ops};
use crate::services::{Platform, common, info_updates, records};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

fn flag_sk(tier: Tier) -> String {
    format!("REREVIEW_ELIGIBLE#{}", tier.as_str())
}

/// The eligibility flag.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Eligibility {
    pub tier: Tier,
    pub marked_by: String,
    #[serde(with = "crate::domain::timestamp")]
    pub marked_at: OffsetDateTime,
}

/// `POST /v1/admin/enterprises/{uscc}/re-review-eligibility` body.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibilityRequest {
    pub tier: String,
}

/// The provincial official (or an operator) marks an enterprise of its province as meeting the re-review
/// conditions for a tier it holds.
pub async fn mark_eligible(
    p: &Platform,
    caller: &Principal,
    uscc: &str,
    req: &EligibilityRequest,
) -> AppResult<Eligibility> {
    let tier = Tier::parse(&req.tier).ok_or_else(|| {
        AppError::field(
            "tier",
            "INVALID_TIER",
            "tier 须为 innovative、specialized 或 little_giant",
        )
    })?;
    match (caller.role(), caller.level()) {
        (Role::Operator, _) | (Role::Official, Some(Level::Province)) => {}
        _ => return Err(AppError::forbidden("复核资格由省级主管部门标记")),
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
    let held = records::qualifications(p, &uscc).await?;
    if !held
        .iter()
        .any(|q| q.tier == tier && q.revoked_on.is_none())
    {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            format!("该企业未持有{}资质，无需复核", tier.label()),
        ));
    }
    let now = p.clock.now();
    let flag = Eligibility {
        tier,
        marked_by: caller.account_id().to_owned(),
        marked_at: now,
    };
    let event = Event::new(
        "enterprise.re_review_eligible",
        &ent_pk(&uscc),
        Some(caller.account_id()),
        now,
        json!({"uscc": uscc, "tier": tier, "actor_role": caller.role()}),
    );
    p.store
        .transact(vec![
            TxOp::Put {
                item: Item::new(ent_pk(&uscc), flag_sk(tier), &flag),
                cond: Cond::Always,
            },
            event.tx_op(),
        ])
        .await?;
    Ok(flag)
}

/// Whether the provincial official marked the enterprise for a re-review of `tier`.
pub async fn is_flagged(p: &Platform, uscc: &str, tier: Tier) -> AppResult<bool> {
    Ok(p.store.get(&ent_pk(uscc), &flag_sk(tier)).await?.is_some())
}

/// The tiers the provincial official marked the enterprise for a re-review of, in one query.
pub async fn flagged_tiers(p: &Platform, uscc: &str) -> AppResult<Vec<Tier>> {
    let page = p
        .store
        .query(
            crate::ports::Query::base(ent_pk(uscc))
                .begins_with("REREVIEW_ELIGIBLE#")
                .limit(10),
        )
        .await?;
    Ok(page
        .items
        .iter()
        .filter_map(|i| Tier::parse(i.sk.strip_prefix("REREVIEW_ELIGIBLE#")?))
        .collect())
}

/// Why the enterprise may not file a re-review of `tier` now (`None` = it may).
pub async fn ineligibility(
    p: &Platform,
    uscc: &str,
    tier: Tier,
    now: OffsetDateTime,
) -> AppResult<Option<String>> {
    if !is_flagged(p, uscc, tier).await? {
        return Ok(Some(format!(
            "省级主管部门尚未标记本企业符合{}复核条件",
            tier.label()
        )));
    }
    let held = records::qualifications(p, uscc).await?;
    let Some(q) = held
        .iter()
        .find(|q| q.tier == tier && q.revoked_on.is_none())
    else {
        return Ok(Some(format!("本企业未持有{}资质", tier.label())));
    };
    let missed = info_updates::missed_years(p, uscc, q, now).await?;
    if !missed.is_empty() {
        let years: Vec<String> = missed.iter().map(i32::to_string).collect();
        return Ok(Some(format!(
            "{} 年度未在 4 月 30 日前完成信息更新，已丧失复核资格",
            years.join("、")
        )));
    }
    Ok(None)
}

/// Create a re-review draft.
pub async fn create(
    p: &Platform,
    caller: &Principal,
    tier_raw: &str,
) -> AppResult<Versioned<Declaration>> {
    let uscc = common::require_enterprise(caller)?.to_owned();
    let tier = Tier::parse(tier_raw).ok_or_else(|| {
        AppError::field(
            "tier",
            "INVALID_TIER",
            "tier 须为 innovative、specialized 或 little_giant",
        )
    })?;
    let now = p.clock.now();
    if let Some(why) = ineligibility(p, &uscc, tier, now).await? {
        return Err(AppError::new(ErrorCode::ReReviewNotEligible, why));
    }
    declarations::create_of_kind(
        p,
        caller,
        &NewDeclaration {
            tier: tier.as_str().into(),
            year: Some(china_year(now)),
        },
        Kind::ReReview,
    )
    .await
}

/// Submit: eligibility is checked again (a missed update may have happened since the draft).
pub async fn submit(
    p: &Platform,
    caller: &Principal,
    id: &str,
    if_match: Option<u64>,
) -> AppResult<Versioned<Declaration>> {
    let d = load_own(p, caller, id).await?;
    if let Some(why) = ineligibility(p, d.value.uscc.as_str(), d.value.tier, p.clock.now()).await? {
        return Err(AppError::new(ErrorCode::ReReviewNotEligible, why));
    }
    declarations::submit(p, caller, id, if_match).await
}

/// A re-review the caller owns (404 for declarations and others' records).
pub async fn load_own(
    p: &Platform,
    caller: &Principal,
    id: &str,
) -> AppResult<Versioned<Declaration>> {
    let d = records::load_owned(p, caller, id).await?;
    if d.value.kind != Kind::ReReview {
        return Err(AppError::not_found("复核申请不存在"));
    }
    Ok(d)
}

/// The renewal written with the acceptance: the new validity starts the day after the old one ends (or today, if
/// it already ended), and the eligibility flag is consumed.
pub fn renewal_ops(
    d: &Declaration,
    held: &[Qualification],
    actor: &str,
    now: OffsetDateTime,
) -> Vec<TxOp> {
    let today = china_date(now);
    let from = held
        .iter()
        .find(|q| q.tier == d.tier && q.revoked_on.is_none())
        .and_then(|q| q.valid_until.next_day())
        .filter(|next| *next > today)
        .unwrap_or(today);
    let q = Qualification::new(d.tier, from, d.id.clone());
    let mut ops = qualification_ops(d.uscc.as_str(), &q, Some(actor), now);
    ops.push(TxOp::Delete {
        pk: ent_pk(d.uscc.as_str()),
        sk: flag_sk(d.tier),
        cond: Cond::Always,
    });
    ops
}

/// Whether a transition just accepted a re-review.
pub fn is_acceptance(before: &Declaration, after: &Declaration) -> bool {
    after.kind == Kind::ReReview
        && before.status != Status::Accepted
        && after.status == Status::Accepted
}
