//! Issue 11 §3 and the manual half of §1, through the HTTP surface: a USCC verified by the wrong account is
//! reclaimed by its enterprise (claim, documents, an operator's side-by-side view, an audited decision, the
//! squatter's sessions end, the holder is told), and a manual phone change is decided on its documents beside
//! what is on file. Also: known and unknown logins take alike long on the recovery routes.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::*;

/// The code the tests fight over (valid check characters).
fn code() -> String {
    uscc(501, "330106")
}

/// Upload `bytes` to a documents collection (`base` is `/v1/…/documents`, `query` is `""` or `?code=…`) and
/// complete it; returns the document id.
pub(crate) async fn file_document(
    tp: &Client,
    token: Option<&str>,
    base: &str,
    query: &str,
    slot: &str,
    (file_name, content_type, bytes): (&str, &str, Vec<u8>),
) -> String {
    let ticket = tp
        .call(
            "POST",
            &format!("{base}{query}"),
            token,
            Some(
                json!({"slot": slot, "file_name": file_name, "content_type": content_type,
                        "size": bytes.len(), "sha256": sha256_hex(&bytes)}),
            ),
        )
        .await
        .expect(201);
    let status = tp.put_presigned(&ticket.body["upload"], bytes).await;
    assert!(status.is_success(), "upload PUT answered {status}");
    let id = ticket.body["evidence_id"].as_str().unwrap().to_owned();
    let done = tp
        .call("POST", &format!("{base}/{id}/complete{query}"), token, None)
        .await
        .expect(200);
    assert_eq!(done.body["status"], "complete", "{}", done.text);
    id
}

pub(crate) fn pdf(name: &str) -> (&str, &'static str, Vec<u8>) {
    (name, "application/pdf", pdf_bytes())
}

pub(crate) fn png(name: &str) -> (&str, &'static str, Vec<u8>) {
    (name, "image/png", png_bytes())
}

async fn outbox_to(tp: &TestPlatform, to: &str) -> Vec<String> {
    let outbox = tp
        .call("GET", "/v1/dev/outbox", None, None)
        .await
        .expect(200);
    outbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["to"] == to)
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect()
}

/// The events stored beside an aggregate (`ACCOUNT#…`), oldest first.
async fn events_of(tp: &TestPlatform, pk: &str) -> Vec<Value> {
    let items = shared::ports::query_all(
        tp.store.as_ref(),
        shared::ports::Query::base(pk).begins_with("EVENT#"),
    )
    .await
    .unwrap();
    items
        .iter()
        .map(|i| serde_json::from_str(&i.data).unwrap())
        .collect()
}

