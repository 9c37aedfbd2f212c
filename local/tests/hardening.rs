//! Hardening (issue 11): each test reproduces an attack or a misuse through the real HTTP surface (the whole
//! router on a real socket) and checks the platform now refuses it cleanly.

mod support;

use serde_json::{Value, json};
use support::*;

const USCC_A: &str = "91350100M000100Y43";

async fn raw(tp: &TestPlatform, method: &str, path: &str, body: &str) -> Answer {
    let res = tp
        .http
        .request(method.parse().unwrap(), format!("{}{}", tp.base, path))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert_ne!(status.as_u16(), 500, "{method} {path}: {text}");
    Answer {
        status,
        headers,
        body,
        text,
    }
}

// ---- 6. strict input --------------------------------------------------------------------------------------------

async fn malformed_cursors_answer_422_on_every_enterprise_list(backend: Backend) {
    let tp = start(backend).await;
    let token = tp.enterprise("cursor_co", USCC_A, "游标测试有限公司").await;
    for list in [
        "/v1/declarations",
        "/v1/change-reports",
        "/v1/info-updates",
        "/v1/re-reviews",
        "/v1/messages",
    ] {
        for cursor in [
            "%%%",
            "not-a-cursor",
            "eyJwayI6IkVOVCMxIiwic2siOiJ4In0",
            "a.b",
        ] {
            let answer = tp
                .call(
                    "GET",
                    &format!("{list}?cursor={cursor}"),
                    Some(&token),
                    None,
                )
                .await
                .expect_problem(422, "VALIDATION_FAILED");
            assert_eq!(
                answer.body["errors"][0]["field"], "cursor",
                "{list} {cursor}"
            );
        }
    }
}

#[tokio::test]
async fn malformed_cursors_answer_422_on_sqlite() {
    malformed_cursors_answer_422_on_every_enterprise_list(Backend::Local).await;
}

#[tokio::test]
async fn malformed_cursors_answer_422_on_dynamodb() {
    malformed_cursors_answer_422_on_every_enterprise_list(Backend::Moto).await;
}

