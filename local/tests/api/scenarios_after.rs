//! After recognition (issue 5), driven by the platform clock: the yearly information update (1 January –
//! 30 April, China time), the profile lock outside it, re-review from the eligibility flag to renewed validity,
//! eligibility lost by a missed update, expiry, revocation and its three-year ban, and major-change reports.

use crate::support::fixtures::*;
use crate::support::*;
use serde_json::{Value, json};

/// A verified enterprise with a profile (set before any qualification, so it is not locked); returns its login.
async fn firm(tp: &TestPlatform, n: u32, region: &str, years: &[i32]) -> (String, String) {
    let firm = tp
        .firm(
            &format!("firm{n}"),
            &uscc(n, "330106"),
            &format!("测试企业{n}有限公司"),
            &plain_profile(region, years),
            None,
        )
        .await;
    (firm.login, firm.uscc)
}

async fn token(tp: &TestPlatform, login: &str) -> String {
    tp.login(login, PASSWORD).await
}

/// Create and submit this year's update (optionally changing the address); returns its id.
async fn file_update(
    tp: &TestPlatform,
    login: &str,
    region: &str,
    years: &[i32],
    address: Option<&str>,
) -> String {
    let t = token(tp, login).await;
    let created = tp
        .call("POST", "/v1/info-updates", Some(&t), None)
        .await
        .expect(201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let mut p = plain_profile(region, years);
    if let Some(a) = address {
        p["address"] = json!(a);
    }
    tp.call(
        "PUT",
        &format!("/v1/info-updates/{id}"),
        Some(&t),
        Some(json!({"profile": p})),
    )
    .await
    .expect(200);
    let s = tp
        .call(
            "POST",
            &format!("/v1/info-updates/{id}/submit"),
            Some(&t),
            None,
        )
        .await
        .expect(200);
    assert_eq!(s.body["status"], "submitted");
    id
}

async fn qualification(tp: &TestPlatform, login: &str, tier: &str) -> Value {
    let t = token(tp, login).await;
    let ent = tp
        .call("GET", "/v1/enterprise", Some(&t), None)
        .await
        .expect(200);
    ent.body["qualifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["tier"] == tier)
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn the_yearly_update_runs_from_january_to_april_and_locks_the_profile_outside_it() {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-04-15T10:00:00+08:00");
    let xihu = tp.official("xihu", "county", Some("330106")).await;
    let (old, old_code) = firm(&tp, 1, "330106", &[2023, 2024, 2025]).await;
    let (new, new_code) = firm(&tp, 2, "330106", &[2024, 2025]).await;
    let (plain, _) = firm(&tp, 3, "330106", &[2025]).await;
    let (late, late_code) = firm(&tp, 4, "330106", &[2025]).await;
    tp.grant(&old_code, "specialized", "2025-06-01").await;
    tp.grant(&new_code, "specialized", "2026-01-10").await;
    tp.grant(&late_code, "innovative", "2025-02-01").await;

    // Recognised in an earlier year: files on 15 April; the county accepts; the update becomes the profile.
    let id = file_update(&tp, &old, "330106", &[2023, 2024, 2025], Some("文一路99号")).await;
    let t = token(&tp, &old).await;
    tp.call("POST", "/v1/info-updates", Some(&t), None)
        .await
        .expect_problem(409, "DUPLICATE_DECLARATION");
    let modified = tp
        .call(
            "POST",
            &format!("/v1/info-updates/{id}/withdraw"),
            Some(&t),
            Some(json!({"mode": "modify"})),
        )
        .await
        .expect(200);
    assert_eq!(modified.body["status"], "draft");
    // Evidence is optional for an update; a file can be attached while it is editable, and the county reads it.
    let pdf = pdf_bytes();
    let ticket = tp
        .call(
            "POST",
            &format!("/v1/info-updates/{id}/evidence"),
            Some(&t),
            Some(json!({"slot": "audit_report", "file_name": "2025审计报告.pdf", "content_type": "application/pdf",
                        "size": pdf.len(), "sha256": sha256_hex(&pdf)})),
        )
        .await
        .expect(201);
    assert!(
        tp.put_presigned(&ticket.body["upload"], pdf.clone())
            .await
            .is_success()
    );
    let eid = ticket.body["evidence_id"].as_str().unwrap().to_owned();
    tp.call(
        "POST",
        &format!("/v1/info-updates/{id}/evidence/{eid}/complete"),
        Some(&t),
        None,
    )
    .await
    .expect(200);
    tp.call(
        "POST",
        &format!("/v1/declarations/{id}/evidence/{eid}/complete"),
        Some(&t),
        None,
    )
    .await
    .expect_problem(404, "NOT_FOUND");
    tp.call(
        "POST",
        &format!("/v1/info-updates/{id}/submit"),
        Some(&t),
        None,
    )
    .await
    .expect(200);
    tp.call(
        "POST",
        &format!("/v1/info-updates/{id}/evidence"),
        Some(&t),
        Some(json!({"slot": "supporting", "file_name": "x.pdf", "content_type": "application/pdf", "size": 3,
                    "sha256": sha256_hex(b"abc")})),
    )
    .await
    .expect_problem(409, "INVALID_STATE");
    let x = token(&tp, &xihu).await;
    let files = tp
        .call(
            "GET",
            &format!("/v1/info-updates/{id}/evidence"),
            Some(&x),
            None,
        )
        .await
        .expect(200);
    assert_eq!(files.body["items"][0]["file_name"], "2025审计报告.pdf");
    let queue = tp
        .call("GET", "/v1/admin/queue?kind=info_update", Some(&x), None)
        .await
        .expect(200);
    assert_eq!(queue.body["items"][0]["id"], id.as_str());
    tp.call(
        "POST",
        &format!("/v1/admin/info-updates/{id}/decision"),
        Some(&x),
        Some(json!({"decision": "return"})),
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
    let accepted = tp
        .call(
            "POST",
            &format!("/v1/admin/info-updates/{id}/decision"),
            Some(&x),
            Some(json!({"decision": "accept"})),
        )
        .await
        .expect(200);
    assert_eq!(accepted.body["status"], "accepted");
    let ent = tp
        .call("GET", "/v1/enterprise", Some(&t), None)
        .await
        .expect(200);
    assert_eq!(ent.body["address"], "文一路99号");
    tp.call(
        "POST",
        &format!("/v1/info-updates/{id}/withdraw"),
        Some(&t),
        Some(json!({"mode": "cancel"})),
    )
    .await
    .expect_problem(409, "NOT_WITHDRAWABLE");

    // Recognised this year: exempt. Never recognised: nothing to update.
    let t = token(&tp, &new).await;
    tp.call("POST", "/v1/info-updates", Some(&t), None)
        .await
        .expect_problem(409, "UPDATE_NOT_REQUIRED");
    let t = token(&tp, &plain).await;
    tp.call("POST", "/v1/info-updates", Some(&t), None)
        .await
        .expect_problem(409, "UPDATE_NOT_REQUIRED");

    // Inside the period a recognised enterprise may edit its profile; on 1 May it may neither update nor edit.
    let t = token(&tp, &late).await;
    tp.call(
        "PUT",
        "/v1/enterprise",
        Some(&t),
        Some(plain_profile("330106", &[2025])),
    )
    .await
    .expect(200);
    tp.set_time("2026-05-01T00:00:00+08:00");
    let t = token(&tp, &late).await;
    tp.call("POST", "/v1/info-updates", Some(&t), None)
        .await
        .expect_problem(409, "NOT_IN_UPDATE_PERIOD");
    tp.call(
        "PUT",
        "/v1/enterprise",
        Some(&t),
        Some(plain_profile("330106", &[2025])),
    )
    .await
    .expect_problem(409, "PROFILE_LOCKED");
    // 30 April 23:59 China time is still inside.
    tp.set_time("2026-04-30T23:59:00+08:00");
    let t = token(&tp, &late).await;
    tp.call("POST", "/v1/info-updates", Some(&t), None)
        .await
        .expect(201);
    // An enterprise without a valid qualification is never locked.
    tp.set_time("2026-06-01T10:00:00+08:00");
    let t = token(&tp, &plain).await;
    tp.call(
        "PUT",
        "/v1/enterprise",
        Some(&t),
        Some(plain_profile("330106", &[2025])),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn a_re_review_goes_from_the_eligibility_flag_to_a_renewed_validity_and_a_missed_update_forfeits_it()
 {
    let tp = start(Backend::Local).await;
    tp.set_time("2024-04-10T10:00:00+08:00");
    let zj = tp.official("zj_prov", "province", Some("330000")).await;
    let hz = tp.official("hz_city", "city", Some("330100")).await;
    let xihu = tp.official("xihu", "county", Some("330106")).await;
    let (diligent, d_code) = firm(&tp, 1, "330106", &[2021, 2022, 2023]).await;
    let (forgetful, f_code) = firm(&tp, 2, "330106", &[2021, 2022, 2023]).await;
    tp.grant(&d_code, "specialized", "2023-05-01").await;
    tp.grant(&f_code, "specialized", "2023-05-01").await;
    // The diligent enterprise updates every year; the forgetful one skips 2025.
    for (year, clock) in [
        (2024, "2024-04-10T10:00:00+08:00"),
        (2025, "2025-04-10T10:00:00+08:00"),
        (2026, "2026-03-10T10:00:00+08:00"),
    ] {
        tp.set_time(clock);
        let years = [year - 3, year - 2, year - 1];
        file_update(&tp, &diligent, "330106", &years, None).await;
        if year != 2025 {
            file_update(&tp, &forgetful, "330106", &years, None).await;
        }
    }
    tp.set_time("2026-03-20T10:00:00+08:00");
    let t = token(&tp, &diligent).await;
    // Inside the update period the recognised enterprise may bring its figures up to date directly.
    tp.call(
        "PUT",
        "/v1/enterprise",
        Some(&t),
        Some(plain_profile("330106", &[2023, 2024, 2025])),
    )
    .await
    .expect(200);
    // Not flagged yet.
    tp.call(
        "POST",
        "/v1/re-reviews",
        Some(&t),
        Some(json!({"tier": "specialized"})),
    )
    .await
    .expect_problem(409, "RE_REVIEW_NOT_ELIGIBLE");
    let z = token(&tp, &zj).await;
    let x = token(&tp, &xihu).await;
    tp.call(
        "POST",
        &format!("/v1/admin/enterprises/{d_code}/re-review-eligibility"),
        Some(&x),
        Some(json!({"tier": "specialized"})),
    )
    .await
    .expect_problem(403, "FORBIDDEN");
    for code in [&d_code, &f_code] {
        tp.call(
            "POST",
            &format!("/v1/admin/enterprises/{code}/re-review-eligibility"),
            Some(&z),
            Some(json!({"tier": "specialized"})),
        )
        .await
        .expect(201);
    }
    let tf = token(&tp, &forgetful).await;
    // 认证到期管理: the enterprise sees its expiry and re-review state.
    let q = qualification(&tp, &forgetful, "specialized").await;
    assert_eq!(q["re_review"]["eligible_flag"], true);
    assert_eq!(q["re_review"]["missed_update_years"], json!([2025]));
    assert_eq!(q["re_review"]["forfeited"], true);
    assert_eq!(q["days_to_expiry"], 41, "2026-03-20 → 2026-04-30");
    let refused = tp
        .call(
            "POST",
            "/v1/re-reviews",
            Some(&tf),
            Some(json!({"tier": "specialized"})),
        )
        .await
        .expect_problem(409, "RE_REVIEW_NOT_ELIGIBLE");
    assert!(
        refused.body["detail"].as_str().unwrap().contains("2025"),
        "{}",
        refused.text
    );

    // The diligent enterprise files the re-review: the tier's form, evidence, digital level, the review chain.
    tp.assess_digital(&t, Pick::First).await;
    let created = tp
        .call(
            "POST",
            "/v1/re-reviews",
            Some(&t),
            Some(json!({"tier": "specialized"})),
        )
        .await
        .expect(201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let spec = created.body["form_spec"]["spec"].clone();
    tp.call(
        "PUT",
        &format!("/v1/re-reviews/{id}"),
        Some(&t),
        Some(json!({"form": fill_form(&spec)})),
    )
    .await
    .expect(200);
    tp.upload_required(&t, &id, &spec, "材料.pdf").await;
    tp.call(
        "POST",
        &format!("/v1/re-reviews/{id}/submit"),
        Some(&t),
        None,
    )
    .await
    .expect(200);
    let back = tp
        .call(
            "POST",
            &format!("/v1/re-reviews/{id}/withdraw"),
            Some(&t),
            Some(json!({"mode": "modify"})),
        )
        .await
        .expect(200);
    assert_eq!(back.body["status"], "draft");
    tp.call(
        "POST",
        &format!("/v1/re-reviews/{id}/submit"),
        Some(&t),
        None,
    )
    .await
    .expect(200);
    let listed = tp
        .call("GET", "/v1/re-reviews", Some(&t), None)
        .await
        .expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    let queue = tp
        .call("GET", "/v1/admin/queue?kind=re_review", Some(&x), None)
        .await
        .expect(200);
    assert_eq!(queue.body["items"][0]["id"], id.as_str());
    let mut last = Value::Null;
    for (who, expect_level) in [(&xihu, Some("city")), (&hz, Some("province")), (&zj, None)] {
        let tok = token(&tp, who).await;
        last = tp
            .call(
                "POST",
                &format!("/v1/admin/re-reviews/{id}/decision"),
                Some(&tok),
                Some(json!({"decision": "pass"})),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(last["level"].as_str(), expect_level);
    }
    assert_eq!(last["status"], "accepted");
    // Renewed: three more years from the day after the old validity ended.
    let q = qualification(&tp, &diligent, "specialized").await;
    assert_eq!(
        (q["valid_from"].as_str(), q["valid_until"].as_str()),
        (Some("2026-05-01"), Some("2029-04-30"))
    );
    // The flag is consumed.
    tp.call(
        "POST",
        "/v1/re-reviews",
        Some(&t),
        Some(json!({"tier": "specialized"})),
    )
    .await
    .expect_problem(409, "RE_REVIEW_NOT_ELIGIBLE");
}

#[tokio::test]
async fn qualifications_expire_by_the_clock_and_a_revocation_bans_the_tier_for_three_years() {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-01-09T10:00:00+08:00");
    let zj = tp.official("zj_prov", "province", Some("330000")).await;
    let xihu = tp.official("xihu", "county", Some("330106")).await;
    let (a, a_code) = firm(&tp, 1, "330106", &[2023, 2024, 2025]).await;
    tp.grant(&a_code, "specialized", "2023-01-10").await;
    assert_eq!(
        qualification(&tp, &a, "specialized").await["status"],
        "valid"
    );
    tp.set_time("2026-01-10T00:00:00+08:00");
    let q = qualification(&tp, &a, "specialized").await;
    assert_eq!(
        (q["status"].as_str(), q["valid_until"].as_str()),
        (Some("expired"), Some("2026-01-09"))
    );

    let (b, b_code) = firm(&tp, 2, "330106", &[2023, 2024, 2025]).await;
    tp.grant(&b_code, "innovative", "2025-06-01").await;
    tp.set_time("2026-04-15T10:00:00+08:00");
    let x = token(&tp, &xihu).await;
    tp.call(
        "POST",
        &format!("/v1/admin/enterprises/{b_code}/revocation"),
        Some(&x),
        Some(json!({"tier": "innovative", "reason": "偷漏税"})),
    )
    .await
    .expect_problem(403, "FORBIDDEN");
    let js = tp.official("js_prov", "province", Some("320000")).await;
    let j = token(&tp, &js).await;
    tp.call(
        "POST",
        &format!("/v1/admin/enterprises/{b_code}/revocation"),
        Some(&j),
        Some(json!({"tier": "innovative", "reason": "偷漏税"})),
    )
    .await
    .expect_problem(404, "NOT_FOUND");
    let z = token(&tp, &zj).await;
    let revoked = tp
        .call(
            "POST",
            &format!("/v1/admin/enterprises/{b_code}/revocation"),
            Some(&z),
            Some(json!({"tier": "innovative", "reason": "发生偷漏税行为"})),
        )
        .await
        .expect(200);
    assert_eq!(revoked.body["banned_until"], "2029-04-14");
    assert_eq!(
        qualification(&tp, &b, "innovative").await["status"],
        "revoked"
    );
    let t = token(&tp, &b).await;
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&t),
        Some(json!({"tier": "innovative"})),
    )
    .await
    .expect_problem(409, "DECLARATION_BANNED");
    // Other tiers are not banned (specialized needs innovative under 2026, so that is the refusal there).
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&t),
        Some(json!({"tier": "specialized"})),
    )
    .await
    .expect_problem(409, "PREREQUISITE_MISSING");
    // Three years later the ban is over.
    tp.set_time("2029-04-15T10:00:00+08:00");
    let t = token(&tp, &b).await;
    tp.call(
        "POST",
        "/v1/declarations",
        Some(&t),
        Some(json!({"tier": "innovative"})),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn change_reports_are_marked_late_after_three_months_and_an_accepted_relocation_moves_the_jurisdiction()
 {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-04-15T10:00:00+08:00");
    let xihu = tp.official("xihu", "county", Some("330106")).await;
    let zj = tp.official("zj_prov", "province", Some("330000")).await;
    let js = tp.official("js_prov", "province", Some("320000")).await;
    let (a, a_code) = firm(&tp, 1, "330106", &[2025]).await;
    tp.grant(&a_code, "specialized", "2025-06-01").await;
    let t = token(&tp, &a).await;

    let bad = tp
        .call("POST", "/v1/change-reports", Some(&t), Some(json!({"kind": "relocation", "occurred_on": "2026-03-01", "details": "迁往江苏", "new_region": "330108"})))
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    assert!(bad.text.contains("SAME_PROVINCE"));
    tp.call("POST", "/v1/change-reports", Some(&t), Some(json!({"kind": "rename", "occurred_on": "2026-05-01", "details": "x", "new_name": "新名"})))
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    let on_time = tp
        .call("POST", "/v1/change-reports", Some(&t), Some(json!({"kind": "rename", "occurred_on": "2026-01-15", "details": "股东会决议更名", "new_name": "浙江甲航空科技有限公司"})))
        .await
        .expect(201);
    assert_eq!(on_time.body["late"], false);
    let late = tp
        .call("POST", "/v1/change-reports", Some(&t), Some(json!({"kind": "relocation", "occurred_on": "2026-01-14", "details": "整体迁往南京", "new_region": "320102"})))
        .await
        .expect(201);
    assert_eq!(
        late.body["late"], true,
        "filed more than 3 months after 14 January"
    );

    // The county sees both, the late one flagged.
    let x = token(&tp, &xihu).await;
    let queue = tp
        .call("GET", "/v1/admin/queue?kind=change_report", Some(&x), None)
        .await
        .expect(200);
    let items = queue.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .any(|i| i["late"] == true && i["id"] == late.body["id"])
    );
    let rename_id = on_time.body["id"].as_str().unwrap();
    tp.call(
        "POST",
        &format!("/v1/admin/change-reports/{rename_id}/decision"),
        Some(&x),
        Some(json!({"decision": "accept"})),
    )
    .await
    .expect(200);
    let ent = tp
        .call("GET", "/v1/enterprise", Some(&t), None)
        .await
        .expect(200);
    assert_eq!(ent.body["name"], "浙江甲航空科技有限公司");

    // Before the relocation Zhejiang sees the enterprise and Jiangsu does not; after it, the other way round.
    let z = token(&tp, &zj).await;
    let j = token(&tp, &js).await;
    tp.call(
        "GET",
        &format!("/v1/admin/enterprises/{a_code}"),
        Some(&z),
        None,
    )
    .await
    .expect(200);
    tp.call(
        "GET",
        &format!("/v1/admin/enterprises/{a_code}"),
        Some(&j),
        None,
    )
    .await
    .expect_problem(404, "NOT_FOUND");
    let reloc_id = late.body["id"].as_str().unwrap();
    tp.call(
        "POST",
        &format!("/v1/admin/change-reports/{reloc_id}/decision"),
        Some(&x),
        Some(json!({"decision": "accept", "comment": "已核实"})),
    )
    .await
    .expect(200);
    tp.call(
        "GET",
        &format!("/v1/admin/enterprises/{a_code}"),
        Some(&j),
        None,
    )
    .await
    .expect(200);
    tp.call(
        "GET",
        &format!("/v1/admin/enterprises/{a_code}"),
        Some(&z),
        None,
    )
    .await
    .expect_problem(404, "NOT_FOUND");
    let ent = tp
        .call("GET", "/v1/enterprise", Some(&t), None)
        .await
        .expect(200);
    assert_eq!(ent.body["region"], "320102");
    let reports = tp
        .call("GET", "/v1/change-reports", Some(&t), None)
        .await
        .expect(200);
    assert!(
        reports.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "accepted")
    );
    tp.call(
        "POST",
        &format!("/v1/admin/change-reports/{reloc_id}/decision"),
        Some(&x),
        Some(json!({"decision": "accept"})),
    )
    .await
    .expect_problem(409, "INVALID_STATE");
}

#[tokio::test]
async fn updates_change_reports_and_revocations_reach_the_enterprise_and_the_officials_as_messages()
{
    let tp = start(Backend::Local).await;
    tp.set_time("2026-04-15T10:00:00+08:00");
    let xihu = tp.official("xihu", "county", Some("330106")).await;
    let zj = tp.official("zj_prov", "province", Some("330000")).await;
    let (a, a_code) = firm(&tp, 1, "330106", &[2023, 2024, 2025]).await;
    tp.grant(&a_code, "specialized", "2025-06-01").await;
    let update = file_update(&tp, &a, "330106", &[2023, 2024, 2025], None).await;
    let t = token(&tp, &a).await;
    tp.call("POST", "/v1/change-reports", Some(&t), Some(json!({"kind": "overseas_branch", "occurred_on": "2026-04-01", "details": "在新加坡设立子公司"})))
        .await
        .expect(201);
    tp.dispatch().await;
    let x = token(&tp, &xihu).await;
    let inbox = tp
        .call("GET", "/v1/messages", Some(&x), None)
        .await
        .expect(200);
    let titles: Vec<&str> = inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap())
        .collect();
    assert!(titles.iter().any(|t| t.contains("信息更新")), "{titles:?}");
    assert!(titles.iter().any(|t| t.contains("重大变更")), "{titles:?}");

    tp.call(
        "POST",
        &format!("/v1/admin/info-updates/{update}/decision"),
        Some(&x),
        Some(json!({"decision": "return", "comment": "请补充研发人员数据"})),
    )
    .await
    .expect(200);
    let z = token(&tp, &zj).await;
    tp.call(
        "POST",
        &format!("/v1/admin/enterprises/{a_code}/revocation"),
        Some(&z),
        Some(json!({"tier": "specialized", "reason": "数据造假"})),
    )
    .await
    .expect(200);
    tp.dispatch().await;
    let inbox = tp
        .call("GET", "/v1/messages", Some(&t), None)
        .await
        .expect(200);
    let bodies: Vec<&str> = inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert!(
        bodies.iter().any(|b| b.contains("请补充研发人员数据")),
        "{bodies:?}"
    );
    assert!(bodies.iter().any(|b| b.contains("数据造假")), "{bodies:?}");
    assert!(
        inbox.body["unread"].as_u64().unwrap() >= 4,
        "{}",
        inbox.text
    );
    // Results also go out by SMS, once.
    let outbox = tp
        .call("GET", "/v1/dev/outbox", None, None)
        .await
        .expect(200);
    let sms: Vec<&Value> = outbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["body"].as_str().unwrap().contains("数据造假"))
        .collect();
    assert_eq!(sms.len(), 1, "{}", outbox.text);
    tp.dispatch().await;
    let outbox = tp
        .call("GET", "/v1/dev/outbox", None, None)
        .await
        .expect(200);
    assert_eq!(
        outbox.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["body"].as_str().unwrap().contains("数据造假"))
            .count(),
        1
    );
}

#[tokio::test]
async fn a_returned_change_report_due_within_fourteen_days_is_reminded_once() {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-04-15T10:00:00+08:00");
    let xihu = tp.official("xihu", "county", Some("330106")).await;
    let (a, a_code) = firm(&tp, 1, "330106", &[2025]).await;
    tp.grant(&a_code, "specialized", "2025-06-01").await;
    tp.dispatch().await; // the reminders learn who holds a qualification
    let t = token(&tp, &a).await;
    let report = tp
        .call(
            "POST",
            "/v1/change-reports",
            Some(&t),
            Some(
                json!({"kind": "merger", "occurred_on": "2026-01-20", "details": "吸收合并乙公司"}),
            ),
        )
        .await
        .expect(201);
    let id = report.body["id"].as_str().unwrap();
    let x = token(&tp, &xihu).await;
    tp.call(
        "POST",
        &format!("/v1/admin/change-reports/{id}/decision"),
        Some(&x),
        Some(json!({"decision": "return", "comment": "请附合并协议"})),
    )
    .await
    .expect(200);
    for _ in 0..2 {
        tp.dispatcher.run_reminders().await.unwrap();
        tp.dispatch().await;
    }
    let inbox = tp
        .call("GET", "/v1/messages", Some(&t), None)
        .await
        .expect(200);
    let due: Vec<&Value> = inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["body"].as_str().unwrap().contains("2026-04-20"))
        .collect();
    assert_eq!(due.len(), 1, "{}", inbox.text);
}

