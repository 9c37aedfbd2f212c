//! HTTP scenario tests of the application document (申请书, issue 13): the HTML and the PDF say every field under
//! its Chinese label with values for people, the PDF is A4 with an embedded font subset (checked with poppler's
//! `pdftotext`, `pdffonts`, `pdfinfo` and `pdftoppm`, which `scripts/test-all` installs), its QR code decodes to
//! the public verification address, the verification answers 一致 / 不一致 without leaking anything else, and the
//! platform's signature verifies with the published key.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::fixtures::*;
use crate::support::*;
use base64::Engine as _;
use serde_json::{Value, json};

const YEAR: i32 = 2026;
const DURING: &str = "2026-04-20T10:00:00+08:00";
const NAME: &str = "杭州精工航空紧固件有限公司";

/// Raw keys and enumeration values of the snapshot that must never be printed.
const RAW_KEYS: &[&str] = &[
    "main_product_intro",
    "niche_market_description",
    "contact_person",
    "contact_phone",
    "authenticity_commitment",
    "class1_applied",
    "class1_high_value",
    "rd_institution",
    "operating_revenue",
    "main_business_revenue",
    "high_tech_enterprise",
    "provincial",
    "business_licence",
    "financial_audit",
    "strategic_emerging",
    "qualified_investor",
    "true",
    "false",
];

struct Submitted {
    token: String,
    id: String,
    sha: String,
}

/// A verified enterprise with the fixture profile and a self-assessment, holding the innovative title, that
/// submitted a 专精特新 declaration for 2026 in the Zhejiang window.
async fn submitted(tp: &TestPlatform) -> Submitted {
    tp.clock.freeze(
        time::OffsetDateTime::parse(DURING, &time::format_description::well_known::Rfc3339)
            .unwrap(),
    );
    tp.open_window(
        "specialized",
        YEAR,
        Some("330000"),
        "2026-04-10T00:00:00+08:00",
        "2026-05-01T00:00:00+08:00",
    )
    .await;
    let firm = tp
        .firm(
            "appdoc1",
            &uscc(41, "330106"),
            NAME,
            &profile("330106", &LAST_THREE_YEARS),
            Some(Pick::Best),
        )
        .await;
    tp.grant(&firm.uscc, "innovative", "2025-12-01").await;
    let (id, body) = tp
        .submit_ready_declaration(&firm.token, "specialized", YEAR)
        .await;
    Submitted {
        token: firm.token,
        id,
        sha: body["snapshot"]["sha256"].as_str().unwrap().to_owned(),
    }
}

async fn get_bytes(tp: &TestPlatform, path: &str, token: &str, accept: &str) -> (String, Vec<u8>) {
    let res = tp
        .http
        .get(format!("{}{path}", tp.base))
        .bearer_auth(token)
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    (ct, res.bytes().await.unwrap().to_vec())
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} (poppler-utils; scripts/test-all installs it): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sme-appdoc-{name}-{}-{}",
        std::process::id(),
        ulid::Ulid::new()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every QR code found in a PNG, decoded.
fn qr_codes(png: &Path) -> Vec<String> {
    let img = image::open(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, content)| content))
        .collect()
}

fn assert_says_everything(text: &str, sub: &Submitted, what: &str) {
    // Squeeze out the line breaks and spaces the layout adds inside long values.
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for expected in [
        "专精特新中小企业申请书",
        NAME,
        "统一社会信用代码",
        "一、企业基本信息",
        "浙江省",
        "2015年3月1日",
        "主导产品",
        "钛合金紧固件",
        "主要经济指标",
        "营业收入（万元）",
        "3000.00",
        "2700.00",
        "150.00",
        "Ⅰ类高价值知识产权（项）",
        "高新技术企业（有效期至2027年12月31日）",
        "2024年省级（省部级），排名第2",
        "2025年6月1日500.00万元（合格机构投资者）",
        "12.5%",
        "研发机构级别省级",
        "拥有自主品牌是",
        "参与制修订标准否",
        "申报表",
        "主导产品及技术简介",
        "本企业专注航空紧固件研发制造",
        "联系人",
        "本企业承诺所填信息及所附材料真实、准确、完整是",
        "数字化水平",
        "自评测等级",
        "评价结果",
        "证明材料",
        "营业执照",
        "材料.pdf",
        "法定代表人签字",
        "企业盖章",
        "日期",
        "快照校验值（SHA-256）",
        "2026年4月20日10:00（北京时间）",
    ] {
        assert!(
            flat.contains(expected),
            "{what} lacks {expected:?}:\n{text}"
        );
    }
    assert!(flat.contains(&sub.sha), "{what} lacks the digest");
    let evidence_sha = sha256_hex(&pdf_bytes());
    assert!(
        flat.contains(&evidence_sha),
        "{what} lacks the evidence file's SHA-256"
    );
    for key in RAW_KEYS {
        assert!(!flat.contains(key), "{what} prints the raw key {key:?}");
    }
}

