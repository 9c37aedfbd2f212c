//! Changing a declaration window (`PATCH /v1/admin/windows/{id}`): who may change which window, the dates validated
//! like a new window's, the identity (tier, year, region) fixed, what an opened or closed window still allows
//! (`WINDOW_NOT_CHANGEABLE`), `If-Match` against the window's version, and that an extended window really takes
//! submissions after its former closing.

use crate::support::fixtures::*;
use crate::support::*;
use serde_json::{Value, json};

const BEFORE: &str = "2026-04-20T10:00:00+08:00";
const OPENS: &str = "2026-05-01T00:00:00+08:00";
const CLOSES: &str = "2026-06-01T00:00:00+08:00";

/// Open a window as `token`; returns it as the API answered.
async fn window(tp: &TestPlatform, token: &str, tier: &str, region: Option<&str>) -> Value {
    let mut body = json!({"tier": tier, "year": 2026, "opens_at": OPENS, "closes_at": CLOSES});
    if let Some(r) = region {
        body["region"] = json!(r);
    }
    tp.call("POST", "/v1/admin/windows", Some(token), Some(body))
        .await
        .expect(201)
        .body
}

async fn change(tp: &TestPlatform, token: &str, w: &Value, body: Value) -> Answer {
    let path = format!("/v1/admin/windows/{}", w["id"].as_str().unwrap());
    tp.call("PATCH", &path, Some(token), Some(body)).await
}

#[tokio::test]
async fn the_ministry_changes_little_giant_windows_and_a_province_its_own_provinces_others() {
    let tp = start(Backend::Local).await;
    tp.set_time(BEFORE);
    let op = tp.operator().await;
    let zhejiang = tp
        .signed_in_official("zj_province", "province", Some("330000"))
        .await;
    let jiangsu = tp
        .signed_in_official("js_province", "province", Some("320000"))
        .await;
    let hangzhou = tp
        .signed_in_official("hz_city", "city", Some("330100"))
        .await;
    let ministry = tp.signed_in_official("miit", "ministry", None).await;
    let zj_innovative = window(&tp, &zhejiang, "innovative", Some("330000")).await;
    let giant = window(&tp, &ministry, "little_giant", None).await;
    let later = json!({"closes_at": "2026-06-15T00:00:00+08:00"});

    let changed = change(&tp, &zhejiang, &zj_innovative, later.clone())
        .await
        .expect(200);
    assert_eq!(changed.body["closes_at"], "2026-06-14T16:00:00Z");
    assert_eq!(changed.body["opens_at"], zj_innovative["opens_at"]);
    assert_eq!(
        (
            &changed.body["tier"],
            &changed.body["year"],
            &changed.body["region"]
        ),
        (&json!("innovative"), &json!(2026), &json!("330000"))
    );
    assert_eq!(changed.body["version"], 2);
    assert_eq!(changed.headers["etag"], "\"2\"");
    assert!(changed.body["updated_by"].is_string(), "{}", changed.text);
    change(&tp, &ministry, &giant, later.clone())
        .await
        .expect(200);
    change(
        &tp,
        &op,
        &zj_innovative,
        json!({"closes_at": "2026-06-20T00:00:00+08:00"}),
    )
    .await
    .expect(200);

    // The ministry does not set provincial windows, nor a province the national one, nor a city anything.
    change(&tp, &ministry, &zj_innovative, later.clone())
        .await
        .expect_problem(403, "FORBIDDEN");
    change(&tp, &zhejiang, &giant, later.clone())
        .await
        .expect_problem(403, "FORBIDDEN");
    change(&tp, &hangzhou, &zj_innovative, later.clone())
        .await
        .expect_problem(403, "FORBIDDEN");
    // Another province's window does not exist for Jiangsu; neither does an unknown id.
    change(&tp, &jiangsu, &zj_innovative, later.clone())
        .await
        .expect_problem(404, "NOT_FOUND");
    for id in ["01HZZZZZZZZZZZZZZZZZZZZZZZ", "nope"] {
        tp.call(
            "PATCH",
            &format!("/v1/admin/windows/{id}"),
            Some(&zhejiang),
            Some(later.clone()),
        )
        .await
        .expect_problem(404, "NOT_FOUND");
    }
    let enterprise = tp
        .enterprise("firm1", &uscc(1, "330106"), "杭州测试有限公司")
        .await;
    change(&tp, &enterprise, &zj_innovative, later.clone())
        .await
        .expect_problem(403, "FORBIDDEN");

    // The list shows the window as last changed, with its version.
    let list = tp
        .call(
            "GET",
            "/v1/admin/windows?tier=innovative&year=2026",
            Some(&zhejiang),
            None,
        )
        .await
        .expect(200);
    let shown = &list.body["items"][0];
    assert_eq!(shown["closes_at"], "2026-06-19T16:00:00Z", "{}", list.text);
    assert_eq!(shown["version"], 3);
}

