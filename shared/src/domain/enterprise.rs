//! 企业基本信息: the enterprise's basic information, as an enterprise fills it in (drafts may be incomplete).
//!
//! * [`EnterpriseProfile`] is the stored record. `name` and `uscc` come from real-name verification and are
//!   set by the caller, never from [`ProfileInput`].
//! * [`ProfileInput`] is the `PUT /v1/enterprise` body. Unknown members are **ignored** (not rejected) so a
//!   client may send back what `GET` returned (name, uscc, derived views) unchanged. Region, industry and money
//!   are taken as raw text and checked here, so every mistake is a [`FieldError`] with a precise path
//!   (`financials[1].rd_expense`) instead of a JSON parse failure.
//! * [`EnterpriseProfile::apply`] validates a whole input and replaces the profile's editable fields
//!   (all-or-nothing). [`EnterpriseProfile::missing_for`] lists what a submission of a tier still lacks
//!   (`PROFILE_INCOMPLETE`); the paths it uses are the same the rules engine reports as missing.
//!
//! Lists that answer a yes/no question (honours, awards, financing, 创客中国, local indicators) are
//! `Option<Vec<_>>`: `None` = not answered yet, `Some(vec![])` = answered "none". The engine treats `None` as
//! unknown, never as zero.

use serde::{Deserialize, Deserializer, Serialize};
use time::Date;

use crate::domain::money::Money;
use crate::domain::tier::Tier;
use crate::error::FieldError;
use crate::rules::industry::IndustryCode;
use crate::rules::region::{RegionCode, RegionLevel};

/// Dates as `YYYY-MM-DD`.
pub mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;
    use time::format_description::BorrowedFormatItem;
    use time::macros::format_description;

    const FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

    /// Parses `YYYY-MM-DD` (surrounding whitespace ignored).
    pub fn parse(s: &str) -> Option<Date> {
        Date::parse(s.trim(), FORMAT).ok()
    }

    /// Formats as `YYYY-MM-DD`.
    pub fn format(d: Date) -> String {
        d.format(FORMAT).unwrap_or_default()
    }

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).ok_or_else(|| serde::de::Error::custom("日期格式应为 YYYY-MM-DD"))
    }

    /// For `Option<Date>` fields.
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};
        use time::Date;

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => super::serialize(d, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            match Option::<String>::deserialize(d)? {
                None => Ok(None),
                Some(s) => super::parse(&s)
                    .map(Some)
                    .ok_or_else(|| serde::de::Error::custom("日期格式应为 YYYY-MM-DD")),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Stored types
// ---------------------------------------------------------------------------------------------------------

/// One financial year of audited figures (近三年财务数据).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearFigures {
    pub year: i32,
    /// 营业收入.
    pub operating_revenue: Money,
    /// 主营业务收入.
    pub main_business_revenue: Money,
    /// 研发费用.
    pub rd_expense: Money,
    /// 净利润 (may be negative).
    pub net_profit: Money,
    /// 资产总额.
    pub total_assets: Money,
    /// 负债总额.
    pub total_liabilities: Money,
    /// 从业人员 (year average or year end).
    pub employees: u32,
    /// 研发人员.
    pub rd_staff: u32,
}

/// Valid IP related to the main product (与主导产品相关的有效知识产权), counts by class (RULES.md §1.10).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct IpCounts {
    /// Ⅰ类高价值知识产权.
    pub class1_high_value: u32,
    /// 自主研发的Ⅰ类知识产权.
    pub class1_self_developed: u32,
    /// Ⅰ类知识产权总数.
    pub class1_total: u32,
    /// Ⅱ类知识产权总数.
    pub class2_total: u32,
    /// Ⅰ类知识产权中已实际应用并已产生经济效益的数量 (小巨人).
    pub class1_applied: u32,
}

/// Honours (荣誉/资质) that rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HonourKind {
    /// 高新技术企业.
    HighTechEnterprise,
    /// 国家级技术创新示范企业.
    NationalTechInnovationDemo,
    /// 知识产权优势企业.
    IpAdvantage,
    /// 知识产权示范企业.
    IpDemonstration,
    /// 中华老字号.
    TimeHonouredBrand,
    /// 制造业单项冠军 (示范企业或产品).
    ManufacturingSingleChampion,
}

impl HonourKind {
    pub fn label(self) -> &'static str {
        match self {
            HonourKind::HighTechEnterprise => "高新技术企业",
            HonourKind::NationalTechInnovationDemo => "国家级技术创新示范企业",
            HonourKind::IpAdvantage => "知识产权优势企业",
            HonourKind::IpDemonstration => "知识产权示范企业",
            HonourKind::TimeHonouredBrand => "中华老字号",
            HonourKind::ManufacturingSingleChampion => "制造业单项冠军",
        }
    }
}

/// An honour; `valid_until: None` = no expiry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Honour {
    pub kind: HonourKind,
    #[serde(
        default,
        with = "iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub valid_until: Option<Date>,
}

/// Level of a science-and-technology award.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AwardLevel {
    /// 国家级.
    National,
    /// 省级（省部级）.
    Provincial,
    /// 其他.
    Other,
}