#[tokio::test]
async fn the_html_application_labels_every_field_in_chinese_and_formats_values_for_people() {
    let tp = start(Backend::Local).await;
    let sub = submitted(&tp).await;
    let doc = tp
        .call(
            "GET",
            &format!("/v1/declarations/{}/application", sub.id),
            Some(&sub.token),
            None,
        )
        .await
        .expect(200);
    assert!(
        doc.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = doc.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"));
    assert!(!doc.text.contains("<script"));
    assert!(doc.text.contains("<svg"), "the QR code is inline SVG");
    assert_eq!(doc.headers["x-snapshot-sha256"], sub.sha.as_str());
    if let Ok(out) = std::env::var("SME_APPLICATION_HTML_OUT") {
        std::fs::write(out, &doc.text).unwrap();
    }
    // The visible text: tags dropped.
    let mut text = String::new();
    let mut in_tag = false;
    let body = &doc.text[doc.text.find("<body>").unwrap()..];
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.replace("&amp;", "&");
    assert_says_everything(&text, &sub, "the HTML");
    // ?format=html and an explicit Accept give the same page; an unknown format is a 422 problem.
    for (path, accept) in [
        (
            format!("/v1/declarations/{}/application?format=html", sub.id),
            "application/pdf",
        ),
        (
            format!("/v1/declarations/{}/application", sub.id),
            "text/html,application/pdf;q=0.5",
        ),
    ] {
        let (ct, _) = get_bytes(&tp, &path, &sub.token, accept).await;
        assert!(ct.starts_with("text/html"), "{path} {accept}: {ct}");
    }
    tp.call(
        "GET",
        &format!("/v1/declarations/{}/application?format=docx", sub.id),
        Some(&sub.token),
        None,
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
}

#[tokio::test]
async fn the_pdf_application_is_a4_with_an_embedded_font_subset_and_a_qr_code_to_its_verification()
{
    let tp = start(Backend::Local).await;
    let sub = submitted(&tp).await;
    let path = format!("/v1/declarations/{}/application", sub.id);
    let (ct, pdf) = get_bytes(&tp, &path, &sub.token, "application/pdf").await;
    assert_eq!(ct, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let (ct2, pdf2) = get_bytes(&tp, &format!("{path}?format=pdf"), &sub.token, "*/*").await;
    assert_eq!(ct2, "application/pdf");
    assert_eq!(pdf2.len(), pdf.len(), "the same document either way");

    let dir = scratch("pdf");
    let file = dir.join("application.pdf");
    std::fs::write(&file, &pdf).unwrap();
    if let Ok(out) = std::env::var("SME_APPLICATION_PDF_OUT") {
        std::fs::write(out, &pdf).unwrap();
    }
    let f = file.to_str().unwrap();

    let info = tool("pdfinfo", &[f]);
    assert!(info.contains("(A4)"), "{info}");
    let fonts = tool("pdffonts", &[f]);
    let font_lines: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!font_lines.is_empty(), "{fonts}");
    for line in &font_lines {
        // name … emb sub uni
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "embedded, subset, with a ToUnicode map: {line}"
        );
        assert!(line.contains("NotoSansCJK"), "{line}");
    }

    let text = tool("pdftotext", &["-enc", "UTF-8", f, "-"]);
    assert_says_everything(&text, &sub, "the PDF");
    assert!(text.contains(&sub.id), "the footer names the declaration");

    // The QR code (on the last page, beside the digest) decodes to the public verification page, and the API it
    // asks answers 一致 without a token.
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    let last = pages.to_string();
    let prefix = dir.join("page");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "200",
            "-f",
            &last,
            "-l",
            &last,
            "-singlefile",
            f,
            prefix.to_str().unwrap(),
        ],
    );
    let codes = qr_codes(&dir.join("page.png"));
    let expected = format!("{}/check?id={}&digest={}", tp.base, sub.id, sub.sha);
    assert_eq!(codes, vec![expected], "the QR code");
    let verified = tp
        .call(
            "GET",
            &format!("/v1/public/verify/{}?digest={}", sub.id, sub.sha),
            None,
            None,
        )
        .await
        .expect(200);
    assert_eq!(verified.body["result"], "一致");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn verification_answers_consistent_for_the_printed_digest_and_inconsistent_for_anything_else()
{
    let tp = start(Backend::Local).await;
    let sub = submitted(&tp).await;
    let ok = tp
        .call(
            "GET",
            &format!("/v1/public/verify/{}?digest={}", sub.id, sub.sha),
            None,
            None,
        )
        .await
        .expect(200);
    assert_eq!(ok.body["result"], "一致");
    assert_eq!(ok.body["matches"], true);
    assert_eq!(ok.body["enterprise_name"], NAME);
    assert_eq!(ok.body["tier"], "specialized");
    assert_eq!(ok.body["tier_label"], "专精特新中小企业");
    assert_eq!(ok.body["year"], YEAR);
    assert_eq!(ok.body["submitted_at"], "2026-04-20T02:00:00Z");
    assert_eq!(ok.body["status"], "submitted");
    assert_eq!(ok.body["status_label"], "未审核");
    assert_eq!(ok.body["digest"], sub.sha.as_str());
    let keys: Vec<&String> = ok.body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        vec![
            "declaration_id",
            "digest",
            "enterprise_name",
            "matches",
            "result",
            "signature",
            "status",
            "status_label",
            "submitted_at",
            "tier",
            "tier_label",
            "year"
        ],
        "nothing else of the content"
    );
    // Upper case and blanks around it are the same digest.
    let upper = tp
        .call(
            "GET",
            &format!(
                "/v1/public/verify/{}?digest=%20{}%20",
                sub.id,
                sub.sha.to_uppercase()
            ),
            None,
            None,
        )
        .await
        .expect(200);
    assert_eq!(upper.body["result"], "一致");

    // One altered digit, someone else's digest, garbage, nothing, unknown and malformed ids: 200 不一致, with
    // nothing about the declaration (not even whether it exists).
    let mut altered = sub.sha.clone().into_bytes();
    altered[10] = if altered[10] == b'0' { b'1' } else { b'0' };
    let altered = String::from_utf8(altered).unwrap();
    let unknown = ulid::Ulid::new().to_string();
    for path in [
        format!("/v1/public/verify/{}?digest={altered}", sub.id),
        format!("/v1/public/verify/{}?digest={}", sub.id, "0".repeat(64)),
        format!("/v1/public/verify/{}?digest=xyz", sub.id),
        format!("/v1/public/verify/{}?digest=%FF%FE", sub.id),
        format!("/v1/public/verify/{}", sub.id),
        format!("/v1/public/verify/{}?digest=a&digest=b", sub.id),
        format!("/v1/public/verify/{unknown}?digest={}", sub.sha),
        format!("/v1/public/verify/%E4%B8%AD%FF?digest={}", sub.sha),
        format!("/v1/public/verify/{}?digest={}", "A".repeat(300), sub.sha),
        format!("/v1/public/verify/{}%00?digest={}", sub.id, sub.sha),
    ] {
        let a = tp.call("GET", &path, None, None).await.expect(200);
        assert_eq!(a.body["result"], "不一致", "{path}: {}", a.text);
        assert_eq!(a.body["matches"], false);
        for leaked in [
            "enterprise_name",
            "tier",
            "year",
            "status",
            "submitted_at",
            "signature",
            "digest",
        ] {
            assert!(a.body.get(leaked).is_none(), "{path} leaks {leaked}");
        }
        assert!(!a.text.contains(NAME));
    }
    // The unknown id and the altered digest of a real one answer the same shape.
    let a = tp
        .call(
            "GET",
            &format!("/v1/public/verify/{unknown}?digest={altered}"),
            None,
            None,
        )
        .await;
    let b = tp
        .call(
            "GET",
            &format!("/v1/public/verify/{}?digest={altered}", sub.id),
            None,
            None,
        )
        .await;
    let shape = |v: &Value| {
        let mut v = v.clone();
        v["declaration_id"] = json!(null);
        v
    };
    assert_eq!(shape(&a.body), shape(&b.body));

    // A resubmission makes the old paper 不一致 and the new one 一致.
    tp.call(
        "POST",
        &format!("/v1/declarations/{}/withdraw", sub.id),
        Some(&sub.token),
        Some(json!({"mode": "modify"})),
    )
    .await
    .expect(200);
    let draft = tp
        .call(
            "GET",
            &format!("/v1/declarations/{}", sub.id),
            Some(&sub.token),
            None,
        )
        .await
        .expect(200);
    let mut form = draft.body["form"].clone();
    form["contact_person"] = json!("李四");
    tp.call_with(
        "PUT",
        &format!("/v1/declarations/{}", sub.id),
        Some(&sub.token),
        Some(json!({"form": form})),
        &[("if-match", draft.body["version"].to_string())],
    )
    .await
    .expect(200);
    let again = tp.submit_declaration(&sub.token, &sub.id).await.expect(200);
    let new_sha = again.body["snapshot"]["sha256"].as_str().unwrap();
    assert_ne!(new_sha, sub.sha);
    let old = tp
        .call(
            "GET",
            &format!("/v1/public/verify/{}?digest={}", sub.id, sub.sha),
            None,
            None,
        )
        .await
        .expect(200);
    assert_eq!(old.body["result"], "不一致");
    let new = tp
        .call(
            "GET",
            &format!("/v1/public/verify/{}?digest={new_sha}", sub.id),
            None,
            None,
        )
        .await
        .expect(200);
    assert_eq!(new.body["result"], "一致");
}

