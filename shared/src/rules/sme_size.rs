//! SME size classification — 《中小企业划型标准规定》 (工信部联企业〔2011〕300号), RULES.md §2.
//!
//! Figures: 从业人员 (employees, people), 营业收入 (operating revenue) and 资产总额 (total assets), both in
//! [`Money`]; the thresholds are written in 万元 as in the policy text and compared with [`Money::from_wan`].
//!
//! How a firm is classified within its [`SizeCategory`] (the "industry line" of the 2011 table):
//! 1. **Ceiling (OR, strictly below):** it is an SME (中小微型) when *any* of the line's figures is below its
//!    ceiling (“X以下”). Otherwise it is large: [`SizeClass::NotSme`].
//! 2. **Medium (AND, ≥):** all of the line's medium floors are met (“X及以上”) → [`SizeClass::Medium`].
//! 3. **Small (AND, ≥):** all of the small floors are met → [`SizeClass::Small`].
//! 4. Otherwise **micro** (below either small floor) → [`SizeClass::Micro`].
//!
//! Lines use different figures: agriculture only revenue; construction and real-estate development revenue
//! and assets; leasing and business services employees and assets; "other" employees only; the rest
//! employees and revenue. Figures a line does not use are ignored.
//!
//! See [`category_of`] for how a GB/T 4754-2017 小类 is mapped to a line, and the points left UNCONFIRMED.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::domain::money::Money;
use crate::rules::industry::IndustryCode;

/// Size class of an enterprise under the 2011 standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    /// 中型
    Medium,
    /// 小型
    Small,
    /// 微型
    Micro,
    /// At or above the ceiling: a large enterprise, not eligible as an SME.
    NotSme,
}

impl SizeClass {
    /// Chinese label: 中型 / 小型 / 微型 / 非中小企业.
    pub fn label(self) -> &'static str {
        match self {
            SizeClass::Medium => "中型",
            SizeClass::Small => "小型",
            SizeClass::Micro => "微型",
            SizeClass::NotSme => "非中小企业",
        }
    }

    /// Whether the class is an SME (中小微型企业), i.e. anything but [`SizeClass::NotSme`].
    pub fn is_sme(self) -> bool {
        self != SizeClass::NotSme
    }
}

/// The industry lines of the 2011 standard's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SizeCategory {
    /// 农、林、牧、渔业
    Agriculture,
    /// 工业 (mining, manufacturing, electricity/heat/gas/water)
    Industry,
    /// 建筑业
    Construction,
    /// 批发业
    Wholesale,
    /// 零售业
    Retail,
    /// 交通运输业
    Transport,
    /// 仓储业
    Warehousing,
    /// 邮政业
    Postal,
    /// 住宿业
    Accommodation,
    /// 餐饮业
    Catering,
    /// 信息传输业
    InformationTransmission,
    /// 软件和信息技术服务业
    SoftwareIt,
    /// 房地产开发经营
    RealEstateDevelopment,
    /// 物业管理
    PropertyManagement,
    /// 租赁和商务服务业
    LeasingBusiness,
    /// 其他未列明行业
    Other,
}

impl SizeCategory {
    /// Every line, in the order of the 2011 table.
    pub const ALL: [SizeCategory; 16] = [
        SizeCategory::Agriculture,
        SizeCategory::Industry,
        SizeCategory::Construction,
        SizeCategory::Wholesale,
        SizeCategory::Retail,
        SizeCategory::Transport,
        SizeCategory::Warehousing,
        SizeCategory::Postal,
        SizeCategory::Accommodation,
        SizeCategory::Catering,
        SizeCategory::InformationTransmission,
        SizeCategory::SoftwareIt,
        SizeCategory::RealEstateDevelopment,
        SizeCategory::PropertyManagement,
        SizeCategory::LeasingBusiness,
        SizeCategory::Other,
    ];

