//! Hardening (issue 11): each test reproduces an attack or a misuse through the real HTTP surface (the whole
//! router on a real socket) and checks the platform now refuses it cleanly.

use crate::support::*;
use serde_json::{Value, json};

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
        .filter(|m| m["to"] == to)
        .find(|m| {
            m["body"]
                .as_str()
                .unwrap_or("")
                .split(|c: char| !c.is_ascii_digit())
                .any(|w| w.len() == 6)
        })
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
    account_with_email(&tp, "phone_co", "owner@phone-co.example").await;
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

// ---- 1. account recovery must not be a way to take an account -----------------------------------------------------

/// Register an account with an e-mail address; returns nothing (log in as needed).
async fn account_with_email(tp: &TestPlatform, login: &str, email: &str) {
    tp.call(
        "POST",
        "/v1/accounts",
        None,
        Some(json!({"login_name": login, "password": PASSWORD, "phone": phone_for(login), "email": email})),
    )
    .await
    .expect(201);
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

#[tokio::test]
async fn an_email_phone_change_code_dies_after_five_wrong_tries_and_requests_are_capped() {
    let tp = start(Backend::Local).await;
    account_with_email(&tp, "victim_co", "boss@victim.example").await;
    async fn request(tp: &TestPlatform) -> Answer {
        tp.call(
            "POST",
            "/v1/phone-changes",
            None,
            Some(json!({"login": "victim_co", "new_phone": "13600136000", "method": "email"})),
        )
        .await
    }
    async fn confirm(tp: &TestPlatform, id: &str, code: &str) -> Answer {
        tp.call(
            "POST",
            &format!("/v1/phone-changes/{id}/confirm"),
            None,
            Some(json!({"code": code})),
        )
        .await
    }
    let first = request(&tp).await.expect(201);
    let id = first.body["id"].as_str().unwrap().to_owned();
    let code = last_code_to(&tp, "boss@victim.example").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        confirm(&tp, &id, wrong)
            .await
            .expect_problem(422, "INVALID_CODE");
    }
    // The attacker now guesses right: too late, the code is dead.
    confirm(&tp, &id, &code)
        .await
        .expect_problem(422, "INVALID_CODE");
    let me = tp.login("victim_co", PASSWORD).await;
    let account = tp
        .call("GET", "/v1/accounts/me", Some(&me), None)
        .await
        .expect(200);
    assert_ne!(
        account.body["phone"], "136****6000",
        "the phone did not change"
    );
    // Fresh codes cannot be asked for without end: three requests an hour per login.
    request(&tp).await.expect(201);
    request(&tp).await.expect(201);
    let capped = request(&tp).await.expect_problem(429, "RATE_LIMITED");
    assert!(capped.headers.contains_key("retry-after"));
    // Unknown logins are capped the same way.
    for n in 0..3 {
        tp.call(
            "POST",
            "/v1/phone-changes",
            None,
            Some(json!({"login": "nobody_at_all", "new_phone": format!("1360013600{n}"), "method": "email"})),
        )
        .await
        .expect(201);
    }
    tp.call(
        "POST",
        "/v1/phone-changes",
        None,
        Some(json!({"login": "nobody_at_all", "new_phone": "13600136009", "method": "email"})),
    )
    .await
    .expect_problem(429, "RATE_LIMITED");
}

#[tokio::test]
async fn code_confirmations_are_rate_limited_per_address() {
    let tp = start(Backend::Local).await;
    let change = tp
        .call(
            "POST",
            "/v1/phone-changes",
            None,
            Some(json!({"login": "ghost", "new_phone": "13600136000", "method": "email"})),
        )
        .await
        .expect(201);
    let path = format!(
        "/v1/phone-changes/{}/confirm",
        change.body["id"].as_str().unwrap()
    );
    let mut answers = Vec::new();
    for n in 0..12 {
        let answer = tp
            .call(
                "POST",
                &path,
                None,
                Some(json!({"code": format!("{n:06}")})),
            )
            .await;
        answers.push(answer.code().to_owned());
    }
    assert_eq!(
        &answers[..10],
        vec!["INVALID_CODE"; 10].as_slice(),
        "{answers:?}"
    );
    assert_eq!(
        &answers[10..],
        ["RATE_LIMITED", "RATE_LIMITED"],
        "{answers:?}"
    );
    // Password-reset confirmations count against the same address.
    tp.call(
        "POST",
        "/v1/password-resets/confirm",
        None,
        Some(json!({"login": "ghost", "code": "123456", "new_password": "NewPassw0rd2026"})),
    )
    .await
    .expect_problem(429, "RATE_LIMITED");
}

