//! The application document as data: titled sections of labelled rows and tables, every value already formatted
//! for people. Built from the frozen snapshot and the tier's form specification of the snapshot's rule version;
//! rendered to HTML ([`super::html`]) and PDF ([`super::pdf`]) from the same model, so both say the same.

use serde_json::{Map, Value};
use time::{Date, OffsetDateTime};

use crate::domain::calendar::in_china;
use crate::domain::declaration::{Declaration, Kind, Snapshot};
use crate::domain::enterprise::{
    AwardLevel, EnterpriseProfile, RdInstitutionLevel, YearFigures, iso_date,
};
use crate::domain::money::Money;
use crate::rules::tiers::{self, FieldKind, FormSpec, RuleSet};

/// One labelled value.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: String,
    pub value: String,
}

fn row(label: impl Into<String>, value: impl Into<String>) -> Row {
    Row {
        label: label.into(),
        value: value.into(),
    }
}

/// A block of a section.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// Label / value pairs (two columns).
    Fields(Vec<Row>),
    /// A table with a header row; `widths` are relative column widths.
    Grid {
        /// What the table is (`financials`, `evidence`): the HTML class, for its column widths.
        name: &'static str,
        head: Vec<String>,
        widths: Vec<f32>,
        rows: Vec<Vec<String>>,
    },
    /// A paragraph.
    Note(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Everything the printed document says.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// `专精特新中小企业申请书`.
    pub title: String,
    pub declaration_id: String,
    pub enterprise_name: String,
    pub uscc: String,
    /// Lines under the title (申报年度、申报编号、提交时间、适用标准).
    pub meta: Vec<Row>,
    pub sections: Vec<Section>,
    /// The commitment printed above the signatures.
    pub commitment: String,
    /// SHA-256 (hex) of the submitted snapshot.
    pub digest: String,
    /// The public verification address the QR code encodes.
    pub verify_url: String,
    /// Ed25519 signature (base64) of [`super::signing::message`] for this declaration and digest.
    pub signature: String,
}

// ---- formatting ---------------------------------------------------------------------------------------------------

pub const NOT_FILLED: &str = "未填写";

/// `2026年5月10日`.
pub fn date_cn(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// `2026年5月1日 10:00（北京时间）`.
pub fn time_cn(t: OffsetDateTime) -> String {
    let t = in_china(t);
    format!(
        "{} {:02}:{:02}（北京时间）",
        date_cn(t.date()),
        t.hour(),
        t.minute()
    )
}

/// An amount in 万元 with two decimals, rounded half away from zero: `3000.00`, `-0.01`.
pub fn wan(m: Money) -> String {
    let fen = m.fen();
    // 0.01 万元 = 100 元 = 10 000 分.
    let hundredths = (fen.unsigned_abs() + 5_000) / 10_000;
    let sign = if fen < 0 && hundredths > 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

pub fn yes_no(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

/// A percentage without a trailing `.0`: `12.5%`, `10%`.
fn pct(p: f64) -> String {
    let mut s = format!("{:.2}", p);
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    format!("{s}%")
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn or_not_filled(s: Option<String>) -> String {
    s.filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| NOT_FILLED.to_owned())
}

fn level_cn(level: u64) -> String {
    match level {
        1 => "一级".into(),
        2 => "二级".into(),
        3 => "三级".into(),
        4 => "四级".into(),
        n => format!("{n}级"),
    }
}

fn rd_level_cn(l: RdInstitutionLevel) -> &'static str {
    match l {
        RdInstitutionLevel::None => "无",
        RdInstitutionLevel::BelowCity => "市级以下",
        RdInstitutionLevel::City => "市级",
        RdInstitutionLevel::Provincial => "省级",
        RdInstitutionLevel::National => "国家级",
    }
}

fn award_level_cn(l: AwardLevel) -> &'static str {
    match l {
        AwardLevel::National => "国家级",
        AwardLevel::Provincial => "省级（省部级）",
        AwardLevel::Other => "其他",
    }
}

/// The size of a file for people: `1.2 MB`, `35 KB`, `512 字节`.
pub fn file_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{:.0} KB", (bytes as f64 / 1024.0).ceil())
    } else {
        format!("{bytes} 字节")
    }
}

/// A list answered "none" (`Some([])`), not answered (`None`) or items joined by `；`.
fn list<T>(items: &Option<Vec<T>>, each: impl Fn(&T) -> String) -> String {
    match items {
        None => NOT_FILLED.to_owned(),
        Some(v) if v.is_empty() => "无".to_owned(),
        Some(v) => v.iter().map(each).collect::<Vec<_>>().join("；"),
    }
}

