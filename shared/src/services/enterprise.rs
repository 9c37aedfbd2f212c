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
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::ports::{Cond, Item, TxOp};
use crate::rules::{digital, tiers};
use crate::services::common::{Versioned, check_if_match, require_enterprise};
use crate::services::eligibility::{assess_tier, blockers, facts_for, size_of, valid_tiers};
use crate::services::enterprise_views::{
    Advice, AdvicePrerequisite, AdviceTier, EnterpriseView, OwnSize,
};
use crate::services::events::{Event, new_id};
use crate::services::records::DigitalAssessmentRecord;
use crate::services::records::{
    DIGITAL_PREFIX, PROFILE_SK, digital_level_of, ent_pk, latest_digital_assessment, load_profile,
    qualifications,
};
use crate::services::{Platform, accounts};
use serde_json::{Map, Value, json};

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

/// `GET /v1/enterprise`.
pub async fn view(p: &Platform, caller: &Principal) -> AppResult<EnterpriseView> {
    let uscc = require_enterprise(caller)?;
    // At most two rounds of concurrent reads, whatever the enterprise's history: the profile and the
    // qualifications; then, when it holds any, its updates and its re-review flags.
    let (profile, quals) =
        tokio::try_join!(profile_or_new(p, caller, uscc), qualifications(p, uscc))?;
    let now = p.clock.now();
    let today = china_date(now);
    let size = size_of(&profile.value, today.year());
    let region = profile.value.region;
    let mut v = EnterpriseView::new(profile.value, profile.version, size.as_ref(), today, &quals);
    // 认证到期管理: each qualification's expiry and re-review state.
    if !quals.is_empty() {
        let (missed, flagged) = tokio::try_join!(
            crate::services::info_updates::missed_years_of_all(p, uscc, region, &quals, now),
            crate::services::rereviews::flagged_tiers(p, uscc),
        )?;
        v.qualifications = std::mem::take(&mut v.qualifications)
            .into_iter()
            .zip(&quals)
            .zip(missed)
            .map(|((view, q), missed)| {
                view.with_standing(q, today, flagged.contains(&q.tier), missed)
            })
            .collect();
    }
    Ok(v)
}

/// `PUT /v1/enterprise`: validate everything, then replace the editable fields under `If-Match`.
pub async fn save(
    p: &Platform,
    caller: &Principal,
    if_match: Option<u64>,
    input: ProfileInput,
) -> AppResult<EnterpriseView> {
    let uscc = require_enterprise(caller)?;
    // One round of reads: the profile, the qualifications (for the lock below and for the answer) and the
    // account's verified name, which names a profile saved for the first time. The name is read beside the others
    // so a first save also reads in one round; it is used (and its failure matters) only when there is no profile.
    let (profile, quals, name) = tokio::join!(
        load_profile(p, uscc),
        qualifications(p, uscc),
        verified_name(p, caller)
    );
    let (profile, quals) = (profile?, quals?);
    let mut profile = match profile {
        Some(v) => v,
        None => Versioned {
            value: EnterpriseProfile::new(name?, uscc),
            version: 0,
        },
    };
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
    let size = size_of(&profile.value, today.year());
    Ok(EnterpriseView::new(
        profile.value,
        version,
        size.as_ref(),
        today,
        &quals,
    ))
}

// ---- digital-level self-assessment -------------------------------------------------------------------------------

/// `POST /v1/digital-assessments` with `{answers: {question_id: option | [options]}}`.
pub async fn submit_digital_assessment(
    p: &Platform,
    caller: &Principal,
    answers: Map<String, Value>,
) -> AppResult<DigitalAssessmentRecord> {
    let uscc = require_enterprise(caller)?;
    let result = digital::questionnaire()
        .score_json(&answers)
        .map_err(AppError::validation)?;
    let now = p.clock.now();
    let id = new_id(now);
    let event = Event::new(
        "enterprise.digital_assessed",
        &ent_pk(uscc),
        Some(caller.account_id()),
        now,
        json!({"uscc": uscc, "assessment_id": id, "level": result.level, "score": result.score}),
    );
    let record = DigitalAssessmentRecord {
        id,
        assessed_at: now.into(),
        result,
        answers,
    };
    p.store
        .transact(vec![
            TxOp::Put {
                item: Item::new(
                    ent_pk(uscc),
                    format!("{DIGITAL_PREFIX}{}", record.id),
                    &record,
                ),
                cond: Cond::Absent,
            },
            event.tx_op(),
        ])
        .await?;
    Ok(record)
}

// ---- rules: prerequisites, forms, advice ---------------------------------------------------------------------------

/// `GET /v1/enterprise/advice`: for each tier, from the current profile, what the engine finds.
pub async fn advice(p: &Platform, caller: &Principal) -> AppResult<Advice> {
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
        let prerequisites = tiers::prerequisites(rule_set, tier)
            .into_iter()
            .map(|t| AdvicePrerequisite {
                tier: t,
                label: t.label().to_owned(),
                held: held.contains(&t),
            })
            .collect();
        out.push(AdviceTier {
            tier,
            tier_label: tier.label().to_owned(),
            prerequisites,
            profile_missing: profile.missing_for(tier, year),
            digital_assessment_required: (tier == Tier::Specialized
                || tiers::needs_digital_level(rule_set, tier))
                && level.is_none(),
            eligible: assessment.eligible && blockers.is_empty(),
            blockers,
            assessment,
        });
    }
    Ok(Advice {
        rule_version: rule_set.version.to_string(),
        year,
        size: size.as_ref().map(OwnSize::brief),
        digital_level: level,
        tiers: out,
    })
}

// ---- submission --------------------------------------------------------------------------------------------------
