//! The enterprise side of declaring: the basic information (企业基本信息) with its size class and qualifications,
//! the digital-level self-assessment, the tier advisor, and what a submission checks and freezes.
//!
//! Records under `pk = ENT#<uscc>`:
//! - `sk = PROFILE` — the profile (versioned, `If-Match`);
//! - `sk = DIGITAL#<ulid>` — every self-assessment (the latest counts);
//! - `sk = QUAL#<tier>` — the tier's current qualification;
//! - `sk = ACTIVE#<tier>#<year>` — see `declarations`;
//! - `sk = EVENT#<ulid>` — the enterprise's own audit events.

use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime};

use crate::domain::account::{RealNameSubject, Verification};
use crate::domain::calendar::{china_date, china_year};
use crate::domain::declaration::Declaration;
use crate::domain::enterprise::{EnterpriseProfile, ProfileInput};
use crate::domain::principal::Principal;
use crate::domain::qualification::Qualification;
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::ports::{Cond, Item, Query, TxOp};
use crate::rules::digital;
use crate::rules::sme_size::{self, SizeAssessment};
use crate::rules::tiers;
use crate::services::Platform;
use crate::services::accounts::{self, Versioned};
use crate::services::declarations::{check_if_match, require_enterprise};
use crate::services::events::{Event, new_id};
use crate::services::evidence;

pub fn ent_pk(uscc: &str) -> String {
    format!("ENT#{uscc}")
}

const PROFILE_SK: &str = "PROFILE";
const DIGITAL_PREFIX: &str = "DIGITAL#";
const QUAL_PREFIX: &str = "QUAL#";

// ---- profile -----------------------------------------------------------------------------------------------------

pub async fn load_profile(
    p: &Platform,
    uscc: &str,
) -> AppResult<Option<Versioned<EnterpriseProfile>>> {
    Ok(match p.store.get(&ent_pk(uscc), PROFILE_SK).await? {
        Some(item) => Some(Versioned {
            value: item.decode()?,
            version: item.version,
        }),
        None => None,
    })
}

