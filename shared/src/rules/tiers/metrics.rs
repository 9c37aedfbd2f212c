//! The metric catalogue: named functions over [`Facts`]. The rule files refer to metrics by these names; the
//! numbers they compare them with live in the files.
//!
//! Units: ratios and growth in percent, money in 万元, niche years in full years, the rest counts, flags
//! (1 = yes, 0 = no), levels or ordinals. Values are exact fractions ([`Num`]).
//!
//! Conventions (RULES.md leaves them open; documented decisions):
//! * The prior year (上年度) is `declaration_year − 1`; "the last 2 years" of figures are years −1 and −2,
//!   the 2-year average growth uses −1, −2 and −3 and is the arithmetic mean of the two yearly growth rates.
//! * "In the last N years" for awards, contests and financing: from 1 January of `declaration_year − N` up to
//!   the submission date (the notices' usual "近三年（20XX年1月1日以来）" reading).
//! * Niche years are the full years from `market.since` to 1 January of the declaration year (i.e. as at the
//!   end of the prior year).
//! * A ratio over a zero denominator, or growth from a non-positive base, is unknown (never a silent 0).
//!   One exception, which can only make a test fail: a blank international market share reads as 0%.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::RuleSet;
use super::num::Num;
use crate::domain::enterprise::{EnterpriseProfile, HonourKind, YearFigures, iso_date};
use crate::domain::money::Money;
use crate::domain::tier::Tier;

/// Everything an assessment reads: the profile, the declaration year, the submission date (China date), the
/// latest digital-assessment level and the tiers the enterprise currently holds valid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub profile: EnterpriseProfile,
    pub declaration_year: i32,
    #[serde(with = "iso_date")]
    pub submission_date: Date,
    /// Latest 数字化水平 level 1–4, if the enterprise has assessed itself.
    pub digital_level: Option<u8>,
    /// Tiers held and valid on the submission date.
    pub held_tiers: Vec<Tier>,
    /// The assessment is for a re-review (复核) of a tier held.
    #[serde(default)]
    pub re_review: bool,
    /// The platform's earlier scores of a tier: (tier, year of the assessment, score).
    #[serde(default)]
    pub recent_scores: Vec<(Tier, i32, u32)>,
}

impl Facts {
    pub fn new(profile: EnterpriseProfile, declaration_year: i32, submission_date: Date) -> Facts {
        Facts {
            profile,
            declaration_year,
            submission_date,
            digital_level: None,
            held_tiers: Vec::new(),
            re_review: false,
            recent_scores: Vec::new(),
        }
    }

    /// For a re-review, with the platform's earlier scores (tier, year, score).
    pub fn for_re_review(mut self, recent_scores: Vec<(Tier, i32, u32)>) -> Facts {
        self.re_review = true;
        self.recent_scores = recent_scores;
        self
    }

    pub fn with_digital_level(mut self, level: Option<u8>) -> Facts {
        self.digital_level = level;
        self
    }

    pub fn with_held_tiers(mut self, tiers: Vec<Tier>) -> Facts {
        self.held_tiers = tiers;
        self
    }

    /// The prior year (上年度).
    pub fn prior_year(&self) -> i32 {
        self.declaration_year - 1
    }

    fn window_start(&self, years: i32) -> Date {
        Date::from_calendar_date(self.declaration_year - years, Month::January, 1)
            .unwrap_or(Date::MIN)
    }

    fn in_year_window(&self, year: i32, years: i32) -> bool {
        year >= self.declaration_year - years && year <= self.submission_date.year()
    }
}

/// The value of a metric, or why it cannot be computed (profile paths, as [`EnterpriseProfile::missing_for`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Eval {
    Known(Num),
    Unknown(Vec<String>),
}

/// How a metric's value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Wan,
    Years,
    Count,
    Flag,
    Level,
    Points,
    Ordinal(&'static [&'static str]),
}

