//! The one engine: evaluates a tier of a [`RuleSet`] over [`Facts`] into an [`Assessment`].
//!
//! Three-valued throughout: a condition holds, fails, or is unknown (inputs missing, listed in `missing`).
//! A score whose indicators are partly unknown still decides when the known points already pass (or when even
//! full marks on the unknown indicators could not pass).

use serde::{Deserialize, Serialize};

use super::metrics::{Eval, Facts};
use super::model::{Check, Condition, IndicatorRule, Replaces, RuleSet};
use crate::domain::tier::Tier;

/// The result of one condition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConditionResult {
    pub id: String,
    /// Chinese wording.
    pub text: String,
    /// `None` = cannot be decided with the data given.
    pub holds: Option<bool>,
    /// Profile paths (or `digital_level`) whose absence leaves it undecided.
    pub missing: Vec<String>,
    /// The condition comes from an unconfirmed reading of the rules.
    pub provisional: bool,
    /// A hard condition that failed (or is undecided) on its own but is met through a direct entry.
    #[serde(default)]
    pub met_by_direct_entry: bool,
}

/// The result of one scored indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorResult {
    pub id: String,
    /// Number in the standard's table.
    pub no: u32,
    pub category: String,
    pub name: String,
    /// `None` = unknown.
    pub points: Option<u32>,
    pub max: u32,
    /// The metric's value (percent, 万元, years, count…), for display.
    pub value: Option<f64>,
    /// The value as text (`12.5%`, `1200万元`, `是`).
    pub value_text: Option<String>,
    /// The band reached (`≥5%`), or `未知`.
    pub band: String,
    pub missing: Vec<String>,
    pub provisional: bool,
}

/// A category subtotal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryResult {
    pub id: String,
    pub name: String,
    /// `None` when an indicator is unknown.
    pub score: Option<u32>,
    /// Points of the known indicators (a lower bound).
    pub known_score: u32,
    pub max: u32,
    pub min: Option<u32>,
    /// Meets its minimum (`None` = undecided; `Some(true)` when there is no minimum).
    pub passed: Option<bool>,
}

/// The assessment of one tier: frozen into submitted declarations and shown by the advisor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    pub tier: Tier,
    /// The tier's name in this rule version.
    pub tier_label: String,
    /// `"2022"` / `"2026"`.
    pub rule_version: String,
    /// Meets the standard on the data given (false when undecided; see `determined`).
    pub eligible: bool,
    /// Whether the data given suffice to decide `eligible`.
    pub determined: bool,
    /// Total points (`None` when the tier has no score or an indicator is unknown).
    pub score: Option<u32>,
    /// Points of the known indicators.
    pub known_score: u32,
    pub pass_score: Option<u32>,
    pub score_name: Option<String>,
    /// Score and category minimums met (`None`: no score, or undecided).
    pub score_passed: Option<bool>,
    pub categories: Vec<CategoryResult>,
    pub indicators: Vec<IndicatorResult>,
    /// Prerequisite tiers first, then the standard's hard conditions.
    pub hard_conditions: Vec<ConditionResult>,
    pub direct_entries: Vec<ConditionResult>,
    pub direct_entry_met: bool,
    /// What a direct entry stands in for: `score` or `condition:<id>`.
    pub direct_entry_replaces: Option<String>,
    /// Everything missing, deduplicated and sorted.
    pub missing: Vec<String>,
    /// Some rule used is unconfirmed.
    pub provisional: bool,
}

