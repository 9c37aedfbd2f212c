//! The application document (申请书): the submitted snapshot as a print-ready Chinese HTML page carrying the
//! snapshot's SHA-256, so a paper copy can be matched to the record. Pure rendering, no I/O.

use serde_json::Value;

use crate::domain::calendar::in_china;
use crate::domain::declaration::Declaration;
use crate::error::{AppError, AppResult, ErrorCode};

/// Escape text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Chinese labels for the keys the snapshot uses; unknown keys are shown as they are.
fn label(key: &str) -> &str {
    match key {
        "name" => "企业名称",
        "uscc" => "统一社会信用代码",
        "region" => "注册地行政区划代码",
        "region_name" => "注册地",
        "address" => "地址",
        "industry" => "所属行业代码",
        "industry_path" => "所属行业",
        "niche_field" => "具体细分领域",
        "main_products" => "主导产品",
        "established_on" => "成立日期",
        "employees" => "从业人员（人）",
        "financials" => "主要经济指标",
        "year" => "年度",
        "operating_revenue" => "营业收入（元）",
        "main_business_revenue" => "主营业务收入（元）",
        "rd_expense" => "研发费用（元）",
        "net_profit" => "净利润（元）",
        "total_assets" => "资产总额（元）",
        "total_liabilities" => "负债总额（元）",
        "rd_staff" => "研发人员（人）",
        "size_class" => "企业规模",
        "score" => "得分",
        "eligible" => "是否符合条件",
        "rule_version" => "适用标准版本",
        "digital_level" => "数字化水平等级",
        "slot" => "材料类别",
        "file_name" => "文件名",
        "sha256" => "SHA-256",
        "size" => "大小（字节）",
        _ => key,
    }
}

fn render_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push('—'),
        Value::Bool(b) => out.push_str(if *b { "是" } else { "否" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(&escape(s)),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| {
                    let mut s = String::new();
                    render_value(i, &mut s);
                    s
                })
                .collect();
            out.push_str(&parts.join("、"));
        }
        Value::Array(items) => {
            for item in items {
                render_value(item, out);
            }
        }
        Value::Object(map) => {
            out.push_str("<table>");
            for (k, v) in map {
                out.push_str("<tr><th>");
                out.push_str(&escape(label(k)));
                out.push_str("</th><td>");
                render_value(v, out);
                out.push_str("</td></tr>");
            }
            out.push_str("</table>");
        }
    }
}

fn section(title: &str, v: Option<&Value>, out: &mut String) {
    if let Some(v) = v.filter(|v| !v.is_null()) {
        out.push_str("<h2>");
        out.push_str(&escape(title));
        out.push_str("</h2>");
        render_value(v, out);
    }
}

/// The document of a submitted declaration; 409 `INVALID_STATE` before its first submission.
pub fn render(d: &Declaration) -> AppResult<String> {
    let Some(snapshot) = &d.snapshot else {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            "申报尚未提交，暂无申请书",
        ));
    };
    let c = &snapshot.content;
    let submitted = in_china(snapshot.submitted_at)
        .format(time::macros::format_description!(
            "[year]年[month]月[day]日 [hour]:[minute]"
        ))
        .unwrap_or_default();
    let mut body = String::new();
    section("一、企业基本信息", c.get("profile"), &mut body);
    section("二、申报表", c.get("form"), &mut body);
    section(
        "三、评价结果（系统测算）",
        c.get("assessment_summary"),
        &mut body,
    );
    section("四、数字化水平", c.get("digital"), &mut body);
    section("五、证明材料", c.get("evidence"), &mut body);
    Ok(format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{tier}{doc} — {name}</title>
<style>
  @page {{ size: A4; margin: 18mm 16mm; }}
  body {{ font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 12pt; color: #000; }}
  h1 {{ text-align: center; font-size: 20pt; margin-bottom: 4mm; }}
  h2 {{ font-size: 14pt; border-bottom: 1px solid #000; margin-top: 8mm; }}
  table {{ border-collapse: collapse; width: 100%; margin: 2mm 0; page-break-inside: auto; }}
  th, td {{ border: 1px solid #444; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }}
  th {{ width: 28%; background: #f2f2f2; font-weight: normal; }}
  .meta {{ text-align: center; font-size: 10.5pt; }}
  .digest {{ font-family: monospace; font-size: 9pt; word-break: break-all; }}
  footer {{ margin-top: 10mm; font-size: 10pt; }}
</style>
</head>
<body>
<h1>{tier}{doc}</h1>
<p class="meta">申报单位：{name}（统一社会信用代码 {uscc}）<br>申报年度：{year} · 申报编号：{id} · 提交时间（北京时间）：{submitted} · 适用标准：{rule}</p>
{body}
<footer>
<p>申报单位承诺：所填报信息及提交的材料真实、准确、完整，如有虚假，愿承担相应责任。</p>
<p>申报单位（盖章）：　　　　　　　　法定代表人（签字）：　　　　　　　　日期：</p>
<p>快照校验值（SHA-256）：<span class="digest">{sha}</span></p>
</footer>
</body>
</html>
"#,
        tier = escape(d.tier.label()),
        doc = match d.kind {
            crate::domain::declaration::Kind::Declaration => "申请书",
            crate::domain::declaration::Kind::ReReview => "复核申请书",
        },
        name = escape(&d.enterprise_name),
        uscc = escape(&d.uscc),
        year = d.year,
        id = escape(&d.id),
        submitted = submitted,
        rule = escape(&snapshot.rule_version),
        body = body,
        sha = escape(&snapshot.sha256),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::declaration::Snapshot;
    use crate::domain::tier::Tier;
    use crate::rules::region::RegionCode;
    use serde_json::json;
    use time::macros::datetime;

    #[test]
    fn the_document_carries_the_snapshot_digest_and_escapes_what_people_typed() {
        let mut d = Declaration::new_draft(
            "01D".into(),
            "91350100M000100Y43".into(),
            "<script>测试</script>有限公司".into(),
            "A".into(),
            Tier::Specialized,
            2026,
            RegionCode::parse("330106").unwrap(),
            datetime!(2026-05-01 02:00 UTC),
        );
        assert_eq!(render(&d).unwrap_err().code, ErrorCode::InvalidState);
        let content = json!({"profile": {"name": "x", "main_products": ["阀门", "泵"]}, "form": {"a": "<b>"}});
        d.snapshot = Some(Snapshot::freeze(
            datetime!(2026-05-01 02:00 UTC),
            "2026",
            content,
        ));
        let html = render(&d).unwrap();
        assert!(html.contains(&d.snapshot.as_ref().unwrap().sha256));
        assert!(html.contains("专精特新中小企业申请书"));
        assert!(html.contains("2026年05月01日 10:00"));
        assert!(html.contains("阀门、泵"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;b&gt;"));
    }
}