const IP_CLASSES: &[&str] = &[
    "无",
    "Ⅱ类知识产权",
    "Ⅰ类知识产权",
    "自主研发Ⅰ类知识产权",
    "Ⅰ类高价值知识产权",
];
const CHAIN_CLASSES: &[&str] = &[
    "其他领域",
    "属于“六基”领域、中华老字号或为龙头企业配套",
    "在产业链关键环节补短板、锻长板、填空白",
];
const RD_LEVELS: &[&str] = &["无", "市级以下", "市级", "省级", "国家级"];

/// The fixed catalogue of metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    OperatingRevenuePriorYear,
    RdExpensePriorYear,
    #[serde(rename = "rd_expense_min_2y")]
    RdExpenseMin2y,
    #[serde(rename = "rd_expense_avg_2y")]
    RdExpenseAvg2y,
    #[serde(rename = "rd_expense_total_2y")]
    RdExpenseTotal2y,
    RdToRevenuePriorYear,
    #[serde(rename = "rd_to_revenue_min_2y")]
    RdToRevenueMin2y,
    MainBusinessSharePriorYear,
    MainBusinessGrowthPriorYear,
    #[serde(rename = "avg_main_business_growth_2y")]
    AvgMainBusinessGrowth2y,
    AssetLiabilityRatioPriorYear,
    NetMarginPriorYear,
    RdStaffSharePriorYear,
    NicheYears,
    NationalMarketShare,
    InternationalMarketShare,
    IpScoreClass,
    IpClass1Total,
    IpClass1Applied,
    StrategicEmergingField,
    ChainFieldClass,
    ChainKeyPoint,
    LittleGiantKeyField,
    QualityItems,
    OwnBrand,
    CoreProcessesOnInfoSystems,
    ManagementOrForeignCertification,
    DigitalLevel,
    RdInstitutionLevel,
    #[serde(rename = "sti_award_national_or_provincial_3y")]
    StiAwardNationalOrProvincial3y,
    #[serde(rename = "sti_award_provincial_top3_or_national_top5_3y")]
    StiAwardProvincialTop3OrNationalTop5In3y,
    #[serde(rename = "sti_award_top3_3y")]
    StiAwardTop3In3y,
    /// National-level S&T awards in the last 3 years ranked top 3 (2026 小巨人: the only IP waiver).
    #[serde(rename = "sti_award_national_top3_3y")]
    StiAwardNationalTop3In3y,
    /// Compound growth of operating revenue over the last 2 years (from year −3 to year −1), percent.
    #[serde(rename = "operating_revenue_cagr_2y")]
    OperatingRevenueCagr2y,
    /// Top 3 of the domestic niche market (`market.national_rank` ≤ 3; blank reads as no).
    NationalMarketTop3,
    /// The enterprise states a leading position in its niche market (`market.leading_position`).
    MarketPositionLeading,
    InnovativeHonourValid,
    SingleChampion,
    #[serde(rename = "makers_china_top500_3y")]
    MakersChinaTop500In3y,
    #[serde(rename = "makers_china_top50_3y")]
    MakersChinaTop50In3y,
    #[serde(rename = "equity_financing_qualified_last_2y")]
    QualifiedEquityFinancing2y,
    #[serde(rename = "equity_financing_qualified_last_3y")]
    QualifiedEquityFinancing3y,
    LocalIndicatorPoints,
}

fn wan(m: Money) -> Num {
    Num::new(i128::from(m.fen()), 1_000_000).unwrap_or(Num::ZERO)
}

fn ratio(n: Money, d: Money, d_path: String) -> Eval {
    if d.fen() <= 0 {
        return Eval::Unknown(vec![format!("{d_path}（为0，无法计算比率）")]);
    }
    match Num::percent(i128::from(n.fen()), i128::from(d.fen())) {
        Some(v) => Eval::Known(v),
        None => Eval::Unknown(vec![d_path]),
    }
}