/// A science-and-technology award (科学技术奖).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Award {
    pub level: AwardLevel,
    pub year: i32,
    /// Rank of the enterprise among the awarded organisations (1 = first); `None` if not known.
    #[serde(default)]
    pub rank: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A result in the 创客中国 SME innovation contest (enterprise group).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MakersChinaResult {
    pub year: i32,
    /// National rank (全国排名); `None` = took part without a national rank.
    #[serde(default)]
    pub national_rank: Option<u32>,
}

/// A round of equity financing (股权融资), paid-in amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Financing {
    /// Date the money was paid in (实缴日期).
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub amount: Money,
    /// From qualified institutional investors (合格机构投资者).
    pub qualified_investor: bool,
}

/// The niche market (细分市场).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NicheMarket {
    /// Date the enterprise entered the niche market (从事该细分市场起始时间).
    #[serde(default, with = "iso_date::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub since: Option<Date>,
    /// 主导产品全国细分市场占有率, percent (0–100).
    #[serde(default)]
    pub national_share_pct: Option<f64>,
    /// 主导产品国际细分市场占有率, percent (0–100).
    #[serde(default)]
    pub international_share_pct: Option<f64>,
    /// 主导产品在国内细分市场的排名 (1 = first), if known (2026 小巨人: top 3 in China).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_rank: Option<u32>,
    /// 在国内或国际细分市场占有率较为靠前，享有一定知名度、影响力 (the enterprise's own statement; 2026 专精特新).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leading_position: Option<bool>,
}

/// Quality-management items (质量管理, 专精特新 indicator 6; own brand also for 小巨人).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct QualityItems {
    /// 获得省级以上质量奖.
    pub provincial_quality_award: bool,
    /// 通过质量管理体系认证（ISO 9001 等）.
    pub quality_system_certified: bool,
    /// 拥有自主品牌.
    pub own_brand: bool,
    /// 参与制修订标准.
    pub standards_drafting: bool,
}

impl QualityItems {
    pub fn count(&self) -> u32 {
        [
            self.provincial_quality_award,
            self.quality_system_certified,
            self.own_brand,
            self.standards_drafting,
        ]
        .iter()
        .filter(|b| **b)
        .count() as u32
    }
}

/// Level of the enterprise's R&D institution (研发机构).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RdInstitutionLevel {
    None,
    BelowCity,
    City,
    Provincial,
    National,
}

impl RdInstitutionLevel {
    /// 0 (none) … 4 (national), the ordinal the rules compare.
    pub fn rank(self) -> u32 {
        self as u32
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RdInstitution {
    pub level: RdInstitutionLevel,
    /// Built jointly with universities or research institutes (与高校、科研机构联合建立).
    #[serde(default)]
    pub joint: bool,
}

/// Field of the main product (主导产品所属领域).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ProductFields {
    /// 属于《战略性新兴产业分类》.
    pub strategic_emerging: bool,
    /// 在产业链供应链关键环节“补短板、锻长板、填空白”取得实际成效.
    pub chain_key_point: bool,
    /// 属于工业“六基”（“四基”）领域.
    pub six_foundations: bool,
    /// 为重点产业链龙头企业配套.
    pub serves_chain_leader: bool,
    /// 属于制造强国战略十大重点产业领域.
    pub manufacturing_power_field: bool,
    /// 属于网络强国、信息基础设施建设领域.
    pub network_power_field: bool,
}

/// Operations (精细化, 小巨人).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Operations {
    /// Number of core business processes (研发设计、生产制造、供应链管理等) supported by information systems.
    pub core_processes_on_info_systems: u32,
    /// 获得相关管理体系认证，或产品通过发达国家和地区产品认证.
    pub management_or_foreign_certification: bool,
}

/// Self-reported points of one province-specific indicator (地方特色指标). The indicators and their maxima
/// are configured per province in the rule set; points are checked against them when scoring.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalIndicatorClaim {
    pub id: String,
    pub points: u32,
}

/// 企业基本信息, as stored. All editable fields are optional: drafts may be incomplete.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnterpriseProfile {
    /// 企业名称, from real-name verification.
    pub name: String,
    /// 统一社会信用代码, from real-name verification.
    pub uscc: String,
    /// 注册地 (county-level GB/T 2260 code).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "330106"))]
    pub region: Option<RegionCode>,
    #[serde(default)]
    pub address: Option<String>,
    /// 所属行业 (GB/T 4754-2017 小类).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "3741"))]
    pub industry: Option<IndustryCode>,
    /// 具体细分领域.
    #[serde(default)]
    pub niche_field: Option<String>,
    /// 主导产品 (empty = not filled).
    #[serde(default)]
    pub main_products: Vec<String>,
    #[serde(default, with = "iso_date::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub established_on: Option<Date>,
    /// 从业人员 (current).
    #[serde(default)]
    pub employees: Option<u32>,
    /// Financial years, newest first, distinct years.
    #[serde(default)]
    pub financials: Vec<YearFigures>,
    #[serde(default)]
    pub ip: Option<IpCounts>,
    #[serde(default)]
    pub honours: Option<Vec<Honour>>,
    #[serde(default)]
    pub awards: Option<Vec<Award>>,
    #[serde(default)]
    pub makers_china: Option<Vec<MakersChinaResult>>,
    #[serde(default)]
    pub financing: Option<Vec<Financing>>,
    #[serde(default)]
    pub market: Option<NicheMarket>,
    #[serde(default)]
    pub quality: Option<QualityItems>,
    #[serde(default)]
    pub rd_institution: Option<RdInstitution>,
    #[serde(default)]
    pub product_fields: Option<ProductFields>,
    #[serde(default)]
    pub operations: Option<Operations>,
    #[serde(default)]
    pub local_indicators: Option<Vec<LocalIndicatorClaim>>,
}

