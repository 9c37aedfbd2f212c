//! HTTP scenario tests of declaring (issue 3): the whole router on a real socket, over SQLite + disk blobs, and a
//! subset over DynamoDB + S3 on moto. Every error code of the declaration flow, every withdrawal rule, the
//! digital-level gate, duplicates, the snapshot's immutability, evidence uploads on both blob adapters.

use crate::support::fixtures::*;
use crate::support::*;
use serde_json::{Value, json};

const YEAR: i32 = 2026;
/// Inside the Zhejiang window below (China time).
const DURING: &str = "2026-04-20T10:00:00+08:00";
const BEFORE: &str = "2026-04-05T10:00:00+08:00";
const AFTER: &str = "2026-05-10T10:00:00+08:00";

/// A large manufacturer (not an SME: ≥ 1000 people and ≥ 4亿元 revenue).
fn large_profile(region: &str) -> Value {
    let mut p = profile(region, &LAST_THREE_YEARS);
    p["employees"] = json!(3000);
    p["financials"] = json!([figures(2023, 20), figures(2024, 20), figures(2025, 20)]);
    for f in p["financials"].as_array_mut().unwrap() {
        f["employees"] = json!(3000);
    }
    p
}

/// A verified enterprise with a complete profile (and, if `digital`, a self-assessment) and a valid innovative
/// qualification (under the 2026 rules a specialized declaration needs one).
async fn enterprise(tp: &TestPlatform, n: u32, region: &str, digital: bool) -> Firm {
    let firm = tp
        .firm(
            &format!("firm{n}"),
            &uscc(n, "330106"),
            &format!("测试航空紧固件有限公司{n}"),
            &profile(region, &LAST_THREE_YEARS),
            digital.then_some(Pick::Best),
        )
        .await;
    tp.grant(&firm.uscc, "innovative", "2025-12-01").await;
    firm
}

async fn open_zhejiang(tp: &TestPlatform, tier: &str) {
    tp.open_window(
        tier,
        YEAR,
        Some("330000"),
        "2026-04-10T00:00:00+08:00",
        "2026-05-01T00:00:00+08:00",
    )
    .await;
}

async fn withdraw(tp: &TestPlatform, token: &str, id: &str, body: Value) -> Answer {
    tp.call(
        "POST",
        &format!("/v1/declarations/{id}/withdraw"),
        Some(token),
        Some(body),
    )
    .await
}

// ---- who may declare ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn only_verified_legal_persons_have_a_profile_and_declare() {
    let tp = start(Backend::Local).await;
    let person = tp.natural_person("person1").await;
    for (method, path, body) in [
        ("GET", "/v1/enterprise", None),
        (
            "PUT",
            "/v1/enterprise",
            Some(profile("330106", &LAST_THREE_YEARS)),
        ),
        (
            "POST",
            "/v1/declarations",
            Some(json!({"tier": "innovative"})),
        ),
        ("GET", "/v1/declarations", None),
    ] {
        tp.call(method, path, Some(&person), body.clone())
            .await
            .expect_problem(403, "NATURAL_PERSON_NOT_ALLOWED");
    }
    let unverified = tp.unverified("newbie1").await;
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&unverified),
        Some(json!({"tier": "innovative"})),
    )
    .await
    .expect_problem(403, "NOT_VERIFIED");
    let op = tp.operator().await;
    tp.call("GET", "/v1/enterprise", Some(&op), None)
        .await
        .expect_problem(403, "FORBIDDEN");
    tp.call("GET", "/v1/enterprise", None, None)
        .await
        .expect_problem(401, "UNAUTHENTICATED");
}

// ---- profile --------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_profile_validates_every_field_shows_its_size_class_and_locks_optimistically() {
    let tp = start(Backend::Local).await;
    tp.set_time(DURING);
    let token = tp
        .enterprise("firm1", &uscc(1, "330106"), "杭州某科技有限公司")
        .await;
    let empty = tp
        .call("GET", "/v1/enterprise", Some(&token), None)
        .await
        .expect(200);
    assert_eq!(empty.body["name"], "杭州某科技有限公司");
    assert_eq!(empty.body["recognition"], "未认定");
    assert_eq!(empty.version(), 0);

    let mut bad = profile("330000", &LAST_THREE_YEARS);
    bad["industry"] = json!("37");
    bad["financials"][0]["rd_expense"] = json!("12.345");
    let refused = tp
        .call("PUT", "/v1/enterprise", Some(&token), Some(bad))
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    let fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"region"), "{fields:?}");
    assert!(fields.contains(&"industry"), "{fields:?}");
    assert!(
        fields.iter().any(|f| f.contains("rd_expense")),
        "{fields:?}"
    );

    let saved = tp
        .call_with(
            "PUT",
            "/v1/enterprise",
            Some(&token),
            Some(profile("330106", &LAST_THREE_YEARS)),
            &[("If-Match", "0".into())],
        )
        .await
        .expect(200);
    assert_eq!(saved.version(), 1);
    assert_eq!(saved.body["region_name"], "浙江省 / 杭州市 / 西湖区");
    assert_eq!(saved.body["size"]["class"], "small", "{}", saved.text);
    assert!(saved.body["industry_path"].as_array().unwrap().len() == 4);
    assert_eq!(saved.headers["etag"], "\"1\"");

    tp.call_with(
        "PUT",
        "/v1/enterprise",
        Some(&token),
        Some(profile("330106", &LAST_THREE_YEARS)),
        &[("If-Match", "0".into())],
    )
    .await
    .expect_problem(409, "VERSION_CONFLICT");
}

