//! What a declaration must satisfy, as rules over loaded records: a tier's prerequisites and bans, the SME size
//! check, the form's structure and problems, the evidence slots, and the tier assessment the advisor and the
//! submission share.

use crate::domain::calendar::china_date;
use crate::domain::declaration::Declaration;
use crate::domain::enterprise::EnterpriseProfile;
use crate::domain::qualification::Qualification;
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::rules::sme_size::{self, SizeAssessment};
use crate::rules::tiers;
use crate::services::Platform;
use crate::services::enterprise_views::AdviceBlocker;
use crate::services::records::qualifications;
use serde::Serialize;
use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime};

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

/// The tiers held valid on `today`.
pub fn valid_tiers(quals: &[Qualification], today: Date) -> Vec<Tier> {
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

pub fn rule_set_of(d: &Declaration) -> &'static tiers::RuleSet {
    let on = d
        .snapshot
        .as_ref()
        .map(|s| china_date(s.submitted_at))
        .unwrap_or_else(|| china_date(d.updated_at));
    tiers::rule_set_for(on)
}

/// The form of a declaration's tier under the rule version in force.
#[derive(Clone, Copy, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormSpecView {
    pub rule_version: &'static str,
    #[cfg_attr(feature = "openapi", schema(value_type = tiers::FormSpec))]
    pub spec: &'static tiers::FormSpec,
}

/// The form (fields and evidence slots) of a declaration's tier under the rule version in force.
pub fn form_spec(d: &Declaration) -> FormSpecView {
    let rule_set = rule_set_of(d);
    FormSpecView {
        rule_version: &rule_set.version,
        spec: tiers::form_for(rule_set, d.tier),
    }
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

pub fn facts_for(
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
pub fn sme_condition(profile: &EnterpriseProfile, year: i32) -> tiers::ConditionResult {
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
pub fn assess_tier(
    rule_set: &tiers::RuleSet,
    tier: Tier,
    facts: &tiers::Facts,
) -> tiers::Assessment {
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
pub fn blockers(
    quals: &[Qualification],
    profile: &EnterpriseProfile,
    tier: Tier,
    year: i32,
    today: Date,
) -> Vec<AdviceBlocker> {
    let mut out: Vec<AdviceBlocker> = [
        check_not_banned(quals, tier, today),
        check_prerequisites(quals, tier, today),
        check_sme(profile, year),
    ]
    .into_iter()
    .filter_map(Result::err)
    .map(|e| AdviceBlocker {
        code: e.code.as_str().to_owned(),
        detail: e.detail,
    })
    .collect();
    out.dedup();
    out
}

/// `NOT_SME` when the size standard puts the enterprise above a medium enterprise.
pub fn check_sme(profile: &EnterpriseProfile, year: i32) -> AppResult<()> {
    match size_of(profile, year) {
        Some(size) if !size.class.is_sme() => Err(AppError::new(
            ErrorCode::NotSme,
            format!("按《中小企业划型标准规定》，{}，不能申报", size.basis),
        )),
        _ => Ok(()),
    }
}
