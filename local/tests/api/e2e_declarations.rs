//! End to end (issue 3): the real `sme-local` binary, from a fresh account to a submitted specialized
//! declaration with evidence, a withdrawal to modify, a resubmission, and the application document — all over
//! HTTP, with the platform clock moved through the development route.

use crate::support::fixtures::*;
use crate::support::runner::{Runner, fresh_dir};
use crate::support::{Client, PASSWORD, pdf_bytes, uscc};
use serde_json::json;

/// Before 2026-04-01 the 2022 rules apply: a specialized declaration needs no lower tier first.
const NOW: &str = "2026-03-10T10:00:00+08:00";

#[tokio::test]
async fn a_fresh_enterprise_submits_withdraws_to_modify_resubmits_and_downloads_its_application() {
    let data = fresh_dir("declare");
    let runner = Runner::start(&data);
    let api = Client::new(&runner.base);
    api.set_dev_clock(NOW).await;

    // The province opens the window (here the operator, who may open any).
    api.open_window(
        "specialized",
        2026,
        Some("330000"),
        "2026-03-01T00:00:00+08:00",
        "2026-04-01T00:00:00+08:00",
    )
    .await;

    // A fresh account, verified as a legal person.
    let code = uscc(42, "330106");
    // Basic information (founded 2015, no honours) and the digital self-assessment.
    let mut profile = plain_profile("330106", &LAST_THREE_YEARS);
    profile["address"] = json!("杭州市西湖区文三路1号");
    profile["established_on"] = json!("2015-03-01");
    profile["market"]["since"] = json!("2016-01-01");
    let token = api
        .firm(
            "hz_fastener",
            &code,
            "杭州紧固件科技有限公司",
            &profile,
            None,
        )
        .await
        .token;
    let assessed = api.assess_digital(&token, Pick::First).await;
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
    let mut form = fill_form(&spec);
    api.call(
        "PUT",
        &format!("/v1/declarations/{id}"),
        Some(&token),
        Some(json!({"form": form})),
    )
    .await
    .expect(200);
    api.upload_required(&token, &id, &spec, "证明材料.pdf")
        .await;
    assert_eq!(api.first_evidence_bytes(&token, &id).await, pdf_bytes());

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
    api.set_dev_clock(NOW).await;
    let token = api.login(&code, PASSWORD).await;
    let read = api
        .call("GET", &format!("/v1/declarations/{id}"), Some(&token), None)
        .await
        .expect(200);
    assert_eq!(read.body["snapshot"]["sha256"], sha.as_str());
    runner.stop();
    let _ = std::fs::remove_dir_all(&data);
}