#[tokio::test]
async fn catalog_pickers_go_level_by_level() {
    let tp = start(Backend::Local).await;
    let provinces = tp
        .call("GET", "/v1/catalog/regions", None, None)
        .await
        .expect(200);
    assert!(provinces.body["items"].as_array().unwrap().len() >= 31);
    let zhejiang = tp
        .call("GET", "/v1/catalog/regions?parent=330000", None, None)
        .await
        .expect(200);
    assert!(zhejiang.text.contains("杭州市"));
    tp.call("GET", "/v1/catalog/regions?parent=999999", None, None)
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    let sections = tp
        .call("GET", "/v1/catalog/industries", None, None)
        .await
        .expect(200);
    assert_eq!(sections.body["items"].as_array().unwrap().len(), 20);
    let manufacturing = tp
        .call("GET", "/v1/catalog/industries?parent=C", None, None)
        .await
        .expect(200);
    assert!(manufacturing.text.contains("37"));
}

// ---- drafts ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_draft_needs_a_registered_region_is_unique_per_tier_and_year_and_respects_prerequisites()
{
    let tp = start(Backend::Local).await;
    tp.set_time(DURING);
    let token = tp
        .enterprise("firm1", &uscc(1, "330106"), "杭州某科技有限公司")
        .await;
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&token),
        Some(json!({"tier": "innovative"})),
    )
    .await
    .expect_problem(422, "PROFILE_INCOMPLETE");
    tp.call(
        "PUT",
        "/v1/enterprise",
        Some(&token),
        Some(profile("330106", &LAST_THREE_YEARS)),
    )
    .await
    .expect(200);
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&token),
        Some(json!({"tier": "bronze"})),
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&token),
        Some(json!({"tier": "innovative", "year": 2019})),
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
    let d = tp
        .call(
            "POST",
            "/v1/declarations",
            Some(&token),
            Some(json!({"tier": "innovative"})),
        )
        .await
        .expect(201);
    assert_eq!(d.body["status"], "draft");
    assert_eq!(d.body["year"], YEAR);
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&token),
        Some(json!({"tier": "innovative", "year": YEAR})),
    )
    .await
    .expect_problem(409, "DUPLICATE_DECLARATION");
    // A little giant needs a valid specialized qualification.
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&token),
        Some(json!({"tier": "little_giant"})),
    )
    .await
    .expect_problem(409, "PREREQUISITE_MISSING");
    let list = tp
        .call("GET", "/v1/declarations", Some(&token), None)
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    // Another enterprise cannot see it (404, not 403).
    let other = tp
        .enterprise("firm2", &uscc(2, "330106"), "另一家公司")
        .await;
    let id = d.body["id"].as_str().unwrap();
    tp.call("GET", &format!("/v1/declarations/{id}"), Some(&other), None)
        .await
        .expect_problem(404, "NOT_FOUND");
}

// ---- submission -----------------------------------------------------------------------------------------------------