// ---------------------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------------------

/// A raw value taken as text (a JSON string or number), parsed during validation so errors name the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawText(pub String);

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(serde_json::Number),
        }
        Ok(RawText(match Raw::deserialize(d)? {
            Raw::Text(s) => s,
            Raw::Number(n) => n.to_string(),
        }))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for RawText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .into()
    }
}
#[cfg(feature = "openapi")]
impl utoipa::ToSchema for RawText {}

/// One financial year as sent; every member is required but checked field by field.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearFiguresInput {
    pub year: Option<i32>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Money>))]
    pub operating_revenue: Option<RawText>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Money>))]
    pub main_business_revenue: Option<RawText>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Money>))]
    pub rd_expense: Option<RawText>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Money>))]
    pub net_profit: Option<RawText>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Money>))]
    pub total_assets: Option<RawText>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Money>))]
    pub total_liabilities: Option<RawText>,
    pub employees: Option<u32>,
    pub rd_staff: Option<u32>,
}

/// One financing round as sent.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinancingInput {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub date: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Money>))]
    pub amount: Option<RawText>,
    pub qualified_investor: Option<bool>,
}

/// The niche market as sent.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NicheMarketInput {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub since: Option<String>,
    pub national_share_pct: Option<f64>,
    pub international_share_pct: Option<f64>,
    /// Rank in the domestic niche market (1 = first).
    pub national_rank: Option<u32>,
    /// 占有率较为靠前，享有一定知名度、影响力.
    pub leading_position: Option<bool>,
}

/// `PUT /v1/enterprise` body: the editable basic information. Replaces the stored values; omitted members
/// become empty. Unknown members are ignored.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileInput {
    /// County-level GB/T 2260 code.
    pub region: Option<String>,
    pub address: Option<String>,
    /// GB/T 4754-2017 小类 code (4 digits).
    pub industry: Option<String>,
    pub niche_field: Option<String>,
    #[serde(default)]
    pub main_products: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub established_on: Option<String>,
    pub employees: Option<u32>,
    #[serde(default)]
    pub financials: Vec<YearFiguresInput>,
    pub ip: Option<IpCounts>,
    pub honours: Option<Vec<HonourInput>>,
    pub awards: Option<Vec<Award>>,
    pub makers_china: Option<Vec<MakersChinaResult>>,
    pub financing: Option<Vec<FinancingInput>>,
    pub market: Option<NicheMarketInput>,
    pub quality: Option<QualityItems>,
    pub rd_institution: Option<RdInstitution>,
    pub product_fields: Option<ProductFields>,
    pub operations: Option<Operations>,
    pub local_indicators: Option<Vec<LocalIndicatorClaim>>,
}

/// An honour as sent.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HonourInput {
    pub kind: HonourKind,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub valid_until: Option<String>,
}

/// Limits of the free-text fields (characters).
pub const MAX_ADDRESS: usize = 200;
pub const MAX_NICHE_FIELD: usize = 100;
pub const MAX_PRODUCT: usize = 100;
pub const MAX_PRODUCTS: usize = 10;
pub const MAX_FINANCIAL_YEARS: usize = 5;
pub const MAX_LIST: usize = 50;
/// Largest self-reported local-indicator points (the indicator's maximum, RULES.md §1.4 #9).
pub const MAX_LOCAL_POINTS: u32 = 15;
const MIN_YEAR: i32 = 1949;

struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }
}

fn clean_text(e: &mut Errors, field: &str, v: Option<String>, max: usize) -> Option<String> {
    let v = v?.trim().to_string();
    if v.is_empty() {
        return None;
    }
    if v.chars().count() > max {
        e.push(field, "TOO_LONG", format!("最多{max}个字符"));
    }
    Some(v)
}

fn parse_money(
    e: &mut Errors,
    field: &str,
    raw: Option<RawText>,
    non_negative: bool,
) -> Option<Money> {
    let Some(RawText(raw)) = raw else {
        e.push(field, "REQUIRED", "请填写此项金额");
        return None;
    };
    match Money::parse(&raw) {
        Ok(m) if non_negative && m < Money::ZERO => {
            e.push(field, "NEGATIVE", "金额不能为负数");
            None
        }
        Ok(m) => Some(m),
        Err(err) => {
            e.push(field, "INVALID_MONEY", err.to_string());
            None
        }
    }
}