fn growth(cur: Money, base: Money, base_path: String) -> Result<Num, Vec<String>> {
    if base.fen() <= 0 {
        return Err(vec![format!("{base_path}（不大于0，无法计算增长率）")]);
    }
    Num::percent(i128::from(cur.fen() - base.fen()), i128::from(base.fen()))
        .ok_or_else(|| vec![base_path])
}

fn min(a: Num, b: Num) -> Num {
    if a <= b { a } else { b }
}

fn flag(b: bool) -> Eval {
    Eval::Known(Num::int(i64::from(b)))
}

fn count(n: usize) -> Eval {
    Eval::Known(Num::int(n as i64))
}

fn unknown(path: &str) -> Eval {
    Eval::Unknown(vec![path.to_string()])
}

impl Metric {
    pub fn unit(self) -> Unit {
        use Metric::*;
        match self {
            OperatingRevenuePriorYear
            | RdExpensePriorYear
            | RdExpenseMin2y
            | RdExpenseAvg2y
            | RdExpenseTotal2y
            | QualifiedEquityFinancing2y
            | QualifiedEquityFinancing3y => Unit::Wan,
            RdToRevenuePriorYear
            | RdToRevenueMin2y
            | MainBusinessSharePriorYear
            | MainBusinessGrowthPriorYear
            | AvgMainBusinessGrowth2y
            | AssetLiabilityRatioPriorYear
            | NetMarginPriorYear
            | RdStaffSharePriorYear
            | NationalMarketShare
            | InternationalMarketShare
            | OperatingRevenueCagr2y => Unit::Percent,
            NicheYears => Unit::Years,
            IpScoreClass => Unit::Ordinal(IP_CLASSES),
            ChainFieldClass => Unit::Ordinal(CHAIN_CLASSES),
            RdInstitutionLevel => Unit::Ordinal(RD_LEVELS),
            StrategicEmergingField
            | ChainKeyPoint
            | LittleGiantKeyField
            | OwnBrand
            | ManagementOrForeignCertification
            | SingleChampion
            | NationalMarketTop3
            | MarketPositionLeading => Unit::Flag,
            DigitalLevel => Unit::Level,
            LocalIndicatorPoints => Unit::Points,
            IpClass1Total
            | IpClass1Applied
            | QualityItems
            | CoreProcessesOnInfoSystems
            | StiAwardNationalOrProvincial3y
            | StiAwardProvincialTop3OrNationalTop5In3y
            | StiAwardTop3In3y
            | StiAwardNationalTop3In3y
            | InnovativeHonourValid
            | MakersChinaTop500In3y
            | MakersChinaTop50In3y => Unit::Count,
        }
    }