#[tokio::test]
async fn a_cursor_forged_for_another_partition_is_refused() {
    let tp = start(Backend::Local).await;
    let op = tp.operator().await;
    // Three pending phone changes give the operator's queue a second page and a genuine cursor.
    for n in 0..3 {
        tp.call(
            "POST",
            "/v1/phone-changes",
            None,
            Some(json!({"login": format!("nobody{n}"), "new_phone": "13912345678", "method": "manual",
                "contact_name": "张三", "id_number": "11010519491231002X", "reason": "旧号码停用"})),
        )
        .await;
    }
    let first = tp
        .call("GET", "/v1/admin/phone-changes?limit=1", Some(&op), None)
        .await
        .expect(200);
    let cursor = first.body["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_owned();
    tp.call(
        "GET",
        &format!("/v1/admin/phone-changes?limit=1&cursor={cursor}"),
        Some(&op),
        None,
    )
    .await
    .expect(200);
    // The same position re-signed by nobody: its seal no longer matches.
    let (inner, _) = cursor.rsplit_once('.').unwrap();
    let forged = format!("{inner}.{}", "0".repeat(32));
    tp.call(
        "GET",
        &format!("/v1/admin/phone-changes?limit=1&cursor={forged}"),
        Some(&op),
        None,
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
    // A genuine cursor of one list presented to another list is refused too.
    tp.call(
        "GET",
        &format!("/v1/admin/real-name-reviews?limit=1&cursor={cursor}"),
        Some(&op),
        None,
    )
    .await
    .expect_problem(422, "VALIDATION_FAILED");
}

#[tokio::test]
async fn a_json_array_is_not_accepted_where_an_object_is_specified() {
    let tp = start(Backend::Local).await;
    tp.enterprise("array_co", USCC_A, "数组测试有限公司").await;
    let answer = raw(
        &tp,
        "POST",
        "/v1/sessions",
        &format!(r#"["array_co","{PASSWORD}"]"#),
    )
    .await;
    assert_eq!(answer.status.as_u16(), 422, "{}", answer.text);
    assert_eq!(answer.body["code"], "VALIDATION_FAILED");
    assert!(answer.body.get("token").is_none());
}

#[tokio::test]
async fn validation_messages_are_chinese_and_name_the_field() {
    let tp = start(Backend::Local).await;
    for (body, field) in [
        (r#"{"login":"x"}"#, "password"),
        (r#"{"login":"x","password":12}"#, "password"),
        (r#"{"login":["x"],"password":"y"}"#, "login"),
    ] {
        let answer = raw(&tp, "POST", "/v1/sessions", body).await;
        assert_eq!(answer.status.as_u16(), 422, "{body}: {}", answer.text);
        let error = &answer.body["errors"][0];
        assert_eq!(error["field"], field, "{body}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(field), "{message}");
        for english in [
            "invalid type",
            "expected",
            "line 1",
            "column",
            "missing field",
        ] {
            assert!(!message.contains(english), "{body}: {message}");
            assert!(!answer.body["detail"].as_str().unwrap().contains(english));
        }
    }
}

#[tokio::test]
async fn every_route_the_table_marks_for_accounts_refuses_a_request_without_a_token() {
    use shared::http::routes::{Access, ROUTES};
    let tp = start(Backend::Local).await;
    for route in ROUTES.iter().filter(|r| r.access != Access::Public) {
        let path = route
            .path
            .split('/')
            .map(|part| if part.starts_with('{') { "X1" } else { part })
            .collect::<Vec<_>>()
            .join("/");
        let body = (route.method != "GET" && route.method != "DELETE").then(|| json!({}));
        let answer = tp.call(route.method, &path, None, body).await;
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (401, "UNAUTHENTICATED"),
            "{} {} is marked {:?} but answered {}",
            route.method,
            route.path,
            route.access,
            answer.text
        );
    }
}

#[tokio::test]
async fn answers_carry_no_store_nosniff_and_html_a_restrictive_csp() {
    let tp = start(Backend::Local).await;
    let token = tp
        .enterprise("header_co", USCC_A, "响应头测试有限公司")
        .await;
    for (path, auth) in [
        ("/v1/accounts/me", Some(token.as_str())),
        ("/v1/nowhere", None),
    ] {
        let answer = tp.call("GET", path, auth, None).await;
        assert_eq!(answer.headers["cache-control"], "no-store", "{path}");
        assert_eq!(
            answer.headers["x-content-type-options"], "nosniff",
            "{path}"
        );
        assert!(
            answer.headers.contains_key("strict-transport-security"),
            "{path}"
        );
    }
    let session = tp
        .call(
            "POST",
            "/v1/sessions",
            None,
            Some(json!({"login": "header_co", "password": PASSWORD})),
        )
        .await
        .expect(201);
    assert_eq!(session.headers["cache-control"], "no-store");
}

#[tokio::test]
async fn a_window_opening_in_year_zero_is_refused() {
    let tp = start(Backend::Local).await;
    let op = tp.operator().await;
    for (opens, closes) in [
        ("0000-05-01T00:00:00+08:00", "2026-06-01T00:00:00+08:00"),
        ("2026-05-01T00:00:00+08:00", "9999-12-31T00:00:00+08:00"),
    ] {
        let answer = tp
            .call(
                "POST",
                "/v1/admin/windows",
                Some(&op),
                Some(
                    json!({"tier": "innovative", "year": 2026, "region": "330000",
                    "opens_at": opens, "closes_at": closes}),
                ),
            )
            .await
            .expect_problem(422, "VALIDATION_FAILED");
        assert_eq!(answer.body["errors"][0]["code"], "IMPLAUSIBLE_TIME");
    }
}

// ---- 2. sessions end when they should ------------------------------------------------------------------------------

/// The newest 6-digit code sent to `to` through the development outbox.
async fn last_code_to(tp: &TestPlatform, to: &str) -> String {
    let outbox = tp
        .call("GET", "/v1/dev/outbox", None, None)
        .await
        .expect(200);
    let body = outbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["to"] == to)
        .unwrap_or_else(|| panic!("nothing sent to {to}: {}", outbox.text))["body"]
        .as_str()
        .unwrap()
        .to_owned();
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {body}"))
        .to_owned()
}

/// Routes of three functions (register, declare, notify) that any account may call.
async fn assert_token_works_everywhere(tp: &TestPlatform, token: &str, works: bool) {
    for path in ["/v1/accounts/me", "/v1/declarations", "/v1/messages"] {
        let answer = tp.call("GET", path, Some(token), None).await;
        if works {
            answer.expect(200);
        } else {
            answer.expect_problem(401, "UNAUTHENTICATED");
        }
    }
}

async fn a_password_reset_ends_every_older_session(backend: Backend) {
    let tp = start(backend).await;
    let before = tp.enterprise("reset_co", USCC_A, "重置测试有限公司").await;
    assert_token_works_everywhere(&tp, &before, true).await;
    tp.call(
        "POST",
        "/v1/password-resets",
        None,
        Some(json!({"login": "reset_co"})),
    )
    .await
    .expect(202);
    let code = last_code_to(&tp, &phone_for("reset_co")).await;
    tp.call(
        "POST",
        "/v1/password-resets/confirm",
        None,
        Some(json!({"login": "reset_co", "code": code, "new_password": "NewPassw0rd2026"})),
    )
    .await
    .expect(204);
    assert_token_works_everywhere(&tp, &before, false).await;
    let after = tp.login("reset_co", "NewPassw0rd2026").await;
    assert_token_works_everywhere(&tp, &after, true).await;
}

#[tokio::test]
async fn a_password_reset_ends_every_older_session_on_sqlite() {
    a_password_reset_ends_every_older_session(Backend::Local).await;
}

#[tokio::test]
async fn a_password_reset_ends_every_older_session_on_dynamodb() {
    a_password_reset_ends_every_older_session(Backend::Moto).await;
}

#[tokio::test]
async fn a_phone_change_ends_every_older_session() {
    let tp = start(Backend::Local).await;
    tp.call(
        "POST",
        "/v1/accounts",
        None,
        Some(
            json!({"login_name": "phone_co", "password": PASSWORD, "phone": phone_for("phone_co"),
            "email": "owner@phone-co.example"}),
        ),
    )
    .await
    .expect(201);
    let before = tp.login("phone_co", PASSWORD).await;
    let change = tp
        .call(
            "POST",
            "/v1/phone-changes",
            None,
            Some(json!({"login": "phone_co", "new_phone": "13700137000", "method": "email"})),
        )
        .await
        .expect(201);
    let code = last_code_to(&tp, "owner@phone-co.example").await;
    tp.call(
        "POST",
        &format!(
            "/v1/phone-changes/{}/confirm",
            change.body["id"].as_str().unwrap()
        ),
        None,
        Some(json!({"code": code})),
    )
    .await
    .expect(200);
    tp.call("GET", "/v1/accounts/me", Some(&before), None)
        .await
        .expect_problem(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn logout_ends_only_the_current_session() {
    let tp = start(Backend::Local).await;
    let first = tp.enterprise("logout_co", USCC_A, "退出测试有限公司").await;
    let second = tp.login("logout_co", PASSWORD).await;
    tp.call("DELETE", "/v1/sessions/current", Some(&first), None)
        .await
        .expect(204);
    assert_token_works_everywhere(&tp, &first, false).await;
    assert_token_works_everywhere(&tp, &second, true).await;
    tp.call("DELETE", "/v1/sessions/current", Some(&first), None)
        .await
        .expect_problem(401, "UNAUTHENTICATED");
}