// ---- sections -----------------------------------------------------------------------------------------------------

fn basic_information(p: &EnterpriseProfile, raw: &Value) -> Section {
    let text = |k: &str| raw.get(k).and_then(Value::as_str).map(str::to_owned);
    let rows = vec![
        row("企业名称", p.name.clone()),
        row("统一社会信用代码", p.uscc.clone()),
        row(
            "注册地",
            or_not_filled(text("region_name").or(p.region.map(|r| r.value().to_string()))),
        ),
        row("详细地址", or_not_filled(p.address.clone())),
        row(
            "所属行业",
            or_not_filled(text("industry_name").or(p.industry.map(|i| i.to_string()))),
        ),
        row("具体细分领域", or_not_filled(p.niche_field.clone())),
        row("主导产品", or_not_filled(Some(p.main_products.join("、")))),
        row(
            "成立日期",
            p.established_on
                .map(date_cn)
                .unwrap_or_else(|| NOT_FILLED.into()),
        ),
        row(
            "从业人员（人）",
            p.employees
                .map(|n| n.to_string())
                .unwrap_or_else(|| NOT_FILLED.into()),
        ),
        row("企业规模", or_not_filled(text("size_class"))),
    ];
    Section {
        title: "企业基本信息".into(),
        blocks: vec![Block::Fields(rows)],
    }
}

fn financials(years: &[YearFigures]) -> Section {
    let mut years: Vec<&YearFigures> = years.iter().collect();
    years.sort_by_key(|y| y.year);
    let mut head = vec!["指标".to_owned()];
    head.extend(years.iter().map(|y| format!("{}年", y.year)));
    let money_row = |label: &str, f: fn(&YearFigures) -> Money| {
        let mut r = vec![label.to_owned()];
        r.extend(years.iter().map(|y| wan(f(y))));
        r
    };
    let count_row = |label: &str, f: fn(&YearFigures) -> u32| {
        let mut r = vec![label.to_owned()];
        r.extend(years.iter().map(|y| f(y).to_string()));
        r
    };
    let blocks = if years.is_empty() {
        vec![Block::Note(NOT_FILLED.into())]
    } else {
        let mut widths = vec![1.6];
        widths.extend(years.iter().map(|_| 1.0));
        vec![Block::Grid {
            name: "financials",
            head,
            widths,
            rows: vec![
                money_row("营业收入（万元）", |y| y.operating_revenue),
                money_row("主营业务收入（万元）", |y| {
                    y.main_business_revenue
                }),
                money_row("研发费用（万元）", |y| y.rd_expense),
                money_row("净利润（万元）", |y| y.net_profit),
                money_row("资产总额（万元）", |y| y.total_assets),
                money_row("负债总额（万元）", |y| y.total_liabilities),
                count_row("从业人员（人）", |y| y.employees),
                count_row("研发人员（人）", |y| y.rd_staff),
            ],
        }]
    };
    Section {
        title: "主要经济指标".into(),
        blocks,
    }
}