/// The enterprise name from the caller's real-name verification.
async fn verified_name(p: &Platform, caller: &Principal) -> AppResult<String> {
    let account = accounts::load_account(p, &caller.account_id)
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

/// The size class from the prior year's figures (employees of the profile, revenue and assets of the year).
pub fn size_of(profile: &EnterpriseProfile, year: i32) -> Option<SizeAssessment> {
    let industry = profile.industry?;
    let figures = profile.year(year - 1)?;
    let employees = profile.employees.unwrap_or(figures.employees);
    Some(sme_size::assess(
        industry,
        employees,
        figures.operating_revenue,
        figures.total_assets,
    ))
}

pub async fn qualifications(p: &Platform, uscc: &str) -> AppResult<Vec<Qualification>> {
    let page = p
        .store
        .query(Query::base(ent_pk(uscc)).begins_with(QUAL_PREFIX).limit(10))
        .await?;
    page.items
        .iter()
        .map(|i| i.decode().map_err(AppError::from))
        .collect()
}

/// The actions recording a tier's current qualification (recognition, re-review), with its event.
pub fn qualification_ops(
    uscc: &str,
    q: &Qualification,
    actor: Option<&str>,
    now: OffsetDateTime,
) -> Vec<TxOp> {
    let event = Event::new(
        "enterprise.qualification_recorded",
        &ent_pk(uscc),
        actor,
        now,
        json!({"uscc": uscc, "qualification": q}),
    );
    vec![
        TxOp::Put {
            item: Item::new(ent_pk(uscc), format!("{QUAL_PREFIX}{}", q.tier.as_str()), q),
            cond: Cond::Always,
        },
        event.tx_op(),
    ]
}

/// Record a tier's current qualification on its own (tests, data migration).
pub async fn record_qualification(
    store: &dyn crate::ports::Store,
    uscc: &str,
    q: &Qualification,
    actor: Option<&str>,
    now: OffsetDateTime,
) -> AppResult<()> {
    store
        .transact(qualification_ops(uscc, q, actor, now))
        .await?;
    Ok(())
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
        Some(&caller.account_id),
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
        Some(&caller.account_id),
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

/// The latest self-assessment record of an enterprise.
pub async fn latest_digital_assessment(p: &Platform, uscc: &str) -> AppResult<Option<Value>> {
    let page = p
        .store
        .query(
            Query::base(ent_pk(uscc))
                .begins_with(DIGITAL_PREFIX)
                .backward()
                .limit(1),
        )
        .await?;
    match page.items.first() {
        Some(item) => Ok(Some(item.decode()?)),
        None => Ok(None),
    }
}

/// `GET /v1/digital-assessments/latest`.
pub async fn latest_digital_assessment_of(
    p: &Platform,
    caller: &Principal,
) -> AppResult<Option<Value>> {
    let uscc = require_enterprise(caller)?;
    latest_digital_assessment(p, uscc).await
}

fn digital_level_of(record: &Option<Value>) -> Option<u8> {
    record
        .as_ref()
        .and_then(|r| r["result"]["level"].as_u64())
        .and_then(|l| u8::try_from(l).ok())
}

// ---- rules: prerequisites, forms, advice ---------------------------------------------------------------------------

/// The tiers held valid on `today`.
fn valid_tiers(quals: &[Qualification], today: Date) -> Vec<Tier> {
    quals
        .iter()
        .filter(|q| q.is_valid_on(today))
        .map(|q| q.tier)
        .collect()
}

/// Both checks a new declaration of `tier` faces (ban, prerequisites), over one read of the qualifications.
pub async fn check_may_declare(
    p: &Platform,
    uscc: &str,
    tier: Tier,
    now: OffsetDateTime,
) -> AppResult<()> {
    let quals = qualifications(p, uscc).await?;
    let today = china_date(now);
    check_not_banned(&quals, tier, today)?;
    check_prerequisites(&quals, tier, today)
}

/// `DECLARATION_BANNED` when a qualification of this tier was revoked less than three years ago (暂行办法 Art. 16).
pub fn check_not_banned(quals: &[Qualification], tier: Tier, today: Date) -> AppResult<()> {
    for q in quals {
        if q.tier != tier {
            continue;
        }
        if let Some(revoked) = q.revoked_on {
            let until = crate::domain::qualification::three_years_from(revoked);
            if today <= until {
                return Err(AppError::new(
                    ErrorCode::DeclarationBanned,
                    format!(
                        "{}资质已于 {revoked} 被撤销（{}），{until} 前不得再次申报",
                        tier.label(),
                        q.revocation_reason.as_deref().unwrap_or("")
                    ),
                )
                .with_extra("banned_until", json!(until.to_string())));
            }
        }
    }
    Ok(())
}

/// `PREREQUISITE_MISSING` unless the enterprise holds, valid today, every tier the rule version in force demands.
pub fn check_prerequisites(quals: &[Qualification], tier: Tier, today: Date) -> AppResult<()> {
    let rule_set = tiers::rule_set_for(today);
    let needed = tiers::prerequisites(rule_set, tier);
    if needed.is_empty() {
        return Ok(());
    }
    let held = valid_tiers(quals, today);
    let missing: Vec<Tier> = needed.into_iter().filter(|t| !held.contains(t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing.iter().map(|t| t.label()).collect();
    Err(AppError::new(
        ErrorCode::PrerequisiteMissing,
        format!(
            "申报{}须持有有效期内的{}资质（适用标准：{}）",
            tier.label(),
            names.join("、"),
            rule_set.version
        ),
    )
    .with_extra("required", json!(missing)))
}

fn rule_set_of(d: &Declaration) -> &'static tiers::RuleSet {
    let on = d
        .snapshot
        .as_ref()
        .map(|s| china_date(s.submitted_at))
        .unwrap_or_else(|| china_date(d.updated_at));
    tiers::rule_set_for(on)
}

/// The form (fields and evidence slots) of a declaration's tier under the rule version in force.
pub fn form_spec_json(d: &Declaration) -> Value {
    let rule_set = rule_set_of(d);
    json!({
        "rule_version": rule_set.version,
        "spec": tiers::form_for(rule_set, d.tier),
    })
}

/// What the saved form still lacks or gets wrong (listed, not blocking a save).
pub fn form_problems(d: &Declaration) -> Vec<FieldError> {
    tiers::form_for(rule_set_of(d), d.tier).validate(&d.form)
}

/// Problems that block even a save: a form too large to be a form.
pub fn form_structure_errors(_d: &Declaration, form: &Map<String, Value>) -> Vec<FieldError> {
    let size = serde_json::to_vec(form)
        .map(|b| b.len())
        .unwrap_or(usize::MAX);
    if form.len() > 200 || size > 256 * 1024 {
        vec![FieldError::new(
            "form",
            "TOO_LARGE",
            "申报表内容过多（最多 200 项、256 KB）",
        )]
    } else {
        Vec::new()
    }
}

/// The evidence slots of a declaration: (id, label, required).
pub fn evidence_slots(d: &Declaration) -> Vec<(String, String, bool)> {
    tiers::form_for(rule_set_of(d), d.tier)
        .evidence
        .iter()
        .map(|s| (s.id.clone(), s.label.clone(), s.required))
        .collect()
}

fn facts_for(
    profile: &EnterpriseProfile,
    year: i32,
    digital_level: Option<u8>,
    held: Vec<Tier>,
    today: Date,
    re_review: Option<Vec<(Tier, i32, u32)>>,
) -> tiers::Facts {
    let facts = tiers::Facts::new(profile.clone(), year, today)
        .with_digital_level(digital_level)
        .with_held_tiers(held);
    match re_review {
        Some(scores) => facts.for_re_review(scores),
        None => facts,
    }
}

/// The condition every tier shares: being a small or medium enterprise under the 2011 size standard (on the
/// figures of the year before the declaration year). `None` when the industry or those figures are missing.
fn sme_condition(profile: &EnterpriseProfile, year: i32) -> tiers::ConditionResult {
    let size = size_of(profile, year);
    let mut missing = Vec::new();
    if profile.industry.is_none() {
        missing.push("industry".to_owned());
    }
    if profile.year(year - 1).is_none() {
        missing.push(format!("financials[year={}]", year - 1));
    }
    tiers::ConditionResult {
        id: "sme".to_owned(),
        text: match &size {
            Some(s) if !s.class.is_sme() => format!("符合《中小企业划型标准规定》（{}）", s.basis),
            _ => "符合《中小企业划型标准规定》的中小企业".to_owned(),
        },
        holds: size.as_ref().map(|s| s.class.is_sme()),
        missing: if size.is_some() { Vec::new() } else { missing },
        provisional: false,
        met_by_direct_entry: false,
    }
}

/// The engine's assessment of `tier` with the SME condition in front of the standard's hard conditions: the one
/// assessment the advisor shows and a submission freezes, so both say the same about eligibility.
fn assess_tier(rule_set: &tiers::RuleSet, tier: Tier, facts: &tiers::Facts) -> tiers::Assessment {
    let mut a = tiers::assess(rule_set, tier, facts);
    let sme = sme_condition(&facts.profile, facts.declaration_year);
    let verdict = match (sme.holds, a.determined.then_some(a.eligible)) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), v) => v,
        (None, _) => None,
    };
    a.eligible = verdict == Some(true);
    a.determined = verdict.is_some();
    a.missing.extend(sme.missing.iter().cloned());
    a.missing.sort();
    a.missing.dedup();
    a.hard_conditions.insert(0, sme);
    a
}

