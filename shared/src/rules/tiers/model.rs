//! The rule-set data model, as read from `shared/rules/standards/*.yaml`, and its validation.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use time::Date;

use super::form::FormSpec;
use super::metrics::{Metric, Unit};
use super::num::Num;
use crate::domain::enterprise::iso_date;
use crate::domain::tier::Tier;

/// One version of the standards (e.g. the 2022 暂行办法), in force from `effective_from`.
#[derive(Clone, Debug, Deserialize)]
#[serde(try_from = "RawRuleSet")]
pub struct RuleSet {
    /// `"2022"`, `"2026"`.
    pub version: String,
    pub title: String,
    /// The document number (`工信部企业〔2022〕63号`).
    pub document: String,
    /// First China date on which this set applies.
    pub effective_from: Date,
    pub notes: Vec<String>,
    pub local_indicators: LocalIndicators,
    tiers: [TierRules; 3],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleSet {
    version: String,
    title: String,
    document: String,
    effective_from: String,
    #[serde(default)]
    notes: Vec<String>,
    local_indicators: LocalIndicators,
    tiers: RawTiers,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTiers {
    innovative: TierRules,
    specialized: TierRules,
    little_giant: TierRules,
}

impl TryFrom<RawRuleSet> for RuleSet {
    type Error = String;
    fn try_from(r: RawRuleSet) -> Result<Self, String> {
        let effective_from = iso_date::parse(&r.effective_from)
            .ok_or_else(|| format!("effective_from {:?} is not YYYY-MM-DD", r.effective_from))?;
        let set = RuleSet {
            version: r.version,
            title: r.title,
            document: r.document,
            effective_from,
            notes: r.notes,
            local_indicators: r.local_indicators,
            tiers: [
                r.tiers.innovative,
                r.tiers.specialized,
                r.tiers.little_giant,
            ],
        };
        set.validate()?;
        Ok(set)
    }
}

/// 地方特色指标 (专精特新 indicator 9): 1–3 indicators per province. Provinces not configured use `default`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocalIndicators {
    /// Total points of the local indicators (15).
    pub max: u32,
    #[serde(default)]
    pub provisional: bool,
    pub default: Vec<LocalIndicatorDef>,
    /// Keyed by the 2-digit province prefix (`"51"`).
    #[serde(default)]
    pub by_province: std::collections::BTreeMap<String, Vec<LocalIndicatorDef>>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocalIndicatorDef {
    pub id: String,
    pub name: String,
    pub max: u32,
}

impl LocalIndicators {
    /// The indicators that apply in a province (2-digit prefix).
    pub fn for_province(&self, prefix: u32) -> &[LocalIndicatorDef] {
        self.by_province
            .get(&format!("{prefix:02}"))
            .unwrap_or(&self.default)
    }
}

/// The rules of one tier in one version.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierRules {
    /// The tier's name in this version (`科技和创新型中小企业` from 2026).
    pub label: String,
    /// The whole tier standard is unconfirmed.
    #[serde(default)]
    pub provisional: bool,
    /// Tiers that must be held (valid) to apply.
    #[serde(default)]
    pub prerequisites: Vec<Tier>,
    /// Conditions that must all hold.
    #[serde(default)]
    pub hard_conditions: Vec<Condition>,
    /// The points score, if the tier has one.
    #[serde(default)]
    pub scoring: Option<Scoring>,
    /// Direct-entry (直通) conditions; any one suffices for what `direct_entry_replaces` names.
    #[serde(default)]
    pub direct_entries: Vec<Condition>,
    /// `score` (a direct entry replaces the score test) or `condition:<id>` (replaces that hard condition).
    #[serde(default)]
    pub direct_entry_replaces: Option<String>,
    pub form: FormSpec,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// What a direct entry stands in for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Replaces {
    Score,
    Condition(String),
}

impl TierRules {
    pub fn replaces(&self) -> Option<Replaces> {
        let r = self.direct_entry_replaces.as_deref()?;
        Some(match r.strip_prefix("condition:") {
            Some(id) => Replaces::Condition(id.to_string()),
            None => Replaces::Score,
        })
    }
}

/// A named yes/no condition.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub id: String,
    /// Chinese wording shown to people.
    pub text: String,
    #[serde(default)]
    pub provisional: bool,
    /// Applies only to declarations of this year or later (e.g. the 2025 round's revenue floor).
    #[serde(default)]
    pub from_year: Option<i32>,
    /// Applies only to declarations of this year or earlier (the 2025 revenue floor is for 2025 only).
    #[serde(default)]
    pub until_year: Option<i32>,
    /// Not assessed for a re-review (2026 小巨人: the revenue growth).
    #[serde(default)]
    pub not_for_re_review: bool,
    pub check: Check,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

impl Op {
    pub fn holds(self, v: Num, bound: Num) -> bool {
        match self {
            Op::Ge => v >= bound,
            Op::Gt => v > bound,
            Op::Le => v <= bound,
            Op::Lt => v < bound,
            Op::Eq => v == bound,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Gt => ">",
            Op::Le => "≤",
            Op::Lt => "<",
            Op::Eq => "=",
        }
    }
}

/// A condition tree: `all` / `any` over metric comparisons.
#[derive(Clone, Debug, Deserialize)]
#[serde(try_from = "RawCheck")]
pub enum Check {
    All(Vec<Check>),
    Any(Vec<Check>),
    Compare { metric: Metric, op: Op, value: Num },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    all: Option<Vec<Check>>,
    any: Option<Vec<Check>>,
    metric: Option<Metric>,
    ge: Option<Num>,
    gt: Option<Num>,
    le: Option<Num>,
    lt: Option<Num>,
    eq: Option<Num>,
}

impl TryFrom<RawCheck> for Check {
    type Error = String;
    fn try_from(r: RawCheck) -> Result<Self, String> {
        let ops: Vec<(Op, Num)> = [
            (Op::Ge, r.ge),
            (Op::Gt, r.gt),
            (Op::Le, r.le),
            (Op::Lt, r.lt),
            (Op::Eq, r.eq),
        ]
        .into_iter()
        .filter_map(|(o, v)| v.map(|v| (o, v)))
        .collect();
        match (r.all, r.any, r.metric) {
            (Some(list), None, None) if ops.is_empty() && !list.is_empty() => Ok(Check::All(list)),
            (None, Some(list), None) if ops.is_empty() && !list.is_empty() => Ok(Check::Any(list)),
            (None, None, Some(metric)) if ops.len() == 1 => Ok(Check::Compare {
                metric,
                op: ops[0].0,
                value: ops[0].1,
            }),
            _ => Err(
                "a check is a non-empty `all` or `any` list, or a `metric` with exactly one of ge/gt/le/lt/eq"
                    .into(),
            ),
        }
    }
}

impl Check {
    fn metrics(&self, out: &mut Vec<Metric>) {
        match self {
            Check::All(l) | Check::Any(l) => l.iter().for_each(|c| c.metrics(out)),
            Check::Compare { metric, .. } => out.push(*metric),
        }
    }
}

/// A points score (评分).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// What the score is called (`评价得分`, `专精特新发展质量评价得分`).
    pub name: String,
    pub total: u32,
    pub pass_score: u32,
    #[serde(default)]
    pub provisional: bool,
    /// For a re-review: the score also passes when one of the platform's scores of this tier in the last N years
    /// reached the pass mark (2026: "in either of the last 2 years").
    #[serde(default)]
    pub re_review_recent_years: Option<i32>,
    pub categories: Vec<Category>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub max: u32,
    /// Minimum points of the category for a pass (创新型: 20/15/15).
    #[serde(default)]
    pub min: Option<u32>,
    pub indicators: Vec<Indicator>,
}