fn parse_date(e: &mut Errors, field: &str, raw: &str, today: Date) -> Option<Date> {
    match iso_date::parse(raw) {
        None => {
            e.push(field, "INVALID_DATE", "日期格式应为 YYYY-MM-DD");
            None
        }
        Some(d) if d > today => {
            e.push(field, "IN_FUTURE", "日期不能晚于今天");
            None
        }
        Some(d) if d.year() < MIN_YEAR => {
            e.push(field, "IMPLAUSIBLE", format!("日期不能早于{MIN_YEAR}年"));
            None
        }
        Some(d) => Some(d),
    }
}

fn check_year(e: &mut Errors, field: &str, year: i32, today: Date) -> bool {
    if year < MIN_YEAR || year > today.year() {
        e.push(
            field,
            "IMPLAUSIBLE_YEAR",
            format!("年份应在{MIN_YEAR}年至{}年之间", today.year()),
        );
        false
    } else {
        true
    }
}

fn check_share(e: &mut Errors, field: &str, v: Option<f64>) -> Option<f64> {
    let v = v?;
    if !v.is_finite() || !(0.0..=100.0).contains(&v) {
        e.push(field, "OUT_OF_RANGE", "占有率应在0至100之间（单位：%）");
        return None;
    }
    Some(v)
}

fn too_many(e: &mut Errors, field: &str, len: usize, max: usize) {
    if len > max {
        e.push(field, "TOO_MANY", format!("最多填写{max}项"));
    }
}

impl EnterpriseProfile {
    /// An empty profile for a freshly verified enterprise.
    pub fn new(name: impl Into<String>, uscc: impl Into<String>) -> EnterpriseProfile {
        EnterpriseProfile {
            name: name.into(),
            uscc: uscc.into(),
            ..EnterpriseProfile::default()
        }
    }