/// The refusals a submission of `tier` would meet whatever the form and evidence (ban, prerequisites, SME size),
/// as `{code, detail}`: what the advisor gives as its reasons for "not eligible".
fn blockers(
    quals: &[Qualification],
    profile: &EnterpriseProfile,
    tier: Tier,
    year: i32,
    today: Date,
) -> Vec<Value> {
    let mut out: Vec<Value> = [
        check_not_banned(quals, tier, today),
        check_prerequisites(quals, tier, today),
        check_sme(profile, year),
    ]
    .into_iter()
    .filter_map(Result::err)
    .map(|e| json!({"code": e.code.as_str(), "detail": e.detail}))
    .collect();
    out.dedup();
    out
}

/// `NOT_SME` when the size standard puts the enterprise above a medium enterprise.
fn check_sme(profile: &EnterpriseProfile, year: i32) -> AppResult<()> {
    match size_of(profile, year) {
        Some(size) if !size.class.is_sme() => Err(AppError::new(
            ErrorCode::NotSme,
            format!("按《中小企业划型标准规定》，{}，不能申报", size.basis),
        )),
        _ => Ok(()),
    }
}

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

/// What a submission freezes.
pub struct Package {
    pub rule_version: String,
    pub content: Value,
    /// The industry at submission (kept on the declaration for statistics).
    pub industry: Option<crate::rules::industry::IndustryCode>,
}