    /// Chinese name of the quantity.
    pub fn label(self) -> &'static str {
        use Metric::*;
        match self {
            OperatingRevenuePriorYear => "上年度营业收入",
            RdExpensePriorYear => "上年度研发费用",
            RdExpenseMin2y => "近两年研发费用（较低一年）",
            RdExpenseAvg2y => "近两年研发费用年均",
            RdExpenseTotal2y => "近两年研发费用合计",
            RdToRevenuePriorYear => "上年度研发费用占营业收入比重",
            RdToRevenueMin2y => "近两年研发费用占营业收入比重（较低一年）",
            MainBusinessSharePriorYear => "上年度主营业务收入占营业收入比重",
            MainBusinessGrowthPriorYear => "上年度主营业务收入增长率",
            AvgMainBusinessGrowth2y => "近两年主营业务收入平均增长率",
            AssetLiabilityRatioPriorYear => "上年度资产负债率",
            NetMarginPriorYear => "上年度净利润率",
            RdStaffSharePriorYear => "上年度研发人员占比",
            NicheYears => "从事特定细分市场年限",
            NationalMarketShare => "主导产品全国细分市场占有率",
            InternationalMarketShare => "主导产品国际细分市场占有率",
            IpScoreClass => "与主导产品相关的有效知识产权",
            IpClass1Total => "与主导产品相关的Ⅰ类知识产权",
            IpClass1Applied => "已应用并产生经济效益的Ⅰ类知识产权",
            StrategicEmergingField => "主导产品属于战略性新兴产业",
            ChainFieldClass => "主导产品所属领域",
            ChainKeyPoint => "在产业链关键环节补短板、锻长板、填空白",
            LittleGiantKeyField => "主导产品属于重点领域",
            QualityItems => "质量管理事项",
            OwnBrand => "拥有自主品牌",
            CoreProcessesOnInfoSystems => "信息系统支撑的核心业务环节",
            ManagementOrForeignCertification => "管理体系认证或发达国家（地区）产品认证",
            DigitalLevel => "数字化水平",
            RdInstitutionLevel => "研发机构级别",
            StiAwardNationalOrProvincial3y => "近三年国家级或省级科技奖励",
            StiAwardProvincialTop3OrNationalTop5In3y => {
                "近三年省级科技奖励前三名或国家级科技奖励前五名"
            }
            StiAwardTop3In3y => "近三年省级以上科技奖励前三名",
            StiAwardNationalTop3In3y => "近三年国家级科技奖励前三名",
            OperatingRevenueCagr2y => "近两年营业收入复合增长率",
            NationalMarketTop3 => "主导产品国内细分市场排名前三",
            MarketPositionLeading => "细分市场占有率较为靠前、享有一定知名度和影响力",
            InnovativeHonourValid => "有效期内的高新技术企业等资质",
            SingleChampion => "已被认定为制造业单项冠军",
            MakersChinaTop500In3y => "近三年“创客中国”全国500强",
            MakersChinaTop50In3y => "近三年“创客中国”全国50强",
            QualifiedEquityFinancing2y => "近两年合格机构投资者实缴股权融资",
            QualifiedEquityFinancing3y => "近三年合格机构投资者实缴股权融资",
            LocalIndicatorPoints => "地方特色指标得分",
        }
    }

    /// The value for display (`12.5%`, `1200万元`, `3年`, `是`, `三级`…).
    pub fn format(self, v: Num) -> String {
        match self.unit() {
            Unit::Percent => format!("{v}%"),
            Unit::Wan => format!("{v}万元"),
            Unit::Years => format!("{v}年"),
            Unit::Count => format!("{v}项"),
            Unit::Points => format!("{v}分"),
            Unit::Level => format!("{v}级"),
            Unit::Flag => (if v > Num::ZERO { "是" } else { "否" }).to_string(),
            Unit::Ordinal(labels) => usize::try_from(v.floor())
                .ok()
                .and_then(|i| labels.get(i))
                .map(|s| s.to_string())
                .unwrap_or_else(|| v.to_string()),
        }
    }

    /// Computes the metric. `rules` supplies the province's local-indicator configuration.
    pub fn eval(self, facts: &Facts, rules: &RuleSet) -> Eval {
        use Metric::*;
        let p = &facts.profile;
        let y1 = facts.prior_year();
        let fig = |back: i32| -> Result<&YearFigures, String> {
            let y = facts.declaration_year - back;
            p.year(y).ok_or_else(|| format!("financials[year={y}]"))
        };
        let path = |back: i32, field: &str| {
            format!("financials[year={}].{field}", facts.declaration_year - back)
        };
        let figs = |n: i32| -> Result<Vec<&YearFigures>, Vec<String>> {
            let all: Vec<_> = (1..=n).map(fig).collect();
            let missing: Vec<String> = all
                .iter()
                .filter_map(|r| r.as_ref().err().cloned())
                .collect();
            if missing.is_empty() {
                Ok(all.into_iter().filter_map(Result::ok).collect())
            } else {
                Err(missing)
            }
        };
        macro_rules! years {
            ($n:expr) => {
                match figs($n) {
                    Ok(f) => f,
                    Err(m) => return Eval::Unknown(m),
                }
            };
        }
        match self {
            OperatingRevenuePriorYear => Eval::Known(wan(years!(1)[0].operating_revenue)),
            RdExpensePriorYear => Eval::Known(wan(years!(1)[0].rd_expense)),
            RdExpenseMin2y => {
                let f = years!(2);
                Eval::Known(min(wan(f[0].rd_expense), wan(f[1].rd_expense)))
            }
            RdExpenseAvg2y | RdExpenseTotal2y => {
                let f = years!(2);
                let total = Money::from_fen(f[0].rd_expense.fen() + f[1].rd_expense.fen());
                let t = wan(total);
                if self == RdExpenseAvg2y {
                    Eval::Known(t.div_int(2).unwrap_or(t))
                } else {
                    Eval::Known(t)
                }
            }
            RdToRevenuePriorYear => {
                let f = years!(1);
                ratio(
                    f[0].rd_expense,
                    f[0].operating_revenue,
                    path(1, "operating_revenue"),
                )
            }
            RdToRevenueMin2y => {
                let f = years!(2);
                let a = ratio(
                    f[0].rd_expense,
                    f[0].operating_revenue,
                    path(1, "operating_revenue"),
                );
                let b = ratio(
                    f[1].rd_expense,
                    f[1].operating_revenue,
                    path(2, "operating_revenue"),
                );
                match (a, b) {
                    (Eval::Known(a), Eval::Known(b)) => Eval::Known(min(a, b)),
                    (a, b) => {
                        let mut m = Vec::new();
                        for e in [a, b] {
                            if let Eval::Unknown(x) = e {
                                m.extend(x);
                            }
                        }
                        Eval::Unknown(m)
                    }
                }
            }
            MainBusinessSharePriorYear => {
                let f = years!(1);
                ratio(
                    f[0].main_business_revenue,
                    f[0].operating_revenue,
                    path(1, "operating_revenue"),
                )
            }
            MainBusinessGrowthPriorYear => {
                let f = years!(2);
                match growth(
                    f[0].main_business_revenue,
                    f[1].main_business_revenue,
                    path(2, "main_business_revenue"),
                ) {
                    Ok(v) => Eval::Known(v),
                    Err(m) => Eval::Unknown(m),
                }
            }
            AvgMainBusinessGrowth2y => {
                let f = years!(3);
                let g1 = growth(
                    f[0].main_business_revenue,
                    f[1].main_business_revenue,
                    path(2, "main_business_revenue"),
                );
                let g2 = growth(
                    f[1].main_business_revenue,
                    f[2].main_business_revenue,
                    path(3, "main_business_revenue"),
                );
                match (g1, g2) {
                    (Ok(a), Ok(b)) => match a.checked_add(b).and_then(|s| s.div_int(2)) {
                        Some(v) => Eval::Known(v),
                        None => Eval::Unknown(vec![path(1, "main_business_revenue")]),
                    },
                    (a, b) => {
                        Eval::Unknown([a.err(), b.err()].into_iter().flatten().flatten().collect())
                    }
                }
            }
            AssetLiabilityRatioPriorYear => {
                let f = years!(1);
                ratio(
                    f[0].total_liabilities,
                    f[0].total_assets,
                    path(1, "total_assets"),
                )
            }
            NetMarginPriorYear => {
                let f = years!(1);
                ratio(
                    f[0].net_profit,
                    f[0].operating_revenue,
                    path(1, "operating_revenue"),
                )
            }
            RdStaffSharePriorYear => {
                let f = years!(1);
                if f[0].employees == 0 {
                    return Eval::Unknown(vec![format!(
                        "{}（为0，无法计算比率）",
                        path(1, "employees")
                    )]);
                }
                Num::percent(i128::from(f[0].rd_staff), i128::from(f[0].employees))
                    .map(Eval::Known)
                    .unwrap_or_else(|| unknown(&path(1, "employees")))
            }
            NicheYears => {
                let Some(m) = &p.market else {
                    return unknown("market");
                };
                let Some(since) = m.since else {
                    return unknown("market.since");
                };
                let end_year = y1 + 1; // 1 January of the declaration year
                let mut years = end_year - since.year();
                if (since.month() as u8, since.day()) > (1, 1) {
                    years -= 1;
                }
                Eval::Known(Num::int(i64::from(years.max(0))))
            }
            OperatingRevenueCagr2y => {
                let f = years!(3);
                let (cur, base) = (f[0].operating_revenue.fen(), f[2].operating_revenue.fen());
                if base <= 0 || cur < 0 {
                    return Eval::Unknown(vec![format!(
                        "{}（不大于0，无法计算增长率）",
                        path(3, "operating_revenue")
                    )]);
                }
                // (cur/base)^(1/2) − 1, the root floored to 6 decimals: exact at a threshold of that precision
                // (a growth of exactly 5% gives 1.050000; anything below it gives less).
                match i128::from(cur)
                    .checked_mul(1_000_000_000_000)
                    .map(|scaled| (scaled / i128::from(base)).isqrt())
                    .and_then(|root| Num::new(root - 1_000_000, 10_000))
                {
                    Some(v) => Eval::Known(v),
                    None => unknown(&path(3, "operating_revenue")),
                }
            }
            NationalMarketTop3 | MarketPositionLeading => {
                let Some(m) = &p.market else {
                    return unknown("market");
                };
                match self {
                    NationalMarketTop3 => flag(m.national_rank.is_some_and(|r| r <= 3)),
                    _ => match m.leading_position {
                        Some(b) => flag(b),
                        None => unknown("market.leading_position"),
                    },
                }
            }
            NationalMarketShare | InternationalMarketShare => {
                let Some(m) = &p.market else {
                    return unknown("market");
                };
                let (v, path) = if self == NationalMarketShare {
                    (m.national_share_pct, "market.national_share_pct")
                } else {
                    (m.international_share_pct, "market.international_share_pct")
                };
                match (v, self) {
                    (Some(v), _) => Num::from_f64(v).map_or_else(|| unknown(path), Eval::Known),
                    // A blank international share reads as none (a domestic firm); it can only fail a test.
                    (None, InternationalMarketShare) => Eval::Known(Num::ZERO),
                    (None, _) => unknown(path),
                }
            }
            IpScoreClass | IpClass1Total | IpClass1Applied => {
                let Some(ip) = &p.ip else {
                    return unknown("ip");
                };
                Eval::Known(Num::int(i64::from(match self {
                    IpClass1Total => ip.class1_total,
                    IpClass1Applied => ip.class1_applied,
                    _ => {
                        if ip.class1_high_value >= 1 {
                            4
                        } else if ip.class1_self_developed >= 1 {
                            3
                        } else if ip.class1_total >= 1 {
                            2
                        } else if ip.class2_total >= 1 {
                            1
                        } else {
                            0
                        }
                    }
                })))
            }
            StrategicEmergingField | ChainKeyPoint | LittleGiantKeyField | ChainFieldClass => {
                let Some(f) = &p.product_fields else {
                    return unknown("product_fields");
                };
                match self {
                    StrategicEmergingField => flag(f.strategic_emerging),
                    ChainKeyPoint => flag(f.chain_key_point),
                    LittleGiantKeyField => flag(
                        f.six_foundations
                            || f.manufacturing_power_field
                            || f.network_power_field
                            || f.chain_key_point,
                    ),
                    _ => {
                        if f.chain_key_point {
                            Eval::Known(Num::int(2))
                        } else if f.six_foundations || f.serves_chain_leader {
                            Eval::Known(Num::int(1))
                        } else {
                            match &p.honours {
                                None => unknown("honours"),
                                Some(h) => Eval::Known(Num::int(i64::from(
                                    h.iter().any(|h| h.kind == HonourKind::TimeHonouredBrand),
                                ))),
                            }
                        }
                    }
                }
            }
            QualityItems | OwnBrand => {
                let Some(q) = &p.quality else {
                    return unknown("quality");
                };
                if self == OwnBrand {
                    flag(q.own_brand)
                } else {
                    Eval::Known(Num::int(i64::from(q.count())))
                }
            }
            CoreProcessesOnInfoSystems | ManagementOrForeignCertification => {
                let Some(o) = &p.operations else {
                    return unknown("operations");
                };
                if self == ManagementOrForeignCertification {
                    flag(o.management_or_foreign_certification)
                } else {
                    Eval::Known(Num::int(i64::from(o.core_processes_on_info_systems)))
                }
            }
            DigitalLevel => match facts.digital_level {
                Some(l) => Eval::Known(Num::int(i64::from(l))),
                None => unknown("digital_level"),
            },
            RdInstitutionLevel => match &p.rd_institution {
                Some(r) => Eval::Known(Num::int(i64::from(r.level.rank()))),
                None => unknown("rd_institution"),
            },
            StiAwardNationalOrProvincial3y
            | StiAwardProvincialTop3OrNationalTop5In3y
            | StiAwardTop3In3y
            | StiAwardNationalTop3In3y => {
                use crate::domain::enterprise::AwardLevel::*;
                let Some(awards) = &p.awards else {
                    return unknown("awards");
                };
                count(
                    awards
                        .iter()
                        .filter(|a| facts.in_year_window(a.year, 3))
                        .filter(|a| match self {
                            StiAwardNationalOrProvincial3y => a.level != Other,
                            StiAwardProvincialTop3OrNationalTop5In3y => match (a.level, a.rank) {
                                (Provincial, Some(r)) => r <= 3,
                                (National, Some(r)) => r <= 5,
                                _ => false,
                            },
                            StiAwardNationalTop3In3y => {
                                a.level == National && a.rank.is_some_and(|r| r <= 3)
                            }
                            _ => a.level != Other && a.rank.is_some_and(|r| r <= 3),
                        })
                        .count(),
                )
            }
            InnovativeHonourValid | SingleChampion => {
                let Some(h) = &p.honours else {
                    return unknown("honours");
                };
                count(
                    h.iter()
                        .filter(|h| match self {
                            SingleChampion => h.kind == HonourKind::ManufacturingSingleChampion,
                            _ => {
                                matches!(
                                    h.kind,
                                    HonourKind::HighTechEnterprise
                                        | HonourKind::NationalTechInnovationDemo
                                        | HonourKind::IpAdvantage
                                        | HonourKind::IpDemonstration
                                ) && h.valid_until.is_none_or(|d| d >= facts.submission_date)
                            }
                        })
                        .count(),
                )
            }
            MakersChinaTop500In3y | MakersChinaTop50In3y => {
                let Some(list) = &p.makers_china else {
                    return unknown("makers_china");
                };
                let limit = if self == MakersChinaTop50In3y {
                    50
                } else {
                    500
                };
                count(
                    list.iter()
                        .filter(|m| facts.in_year_window(m.year, 3))
                        .filter(|m| m.national_rank.is_some_and(|r| r <= limit))
                        .count(),
                )
            }
            QualifiedEquityFinancing2y | QualifiedEquityFinancing3y => {
                let Some(list) = &p.financing else {
                    return unknown("financing");
                };
                let years = if self == QualifiedEquityFinancing2y {
                    2
                } else {
                    3
                };
                let start = facts.window_start(years);
                let fen: i64 = list
                    .iter()
                    .filter(|f| {
                        f.qualified_investor && f.date >= start && f.date <= facts.submission_date
                    })
                    .map(|f| f.amount.fen())
                    .sum();
                Eval::Known(wan(Money::from_fen(fen)))
            }
            LocalIndicatorPoints => {
                let Some(region) = p.region else {
                    return unknown("region");
                };
                let Some(claims) = &p.local_indicators else {
                    return unknown("local_indicators");
                };
                let defs = rules
                    .local_indicators
                    .for_province(region.province_prefix());
                let points: u32 = defs
                    .iter()
                    .map(|d| {
                        claims
                            .iter()
                            .find(|c| c.id == d.id)
                            .map_or(0, |c| c.points.min(d.max))
                    })
                    .sum();
                Eval::Known(Num::int(i64::from(points)))
            }
        }
    }
}