fn capabilities(p: &EnterpriseProfile, rules: &RuleSet) -> Section {
    let mut rows = Vec::new();
    match &p.ip {
        None => rows.push(row("与主导产品相关的有效知识产权", NOT_FILLED)),
        Some(ip) => {
            rows.push(row(
                "Ⅰ类高价值知识产权（项）",
                ip.class1_high_value.to_string(),
            ));
            rows.push(row(
                "自主研发的Ⅰ类知识产权（项）",
                ip.class1_self_developed.to_string(),
            ));
            rows.push(row("Ⅰ类知识产权（项）", ip.class1_total.to_string()));
            rows.push(row("Ⅱ类知识产权（项）", ip.class2_total.to_string()));
            rows.push(row(
                "已实际应用并产生经济效益的Ⅰ类知识产权（项）",
                ip.class1_applied.to_string(),
            ));
        }
    }
    rows.push(row(
        "荣誉资质",
        list(&p.honours, |h| match h.valid_until {
            Some(d) => format!("{}（有效期至{}）", h.kind.label(), date_cn(d)),
            None => h.kind.label().to_owned(),
        }),
    ));
    rows.push(row(
        "科学技术奖励",
        list(&p.awards, |a| {
            let mut s = format!("{}年 {}", a.year, award_level_cn(a.level));
            if let Some(name) = a.name.as_deref().filter(|n| !n.trim().is_empty()) {
                s.push_str(&format!("“{name}”"));
            }
            if let Some(rank) = a.rank {
                s.push_str(&format!("，排名第{rank}"));
            }
            s
        }),
    ));
    rows.push(row(
        "“创客中国”中小企业创新创业大赛",
        list(&p.makers_china, |m| match m.national_rank {
            Some(r) => format!("{}年 全国第{r}名", m.year),
            None => format!("{}年 参赛", m.year),
        }),
    ));
    rows.push(row(
        "股权融资（实缴）",
        list(&p.financing, |f| {
            format!(
                "{} {}万元{}",
                date_cn(f.date),
                wan(f.amount),
                if f.qualified_investor {
                    "（合格机构投资者）"
                } else {
                    ""
                }
            )
        }),
    ));
    match &p.market {
        None => rows.push(row("细分市场", NOT_FILLED)),
        Some(m) => {
            rows.push(row(
                "从事该细分市场起始时间",
                m.since.map(date_cn).unwrap_or_else(|| NOT_FILLED.into()),
            ));
            rows.push(row(
                "主导产品全国细分市场占有率",
                m.national_share_pct
                    .map(pct)
                    .unwrap_or_else(|| NOT_FILLED.into()),
            ));
            rows.push(row(
                "主导产品国际细分市场占有率",
                m.international_share_pct
                    .map(pct)
                    .unwrap_or_else(|| NOT_FILLED.into()),
            ));
        }
    }
    match &p.quality {
        None => rows.push(row("质量管理", NOT_FILLED)),
        Some(q) => {
            rows.push(row(
                "获得省级以上质量奖",
                yes_no(q.provincial_quality_award),
            ));
            rows.push(row(
                "通过质量管理体系认证",
                yes_no(q.quality_system_certified),
            ));
            rows.push(row("拥有自主品牌", yes_no(q.own_brand)));
            rows.push(row("参与制修订标准", yes_no(q.standards_drafting)));
        }
    }
    match &p.rd_institution {
        None => rows.push(row("研发机构", NOT_FILLED)),
        Some(r) => {
            rows.push(row("研发机构级别", rd_level_cn(r.level)));
            rows.push(row("与高校、科研机构联合建立", yes_no(r.joint)));
        }
    }
    match &p.product_fields {
        None => rows.push(row("主导产品所属领域", NOT_FILLED)),
        Some(f) => {
            let picked: Vec<&str> = [
                (f.strategic_emerging, "属于《战略性新兴产业分类》"),
                (
                    f.chain_key_point,
                    "在产业链供应链关键环节“补短板、锻长板、填空白”取得实际成效",
                ),
                (f.six_foundations, "属于工业“六基”（“四基”）领域"),
                (f.serves_chain_leader, "为重点产业链龙头企业配套"),
                (
                    f.manufacturing_power_field,
                    "属于制造强国战略十大重点产业领域",
                ),
                (f.network_power_field, "属于网络强国、信息基础设施建设领域"),
            ]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, label)| label)
            .collect();
            rows.push(row(
                "主导产品所属领域",
                if picked.is_empty() {
                    "无".to_owned()
                } else {
                    picked.join("；")
                },
            ));
        }
    }
    match &p.operations {
        None => rows.push(row("精细化管理", NOT_FILLED)),
        Some(o) => {
            rows.push(row(
                "信息系统支撑的核心业务环节（个）",
                o.core_processes_on_info_systems.to_string(),
            ));
            rows.push(row(
                "获得管理体系认证或发达国家（地区）产品认证",
                yes_no(o.management_or_foreign_certification),
            ));
        }
    }
    let defs = p
        .region
        .map(|r| rules.local_indicators.for_province(r.province_prefix()))
        .unwrap_or(&rules.local_indicators.default);
    rows.push(row(
        "地方特色指标（自评）",
        list(&p.local_indicators, |c| {
            let name = defs
                .iter()
                .find(|d| d.id == c.id)
                .map_or(c.id.as_str(), |d| d.name.as_str());
            format!("{name}：{}分", c.points)
        }),
    ));
    Section {
        title: "创新能力与专业化情况".into(),
        blocks: vec![Block::Fields(rows)],
    }
}