fn and3(items: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for i in items {
        match i {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown { None } else { Some(true) }
}

fn or3(items: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for i in items {
        match i {
            Some(true) => return Some(true),
            None => unknown = true,
            Some(false) => {}
        }
    }
    if unknown { None } else { Some(false) }
}

/// Bounds test: `Some(true)` if `low ≥ need`, `Some(false)` if `high < need`, else undecided.
fn bound3(low: u32, high: u32, need: u32) -> Option<bool> {
    if low >= need {
        Some(true)
    } else if high < need {
        Some(false)
    } else {
        None
    }
}

fn eval_check(check: &Check, facts: &Facts, rules: &RuleSet) -> (Option<bool>, Vec<String>) {
    match check {
        Check::Compare { metric, op, value } => match metric.eval(facts, rules) {
            Eval::Known(v) => (Some(op.holds(v, *value)), Vec::new()),
            Eval::Unknown(m) => (None, m),
        },
        Check::All(list) | Check::Any(list) => {
            let results: Vec<_> = list.iter().map(|c| eval_check(c, facts, rules)).collect();
            let values = results.iter().map(|r| r.0);
            let holds = if matches!(check, Check::All(_)) {
                and3(values)
            } else {
                or3(values)
            };
            let missing = if holds.is_some() {
                Vec::new()
            } else {
                results.into_iter().flat_map(|r| r.1).collect()
            };
            (holds, missing)
        }
    }
}

fn eval_condition(c: &Condition, facts: &Facts, rules: &RuleSet) -> ConditionResult {
    let (holds, mut missing) = eval_check(&c.check, facts, rules);
    missing.sort();
    missing.dedup();
    ConditionResult {
        id: c.id.clone(),
        text: c.text.clone(),
        holds,
        missing,
        provisional: c.provisional,
        met_by_direct_entry: false,
    }
}

fn applies(c: &Condition, facts: &Facts) -> bool {
    c.from_year.is_none_or(|y| facts.declaration_year >= y)
        && c.until_year.is_none_or(|y| facts.declaration_year <= y)
        && !(c.not_for_re_review && facts.re_review)
}

/// The tiers an enterprise must hold (valid) to declare `tier` under `rules`.
pub fn prerequisites(rules: &RuleSet, tier: Tier) -> Vec<Tier> {
    rules.tier(tier).prerequisites.clone()
}

/// Assesses `tier` under `rules` for `facts`.
pub fn assess(rules: &RuleSet, tier: Tier, facts: &Facts) -> Assessment {
    let t = rules.tier(tier);
    let mut provisional = t.provisional;

    let mut hard: Vec<ConditionResult> = t
        .prerequisites
        .iter()
        .map(|p| ConditionResult {
            id: format!("prerequisite_{p}"),
            text: format!("持有有效期内的{}资质", rules.tier(*p).label),
            holds: Some(facts.held_tiers.contains(p)),
            missing: Vec::new(),
            provisional: false,
            met_by_direct_entry: false,
        })
        .collect();
    hard.extend(
        t.hard_conditions
            .iter()
            .filter(|c| applies(c, facts))
            .map(|c| eval_condition(c, facts, rules)),
    );
    let direct: Vec<ConditionResult> = t
        .direct_entries
        .iter()
        .filter(|c| applies(c, facts))
        .map(|c| eval_condition(c, facts, rules))
        .collect();
    let direct_any = or3(direct.iter().map(|d| d.holds));
    let replaces = t.replaces();

    // Score.
    let mut indicators = Vec::new();
    let mut categories = Vec::new();
    let mut score_passed = None;
    let mut score = None;
    let mut known_score = 0;
    if let Some(s) = &t.scoring {
        provisional |= s.provisional;
        let (mut low, mut high) = (0u32, 0u32);
        let mut cat_tests = Vec::new();
        for c in &s.categories {
            let (mut c_low, mut c_high) = (0u32, 0u32);
            let mut complete = true;
            for i in &c.indicators {
                let r = score_indicator(i, &c.name, facts, rules);
                provisional |= r.provisional;
                complete &= r.points.is_some();
                c_low += r.points.unwrap_or(0);
                c_high += r.points.unwrap_or(i.max);
                indicators.push(r);
            }
            let passed = c.min.map_or(Some(true), |m| bound3(c_low, c_high, m));
            cat_tests.push(passed);
            categories.push(CategoryResult {
                id: c.id.clone(),
                name: c.name.clone(),
                score: complete.then_some(c_low),
                known_score: c_low,
                max: c.max,
                min: c.min,
                passed,
            });
            low += c_low;
            high += c_high;
        }
        known_score = low;
        if indicators.iter().all(|r| r.points.is_some()) {
            score = Some(low);
        }
        score_passed = and3(std::iter::once(bound3(low, high, s.pass_score)).chain(cat_tests));
        // A re-review also passes on an earlier score of the tier within the last N years.
        if let Some(years) = s.re_review_recent_years
            && facts.re_review
            && facts.recent_scores.iter().any(|(t, y, points)| {
                *t == tier && *y >= facts.declaration_year - years && *points >= s.pass_score
            })
        {
            score_passed = Some(true);
        }
    }

    // Direct entries stand in for the score or for one hard condition.
    if let Some(Replaces::Condition(id)) = &replaces {
        for h in hard.iter_mut().filter(|h| &h.id == id) {
            if h.holds != Some(true) && direct_any == Some(true) {
                h.met_by_direct_entry = true;
            }
        }
    }
    let hard_tests = hard.iter().map(|h| match &replaces {
        Some(Replaces::Condition(id)) if &h.id == id => or3([h.holds, direct_any]),
        _ => h.holds,
    });
    let score_test = match (&t.scoring, &replaces) {
        (None, _) => Some(true),
        (Some(_), Some(Replaces::Score)) => or3([score_passed, direct_any]),
        (Some(_), _) => score_passed,
    };
    let verdict = and3(hard_tests.chain(std::iter::once(score_test)));

    for c in hard.iter().chain(&direct) {
        provisional |= c.provisional;
    }
    let mut missing: Vec<String> = hard
        .iter()
        .chain(&direct)
        .flat_map(|c| c.missing.iter().cloned())
        .chain(indicators.iter().flat_map(|i| i.missing.iter().cloned()))
        .collect();
    missing.sort();
    missing.dedup();

    Assessment {
        tier,
        tier_label: t.label.clone(),
        rule_version: rules.version.clone(),
        eligible: verdict == Some(true),
        determined: verdict.is_some(),
        score,
        known_score,
        pass_score: t.scoring.as_ref().map(|s| s.pass_score),
        score_name: t.scoring.as_ref().map(|s| s.name.clone()),
        score_passed,
        categories,
        indicators,
        hard_conditions: hard,
        direct_entries: direct,
        direct_entry_met: direct_any == Some(true),
        direct_entry_replaces: t.direct_entry_replaces.clone(),
        missing,
        provisional,
    }
}

fn score_indicator(
    i: &super::model::Indicator,
    category: &str,
    facts: &Facts,
    rules: &RuleSet,
) -> IndicatorResult {
    let mut r = IndicatorResult {
        id: i.id.clone(),
        no: i.no,
        category: category.to_string(),
        name: i.name.clone(),
        points: None,
        max: i.max,
        value: None,
        value_text: None,
        band: "未知".to_string(),
        missing: Vec::new(),
        provisional: i.provisional,
    };
    match &i.rule {
        IndicatorRule::ValueIsPoints(metric) => match metric.eval(facts, rules) {
            Eval::Known(v) => {
                let p = u32::try_from(v.floor().clamp(0, i128::from(i.max))).unwrap_or(0);
                r.points = Some(p);
                r.value = Some(v.to_f64());
                r.value_text = Some(metric.format(v));
                r.band = format!("自评{}", metric.format(v));
            }
            Eval::Unknown(m) => r.missing = m,
        },
        IndicatorRule::Bands(scales) => {
            let mut best: Option<(u32, String)> = None;
            let mut texts = Vec::new();
            for sc in scales {
                match sc.metric.eval(facts, rules) {
                    Eval::Known(v) => {
                        if r.value.is_none() {
                            r.value = Some(v.to_f64());
                        }
                        let text = sc.metric.format(v);
                        texts.push(if scales.len() > 1 {
                            format!("{}{}", sc.metric.label(), text)
                        } else {
                            text
                        });
                        let (points, band) = sc
                            .bands
                            .iter()
                            .find(|b| b.op.holds(v, b.bound))
                            .map(|b| (b.points, b.describe(sc.metric)))
                            .unwrap_or((0, "未达到最低档".to_string()));
                        if best.as_ref().is_none_or(|(p, _)| points > *p) {
                            best = Some((points, band));
                        }
                    }
                    Eval::Unknown(m) => r.missing.extend(m),
                }
            }
            if !texts.is_empty() {
                r.value_text = Some(texts.join("；"));
            }
            // Decided when nothing is unknown, or a known scale already gives full marks.
            if let Some((p, band)) = best
                && (r.missing.is_empty() || p == i.max)
            {
                r.points = Some(p);
                r.band = band;
                r.missing.clear();
            }
        }
    }
    r.missing.sort();
    r.missing.dedup();
    r
}
