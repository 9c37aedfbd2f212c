//! End to end (issue 3): the real `sme-local` binary, from a fresh account to a submitted specialized
//! declaration with evidence, a withdrawal to modify, a resubmission, and the application document — all over
//! HTTP, with the platform clock moved through the development route.

mod support;

use serde_json::{Map, Value, json};
use support::runner::{Runner, fresh_dir};
use support::{Client, PASSWORD, pdf_bytes, uscc};

/// Before 2026-04-01 the 2022 rules apply: a specialized declaration needs no lower tier first.
const NOW: &str = "2026-03-10T10:00:00+08:00";

fn figures(year: i32) -> Value {
    json!({"year": year, "operating_revenue": "30000000", "main_business_revenue": "27000000",
           "rd_expense": "1500000", "net_profit": "3000000", "total_assets": "50000000",
           "total_liabilities": "20000000", "employees": 120, "rd_staff": 30})
}

#[tokio::test]
async fn a_fresh_enterprise_submits_withdraws_to_modify_resubmits_and_downloads_its_application() {
    let data = fresh_dir("declare");
    let runner = Runner::start(&data);
    let api = Client::new(&runner.base);
    api.call("POST", "/v1/dev/clock", None, Some(json!({"now": NOW})))
        .await
        .expect(200);

    // The province opens the window (here the operator, who may open any).
    let op = api.login("ops_admin", "Operator2026").await;
    api.call(
        "POST",
        "/v1/admin/windows",
        Some(&op),
        Some(json!({
        "tier": "specialized", "year": 2026, "region": "330000",
        "opens_at": "2026-03-01T00:00:00+08:00", "closes_at": "2026-04-01T00:00:00+08:00"})),
    )
    .await
    .expect(201);

    // A fresh account, verified as a legal person.
    let code = uscc(42, "330106");
    let token = api
        .enterprise("hz_fastener", &code, "杭州紧固件科技有限公司")
        .await;

    // Basic information and the digital self-assessment.
    let profile = json!({
        "region": "330106", "address": "杭州市西湖区文三路1号", "industry": "3741",
        "niche_field": "航空紧固件", "main_products": ["钛合金紧固件"], "established_on": "2015-03-01",
        "employees": 120, "financials": [figures(2023), figures(2024), figures(2025)],
        "ip": {"class1_high_value": 1, "class1_self_developed": 2, "class1_total": 3, "class2_total": 5, "class1_applied": 2},
        "honours": [], "awards": [], "makers_china": [], "financing": [],
        "market": {"since": "2016-01-01", "national_share_pct": 12.5},
        "quality": {"own_brand": true, "quality_system_certified": true},
        "rd_institution": {"level": "provincial"}, "product_fields": {"chain_key_point": true},
        "operations": {"core_processes_on_info_systems": 2}, "local_indicators": []
    });
    api.call("PUT", "/v1/enterprise", Some(&token), Some(profile))
        .await
        .expect(200);
    let questionnaire = api
        .call(
            "GET",
            "/v1/digital-assessments/questionnaire",
            Some(&token),
            None,
        )
        .await
        .expect(200);
    let mut answers = Map::new();
    for q in questionnaire.body["questions"].as_array().unwrap() {
        let first = q["options"][0]["id"].clone();
        let answer = if q["kind"] == "multi" {
            json!([first])
        } else {
            first
        };
        answers.insert(q["id"].as_str().unwrap().to_owned(), answer);
    }
    let assessed = api
        .call(
            "POST",
            "/v1/digital-assessments",
            Some(&token),
            Some(json!({"answers": answers})),
        )
        .await
        .expect(201);
    assert!(assessed.body["result"]["level"].as_u64().unwrap() >= 1);

    // The draft, its form and its evidence.
    let created = api
        .call(
            "POST",
            "/v1/declarations",
            Some(&token),
            Some(json!({"tier": "specialized"})),
        )
        .await
        .expect(201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.body["form_spec"]["rule_version"], "2022");
    let spec = created.body["form_spec"]["spec"].clone();
    let mut form = Map::new();
    for f in spec["fields"].as_array().unwrap() {
        let value = match f["kind"].as_str().unwrap() {
            "number" => json!(f["min"].as_f64().unwrap_or(1.0).max(1.0)),
            "bool" => json!(true),
            "date" => json!("2025-01-01"),
            "choice" => f["options"][0]["value"].clone(),
            _ => json!("钛合金紧固件"),
        };
        form.insert(f["id"].as_str().unwrap().to_owned(), value);
    }
    api.call(
        "PUT",
        &format!("/v1/declarations/{id}"),
        Some(&token),
        Some(json!({"form": form})),
    )
    .await
    .expect(200);
    for slot in spec["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["required"] == true)
    {
        api.upload(
            &token,
            &id,
            slot["id"].as_str().unwrap(),
            "证明材料.pdf",
            "application/pdf",
            &pdf_bytes(),
        )
        .await;
    }
    let files = api
        .call(
            "GET",
            &format!("/v1/declarations/{id}/evidence"),
            Some(&token),
            None,
        )
        .await
        .expect(200);
    let download = files.body["items"][0]["download"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let bytes = api
        .http
        .get(&download)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.to_vec(), pdf_bytes());

    // Submit.
    let submitted = api
        .call(
            "POST",
            &format!("/v1/declarations/{id}/submit"),
            Some(&token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(submitted.body["status"], "submitted");
    let first_sha = submitted.body["snapshot"]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();

    // Withdraw to modify (inside the window), change the form, resubmit.
    let modified = api
        .call(
            "POST",
            &format!("/v1/declarations/{id}/withdraw"),
            Some(&token),
            Some(json!({"mode": "modify"})),
        )
        .await
        .expect(200);
    assert_eq!(modified.body["status"], "draft");
    let text_field = spec["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "long_text")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    form.insert(text_field, json!("补充说明：产品已进入国产大飞机供应链。"));
    api.call(
        "PUT",
        &format!("/v1/declarations/{id}"),
        Some(&token),
        Some(json!({"form": form})),
    )
    .await
    .expect(200);
    let resubmitted = api
        .call(
            "POST",
            &format!("/v1/declarations/{id}/submit"),
            Some(&token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(resubmitted.body["submissions"], 2);
    let sha = resubmitted.body["snapshot"]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(sha, first_sha, "the new snapshot carries the modified form");

    // The application document, with the snapshot's digest.
    let doc = api
        .call(
            "GET",
            &format!("/v1/declarations/{id}/application"),
            Some(&token),
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
    assert!(doc.text.contains("专精特新中小企业申请书"));
    assert!(doc.text.contains("杭州紧固件科技有限公司"));
    assert!(doc.text.contains(&sha));
    assert!(doc.text.contains("产品已进入国产大飞机供应链"));

    // The history tells the story; the data survive a restart.
    let history = api
        .call(
            "GET",
            &format!("/v1/declarations/{id}/history"),
            Some(&token),
            None,
        )
        .await
        .expect(200);
    let actions: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .filter(|a| !a.starts_with("evidence"))
        .collect();
    assert_eq!(
        actions,
        [
            "create",
            "save",
            "submit",
            "withdraw_modify",
            "save",
            "submit"
        ]
    );
    runner.stop();
    let runner = Runner::start(&data);
    let api = Client::new(&runner.base);
    api.call("POST", "/v1/dev/clock", None, Some(json!({"now": NOW})))
        .await
        .expect(200);
    let token = api.login(&code, PASSWORD).await;
    let read = api
        .call("GET", &format!("/v1/declarations/{id}"), Some(&token), None)
        .await
        .expect(200);
    assert_eq!(read.body["snapshot"]["sha256"], sha.as_str());
    runner.stop();
    let _ = std::fs::remove_dir_all(&data);
}
