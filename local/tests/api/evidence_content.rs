//! Issue 11, item 5, through the router on both stores (SQLite + disk blobs, DynamoDB + S3 on moto): a file only
//! becomes evidence when its whole structure is what it claims and safe to open, and every download is an
//! attachment saved under a cleaned name with the checked type's extension.

use crate::support::fixtures::*;
use crate::support::*;
use serde_json::{Value, json};
use shared::rules::file_content::samples;

const DURING: &str = "2026-04-20T10:00:00+08:00";

/// A verified enterprise with a draft declaration; its evidence path and first slot.
async fn draft(tp: &TestPlatform) -> (String, String, String) {
    tp.set_time(DURING);
    let firm = tp
        .firm(
            "contentfirm",
            &uscc(41, "330106"),
            "测试文件检查有限公司",
            &profile("330106", &LAST_THREE_YEARS),
            None,
        )
        .await;
    let created = tp
        .call(
            "POST",
            "/v1/declarations",
            Some(&firm.token),
            Some(json!({"tier": "innovative"})),
        )
        .await
        .expect(201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let slot = created.body["form_spec"]["spec"]["evidence"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (firm.token, format!("/v1/declarations/{id}/evidence"), slot)
}

/// Announce, upload and complete one file; the completion's answer.
async fn submit(
    tp: &TestPlatform,
    token: &str,
    path: &str,
    slot: &str,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Answer {
    let ticket = tp
        .call(
            "POST",
            path,
            Some(token),
            Some(
                json!({"slot": slot, "file_name": name, "content_type": content_type,
                        "size": bytes.len(), "sha256": sha256_hex(bytes)}),
            ),
        )
        .await
        .expect(201);
    let put = tp
        .put_presigned(&ticket.body["upload"], bytes.to_vec())
        .await;
    assert!(put.is_success(), "PUT answered {put}");
    let id = ticket.body["evidence_id"].as_str().unwrap();
    tp.call("POST", &format!("{path}/{id}/complete"), Some(token), None)
        .await
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

async fn unsafe_files_are_refused_and_sound_ones_pass(backend: Backend) {
    let tp = start(backend).await;
    let (token, path, slot) = draft(&tp).await;

    // A PDF header followed by an HTML page: the magic bytes pass, the structure does not.
    let refused = submit(
        &tp,
        &token,
        &path,
        &slot,
        "scan.pdf",
        "application/pdf",
        &samples::pdf_then_html(),
    )
    .await
    .expect_problem(422, "FILE_CONTENT_INVALID");
    assert!(
        refused.body["detail"].as_str().unwrap().contains("PDF"),
        "{}",
        refused.text
    );
    // A PDF that runs JavaScript when opened.
    let js = samples::pdf_with(
        "/OpenAction 4 0 R",
        &["<< /S /JavaScript /JS (app.alert(1)) >>"],
    );
    submit(&tp, &token, &path, &slot, "a.pdf", "application/pdf", &js)
        .await
        .expect_problem(422, "FILE_CONTENT_INVALID");
    // A zip bomb.
    let bomb = submit(
        &tp,
        &token,
        &path,
        &slot,
        "材料.zip",
        "application/zip",
        &samples::zip_bomb(),
    )
    .await
    .expect_problem(422, "FILE_CONTENT_INVALID");
    assert!(
        bomb.body["detail"].as_str().unwrap().contains("压缩炸弹"),
        "{}",
        bomb.text
    );
    // A zip carrying an executable.
    let exe = samples::zip_of(&[("setup.exe", b"MZ\x90\x00")], true);
    submit(
        &tp,
        &token,
        &path,
        &slot,
        "材料.zip",
        "application/zip",
        &exe,
    )
    .await
    .expect_problem(422, "FILE_CONTENT_INVALID");
    // A macro-enabled Word document declared as .docx.
    let docm = submit(
        &tp,
        &token,
        &path,
        &slot,
        "申请书.docx",
        DOCX,
        &samples::docm(),
    )
    .await
    .expect_problem(422, "FILE_CONTENT_INVALID");
    assert!(
        docm.body["detail"].as_str().unwrap().contains("宏"),
        "{}",
        docm.text
    );
    // HTML declared as a PNG: not the declared type at all.
    submit(
        &tp,
        &token,
        &path,
        &slot,
        "a.png",
        "image/png",
        b"<html><script>x</script></html>",
    )
    .await
    .expect_problem(422, "FILE_TYPE_NOT_ALLOWED");

    // Refused files never became evidence: still pending, without a download link (their objects are deleted).
    let list = tp.call("GET", &path, Some(&token), None).await.expect(200);
    for item in list.body["items"].as_array().unwrap() {
        assert_eq!(item["status"], "pending", "{item}");
        assert!(item.get("download").is_none(), "{item}");
    }

    // Sound files of every kind pass.
    let bundle = samples::zip_of(
        &[
            ("营业执照.pdf", &samples::pdf()),
            ("照片.png", &samples::png()),
        ],
        true,
    );
    for (name, content_type, bytes) in [
        ("营业执照.pdf", "application/pdf", samples::pdf()),
        ("照片.png", "image/png", samples::png()),
        ("照片.jpg", "image/jpeg", samples::jpeg()),
        ("申请书.docx", DOCX, samples::docx()),
        ("材料.zip", "application/zip", bundle),
    ] {
        let done = submit(&tp, &token, &path, &slot, name, content_type, &bytes)
            .await
            .expect(200);
        assert_eq!(done.body["status"], "complete", "{name}: {}", done.text);
    }
}

#[tokio::test]
async fn unsafe_files_are_refused_and_sound_ones_pass_on_the_disk_adapter() {
    unsafe_files_are_refused_and_sound_ones_pass(Backend::Local).await;
}

#[tokio::test]
async fn unsafe_files_are_refused_and_sound_ones_pass_on_s3_on_moto() {
    unsafe_files_are_refused_and_sound_ones_pass(Backend::Moto).await;
}

/// The `filename*=UTF-8''…` name of a Content-Disposition value, decoded.
fn saved_name(disposition: &str) -> String {
    let encoded = disposition
        .split(';')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("filename*=UTF-8''"))
        .unwrap_or_else(|| panic!("no filename* in {disposition}"));
    percent_decode(encoded)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// What a download asks to be saved as: the answer's header (disk adapter) or, where the emulator ignores the
/// override (moto), the `response-content-disposition` the signed URL asks S3 for.
async fn disposition_of(tp: &TestPlatform, download: &Value) -> String {
    let url = download["url"].as_str().unwrap();
    let reply = tp.http.get(url).send().await.expect("GET");
    assert!(reply.status().is_success(), "{}", reply.status());
    if let Some(value) = reply.headers().get("content-disposition") {
        return value.to_str().expect("ASCII header").to_owned();
    }
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("response-content-disposition="))
        .unwrap_or_else(|| panic!("no Content-Disposition and no override in {url}"));
    percent_decode(value)
}

async fn downloads_are_attachments_with_clean_names(backend: Backend) {
    let tp = start(backend).await;
    let (token, path, slot) = draft(&tp).await;
    // Names that would run or mislead once saved; the content is a real PDF (or PNG) each time.
    let cases = [
        ("setup.exe", "application/pdf", samples::pdf(), "setup.pdf"),
        ("notice.hta", "image/png", samples::png(), "notice.png"),
        ("scan.pdf.js", "application/pdf", samples::pdf(), "scan.pdf"),
    ];
    for (name, content_type, bytes, expected) in cases {
        submit(&tp, &token, &path, &slot, name, content_type, &bytes)
            .await
            .expect(200);
        let list = tp.call("GET", &path, Some(&token), None).await.expect(200);
        let item = &list.body["items"][0];
        assert_eq!(item["file_name"], name, "the display name is kept");
        let disposition = disposition_of(&tp, &item["download"]).await;
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert_eq!(saved_name(&disposition), expected, "{name}");
    }
    // A right-to-left override (displays as "invoiceexe.pdf") is refused at the door.
    tp.call(
        "POST",
        &path,
        Some(&token),
        Some(json!({"slot": slot, "file_name": "invoice\u{202E}fdp.exe", "content_type": "application/pdf",
                    "size": 10, "sha256": sha256_hex(b"0123456789")})),
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
}

#[tokio::test]
async fn downloads_are_attachments_with_clean_names_on_the_disk_adapter() {
    downloads_are_attachments_with_clean_names(Backend::Local).await;
}

#[tokio::test]
async fn downloads_are_attachments_with_clean_names_on_s3_on_moto() {
    downloads_are_attachments_with_clean_names(Backend::Moto).await;
}
