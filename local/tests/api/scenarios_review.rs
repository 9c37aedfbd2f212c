//! Review scenarios (issue 4): declarations walk every level of their chain to publicity and recognition — a
//! little giant from a Beijing district (no city level, ministry decides) and a specialized declaration from a
//! Zhejiang county (province decides) — with a return and resubmission on the way; the qualification dates and
//! the audit trail are checked. Also: who may create officials, publicity objections, the public list.

use crate::support::fixtures::*;
use crate::support::*;
use serde_json::{Value, json};

const YEAR: i32 = 2026;

/// A verified enterprise with a complete profile and a digital self-assessment; returns its login name.
async fn enterprise(
    tp: &TestPlatform,
    login: &str,
    code: &str,
    name: &str,
    region: &str,
) -> String {
    tp.firm(login, code, name, &grown_profile(region), Some(Pick::Best))
        .await
        .login
}

async fn submitted_declaration(tp: &TestPlatform, login: &str, tier: &str) -> String {
    let token = tp.login(login, PASSWORD).await;
    let (id, submitted) = tp.submit_ready_declaration(&token, tier, YEAR).await;
    assert_eq!(submitted["status"], "submitted");
    id
}

/// Start and decide at the official's level; returns the declaration after the decision.
async fn review(
    tp: &TestPlatform,
    official: &str,
    id: &str,
    decision: &str,
    comment: &str,
) -> Value {
    let token = tp.login(official, PASSWORD).await;
    // The declaration waits in the official's queue, oldest first.
    let queue = tp
        .call(
            "GET",
            "/v1/admin/queue?kind=declaration",
            Some(&token),
            None,
        )
        .await
        .expect(200);
    assert!(
        queue.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id),
        "{official} should see {id} in its queue: {}",
        queue.text
    );
    let started = tp
        .call(
            "POST",
            &format!("/v1/admin/declarations/{id}/start"),
            Some(&token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(started.body["status"], "under_review");
    // The reviewer reads the declaration with its score and downloads the evidence.
    let d = tp
        .call("GET", &format!("/v1/declarations/{id}"), Some(&token), None)
        .await
        .expect(200);
    assert!(d.body["snapshot"]["assessment"].is_object());
    assert_eq!(tp.first_evidence_bytes(&token, id).await, pdf_bytes());
    tp.call(
        "POST",
        &format!("/v1/admin/declarations/{id}/decision"),
        Some(&token),
        Some(json!({"decision": decision, "comment": comment})),
    )
    .await
    .expect(200)
    .body
}

fn actions(history: &Value) -> Vec<String> {
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}{}",
                h["action"].as_str().unwrap(),
                h["level"]
                    .as_str()
                    .map(|l| format!("@{l}"))
                    .unwrap_or_default()
            )
        })
        .filter(|a| !a.starts_with("evidence"))
        .collect()
}

