//! The enterprise side of declaring: the basic information (企业基本信息) with its size class and qualifications,
//! the digital-level self-assessment, the tier advisor, and what a submission checks and freezes.
//!
//! Records under `pk = ENT#<uscc>`:
//! - `sk = PROFILE` — the profile (versioned, `If-Match`);
//! - `sk = DIGITAL#<ulid>` — every self-assessment (the latest counts);
//! - `sk = QUAL#<tier>` — the tier's current qualification;
//! - `sk = ACTIVE#<tier>#<year>` — see `declarations`;
//! - `sk = EVENT#<ulid>` — the enterprise's own audit events.

use crate::domain::account::{RealNameSubject, Verification};
use crate::domain::calendar::{china_date, china_year};
use crate::domain::enterprise::{EnterpriseProfile, ProfileInput};
use crate::domain::principal::Principal;
use crate::domain::qualification::Qualification;
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::ports::{Cond, Item, TxOp};
use crate::rules::{digital, tiers};
use crate::services::common::{Versioned, check_if_match, require_enterprise};
use crate::services::eligibility::{assess_tier, blockers, facts_for, size_of, valid_tiers};
use crate::services::events::{Event, new_id};
use crate::services::records::{
    DIGITAL_PREFIX, PROFILE_SK, digital_level_of, ent_pk, latest_digital_assessment, load_profile,
    qualifications,
};
use crate::services::{Platform, accounts};
use serde_json::{Value, json};
use time::Date;

// ---- profile -----------------------------------------------------------------------------------------------------

/// The enterprise name from the caller's real-name verification.
async fn verified_name(p: &Platform, caller: &Principal) -> AppResult<String> {
    let account = accounts::load_account(p, caller.account_id())
        .await?
        .ok_or_else(|| AppError::unauthenticated("账户不存在，请重新登录"))?;
    match account.value.verification {
        Verification::Verified {
            subject:
                RealNameSubject::LegalPerson {
                    enterprise_name, ..
                },
            ..
        } => Ok(enterprise_name),
        _ => Err(AppError::new(
            ErrorCode::NotVerified,
            "请先完成法人实名认证",
        )),
    }
}

/// The profile, or a fresh one named from the verification (version 0 = never saved).
async fn profile_or_new(
    p: &Platform,
    caller: &Principal,
    uscc: &str,
) -> AppResult<Versioned<EnterpriseProfile>> {
    match load_profile(p, uscc).await? {
        Some(v) => Ok(v),
        None => Ok(Versioned {
            value: EnterpriseProfile::new(verified_name(p, caller).await?, uscc),
            version: 0,
        }),
    }
}

fn qualification_view(q: &Qualification, today: Date) -> Value {
    json!({
        "tier": q.tier,
        "tier_label": q.tier.label(),
        "status": q.status_on(today),
        "valid_from": q.valid_from.to_string(),
        "valid_until": q.valid_until.to_string(),
        "source_id": q.source_id,
        "revoked_on": q.revoked_on.map(|d| d.to_string()),
        "revocation_reason": q.revocation_reason,
    })
}

fn profile_json(profile: &EnterpriseProfile, today: Date, quals: &[Qualification]) -> Value {
    let mut v = serde_json::to_value(profile).unwrap_or_else(|_| json!({}));
    let view = profile.view();
    let year = today.year();
    v["region_name"] = json!(view.region_name);
    v["industry_path"] = json!(view.industry_path);
    v["industry_name"] = json!(view.industry_name);
    v["size"] = match size_of(profile, year) {
        Some(s) => {
            json!({"class": s.class, "label": s.class.label(), "category": s.category.label(), "basis": s.basis, "year": year - 1})
        }
        None => json!(null),
    };
    let held: Vec<Value> = quals.iter().map(|q| qualification_view(q, today)).collect();
    v["qualifications"] = json!(held);
    v["recognition"] = json!(if quals.iter().any(|q| q.is_valid_on(today)) {
        quals
            .iter()
            .filter(|q| q.is_valid_on(today))
            .map(|q| q.tier.label())
            .collect::<Vec<_>>()
            .join("、")
    } else {
        "未认定".to_owned()
    });
    v
}

/// `GET /v1/enterprise`.
pub async fn view(p: &Platform, caller: &Principal) -> AppResult<(Value, u64)> {
    let uscc = require_enterprise(caller)?;
    // At most two rounds of concurrent reads, whatever the enterprise's history: the profile and the
    // qualifications; then, when it holds any, its updates and its re-review flags.
    let (profile, quals) =
        tokio::try_join!(profile_or_new(p, caller, uscc), qualifications(p, uscc))?;
    let now = p.clock.now();
    let today = china_date(now);
    let mut v = profile_json(&profile.value, today, &quals);
    // 认证到期管理: each qualification's expiry and re-review state.
    if !quals.is_empty()
        && let Some(list) = v["qualifications"].as_array_mut()
    {
        let (missed, flagged) = tokio::try_join!(
            crate::services::info_updates::missed_years_of_all(
                p,
                uscc,
                profile.value.region,
                &quals,
                now
            ),
            crate::services::rereviews::flagged_tiers(p, uscc),
        )?;
        for ((view, q), missed) in list.iter_mut().zip(&quals).zip(missed) {
            view["days_to_expiry"] = json!((q.valid_until - today).whole_days());
            view["re_review"] = json!({
                "eligible_flag": flagged.contains(&q.tier),
                "missed_update_years": missed,
                "forfeited": !missed.is_empty(),
            });
        }
    }
    Ok((v, profile.version))
}

