//! The application document (申请书): the submitted snapshot, every field under its Chinese label in the order and
//! sections of the tier's form, as a print-ready HTML page ([`html`]) or an A4 PDF ([`pdf`]) built from one model
//! ([`model`]). The document proves itself: it carries the snapshot's SHA-256, the platform's Ed25519 signature
//! of that digest ([`signing`]) and a QR code to the public verification route, which answers "一致" or "不一致"
//! ([`verify`]).

#[cfg(feature = "documents")]
pub mod html;
pub mod model;
#[cfg(feature = "documents")]
pub mod pdf;
pub mod signing;

use crate::domain::declaration::{Declaration, Status};
use crate::domain::tier::Tier;
use crate::domain::timestamp::Timestamp;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::services::{Platform, records};
use serde::Serialize;
use signing::DocumentKeys;

/// How the document is wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Pdf,
}

impl Format {
    /// `?format=` (`html` | `pdf`) wins; otherwise the `Accept` header: PDF when `application/pdf` (or
    /// `application/*`) is preferred over `text/html`; HTML by default.
    pub fn negotiate(format: Option<&str>, accept: Option<&str>) -> AppResult<Format> {
        match format.map(|f| f.trim().to_ascii_lowercase()) {
            Some(f) if f == "pdf" => return Ok(Format::Pdf),
            Some(f) if f == "html" => return Ok(Format::Html),
            Some(f) if !f.is_empty() => {
                return Err(AppError::field(
                    "format",
                    "INVALID_FORMAT",
                    "format 只能是 html 或 pdf",
                ));
            }
            _ => {}
        }
        let Some(accept) = accept else {
            return Ok(Format::Html);
        };
        let (mut pdf, mut html) = (0.0f32, 0.0f32);
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match media.as_str() {
                "application/pdf" => pdf = pdf.max(q),
                "application/*" => pdf = pdf.max(q * 0.99),
                "text/html" => html = html.max(q),
                "text/*" | "*/*" => html = html.max(q * 0.99),
                _ => {}
            }
        }
        Ok(if pdf > html {
            Format::Pdf
        } else {
            Format::Html
        })
    }
}

/// The document model of a submitted declaration; 409 `INVALID_STATE` before its first submission.
pub fn document(d: &Declaration, keys: &DocumentKeys) -> AppResult<model::Document> {
    let Some(snapshot) = &d.snapshot else {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            "申报尚未提交，暂无申请书",
        ));
    };
    Ok(model::build(
        d,
        snapshot,
        keys.verify_url(&d.id, &snapshot.sha256),
        keys.sign(&d.id, &snapshot.sha256),
    ))
}

/// The document as an HTML page.
#[cfg(feature = "documents")]
pub fn render_html(d: &Declaration, keys: &DocumentKeys) -> AppResult<String> {
    Ok(html::render(&document(d, keys)?))
}

/// The document as a PDF.
#[cfg(feature = "documents")]
pub fn render_pdf(d: &Declaration, keys: &DocumentKeys) -> AppResult<Vec<u8>> {
    pdf::render(&document(d, keys)?)
}

/// A digest as printed: 64 hexadecimal digits (case and surrounding blanks ignored).
fn normalise_digest(raw: &str) -> Option<String> {
    let d = raw.trim().to_ascii_lowercase();
    (d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit())).then_some(d)
}

/// Constant-time equality of two digests of the same length.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The platform's signature of an application document's digest, to check offline.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DigestSignature {
    /// `Ed25519`.
    pub algorithm: &'static str,
    /// `base64`.
    pub encoding: &'static str,
    pub value: String,
    /// The signed text: `sme-application-digest/v1\n{declaration_id}\n{sha256}`.
    pub message: String,
    pub message_format: &'static str,
    /// Where the public key is published (`/v1/public/verify-key`).
    pub public_key: &'static str,
}

