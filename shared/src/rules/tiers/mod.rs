//! Tier standards (RULES.md §1.3–1.7) as versioned data, interpreted by one engine.
//!
//! * The standards are YAML files in `shared/rules/standards/` (one per version: `2022.yaml` = 暂行办法 in
//!   force 2022-08-01, `2026.yaml` = 办法 in force 2026-04-01), compiled in with `include_str!`, parsed and
//!   validated once ([`all_rule_sets`]); an invalid file panics on first use and fails the tests.
//! * Metrics are code ([`Metric`], a fixed catalogue of functions over [`Facts`]); bands, thresholds, points,
//!   category minimums, pass scores, hard conditions (`all`/`any` over comparisons), direct entries,
//!   prerequisites and the declaration forms are data. Unconfirmed items carry `provisional: true` in the
//!   file and make the [`Assessment`] provisional.
//! * [`rule_set_for`] picks the version in force on a China date; [`assess`] scores a tier.

mod engine;
mod form;
mod metrics;
mod model;
mod num;

#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use time::Date;

pub use engine::{
    Assessment, CategoryResult, ConditionResult, IndicatorResult, assess, prerequisites,
};
pub use form::{ChoiceOption, EvidenceSlot, FieldKind, FormField, FormSpec};
pub use metrics::{Eval, Facts, Metric, Unit};
pub use model::{
    Band, Category, Check, Condition, Indicator, IndicatorRule, LocalIndicatorDef, LocalIndicators,
    Op, Replaces, RuleSet, Scale, Scoring, TierRules,
};
pub use num::Num;

use crate::domain::tier::Tier;

/// The rule files, oldest first.
const FILES: &[(&str, &str)] = &[
    (
        "2022.yaml",
        include_str!("../../../rules/standards/2022.yaml"),
    ),
    (
        "2026.yaml",
        include_str!("../../../rules/standards/2026.yaml"),
    ),
];

/// Parses and validates one rule file.
pub fn parse_rule_set(yaml: &str) -> Result<RuleSet, String> {
    serde_yaml_ng::from_str::<RuleSet>(yaml).map_err(|e| e.to_string())
}

fn load() -> Result<Vec<RuleSet>, String> {
    let mut sets = Vec::new();
    for (name, text) in FILES {
        sets.push(parse_rule_set(text).map_err(|e| format!("rules/standards/{name}: {e}"))?);
    }
    for w in sets.windows(2) {
        if w[0].effective_from >= w[1].effective_from {
            return Err("rule sets must be listed by increasing effective_from".into());
        }
        if w[0].version == w[1].version {
            return Err(format!("duplicate rule version {}", w[0].version));
        }
    }
    Ok(sets)
}

static RULE_SETS: LazyLock<Vec<RuleSet>> =
    LazyLock::new(|| load().unwrap_or_else(|e| panic!("tier standards: {e}")));

/// Every rule set, oldest first.
pub fn all_rule_sets() -> &'static [RuleSet] {
    &RULE_SETS
}

/// The rule set in force on `date` (a China date): the newest whose `effective_from` is on or before it.
/// Dates before the first set get the first set.
pub fn rule_set_for(date: Date) -> &'static RuleSet {
    let sets = all_rule_sets();
    sets.iter()
        .rev()
        .find(|s| s.effective_from <= date)
        .unwrap_or(&sets[0])
}

/// A rule set by version (`"2022"`), e.g. to re-read a frozen declaration.
pub fn rule_set(version: &str) -> Option<&'static RuleSet> {
    all_rule_sets().iter().find(|s| s.version == version)
}

/// The declaration form of `tier` under `rules`.
pub fn form_for(rules: &RuleSet, tier: Tier) -> &FormSpec {
    &rules.tier(tier).form
}

/// Whether assessing `tier` under `rules` reads the digital level (so a self-assessment is needed).
pub fn needs_digital_level(rules: &RuleSet, tier: Tier) -> bool {
    rules.metrics_used(tier).contains(&Metric::DigitalLevel)
}