    /// Chinese name of the line, as written in the 2011 text.
    pub fn label(self) -> &'static str {
        match self {
            SizeCategory::Agriculture => "农、林、牧、渔业",
            SizeCategory::Industry => "工业",
            SizeCategory::Construction => "建筑业",
            SizeCategory::Wholesale => "批发业",
            SizeCategory::Retail => "零售业",
            SizeCategory::Transport => "交通运输业",
            SizeCategory::Warehousing => "仓储业",
            SizeCategory::Postal => "邮政业",
            SizeCategory::Accommodation => "住宿业",
            SizeCategory::Catering => "餐饮业",
            SizeCategory::InformationTransmission => "信息传输业",
            SizeCategory::SoftwareIt => "软件和信息技术服务业",
            SizeCategory::RealEstateDevelopment => "房地产开发经营",
            SizeCategory::PropertyManagement => "物业管理",
            SizeCategory::LeasingBusiness => "租赁和商务服务业",
            SizeCategory::Other => "其他未列明行业",
        }
    }

    /// The line's thresholds (RULES.md §2 table).
    pub fn thresholds(self) -> &'static SizeThresholds {
        use Measure::{Employees as E, Revenue as R, TotalAssets as A};
        const fn t(measure: Measure, value: u32) -> Threshold {
            Threshold { measure, value }
        }
        macro_rules! line {
            ([$($c:expr),+], [$($m:expr),+], [$($s:expr),+]) => {{
                const LINE: SizeThresholds = SizeThresholds {
                    ceiling: &[$($c),+],
                    medium: &[$($m),+],
                    small: &[$($s),+],
                };
                &LINE
            }};
        }
        match self {
            SizeCategory::Agriculture => line!([t(R, 20000)], [t(R, 500)], [t(R, 50)]),
            SizeCategory::Industry => line!(
                [t(E, 1000), t(R, 40000)],
                [t(E, 300), t(R, 2000)],
                [t(E, 20), t(R, 300)]
            ),
            SizeCategory::Construction => line!(
                [t(R, 80000), t(A, 80000)],
                [t(R, 6000), t(A, 5000)],
                [t(R, 300), t(A, 300)]
            ),
            SizeCategory::Wholesale => line!(
                [t(E, 200), t(R, 40000)],
                [t(E, 20), t(R, 5000)],
                [t(E, 5), t(R, 1000)]
            ),
            SizeCategory::Retail => line!(
                [t(E, 300), t(R, 20000)],
                [t(E, 50), t(R, 500)],
                [t(E, 10), t(R, 100)]
            ),
            SizeCategory::Transport => line!(
                [t(E, 1000), t(R, 30000)],
                [t(E, 300), t(R, 3000)],
                [t(E, 20), t(R, 200)]
            ),
            SizeCategory::Warehousing => line!(
                [t(E, 200), t(R, 30000)],
                [t(E, 100), t(R, 1000)],
                [t(E, 20), t(R, 100)]
            ),
            SizeCategory::Postal => line!(
                [t(E, 1000), t(R, 30000)],
                [t(E, 300), t(R, 2000)],
                [t(E, 20), t(R, 100)]
            ),
            SizeCategory::Accommodation | SizeCategory::Catering => line!(
                [t(E, 300), t(R, 10000)],
                [t(E, 100), t(R, 2000)],
                [t(E, 10), t(R, 100)]
            ),
            SizeCategory::InformationTransmission => line!(
                [t(E, 2000), t(R, 100000)],
                [t(E, 100), t(R, 1000)],
                [t(E, 10), t(R, 100)]
            ),
            SizeCategory::SoftwareIt => line!(
                [t(E, 300), t(R, 10000)],
                [t(E, 100), t(R, 1000)],
                [t(E, 10), t(R, 50)]
            ),
            SizeCategory::RealEstateDevelopment => line!(
                [t(R, 200000), t(A, 10000)],
                [t(R, 1000), t(A, 5000)],
                [t(R, 100), t(A, 2000)]
            ),
            SizeCategory::PropertyManagement => line!(
                [t(E, 1000), t(R, 5000)],
                [t(E, 300), t(R, 1000)],
                [t(E, 100), t(R, 500)]
            ),
            SizeCategory::LeasingBusiness => line!(
                [t(E, 300), t(A, 120000)],
                [t(E, 100), t(A, 8000)],
                [t(E, 10), t(A, 100)]
            ),
            SizeCategory::Other => line!([t(E, 300)], [t(E, 100)], [t(E, 10)]),
        }
    }
}