/// `PUT /v1/enterprise`: validate everything, then replace the editable fields under `If-Match`.
pub async fn save(
    p: &Platform,
    caller: &Principal,
    if_match: Option<u64>,
    body: Value,
) -> AppResult<(Value, u64)> {
    let uscc = require_enterprise(caller)?;
    let input: ProfileInput = serde_json::from_value(body).map_err(|e| {
        AppError::field(
            "body",
            "INVALID_FIELD",
            format!("企业基本信息格式不符合要求：{e}"),
        )
    })?;
    // The qualifications are read once, beside the profile: for the lock below and for the answer.
    let (mut profile, quals) =
        tokio::try_join!(profile_or_new(p, caller, uscc), qualifications(p, uscc))?;
    check_if_match(if_match, profile.version)?;
    let now = p.clock.now();
    let today = china_date(now);
    // A recognised enterprise changes its basic information through the yearly update (or a change report).
    if !crate::services::info_updates::in_period(p, now, profile.value.region)
        && quals.iter().any(|q| q.is_valid_on(today))
    {
        return Err(AppError::new(
            ErrorCode::ProfileLocked,
            "已认定企业仅可在年度信息更新期内修改企业基本信息；名称、注册地等重大变化请提交重大变化报告",
        ));
    }
    profile
        .value
        .apply(input, today)
        .map_err(AppError::validation)?;
    let version = profile.version + 1;
    let cond = if profile.version == 0 {
        Cond::Absent
    } else {
        Cond::VersionIs(profile.version)
    };
    let event = Event::new(
        "enterprise.profile_saved",
        &ent_pk(uscc),
        Some(caller.account_id()),
        now,
        json!({"uscc": uscc, "version": version}),
    );
    p.store
        .transact(vec![
            TxOp::Put {
                item: Item::new(ent_pk(uscc), PROFILE_SK, &profile.value).with_version(version),
                cond,
            },
            event.tx_op(),
        ])
        .await?;
    Ok((profile_json(&profile.value, today, &quals), version))
}

// ---- digital-level self-assessment -------------------------------------------------------------------------------

/// `POST /v1/digital-assessments` with `{answers: {question_id: option | [options]}}`.
pub async fn submit_digital_assessment(
    p: &Platform,
    caller: &Principal,
    body: Value,
) -> AppResult<Value> {
    let uscc = require_enterprise(caller)?;
    let answers = body
        .get("answers")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            AppError::field(
                "answers",
                "REQUIRED",
                "请提交问卷答案 answers（题目编号 → 选项）",
            )
        })?;
    let result = digital::questionnaire()
        .score_json(answers)
        .map_err(AppError::validation)?;
    let now = p.clock.now();
    let id = new_id(now);
    let record = json!({
        "id": id,
        "assessed_at": crate::domain::timestamp::rfc3339(now),
        "result": result,
        "answers": answers,
    });
    let event = Event::new(
        "enterprise.digital_assessed",
        &ent_pk(uscc),
        Some(caller.account_id()),
        now,
        json!({"uscc": uscc, "assessment_id": id, "level": result.level, "score": result.score}),
    );
    p.store
        .transact(vec![
            TxOp::Put {
                item: Item::new(ent_pk(uscc), format!("{DIGITAL_PREFIX}{id}"), &record),
                cond: Cond::Absent,
            },
            event.tx_op(),
        ])
        .await?;
    Ok(record)
}

// ---- rules: prerequisites, forms, advice ---------------------------------------------------------------------------

/// `GET /v1/enterprise/advice`: for each tier, from the current profile, what the engine finds.
pub async fn advice(p: &Platform, caller: &Principal) -> AppResult<Value> {
    let uscc = require_enterprise(caller)?;
    let now = p.clock.now();
    let today = china_date(now);
    let year = china_year(now);
    let profile = profile_or_new(p, caller, uscc).await?.value;
    let digital = latest_digital_assessment(p, uscc).await?;
    let level = digital_level_of(&digital);
    let quals = qualifications(p, uscc).await?;
    let held = valid_tiers(&quals, today);
    let rule_set = tiers::rule_set_for(today);
    let size = size_of(&profile, year);
    let mut out = Vec::new();
    for tier in Tier::ALL {
        let facts = facts_for(&profile, year, level, held.clone(), today, None);
        let assessment = assess_tier(rule_set, tier, &facts);
        let blockers = blockers(&quals, &profile, tier, year, today);
        let prerequisites: Vec<Value> = tiers::prerequisites(rule_set, tier)
            .into_iter()
            .map(|t| json!({"tier": t, "label": t.label(), "held": held.contains(&t)}))
            .collect();
        out.push(json!({
            "tier": tier,
            "tier_label": tier.label(),
            "prerequisites": prerequisites,
            "profile_missing": profile.missing_for(tier, year),
            "digital_assessment_required": (tier == Tier::Specialized || tiers::needs_digital_level(rule_set, tier)) && level.is_none(),
            "eligible": assessment.eligible && blockers.is_empty(),
            "blockers": blockers,
            "assessment": assessment,
        }));
    }
    Ok(json!({
        "rule_version": rule_set.version,
        "year": year,
        "size": size.map(|s| json!({"class": s.class, "label": s.class.label(), "basis": s.basis})),
        "digital_level": level,
        "tiers": out,
    }))
}

// ---- submission --------------------------------------------------------------------------------------------------