/// A form value for people, by the field's kind.
fn form_value(kind: FieldKind, options: &[tiers::ChoiceOption], v: Option<&Value>) -> String {
    let Some(v) = v.filter(|v| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty()))
    else {
        return NOT_FILLED.into();
    };
    match (kind, v) {
        (FieldKind::Bool, Value::Bool(b)) => yes_no(*b).into(),
        (FieldKind::Number, Value::Number(n)) => n.as_f64().map(number).unwrap_or_default(),
        (FieldKind::Date, Value::String(s)) => {
            iso_date::parse(s).map_or_else(|| s.clone(), date_cn)
        }
        (FieldKind::Choice, Value::String(s)) => options
            .iter()
            .find(|o| o.value == *s)
            .map_or_else(|| s.clone(), |o| o.label.clone()),
        (_, Value::String(s)) => s.trim().to_owned(),
        (_, Value::Bool(b)) => yes_no(*b).into(),
        (_, other) => other.to_string(),
    }
}

fn form_section(spec: &FormSpec, form: Option<&Map<String, Value>>) -> Section {
    let rows = spec
        .fields
        .iter()
        .map(|f| {
            row(
                f.label.clone(),
                form_value(f.kind, &f.options, form.and_then(|m| m.get(&f.id))),
            )
        })
        .collect();
    Section {
        title: "申报表".into(),
        blocks: vec![Block::Fields(rows)],
    }
}

fn digital_section(digital: Option<&Value>) -> Section {
    let rows = match digital.filter(|d| !d.is_null()) {
        None => vec![row("数字化水平自评测", "未进行")],
        Some(d) => {
            let mut rows = vec![row(
                "自评测等级",
                d.get("level")
                    .and_then(Value::as_u64)
                    .map(level_cn)
                    .unwrap_or_else(|| NOT_FILLED.into()),
            )];
            if let Some(score) = d.get("score").and_then(Value::as_f64) {
                rows.push(row("自评测得分", format!("{}分", number(score))));
            }
            if let Some(id) = d.get("assessment_id").and_then(Value::as_str) {
                rows.push(row("自评测编号", id));
            }
            rows
        }
    };
    Section {
        title: "数字化水平".into(),
        blocks: vec![Block::Fields(rows)],
    }
}

fn assessment_section(summary: Option<&Value>, rules: &RuleSet) -> Section {
    let eligible = summary
        .and_then(|s| s.get("eligible"))
        .and_then(Value::as_bool);
    let score = summary.and_then(|s| s.get("score")).and_then(Value::as_f64);
    Section {
        title: "评价结果（系统测算，以审核部门认定为准）".into(),
        blocks: vec![Block::Fields(vec![
            row(
                "是否符合申报条件",
                eligible.map_or(NOT_FILLED, yes_no).to_owned(),
            ),
            row(
                "评价得分",
                score.map_or_else(|| "不计分".to_owned(), |s| format!("{}分", number(s))),
            ),
            row(
                "适用标准",
                format!("{}（{}，{}版）", rules.title, rules.document, rules.version),
            ),
        ])],
    }
}

fn evidence_section(spec: &FormSpec, evidence: Option<&Value>) -> Section {
    let mut files: Vec<&Value> = evidence
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let position = |f: &Value| {
        let slot = f.get("slot").and_then(Value::as_str).unwrap_or_default();
        spec.evidence
            .iter()
            .position(|s| s.id == slot)
            .unwrap_or(usize::MAX)
    };
    files.sort_by_key(|f| position(f));
    let rows: Vec<Vec<String>> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let slot = f.get("slot").and_then(Value::as_str).unwrap_or_default();
            let text = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("—").to_owned();
            vec![
                (i + 1).to_string(),
                spec.slot(slot)
                    .map_or_else(|| slot.to_owned(), |s| s.label.clone()),
                text("file_name"),
                f.get("size")
                    .and_then(Value::as_u64)
                    .map_or_else(|| "—".to_owned(), file_size),
                text("sha256"),
            ]
        })
        .collect();
    let blocks = if rows.is_empty() {
        vec![Block::Note("未上传证明材料".into())]
    } else {
        vec![Block::Grid {
            name: "evidence",
            head: ["序号", "材料类别", "文件名", "大小", "SHA-256"]
                .map(String::from)
                .to_vec(),
            widths: vec![0.62, 2.2, 1.9, 0.85, 2.6],
            rows,
        }]
    };
    Section {
        title: "证明材料".into(),
        blocks,
    }
}

/// Chinese ordinal for section numbers: 一 … 十.
fn ordinal(n: usize) -> &'static str {
    ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        .get(n)
        .copied()
        .unwrap_or("")
}

