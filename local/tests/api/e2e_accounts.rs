//! End to end: the real `sme-local` binary on a free port, a fresh data folder, spoken to over HTTP.

use crate::support::runner::{Runner, fresh_dir};

use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};

const USCC_A: &str = "91350100M000100Y43";
const USCC_FREE: &str = "914403001922038216";
const ID_NATURAL: &str = "11010519491231002X";

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    fn new(base: &str) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: base.to_owned(),
        }
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let content_type = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = res.text().await.unwrap();
        assert_ne!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{method} {path} answered 500: {text}"
        );
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        if status.is_client_error() || status.is_server_error() {
            assert_eq!(
                content_type, "application/problem+json",
                "{method} {path} error without problem+json: {text}"
            );
            assert!(
                value["code"].is_string()
                    && value["title"].is_string()
                    && value["detail"].is_string(),
                "{text}"
            );
            assert_eq!(value["status"], status.as_u16());
        }
        (status, value)
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call("POST", path, token, Some(body)).await
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call("GET", path, token, None).await
    }

    async fn login(&self, login: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/v1/sessions",
            None,
            json!({"login": login, "password": password}),
        )
        .await
    }

    async fn token(&self, login: &str, password: &str) -> String {
        let (status, body) = self.login(login, password).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// The newest code sent to `to` through the development outbox.
    async fn last_code_to(&self, to: &str) -> String {
        let (_, outbox) = self.get("/v1/dev/outbox", None).await;
        let body = outbox["items"]
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
            .unwrap_or_else(|| panic!("nothing sent to {to}: {outbox}"))["body"]
            .as_str()
            .unwrap()
            .to_owned();
        body.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .unwrap_or_else(|| panic!("no code in {body}"))
            .to_owned()
    }
}

async fn register(api: &Api, login: &str, phone: &str, email: Option<&str>) {
    let (status, body) = api.post("/v1/accounts", None, json!({"login_name": login, "password": "Passw0rd2026", "phone": phone, "email": email})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["account_id"].is_string());
}