#[tokio::test]
async fn the_holder_hears_of_a_phone_change_when_it_is_asked_for_and_when_it_is_done() {
    let tp = start(Backend::Local).await;
    account_with_email(&tp, "told_co", "boss@told.example").await;
    let old_phone = phone_for("told_co");
    let change = tp
        .call(
            "POST",
            "/v1/phone-changes",
            None,
            Some(json!({"login": "told_co", "new_phone": "13600136000", "method": "email"})),
        )
        .await
        .expect(201);
    let sms = outbox_to(&tp, &old_phone).await;
    assert!(
        sms.iter()
            .any(|m| m.contains("有人申请") && m.contains("136****6000")),
        "{sms:?}"
    );
    let mail = outbox_to(&tp, "boss@told.example").await;
    assert!(mail.iter().any(|m| m.contains("有人申请")), "{mail:?}");
    let code = last_code_to(&tp, "boss@told.example").await;
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
    let sms = outbox_to(&tp, &old_phone).await;
    assert!(sms.iter().any(|m| m.contains("已更换")), "{sms:?}");
    let mail = outbox_to(&tp, "boss@told.example").await;
    assert!(mail.iter().any(|m| m.contains("已更换")), "{mail:?}");
}

/// A store decorator that counts every call, so two requests can be compared for the work they cause.
struct CountingStore {
    inner: shared::ports::SharedStore,
    calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl CountingStore {
    fn tick(&self) {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[async_trait::async_trait]
impl shared::ports::Store for CountingStore {
    async fn get(
        &self,
        pk: &str,
        sk: &str,
    ) -> Result<Option<shared::ports::Item>, shared::ports::StoreError> {
        self.tick();
        self.inner.get(pk, sk).await
    }
    async fn put(
        &self,
        item: shared::ports::Item,
        cond: shared::ports::Cond,
    ) -> Result<(), shared::ports::StoreError> {
        self.tick();
        self.inner.put(item, cond).await
    }
    async fn delete(
        &self,
        pk: &str,
        sk: &str,
        cond: shared::ports::Cond,
    ) -> Result<(), shared::ports::StoreError> {
        self.tick();
        self.inner.delete(pk, sk, cond).await
    }
    async fn transact(
        &self,
        ops: Vec<shared::ports::TxOp>,
    ) -> Result<(), shared::ports::StoreError> {
        self.tick();
        self.inner.transact(ops).await
    }
    async fn query(
        &self,
        query: shared::ports::Query,
    ) -> Result<shared::ports::Page, shared::ports::StoreError> {
        self.tick();
        self.inner.query(query).await
    }
}

/// The answer without what differs between any two requests (ids, codes, times).
fn comparable(answer: &Answer) -> (u16, Value) {
    let mut body = answer.body.clone();
    if let Some(map) = body.as_object_mut() {
        for volatile in ["id", "query_code", "requested_at", "instance", "request_id"] {
            map.remove(volatile);
        }
    }
    (answer.status.as_u16(), body)
}

#[tokio::test]
async fn unknown_logins_get_the_same_answers_after_the_same_store_work_as_known_ones() {
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = calls.clone();
    let tp = start_with_store_wrapper(move |inner| {
        std::sync::Arc::new(CountingStore {
            inner,
            calls: counter,
        })
    })
    .await;
    account_with_email(&tp, "known_co", "boss@known.example").await;
    // Each probe runs once for the known login and once for an unknown one, from fresh counters.
    let measure = |login: &'static str, method: &'static str, path: &'static str, body: Value| {
        let tp = &tp;
        let calls = calls.clone();
        async move {
            let body =
                serde_json::from_str::<Value>(&body.to_string().replace("LOGIN", login)).unwrap();
            let before = calls.load(std::sync::atomic::Ordering::SeqCst);
            let answer = tp.call(method, path, None, Some(body)).await;
            let used = calls.load(std::sync::atomic::Ordering::SeqCst) - before;
            (comparable(&answer), used, answer)
        }
    };
    let probes = [
        ("POST", "/v1/password-resets", json!({"login": "LOGIN"})),
        (
            "POST",
            "/v1/phone-changes",
            json!({"login": "LOGIN", "new_phone": "13600136000", "method": "email"}),
        ),
        (
            "POST",
            "/v1/phone-changes",
            json!({"login": "LOGIN", "new_phone": "13600136000", "method": "manual",
                "contact_name": "张三", "id_number": "11010519491231002X", "reason": "旧号码停用"}),
        ),
    ];
    for (method, path, body) in probes {
        let (known, known_calls, known_answer) =
            measure("known_co", method, path, body.clone()).await;
        let (unknown, unknown_calls, unknown_answer) =
            measure("unknown_co", method, path, body.clone()).await;
        assert_eq!(known, unknown, "{method} {path}");
        assert_eq!(known_calls, unknown_calls, "{method} {path}: store calls");
        if path == "/v1/phone-changes" {
            // Reading the request back looks the same too.
            let read = |a: &Answer| {
                format!(
                    "/v1/phone-changes/{}?code={}",
                    a.body["id"].as_str().unwrap(),
                    a.body["query_code"].as_str().unwrap()
                )
            };
            let k = tp.call("GET", &read(&known_answer), None, None).await;
            let u = tp.call("GET", &read(&unknown_answer), None, None).await;
            assert_eq!(comparable(&k), comparable(&u));
        }
    }
    // Six wrong passwords: the same answers (locked at the fifth), the same work, for both.
    let mut sequences = Vec::new();
    for login in ["known_co", "unknown_co"] {
        let mut seen = Vec::new();
        for _ in 0..6 {
            let before = calls.load(std::sync::atomic::Ordering::SeqCst);
            let answer = tp
                .call(
                    "POST",
                    "/v1/sessions",
                    None,
                    Some(json!({"login": login, "password": "Wrong-Passw0rd"})),
                )
                .await;
            let used = calls.load(std::sync::atomic::Ordering::SeqCst) - before;
            seen.push((comparable(&answer), used));
        }
        sequences.push(seen);
    }
    assert_eq!(sequences[0], sequences[1]);
    assert_eq!(sequences[0][5].0.1["code"], "ACCOUNT_LOCKED");
}

/// A client whose connections come from another loopback address (another "network address" to the server).
fn client_from(addr: &str, base: &str) -> Client {
    Client {
        base: base.to_owned(),
        http: reqwest::Client::builder()
            .local_address(addr.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap(),
    }
}

#[tokio::test]
async fn a_stranger_who_knows_the_uscc_cannot_lock_the_owner_out() {
    let tp = start(Backend::Local).await;
    tp.enterprise("owner_co", USCC_A, "锁定测试有限公司").await;
    let stranger = client_from("127.0.0.2", &tp.base);
    for _ in 0..5 {
        stranger
            .call(
                "POST",
                "/v1/sessions",
                None,
                Some(json!({"login": USCC_A, "password": "Guess-Passw0rd"})),
            )
            .await;
    }
    stranger
        .call(
            "POST",
            "/v1/sessions",
            None,
            Some(json!({"login": USCC_A, "password": PASSWORD})),
        )
        .await
        .expect_problem(429, "ACCOUNT_LOCKED");
    // The owner, from its own address, still logs in.
    tp.login(USCC_A, PASSWORD).await;
}
