//! The tier advisor and submission never disagree on eligibility (issue 13): being an SME is a condition of
//! every tier, so a firm too large for the 2011 size standard is "not eligible" with the `NOT_SME` reason in the
//! advice, exactly as submission refuses it; checked on a named case and over generated profiles. Also: a
//! submission with an incomplete profile names every missing item in Chinese.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::support::fixtures::*;
use crate::support::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};

const YEAR: i32 = 2026;

/// The platform on 6 May 2026 with Zhejiang's innovative window open.
async fn platform() -> TestPlatform {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-05-06T09:00:00+08:00");
    tp.open_window(
        "innovative",
        YEAR,
        Some("330000"),
        "2026-05-01T00:00:00+08:00",
        "2026-06-01T00:00:00+08:00",
    )
    .await;
    tp
}

/// The maker's profile with `employees` people and, in each of the last three years, `revenue` yuan of
/// operating revenue and `assets` yuan of total assets, in industry `industry`.
fn sized_profile(employees: i64, revenue: i64, assets: i64, industry: &str) -> Value {
    let mut p = profile("330106", &LAST_THREE_YEARS);
    p["employees"] = json!(employees);
    p["industry"] = json!(industry);
    for f in p["financials"].as_array_mut().unwrap() {
        f["employees"] = json!(employees);
        f["operating_revenue"] = json!(revenue.to_string());
        f["main_business_revenue"] = json!((revenue / 10 * 9).to_string());
        f["rd_expense"] = json!((revenue / 20).to_string());
        f["net_profit"] = json!((revenue / 10).to_string());
        f["total_assets"] = json!(assets.to_string());
        f["total_liabilities"] = json!((assets / 3).to_string());
        f["rd_staff"] = json!((employees / 4).max(1));
    }
    p
}

/// What the advisor and a submission say about an innovative declaration of the n-th enterprise with `profile`.
struct Verdicts {
    advice: Value,
    submitted: Answer,
}

async fn verdicts(tp: &TestPlatform, n: u32, profile: &Value) -> Verdicts {
    let firm = tp
        .firm(
            &format!("firm{n}"),
            &uscc(n, "330106"),
            &format!("测试企业{n}有限公司"),
            profile,
            Some(Pick::Best),
        )
        .await;
    let advice = tp
        .call("GET", "/v1/enterprise/advice", Some(&firm.token), None)
        .await
        .expect(200);
    let innovative = advice.body["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tier"] == "innovative")
        .cloned()
        .unwrap();
    let id = tp.ready_declaration(&firm.token, "innovative", YEAR).await;
    let submitted = tp.submit_declaration(&firm.token, &id).await;
    Verdicts {
        advice: innovative,
        submitted,
    }
}

fn blocker_codes(advice: &Value) -> Vec<String> {
    advice["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The advisor and the submission agree: an eligible advice submits (and freezes an eligible assessment); a
/// submission refused `NOT_SME` was advised "not eligible" for that reason; a submitted assessment is the
/// advised one.
fn agree(v: &Verdicts) -> Result<(), String> {
    let advised = v.advice["eligible"].as_bool().unwrap();
    let s = &v.submitted;
    if s.status.as_u16() == 200 {
        let frozen = s.body["snapshot"]["assessment"]["eligible"].as_bool();
        if frozen != Some(advised) || v.advice["assessment"]["eligible"].as_bool() != Some(advised)
        {
            return Err(format!(
                "advised eligible={advised}, submitted assessment {frozen:?}: {}",
                v.advice
            ));
        }
        if !blocker_codes(&v.advice).is_empty() {
            return Err(format!("submitted despite blockers: {}", v.advice));
        }
    } else {
        if advised {
            return Err(format!(
                "advised eligible but submission refused: {}",
                s.text
            ));
        }
        if s.code() == "NOT_SME"
            && (!blocker_codes(&v.advice).contains(&"NOT_SME".to_owned())
                || v.advice["assessment"]["eligible"] != false)
        {
            return Err(format!(
                "submission refused NOT_SME, the advice did not say so: {}",
                v.advice
            ));
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_firm_of_2400_people_and_600_million_yuan_is_advised_not_eligible_because_it_is_not_an_sme()
 {
    let tp = platform().await;
    let v = verdicts(
        &tp,
        1,
        &sized_profile(2400, 600_000_000, 900_000_000, "3741"),
    )
    .await;
    assert_eq!(v.submitted.code(), "NOT_SME", "{}", v.submitted.text);
    assert_eq!(v.advice["eligible"], false, "{}", v.advice);
    assert_eq!(v.advice["assessment"]["eligible"], false, "{}", v.advice);
    assert_eq!(v.advice["assessment"]["determined"], true, "{}", v.advice);
    assert_eq!(blocker_codes(&v.advice), ["NOT_SME"]);
    assert!(
        v.advice["blockers"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("中小企业划型标准"),
        "{}",
        v.advice
    );
    let sme = &v.advice["assessment"]["hard_conditions"][0];
    assert_eq!(
        (sme["id"].as_str(), sme["holds"].as_bool()),
        (Some("sme"), Some(false))
    );
    agree(&v).unwrap();
}

#[test]
fn the_advisor_and_submission_never_disagree_on_eligibility_over_generated_profiles() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tp = rt.block_on(platform());
    let next = AtomicU32::new(100);
    let sizes = (
        prop_oneof![10i64..400, 400i64..5000],
        prop_oneof![1_000_000i64..50_000_000, 50_000_000i64..2_000_000_000],
        prop_oneof![5_000_000i64..100_000_000, 100_000_000i64..3_000_000_000],
        prop::sample::select(vec!["3741", "6513", "5211", "4710", "5111"]),
    );
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&sizes, |(employees, revenue, assets, industry)| {
            let n = next.fetch_add(1, Ordering::SeqCst);
            let profile = sized_profile(employees, revenue, assets, industry);
            let v = rt.block_on(verdicts(&tp, n, &profile));
            agree(&v).map_err(TestCaseError::fail)
        })
        .unwrap();
}

#[tokio::test]
async fn an_incomplete_profile_is_refused_with_every_missing_item_named_in_chinese() {
    let tp = platform().await;
    let mut p = profile("330106", &[2023, 2024]);
    p.as_object_mut().unwrap().remove("niche_field");
    let firm = tp
        .firm(
            "gappy",
            &uscc(7, "330106"),
            "缺项科技有限公司",
            &p,
            Some(Pick::Best),
        )
        .await;
    let id = tp.ready_declaration(&firm.token, "innovative", YEAR).await;
    let refused = tp
        .submit_declaration(&firm.token, &id)
        .await
        .expect_problem(422, "PROFILE_INCOMPLETE");
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(detail.contains("2025 年度财务数据"), "{detail}");
    assert!(detail.contains("细分领域"), "{detail}");
    let errors: Vec<(&str, &str)> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            ("niche_field", "缺少“细分领域”"),
            ("financials[year=2025]", "缺少“2025 年度财务数据”")
        ],
        "{}",
        refused.text
    );
}