#[tokio::test]
async fn a_little_giant_from_a_beijing_district_walks_county_province_ministry_to_recognition() {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-05-06T09:00:00+08:00");
    let miit = tp.official("miit_official", "ministry", None).await;
    let haidian = tp
        .official("haidian_official", "county", Some("110108"))
        .await;
    let beijing = tp
        .official("beijing_official", "province", Some("110000"))
        .await;
    let ministry_token = tp.login(&miit, PASSWORD).await;
    tp.open_window_as(
        &ministry_token,
        "little_giant",
        YEAR,
        None,
        "2026-05-01T00:00:00+08:00",
        "2026-06-01T00:00:00+08:00",
    )
    .await;

    let code = uscc(7, "110108");
    let firm = enterprise(
        &tp,
        "bj_giant",
        &code,
        "北京精密紧固件股份有限公司",
        "110108",
    )
    .await;
    tp.grant(&code, "specialized", "2024-09-01").await;
    let id = submitted_declaration(&tp, &firm, "little_giant").await;
    let token = tp.login(&firm, PASSWORD).await;
    let d = tp
        .call("GET", &format!("/v1/declarations/{id}"), Some(&token), None)
        .await
        .expect(200);
    assert_eq!(
        d.body["chain"],
        json!(["county", "province", "ministry"]),
        "no city level for Haidian"
    );

    // County passes; the province returns it for more material.
    let after_county = review(&tp, &haidian, &id, "pass", "").await;
    assert_eq!(
        (
            after_county["status"].as_str(),
            after_county["level"].as_str()
        ),
        (Some("submitted"), Some("province"))
    );
    let returned = review(&tp, &beijing, &id, "return", "请补充市场占有率证明").await;
    assert_eq!(returned["status"], "returned");

    // The enterprise edits and resubmits (after the window closed: still allowed for a returned declaration).
    tp.set_time("2026-06-03T09:00:00+08:00");
    let token = tp.login(&firm, PASSWORD).await;
    let d = tp
        .call("GET", &format!("/v1/declarations/{id}"), Some(&token), None)
        .await
        .expect(200);
    let slot = d.body["form_spec"]["spec"]["evidence"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    tp.upload(
        &token,
        &id,
        &slot,
        "补充材料.pdf",
        "application/pdf",
        &pdf_bytes(),
    )
    .await;
    let again = tp
        .call(
            "POST",
            &format!("/v1/declarations/{id}/submit"),
            Some(&token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        again.body["level"], "county",
        "a resubmission starts again at the first level"
    );

    review(&tp, &haidian, &id, "pass", "").await;
    review(&tp, &beijing, &id, "pass", "同意推荐").await;
    let decided = review(&tp, &miit, &id, "pass", "").await;
    assert_eq!(decided["status"], "publicity");

    // Only the final level publishes; the ministry publishes for 5 days.
    let beijing_token = tp.login(&beijing, PASSWORD).await;
    tp.call(
        "POST",
        "/v1/admin/publicity",
        Some(&beijing_token),
        Some(json!({"tier": "little_giant"})),
    )
    .await
    .expect_problem(403, "FORBIDDEN");
    let ministry_token = tp.login(&miit, PASSWORD).await;
    let list = tp
        .call(
            "POST",
            "/v1/admin/publicity",
            Some(&ministry_token),
            Some(json!({"tier": "little_giant", "days": 5})),
        )
        .await
        .expect(201);
    let list_id = list.body["id"].as_str().unwrap().to_owned();
    assert_eq!(list.body["entries"].as_array().unwrap().len(), 1);
    tp.call(
        "POST",
        &format!("/v1/admin/publicity/{list_id}/close"),
        Some(&ministry_token),
        None,
    )
    .await
    .expect_problem(409, "INVALID_STATE");

    // After the period: closing recognises it; the qualification runs three years from the closing day.
    tp.set_time("2026-06-09T10:00:00+08:00");
    let ministry_token = tp.login(&miit, PASSWORD).await;
    let closed = tp
        .call(
            "POST",
            &format!("/v1/admin/publicity/{list_id}/close"),
            Some(&ministry_token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(closed.body["recognized"], json!([id]));
    let token = tp.login(&firm, PASSWORD).await;
    let ent = tp
        .call("GET", "/v1/enterprise", Some(&token), None)
        .await
        .expect(200);
    let q = ent.body["qualifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["tier"] == "little_giant")
        .expect("little giant qualification")
        .clone();
    assert_eq!(
        (
            q["valid_from"].as_str(),
            q["valid_until"].as_str(),
            q["status"].as_str()
        ),
        (Some("2026-06-09"), Some("2029-06-08"), Some("valid"))
    );
    let d = tp
        .call("GET", &format!("/v1/declarations/{id}"), Some(&token), None)
        .await
        .expect(200);
    assert_eq!(d.body["status"], "recognized");

    // The audit trail, in order, with levels.
    let history = tp
        .call(
            "GET",
            &format!("/v1/declarations/{id}/history?limit=100"),
            Some(&token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        actions(&history.body),
        [
            "create",
            "save",
            "submit@county",
            "start_review@county",
            "pass@county",
            "start_review@province",
            "return@province",
            "submit@county",
            "start_review@county",
            "pass@county",
            "start_review@province",
            "pass@province",
            "start_review@ministry",
            "pass@ministry",
            "declaration.publicity_listed",
            "recognize"
        ]
    );
    // The public list shows the batch.
    let public = tp
        .call(
            "GET",
            "/v1/public/recognitions?tier=little_giant",
            None,
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        public.body["items"][0]["enterprises"][0]["enterprise_name"],
        "北京精密紧固件股份有限公司"
    );
}

#[tokio::test]
async fn a_specialized_declaration_from_a_zhejiang_county_walks_county_city_province_and_an_objection_pulls_another_out()
 {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-05-06T09:00:00+08:00");
    let zj = tp.official("zj_official", "province", Some("330000")).await;
    // The province creates the officials below it, inside its region only.
    let zj_token = tp.login(&zj, PASSWORD).await;
    for (login, level, region) in [
        ("hz_official", "city", "330100"),
        ("xihu_official", "county", "330106"),
    ] {
        tp.official_by(&zj_token, login, level, Some(region)).await;
    }
    tp.call("POST", "/v1/admin/officials", Some(&zj_token),
        Some(json!({"login_name": "nj_official", "password": PASSWORD, "phone": phone_for("nj"), "level": "city", "region": "320100"})))
        .await
        .expect_problem(403, "FORBIDDEN");
    tp.call("POST", "/v1/admin/officials", Some(&zj_token),
        Some(json!({"login_name": "zj2", "password": PASSWORD, "phone": phone_for("zj2"), "level": "province", "region": "330000"})))
        .await
        .expect_problem(403, "FORBIDDEN");
    tp.open_window_as(
        &zj_token,
        "specialized",
        YEAR,
        Some("330000"),
        "2026-05-01T00:00:00+08:00",
        "2026-06-01T00:00:00+08:00",
    )
    .await;

    let a_code = uscc(11, "330106");
    let b_code = uscc(12, "330106");
    let a = enterprise(&tp, "zj_a", &a_code, "杭州甲科技有限公司", "330106").await;
    let b = enterprise(&tp, "zj_b", &b_code, "杭州乙科技有限公司", "330106").await;
    tp.grant(&a_code, "innovative", "2025-10-01").await;
    tp.grant(&b_code, "innovative", "2025-10-01").await;
    let da = submitted_declaration(&tp, &a, "specialized").await;
    let db = submitted_declaration(&tp, &b, "specialized").await;

    for id in [&da, &db] {
        let c = review(&tp, "xihu_official", id, "pass", "").await;
        assert_eq!(c["level"], "city");
        let c = review(&tp, "hz_official", id, "pass", "").await;
        assert_eq!(c["level"], "province");
    }
    // The province returns A once; A resubmits and goes round again.
    review(&tp, &zj, &da, "return", "研发费用口径有误").await;
    let token = tp.login(&a, PASSWORD).await;
    tp.call(
        "POST",
        &format!("/v1/declarations/{da}/submit"),
        Some(&token),
        None,
    )
    .await
    .expect(200);
    review(&tp, "xihu_official", &da, "pass", "").await;
    review(&tp, "hz_official", &da, "pass", "").await;
    for id in [&da, &db] {
        assert_eq!(
            review(&tp, &zj, id, "pass", "").await["status"],
            "publicity"
        );
    }
    let zj_token = tp.login(&zj, PASSWORD).await;
    let queue = tp
        .call(
            "GET",
            "/v1/admin/queue?status=publicity",
            Some(&zj_token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(queue.body["items"].as_array().unwrap().len(), 2);
    let list = tp
        .call(
            "POST",
            "/v1/admin/publicity",
            Some(&zj_token),
            Some(json!({"tier": "specialized"})),
        )
        .await
        .expect(201);
    let list_id = list.body["id"].as_str().unwrap().to_owned();
    assert_eq!(list.body["days"], 7);
    let queue = tp
        .call(
            "GET",
            "/v1/admin/queue?status=publicity",
            Some(&zj_token),
            None,
        )
        .await
        .expect(200);
    assert!(
        queue.body["items"].as_array().unwrap().is_empty(),
        "listed declarations leave the queue"
    );

    // An objection during the period pulls B out.
    tp.set_time("2026-05-09T09:00:00+08:00");
    let zj_token = tp.login(&zj, PASSWORD).await;
    tp.call(
        "POST",
        &format!("/v1/admin/publicity/{list_id}/objection"),
        Some(&zj_token),
        Some(json!({"declaration_id": db, "reason": " "})),
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
    let pulled = tp
        .call(
            "POST",
            &format!("/v1/admin/publicity/{list_id}/objection"),
            Some(&zj_token),
            Some(json!({"declaration_id": db, "reason": "经核实存在知识产权纠纷"})),
        )
        .await
        .expect(200);
    assert_eq!(pulled.body["status"], "rejected");

    tp.set_time("2026-05-20T09:00:00+08:00");
    let zj_token = tp.login(&zj, PASSWORD).await;
    tp.call(
        "POST",
        &format!("/v1/admin/publicity/{list_id}/objection"),
        Some(&zj_token),
        Some(json!({"declaration_id": da, "reason": "迟到的异议"})),
    )
    .await
    .expect_problem(409, "INVALID_STATE");
    let closed = tp
        .call(
            "POST",
            &format!("/v1/admin/publicity/{list_id}/close"),
            Some(&zj_token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(closed.body["recognized"], json!([da]));
    assert_eq!(closed.body["objected"], json!([db]));

    let token = tp.login(&a, PASSWORD).await;
    let ent = tp
        .call("GET", "/v1/enterprise", Some(&token), None)
        .await
        .expect(200);
    let q = ent.body["qualifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["tier"] == "specialized")
        .unwrap()
        .clone();
    assert_eq!(
        (q["valid_from"].as_str(), q["valid_until"].as_str()),
        (Some("2026-05-20"), Some("2029-05-19"))
    );
    assert!(
        ent.body["recognition"]
            .as_str()
            .unwrap()
            .contains("专精特新中小企业")
    );
    let history = tp
        .call(
            "GET",
            &format!("/v1/declarations/{da}/history?limit=100"),
            Some(&token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        actions(&history.body),
        [
            "create",
            "save",
            "submit@county",
            "start_review@county",
            "pass@county",
            "start_review@city",
            "pass@city",
            "start_review@province",
            "return@province",
            "submit@county",
            "start_review@county",
            "pass@county",
            "start_review@city",
            "pass@city",
            "start_review@province",
            "pass@province",
            "declaration.publicity_listed",
            "recognize"
        ]
    );
    let token_b = tp.login(&b, PASSWORD).await;
    let history = tp
        .call(
            "GET",
            &format!("/v1/declarations/{db}/history?limit=100"),
            Some(&token_b),
            None,
        )
        .await
        .expect(200);
    let last = history.body["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["action"].as_str(), last["comment"].as_str()),
        (Some("objection"), Some("经核实存在知识产权纠纷"))
    );

    // The province's enterprise view shows A's qualification and declarations; Jiangsu's officials see nothing.
    let view = tp
        .call(
            "GET",
            &format!("/v1/admin/enterprises/{a_code}"),
            Some(&zj_token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(view.body["declarations"].as_array().unwrap().len(), 1);
    let js = tp.official("js_official", "province", Some("320000")).await;
    let js_token = tp.login(&js, PASSWORD).await;
    tp.call(
        "GET",
        &format!("/v1/admin/enterprises/{a_code}"),
        Some(&js_token),
        None,
    )
    .await
    .expect_problem(404, "NOT_FOUND");
    tp.call(
        "GET",
        &format!("/v1/declarations/{da}"),
        Some(&js_token),
        None,
    )
    .await
    .expect_problem(404, "NOT_FOUND");
}
