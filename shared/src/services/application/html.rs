//! The application document as a print-ready HTML page (A4 print styles). Every text is escaped; the page has
//! no script; its one style sheet is a constant whose hash [`STYLE_CSP`] names, so it can be served under a
//! `style-src` without `'unsafe-inline'`. The QR code is inline SVG.

use std::fmt::Write as _;
use std::sync::LazyLock;

use base64::Engine as _;
use sha2::Digest as _;

use super::model::{Block, Document};

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

const STYLE: &str = r#"
@page { size: A4; margin: 16mm 16mm 18mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 11pt; color: #000; max-width: 190mm; margin: 0 auto; line-height: 1.5; }
h1 { text-align: center; font-size: 20pt; margin: 4mm 0 3mm; letter-spacing: 1pt; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-left: 3pt solid #000; padding-left: 2mm; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0; }
th, td { border: 0.75pt solid #444; padding: 1.2mm 2mm; text-align: left; vertical-align: top; white-space: pre-wrap; }
table.fields th { width: 32%; background: #f2f2f2; font-weight: normal; }
table.grid th { background: #f2f2f2; font-weight: normal; text-align: center; }
table.grid td.num { text-align: right; }
table.evidence { table-layout: fixed; }
table.evidence th:nth-child(1) { width: 8%; }
table.evidence th:nth-child(2) { width: 27%; }
table.evidence th:nth-child(3) { width: 20%; }
table.evidence th:nth-child(4) { width: 11%; }
table.evidence td.hash { font-size: 7.5pt; }
.meta { margin: 0 auto 2mm; width: auto; }
.meta th, .meta td { border: none; padding: 0.3mm 2mm; }
.meta th { text-align: right; font-weight: normal; width: 40%; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; word-break: break-all; }
.commitment { margin-top: 8mm; }
.signatures { display: flex; justify-content: space-between; margin: 10mm 0 6mm; page-break-inside: avoid; }
.signatures div { width: 32%; }
.signatures .line { display: block; border-bottom: 0.75pt solid #000; height: 36mm; }
.signatures .date { display: block; text-align: right; }
.proof { display: flex; gap: 5mm; align-items: flex-start; border-top: 0.75pt solid #000; padding-top: 3mm; font-size: 9pt; page-break-inside: avoid; }
.proof svg { width: 32mm; height: 32mm; flex: none; }
.proof p { margin: 0 0 1.5mm; }
"#;

/// The `style-src` source that allows exactly [`STYLE`].
pub static STYLE_CSP: LazyLock<String> = LazyLock::new(|| {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(STYLE.as_bytes()))
    )
});

/// The `Content-Security-Policy` the page is served with.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src {}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        *STYLE_CSP
    )
}

/// The QR code of `url` as an inline SVG element.
pub fn qr_svg(url: &str) -> String {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M) else {
        return String::new();
    };
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg").unwrap_or(0);
    svg[start..].replacen("<svg ", "<svg role=\"img\" aria-label=\"核验二维码\" ", 1)
}

fn looks_numeric(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == ',')
}

fn block(b: &Block, out: &mut String) {
    match b {
        Block::Fields(rows) => {
            out.push_str("<table class=\"fields\">");
            for r in rows {
                let _ = write!(
                    out,
                    "<tr><th>{}</th><td>{}</td></tr>",
                    escape(&r.label),
                    escape(&r.value)
                );
            }
            out.push_str("</table>\n");
        }
        Block::Grid {
            name, head, rows, ..
        } => {
            let _ = write!(out, "<table class=\"grid {name}\"><thead><tr>");
            for h in head {
                let _ = write!(out, "<th>{}</th>", escape(h));
            }
            out.push_str("</tr></thead><tbody>");
            for r in rows {
                out.push_str("<tr>");
                for (i, cell) in r.iter().enumerate() {
                    let class = if head.get(i).is_some_and(|h| h == "SHA-256") {
                        " class=\"hash\""
                    } else if i > 0 && looks_numeric(cell) {
                        " class=\"num\""
                    } else {
                        ""
                    };
                    let _ = write!(out, "<td{class}>{}</td>", escape(cell));
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table>\n");
        }
        Block::Note(text) => {
            let _ = writeln!(out, "<p>{}</p>", escape(text));
        }
    }
}

/// The page.
pub fn render(doc: &Document) -> String {
    let mut body = String::new();
    for s in &doc.sections {
        let _ = writeln!(body, "<h2>{}</h2>", escape(&s.title));
        for b in &s.blocks {
            block(b, &mut body);
        }
    }
    let mut meta = String::from("<table class=\"meta\">");
    for r in &doc.meta {
        let _ = write!(
            meta,
            "<tr><th>{}：</th><td>{}</td></tr>",
            escape(&r.label),
            escape(&r.value)
        );
    }
    meta.push_str("</table>");
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title} — {name}</title>
<style>{style}</style>
</head>
<body>
<h1>{title}</h1>
{meta}
{body}
<p class="commitment">{commitment}</p>
<div class="signatures">
<div>法定代表人签字：<span class="line"></span></div>
<div>企业盖章：<span class="line"></span></div>
<div>日期：<span class="line"></span><span class="date">年　　月　　日</span></div>
</div>
<div class="proof">
{qr}
<div>
<p>本申请书由平台根据提交时冻结的申报内容生成。扫描二维码或访问下列地址，可核验本申请书与平台记录是否一致。</p>
<p>快照校验值（SHA-256）：<span class="hash">{digest}</span></p>
<p>核验地址：<span class="hash">{url}</span></p>
<p>平台签名（Ed25519）：<span class="hash">{signature}</span></p>
</div>
</div>
</body>
</html>
"#,
        title = escape(&doc.title),
        name = escape(&doc.enterprise_name),
        style = STYLE,
        meta = meta,
        body = body,
        commitment = escape(&doc.commitment),
        qr = qr_svg(&doc.verify_url),
        digest = escape(&doc.digest),
        url = escape(&doc.verify_url),
        signature = escape(&doc.signature),
    )
}