/// The rule set a snapshot was frozen under (the one in force on its submission date if the version is unknown).
pub fn rule_set_of(snapshot: &Snapshot) -> &'static RuleSet {
    tiers::rule_set(&snapshot.rule_version).unwrap_or_else(|| {
        tiers::rule_set_for(crate::domain::calendar::china_date(snapshot.submitted_at))
    })
}

/// The document of a submitted declaration (`snapshot` is its latest).
pub fn build(
    d: &Declaration,
    snapshot: &Snapshot,
    verify_url: String,
    signature: String,
) -> Document {
    let c = &snapshot.content;
    let rules = rule_set_of(snapshot);
    let spec = tiers::form_for(rules, d.tier);
    let raw_profile = c.get("profile").cloned().unwrap_or(Value::Null);
    let profile: EnterpriseProfile =
        serde_json::from_value(raw_profile.clone()).unwrap_or_else(|_| EnterpriseProfile {
            name: d.enterprise_name.clone(),
            uscc: d.uscc.to_string(),
            ..EnterpriseProfile::default()
        });
    let mut sections = vec![
        basic_information(&profile, &raw_profile),
        financials(&profile.financials),
        capabilities(&profile, rules),
        form_section(spec, c.get("form").and_then(Value::as_object)),
    ];
    if tiers::needs_digital_level(rules, d.tier) || c.get("digital").is_some_and(|v| !v.is_null()) {
        sections.push(digital_section(c.get("digital")));
    }
    sections.push(assessment_section(c.get("assessment_summary"), rules));
    sections.push(evidence_section(spec, c.get("evidence")));
    for (i, s) in sections.iter_mut().enumerate() {
        s.title = format!("{}、{}", ordinal(i), s.title);
    }
    let doc = match d.kind {
        Kind::Declaration => "申请书",
        Kind::ReReview => "复核申请书",
    };
    Document {
        title: format!("{}{doc}", d.tier.label()),
        declaration_id: d.id.clone(),
        enterprise_name: d.enterprise_name.clone(),
        uscc: d.uscc.to_string(),
        meta: vec![
            row("申报单位", d.enterprise_name.clone()),
            row("统一社会信用代码", d.uscc.to_string()),
            row("申报年度", format!("{}年", d.year)),
            row("申报编号", d.id.clone()),
            row("提交时间", time_cn(snapshot.submitted_at)),
        ],
        sections,
        commitment: "本单位承诺：所填报信息及所附材料真实、准确、完整，如有虚假，愿承担相应责任。"
            .into(),
        digest: snapshot.sha256.clone(),
        verify_url,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn money_is_shown_in_wan_with_two_decimals_rounded_half_away_from_zero() {
        assert_eq!(wan(Money::from_yuan(30_000_000)), "3000.00");
        assert_eq!(wan(Money::from_fen(150_000_050)), "150.00");
        assert_eq!(wan(Money::from_yuan(1_234_567)), "123.46");
        assert_eq!(wan(Money::from_yuan(-2_005)), "-0.20");
        assert_eq!(wan(Money::from_yuan(-20)), "0.00");
        assert_eq!(wan(Money::ZERO), "0.00");
    }

    #[test]
    fn dates_and_times_are_written_the_chinese_way_in_china_time() {
        assert_eq!(date_cn(date!(2026 - 05 - 10)), "2026年5月10日");
        assert_eq!(
            time_cn(datetime!(2026-04-30 16:30 UTC)),
            "2026年5月1日 00:30（北京时间）"
        );
        assert_eq!(pct(12.5), "12.5%");
        assert_eq!(pct(10.0), "10%");
        assert_eq!(file_size(512), "512 字节");
        assert_eq!(file_size(2048), "2 KB");
        assert_eq!(file_size(3 * 1024 * 1024), "3.0 MB");
    }

    #[test]
    fn form_values_follow_their_kind() {
        let options = vec![tiers::ChoiceOption {
            value: "chain_gap".into(),
            label: "补链强链产品".into(),
        }];
        let f = |kind, v: Value| form_value(kind, &options, Some(&v));
        assert_eq!(f(FieldKind::Bool, Value::Bool(true)), "是");
        assert_eq!(f(FieldKind::Choice, "chain_gap".into()), "补链强链产品");
        assert_eq!(f(FieldKind::Date, "2025-01-01".into()), "2025年1月1日");
        assert_eq!(f(FieldKind::Number, serde_json::json!(3.0)), "3");
        assert_eq!(f(FieldKind::Text, " 张三 ".into()), "张三");
        assert_eq!(form_value(FieldKind::Text, &[], None), NOT_FILLED);
    }
}