#[tokio::test]
async fn an_enterprise_account_lives_through_registration_verification_login_lockout_reset_and_restart()
 {
    let data = fresh_dir("accounts");
    let runner = Runner::start(&data);
    let api = Api::new(&runner.base);

    let (status, _) = api.get("/healthz", None).await;
    assert_eq!(status, StatusCode::OK);

    // Registration: bad input is refused field by field, a good one creates the account, a duplicate is taken.
    let (status, body) = api
        .post(
            "/v1/accounts",
            None,
            json!({"login_name": "1x", "password": "short", "phone": "123"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "VALIDATION_FAILED");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"login_name") && fields.contains(&"password") && fields.contains(&"phone"),
        "{body}"
    );
    register(
        &api,
        "acme_corp",
        "13800138000",
        Some("finance@acme.example.cn"),
    )
    .await;
    let (status, body) = api
        .post(
            "/v1/accounts",
            None,
            json!({"login_name": "ACME_corp", "password": "Passw0rd2026", "phone": "13800138001"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("LOGIN_TAKEN"))
    );

    // Verify as a legal person, then log in by login name and by USCC.
    let token = api.token("acme_corp", "Passw0rd2026").await;
    let (status, body) = api.post("/v1/accounts/me/real-name", Some(&token), json!({"subject_type": "legal_person", "uscc": "91350100M000100Y4A", "enterprise_name": "示例科技有限公司", "legal_representative": "张三"})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("INVALID_USCC")),
        "{body}"
    );
    let (status, body) = api.post("/v1/accounts/me/real-name", Some(&token), json!({"subject_type": "legal_person", "uscc": USCC_A, "enterprise_name": "示例科技有限公司", "legal_representative": "张三"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "verified");
    let by_uscc = api.token(USCC_A, "Passw0rd2026").await;
    let (status, me) = api.get("/v1/accounts/me", Some(&by_uscc)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "enterprise");
    assert_eq!(me["uscc"], USCC_A);
    assert_eq!(me["phone"], "138****8000");
    let by_name = api.token("acme_corp", "Passw0rd2026").await;
    assert_eq!(
        api.get("/v1/accounts/me", Some(&by_name)).await.1["account_id"],
        me["account_id"]
    );

    // A natural person: verified, logs in by name, never by a USCC.
    register(&api, "li_si", "13900139000", None).await;
    let np = api.token("li_si", "Passw0rd2026").await;
    let (status, body) = api
        .post(
            "/v1/accounts/me/real-name",
            Some(&np),
            json!({"subject_type": "natural_person", "name": "李四", "id_number": ID_NATURAL}),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("verified")),
        "{body}"
    );
    assert_eq!(
        api.get("/v1/accounts/me", Some(&np)).await.1["role"],
        "natural_person"
    );
    let (status, body) = api.login(USCC_FREE, "Passw0rd2026").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("BAD_CREDENTIALS"))
    );
    assert!(body.get("token").is_none());

    // A second account claiming the same USCC is told how to recover the first.
    register(&api, "acme_again", "13700137000", None).await;
    let other = api.token("acme_again", "Passw0rd2026").await;
    let (status, body) = api.post("/v1/accounts/me/real-name", Some(&other), json!({"subject_type": "legal_person", "uscc": USCC_A, "enterprise_name": "示例科技有限公司", "legal_representative": "张三"})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("USCC_TAKEN")),
        "{body}"
    );
    let steps: Vec<&str> = body["recovery"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["login_with_uscc", "reset_password", "change_phone"]);

    // Six wrong passwords lock the account, even against the right password afterwards.
    let mut codes = Vec::new();
    for _ in 0..6 {
        codes.push(
            api.login("acme_corp", "WrongPass1").await.1["code"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(codes[..4], ["BAD_CREDENTIALS"; 4]);
    assert_eq!(codes[4..], ["ACCOUNT_LOCKED"; 2]);
    let (status, body) = api.login(USCC_A, "Passw0rd2026").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("ACCOUNT_LOCKED"))
    );

    // Password reset through the SMS in the development outbox; the old password stops working.
    let (status, _) = api
        .post("/v1/password-resets", None, json!({"login": USCC_A}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, _) = api
        .post("/v1/password-resets", None, json!({"login": "nobody_here"}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "unknown logins look the same");
    let code = api.last_code_to("13800138000").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, body) = api
        .post(
            "/v1/password-resets/confirm",
            None,
            json!({"login": USCC_A, "code": wrong, "new_password": "NewPassw0rd"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("INVALID_CODE"))
    );
    let (status, body) = api
        .post(
            "/v1/password-resets/confirm",
            None,
            json!({"login": USCC_A, "code": code, "new_password": "NewPassw0rd"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body) = api
        .post(
            "/v1/password-resets/confirm",
            None,
            json!({"login": USCC_A, "code": code, "new_password": "NewPassw0rd2"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("INVALID_CODE")),
        "a code is single use"
    );
    assert_eq!(
        api.login("acme_corp", "Passw0rd2026").await.1["code"],
        "BAD_CREDENTIALS"
    );
    api.token("acme_corp", "NewPassw0rd").await;

    // Data survives a restart.
    runner.stop();
    let runner = Runner::start(&data);
    let api = Api::new(&runner.base);
    let token = api.token(USCC_A, "NewPassw0rd").await;
    let (status, me2) = api.get("/v1/accounts/me", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me2["account_id"], me["account_id"]);
    assert_eq!(me2["verification"]["status"], "verified");
    runner.stop();
    let _ = std::fs::remove_dir_all(&data);
}

fn b64(v: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

#[tokio::test]
async fn forged_expired_and_foreign_tokens_are_refused_with_401() {
    let data = fresh_dir("tokens");
    let runner = Runner::start(&data);
    let api = Api::new(&runner.base);
    register(&api, "token_user", "13600136000", None).await;
    let good = api.token("token_user", "Passw0rd2026").await;
    assert_eq!(
        api.get("/v1/accounts/me", Some(&good)).await.0,
        StatusCode::OK
    );

    let payload = good.split('.').nth(1).unwrap();
    // alg: none
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        payload
    );
    // HS256 keyed with the public key (the classic key-confusion attack)
    let public_pem = std::fs::read_to_string(data.join("keys/jwt-ed25519.pub.pem")).unwrap();
    let header = b64(&json!({"alg": "HS256", "typ": "JWT"}));
    let hs256 = {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(public_pem.as_bytes()).unwrap();
        mac.update(format!("{header}.{payload}").as_bytes());
        format!(
            "{header}.{payload}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    };
    // signed by another runner's key
    let other_data = fresh_dir("tokens-other");
    let other = Runner::start(&other_data);
    let other_api = Api::new(&other.base);
    register(&other_api, "token_user", "13600136000", None).await;
    let foreign = other_api.token("token_user", "Passw0rd2026").await;
    // a tampered payload
    let tampered = {
        let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
        let mut claims: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&parts[1])
                .unwrap(),
        )
        .unwrap();
        claims["role"] = json!("operator");
        parts[1] = b64(&claims);
        parts.join(".")
    };
    for (name, token) in [
        ("none", none),
        ("hs256", hs256),
        ("foreign", foreign),
        ("tampered", tampered),
        ("garbage", "abc.def".to_owned()),
    ] {
        let (status, body) = api.get("/v1/accounts/me", Some(&token)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("UNAUTHENTICATED")),
            "{name}"
        );
    }
    let (status, _) = api.get("/v1/accounts/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Expired: move the platform clock past the two-hour lifetime.
    let (status, _) = api
        .post(
            "/v1/dev/clock",
            None,
            json!({"now": "2099-01-01T00:00:00+08:00"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = api.get("/v1/accounts/me", Some(&good)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("UNAUTHENTICATED"))
    );
    other.stop();
    runner.stop();
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_dir_all(&other_data);
}

#[tokio::test]
async fn phone_changes_go_by_email_code_or_by_an_operators_manual_check() {
    let data = fresh_dir("phone");
    let runner = Runner::start(&data);
    let api = Api::new(&runner.base);
    register(
        &api,
        "phone_user",
        "13500135000",
        Some("boss@phone.example.cn"),
    )
    .await;

    // By e-mail code.
    let (status, body) = api
        .post(
            "/v1/phone-changes",
            None,
            json!({"login": "phone_user", "new_phone": "13500135001", "method": "email"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    let query_code = body["query_code"].as_str().unwrap().to_owned();
    let code = api.last_code_to("boss@phone.example.cn").await;
    let (status, body) = api
        .post(
            &format!("/v1/phone-changes/{id}/confirm"),
            None,
            json!({"code": code}),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("completed")),
        "{body}"
    );
    let (status, body) = api
        .get(&format!("/v1/phone-changes/{id}?code={query_code}"), None)
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("completed"))
    );
    assert_eq!(
        api.get(&format!("/v1/phone-changes/{id}?code=wrong"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let token = api.token("phone_user", "Passw0rd2026").await;
    assert_eq!(
        api.get("/v1/accounts/me", Some(&token)).await.1["phone"],
        "135****5001"
    );
    let (_, outbox) = api.get("/v1/dev/outbox", None).await;
    assert!(
        outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["to"] == "13500135001" && m["channel"] == "sms")
    );

    // By manual check: an operator approves from the queue; the new phone is told by SMS.
    let (status, body) = api.post("/v1/phone-changes", None, json!({"login": "phone_user", "new_phone": "13500135002", "method": "manual", "contact_name": "王五", "id_number": "330106199003071236", "reason": "原手机号已停用"})).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::CREATED, Some("pending_review")),
        "{body}"
    );
    let manual_id = body["id"].as_str().unwrap().to_owned();
    let user = api.token("phone_user", "Passw0rd2026").await;
    assert_eq!(
        api.get("/v1/admin/phone-changes", Some(&user)).await.0,
        StatusCode::FORBIDDEN
    );
    let ops = api.token("ops_admin", "Operator2026").await;
    let (status, queue) = api.get("/v1/admin/phone-changes", Some(&ops)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == manual_id.as_str())
    );
    let (status, body) = api
        .post(
            &format!("/v1/admin/phone-changes/{manual_id}/decision"),
            Some(&ops),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("completed")),
        "{body}"
    );
    let (_, queue) = api.get("/v1/admin/phone-changes", Some(&ops)).await;
    assert!(
        !queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == manual_id.as_str()),
        "decided requests leave the queue"
    );
    let (_, outbox) = api.get("/v1/dev/outbox", None).await;
    assert!(
        outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["to"] == "13500135002")
    );
    let (status, body) = api
        .post(
            &format!("/v1/admin/phone-changes/{manual_id}/decision"),
            Some(&ops),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("INVALID_STATE"))
    );
    runner.stop();
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn the_openapi_document_and_unknown_routes_answer_as_documented() {
    let data = fresh_dir("openapi");
    let runner = Runner::start(&data);
    let api = Api::new(&runner.base);
    let (status, doc) = api.get("/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for route in shared::http::routes::ROUTES {
        assert!(
            doc["paths"][route.path][route.method.to_ascii_lowercase()].is_object(),
            "{} {}",
            route.method,
            route.path
        );
    }
    let (status, body) = api.get("/v1/no-such-thing", None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("NOT_FOUND"))
    );
    let (status, body) = api.call("DELETE", "/v1/accounts", None, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, Some("METHOD_NOT_ALLOWED"))
    );
    let res = reqwest::Client::new()
        .post(format!("{}/v1/accounts", runner.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for f in shared::http::routes::Function::ALL {
        let (status, body) = api.get(&format!("/v1/health/{}", f.name()), None).await;
        assert_eq!(
            (status, body["function"].as_str()),
            (StatusCode::OK, Some(f.name()))
        );
    }
    runner.stop();
    let _ = std::fs::remove_dir_all(&data);
}