#[tokio::test]
async fn invalid_dates_and_identity_fields_are_refused_field_by_field() {
    let tp = start(Backend::Local).await;
    tp.set_time(BEFORE);
    let op = tp.operator().await;
    let w = window(&tp, &op, "innovative", Some("330000")).await;
    let field_error = |a: &Answer| {
        (
            a.body["errors"][0]["field"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
            a.body["errors"][0]["code"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
        )
    };
    for (body, field, code) in [
        (
            json!({"closes_at": "2026-06-31"}),
            "closes_at",
            "INVALID_TIME",
        ),
        (
            json!({"opens_at": "2130-01-01T00:00:00+08:00"}),
            "opens_at",
            "IMPLAUSIBLE_TIME",
        ),
        // Later than the (unchanged) closing.
        (
            json!({"opens_at": "2026-06-02T00:00:00+08:00"}),
            "closes_at",
            "CLOSES_BEFORE_OPENING",
        ),
        (
            json!({"opens_at": "2026-05-10T00:00:00+08:00", "closes_at": "2026-05-10T00:00:00+08:00"}),
            "closes_at",
            "CLOSES_BEFORE_OPENING",
        ),
        // Ending before now would close a window that never opened.
        (
            json!({"opens_at": "2026-04-01T00:00:00+08:00", "closes_at": "2026-04-15T00:00:00+08:00"}),
            "closes_at",
            "CLOSES_IN_PAST",
        ),
        (json!({}), "body", "REQUIRED"),
        (json!({"closes_at": "  "}), "body", "REQUIRED"),
        // The identity of a window: a different tier, year or region is a new window.
        (json!({"tier": "specialized"}), "tier", "UNKNOWN_FIELD"),
        (
            json!({"year": 2027, "closes_at": CLOSES}),
            "year",
            "UNKNOWN_FIELD",
        ),
        (json!({"region": "320000"}), "region", "UNKNOWN_FIELD"),
        (json!({"closes_at": 20260601}), "closes_at", "INVALID_TYPE"),
    ] {
        let a = change(&tp, &op, &w, body.clone())
            .await
            .expect_problem(422, "VALIDATION_FAILED");
        assert_eq!(
            field_error(&a),
            (field.to_owned(), code.to_owned()),
            "{body}: {}",
            a.text
        );
    }
    // Nothing was written.
    let list = tp
        .call("GET", "/v1/admin/windows", Some(&op), None)
        .await
        .expect(200);
    assert_eq!(list.body["items"][0]["opens_at"], w["opens_at"]);
    assert_eq!(list.body["items"][0]["closes_at"], w["closes_at"]);
    assert_eq!(list.body["items"][0]["version"], 1);
}

#[tokio::test]
async fn an_open_window_may_be_extended_but_keeps_its_opening_and_a_closed_one_is_fixed() {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-05-10T10:00:00+08:00");
    let zhejiang = tp
        .signed_in_official("zj_province", "province", Some("330000"))
        .await;
    let w = window(&tp, &zhejiang, "innovative", Some("330000")).await;
    let firm = tp
        .firm(
            "firm1",
            &uscc(1, "330106"),
            "杭州测试紧固件有限公司",
            &profile("330106", &LAST_THREE_YEARS),
            None,
        )
        .await;
    let draft = tp.ready_declaration(&firm.token, "innovative", 2026).await;

    let moved = change(
        &tp,
        &zhejiang,
        &w,
        json!({"opens_at": "2026-05-05T00:00:00+08:00"}),
    )
    .await
    .expect_problem(409, "WINDOW_NOT_CHANGEABLE");
    assert!(
        moved.body["detail"]
            .as_str()
            .unwrap()
            .contains("开始时间不能再修改"),
        "{}",
        moved.text
    );
    change(
        &tp,
        &zhejiang,
        &w,
        json!({"closes_at": "2026-05-10T09:00:00+08:00"}),
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
    // The same opening sent again is no change of it.
    change(
        &tp,
        &zhejiang,
        &w,
        json!({"opens_at": OPENS, "closes_at": "2026-06-15T00:00:00+08:00"}),
    )
    .await
    .expect(200);

    // After the former closing, the enterprise still submits.
    tp.set_time("2026-06-05T10:00:00+08:00");
    let firm_token = tp.login("firm1", PASSWORD).await;
    let submitted = tp.submit_declaration(&firm_token, &draft).await.expect(200);
    assert_eq!(submitted.body["status"], "submitted");

    // Once closed, nothing changes, not even to extend it.
    tp.set_time("2026-06-16T10:00:00+08:00");
    let zhejiang = tp.login("zj_province", PASSWORD).await;
    let closed = change(
        &tp,
        &zhejiang,
        &w,
        json!({"closes_at": "2026-06-30T00:00:00+08:00"}),
    )
    .await
    .expect_problem(409, "WINDOW_NOT_CHANGEABLE");
    assert!(
        closed.body["detail"]
            .as_str()
            .unwrap()
            .contains("已于 2026-06-15 00:00"),
        "{}",
        closed.text
    );
}

#[tokio::test]
async fn a_change_from_a_stale_version_is_a_conflict_on_sqlite() {
    a_change_from_a_stale_version_is_a_conflict(Backend::Local).await;
}

#[tokio::test]
async fn a_change_from_a_stale_version_is_a_conflict_on_dynamodb() {
    a_change_from_a_stale_version_is_a_conflict(Backend::Moto).await;
}

async fn a_change_from_a_stale_version_is_a_conflict(backend: Backend) {
    let tp = start(backend).await;
    tp.set_time(BEFORE);
    let op = tp.operator().await;
    let zhejiang = tp
        .signed_in_official("zj_province", "province", Some("330000"))
        .await;
    let w = window(&tp, &op, "specialized", Some("330000")).await;
    assert_eq!(w["version"], 1);
    let path = format!("/v1/admin/windows/{}", w["id"].as_str().unwrap());
    let first = tp
        .call_with(
            "PATCH",
            &path,
            Some(&zhejiang),
            Some(json!({"closes_at": "2026-06-10T00:00:00+08:00"})),
            &[("if-match", "\"1\"".to_owned())],
        )
        .await
        .expect(200);
    assert_eq!(first.version(), 2);
    // The operator changes it from what it read before the province's change.
    let stale = tp
        .call_with(
            "PATCH",
            &path,
            Some(&op),
            Some(json!({"closes_at": "2026-06-20T00:00:00+08:00"})),
            &[("if-match", "1".to_owned())],
        )
        .await
        .expect_problem(409, "VERSION_CONFLICT");
    assert_eq!(stale.body["current_version"], 2, "{}", stale.text);
    let list = tp
        .call("GET", "/v1/admin/windows", Some(&op), None)
        .await
        .expect(200);
    assert_eq!(list.body["items"][0]["closes_at"], "2026-06-09T16:00:00Z");
    // From the fresh version it goes through.
    tp.call_with(
        "PATCH",
        &path,
        Some(&op),
        Some(json!({"closes_at": "2026-06-20T00:00:00+08:00"})),
        &[("if-match", "2".to_owned())],
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn two_changes_from_the_same_version_at_once_one_wins() {
    let tp = start(Backend::Local).await;
    tp.set_time(BEFORE);
    let op = tp.operator().await;
    let zhejiang = tp
        .signed_in_official("zj_province", "province", Some("330000"))
        .await;
    let w = window(&tp, &op, "innovative", Some("330000")).await;
    let path = format!("/v1/admin/windows/{}", w["id"].as_str().unwrap());
    let change = |token: String, closes: &'static str| {
        let path = path.clone();
        let tp = &tp;
        async move {
            tp.call_with(
                "PATCH",
                &path,
                Some(&token),
                Some(json!({ "closes_at": closes })),
                &[("if-match", "1".to_owned())],
            )
            .await
        }
    };
    let (a, b) = tokio::join!(
        change(op.clone(), "2026-06-10T00:00:00+08:00"),
        change(zhejiang.clone(), "2026-06-20T00:00:00+08:00")
    );
    let mut outcomes = [
        (a.status.as_u16(), a.code().to_owned()),
        (b.status.as_u16(), b.code().to_owned()),
    ];
    outcomes.sort();
    assert_eq!(
        outcomes,
        [(200, String::new()), (409, "VERSION_CONFLICT".to_owned())],
        "{} / {}",
        a.text,
        b.text
    );
    let winner = if a.status.as_u16() == 200 { &a } else { &b };
    let list = tp
        .call("GET", "/v1/admin/windows", Some(&op), None)
        .await
        .expect(200);
    assert_eq!(list.body["items"][0]["closes_at"], winner.body["closes_at"]);
    assert_eq!(list.body["items"][0]["version"], 2);
}