/// The answer of `GET /v1/public/verify/{declaration_id}`: "一致" with what the paper may be checked against, or
/// "不一致" with nothing about the declaration.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerificationAnswer {
    /// The id as asked, when it is a well-formed id (whether or not it exists).
    pub declaration_id: Option<String>,
    /// `一致` or `不一致`.
    pub result: &'static str,
    pub matches: bool,
    /// Why it does not match (only for "不一致").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<&'static str>,
    // What a matching paper may be checked against (only for "一致").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_label: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_label: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<DigestSignature>,
}

/// `GET /v1/public/verify/{id}?digest=…` for anyone. When the digest is the one of the declaration's current
/// submission: "一致" with the enterprise name, tier, year, submission time, current status and the platform's
/// signature. Anything else — another digest, an unknown or malformed id, a draft never submitted, no digest —
/// answers the same "不一致" shape with nothing about the declaration, so the route neither leaks whether an id
/// exists nor anything of its content to someone without the genuine paper.
pub async fn verify(
    p: &Platform,
    keys: &DocumentKeys,
    id: &str,
    digest: Option<&str>,
) -> AppResult<VerificationAnswer> {
    let mismatch = || VerificationAnswer {
        declaration_id: crate::services::events::is_valid_id(id).then(|| id.to_owned()),
        result: "不一致",
        matches: false,
        detail: Some(
            "所持申请书与平台记录不一致（内容被改动、已重新提交，或申报编号、校验值有误）。请向申报单位或主管部门核实。",
        ),
        enterprise_name: None,
        tier: None,
        tier_label: None,
        year: None,
        submitted_at: None,
        status: None,
        status_label: None,
        digest: None,
        signature: None,
    };
    let Some(digest) = digest.and_then(normalise_digest) else {
        return Ok(mismatch());
    };
    let Some(found) = records::load(p, id).await? else {
        return Ok(mismatch());
    };
    let d = found.value;
    let Some(snapshot) = d.snapshot.as_ref().filter(|s| same(&s.sha256, &digest)) else {
        return Ok(mismatch());
    };
    Ok(VerificationAnswer {
        declaration_id: Some(d.id.clone()),
        result: "一致",
        matches: true,
        detail: None,
        enterprise_name: Some(d.enterprise_name.clone()),
        tier: Some(d.tier),
        tier_label: Some(d.tier.label()),
        year: Some(d.year),
        submitted_at: Some(snapshot.submitted_at.into()),
        status: Some(d.status),
        status_label: Some(d.status.label()),
        digest: Some(snapshot.sha256.clone()),
        signature: Some(DigestSignature {
            algorithm: "Ed25519",
            encoding: "base64",
            value: keys.sign(&d.id, &snapshot.sha256),
            message: signing::message(&d.id, &snapshot.sha256),
            message_format: signing::MESSAGE_FORMAT,
            public_key: "/v1/public/verify-key",
        }),
    })
}

/// `GET /v1/public/verify-key`.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyKeyAnswer {
    /// `Ed25519`.
    pub algorithm: &'static str,
    pub public_key_pem: String,
    pub public_key_base64: String,
    pub message_format: &'static str,
    pub how_to_verify: &'static str,
}