/// A figure the standard measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// 从业人员 (people).
    Employees,
    /// 营业收入 (万元).
    Revenue,
    /// 资产总额 (万元).
    TotalAssets,
}

impl Measure {
    /// Chinese name: 从业人员 / 营业收入 / 资产总额.
    pub fn label(self) -> &'static str {
        match self {
            Measure::Employees => "从业人员",
            Measure::Revenue => "营业收入",
            Measure::TotalAssets => "资产总额",
        }
    }

    /// Unit of the threshold value: 人 or 万元.
    pub fn unit(self) -> &'static str {
        match self {
            Measure::Employees => "人",
            Measure::Revenue | Measure::TotalAssets => "万元",
        }
    }
}

/// One threshold of a line: a figure and its value in the figure's unit (people, or 万元).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Threshold {
    pub measure: Measure,
    pub value: u32,
}

impl Threshold {
    /// Whether the figures reach this threshold (value ≥ threshold).
    fn reached(self, figures: &Figures) -> bool {
        match self.measure {
            Measure::Employees => figures.employees >= self.value,
            Measure::Revenue => figures.revenue >= Money::from_wan(i64::from(self.value)),
            Measure::TotalAssets => figures.total_assets >= Money::from_wan(i64::from(self.value)),
        }
    }

    /// `从业人员300人` / `营业收入2000万元`.
    fn text(self) -> String {
        format!(
            "{}{}{}",
            self.measure.label(),
            self.value,
            self.measure.unit()
        )
    }
}

/// The thresholds of one line of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeThresholds {
    /// SME when *any* figure is strictly below its ceiling; large when all reach it.
    pub ceiling: &'static [Threshold],
    /// Medium when *all* these floors are reached (and the firm is an SME).
    pub medium: &'static [Threshold],
    /// Small when *all* these floors are reached (and not medium); micro otherwise.
    pub small: &'static [Threshold],
}

#[derive(Debug, Clone, Copy)]
struct Figures {
    employees: u32,
    revenue: Money,
    total_assets: Money,
}

/// The size class with the reason, for the enterprise profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SizeAssessment {
    pub category: SizeCategory,
    pub class: SizeClass,
    /// Short Chinese sentence naming the thresholds that decided the class, e.g.
    /// `工业：从业人员300人及以上且营业收入2000万元及以上为中型`.
    pub basis: String,
}