/// Every check of a submission (issue 3 item 6, in this order: prerequisites, SME size, profile completeness,
/// form, evidence, digital level), then the content to freeze with the score computed by the same engine the
/// advisor uses.
pub async fn submission_package(
    p: &Platform,
    d: &Declaration,
    now: OffsetDateTime,
) -> AppResult<Package> {
    let today = china_date(now);
    let rule_set = tiers::rule_set_for(today);
    // Every read the checks need, in one round of concurrent calls (checked below in the same order as before).
    let owner_pk = crate::services::declarations::decl_pk(&d.id);
    let (quals, stored_profile, files, digital) = tokio::try_join!(
        qualifications(p, &d.uscc),
        load_profile(p, &d.uscc),
        evidence::current_files(p, &owner_pk),
        latest_digital_assessment(p, &d.uscc),
    )?;
    if d.kind == crate::domain::declaration::Kind::Declaration {
        check_not_banned(&quals, d.tier, today)?;
        check_prerequisites(&quals, d.tier, today)?;
    }
    let profile = stored_profile
        .map(|v| v.value)
        .unwrap_or_else(|| EnterpriseProfile::new(d.enterprise_name.clone(), d.uscc.clone()));
    let missing = profile.missing_for(d.tier, d.year);
    if !missing.is_empty() {
        let labels: Vec<String> = missing
            .iter()
            .map(|m| EnterpriseProfile::missing_label(m))
            .collect();
        let mut e = AppError::new(
            ErrorCode::ProfileIncomplete,
            format!(
                "企业基本信息尚缺 {} 项：{}，请补充后再提交",
                missing.len(),
                labels.join("、")
            ),
        )
        .with_extra("missing", json!(missing));
        e.errors = missing
            .iter()
            .zip(&labels)
            .map(|(path, label)| {
                FieldError::new(path.clone(), "REQUIRED", format!("缺少“{label}”"))
            })
            .collect();
        return Err(e);
    }
    check_sme(&profile, d.year)?;
    let form = tiers::form_for(rule_set, d.tier);
    let problems = form.validate(&d.form);
    if !problems.is_empty() {
        return Err(AppError::validation(problems));
    }
    let missing_slots: Vec<Value> = form
        .evidence
        .iter()
        .filter(|s| s.required && !files.iter().any(|f| f.slot == s.id))
        .map(|s| json!({"slot": s.id, "label": s.label}))
        .collect();
    if !missing_slots.is_empty() {
        let labels: Vec<&str> = missing_slots
            .iter()
            .filter_map(|s| s["label"].as_str())
            .collect();
        return Err(AppError::new(
            ErrorCode::EvidenceMissing,
            format!("尚缺证明材料：{}", labels.join("、")),
        )
        .with_extra("missing_slots", json!(missing_slots)));
    }
    let level = digital_level_of(&digital);
    if (d.tier == Tier::Specialized || tiers::needs_digital_level(rule_set, d.tier))
        && level.is_none()
    {
        return Err(AppError::new(
            ErrorCode::DigitalAssessmentRequired,
            "申报专精特新中小企业须先完成数字化水平自评测",
        ));
    }
    let held = valid_tiers(&quals, today);
    // A re-review is not assessed on growth (2026 小巨人) and passes the score on an earlier one of the last 2
    // years.
    let re_review = match d.kind {
        crate::domain::declaration::Kind::ReReview => {
            Some(crate::services::declarations::recent_scores(p, &d.uscc, d.year - 2).await?)
        }
        crate::domain::declaration::Kind::Declaration => None,
    };
    let facts = facts_for(&profile, d.year, level, held, today, re_review);
    let assessment = assess_tier(rule_set, d.tier, &facts);
    let view = profile.view();
    let mut profile_json = serde_json::to_value(&profile).unwrap_or_default();
    profile_json["region_name"] = json!(view.region_name);
    profile_json["industry_name"] = json!(view.industry_name);
    let size = size_of(&profile, d.year);
    profile_json["size_class"] = json!(size.as_ref().map(|s| s.class.label()));
    let evidence: Vec<Value> = files
        .iter()
        .map(|f| json!({"slot": f.slot, "file_name": f.file_name, "size": f.size, "sha256": f.sha256, "evidence_id": f.id}))
        .collect();
    let content = json!({
        "declaration_id": d.id,
        "tier": d.tier,
        "year": d.year,
        "profile": profile_json,
        "form": d.form,
        "evidence": evidence,
        "digital": digital.as_ref().map(|r| json!({"assessment_id": r["id"], "level": r["result"]["level"], "score": r["result"]["score"]})),
        "assessment": assessment,
        "assessment_summary": {
            "rule_version": rule_set.version,
            "eligible": assessment.eligible,
            "score": assessment.score,
        },
    });
    Ok(Package {
        rule_version: rule_set.version.clone(),
        content,
        industry: profile.industry,
    })
}