async fn account_id(tp: &TestPlatform, token: &str) -> String {
    tp.call("GET", "/v1/accounts/me", Some(token), None)
        .await
        .expect(200)
        .body["account_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn claim_body() -> Value {
    json!({"uscc": code(), "enterprise_name": "杭州真实科技有限公司", "legal_representative": "陈真",
           "id_number": "330106199003071236", "reason": "本企业从未在平台注册，代码被他人冒用"})
}

#[tokio::test]
async fn a_squatted_uscc_is_reclaimed_by_its_enterprise_after_an_operator_checks_the_documents() {
    squatted_uscc_is_reclaimed(Backend::Local).await;
}

#[tokio::test]
async fn a_squatted_uscc_is_reclaimed_on_dynamodb_and_s3() {
    squatted_uscc_is_reclaimed(Backend::Moto).await;
}

async fn squatted_uscc_is_reclaimed(backend: Backend) {
    let tp = start(backend).await;
    let usc = code();
    // A stranger verifies the enterprise's code under a made-up name (checks mode cannot tell).
    let squatter = tp.enterprise("squatter", &usc, "冒用贸易有限公司").await;
    let squatter_id = account_id(&tp, &squatter).await;

    // The rightful enterprise meets USCC_TAKEN, which now names the claim path.
    let rightful = tp.unverified("rightful_co").await;
    let taken = tp
        .call(
            "POST",
            "/v1/accounts/me/real-name",
            Some(&rightful),
            Some(json!({"subject_type": "legal_person", "uscc": usc,
                        "enterprise_name": "杭州真实科技有限公司", "legal_representative": "陈真"})),
        )
        .await
        .expect_problem(409, "USCC_TAKEN");
    let claim_step = taken.body["recovery"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "claim_uscc")
        .unwrap_or_else(|| panic!("no claim step: {}", taken.text));
    assert_eq!(claim_step["href"], "/v1/uscc-claims");

    let claim = tp
        .call(
            "POST",
            "/v1/uscc-claims",
            Some(&rightful),
            Some(claim_body()),
        )
        .await
        .expect(201);
    assert_eq!(claim.body["status"], "pending", "{}", claim.text);
    assert_eq!(
        claim.body["identity_check"]["authoritative"], false,
        "checks mode is not an authoritative check: {}",
        claim.text
    );
    assert!(claim.body.get("id_number").is_none(), "{}", claim.text);
    let id = claim.body["id"].as_str().unwrap().to_owned();
    // The holder hears of the claim.
    assert!(
        outbox_to(&tp, &phone_for("squatter"))
            .await
            .iter()
            .any(|m| m.contains("申请认领")),
        "the holder is told of the claim"
    );
    // The same claimant cannot file twice while one waits; the squatter cannot read it.
    tp.call(
        "POST",
        "/v1/uscc-claims",
        Some(&rightful),
        Some(claim_body()),
    )
    .await
    .expect_problem(409, "INVALID_STATE");
    tp.call(
        "GET",
        &format!("/v1/uscc-claims/{id}"),
        Some(&squatter),
        None,
    )
    .await
    .expect_problem(404, "NOT_FOUND");
    tp.call(
        "GET",
        &format!("/v1/uscc-claims/{id}/documents"),
        Some(&squatter),
        None,
    )
    .await
    .expect_problem(404, "NOT_FOUND");

    // No approval without the licence and the legal representative's ID.
    let op = tp.operator().await;
    let decision = format!("/v1/admin/uscc-claims/{id}/decision");
    let missing = tp
        .call(
            "POST",
            &decision,
            Some(&op),
            Some(json!({"decision": "approve"})),
        )
        .await
        .expect_problem(422, "EVIDENCE_MISSING");
    assert_eq!(missing.body["missing"].as_array().unwrap().len(), 2);
    let docs = format!("/v1/uscc-claims/{id}/documents");
    file_document(
        &tp,
        Some(&rightful),
        &docs,
        "",
        "business_licence",
        pdf("营业执照.pdf"),
    )
    .await;
    file_document(
        &tp,
        Some(&rightful),
        &docs,
        "",
        "legal_representative_id",
        png("法人身份证.png"),
    )
    .await;

    // The operator sees the claim in the queue, and both accounts side by side with the documents.
    let queue = tp
        .call("GET", "/v1/admin/uscc-claims", Some(&op), None)
        .await
        .expect(200);
    assert!(
        queue.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id.as_str()),
        "{}",
        queue.text
    );
    let review = tp
        .call(
            "GET",
            &format!("/v1/admin/uscc-claims/{id}"),
            Some(&op),
            None,
        )
        .await
        .expect(200);
    let r = &review.body;
    assert_eq!(r["claim"]["enterprise_name"], "杭州真实科技有限公司");
    assert_eq!(r["id_number"], "330106199003071236");
    assert_eq!(r["claimant"]["login_name"], "rightful_co");
    assert_eq!(r["claimant"]["verification_status"], "unverified");
    assert_eq!(r["holder"]["login_name"], "squatter");
    assert_eq!(r["holder"]["enterprise_name"], "冒用贸易有限公司");
    assert_eq!(r["holder"]["uscc"], usc.as_str());
    assert!(r["holder"]["verified_at"].is_string(), "{}", review.text);
    assert_eq!(r["missing_documents"], json!([]));
    let documents = r["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 2, "{}", review.text);
    assert!(documents.iter().all(|d| d["download"]["url"].is_string()));

    // Approval moves the code, ends the squatter's sessions and is audited.
    let approved = tp
        .call(
            "POST",
            &decision,
            Some(&op),
            Some(json!({"decision": "approve", "comment": "营业执照与登记信息一致"})),
        )
        .await
        .expect(200);
    assert_eq!(approved.body["status"], "approved", "{}", approved.text);
    tp.call(
        "POST",
        &decision,
        Some(&op),
        Some(json!({"decision": "approve"})),
    )
    .await
    .expect_problem(409, "INVALID_STATE");
    tp.call("GET", "/v1/accounts/me", Some(&squatter), None)
        .await
        .expect_problem(401, "UNAUTHENTICATED");
    tp.call("GET", "/v1/enterprise", Some(&squatter), None)
        .await
        .expect_problem(401, "UNAUTHENTICATED");
    let squatter_again = tp.login("squatter", PASSWORD).await;
    let me = tp
        .call("GET", "/v1/accounts/me", Some(&squatter_again), None)
        .await
        .expect(200);
    assert_eq!(me.body["verification"]["status"], "rejected", "{}", me.text);
    assert!(me.body["uscc"].is_null());
    // The USCC now logs in to the rightful enterprise's account.
    let owner = tp.login(&usc, PASSWORD).await;
    let me = tp
        .call("GET", "/v1/accounts/me", Some(&owner), None)
        .await
        .expect(200);
    assert_eq!(
        (
            me.body["login_name"].as_str(),
            me.body["uscc"].as_str(),
            me.body["role"].as_str()
        ),
        (Some("rightful_co"), Some(usc.as_str()), Some("enterprise")),
        "{}",
        me.text
    );
    assert_eq!(
        me.body["verification"]["subject"]["enterprise_name"],
        "杭州真实科技有限公司"
    );
    // The holder is told; a password reset for the code now texts the enterprise, not the squatter.
    assert!(
        outbox_to(&tp, &phone_for("squatter"))
            .await
            .iter()
            .any(|m| m.contains("归属其他主体")),
        "the holder is told of the decision"
    );
    let before = outbox_to(&tp, &phone_for("squatter")).await.len();
    tp.call(
        "POST",
        "/v1/password-resets",
        None,
        Some(json!({"login": usc})),
    )
    .await
    .expect(202);
    assert_eq!(outbox_to(&tp, &phone_for("squatter")).await.len(), before);
    assert!(
        outbox_to(&tp, &phone_for("rightful_co"))
            .await
            .iter()
            .any(|m| m.contains("验证码")),
        "the reset code goes to the rightful enterprise"
    );
    let operator_id = account_id(&tp, &op).await;
    let claimant_id = me.body["account_id"].as_str().unwrap();
    let audit = events_of(&tp, &format!("ACCOUNT#{claimant_id}")).await;
    assert!(
        audit
            .iter()
            .any(|e| e["kind"] == "account.uscc_claim_approved"
                && e["actor"] == operator_id.as_str()),
        "{audit:?}"
    );
    let audit = events_of(&tp, &format!("ACCOUNT#{squatter_id}")).await;
    assert!(
        audit
            .iter()
            .any(|e| e["kind"] == "account.uscc_withdrawn" && e["actor"] == operator_id.as_str()),
        "{audit:?}"
    );
}

#[tokio::test]
async fn a_claim_needs_a_taken_code_an_unverified_claimant_and_a_reason_to_reject() {
    let tp = start(Backend::Local).await;
    let usc = code();
    let claimant = tp.unverified("claimant_one").await;
    // A code nobody holds is verified directly, not claimed.
    tp.call(
        "POST",
        "/v1/uscc-claims",
        Some(&claimant),
        Some(claim_body()),
    )
    .await
    .expect_problem(409, "INVALID_STATE");
    tp.enterprise("holder_one", &usc, "冒用贸易有限公司").await;
    // A verified account cannot claim another code.
    let verified = tp
        .enterprise("verified_one", &uscc(7, "330106"), "另一家有限公司")
        .await;
    tp.call(
        "POST",
        "/v1/uscc-claims",
        Some(&verified),
        Some(claim_body()),
    )
    .await
    .expect_problem(409, "INVALID_STATE");
    let mut bad = claim_body();
    bad["reason"] = json!(" ");
    bad["id_number"] = json!("123");
    let refused = tp
        .call("POST", "/v1/uscc-claims", Some(&claimant), Some(bad))
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    assert!(refused.text.contains("id_number"), "{}", refused.text);
    // Every field error comes in one answer, the subject's and the claim's own together.
    let empty = json!({"uscc": "", "enterprise_name": "", "legal_representative": "", "id_number": "", "reason": ""});
    let refused = tp
        .call("POST", "/v1/uscc-claims", Some(&claimant), Some(empty))
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    let fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in [
        "uscc",
        "enterprise_name",
        "legal_representative",
        "id_number",
        "reason",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    let id = tp
        .call(
            "POST",
            "/v1/uscc-claims",
            Some(&claimant),
            Some(claim_body()),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let op = tp.operator().await;
    let decision = format!("/v1/admin/uscc-claims/{id}/decision");
    tp.call(
        "POST",
        &decision,
        Some(&op),
        Some(json!({"decision": "reject"})),
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
    tp.call(
        "POST",
        &decision,
        Some(&claimant),
        Some(json!({"decision": "approve"})),
    )
    .await
    .expect_problem(403, "FORBIDDEN");
    let rejected = tp
        .call(
            "POST",
            &decision,
            Some(&op),
            Some(json!({"decision": "reject", "comment": "营业执照与所填名称不符"})),
        )
        .await
        .expect(200);
    assert_eq!(rejected.body["status"], "rejected");
    assert!(
        outbox_to(&tp, &phone_for("claimant_one"))
            .await
            .iter()
            .any(|m| m.contains("营业执照与所填名称不符"))
    );
    // Decided: no more documents, and the holder keeps the code.
    tp.call(
        "POST",
        &format!("/v1/uscc-claims/{id}/documents"),
        Some(&claimant),
        Some(json!({"slot": "business_licence", "file_name": "a.pdf", "content_type": "application/pdf",
                    "size": 10, "sha256": "00".repeat(32)})),
    )
    .await
    .expect_problem(409, "INVALID_STATE");
    let me = tp.login(&usc, PASSWORD).await;
    let me = tp
        .call("GET", "/v1/accounts/me", Some(&me), None)
        .await
        .expect(200);
    assert_eq!(me.body["login_name"], "holder_one");
    // A rejected claimant may file again.
    tp.call(
        "POST",
        "/v1/uscc-claims",
        Some(&claimant),
        Some(claim_body()),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn a_manual_phone_change_is_decided_on_its_documents_beside_what_is_on_file() {
    let tp = start(Backend::Local).await;
    let usc = code();
    let firm = tp
        .enterprise("phone_firm", &usc, "杭州真实科技有限公司")
        .await;
    let request = json!({"login": &usc, "new_phone": "13500135009", "method": "manual",
                         "contact_name": "王五", "id_number": "330106199003071236", "reason": "原手机号已停用"});
    let change = tp
        .call("POST", "/v1/phone-changes", None, Some(request))
        .await
        .expect(201);
    let id = change.body["id"].as_str().unwrap().to_owned();
    let code = change.body["query_code"].as_str().unwrap().to_owned();
    let docs = format!("/v1/phone-changes/{id}/documents");
    let query = format!("?code={code}");

    // The operator cannot approve on the requester's word alone.
    let op = tp.operator().await;
    let decision = format!("/v1/admin/phone-changes/{id}/decision");
    let missing = tp
        .call(
            "POST",
            &decision,
            Some(&op),
            Some(json!({"decision": "approve"})),
        )
        .await
        .expect_problem(422, "EVIDENCE_MISSING");
    assert_eq!(
        missing.body["missing"].as_array().unwrap().len(),
        3,
        "{}",
        missing.text
    );

    // Documents need the query code: a wrong one reads as an unknown request.
    tp.call(
        "POST",
        &format!("{docs}?code=wrong"),
        None,
        Some(
            json!({"slot": "id_card", "file_name": "id.png", "content_type": "image/png",
                    "size": 10, "sha256": "00".repeat(32)}),
        ),
    )
    .await
    .expect_problem(404, "NOT_FOUND");
    tp.call("GET", &docs, None, None)
        .await
        .expect_problem(404, "NOT_FOUND");
    file_document(
        &tp,
        None,
        &docs,
        &query,
        "business_licence",
        pdf("营业执照.pdf"),
    )
    .await;
    file_document(
        &tp,
        None,
        &docs,
        &query,
        "authorisation_letter",
        pdf("授权委托书.pdf"),
    )
    .await;
    file_document(&tp, None, &docs, &query, "id_card", png("身份证.png")).await;
    let listed = tp
        .call("GET", &format!("{docs}{query}"), None, None)
        .await
        .expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 3);

    // The operator's view: the documents beside what is on file.
    let review = tp
        .call(
            "GET",
            &format!("/v1/admin/phone-changes/{id}"),
            Some(&op),
            None,
        )
        .await
        .expect(200);
    let r = &review.body;
    assert_eq!(r["change"]["contact_name"], "王五");
    assert_eq!(r["change"]["new_phone"], "13500135009");
    assert_eq!(r["on_file"]["enterprise_name"], "杭州真实科技有限公司");
    assert_eq!(r["on_file"]["legal_representative"], "张三");
    assert_eq!(r["on_file"]["uscc"], usc.as_str());
    let old = phone_for("phone_firm");
    assert_eq!(
        r["on_file"]["phone"],
        format!("{}****{}", &old[..3], &old[7..]),
        "{}",
        review.text
    );
    assert!(!review.text.contains(&old), "the old phone is masked");
    assert!(r["on_file"]["verified_at"].is_string(), "{}", review.text);
    assert_eq!(r["missing_documents"], json!([]));
    let documents = r["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 3);
    assert!(documents.iter().all(|d| d["download"]["url"].is_string()));

    // The decision is audited and closes the documents.
    let done = tp
        .call(
            "POST",
            &decision,
            Some(&op),
            Some(json!({"decision": "approve", "comment": "材料与备案一致"})),
        )
        .await
        .expect(200);
    assert_eq!(done.body["status"], "completed", "{}", done.text);
    let operator_id = account_id(&tp, &op).await;
    let after = tp
        .call(
            "GET",
            &format!("/v1/admin/phone-changes/{id}"),
            Some(&op),
            None,
        )
        .await
        .expect(200);
    assert_eq!(after.body["change"]["decided_by"], operator_id.as_str());
    let owner = tp.login(&usc, PASSWORD).await;
    let owner_id = account_id(&tp, &owner).await;
    let audit = events_of(&tp, &format!("ACCOUNT#{owner_id}")).await;
    assert!(
        audit
            .iter()
            .any(|e| e["kind"] == "account.phone_changed" && e["actor"] == operator_id.as_str()),
        "{audit:?}"
    );
    tp.call(
        "POST",
        &format!("{docs}{query}"),
        None,
        Some(
            json!({"slot": "id_card", "file_name": "id.png", "content_type": "image/png",
                    "size": 10, "sha256": "00".repeat(32)}),
        ),
    )
    .await
    .expect_problem(409, "INVALID_STATE");
    drop(firm);
}

#[tokio::test]
async fn documents_of_an_unknown_login_are_taken_alike_and_an_e_mail_change_has_none() {
    let tp = start(Backend::Local).await;
    let change = tp
        .call(
            "POST",
            "/v1/phone-changes",
            None,
            Some(json!({"login": "nobody_here", "new_phone": "13500135008", "method": "manual",
                        "contact_name": "王五", "id_number": "330106199003071236", "reason": "原手机号已停用"})),
        )
        .await
        .expect(201);
    let id = change.body["id"].as_str().unwrap();
    let code = change.body["query_code"].as_str().unwrap();
    let docs = format!("/v1/phone-changes/{id}/documents");
    file_document(
        &tp,
        None,
        &docs,
        &format!("?code={code}"),
        "id_card",
        png("身份证.png"),
    )
    .await;
    let op = tp.operator().await;
    let review = tp
        .call(
            "GET",
            &format!("/v1/admin/phone-changes/{id}"),
            Some(&op),
            None,
        )
        .await
        .expect(200);
    assert!(review.body["on_file"].is_null(), "{}", review.text);
    assert_eq!(review.body["change"]["account_found"], false);

    tp.unverified("mail_user").await;
    let by_mail = tp
        .call(
            "POST",
            "/v1/phone-changes",
            None,
            Some(json!({"login": "mail_user", "new_phone": "13500135007", "method": "email"})),
        )
        .await
        .expect(201);
    let id = by_mail.body["id"].as_str().unwrap();
    let code = by_mail.body["query_code"].as_str().unwrap();
    tp.call(
        "GET",
        &format!("/v1/phone-changes/{id}/documents?code={code}"),
        None,
        None,
    )
    .await
    .expect_problem(409, "INVALID_STATE");
}

/// A client whose connections come from another loopback address.
fn client_from(addr: &str, base: &str) -> Client {
    Client {
        base: base.to_owned(),
        http: reqwest::Client::builder()
            .local_address(addr.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap(),
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Timing, not only the store work: a known and an unknown login take alike long on the recovery routes.
///
/// Without a floor the known login is measurably slower (its SMS and e-mail sends against the unknown login's
/// stand-in writes: about 1.7 ms against 1.2 ms here, and providers on AWS take tens of milliseconds), so the
/// routes answer no sooner than `Policy::recovery_min_millis`. The samples interleave (known, unknown, known, …)
/// so that drift hits both; the bound on the medians is generous (a fifth of the larger, at least 4 ms) so a loaded
/// machine does not fail it, while a missing floor would fail the first assertion.
#[tokio::test]
async fn known_and_unknown_logins_take_alike_long_on_the_recovery_routes() {
    const ROUNDS: usize = 15;
    const FLOOR: Duration = Duration::from_millis(40);
    let tp = start_with(
        Backend::Local,
        shared::services::Policy {
            recovery_min_millis: FLOOR.as_millis() as u64,
            ..test_policy()
        },
    )
    .await;
    for i in 0..ROUNDS {
        tp.call(
            "POST",
            "/v1/accounts",
            None,
            Some(json!({"login_name": format!("timed_{i}"), "password": PASSWORD,
                        "phone": phone_for(&format!("timed_{i}")), "email": format!("timed{i}@example.com")})),
        )
        .await
        .expect(201);
    }
    for (route, body) in [
        ("/v1/password-resets", json!({})),
        (
            "/v1/phone-changes",
            json!({"new_phone": "13500135006", "method": "email"}),
        ),
    ] {
        let (mut known, mut unknown) = (Vec::new(), Vec::new());
        for i in 0..ROUNDS {
            // A fresh address per round keeps the per-address caps out of the way.
            let client = client_from(&format!("127.0.{}.{}", 1 + i / 200, 2 + i % 200), &tp.base);
            for (login, samples) in [
                (format!("timed_{i}"), &mut known),
                (format!("ghost_{i}"), &mut unknown),
            ] {
                let mut b = body.clone();
                b["login"] = json!(login);
                let t = Instant::now();
                let answer = client.call("POST", route, None, Some(b)).await;
                samples.push(t.elapsed());
                assert!(answer.status.is_success(), "{route}: {}", answer.text);
            }
        }
        let (k, u) = (median(known), median(unknown));
        eprintln!("{route}: median known {k:?}, unknown {u:?}");
        assert!(
            k >= FLOOR && u >= FLOOR,
            "{route}: {k:?} / {u:?} below the floor"
        );
        let bound = (k.max(u) / 5).max(Duration::from_millis(4));
        assert!(
            k.abs_diff(u) <= bound,
            "{route}: median known {k:?}, unknown {u:?} (bound {bound:?})"
        );
    }
}