/// Maps a GB/T 4754-2017 小类 to its line of the 2011 table, by 大类 (division):
///
/// | divisions | line | note |
/// |---|---|---|
/// | 01–05 (门类 A) | agriculture | includes 05 农、林、牧、渔专业及辅助性活动 |
/// | 06–46 (门类 B, C, D) | industry | “工业” = mining + manufacturing + electricity/heat/gas/water (RULES.md §2, UNCONFIRMED); includes 11 开采专业及辅助性活动 and 43 金属制品、机械和设备修理业 |
/// | 47–50 (门类 E) | construction | |
/// | 51 / 52 | wholesale / retail | |
/// | 53–58 | transport | includes 58 多式联运和运输代理业 |
/// | 59 | warehousing | 59 is 装卸搬运和仓储业 in the 2017 edition: 装卸搬运 moved here from the 2011 edition's 58, so it counts as warehousing |
/// | 60 | postal | |
/// | 61 / 62 | accommodation / catering | |
/// | 63–64 | information transmission | includes 64 互联网和相关服务 |
/// | 65 | software and IT services | |
/// | 小类 7010 | real-estate development | |
/// | 小类 7020 | property management | |
/// | 71–72 (门类 L) | leasing and business services | |
/// | everything else | other | includes 7030 中介, 7040 租赁经营, 7090 其他房地产业, and 门类 J, M–T |
///
/// UNCONFIRMED points (defaults chosen as above):
/// - The 2011 text names the lines, not GB/T 4754 codes; the code ranges follow the brief and the NBS
///   practice as we remember it. The NBS statistical version (统计上大中小微型企业划分办法) may carve out
///   auxiliary divisions (05, 11, 43) differently.
/// - Whether 64 (internet services) belongs to information transmission rather than software/IT.
/// - Financial firms (门类 J) have their own standard (《金融业企业划型标准规定》, 2015); here they fall to
///   "other", which uses employees only.
/// - 门类 S and T (public administration, international organisations) are not enterprises; they map to
///   "other" so the function stays total.
pub fn category_of(industry: IndustryCode) -> SizeCategory {
    let division: u8 = industry.division().code.parse().unwrap_or_default();
    match division {
        1..=5 => SizeCategory::Agriculture,
        6..=46 => SizeCategory::Industry,
        47..=50 => SizeCategory::Construction,
        51 => SizeCategory::Wholesale,
        52 => SizeCategory::Retail,
        53..=58 => SizeCategory::Transport,
        59 => SizeCategory::Warehousing,
        60 => SizeCategory::Postal,
        61 => SizeCategory::Accommodation,
        62 => SizeCategory::Catering,
        63 | 64 => SizeCategory::InformationTransmission,
        65 => SizeCategory::SoftwareIt,
        70 => match industry.as_str() {
            "7010" => SizeCategory::RealEstateDevelopment,
            "7020" => SizeCategory::PropertyManagement,
            _ => SizeCategory::Other,
        },
        71 | 72 => SizeCategory::LeasingBusiness,
        _ => SizeCategory::Other,
    }
}

/// Classifies an enterprise of the given industry by its figures (see the module docs for the rule).
pub fn classify(
    industry: IndustryCode,
    employees: u32,
    revenue: Money,
    total_assets: Money,
) -> SizeClass {
    classify_in(category_of(industry), employees, revenue, total_assets)
}

/// Like [`classify`], for a line chosen directly.
pub fn classify_in(
    category: SizeCategory,
    employees: u32,
    revenue: Money,
    total_assets: Money,
) -> SizeClass {
    let figures = Figures {
        employees,
        revenue,
        total_assets,
    };
    let line = category.thresholds();
    let all_reached = |ts: &[Threshold]| ts.iter().all(|t| t.reached(&figures));
    if all_reached(line.ceiling) {
        SizeClass::NotSme
    } else if all_reached(line.medium) {
        SizeClass::Medium
    } else if all_reached(line.small) {
        SizeClass::Small
    } else {
        SizeClass::Micro
    }
}

/// Classifies and says why: the line, the class and the sentence from [`explain`].
pub fn assess(
    industry: IndustryCode,
    employees: u32,
    revenue: Money,
    total_assets: Money,
) -> SizeAssessment {
    let category = category_of(industry);
    let class = classify_in(category, employees, revenue, total_assets);
    SizeAssessment {
        category,
        class,
        basis: explain(category, class),
    }
}