    /// Validates `input` in full and, if it has no error, replaces every editable field with it (name and uscc
    /// are kept). On error the profile is unchanged and every problem is listed. `today` is the China date,
    /// used to refuse future dates and years.
    pub fn apply(&mut self, input: ProfileInput, today: Date) -> Result<(), Vec<FieldError>> {
        let mut e = Errors(Vec::new());
        let ProfileInput {
            region,
            address,
            industry,
            niche_field,
            main_products,
            established_on,
            employees,
            financials,
            ip,
            honours,
            awards,
            makers_china,
            financing,
            market,
            quality,
            rd_institution,
            product_fields,
            operations,
            local_indicators,
        } = input;

        let region = match region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => match RegionCode::parse(s) {
                Ok(r) if r.level() == RegionLevel::County => Some(r),
                Ok(r) => {
                    e.push(
                        "region",
                        "REGION_NOT_COUNTY",
                        format!("注册地须选择到区县级，{}是{}", r.name(), r.level().label()),
                    );
                    None
                }
                Err(err) => {
                    e.push("region", err.code(), err.to_string());
                    None
                }
            },
        };
        let industry = match industry.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => match IndustryCode::parse(s) {
                Ok(i) => Some(i),
                Err(err) => {
                    e.push("industry", err.code(), err.to_string());
                    None
                }
            },
        };
        let address = clean_text(&mut e, "address", address, MAX_ADDRESS);
        let niche_field = clean_text(&mut e, "niche_field", niche_field, MAX_NICHE_FIELD);

        too_many(&mut e, "main_products", main_products.len(), MAX_PRODUCTS);
        let mut products: Vec<String> = Vec::new();
        for (i, p) in main_products.into_iter().enumerate() {
            let field = format!("main_products[{i}]");
            match clean_text(&mut e, &field, Some(p), MAX_PRODUCT) {
                None => e.push(field, "REQUIRED", "主导产品名称不能为空"),
                Some(p) if products.contains(&p) => e.push(field, "DUPLICATE", "主导产品重复"),
                Some(p) => products.push(p),
            }
        }

        let established_on = established_on
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| parse_date(&mut e, "established_on", s, today));

        too_many(&mut e, "financials", financials.len(), MAX_FINANCIAL_YEARS);
        let mut years: Vec<YearFigures> = Vec::new();
        for (i, f) in financials.into_iter().enumerate() {
            let p = |name: &str| format!("financials[{i}].{name}");
            let year = match f.year {
                None => {
                    e.push(p("year"), "REQUIRED", "请填写年度");
                    None
                }
                Some(y) if !check_year(&mut e, &p("year"), y, today) => None,
                Some(y) if established_on.is_some_and(|d| y < d.year()) => {
                    e.push(p("year"), "BEFORE_ESTABLISHMENT", "年度早于企业成立年份");
                    None
                }
                Some(y) if years.iter().any(|r| r.year == y) => {
                    e.push(p("year"), "DUPLICATE_YEAR", format!("{y}年度的数据重复"));
                    None
                }
                Some(y) => Some(y),
            };
            let operating_revenue =
                parse_money(&mut e, &p("operating_revenue"), f.operating_revenue, true);
            let main_business_revenue = parse_money(
                &mut e,
                &p("main_business_revenue"),
                f.main_business_revenue,
                true,
            );
            let rd_expense = parse_money(&mut e, &p("rd_expense"), f.rd_expense, true);
            let net_profit = parse_money(&mut e, &p("net_profit"), f.net_profit, false);
            let total_assets = parse_money(&mut e, &p("total_assets"), f.total_assets, true);
            let total_liabilities =
                parse_money(&mut e, &p("total_liabilities"), f.total_liabilities, true);
            if let (Some(op), Some(main)) = (operating_revenue, main_business_revenue)
                && main > op
            {
                e.push(
                    p("main_business_revenue"),
                    "EXCEEDS_OPERATING_REVENUE",
                    "主营业务收入不能大于营业收入",
                );
            }
            if f.employees.is_none() {
                e.push(p("employees"), "REQUIRED", "请填写从业人员数");
            }
            if f.rd_staff.is_none() {
                e.push(p("rd_staff"), "REQUIRED", "请填写研发人员数");
            }
            if let (Some(emp), Some(rd)) = (f.employees, f.rd_staff)
                && rd > emp
            {
                e.push(
                    p("rd_staff"),
                    "EXCEEDS_EMPLOYEES",
                    "研发人员数不能大于从业人员数",
                );
            }
            if let (
                Some(year),
                Some(operating_revenue),
                Some(main_business_revenue),
                Some(rd_expense),
                Some(net_profit),
                Some(total_assets),
                Some(total_liabilities),
                Some(employees),
                Some(rd_staff),
            ) = (
                year,
                operating_revenue,
                main_business_revenue,
                rd_expense,
                net_profit,
                total_assets,
                total_liabilities,
                f.employees,
                f.rd_staff,
            ) {
                years.push(YearFigures {
                    year,
                    operating_revenue,
                    main_business_revenue,
                    rd_expense,
                    net_profit,
                    total_assets,
                    total_liabilities,
                    employees,
                    rd_staff,
                });
            } else if let Some(y) = year {
                // Keep the year for duplicate detection even if the row has other errors.
                years.push(YearFigures {
                    year: y,
                    operating_revenue: Money::ZERO,
                    main_business_revenue: Money::ZERO,
                    rd_expense: Money::ZERO,
                    net_profit: Money::ZERO,
                    total_assets: Money::ZERO,
                    total_liabilities: Money::ZERO,
                    employees: 0,
                    rd_staff: 0,
                });
            }
        }
        years.sort_by_key(|r| std::cmp::Reverse(r.year));

        if let Some(ip) = &ip {
            for (name, v) in [
                ("class1_high_value", ip.class1_high_value),
                ("class1_self_developed", ip.class1_self_developed),
                ("class1_applied", ip.class1_applied),
            ] {
                if v > ip.class1_total {
                    e.push(
                        format!("ip.{name}"),
                        "EXCEEDS_CLASS1_TOTAL",
                        "不能大于Ⅰ类知识产权总数",
                    );
                }
            }
        }

        let honours = honours.map(|list| {
            too_many(&mut e, "honours", list.len(), MAX_LIST);
            list.into_iter()
                .enumerate()
                .map(|(i, h)| Honour {
                    kind: h.kind,
                    valid_until: h
                        .valid_until
                        .as_deref()
                        .filter(|s| !s.trim().is_empty())
                        .and_then(|s| match iso_date::parse(s) {
                            Some(d) => Some(d),
                            None => {
                                e.push(
                                    format!("honours[{i}].valid_until"),
                                    "INVALID_DATE",
                                    "日期格式应为 YYYY-MM-DD",
                                );
                                None
                            }
                        }),
                })
                .collect::<Vec<_>>()
        });

        if let Some(list) = &awards {
            too_many(&mut e, "awards", list.len(), MAX_LIST);
            for (i, a) in list.iter().enumerate() {
                check_year(&mut e, &format!("awards[{i}].year"), a.year, today);
                if a.rank == Some(0) {
                    e.push(format!("awards[{i}].rank"), "OUT_OF_RANGE", "排名从1开始");
                }
            }
        }
        if let Some(list) = &makers_china {
            too_many(&mut e, "makers_china", list.len(), MAX_LIST);
            for (i, m) in list.iter().enumerate() {
                check_year(&mut e, &format!("makers_china[{i}].year"), m.year, today);
                if m.national_rank == Some(0) {
                    e.push(
                        format!("makers_china[{i}].national_rank"),
                        "OUT_OF_RANGE",
                        "排名从1开始",
                    );
                }
            }
        }

        let financing = financing.map(|list| {
            too_many(&mut e, "financing", list.len(), MAX_LIST);
            let mut out = Vec::new();
            for (i, f) in list.into_iter().enumerate() {
                let p = |name: &str| format!("financing[{i}].{name}");
                let date = match f.date.as_deref().filter(|s| !s.trim().is_empty()) {
                    None => {
                        e.push(p("date"), "REQUIRED", "请填写实缴日期");
                        None
                    }
                    Some(s) => parse_date(&mut e, &p("date"), s, today),
                };
                let amount = parse_money(&mut e, &p("amount"), f.amount, true);
                if amount == Some(Money::ZERO) {
                    e.push(p("amount"), "NOT_POSITIVE", "融资金额应大于0");
                }
                if f.qualified_investor.is_none() {
                    e.push(
                        p("qualified_investor"),
                        "REQUIRED",
                        "请选择是否来自合格机构投资者",
                    );
                }
                if let (Some(date), Some(amount), Some(qualified_investor)) =
                    (date, amount, f.qualified_investor)
                {
                    out.push(Financing {
                        date,
                        amount,
                        qualified_investor,
                    });
                }
            }
            out
        });

        let market = market.map(|m| NicheMarket {
            since: m
                .since
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .and_then(|s| parse_date(&mut e, "market.since", s, today)),
            national_share_pct: check_share(
                &mut e,
                "market.national_share_pct",
                m.national_share_pct,
            ),
            international_share_pct: check_share(
                &mut e,
                "market.international_share_pct",
                m.international_share_pct,
            ),
            national_rank: match m.national_rank {
                Some(0) => {
                    e.push(
                        "market.national_rank",
                        "OUT_OF_RANGE",
                        "国内细分市场排名须为正整数（1 为第一）",
                    );
                    None
                }
                r => r,
            },
            leading_position: m.leading_position,
        });
        if let (Some(m), Some(est)) = (&market, established_on)
            && m.since.is_some_and(|s| s < est)
        {
            e.push(
                "market.since",
                "BEFORE_ESTABLISHMENT",
                "进入细分市场时间不能早于企业成立日期",
            );
        }

        if let Some(list) = &local_indicators {
            for (i, c) in list.iter().enumerate() {
                if c.id.trim().is_empty() {
                    e.push(
                        format!("local_indicators[{i}].id"),
                        "REQUIRED",
                        "请选择地方特色指标",
                    );
                } else if list[..i].iter().any(|o| o.id == c.id) {
                    e.push(
                        format!("local_indicators[{i}].id"),
                        "DUPLICATE",
                        "地方特色指标重复",
                    );
                }
                if c.points > MAX_LOCAL_POINTS {
                    e.push(
                        format!("local_indicators[{i}].points"),
                        "OUT_OF_RANGE",
                        format!("自评分不能超过{MAX_LOCAL_POINTS}分"),
                    );
                }
            }
        }

        if !e.0.is_empty() {
            return Err(e.0);
        }
        self.region = region;
        self.address = address;
        self.industry = industry;
        self.niche_field = niche_field;
        self.main_products = products;
        self.established_on = established_on;
        self.employees = employees;
        self.financials = years;
        self.ip = ip;
        self.honours = honours;
        self.awards = awards;
        self.makers_china = makers_china;
        self.financing = financing;
        self.market = market;
        self.quality = quality;
        self.rd_institution = rd_institution;
        self.product_fields = product_fields;
        self.operations = operations;
        self.local_indicators = local_indicators;
        Ok(())
    }

    /// The figures of one financial year, if filled in.
    pub fn year(&self, year: i32) -> Option<&YearFigures> {
        self.financials.iter().find(|f| f.year == year)
    }

    /// How many financial years (counting back from the prior year `declaration_year − 1`) a tier's standard
    /// reads: 2 for the innovative tier (prior-year growth), 3 for the others (2-year average growth).
    pub fn years_needed(tier: Tier) -> u32 {
        match tier {
            Tier::Innovative => 2,
            Tier::Specialized | Tier::LittleGiant => 3,
        }
    }

    /// The field paths a submission of `tier` in `declaration_year` still needs (empty when complete). Paths
    /// are those of the profile (`region`, `financials[year=2025]`, `market.since`, …), the same the rules
    /// engine lists as missing.
    pub fn missing_for(&self, tier: Tier, declaration_year: i32) -> Vec<String> {
        let mut m: Vec<String> = Vec::new();
        let mut need = |present: bool, path: &str| {
            if !present {
                m.push(path.to_string());
            }
        };
        need(self.region.is_some(), "region");
        need(self.address.is_some(), "address");
        need(self.industry.is_some(), "industry");
        need(self.niche_field.is_some(), "niche_field");
        need(!self.main_products.is_empty(), "main_products");
        need(self.established_on.is_some(), "established_on");
        need(self.employees.is_some(), "employees");
        for back in 1..=Self::years_needed(tier) as i32 {
            let y = declaration_year - back;
            need(self.year(y).is_some(), &format!("financials[year={y}]"));
        }
        need(self.ip.is_some(), "ip");
        need(self.honours.is_some(), "honours");
        need(self.awards.is_some(), "awards");
        need(self.financing.is_some(), "financing");
        need(self.rd_institution.is_some(), "rd_institution");
        need(self.product_fields.is_some(), "product_fields");
        if tier != Tier::Innovative {
            need(self.makers_china.is_some(), "makers_china");
            need(self.quality.is_some(), "quality");
            match &self.market {
                None => need(false, "market"),
                Some(mk) => {
                    need(mk.since.is_some(), "market.since");
                    if tier == Tier::LittleGiant {
                        need(mk.national_share_pct.is_some(), "market.national_share_pct");
                    }
                }
            }
        }
        if tier == Tier::Specialized {
            need(self.local_indicators.is_some(), "local_indicators");
        }
        if tier == Tier::LittleGiant {
            need(self.operations.is_some(), "operations");
        }
        m
    }

    /// The Chinese name of a path [`EnterpriseProfile::missing_for`] lists (`financials[year=2025]` →
    /// `2025 年度财务数据`).
    pub fn missing_label(path: &str) -> String {
        if let Some(year) = path
            .strip_prefix("financials[year=")
            .and_then(|r| r.strip_suffix(']'))
        {
            return format!("{year} 年度财务数据");
        }
        match path {
            "region" => "所在地区",
            "address" => "详细地址",
            "industry" => "所属行业",
            "niche_field" => "细分领域",
            "main_products" => "主导产品",
            "established_on" => "成立日期",
            "employees" => "从业人员数",
            "ip" => "知识产权情况",
            "honours" => "资质荣誉情况",
            "awards" => "获奖情况",
            "financing" => "融资情况",
            "rd_institution" => "研发机构情况",
            "product_fields" => "产品所属领域",
            "makers_china" => "“创客中国”大赛获奖情况",
            "quality" => "质量与品牌情况",
            "market" => "市场情况",
            "market.since" => "从事细分市场起始时间",
            "market.national_share_pct" => "细分市场全国占有率",
            "local_indicators" => "地方特色指标",
            "operations" => "经营管理情况",
            other => other,
        }
        .to_owned()
    }

    /// Display helpers: the region's full name and the industry's path up to its section.
    pub fn view(&self) -> ProfileView {
        ProfileView {
            region_name: self.region.map(|r| r.full_name()),
            industry_path: self
                .industry
                .map(|i| {
                    let p = i.path();
                    [p.section, p.division, p.group, p.class]
                        .iter()
                        .map(|n| IndustryStep {
                            code: n.code.to_string(),
                            name: n.name.to_string(),
                            level: n.level.label().to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            industry_name: self.industry.map(|i| i.path().display_name()),
        }
    }
}

/// One step of an industry path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndustryStep {
    pub code: String,
    pub name: String,
    /// 门类 / 大类 / 中类 / 小类.
    pub level: String,
}

/// Derived names for display next to the profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileView {
    /// `浙江省 / 杭州市 / 西湖区`.
    pub region_name: Option<String>,
    /// Section → division → group → class (empty when no industry).
    pub industry_path: Vec<IndustryStep>,
    /// `C 制造业 / 37 … / 3741 飞机制造`.
    pub industry_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 05 - 10);

    fn input(v: serde_json::Value) -> ProfileInput {
        serde_json::from_value(v).expect("input parses")
    }

    fn year(y: i32) -> serde_json::Value {
        json!({"year": y, "operating_revenue": "30000000", "main_business_revenue": "27000000",
               "rd_expense": "1500000.50", "net_profit": "-20.05", "total_assets": 50000000,
               "total_liabilities": "20000000", "employees": 120, "rd_staff": 30})
    }

    fn full() -> serde_json::Value {
        json!({
            "region": "330106", "address": "杭州市西湖区文三路1号", "industry": "3741",
            "niche_field": "航空紧固件", "main_products": ["钛合金紧固件"],
            "established_on": "2015-03-01", "employees": 120,
            "financials": [year(2023), year(2025), year(2024)],
            "ip": {"class1_high_value": 1, "class1_self_developed": 2, "class1_total": 3, "class2_total": 5, "class1_applied": 2},
            "honours": [{"kind": "high_tech_enterprise", "valid_until": "2027-12-31"}],
            "awards": [{"level": "provincial", "year": 2024, "rank": 2}],
            "makers_china": [], "financing": [{"date": "2025-06-01", "amount": "5000000", "qualified_investor": true}],
            "market": {"since": "2016-01-01", "national_share_pct": 12.5},
            "quality": {"own_brand": true}, "rd_institution": {"level": "provincial"},
            "product_fields": {"strategic_emerging": true}, "operations": {"core_processes_on_info_systems": 2},
            "local_indicators": [], "name": "ignored", "uscc": "ignored", "view": {"x": 1}
        })
    }

    #[test]
    fn a_full_input_is_applied_with_years_sorted_newest_first() {
        let mut p = EnterpriseProfile::new("某某科技有限公司", "91350100M000100Y43");
        p.apply(input(full()), TODAY).unwrap();
        assert_eq!(p.name, "某某科技有限公司");
        assert_eq!(p.region.unwrap().to_string(), "330106");
        assert_eq!(p.industry.unwrap().as_str(), "3741");
        assert_eq!(
            p.financials.iter().map(|f| f.year).collect::<Vec<_>>(),
            [2025, 2024, 2023]
        );
        assert_eq!(p.year(2024).unwrap().net_profit, Money::from_fen(-2005));
        assert_eq!(p.year(2024).unwrap().total_assets, Money::from_wan(5000));
        assert_eq!(
            p.financing.as_ref().unwrap()[0].amount,
            Money::from_wan(500)
        );
        for tier in Tier::ALL {
            assert_eq!(p.missing_for(tier, 2026), Vec::<String>::new(), "{tier}");
        }
        // Round trip through the stored JSON form.
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["established_on"], "2015-03-01");
        assert_eq!(json["region"], "330106");
        let back: EnterpriseProfile = serde_json::from_value(json).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn field_errors_name_the_exact_path() {
        let mut v = full();
        v["region"] = json!("330100");
        v["industry"] = json!("374");
        v["financials"][1]["rd_expense"] = json!("-1");
        v["financials"][1]["rd_staff"] = json!(500);
        v["financials"][2]["year"] = json!(2023);
        v["financials"][0]["operating_revenue"] = json!("1.234");
        v["financials"][0]["main_business_revenue"] = json!(null);
        v["market"]["national_share_pct"] = json!(100.5);
        v["financing"][0]["date"] = json!("2030-01-01");
        v["ip"]["class1_applied"] = json!(9);
        v["main_products"] = json!(["a", "a", " "]);
        let mut p = EnterpriseProfile::new("n", "u");
        let before = p.clone();
        let errs = p.apply(input(v), TODAY).unwrap_err();
        assert_eq!(p, before, "nothing applied on error");
        let got: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        for want in [
            ("region", "REGION_NOT_COUNTY"),
            ("industry", "INVALID_INDUSTRY"),
            ("financials[1].rd_expense", "NEGATIVE"),
            ("financials[1].rd_staff", "EXCEEDS_EMPLOYEES"),
            ("financials[2].year", "DUPLICATE_YEAR"),
            ("financials[0].operating_revenue", "INVALID_MONEY"),
            ("financials[0].main_business_revenue", "REQUIRED"),
            ("market.national_share_pct", "OUT_OF_RANGE"),
            ("financing[0].date", "IN_FUTURE"),
            ("ip.class1_applied", "EXCEEDS_CLASS1_TOTAL"),
            ("main_products[1]", "DUPLICATE"),
            ("main_products[2]", "REQUIRED"),
        ] {
            assert!(got.contains(&want), "{want:?} not in {got:?}");
        }
        assert!(errs.iter().all(|e| !e.message.is_empty()));
    }

    #[test]
    fn unknown_region_and_implausible_years_are_reported() {
        let mut v = full();
        v["region"] = json!("330199");
        v["financials"][0]["year"] = json!(2027);
        v["financials"][1]["year"] = json!(2010);
        v["awards"][0]["year"] = json!(1900);
        v["financials"][1]["main_business_revenue"] = json!("99999999");
        let errs = EnterpriseProfile::default()
            .apply(input(v), TODAY)
            .unwrap_err();
        let got: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert!(got.contains(&("region", "INVALID_REGION")), "{got:?}");
        assert!(got.contains(&("financials[0].year", "IMPLAUSIBLE_YEAR")));
        assert!(got.contains(&("financials[1].year", "BEFORE_ESTABLISHMENT")));
        assert!(got.contains(&("awards[0].year", "IMPLAUSIBLE_YEAR")));
        assert!(got.contains(&(
            "financials[1].main_business_revenue",
            "EXCEEDS_OPERATING_REVENUE"
        )));
    }

    #[test]
    fn an_empty_draft_is_valid_and_lists_what_each_tier_needs() {
        let mut p = EnterpriseProfile::new("n", "u");
        p.apply(ProfileInput::default(), TODAY).unwrap();
        let innovative = p.missing_for(Tier::Innovative, 2026);
        assert!(innovative.contains(&"region".to_string()));
        assert!(innovative.contains(&"financials[year=2025]".to_string()));
        assert!(innovative.contains(&"financials[year=2024]".to_string()));
        assert!(!innovative.contains(&"financials[year=2023]".to_string()));
        assert!(!innovative.contains(&"market".to_string()));
        let specialized = p.missing_for(Tier::Specialized, 2026);
        assert!(specialized.contains(&"financials[year=2023]".to_string()));
        assert!(specialized.contains(&"market".to_string()));
        assert!(specialized.contains(&"local_indicators".to_string()));
        let giant = p.missing_for(Tier::LittleGiant, 2026);
        assert!(giant.contains(&"operations".to_string()));
        assert!(!giant.contains(&"local_indicators".to_string()));
    }

    #[test]
    fn view_shows_region_and_industry_paths() {
        let mut p = EnterpriseProfile::default();
        p.apply(input(full()), TODAY).unwrap();
        let v = p.view();
        assert_eq!(v.region_name.as_deref(), Some("浙江省 / 杭州市 / 西湖区"));
        assert_eq!(v.industry_path.len(), 4);
        assert_eq!(v.industry_path[0].code, "C");
        assert_eq!(v.industry_path[3].code, "3741");
        assert!(v.industry_name.unwrap().ends_with("3741 飞机制造"));
    }
}