/// One scored indicator (指标).
#[derive(Clone, Debug, Deserialize)]
#[serde(try_from = "RawIndicator")]
pub struct Indicator {
    pub id: String,
    /// Its number in the standard's table.
    pub no: u32,
    pub name: String,
    pub max: u32,
    pub provisional: bool,
    pub note: Option<String>,
    pub rule: IndicatorRule,
}

/// How an indicator's points are found.
#[derive(Clone, Debug)]
pub enum IndicatorRule {
    /// The best points over one or more band scales (e.g. R&D spend in money *or* as a share).
    Bands(Vec<Scale>),
    /// The metric's value is the points (capped at `max`), e.g. the local indicators.
    ValueIsPoints(Metric),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub metric: Metric,
    pub bands: Vec<Band>,
}

/// A band: `ge` (value ≥ bound, bands listed from the highest bound down) or `le` (value ≤ bound, listed from
/// the lowest bound up). The first band that holds wins, so at an edge the better band wins (RULES.md: lower
/// bound inclusive, the higher band wins a tie). Below every band: 0 points.
#[derive(Clone, Debug, Deserialize)]
#[serde(try_from = "RawBand")]
pub struct Band {
    pub op: Op,
    pub bound: Num,
    pub points: u32,
    pub label: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    ge: Option<Num>,
    le: Option<Num>,
    points: u32,
    label: Option<String>,
}