#[tokio::test]
async fn the_platform_signature_of_the_digest_verifies_offline_with_the_published_key() {
    use ed25519_dalek::pkcs8::DecodePublicKey;
    use ed25519_dalek::{Signature, Verifier, VerifyingKey};

    let tp = start(Backend::Local).await;
    let sub = submitted(&tp).await;
    let key = tp
        .call("GET", "/v1/public/verify-key", None, None)
        .await
        .expect(200);
    assert_eq!(key.body["algorithm"], "Ed25519");
    let public =
        VerifyingKey::from_public_key_pem(key.body["public_key_pem"].as_str().unwrap()).unwrap();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(key.body["public_key_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(raw, public.to_bytes());

    let ok = tp
        .call(
            "GET",
            &format!("/v1/public/verify/{}?digest={}", sub.id, sub.sha),
            None,
            None,
        )
        .await
        .expect(200);
    let sig = &ok.body["signature"];
    assert_eq!(sig["algorithm"], "Ed25519");
    let message = format!("sme-application-digest/v1\n{}\n{}", sub.id, sub.sha);
    assert_eq!(sig["message"], message.as_str());
    let bytes: [u8; 64] = base64::engine::general_purpose::STANDARD
        .decode(sig["value"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let signature = Signature::from_bytes(&bytes);
    assert!(public.verify(message.as_bytes(), &signature).is_ok());
    let forged = format!("sme-application-digest/v1\n{}\n{}", sub.id, "0".repeat(64));
    assert!(public.verify(forged.as_bytes(), &signature).is_err());

    // The document prints the same signature.
    let doc = tp
        .call(
            "GET",
            &format!("/v1/declarations/{}/application", sub.id),
            Some(&sub.token),
            None,
        )
        .await
        .expect(200);
    assert!(doc.text.contains(sig["value"].as_str().unwrap()));
}

#[tokio::test]
async fn only_a_submitted_declaration_has_a_document_and_only_its_readers_see_it() {
    let tp = start(Backend::Local).await;
    let sub = submitted(&tp).await;
    let other = tp
        .firm(
            "appdoc2",
            &uscc(42, "330106"),
            "另一家有限公司",
            &profile("330106", &LAST_THREE_YEARS),
            None,
        )
        .await;
    for format in ["html", "pdf"] {
        tp.call(
            "GET",
            &format!("/v1/declarations/{}/application?format={format}", sub.id),
            Some(&other.token),
            None,
        )
        .await
        .expect_problem(404, "NOT_FOUND");
        tp.call(
            "GET",
            &format!("/v1/declarations/{}/application?format={format}", sub.id),
            None,
            None,
        )
        .await
        .expect_problem(401, "UNAUTHENTICATED");
    }
    let draft = tp.ready_declaration(&other.token, "innovative", YEAR).await;
    tp.call(
        "GET",
        &format!("/v1/declarations/{draft}/application?format=pdf"),
        Some(&other.token),
        None,
    )
    .await
    .expect_problem(409, "INVALID_STATE");
    // A draft never submitted verifies as 不一致 like any unknown paper.
    let a = tp
        .call(
            "GET",
            &format!("/v1/public/verify/{draft}?digest={}", sub.sha),
            None,
            None,
        )
        .await
        .expect(200);
    assert_eq!(a.body["result"], "不一致");
}