/// `GET /v1/public/verify-key`: the public key that checks the signatures offline.
pub fn verify_key(keys: &DocumentKeys) -> VerifyKeyAnswer {
    VerifyKeyAnswer {
        algorithm: "Ed25519",
        public_key_pem: keys.public_pem().to_owned(),
        public_key_base64: keys.public_raw_base64(),
        message_format: signing::MESSAGE_FORMAT,
        how_to_verify: "对 message_format 所示的 UTF-8 文本（\\n 为换行，无结尾换行）用此公钥校验核验结果中 signature.value（Base64 解码后 64 字节）的 Ed25519 签名，例如 openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in message.txt -sigfile sig.bin。",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::declaration::Snapshot;
    use crate::domain::tier::Tier;
    use crate::rules::region::RegionCode;
    use serde_json::json;
    use time::macros::datetime;

    fn keys() -> DocumentKeys {
        let pair = crate::keys::generate_key_pair();
        DocumentKeys::from_pem(&pair.private_pem, "http://127.0.0.1:9").unwrap()
    }

    #[test]
    fn the_format_comes_from_the_query_or_else_the_accept_header() {
        let n = |f, a| Format::negotiate(f, a).unwrap();
        assert_eq!(n(None, None), Format::Html);
        assert_eq!(n(Some("pdf"), Some("text/html")), Format::Pdf);
        assert_eq!(n(Some("HTML"), Some("application/pdf")), Format::Html);
        assert_eq!(n(None, Some("application/pdf")), Format::Pdf);
        assert_eq!(
            n(None, Some("text/html,application/pdf;q=0.9")),
            Format::Html
        );
        assert_eq!(
            n(None, Some("text/html;q=0.5, application/pdf")),
            Format::Pdf
        );
        assert_eq!(n(None, Some("*/*")), Format::Html);
        assert_eq!(
            Format::negotiate(Some("docx"), None).unwrap_err().code,
            ErrorCode::ValidationFailed
        );
    }

    #[test]
    fn the_document_carries_the_snapshot_digest_and_escapes_what_people_typed() {
        let keys = keys();
        let mut d = Declaration::new_draft(
            "01D".into(),
            "91350100M000100Y43".parse().unwrap(),
            "<script>测试</script>有限公司".into(),
            "A".into(),
            Tier::Specialized,
            2026,
            RegionCode::parse("330106").unwrap(),
            datetime!(2026-05-01 02:00 UTC),
        );
        assert_eq!(
            render_html(&d, &keys).unwrap_err().code,
            ErrorCode::InvalidState
        );
        let content = json!({
            "profile": {"name": "<script>测试</script>有限公司", "uscc": "91350100M000100Y43", "main_products": ["阀门", "泵"]},
            "form": {"main_product_intro": "<b>", "authenticity_commitment": true}
        });
        d.snapshot = Some(Snapshot::freeze(
            datetime!(2026-05-01 02:00 UTC),
            "2026",
            content,
        ));
        let html = render_html(&d, &keys).unwrap();
        assert!(html.contains(&d.snapshot.as_ref().unwrap().sha256));
        assert!(html.contains("专精特新中小企业申请书"));
        assert!(html.contains("2026年5月1日 10:00"));
        assert!(html.contains("阀门、泵"));
        assert!(html.contains("主导产品及技术简介"));
        assert!(!html.contains("<script>") && !html.contains("main_product_intro"));
        assert!(html.contains("&lt;b&gt;"));
        assert!(html.contains("<svg"), "the QR code");
        let pdf = render_pdf(&d, &keys).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn the_digital_level_appears_only_for_a_tier_that_needs_it_and_re_reviews_have_their_own_title()
    {
        let keys = keys();
        let at = datetime!(2026-05-01 02:00 UTC);
        let declaration = |tier| {
            let mut d = Declaration::new_draft(
                "01D".into(),
                "91350100M000100Y43".parse().unwrap(),
                "某某有限公司".into(),
                "A".into(),
                tier,
                2026,
                RegionCode::parse("330106").unwrap(),
                at,
            );
            d.snapshot = Some(Snapshot::freeze(at, "2026", json!({"form": {}})));
            d
        };
        let titles = |d: &Declaration| -> Vec<String> {
            document(d, &keys)
                .unwrap()
                .sections
                .into_iter()
                .map(|s| s.title)
                .collect()
        };
        let innovative = titles(&declaration(Tier::Innovative));
        assert!(
            !innovative.iter().any(|t| t.contains("数字化水平")),
            "{innovative:?}"
        );
        let specialized = titles(&declaration(Tier::Specialized));
        assert!(
            specialized.contains(&"五、数字化水平".to_owned()),
            "{specialized:?}"
        );
        let mut re_review = declaration(Tier::Specialized);
        re_review.kind = crate::domain::declaration::Kind::ReReview;
        assert_eq!(
            document(&re_review, &keys).unwrap().title,
            "专精特新中小企业复核申请书"
        );
    }

    #[test]
    fn digests_are_compared_as_64_hex_digits() {
        let d = "AB".repeat(32);
        assert_eq!(normalise_digest(&format!(" {d} ")), Some("ab".repeat(32)));
        assert_eq!(normalise_digest("abc"), None);
        assert_eq!(normalise_digest(&"zz".repeat(32)), None);
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