impl TryFrom<RawBand> for Band {
    type Error = String;
    fn try_from(r: RawBand) -> Result<Self, String> {
        let (op, bound) = match (r.ge, r.le) {
            (Some(b), None) => (Op::Ge, b),
            (None, Some(b)) => (Op::Le, b),
            _ => return Err("a band has exactly one of `ge` or `le`".into()),
        };
        Ok(Band {
            op,
            bound,
            points: r.points,
            label: r.label,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: String,
    no: u32,
    name: String,
    max: u32,
    #[serde(default)]
    provisional: bool,
    note: Option<String>,
    metric: Option<Metric>,
    bands: Option<Vec<Band>>,
    scales: Option<Vec<Scale>>,
    #[serde(default)]
    value_is_points: bool,
}

impl TryFrom<RawIndicator> for Indicator {
    type Error = String;
    fn try_from(r: RawIndicator) -> Result<Self, String> {
        let rule = match (r.metric, r.bands, r.scales, r.value_is_points) {
            (Some(metric), Some(bands), None, false) => {
                IndicatorRule::Bands(vec![Scale { metric, bands }])
            }
            (None, None, Some(scales), false) if !scales.is_empty() => IndicatorRule::Bands(scales),
            (Some(metric), None, None, true) => IndicatorRule::ValueIsPoints(metric),
            _ => {
                return Err(format!(
                    "indicator {}: give `metric` + `bands`, or `scales`, or `metric` + `value_is_points: true`",
                    r.id
                ));
            }
        };
        Ok(Indicator {
            id: r.id,
            no: r.no,
            name: r.name,
            max: r.max,
            provisional: r.provisional,
            note: r.note,
            rule,
        })
    }
}

impl Band {
    /// `≥5%`, `≤55%`, or the file's own label.
    pub fn describe(&self, metric: Metric) -> String {
        if let Some(l) = &self.label {
            return l.clone();
        }
        format!("{}{}", self.op.symbol(), metric.format(self.bound))
    }
}

fn unique<'a>(what: &str, ids: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = HashSet::new();
    for id in ids {
        if id.trim().is_empty() {
            return Err(format!("{what}: empty id"));
        }
        if !seen.insert(id) {
            return Err(format!("{what}: duplicate id {id:?}"));
        }
    }
    Ok(())
}

impl RuleSet {
    pub fn tier(&self, tier: Tier) -> &TierRules {
        &self.tiers[tier as usize]
    }

    /// Checks the internal consistency of the data; called when the file is loaded.
    pub fn validate(&self) -> Result<(), String> {
        let v = &self.version;
        if v.trim().is_empty() {
            return Err("version is empty".into());
        }
        let li = &self.local_indicators;
        for (key, list) in std::iter::once(("default", &li.default))
            .chain(li.by_province.iter().map(|(k, l)| (k.as_str(), l)))
        {
            if key != "default" && (key.len() != 2 || !key.bytes().all(|b| b.is_ascii_digit())) {
                return Err(format!(
                    "{v}: local_indicators: province key {key:?} is not 2 digits"
                ));
            }
            if list.is_empty() || list.len() > 3 {
                return Err(format!("{v}: local_indicators.{key}: 1–3 indicators"));
            }
            unique(
                &format!("{v}: local_indicators.{key}"),
                list.iter().map(|d| d.id.as_str()),
            )?;
            let sum: u32 = list.iter().map(|d| d.max).sum();
            if sum != li.max {
                return Err(format!(
                    "{v}: local_indicators.{key}: maxima sum to {sum}, not {}",
                    li.max
                ));
            }
        }
        for tier in Tier::ALL {
            let t = self.tier(tier);
            let at = format!("{v}/{tier}");
            if t.label.trim().is_empty() {
                return Err(format!("{at}: empty label"));
            }
            for p in &t.prerequisites {
                if *p >= tier {
                    return Err(format!("{at}: prerequisite {p} is not a lower tier"));
                }
            }
            unique(
                &at,
                t.hard_conditions
                    .iter()
                    .chain(&t.direct_entries)
                    .map(|c| c.id.as_str()),
            )?;
            for c in t.hard_conditions.iter().chain(&t.direct_entries) {
                if c.text.trim().is_empty() {
                    return Err(format!("{at}: condition {} has no text", c.id));
                }
            }
            match (t.replaces(), t.direct_entries.is_empty()) {
                (None, true) => {}
                (None, false) => {
                    return Err(format!("{at}: direct entries need `direct_entry_replaces`"));
                }
                (Some(_), true) => {
                    return Err(format!(
                        "{at}: `direct_entry_replaces` without direct entries"
                    ));
                }
                (Some(Replaces::Score), false) if t.scoring.is_none() => {
                    return Err(format!(
                        "{at}: direct entries replace a score the tier does not have"
                    ));
                }
                (Some(Replaces::Condition(id)), false)
                    if !t.hard_conditions.iter().any(|c| c.id == id) =>
                {
                    return Err(format!(
                        "{at}: direct entries replace unknown condition {id:?}"
                    ));
                }
                _ => {}
            }
            if t.hard_conditions.is_empty() && t.scoring.is_none() {
                return Err(format!("{at}: neither conditions nor a score"));
            }
            if let Some(s) = &t.scoring {
                validate_scoring(&at, s, li.max)?;
            }
            t.form
                .validate_spec()
                .map_err(|e| format!("{at}: form: {e}"))?;
        }
        Ok(())
    }

    /// Every metric the tier's rules read (for the lead: e.g. whether a digital level is needed).
    pub fn metrics_used(&self, tier: Tier) -> Vec<Metric> {
        let t = self.tier(tier);
        let mut out = Vec::new();
        for c in t.hard_conditions.iter().chain(&t.direct_entries) {
            c.check.metrics(&mut out);
        }
        if let Some(s) = &t.scoring {
            for i in s.categories.iter().flat_map(|c| &c.indicators) {
                match &i.rule {
                    IndicatorRule::Bands(scales) => out.extend(scales.iter().map(|s| s.metric)),
                    IndicatorRule::ValueIsPoints(m) => out.push(*m),
                }
            }
        }
        out.sort_by_key(|m| *m as u32);
        out.dedup();
        out
    }
}

fn validate_scoring(at: &str, s: &Scoring, local_max: u32) -> Result<(), String> {
    if s.pass_score > s.total {
        return Err(format!(
            "{at}: pass score {} above total {}",
            s.pass_score, s.total
        ));
    }
    let sum: u32 = s.categories.iter().map(|c| c.max).sum();
    if sum != s.total {
        return Err(format!(
            "{at}: category maxima sum to {sum}, not {}",
            s.total
        ));
    }
    unique(
        &format!("{at} categories"),
        s.categories.iter().map(|c| c.id.as_str()),
    )?;
    unique(
        &format!("{at} indicators"),
        s.categories
            .iter()
            .flat_map(|c| &c.indicators)
            .map(|i| i.id.as_str()),
    )?;
    for c in &s.categories {
        let isum: u32 = c.indicators.iter().map(|i| i.max).sum();
        if isum != c.max {
            return Err(format!(
                "{at}/{}: indicator maxima sum to {isum}, not {}",
                c.id, c.max
            ));
        }
        if c.min.is_some_and(|m| m > c.max) {
            return Err(format!("{at}/{}: minimum above maximum", c.id));
        }
        for i in &c.indicators {
            let ia = format!("{at}/{}", i.id);
            match &i.rule {
                IndicatorRule::ValueIsPoints(m) => {
                    if m.unit() != Unit::Points {
                        return Err(format!("{ia}: {m:?} is not a points metric"));
                    }
                    if *m == Metric::LocalIndicatorPoints && i.max != local_max {
                        return Err(format!(
                            "{ia}: max {} differs from local_indicators.max",
                            i.max
                        ));
                    }
                }
                IndicatorRule::Bands(scales) => {
                    let mut top = 0;
                    for sc in scales {
                        if sc.metric.unit() == Unit::Points {
                            return Err(format!(
                                "{ia}: points metric {:?} needs value_is_points",
                                sc.metric
                            ));
                        }
                        let b = &sc.bands;
                        if b.is_empty() {
                            return Err(format!("{ia}: no bands"));
                        }
                        for w in b.windows(2) {
                            if w[0].op != w[1].op {
                                return Err(format!("{ia}: bands mix ge and le"));
                            }
                            let ordered = match w[0].op {
                                Op::Ge => w[0].bound > w[1].bound,
                                _ => w[0].bound < w[1].bound,
                            };
                            if !ordered {
                                return Err(format!(
                                    "{ia}: bands out of order at {} / {}",
                                    w[0].bound, w[1].bound
                                ));
                            }
                            if w[1].points > w[0].points {
                                return Err(format!("{ia}: a worse band scores more"));
                            }
                        }
                        if b.iter().any(|x| x.points > i.max) {
                            return Err(format!("{ia}: band points above max {}", i.max));
                        }
                        top = top.max(b[0].points);
                    }
                    if top != i.max {
                        return Err(format!("{ia}: best band gives {top}, max is {}", i.max));
                    }
                }
            }
        }
    }
    Ok(())
}