#[tokio::test]
async fn the_closing_reminder_goes_only_to_enterprises_that_have_not_filed_their_update() {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-04-10T10:00:00+08:00");
    let (filed, filed_code) = firm(&tp, 1, "330106", &[2023, 2024, 2025]).await;
    let (late, late_code) = firm(&tp, 2, "330106", &[2023, 2024, 2025]).await;
    tp.grant(&filed_code, "specialized", "2025-06-01").await;
    tp.grant(&late_code, "specialized", "2025-06-01").await;
    tp.dispatch().await; // the reminders learn who holds a qualification
    file_update(&tp, &filed, "330106", &[2023, 2024, 2025], None).await;
    // 14 days before 30 April.
    tp.set_time("2026-04-16T09:00:00+08:00");
    for _ in 0..2 {
        tp.dispatcher.run_reminders().await.unwrap();
        tp.dispatch().await;
    }
    let closing = |inbox: &Value| {
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["title"].as_str().unwrap().contains("即将截止"))
            .count()
    };
    let t = token(&tp, &late).await;
    let inbox = tp
        .call("GET", "/v1/messages", Some(&t), None)
        .await
        .expect(200);
    assert_eq!(closing(&inbox.body), 1, "{}", inbox.text);
    let t = token(&tp, &filed).await;
    let inbox = tp
        .call("GET", "/v1/messages", Some(&t), None)
        .await
        .expect(200);
    assert_eq!(closing(&inbox.body), 0, "{}", inbox.text);
}