#[tokio::test]
async fn submission_checks_window_profile_evidence_and_digital_level_then_freezes_a_snapshot() {
    let tp = start(Backend::Local).await;
    tp.set_time(BEFORE);
    let mut e = enterprise(&tp, 1, "330106", false).await;
    let id = tp.ready_declaration(&e.token, "specialized", YEAR).await;
    // No window yet.
    tp.submit_declaration(&e.token, &id)
        .await
        .expect_problem(409, "WINDOW_CLOSED");
    open_zhejiang(&tp, "specialized").await;
    tp.submit_declaration(&e.token, &id)
        .await
        .expect_problem(409, "WINDOW_CLOSED");
    tp.set_time(DURING);
    e.token = tp.login(&e.login, PASSWORD).await;
    // The digital-level gate of the specialized tier.
    tp.submit_declaration(&e.token, &id)
        .await
        .expect_problem(422, "DIGITAL_ASSESSMENT_REQUIRED");
    let answers = digital_answers(&tp, &e.token, Pick::Best).await;
    let assessed = tp
        .call(
            "POST",
            "/v1/digital-assessments",
            Some(&e.token),
            Some(answers),
        )
        .await
        .expect(201);
    assert_eq!(assessed.body["result"]["level"], 4);
    let latest = tp
        .call(
            "GET",
            "/v1/digital-assessments/latest",
            Some(&e.token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(latest.body["id"], assessed.body["id"]);
    // Profile completeness: remove a needed year.
    let mut partial = profile("330106", &LAST_THREE_YEARS);
    partial["financials"] = json!([figures(2025, 1)]);
    tp.call("PUT", "/v1/enterprise", Some(&e.token), Some(partial))
        .await
        .expect(200);
    let incomplete = tp
        .submit_declaration(&e.token, &id)
        .await
        .expect_problem(422, "PROFILE_INCOMPLETE");
    assert!(
        incomplete.text.contains("financials[year=2024]"),
        "{}",
        incomplete.text
    );
    tp.call(
        "PUT",
        "/v1/enterprise",
        Some(&e.token),
        Some(profile("330106", &LAST_THREE_YEARS)),
    )
    .await
    .expect(200);

    let submitted = tp.submit_declaration(&e.token, &id).await.expect(200);
    assert_eq!(submitted.body["status"], "submitted");
    assert_eq!(submitted.body["level"], "county");
    assert_eq!(submitted.body["snapshot"]["rule_version"], "2026");
    let sha = submitted.body["snapshot"]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(sha.len(), 64);
    assert!(
        submitted.body["snapshot"]["assessment"]["indicators"].is_array(),
        "{}",
        submitted.text
    );
    // The advisor gives the same score for the same data.
    let advice = tp
        .call("GET", "/v1/enterprise/advice", Some(&e.token), None)
        .await
        .expect(200);
    let specialized = advice.body["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tier"] == "specialized")
        .unwrap();
    assert_eq!(
        specialized["assessment"]["score"],
        submitted.body["snapshot"]["assessment"]["score"]
    );

    // Immutable after submission: no edits, no evidence changes; a later profile change leaves the snapshot alone.
    tp.call(
        "PUT",
        &format!("/v1/declarations/{id}"),
        Some(&e.token),
        Some(json!({"form": {}})),
    )
    .await
    .expect_problem(409, "INVALID_STATE");
    tp.call("POST", &format!("/v1/declarations/{id}/evidence"), Some(&e.token),
        Some(json!({"slot": "business_licence", "file_name": "a.pdf", "content_type": "application/pdf", "size": 10, "sha256": sha256_hex(b"0123456789")})))
        .await
        .expect_problem(409, "INVALID_STATE");
    let mut changed = profile("330106", &LAST_THREE_YEARS);
    changed["address"] = json!("新地址 2 号");
    tp.call("PUT", "/v1/enterprise", Some(&e.token), Some(changed))
        .await
        .expect(200);
    let read = tp
        .call(
            "GET",
            &format!("/v1/declarations/{id}"),
            Some(&e.token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(read.body["snapshot"]["sha256"], sha.as_str());
    let doc = tp
        .call(
            "GET",
            &format!("/v1/declarations/{id}/application"),
            Some(&e.token),
            None,
        )
        .await
        .expect(200);
    assert!(doc.text.contains(&sha));
    assert!(doc.text.contains("文三路1号") && !doc.text.contains("新地址"));
    assert_eq!(doc.headers["x-snapshot-sha256"], sha.as_str());
    tp.submit_declaration(&e.token, &id)
        .await
        .expect_problem(409, "INVALID_STATE");
}

#[tokio::test]
async fn evidence_must_fill_every_required_slot_before_submission() {
    let tp = start(Backend::Local).await;
    tp.set_time(DURING);
    open_zhejiang(&tp, "innovative").await;
    let e = enterprise(&tp, 1, "330106", true).await;
    let created = tp
        .call(
            "POST",
            "/v1/declarations",
            Some(&e.token),
            Some(json!({"tier": "innovative"})),
        )
        .await
        .expect(201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let spec = created.body["form_spec"]["spec"].clone();
    // An empty form saves (暂存) and lists what is missing.
    let saved = tp
        .call(
            "PUT",
            &format!("/v1/declarations/{id}"),
            Some(&e.token),
            Some(json!({"form": {}})),
        )
        .await
        .expect(200);
    let required_fields = spec["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["required"] == true)
        .count();
    assert_eq!(
        saved.body["form_problems"].as_array().unwrap().len(),
        required_fields,
        "{}",
        saved.text
    );
    if required_fields > 0 {
        tp.submit_declaration(&e.token, &id)
            .await
            .expect_problem(422, "VALIDATION_FAILED");
    }
    tp.call(
        "PUT",
        &format!("/v1/declarations/{id}"),
        Some(&e.token),
        Some(json!({"form": fill_form(&spec)})),
    )
    .await
    .expect(200);
    let missing = tp
        .submit_declaration(&e.token, &id)
        .await
        .expect_problem(422, "EVIDENCE_MISSING");
    let required_slots: Vec<&Value> = spec["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["required"] == true)
        .collect();
    assert_eq!(
        missing.body["missing_slots"].as_array().unwrap().len(),
        required_slots.len()
    );
    for slot in &required_slots {
        tp.upload(
            &e.token,
            &id,
            slot["id"].as_str().unwrap(),
            "x.pdf",
            "application/pdf",
            &pdf_bytes(),
        )
        .await;
    }
    tp.submit_declaration(&e.token, &id).await.expect(200);
}

#[tokio::test]
async fn an_enterprise_above_the_sme_ceilings_cannot_submit() {
    let tp = start(Backend::Local).await;
    tp.set_time(DURING);
    open_zhejiang(&tp, "innovative").await;
    let e = enterprise(&tp, 1, "330106", true).await;
    let id = tp.ready_declaration(&e.token, "innovative", YEAR).await;
    tp.call(
        "PUT",
        "/v1/enterprise",
        Some(&e.token),
        Some(large_profile("330106")),
    )
    .await
    .expect(200);
    let refused = tp
        .submit_declaration(&e.token, &id)
        .await
        .expect_problem(409, "NOT_SME");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("不属于中小企业"),
        "{}",
        refused.text
    );
}

// ---- withdrawal -----------------------------------------------------------------------------------------------------

#[tokio::test]
async fn withdrawal_inside_the_window_modifies_or_cancels_and_frees_the_tier() {
    let tp = start(Backend::Local).await;
    tp.set_time(DURING);
    open_zhejiang(&tp, "innovative").await;
    let e = enterprise(&tp, 1, "330106", true).await;
    let id = tp.ready_declaration(&e.token, "innovative", YEAR).await;
    tp.submit_declaration(&e.token, &id).await.expect(200);
    withdraw(&tp, &e.token, &id, json!({"mode": "sideways"}))
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    let modified = withdraw(&tp, &e.token, &id, json!({"mode": "modify"}))
        .await
        .expect(200);
    assert_eq!(modified.body["status"], "draft");
    tp.submit_declaration(&e.token, &id).await.expect(200);
    let cancelled = withdraw(&tp, &e.token, &id, json!({"mode": "cancel"}))
        .await
        .expect(200);
    assert_eq!(cancelled.body["status"], "withdrawn");
    withdraw(&tp, &e.token, &id, json!({"mode": "cancel"}))
        .await
        .expect_problem(409, "INVALID_STATE");
    tp.submit_declaration(&e.token, &id)
        .await
        .expect_problem(409, "INVALID_STATE");
    // The tier and year are free again.
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&e.token),
        Some(json!({"tier": "innovative"})),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn after_the_window_a_withdrawal_must_acknowledge_that_it_can_never_be_resubmitted() {
    let tp = start(Backend::Local).await;
    tp.set_time(DURING);
    open_zhejiang(&tp, "innovative").await;
    let mut e = enterprise(&tp, 1, "330106", true).await;
    let id = tp.ready_declaration(&e.token, "innovative", YEAR).await;
    tp.submit_declaration(&e.token, &id).await.expect(200);
    tp.set_time(AFTER);
    e.token = tp.login(&e.login, PASSWORD).await;
    let ack = withdraw(&tp, &e.token, &id, json!({"mode": "modify"}))
        .await
        .expect_problem(409, "ACKNOWLEDGEMENT_REQUIRED");
    assert!(
        ack.body["detail"]
            .as_str()
            .unwrap()
            .contains("不能再次提交")
    );
    let modified = withdraw(
        &tp,
        &e.token,
        &id,
        json!({"mode": "modify", "acknowledge_no_resubmit": true}),
    )
    .await
    .expect(200);
    assert_eq!(modified.body["resubmit_forbidden"], true);
    tp.submit_declaration(&e.token, &id)
        .await
        .expect_problem(409, "RESUBMIT_NOT_ALLOWED");
    // Even when a later window opens.
    tp.open_window(
        "innovative",
        YEAR,
        Some("330000"),
        "2026-07-01T00:00:00+08:00",
        "2026-08-01T00:00:00+08:00",
    )
    .await;
    tp.set_time("2026-07-10T10:00:00+08:00");
    e.token = tp.login(&e.login, PASSWORD).await;
    tp.submit_declaration(&e.token, &id)
        .await
        .expect_problem(409, "RESUBMIT_NOT_ALLOWED");
}

#[tokio::test]
async fn once_an_official_starts_the_enterprise_cannot_withdraw_and_a_returned_declaration_is_resubmitted_after_the_window()
 {
    let tp = start(Backend::Local).await;
    tp.set_time(DURING);
    open_zhejiang(&tp, "innovative").await;
    let mut e = enterprise(&tp, 1, "330106", true).await;
    let id = tp.ready_declaration(&e.token, "innovative", YEAR).await;
    tp.submit_declaration(&e.token, &id).await.expect(200);
    let county = tp
        .signed_in_official("xihu_official", "county", Some("330106"))
        .await;
    let other_county = tp
        .signed_in_official("binjiang_official", "county", Some("330108"))
        .await;
    // Outside its jurisdiction the declaration does not exist.
    tp.call(
        "POST",
        &format!("/v1/admin/declarations/{id}/start"),
        Some(&other_county),
        None,
    )
    .await
    .expect_problem(404, "NOT_FOUND");
    let started = tp
        .call(
            "POST",
            &format!("/v1/admin/declarations/{id}/start"),
            Some(&county),
            None,
        )
        .await
        .expect(200);
    assert_eq!(started.body["status"], "under_review");
    withdraw(
        &tp,
        &e.token,
        &id,
        json!({"mode": "cancel", "acknowledge_no_resubmit": true}),
    )
    .await
    .expect_problem(409, "NOT_WITHDRAWABLE");
    tp.call(
        "POST",
        &format!("/v1/admin/declarations/{id}/decision"),
        Some(&county),
        Some(json!({"decision": "return"})),
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
    let returned = tp
        .call(
            "POST",
            &format!("/v1/admin/declarations/{id}/decision"),
            Some(&county),
            Some(json!({"decision": "return", "comment": "请补充研发费用说明"})),
        )
        .await
        .expect(200);
    assert_eq!(returned.body["status"], "returned");
    // The window closes; a returned declaration can still be edited and resubmitted.
    tp.set_time(AFTER);
    e.token = tp.login(&e.login, PASSWORD).await;
    let d = tp
        .call(
            "GET",
            &format!("/v1/declarations/{id}"),
            Some(&e.token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(d.body["last_comment"], "请补充研发费用说明");
    let mut form = d.body["form"].as_object().unwrap().clone();
    let text_field = d.body["form_spec"]["spec"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "long_text")
        .expect("a long-text field")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    form.insert(text_field, json!("已补充研发费用归集说明。"));
    tp.call_with(
        "PUT",
        &format!("/v1/declarations/{id}"),
        Some(&e.token),
        Some(json!({"form": form})),
        &[("If-Match", d.version().to_string())],
    )
    .await
    .expect(200);
    let again = tp.submit_declaration(&e.token, &id).await.expect(200);
    assert_eq!(again.body["status"], "submitted");
    assert_eq!(again.body["level"], "county");
    assert_eq!(again.body["submissions"], 2);
    // Passing at the county sends it to the city: still not withdrawable (review started).
    let county = tp.login("xihu_official", PASSWORD).await;
    let other_county = tp.login("binjiang_official", PASSWORD).await;
    tp.call(
        "POST",
        &format!("/v1/admin/declarations/{id}/start"),
        Some(&county),
        None,
    )
    .await
    .expect(200);
    let at_city = tp
        .call(
            "POST",
            &format!("/v1/admin/declarations/{id}/decision"),
            Some(&county),
            Some(json!({"decision": "pass"})),
        )
        .await
        .expect(200);
    assert_eq!(
        (
            at_city.body["status"].as_str(),
            at_city.body["level"].as_str()
        ),
        (Some("submitted"), Some("city"))
    );
    withdraw(
        &tp,
        &e.token,
        &id,
        json!({"mode": "modify", "acknowledge_no_resubmit": true}),
    )
    .await
    .expect_problem(409, "NOT_WITHDRAWABLE");

    // The audit trail has every transition, in order, with actor and comment.
    let history = tp
        .call(
            "GET",
            &format!("/v1/declarations/{id}/history"),
            Some(&e.token),
            None,
        )
        .await
        .expect(200);
    let actions: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    let transitions: Vec<&str> = actions
        .iter()
        .copied()
        .filter(|a| !a.starts_with("evidence"))
        .collect();
    assert_eq!(
        transitions,
        [
            "create",
            "save",
            "submit",
            "start_review",
            "return",
            "save",
            "submit",
            "start_review",
            "pass"
        ],
        "{actions:?}"
    );
    let ret = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["action"] == "return")
        .unwrap();
    assert_eq!(ret["comment"], "请补充研发费用说明");
    assert_eq!(ret["actor_role"], "official");
    assert_eq!(
        (ret["from"].as_str(), ret["to"].as_str()),
        (Some("under_review"), Some("returned"))
    );
    // The reviewer reads the history too; an official elsewhere cannot.
    tp.call(
        "GET",
        &format!("/v1/declarations/{id}/history"),
        Some(&county),
        None,
    )
    .await
    .expect(200);
    tp.call(
        "GET",
        &format!("/v1/declarations/{id}/history"),
        Some(&other_county),
        None,
    )
    .await
    .expect_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn stale_if_match_versions_are_refused() {
    let tp = start(Backend::Local).await;
    tp.set_time(DURING);
    let e = enterprise(&tp, 1, "330106", true).await;
    let created = tp
        .call(
            "POST",
            "/v1/declarations",
            Some(&e.token),
            Some(json!({"tier": "innovative"})),
        )
        .await
        .expect(201);
    let id = created.body["id"].as_str().unwrap();
    tp.call_with(
        "PUT",
        &format!("/v1/declarations/{id}"),
        Some(&e.token),
        Some(json!({"form": {}})),
        &[("If-Match", "1".into())],
    )
    .await
    .expect(200);
    tp.call_with(
        "PUT",
        &format!("/v1/declarations/{id}"),
        Some(&e.token),
        Some(json!({"form": {}})),
        &[("If-Match", "1".into())],
    )
    .await
    .expect_problem(409, "VERSION_CONFLICT");
    tp.call_with(
        "PUT",
        &format!("/v1/declarations/{id}"),
        Some(&e.token),
        Some(json!({"form": {}})),
        &[("If-Match", "soon".into())],
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
}

// ---- windows --------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn windows_are_set_by_provinces_for_their_province_and_by_the_ministry_for_little_giants() {
    let tp = start(Backend::Local).await;
    tp.set_time(DURING);
    let zj = tp
        .signed_in_official("zj_province", "province", Some("330000"))
        .await;
    let js = tp
        .signed_in_official("js_province", "province", Some("320000"))
        .await;
    let ministry = tp.signed_in_official("miit", "ministry", None).await;
    let e = enterprise(&tp, 1, "330106", true).await;
    let body = |tier: &str, region: Option<&str>| {
        let mut b = json!({"tier": tier, "year": YEAR, "opens_at": "2026-05-01T00:00:00+08:00", "closes_at": "2026-06-01T00:00:00+08:00"});
        if let Some(r) = region {
            b["region"] = json!(r);
        }
        b
    };
    tp.call(
        "POST",
        "/v1/admin/windows",
        Some(&zj),
        Some(body("specialized", Some("330000"))),
    )
    .await
    .expect(201);
    tp.call(
        "POST",
        "/v1/admin/windows",
        Some(&js),
        Some(body("specialized", Some("330000"))),
    )
    .await
    .expect_problem(403, "FORBIDDEN");
    tp.call(
        "POST",
        "/v1/admin/windows",
        Some(&zj),
        Some(body("little_giant", None)),
    )
    .await
    .expect_problem(403, "FORBIDDEN");
    tp.call(
        "POST",
        "/v1/admin/windows",
        Some(&ministry),
        Some(body("little_giant", None)),
    )
    .await
    .expect(201);
    tp.call(
        "POST",
        "/v1/admin/windows",
        Some(&ministry),
        Some(body("little_giant", Some("330000"))),
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
    tp.call(
        "POST",
        "/v1/admin/windows",
        Some(&e.token),
        Some(body("specialized", Some("330000"))),
    )
    .await
    .expect_problem(403, "FORBIDDEN");
    let mut backwards = body("innovative", Some("330000"));
    backwards["closes_at"] = json!("2026-04-01T00:00:00+08:00");
    tp.call("POST", "/v1/admin/windows", Some(&zj), Some(backwards))
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    let listed = tp
        .call(
            "GET",
            "/v1/admin/windows?tier=specialized&year=2026",
            Some(&zj),
            None,
        )
        .await
        .expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    let elsewhere = tp
        .call(
            "GET",
            "/v1/admin/windows?tier=specialized&year=2026",
            Some(&js),
            None,
        )
        .await
        .expect(200);
    assert_eq!(elsewhere.body["items"].as_array().unwrap().len(), 0);
}

// ---- evidence on both blob adapters ---------------------------------------------------------------------------------

async fn evidence_rules(backend: Backend) {
    let tp = start(backend).await;
    tp.set_time(DURING);
    let e = enterprise(&tp, 1, "330106", true).await;
    let created = tp
        .call(
            "POST",
            "/v1/declarations",
            Some(&e.token),
            Some(json!({"tier": "innovative"})),
        )
        .await
        .expect(201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let slot = created.body["form_spec"]["spec"]["evidence"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/declarations/{id}/evidence");
    let ask = |name: &str, ct: &str, bytes: &[u8]| json!({"slot": slot, "file_name": name, "content_type": ct, "size": bytes.len(), "sha256": sha256_hex(bytes)});

    // Happy path: listed with a download link that returns the bytes.
    let first = tp
        .upload(
            &e.token,
            &id,
            &slot,
            "营业执照.pdf",
            "application/pdf",
            &pdf_bytes(),
        )
        .await;
    let list = tp
        .call("GET", &path, Some(&e.token), None)
        .await
        .expect(200);
    let item = &list.body["items"][0];
    assert_eq!(item["id"], first.as_str());
    assert_eq!(item["current"], true);
    let got = tp
        .http
        .get(item["download"]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(got.status().is_success());
    assert_eq!(got.bytes().await.unwrap().to_vec(), pdf_bytes());
    // A new upload replaces the slot's file.
    let second = tp
        .upload(
            &e.token,
            &id,
            &slot,
            "营业执照(新).pdf",
            "application/pdf",
            &pdf_bytes(),
        )
        .await;
    let list = tp
        .call("GET", &path, Some(&e.token), None)
        .await
        .expect(200);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", list.text);
    assert_eq!(items[0]["id"], second.as_str());

    // Refused before any byte moves: type by name, size cap, unknown slot.
    tp.call(
        "POST",
        &path,
        Some(&e.token),
        Some(ask("a.txt", "text/plain", b"hello")),
    )
    .await
    .expect_problem(422, "FILE_TYPE_NOT_ALLOWED");
    let mut big = ask("big.pdf", "application/pdf", b"x");
    big["size"] = json!(60 * 1024 * 1024);
    tp.call("POST", &path, Some(&e.token), Some(big))
        .await
        .expect_problem(422, "FILE_TOO_LARGE");
    let mut unknown = ask("a.pdf", "application/pdf", b"x");
    unknown["slot"] = json!("no_such_slot");
    tp.call("POST", &path, Some(&e.token), Some(unknown))
        .await
        .expect_problem(422, "VALIDATION_FAILED");

    // Completing before uploading.
    let t = tp
        .call(
            "POST",
            &path,
            Some(&e.token),
            Some(ask("a.pdf", "application/pdf", &pdf_bytes())),
        )
        .await
        .expect(201);
    let pending = t.body["evidence_id"].as_str().unwrap().to_owned();
    tp.call(
        "POST",
        &format!("{path}/{pending}/complete"),
        Some(&e.token),
        None,
    )
    .await
    .expect_problem(409, "UPLOAD_INCOMPLETE");

    // Wrong type by content: a .pdf name and type with PNG bytes.
    let png = png_bytes();
    let t = tp
        .call(
            "POST",
            &path,
            Some(&e.token),
            Some(ask("scan.pdf", "application/pdf", &png)),
        )
        .await
        .expect(201);
    assert!(
        tp.put_presigned(&t.body["upload"], png.clone())
            .await
            .is_success()
    );
    let eid = t.body["evidence_id"].as_str().unwrap();
    tp.call(
        "POST",
        &format!("{path}/{eid}/complete"),
        Some(&e.token),
        None,
    )
    .await
    .expect_problem(422, "FILE_TYPE_NOT_ALLOWED");

    // Wrong checksum: other bytes than declared.
    let t = tp
        .call(
            "POST",
            &path,
            Some(&e.token),
            Some(ask("a.pdf", "application/pdf", &pdf_bytes())),
        )
        .await
        .expect(201);
    let mut tampered = pdf_bytes();
    tampered[10] ^= 1;
    let put = tp.put_presigned(&t.body["upload"], tampered).await;
    let eid = t.body["evidence_id"].as_str().unwrap();
    match backend {
        // The local adapter checks the signed checksum on PUT.
        Backend::Local => {
            assert!(put.is_client_error(), "{put}");
            tp.call(
                "POST",
                &format!("{path}/{eid}/complete"),
                Some(&e.token),
                None,
            )
            .await
            .expect_problem(409, "UPLOAD_INCOMPLETE");
        }
        // moto stores anything; `complete` catches it.
        Backend::Moto => {
            assert!(put.is_success());
            tp.call(
                "POST",
                &format!("{path}/{eid}/complete"),
                Some(&e.token),
                None,
            )
            .await
            .expect_problem(422, "CHECKSUM_MISMATCH");
        }
    }

    // Another declaration's key: the URL of one declaration cannot land in another, and ids do not cross.
    let other = tp
        .call(
            "POST",
            "/v1/declarations",
            Some(&e.token),
            Some(json!({"tier": "specialized"})),
        )
        .await
        .expect(201);
    let other_id = other.body["id"].as_str().unwrap().to_owned();
    let t = tp
        .call(
            "POST",
            &path,
            Some(&e.token),
            Some(ask("a.pdf", "application/pdf", &pdf_bytes())),
        )
        .await
        .expect(201);
    let eid = t.body["evidence_id"].as_str().unwrap().to_owned();
    let mut redirected = t.body["upload"].clone();
    let url = redirected["url"]
        .as_str()
        .unwrap()
        .replace(&format!("evidence/{id}/"), &format!("evidence/{other_id}/"));
    assert_ne!(url, t.body["upload"]["url"].as_str().unwrap());
    redirected["url"] = json!(url);
    let put = tp.put_presigned(&redirected, pdf_bytes()).await;
    if backend == Backend::Local {
        assert!(
            put.is_client_error(),
            "a URL signed for one key must not write another: {put}"
        );
    }
    tp.call(
        "POST",
        &format!("/v1/declarations/{other_id}/evidence/{eid}/complete"),
        Some(&e.token),
        None,
    )
    .await
    .expect_problem(404, "NOT_FOUND");
    // Nothing arrived at the signed key itself.
    tp.call(
        "POST",
        &format!("{path}/{eid}/complete"),
        Some(&e.token),
        None,
    )
    .await
    .expect_problem(409, "UPLOAD_INCOMPLETE");

    // Expired URL.
    let t = tp
        .call(
            "POST",
            &path,
            Some(&e.token),
            Some(ask("late.pdf", "application/pdf", &pdf_bytes())),
        )
        .await
        .expect(201);
    let url = t.body["upload"]["url"].as_str().unwrap().to_owned();
    match backend {
        Backend::Local => {
            tp.set_time("2026-04-20T10:16:00+08:00");
            assert!(
                tp.put_presigned(&t.body["upload"], pdf_bytes())
                    .await
                    .is_client_error()
            );
            tp.set_time(DURING);
        }
        // moto does not enforce expiry; the URL must carry the 15-minute expiry in its signature.
        Backend::Moto => assert!(url.contains("X-Amz-Expires=900"), "{url}"),
    }

    // Delete while editable; the declaration of another enterprise is not reachable.
    tp.call("DELETE", &format!("{path}/{second}"), Some(&e.token), None)
        .await
        .expect(204);
    let list = tp
        .call("GET", &path, Some(&e.token), None)
        .await
        .expect(200);
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["current"] != true)
    );
    let stranger = tp.enterprise("firm9", &uscc(9, "330106"), "无关公司").await;
    tp.call("GET", &path, Some(&stranger), None)
        .await
        .expect_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn evidence_uploads_are_checked_on_the_disk_adapter() {
    evidence_rules(Backend::Local).await;
}

#[tokio::test]
async fn evidence_uploads_are_checked_on_s3_on_moto() {
    evidence_rules(Backend::Moto).await;
}

// ---- the same flow on DynamoDB (moto) -----------------------------------------------------------------------------

#[tokio::test]
async fn the_declaration_flow_runs_on_dynamodb() {
    let tp = start(Backend::Moto).await;
    tp.set_time(DURING);
    open_zhejiang(&tp, "specialized").await;
    let mut e = enterprise(&tp, 1, "330106", true).await;
    let id = tp.ready_declaration(&e.token, "specialized", YEAR).await;
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&e.token),
        Some(json!({"tier": "specialized"})),
    )
    .await
    .expect_problem(409, "DUPLICATE_DECLARATION");
    tp.submit_declaration(&e.token, &id).await.expect(200);
    withdraw(&tp, &e.token, &id, json!({"mode": "modify"}))
        .await
        .expect(200);
    tp.submit_declaration(&e.token, &id).await.expect(200);
    tp.set_time(AFTER);
    e.token = tp.login(&e.login, PASSWORD).await;
    withdraw(&tp, &e.token, &id, json!({"mode": "cancel"}))
        .await
        .expect_problem(409, "ACKNOWLEDGEMENT_REQUIRED");
    withdraw(
        &tp,
        &e.token,
        &id,
        json!({"mode": "cancel", "acknowledge_no_resubmit": true}),
    )
    .await
    .expect(200);
    let history = tp
        .call(
            "GET",
            &format!("/v1/declarations/{id}/history"),
            Some(&e.token),
            None,
        )
        .await
        .expect(200);
    assert!(history.body["items"].as_array().unwrap().len() >= 6);
    let list = tp
        .call("GET", "/v1/declarations", Some(&e.token), None)
        .await
        .expect(200);
    assert_eq!(list.body["items"][0]["status"], "withdrawn");
    let _ = e.uscc;
}

// ---- idempotency ----------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_retried_post_with_the_same_idempotency_key_returns_the_first_result() {
    let tp = start(Backend::Local).await;
    tp.set_time(DURING);
    let e = enterprise(&tp, 1, "330106", true).await;
    let key = [("Idempotency-Key", "create-innovative-2026".to_owned())];
    let body = json!({"tier": "innovative"});
    let first = tp
        .call_with(
            "POST",
            "/v1/declarations",
            Some(&e.token),
            Some(body.clone()),
            &key,
        )
        .await
        .expect(201);
    let again = tp
        .call_with("POST", "/v1/declarations", Some(&e.token), Some(body), &key)
        .await
        .expect(201);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.headers["etag"], first.headers["etag"]);
    // Without the key the retry is a new request (and a duplicate).
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&e.token),
        Some(json!({"tier": "innovative"})),
    )
    .await
    .expect_problem(409, "DUPLICATE_DECLARATION");
    // The same key with another request is refused.
    tp.call_with(
        "POST",
        "/v1/declarations",
        Some(&e.token),
        Some(json!({"tier": "specialized"})),
        &key,
    )
    .await
    .expect_problem(422, "IDEMPOTENCY_KEY_REUSED");
    // Keys are per caller: another enterprise using the same key gets its own answer.
    let other = enterprise(&tp, 2, "330106", true).await;
    let theirs = tp
        .call_with(
            "POST",
            "/v1/declarations",
            Some(&other.token),
            Some(json!({"tier": "innovative"})),
            &key,
        )
        .await
        .expect(201);
    assert_ne!(theirs.body["id"], first.body["id"]);
    // Errors are replayed too (they are answers), and a bad key is refused.
    tp.call_with(
        "POST",
        "/v1/declarations",
        Some(&e.token),
        Some(json!({"tier": "innovative"})),
        &[("Idempotency-Key", "has space".into())],
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
}