/// The Chinese sentence stating the thresholds that define `class` on the line `category`:
/// - medium: `工业：从业人员300人及以上且营业收入2000万元及以上为中型`
/// - small: `工业：从业人员20人及以上且营业收入300万元及以上为小型`
/// - micro: `工业：从业人员20人以下或营业收入300万元以下为微型`
/// - not SME: `工业：从业人员1000人及以上且营业收入40000万元及以上为大型企业，不属于中小企业`
pub fn explain(category: SizeCategory, class: SizeClass) -> String {
    let line = category.thresholds();
    let join = |ts: &[Threshold], suffix: &str, conj: &str| {
        let mut s = String::new();
        for (i, t) in ts.iter().enumerate() {
            if i > 0 {
                s.push_str(conj);
            }
            let _ = write!(s, "{}{suffix}", t.text());
        }
        s
    };
    let (condition, verdict) = match class {
        SizeClass::Medium => (join(line.medium, "及以上", "且"), "为中型"),
        SizeClass::Small => (join(line.small, "及以上", "且"), "为小型"),
        SizeClass::Micro => (join(line.small, "以下", "或"), "为微型"),
        SizeClass::NotSme => (
            join(line.ceiling, "及以上", "且"),
            "为大型企业，不属于中小企业",
        ),
    };
    format!("{}：{condition}{verdict}", category.label())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Measure::{Employees as E, Revenue as R, TotalAssets as A};

    fn ic(s: &str) -> IndustryCode {
        IndustryCode::parse(s).unwrap()
    }

    fn wan(w: i64) -> Money {
        Money::from_wan(w)
    }

    /// One line of RULES.md §2, copied independently of the implementation's table:
    /// (representative 小类, line, ceiling, medium floors, small floors).
    type Line = (
        &'static str,
        SizeCategory,
        &'static [(Measure, u32)],
        &'static [(Measure, u32)],
        &'static [(Measure, u32)],
    );

    const TABLE: [Line; 16] = [
        (
            "0111",
            SizeCategory::Agriculture,
            &[(R, 20000)],
            &[(R, 500)],
            &[(R, 50)],
        ),
        (
            "3741",
            SizeCategory::Industry,
            &[(E, 1000), (R, 40000)],
            &[(E, 300), (R, 2000)],
            &[(E, 20), (R, 300)],
        ),
        (
            "4710",
            SizeCategory::Construction,
            &[(R, 80000), (A, 80000)],
            &[(R, 6000), (A, 5000)],
            &[(R, 300), (A, 300)],
        ),
        (
            "5111",
            SizeCategory::Wholesale,
            &[(E, 200), (R, 40000)],
            &[(E, 20), (R, 5000)],
            &[(E, 5), (R, 1000)],
        ),
        (
            "5211",
            SizeCategory::Retail,
            &[(E, 300), (R, 20000)],
            &[(E, 50), (R, 500)],
            &[(E, 10), (R, 100)],
        ),
        (
            "5411",
            SizeCategory::Transport,
            &[(E, 1000), (R, 30000)],
            &[(E, 300), (R, 3000)],
            &[(E, 20), (R, 200)],
        ),
        (
            "5910",
            SizeCategory::Warehousing,
            &[(E, 200), (R, 30000)],
            &[(E, 100), (R, 1000)],
            &[(E, 20), (R, 100)],
        ),
        (
            "6010",
            SizeCategory::Postal,
            &[(E, 1000), (R, 30000)],
            &[(E, 300), (R, 2000)],
            &[(E, 20), (R, 100)],
        ),
        (
            "6110",
            SizeCategory::Accommodation,
            &[(E, 300), (R, 10000)],
            &[(E, 100), (R, 2000)],
            &[(E, 10), (R, 100)],
        ),
        (
            "6210",
            SizeCategory::Catering,
            &[(E, 300), (R, 10000)],
            &[(E, 100), (R, 2000)],
            &[(E, 10), (R, 100)],
        ),
        (
            "6311",
            SizeCategory::InformationTransmission,
            &[(E, 2000), (R, 100000)],
            &[(E, 100), (R, 1000)],
            &[(E, 10), (R, 100)],
        ),
        (
            "6513",
            SizeCategory::SoftwareIt,
            &[(E, 300), (R, 10000)],
            &[(E, 100), (R, 1000)],
            &[(E, 10), (R, 50)],
        ),
        (
            "7010",
            SizeCategory::RealEstateDevelopment,
            &[(R, 200000), (A, 10000)],
            &[(R, 1000), (A, 5000)],
            &[(R, 100), (A, 2000)],
        ),
        (
            "7020",
            SizeCategory::PropertyManagement,
            &[(E, 1000), (R, 5000)],
            &[(E, 300), (R, 1000)],
            &[(E, 100), (R, 500)],
        ),
        (
            "7211",
            SizeCategory::LeasingBusiness,
            &[(E, 300), (A, 120000)],
            &[(E, 100), (A, 8000)],
            &[(E, 10), (A, 100)],
        ),
        (
            "7310",
            SizeCategory::Other,
            &[(E, 300)],
            &[(E, 100)],
            &[(E, 10)],
        ),
    ];

    /// Figures for a test: employees, revenue and assets in fen-exact Money.
    #[derive(Debug, Clone, Copy)]
    struct Fig {
        emp: u32,
        rev: Money,
        assets: Money,
    }

    impl Fig {
        /// Every figure at 0, or at a huge value (to show that figures a line does not use do not matter).
        fn filled(huge: bool) -> Fig {
            if huge {
                Fig {
                    emp: u32::MAX,
                    rev: wan(10_000_000),
                    assets: wan(10_000_000),
                }
            } else {
                Fig {
                    emp: 0,
                    rev: Money::ZERO,
                    assets: Money::ZERO,
                }
            }
        }

        /// Sets every listed measure to its threshold plus `delta` (people, or fen) on measure `which`
        /// (`None` = every measure gets the delta).
        fn at(mut self, ts: &[(Measure, u32)], which: Option<Measure>, delta: i64) -> Fig {
            for &(m, v) in ts {
                let d = if which.is_none() || which == Some(m) {
                    delta
                } else {
                    0
                };
                match m {
                    E => self.emp = u32::try_from(i64::from(v) + d).unwrap(),
                    R => self.rev = Money::from_fen(wan(i64::from(v)).fen() + d),
                    A => self.assets = Money::from_fen(wan(i64::from(v)).fen() + d),
                }
            }
            self
        }

        fn classify(self, code: &str) -> SizeClass {
            classify(ic(code), self.emp, self.rev, self.assets)
        }
    }

    #[test]
    fn table_matches_rules_md_line_by_line() {
        for (code, cat, ceiling, medium, small) in TABLE {
            assert_eq!(category_of(ic(code)), cat, "{code}");
            let line = cat.thresholds();
            let pairs =
                |ts: &[Threshold]| ts.iter().map(|t| (t.measure, t.value)).collect::<Vec<_>>();
            assert_eq!(pairs(line.ceiling), ceiling, "{cat:?} ceiling");
            assert_eq!(pairs(line.medium), medium, "{cat:?} medium");
            assert_eq!(pairs(line.small), small, "{cat:?} small");
        }
        let covered: Vec<_> = TABLE.iter().map(|l| l.1).collect();
        assert_eq!(covered, SizeCategory::ALL);
    }

    #[test]
    fn every_edge_of_every_line() {
        for (code, cat, ceiling, medium, small) in TABLE {
            for huge in [false, true] {
                let base = Fig::filled(huge);
                let ctx = |what: &str| format!("{cat:?} {what} (unused figures huge: {huge})");

                // Medium floors: exactly at → medium; one unit above → medium; one unit below any → small.
                assert_eq!(
                    base.at(medium, None, 0).classify(code),
                    SizeClass::Medium,
                    "{}",
                    ctx("at medium")
                );
                assert_eq!(
                    base.at(medium, None, 1).classify(code),
                    SizeClass::Medium,
                    "{}",
                    ctx("above medium")
                );
                for &(m, _) in medium {
                    assert_eq!(
                        base.at(medium, Some(m), -1).classify(code),
                        SizeClass::Small,
                        "{}",
                        ctx(&format!("{m:?} one below medium"))
                    );
                }

                // Small floors: exactly at → small; above → small; one unit below any → micro.
                assert_eq!(
                    base.at(small, None, 0).classify(code),
                    SizeClass::Small,
                    "{}",
                    ctx("at small")
                );
                assert_eq!(
                    base.at(small, None, 1).classify(code),
                    SizeClass::Small,
                    "{}",
                    ctx("above small")
                );
                for &(m, _) in small {
                    assert_eq!(
                        base.at(small, Some(m), -1).classify(code),
                        SizeClass::Micro,
                        "{}",
                        ctx(&format!("{m:?} one below small"))
                    );
                }

                // Ceiling: all at (or above) → not an SME; one unit below any → an SME (medium here).
                assert_eq!(
                    base.at(ceiling, None, 0).classify(code),
                    SizeClass::NotSme,
                    "{}",
                    ctx("at ceiling")
                );
                assert_eq!(
                    base.at(ceiling, None, 1).classify(code),
                    SizeClass::NotSme,
                    "{}",
                    ctx("above ceiling")
                );
                for &(m, _) in ceiling {
                    assert_eq!(
                        base.at(ceiling, Some(m), -1).classify(code),
                        SizeClass::Medium,
                        "{}",
                        ctx(&format!("{m:?} one below ceiling"))
                    );
                }
            }
            // Nothing at all is micro.
            assert_eq!(
                classify(ic(code), 0, Money::ZERO, Money::ZERO),
                SizeClass::Micro,
                "{cat:?}"
            );
        }
    }

    #[test]
    fn ceiling_is_or_so_one_low_figure_keeps_a_firm_an_sme() {
        // Industry: many people but small revenue is an SME, and micro by revenue.
        let c = ic("3741");
        assert_eq!(classify(c, 5000, wan(299), Money::ZERO), SizeClass::Micro);
        assert_eq!(
            classify(c, 5000, wan(39999), Money::ZERO),
            SizeClass::Medium
        );
        assert_eq!(
            classify(c, 999, wan(1_000_000), Money::ZERO),
            SizeClass::Medium
        );
        assert_eq!(
            classify(c, 1000, wan(40000), Money::ZERO),
            SizeClass::NotSme
        );
        // Floors are AND: enough revenue but too few people.
        assert_eq!(classify(c, 299, wan(30000), Money::ZERO), SizeClass::Small);
        assert_eq!(classify(c, 19, wan(30000), Money::ZERO), SizeClass::Micro);
        // Negative revenue is simply below every floor.
        assert_eq!(classify(c, 500, wan(-5), Money::ZERO), SizeClass::Micro);
    }

    #[test]
    fn lines_ignore_the_figures_they_do_not_use() {
        // Agriculture: revenue only.
        assert_eq!(
            classify(ic("0111"), u32::MAX, wan(19999), wan(1_000_000)),
            SizeClass::Medium
        );
        assert_eq!(
            classify(ic("0111"), 0, wan(20000), Money::ZERO),
            SizeClass::NotSme
        );
        // Construction: revenue and assets, not people.
        assert_eq!(
            classify(ic("4811"), 0, wan(6000), wan(5000)),
            SizeClass::Medium
        );
        // Leasing: people and assets, not revenue.
        assert_eq!(
            classify(ic("7111"), 100, Money::ZERO, wan(8000)),
            SizeClass::Medium
        );
        assert_eq!(
            classify(ic("7111"), 300, wan(1_000_000), wan(119_999)),
            SizeClass::Medium
        );
        // Other: people only.
        assert_eq!(
            classify(ic("6610"), 299, wan(1_000_000), wan(1_000_000)),
            SizeClass::Medium
        );
        assert_eq!(
            classify(ic("6610"), 300, Money::ZERO, Money::ZERO),
            SizeClass::NotSme
        );
        assert_eq!(
            classify(ic("6610"), 9, wan(1_000_000), wan(1_000_000)),
            SizeClass::Micro
        );
    }

    #[test]
    fn industry_codes_map_to_lines_at_every_division_boundary() {
        use SizeCategory::*;
        for (code, cat) in [
            ("0111", Agriculture),
            ("0190", Agriculture),
            ("0549", Agriculture),
            ("0610", Industry),
            ("1110", Industry),
            ("1311", Industry),
            ("4390", Industry),
            ("4411", Industry),
            ("4690", Industry),
            ("4710", Construction),
            ("5090", Construction),
            ("5111", Wholesale),
            ("5199", Wholesale),
            ("5211", Retail),
            ("5299", Retail),
            ("5311", Transport),
            ("5829", Transport),
            ("5910", Warehousing),
            ("5990", Warehousing),
            ("6010", Postal),
            ("6090", Postal),
            ("6110", Accommodation),
            ("6190", Accommodation),
            ("6210", Catering),
            ("6299", Catering),
            ("6311", InformationTransmission),
            ("6490", InformationTransmission),
            ("6511", SoftwareIt),
            ("6599", SoftwareIt),
            ("6610", Other),
            ("6999", Other),
            ("7010", RealEstateDevelopment),
            ("7020", PropertyManagement),
            ("7030", Other),
            ("7040", Other),
            ("7090", Other),
            ("7111", LeasingBusiness),
            ("7299", LeasingBusiness),
            ("7310", Other),
            ("8010", Other),
            ("9700", Other),
        ] {
            assert_eq!(category_of(ic(code)), cat, "{code}");
        }
    }

    #[test]
    fn explanations_name_the_deciding_thresholds() {
        use SizeCategory::*;
        assert_eq!(
            explain(Industry, SizeClass::Medium),
            "工业：从业人员300人及以上且营业收入2000万元及以上为中型"
        );
        assert_eq!(
            explain(Industry, SizeClass::Small),
            "工业：从业人员20人及以上且营业收入300万元及以上为小型"
        );
        assert_eq!(
            explain(Industry, SizeClass::Micro),
            "工业：从业人员20人以下或营业收入300万元以下为微型"
        );
        assert_eq!(
            explain(Industry, SizeClass::NotSme),
            "工业：从业人员1000人及以上且营业收入40000万元及以上为大型企业，不属于中小企业"
        );
        assert_eq!(
            explain(Agriculture, SizeClass::Small),
            "农、林、牧、渔业：营业收入50万元及以上为小型"
        );
        assert_eq!(
            explain(LeasingBusiness, SizeClass::Micro),
            "租赁和商务服务业：从业人员10人以下或资产总额100万元以下为微型"
        );
        assert_eq!(
            explain(Other, SizeClass::Medium),
            "其他未列明行业：从业人员100人及以上为中型"
        );
    }

    #[test]
    fn assess_bundles_line_class_and_basis() {
        let a = assess(ic("6513"), 120, wan(1500), Money::ZERO);
        assert_eq!(a.category, SizeCategory::SoftwareIt);
        assert_eq!(a.class, SizeClass::Medium);
        assert_eq!(
            a.basis,
            "软件和信息技术服务业：从业人员100人及以上且营业收入1000万元及以上为中型"
        );
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["category"], "software_it");
        assert_eq!(json["class"], "medium");
    }

    #[test]
    fn labels_and_serde_names() {
        assert_eq!(SizeClass::Medium.label(), "中型");
        assert_eq!(SizeClass::Small.label(), "小型");
        assert_eq!(SizeClass::Micro.label(), "微型");
        assert_eq!(SizeClass::NotSme.label(), "非中小企业");
        assert!(!SizeClass::NotSme.is_sme());
        assert!(SizeClass::Micro.is_sme());
        for (class, name) in [
            (SizeClass::Medium, "medium"),
            (SizeClass::Small, "small"),
            (SizeClass::Micro, "micro"),
            (SizeClass::NotSme, "not_sme"),
        ] {
            assert_eq!(serde_json::to_value(class).unwrap(), name);
            assert_eq!(
                serde_json::from_value::<SizeClass>(name.into()).unwrap(),
                class
            );
        }
        let names: Vec<_> = SizeCategory::ALL
            .iter()
            .map(|c| {
                serde_json::to_value(c)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(
            names,
            [
                "agriculture",
                "industry",
                "construction",
                "wholesale",
                "retail",
                "transport",
                "warehousing",
                "postal",
                "accommodation",
                "catering",
                "information_transmission",
                "software_it",
                "real_estate_development",
                "property_management",
                "leasing_business",
                "other"
            ]
        );
        assert_eq!(SizeCategory::SoftwareIt.label(), "软件和信息技术服务业");
        assert!(SizeCategory::ALL.iter().all(|c| !c.label().is_empty()));
    }
}
